/* conf.c: counterd's config file — knob tables for the plain values, small
 * readers for names, lines and lists, then the checks across keys. */
#include "conf.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "log.h"
#include "login.h"

#define K_INT(n, st, f, d, lo, hi) { .name = n, .type = CFG_INT, \
	.off = offsetof(st, f), .def = d, .min = lo, .max = hi }
#define K_BOOL(n, st, f, d) { .name = n, .type = CFG_BOOL, \
	.off = offsetof(st, f), .def = d }
#define K_STR(n, st, f, d) { .name = n, .type = CFG_STR, \
	.off = offsetof(st, f), .size = sizeof(((st *)0)->f), .def_str = d }
#define K_ID(n, st, f, req, d) { .name = n, .type = CFG_ID, \
	.off = offsetof(st, f), .size = sizeof(((st *)0)->f), \
	.required = req, .def_str = d }
#define K_SKIP(n) { .name = n, .type = CFG_SKIP }

/* The id charset (proto.h) without the id's length limit: client ids. */
#define CONF_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789_-"

static const char *const backend_names[] = { "sim", "gpiod", NULL };
static const char *const bias_names[] = {
	"as-is", "disable", "pull-up", "pull-down", NULL
};
static const char *const wiring_names[] = {
	"normally-open", "normally-closed", NULL
};
static const char *const role_names[] = {
	"status", "fallback", "recorder", NULL
};
static const char *const mode_names[] = { "hold", "pulse", NULL };
static const char *const level_names[] = {
	"error", "warn", "info", "debug", NULL
};

static const struct cfg_knob top_knobs[] = {
	K_ID("site", struct conf, site, 1, NULL),
	K_ID("counter", struct conf, counter, 1, NULL),
	K_ID("topic_prefix", struct conf, topic_prefix, 0, PROTO_DEFAULT_PREFIX),
	K_STR("outbox", struct conf, outbox, "/var/lib/counterd/outbox.journal"),
	K_INT("heartbeat_s", struct conf, heartbeat_s, 30, 1, 3600),
	K_INT("confirm_timeout_s", struct conf, confirm_timeout_s, 5, 1, 600),
	K_BOOL("syslog", struct conf, syslog, 0),
	K_SKIP("log_level"), K_SKIP("discreet_kinds"), K_SKIP("broker"),
	K_SKIP("gpio"), K_SKIP("buttons"), K_SKIP("outputs"),
	{ .name = NULL }
};

static const struct cfg_knob broker_knobs[] = {
	K_STR("host", struct conf, host, "127.0.0.1"),
	K_INT("port", struct conf, port, 1883, 1, 65535),
	K_INT("keepalive_s", struct conf, keepalive_s, 15, 2, 600),
	/* not K_ID: the default "counterd-<site>-<counter>" may pass 32 */
	K_STR("client_id", struct conf, client_id, NULL),
	LOGIN_KNOB_SKIPS,
	{ .name = NULL }
};

static const struct cfg_knob gpio_knobs[] = {
	K_STR("sim_socket", struct conf, sim_socket, "/run/counterd/sim.sock"),
	K_SKIP("backend"),
	{ .name = NULL }
};

static const struct cfg_knob button_knobs[] = {
	K_ID("name", struct conf_button, name, 1, NULL),
	K_STR("chip", struct conf_button, line.chip, "gpiochip0"),
	K_BOOL("active_low", struct conf_button, line.active_low, 1),
	K_INT("debounce_ms", struct conf_button, spec.debounce_ms, 20, 1, 1000),
	K_INT("long_ms", struct conf_button, spec.long_ms, 2000, 100, 60000),
	K_INT("double_ms", struct conf_button, spec.double_ms, 0, 0, 2000),
	K_INT("stuck_ms", struct conf_button, spec.stuck_ms, 300000, 1000,
	    86400000),
	K_BOOL("discreet", struct conf_button, discreet, 0),
	K_SKIP("line"), K_SKIP("bias"), K_SKIP("wiring"), K_SKIP("short"),
	K_SKIP("long"), K_SKIP("double"),
	{ .name = NULL }
};

