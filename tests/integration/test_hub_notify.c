/* test_hub_notify.c: issue 5's channels through the real counterd, hubd and
 * broker, paging into real servers on loopback — webhook bodies per
 * template (ntfy, Slack, Teams, generic) parsed with cJSON, a mail through
 * SMTP, a command hook's environment — and channels that are down: a
 * refused port, HTTP 500 and a server that never answers delay nobody
 * else, every attempt is a pages row, a step whose every channel failed
 * moves on at once, and a channel that keeps failing tells facilities. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"
#include "recv.h"
#include "sys.h"

#define LONG_STEP_MS	20000	/* a step the tests never wait out */
#define WAIT_MS		8000	/* bounds a failure only */

/* Step 1 pages sup and bak together, step 2 the manager. */
static const char SUP_AND_BAK[] = "{ kind = \"help\"; steps = (\n"
    "  { targets = [ \"person:sup\", \"person:bak\" ]; wait_ms = 20000; },\n"
    "  { targets = [ \"role:manager\" ]; wait_ms = 20000; } ); },\n"
    "{ kind = \"emergency\"; steps = (\n"
    "  { targets = [ \"role:manager\" ]; wait_ms = 20000; } ); }\n";

struct nt {
	struct harness *h;
	struct recv *http, *smtp;
};

