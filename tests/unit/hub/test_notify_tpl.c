/* test_notify_tpl.c: what each channel sends (hub/notify_tpl.c) — the
 * ntfy, Slack, Teams and generic bodies parsed back with cJSON, the mail,
 * the hook's environment and the placeholders, with and without an
 * acknowledgement link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

#define ACK "https://hub.local/ack/12/sato?sig=abc"

static void
page(struct notify_page *pg, enum proto_kind kind, const char *to,
    const char *ack)
{
	memset(pg, 0, sizeof *pg);
	snprintf(pg->site, sizeof pg->site, "b1");
	snprintf(pg->incident, sizeof pg->incident, "12");
	snprintf(pg->counter, sizeof pg->counter, "c03");
	snprintf(pg->label, sizeof pg->label, "3番窓口 <A&B>");
	snprintf(pg->location, sizeof pg->location, "1F, 窓口A");
	pg->kind = kind;
	pg->step = 2;
	snprintf(pg->person, sizeof pg->person, "sato");
	snprintf(pg->name, sizeof pg->name, "佐藤 花子");
	snprintf(pg->to, sizeof pg->to, "%s", to);
	pg->elapsed_ms = 61500;
	pg->needed = 1;
	snprintf(pg->ack_url, sizeof pg->ack_url, "%s", ack);
}

static cJSON *
render(enum conf_template tpl, const struct notify_page *pg, char *url)
{
	struct conf_channel ch;
	char *s;
	cJSON *o;

	memset(&ch, 0, sizeof ch);
	ch.tpl = tpl;
	snprintf(ch.url, sizeof ch.url, "https://hooks.example/x");
	s = notify_tpl_webhook(&ch, pg, url, NOTIFY_URL_MAX);
	assert_non_null(s);
	o = cJSON_Parse(s);
	free(s);
	assert_non_null(o);
	return o;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static void
test_ntfy(void **state)
{
	struct notify_page pg;
	char url[NOTIFY_URL_MAX];
	cJSON *o, *a;

	(void)state;
	page(&pg, PROTO_KIND_EMERGENCY, "b1-sato", ACK);
	o = render(CONF_TPL_NTFY, &pg, url);
	assert_string_equal(url, "https://hooks.example/x");
	assert_string_equal(str(o, "topic"), "b1-sato");
	assert_string_equal(str(o, "title"), "EMERGENCY: 3番窓口 <A&B> (c03)");
	assert_non_null(strstr(str(o, "message"), "Step 2, 61 s after the press"));
	assert_int_equal(cJSON_GetObjectItem(o, "priority")->valueint, 5);
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "actions"), 0);
	assert_string_equal(str(a, "action"), "view");
	assert_string_equal(str(a, "label"), "Acknowledge");
	assert_string_equal(str(a, "url"), ACK);
	cJSON_Delete(o);

	/* the topic's whole URL: posted to its server */
	page(&pg, PROTO_KIND_HELP, "https://ntfy.example/b1-sato", "");
	o = render(CONF_TPL_NTFY, &pg, url);
	assert_string_equal(url, "https://ntfy.example");
	assert_string_equal(str(o, "topic"), "b1-sato");
	assert_int_equal(cJSON_GetObjectItem(o, "priority")->valueint, 4);
	assert_null(cJSON_GetObjectItem(o, "actions"));
	cJSON_Delete(o);
}

static void
test_slack(void **state)
{
	struct notify_page pg;
	char url[NOTIFY_URL_MAX];
	cJSON *o, *blocks, *btn;

	(void)state;
	page(&pg, PROTO_KIND_HELP, "U01SATO", ACK);
	o = render(CONF_TPL_SLACK, &pg, url);
	assert_string_equal(url, "https://hooks.example/x");
	assert_non_null(strstr(str(o, "text"), "help: 3番窓口 <A&B> (c03)"));
	blocks = cJSON_GetObjectItem(o, "blocks");
	/* mrkdwn: the mention, the label escaped */
	assert_non_null(strstr(str(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    blocks, 0), "text"), "text"), "<@U01SATO> *help"));
	assert_non_null(strstr(str(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    blocks, 0), "text"), "text"), "3番窓口 &lt;A&amp;B&gt;"));
	btn = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(blocks,
	    1), "elements"), 0);
	assert_string_equal(str(btn, "url"), ACK);
	cJSON_Delete(o);

	page(&pg, PROTO_KIND_HELP, "", "");
	o = render(CONF_TPL_SLACK, &pg, url);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "blocks")), 1);
	cJSON_Delete(o);
}

