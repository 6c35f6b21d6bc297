/* test_store.c: the SQLite log — schema version and WAL, incidents and
 * their people surviving a close and reopen, duplicate events found,
 * uncommitted work gone, a transaction with a failed BEGIN or a failed
 * write stored not at all, counter status history, unknown schemas
 * refused, the hub's durable counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

struct fx {
	char dir[64];
	char path[128];
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/test_store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/hub.db", f->dir);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct store *
fx_open(struct fx *f)
{
	char err[256] = "";
	struct store *s = store_open(f->path, err, sizeof err);

	if (!s)
		fprintf(stderr, "# store_open: %s\n", err);
	assert_non_null(s);
	return s;
}

/* One text value of a query on the raw database. */
static void
fx_query(struct fx *f, const char *sql, char *out, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
make_incident(struct incident *inc, int64_t id, enum proto_istate state)
{
	memset(inc, 0, sizeof *inc);
	inc->id = id;
	snprintf(inc->counter, sizeof inc->counter, "c03");
	snprintf(inc->event, sizeof inc->event, "c03:b0:%d", (int)id);
	inc->kind = PROTO_KIND_EMERGENCY;
	inc->state = state;
	inc->step = 2;
	inc->round = 1;
	inc->needed = 2;
	inc->flags = INC_F_FALLBACK;
	inc->pressed_ms = 1000;
	inc->received_ms = 1100;
	inc->first_page_ms = 1101;
	inc->acked_ms = 5100;
	inc->timer = INC_TIMER_ON_SCENE;
	inc->due_ms = 99000;
	snprintf(inc->note, sizeof inc->note, "怒鳴る");
	inc->npeople = 2;
	snprintf(inc->people[0].id, PROTO_ID_MAX, "sato");
	inc->people[0].flags = INC_P_ACKED;
	inc->people[0].step = 1;
	inc->people[0].paged_ms = 1101;
	inc->people[0].acked_ms = 5100;
	snprintf(inc->people[1].id, PROTO_ID_MAX, "tanaka");
	inc->people[1].flags = INC_P_CANCELLED;
	inc->people[1].step = 2;
	if (state == PROTO_IST_CLOSED) {
		inc->category = PROTO_CAT_FALSE_ALARM;
		inc->closed_ms = inc->resolved_ms = 9000;
		inc->timer = INC_TIMER_NONE;
	}
}

static int
collect(void *arg, const struct incident *inc)
{
	struct incident *out = arg;

	assert_int_equal(out->npeople, 0);	/* only one is open */
	*out = *inc;
	return 0;
}

static void
test_schema_and_wal(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	char v[32];

	store_close(s);
	fx_query(f, "PRAGMA user_version", v, sizeof v);
	assert_int_equal(atoi(v), STORE_SCHEMA_VERSION);
	fx_query(f, "PRAGMA journal_mode", v, sizeof v);
	assert_string_equal(v, "wal");
	s = fx_open(f);		/* a second open migrates nothing */
	store_close(s);
}

static void
test_incident_round_trip(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident a, b, got;

	make_incident(&a, 1, PROTO_IST_ACKNOWLEDGED);
	make_incident(&b, 2, PROTO_IST_CLOSED);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_incident_save(s, &a), 0);
	assert_int_equal(store_incident_save(s, &b), 0);
	a.step = 3;	/* a second save updates */
	assert_int_equal(store_incident_save(s, &a), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);

	s = fx_open(f);
	assert_true(store_incident_max_id(s) == 2);
	memset(&got, 0, sizeof got);
	assert_int_equal(store_incident_each_open(s, collect, &got), 0);
	assert_true(got.id == 1);
	assert_string_equal(got.counter, "c03");
	assert_string_equal(got.event, "c03:b0:1");
	assert_int_equal(got.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(got.state, PROTO_IST_ACKNOWLEDGED);
	assert_int_equal(got.step, 3);
	assert_int_equal(got.round, 1);
	assert_int_equal(got.needed, 2);
	assert_int_equal(got.flags, INC_F_FALLBACK);
	assert_int_equal(got.timer, INC_TIMER_ON_SCENE);
	assert_true(got.due_ms == 99000);
	assert_true(got.acked_ms == 5100 && got.on_scene_ms == 0);
	assert_string_equal(got.note, "怒鳴る");
	assert_int_equal(got.npeople, 2);
	assert_string_equal(got.people[0].id, "sato");
	assert_int_equal(got.people[0].flags, INC_P_ACKED);
	assert_true(got.people[0].acked_ms == 5100);
	assert_string_equal(got.people[1].id, "tanaka");
	assert_int_equal(got.people[1].step, 2);
	store_close(s);
}

static void
test_events_and_duplicates(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident inc;
	struct proto_event ev;
	int64_t id = -1;

	make_incident(&inc, 4, PROTO_IST_PAGING);
	memset(&ev, 0, sizeof ev);
	snprintf(ev.id, sizeof ev.id, "c03:b0:4");
	snprintf(ev.counter, sizeof ev.counter, "c03");
	snprintf(ev.boot, sizeof ev.boot, "b0");
	ev.seq = 4;
	ev.held_ms = -1;
	ev.attempt = 1;
	store_begin(s);
	assert_int_equal(store_event_find(s, ev.id, &id), 0);
	assert_int_equal(store_incident_save(s, &inc), 0);
	assert_int_equal(store_event_add(s, &ev, 4, 1234), 0);
	/* seen inside the same transaction already */
	assert_int_equal(store_event_find(s, ev.id, &id), 1);
	assert_true(id == 4);
	assert_int_equal(store_commit(s), 0);
	/* a second row for the same id is refused */
	store_begin(s);
	assert_int_equal(store_event_add(s, &ev, 4, 1235), -1);
	assert_int_equal(store_commit(s), -1);
	store_close(s);
	s = fx_open(f);
	id = -1;
	assert_int_equal(store_event_find(s, "c03:b0:4", &id), 1);
	assert_true(id == 4);
	assert_int_equal(store_event_find(s, "c03:b0:5", &id), 0);
	store_close(s);
}

static void
test_uncommitted_is_gone(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident inc;
	char v[32];

	make_incident(&inc, 9, PROTO_IST_PAGING);
	store_begin(s);
	assert_true(store_in_tx(s));
	store_incident_save(s, &inc);
	store_log(s, 1, "note", 9, NULL, "x", 1);
	store_close(s);		/* a crash before the commit */
	s = fx_open(f);
	assert_true(store_incident_max_id(s) == 0);
	store_close(s);
	fx_query(f, "SELECT count(*) FROM log", v, sizeof v);
	assert_string_equal(v, "0");
}

/* Run sql on the raw database through a second connection. */
static void
fx_exec(struct fx *f, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* One failed write fails the whole transaction: later writes are refused
 * and the commit rolls back what went before it. (The hub then sends no
 * receipt: the board sends the event again.) */
static void
test_failed_write_fails_transaction(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident inc;
	char v[32];

	store_close(s);
	fx_exec(f, "CREATE TRIGGER no_pages BEFORE INSERT ON pages"
	    " BEGIN SELECT RAISE(ABORT, 'injected'); END;");
	s = fx_open(f);
	make_incident(&inc, 5, PROTO_IST_PAGING);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_incident_save(s, &inc), 0);
	assert_int_equal(store_page_add(s, 5, "sato", 1, "page", 10, ""), -1);
	assert_true(store_tx_failed(s));
	assert_non_null(strstr(store_errmsg(s), "injected"));
	/* refused, not written on its own either */
	assert_int_equal(store_log(s, 1, "note", 5, NULL, "x", 1), -1);
	assert_int_equal(store_begin(s), -1);
	assert_int_equal(store_commit(s), -1);
	assert_false(store_in_tx(s));
	assert_true(store_incident_max_id(s) == 0);
	/* the next transaction starts afresh */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_incident_save(s, &inc), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	fx_query(f, "SELECT count(*) FROM log", v, sizeof v);
	assert_string_equal(v, "0");
	fx_query(f, "SELECT count(*) FROM incidents", v, sizeof v);
	assert_string_equal(v, "1");
}

/* BEGIN fails (another connection holds the write lock past the busy
 * timeout): the writes that follow are not committed one by one, and the
 * commit says the transaction failed. */
static void
test_failed_begin_writes_nothing(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident inc;
	sqlite3 *db;
	char v[32];

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	make_incident(&inc, 6, PROTO_IST_PAGING);
	assert_int_equal(store_begin(s), -1);
	assert_true(store_in_tx(s));
	assert_true(store_tx_failed(s));
	assert_int_equal(store_incident_save(s, &inc), -1);
	assert_int_equal(store_log(s, 1, "note", 6, NULL, "x", 1), -1);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_commit(s), -1);
	assert_false(store_in_tx(s));
	store_close(s);
	fx_query(f, "SELECT (SELECT count(*) FROM log) +"
	    " (SELECT count(*) FROM incidents)", v, sizeof v);
	assert_string_equal(v, "0");
}

