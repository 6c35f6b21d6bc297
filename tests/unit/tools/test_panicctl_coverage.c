/* test_panicctl_coverage.c: the coverage proof of `panicctl check` and the
 * staffing file of `panicctl care`, on configs read by the hub's own
 * parser: lunch gaps, nights past midnight, a weekend that runs into
 * Monday, holidays and absences of a dated week, which kinds a gap hurts,
 * and the opening hours that limit the check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"
#include "hubconf.h"
#include "staffing.h"

#define WEEKDAYS "days = [ \"mon\", \"tue\", \"wed\", \"thu\", \"fri\" ];"
#define ALL_WEEK "days = [ \"mon\", \"tue\", \"wed\", \"thu\", \"fri\"," \
	" \"sat\", \"sun\" ];"

/* A config from text through the real parser: the people, zones and
 * policies are fixed; shifts and exceptions come from the test. */
static struct hub_conf *
load(const char *shifts, const char *exceptions)
{
	char path[] = "/tmp/test_panicctl_coverage.XXXXXX", err[CONF_ERR_MAX];
	struct hub_conf *c;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	assert_non_null(f);
	fprintf(f, "site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n"
	    "fallback = [ \"role:manager\" ];\n"
	    "people = (\n"
	    "  { id = \"sato\"; name = \"佐藤\"; },\n"
	    "  { id = \"tanaka\"; name = \"田中\"; },\n"
	    "  { id = \"boss\"; name = \"高橋\"; roles = [ \"manager\" ]; },\n"
	    "  { id = \"fac\"; name = \"山本\"; roles = [ \"facility\" ]; } );\n"
	    "teams = ( { id = \"resp\"; members = [ \"sato\", \"tanaka\" ]; } );\n"
	    "zones = ( { id = \"A\"; }, { id = \"B\"; }, { id = \"C\"; } );\n"
	    "counters = ( { id = \"c1\"; label = \"1番窓口\"; zone = \"A\"; },\n"
	    "  { id = \"r1\"; label = \"相談室1\"; zone = \"B\"; } );\n"
	    "shifts = (\n%s);\n"
	    "exceptions = (\n%s);\n"
	    "policies = (\n"
	    "  { kind = \"help\"; steps = ( { targets = [ \"supervisor\" ];"
	    " wait_s = 60; }, { targets = [ \"backup\" ]; wait_s = 60; } ); },\n"
	    "  { kind = \"emergency\"; steps = ( { targets = [ \"backup\" ];"
	    " wait_s = 30; }, { targets = [ \"team:resp\" ]; wait_s = 30; } );"
	    " } );\n", shifts, exceptions ? exceptions : "");
	fclose(f);
	c = hub_conf_load(path, err, sizeof err);
	unlink(path);
	if (!c)
		fprintf(stderr, "# %s\n", err);
	assert_non_null(c);
	return c;
}

/* The gaps as text, one a line: "Mon 12:00–13:00 A: nobody on shift h e". */
static char *
gaps(const struct hub_conf *c, int monday, const char *const *hours)
{
	struct cov_hours h[8];
	struct cov_result r;
	unsigned nh = 0;
	char *s = NULL, range[96];
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	for (; hours && hours[nh]; nh++)
		assert_int_equal(coverage_parse_hours(hours[nh], &h[nh]), 0);
	assert_int_equal(coverage_check(c, monday, h, nh, &r), 0);
	for (unsigned i = 0; i < r.n; i++)
		fprintf(f, "%s %s: %s%s%s\n", coverage_range(&r.gaps[i], monday,
		    range, sizeof range), c->zones[r.gaps[i].zone].id,
		    r.gaps[i].reason,
		    r.gaps[i].kinds & (1u << PROTO_KIND_HELP) ? " h" : "",
		    r.gaps[i].kinds & (1u << PROTO_KIND_EMERGENCY) ? " e" : "");
	fclose(f);
	coverage_free(&r);
	return s;
}

static void
test_covered_all_week(void **state)
{
	struct hub_conf *c = load(
	    " { zone = \"A\"; " ALL_WEEK " from = \"00:00\"; to = \"24:00\";"
	    " supervisor = \"sato\"; backup = \"tanaka\"; },\n"
	    " { zone = \"B\"; " ALL_WEEK " from = \"08:00\"; to = \"20:00\";"
	    " supervisor = \"tanaka\"; backup = \"sato\"; },\n"
	    " { zone = \"B\"; " ALL_WEEK " from = \"20:00\"; to = \"08:00\";"
	    " supervisor = \"sato\"; backup = \"tanaka\"; }\n", NULL);
	char *s = gaps(c, 0, NULL);

	(void)state;
	/* zone C has no counter: nothing to check there */
	assert_string_equal(s, "");
	free(s);
	conf_free(c);
}

