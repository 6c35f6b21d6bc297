/* outputs.c: from the board's facts to patterns on the desk's outputs. The
 * status light shows the most urgent of: a stuck button, an unconfirmed
 * call, no connection, the hub offline, the hub's incident state. Discreet calls change
 * nothing visible, nor does anything the hub says of their incidents; their
 * feedback may only return the light to idle. */
#include "outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum outputs_pattern {
	PAT_IDLE, PAT_SENT, PAT_RECEIVED, PAT_ACK, PAT_ON_SCENE, PAT_OFFLINE,
	PAT_NOT_READY, PAT_FAULT, PAT_OFF, PAT_ON, PAT_HOLD, PAT_PULSE,
	PAT_COUNT
};

/* on_ms 0: steady off; off_ms 0: steady on; else a blink: flashes (0
 * reads as 1) of on_ms, on_ms apart, then off_ms dark. */
static const struct {
	const char *name, *desc;
	int on_ms, off_ms, flashes;
} patterns[PAT_COUNT] = {
	[PAT_IDLE] = { "idle", "idle", 0, 1, 1 },
	[PAT_SENT] = { "sent", "sent, not yet confirmed", 125, 125, 1 },
	[PAT_RECEIVED] = { "received", "received, paging", 500, 500, 1 },
	[PAT_ACK] = { "ack", "acknowledged", 1, 0, 1 },
	[PAT_ON_SCENE] = { "onscene", "responder on scene", 1800, 200, 1 },
	[PAT_OFFLINE] = { "offline", "no connection to the hub", 100, 1900, 1 },
	[PAT_NOT_READY] = { "notready", "system not ready: the hub is offline",
	    100, 1700, 2 },
	[PAT_FAULT] = { "fault", "button stuck", 1500, 1500, 1 },
	[PAT_OFF] = { "off", "off", 0, 1, 1 },
	[PAT_ON] = { "on", "event unconfirmed", 1, 0, 1 },
	[PAT_HOLD] = { "hold", "emergency open", 1, 0, 1 },
	[PAT_PULSE] = { "pulse", "emergency raised", 1, 0, 1 },
};

struct outputs_watch {
	char id[PROTO_EVENT_ID_MAX];
	int64_t since_ms;
	int call;		/* help, emergency or test: may sound a fallback */
	int discreet;
};

/* An incident the hub told us of, until it is resolved or closed. */
struct outputs_inc {
	char id[PROTO_ID_MAX];
	enum proto_istate state;	/* the hub's latest */
	int discreet;			/* never shown, for its whole life */
	uint64_t upd;			/* when last heard of: higher is newer */
};

struct outputs_rec {
	int on;
	int64_t until_ms;	/* pulse */
	char event[PROTO_EVENT_ID_MAX];
	char incident[PROTO_ID_MAX];
};

struct outputs {
	const struct conf *conf;
	const struct outputs_ops *ops;
	void *ctx;
	int connected;
	int hub_ready;			/* the hub is online, or not known to
					 * be offline */
	unsigned faults;		/* bit per stuck button */
	int nwatch;
	struct outputs_watch watch[OUTPUTS_WATCH_MAX];
	char shown[PROTO_ID_MAX];	/* incident the light shows, or "" */
	enum proto_istate shown_state;
	int ninc;
	struct outputs_inc inc[OUTPUTS_INC_MAX];
	uint64_t upd;			/* last outputs_inc.upd given */
	struct outputs_rec rec[CONF_OUTPUTS_MAX];
	int pattern[CONF_OUTPUTS_MAX];	/* -1 before the first tick */
	int64_t start_ms[CONF_OUTPUTS_MAX];
	int level[CONF_OUTPUTS_MAX];
};

struct outputs *
outputs_new(const struct conf *c, const struct outputs_ops *ops, void *ctx)
{
	struct outputs *o = calloc(1, sizeof *o);

	if (!o)
		return NULL;
	o->conf = c;
	o->ops = ops;
	o->ctx = ctx;
	o->hub_ready = 1;
	for (unsigned i = 0; i < CONF_OUTPUTS_MAX; i++)
		o->pattern[i] = o->level[i] = -1;
	return o;
}

void
outputs_free(struct outputs *o)
{
	free(o);
}

static int
outputs_visible_pending(const struct outputs *o)
{
	for (int i = 0; i < o->nwatch; i++)
		if (!o->watch[i].discreet)
			return 1;
	return 0;
}

