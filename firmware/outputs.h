/* outputs.h: what the desk shows — the status light's pattern, the local
 * fallback (sounder) and the recorder trigger — worked out from what the
 * board knows: events awaiting receipts, the hub's feedback, the broker
 * connection, the hub's status and stuck buttons. Pure: levels go out
 * through callbacks and time comes in as CLOCK_MONOTONIC milliseconds. */
#ifndef COUNTERD_OUTPUTS_H
#define COUNTERD_OUTPUTS_H

#include <stdint.h>

#include "conf.h"
#include "proto.h"

#define OUTPUTS_WATCH_MAX	64	/* unconfirmed events tracked */
#define OUTPUTS_INC_MAX		8	/* incidents remembered */

struct outputs;

struct outputs_ops {
	/* Drive output idx to logical level on (blinks call this often). */
	void (*set)(void *ctx, unsigned idx, int on);
	/* Output idx changed pattern: on is 0 only for a dark pattern. */
	void (*note)(void *ctx, unsigned idx, int on, const char *pattern,
	    const char *desc);
	/* Incident became discreet (on 1) or a discreet one is over or
	 * forgotten (on 0): the caller may keep the list across a restart.
	 * May be NULL. */
	void (*discreet)(void *ctx, const char *incident, int on);
};

/* c and ops must outlive the result. Nothing is driven until the first
 * outputs_tick. Returns NULL on allocation failure. */
struct outputs *outputs_new(const struct conf *c,
    const struct outputs_ops *ops, void *ctx);
void outputs_free(struct outputs *o);

/* Facts as they change; each applies at once (no tick needed). */
void outputs_connected(struct outputs *o, int up, int64_t now_ms);
/* ready 0: the broker is reachable but the hub is not (its retained
 * status says offline, or it never said anything): "system not ready".
 * Ready until told otherwise. */
void outputs_hub(struct outputs *o, int ready, int64_t now_ms);
void outputs_fault(struct outputs *o, unsigned button, int stuck,
    int64_t now_ms);
/* An event now awaits its receipt. fresh: just raised (it may start a
 * recorder), not reloaded from the outbox at start. An id already awaited
 * is not added twice. */
void outputs_sent(struct outputs *o, const struct proto_event *ev,
    int discreet, int fresh, int64_t now_ms);
/* The hub's feedback. An incident is discreet for its whole life once a
 * discreet event opened or joined it (its receipt says which) or its kind
 * is discreet: the light never shows it, and a light that showed it
 * before keeps its pattern until the incident ends. While a discreet event
 * awaits its receipt no state changes the light (a state for its incident
 * comes before the receipt naming it); resolved and closed always apply.
 * A state for an unknown incident (after a restart, a reconnect) is shown
 * unless discreet. A duplicate receipt never makes an unknown incident
 * shown: its state may be stale. */
void outputs_feedback(struct outputs *o, const struct proto_feedback *fb,
    int64_t now_ms);
/* Incident is known to be discreet (remembered from before a restart). */
void outputs_discreet_known(struct outputs *o, const char *incident);

/* Advance blinks and timeouts to now_ms. */
void outputs_tick(struct outputs *o, int64_t now_ms);
/* When outputs_tick next has work, or -1: steady patterns need no wake-up. */
int64_t outputs_next_deadline(const struct outputs *o, int64_t now_ms);

#endif
