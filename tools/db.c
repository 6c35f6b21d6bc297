/* db.c: the hub's SQLite database, read-only; see db.h. The only file of
 * panicctl that includes <sqlite3.h>. Queries are written so that a big
 * database is read once: no per-row subquery scans a table without an
 * index (docs/PANICCTL.md lists the indexes that would help further). */
#include "db.h"

#include <sqlite3.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct db {
	sqlite3 *h;
	int version;			/* the schema's user_version */
};

/* Columns a schema may predate, as NULL or "" there: 19 and 20. */
#define DB_V5_COLS(db) ((db)->version >= 5 ? \
	"i.board_offset_ms, coalesce(i.resolved_by, '')" : "NULL, ''")

static const char *const db_tables[] = {
	"incidents", "events", "responders", "pages", "acks", "log",
	"counter_status", NULL
};

const char *
db_errmsg(const struct db *db)
{
	return sqlite3_errmsg(db->h);
}

/* A scalar integer query with up to two text parameters; -1 on error. */
static int64_t
db_scalar(struct db *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Is this a hub database we can read? 0, or -1 with err set. */
static int
db_check(struct db *db, const char *path, char *err, size_t errlen)
{
	int64_t v = db_scalar(db, "PRAGMA user_version", NULL, NULL);

	if (v < 0) {
		snprintf(err, errlen, "%s: not a hub database (%s)", path,
		    sqlite3_errmsg(db->h));
		return -1;
	}
	db->version = (int)v;
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %lld is newer than "
		    "this panicctl knows (%d): use the panicctl of the same "
		    "release as hubd", path, (long long)v, DB_SCHEMA_VERSION);
		return -1;
	}
	for (int i = 0; db_tables[i]; i++) {
		if (db_scalar(db, "SELECT count(*) FROM sqlite_master WHERE "
		    "type = 'table' AND name = ?", db_tables[i], NULL) != 1) {
			snprintf(err, errlen, "%s: not a hub database (schema "
			    "version %lld, no table \"%s\")", path, (long long)v,
			    db_tables[i]);
			return -1;
		}
	}
	return 0;
}

struct db *
db_open(const char *path, char *err, size_t errlen)
{
	struct db *db;
	struct stat sb;

	if (stat(path, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", path, errno == ENOENT ?
		    "no such file (hubd creates it when it first starts; "
		    "-c HUBCONF or --db FILE name another)" : strerror(errno));
		return NULL;
	}
	if (!(db = calloc(1, sizeof *db))) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	/* one thread: no per-call locking */
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    db->h ? sqlite3_errmsg(db->h) : "cannot open");
		goto err_close;
	}
	/* the hub holds its write lock only for a commit */
	sqlite3_busy_timeout(db->h, 2000);
	if (db_check(db, path, err, errlen) < 0)
		goto err_close;
	return db;

err_close:
	sqlite3_close(db->h);
	free(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db);
}

/* Text column i into buf, cut to fit ("" for NULL). A copy, not
 * snprintf: reports copy millions of these. */
static void
db_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	size_t n = v ? strnlen((const char *)v, size - 1) : 0;

	memcpy(buf, v ? (const char *)v : "", n);
	buf[n] = '\0';
}

/* A time, 0 for NULL (which sqlite3_column_int64 reads as 0). */
static int64_t
db_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

/* Step st to the end, calling row(st, cb) for each row; finalises st.
 * Returns what db_incidents and the others promise. cb is the caller's
 * typed callback and its argument. */
static int
db_each(sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *cb), void *cb)
{
	int rc, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = row(st, cb)) != 0)
			break;
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

#define DB_INC_COLS \
	"i.id, i.counter, i.event, i.kind, i.state, i.step, i.round," \
	" i.min_responders, i.flags, i.category, i.note, i.pressed_at," \
	" i.received_at, i.first_page_at, i.acked_at, i.on_scene_at," \
	" i.resolved_at, i.closed_at"
/* The same for statistics (db_filter.brief): a year of a big log is a
 * million rows, and each column read costs. */
