/* test_hub_counter.c: what else a counter can send, through the real
 * counterd, hubd and broker — a cancel within the grace period ends the
 * call as a false alarm (a later one is ignored), a drill (scenario 8) is
 * paged by the test policy and recorded apart — but a real press during a
 * drill is a real call — and a board the hub has no rules for still
 * reaches the fallback and is flagged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"

/* No test here waits for a step to end. */
#define STEP_MS		20000

/* The default ladders, and a drill ladder that pages r2 only. */
#define POLICIES_WITH_TEST \
	"{ kind = \"help\"; min_responders = 1; steps = (\n" \
	"  { targets = [ \"supervisor\" ]; wait_ms = 20000; },\n" \
	"  { targets = [ \"backup\" ]; wait_ms = 20000; } ); },\n" \
	"{ kind = \"emergency\"; min_responders = 2; steps = (\n" \
	"  { targets = [ \"team:response\", \"role:security\" ];" \
	" wait_ms = 20000; } ); },\n" \
	"{ kind = \"test\"; min_responders = 1; steps = (\n" \
	"  { targets = [ \"person:r2\" ]; wait_ms = 20000; } ); }\n"

static int
prepare(struct harness *h)
{
	/* the main button, one to call a press off, one for drills */
	return fx_counter_conf_with(h, "c1", 30,
	    "{ name = \"main\"; short = \"help\"; long = \"emergency\";"
	    " long_ms = 600; },\n"
	    "  { name = \"cancel\"; short = \"cancel\"; long = \"none\"; },\n"
	    "  { name = \"drill\"; short = \"test\"; long = \"none\"; }",
	    NULL) ? 0 : -1;
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

/* A mistaken press called off at the counter within the grace period:
 * resolved as a false alarm and closed, the supervisor stood down, the
 * desk dark again, the dashboards' retained state cleared. */
static void
test_cancel_within_grace(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page p1, pg;
	const struct h_msg *m;
	char topic[PROTO_TOPIC_MAX];

	fx_start_hub_c1(h, STEP_MS, NULL, NULL);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));

	assert_int_equal(fx_press_button(h, "c1", "cancel", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);	/* the help */
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_CANCEL);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_CANCEL);
	assert_string_equal(pg.incident, p1.incident);
	assert_non_null(strstr(pg.reason, "cancel"));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));

	/* the retained incident state is cleared with an empty message */
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_INCIDENT,
	    p1.incident);
	while ((m = h_wait_msg(h, topic, 5000)) != NULL && m->len != 0)
		;
	assert_non_null(m);

	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM incidents WHERE id = %s AND state = 'closed'"
	    " AND category = 'false_alarm' AND resolved_at IS NOT NULL"
	    " AND closed_at >= received_at AND acked_at IS NULL", p1.incident));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM events WHERE id = '%s' AND kind = 'cancel'"
	    " AND incident = %s", ev.id, p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND person = 'sup' AND type = 'page'"
	    " AND outcome = 'cancelled'", p1.incident), 1);
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "bak"), 0);
}

/* A cancel after the grace period is logged and ignored: the call goes on
 * and nobody is stood down. */
static void
test_cancel_after_grace_ignored(void **state)
{
	struct harness *h = *state;
	struct proto_page p1;

	fx_start_hub_c1(h, STEP_MS, NULL,
	    "timeouts = { cancel_grace_ms = 500; };");
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	h_pump(h, 1000);
	assert_int_equal(fx_press_button(h, "c1", "cancel", 50), 0);
	assert_true(h_wait_log(h, "hubd", "grace period ignored", 5000));
	assert_true(h_wait_sql(h, "hub.db", 2, 5000,
	    "SELECT count(*) FROM events WHERE incident = %s", p1.incident));
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "sup"), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'paging' AND category IS NULL"
	    " AND closed_at IS NULL", p1.incident), 1);
}

/* Scenario 8: a drill press is paged by the test policy (r2, not the
 * supervisor), measured like a real call, and recorded as kind "test" so
 * that the statistics can leave it out. */
