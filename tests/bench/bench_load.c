/* bench_load.c: background load for the press-to-page bench, from one
 * process through common/mqtt.h — N simulated counter boards' retained
 * status heartbeats (docs/PROTOCOL.md 6.2: an "online" status on start,
 * then one every interval, spread evenly) and R messages a second of other
 * QoS 1 traffic on bench/noise/..., which the hub does not subscribe to and
 * this process reads back (so the broker carries it both ways). Runs until
 * SIGTERM or -t seconds, then prints one line of what it did. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "bench.h"
#include "clock.h"
#include "proto.h"

#define LOAD_COUNTERS_MAX	5000
#define LOAD_RAMP_MS		1000	/* the first "online" round */
#define LOAD_TICK_NS		1000000	/* 1 ms: paces the other traffic */

struct load {
	struct mqtt *m;
	const char *site;
	int ncounters, interval_s, rate;
	int64_t start_ns;
	int64_t *next_ns;		/* per counter: its next status */
	uint32_t *hb;
	uint64_t statuses, noise_sent, noise_recv, refused;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_load -p PORT [-s SITE] [-c COUNTERS] "
	    "[-i INTERVAL_S] [-r MSGS_PER_S] [-t SECONDS]\n");
	exit(2);
}

static void
load_status(struct load *l, int k)
{
	struct proto_status st = { .online = 1, .hb = l->hb[k],
	    .interval_s = (uint32_t)l->interval_s, .nbuttons = 1,
	    .noutputs = 1 };
	char topic[PROTO_TOPIC_MAX], buf[1024];
	int n;

	bench_board_id(k, st.counter, sizeof st.counter);
	snprintf(st.boot, sizeof st.boot, "bench");
	snprintf(st.fw, sizeof st.fw, "bench");
	snprintf(st.buttons[0], sizeof st.buttons[0], "main");
	snprintf(st.outputs[0], sizeof st.outputs[0], "desk");
	st.at_ms = clock_wall_ms();
	if (proto_topic_build(topic, sizeof topic, NULL, l->site,
	    PROTO_TOPIC_STATUS, st.counter) < 0 ||
	    (n = proto_encode_status(&st, buf, sizeof buf)) < 0)
		return;
	if (mqtt_publish(l->m, topic, buf, (size_t)n, 1, 1, NULL) < 0) {
		l->refused++;
		return;
	}
	l->statuses++;
	l->hb[k]++;
	/* after the first round, counter k keeps its slot k/N of the
	 * interval, so heartbeats arrive evenly, N/interval a second */
	l->next_ns[k] = l->start_ns + (int64_t)k * l->interval_s * 1000000000LL /
	    l->ncounters + (int64_t)l->hb[k] * l->interval_s * 1000000000LL;
}

static void
load_tick(struct load *l, int64_t now_ns)
{
	uint64_t due = (uint64_t)((now_ns - l->start_ns) / 1000) *
	    (uint64_t)l->rate / 1000000;
	char payload[128];

	for (int k = 0; k < l->ncounters; k++)
		if (now_ns >= l->next_ns[k])
			load_status(l, k);
	while (l->noise_sent < due) {
		char topic[64];
		int n = snprintf(payload, sizeof payload,
		    "{\"v\":1,\"n\":%llu,\"pad\":\"%s\"}",
		    (unsigned long long)l->noise_sent,
		    "....................................................");

		snprintf(topic, sizeof topic, "bench/noise/%llu",
		    (unsigned long long)(l->noise_sent % 16));
		if (mqtt_publish(l->m, topic, payload, (size_t)n, 1, 0,
		    NULL) < 0) {
			l->refused++;
			break;		/* try again next tick */
		}
		l->noise_sent++;
	}
}

int
main(int argc, char **argv)
{
	static const char *const subs[] = { "bench/noise/#" };
	struct load l = { .site = "b", .ncounters = 500, .interval_s = 30,
	    .rate = 1000 };
	struct itimerspec its = { { 0, LOAD_TICK_NS }, { 0, LOAD_TICK_NS } };
	struct pollfd pfd[2];
	int port = -1, limit_s = 600, ch;
	int64_t end_ns;
	char id[64];

	while ((ch = getopt(argc, argv, "p:s:c:i:r:t:")) != -1) {
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 's': l.site = optarg; break;
		case 'c': l.ncounters = atoi(optarg); break;
		case 'i': l.interval_s = atoi(optarg); break;
		case 'r': l.rate = atoi(optarg); break;
		case 't': limit_s = atoi(optarg); break;
		default: usage();
		}
	}
	if (port <= 0 || l.ncounters < 1 || l.ncounters > LOAD_COUNTERS_MAX ||
	    l.interval_s < 1 || l.rate < 0 || limit_s < 1 || optind != argc)
		usage();
	bench_set_suite("load");
	bench_signals();
	snprintf(id, sizeof id, "bench-load-%d", (int)getpid());
	if (!(l.m = bench_client(port, id, subs, 1)))
		return 1;
	l.next_ns = calloc((size_t)l.ncounters, sizeof *l.next_ns);
	l.hb = calloc((size_t)l.ncounters, sizeof *l.hb);
	if (!l.next_ns || !l.hb)
		return 1;
	l.start_ns = bench_now_ns();
	end_ns = l.start_ns + (int64_t)limit_s * 1000000000LL;
	for (int k = 0; k < l.ncounters; k++)
		l.next_ns[k] = l.start_ns + (int64_t)k * LOAD_RAMP_MS *
		    BENCH_NS_PER_MS / l.ncounters;
	pfd[0] = (struct pollfd){ .fd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = mqtt_fd(l.m), .events = POLLIN };
	if (pfd[0].fd < 0 || timerfd_settime(pfd[0].fd, 0, &its, NULL) < 0)
		return 1;
	while (!bench_stopping) {
		struct mqtt_ev ev;
		uint64_t ticks;
		int64_t now;

		if (poll(pfd, 2, 100) < 0 && errno != EINTR)
			break;
		if (read(pfd[0].fd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
			break;
		while (mqtt_next(l.m, &ev)) {
			if (ev.type == MQTT_EV_MESSAGE)
				l.noise_recv++;
			mqtt_ev_release(&ev);
		}
		mqtt_service(l.m, clock_mono_ms());
		if ((now = bench_now_ns()) >= end_ns)
			break;
		load_tick(&l, now);
	}
	printf("load: seconds=%.3f statuses=%llu noise_sent=%llu "
	    "noise_recv=%llu refused=%llu\n",
	    (double)(bench_now_ns() - l.start_ns) / 1e9,
	    (unsigned long long)l.statuses, (unsigned long long)l.noise_sent,
	    (unsigned long long)l.noise_recv, (unsigned long long)l.refused);
	fflush(stdout);
	mqtt_disconnect(l.m, 500);
	mqtt_free(l.m);
	free(l.next_ns);
	free(l.hb);
	close(pfd[0].fd);
	return 0;
}
