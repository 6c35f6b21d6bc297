/* cmd_report.c: `panicctl report` — how fast help comes, grouped by
 * counter, zone, first acknowledger, shift, weekday, hour or category:
 * counts, time to the first acknowledgement and to on scene (median, 90th
 * percentile, maximum), escalations, breaches of targets, incidents still
 * open. SQL selects and joins the rows in one pass; grouping by the
 * config (zones, shifts) and local time happens here, and the order
 * statistics come from each group's sorted durations. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "panicctl.h"
#include "period.h"
#include "stats.h"
#include "table.h"

#define REPORT_USAGE \
	"usage: panicctl report [-c HUBCONF] [--db FILE]\n" \
	"           [--from WHEN] [--to WHEN] [--last 30d|12w|6m|1y]\n" \
	"           [--by counter|zone|person|shift|weekday|hour|category]\n" \
	"           [--ack-target 60s] [--scene-target 3m] [--drills]\n" \
	"           [--csv [--bom] | --json]\n"

enum report_by {
	BY_COUNTER, BY_ZONE, BY_PERSON, BY_SHIFT, BY_WEEKDAY, BY_HOUR,
	BY_CATEGORY, BY_COUNT
};

static const char *const report_by_names[BY_COUNT] = {
	"counter", "zone", "person", "shift", "weekday", "hour", "category"
};

/* Groups known in advance (from the config, or the clock) sit at their
 * index; others (a counter no longer configured) are added at the end. */
#define REPORT_FIXED_MAX	CONF_COUNTERS_MAX
/* Open addressing over the configured counters, at most half full. */
#define REPORT_HASH_SLOTS	(4 * CONF_COUNTERS_MAX)

struct report_group {
	char key[96];
	char name[PROTO_TEXT_MAX];
	int rank;			/* sort order; ties by key */
	int64_t count, acked, escalated, ack_breach, scene_breach, open;
	struct stats ack, scene;	/* ms from reception */
	int64_t paged, declined, missed;	/* by person: their pages */
	int64_t from_press;		/* timed from a trusted press */
	struct stats tohub;		/* press to reception, when trusted */
	struct stats full;		/* to as many acks as were needed */
	int64_t resolved;		/* by person: calls they resolved */
};

struct report {
	struct ctl x;
	enum report_by by;
	struct period period;
	int64_t ack_target, scene_target;
	int drills;
	int64_t drills_out;
	struct report_group *fixed[REPORT_FIXED_MAX];
	struct report_group **groups;	/* every group, fixed ones too */
	size_t ngroups, cap;
	struct report_group total;
	char ack_title[32], scene_title[32];
	short counter_slot[REPORT_HASH_SLOTS];	/* counter index + 1; 0 empty */
};

static struct report_group *
report_group_new(struct report *r, const char *key, const char *name,
    int rank)
{
	struct report_group *g;

	if (r->ngroups == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct report_group **n = realloc(r->groups, cap * sizeof *n);

		if (!n)
			return NULL;
		r->groups = n;
		r->cap = cap;
	}
	if (!(g = calloc(1, sizeof *g)))
		return NULL;
	snprintf(g->key, sizeof g->key, "%s", key);
	snprintf(g->name, sizeof g->name, "%s", name ? name : "");
	g->rank = rank;
	r->groups[r->ngroups++] = g;
	return g;
}

/* The group at a fixed index, or the one with key among the others (made
 * on first use, ranked after the fixed ones). NULL if out of memory. */
static struct report_group *
report_group(struct report *r, int idx, const char *key, const char *name,
    int rank)
{
	if (idx >= 0 && idx < REPORT_FIXED_MAX) {
		if (!r->fixed[idx])
			r->fixed[idx] = report_group_new(r, key, name, rank);
		return r->fixed[idx];
	}
	for (size_t i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i]->key, key) == 0)
			return r->groups[i];
	return report_group_new(r, key, name, rank);
}

