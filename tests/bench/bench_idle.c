/* bench_idle.c: counterd at rest. bin/counterd on a private mosquitto over
 * plain TCP (so common/mqtt.c loads libpaho-mqtt3a, no TLS libraries): once
 * connected and settled, count over a window (default 60 s) every thread's
 * wake-ups
 * (/proc/PID/task/TID/schedstat, context switches) and CPU time, against
 * the heartbeats seen on the wire; then their memory. heartbeat_s = 30 and
 * keepalive_s = 15, the defaults. Table rows to stdout, JSON lines to -j;
 * "measuring" on stderr when the window opens, "done" when the figures are
 * out (the driver's cues when this suite runs beside others). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "clock.h"
#include "proto.h"

#define IDLE_SITE	"b"
/* One board today; the TLS work (issue 9) adds the same counterd with a TLS
 * config beside it. */
#define IDLE_VARIANTS	1
#define IDLE_HEARTBEAT_S 30
#define IDLE_KEEPALIVE_S 15

struct idle_board {
	const char *label;		/* "counterd (plain TCP)" */
	const char *id;			/* JSON id part */
	const char *counter;
	char exe[512];
	pid_t pid;
	char t_status[PROTO_TOPIC_MAX];
	int online, heartbeats;
	struct bench_thread t0[BENCH_THREADS_MAX], t1[BENCH_THREADS_MAX];
	int n0, n1;
	int64_t cpu0_ms, cpu1_ms;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_idle [-k] [-b BINDIR] [-j JSON] "
	    "[-s SECONDS]\n"
	    "  -k  after the figures, hold the world until SIGTERM\n");
	exit(2);
}

static int
idle_start(struct bench_world *w, int port, struct idle_board *b)
{
	char conf[64], db[64], sock[64];
	const char *args[] = { "-c", NULL, NULL };

	snprintf(conf, sizeof conf, "%s.conf", b->counter);
	snprintf(db, sizeof db, "%s.db", b->counter);
	snprintf(sock, sizeof sock, "%s.sock", b->counter);
	if (!bench_write(w, conf,
	    "site = \"" IDLE_SITE "\";\ncounter = \"%s\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = %d; };\n"
	    "outbox = \"%s\";\nheartbeat_s = %d;\nlog_level = \"info\";\n"
	    "gpio = { backend = \"sim\"; sim_socket = \"%s\"; };\n"
	    "buttons = ( { name = \"main\"; } );\n"
	    "outputs = ( { name = \"desk\"; role = \"status\"; } );\n",
	    b->counter, port, IDLE_KEEPALIVE_S, bench_path(w, db),
	    IDLE_HEARTBEAT_S, bench_path(w, sock)))
		return -1;
	args[1] = bench_path(w, conf);
	proto_topic_build(b->t_status, sizeof b->t_status, NULL, IDLE_SITE,
	    PROTO_TOPIC_STATUS, b->counter);
	return (b->pid = bench_spawn(w, b->counter, b->exe, args)) < 0 ? -1 : 0;
}

/* Pump the observer until deadline, counting each board's online
 * statuses (the first after connect, then heartbeats). */
static void
idle_watch(struct mqtt *obs, struct idle_board *b, int nb, int64_t deadline)
{
	struct mqtt_ev ev;

	while (bench_next(obs, &ev, deadline)) {
		for (int i = 0; ev.type == MQTT_EV_MESSAGE && i < nb; i++) {
			struct proto_status st;

			if (strcmp(ev.topic, b[i].t_status) == 0 &&
			    proto_decode_status((char *)ev.payload, ev.len, &st,
			    NULL) == 0 && st.online) {
				b[i].online = 1;
				b[i].heartbeats++;
			}
		}
		mqtt_ev_release(&ev);
	}
}

static int
idle_all_online(const struct idle_board *b, int nb)
{
	for (int i = 0; i < nb; i++)
		if (!b[i].online)
			return 0;
	return 1;
}

static const struct bench_thread *
idle_find(const struct bench_thread *t, int n, pid_t tid)
{
	for (int i = 0; i < n; i++)
		if (t[i].tid == tid)
			return &t[i];
	return NULL;
}

