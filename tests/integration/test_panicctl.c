/* test_panicctl.c: panicctl against a database made by the real hub —
 * a help call acknowledged and resolved, one that escalated after a
 * decline, a drill, and one still open — read back through report,
 * incidents, incident, status; and the pager console, fed through a pipe,
 * answering real pages. One hub and one history serve every test, in
 * order: the console's test comes last, as it changes the history. */
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
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"

struct world {
	struct harness *h;
	char ack[PROTO_ID_MAX];		/* acknowledged, on scene, resolved */
	char esc[PROTO_ID_MAX];		/* declined, escalated to step 2 */
	char drill[PROTO_ID_MAX];	/* a drill press */
	char open[PROTO_ID_MAX];	/* left open, paging */
	pid_t hub;
};

/* Press, and wait for the page to sup: the incident's id into id. */
static int
press_paged(struct harness *h, const char *button, char *id)
{
	struct proto_page pg;

	if (fx_press_button(h, "c1", button, 50) < 0 ||
	    fx_next_page(h, "sup", &pg, 5000) < 0 ||
	    pg.type != PROTO_PAGE_PAGE)
		return -1;
	snprintf(id, PROTO_ID_MAX, "%s", pg.incident);
	return 0;
}

static int
closed(struct harness *h, const char *id)
{
	return h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND closed_at IS NOT NULL", id) ? 0 : -1;
}

/* The history every test reads. */
static int
history(struct world *w)
{
	struct harness *h = w->h;
	struct proto_page pg;

	/* 1: acknowledged, on scene, resolved as harassment */
	if (press_paged(h, "main", w->ack) < 0 ||
	    fx_reply(h, "sup", w->ack, PROTO_ACTION_ACK, 0, NULL) < 0 ||
	    !h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s", w->ack) ||
	    fx_reply(h, "sup", w->ack, PROTO_ACTION_ON_SCENE, 0, NULL) < 0 ||
	    !h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND on_scene_at IS NOT NULL", w->ack) ||
	    fx_reply(h, "sup", w->ack, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_HARASSMENT, "大声で威圧, \"退店\"") < 0 ||
	    closed(h, w->ack) < 0)
		return -1;
	/* 2: declined by sup, so bak is paged at step 2 and comes */
	if (press_paged(h, "main", w->esc) < 0 ||
	    fx_reply(h, "sup", w->esc, PROTO_ACTION_DECLINE, 0, NULL) < 0 ||
	    fx_next_page(h, "bak", &pg, 5000) < 0 || pg.step != 2 ||
	    fx_reply(h, "bak", w->esc, PROTO_ACTION_ACK, 0, NULL) < 0 ||
	    !h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s", w->esc) ||
	    fx_reply(h, "bak", w->esc, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_COMPLAINT, NULL) < 0 || closed(h, w->esc) < 0)
		return -1;
	/* 3: a drill */
	if (press_paged(h, "drill", w->drill) < 0 ||
	    fx_reply(h, "sup", w->drill, PROTO_ACTION_ACK, 0, NULL) < 0 ||
	    !h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s", w->drill) ||
	    fx_reply(h, "sup", w->drill, PROTO_ACTION_RESOLVE, PROTO_CAT_DRILL,
	    NULL) < 0 || closed(h, w->drill) < 0)
		return -1;
	/* 4: paging, nobody has answered */
	return press_paged(h, "main", w->open);
}

static int
group_setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	if (!w || !(w->h = h_new())) {
		free(w);
		return -1;
	}
	*state = w;
	if (!fx_counter_conf_with(w->h, "c1", 30, "{ name = \"main\";"
	    " short = \"help\"; long = \"emergency\"; long_ms = 600; },\n"
	    "  { name = \"drill\"; short = \"test\"; long = \"none\"; }", NULL) ||
	    !fx_hub_conf(w->h, 60000, NULL, NULL) ||
	    (w->hub = fx_hub_start(w->h)) < 0 ||
	    fx_counter_start(w->h, "c1") < 0 || history(w) < 0) {
		h_free(w->h);
		free(w);
		*state = NULL;	/* cmocka still runs the group teardown */
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	struct world *w = *state;
	char *log;
	int rc = 0;

	if (!w)
		return 0;
	log = h_read(w->h, "pager.log");

	/* the harness neither shows nor checks the console's log */
	if (log) {
		for (char *save = NULL, *l = strtok_r(log, "\n", &save); l;
		    l = strtok_r(NULL, "\n", &save)) {
			fprintf(stderr, "# pager| %s\n", l);
			if (strstr(l, "Sanitizer") || strstr(l, "runtime error:"))
				rc = -1;
		}
		free(log);
	}
	if (h_free(w->h) < 0)
		rc = -1;
	free(w);
	return rc;
}

