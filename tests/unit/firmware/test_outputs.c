/* test_outputs.c: what the desk shows — facts (sent, receipts, hub states,
 * connection, stuck buttons) and time in, patterns and levels out; which
 * incidents are discreet, and what the caller is told to remember. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "outputs.h"

enum { O_DESK, O_SOUNDER, O_REC, O_PULSE };

struct seen {
	char pattern[CONF_OUTPUTS_MAX][24];
	int on[CONF_OUTPUTS_MAX];
	int level[CONF_OUTPUTS_MAX];
	int sets[CONF_OUTPUTS_MAX];
	int notes;
	int desk_lit;			/* the desk ever showed a lit pattern */
	char discreet[256];		/* "+i3 -i3 ..." from the callback */
};

static struct conf conf;
static struct seen seen;

static void
fake_set(void *ctx, unsigned idx, int on)
{
	(void)ctx;
	seen.level[idx] = on;
	seen.sets[idx]++;
}

static void
fake_note(void *ctx, unsigned idx, int on, const char *pattern,
    const char *desc)
{
	(void)ctx;
	(void)desc;
	seen.on[idx] = on;
	snprintf(seen.pattern[idx], sizeof seen.pattern[idx], "%s", pattern);
	seen.notes++;
	if (idx == 0 && on)
		seen.desk_lit = 1;
}

static void
fake_discreet(void *ctx, const char *incident, int on)
{
	size_t n = strlen(seen.discreet);

	(void)ctx;
	snprintf(seen.discreet + n, sizeof seen.discreet - n, "%s%c%s",
	    n ? " " : "", on ? '+' : '-', incident);
}

static const struct outputs_ops fake_ops = { fake_set, fake_note,
	fake_discreet };

static void
add_output(const char *name, enum conf_role role, enum conf_mode mode)
{
	struct conf_output *o = &conf.outputs[conf.noutputs++];

	snprintf(o->name, sizeof o->name, "%s", name);
	o->role = role;
	o->mode = mode;
	o->pulse_ms = 1000;
	o->kind = PROTO_KIND_EMERGENCY;
}

/* A desk light, a sounder, a recorder held while an emergency is open and
 * one pulsed; button "main" plain, "under" discreet. */
static int
setup(void **state)
{
	struct outputs *o;

	memset(&conf, 0, sizeof conf);
	memset(&seen, 0, sizeof seen);
	conf.confirm_timeout_s = 5;
	conf.discreet_kinds = 1u << PROTO_KIND_EMERGENCY;
	conf.nbuttons = 2;
	snprintf(conf.buttons[0].name, PROTO_ID_MAX, "main");
	snprintf(conf.buttons[1].name, PROTO_ID_MAX, "under");
	conf.buttons[1].discreet = 1;
	add_output("desk", CONF_ROLE_STATUS, CONF_MODE_HOLD);
	add_output("sounder", CONF_ROLE_FALLBACK, CONF_MODE_HOLD);
	add_output("rec", CONF_ROLE_RECORDER, CONF_MODE_HOLD);
	add_output("flash", CONF_ROLE_RECORDER, CONF_MODE_PULSE);
	o = outputs_new(&conf, &fake_ops, NULL);
	if (!o)
		return -1;
	outputs_tick(o, 0);
	outputs_connected(o, 1, 10);
	seen.desk_lit = 0;	/* "offline" before the connection */
	*state = o;
	return 0;
}

static int
teardown(void **state)
{
	outputs_free(*state);
	return 0;
}

static void
sent(struct outputs *o, const char *id, const char *button,
    enum proto_kind kind, int64_t now_ms)
{
	struct proto_event ev = { .kind = kind };

	snprintf(ev.id, sizeof ev.id, "%s", id);
	snprintf(ev.button, sizeof ev.button, "%s", button);
	outputs_sent(o, &ev, conf_discreet(&conf, button, kind), 1, now_ms);
}

static void
receipt(struct outputs *o, const char *id, const char *incident,
    int64_t now_ms)
{
	struct proto_feedback fb = { .type = PROTO_FEEDBACK_RECEIPT };

	snprintf(fb.event, sizeof fb.event, "%s", id);
	snprintf(fb.incident, sizeof fb.incident, "%s", incident);
	outputs_feedback(o, &fb, now_ms);
}

