/* test_panicctl_edge.c: panicctl on hand-built histories — an empty
 * period, open incidents and breaches in progress, the time-zone boundary
 * (23:59:59 in Tokyo is not the UTC date), Japanese labels that must line
 * up, the care view; databases that are missing, foreign or newer; bad
 * periods and unknown names; and `check` on rules with known gaps and
 * none. The schema is the real hub's: hubd creates an empty database
 * once, each test fills a copy with SQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"

#define JST_MS	(9 * 3600 * 1000LL)	/* Asia/Tokyo: +09:00, no DST */

/* A branch in Tokyo: three counters with labels of different widths in
 * zone A, a consultation room in zone B; everything covered all week. */
#define EDGE_PEOPLE \
	"fallback = [ \"role:manager\" ];\n" \
	"people = (\n" \
	"  { id = \"sup\"; name = \"佐藤 花子\"; roles = [ \"supervisor\" ]; },\n" \
	"  { id = \"bak\"; name = \"田中 一郎\"; },\n" \
	"  { id = \"mgr\"; name = \"高橋 健\"; roles = [ \"manager\" ]; },\n" \
	"  { id = \"fac\"; name = \"山本 修\"; roles = [ \"facility\" ]; } );\n" \
	"zones = ( { id = \"A\"; name = \"窓口エリアA\"; },\n" \
	"  { id = \"B\"; name = \"相談室エリア\"; } );\n" \
	"counters = ( { id = \"c03\"; label = \"3番窓口\"; zone = \"A\"; },\n" \
	"  { id = \"atm\"; label = \"ATM\"; zone = \"A\"; },\n" \
	"  { id = \"r1\"; label = \"相談室1\"; zone = \"B\"; } );\n"
#define EDGE_POLICIES \
	"policies = (\n" \
	"  { kind = \"help\"; steps = ( { targets = [ \"supervisor\" ];" \
	" wait_s = 60; }, { targets = [ \"backup\" ]; wait_s = 60; } ); },\n" \
	"  { kind = \"emergency\"; steps = ( { targets = [ \"supervisor\"," \
	" \"person:mgr\" ]; wait_s = 30; } ); } );\n"
#define EDGE_ALL_WEEK \
	"days = [ \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\"," \
	" \"sun\" ]; from = \"00:00\"; to = \"24:00\";"

static const char *
edge_conf(struct harness *h, const char *name, const char *shifts,
    const char *extra)
{
	return h_write(h, name,
	    "site = \"" FX_SITE "\";\n"
	    "timezone = \"Asia/Tokyo\";\n"
	    "database = \"%s\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 5; };\n"
	    EDGE_PEOPLE EDGE_POLICIES
	    "shifts = (\n%s);\n%s\n",
	    h_path(h, "empty.db"), h->port, shifts, extra ? extra : "");
}

static int
group_setup(void **state)
{
	struct harness *h = h_new();
	pid_t hub;

	if (!h)
		return -1;
	*state = h;
	setlocale(LC_CTYPE, "C.UTF-8");
	/* the real hub makes the database, then stops */
	if (!edge_conf(h, "hub.conf", "  { zone = \"A\"; " EDGE_ALL_WEEK
	    " supervisor = \"sup\"; backup = \"bak\"; },\n"
	    "  { zone = \"B\"; " EDGE_ALL_WEEK " supervisor = \"sup\"; }\n",
	    NULL) || (hub = fx_hub_start(h)) < 0 ||
	    !h_wait_sql(h, "empty.db", 5, 5000,
	    "PRAGMA user_version") ||
	    h_kill(h, hub, SIGTERM) < 0) {
		h_free(h);
		*state = NULL;	/* cmocka still runs the group teardown */
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	return *state ? h_free(*state) : 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* Copy the hub's empty database to name; its path in buf. */
static const char *
fresh_db(struct harness *h, const char *name, char *buf, size_t size)
{
	char *data;
	FILE *in = fopen(h_path(h, "empty.db"), "rb"), *out;
	size_t n;

	snprintf(buf, size, "%s", h_path(h, name));
	if (!in || !(out = fopen(buf, "wb"))) {
		if (in)
			fclose(in);
		return NULL;
	}
	data = malloc(1 << 16);
	while (data && (n = fread(data, 1, 1 << 16, in)) > 0)
		fwrite(data, 1, n, out);
	free(data);
	fclose(in);
	return fclose(out) == 0 ? buf : NULL;
}

static void
sql(const char *db, const char *fmt, ...)
{
	char q[4096], *err = NULL;
	sqlite3 *d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_open(db, &d), SQLITE_OK);
	if (sqlite3_exec(d, q, NULL, NULL, &err) != SQLITE_OK)
		fprintf(stderr, "# sql: %s: %s\n", q, err);
	assert_null(err);
	sqlite3_close(d);
}

/* An incident: received at recv (UTC ms); acked, on scene and closed that
 * many ms later (-1: not). The first acknowledger is sup. */
static void
incident(const char *db, int id, const char *counter, const char *kind,
    const char *category, int64_t recv, int64_t ack, int64_t scene,
    int64_t closed, const char *note)
{
	char cat[64], nt[512];

	snprintf(cat, sizeof cat, category ? "'%s'" : "NULL", category);
	snprintf(nt, sizeof nt, note ? "'%s'" : "NULL", note);
	sql(db, "INSERT INTO incidents (id, counter, event, kind, state, step,"
	    " round, min_responders, flags, category, note, pressed_at,"
	    " received_at, first_page_at, timer) VALUES (%d, '%s', '%s:b:%d',"
	    " '%s', '%s', 1, 0, 1, 0, %s, %s, %lld, %lld, %lld, 'none');",
	    id, counter, counter, id, kind, closed >= 0 ? "closed" :
	    scene >= 0 ? "on_scene" : ack >= 0 ? "acknowledged" : "paging",
	    cat, nt, (long long)recv - 20, (long long)recv, (long long)recv + 5);
	if (ack >= 0)
		sql(db, "UPDATE incidents SET acked_at = %lld, response_ms = %lld"
		    " WHERE id = %d; INSERT INTO acks (incident, person, step, at)"
		    " VALUES (%d, 'sup', 1, %lld);", (long long)(recv + ack),
		    (long long)ack, id, id, (long long)(recv + ack));
	if (scene >= 0)
		sql(db, "UPDATE incidents SET on_scene_at = %lld WHERE id = %d;",
		    (long long)(recv + scene), id);
	if (closed >= 0)
		sql(db, "UPDATE incidents SET resolved_at = %lld, closed_at = %lld"
		    " WHERE id = %d;", (long long)(recv + closed),
		    (long long)(recv + closed), id);
}

/* UTC ms of a Tokyo wall-clock time. */
static int64_t
jst(int y, int mo, int d, int hh, int mm, int ss)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = hh, .tm_min = mm, .tm_sec = ss };

	return (int64_t)timegm(&tm) * 1000 - JST_MS;
}

