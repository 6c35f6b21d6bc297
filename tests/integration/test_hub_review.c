/* test_hub_review.c: defects found in review, through the real counterd,
 * hubd and broker — a re-sent event of a closed incident is answered with
 * its final state, not "raised"; replies from people not in the config are
 * refused; a board that restarts is told its desk's state; pages held when
 * the hub died are sent again, and timers wait for the broker; a hub that
 * dies before its commit never gives the same incident id twice; a reload
 * that changes the time zone is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"

#define FEEDBACK	"panic/" FX_SITE "/counter/c1/feedback"
#define STEP_MS		1500

static pid_t board;

/* Start hubd and counterd c1; the hub's pid (the board's in board). */
static pid_t
start(struct harness *h, int step_ms)
{
	pid_t hub;

	assert_non_null(fx_hub_conf(h, step_ms, NULL, NULL));
	hub = fx_hub_start(h);
	assert_true(hub > 0);
	board = fx_counter_start(h, "c1");
	assert_true(board > 0);
	return hub;
}

/* Run sql on the hub's database, beside the running hub. */
static void
hub_sql(struct harness *h, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(h_path(h, "hub.db"), &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fprintf(stderr, "# sql: %s: %s\n", sql, err);
	assert_null(err);
	sqlite3_close(db);
}

/* The next feedback to c1 of this type; skips the others. */
static int
next_feedback_of(struct harness *h, enum proto_feedback_type type,
    struct proto_feedback *fb, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	for (int64_t now = clock_mono_ms(); now < end; now = clock_mono_ms()) {
		if (fx_next_feedback(h, "c1", fb, (int)(end - now)) < 0)
			return -1;
		if (fb->type == type)
			return 0;
	}
	return -1;
}

/* Review 1: a board re-sends an event whose incident is closed (its
 * receipt was lost). The receipt names the incident with its final state
 * — over, and its kind — never "raised, help" from zeroed memory. */
static void
test_resend_of_closed_incident(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;
	struct proto_feedback fb;

	start(h, 20000);
	/* a long press: help at once, then an emergency that upgrades it
	 * (kind and state then differ from zeroed memory's help, raised) */
	assert_int_equal(fx_press(h, "c1", 800), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(fx_reply(h, "sup", pg.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_HARASSMENT, NULL), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'closed'", pg.incident));
	h_pump(h, 300);
	h_mark_seen(h);

	ev.attempt++;
	assert_int_equal(fx_publish_event(h, "c1", &ev), 0);
	assert_int_equal(next_feedback_of(h, PROTO_FEEDBACK_RECEIPT, &fb, 5000),
	    0);
	assert_string_equal(fb.event, ev.id);
	assert_string_equal(fb.incident, pg.incident);
	assert_true(fb.duplicate);
	assert_true(fb.state >= PROTO_IST_RESOLVED);
	assert_int_equal(fb.kind, PROTO_KIND_EMERGENCY);
	assert_true(h_wait_log(h, "hubd", "duplicate (attempt 2)", 5000));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
}

/* Review 2: a reply from a pager topic of someone not in the config is
 * refused as a security event — counted, logged, recorded — and stands
 * nobody down, however many there are. An acknowledgement from a person
 * in the config who was not paged still counts. */
static void
test_reply_from_stranger_refused(void **state)
{
	struct harness *h = *state;
	struct proto_reply rp = { .action = PROTO_ACTION_ACK };
	struct proto_page pg;
	struct proto_feedback fb;
	size_t feedback;

	start(h, 20000);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received",
	    5000));
	h_mark_seen(h);
	feedback = h_count(h, FEEDBACK);
	snprintf(rp.incident, sizeof rp.incident, "%s", pg.incident);
	for (int i = 0; i < 70; i++) {
		snprintf(rp.person, sizeof rp.person, "mallory%d", i);
		assert_int_equal(fx_publish_reply(h, rp.person, &rp), 0);
	}
	/* every one refused; the first 20 of the minute logged */
	assert_true(h_wait_log(h, "hubd", "refused (security, 20 so far): reply"
	    " from a person not in the config", 5000));
	/* every one stored as a security row (evidence); its log lines
	 * capped at 20 a minute */
	assert_true(h_wait_sql(h, "hub.db", 70, 5000, "SELECT count(*) FROM log"
	    " WHERE kind = 'security' AND topic LIKE 'panic/t/pager/mallory%%'"));
	assert_int_equal(fx_pages_to(h, "sup"), 1);	/* no cancel */
	assert_int_equal(h_count(h, FEEDBACK), feedback);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'paging' AND acked_at IS NULL",
	    pg.incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM"
	    " responders WHERE person LIKE 'mallory%%'"), 0);

	/* r2 was not paged, but is in the config */
	assert_int_equal(fx_reply(h, "r2", pg.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s AND person = 'r2'", pg.incident));
}

/* Review 3: feedback is not retained. A board that restarts (or comes
 * back) while an incident is open is told its state once its "online"
 * status arrives; one whose incident was resolved while it was away is
 * told the incident is over, and its light goes off. */
static void
test_board_restart_told_state(void **state)
{
	struct harness *h = *state;
	struct proto_page pg;
	struct proto_feedback fb;

	start(h, 20000);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(fx_reply(h, "sup", pg.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));

	/* the board restarts: told "acknowledged" again */
	h_kill(h, board, SIGKILL);
	assert_true(h_wait_log(h, "hubd", "counter c1: offline", 5000));
	h_mark_seen(h);
	board = fx_counter_start(h, "c1");
	assert_true(board > 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_string_equal(fb.incident, pg.incident);

	/* resolved while the board is away: told so when it is back */
	h_kill(h, board, SIGKILL);
	assert_true(h_wait_log(h, "hubd", "counter c1: offline", 5000));
	assert_int_equal(fx_reply(h, "sup", pg.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_COMPLAINT, NULL), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'closed'", pg.incident));
	h_pump(h, 200);
	h_mark_seen(h);
	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(next_feedback_of(h, PROTO_FEEDBACK_STATE, &fb, 5000), 0);
	assert_string_equal(fb.incident, pg.incident);
	assert_true(fb.state >= PROTO_IST_RESOLVED);
}

/* Review 5: the broker is down when step 2 is paged, so the page waits in
 * the hub's memory; the hub is then killed. The restarted hub pages the
 * current step's people again once it is connected: bak is not left
 * unpaged. */
static void
test_held_page_sent_after_restart(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2;
	pid_t hub = start(h, STEP_MS);

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	h_broker_stop(h);
	/* the hub decides step 2 and stores it, but cannot send it */
	assert_true(h_wait_sql(h, "hub.db", 1, STEP_MS + 5000, "SELECT count(*)"
	    " FROM pages WHERE person = 'bak' AND step = 2"));
	h_kill(h, hub, SIGKILL);
	assert_int_equal(h_broker_start(h), 0);
	h_mark_seen(h);
	assert_true(fx_hub_start(h) > 0);
	fx_expect_page(h, "bak", &p2, 5000, 2, p1.incident);
}

/* Review 5: a restarted hub fires no incident timer before it has
 * reached the broker: an overdue step is decided (and stored) only once
 * the page can go out at once. */
static void
test_timers_wait_for_broker(void **state)
{
	struct harness *h = *state;
	struct proto_page p1;
	pid_t hub = start(h, STEP_MS);

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND timer = 'step'", p1.incident));
	h_kill(h, hub, SIGKILL);
	h_broker_stop(h);
	hub = h_spawn(h, "hubd", "hubd", "-c", h_path(h, "hub.conf"),
	    (char *)NULL);
	assert_true(hub > 0);
	assert_true(h_wait_log(h, "hubd", "restored at step 1", 5000));
	h_pump(h, 2 * STEP_MS);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE person = 'bak'"), 0);

	/* on the hub's own record: the observer may subscribe again only
	 * after the hub has reconnected and paged */
	assert_int_equal(h_broker_start(h), 0);
	assert_true(h_wait_log(h, "hubd", "page bak step 2", 10000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " pages WHERE person = 'bak' AND step = 2"));
}

/* Review 6: the hub pages and publishes incident/<id> before its commit.
 * Here the commit keeps failing (injected), and the hub is killed: the
 * restarted hub clears the dead id's retained state, the board's re-sent
 * press gets a new id, and a late reply for the dead id lands nowhere. */
static void
test_incident_id_not_reused_after_crash(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2;
	const struct h_msg *m;
	char topic[PROTO_TOPIC_MAX];
	pid_t hub = start(h, 20000);

	hub_sql(h, "CREATE TRIGGER fail BEFORE INSERT ON incidents"
	    " BEGIN SELECT RAISE(ABORT, 'injected'); END;");
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	snprintf(topic, sizeof topic, "panic/" FX_SITE "/incident/%s",
	    p1.incident);
	assert_non_null(h_wait_msg(h, topic, 5000));
	assert_true(h_wait_log(h, "hubd", "injected", 5000));
	h_kill(h, hub, SIGKILL);
	hub_sql(h, "DROP TRIGGER fail");
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    0);

	h_mark_seen(h);
	assert_true(fx_hub_start(h) > 0);
	for (m = h_wait_msg(h, topic, 5000); m && m->len;
	    m = h_wait_msg(h, topic, 5000))
		;
	assert_non_null(m);		/* the retained state is cleared */
	/* the board had no receipt: it sends again, and a new incident opens */
	assert_int_equal(fx_next_page(h, "sup", &p2, 15000), 0);
	assert_string_not_equal(p2.incident, p1.incident);
	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_true(h_wait_log(h, "hubd", "which is not open", 5000));
	/* the reply may share the hub's turn with the press: wait for its
	 * commit */
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'paging'", p2.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM acks"), 0);
}

