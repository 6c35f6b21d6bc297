/* supervise.c: counter boards are watched — a Last Will (offline) or
 * heartbeats overdue for heartbeat_misses intervals raise a maintenance
 * alert to the facility role, and a notice follows when the board is back.
 * An outage of the broker is told as the broker's: board Wills it set off
 * wait a window for the board to come back.
 * Transitions are kept in counter_status; the last one survives restarts,
 * so a board that was already reported is not reported again. Boards not
 * in the config are watched too, but only so many: anyone may publish a
 * status. A board coming online is told what its desk should show. */
#include "hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

static const char *const supervise_state_names[] = {
	"unknown", "online", "offline", "silent"
};

static struct hub_counter *
supervise_find(struct hub *h, const char *id)
{
	for (unsigned i = 0; i < h->ncounters; i++)
		if (strcmp(h->counters[i]->id, id) == 0)
			return h->counters[i];
	return NULL;
}

static void
supervise_remove(struct hub *h, unsigned i)
{
	timers_disarm(&h->timers, &h->counters[i]->timer);
	free(h->counters[i]);
	h->counters[i] = h->counters[--h->ncounters];
}

/* Make room for one more board not in the config: forget the one of them
 * heard from longest ago once HUB_UNKNOWN_COUNTERS_MAX are watched. */
static void
supervise_make_room(struct hub *h, const char *id)
{
	unsigned n = 0, old = 0;

	for (unsigned i = 0; i < h->ncounters; i++) {
		const struct hub_counter *c = h->counters[i];

		if (conf_counter_find(h->conf, c->id) >= 0)
			continue;
		if (n++ == 0 || c->heard_mono_ms < h->counters[old]->heard_mono_ms)
			old = i;
	}
	if (n < HUB_UNKNOWN_COUNTERS_MAX)
		return;
	h->stats.counters_dropped++;
	log_warnx("counter %s: not in the config; forgetting counter %s, heard"
	    " from longest ago (%llu so far)", id, h->counters[old]->id,
	    (unsigned long long)h->stats.counters_dropped);
	supervise_remove(h, old);
}

/* Each counter is allocated on its own: the timer heap points into it. */
static struct hub_counter *
supervise_get(struct hub *h, const char *id)
{
	struct hub_counter *c = supervise_find(h, id);

	if (c)
		return c;
	if (conf_counter_find(h->conf, id) < 0)
		supervise_make_room(h, id);
	if (h->ncounters == h->capcounters) {
		unsigned cap = h->capcounters ? 2 * h->capcounters : 32;
		struct hub_counter **v = realloc(h->counters, cap * sizeof *v);

		if (!v)
			return NULL;
		h->counters = v;
		h->capcounters = cap;
	}
	if (!(c = calloc(1, sizeof *c)))
		return NULL;
	snprintf(c->id, sizeof c->id, "%s", id);
	c->timer.kind = HUB_TIMER_COUNTER;
	c->timer.owner = c;
	h->counters[h->ncounters++] = c;
	return c;
}

static void
supervise_notify(struct hub *h, const char *counter,
    enum proto_maint_type type, const char *reason)
{
	struct proto_maint mt;
	int k = conf_counter_find(h->conf, counter);

	memset(&mt, 0, sizeof mt);
	mt.type = type;
	snprintf(mt.counter, sizeof mt.counter, "%s", counter);
	snprintf(mt.label, sizeof mt.label, "%s",
	    k >= 0 ? h->conf->counters[k].label : counter);
	snprintf(mt.reason, sizeof mt.reason, "%s", reason);
	mt.at_ms = clock_wall_ms();
	log_info("counter %s: maintenance %s: %s", counter,
	    type == PROTO_MAINT_ALERT ? "alert" : "notice", reason);
	outbox_maint(h, &mt);
}

/* Cut off from the broker long enough for a call to have waited: one
 * alert naming the broker, on the reserved channel id "broker". */
