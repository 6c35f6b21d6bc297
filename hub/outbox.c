/* outbox.c: every message the hub sends — pages, desk feedback, incident
 * state, maintenance alerts, its own status — encoded through proto,
 * logged in the store, and held in a bounded queue while the broker is
 * away so that an escalation during an outage is still delivered. */
#include "hub.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acklink.h"
#include "clock.h"
#include "log.h"

void
outbox_topic(const struct hub *h, enum proto_topic_type type, const char *id,
    char *buf, size_t size)
{
	if (proto_topic_build(buf, size, h->conf->topic_prefix, h->conf->site,
	    type, id) < 0)
		buf[0] = '\0';
}

/* The i-th held message (0 the oldest). */
static struct hub_outmsg *
outbox_at(struct hub *h, unsigned i)
{
	return &h->outq[(h->outq_head + i) % HUB_OUTQ_MAX];
}

/* The held message to give up for a new one: the oldest receipt (its
 * board sends the event again), else the oldest state a newer one
 * replaces, else the oldest state, else the oldest of all. One pass: this
 * runs for every message while the queue is full. */
static unsigned
outbox_victim(struct hub *h)
{
	unsigned i, superseded = HUB_OUTQ_MAX, latest = HUB_OUTQ_MAX;

	for (i = 0; i < h->outq_len; i++) {
		const struct hub_outmsg *m = outbox_at(h, i);

		if (m->prio == HUB_OUT_RESEND)
			return i;
		if (m->prio == HUB_OUT_LATEST && m->superseded &&
		    superseded == HUB_OUTQ_MAX)
			superseded = i;
		if (m->prio == HUB_OUT_LATEST && latest == HUB_OUTQ_MAX)
			latest = i;
	}
	return superseded < HUB_OUTQ_MAX ? superseded :
	    latest < HUB_OUTQ_MAX ? latest : 0;
}

static void
outbox_drop(struct hub *h, unsigned i)
{
	struct hub_outmsg *m = outbox_at(h, i);

	if (m->prio == HUB_OUT_KEEP)
		log_warnx("mqtt: outgoing queue full of pages and alerts, "
		    "LOSING %s", m->topic);
	else
		log_warnx("mqtt: outgoing queue full, dropping %s (%s)",
		    m->topic, m->prio == HUB_OUT_RESEND ? "the board sends "
		    "its event again" : "a newer state follows or will");
	free(m->topic);
	free(m->payload);
	for (; i + 1 < h->outq_len; i++)
		*outbox_at(h, i) = *outbox_at(h, i + 1);
	h->outq_len--;
}

static void
outbox_hold(struct hub *h, const char *topic, const char *payload,
    size_t len, int retained, enum hub_outprio prio)
{
	struct hub_outmsg *m;

	if (h->outq_len == HUB_OUTQ_MAX)
		outbox_drop(h, outbox_victim(h));
	/* a state makes the held ones of its topic out of date */
	for (unsigned i = 0; prio == HUB_OUT_LATEST && i < h->outq_len; i++) {
		struct hub_outmsg *o = outbox_at(h, i);

		if (o->prio == HUB_OUT_LATEST && !o->superseded &&
		    strcmp(o->topic, topic) == 0)
			o->superseded = 1;
	}
	m = outbox_at(h, h->outq_len);
	m->topic = strdup(topic);
	m->payload = malloc(len + 1);
	if (!m->topic || !m->payload) {
		free(m->topic);
		free(m->payload);
		log_warnx("mqtt: out of memory, %s not queued", topic);
		return;
	}
	memcpy(m->payload, payload, len);
	m->len = len;
	m->retained = retained;
	m->prio = prio;
	m->superseded = 0;
	h->outq_len++;
}

