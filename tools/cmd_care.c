/* cmd_care.c: `panicctl care` — for HR's follow-up of staff who face
 * harassment again and again: per staff member (from a staffing file:
 * who sits at which counter when), the harassment incidents at their
 * counter while they were on duty in the last N days, flagged at or over
 * a threshold. Incidents nobody on the list was staffing are counted
 * apart, so that none disappears from the view. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "panicctl.h"
#include "period.h"
#include "staffing.h"
#include "table.h"

#define CARE_USAGE \
	"usage: panicctl care --staffing FILE [-c HUBCONF] [--db FILE]\n" \
	"           [--days 90] [--threshold 3] [--csv [--bom] | --json]\n"

struct care_person {
	char id[PROTO_ID_MAX];
	char name[PROTO_TEXT_MAX];
	char counters[128];		/* "c01,c03" */
	int64_t harassment, incidents, last_ms;
};

struct care {
	struct ctl *x;
	struct staffing st;
	struct care_person *p;
	unsigned np;
	int64_t unattributed, harassment;
	int threshold;
};

static struct care_person *
care_person(struct care *c, const char *id)
{
	for (unsigned i = 0; i < c->np; i++)
		if (strcmp(c->p[i].id, id) == 0)
			return &c->p[i];
	return NULL;
}

