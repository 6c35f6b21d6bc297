/* test_counterd_review.c: the real counterd (sim backend) against a real
 * broker, with the test playing the hub, for the defects a review found: a
 * discreet help button lit the desk; the desk light went stale after a
 * restart or a lost connection; counterd could not start without a
 * writable outbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "clock.h"
#include "fixtures.h"
#include "harness.h"
#include "proto.h"

/* What counterd logs when the desk light takes a lit incident pattern
 * (outputs.c's descriptions) or shows a call as sent. */
static const char *const lit_desk[] = {
	"output desk: blinking (sent, not yet confirmed)",
	"output desk: blinking (received, paging)",
	"output desk: on (acknowledged)",
	"output desk: blinking (responder on scene)",
};

/* A visible button "main" and a hidden foot button "foot" that calls for
 * help discreetly. */
#define BUTTONS \
	"{ name = \"main\"; short = \"help\"; long = \"emergency\";" \
	" long_ms = 600; },\n" \
	"  { name = \"foot\"; short = \"help\"; long = \"none\";" \
	" discreet = true; }"

static int
prepare(struct harness *h)
{
	return fx_counter_conf_with(h, "c1", 30, BUTTONS, NULL) &&
	    fx_play_hub_status(h, 1) == 0 ? 0 : -1;
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

/* Play hubd: a state message for incident on counter c1. */
static void
send_state(struct harness *h, const char *incident, enum proto_istate st,
    enum proto_kind kind)
{
	struct proto_feedback fb = {
		.type = PROTO_FEEDBACK_STATE, .state = st, .kind = kind,
		.acks = st == PROTO_IST_ACKNOWLEDGED || st == PROTO_IST_ON_SCENE,
		.needed = 1, .at_ms = clock_wall_ms(),
	};

	snprintf(fb.incident, sizeof fb.incident, "%s", incident);
	assert_int_equal(fx_publish_feedback(h, "c1", &fb), 0);
}

/* Play hubd: the receipt for ev, with its incident's state. */
static void
send_receipt(struct harness *h, const struct proto_event *ev,
    const char *incident, enum proto_istate st, enum proto_kind kind)
{
	struct proto_feedback fb = {
		.type = PROTO_FEEDBACK_RECEIPT, .state = st, .kind = kind,
		.needed = 1, .at_ms = clock_wall_ms(),
	};

	snprintf(fb.event, sizeof fb.event, "%s", ev->id);
	snprintf(fb.incident, sizeof fb.incident, "%s", incident);
	assert_int_equal(fx_publish_feedback(h, "c1", &fb), 0);
}

/* Play hubd: the receipt for ev, incident paging for help; the desk then
 * shows the call received. */
static void
receipt_received(struct harness *h, const struct proto_event *ev,
    const char *incident)
{
	send_receipt(h, ev, incident, PROTO_IST_PAGING, PROTO_KIND_HELP);
	assert_true(h_wait_file(h, "c1.sock.outputs",
	    "desk 1 pattern=received", 5000));
}

/* Fail if counterd's log shows the desk lit for a call or an incident. */
static void
assert_desk_never_lit(struct harness *h)
{
	char *log = h_read(h, "counterd.log");

	assert_non_null(log);
	for (size_t i = 0; i < sizeof lit_desk / sizeof lit_desk[0]; i++)
		if (strstr(log, lit_desk[i]))
			fail_msg("the desk showed a discreet call: \"%s\"",
			    lit_desk[i]);
	free(log);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle",
	    1000));
}

/* Stop counterd cleanly and start it again (same outbox). */
static pid_t
restart(struct harness *h, pid_t pid)
{
	h_kill(h, pid, SIGTERM);
	pid = fx_counter_start(h, "c1");
	assert_true(pid > 0);
	return pid;
}

/* A hidden help button: hubd sends the new incident's state before the
 * receipt that names it, then its later states. The desk stays dark
 * throughout, and after a restart too, when the hub republishes the
 * incident's state (kind help) to the board. */
