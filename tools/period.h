/* period.h: times as panicctl's users give and read them — periods on the
 * command line (--from, --to, --last), durations (--ack-target 60s), and
 * UTC epoch milliseconds shown as the site's local date and time. */
#ifndef PANICCTL_PERIOD_H
#define PANICCTL_PERIOD_H

#include <stddef.h>
#include <stdint.h>

/* Make tz (an Olson name, "Asia/Tokyo") the zone of every local time below
 * (it sets TZ in the environment, as hub/rules.c does). Returns 0 or -1. */
int period_tz(const char *tz);

/* Parse a local date "YYYY-MM-DD" into yyyymmdd; -1 if it is not a valid
 * date. */
int period_parse_date(const char *s);
/* Parse "HH:MM" into minutes after midnight (00:00..23:59, and 24:00 only
 * if allow_24); -1 if invalid. */
int period_parse_hhmm(const char *s, int allow_24);

/* Parse a moment: "YYYY-MM-DD" (local midnight, or with end set the next
 * local midnight, so that --to names the last day included),
 * "YYYY-MM-DDTHH:MM[:SS]" or the same with a space (local time), or either
 * form ending in "Z" (UTC). Returns 0 and *ms, or -1. */
int period_parse_time(const char *s, int end, int64_t *ms);

/* Parse a duration: "500ms", "60s", "3m", "2h", "1m30s", or a bare number
 * of seconds. Returns 0 and *ms (0 .. a year), or -1. */
int period_parse_duration(const char *s, int64_t *ms);

/* A period [from_ms, to_ms), and how it was asked for. */
struct period {
	int64_t from_ms, to_ms;
	char text[160];		/* "2026-11-01 00:00 – 2026-12-01 00:00" */
};

/* Resolve --from/--to/--last (each may be NULL) against now: --last N
 * (Nh, Nd, Nw, Nm months, Ny, counted back on the local calendar) ends now;
 * --from alone runs to now; --to alone starts at the epoch; none: def_last.
 * Returns 0, or -1 with a message for the user in err. */
int period_resolve(const char *from, const char *to, const char *last,
    const char *def_last, int64_t now_ms, struct period *p, char *err,
    size_t errlen);

/* An epoch ms in local time. */
struct period_local {
	int date;		/* yyyymmdd */
	int wday;		/* 0 = Sunday */
	int minute;		/* after local midnight */
	int hour, sec, ms;
	long gmtoff_s;		/* east of UTC */
};

/* Returns 0, or -1 if the time cannot be converted. */
int period_local(int64_t ms, struct period_local *out);

/* "YYYY-MM-DD HH:MM:SS" (with_ms: ".mmm" added) in local time, into buf.
 * Returns buf. */
char *period_fmt(int64_t ms, int with_ms, char *buf, size_t size);
/* "YYYY-MM-DD HH:MM" in local time. Returns buf. */
char *period_fmt_min(int64_t ms, char *buf, size_t size);

/* "Mon".."Sun" for wday 0 = Sunday .. 6. */
const char *period_day_name(int wday);

#endif
