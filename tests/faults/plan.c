/* plan.c: a trial's schedule from its seed alone, so that a failing
 * trial can be run again with --seed (the timing of the processes is not
 * replayed, only what the driver does and when). */
#include "faults.h"

#include <stdlib.h>
#include <string.h>

int
plan_rand(uint64_t *state, int lo, int hi)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return lo + (int)(z % (uint64_t)(hi - lo + 1));
}

const char *
plan_board(int b)
{
	static const char *const names[F_BOARDS] = { "c1", "c2", "c3" };

	return names[b];
}

static void
plan_add(struct f_plan *p, int at_ms, enum f_what what, int board, int press)
{
	if (p->nact >= F_ACT_MAX)
		return;
	p->act[p->nact] = (struct f_action){ at_ms, what, board, press,
	    p->nact };
	p->nact++;
}

/* 1 if [from, to) is clear of the spans already taken on one target
 * (a board's button, the broker, the hub): busy holds pairs. */
static int
plan_free(const int *busy, int n, int from, int to)
{
	for (int i = 0; i < n; i += 2)
		if (from < busy[i + 1] && busy[i] < to)
			return 0;
	return 1;
}

/* Presses: 6 to 10, a third of them long (an emergency upgrading the help
 * press), a third placed just after the board's previous press so that
 * they join its open incident. Presses at one board are 200 ms apart at
 * least, so each is known by its board and time. */
static void
plan_presses(struct f_plan *p, uint64_t *rng, int busy[F_BOARDS][64],
    int nbusy[F_BOARDS])
{
	int n = plan_rand(rng, 6, 10);

	for (int k = 0; k < n && p->npress < F_PRESS_MAX; k++) {
		int b = plan_rand(rng, 0, F_BOARDS - 1), tries = 20, at, hold;

		hold = plan_rand(rng, 0, 2) == 0 ?
		    plan_rand(rng, F_LONG_MS + 250, F_LONG_MS + 400) :
		    plan_rand(rng, 40, 200);
		do {
			at = nbusy[b] && plan_rand(rng, 0, 2) == 0 ?
			    busy[b][nbusy[b] - 1] + plan_rand(rng, 50, 500) :
			    plan_rand(rng, 100, F_SPAN_MS);
		} while (!plan_free(busy[b], nbusy[b], at, at + hold + 200) &&
		    --tries > 0);
		if (!tries || nbusy[b] >= 62)
			continue;
		busy[b][nbusy[b]++] = at;
		busy[b][nbusy[b]++] = at + hold + 200;
		p->press[p->npress] = (struct f_press){ .board = b,
		    .hold_ms = hold };
		plan_add(p, at, F_PRESS, b, p->npress);
		plan_add(p, at + hold, F_RELEASE, b, p->npress);
		p->npress++;
	}
}

/* Faults: 2 to 4, none overlapping another on the same process. */
static void
plan_faults(struct f_plan *p, uint64_t *rng)
{
	int busy[2 + F_BOARDS][16] = { { 0 } }, nbusy[2 + F_BOARDS] = { 0 };
	int n = plan_rand(rng, 2, 4);

	for (int k = 0; k < n; k++) {
		enum f_fault f = (enum f_fault)plan_rand(rng, 0, FF_COUNT - 1);
		int b = plan_rand(rng, 0, F_BOARDS - 1);
		int at = plan_rand(rng, 200, F_SPAN_MS - 300);
		int len = f == FF_BROKER_FREEZE ? plan_rand(rng, 200, 2000) :
		    plan_rand(rng, 0, 1000);
		int who = f == FF_HUB_KILL ? 1 : f == FF_BOARD_KILL ? 2 + b : 0;

		if (!plan_free(busy[who], nbusy[who], at, at + len + 100))
			continue;
		busy[who][nbusy[who]++] = at;
		busy[who][nbusy[who]++] = at + len + 100;
		p->faults[f]++;
		switch (f) {
		case FF_BROKER_KILL:
			plan_add(p, at, F_BROKER_KILL, 0, 0);
			plan_add(p, at + len, F_BROKER_START, 0, 0);
			break;
		case FF_BROKER_FREEZE:
			plan_add(p, at, F_BROKER_FREEZE, 0, 0);
			plan_add(p, at + len, F_BROKER_THAW, 0, 0);
			break;
		case FF_HUB_KILL:
			plan_add(p, at, F_HUB_KILL, 0, 0);
			plan_add(p, at + len, F_HUB_START, 0, 0);
			break;
		case FF_BOARD_KILL:
		case FF_COUNT:
			plan_add(p, at, F_BOARD_KILL, b, 0);
			plan_add(p, at + len, F_BOARD_START, b, 0);
			break;
		}
	}
}

static int
plan_cmp(const void *a, const void *b)
{
	const struct f_action *x = a, *y = b;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	/* ties: in the order planned (a fault's end after its start) */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
plan_make(struct f_plan *p, uint64_t seed)
{
	int busy[F_BOARDS][64], nbusy[F_BOARDS] = { 0 };
	uint64_t rng = seed;

	memset(p, 0, sizeof *p);
	p->seed = seed;
	plan_presses(p, &rng, busy, nbusy);
	plan_faults(p, &rng);
	qsort(p->act, (size_t)p->nact, sizeof *p->act, plan_cmp);
}
