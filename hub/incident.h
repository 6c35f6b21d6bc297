/* incident.h: the incident state machine — state + input + now in,
 * actions out. No I/O: the caller publishes, stores and arms the timer
 * according to the actions and the fields left in struct incident.
 *
 * raised -> paging (step k, round r) -> acknowledged -> on_scene ->
 * resolved -> closed; on_scene may come straight from paging. */
#ifndef HUB_INCIDENT_H
#define HUB_INCIDENT_H

#include <stdint.h>

#include "conf.h"
#include "proto.h"
#include "rules.h"

#define INCIDENT_PEOPLE_MAX	64
#define INCIDENT_ACTS_MAX	(3 * INCIDENT_PEOPLE_MAX + 8)

/* struct incident_person.flags */
#define INC_P_PAGED	0x01	/* a page is outstanding */
#define INC_P_ACKED	0x02	/* counts as a responder */
#define INC_P_DECLINED	0x04	/* declined in this round of the ladder */
#define INC_P_CANCELLED	0x08	/* was told to stand down */
#define INC_P_ON_SCENE	0x10
#define INC_P_INFORMED	0x20	/* paged as an informed target: not stood
				   down when the call is covered */

struct incident_person {
	char id[PROTO_ID_MAX];
	unsigned flags;
	uint32_t step;			/* step of the last page */
	int64_t paged_ms, acked_ms;	/* UTC epoch ms; 0 = never */
};

/* struct incident.flags */
#define INC_F_UNKNOWN_COUNTER	0x01	/* the counter is not in the config */
#define INC_F_COVERED		0x02	/* enough acks; paging stopped */
#define INC_F_EXHAUSTED		0x04	/* ladder and repeats used up */
#define INC_F_FALLBACK		0x08	/* a step reached only the fallback */
#define INC_F_ANON_ARRIVAL	0x10	/* "arrived" pressed at the counter */

enum incident_timer {
	INC_TIMER_NONE,
	INC_TIMER_STEP,		/* the current step's wait ends */
	INC_TIMER_ON_SCENE,	/* acknowledged but nobody on scene */
	INC_TIMER_RELIEF,	/* on scene for too long */
};

struct incident {
	int64_t id;
	char counter[PROTO_ID_MAX];
	char event[PROTO_EVENT_ID_MAX];	/* the press that opened it */
	enum proto_kind kind;
	enum proto_istate state;
	enum proto_category category;
	char note[PROTO_NOTE_MAX];
	unsigned flags;
	uint32_t step;			/* 1-based; 0 before the first page */
	uint32_t round;			/* 0 on the ladder's first run */
	uint32_t needed;		/* responders required */
	/* UTC epoch ms; 0 = not yet */
	int64_t pressed_ms, received_ms, first_page_ms, acked_ms;
	int64_t on_scene_ms, resolved_ms, closed_ms;
	char resolved_by[PROTO_ID_MAX];	/* a person; "" at the counter */
	/* the board's clock minus the hub's, from its last live status when
	 * the press came; known 0: not measured (or not after a restore) */
	int64_t board_offset_ms;
	int board_offset_known;
	int64_t received_mono_ms;	/* received_ms on CLOCK_MONOTONIC:
					   intervals are measured on it */
	enum incident_timer timer;
	int64_t due_ms;			/* when timer fires, UTC epoch ms */
	struct incident_person people[INCIDENT_PEOPLE_MAX];
	unsigned npeople;
};

enum incident_act_type {
	INC_ACT_PAGE,		/* page person at step */
	INC_ACT_CANCEL,		/* tell person to stand down; text: why */
	INC_ACT_ACK,		/* person acknowledged (store it) */
	INC_ACT_DECLINE,	/* person declined */
	INC_ACT_STATE,		/* state or responders changed: tell desk */
	INC_ACT_CLOSE,		/* closed: clear the retained state */
	INC_ACT_NOTE,		/* a line for the log only */
};

struct incident_act {
	enum incident_act_type type;
	char person[PROTO_ID_MAX];	/* PAGE, CANCEL, ACK, DECLINE */
	uint32_t step;			/* PAGE */
	char text[160];			/* why, for the log and cancel pages */
};

/* One call's context: the rules, the moment, and where actions go. */
struct incident_ctx {
	const struct hub_conf *conf;
	int64_t now_ms;			/* UTC epoch ms */
	int64_t mono_ms;		/* the same moment on CLOCK_MONOTONIC;
					   incident_ctx_init sets now_ms */
	struct rules_when when;		/* now in the site's time zone */
	struct incident_act acts[INCIDENT_ACTS_MAX];
	unsigned nacts;
};

/* Start cx for a new input at now_ms (when: its local time). */
void incident_ctx_init(struct incident_ctx *cx, const struct hub_conf *conf,
    int64_t now_ms, const struct rules_when *when);

/* Open incident id for the press ev (received at cx->now_ms) and page
 * step 1. */
void incident_open(struct incident *inc, int64_t id,
    const struct proto_event *ev, struct incident_ctx *cx);

/* Another help/emergency/test press at the same counter joins inc; an
 * emergency raises a help incident and restarts the emergency ladder. */
void incident_join(struct incident *inc, const struct proto_event *ev,
    struct incident_ctx *cx);

/* A cancel press at the counter: within the grace period the incident
 * ends as a false alarm. Returns 1 if it closed, 0 if ignored. */
int incident_cancel(struct incident *inc, struct incident_ctx *cx);

/* "arrived" pressed at the counter: someone is there. */
void incident_arrived(struct incident *inc, struct incident_ctx *cx);

/* A reply from a pager. Only people in the config may answer: a reply
 * from anyone else changes nothing (the caller refuses it first). Returns
 * 0, or -1 if the incident is already resolved (the caller may tell the
 * sender to stand down). */
int incident_reply(struct incident *inc, const struct proto_reply *rp,
    struct incident_ctx *cx);

/* inc was reloaded from the store by a restarted hub, now connected
 * again: the current step's outstanding pages are sent again (the old
 * ones may have died with the hub's queue), the desk and dashboards are
 * told the state again, and the timer is made sane — an open incident
 * always has one, and it is due no later than one whole wait from now
 * (a wall clock that went back must not delay escalation). */
void incident_restore(struct incident *inc, struct incident_ctx *cx);

/* Nobody the current step paged can be reached: every channel of theirs
 * failed for good. The ladder moves on at once, as after a decline (not
 * at its end, where only the timer moves it). Returns 1 if it moved. */
int incident_step_failed(struct incident *inc, struct incident_ctx *cx);

/* inc->timer fired. */
void incident_timer_fired(struct incident *inc, struct incident_ctx *cx);

/* Responders counted towards needed. */
uint32_t incident_acks(const struct incident *inc);
/* Ids of the acknowledged responders into ids (at most max); the count. */
unsigned incident_responders(const struct incident *inc,
    char ids[][PROTO_ID_MAX], unsigned max);
/* 1 while the incident is open (not resolved or closed). */
int incident_is_open(const struct incident *inc);
/* The person entry for id, or NULL. */
struct incident_person *incident_person_find(struct incident *inc,
    const char *id);

const char *incident_timer_name(enum incident_timer t);
int incident_timer_parse(const char *s, enum incident_timer *out);

#endif