static int
setup(void **state)
{
	struct nt *t = calloc(1, sizeof *t);

	if (!t || !(t->h = h_new()) || !fx_counter_conf(t->h, "c1", NULL) ||
	    !(t->http = recv_http_start(0)) || !(t->smtp = recv_smtp_start())) {
		if (t && t->h)
			h_free(t->h);
		if (t)
			recv_stop(t->http);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct nt *t = *state;
	/* the hub first: it holds connections to the receivers */
	int rc = h_free(t->h);

	recv_stop(t->http);
	recv_stop(t->smtp);
	free(t);
	return rc;
}

/* Write hub.conf with these notify lists and channels, start hubd and
 * c1, press help; the incident id of the first page into id. */
static void
start_and_press(struct nt *t, const char *policies, const char *const *notify,
    const char *channels, char *id)
{
	struct proto_page pg;
	const struct h_msg *m;

	assert_non_null(fx_hub_conf_notify(t->h, LONG_STEP_MS, policies, notify,
	    channels));
	assert_true(fx_hub_start(t->h) > 0);
	assert_true(fx_counter_start(t->h, "c1") > 0);
	assert_int_equal(fx_press(t->h, "c1", 50), 0);
	m = h_wait_msg(t->h, "panic/" FX_SITE "/pager/+", WAIT_MS);
	assert_non_null(m);
	assert_int_equal(proto_decode_page((const char *)m->payload, m->len, &pg,
	    NULL), 0);
	snprintf(id, PROTO_ID_MAX, "%s", pg.incident);
}

/* The first request to path: its headers into head (if not NULL) and its
 * body parsed. */
static cJSON *
body_json(struct nt *t, const char *path, char *head, size_t size)
{
	struct recv_msg m;
	cJSON *o;

	assert_true(recv_wait(t->http, path, 1, WAIT_MS));
	assert_true(recv_get(t->http, path, 0, &m));
	fprintf(stderr, "# %s: %s\n", path, m.body);
	assert_non_null(strstr(m.head, "Content-Type: application/json"));
	if (head)
		snprintf(head, size, "%s", m.head);
	o = cJSON_Parse(m.body);
	recv_msg_free(&m);
	assert_non_null(o);
	return o;
}

/* The item at a path of keys and array indexes ("blocks", "0", "text"). */
static const cJSON *
jget(const cJSON *o, const char *const *path)
{
	for (; o && *path; path++)
		o = (*path)[0] >= '0' && (*path)[0] <= '9' ?
		    cJSON_GetArrayItem(o, atoi(*path)) :
		    cJSON_GetObjectItemCaseSensitive(o, *path);
	return o;
}

#define JGET(o, ...) jget((o), (const char *const[]){ __VA_ARGS__, NULL })

static const char *
jstr(const cJSON *o)
{
	assert_true(cJSON_IsString(o));
	return o->valuestring;
}

/* One press reaches sup on four webhooks at once; each body has its
 * template's shape and says where and what; the headers and token are
 * sent; each attempt is a pages row with its status and latency. */
static void
test_webhook_templates(void **state)
{
	struct nt *t = *state;
	const char *const notify[] = { "sup",
	    "{ channel = \"ntfy\"; to = \"branch-sup\"; },"
	    " { channel = \"slack\"; to = \"U01SUP\"; },"
	    " { channel = \"teams\"; }, { channel = \"gw\"; to = \"+81-90-1\"; }",
	    NULL };
	char channels[2048], id[PROTO_ID_MAX], head[8192];
	cJSON *o;
	int p = recv_port(t->http);

	snprintf(channels, sizeof channels, "channels = (\n"
	    " { name = \"ntfy\"; type = \"webhook\"; template = \"ntfy\";"
	    " url = \"http://127.0.0.1:%d/ntfy\"; token_file = \"%s\"; },\n"
	    " { name = \"slack\"; type = \"webhook\"; template = \"slack\";"
	    " url = \"http://127.0.0.1:%d/slack\"; },\n"
	    " { name = \"teams\"; type = \"webhook\"; template = \"teams\";"
	    " url = \"http://127.0.0.1:%d/teams\"; },\n"
	    " { name = \"gw\"; type = \"webhook\"; template = \"generic\";"
	    " url = \"http://127.0.0.1:%d/gw\"; headers = [ \"X-Key: k1\" ];"
	    " fields = { to = \"{to}\"; msg = \"{kind} at {label} ({counter})\";"
	    " step = \"{step}\"; }; } );\n", p,
	    h_write(t->h, "ntfy.token", "tk_secret\n"), p, p, p);
	start_and_press(t, NULL, notify, channels, id);

	o = body_json(t, "/ntfy", head, sizeof head);
	assert_string_equal(jstr(JGET(o, "topic")), "branch-sup");
	assert_non_null(strstr(jstr(JGET(o, "title")), "1番窓口 (c1)"));
	assert_non_null(strstr(jstr(JGET(o, "message")), "入口右手"));
	assert_int_equal(JGET(o, "priority")->valueint, 4);
	/* no acknowledgement link yet: no action button */
	assert_null(JGET(o, "actions"));
	assert_non_null(strstr(head, "Authorization: Bearer tk_secret"));
	cJSON_Delete(o);

	o = body_json(t, "/slack", NULL, 0);
	assert_non_null(strstr(jstr(JGET(o, "text")), "help at 1番窓口"));
	assert_string_equal(jstr(JGET(o, "blocks", "0", "type")), "section");
	assert_non_null(strstr(jstr(JGET(o, "blocks", "0", "text", "text")),
	    "<@U01SUP>"));
	cJSON_Delete(o);

	o = body_json(t, "/teams", NULL, 0);
	assert_string_equal(jstr(JGET(o, "type")), "message");
	assert_string_equal(jstr(JGET(o, "attachments", "0", "contentType")),
	    "application/vnd.microsoft.card.adaptive");
	assert_string_equal(jstr(JGET(o, "attachments", "0", "content", "type")),
	    "AdaptiveCard");
	assert_non_null(strstr(jstr(JGET(o, "attachments", "0", "content",
	    "body", "0", "text")), "1番窓口"));
	cJSON_Delete(o);

	o = body_json(t, "/gw", head, sizeof head);
	assert_string_equal(jstr(JGET(o, "to")), "+81-90-1");
	assert_string_equal(jstr(JGET(o, "msg")), "help at 1番窓口 (c1)");
	assert_string_equal(jstr(JGET(o, "step")), "1");
	assert_int_equal(cJSON_GetArraySize(o), 3);
	assert_non_null(strstr(head, "X-Key: k1"));
	cJSON_Delete(o);

	assert_true(h_wait_sql(t->h, "hub.db", 4, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'sup' AND step = 1"
	    " AND type = 'page' AND channel IN ('ntfy', 'slack', 'teams', 'gw')"
	    " AND outcome = 'sent' AND detail = 'HTTP 200' AND attempt = 1"
	    " AND latency_ms >= 0", id));
	/* the pager topic got its page as before, recorded as ever */
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'sup' AND channel = 'mqtt'", id),
	    1);
}