#define DB_INC_COLS_BRIEF \
	"i.id, i.counter, NULL, i.kind, NULL, i.step, i.round," \
	" i.min_responders, i.flags, i.category, NULL, i.pressed_at," \
	" i.received_at, NULL, i.acked_at, i.on_scene_at," \
	" NULL, i.closed_at"

static void
db_incident_row(sqlite3_stmt *st, struct db_incident *inc)
{
	inc->id = sqlite3_column_int64(st, 0);
	db_text(st, 1, inc->counter, sizeof inc->counter);
	db_text(st, 2, inc->event, sizeof inc->event);
	db_text(st, 3, inc->kind, sizeof inc->kind);
	db_text(st, 4, inc->state, sizeof inc->state);
	inc->step = sqlite3_column_int(st, 5);
	inc->round = sqlite3_column_int(st, 6);
	inc->needed = sqlite3_column_int(st, 7);
	inc->flags = (unsigned)sqlite3_column_int(st, 8);
	db_text(st, 9, inc->category, sizeof inc->category);
	db_text(st, 10, inc->note, sizeof inc->note);
	inc->pressed = db_time(st, 11);
	inc->received = db_time(st, 12);
	inc->first_page = db_time(st, 13);
	inc->acked = db_time(st, 14);
	inc->on_scene = db_time(st, 15);
	inc->resolved = db_time(st, 16);
	inc->closed = db_time(st, 17);
	/* column 18 is the escalation flag, 19 the board's clock offset,
	 * 20 who resolved it */
	inc->board_offset_known = sqlite3_column_type(st, 19) != SQLITE_NULL;
	inc->board_offset = sqlite3_column_int64(st, 19);
	db_text(st, 20, inc->resolved_by, sizeof inc->resolved_by);
}

int64_t
db_timed_from(const struct db_incident *inc)
{
	return db_press_trusted(inc) ? inc->pressed : inc->received;
}

int
db_press_trusted(const struct db_incident *inc)
{
	return inc->board_offset_known && inc->pressed &&
	    inc->board_offset >= -DB_CLOCK_TRUST_MS &&
	    inc->board_offset <= DB_CLOCK_TRUST_MS &&
	    inc->pressed <= inc->received + DB_CLOCK_TRUST_MS;
}

/* What db_incidents adds to the period's incident rows, read apart in one
 * range scan each over the incident ids of the period (the hub numbers
 * incidents as it receives them): the ids escalated to step 2 or later,
 * and each incident's first acknowledger. Both sorted by id. */
struct db_extra {
	int64_t *esc;
	size_t nesc, capesc;
	struct db_first {
		int64_t id, at, ack;	/* the first ack: earliest, then
					   lowest ack id (as db_incident_get) */
		char person[PROTO_ID_MAX];
		int64_t nth[DB_ACKS_KEPT];	/* the first few acks' times, for
					   the full response */
		unsigned n;
	} *first;
	size_t nfirst, capfirst;
};

struct db_incident_cb {
	int (*fn)(void *arg, const struct db_incident *row);
	void *arg;
	const struct db_extra *x;
};

static int
db_cmp_id(const void *key, const void *elem)
{
	int64_t a = *(const int64_t *)key, b = *(const int64_t *)elem;

	return (a > b) - (a < b);
}

static int
db_incident_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_incident_cb *cb = cbp;
	struct db_incident inc;
	const struct db_first *fa;

	db_incident_row(st, &inc);
	/* bsearch must not be given a NULL array, even an empty one */
	inc.escalated = sqlite3_column_int(st, 18) != 0 || (cb->x->nesc &&
	    bsearch(&inc.id, cb->x->esc, cb->x->nesc, sizeof *cb->x->esc,
	    db_cmp_id) != NULL);
	/* the struct starts with its id */
	fa = cb->x->nfirst ? bsearch(&inc.id, cb->x->first, cb->x->nfirst,
	    sizeof *cb->x->first, db_cmp_id) : NULL;
	memcpy(inc.first_ack, fa ? fa->person : "", fa ? sizeof fa->person : 1);
	/* the needed-th acknowledgement: the full response */
	inc.full_at = fa && inc.needed >= 1 && (unsigned)inc.needed <= fa->n ?
	    fa->nth[inc.needed - 1] : 0;
	return cb->fn(cb->arg, &inc);
}

