/* ctl.c: the plumbing panicctl's subcommands share; see ctl.h. */
#include "ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"
#include "mqtt.h"
#include "period.h"

void
ctl_init(struct ctl *x, const char *cmd)
{
	memset(x, 0, sizeof *x);
	x->cmd = cmd;
	x->conf_path = CTL_CONF_DEFAULT;
	x->identity_path = getenv("PANIC_IDENTITY");
	if (x->identity_path && !x->identity_path[0])
		x->identity_path = NULL;
	x->fmt = CTL_TEXT;
	x->now_ms = clock_wall_ms();
}

int
ctl_option(struct ctl *x, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		x->conf_path = arg;
		return 1;
	case CTL_OPT_DB:
		x->db_path = arg;
		return 1;
	case CTL_OPT_IDENTITY:
		x->identity_path = arg;
		return 1;
	case CTL_OPT_CSV:
		x->fmt = CTL_CSV;
		return 1;
	case CTL_OPT_BOM:
		x->fmt = CTL_CSV;
		x->bom = 1;
		return 1;
	case CTL_OPT_JSON:
		x->fmt = CTL_JSON;
		return 1;
	default:
		return 0;
	}
}

void
ctl_err(const struct ctl *x, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panicctl: %s: ", x->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The identity file: login keys only (login.h), and their secrets. */
static int
ctl_identity(struct ctl *x, char *err, size_t errlen)
{
	config_t cf;
	int rc;

	config_init(&cf);
	rc = cfg_read(&cf, x->identity_path, err, errlen);
	if (rc == 0)
		rc = login_read(config_root_setting(&cf), 1, &x->id,
		    x->identity_path, err, errlen);
	config_destroy(&cf);
	if (rc == 0)
		rc = login_secrets(&x->id, x->identity_path, err, errlen);
	return rc;
}

int
ctl_open(struct ctl *x, int need_db)
{
	char err[CONF_ERR_MAX];

	if (!(x->conf = (x->all_secrets ? hub_conf_load_all :
	    hub_conf_load)(x->conf_path, err, sizeof err)) ||
	    (x->identity_path && ctl_identity(x, err, sizeof err) < 0)) {
		ctl_err(x, "%s", err);
		return -1;
	}
	if (period_tz(x->conf->timezone) < 0) {
		ctl_err(x, "time zone %s: cannot be used", x->conf->timezone);
		return -1;
	}
	if (!need_db)
		return 0;
	if (!(x->db = db_open(x->db_path ? x->db_path : x->conf->database,
	    err, sizeof err))) {
		ctl_err(x, "%s", err);
		return -1;
	}
	return 0;
}

void
ctl_close(struct ctl *x)
{
	db_close(x->db);
	x->db = NULL;
	if (x->conf)
		conf_free(x->conf);
	x->conf = NULL;
	login_wipe(&x->id);
}

const char *
ctl_counter_label(const struct ctl *x, const char *id)
{
	int k = conf_counter_find(x->conf, id);

	/* a press from a board the config does not list (paged to the
	 * fallback) must not pass for an ordinary counter's */
	return k >= 0 ? x->conf->counters[k].label : "(not configured)";
}

const char *
ctl_person_name(const struct ctl *x, const char *id)
{
	int k = conf_person_find(x->conf, id);

	return k >= 0 ? x->conf->people[k].name : id;
}

int
ctl_counter_zone(const struct ctl *x, const char *id)
{
	int k = conf_counter_find(x->conf, id);

	return k >= 0 ? x->conf->counters[k].zone : -1;
}

const char *
ctl_counter_text(const struct ctl *x, const char *id, char *buf, size_t size)
{
	int k = conf_counter_find(x->conf, id);

	if (k >= 0)
		snprintf(buf, size, "%s (%s)", x->conf->counters[k].label, id);
	else
		snprintf(buf, size, "%s", id);
	return buf;
}

int
ctl_known_counter(struct ctl *x, const char *id)
{
	int seen;

	if (conf_counter_find(x->conf, id) >= 0)
		return 0;
	if ((seen = db_counter_seen(x->db, id)) < 0) {
		ctl_err(x, "database: %s", db_errmsg(x->db));
		return -1;
	}
	if (!seen) {
		ctl_err(x, "unknown counter \"%s\": not in %s and never seen "
		    "by the hub", id, x->conf_path);
		return -1;
	}
	return 0;
}

int
ctl_known_person(struct ctl *x, const char *id)
{
	int seen;

	if (conf_person_find(x->conf, id) >= 0)
		return 0;
	if ((seen = db_person_seen(x->db, id)) < 0) {
		ctl_err(x, "database: %s", db_errmsg(x->db));
		return -1;
	}
	if (!seen) {
		ctl_err(x, "unknown person \"%s\": not in %s and never paged",
		    id, x->conf_path);
		return -1;
	}
	return 0;
}

struct mqtt *
ctl_mqtt(const struct ctl *x, const char *role)
{
	const struct conf_broker *b = &x->conf->broker;
	struct mqtt_opts o;
	char id[PROTO_ID_MAX];

	memset(&o, 0, sizeof o);
	snprintf(id, sizeof id, "panicctl-%.12s-%d", role, (int)getpid());
	o.host = b->host;
	o.port = b->port;
	o.client_id = id;
	login_opts(&x->id, &o);		/* who: ours */
	o.tls = b->login.tls;		/* where and how: the hub's */
	o.no_verify = !b->login.verify;
	o.ca_file = b->login.ca_file[0] ? b->login.ca_file : NULL;
	if (!o.tls)
		o.cert_file = o.key_file = NULL;
	o.keepalive_s = b->keepalive_s;
	o.clean_session = 1;
	return mqtt_new(&o);
}
