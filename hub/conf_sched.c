/* conf_sched.c: the schedule and escalation parts of hubd.conf — weekly
 * shifts, date exceptions, per-kind policies and their target strings. */
#include "conf_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

#define KNOB_END { NULL, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }
#define KNOB_SKIP(n) { n, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }

static const char *const conf_day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* Shift and exception fields as written; resolved into indexes after. */
struct conf_shift_text {
	char zone[PROTO_ID_MAX];
	char from[8], to[8];
	char supervisor[PROTO_ID_MAX], backup[PROTO_ID_MAX];
};

struct conf_exc_text {
	char type[PROTO_ID_MAX];
	char date[16], until[16];
	char zone[PROTO_ID_MAX];
	char person[PROTO_ID_MAX], replacement[PROTO_ID_MAX];
};

static const struct cfg_knob conf_shift_knobs[] = {
	{ "zone", CFG_ID, offsetof(struct conf_shift_text, zone), PROTO_ID_MAX,
	  1, 0, 0, 0, NULL },
	{ "from", CFG_STR, offsetof(struct conf_shift_text, from), 8, 1,
	  0, 0, 0, NULL },
	{ "to", CFG_STR, offsetof(struct conf_shift_text, to), 8, 1,
	  0, 0, 0, NULL },
	{ "supervisor", CFG_ID, offsetof(struct conf_shift_text, supervisor),
	  PROTO_ID_MAX, 1, 0, 0, 0, NULL },
	{ "backup", CFG_ID, offsetof(struct conf_shift_text, backup),
	  PROTO_ID_MAX, 0, 0, 0, 0, NULL },
	KNOB_SKIP("days"),
	KNOB_END
};

static const struct cfg_knob conf_exc_knobs[] = {
	{ "type", CFG_ID, offsetof(struct conf_exc_text, type), PROTO_ID_MAX,
	  1, 0, 0, 0, NULL },
	{ "date", CFG_STR, offsetof(struct conf_exc_text, date), 16, 1,
	  0, 0, 0, NULL },
	{ "until", CFG_STR, offsetof(struct conf_exc_text, until), 16, 0,
	  0, 0, 0, NULL },
	{ "zone", CFG_ID, offsetof(struct conf_exc_text, zone), PROTO_ID_MAX,
	  0, 0, 0, 0, NULL },
	{ "person", CFG_ID, offsetof(struct conf_exc_text, person),
	  PROTO_ID_MAX, 0, 0, 0, 0, NULL },
	{ "replacement", CFG_ID, offsetof(struct conf_exc_text, replacement),
	  PROTO_ID_MAX, 0, 0, 0, 0, NULL },
	KNOB_SKIP("note"),
	KNOB_END
};

static const struct cfg_knob conf_policy_knobs[] = {
	{ "min_responders", CFG_INT, offsetof(struct conf_policy,
	  min_responders), 0, 0, 1, 1, PROTO_LIST_MAX, NULL },
	{ "repeat", CFG_INT, offsetof(struct conf_policy, repeat), 0, 0,
	  0, 0, 100, NULL },
	KNOB_SKIP("kind"), KNOB_SKIP("steps"),
	KNOB_END
};

static const struct cfg_knob conf_step_knobs[] = {
	KNOB_SKIP("targets"), KNOB_SKIP("informed"), KNOB_SKIP("wait_s"),
	KNOB_SKIP("wait_ms"),
	KNOB_END
};

int
conf__read_duration(const config_setting_t *g, const char *base, int def_ms,
    int min_ms, int *out_ms, const char *file, char *err, size_t errlen)
{
	char name[64];
	const config_setting_t *s_s, *s_ms, *s;
	long long v, scale;

	snprintf(name, sizeof name, "%s_s", base);
	s_s = g ? config_setting_get_member(g, name) : NULL;
	snprintf(name, sizeof name, "%s_ms", base);
	s_ms = g ? config_setting_get_member(g, name) : NULL;
	if (s_s && s_ms)
		return cfg_fail(err, errlen, s_ms, file,
		    "give %s_s or %s_ms, not both", base, base);
	if (!s_s && !s_ms) {
		*out_ms = def_ms;
		return 0;
	}
	s = s_s ? s_s : s_ms;
	scale = s_s ? 1000 : 1;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return cfg_fail(err, errlen, s, file, "expected an integer");
	v = config_setting_get_int64(s);
	/* a week bounds every wait and keeps ms in an int */
	if (v * scale < min_ms || v > 604800000LL / scale)
		return cfg_fail(err, errlen, s, file,
		    "%lld is out of range (%lld to %lld)", v,
		    (min_ms + scale - 1) / scale, 604800000LL / scale);
	*out_ms = (int)(v * scale);
	return 0;
}

