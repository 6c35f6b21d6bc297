/* conf_lint.c: what a valid config may still get wrong — a shift that
 * never applies or overlaps an earlier one (the first in file order wins),
 * a shift whose supervisor is its own backup, ids that differ only in
 * case. Each is a warning, said with the path of the setting, as errors
 * are; hubd --check and panicctl check print them, hubd logs them. */
#include "conf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LINT_WEEK_MIN	(7 * 1440)

struct lint {
	const struct hub_conf *c;
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
	unsigned n;
};

static void lint_say(struct lint *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
lint_say(struct lint *l, const char *fmt, ...)
{
	char msg[CONF_ERR_MAX];
	va_list ap;
	int n = snprintf(msg, sizeof msg, "%s: ", l->c->file);

	if (n < 0 || (size_t)n >= sizeof msg)	/* a very long path: cut */
		n = (int)sizeof msg - 1;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	l->warn(l->ctx, msg);
	l->n++;
}

/* "zone A, mon tue 09:00–12:00" for a shift. */
static void
lint_shift_text(const struct hub_conf *c, const struct conf_shift *s,
    char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, "zone %s,",
	    c->zones[s->zone].id);

	for (int d = 1; d <= 7 && len < size; d++)
		if (s->days & (1u << (d % 7)))
			len += (size_t)snprintf(buf + len, size - len, " %s",
			    conf_day_name(d % 7));
	if (len < size)
		snprintf(buf + len, size - len, " %02d:%02d–%02d:%02d",
		    s->from_min / 60, s->from_min % 60, s->to_min / 60,
		    s->to_min % 60);
}

/* Mark shift s's minutes of the week (Monday 00:00 = 0) in week[]; a
 * slot past midnight runs on into the next day. */
static void
lint_minutes(const struct conf_shift *s, unsigned char *week)
{
	int len = s->to_min > s->from_min ? s->to_min - s->from_min :
	    1440 - s->from_min + s->to_min;

	for (int d = 0; d < 7; d++) {
		int base = ((d + 6) % 7) * 1440 + s->from_min;

		if (!(s->days & (1u << d)))
			continue;
		for (int m = 0; m < len; m++)
			week[(base + m) % LINT_WEEK_MIN] = 1;
	}
}

/* Each shift against the earlier ones of its zone: the first in file
 * order that is in force wins, so a later one is partly or wholly dead.
 * own_by[] keeps, for the zone at hand and each minute, the first shift
 * there. */
static void
lint_zone_shifts(struct lint *l, int zone)
{
	static short own_by[LINT_WEEK_MIN];
	static unsigned char mine[LINT_WEEK_MIN];
	const struct hub_conf *c = l->c;
	char text[96];

	memset(own_by, 0xff, sizeof own_by);	/* -1: nobody's */
	for (unsigned i = 0; i < c->nshifts; i++) {
		const struct conf_shift *s = &c->shifts[i];
		unsigned own = 0, shadowed = 0;
		int first_other = -1;

		if (s->zone != zone)
			continue;
		lint_shift_text(c, s, text, sizeof text);
		if (s->backup >= 0 && s->backup == s->supervisor)
			lint_say(l, "shifts.[%u] (%s): %s is both supervisor and "
			    "backup: a call nobody answers pages the same person "
			    "again instead of a second one", i, text,
			    c->people[s->supervisor].id);
		memset(mine, 0, sizeof mine);
		lint_minutes(s, mine);
		for (int m = 0; m < LINT_WEEK_MIN; m++) {
			if (!mine[m])
				continue;
			own++;
			if (own_by[m] < 0) {
				own_by[m] = (short)i;
				continue;
			}
			shadowed++;
			if (first_other < 0)
				first_other = own_by[m];
		}
		if (own && shadowed == own)
			lint_say(l, "shifts.[%u] (%s) never applies: earlier "
			    "shifts of the zone cover all its hours, and the first "
			    "in file order wins", i, text);
		else if (shadowed)
			lint_say(l, "shifts.[%u] (%s) overlaps shifts.[%d] for %u "
			    "min a week: there the earlier shift wins", i, text,
			    first_other, shadowed);
	}
}

