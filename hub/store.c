/* store.c: the only file that includes <sqlite3.h>. Schema migrations,
 * cached statements, and the rows behind incidents and their history. A
 * transaction fails as a whole: after one failed write nothing more is
 * written and the commit rolls everything back. */
#include "store.h"

#include <sqlite3.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"

/* Migration i takes the schema from user_version i to i + 1. */
static const char *const store_migrations[] = {
	"CREATE TABLE incidents ("
	" id INTEGER PRIMARY KEY, counter TEXT NOT NULL, event TEXT NOT NULL,"
	" kind TEXT NOT NULL, state TEXT NOT NULL, step INTEGER NOT NULL,"
	" round INTEGER NOT NULL, min_responders INTEGER NOT NULL,"
	" flags INTEGER NOT NULL, category TEXT, note TEXT,"
	" pressed_at INTEGER, received_at INTEGER NOT NULL,"
	" first_page_at INTEGER, acked_at INTEGER, on_scene_at INTEGER,"
	" resolved_at INTEGER, closed_at INTEGER, response_ms INTEGER,"
	" timer TEXT NOT NULL, due_at INTEGER);"
	"CREATE INDEX incidents_open ON incidents(id) WHERE closed_at IS NULL;"
	"CREATE TABLE events ("
	" id TEXT PRIMARY KEY, incident INTEGER REFERENCES incidents(id),"
	" counter TEXT NOT NULL, boot TEXT NOT NULL, seq INTEGER NOT NULL,"
	" kind TEXT NOT NULL, gesture TEXT NOT NULL, button TEXT,"
	" pressed_at INTEGER NOT NULL, held_ms INTEGER,"
	" received_at INTEGER NOT NULL, attempt INTEGER NOT NULL,"
	" upgrades TEXT);"
	"CREATE INDEX events_incident ON events(incident);"
	"CREATE TABLE responders ("
	" incident INTEGER NOT NULL REFERENCES incidents(id),"
	" person TEXT NOT NULL, flags INTEGER NOT NULL, step INTEGER NOT NULL,"
	" paged_at INTEGER, acked_at INTEGER, PRIMARY KEY (incident, person));"
	"CREATE TABLE pages ("
	" id INTEGER PRIMARY KEY, incident INTEGER NOT NULL, person TEXT NOT NULL,"
	" step INTEGER NOT NULL, channel TEXT NOT NULL DEFAULT 'mqtt',"
	" type TEXT NOT NULL, sent_at INTEGER NOT NULL, outcome TEXT NOT NULL,"
	" reason TEXT);"
	"CREATE INDEX pages_incident ON pages(incident, person);"
	"CREATE TABLE acks ("
	" id INTEGER PRIMARY KEY, incident INTEGER NOT NULL, person TEXT NOT NULL,"
	" step INTEGER NOT NULL, at INTEGER NOT NULL);"
	"CREATE TABLE log ("
	" id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL,"
	" incident INTEGER, topic TEXT, body TEXT);"
	"CREATE TABLE counter_status ("
	" id INTEGER PRIMARY KEY, counter TEXT NOT NULL, state TEXT NOT NULL,"
	" at INTEGER NOT NULL, detail TEXT);"
	"CREATE INDEX counter_status_counter ON counter_status(counter, id);",
	/* 2: indexes for panicctl's period reports and timelines, and meta.
	 * Hubs before version 2 created meta at start outside the numbered
	 * migrations, so a version-1 database may already have it. */
	"CREATE INDEX incidents_received ON incidents(received_at);"
	"CREATE INDEX acks_incident ON acks(incident, at);"
	"CREATE INDEX log_incident ON log(incident) WHERE incident IS NOT NULL;"
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL);",
	/* 3: a row per delivery attempt on a notification channel: its
	 * outcome ("sent", "failed", "timeout") says what became of it,
	 * detail why (HTTP 500, exit 3), latency_ms how long it took. */
	"ALTER TABLE pages ADD COLUMN detail TEXT;"
	"ALTER TABLE pages ADD COLUMN latency_ms INTEGER;"
	"ALTER TABLE pages ADD COLUMN attempt INTEGER;",
	/* 4: what panicctl's period reports read beside the incidents, each
	 * in one range scan of an index alone (docs/PANICCTL.md, "Big
	 * databases"): the escalated pages, and who acknowledged first. */
	"CREATE INDEX pages_escalated ON pages(incident)"
	" WHERE type = 'page' AND step >= 2;"
	"CREATE INDEX acks_first ON acks(incident, at, person);",
	/* 5: the board's clock against the hub's when the press came (from
	 * its last live status): whether pressed_at can be trusted, and so
	 * the wait between the press and the hub (docs/HUB.md); and who
	 * resolved it ("" at the counter). */
	("ALTER TABLE incidents ADD COLUMN board_offset_ms INTEGER;"
	" ALTER TABLE incidents ADD COLUMN resolved_by TEXT;"),
};

