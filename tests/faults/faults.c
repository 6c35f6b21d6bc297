/* faults.c: `make faults` — repeated trials of presses at several boards
 * while the broker, hubd and the boards are killed, frozen and restarted
 * at random moments; afterwards every press must be in the hub's database
 * exactly once and no escalation stalled. See docs/RELIABILITY.md.
 *
 *   faults [--trials N] [--seed S] [--tap] [--plan]
 *
 * Trial i runs the plan of seed S + i (S: from the time, printed), so
 * `faults --seed X` runs again the trial that printed seed X. --tap prints
 * TAP lines for tests/run-all, --plan only prints each trial's plan. Exit
 * status 1 on any loss, double, stall
 * or broken trial. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faults.h"

static void
faults_usage(void)
{
	fprintf(stderr, "usage: faults [--trials N] [--seed S] [--tap]\n");
	exit(2);
}

/* What the driver will do in a trial, one action a line. */
static void
faults_plan(const struct f_plan *p)
{
	static const char *const what[] = { "press", "release", "broker kill",
	    "broker start", "broker freeze", "broker thaw", "hubd kill",
	    "hubd start", "counterd kill", "counterd start" };

	for (int i = 0; i < p->nact; i++) {
		const struct f_action *a = &p->act[i];

		printf("%5d ms  %s", a->at_ms, what[a->what]);
		if (a->what == F_PRESS || a->what == F_RELEASE)
			printf(" %s (press %d, hold %d ms)", plan_board(a->board),
			    a->press, p->press[a->press].hold_ms);
		else if (a->what >= F_BOARD_KILL)
			printf(" %s", plan_board(a->board));
		printf("\n");
	}
}

static void
faults_line(const struct f_tally *t)
{
	printf("presses %d (at risk %d), recorded %d, lost %d, doubled %d,"
	    " stalls %d, unexpected %d, errors %d; faults: broker kill %d,"
	    " broker freeze %d, hubd kill %d, counterd kill %d; %.1f s",
	    t->presses, t->at_risk, t->recorded, t->lost, t->doubled,
	    t->stalls, t->unexpected, t->errors, t->faults[FF_BROKER_KILL],
	    t->faults[FF_BROKER_FREEZE], t->faults[FF_HUB_KILL],
	    t->faults[FF_BOARD_KILL], t->secs);
}

int
main(int argc, char **argv)
{
	struct f_tally all = { 0 };
	uint64_t seed = (uint64_t)time(NULL) * 1000;
	int trials = 100, tap = 0, plan = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc)
			trials = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--tap") == 0)
			tap = 1;
		else if (strcmp(argv[i], "--plan") == 0)
			plan = 1;
		else
			faults_usage();
	}
	if (trials < 1)
		faults_usage();
	/* a reply to a broker that was just killed must not kill us */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tap && !plan)
		printf("1..%d\n", trials);
	for (int i = 0; i < trials; i++) {
		struct f_plan p;
		struct f_tally t = { 0 };
		int bad;

		plan_make(&p, seed + (uint64_t)i);
		if (plan) {
			printf("trial %d seed %llu\n", i + 1,
			    (unsigned long long)p.seed);
			faults_plan(&p);
			continue;
		}
		bad = trial_run(&p, &t) < 0;
		failed += bad;
		printf("%s%d - trial seed %llu: ", !tap ? "trial " : bad ?
		    "not ok " : "ok ", i + 1, (unsigned long long)p.seed);
		faults_line(&t);
		printf("\n");
		all.trials += t.trials;
		all.presses += t.presses;
		all.recorded += t.recorded;
		all.lost += t.lost;
		all.doubled += t.doubled;
		all.at_risk += t.at_risk;
		all.risk_lost += t.risk_lost;
		all.unexpected += t.unexpected;
		all.stalls += t.stalls;
		all.errors += t.errors;
		all.skipped += t.skipped;
		all.secs += t.secs;
		for (int f = 0; f < FF_COUNT; f++)
			all.faults[f] += t.faults[f];
	}
	if (plan)
		return 0;
	printf("%sfaults: %d trials (%d failed), seeds %llu-%llu: ", tap ?
	    "# " : "", all.trials, failed, (unsigned long long)seed,
	    (unsigned long long)(seed + (uint64_t)trials - 1));
	faults_line(&all);
	printf("; %d at risk not recorded, %d presses to a dead board not"
	    " made\n", all.risk_lost, all.skipped);
	return failed ? 1 : 0;
}
