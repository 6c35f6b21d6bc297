/* test_mqtt.c: common/mqtt.c against a real mosquitto — delivery of exact
 * payload bytes, TCP_NODELAY on the broker socket, the Last Will,
 * reconnection with re-subscription after a broker restart, two clients
 * with one client id named in the log, and which Paho
 * library a plain client loads. This process never asks for TLS (the
 * harness's observer is a plain client too) and links neither libssl nor
 * libcrypto, so neither may appear in its maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "harness.h"
#include "mqtt.h"

struct client {
	struct mqtt *m;
	int connected, lost, got;
	char lost_detail[320];		/* the last LOST event's */
};

/* Pump one client until cond(c) or timeout; returns cond's last value. */
static int
client_wait(struct client *c, int (*cond)(struct client *), int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	struct mqtt_ev ev;

	while (!cond(c) && clock_mono_ms() < end) {
		struct pollfd pfd = { .fd = mqtt_fd(c->m), .events = POLLIN };
		int64_t t = mqtt_timeout_ms(c->m, clock_mono_ms());

		poll(&pfd, 1, t >= 0 && t < 50 ? (int)t : 50);
		mqtt_service(c->m, clock_mono_ms());
		while (mqtt_next(c->m, &ev)) {
			if (ev.type == MQTT_EV_CONNECTED)
				c->connected++;
			if (ev.type == MQTT_EV_LOST) {
				c->lost++;
				snprintf(c->lost_detail, sizeof c->lost_detail,
				    "%s", ev.detail);
			}
			if (ev.type == MQTT_EV_MESSAGE)
				c->got++;
			mqtt_ev_release(&ev);
		}
	}
	return cond(c);
}

static int
is_up(struct client *c)
{
	return mqtt_is_connected(c->m);
}

static int
got_message(struct client *c)
{
	return c->got > 0;
}

static int
was_lost(struct client *c)
{
	return c->lost > 0;
}

static struct mqtt *
client_new(struct harness *h, const char *id, const struct mqtt_will *w)
{
	struct mqtt_opts o = {
		.host = "127.0.0.1", .port = h->port, .client_id = id,
		.clean_session = 1, .will = w, .keepalive_s = 5,
		.reconnect_min_ms = 50, .reconnect_max_ms = 200,
	};

	return mqtt_new(&o);
}

static int
setup(void **state)
{
	*state = h_new();
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	return h_free(*state);
}

static void
test_payload_bytes_exact(void **state)
{
	struct harness *h = *state;
	struct client c = { 0 };
	static const unsigned char bin[] = { '{', 0, 0xff, '"', 'x' };
	const struct h_msg *m;

	c.m = client_new(h, "t-pub", NULL);
	assert_non_null(c.m);
	assert_int_equal(mqtt_connect(c.m), 0);
	assert_true(client_wait(&c, is_up, 5000));
	assert_int_equal(mqtt_publish(c.m, "t/bin", bin, sizeof bin, 1, 0, NULL), 0);
	m = h_wait_msg(h, "t/bin", 5000);
	assert_non_null(m);
	assert_int_equal(m->len, sizeof bin);
	assert_memory_equal(m->payload, bin, sizeof bin);
	mqtt_disconnect(c.m, 1000);
	mqtt_free(c.m);
}

/* The TCP sockets of this process connected to port; returns the count. */
static int
sockets_to_port(int port, int *fds, int max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL && n < max) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		int fd = atoi(de->d_name);

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (getpeername(fd, (struct sockaddr *)&sa, &sl) == 0 &&
		    sa.sin_family == AF_INET && ntohs(sa.sin_port) == port)
			fds[n++] = fd;
	}
	if (d)
		closedir(d);
	return n;
}

/* Nagle meeting delayed ACKs costs ~40-90 ms per QoS 1 hop; mqtt.c must
 * set TCP_NODELAY on its broker connection although Paho has no option. */
static void
test_nodelay_on_broker_socket(void **state)
{
	struct harness *h = *state;
	struct client c = { 0 };
	int fds[8], n;

	c.m = client_new(h, "t-nodelay", NULL);
	assert_int_equal(mqtt_connect(c.m), 0);
	assert_true(client_wait(&c, is_up, 5000));
	n = sockets_to_port(h->port, fds, 8);
	assert_int_equal(n, 2);		/* the observer's and this client's */
	for (int i = 0; i < n; i++) {
		int v = 0;
		socklen_t vl = sizeof v;

		assert_int_equal(getsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY,
		    &v, &vl), 0);
		assert_int_equal(v, 1);
	}
	mqtt_disconnect(c.m, 1000);
	mqtt_free(c.m);
}

static void
test_will_on_abrupt_close(void **state)
{
	struct harness *h = *state;
	struct mqtt_will w = { "t/will", "gone", 4, 1, 1 };
	struct client c = { 0 };
	const struct h_msg *m;
	int before[8], after[8], nb, na, fd = -1;

	nb = sockets_to_port(h->port, before, 8);
	c.m = client_new(h, "t-will", &w);
	assert_int_equal(mqtt_connect(c.m), 0);
	assert_true(client_wait(&c, is_up, 5000));
	assert_null(h_wait_msg(h, "t/will", 200));
	na = sockets_to_port(h->port, after, 8);
	for (int i = 0; i < na; i++) {
		int old = 0;

		for (int j = 0; j < nb; j++)
			old |= after[i] == before[j];
		if (!old)
			fd = after[i];
	}
	assert_true(fd >= 0);
	/* Cut the TCP connection under Paho: the broker sees no DISCONNECT
	 * and must publish the Will. */
	shutdown(fd, SHUT_RDWR);
	m = h_wait_msg(h, "t/will", 5000);
	assert_non_null(m);
	assert_int_equal(m->len, 4);
	assert_memory_equal(m->payload, "gone", 4);
	assert_true(m->retained == 0);	/* live delivery of a retained Will */
	mqtt_free(c.m);
}