/* 1 if id is an item of the comma-separated list. */
static int
care_listed(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/* One row per person on the staffing list, with the counters they staff. */
static int
care_people(struct care *c)
{
	if (c->st.n && !(c->p = calloc(c->st.n, sizeof *c->p)))
		return -1;
	for (unsigned i = 0; i < c->st.n; i++) {
		const struct staffing_slot *s = &c->st.slots[i];
		const char *cid = c->x->conf->counters[s->counter].id;
		struct care_person *p = care_person(c, s->person);
		size_t len;

		if (!p) {
			p = &c->p[c->np++];
			snprintf(p->id, sizeof p->id, "%s", s->person);
			snprintf(p->name, sizeof p->name, "%s", s->name);
		}
		len = strlen(p->counters);
		if (!care_listed(p->counters, cid) && len + strlen(cid) + 2 <
		    sizeof p->counters)
			snprintf(p->counters + len, sizeof p->counters - len,
			    "%s%s", len ? "," : "", cid);
	}
	return 0;
}

static int
care_row(void *arg, const struct db_incident *inc)
{
	struct care *c = arg;
	int k = conf_counter_find(c->x->conf, inc->counter), who = 0;
	int harassment = strcmp(inc->category, "harassment") == 0;
	struct rules_when w;

	c->harassment += harassment;
	if (k >= 0 && rules_when_at(c->x->conf->timezone, inc->received,
	    &w) == 0) {
		/* everyone staffing that counter then; once each */
		for (unsigned i = 0; i < c->np; i++) {
			struct care_person *p = &c->p[i];

			for (unsigned j = 0; j < c->st.n; j++) {
				const struct staffing_slot *s = &c->st.slots[j];

				if (s->counter != k || strcmp(s->person, p->id) ||
				    !staffing_on(s, &w))
					continue;
				p->incidents++;
				if (harassment) {
					p->harassment++;
					if (inc->received > p->last_ms)
						p->last_ms = inc->received;
				}
				who++;
				break;
			}
		}
	}
	if (!who && harassment)
		c->unattributed++;
	return 0;
}

static int
care_cmp(const void *a, const void *b)
{
	const struct care_person *x = a, *y = b;

	if (x->harassment != y->harassment)
		return x->harassment > y->harassment ? -1 : 1;
	return strcmp(x->id, y->id);
}

enum { CC_PERSON, CC_NAME, CC_COUNTERS, CC_HARASS, CC_ALL, CC_LAST,
    CC_FOLLOW, CC_COUNT };

static const struct tab_col care_cols[CC_COUNT] = {
	{ "person", "person", 0, 0, 0 },
	{ "name", "name", 0, 24, 0 },
	{ "counters", "counters", 0, 24, 0 },
	{ "harassment", "harassment", 1, 0, 0 },
	{ "all incidents", "incidents", 1, 0, 0 },
	{ "last harassment", "last_harassment", 0, 0, 0 },
	{ "follow up", "follow_up", 0, 0, 0 },
};

static int
care_print(struct care *c, const struct period *p, int days)
{
	struct tab *t = tab_new(care_cols, CC_COUNT);
	struct jdoc *d;
	int rc = -1;

	if (!t)
		return -1;
	qsort(c->p, c->np, sizeof *c->p, care_cmp);
	for (unsigned i = 0; i < c->np; i++) {
		const struct care_person *cp = &c->p[i];

		if (tab_row(t) < 0)
			goto out;
		tab_str(t, CC_PERSON, cp->id);
		tab_str(t, CC_NAME, cp->name);
		tab_str(t, CC_COUNTERS, cp->counters);
		tab_int(t, CC_HARASS, cp->harassment);
		tab_int(t, CC_ALL, cp->incidents);
		tab_time(t, CC_LAST, cp->last_ms);
		tab_str(t, CC_FOLLOW, cp->harassment >= c->threshold ? "yes" :
		    "no");
	}
	if (c->x->fmt == CTL_CSV) {
		rc = tab_csv(t, stdout, c->x->bom);
	} else if (c->x->fmt == CTL_JSON) {
		d = jdoc_new();
		jdoc_str(d, "site", c->x->conf->site);
		jdoc_str(d, "timezone", c->x->conf->timezone);
		jdoc_time(d, "from", p->from_ms);
		jdoc_time(d, "to", p->to_ms);
		jdoc_int(d, "days", days);
		jdoc_int(d, "threshold", c->threshold);
		jdoc_int(d, "harassment", c->harassment);
		jdoc_int(d, "unattributed_harassment", c->unattributed);
		jdoc_rows(d, "staff", t);
		rc = jdoc_print(d, stdout);
		jdoc_free(d);
	} else {
		printf("care: harassment at each staff member's counter while "
		    "on duty, last %d days: %s (%s)\n", days, p->text,
		    c->x->conf->timezone);
		printf("follow up at %d or more; drills left out\n\n",
		    c->threshold);
		rc = tab_print(t, stdout);
		printf("\nharassment incidents: %lld, of which with nobody on "
		    "the staffing list on duty: %lld\n",
		    (long long)c->harassment, (long long)c->unattributed);
	}
out:
	tab_free(t);
	return rc;
}

static int
care_number(struct ctl *x, const char *opt, const char *s, int min, int max,
    int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < min || v > max) {
		ctl_err(x, "%s: \"%s\" is not a number from %d to %d", opt, s,
		    min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int
cmd_care(int argc, char **argv)
{
	enum { O_STAFFING = CTL_OPT_NEXT, O_DAYS, O_THRESHOLD };
	static const struct option longopts[] = {
		CTL_LONGOPTS,
		{ "staffing", required_argument, NULL, O_STAFFING },
		{ "days", required_argument, NULL, O_DAYS },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ NULL, 0, NULL, 0 }
	};
	struct db_filter f = { 0 };
	struct care c = { 0 };
	const char *staffing = NULL;
	struct period p;
	struct ctl x;
	char err[CONF_ERR_MAX], last[16];
	int ch, days = 90, rc = CTL_FAIL;

	ctl_init(&x, "care");
	c.threshold = 3;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ctl_option(&x, ch, optarg))
			continue;
		switch (ch) {
		case O_STAFFING:
			staffing = optarg;
			break;
		case O_DAYS:
			if (care_number(&x, "--days", optarg, 1, 1000, &days) < 0)
				return CTL_USAGE;
			break;
		case O_THRESHOLD:
			if (care_number(&x, "--threshold", optarg, 1, 100000,
			    &c.threshold) < 0)
				return CTL_USAGE;
			break;
		default:
			fputs(CARE_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc || !staffing) {
		fputs(CARE_USAGE, stderr);
		return CTL_USAGE;
	}
	c.x = &x;
	if (ctl_open(&x, 1) < 0)
		goto out;
	if (staffing_load(&c.st, staffing, x.conf, err, sizeof err) < 0) {
		ctl_err(&x, "%s", err);
		goto out;
	}
	snprintf(last, sizeof last, "%dd", days);
	if (period_resolve(NULL, NULL, last, NULL, x.now_ms, &p, err,
	    sizeof err) < 0) {
		ctl_err(&x, "%s", err);
		goto out;
	}
	if (care_people(&c) < 0) {
		ctl_err(&x, "out of memory");
		goto out;
	}
	f.from_ms = p.from_ms;
	f.to_ms = p.to_ms;
	if (db_incidents(x.db, &f, care_row, &c) != 0) {
		ctl_err(&x, "database: %s", db_errmsg(x.db));
		goto out;
	}
	rc = care_print(&c, &p, days) < 0 ? CTL_FAIL : CTL_OK;
out:
	free(c.p);
	staffing_free(&c.st);
	ctl_close(&x);
	return rc;
}