/* Grow an array of n elements of size to hold one more; 0 or -1. */
static int
db_grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	if (!(nv = realloc(*v, (*cap ? 2 * *cap : 1024) * size)))
		return -1;
	*v = nv;
	*cap = *cap ? 2 * *cap : 1024;
	return 0;
}

static int
db_extra_esc(sqlite3_stmt *st, void *xp)
{
	struct db_extra *x = xp;

	if (db_grow((void **)&x->esc, x->nesc, &x->capesc, sizeof *x->esc) < 0)
		return -1;
	x->esc[x->nesc++] = sqlite3_column_int64(st, 0);
	return 0;
}

static int
db_extra_first(sqlite3_stmt *st, void *xp)
{
	struct db_extra *x = xp;
	int64_t id = sqlite3_column_int64(st, 0), at = sqlite3_column_int64(st, 1);
	int64_t ack = sqlite3_column_int64(st, 2);
	struct db_first *f = x->nfirst ? &x->first[x->nfirst - 1] : NULL;

	/* rows come by incident, then time: the first of an incident is
	 * its earliest; of two at the same time, the lower ack id wins */
	if (f && f->id == id) {
		if (f->n < DB_ACKS_KEPT)
			f->nth[f->n++] = at;
		if (f->at < at || f->ack < ack)
			return 0;
	}
	if (!f || f->id != id) {
		if (db_grow((void **)&x->first, x->nfirst, &x->capfirst,
		    sizeof *x->first) < 0)
			return -1;
		f = &x->first[x->nfirst++];
		f->n = 0;
		f->nth[f->n++] = at;
	}
	f->id = id;
	f->at = at;
	f->ack = ack;
	db_text(st, 3, f->person, sizeof f->person);
	return 0;
}

/* Prepare sql and bind four integers; NULL on error. */
static sqlite3_stmt *
db_prepare_4(struct db *db, const char *sql, int64_t a, int64_t b,
    int64_t c, int64_t d)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	sqlite3_bind_int64(st, 3, c);
	sqlite3_bind_int64(st, 4, d);
	return st;
}

/* Fill x for the incidents received in [from, to). 0 or -1. */
static int
db_extra_read(struct db *db, int64_t from, int64_t to, struct db_extra *x)
{
	sqlite3_stmt *st;
	int64_t lo = 0, hi = -1;

	if (!(st = db_prepare_4(db, "SELECT min(id), max(id) FROM incidents"
	    " WHERE received_at >= ?1 AND received_at < ?2", from, to, 0, 0)))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		lo = sqlite3_column_int64(st, 0);
		hi = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (hi < lo)
		return 0;
	/* the version-3 indexes pages_escalated and acks_first answer these
	 * from the index alone; older databases read the rows */
	if (!(st = db_prepare_4(db, "SELECT DISTINCT incident FROM pages"
	    " WHERE type = 'page' AND step >= 2 AND incident BETWEEN ?1 AND ?2"
	    " ORDER BY incident", lo, hi, 0, 0)) ||
	    db_each(st, db_extra_esc, x) != 0)
		return -1;
	/* acks before the period's start cannot be for its incidents; one
	 * row per person (their first ack), so that the full response
	 * counts people, not a person acknowledging twice */
	if (!(st = db_prepare_4(db, "SELECT incident, min(at), min(id), person"
	    " FROM acks WHERE incident BETWEEN ?1 AND ?2 AND at >= ?3"
	    " GROUP BY incident, person ORDER BY incident, 2, 3", lo, hi, from,
	    0)))
		return -1;
	return db_each(st, db_extra_first, x) != 0 ? -1 : 0;
}

/* The conditions of db_incidents: SQL text and the text parameters it
 * numbers from ?3 (?1 and ?2 are the period's bounds). */