_Static_assert(sizeof store_migrations / sizeof *store_migrations ==
    STORE_SCHEMA_VERSION, "STORE_SCHEMA_VERSION is the migrations' count");

enum store_st {
	ST_EVENT_FIND, ST_EVENT_SAME, ST_EVENT_ADD, ST_INC_SAVE, ST_RESP_SAVE, ST_INC_MAX,
	ST_INC_OPEN, ST_RESP_LOAD, ST_PAGE_ADD, ST_PAGE_OUTCOME, ST_ACK_ADD,
	ST_LOG, ST_CSTATE, ST_CSTATE_LAST, ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
	ST_INC_ONE, ST_INC_LAST, ST_META_GET, ST_META_PUT, ST_PAGE_ATTEMPT,
	ST_COUNT
};

#define STORE_INC_COLS "id, counter, event, kind, state, step, round," \
	" min_responders, flags, category, note, pressed_at, received_at," \
	" first_page_at, acked_at, on_scene_at, resolved_at, closed_at," \
	" timer, due_at, coalesce(resolved_by, '')"

static const char *const store_sql[ST_COUNT] = {
	[ST_EVENT_FIND] = "SELECT incident FROM events WHERE id = ?",
	[ST_EVENT_SAME] = "SELECT kind = ?2 AND gesture = ?3 AND"
	    " coalesce(button, '') = ?4 AND pressed_at = ?5 FROM events"
	    " WHERE id = ?1",
	[ST_EVENT_ADD] = "INSERT INTO events (id, incident, counter, boot, seq,"
	    " kind, gesture, button, pressed_at, held_ms, received_at, attempt,"
	    " upgrades) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	/* an upsert, not REPLACE: a REPLACE deletes the row events point at */
	[ST_INC_SAVE] = "INSERT INTO incidents (id, counter, event,"
	    " kind, state, step, round, min_responders, flags, category, note,"
	    " pressed_at, received_at, first_page_at, acked_at, on_scene_at,"
	    " resolved_at, closed_at, response_ms, timer, due_at,"
	    " board_offset_ms, resolved_by)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
	    " state = excluded.state, step = excluded.step,"
	    " round = excluded.round, min_responders = excluded.min_responders,"
	    " flags = excluded.flags, category = excluded.category,"
	    " note = excluded.note, first_page_at = excluded.first_page_at,"
	    " acked_at = excluded.acked_at, on_scene_at = excluded.on_scene_at,"
	    " resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,"
	    " response_ms = excluded.response_ms, timer = excluded.timer,"
	    " due_at = excluded.due_at, resolved_by = excluded.resolved_by",
	[ST_RESP_SAVE] = "INSERT OR REPLACE INTO responders (incident, person,"
	    " flags, step, paged_at, acked_at) VALUES (?,?,?,?,?,?)",
	[ST_INC_MAX] = "SELECT coalesce(max(id), 0) FROM incidents",
	[ST_INC_OPEN] = "SELECT " STORE_INC_COLS " FROM incidents"
	    " WHERE closed_at IS NULL ORDER BY id",
	[ST_INC_ONE] = "SELECT " STORE_INC_COLS " FROM incidents WHERE id = ?",
	[ST_INC_LAST] = "SELECT " STORE_INC_COLS " FROM incidents"
	    " WHERE counter = ? ORDER BY id DESC LIMIT 1",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[ST_META_PUT] = "INSERT INTO meta (key, value) VALUES (?, ?)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_RESP_LOAD] = "SELECT person, flags, step, paged_at, acked_at"
	    " FROM responders WHERE incident = ? ORDER BY rowid",
	[ST_PAGE_ADD] = "INSERT INTO pages (incident, person, step, type,"
	    " sent_at, outcome, reason) VALUES (?,?,?,?,?,?,?)",
	[ST_PAGE_ATTEMPT] = "INSERT INTO pages (incident, person, step, channel,"
	    " type, sent_at, outcome, reason, detail, latency_ms, attempt)"
	    " VALUES (?,?,?,?,'page',?,?,?,?,?,?)",
	[ST_PAGE_OUTCOME] = "UPDATE pages SET outcome = ? WHERE incident = ?"
	    " AND person = ? AND type = 'page' AND outcome = 'sent'",
	[ST_ACK_ADD] = "INSERT INTO acks (incident, person, step, at)"
	    " VALUES (?,?,?,?)",
	[ST_LOG] = "INSERT INTO log (at, kind, incident, topic, body)"
	    " VALUES (?,?,?,?,?)",
	[ST_CSTATE] = "INSERT INTO counter_status (counter, state, at, detail)"
	    " VALUES (?,?,?,?)",
	[ST_CSTATE_LAST] = "SELECT counter, state, at FROM counter_status"
	    " WHERE id IN (SELECT max(id) FROM counter_status GROUP BY counter)",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
};

