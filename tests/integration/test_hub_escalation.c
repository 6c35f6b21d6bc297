/* test_hub_escalation.c: scenarios 3 and 4 through the real counterd, hubd
 * and broker — nobody answers (supervisor, then backup, then manager, each
 * after its wait and not before), a decline moves on at once, two
 * responders keep the incident paging until the second acknowledges, an
 * acknowledgement stops every further page to that person, and nobody on
 * scene (or on scene too long) pages again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"

/* Step waits: short, but long enough that a loaded machine answers well
 * within one. Timeouts on waits only bound a failure. */
#define STEP_MS		1500
#define WAIT_MS		(STEP_MS + 5000)
#define SLACK_MS	50	/* deadlines run on the monotonic clock,
				   records on the wall clock */

/* Waits are checked on the hub's own clock, in its database: the observer
 * stamps a message when the test gets round to pumping it (not while it
 * waits for panicctl, say), which on a loaded machine can be later than
 * SLACK_MS. */

/* Nobody answers: step 1 pages the supervisor on shift, step 2 the backup
 * once step 1's wait is over (not before), step 3 the manager; the first
 * acknowledgement stands the others down. */
static void
test_nobody_answers_ladder(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2, p3, pg;
	struct proto_feedback fb;

	fx_start_hub_c1(h, STEP_MS, NULL, NULL);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.type, PROTO_PAGE_PAGE);
	assert_int_equal(p1.step, 1);
	assert_int_equal(p1.kind, PROTO_KIND_HELP);

	fx_expect_page(h, "bak", &p2, WAIT_MS, 2, p1.incident);
	fx_assert_paged_after(h, p1.incident, "sup", 1, "bak", 2,
	    STEP_MS - SLACK_MS);
	assert_true(p2.elapsed_ms >= STEP_MS - SLACK_MS);

	fx_expect_page(h, "mgr", &p3, WAIT_MS, 3, p1.incident);
	fx_assert_paged_after(h, p1.incident, "bak", 2, "mgr", 3,
	    STEP_MS - SLACK_MS);
	/* each was paged once, at their own step */
	assert_int_equal(fx_pages_to(h, "sup"), 1);
	assert_int_equal(fx_pages_to(h, "bak"), 1);
	assert_true(h_wait_sql(h, "hub.db", 3, 5000, "SELECT step FROM incidents"
	    " WHERE id = %s", p1.incident));

	/* the manager comes; supervisor and backup are stood down */
	assert_int_equal(fx_reply(h, "mgr", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_CANCEL);
	assert_non_null(strstr(pg.reason, "mgr"));
	assert_int_equal(fx_next_page(h, "bak", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_CANCEL);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));

	/* the database holds every page with its step and outcome */
	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM pages WHERE incident = %s AND type = 'page'"
	    " AND person = 'mgr' AND step = 3 AND outcome = 'acked'",
	    p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM pages WHERE incident = %s AND type = 'page'"
	    " AND ((person = 'sup' AND step = 1) OR (person = 'bak' AND step = 2))"
	    " AND outcome = 'cancelled'", p1.incident), 2);
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM pages WHERE incident = %s AND type = 'page'"
	    " AND person IN ('sup', 'bak')", p1.incident), 2);
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM incidents WHERE id = %s AND state = 'acknowledged'"
	    " AND response_ms >= %d AND first_page_at <= acked_at",
	    p1.incident, 2 * STEP_MS - 2 * SLACK_MS), 1);
}

/* A decline moves to the next step at once, long before the step's wait
 * (here 20 s) would: the backup, then the manager. */
