/* test_button.c: debounce and gestures — timestamped edge sequences in,
 * gestures out, with the time each one is raised. Ticks happen exactly at
 * button_next_deadline, as the daemon's timerfd would fire them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "button.h"

#define US	1000LL		/* ns per us */
#define MS	1000000LL	/* ns per ms */
#define NONE	BUTTON_KIND_NONE
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum { G_PRESS = PROTO_GESTURE_PRESS, G_LONG = PROTO_GESTURE_LONG,
	G_DOUBLE = PROTO_GESTURE_DOUBLE, G_HELD = PROTO_GESTURE_HELD,
	G_REL = PROTO_GESTURE_RELEASED };
enum { K_HELP = PROTO_KIND_HELP, K_EMERG = PROTO_KIND_EMERGENCY,
	K_CANCEL = PROTO_KIND_CANCEL, K_FAULT = PROTO_KIND_FAULT,
	K_CLEARED = PROTO_KIND_FAULT_CLEARED };

/* Open contact, active low, help / emergency, 20 ms, 2 s, stuck 5 s. */
#define SPEC_NO { .active_low = 1, .debounce_ms = 20, .long_ms = 2000, \
	.stuck_ms = 5000, .kind_short = K_HELP, .kind_long = K_EMERG, \
	.kind_double = NONE }

struct expect {
	int gesture, kind, upgrade;
	double t_ms;		/* press began */
	double at_ms;		/* raised at */
	double held_ms;		/* -1: not known */
};

/* steps: "P<ms>" press edge, "R<ms>" release edge (logical; wiring
 * applied), "L<level>@<ms>" a physical level, "T<ms>" run the clock to
 * ms. Times are decimal ms, so 0.1 ms bounces can be written. */
struct bcase {
	const char *name;
	struct button_spec spec;
	int start_level;	/* physical level at t=0; -1: released */
	const char *steps;
	struct expect ev[8];
	int nev;
};

struct got {
	struct button_event ev;
	int64_t at_ns;
};

static int
collect(struct got *g, int n, const struct button_event *ev, int k,
    int64_t at_ns)
{
	for (int i = 0; i < k; i++) {
		assert_true(n < 16);
		g[n].ev = ev[i];
		g[n++].at_ns = at_ns;
	}
	return n;
}

/* Fire every deadline before t, as the loop's timer would. */
static int
run_until(struct button *b, int64_t t, struct got *g, int n)
{
	struct button_event ev[BUTTON_EV_MAX];
	int64_t d;

	while ((d = button_next_deadline(b)) >= 0 && d < t)
		n = collect(g, n, ev, button_tick(b, d, ev), d);
	return n;
}