/* Publish at QoS 1 (held if the broker is away). */
static void
outbox_publish(struct hub *h, const char *topic, const char *payload,
    size_t len, int retained, enum hub_outprio prio)
{
	/* Messages queued earlier go first, or a retained clear could be
	 * overtaken by the state it clears. */
	if (h->outq_len == 0 && mqtt_publish(h->mqtt, topic, payload, len, 1,
	    retained, NULL) == 0)
		return;
	outbox_hold(h, topic, payload, len, retained, prio);
}

/* Publish and log it. */
static void
outbox_send(struct hub *h, const char *topic, const char *payload,
    size_t len, int retained, int64_t incident, enum hub_outprio prio)
{
	if (!topic[0])
		return;
	engine_check(h, store_log(h->store, clock_wall_ms(), "out", incident,
	    topic, payload, len), "log");
	outbox_publish(h, topic, payload, len, retained, prio);
}

void
outbox_flush(struct hub *h)
{
	while (h->outq_len) {
		struct hub_outmsg *m = &h->outq[h->outq_head];

		if (mqtt_publish(h->mqtt, m->topic, m->payload, m->len, 1,
		    m->retained, NULL) < 0)
			return;
		free(m->topic);
		free(m->payload);
		h->outq_head = (h->outq_head + 1) % HUB_OUTQ_MAX;
		h->outq_len--;
	}
}

void
outbox_free(struct hub *h)
{
	while (h->outq_len) {
		free(h->outq[h->outq_head].topic);
		free(h->outq[h->outq_head].payload);
		h->outq_head = (h->outq_head + 1) % HUB_OUTQ_MAX;
		h->outq_len--;
	}
}

void
outbox_where(const struct hub_conf *c, const char *counter, char *label,
    char *location)
{
	int k = conf_counter_find(c, counter);
	const struct conf_counter *cc;

	if (k < 0) {
		snprintf(label, PROTO_TEXT_MAX, "%s", counter);
		snprintf(location, PROTO_TEXT_MAX, "unknown counter %s", counter);
		return;
	}
	cc = &c->counters[k];
	snprintf(label, PROTO_TEXT_MAX, "%s", cc->label);
	snprintf(location, PROTO_TEXT_MAX, "%s%s%s%s%s", cc->floor,
	    cc->floor[0] ? ", " : "", c->zones[cc->zone].name,
	    cc->location[0] ? ", " : "", cc->location);
}

static void
outbox_id(char *buf, int64_t id)
{
	snprintf(buf, PROTO_ID_MAX, "%" PRId64, id);
}

void
outbox_page(struct hub *h, const struct incident *inc, const char *person,
    uint32_t step, enum proto_page_type type, const char *reason)
{
	struct proto_page pg;
	char topic[PROTO_TOPIC_MAX], buf[PROTO_MAX_PAYLOAD];
	char link[sizeof pg.ack_url];
	int k = conf_person_find(h->conf, person), n;

	memset(&pg, 0, sizeof pg);
	pg.type = type;
	outbox_id(pg.incident, inc->id);
	snprintf(pg.counter, sizeof pg.counter, "%s", inc->counter);
	outbox_where(h->conf, inc->counter, pg.label, pg.location);
	pg.kind = inc->kind;
	pg.step = step ? step : 1;
	pg.pressed_ms = inc->pressed_ms;
	pg.sent_ms = clock_wall_ms();
	pg.elapsed_ms = pg.sent_ms > inc->received_ms ?
	    pg.sent_ms - inc->received_ms : 0;
	pg.acks = incident_acks(inc);
	pg.needed = inc->needed;
	pg.nresponders = incident_responders(inc, pg.responders, PROTO_LIST_MAX);
	if (type == PROTO_PAGE_CANCEL)
		snprintf(pg.reason, sizeof pg.reason, "%s", reason);
	else if (acklink_make(h, inc->id, person, pg.ack_url,
	    sizeof pg.ack_url) < 0)
		log_warnx("incident %" PRId64 ": no link for %s", inc->id, person);
	outbox_topic(h, PROTO_TOPIC_PAGER, k >= 0 ?
	    h->conf->people[k].pager : person, topic, sizeof topic);
	if ((n = proto_encode_page(&pg, buf, sizeof buf)) < 0) {
		log_warnx("incident %" PRId64 ": page to %s does not encode",
		    inc->id, person);
		return;
	}
	if (topic[0])
		outbox_publish(h, topic, buf, (size_t)n, 0, HUB_OUT_KEEP);
	/* The log keeps the page without its link: the link acts for the
	 * person until it expires, and the database is read by more people
	 * and kept (and backed up) longer than that. */
	memcpy(link, pg.ack_url, sizeof link);
	if (link[0]) {
		pg.ack_url[0] = '\0';
		n = proto_encode_page(&pg, buf, sizeof buf);
		memcpy(pg.ack_url, link, sizeof link);
	}
	if (topic[0] && n >= 0)
		engine_check(h, store_log(h->store, clock_wall_ms(), "out",
		    inc->id, topic, buf, (size_t)n), "log");
	/* the person's other channels; a cancel only ends their retries */
	if (type == PROTO_PAGE_PAGE)
		notify_page(h, &pg, person);
}

