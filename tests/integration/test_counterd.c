/* test_counterd.c: the real counterd (sim backend) against a real broker,
 * with the test playing the hub: events and their fields, receipts and
 * desk-light states, re-sends, broker outages, kill -9, the Last Will, the
 * local fallback sounder, and bad configs. */
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

/* Play the hub: send a receipt for ev, optionally with incident state. */
static void
send_receipt(struct harness *h, const struct proto_event *ev,
    enum proto_istate st)
{
	struct proto_feedback fb = {
		.type = PROTO_FEEDBACK_RECEIPT, .state = st, .kind = ev->kind,
		.needed = 1, .at_ms = clock_wall_ms(),
	};
	char topic[PROTO_TOPIC_MAX], buf[1024];
	int n;

	snprintf(fb.event, sizeof fb.event, "%s", ev->id);
	snprintf(fb.incident, sizeof fb.incident, "7");
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_FEEDBACK, ev->counter);
	n = proto_encode_feedback(&fb, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(h_publish(h, topic, buf, (size_t)n, 1, 0), 0);
}

static void
send_state(struct harness *h, const char *counter, enum proto_istate st,
    uint32_t acks)
{
	struct proto_feedback fb = {
		.type = PROTO_FEEDBACK_STATE, .state = st,
		.kind = PROTO_KIND_HELP, .acks = acks, .needed = 1,
		.at_ms = clock_wall_ms(),
	};
	char topic[PROTO_TOPIC_MAX], buf[1024];
	int n;

	snprintf(fb.incident, sizeof fb.incident, "7");
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_FEEDBACK, counter);
	n = proto_encode_feedback(&fb, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(h_publish(h, topic, buf, (size_t)n, 1, 0), 0);
}

static void
test_press_becomes_event(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	int64_t before = clock_wall_ms();
	char id[PROTO_EVENT_ID_MAX];

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_string_equal(ev.counter, "c1");
	assert_string_equal(ev.button, "main");
	assert_int_equal(ev.kind, PROTO_KIND_HELP);
	assert_int_equal(ev.gesture, PROTO_GESTURE_PRESS);
	assert_int_equal(ev.attempt, 1);
	assert_true(ev.seq >= 1);
	snprintf(id, sizeof id, "c1:%s:%llu", ev.boot,
	    (unsigned long long)ev.seq);
	assert_string_equal(ev.id, id);
	assert_true(ev.pressed_ms >= before - 1000);
	assert_true(ev.pressed_ms <= clock_wall_ms());
	assert_string_equal(ev.upgrades, "");
}

static void
test_long_press_upgrades(void **state)
{
	struct harness *h = *state;
	struct proto_event first, up;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_press(h, "c1", 900), 0);	/* long_ms is 600 */
	assert_int_equal(fx_next_event(h, "c1", &first, 5000), 0);
	assert_int_equal(first.gesture, PROTO_GESTURE_PRESS);
	assert_int_equal(fx_next_event(h, "c1", &up, 5000), 0);
	assert_int_equal(up.gesture, PROTO_GESTURE_LONG);
	assert_int_equal(up.kind, PROTO_KIND_EMERGENCY);
	assert_string_equal(up.upgrades, first.id);
	assert_true(up.seq > first.seq);
}

static void
test_receipt_and_states_drive_desk_light(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=sent", 5000));
	send_receipt(h, &ev, PROTO_IST_PAGING);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	assert_true(h_wait_log(h, "counterd", "receipt from hub", 5000));
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
	send_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));
	send_state(h, "c1", PROTO_IST_ON_SCENE, 1);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=onscene", 5000));
	send_state(h, "c1", PROTO_IST_CLOSED, 1);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
}

static void
test_resent_with_same_id_until_receipt(void **state)
{
	struct harness *h = *state;
	struct proto_event ev, again;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(fx_next_event(h, "c1", &again, 10000), 0);
	assert_string_equal(again.id, ev.id);
	assert_int_equal(again.attempt, 2);
	assert_int_equal(again.pressed_ms, ev.pressed_ms);
	assert_int_equal(h_outbox_count(h, "c1.outbox", "events"), 1);
	send_receipt(h, &again, PROTO_IST_PAGING);
	assert_true(h_wait_log(h, "counterd", "receipt from hub", 5000));
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
}

/* Presses while the broker is down all arrive once it is back, in the
 * order pressed, each under one id. The observer may come back a moment
 * after counterd and miss the first round of re-sends, so the test reads
 * rounds until it has seen every id: within a round seq rises, and it may
 * only fall where a later round (higher attempt) begins. */