static int
run(const struct bcase *c, struct button *b, struct got *g)
{
	struct button_event ev[BUTTON_EV_MAX];
	char buf[1024], *tok, *save;
	int n = 0;

	button_init(b, &c->spec, c->start_level < 0 ?
	    button_level(&c->spec, 0) : c->start_level, 0);
	snprintf(buf, sizeof buf, "%s", c->steps);
	for (tok = strtok_r(buf, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		char *at = strchr(tok, '@');
		int64_t t = (int64_t)(strtod(at ? at + 1 : tok + 1, NULL) * MS);
		int level;

		n = run_until(b, t, g, n);
		switch (tok[0]) {
		case 'T':
			n = collect(g, n, ev, button_tick(b, t, ev), t);
			continue;
		case 'L':
			level = tok[1] - '0';
			break;
		default:
			level = button_level(&c->spec, tok[0] == 'P');
			break;
		}
		n = collect(g, n, ev, button_feed(b, level, t, ev), t);
	}
	return n;
}

static void
check_case(const struct bcase *c)
{
	struct button b;
	struct got g[16];
	int n = run(c, &b, g);

	for (int i = 0; i < n && i < c->nev; i++) {
		const struct expect *e = &c->ev[i];
		char what[200];

		snprintf(what, sizeof what, "%s: event %d: gesture %s kind %s "
		    "upgrade %d t %lld at %lld held %lld", c->name, i,
		    proto_gesture_name(g[i].ev.gesture),
		    proto_kind_name(g[i].ev.kind), g[i].ev.upgrade,
		    (long long)g[i].ev.t_ns, (long long)g[i].at_ns,
		    (long long)g[i].ev.held_ns);
		if ((int)g[i].ev.gesture != e->gesture ||
		    (int)g[i].ev.kind != e->kind ||
		    g[i].ev.upgrade != e->upgrade ||
		    g[i].ev.t_ns != (int64_t)(e->t_ms * MS) ||
		    g[i].at_ns != (int64_t)(e->at_ms * MS) ||
		    g[i].ev.held_ns != (e->held_ms < 0 ? -1 :
		    (int64_t)(e->held_ms * MS)))
			fail_msg("%s", what);
	}
	if (n != c->nev)
		fail_msg("%s: %d events, expected %d", c->name, n, c->nev);
}

#define EV(g, k, u, t, at, held) { g, k, u, t, at, held }

static const struct bcase cases[] = {
	{ "clean short press", SPEC_NO, -1, "P0 R150 T1000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "bouncy press and release, 0.1-10 ms gaps", SPEC_NO, -1,
	  "P0 R0.1 P0.3 R2 P2.5 R7 P9 R9.1 P19 "
	  "R150 P150.2 R151 P155 R165",
	  { EV(G_PRESS, K_HELP, 0, 0, 39, -1) }, 1 },
	{ "spike shorter than debounce is no press", SPEC_NO, -1,
	  "P0 R0.1 P100 R115 P300 R300.5 P301 R310 T2000", { { 0 } }, 0 },
	{ "the press is raised before the release", SPEC_NO, -1,
	  "P0 T25 R1500 T3000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "long press upgrades the first", SPEC_NO, -1, "P0 R2500 T3000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_LONG, K_EMERG, 1, 0, 2000, 2000) }, 2 },
	{ "release just before long_ms is not long", SPEC_NO, -1,
	  "P0 R1990 T4000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "release bouncing across long_ms is not long", SPEC_NO, -1,
	  "P0 R1995 P1996 R1998 P2001 R2003 T4000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "a release glitch during a hold still ends long", SPEC_NO, -1,
	  "P0 R1995 P1996 R2500",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_LONG, K_EMERG, 1, 0, 2016, 2000) }, 2 },
	{ "no short kind: the long press stands alone",
	  { .active_low = 1, .debounce_ms = 20, .long_ms = 2000,
	    .stuck_ms = 5000, .kind_short = NONE, .kind_long = K_EMERG,
	    .kind_double = NONE }, -1, "P0 R100 P500 R3000",
	  { EV(G_LONG, K_EMERG, 0, 500, 2500, 2000) }, 1 },
	{ "double press upgrades the first",
	  { .active_low = 1, .debounce_ms = 20, .long_ms = 2000,
	    .double_ms = 400, .stuck_ms = 5000, .kind_short = K_HELP,
	    .kind_long = K_EMERG, .kind_double = K_EMERG }, -1,
	  "P0 R100 P300 R400 T1000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_DOUBLE, K_EMERG, 1, 300, 320, -1) }, 2 },
	{ "a slow second press is a new press",
	  { .active_low = 1, .debounce_ms = 20, .long_ms = 2000,
	    .double_ms = 400, .stuck_ms = 5000, .kind_short = K_HELP,
	    .kind_long = K_EMERG, .kind_double = K_EMERG }, -1,
	  "P0 R100 P600 R700 T1000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_PRESS, K_HELP, 0, 600, 620, -1) }, 2 },
	{ "a third press starts afresh",
	  { .active_low = 1, .debounce_ms = 20, .long_ms = 2000,
	    .double_ms = 400, .stuck_ms = 5000, .kind_short = K_HELP,
	    .kind_long = K_EMERG, .kind_double = K_EMERG }, -1,
	  "P0 R100 P300 R400 P600 R700 T2000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_DOUBLE, K_EMERG, 1, 300, 320, -1),
	    EV(G_PRESS, K_HELP, 0, 600, 620, -1) }, 3 },
	{ "a long press does not begin a double",
	  { .active_low = 1, .debounce_ms = 20, .long_ms = 2000,
	    .double_ms = 400, .stuck_ms = 5000, .kind_short = K_HELP,
	    .kind_long = K_EMERG, .kind_double = K_CANCEL }, -1,
	  "P0 R2100 P2300 R2400 T3000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_LONG, K_EMERG, 1, 0, 2000, 2000),
	    EV(G_PRESS, K_HELP, 0, 2300, 2320, -1) }, 3 },
	{ "stuck button: one fault, cleared at release", SPEC_NO, -1,
	  "P0 T6000 R7000 T8000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_LONG, K_EMERG, 1, 0, 2000, 2000),
	    EV(G_HELD, K_FAULT, 0, 0, 5000, 5000),
	    EV(G_REL, K_CLEARED, 0, 0, 7020, 7000) }, 4 },
	{ "active low, open contact: low is pressed", SPEC_NO, 1,
	  "L0@0 L1@100 T500",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "active high: high is pressed",
	  { .debounce_ms = 20, .long_ms = 2000, .stuck_ms = 5000,
	    .kind_short = K_HELP, .kind_long = K_EMERG, .kind_double = NONE },
	  0, "L1@0 L0@100 L0@200 T500",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "normally closed: the line rises when pressed",
	  { .active_low = 1, .normally_closed = 1, .debounce_ms = 20,
	    .long_ms = 2000, .stuck_ms = 5000, .kind_short = K_HELP,
	    .kind_long = K_EMERG, .kind_double = NONE }, 0,
	  "L1@0 L0@100 T500",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "normally closed: a cut cable becomes a fault",
	  { .active_low = 1, .normally_closed = 1, .debounce_ms = 20,
	    .long_ms = 2000, .stuck_ms = 5000, .kind_short = K_HELP,
	    .kind_long = NONE, .kind_double = NONE }, 0,
	  "L1@0 T6000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_HELD, K_FAULT, 0, 0, 5000, 5000) }, 2 },
	{ "a lost release is repaired by the reconciling read", SPEC_NO, -1,
	  /* the release edge at 100 was dropped; the read after the next
	   * batch finds the line released (R500) */
	  "P0 R500 P1000 R1100 T2000",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1),
	    EV(G_PRESS, K_HELP, 0, 1000, 1020, -1) }, 2 },
	{ "mislabelled edges: two rises, then the line reads low", SPEC_NO,
	  -1, "P0 P0.2 R0.3 T1000", { { 0 } }, 0 },
	{ "a repeated press edge does not restart debounce", SPEC_NO, -1,
	  "P0 P10 P19 R200",
	  { EV(G_PRESS, K_HELP, 0, 0, 20, -1) }, 1 },
	{ "held since start raises nothing but can be stuck", SPEC_NO, 0,
	  "T6000 R7000 P8000 R8100",
	  { EV(G_HELD, K_FAULT, 0, 0, 5000, 5000),
	    EV(G_REL, K_CLEARED, 0, 0, 7020, 7000),
	    EV(G_PRESS, K_HELP, 0, 8000, 8020, -1) }, 3 },
	{ "held since start, released: nothing", SPEC_NO, 0,
	  "R100 T3000", { { 0 } }, 0 },
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++)
		check_case(&cases[i]);
}

