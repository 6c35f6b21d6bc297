/* hub.h: the running hub — config, store, broker client, timers, open
 * incidents and counter supervision — shared by the loop (hubd.c), the
 * message router (inbox.c), the incident driver (engine.c), the publisher
 * (outbox.c) and counter supervision (supervise.c). */
#ifndef HUB_HUB_H
#define HUB_HUB_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "incident.h"
#include "mqtt.h"
#include "proto.h"
#include "ratelim.h"
#include "store.h"
#include "timers.h"

#define HUB_VERSION		"0.1"
#define HUB_RECEIPTS_MAX	256	/* per loop iteration */
#define HUB_OUTQ_MAX		4096	/* publishes held while the broker or
					   Paho's window cannot take them */
#define HUB_EVROWS_MAX		256	/* event rows awaiting a commit */
#define HUB_RETRY_MS		1000	/* a failed commit is tried again */
#define HUB_MSGS_PER_TURN	256	/* messages a loop turn takes, then
					   timers get their turn */
/* Incident ids are reserved on disk ahead of use, and a turn opens at
 * most one incident per message: with a whole turn's worth always
 * reserved at its start, no id is used (and paged) beyond what a crash
 * would keep. */
#define HUB_IDS_BLOCK		(2 * HUB_MSGS_PER_TURN)
#define HUB_IDS_KEY		"incident_ids_reserved"
#define HUB_UNKNOWN_COUNTERS_MAX 32	/* boards not in the config watched */
#define HUB_CLOCK_FRESH_MS	(24 * 3600 * 1000LL)	/* a board's clock
					   offset older than this is unknown */
#define HUB_BROKER_TELL_MS	5000	/* a broker outage this long is told
					   to facilities: calls waited */
#define HUB_REJECT_LOGS		20	/* bad messages logged a minute */

struct web;

/* ---- the loop's descriptor sources --------------------------------------
 * A module that waits on descriptors of its own (libcurl's sockets, the
 * command hooks' pidfds, an HTTP server) joins hubd's one poll() through a
 * struct hub_fdsrc, registered in main before the loop. Every turn the
 * loop calls each source's
 *   prepare:  fill at most max pollfds (fd and events; fd -1 is ignored)
 *             and lower *due_ms (CLOCK_MONOTONIC ms; -1 = no deadline) to
 *             the source's next deadline, which the timerfd is armed to;
 *             return how many pollfds it filled;
 *   dispatch: after poll(), with the same pollfds and their revents and
 *             the monotonic time now: do what is ready or due. Called
 *             every turn, ready or not, after the hub's own timers and
 *             before the turn's messages and its commit, so that what it
 *             writes to the store joins the turn's transaction.
 * Neither may block. A source owns its descriptors; the loop only polls. */
#define HUB_FDSRC_MAX		4
#define HUB_FDSRC_FDS		256	/* pollfds per source and turn */

struct hub_fdsrc {
	const char *name;
	void *arg;
	unsigned (*prepare)(void *arg, struct pollfd *pfd, unsigned max,
	    int64_t *due_ms);
	void (*dispatch)(void *arg, const struct pollfd *pfd, unsigned n,
	    int64_t now_ms);
};

enum hub_timer_kind { HUB_TIMER_INCIDENT, HUB_TIMER_COUNTER, HUB_TIMER_RETRY };

/* An incident and its escalation timer: open, or closed but not yet
 * committed as closed (it leaves memory with that commit). */
struct hub_inc {
	struct incident inc;
	struct timer timer;
	int saved;		/* written in the open transaction */
	int unsaved;		/* its rows were rolled back: write again */
	int restored;		/* from the store: re-page once connected */
	struct hub_inc *next;
};

/* An event row written in a turn whose commit may fail: kept until it is
 * committed, so that it is written again and its re-send is known. */
struct hub_evrow {
	struct proto_event ev;
	int64_t incident, received_ms;
	int written;		/* in the open transaction */
};

enum hub_cstate { HUB_CS_UNKNOWN, HUB_CS_ONLINE, HUB_CS_OFFLINE, HUB_CS_SILENT };

/* A counter board under supervision (configured, or seen on the broker). */
struct hub_counter {
	char id[PROTO_ID_MAX];
	enum hub_cstate state;
	int alerted;			/* facilities were told it is down */
	int64_t clock_offset_ms;	/* its clock minus ours, at its last
					   live status (at clock_seen_ms) */
	int64_t clock_seen_ms;		/* UTC; 0: never measured */
	int offline_held;		/* an offline status right after the
					   hub's reconnect, told only if the
					   board is not back in a window */
	uint32_t interval_s;		/* its heartbeat interval */
	int64_t heard_mono_ms;		/* its last status; 0 never */
	struct timer timer;		/* heartbeats overdue */
};

struct hub_stats {
	uint64_t events, duplicates, replies, malformed, security;
	uint64_t tolerated;		/* presses taken despite a wrong field */
	uint64_t counters_dropped;	/* unknown boards forgotten */
	uint64_t failed_commits;
};