/* base64 of an RFC 2047 "=?UTF-8?B?...?=" word, decoded into out. */
static void
mime_decode(const char *in, char *out, size_t size)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strstr(in, "=?UTF-8?B?");
	unsigned v = 0, bits = 0;
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return;
	for (p += 10; *p && *p != '?' && n + 1 < size; p++) {
		const char *k = strchr(b64, *p);

		if (*p == '=' || !k)
			continue;
		v = v << 6 | (unsigned)(k - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (char)(v >> bits & 0xff);
		}
	}
	out[n] = '\0';
}

/* A mail through SMTP (subject with counter and kind, plain text with the
 * place) and a command hook that writes the environment it was given. */
static void
test_mail_and_command_hook(void **state)
{
	struct nt *t = *state;
	const char *const notify[] = { "sup",
	    "{ channel = \"pager\"; }, { channel = \"mail\"; to = \"sup@t.example\"; },"
	    " { channel = \"sms\"; to = \"+81-90-0000-0001\"; }", NULL };
	char channels[1024], id[PROTO_ID_MAX], subject[256], *env;
	const char *script, *line;
	struct recv_msg m;

	script = h_write(t->h, "sms-hook", "#!/bin/sh\n"
	    "env | grep '^PANIC_' | sort > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"
	    "echo queued\n");
	assert_non_null(script);
	assert_int_equal(chmod(script, 0755), 0);
	snprintf(channels, sizeof channels, "channels = (\n"
	    " { name = \"mail\"; type = \"smtp\"; url = \"smtp://127.0.0.1:%d\";"
	    " from = \"hub@t.example\"; tls = \"none\"; },\n"
	    " { name = \"sms\"; type = \"command\"; path = \"%s\";"
	    " args = [ \"%s\" ]; timeout_s = 10; } );\n", recv_port(t->smtp),
	    script, h_path(t->h, "sms.env"));
	start_and_press(t, NULL, notify, channels, id);

	assert_true(recv_wait(t->smtp, "sup@t.example", 1, WAIT_MS));
	assert_true(recv_get(t->smtp, "sup@t.example", 0, &m));
	fprintf(stderr, "# mail from %s:\n%s\n", m.head, m.body);
	assert_string_equal(m.head, "hub@t.example");
	line = strstr(m.body, "Subject: ");
	assert_non_null(line);
	mime_decode(line, subject, sizeof subject);
	assert_string_equal(subject, "help: 1番窓口 (c1)");
	assert_non_null(strstr(m.body, "Content-Type: text/plain; charset=UTF-8"));
	assert_non_null(strstr(m.body, "help at 1番窓口 (c1), 1F, 1F 窓口A, 入口右手"));
	assert_non_null(strstr(m.body, "Step 1,"));
	recv_msg_free(&m);

	assert_true(h_wait_file(t->h, "sms.env", "PANIC_COUNTER=c1", WAIT_MS));
	env = h_read(t->h, "sms.env");
	fprintf(stderr, "# hook env:\n%s", env);
	assert_non_null(strstr(env, "PANIC_KIND=help\n"));
	assert_non_null(strstr(env, "PANIC_PERSON=sup\n"));
	assert_non_null(strstr(env, "PANIC_TO=+81-90-0000-0001\n"));
	assert_non_null(strstr(env, "PANIC_LABEL=1番窓口\n"));
	assert_non_null(strstr(env, "PANIC_STEP=1\n"));
	assert_non_null(strstr(env, "PANIC_INCIDENT="));
	/* the hub's own environment is not passed on */
	assert_null(strstr(env, "PANIC_BIN"));
	free(env);

	assert_true(h_wait_sql(t->h, "hub.db", 2, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'sup' AND"
	    " outcome = 'sent' AND ((channel = 'mail' AND detail LIKE 'SMTP 2%%')"
	    " OR (channel = 'sms' AND detail = 'exit 0'))", id));
}

/* 1 once pid runs no more (gone, or a zombie waiting for its reaper). */
static int
gone(const char *pidtext)
{
	char path[64], st[256] = "";
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", atoi(pidtext));
	if (!(f = fopen(path, "r")))
		return 1;
	if (!fgets(st, sizeof st, f))
		st[0] = '\0';
	fclose(f);
	return strstr(st, ") Z ") != NULL;
}

/* A hook that outlives its time limit is killed with what it started, and
 * the attempt ends as a timeout with what it had written; it is reaped. */