/* Where the caller's transaction stands. */
enum store_tx {
	STORE_TX_NONE,		/* none: writes commit one by one */
	STORE_TX_OPEN,
	STORE_TX_FAILED,	/* BEGIN or a write failed: writes are refused
				   until store_commit rolls back */
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	enum store_tx tx;
	char err[256];		/* why the transaction failed */
	int lock_fd;		/* flock on the database: one hub per file */
};

const char *
store_errmsg(const struct store *s)
{
	return s->err[0] ? s->err : sqlite3_errmsg(s->db);
}

/* Keep SQLite's message, with the start of the statement (st, if known)
 * that failed: a later ROLLBACK would replace it. The first failure of a
 * transaction is the one kept. */
static void
store_fail(struct store *s, sqlite3_stmt *st)
{
	const char *sql = st ? sqlite3_sql(st) : NULL;
	int n = 0;

	if (s->tx == STORE_TX_FAILED)
		return;
	/* "INSERT INTO pages", "UPDATE pages", "INSERT OR REPLACE INTO ..." */
	while (sql && sql[n] && sql[n] != '(' && n < 40 &&
	    strncmp(sql + n, " SET", 4) != 0 && strncmp(sql + n, " VALUES", 7))
		n++;
	while (n > 0 && sql[n - 1] == ' ')
		n--;
	snprintf(s->err, sizeof s->err, "%.*s%s%s", n, sql ? sql : "",
	    n ? ": " : "", sqlite3_errmsg(s->db));
	if (s->tx != STORE_TX_NONE)
		s->tx = STORE_TX_FAILED;
}

