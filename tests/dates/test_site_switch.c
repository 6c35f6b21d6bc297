/* test_site_switch.c: a daylight-saving switch at the branch, crossed by a
 * running hub. Only the date matrix runs it (tests/dates/run), under
 * libfaketime a few seconds before a switch of $PANIC_TEST_SITE_TZ; with
 * no switch within a minute it fails rather than pass on nothing.
 *
 * The shifts are written around the switch: sup covers the two minutes
 * before it, r2 the three after it (wall-clock minutes that, at the autumn
 * switch, come round a second time), fac the rest of the week. A press
 * before the switch must page sup; its ladder's first wait spans the
 * switch and must last its length, no hour more or less; a press after
 * the switch must page r2; the database keeps both instants in UTC, the
 * right distance apart, and panicctl shows each at its own local time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"
#include "sitetime.h"

#define SLACK_MS	50

/* A help press at counter, published as its board would. */
static void
press(struct harness *h, const char *counter, uint64_t seq)
{
	assert_int_equal(fx_publish_help(h, counter, "d57d57d57d57d57d", seq), 0);
}

/* Sleep until the wall clock reads at least t_ms: the test waits for the
 * switch itself, nothing else. */
static void
sleep_until_wall(int64_t t_ms)
{
	for (int64_t left; (left = t_ms - clock_wall_ms()) > 0;) {
		struct timespec ts = { .tv_sec = left / 1000,
		    .tv_nsec = left % 1000 * 1000000 };

		if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
			fail_msg("nanosleep: %s", strerror(errno));
	}
}

/* The shift body for one day and a window of wall-clock minutes. */
static void
shift(char *buf, size_t size, const struct tm *day, int from, int to,
    const char *who)
{
	snprintf(buf, size, "{ zone = \"A\"; days = [ \"%s\" ]; from ="
	    " \"%02d:%02d\"; to = \"%02d:%02d\"; supervisor = \"%s\"; }",
	    st_day_name(day->tm_wday), from / 60, from % 60, to / 60, to % 60,
	    who);
}

static void
test_across_the_switch(void **state)
{
	const char *tz = getenv("PANIC_TEST_SITE_TZ");
	struct harness *h = *state;
	char before[160], after[160], shifts[640], policies[512], *out;
	struct proto_page p1, p2, p3;
	struct tm l1, l2;
	int64_t now = clock_wall_ms(), sw, wait_ms, t1, t2;
	int m1, m2;

	if (!tz || !*tz)
		fail_msg("PANIC_TEST_SITE_TZ is not set: the date matrix names the"
		    " zone whose switch this crosses");
	sw = st_next_switch(tz, now, 60000);
	if (sw < 0)
		fail_msg("no daylight-saving switch in %s within 60 s of this"
		    " clock: the date matrix starts this a few seconds before one",
		    tz);
	assert_int_equal(st_local(tz, sw - 1000, &l1), 0);
	assert_int_equal(st_local(tz, sw, &l2), 0);
	m1 = l1.tm_hour * 60 + l1.tm_min;
	m2 = l2.tm_hour * 60 + l2.tm_min;
	if (m1 < 2 || m1 > 1437 || m2 > 1436)
		fail_msg("the switch in %s is at midnight: pick another zone", tz);
	print_message("# %s switches at %02d:%02d:%02d -> %02d:%02d:%02d"
	    " (in %lld ms); machine TZ=%s\n", tz, l1.tm_hour, l1.tm_min,
	    l1.tm_sec, l2.tm_hour, l2.tm_min, l2.tm_sec,
	    (long long)(sw - now), getenv("TZ") ? getenv("TZ") : "(unset)");

	shift(before, sizeof before, &l1, m1 - 1, m1 + 1, "sup");
	shift(after, sizeof after, &l2, m2, m2 + 3, "r2");
	snprintf(shifts, sizeof shifts, "%s,\n  %s,\n  { zone = \"A\"; days ="
	    " [ \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\" ];"
	    " from = \"00:00\"; to = \"24:00\"; supervisor = \"fac\"; }",
	    before, after);
	/* step 1 lasts until 3 s past the switch */
	wait_ms = sw - now + 3000;
	snprintf(policies, sizeof policies,
	    "{ kind = \"help\"; min_responders = 1; repeat = 0; steps = (\n"
	    "  { targets = [ \"supervisor\" ]; wait_ms = %lld; },\n"
	    "  { targets = [ \"person:mgr\" ]; wait_ms = 60000; } ); },\n"
	    "{ kind = \"emergency\"; min_responders = 1; repeat = 0; steps = (\n"
	    "  { targets = [ \"role:manager\" ]; wait_ms = 60000; } ); }\n",
	    (long long)wait_ms);
	const struct fx_sched sc = {
		.timezone = tz,
		.zones = "{ id = \"A\"; name = \"窓口\"; }",
		.counters = "{ id = \"c1\"; label = \"1番窓口\"; zone = \"A\"; },"
		    " { id = \"c2\"; label = \"2番窓口\"; zone = \"A\"; }",
		.shifts = shifts,
	};
	assert_non_null(fx_hub_conf_sched(h, 60000, policies, &sc));
	assert_true(fx_hub_start(h) > 0);
	if (clock_wall_ms() > sw - 500)
		fail_msg("the hub came up too close to the switch; start sooner");

	/* before: sup, whose step outlasts the switch by exactly its wait */
	press(h, "c1", 1);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.step, 1);
	assert_true(clock_wall_ms() < sw);
	assert_int_equal(fx_next_page(h, "mgr", &p2, (int)wait_ms + 10000), 0);
	assert_int_equal(p2.step, 2);
	assert_string_equal(p2.incident, p1.incident);
	/* the wait runs on the monotonic clock, elapsed_ms is told by the
	 * wall clock: SLACK_MS between them, an hour would be a switch */
	if (p2.elapsed_ms < wait_ms - SLACK_MS || p2.elapsed_ms >= wait_ms + 5000)
		fail_msg("step 2 paged %lld ms after the press, its wait is %lld"
		    " ms", (long long)p2.elapsed_ms, (long long)wait_ms);

	/* r2 came on duty at the switch: paged with step 2 of the first
	 * call too (the supervisor on duty since the press) */
	assert_int_equal(fx_next_page(h, "r2", &p3, 5000), 0);
	assert_string_equal(p3.incident, p1.incident);
	assert_int_equal(p3.step, 2);

	/* after: r2, by the new offset's wall clock */
	sleep_until_wall(sw + 1000);
	press(h, "c2", 2);
	assert_int_equal(fx_next_page(h, "r2", &p3, 5000), 0);
	assert_int_equal(p3.step, 1);
	h_pump(h, 200);
	assert_int_equal(fx_pages_to(h, "fac"), 0);

	/* UTC in the records: the two receptions as far apart as they were */
	t1 = h_sql_int(h, "hub.db", "SELECT received_at FROM incidents WHERE"
	    " id = %s", p1.incident);
	t2 = h_sql_int(h, "hub.db", "SELECT received_at FROM incidents WHERE"
	    " id = %s", p3.incident);
	assert_true(t1 < sw && t2 >= sw && t2 - t1 < 60000);
	assert_int_equal(FX_PC(h, &out, "incidents", "-c", h_path(h,
	    "hub.conf"), "--last", "2h"), 0);
	fx_assert_listed_at(h, tz, out, p1.incident);
	fx_assert_listed_at(h, tz, out, p3.incident);
	free(out);
}

static int
setup(void **state)
{
	return fx_setup(state, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_across_the_switch, setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
