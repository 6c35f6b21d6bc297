/* test_engine.c: the incident driver on a real store, with the broker
 * away so that what it publishes waits in the queue — receipts only after
 * a commit that succeeded (failures injected in SQLite: a trigger that
 * aborts a write, another connection holding the write lock), what a
 * failed commit lost written again, the receipt for a re-sent event of an
 * incident already closed, a restart that pages again once connected, and
 * incident ids never used twice across a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clock.h"
#include "hubfx.h"

#define FEEDBACK	"/counter/c03/feedback"

/* Press at c03 and finish the turn; the new incident's id. */
static int64_t
press(struct hub *h, int seq)
{
	struct proto_event ev;

	hfx_event(&ev, "c03", PROTO_KIND_HELP, seq);
	engine_event(h, &ev);
	engine_commit(h);
	return h->incidents ? h->incidents->inc.id : 0;
}

/* A board re-sends an event whose incident was resolved and has left
 * memory: the receipt says so (resolved, its kind), never "raised". */
static void
test_duplicate_of_closed_incident(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_event ev;
	int64_t id;

	hfx_event(&ev, "c03", PROTO_KIND_EMERGENCY, 1);
	engine_event(h, &ev);
	engine_commit(h);
	id = h->incidents->inc.id;
	hfx_reply(h, "sato", id, PROTO_ACTION_RESOLVE, PROTO_CAT_HARASSMENT);
	engine_commit(h);
	assert_null(h->incidents);
	hfx_sent(h);

	ev.attempt = 2;
	engine_event(h, &ev);
	engine_commit(h);
	assert_int_equal(hfx_count(h, FEEDBACK, NULL), 1);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"",
	    "\"duplicate\":true", "\"state\":\"resolved\"",
	    "\"kind\":\"emergency\"", NULL), 1);
	assert_int_equal(h->stats.duplicates, 1);
}

/* A write fails inside the turn: the commit rolls back and no receipt
 * goes out, though the page did (paging never waits for the disk). The
 * rows are written again at the next commit, and the board's re-send then
 * gets its receipt — one incident, one event row. */
static void
test_failed_write_withholds_receipt(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_event ev;

	hfx_sql(f, "CREATE TRIGGER fail BEFORE INSERT ON events"
	    " BEGIN SELECT RAISE(ABORT, 'injected'); END;");
	hfx_event(&ev, "c03", PROTO_KIND_HELP, 1);
	engine_event(h, &ev);
	engine_commit(h);
	assert_int_equal(hfx_count(h, "", "\"type\":\"page\"", NULL),
	    1);
	/* only a provisional receipt: the board keeps the event */
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"", NULL),
	    1);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"",
	    "\"provisional\":true", NULL), 1);
	assert_true(h->store_failing);
	assert_int_equal(h->stats.failed_commits, 1);
	assert_true(timers_armed(&h->retry));
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM incidents"), 0);
	/* nothing of the turn; what went out after it (the provisional
	 * receipt, the hub's status, the alert) is logged as sent */
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM log WHERE"
	    " kind != 'out'"), 0);

	/* the retry fails too while the fault lasts */
	engine_commit(h);
	assert_int_equal(h->stats.failed_commits, 2);
	hfx_sql(f, "DROP TRIGGER fail");
	engine_commit(h);		/* the retry timer's turn */
	assert_false(timers_armed(&h->retry));
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM incidents"
	    " WHERE state = 'paging' AND step = 1"), 1);
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM events"
	    " WHERE id = 'c03:b0:1' AND incident IS NOT NULL"), 1);
	assert_false(h->store_failing);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"", NULL),
	    1);		/* the provisional one */

	ev.attempt = 2;
	engine_event(h, &ev);
	engine_commit(h);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"",
	    "\"duplicate\":true", "\"state\":\"paging\"", NULL), 1);
	assert_int_equal(hfx_count(h, "", "\"type\":\"page\"", NULL),
	    1);
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM incidents"), 1);
}

/* BEGIN fails (another writer holds the lock past the busy timeout): the
 * turn's writes are not committed piecemeal, no receipt goes out. The
 * board's re-send, once the disk is back, is recognised (no second
 * incident) and answered after the commit that stores it. */
static void
test_failed_begin_withholds_receipt(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_event ev;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	hfx_event(&ev, "c03", PROTO_KIND_HELP, 1);
	engine_event(h, &ev);
	engine_commit(h);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(hfx_count(h, "", "\"type\":\"page\"", NULL),
	    1);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"", NULL),
	    1);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"",
	    "\"provisional\":true", NULL), 1);
	assert_int_equal(hfx_int(f, "SELECT (SELECT count(*) FROM incidents) +"
	    " (SELECT count(*) FROM events) + (SELECT count(*) FROM log"
	    " WHERE kind != 'out')"), 0);

	ev.attempt = 2;
	engine_event(h, &ev);
	engine_commit(h);
	/* the provisional one, and now the plain one */
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"receipt\"",
	    "\"incident\":\"1\"", NULL), 2);
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM incidents"), 1);
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM events"
	    " WHERE incident = 1"), 1);
}

