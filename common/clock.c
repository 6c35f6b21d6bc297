/* clock.c: time sources and the one timestamp format the protocol uses. */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>

int64_t
clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
clock_mono_ms(void)
{
	return clock_mono_ns() / 1000000;
}

int64_t
clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
clock_timerfd_arm(int fd, int64_t due_ns)
{
	struct itimerspec its;
	int64_t delay_ns;

	memset(&its, 0, sizeof its);
	if (due_ns >= 0) {
		delay_ns = due_ns - clock_mono_ns();
		/* an all-zero value would disarm: the past is 1 ns away */
		if (delay_ns < 1)
			delay_ns = 1;
		its.it_value.tv_sec = delay_ns / 1000000000;
		its.it_value.tv_nsec = delay_ns % 1000000000;
	}
	return timerfd_settime(fd, 0, &its, NULL);
}

char *
clock_iso_format(int64_t epoch_ms, char *buf)
{
	time_t secs = (time_t)(epoch_ms / 1000);
	int ms = (int)(epoch_ms % 1000);
	struct tm tm;
	char tmp[80];	/* roomy: the compiler cannot bound tm's fields */

	if (ms < 0) {	/* before 1970: floor, not truncate */
		ms += 1000;
		secs -= 1;
	}
	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	memcpy(buf, tmp, CLOCK_ISO_LEN - 1);
	buf[CLOCK_ISO_LEN - 1] = '\0';
	return buf;
}

/* Read n decimal digits at s; -1 if any is not a digit. */
static int
clock_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
clock_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int
clock_iso_parse(const char *s, size_t len, int64_t *epoch_ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, ms = 0;

	if (len != 20 && len != 24)
		return -1;
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[len - 1] != 'Z')
		return -1;
	if (len == 24) {
		if (s[19] != '.' || (ms = clock_digits(s + 20, 3)) < 0)
			return -1;
	}
	y = clock_digits(s, 4);
	mo = clock_digits(s + 5, 2);
	d = clock_digits(s + 8, 2);
	h = clock_digits(s + 11, 2);
	mi = clock_digits(s + 14, 2);
	sec = clock_digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*epoch_ms = ((clock_days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + sec) * 1000) + ms;
	return 0;
}

char *
clock_fmt_duration(int64_t ms, char *buf, size_t size)
{
	const char *sign = "";
	int64_t s;

	if (ms < 0) {
		sign = "-";
		ms = -ms;
	}
	s = (ms + 500) / 1000;
	if (ms < 59950)
		snprintf(buf, size, "%s%.1fs", sign, (double)ms / 1000.0);
	else if (s < 3600)
		snprintf(buf, size, "%s%lldm%02llds", sign, (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%s%lldh%02lldm", sign,
		    (long long)(s / 3600), (long long)(s / 60 % 60));
	else
		snprintf(buf, size, "%s%lldd%02lldh", sign,
		    (long long)(s / 86400), (long long)(s / 3600 % 24));
	return buf;
}