/* A receipt as hubd sends it: with the incident's state and kind. */
static void
receipt_full(struct outputs *o, const char *id, const char *incident,
    enum proto_istate st, enum proto_kind kind, int duplicate, int64_t now_ms)
{
	struct proto_feedback fb = { .type = PROTO_FEEDBACK_RECEIPT,
	    .state = st, .kind = kind, .duplicate = duplicate };

	snprintf(fb.event, sizeof fb.event, "%s", id);
	snprintf(fb.incident, sizeof fb.incident, "%s", incident);
	outputs_feedback(o, &fb, now_ms);
}

static void
state(struct outputs *o, const char *incident, enum proto_istate st,
    enum proto_kind kind, int64_t now_ms)
{
	struct proto_feedback fb = { .type = PROTO_FEEDBACK_STATE, .state = st,
	    .kind = kind };

	snprintf(fb.incident, sizeof fb.incident, "%s", incident);
	outputs_feedback(o, &fb, now_ms);
}

static void
test_help_call_lifecycle(void **st)
{
	struct outputs *o = *st;

	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_int_equal(seen.on[O_DESK], 0);
	assert_int_equal(outputs_next_deadline(o, 100), -1);	/* idle: asleep */
	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	assert_string_equal(seen.pattern[O_DESK], "sent");
	assert_int_equal(seen.level[O_DESK], 1);
	assert_int_equal(outputs_next_deadline(o, 1000), 1125);	/* blink */
	outputs_tick(o, 1125);
	assert_int_equal(seen.level[O_DESK], 0);
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
	outputs_tick(o, 5999);
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
	outputs_tick(o, 6000);
	assert_string_equal(seen.pattern[O_SOUNDER], "on");
	assert_int_equal(seen.level[O_SOUNDER], 1);
	receipt(o, "c03:b:1", "i1", 6100);
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
	assert_string_equal(seen.pattern[O_DESK], "received");
	state(o, "i1", PROTO_IST_PAGING, PROTO_KIND_HELP, 6200);
	assert_string_equal(seen.pattern[O_DESK], "received");
	state(o, "i1", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 7000);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	assert_int_equal(seen.level[O_DESK], 1);
	assert_int_equal(outputs_next_deadline(o, 7000), -1);	/* steady */
	state(o, "i1", PROTO_IST_ON_SCENE, PROTO_KIND_HELP, 8000);
	assert_string_equal(seen.pattern[O_DESK], "onscene");
	state(o, "i1", PROTO_IST_RESOLVED, PROTO_KIND_HELP, 9000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_int_equal(seen.level[O_DESK], 0);
	assert_string_equal(seen.pattern[O_REC], "off");	/* help: no record */
}

/* The receipt in time: the sounder never sounds. */
static void
test_confirmed_in_time(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	receipt(o, "c03:b:1", "i1", 1050);
	outputs_tick(o, 60000);
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
	assert_int_equal(seen.sets[O_SOUNDER], 1);	/* only the initial off */
}

static void
test_discreet_emergency(void **st)
{
	struct outputs *o = *st;
	int notes;

	sent(o, "c03:b:2", "under", PROTO_KIND_EMERGENCY, 1000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_string_equal(seen.pattern[O_REC], "hold");
	assert_string_equal(seen.pattern[O_PULSE], "pulse");
	assert_int_equal(outputs_next_deadline(o, 1000), 2000);
	outputs_tick(o, 2000);
	assert_string_equal(seen.pattern[O_PULSE], "off");
	outputs_tick(o, 7000);		/* unconfirmed, but discreet: silent */
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
	notes = seen.notes;
	receipt(o, "c03:b:2", "i2", 7100);
	state(o, "i2", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_EMERGENCY, 7200);
	assert_int_equal(seen.notes, notes);	/* nothing visible changed */
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_string_equal(seen.pattern[O_REC], "hold");
	state(o, "i2", PROTO_IST_RESOLVED, PROTO_KIND_EMERGENCY, 8000);
	assert_string_equal(seen.pattern[O_REC], "off");
	assert_string_equal(seen.pattern[O_DESK], "idle");
}

/* A discreet output may still take a fallback (a light in a back office)
 * when configured to. */
static void
test_discreet_fallback_opt_in(void **st)
{
	struct outputs *o = *st;

	conf.outputs[O_SOUNDER].on_discreet = 1;
	sent(o, "c03:b:2", "under", PROTO_KIND_EMERGENCY, 1000);
	assert_int_equal(outputs_next_deadline(o, 1500), 2000);	/* the pulse */
	outputs_tick(o, 2000);
	assert_int_equal(outputs_next_deadline(o, 2000), 6000);
	outputs_tick(o, 6000);
	assert_string_equal(seen.pattern[O_SOUNDER], "on");
	assert_string_equal(seen.pattern[O_DESK], "idle");
}

/* A help press upgraded to an emergency by a long hold: the light keeps
 * what it showed until the incident ends. */
static void
test_upgrade_freezes_light(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	receipt(o, "c03:b:1", "i1", 1050);
	sent(o, "c03:b:2", "main", PROTO_KIND_EMERGENCY, 3000);
	assert_string_equal(seen.pattern[O_DESK], "received");
	assert_string_equal(seen.pattern[O_REC], "hold");
	receipt(o, "c03:b:2", "i1", 3050);
	state(o, "i1", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_EMERGENCY, 4000);
	assert_string_equal(seen.pattern[O_DESK], "received");
	state(o, "i1", PROTO_IST_CLOSED, PROTO_KIND_EMERGENCY, 5000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_string_equal(seen.pattern[O_REC], "off");
}

static void
test_offline_and_fault(void **st)
{
	struct outputs *o = *st;

	outputs_connected(o, 0, 100);
	assert_string_equal(seen.pattern[O_DESK], "offline");
	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 200);
	assert_string_equal(seen.pattern[O_DESK], "sent");	/* more urgent */
	outputs_fault(o, 0, 1, 300);
	assert_string_equal(seen.pattern[O_DESK], "fault");
	outputs_fault(o, 0, 0, 400);
	assert_string_equal(seen.pattern[O_DESK], "sent");
	receipt(o, "c03:b:1", "", 500);	/* the hub opened no incident */
	assert_string_equal(seen.pattern[O_DESK], "offline");
	outputs_connected(o, 1, 600);
	assert_string_equal(seen.pattern[O_DESK], "idle");
}

/* The hub offline with the broker up: "not ready", a double flash unlike
 * any other pattern, over even "acknowledged"; below an unconfirmed call,
 * a stuck button and no connection. */
static void
test_hub_offline_not_ready(void **st)
{
	struct outputs *o = *st;
	int levels[20];

	state(o, "i1", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 100);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	outputs_hub(o, 0, 1000);
	assert_string_equal(seen.pattern[O_DESK], "notready");
	assert_int_equal(seen.on[O_DESK], 1);
	/* 100 ms steps: on, off, on, then dark to the end of the 2 s period */
	for (int i = 0; i < 20; i++) {
		outputs_tick(o, 1000 + i * 100);
		levels[i] = seen.level[O_DESK];
	}
	for (int i = 0; i < 20; i++)
		assert_int_equal(levels[i], i == 0 || i == 2);
	outputs_tick(o, 3000);
	assert_int_equal(seen.level[O_DESK], 1);	/* the next period */
	/* the loop is woken for each edge, and not before */
	assert_int_equal(outputs_next_deadline(o, 2900), 3000);
	assert_int_equal(outputs_next_deadline(o, 3050), 3100);
	assert_int_equal(outputs_next_deadline(o, 3150), 3200);
	assert_int_equal(outputs_next_deadline(o, 3250), 3300);
	assert_int_equal(outputs_next_deadline(o, 3350), 5000);
	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 5000);
	assert_string_equal(seen.pattern[O_DESK], "sent");
	outputs_connected(o, 0, 5100);
	outputs_fault(o, 0, 1, 5200);
	assert_string_equal(seen.pattern[O_DESK], "fault");
	outputs_fault(o, 0, 0, 5300);
	receipt(o, "c03:b:1", "", 5400);
	assert_string_equal(seen.pattern[O_DESK], "offline");
	outputs_connected(o, 1, 5500);
	assert_string_equal(seen.pattern[O_DESK], "notready");
	outputs_hub(o, 1, 6000);
	assert_string_equal(seen.pattern[O_DESK], "ack");	/* as before */
}

/* The state a receipt carries drives the light like a state message. */
static void
test_receipt_carries_state(void **st)
{
	struct outputs *o = *st;
	struct proto_feedback fb = { .type = PROTO_FEEDBACK_RECEIPT,
	    .state = PROTO_IST_ACKNOWLEDGED, .kind = PROTO_KIND_HELP };

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	snprintf(fb.event, sizeof fb.event, "c03:b:1");
	snprintf(fb.incident, sizeof fb.incident, "i1");
	outputs_feedback(o, &fb, 1100);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	/* a cancel press closes it: its receipt says closed */
	sent(o, "c03:b:2", "main", PROTO_KIND_CANCEL, 2000);
	assert_string_equal(seen.pattern[O_DESK], "sent");
	snprintf(fb.event, sizeof fb.event, "c03:b:2");
	fb.state = PROTO_IST_CLOSED;
	outputs_feedback(o, &fb, 2100);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	outputs_tick(o, 60000);		/* a cancel never sounds a fallback */
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
}

/* Events reloaded from the outbox at start await receipts as before, but
 * do not restart a recorder. */
static void
test_reloaded_events(void **st)
{
	struct outputs *o = *st;
	struct proto_event ev = { .kind = PROTO_KIND_EMERGENCY };

	snprintf(ev.id, sizeof ev.id, "c03:b:7");
	snprintf(ev.button, sizeof ev.button, "main");
	outputs_sent(o, &ev, 0, 0, 100);
	assert_string_equal(seen.pattern[O_REC], "off");
	assert_string_equal(seen.pattern[O_DESK], "sent");
	outputs_tick(o, 5100);
	assert_string_equal(seen.pattern[O_SOUNDER], "on");
}

/* A hidden help button (short = help, discreet): hubd sends the new
 * incident's state before the receipt that names it. Neither, nor any
 * later state of that incident, may light the desk. */
static void
test_discreet_help_button_state_before_receipt(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "under", PROTO_KIND_HELP, 1000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	state(o, "i3", PROTO_IST_RAISED, PROTO_KIND_HELP, 1010);
	state(o, "i3", PROTO_IST_PAGING, PROTO_KIND_HELP, 1011);
	receipt_full(o, "c03:b:1", "i3", PROTO_IST_PAGING, PROTO_KIND_HELP, 0,
	    1020);
	state(o, "i3", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 5000);
	state(o, "i3", PROTO_IST_ON_SCENE, PROTO_KIND_HELP, 6000);
	/* a re-send's duplicate receipt changes nothing either */
	receipt_full(o, "c03:b:1", "i3", PROTO_IST_ON_SCENE, PROTO_KIND_HELP, 1,
	    6500);
	outputs_tick(o, 60000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_int_equal(seen.desk_lit, 0);
	assert_string_equal(seen.pattern[O_SOUNDER], "off");
	state(o, "i3", PROTO_IST_CLOSED, PROTO_KIND_HELP, 70000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_int_equal(seen.desk_lit, 0);
	assert_string_equal(seen.discreet, "+i3 -i3");
	/* the next visible call is shown as usual */
	sent(o, "c03:b:2", "main", PROTO_KIND_HELP, 80000);
	state(o, "i4", PROTO_IST_PAGING, PROTO_KIND_HELP, 80010);
	receipt_full(o, "c03:b:2", "i4", PROTO_IST_PAGING, PROTO_KIND_HELP, 0,
	    80020);
	assert_string_equal(seen.pattern[O_DESK], "received");
}

/* A discreet press joining an incident the desk already shows: the light
 * keeps its pattern (any change would be visible) until the incident
 * ends, whatever the hub's states say meanwhile. */
static void
test_discreet_join_freezes_light(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	receipt_full(o, "c03:b:1", "i1", PROTO_IST_PAGING, PROTO_KIND_HELP, 0,
	    1010);
	state(o, "i1", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 2000);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	sent(o, "c03:b:2", "under", PROTO_KIND_HELP, 3000);
	/* the join sends the ladder back to paging, before the receipt */
	state(o, "i1", PROTO_IST_PAGING, PROTO_KIND_HELP, 3010);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	receipt_full(o, "c03:b:2", "i1", PROTO_IST_PAGING, PROTO_KIND_HELP, 0,
	    3020);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	state(o, "i1", PROTO_IST_ON_SCENE, PROTO_KIND_HELP, 4000);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	state(o, "i1", PROTO_IST_RESOLVED, PROTO_KIND_HELP, 5000);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_string_equal(seen.discreet, "+i1 -i1");
}

/* A discreet event whose receipt names no incident (a hidden cancel with
 * nothing open) holds the light back only until that receipt. */
static void
test_held_states_apply_after_receipt(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	receipt_full(o, "c03:b:1", "i1", PROTO_IST_PAGING, PROTO_KIND_HELP, 0,
	    1010);
	sent(o, "c03:b:2", "under", PROTO_KIND_CANCEL, 2000);
	state(o, "i1", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 2010);
	assert_string_equal(seen.pattern[O_DESK], "received");
	receipt_full(o, "c03:b:2", "", PROTO_IST_RAISED, PROTO_KIND_HELP, 0,
	    2020);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	assert_string_equal(seen.discreet, "");
}

/* After a restart (or a reconnect) the hub republishes the incident's
 * state: an incident the board never heard of is shown, and its end
 * clears it. */
static void
test_unknown_incident_after_restart(void **st)
{
	struct outputs *o = *st;

	state(o, "i9", PROTO_IST_PAGING, PROTO_KIND_HELP, 100);
	assert_string_equal(seen.pattern[O_DESK], "received");
	state(o, "i9", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 200);
	assert_string_equal(seen.pattern[O_DESK], "ack");
	state(o, "i9", PROTO_IST_CLOSED, PROTO_KIND_HELP, 300);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	/* a discreet kind is never shown, known or not */
	state(o, "i10", PROTO_IST_PAGING, PROTO_KIND_EMERGENCY, 400);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_string_equal(seen.discreet, "+i10");
}

/* An incident remembered as discreet from before a restart stays dark
 * even though the hub's state calls it plain help. */
static void
test_remembered_discreet_incident(void **st)
{
	struct outputs *o = *st;

	outputs_discreet_known(o, "i3");
	state(o, "i3", PROTO_IST_ACKNOWLEDGED, PROTO_KIND_HELP, 100);
	assert_string_equal(seen.pattern[O_DESK], "idle");
	assert_int_equal(seen.desk_lit, 0);
	state(o, "i3", PROTO_IST_CLOSED, PROTO_KIND_HELP, 200);
	assert_string_equal(seen.discreet, "-i3");	/* forget it on disk */
}

/* A duplicate receipt may carry a stale state (the incident has closed
 * since): it never brings back an incident the board does not know. */
static void
test_duplicate_receipt_does_not_revive(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	receipt_full(o, "c03:b:1", "i5", PROTO_IST_RAISED, PROTO_KIND_HELP, 1,
	    1010);
	assert_string_equal(seen.pattern[O_DESK], "idle");
}

/* An event reloaded from the outbox after the memory-only outbox found its
 * file is already watched: one receipt is enough. */
static void
test_same_event_watched_once(void **st)
{
	struct outputs *o = *st;

	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	sent(o, "c03:b:1", "main", PROTO_KIND_HELP, 1000);
	receipt(o, "c03:b:1", "", 1100);
	assert_string_equal(seen.pattern[O_DESK], "idle");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_call_lifecycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_confirmed_in_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_discreet_emergency, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_discreet_fallback_opt_in,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_freezes_light, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offline_and_fault, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hub_offline_not_ready, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_receipt_carries_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reloaded_events, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_discreet_help_button_state_before_receipt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_discreet_join_freezes_light,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_held_states_apply_after_receipt, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unknown_incident_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_remembered_discreet_incident, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_duplicate_receipt_does_not_revive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_event_watched_once,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