/* The cached statement for id, reset and unbound; NULL on error. */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_st id)
{
	sqlite3_stmt *st = s->st[id];

	if (!st) {
		if (sqlite3_prepare_v3(s->db, store_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			store_fail(s, NULL);
			return NULL;
		}
		s->st[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Bind helpers: empty strings and zero times are stored as NULL. */
static void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
store_bind_time(sqlite3_stmt *st, int i, int64_t ms)
{
	if (ms)
		sqlite3_bind_int64(st, i, ms);
	else
		sqlite3_bind_null(st, i);
}

/* Run a write that returns no rows; 0 or -1. Inside a failed transaction
 * it is not run at all: the rollback would undo it anyway, and outside a
 * transaction it would commit on its own, apart from its turn. */
static int
store_done(struct store *s, sqlite3_stmt *st)
{
	int rc;

	if (s->tx == STORE_TX_FAILED) {
		sqlite3_reset(st);
		return -1;
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	store_fail(s, st);
	return -1;
}

/* BEGIN, COMMIT or ROLLBACK; 0 or -1. */
static int
store_exec_id(struct store *s, enum store_st id)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_begin(struct store *s)
{
	if (s->tx != STORE_TX_NONE)
		return s->tx == STORE_TX_OPEN ? 0 : -1;
	s->err[0] = '\0';
	if (store_exec_id(s, ST_BEGIN) < 0) {
		snprintf(s->err, sizeof s->err, "begin: %s",
		    sqlite3_errmsg(s->db));
		s->tx = STORE_TX_FAILED;
		return -1;
	}
	s->tx = STORE_TX_OPEN;
	return 0;
}

int
store_commit(struct store *s)
{
	enum store_tx tx = s->tx;

	s->tx = STORE_TX_NONE;
	if (tx == STORE_TX_NONE)
		return 0;
	if (tx == STORE_TX_OPEN && store_exec_id(s, ST_COMMIT) == 0) {
		s->err[0] = '\0';
		return 0;
	}
	if (tx == STORE_TX_OPEN)
		snprintf(s->err, sizeof s->err, "commit: %s",
		    sqlite3_errmsg(s->db));
	/* a failed COMMIT may leave the transaction open; a failed BEGIN
	 * leaves none */
	if (!sqlite3_get_autocommit(s->db))
		store_exec_id(s, ST_ROLLBACK);
	return -1;
}

int
store_in_tx(const struct store *s)
{
	return s->tx != STORE_TX_NONE;
}

int
store_tx_failed(const struct store *s)
{
	return s->tx == STORE_TX_FAILED;
}

static int
store_migrate(struct store *s, char *err, size_t errlen)
{
	const int n = (int)(sizeof store_migrations / sizeof *store_migrations);
	sqlite3_stmt *st;
	char sql[64];
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v < 0 || v > n) {
		snprintf(err, errlen, "schema version %d unknown (this hubd "
		    "knows up to %d)", v, n);
		return -1;
	}
	for (; v < n; v++) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d;", v + 1);
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ||
		    sqlite3_exec(s->db, store_migrations[v], NULL, NULL, NULL) ||
		    sqlite3_exec(s->db, sql, NULL, NULL, NULL) ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)) {
			snprintf(err, errlen, "migration to version %d: %s", v + 1,
			    sqlite3_errmsg(s->db));
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* The tables of the hub's schema: a database claiming a version must
 * have them all. */
#define STORE_TABLES "'incidents', 'events', 'responders', 'pages', 'acks'," \
	" 'log', 'counter_status'"
#define STORE_NTABLES 7

/* Is the file at path the hub's own database (or a new, empty one)? Read
 * only, before anything is written: a corrupt file or another
 * application's database must be refused as it is, never "repaired" or
 * given our tables (or WAL mode). 0 or -1 with the reason in err. */
static int
store_identify(struct store *s, const char *path, char *err, size_t errlen)
{
	static const char q[] = "SELECT (SELECT user_version FROM"
	    " pragma_user_version), (SELECT count(*) FROM sqlite_master),"
	    " (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
	    " name IN (" STORE_TABLES "))";
	sqlite3_stmt *st = NULL;
	int rc, version = 0, objects = 0, ours = 0;

	rc = sqlite3_prepare_v2(s->db, q, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		version = sqlite3_column_int(st, 0);
		objects = sqlite3_column_int(st, 1);
		ours = sqlite3_column_int(st, 2);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_NOTADB &&
	    (rc & 0xff) != SQLITE_CORRUPT)
		snprintf(err, errlen, "%s: cannot be read (%s)", path,
		    sqlite3_errmsg(s->db));
	else if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: not a database or a damaged one (%s):"
		    " refusing to start; the file is left as it is", path,
		    sqlite3_errmsg(s->db));
	else if (version == 0 && objects > 0)
		snprintf(err, errlen, "%s: a database of another application"
		    " (%d schema objects, none of them the hub's): refusing to"
		    " start; the file is left as it is", path, objects);
	else if (version > 0 && ours != STORE_NTABLES)
		snprintf(err, errlen, "%s: schema version %d but not the hub's"
		    " tables: refusing to start; the file is left as it is",
		    path, version);
	else
		return 0;
	return -1;
}

/* Open path into s->db; exclusive: WAL's index in this process's memory
 * rather than in the -shm file. 0, or -1 with the reason in err and the
 * SQLite result code in *code. */
static int
store_open_db(struct store *s, const char *path, int exclusive, int *code,
    char *err, size_t errlen)
{
	*code = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (*code != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "cannot open");
		return -1;
	}
	sqlite3_busy_timeout(s->db, 2000);
	if (exclusive)
		sqlite3_exec(s->db, "PRAGMA locking_mode = EXCLUSIVE;", NULL,
		    NULL, NULL);
	if (store_identify(s, path, err, errlen) < 0)
		goto err;
	/* WAL lets panicctl read while the hub writes; FULL makes a commit
	 * (and so a receipt to the board) survive a power cut too. */
	/* journal_size_limit: a WAL that grew (writes that failed on a full
	 * disk, a burst) is cut back after each checkpoint instead of
	 * keeping its size for ever and filling the disk again. */
	if (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	    "PRAGMA journal_size_limit = 1048576;",
	    NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto err;
	}
	if (store_migrate(s, err, errlen) < 0)
		goto err;
	/* start with an empty WAL: what a crash left in it is in the
	 * database now (best effort: a reader may hold it) */
	sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL,
	    NULL);
	return 0;
err:
	*code = sqlite3_errcode(s->db) & 0xff;
	sqlite3_close(s->db);
	s->db = NULL;
	return -1;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof *s);
	char first[256];
	int code;

	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	err[0] = '\0';
	/* Two hubs on one database would each keep timers for the other's
	 * incidents, or none: the second refuses to start. The lock lives as
	 * long as the process; flock does not meet SQLite's POSIX locks. */
	if ((s->lock_fd = lockfile_take(path, err, errlen)) < 0) {
		if (errno == EWOULDBLOCK)
			snprintf(err + strlen(err), errlen - strlen(err),
			    ": is another hubd running with this database? One"
			    " hub per database");
		free(s);
		return NULL;
	}
	if (store_open_db(s, path, 0, &code, err, errlen) == 0)
		return s;
	/* On a full disk a WAL database cannot even be read: its first
	 * reader rebuilds the -shm index file, which takes new blocks. In
	 * exclusive locking mode that index lives in memory, so the hub can
	 * read its state and page from memory while writes fail. */
	if (code != SQLITE_FULL && code != SQLITE_IOERR)
		goto err;
	snprintf(first, sizeof first, "%s", err);
	if (store_open_db(s, path, 1, &code, err, errlen) < 0)
		goto err;
	snprintf(err, errlen, "%s, the disk may be full; opened in exclusive"
	    " mode: panicctl cannot read the database until hubd restarts",
	    first);
	return s;
err:
	close(s->lock_fd);
	free(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	if (!sqlite3_get_autocommit(s->db))
		store_exec_id(s, ST_ROLLBACK);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	close(s->lock_fd);
	free(s);
}

/* Run the one-row lookup statement which by text key: 1 and *out set when
 * a row matches, 0 when none does, -1 on error. */
static int
store_lookup_int(struct store *s, enum store_st which, const char *key, int64_t *out)
{
	sqlite3_stmt *st = store_stmt(s, which);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_event_find(struct store *s, const char *id, int64_t *incident)
{
	return store_lookup_int(s, ST_EVENT_FIND, id, incident);
}

int
store_event_differs(struct store *s, const struct proto_event *ev)
{
	sqlite3_stmt *st = store_stmt(s, ST_EVENT_SAME);
	int rc, same = 1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, proto_kind_name(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, proto_gesture_name(ev->gesture), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev->button, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, ev->pressed_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		same = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return !same;
}

int
store_event_add(struct store *s, const struct proto_event *ev,
    int64_t incident, int64_t received_ms)
{
	sqlite3_stmt *st = store_stmt(s, ST_EVENT_ADD);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_TRANSIENT);
	if (incident)
		sqlite3_bind_int64(st, 2, incident);
	sqlite3_bind_text(st, 3, ev->counter, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, ev->boot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, (int64_t)ev->seq);
	sqlite3_bind_text(st, 6, proto_kind_name(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, proto_gesture_name(ev->gesture), -1,
	    SQLITE_STATIC);
	store_bind_text(st, 8, ev->button);
	sqlite3_bind_int64(st, 9, ev->pressed_ms);
	if (ev->held_ms >= 0)
		sqlite3_bind_int64(st, 10, ev->held_ms);
	sqlite3_bind_int64(st, 11, received_ms);
	sqlite3_bind_int64(st, 12, ev->attempt);
	store_bind_text(st, 13, ev->upgrades);
	return store_done(s, st);
}

static int
store_responders_save(struct store *s, const struct incident *inc)
{
	for (unsigned i = 0; i < inc->npeople; i++) {
		const struct incident_person *p = &inc->people[i];
		sqlite3_stmt *st = store_stmt(s, ST_RESP_SAVE);

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, inc->id);
		sqlite3_bind_text(st, 2, p->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, (int)p->flags);
		sqlite3_bind_int(st, 4, (int)p->step);
		store_bind_time(st, 5, p->paged_ms);
		store_bind_time(st, 6, p->acked_ms);
		if (store_done(s, st) < 0)
			return -1;
	}
	return 0;
}

int
store_incident_save(struct store *s, const struct incident *inc)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_SAVE);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, inc->id);
	sqlite3_bind_text(st, 2, inc->counter, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, inc->event, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, proto_kind_name(inc->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, proto_istate_name(inc->state), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)inc->step);
	sqlite3_bind_int(st, 7, (int)inc->round);
	sqlite3_bind_int(st, 8, (int)inc->needed);
	sqlite3_bind_int(st, 9, (int)inc->flags);
	if (inc->category != PROTO_CAT_NONE)
		sqlite3_bind_text(st, 10, proto_category_name(inc->category), -1,
		    SQLITE_STATIC);
	store_bind_text(st, 11, inc->note);
	store_bind_time(st, 12, inc->pressed_ms);
	sqlite3_bind_int64(st, 13, inc->received_ms);
	store_bind_time(st, 14, inc->first_page_ms);
	store_bind_time(st, 15, inc->acked_ms);
	store_bind_time(st, 16, inc->on_scene_ms);
	store_bind_time(st, 17, inc->resolved_ms);
	store_bind_time(st, 18, inc->closed_ms);
	if (inc->acked_ms)
		sqlite3_bind_int64(st, 19, inc->acked_ms - inc->received_ms);
	sqlite3_bind_text(st, 20, incident_timer_name(inc->timer), -1,
	    SQLITE_STATIC);
	store_bind_time(st, 21, inc->due_ms);
	/* kept on update: a restored incident no longer knows it */
	if (inc->board_offset_known)
		sqlite3_bind_int64(st, 22, inc->board_offset_ms);
	if (inc->resolved_ms)
		sqlite3_bind_text(st, 23, inc->resolved_by, -1, SQLITE_TRANSIENT);
	if (store_done(s, st) < 0)
		return -1;
	return store_responders_save(s, inc);
}

