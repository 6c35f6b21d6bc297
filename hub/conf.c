/* conf.c: loads hubd.conf — site, broker, timeouts, people, teams, zones and
 * counters — and checks every reference; conf_sched.c reads the schedule
 * and the policies. */
#include "conf_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define KNOB_END { NULL, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }
#define KNOB_SKIP(n) { n, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }

static const struct cfg_knob conf_top_knobs[] = {
	{ "site", CFG_ID, offsetof(struct hub_conf, site), PROTO_ID_MAX, 1,
	  0, 0, 0, NULL },
	{ "topic_prefix", CFG_ID, offsetof(struct hub_conf, topic_prefix),
	  PROTO_ID_MAX, 0, 0, 0, 0, PROTO_DEFAULT_PREFIX },
	{ "timezone", CFG_STR, offsetof(struct hub_conf, timezone), 64, 0,
	  0, 0, 0, "UTC" },
	{ "database", CFG_STR, offsetof(struct hub_conf, database), PATH_MAX, 0,
	  0, 0, 0, "/var/lib/panic/hub.db" },
	{ "log_level", CFG_STR, offsetof(struct hub_conf, log_level), 16, 0,
	  0, 0, 0, "info" },
	KNOB_SKIP("broker"), KNOB_SKIP("timeouts"), KNOB_SKIP("supervision"),
	KNOB_SKIP("fallback"), KNOB_SKIP("people"), KNOB_SKIP("teams"),
	KNOB_SKIP("zones"), KNOB_SKIP("counters"), KNOB_SKIP("shifts"),
	KNOB_SKIP("exceptions"), KNOB_SKIP("policies"), KNOB_SKIP("web"),
	KNOB_SKIP("channels"),
	KNOB_END
};

static const struct cfg_knob conf_broker_knobs[] = {
	{ "host", CFG_STR, offsetof(struct conf_broker, host), 256, 0,
	  0, 0, 0, "127.0.0.1" },
	{ "port", CFG_INT, offsetof(struct conf_broker, port), 0, 0,
	  1883, 1, 65535, NULL },
	{ "keepalive_s", CFG_INT, offsetof(struct conf_broker, keepalive_s), 0,
	  0, 30, 5, 3600, NULL },
	{ "client_id", CFG_ID, offsetof(struct conf_broker, client_id),
	  PROTO_ID_MAX, 0, 0, 0, 0, NULL },
	LOGIN_KNOB_SKIPS,
	KNOB_END
};

static const struct cfg_knob conf_supervision_knobs[] = {
	{ "heartbeat_misses", CFG_INT, offsetof(struct hub_conf,
	  heartbeat_misses), 0, 0, 2, 1, 100, NULL },
	{ "default_interval_s", CFG_INT, offsetof(struct hub_conf,
	  heartbeat_default_s), 0, 0, 60, 1, 86400, NULL },
	{ "maint_role", CFG_ID, offsetof(struct hub_conf, maint_role),
	  PROTO_ID_MAX, 0, 0, 0, 0, "facility" },
	KNOB_END
};

static const struct cfg_knob conf_timeout_knobs[] = {
	KNOB_SKIP("cancel_grace_s"), KNOB_SKIP("cancel_grace_ms"),
	KNOB_SKIP("on_scene_timeout_s"), KNOB_SKIP("on_scene_timeout_ms"),
	KNOB_SKIP("relief_after_s"), KNOB_SKIP("relief_after_ms"),
	KNOB_END
};

static const struct cfg_knob conf_person_knobs[] = {
	{ "id", CFG_ID, offsetof(struct conf_person, id), PROTO_ID_MAX, 1,
	  0, 0, 0, NULL },
	{ "name", CFG_STR, offsetof(struct conf_person, name), PROTO_TEXT_MAX, 1,
	  0, 0, 0, NULL },
	{ "pager", CFG_ID, offsetof(struct conf_person, pager), PROTO_ID_MAX, 0,
	  0, 0, 0, NULL },
	{ "phone", CFG_STR, offsetof(struct conf_person, phone),
	  CONF_CONTACT_MAX, 0, 0, 0, 0, NULL },
	{ "email", CFG_STR, offsetof(struct conf_person, email),
	  CONF_CONTACT_MAX, 0, 0, 0, 0, NULL },
	KNOB_SKIP("roles"), KNOB_SKIP("notify"),
	KNOB_END
};

