/* cmd_incidents.c: `panicctl incidents` lists incidents with filters, and
 * `panicctl incident ID` prints the whole timeline of one — the press,
 * every event, page and cancel with its channel and outcome, each
 * acknowledgement and answer, the hub's own notes, arrival, resolution —
 * in the site's local time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "panicctl.h"
#include "clock.h"
#include "period.h"
#include "table.h"

#define INCIDENTS_USAGE \
	"usage: panicctl incidents [-c HUBCONF] [--db FILE]\n" \
	"           [--from WHEN] [--to WHEN] [--last 30d|12w|6m|1y]\n" \
	"           [--counter ID] [--person ID] [--kind KIND]\n" \
	"           [--category CATEGORY|none] [--open]\n" \
	"           [--csv [--bom] | --json]\n"
#define INCIDENT_USAGE \
	"usage: panicctl incident ID [-c HUBCONF] [--db FILE]\n" \
	"           [--csv [--bom] | --json]\n"

enum {
	IC_ID, IC_RECEIVED, IC_COUNTER, IC_LABEL, IC_KIND, IC_STATE, IC_STEP,
	IC_ACK, IC_BY, IC_SCENE, IC_CATEGORY, IC_NOTE, IC_TEXT_COLS,
	/* exports (CSV, JSON) only: every fact of the record */
	IC_PRESSED = IC_TEXT_COLS, IC_TIMED_FROM, IC_NEEDED, IC_RESPONDERS,
	IC_FULL, IC_RESOLVED, IC_RESOLVED_BY, IC_CLOSED, IC_COUNT
};

static const struct tab_col incidents_cols[IC_COUNT] = {
	{ "id", "id", 1, 0, 0 },
	{ "received", "received", 0, 0, 0 },
	{ "counter", "counter", 0, 0, 0 },
	{ "", "label", 0, 16, 0 },
	{ "kind", "kind", 0, 0, 0 },
	{ "state", "state", 0, 0, 0 },
	{ "step", "step", 1, 0, 0 },
	{ "ack", "ack", 1, 0, 1 },
	{ "by", "acknowledged_by", 0, 0, 0 },
	{ "scene", "on_scene", 1, 0, 1 },
	{ "category", "category", 0, 0, 0 },
	{ "note", "note", 0, 30, 0 },
	{ "pressed", "pressed_at", 0, 0, 0 },
	{ "from", "timed_from", 0, 0, 0 },
	{ "needed", "needed", 1, 0, 0 },
	{ "responders", "responders", 0, 0, 0 },
	{ "full", "full_response", 1, 0, 1 },
	{ "resolved", "resolved_at", 0, 0, 0 },
	{ "resolved by", "resolved_by", 0, 0, 0 },
	{ "closed", "closed_at", 0, 0, 0 },
};

struct incidents {
	struct ctl *x;
	struct tab *t;
	int64_t n;
	int all;			/* an export: every column */
};

/* The columns of an export beyond the terminal's. */
static int
incidents_export(struct incidents *l, const struct db_incident *inc)
{
	struct tab *t = l->t;
	char who[PROTO_LIST_MAX * PROTO_ID_MAX * 2];
	int64_t full;

	if (db_incident_acks(l->x->db, inc->id, inc->needed, who, sizeof who,
	    &full) < 0)
		return -1;
	tab_time_ms(t, IC_PRESSED, inc->pressed);
	tab_str(t, IC_TIMED_FROM, db_press_trusted(inc) ? "press" :
	    "reception");
	tab_int(t, IC_NEEDED, inc->needed);
	tab_str(t, IC_RESPONDERS, who);
	if (full)
		tab_ms(t, IC_FULL, full - db_timed_from(inc));
	tab_time(t, IC_RESOLVED, inc->resolved);
	if (inc->resolved_by[0])
		tab_str(t, IC_RESOLVED_BY, inc->resolved_by);
	tab_time(t, IC_CLOSED, inc->closed);
	return 0;
}