struct db_where {
	char sql[1024];
	const char *text[8];
	int n;
};

static void
db_cond(struct db_where *w, const char *cond, const char *text)
{
	size_t len = strlen(w->sql);

	/* cond names its parameter "?#", as often as it likes */
	len += (size_t)snprintf(w->sql + len, sizeof w->sql - len, " AND ");
	for (; *cond && len + 4 < sizeof w->sql; cond++) {
		if (cond[0] == '?' && cond[1] == '#') {
			len += (size_t)snprintf(w->sql + len, sizeof w->sql - len,
			    "?%d", w->n + 3);
			cond++;
		} else {
			w->sql[len++] = *cond;
		}
	}
	w->sql[len] = '\0';
	if (text)
		w->text[w->n++] = text;
}

int
db_incidents(struct db *db, const struct db_filter *f,
    int (*fn)(void *arg, const struct db_incident *inc), void *arg)
{
	struct db_where w = { .n = 0 };
	struct db_extra x = { NULL, 0, 0, NULL, 0, 0 };
	int64_t to = f->to_ms ? f->to_ms : INT64_MAX;
	sqlite3_stmt *st;
	char sql[4096];
	int rc = -1;

	w.sql[0] = '\0';
	if (f->counter)
		db_cond(&w, "i.counter = ?#", f->counter);
	if (f->person)
		db_cond(&w, "(EXISTS (SELECT 1 FROM pages p WHERE p.incident ="
		    " i.id AND p.person = ?#) OR i.id IN (SELECT incident FROM"
		    " acks WHERE person = ?#))", f->person);
	if (f->kind)
		db_cond(&w, "i.kind = ?#", f->kind);
	if (f->category && strcmp(f->category, "none") == 0)
		db_cond(&w, "i.category IS NULL", NULL);
	else if (f->category)
		db_cond(&w, "i.category = ?#", f->category);
	if (f->open_only)
		db_cond(&w, "i.closed_at IS NULL", NULL);
	if (!f->drills)
		db_cond(&w, "i.kind != 'test' AND coalesce(i.category, '') !="
		    " 'drill'", NULL);
	/* One range scan of the incidents; escalations and first
	 * acknowledgers come from one range scan each (db_extra_read) and
	 * are joined here by id: no lookup per incident in SQL. */
	snprintf(sql, sizeof sql, "SELECT %s, (i.round > 0 OR i.step >= 2), %s"
	    " FROM incidents i WHERE i.received_at >= ?1 AND i.received_at < ?2"
	    "%s ORDER BY i.received_at, i.id", f->brief ? DB_INC_COLS_BRIEF :
	    DB_INC_COLS, DB_V5_COLS(db), w.sql);
	if (db_extra_read(db, f->from_ms, to, &x) < 0 ||
	    sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, f->from_ms);
	sqlite3_bind_int64(st, 2, to);
	for (int i = 0; i < w.n; i++)
		sqlite3_bind_text(st, i + 3, w.text[i], -1, SQLITE_TRANSIENT);
	rc = db_each(st, db_incident_call, &(struct db_incident_cb){ fn,
	    arg, &x });
out:
	free(x.esc);
	free(x.first);
	return rc;
}

struct db_pp_cb {
	int (*fn)(void *arg, const struct db_person_pages *row);
	void *arg;
};

static int
db_person_pages_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_pp_cb *cb = cbp;
	struct db_person_pages row;

	db_text(st, 0, row.person, sizeof row.person);
	row.paged = sqlite3_column_int64(st, 1);
	row.declined = sqlite3_column_int64(st, 2);
	row.missed = sqlite3_column_int64(st, 3);
	return cb->fn(cb->arg, &row);
}

