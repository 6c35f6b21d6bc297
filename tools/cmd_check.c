/* cmd_check.c: `panicctl check` — validates the hub's rules and proves
 * their coverage: for every zone with counters and every minute of the
 * week, step 1 of the help and emergency policies pages someone by the
 * rules rather than only the fallback. Each gap is printed as a time range
 * with its zone and reason; the exit status is 1 when there are gaps. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "coverage.h"
#include "ctl.h"
#include "panicctl.h"
#include "period.h"
#include "staffing.h"

#define CHECK_USAGE \
	"usage: panicctl check [-c HUBCONF] [--week YYYY-MM-DD]\n" \
	"           [--hours \"mon-fri 09:00-18:00\"]... [--staffing FILE]\n"
#define CHECK_HOURS_MAX 16

/* "help, emergency" for a set of kinds. */
static void
check_kinds(unsigned kinds, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < PROTO_KIND_COUNT; k++)
		if (kinds & (1u << k))
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len ? ", " : "", proto_kind_name((enum proto_kind)k));
}

/* The fallback's targets as written, for the summary. */
static void
check_fallback(const struct hub_conf *c, char *buf, size_t size)
{
	size_t len = 0;
	char t[128];

	buf[0] = '\0';
	for (unsigned i = 0; i < c->nfallback && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    len ? ", " : "", conf_target_text(c, &c->fallback[i], t,
		    sizeof t));
}

static void
check_date(int date, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d-%02d", date / 10000, date / 100 % 100,
	    date % 100);
}

/* The one rule for absences, and with --week the exceptions in force that
 * week: what a press would meet, said where the gaps are. */
static void
check_exceptions(const struct hub_conf *c, int monday)
{
	int sunday = monday ? coverage_date_add(monday, 6) : 0, absences = 0;
	char from[16], to[16];

	for (unsigned i = 0; i < c->nexceptions; i++)
		absences += c->exceptions[i].type == CONF_EXC_ABSENCE;
	if (absences)
		printf("absences: whoever is away is replaced by their stand-in,"
		    " or left out, in every target — supervisor, backup, team,"
		    " role, person — and in the fallback unless that leaves "
		    "nobody\n");
	for (unsigned i = 0; monday && i < c->nexceptions; i++) {
		const struct conf_exception *x = &c->exceptions[i];
		const char *zone = x->zone >= 0 ? c->zones[x->zone].id : NULL;
		int span = x->date_to != x->date_from;

		if (x->date_to < monday || x->date_from > sunday)
			continue;
		check_date(x->date_from, from, sizeof from);
		check_date(x->date_to, to, sizeof to);
		printf("that week: %s %s%s%s%s%s: ", x->type == CONF_EXC_HOLIDAY ?
		    "holiday" : "absence", from, span ? "–" : "",
		    span ? to : "", zone ? " in zone " : "", zone ? zone : "");
		if (x->type == CONF_EXC_HOLIDAY)
			printf("the shifts do not run\n");
		else if (x->replacement >= 0)
			printf("%s away, %s pages in their place\n",
			    c->people[x->person].id,
			    c->people[x->replacement].id);
		else
			printf("%s away, nobody in their place\n",
			    c->people[x->person].id);
	}
}

static void
check_header(const struct ctl *x, int monday, const char *week,
    unsigned nhours, char *const *hours)
{
	const struct hub_conf *c = x->conf;

	hub_conf_print_valid(c, stdout);
	printf("checked: step 1 of help and emergency at every zone with "
	    "counters, ");
	if (nhours) {
		printf("in the hours");
		for (unsigned i = 0; i < nhours; i++)
			printf("%s \"%s\"", i ? "," : "", hours[i]);
	} else {
		printf("every minute");
	}
	if (monday)
		printf(" of the week of %s with its date exceptions (%s)\n",
		    week, c->timezone);
	else
		printf(" of a typical week, date exceptions not applied "
		    "(--week DATE applies them) (%s)\n", c->timezone);
	check_exceptions(c, monday);
}

static void
check_warn(void *ctx, const char *msg)
{
	(void)ctx;
	printf("warning: %s\n", msg);
}

/* Warnings do not change the exit status: the rules work, but not as
 * their author may think. */
