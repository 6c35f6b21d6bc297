/* bench_latency.c: the floors and press to page, in one run, on a private
 * mosquitto (set_tcp_nodelay true, loopback, free port):
 *
 *   floor          a client publishes QoS 1 to itself: round trip (2 hops)
 *   relay floor    the client -> bench_relay -> the client: 4 hops and a
 *                  process in the middle that only republishes, the shape
 *                  of press to page without counterd's and hubd's work
 *   Nagle guard    both again through a broker without set_tcp_nodelay,
 *                  with TCP_NODELAY cleared on every client socket
 *   press to page  the real counterd (sim backend) and hubd: from the
 *                  instant counterd recognises a press (edge + debounce) to
 *                  the page at a pager subscriber; each press opens a new
 *                  incident, resolved before the next. Runs: quiet; split
 *                  in two by a tap on the event topic (a run of its own,
 *                  since the tap competes with hubd for the CPU); after
 *                  1-2 s of silence each; and with bench_load beside it
 *                  (the floors are measured again under the same load)
 *   footprint      counterd's and hubd's memory idle after start and after
 *                  the presses, and their CPU time per press
 *
 * The table goes to stdout at the end, JSON lines to -j FILE, progress to
 * stderr. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "clock.h"
#include "proto.h"

#define LAT_SITE	"b"
#define LAT_COUNTER	"c1"
#define LAT_PERSON	"sup"
#define LAT_WAIT_NS	(5000 * BENCH_NS_PER_MS)	/* bounds a failure */
#define LAT_RELAY_IN	"bench/relay/in"		/* see bench_relay.c */
#define LAT_RELAY_OUT	"bench/relay/out"
#define LAT_TARGET_QUIET_MS	1.0	/* issue 8: p99 on loopback */
#define LAT_TARGET_LOADED_MS	2.0
#define LAT_COUNTERD_BUDGET_MB	4.0	/* issue 3 */
/* Paho's receive thread polls for 1 s, then sleeps 100 ms when nothing
 * came: silences drawn from one such cycle, after the first second */
#define LAT_SILENCE_MIN_MS	960
#define LAT_SILENCE_SPAN_MS	1100
#define LAT_SLOW_MS		10.0	/* "delayed" after a silence */

struct lat_opts {
	const char *bindir, *json, *helpers;
	int presses, split_n, silence_n, floor_n, nagle_n, warmup;
	int debounce_ms, load_counters, load_rate, loaded;
};

/* One run of presses: from recognition to the page, and, when tapped, its
 * two halves as a subscriber to the event topic sees them. */
struct lat_run {
	int n;
	int64_t *page, *to_event, *to_page;
	int64_t cpu_counterd_ms, cpu_hubd_ms;
};

/* A set of round trips and its figures. */
struct lat_rt {
	int n;
	int64_t *v;
	struct bench_stats st;
};

struct lat {
	struct lat_opts o;
	struct bench_world w;
	int port;
	pid_t broker, hubd, counterd, load, relay;
	struct mqtt *pager, *tap;
	struct bench_counterd cd;
	char t_page[PROTO_TOPIC_MAX], t_reply[PROTO_TOPIC_MAX];
	char t_event[PROTO_TOPIC_MAX], t_feedback[PROTO_TOPIC_MAX];
	char t_status[PROTO_TOPIC_MAX], t_hub[PROTO_TOPIC_MAX];
	char t_self[128];
	int64_t presses_done;		/* includes warm-up presses */

	/* results */
	struct lat_rt self_q, relay_q, self_nagle, relay_nagle;
	struct lat_rt self_l, relay_l;
	struct lat_run quiet, split, silence, loaded;
	int64_t cold_ns;		/* the first press after start */
	struct bench_mem mem_c[3], mem_h[3];	/* start, quiet, loaded */
	int cleared;			/* sockets whose TCP_NODELAY we cleared */
	double load_s;
	long long load_sent, load_recv, load_statuses, load_refused;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_latency [-b BINDIR] [-j JSON] [-H HELPERDIR]"
	    " [-n PRESSES] [-t SPLIT_N]\n"
	    "                     [-s SILENCE_N] [-f FLOOR_N] [-N NAGLE_N]"
	    " [-w WARMUP] [-d DEBOUNCE_MS]\n"
	    "                     [-c LOAD_COUNTERS] [-r LOAD_RATE] [-q]\n");
	exit(2);
}

/* ---- the world: broker, hubd, counterd, a pager ------------------------ */

