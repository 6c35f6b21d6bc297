/* cmd_status.c: `panicctl status` — the branch now: the hub, every counter
 * board (online or not, last heartbeat, firmware, faults, and what the
 * hub's supervision says), and every open incident with its step and
 * responders. It listens a moment to the broker's retained status and
 * incident topics and reads the database; when the broker cannot be
 * reached it says so and shows the database alone. */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ctl.h"
#include "mqtt.h"
#include "panicctl.h"
#include "period.h"
#include "table.h"

#define STATUS_USAGE \
	"usage: panicctl status [-c HUBCONF] [--identity FILE] [--db FILE]\n" \
	"        [--wait MS] [--json]\n"
#define STATUS_COUNTERS_MAX	(CONF_COUNTERS_MAX + 64)
#define STATUS_INCIDENTS_MAX	256
#define STATUS_QUIET_MS		300	/* retained messages come at once */
#define STATUS_SECURITY_MS	(24 * 3600 * 1000)	/* "recent" refusals */

struct status_counter {
	char id[PROTO_ID_MAX];
	int has_board;			/* a retained status was seen */
	struct proto_status board;
	int has_hub;			/* the hub recorded a state */
	struct db_cstate hub;
};

struct status_incident {
	struct db_incident db;		/* id, counter, kind, ... */
	int has_live;			/* the retained incident state */
	struct proto_incident live;
	char responders[PROTO_LIST_MAX * PROTO_ID_MAX];
	unsigned acks;			/* from the database's responders */
};

struct status {
	struct ctl *x;
	int reachable, has_hub;
	char why[320];
	struct proto_hub_status hub;
	struct status_counter c[STATUS_COUNTERS_MAX];
	unsigned nc;
	struct status_incident in[STATUS_INCIDENTS_MAX];
	unsigned ni;
	struct db_security sec;		/* refused as security events */
};

static struct status_counter *
status_counter(struct status *s, const char *id)
{
	for (unsigned i = 0; i < s->nc; i++)
		if (strcmp(s->c[i].id, id) == 0)
			return &s->c[i];
	if (s->nc == STATUS_COUNTERS_MAX)
		return NULL;
	snprintf(s->c[s->nc].id, sizeof s->c[s->nc].id, "%s", id);
	return &s->c[s->nc++];
}

static struct status_incident *
status_incident(struct status *s, int64_t id, int add)
{
	for (unsigned i = 0; i < s->ni; i++)
		if (s->in[i].db.id == id)
			return &s->in[i];
	if (!add || s->ni == STATUS_INCIDENTS_MAX)
		return NULL;
	memset(&s->in[s->ni], 0, sizeof s->in[s->ni]);
	s->in[s->ni].db.id = id;
	return &s->in[s->ni++];
}

/* One retained message: a board's status, an incident, the hub. */
static void
status_message(struct status *s, const struct mqtt_ev *ev)
{
	struct proto_topic t;
	struct status_counter *c;
	struct status_incident *in;
	struct proto_incident pi;
	const char *p = (const char *)ev->payload;

	if (proto_topic_parse(ev->topic, strlen(ev->topic),
	    s->x->conf->topic_prefix, &t, NULL) < 0 || ev->len == 0)
		return;		/* empty: a cleared incident, a cleared board */
	switch (t.type) {
	case PROTO_TOPIC_STATUS:
		if ((c = status_counter(s, t.id)) && proto_decode_status(p,
		    ev->len, &c->board, NULL) == 0)
			c->has_board = 1;
		break;
	case PROTO_TOPIC_INCIDENT:
		if (proto_decode_incident(p, ev->len, &pi, NULL) == 0 &&
		    (in = status_incident(s, strtoll(pi.incident, NULL, 10),
		    1))) {
			in->live = pi;
			in->has_live = 1;
		}
		break;
	case PROTO_TOPIC_HUB_STATUS:
		if (proto_decode_hub_status(p, ev->len, &s->hub, NULL) == 0)
			s->has_hub = 1;
		break;
	default:
		break;
	}
}