/* A publish held until the broker is back. */
/* What losing a held publish costs, for choosing one when the queue is
 * full: a receipt is asked for again (the board re-sends its event), a
 * state only matters as the newest on its topic, the rest (pages,
 * alerts) must go out. */
enum hub_outprio { HUB_OUT_RESEND, HUB_OUT_LATEST, HUB_OUT_KEEP };

struct hub_outmsg {
	char *topic;
	char *payload;
	size_t len;
	int retained;
	enum hub_outprio prio;
	int superseded;		/* a newer one of its topic is held */
};

struct hub {
	struct hub_conf *conf;
	struct store *store;
	struct mqtt *mqtt;
	struct timers timers;
	struct hub_inc *incidents;	/* open, and closed until committed */
	int64_t next_id;
	int64_t ids_reserved;		/* ids up to this are committed as
					   reserved: a crash cannot reuse them */
	int64_t stale_from, stale_to;	/* ids a dead hub may have published
					   but never stored */
	int connected_once;		/* incident timers wait for it */
	/* what was wrong with the event at hand, taken all the same: its
	 * receipt says it (inbox sets it around engine_event) */
	char event_problem[PROTO_TEXT_MAX];
	/* health, part of the hub's status (outbox_hub_status) */
	int store_failing;		/* the last commit failed */
	int reload_refused;		/* the last SIGHUP's file was refused */
	char reload_error[PROTO_TEXT_MAX];
	int64_t online_since_ms;	/* the status's "at": this connect */
	int64_t broker_lost_mono_ms;	/* connection lost at, 0: connected
					   or never connected */
	int64_t broker_lost_wall_ms;
	int64_t broker_back_mono_ms;	/* the last reconnect after an
					   outage, 0: none yet */
	struct timer retry;		/* a failed commit, tried again */
	struct hub_evrow evrows[HUB_EVROWS_MAX];
	unsigned nevrows;
	struct hub_counter **counters;
	unsigned ncounters, capcounters;
	struct hub_stats stats;
	struct ratelim reject_lim;	/* logging of bad messages */
	/* receipts wait for the commit of the events they confirm */
	struct proto_feedback receipts[HUB_RECEIPTS_MAX];
	char receipt_counter[HUB_RECEIPTS_MAX][PROTO_ID_MAX];
	unsigned nreceipts;
	struct hub_outmsg outq[HUB_OUTQ_MAX];
	unsigned outq_head, outq_len;
	struct web *web;		/* acknowledgement server; NULL: none */
	struct incident_ctx cx;		/* scratch for one incident input */
	int64_t cx_mono_ms;		/* cx.now_ms on the monotonic clock */
	struct notify *notify;		/* channels besides the pager; NULL
					   when not set up (unit tests) */
	struct hub_fdsrc src[HUB_FDSRC_MAX];
	unsigned nsrc;
	/* What the engine asks of supervision, by callback so that the
	 * engine does not call into it (hubd sets it; NULL: unknown). 1 and
	 * *offset_ms: counter's clock minus the hub's; 0: not known. */
	int (*board_offset)(struct hub *h, const char *counter,
	    int64_t *offset_ms);
	/* and outbox of the notifier, for maintenance messages (NULL: MQTT
	 * only) */
	void (*maint_channels)(struct hub *h, const char *person,
	    const struct proto_maint *mt);
};

/* ---- engine.c: incidents from events, replies and timers ------------- */

/* The store failing (a commit failed) or well again: the hub's status says
 * so, and the facility role is told once each way. */
void engine_store_health(struct hub *h, int failing);

/* Reserve incident ids ahead (committed) and load open incidents from the
 * store; their timers wait for engine_connected. 0 or -1. */
int engine_restore(struct hub *h);
/* Connected to the broker. The first time: clear the retained state of
 * ids a dead hub may have published, page the restored incidents' current
 * step again, tell their desks, and arm their timers. */
void engine_connected(struct hub *h);
void engine_event(struct hub *h, const struct proto_event *ev);
void engine_reply(struct hub *h, const struct proto_reply *rp);
/* Incident id in memory (open, or closed this turn), or NULL. */
const struct incident *engine_incident(struct hub *h, int64_t id);
void engine_timer(struct hub *h, struct hub_inc *hi);
/* Tell counter's desk the state of its latest incident (open, or over):
 * the board has just come (back) online and may have missed it. */
void engine_counter_state(struct hub *h, const char *counter);
/* End of a loop iteration: write again what a failed commit lost, commit,
 * then send the receipts it covers. A failed commit sends no receipt and
 * is tried again within HUB_RETRY_MS. */
void engine_commit(struct hub *h);
/* A delivery attempt on a channel is over: its pages row joins the turn's
 * transaction, and a log line names the incident's event. next says what
 * follows ("retry in 2000 ms", "no more attempts"). */