static void
test_discreet_help_button_never_lights_desk(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	pid_t pid = fx_counter_start(h, "c1");

	assert_true(pid > 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle",
	    5000));
	assert_int_equal(fx_press_button(h, "c1", "foot", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_string_equal(ev.button, "foot");
	assert_int_equal(ev.kind, PROTO_KIND_HELP);
	send_state(h, "7", PROTO_IST_RAISED, PROTO_KIND_HELP);
	send_state(h, "7", PROTO_IST_PAGING, PROTO_KIND_HELP);
	send_receipt(h, &ev, "7", PROTO_IST_PAGING, PROTO_KIND_HELP);
	send_state(h, "7", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP);
	assert_true(h_wait_log(h, "counterd", "incident 7: acknowledged",
	    5000));
	assert_true(h_wait_log(h, "counterd", "receipt from hub", 5000));
	assert_desk_never_lit(h);
	assert_true(h_wait_log(h, "counterd", "incident 7: discreet", 5000));

	pid = restart(h, pid);
	assert_true(h_wait_log(h, "counterd",
	    "incident 7: remembered as discreet", 5000));
	send_state(h, "7", PROTO_IST_ON_SCENE, PROTO_KIND_HELP);
	assert_true(h_wait_log(h, "counterd", "incident 7: on_scene", 5000));
	assert_desk_never_lit(h);
	send_state(h, "7", PROTO_IST_CLOSED, PROTO_KIND_HELP);
	assert_true(h_wait_log(h, "counterd", "incident 7: closed", 5000));
	assert_desk_never_lit(h);
	/* over: the board forgets it, and the next visible call shows */
	assert_true(h_wait_outbox(h, "c1.outbox", "discreet", 0, 5000));
	assert_int_equal(fx_press_button(h, "c1", "main", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	send_state(h, "8", PROTO_IST_PAGING, PROTO_KIND_HELP);
	receipt_received(h, &ev, "8");
}

/* After a restart the desk is idle until the hub republishes the open
 * incident's state (hubd does so on the board's online status); then it
 * shows it, and the end of the incident clears it. */
static void
test_restart_shows_republished_state(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	pid_t pid = fx_counter_start(h, "c1");

	assert_true(pid > 0);
	assert_int_equal(fx_press_button(h, "c1", "main", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	send_state(h, "8", PROTO_IST_PAGING, PROTO_KIND_HELP);
	receipt_received(h, &ev, "8");
	pid = restart(h, pid);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle",
	    5000));
	send_state(h, "8", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack",
	    5000));
	send_state(h, "8", PROTO_IST_CLOSED, PROTO_KIND_HELP);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle",
	    5000));
}

/* The board keeps its MQTT session: a state the hub sent while counterd
 * was stopped is delivered when it is back, with nothing republished. */
static void
test_state_sent_while_stopped_arrives(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	pid_t pid = fx_counter_start(h, "c1");

	assert_true(pid > 0);
	assert_int_equal(fx_press_button(h, "c1", "main", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	receipt_received(h, &ev, "9");
	h_kill(h, pid, SIGTERM);
	send_state(h, "9", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP);
	h_pump(h, 200);
	assert_true(fx_counter_start(h, "c1") > 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack",
	    5000));
}

/* The same across a lost connection: the board hangs (SIGSTOP) until the
 * broker gives it up and publishes its Will; the state sent meanwhile is
 * delivered after it reconnects. */
static void
test_state_sent_while_disconnected_arrives(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	struct proto_status st = { .online = 1 };
	pid_t pid;

	/* keepalive 5 s: the broker gives up after 7.5 s */
	assert_non_null(fx_counter_conf(h, "c1", NULL));
	pid = fx_counter_start(h, "c1");
	assert_true(pid > 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	receipt_received(h, &ev, "9");
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, "c1");
	h_mark_seen(h);
	kill(pid, SIGSTOP);
	while (st.online && (m = h_wait_msg(h, topic, 15000)) != NULL)
		assert_int_equal(proto_decode_status((const char *)m->payload,
		    m->len, &st, NULL), 0);
	assert_int_equal(st.online, 0);		/* the Will */
	send_state(h, "9", PROTO_IST_ON_SCENE, PROTO_KIND_HELP);
	h_pump(h, 200);
	kill(pid, SIGCONT);
	assert_true(h_wait_file(h, "c1.sock.outputs",
	    "desk 1 pattern=onscene", 15000));
}

/* Write c1.conf with the outbox at outbox (relative to the temp dir). */
static void
conf_with_outbox(struct harness *h, const char *outbox)
{
	assert_non_null(h_write(h, "c1.conf",
	    "site = \"" FX_SITE "\";\n"
	    "counter = \"c1\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 10; };\n"
	    "outbox = \"%s\";\n"
	    "confirm_timeout_s = 2;\n"
	    "log_level = \"debug\";\n"
	    "gpio = { backend = \"sim\"; sim_socket = \"%s\"; };\n"
	    "buttons = ( { name = \"main\"; short = \"help\"; } );\n"
	    "outputs = ( { name = \"desk\"; role = \"status\"; } );\n",
	    h->port, h_path(h, outbox), h_path(h, "c1.sock")));
}

/* No outbox can be opened (its directory is missing: as root, a read-only
 * file would not stop the writes). The button must work all the same:
 * counterd starts from memory under a fresh boot, publishes the press, and
 * takes the outbox on once it can (SIGHUP retries at once). */
static void
test_starts_without_outbox(void **state)
{
	struct harness *h = *state;
	struct proto_event ev, later;
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	struct proto_status st = { 0 };
	pid_t pid;

	conf_with_outbox(h, "state/c1.outbox");
	pid = fx_counter_start(h, "c1");
	assert_true(pid > 0);
	assert_true(h_wait_log(h, "counterd", "outbox: NOT DURABLE", 1000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_HELP);
	send_receipt(h, &ev, "11", PROTO_IST_PAGING, PROTO_KIND_HELP);
	assert_true(h_wait_log(h, "counterd", "receipt from hub", 5000));
	assert_true(h_wait_file(h, "c1.sock.outputs",
	    "desk 1 pattern=received", 5000));

	assert_int_equal(mkdir(h_path(h, "state"), 0700), 0);
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, "c1");
	h_mark_seen(h);
	kill(pid, SIGHUP);
	assert_true(h_wait_log(h, "counterd", "events are durable again",
	    5000));
	/* the status tells the hub the boot new ids use */
	assert_non_null(m = h_wait_msg(h, topic, 5000));
	assert_int_equal(proto_decode_status((const char *)m->payload, m->len,
	    &st, NULL), 0);
	assert_string_not_equal(st.boot, ev.boot);
	h_pump(h, 100);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &later, 5000), 0);
	assert_string_equal(later.boot, st.boot);
	assert_true(h_wait_outbox(h, "state/c1.outbox", later.id, 1, 5000));
	send_receipt(h, &later, "11", PROTO_IST_PAGING, PROTO_KIND_HELP);
	assert_true(h_wait_outbox(h, "state/c1.outbox", "events", 0, 5000));
}