/* Connect, subscribe, and take what the broker holds. */
static void
status_listen(struct status *s, int wait_ms)
{
	static const enum proto_topic_type types[] = {
		PROTO_TOPIC_STATUS, PROTO_TOPIC_INCIDENT, PROTO_TOPIC_HUB_STATUS
	};
	const struct hub_conf *c = s->x->conf;
	struct mqtt *m = ctl_mqtt(s->x, "status");
	int64_t start = clock_mono_ms(), last = 0, now;
	char filter[PROTO_TOPIC_MAX];
	struct mqtt_ev ev;
	int done = 0;

	snprintf(s->why, sizeof s->why, "no answer within %d ms", wait_ms);
	for (size_t i = 0; m && i < sizeof types / sizeof *types; i++)
		if (proto_topic_filter(filter, sizeof filter, c->topic_prefix,
		    c->site, types[i]) < 0 || mqtt_subscribe(m, filter, 1) < 0)
			done = 1;
	if (!m || done || mqtt_connect(m) < 0) {
		snprintf(s->why, sizeof s->why, "cannot start a client: %s",
		    mqtt_error());
		mqtt_free(m);
		return;
	}
	while (!done && (now = clock_mono_ms()) < start + wait_ms &&
	    !(s->reachable && now - last >= STATUS_QUIET_MS)) {
		struct pollfd pfd = { .fd = mqtt_fd(m), .events = POLLIN };
		int64_t until = s->reachable ? last + STATUS_QUIET_MS :
		    start + wait_ms;

		poll(&pfd, 1, (int)(until > now ? until - now : 0));
		while (mqtt_next(m, &ev)) {
			if (ev.type == MQTT_EV_CONNECTED) {
				s->reachable = 1;
				last = clock_mono_ms();
			} else if (ev.type == MQTT_EV_CONNECT_FAILED ||
			    (ev.type == MQTT_EV_LOST && !s->reachable)) {
				snprintf(s->why, sizeof s->why, "%s", ev.detail);
				done = 1;
			} else if (ev.type == MQTT_EV_MESSAGE) {
				status_message(s, &ev);
				last = clock_mono_ms();
			}
			mqtt_ev_release(&ev);
		}
	}
	if (s->reachable)
		mqtt_disconnect(m, 500);
	mqtt_free(m);
}

static int
status_cstate(void *arg, const struct db_cstate *cs)
{
	struct status *s = arg;
	struct status_counter *c = status_counter(s, cs->counter);

	if (c) {
		c->hub = *cs;
		c->has_hub = 1;
	}
	return 0;
}

static int
status_open(void *arg, const struct db_incident *inc)
{
	struct status *s = arg;
	struct status_incident *in = status_incident(s, inc->id, 1);

	if (in)
		in->db = *inc;
	return 0;
}

static int
status_responder(void *arg, const struct db_responder *r)
{
	struct status_incident *in = arg;
	size_t len = strlen(in->responders);

	if (r->flags & 0x02) {	/* acknowledged (incident_person flags) */
		snprintf(in->responders + len, sizeof in->responders - len,
		    "%s%s", len ? "," : "", r->person);
		in->acks++;
	}
	return 0;
}

static int
status_db(struct status *s)
{
	struct db_filter f = { .open_only = 1, .drills = 1 };

	if (db_counter_states(s->x->db, status_cstate, s) != 0 ||
	    db_incidents(s->x->db, &f, status_open, s) != 0 ||
	    db_security(s->x->db, s->x->now_ms - STATUS_SECURITY_MS,
	    &s->sec) < 0)
		return -1;
	for (unsigned i = 0; i < s->ni; i++)
		if (s->in[i].db.received && db_responders(s->x->db,
		    s->in[i].db.id, status_responder, &s->in[i]) != 0)
			return -1;
	return 0;
}

enum { SC_ID, SC_LABEL, SC_ZONE, SC_BOARD, SC_HEARD, SC_AGO, SC_FW,
    SC_FAULTS, SC_HUB, SC_SINCE, SC_COUNT };