/* "mon-fri", "sat", "mon,wed,fri" for a shift's days. */
static void
report_days(unsigned days, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	/* Monday first; a run of three or more days is written a-b */
	for (int i = 0; i < 7;) {
		int d = (i + 1) % 7, j = i;

		if (!(days & (1u << d))) {
			i++;
			continue;
		}
		while (j + 1 < 7 && (days & (1u << ((j + 2) % 7))))
			j++;
		if (j - i >= 2)
			len += (size_t)snprintf(buf + len, size - len, "%s%s-%s",
			    len ? "," : "", conf_day_name(d),
			    conf_day_name((j + 1) % 7));
		else
			for (int k = i; k <= j && len < size; k++)
				len += (size_t)snprintf(buf + len, size - len,
				    "%s%s", len ? "," : "",
				    conf_day_name((k + 1) % 7));
		if (len >= size)
			return;
		i = j + 1;
	}
}

static void
report_shift_key(const struct hub_conf *c, int i, char *buf, size_t size)
{
	const struct conf_shift *s = &c->shifts[i];
	char days[64];

	report_days(s->days, days, sizeof days);
	snprintf(buf, size, "%s %s %02d:%02d-%02d:%02d", c->zones[s->zone].id,
	    days, s->from_min / 60, s->from_min % 60, s->to_min / 60,
	    s->to_min % 60);
}

/* Rows known before any incident: every counter, zone, shift, weekday
 * and hour appears, with zeros if nothing happened there. */
static int
report_fixed(struct report *r)
{
	const struct hub_conf *c = r->x.conf;
	char key[96], name[64];
	unsigned n = 0;

	switch (r->by) {
	case BY_COUNTER:
		n = c->ncounters;
		break;
	case BY_ZONE:
		n = c->nzones;
		break;
	case BY_SHIFT:
		n = c->nshifts;
		break;
	case BY_WEEKDAY:
		n = 7;
		break;
	case BY_HOUR:
		n = 24;
		break;
	default:
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *k = key, *nm = name;

		switch (r->by) {
		case BY_COUNTER:
			k = c->counters[i].id;
			nm = c->counters[i].label;
			break;
		case BY_ZONE:
			k = c->zones[i].id;
			nm = c->zones[i].name;
			break;
		case BY_SHIFT:
			report_shift_key(c, (int)i, key, sizeof key);
			nm = c->people[c->shifts[i].supervisor].name;
			break;
		case BY_WEEKDAY:
			k = period_day_name(((int)i + 1) % 7);
			nm = "";
			break;
		default:
			snprintf(key, sizeof key, "%02u", i);
			snprintf(name, sizeof name, "%02u:00–%02u:00", i,
			    (i + 1) % 24);
			break;
		}
		/* shifts rank 2i: a stand-in's row follows at 2i + 1 */
		if (!report_group(r, (int)i, k, nm, r->by == BY_SHIFT ?
		    2 * (int)i : (int)i))
			return -1;
	}
	return 0;
}

static unsigned
report_hash(const char *s)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % REPORT_HASH_SLOTS;
}

/* Index the configured counters: a year's report looks one up a million
 * times, and conf_counter_find compares them one by one. */
static void
report_counters_index(struct report *r)
{
	const struct hub_conf *c = r->x.conf;

	for (unsigned k = 0; k < c->ncounters; k++) {
		unsigned h = report_hash(c->counters[k].id);

		while (r->counter_slot[h])
			h = (h + 1) % REPORT_HASH_SLOTS;
		r->counter_slot[h] = (short)(k + 1);
	}
}

/* conf_counter_find through the index: the counter's index or -1. */
static int
report_counter_find(const struct report *r, const char *id)
{
	const struct hub_conf *c = r->x.conf;

	for (unsigned h = report_hash(id); r->counter_slot[h];
	    h = (h + 1) % REPORT_HASH_SLOTS) {
		int k = r->counter_slot[h] - 1;

		if (strcmp(c->counters[k].id, id) == 0)
			return k;
	}
	return -1;
}

/* A shift's row credits whom the rules paged as its supervisor: the one
 * on the roster, or a stand-in for an absence (a row of their own, after
 * the shift's), or nobody when the absence left the slot empty. */
