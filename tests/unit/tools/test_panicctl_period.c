/* test_panicctl_period.c: command-line times in the site's zone — dates
 * and times as local midnight or UTC, the end of a --to day across daylight
 * saving, --last on the calendar, durations, and their display. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "clock.h"
#include "period.h"

static int64_t
utc(int y, int mo, int d, int hh, int mm, int ss)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = hh, .tm_min = mm, .tm_sec = ss };

	return (int64_t)timegm(&tm) * 1000;
}

static void
test_parse_time_tokyo(void **state)
{
	static const struct {
		const char *s;
		int end;
		int64_t want;
	} ok[] = {
		/* local midnight in Tokyo is 15:00 UTC the day before */
		{ "2026-11-30", 0, 0 },
		{ "2026-11-30", 1, 1 },
		{ "2026-11-30T23:59:59", 0, 2 },
		{ "2026-11-30 23:59", 0, 3 },
		{ "2026-11-30T14:59:59Z", 0, 2 },
		{ "2026-11-30T15:00Z", 1, 4 },	/* end: only bare dates move */
	};
	int64_t want[5] = {
		utc(2026, 11, 29, 15, 0, 0), utc(2026, 11, 30, 15, 0, 0),
		utc(2026, 11, 30, 14, 59, 59), utc(2026, 11, 30, 14, 59, 0),
		utc(2026, 11, 30, 15, 0, 0),
	};
	static const char *const bad[] = {
		"", "2026", "2026-13-01", "2026-02-30", "2026-11-31",
		"2026-11-30Z", "2026-11-30T24:00", "2026-11-30T9:00",
		"2026-11-30T09:60", "20261130", "2026-11-30T09:00:00+09:00",
		"1969-12-31", "2026-11-30T09:00:61", "2026-11-30x",
	};
	int64_t ms;

	(void)state;
	assert_int_equal(period_tz("Asia/Tokyo"), 0);
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_int_equal(period_parse_time(ok[i].s, ok[i].end, &ms), 0);
		assert_true(ms == want[ok[i].want]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(period_parse_time(bad[i], 0, &ms), -1);
}

/* The end of a day whose clocks go forward is 23 hours after its start. */
static void
test_dst_day(void **state)
{
	int64_t a, b;

	(void)state;
	assert_int_equal(period_tz("Europe/Berlin"), 0);
	assert_int_equal(period_parse_time("2026-03-29", 0, &a), 0);
	assert_int_equal(period_parse_time("2026-03-29", 1, &b), 0);
	assert_true(a == utc(2026, 3, 28, 23, 0, 0));
	assert_true(b == utc(2026, 3, 29, 22, 0, 0));
	assert_true(b - a == 23 * 3600000LL);
}

static void
test_dates_and_hours(void **state)
{
	(void)state;
	assert_int_equal(period_parse_date("2026-12-29"), 20261229);
	assert_int_equal(period_parse_date("2028-02-29"), 20280229);
	assert_int_equal(period_parse_date("2026-02-29"), -1);
	assert_int_equal(period_parse_date("2026-12-29T00:00"), -1);
	assert_int_equal(period_parse_hhmm("00:00", 0), 0);
	assert_int_equal(period_parse_hhmm("23:59", 0), 1439);
	assert_int_equal(period_parse_hhmm("24:00", 1), 1440);
	assert_int_equal(period_parse_hhmm("24:00", 0), -1);
	assert_int_equal(period_parse_hhmm("12:60", 0), -1);
	assert_int_equal(period_parse_hhmm("9:00", 0), -1);
}

static void
test_durations(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;
	} ok[] = {
		{ "60s", 60000 }, { "3m", 180000 }, { "1m30s", 90000 },
		{ "500ms", 500 }, { "90", 90000 }, { "2h", 7200000 },
		{ "1h1m1s1ms", 3661001 }, { "0s", 0 },
	};
	static const char *const bad[] = {
		"", "s", "1x", "1.5s", "-1s", "1s2", "m", "60 s", "9999999999h",
	};
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_int_equal(period_parse_duration(ok[i].s, &ms), 0);
		assert_true(ms == ok[i].ms);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(period_parse_duration(bad[i], &ms), -1);
}

