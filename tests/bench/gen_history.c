/* gen_history.c: a synthetic hub database for the review-at-scale bench —
 * N incidents (default 10 million) over Y years (default 10) ending at
 * 2026-01-01T00:00Z, with the shape of a busy branch: 120 counters in 12
 * zones, weekday business hours, help calls, emergencies and drills,
 * escalations to the backup and the manager, pages, cancels, acks, on-scene
 * times and categories. The schema is hub/store.c's own (store_open runs
 * its migrations); the rows are then written with prepared statements, one
 * transaction per chunk, journal and fsync off — for generation only. The
 * log table is left empty: reports never read it. Deterministic by seed.
 * Writes PATH.tmp and renames it, so a half-written file is never taken
 * for a finished one; -C writes the hub config the rows refer to. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define GEN_END_MS	1767225600000LL	/* 2026-01-01T00:00:00Z */
#define GEN_DAY_MS	86400000LL
#define GEN_ZONES	12
#define GEN_PER_ZONE	10		/* counters per zone */
#define GEN_COUNTERS	(GEN_ZONES * GEN_PER_ZONE)
#define GEN_MANAGERS	4
#define GEN_CHUNK_DAYS	30		/* one transaction each */
#define GEN_STEP_MS	60000		/* the config's step waits */
#define GEN_STEP3_MS	180000

enum { Q_INC, Q_EVENT, Q_RESP, Q_PAGE, Q_ACK, Q_COUNT };

static const char *const gen_sql[Q_COUNT] = {
	[Q_INC] = "INSERT INTO incidents (id, counter, event, kind, state, step,"
	    " round, min_responders, flags, category, note, pressed_at,"
	    " received_at, first_page_at, acked_at, on_scene_at, resolved_at,"
	    " closed_at, response_ms, timer, due_at) VALUES (?,?,?,?,'closed',"
	    "?,0,?,?,?,?,?,?,?,?,?,?,?,?,'none',NULL)",
	[Q_EVENT] = "INSERT INTO events (id, incident, counter, boot, seq, kind,"
	    " gesture, button, pressed_at, held_ms, received_at, attempt,"
	    " upgrades) VALUES (?,?,?,?,?,?,?,'main',?,?,?,1,?)",
	[Q_RESP] = "INSERT OR REPLACE INTO responders (incident, person, flags, step,"
	    " paged_at, acked_at) VALUES (?,?,?,?,?,?)",
	[Q_PAGE] = "INSERT INTO pages (incident, person, step, type, sent_at,"
	    " outcome, reason) VALUES (?,?,?,?,?,?,?)",
	[Q_ACK] = "INSERT INTO acks (incident, person, step, at)"
	    " VALUES (?,?,?,?)",
};

/* Weekday business hours (UTC, the config's time zone), relative. */
static const double gen_hour_w[24] = {
	0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 3.0, 6.0, 8.0, 9.0,
	7.0, 7.0, 9.0, 9.0, 8.0, 6.0, 3.0, 1.5, 1.0, 0.6, 0.4, 0.3,
};
/* Sunday first, as struct tm's tm_wday. */
static const double gen_day_w[7] = { 0.15, 1.1, 1.0, 1.0, 1.0, 1.2, 0.55 };

struct gen {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	uint64_t rng;
	int64_t next_id, rows;
	uint32_t seq[GEN_COUNTERS];	/* per counter, within the boot */
	int boot_year[GEN_COUNTERS];
};