/* An incident closed in a turn whose commit failed stays in memory until
 * its closing is stored: a restart must not find it open. */
static void
test_close_survives_failed_commit(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	int64_t id = press(h, 1);

	hfx_sql(f, "CREATE TRIGGER fail BEFORE INSERT ON acks"
	    " BEGIN SELECT RAISE(ABORT, 'injected'); END;");
	hfx_reply(h, "sato", id, PROTO_ACTION_ON_SCENE, PROTO_CAT_NONE);
	hfx_reply(h, "sato", id, PROTO_ACTION_RESOLVE, PROTO_CAT_COMPLAINT);
	engine_commit(h);
	assert_int_equal(h->stats.failed_commits, 1);
	assert_non_null(h->incidents);
	hfx_sql(f, "DROP TRIGGER fail");
	engine_commit(h);
	assert_null(h->incidents);
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM incidents"
	    " WHERE state = 'closed' AND category = 'complaint'"), 1);
}

/* A restarted hub arms no incident timer before it is connected; once
 * connected it pages the current step's people again, tells the desk,
 * and arms the timer no later than one step's wait away. */
static void
test_restart_pages_again_once_connected(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	int64_t id = press(h, 1), mono;

	assert_true(id > 0);
	/* as if the wall clock had been an hour behind at the press */
	hfx_stop(f, 0);
	hfx_sql(f, "UPDATE incidents SET due_at = due_at + 3600000");
	h = hfx_start(f);
	assert_non_null(h->incidents);
	assert_false(timers_armed(&h->incidents->timer));
	assert_int_equal(h->outq_len, 0);

	engine_connected(h);
	mono = clock_mono_ms();
	engine_commit(h);
	assert_int_equal(hfx_count(h, "", "\"type\":\"page\"",
	    "\"step\":1", NULL), 1);
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"state\"",
	    "\"state\":\"paging\"", NULL), 1);
	assert_true(timers_armed(&h->incidents->timer));
	assert_true(h->incidents->timer.due_ms <= mono + 60 * 1000);
	assert_true(h->incidents->timer.due_ms > mono + 50 * 1000);
	/* a second connect (after a broker restart) changes nothing */
	hfx_sent(h);
	engine_connected(h);
	engine_commit(h);
	assert_int_equal(h->outq_len, 0);
}

/* The crash window: pages and the retained incident/<id> go out before
 * the commit. A hub that dies there must not give the same id to the
 * next incident; the restarted hub clears the dead id's retained state. */
static void
test_ids_not_reused_after_crash(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_event ev;
	int64_t lost, next;

	hfx_sql(f, "CREATE TRIGGER fail BEFORE INSERT ON incidents"
	    " BEGIN SELECT RAISE(ABORT, 'injected'); END;");
	hfx_event(&ev, "c03", PROTO_KIND_HELP, 1);
	engine_event(h, &ev);
	engine_commit(h);
	lost = h->incidents->inc.id;
	assert_int_equal(hfx_count(h, "/incident/1", "\"incident\":\"1\"",
	    NULL), 1);
	hfx_stop(f, 0);			/* killed */
	hfx_sql(f, "DROP TRIGGER fail");

	h = hfx_start(f);
	engine_connected(h);
	engine_commit(h);
	assert_int_equal(hfx_count(h, "/incident/1", "", NULL), 1);
	hfx_event(&ev, "c03", PROTO_KIND_HELP, 1);	/* the board re-sends */
	ev.attempt = 2;
	engine_event(h, &ev);
	engine_commit(h);
	next = h->incidents->inc.id;
	assert_true(next > lost);
	/* a late reply for the lost id does not land on the new incident */
	hfx_reply(h, "sato", lost, PROTO_ACTION_ACK, PROTO_CAT_NONE);
	engine_commit(h);
	assert_int_equal(h->incidents->inc.state, PROTO_IST_PAGING);
	assert_int_equal(hfx_int(f, "SELECT count(*) FROM acks"), 0);
}

/* A clean stop gives back the ids reserved but not used: the next start
 * goes on from the last one, and clears nothing. */
static void
test_clean_stop_keeps_ids_dense(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	int64_t id = press(h, 1);

	hfx_stop(f, 1);
	h = hfx_start(f);
	engine_connected(h);
	engine_commit(h);
	assert_int_equal(hfx_count(h, "/incident/", "", NULL), 0);
	hfx_reply(h, "sato", id, PROTO_ACTION_RESOLVE, PROTO_CAT_OTHER);
	engine_commit(h);
	assert_true(press(h, 2) == id + 1);
}