static const struct cfg_knob output_knobs[] = {
	K_ID("name", struct conf_output, name, 1, NULL),
	K_STR("chip", struct conf_output, line.chip, "gpiochip0"),
	K_BOOL("active_low", struct conf_output, line.active_low, 0),
	K_INT("pulse_ms", struct conf_output, pulse_ms, 1000, 10, 600000),
	K_BOOL("on_discreet", struct conf_output, on_discreet, 0),
	K_SKIP("role"), K_SKIP("line"), K_SKIP("mode"), K_SKIP("kind"),
	{ .name = NULL }
};

/* What every reader below needs to report an error. */
struct conf_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

const char *
conf_role_name(enum conf_role r)
{
	return r <= CONF_ROLE_RECORDER ? role_names[r] : NULL;
}

/* Read grp.key as one of names into *out; def when absent, and a missing
 * key is an error when def < 0. */
static int
conf_enum(const config_setting_t *grp, const char *key,
    const char *const *names, int def, int *out, const struct conf_ctx *x)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char list[160] = "";
	const char *v;

	if (!s) {
		if (def < 0)
			return cfg_fail(x->err, x->errlen, grp, x->file,
			    "missing required key \"%s\"", key);
		*out = def;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(x->err, x->errlen, s, x->file, "expected a string");
	v = config_setting_get_string(s);
	for (int i = 0; names[i]; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof list - strlen(list),
		    "%s\"%s\"", i ? ", " : "", names[i]);
	}
	return cfg_fail(x->err, x->errlen, s, x->file, "\"%s\" is not one of %s",
	    v, list);
}

/* A gesture or trigger kind: help, emergency, cancel, arrived, test, or
 * "none"/"" (allowed when allow_none) for BUTTON_KIND_NONE. */
static int
conf_kind_value(const config_setting_t *s, int allow_none, int *out,
    const struct conf_ctx *x)
{
	enum proto_kind k;
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(x->err, x->errlen, s, x->file, "expected a string");
	v = config_setting_get_string(s);
	if (allow_none && (v[0] == '\0' || strcmp(v, "none") == 0)) {
		*out = BUTTON_KIND_NONE;
		return 0;
	}
	if (proto_kind_parse(v, strlen(v), &k) < 0 || k >= PROTO_KIND_FAULT)
		return cfg_fail(x->err, x->errlen, s, x->file,
		    "\"%s\" is not a kind (help, emergency, cancel, arrived, "
		    "test%s)", v, allow_none ? ", none" : "");
	*out = (int)k;
	return 0;
}

static int
conf_kind(const config_setting_t *grp, const char *key, int def,
    int allow_none, int *out, const struct conf_ctx *x)
{
	const config_setting_t *s = config_setting_get_member(grp, key);

	if (!s) {
		*out = def;
		return 0;
	}
	return conf_kind_value(s, allow_none, out, x);
}

/* line = 17 (offset) or line = "BTN_MAIN" (line name); absent: -1, "". */
static int
conf_line_id(const config_setting_t *grp, struct conf_line *l,
    const struct conf_ctx *x)
{
	const config_setting_t *s = config_setting_get_member(grp, "line");

	l->offset = -1;
	l->name[0] = '\0';
	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		l->offset = config_setting_get_int(s);
		if (l->offset < 0 || l->offset > 4095)
			return cfg_fail(x->err, x->errlen, s, x->file,
			    "%d is out of range (0 to 4095)", l->offset);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(x->err, x->errlen, s, x->file,
		    "expected a line offset or a line name");
	return cfg_copy_string(s, 0, l->name, sizeof l->name, x->file, x->err,
	    x->errlen);
}

/* The timings must nest: debounce < long < stuck, and a double press
 * needs both a window and a kind. */
