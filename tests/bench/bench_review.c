/* bench_review.c: `panicctl report` over a big log. gen_history (beside
 * this program) makes a database of N incidents (default 10 million) over
 * ten years ending 2026-01-01, and the hub config it refers to; both are
 * kept in this program's directory (build/bench/history-N.db and .conf)
 * and made again only when missing or older than gen_history, which is
 * relinked whenever the hub's schema (hub/store.c) changes. Then bin/panicctl
 * report --by counter over the last month and the last year of it, R times
 * each (median, min, max), against the targets, and the size of
 * the database. Table to stdout, JSON lines to -j FILE. */
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench.h"
#include "sys.h"

#define REV_GEN_TIMEOUT_MS	(3600 * 1000)
#define REV_RUN_TIMEOUT_MS	(120 * 1000)

struct rev_period {
	const char *id, *label, *from, *to;
	double target_ms;
	int runs;
	int64_t *v;
};

struct rev {
	const char *bindir, *json;
	long long n;
	char dir[PATH_MAX], db[PATH_MAX + 32], conf[PATH_MAX + 32];
	char gen[PATH_MAX + 32];
	double gen_s;			/* this run made the database; else 0 */
	struct bench_world w;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_review [-b BINDIR] [-j JSON] [-n INCIDENTS]"
	    " [-r RUNS]\n");
	exit(2);
}

static time_t
rev_mtime(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_mtime : 0;
}

/* Run exe with args to its log in the world's directory; 0 if it exits 0
 * within timeout_ms. */
