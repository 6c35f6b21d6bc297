/* notify_tpl.c: what a page looks like on each channel — the JSON bodies
 * of the ntfy, Slack, Teams and generic webhooks (built with cJSON, never
 * by hand), the mail, and the command hook's environment. Pure: a page in,
 * text out. */
#include "notify.h"

#include <cjson/cJSON.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Append to buf at *used; output that does not fit is cut. */
static void
tpl_add(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
tpl_add(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < size ? *used + (size_t)n : size - 1;
}

static const char *
tpl_kind(enum proto_kind k)
{
	return k == PROTO_KIND_EMERGENCY ? "EMERGENCY" : proto_kind_name(k);
}

void
notify_tpl_title(const struct notify_page *pg, char *buf, size_t size)
{
	if (pg->maint)
		snprintf(buf, size, "MAINTENANCE %s: %s (%s)", pg->maint == 1 ?
		    "ALERT" : "notice", pg->label[0] ? pg->label : pg->counter,
		    pg->counter);
	else
		snprintf(buf, size, "%s: %s (%s)", tpl_kind(pg->kind),
		    pg->label[0] ? pg->label : pg->counter, pg->counter);
}

void
notify_tpl_text(const struct notify_page *pg, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (pg->maint) {
		tpl_add(buf, size, &used, "%s (%s): %s.", pg->label[0] ?
		    pg->label : pg->counter, pg->counter, pg->reason);
		return;
	}
	tpl_add(buf, size, &used, "%s at %s (%s)", tpl_kind(pg->kind),
	    pg->label[0] ? pg->label : pg->counter, pg->counter);
	if (pg->location[0])
		tpl_add(buf, size, &used, ", %s", pg->location);
	tpl_add(buf, size, &used, ".\nStep %u, %" PRId64 " s after the press;"
	    " %u of %u acknowledged. Incident %s.", pg->step,
	    pg->elapsed_ms / 1000, pg->acks, pg->needed ? pg->needed : 1,
	    pg->incident);
}

/* The value of placeholder name (len bytes) into out; 0 if unknown. */
static int
tpl_value(const struct notify_page *pg, const char *name, size_t len,
    char *out, size_t size)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	const char *v = NULL;

	if (IS("site")) v = pg->site;
	else if (IS("incident")) v = pg->incident;
	else if (IS("counter")) v = pg->counter;
	else if (IS("label")) v = pg->label;
	else if (IS("location")) v = pg->location;
	else if (IS("kind")) v = pg->maint ? "maintenance" :
	    proto_kind_name(pg->kind);
	else if (IS("reason")) v = pg->reason;
	else if (IS("person")) v = pg->person;
	else if (IS("name")) v = pg->name;
	else if (IS("to")) v = pg->to;
	else if (IS("ack_url")) v = pg->ack_url;
	if (v) {
		snprintf(out, size, "%s", v);
		return 1;
	}
	if (IS("step") || IS("acks") || IS("needed") || IS("elapsed_s")) {
		snprintf(out, size, "%" PRId64, IS("step") ? (int64_t)pg->step :
		    IS("acks") ? (int64_t)pg->acks : IS("needed") ?
		    (int64_t)pg->needed : pg->elapsed_ms / 1000);
		return 1;
	}
	if (IS("title")) {
		notify_tpl_title(pg, out, size);
		return 1;
	}
	if (IS("text")) {
		notify_tpl_text(pg, out, size);
		return 1;
	}
	return 0;
#undef IS
}

void
notify_tpl_expand(const char *tpl, const struct notify_page *pg, char *out,
    size_t size)
{
	char val[1024];
	size_t used = 0;

	out[0] = '\0';
	while (*tpl) {
		const char *end = tpl[0] == '{' ? strchr(tpl, '}') : NULL;

		if (end && tpl_value(pg, tpl + 1, (size_t)(end - tpl - 1), val,
		    sizeof val)) {
			tpl_add(out, size, &used, "%s", val);
			tpl = end + 1;
			continue;
		}
		tpl_add(out, size, &used, "%c", *tpl++);
	}
}

/* ntfy: priority by kind, the acknowledgement as an action button.
 * Published as JSON to the server's root with the topic in the body; a
 * person's address may be the topic or the topic's whole URL. */