static int
outputs_status(const struct outputs *o)
{
	if (o->faults)
		return PAT_FAULT;
	if (outputs_visible_pending(o))
		return PAT_SENT;
	if (!o->connected)
		return PAT_OFFLINE;
	/* a button that looks alive but reaches nobody is the worst case:
	 * even "someone is coming" gives way, as it does when offline */
	if (!o->hub_ready)
		return PAT_NOT_READY;
	if (!o->shown[0])
		return PAT_IDLE;
	switch (o->shown_state) {
	case PROTO_IST_ACKNOWLEDGED:
		return PAT_ACK;
	case PROTO_IST_ON_SCENE:
		return PAT_ON_SCENE;
	default:
		return PAT_RECEIVED;
	}
}

/* The time a fallback for watch w falls due, or -1 if it never does. */
static int64_t
outputs_fallback_due(const struct outputs *o, const struct conf_output *out,
    const struct outputs_watch *w)
{
	if (!w->call || (w->discreet && !out->on_discreet))
		return -1;
	return w->since_ms + (int64_t)o->conf->confirm_timeout_s * 1000;
}

static int
outputs_fallback(const struct outputs *o, const struct conf_output *out,
    int64_t now_ms)
{
	for (int i = 0; i < o->nwatch; i++) {
		int64_t due = outputs_fallback_due(o, out, &o->watch[i]);

		if (due >= 0 && due <= now_ms)
			return PAT_ON;
	}
	return PAT_OFF;
}

static int
outputs_want(const struct outputs *o, unsigned i, int64_t now_ms)
{
	const struct conf_output *out = &o->conf->outputs[i];
	const struct outputs_rec *r = &o->rec[i];

	switch (out->role) {
	case CONF_ROLE_STATUS:
		return outputs_status(o);
	case CONF_ROLE_FALLBACK:
		return outputs_fallback(o, out, now_ms);
	case CONF_ROLE_RECORDER:
		if (out->mode == CONF_MODE_PULSE)
			return now_ms < r->until_ms ? PAT_PULSE : PAT_OFF;
		return r->on ? PAT_HOLD : PAT_OFF;
	}
	return PAT_OFF;
}

/* Where a blinking pattern p is elapsed_ms after it began: returns the
 * level, and in *left how long that level lasts from there. */
static int
outputs_phase(int p, int64_t elapsed_ms, int64_t *left)
{
	int on = patterns[p].on_ms, off = patterns[p].off_ms;
	int n = patterns[p].flashes > 1 ? patterns[p].flashes : 1;
	int64_t flashes = (int64_t)(2 * n - 1) * on, t;

	t = elapsed_ms % (flashes + off);
	if (t >= flashes) {
		*left = flashes + off - t;
		return 0;
	}
	*left = on - t % on;
	return (t / on) % 2 == 0;
}

static int
outputs_level(int p, int64_t elapsed_ms)
{
	int64_t left;

	if (patterns[p].on_ms == 0 || patterns[p].off_ms == 0)
		return patterns[p].on_ms != 0;
	return outputs_phase(p, elapsed_ms, &left);
}

void
outputs_tick(struct outputs *o, int64_t now_ms)
{
	for (unsigned i = 0; i < o->conf->noutputs; i++) {
		int p = outputs_want(o, i, now_ms), lvl;

		if (p != o->pattern[i]) {
			o->pattern[i] = p;
			o->start_ms[i] = now_ms;
			o->ops->note(o->ctx, i, patterns[p].on_ms != 0,
			    patterns[p].name, patterns[p].desc);
		}
		lvl = outputs_level(p, now_ms - o->start_ms[i]);
		if (lvl != o->level[i]) {
			o->level[i] = lvl;
			o->ops->set(o->ctx, i, lvl);
		}
	}
}

