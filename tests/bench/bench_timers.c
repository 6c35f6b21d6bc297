/* bench_timers.c: how late the hub's escalation timers fire with many of
 * them open. The real hubd on a private mosquitto; simulated boards (one
 * client) open N incidents (default 10,000, one per board: a press at a
 * board with an open incident would join it), each on a ladder whose
 * step 1 waits W seconds (default 30) before step 2. Every step-1 timer is
 * armed in hub/timers.c's heap by the time the first one is due; then the
 * step-2 pages go out, one per incident.
 *
 * Lateness of each step-2 page against its due time, which is the step-1
 * page's time plus W (the hub sets both from the same clock reading):
 *   as recorded   pages.sent_at (step 2) - incidents.first_page_at - W,
 *                 from the database: the hub's own account, in ms
 *   at the pager  the page's arrival at a subscriber (CLOCK_REALTIME) -
 *                 the same due time: adds the publish and the broker hop
 * First, the same with a few timers (kind "test", its own short ladder),
 * as the comparison measured in the same run. Also hubd's memory with the
 * N incidents open. Table to stdout, JSON lines to -j FILE. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "clock.h"
#include "proto.h"

#define TIM_WINDOW	256		/* presses awaiting their receipt */
#define TIM_FEW		20		/* the comparison's timers */
#define TIM_FEW_WAIT_S	2
#define TIM_WAIT_NS	(60000 * BENCH_NS_PER_MS)	/* bounds a failure */

struct tim_opts {
	const char *bindir, *json;
	int n, wait_s;
};

/* One run: incidents opened by boards [first, first + n), their step-2
 * pages as the pager saw them (wall ns, by incident id). */
struct tim_run {
	int first, n, wait_s;
	int64_t t_open_ns;		/* opening all n took this long */
	int64_t *arrived;		/* by incident id; 0 not yet */
	int64_t ids, got;		/* size of arrived; step-2 pages seen */
	int64_t *late_db, *late_pager;	/* ns */
	size_t nlate;
	int64_t open_at_first;		/* incidents open when the first
					   step 2 went out */
};

struct tim {
	struct tim_opts o;
	struct bench_world w;
	int port;
	pid_t broker, hubd;
	struct mqtt *boards, *pager;
	const char *db;
	struct tim_run few, many;
	struct bench_mem mem[3];	/* idle, N open, after step 2 */
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_timers [-b BINDIR] [-j JSON] [-n INCIDENTS]"
	    " [-W STEP1_WAIT_S]\n");
	exit(2);
}

static int64_t
tim_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* What tim_take hears into: receipts counted, step-2 pages noted in run
 * by incident id at their arrival (CLOCK_REALTIME). */
struct tim_ears {
	struct tim_run *r;
	int64_t *receipts;
};

static void
tim_receipt(void *arg, int k, uint64_t seq)
{
	struct tim_ears *e = arg;

	(void)k;
	(void)seq;
	(*e->receipts)++;
}

static void
tim_page(void *arg, const struct proto_page *pg)
{
	struct tim_run *r = ((struct tim_ears *)arg)->r;
	int64_t id = atoll(pg->incident);

	if (pg->type == PROTO_PAGE_PAGE && pg->step == 2 && id > 0 &&
	    id < r->ids && !r->arrived[id]) {
		r->arrived[id] = tim_wall_ns();
		r->got++;
	}
}

static void
tim_take(struct tim *T, struct tim_run *r, int64_t *receipts,
    int64_t deadline)
{
	struct tim_ears e = { r, receipts };
	const struct bench_heard h = { tim_receipt, tim_page, &e };

	bench_hear(T->boards, T->pager, &h, deadline);
}

/* Open r->n incidents, TIM_WINDOW presses in flight at most. */
static int
tim_open(struct tim *T, struct tim_run *r, int kind)
{
	int64_t receipts = 0, sent = 0, t0 = bench_now_ns();
	int64_t end = t0 + TIM_WAIT_NS;

	while (receipts < r->n && !bench_stopping) {
		while (sent < r->n && sent - receipts < TIM_WINDOW &&
		    bench_board_event(T->boards, r->first + (int)sent, 1,
		    kind) == 0)
			sent++;
		if (bench_now_ns() > end) {
			bench_note("opening: %lld of %d receipts", (long long)receipts,
			    r->n);
			return -1;
		}
		tim_take(T, r, &receipts, bench_now_ns() + BENCH_NS_PER_MS);
	}
	r->t_open_ns = bench_now_ns() - t0;
	return bench_stopping ? -1 : 0;
}

