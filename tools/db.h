/* db.h: hubd's database as panicctl reads it — opened read-only (so it can
 * run beside a live hub: the database is in WAL mode), its schema version
 * and tables checked, and the rows panicctl shows. db.c is the only file
 * of panicctl that includes <sqlite3.h>. All times are UTC epoch ms, 0 for
 * NULL ("not yet"). docs/HUB.md describes the tables. */
#ifndef PANICCTL_DB_H
#define PANICCTL_DB_H

#include <stdint.h>

#include "proto.h"

/* The newest schema version this panicctl reads (hub/store.c's migrations).
 * Older versions are read too: versions 1 to 3 lack only indexes (of
 * versions 2 and 4, so they answer the same, more slowly) and version 3's
 * columns of delivery attempts in pages, which no view needs. */
#define DB_SCHEMA_VERSION 5

struct db;

/* Open path read-only and check that it is a hub database of a version
 * this panicctl knows. Returns the handle, or NULL with a message in err
 * ("hub.db: no such file", "hub.db: not a hub database (...)",
 * "hub.db: schema version 3 is newer than this panicctl knows (2)"). */
struct db *db_open(const char *path, char *err, size_t errlen);
void db_close(struct db *db);
/* The last SQLite error, for messages. */
const char *db_errmsg(const struct db *db);

/* Which incidents: every field is optional (0 / NULL: no condition). */
struct db_filter {
	int64_t from_ms, to_ms;		/* received in [from, to) */
	const char *counter;
	const char *person;		/* paged or acknowledged */
	const char *kind;
	const char *category;		/* "none": not categorised */
	int open_only;			/* not closed */
	int drills;			/* include drills (kind test or
					 * category drill) */
	int brief;			/* rows for statistics: event, note,
					 * state, pressed, first_page and
					 * resolved are left empty */
};

#define DB_ACKS_KEPT	PROTO_LIST_MAX	/* acknowledgers per incident read
					   for a report: needed is at most 8 */

struct db_incident {
	int64_t id;
	char counter[PROTO_ID_MAX];
	char event[PROTO_EVENT_ID_MAX];
	char kind[16], state[16], category[16];	/* category "": none */
	char note[PROTO_NOTE_MAX];
	int step, round, needed;
	unsigned flags;
	int64_t pressed, received, first_page, acked, on_scene, resolved,
	    closed;
	int escalated;			/* paged at step 2 or later, or in a
					 * later round of the ladder */
	char first_ack[PROTO_ID_MAX];	/* first to acknowledge; "" none */
	int64_t board_offset;		/* the board's clock minus the hub's
					   at the press, if board_offset_known */
	int board_offset_known;
	char resolved_by[PROTO_ID_MAX];	/* a person; "" at the counter or
					   not known (before schema 5) */
	int64_t full_at;		/* db_incidents: when the needed-th
					   acknowledgement came (needed up to
					   DB_ACKS_KEPT), 0 never */
};

/* A board clock this close to the hub's makes its pressed_at a time to
 * measure from (docs/PANICCTL.md, "From the press"). */
#define DB_CLOCK_TRUST_MS	2000
/* 1 if inc's pressed_at can be trusted: its board's clock was measured
 * within DB_CLOCK_TRUST_MS of the hub's, and the press is not after its
 * reception. Then the clerk's wait counts from the press. */
int db_press_trusted(const struct db_incident *inc);
/* Where the clerk's wait starts, for every figure: the press if trusted,
 * else the hub's reception. */
int64_t db_timed_from(const struct db_incident *inc);

/* Call fn for each incident the filter selects, in the order the hub
 * received them. Stops when fn returns non-zero and returns that; 0 when
 * done, -1 on a database error. */
int db_incidents(struct db *db, const struct db_filter *f,
    int (*fn)(void *arg, const struct db_incident *inc), void *arg);