static void
test_teams(void **state)
{
	struct notify_page pg;
	char url[NOTIFY_URL_MAX];
	cJSON *o, *card, *act;

	(void)state;
	page(&pg, PROTO_KIND_EMERGENCY, "", ACK);
	o = render(CONF_TPL_TEAMS, &pg, url);
	assert_string_equal(str(o, "type"), "message");
	card = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o,
	    "attachments"), 0), "content");
	assert_string_equal(str(card, "type"), "AdaptiveCard");
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(card,
	    "body"), 0), "text"), "EMERGENCY: 3番窓口 <A&B> (c03)");
	act = cJSON_GetArrayItem(cJSON_GetObjectItem(card, "actions"), 0);
	assert_string_equal(str(act, "type"), "Action.OpenUrl");
	assert_string_equal(str(act, "url"), ACK);
	cJSON_Delete(o);
}

static void
test_generic(void **state)
{
	struct notify_page pg;
	struct conf_channel ch;
	char url[NOTIFY_URL_MAX], *s;
	cJSON *o;

	(void)state;
	page(&pg, PROTO_KIND_HELP, "+81-90-1", ACK);
	/* without fields: every field of the page, numbers as numbers */
	o = render(CONF_TPL_GENERIC, &pg, url);
	assert_string_equal(str(o, "counter"), "c03");
	assert_string_equal(str(o, "person"), "sato");
	assert_string_equal(str(o, "to"), "+81-90-1");
	assert_string_equal(str(o, "ack_url"), ACK);
	assert_int_equal(cJSON_GetObjectItem(o, "step")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(o, "elapsed_ms")->valueint, 61500);
	cJSON_Delete(o);

	/* with fields: exactly those, placeholders filled, JSON escaped */
	memset(&ch, 0, sizeof ch);
	ch.tpl = CONF_TPL_GENERIC;
	snprintf(ch.url, sizeof ch.url, "http://gw/send");
	ch.nfields = 2;
	snprintf(ch.fields[0].key, PROTO_ID_MAX, "number");
	snprintf(ch.fields[0].value, CONF_LINE_MAX, "{to}");
	snprintf(ch.fields[1].key, PROTO_ID_MAX, "text");
	snprintf(ch.fields[1].value, CONF_LINE_MAX,
	    "\"{kind}\" at {label} {unknown} {ack_url}");
	s = notify_tpl_webhook(&ch, &pg, url, sizeof url);
	assert_string_equal(s, "{\"number\":\"+81-90-1\",\"text\":\"\\\"help\\\""
	    " at 3番窓口 <A&B> {unknown} " ACK "\"}");
	free(s);
}

static void
test_mail(void **state)
{
	struct conf_channel ch;
	struct notify_page pg;
	char *m;

	(void)state;
	memset(&ch, 0, sizeof ch);
	snprintf(ch.from, sizeof ch.from, "hub@b1.example");
	page(&pg, PROTO_KIND_EMERGENCY, "sato@b1.example", ACK);
	/* 2025-11-28T05:12:03Z */
	m = notify_tpl_mail(&ch, &pg, 1764306723000);
	assert_non_null(m);
	assert_non_null(strstr(m, "From: <hub@b1.example>\r\nTo: <sato@b1.example>\r\n"));
	/* "EMERGENCY: 3番窓口 <A&B> (c03)" in UTF-8, base64 */
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?RU1FUkdFTkNZOiAz55Wq56qT5Y+jIDxBJkI+IChjMDMp?=\r\n"));
	assert_non_null(strstr(m, "Date: Fri, 28 Nov 2025 05:12:03 +0000\r\n"));
	assert_non_null(strstr(m, "X-Priority: 1\r\n"));
	assert_non_null(strstr(m, "\r\n\r\nEMERGENCY at 3番窓口 <A&B> (c03), 1F, 窓口A.\r\nStep 2,"));
	assert_non_null(strstr(m, "\r\nAcknowledge: " ACK "\r\n"));
	free(m);

	page(&pg, PROTO_KIND_HELP, "sato@b1.example", "");
	m = notify_tpl_mail(&ch, &pg, 1764306723000);
	assert_null(strstr(m, "Acknowledge"));
	assert_null(strstr(m, "X-Priority"));
	free(m);
}

