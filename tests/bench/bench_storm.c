/* bench_storm.c: a storm of presses against the real hubd on a private
 * mosquitto, then the rate of events it can record:
 *
 *   storm      N simulated boards (default 1,000; one client publishing as
 *              each board, docs/PROTOCOL.md 6.1) press within a window
 *              (default 1 s), and one real counterd presses in the middle
 *              of it. Per press: time to its first page at a pager
 *              subscriber (pager/+) and to its receipt (sent by the hub
 *              only after the commit). For the whole storm: time from the
 *              first press until every first page is in, every receipt is
 *              in, and every incident is in the database (polled
 *              read-only every 10 ms).
 *   sustained  offered load ramps (default 250, 500, ... events/s, 3 s
 *              each) while the receipts keep up: every board alternates a
 *              cancel (which closes its incident as a false alarm, paging
 *              a cancel) and a help press (which opens a new one and pages
 *              it). Per step: offered and recorded events/s and the time
 *              from publish to receipt.
 *   footprint  hubd's and counterd's memory idle, after the storm, and
 *              hubd's after the sustained phase (VmHWM: the peak).
 *
 * The floor is the boards' client's own QoS 1 round trip, measured first.
 * Table to stdout, JSON lines to -j FILE, progress to stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "clock.h"
#include "proto.h"

#define STORM_STEPS_MAX	12
#define STORM_DRAIN_NS	(15000 * BENCH_NS_PER_MS)	/* bounds a failure */
#define STORM_POLL_NS	(10 * BENCH_NS_PER_MS)		/* the database */
#define STORM_QUIET_NS	(3000 * BENCH_NS_PER_MS)	/* no receipt: lost */
#define STORM_KEEP_UP	0.9	/* recorded/offered below this ends the ramp */

struct storm_opts {
	const char *bindir, *json;
	int boards, window_ms, floor_n, step_s, rate0, rate_max;
};

/* One step of the sustained phase. */
struct storm_step {
	int rate;			/* offered, events/s */
	int64_t first, last;		/* event numbers [first, last) */
	int64_t t_start, t_sent, t_done;	/* ns */
	int64_t refused;		/* publishes the client refused */
	int64_t receipted;		/* receipts that came */
};

struct storm {
	struct storm_opts o;
	struct bench_world w;
	int port;
	pid_t broker, hubd;
	struct bench_counterd cd;
	struct mqtt *boards, *pager;
	const char *db;
	char t_c1_page[PROTO_TOPIC_MAX];

	/* per event number e (board e % boards, seq e / boards + 1) */
	int64_t *t_sent, *t_receipt, nevents, capevents;
	int64_t *t_page;		/* storm: per board, first page */
	int64_t t0, t_paged, t_receipted, t_recorded;
	int64_t cd_page_ns;		/* the real counterd's press */
	int64_t pages, receipts;
	struct bench_stats floor;
	int64_t *floor_v;
	struct storm_step steps[STORM_STEPS_MAX];
	int nsteps;
	struct bench_mem mem_h[3], mem_c[2];
	int64_t db_events;
	int dropped;			/* hubd: "outgoing queue full" */
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_storm [-b BINDIR] [-j JSON] [-n BOARDS]"
	    " [-w WINDOW_MS] [-f FLOOR_N]\n"
	    "                   [-t STEP_S] [-r FIRST_RATE] [-R MAX_RATE]\n");
	exit(2);
}

/* ---- events, receipts and pages ------------------------------------- */

/* Room for events up to n; 0 or -1. */
static int
storm_reserve(struct storm *S, int64_t n)
{
	int64_t *a, *b;

	if (n <= S->capevents)
		return 0;
	if (!(a = realloc(S->t_sent, (size_t)n * sizeof *a)))
		return -1;
	S->t_sent = a;
	if (!(b = realloc(S->t_receipt, (size_t)n * sizeof *b)))
		return -1;
	memset(b + S->capevents, 0, (size_t)(n - S->capevents) * sizeof *b);
	S->t_receipt = b;
	S->capevents = n;
	return 0;
}

/* Event e: board e % boards, seq e / boards + 1. The storm is seq 1 (a
 * help press); after it every board alternates cancel and help. -1 when
 * the client refuses it (its window of messages in flight is full). */
static int
storm_send(struct storm *S, int64_t e)
{
	int k = (int)(e % S->o.boards);
	uint64_t seq = (uint64_t)(e / S->o.boards) + 1;

	if (bench_board_event(S->boards, k, seq, seq % 2 ? PROTO_KIND_HELP :
	    PROTO_KIND_CANCEL) < 0)
		return -1;
	S->t_sent[e] = bench_now_ns();
	if (e >= S->nevents)
		S->nevents = e + 1;
	return 0;
}