/* ---- tests -------------------------------------------------------------- */

/* Nothing in the period: a report of zeros that says so, not an error. */
static void
test_empty_period(void **state)
{
	struct harness *h = *state;
	char db[512], *out, line[512], *c[20];
	cJSON *j;

	assert_non_null(fresh_db(h, "empty1.db", db, sizeof db));
	incident(db, 1, "c03", "help", "complaint", jst(2026, 2, 10, 10, 0, 0),
	    5000, 60000, 600000, NULL);

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-01-01", "--to", "2026-01-31"), 0);
	assert_non_null(strstr(out, "report by counter, 2026-01-01 00:00 – "
	    "2026-02-01 00:00 (Asia/Tokyo)"));
	assert_non_null(strstr(out, "\nno incidents in this period\n"));
	/* every configured counter has its row of zeros */
	fx_expect_columns(out, "c03 ", line, sizeof line, c, 16);
	assert_string_equal(c[2], "0");
	assert_string_equal(c[4], "-");
	assert_non_null(fx_line_of(out, "r1 ", line, sizeof line));
	fx_expect_columns(out, "all ", line, sizeof line, c, 15);
	assert_string_equal(c[1], "0");
	free(out);

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-01-01", "--to", "2026-01-31",
	    "--json"), 0);
	assert_non_null(j = cJSON_Parse(out));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 3);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "total"),
	    "incidents")->valueint, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
	    "total"), "ack_median_ms")));
	cJSON_Delete(j);
	free(out);

	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-01-01", "--to", "2026-01-31"), 0);
	assert_string_equal(out, "incidents, 2026-01-01 00:00 – 2026-02-01 "
	    "00:00 (Asia/Tokyo): 0\n");
	free(out);
}

/* Open incidents count as open, and as breaches once older than the
 * targets; CSV quotes what needs quoting. */
static void
test_open_incidents(void **state)
{
	struct harness *h = *state;
	int64_t now = clock_wall_ms();
	char db[512], *out, line[512], *c[20];

	assert_non_null(fresh_db(h, "open.db", db, sizeof db));
	/* unanswered for ten minutes; acknowledged but nobody there for
	 * five; and one done well */
	incident(db, 1, "c03", "help", NULL, now - 600000, -1, -1, -1, NULL);
	incident(db, 2, "c03", "emergency", NULL, now - 300000, 20000, -1, -1,
	    NULL);
	incident(db, 3, "c03", "help", "complaint", now - 900000, 10000, 90000,
	    300000, "a, \"b\"\nc");

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--last", "1d"), 0);
	fx_expect_columns(out, "c03 ", line, sizeof line, c, 16);
	assert_string_equal(c[2], "3");		/* incidents */
	assert_string_equal(c[3], "2");		/* acked */
	assert_string_equal(c[4], "15.0s");	/* median of 10 s and 20 s */
	assert_string_equal(c[5], "20.0s");
	assert_string_equal(c[6], "20.0s");
	assert_string_equal(c[7], "1m30s");	/* on scene: one only */
	assert_string_equal(c[11], "1");	/* not acked in 60 s: #1 */
	assert_string_equal(c[12], "2");	/* nobody there in 3 min */
	assert_string_equal(c[13], "2");	/* open */
	free(out);

	/* a tighter target on scene than the one done well met */
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--last", "1d", "--scene-target", "1m",
	    "--ack-target", "15s"), 0);
	assert_non_null(strstr(out, "ack >15s"));
	fx_expect_columns(out, "c03 ", line, sizeof line, c, 16);
	assert_string_equal(c[11], "2");
	assert_string_equal(c[12], "3");
	free(out);

	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"), "--db", db, "--open"), 0);
	assert_non_null(strstr(out, ": 2\n"));
	assert_non_null(strstr(out, "emergency  acknowledged"));
	free(out);

	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"), "--db", db, "--csv"), 0);
	/* an export has every fact: the press, whom the times count from,
	 * the responders and the full response, who resolved it and when */
	assert_non_null(strstr(out, "id,received,counter,label,kind,state,step,"
	    "ack_s,acknowledged_by,on_scene_s,category,note,pressed_at,"
	    "timed_from,needed,responders,full_response_s,resolved_at,"
	    "resolved_by,closed_at\r\n"));
	assert_non_null(strstr(out, ",3番窓口,help,closed,1,10.0,sup,90.0,"
	    "complaint,\"a, \"\"b\"\"\nc\","));
	assert_non_null(strstr(out, ",reception,1,sup,10.0,"));
	free(out);
}