static struct report_group *
report_shift_group(struct report *r, const struct rules_cover *cov)
{
	const struct hub_conf *c = r->x.conf;
	int rostered = c->shifts[cov->shift].supervisor;
	char key[128], name[PROTO_TEXT_MAX];

	if (cov->supervisor == rostered)
		return r->fixed[cov->shift];
	report_shift_key(c, cov->shift, key, sizeof key);
	if (cov->supervisor >= 0) {
		snprintf(key + strlen(key), sizeof key - strlen(key), " %s",
		    c->people[cov->supervisor].id);
		snprintf(name, sizeof name, "%.100s, for %.100s",
		    c->people[cov->supervisor].name, c->people[rostered].name);
	} else {
		snprintf(key + strlen(key), sizeof key - strlen(key), " -");
		snprintf(name, sizeof name, "nobody, for %.100s (absent)",
		    c->people[rostered].name);
	}
	return report_group(r, -1, key, name, 2 * cov->shift + 1);
}

/* The group an incident belongs to; NULL if out of memory. */
static struct report_group *
report_group_of(struct report *r, const struct db_incident *inc)
{
	const struct hub_conf *c = r->x.conf;
	int k = report_counter_find(r, inc->counter), zone = k >= 0 ?
	    c->counters[k].zone : -1;
	struct period_local l;
	struct rules_when w;
	struct rules_cover cov;
	enum proto_category cat;

	switch (r->by) {
	case BY_COUNTER:
		return report_group(r, k, inc->counter, inc->counter, 1000);
	case BY_ZONE:
		return zone >= 0 ? r->fixed[zone] : report_group(r, -1, "-",
		    "(counter not in the config)", 1000);
	case BY_PERSON:
		if (!inc->first_ack[0])
			return report_group(r, -1, "-", "(not acknowledged)",
			    2000);
		k = conf_person_find(c, inc->first_ack);
		return report_group(r, k, inc->first_ack, k >= 0 ?
		    c->people[k].name : "", k >= 0 ? k : 1000);
	case BY_SHIFT:
		if (zone < 0)
			return report_group(r, -1, "-",
			    "(counter not in the config)", 2000);
		if (rules_when_at(c->timezone, inc->received, &w) < 0)
			return report_group(r, -1, "?", "(time unknown)", 2000);
		rules_cover(c, zone, &w, &cov);
		if (cov.shift < 0)
			return report_group(r, -1, "-", "(no shift in force)",
			    1000);
		return report_shift_group(r, &cov);
	case BY_WEEKDAY:
	case BY_HOUR:
		if (period_local(inc->received, &l) < 0)
			return report_group(r, -1, "?", "(time unknown)", 2000);
		return r->fixed[r->by == BY_HOUR ? l.hour : (l.wday + 6) % 7];
	case BY_CATEGORY:
		if (!inc->category[0] || proto_category_parse(inc->category,
		    strlen(inc->category), &cat) < 0)
			return report_group(r, -1, inc->category[0] ?
			    inc->category : "none", "", PROTO_CAT_COUNT);
		return report_group(r, (int)cat, inc->category, "", (int)cat);
	case BY_COUNT:
		break;
	}
	return NULL;
}

/* Times count from the press where the board's clock can be trusted
 * (the wait a clerk had during an outage is part of it), else from the
 * hub's reception. */
static int
report_add(struct report_group *g, const struct report *r,
    const struct db_incident *inc)
{
	int trusted = db_press_trusted(inc);
	int64_t start = db_timed_from(inc);
	int64_t ack_end = inc->acked ? inc->acked :
	    inc->closed ? inc->closed : r->x.now_ms;
	int64_t scene_end = inc->on_scene ? inc->on_scene :
	    inc->closed ? inc->closed : r->x.now_ms;

	g->count++;
	g->escalated += inc->escalated;
	g->open += inc->closed == 0;
	if (trusted) {
		g->from_press++;
		if (stats_add(&g->tohub, inc->received > inc->pressed ?
		    inc->received - inc->pressed : 0) < 0)
			return -1;
	}
	/* not acknowledged (on scene) within the target: late, or never
	 * while the incident stayed open longer than the target */
	g->ack_breach += ack_end - start > r->ack_target;
	g->scene_breach += scene_end - start > r->scene_target;
	if (inc->acked) {
		g->acked++;
		if (stats_add(&g->ack, inc->acked - start) < 0)
			return -1;
	}
	if (inc->on_scene && stats_add(&g->scene, inc->on_scene - start) < 0)
		return -1;
	if (inc->full_at && stats_add(&g->full, inc->full_at - start) < 0)
		return -1;
	return 0;
}

