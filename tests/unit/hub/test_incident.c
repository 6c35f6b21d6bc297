/* test_incident.c: the incident state machine, input by input with explicit
 * times — who is paged at each step, what stops paging, what moves the
 * ladder on, and what reaches the desk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hubtest.h"
#include "incident.h"

#define T0	INT64_C(1796000000000)	/* the first press, UTC ms */
#define SEC	1000

struct fx {
	struct hub_conf *c;
	struct incident inc;
	struct incident_ctx cx;
	int date, minute;		/* local time of T0 */
	char acts[1024];		/* the last input's actions, as text */
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	f->c = ht_conf(HT_BRANCH);
	f->date = 20261130;		/* a Monday */
	f->minute = 10 * 60;
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	conf_free(f->c);
	free(f);
	return 0;
}

/* Start an input at T0 + dt_ms (local time moves with it). */
static struct incident_ctx *
fx_at(struct fx *f, int64_t dt_ms)
{
	struct rules_when w;

	rules_when_local(f->date, f->minute + (int)(dt_ms / 60000), &w);
	incident_ctx_init(&f->cx, f->c, T0 + dt_ms, &w);
	return &f->cx;
}

/* The actions of the last input as "page sato 1; state; ...". */
static const char *
fx_acts(struct fx *f)
{
	static const char *const names[] = { "page", "cancel", "ack", "decline",
	    "state", "close", "note" };
	char *b = f->acts;
	size_t size = sizeof f->acts;

	b[0] = '\0';
	for (unsigned i = 0; i < f->cx.nacts; i++) {
		const struct incident_act *a = &f->cx.acts[i];

		snprintf(b + strlen(b), size - strlen(b), "%s%s", i ? "; " : "",
		    names[a->type]);
		if (a->type == INC_ACT_PAGE || a->type == INC_ACT_CANCEL)
			snprintf(b + strlen(b), size - strlen(b), " %s %u",
			    a->person, a->step);
		else if (a->person[0])
			snprintf(b + strlen(b), size - strlen(b), " %s", a->person);
	}
	return b;
}

static void
fx_press(struct fx *f, int64_t dt_ms, const char *counter,
    enum proto_kind kind, int seq, int join)
{
	struct proto_event ev;

	memset(&ev, 0, sizeof ev);
	snprintf(ev.counter, sizeof ev.counter, "%s", counter);
	snprintf(ev.boot, sizeof ev.boot, "b0");
	ev.seq = (uint64_t)seq;
	snprintf(ev.id, sizeof ev.id, "%s:b0:%d", counter, seq);
	ev.kind = kind;
	ev.pressed_ms = T0 + dt_ms - 20;
	ev.attempt = 1;
	if (join)
		incident_join(&f->inc, &ev, fx_at(f, dt_ms));
	else
		incident_open(&f->inc, 7, &ev, fx_at(f, dt_ms));
}

static int
fx_reply(struct fx *f, int64_t dt_ms, const char *person,
    enum proto_action action, enum proto_category cat)
{
	struct proto_reply rp;

	memset(&rp, 0, sizeof rp);
	snprintf(rp.incident, sizeof rp.incident, "7");
	snprintf(rp.person, sizeof rp.person, "%s", person);
	rp.action = action;
	rp.category = cat;
	if (cat != PROTO_CAT_NONE)
		snprintf(rp.note, sizeof rp.note, "大声で威圧");
	return incident_reply(&f->inc, &rp, fx_at(f, dt_ms));
}

static void
fx_timer(struct fx *f)
{
	incident_timer_fired(&f->inc, fx_at(f, f->inc.due_ms - T0));
}