static int
incidents_row(void *arg, const struct db_incident *inc)
{
	struct incidents *l = arg;
	struct tab *t = l->t;

	if (tab_row(t) < 0)
		return -1;
	tab_int(t, IC_ID, inc->id);
	tab_time(t, IC_RECEIVED, inc->received);
	tab_str(t, IC_COUNTER, inc->counter);
	tab_str(t, IC_LABEL, ctl_counter_label(l->x, inc->counter));
	tab_str(t, IC_KIND, inc->kind);
	tab_str(t, IC_STATE, inc->state);
	tab_int(t, IC_STEP, inc->step);
	if (inc->acked)
		tab_ms(t, IC_ACK, inc->acked - db_timed_from(inc));
	if (inc->first_ack[0])
		tab_str(t, IC_BY, inc->first_ack);
	if (inc->on_scene)
		tab_ms(t, IC_SCENE, inc->on_scene - db_timed_from(inc));
	if (inc->category[0])
		tab_str(t, IC_CATEGORY, inc->category);
	if (inc->note[0])
		tab_str(t, IC_NOTE, inc->note);
	else
		tab_null_text(t, IC_NOTE, "");
	if (l->all && incidents_export(l, inc) < 0)
		return -1;
	l->n++;
	return 0;
}

/* Check --kind and --category against the protocol's names. */
static int
incidents_names(struct ctl *x, const char *kind, const char *category)
{
	enum proto_kind k;
	enum proto_category c;

	if (kind && (proto_kind_parse(kind, strlen(kind), &k) < 0 ||
	    (k != PROTO_KIND_HELP && k != PROTO_KIND_EMERGENCY &&
	    k != PROTO_KIND_TEST))) {
		ctl_err(x, "--kind: \"%s\" is not help, emergency or test",
		    kind);
		return -1;
	}
	if (category && strcmp(category, "none") != 0 &&
	    (proto_category_parse(category, strlen(category), &c) < 0 ||
	    c == PROTO_CAT_NONE)) {
		ctl_err(x, "--category: \"%s\" is not harassment, complaint, "
		    "enquiry, false_alarm, drill, other or none", category);
		return -1;
	}
	return 0;
}

static int
incidents_print(struct ctl *x, const struct period *p, struct tab *t,
    int64_t n)
{
	struct jdoc *d;
	int rc;

	if (x->fmt == CTL_CSV)
		return tab_csv(t, stdout, x->bom);
	if (x->fmt == CTL_JSON) {
		d = jdoc_new();
		jdoc_str(d, "site", x->conf->site);
		jdoc_str(d, "timezone", x->conf->timezone);
		jdoc_time(d, "from", p->from_ms);
		jdoc_time(d, "to", p->to_ms);
		jdoc_rows(d, "incidents", t);
		rc = jdoc_print(d, stdout);
		jdoc_free(d);
		return rc;
	}
	printf("incidents, %s (%s): %lld\n", p->text, x->conf->timezone,
	    (long long)n);
	if (!n)
		return 0;
	putchar('\n');
	return tab_print(t, stdout);
}