void
outbox_feedback(struct hub *h, const char *counter,
    const struct proto_feedback *fb)
{
	char topic[PROTO_TOPIC_MAX], buf[PROTO_MAX_PAYLOAD];
	int64_t id = fb->incident[0] ? strtoll(fb->incident, NULL, 10) : 0;
	int n;

	outbox_topic(h, PROTO_TOPIC_FEEDBACK, counter, topic, sizeof topic);
	if ((n = proto_encode_feedback(fb, buf, sizeof buf)) < 0) {
		log_warnx("counter %s: feedback does not encode", counter);
		return;
	}
	outbox_send(h, topic, buf, (size_t)n, 0, id,
	    fb->type == PROTO_FEEDBACK_RECEIPT ? HUB_OUT_RESEND : HUB_OUT_LATEST);
}

void
outbox_state_of(const struct incident *inc, struct proto_feedback *fb)
{
	memset(fb, 0, sizeof *fb);
	fb->type = PROTO_FEEDBACK_STATE;
	outbox_id(fb->incident, inc->id);
	/* the desk light has no "closed": it shows resolved until the next */
	fb->state = inc->state == PROTO_IST_CLOSED ? PROTO_IST_RESOLVED :
	    inc->state;
	fb->kind = inc->kind;
	fb->acks = incident_acks(inc);
	fb->needed = inc->needed;
	fb->at_ms = clock_wall_ms();
}

void
outbox_incident(struct hub *h, const struct incident *inc)
{
	struct proto_incident pi;
	char topic[PROTO_TOPIC_MAX], buf[PROTO_MAX_PAYLOAD], loc[PROTO_TEXT_MAX];
	int n;

	memset(&pi, 0, sizeof pi);
	outbox_id(pi.incident, inc->id);
	snprintf(pi.counter, sizeof pi.counter, "%s", inc->counter);
	outbox_where(h->conf, inc->counter, pi.label, loc);
	pi.kind = inc->kind;
	pi.state = inc->state;
	pi.category = inc->category;
	pi.step = inc->step;
	pi.acks = incident_acks(inc);
	pi.needed = inc->needed;
	pi.nresponders = incident_responders(inc, pi.responders, PROTO_LIST_MAX);
	pi.pressed_ms = inc->pressed_ms;
	pi.received_ms = inc->received_ms;
	pi.acked_ms = inc->acked_ms;
	pi.on_scene_ms = inc->on_scene_ms;
	pi.resolved_ms = inc->resolved_ms;
	outbox_topic(h, PROTO_TOPIC_INCIDENT, pi.incident, topic, sizeof topic);
	if ((n = proto_encode_incident(&pi, buf, sizeof buf)) < 0) {
		log_warnx("incident %" PRId64 ": state does not encode", inc->id);
		return;
	}
	outbox_send(h, topic, buf, (size_t)n, 1, inc->id, HUB_OUT_LATEST);
}