/* A lunch hole, the night, and a weekend that runs from Friday evening
 * into Monday morning: one range, listed where it starts. */
static void
test_lunch_night_weekend(void **state)
{
	struct hub_conf *c = load(
	    " { zone = \"A\"; " ALL_WEEK " from = \"00:00\"; to = \"24:00\";"
	    " supervisor = \"sato\"; backup = \"tanaka\"; },\n"
	    " { zone = \"B\"; " WEEKDAYS " from = \"09:00\"; to = \"12:00\";"
	    " supervisor = \"tanaka\"; backup = \"sato\"; },\n"
	    " { zone = \"B\"; " WEEKDAYS " from = \"13:00\"; to = \"18:00\";"
	    " supervisor = \"tanaka\"; backup = \"sato\"; }\n", NULL);
	static const char *const office[] = { "mon-fri 09:00-18:00", NULL };
	char *s;

	(void)state;
	s = gaps(c, 0, office);
	assert_string_equal(s,
	    "Mon 12:00–13:00 B: nobody on shift h e\n"
	    "Tue 12:00–13:00 B: nobody on shift h e\n"
	    "Wed 12:00–13:00 B: nobody on shift h e\n"
	    "Thu 12:00–13:00 B: nobody on shift h e\n"
	    "Fri 12:00–13:00 B: nobody on shift h e\n");
	free(s);
	s = gaps(c, 0, NULL);
	assert_string_equal(s,
	    "Mon 12:00–13:00 B: nobody on shift h e\n"
	    "Mon 18:00–Tue 09:00 B: nobody on shift h e\n"
	    "Tue 12:00–13:00 B: nobody on shift h e\n"
	    "Tue 18:00–Wed 09:00 B: nobody on shift h e\n"
	    "Wed 12:00–13:00 B: nobody on shift h e\n"
	    "Wed 18:00–Thu 09:00 B: nobody on shift h e\n"
	    "Thu 12:00–13:00 B: nobody on shift h e\n"
	    "Thu 18:00–Fri 09:00 B: nobody on shift h e\n"
	    "Fri 12:00–13:00 B: nobody on shift h e\n"
	    "Fri 18:00–Mon 09:00 B: nobody on shift h e\n");
	free(s);
	conf_free(c);
}

/* A night shift past midnight covers the early hours of the next day; a
 * Sunday night one covers Monday's, across the week's edge. A shift
 * without a backup is a gap only for the policy that starts with it. */
static void
test_nights_and_backups(void **state)
{
	struct hub_conf *c = load(
	    " { zone = \"A\"; " ALL_WEEK " from = \"06:00\"; to = \"22:00\";"
	    " supervisor = \"sato\"; backup = \"tanaka\"; },\n"
	    " { zone = \"A\"; days = [ \"sun\" ]; from = \"22:00\";"
	    " to = \"06:00\"; supervisor = \"tanaka\"; },\n"
	    " { zone = \"B\"; " ALL_WEEK " from = \"00:00\"; to = \"24:00\";"
	    " supervisor = \"tanaka\"; backup = \"sato\"; }\n", NULL);
	char *s = gaps(c, 0, NULL);

	(void)state;
	assert_string_equal(s,
	    "Mon 22:00–Tue 06:00 A: nobody on shift h e\n"
	    "Tue 22:00–Wed 06:00 A: nobody on shift h e\n"
	    "Wed 22:00–Thu 06:00 A: nobody on shift h e\n"
	    "Thu 22:00–Fri 06:00 A: nobody on shift h e\n"
	    "Fri 22:00–Sat 06:00 A: nobody on shift h e\n"
	    "Sat 22:00–Sun 06:00 A: nobody on shift h e\n"
	    "Sun 22:00–Mon 06:00 A: tanaka on shift has no backup e\n");
	free(s);
	conf_free(c);
}

/* A dated week applies its exceptions: a zone's holiday, an absence
 * without a replacement, an absence with one (no gap). */