static const struct cfg_knob conf_team_knobs[] = {
	{ "id", CFG_ID, offsetof(struct conf_team, id), PROTO_ID_MAX, 1,
	  0, 0, 0, NULL },
	KNOB_SKIP("members"),
	KNOB_END
};

static const struct cfg_knob conf_zone_knobs[] = {
	{ "id", CFG_ID, offsetof(struct conf_zone, id), PROTO_ID_MAX, 1,
	  0, 0, 0, NULL },
	{ "name", CFG_STR, offsetof(struct conf_zone, name), PROTO_TEXT_MAX, 0,
	  0, 0, 0, NULL },
	KNOB_END
};

/* zone is read by hand: it is an index here, an id in the file. */
static const struct cfg_knob conf_counter_knobs[] = {
	{ "id", CFG_ID, offsetof(struct conf_counter, id), PROTO_ID_MAX, 1,
	  0, 0, 0, NULL },
	{ "label", CFG_STR, offsetof(struct conf_counter, label),
	  PROTO_TEXT_MAX, 1, 0, 0, 0, NULL },
	{ "floor", CFG_STR, offsetof(struct conf_counter, floor), PROTO_ID_MAX,
	  0, 0, 0, 0, NULL },
	{ "location", CFG_STR, offsetof(struct conf_counter, location),
	  PROTO_TEXT_MAX, 0, 0, 0, 0, NULL },
	{ "min_responders", CFG_INT, offsetof(struct conf_counter,
	  min_responders), 0, 0, 0, 0, PROTO_LIST_MAX, NULL },
	KNOB_SKIP("zone"),
	KNOB_END
};

/* Every table's rows start with their id. */
_Static_assert(offsetof(struct conf_person, id) == 0 &&
    offsetof(struct conf_team, id) == 0 && offsetof(struct conf_zone, id) == 0 &&
    offsetof(struct conf_counter, id) == 0, "id first");

static int
conf_find(const void *rows, unsigned n, size_t stride, const char *id)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp((const char *)rows + i * stride, id) == 0)
			return (int)i;
	return -1;
}

int
conf_person_find(const struct hub_conf *c, const char *id)
{
	return conf_find(c->people, c->npeople, sizeof *c->people, id);
}

int
conf_team_find(const struct hub_conf *c, const char *id)
{
	return conf_find(c->teams, c->nteams, sizeof *c->teams, id);
}

int
conf_zone_find(const struct hub_conf *c, const char *id)
{
	return conf_find(c->zones, c->nzones, sizeof *c->zones, id);
}

int
conf_counter_find(const struct hub_conf *c, const char *id)
{
	return conf_find(c->counters, c->ncounters, sizeof *c->counters, id);
}

int
conf_person_has_role(const struct conf_person *p, const char *role)
{
	for (unsigned i = 0; i < p->nroles; i++)
		if (strcmp(p->roles[i], role) == 0)
			return 1;
	return 0;
}

const struct conf_policy *
conf_policy_for(const struct hub_conf *c, enum proto_kind kind)
{
	if ((unsigned)kind < PROTO_KIND_COUNT && c->policies[kind].defined)
		return &c->policies[kind];
	return &c->policies[PROTO_KIND_HELP];
}