static int
conf_button_check(const config_setting_t *g, const struct conf_button *b,
    const struct conf_ctx *x)
{
	const struct button_spec *s = &b->spec;
	const config_setting_t *at;

	if (s->long_ms <= s->debounce_ms || s->stuck_ms <= s->long_ms) {
		at = config_setting_get_member(g, "long_ms");
		return cfg_fail(x->err, x->errlen, at ? at : g, x->file,
		    "need debounce_ms < long_ms < stuck_ms (%d, %d, %d)",
		    s->debounce_ms, s->long_ms, s->stuck_ms);
	}
	if ((s->double_ms > 0) != (s->kind_double != BUTTON_KIND_NONE)) {
		at = config_setting_get_member(g, "double_ms");
		return cfg_fail(x->err, x->errlen, at ? at : g, x->file,
		    "a double press needs both double_ms > 0 and a double kind");
	}
	if (s->kind_short == BUTTON_KIND_NONE &&
	    s->kind_long == BUTTON_KIND_NONE &&
	    s->kind_double == BUTTON_KIND_NONE)
		return cfg_fail(x->err, x->errlen, g, x->file,
		    "button raises nothing: set short, long or double");
	return 0;
}

static int
conf_button(const config_setting_t *g, struct conf_button *b,
    const struct conf_ctx *x)
{
	int bias, wiring;

	if (cfg_apply(g, button_knobs, b, x->file, x->err, x->errlen) < 0 ||
	    conf_line_id(g, &b->line, x) < 0 ||
	    conf_enum(g, "bias", bias_names, CONF_BIAS_PULL_UP, &bias, x) < 0 ||
	    conf_enum(g, "wiring", wiring_names, 0, &wiring, x) < 0 ||
	    conf_kind(g, "short", PROTO_KIND_HELP, 1, &b->spec.kind_short, x) < 0 ||
	    conf_kind(g, "long", PROTO_KIND_EMERGENCY, 1, &b->spec.kind_long,
	    x) < 0 ||
	    conf_kind(g, "double", BUTTON_KIND_NONE, 1, &b->spec.kind_double,
	    x) < 0)
		return -1;
	b->bias = (enum conf_bias)bias;
	b->spec.normally_closed = wiring;
	b->spec.active_low = b->line.active_low;
	return conf_button_check(g, b, x);
}

/* Keys that only make sense for one role are refused elsewhere, so a typo
 * in a role does not silently disable a recorder. */
static int
conf_output_check(const config_setting_t *g, const struct conf_output *o,
    const struct conf_ctx *x)
{
	static const struct { const char *key; enum conf_role role; } only[] = {
		{ "mode", CONF_ROLE_RECORDER }, { "pulse_ms", CONF_ROLE_RECORDER },
		{ "kind", CONF_ROLE_RECORDER }, { "on_discreet", CONF_ROLE_FALLBACK },
	};

	for (size_t i = 0; i < sizeof only / sizeof only[0]; i++) {
		const config_setting_t *s =
		    config_setting_get_member(g, only[i].key);

		if (s && o->role != only[i].role)
			return cfg_fail(x->err, x->errlen, s, x->file,
			    "only for role \"%s\"", role_names[only[i].role]);
	}
	return 0;
}

static int
conf_output(const config_setting_t *g, struct conf_output *o,
    const struct conf_ctx *x)
{
	int role, mode, kind;

	if (cfg_apply(g, output_knobs, o, x->file, x->err, x->errlen) < 0 ||
	    conf_enum(g, "role", role_names, -1, &role, x) < 0 ||
	    conf_line_id(g, &o->line, x) < 0 ||
	    conf_enum(g, "mode", mode_names, CONF_MODE_HOLD, &mode, x) < 0 ||
	    conf_kind(g, "kind", PROTO_KIND_EMERGENCY, 0, &kind, x) < 0)
		return -1;
	o->role = (enum conf_role)role;
	o->mode = (enum conf_mode)mode;
	o->kind = (enum proto_kind)kind;
	return conf_output_check(g, o, x);
}