static void
test_resolve(void **state)
{
	struct period p;
	char err[256];
	int64_t now;

	(void)state;
	assert_int_equal(period_tz("Asia/Tokyo"), 0);
	now = utc(2026, 8, 31, 3, 0, 0) + 123;	/* 12:00 in Tokyo */
	assert_int_equal(period_resolve(NULL, NULL, "30d", NULL, now, &p, err,
	    sizeof err), 0);
	assert_true(p.from_ms == now - 30 * 86400000LL && p.to_ms == now);
	assert_string_equal(p.text, "2026-08-01 12:00 – 2026-08-31 12:00");
	/* months on the calendar: 31 August less 6 months is 28 February */
	assert_int_equal(period_resolve(NULL, NULL, "6m", NULL, now, &p, err,
	    sizeof err), 0);
	assert_true(p.from_ms == utc(2026, 2, 28, 3, 0, 0) + 123);
	assert_int_equal(period_resolve(NULL, NULL, "12w", NULL, now, &p, err,
	    sizeof err), 0);
	assert_true(p.from_ms == now - 84 * 86400000LL);
	assert_int_equal(period_resolve(NULL, NULL, NULL, "24h", now, &p, err,
	    sizeof err), 0);
	assert_true(p.from_ms == now - 86400000LL);
	/* --from alone runs to now; --to alone from the start */
	assert_int_equal(period_resolve("2026-08-01", NULL, NULL, "30d", now,
	    &p, err, sizeof err), 0);
	assert_true(p.from_ms == utc(2026, 7, 31, 15, 0, 0) && p.to_ms == now);
	assert_int_equal(period_resolve(NULL, "2026-08-01", NULL, "30d", now,
	    &p, err, sizeof err), 0);
	assert_true(p.from_ms == 0 && p.to_ms == utc(2026, 8, 1, 15, 0, 0));
	assert_string_equal(p.text, "the start – 2026-08-02 00:00");

	assert_int_equal(period_resolve("2026-08-01", NULL, "30d", NULL, now,
	    &p, err, sizeof err), -1);
	assert_string_equal(err, "--last cannot be combined with --from or --to");
	assert_int_equal(period_resolve("2026-08-02", "2026-08-01", NULL, NULL,
	    now, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "the period is empty"));
	assert_int_equal(period_resolve(NULL, NULL, "0d", NULL, now, &p, err,
	    sizeof err), -1);
	assert_int_equal(period_resolve(NULL, NULL, "30", NULL, now, &p, err,
	    sizeof err), -1);
	assert_int_equal(period_resolve(NULL, NULL, "d", NULL, now, &p, err,
	    sizeof err), -1);
}

static void
test_last_year_from_leap_day(void **state)
{
	struct period p;
	char err[256];

	(void)state;
	assert_int_equal(period_tz("UTC"), 0);
	assert_int_equal(period_resolve(NULL, NULL, "1y", NULL,
	    utc(2028, 2, 29, 10, 0, 0), &p, err, sizeof err), 0);
	assert_true(p.from_ms == utc(2027, 2, 28, 10, 0, 0));
}

/* Found by fuzz_period: "--last 201y" in November reached back before 1900,
 * where the month index went negative and read before a table. */
static void
test_last_before_1900(void **state)
{
	struct period p;
	char err[256];
	int64_t now = utc(2025, 11, 28, 5, 12, 3) + 123;

	(void)state;
	assert_int_equal(period_tz("UTC"), 0);
	assert_int_equal(period_resolve(NULL, NULL, "201y", NULL, now, &p, err,
	    sizeof err), 0);
	assert_true(p.from_ms == utc(1824, 11, 28, 5, 12, 3) + 123);
	assert_int_equal(period_resolve(NULL, NULL, "1000m", NULL, now, &p,
	    err, sizeof err), 0);
	assert_true(p.from_ms == utc(1942, 7, 28, 5, 12, 3) + 123);
	assert_int_equal(period_resolve(NULL, NULL, "1000y", NULL, now, &p,
	    err, sizeof err), 0);
	assert_true(p.from_ms == utc(1025, 11, 28, 5, 12, 3) + 123);
}

static void
test_local_and_display(void **state)
{
	static const struct {
		int64_t ms;
		const char *text;
	} durations[] = {
		{ 0, "0.0s" }, { 800, "0.8s" }, { 14200, "14.2s" },
		{ 59949, "59.9s" }, { 59950, "1m00s" }, { 112000, "1m52s" },
		{ 3599499, "59m59s" }, { 3600000, "1h00m" },
		{ 90061000, "1d01h" }, { -1500, "-1.5s" },
	};
	struct period_local l;
	char buf[64];

	(void)state;
	assert_int_equal(period_tz("Asia/Tokyo"), 0);
	/* 14:59:59.5 UTC on Monday 30 November is 23:59:59 there */
	assert_int_equal(period_local(utc(2026, 11, 30, 14, 59, 59) + 500, &l),
	    0);
	assert_int_equal(l.date, 20261130);
	assert_int_equal(l.wday, 1);
	assert_int_equal(l.hour, 23);
	assert_int_equal(l.minute, 1439);
	assert_int_equal(l.ms, 500);
	assert_string_equal(period_fmt(utc(2026, 11, 30, 14, 59, 59) + 500, 1,
	    buf, sizeof buf), "2026-11-30 23:59:59.500");
	assert_int_equal(period_local(utc(2026, 11, 30, 15, 30, 0), &l), 0);
	assert_int_equal(l.date, 20261201);
	assert_int_equal(l.wday, 2);
	assert_int_equal(l.hour, 0);
	for (size_t i = 0; i < sizeof durations / sizeof *durations; i++)
		assert_string_equal(clock_fmt_duration(durations[i].ms, buf,
		    sizeof buf), durations[i].text);
	assert_string_equal(period_day_name(0), "Sun");
	assert_string_equal(period_day_name(6), "Sat");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time_tokyo),
		cmocka_unit_test(test_dst_day),
		cmocka_unit_test(test_dates_and_hours),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_last_year_from_leap_day),
		cmocka_unit_test(test_last_before_1900),
		cmocka_unit_test(test_local_and_display),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