int64_t
store_incident_max_id(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_MAX);
	int64_t v = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/* Copy text column i into buf ("" for NULL). */
static void
store_col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", v ? (const char *)v : "");
}

static int
store_responders_load(struct store *s, struct incident *inc)
{
	sqlite3_stmt *st = store_stmt(s, ST_RESP_LOAD);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, inc->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    inc->npeople < INCIDENT_PEOPLE_MAX) {
		struct incident_person *p = &inc->people[inc->npeople++];

		store_col_text(st, 0, p->id, sizeof p->id);
		p->flags = (unsigned)sqlite3_column_int(st, 1);
		p->step = (uint32_t)sqlite3_column_int(st, 2);
		p->paged_ms = sqlite3_column_int64(st, 3);
		p->acked_ms = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Fill inc from the current row of a STORE_INC_COLS query; -1 if a name
 * is unknown. */
static int
store_incident_row(sqlite3_stmt *st, struct incident *inc)
{
	char kind[32], state[32], cat[32], timer[32];

	memset(inc, 0, sizeof *inc);
	inc->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, inc->counter, sizeof inc->counter);
	store_col_text(st, 2, inc->event, sizeof inc->event);
	store_col_text(st, 3, kind, sizeof kind);
	store_col_text(st, 4, state, sizeof state);
	inc->step = (uint32_t)sqlite3_column_int(st, 5);
	inc->round = (uint32_t)sqlite3_column_int(st, 6);
	inc->needed = (uint32_t)sqlite3_column_int(st, 7);
	inc->flags = (unsigned)sqlite3_column_int(st, 8);
	store_col_text(st, 9, cat, sizeof cat);
	store_col_text(st, 10, inc->note, sizeof inc->note);
	inc->pressed_ms = sqlite3_column_int64(st, 11);
	inc->received_ms = sqlite3_column_int64(st, 12);
	inc->first_page_ms = sqlite3_column_int64(st, 13);
	inc->acked_ms = sqlite3_column_int64(st, 14);
	inc->on_scene_ms = sqlite3_column_int64(st, 15);
	inc->resolved_ms = sqlite3_column_int64(st, 16);
	inc->closed_ms = sqlite3_column_int64(st, 17);
	store_col_text(st, 18, timer, sizeof timer);
	inc->due_ms = sqlite3_column_int64(st, 19);
	store_col_text(st, 20, inc->resolved_by, sizeof inc->resolved_by);
	inc->category = PROTO_CAT_NONE;
	if (proto_kind_parse(kind, strlen(kind), &inc->kind) < 0 ||
	    proto_istate_parse(state, strlen(state), &inc->state) < 0 ||
	    incident_timer_parse(timer, &inc->timer) < 0 ||
	    (cat[0] && proto_category_parse(cat, strlen(cat), &inc->category) < 0))
		return -1;
	return 0;
}