/* By person: what became of their pages, on their row (made if they
 * were paged but never acknowledged first). The total sums them. */
static int
report_person_pages(void *arg, const struct db_person_pages *pp)
{
	struct report *r = arg;
	int k = conf_person_find(r->x.conf, pp->person);
	struct report_group *g = report_group(r, k, pp->person, k >= 0 ?
	    r->x.conf->people[k].name : "", k >= 0 ? k : 1000);

	if (!g) {
		ctl_err(&r->x, "out of memory");
		return -1;
	}
	g->paged = pp->paged;
	g->declined = pp->declined;
	g->missed = pp->missed;
	r->total.paged += pp->paged;
	r->total.declined += pp->declined;
	r->total.missed += pp->missed;
	return 0;
}

/* By person: whoever resolved the call gets it counted on their row. */
static int
report_resolver(struct report *r, const struct db_incident *inc)
{
	struct report_group *g;
	int k;

	if (r->by != BY_PERSON || !inc->resolved_by[0])
		return 0;
	k = conf_person_find(r->x.conf, inc->resolved_by);
	if (!(g = report_group(r, k, inc->resolved_by, k >= 0 ?
	    r->x.conf->people[k].name : "", k >= 0 ? k : 1000)))
		return -1;
	g->resolved++;
	r->total.resolved++;
	return 0;
}

static int
report_row(void *arg, const struct db_incident *inc)
{
	struct report *r = arg;
	struct report_group *g;

	if (!r->drills && (strcmp(inc->kind, "test") == 0 ||
	    strcmp(inc->category, "drill") == 0)) {
		r->drills_out++;
		return 0;
	}
	if (!(g = report_group_of(r, inc)) || report_add(g, r, inc) < 0 ||
	    report_add(&r->total, r, inc) < 0 ||
	    report_resolver(r, inc) < 0) {
		ctl_err(&r->x, "out of memory");
		return -1;
	}
	return 0;
}

static int
report_cmp(const void *a, const void *b)
{
	const struct report_group *x = *(struct report_group *const *)a;
	const struct report_group *y = *(struct report_group *const *)b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->key, y->key);
}

enum {
	RC_KEY, RC_NAME, RC_COUNT, RC_ACKED, RC_ACK_MED, RC_ACK_P90,
	RC_ACK_MAX, RC_SCENE_MED, RC_SCENE_P90, RC_SCENE_MAX, RC_ESC,
	RC_ACK_BREACH, RC_SCENE_BREACH, RC_OPEN,
	RC_PAGED, RC_DECLINED, RC_MISSED, RC_RESOLVED,	/* by person only */
	RC_TOHUB_MED, RC_TOHUB_MAX, RC_FULL_MED, RC_FULL_MAX,
	RC_COUNT_COLS
};