/* 2026-11-30 23:59:59 in Tokyo is 14:59:59 UTC the same day; 00:30 on
 * 1 December in Tokyo is still 30 November in UTC. Days, weekdays and
 * hours are the site's. */
static void
test_time_zone_boundary(void **state)
{
	struct harness *h = *state;
	char db[512], *out, line[512], *c[20];

	assert_non_null(fresh_db(h, "tz.db", db, sizeof db));
	incident(db, 1, "c03", "help", NULL, jst(2026, 11, 30, 23, 59, 59),
	    3000, -1, 60000, NULL);
	incident(db, 2, "r1", "help", NULL, jst(2026, 12, 1, 0, 30, 0), 4000,
	    -1, 60000, NULL);

	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-30", "--to", "2026-11-30"), 0);
	assert_non_null(strstr(out, ": 1\n"));
	assert_non_null(strstr(out, " 1  2026-11-30 23:59:59  c03 "));
	free(out);
	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-12-01", "--to", "2026-12-01"), 0);
	assert_non_null(strstr(out, ": 1\n"));
	assert_non_null(strstr(out, " 2  2026-12-01 00:30:00  r1 "));
	free(out);
	/* a UTC bound is a UTC bound */
	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"), "--db", db, "--from", "2026-11-30T15:00Z",
	    "--to", "2026-12-01T00:00:00Z"), 0);
	assert_non_null(strstr(out, ": 1\n"));
	assert_non_null(strstr(out, " 2  2026-12-01 00:30:00  r1 "));
	free(out);

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-30", "--to", "2026-12-01", "--by",
	    "weekday"), 0);
	fx_expect_columns(out, "Mon ", line, sizeof line, c, 15);
	assert_string_equal(c[1], "1");
	fx_expect_columns(out, "Tue ", line, sizeof line, c, 15);
	assert_string_equal(c[1], "1");
	fx_expect_columns(out, "Sun ", line, sizeof line, c, 15);
	assert_string_equal(c[1], "0");
	free(out);

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-30", "--to", "2026-12-01", "--by",
	    "hour"), 0);
	fx_expect_columns(out, "23 ", line, sizeof line, c, 16);
	assert_string_equal(c[1], "23:00–00:00");
	assert_string_equal(c[2], "1");
	fx_expect_columns(out, "00 ", line, sizeof line, c, 16);
	assert_string_equal(c[2], "1");
	fx_expect_columns(out, "14 ", line, sizeof line, c, 16);
	assert_string_equal(c[2], "0");		/* not the UTC hour */
	free(out);

	/* zones come from the config: c03 in A, r1 in B */
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-30", "--to", "2026-12-01", "--by",
	    "zone"), 0);
	fx_expect_columns(out, "B ", line, sizeof line, c, 16);
	assert_string_equal(c[1], "相談室エリア");
	assert_string_equal(c[2], "1");
	free(out);
}

/* Display columns of the first n bytes of s. */
static int
dwidth(const char *s, size_t n)
{
	wchar_t wc[512];
	char buf[2048];
	size_t len;

	snprintf(buf, sizeof buf, "%.*s", (int)n, s);
	if ((len = mbstowcs(wc, buf, 512)) == (size_t)-1)
		return -1;
	return wcswidth(wc, len);
}

/* The column after labels of 3, 7 and 9 columns starts (here: ends, it
 * is right-aligned) at the same place on every line. */