static cJSON *
tpl_ntfy(const struct conf_channel *ch, const struct notify_page *pg,
    char *url, size_t size)
{
	static const int prio[] = { [PROTO_KIND_HELP] = 4,
	    [PROTO_KIND_EMERGENCY] = 5, [PROTO_KIND_TEST] = 2 };
	const char *slash = strrchr(pg->to, '/');
	char title[512], text[1024];
	cJSON *o = cJSON_CreateObject(), *acts, *a;

	if (strstr(pg->to, "://") && slash)
		snprintf(url, size, "%.*s", (int)(slash - pg->to), pg->to);
	else
		snprintf(url, size, "%s", ch->url);
	notify_tpl_title(pg, title, sizeof title);
	notify_tpl_text(pg, text, sizeof text);
	cJSON_AddStringToObject(o, "topic", slash && strstr(pg->to, "://") ?
	    slash + 1 : pg->to);
	cJSON_AddStringToObject(o, "title", title);
	cJSON_AddStringToObject(o, "message", text);
	cJSON_AddNumberToObject(o, "priority", (unsigned)pg->kind <
	    sizeof prio / sizeof *prio && prio[pg->kind] ? prio[pg->kind] : 3);
	cJSON_AddItemToObject(o, "tags", cJSON_CreateStringArray((const char
	    *const[]){ pg->kind == PROTO_KIND_EMERGENCY ? "rotating_light" :
	    "bell" }, 1));
	if (pg->ack_url[0]) {
		acts = cJSON_AddArrayToObject(o, "actions");
		a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "action", "view");
		cJSON_AddStringToObject(a, "label", "Acknowledge");
		cJSON_AddStringToObject(a, "url", pg->ack_url);
		cJSON_AddBoolToObject(a, "clear", 1);
		cJSON_AddItemToArray(acts, a);
	}
	return o;
}

/* Slack's mrkdwn treats &, < and > as markup. */
static void
tpl_slack_escape(const char *in, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (; *in; in++)
		tpl_add(out, size, &used, "%s", *in == '&' ? "&amp;" :
		    *in == '<' ? "&lt;" : *in == '>' ? "&gt;" :
		    (char[]){ *in, '\0' });
}

static cJSON *
tpl_slack(const struct notify_page *pg)
{
	char title[512], text[1024], md[3200], raw[4096];
	cJSON *o = cJSON_CreateObject(), *blocks, *b, *t, *els, *btn;

	notify_tpl_title(pg, title, sizeof title);
	notify_tpl_text(pg, text, sizeof text);
	snprintf(raw, sizeof raw, "%s\n%s", title, text);
	cJSON_AddStringToObject(o, "text", raw);	/* notifications */
	tpl_slack_escape(text, md, sizeof md);
	snprintf(raw, sizeof raw, "%s%s%s*%s*\n%s", pg->to[0] ? "<@" : "",
	    pg->to, pg->to[0] ? "> " : "", title, md);
	blocks = cJSON_AddArrayToObject(o, "blocks");
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "type", "section");
	t = cJSON_AddObjectToObject(b, "text");
	cJSON_AddStringToObject(t, "type", "mrkdwn");
	cJSON_AddStringToObject(t, "text", raw);
	cJSON_AddItemToArray(blocks, b);
	if (pg->ack_url[0]) {
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "type", "actions");
		els = cJSON_AddArrayToObject(b, "elements");
		btn = cJSON_CreateObject();
		cJSON_AddStringToObject(btn, "type", "button");
		t = cJSON_AddObjectToObject(btn, "text");
		cJSON_AddStringToObject(t, "type", "plain_text");
		cJSON_AddStringToObject(t, "text", "Acknowledge");
		cJSON_AddStringToObject(btn, "url", pg->ack_url);
		cJSON_AddStringToObject(btn, "style", "danger");
		cJSON_AddItemToArray(els, btn);
		cJSON_AddItemToArray(blocks, b);
	}
	return o;
}