static const struct tab_col status_ccols[SC_COUNT] = {
	{ "counter", "counter", 0, 0, 0 },
	{ "label", "label", 0, 16, 0 },
	{ "zone", "zone", 0, 0, 0 },
	{ "board", "board", 0, 0, 0 },
	{ "last heard", "last_heard", 0, 0, 0 },
	{ "ago", "ago", 1, 0, 1 },
	{ "fw", "fw", 0, 0, 0 },
	{ "faults", "faults", 0, 0, 0 },
	{ "hub says", "hub_state", 0, 0, 0 },
	{ "since", "hub_state_since", 0, 0, 0 },
};

enum { SI_ID, SI_COUNTER, SI_LABEL, SI_KIND, SI_STATE, SI_STEP, SI_ACKS,
    SI_NEEDED, SI_RESP, SI_RECEIVED, SI_OPEN, SI_COUNT };

static const struct tab_col status_icols[SI_COUNT] = {
	{ "incident", "incident", 1, 0, 0 },
	{ "counter", "counter", 0, 0, 0 },
	{ "label", "label", 0, 16, 0 },
	{ "kind", "kind", 0, 0, 0 },
	{ "state", "state", 0, 0, 0 },
	{ "step", "step", 1, 0, 0 },
	{ "acks", "acks", 1, 0, 0 },
	{ "needed", "needed", 1, 0, 0 },
	{ "responders", "responders", 0, 24, 0 },
	{ "received", "received", 0, 0, 0 },
	{ "open for", "open_for", 1, 0, 1 },
};

/* The configured counters first, in file order, then any others seen. */
static void
status_counters(struct status *s)
{
	const struct hub_conf *c = s->x->conf;

	for (unsigned i = 0; i < c->ncounters; i++)
		status_counter(s, c->counters[i].id);
}

static void
status_counter_row(struct status *s, struct tab *t,
    const struct status_counter *c)
{
	const struct hub_conf *conf = s->x->conf;
	int z = ctl_counter_zone(s->x, c->id);
	char faults[PROTO_LIST_MAX * PROTO_ID_MAX] = "";

	tab_str(t, SC_ID, c->id);
	tab_str(t, SC_LABEL, ctl_counter_label(s->x, c->id));
	if (z >= 0)
		tab_str(t, SC_ZONE, conf->zones[z].id);
	if (c->has_board) {
		tab_str(t, SC_BOARD, c->board.online ? "online" : "offline");
		if (c->board.at_ms) {
			tab_time(t, SC_HEARD, c->board.at_ms);
			tab_ms(t, SC_AGO, s->x->now_ms - c->board.at_ms);
		}
		if (c->board.fw[0])
			tab_str(t, SC_FW, c->board.fw);
		for (unsigned i = 0; i < c->board.nfaults; i++)
			snprintf(faults + strlen(faults), sizeof faults -
			    strlen(faults), "%s%s", i ? "," : "",
			    c->board.faults[i]);
		tab_str(t, SC_FAULTS, faults[0] ? faults : "none");
	} else {
		tab_null_text(t, SC_BOARD, s->reachable ? "never" : "?");
	}
	if (c->has_hub) {
		tab_str(t, SC_HUB, c->hub.state);
		tab_time(t, SC_SINCE, c->hub.at);
	} else {
		tab_null_text(t, SC_HUB, s->x->db ? "no record" : "?");
	}
}