static void
test_reconnect_resubscribes(void **state)
{
	struct harness *h = *state;
	struct client c = { 0 };
	const struct h_msg *m;

	c.m = client_new(h, "t-reconn", NULL);
	assert_int_equal(mqtt_subscribe(c.m, "t/in", 1), 0);
	assert_int_equal(mqtt_connect(c.m), 0);
	assert_true(client_wait(&c, is_up, 5000));
	h_broker_stop(h);
	assert_true(client_wait(&c, was_lost, 5000));
	assert_int_equal(mqtt_publish(c.m, "t/x", "x", 1, 1, 0, NULL), -1);
	assert_int_equal(h_broker_start(h), 0);
	assert_true(client_wait(&c, is_up, 5000));
	assert_int_equal(c.connected, 2);
	/* h_broker_start waited for the observer to be back */
	assert_int_equal(mqtt_publish(c.m, "t/back", "1", 1, 1, 0, NULL), 0);
	m = h_wait_msg(h, "t/back", 5000);
	assert_non_null(m);
	/* the client's own subscription was re-issued after the reconnect */
	c.got = 0;
	for (int i = 0; i < 20 && !c.got; i++) {
		assert_int_equal(h_publish(h, "t/in", "x", 1, 1, 0), 0);
		client_wait(&c, got_message, 250);
	}
	assert_true(c.got > 0);
	mqtt_disconnect(c.m, 1000);
	mqtt_free(c.m);
}

static int
told_takeover(struct client *c)
{
	return strstr(c->lost_detail, "is another client using client id"
	    " \"t-twin\"?") != NULL;
}

/* Two clients with one client id (a second daemon started with the same
 * config) take the session from each other at every connect; the one
 * knocked off says what is likely wrong, and, its sessions never settling,
 * backs off rather than retrying at the shortest interval. */
static void
test_same_client_id_named(void **state)
{
	struct harness *h = *state;
	struct client a = { 0 }, b = { 0 };
	int64_t end = clock_mono_ms() + 20000;

	a.m = client_new(h, "t-twin", NULL);
	b.m = client_new(h, "t-twin", NULL);
	assert_int_equal(mqtt_connect(a.m), 0);
	assert_true(client_wait(&a, is_up, 5000));
	assert_int_equal(mqtt_connect(b.m), 0);
	while (!told_takeover(&a) && !told_takeover(&b) &&
	    clock_mono_ms() < end) {
		client_wait(&a, told_takeover, 50);
		client_wait(&b, told_takeover, 50);
	}
	assert_true(told_takeover(&a) || told_takeover(&b));
	/* three short sessions each at most, at 50, 100, 200 ms back-off:
	 * nowhere near one every 50 ms */
	assert_true(a.connected + b.connected < 12);
	mqtt_free(a.m);
	mqtt_free(b.m);
}

/* 1 if a mapping of this process is a file whose name starts with lib
 * (e.g. "libpaho-mqtt3a.so", which "libpaho-mqtt3as.so" does not match). */
static int
mapped(const char *lib)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	assert_non_null(f);
	while (!found && fgets(line, sizeof line, f)) {
		const char *base = strrchr(line, '/');

		found = base && strncmp(base + 1, lib, strlen(lib)) == 0;
	}
	fclose(f);
	return found;
}

/* Issue 3: linked with the TLS Paho, counterd was 7.5 MiB resident, 3.4 of
 * it libcrypto and libssl, against a 4 MB budget. A plain client must load
 * the plain library only, and nothing of OpenSSL. */
static void
test_plain_loads_no_tls(void **state)
{
	struct harness *h = *state;
	struct client c = { 0 };

	c.m = client_new(h, "t-plain", NULL);
	assert_non_null(c.m);
	assert_string_equal(mqtt_error(), "");
	assert_int_equal(mqtt_connect(c.m), 0);
	assert_true(client_wait(&c, is_up, 5000));
	assert_true(mapped("libpaho-mqtt3a.so"));
	assert_false(mapped("libpaho-mqtt3as.so"));
	assert_false(mapped("libssl.so"));
	assert_false(mapped("libcrypto.so"));
	mqtt_disconnect(c.m, 1000);
	mqtt_free(c.m);
}

/* One Paho library per process: once the plain one is loaded (by the
 * observer), a TLS client is refused, says why, and loads nothing. */
static void
test_tls_refused_beside_plain(void **state)
{
	struct harness *h = *state;
	struct mqtt_opts o = {
		.host = "127.0.0.1", .port = h->port, .client_id = "t-tls",
		.clean_session = 1, .tls = 1,
	};

	errno = 0;
	assert_null(mqtt_new(&o));
	assert_int_equal(errno, ENOTSUP);
	assert_non_null(strstr(mqtt_error(), "TLS"));
	assert_non_null(strstr(mqtt_error(), "libpaho-mqtt3a.so.1"));
	assert_false(mapped("libpaho-mqtt3as.so"));
	assert_false(mapped("libssl.so"));
	assert_false(mapped("libcrypto.so"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_payload_bytes_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodelay_on_broker_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_will_on_abrupt_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_resubscribes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_client_id_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_loads_no_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_refused_beside_plain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