static cJSON *
tpl_text_block(const char *text, int title)
{
	cJSON *t = cJSON_CreateObject();

	cJSON_AddStringToObject(t, "type", "TextBlock");
	cJSON_AddStringToObject(t, "text", text);
	cJSON_AddBoolToObject(t, "wrap", 1);
	if (title) {
		cJSON_AddStringToObject(t, "size", "Large");
		cJSON_AddStringToObject(t, "weight", "Bolder");
		cJSON_AddStringToObject(t, "color", "Attention");
	}
	return t;
}

/* Teams: an Adaptive Card in a message, as Teams workflows ("post to a
 * channel when a webhook request is received") and connectors take it. */
static cJSON *
tpl_teams(const struct notify_page *pg)
{
	char title[512], text[1024];
	cJSON *o = cJSON_CreateObject(), *atts, *att, *card, *body, *acts, *a;

	notify_tpl_title(pg, title, sizeof title);
	notify_tpl_text(pg, text, sizeof text);
	cJSON_AddStringToObject(o, "type", "message");
	atts = cJSON_AddArrayToObject(o, "attachments");
	att = cJSON_CreateObject();
	cJSON_AddStringToObject(att, "contentType",
	    "application/vnd.microsoft.card.adaptive");
	card = cJSON_AddObjectToObject(att, "content");
	cJSON_AddStringToObject(card, "$schema",
	    "http://adaptivecards.io/schemas/adaptive-card.json");
	cJSON_AddStringToObject(card, "type", "AdaptiveCard");
	cJSON_AddStringToObject(card, "version", "1.4");
	body = cJSON_AddArrayToObject(card, "body");
	cJSON_AddItemToArray(body, tpl_text_block(title, 1));
	cJSON_AddItemToArray(body, tpl_text_block(text, 0));
	if (pg->ack_url[0]) {
		acts = cJSON_AddArrayToObject(card, "actions");
		a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "type", "Action.OpenUrl");
		cJSON_AddStringToObject(a, "title", "Acknowledge");
		cJSON_AddStringToObject(a, "url", pg->ack_url);
		cJSON_AddItemToArray(acts, a);
	}
	cJSON_AddItemToArray(atts, att);
	return o;
}

/* generic: the channel's fields, each a text with placeholders; without
 * fields, every field of the page. */
static cJSON *
tpl_generic(const struct conf_channel *ch, const struct notify_page *pg)
{
	static const char *const all[] = { "site", "incident", "counter",
	    "label", "location", "kind", "person", "name", "to", "ack_url",
	    "title", "text" };
	cJSON *o = cJSON_CreateObject();
	char v[2048], ph[40];

	for (unsigned i = 0; i < ch->nfields; i++) {
		notify_tpl_expand(ch->fields[i].value, pg, v, sizeof v);
		cJSON_AddStringToObject(o, ch->fields[i].key, v);
	}
	if (ch->nfields)
		return o;
	for (unsigned i = 0; i < sizeof all / sizeof *all; i++) {
		snprintf(ph, sizeof ph, "{%s}", all[i]);
		notify_tpl_expand(ph, pg, v, sizeof v);
		if (v[0])
			cJSON_AddStringToObject(o, all[i], v);
	}
	cJSON_AddNumberToObject(o, "step", pg->step);
	cJSON_AddNumberToObject(o, "elapsed_ms", (double)pg->elapsed_ms);
	cJSON_AddNumberToObject(o, "acks", pg->acks);
	cJSON_AddNumberToObject(o, "needed", pg->needed);
	return o;
}