static void
test_broker_outage_loses_nothing(void **state)
{
	struct harness *h = *state;
	struct proto_event prev = { 0 }, ev, got[3];
	int ndistinct = 0;

	assert_true(fx_counter_start(h, "c1") > 0);
	h_broker_stop(h);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=offline", 10000));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fx_press(h, "c1", 50), 0);
		/* a human's pause between presses: a gap shorter than the
		 * 20 ms debounce would rightly be bounce, not a new press */
		h_pump(h, 100);
	}
	assert_true(h_wait_log(h, "counterd", "queued until connected", 5000));
	assert_int_equal(h_broker_start(h), 0);
	while (ndistinct < 3) {
		int seen = 0;

		assert_int_equal(fx_next_event(h, "c1", &ev, 15000), 0);
		if (prev.seq && ev.seq <= prev.seq)
			assert_true(ev.attempt > prev.attempt);
		for (int i = 0; i < ndistinct; i++)
			seen |= strcmp(got[i].id, ev.id) == 0;
		if (!seen)
			got[ndistinct++] = ev;
		prev = ev;
	}
	/* three presses, three ids, one boot, consecutive numbers */
	for (int i = 0; i < 3; i++) {
		assert_string_equal(got[i].boot, got[0].boot);
		send_receipt(h, &got[i], PROTO_IST_PAGING);
	}
	{
		uint64_t lo = got[0].seq, hi = got[0].seq;

		for (int i = 1; i < 3; i++) {
			lo = got[i].seq < lo ? got[i].seq : lo;
			hi = got[i].seq > hi ? got[i].seq : hi;
		}
		assert_true(hi - lo == 2);	/* distinct, so consecutive */
	}
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
}

/* kill -9 after a press the broker never took: the press is on disk and
 * is delivered by the restarted counterd. */
static void
test_kill9_before_delivery_keeps_press(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	pid_t pid = fx_counter_start(h, "c1");

	assert_true(pid > 0);
	h_broker_stop(h);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=offline", 10000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_true(h_wait_log(h, "counterd", "queued until connected", 5000));
	h_kill(h, pid, SIGKILL);
	assert_int_equal(h_outbox_count(h, "c1.outbox", "events"), 1);
	assert_int_equal(h_broker_start(h), 0);
	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 10000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_HELP);
	assert_int_equal(ev.seq, 1);
	assert_true(ev.attempt >= 1);
}

static void
test_last_will_when_board_dies(void **state)
{
	struct harness *h = *state;
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	struct proto_status st;
	pid_t pid = fx_counter_start(h, "c1");

	assert_true(pid > 0);
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_STATUS, "c1");
	h_kill(h, pid, SIGKILL);
	m = h_wait_msg(h, topic, 15000);
	assert_non_null(m);
	assert_int_equal(proto_decode_status((const char *)m->payload, m->len,
	    &st, NULL), 0);
	assert_int_equal(st.online, 0);
	assert_string_equal(st.counter, "c1");
}

/* No receipt within confirm_timeout_s (2 s here): the local sounder goes
 * on, and off again when the hub confirms. */
static void
test_fallback_sounder_until_confirmed(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 0 pattern=off", 1000));
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 1 pattern=on", 5000));
	send_receipt(h, &ev, PROTO_IST_PAGING);
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 0 pattern=off", 5000));
}

static void
test_bad_config_names_file_line_key(void **state)
{
	struct harness *h = *state;
	const char *p = h_write(h, "bad.conf",
	    "site = \"t\";\ncounter = \"c1\";\nbuttonz = 3;\n");
	char *log, needle[600];

	assert_non_null(p);
	assert_int_equal(h_run(h, "check", 5000, "counterd", "--check", "-c",
	    p, (char *)NULL), 1);
	log = h_read(h, "check.log");
	assert_non_null(log);
	snprintf(needle, sizeof needle, "%s:3: buttonz: unknown key", p);
	assert_non_null(strstr(log, needle));
	free(log);
	assert_int_equal(h_run(h, "check2", 5000, "counterd", "--check", "-c",
	    h_path(h, "c1.conf"), (char *)NULL), 0);
}

/* The hub's Last Will on the broker, the broker up: the desk shows "not
 * ready" (a button that looks alive but reaches nobody is the worst
 * case), a press still shows "sent" and is re-sent at once when the hub
 * is back, and the light returns to what the hub says. */