int
cmd_incidents(int argc, char **argv)
{
	enum { O_FROM = CTL_OPT_NEXT, O_TO, O_LAST, O_COUNTER, O_PERSON,
	    O_KIND, O_CATEGORY, O_OPEN };
	static const struct option longopts[] = {
		CTL_LONGOPTS,
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "last", required_argument, NULL, O_LAST },
		{ "counter", required_argument, NULL, O_COUNTER },
		{ "person", required_argument, NULL, O_PERSON },
		{ "kind", required_argument, NULL, O_KIND },
		{ "category", required_argument, NULL, O_CATEGORY },
		{ "open", no_argument, NULL, O_OPEN },
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *to = NULL, *last = NULL;
	struct db_filter f = { .drills = 1 };
	struct incidents l = { 0 };
	struct period p;
	struct ctl x;
	char err[256];
	int ch, rc = CTL_FAIL;

	ctl_init(&x, "incidents");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ctl_option(&x, ch, optarg))
			continue;
		switch (ch) {
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_LAST: last = optarg; break;
		case O_COUNTER: f.counter = optarg; break;
		case O_PERSON: f.person = optarg; break;
		case O_KIND: f.kind = optarg; break;
		case O_CATEGORY: f.category = optarg; break;
		case O_OPEN: f.open_only = 1; break;
		default:
			fputs(INCIDENTS_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fputs(INCIDENTS_USAGE, stderr);
		return CTL_USAGE;
	}
	if (incidents_names(&x, f.kind, f.category) < 0)
		return CTL_USAGE;
	if (ctl_open(&x, 1) < 0)
		goto out;
	/* open incidents are shown whatever their age, unless asked */
	if (period_resolve(from, to, last, f.open_only ? NULL : "30d",
	    x.now_ms, &p, err, sizeof err) < 0) {
		ctl_err(&x, "%s", err);
		rc = CTL_USAGE;
		goto out;
	}
	if ((f.counter && ctl_known_counter(&x, f.counter) < 0) ||
	    (f.person && ctl_known_person(&x, f.person) < 0))
		goto out;
	f.from_ms = p.from_ms;
	f.to_ms = p.to_ms;
	l.x = &x;
	l.all = x.fmt != CTL_TEXT;
	if (!(l.t = tab_new(incidents_cols, l.all ? IC_COUNT : IC_TEXT_COLS))) {
		ctl_err(&x, "out of memory");
		goto out;
	}
	if (db_incidents(x.db, &f, incidents_row, &l) != 0) {
		ctl_err(&x, "database: %s", db_errmsg(x.db));
		goto out;
	}
	rc = incidents_print(&x, &p, l.t, l.n) < 0 ? CTL_FAIL : CTL_OK;
out:
	tab_free(l.t);
	ctl_close(&x);
	return rc;
}

/* ---- incident ID: the timeline ---------------------------------------- */

/* At the same millisecond, what came first: the press, an answer that
 * moved things, the hub's note, its pages, the acks, the cancels they
 * caused, the new state. */
enum tl_order {
	TL_EVENT, TL_ANSWER, TL_NOTE, TL_PAGE, TL_ACK, TL_CANCEL, TL_STATE,
	TL_END
};

struct tl_entry {
	int64_t at;
	enum tl_order order;
	unsigned seq;			/* then the order of collection */
	char what[16];
	char who[PROTO_ID_MAX];
	char detail[PROTO_NOTE_MAX + 64];
};

struct timeline {
	struct ctl *x;
	const struct db_incident *inc;
	struct tl_entry *e;
	size_t n, cap;
	char on_scene_by[128];		/* who marked it, for the summary */
	int max_step;			/* the highest step anyone was paged at */
	int oom;
};

static struct tl_entry *
tl_add(struct timeline *t, int64_t at, enum tl_order order, const char *what,
    const char *who)
{
	struct tl_entry *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		struct tl_entry *n = realloc(t->e, cap * sizeof *n);

		if (!n) {
			t->oom = 1;
			return NULL;
		}
		t->e = n;
		t->cap = cap;
	}
	e = &t->e[t->n];
	e->at = at;
	e->order = order;
	e->seq = (unsigned)t->n++;
	snprintf(e->what, sizeof e->what, "%s", what);
	snprintf(e->who, sizeof e->who, "%s", who ? who : "");
	e->detail[0] = '\0';
	return e;
}

static int
tl_event(void *arg, const struct db_event *ev)
{
	struct timeline *t = arg;
	struct tl_entry *e;
	char held[32] = "";

	if (ev->held_ms >= 0)
		snprintf(held, sizeof held, ", held %lld ms",
		    (long long)ev->held_ms);
	if ((e = tl_add(t, ev->pressed, TL_EVENT, "pressed", NULL)))
		snprintf(e->detail, sizeof e->detail, "%s (%s, button %s%s)%s; "
		    "board's clock", ev->kind, ev->gesture, ev->button, held,
		    ev->upgrades[0] ? ", refines an earlier press" : "");
	if ((e = tl_add(t, ev->received, TL_EVENT, "received", NULL)))
		snprintf(e->detail, sizeof e->detail, "event %s, attempt %d",
		    ev->id, ev->attempt);
	return t->oom ? -1 : 0;
}

