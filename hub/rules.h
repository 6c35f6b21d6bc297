/* rules.h: who answers — pure functions from the config and a local time
 * to the supervisor on shift for a zone and the people a policy step names. */
#ifndef HUB_RULES_H
#define HUB_RULES_H

#include <stdint.h>

#include "conf.h"

#define RULES_PEOPLE_MAX 64

/* A moment in the site's time zone. */
struct rules_when {
	int64_t epoch_ms;	/* UTC; 0 when made from a local time */
	int date;		/* local date, yyyymmdd */
	int wday;		/* 0 = Sunday */
	int minute;		/* minutes after local midnight */
	int prev_date;		/* the day before (for shifts past midnight) */
	int prev_wday;
};

/* Who covers a zone at a moment. */
struct rules_cover {
	int shift;		/* index of the shift in force, or -1 */
	int supervisor;		/* person indexes, -1 if nobody */
	int backup;
	int date;		/* whose date exceptions apply: the day the
				   shift started, or w's date without one */
};

/* A set of people, each at most once, in the order first named. */
struct rules_people {
	int idx[RULES_PEOPLE_MAX];
	unsigned n;
	int fallback;		/* 1 if the fallback targets were used */
};

/* Make tz (an Olson name such as "Asia/Tokyo") the process's local time
 * zone: sets TZ in the environment, so call it before any other thread
 * starts (setenv is not thread-safe). Returns 0 or -1. */
int rules_tz_set(const char *tz);

/* Fill w for epoch_ms in time zone tz. Reads the zone set by rules_tz_set
 * without touching the environment; a different tz is set first, as
 * rules_tz_set does (single-threaded callers only: tests, panicctl).
 * Returns 0, or -1 if the time cannot be converted. */
int rules_when_at(const char *tz, int64_t epoch_ms, struct rules_when *w);

/* Fill w for epoch_ms in UTC, never touching the environment. 0 or -1. */
int rules_when_utc(int64_t epoch_ms, struct rules_when *w);

/* Fill w from a local date (yyyymmdd) and minute of the day, as tests and
 * coverage checks do. Returns 0, or -1 if the date is not valid. */
int rules_when_local(int date, int minute, struct rules_when *w);

/* Who covers zone at w: the first shift in file order that is in force,
 * after holidays and absences of the day the shift started. */
void rules_cover(const struct hub_conf *c, int zone,
    const struct rules_when *w, struct rules_cover *out);

/* The people step names for a press at counter (an index, or -1 for an
 * unconfigured counter, which has no zone) at w. One rule for absences,
 * whatever the target names (supervisor, backup, a team, a role, a
 * person): a person absent that day in that zone is replaced by their
 * stand-in, or left out when there is none. When that comes to nobody
 * the config's fallback targets are used instead (absences applied, and
 * if that leaves nobody, not), so a press always reaches someone. */
void rules_targets(const struct hub_conf *c, int counter,
    const struct conf_step *step, const struct rules_when *w,
    struct rules_people *out);

/* The fallback targets alone (unconfigured counters, maintenance). */
void rules_fallback(const struct hub_conf *c, struct rules_people *out);

/* Who pages in person's place in zone (-1: only exceptions for every
 * zone count) on date: person when not absent, their stand-in, or -1. */
int rules_stand_in(const struct hub_conf *c, int zone, int date,
    int person);

#endif
