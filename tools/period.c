/* period.c: command-line times and periods in the site's time zone, and
 * their display. The C library does the zone arithmetic (mktime under TZ),
 * so daylight saving and odd offsets come out as the system knows them. */
#include "period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PERIOD_YEAR_MS	(366LL * 86400 * 1000)

int
period_tz(const char *tz)
{
	if (setenv("TZ", tz, 1) < 0)
		return -1;
	tzset();
	return 0;
}

/* n digits at s as a number; -1 if any is not a digit. */
static int
period_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Read "YYYY-MM-DD" at s into tm's date fields; 0 or -1. */
static int
period_date_tm(const char *s, struct tm *tm)
{
	int y = period_digits(s, 4), m, d;

	if (y < 1970 || s[4] != '-' || (m = period_digits(s + 5, 2)) < 1 ||
	    m > 12 || s[7] != '-' || (d = period_digits(s + 8, 2)) < 1 || d > 31)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_isdst = -1;
	return 0;
}

/* 1 if tm still names the date it was given (31 April normalises away). */
static int
period_same_date(const struct tm *tm, int y, int m, int d)
{
	return tm->tm_year == y && tm->tm_mon == m && tm->tm_mday == d;
}

int
period_parse_date(const char *s)
{
	struct tm tm;
	int y, m, d;

	if (strlen(s) != 10 || period_date_tm(s, &tm) < 0)
		return -1;
	y = tm.tm_year;
	m = tm.tm_mon;
	d = tm.tm_mday;
	tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1 || !period_same_date(&tm, y, m, d))
		return -1;
	return (y + 1900) * 10000 + (m + 1) * 100 + d;
}

int
period_parse_hhmm(const char *s, int allow_24)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || (h = period_digits(s, 2)) < 0 ||
	    (m = period_digits(s + 3, 2)) < 0 || m > 59)
		return -1;
	if (h == 24 && m == 0 && allow_24)
		return 1440;
	return h < 24 ? h * 60 + m : -1;
}

int
period_parse_time(const char *s, int end, int64_t *ms)
{
	size_t len = strlen(s);
	int utc = len > 10 && s[len - 1] == 'Z';
	int y, mo, d, hh = 0, mm = 0, ss = 0;
	struct tm tm;
	time_t t;

	if (utc)
		len--;
	if (len < 10 || period_date_tm(s, &tm) < 0)
		return -1;
	y = tm.tm_year;
	mo = tm.tm_mon;
	d = tm.tm_mday;
	if (len > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || (len != 16 && len != 19) ||
		    (hh = period_digits(s + 11, 2)) < 0 || hh > 23 ||
		    s[13] != ':' || (mm = period_digits(s + 14, 2)) < 0 ||
		    mm > 59)
			return -1;
		if (len == 19 && (s[16] != ':' ||
		    (ss = period_digits(s + 17, 2)) < 0 || ss > 59))
			return -1;
	} else if (utc) {
		return -1;		/* "2026-11-01Z": say a time */
	}
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || !period_same_date(&tm, y, mo, d))
		return -1;
	if (end && len == 10) {
		/* the next local midnight, whatever daylight saving does */
		tm.tm_mday++;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -1;
	}
	*ms = (int64_t)t * 1000;
	return 0;
}

int
period_parse_duration(const char *s, int64_t *ms)
{
	int64_t total = 0;
	int parts = 0;

	if (!*s)
		return -1;
	while (*s) {
		int64_t v = 0, unit;
		int digits = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			v = v * 10 + (*s - '0');
			if (v > PERIOD_YEAR_MS)
				return -1;
		}
		if (!digits)
			return -1;
		if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (*s == 's' || *s == 'm' || *s == 'h') {
			unit = *s == 's' ? 1000 : *s == 'm' ? 60000 : 3600000;
			s++;
		} else if (!*s && parts == 0) {
			unit = 1000;	/* a bare number: seconds */
		} else {
			return -1;
		}
		total += v * unit;
		if (total > PERIOD_YEAR_MS)
			return -1;
		parts++;
	}
	*ms = total;
	return 0;
}

/* Days in month mon (0-11) of year (since 1900). */
static int
period_month_days(int year, int mon)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y = year + 1900;

	if (mon == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return days[mon];
}

