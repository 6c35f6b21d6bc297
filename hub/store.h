/* store.h: hubd's SQLite log — incidents, events, pages, acks, counter
 * status and an append-only log of every message and state change. Times
 * are integers: UTC epoch milliseconds. One writer (the hub's loop); all
 * writes between store_begin and store_commit land together or not at all. */
#ifndef HUB_STORE_H
#define HUB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "incident.h"
#include "proto.h"

#define STORE_SCHEMA_VERSION 5

struct store;

/* Open (creating or migrating) the database at path in WAL mode. A file
 * that is not a SQLite database, or is another application's, is refused
 * untouched. Returns NULL with the reason in err. On a disk too full to
 * open it shared, it is opened in exclusive mode (other readers locked
 * out): then the store is returned and err says so, to be logged; err is
 * "" otherwise. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *s);
/* The last SQLite error message, for the caller's log. */
const char *store_errmsg(const struct store *s);

/* Open a transaction unless one is open. Returns 0, or -1 if BEGIN fails
 * now or failed earlier in this transaction: the transaction is then
 * failed, every write is refused until store_commit, and store_commit
 * returns -1. */
int store_begin(struct store *s);
/* End the transaction (none open: 0). If BEGIN, any write since or the
 * COMMIT itself failed, everything since store_begin is rolled back and -1
 * returned: nothing of it is stored. store_errmsg says why. */
int store_commit(struct store *s);
/* 1 between store_begin and store_commit. */
int store_in_tx(const struct store *s);
/* 1 if the open transaction has failed (its commit will return -1). */
int store_tx_failed(const struct store *s);

/* Look up event id. Returns 1 (and *incident, 0 if it opened none) when
 * stored, 0 when not, -1 on error. */
int store_event_find(struct store *s, const char *id, int64_t *incident);
/* 1 if event id is stored with another kind, gesture, button or press
 * time than ev's (a board re-sends an event unchanged but for its
 * attempt: anything else is a forgery or a board reusing ids); 0 if the
 * same or not stored; -1 on error. */
int store_event_differs(struct store *s, const struct proto_event *ev);
/* Record an event; incident 0 means it belongs to none. 0 or -1. */
int store_event_add(struct store *s, const struct proto_event *ev,
    int64_t incident, int64_t received_ms);

/* Insert or update the incident row and its responders. 0 or -1. */
int store_incident_save(struct store *s, const struct incident *inc);
/* The highest incident id stored (0 if none), or -1 on error. */
int64_t store_incident_max_id(struct store *s);
/* Load incident id with its people into inc. 1 when found, 0 when not,
 * -1 on error. */
int store_incident_load(struct store *s, int64_t id, struct incident *inc);
/* The same for the latest incident at counter. */
int store_incident_last(struct store *s, const char *counter,
    struct incident *inc);
/* Call fn for every incident not yet closed, restored with its people.
 * Stops and returns -1 if fn does; 0 when done. */
int store_incident_each_open(struct store *s,
    int (*fn)(void *arg, const struct incident *inc), void *arg);

/* The hub's own durable counters (table meta): 1 and *value when key is
 * stored, 0 when not, -1 on error; put: 0 or -1. */
int store_meta_get(struct store *s, const char *key, int64_t *value);
int store_meta_put(struct store *s, const char *key, int64_t value);

/* A page or cancel sent to person; type "page" or "cancel". 0 or -1. */
int store_page_add(struct store *s, int64_t incident, const char *person,
    uint32_t step, const char *type, int64_t sent_ms, const char *reason);
/* One delivery attempt of a page on a notification channel, written when
 * it is over. outcome: "sent", "failed" or "timeout"; detail: why ("HTTP
 * 500", "exit 3"), may be NULL. */
struct store_attempt {
	int64_t incident;
	const char *person;
	uint32_t step;
	const char *channel;
	int64_t sent_ms;		/* when the attempt started */
	const char *outcome, *detail, *reason;
	int64_t latency_ms;
	unsigned attempt;		/* 1 for the first */
};
/* A row of type "page" for attempt a. A delivered one ("sent") takes the
 * person's answer later like any page. 0 or -1. */
int store_page_attempt(struct store *s, const struct store_attempt *a);
/* Set the outcome ("acked", "declined", "cancelled") of person's pages
 * still marked "sent". 0 or -1. */
int store_page_outcome(struct store *s, int64_t incident, const char *person,
    const char *outcome);
int store_ack_add(struct store *s, int64_t incident, const char *person,
    uint32_t step, int64_t at_ms);

/* Append to the log. kind: "in", "out", "state", "note" or "reject";
 * incident 0 for none; topic may be NULL; body is len bytes. 0 or -1. */
int store_log(struct store *s, int64_t at_ms, const char *kind,
    int64_t incident, const char *topic, const void *body, size_t len);

/* Counter supervision history. state: "online", "offline", "silent". */
int store_counter_state(struct store *s, const char *counter,
    const char *state, int64_t at_ms, const char *detail);
/* Call fn with the latest state of each counter. 0 or -1. */
int store_counter_each_last(struct store *s,
    int (*fn)(void *arg, const char *counter, const char *state,
    int64_t at_ms), void *arg);

#endif
