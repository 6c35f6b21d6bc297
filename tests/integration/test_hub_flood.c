/* test_hub_flood.c: the event topics flooded with junk — random bytes,
 * payloads over the 4 kB limit, wrong types, an unknown protocol version,
 * events naming another counter, replayed ids — while real presses go on
 * at the real board. Every real press is paged and stored; the junk is
 * counted and dropped, nothing of it opens an incident, and its log lines
 * and rows are capped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "harness.h"
#include "proto.h"

#define FLOOD_ROUNDS	4	/* real presses, each amid a burst of junk */
#define FLOOD_BURST	250	/* junk messages around each press */

static pid_t hub_pid;

static int
prepare(struct harness *h)
{
	if (!fx_counter_conf(h, "c1", NULL) ||
	    !fx_hub_conf(h, 60000, NULL, NULL) ||
	    (hub_pid = fx_hub_start(h)) < 0 || fx_counter_start(h, "c1") < 0)
		return -1;
	return 0;
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

/* xorshift: the flood is the same on every run */
static uint64_t
flood_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One junk message of kind k on an event topic; replay is a real event
 * payload seen earlier (a replayed id). Returns what it sent: 'm' for a
 * malformed payload, 's' for a refused one (another counter's event),
 * 'r' for a replay (answered as a duplicate). */
static int
flood_one(struct harness *h, uint64_t *seed, int k, const char *replay)
{
	static char big[65536];
	char topic[PROTO_TOPIC_MAX], buf[512];
	size_t n;

	/* let the observer take its acknowledgements: its window of
	 * messages in flight is finite */
	if (k % 32 == 31)
		h_pump(h, 20);
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_EVENT,
	    k % 7 == 6 ? "c9" : "c1");
	switch (k % 7) {
	case 0:		/* random bytes, NULs included */
		n = 1 + flood_rand(seed) % sizeof buf;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)flood_rand(seed);
		assert_int_equal(h_publish(h, topic, buf, n, 1, 0), 0);
		return 'm';
	case 1:		/* far over the 4 kB a payload may have */
		memset(big, ' ', sizeof big);
		memcpy(big, "{\"v\":1,\"id\":\"", 13);
		n = k % 2 ? sizeof big : 5000;
		assert_int_equal(h_publish(h, topic, big, n, 1, 0), 0);
		return 'm';
	case 2:		/* wrong types */
		n = (size_t)snprintf(buf, sizeof buf, "{\"v\":1,\"id\":7,\"counter\":"
		    "[\"c1\"],\"boot\":{},\"seq\":\"one\",\"kind\":true}");
		break;
	case 3:		/* a protocol version before the first (a newer one
			 * from a configured counter is read, and paged:
			 * test_hub_review) */
		n = (size_t)snprintf(buf, sizeof buf, "{\"v\":0,\"id\":\"c1:b:%d\","
		    "\"counter\":\"c1\",\"boot\":\"b\",\"seq\":%d,\"kind\":\"help\","
		    "\"gesture\":\"press\",\"button\":\"main\",\"attempt\":1}", k,
		    k);
		break;
	case 4:		/* not JSON at all */
		n = (size_t)snprintf(buf, sizeof buf, "PRESS c1 NOW %d", k);
		break;
	case 5:		/* a real event of c1, again */
		if (!replay)
			return 0;
		assert_int_equal(h_publish(h, topic, replay, strlen(replay), 1,
		    0), 0);
		return 'r';
	default:	/* on c9's topic, naming c1: not c9's to send */
		if (!replay)
			return 0;
		assert_int_equal(h_publish(h, topic, replay, strlen(replay), 1,
		    0), 0);
		return 's';
	}
	assert_int_equal(h_publish(h, topic, buf, n, 1, 0), 0);
	return 'm';
}

/* The board's next event among the junk on its topic: one that decodes
 * and is not the replay of an earlier one. 0 or -1. */
static int
next_real_event(struct harness *h, const char *replayed_id,
    struct proto_event *ev)
{
	for (int64_t end = clock_mono_ms() + 10000; clock_mono_ms() < end;) {
		if (fx_next_event(h, "c1", ev, 1000) == 0 &&
		    strcmp(ev->id, replayed_id) != 0)
			return 0;
	}
	return -1;
}

static void
test_flood_while_presses_go_on(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;
	char replay[PROTO_MAX_PAYLOAD] = "", prev[PROTO_EVENT_ID_MAX];
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned malformed = 0, refused = 0;
	char *log, *stop;
	int k = 0;

	for (int round = 0; round < FLOOD_ROUNDS; round++) {
		for (int i = 0; i < FLOOD_BURST / 2; i++, k++) {
			int what = flood_one(h, &seed, k, replay[0] ? replay :
			    NULL);

			malformed += what == 'm';
			refused += what == 's';
		}
		assert_int_equal(fx_press(h, "c1", 50), 0);
		for (int i = 0; i < FLOOD_BURST / 2; i++, k++) {
			int what = flood_one(h, &seed, k, replay[0] ? replay :
			    NULL);

			malformed += what == 'm';
			refused += what == 's';
		}
		/* the real press is paged, amid the junk */
		snprintf(prev, sizeof prev, "%s", replay[0] ? ev.id : "");
		assert_int_equal(next_real_event(h, prev, &ev), 0);
		assert_int_equal(proto_encode_event(&ev, replay,
		    sizeof replay) > 0, 1);
		assert_int_equal(fx_next_page(h, "sup", &pg, 10000), 0);
		assert_string_equal(pg.counter, "c1");
		assert_true(h_wait_sql(h, "hub.db", 1, 10000, "SELECT count(*)"
		    " FROM events WHERE id = '%s'", ev.id));
		/* resolved, so that the next press opens an incident of its
		 * own and is paged again */
		assert_int_equal(fx_reply(h, "sup", pg.incident,
		    PROTO_ACTION_RESOLVE, PROTO_CAT_OTHER, "flood"), 0);
		assert_true(h_wait_sql(h, "hub.db", 1, 10000, "SELECT count(*)"
		    " FROM incidents WHERE id = %s AND state = 'closed'",
		    pg.incident));
	}
	/* the junk opened nothing; the board's outbox is empty */
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 10000));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM"
	    " incidents"), FLOOD_ROUNDS);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"),
	    FLOOD_ROUNDS);
	/* logged and stored: 20 a minute, not one per message */
	assert_true(h_sql_int(h, "hub.db", "SELECT count(*) FROM log WHERE"
	    " kind = 'reject'") <= 2 * 20);
	/* every bad message counted: the stop line says how many */
	assert_int_equal(h_kill(h, hub_pid, SIGTERM), 0);
	assert_non_null(log = h_read(h, "hubd.log"));
	assert_non_null(stop = strstr(log, "stopping;"));
	{
		char want[128];

		snprintf(want, sizeof want, "%u malformed, %u refused",
		    malformed, refused);
		if (!strstr(stop, want))
			fail_msg("hub stop line \"%.*s\" lacks \"%s\"",
			    (int)strcspn(stop, "\n"), stop, want);
	}
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flood_while_presses_go_on,
		    setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
