/* rules.c: shift selection and target expansion. Pure except for
 * rules_tz_set and rules_when_at, which ask the C library for the site's
 * local time. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The UTC calendar does the day arithmetic: no time zone is involved in
 * naming the day before a date or its weekday. */
static int
rules_civil(time_t t, int *wday)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	*wday = tm.tm_wday;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int
rules_when_local(int date, int minute, struct rules_when *w)
{
	struct tm tm = { .tm_year = date / 10000 - 1900,
	    .tm_mon = date / 100 % 100 - 1, .tm_mday = date % 100,
	    .tm_hour = 12 };
	time_t noon = timegm(&tm);

	if (minute < 0 || minute >= 1440 || noon == (time_t)-1 ||
	    rules_civil(noon, &w->wday) != date)
		return -1;	/* 31 April and the like */
	w->epoch_ms = 0;
	w->date = date;
	w->minute = minute;
	w->prev_date = rules_civil(noon - 86400, &w->prev_wday);
	return 0;
}

/* The zone TZ names in this process's environment, once set. */
static char rules_tz[64];

int
rules_tz_set(const char *tz)
{
	if (strlen(tz) >= sizeof rules_tz || setenv("TZ", tz, 1) < 0)
		return -1;
	tzset();
	snprintf(rules_tz, sizeof rules_tz, "%s", tz);
	return 0;
}

/* w for the broken-down local time tm of epoch_ms. */
static int
rules_when_tm(const struct tm *tm, int64_t epoch_ms, struct rules_when *w)
{
	if (rules_when_local((tm->tm_year + 1900) * 10000 +
	    (tm->tm_mon + 1) * 100 + tm->tm_mday, tm->tm_hour * 60 + tm->tm_min,
	    w) < 0)
		return -1;
	w->epoch_ms = epoch_ms;
	return 0;
}

int
rules_when_at(const char *tz, int64_t epoch_ms, struct rules_when *w)
{
	time_t t = (time_t)(epoch_ms / 1000);
	struct tm tm;

	/* Only a change of zone touches the environment. hubd sets its zone
	 * once before any thread starts, so it never gets here with another. */
	if (strcmp(rules_tz, tz) != 0 && rules_tz_set(tz) < 0)
		return -1;
	if (!localtime_r(&t, &tm))
		return -1;
	return rules_when_tm(&tm, epoch_ms, w);
}