static void
storm_receipt(void *arg, int k, uint64_t seq)
{
	struct storm *S = arg;
	int64_t e = (int64_t)(seq - 1) * S->o.boards + k;

	if (k < S->o.boards && e < S->nevents && !S->t_receipt[e]) {
		S->t_receipt[e] = bench_now_ns();
		S->receipts++;
	}
}

static void
storm_page(void *arg, const struct proto_page *pg)
{
	struct storm *S = arg;
	int k;

	if (pg->type != PROTO_PAGE_PAGE)
		return;
	S->pages++;
	if (strcmp(pg->counter, "c1") == 0 && !S->cd_page_ns)
		S->cd_page_ns = bench_now_ns();
	else if (sscanf(pg->counter, "s%d", &k) == 1 && k < S->o.boards &&
	    !S->t_page[k])
		S->t_page[k] = bench_now_ns();
}

/* Take what has arrived until deadline: receipts, pages, the real
 * counterd's page. */
static void
storm_take(struct storm *S, int64_t deadline)
{
	const struct bench_heard h = { storm_receipt, storm_page, S };

	bench_hear(S->boards, S->pager, &h, deadline);
}

/* ---- the storm ------------------------------------------------------ */

/* Until every board's first page and receipt are in and the database
 * holds every incident (the boards' and counterd's). */
static int
storm_settle(struct storm *S)
{
	int64_t end = bench_now_ns() + STORM_DRAIN_NS, next_poll = 0, n;

	while (!bench_stopping && bench_now_ns() < end) {
		int64_t now = bench_now_ns();
		int paged = 1;

		for (int k = 0; k < S->o.boards && paged; k++)
			paged = S->t_page[k] != 0;
		if (paged && !S->t_paged)
			S->t_paged = now;
		if (S->receipts >= S->o.boards && !S->t_receipted)
			S->t_receipted = now;
		if (!S->t_recorded && now >= next_poll) {
			if (bench_db_int(S->db, "SELECT count(*) FROM incidents",
			    &n) == 0 && n >= S->o.boards + 1)
				S->t_recorded = bench_now_ns();
			next_poll = now + STORM_POLL_NS;
		}
		if (S->t_paged && S->t_receipted && S->t_recorded &&
		    S->cd_page_ns)
			return 0;
		storm_take(S, now + BENCH_NS_PER_MS);
	}
	bench_note("storm: not settled within %lld ms: %lld receipts, pages"
	    " %s, incidents %s", (long long)(STORM_DRAIN_NS / BENCH_NS_PER_MS),
	    (long long)S->receipts, S->t_paged ? "all" : "missing",
	    S->t_recorded ? "all" : "missing");
	return -1;
}

static int
storm_storm(struct storm *S)
{
	int64_t span = (int64_t)S->o.window_ms * BENCH_NS_PER_MS, edge = -1;

	bench_note("storm: %d boards press within %d ms, counterd in the"
	    " middle", S->o.boards, S->o.window_ms);
	if (storm_reserve(S, S->o.boards) < 0)
		return -1;
	S->t0 = bench_now_ns();
	for (int64_t e = 0; e < S->o.boards && !bench_stopping; e++) {
		int64_t due = S->t0 + span * e / S->o.boards;

		storm_take(S, due);
		while (storm_send(S, e) < 0) {	/* Paho's window is full */
			if (bench_stopping)
				return -1;
			storm_take(S, bench_now_ns() + BENCH_NS_PER_MS);
		}
		if (edge < 0 && e >= S->o.boards / 2) {
			edge = bench_now_ns();
			if (bench_counterd_edge(&S->cd, 0, edge) < 0)
				return -1;
		}
	}
	if (storm_settle(S) < 0)
		return -1;
	/* counterd's press counts from its recognition, as in latency */
	S->cd_page_ns -= edge + 20 * BENCH_NS_PER_MS;
	bench_counterd_edge(&S->cd, 1, bench_now_ns());
	return 0;
}

/* ---- the sustained phase -------------------------------------------- */

