/* test_hub_security.c: forged messages through the real hubd and broker —
 * an event on one counter's topic that claims another counter, and a reply
 * on one pager's topic that names another person, and an event id sent
 * again with other content, are refused as security
 * events (counted, logged, recorded) and change nothing; genuine messages
 * still flow around them. */
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

#define PAGES	"panic/" FX_SITE "/pager/+"

static int
prepare(struct harness *h)
{
	return fx_start_c1_hub(h, 20000);
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

/* A well-formed help press from counter c2, published on c1's topic. */
static void
forged_event(struct proto_event *ev)
{
	memset(ev, 0, sizeof *ev);
	snprintf(ev->counter, sizeof ev->counter, "c2");
	snprintf(ev->boot, sizeof ev->boot, "f0f0f0f0f0f0f0f0");
	ev->seq = 1;
	assert_int_equal(proto_event_make_id(ev), 0);
	ev->kind = PROTO_KIND_HELP;
	ev->gesture = PROTO_GESTURE_PRESS;
	snprintf(ev->button, sizeof ev->button, "main");
	ev->pressed_ms = clock_wall_ms();
	ev->held_ms = -1;
	ev->attempt = 1;
}

static void
test_forged_event_refused(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;

	forged_event(&ev);
	assert_int_equal(fx_publish_event(h, "c1", &ev), 0);
	assert_true(h_wait_log(h, "hubd", "refused (security, 1 so far): event"
	    " counter differs from topic", 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM log"
	    " WHERE kind = 'security' AND topic = 'panic/t/counter/c1/event'"));
	h_pump(h, 300);
	assert_int_equal(h_count(h, PAGES), 0);
	assert_int_equal(h_count(h, "panic/t/counter/+/feedback"), 0);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    0);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"), 0);

	/* the real board still gets through */
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_string_equal(pg.counter, "c1");
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM incidents WHERE counter = 'c1'"));
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM events WHERE counter = 'c2'"), 0);
}

static void
test_forged_reply_refused(void **state)
{
	struct harness *h = *state;
	struct proto_reply rp = { .action = PROTO_ACTION_ACK };
	struct proto_page p1;
	struct proto_feedback fb;
	size_t feedback, pages;

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	h_mark_seen(h);
	feedback = h_count(h, "panic/t/counter/c1/feedback");
	pages = h_count(h, PAGES);

	/* on sup's reply topic, claiming to be bak */
	snprintf(rp.incident, sizeof rp.incident, "%s", p1.incident);
	snprintf(rp.person, sizeof rp.person, "bak");
	rp.at_ms = clock_wall_ms();
	assert_int_equal(fx_publish_reply(h, "sup", &rp), 0);
	assert_true(h_wait_log(h, "hubd", "refused (security, 1 so far): reply"
	    " person differs from topic", 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM log"
	    " WHERE kind = 'security' AND topic = 'panic/t/pager/sup/reply'"));
	h_pump(h, 300);
	assert_int_equal(h_count(h, "panic/t/counter/c1/feedback"), feedback);
	assert_int_equal(h_count(h, PAGES), pages);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM acks"), 0);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'paging' AND acked_at IS NULL",
	    p1.incident), 1);

	/* sup's own acknowledgement counts */
	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM acks"
	    " WHERE incident = %s AND person = 'sup'", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM acks"
	    " WHERE person = 'bak'"), 0);
}

/* An event id already stored, sent again with other content (an
 * emergency where a help press was, another time): a replay or a board
 * reusing ids. Refused as a security event; the unchanged re-send still
 * gets its receipt as a duplicate. */
static void
test_replayed_id_other_content_refused(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;

	forged_event(&ev);
	snprintf(ev.counter, sizeof ev.counter, "c1");
	assert_int_equal(proto_event_make_id(&ev), 0);
	assert_int_equal(fx_publish_event(h, "c1", &ev), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " events WHERE id = '%s'", ev.id));

	ev.kind = PROTO_KIND_EMERGENCY;
	ev.attempt = 2;
	assert_int_equal(fx_publish_event(h, "c1", &ev), 0);
	assert_true(h_wait_log(h, "hubd", "refused (security, 1 so far): event"
	    " id already stored with other content", 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM log"
	    " WHERE kind = 'security' AND topic = 'panic/t/counter/c1/event'"));

	ev.kind = PROTO_KIND_HELP;
	ev.attempt = 3;
	assert_int_equal(fx_publish_event(h, "c1", &ev), 0);
	assert_true(h_wait_log(h, "hubd", "duplicate (attempt 3), receipt"
	    " again", 5000));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE kind = 'emergency'"), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_replayed_id_other_content_refused),
		T(test_forged_event_refused),
		T(test_forged_reply_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