static void
tim_late_row(void *arg, const int64_t *c)
{
	struct tim_run *r = arg;
	int64_t due_ms = c[1] + (int64_t)r->wait_s * 1000;

	/* c: incident id, first_page_at, step-2 sent_at (ms) */
	if (c[0] <= 0 || c[0] >= r->ids || !r->arrived[c[0]])
		return;
	r->late_db[r->nlate] = (c[2] - due_ms) * BENCH_NS_PER_MS;
	r->late_pager[r->nlate] = r->arrived[c[0]] - due_ms * BENCH_NS_PER_MS;
	r->nlate++;
}

/* Wait for every step-2 page of r, then read the due and sent times. */
static int
tim_collect(struct tim *T, struct tim_run *r, const char *kind)
{
	int64_t end = bench_now_ns() + (int64_t)r->wait_s * 1000000000LL +
	    TIM_WAIT_NS, receipts = 0;
	char sql[512];

	while (r->got < r->n && !bench_stopping && bench_now_ns() < end)
		tim_take(T, r, &receipts, bench_now_ns() + 100 * BENCH_NS_PER_MS);
	if (r->got < r->n) {
		bench_note("%s: %lld of %d step-2 pages", kind, (long long)r->got,
		    r->n);
		return -1;
	}
	if (!(r->late_db = calloc((size_t)r->n, sizeof *r->late_db)) ||
	    !(r->late_pager = calloc((size_t)r->n, sizeof *r->late_pager)))
		return -1;
	snprintf(sql, sizeof sql, "SELECT i.id, i.first_page_at, min(p.sent_at)"
	    " FROM incidents i JOIN pages p ON p.incident = i.id AND p.type ="
	    " 'page' AND p.step = 2 WHERE i.kind = '%s' GROUP BY i.id", kind);
	if (bench_db_rows(T->db, sql, 3, tim_late_row, r) < 0)
		return -1;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM incidents WHERE kind ="
	    " '%s' AND first_page_at <= (SELECT min(sent_at) FROM pages p JOIN"
	    " incidents i ON i.id = p.incident WHERE p.step = 2 AND i.kind ="
	    " '%s')", kind, kind);
	return bench_db_int(T->db, sql, &r->open_at_first);
}

static int
tim_run(struct tim *T, struct tim_run *r, int kind, const char *name)
{
	r->ids = T->o.n + TIM_FEW + 64;	/* ids run from 1, a few spare */
	if (!(r->arrived = calloc((size_t)r->ids, sizeof *r->arrived)))
		return -1;
	bench_note("%s: %d incidents, step 2 after %d s", name, r->n, r->wait_s);
	if (tim_open(T, r, kind) < 0)
		return -1;
	if (r == &T->many)
		bench_mem_read(T->hubd, &T->mem[1]);
	return tim_collect(T, r, proto_kind_name((enum proto_kind)kind));
}

static void
tim_print(struct tim *T)
{
	struct bench_stats few_db, few_pager;
	struct tim_run *m = &T->many, *f = &T->few;
	char label[96];

	bench_stats(f->late_db, f->nlate, &few_db);
	bench_stats(f->late_pager, f->nlate, &few_pager);
	printf("  %-44s %5s %9s %9s %9s  %s\n", "step-2 lateness (ms)", "n",
	    "median", "p99", "max", "vs few timers (median/p99)");
	bench_row("timers", "few_recorded", "few timers: as recorded (sent_at)",
	    f->late_db, f->nlate, NULL);
	bench_row("timers", "few_pager", "few timers: at the pager",
	    f->late_pager, f->nlate, NULL);
	snprintf(label, sizeof label, "%d timers: as recorded (sent_at)", m->n);
	bench_row("timers", "many_recorded", label, m->late_db, m->nlate,
	    &few_db);
	snprintf(label, sizeof label, "%d timers: at the pager", m->n);
	bench_row("timers", "many_pager", label, m->late_pager, m->nlate,
	    &few_pager);
	printf("  %d incidents opened in %.1f s; %lld open, each with its step"
	    " timer, when the first step 2 was due\n  (step 1 waits %d s;"
	    " recorded times are whole ms, so a timer on time reads 0 or 1)\n",
	    m->n, (double)m->t_open_ns / 1e9, (long long)m->open_at_first,
	    m->wait_s);
	bench_json("\"suite\":\"timers\",\"id\":\"open\",\"incidents\":%d,"
	    "\"open_seconds\":%.3f,\"open_at_first_due\":%lld,\"wait_s\":%d",
	    m->n, (double)m->t_open_ns / 1e9, (long long)m->open_at_first,
	    m->wait_s);
	printf("\n  %-44s %8s %8s %8s %8s\n", "memory (MiB)", "VmRSS", "VmHWM",
	    "Pss", "RssAnon");
	bench_mem_row("timers", "mem_hubd_idle", "hubd, idle after start",
	    &T->mem[0]);
	snprintf(label, sizeof label, "hubd, %d incidents open", m->n);
	bench_mem_row("timers", "mem_hubd_open", label, &T->mem[1]);
	bench_mem_row("timers", "mem_hubd_step2", "hubd, after every step 2",
	    &T->mem[2]);
	fflush(stdout);
}