static void
test_decline_moves_on_at_once(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2, p3;

	fx_start_hub_c1(h, 20000, NULL, NULL);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.step, 1);

	/* a decline from someone who was not paged moves nothing */
	assert_int_equal(fx_reply(h, "r2", p1.incident, PROTO_ACTION_DECLINE, 0,
	    NULL), 0);
	assert_true(h_wait_log(h, "hubd", "decline r2", 5000));
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "bak"), 0);

	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_DECLINE, 0,
	    NULL), 0);
	fx_expect_page(h, "bak", &p2, 5000, 2, p1.incident);

	assert_int_equal(fx_reply(h, "bak", p1.incident, PROTO_ACTION_DECLINE, 0,
	    NULL), 0);
	fx_expect_page(h, "mgr", &p3, 5000, 3, p1.incident);

	/* who declined is not paged again in this round */
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "sup"), 1);
	assert_int_equal(fx_pages_to(h, "bak"), 1);
	assert_true(h_wait_sql(h, "hub.db", 3, 5000,
	    "SELECT count(*) FROM pages WHERE incident = %s AND type = 'page'"
	    " AND ((person = 'sup' AND step = 1 AND outcome = 'declined')"
	    " OR (person = 'bak' AND step = 2 AND outcome = 'declined')"
	    " OR (person = 'mgr' AND step = 3 AND outcome = 'sent'))",
	    p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'paging' AND step = 3 AND acked_at IS NULL",
	    p1.incident), 1);
}

/* Scenario 4: the rules ask for two responders, and step 1 names one: the
 * backup (step 2) is paged with the supervisor at once, not a whole step
 * later. One acknowledgement leaves the incident paging (the desk and the
 * pages say 1 of 2); a second — here from someone who was never paged —
 * covers it, and whoever still has a page open is told to stand down. */
static void
test_two_responders(void **state)
{
	struct harness *h = *state;
	char pol[1024];
	struct proto_page p1, p2, pg;
	struct proto_feedback fb;

	snprintf(pol, sizeof pol,
	    "{ kind = \"help\"; min_responders = 2; steps = (\n"
	    "  { targets = [ \"supervisor\" ]; wait_ms = %d; },\n"
	    "  { targets = [ \"backup\" ]; wait_ms = %d; },\n"
	    "  { targets = [ \"role:manager\" ]; wait_ms = %d; } ); },\n"
	    "{ kind = \"emergency\"; min_responders = 2; steps = (\n"
	    "  { targets = [ \"team:response\" ]; wait_ms = %d; } ); }\n",
	    STEP_MS, STEP_MS, STEP_MS, STEP_MS);
	fx_start_hub_c1(h, STEP_MS, pol, NULL);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.needed, 2);
	assert_int_equal(p1.acks, 0);
	assert_int_equal(fx_next_page(h, "bak", &p2, 5000), 0);
	assert_int_equal(p2.type, PROTO_PAGE_PAGE);
	assert_int_equal(p2.step, 2);
	assert_int_equal(p2.acks, 0);	/* with sup, before anyone answered */
	assert_true(h_wait_log(h, "hubd", "step 1 cannot bring 2 responders: "
	    "the next step at once", 5000));

	/* one of two: still paging */
	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 1, &fb, 5000),
	    0);
	assert_int_equal(fb.needed, 2);
	assert_string_equal(fb.incident, p1.incident);

	/* r2 was never paged; the acknowledgement counts all the same */
	assert_int_equal(fx_reply(h, "r2", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 2, &fb,
	    5000), 0);
	assert_int_equal(fb.needed, 2);
	assert_int_equal(fx_next_page(h, "bak", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_CANCEL);
	assert_non_null(strstr(pg.reason, "sup"));
	assert_non_null(strstr(pg.reason, "r2"));
	assert_int_equal(pg.acks, 2);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));

	/* covered: paging has stopped for everyone */
	h_pump(h, STEP_MS + 1000);
	assert_int_equal(fx_pages_to(h, "mgr"), 0);
	assert_int_equal(fx_pages_to(h, "sup"), 1);
	assert_int_equal(fx_pages_to(h, "r2"), 0);
	assert_int_equal(fx_pages_to(h, "bak"), 2);

	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM acks"
	    " WHERE incident = %s AND person IN ('sup', 'r2')", p1.incident), 2);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM responders"
	    " WHERE incident = %s AND person = 'r2' AND flags & 2 AND"
	    " acked_at IS NOT NULL", p1.incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'r2'", p1.incident), 0);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'acknowledged' AND min_responders = 2"
	    " AND flags & 2 AND acked_at = (SELECT min(at) FROM acks"
	    " WHERE incident = %s)", p1.incident, p1.incident), 1);
}

