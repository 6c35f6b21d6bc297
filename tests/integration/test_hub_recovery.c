/* test_hub_recovery.c: scenario 5 and rule changes through the real
 * counterd, hubd and broker — the hub killed with -9 in the middle of a
 * ladder resumes it from its database at the right step and time; a press
 * made while the broker is down is kept on the board (the local sounder
 * goes off) and paged once the broker is back; SIGHUP refuses an invalid
 * file and keeps the old rules, and applies a valid one to the open
 * incident; a second hubd or counterd on the same database or outbox
 * refuses to start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"

#define STEP_MS		1500
#define WAIT_MS		(STEP_MS + 5000)
#define SLACK_MS	50	/* deadlines run on the monotonic clock,
				   records on the wall clock */

/* Waits are checked on the hub's own clock, in its database: the observer
 * stamps a message when the test gets round to pumping it, which on a
 * loaded machine can be later than SLACK_MS. */

/* kill -9 after step 1's page: the restarted hub reloads the incident and
 * its deadline, pages step 1's people again once connected (the first page
 * may have died in the old hub's queue), pages step 2 when step 1's wait
 * is over (not at once, not from the start), then step 3, and the call
 * completes — one incident, no step paged twice but the one restored. */
static void
test_kill_9_mid_ladder_resumes(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2, p3;
	struct proto_feedback fb;
	pid_t hub = fx_start_hub_c1(h, STEP_MS, NULL, NULL);
	char *out, last[64];

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(p1.step, 1);
	/* committed, and the board has its receipt */
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND step = 1 AND timer = 'step'",
	    p1.incident));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));

	h_kill(h, hub, SIGKILL);
	assert_true(fx_hub_start(h) > 0);
	assert_true(h_wait_log(h, "hubd", "restored at step 1", 5000));

	fx_expect_page(h, "bak", &p2, WAIT_MS, 2, p1.incident);
	fx_assert_paged_after(h, p1.incident, "sup", 1, "bak", 2,
	    STEP_MS - SLACK_MS);
	assert_int_equal(fx_next_page(h, "mgr", &p3, WAIT_MS), 0);
	assert_int_equal(p3.step, 3);
	assert_string_equal(p3.incident, p1.incident);
	fx_assert_paged_after(h, p1.incident, "bak", 2, "mgr", 3,
	    STEP_MS - SLACK_MS);
	assert_int_equal(fx_pages_to(h, "sup"), 2);

	/* and it completes */
	assert_int_equal(fx_reply(h, "mgr", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_int_equal(fx_reply(h, "mgr", p1.incident, PROTO_ACTION_ON_SCENE, 0,
	    NULL), 0);
	assert_int_equal(fx_reply(h, "mgr", p1.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_COMPLAINT, NULL), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'closed' AND category ="
	    " 'complaint' AND acked_at <= on_scene_at", p1.incident));

	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND type = 'page' AND ((person = 'sup' AND"
	    " step = 1) OR (person = 'bak' AND step = 2))", p1.incident), 3);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM pages"
	    " WHERE incident = %s AND type = 'page' AND person = 'mgr'"
	    " AND step = 3 AND outcome = 'acked'", p1.incident), 1);

	/* the next incident's id comes after the dead hub's reserved block,
	 * and panicctl says the ids skipped were never used */
	assert_int_equal(fx_press(h, "c1", 50), 0);
	do	/* past the restored incident's second page to sup */
		assert_int_equal(fx_next_page(h, "sup", &p2, 5000), 0);
	while (strcmp(p2.incident, p1.incident) == 0);
	assert_true(atoll(p2.incident) > atoll(p1.incident) + 1);
	assert_int_equal(FX_PC(h, &out, "incident", "-c", h_path(h,
	    "hub.conf"), "2"), 1);
	assert_non_null(strstr(out, "no incident 2 in "));
	assert_non_null(strstr(out, ": that id was never used"));
	free(out);
	assert_int_equal(FX_PC(h, &out, "incident", "-c", h_path(h,
	    "hub.conf"), "999999"), 1);
	snprintf(last, sizeof last, "the last incident is %s", p2.incident);
	assert_non_null(strstr(out, last));
	free(out);
}

/* The hub is down longer than the step's wait: on restart step 1 is paged
 * again and the overdue step at once, and the ladder runs on from there
 * (step 3 a whole wait later, not caught up at once). */
static void
test_deadline_passed_while_down_fires_at_once(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2, p3;
	pid_t hub = fx_start_hub_c1(h, STEP_MS, NULL, NULL);

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND timer = 'step'", p1.incident));
	h_kill(h, hub, SIGKILL);
	h_pump(h, STEP_MS + 500);
	assert_int_equal(fx_pages_to(h, "bak"), 0);

	assert_true(fx_hub_start(h) > 0);
	assert_int_equal(fx_next_page(h, "bak", &p2, 5000), 0);
	assert_int_equal(p2.step, 2);
	assert_string_equal(p2.incident, p1.incident);
	assert_int_equal(fx_next_page(h, "mgr", &p3, WAIT_MS), 0);
	assert_int_equal(p3.step, 3);
	fx_assert_paged_after(h, p1.incident, "bak", 2, "mgr", 3,
	    STEP_MS - SLACK_MS);
	assert_int_equal(fx_pages_to(h, "sup"), 2);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
}