/* A real board needs every line named; the sim needs none. */
static int
conf_line_check(const struct conf *c, const config_setting_t *g,
    const struct conf_line *l, const struct conf_ctx *x)
{
	if (c->backend == CONF_GPIO_GPIOD && l->offset < 0 && !l->name[0])
		return cfg_fail(x->err, x->errlen, g, x->file,
		    "missing required key \"line\" (backend \"gpiod\")");
	return 0;
}

/* Read the list at key: each element a group, handed to one(). */
static int
conf_list(const config_setting_t *root, const char *key, unsigned max,
    unsigned *count, int (*one)(struct conf *, const config_setting_t *,
    unsigned, const struct conf_ctx *), struct conf *c,
    const struct conf_ctx *x)
{
	const config_setting_t *l = config_setting_get_member(root, key);
	unsigned n;

	*count = 0;
	if (!l)
		return 0;
	if (!config_setting_is_list(l) && !config_setting_is_array(l))
		return cfg_fail(x->err, x->errlen, l, x->file,
		    "expected a list ( { ... }, ... )");
	n = (unsigned)config_setting_length(l);
	if (n > max)
		return cfg_fail(x->err, x->errlen, l, x->file,
		    "at most %u entries", max);
	for (unsigned i = 0; i < n; i++) {
		if (one(c, config_setting_get_elem(l, i), i, x) < 0)
			return -1;
		*count = i + 1;
	}
	return 0;
}

static int
conf_one_button(struct conf *c, const config_setting_t *g, unsigned i,
    const struct conf_ctx *x)
{
	struct conf_button *b = &c->buttons[i];

	if (conf_button(g, b, x) < 0 || conf_line_check(c, g, &b->line, x) < 0)
		return -1;
	for (unsigned j = 0; j < i; j++)
		if (strcmp(c->buttons[j].name, b->name) == 0)
			return cfg_fail(x->err, x->errlen,
			    config_setting_get_member(g, "name"), x->file,
			    "button \"%s\" is defined twice", b->name);
	return 0;
}

static int
conf_one_output(struct conf *c, const config_setting_t *g, unsigned i,
    const struct conf_ctx *x)
{
	struct conf_output *o = &c->outputs[i];

	if (conf_output(g, o, x) < 0 || conf_line_check(c, g, &o->line, x) < 0)
		return -1;
	for (unsigned j = 0; j < i; j++)
		if (strcmp(c->outputs[j].name, o->name) == 0)
			return cfg_fail(x->err, x->errlen,
			    config_setting_get_member(g, "name"), x->file,
			    "output \"%s\" is defined twice", o->name);
	return 0;
}

/* discreet_kinds = [ "emergency" ]: kinds whose events change nothing
 * visible at the desk. */
static int
conf_discreet_kinds(const config_setting_t *root, struct conf *c,
    const struct conf_ctx *x)
{
	const config_setting_t *l = config_setting_get_member(root,
	    "discreet_kinds");
	int k;

	c->discreet_kinds = 1u << PROTO_KIND_EMERGENCY;
	if (!l)
		return 0;
	if (!config_setting_is_list(l) && !config_setting_is_array(l))
		return cfg_fail(x->err, x->errlen, l, x->file,
		    "expected a list of kinds [ \"emergency\", ... ]");
	c->discreet_kinds = 0;
	for (int i = 0; i < config_setting_length(l); i++) {
		if (conf_kind_value(config_setting_get_elem(l, (unsigned)i), 0,
		    &k, x) < 0)
			return -1;
		c->discreet_kinds |= 1u << k;
	}
	return 0;
}

