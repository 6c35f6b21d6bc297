/* test_supervise.c: counter boards under supervision — boards not in the
 * config are watched only up to a bound (anyone may publish a status), and
 * a board that comes (back) online is told what its desk should show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clock.h"
#include "hubfx.h"

static void
status(struct hub *h, const char *counter, int online, uint32_t hb)
{
	struct proto_status st;

	memset(&st, 0, sizeof st);
	st.online = online;
	snprintf(st.counter, sizeof st.counter, "%s", counter);
	snprintf(st.boot, sizeof st.boot, "b0");
	st.at_ms = clock_wall_ms();
	st.hb = hb;
	st.interval_s = online ? 30 : 0;
	supervise_status(h, &st, 0);
}

static int
watched(const struct hub *h, const char *id)
{
	for (unsigned i = 0; i < h->ncounters; i++)
		if (strcmp(h->counters[i]->id, id) == 0)
			return 1;
	return 0;
}

/* A flood of statuses from made-up counters: the configured boards stay
 * watched, the others are bounded, and what was forgotten is counted. */
static void
test_unknown_counters_bounded(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	char id[PROTO_ID_MAX];

	assert_int_equal(h->ncounters, 2);		/* c03, r1 */
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "x%d", i);
		status(h, id, 1, 0);
	}
	assert_int_equal(h->ncounters, 2 + HUB_UNKNOWN_COUNTERS_MAX);
	assert_true(h->stats.counters_dropped == 1000 - HUB_UNKNOWN_COUNTERS_MAX);
	assert_true(watched(h, "c03") && watched(h, "r1"));
	assert_true(watched(h, "x999") && !watched(h, "x0"));
	/* a configured board is still supervised as ever */
	status(h, "c03", 0, 0);
	assert_int_equal(hfx_count(h, "/maint/fac", "\"type\":\"alert\"",
	    "\"counter\":\"c03\"", NULL), 1);
}

/* The one heard from longest ago goes first: a board still talking stays. */
static void
test_unknown_counter_evicted_oldest_first(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	char id[PROTO_ID_MAX];

	status(h, "old", 1, 0);
	status(h, "busy", 1, 0);
	for (int i = 0; i < HUB_UNKNOWN_COUNTERS_MAX - 2; i++) {
		snprintf(id, sizeof id, "x%d", i);
		status(h, id, 1, 0);
	}
	/* busy speaks again a moment later; old has not */
	for (int64_t t = clock_mono_ms(); clock_mono_ms() == t;)
		;
	status(h, "busy", 1, 1);
	status(h, "new", 1, 0);
	assert_true(watched(h, "busy") && watched(h, "new"));
	assert_false(watched(h, "old"));
	assert_true(h->stats.counters_dropped == 1);
}

/* Feedback is not retained: a board that connects (heartbeat 0) or comes
 * back from offline is told its incident's state; plain heartbeats and
 * retained statuses are not answered. */
static void
test_online_tells_desk(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_event ev;
	struct proto_status st;

	hfx_event(&ev, "c03", PROTO_KIND_HELP, 1);
	engine_event(h, &ev);
	engine_commit(h);
	hfx_sent(h);

	status(h, "c03", 1, 0);
	assert_int_equal(hfx_count(h, "/counter/c03/feedback",
	    "\"type\":\"state\"", "\"state\":\"paging\"", NULL), 1);
	hfx_sent(h);
	status(h, "c03", 1, 1);
	status(h, "c03", 1, 2);
	assert_int_equal(hfx_count(h, "/counter/c03/feedback", NULL), 0);
	status(h, "c03", 0, 0);
	hfx_sent(h);
	status(h, "c03", 1, 7);		/* back, whatever its count says */
	assert_int_equal(hfx_count(h, "/counter/c03/feedback",
	    "\"type\":\"state\"", NULL), 1);
	hfx_sent(h);
	memset(&st, 0, sizeof st);
	st.online = 1;
	snprintf(st.counter, sizeof st.counter, "c03");
	st.at_ms = clock_wall_ms();
	st.interval_s = 30;
	supervise_status(h, &st, 1);	/* retained: old news */
	assert_int_equal(hfx_count(h, "/counter/c03/feedback", NULL), 0);
	/* a board that never had an incident is told nothing */
	status(h, "r1", 1, 0);
	assert_int_equal(hfx_count(h, "/counter/r1/feedback", NULL), 0);
}

int
main(void)
{
#define T(n) cmocka_unit_test_setup_teardown(n, hfx_setup, hfx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_unknown_counters_bounded),
		T(test_unknown_counter_evicted_oldest_first),
		T(test_online_tells_desk),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