static void
test_dated_week(void **state)
{
	struct hub_conf *c = load(
	    " { zone = \"A\"; " WEEKDAYS " from = \"09:00\"; to = \"18:00\";"
	    " supervisor = \"sato\"; backup = \"tanaka\"; },\n"
	    " { zone = \"B\"; " WEEKDAYS " from = \"09:00\"; to = \"18:00\";"
	    " supervisor = \"tanaka\"; backup = \"sato\"; }\n",
	    " { type = \"holiday\"; date = \"2026-12-29\"; zone = \"B\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-30\"; person = \"sato\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-31\"; person = \"tanaka\";"
	    " replacement = \"boss\"; }\n");
	static const char *const office[] = { "mon-fri 09:00-18:00", NULL };
	char *s = gaps(c, 20261228, office);

	(void)state;
	assert_string_equal(s,
	    "Wed 2026-12-30 09:00–18:00 A: sato absent, no replacement h\n"
	    "Tue 2026-12-29 09:00–18:00 B: holiday h e\n"
	    "Wed 2026-12-30 09:00–18:00 B: tanaka on shift has no backup e\n");
	free(s);
	/* a typical week knows nothing of dates */
	s = gaps(c, 0, office);
	assert_string_equal(s, "");
	free(s);
	conf_free(c);
}

static void
test_parse_hours(void **state)
{
	static const struct {
		const char *s;
		unsigned days;
		int from, to;
	} ok[] = {
		{ "mon-fri 09:00-18:00", 0x3e, 540, 1080 },
		{ "sat,sun 10:00-16:00", 0x41, 600, 960 },
		{ "fri-mon 22:00-06:00", 0x63, 1320, 360 },
		{ "all 00:00-24:00", 0x7f, 0, 1440 },
		{ "wed 12:00-13:00", 0x08, 720, 780 },
	};
	static const char *const bad[] = {
		"", "mon-fri", "09:00-18:00", "mon-fri 9:00-18:00",
		"mon-fri 09:00 18:00", "monday 09:00-18:00", "mon-fri 09:00-25:00",
		"mon,,fri 09:00-18:00", "mon-fri  09:00-18:00",
	};
	struct cov_hours h;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_int_equal(coverage_parse_hours(ok[i].s, &h), 0);
		assert_int_equal(h.days, ok[i].days);
		assert_int_equal(h.from_min, ok[i].from);
		assert_int_equal(h.to_min, ok[i].to);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(coverage_parse_hours(bad[i], &h), -1);
}

/* ---- the staffing file -------------------------------------------------- */