int
store_incident_each_open(struct store *s,
    int (*fn)(void *arg, const struct incident *inc), void *arg)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_OPEN);
	struct incident *inc = malloc(sizeof *inc);
	int rc = -1, step;

	if (!st || !inc)
		goto out;
	/* ST_INC_OPEN stays on its row while responders load: it is a
	 * different statement, so both may be active. */
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_incident_row(st, inc) < 0 ||
		    store_responders_load(s, inc) < 0 || fn(arg, inc) < 0)
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	if (st)
		sqlite3_reset(st);
	free(inc);
	return rc;
}

/* One incident row by a statement with bindings made; 1, 0 or -1. */
static int
store_incident_get(struct store *s, sqlite3_stmt *st, struct incident *inc)
{
	int rc = sqlite3_step(st), found = 0;

	if (rc == SQLITE_ROW) {
		found = 1;
		if (store_incident_row(st, inc) < 0)
			rc = SQLITE_CORRUPT;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (found && store_responders_load(s, inc) < 0)
		return -1;
	return found;
}

int
store_incident_load(struct store *s, int64_t id, struct incident *inc)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_ONE);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return store_incident_get(s, st, inc);
}

int
store_incident_last(struct store *s, const char *counter,
    struct incident *inc)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_LAST);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, counter, -1, SQLITE_TRANSIENT);
	return store_incident_get(s, st, inc);
}

