/* faults.h: the fault-injection driver — seeded plans of presses and
 * faults (plan.c), a trial that runs one plan against a real broker, hubd
 * and several counterd boards (trial.c), and the check of the hub's
 * database afterwards (check.c). What counts as a press, a loss and a
 * double is defined in docs/RELIABILITY.md. */
#ifndef PANIC_FAULTS_H
#define PANIC_FAULTS_H

#include <stdint.h>
#include <sys/types.h>

#define F_BOARDS	3
#define F_PRESS_MAX	16
#define F_ACT_MAX	(2 * F_PRESS_MAX + 16)
#define F_SPAN_MS	3000	/* the presses and faults of a trial */
#define F_LONG_MS	600	/* fixtures.c: long_ms of button "main" */
#define F_STEP_MS	400	/* every escalation step's wait */
#define F_MATCH_MS	25	/* pressed_at against the driver's clock */
#define F_LATE_MS	150	/* ... and how much later it may be: a board
				   that reads an edge late after a timer
				   tick dates it late (docs/RELIABILITY.md) */

enum f_what {
	F_PRESS, F_RELEASE,
	F_BROKER_KILL, F_BROKER_START, F_BROKER_FREEZE, F_BROKER_THAW,
	F_HUB_KILL, F_HUB_START, F_BOARD_KILL, F_BOARD_START,
};

/* Kinds of fault, for the figures. */
enum f_fault { FF_BROKER_KILL, FF_BROKER_FREEZE, FF_HUB_KILL, FF_BOARD_KILL,
	FF_COUNT };

struct f_action {
	int at_ms;		/* from the trial's start */
	enum f_what what;
	int board;		/* F_PRESS, F_RELEASE, F_BOARD_* */
	int press;		/* F_PRESS, F_RELEASE: index in presses */
	int seq;		/* order planned: ties keep it */
};

/* One press of button "main" at a board, as planned and as it went. */
struct f_press {
	int board;
	int hold_ms;		/* planned */
	int sent;		/* the edge reached a running counterd */
	int released;		/* the release reached the same counterd */
	pid_t pid;		/* that counterd */
	int64_t wall_ms;	/* the press's time (= the board's pressed_at) */
	int64_t mono_ns;	/* the same, on CLOCK_MONOTONIC */
	int64_t held_ms;	/* as sent, once released */
	int safe_press;		/* seen in the board's outbox or the hub's db */
	int safe_long;
	int risk_press;		/* its board was killed before it was safe */
	int risk_long;
};

struct f_plan {
	uint64_t seed;
	int nact, npress;
	struct f_action act[F_ACT_MAX];
	struct f_press press[F_PRESS_MAX];
	int faults[FF_COUNT];
};

/* What one trial (or a whole run) found. */
struct f_tally {
	int trials, presses, recorded, lost, doubled, at_risk, risk_lost;
	int unexpected, stalls, errors, skipped;
	int faults[FF_COUNT];
	double secs;
};

/* Make the plan of seed: presses at random boards (short and long, some
 * close after another at the same board so that they join its incident)
 * interleaved with faults, sorted by time. Pure. */
void plan_make(struct f_plan *p, uint64_t seed);

/* A pseudo-random number in [lo, hi] from *state (splitmix64). */
int plan_rand(uint64_t *state, int lo, int hi);

/* Board b's counter id: "c1" ... (fixtures' counters). */
const char *plan_board(int b);

struct harness;

/* Run plan p in a fresh world: every press made, every fault injected,
 * then everything healed and the boards' outboxes drained; the database
 * checked into *t. Returns 0 if the trial found nothing wrong. */
int trial_run(struct f_plan *p, struct f_tally *t);

/* 1 if press p's gesture ("press" or "long") is, at this moment, in the
 * outbox of its board or in the hub's database. */
int check_safe(struct harness *h, const struct f_press *p,
    const char *gesture);

/* Count in the hub's database what became of every press of p and
 * whether any incident is left stalled, into *t (printing each problem as
 * a "#" line). Returns the problems found. */
int check_trial(struct harness *h, const struct f_plan *p, struct f_tally *t);

/* 1 once every press that must be recorded is in the hub's database and
 * every board's outbox is empty. */
int check_drained(struct harness *h, const struct f_plan *p);

#endif
