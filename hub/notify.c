/* notify.c: pages a person on their channels besides the MQTT pager —
 * webhooks and mail through notify_curl.c, command hooks through
 * notify_cmd.c — as one job per page and channel. A failed attempt is
 * tried again with capped, jittered back-off while the page is the step's;
 * each attempt becomes a pages row; a channel failing alert_after times in
 * a row raises one maintenance alert, and a notice once it works again.
 * The module is a descriptor source of the hub's loop: nothing waits. */
#include "hub.h"
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

#define NT_RETRY_CAP_MS	60000
#define NT_CHECKS_MAX	16	/* incidents to look at this turn */

enum nt_state { NT_WAIT, NT_RUNNING, NT_SENT, NT_FAILED };

/* One page to one person on one channel, across its attempts. */
struct nt_job {
	struct notify_page pg;
	int64_t incident;
	char channel[PROTO_ID_MAX];	/* by name: a reload may renumber */
	unsigned attempt;		/* started so far */
	enum nt_state state;
	int live;			/* the person's latest page */
	int maint;			/* a maintenance message, not a page:
					   no incident, retried on its own */
	int64_t due_ms;			/* NT_WAIT: the next attempt */
	int64_t start_mono, start_wall;
	struct nt_job *next;
};

/* Failures in a row of a channel, for its maintenance alert. */
struct nt_stat {
	char name[PROTO_ID_MAX];
	unsigned fails;
	int alerted;
};

struct notify {
	struct hub *h;
	struct notify_curl *curl;
	struct notify_cmds *cmds;
	struct nt_job *jobs;
	struct nt_stat stats[2 * CONF_CHANNELS_MAX];
	unsigned nstats;
	unsigned ncurl;			/* pollfds of curl in the last prepare */
	int64_t checks[NT_CHECKS_MAX];	/* incidents with a channel given up */
	unsigned nchecks;
	uint64_t rng;
};

/* xorshift64: jitter needs no more */
static uint64_t
nt_rand(struct notify *n)
{
	n->rng ^= n->rng << 13;
	n->rng ^= n->rng >> 7;
	n->rng ^= n->rng << 17;
	return n->rng;
}

/* Back-off before attempt+1: retry_ms doubling, capped, +-25 % so that
 * pages failing together do not retry together. */
static int64_t
nt_backoff(struct notify *n, const struct conf_channel *ch, unsigned attempt)
{
	int64_t d = ch->retry_ms;

	for (unsigned i = 1; i < attempt && d < NT_RETRY_CAP_MS; i++)
		d *= 2;
	if (d > NT_RETRY_CAP_MS)
		d = NT_RETRY_CAP_MS;
	return d * 3 / 4 + (int64_t)(nt_rand(n) % (uint64_t)(d / 2 + 1));
}

static struct nt_stat *
nt_stat(struct notify *n, const char *name)
{
	for (unsigned i = 0; i < n->nstats; i++)
		if (strcmp(n->stats[i].name, name) == 0)
			return &n->stats[i];
	if (n->nstats == sizeof n->stats / sizeof *n->stats)
		return NULL;
	snprintf(n->stats[n->nstats].name, PROTO_ID_MAX, "%s", name);
	return &n->stats[n->nstats++];
}

/* Count the outcome; alert facilities once a channel keeps failing, and
 * tell them when it works again. */
static void
nt_health(struct notify *n, const struct conf_channel *ch,
    const struct notify_result *r)
{
	struct nt_stat *st = nt_stat(n, ch->name);
	struct proto_maint mt;
	int ok = strcmp(r->outcome, "sent") == 0;

	if (!st || (ok && !st->alerted && !st->fails))
		return;
	st->fails = ok ? 0 : st->fails + 1;
	if (ok == !st->alerted || (!ok && st->fails < (unsigned)ch->alert_after))
		return;
	memset(&mt, 0, sizeof mt);
	mt.type = ok ? PROTO_MAINT_NOTICE : PROTO_MAINT_ALERT;
	snprintf(mt.channel, sizeof mt.channel, "%s", ch->name);
	snprintf(mt.label, sizeof mt.label, "notification channel %s (%s)",
	    ch->name, conf_channel_type_name(ch->type));
	if (ok)
		snprintf(mt.reason, sizeof mt.reason, "working again");
	else
		snprintf(mt.reason, sizeof mt.reason, "%u failures in a row,"
		    " last: %s %s", st->fails, r->outcome, r->detail);
	mt.at_ms = clock_wall_ms();
	st->alerted = !ok;
	log_warnx("notify: channel %s: maintenance %s: %s", ch->name,
	    ok ? "notice" : "alert", mt.reason);
	outbox_maint(n->h, &mt);
}