static int
tl_page(void *arg, const struct db_page *pg)
{
	struct timeline *t = arg;
	int page = strcmp(pg->type, "page") == 0;
	struct tl_entry *e = tl_add(t, pg->sent, page ? TL_PAGE : TL_CANCEL,
	    page ? "page" : "cancel", pg->person);

	if (!e)
		return -1;
	if (page && pg->step > t->max_step)
		t->max_step = pg->step;
	if (page)
		snprintf(e->detail, sizeof e->detail, "%s, step %d, %s: %s%s%s",
		    ctl_person_name(t->x, pg->person), pg->step, pg->channel,
		    pg->outcome, pg->reason[0] && strcmp(pg->reason, "step") ?
		    "; " : "", pg->reason[0] && strcmp(pg->reason, "step") ?
		    pg->reason : "");
	else
		snprintf(e->detail, sizeof e->detail, "%s, %s: %s",
		    ctl_person_name(t->x, pg->person), pg->channel,
		    pg->reason[0] ? pg->reason : "stand down");
	return 0;
}

static int
tl_ack(void *arg, const struct db_ack *a)
{
	struct timeline *t = arg;
	struct tl_entry *e = tl_add(t, a->at, TL_ACK, "ack", a->person);
	char d[32];

	if (!e)
		return -1;
	snprintf(e->detail, sizeof e->detail, "%s, step %d, %s after the "
	    "press was received", ctl_person_name(t->x, a->person), a->step,
	    clock_fmt_duration(a->at - t->inc->received, d, sizeof d));
	return 0;
}

static int
tl_note(void *arg, const struct db_log *l)
{
	struct timeline *t = arg;
	struct tl_entry *e;

	/* the resolution and closing are shown from the incident's row */
	if ((l->len == 6 && memcmp(l->body, "closed", 6) == 0) ||
	    (l->len > 12 && memcmp(l->body, "resolved as ", 12) == 0))
		return 0;
	if (!(e = tl_add(t, l->at, strcmp(l->kind, "state") ? TL_NOTE :
	    TL_STATE, "hub", NULL)))
		return -1;
	snprintf(e->detail, sizeof e->detail, "%.*s", l->len, l->body);
	return 0;
}

/* Answers from pagers, from the hub's log of what it received. Acks are
 * shown from their own table; declines and on-scene marks only here. */
static int
tl_reply(void *arg, const struct db_log *l)
{
	struct timeline *t = arg;
	struct proto_reply rp;
	struct tl_entry *e;
	char id[32];

	snprintf(id, sizeof id, "%lld", (long long)t->inc->id);
	if (proto_decode_reply(l->body, (size_t)l->len, &rp, NULL) < 0 ||
	    strcmp(rp.incident, id) != 0 || rp.action == PROTO_ACTION_ACK)
		return 0;
	if (!(e = tl_add(t, l->at, TL_ANSWER, "answer", rp.person)))
		return -1;
	snprintf(e->detail, sizeof e->detail, "%s: %s%s%s%s%s",
	    ctl_person_name(t->x, rp.person), proto_action_name(rp.action),
	    rp.category != PROTO_CAT_NONE ? " as " : "",
	    rp.category != PROTO_CAT_NONE ? proto_category_name(rp.category) :
	    "", rp.note[0] ? ": " : "", rp.note);
	return 0;
}

static int
tl_responder(void *arg, const struct db_responder *r)
{
	struct timeline *t = arg;
	size_t len = strlen(t->on_scene_by);

	if (r->flags & 0x10)	/* on scene (incident_person flags) */
		snprintf(t->on_scene_by + len, sizeof t->on_scene_by - len,
		    "%s%s", len ? ", " : "", r->person);
	return 0;
}