/* One row per thread of the board: what happened in the window. */
static void
idle_rows(const struct idle_board *b, int secs)
{
	uint64_t main_vol = 0, other_runs = 0;
	int paho = 0, allowed = 3 * b->heartbeats, met;

	printf("  %s, pid %d: %d heartbeat(s) seen in the window\n", b->label,
	    (int)b->pid, b->heartbeats);
	for (int i = 0; i < b->n1; i++) {
		const struct bench_thread *x = &b->t1[i];
		const struct bench_thread *a = idle_find(b->t0, b->n0, x->tid);
		struct bench_thread d = { 0 };
		int is_main = x->tid == b->pid;
		char who[48];

		if (a) {
			d.slices = x->slices - a->slices;
			d.vol = x->vol - a->vol;
			d.invol = x->invol - a->invol;
			d.run_ns = x->run_ns - a->run_ns;
		} else {
			d = *x;		/* started inside the window */
		}
		if (is_main)
			snprintf(who, sizeof who, "main loop (%s)", x->comm);
		else
			snprintf(who, sizeof who, "library thread %d (%s)", ++paho,
			    x->comm);
		if (is_main)
			main_vol += d.vol;
		else
			other_runs += d.slices;
		printf("    %-42s %8llu %8llu %8llu %9.3f %8.2f\n", who,
		    (unsigned long long)d.slices, (unsigned long long)d.vol,
		    (unsigned long long)d.invol, (double)d.run_ns / 1e6,
		    (double)d.slices / secs);
		bench_json("\"suite\":\"idle\",\"id\":\"wakeups_%s_%s\","
		    "\"label\":\"%s: %s\",\"seconds\":%d,\"runs\":%llu,"
		    "\"voluntary\":%llu,\"involuntary\":%llu,\"cpu_ms\":%.3f,"
		    "\"main\":%s", b->id, is_main ? "main" : x->comm, b->label,
		    who, secs, (unsigned long long)d.slices,
		    (unsigned long long)d.vol, (unsigned long long)d.invol,
		    (double)d.run_ns / 1e6, is_main ? "true" : "false");
	}
	/* A heartbeat wakes the loop twice: its timer, then the broker's
	 * PUBACK through the eventfd. Its publish may also block once on
	 * Paho's mutex while the send thread holds it: a voluntary switch
	 * that is no wake-up of the loop. Keep-alive pings are Paho's own
	 * and never reach the loop. "runs" also counts preemptions. */
	met = main_vol <= (uint64_t)allowed;
	printf("    %-42s %8llu sleeps for %d heartbeat(s), allowed %d"
	    " (2 wake-ups + 1 lock wait each): %s\n", "main loop, target",
	    (unsigned long long)main_vol, b->heartbeats, allowed,
	    met ? "met" : "MISSED");
	printf("    %-42s %8llu runs (%.2f/s): Paho's own timeouts\n",
	    "library threads, together", (unsigned long long)other_runs,
	    (double)other_runs / secs);
	printf("    %-42s %8lld ms utime+stime over %d s\n", "CPU",
	    (long long)(b->cpu1_ms - b->cpu0_ms), secs);
	bench_json("\"suite\":\"idle\",\"id\":\"idle_%s\",\"label\":\"%s idle\","
	    "\"seconds\":%d,\"heartbeats\":%d,\"main_voluntary\":%llu,"
	    "\"main_allowed\":%d,\"library_runs\":%llu,\"cpu_ms\":%lld,"
	    "\"met\":%s", b->id, b->label, secs, b->heartbeats,
	    (unsigned long long)main_vol, allowed,
	    (unsigned long long)other_runs, (long long)(b->cpu1_ms - b->cpu0_ms),
	    met ? "true" : "false");
}

static void
idle_mem_row(const struct idle_board *b)
{
	struct bench_mem m;

	if (bench_mem_read(b->pid, &m) < 0)
		return;
	printf("  %-44s %8.2f %8.2f %8.2f %8.2f %8.2f  RSS < 4 MB: %s\n",
	    b->label, m.rss_kb / 1024.0, m.hwm_kb / 1024.0, m.pss_kb / 1024.0,
	    m.anon_kb / 1024.0, m.tls_rss_kb / 1024.0,
	    m.rss_kb < 4 * 1024 ? "met" : "MISSED");
	bench_json("\"suite\":\"idle\",\"id\":\"mem_%s\",\"label\":\"%s, idle\","
	    "\"unit\":\"kB\",\"vm_rss\":%ld,\"vm_hwm\":%ld,\"pss\":%ld,"
	    "\"rss_anon\":%ld,\"rss_file\":%ld,\"tls_rss\":%ld,\"tls_pss\":%ld,"
	    "\"sqlite_rss\":%ld,\"budget_rss_mb\":4,\"met\":%s", b->id,
	    b->label, m.rss_kb, m.hwm_kb, m.pss_kb, m.anon_kb, m.file_kb,
	    m.tls_rss_kb, m.tls_pss_kb, m.sqlite_rss_kb,
	    m.rss_kb < 4 * 1024 ? "true" : "false");
}

/* The hub's retained "online", as hubd would leave it: without one the
 * boards would show "not ready" and blink, which is not idle. */
static int
idle_hub_online(struct mqtt *obs)
{
	struct proto_hub_status hs = { .online = 1 };
	char topic[PROTO_TOPIC_MAX], buf[512];
	int n;

	snprintf(hs.site, sizeof hs.site, IDLE_SITE);
	snprintf(hs.version, sizeof hs.version, "bench");
	hs.at_ms = clock_wall_ms();
	if (proto_topic_build(topic, sizeof topic, NULL, IDLE_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL) < 0 ||
	    (n = proto_encode_hub_status(&hs, buf, sizeof buf)) < 0)
		return -1;
	return mqtt_publish(obs, topic, buf, (size_t)n, 1, 1, NULL);
}