/* now minus "30d", "12w", "6m", "1y", "24h" on the local calendar. */
static int
period_last(const char *s, int64_t now_ms, int64_t *from_ms)
{
	time_t now = (time_t)(now_ms / 1000), t;
	char *end;
	long n;
	struct tm tm;
	int mon;

	if (*s < '0' || *s > '9')
		return -1;
	n = strtol(s, &end, 10);
	if (n <= 0 || n > 1000 || !end[0] || end[1])
		return -1;
	if (*end == 'h') {
		*from_ms = now_ms - (int64_t)n * 3600000;
		return 0;
	}
	localtime_r(&now, &tm);
	tm.tm_isdst = -1;
	switch (*end) {
	case 'd':
		tm.tm_mday -= (int)n;
		break;
	case 'w':
		tm.tm_mday -= 7 * (int)n;
		break;
	case 'm':
	case 'y':
		/* 31 May less 3 months is the end of February, not 3 March */
		mon = tm.tm_year * 12 + tm.tm_mon -
		    (int)(*end == 'm' ? n : 12 * n);
		/* before 1900 mon is negative: divide rounding down, so that
		 * tm_mon stays 0..11 (--last 201y from 2025) */
		tm.tm_year = mon >= 0 ? mon / 12 : -((11 - mon) / 12);
		tm.tm_mon = mon - tm.tm_year * 12;
		if (tm.tm_mday > period_month_days(tm.tm_year, tm.tm_mon))
			tm.tm_mday = period_month_days(tm.tm_year, tm.tm_mon);
		break;
	default:
		return -1;
	}
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*from_ms = (int64_t)t * 1000 + now_ms % 1000;
	return 0;
}

int
period_resolve(const char *from, const char *to, const char *last,
    const char *def_last, int64_t now_ms, struct period *p, char *err,
    size_t errlen)
{
	static const char form[] = "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], "
	    "local time; Z at the end for UTC";
	char a[32], b[32];

	if (last && (from || to)) {
		snprintf(err, errlen, "--last cannot be combined with --from "
		    "or --to");
		return -1;
	}
	if (!from && !to && !last)
		last = def_last;
	p->from_ms = 0;
	p->to_ms = now_ms;
	if (last && period_last(last, now_ms, &p->from_ms) < 0) {
		snprintf(err, errlen, "--last: \"%s\" is not a length such as "
		    "24h, 30d, 12w, 6m (months) or 1y", last);
		return -1;
	}
	if (from && period_parse_time(from, 0, &p->from_ms) < 0) {
		snprintf(err, errlen, "--from: \"%s\" is not a date or time (%s)",
		    from, form);
		return -1;
	}
	if (to && period_parse_time(to, 1, &p->to_ms) < 0) {
		snprintf(err, errlen, "--to: \"%s\" is not a date or time (%s)",
		    to, form);
		return -1;
	}
	if (p->from_ms >= p->to_ms) {
		snprintf(err, errlen, "the period is empty: it ends (%s) before "
		    "it begins (%s)", period_fmt_min(p->to_ms, b, sizeof b),
		    period_fmt_min(p->from_ms, a, sizeof a));
		return -1;
	}
	snprintf(p->text, sizeof p->text, "%s – %s",
	    p->from_ms ? period_fmt_min(p->from_ms, a, sizeof a) : "the start",
	    period_fmt_min(p->to_ms, b, sizeof b));
	return 0;
}

int
period_local(int64_t ms, struct period_local *out)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	out->date = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
	out->wday = tm.tm_wday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_hour * 60 + tm.tm_min;
	out->sec = tm.tm_sec;
	out->ms = (int)(ms - (int64_t)t * 1000);
	out->gmtoff_s = tm.tm_gmtoff;
	return 0;
}

char *
period_fmt(int64_t ms, int with_ms, char *buf, size_t size)
{
	struct period_local l;

	if (period_local(ms, &l) < 0) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (with_ms)
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%03d",
		    l.date / 10000, l.date / 100 % 100, l.date % 100, l.hour,
		    l.minute % 60, l.sec, l.ms);
	else
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d",
		    l.date / 10000, l.date / 100 % 100, l.date % 100, l.hour,
		    l.minute % 60, l.sec);
	return buf;
}

char *
period_fmt_min(int64_t ms, char *buf, size_t size)
{
	struct period_local l;

	if (period_local(ms, &l) < 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", l.date / 10000,
		    l.date / 100 % 100, l.date % 100, l.hour, l.minute % 60);
	return buf;
}

const char *
period_day_name(int wday)
{
	static const char *const names[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};

	return wday >= 0 && wday < 7 ? names[wday] : "?";
}