/* Groups broker = { } and gpio = { }; absent groups take all defaults. */
static int
conf_groups(const config_setting_t *root, struct conf *c,
    const struct conf_ctx *x)
{
	const config_setting_t *broker = config_setting_get_member(root, "broker");
	const config_setting_t *gpio = config_setting_get_member(root, "gpio");
	int backend = CONF_GPIO_SIM;

	if (cfg_apply(broker, broker_knobs, c, x->file, x->err, x->errlen) < 0 ||
	    login_read(broker, 0, &c->login, x->file, x->err, x->errlen) < 0 ||
	    cfg_apply(gpio, gpio_knobs, c, x->file, x->err, x->errlen) < 0 ||
	    (gpio && conf_enum(gpio, "backend", backend_names, CONF_GPIO_SIM,
	    &backend, x) < 0))
		return -1;
	c->backend = (enum conf_backend)backend;
	if (!c->client_id[0])
		snprintf(c->client_id, sizeof c->client_id, "counterd-%s-%s",
		    c->site, c->counter);
	else if (strspn(c->client_id, CONF_ID_CHARS) != strlen(c->client_id))
		return cfg_fail(x->err, x->errlen,
		    config_setting_get_member(broker, "client_id"), x->file,
		    "\"%s\" is not a valid client id (A-Z a-z 0-9 _ -)",
		    c->client_id);
	if (strlen(c->sim_socket) >= CONF_SOCK_MAX)
		return cfg_fail(x->err, x->errlen,
		    config_setting_get_member(gpio, "sim_socket"), x->file,
		    "too long for a UNIX socket (at most %d bytes)",
		    CONF_SOCK_MAX - 1);
	return 0;
}

static int
conf_root(const config_setting_t *root, struct conf *c,
    const struct conf_ctx *x)
{
	int level;

	if (cfg_apply(root, top_knobs, c, x->file, x->err, x->errlen) < 0 ||
	    conf_enum(root, "log_level", level_names, LOG_LVL_INFO, &level,
	    x) < 0 ||
	    conf_discreet_kinds(root, c, x) < 0 || conf_groups(root, c, x) < 0 ||
	    conf_list(root, "buttons", CONF_BUTTONS_MAX, &c->nbuttons,
	    conf_one_button, c, x) < 0 ||
	    conf_list(root, "outputs", CONF_OUTPUTS_MAX, &c->noutputs,
	    conf_one_output, c, x) < 0)
		return -1;
	c->log_level = level;
	if (c->nbuttons == 0)
		return cfg_fail(x->err, x->errlen, root, x->file,
		    "missing required key \"buttons\" (at least one button)");
	return 0;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct conf_ctx x = { path, err, errlen };
	config_t cf;
	int rc = -1;

	memset(c, 0, sizeof *c);
	snprintf(c->file, sizeof c->file, "%s", path);
	config_init(&cf);
	if (cfg_read(&cf, path, err, errlen) == 0)
		rc = conf_root(config_root_setting(&cf), c, &x);
	config_destroy(&cf);
	return rc;
}