static void
test_command_hook_time_limit(void **state)
{
	struct nt *t = *state;
	const char *const notify[] = { "sup",
	    "{ channel = \"pager\"; }, { channel = \"pbx\"; to = \"201\"; }",
	    NULL };
	char channels[1024], id[PROTO_ID_MAX], *pids, *nl;
	const char *script;

	script = h_write(t->h, "pbx-hook", "#!/bin/sh\n"
	    "sleep 30 &\necho \"$$ $!\" > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"
	    "echo calling \"$PANIC_TO\"\nwait\n");
	assert_non_null(script);
	assert_int_equal(chmod(script, 0755), 0);
	snprintf(channels, sizeof channels, "channels = (\n"
	    " { name = \"pbx\"; type = \"command\"; path = \"%s\";"
	    " args = [ \"%s\" ]; timeout_ms = 500; attempts = 1; } );\n",
	    script, h_path(t->h, "pbx.pids"));
	start_and_press(t, NULL, notify, channels, id);

	assert_true(h_wait_sql(t->h, "hub.db", 1, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'sup' AND"
	    " channel = 'pbx' AND outcome = 'timeout' AND"
	    " detail LIKE '%%calling 201%%'", id));
	pids = h_read(t->h, "pbx.pids");
	assert_non_null(pids);
	assert_non_null(nl = strchr(pids, ' '));
	assert_true(gone(pids));
	assert_true(gone(nl + 1));
	free(pids);
}

/* A server that takes the request and never answers holds up nobody: bak,
 * paged by the same step, gets their page while sup's attempt is still
 * waiting, and sup's ends as a timeout later; bak was reached, so the
 * ladder waits out the step as usual. */
static void
test_hung_channel_delays_nobody(void **state)
{
	struct nt *t = *state;
	const char *const notify[] = {
	    "sup", "{ channel = \"hang\"; }",
	    "bak", "{ channel = \"ok\"; }", NULL };
	char channels[1024], id[PROTO_ID_MAX];
	int p = recv_port(t->http);

	snprintf(channels, sizeof channels, "channels = (\n"
	    " { name = \"hang\"; type = \"webhook\"; template = \"generic\";"
	    " url = \"http://127.0.0.1:%d/hang\"; timeout_s = 3; attempts = 1; },\n"
	    " { name = \"ok\"; type = \"webhook\"; template = \"generic\";"
	    " url = \"http://127.0.0.1:%d/ok\"; } );\n", p, p);
	start_and_press(t, SUP_AND_BAK, notify, channels, id);

	assert_true(recv_wait(t->http, "/hang", 1, WAIT_MS));
	assert_true(h_wait_sql(t->h, "hub.db", 1, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'bak' AND"
	    " channel = 'ok' AND outcome = 'sent'", id));
	/* bak's page arrived before sup's attempt was over */
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND channel = 'hang'", id), 0);

	assert_true(h_wait_sql(t->h, "hub.db", 1, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'sup' AND"
	    " channel = 'hang' AND outcome = 'timeout' AND latency_ms >= 2900",
	    id));
	/* bak can still answer: the ladder does not move on early */
	h_pump(t->h, 300);
	assert_int_equal(fx_pages_to(t->h, "mgr"), 0);
}

/* Everyone step 1 paged has only failing channels — a refused port, HTTP
 * 500 — each retried, then given up: step 2 is paged at once, long before
 * step 1's wait. The refused channel, failing twice in a row, raises one
 * maintenance alert; when it answers again, a notice. */