static void
nt_check_later(struct notify *n, int64_t incident)
{
	for (unsigned i = 0; i < n->nchecks; i++)
		if (n->checks[i] == incident)
			return;
	if (n->nchecks < NT_CHECKS_MAX)
		n->checks[n->nchecks++] = incident;
}

/* An attempt is over (owner: its job): record it, then retry later or
 * give up. Called from the curl and command runners, or at once when an
 * attempt could not even start. */
static void
nt_done(void *owner, const struct notify_result *r, void *arg)
{
	struct notify *n = arg;
	struct nt_job *j = owner;
	int k = conf_channel_find(n->h->conf, j->channel);
	const struct conf_channel *ch = k >= 0 ? &n->h->conf->channels[k] : NULL;
	int ok = strcmp(r->outcome, "sent") == 0;
	int64_t now = clock_mono_ms(), wait = 0;
	char next[64] = "";
	struct store_attempt a = { .incident = j->incident,
	    .person = j->pg.person, .step = j->pg.step, .channel = j->channel,
	    .sent_ms = j->start_wall, .outcome = r->outcome,
	    .detail = r->detail, .reason = "step",
	    .latency_ms = now - j->start_mono, .attempt = j->attempt };

	j->state = ok ? NT_SENT : NT_FAILED;
	if (j->maint) {
		/* no incident to record it under: the log says it */
		if (!ok && ch && !r->permanent &&
		    j->attempt < (unsigned)ch->attempts) {
			wait = nt_backoff(n, ch, j->attempt);
			j->state = NT_WAIT;
			j->due_ms = now + wait;
		}
		log_info("maintenance %s to %s on %s: %s%s%s, attempt %u%s",
		    j->pg.maint == 1 ? "alert" : "notice", j->pg.person,
		    j->channel, r->outcome, r->detail[0] ? " " : "", r->detail,
		    j->attempt, j->state == NT_WAIT ? ", trying again" : "");
		if (ch)
			nt_health(n, ch, r);
		return;
	}
	if (!ok && ch && j->live && !r->permanent &&
	    j->attempt < (unsigned)ch->attempts &&
	    engine_page_step(n->h, j->incident, j->pg.person) == j->pg.step) {
		wait = nt_backoff(n, ch, j->attempt);
		j->state = NT_WAIT;
		j->due_ms = now + wait;
		snprintf(next, sizeof next, "retry in ");
		clock_fmt_duration(wait, next + 9, sizeof next - 9);
	} else if (!ok) {
		snprintf(next, sizeof next, "%s", r->permanent ?
		    "not retried" : "no more attempts");
		if (j->live)
			nt_check_later(n, j->incident);
	}
	engine_attempt(n->h, &a, next);
	if (ch)
		nt_health(n, ch, r);
}

/* Start the next attempt of j on its channel. */
static void
nt_attempt(struct notify *n, struct nt_job *j)
{
	const struct hub_conf *c = n->h->conf;
	int k = conf_channel_find(c, j->channel);
	const struct conf_channel *ch = &c->channels[k < 0 ? 0 : k];
	struct notify_result why = { .outcome = "failed" };
	char url[NOTIFY_URL_MAX], envbuf[4096], *env[NOTIFY_ENV_MAX];
	char *argv[CONF_ARGS_MAX + 2], *body = NULL;
	struct notify_req rq;
	int rc = -1;

	j->attempt++;
	j->state = NT_RUNNING;
	j->start_mono = clock_mono_ms();
	j->start_wall = clock_wall_ms();
	memset(&rq, 0, sizeof rq);
	if (k < 0) {
		snprintf(why.detail, sizeof why.detail, "channel removed by a "
		    "reload");
		why.permanent = 1;
	} else if (ch->type == CONF_CH_COMMAND) {
		argv[0] = (char *)ch->path;
		for (unsigned i = 0; i < ch->nargs; i++)
			argv[i + 1] = (char *)ch->args[i];
		argv[ch->nargs + 1] = NULL;
		if (notify_tpl_env(&j->pg, envbuf, sizeof envbuf, env,
		    NOTIFY_ENV_MAX) < 0)
			snprintf(why.detail, sizeof why.detail, "page too long");
		else
			rc = notify_cmd_start(n->cmds, argv, env, ch->timeout_ms,
			    j->start_mono, j, &why);
	} else {
		body = ch->type == CONF_CH_SMTP ? notify_tpl_mail(ch, &j->pg,
		    j->start_wall) : notify_tpl_webhook(ch, &j->pg, url,
		    sizeof url);
		rq = (struct notify_req){ .url = ch->type == CONF_CH_SMTP ?
		    ch->url : url, .body = body, .len = body ? strlen(body) : 0,
		    .headers = ch->headers, .nheaders = ch->nheaders,
		    .token = ch->token, .timeout_ms = ch->timeout_ms,
		    .mail_from = ch->from, .user = ch->user,
		    .password = ch->password, .tls = ch->tls,
		    .rcpt = ch->type == CONF_CH_SMTP ? j->pg.to : NULL };
		if (!body)
			snprintf(why.detail, sizeof why.detail, "out of memory");
		else
			rc = notify_curl_start(n->curl, &rq, j, &why);
	}
	free(body);
	if (rc < 0)
		nt_done(j, &why, n);
}