static int
idle_run(struct bench_world *w, struct idle_board *b, int secs, int hold)
{
	static const char *const subs[] = { "panic/" IDLE_SITE "/counter/+/status" };
	struct mqtt *obs = NULL;
	pid_t broker;
	int port, rc = -1;
	int64_t end;

	if ((port = bench_broker(w, "mosquitto", 1, &broker)) < 0 ||
	    !(obs = bench_client(port, "bench-idle-observer", subs, 1)) ||
	    idle_hub_online(obs) < 0)
		goto out;
	for (int i = 0; i < IDLE_VARIANTS; i++)
		if (idle_start(w, port, &b[i]) < 0)
			goto out;
	end = bench_now_ns() + 10000 * BENCH_NS_PER_MS;
	while (!idle_all_online(b, IDLE_VARIANTS) && bench_now_ns() < end &&
	    !bench_stopping)
		idle_watch(obs, b, IDLE_VARIANTS, bench_now_ns() +
		    100 * BENCH_NS_PER_MS);
	if (!idle_all_online(b, IDLE_VARIANTS)) {
		bench_note("the boards did not come online");
		goto out;
	}
	/* let the connect-time work (status, re-send round) finish */
	idle_watch(obs, b, IDLE_VARIANTS, bench_now_ns() + 2000 * BENCH_NS_PER_MS);
	/* the driver starts the other suites on this word */
	bench_note("measuring: %d s window, the boards connected and idle",
	    secs);
	for (int i = 0; i < IDLE_VARIANTS; i++) {
		b[i].heartbeats = 0;
		b[i].n0 = bench_threads_read(b[i].pid, b[i].t0, BENCH_THREADS_MAX);
		b[i].cpu0_ms = bench_cpu_ms(b[i].pid);
	}
	idle_watch(obs, b, IDLE_VARIANTS, bench_now_ns() +
	    (int64_t)secs * 1000 * BENCH_NS_PER_MS);
	if (bench_stopping)
		goto out;
	for (int i = 0; i < IDLE_VARIANTS; i++) {
		b[i].n1 = bench_threads_read(b[i].pid, b[i].t1, BENCH_THREADS_MAX);
		b[i].cpu1_ms = bench_cpu_ms(b[i].pid);
		if (b[i].n0 < 0 || b[i].n1 < 0) {
			bench_note("%s: cannot read its threads", b[i].label);
			goto out;
		}
	}
	printf("  %-44s %8s %8s %8s %9s %8s\n", "idle counterd (heartbeat_s 30,"
	    " keepalive_s 15)", "runs", "vol cs", "invol cs", "CPU ms", "per s");
	for (int i = 0; i < IDLE_VARIANTS; i++)
		idle_rows(&b[i], secs);
	printf("\n  %-44s %8s %8s %8s %8s %8s  %s\n", "memory (MiB), idle",
	    "VmRSS", "VmHWM", "Pss", "RssAnon", "TLS libs", "budget");
	for (int i = 0; i < IDLE_VARIANTS; i++)
		idle_mem_row(&b[i]);
	fflush(stdout);
	bench_json_close();
	rc = 0;
	/* Beside other suites, tearing down would disturb them: hold the
	 * (idle) world until stopped. */
	if (hold) {
		bench_note("done: holding until stopped");
		while (!bench_stopping)
			bench_sleep_ms(100);
	}
out:
	if (obs)
		mqtt_free(obs);
	for (int i = 0; i < IDLE_VARIANTS; i++)
		if (b[i].pid > 0)
			bench_stop(w, b[i].pid, 3000);
	return rc;
}

int
main(int argc, char **argv)
{
	static struct idle_board b[IDLE_VARIANTS] = {
		{ .label = "counterd (plain TCP)", .id = "plain",
		  .counter = "cplain" },
	};
	const char *bindir = "bin", *json = NULL;
	struct bench_world w;
	int secs = 60, hold = 0, ch, rc;

	while ((ch = getopt(argc, argv, "b:j:s:k")) != -1) {
		switch (ch) {
		case 'k': hold = 1; break;
		case 'b': bindir = optarg; break;
		case 'j': json = optarg; break;
		case 's': secs = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || secs < 1)
		usage();
	bench_set_suite("idle");
	bench_signals();
	snprintf(b[0].exe, sizeof b[0].exe, "%s/counterd", bindir);
	if (bench_json_open(json) < 0 ||
	    bench_world_init(&w, "panic-bench-idle", bindir) < 0)
		return 1;
	rc = idle_run(&w, b, secs, hold);
	bench_world_free(&w, rc < 0);
	bench_json_close();
	return rc < 0 ? 1 : 0;
}
