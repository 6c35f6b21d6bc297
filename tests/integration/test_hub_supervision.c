/* test_hub_supervision.c: scenario 6 through the real counterd, hubd and
 * broker — a board that dies (its Last Will) or hangs (heartbeats stop, no
 * Will) raises a maintenance alert to the facility role on its own path,
 * never as a panic page, and a notice follows when the board is back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "harness.h"
#include "proto.h"

#define PAGES	"panic/" FX_SITE "/pager/#"
#define MAINT	"panic/" FX_SITE "/maint/+"

static int
prepare(struct harness *h)
{
	return fx_hub_conf(h, 20000, NULL, NULL) &&
	    fx_hub_start(h) >= 0 ? 0 : -1;
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

static pid_t
hub_pid(struct harness *h)
{
	for (int i = 0; i < H_MAX_PROCS; i++)
		if (h->procs[i].pid > 0 && strcmp(h->procs[i].name, "hubd") == 0)
			return h->procs[i].pid;
	return -1;
}

/* The board is killed (power cut): the broker publishes its Will, the
 * facility person gets an alert naming the counter; when the board is
 * back, a notice — also across a restart of the hub, which does not
 * report the same board twice. Nothing goes to the pagers. */
static void
test_last_will_alerts_facility(void **state)
{
	struct harness *h = *state;
	struct proto_maint mt;
	pid_t pid;

	int feed;

	assert_non_null(fx_counter_conf(h, "c1", NULL));
	assert_true((pid = fx_counter_start(h, "c1")) > 0);
	assert_true(h_wait_log(h, "hubd", "counter c1: online", 5000));
	/* the facility person's console hears of it too */
	assert_true(fx_pager_start(h, "fac", &feed) > 0);
	assert_true(h_wait_log(h, "pager", "connected to 127.0.0.1", 10000));
	h_mark_seen(h);

	h_kill(h, pid, SIGKILL);
	assert_int_equal(fx_next_maint(h, "fac", &mt, 10000), 0);
	assert_true(h_wait_log(h, "pager", "MAINTENANCE ALERT: counter c1 "
	    "(1番窓口): board reported offline", 5000));
	assert_int_equal(mt.type, PROTO_MAINT_ALERT);
	assert_string_equal(mt.counter, "c1");
	assert_string_equal(mt.label, "1番窓口");
	assert_non_null(strstr(mt.reason, "offline"));
	assert_true(mt.at_ms > 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " counter_status WHERE counter = 'c1' AND state = 'offline'"));

	/* a restarted hub remembers it already told facilities */
	assert_int_equal(h_kill(h, hub_pid(h), SIGTERM), 0);
	assert_true(fx_hub_start(h) > 0);
	h_pump(h, 1000);
	assert_int_equal(h_count(h, MAINT), 1);

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_next_maint(h, "fac", &mt, 10000), 0);
	assert_int_equal(mt.type, PROTO_MAINT_NOTICE);
	assert_string_equal(mt.counter, "c1");
	assert_non_null(strstr(mt.reason, "back online"));
	assert_true(h_wait_sql(h, "hub.db", 2, 5000, "SELECT count(*) FROM"
	    " counter_status WHERE counter = 'c1' AND state = 'online'"));

	/* only the facility role hears of it, and only on its own path */
	h_pump(h, 300);
	assert_int_equal(h_count(h, MAINT), 2);
	assert_int_equal(h_count(h, PAGES), 0);
}

/* The board hangs with its connection up (SIGSTOP): no Will, but its
 * heartbeats (every second here) stop. After two missed intervals the
 * facility person is alerted; when it resumes, a notice. */
