/* conf_notify.c: the notification part of hubd.conf — the named channels
 * (webhook, smtp, command) and each person's list of channels with their
 * address there. Secrets are read from their files here, at load time, so
 * a missing file is a config error and not a failed page at 3 a.m. */
#include "conf_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KNOB_END { NULL, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }
#define KNOB_SKIP(n) { n, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }
#define KNOB_STR(n, m, sz) { n, CFG_STR, offsetof(struct conf_channel, m), \
	sz, 0, 0, 0, 0, NULL }

static const struct cfg_knob conf_channel_knobs[] = {
	{ "name", CFG_ID, offsetof(struct conf_channel, name), PROTO_ID_MAX, 1,
	  0, 0, 0, NULL },
	KNOB_STR("url", url, CONF_URL_MAX),
	KNOB_STR("token_file", token_file, PATH_MAX),
	KNOB_STR("from", from, CONF_CONTACT_MAX),
	KNOB_STR("user", user, CONF_CONTACT_MAX),
	KNOB_STR("password_file", password_file, PATH_MAX),
	KNOB_STR("path", path, PATH_MAX),
	{ "attempts", CFG_INT, offsetof(struct conf_channel, attempts), 0, 0,
	  3, 1, 20, NULL },
	{ "alert_after", CFG_INT, offsetof(struct conf_channel, alert_after),
	  0, 0, 3, 1, 1000, NULL },
	KNOB_SKIP("type"), KNOB_SKIP("template"), KNOB_SKIP("tls"),
	KNOB_SKIP("headers"), KNOB_SKIP("fields"), KNOB_SKIP("args"),
	KNOB_SKIP("timeout_s"), KNOB_SKIP("timeout_ms"),
	KNOB_SKIP("retry_s"), KNOB_SKIP("retry_ms"),
	KNOB_END
};

static const char *const conf_type_names[] = { "webhook", "smtp", "command" };
static const char *const conf_tpl_names[] = { "ntfy", "slack", "teams",
	"generic" };
static const char *const conf_tls_names[] = { "none", "try", "required" };

const char *
conf_channel_type_name(enum conf_channel_type t)
{
	return conf_type_names[t];
}

const char *
conf_template_name(enum conf_template t)
{
	return conf_tpl_names[t];
}

const char *
conf_tls_name(enum conf_tls t)
{
	return conf_tls_names[t];
}