static int
tim_main(struct tim *T)
{
	char f_page[PROTO_TOPIC_MAX], f_fb[PROTO_TOPIC_MAX], t_hub[PROTO_TOPIC_MAX];
	const char *subs_p[2] = { f_page, t_hub }, *subs_b[1] = { f_fb };
	char policies[1024];

	proto_topic_filter(f_page, sizeof f_page, NULL, BENCH_SITE,
	    PROTO_TOPIC_PAGER);
	proto_topic_filter(f_fb, sizeof f_fb, NULL, BENCH_SITE,
	    PROTO_TOPIC_FEEDBACK);
	proto_topic_build(t_hub, sizeof t_hub, NULL, BENCH_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
	/* step 2 waits an hour: nothing fires after it during the run */
	snprintf(policies, sizeof policies, "( { kind = \"help\";"
	    " min_responders = 1; repeat = 0; steps = ("
	    " { targets = [ \"supervisor\" ]; wait_s = %d; },"
	    " { targets = [ \"supervisor\" ]; wait_s = 3600; } ); },"
	    " { kind = \"emergency\"; min_responders = 1; repeat = 0; steps = ("
	    " { targets = [ \"supervisor\" ]; wait_s = 3600; } ); },"
	    " { kind = \"test\"; min_responders = 1; repeat = 0; steps = ("
	    " { targets = [ \"supervisor\" ]; wait_s = %d; },"
	    " { targets = [ \"supervisor\" ]; wait_s = 3600; } ); } )",
	    T->o.wait_s, TIM_FEW_WAIT_S);
	if ((T->port = bench_broker(&T->w, "mosquitto", 1, &T->broker)) < 0 ||
	    !(T->db = bench_hub_conf(&T->w, T->port, T->o.n + TIM_FEW,
	    "cancel_grace_s = 30;", policies)) ||
	    !(T->pager = bench_client(T->port, "bench-pager", subs_p, 2)) ||
	    !(T->boards = bench_client(T->port, "bench-boards", subs_b, 1)) ||
	    (T->hubd = bench_hub_start(&T->w, T->pager)) < 0)
		return -1;
	bench_mem_read(T->hubd, &T->mem[0]);
	/* the few first, on boards after the many's */
	T->few = (struct tim_run){ .first = T->o.n, .n = TIM_FEW,
	    .wait_s = TIM_FEW_WAIT_S };
	T->many = (struct tim_run){ .first = 0, .n = T->o.n,
	    .wait_s = T->o.wait_s };
	if (tim_run(T, &T->few, PROTO_KIND_TEST, "few timers") < 0 ||
	    tim_run(T, &T->many, PROTO_KIND_HELP, "many timers") < 0)
		return -1;
	bench_mem_read(T->hubd, &T->mem[2]);
	tim_print(T);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct tim T;
	int ch, rc;

	T.o = (struct tim_opts){ .bindir = "bin", .n = 10000, .wait_s = 30 };
	while ((ch = getopt(argc, argv, "b:j:n:W:")) != -1) {
		switch (ch) {
		case 'b': T.o.bindir = optarg; break;
		case 'j': T.o.json = optarg; break;
		case 'n': T.o.n = atoi(optarg); break;
		case 'W': T.o.wait_s = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || T.o.n < 1 || T.o.n > 100000 ||
	    T.o.wait_s < 1)
		usage();
	bench_set_suite("timers");
	bench_signals();
	if (bench_json_open(T.o.json) < 0 ||
	    bench_world_init(&T.w, "panic-bench-timers", T.o.bindir) < 0)
		return 1;
	rc = tim_main(&T);
	if (T.hubd > 0)
		bench_stop(&T.w, T.hubd, 5000);
	mqtt_free(T.boards);
	mqtt_free(T.pager);
	free(T.few.arrived);
	free(T.many.arrived);
	free(T.few.late_db);
	free(T.few.late_pager);
	free(T.many.late_db);
	free(T.many.late_pager);
	bench_world_free(&T.w, rc < 0);
	bench_json_close();
	return rc < 0 ? 1 : 0;
}
