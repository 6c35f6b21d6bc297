/* test_conf_lint.c: warnings for rules that load but do not work as
 * written — dead and overlapping shifts, a supervisor who is their own
 * backup, ids that differ only in case — and silence for clean rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hubtest.h"

static char said[4096];

static void
collect(void *ctx, const char *msg)
{
	size_t n = strlen(said);

	(void)ctx;
	snprintf(said + n, sizeof said - n, "%s\n", msg);
}

static unsigned
lint(const struct hub_conf *c)
{
	said[0] = '\0';
	return conf_lint(c, collect, NULL);
}

/* The test branch: split shifts, no overlap, distinct ids; only the
 * consultation room needs two responders where step 1 names one. */
static void
test_clean_rules_say_nothing(void **state)
{
	struct hub_conf *c = ht_conf(HT_BRANCH);

	(void)state;
	assert_int_equal(lint(c), 1);
	assert_non_null(strstr(said, "counters.[1] (r1): min_responders = 2 "
	    "but step 1 of help names at most 1: step 2 is paged with it at "
	    "once\n"));
	conf_free(c);
}

#define LINT_HEAD \
	"site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n" \
	"fallback = [\"person:boss\"];\n" HT_PEOPLE HT_POLICIES

static void
test_shifts(void **state)
{
	struct hub_conf *c = ht_conf(LINT_HEAD
	    "shifts = (\n"
	    " { zone = \"A\"; days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]; from = \"09:00\"; to = \"18:00\"; supervisor = \"sato\"; backup = \"tanaka\"; },\n"
	    /* lunch listed after the whole day: it never applies */
	    " { zone = \"A\"; days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]; from = \"12:00\"; to = \"13:00\"; supervisor = \"tanaka\"; backup = \"tanaka\"; },\n"
	    /* the evening runs on past 18:00: one hour a day is dead */
	    " { zone = \"A\"; days = [\"mon\"]; from = \"17:00\"; to = \"20:00\"; supervisor = \"ito\"; },\n"
	    /* the same hours in another zone are no overlap */
	    " { zone = \"B\"; days = [\"mon\"]; from = \"09:00\"; to = \"18:00\"; supervisor = \"suzuki\"; },\n"
	    /* past midnight into Saturday, overlapping nothing */
	    " { zone = \"A\"; days = [\"fri\"]; from = \"22:00\"; to = \"02:00\"; supervisor = \"ito\"; },\n"
	    /* Saturday 01:00-03:00: its first hour is Friday night's */
	    " { zone = \"A\"; days = [\"sat\"]; from = \"01:00\"; to = \"03:00\"; supervisor = \"suzuki\"; }\n"
	    ");\n");

	(void)state;
	assert_int_equal(lint(c), 5);	/* and r1's two responders */
	assert_non_null(strstr(said, "shifts.[1] (zone A, mon tue wed thu fri "
	    "12:00–13:00): tanaka is both supervisor and backup"));
	assert_non_null(strstr(said, "shifts.[1] (zone A, mon tue wed thu fri "
	    "12:00–13:00) never applies: earlier shifts of the zone cover all "
	    "its hours"));
	assert_non_null(strstr(said, "shifts.[2] (zone A, mon 17:00–20:00) "
	    "overlaps shifts.[0] for 60 min a week: there the earlier shift "
	    "wins"));
	assert_non_null(strstr(said, "shifts.[5] (zone A, sat 01:00–03:00) "
	    "overlaps shifts.[4] for 60 min a week"));
	assert_null(strstr(said, "shifts.[3]"));
	/* each warning names the file, as errors do */
	assert_non_null(strstr(said, "/tmp/hubtest-"));
	conf_free(c);
}

static void
test_ids_differing_in_case(void **state)
{
	struct hub_conf *c = ht_conf(
	    "site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n"
	    "fallback = [\"person:boss\"];\n"
	    "people = ( { id = \"sato\"; name = \"S\"; },\n"
	    " { id = \"Sato\"; name = \"S2\"; },\n"
	    " { id = \"boss\"; name = \"B\"; roles = [\"manager\", \"facility\"]; pager = \"Tab-1\"; },\n"
	    " { id = \"tab-1\"; name = \"T\"; } );\n"
	    "zones = ( { id = \"A\"; } );\n"
	    "counters = ( { id = \"c1\"; label = \"1\"; zone = \"A\"; }, { id = \"C1\"; label = \"2\"; zone = \"A\"; } );\n"
	    "policies = ( { kind = \"help\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); },\n"
	    " { kind = \"emergency\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); } );\n");

	(void)state;
	assert_int_equal(lint(c), 3);
	assert_non_null(strstr(said, "people.[1] (Sato): its id or pager "
	    "differs only in case from people.[0] (sato)"));
	assert_non_null(strstr(said, "people.[3] (tab-1): its id or pager "
	    "differs only in case from people.[2] (boss)"));
	assert_non_null(strstr(said, "counters.[1] (C1) differs only in case "
	    "from counters.[0] (c1)"));
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_rules_say_nothing),
		cmocka_unit_test(test_shifts),
		cmocka_unit_test(test_ids_differing_in_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
