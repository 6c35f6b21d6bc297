/* hub_conf_print.c: the normalised form of a loaded config — every default
 * filled in, durations in ms, one item per line — for `hubd --check -v`
 * and golden tests. The broker password is never printed. */
#include "conf.h"

#include <stdio.h>

/* v in quotes: free text may hold quotes and backslashes; ids cannot. */
static void
conf_print_quoted(FILE *f, const char *v)
{
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

/* ` key = "v";` unless v is empty: the printed form must read back, and
 * empty strings are refused on reading. */
static void
conf_print_str(FILE *f, const char *key, const char *v)
{
	if (!v[0])
		return;
	fprintf(f, " %s = ", key);
	conf_print_quoted(f, v);
	fputc(';', f);
}

static void
conf_print_targets(const struct hub_conf *c, const struct conf_target *t,
    unsigned n, FILE *f)
{
	char buf[64];

	fputc('[', f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : " ",
		    conf_target_text(c, &t[i], buf, sizeof buf));
	fputs(" ]", f);
}

static void
conf_print_top(const struct hub_conf *c, FILE *f)
{
	fprintf(f, "site = \"%s\";\ntopic_prefix = \"%s\";\ntimezone = \"%s\";\n",
	    c->site, c->topic_prefix, c->timezone);
	fputs("database = ", f);
	conf_print_quoted(f, c->database);
	fprintf(f, ";\nlog_level = \"%s\";\nbroker = {", c->log_level);
	conf_print_str(f, "host", c->broker.host);
	fprintf(f, " port = %d; keepalive_s = %d; client_id = \"%s\";",
	    c->broker.port, c->broker.keepalive_s, c->broker.client_id);
	login_print(&c->broker.login, f, " ", "");
	fputs(" };\n", f);
	fprintf(f, "timeouts = { cancel_grace_ms = %d; on_scene_timeout_ms = %d; "
	    "relief_after_ms = %d; };\n", c->cancel_grace_ms,
	    c->on_scene_timeout_ms, c->relief_after_ms);
	fprintf(f, "supervision = { heartbeat_misses = %d; default_interval_s = "
	    "%d; maint_role = \"%s\"; };\nfallback = ", c->heartbeat_misses,
	    c->heartbeat_default_s, c->maint_role);
	conf_print_targets(c, c->fallback, c->nfallback, f);
	fputs(";\n", f);
	if (!c->web.enabled)
		return;
	fprintf(f, "web = { listen = \"%s\"; port = %d; base_url = ",
	    c->web.listen, c->web.port);
	conf_print_quoted(f, c->web.base_url);
	fputs("; key_file = ", f);
	conf_print_quoted(f, c->web.key_file);
	fprintf(f, "; link_ttl_s = %d; };\n", c->web.link_ttl_s);
}

/* A person's channels, unless the default (the pager alone). */
static void
conf_print_notify(const struct hub_conf *c, const struct conf_person *p,
    FILE *f)
{
	if (p->nnotify == 1 && p->notify[0].channel == CONF_PAGER)
		return;
	fputs(" notify = (", f);
	for (unsigned i = 0; i < p->nnotify; i++) {
		const struct conf_notify *n = &p->notify[i];

		fprintf(f, "%s{ channel = \"%s\";", i ? ", " : " ",
		    n->channel == CONF_PAGER ? "pager" :
		    c->channels[n->channel].name);
		conf_print_str(f, "to", n->to);
		fputs(" }", f);
	}
	fputs(" );", f);
}

/* `key = [ "a", "b" ];` of n lines, nothing when n is 0. */
static void
conf_print_lines(FILE *f, const char *key, const char (*rows)[CONF_LINE_MAX],
    unsigned n)
{
	if (!n)
		return;
	fprintf(f, " %s = [", key);
	for (unsigned i = 0; i < n; i++) {
		fputs(i ? ", " : " ", f);
		conf_print_quoted(f, rows[i]);
	}
	fputs(" ];", f);
}

/* Channels, when there are any; secrets by their files only. */
static void
conf_print_channels(const struct hub_conf *c, FILE *f)
{
	if (!c->nchannels)
		return;
	fputs("channels = (\n", f);
	for (unsigned i = 0; i < c->nchannels; i++) {
		const struct conf_channel *ch = &c->channels[i];

		fprintf(f, "  { name = \"%s\"; type = \"%s\";", ch->name,
		    conf_channel_type_name(ch->type));
		if (ch->type == CONF_CH_WEBHOOK)
			fprintf(f, " template = \"%s\";",
			    conf_template_name(ch->tpl));
		conf_print_str(f, "url", ch->url);
		conf_print_lines(f, "headers", ch->headers, ch->nheaders);
		conf_print_str(f, "token_file", ch->token_file);
		if (ch->nfields) {
			fputs(" fields = {", f);
			for (unsigned k = 0; k < ch->nfields; k++)
				conf_print_str(f, ch->fields[k].key,
				    ch->fields[k].value);
			fputs(" };", f);
		}
		conf_print_str(f, "from", ch->from);
		conf_print_str(f, "user", ch->user);
		conf_print_str(f, "password_file", ch->password_file);
		if (ch->type == CONF_CH_SMTP)
			fprintf(f, " tls = \"%s\";", conf_tls_name(ch->tls));
		conf_print_str(f, "path", ch->path);
		conf_print_lines(f, "args", ch->args, ch->nargs);
		fprintf(f, " timeout_ms = %d; attempts = %d; retry_ms = %d; "
		    "alert_after = %d; }%s\n", ch->timeout_ms, ch->attempts,
		    ch->retry_ms, ch->alert_after,
		    i + 1 < c->nchannels ? "," : "");
	}
	fputs(");\n", f);
}

static void
conf_print_people(const struct hub_conf *c, FILE *f)
{
	fputs("people = (\n", f);
	for (unsigned i = 0; i < c->npeople; i++) {
		const struct conf_person *p = &c->people[i];

		fprintf(f, "  { id = \"%s\";", p->id);
		conf_print_str(f, "name", p->name);
		fprintf(f, " pager = \"%s\";", p->pager);
		conf_print_str(f, "phone", p->phone);
		conf_print_str(f, "email", p->email);
		fputs(" roles = [", f);
		for (unsigned r = 0; r < p->nroles; r++)
			fprintf(f, "%s\"%s\"", r ? ", " : " ", p->roles[r]);
		fputs(" ];", f);
		conf_print_notify(c, p, f);
		fprintf(f, " }%s\n", i + 1 < c->npeople ? "," : "");
	}
	fputs(");\nteams = (\n", f);
	for (unsigned i = 0; i < c->nteams; i++) {
		const struct conf_team *t = &c->teams[i];

		fprintf(f, "  { id = \"%s\"; members = [", t->id);
		for (unsigned m = 0; m < t->nmembers; m++)
			fprintf(f, "%s\"%s\"", m ? ", " : " ",
			    c->people[t->members[m]].id);
		fprintf(f, " ]; }%s\n", i + 1 < c->nteams ? "," : "");
	}
	fputs(");\n", f);
}

static void
conf_print_places(const struct hub_conf *c, FILE *f)
{
	fputs("zones = (\n", f);
	for (unsigned i = 0; i < c->nzones; i++) {
		fprintf(f, "  { id = \"%s\";", c->zones[i].id);
		conf_print_str(f, "name", c->zones[i].name);
		fprintf(f, " }%s\n", i + 1 < c->nzones ? "," : "");
	}
	fputs(");\ncounters = (\n", f);
	for (unsigned i = 0; i < c->ncounters; i++) {
		const struct conf_counter *k = &c->counters[i];

		fprintf(f, "  { id = \"%s\";", k->id);
		conf_print_str(f, "label", k->label);
		fprintf(f, " zone = \"%s\";", c->zones[k->zone].id);
		conf_print_str(f, "floor", k->floor);
		conf_print_str(f, "location", k->location);
		fprintf(f, " min_responders = %d; }%s\n", k->min_responders,
		    i + 1 < c->ncounters ? "," : "");
	}
	fputs(");\n", f);
}

static void
conf_print_shifts(const struct hub_conf *c, FILE *f)
{
	static const char *const exc[] = { "holiday", "absence" };

	fputs("shifts = (\n", f);
	for (unsigned i = 0; i < c->nshifts; i++) {
		const struct conf_shift *s = &c->shifts[i];

		fprintf(f, "  { zone = \"%s\"; days = [", c->zones[s->zone].id);
		for (int d = 0, n = 0; d < 7; d++)
			if (s->days & (1u << d))
				fprintf(f, "%s\"%s\"", n++ ? ", " : " ",
				    conf_day_name(d));
		fprintf(f, " ]; from = \"%02d:%02d\"; to = \"%02d:%02d\"; "
		    "supervisor = \"%s\";", s->from_min / 60, s->from_min % 60,
		    s->to_min / 60, s->to_min % 60, c->people[s->supervisor].id);
		conf_print_str(f, "backup", s->backup >= 0 ?
		    c->people[s->backup].id : "");
		fprintf(f, " }%s\n", i + 1 < c->nshifts ? "," : "");
	}
	fputs(");\nexceptions = (\n", f);
	for (unsigned i = 0; i < c->nexceptions; i++) {
		const struct conf_exception *x = &c->exceptions[i];

		fprintf(f, "  { type = \"%s\"; date = \"%04d-%02d-%02d\"; "
		    "until = \"%04d-%02d-%02d\";", exc[x->type],
		    x->date_from / 10000, x->date_from / 100 % 100,
		    x->date_from % 100, x->date_to / 10000, x->date_to / 100 % 100,
		    x->date_to % 100);
		conf_print_str(f, "zone", x->zone >= 0 ? c->zones[x->zone].id : "");
		conf_print_str(f, "person", x->person >= 0 ?
		    c->people[x->person].id : "");
		conf_print_str(f, "replacement", x->replacement >= 0 ?
		    c->people[x->replacement].id : "");
		fprintf(f, " }%s\n", i + 1 < c->nexceptions ? "," : "");
	}
	fputs(");\n", f);
}

static void
conf_print_policies(const struct hub_conf *c, FILE *f)
{
	int first = 1;

	fputs("policies = (\n", f);
	for (int k = 0; k < PROTO_KIND_COUNT; k++) {
		const struct conf_policy *p = &c->policies[k];

		if (!p->defined)
			continue;
		fprintf(f, "%s  { kind = \"%s\"; min_responders = %d; repeat = %d; "
		    "steps = (\n", first ? "" : ",\n",
		    proto_kind_name((enum proto_kind)k), p->min_responders,
		    p->repeat);
		for (unsigned s = 0; s < p->nsteps; s++) {
			fputs("      { targets = ", f);
			conf_print_targets(c, p->steps[s].targets,
			    p->steps[s].ntargets, f);
			if (p->steps[s].ninformed) {
				fputs("; informed = ", f);
				conf_print_targets(c, p->steps[s].informed,
				    p->steps[s].ninformed, f);
			}
			fprintf(f, "; wait_ms = %d; }%s\n", p->steps[s].wait_ms,
			    s + 1 < p->nsteps ? "," : "");
		}
		fputs("    ); }", f);
		first = 0;
	}
	fputs("\n);\n", f);
}

void
hub_conf_print_valid(const struct hub_conf *c, FILE *f)
{
	fprintf(f, "%s: valid: %u people, %u zones, %u counters, %u shifts, "
	    "%u exceptions\n", c->file, c->npeople, c->nzones, c->ncounters,
	    c->nshifts, c->nexceptions);
}

void
hub_conf_print(const struct hub_conf *c, FILE *f)
{
	conf_print_top(c, f);
	conf_print_people(c, f);
	conf_print_places(c, f);
	conf_print_shifts(c, f);
	conf_print_policies(c, f);
	conf_print_channels(c, f);
}