int
rules_when_utc(int64_t epoch_ms, struct rules_when *w)
{
	time_t t = (time_t)(epoch_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return -1;
	return rules_when_tm(&tm, epoch_ms, w);
}

/* The local date the shift now in force started, or -1 if s is not in
 * force at w. */
static int
rules_shift_date(const struct conf_shift *s, const struct rules_when *w)
{
	int crosses = s->to_min <= s->from_min;

	if (s->days & (1u << w->wday)) {
		if (!crosses && w->minute >= s->from_min && w->minute < s->to_min)
			return w->date;
		if (crosses && w->minute >= s->from_min)
			return w->date;
	}
	if (crosses && (s->days & (1u << w->prev_wday)) && w->minute < s->to_min)
		return w->prev_date;
	return -1;
}

/* Apply date exceptions for zone on date to *sup and *bak. Returns 1 if the
 * day is a holiday there (nobody covers). */
static int
rules_exceptions(const struct hub_conf *c, int zone, int date, int *sup,
    int *bak)
{
	for (unsigned i = 0; i < c->nexceptions; i++) {
		const struct conf_exception *x = &c->exceptions[i];

		if (date < x->date_from || date > x->date_to ||
		    (x->zone >= 0 && x->zone != zone))
			continue;
		if (x->type == CONF_EXC_HOLIDAY)
			return 1;
		if (*sup == x->person)
			*sup = x->replacement;
		if (*bak == x->person)
			*bak = x->replacement;
	}
	return 0;
}

void
rules_cover(const struct hub_conf *c, int zone, const struct rules_when *w,
    struct rules_cover *out)
{
	out->shift = out->supervisor = out->backup = -1;
	out->date = w->date;
	for (unsigned i = 0; i < c->nshifts; i++) {
		const struct conf_shift *s = &c->shifts[i];
		int date, sup = s->supervisor, bak = s->backup;

		if (s->zone != zone || (date = rules_shift_date(s, w)) < 0)
			continue;
		if (rules_exceptions(c, zone, date, &sup, &bak))
			continue;
		out->shift = (int)i;
		out->supervisor = sup;
		out->backup = bak;
		out->date = date;
		return;
	}
}

static void
rules_add(struct rules_people *out, int person)
{
	if (person < 0 || out->n == RULES_PEOPLE_MAX)
		return;
	for (unsigned i = 0; i < out->n; i++)
		if (out->idx[i] == person)
			return;
	out->idx[out->n++] = person;
}

static void
rules_expand(const struct hub_conf *c, const struct conf_target *t,
    const struct rules_cover *cov, struct rules_people *out)
{
	switch (t->type) {
	case CONF_TARGET_SUPERVISOR:
		rules_add(out, cov->supervisor);
		break;
	case CONF_TARGET_BACKUP:
		rules_add(out, cov->backup);
		break;
	case CONF_TARGET_PERSON:
		rules_add(out, t->index);
		break;
	case CONF_TARGET_TEAM:
		for (unsigned i = 0; i < c->teams[t->index].nmembers; i++)
			rules_add(out, c->teams[t->index].members[i]);
		break;
	case CONF_TARGET_ROLE:
		for (unsigned i = 0; i < c->npeople; i++)
			if (conf_person_has_role(&c->people[i], t->role))
				rules_add(out, (int)i);
		break;
	}
}

static void
rules_expand_all(const struct hub_conf *c, const struct conf_target *t,
    unsigned n, const struct rules_cover *cov, struct rules_people *out)
{
	for (unsigned i = 0; i < n; i++)
		rules_expand(c, &t[i], cov, out);
}

int
rules_stand_in(const struct hub_conf *c, int zone, int date, int person)
{
	int seen[CONF_EXCEPTIONS_MAX + 1];
	unsigned nseen = 0;

	/* a stand-in may be away too; people standing in for each other in
	 * a circle are all away: nobody */
	while (person >= 0) {
		const struct conf_exception *found = NULL;

		for (unsigned i = 0; i < nseen; i++)
			if (seen[i] == person)
				return -1;
		seen[nseen++] = person;
		for (unsigned i = 0; i < c->nexceptions && !found; i++) {
			const struct conf_exception *x = &c->exceptions[i];

			if (x->type == CONF_EXC_ABSENCE && x->person == person &&
			    date >= x->date_from && date <= x->date_to &&
			    (x->zone < 0 || x->zone == zone))
				found = x;
		}
		if (!found || nseen > CONF_EXCEPTIONS_MAX)
			return person;
		person = found->replacement;
	}
	return -1;
}

/* Every absent person in out gives way to their stand-in, or goes. */
static void
rules_absences(const struct hub_conf *c, int zone, int date,
    struct rules_people *out)
{
	struct rules_people kept = { .n = 0, .fallback = out->fallback };

	for (unsigned i = 0; i < out->n; i++)
		rules_add(&kept, rules_stand_in(c, zone, date, out->idx[i]));
	*out = kept;
}

void
rules_fallback(const struct hub_conf *c, struct rules_people *out)
{
	struct rules_cover none = { -1, -1, -1, 0 };

	out->n = 0;
	out->fallback = 1;
	rules_expand_all(c, c->fallback, c->nfallback, &none, out);
}

void
rules_targets(const struct hub_conf *c, int counter,
    const struct conf_step *step, const struct rules_when *w,
    struct rules_people *out)
{
	struct rules_cover cov = { -1, -1, -1, w->date };
	int zone = counter >= 0 ? c->counters[counter].zone : -1;

	if (counter >= 0)
		rules_cover(c, zone, w, &cov);
	out->n = 0;
	out->fallback = 0;
	rules_expand_all(c, step->targets, step->ntargets, &cov, out);
	rules_absences(c, zone, cov.date, out);
	if (out->n == 0) {
		rules_fallback(c, out);
		rules_absences(c, zone, cov.date, out);
		if (out->n == 0)
			rules_fallback(c, out);	/* never nobody */
	}
}