struct store_attempt;
void engine_attempt(struct hub *h, const struct store_attempt *a,
    const char *next);
/* The step of person's outstanding page in incident when it is the
 * incident's current step; 0 when the page is over (answered, stood down,
 * the ladder moved on, the incident closed). Retries last while it is not. */
uint32_t engine_page_step(struct hub *h, int64_t incident,
    const char *person);
/* Some channel of a page in incident failed for good: if no one the
 * current step paged can be reached any more (notify_reachable), the
 * ladder moves on now instead of waiting out the step. */
void engine_unreachable(struct hub *h, int64_t incident);
/* A clean stop, after the last commit: give back the unused ids. */
void engine_stop(struct hub *h);
/* Free every incident in memory (shutdown). */
void engine_free(struct hub *h);
/* A store write's result rc, what naming it: a failure inside the turn's
 * transaction is reported once, by the commit it makes fail; one outside
 * any transaction is logged here. */
void engine_check(struct hub *h, int rc, const char *what);

/* ---- inbox.c: route one message from the broker ---------------------- */

void inbox_message(struct hub *h, const struct mqtt_ev *ev);

/* ---- outbox.c: everything the hub publishes -------------------------- */

/* Encode-and-publish helpers; each also lands in the store's log. */
void outbox_page(struct hub *h, const struct incident *inc,
    const char *person, uint32_t step, enum proto_page_type type,
    const char *reason);
void outbox_feedback(struct hub *h, const char *counter,
    const struct proto_feedback *fb);
void outbox_incident(struct hub *h, const struct incident *inc);
void outbox_incident_clear(struct hub *h, int64_t id);
void outbox_maint(struct hub *h, const struct proto_maint *mt);
/* A maintenance message about the hub's own channel (a reserved name —
 * "broker", "store" — or a notification channel), stamped now, logged
 * as "<channel>: maintenance alert: <reason>" and sent. */
void outbox_maint_channel(struct hub *h, enum proto_maint_type type,
    const char *channel, const char *label, const char *reason);
void outbox_hub_status(struct hub *h, int online);
/* Label and "floor, zone, place" of a counter (PROTO_TEXT_MAX bytes
 * each), for pages; an unconfigured counter is named by its id. */
void outbox_where(const struct hub_conf *c, const char *counter, char *label,
    char *location);
/* Fill the state feedback for inc. */
void outbox_state_of(const struct incident *inc, struct proto_feedback *fb);
/* Send what was held while disconnected (after a reconnect). */
void outbox_flush(struct hub *h);
void outbox_free(struct hub *h);
/* The topic of type for id under this hub's prefix and site; "" if the id
 * does not fit. */
void outbox_topic(const struct hub *h, enum proto_topic_type type,
    const char *id, char *buf, size_t size);

/* ---- notify.c: pages on the channels besides the MQTT pager ----------- */

/* Set up h->notify (libcurl, command hooks) and fill src, the loop's
 * descriptor source for it. Call before any thread starts. 0 or -1. */
int notify_init(struct hub *h, struct hub_fdsrc *src);
/* Page person on each channel of theirs but the pager (which outbox_page
 * has published pg on), superseding their earlier page of the incident.
 * Attempts start at once and never block; each is recorded when over. */
void notify_page(struct hub *h, const struct proto_page *pg,
    const char *person);
/* A maintenance alert or notice to person on each of their channels but
 * the pager (outbox_maint publishes it on maint/<person>): tried again
 * like a page, logged (no incident to record it under). */
void notify_maint(struct hub *h, const char *person,
    const struct proto_maint *mt);
/* 0 when every channel of person's latest page of incident has failed for
 * good and the pager is not one of them; 1 otherwise. */
int notify_reachable(struct hub *h, int64_t incident, const char *person);
/* Abort transfers, kill and reap hooks, free (shutdown). */
void notify_free(struct hub *h);

/* ---- supervise.c: counter boards alive or not ------------------------ */

/* Load the last known states and arm a first deadline for configured
 * counters (after a start or a reload). 0 or -1. */
int supervise_sync(struct hub *h);
void supervise_status(struct hub *h, const struct proto_status *st,
    int retained);
void supervise_fault(struct hub *h, const struct proto_event *ev);
/* For hub.board_offset: counter's clock minus the hub's, measured at its
 * last live status within HUB_CLOCK_FRESH_MS; 1 known, 0 not. */
int supervise_board_offset(struct hub *h, const char *counter,
    int64_t *offset_ms);
void supervise_timer(struct hub *h, struct hub_counter *c);
/* The broker is back: every pending heartbeat window starts again, and
 * an outage of HUB_BROKER_TELL_MS or more is told as the broker's (lost_*:
 * when it was lost, 0 for the first connect), not as every board's. */
void supervise_reconnected(struct hub *h, int64_t lost_mono_ms,
    int64_t lost_wall_ms);
void supervise_free(struct hub *h);

#endif