static void
report_cells(struct tab *t, struct report_group *g, int named, int pages,
    int full)
{
	unsigned o = named ? 0 : 1;	/* columns shift left without names */
	struct stats *s[2] = { &g->ack, &g->scene };
	int64_t v;

	tab_str(t, RC_KEY, g->key);
	if (named)
		tab_str(t, RC_NAME, g->name);
	tab_int(t, RC_COUNT - o, g->count);
	tab_int(t, RC_ACKED - o, g->acked);
	for (int i = 0; i < 2; i++) {
		unsigned c = (i ? RC_SCENE_MED : RC_ACK_MED) - o;

		stats_sort(s[i]);
		if (stats_median(s[i], &v) == 0)
			tab_ms(t, c, v);
		if (stats_percentile(s[i], 90, &v) == 0)
			tab_ms(t, c + 1, v);
		if (stats_max(s[i], &v) == 0)
			tab_ms(t, c + 2, v);
	}
	tab_int(t, RC_ESC - o, g->escalated);
	tab_int(t, RC_ACK_BREACH - o, g->ack_breach);
	tab_int(t, RC_SCENE_BREACH - o, g->scene_breach);
	tab_int(t, RC_OPEN - o, g->open);
	if (pages) {
		tab_int(t, RC_PAGED - o, g->paged);
		tab_int(t, RC_DECLINED - o, g->declined);
		tab_int(t, RC_MISSED - o, g->missed);
		tab_int(t, RC_RESOLVED - o, g->resolved);
	} else {
		o += RC_TOHUB_MED - RC_PAGED;	/* those four are left out */
	}
	stats_sort(&g->tohub);
	if (stats_median(&g->tohub, &v) == 0)
		tab_ms(t, RC_TOHUB_MED - o, v);
	if (stats_max(&g->tohub, &v) == 0)
		tab_ms(t, RC_TOHUB_MAX - o, v);
	/* the full response: in exports only, the terminal is wide enough */
	if (!full)
		return;
	stats_sort(&g->full);
	if (stats_median(&g->full, &v) == 0)
		tab_ms(t, RC_FULL_MED - o, v);
	if (stats_max(&g->full, &v) == 0)
		tab_ms(t, RC_FULL_MAX - o, v);
}

/* "60s", "3m", "1m30s", "500ms": a target as its option would say it. */
static void
report_target_text(int64_t ms, char *buf, size_t size)
{
	if (ms % 60000 == 0)
		snprintf(buf, size, "%lldm", (long long)(ms / 60000));
	else if (ms % 1000 == 0 && ms < 60000)
		snprintf(buf, size, "%llds", (long long)(ms / 1000));
	else if (ms % 1000 == 0)
		snprintf(buf, size, "%lldm%02llds", (long long)(ms / 60000),
		    (long long)(ms / 1000 % 60));
	else
		snprintf(buf, size, "%lldms", (long long)ms);
}

/* By hour, the quiet hours before the first and after the last hour
 * with an incident are left out (the night, mostly); the ones between
 * stay, zeros and all. Groups are sorted. */
static int
report_hidden(const struct report *r, size_t i)
{
	size_t first = r->ngroups, last = 0;

	if (r->by != BY_HOUR)
		return 0;
	for (size_t k = 0; k < r->ngroups; k++) {
		if (r->groups[k]->count) {
			if (first == r->ngroups)
				first = k;
			last = k;
		}
	}
	return first == r->ngroups || i < first || i > last;
}

static struct tab *
report_table(struct report *r, struct tab_col *cols, int named)
{
	struct tab_col all[RC_COUNT_COLS] = {
		{ report_by_names[r->by], report_by_names[r->by], 0, 32, 0 },
		{ "", "name", 0, 24, 0 },
		{ "incidents", "incidents", 1, 0, 0 },
		{ "acked", "acked", 1, 0, 0 },
		{ "ack med", "ack_median", 1, 0, 1 },
		{ "ack p90", "ack_p90", 1, 0, 1 },
		{ "ack max", "ack_max", 1, 0, 1 },
		{ "scene med", "scene_median", 1, 0, 1 },
		{ "scene p90", "scene_p90", 1, 0, 1 },
		{ "scene max", "scene_max", 1, 0, 1 },
		{ "step 2+", "step2_plus", 1, 0, 0 },
		{ r->ack_title, "ack_breaches", 1, 0, 0 },
		{ r->scene_title, "scene_breaches", 1, 0, 0 },
		{ "open", "open", 1, 0, 0 },
		{ "paged", "paged", 1, 0, 0 },
		{ "declined", "declined", 1, 0, 0 },
		{ "missed", "missed", 1, 0, 0 },
		{ "resolved", "resolved", 1, 0, 0 },
		{ "to hub med", "to_hub_median", 1, 0, 1 },
		{ "to hub max", "to_hub_max", 1, 0, 1 },
		{ "full med", "full_median", 1, 0, 1 },
		{ "full max", "full_max", 1, 0, 1 },
	};
	int pages = r->by == BY_PERSON;
	unsigned n = 0;
	struct tab *t;

	for (unsigned i = 0; i < RC_COUNT_COLS; i++)
		if ((i != RC_NAME || named) && (i < RC_PAGED ||
		    i >= RC_TOHUB_MED || pages) &&
		    (i < RC_FULL_MED || r->x.fmt != CTL_TEXT))
			cols[n++] = all[i];
	if (!(t = tab_new(cols, n)))
		return NULL;
	qsort(r->groups, r->ngroups, sizeof *r->groups, report_cmp);
	for (size_t i = 0; i < r->ngroups; i++) {
		if (report_hidden(r, i))
			continue;
		if (tab_row(t) < 0)
			break;
		report_cells(t, r->groups[i], named, pages,
		    r->x.fmt != CTL_TEXT);
	}
	snprintf(r->total.key, sizeof r->total.key, "all");
	if (tab_row(t) == 0) {
		report_cells(t, &r->total, named, pages, r->x.fmt != CTL_TEXT);
		tab_total(t);
	}
	return t;
}