int
store_meta_get(struct store *s, const char *key, int64_t *value)
{
	return store_lookup_int(s, ST_META_GET, key, value);
}

int
store_meta_put(struct store *s, const char *key, int64_t value)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_PUT);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, value);
	return store_done(s, st);
}

int
store_page_add(struct store *s, int64_t incident, const char *person,
    uint32_t step, const char *type, int64_t sent_ms, const char *reason)
{
	int page = strcmp(type, "page") == 0;
	sqlite3_stmt *st;

	/* A fresh page supersedes one still unanswered. */
	if (page && store_page_outcome(s, incident, person, "repeated") < 0)
		return -1;
	if (!(st = store_stmt(s, ST_PAGE_ADD)))
		return -1;
	sqlite3_bind_int64(st, 1, incident);
	sqlite3_bind_text(st, 2, person, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, (int)step);
	sqlite3_bind_text(st, 4, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, sent_ms);
	sqlite3_bind_text(st, 6, page ? "sent" : "info", -1, SQLITE_STATIC);
	store_bind_text(st, 7, reason);
	return store_done(s, st);
}

int
store_page_attempt(struct store *s, const struct store_attempt *a)
{
	sqlite3_stmt *st = store_stmt(s, ST_PAGE_ATTEMPT);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->incident);
	sqlite3_bind_text(st, 2, a->person, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, (int)a->step);
	sqlite3_bind_text(st, 4, a->channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, a->sent_ms);
	sqlite3_bind_text(st, 6, a->outcome, -1, SQLITE_TRANSIENT);
	store_bind_text(st, 7, a->reason);
	store_bind_text(st, 8, a->detail);
	sqlite3_bind_int64(st, 9, a->latency_ms);
	sqlite3_bind_int(st, 10, (int)a->attempt);
	return store_done(s, st);
}