/* splitmix64: small, fast and the same everywhere */
static uint64_t
gen_u64(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
gen_unit(struct gen *g)
{
	return (double)(gen_u64(g) >> 11) / 9007199254740992.0;
}

/* Log-normal-ish: median m, spread by e^(±s) most of the time (a sum of
 * uniforms stands in for the normal: no libm needed). */
static int64_t
gen_spread(struct gen *g, double m, double s)
{
	double z = gen_unit(g) + gen_unit(g) + gen_unit(g) - 1.5, f = 1;

	/* e^(2sz) by its power series is plenty for |2sz| < 3 */
	for (int i = 12; i > 0; i--)
		f = 1 + f * (2 * s * z) / i;
	return (int64_t)(m * (f > 0.01 ? f : 0.01));
}

static int
gen_fail(struct gen *g, const char *what)
{
	fprintf(stderr, "gen_history: %s: %s\n", what, sqlite3_errmsg(g->db));
	return -1;
}

static int
gen_exec(struct gen *g, const char *sql)
{
	return sqlite3_exec(g->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	    gen_fail(g, sql);
}

/* Bind a list: 'i' int64 (0 binds NULL when the letter is 'n'), 's' text
 * (NULL or "" binds NULL); then step and reset. */
static int
gen_row(struct gen *g, int q, const char *types, ...)
{
	sqlite3_stmt *st = g->q[q];
	va_list ap;
	int i = 1, rc;

	va_start(ap, types);
	for (const char *t = types; *t; t++, i++) {
		if (*t == 's') {
			const char *v = va_arg(ap, const char *);

			if (v && *v)
				sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, i);
		} else {
			int64_t v = va_arg(ap, int64_t);

			if (*t == 'n' && v == 0)
				sqlite3_bind_null(st, i);
			else
				sqlite3_bind_int64(st, i, v);
		}
	}
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	g->rows++;
	return rc == SQLITE_DONE ? 0 : gen_fail(g, gen_sql[q]);
}

/* Who covers zone z at t: supervisor and backup, or -1/-1 off hours (the
 * fallback, a manager, is paged then). Matches gen_config's shifts. */
static void
gen_cover(int64_t t, int z, char *sup, char *bak, size_t size)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	if (tm.tm_wday >= 1 && tm.tm_wday <= 5 && tm.tm_hour >= 8 &&
	    tm.tm_hour < 18) {
		snprintf(sup, size, "s%02da", z);
		snprintf(bak, size, "s%02db", z);
	} else if (tm.tm_wday == 6 && tm.tm_hour >= 9 && tm.tm_hour < 14) {
		snprintf(sup, size, "s%02db", z);
		bak[0] = '\0';
	} else {
		snprintf(sup, size, "m%d", (int)(t / GEN_DAY_MS % GEN_MANAGERS));
		bak[0] = '\0';
	}
}

struct gen_inc {
	int64_t id, received, pressed, acked, scene, resolved;
	int counter, kind, needed, step, flags;
	const char *category, *note;
	char event[64];
	char paged[3][16];		/* who each step paged */
	const char *ackers[2];		/* into paged */
	int nack;
};

static const char *const gen_kinds[] = { "help", "emergency", "test" };

/* The events of an incident: the press, an emergency's long-press
 * upgrade, a false alarm's cancel. */
static int
gen_events(struct gen *g, struct gen_inc *in, int year)
{
	int k = in->counter;
	char counter[16], boot[16], id[64], up[64];

	if (g->boot_year[k] != year) {	/* boards restart: a new outbox */
		g->boot_year[k] = year;
		g->seq[k] = 0;
	}
	snprintf(counter, sizeof counter, "c%03d", k);
	snprintf(boot, sizeof boot, "b%d", year);
	snprintf(in->event, sizeof in->event, "%s:%s:%u", counter, boot,
	    ++g->seq[k]);
	if (gen_row(g, Q_EVENT, "sississinis", in->event, in->id, counter,
	    boot, (int64_t)g->seq[k], gen_kinds[in->kind], "press", in->pressed,
	    (int64_t)0, in->received, (const char *)NULL) < 0)
		return -1;
	if (in->kind == 1) {
		snprintf(up, sizeof up, "%s", in->event);
		snprintf(id, sizeof id, "%s:%s:%u", counter, boot, ++g->seq[k]);
		return gen_row(g, Q_EVENT, "sississinis", id, in->id, counter,
		    boot, (int64_t)g->seq[k], "emergency", "long", in->pressed,
		    (int64_t)2100, in->received + 2100, up);
	}
	if (in->category && strcmp(in->category, "false_alarm") == 0) {
		snprintf(id, sizeof id, "%s:%s:%u", counter, boot, ++g->seq[k]);
		return gen_row(g, Q_EVENT, "sississinis", id, in->id, counter,
		    boot, (int64_t)g->seq[k], "cancel", "short",
		    in->resolved - 300, (int64_t)250, in->resolved, (const char *)NULL);
	}
	return 0;
}