/* A press while the hub is down waits at the broker (the hub's persistent
 * session) and on the board; once the hub is back it is paged once, and
 * the board's re-sends change nothing. */
static void
test_press_while_hub_down(void **state)
{
	struct harness *h = *state;
	struct proto_event ev;
	struct proto_page pg;
	pid_t hub = fx_start_hub_c1(h, 20000, NULL, NULL);

	h_kill(h, hub, SIGKILL);
	/* the hub's Last Will: the desk says the system is not ready */
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=notready", 5000));
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	/* unconfirmed: the board keeps re-sending, and after
	 * confirm_timeout_s (2 s in the fixture) sounds its fallback */
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 1 pattern=on", 8000));
	assert_true(fx_hub_start(h) > 0);

	assert_int_equal(fx_next_page(h, "sup", &pg, 10000), 0);
	assert_int_equal(pg.step, 1);
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 0 pattern=off", 10000));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
	h_pump(h, 500);
	assert_int_equal(fx_pages_to(h, "sup"), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"
	    " WHERE id = '%s' AND incident = %s", ev.id, pg.incident), 1);
}

/* Scenario 5: the broker is down when the button is pressed. The board
 * keeps the press, sounds its local fallback once the hub has not
 * confirmed in time, and delivers it when the broker is back; the hub
 * pages and confirms, and the sounder stops. */
static void
test_press_during_broker_outage(void **state)
{
	struct harness *h = *state;
	struct proto_page pg;

	fx_start_hub_c1(h, 20000, NULL, NULL);
	h_broker_stop(h);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	/* confirm_timeout_s is 2 in the fixture */
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 1 pattern=on", 8000));
	assert_int_equal(h_broker_start(h), 0);

	assert_int_equal(fx_next_page(h, "sup", &pg, 15000), 0);
	assert_int_equal(pg.type, PROTO_PAGE_PAGE);
	assert_int_equal(pg.step, 1);
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 0 pattern=off", 10000));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received", 5000));
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND pressed_at < received_at", pg.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	/* the board's clock was measured (its statuses): the press time is
	 * trusted, and the wait at the desk during the outage is on record */
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND board_offset_ms BETWEEN -2000 AND 2000 AND"
	    " received_at - pressed_at >= 2000", pg.incident), 1);
	{
		char *out;

		assert_int_equal(FX_PC(h, &out, "incident", pg.incident, "-c",
		    h_path(h, "hub.conf")), 0);
		assert_non_null(strstr(out, " the hub's); reached the hub "));
		free(out);
		assert_int_equal(FX_PC(h, &out, "report", "-c",
		    h_path(h, "hub.conf"), "--last", "1d"), 0);
		assert_non_null(strstr(out, "times from the press where the "
		    "board's clock was within 2 s of the hub's (1 of 1 "
		    "incidents)"));
		assert_non_null(strstr(out, "to hub med  to hub max"));
		free(out);
	}
	/* its first send is not called a re-send */
	assert_true(h_wait_log(h, "counterd", ": sent (held until"
	    " connected)", 10));
	assert_false(h_wait_log(h, "counterd", "re-sent (attempt 1)", 10));
}

/* SIGHUP with a file that does not load: refused with its error, and the
 * old rules stay — the next press is paged as before, not as the broken
 * file says. */
static void
test_reload_invalid_keeps_old_rules(void **state)
{
	struct harness *h = *state;
	struct proto_page pg;
	pid_t hub = fx_start_hub_c1(h, 20000, NULL, NULL);
	char *good = h_read(h, "hub.conf");

	/* panicctl reads a good copy: hub.conf is about to break */
	assert_non_null(good);
	assert_non_null(h_write(h, "ctl.conf", "%s", good));
	free(good);
	/* would page r2 first, were it accepted */
	assert_non_null(fx_hub_conf(h, 20000,
	    "{ kind = \"help\"; steps = ( { targets = [ \"person:r2\" ];"
	    " wait_ms = 20000; } ); },\n"
	    "{ kind = \"emergency\"; steps = ( { targets = [ \"person:r2\" ];"
	    " wait_ms = 20000; } ); }\n", "bogus = 1;"));
	assert_int_equal(h_kill(h, hub, SIGHUP), 0);
	assert_true(h_wait_log(h, "hubd", "reload refused, old rules kept", 5000));
	assert_true(h_wait_log(h, "hubd", "hub.conf:", 5000));
	assert_true(h_wait_log(h, "hubd", "bogus", 5000));
	assert_true(h_alive(h, hub));

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_int_equal(pg.step, 1);
	h_pump(h, 300);
	assert_int_equal(fx_pages_to(h, "r2"), 0);
	/* the hub's status says it runs on its old rules, and why; a good
	 * reload clears it */
	{
		char *out;

		assert_int_equal(FX_PC(h, &out, "status", "-c",
		    h_path(h, "ctl.conf")), 0);
		assert_non_null(strstr(out, "its last reload was refused, it "
		    "runs on the rules it had: "));
		assert_non_null(strstr(out, "bogus"));
		free(out);
		assert_non_null(fx_hub_conf(h, 20000, NULL, NULL));
		assert_int_equal(h_kill(h, hub, SIGHUP), 0);
		assert_true(h_wait_log(h, "hubd", "reloaded", 5000));
		h_pump(h, 300);
		assert_int_equal(FX_PC(h, &out, "status", "-c",
		    h_path(h, "ctl.conf")), 0);
		assert_null(strstr(out, "reload was refused"));
		free(out);
	}
}