static int
rev_run(struct rev *R, const char *log, const char *exe,
    const char *const *args, int timeout_ms)
{
	pid_t pid = bench_spawn(&R->w, log, exe, args);
	int st;

	if (pid < 0)
		return -1;
	st = sys_reap(pid, timeout_ms);
	bench_stop(&R->w, pid, 0);	/* forgets it; kills it if still there */
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The cached database, made again when missing or older than its maker. */
static int
rev_history(struct rev *R)
{
	char n[32];
	const char *args[] = { "-o", R->db, "-C", R->conf, "-n", n, NULL };
	int64_t t0;

	snprintf(n, sizeof n, "%lld", R->n);
	if (rev_mtime(R->db) >= rev_mtime(R->gen) && rev_mtime(R->conf)) {
		bench_note("history: %s (cached)", R->db);
		return 0;
	}
	bench_note("history: making %s, %lld incidents (once; several minutes"
	    " for 10 million)", R->db, R->n);
	t0 = bench_now_ns();
	if (rev_run(R, "gen_history", R->gen, args, REV_GEN_TIMEOUT_MS) < 0) {
		bench_note("gen_history failed");
		return -1;
	}
	R->gen_s = (double)(bench_now_ns() - t0) / 1e9;
	return 0;
}

static int
rev_period_time(struct rev *R, struct rev_period *p)
{
	char exe[PATH_MAX + 32];
	const char *args[] = { "report", "-c", R->conf, "--from", p->from,
	    "--to", p->to, "--by", "counter", NULL };

	snprintf(exe, sizeof exe, "%s/panicctl", R->bindir);
	if (!(p->v = calloc((size_t)p->runs, sizeof *p->v)))
		return -1;
	bench_note("report %s: %d runs", p->id, p->runs);
	/* one run first, unmeasured: the pages of the period into the cache,
	 * as for a manager who asks twice */
	for (int i = -1; i < p->runs; i++) {
		int64_t t0 = bench_now_ns();

		if (rev_run(R, "report", exe, args, REV_RUN_TIMEOUT_MS) < 0) {
			bench_note("panicctl report %s failed", p->id);
			return -1;
		}
		if (i >= 0)
			p->v[i] = bench_now_ns() - t0;
	}
	return 0;
}

static void
rev_print(struct rev *R, struct rev_period *ps, int np)
{
	struct stat sb;
	double mib = stat(R->db, &sb) == 0 ? (double)sb.st_size / 1048576 : -1;

	printf("  %-44s %5s %9s %9s %9s  %s\n", "panicctl report --by counter (ms)",
	    "n", "median", "min", "max", "target");
	for (int i = 0; i < np; i++) {
		struct rev_period *p = &ps[i];
		struct bench_stats st;

		bench_stats(p->v, (size_t)p->runs, &st);
		printf("  %-44s %5d %9.1f %9.1f %9.1f  median < %g ms: %s\n",
		    p->label, p->runs, st.median_ms, st.min_ms, st.max_ms,
		    p->target_ms, st.median_ms < p->target_ms ? "met" : "MISSED");
		bench_json("\"suite\":\"review\",\"id\":\"%s\",\"label\":\"%s\","
		    "\"unit\":\"ms\",\"n\":%d,\"median\":%.3f,\"min\":%.3f,"
		    "\"max\":%.3f,\"target_ms\":%g,\"met\":%s,\"incidents_total\":"
		    "%lld", p->id, p->label, p->runs, st.median_ms, st.min_ms,
		    st.max_ms, p->target_ms, st.median_ms < p->target_ms ? "true" :
		    "false", R->n);
	}
	printf("  database: %lld incidents over 10 years, %.0f MiB (%.0f bytes"
	    " an incident; no log rows)\n", R->n, mib, mib * 1048576 /
	    (double)R->n);
	if (R->gen_s > 0)
		printf("  made by gen_history in this run: %.1f s\n", R->gen_s);
	else
		printf("  made by gen_history in an earlier run (cached)\n");
	bench_json("\"suite\":\"review\",\"id\":\"database\",\"unit\":\"MiB\","
	    "\"size\":%.1f,\"incidents\":%lld,\"generated_s\":%.1f", mib, R->n,
	    R->gen_s);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static struct rev R;
	struct rev_period ps[2] = {
		{ "month", "one month (2025-12)", "2025-12-01", "2025-12-31",
		  100, 7, NULL },
		{ "year", "one year (2025)", "2025-01-01", "2025-12-31",
		  2000, 5, NULL },
	};
	char *slash, path[PATH_MAX];
	int ch, rc = -1, runs = 0;

	R.bindir = "bin";
	R.n = 10000000;
	while ((ch = getopt(argc, argv, "b:j:n:r:")) != -1) {
		switch (ch) {
		case 'b': R.bindir = optarg; break;
		case 'j': R.json = optarg; break;
		case 'n': R.n = atoll(optarg); break;
		case 'r': runs = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || R.n < 1000 || runs < 0)
		usage();
	for (int i = 0; i < 2 && runs; i++)
		ps[i].runs = runs;
	bench_set_suite("review");
	bench_signals();
	/* the cache lives beside this program, with gen_history */
	snprintf(R.dir, sizeof R.dir, "%s", argv[0]);
	if ((slash = strrchr(R.dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(R.dir, sizeof R.dir, ".");
	/* absolute: the children run in the world's directory */
	if (!realpath(R.dir, path)) {
		bench_note("%s: cannot resolve", R.dir);
		return 1;
	}
	snprintf(R.dir, sizeof R.dir, "%s", path);
	snprintf(R.db, sizeof R.db, "%s/history-%lld.db", R.dir, R.n);
	snprintf(R.conf, sizeof R.conf, "%s/history-%lld.conf", R.dir, R.n);
	snprintf(R.gen, sizeof R.gen, "%s/gen_history", R.dir);
	if (bench_json_open(R.json) < 0 ||
	    bench_world_init(&R.w, "panic-bench-review", R.bindir) < 0)
		return 1;
	if (rev_history(&R) == 0 && rev_period_time(&R, &ps[0]) == 0 &&
	    rev_period_time(&R, &ps[1]) == 0) {
		rev_print(&R, ps, 2);
		rc = 0;
	}
	free(ps[0].v);
	free(ps[1].v);
	bench_world_free(&R.w, rc < 0);
	bench_json_close();
	return rc < 0 ? 1 : 0;
}