static void
test_japanese_labels_align(void **state)
{
	struct harness *h = *state;
	static const char *const prefixes[] = {
		"counter ", "c03 ", "atm ", "r1 ", "all ",
	};
	char db[512], *out, line[512];
	int want = -1;

	assert_non_null(fresh_db(h, "ja.db", db, sizeof db));
	incident(db, 1, "c03", "help", "harassment", jst(2026, 11, 2, 10, 0, 0),
	    12000, 95000, 600000, "大声で威圧");
	incident(db, 2, "r1", "help", NULL, jst(2026, 11, 3, 10, 0, 0),
	    61000, -1, 600000, NULL);
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-01", "--to", "2026-11-30"), 0);
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		const char *p;
		int w;

		assert_non_null(fx_line_of(out, prefixes[i], line,
		    sizeof line));
		/* the end of the "incidents" column: its header word, or the
		 * count after the label */
		if (i == 0) {
			p = strstr(line, "incidents") + 9;
		} else {
			p = line + strlen(prefixes[i]);
			p += strspn(p, " ");
			if (i < 4)	/* past the label to the count */
				p += strcspn(p, " ");
			p += strspn(p, " ");
			p += strcspn(p, " ");
		}
		w = dwidth(line, (size_t)(p - line));
		if (want < 0)
			want = w;
		if (w != want)
			fprintf(stderr, "# column ends at %d, not %d: %s\n", w,
			    want, line);
		assert_int_equal(w, want);
	}
	free(out);

	/* and in the incidents list, the labels' column */
	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-01", "--to", "2026-11-30"), 0);
	assert_non_null(fx_line_of(out, " 1  ", line, sizeof line));
	want = dwidth(line, (size_t)(strstr(line, "help") - line));
	assert_non_null(fx_line_of(out, " 2  ", line, sizeof line));
	assert_int_equal(dwidth(line, (size_t)(strstr(line, "help") - line)),
	    want);
	free(out);
}

static void
test_missing_foreign_newer_db(void **state)
{
	struct harness *h = *state;
	char db[512], *out;

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", h_path(h, "nosuch.db")), 1);
	assert_non_null(strstr(out, "panicctl: report: "));
	assert_non_null(strstr(out, "nosuch.db: no such file"));
	free(out);

	assert_non_null(h_write(h, "junk.db", "hello, not a database\n"));
	assert_int_equal(FX_PC(h, &out, "incidents", "-c",
	    h_path(h, "hub.conf"), "--db", h_path(h, "junk.db")), 1);
	assert_non_null(strstr(out, "junk.db: not a hub database"));
	free(out);

	snprintf(db, sizeof db, "%s", h_path(h, "foreign.db"));
	sql(db, "CREATE TABLE customers (id INTEGER, name TEXT);");
	assert_int_equal(FX_PC(h, &out, "incident", "1", "-c",
	    h_path(h, "hub.conf"), "--db", db), 1);
	assert_non_null(strstr(out, "foreign.db: not a hub database (schema "
	    "version 0, no table \"incidents\")"));
	free(out);

	assert_non_null(fresh_db(h, "newer.db", db, sizeof db));
	sql(db, "PRAGMA user_version = 6;");
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db), 1);
	assert_non_null(strstr(out, "newer.db: schema version 6 is newer than "
	    "this panicctl knows (5)"));
	free(out);

	/* a version-4 database (no board clock offsets) is still read, its
	 * times from the reception; a version-3 one (no indexes of version 4
	 * either), a version-2 one (no attempt columns in pages either), and
	 * a version-1 one (no indexes of version 2 either) */
	assert_non_null(fresh_db(h, "v4.db", db, sizeof db));
	incident(db, 1, "c03", "help", NULL, jst(2026, 11, 2, 10, 0, 0), 5000,
	    -1, -1, NULL);
	sql(db, "ALTER TABLE incidents DROP COLUMN board_offset_ms;"
	    " ALTER TABLE incidents DROP COLUMN resolved_by;"
	    " PRAGMA user_version = 4;");
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-11-01", "--to", "2026-11-30"), 0);
	assert_non_null(strstr(out, "(0 of 1 incidents), else from the hub's "
	    "reception"));
	free(out);
	assert_int_equal(FX_PC(h, &out, "incident", "1", "-c",
	    h_path(h, "hub.conf"), "--db", db), 0);
	assert_non_null(strstr(out, "by the board's clock (not measured: times "
	    "count from the reception)"));
	free(out);
	assert_non_null(fresh_db(h, "v3.db", db, sizeof db));
	sql(db, "DROP INDEX pages_escalated; DROP INDEX acks_first;"
	    " ALTER TABLE incidents DROP COLUMN board_offset_ms;"
	    " ALTER TABLE incidents DROP COLUMN resolved_by;"
	    " PRAGMA user_version = 3;");
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db), 0);
	free(out);
	assert_non_null(fresh_db(h, "v2.db", db, sizeof db));
	sql(db, "DROP INDEX pages_escalated; DROP INDEX acks_first;"
	    " ALTER TABLE pages DROP COLUMN detail; ALTER TABLE pages DROP"
	    " COLUMN latency_ms; ALTER TABLE pages DROP COLUMN attempt;"
	    " ALTER TABLE incidents DROP COLUMN board_offset_ms;"
	    " ALTER TABLE incidents DROP COLUMN resolved_by;"
	    " PRAGMA user_version = 2;");
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db), 0);
	free(out);
	assert_non_null(fresh_db(h, "v1.db", db, sizeof db));
	sql(db, "DROP INDEX incidents_received; DROP INDEX acks_incident;"
	    " DROP INDEX log_incident; DROP INDEX pages_escalated;"
	    " DROP INDEX acks_first; ALTER TABLE pages DROP COLUMN detail;"
	    " ALTER TABLE pages DROP COLUMN latency_ms; ALTER TABLE pages DROP"
	    " COLUMN attempt; ALTER TABLE incidents DROP COLUMN"
	    " board_offset_ms; ALTER TABLE incidents DROP COLUMN resolved_by;"
	    " PRAGMA user_version = 1;");
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db), 0);
	free(out);

	assert_int_equal(FX_PC(h, &out, "report", "-c",
	    h_path(h, "nosuch.conf")), 1);
	assert_non_null(strstr(out, "nosuch.conf: cannot read the file: No such"
	    " file or directory"));
	free(out);
}

