/* test_clock.c: the protocol's one timestamp form, ISO 8601 UTC with
 * milliseconds — exact values, round trips, and what is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Known instants, checked both ways. */
static const struct {
	int64_t ms;
	const char *iso;
} known[] = {
	{ 0, "1970-01-01T00:00:00.000Z" },
	{ 1, "1970-01-01T00:00:00.001Z" },
	{ 999, "1970-01-01T00:00:00.999Z" },
	{ 86399999, "1970-01-01T23:59:59.999Z" },
	{ INT64_C(951782400000), "2000-02-29T00:00:00.000Z" },	/* 400-year leap */
	{ INT64_C(951868799999), "2000-02-29T23:59:59.999Z" },
	{ INT64_C(951868800000), "2000-03-01T00:00:00.000Z" },
	{ INT64_C(1709164800000), "2024-02-29T00:00:00.000Z" },
	{ INT64_C(1709251200000), "2024-03-01T00:00:00.000Z" },
	{ INT64_C(1735689599999), "2024-12-31T23:59:59.999Z" },	/* leap year end */
	{ INT64_C(1735689600000), "2025-01-01T00:00:00.000Z" },
	{ INT64_C(1764306723123), "2025-11-28T05:12:03.123Z" },
	{ INT64_C(2147483647000), "2038-01-19T03:14:07.000Z" },
	{ INT64_C(2147483648000), "2038-01-19T03:14:08.000Z" },
	{ INT64_C(4107542400000), "2100-03-01T00:00:00.000Z" },	/* no Feb 29 */
	{ INT64_C(253402300799999), "9999-12-31T23:59:59.999Z" },
};

static void
test_format_known(void **state)
{
	char buf[CLOCK_ISO_LEN];

	(void)state;
	for (size_t i = 0; i < NELEM(known); i++) {
		assert_ptr_equal(clock_iso_format(known[i].ms, buf), buf);
		assert_string_equal(buf, known[i].iso);
		assert_int_equal(strlen(buf), CLOCK_ISO_LEN - 1);
	}
}

static void
test_parse_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(known); i++) {
		int64_t ms = -1;

		assert_int_equal(clock_iso_parse(known[i].iso,
		    strlen(known[i].iso), &ms), 0);
		assert_int_equal(ms, known[i].ms);
	}
}

/* Format then parse: every millisecond of a leap day's edges, and a
 * spread of instants across four centuries. */
static void
test_roundtrip(void **state)
{
	char buf[CLOCK_ISO_LEN];
	int64_t ms, back;

	(void)state;
	for (ms = INT64_C(1709164800000) - 1500;
	    ms < INT64_C(1709164800000) + 1500; ms++) {
		clock_iso_format(ms, buf);
		assert_int_equal(clock_iso_parse(buf, strlen(buf), &back), 0);
		assert_int_equal(back, ms);
	}
	for (ms = 0; ms < INT64_C(253402300799999);
	    ms += INT64_C(7777777777777)) {
		clock_iso_format(ms, buf);
		assert_int_equal(clock_iso_parse(buf, strlen(buf), &back), 0);
		assert_int_equal(back, ms);
	}
}

static void
test_parse_without_ms(void **state)
{
	int64_t ms = -1;

	(void)state;
	assert_int_equal(clock_iso_parse("2025-11-28T05:12:03Z", 20, &ms), 0);
	assert_int_equal(ms, INT64_C(1764306723000));
	/* a leap second reads as the next minute's first */
	assert_int_equal(clock_iso_parse("2016-12-31T23:59:60Z", 20, &ms), 0);
	assert_int_equal(ms, INT64_C(1483228800000));
}