static int
report_json(struct report *r, const struct tab *t)
{
	struct jdoc *d = jdoc_new();
	int rc;

	jdoc_str(d, "site", r->x.conf->site);
	jdoc_str(d, "timezone", r->x.conf->timezone);
	jdoc_time(d, "from", r->period.from_ms);
	jdoc_time(d, "to", r->period.to_ms);
	jdoc_str(d, "by", report_by_names[r->by]);
	jdoc_bool(d, "drills_included", r->drills);
	jdoc_int(d, "drills_left_out", r->drills_out);
	jdoc_int(d, "ack_target_ms", r->ack_target);
	jdoc_int(d, "scene_target_ms", r->scene_target);
	jdoc_int(d, "clock_trust_ms", DB_CLOCK_TRUST_MS);
	jdoc_int(d, "timed_from_press", r->total.from_press);
	jdoc_rows(d, "rows", t);
	jdoc_total(d, "total", t);
	rc = jdoc_print(d, stdout);
	jdoc_free(d);
	return rc;
}

static int
report_print(struct report *r)
{
	struct tab_col cols[RC_COUNT_COLS];
	int named = r->by != BY_WEEKDAY && r->by != BY_CATEGORY;
	struct tab *t = report_table(r, cols, named);
	char a[32], s[32];
	int rc;

	if (!t)
		return -1;
	if (r->x.fmt == CTL_JSON) {
		rc = report_json(r, t);
	} else if (r->x.fmt == CTL_CSV) {
		rc = tab_csv(t, stdout, r->x.bom);
	} else {
		report_target_text(r->ack_target, a, sizeof a);
		report_target_text(r->scene_target, s, sizeof s);
		printf("report by %s, %s (%s)\n", report_by_names[r->by],
		    r->period.text, r->x.conf->timezone);
		printf("targets: acknowledged within %s, on scene within %s\n",
		    a, s);
		printf("times from the press where the board's clock was within "
		    "%d s of the hub's (%lld of %lld incidents), else from the "
		    "hub's reception\n", DB_CLOCK_TRUST_MS / 1000,
		    (long long)r->total.from_press, (long long)r->total.count);
		if (r->drills)
			printf("drills included\n");
		else
			printf("drills left out: %lld (--drills to include "
			    "them)\n", (long long)r->drills_out);
		putchar('\n');
		rc = tab_print(t, stdout);
		if (r->total.count == 0)
			printf("\nno incidents in this period\n");
	}
	tab_free(t);
	return rc;
}

static void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->ngroups; i++) {
		stats_free(&r->groups[i]->ack);
		stats_free(&r->groups[i]->scene);
		stats_free(&r->groups[i]->tohub);
		stats_free(&r->groups[i]->full);
		free(r->groups[i]);
	}
	free(r->groups);
	stats_free(&r->total.ack);
	stats_free(&r->total.scene);
	stats_free(&r->total.tohub);
	stats_free(&r->total.full);
}