static void
supervise_broker_outage(struct hub *h, int64_t ms, int64_t lost_wall_ms)
{
	char since[CLOCK_ISO_LEN], label[PROTO_TEXT_MAX], reason[PROTO_TEXT_MAX];

	snprintf(label, sizeof label, "MQTT broker %.200s:%d",
	    h->conf->broker.host, h->conf->broker.port);
	clock_iso_format(lost_wall_ms, since);
	snprintf(reason, sizeof reason, "the hub could not reach the broker for "
	    "%lld s (from %s): no page went out and no press came in "
	    "meanwhile; the boards kept theirs", (long long)(ms / 1000), since);
	outbox_maint_channel(h, PROTO_MAINT_ALERT, "broker", label, reason);
}

/* Record a transition, and tell facilities if it crosses up or down. */
static void
supervise_set(struct hub *h, struct hub_counter *c, enum hub_cstate st,
    const char *detail)
{
	if (c->state == st)
		return;
	c->state = st;
	engine_check(h, store_counter_state(h->store, c->id,
	    supervise_state_names[st], clock_wall_ms(), detail),
	    "counter status");
	log_info("counter %s: %s%s%s", c->id, supervise_state_names[st],
	    detail ? ", " : "", detail ? detail : "");
	if (st == HUB_CS_ONLINE && c->alerted) {
		c->alerted = 0;
		supervise_notify(h, c->id, PROTO_MAINT_NOTICE, "back online");
	} else if (st != HUB_CS_ONLINE && !c->alerted) {
		c->alerted = 1;
		supervise_notify(h, c->id, PROTO_MAINT_ALERT, detail);
	}
}

static void
supervise_arm(struct hub *h, struct hub_counter *c, int64_t after_ms)
{
	if (timers_arm(&h->timers, &c->timer, clock_mono_ms() + after_ms) < 0)
		log_warnx("counter %s: cannot arm heartbeat timer", c->id);
}

static int64_t
supervise_window_ms(const struct hub *h, const struct hub_counter *c)
{
	uint32_t iv = c->interval_s ? c->interval_s :
	    (uint32_t)h->conf->heartbeat_default_s;

	return (int64_t)h->conf->heartbeat_misses * iv * 1000;
}

void
supervise_status(struct hub *h, const struct proto_status *st, int retained)
{
	struct hub_counter *c = supervise_get(h, st->counter);
	int64_t now = clock_wall_ms(), age = 0;
	enum hub_cstate was;

	if (!c) {
		h->stats.counters_dropped++;
		log_warnx("counter %s: out of memory, status dropped (%llu so"
		    " far)", st->counter,
		    (unsigned long long)h->stats.counters_dropped);
		return;
	}
	was = c->state;
	if (!retained)
		c->heard_mono_ms = clock_mono_ms();
	if (!st->online) {
		/* Within a window of the hub's reconnect after an outage, an
		 * offline status is most likely a Will the outage set off
		 * (kept, or queued for our session): the board gets that
		 * window to be back before anyone is told. */
		if (c->state == HUB_CS_ONLINE && h->broker_back_mono_ms &&
		    clock_mono_ms() - h->broker_back_mono_ms <
		    supervise_window_ms(h, c)) {
			if (!c->offline_held)
				log_info("counter %s: offline status soon after "
				    "the broker came back: waiting %lld s for it",
				    c->id, (long long)(supervise_window_ms(h, c) /
				    1000));
			c->offline_held = 1;
			supervise_arm(h, c, supervise_window_ms(h, c));
			return;
		}
		c->offline_held = 0;
		timers_disarm(&h->timers, &c->timer);
		supervise_set(h, c, HUB_CS_OFFLINE, "board reported offline");
		return;
	}
	c->offline_held = 0;
	/* a live status says what the board's clock reads now (the broker
	 * adds milliseconds); a retained one is old news */
	if (!retained && st->at_ms) {
		c->clock_offset_ms = st->at_ms - now;
		c->clock_seen_ms = now;
	}
	if (st->interval_s)
		c->interval_s = st->interval_s;
	/* A retained status may be old news: a board that died without its
	 * Will is silent however "online" its last word was. */
	if (retained && st->at_ms && st->at_ms < now)
		age = now - st->at_ms;
	if (age >= supervise_window_ms(h, c)) {
		supervise_arm(h, c, 0);
		return;
	}
	supervise_set(h, c, HUB_CS_ONLINE, NULL);
	supervise_arm(h, c, supervise_window_ms(h, c) - age);
	/* Feedback is not retained: a board that has just (re)connected —
	 * heartbeat 0, or back from offline or silence — may have missed the
	 * last word on its incident, and a restarted board knows nothing. */
	if (!retained && (st->hb == 0 || was != HUB_CS_ONLINE))
		engine_counter_state(h, c->id);
}