static void
test_drill_is_measured_and_kept_apart(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;
	struct proto_feedback fb;

	fx_start_hub_c1(h, STEP_MS, POLICIES_WITH_TEST, NULL);
	assert_int_equal(fx_press_button(h, "c1", "drill", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_TEST);
	assert_int_equal(fx_next_page(h, "r2", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.kind, PROTO_KIND_TEST);
	assert_int_equal(pg.step, 1);
	assert_string_equal(pg.counter, "c1");

	assert_int_equal(fx_reply(h, "r2", pg.incident, PROTO_ACTION_ACK, 0, NULL),
	    0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_int_equal(fb.kind, PROTO_KIND_TEST);
	assert_int_equal(fx_reply(h, "r2", pg.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_DRILL, "月例訓練"), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM incidents WHERE id = %s AND kind = 'test'"
	    " AND category = 'drill' AND state = 'closed' AND response_ms >= 0"
	    " AND response_ms = acked_at - received_at", pg.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"
	    " WHERE id = '%s' AND kind = 'test' AND incident = %s", ev.id,
	    pg.incident), 1);
	/* the real statistics (docs/HUB.md) do not see it */
	assert_int_equal(h_sql_int(h, "hub.db",
	    "SELECT count(*) FROM incidents WHERE kind != 'test'"), 0);
	assert_int_equal(fx_pages_to(h, "sup"), 0);
	assert_int_equal(fx_pages_to(h, "bak"), 0);
}

/* A real call during a drill at the same counter is no drill: the
 * incident becomes a help call, the help ladder pages the supervisor, and
 * it counts in the real statistics. */
static void
test_help_press_during_drill_is_real(void **state)
{
	struct harness *h = *state;
	struct proto_page pg, p1;
	struct proto_feedback fb;

	fx_start_hub_c1(h, STEP_MS, POLICIES_WITH_TEST, NULL);
	assert_int_equal(fx_press_button(h, "c1", "drill", 50), 0);
	assert_int_equal(fx_next_page(h, "r2", &p1, 5000), 0);
	assert_int_equal(p1.kind, PROTO_KIND_TEST);

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.kind, PROTO_KIND_HELP);
	assert_int_equal(pg.step, 1);
	assert_string_equal(pg.incident, p1.incident);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 0, &fb, 5000),
	    0);
	while (fb.kind != PROTO_KIND_HELP)
		assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 0, &fb,
		    5000), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND kind = 'help'", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
}

/* A board that is not in the hub's config still reaches someone: the
 * fallback (the manager) is paged, the page names the board, and the
 * incident is flagged as from an unknown counter that used the fallback. */
static void
test_unknown_counter_pages_fallback(void **state)
{
	struct harness *h = *state;
	struct proto_page pg;
	char *out, want[sizeof pg.incident];

	fx_start_hub_c1(h, STEP_MS, NULL, NULL);
	assert_non_null(fx_counter_conf(h, "c9", NULL));
	assert_true(fx_counter_start(h, "c9") > 0);
	assert_int_equal(fx_press(h, "c9", 50), 0);
	assert_int_equal(fx_next_page(h, "mgr", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.step, 1);
	assert_string_equal(pg.counter, "c9");
	assert_string_equal(pg.label, "c9");
	assert_non_null(strstr(pg.location, "unknown counter"));
	assert_true(h_wait_file(h, "c9.sock.outputs", "desk 1 pattern=received", 5000));

	assert_true(h_wait_sql(h, "hub.db", 1, 5000,
	    "SELECT count(*) FROM incidents WHERE id = %s AND counter = 'c9'"
	    " AND flags & 1 AND flags & 8 AND state = 'paging'", pg.incident));
	assert_true(h_wait_log(h, "hubd", "unknown counter", 5000));
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "sup"), 0);
	assert_int_equal(fx_pages_to(h, "bak"), 0);

	/* the records mark it: no label passes for a configured counter's */
	assert_int_equal(FX_PC(h, &out, "incidents", "-c", h_path(h,
	    "hub.conf")), 0);
	snprintf(want, sizeof want, "%s", pg.incident);
	assert_non_null(strstr(out, "c9 "));
	assert_non_null(strstr(out, "(not configured)"));
	free(out);
	assert_int_equal(FX_PC(h, &out, "incident", "-c", h_path(h,
	    "hub.conf"), want), 0);
	assert_non_null(strstr(out, "(not configured) (c9)"));
	free(out);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_cancel_within_grace),
		T(test_cancel_after_grace_ignored),
		T(test_drill_is_measured_and_kept_apart),
		T(test_help_press_during_drill_is_real),
		T(test_unknown_counter_pages_fallback),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