static int
check_warnings(const struct ctl *x, int monday, const struct cov_hours *hours,
    unsigned nhours)
{
	struct cov_result later = { 0 };
	char range[96], kinds[64];
	unsigned n = conf_lint(x->conf, check_warn, NULL);

	if (coverage_check_later(x->conf, monday, hours, nhours, &later) < 0)
		return -1;
	for (unsigned i = 0; i < later.n; i++) {
		const struct cov_gap *g = &later.gaps[i];

		check_kinds(g->kinds, kinds, sizeof kinds);
		printf("warning: %s zone %s: step %u of %s reaches only the "
		    "fallback: %s\n", coverage_range(g, monday, range,
		    sizeof range), x->conf->zones[g->zone].id, g->step, kinds,
		    g->reason);
	}
	n += later.n;
	if (n)
		printf("%u warning%s\n", n, n == 1 ? "" : "s");
	coverage_free(&later);
	return 0;
}

int
cmd_check(int argc, char **argv)
{
	enum { O_WEEK = CTL_OPT_NEXT, O_HOURS, O_STAFFING };
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "week", required_argument, NULL, O_WEEK },
		{ "hours", required_argument, NULL, O_HOURS },
		{ "staffing", required_argument, NULL, O_STAFFING },
		{ NULL, 0, NULL, 0 }
	};
	struct cov_hours hours[CHECK_HOURS_MAX];
	char *hours_text[CHECK_HOURS_MAX];
	struct cov_result res = { 0 };
	struct staffing st = { 0 };
	const char *week = NULL, *staffing = NULL;
	char err[CONF_ERR_MAX], range[96], kinds[64];
	unsigned nhours = 0;
	int ch, monday = 0, rc = CTL_FAIL;
	struct ctl x;

	ctl_init(&x, "check");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			x.conf_path = optarg;
			break;
		case O_WEEK:
			week = optarg;
			break;
		case O_STAFFING:
			staffing = optarg;
			break;
		case O_HOURS:
			if (nhours == CHECK_HOURS_MAX ||
			    coverage_parse_hours(optarg, &hours[nhours]) < 0) {
				ctl_err(&x, "--hours: \"%s\" is not of the form "
				    "\"mon-fri 09:00-18:00\" (at most %d)",
				    optarg, CHECK_HOURS_MAX);
				return CTL_USAGE;
			}
			hours_text[nhours++] = optarg;
			break;
		default:
			fputs(CHECK_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fputs(CHECK_USAGE, stderr);
		return CTL_USAGE;
	}
	if (week) {
		struct rules_when w;

		if ((monday = period_parse_date(week)) < 0 ||
		    rules_when_local(monday, 0, &w) < 0) {
			ctl_err(&x, "--week: \"%s\" is not a date YYYY-MM-DD",
			    week);
			return CTL_USAGE;
		}
		/* the Monday of that date's week */
		monday = coverage_date_add(monday, -((w.wday + 6) % 7));
	}
	/* what hubd itself loads, secrets too: the two must agree */
	x.all_secrets = 1;
	if (ctl_open(&x, 0) < 0)
		goto out;
	if (staffing && staffing_load(&st, staffing, x.conf, err,
	    sizeof err) < 0) {
		ctl_err(&x, "%s", err);
		goto out;
	}
	if (coverage_check(x.conf, monday, hours, nhours, &res) < 0) {
		ctl_err(&x, "out of memory");
		goto out;
	}
	check_header(&x, monday, week, nhours, hours_text);
	if (staffing)
		printf("%s: valid: %u slots\n", staffing, st.n);
	for (unsigned i = 0; i < res.n; i++) {
		const struct cov_gap *g = &res.gaps[i];

		check_kinds(g->kinds, kinds, sizeof kinds);
		printf("%s zone %s: %s (%s)\n", coverage_range(g, monday, range,
		    sizeof range), x.conf->zones[g->zone].id, g->reason, kinds);
	}
	if (res.n) {
		check_fallback(x.conf, err, sizeof err);
		printf("%u gap%s: a press there pages only the fallback (%s)\n",
		    res.n, res.n == 1 ? "" : "s", err);
	} else {
		printf("no gaps\n");
	}
	if (check_warnings(&x, monday, hours, nhours) < 0) {
		ctl_err(&x, "out of memory");
		goto out;
	}
	rc = res.n ? CTL_FAIL : CTL_OK;
out:
	coverage_free(&res);
	staffing_free(&st);
	ctl_close(&x);
	return rc;
}