static void
test_open_pages_supervisor(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	assert_string_equal(fx_acts(f), "note; page sato 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	assert_int_equal(f->inc.step, 1);
	assert_int_equal(f->inc.needed, 1);
	assert_int_equal(f->inc.timer, INC_TIMER_STEP);
	assert_true(f->inc.due_ms == T0 + 60 * SEC);
	assert_true(f->inc.first_page_ms == T0);
	assert_true(f->inc.received_ms == T0);
	assert_string_equal(f->inc.event, "c03:b0:1");
	assert_false(f->inc.flags & INC_F_UNKNOWN_COUNTER);
}

static void
test_ladder_repeats_then_never_stops(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page tanaka 2; state");
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page boss 3; state");
	assert_true(f->inc.due_ms == T0 + 240 * SEC);	/* step 3 waits 120 s */
	fx_timer(f);	/* repeat = 1: the ladder runs once more */
	assert_string_equal(fx_acts(f), "note; page sato 1; state");
	assert_int_equal(f->inc.round, 1);
	fx_timer(f);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page boss 3; state");
	fx_timer(f);	/* used up: the last step and the fallback, again */
	assert_string_equal(fx_acts(f), "note; page boss 3");
	assert_true(f->inc.flags & INC_F_EXHAUSTED);
	assert_int_equal(f->inc.timer, INC_TIMER_STEP);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page boss 3");
}

static void
test_ack_stops_paging(void **state)
{
	struct fx *f = *state;
	int64_t t;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_timer(f);
	t = f->inc.due_ms - T0 - 5 * SEC;
	assert_int_equal(fx_reply(f, t, "tanaka", PROTO_ACTION_ACK,
	    PROTO_CAT_NONE), 0);
	assert_string_equal(fx_acts(f), "ack tanaka; cancel sato 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_ACKNOWLEDGED);
	assert_true(f->inc.acked_ms == T0 + t);
	assert_int_equal(incident_acks(&f->inc), 1);
	assert_int_equal(f->inc.timer, INC_TIMER_ON_SCENE);
	assert_true(f->inc.due_ms == T0 + t + 180 * SEC);
	assert_true(incident_person_find(&f->inc, "sato")->flags &
	    INC_P_CANCELLED);
	/* a second ack from the same person changes nothing */
	fx_reply(f, t + SEC, "tanaka", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "");
}

static void
test_two_responders(void **state)
{
	struct fx *f = *state;

	/* two are needed, step 1 names one: step 2 is paged at once, not
	 * after step 1's wait (the second responder must not wait it) */
	fx_press(f, 0, "r1", PROTO_KIND_HELP, 1, 0);
	assert_string_equal(fx_acts(f),
	    "note; page suzuki 1; note; page sato 2; state");
	assert_string_equal(f->cx.acts[2].text,
	    "step 1 cannot bring 2 responders: the next step at once");
	assert_int_equal(f->inc.needed, 2);	/* the counter's own rule */
	assert_true(f->inc.due_ms == T0 + 60 * SEC);	/* step 2's wait */
	fx_reply(f, 10 * SEC, "suzuki", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack suzuki; state");
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	assert_int_equal(f->inc.timer, INC_TIMER_STEP);
	fx_reply(f, 12 * SEC, "sato", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack sato; state");
	assert_int_equal(f->inc.state, PROTO_IST_ACKNOWLEDGED);
}

static void
test_decline_moves_on_at_once(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_reply(f, 5 * SEC, "sato", PROTO_ACTION_DECLINE, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "decline sato; page tanaka 2; state");
	assert_true(f->inc.due_ms == T0 + 65 * SEC);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page boss 3; state");
	/* declines last one round: the next round asks again */
	fx_timer(f);
	assert_string_equal(fx_acts(f), "note; page sato 1; state");
	assert_int_equal(f->inc.round, 1);
}

/* On the last step of the last round a decline waits for the step's
 * timer; only then is everyone, the decliner too, asked again. */
static void
test_decline_at_end_of_ladder(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_EMERGENCY, 1, 0);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page boss 2; state");
	fx_reply(f, 31 * SEC, "tanaka", PROTO_ACTION_DECLINE, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "decline tanaka");
	assert_true(f->inc.due_ms == T0 + 90 * SEC);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "note; page boss 2");
	assert_true(f->inc.flags & INC_F_EXHAUSTED);
	fx_reply(f, 95 * SEC, "boss", PROTO_ACTION_DECLINE, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "decline boss");
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page boss 2");
}

static void
test_unpaged_ack_counts(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_reply(f, 3 * SEC, "ito", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack ito; cancel sato 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_ACKNOWLEDGED);
}

static void
test_cancel_within_grace(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	assert_int_equal(incident_cancel(&f->inc, fx_at(f, 30 * SEC)), 1);
	assert_string_equal(fx_acts(f), "state; cancel sato 1; close");
	assert_int_equal(f->inc.state, PROTO_IST_CLOSED);
	assert_int_equal(f->inc.category, PROTO_CAT_FALSE_ALARM);
	assert_int_equal(f->inc.timer, INC_TIMER_NONE);
	assert_false(incident_is_open(&f->inc));
}

static void
test_cancel_after_grace_ignored(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	assert_int_equal(incident_cancel(&f->inc, fx_at(f, 31 * SEC)), 0);
	assert_string_equal(fx_acts(f), "note");
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
}

static void
test_emergency_join_all_calls(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_reply(f, 5 * SEC, "sato", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_int_equal(f->inc.state, PROTO_IST_ACKNOWLEDGED);
	fx_press(f, 8 * SEC, "c03", PROTO_KIND_EMERGENCY, 2, 1);
	assert_string_equal(fx_acts(f), "note; note; page tanaka 1; "
	    "page suzuki 1; page ito 1; state");
	assert_int_equal(f->inc.kind, PROTO_KIND_EMERGENCY);
	assert_int_equal(f->inc.needed, 2);
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	assert_true(f->inc.due_ms == T0 + 38 * SEC);
	/* a help press joining an emergency changes nothing */
	fx_press(f, 9 * SEC, "c03", PROTO_KIND_HELP, 3, 1);
	assert_string_equal(fx_acts(f), "note");
}

/* A drill is measured apart; a real call for help during it is no drill:
 * the incident becomes a help call and its ladder starts again. */
static void
test_help_during_drill_raises_it(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_TEST, 1, 0);
	assert_int_equal(f->inc.kind, PROTO_KIND_TEST);
	fx_timer(f);
	assert_int_equal(f->inc.step, 2);
	fx_press(f, 70 * SEC, "c03", PROTO_KIND_HELP, 2, 1);
	assert_string_equal(fx_acts(f), "note; note; page sato 1; state");
	assert_int_equal(f->inc.kind, PROTO_KIND_HELP);
	assert_int_equal(f->inc.step, 1);
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	assert_true(f->inc.due_ms == T0 + 130 * SEC);
	/* another drill press changes nothing */
	fx_press(f, 71 * SEC, "c03", PROTO_KIND_TEST, 3, 1);
	assert_string_equal(fx_acts(f), "note");
	assert_int_equal(f->inc.kind, PROTO_KIND_HELP);
}

/* Only people in the config may answer: a reply from anyone else is
 * noted and changes nothing — not the state, not the table of people, so
 * that however many there are, a real acknowledgement still counts. */
static void
test_reply_from_unknown_person_refused(void **state)
{
	struct fx *f = *state;
	char who[PROTO_ID_MAX];

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	assert_int_equal(fx_reply(f, SEC, "mallory", PROTO_ACTION_ACK,
	    PROTO_CAT_NONE), 0);
	assert_string_equal(fx_acts(f), "note");
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	assert_int_equal(incident_acks(&f->inc), 0);
	assert_null(incident_person_find(&f->inc, "mallory"));
	fx_reply(f, SEC, "mallory", PROTO_ACTION_RESOLVE, PROTO_CAT_OTHER);
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	for (int i = 0; i < 2 * INCIDENT_PEOPLE_MAX; i++) {
		snprintf(who, sizeof who, "fake%d", i);
		fx_reply(f, 2 * SEC, who, PROTO_ACTION_ACK, PROTO_CAT_NONE);
	}
	assert_int_equal(f->inc.npeople, 1);
	fx_reply(f, 3 * SEC, "tanaka", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack tanaka; cancel sato 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_ACKNOWLEDGED);
}

/* The cancel grace is measured on the monotonic clock: a wall clock set
 * back neither stretches it nor, set forward, cuts it short. */
static void
test_cancel_grace_on_monotonic_clock(void **state)
{
	struct fx *f = *state;
	struct incident_ctx *cx;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	cx = fx_at(f, -3600 * SEC);		/* wall clock set back an hour */
	cx->mono_ms = T0 + 31 * SEC;
	assert_int_equal(incident_cancel(&f->inc, cx), 0);
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	cx = fx_at(f, 3600 * SEC);		/* and forward */
	cx->mono_ms = T0 + 29 * SEC;
	assert_int_equal(incident_cancel(&f->inc, cx), 1);
	assert_int_equal(f->inc.state, PROTO_IST_CLOSED);
}

/* A restarted hub, connected again: the current step's outstanding pages
 * go out again (they may have died in the old hub's queue), the desk is
 * told the state, and a deadline pushed far out by a wall clock that was
 * behind is cut to one step's wait. */
static void
test_restore_pages_again_and_caps_timer(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "page tanaka 2; state");
	f->inc.due_ms = T0 + 10 * 3600 * SEC;
	incident_restore(&f->inc, fx_at(f, 70 * SEC));
	assert_string_equal(fx_acts(f), "page tanaka 2; state");
	assert_int_equal(f->inc.step, 2);
	assert_int_equal(f->inc.timer, INC_TIMER_STEP);
	assert_true(f->inc.due_ms == T0 + 130 * SEC);
	assert_true(incident_person_find(&f->inc, "tanaka")->paged_ms ==
	    T0 + 70 * SEC);
	/* sato (step 1, still outstanding) is not the current step */
	assert_true(incident_person_find(&f->inc, "sato")->paged_ms == T0);

	/* acknowledged: nothing outstanding, the state all the same; a due
	 * time already past stays past (it fires at once) */
	fx_reply(f, 80 * SEC, "tanaka", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	f->inc.due_ms = T0 + 90 * SEC;
	incident_restore(&f->inc, fx_at(f, 100 * SEC));
	assert_string_equal(fx_acts(f), "state");
	assert_int_equal(f->inc.timer, INC_TIMER_ON_SCENE);
	assert_true(f->inc.due_ms == T0 + 90 * SEC);

	/* an open incident without a timer gets one, due now */
	f->inc.timer = INC_TIMER_NONE;
	f->inc.due_ms = 0;
	incident_restore(&f->inc, fx_at(f, 110 * SEC));
	assert_int_equal(f->inc.timer, INC_TIMER_STEP);
	assert_true(f->inc.due_ms == T0 + 110 * SEC);
}

static void
test_emergency_opens_with_team(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_EMERGENCY, 1, 0);
	assert_string_equal(fx_acts(f), "note; page sato 1; page tanaka 1; "
	    "page suzuki 1; page ito 1; state");
	fx_reply(f, 2 * SEC, "ito", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack ito; state");
	fx_reply(f, 3 * SEC, "suzuki", PROTO_ACTION_ON_SCENE, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack suzuki; cancel sato 1; "
	    "cancel tanaka 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_ON_SCENE);
	assert_int_equal(f->inc.timer, INC_TIMER_RELIEF);
}

static void
test_on_scene_timeout_repages(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_reply(f, 5 * SEC, "sato", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_true(f->inc.due_ms == T0 + 185 * SEC);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "note; page sato 1; page tanaka 2; state");
	assert_int_equal(f->inc.state, PROTO_IST_PAGING);
	assert_int_equal(incident_acks(&f->inc), 0);
	assert_int_equal(f->inc.timer, INC_TIMER_STEP);
	fx_reply(f, 190 * SEC, "sato", PROTO_ACTION_ON_SCENE, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack sato; cancel tanaka 2; state");
	assert_int_equal(f->inc.state, PROTO_IST_ON_SCENE);
}

static void
test_relief(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_reply(f, 5 * SEC, "sato", PROTO_ACTION_ON_SCENE, PROTO_CAT_NONE);
	assert_int_equal(f->inc.timer, INC_TIMER_RELIEF);
	assert_true(f->inc.due_ms == T0 + 1205 * SEC);
	fx_timer(f);
	assert_string_equal(fx_acts(f), "note; page tanaka 2; state");
	assert_int_equal(f->inc.state, PROTO_IST_ON_SCENE);
	assert_int_equal(f->inc.timer, INC_TIMER_RELIEF);
	assert_true(f->inc.due_ms == T0 + 2405 * SEC);
}

static void
test_resolve_closes(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	fx_timer(f);
	fx_reply(f, 61 * SEC, "sato", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	fx_reply(f, 90 * SEC, "sato", PROTO_ACTION_ON_SCENE, PROTO_CAT_NONE);
	assert_int_equal(fx_reply(f, 300 * SEC, "sato", PROTO_ACTION_RESOLVE,
	    PROTO_CAT_HARASSMENT), 0);
	assert_string_equal(fx_acts(f), "state; close");
	assert_int_equal(f->inc.state, PROTO_IST_CLOSED);
	assert_int_equal(f->inc.category, PROTO_CAT_HARASSMENT);
	assert_string_equal(f->inc.note, "大声で威圧");
	assert_true(f->inc.on_scene_ms == T0 + 90 * SEC);
	assert_true(f->inc.resolved_ms == T0 + 300 * SEC);
	assert_true(f->inc.closed_ms == T0 + 300 * SEC);
	/* who resolved it, and their page is no longer outstanding */
	assert_string_equal(f->inc.resolved_by, "sato");
	for (unsigned i = 0; i < f->inc.npeople; i++)
		assert_false(f->inc.people[i].flags & INC_P_PAGED);
	assert_int_equal(fx_reply(f, 301 * SEC, "sato", PROTO_ACTION_ACK,
	    PROTO_CAT_NONE), -1);
}

static void
test_resolve_tells_second_responder(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "r1", PROTO_KIND_HELP, 1, 0);
	fx_reply(f, SEC, "suzuki", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	fx_reply(f, 2 * SEC, "sato", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	fx_reply(f, 9 * SEC, "suzuki", PROTO_ACTION_RESOLVE, PROTO_CAT_COMPLAINT);
	assert_string_equal(fx_acts(f), "state; cancel sato 2; close");
}

static void
test_arrival_at_counter(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	incident_arrived(&f->inc, fx_at(f, 40 * SEC));
	assert_string_equal(fx_acts(f), "note; cancel sato 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_ON_SCENE);
	assert_int_equal(f->inc.timer, INC_TIMER_RELIEF);
}

static void
test_unknown_counter_fallback(void **state)
{
	struct fx *f = *state;

	fx_press(f, 0, "c99", PROTO_KIND_HELP, 1, 0);
	assert_string_equal(fx_acts(f), "note; page boss 1; state");
	assert_true(f->inc.flags & INC_F_UNKNOWN_COUNTER);
	assert_true(f->inc.flags & INC_F_FALLBACK);
}

/* A ladder across a hand-over: pressed at 11:59 (sato on duty, tanaka
 * backup), nobody answers; at 12:00 the lunch shift (tanaka, backup
 * suzuki) takes over. Step 2 fires then: the backup on duty now, and the
 * supervisor who came on duty since — never paged for this call — too.
 * Nobody on duty changes at step 3: nobody extra. */
static void
test_ladder_across_hand_over(void **state)
{
	struct fx *f = *state;

	f->minute = 11 * 60 + 59;
	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	assert_string_equal(fx_acts(f), "note; page sato 1; state");
	fx_timer(f);				/* 12:00 */
	assert_string_equal(fx_acts(f), "page suzuki 2; page tanaka 2; state");
	assert_string_equal(f->cx.acts[1].text, "on duty since the press");
	fx_timer(f);				/* 12:01 */
	assert_string_equal(fx_acts(f), "page boss 3; state");
}

/* An informed target is paged with its step and stays on the call when it
 * is covered: two of the team acknowledge an emergency, the third is
 * stood down, security keeps coming. */
static void
test_informed_not_stood_down(void **state)
{
	struct fx *f = *state;

	conf_free(f->c);
	f->c = ht_conf("site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n"
	    "fallback = [\"person:boss\"];\n" HT_PEOPLE HT_SHIFTS
	    "policies = (\n"
	    " { kind = \"help\"; steps = ( { targets = [\"supervisor\"];"
	    " wait_s = 60; } ); },\n"
	    " { kind = \"emergency\"; min_responders = 2; steps = (\n"
	    "   { targets = [\"team:resp\"]; informed = [\"role:security\"];"
	    " wait_s = 30; } ); } );\n");
	fx_press(f, 0, "c03", PROTO_KIND_EMERGENCY, 1, 0);
	assert_string_equal(fx_acts(f), "note; page sato 1; page tanaka 1; "
	    "page suzuki 1; page ito 1; state");
	fx_reply(f, 5 * SEC, "sato", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	fx_reply(f, 6 * SEC, "tanaka", PROTO_ACTION_ACK, PROTO_CAT_NONE);
	assert_string_equal(fx_acts(f), "ack tanaka; cancel suzuki 1; state");
	assert_int_equal(f->inc.state, PROTO_IST_ACKNOWLEDGED);
}

/* More responders needed than the whole ladder names: its steps are
 * paged at once, but the repeats wait their turn (not every round used
 * up at the press); and the informed are not counted on to come. */
static void
test_short_ladder_keeps_its_rounds(void **state)
{
	struct fx *f = *state;

	conf_free(f->c);
	f->c = ht_conf("site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n"
	    "fallback = [\"person:boss\"];\n" HT_PEOPLE HT_SHIFTS
	    "policies = (\n"
	    " { kind = \"help\"; min_responders = 4; repeat = 2; steps = (\n"
	    "   { targets = [\"supervisor\"]; wait_s = 30; },\n"
	    "   { targets = [\"backup\"]; wait_s = 30; } ); },\n"
	    " { kind = \"emergency\"; min_responders = 2; steps = (\n"
	    "   { targets = [\"supervisor\"]; informed = [\"role:security\"];"
	    " wait_s = 30; },\n"
	    "   { targets = [\"backup\"]; wait_s = 30; } ); } );\n");
	fx_press(f, 0, "c03", PROTO_KIND_HELP, 1, 0);
	assert_string_equal(fx_acts(f),
	    "note; page sato 1; note; page tanaka 2; state");
	assert_int_equal(f->inc.round, 0);
	assert_false(f->inc.flags & INC_F_EXHAUSTED);
	fx_timer(f);				/* round 2, in its time */
	assert_int_equal(f->inc.round, 1);
	assert_false(f->inc.flags & INC_F_EXHAUSTED);

	/* security is informed, not a responder: the backup at once */
	memset(&f->inc, 0, sizeof f->inc);
	fx_press(f, 0, "c03", PROTO_KIND_EMERGENCY, 2, 0);
	assert_string_equal(fx_acts(f), "note; page sato 1; page ito 1; note; "
	    "page tanaka 2; state");
}

int
main(void)
{
#define T(n) cmocka_unit_test_setup_teardown(n, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_pages_supervisor),
		T(test_ladder_repeats_then_never_stops),
		T(test_ladder_across_hand_over),
		T(test_informed_not_stood_down),
		T(test_short_ladder_keeps_its_rounds),
		T(test_ack_stops_paging),
		T(test_two_responders),
		T(test_decline_moves_on_at_once),
		T(test_decline_at_end_of_ladder),
		T(test_unpaged_ack_counts),
		T(test_cancel_within_grace),
		T(test_cancel_after_grace_ignored),
		T(test_emergency_join_all_calls),
		T(test_help_during_drill_raises_it),
		T(test_reply_from_unknown_person_refused),
		T(test_cancel_grace_on_monotonic_clock),
		T(test_restore_pages_again_and_caps_timer),
		T(test_emergency_opens_with_team),
		T(test_on_scene_timeout_repages),
		T(test_relief),
		T(test_resolve_closes),
		T(test_resolve_tells_second_responder),
		T(test_arrival_at_counter),
		T(test_unknown_counter_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