/* What became of each person's pages over the incidents the filter
 * selects (period, drills; counter and kind too), person by person:
 * incidents they were paged for, declined, and missed — paged, never
 * answered, and the call moved on past them (a later step, or their page
 * repeated in a later round). Returns as db_incidents does. */
struct db_person_pages {
	char person[PROTO_ID_MAX];
	int64_t paged, declined, missed;
};
int db_person_pages(struct db *db, const struct db_filter *f,
    int (*fn)(void *arg, const struct db_person_pages *row), void *arg);
/* Who acknowledged incident, in order, space-separated into buf (size
 * bytes), and when the needed-th of them did (0: not that many). The
 * full response: as many responders as the call needed. 0 or -1. */
int db_incident_acks(struct db *db, int64_t incident, int needed, char *buf,
    size_t size, int64_t *full_at);
/* One incident: 1 found, 0 none, -1 error. */
int db_incident_get(struct db *db, int64_t id, struct db_incident *out);
/* The highest incident id stored (0: none) and the highest the hub has
 * reserved (its next ids come after it). 0, or -1 on error. */
int db_incident_ids(struct db *db, int64_t *stored, int64_t *reserved);

/* The history of one incident, each in time order (fn as above). */
struct db_event {
	char id[PROTO_EVENT_ID_MAX];
	char kind[16], gesture[16], button[PROTO_ID_MAX];
	char upgrades[PROTO_EVENT_ID_MAX];
	int64_t pressed, received, held_ms;	/* held_ms -1: unknown */
	int attempt;
};
int db_events(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_event *ev), void *arg);

struct db_page {
	char person[PROTO_ID_MAX];
	int step;
	char channel[16], type[16], outcome[16];
	char reason[PROTO_TEXT_MAX];
	int64_t sent;
};
int db_pages(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_page *pg), void *arg);

struct db_ack {
	char person[PROTO_ID_MAX];
	int step;
	int64_t at;
};
int db_acks(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_ack *ack), void *arg);

struct db_responder {
	char person[PROTO_ID_MAX];
	unsigned flags;			/* 2 acknowledged, 16 on scene, ... */
	int step;
	int64_t paged, acked;
};
int db_responders(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_responder *r), void *arg);

/* The hub's own log lines about an incident (kinds "state" and "note"),
 * and the replies from pagers it received between from_ms and to_ms
 * (kind "in", topic ending in "/reply": body is the raw payload; the
 * caller decodes it and checks the incident). */
struct db_log {
	int64_t at;
	char kind[16];
	char topic[PROTO_TOPIC_MAX];
	const char *body;		/* valid during the call only */
	int len;
};
int db_log_notes(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_log *l), void *arg);
int db_log_replies(struct db *db, int64_t from_ms, int64_t to_ms,
    int (*fn)(void *arg, const struct db_log *l), void *arg);

/* The last supervision state of each counter the hub has recorded. */
struct db_cstate {
	char counter[PROTO_ID_MAX];
	char state[16];			/* online, offline, silent */
	char detail[PROTO_TEXT_MAX];
	int64_t at;
};
int db_counter_states(struct db *db,
    int (*fn)(void *arg, const struct db_cstate *cs), void *arg);

/* Messages the hub refused as security events (log kind "security": a
 * payload naming another counter or person than its topic, a reply from
 * someone not in the config): how many, how many since since_ms, and the
 * latest one (at 0 when there is none). */
struct db_security {
	int64_t total, recent;
	int64_t latest_at;
	char latest_topic[PROTO_TOPIC_MAX];
	char latest_reason[PROTO_TEXT_MAX];
};

/* Returns 0, or -1 on a database error. */
int db_security(struct db *db, int64_t since_ms, struct db_security *out);

/* 1 if the database has ever seen the counter (an incident) or the
 * person (a page or an acknowledgement), 0 if not, -1 on error. */
int db_counter_seen(struct db *db, const char *counter);
int db_person_seen(struct db *db, const char *person);

#endif