static int
lat_configs(struct lat *L)
{
	const char *days = "[ \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", "
	    "\"sat\", \"sun\" ]";

	if (!bench_write(&L->w, "hub.conf",
	    "site = \"" LAT_SITE "\";\ntimezone = \"UTC\";\n"
	    "database = \"%s\";\nlog_level = \"info\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 15; };\n"
	    "fallback = [ \"role:manager\" ];\n"
	    "people = (\n"
	    "  { id = \"" LAT_PERSON "\"; name = \"Supervisor\"; roles = [ \"supervisor\" ]; },\n"
	    "  { id = \"mgr\"; name = \"Manager\"; roles = [ \"manager\" ]; },\n"
	    "  { id = \"fac\"; name = \"Facility\"; roles = [ \"facility\" ]; } );\n"
	    "zones = ( { id = \"A\"; name = \"A\"; } );\n"
	    "counters = ( { id = \"" LAT_COUNTER "\"; label = \"1\"; zone = \"A\"; } );\n"
	    "shifts = ( { zone = \"A\"; days = %s; from = \"00:00\"; to = \"24:00\";"
	    " supervisor = \"" LAT_PERSON "\"; } );\n"
	    /* one long step: no escalation fires during the run */
	    "policies = (\n"
	    "  { kind = \"help\"; min_responders = 1; repeat = 0;"
	    " steps = ( { targets = [ \"supervisor\" ]; wait_s = 3600; } ); },\n"
	    "  { kind = \"emergency\"; min_responders = 1; repeat = 0;"
	    " steps = ( { targets = [ \"supervisor\" ]; wait_s = 3600; } ); } );\n",
	    bench_path(&L->w, "hub.db"), L->port, days))
		return -1;
	return 0;
}