static void
test_bad_arguments(void **state)
{
	struct harness *h = *state;
	char conf[512], *out;
	static const struct {
		const char *a, *b, *c, *d, *msg;
	} cases[] = {
		{ "report", "--from", "2026-13-01", NULL,
		  "--from: \"2026-13-01\" is not a date or time" },
		{ "report", "--to", "2026-02-30", NULL,
		  "--to: \"2026-02-30\" is not a date or time" },
		{ "report", "--last", "3x", NULL,
		  "--last: \"3x\" is not a length" },
		{ "report", "--from", "2026-12-01", "--to",
		  NULL },
		{ "report", "--by", "colour", NULL,
		  "--by: \"colour\" is not one of" },
		{ "report", "--ack-target", "soon", NULL,
		  "--ack-target: \"soon\" is not a duration" },
		{ "incidents", "--category", "rude", NULL,
		  "--category: \"rude\" is not" },
		{ "incident", "twelve", NULL, NULL,
		  "\"twelve\" is not an incident id" },
		{ "care", "--days", "0", NULL, "--days: \"0\"" },
		{ "check", "--hours", "weekdays", NULL,
		  "--hours: \"weekdays\" is not of the form" },
		{ "frobnicate", NULL, NULL, NULL,
		  "unknown command \"frobnicate\"" },
	};

	snprintf(conf, sizeof conf, "%s", h_path(h, "hub.conf"));
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int rc;

		if (cases[i].d)	/* a period that ends before it starts */
			rc = FX_PC(h, &out, cases[i].a, "-c", conf, cases[i].b,
			    cases[i].c, cases[i].d, "2026-11-01");
		else if (cases[i].c)
			rc = FX_PC(h, &out, cases[i].a, "-c", conf, cases[i].b,
			    cases[i].c);
		else if (cases[i].b)
			rc = FX_PC(h, &out, cases[i].a, cases[i].b, "-c", conf);
		else
			rc = FX_PC(h, &out, cases[i].a);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, cases[i].msg ? cases[i].msg :
		    "the period is empty: it ends (2026-11-02 00:00) before it "
		    "begins (2026-12-01 00:00)"));
		free(out);
	}
	/* well formed, but names nobody: an error, not an empty answer */
	assert_int_equal(FX_PC(h, &out, "pager", "nobody", "-c", conf), 1);
	assert_non_null(strstr(out, "panicctl: pager: unknown person "
	    "\"nobody\""));
	free(out);
	assert_int_equal(FX_PC(h, &out, "incidents", "-c", conf, "--person",
	    "nobody"), 1);
	assert_non_null(strstr(out, "unknown person \"nobody\""));
	free(out);
}

/* A page row, as hubd writes them. */
static void
page(const char *db, int incident, const char *person, int step,
    const char *outcome, int64_t at)
{
	sql(db, "INSERT INTO pages (incident, person, step, channel, type,"
	    " sent_at, outcome) VALUES (%d, '%s', %d, 'mqtt', 'page', %lld,"
	    " '%s');", incident, person, step, (long long)at, outcome);
}

/* By person, what became of each one's pages: missed (never answered,
 * the call moved on), declined, paged. By shift, the row credits whom
 * the rules paged: on an absence day the stand-in, on a row of their own
 * after the shift's. */
