/* staffing.h: who staffs which counter when — an optional file of its own
 * (hubd.conf says who answers, not who sits at the desk), read by
 * `panicctl care` to count the harassment each staff member faced.
 *
 *   staffing = (
 *     { person = "yamada"; name = "山田 太郎"; counter = "c03";
 *       days = [ "mon", "tue", "wed", "thu", "fri" ];
 *       from = "09:00"; to = "18:00"; },
 *     { person = "kimura"; name = "木村 さくら"; counter = "c01";
 *       days = [ "sat" ]; from = "10:00"; to = "16:00";
 *       since = "2026-04-01"; until = "2027-03-31"; }
 *   );
 *
 * Times are local to the hub's time zone; a slot whose "to" is not after
 * "from" runs past midnight and belongs to the day it starts on, as
 * shifts do. docs/PANICCTL.md describes every key. */
#ifndef PANICCTL_STAFFING_H
#define PANICCTL_STAFFING_H

#include "hubconf.h"

#define STAFFING_MAX	1024

struct staffing_slot {
	char person[PROTO_ID_MAX];
	char name[PROTO_TEXT_MAX];
	int counter;			/* index into the hub's counters */
	unsigned days;			/* bit 0 = Sunday */
	int from_min, to_min;		/* after local midnight; to may be 1440 */
	int since, until;		/* yyyymmdd of the slot's first and last
					 * day; 0: open */
};

struct staffing {
	struct staffing_slot *slots;
	unsigned n;
};

/* Read path, resolving counters in c. Returns 0, or -1 with
 * "file:line: key: reason" in err. Free with staffing_free. */
int staffing_load(struct staffing *s, const char *path,
    const struct hub_conf *c, char *err, size_t errlen);
void staffing_free(struct staffing *s);

/* 1 if slot is in force at w (local; a slot past midnight counts for the
 * day it started on). */
int staffing_on(const struct staffing_slot *slot, const struct rules_when *w);

#endif