/* "HH:MM" into minutes after midnight; "24:00" only if allow_24. */
static int
conf_parse_time(const char *s, int allow_24)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' ||
	    s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' ||
	    s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h == 24 && m == 0 && allow_24)
		return 1440;
	return h < 24 ? h * 60 + m : -1;
}

int
conf__parse_date(const char *s)
{
	char iso[32];
	int64_t ms;
	int y, m, d;

	/* the protocol's timestamp parser knows the calendar */
	if (strlen(s) != 10 || snprintf(iso, sizeof iso, "%sT00:00:00Z", s) != 20 ||
	    clock_iso_parse(iso, 20, &ms) < 0 ||
	    sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	return y * 10000 + m * 100 + d;
}

static int
conf_read_days(const struct hub_conf *c, const config_setting_t *g,
    unsigned *days, char *err, size_t errlen)
{
	const config_setting_t *l = config_setting_get_member(g, "days");
	int n;

	if (!l)
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"days\"");
	if (!config_setting_is_array(l) || (n = config_setting_length(l)) == 0)
		return cfg_fail(err, errlen, l, c->file,
		    "expected a list of days [ \"mon\", ... ]");
	*days = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *v = config_setting_get_string(e);
		int d;

		for (d = 0; d < 7 && (!v || strcmp(v, conf_day_names[d])); d++)
			;
		if (d == 7)
			return cfg_fail(err, errlen, e, c->file,
			    "expected a day: sun mon tue wed thu fri sat");
		*days |= 1u << d;
	}
	return 0;
}

/* Resolve an optional person id at g.key; "" gives -1. */
static int
conf_person_ref(const struct hub_conf *c, const config_setting_t *g,
    const char *key, const char *id, int *out, char *err, size_t errlen)
{
	*out = -1;
	if (!id[0])
		return 0;
	if ((*out = conf_person_find(c, id)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, key),
		    c->file, "unknown person \"%s\"", id);
	return 0;
}

static int
conf_read_shift(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	struct conf_shift *sh = &c->shifts[c->nshifts];
	struct conf_shift_text t;

	if (cfg_apply(g, conf_shift_knobs, &t, c->file, err, errlen) < 0 ||
	    conf_read_days(c, g, &sh->days, err, errlen) < 0)
		return -1;
	if ((sh->zone = conf_zone_find(c, t.zone)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "zone"),
		    c->file, "unknown zone \"%s\"", t.zone);
	if ((sh->from_min = conf_parse_time(t.from, 0)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "from"),
		    c->file, "expected a time \"HH:MM\" (00:00 to 23:59)");
	if ((sh->to_min = conf_parse_time(t.to, 1)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "to"),
		    c->file, "expected a time \"HH:MM\" (00:00 to 24:00)");
	if (sh->to_min == sh->from_min)
		return cfg_fail(err, errlen, config_setting_get_member(g, "to"),
		    c->file, "a shift must not end when it starts");
	if (conf_person_ref(c, g, "supervisor", t.supervisor, &sh->supervisor,
	    err, errlen) < 0 ||
	    conf_person_ref(c, g, "backup", t.backup, &sh->backup, err,
	    errlen) < 0)
		return -1;
	c->nshifts++;
	return 0;
}

