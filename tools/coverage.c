/* coverage.c: who is paged at step 1, across a week; see coverage.h. */
#include "coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "period.h"

/* The kinds whose step 1 must reach the rostered people. Drills (test)
 * are left out: a drill paging only the fallback harms nobody. */
static const enum proto_kind cov_kinds[] = {
	PROTO_KIND_HELP, PROTO_KIND_EMERGENCY
};
#define COV_NKINDS (sizeof cov_kinds / sizeof cov_kinds[0])

/* A typical week is checked on a real one whose Monday is this. */
#define COV_TYPICAL_MONDAY 20240101

int
coverage_date_add(int date, int days)
{
	struct tm tm = { .tm_year = date / 10000 - 1900,
	    .tm_mon = date / 100 % 100 - 1, .tm_mday = date % 100 + days,
	    .tm_hour = 12 };

	if (timegm(&tm) == (time_t)-1)
		return -1;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* Monday-based day index (0 = Monday) of a wday bit number. */
static int
cov_mday(int wday)
{
	return (wday + 6) % 7;
}

static int
cov_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Every minute of the week where coverage may change: midnights, and the
 * edges of every shift and required hour. Returns the count, sorted and
 * unique, in cuts (room for 7 + 14 * (nshifts + nhours)). */
static unsigned
cov_cuts(const struct hub_conf *c, const struct cov_hours *hours,
    unsigned nhours, int *cuts)
{
	unsigned n = 0, u = 0;

	for (int d = 0; d < 7; d++)
		cuts[n++] = d * 1440;
	for (unsigned i = 0; i < c->nshifts + nhours; i++) {
		unsigned days = i < c->nshifts ? c->shifts[i].days :
		    hours[i - c->nshifts].days;
		int from = i < c->nshifts ? c->shifts[i].from_min :
		    hours[i - c->nshifts].from_min;
		int to = i < c->nshifts ? c->shifts[i].to_min :
		    hours[i - c->nshifts].to_min;

		for (int w = 0; w < 7; w++) {
			int base = cov_mday(w) * 1440;

			if (!(days & (1u << w)))
				continue;
			cuts[n++] = base + from;
			cuts[n++] = (base + to + (to <= from ? 1440 : 0)) %
			    COV_WEEK_MIN;
		}
	}
	qsort(cuts, n, sizeof *cuts, cov_cmp_int);
	for (unsigned i = 0; i < n; i++)
		if (cuts[i] < COV_WEEK_MIN && (u == 0 || cuts[i] != cuts[u - 1]))
			cuts[u++] = cuts[i];
	return u;
}

/* 1 if the moment w falls in one of the required hours (or none given). */
static int
cov_in_hours(const struct cov_hours *hours, unsigned nhours,
    const struct rules_when *w)
{
	if (!nhours)
		return 1;
	for (unsigned i = 0; i < nhours; i++) {
		const struct cov_hours *h = &hours[i];
		int crosses = h->to_min <= h->from_min;

		if ((h->days & (1u << w->wday)) && w->minute >= h->from_min &&
		    (crosses || w->minute < h->to_min))
			return 1;
		if (crosses && (h->days & (1u << w->prev_wday)) &&
		    w->minute < h->to_min)
			return 1;
	}
	return 0;
}

/* Why step (which named nobody) finds nobody in zone at w. plain is the
 * config without date exceptions, to tell a holiday from an empty slot. */
static void
cov_reason(const struct hub_conf *c, const struct hub_conf *plain, int zone,
    const struct conf_step *step, const struct rules_when *w, char *buf,
    size_t size)
{
	struct rules_cover cov, usual;
	int sup = 0, bak = 0;

	for (unsigned i = 0; i < step->ntargets; i++) {
		sup |= step->targets[i].type == CONF_TARGET_SUPERVISOR;
		bak |= step->targets[i].type == CONF_TARGET_BACKUP;
	}
	rules_cover(c, zone, w, &cov);
	if (cov.shift < 0) {
		rules_cover(plain, zone, w, &usual);
		snprintf(buf, size, "%s", usual.shift >= 0 && plain != c ?
		    "holiday" : "nobody on shift");
	} else if (sup && cov.supervisor < 0) {
		snprintf(buf, size, "%s absent, no replacement",
		    c->people[c->shifts[cov.shift].supervisor].id);
	} else if (bak && cov.backup < 0) {
		snprintf(buf, size, "%s on shift has no backup",
		    c->people[c->shifts[cov.shift].supervisor].id);
	} else {
		snprintf(buf, size, "the step names nobody");
	}
}

static int
cov_push(struct cov_result *r, const struct cov_gap *g)
{
	struct cov_gap *last = r->n ? &r->gaps[r->n - 1] : NULL;

	/* the piece before, same zone, same story: one longer gap */
	if (last && last->zone == g->zone && last->step == g->step &&
	    last->end == g->start &&
	    last->kinds == g->kinds && strcmp(last->reason, g->reason) == 0) {
		last->end = g->end;
		return 0;
	}
	if (r->n == r->cap) {
		unsigned cap = r->cap ? 2 * r->cap : 16;
		struct cov_gap *n = realloc(r->gaps, cap * sizeof *n);

		if (!n)
			return -1;
		r->gaps = n;
		r->cap = cap;
	}
	r->gaps[r->n++] = *g;
	return 0;
}

/* A typical week goes round: a gap from Sunday evening into Monday
 * morning is one gap, listed at its start. */
static void
cov_wrap(struct cov_result *r, unsigned first)
{
	struct cov_gap *a, *z;

	if (r->n - first < 2)
		return;
	a = &r->gaps[first];
	z = &r->gaps[r->n - 1];
	if (a->start != 0 || z->end != COV_WEEK_MIN || a->kinds != z->kinds ||
	    a->step != z->step ||
	    strcmp(a->reason, z->reason) != 0)
		return;
	z->end = COV_WEEK_MIN + a->end;
	memmove(a, a + 1, (r->n - first - 1) * sizeof *a);
	r->n--;
}

/* Step 1 always counts; a later step only if it names the supervisor or
 * backup (a role, team or person is no shift's doing). */
static int
cov_names_slot(const struct conf_step *step)
{
	for (unsigned i = 0; i < step->ntargets; i++)
		if (step->targets[i].type == CONF_TARGET_SUPERVISOR ||
		    step->targets[i].type == CONF_TARGET_BACKUP)
			return 1;
	return 0;
}

/* One zone, one step (0-based) of each policy, every piece of the week. */
static int
cov_zone(const struct hub_conf *c, const struct hub_conf *plain, int zone,
    int counter, unsigned step_i, int monday, const int *cuts,
    unsigned ncuts, const struct cov_hours *hours, unsigned nhours,
    struct cov_result *out)
{
	for (unsigned i = 0; i < ncuts; i++) {
		struct cov_gap g = { .zone = zone, .step = step_i + 1,
		    .start = cuts[i],
		    .end = i + 1 < ncuts ? cuts[i + 1] : COV_WEEK_MIN };
		const struct conf_step *first = NULL;
		struct rules_when w;
		struct rules_people people;

		if (rules_when_local(coverage_date_add(monday, cuts[i] / 1440),
		    cuts[i] % 1440, &w) < 0)
			return -1;
		if (!cov_in_hours(hours, nhours, &w))
			continue;
		for (size_t k = 0; k < COV_NKINDS; k++) {
			const struct conf_policy *pol =
			    conf_policy_for(c, cov_kinds[k]);
			const struct conf_step *step = &pol->steps[step_i];

			if (step_i >= pol->nsteps ||
			    (step_i > 0 && !cov_names_slot(step)))
				continue;
			/* a later step matters where step 1 reached someone:
			 * elsewhere the gap is step 1's, told already */
			if (step_i > 0) {
				rules_targets(c, counter, &pol->steps[0], &w,
				    &people);
				if (people.fallback)
					continue;
			}
			rules_targets(c, counter, step, &w, &people);
			if (!people.fallback)
				continue;
			g.kinds |= 1u << cov_kinds[k];
			if (!first)
				first = step;
		}
		if (!first)
			continue;
		cov_reason(c, plain, zone, first, &w, g.reason, sizeof g.reason);
		if (cov_push(out, &g) < 0)
			return -1;
	}
	return 0;
}

static int
cov_run(const struct hub_conf *c, int monday, const struct cov_hours *hours,
    unsigned nhours, unsigned step_from, unsigned step_to,
    struct cov_result *out)
{
	struct hub_conf *plain = malloc(sizeof *plain);
	int *cuts = malloc((7 + 14 * (c->nshifts + nhours)) * sizeof *cuts);
	const struct hub_conf *rc = c;
	unsigned ncuts;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (!plain || !cuts)
		goto out;
	/* the same rules without date exceptions */
	memcpy(plain, c, sizeof *plain);
	plain->nexceptions = 0;
	if (!monday) {
		monday = COV_TYPICAL_MONDAY;
		rc = plain;
	}
	ncuts = cov_cuts(c, hours, nhours, cuts);
	for (unsigned z = 0; z < c->nzones; z++) {
		unsigned first = out->n;
		int counter = -1;

		for (unsigned k = 0; k < c->ncounters && counter < 0; k++)
			if (c->counters[k].zone == (int)z)
				counter = (int)k;
		if (counter < 0)
			continue;	/* no button there to press */
		for (unsigned st = step_from; st < step_to; st++) {
			first = out->n;
			if (cov_zone(rc, plain, (int)z, counter, st, monday, cuts,
			    ncuts, hours, nhours, out) < 0)
				goto out;
			if (rc == plain)
				cov_wrap(out, first);
		}
	}
	ret = 0;
out:
	free(plain);
	free(cuts);
	if (ret < 0)
		coverage_free(out);
	return ret;
}

void
coverage_free(struct cov_result *r)
{
	free(r->gaps);
	memset(r, 0, sizeof *r);
}

/* "Tue" or "Tue 2026-12-29" for Monday-based day d of the week. */
static void
cov_day(int monday, int d, char *buf, size_t size)
{
	int date = monday ? coverage_date_add(monday, d) : 0;

	if (date > 0)
		snprintf(buf, size, "%s %04d-%02d-%02d",
		    period_day_name((d + 1) % 7), date / 10000,
		    date / 100 % 100, date % 100);
	else
		snprintf(buf, size, "%s", period_day_name((d % 7 + 1) % 7));
}

char *
coverage_range(const struct cov_gap *g, int monday, char *buf, size_t size)
{
	int sd = g->start / 1440, ed, em;
	char a[32], b[32];

	/* an end at midnight is that day's 24:00 */
	ed = (g->end - 1) / 1440;
	em = g->end - ed * 1440;
	cov_day(monday, sd, a, sizeof a);
	if (ed == sd) {
		snprintf(buf, size, "%s %02d:%02d–%02d:%02d", a,
		    g->start % 1440 / 60, g->start % 60, em / 60, em % 60);
		return buf;
	}
	cov_day(monday, ed, b, sizeof b);
	snprintf(buf, size, "%s %02d:%02d–%s %02d:%02d", a,
	    g->start % 1440 / 60, g->start % 60, b, em / 60, em % 60);
	return buf;
}

/* "mon" .. "sun" as a wday bit number; -1 if not a day. */
static int
cov_day_parse(const char *s, size_t len)
{
	static const char *const names[] = {
		"sun", "mon", "tue", "wed", "thu", "fri", "sat"
	};

	for (int d = 0; d < 7; d++)
		if (len == 3 && strncmp(s, names[d], 3) == 0)
			return d;
	return -1;
}

int
coverage_parse_hours(const char *s, struct cov_hours *out)
{
	const char *sp = strchr(s, ' '), *p = s;
	char from[6], to[6];

	if (!sp || strlen(sp + 1) != 11 || sp[6] != '-')
		return -1;
	memcpy(from, sp + 1, 5);
	from[5] = '\0';
	memcpy(to, sp + 7, 5);
	to[5] = '\0';
	if ((out->from_min = period_parse_hhmm(from, 0)) < 0 ||
	    (out->to_min = period_parse_hhmm(to, 1)) < 0)
		return -1;
	out->days = 0;
	if (sp - s == 3 && strncmp(s, "all", 3) == 0) {
		out->days = 0x7f;
		return 0;
	}
	/* "mon-fri", "sat,sun", "fri-mon": Monday-based ranges may wrap */
	while (p < sp) {
		const char *end = memchr(p, ',', (size_t)(sp - p));
		int a, b;

		if (!end)
			end = sp;
		if (end - p == 3 && (a = cov_day_parse(p, 3)) >= 0) {
			out->days |= 1u << a;
		} else if (end - p == 7 && p[3] == '-' &&
		    (a = cov_day_parse(p, 3)) >= 0 &&
		    (b = cov_day_parse(p + 4, 3)) >= 0) {
			for (int d = cov_mday(a);; d = (d + 1) % 7) {
				out->days |= 1u << ((d + 1) % 7);
				if (d == cov_mday(b))
					break;
			}
		} else {
			return -1;
		}
		p = end + 1;
	}
	return out->days ? 0 : -1;
}

int
coverage_check(const struct hub_conf *c, int monday,
    const struct cov_hours *hours, unsigned nhours, struct cov_result *out)
{
	return cov_run(c, monday, hours, nhours, 0, 1, out);
}

int
coverage_check_later(const struct hub_conf *c, int monday,
    const struct cov_hours *hours, unsigned nhours, struct cov_result *out)
{
	return cov_run(c, monday, hours, nhours, 1, CONF_STEPS_MAX, out);
}