static void
test_report_credits(void **state)
{
	struct harness *h = *state;
	char db[512], *out, line[512], *c[20];
	int64_t t0 = jst(2026, 12, 7, 10, 0, 0);	/* Monday */

	assert_non_null(fresh_db(h, "credits.db", db, sizeof db));
	/* 1: sup silent, bak at step 2 acknowledges: sup missed it */
	incident(db, 1, "c03", "help", NULL, t0, 40000, -1, -1, NULL);
	sql(db, "UPDATE acks SET person = 'bak', step = 2 WHERE incident = 1;");
	page(db, 1, "sup", 1, "cancelled", t0 + 5);
	page(db, 1, "bak", 2, "acked", t0 + 30005);
	/* 2: sup declines, bak goes */
	incident(db, 2, "c03", "help", NULL, t0 + 3600000, 20000, -1, -1, NULL);
	sql(db, "UPDATE acks SET person = 'bak' WHERE incident = 2;");
	page(db, 2, "sup", 1, "declined", t0 + 3600005);
	page(db, 2, "bak", 2, "acked", t0 + 3610005);
	/* 3: sup silent for a round, then answers: not missed */
	incident(db, 3, "c03", "help", NULL, t0 + 7200000, 90000, -1, -1, NULL);
	page(db, 3, "sup", 1, "repeated", t0 + 7200005);
	page(db, 3, "sup", 1, "acked", t0 + 7260005);

	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-12-07", "--to", "2026-12-07", "--by",
	    "person"), 0);
	fx_expect_columns(out, "sup ", line, sizeof line, c, 20);
	assert_string_equal(c[3], "1");		/* first to ack: one */
	assert_string_equal(c[15], "3");
	assert_string_equal(c[16], "1");
	assert_string_equal(c[17], "1");
	fx_expect_columns(out, "bak ", line, sizeof line, c, 20);
	assert_string_equal(c[3], "2");
	assert_string_equal(c[15], "2");
	assert_string_equal(c[16], "0");
	assert_string_equal(c[17], "0");
	free(out);
	/* who resolved what, and the full response: as many responders as
	 * needed (one here: the first ack) */
	sql(db, "UPDATE incidents SET resolved_at = %lld, resolved_by = 'bak'"
	    " WHERE id = 2;", (long long)(t0 + 3700000));
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-12-07", "--to", "2026-12-07", "--by",
	    "person", "--json"), 0);
	assert_non_null(strstr(out, "\"person\":\t\"bak\""));
	assert_non_null(strstr(strstr(out, "\"person\":\t\"bak\""),
	    "\"resolved\":\t1,"));
	assert_non_null(strstr(out, "\"full_median_ms\":\t40000"));
	free(out);

	/* a call that went to step 3 and round 2, back at step 1 now: the
	 * highest step and the rounds are said, and the zone by its name */
	page(db, 1, "mgr", 3, "cancelled", t0 + 60005);
	sql(db, "UPDATE incidents SET round = 1 WHERE id = 1;");
	assert_int_equal(FX_PC(h, &out, "incident", "1", "-c",
	    h_path(h, "hub.conf"), "--db", db), 0);
	assert_non_null(strstr(out, "reached step 3, in 2 rounds of the "
	    "ladder\n"));
	assert_non_null(strstr(out, "(zone A, 窓口エリアA)"));
	free(out);

	/* a timeline as CSV; the export names the responders in order */
	assert_int_equal(FX_PC(h, &out, "incident", "1", "-c",
	    h_path(h, "hub.conf"), "--db", db, "--csv"), 0);
	assert_memory_equal(out, "at,what,who,detail\r\n", 19);
	assert_non_null(strstr(out, ",page,mgr,"));
	free(out);
	assert_int_equal(FX_PC(h, &out, "incidents", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--from", "2026-12-07", "--to", "2026-12-07", "--json"),
	    0);
	assert_non_null(strstr(out, "\"responders\":\t\"bak\""));
	free(out);

	/* sup away on 12-07, bak standing in: shift rows credit bak */
	assert_non_null(edge_conf(h, "away.conf", "  { zone = \"A\"; "
	    EDGE_ALL_WEEK " supervisor = \"sup\"; backup = \"mgr\"; },\n"
	    "  { zone = \"B\"; " EDGE_ALL_WEEK " supervisor = \"sup\"; }\n",
	    "exceptions = ( { type = \"absence\"; date = \"2026-12-07\";"
	    " person = \"sup\"; replacement = \"bak\"; } );\n"));
	assert_int_equal(FX_PC(h, &out, "report", "-c", h_path(h, "away.conf"),
	    "--db", db, "--from", "2026-12-07", "--to", "2026-12-08", "--by",
	    "shift"), 0);
	fx_line_of(out, "A mon-sun 00:00-24:00 bak ", line, sizeof line);
	assert_non_null(strstr(line, "田中 一郎, for 佐藤 花子"));
	assert_true(fx_words(line, c, 20) >= 10);
	assert_string_equal(c[9], "3");			/* all three */
	/* the rostered row stays, with none of them */
	assert_non_null(fx_line_of(out, "A mon-sun 00:00-24:00  ", line,
	    sizeof line));
	assert_non_null(strstr(line, "佐藤 花子"));
	assert_true(strstr(out, "A mon-sun 00:00-24:00  ") <
	    strstr(out, "A mon-sun 00:00-24:00 bak "));
	free(out);
}

