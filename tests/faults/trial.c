/* trial.c: one trial — a fresh world (broker, hubd, F_BOARDS boards),
 * the plan's presses and faults at their times, supervisors answering
 * some pages, then everything healed and waited for (on the database and
 * the outboxes, with deadlines), then the check. */
#include "faults.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "harness.h"
#include "proto.h"

#define F_INC_MAX	64
#define F_DRAIN_MS	60000	/* re-sends back off up to 30 s */
#define F_LADDER_MS	15000

/* What the supervisors have done about one incident. */
struct f_inc {
	char id[PROTO_ID_MAX];
	unsigned decided;	/* people (bits) who chose to answer or not */
	int64_t resolve_ms;	/* when to resolve it (0: not) */
	char by[PROTO_ID_MAX];
};

struct f_world {
	struct harness *h;
	struct f_plan *p;
	uint64_t rng;
	pid_t hub, board[F_BOARDS];
	int64_t free_ms[F_BOARDS];	/* a board's next press, not before */
	int broker_down, broker_frozen;
	size_t cursor;		/* messages looked at for pages */
	struct f_inc inc[F_INC_MAX];
	int ninc;
};

static const char *const f_people[] = { "sup", "bak", "mgr", "sec", "r2",
	"fac", NULL };

static struct f_inc *
trial_inc(struct f_world *w, const char *id)
{
	for (int i = 0; i < w->ninc; i++)
		if (strcmp(w->inc[i].id, id) == 0)
			return &w->inc[i];
	if (w->ninc == F_INC_MAX)
		return NULL;
	memset(&w->inc[w->ninc], 0, sizeof w->inc[0]);
	snprintf(w->inc[w->ninc].id, sizeof w->inc[0].id, "%s", id);
	return &w->inc[w->ninc++];
}

/* A page to a person: half of them acknowledge, and some of those
 * resolve the incident a little later, so that further presses at that
 * counter open a new incident. */
static void
trial_page(struct f_world *w, const char *person, const struct proto_page *pg)
{
	struct f_inc *in = trial_inc(w, pg->incident);
	unsigned bit = 0;

	for (int i = 0; f_people[i]; i++)
		if (strcmp(f_people[i], person) == 0)
			bit = 1u << i;
	if (!in || !bit || (in->decided & bit))
		return;
	in->decided |= bit;
	if (plan_rand(&w->rng, 0, 1) == 0)
		return;
	fx_reply(w->h, person, pg->incident, PROTO_ACTION_ACK, 0, NULL);
	if (!in->resolve_ms && plan_rand(&w->rng, 0, 2) == 0) {
		in->resolve_ms = clock_mono_ms() + plan_rand(&w->rng, 200, 800);
		snprintf(in->by, sizeof in->by, "%s", person);
	}
}

/* Look at what crossed the broker since last time; send due resolves. */
static void
trial_answer(struct f_world *w)
{
	struct harness *h = w->h;
	int64_t now = clock_mono_ms();

	for (; w->cursor < h->nmsgs; w->cursor++) {
		const struct h_msg *m = &h->msgs[w->cursor];
		struct proto_page pg;

		if (h_topic_match("panic/" FX_SITE "/pager/+", m->topic) &&
		    proto_decode_page((const char *)m->payload, m->len, &pg,
		    NULL) == 0 && pg.type == PROTO_PAGE_PAGE)
			/* the person is the topic's last level */
			trial_page(w, strrchr(m->topic, '/') + 1, &pg);
	}
	for (int i = 0; i < w->ninc; i++) {
		struct f_inc *in = &w->inc[i];

		if (in->resolve_ms && in->resolve_ms <= now) {
			in->resolve_ms = 0;
			fx_reply(h, in->by, in->id, PROTO_ACTION_RESOLVE,
			    PROTO_CAT_HARASSMENT, "fault trial");
		}
	}
}