/* A db_ read's outcome: 0 read, -1 (said why) a database error, else a
 * callback's own error (already said). Returns 0 or -1. */
static int
report_read(struct report *r, int rc)
{
	if (rc == -1)
		ctl_err(&r->x, "database: %s", db_errmsg(r->x.db));
	return rc == 0 ? 0 : -1;
}

static int
report_by_parse(const char *s)
{
	for (int i = 0; i < BY_COUNT; i++)
		if (strcmp(s, report_by_names[i]) == 0)
			return i;
	return -1;
}

int
cmd_report(int argc, char **argv)
{
	enum { O_FROM = CTL_OPT_NEXT, O_TO, O_LAST, O_BY, O_ACK, O_SCENE,
	    O_DRILLS };
	static const struct option longopts[] = {
		CTL_LONGOPTS,
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "last", required_argument, NULL, O_LAST },
		{ "by", required_argument, NULL, O_BY },
		{ "ack-target", required_argument, NULL, O_ACK },
		{ "scene-target", required_argument, NULL, O_SCENE },
		{ "drills", no_argument, NULL, O_DRILLS },
		{ NULL, 0, NULL, 0 }
	};
	struct report r;
	const char *from = NULL, *to = NULL, *last = NULL;
	struct db_filter f = { .drills = 1, .brief = 1 };
	char err[256], tt[20];
	int ch, rc = CTL_FAIL, by;

	memset(&r, 0, sizeof r);
	ctl_init(&r.x, "report");
	r.by = BY_COUNTER;
	r.ack_target = 60000;
	r.scene_target = 180000;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ctl_option(&r.x, ch, optarg))
			continue;
		switch (ch) {
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_LAST: last = optarg; break;
		case O_DRILLS: r.drills = 1; break;
		case O_BY:
			if ((by = report_by_parse(optarg)) < 0) {
				ctl_err(&r.x, "--by: \"%s\" is not one of "
				    "counter, zone, person, shift, weekday, "
				    "hour, category", optarg);
				return CTL_USAGE;
			}
			r.by = (enum report_by)by;
			break;
		case O_ACK:
		case O_SCENE:
			if (period_parse_duration(optarg, ch == O_ACK ?
			    &r.ack_target : &r.scene_target) < 0) {
				ctl_err(&r.x, "%s: \"%s\" is not a duration such "
				    "as 60s, 3m or 1m30s", ch == O_ACK ?
				    "--ack-target" : "--scene-target", optarg);
				return CTL_USAGE;
			}
			break;
		default:
			fputs(REPORT_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fputs(REPORT_USAGE, stderr);
		return CTL_USAGE;
	}
	report_target_text(r.ack_target, tt, sizeof tt);
	snprintf(r.ack_title, sizeof r.ack_title, "ack >%s", tt);
	report_target_text(r.scene_target, tt, sizeof tt);
	snprintf(r.scene_title, sizeof r.scene_title, "scene >%s", tt);
	if (ctl_open(&r.x, 1) < 0)
		goto out;
	/* the period is read in the site's zone, so only after the config */
	if (period_resolve(from, to, last, "30d", r.x.now_ms, &r.period, err,
	    sizeof err) < 0) {
		ctl_err(&r.x, "%s", err);
		rc = CTL_USAGE;
		goto out;
	}
	f.from_ms = r.period.from_ms;
	f.to_ms = r.period.to_ms;
	report_counters_index(&r);
	if (report_fixed(&r) < 0) {
		ctl_err(&r.x, "out of memory");
		goto out;
	}
	f.drills = r.drills;	/* report_row counts those left out */
	if (report_read(&r, r.by == BY_PERSON ? db_person_pages(r.x.db, &f,
	    report_person_pages, &r) : 0) < 0)
		goto out;
	f.drills = 1;
	if (report_read(&r, db_incidents(r.x.db, &f, report_row, &r)) < 0)
		goto out;
	rc = report_print(&r) < 0 ? CTL_FAIL : CTL_OK;
out:
	report_free(&r);
	ctl_close(&r.x);
	return rc;
}