int
conf_channel_find(const struct hub_conf *c, const char *name)
{
	for (unsigned i = 0; i < c->nchannels; i++)
		if (strcmp(c->channels[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The string key of g, one of names (n of them), into *out; def when
 * absent (-1: required). 0 or -1 with err set. */
static int
conf_enum(const struct hub_conf *c, const config_setting_t *g,
    const char *key, const char *const *names, int n, int def, int *out,
    char *err, size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char v[32];

	if (!s) {
		if (def < 0)
			return cfg_fail(err, errlen, g, c->file,
			    "missing required key \"%s\"", key);
		*out = def;
		return 0;
	}
	if (cfg_copy_string(s, 1, v, sizeof v, c->file, err, errlen) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return cfg_fail(err, errlen, s, c->file, "unknown value \"%s\"", v);
}

/* A list of at most max strings (each < CONF_LINE_MAX) into rows. */
static int
conf_lines(const struct hub_conf *c, const config_setting_t *g,
    const char *key, char rows[][CONF_LINE_MAX], unsigned max, unsigned *n,
    char *err, size_t errlen)
{
	const config_setting_t *l = config_setting_get_member(g, key);

	*n = 0;
	if (!l)
		return 0;
	if (!config_setting_is_array(l) && !config_setting_is_list(l))
		return cfg_fail(err, errlen, l, c->file,
		    "expected a list of strings [ \"...\", ... ]");
	if ((unsigned)config_setting_length(l) > max)
		return cfg_fail(err, errlen, l, c->file,
		    "too many entries (at most %u)", max);
	for (unsigned i = 0; i < (unsigned)config_setting_length(l); i++)
		if (cfg_copy_string(config_setting_get_elem(l, i), 0, rows[i],
		    CONF_LINE_MAX, c->file, err, errlen) < 0)
			return -1;
	*n = (unsigned)config_setting_length(l);
	return 0;
}

/* The first line of a secret's file into buf. */
static int
conf_secret(const struct hub_conf *c, const config_setting_t *g,
    const char *key, const char *path, char *buf, size_t size, char *err,
    size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return cfg_fail(err, errlen, s, c->file, "%s: %s", path,
		    strerror(errno));
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!ok || !buf[0])
		return cfg_fail(err, errlen, s, c->file, "%s: empty", path);
	return 0;
}

static int
conf_has_prefix(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (strncmp(s, *prefixes, strlen(*prefixes)) == 0)
			return 1;
	return 0;
}

/* fields = { key = "text"; ... } of a generic webhook. */
static int
conf_fields(const struct hub_conf *c, const config_setting_t *g,
    struct conf_channel *ch, char *err, size_t errlen)
{
	const config_setting_t *l = config_setting_get_member(g, "fields");
	unsigned n;

	if (!l)
		return 0;
	if (ch->type != CONF_CH_WEBHOOK || ch->tpl != CONF_TPL_GENERIC)
		return cfg_fail(err, errlen, l, c->file,
		    "only for the generic webhook template");
	if (!config_setting_is_group(l))
		return cfg_fail(err, errlen, l, c->file,
		    "expected a group { key = \"text\"; ... }");
	n = (unsigned)config_setting_length(l);
	if (n > CONF_FIELDS_MAX)
		return cfg_fail(err, errlen, l, c->file,
		    "too many entries (at most %u)", CONF_FIELDS_MAX);
	for (unsigned i = 0; i < n; i++) {
		const config_setting_t *f = config_setting_get_elem(l, i);
		const char *key = config_setting_name(f);

		if (strlen(key) >= PROTO_ID_MAX)
			return cfg_fail(err, errlen, f, c->file, "name too long");
		snprintf(ch->fields[i].key, PROTO_ID_MAX, "%s", key);
		if (cfg_copy_string(f, 0, ch->fields[i].value, CONF_LINE_MAX,
		    c->file, err, errlen) < 0)
			return -1;
	}
	ch->nfields = n;
	return 0;
}

/* Keys that belong to other types are mistakes worth naming. */
static int
conf_channel_keys(const struct hub_conf *c, const config_setting_t *g,
    const struct conf_channel *ch, char *err, size_t errlen)
{
	static const char *const only[][6] = {
		[CONF_CH_WEBHOOK] = { "template", "headers", "token_file",
		    "fields", "url", NULL },
		[CONF_CH_SMTP] = { "from", "user", "password_file", "tls",
		    "url", NULL },
		[CONF_CH_COMMAND] = { "path", "args", NULL },
	};

	for (unsigned i = 0; i < (unsigned)config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, i);
		const char *key = config_setting_name(s);
		int mine = 0, other = 0;

		for (int t = 0; t < 3; t++)
			for (int k = 0; only[t][k]; k++)
				if (strcmp(only[t][k], key) == 0)
					*(t == (int)ch->type ? &mine : &other) = 1;
		if (other && !mine)
			return cfg_fail(err, errlen, s, c->file,
			    "not a key of a %s channel",
			    conf_channel_type_name(ch->type));
	}
	return 0;
}

static int
conf_channel_webhook(const struct hub_conf *c, const config_setting_t *g,
    struct conf_channel *ch, char *err, size_t errlen)
{
	static const char *const http[] = { "http://", "https://", NULL };
	int tpl = 0;

	if (conf_enum(c, g, "template", conf_tpl_names, 4, -1, &tpl, err,
	    errlen) < 0)
		return -1;
	ch->tpl = (enum conf_template)tpl;
	if (!ch->url[0] || !conf_has_prefix(ch->url, http))
		return cfg_fail(err, errlen, ch->url[0] ?
		    config_setting_get_member(g, "url") : g, c->file,
		    "needs url = \"http(s)://...\"");
	if (conf_lines(c, g, "headers", ch->headers, CONF_HEADERS_MAX,
	    &ch->nheaders, err, errlen) < 0 ||
	    conf_fields(c, g, ch, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < ch->nheaders; i++)
		if (!strchr(ch->headers[i], ':') || strpbrk(ch->headers[i],
		    "\r\n"))
			return cfg_fail(err, errlen, config_setting_get_elem(
			    config_setting_get_member(g, "headers"), i), c->file,
			    "expected \"Name: value\"");
	if (ch->token_file[0])
		return conf_secret(c, g, "token_file", ch->token_file,
		    ch->token, sizeof ch->token, err, errlen);
	return 0;
}

static int
conf_channel_smtp(const struct hub_conf *c, const config_setting_t *g,
    struct conf_channel *ch, char *err, size_t errlen)
{
	static const char *const smtp[] = { "smtp://", "smtps://", NULL };
	int tls = CONF_TLS_TRY;

	if (!ch->url[0] || !conf_has_prefix(ch->url, smtp))
		return cfg_fail(err, errlen, ch->url[0] ?
		    config_setting_get_member(g, "url") : g, c->file,
		    "needs url = \"smtp://host:port\" (or smtps://)");
	if (!ch->from[0] || !strchr(ch->from, '@'))
		return cfg_fail(err, errlen, ch->from[0] ?
		    config_setting_get_member(g, "from") : g, c->file,
		    "needs from = \"address@domain\"");
	if (conf_enum(c, g, "tls", conf_tls_names, 3, CONF_TLS_TRY, &tls, err,
	    errlen) < 0)
		return -1;
	ch->tls = (enum conf_tls)tls;
	if (ch->password_file[0] && !ch->user[0])
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    "password_file"), c->file, "needs user");
	if (ch->password_file[0])
		return conf_secret(c, g, "password_file", ch->password_file,
		    ch->password, sizeof ch->password, err, errlen);
	return 0;
}

static int
conf_channel_command(const struct hub_conf *c, const config_setting_t *g,
    struct conf_channel *ch, char *err, size_t errlen)
{
	/* run without a shell: an absolute path, checked now */
	if (!ch->path[0])
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"path\"");
	if (ch->path[0] != '/' || access(ch->path, X_OK) != 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "path"),
		    c->file, "%s: not an executable file (an absolute path)",
		    ch->path);
	return conf_lines(c, g, "args", ch->args, CONF_ARGS_MAX, &ch->nargs,
	    err, errlen);
}