int
conf__each(struct hub_conf *c, const config_setting_t *root,
    const char *name, unsigned max, int required, conf_item_fn fn,
    char *err, size_t errlen)
{
	const config_setting_t *l = config_setting_get_member(root, name);
	unsigned n;

	if (!l) {
		if (required)
			return cfg_fail(err, errlen, root, c->file,
			    "missing required list \"%s\"", name);
		return 0;
	}
	if (!config_setting_is_list(l))
		return cfg_fail(err, errlen, l, c->file,
		    "expected a list ( { ... }, ... )");
	n = (unsigned)config_setting_length(l);
	if (n > max)
		return cfg_fail(err, errlen, l, c->file,
		    "too many entries (at most %u)", max);
	if (required && n == 0)
		return cfg_fail(err, errlen, l, c->file, "must not be empty");
	for (unsigned i = 0; i < n; i++)
		if (fn(c, config_setting_get_elem(l, i), err, errlen) < 0)
			return -1;
	return 0;
}

/* Check s is a list or array of at most max strings; returns its length or
 * -1 with err set. */
static int
conf_string_list(const struct hub_conf *c, const config_setting_t *s,
    unsigned max, char *err, size_t errlen)
{
	int n;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return cfg_fail(err, errlen, s, c->file,
		    "expected a list of strings [ \"...\", ... ]");
	n = config_setting_length(s);
	if ((unsigned)n > max)
		return cfg_fail(err, errlen, s, c->file,
		    "too many entries (at most %u)", max);
	return n;
}

/* A pager id names the person's topics (pager/<id>, and the replies the
 * hub takes as theirs on pager/<id>/reply), and a person's id is their
 * pager id unless one is given: so across people every id and pager id
 * must differ, or one person's pages reach another and another's replies
 * count as theirs. p is the person being read, the earlier ones are
 * checked against it. */
static int
conf_check_pager(const struct hub_conf *c, const struct conf_person *p,
    const config_setting_t *g, char *err, size_t errlen)
{
	const config_setting_t *at = config_setting_get_member(g, "pager");

	if (!at)
		at = config_setting_get_member(g, "id");
	for (unsigned i = 0; i < c->npeople; i++) {
		const struct conf_person *q = &c->people[i];

		if (strcmp(p->pager, q->pager) == 0 ||
		    strcmp(p->pager, q->id) == 0)
			return cfg_fail(err, errlen, at, c->file, "pager id "
			    "\"%s\" of \"%s\" is already %s: pages and replies "
			    "on pager/%s would be taken for either", p->pager,
			    p->id, strcmp(p->pager, q->id) == 0 ?
			    "another person's id" : "another person's pager id",
			    p->pager);
		if (strcmp(p->id, q->pager) == 0)
			return cfg_fail(err, errlen,
			    config_setting_get_member(g, "id"), c->file,
			    "person \"%s\": that is already the pager id of "
			    "\"%s\": pages and replies on pager/%s would be "
			    "taken for either", p->id, q->id, p->id);
	}
	return 0;
}

static int
conf_read_person(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	struct conf_person *p = &c->people[c->npeople];
	const config_setting_t *roles = config_setting_get_member(g, "roles");
	int n = 0;

	if (cfg_apply(g, conf_person_knobs, p, c->file, err, errlen) < 0)
		return -1;
	if (conf_person_find(c, p->id) >= 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "id"),
		    c->file, "duplicate person \"%s\"", p->id);
	if (!p->pager[0])
		memcpy(p->pager, p->id, sizeof p->pager);
	if (conf_check_pager(c, p, g, err, errlen) < 0)
		return -1;
	if (roles && (n = conf_string_list(c, roles, CONF_ROLES_MAX, err,
	    errlen)) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (cfg_copy_string(config_setting_get_elem(roles, (unsigned)i),
		    1, p->roles[i], PROTO_ID_MAX, c->file, err, errlen) < 0)
			return -1;
	p->nroles = (unsigned)n;
	if (conf__read_notify(c, g, p, err, errlen) < 0)
		return -1;
	c->npeople++;
	return 0;
}

