/* proto.h: the wire contract — MQTT topics and JSON payloads, version 1.
 * docs/PROTOCOL.md is the prose form of this file; keep them in step.
 *
 * Decoders take a pointer and a length (MQTT payloads are not
 * NUL-terminated), check every field, and on rejection return -1 and set
 * *why to a static string naming the reason. They never read past len.
 * Encoders write JSON into a caller's buffer and return its length (no NUL
 * counted; one is written), or -1 if the buffer is too small or a field is
 * invalid. Unknown fields are ignored; an unknown "v" is rejected. */
#ifndef PANIC_PROTO_H
#define PANIC_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION		1
#define PROTO_DEFAULT_PREFIX	"panic"
#define PROTO_MAX_PAYLOAD	4096	/* larger payloads are rejected unread */
#define PROTO_ID_MAX		33	/* [A-Za-z0-9_-]{1,32} + NUL */
#define PROTO_EVENT_ID_MAX	96	/* "<counter>:<boot>:<seq>" + NUL */
#define PROTO_TEXT_MAX		256	/* UTF-8 labels, locations, names */
/* A note is limited in characters, as people count, the same wherever it
 * is typed; 4 bytes each at most, so the bytes follow. */
#define PROTO_NOTE_CHARS	500
#define PROTO_NOTE_MAX		(4 * PROTO_NOTE_CHARS + 1)	/* + NUL */
#define PROTO_TOPIC_MAX		256
#define PROTO_LIST_MAX		8	/* buttons, outputs, faults, responders */
#define PROTO_URL_MAX		512	/* a page's ack_url */

enum proto_kind {
	PROTO_KIND_HELP,
	PROTO_KIND_EMERGENCY,
	PROTO_KIND_CANCEL,
	PROTO_KIND_ARRIVED,
	PROTO_KIND_TEST,
	PROTO_KIND_FAULT,		/* button held far too long: stuck/cut */
	PROTO_KIND_FAULT_CLEARED,	/* that button was released again */
	PROTO_KIND_COUNT
};

enum proto_gesture {
	PROTO_GESTURE_PRESS,	/* first debounced press, raised at once */
	PROTO_GESTURE_SHORT,
	PROTO_GESTURE_LONG,
	PROTO_GESTURE_DOUBLE,
	PROTO_GESTURE_HELD,	/* held past the fault limit */
	PROTO_GESTURE_RELEASED,	/* released after a fault */
	PROTO_GESTURE_COUNT
};

/* Incident lifecycle as the hub reports it (feedback, incident topics). */
enum proto_istate {
	PROTO_IST_RAISED,
	PROTO_IST_PAGING,
	PROTO_IST_ACKNOWLEDGED,
	PROTO_IST_ON_SCENE,
	PROTO_IST_RESOLVED,
	PROTO_IST_CLOSED,
	PROTO_IST_COUNT
};

enum proto_action {
	PROTO_ACTION_ACK,
	PROTO_ACTION_DECLINE,
	PROTO_ACTION_ON_SCENE,
	PROTO_ACTION_RESOLVE,
	PROTO_ACTION_COUNT
};

enum proto_category {
	PROTO_CAT_NONE,		/* not yet categorised */
	PROTO_CAT_HARASSMENT,
	PROTO_CAT_COMPLAINT,
	PROTO_CAT_ENQUIRY,
	PROTO_CAT_FALSE_ALARM,
	PROTO_CAT_DRILL,
	PROTO_CAT_OTHER,
	PROTO_CAT_COUNT
};

/* Names on the wire ("help", "short", "paging", "ack", "harassment", ...).
 * *_name returns NULL for an out-of-range value; *_parse returns -1 for an
 * unknown name. Parsers take a length: names come from payloads. */
const char *proto_kind_name(enum proto_kind k);
int proto_kind_parse(const char *s, size_t len, enum proto_kind *out);
const char *proto_gesture_name(enum proto_gesture g);
int proto_gesture_parse(const char *s, size_t len, enum proto_gesture *out);
const char *proto_istate_name(enum proto_istate s);
int proto_istate_parse(const char *s, size_t len, enum proto_istate *out);
const char *proto_action_name(enum proto_action a);
int proto_action_parse(const char *s, size_t len, enum proto_action *out);
const char *proto_category_name(enum proto_category c);
int proto_category_parse(const char *s, size_t len, enum proto_category *out);

/* 1 if s is a valid id: 1..32 of [A-Za-z0-9_-]. Sites, counters, people,
 * buttons, outputs and incidents all use this charset, so no id can carry an
 * MQTT wildcard or a '/' into a topic or client id. */
int proto_id_valid(const char *s);
/* 1 if s[0..len) is well-formed UTF-8 without NUL or C0 controls other than
 * tab and newline. */
int proto_text_valid(const char *s, size_t len);
/* Characters (Unicode code points) in valid UTF-8 s[0..len). */
size_t proto_text_chars(const char *s, size_t len);

/* ---- topics ---------------------------------------------------------- */