static int
conf_read_channel(struct hub_conf *c, const config_setting_t *g, char *err,
    size_t errlen)
{
	static int (*const by_type[])(const struct hub_conf *,
	    const config_setting_t *, struct conf_channel *, char *, size_t) = {
		conf_channel_webhook, conf_channel_smtp, conf_channel_command,
	};
	struct conf_channel *ch = &c->channels[c->nchannels];
	int type = 0;

	if (cfg_apply(g, conf_channel_knobs, ch, c->file, err, errlen) < 0)
		return -1;
	/* "pager" names the pager topic in notify lists, "broker" and
	 * "store" the hub's link and database in maintenance alerts */
	if (strcmp(ch->name, "pager") == 0 || strcmp(ch->name, "broker") == 0 ||
	    strcmp(ch->name, "store") == 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "name"),
		    c->file, "reserved name for the %s: channel \"%s\"",
		    ch->name[0] == 'p' ? "MQTT pager" : ch->name[0] == 'b' ?
		    "hub's broker link" : "hub's database", ch->name);
	if (conf_channel_find(c, ch->name) >= 0)
		return cfg_fail(err, errlen, config_setting_get_member(g, "name"),
		    c->file, "duplicate channel \"%s\"", ch->name);
	if (conf_enum(c, g, "type", conf_type_names, 3, -1, &type, err,
	    errlen) < 0)
		return -1;
	ch->type = (enum conf_channel_type)type;
	if (conf_channel_keys(c, g, ch, err, errlen) < 0 ||
	    by_type[type](c, g, ch, err, errlen) < 0 ||
	    conf__read_duration(g, "timeout", type == CONF_CH_COMMAND ? 30000 :
	    10000, 100, &ch->timeout_ms, c->file, err, errlen) < 0 ||
	    conf__read_duration(g, "retry", 2000, 100, &ch->retry_ms, c->file,
	    err, errlen) < 0)
		return -1;
	c->nchannels++;
	return 0;
}