static void
status_incident_row(struct status *s, struct tab *t,
    const struct status_incident *in)
{
	const struct proto_incident *l = &in->live;
	char resp[PROTO_LIST_MAX * PROTO_ID_MAX] = "";
	int64_t received = in->has_live ? l->received_ms : in->db.received;

	tab_int(t, SI_ID, in->db.id);
	tab_str(t, SI_COUNTER, in->has_live ? l->counter : in->db.counter);
	tab_str(t, SI_LABEL, ctl_counter_label(s->x, in->has_live ?
	    l->counter : in->db.counter));
	/* the broker's copy is the hub's latest word; the database's is
	 * the last commit */
	if (in->has_live) {
		tab_str(t, SI_KIND, proto_kind_name(l->kind));
		tab_str(t, SI_STATE, proto_istate_name(l->state));
		tab_int(t, SI_STEP, l->step);
		tab_int(t, SI_ACKS, l->acks);
		tab_int(t, SI_NEEDED, l->needed);
		for (unsigned i = 0; i < l->nresponders; i++)
			snprintf(resp + strlen(resp), sizeof resp - strlen(resp),
			    "%s%s", i ? "," : "", l->responders[i]);
	} else {
		tab_str(t, SI_KIND, in->db.kind);
		tab_str(t, SI_STATE, in->db.state);
		tab_int(t, SI_STEP, in->db.step);
		tab_int(t, SI_ACKS, in->acks);
		tab_int(t, SI_NEEDED, in->db.needed);
		snprintf(resp, sizeof resp, "%s", in->responders);
	}
	tab_str(t, SI_RESP, resp[0] ? resp : "none");
	tab_time(t, SI_RECEIVED, received);
	if (received)
		tab_ms(t, SI_OPEN, s->x->now_ms - received);
}

static void
status_head(const struct status *s)
{
	const struct conf_broker *b = &s->x->conf->broker;
	char at[40];

	if (!s->reachable)
		printf("broker %s:%d unreachable (%s): showing the database "
		    "only\n", b->host, b->port, s->why);
	else if (!s->has_hub)
		printf("hub %s: no status on the broker %s:%d (never "
		    "started?)\n", s->x->conf->site, b->host, b->port);
	else
		printf("hub %s: %s%s%s, version %s (broker %s:%d)\n",
		    s->hub.site, s->hub.online ? "online" : "OFFLINE",
		    s->hub.at_ms ? " since " : "", s->hub.at_ms ?
		    period_fmt(s->hub.at_ms, 0, at, sizeof at) : "",
		    s->hub.version[0] ? s->hub.version : "unknown", b->host,
		    b->port);
	if (s->has_hub && s->hub.online && s->hub.store_failing)
		printf("hub %s: STORE FAILING: its database cannot be written "
		    "(%u commits failed): calls are paged but not recorded; "
		    "see its log (a full disk?)\n", s->hub.site,
		    s->hub.failed_commits);
	if (s->has_hub && s->hub.online && s->hub.reload_refused)
		printf("hub %s: its last reload was refused, it runs on the "
		    "rules it had: %s\n", s->hub.site, s->hub.reload_error);
	if (!s->x->db)
		printf("database unavailable: showing the broker only\n");
	else if (!s->sec.total)
		printf("security: no message refused\n");
	else
		printf("security: %lld message%s refused (%lld in the last "
		    "24 h), the latest at %s on %s: %s\n",
		    (long long)s->sec.total, s->sec.total == 1 ? "" : "s",
		    (long long)s->sec.recent, period_fmt(s->sec.latest_at, 0,
		    at, sizeof at), s->sec.latest_topic, s->sec.latest_reason);
}