static void
test_all_failed_moves_on_and_alerts(void **state)
{
	struct nt *t = *state;
	const char *const notify[] = {
	    "sup", "{ channel = \"down\"; }",
	    "bak", "{ channel = \"err\"; }", NULL };
	char channels[1024], id[PROTO_ID_MAX];
	struct proto_page pg;
	struct proto_maint mt;
	struct recv *back;
	int down = sys_free_port();

	assert_true(down > 0);
	snprintf(channels, sizeof channels, "channels = (\n"
	    " { name = \"down\"; type = \"webhook\"; template = \"generic\";"
	    " url = \"http://127.0.0.1:%d/x\"; attempts = 2; retry_ms = 100;"
	    " alert_after = 2; },\n"
	    " { name = \"err\"; type = \"webhook\"; template = \"generic\";"
	    " url = \"http://127.0.0.1:%d/s500\"; attempts = 2; retry_ms = 100;"
	    " alert_after = 10; } );\n", down, recv_port(t->http));
	start_and_press(t, SUP_AND_BAK, notify, channels, id);

	fx_expect_page(t->h, "mgr", &pg, WAIT_MS, 2, id);
	assert_true(h_wait_log(t->h, "hubd", "every channel of everyone paged"
	    " failed", WAIT_MS));
	/* the page goes out before its turn commits: wait for the rows */
	assert_true(h_wait_sql(t->h, "hub.db", 2, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'sup' AND"
	    " channel = 'down' AND outcome = 'failed' AND attempt IN (1, 2)",
	    id));
	assert_true(h_wait_sql(t->h, "hub.db", 2, WAIT_MS, "SELECT count(*)"
	    " FROM pages WHERE incident = %s AND person = 'bak' AND"
	    " channel = 'err' AND outcome = 'failed' AND detail = 'HTTP 500'",
	    id));
	assert_int_equal(recv_count(t->http, "/s500"), 2);

	assert_int_equal(fx_next_maint(t->h, "fac", &mt, WAIT_MS), 0);
	assert_int_equal(mt.type, PROTO_MAINT_ALERT);
	assert_string_equal(mt.channel, "down");
	assert_non_null(strstr(mt.reason, "2 failures in a row"));

	/* the channel's server is back; the next page on it is delivered */
	back = recv_http_start(down);
	assert_non_null(back);
	assert_int_equal(fx_reply(t->h, "mgr", id, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_DRILL, NULL), 0);
	assert_true(h_wait_sql(t->h, "hub.db", 1, WAIT_MS, "SELECT count(*)"
	    " FROM incidents WHERE id = %s AND resolved_at IS NOT NULL", id));
	assert_int_equal(fx_press(t->h, "c1", 50), 0);
	assert_true(recv_wait(back, "/x", 1, WAIT_MS));
	assert_int_equal(fx_next_maint(t->h, "fac", &mt, WAIT_MS), 0);
	assert_int_equal(mt.type, PROTO_MAINT_NOTICE);
	assert_string_equal(mt.channel, "down");
	recv_stop(back);
}

/* A dead board: the facility person hears of it on their own channel,
 * not only on maint/<person> (scenario 6 for anyone on ntfy), and of its
 * return. */
static void
test_maintenance_on_channels(void **state)
{
	struct nt *t = *state;
	const char *const notify[] = { "fac",
	    "{ channel = \"ntfy\"; to = \"branch-fac\"; }", NULL };
	char channels[512];
	struct recv_msg m;
	pid_t board;
	cJSON *o;

	snprintf(channels, sizeof channels, "channels = ( { name = \"ntfy\";"
	    " type = \"webhook\"; template = \"ntfy\";"
	    " url = \"http://127.0.0.1:%d/ntfy\"; } );\n",
	    recv_port(t->http));
	assert_non_null(fx_hub_conf_notify(t->h, LONG_STEP_MS, NULL, notify,
	    channels));
	assert_true(fx_hub_start(t->h) > 0);
	assert_true((board = fx_counter_start(t->h, "c1")) > 0);
	assert_true(h_wait_log(t->h, "hubd", "counter c1: online", 5000));
	h_kill(t->h, board, SIGKILL);
	o = body_json(t, "/ntfy", NULL, 0);
	assert_string_equal(jstr(JGET(o, "topic")), "branch-fac");
	assert_non_null(strstr(jstr(JGET(o, "title")), "MAINTENANCE ALERT: "
	    "1番窓口 (c1)"));
	assert_non_null(strstr(jstr(JGET(o, "message")), "board reported "
	    "offline"));
	cJSON_Delete(o);
	assert_true(h_wait_log(t->h, "hubd", "maintenance alert to fac on ntfy:"
	    " sent", 5000));
	/* and the notice when it is back */
	assert_true(fx_counter_start(t->h, "c1") > 0);
	assert_true(recv_wait(t->http, "/ntfy", 2, WAIT_MS));
	assert_true(recv_get(t->http, "/ntfy", 1, &m));
	assert_non_null(strstr(m.body, "MAINTENANCE notice"));
	assert_non_null(strstr(m.body, "back online"));
	recv_msg_free(&m);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_webhook_templates),
		T(test_mail_and_command_hook),
		T(test_command_hook_time_limit),
		T(test_hung_channel_delays_nobody),
		T(test_all_failed_moves_on_and_alerts),
		T(test_maintenance_on_channels),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