int
db_person_pages(struct db *db, const struct db_filter *f,
    int (*fn)(void *arg, const struct db_person_pages *row), void *arg)
{
	struct db_where w;
	sqlite3_stmt *st;
	int64_t to = f->to_ms ? f->to_ms : INT64_MAX;
	char sql[4096];

	w.sql[0] = '\0';
	w.n = 0;
	if (f->counter)
		db_cond(&w, "i.counter = ?#", f->counter);
	if (f->kind)
		db_cond(&w, "i.kind = ?#", f->kind);
	if (!f->drills)
		db_cond(&w, "i.kind != 'test' AND coalesce(i.category, '') !="
		    " 'drill'", NULL);
	/* a page's outcome says acked, declined, cancelled (stood down),
	 * repeated (a new round for want of an answer) or still sent */
	snprintf(sql, sizeof sql, "SELECT p.person, count(DISTINCT p.incident),"
	    " count(DISTINCT CASE WHEN p.outcome = 'declined' THEN p.incident"
	    " END),"
	    " count(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM acks a WHERE"
	    " a.incident = p.incident AND a.person = p.person) AND NOT EXISTS"
	    " (SELECT 1 FROM pages d WHERE d.incident = p.incident AND"
	    " d.person = p.person AND d.outcome = 'declined') AND"
	    " (p.outcome = 'repeated' OR EXISTS (SELECT 1 FROM pages q WHERE"
	    " q.incident = p.incident AND q.type = 'page' AND q.step > p.step))"
	    " THEN p.incident END)"
	    " FROM pages p JOIN incidents i ON i.id = p.incident"
	    " WHERE p.type = 'page' AND i.received_at >= ?1 AND"
	    " i.received_at < ?2%s GROUP BY p.person ORDER BY p.person", w.sql);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, f->from_ms);
	sqlite3_bind_int64(st, 2, to);
	for (int i = 0; i < w.n; i++)
		sqlite3_bind_text(st, i + 3, w.text[i], -1, SQLITE_TRANSIENT);
	return db_each(st, db_person_pages_call, &(struct db_pp_cb){ fn, arg });
}

int
db_incident_acks(struct db *db, int64_t incident, int needed, char *buf,
    size_t size, int64_t *full_at)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	buf[0] = '\0';
	*full_at = 0;
	/* each person once, at their first acknowledgement */
	if (sqlite3_prepare_v2(db->h, "SELECT person, min(at) FROM acks WHERE"
	    " incident = ? GROUP BY person ORDER BY 2, min(id)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, incident);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		size_t len = strlen(buf);

		if (++n == needed)
			*full_at = sqlite3_column_int64(st, 1);
		snprintf(buf + len, size - len, "%s%s", len ? " " : "",
		    p ? p : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_incident_get(struct db *db, int64_t id, struct db_incident *out)
{
	sqlite3_stmt *st;
	int rc;

	char sql[1024];

	snprintf(sql, sizeof sql, "SELECT " DB_INC_COLS ","
	    " (i.round > 0 OR i.step >= 2 OR EXISTS (SELECT 1 FROM pages p"
	    " WHERE p.incident = i.id AND p.type = 'page' AND p.step >= 2)),"
	    " %s, (SELECT person FROM acks a WHERE a.incident = i.id"
	    " ORDER BY a.at, a.id LIMIT 1)"
	    " FROM incidents i WHERE i.id = ?", DB_V5_COLS(db));
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_incident_row(st, out);
		out->escalated = sqlite3_column_int(st, 18) != 0;
		db_text(st, 21, out->first_ack, sizeof out->first_ack);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Prepare sql and bind the incident id; NULL on error. */
static sqlite3_stmt *
db_prepare_id(struct db *db, const char *sql, int64_t id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	return st;
}

struct db_event_cb {
	int (*fn)(void *arg, const struct db_event *row);
	void *arg;
};

static int
db_event_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_event_cb *cb = cbp;
	struct db_event ev;

	db_text(st, 0, ev.id, sizeof ev.id);
	db_text(st, 1, ev.kind, sizeof ev.kind);
	db_text(st, 2, ev.gesture, sizeof ev.gesture);
	db_text(st, 3, ev.button, sizeof ev.button);
	ev.pressed = db_time(st, 4);
	ev.held_ms = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 5);
	ev.received = db_time(st, 6);
	ev.attempt = sqlite3_column_int(st, 7);
	db_text(st, 8, ev.upgrades, sizeof ev.upgrades);
	return cb->fn(cb->arg, &ev);
}

int
db_events(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_event *ev), void *arg)
{
	sqlite3_stmt *st = db_prepare_id(db, "SELECT id, kind, gesture,"
	    " button, pressed_at, held_ms, received_at, attempt, upgrades"
	    " FROM events WHERE incident = ? ORDER BY received_at, rowid",
	    incident);

	return st ? db_each(st, db_event_call,
	    &(struct db_event_cb){ fn, arg }) : -1;
}

struct db_page_cb {
	int (*fn)(void *arg, const struct db_page *row);
	void *arg;
};

static int
db_page_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_page_cb *cb = cbp;
	struct db_page pg;

	db_text(st, 0, pg.person, sizeof pg.person);
	pg.step = sqlite3_column_int(st, 1);
	db_text(st, 2, pg.channel, sizeof pg.channel);
	db_text(st, 3, pg.type, sizeof pg.type);
	pg.sent = db_time(st, 4);
	db_text(st, 5, pg.outcome, sizeof pg.outcome);
	db_text(st, 6, pg.reason, sizeof pg.reason);
	return cb->fn(cb->arg, &pg);
}