static int
status_print(struct status *s)
{
	struct tab *tc = tab_new(status_ccols, SC_COUNT);
	struct tab *ti = tab_new(status_icols, SI_COUNT);
	struct jdoc *d, *o;
	int rc = -1;

	if (!tc || !ti)
		goto out;
	for (unsigned i = 0; i < s->nc; i++)
		if (tab_row(tc) == 0)
			status_counter_row(s, tc, &s->c[i]);
	for (unsigned i = 0; i < s->ni; i++)
		if (tab_row(ti) == 0)
			status_incident_row(s, ti, &s->in[i]);
	if (s->x->fmt == CTL_JSON) {
		d = jdoc_new();
		o = jdoc_obj(d, "broker");
		jdoc_str(o, "host", s->x->conf->broker.host);
		jdoc_int(o, "port", s->x->conf->broker.port);
		jdoc_bool(o, "reachable", s->reachable);
		jdoc_str(o, "error", s->reachable ? NULL : s->why);
		o = jdoc_obj(d, "hub");
		jdoc_str(o, "site", s->x->conf->site);
		jdoc_str(o, "state", !s->has_hub ? NULL : s->hub.online ?
		    "online" : "offline");
		jdoc_time(o, "at", s->has_hub ? s->hub.at_ms : 0);
		jdoc_bool(o, "store_failing", s->has_hub &&
		    s->hub.store_failing);
		jdoc_int(o, "failed_commits", s->has_hub ?
		    s->hub.failed_commits : 0);
		jdoc_str(o, "reload_refused", s->has_hub &&
		    s->hub.reload_refused ? s->hub.reload_error : NULL);
		jdoc_bool(d, "database", s->x->db != NULL);
		o = jdoc_obj(d, "security");
		jdoc_int(o, "refused", s->sec.total);
		jdoc_int(o, "refused_24h", s->sec.recent);
		jdoc_time(o, "latest_at", s->sec.latest_at);
		jdoc_str(o, "latest_topic", s->sec.latest_at ?
		    s->sec.latest_topic : NULL);
		jdoc_str(o, "latest_reason", s->sec.latest_at ?
		    s->sec.latest_reason : NULL);
		jdoc_rows(d, "counters", tc);
		jdoc_rows(d, "incidents", ti);
		rc = jdoc_print(d, stdout);
		jdoc_free(d);
		goto out;
	}
	status_head(s);
	putchar('\n');
	rc = tab_print(tc, stdout);
	if (s->ni) {
		printf("\nopen incidents: %u\n\n", s->ni);
		rc |= tab_print(ti, stdout);
	} else {
		printf("\nno open incidents\n");
	}
out:
	tab_free(tc);
	tab_free(ti);
	return rc;
}

int
cmd_status(int argc, char **argv)
{
	enum { O_WAIT = CTL_OPT_NEXT };
	static const struct option longopts[] = {
		CTL_LONGOPTS,
		{ "wait", required_argument, NULL, O_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	struct status *s = calloc(1, sizeof *s);
	char err[CONF_ERR_MAX], *end;
	int ch, rc = CTL_FAIL;
	long wait_ms = 2000;
	struct ctl x;

	if (!s)
		return CTL_FAIL;
	ctl_init(&x, "status");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ctl_option(&x, ch, optarg) && x.fmt != CTL_CSV)
			continue;
		if (ch == O_WAIT) {
			wait_ms = strtol(optarg, &end, 10);
			if (!*end && wait_ms >= 100 && wait_ms <= 60000)
				continue;
			ctl_err(&x, "--wait: \"%s\" is not 100 to 60000 ms",
			    optarg);
		}
		fputs(STATUS_USAGE, stderr);
		free(s);
		return CTL_USAGE;
	}
	if (optind != argc) {
		fputs(STATUS_USAGE, stderr);
		free(s);
		return CTL_USAGE;
	}
	s->x = &x;
	if (ctl_open(&x, 0) < 0)
		goto out;
	if (!(x.db = db_open(x.db_path ? x.db_path : x.conf->database, err,
	    sizeof err)))
		ctl_err(&x, "%s", err);
	status_counters(s);
	status_listen(s, (int)wait_ms);
	if (!s->reachable && !x.db)
		goto out;
	if (x.db && status_db(s) < 0) {
		ctl_err(&x, "database: %s", db_errmsg(x.db));
		goto out;
	}
	x.now_ms = clock_wall_ms();
	rc = status_print(s) < 0 ? CTL_FAIL : CTL_OK;
	/* a hub that is not online pages nobody, one that cannot store
	 * forgets: a monitor running this (cron, a check in the facility's
	 * monitoring) must see it */
	if (rc == CTL_OK && (!s->reachable || !s->has_hub || !s->hub.online ||
	    s->hub.store_failing))
		rc = CTL_FAIL;
out:
	ctl_close(&x);
	free(s);
	return rc;
}
