/* bench_relay.c: the naive relay of the Nagle pitfall, as a process of its
 * own — every QoS 1 message on bench/relay/in is published again, QoS 1, on
 * bench/relay/out, through common/mqtt.h. It has the hub's shape (take a
 * message, publish another), minus the hub's work, so a client timing
 * in -> out measures the broker's four hops with one relay between: the
 * floor under press to page. -n clears TCP_NODELAY on its socket (after the
 * wrapper set it), for the Nagle guard. Runs until SIGTERM or -t seconds. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "clock.h"

#define RELAY_IN	"bench/relay/in"
#define RELAY_OUT	"bench/relay/out"

int
main(int argc, char **argv)
{
	static const char *const subs[] = { RELAY_IN };
	int port = -1, nodelay = 1, limit_s = 600, ch, cleared = -1;
	uint64_t relayed = 0, refused = 0;
	struct pollfd pfd;
	struct mqtt *m;
	int64_t end_ns;
	char id[64];

	while ((ch = getopt(argc, argv, "p:nt:")) != -1) {
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 'n': nodelay = 0; break;
		case 't': limit_s = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_relay -p PORT [-n] "
			    "[-t SECONDS]\n");
			return 2;
		}
	}
	if (port <= 0 || limit_s < 1)
		return 2;
	bench_set_suite("relay");
	bench_signals();
	snprintf(id, sizeof id, "bench-relay-%d", (int)getpid());
	if (!(m = bench_client(port, id, subs, 1)))
		return 1;
	if (!nodelay)
		cleared = bench_tcp_nodelay(port, 0);
	/* ready: the parent waits for this line in our log */
	printf("relay: ready, TCP_NODELAY %s\n", nodelay ? "set" :
	    cleared > 0 ? "cleared" : "NOT cleared");
	fflush(stdout);
	pfd = (struct pollfd){ .fd = mqtt_fd(m), .events = POLLIN };
	end_ns = bench_now_ns() + (int64_t)limit_s * 1000000000LL;
	while (!bench_stopping && bench_now_ns() < end_ns) {
		struct mqtt_ev ev;

		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		mqtt_service(m, clock_mono_ms());
		while (mqtt_next(m, &ev)) {
			if (ev.type == MQTT_EV_MESSAGE &&
			    strcmp(ev.topic, RELAY_IN) == 0) {
				if (mqtt_publish(m, RELAY_OUT, ev.payload, ev.len,
				    1, 0, NULL) == 0)
					relayed++;
				else
					refused++;
			}
			mqtt_ev_release(&ev);
		}
	}
	printf("relay: relayed=%llu refused=%llu\n",
	    (unsigned long long)relayed, (unsigned long long)refused);
	fflush(stdout);
	mqtt_free(m);
	return 0;
}