static void
lat_topics(struct lat *L)
{
	proto_topic_build(L->t_page, sizeof L->t_page, NULL, LAT_SITE,
	    PROTO_TOPIC_PAGER, LAT_PERSON);
	proto_topic_build(L->t_reply, sizeof L->t_reply, NULL, LAT_SITE,
	    PROTO_TOPIC_REPLY, LAT_PERSON);
	proto_topic_build(L->t_event, sizeof L->t_event, NULL, LAT_SITE,
	    PROTO_TOPIC_EVENT, LAT_COUNTER);
	proto_topic_build(L->t_feedback, sizeof L->t_feedback, NULL, LAT_SITE,
	    PROTO_TOPIC_FEEDBACK, LAT_COUNTER);
	proto_topic_build(L->t_status, sizeof L->t_status, NULL, LAT_SITE,
	    PROTO_TOPIC_STATUS, LAT_COUNTER);
	proto_topic_build(L->t_hub, sizeof L->t_hub, NULL, LAT_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
}

static int
lat_start_daemons(struct lat *L)
{
	char exe[512];
	const char *hargs[] = { "-c", bench_path(&L->w, "hub.conf"), NULL };

	snprintf(exe, sizeof exe, "%s/hubd", L->o.bindir);
	if ((L->hubd = bench_spawn(&L->w, "hubd", exe, hargs)) < 0 ||
	    bench_await_online(L->pager, L->t_hub, 1, 10000) < 0 ||
	    bench_counterd_start(&L->w, L->port, LAT_COUNTER, L->o.debounce_ms,
	    L->pager, &L->cd) < 0)
		return -1;
	L->counterd = L->cd.pid;
	return 0;
}

/* ---- one press --------------------------------------------------------- */

static int
lat_resolve(struct lat *L, const char *incident)
{
	struct proto_reply rp = { .action = PROTO_ACTION_RESOLVE,
	    .category = PROTO_CAT_DRILL, .at_ms = clock_wall_ms() };
	char buf[512];
	int n;

	snprintf(rp.person, sizeof rp.person, LAT_PERSON);
	snprintf(rp.incident, sizeof rp.incident, "%s", incident);
	if ((n = proto_encode_reply(&rp, buf, sizeof buf)) < 0)
		return -1;
	return mqtt_publish(L->pager, L->t_reply, buf, (size_t)n, 1, 0, NULL);
}

/* Wait for the page (and, with a tap, note when the event went by);
 * returns the incident it opened. Times are taken as the event leaves
 * the wrapper's queue, as in the floors. */
static int
lat_await_page(struct lat *L, int64_t t_recog, int64_t *page,
    int64_t *to_event, char *incident)
{
	struct mqtt *const ms[2] = { L->pager, L->tap };
	int64_t end = bench_now_ns() + LAT_WAIT_NS;
	struct mqtt_ev ev;
	int which;

	*to_event = -1;
	while (bench_next_any(ms, 2, &ev, &which, end)) {
		int64_t now = bench_now_ns();
		struct proto_page pg;
		int done = 0;

		if (ev.type == MQTT_EV_MESSAGE && which == 1 && *to_event < 0 &&
		    strcmp(ev.topic, L->t_event) == 0)
			*to_event = now - t_recog;
		else if (ev.type == MQTT_EV_MESSAGE && which == 0 &&
		    strcmp(ev.topic, L->t_page) == 0 &&
		    proto_decode_page((char *)ev.payload, ev.len, &pg,
		    NULL) == 0 && pg.type == PROTO_PAGE_PAGE) {
			*page = now - t_recog;
			snprintf(incident, PROTO_ID_MAX, "%s", pg.incident);
			done = 1;
		}
		mqtt_ev_release(&ev);
		if (done)
			return 0;
	}
	bench_note("press %lld: no page within %lld ms",
	    (long long)L->presses_done, (long long)(LAT_WAIT_NS / BENCH_NS_PER_MS));
	return -1;
}

/* Wait for the hub to tell the desk that incident is resolved (it closes
 * it in the same turn; the desk hears no separate "closed"). */
static int
lat_await_resolved(struct lat *L, const char *incident)
{
	int64_t end = bench_now_ns() + LAT_WAIT_NS;
	struct mqtt_ev ev;

	while (bench_next(L->pager, &ev, end)) {
		struct proto_feedback fb;
		int done = ev.type == MQTT_EV_MESSAGE &&
		    strcmp(ev.topic, L->t_feedback) == 0 &&
		    proto_decode_feedback((char *)ev.payload, ev.len, &fb,
		    NULL) == 0 && strcmp(fb.incident, incident) == 0 &&
		    fb.state >= PROTO_IST_RESOLVED;

		mqtt_ev_release(&ev);
		if (done)
			return 0;
	}
	bench_note("incident %s: not resolved within %lld ms", incident,
	    (long long)(LAT_WAIT_NS / BENCH_NS_PER_MS));
	return -1;
}

/* Press, time the page, release, resolve, and wait until the incident is
 * resolved and the release has settled, so the next press opens a new
 * incident of its own. */
static int
lat_press(struct lat *L, int64_t *page, int64_t *to_event)
{
	int64_t debounce_ns = (int64_t)L->o.debounce_ms * BENCH_NS_PER_MS;
	int64_t t_edge = bench_now_ns(), t_release, settle;
	char incident[PROTO_ID_MAX];

	if (bench_counterd_edge(&L->cd, 0, t_edge) < 0) {
		bench_note("sim socket: %s", strerror(errno));
		return -1;
	}
	if (lat_await_page(L, t_edge + debounce_ns, page, to_event,
	    incident) < 0)
		return -1;
	t_release = bench_now_ns();
	if (bench_counterd_edge(&L->cd, 1, t_release) < 0 || lat_resolve(L, incident) < 0 ||
	    lat_await_resolved(L, incident) < 0)
		return -1;
	L->presses_done++;
	/* the release must settle before the next edge, or the two would
	 * read as bounce */
	settle = t_release + debounce_ns + 2 * BENCH_NS_PER_MS - bench_now_ns();
	if (settle > 0)
		bench_sleep_ms((int)(settle / BENCH_NS_PER_MS) + 1);
	return bench_stopping ? -1 : 0;
}

/* Silence for ms, as far as the daemons can tell. The pager keeps its own
 * Paho receive thread busy with a message to itself every 250 ms, so that
 * its idle sleep (see LAT_SILENCE_*) does not count against them. */
static int
lat_silence(struct lat *L, int ms)
{
	int64_t end = bench_now_ns() + (int64_t)ms * BENCH_NS_PER_MS;

	while (!bench_stopping) {
		int64_t now = bench_now_ns(), next = now + 250 * BENCH_NS_PER_MS;
		struct mqtt_ev ev;

		if (now >= end)
			return 0;
		mqtt_publish(L->pager, L->t_self, "awake", 5, 1, 0, NULL);
		while (bench_next(L->pager, &ev, next < end ? next : end))
			mqtt_ev_release(&ev);
	}
	return -1;
}

static int
lat_run_alloc(struct lat_run *r, int n)
{
	r->n = n;
	r->page = calloc((size_t)n, sizeof *r->page);
	r->to_event = calloc((size_t)n, sizeof *r->to_event);
	r->to_page = calloc((size_t)n, sizeof *r->to_page);
	return r->page && r->to_event && r->to_page ? 0 : -1;
}

static void
lat_run_free(struct lat_run *r)
{
	free(r->page);
	free(r->to_event);
	free(r->to_page);
}

/* warmup presses unmeasured, then r->n; silence_ms > 0: a silence of
 * silence_ms plus up to LAT_SILENCE_SPAN_MS before each. */
static int
lat_presses(struct lat *L, struct lat_run *r, int warmup, int silence_ms,
    const char *what)
{
	int64_t p, e, c0, h0;

	if (lat_run_alloc(r, r->n) < 0)
		return -1;
	for (int i = 0; i < warmup; i++) {
		if (lat_press(L, &p, &e) < 0)
			return -1;
		if (L->presses_done == 1)
			L->cold_ns = p;
	}
	c0 = bench_cpu_ms(L->counterd);
	h0 = bench_cpu_ms(L->hubd);
	for (int i = 0; i < r->n; i++) {
		if (silence_ms > 0 && lat_silence(L, silence_ms +
		    (int)(random() % LAT_SILENCE_SPAN_MS)) < 0)
			return -1;
		if (lat_press(L, &r->page[i], &r->to_event[i]) < 0)
			return -1;
		r->to_page[i] = r->page[i] - r->to_event[i];
		if ((i + 1) % 250 == 0 || (silence_ms > 0 && (i + 1) % 20 == 0))
			bench_note("%s: %d of %d presses", what, i + 1, r->n);
	}
	r->cpu_counterd_ms = bench_cpu_ms(L->counterd) - c0;
	r->cpu_hubd_ms = bench_cpu_ms(L->hubd) - h0;
	return 0;
}

/* ---- helpers: load and relay ----------------------------------------- */

static int
lat_helper(struct lat *L, const char *name, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/%s", L->o.helpers, name) < (int)size ?
	    0 : -1;
}

static int
lat_load_start(struct lat *L)
{
	char exe[512], port[16], counters[16], rate[16];
	const char *args[] = { "-p", port, "-s", LAT_SITE, "-c", counters,
	    "-i", "30", "-r", rate, "-t", "600", NULL };

	snprintf(port, sizeof port, "%d", L->port);
	snprintf(counters, sizeof counters, "%d", L->o.load_counters);
	snprintf(rate, sizeof rate, "%d", L->o.load_rate);
	if (lat_helper(L, "bench_load", exe, sizeof exe) < 0 ||
	    (L->load = bench_spawn(&L->w, "load", exe, args)) < 0)
		return -1;
	/* the first round of "online" statuses takes a second; let the hub
	 * take them in before measuring */
	bench_sleep_ms(2000);
	if (waitpid(L->load, NULL, WNOHANG) != 0) {
		bench_note("load generator exited early");
		return -1;
	}
	return 0;
}

/* Stop the load; read back what it did. */
static void
lat_load_stop(struct lat *L)
{
	char line[256];
	FILE *f;

	L->load_sent = L->load_recv = L->load_statuses = L->load_refused = -1;
	bench_stop(&L->w, L->load, 3000);
	L->load = 0;
	if (!(f = fopen(bench_path(&L->w, "load.log"), "r")))
		return;
	while (fgets(line, sizeof line, f))
		sscanf(line, "load: seconds=%lf statuses=%lld noise_sent=%lld "
		    "noise_recv=%lld refused=%lld", &L->load_s, &L->load_statuses,
		    &L->load_sent, &L->load_recv, &L->load_refused);
	fclose(f);
}

/* Start bench_relay on port (nodelay 0: it clears TCP_NODELAY) and wait
 * until it is subscribed. */
static pid_t
lat_relay_start(struct lat *L, int port, int nodelay, const char *log)
{
	char exe[512], p[16];
	const char *args[] = { "-p", p, nodelay ? NULL : "-n", NULL };
	pid_t pid;

	snprintf(p, sizeof p, "%d", port);
	if (lat_helper(L, "bench_relay", exe, sizeof exe) < 0 ||
	    (pid = bench_spawn(&L->w, log, exe, args)) < 0 ||
	    bench_wait_log(&L->w, log, nodelay ? "relay: ready, TCP_NODELAY set" :
	    "relay: ready, TCP_NODELAY cleared", 10000) < 0)
		return -1;
	return pid;
}

/* ---- floors ------------------------------------------------------------- */

static int
lat_rt(struct mqtt *m, const char *pub, const char *sub, int n,
    struct lat_rt *r)
{
	if (!(r->v = calloc((size_t)n, sizeof *r->v)))
		return -1;
	r->n = n;
	if (bench_round_trips(m, pub, sub, n / 20 + 1, n, r->v) < 0)
		return -1;
	bench_stats(r->v, (size_t)n, &r->st);
	return 0;
}

static int
lat_floors(struct lat *L, struct lat_rt *self, struct lat_rt *relay)
{
	char t_self[128];

	bench_self_topic("bench-pager", t_self, sizeof t_self);
	if (lat_rt(L->pager, t_self, t_self, L->o.floor_n, self) < 0)
		return -1;
	return lat_rt(L->pager, LAT_RELAY_IN, LAT_RELAY_OUT, L->o.floor_n,
	    relay);
}

/* The Nagle guard: its own broker without set_tcp_nodelay, a client and a
 * relay whose sockets have TCP_NODELAY cleared again after the wrapper set
 * it: the same two floors, fewer times (each may take ~40-90 ms). */
static int
lat_nagle(struct lat *L)
{
	static const char *const subs[] = { LAT_RELAY_OUT };
	char t_self[128];
	pid_t broker, relay = -1;
	int port = bench_broker(&L->w, "mosquitto-nagle", 0, &broker), rc = -1;
	struct mqtt *m = NULL;

	if (port < 0 || !(m = bench_client(port, "bench-nagle", subs, 1)) ||
	    (relay = lat_relay_start(L, port, 0, "relay-nagle")) < 0)
		goto out;
	L->cleared = bench_tcp_nodelay(port, 0);
	bench_self_topic("bench-nagle", t_self, sizeof t_self);
	if (lat_rt(m, t_self, t_self, L->o.nagle_n, &L->self_nagle) < 0 ||
	    lat_rt(m, LAT_RELAY_IN, LAT_RELAY_OUT, L->o.nagle_n,
	    &L->relay_nagle) < 0)
		goto out;
	rc = 0;
out:
	mqtt_free(m);
	if (relay > 0)
		bench_stop(&L->w, relay, 1000);
	if (port > 0)
		bench_stop(&L->w, broker, 1000);
	return rc;
}

/* ---- the table and the JSON --------------------------------------------- */

/* ---- the table and the JSON --------------------------------------------- */

static const char *
lat_verdict(double v, double target)
{
	return target <= 0 ? "" : v < target ? "met" : "MISSED";
}

static void
lat_ratio(char *buf, size_t size, const struct bench_stats *st,
    const struct bench_stats *base)
{
	if (base && base->median_ms > 0 && base->p99_ms > 0)
		snprintf(buf, size, "%.1fx / %.1fx", st->median_ms /
		    base->median_ms, st->p99_ms / base->p99_ms);
	else
		buf[0] = '\0';
}

/* One latency row: v (sorted or not) against the self floor and the relay
 * floor when given, and a p99 target when > 0. */
static void
lat_row(const char *id, const char *label, int64_t *v, int n,
    const struct bench_stats *self, const struct bench_stats *relay,
    double target_ms)
{
	struct bench_stats st;
	char r_self[32], r_relay[32], target[32] = "";

	bench_stats(v, (size_t)n, &st);
	lat_ratio(r_self, sizeof r_self, &st, self);
	lat_ratio(r_relay, sizeof r_relay, &st, relay);
	if (target_ms > 0)
		snprintf(target, sizeof target, "p99 < %g ms: %s", target_ms,
		    lat_verdict(st.p99_ms, target_ms));
	printf("  %-40s %5d %8.3f %8.3f %8.3f  %-14s %-14s %s\n", label, n,
	    st.median_ms, st.p99_ms, st.max_ms, r_self, r_relay, target);
	bench_json("\"suite\":\"latency\",\"id\":\"%s\",\"label\":\"%s\","
	    "\"unit\":\"ms\",\"n\":%d,\"median\":%.4f,\"p99\":%.4f,"
	    "\"max\":%.4f,\"min\":%.4f,\"mean\":%.4f,"
	    "\"vs_floor_median\":%.2f,\"vs_floor_p99\":%.2f,"
	    "\"vs_relay_median\":%.2f,\"vs_relay_p99\":%.2f,"
	    "\"target_p99\":%g,\"met\":%s", id, label, n, st.median_ms,
	    st.p99_ms, st.max_ms, st.min_ms, st.mean_ms,
	    self ? st.median_ms / self->median_ms : 0,
	    self ? st.p99_ms / self->p99_ms : 0,
	    relay ? st.median_ms / relay->median_ms : 0,
	    relay ? st.p99_ms / relay->p99_ms : 0, target_ms,
	    target_ms <= 0 ? "null" : st.p99_ms < target_ms ? "true" : "false");
}

static void
lat_mem_row(const char *id, const char *label, const struct bench_mem *m,
    double budget_mb)
{
	char target[48] = "";

	if (budget_mb > 0)
		snprintf(target, sizeof target, "RSS < %g MB: %s", budget_mb,
		    lat_verdict((double)m->rss_kb / 1024, budget_mb));
	printf("  %-40s %8.2f %8.2f %8.2f %8.2f %8.2f  %s\n", label,
	    m->rss_kb / 1024.0, m->hwm_kb / 1024.0, m->pss_kb / 1024.0,
	    m->anon_kb / 1024.0, m->tls_rss_kb / 1024.0, target);
	bench_json("\"suite\":\"latency\",\"id\":\"%s\",\"label\":\"%s\","
	    "\"unit\":\"kB\",\"vm_rss\":%ld,\"vm_hwm\":%ld,\"pss\":%ld,"
	    "\"rss_anon\":%ld,\"rss_file\":%ld,\"tls_rss\":%ld,\"tls_pss\":%ld,"
	    "\"sqlite_rss\":%ld,\"budget_rss_mb\":%g,\"met\":%s", id, label,
	    m->rss_kb, m->hwm_kb, m->pss_kb, m->anon_kb, m->file_kb,
	    m->tls_rss_kb, m->tls_pss_kb, m->sqlite_rss_kb, budget_mb,
	    budget_mb <= 0 ? "null" : m->rss_kb < budget_mb * 1024 ? "true" :
	    "false");
}

static void
lat_cpu_row(const char *id, const char *label, int64_t ms, int n)
{
	printf("  %-40s %8.3f ms per press (%lld ms over %d presses)\n", label,
	    n > 0 ? (double)ms / n : 0, (long long)ms, n);
	bench_json("\"suite\":\"latency\",\"id\":\"%s\",\"label\":\"%s\","
	    "\"unit\":\"ms\",\"cpu_ms\":%lld,\"presses\":%d,\"per_press\":%.4f",
	    id, label, (long long)ms, n, n > 0 ? (double)ms / n : 0);
}

static void
lat_print(struct lat *L)
{
	static const char *const when[3] = { "idle after start",
	    "after quiet presses", "after loaded presses" };
	int n = L->o.presses, nmem = L->o.loaded ? 3 : 2, slow = 0;
	char label[80], id[32];

	printf("  %-40s %5s %8s %8s %8s  %-14s %-14s %s\n", "latency (ms)", "n",
	    "median", "p99", "max", "vs floor", "vs relay", "target");
	printf("  %-40s %5s %8s %8s %8s  %-14s %-14s\n", "", "", "", "", "",
	    "(median/p99)", "(median/p99)");
	lat_row("floor", "floor: QoS 1 to self", L->self_q.v, L->self_q.n,
	    NULL, NULL, 0);
	lat_row("floor_relay", "relay floor: to self via a relay",
	    L->relay_q.v, L->relay_q.n, NULL, NULL, 0);
	lat_row("floor_nagle", "floor, no TCP_NODELAY (guard)",
	    L->self_nagle.v, L->self_nagle.n, &L->self_q.st, NULL, 0);
	lat_row("floor_relay_nagle", "relay floor, no TCP_NODELAY (guard)",
	    L->relay_nagle.v, L->relay_nagle.n, NULL, &L->relay_q.st, 0);
	lat_row("press_to_page_quiet", "press to page, quiet", L->quiet.page, n,
	    &L->self_q.st, &L->relay_q.st, LAT_TARGET_QUIET_MS);
	lat_row("press_to_page_tapped", "press to page, tapped (split below)",
	    L->split.page, L->split.n, &L->self_q.st, &L->relay_q.st, 0);
	lat_row("press_to_event", "  recognised -> event at the tap",
	    L->split.to_event, L->split.n, NULL, NULL, 0);
	lat_row("event_to_page", "  event at the tap -> page",
	    L->split.to_page, L->split.n, NULL, NULL, 0);
	for (int i = 0; i < L->silence.n; i++)
		slow += L->silence.page[i] > LAT_SLOW_MS * BENCH_NS_PER_MS;
	lat_row("press_to_page_silence", "press to page after 1-2 s silence",
	    L->silence.page, L->silence.n, &L->self_q.st, &L->relay_q.st, 0);
	printf("  %-40s %5d of %d over %g ms\n", "  delayed by Paho's idle sleep",
	    slow, L->silence.n, LAT_SLOW_MS);
	bench_json("\"suite\":\"latency\",\"id\":\"silence_slow\",\"label\":"
	    "\"presses after a silence slower than %g ms\",\"slow\":%d,\"n\":%d",
	    LAT_SLOW_MS, slow, L->silence.n);
	lat_row("press_to_page_cold", "first press, 1 s after start",
	    &L->cold_ns, 1, NULL, NULL, 0);
	if (L->o.loaded) {
		lat_row("floor_loaded", "floor, loaded", L->self_l.v, L->self_l.n,
		    &L->self_q.st, NULL, 0);
		lat_row("floor_relay_loaded", "relay floor, loaded", L->relay_l.v,
		    L->relay_l.n, NULL, &L->relay_q.st, 0);
		lat_row("press_to_page_loaded", "press to page, loaded",
		    L->loaded.page, n, &L->self_l.st, &L->relay_l.st,
		    LAT_TARGET_LOADED_MS);
		printf("  load: %d boards' retained heartbeats every 30 s and %d"
		    " msg/s QoS 1 beside: sent %lld in %.1f s\n  (%.0f/s), read"
		    " back %lld, %lld statuses, %lld refused\n",
		    L->o.load_counters, L->o.load_rate, L->load_sent, L->load_s,
		    L->load_s > 0 ? L->load_sent / L->load_s : 0, L->load_recv,
		    L->load_statuses, L->load_refused);
		bench_json("\"suite\":\"latency\",\"id\":\"load\",\"counters\":%d,"
		    "\"rate\":%d,\"seconds\":%.3f,\"noise_sent\":%lld,"
		    "\"noise_recv\":%lld,\"statuses\":%lld,\"refused\":%lld",
		    L->o.load_counters, L->o.load_rate, L->load_s, L->load_sent,
		    L->load_recv, L->load_statuses, L->load_refused);
	}
	printf("  debounce before recognition, not in the above: %d ms; %d"
	    " warm-up presses not counted;\n  TCP_NODELAY cleared on %d client"
	    " socket(s) for the guard\n", L->o.debounce_ms, L->o.warmup,
	    L->cleared);
	bench_json("\"suite\":\"latency\",\"id\":\"debounce\",\"unit\":\"ms\","
	    "\"value\":%d,\"warmup\":%d,\"nodelay_cleared\":%d",
	    L->o.debounce_ms, L->o.warmup, L->cleared);

	printf("\n");
	lat_cpu_row("cpu_counterd_quiet", "counterd CPU, quiet",
	    L->quiet.cpu_counterd_ms, n);
	lat_cpu_row("cpu_hubd_quiet", "hubd CPU, quiet", L->quiet.cpu_hubd_ms, n);
	if (L->o.loaded) {
		lat_cpu_row("cpu_counterd_loaded", "counterd CPU, loaded",
		    L->loaded.cpu_counterd_ms, n);
		lat_cpu_row("cpu_hubd_loaded", "hubd CPU, loaded (+ heartbeats)",
		    L->loaded.cpu_hubd_ms, n);
	}

	printf("\n  %-40s %8s %8s %8s %8s %8s  %s\n", "memory (MiB)", "VmRSS",
	    "VmHWM", "Pss", "RssAnon", "TLS libs", "budget");
	for (int i = 0; i < nmem; i++) {
		snprintf(label, sizeof label, "counterd, %s", when[i]);
		snprintf(id, sizeof id, "mem_counterd_%d", i);
		lat_mem_row(id, label, &L->mem_c[i], LAT_COUNTERD_BUDGET_MB);
	}
	for (int i = 0; i < nmem; i++) {
		snprintf(label, sizeof label, "hubd, %s", when[i]);
		snprintf(id, sizeof id, "mem_hubd_%d", i);
		lat_mem_row(id, label, &L->mem_h[i], 0);
	}
	printf("  (both over plain TCP: Paho loaded at run time, libpaho-mqtt3a;"
	    " TLS libs = libcrypto + libssl mappings)\n");
	fflush(stdout);
}

/* ---- main --------------------------------------------------------------- */

static void
lat_options(int argc, char **argv, struct lat_opts *o)
{
	static char helpers[512];
	char *slash;
	int ch;

	*o = (struct lat_opts){ .bindir = "bin", .presses = 1000,
	    .split_n = 200, .silence_n = 60, .floor_n = 1000, .nagle_n = 100,
	    .warmup = 20, .debounce_ms = 20, .load_counters = 500,
	    .load_rate = 1000, .loaded = 1 };
	/* bench_load and bench_relay live beside this program */
	snprintf(helpers, sizeof helpers, "%s", argv[0]);
	if ((slash = strrchr(helpers, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(helpers, sizeof helpers, ".");
	o->helpers = helpers;
	while ((ch = getopt(argc, argv, "b:j:H:n:t:s:f:N:w:d:c:r:q")) != -1) {
		switch (ch) {
		case 'b': o->bindir = optarg; break;
		case 'j': o->json = optarg; break;
		case 'H': o->helpers = optarg; break;
		case 'n': o->presses = atoi(optarg); break;
		case 't': o->split_n = atoi(optarg); break;
		case 's': o->silence_n = atoi(optarg); break;
		case 'f': o->floor_n = atoi(optarg); break;
		case 'N': o->nagle_n = atoi(optarg); break;
		case 'w': o->warmup = atoi(optarg); break;
		case 'd': o->debounce_ms = atoi(optarg); break;
		case 'c': o->load_counters = atoi(optarg); break;
		case 'r': o->load_rate = atoi(optarg); break;
		case 'q': o->loaded = 0; break;
		default: usage();
		}
	}
	if (optind != argc || o->presses < 1 || o->split_n < 1 ||
	    o->silence_n < 1 || o->floor_n < 1 || o->nagle_n < 1 ||
	    o->warmup < 1 || o->debounce_ms < 1)
		usage();
}

/* The tap: a second client on the event topic, only for the split run. */
static int
lat_split(struct lat *L)
{
	const char *const subs[] = { L->t_event };
	int rc;

	if (!(L->tap = bench_client(L->port, "bench-tap", subs, 1)))
		return -1;
	rc = lat_presses(L, &L->split, 2, 0, "split");
	mqtt_free(L->tap);
	L->tap = NULL;
	return rc;
}

static int
lat_main(struct lat *L)
{
	const char *const subs[] = { L->t_page, L->t_feedback, L->t_status,
	    L->t_hub, LAT_RELAY_OUT };

	lat_topics(L);
	bench_self_topic("bench-pager", L->t_self, sizeof L->t_self);
	if ((L->port = bench_broker(&L->w, "mosquitto", 1, &L->broker)) < 0 ||
	    !(L->pager = bench_client(L->port, "bench-pager", subs, 5)) ||
	    (L->relay = lat_relay_start(L, L->port, 1, "relay")) < 0)
		return -1;
	bench_note("floors: %d QoS 1 round trips each, to self and via a relay",
	    L->o.floor_n);
	if (lat_floors(L, &L->self_q, &L->relay_q) < 0)
		return -1;
	bench_note("Nagle guard: %d round trips each without TCP_NODELAY",
	    L->o.nagle_n);
	if (lat_nagle(L) < 0 || lat_configs(L) < 0 || lat_start_daemons(L) < 0 ||
	    lat_silence(L, 1000) < 0)
		return -1;
	bench_mem_read(L->counterd, &L->mem_c[0]);
	bench_mem_read(L->hubd, &L->mem_h[0]);

	bench_note("press to page, quiet: %d presses (+%d warm-up)",
	    L->o.presses, L->o.warmup);
	L->quiet.n = L->o.presses;
	if (lat_presses(L, &L->quiet, L->o.warmup, 0, "quiet") < 0)
		return -1;
	bench_mem_read(L->counterd, &L->mem_c[1]);
	bench_mem_read(L->hubd, &L->mem_h[1]);
	bench_note("press to page, tapped: %d presses", L->o.split_n);
	L->split.n = L->o.split_n;
	if (lat_split(L) < 0)
		return -1;
	bench_note("press to page after 1-2 s of silence: %d presses",
	    L->o.silence_n);
	L->silence.n = L->o.silence_n;
	if (lat_presses(L, &L->silence, 0, LAT_SILENCE_MIN_MS, "silence") < 0)
		return -1;
	if (L->o.loaded) {
		bench_note("load: %d boards' heartbeats + %d msg/s; floors again",
		    L->o.load_counters, L->o.load_rate);
		if (lat_load_start(L) < 0 ||
		    lat_floors(L, &L->self_l, &L->relay_l) < 0)
			return -1;
		bench_note("press to page, loaded: %d presses (+%d warm-up)",
		    L->o.presses, L->o.warmup);
		L->loaded.n = L->o.presses;
		if (lat_presses(L, &L->loaded, L->o.warmup, 0, "loaded") < 0)
			return -1;
		bench_mem_read(L->counterd, &L->mem_c[2]);
		bench_mem_read(L->hubd, &L->mem_h[2]);
		lat_load_stop(L);
	}
	lat_print(L);
	return 0;
}

static void
lat_free(struct lat *L)
{
	struct lat_rt *rts[] = { &L->self_q, &L->relay_q, &L->self_nagle,
	    &L->relay_nagle, &L->self_l, &L->relay_l };
	struct lat_run *runs[] = { &L->quiet, &L->split, &L->silence,
	    &L->loaded };

	if (L->pager)
		mqtt_free(L->pager);
	if (L->tap)
		mqtt_free(L->tap);
	bench_counterd_close(&L->cd);
	for (size_t i = 0; i < sizeof rts / sizeof *rts; i++)
		free(rts[i]->v);
	for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
		lat_run_free(runs[i]);
}

int
main(int argc, char **argv)
{
	static struct lat L;
	int rc;

	lat_options(argc, argv, &L.o);
	bench_set_suite("latency");
	bench_signals();
	/* the same silences every run */
	srandom(1);
	L.cd.sim_fd = -1;
	L.cold_ns = -1;
	if (bench_json_open(L.o.json) < 0 ||
	    bench_world_init(&L.w, "panic-bench-latency", L.o.bindir) < 0)
		return 1;
	rc = lat_main(&L);
	/* a clean stop, so the daemons' teardown runs as in service */
	if (L.counterd > 0)
		bench_stop(&L.w, L.counterd, 3000);
	if (L.hubd > 0)
		bench_stop(&L.w, L.hubd, 3000);
	lat_free(&L);
	bench_world_free(&L.w, rc < 0);
	bench_json_close();
	return rc < 0 ? 1 : 0;
}