int
store_page_outcome(struct store *s, int64_t incident, const char *person,
    const char *outcome)
{
	sqlite3_stmt *st = store_stmt(s, ST_PAGE_OUTCOME);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, outcome, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, incident);
	sqlite3_bind_text(st, 3, person, -1, SQLITE_TRANSIENT);
	return store_done(s, st);
}

int
store_ack_add(struct store *s, int64_t incident, const char *person,
    uint32_t step, int64_t at_ms)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACK_ADD);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, incident);
	sqlite3_bind_text(st, 2, person, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, (int)step);
	sqlite3_bind_int64(st, 4, at_ms);
	return store_done(s, st);
}

int
store_log(struct store *s, int64_t at_ms, const char *kind, int64_t incident,
    const char *topic, const void *body, size_t len)
{
	sqlite3_stmt *st = store_stmt(s, ST_LOG);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, at_ms);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	if (incident)
		sqlite3_bind_int64(st, 3, incident);
	store_bind_text(st, 4, topic);
	if (body)
		sqlite3_bind_text(st, 5, body, (int)len, SQLITE_TRANSIENT);
	return store_done(s, st);
}

int
store_counter_state(struct store *s, const char *counter, const char *state,
    int64_t at_ms, const char *detail)
{
	sqlite3_stmt *st = store_stmt(s, ST_CSTATE);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, counter, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, at_ms);
	store_bind_text(st, 4, detail);
	return store_done(s, st);
}

int
store_counter_each_last(struct store *s,
    int (*fn)(void *arg, const char *counter, const char *state,
    int64_t at_ms), void *arg)
{
	sqlite3_stmt *st = store_stmt(s, ST_CSTATE_LAST);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2)) < 0) {
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