int
db_pages(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_page *pg), void *arg)
{
	sqlite3_stmt *st = db_prepare_id(db, "SELECT person, step, channel,"
	    " type, sent_at, outcome, reason FROM pages WHERE incident = ?"
	    " ORDER BY sent_at, id", incident);

	return st ? db_each(st, db_page_call,
	    &(struct db_page_cb){ fn, arg }) : -1;
}

struct db_ack_cb {
	int (*fn)(void *arg, const struct db_ack *row);
	void *arg;
};

static int
db_ack_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_ack_cb *cb = cbp;
	struct db_ack a;

	db_text(st, 0, a.person, sizeof a.person);
	a.step = sqlite3_column_int(st, 1);
	a.at = db_time(st, 2);
	return cb->fn(cb->arg, &a);
}

int
db_acks(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_ack *ack), void *arg)
{
	sqlite3_stmt *st = db_prepare_id(db, "SELECT person, step, at FROM"
	    " acks WHERE incident = ? ORDER BY at, id", incident);

	return st ? db_each(st, db_ack_call,
	    &(struct db_ack_cb){ fn, arg }) : -1;
}

struct db_responder_cb {
	int (*fn)(void *arg, const struct db_responder *row);
	void *arg;
};

static int
db_responder_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_responder_cb *cb = cbp;
	struct db_responder r;

	db_text(st, 0, r.person, sizeof r.person);
	r.flags = (unsigned)sqlite3_column_int(st, 1);
	r.step = sqlite3_column_int(st, 2);
	r.paged = db_time(st, 3);
	r.acked = db_time(st, 4);
	return cb->fn(cb->arg, &r);
}

int
db_responders(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_responder *r), void *arg)
{
	sqlite3_stmt *st = db_prepare_id(db, "SELECT person, flags, step,"
	    " paged_at, acked_at FROM responders WHERE incident = ?"
	    " ORDER BY rowid", incident);

	return st ? db_each(st, db_responder_call,
	    &(struct db_responder_cb){ fn, arg }) : -1;
}

struct db_log_cb {
	int (*fn)(void *arg, const struct db_log *row);
	void *arg;
};

static int
db_log_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_log_cb *cb = cbp;
	struct db_log l;

	l.at = db_time(st, 0);
	db_text(st, 1, l.kind, sizeof l.kind);
	db_text(st, 2, l.topic, sizeof l.topic);
	l.body = (const char *)sqlite3_column_text(st, 3);
	l.len = sqlite3_column_bytes(st, 3);
	if (!l.body)
		l.body = "";
	return cb->fn(cb->arg, &l);
}