/* Offer rate events/s for step_s seconds, then wait for the receipts. */
static int
storm_step(struct storm *S, struct storm_step *st)
{
	int64_t n = (int64_t)st->rate * S->o.step_s, e = S->nevents;

	if (storm_reserve(S, e + n) < 0)
		return -1;
	st->first = e;
	st->last = e + n;
	st->t_start = bench_now_ns();
	while (e < st->last && !bench_stopping) {
		int64_t due = st->t_start + (e - st->first) * 1000000000LL /
		    st->rate;

		if (bench_now_ns() < due)
			storm_take(S, due);
		if (storm_send(S, e) < 0) {
			st->refused++;
			storm_take(S, bench_now_ns() + BENCH_NS_PER_MS);
			continue;
		}
		e++;
	}
	st->t_sent = bench_now_ns();
	/* until every receipt is in, or none came for STORM_QUIET_NS: the
	 * hub dropped the rest (see storm_print_sustained) */
	for (int64_t got = -1, last_got = bench_now_ns(); !bench_stopping; ) {
		int64_t n_in = 0;

		for (e = st->first; e < st->last; e++)
			n_in += S->t_receipt[e] != 0;
		if (n_in != got)
			last_got = bench_now_ns();
		got = n_in;
		st->receipted = got;
		if (got == n || bench_now_ns() - last_got > STORM_QUIET_NS)
			break;
		storm_take(S, bench_now_ns() + 5 * BENCH_NS_PER_MS);
	}
	st->t_done = 0;
	for (e = st->first; e < st->last; e++)
		if (S->t_receipt[e] > st->t_done)
			st->t_done = S->t_receipt[e];
	return bench_stopping ? -1 : 0;
}

/* Receipted events a second, from the step's first publish to its last
 * receipt. */
static double
storm_recorded_rate(const struct storm_step *st)
{
	return st->t_done > st->t_start ? (double)st->receipted * 1e9 /
	    (double)(st->t_done - st->t_start) : 0;
}

static int
storm_sustained(struct storm *S)
{
	for (int rate = S->o.rate0; rate <= S->o.rate_max &&
	    S->nsteps < STORM_STEPS_MAX; rate *= 2) {
		struct storm_step *st = &S->steps[S->nsteps];

		bench_note("sustained: %d events/s for %d s", rate, S->o.step_s);
		st->rate = rate;
		if (storm_step(S, st) < 0)
			return -1;
		S->nsteps++;
		if (st->receipted < st->last - st->first ||
		    storm_recorded_rate(st) < STORM_KEEP_UP * rate)
			break;
	}
	return 0;
}

/* ---- the table ------------------------------------------------------ */

static void
storm_since(const char *id, const char *label, const struct storm *S,
    int64_t t)
{
	double ms = (double)(t - S->t0) / 1e6;

	printf("  %-44s %9.1f ms after the first press (%.1fx the window)\n",
	    label, ms, ms / S->o.window_ms);
	bench_json("\"suite\":\"storm\",\"id\":\"%s\",\"label\":\"%s\","
	    "\"unit\":\"ms\",\"value\":%.3f,\"window_ms\":%d,\"boards\":%d", id,
	    label, ms, S->o.window_ms, S->o.boards);
}

static void
storm_print_storm(struct storm *S)
{
	int n = S->o.boards;
	int64_t *page = calloc((size_t)n, sizeof *page);
	int64_t *rcpt = calloc((size_t)n, sizeof *rcpt);
	char label[96];

	if (!page || !rcpt)
		goto out;
	for (int k = 0; k < n; k++) {
		page[k] = S->t_page[k] - S->t_sent[k];
		rcpt[k] = S->t_receipt[k] - S->t_sent[k];
	}
	printf("  %-44s %5s %9s %9s %9s  %s\n", "storm (ms)", "n", "median",
	    "p99", "max", "vs floor (median/p99)");
	bench_row("storm", "floor", "floor: QoS 1 to self (the boards' client)",
	    S->floor_v, (size_t)S->o.floor_n, NULL);
	bench_row("storm", "storm_page", "press -> first page", page,
	    (size_t)n, &S->floor);
	bench_row("storm", "storm_receipt", "press -> receipt (event committed)",
	    rcpt, (size_t)n, &S->floor);
	bench_row("storm", "storm_counterd", "counterd's press -> page, mid-storm",
	    &S->cd_page_ns, 1, &S->floor);
	snprintf(label, sizeof label, "%d boards pressed within %d ms:", n,
	    S->o.window_ms);
	printf("  %s\n", label);
	storm_since("storm_all_paged", "  every first page received", S,
	    S->t_paged);
	storm_since("storm_all_recorded", "  every incident in the database",
	    S, S->t_recorded);
	storm_since("storm_all_receipts", "  every receipt received", S,
	    S->t_receipted);
out:
	free(page);
	free(rcpt);
}