/* Pages, cancels, acks and the responders' rows. */
static int
gen_people(struct gen *g, struct gen_inc *in)
{
	for (int s = 0; s < in->step; s++) {
		int64_t at = in->received + (s == 0 ? 40 : s == 1 ? GEN_STEP_MS :
		    GEN_STEP3_MS);
		const char *p = in->paged[s];
		int acked = 0, flags;

		for (int a = 0; a < in->nack; a++)
			acked |= strcmp(in->ackers[a], p) == 0;
		if (gen_row(g, Q_PAGE, "isisiss", in->id, p, (int64_t)(s + 1),
		    "page", at, acked ? "acked" : "cancelled", "step") < 0)
			return -1;
		if (!acked && gen_row(g, Q_PAGE, "isisiss", in->id, p,
		    (int64_t)(s + 1), "cancel", in->acked ? in->acked :
		    in->resolved, "info", in->acked ? "covered" : "resolved") < 0)
			return -1;
		flags = acked ? 2 | (in->scene ? 16 : 0) : 8;
		if (acked && gen_row(g, Q_ACK, "isii", in->id, p,
		    (int64_t)(s + 1), in->acked) < 0)
			return -1;
		if (gen_row(g, Q_RESP, "isiiin", in->id, p, (int64_t)flags,
		    (int64_t)(s + 1), at, acked ? in->acked : (int64_t)0) < 0)
			return -1;
	}
	return 0;
}

/* One incident received at t: what happened, then its rows. */
static int
gen_incident(struct gen *g, int64_t t, int year)
{
	static const char *const cats[] = { "harassment", "complaint",
	    "complaint", "enquiry", "enquiry", "other", NULL };
	struct gen_inc in = { .id = g->next_id++, .received = t };
	double u = gen_unit(g);
	char sup[16], bak[16], counter[16];
	int64_t ack_ms;
	int m;

	/* a few busy counters, most of them ordinary */
	in.counter = (int)(gen_u64(g) % GEN_COUNTERS);
	if (gen_unit(g) < 0.25)
		in.counter = (int)(gen_u64(g) % 12) * GEN_PER_ZONE;
	in.kind = u < 0.07 ? 2 : u < 0.10 ? 1 : 0;
	in.needed = in.kind == 1 ? 2 : 1;
	in.pressed = t - 50 - (int64_t)(gen_u64(g) % 400);
	gen_cover(t, in.counter / GEN_PER_ZONE, sup, bak, sizeof sup);
	if (sup[0] == 'm')
		in.flags |= 8;
	/* step 2 is the backup, or off hours another manager; step 3 a
	 * manager not paged before */
	m = (int)(gen_u64(g) % GEN_MANAGERS);
	snprintf(in.paged[0], sizeof in.paged[0], "%s", sup);
	snprintf(in.paged[1], sizeof in.paged[1], "%s", bak);
	if (!bak[0])
		snprintf(in.paged[1], sizeof in.paged[1], "m%d",
		    (sup[1] - '0' + 1) % GEN_MANAGERS);
	while (!in.paged[2][0] || strcmp(in.paged[1], in.paged[2]) == 0 ||
	    strcmp(in.paged[0], in.paged[2]) == 0)
		snprintf(in.paged[2], sizeof in.paged[2], "m%d",
		    m++ % GEN_MANAGERS);
	in.category = in.kind == 2 ? "drill" : cats[gen_u64(g) % 7];
	in.note = gen_unit(g) < 0.2 ? "talked it through at the desk" : NULL;
	ack_ms = gen_spread(g, 22000, 0.9);
	u = gen_unit(g);
	if (in.kind == 0 && u < 0.02) {		/* cancelled at the desk */
		in.category = "false_alarm";
		in.step = 1;
		in.resolved = t + 3000 + (int64_t)(gen_u64(g) % 20000);
	} else if (u < 0.05) {			/* nobody answered in time */
		in.step = 3;
		in.flags |= 4;
		in.resolved = t + gen_spread(g, 900000, 0.5);
	} else {
		in.step = ack_ms < GEN_STEP_MS ? 1 : ack_ms < GEN_STEP3_MS ?
		    2 : 3;
		in.acked = t + ack_ms;
		in.ackers[in.nack++] = in.paged[in.step - 1];
		if (in.needed == 2 && in.step < 3)
			in.ackers[in.nack++] = in.paged[in.step];
		if (in.needed == 2 && in.step < 2)
			in.step = 2;
		if (gen_unit(g) < 0.9)
			in.scene = in.acked + gen_spread(g, 80000, 0.6);
		in.resolved = (in.scene ? in.scene : in.acked) +
		    gen_spread(g, 420000, 0.7);
	}
	if (gen_events(g, &in, year) < 0)
		return -1;
	snprintf(counter, sizeof counter, "c%03d", in.counter);
	if (gen_row(g, Q_INC, "isssiiissiiinniin", in.id, counter, in.event,
	    gen_kinds[in.kind], (int64_t)in.step, (int64_t)in.needed,
	    (int64_t)in.flags, in.category, in.note, in.pressed, in.received,
	    t + 40, in.acked, in.scene, in.resolved, in.resolved,
	    in.acked ? in.acked - t : 0) < 0)
		return -1;
	return gen_people(g, &in);
}

