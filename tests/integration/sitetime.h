/* sitetime.h: the branch's local time, computed by the test itself (the C
 * library under the site's zone) as an oracle for what hubd and panicctl
 * must make of the same instant. The test process's own TZ is left as it
 * was, so the programs it starts inherit the machine's zone, not the
 * site's. */
#ifndef PANIC_SITETIME_H
#define PANIC_SITETIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The zone the tests run the site in: $PANIC_TEST_SITE_TZ, or dflt. */
const char *st_site_tz(const char *dflt);

/* epoch_ms broken down in zone tz into *tm (tm_gmtoff set). Returns 0/-1. */
int st_local(const char *tz, int64_t epoch_ms, struct tm *tm);

/* "mon" .. "sun" for tm_wday. */
const char *st_day_name(int wday);

/* The calendar date days after tm's (days may be negative), as
 * "YYYY-MM-DD" into buf (at least 11 bytes). Returns buf. */
char *st_date_add(const struct tm *tm, int days, char *buf);

/* strftime of epoch_ms in zone tz into buf. Returns buf ("" on error). */
char *st_format(const char *tz, int64_t epoch_ms, const char *fmt, char *buf,
    size_t size) __attribute__((format(strftime, 3, 0)));

/* The first whole second in [from_ms, from_ms + within_ms] at which zone
 * tz's UTC offset differs from its offset at from_ms, in epoch ms; -1 if
 * none. */
int64_t st_next_switch(const char *tz, int64_t from_ms, int64_t within_ms);

#endif