static void
storm_print_sustained(struct storm *S)
{
	double best = 0;

	printf("\n  %-22s %8s %9s %9s %9s %9s %8s %8s\n", "sustained (events/s)",
	    "offered", "recorded", "rcpt med", "rcpt p99", "rcpt max", "events",
	    "no rcpt");
	for (int i = 0; i < S->nsteps; i++) {
		struct storm_step *st = &S->steps[i];
		int64_t n = st->last - st->first, m = 0;
		int64_t *v = calloc((size_t)n, sizeof *v);
		double offered = (double)n * 1e9 / (double)(st->t_sent -
		    st->t_start), rec = storm_recorded_rate(st);
		struct bench_stats bs;
		char label[32];

		if (!v)
			return;
		for (int64_t e = st->first; e < st->last; e++)
			if (S->t_receipt[e])
				v[m++] = S->t_receipt[e] - S->t_sent[e];
		bench_stats(v, (size_t)m, &bs);
		snprintf(label, sizeof label, "  step %d", i + 1);
		printf("  %-22s %8.0f %9.0f %9.3f %9.3f %9.3f %8lld %8lld\n",
		    label, offered, rec, bs.median_ms, bs.p99_ms, bs.max_ms,
		    (long long)n, (long long)(n - m));
		bench_json("\"suite\":\"storm\",\"id\":\"sustained_%d\","
		    "\"unit\":\"events/s\",\"offered\":%.1f,\"recorded\":%.1f,"
		    "\"receipt_median_ms\":%.4f,\"receipt_p99_ms\":%.4f,"
		    "\"receipt_max_ms\":%.4f,\"events\":%lld,\"no_receipt\":%lld,"
		    "\"refused\":%lld", st->rate, offered, rec, bs.median_ms,
		    bs.p99_ms, bs.max_ms, (long long)n, (long long)(n - m),
		    (long long)st->refused);
		if (m == n && rec >= STORM_KEEP_UP * offered && rec > best)
			best = rec;
		free(v);
	}
	printf("  recorded and receipted, every receipt in, >= %.0f%% of the"
	    " offered rate: up to %.0f events/s\n", STORM_KEEP_UP * 100, best);
	printf("  events in the database: %lld of %lld sent (+ counterd's);"
	    " hubd dropped %d messages\n  (\"outgoing queue full\": pages,"
	    " receipts, desk state it could not hand to Paho)\n",
	    (long long)S->db_events, (long long)S->nevents, S->dropped);
	bench_json("\"suite\":\"storm\",\"id\":\"sustained\",\"unit\":"
	    "\"events/s\",\"value\":%.1f,\"db_events\":%lld,\"sent\":%lld,"
	    "\"hub_dropped\":%d", best, (long long)S->db_events,
	    (long long)S->nevents, S->dropped);
}

static void
storm_print(struct storm *S)
{
	static const char *const hw[3] = { "idle after start",
	    "after the storm", "after the sustained phase" };
	char label[96], id[32];

	storm_print_storm(S);
	storm_print_sustained(S);
	printf("\n  %-44s %8s %8s %8s %8s\n", "memory (MiB)", "VmRSS", "VmHWM",
	    "Pss", "RssAnon");
	for (int i = 0; i < 3; i++) {
		snprintf(label, sizeof label, "hubd, %s", hw[i]);
		snprintf(id, sizeof id, "mem_hubd_%d", i);
		bench_mem_row("storm", id, label, &S->mem_h[i]);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(label, sizeof label, "counterd, %s", hw[i]);
		snprintf(id, sizeof id, "mem_counterd_%d", i);
		bench_mem_row("storm", id, label, &S->mem_c[i]);
	}
	fflush(stdout);
}

/* ---- main ----------------------------------------------------------- */