static void
test_env(void **state)
{
	struct notify_page pg;
	char buf[4096], *env[NOTIFY_ENV_MAX], all[4096] = "";
	int n;

	(void)state;
	page(&pg, PROTO_KIND_HELP, "+81-90-1", ACK);
	n = notify_tpl_env(&pg, buf, sizeof buf, env, NOTIFY_ENV_MAX);
	assert_true(n > 10);
	assert_null(env[n]);
	for (int i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s\n",
		    env[i]);
	assert_non_null(strstr(all, "PANIC_INCIDENT=12\n"));
	assert_non_null(strstr(all, "PANIC_COUNTER=c03\n"));
	assert_non_null(strstr(all, "PANIC_KIND=help\n"));
	assert_non_null(strstr(all, "PANIC_LABEL=3番窓口 <A&B>\n"));
	assert_non_null(strstr(all, "PANIC_LOCATION=1F, 窓口A\n"));
	assert_non_null(strstr(all, "PANIC_STEP=2\n"));
	assert_non_null(strstr(all, "PANIC_PERSON=sato\n"));
	assert_non_null(strstr(all, "PANIC_TO=+81-90-1\n"));
	assert_non_null(strstr(all, "PANIC_ACK_URL=" ACK "\n"));
	assert_non_null(strstr(all, "PATH=/usr/local/bin:/usr/bin:/bin\n"));

	/* no link: no variable; too small a buffer: refused */
	page(&pg, PROTO_KIND_HELP, "", "");
	n = notify_tpl_env(&pg, buf, sizeof buf, env, NOTIFY_ENV_MAX);
	for (int i = 0; i < n; i++)
		assert_true(strncmp(env[i], "PANIC_ACK_URL", 13) != 0);
	assert_int_equal(notify_tpl_env(&pg, buf, 64, env, NOTIFY_ENV_MAX), -1);
}

/* A maintenance message through the same templates: its own title and
 * text, "maintenance" as the kind, its reason for hooks. */
static void
test_maintenance(void **state)
{
	struct notify_page pg;
	char buf[4096], *env[NOTIFY_ENV_MAX], url[NOTIFY_URL_MAX];
	int n, reason = 0, kind = 0;
	cJSON *o;

	(void)state;
	page(&pg, PROTO_KIND_FAULT, "b1-fac", "");
	pg.maint = 1;
	snprintf(pg.reason, sizeof pg.reason, "heartbeat missed for 60 s");
	o = render(CONF_TPL_NTFY, &pg, url);
	assert_string_equal(str(o, "title"),
	    "MAINTENANCE ALERT: 3番窓口 <A&B> (c03)");
	assert_string_equal(str(o, "message"),
	    "3番窓口 <A&B> (c03): heartbeat missed for 60 s.");
	assert_null(cJSON_GetObjectItem(o, "actions"));
	cJSON_Delete(o);
	pg.maint = 2;
	notify_tpl_title(&pg, buf, sizeof buf);
	assert_string_equal(buf, "MAINTENANCE notice: 3番窓口 <A&B> (c03)");
	n = notify_tpl_env(&pg, buf, sizeof buf, env, NOTIFY_ENV_MAX);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		reason |= strcmp(env[i], "PANIC_REASON=heartbeat missed for "
		    "60 s") == 0;
		kind |= strcmp(env[i], "PANIC_KIND=maintenance") == 0;
	}
	assert_true(reason && kind);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maintenance),
		cmocka_unit_test(test_ntfy),
		cmocka_unit_test(test_slack),
		cmocka_unit_test(test_teams),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