static int64_t
outputs_min(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* Next toggle of a blinking output, or -1 for a steady one. */
static int64_t
outputs_toggle_at(const struct outputs *o, unsigned i, int64_t now_ms)
{
	int p = o->pattern[i];
	int64_t left;

	if (p < 0)
		return now_ms;
	if (patterns[p].on_ms == 0 || patterns[p].off_ms == 0)
		return -1;
	outputs_phase(p, now_ms - o->start_ms[i], &left);
	return now_ms + left;
}

int64_t
outputs_next_deadline(const struct outputs *o, int64_t now_ms)
{
	int64_t d = -1;

	for (unsigned i = 0; i < o->conf->noutputs; i++) {
		const struct conf_output *out = &o->conf->outputs[i];

		d = outputs_min(d, outputs_toggle_at(o, i, now_ms));
		if (out->role == CONF_ROLE_RECORDER && o->rec[i].until_ms > now_ms)
			d = outputs_min(d, o->rec[i].until_ms);
		if (out->role != CONF_ROLE_FALLBACK)
			continue;
		for (int w = 0; w < o->nwatch; w++) {
			int64_t due = outputs_fallback_due(o, out, &o->watch[w]);

			if (due > now_ms)
				d = outputs_min(d, due);
		}
	}
	return d;
}

void
outputs_connected(struct outputs *o, int up, int64_t now_ms)
{
	o->connected = up;
	outputs_tick(o, now_ms);
}

void
outputs_hub(struct outputs *o, int ready, int64_t now_ms)
{
	o->hub_ready = ready;
	outputs_tick(o, now_ms);
}

void
outputs_fault(struct outputs *o, unsigned button, int stuck, int64_t now_ms)
{
	if (stuck)
		o->faults |= 1u << button;
	else
		o->faults &= ~(1u << button);
	outputs_tick(o, now_ms);
}

static void
outputs_recorders_start(struct outputs *o, const struct proto_event *ev,
    int64_t now_ms)
{
	for (unsigned i = 0; i < o->conf->noutputs; i++) {
		const struct conf_output *out = &o->conf->outputs[i];
		struct outputs_rec *r = &o->rec[i];

		if (out->role != CONF_ROLE_RECORDER || out->kind != ev->kind)
			continue;
		r->on = 1;
		r->until_ms = now_ms + out->pulse_ms;
		snprintf(r->event, sizeof r->event, "%s", ev->id);
		r->incident[0] = '\0';
	}
}

void
outputs_sent(struct outputs *o, const struct proto_event *ev, int discreet,
    int fresh, int64_t now_ms)
{
	struct outputs_watch *w;

	if (ev->kind == PROTO_KIND_FAULT || ev->kind == PROTO_KIND_FAULT_CLEARED)
		return;
	for (int i = 0; i < o->nwatch; i++)
		if (strcmp(o->watch[i].id, ev->id) == 0)
			return;
	if (o->nwatch == OUTPUTS_WATCH_MAX) {
		/* the oldest is long past any timeout; forget it */
		memmove(&o->watch[0], &o->watch[1],
		    (size_t)(--o->nwatch) * sizeof o->watch[0]);
	}
	w = &o->watch[o->nwatch++];
	snprintf(w->id, sizeof w->id, "%s", ev->id);
	w->since_ms = now_ms;
	w->discreet = discreet;
	w->call = ev->kind == PROTO_KIND_HELP ||
	    ev->kind == PROTO_KIND_EMERGENCY || ev->kind == PROTO_KIND_TEST;
	if (fresh)
		outputs_recorders_start(o, ev, now_ms);
	outputs_tick(o, now_ms);
}

static struct outputs_inc *
outputs_inc_find(struct outputs *o, const char *id)
{
	for (int i = 0; i < o->ninc; i++)
		if (strcmp(o->inc[i].id, id) == 0)
			return &o->inc[i];
	return NULL;
}

static void
outputs_inc_drop(struct outputs *o, struct outputs_inc *in)
{
	if (in->discreet && o->ops->discreet)
		o->ops->discreet(o->ctx, in->id, 0);
	*in = o->inc[--o->ninc];
}

/* The incident, added if new; when all slots are taken, the one heard of
 * longest ago (most likely one whose end we missed) gives way. */
static struct outputs_inc *
outputs_inc_get(struct outputs *o, const char *id)
{
	struct outputs_inc *in = outputs_inc_find(o, id);

	if (!in) {
		if (o->ninc == OUTPUTS_INC_MAX) {
			struct outputs_inc *old = &o->inc[0];

			for (int i = 1; i < o->ninc; i++)
				if (o->inc[i].upd < old->upd)
					old = &o->inc[i];
			outputs_inc_drop(o, old);
		}
		in = &o->inc[o->ninc++];
		memset(in, 0, sizeof *in);
		snprintf(in->id, sizeof in->id, "%s", id);
	}
	in->upd = ++o->upd;
	return in;
}

static void
outputs_inc_discreet(struct outputs *o, struct outputs_inc *in)
{
	if (in->discreet)
		return;
	in->discreet = 1;
	if (o->ops->discreet)
		o->ops->discreet(o->ctx, in->id, 1);
}

void
outputs_discreet_known(struct outputs *o, const char *incident)
{
	outputs_inc_get(o, incident)->discreet = 1;
}

static int
outputs_discreet_pending(const struct outputs *o)
{
	for (int i = 0; i < o->nwatch; i++)
		if (o->watch[i].discreet)
			return 1;
	return 0;
}

/* Which incident the light shows: the newest that is not discreet. Nothing
 * changes while a discreet event awaits its receipt: the hub sends the
 * state of the incident it opened or joined before the receipt that names
 * it, so any state now may be its doing. A shown incident that became
 * discreet keeps its pattern (any change would be visible) until it ends. */
static void
outputs_show(struct outputs *o)
{
	const struct outputs_inc *best = NULL;

	if (outputs_discreet_pending(o))
		return;
	for (int i = 0; i < o->ninc; i++)
		if (!o->inc[i].discreet && (!best || o->inc[i].upd > best->upd))
			best = &o->inc[i];
	if (best) {
		snprintf(o->shown, sizeof o->shown, "%s", best->id);
		o->shown_state = best->state;
	} else if (o->shown[0] && !outputs_inc_find(o, o->shown)) {
		o->shown[0] = '\0';
	}
}

/* Resolved or closed: the light may go dark at once, the recorders stop,
 * and the incident is forgotten (with its discreet mark). */
static void
outputs_inc_end(struct outputs *o, const char *incident)
{
	struct outputs_inc *in = outputs_inc_find(o, incident);

	if (in)
		outputs_inc_drop(o, in);
	if (strcmp(o->shown, incident) == 0)
		o->shown[0] = '\0';
	for (unsigned i = 0; i < o->conf->noutputs; i++)
		if (o->rec[i].on && strcmp(o->rec[i].incident, incident) == 0)
			o->rec[i].on = 0;
}

/* The hub's word on an incident, from a state message or a receipt.
 * known_only: the word may be stale (a duplicate receipt, a receipt for
 * an event we do not await), so it may update but not introduce one. */
static void
outputs_state(struct outputs *o, const struct proto_feedback *fb,
    int known_only)
{
	struct outputs_inc *in;

	if (!fb->incident[0])
		return;
	if (fb->state >= PROTO_IST_RESOLVED) {
		outputs_inc_end(o, fb->incident);
		return;
	}
	if (known_only && !outputs_inc_find(o, fb->incident))
		return;
	in = outputs_inc_get(o, fb->incident);
	in->state = fb->state;
	if (conf_discreet(o->conf, "", fb->kind))
		outputs_inc_discreet(o, in);
}

/* Forget the watch for the receipt's event. Returns 1 if it was watched,
 * with its discreet flag in *discreet. */
static int
outputs_unwatch(struct outputs *o, const char *id, int *discreet)
{
	for (int i = 0; i < o->nwatch; i++) {
		if (strcmp(o->watch[i].id, id) != 0)
			continue;
		*discreet = o->watch[i].discreet;
		memmove(&o->watch[i], &o->watch[i + 1],
		    (size_t)(o->nwatch - i - 1) * sizeof o->watch[0]);
		o->nwatch--;
		return 1;
	}
	return 0;
}

/* A receipt names the incident its event opened or joined: a discreet
 * event makes it discreet for good. It carries the incident's state too.
 * A recorder learns which incident it is holding for. */
static void
outputs_receipt(struct outputs *o, const struct proto_feedback *fb)
{
	int discreet = 0, watched = outputs_unwatch(o, fb->event, &discreet);

	for (unsigned i = 0; i < o->conf->noutputs; i++) {
		struct outputs_rec *r = &o->rec[i];

		if (!r->on || strcmp(r->event, fb->event) != 0)
			continue;
		/* no incident opened: nothing to record */
		snprintf(r->incident, sizeof r->incident, "%s", fb->incident);
		r->on = fb->incident[0] != '\0';
	}
	if (!fb->incident[0])
		return;
	if (watched && discreet)
		outputs_inc_discreet(o, outputs_inc_get(o, fb->incident));
	outputs_state(o, fb, fb->duplicate || !watched);
}

void
outputs_feedback(struct outputs *o, const struct proto_feedback *fb,
    int64_t now_ms)
{
	if (fb->type == PROTO_FEEDBACK_RECEIPT)
		outputs_receipt(o, fb);
	else
		outputs_state(o, fb, 0);
	outputs_show(o);
	outputs_tick(o, now_ms);
}