/* The page's fields for person on a channel with address to. */
static void
nt_fill(const struct hub *h, const struct proto_page *pg,
    const struct conf_person *p, const char *to, struct notify_page *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->site, sizeof out->site, "%s", h->conf->site);
	snprintf(out->incident, sizeof out->incident, "%s", pg->incident);
	snprintf(out->counter, sizeof out->counter, "%s", pg->counter);
	snprintf(out->label, sizeof out->label, "%s", pg->label);
	snprintf(out->location, sizeof out->location, "%s", pg->location);
	out->kind = pg->kind;
	out->step = pg->step;
	snprintf(out->person, sizeof out->person, "%s", p->id);
	snprintf(out->name, sizeof out->name, "%s", p->name);
	snprintf(out->to, sizeof out->to, "%s", to);
	out->elapsed_ms = pg->elapsed_ms;
	out->acks = pg->acks;
	out->needed = pg->needed;
	/* the person's own link, signed by outbox_page (acklink.c) */
	snprintf(out->ack_url, sizeof out->ack_url, "%s", pg->ack_url);
}

/* Put j on channel (by name: a reload may renumber), in the list, and
 * start its first attempt. */
static void
nt_start(struct notify *n, struct nt_job *j, const char *channel)
{
	snprintf(j->channel, sizeof j->channel, "%s", channel);
	j->next = n->jobs;
	n->jobs = j;
	nt_attempt(n, j);
}

void
notify_page(struct hub *h, const struct proto_page *pg, const char *person)
{
	struct notify *n = h->notify;
	int k = conf_person_find(h->conf, person);
	int64_t incident = strtoll(pg->incident, NULL, 10);
	const struct conf_person *p;

	if (!n || k < 0)
		return;
	p = &h->conf->people[k];
	for (struct nt_job *j = n->jobs; j; j = j->next)
		if (j->incident == incident && strcmp(j->pg.person, person) == 0)
			j->live = 0;
	for (unsigned i = 0; i < p->nnotify; i++) {
		const struct conf_notify *cn = &p->notify[i];
		struct nt_job *j;

		if (cn->channel == CONF_PAGER)
			continue;
		if (!(j = calloc(1, sizeof *j))) {
			log_warnx("incident %" PRId64 ": page %s on %s: out of "
			    "memory", incident, person,
			    h->conf->channels[cn->channel].name);
			continue;
		}
		nt_fill(h, pg, p, cn->to, &j->pg);
		j->incident = incident;
		j->live = 1;
		nt_start(n, j, h->conf->channels[cn->channel].name);
	}
}

void
notify_maint(struct hub *h, const char *person, const struct proto_maint *mt)
{
	struct notify *n = h->notify;
	int k = conf_person_find(h->conf, person);
	const struct conf_person *p;

	if (!n || k < 0)
		return;
	p = &h->conf->people[k];
	for (unsigned i = 0; i < p->nnotify; i++) {
		const struct conf_notify *cn = &p->notify[i];
		struct nt_job *j;

		if (cn->channel == CONF_PAGER || !(j = calloc(1, sizeof *j)))
			continue;
		snprintf(j->pg.site, sizeof j->pg.site, "%s", h->conf->site);
		snprintf(j->pg.counter, sizeof j->pg.counter, "%s",
		    mt->counter[0] ? mt->counter : mt->channel);
		snprintf(j->pg.label, sizeof j->pg.label, "%s", mt->label);
		j->pg.kind = PROTO_KIND_FAULT;
		snprintf(j->pg.person, sizeof j->pg.person, "%s", p->id);
		snprintf(j->pg.name, sizeof j->pg.name, "%s", p->name);
		snprintf(j->pg.to, sizeof j->pg.to, "%s", cn->to);
		j->pg.maint = mt->type == PROTO_MAINT_ALERT ? 1 : 2;
		snprintf(j->pg.reason, sizeof j->pg.reason, "%s", mt->reason);
		j->maint = 1;
		nt_start(n, j, h->conf->channels[cn->channel].name);
	}
}