/* Review 7: the time zone is set once, before the MQTT client's threads
 * start; a reload that would change it is refused. */
static void
test_reload_changing_timezone_refused(void **state)
{
	struct harness *h = *state;
	pid_t hub = start(h, 20000);
	char *conf = h_read(h, "hub.conf"), *tz;

	assert_non_null(conf);
	assert_non_null(tz = strstr(conf, "timezone = \"UTC\";"));
	*tz = '\0';
	assert_non_null(h_write(h, "hub.conf", "%stimezone = \"Asia/Tokyo\";%s",
	    conf, tz + strlen("timezone = \"UTC\";")));
	free(conf);
	assert_int_equal(h_kill(h, hub, SIGHUP), 0);
	assert_true(h_wait_log(h, "hubd", "reload refused, old rules kept: site,"
	    " topic_prefix, timezone", 5000));
	assert_true(h_alive(h, hub));
}

/* Publish a raw event payload on counter's event topic. */
static void
raw_event(struct harness *h, const char *counter, const char *json)
{
	char topic[PROTO_TOPIC_MAX];

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_EVENT, counter);
	assert_int_equal(h_publish(h, topic, json, strlen(json), 1, 0), 0);
}

/* The receipt for event id on c1's feedback topic into fb: 0 or -1. */
static int
receipt_for(struct harness *h, const char *id, struct proto_feedback *fb)
{
	while (fx_next_feedback(h, "c1", fb, 5000) == 0)
		if (fb->type == PROTO_FEEDBACK_RECEIPT &&
		    strcmp(fb->event, id) == 0)
			return 0;
	return -1;
}