/* SIGHUP with a valid file while an incident is open: the incident is
 * kept and its next step follows the new rules (security instead of the
 * backup). */
static void
test_reload_valid_applies_to_open_incident(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2;
	const int step = 3000;
	char pol[1024];
	pid_t hub = fx_start_hub_c1(h, step, NULL, NULL);

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);

	snprintf(pol, sizeof pol,
	    "{ kind = \"help\"; steps = (\n"
	    "  { targets = [ \"supervisor\" ]; wait_ms = %d; },\n"
	    "  { targets = [ \"role:security\" ]; wait_ms = %d; } ); },\n"
	    "{ kind = \"emergency\"; min_responders = 2; steps = (\n"
	    "  { targets = [ \"team:response\" ]; wait_ms = %d; } ); }\n",
	    step, step, step);
	assert_non_null(fx_hub_conf(h, step, pol, NULL));
	assert_int_equal(h_kill(h, hub, SIGHUP), 0);
	assert_true(h_wait_log(h, "hubd", "config: reloaded", 5000));

	assert_int_equal(fx_next_page(h, "sec", &p2, step + 5000), 0);
	assert_int_equal(p2.type, PROTO_PAGE_PAGE);
	assert_int_equal(p2.step, 2);
	assert_string_equal(p2.incident, p1.incident);
	fx_assert_paged_after(h, p1.incident, "sup", 1, "sec", 2,
	    step - SLACK_MS);
	assert_int_equal(fx_pages_to(h, "bak"), 0);

	assert_int_equal(fx_reply(h, "sec", p1.incident, PROTO_ACTION_ACK, 0,
	    NULL), 0);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'acknowledged'", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_true(h_alive(h, hub));
}

/* A second hubd started by mistake with the same config refuses to start
 * (the database is locked for the first one's life) and says why, without
 * touching the broker or the database; the first keeps its ladder. The
 * same for a second counterd on the board's outbox. */
static void
test_second_daemon_refused(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, p2;
	pid_t hub = fx_start_hub_c1(h, STEP_MS, NULL, NULL);
	char *log;

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_int_equal(h_run(h, "hubd-second", 5000, "hubd", "-c",
	    h_path(h, "hub.conf"), (char *)NULL), 1);
	log = h_read(h, "hubd-second.log");
	assert_non_null(log);
	assert_non_null(strstr(log, "hub.db is in use by another process (pid"));
	assert_non_null(strstr(log, "is another hubd running with this"
	    " database?"));
	assert_null(strstr(log, "mqtt: connected"));
	/* not under journald: the line says when, in UTC to the ms
	 * ("2026-12-07T20:59:30.123Z hubd: store: ...") */
	assert_true(strlen(log) > 25 && log[4] == '-' && log[10] == 'T' &&
	    log[19] == '.' && strncmp(log + 23, "Z hubd: store: ", 15) == 0);
	free(log);
	assert_true(h_alive(h, hub));
	/* the first hub was not knocked off the broker and still escalates */
	fx_expect_page(h, "bak", &p2, WAIT_MS, 2, p1.incident);
	fx_assert_paged_after(h, p1.incident, "sup", 1, "bak", 2,
	    STEP_MS - SLACK_MS);
	assert_false(h_wait_log(h, "hubd", "connection lost", 10));

	assert_int_equal(h_run(h, "counterd-second", 5000, "counterd", "-c",
	    h_path(h, "c1.conf"), (char *)NULL), 1);
	log = h_read(h, "counterd-second.log");
	assert_non_null(log);
	assert_non_null(strstr(log, ".lock is in use by another process (pid"));
	assert_non_null(strstr(log, "is another counterd running with this"
	    " outbox?"));
	free(log);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup_c1, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_kill_9_mid_ladder_resumes),
		T(test_deadline_passed_while_down_fires_at_once),
		T(test_press_while_hub_down),
		T(test_press_during_broker_outage),
		T(test_reload_invalid_keeps_old_rules),
		T(test_reload_valid_applies_to_open_incident),
		T(test_second_daemon_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