/* By counter: drills are left out; the escalation and the open incident
 * are counted; times are shown. */
static void
test_report_by_counter(void **state)
{
	struct world *w = *state;
	char *out, line[512], *c[20];

	assert_int_equal(FX_PC(w->h, &out, "report", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1d"), 0);
	assert_non_null(strstr(out, "report by counter"));
	assert_non_null(strstr(out, "drills left out: 1"));
	assert_non_null(fx_line_of(out, "counter ", line, sizeof line));
	assert_non_null(strstr(line, "ack med"));
	assert_non_null(strstr(line, "ack >1m"));
	assert_non_null(strstr(line, "scene >3m"));
	/* c1 1番窓口 incidents acked med p90 max med p90 max step2+ >ack
	 * >scene open */
	fx_expect_columns(out, "c1 ", line, sizeof line, c, 16);
	assert_string_equal(c[1], "1番窓口");
	assert_string_equal(c[2], "3");
	assert_string_equal(c[3], "2");
	assert_non_null(strchr(c[4], 's'));	/* a duration */
	assert_non_null(strchr(c[7], 's'));	/* on scene: incident 1 */
	assert_string_equal(c[10], "1");	/* escalated */
	assert_string_equal(c[11], "0");
	assert_string_equal(c[12], "0");
	assert_string_equal(c[13], "1");	/* open */
	fx_expect_columns(out, "all ", line, sizeof line, c, 15);
	assert_string_equal(c[1], "3");
	free(out);

	/* with the drill */
	assert_int_equal(FX_PC(w->h, &out, "report", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1d", "--drills"), 0);
	fx_expect_columns(out, "c1 ", line, sizeof line, c, 16);
	assert_string_equal(c[2], "4");
	assert_string_equal(c[3], "3");
	free(out);
}

static void
test_report_by_person_and_category(void **state)
{
	struct world *w = *state;
	char *out, line[512], *c[20];

	assert_int_equal(FX_PC(w->h, &out, "report", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1d", "--by", "person"), 0);
	/* the first acknowledger: sup for one, bak for the escalated one;
	 * then what became of each one's pages: sup was paged for three
	 * (the drill left out) and declined one, bak paged for one */
	assert_non_null(fx_line_of(out, "sup ", line, sizeof line));
	assert_int_equal(fx_words(line, c, 20), 20);	/* name has a space */
	assert_string_equal(c[3], "1");
	assert_string_equal(c[15], "3");		/* paged */
	assert_string_equal(c[16], "1");		/* declined */
	assert_string_equal(c[17], "0");		/* missed */
	fx_expect_columns(out, "bak ", line, sizeof line, c, 20);
	assert_string_equal(c[3], "1");
	assert_string_equal(c[11], "1");		/* it escalated */
	assert_string_equal(c[15], "1");
	assert_string_equal(c[16], "0");
	assert_non_null(strstr(out, "paged  declined  missed"));
	assert_non_null(fx_line_of(out, "- ", line, sizeof line));
	assert_non_null(strstr(line, "(not acknowledged)"));
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "report", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1d", "--by", "category"), 0);
	fx_expect_columns(out, "harassment ", line, sizeof line, c, 15);
	assert_string_equal(c[1], "1");
	assert_non_null(fx_line_of(out, "complaint ", line, sizeof line));
	assert_non_null(fx_line_of(out, "none ", line, sizeof line));
	assert_null(fx_line_of(out, "drill ", line, sizeof line));
	free(out);
}

static void
test_report_csv_and_json(void **state)
{
	struct world *w = *state;
	char *out;
	cJSON *j, *rows, *total;

	assert_int_equal(FX_PC(w->h, &out, "report", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1d", "--bom"), 0);
	assert_memory_equal(out, "\xef\xbb\xbf" "counter,name,incidents,acked,"
	    "ack_median_s,", 42);
	assert_non_null(strstr(out, "\r\nc1,1番窓口,3,2,"));
	assert_non_null(strstr(out, "\r\nall,,3,2,"));
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "report", "-c",
	    h_path(w->h, "hub.conf"), "--last", "1d", "--json"), 0);
	assert_non_null(j = cJSON_Parse(out));
	assert_string_equal(cJSON_GetObjectItem(j, "by")->valuestring,
	    "counter");
	assert_int_equal(cJSON_GetObjectItem(j, "drills_left_out")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(j, "ack_target_ms")->valueint,
	    60000);
	rows = cJSON_GetObjectItem(j, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0),
	    "name")->valuestring, "1番窓口");
	total = cJSON_GetObjectItem(j, "total");
	assert_int_equal(cJSON_GetObjectItem(total, "incidents")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(total, "open")->valueint, 1);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(total,
	    "ack_median_ms")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(total, "scene_p90_ms")) ||
	    cJSON_IsNumber(cJSON_GetObjectItem(total, "scene_p90_ms")));
	cJSON_Delete(j);
	free(out);
}

/* The ids in an incidents listing, in order, as "1,2,3". */
static void
listed(const char *out, char *ids, size_t size)
{
	size_t len = 0;

	ids[0] = '\0';
	for (const char *l = out; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 :
	    NULL) {
		long id;
		int n;

		if (sscanf(l, " %ld 20%*d-%n", &id, &n) == 1 && n > 0)
			len += (size_t)snprintf(ids + len, size - len, "%s%ld",
			    len ? "," : "", id);
	}
}

static void
test_incidents_filters(void **state)
{
	struct world *w = *state;
	char conf[512];
	char *out, ids[256], want[256];

	snprintf(conf, sizeof conf, "%s", h_path(w->h, "hub.conf"));
	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf), 0);
	listed(out, ids, sizeof ids);
	snprintf(want, sizeof want, "%s,%s,%s,%s", w->ack, w->esc, w->drill,
	    w->open);
	assert_string_equal(ids, want);
	assert_non_null(strstr(out, "incidents, "));
	assert_non_null(strstr(out, ": 4\n"));
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf, "--open"),
	    0);
	listed(out, ids, sizeof ids);
	assert_string_equal(ids, w->open);
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf, "--person",
	    "bak"), 0);
	listed(out, ids, sizeof ids);
	assert_string_equal(ids, w->esc);
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf, "--kind",
	    "test"), 0);
	listed(out, ids, sizeof ids);
	assert_string_equal(ids, w->drill);
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf,
	    "--category", "harassment", "--counter", "c1"), 0);
	listed(out, ids, sizeof ids);
	assert_string_equal(ids, w->ack);
	assert_non_null(strstr(out, "大声で威圧"));
	free(out);

	/* unknown names are errors, not empty lists */
	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf, "--person",
	    "nobody"), 1);
	assert_non_null(strstr(out, "panicctl: incidents: unknown person "
	    "\"nobody\""));
	free(out);
	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf, "--counter",
	    "c9"), 1);
	assert_non_null(strstr(out, "unknown counter \"c9\""));
	free(out);
	assert_int_equal(FX_PC(w->h, &out, "incidents", "-c", conf, "--kind",
	    "panic"), 2);
	free(out);
}