#define EV_HEAD(seq) "{\"id\":\"c1:bx:" #seq "\",\"counter\":\"c1\"," \
	"\"boot\":\"bx\",\"seq\":" #seq ",\"kind\":\"help\","

/* A real press is not dropped over a field that does not decide who is
 * paged — a board clock gone wrong, a bad attempt count, newer firmware
 * speaking a newer version: paged, recorded, and the board told what was
 * wrong in its receipt. What decides (the kind, the id) still must be
 * sound, and a counter not in the config gets no such benefit. */
static void
test_press_with_a_wrong_field_is_paged(void **state)
{
	struct harness *h = *state;
	struct proto_feedback fb;
	struct proto_page pg;

	assert_non_null(fx_hub_conf(h, 60000, NULL, NULL));
	assert_true(fx_hub_start(h) > 0);
	raw_event(h, "c1", EV_HEAD(1) "\"v\":1,\"gesture\":\"press\","
	    "\"button\":\"main\",\"pressed_at\":\"9999-99-99T00:00:00.000Z\","
	    "\"attempt\":1}");
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(receipt_for(h, "c1:bx:1", &fb), 0);
	assert_string_equal(fb.incident, pg.incident);
	assert_non_null(strstr(fb.problem, "pressed_at"));
	assert_true(h_wait_log(h, "hubd", "event c1:bx:1: taken although", 10));

	raw_event(h, "c1", EV_HEAD(2) "\"v\":1,\"gesture\":\"press\","
	    "\"button\":\"main\",\"pressed_at\":\"2026-01-01T00:00:00.000Z\","
	    "\"attempt\":-5}");
	assert_int_equal(receipt_for(h, "c1:bx:2", &fb), 0);
	assert_string_equal(fb.incident, pg.incident);	/* joins it */
	assert_non_null(strstr(fb.problem, "attempt"));

	raw_event(h, "c1", EV_HEAD(3) "\"v\":2,\"gesture\":\"press\","
	    "\"button\":\"main\",\"pressed_at\":\"2026-01-01T00:00:00.000Z\","
	    "\"attempt\":1,\"colour\":\"red\"}");
	assert_int_equal(receipt_for(h, "c1:bx:3", &fb), 0);
	assert_non_null(strstr(fb.problem, "protocol version 2, read as 1"));
	assert_true(h_wait_sql(h, "hub.db", 3, 5000, "SELECT count(*) FROM log"
	    " WHERE kind = 'tolerated'"));
	assert_true(h_wait_sql(h, "hub.db", 3, 5000, "SELECT count(*) FROM"
	    " events WHERE counter = 'c1'"));

	/* what decides must be sound: a kind nobody knows is dropped */
	raw_event(h, "c1", EV_HEAD(4) "\"v\":1}");
	raw_event(h, "c1", "{\"v\":1,\"id\":\"c1:bx:5\",\"counter\":\"c1\","
	    "\"boot\":\"bx\",\"seq\":5,\"kind\":\"panic\"}");
	/* and a counter not in the config is read strictly */
	raw_event(h, "x9", "{\"id\":\"x9:bx:1\",\"counter\":\"x9\","
	    "\"boot\":\"bx\",\"seq\":1,\"kind\":\"help\",\"v\":1,"
	    "\"gesture\":\"press\",\"button\":\"main\",\"attempt\":1,"
	    "\"pressed_at\":\"9999-99-99T00:00:00.000Z\"}");
	assert_true(h_wait_log(h, "hubd", "dropped (malformed, 2 so far)",
	    5000));
	h_pump(h, 300);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"),
	    4);	/* 1, 2, 3 and 4 (its missing fields defaulted) */
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup_c1, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_resend_of_closed_incident),
		T(test_reply_from_stranger_refused),
		T(test_board_restart_told_state),
		T(test_held_page_sent_after_restart),
		T(test_timers_wait_for_broker),
		T(test_incident_id_not_reused_after_crash),
		T(test_reload_changing_timezone_refused),
		T(test_press_with_a_wrong_field_is_paged),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
