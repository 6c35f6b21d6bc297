/* sitetime.c: the branch's local time as the tests' own oracle. */
#include "sitetime.h"

#include <stdlib.h>
#include <string.h>

const char *
st_site_tz(const char *dflt)
{
	const char *tz = getenv("PANIC_TEST_SITE_TZ");

	return tz && *tz ? tz : dflt;
}

/* Run localtime_r under TZ=tz, then put the process's TZ back: children
 * started later must see the machine's zone. */
int
st_local(const char *tz, int64_t epoch_ms, struct tm *tm)
{
	const char *was = getenv("TZ");
	char *saved = was ? strdup(was) : NULL;
	time_t t = (time_t)(epoch_ms / 1000);
	int rc;

	if (was && !saved)
		return -1;
	setenv("TZ", tz, 1);
	tzset();
	rc = localtime_r(&t, tm) ? 0 : -1;
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	return rc;
}

const char *
st_day_name(int wday)
{
	static const char *const names[] = { "sun", "mon", "tue", "wed",
	    "thu", "fri", "sat" };

	return wday >= 0 && wday < 7 ? names[wday] : "?";
}

char *
st_date_add(const struct tm *tm, int days, char *buf)
{
	/* noon UTC of that date: day arithmetic without any zone */
	struct tm d = { .tm_year = tm->tm_year, .tm_mon = tm->tm_mon,
	    .tm_mday = tm->tm_mday + days, .tm_hour = 12 };
	time_t t = timegm(&d);

	gmtime_r(&t, &d);
	strftime(buf, 11, "%Y-%m-%d", &d);
	return buf;
}

char *
st_format(const char *tz, int64_t epoch_ms, const char *fmt, char *buf,
    size_t size)
{
	struct tm tm;

	/* fmt is the caller's, checked at the call by the format attribute */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (st_local(tz, epoch_ms, &tm) < 0 || strftime(buf, size, fmt, &tm) == 0)
		buf[0] = '\0';
#pragma GCC diagnostic pop
	return buf;
}

int64_t
st_next_switch(const char *tz, int64_t from_ms, int64_t within_ms)
{
	struct tm tm;
	long off;

	if (st_local(tz, from_ms, &tm) < 0)
		return -1;
	off = tm.tm_gmtoff;
	for (int64_t t = from_ms / 1000 * 1000 + 1000; t <= from_ms + within_ms;
	    t += 1000) {
		if (st_local(tz, t, &tm) < 0)
			return -1;
		if (tm.tm_gmtoff != off)
			return t;
	}
	return -1;
}