/* The escalated incident's whole story, in order. */
static void
test_incident_timeline(void **state)
{
	struct world *w = *state;
	char conf[512];
	char *out, *p, head[128];
	static const char *const order[] = {
		" pressed ", " received ", " page      sup ", " answer    sup ",
		" page      bak ", " ack       bak ", " resolved ", " closed ",
	};

	snprintf(conf, sizeof conf, "%s", h_path(w->h, "hub.conf"));
	assert_int_equal(FX_PC(w->h, &out, "incident", w->esc, "-c", conf), 0);
	snprintf(head, sizeof head, "incident %s: 1番窓口 (c1), help, closed",
	    w->esc);
	assert_non_null(strstr(out, head));
	assert_non_null(strstr(out, "acknowledged after"));
	assert_non_null(strstr(out, "by bak (田中 一郎)"));
	assert_non_null(strstr(out, "category:  complaint"));
	p = out;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		char *q = strstr(p, order[i]);

		if (!q)
			fprintf(stderr, "# missing after the last: \"%s\"\n%s",
			    order[i], out);
		assert_non_null(q);
		p = q + 1;
	}
	assert_non_null(strstr(out, " sup  佐藤 花子: decline\n"));
	assert_non_null(strstr(out, "step 1, mqtt: declined"));
	assert_non_null(strstr(out, "step 2, mqtt: acked"));
	free(out);

	assert_int_equal(FX_PC(w->h, &out, "incident", "99999", "-c", conf), 1);
	assert_non_null(strstr(out, "no incident 99999"));
	free(out);
}

