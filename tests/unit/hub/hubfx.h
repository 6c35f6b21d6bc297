/* hubfx.h: a whole hub in a unit test — the branch of hubtest.h, a store
 * in a temporary directory, and an MQTT client that never connects, so
 * that everything the hub publishes waits in its outgoing queue where the
 * test reads it. engine.c and supervise.c are tested through it. */
#ifndef HUBFX_H
#define HUBFX_H

#include <sqlite3.h>

#include "hub.h"
#include "hubtest.h"

struct hfx {
	char dir[64];
	char db[128];
	struct hub *h;
};

/* Start (or restart, on the same database) the hub of f. */
static inline struct hub *
hfx_start(struct hfx *f)
{
	char text[8192], err[256] = "";
	struct mqtt_opts o = { .host = "127.0.0.1", .port = 1,
	    .client_id = "hubfx" };
	struct hub *h = calloc(1, sizeof *h);

	assert_non_null(h);
	snprintf(text, sizeof text, HT_BRANCH "database = \"%s\";\n", f->db);
	h->conf = ht_conf(text);
	assert_int_equal(rules_tz_set(h->conf->timezone), 0);
	h->store = store_open(f->db, err, sizeof err);
	if (!h->store)
		fprintf(stderr, "# store: %s\n", err);
	assert_non_null(h->store);
	timers_init(&h->timers);
	assert_int_equal(engine_restore(h), 0);
	assert_int_equal(supervise_sync(h), 0);
	h->mqtt = mqtt_new(&o);
	assert_non_null(h->mqtt);
	f->h = h;
	return h;
}

/* Stop the hub: cleanly (the last commit and engine_stop), or as if
 * killed (nothing more reaches the disk). */
static inline void
hfx_stop(struct hfx *f, int clean)
{
	struct hub *h = f->h;

	if (!h)
		return;
	if (clean) {
		engine_commit(h);
		engine_stop(h);
	}
	mqtt_free(h->mqtt);
	engine_free(h);
	supervise_free(h);
	timers_free(&h->timers);
	outbox_free(h);
	store_close(h->store);
	conf_free(h->conf);
	free(h);
	f->h = NULL;
}

static inline int
hfx_setup(void **state)
{
	struct hfx *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/hubfx-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/hub.db", f->dir);
	*state = f;
	return 0;
}

static inline int
hfx_teardown(void **state)
{
	struct hfx *f = *state;
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[160];

	hfx_stop(f, 0);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->db, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Run sql on the hub's database through a connection of its own. */
static inline void
hfx_sql(struct hfx *f, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fprintf(stderr, "# sql: %s: %s\n", sql, err);
	assert_null(err);
	sqlite3_close(db);
}

/* One integer from a query on the hub's database. */
static inline int64_t
hfx_int(struct hfx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* How many queued messages have a topic ending in suffix and a payload
 * holding every one of the NULL-terminated strings after it ("" matches
 * the empty payload only when alone). */
static inline unsigned
hfx_count(struct hub *h, const char *suffix, ...)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h->outq_len; i++) {
		const struct hub_outmsg *m =
		    &h->outq[(h->outq_head + i) % HUB_OUTQ_MAX];
		size_t tl = strlen(m->topic), sl = strlen(suffix);
		const char *needle;
		int ok = tl >= sl && strcmp(m->topic + tl - sl, suffix) == 0;
		va_list ap;

		m->payload[m->len] = '\0';
		va_start(ap, suffix);
		while (ok && (needle = va_arg(ap, const char *)) != NULL)
			ok = needle[0] ? strstr(m->payload, needle) != NULL :
			    m->len == 0;
		va_end(ap);
		n += ok;
	}
	return n;
}

/* Forget what is queued (as if it had been sent). */
static inline void
hfx_sent(struct hub *h)
{
	outbox_free(h);
	h->outq_head = 0;
}

/* A press at counter with sequence number seq, attempt 1. */
static inline void
hfx_event(struct proto_event *ev, const char *counter, enum proto_kind kind,
    int seq)
{
	memset(ev, 0, sizeof *ev);
	snprintf(ev->counter, sizeof ev->counter, "%s", counter);
	snprintf(ev->boot, sizeof ev->boot, "b0");
	ev->seq = (uint64_t)seq;
	snprintf(ev->id, sizeof ev->id, "%s:b0:%d", counter, seq);
	ev->kind = kind;
	ev->gesture = PROTO_GESTURE_PRESS;
	ev->pressed_ms = 1796000000000;
	ev->held_ms = -1;
	ev->attempt = 1;
}

static inline void
hfx_reply(struct hub *h, const char *person, int64_t incident,
    enum proto_action action, enum proto_category cat)
{
	struct proto_reply rp;

	memset(&rp, 0, sizeof rp);
	snprintf(rp.incident, sizeof rp.incident, "%lld", (long long)incident);
	snprintf(rp.person, sizeof rp.person, "%s", person);
	rp.action = action;
	rp.category = cat;
	engine_reply(h, &rp);
}

#endif
