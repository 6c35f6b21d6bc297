/* outbox.c: the durable event queue, and the only firmware file that
 * includes <sqlite3.h>. Seq numbers are reserved in blocks ahead of use, so
 * an event published before its commit can never have its id reused after
 * a crash; when the disk cannot keep the reservation, ids move to a boot
 * id held in memory instead. */
#include "outbox.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define OUTBOX_RESERVE	64	/* seq numbers reserved per commit */
#define OUTBOX_CACHE	"-64"	/* page cache, KiB: the file is tiny */
/* Seq numbers of a memory-only outbox start high and at random, so that
 * when its events are committed into a file at last they cannot meet the
 * file's own seq numbers (the table's key) nor an earlier memory run's. */
#define OUTBOX_MEMORY_SEQ	(UINT64_C(1) << 48)
#define OUTBOX_SEQ_MAX		UINT64_C(9007199254740991)	/* 2^53 - 1 */

enum {
	ST_INSERT, ST_RESERVE, ST_DELETE, ST_SELECT, ST_ATTEMPT, ST_COUNT,
	ST_MAX
};

static const char *const outbox_sql[ST_MAX] = {
	[ST_INSERT] = "INSERT INTO events (seq, id, counter, boot, kind, "
	    "gesture, button, pressed_ms, held_ms, upgrades, attempts) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_RESERVE] = "UPDATE meta SET value = ?1 WHERE key = 'reserved' "
	    "AND CAST(value AS INTEGER) < ?1",
	[ST_DELETE] = "DELETE FROM events WHERE id = ?1",
	[ST_SELECT] = "SELECT seq, id, counter, boot, kind, gesture, button, "
	    "pressed_ms, held_ms, upgrades, attempts FROM events "
	    "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[ST_ATTEMPT] = "UPDATE events SET attempts = ?2 WHERE id = ?1",
	[ST_COUNT] = "SELECT count(*) FROM events",
};

/* The page cache is capped first: the default would let a backlog grow it
 * to 2 MB on a board that has a few MB to spare. */