/* A press the hub has not confirmed (no hub runs here) waits in the
 * outbox, and `panicctl outbox` shows it there, read-only, while counterd
 * goes on; a receipt empties it. */
static void
test_panicctl_shows_waiting_press(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	cJSON *doc, *evs, *first;
	char *out;

	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_true(h_wait_outbox(h, "c1.outbox", ev.id, 1, 5000));
	assert_int_equal(h_run(h, "outbox", 10000, "panicctl", "outbox",
	    h_path(h, "c1.outbox"), "--json", NULL), 0);
	assert_non_null(out = h_read(h, "outbox.log"));
	doc = cJSON_Parse(out);
	free(out);
	assert_non_null(doc);
	evs = cJSON_GetObjectItem(doc, "events");
	assert_int_equal(cJSON_GetArraySize(evs), 1);
	first = cJSON_GetArrayItem(evs, 0);
	assert_string_equal(cJSON_GetObjectItem(first, "id")->valuestring,
	    ev.id);
	assert_string_equal(cJSON_GetObjectItem(first, "kind")->valuestring,
	    "help");
	assert_string_equal(cJSON_GetObjectItem(doc, "boot")->valuestring,
	    ev.boot);
	cJSON_Delete(doc);
	send_receipt(h, &ev, "21", PROTO_IST_PAGING, PROTO_KIND_HELP);
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
}

/* Play hubd's retained status, online or not (its Last Will says not). */
static void
hub_status(struct harness *h, int online)
{
	struct proto_hub_status hs = { .online = online,
	    .at_ms = online ? clock_wall_ms() : 0 };
	char topic[PROTO_TOPIC_MAX], buf[256];
	int n;

	snprintf(hs.site, sizeof hs.site, FX_SITE);
	snprintf(hs.version, sizeof hs.version, "0.1");
	assert_true(proto_topic_build(topic, sizeof topic, "panic", FX_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL) > 0);
	assert_true((n = proto_encode_hub_status(&hs, buf, sizeof buf)) > 0);
	assert_int_equal(h_publish(h, topic, buf, (size_t)n, 1, 1), 0);
}

/* A hub that died may have taken events from the broker without storing
 * them. When it is back (its status turns from offline to online) the
 * board sends what awaits a receipt at once, not when its back-off ends
 * (2 s after the first send here, up to 30 s later on). */
static void
test_hub_back_online_resends_at_once(void **state)
{
	struct harness *h = *state;
	struct proto_event ev, again;
	int64_t t0;

	hub_status(h, 0);
	assert_true(fx_counter_start(h, "c1") > 0);
	assert_true(h_wait_log(h, "counterd", "hub offline", 5000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.attempt, 1);
	t0 = clock_mono_ms();
	hub_status(h, 1);
	assert_int_equal(fx_next_event(h, "c1", &again, 5000), 0);
	assert_string_equal(again.id, ev.id);
	assert_int_equal(again.attempt, 2);
	/* well before the back-off's 2 s */
	assert_true(clock_mono_ms() - t0 < h_scale(1500));
	assert_true(h_wait_log(h, "counterd", "hub online again", 1000));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_discreet_help_button_never_lights_desk),
		T(test_restart_shows_republished_state),
		T(test_state_sent_while_stopped_arrives),
		T(test_state_sent_while_disconnected_arrives),
		T(test_starts_without_outbox),
		T(test_panicctl_shows_waiting_press),
		T(test_hub_back_online_resends_at_once),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