/* A batch read late (timers not run in between) gives the same events
 * as a timely one: timers due before an edge fire first. */
static void
test_late_batch(void **state)
{
	struct button_spec s = SPEC_NO;
	struct button_event ev[BUTTON_EV_MAX];
	struct button b;
	int n;

	(void)state;
	button_init(&b, &s, button_level(&s, 0), 0);
	assert_int_equal(button_feed(&b, button_level(&s, 1), 0, ev), 0);
	n = button_feed(&b, button_level(&s, 0), 3000 * MS, ev);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].gesture, PROTO_GESTURE_PRESS);
	assert_int_equal(ev[1].gesture, PROTO_GESTURE_LONG);
	assert_int_equal(button_next_deadline(&b), 3020 * MS);
	/* time going backwards is taken as the latest time: this cancels
	 * the pending release at 3000, and the stuck timer is next */
	assert_int_equal(button_feed(&b, button_level(&s, 1), 10 * MS, ev), 0);
	assert_int_equal(button_next_deadline(&b), 5000 * MS);
}

static void
test_deadlines(void **state)
{
	struct button_spec s = SPEC_NO;
	struct button_event ev[BUTTON_EV_MAX];
	struct button b;

	(void)state;
	button_init(&b, &s, button_level(&s, 0), 0);
	assert_int_equal(button_next_deadline(&b), -1);
	button_feed(&b, button_level(&s, 1), 5 * MS, ev);
	assert_int_equal(button_next_deadline(&b), 25 * MS);
	assert_int_equal(button_tick(&b, 25 * MS, ev), 1);
	assert_int_equal(button_next_deadline(&b), 2005 * MS);
	assert_int_equal(button_tick(&b, 2005 * MS, ev), 1);
	assert_int_equal(button_next_deadline(&b), 5005 * MS);
	assert_false(button_faulted(&b));
	assert_int_equal(button_tick(&b, 5005 * MS, ev), 1);
	assert_true(button_faulted(&b));
	assert_int_equal(button_next_deadline(&b), -1);
}

/* Random bouncy presses: bursts of 1-11 edges 0.1-10 ms apart, held
 * 50-3000 ms. Each is exactly one press, plus a long one when held past
 * long_ms, whatever the bounce. */
static void
test_random_bounce(void **state)
{
	struct button b;
	struct got g[16];
	unsigned seed = 20251128;

	(void)state;
	for (int trial = 0; trial < 2000; trial++) {
		char steps[1024];
		size_t len = 0;
		double t = 0, release = 50 + rand_r(&seed) % 2950;
		struct bcase c = { "random", SPEC_NO, -1, steps, { { 0 } }, 0 };
		int n, want;

		for (int phase = 0; phase < 2; phase++) {
			int edges = 1 + 2 * (rand_r(&seed) % 6);

			for (int e = 0; e < edges; e++) {
				len += (size_t)snprintf(steps + len,
				    sizeof steps - len, "%c%.1f ",
				    (e % 2 == 0) == (phase == 0) ? 'P' : 'R', t);
				t += 0.1 + (rand_r(&seed) % 100) / 10.0;
			}
			/* the release burst begins once the press settled */
			if (phase == 0 && release < t + 25)
				release = t + 25;
			t = phase == 0 ? release : t;
		}
		snprintf(steps + len, sizeof steps - len, "T%.1f", t + 1000);
		n = run(&c, &b, g);
		want = release >= 2000 ? 2 : 1;
		if (n != want || g[0].ev.gesture != PROTO_GESTURE_PRESS ||
		    g[0].ev.t_ns != 0)
			fail_msg("trial %d: %d events, want %d, for \"%s\"", trial,
			    n, want, steps);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_late_batch),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_random_bounce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