static int
tl_cmp(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The milestones kept on the incident's row. */
static void
tl_milestones(struct timeline *t)
{
	const struct db_incident *inc = t->inc;
	struct tl_entry *e;
	char d[32];

	if (inc->on_scene && (e = tl_add(t, inc->on_scene, TL_END, "on scene",
	    NULL)))
		snprintf(e->detail, sizeof e->detail, "%s%s%s after the press "
		    "was received", t->on_scene_by[0] ? t->on_scene_by : "",
		    (inc->flags & 0x10) ? (t->on_scene_by[0] ? "; arrival "
		    "signalled at the counter; " : "arrival signalled at the "
		    "counter; ") : t->on_scene_by[0] ? "; " : "",
		    clock_fmt_duration(inc->on_scene - inc->received, d,
		    sizeof d));
	if (inc->resolved && (e = tl_add(t, inc->resolved, TL_END, "resolved",
	    NULL)))
		snprintf(e->detail, sizeof e->detail, "as %s%s%s",
		    inc->category[0] ? inc->category : "(no category)",
		    inc->note[0] ? ": " : "", inc->note);
	if (inc->closed && (e = tl_add(t, inc->closed, TL_END, "closed",
	    NULL)))
		snprintf(e->detail, sizeof e->detail, "%s after the press was "
		    "received", clock_fmt_duration(inc->closed - inc->received,
		    d, sizeof d));
}

static int
tl_collect(struct timeline *t, struct db *db)
{
	const struct db_incident *inc = t->inc;
	int64_t end = inc->closed ? inc->closed + 60000 : t->x->now_ms;

	if (db_events(db, inc->id, tl_event, t) != 0 ||
	    db_pages(db, inc->id, tl_page, t) != 0 ||
	    db_acks(db, inc->id, tl_ack, t) != 0 ||
	    db_log_notes(db, inc->id, tl_note, t) != 0 ||
	    db_log_replies(db, inc->received, end, tl_reply, t) != 0 ||
	    db_responders(db, inc->id, tl_responder, t) != 0)
		return -1;
	tl_milestones(t);
	if (t->oom)
		return -1;
	qsort(t->e, t->n, sizeof *t->e, tl_cmp);
	return 0;
}

/* The press by the board's clock, and what is known of that clock. */
static void
tl_press_line(const struct db_incident *inc)
{
	char a[40], d[32], off[32];

	if (!inc->pressed)
		return;
	period_fmt(inc->pressed, 1, a, sizeof a);
	if (!inc->board_offset_known) {
		printf("  pressed:   %s by the board's clock (not measured: "
		    "times count from the reception)\n", a);
		return;
	}
	/* "4 ms behind", "1.2 s ahead of": which way the board's clock is */
	if (llabs(inc->board_offset) < 1000)
		snprintf(off, sizeof off, "%lld ms %s",
		    llabs(inc->board_offset), inc->board_offset < 0 ?
		    "behind" : "ahead of");
	else
		snprintf(off, sizeof off, "%.1f s %s",
		    (double)llabs(inc->board_offset) / 1000,
		    inc->board_offset < 0 ? "behind" : "ahead of");
	if (!db_press_trusted(inc)) {
		printf("  pressed:   %s by the board's clock, %s the hub's: "
		    "not trusted, times count from the reception\n", a, off);
		return;
	}
	printf("  pressed:   %s (board clock %s the hub's); reached the "
	    "hub %s later\n", a, off, clock_fmt_duration(inc->received >
	    inc->pressed ? inc->received - inc->pressed : 0, d, sizeof d));
}

static void
tl_header(const struct timeline *t)
{
	const struct db_incident *inc = t->inc;
	const struct hub_conf *c = t->x->conf;
	int k = conf_counter_find(c, inc->counter);
	char a[40], d[32];

	printf("incident %lld: %s (%s), %s, %s\n", (long long)inc->id,
	    ctl_counter_label(t->x, inc->counter), inc->counter, inc->kind,
	    inc->state);
	if (k >= 0)
		printf("  where:     %s%s%s (zone %s%s%s)\n", c->counters[k].floor,
		    c->counters[k].floor[0] && c->counters[k].location[0] ?
		    ", " : "", c->counters[k].location,
		    c->zones[c->counters[k].zone].id,
		    c->zones[c->counters[k].zone].name[0] ? ", " : "",
		    c->zones[c->counters[k].zone].name);
	else
		printf("  where:     counter not in %s\n", t->x->conf_path);
	tl_press_line(inc);
	printf("  received:  %s (%s)\n", period_fmt(inc->received, 1, a,
	    sizeof a), c->timezone);
	if (inc->acked)
		printf("  response:  acknowledged after %s by %s (%s)%s\n",
		    clock_fmt_duration(inc->acked - db_timed_from(inc), d, sizeof d),
		    inc->first_ack, ctl_person_name(t->x, inc->first_ack),
		    db_press_trusted(inc) ? ", from the press" :
		    ", from the hub's reception");
	else
		printf("  response:  not acknowledged\n");
	/* the step it ended at may be 1 again after a new round: say the
	 * highest anyone was paged at, and how many rounds there were */
	printf("  needed:    %d responder%s; reached step %d%s", inc->needed,
	    inc->needed == 1 ? "" : "s", t->max_step > inc->step ?
	    t->max_step : inc->step, inc->round ? "" : "\n");
	if (inc->round)
		printf(", in %d rounds of the ladder\n", inc->round + 1);
	if (inc->resolved) {
		char r[40];

		printf("  resolved:  %s, %s after the press, by %s%s%s%s\n",
		    period_fmt(inc->resolved, 0, r, sizeof r),
		    clock_fmt_duration(inc->resolved - db_timed_from(inc), d,
		    sizeof d), inc->resolved_by[0] ? inc->resolved_by :
		    "the counter (or not recorded)", inc->resolved_by[0] ?
		    " (" : "", inc->resolved_by[0] ?
		    ctl_person_name(t->x, inc->resolved_by) : "",
		    inc->resolved_by[0] ? ")" : "");
	}
	printf("  category:  %s\n", inc->category[0] ? inc->category : "-");
	printf("  note:      %s\n", inc->note[0] ? inc->note : "-");
	putchar('\n');
}

static const struct tab_col tl_cols[] = {
	{ "time", "at", 0, 0, 0 },
	{ "what", "what", 0, 0, 0 },
	{ "who", "who", 0, 0, 0 },
	{ "", "detail", 0, 0, 0 },
};

static int
tl_print(const struct timeline *t)
{
	struct tab *tb = tab_new(tl_cols, 4);
	struct jdoc *d = NULL, *o;
	const struct db_incident *inc = t->inc;
	int rc = -1;

	if (!tb)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		if (tab_row(tb) < 0)
			goto out;
		tab_time_ms(tb, 0, t->e[i].at);
		tab_str(tb, 1, t->e[i].what);
		if (t->e[i].who[0])
			tab_str(tb, 2, t->e[i].who);
		else
			tab_null_text(tb, 2, "");
		tab_str(tb, 3, t->e[i].detail);
	}
	if (t->x->fmt == CTL_CSV) {
		rc = tab_csv(tb, stdout, t->x->bom);	/* the timeline's rows */
		goto out;
	}
	if (t->x->fmt != CTL_JSON) {
		tl_header(t);
		rc = tab_print(tb, stdout);
		goto out;
	}
	d = jdoc_new();
	o = jdoc_obj(d, "incident");
	jdoc_int(o, "id", inc->id);
	jdoc_str(o, "counter", inc->counter);
	jdoc_str(o, "label", ctl_counter_label(t->x, inc->counter));
	jdoc_str(o, "kind", inc->kind);
	jdoc_str(o, "state", inc->state);
	jdoc_int(o, "step", inc->step);
	jdoc_int(o, "needed", inc->needed);
	jdoc_str(o, "category", inc->category[0] ? inc->category : NULL);
	jdoc_str(o, "note", inc->note[0] ? inc->note : NULL);
	jdoc_str(o, "event", inc->event);
	jdoc_time(o, "pressed_at", inc->pressed);
	jdoc_time(o, "received_at", inc->received);
	jdoc_time(o, "acked_at", inc->acked);
	jdoc_str(o, "acknowledged_by", inc->first_ack[0] ? inc->first_ack :
	    NULL);
	jdoc_time(o, "on_scene_at", inc->on_scene);
	jdoc_time(o, "resolved_at", inc->resolved);
	jdoc_str(o, "resolved_by", inc->resolved_by[0] ? inc->resolved_by :
	    NULL);
	jdoc_time(o, "closed_at", inc->closed);
	jdoc_ms(o, "response_ms", inc->acked != 0, inc->acked - db_timed_from(inc));
	jdoc_bool(o, "timed_from_press", db_press_trusted(inc));
	jdoc_ms(o, "board_clock_offset_ms", inc->board_offset_known,
	    inc->board_offset);
	jdoc_ms(o, "press_to_hub_ms", db_press_trusted(inc),
	    inc->received > inc->pressed ? inc->received - inc->pressed : 0);
	jdoc_str(d, "timezone", t->x->conf->timezone);
	jdoc_rows(d, "timeline", tb);
	rc = jdoc_print(d, stdout);
out:
	jdoc_free(d);
	tab_free(tb);
	return rc;
}