int
conf__read_channels(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen)
{
	return conf__each(c, root, "channels", CONF_CHANNELS_MAX, 0,
	    conf_read_channel, err, errlen);
}

static const struct cfg_knob conf_notify_knobs[] = {
	KNOB_SKIP("channel"),
	{ "to", CFG_STR, offsetof(struct conf_notify, to), CONF_CONTACT_MAX, 0,
	  0, 0, 0, NULL },
	KNOB_END
};

/* The address of person p on channel ch when the entry gives none: the
 * person's email for mail, phone for a command hook. */
static int
conf_notify_to(const struct hub_conf *c, const config_setting_t *g,
    const struct conf_person *p, struct conf_notify *n, char *err,
    size_t errlen)
{
	const struct conf_channel *ch = &c->channels[n->channel];

	if (!n->to[0] && ch->type == CONF_CH_SMTP)
		snprintf(n->to, sizeof n->to, "%s", p->email);
	if (!n->to[0] && ch->type == CONF_CH_COMMAND)
		snprintf(n->to, sizeof n->to, "%s", p->phone);
	if (ch->type == CONF_CH_SMTP && (!n->to[0] || !strchr(n->to, '@') ||
	    strpbrk(n->to, "<>\r\n ")))
		return cfg_fail(err, errlen, g, c->file, "channel \"%s\" needs "
		    "to = \"address@domain\" (or the person's email)", ch->name);
	if (ch->type == CONF_CH_WEBHOOK && ch->tpl == CONF_TPL_NTFY && !n->to[0])
		return cfg_fail(err, errlen, g, c->file, "channel \"%s\" needs "
		    "to = \"topic\"", ch->name);
	return 0;
}

static int
conf_notify_one(const struct hub_conf *c, const config_setting_t *g,
    struct conf_person *p, char *err, size_t errlen)
{
	struct conf_notify *n = &p->notify[p->nnotify];
	const config_setting_t *s = config_setting_get_member(g, "channel");
	char name[PROTO_ID_MAX];

	if (!config_setting_is_group(g))
		return cfg_fail(err, errlen, g, c->file,
		    "expected { channel = \"name\"; to = \"...\"; }");
	if (cfg_apply(g, conf_notify_knobs, n, c->file, err, errlen) < 0)
		return -1;
	if (!s)
		return cfg_fail(err, errlen, g, c->file,
		    "missing required key \"channel\"");
	if (cfg_copy_string(s, 1, name, sizeof name, c->file, err, errlen) < 0)
		return -1;
	n->channel = strcmp(name, "pager") == 0 ? CONF_PAGER :
	    conf_channel_find(c, name);
	if (strcmp(name, "pager") && n->channel < 0)
		return cfg_fail(err, errlen, s, c->file, "unknown channel \"%s\"",
		    name);
	for (unsigned i = 0; i < p->nnotify; i++)
		if (p->notify[i].channel == n->channel)
			return cfg_fail(err, errlen, s, c->file,
			    "channel \"%s\" listed twice", name);
	if (n->channel != CONF_PAGER &&
	    conf_notify_to(c, g, p, n, err, errlen) < 0)
		return -1;
	p->nnotify++;
	return 0;
}

int
conf__read_notify(const struct hub_conf *c, const config_setting_t *g,
    struct conf_person *p, char *err, size_t errlen)
{
	const config_setting_t *l = config_setting_get_member(g, "notify");

	p->nnotify = 0;
	if (!l) {
		/* the default: the pager topic alone */
		p->notify[0].channel = CONF_PAGER;
		p->nnotify = 1;
		return 0;
	}
	if (!config_setting_is_list(l) || config_setting_length(l) == 0)
		return cfg_fail(err, errlen, l, c->file,
		    "expected a non-empty list ( { channel = ...; }, ... )");
	if (config_setting_length(l) > CONF_NOTIFY_MAX)
		return cfg_fail(err, errlen, l, c->file,
		    "too many entries (at most %u)", CONF_NOTIFY_MAX);
	for (unsigned i = 0; i < (unsigned)config_setting_length(l); i++)
		if (conf_notify_one(c, config_setting_get_elem(l, i), p, err,
		    errlen) < 0)
			return -1;
	return 0;
}