/* Pump and answer pages for ms. */
static void
trial_pump(struct f_world *w, int ms)
{
	for (int64_t end = clock_mono_ms() + ms, now = clock_mono_ms();
	    now < end; now = clock_mono_ms()) {
		h_pump(w->h, end - now < 20 ? (int)(end - now) : 20);
		trial_answer(w);
	}
}

/* Wait until cond holds (checked every 50 ms), answering pages. */
static int
trial_wait(struct f_world *w, int (*cond)(struct f_world *), int timeout_ms)
{
	for (int64_t end = clock_mono_ms() + timeout_ms;;) {
		if (cond(w))
			return 1;
		if (clock_mono_ms() >= end)
			return 0;
		trial_pump(w, 50);
	}
}

static void
trial_press(struct f_world *w, struct f_press *p)
{
	p->mono_ns = clock_mono_ns();
	p->wall_ms = clock_wall_ms();
	/* a dead board's socket refuses: then nothing was pressed */
	if (w->board[p->board] > 0 && fx_sim_edge(w->h, plan_board(p->board),
	    "main", 0, p->mono_ns) == 0) {
		p->sent = 1;
		p->pid = w->board[p->board];
	}
}

static void
trial_release(struct f_world *w, struct f_press *p)
{
	int64_t t_ns = clock_mono_ns();

	if (!p->sent || w->board[p->board] != p->pid)
		return;
	if (fx_sim_edge(w->h, plan_board(p->board), "main", 1, t_ns) == 0) {
		p->released = 1;
		p->held_ms = (t_ns - p->mono_ns) / 1000000;
		w->free_ms[p->board] = t_ns / 1000000 + 200;
	}
}

/* Before a board is killed: a gesture it has neither stored in its
 * outbox nor delivered to the hub may die with it (docs/RELIABILITY.md). */
static void
trial_board_kill(struct f_world *w, int b)
{
	pid_t pid = w->board[b];

	if (pid <= 0)
		return;
	for (int i = 0; i < w->p->npress; i++) {
		struct f_press *p = &w->p->press[i];
		int64_t held = p->released ? p->held_ms :
		    (clock_mono_ns() - p->mono_ns) / 1000000;

		if (!p->sent || p->pid != pid)
			continue;
		if (!p->safe_press && !(p->safe_press = check_safe(w->h, p,
		    "press")))
			p->risk_press = 1;
		if (held >= F_LONG_MS - 100 && !p->safe_long &&
		    !(p->safe_long = check_safe(w->h, p, "long")))
			p->risk_long = 1;
	}
	h_kill(w->h, pid, SIGKILL);
	w->board[b] = 0;
}

/* Carry out one action. Returns 0, or -1 when the world broke. */
static int
trial_act(struct f_world *w, const struct f_action *a)
{
	struct harness *h = w->h;

	switch (a->what) {
	case F_PRESS:
		trial_press(w, &w->p->press[a->press]);
		break;
	case F_RELEASE:
		trial_release(w, &w->p->press[a->press]);
		break;
	case F_BROKER_KILL:
		h_broker_stop(h);
		w->broker_down = 1;
		w->broker_frozen = 0;
		break;
	case F_BROKER_START:
		w->broker_down = 0;
		return h_broker_start(h);
	case F_BROKER_FREEZE:
		h_broker_pause(h, 1);
		w->broker_frozen = 1;
		break;
	case F_BROKER_THAW:
		h_broker_pause(h, 0);
		w->broker_frozen = 0;
		break;
	case F_HUB_KILL:
		h_kill(h, w->hub, SIGKILL);
		w->hub = 0;
		break;
	case F_HUB_START:
		return (w->hub = fx_hub_spawn(h)) > 0 ? 0 : -1;
	case F_BOARD_KILL:
		trial_board_kill(w, a->board);
		break;
	case F_BOARD_START:
		if (w->board[a->board] <= 0)
			w->board[a->board] = fx_board_spawn(h,
			    plan_board(a->board));
		return w->board[a->board] > 0 ? 0 : -1;
	}
	return 0;
}