/* No row for id: say whether the hub ever handed it out. A hub reserves
 * ids in blocks ahead of use (so that an id published before a crash is
 * never given again); a hub that stops without a clean shutdown leaves the
 * rest of its block unused, and the next one starts after it. */
static void
incident_missing(struct ctl *x, int64_t id)
{
	const char *path = x->db_path ? x->db_path : x->conf->database;
	int64_t stored, reserved;

	if (db_incident_ids(x->db, &stored, &reserved) < 0)
		ctl_err(x, "no incident %lld in %s", (long long)id, path);
	else if (id < stored)
		ctl_err(x, "no incident %lld in %s: that id was never used (a"
		    " hub that stopped without a clean shutdown skips the rest"
		    " of the ids it had reserved; docs/HUB.md, incident ids)",
		    (long long)id, path);
	else if (id <= reserved)
		ctl_err(x, "no incident %lld in %s: not used yet, or skipped"
		    " (the last incident is %lld; a hub that stopped without a"
		    " clean shutdown skips the rest of the ids it had reserved;"
		    " docs/HUB.md, incident ids)", (long long)id, path,
		    (long long)stored);
	else
		ctl_err(x, "no incident %lld in %s: the last incident is %lld",
		    (long long)id, path, (long long)stored);
}

int
cmd_incident(int argc, char **argv)
{
	static const struct option longopts[] = {
		CTL_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct db_incident inc;
	struct timeline t = { 0 };
	struct ctl x;
	long long id;
	char *end;
	int ch, rc = CTL_FAIL, found;

	ctl_init(&x, "incident");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (!ctl_option(&x, ch, optarg)) {
			fputs(INCIDENT_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(INCIDENT_USAGE, stderr);
		return CTL_USAGE;
	}
	id = strtoll(argv[optind], &end, 10);
	if (*end || end == argv[optind] || id <= 0) {
		ctl_err(&x, "\"%s\" is not an incident id (a number)",
		    argv[optind]);
		return CTL_USAGE;
	}
	if (ctl_open(&x, 1) < 0)
		goto out;
	if ((found = db_incident_get(x.db, id, &inc)) <= 0) {
		if (found < 0)
			ctl_err(&x, "database: %s", db_errmsg(x.db));
		else
			incident_missing(&x, id);
		goto out;
	}
	t.x = &x;
	t.inc = &inc;
	if (tl_collect(&t, x.db) < 0) {
		ctl_err(&x, "database: %s", t.oom ? "out of memory" :
		    db_errmsg(x.db));
		goto out;
	}
	rc = tl_print(&t) < 0 ? CTL_FAIL : CTL_OK;
out:
	free(t.e);
	ctl_close(&x);
	return rc;
}