static const char *
write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_staffing(void **state)
{
	struct hub_conf *c = load(" { zone = \"A\"; " WEEKDAYS
	    " from = \"09:00\"; to = \"18:00\"; supervisor = \"sato\"; }\n",
	    NULL);
	char path[] = "/tmp/test_panicctl_staffing.XXXXXX", err[CONF_ERR_MAX];
	struct staffing st;
	struct rules_when w;

	(void)state;
	write_tmp(path, "staffing = (\n"
	    "  { person = \"yamada\"; name = \"山田 太郎\"; counter = \"c1\";\n"
	    "    days = [ \"fri\" ]; from = \"20:00\"; to = \"02:00\"; },\n"
	    "  { person = \"kimura\"; counter = \"r1\"; days = [ \"mon\" ];\n"
	    "    from = \"09:00\"; to = \"24:00\"; since = \"2026-12-01\";\n"
	    "    until = \"2026-12-31\"; note = \"trainee\"; }\n);\n");
	assert_int_equal(staffing_load(&st, path, c, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.slots[0].name, "山田 太郎");
	assert_string_equal(st.slots[1].name, "kimura");	/* default */
	assert_int_equal(st.slots[1].counter, 1);
	/* Friday 20:00 to Saturday 02:00 belongs to Friday */
	assert_int_equal(rules_when_local(20261204, 23 * 60, &w), 0);
	assert_int_equal(staffing_on(&st.slots[0], &w), 1);
	assert_int_equal(rules_when_local(20261205, 90, &w), 0);
	assert_int_equal(staffing_on(&st.slots[0], &w), 1);
	assert_int_equal(rules_when_local(20261205, 120, &w), 0);
	assert_int_equal(staffing_on(&st.slots[0], &w), 0);
	assert_int_equal(rules_when_local(20261204, 19 * 60 + 59, &w), 0);
	assert_int_equal(staffing_on(&st.slots[0], &w), 0);
	/* since and until bound the dates */
	assert_int_equal(rules_when_local(20261207, 600, &w), 0);
	assert_int_equal(staffing_on(&st.slots[1], &w), 1);
	assert_int_equal(rules_when_local(20261130, 600, &w), 0);
	assert_int_equal(staffing_on(&st.slots[1], &w), 0);
	assert_int_equal(rules_when_local(20270104, 600, &w), 0);
	assert_int_equal(staffing_on(&st.slots[1], &w), 0);
	staffing_free(&st);
	conf_free(c);
}

static void
test_staffing_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "staffing = ( { person = \"x\"; counter = \"c9\"; days = [\"mon\"];"
		  " from = \"09:00\"; to = \"10:00\"; } );\n",
		  ":1: staffing.[0].counter: unknown counter \"c9\"" },
		{ "staffing = ( { person = \"x\"; counter = \"c1\"; days = [\"mo\"];"
		  " from = \"09:00\"; to = \"10:00\"; } );\n",
		  ":1: staffing.[0].days.[0]: expected a day" },
		{ "staffing = ( { person = \"x\"; counter = \"c1\";\n"
		  " days = [\"mon\"]; from = \"9\"; to = \"10:00\"; } );\n",
		  ":2: staffing.[0].from: expected a time" },
		{ "staffing = ( { person = \"x y\"; counter = \"c1\";"
		  " days = [\"mon\"]; from = \"09:00\"; to = \"10:00\"; } );\n",
		  "staffing.[0].person: \"x y\" is not a valid id" },
		{ "staffing = ( { person = \"x\"; counter = \"c1\"; days = [\"mon\"];"
		  " from = \"09:00\"; to = \"10:00\"; shift = 1; } );\n",
		  "staffing.[0].shift: unknown key" },
		{ "staffing = ( { person = \"x\"; counter = \"c1\"; days = [\"mon\"];"
		  " from = \"09:00\"; to = \"10:00\"; since = \"2026-12-02\";"
		  " until = \"2026-12-01\"; } );\n",
		  "staffing.[0].until: before \"since\"" },
		{ "staff = ();\n", ":1: staff: unknown key" },
		{ "staffing = ( { person = \"x\"; } );\n",
		  "missing required key \"counter\"" },
	};
	struct hub_conf *c = load(" { zone = \"A\"; " WEEKDAYS
	    " from = \"09:00\"; to = \"18:00\"; supervisor = \"sato\"; }\n",
	    NULL);

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char path[] = "/tmp/test_panicctl_staffing.XXXXXX";
		char err[CONF_ERR_MAX];
		struct staffing st;

		write_tmp(path, cases[i].text);
		assert_int_equal(staffing_load(&st, path, c, err, sizeof err), -1);
		unlink(path);
		if (!strstr(err, cases[i].err))
			fprintf(stderr, "# got: %s\n", err);
		assert_non_null(strstr(err, cases[i].err));
		assert_int_equal(strncmp(err, path, strlen(path)), 0);
	}
	conf_free(c);
}

/* The example files load together, and the example's coverage in its
 * office hours has the one gap it is known to have. */
static void
test_example(void **state)
{
	static const char *const hours[] = { "mon-fri 09:00-18:00",
	    "sat 10:00-16:00", NULL };
	char err[CONF_ERR_MAX];
	struct hub_conf *c = hub_conf_load("config/example-branch/hubd.conf",
	    err, sizeof err);
	struct staffing st;
	char *s;

	(void)state;
	if (!c)
		fprintf(stderr, "# %s\n", err);
	assert_non_null(c);
	if (staffing_load(&st, "config/example-branch/staffing.conf", c, err,
	    sizeof err) < 0)
		fprintf(stderr, "# %s\n", err);
	assert_int_equal(st.n, 7);
	staffing_free(&st);
	s = gaps(c, 0, hours);
	assert_string_equal(s, "Sat 10:00–16:00 B: nobody on shift h\n");
	free(s);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_covered_all_week),
		cmocka_unit_test(test_lunch_night_weekend),
		cmocka_unit_test(test_nights_and_backups),
		cmocka_unit_test(test_dated_week),
		cmocka_unit_test(test_parse_hours),
		cmocka_unit_test(test_staffing),
		cmocka_unit_test(test_staffing_errors),
		cmocka_unit_test(test_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
