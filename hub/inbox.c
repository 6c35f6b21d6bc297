/* inbox.c: every message from the broker — logged, its topic and payload
 * checked, then handed on. A malformed payload is counted and dropped with
 * its reason; a payload that claims another counter or person than its
 * topic, or a reply from someone not in the config, is refused as a
 * security event. Neither stops the flow. */
#include "hub.h"

#include <inttypes.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "ratelim.h"

/* Counted always. A security refusal (a message on a topic not its
 * sender's) is always stored as a "security" row — evidence, and what
 * `panicctl status` counts; a malformed one as a "reject" row. Log lines,
 * and reject rows, are capped at HUB_REJECT_LOGS a minute: a board (or
 * anyone the broker lets publish) sending junk by the thousand must not
 * fill the hub's log or its disk. */
static void
inbox_reject(struct hub *h, const char *topic, const char *why, int security)
{
	uint64_t quiet;
	char line[128];
	int tell;

	if (security)
		h->stats.security++;
	else
		h->stats.malformed++;
	if (!h->reject_lim.window_ms)
		h->reject_lim = (struct ratelim){ .window_ms = 60000,
		    .burst = HUB_REJECT_LOGS };
	tell = ratelim_take(&h->reject_lim, clock_mono_ms(), &quiet);
	if (quiet) {
		snprintf(line, sizeof line, "%" PRIu64 " more messages refused "
		    "or dropped in the last minute, not logged one by one",
		    quiet);
		log_warnx("inbox: %s", line);
		engine_check(h, store_log(h->store, clock_wall_ms(), "reject",
		    0, NULL, line, strlen(line)), "log");
	}
	if (tell && security)
		log_warnx("inbox: %s: refused (security, %" PRIu64 " so far): %s",
		    topic, h->stats.security, why);
	else if (tell)
		log_warnx("inbox: %s: dropped (malformed, %" PRIu64 " so far): %s",
		    topic, h->stats.malformed, why);
	if (tell || security)
		engine_check(h, store_log(h->store, clock_wall_ms(), security ?
		    "security" : "reject", 0, topic, why, strlen(why)), "log");
}

static void
inbox_event(struct hub *h, const struct proto_topic *t,
    const struct mqtt_ev *m)
{
	struct proto_event ev;
	const char *why = "invalid";
	char notes[PROTO_TEXT_MAX];
	int rc;

	/* a press from a configured counter is not lost over a field that
	 * does not decide who is paged: taken, and the board told */
	rc = conf_counter_find(h->conf, t->id) >= 0 ?
	    proto_decode_event_tolerant((const char *)m->payload, m->len, &ev,
	    &why, notes, sizeof notes) :
	    proto_decode_event((const char *)m->payload, m->len, &ev, &why);
	if (rc < 0) {
		inbox_reject(h, m->topic, why, 0);
		return;
	}
	/* a board may publish only its own presses (broker ACLs aside) */
	if (strcmp(ev.counter, t->id) != 0) {
		inbox_reject(h, m->topic, "event counter differs from topic", 1);
		return;
	}
	h->event_problem[0] = '\0';
	if (rc == 1) {
		h->stats.tolerated++;
		log_warnx("event %s: taken although %s (%" PRIu64 " so far)",
		    ev.id, notes, h->stats.tolerated);
		engine_check(h, store_log(h->store, clock_wall_ms(), "tolerated",
		    0, m->topic, notes, strlen(notes)), "log");
		snprintf(h->event_problem, sizeof h->event_problem, "%s", notes);
	}
	/* an id already stored comes back only as an unchanged re-send */
	if (store_event_differs(h->store, &ev) == 1) {
		inbox_reject(h, m->topic, "event id already stored with other"
		    " content (kind, gesture, button or press time): a replay"
		    " or a board reusing ids", 1);
		return;
	}
	log_debug("event %s: %s %s at %s, attempt %u", ev.id,
	    proto_kind_name(ev.kind), proto_gesture_name(ev.gesture),
	    ev.counter, ev.attempt);
	engine_event(h, &ev);
	h->event_problem[0] = '\0';
}

static void
inbox_reply(struct hub *h, const struct proto_topic *t,
    const struct mqtt_ev *m)
{
	struct proto_reply rp;
	const char *why;
	int k;

	if (proto_decode_reply((const char *)m->payload, m->len, &rp, &why) < 0) {
		inbox_reject(h, m->topic, why, 0);
		return;
	}
	/* Only people in the config may answer: anyone else could stand
	 * everybody down, or fill an incident's table of people. */
	k = conf_person_find(h->conf, rp.person);
	if (k < 0) {
		inbox_reject(h, m->topic, "reply from a person not in the"
		    " config", 1);
		return;
	}
	/* the topic names a pager: the person's id or their pager id */
	if (strcmp(rp.person, t->id) != 0 &&
	    strcmp(h->conf->people[k].pager, t->id) != 0) {
		inbox_reject(h, m->topic, "reply person differs from topic", 1);
		return;
	}
	engine_reply(h, &rp);
}

static void
inbox_status(struct hub *h, const struct proto_topic *t,
    const struct mqtt_ev *m)
{
	struct proto_status st;
	const char *why;

	if (m->len == 0)	/* a retained status being cleared */
		return;
	if (proto_decode_status((const char *)m->payload, m->len, &st, &why) < 0) {
		inbox_reject(h, m->topic, why, 0);
		return;
	}
	if (strcmp(st.counter, t->id) != 0) {
		inbox_reject(h, m->topic, "status counter differs from topic", 1);
		return;
	}
	supervise_status(h, &st, m->retained);
}

void
inbox_message(struct hub *h, const struct mqtt_ev *m)
{
	struct proto_topic t;
	const char *why = NULL;

	if (!store_in_tx(h->store) && store_begin(h->store) < 0)
		log_warnx("store: %s", store_errmsg(h->store));
	engine_check(h, store_log(h->store, clock_wall_ms(), "in", 0, m->topic,
	    m->payload, m->len < PROTO_MAX_PAYLOAD ? m->len :
	    PROTO_MAX_PAYLOAD), "log");
	if (proto_topic_parse(m->topic, strlen(m->topic), h->conf->topic_prefix,
	    &t, &why) < 0 || strcmp(t.site, h->conf->site) != 0) {
		inbox_reject(h, m->topic, why ? why : "another site", 0);
		return;
	}
	switch (t.type) {
	case PROTO_TOPIC_EVENT:
		inbox_event(h, &t, m);
		break;
	case PROTO_TOPIC_REPLY:
		inbox_reply(h, &t, m);
		break;
	case PROTO_TOPIC_STATUS:
		inbox_status(h, &t, m);
		break;
	default:
		break;	/* not subscribed; nothing to do */
	}
}