static void
test_parse_rejects(void **state)
{
	static const char *const rows[] = {
		"",
		"2025",
		"2025-11-28",
		"2025-11-28T05:12:03",		/* no Z */
		"2025-11-28T05:12:03.123",
		"2025-11-28T05:12:03.12Z",	/* 23 */
		"2025-11-28T05:12:03.1Z",	/* 22 */
		"2025-11-28T05:12:03.Z",	/* 21 */
		"2025-11-28T05:12:3Z",		/* 19 */
		"2025-11-28T05:12:03.1234Z",	/* 25 */
		"2025-11-28T05:12:03.123z",
		"2025-11-28t05:12:03.123Z",
		"2025-11-28 05:12:03.123Z",
		"2025/11/28T05:12:03.123Z",
		"2025-11-28T05-12-03.123Z",
		"2025-11-28T05:12:03,123Z",
		"2025-11-28T05:12:03+0900",
		"2025-11-28T05:12:03.123+",
		"+025-11-28T05:12:03.123Z",
		"2025-1a-28T05:12:03.123Z",
		"2025-11-28T05:12:0x.123Z",
		"2025-11-28T05:12:03.12aZ",
		"2025-11-28T05:12:03.-12Z",
		"2025- 1-28T05:12:03.123Z",
		"1969-12-31T23:59:59.999Z",	/* before the epoch */
		"0000-01-01T00:00:00.000Z",
		"2025-00-10T00:00:00.000Z",
		"2025-13-10T00:00:00.000Z",
		"2025-01-00T00:00:00.000Z",
		"2025-01-32T00:00:00.000Z",
		"2025-04-31T00:00:00.000Z",
		"2025-06-31T00:00:00.000Z",
		"2025-09-31T00:00:00.000Z",
		"2025-11-31T00:00:00.000Z",
		"2025-02-29T00:00:00.000Z",	/* not a leap year */
		"2023-02-29T00:00:00.000Z",
		"2100-02-29T00:00:00.000Z",	/* century, not leap */
		"2200-02-29T00:00:00.000Z",
		"2024-02-30T00:00:00.000Z",
		"2025-11-28T24:00:00.000Z",
		"2025-11-28T23:60:00.000Z",
		"2025-11-28T23:59:61.000Z",
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		int64_t ms = 12345;

		if (clock_iso_parse(rows[i], strlen(rows[i]), &ms) != -1)
			fail_msg("accepted \"%s\"", rows[i]);
		assert_int_equal(ms, 12345);
	}
}

/* The length, not a NUL, ends the input; nothing past it is read. */
static void
test_parse_length(void **state)
{
	const char *s = "2025-11-28T05:12:03.123Z";
	int64_t ms;

	(void)state;
	for (size_t n = 0; n <= strlen(s); n++) {
		char *p = malloc(n ? n : 1);
		int want = (n == 24) ? 0 : -1;

		assert_non_null(p);
		memcpy(p, s, n);
		assert_int_equal(clock_iso_parse(p, n, &ms), want);
		free(p);
	}
	/* a valid time followed by more bytes within len is refused */
	assert_int_equal(clock_iso_parse("2025-11-28T05:12:03.123Z0", 25, &ms),
	    -1);
	/* a valid prefix of a longer buffer is read as its own */
	assert_int_equal(clock_iso_parse("2025-11-28T05:12:03Zjunk", 20, &ms),
	    0);
	assert_int_equal(ms, INT64_C(1764306723000));
}

/* Before 1970 the milliseconds floor rather than go negative. */
static void
test_format_before_epoch(void **state)
{
	char buf[CLOCK_ISO_LEN];

	(void)state;
	assert_string_equal(clock_iso_format(-1, buf),
	    "1969-12-31T23:59:59.999Z");
	assert_string_equal(clock_iso_format(-1000, buf),
	    "1969-12-31T23:59:59.000Z");
	assert_string_equal(clock_iso_format(-1001, buf),
	    "1969-12-31T23:59:58.999Z");
}

static void
test_sources(void **state)
{
	int64_t a = clock_mono_ms(), b = clock_mono_ms();
	int64_t ns = clock_mono_ns();
	int64_t wall = clock_wall_ms();

	(void)state;
	assert_true(b >= a);
	assert_true(ns / 1000000 >= b);
	/* after 2020-01-01 and before 9999 */
	assert_true(wall > INT64_C(1577836800000));
	assert_true(wall < INT64_C(253402300799999));
}

/* The kernel holds a delay, not the absolute deadline: what it reports
 * left is at most the distance to the deadline; a past deadline fires at
 * once; -1 disarms. */
static void
test_timerfd_arm(void **state)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec its;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t now = clock_mono_ns(), left;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(clock_timerfd_arm(fd, now + 5000000000LL), 0);
	assert_int_equal(timerfd_gettime(fd, &its), 0);
	assert_int_equal(its.it_interval.tv_sec, 0);
	left = (int64_t)its.it_value.tv_sec * 1000000000 + its.it_value.tv_nsec;
	assert_true(left > 0 && left <= 5000000000LL);
	assert_int_equal(poll(&p, 1, 0), 0);

	assert_int_equal(clock_timerfd_arm(fd, now - 1000), 0);
	assert_int_equal(poll(&p, 1, 5000), 1);

	assert_int_equal(clock_timerfd_arm(fd, -1), 0);
	assert_int_equal(timerfd_gettime(fd, &its), 0);
	assert_int_equal(its.it_value.tv_sec, 0);
	assert_int_equal(its.it_value.tv_nsec, 0);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_known),
		cmocka_unit_test(test_parse_known),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_without_ms),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_length),
		cmocka_unit_test(test_format_before_epoch),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_timerfd_arm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
