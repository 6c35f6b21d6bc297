/* check.c: what became of each press, read from the hub's database (and,
 * before a board is killed, from its outbox). A press is known by its
 * board, gesture and time: the driver dates each edge itself (t_ns on the
 * sim socket), so the board's pressed_at is the driver's clock (or a
 * little later, F_LATE_MS), and a press at one board begins 240 ms after
 * the previous one at least (plan.c). */
#include "faults.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "harness.h"
#include "outbox.h"
#include "proto.h"

#define F_STALL_MS	2000	/* a step overdue by this much has stalled */

/* Events in the hub's database for p's gesture, and of them those with
 * the right kind that opened or joined an incident. */
static int64_t
check_count(struct harness *h, const struct f_press *p, const char *gesture,
    int right)
{
	return h_sql_int(h, "hub.db", "SELECT count(*) FROM events WHERE"
	    " counter = '%s' AND gesture = '%s' AND pressed_at BETWEEN %lld AND"
	    " %lld%s", plan_board(p->board), gesture,
	    (long long)(p->wall_ms - F_MATCH_MS),
	    (long long)(p->wall_ms + F_LATE_MS), !right ? "" :
	    strcmp(gesture, "long") == 0 ? " AND kind = 'emergency' AND"
	    " incident IN (SELECT id FROM incidents)" : " AND kind = 'help' AND"
	    " incident IN (SELECT id FROM incidents)");
}

int
check_safe(struct harness *h, const struct f_press *p, const char *gesture)
{
	static struct proto_event evs[OUTBOX_PENDING_MAX];
	char file[64];
	int n;

	if (check_count(h, p, gesture, 0) > 0)
		return 1;
	snprintf(file, sizeof file, "%s.outbox", plan_board(p->board));
	n = h_outbox_events(h, file, evs, OUTBOX_PENDING_MAX);
	for (int i = 0; i < n; i++) {
		int64_t d = evs[i].pressed_ms - p->wall_ms;

		if (strcmp(proto_gesture_name(evs[i].gesture), gesture) == 0 &&
		    d >= -F_MATCH_MS && d <= F_LATE_MS)
			return 1;
	}
	return 0;
}

/* Must the long gesture of p be recorded (1), may it be (-1: the board
 * died during the hold, or the hold was near long_ms), or must it not (0)? */
static int
check_long_wanted(const struct f_press *p)
{
	if (p->safe_long && !p->risk_long)
		return 1;
	if (p->released && p->held_ms >= F_LONG_MS + 100)
		return p->risk_long ? -1 : 1;
	if (p->released && p->held_ms <= F_LONG_MS - 100)
		return 0;
	return -1;
}

/* Check one gesture of p: 0 fine, else counts a problem into t. */
static int
check_gesture(struct harness *h, const struct f_press *p, const char *gesture,
    int wanted, int risk, struct f_tally *t, int *matched)
{
	int64_t n = check_count(h, p, gesture, 1), any = check_count(h, p,
	    gesture, 0);

	*matched += (int)any;
	if (any != n) {
		printf("# %s %s at %lld: %lld events, %lld of the right kind"
		    " with an incident\n", plan_board(p->board), gesture,
		    (long long)p->wall_ms, (long long)any, (long long)n);
		t->unexpected++;
		return 1;
	}
	if (n > 1) {
		printf("# DOUBLED: %s %s at %lld: %lld events\n",
		    plan_board(p->board), gesture, (long long)p->wall_ms,
		    (long long)n);
		t->doubled++;
		return 1;
	}
	if (n == 0 && wanted == 1 && risk) {
		printf("# %s %s at %lld: not recorded; its board was killed"
		    " before it was stored\n", plan_board(p->board), gesture,
		    (long long)p->wall_ms);
		t->risk_lost++;
		return 0;
	}
	if (n == 0 && wanted == 1) {
		printf("# LOST: %s %s at %lld (hold %lld ms)\n",
		    plan_board(p->board), gesture, (long long)p->wall_ms,
		    (long long)p->held_ms);
		t->lost++;
		return 1;
	}
	if (n == 1 && wanted == 0) {
		printf("# %s %s at %lld: a long gesture for a %lld ms hold\n",
		    plan_board(p->board), gesture, (long long)p->wall_ms,
		    (long long)p->held_ms);
		t->unexpected++;
		return 1;
	}
	return 0;
}

/* Open incidents whose ladder neither finished nor got its responders,
 * or whose next step is overdue: escalation that stalled. */
static int
check_stalls(struct harness *h)
{
	int64_t n = h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE closed_at IS NULL AND state IN ('raised', 'paging') AND"
	    " (timer = 'none' OR due_at < %lld OR flags & 6 = 0)",
	    (long long)(clock_wall_ms() - F_STALL_MS));

	if (n != 0)
		printf("# STALLED: %lld incidents\n", (long long)n);
	return n < 0 ? 1 : (int)n;
}

int
check_trial(struct harness *h, const struct f_plan *p, struct f_tally *t)
{
	int problems = 0, matched = 0, stalls;
	int64_t total;

	for (int i = 0; i < p->npress; i++) {
		const struct f_press *pr = &p->press[i];
		int bad;

		if (!pr->sent) {
			t->skipped++;
			continue;
		}
		t->presses++;
		t->at_risk += pr->risk_press || pr->risk_long;
		bad = check_gesture(h, pr, "press", 1, pr->risk_press, t,
		    &matched);
		bad |= check_gesture(h, pr, "long", check_long_wanted(pr),
		    pr->risk_long, t, &matched);
		problems += bad;
		t->recorded += !bad && check_count(h, pr, "press", 1) == 1;
	}
	total = h_sql_int(h, "hub.db", "SELECT count(*) FROM events");
	if (total != matched) {
		printf("# %lld events in the database, %d of them from the"
		    " presses made\n", (long long)total, matched);
		t->unexpected++;
		problems++;
	}
	stalls = check_stalls(h);
	t->stalls += stalls;
	return problems + stalls;
}

int
check_drained(struct harness *h, const struct f_plan *p)
{
	for (int b = 0; b < F_BOARDS; b++) {
		char file[64];

		snprintf(file, sizeof file, "%s.outbox", plan_board(b));
		if (h_outbox_count(h, file, "events") != 0)
			return 0;
	}
	for (int i = 0; i < p->npress; i++) {
		const struct f_press *pr = &p->press[i];

		if (pr->sent && !pr->risk_press &&
		    check_count(h, pr, "press", 0) == 0)
			return 0;
		if (pr->sent && check_long_wanted(pr) == 1 &&
		    check_count(h, pr, "long", 0) == 0)
			return 0;
	}
	return 1;
}