void
outbox_incident_clear(struct hub *h, int64_t id)
{
	char topic[PROTO_TOPIC_MAX], sid[PROTO_ID_MAX];

	outbox_id(sid, id);
	outbox_topic(h, PROTO_TOPIC_INCIDENT, sid, topic, sizeof topic);
	/* an empty retained payload deletes the retained message */
	outbox_send(h, topic, "", 0, 1, id, HUB_OUT_LATEST);
}

void
outbox_maint(struct hub *h, const struct proto_maint *mt)
{
	char topic[PROTO_TOPIC_MAX], buf[PROTO_MAX_PAYLOAD];
	int n;

	if ((n = proto_encode_maint(mt, buf, sizeof buf)) < 0) {
		log_warnx("counter %s: maintenance alert does not encode",
		    mt->counter);
		return;
	}
	for (unsigned i = 0; i < h->conf->npeople; i++) {
		const struct conf_person *p = &h->conf->people[i];

		if (!conf_person_has_role(p, h->conf->maint_role))
			continue;
		outbox_topic(h, PROTO_TOPIC_MAINT, p->id, topic, sizeof topic);
		outbox_send(h, topic, buf, (size_t)n, 0, 0, HUB_OUT_KEEP);
		/* and their ntfy, mail or hook: a dead button must reach
		 * whoever can fix it, whatever their device */
		if (h->maint_channels)
			h->maint_channels(h, p->id, mt);
	}
}

void
outbox_maint_channel(struct hub *h, enum proto_maint_type type,
    const char *channel, const char *label, const char *reason)
{
	struct proto_maint mt;

	memset(&mt, 0, sizeof mt);
	mt.type = type;
	snprintf(mt.channel, sizeof mt.channel, "%s", channel);
	snprintf(mt.label, sizeof mt.label, "%s", label);
	snprintf(mt.reason, sizeof mt.reason, "%s", reason);
	mt.at_ms = clock_wall_ms();
	log_warnx("%s: maintenance %s: %s", channel, type == PROTO_MAINT_ALERT ?
	    "alert" : "notice", mt.reason);
	outbox_maint(h, &mt);
}

void
outbox_hub_status(struct hub *h, int online)
{
	struct proto_hub_status hs;
	char topic[PROTO_TOPIC_MAX], buf[PROTO_MAX_PAYLOAD];
	int n;

	memset(&hs, 0, sizeof hs);
	hs.online = online;
	snprintf(hs.site, sizeof hs.site, "%s", h->conf->site);
	snprintf(hs.version, sizeof hs.version, "%s", HUB_VERSION);
	/* "online since": a health update keeps the connect's time */
	hs.at_ms = online && h->online_since_ms ? h->online_since_ms :
	    clock_wall_ms();
	hs.store_failing = h->store_failing;
	hs.failed_commits = (uint32_t)h->stats.failed_commits;
	hs.reload_refused = h->reload_refused;
	snprintf(hs.reload_error, sizeof hs.reload_error, "%s",
	    h->reload_error);
	outbox_topic(h, PROTO_TOPIC_HUB_STATUS, NULL, topic, sizeof topic);
	/* the status must go out whatever its health text holds */
	if ((n = proto_encode_hub_status(&hs, buf, sizeof buf)) < 0) {
		log_warnx("hub status: cannot encode its reload error; sent "
		    "without it");
		hs.reload_error[0] = '\0';
		if ((n = proto_encode_hub_status(&hs, buf, sizeof buf)) < 0)
			return;
	}
	/* straight to the broker: queued, an old "online" could land late */
	if (mqtt_publish(h->mqtt, topic, buf, (size_t)n, 1, 1, NULL) < 0)
		log_warnx("mqtt: hub status not sent");
	engine_check(h, store_log(h->store, hs.at_ms, "out", 0, topic, buf,
	    (size_t)n), "log");
}