int
notify_reachable(struct hub *h, int64_t incident, const char *person)
{
	int k = conf_person_find(h->conf, person);
	const struct conf_person *p;

	if (!h->notify || k < 0)
		return 1;
	p = &h->conf->people[k];
	for (unsigned i = 0; i < p->nnotify; i++)
		if (p->notify[i].channel == CONF_PAGER)
			return 1;
	for (struct nt_job *j = h->notify->jobs; j; j = j->next)
		if (j->live && j->incident == incident &&
		    strcmp(j->pg.person, person) == 0 && j->state != NT_FAILED)
			return 1;
	return 0;
}

static unsigned
nt_prepare(void *arg, struct pollfd *pfd, unsigned max, int64_t *due_ms)
{
	struct notify *n = arg;
	unsigned used;

	n->ncurl = notify_curl_fds(n->curl, pfd, max, due_ms);
	used = n->ncurl + notify_cmd_fds(n->cmds, pfd + n->ncurl,
	    max - n->ncurl, due_ms);
	for (struct nt_job *j = n->jobs; j; j = j->next)
		if (j->state == NT_WAIT && (*due_ms < 0 || j->due_ms < *due_ms))
			*due_ms = j->due_ms;
	if (n->nchecks)
		*due_ms = clock_mono_ms();
	return used;
}

/* A job still to be tried: a maintenance message waiting for its retry,
 * or the person's current page of the incident's step. */
static int
nt_current(struct notify *n, const struct nt_job *j)
{
	if (j->maint)
		return j->state == NT_WAIT;
	return j->live && engine_page_step(n->h, j->incident, j->pg.person) ==
	    j->pg.step;
}

/* Retries that are due, and jobs whose page is over leave memory. */
static void
nt_sweep(struct notify *n, int64_t now)
{
	struct nt_job **pp;

	/* attempts first: one that fails at once may raise a channel alert,
	 * whose new jobs go to the head of the list — not while a link of
	 * it is being cut */
	for (struct nt_job *j = n->jobs; j; j = j->next)
		if (j->state == NT_WAIT && now >= j->due_ms &&
		    nt_current(n, j))
			nt_attempt(n, j);
	for (pp = &n->jobs; *pp;) {
		struct nt_job *j = *pp;

		if (j->state == NT_RUNNING || nt_current(n, j)) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		free(j);
	}
}

static void
nt_dispatch(void *arg, const struct pollfd *pfd, unsigned npfd, int64_t now)
{
	struct notify *n = arg;
	unsigned ncurl = n->ncurl < npfd ? n->ncurl : npfd;

	notify_curl_run(n->curl, pfd, ncurl, now);
	notify_cmd_run(n->cmds, pfd + ncurl, npfd - ncurl, now);
	nt_sweep(n, now);
	/* after the sweep: a retry that could not start is given up now */
	for (unsigned i = 0; i < n->nchecks; i++)
		engine_unreachable(n->h, n->checks[i]);
	n->nchecks = 0;
}

int
notify_init(struct hub *h, struct hub_fdsrc *src)
{
	struct notify *n = calloc(1, sizeof *n);

	if (!n)
		return -1;
	n->h = h;
	n->rng = (uint64_t)clock_mono_ms() * 2654435761u | 1;
	n->curl = notify_curl_new(nt_done, n);
	n->cmds = notify_cmds_new(nt_done, n);
	if (!n->curl || !n->cmds) {
		notify_curl_free(n->curl);
		notify_cmds_free(n->cmds);
		free(n);
		return -1;
	}
	h->notify = n;
	*src = (struct hub_fdsrc){ "notify", n, nt_prepare, nt_dispatch };
	return 0;
}

void
notify_free(struct hub *h)
{
	struct notify *n = h->notify;

	if (!n)
		return;
	notify_curl_free(n->curl);
	notify_cmds_free(n->cmds);
	while (n->jobs) {
		struct nt_job *j = n->jobs;

		n->jobs = j->next;
		free(j);
	}
	free(n);
	h->notify = NULL;
}