/* What a board coming online is told: its open incident's state; else
 * the last one's (over); nothing if it never had one. */
static void
test_counter_state(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	int64_t id = press(h, 1);

	hfx_sent(h);
	engine_counter_state(h, "c03");
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"state\"",
	    "\"state\":\"paging\"", NULL), 1);
	hfx_reply(h, "sato", id, PROTO_ACTION_RESOLVE, PROTO_CAT_OTHER);
	engine_commit(h);
	hfx_sent(h);
	engine_counter_state(h, "c03");
	assert_int_equal(hfx_count(h, FEEDBACK, "\"type\":\"state\"",
	    "\"state\":\"resolved\"", "\"kind\":\"help\"", NULL), 1);
	engine_counter_state(h, "r1");
	assert_int_equal(hfx_count(h, "/counter/r1/feedback", NULL), 0);
}

/* The broker cannot take what the hub publishes, for longer than the
 * queue holds: what goes is what costs least — receipts (the boards send
 * their events again), then states a newer one replaces. Pages stay, and
 * the newest state of each desk. */
static void
test_full_queue_keeps_pages_and_latest_states(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_feedback fb;
	struct proto_event ev;
	char topic[64];
	unsigned pages;

	engine_connected(h);
	hfx_event(&ev, "c03", PROTO_KIND_HELP, 1);
	engine_event(h, &ev);
	engine_commit(h);
	pages = hfx_count(h, "", "\"type\":\"page\"", NULL);
	assert_true(pages >= 1);
	memset(&fb, 0, sizeof fb);
	snprintf(fb.incident, sizeof fb.incident, "%lld",
	    (long long)h->incidents->inc.id);
	fb.state = PROTO_IST_PAGING;
	fb.kind = PROTO_KIND_HELP;
	fb.needed = 1;
	for (int i = 0; i < 2 * HUB_OUTQ_MAX; i++) {
		int receipt = i % 2;

		fb.type = receipt ? PROTO_FEEDBACK_RECEIPT : PROTO_FEEDBACK_STATE;
		snprintf(fb.event, sizeof fb.event, receipt ? "c03:b0:%d" : "",
		    i + 2);
		fb.acks = (uint32_t)i;		/* the newest state is the last */
		outbox_feedback(h, receipt ? "c03" : "r1", &fb);
	}
	assert_int_equal(h->outq_len, HUB_OUTQ_MAX);
	assert_int_equal(hfx_count(h, "", "\"type\":\"page\"", NULL), pages);
	/* receipts went first (all but the one just queued), then the older
	 * states of r1's desk */
	assert_int_equal(hfx_count(h, "/counter/c03/feedback",
	    "\"type\":\"receipt\"", NULL), 1);
	assert_int_equal(hfx_count(h, "/counter/r1/feedback",
	    "\"acks\":8190", NULL), 1);
	/* the incident's retained state, the newest of its topic, stays */
	snprintf(topic, sizeof topic, "/incident/%s", fb.incident);
	assert_int_equal(hfx_count(h, topic, NULL), 1);
}

/* A storm: a turn takes up to HUB_MSGS_PER_TURN events, each of which can
 * open an incident (boards not in the config page the fallback). Every id
 * used, and paged, must already be reserved on disk, turn after turn. */
static void
test_storm_turns_stay_within_reserved_ids(void **state)
{
	struct hfx *f = *state;
	struct hub *h = hfx_start(f);
	struct proto_event ev;
	char counter[16];

	engine_connected(h);
	for (int turn = 0; turn < 3; turn++) {
		int64_t reserved = hfx_int(f, "SELECT value FROM meta WHERE key"
		    " = '" HUB_IDS_KEY "'");

		for (int i = 0; i < HUB_MSGS_PER_TURN; i++) {
			snprintf(counter, sizeof counter, "u%d",
			    turn * HUB_MSGS_PER_TURN + i);
			hfx_event(&ev, counter, PROTO_KIND_HELP, 1);
			engine_event(h, &ev);
			assert_true(h->next_id - 1 <= reserved);
		}
		engine_commit(h);
		hfx_sent(h);
	}
}

int
main(void)
{
#define T(n) cmocka_unit_test_setup_teardown(n, hfx_setup, hfx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_duplicate_of_closed_incident),
		T(test_failed_write_withholds_receipt),
		T(test_failed_begin_withholds_receipt),
		T(test_close_survives_failed_commit),
		T(test_restart_pages_again_once_connected),
		T(test_ids_not_reused_after_crash),
		T(test_clean_stop_keeps_ids_dense),
		T(test_counter_state),
		T(test_full_queue_keeps_pages_and_latest_states),
		T(test_storm_turns_stay_within_reserved_ids),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