static const char outbox_schema[] =
	"PRAGMA cache_size=" OUTBOX_CACHE ";"
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS meta ("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS events ("
	"  seq INTEGER PRIMARY KEY,"	/* order of pressing */
	"  id TEXT NOT NULL UNIQUE, counter TEXT NOT NULL,"
	"  boot TEXT NOT NULL, kind TEXT NOT NULL, gesture TEXT NOT NULL,"
	"  button TEXT NOT NULL, pressed_ms INTEGER NOT NULL,"
	"  held_ms INTEGER NOT NULL, upgrades TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS discreet ("
	"  incident TEXT PRIMARY KEY);";

struct outbox {
	sqlite3 *db;			/* NULL: memory only */
	sqlite3_stmt *st[ST_MAX];
	char counter[PROTO_ID_MAX];
	char boot[PROTO_ID_MAX];	/* of the ids handed out now */
	int boot_in_memory;		/* boot is not the file's */
	uint64_t next_seq;		/* next to hand out */
	uint64_t reserved;		/* seq below this may be handed out */
	int nunsaved;
	struct proto_event unsaved[OUTBOX_UNSAVED_MAX];
};

static int
outbox_exec(struct outbox *ob, const char *sql)
{
	return sqlite3_exec(ob->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Run a prepared statement with no result rows to completion. */
static int
outbox_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Run sql with ?1 bound to text arg (may be NULL: nothing bound). */
static int
outbox_run(struct outbox *ob, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

static int
outbox_meta_get(struct outbox *ob, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(ob->db, "SELECT value FROM meta WHERE key = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
outbox_meta_put(struct outbox *ob, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ob->db, "INSERT OR REPLACE INTO meta (key, value) "
	    "VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* The highest seq in the table, 0 when empty. */
static int
outbox_max_seq(struct outbox *ob, uint64_t *top)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(ob->db, "SELECT coalesce(max(seq), 0) FROM "
	    "events", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*top = (uint64_t)sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* 16 random hex digits: a boot id no other outbox has. */
static int
outbox_random_boot(char boot[PROTO_ID_MAX])
{
	unsigned char rnd[8];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return -1;
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(boot + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

/* New ids from first_seq on under a fresh boot held in memory. Nothing on
 * disk needs reserving: no earlier run can have used this boot. */
static int
outbox_memory_boot(struct outbox *ob, uint64_t first_seq)
{
	char boot[PROTO_ID_MAX];

	if (outbox_random_boot(boot) < 0)
		return -1;
	memcpy(ob->boot, boot, sizeof ob->boot);
	ob->boot_in_memory = 1;
	ob->next_seq = first_seq;
	ob->reserved = OUTBOX_SEQ_MAX + 1;
	return 0;
}

struct outbox_meta {
	char boot[PROTO_ID_MAX];
	uint64_t next_seq, reserved;
};

/* A new outbox: a random boot id, so its ids differ from any earlier one
 * even if the file was lost or replaced. */
static int
outbox_create_meta(struct outbox *ob, char boot[PROTO_ID_MAX])
{
	if (outbox_random_boot(boot) < 0)
		return -1;
	return outbox_meta_put(ob, "boot", boot) < 0 ||
	    outbox_meta_put(ob, "reserved", "1") < 0 ? -1 : 0;
}

/* Load (or create) boot and the reservation into m, and reserve a fresh
 * block: whatever the last run handed out lies below the old mark, or
 * below the highest seq stored (events of a boot held in memory). */
static int
outbox_load_meta(struct outbox *ob, struct outbox_meta *m)
{
	char v[PROTO_ID_MAX];
	uint64_t top;

	if (outbox_exec(ob, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (outbox_meta_get(ob, "boot", m->boot, sizeof m->boot) < 0 &&
	    outbox_create_meta(ob, m->boot) < 0)
		goto err_rollback;
	if (outbox_meta_get(ob, "reserved", v, sizeof v) < 0 ||
	    !proto_id_valid(m->boot) || outbox_max_seq(ob, &top) < 0)
		goto err_rollback;
	m->next_seq = strtoull(v, NULL, 10);
	if (m->next_seq == 0 || m->next_seq > OUTBOX_SEQ_MAX - OUTBOX_RESERVE)
		goto err_rollback;
	if (top >= m->next_seq)
		m->next_seq = top + 1;
	m->reserved = m->next_seq + OUTBOX_RESERVE;
	snprintf(v, sizeof v, "%" PRIu64, m->reserved);
	if (outbox_meta_put(ob, "reserved", v) < 0 ||
	    outbox_exec(ob, "COMMIT") < 0)
		goto err_rollback;
	return 0;

err_rollback:
	outbox_exec(ob, "ROLLBACK");
	return -1;
}

/* No up-front block of page cache per connection: SQLite's default is 20
 * pages (~90 KB) for a file of a few pages. Process-wide, and possible
 * only before SQLite initialises; afterwards it quietly does nothing. */
static void
outbox_sqlite_config(void)
{
	static int done;

	if (!done)
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)NULL, 0, 0);
	done = 1;
}

static void
outbox_db_close(struct outbox *ob)
{
	for (int i = 0; i < ST_MAX; i++) {
		sqlite3_finalize(ob->st[i]);
		ob->st[i] = NULL;
	}
	sqlite3_close(ob->db);
	ob->db = NULL;
}

/* Open path into ob and take its boot and seq for new ids. On failure ob
 * is as before, err says why, errno is EBADMSG for a damaged file. */
static int
outbox_db_open(struct outbox *ob, const char *path, char *err, size_t errlen)
{
	struct outbox_meta m;
	int rc;

	outbox_sqlite_config();
	if (sqlite3_open_v2(path, &ob->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto err_db;
	sqlite3_busy_timeout(ob->db, 2000);
	if (outbox_exec(ob, outbox_schema) < 0)
		goto err_db;
	for (int i = 0; i < ST_MAX; i++)
		if (sqlite3_prepare_v2(ob->db, outbox_sql[i], -1, &ob->st[i],
		    NULL) != SQLITE_OK)
			goto err_db;
	if (outbox_load_meta(ob, &m) < 0)
		goto err_db;
	memcpy(ob->boot, m.boot, sizeof ob->boot);
	ob->boot_in_memory = 0;
	ob->next_seq = m.next_seq;
	ob->reserved = m.reserved;
	return 0;

err_db:
	rc = ob->db ? sqlite3_errcode(ob->db) & 0xff : SQLITE_NOMEM;
	snprintf(err, errlen, "outbox: %s: %s", path,
	    ob->db ? sqlite3_errmsg(ob->db) : "out of memory");
	outbox_db_close(ob);
	errno = rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? EBADMSG : EIO;
	return -1;
}

static struct outbox *
outbox_alloc(const char *counter)
{
	struct outbox *ob = calloc(1, sizeof *ob);

	if (ob)
		snprintf(ob->counter, sizeof ob->counter, "%s", counter);
	return ob;
}

struct outbox *
outbox_open(const char *path, const char *counter, char *err, size_t errlen)
{
	struct outbox *ob = outbox_alloc(counter);

	if (!ob) {
		snprintf(err, errlen, "outbox: out of memory");
		errno = EIO;
		return NULL;
	}
	if (outbox_db_open(ob, path, err, errlen) < 0) {
		free(ob);
		return NULL;
	}
	return ob;
}

struct outbox *
outbox_open_memory(const char *counter)
{
	struct outbox *ob = outbox_alloc(counter);
	uint32_t r;

	if (!ob)
		return NULL;
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r ||
	    outbox_memory_boot(ob, OUTBOX_MEMORY_SEQ + ((uint64_t)r << 8)) < 0) {
		free(ob);
		errno = EAGAIN;
		return NULL;
	}
	return ob;
}

int
outbox_attach(struct outbox *ob, const char *path, char *err, size_t errlen)
{
	if (ob->db)
		return 0;
	if (outbox_db_open(ob, path, err, errlen) < 0)
		return -1;
	outbox_flush(ob);
	return 0;
}

void
outbox_close(struct outbox *ob)
{
	if (!ob)
		return;
	outbox_db_close(ob);
	free(ob);
}

/* snprintf into buf, or -1 with ENAMETOOLONG if it does not fit. */
static int
outbox_name(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
outbox_name(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
outbox_set_aside(const char *path, char *moved, size_t movedlen)
{
	static const char *const sfx[] = { "-wal", "-shm" };
	char from[4096], to[4096];

	/* a cut name would move the file somewhere nobody looks, or onto
	 * another file */
	if (outbox_name(moved, movedlen, "%s.bad-%lld", path,
	    (long long)time(NULL)) < 0)
		return -1;
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
		if (outbox_name(to, sizeof to, "%s%s", moved, sfx[i]) < 0)
			return -1;
	if (rename(path, moved) < 0)
		return -1;
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		if (outbox_name(from, sizeof from, "%s%s", path, sfx[i]) < 0 ||
		    outbox_name(to, sizeof to, "%s%s", moved, sfx[i]) < 0)
			return -1;
		if (rename(from, to) < 0 && errno != ENOENT)
			return -1;
	}
	return 0;
}

const char *
outbox_boot(const struct outbox *ob)
{
	return ob->boot;
}

int
outbox_on_disk(const struct outbox *ob)
{
	return ob->db != NULL;
}

int
outbox_boot_in_memory(const struct outbox *ob)
{
	return ob->boot_in_memory;
}

int
outbox_prepare(struct outbox *ob, struct proto_event *ev)
{
	/* The mark is kept a block ahead by every commit; reaching it means
	 * commits have failed for a while. Rather than wait on that disk
	 * before a call goes out, take a boot of our own (the seq goes on, so
	 * the table's key stays unique if these reach the file later). */
	if (ob->next_seq >= ob->reserved &&
	    outbox_memory_boot(ob, ob->next_seq) < 0)
		return -1;
	snprintf(ev->counter, sizeof ev->counter, "%s", ob->counter);
	snprintf(ev->boot, sizeof ev->boot, "%s", ob->boot);
	ev->seq = ob->next_seq;
	ev->attempt = 0;
	if (proto_event_make_id(ev) < 0)
		return -1;
	ob->next_seq++;
	return 0;
}

static int
outbox_insert(struct outbox *ob, const struct proto_event *ev)
{
	sqlite3_stmt *st = ob->st[ST_INSERT];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->seq);
	sqlite3_bind_text(st, 2, ev->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->counter, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev->boot, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, proto_kind_name(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, proto_gesture_name(ev->gesture), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ev->button, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, ev->pressed_ms);
	sqlite3_bind_int64(st, 9, ev->held_ms);
	sqlite3_bind_text(st, 10, ev->upgrades, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, ev->attempt);
	return outbox_step_done(st);
}

/* Insert ev and keep the reservation a block ahead, in one commit. */
static int
outbox_commit(struct outbox *ob, const struct proto_event *ev)
{
	sqlite3_stmt *st = ob->st[ST_RESERVE];
	int bump = ob->reserved < ob->next_seq + OUTBOX_RESERVE / 2;

	if (!ob->db || outbox_exec(ob, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (outbox_insert(ob, ev) < 0)
		goto err_rollback;
	if (bump) {
		sqlite3_bind_int64(st, 1,
		    (sqlite3_int64)(ob->next_seq + OUTBOX_RESERVE));
		if (outbox_step_done(st) < 0)
			goto err_rollback;
	}
	if (outbox_exec(ob, "COMMIT") < 0)
		goto err_rollback;
	if (bump)
		ob->reserved = ob->next_seq + OUTBOX_RESERVE;
	return 0;

err_rollback:
	outbox_exec(ob, "ROLLBACK");
	return -1;
}

int
outbox_push(struct outbox *ob, const struct proto_event *ev)
{
	outbox_flush(ob);
	if (outbox_commit(ob, ev) == 0)
		return 0;
	if (ob->nunsaved == OUTBOX_UNSAVED_MAX)
		return -1;
	ob->unsaved[ob->nunsaved++] = *ev;
	return 1;
}

int
outbox_flush(struct outbox *ob)
{
	int kept = 0;

	if (!ob->db)
		return ob->nunsaved;
	for (int i = 0; i < ob->nunsaved; i++)
		if (outbox_commit(ob, &ob->unsaved[i]) < 0)
			ob->unsaved[kept++] = ob->unsaved[i];
	ob->nunsaved = kept;
	return kept;
}

/* Remove id from the in-memory list; 1 if it was there. */
static int
outbox_forget(struct outbox *ob, const char *id)
{
	for (int i = 0; i < ob->nunsaved; i++) {
		if (strcmp(ob->unsaved[i].id, id) != 0)
			continue;
		memmove(&ob->unsaved[i], &ob->unsaved[i + 1],
		    (size_t)(ob->nunsaved - i - 1) * sizeof ob->unsaved[0]);
		ob->nunsaved--;
		return 1;
	}
	return 0;
}

int
outbox_ack(struct outbox *ob, const char *id)
{
	sqlite3_stmt *st = ob->st[ST_DELETE];

	if (outbox_forget(ob, id))
		return 1;
	if (!ob->db)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (outbox_step_done(st) < 0)
		return -1;
	return sqlite3_changes(ob->db) > 0;
}

static const char *
outbox_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static int
outbox_row(sqlite3_stmt *st, struct proto_event *ev)
{
	const char *kind = outbox_col(st, 4), *gesture = outbox_col(st, 5);

	memset(ev, 0, sizeof *ev);
	ev->seq = (uint64_t)sqlite3_column_int64(st, 0);
	snprintf(ev->id, sizeof ev->id, "%s", outbox_col(st, 1));
	snprintf(ev->counter, sizeof ev->counter, "%s", outbox_col(st, 2));
	snprintf(ev->boot, sizeof ev->boot, "%s", outbox_col(st, 3));
	snprintf(ev->button, sizeof ev->button, "%s", outbox_col(st, 6));
	ev->pressed_ms = sqlite3_column_int64(st, 7);
	ev->held_ms = sqlite3_column_int64(st, 8);
	snprintf(ev->upgrades, sizeof ev->upgrades, "%s", outbox_col(st, 9));
	ev->attempt = (uint32_t)sqlite3_column_int64(st, 10);
	if (proto_kind_parse(kind, strlen(kind), &ev->kind) < 0 ||
	    proto_gesture_parse(gesture, strlen(gesture), &ev->gesture) < 0)
		return -1;
	return 0;
}

static int
outbox_by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct proto_event *)a)->seq;
	uint64_t y = ((const struct proto_event *)b)->seq;

	return x < y ? -1 : x > y;
}

/* Merge the in-memory events with seq > after into out[0..n), in order,
 * keeping at most max. */
static int
outbox_merge_unsaved(const struct outbox *ob, uint64_t after,
    struct proto_event *out, int n, int max)
{
	for (int i = 0; i < ob->nunsaved; i++) {
		const struct proto_event *u = &ob->unsaved[i];

		if (u->seq <= after)
			continue;
		if (n == max) {
			if (u->seq > out[n - 1].seq)
				continue;
			n--;	/* the newest gives way; it comes next time */
		}
		out[n++] = *u;
		qsort(out, (size_t)n, sizeof *out, outbox_by_seq);
	}
	return n;
}

int
outbox_pending(struct outbox *ob, uint64_t after_seq, struct proto_event *out,
    int max)
{
	sqlite3_stmt *st = ob->st[ST_SELECT];
	int n = 0, rc;

	if (max <= 0)
		return 0;
	if (!ob->db)
		return outbox_merge_unsaved(ob, after_seq, out, 0, max);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)after_seq);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		if (outbox_row(st, &out[n]) == 0)
			n++;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return outbox_merge_unsaved(ob, after_seq, out, n, max);
}

int
outbox_attempted(struct outbox *ob, const struct proto_event *evs, int n)
{
	sqlite3_stmt *st = ob->st[ST_ATTEMPT];

	for (int i = 0; i < n; i++)
		for (int j = 0; j < ob->nunsaved; j++)
			if (strcmp(ob->unsaved[j].id, evs[i].id) == 0)
				ob->unsaved[j].attempt = evs[i].attempt;
	if (!ob->db)
		return 0;
	if (outbox_exec(ob, "BEGIN IMMEDIATE") < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, evs[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, evs[i].attempt);
		if (outbox_step_done(st) < 0) {
			outbox_exec(ob, "ROLLBACK");
			return -1;
		}
	}
	return outbox_exec(ob, "COMMIT");
}

int
outbox_count(struct outbox *ob)
{
	sqlite3_stmt *st = ob->st[ST_COUNT];
	int n = -1;

	if (!ob->db)
		return ob->nunsaved;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0) + ob->nunsaved;
	sqlite3_reset(st);
	return n;
}

int
outbox_discreet(struct outbox *ob, const char *incident, int on)
{
	char trim[128];

	if (!ob->db || outbox_exec(ob, "BEGIN IMMEDIATE") < 0)
		return -1;
	snprintf(trim, sizeof trim, "DELETE FROM discreet WHERE rowid NOT IN "
	    "(SELECT rowid FROM discreet ORDER BY rowid DESC LIMIT %d)",
	    OUTBOX_DISCREET_MAX);
	/* REPLACE gives the row a new rowid: the newest is kept longest */
	if (outbox_run(ob, on ? "INSERT OR REPLACE INTO discreet (incident) "
	    "VALUES (?1)" : "DELETE FROM discreet WHERE incident = ?1",
	    incident) < 0 || outbox_run(ob, trim, NULL) < 0 ||
	    outbox_exec(ob, "COMMIT") < 0) {
		outbox_exec(ob, "ROLLBACK");
		return -1;
	}
	return 0;
}

int
outbox_discreet_list(struct outbox *ob, char ids[][PROTO_ID_MAX], int max)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (!ob->db)
		return 0;
	if (sqlite3_prepare_v2(ob->db, "SELECT incident FROM discreet "
	    "ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		snprintf(ids[n++], PROTO_ID_MAX, "%s", outbox_col(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}