static int
gen_cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* One day's incidents, n of them, at times drawn from the hour weights,
 * in the order received. */
static int
gen_day(struct gen *g, int64_t day0, int n, int year, int64_t *t)
{
	double tot = 0;

	for (int h = 0; h < 24; h++)
		tot += gen_hour_w[h];
	for (int i = 0; i < n; i++) {
		double x = gen_unit(g) * tot;
		int h = 0;

		while (h < 23 && x >= gen_hour_w[h])
			x -= gen_hour_w[h++];
		t[i] = day0 + h * 3600000LL + (int64_t)(gen_unit(g) * 3600000);
	}
	qsort(t, (size_t)n, sizeof *t, gen_cmp64);
	for (int i = 0; i < n; i++)
		if (gen_incident(g, t[i], year) < 0)
			return -1;
	return 0;
}

/* Every day from the start, its share of n by weekday and season. */
static int
gen_days(struct gen *g, int64_t n, int years)
{
	int ndays = (int)(years * 36525LL / 100);
	int64_t start = GEN_END_MS - ndays * GEN_DAY_MS, done = 0, *t = NULL;
	double tot = 0, acc = 0;
	size_t cap = 0;
	int rc = 0;

	for (int d = 0; d < ndays; d++)
		tot += gen_day_w[(4 + (start / GEN_DAY_MS) + d) % 7];
	for (int d = 0; d < ndays && rc == 0; d++) {
		int64_t day0 = start + d * GEN_DAY_MS, want;
		time_t s = (time_t)(day0 / 1000);
		struct tm tm;

		gmtime_r(&s, &tm);
		/* 1970-01-01 was a Thursday (4) */
		acc += gen_day_w[tm.tm_wday] / tot * (double)n;
		want = (int64_t)(acc + 0.5) - done;
		if ((size_t)want > cap) {
			cap = (size_t)want * 2;
			if (!(t = realloc(t, cap * sizeof *t)))
				return -1;
		}
		if (d % GEN_CHUNK_DAYS == 0)
			rc = gen_exec(g, "BEGIN");
		if (rc == 0)
			rc = gen_day(g, day0, (int)want, tm.tm_year, t);
		done += want;
		if (rc == 0 && (d % GEN_CHUNK_DAYS == GEN_CHUNK_DAYS - 1 ||
		    d == ndays - 1)) {
			rc = gen_exec(g, "COMMIT");
			fprintf(stderr, "gen_history: %04d-%02d: %lld incidents,"
			    " %lld rows\n", tm.tm_year + 1900, tm.tm_mon + 1,
			    (long long)done, (long long)g->rows);
		}
	}
	free(t);
	return rc;
}

/* The hub config the rows refer to: counters, zones, people, shifts. */
static int
gen_config(const char *path, const char *db)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "site = \"review\";\ntimezone = \"UTC\";\n"
	    "database = \"%s\";\nfallback = [ \"role:manager\" ];\n"
	    "people = (\n", db);
	for (int z = 0; z < GEN_ZONES; z++)
		fprintf(f, "  { id = \"s%02da\"; name = \"Supervisor %d A\";"
		    " roles = [ \"supervisor\" ]; },\n  { id = \"s%02db\";"
		    " name = \"Supervisor %d B\"; roles = [ \"supervisor\" ]; },\n",
		    z, z, z, z);
	for (int m = 0; m < GEN_MANAGERS; m++)
		fprintf(f, "  { id = \"m%d\"; name = \"Manager %d\"; roles ="
		    " [ \"manager\" ]; },\n", m, m);
	fprintf(f, "  { id = \"fac\"; name = \"Facility\"; roles ="
	    " [ \"facility\" ]; } );\nzones = (\n");
	for (int z = 0; z < GEN_ZONES; z++)
		fprintf(f, "  { id = \"z%02d\"; name = \"Zone %d\"; }%s\n", z, z,
		    z + 1 < GEN_ZONES ? "," : " );");
	fprintf(f, "counters = (\n");
	for (int k = 0; k < GEN_COUNTERS; k++)
		fprintf(f, "  { id = \"c%03d\"; label = \"Counter %d\"; zone ="
		    " \"z%02d\"; }%s\n", k, k, k / GEN_PER_ZONE,
		    k + 1 < GEN_COUNTERS ? "," : " );");
	fprintf(f, "shifts = (\n");
	for (int z = 0; z < GEN_ZONES; z++)
		fprintf(f, "  { zone = \"z%02d\"; days = [ \"mon\", \"tue\","
		    " \"wed\", \"thu\", \"fri\" ]; from = \"08:00\"; to ="
		    " \"18:00\"; supervisor = \"s%02da\"; backup = \"s%02db\"; },\n"
		    "  { zone = \"z%02d\"; days = [ \"sat\" ]; from = \"09:00\";"
		    " to = \"14:00\"; supervisor = \"s%02db\"; }%s\n", z, z, z, z,
		    z, z + 1 < GEN_ZONES ? "," : " );");
	fprintf(f, "policies = (\n"
	    "  { kind = \"help\"; min_responders = 1; repeat = 0; steps = (\n"
	    "    { targets = [ \"supervisor\" ]; wait_s = 60; },\n"
	    "    { targets = [ \"backup\" ]; wait_s = 120; },\n"
	    "    { targets = [ \"role:manager\" ]; wait_s = 300; } ); },\n"
	    "  { kind = \"emergency\"; min_responders = 2; repeat = 0; steps = (\n"
	    "    { targets = [ \"supervisor\", \"backup\" ]; wait_s = 60; },\n"
	    "    { targets = [ \"role:manager\" ]; wait_s = 120; } ); } );\n");
	return fclose(f);
}

