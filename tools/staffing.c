/* staffing.c: the staffing file; see staffing.h. */
#include "staffing.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "period.h"

struct staffing_text {
	char person[PROTO_ID_MAX];
	char name[PROTO_TEXT_MAX];
	char counter[PROTO_ID_MAX];
	char from[8], to[8], since[16], until[16];
};

#define T(f) offsetof(struct staffing_text, f)
static const struct cfg_knob staffing_knobs[] = {
	{ "person", CFG_ID, T(person), PROTO_ID_MAX, 1, 0, 0, 0, NULL },
	{ "name", CFG_STR, T(name), PROTO_TEXT_MAX, 0, 0, 0, 0, NULL },
	{ "counter", CFG_ID, T(counter), PROTO_ID_MAX, 1, 0, 0, 0, NULL },
	{ "from", CFG_STR, T(from), 8, 1, 0, 0, 0, NULL },
	{ "to", CFG_STR, T(to), 8, 1, 0, 0, 0, NULL },
	{ "since", CFG_STR, T(since), 16, 0, 0, 0, 0, NULL },
	{ "until", CFG_STR, T(until), 16, 0, 0, 0, 0, NULL },
	{ "days", CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL },
	{ "note", CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL },
	{ NULL, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }
};
#undef T

static int
staffing_days(const config_setting_t *g, const char *file, unsigned *days,
    char *err, size_t errlen)
{
	static const char *const names[7] = {
		"sun", "mon", "tue", "wed", "thu", "fri", "sat"
	};
	const config_setting_t *l = config_setting_get_member(g, "days");
	int n;

	if (!l)
		return cfg_fail(err, errlen, g, file,
		    "missing required key \"days\"");
	if (!config_setting_is_array(l) || (n = config_setting_length(l)) == 0)
		return cfg_fail(err, errlen, l, file,
		    "expected a list of days [ \"mon\", ... ]");
	*days = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l,
		    (unsigned)i);
		const char *v = config_setting_get_string(e);
		int d;

		for (d = 0; d < 7 && (!v || strcmp(v, names[d])); d++)
			;
		if (d == 7)
			return cfg_fail(err, errlen, e, file,
			    "expected a day: sun mon tue wed thu fri sat");
		*days |= 1u << d;
	}
	return 0;
}

/* A date key: "" gives 0, else yyyymmdd. */
static int
staffing_date(const config_setting_t *g, const char *key, const char *v,
    const char *file, int *out, char *err, size_t errlen)
{
	if (!v[0]) {
		*out = 0;
		return 0;
	}
	if ((*out = period_parse_date(v)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, key),
		    file, "expected a date \"YYYY-MM-DD\"");
	return 0;
}

static int
staffing_slot(const struct hub_conf *c, const config_setting_t *g,
    const char *file, struct staffing_slot *s, char *err, size_t errlen)
{
	struct staffing_text t;

	if (cfg_apply(g, staffing_knobs, &t, file, err, errlen) < 0 ||
	    staffing_days(g, file, &s->days, err, errlen) < 0 ||
	    staffing_date(g, "since", t.since, file, &s->since, err,
	    errlen) < 0 ||
	    staffing_date(g, "until", t.until, file, &s->until, err,
	    errlen) < 0)
		return -1;
	if ((s->counter = conf_counter_find(c, t.counter)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    "counter"), file, "unknown counter \"%s\" (not in %s)",
		    t.counter, c->file);
	if ((s->from_min = period_parse_hhmm(t.from, 0)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "from"),
		    file, "expected a time \"HH:MM\" (00:00 to 23:59)");
	if ((s->to_min = period_parse_hhmm(t.to, 1)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "to"),
		    file, "expected a time \"HH:MM\" (00:00 to 24:00)");
	if (s->since && s->until && s->until < s->since)
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    "until"), file, "before \"since\"");
	snprintf(s->person, sizeof s->person, "%s", t.person);
	snprintf(s->name, sizeof s->name, "%s", t.name[0] ? t.name : t.person);
	return 0;
}

int
staffing_load(struct staffing *s, const char *path, const struct hub_conf *c,
    char *err, size_t errlen)
{
	config_t cf;
	const config_setting_t *root, *list;
	int n, rc = -1;

	memset(s, 0, sizeof *s);
	config_init(&cf);
	if (cfg_read(&cf, path, err, errlen) < 0)
		goto out;
	root = config_root_setting(&cf);
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *k = config_setting_get_elem(root,
		    (unsigned)i);

		if (strcmp(config_setting_name(k), "staffing") != 0) {
			cfg_fail(err, errlen, k, path, "unknown key");
			goto out;
		}
	}
	if (!(list = config_setting_get_member(root, "staffing")) ||
	    !config_setting_is_list(list)) {
		cfg_fail(err, errlen, list ? list : root, path,
		    "expected a list staffing = ( { ... }, ... )");
		goto out;
	}
	if ((n = config_setting_length(list)) > STAFFING_MAX) {
		cfg_fail(err, errlen, list, path, "more than %d slots",
		    STAFFING_MAX);
		goto out;
	}
	if (n && !(s->slots = calloc((size_t)n, sizeof *s->slots))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (staffing_slot(c, config_setting_get_elem(list, (unsigned)i),
		    path, &s->slots[i], err, errlen) < 0)
			goto out;
		s->n++;
	}
	rc = 0;
out:
	config_destroy(&cf);
	if (rc < 0)
		staffing_free(s);
	return rc;
}

void
staffing_free(struct staffing *s)
{
	free(s->slots);
	s->slots = NULL;
	s->n = 0;
}

int
staffing_on(const struct staffing_slot *slot, const struct rules_when *w)
{
	int crosses = slot->to_min <= slot->from_min, date = -1;

	if (slot->days & (1u << w->wday)) {
		if (w->minute >= slot->from_min &&
		    (crosses || w->minute < slot->to_min))
			date = w->date;
	}
	if (date < 0 && crosses && (slot->days & (1u << w->prev_wday)) &&
	    w->minute < slot->to_min)
		date = w->prev_date;
	if (date < 0)
		return 0;
	return (!slot->since || date >= slot->since) &&
	    (!slot->until || date <= slot->until);
}