enum proto_topic_type {
	PROTO_TOPIC_EVENT,	/* <p>/<site>/counter/<id>/event     board -> hub */
	PROTO_TOPIC_STATUS,	/* <p>/<site>/counter/<id>/status    board, retained */
	PROTO_TOPIC_FEEDBACK,	/* <p>/<site>/counter/<id>/feedback  hub -> board */
	PROTO_TOPIC_PAGER,	/* <p>/<site>/pager/<id>             hub -> pager */
	PROTO_TOPIC_REPLY,	/* <p>/<site>/pager/<id>/reply       pager -> hub */
	PROTO_TOPIC_MAINT,	/* <p>/<site>/maint/<id>             hub -> facility */
	PROTO_TOPIC_INCIDENT,	/* <p>/<site>/incident/<id>          hub, retained */
	PROTO_TOPIC_HUB_STATUS,	/* <p>/<site>/hub/status             hub, retained */
	PROTO_TOPIC_COUNT
};

struct proto_topic {
	enum proto_topic_type type;
	char site[PROTO_ID_MAX];
	char id[PROTO_ID_MAX];	/* counter, person or incident; "" for hub */
};

/* Build a topic. id is ignored for PROTO_TOPIC_HUB_STATUS. Returns the
 * length, or -1 if an id is invalid or buf is too small. */
int proto_topic_build(char *buf, size_t size, const char *prefix,
    const char *site, enum proto_topic_type type, const char *id);
/* Subscription filter for every topic of one type at a site, e.g.
 * "panic/b1/counter/+/event". Returns the length or -1. */
int proto_topic_filter(char *buf, size_t size, const char *prefix,
    const char *site, enum proto_topic_type type);
/* Parse topic[0..len) under prefix. Returns 0, or -1 with *why set. */
int proto_topic_parse(const char *topic, size_t len, const char *prefix,
    struct proto_topic *out, const char **why);

/* ---- payloads -------------------------------------------------------- */

/* A gesture at a counter. board -> hub, QoS 1. The id is stable across
 * re-sends: "<counter>:<boot>:<seq>". */
struct proto_event {
	char id[PROTO_EVENT_ID_MAX];
	char counter[PROTO_ID_MAX];
	char boot[PROTO_ID_MAX];	/* outbox generation at the board */
	uint64_t seq;			/* 1, 2, ... within boot */
	enum proto_kind kind;
	enum proto_gesture gesture;
	char button[PROTO_ID_MAX];
	int64_t pressed_ms;		/* UTC epoch ms, board's clock */
	int64_t held_ms;		/* press length; -1 when not yet known */
	uint32_t attempt;		/* 1 on first send, +1 per re-send */
	char upgrades[PROTO_EVENT_ID_MAX]; /* earlier event it upgrades, or "" */
};

/* Compose ev->id from counter, boot and seq. Returns 0 or -1. */
int proto_event_make_id(struct proto_event *ev);
int proto_encode_event(const struct proto_event *ev, char *buf, size_t size);
int proto_decode_event(const char *buf, size_t len, struct proto_event *out,
    const char **why);
/* As proto_decode_event, but a press is never dropped over a field that
 * does not decide who is paged (gesture, button, pressed_at, held_ms,
 * attempt, upgrades) or over a newer protocol version: such a field gets
 * its default and what was wrong goes into notes ("; "-separated, size
 * bytes). Returns 0 when valid, 1 when taken with notes, -1 (why) when
 * the id, counter, boot, seq or kind are not sound, or the payload is
 * not a JSON object. */
int proto_decode_event_tolerant(const char *buf, size_t len,
    struct proto_event *out, const char **why, char *notes, size_t size);

/* Board supervision. Retained, QoS 1; the Last Will is the offline form
 * (no "at": it was composed at connect time). */
struct proto_status {
	int online;			/* 1 online (and heartbeats), 0 offline */
	char counter[PROTO_ID_MAX];
	char boot[PROTO_ID_MAX];
	char fw[PROTO_ID_MAX];		/* firmware version; "" in a Will */
	int64_t at_ms;			/* 0 when absent */
	uint32_t hb;			/* heartbeats since connect, 0 first */
	uint32_t interval_s;		/* heartbeat interval; 0 in a Will */
	uint32_t outbox;		/* events awaiting their receipt */
	unsigned nbuttons, noutputs, nfaults;
	char buttons[PROTO_LIST_MAX][PROTO_ID_MAX];
	char outputs[PROTO_LIST_MAX][PROTO_ID_MAX];
	char faults[PROTO_LIST_MAX][PROTO_ID_MAX];	/* stuck buttons */
};

int proto_encode_status(const struct proto_status *st, char *buf, size_t size);
int proto_decode_status(const char *buf, size_t len, struct proto_status *out,
    const char **why);

/* hub -> board on the feedback topic, QoS 1, not retained. A receipt says
 * an event is committed at the hub (the board may drop it from its outbox);
 * a state message says what the desk light should show. */
enum proto_feedback_type { PROTO_FEEDBACK_RECEIPT, PROTO_FEEDBACK_STATE };

