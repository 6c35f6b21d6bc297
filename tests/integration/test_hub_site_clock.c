/* test_hub_site_clock.c: the rules of the day, by the branch's own clock,
 * on whatever day this runs. The shifts are written around the present
 * moment at the site (a three-minute window that only the site's local
 * time can hit) and the date exceptions around the shift's date (one that
 * applies today, one yesterday and a holiday tomorrow that must not), so a
 * hub that read the machine's zone, the wrong date or the wrong side of a
 * midnight pages somebody else. panicctl then shows the incidents at the
 * site's local time and finds them under the site's date. The site's zone
 * is $PANIC_TEST_SITE_TZ (default Asia/Tokyo); the date matrix
 * (tests/dates) runs this at New Year, 29 February, both daylight-saving
 * switches and with the machine's TZ set elsewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"
#include "sitetime.h"

#define SITE_TZ_DEFAULT "Asia/Tokyo"

struct world {
	struct harness *h;
	const char *tz;
	char date[11];		/* the local date the window's shift starts */
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	if (!w || !(w->h = h_new())) {
		free(w);
		return -1;
	}
	w->tz = st_site_tz(SITE_TZ_DEFAULT);
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;
	int rc = h_free(w->h);

	free(w);
	return rc;
}

/* A help press at counter, published as its board would. */
static void
press(struct harness *h, const char *counter, uint64_t seq)
{
	assert_int_equal(fx_publish_help(h, counter, "5173c10c5173c10c", seq), 0);
}

/* hub.conf: zones A (c1) and B (c3) covered, in the minute before now to
 * two minutes after it, by sup (A) and bak (B); the rest of the week by
 * fac. bak is away on the window's date (r2 stands in), sup was away the
 * day before (sec stood in), and the day after is a holiday. */
static void
write_conf(struct world *w)
{
	char shifts[1024], exceptions[512], before[11], after[11];
	struct tm tm;
	int now_min, from, to, day;

	assert_int_equal(st_local(w->tz, clock_wall_ms(), &tm), 0);
	now_min = tm.tm_hour * 60 + tm.tm_min;
	from = (now_min + 1439) % 1440;
	to = (now_min + 2) % 1440;
	/* at 00:00 the window opened yesterday and runs past midnight */
	day = now_min == 0 ? -1 : 0;
	st_date_add(&tm, day, w->date);
	st_date_add(&tm, day - 1, before);
	st_date_add(&tm, day + 1, after);
	snprintf(shifts, sizeof shifts,
	    "{ zone = \"A\"; days = [ \"%s\" ]; from = \"%02d:%02d\";"
	    " to = \"%02d:%02d\"; supervisor = \"sup\"; backup = \"bak\"; },\n"
	    "  { zone = \"B\"; days = [ \"%s\" ]; from = \"%02d:%02d\";"
	    " to = \"%02d:%02d\"; supervisor = \"bak\"; },\n"
	    "  { zone = \"A\"; days = [ \"mon\", \"tue\", \"wed\", \"thu\","
	    " \"fri\", \"sat\", \"sun\" ]; from = \"00:00\"; to = \"24:00\";"
	    " supervisor = \"fac\"; },\n"
	    "  { zone = \"B\"; days = [ \"mon\", \"tue\", \"wed\", \"thu\","
	    " \"fri\", \"sat\", \"sun\" ]; from = \"00:00\"; to = \"24:00\";"
	    " supervisor = \"fac\"; }",
	    st_day_name((tm.tm_wday + 7 + day) % 7), from / 60, from % 60,
	    to / 60, to % 60, st_day_name((tm.tm_wday + 7 + day) % 7),
	    from / 60, from % 60, to / 60, to % 60);
	snprintf(exceptions, sizeof exceptions,
	    "{ type = \"absence\"; date = \"%s\"; person = \"bak\";"
	    " replacement = \"r2\"; },\n"
	    "  { type = \"absence\"; date = \"%s\"; person = \"sup\";"
	    " replacement = \"sec\"; },\n"
	    "  { type = \"holiday\"; date = \"%s\"; }", w->date, before, after);
	print_message("# site %s, now %s %02d:%02d:%02d; window %s %02d:%02d-"
	    "%02d:%02d; machine TZ=%s\n", w->tz, st_day_name(tm.tm_wday),
	    tm.tm_hour, tm.tm_min, tm.tm_sec, w->date, from / 60, from % 60,
	    to / 60, to % 60, getenv("TZ") ? getenv("TZ") : "(unset)");
	const struct fx_sched sc = {
		.timezone = w->tz,
		.zones = "{ id = \"A\"; name = \"窓口\"; },"
		    " { id = \"B\"; name = \"相談室\"; }",
		.counters = "{ id = \"c1\"; label = \"1番窓口\"; zone = \"A\"; },"
		    " { id = \"c3\"; label = \"相談室1\"; zone = \"B\"; }",
		.shifts = shifts,
		.exceptions = exceptions,
	};
	assert_non_null(fx_hub_conf_sched(w->h, 60000, NULL, &sc));
}

static void
test_rules_of_the_day(void **state)
{
	struct world *w = *state;
	struct proto_page a, b;
	char *out, day[11];

	write_conf(w);
	assert_true(fx_hub_start(w->h) > 0);

	/* zone A: the window's supervisor, not yesterday's stand-in, not
	 * the holiday's fallback, not the rest of the week's */
	press(w->h, "c1", 1);
	assert_int_equal(fx_next_page(w->h, "sup", &a, 5000), 0);
	assert_int_equal(a.type, PROTO_PAGE_PAGE);
	assert_int_equal(a.step, 1);
	/* zone B: today's absence applies, r2 stands in for bak */
	press(w->h, "c3", 2);
	assert_int_equal(fx_next_page(w->h, "r2", &b, 5000), 0);
	assert_int_equal(b.type, PROTO_PAGE_PAGE);
	assert_int_equal(b.step, 1);
	assert_string_not_equal(a.incident, b.incident);
	h_pump(w->h, 200);
	assert_int_equal(fx_pages_to(w->h, "fac"), 0);
	assert_int_equal(fx_pages_to(w->h, "sec"), 0);
	assert_int_equal(fx_pages_to(w->h, "bak"), 0);
	assert_int_equal(fx_pages_to(w->h, "mgr"), 0);

	/* the review shows them at the site's time, under the site's date */
	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1h"), 0);
	fx_assert_listed_at(w->h, w->tz, out, a.incident);
	fx_assert_listed_at(w->h, w->tz, out, b.incident);
	free(out);
	st_format(w->tz, h_sql_int(w->h, "hub.db", "SELECT received_at FROM"
	    " incidents WHERE id = %s", a.incident), "%Y-%m-%d", day,
	    sizeof day);
	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c",
	    h_path(w->h, "hub.conf"), "--from", day, "--to", day), 0);
	fx_assert_listed_at(w->h, w->tz, out, a.incident);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rules_of_the_day, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