static int
storm_world(struct storm *S)
{
	char f_page[PROTO_TOPIC_MAX], f_fb[PROTO_TOPIC_MAX];
	char f_status[PROTO_TOPIC_MAX], t_hub[PROTO_TOPIC_MAX];
	const char *subs_p[3] = { f_page, f_status, t_hub };
	const char *subs_b[1] = { f_fb };

	proto_topic_filter(f_page, sizeof f_page, NULL, BENCH_SITE,
	    PROTO_TOPIC_PAGER);
	proto_topic_filter(f_fb, sizeof f_fb, NULL, BENCH_SITE,
	    PROTO_TOPIC_FEEDBACK);
	proto_topic_filter(f_status, sizeof f_status, NULL, BENCH_SITE,
	    PROTO_TOPIC_STATUS);
	proto_topic_build(t_hub, sizeof t_hub, NULL, BENCH_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
	/* no escalation during the run; cancels always within the grace */
	if ((S->port = bench_broker(&S->w, "mosquitto", 1, &S->broker)) < 0 ||
	    !(S->db = bench_hub_conf(&S->w, S->port, S->o.boards,
	    "cancel_grace_s = 3600;",
	    "( { kind = \"help\"; min_responders = 1; repeat = 0;"
	    " steps = ( { targets = [ \"supervisor\" ]; wait_s = 3600; } ); },"
	    " { kind = \"emergency\"; min_responders = 1; repeat = 0;"
	    " steps = ( { targets = [ \"supervisor\" ]; wait_s = 3600; } ); } )")) ||
	    !(S->pager = bench_client(S->port, "bench-pager", subs_p, 3)) ||
	    !(S->boards = bench_client(S->port, "bench-boards", subs_b, 1)) ||
	    (S->hubd = bench_hub_start(&S->w, S->pager)) < 0 ||
	    bench_counterd_start(&S->w, S->port, "c1", 20, S->pager,
	    &S->cd) < 0)
		return -1;
	return 0;
}

static int
storm_main(struct storm *S)
{
	char self[128];

	if (storm_world(S) < 0)
		return -1;
	bench_note("floor: %d QoS 1 round trips", S->o.floor_n);
	bench_self_topic("bench-boards", self, sizeof self);
	if (!(S->floor_v = calloc((size_t)S->o.floor_n, sizeof *S->floor_v)) ||
	    !(S->t_page = calloc((size_t)S->o.boards, sizeof *S->t_page)) ||
	    bench_round_trips(S->boards, self, self, S->o.floor_n / 20 + 1,
	    S->o.floor_n, S->floor_v) < 0)
		return -1;
	bench_stats(S->floor_v, (size_t)S->o.floor_n, &S->floor);
	storm_take(S, bench_now_ns() + 1000 * BENCH_NS_PER_MS);
	bench_mem_read(S->hubd, &S->mem_h[0]);
	bench_mem_read(S->cd.pid, &S->mem_c[0]);
	if (storm_storm(S) < 0)
		return -1;
	bench_mem_read(S->hubd, &S->mem_h[1]);
	bench_mem_read(S->cd.pid, &S->mem_c[1]);
	if (storm_sustained(S) < 0)
		return -1;
	bench_mem_read(S->hubd, &S->mem_h[2]);
	if (bench_db_int(S->db, "SELECT count(*) FROM events WHERE counter"
	    " != 'c1'", &S->db_events) < 0)
		return -1;
	S->dropped = bench_log_count(&S->w, "hubd", "outgoing queue full");
	storm_print(S);
	return 0;
}

static void
storm_options(int argc, char **argv, struct storm_opts *o)
{
	int ch;

	*o = (struct storm_opts){ .bindir = "bin", .boards = 1000,
	    .window_ms = 1000, .floor_n = 200, .step_s = 3, .rate0 = 250,
	    .rate_max = 8000 };
	while ((ch = getopt(argc, argv, "b:j:n:w:f:t:r:R:")) != -1) {
		switch (ch) {
		case 'b': o->bindir = optarg; break;
		case 'j': o->json = optarg; break;
		case 'n': o->boards = atoi(optarg); break;
		case 'w': o->window_ms = atoi(optarg); break;
		case 'f': o->floor_n = atoi(optarg); break;
		case 't': o->step_s = atoi(optarg); break;
		case 'r': o->rate0 = atoi(optarg); break;
		case 'R': o->rate_max = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || o->boards < 2 || o->boards > 9999 ||
	    o->window_ms < 1 || o->floor_n < 1 || o->step_s < 1 ||
	    o->rate0 < 1 || o->rate_max < o->rate0)
		usage();
}

int
main(int argc, char **argv)
{
	static struct storm S;
	int rc;

	storm_options(argc, argv, &S.o);
	bench_set_suite("storm");
	bench_signals();
	S.cd.sim_fd = -1;
	if (bench_json_open(S.o.json) < 0 ||
	    bench_world_init(&S.w, "panic-bench-storm", S.o.bindir) < 0)
		return 1;
	rc = storm_main(&S);
	if (S.cd.pid > 0)
		bench_stop(&S.w, S.cd.pid, 3000);
	if (S.hubd > 0)
		bench_stop(&S.w, S.hubd, 5000);
	mqtt_free(S.boards);
	mqtt_free(S.pager);
	bench_counterd_close(&S.cd);
	free(S.t_sent);
	free(S.t_receipt);
	free(S.t_page);
	free(S.floor_v);
	bench_world_free(&S.w, rc < 0);
	bench_json_close();
	return rc < 0 ? 1 : 0;
}