static int
conf_read_team(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	struct conf_team *t = &c->teams[c->nteams];
	const config_setting_t *m = config_setting_get_member(g, "members");
	char id[PROTO_ID_MAX];
	int n;

	if (cfg_apply(g, conf_team_knobs, t, c->file, err, errlen) < 0)
		return -1;
	if (conf_team_find(c, t->id) >= 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "id"),
		    c->file, "duplicate team \"%s\"", t->id);
	if (!m)
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"members\"");
	if ((n = conf_string_list(c, m, CONF_MEMBERS_MAX, err, errlen)) < 0)
		return -1;
	if (n == 0)
		return cfg_fail(err, errlen, m, c->file, "must not be empty");
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(m, (unsigned)i);

		if (cfg_copy_string(e, 1, id, sizeof id, c->file, err, errlen) < 0)
			return -1;
		if ((t->members[i] = conf_person_find(c, id)) < 0)
			return cfg_fail(err, errlen, e, c->file,
			    "unknown person \"%s\"", id);
	}
	t->nmembers = (unsigned)n;
	c->nteams++;
	return 0;
}

static int
conf_read_zone(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	struct conf_zone *z = &c->zones[c->nzones];

	if (cfg_apply(g, conf_zone_knobs, z, c->file, err, errlen) < 0)
		return -1;
	if (conf_zone_find(c, z->id) >= 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "id"),
		    c->file, "duplicate zone \"%s\"", z->id);
	if (!z->name[0])
		memcpy(z->name, z->id, sizeof z->id);
	c->nzones++;
	return 0;
}

static int
conf_read_counter(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	struct conf_counter *k = &c->counters[c->ncounters];
	const config_setting_t *z = config_setting_get_member(g, "zone");
	char id[PROTO_ID_MAX];

	if (cfg_apply(g, conf_counter_knobs, k, c->file, err, errlen) < 0)
		return -1;
	if (conf_counter_find(c, k->id) >= 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "id"),
		    c->file, "duplicate counter \"%s\"", k->id);
	if (!z)
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"zone\"");
	if (cfg_copy_string(z, 1, id, sizeof id, c->file, err, errlen) < 0)
		return -1;
	if ((k->zone = conf_zone_find(c, id)) < 0)
		return cfg_fail(err, errlen, z, c->file, "unknown zone \"%s\"", id);
	c->ncounters++;
	return 0;
}

static int
conf_read_groups(struct hub_conf *c, const config_setting_t *root, char *err,
    size_t errlen)
{
	const config_setting_t *g;

	g = config_setting_get_member(root, "broker");
	if (cfg_apply(g, conf_broker_knobs, &c->broker, c->file, err, errlen) < 0 ||
	    login_read(g, 0, &c->broker.login, c->file, err, errlen) < 0)
		return -1;
	if (!c->broker.client_id[0])
		snprintf(c->broker.client_id, sizeof c->broker.client_id,
		    "hubd-%.26s", c->site);
	g = config_setting_get_member(root, "supervision");
	if (cfg_apply(g, conf_supervision_knobs, c, c->file, err, errlen) < 0)
		return -1;
	g = config_setting_get_member(root, "timeouts");
	if (cfg_apply(g, conf_timeout_knobs, c, c->file, err, errlen) < 0 ||
	    conf__read_duration(g, "cancel_grace", 30000, 0,
	    &c->cancel_grace_ms, c->file, err, errlen) < 0 ||
	    conf__read_duration(g, "on_scene_timeout", 180000, 1000,
	    &c->on_scene_timeout_ms, c->file, err, errlen) < 0 ||
	    conf__read_duration(g, "relief_after", 1200000, 1000,
	    &c->relief_after_ms, c->file, err, errlen) < 0)
		return -1;
	return conf_web_read(c, root, err, errlen);
}

/* The site's time zone must exist: glibc silently falls back to UTC for an
 * unknown name, and shifts would then be hours off. */
static int
conf_check_timezone(const struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX];

	if (strcmp(c->timezone, "UTC") == 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s",
	    dir ? dir : "/usr/share/zoneinfo", c->timezone);
	if (strstr(c->timezone, "..") || access(path, R_OK) != 0)
		return cfg_fail(err, errlen,
		    config_setting_get_member(root, "timezone"), c->file,
		    "unknown time zone \"%s\"", c->timezone);
	return 0;
}