/* check: exact gap lines, and the exit status says whether there are any. */
static void
test_check_gaps(void **state)
{
	struct harness *h = *state;
	char *out, *text;

	/* zone B: nobody between 12:00 and 13:00 on weekdays */
	assert_non_null(edge_conf(h, "gaps.conf",
	    "  { zone = \"A\"; " EDGE_ALL_WEEK " supervisor = \"sup\";"
	    " backup = \"bak\"; },\n"
	    "  { zone = \"B\"; days = [ \"mon\", \"tue\", \"wed\", \"thu\","
	    " \"fri\" ]; from = \"09:00\"; to = \"12:00\"; supervisor = \"sup\"; },\n"
	    "  { zone = \"B\"; days = [ \"mon\", \"tue\", \"wed\", \"thu\","
	    " \"fri\" ]; from = \"13:00\"; to = \"18:00\"; supervisor = \"bak\"; }\n",
	    "exceptions = ( { type = \"holiday\"; date = \"2026-12-29\";"
	    " zone = \"B\"; },\n  { type = \"absence\"; date = \"2026-12-30\";"
	    " person = \"bak\"; } );\n"));
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "gaps.conf"),
	    "--hours", "mon-fri 09:00-18:00"), 1);
	assert_non_null(strstr(out, "\nMon 12:00–13:00 zone B: nobody on shift "
	    "(help)\nTue 12:00–13:00 zone B: nobody on shift (help)\n"
	    "Wed 12:00–13:00 zone B: nobody on shift (help)\n"
	    "Thu 12:00–13:00 zone B: nobody on shift (help)\n"
	    "Fri 12:00–13:00 zone B: nobody on shift (help)\n"
	    "5 gaps: a press there pages only the fallback (role:manager)\n"));
	assert_null(strstr(out, "zone A"));
	free(out);

	/* every minute of the week: the nights and the weekend too, the
	 * weekend as one range across Sunday midnight into Monday */
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "gaps.conf")),
	    1);
	assert_non_null(strstr(out, "\nMon 12:00–13:00 zone B: nobody on shift "
	    "(help)\nMon 18:00–Tue 09:00 zone B: nobody on shift (help)\n"));
	assert_non_null(strstr(out, "\nFri 18:00–Mon 09:00 zone B: nobody on "
	    "shift (help)\n10 gaps: "));
	free(out);

	/* a week with its exceptions: a holiday, an absence without a
	 * replacement */
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "gaps.conf"),
	    "--week", "2026-12-31", "--hours", "mon-fri 09:00-18:00"), 1);
	assert_non_null(strstr(out, "of the week of 2026-12-31 with its date "
	    "exceptions"));
	assert_non_null(strstr(out, "\nTue 2026-12-29 09:00–12:00 zone B: "
	    "holiday (help)\nTue 2026-12-29 12:00–13:00 zone B: nobody on "
	    "shift (help)\nTue 2026-12-29 13:00–18:00 zone B: holiday "
	    "(help)\n"));
	assert_non_null(strstr(out, "\nWed 2026-12-30 13:00–18:00 zone B: "
	    "bak absent, no replacement (help)\n"));
	/* the one rule for absences, and that week's exceptions */
	assert_non_null(strstr(out, "\nabsences: whoever is away is replaced "
	    "by their stand-in, or left out, in every target — supervisor, "
	    "backup, team, role, person —"));
	assert_non_null(strstr(out, "\nthat week: holiday 2026-12-29 in zone "
	    "B: the shifts do not run\nthat week: absence 2026-12-30: bak "
	    "away, nobody in their place\n"));
	free(out);

	/* covered all week: no gaps, exit 0 */
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "hub.conf")),
	    0);
	assert_non_null(strstr(out, "valid: 4 people, 2 zones, 3 counters, "
	    "2 shifts, 0 exceptions\n"));
	assert_non_null(strstr(out, "\nno gaps\n"));
	/* but step 2 (backup) in zone B has nobody: a warning, exit 0 */
	assert_non_null(strstr(out, "zone B: step 2 of help reaches only the "
	    "fallback: sup on shift has no backup\n1 warning\n"));
	assert_null(strstr(out, "zone A: step 2"));
	free(out);
	/* hubd --check says the config's own warnings too */
	assert_non_null(edge_conf(h, "dead.conf", "  { zone = \"A\"; "
	    EDGE_ALL_WEEK " supervisor = \"sup\"; backup = \"bak\"; },\n"
	    "  { zone = \"A\"; days = [ \"sat\" ]; from = \"10:00\"; to ="
	    " \"16:00\"; supervisor = \"bak\"; backup = \"bak\"; },\n"
	    "  { zone = \"B\"; " EDGE_ALL_WEEK " supervisor = \"sup\";"
	    " backup = \"bak\"; }\n", NULL));
	assert_int_equal(h_run(h, "hubd-check", 5000, "hubd", "--check", "-c",
	    h_path(h, "dead.conf"), (char *)NULL), 0);
	text = h_read(h, "hubd-check.log");
	assert_non_null(text);
	assert_non_null(strstr(text, "dead.conf: valid: "));
	assert_non_null(strstr(text, "\nwarning: "));
	assert_non_null(strstr(text, "dead.conf: shifts.[1] (zone A, sat "
	    "10:00–16:00): bak is both supervisor and backup"));
	assert_non_null(strstr(text, "dead.conf: shifts.[1] (zone A, sat "
	    "10:00–16:00) never applies"));
	free(text);
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "dead.conf")),
	    0);
	assert_non_null(strstr(out, "\nwarning: "));
	assert_non_null(strstr(out, "never applies"));
	assert_non_null(strstr(out, "\n2 warnings\n"));
	free(out);

	/* rules that do not load: the reason, with file and line */
	assert_non_null(edge_conf(h, "bad.conf", "  { zone = \"C\"; "
	    EDGE_ALL_WEEK " supervisor = \"sup\"; }\n", NULL));
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "bad.conf")),
	    1);
	assert_non_null(strstr(out, "bad.conf:"));
	assert_non_null(strstr(out, "zone"));
	free(out);

	/* what hubd refuses at start, check refuses too: one loader */
	text = h_read(h, "hub.conf");
	assert_non_null(text);
	assert_non_null(h_write(h, "nokey.conf", "%sweb = { base_url ="
	    " \"http://127.0.0.1:8080\"; key_file = \"%s\"; };\n", text,
	    h_path(h, "no-such.key")));
	free(text);
	assert_int_equal(FX_PC(h, &out, "check", "-c", h_path(h, "nokey.conf")),
	    1);
	assert_non_null(strstr(out, "web.key_file: "));
	assert_non_null(strstr(out, "no-such.key: No such file or directory"));
	assert_null(strstr(out, "valid:"));
	free(out);
	assert_int_equal(h_run(h, "hubd-check", 5000, "hubd", "--check", "-c",
	    h_path(h, "nokey.conf"), (char *)NULL), 1);
	assert_true(h_wait_log(h, "hubd-check", "no-such.key: No such file or"
	    " directory", 10));
}