static void
test_missed_heartbeats_alert_facility(void **state)
{
	struct harness *h = *state;
	char status[PROTO_TOPIC_MAX];
	struct proto_maint mt;
	pid_t pid;

	assert_non_null(fx_counter_conf_with(h, "c1", 1, NULL, NULL));
	assert_true((pid = fx_counter_start(h, "c1")) > 0);
	/* two heartbeats after the first status: the hub knows the interval */
	proto_topic_build(status, sizeof status, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, "c1");
	assert_non_null(h_wait_msg(h, status, 5000));
	assert_non_null(h_wait_msg(h, status, 5000));
	h_mark_seen(h);

	assert_int_equal(h_kill(h, pid, SIGSTOP), 0);
	assert_int_equal(fx_next_maint(h, "fac", &mt, 10000), 0);
	assert_int_equal(mt.type, PROTO_MAINT_ALERT);
	assert_string_equal(mt.counter, "c1");
	assert_non_null(strstr(mt.reason, "heartbeat missed"));
	/* not before two intervals without a status: on the hub's clock,
	 * from the last status it took in to the transition it recorded */
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT s.at - (SELECT"
	    " max(l.at) FROM log l WHERE l.kind = 'in' AND l.topic = '%s'"
	    " AND l.at <= s.at) >= %d FROM counter_status s WHERE"
	    " s.counter = 'c1' AND s.state = 'silent'", status, 2000 - 50));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " counter_status WHERE counter = 'c1' AND state = 'silent'"
	    " AND detail LIKE 'heartbeat missed%%'"));

	assert_int_equal(h_kill(h, pid, SIGCONT), 0);
	assert_int_equal(fx_next_maint(h, "fac", &mt, 10000), 0);
	assert_int_equal(mt.type, PROTO_MAINT_NOTICE);
	assert_non_null(strstr(mt.reason, "back online"));
	assert_int_equal(h_count(h, PAGES), 0);
}

/* Play a board's retained status: online with interval_s, or its Will. */
static void
board_status(struct harness *h, const char *counter, int online,
    uint32_t interval_s)
{
	struct proto_status st = { .online = online };
	char topic[PROTO_TOPIC_MAX], buf[1024];
	int n;

	snprintf(st.counter, sizeof st.counter, "%s", counter);
	snprintf(st.boot, sizeof st.boot, "b1");
	if (online) {
		snprintf(st.fw, sizeof st.fw, "test");
		st.at_ms = clock_wall_ms();
		st.interval_s = interval_s;
		st.hb = 1;
	}
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, counter);
	n = proto_encode_status(&st, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(h_publish(h, topic, buf, (size_t)n, 1, 1), 0);
}

/* A broker outage is told once, as the broker's — not as every board's
 * Will that the outage set off (a broker with persistence keeps them and
 * hands them to the hub on its return). A board that is back within its
 * window raises nothing; one that is not is reported then. */
static void
test_broker_outage_told_as_broker(void **state)
{
	struct harness *h = *state;
	struct proto_maint mt;

	board_status(h, "c1", 1, 30);		/* window 60 s */
	board_status(h, "x2", 1, 2);		/* window 4 s */
	assert_true(h_wait_log(h, "hubd", "counter c1: online", 5000));
	assert_true(h_wait_log(h, "hubd", "counter x2: online", 5000));
	h_mark_seen(h);
	h_broker_stop(h);
	h_pump(h, 5500);	/* past HUB_BROKER_TELL_MS (5 s) */
	assert_int_equal(h_broker_start(h), 0);
	/* the Wills, as the restarted broker would have them */
	board_status(h, "c1", 0, 0);
	board_status(h, "x2", 0, 0);

	/* the outage, told as the broker's (the hub may reconnect before
	 * this test's observer does and so publish it unseen: its log is
	 * the witness) */
	assert_true(h_wait_log(h, "hubd", "broker: maintenance alert: the hub "
	    "could not reach the broker for ", 10000));
	assert_true(h_wait_log(h, "hubd", "counter c1: offline status soon "
	    "after the broker came back", 5000));
	board_status(h, "c1", 1, 30);		/* c1 is back */

	/* x2 is not: told once its window is over, and only x2 — never c1 */
	for (;;) {
		assert_int_equal(fx_next_maint(h, "fac", &mt, 10000), 0);
		assert_int_equal(mt.type, PROTO_MAINT_ALERT);
		assert_string_not_equal(mt.counter, "c1");
		if (mt.channel[0]) {
			assert_string_equal(mt.channel, "broker");
			assert_non_null(strstr(mt.reason, "the hub could not "
			    "reach the broker for "));
			continue;
		}
		assert_string_equal(mt.counter, "x2");
		assert_non_null(strstr(mt.reason, "not back within 4 s"));
		break;
	}
	h_pump(h, 500);
	assert_true(h_count(h, MAINT) <= 2);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM"
	    " counter_status WHERE counter = 'c1' AND state = 'offline'"), 0);
	assert_int_equal(h_count(h, PAGES), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_last_will_alerts_facility),
		T(test_missed_heartbeats_alert_facility),
		T(test_broker_outage_told_as_broker),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