static int
conf_read_exception(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	struct conf_exception *x = &c->exceptions[c->nexceptions];
	struct conf_exc_text t;

	if (cfg_apply(g, conf_exc_knobs, &t, c->file, err, errlen) < 0)
		return -1;
	if (strcmp(t.type, "holiday") == 0)
		x->type = CONF_EXC_HOLIDAY;
	else if (strcmp(t.type, "absence") == 0)
		x->type = CONF_EXC_ABSENCE;
	else
		return cfg_fail(err, errlen, config_setting_get_member(g, "type"),
		    c->file, "expected \"holiday\" or \"absence\"");
	if ((x->date_from = conf__parse_date(t.date)) < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "date"),
		    c->file, "expected a date \"YYYY-MM-DD\"");
	x->date_to = t.until[0] ? conf__parse_date(t.until) : x->date_from;
	if (x->date_to < x->date_from)
		return cfg_fail(err, errlen, config_setting_get_member(g, "until"),
		    c->file, "expected a date \"YYYY-MM-DD\" not before date");
	x->zone = t.zone[0] ? conf_zone_find(c, t.zone) : -1;
	if (t.zone[0] && x->zone < 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "zone"),
		    c->file, "unknown zone \"%s\"", t.zone);
	if (conf_person_ref(c, g, "person", t.person, &x->person, err,
	    errlen) < 0 ||
	    conf_person_ref(c, g, "replacement", t.replacement,
	    &x->replacement, err, errlen) < 0)
		return -1;
	if (x->type == CONF_EXC_ABSENCE && x->person < 0)
		return cfg_fail(err, errlen, g, c->file,
		    "an absence needs \"person\"");
	c->nexceptions++;
	return 0;
}

int
conf__read_shifts(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen)
{
	return conf__each(c, root, "shifts", CONF_SHIFTS_MAX, 0,
	    conf_read_shift, err, errlen);
}

int
conf__read_exceptions(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen)
{
	return conf__each(c, root, "exceptions", CONF_EXCEPTIONS_MAX, 0,
	    conf_read_exception, err, errlen);
}

/* Parse one target string into t; 0, or -1 with err set. */
static int
conf_read_target(const struct hub_conf *c, const config_setting_t *e,
    struct conf_target *t, char *err, size_t errlen)
{
	const char *v = config_setting_get_string(e);
	const char *arg;

	if (!v)
		return cfg_fail(err, errlen, e, c->file, "expected a string");
	t->index = -1;
	t->role[0] = '\0';
	if (strcmp(v, "supervisor") == 0 || strcmp(v, "backup") == 0) {
		t->type = v[0] == 's' ? CONF_TARGET_SUPERVISOR : CONF_TARGET_BACKUP;
		return 0;
	}
	arg = strchr(v, ':');
	if (!arg || !proto_id_valid(arg + 1))
		return cfg_fail(err, errlen, e, c->file, "expected supervisor, "
		    "backup, person:ID, team:ID or role:ROLE, not \"%s\"", v);
	arg++;
	if (strncmp(v, "person:", 7) == 0) {
		t->type = CONF_TARGET_PERSON;
		t->index = conf_person_find(c, arg);
	} else if (strncmp(v, "team:", 5) == 0) {
		t->type = CONF_TARGET_TEAM;
		t->index = conf_team_find(c, arg);
	} else if (strncmp(v, "role:", 5) == 0) {
		t->type = CONF_TARGET_ROLE;
		snprintf(t->role, sizeof t->role, "%s", arg);
		for (unsigned i = 0; i < c->npeople && t->index < 0; i++)
			if (conf_person_has_role(&c->people[i], arg))
				t->index = (int)i;
	} else {
		return cfg_fail(err, errlen, e, c->file,
		    "unknown target type in \"%s\"", v);
	}
	if (t->index < 0)
		return cfg_fail(err, errlen, e, c->file, "\"%s\" names nobody", v);
	if (t->type == CONF_TARGET_ROLE)
		t->index = -1;
	return 0;
}

int
conf__read_targets(struct hub_conf *c, const config_setting_t *list,
    struct conf_target *out, unsigned *n, char *err, size_t errlen)
{
	int len;

	if (!config_setting_is_array(list) ||
	    (len = config_setting_length(list)) == 0)
		return cfg_fail(err, errlen, list, c->file,
		    "expected a non-empty list of targets [ \"...\", ... ]");
	if (len > CONF_TARGETS_MAX)
		return cfg_fail(err, errlen, list, c->file,
		    "too many targets (at most %d)", CONF_TARGETS_MAX);
	for (int i = 0; i < len; i++)
		if (conf_read_target(c, config_setting_get_elem(list, (unsigned)i),
		    &out[i], err, errlen) < 0)
			return -1;
	*n = (unsigned)len;
	return 0;
}