/* Everything running again. */
static int
trial_heal(struct f_world *w)
{
	if (w->broker_frozen)
		h_broker_pause(w->h, 0);
	if (w->broker_down && h_broker_start(w->h) < 0)
		return -1;
	w->broker_down = w->broker_frozen = 0;
	if (w->hub <= 0 && (w->hub = fx_hub_spawn(w->h)) < 0)
		return -1;
	for (int b = 0; b < F_BOARDS; b++)
		if (w->board[b] <= 0 && (w->board[b] = fx_board_spawn(w->h,
		    plan_board(b))) < 0)
			return -1;
	return 0;
}

static int
trial_drained(struct f_world *w)
{
	return check_drained(w->h, w->p);
}

/* No incident is still paging with its ladder neither used up nor its
 * responders found. */
static int
trial_ladders_done(struct f_world *w)
{
	return h_sql_int(w->h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE closed_at IS NULL AND state IN ('raised', 'paging') AND"
	    " flags & 6 = 0") == 0;
}

/* The world at the start: hub, then the boards, all connected. */
static int
trial_world(struct f_world *w)
{
	if (!(w->h = h_new()))
		return -1;
	w->h->quiet = 1;
	for (int b = 0; b < F_BOARDS; b++)
		if (!fx_counter_conf(w->h, plan_board(b), NULL))
			return -1;
	if (!fx_hub_conf_boards(w->h, F_STEP_MS, F_BOARDS) ||
	    (w->hub = fx_hub_start(w->h)) < 0)
		return -1;
	for (int b = 0; b < F_BOARDS; b++)
		if ((w->board[b] = fx_board_start(w->h, plan_board(b))) < 0)
			return -1;
	return 0;
}

/* When a is due. A blocking action (a broker restart) can put the driver
 * behind its plan: holds and the gaps between presses at one board stay
 * as planned even then, or edges would merge within the debounce time. */
static int64_t
trial_due(const struct f_world *w, const struct f_action *a, int64_t t0)
{
	int64_t due = t0 + a->at_ms, floor = 0;
	const struct f_press *p = &w->p->press[a->press];

	if (a->what == F_RELEASE && p->sent)
		floor = p->mono_ns / 1000000 + p->hold_ms;
	else if (a->what == F_PRESS)
		floor = w->free_ms[a->board];
	return floor > due ? floor : due;
}

/* Run the plan's actions at their times. */
static int
trial_actions(struct f_world *w)
{
	int64_t t0 = clock_mono_ms();

	for (int i = 0; i < w->p->nact; i++) {
		const struct f_action *a = &w->p->act[i];
		int64_t wait = trial_due(w, a, t0) - clock_mono_ms();


		if (wait > 0)
			trial_pump(w, (int)wait);
		if (trial_act(w, a) < 0) {
			printf("# action %d (%d at %d ms) failed\n", i, a->what,
			    a->at_ms);
			return -1;
		}
	}
	return 0;
}

int
trial_run(struct f_plan *p, struct f_tally *t)
{
	struct f_world w = { .p = p, .rng = p->seed ^ 0x5eedULL };
	int64_t t0 = clock_mono_ms();
	int bad = 0;

	if (trial_world(&w) < 0 || trial_actions(&w) < 0 ||
	    trial_heal(&w) < 0) {
		t->errors++;
		bad = 1;
	} else {
		if (!trial_wait(&w, trial_drained, F_DRAIN_MS))
			printf("# outboxes not drained in %d ms\n", F_DRAIN_MS);
		trial_wait(&w, trial_ladders_done, F_LADDER_MS);
		bad = check_trial(w.h, p, t) > 0;
		if (!h_alive(w.h, w.hub)) {
			printf("# hubd died\n");
			t->errors++;
			bad = 1;
		}
	}
	for (int f = 0; f < FF_COUNT; f++)
		t->faults[f] += p->faults[f];
	if (w.h)
		w.h->quiet = !bad;
	if (h_free(w.h) < 0) {
		t->errors++;
		bad = 1;
	}
	t->trials++;
	t->secs += (double)(clock_mono_ms() - t0) / 1000.0;
	return bad ? -1 : 0;
}