static void
test_status(void **state)
{
	struct world *w = *state;
	struct proto_hub_status hs = { 0 };
	char conf[512], topic[PROTO_TOPIC_MAX], payload[256];
	char *out, line[512], *c[20], *text, *at;

	snprintf(conf, sizeof conf, "%s", h_path(w->h, "hub.conf"));
	assert_int_equal(FX_PC(w->h, &out, "status", "-c", conf), 0);
	assert_non_null(strstr(out, "hub t: online since "));
	assert_non_null(fx_line_of(out, "c1 ", line, sizeof line));
	/* c1 1番窓口 A online DATE TIME ago fw faults hub DATE TIME */
	assert_int_equal(fx_words(line, c, 20), 12);
	assert_string_equal(c[1], "1番窓口");
	assert_string_equal(c[3], "online");
	assert_string_equal(c[8], "none");		/* faults */
	assert_string_equal(c[9], "online");		/* the hub agrees */
	assert_non_null(strstr(out, "open incidents: 1"));
	snprintf(line, sizeof line, "%8s  c1 ", w->open);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "paging"));
	free(out);

	/* without the broker: the database alone, and it says so */
	text = h_read(w->h, "hub.conf");
	assert_non_null(text);
	{
		char port[32];

		snprintf(port, sizeof port, "port = %d;", w->h->port);
		assert_non_null(at = strstr(text, port));
		memmove(at + 9, at + strlen(port), strlen(at + strlen(port)) + 1);
		memcpy(at, "port = 1;", 9);
		assert_non_null(h_write(w->h, "nobroker.conf", "%s", text));
	}
	free(text);
	/* exit 1: nothing says the hub is paging */
	assert_int_equal(FX_PC(w->h, &out, "status", "-c",
	    h_path(w->h, "nobroker.conf"), "--wait", "1000"), 1);
	assert_non_null(strstr(out, "broker 127.0.0.1:1 unreachable"));
	assert_non_null(strstr(out, "showing the database only"));
	assert_non_null(fx_line_of(out, "c1 ", line, sizeof line));
	assert_non_null(strstr(line, "online"));
	assert_non_null(strstr(out, "open incidents: 1"));
	free(out);

	/* a hub that never said it is up, or says it is down: exit 1 too,
	 * for the monitor that watches the hub */
	text = h_read(w->h, "hub.conf");
	assert_non_null(text);
	assert_non_null(at = strstr(text, "site = \"t\";"));
	assert_non_null(h_write(w->h, "t2.conf", "%.*ssite = \"t2\";%s",
	    (int)(at - text), text, at + 11));
	free(text);
	assert_int_equal(FX_PC(w->h, &out, "status", "-c",
	    h_path(w->h, "t2.conf"), "--wait", "1000"), 1);
	assert_non_null(strstr(out, "hub t2: no status on the broker"));
	free(out);
	hs.online = 0;
	snprintf(hs.site, sizeof hs.site, "t2");
	assert_true(proto_encode_hub_status(&hs, payload, sizeof payload) > 0);
	proto_topic_build(topic, sizeof topic, NULL, "t2",
	    PROTO_TOPIC_HUB_STATUS, NULL);
	assert_int_equal(h_publish(w->h, topic, payload, strlen(payload), 1,
	    1), 0);
	assert_int_equal(FX_PC(w->h, &out, "status", "-c",
	    h_path(w->h, "t2.conf"), "--wait", "1000"), 1);
	assert_non_null(strstr(out, "hub t2: OFFLINE"));
	free(out);
	/* the retained status would outlive this test */
	assert_int_equal(h_publish(w->h, topic, "", 0, 1, 1), 0);
}

/* The console, fed through a pipe: it answers the open incident (paged
 * before it started: it learns of it from the hub's retained state),
 * then a new page as it comes. */