static int
conf_read_step(struct hub_conf *c, const config_setting_t *g,
    struct conf_step *st, char *err, size_t errlen)
{
	const config_setting_t *t = config_setting_get_member(g, "targets");

	if (cfg_apply(g, conf_step_knobs, st, c->file, err, errlen) < 0)
		return -1;
	if (!t)
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"targets\"");
	if (!config_setting_get_member(g, "wait_s") &&
	    !config_setting_get_member(g, "wait_ms"))
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"wait_s\" (or \"wait_ms\")");
	if (conf__read_targets(c, t, st->targets, &st->ntargets, err,
	    errlen) < 0)
		return -1;
	if ((t = config_setting_get_member(g, "informed")) &&
	    conf__read_targets(c, t, st->informed, &st->ninformed, err,
	    errlen) < 0)
		return -1;
	return conf__read_duration(g, "wait", 0, 100, &st->wait_ms, c->file,
	    err, errlen);
}

static int
conf_read_policy(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	const config_setting_t *k = config_setting_get_member(g, "kind");
	const config_setting_t *steps = config_setting_get_member(g, "steps");
	const char *name = k ? config_setting_get_string(k) : NULL;
	enum proto_kind kind;
	struct conf_policy *p;
	int n;

	if (!name)
		return cfg_fail(err, errlen, k ? k : g, c->file,
		    "expected \"kind\": help, emergency or test");
	if (proto_kind_parse(name, strlen(name), &kind) < 0 ||
	    (kind != PROTO_KIND_HELP && kind != PROTO_KIND_EMERGENCY &&
	    kind != PROTO_KIND_TEST))
		return cfg_fail(err, errlen, k, c->file,
		    "expected help, emergency or test, not \"%s\"", name);
	p = &c->policies[kind];
	if (p->defined)
		return cfg_fail(err, errlen, k, c->file,
		    "a second policy for \"%s\"", name);
	if (cfg_apply(g, conf_policy_knobs, p, c->file, err, errlen) < 0)
		return -1;
	if (!steps || !config_setting_is_list(steps) ||
	    (n = config_setting_length(steps)) == 0 || n > CONF_STEPS_MAX)
		return cfg_fail(err, errlen, steps ? steps : g, c->file,
		    "expected steps = ( { targets = [...]; wait_s = N; }, ... ) "
		    "with 1 to %d steps", CONF_STEPS_MAX);
	for (int i = 0; i < n; i++)
		if (conf_read_step(c, config_setting_get_elem(steps, (unsigned)i),
		    &p->steps[i], err, errlen) < 0)
			return -1;
	p->nsteps = (unsigned)n;
	p->defined = 1;
	return 0;
}

int
conf__read_policies(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen)
{
	if (conf__each(c, root, "policies", PROTO_KIND_COUNT, 1,
	    conf_read_policy, err, errlen) < 0)
		return -1;
	/* An emergency must never fall back to the help ladder silently. */
	if (!c->policies[PROTO_KIND_HELP].defined)
		return cfg_fail(err, errlen, config_setting_get_member(root,
		    "policies"), c->file, "no policy for kind \"help\"");
	if (!c->policies[PROTO_KIND_EMERGENCY].defined)
		return cfg_fail(err, errlen, config_setting_get_member(root,
		    "policies"), c->file, "no policy for kind \"emergency\"");
	return 0;
}

const char *
conf_target_text(const struct hub_conf *c, const struct conf_target *t,
    char *buf, size_t size)
{
	switch (t->type) {
	case CONF_TARGET_SUPERVISOR:
		snprintf(buf, size, "supervisor");
		break;
	case CONF_TARGET_BACKUP:
		snprintf(buf, size, "backup");
		break;
	case CONF_TARGET_PERSON:
		snprintf(buf, size, "person:%s", c->people[t->index].id);
		break;
	case CONF_TARGET_TEAM:
		snprintf(buf, size, "team:%s", c->teams[t->index].id);
		break;
	case CONF_TARGET_ROLE:
		snprintf(buf, size, "role:%s", t->role);
		break;
	}
	return buf;
}

const char *
conf_day_name(int wday)
{
	return wday >= 0 && wday < 7 ? conf_day_names[wday] : "?";
}
