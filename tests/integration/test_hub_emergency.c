/* test_hub_emergency.c: scenario 2 through the real counterd, hubd and
 * broker — an emergency (a long press, or the hidden second button) pages
 * the whole response team and security at once, shows nothing at the desk
 * the customer could see, starts the counter's recorder, and further
 * presses at the counter join the open incident instead of opening
 * another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"
#include "proto.h"

/* Long enough that step 2 (the manager) cannot be confused with the
 * all-call of step 1; no test waits for it. */
#define STEP_MS		10000

static int
prepare(struct harness *h)
{
	/* "main": help, upgraded to emergency when held 600 ms; "under": the
	 * hidden emergency button, discreet. A recorder for emergencies. */
	return (!fx_counter_conf_with(h, "c1", 30,
	    "{ name = \"main\"; short = \"help\"; long = \"emergency\";"
	    " long_ms = 600; },\n"
	    "  { name = \"under\"; short = \"emergency\"; long = \"none\";"
	    " discreet = true; }",
	    "{ name = \"desk\"; role = \"status\"; },\n"
	    "  { name = \"sounder\"; role = \"fallback\"; },\n"
	    "  { name = \"rec\"; role = \"recorder\"; mode = \"hold\"; }") ||
	    !fx_hub_conf(h, STEP_MS, NULL, NULL) || fx_hub_start(h) < 0 ||
	    fx_counter_start(h, "c1") < 0) ? -1 : 0;
}

static int
setup(void **state)
{
	return fx_setup(state, prepare);
}