static int
gen_open(struct gen *g, const char *path)
{
	char err[256];
	struct store *s = store_open(path, err, sizeof err);

	/* the hub's own migrations make the schema, indexes and all */
	if (!s) {
		fprintf(stderr, "gen_history: %s\n", err);
		return -1;
	}
	store_close(s);
	if (sqlite3_open_v2(path, &g->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return gen_fail(g, path);
	/* generation only: a crash leaves a .tmp file nobody uses */
	if (gen_exec(g, "PRAGMA journal_mode = OFF") < 0 ||
	    gen_exec(g, "PRAGMA synchronous = OFF") < 0 ||
	    gen_exec(g, "PRAGMA locking_mode = EXCLUSIVE") < 0 ||
	    gen_exec(g, "PRAGMA cache_size = -1048576") < 0)
		return -1;
	for (int i = 0; i < Q_COUNT; i++)
		if (sqlite3_prepare_v3(g->db, gen_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &g->q[i], NULL) != SQLITE_OK)
			return gen_fail(g, gen_sql[i]);
	return 0;
}

static int
gen_close(struct gen *g)
{
	char sql[128];
	int rc = 0;

	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(g->q[i]);
	snprintf(sql, sizeof sql, "INSERT INTO meta (key, value) VALUES"
	    " ('incident_ids_reserved', %lld)", (long long)(g->next_id - 1));
	/* a hub's database is in WAL mode; panicctl expects nothing else */
	if (gen_exec(g, sql) < 0 || gen_exec(g, "PRAGMA locking_mode ="
	    " NORMAL") < 0 || gen_exec(g, "PRAGMA journal_mode = WAL") < 0)
		rc = -1;
	if (sqlite3_close(g->db) != SQLITE_OK)
		rc = -1;
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen_history -o DB [-C HUBCONF] [-n INCIDENTS]"
	    " [-y YEARS] [-s SEED]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct gen g;
	const char *out = NULL, *conf = NULL;
	long long n = 10000000;
	int years = 10, ch;
	char tmp[4096];
	struct timespec t0, t1;

	g.rng = 1;
	while ((ch = getopt(argc, argv, "o:C:n:y:s:")) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'C': conf = optarg; break;
		case 'n': n = atoll(optarg); break;
		case 'y': years = atoi(optarg); break;
		case 's': g.rng = strtoull(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!out || optind != argc || n < 1 || years < 1 || years > 50)
		usage();
	if (conf && gen_config(conf, out) < 0) {
		fprintf(stderr, "gen_history: %s: %s\n", conf, strerror(errno));
		return 1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	unlink(tmp);
	g.next_id = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (gen_open(&g, tmp) < 0 || gen_days(&g, n, years) < 0 ||
	    gen_close(&g) < 0 || rename(tmp, out) < 0) {
		fprintf(stderr, "gen_history: %s: failed\n", out);
		unlink(tmp);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "gen_history: %s: %lld incidents, %lld rows in %.1f s\n",
	    out, (long long)(g.next_id - 1), (long long)g.rows,
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec -
	    t0.tv_nsec) / 1e9);
	return 0;
}