int
supervise_board_offset(struct hub *h, const char *counter,
    int64_t *offset_ms)
{
	const struct hub_counter *c = supervise_find(h, counter);

	if (!c || !c->clock_seen_ms ||
	    clock_wall_ms() - c->clock_seen_ms > HUB_CLOCK_FRESH_MS)
		return 0;
	*offset_ms = c->clock_offset_ms;
	return 1;
}

void
supervise_timer(struct hub *h, struct hub_counter *c)
{
	char detail[96];

	/* Cut off from the broker, the hub hears no board: that says nothing
	 * about them. Look again one window after the broker is back. */
	if (!mqtt_is_connected(h->mqtt)) {
		supervise_arm(h, c, supervise_window_ms(h, c));
		return;
	}
	if (c->offline_held) {
		c->offline_held = 0;
		snprintf(detail, sizeof detail, "board reported offline, not back "
		    "within %lld s of the broker's return",
		    (long long)(supervise_window_ms(h, c) / 1000));
		supervise_set(h, c, HUB_CS_OFFLINE, detail);
		return;
	}
	snprintf(detail, sizeof detail, "heartbeat missed for %lld s",
	    (long long)(supervise_window_ms(h, c) / 1000));
	supervise_set(h, c, HUB_CS_SILENT, c->state == HUB_CS_UNKNOWN ?
	    "never heard from" : detail);
}

void
supervise_fault(struct hub *h, const struct proto_event *ev)
{
	char reason[PROTO_TEXT_MAX];

	if (ev->kind == PROTO_KIND_FAULT) {
		snprintf(reason, sizeof reason, "button %s stuck (event %s)",
		    ev->button[0] ? ev->button : "?", ev->id);
		supervise_notify(h, ev->counter, PROTO_MAINT_ALERT, reason);
	} else {
		snprintf(reason, sizeof reason, "button %s released (event %s)",
		    ev->button[0] ? ev->button : "?", ev->id);
		supervise_notify(h, ev->counter, PROTO_MAINT_NOTICE, reason);
	}
}

static int
supervise_load_one(void *arg, const char *counter, const char *state,
    int64_t at_ms)
{
	struct hub *h = arg;
	struct hub_counter *c = supervise_get(h, counter);

	(void)at_ms;
	if (!c)
		return -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(state, supervise_state_names[i]) == 0)
			c->state = (enum hub_cstate)i;
	c->alerted = c->state == HUB_CS_OFFLINE || c->state == HUB_CS_SILENT;
	return 0;
}

int
supervise_sync(struct hub *h)
{
	if (h->ncounters == 0 && store_counter_each_last(h->store,
	    supervise_load_one, h) < 0)
		return -1;
	/* Every configured board must speak up within one window, or the
	 * facility role hears of it: a dead button is found before it is
	 * needed. */
	for (unsigned i = 0; i < h->conf->ncounters; i++) {
		struct hub_counter *c = supervise_get(h, h->conf->counters[i].id);

		if (!c)
			return -1;
		if (!timers_armed(&c->timer) && !c->alerted)
			supervise_arm(h, c, supervise_window_ms(h, c));
	}
	return 0;
}

void
supervise_reconnected(struct hub *h, int64_t lost_mono_ms,
    int64_t lost_wall_ms)
{
	int64_t out = lost_mono_ms ? clock_mono_ms() - lost_mono_ms : 0;

	if (out >= HUB_BROKER_TELL_MS)
		supervise_broker_outage(h, out, lost_wall_ms);
	/* Boards reconnect and re-publish after a broker restart too: give
	 * each a whole window from now. */
	for (unsigned i = 0; i < h->ncounters; i++)
		if (timers_armed(&h->counters[i]->timer))
			supervise_arm(h, h->counters[i],
			    supervise_window_ms(h, h->counters[i]));
}

void
supervise_free(struct hub *h)
{
	while (h->ncounters)
		supervise_remove(h, h->ncounters - 1);
	free(h->counters);
	h->counters = NULL;
	h->ncounters = h->capcounters = 0;
}