/* An acknowledgement stops every further page to that person at once,
 * while the ladder (two rounds, each step naming them again) goes on
 * paging everyone else. */
static void
test_ack_stops_pages_to_that_person(void **state)
{
	struct harness *h = *state;
	char pol[1024];
	struct proto_page p1, pg;
	struct proto_feedback fb;

	snprintf(pol, sizeof pol,
	    "{ kind = \"help\"; min_responders = 2; repeat = 1; steps = (\n"
	    "  { targets = [ \"supervisor\", \"backup\" ]; wait_ms = %d; },\n"
	    "  { targets = [ \"supervisor\", \"backup\", \"role:manager\" ];"
	    " wait_ms = %d; } ); },\n"
	    "{ kind = \"emergency\"; min_responders = 2; steps = (\n"
	    "  { targets = [ \"team:response\" ]; wait_ms = %d; } ); }\n",
	    STEP_MS, STEP_MS, STEP_MS);
	fx_start_hub_c1(h, STEP_MS, pol, NULL);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(fx_next_page(h, "bak", &pg, 5000), 0);
	assert_int_equal(pg.step, 1);

	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 1, &fb, 5000),
	    0);

	/* step 2 names sup again; only bak and mgr are paged */
	assert_int_equal(fx_next_page(h, "bak", &pg, WAIT_MS), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.step, 2);
	assert_int_equal(fx_next_page(h, "mgr", &pg, 5000), 0);
	assert_int_equal(pg.step, 2);
	/* round 2, step 1 names sup again */
	assert_int_equal(fx_next_page(h, "bak", &pg, WAIT_MS), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.step, 1);
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "sup"), 1);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'sup'", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'sup' AND outcome = 'acked'",
	    p1.incident), 1);
	assert_true(h_wait_sql(h, "hub.db", 3, 5000, "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'bak' AND type = 'page'",
	    p1.incident));
}

/* Acknowledged, but nobody on scene within on_scene_timeout (1 s here):
 * the acknowledger is paged again and the ladder moves on. On scene for
 * relief_after (1 s here): the next step is paged for relief. */
static void
test_not_on_scene_pages_again_then_relief(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, pg;
	struct proto_feedback fb;

	assert_non_null(fx_hub_conf(h, 20000, NULL, "timeouts = {"
	    " on_scene_timeout_ms = 1000; relief_after_ms = 1000; };"));
	assert_true(fx_hub_start(h) > 0);
	assert_true(fx_counter_start(h, "c1") > 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);

	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT (SELECT"
	    " min(sent_at) FROM pages WHERE incident = %s AND person = 'sup'"
	    " AND reason = 'not on scene') - acked_at >= %d FROM incidents"
	    " WHERE id = %s", p1.incident, 1000 - SLACK_MS, p1.incident));
	assert_int_equal(fx_next_page(h, "bak", &pg, 5000), 0);
	assert_int_equal(pg.step, 2);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 0, &fb, 5000),
	    0);

	/* bak arrives; a second later the manager is paged for relief */
	assert_int_equal(fx_reply(h, "bak", p1.incident, PROTO_ACTION_ON_SCENE, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ON_SCENE, 1, &fb, 5000),
	    0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=onscene", 5000));
	assert_int_equal(fx_next_page(h, "mgr", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.step, 3);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'on_scene' AND timer = 'relief'"
	    " AND on_scene_at IS NOT NULL", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'sup' AND type = 'page'"
	    " AND reason = 'not on scene'", p1.incident), 1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup_c1, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_nobody_answers_ladder),
		T(test_decline_moves_on_at_once),
		T(test_two_responders),
		T(test_ack_stops_pages_to_that_person),
		T(test_not_on_scene_pages_again_then_relief),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