static void
test_pager_console(void **state)
{
	struct world *w = *state;
	struct harness *h = w->h;
	struct proto_page pg;
	char cmd[256], *log;
	siginfo_t si;
	int feed, st;
	pid_t pid;

	assert_true((pid = fx_pager_start(h, "sup", &feed)) > 0);
	assert_true(h_wait_log(h, "pager", "connected to 127.0.0.1", 10000));
	snprintf(cmd, sizeof cmd, "#%s help 1番窓口: paging, step 1", w->open);
	assert_true(h_wait_log(h, "pager", cmd, 5000));

	/* "n" with one open incident says so, not "no other" */
	assert_int_equal(write(feed, "n\n", 2), 2);
	snprintf(cmd, sizeof cmd, "#%s help 1番窓口 is the only open incident, "
	    "and the current one", w->open);
	assert_true(h_wait_log(h, "pager", cmd, 5000));

	/* the open one: acknowledge, on scene, resolve with a note */
	assert_int_equal(write(feed, "a\n", 2), 2);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s AND person = 'sup'", w->open));
	assert_int_equal(write(feed, "s\n", 2), 2);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND on_scene_at IS NOT NULL", w->open));
	snprintf(cmd, sizeof cmd, "r #%s 1 二名で対応、退店\n", w->open);
	assert_int_equal(write(feed, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND category = 'harassment'"
	    " AND note = '二名で対応、退店' AND closed_at IS NOT NULL",
	    w->open));

	/* a new page shows up; a decline sends it on to the backup */
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_true(h_wait_log(h, "panicctl", "pressed button main of counter"
	    " c1 for 50 ms (sim socket ", 10));
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	snprintf(cmd, sizeof cmd, "PAGE #%s help at 1番窓口 — 1F, 1F 窓口A, "
	    "入口右手, step 1, 0 of 1 acknowledged", pg.incident);
	assert_true(h_wait_log(h, "pager", cmd, 5000));
	assert_int_equal(write(feed, "decline\n", 8), 8);
	assert_int_equal(fx_next_page(h, "bak", &pg, 5000), 0);
	assert_int_equal(pg.step, 2);
	snprintf(cmd, sizeof cmd, "#%s help 1番窓口: paging, step 2", pg.incident);
	assert_true(h_wait_log(h, "pager", cmd, 5000));
	/* a bad command is answered, not fatal */
	assert_int_equal(write(feed, "r 9\n", 4), 4);
	assert_true(h_wait_log(h, "pager", "resolve needs a category", 5000));
	/* a note is limited in characters, as on the ack page */
	{
		char line[4 + 3 * 501 + 2];

		memcpy(line, "r 1 ", 4);
		for (int i = 0; i < 501; i++)
			memcpy(line + 4 + 3 * i, "対", 3);
		memcpy(line + 4 + 3 * 501, "\n", 2);
		assert_int_equal(write(feed, line, strlen(line)),
		    (ssize_t)strlen(line));
		assert_true(h_wait_log(h, "pager", "cannot send: the note has "
		    "501 characters, at most 500", 5000));
	}
	/* the hub dies: its Last Will makes the console say so, since a
	 * dead hub cannot; and that it is back */
	h_kill(h, w->hub, SIGKILL);
	assert_true(h_wait_log(h, "pager", "HUB OFFLINE (site " FX_SITE
	    "): no page reaches anyone", 5000));
	assert_true((w->hub = fx_hub_start(h)) > 0);
	assert_true(h_wait_log(h, "pager", "hub online again", 5000));

	/* the end of input ends the console, cleanly */
	close(feed);
	/* WNOWAIT: it stays for h_kill to reap and forget */
	for (int i = 0; i < 500; i++) {
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == 0 && si.si_pid == pid)
			break;
		h_pump(h, 10);
	}
	st = h_kill(h, pid, SIGTERM);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	log = h_read(h, "pager.log");
	assert_non_null(log);
	snprintf(cmd, sizeof cmd, "sent: decline #%s", pg.incident);
	assert_non_null(strstr(log, cmd));
	assert_null(strstr(log, "NOT sent"));
	assert_null(strstr(log, "not confirmed"));
	free(log);

	/* a script: the command is there before the console has connected;
	 * it is read once the open incident is known, and the console ends */
	assert_true((pid = fx_pager_start(h, "bak", &feed)) > 0);
	assert_int_equal(write(feed, "a\n", 2), 2);
	close(feed);
	assert_true(h_wait_sql(h, "hub.db", 1, 10000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s AND person = 'bak'", pg.incident));
	for (int i = 0; i < 500; i++) {
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == 0 && si.si_pid == pid)
			break;
		h_pump(h, 10);
	}
	st = h_kill(h, pid, SIGTERM);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_by_counter),
		cmocka_unit_test(test_report_by_person_and_category),
		cmocka_unit_test(test_report_csv_and_json),
		cmocka_unit_test(test_incidents_filters),
		cmocka_unit_test(test_incident_timeline),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_pager_console),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