/* UTC ms of days ago in Tokyo at hh:00 on the nearest weekday at or
 * before that; *wday gets the Tokyo weekday. */
static int64_t
jst_days_ago(int days, int hh, int weekday_only)
{
	int64_t now = clock_wall_ms() + JST_MS, day = now / 86400000 - days;

	/* 1970-01-01 was a Thursday (4) */
	while (weekday_only && ((day + 4) % 7 == 0 || (day + 4) % 7 == 6))
		day--;
	return day * 86400000 + hh * 3600000LL - JST_MS;
}

static void
test_care(void **state)
{
	struct harness *h = *state;
	char db[512], *out, line[512], *c[20];

	assert_non_null(fresh_db(h, "care.db", db, sizeof db));
	/* yamada at c03 on weekdays: three harassments and a complaint */
	incident(db, 1, "c03", "help", "harassment", jst_days_ago(3, 10, 1),
	    5000, 60000, 600000, NULL);
	incident(db, 2, "c03", "emergency", "harassment",
	    jst_days_ago(10, 11, 1), 5000, 60000, 600000, NULL);
	incident(db, 3, "c03", "help", "harassment", jst_days_ago(40, 15, 1),
	    5000, 60000, 600000, NULL);
	incident(db, 4, "c03", "help", "complaint", jst_days_ago(5, 16, 1),
	    5000, 60000, 600000, NULL);
	/* not counted: a drill, one too old, one after hours */
	incident(db, 5, "c03", "test", "harassment", jst_days_ago(2, 10, 1),
	    5000, 60000, 600000, NULL);
	incident(db, 6, "c03", "help", "harassment", jst_days_ago(200, 10, 1),
	    5000, 60000, 600000, NULL);
	incident(db, 7, "c03", "help", "harassment", jst_days_ago(6, 20, 1),
	    5000, 60000, 600000, NULL);
	assert_non_null(h_write(h, "staffing.conf",
	    "# who sits at which counter\n"
	    "staffing = (\n"
	    "  { person = \"yamada\"; name = \"山田 太郎\"; counter = \"c03\";\n"
	    "    days = [ \"mon\", \"tue\", \"wed\", \"thu\", \"fri\" ];\n"
	    "    from = \"09:00\"; to = \"18:00\"; },\n"
	    "  { person = \"kimura\"; name = \"木村 さくら\"; counter = \"atm\";\n"
	    "    days = [ \"sat\" ]; from = \"10:00\"; to = \"16:00\";\n"
	    "    since = \"2026-04-01\"; }\n"
	    ");\n"));

	assert_int_equal(FX_PC(h, &out, "care", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--staffing", h_path(h, "staffing.conf")), 0);
	assert_non_null(strstr(out, "last 90 days"));
	assert_non_null(fx_line_of(out, "yamada ", line, sizeof line));
	/* yamada 山田 太郎 c03 3 4 DATE TIME yes */
	assert_int_equal(fx_words(line, c, 20), 9);
	assert_string_equal(c[3], "c03");
	assert_string_equal(c[4], "3");
	assert_string_equal(c[5], "4");
	assert_string_equal(c[8], "yes");
	fx_expect_columns(out, "kimura ", line, sizeof line, c, 8);
	assert_string_equal(c[4], "0");
	assert_string_equal(c[6], "-");
	assert_string_equal(c[7], "no");
	/* the one after hours is nobody's on the list, but still counted */
	assert_non_null(strstr(out, "harassment incidents: 4, of which with "
	    "nobody on the staffing list on duty: 1\n"));
	free(out);

	assert_int_equal(FX_PC(h, &out, "care", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--staffing", h_path(h, "staffing.conf"),
	    "--threshold", "4", "--days", "30"), 0);
	fx_expect_columns(out, "yamada ", line, sizeof line, c, 9);
	assert_string_equal(c[4], "2");
	assert_string_equal(c[8], "no");
	free(out);

	/* a staffing file naming a counter the hub does not know */
	assert_non_null(h_write(h, "bad-staffing.conf", "staffing = (\n"
	    "  { person = \"x\"; counter = \"c99\"; days = [ \"mon\" ];"
	    " from = \"09:00\"; to = \"10:00\"; } );\n"));
	assert_int_equal(FX_PC(h, &out, "care", "-c", h_path(h, "hub.conf"),
	    "--db", db, "--staffing", h_path(h, "bad-staffing.conf")), 1);
	assert_non_null(strstr(out, "bad-staffing.conf:2: staffing.[0].counter: "
	    "unknown counter \"c99\""));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_period),
		cmocka_unit_test(test_open_incidents),
		cmocka_unit_test(test_time_zone_boundary),
		cmocka_unit_test(test_japanese_labels_align),
		cmocka_unit_test(test_missing_foreign_newer_db),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_check_gaps),
		cmocka_unit_test(test_report_credits),
		cmocka_unit_test(test_care),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