static void
test_hub_offline_desk_not_ready(void **state)
{
	struct harness *h = *state;
	struct proto_event ev, again;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	assert_int_equal(fx_play_hub_status(h, 0), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=notready", 5000));
	assert_true(h_wait_log(h, "counterd", "hub offline: the desk shows", 5000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=sent", 5000));
	assert_int_equal(fx_play_hub_status(h, 1), 0);
	assert_true(h_wait_log(h, "counterd", "hub online again", 5000));
	assert_int_equal(fx_next_event(h, "c1", &again, 1500), 0);
	assert_string_equal(again.id, ev.id);
	send_receipt(h, &again, PROTO_IST_PAGING);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
}

/* No hub status on the broker at all (the hub never ran here, or runs on
 * another broker): "not ready" too, once the retained status had time to
 * come with the subscription, with a log line saying what is missing. */
static void
test_no_hub_status_not_ready(void **state)
{
	struct harness *h = *state;
	char topic[PROTO_TOPIC_MAX];

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
	assert_int_equal(h_retain(h, topic, ""), 0);	/* cleared */
	h_pump(h, 200);
	assert_true(fx_counter_start(h, "c1") > 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=notready", 10000));
	assert_true(h_wait_log(h, "counterd", "hub: no status on", 1000));
	assert_int_equal(fx_play_hub_status(h, 1), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
}

/* The broker restarts with no hub status (no persistence, the hub not
 * back): a board that knew the hub online must not go on looking alive. */
static void
test_broker_back_without_hub_not_ready(void **state)
{
	struct harness *h = *state;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	h->retain_topic[0] = '\0';	/* the hub does not come back */
	h_broker_stop(h);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=offline", 10000));
	assert_int_equal(h_broker_start(h), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=notready",
	    15000));
	assert_true(h_wait_log(h, "counterd", "hub: no status on", 1000));
	h_pump(h, 300);
}

/* A press waiting for the broker: the board tries to reconnect at most a
 * second apart however long the outage, so the press goes out soon after
 * the broker is back (with nothing waiting the back-off grows to 5 s). */
static void
test_press_waiting_keeps_reconnects_short(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	char *log, *p;
	int tries = 0;
	double longest = 0;

	assert_true(fx_counter_start(h, "c1") > 0);
	h_broker_stop(h);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=offline", 10000));
	h_pump(h, 3000);		/* the back-off has grown meanwhile */
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_true(h_wait_log(h, "counterd", "queued until connected", 5000));
	h_write(h, "mark", "%s", "");
	log = h_read(h, "counterd.log");
	assert_non_null(log);
	p = strstr(log, "queued until connected");
	assert_non_null(p);
	free(log);
	h_pump(h, 6000);
	log = h_read(h, "counterd.log");
	assert_non_null(log);
	p = strstr(log, "queued until connected");
	for (p = p ? strstr(p, "retry in ") : NULL; p;
	    p = strstr(p + 1, "retry in ")) {
		double v = atof(p + 9);

		tries++;
		if (v > longest)
			longest = v;
	}
	free(log);
	if (tries < 4 || longest > 1.25)
		fail_msg("%d retries after the press, the longest %.1f s apart "
		    "(want at least 4, none over 1.2 s)", tries, longest);
	/* and once the broker is back, the press goes out */
	assert_int_equal(h_broker_start(h), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	h_pump(h, 300);		/* the observer's own publishes acknowledged */
}

/* The fixture's board with the test playing the hub, online. */
static int
prepare_playing_hub(struct harness *h)
{
	return fx_prepare_c1(h) < 0 || fx_play_hub_status(h, 1) < 0 ? -1 : 0;
}

static int
setup_playing_hub(void **state)
{
	return fx_setup(state, prepare_playing_hub);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_playing_hub, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_press_becomes_event),
		T(test_long_press_upgrades),
		T(test_receipt_and_states_drive_desk_light),
		T(test_resent_with_same_id_until_receipt),
		T(test_broker_outage_loses_nothing),
		T(test_kill9_before_delivery_keeps_press),
		T(test_last_will_when_board_dies),
		T(test_fallback_sounder_until_confirmed),
		T(test_bad_config_names_file_line_key),
		T(test_hub_offline_desk_not_ready),
		T(test_no_hub_status_not_ready),
		T(test_press_waiting_keeps_reconnects_short),
		T(test_broker_back_without_hub_not_ready),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