int
conf_button_find(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->nbuttons; i++)
		if (strcmp(c->buttons[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
conf_output_find(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->noutputs; i++)
		if (strcmp(c->outputs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
conf_discreet(const struct conf *c, const char *button, enum proto_kind kind)
{
	int i = conf_button_find(c, button);

	if (i >= 0 && c->buttons[i].discreet)
		return 1;
	return (unsigned)kind < 32 && (c->discreet_kinds & (1u << kind)) != 0;
}

/* ---- printing the normalised form ------------------------------------ */

/* key = "value"; with sep after it (" " or "\n"). */
static void
conf_print_str(FILE *f, const char *key, const char *v, const char *sep)
{
	fprintf(f, "%s = \"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fprintf(f, "\";%s", sep);
}

static const char *
conf_kind_name(int k)
{
	return k == BUTTON_KIND_NONE ? "none" : proto_kind_name((enum proto_kind)k);
}

static const char *
conf_bool(int b)
{
	return b ? "true" : "false";
}

static void
conf_print_line(FILE *f, const struct conf_line *l)
{
	conf_print_str(f, "chip", l->chip, " ");
	if (l->offset >= 0)
		fprintf(f, "line = %d; ", l->offset);
	else if (l->name[0])
		conf_print_str(f, "line", l->name, " ");
	fprintf(f, "active_low = %s;", conf_bool(l->active_low));
}

static void
conf_print_button(FILE *f, const struct conf_button *b)
{
	const struct button_spec *s = &b->spec;

	fputs("\t{ ", f);
	conf_print_str(f, "name", b->name, "\n\t  ");
	conf_print_line(f, &b->line);
	fprintf(f, "\n\t  bias = \"%s\"; wiring = \"%s\"; discreet = %s;\n",
	    bias_names[b->bias], wiring_names[s->normally_closed ? 1 : 0],
	    conf_bool(b->discreet));
	fprintf(f, "\t  debounce_ms = %d; long_ms = %d; double_ms = %d; "
	    "stuck_ms = %d;\n", s->debounce_ms, s->long_ms, s->double_ms,
	    s->stuck_ms);
	fprintf(f, "\t  short = \"%s\"; long = \"%s\"; double = \"%s\"; }",
	    conf_kind_name(s->kind_short), conf_kind_name(s->kind_long),
	    conf_kind_name(s->kind_double));
}

static void
conf_print_output(FILE *f, const struct conf_output *o)
{
	fputs("\t{ ", f);
	conf_print_str(f, "name", o->name, " ");
	fprintf(f, "role = \"%s\";\n\t  ", role_names[o->role]);
	conf_print_line(f, &o->line);
	if (o->role == CONF_ROLE_RECORDER)
		fprintf(f, "\n\t  mode = \"%s\"; pulse_ms = %d; kind = \"%s\";",
		    mode_names[o->mode], o->pulse_ms, conf_kind_name((int)o->kind));
	if (o->role == CONF_ROLE_FALLBACK)
		fprintf(f, "\n\t  on_discreet = %s;", conf_bool(o->on_discreet));
	fputs(" }", f);
}

static void
conf_print_top(const struct conf *c, FILE *f)
{
	int first = 1;

	conf_print_str(f, "site", c->site, " ");
	conf_print_str(f, "counter", c->counter, " ");
	conf_print_str(f, "topic_prefix", c->topic_prefix, "\n");
	fputs("broker = {\n\t", f);
	conf_print_str(f, "host", c->host, " ");
	fprintf(f, "port = %d; keepalive_s = %d;\n\t", c->port, c->keepalive_s);
	conf_print_str(f, "client_id", c->client_id, "\n");
	login_print(&c->login, f, "\t", "\n");
	fputs("};\n", f);
	conf_print_str(f, "outbox", c->outbox, "\n");
	fprintf(f, "heartbeat_s = %d; confirm_timeout_s = %d;\n",
	    c->heartbeat_s, c->confirm_timeout_s);
	fprintf(f, "log_level = \"%s\"; syslog = %s;\ndiscreet_kinds = [ ",
	    level_names[c->log_level], conf_bool(c->syslog));
	for (int k = 0; k < PROTO_KIND_FAULT; k++) {
		if (!(c->discreet_kinds & (1u << k)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ", ", conf_kind_name(k));
		first = 0;
	}
	fprintf(f, " ];\ngpio = { backend = \"%s\"; ",
	    backend_names[c->backend]);
	conf_print_str(f, "sim_socket", c->sim_socket, " };\n");
}

void
conf_print(const struct conf *c, FILE *f)
{
	conf_print_top(c, f);
	fputs("buttons = (\n", f);
	for (unsigned i = 0; i < c->nbuttons; i++) {
		conf_print_button(f, &c->buttons[i]);
		fputs(i + 1 < c->nbuttons ? ",\n" : "\n", f);
	}
	fputs(");\noutputs = (\n", f);
	for (unsigned i = 0; i < c->noutputs; i++) {
		conf_print_output(f, &c->outputs[i]);
		fputs(i + 1 < c->noutputs ? ",\n" : "\n", f);
	}
	fputs(");\n", f);
}