/* An incident by id and the latest at a counter, with their people; the
 * meta counters. */
static void
test_incident_load_and_meta(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident a, b, got;
	int64_t v = -1;

	make_incident(&a, 1, PROTO_IST_CLOSED);
	make_incident(&b, 2, PROTO_IST_PAGING);
	snprintf(b.counter, sizeof b.counter, "c04");
	store_begin(s);
	store_incident_save(s, &a);
	store_incident_save(s, &b);
	assert_int_equal(store_meta_get(s, "k", &v), 0);
	assert_int_equal(store_meta_put(s, "k", 40), 0);
	assert_int_equal(store_meta_put(s, "k", 41), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	s = fx_open(f);
	assert_int_equal(store_meta_get(s, "k", &v), 1);
	assert_true(v == 41);
	assert_int_equal(store_incident_load(s, 1, &got), 1);
	assert_int_equal(got.state, PROTO_IST_CLOSED);
	assert_int_equal(got.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(got.category, PROTO_CAT_FALSE_ALARM);
	assert_int_equal(got.npeople, 2);
	assert_int_equal(store_incident_load(s, 3, &got), 0);
	assert_int_equal(store_incident_last(s, "c03", &got), 1);
	assert_true(got.id == 1);
	assert_int_equal(store_incident_last(s, "c04", &got), 1);
	assert_true(got.id == 2);
	assert_int_equal(store_incident_last(s, "c05", &got), 0);
	store_close(s);
}

static void
test_pages_and_acks(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	char v[256];

	store_begin(s);
	assert_int_equal(store_page_add(s, 1, "sato", 1, "page", 10, ""), 0);
	assert_int_equal(store_page_add(s, 1, "sato", 2, "page", 20, ""), 0);
	assert_int_equal(store_page_add(s, 1, "tanaka", 2, "page", 20, ""), 0);
	assert_int_equal(store_page_outcome(s, 1, "sato", "acked"), 0);
	assert_int_equal(store_ack_add(s, 1, "sato", 2, 25), 0);
	assert_int_equal(store_page_add(s, 1, "tanaka", 2, "cancel", 25,
	    "covered by sato"), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	fx_query(f, "SELECT group_concat(person || ':' || step || ':' || type"
	    " || ':' || outcome, ' ') FROM (SELECT * FROM pages ORDER BY id)",
	    v, sizeof v);
	assert_string_equal(v, "sato:1:page:repeated sato:2:page:acked "
	    "tanaka:2:page:sent tanaka:2:cancel:info");
}

static int
last_state(void *arg, const char *counter, const char *st, int64_t at)
{
	char *out = arg;

	snprintf(out + strlen(out), 128 - strlen(out), "%s=%s@%lld ", counter,
	    st, (long long)at);
	return 0;
}

static void
test_counter_status(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	char out[128] = "";

	store_begin(s);
	store_counter_state(s, "c01", "online", 1, NULL);
	store_counter_state(s, "c02", "online", 2, NULL);
	store_counter_state(s, "c01", "silent", 3, "heartbeat missed");
	store_commit(s);
	assert_int_equal(store_counter_each_last(s, last_state, out), 0);
	assert_string_equal(out, "c02=online@2 c01=silent@3 ");
	store_close(s);
}

static int
fx_has(struct fx *f, const char *type, const char *name)
{
	char q[160], v[16];

	snprintf(q, sizeof q, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = '%s' AND name = '%s'", type, name);
	fx_query(f, q, v, sizeof v);
	return atoi(v);
}

/* A fresh database is at the newest version with the indexes of versions
 * 2 and 4, version 3's columns and meta; a version-1 database, with or
 * without the meta table that hubs of version 1 added at start, is
 * migrated to the newest with its rows intact. */
static void
test_migration_2(void **state)
{
	static const char *const idx[] = {
		"incidents_received", "acks_incident", "log_incident",
		"pages_escalated", "acks_first"
	};
	enum { NIDX = sizeof idx / sizeof *idx };
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct incident inc, got;
	int64_t v = -1;
	char out[64];

	fx_query(f, "PRAGMA user_version", out, sizeof out);
	assert_int_equal(atoi(out), STORE_SCHEMA_VERSION);
	for (int i = 0; i < NIDX; i++)
		assert_int_equal(fx_has(f, "index", idx[i]), 1);
	assert_int_equal(fx_has(f, "table", "meta"), 1);

	make_incident(&inc, 7, PROTO_IST_CLOSED);
	store_begin(s);
	store_incident_save(s, &inc);
	store_ack_add(s, 7, "sato", 1, 5100);
	store_log(s, 5000, "state", 7, NULL, "paging", 6);
	store_log(s, 5001, "in", 0, "t/x", "{}", 2);
	assert_int_equal(store_meta_put(s, "incident_ids_reserved", 32), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);

	for (int with_meta = 1; with_meta >= 0; with_meta--) {
		/* back to exactly the version-1 schema (meta optional) */
		fx_exec(f, "DROP INDEX incidents_received;"
		    " DROP INDEX acks_incident; DROP INDEX log_incident;"
		    " ALTER TABLE pages DROP COLUMN detail;"
		    " ALTER TABLE pages DROP COLUMN latency_ms;"
		    " ALTER TABLE pages DROP COLUMN attempt;"
		    " DROP INDEX pages_escalated; DROP INDEX acks_first;"
		    " ALTER TABLE incidents DROP COLUMN board_offset_ms;"
	    " ALTER TABLE incidents DROP COLUMN resolved_by;"
		    " PRAGMA user_version = 1;");
		if (!with_meta)
			fx_exec(f, "DROP TABLE meta;");
		for (int i = 0; i < NIDX; i++)
			assert_int_equal(fx_has(f, "index", idx[i]), 0);
		assert_int_equal(fx_has(f, "table", "meta"), with_meta);

		s = fx_open(f);
		fx_query(f, "PRAGMA user_version", out, sizeof out);
		assert_int_equal(atoi(out), STORE_SCHEMA_VERSION);
		for (int i = 0; i < NIDX; i++)
			assert_int_equal(fx_has(f, "index", idx[i]), 1);
		assert_int_equal(fx_has(f, "table", "meta"), 1);
		assert_int_equal(store_meta_get(s, "incident_ids_reserved", &v),
		    with_meta);
		if (with_meta)
			assert_true(v == 32);
		assert_int_equal(store_incident_load(s, 7, &got), 1);
		assert_int_equal(got.state, PROTO_IST_CLOSED);
		assert_int_equal(got.npeople, 2);
		store_close(s);
		fx_query(f, "SELECT count(*) FROM acks WHERE incident = 7",
		    out, sizeof out);
		assert_int_equal(atoi(out), 1);
		fx_query(f, "SELECT count(*) FROM log", out, sizeof out);
		assert_int_equal(atoi(out), 2);
		fx_query(f, "SELECT count(*) FROM incidents", out, sizeof out);
		assert_int_equal(atoi(out), 1);
	}
}

/* Version 3: a version-2 database gets the attempt columns of pages, its
 * rows kept (the new columns empty); an attempt is stored with channel,
 * outcome, detail and latency, and takes the person's answer when sent. */
static void
test_migration_3(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	struct store_attempt a = { .incident = 7, .person = "sato", .step = 1,
	    .channel = "ntfy", .sent_ms = 6000, .outcome = "failed",
	    .detail = "HTTP 500", .reason = "step", .latency_ms = 12,
	    .attempt = 1 };
	char out[128];

	assert_int_equal(store_page_add(s, 7, "sato", 1, "page", 5000, "step"),
	    0);
	store_close(s);
	/* back to exactly version 2: neither version 3's columns nor
	 * version 4's indexes */
	fx_exec(f, "DROP INDEX pages_escalated; DROP INDEX acks_first;"
	    " ALTER TABLE pages DROP COLUMN detail;"
	    " ALTER TABLE pages DROP COLUMN latency_ms;"
	    " ALTER TABLE pages DROP COLUMN attempt;"
	    " ALTER TABLE incidents DROP COLUMN board_offset_ms;"
	    " ALTER TABLE incidents DROP COLUMN resolved_by;"
	    " PRAGMA user_version = 2;");
	s = fx_open(f);
	fx_query(f, "PRAGMA user_version", out, sizeof out);
	assert_int_equal(atoi(out), STORE_SCHEMA_VERSION);
	fx_query(f, "SELECT person || ',' || channel || ',' || outcome ||"
	    " ',' || coalesce(detail, '-') FROM pages", out, sizeof out);
	assert_string_equal(out, "sato,mqtt,sent,-");

	assert_int_equal(store_page_attempt(s, &a), 0);
	a.outcome = "sent";
	a.detail = "HTTP 200";
	a.attempt = 2;
	a.latency_ms = 30;
	assert_int_equal(store_page_attempt(s, &a), 0);
	assert_int_equal(store_page_outcome(s, 7, "sato", "acked"), 0);
	fx_query(f, "SELECT group_concat(channel || ':' || outcome || ':' ||"
	    " coalesce(detail, '') || ':' || coalesce(latency_ms, '') || ':' ||"
	    " coalesce(attempt, ''), ' ') FROM (SELECT * FROM pages ORDER BY id)",
	    out, sizeof out);
	assert_string_equal(out, "mqtt:acked::: ntfy:failed:HTTP 500:12:1"
	    " ntfy:acked:HTTP 200:30:2");
	store_close(s);
}

static void
test_future_schema_refused(void **state)
{
	struct fx *f = *state;
	struct store *s = fx_open(f);
	char err[256] = "", v[8];

	store_close(s);
	fx_query(f, "PRAGMA user_version = 99", v, sizeof v);
	assert_null(store_open(f->path, err, sizeof err));
	assert_non_null(strstr(err, "schema version 99"));
}

int
main(void)
{
#define T(n) cmocka_unit_test_setup_teardown(n, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_schema_and_wal),
		T(test_incident_round_trip),
		T(test_events_and_duplicates),
		T(test_uncommitted_is_gone),
		T(test_failed_write_fails_transaction),
		T(test_failed_begin_writes_nothing),
		T(test_incident_load_and_meta),
		T(test_pages_and_acks),
		T(test_counter_status),
		T(test_migration_2),
		T(test_migration_3),
		T(test_future_schema_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
