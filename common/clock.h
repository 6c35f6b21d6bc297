/* clock.h: monotonic time for intervals, UTC wall-clock time for records. */
#ifndef PANIC_CLOCK_H
#define PANIC_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Length of "2026-11-28T05:12:03.123Z" plus the NUL. */
#define CLOCK_ISO_LEN 25

/* Milliseconds on CLOCK_MONOTONIC (intervals, deadlines). */
int64_t clock_mono_ms(void);
/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t clock_mono_ns(void);
/* Milliseconds since the Unix epoch, UTC (records). */
int64_t clock_wall_ms(void);

/* Arm the CLOCK_MONOTONIC timerfd fd to fire once at due_ns on
 * CLOCK_MONOTONIC (at once if that is past); disarm it if due_ns < 0.
 * The deadline is handed to the kernel as a delay from now, never as an
 * absolute value: an absolute one is only as good as the process's view of
 * the clock, and a preloaded time shim (libfaketime, the date matrix of
 * docs/TESTING.md) shifts that view but not the kernel's. Returns 0, or -1
 * with errno from timerfd_settime. */
int clock_timerfd_arm(int fd, int64_t due_ns);

/* Format epoch milliseconds as ISO 8601 UTC with milliseconds into buf
 * (at least CLOCK_ISO_LEN bytes). Returns buf. */
char *clock_iso_format(int64_t epoch_ms, char *buf);

/* A duration as people read it: "4.3s", "2m00s", "1h05m", "2d03h"
 * (negative with a "-"). Returns buf. */
char *clock_fmt_duration(int64_t ms, char *buf, size_t size);

/* Parse exactly "YYYY-MM-DDTHH:MM:SS.mmmZ" (the milliseconds optional) from
 * s of length len (not NUL-terminated). Returns 0 and sets *epoch_ms, or -1. */
int clock_iso_parse(const char *s, size_t len, int64_t *epoch_ms);

#endif