int
db_log_notes(struct db *db, int64_t incident,
    int (*fn)(void *arg, const struct db_log *l), void *arg)
{
	sqlite3_stmt *st = db_prepare_id(db, "SELECT at, kind, topic, body"
	    " FROM log WHERE incident = ? AND kind IN ('state', 'note')"
	    " ORDER BY id", incident);

	return st ? db_each(st, db_log_call,
	    &(struct db_log_cb){ fn, arg }) : -1;
}

int
db_log_replies(struct db *db, int64_t from_ms, int64_t to_ms,
    int (*fn)(void *arg, const struct db_log *l), void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, "SELECT at, kind, topic, body FROM log"
	    " WHERE kind = 'in' AND at >= ? AND at <= ?"
	    " AND topic LIKE '%/reply' ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	return db_each(st, db_log_call, &(struct db_log_cb){ fn, arg });
}

struct db_cstate_cb {
	int (*fn)(void *arg, const struct db_cstate *row);
	void *arg;
};

static int
db_cstate_call(sqlite3_stmt *st, void *cbp)
{
	const struct db_cstate_cb *cb = cbp;
	struct db_cstate cs;

	db_text(st, 0, cs.counter, sizeof cs.counter);
	db_text(st, 1, cs.state, sizeof cs.state);
	cs.at = db_time(st, 2);
	db_text(st, 3, cs.detail, sizeof cs.detail);
	return cb->fn(cb->arg, &cs);
}

int
db_counter_states(struct db *db,
    int (*fn)(void *arg, const struct db_cstate *cs), void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, "SELECT counter, state, at, detail"
	    " FROM counter_status WHERE id IN (SELECT max(id) FROM"
	    " counter_status GROUP BY counter) ORDER BY counter", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	return db_each(st, db_cstate_call, &(struct db_cstate_cb){ fn, arg });
}

int
db_incident_ids(struct db *db, int64_t *stored, int64_t *reserved)
{
	*stored = db_scalar(db, "SELECT coalesce(max(id), 0) FROM incidents",
	    NULL, NULL);
	*reserved = db_scalar(db, "SELECT coalesce((SELECT value FROM meta"
	    " WHERE key = ?1), 0)", "incident_ids_reserved", NULL);	/* hub.h */
	return *stored < 0 || *reserved < 0 ? -1 : 0;
}

int
db_counter_seen(struct db *db, const char *counter)
{
	int64_t v = db_scalar(db, "SELECT EXISTS (SELECT 1 FROM incidents"
	    " WHERE counter = ?1) OR EXISTS (SELECT 1 FROM counter_status"
	    " WHERE counter = ?1)", counter, NULL);

	return v < 0 ? -1 : v != 0;
}

int
db_person_seen(struct db *db, const char *person)
{
	int64_t v = db_scalar(db, "SELECT EXISTS (SELECT 1 FROM pages"
	    " WHERE person = ?1) OR EXISTS (SELECT 1 FROM acks"
	    " WHERE person = ?1)", person, NULL);

	return v < 0 ? -1 : v != 0;
}

int
db_security(struct db *db, int64_t since_ms, struct db_security *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(db->h, "SELECT count(*), sum(at >= ?1),"
	    " (SELECT at FROM log WHERE kind = 'security' ORDER BY id DESC"
	    " LIMIT 1), (SELECT topic FROM log WHERE kind = 'security'"
	    " ORDER BY id DESC LIMIT 1), (SELECT CAST(body AS TEXT) FROM log"
	    " WHERE kind = 'security' ORDER BY id DESC LIMIT 1)"
	    " FROM log WHERE kind = 'security'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, since_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 3);
		const unsigned char *r = sqlite3_column_text(st, 4);

		out->total = sqlite3_column_int64(st, 0);
		out->recent = sqlite3_column_int64(st, 1);
		out->latest_at = sqlite3_column_int64(st, 2);
		snprintf(out->latest_topic, sizeof out->latest_topic, "%s",
		    t ? (const char *)t : "");
		snprintf(out->latest_reason, sizeof out->latest_reason, "%s",
		    r ? (const char *)r : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