static void
lint_shifts(struct lint *l)
{
	for (unsigned z = 0; z < l->c->nzones; z++)
		lint_zone_shifts(l, (int)z);
}

/* Ids that differ only in case read as one to people, and as two to the
 * broker: a page to "Sato" is not a page to "sato". */
static void
lint_ids(struct lint *l)
{
	const struct hub_conf *c = l->c;

	for (unsigned i = 0; i < c->npeople; i++)
		for (unsigned j = 0; j < i; j++) {
			const char *a = c->people[i].id, *b = c->people[j].id;
			const char *pa = c->people[i].pager;
			const char *pb = c->people[j].pager;

			if (strcasecmp(a, b) == 0 || strcasecmp(a, pb) == 0 ||
			    strcasecmp(pa, b) == 0 || strcasecmp(pa, pb) == 0)
				lint_say(l, "people.[%u] (%s): its id or pager "
				    "differs only in case from people.[%u] (%s): "
				    "topics tell them apart, people may not", i,
				    a, j, b);
		}
	for (unsigned i = 0; i < c->ncounters; i++)
		for (unsigned j = 0; j < i; j++)
			if (strcasecmp(c->counters[i].id, c->counters[j].id) == 0)
				lint_say(l, "counters.[%u] (%s) differs only in "
				    "case from counters.[%u] (%s)", i,
				    c->counters[i].id, j, c->counters[j].id);
}

/* At most how many people step can name: a slot is one, a team or a
 * role its members. */
static unsigned
lint_step_reach(const struct hub_conf *c, const struct conf_step *step)
{
	unsigned n = 0;

	for (unsigned i = 0; i < step->ntargets; i++) {
		const struct conf_target *t = &step->targets[i];

		if (t->type == CONF_TARGET_TEAM)
			n += c->teams[t->index].nmembers;
		else if (t->type == CONF_TARGET_ROLE)
			for (unsigned k = 0; k < c->npeople; k++)
				n += conf_person_has_role(&c->people[k], t->role);
		else
			n++;
	}
	return n;
}

/* A call that needs more responders than its step 1 can name pages the
 * next step at once (docs/HUB.md): worth knowing, and maybe not meant. */
static void
lint_responders(struct lint *l)
{
	const struct hub_conf *c = l->c;
	unsigned reach[PROTO_KIND_COUNT];

	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		const struct conf_policy *pol = &c->policies[k];

		reach[k] = pol->defined && pol->nsteps ?
		    lint_step_reach(c, &pol->steps[0]) : UINT32_MAX;
		if (reach[k] != UINT32_MAX &&
		    (unsigned)pol->min_responders > reach[k])
			lint_say(l, "policies (%s): min_responders = %d but step 1"
			    " names at most %u: step 2 is paged with it at once",
			    proto_kind_name((enum proto_kind)k), pol->min_responders,
			    reach[k]);
	}
	for (unsigned i = 0; i < c->ncounters; i++) {
		const struct conf_counter *ct = &c->counters[i];
		char kinds[96] = "";
		unsigned least = UINT32_MAX;

		for (int k = 0; k < PROTO_KIND_COUNT; k++) {
			if (reach[k] == UINT32_MAX ||
			    (unsigned)ct->min_responders <= reach[k] ||
			    ct->min_responders <= c->policies[k].min_responders)
				continue;
			snprintf(kinds + strlen(kinds), sizeof kinds -
			    strlen(kinds), "%s%s", kinds[0] ? ", " : "",
			    proto_kind_name((enum proto_kind)k));
			if (reach[k] < least)
				least = reach[k];
		}
		if (kinds[0])
			lint_say(l, "counters.[%u] (%s): min_responders = %d but "
			    "step 1 of %s names at most %u: step 2 is paged with it "
			    "at once", i, ct->id, ct->min_responders, kinds, least);
	}
}

unsigned
conf_lint(const struct hub_conf *c, void (*warn)(void *ctx, const char *msg),
    void *ctx)
{
	struct lint l = { c, warn, ctx, 0 };

	lint_shifts(&l);
	lint_ids(&l);
	lint_responders(&l);
	return l.n;
}
