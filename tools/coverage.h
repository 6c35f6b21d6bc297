/* coverage.h: the coverage proof behind `panicctl check` — pure. For every
 * zone that has counters and every minute of a week: does step 1 of the
 * help and of the emergency policy page someone by the rules, and not only
 * the fallback? The week is cut at every shift edge and midnight; between
 * two cuts nothing changes, so each piece is evaluated once. */
#ifndef PANICCTL_COVERAGE_H
#define PANICCTL_COVERAGE_H

#include <stddef.h>

#include "hubconf.h"

#define COV_WEEK_MIN	(7 * 1440)

/* Hours that must be covered, in the shape of a shift: days it starts on
 * (bit 0 = Sunday), from, to (to <= from runs past midnight). */
struct cov_hours {
	unsigned days;
	int from_min, to_min;
};

struct cov_gap {
	int zone;
	unsigned step;		/* 1 for coverage_check; 2, 3 ... later */
	int start, end;		/* minutes after Monday 00:00; end is
				 * exclusive and passes COV_WEEK_MIN when
				 * the gap runs on into the next week */
	unsigned kinds;		/* bits 1 << enum proto_kind */
	char reason[128];	/* "nobody on shift", "holiday", ... */
};

struct cov_result {
	struct cov_gap *gaps;
	unsigned n, cap;
};

/* Check c over one week. monday: the week's Monday as yyyymmdd, to apply
 * its date exceptions; 0 for a typical week, the weekly shifts alone.
 * hours, nhours: only these hours must be covered (0: every minute).
 * Returns 0 with the gaps in out (zone order, then time), or -1 if out of
 * memory. Free with coverage_free. */
int coverage_check(const struct hub_conf *c, int monday,
    const struct cov_hours *hours, unsigned nhours, struct cov_result *out);
/* The same for every step after the first: where step 1 reaches someone
 * but a later step that names the supervisor or backup reaches only the
 * fallback (a ladder that skips a rung). Gaps in zone order, then step, then time. */
int coverage_check_later(const struct hub_conf *c, int monday,
    const struct cov_hours *hours, unsigned nhours, struct cov_result *out);
void coverage_free(struct cov_result *r);

/* A gap's time range as people read it: "Tue 12:00–13:00",
 * "Sat 16:00–Mon 09:00"; with a monday, dates too:
 * "Tue 2026-12-29 00:00–24:00". Returns buf. */
char *coverage_range(const struct cov_gap *g, int monday, char *buf,
    size_t size);

/* Parse "mon-fri 09:00-18:00", "sat,sun 10:00-16:00", "all 00:00-24:00".
 * Returns 0, or -1 if it is not of that form. */
int coverage_parse_hours(const char *s, struct cov_hours *out);

/* Add days to a yyyymmdd date; -1 if invalid. */
int coverage_date_add(int date, int days);

#endif