char *
notify_tpl_webhook(const struct conf_channel *ch, const struct notify_page *pg,
    char *url, size_t size)
{
	cJSON *o = NULL;
	char *s;

	snprintf(url, size, "%s", ch->url);
	switch (ch->tpl) {
	case CONF_TPL_NTFY:
		o = tpl_ntfy(ch, pg, url, size);
		break;
	case CONF_TPL_SLACK:
		o = tpl_slack(pg);
		break;
	case CONF_TPL_TEAMS:
		o = tpl_teams(pg);
		break;
	case CONF_TPL_GENERIC:
		o = tpl_generic(ch, pg);
		break;
	}
	s = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

/* RFC 2047 "=?UTF-8?B?...?=" for a header that is not plain ASCII. */
static void
tpl_mime_word(const char *in, char *out, size_t size)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in;
	size_t n = strlen(in), used = 0;
	int ascii = 1;

	for (size_t i = 0; i < n; i++)
		ascii &= p[i] >= 0x20 && p[i] < 0x7f;
	if (ascii) {
		snprintf(out, size, "%s", in);
		return;
	}
	tpl_add(out, size, &used, "=?UTF-8?B?");
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? p[i + 1] : 0) << 8 |
		    (i + 2 < n ? p[i + 2] : 0);

		tpl_add(out, size, &used, "%c%c%c%c", b64[v >> 18 & 63],
		    b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
		    i + 2 < n ? b64[v & 63] : '=');
	}
	tpl_add(out, size, &used, "?=");
}

/* Lines end in CRLF on the wire. */
static void
tpl_crlf(const char *in, char *out, size_t size, size_t *used)
{
	for (; *in; in++)
		tpl_add(out, size, used, "%s", *in == '\n' ? "\r\n" :
		    (char[]){ *in, '\0' });
}

char *
notify_tpl_mail(const struct conf_channel *ch, const struct notify_page *pg,
    int64_t now_ms)
{
	size_t size = 8192, used = 0;
	char *m = malloc(size), title[512], subj[1024], text[1024], date[64];
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;

	if (!m)
		return NULL;
	m[0] = '\0';
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	notify_tpl_title(pg, title, sizeof title);
	tpl_mime_word(title, subj, sizeof subj);
	notify_tpl_text(pg, text, sizeof text);
	tpl_add(m, size, &used, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
	    "Date: %s\r\nMessage-ID: <%s.%s.%u.%" PRId64 "@%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n"
	    "%s\r\n", ch->from, pg->to, subj, date, pg->incident, pg->person,
	    pg->step, now_ms, pg->site, pg->kind == PROTO_KIND_EMERGENCY ?
	    "Importance: high\r\nX-Priority: 1\r\n" : "");
	tpl_crlf(text, m, size, &used);
	tpl_add(m, size, &used, "\r\n");
	if (pg->ack_url[0])
		tpl_add(m, size, &used, "\r\nAcknowledge: %s\r\n", pg->ack_url);
	return m;
}

int
notify_tpl_env(const struct notify_page *pg, char *buf, size_t size,
    char **env, unsigned max)
{
	static const char *const vars[][2] = {
		{ "PANIC_SITE", "{site}" }, { "PANIC_INCIDENT", "{incident}" },
		{ "PANIC_COUNTER", "{counter}" }, { "PANIC_LABEL", "{label}" },
		{ "PANIC_LOCATION", "{location}" }, { "PANIC_KIND", "{kind}" },
		{ "PANIC_STEP", "{step}" }, { "PANIC_PERSON", "{person}" },
		{ "PANIC_NAME", "{name}" }, { "PANIC_TO", "{to}" },
		{ "PANIC_ELAPSED_S", "{elapsed_s}" }, { "PANIC_ACKS", "{acks}" },
		{ "PANIC_NEEDED", "{needed}" }, { "PANIC_TITLE", "{title}" },
		{ "PANIC_TEXT", "{text}" }, { "PANIC_ACK_URL", "{ack_url}" },
		{ "PANIC_REASON", "{reason}" },
		/* a clean environment: the hub's own is not the hook's */
		{ "PATH", "/usr/local/bin:/usr/bin:/bin" },
		{ "LANG", "C.UTF-8" },
	};
	char v[1024];
	size_t used = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof vars / sizeof *vars; i++) {
		int w;

		notify_tpl_expand(vars[i][1], pg, v, sizeof v);
		if (!v[0] && (strcmp(vars[i][0], "PANIC_ACK_URL") == 0 ||
		    strcmp(vars[i][0], "PANIC_REASON") == 0))
			continue;
		if (n + 1 >= max)
			return -1;
		w = snprintf(buf + used, size - used, "%s=%s", vars[i][0], v);
		if (w < 0 || (size_t)w >= size - used)
			return -1;
		env[n++] = buf + used;
		used += (size_t)w + 1;
	}
	env[n] = NULL;
	return (int)n;
}