/* The next page to person must be the emergency all-call of incident. */
static void
expect_all_call(struct harness *h, const char *person, const char *incident)
{
	struct proto_page pg;

	assert_int_equal(fx_next_page(h, person, &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(pg.step, 1);
	assert_int_equal(pg.needed, 2);
	assert_string_equal(pg.counter, "c1");
	if (incident)
		assert_string_equal(pg.incident, incident);
}

/* Size of a log file now, so that later checks read only what follows. */
static size_t
log_size(struct harness *h, const char *name)
{
	char *s = h_read(h, name);
	size_t n = s ? strlen(s) : 0;

	free(s);
	return n;
}

/* 1 if the log file, from offset on, contains needle. */
static int
log_has_since(struct harness *h, const char *name, size_t offset,
    const char *needle)
{
	char *s = h_read(h, name);
	int found = s && strlen(s) >= offset && strstr(s + offset, needle);

	free(s);
	return found;
}

/* A long press: the help call raised at the first contact becomes an
 * emergency. The incident's severity rises, and the response team and
 * security are paged together — the supervisor again, now as an emergency.
 * The desk keeps showing what it showed for the help call. */
static void
test_long_press_raises_help_to_emergency(void **state)
{
	struct harness *h = *state;
	struct proto_event first, up;
	struct proto_page p1, pg;
	struct proto_feedback fb;
	char *out;

	assert_int_equal(fx_press(h, "c1", 900), 0);
	assert_int_equal(fx_next_event(h, "c1", &first, 5000), 0);
	assert_int_equal(first.kind, PROTO_KIND_HELP);
	assert_int_equal(fx_next_event(h, "c1", &up, 5000), 0);
	assert_int_equal(up.kind, PROTO_KIND_EMERGENCY);
	assert_string_equal(up.upgrades, first.id);

	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.kind, PROTO_KIND_HELP);
	expect_all_call(h, "sup", p1.incident);
	expect_all_call(h, "bak", p1.incident);
	expect_all_call(h, "r2", p1.incident);
	expect_all_call(h, "sec", p1.incident);
	assert_int_equal(fx_pages_to(h, "mgr"), 0);	/* step 2 */

	/* one incident, raised; both events belong to it; the all-call went
	 * out in one go (one input, one time) */
	assert_true(h_wait_sql(h, "hub.db", 2, 5000,
	    "SELECT count(*) FROM events WHERE incident = %s", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND kind = 'emergency' AND min_responders = 2"
	    " AND state = 'paging'", p1.incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND type = 'page' AND step = 1 AND sent_at ="
	    " (SELECT max(sent_at) FROM pages WHERE incident = %s)",
	    p1.incident, p1.incident), 4);
	assert_true(h_wait_file(h, "c1.sock.outputs", "rec 1 pattern=hold", 5000));

	/* two acknowledge: covered; the others stand down */
	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_reply(h, "sec", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 2, &fb,
	    5000), 0);
	assert_int_equal(fb.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(fx_next_page(h, "bak", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_CANCEL);
	assert_int_equal(fx_next_page(h, "r2", &pg, 5000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_CANCEL);

	/* discreet: the light keeps what it showed for the help call */
	h_pump(h, 500);
	out = h_read(h, "c1.sock.outputs");
	assert_non_null(out);
	assert_non_null(strstr(out, "desk 1 pattern=received"));
	free(out);

	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_HARASSMENT, "刃物を見せた"), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	assert_true(h_wait_file(h, "c1.sock.outputs", "rec 0 pattern=off", 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'closed' AND category = 'harassment'",
	    p1.incident));
}

/* The hidden button: an emergency from the start. Everyone on the response
 * team and security at once, the recorder on, and nothing at all on the
 * desk light. More presses join the open incident. */
static void
test_hidden_button_is_discreet_and_presses_join(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page p1;
	struct proto_feedback fb;
	size_t off, pages;
	char *out;

	/* the desk turns idle once connected; only what it shows after
	 * that counts (slow under the sanitizers: it can come late) */
	assert_true(h_wait_log(h, "counterd", "output desk: off (idle)", 5000));
	off = log_size(h, "counterd.log");
	assert_int_equal(fx_press_button(h, "c1", "under", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(p1.step, 1);
	expect_all_call(h, "bak", p1.incident);
	expect_all_call(h, "r2", p1.incident);
	expect_all_call(h, "sec", p1.incident);
	assert_int_equal(fx_pages_to(h, "mgr"), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "rec 1 pattern=hold", 5000));

	/* the hub says "paging" to the board; the desk shows none of it */
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 0, &fb, 5000),
	    0);
	assert_int_equal(fb.kind, PROTO_KIND_EMERGENCY);
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
	h_pump(h, 500);
	out = h_read(h, "c1.sock.outputs");
	assert_non_null(out);
	assert_non_null(strstr(out, "desk 0 pattern=idle"));
	assert_non_null(strstr(out, "sounder 0 pattern=off"));
	free(out);
	assert_false(log_has_since(h, "counterd.log", off, "output desk:"));

	/* pressed again, then the main button: both join, nobody is paged
	 * again, the incident stays an emergency */
	h_mark_seen(h);
	pages = h_count(h, "panic/" FX_SITE "/pager/+");
	assert_int_equal(fx_press_button(h, "c1", "under", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(ev.kind, PROTO_KIND_HELP);
	assert_true(h_wait_sql(h, "hub.db", 3, 5000,
	    "SELECT count(*) FROM events WHERE incident = %s", p1.incident));
	assert_true(h_wait_log(h, "hubd", "(help) joins", 5000));
	h_pump(h, 300);
	assert_int_equal(h_count(h, "panic/" FX_SITE "/pager/+"), pages);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND kind = 'emergency' AND state = 'paging'",
	    p1.incident), 1);
}

/* Help is already coming (acknowledged, the desk shows it) when the hidden
 * button is pressed: the incident becomes an emergency needing two, the
 * rest of the response team and security are paged at once, and the desk
 * keeps showing what it showed. */
static void
test_emergency_after_help_acknowledged(void **state)
{
	struct harness *h = *state;
	struct proto_page p1;
	struct proto_feedback fb;
	char *out;

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(fx_reply(h, "sup", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));

	assert_int_equal(fx_press_button(h, "c1", "under", 50), 0);
	expect_all_call(h, "bak", p1.incident);
	expect_all_call(h, "r2", p1.incident);
	expect_all_call(h, "sec", p1.incident);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_PAGING, 1, &fb, 5000),
	    0);
	assert_int_equal(fb.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(fb.needed, 2);
	h_pump(h, 500);
	assert_int_equal(fx_pages_to(h, "sup"), 1);	/* already coming */
	assert_int_equal(fx_pages_to(h, "mgr"), 0);
	out = h_read(h, "c1.sock.outputs");
	assert_non_null(out);
	assert_non_null(strstr(out, "desk 1 pattern=ack"));
	free(out);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND kind = 'emergency' AND state = 'paging'"
	    " AND min_responders = 2", p1.incident));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_long_press_raises_help_to_emergency),
		T(test_hidden_button_is_discreet_and_presses_join),
		T(test_emergency_after_help_acknowledged),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