static int
conf_check(struct hub_conf *c, const config_setting_t *root, char *err,
    size_t errlen)
{
	enum log_level lvl;
	int facility = 0;

	if (log_level_parse(c->log_level, &lvl) < 0)
		return cfg_fail(err, errlen,
		    config_setting_get_member(root, "log_level"), c->file,
		    "expected error, warn, info or debug");
	if (conf_check_timezone(c, root, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < c->npeople; i++)
		facility |= conf_person_has_role(&c->people[i], c->maint_role);
	/* Otherwise a dead button would be noticed by nobody. */
	if (!facility)
		return cfg_fail(err, errlen,
		    config_setting_get_member(root, "supervision"), c->file,
		    "nobody holds the maintenance role \"%s\"", c->maint_role);
	return 0;
}

static int
conf_parse(struct hub_conf *c, const config_setting_t *root, char *err,
    size_t errlen)
{
	const config_setting_t *fb;

	if (cfg_apply(root, conf_top_knobs, c, c->file, err, errlen) < 0 ||
	    conf_read_groups(c, root, err, errlen) < 0 ||
	    conf__read_channels(c, root, err, errlen) < 0 ||
	    conf__each(c, root, "people", CONF_PEOPLE_MAX, 1, conf_read_person,
	    err, errlen) < 0 ||
	    conf__each(c, root, "teams", CONF_TEAMS_MAX, 0, conf_read_team,
	    err, errlen) < 0 ||
	    conf__each(c, root, "zones", CONF_ZONES_MAX, 1, conf_read_zone,
	    err, errlen) < 0 ||
	    conf__each(c, root, "counters", CONF_COUNTERS_MAX, 0,
	    conf_read_counter, err, errlen) < 0 ||
	    conf__read_shifts(c, root, err, errlen) < 0 ||
	    conf__read_exceptions(c, root, err, errlen) < 0 ||
	    conf__read_policies(c, root, err, errlen) < 0)
		return -1;
	/* The fallback catches presses nobody else would get: unconfigured
	 * counters and steps whose targets are all off shift. */
	fb = config_setting_get_member(root, "fallback");
	if (!fb)
		return cfg_fail(err, errlen, root, c->file,
		    "missing required key \"fallback\"");
	if (conf__read_targets(c, fb, c->fallback, &c->nfallback, err,
	    errlen) < 0)
		return -1;
	for (unsigned i = 0; i < c->nfallback; i++)
		if (c->fallback[i].type == CONF_TARGET_SUPERVISOR ||
		    c->fallback[i].type == CONF_TARGET_BACKUP)
			return cfg_fail(err, errlen, fb, c->file, "the fallback "
			    "must name people, teams or roles, not a shift slot");
	return conf_check(c, root, err, errlen);
}

struct hub_conf *
hub_conf_load_all(const char *path, char *err, size_t errlen)
{
	struct hub_conf *c = hub_conf_load(path, err, errlen);

	if (c && (login_secrets(&c->broker.login, c->file, err, errlen) < 0 ||
	    conf_web_key_load(c, err, errlen) < 0)) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct hub_conf *
hub_conf_load(const char *path, char *err, size_t errlen)
{
	struct hub_conf *c = calloc(1, sizeof *c);
	config_t cf;
	int rc;

	if (!c) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	snprintf(c->file, sizeof c->file, "%s", path);
	config_init(&cf);
	rc = cfg_read(&cf, path, err, errlen);
	if (rc == 0)
		rc = conf_parse(c, config_root_setting(&cf), err, errlen);
	config_destroy(&cf);
	if (rc < 0) {
		free(c);
		return NULL;
	}
	return c;
}

void
conf_free(struct hub_conf *c)
{
	if (!c)
		return;
	/* keep the broker password out of freed memory */
	login_wipe(&c->broker.login);
	memset(c->web.key, 0, sizeof c->web.key);
	for (unsigned i = 0; i < c->nchannels; i++) {
		memset(c->channels[i].token, 0, sizeof c->channels[i].token);
		memset(c->channels[i].password, 0,
		    sizeof c->channels[i].password);
	}
	free(c);
}