struct proto_feedback {
	enum proto_feedback_type type;
	char event[PROTO_EVENT_ID_MAX];	/* receipt: the event; state: "" */
	char incident[PROTO_ID_MAX];	/* "" if the event opened none */
	int duplicate;			/* receipt: seen before */
	char problem[PROTO_TEXT_MAX];	/* receipt: what was wrong with an
					   event the hub took all the same */
	int provisional;		/* receipt: paged, but the hub could
					   not store it yet: keep the event and
					   send it again until a plain one */
	enum proto_istate state;	/* state of the incident */
	enum proto_kind kind;		/* incident kind (severity) */
	uint32_t acks;			/* responders acknowledged */
	uint32_t needed;		/* responders the rules ask for */
	int64_t at_ms;
};

int proto_encode_feedback(const struct proto_feedback *fb, char *buf,
    size_t size);
int proto_decode_feedback(const char *buf, size_t len,
    struct proto_feedback *out, const char **why);

/* hub -> one person's pager topic, QoS 1. A "page" asks them to respond;
 * a "cancel" says they no longer need to (others are covering, resolved). */
enum proto_page_type { PROTO_PAGE_PAGE, PROTO_PAGE_CANCEL };

struct proto_page {
	enum proto_page_type type;
	char incident[PROTO_ID_MAX];
	char counter[PROTO_ID_MAX];
	char label[PROTO_TEXT_MAX];	/* "3番窓口" */
	char location[PROTO_TEXT_MAX];	/* "1F, zone A, left of the entrance" */
	enum proto_kind kind;
	uint32_t step;			/* escalation step, 1-based */
	int64_t pressed_ms;
	int64_t sent_ms;
	int64_t elapsed_ms;		/* sent - first received, hub clock */
	uint32_t acks, needed;
	unsigned nresponders;		/* people who acknowledged */
	char responders[PROTO_LIST_MAX][PROTO_ID_MAX];
	char reason[PROTO_TEXT_MAX];	/* cancel: why; page: "" */
	char ack_url[PROTO_URL_MAX];	/* page: the person's one-tap
					   acknowledgement link; "" if none */
};

int proto_encode_page(const struct proto_page *pg, char *buf, size_t size);
int proto_decode_page(const char *buf, size_t len, struct proto_page *out,
    const char **why);

/* pager -> hub on <p>/<site>/pager/<person>/reply, QoS 1. person must equal
 * the topic's id (the hub checks). */
struct proto_reply {
	char incident[PROTO_ID_MAX];
	char person[PROTO_ID_MAX];
	enum proto_action action;
	enum proto_category category;	/* resolve: required; others: NONE */
	char note[PROTO_NOTE_MAX];
	int64_t at_ms;			/* 0 if the device has no clock */
};

int proto_encode_reply(const struct proto_reply *rp, char *buf, size_t size);
int proto_decode_reply(const char *buf, size_t len, struct proto_reply *out,
    const char **why);

/* Retained incident state for dashboards; cleared (empty retained
 * payload) once the incident is closed. */
struct proto_incident {
	char incident[PROTO_ID_MAX];
	char counter[PROTO_ID_MAX];
	char label[PROTO_TEXT_MAX];
	enum proto_kind kind;
	enum proto_istate state;
	enum proto_category category;
	uint32_t step, acks, needed;
	unsigned nresponders;
	char responders[PROTO_LIST_MAX][PROTO_ID_MAX];
	int64_t pressed_ms, received_ms;
	int64_t acked_ms, on_scene_ms, resolved_ms;	/* 0 = not yet */
};

int proto_encode_incident(const struct proto_incident *in, char *buf,
    size_t size);
int proto_decode_incident(const char *buf, size_t len,
    struct proto_incident *out, const char **why);

/* Hub supervision, retained; its Last Will is the offline form. */
struct proto_hub_status {
	int online;
	char site[PROTO_ID_MAX];
	char version[PROTO_ID_MAX];
	int64_t at_ms;			/* 0 in the Will */
	/* health: what a hub that is up may still be failing at */
	int store_failing;		/* its commits fail (a full disk) */
	uint32_t failed_commits;	/* since it started */
	int reload_refused;		/* the last reload was refused */
	char reload_error[PROTO_TEXT_MAX];	/* and why */
};

int proto_encode_hub_status(const struct proto_hub_status *hs, char *buf,
    size_t size);
int proto_decode_hub_status(const char *buf, size_t len,
    struct proto_hub_status *out, const char **why);

/* Maintenance alerts to facility staff, QoS 1, not retained: a counter
 * board went offline or silent, or a notification channel of the hub
 * keeps failing, and the notice when it is back. One of counter and
 * channel is set. */
enum proto_maint_type { PROTO_MAINT_ALERT, PROTO_MAINT_NOTICE };

struct proto_maint {
	enum proto_maint_type type;
	char counter[PROTO_ID_MAX];	/* a board, or "" */
	char channel[PROTO_ID_MAX];	/* a hub channel, or "" */
	char label[PROTO_TEXT_MAX];
	char reason[PROTO_TEXT_MAX];	/* "offline", "heartbeat missed", ... */
	int64_t at_ms;
};

int proto_encode_maint(const struct proto_maint *mt, char *buf, size_t size);
int proto_decode_maint(const char *buf, size_t len, struct proto_maint *out,
    const char **why);

#endif
