/* test_help_call.c: scenario 1 through the real counterd, hubd and broker —
 * a short press at counter 1 pages the supervisor on shift, who
 * acknowledges, arrives and resolves; the desk light follows each step and
 * the hub's database holds every time. Also: a redelivered event changes
 * nothing, and malformed payloads are dropped while presses still flow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "harness.h"
#include "proto.h"

static int
prepare(struct harness *h)
{
	return fx_start_c1_hub(h, 60000);
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

static void
test_help_call_end_to_end(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;
	int64_t t0 = clock_wall_ms();

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);

	/* the supervisor on shift is paged, with where and what */
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_string_equal(pg.counter, "c1");
	assert_string_equal(pg.label, "1番窓口");
	assert_non_null(strstr(pg.location, "入口右手"));
	assert_int_equal(pg.kind, PROTO_KIND_HELP);
	assert_int_equal(pg.step, 1);
	assert_int_equal(pg.needed, 1);
	assert_int_equal(pg.pressed_ms, ev.pressed_ms);
	assert_true(pg.sent_ms >= t0 - 1000);

	/* the board got its receipt; the desk shows "received" */
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM events WHERE id = '%s'", ev.id));

	assert_int_equal(fx_reply(h, "sup", pg.incident, PROTO_ACTION_ACK, 0, NULL), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));
	assert_int_equal(fx_reply(h, "sup", pg.incident, PROTO_ACTION_ON_SCENE, 0, NULL), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=onscene", 5000));
	assert_int_equal(fx_reply(h, "sup", pg.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_HARASSMENT, "大声で威圧"), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));

	/* every time is logged, in order */
	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM incidents WHERE id = %s AND counter = 'c1'"
	    " AND pressed_at = %lld AND pressed_at <= received_at"
	    " AND received_at <= first_page_at AND first_page_at <= acked_at"
	    " AND acked_at <= on_scene_at AND on_scene_at <= resolved_at"
	    " AND resolved_at <= closed_at AND category = 'harassment'"
	    " AND note = '大声で威圧' AND response_ms = acked_at - received_at",
	    pg.incident, (long long)ev.pressed_ms));
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM acks WHERE incident = %s AND person = 'sup'",
	    pg.incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM pages WHERE incident = %s AND person = 'sup'"
	    " AND step = 1", pg.incident), 1);
}

/* The same event id again (a QoS 1 redelivery, or the board's re-send after
 * a lost receipt): a receipt marked duplicate, and nothing else. */
static void
test_redelivered_event_changes_nothing(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;
	struct proto_feedback fb;
	char topic[PROTO_TOPIC_MAX], buf[1024];
	size_t pages;
	int n;

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	h_mark_seen(h);
	pages = h_count(h, "panic/t/pager/+");

	ev.attempt = 5;
	n = proto_encode_event(&ev, buf, sizeof buf);
	assert_true(n > 0);
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_EVENT, "c1");
	assert_int_equal(h_publish(h, topic, buf, (size_t)n, 1, 0), 0);
	for (;;) {
		assert_int_equal(fx_next_feedback(h, "c1", &fb, 5000), 0);
		if (fb.type == PROTO_FEEDBACK_RECEIPT)
			break;
	}
	assert_string_equal(fb.event, ev.id);
	assert_int_equal(fb.duplicate, 1);
	assert_string_equal(fb.incident, pg.incident);
	h_pump(h, 300);
	assert_int_equal(h_count(h, "panic/t/pager/+"), pages);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"), 1);
}

/* Garbage on the event topic is counted and dropped; the hub stays up and
 * the next real press is paged. */
static void
test_malformed_payloads_dropped(void **state)
{
	struct harness *h = *state;
	static const char *const bad[] = {
		"", "{", "null", "[]", "{\"v\":2}", "{\"v\":1,\"id\":\"x\"}",
		"\xff\xfe\x00\x01", "{\"v\":1,\"counter\":\"c1/../c2\"}",
	};
	struct proto_page pg;
	char topic[PROTO_TOPIC_MAX];

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_EVENT, "c1");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(h_publish(h, topic, bad[i],
		    i == 6 ? 4 : strlen(bad[i]), 1, 0), 0);
	assert_true(h_wait_log(h, "hubd", "malformed, 8 so far", 5000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_string_equal(pg.counter, "c1");
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM incidents"));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_help_call_end_to_end),
		T(test_redelivered_event_changes_nothing),
		T(test_malformed_payloads_dropped),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
