/* incident.c: the incident state machine. Each input records what changed
 * in struct incident and lists what the hub must say to whom in cx->acts;
 * the rules decide who, the policy decides when. */
#include "incident.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

/* What the desk and dashboards see; a change of any of it is a STATE. */
struct incident_snap {
	enum proto_istate state;
	enum proto_kind kind;
	uint32_t acks, needed, step;
};

static const char *const incident_timer_names[] = {
	"none", "step", "on_scene", "relief"
};

void
incident_ctx_init(struct incident_ctx *cx, const struct hub_conf *conf,
    int64_t now_ms, const struct rules_when *when)
{
	cx->conf = conf;
	cx->now_ms = now_ms;
	cx->mono_ms = now_ms;
	cx->when = *when;
	cx->nacts = 0;
}

static void
incident_act(struct incident_ctx *cx, enum incident_act_type type,
    const char *person, uint32_t step, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
incident_act(struct incident_ctx *cx, enum incident_act_type type,
    const char *person, uint32_t step, const char *fmt, ...)
{
	struct incident_act *a;
	va_list ap;

	/* INCIDENT_ACTS_MAX covers a page, a cancel and a note per person */
	if (cx->nacts == INCIDENT_ACTS_MAX)
		return;
	a = &cx->acts[cx->nacts++];
	a->type = type;
	snprintf(a->person, sizeof a->person, "%s", person ? person : "");
	a->step = step;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof a->text, fmt, ap);
	va_end(ap);
}

const char *
incident_timer_name(enum incident_timer t)
{
	return (unsigned)t < 4 ? incident_timer_names[t] : "none";
}

int
incident_timer_parse(const char *s, enum incident_timer *out)
{
	for (unsigned i = 0; i < 4; i++) {
		if (strcmp(s, incident_timer_names[i]) == 0) {
			*out = (enum incident_timer)i;
			return 0;
		}
	}
	return -1;
}

int
incident_is_open(const struct incident *inc)
{
	return inc->state < PROTO_IST_RESOLVED;
}

uint32_t
incident_acks(const struct incident *inc)
{
	uint32_t n = (inc->flags & INC_F_ANON_ARRIVAL) ? 1 : 0;

	for (unsigned i = 0; i < inc->npeople; i++)
		if (inc->people[i].flags & INC_P_ACKED)
			n++;
	return n;
}

unsigned
incident_responders(const struct incident *inc, char ids[][PROTO_ID_MAX],
    unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < inc->npeople && n < max; i++)
		if (inc->people[i].flags & INC_P_ACKED)
			memcpy(ids[n++], inc->people[i].id, PROTO_ID_MAX);
	return n;
}

struct incident_person *
incident_person_find(struct incident *inc, const char *id)
{
	for (unsigned i = 0; i < inc->npeople; i++)
		if (strcmp(inc->people[i].id, id) == 0)
			return &inc->people[i];
	return NULL;
}

/* The entry for id, added if new. A full table gives up the entry of
 * someone no longer involved (told to stand down, or declined): a page or
 * an acknowledgement must find room. NULL only when all are involved. */
static struct incident_person *
incident_person_get(struct incident *inc, const char *id)
{
	struct incident_person *p = incident_person_find(inc, id);

	if (p)
		return p;
	if (inc->npeople < INCIDENT_PEOPLE_MAX) {
		p = &inc->people[inc->npeople++];
	} else {
		for (unsigned i = 0; i < inc->npeople && !p; i++)
			if (!(inc->people[i].flags & (INC_P_PAGED |
			    INC_P_ACKED | INC_P_ON_SCENE)))
				p = &inc->people[i];
		if (!p)
			return NULL;
	}
	memset(p, 0, sizeof *p);
	snprintf(p->id, sizeof p->id, "%s", id);
	return p;
}

static void
incident_snap_take(const struct incident *inc, struct incident_snap *s)
{
	s->state = inc->state;
	s->kind = inc->kind;
	s->acks = incident_acks(inc);
	s->needed = inc->needed;
	s->step = inc->step;
}

/* End of an input: one STATE action if anything the desk shows changed. */
static void
incident_finish(struct incident *inc, struct incident_ctx *cx,
    const struct incident_snap *before)
{
	struct incident_snap now;

	incident_snap_take(inc, &now);
	if (now.state == PROTO_IST_CLOSED || (now.state == before->state &&
	    now.kind == before->kind && now.acks == before->acks &&
	    now.needed == before->needed && now.step == before->step))
		return;
	if (now.state != before->state)
		incident_act(cx, INC_ACT_STATE, NULL, inc->step, "%s -> %s",
		    proto_istate_name(before->state),
		    proto_istate_name(now.state));
	else
		incident_act(cx, INC_ACT_STATE, NULL, inc->step,
		    "%s at step %u, %u of %u acknowledged",
		    proto_istate_name(now.state), now.step, now.acks, now.needed);
}

static uint32_t
incident_needed(const struct incident *inc, const struct hub_conf *c)
{
	int k = conf_counter_find(c, inc->counter);

	if (k >= 0 && c->counters[k].min_responders > 0)
		return (uint32_t)c->counters[k].min_responders;
	return (uint32_t)conf_policy_for(c, inc->kind)->min_responders;
}

static void
incident_timer_set(struct incident *inc, struct incident_ctx *cx,
    enum incident_timer t, int delay_ms)
{
	inc->timer = t;
	inc->due_ms = t == INC_TIMER_NONE ? 0 : cx->now_ms + delay_ms;
}

static void
incident_page(struct incident *inc, struct incident_ctx *cx,
    struct incident_person *p, const char *why)
{
	p->flags = (p->flags | INC_P_PAGED) & ~INC_P_CANCELLED;
	p->step = inc->step;
	p->paged_ms = cx->now_ms;
	if (!inc->first_page_ms)
		inc->first_page_ms = cx->now_ms;
	incident_act(cx, INC_ACT_PAGE, p->id, inc->step, "%s", why);
}

/* The step's informed targets: paged to be told, and kept on the call
 * when it is covered (security stays on its way in an emergency). */
static unsigned
incident_page_informed(struct incident *inc, struct incident_ctx *cx)
{
	const struct hub_conf *c = cx->conf;
	const struct conf_step *st = &conf_policy_for(c, inc->kind)->
	    steps[inc->step - 1];
	struct conf_step as_targets;
	struct rules_people ppl;
	unsigned n = 0;

	if (!st->ninformed)
		return 0;
	memset(&as_targets, 0, sizeof as_targets);
	memcpy(as_targets.targets, st->informed, sizeof st->informed);
	as_targets.ntargets = st->ninformed;
	rules_targets(c, conf_counter_find(c, inc->counter), &as_targets,
	    &cx->when, &ppl);
	if (ppl.fallback)
		return 0;	/* nobody to inform: no fallback for that */
	for (unsigned i = 0; i < ppl.n; i++) {
		struct incident_person *p = incident_person_get(inc,
		    c->people[ppl.idx[i]].id);

		/* one already called by the step's targets is a responder,
		 * not merely informed */
		if (!p || (p->flags & (INC_P_ACKED | INC_P_DECLINED |
		    INC_P_PAGED)) || p->paged_ms == cx->now_ms)
			continue;
		p->flags |= INC_P_INFORMED;
		incident_page(inc, cx, p, "informed");
		n++;
	}
	return n;
}

/* A shift may have changed since the press: the earlier steps' targets,
 * resolved now, may name someone who came on duty since (the supervisor
 * after a hand-over) and was never paged for this call. Page them too,
 * rather than let the ladder go on without them. Returns how many. */
static unsigned
incident_page_on_duty(struct incident *inc, struct incident_ctx *cx)
{
	const struct hub_conf *c = cx->conf;
	const struct conf_policy *pol = conf_policy_for(c, inc->kind);
	struct rules_people ppl;
	unsigned n = 0;

	for (uint32_t j = 1; j < inc->step && j <= pol->nsteps; j++) {
		rules_targets(c, conf_counter_find(c, inc->counter),
		    &pol->steps[j - 1], &cx->when, &ppl);
		if (ppl.fallback)
			continue;
		for (unsigned i = 0; i < ppl.n; i++) {
			struct incident_person *p = incident_person_get(inc,
			    c->people[ppl.idx[i]].id);

			if (!p || p->paged_ms || (p->flags & (INC_P_ACKED |
			    INC_P_DECLINED)))
				continue;
			incident_page(inc, cx, p, "on duty since the press");
			n++;
		}
	}
	return n;
}

/* Page everyone the current step names who has not acknowledged, declined
 * this round, or been paged in this very input, and whoever came on duty
 * for an earlier step since. Returns how many. */
static unsigned
incident_page_step(struct incident *inc, struct incident_ctx *cx,
    const char *why)
{
	const struct hub_conf *c = cx->conf;
	const struct conf_policy *pol = conf_policy_for(c, inc->kind);
	struct rules_people ppl, fb;
	unsigned n = 0;

	if (inc->step > pol->nsteps)	/* a reload shortened the ladder */
		inc->step = pol->nsteps;
	rules_targets(c, conf_counter_find(c, inc->counter),
	    &pol->steps[inc->step - 1], &cx->when, &ppl);
	if (ppl.fallback)
		inc->flags |= INC_F_FALLBACK;
	if (inc->flags & INC_F_EXHAUSTED) {
		rules_fallback(c, &fb);
		for (unsigned i = 0; i < fb.n && ppl.n < RULES_PEOPLE_MAX; i++)
			ppl.idx[ppl.n++] = fb.idx[i];
	}
	for (unsigned i = 0; i < ppl.n; i++) {
		struct incident_person *p =
		    incident_person_get(inc, c->people[ppl.idx[i]].id);

		if (!p || (p->flags & (INC_P_ACKED | INC_P_DECLINED)) ||
		    ((p->flags & INC_P_PAGED) && p->paged_ms == cx->now_ms))
			continue;
		incident_page(inc, cx, p, ppl.fallback ? "fallback" : why);
		n++;
	}
	return n + incident_page_informed(inc, cx) +
	    incident_page_on_duty(inc, cx);
}

/* Responders the call may still get: those who acknowledged, and those
 * paged who have not answered. */
static unsigned
incident_potential(const struct incident *inc)
{
	unsigned n = 0;

	for (unsigned i = 0; i < inc->npeople; i++) {
		unsigned fl = inc->people[i].flags;

		/* the informed are told, not counted on to come */
		n += (fl & INC_P_ACKED) || ((fl & INC_P_PAGED) &&
		    !(fl & (INC_P_DECLINED | INC_P_INFORMED)));
	}
	return n;
}

/* 1 on the last step of the last round. */
static int
incident_ladder_at_end(const struct incident *inc,
    const struct incident_ctx *cx)
{
	const struct conf_policy *pol = conf_policy_for(cx->conf, inc->kind);

	return inc->step >= pol->nsteps && inc->round >= (uint32_t)pol->repeat;
}

/* Move one step down the ladder. Returns 1 once it is used up. */
static int
incident_ladder_next(struct incident *inc, struct incident_ctx *cx)
{
	const struct conf_policy *pol = conf_policy_for(cx->conf, inc->kind);

	if (inc->flags & INC_F_EXHAUSTED)
		return 1;
	if (inc->step < pol->nsteps) {
		inc->step++;
		return 0;
	}
	if (inc->round < (uint32_t)pol->repeat) {
		inc->round++;
		inc->step = 1;
		for (unsigned i = 0; i < inc->npeople; i++)
			inc->people[i].flags &= ~INC_P_DECLINED;
		incident_act(cx, INC_ACT_NOTE, NULL, 1, "ladder round %u",
		    inc->round + 1);
		return 0;
	}
	/* Never go quiet: the last step and the fallback are paged again
	 * after every wait until someone answers. */
	inc->flags |= INC_F_EXHAUSTED;
	incident_act(cx, INC_ACT_NOTE, NULL, inc->step, "ladder exhausted, "
	    "paging the last step and the fallback until answered");
	return 1;
}

/* Page the current step (after moving on if advance), skipping steps that
 * name nobody new, and arm the step's wait. */
static void
incident_ladder_run(struct incident *inc, struct incident_ctx *cx,
    int advance)
{
	const struct conf_policy *pol = conf_policy_for(cx->conf, inc->kind);

	if (advance)
		incident_ladder_next(inc, cx);
	for (unsigned guard = 0; guard <= CONF_STEPS_MAX * 102; guard++) {
		if (inc->flags & INC_F_EXHAUSTED)
			for (unsigned i = 0; i < inc->npeople; i++)
				inc->people[i].flags &= ~INC_P_DECLINED;
		if (incident_page_step(inc, cx, "step") > 0 &&
		    !(inc->flags & INC_F_EXHAUSTED)) {
			/* a step that cannot bring enough responders does
			 * not make the rest wait its whole wait */
			if (incident_potential(inc) >= inc->needed ||
			    inc->step >= conf_policy_for(cx->conf,
			    inc->kind)->nsteps)
				break;	/* not into a new round: its wait first */
			incident_act(cx, INC_ACT_NOTE, NULL, inc->step, "step %u "
			    "cannot bring %u responders: the next step at once",
			    inc->step, inc->needed);
		} else if (inc->flags & INC_F_EXHAUSTED) {
			break;
		}
		incident_ladder_next(inc, cx);
	}
	incident_timer_set(inc, cx, INC_TIMER_STEP,
	    pol->steps[inc->step - 1].wait_ms);
}

/* Enough responders: stop paging everybody else. */
static void
incident_check_covered(struct incident *inc, struct incident_ctx *cx)
{
	char who[PROTO_LIST_MAX][PROTO_ID_MAX], names[160] = "";
	unsigned n;

	if ((inc->flags & INC_F_COVERED) || incident_acks(inc) < inc->needed)
		return;
	inc->flags |= INC_F_COVERED;
	n = incident_responders(inc, who, PROTO_LIST_MAX);
	for (unsigned i = 0; i < n; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    "%s%s", i ? ", " : "", who[i]);
	for (unsigned i = 0; i < inc->npeople; i++) {
		struct incident_person *p = &inc->people[i];

		if (!(p->flags & INC_P_PAGED) || (p->flags & (INC_P_ACKED |
		    INC_P_INFORMED)))
			continue;	/* the informed stay on the call */
		p->flags = (p->flags & ~INC_P_PAGED) | INC_P_CANCELLED;
		incident_act(cx, INC_ACT_CANCEL, p->id, p->step, "covered by %s",
		    n ? names : "a responder at the counter");
	}
	if (inc->state == PROTO_IST_PAGING) {
		inc->state = PROTO_IST_ACKNOWLEDGED;
		incident_timer_set(inc, cx, INC_TIMER_ON_SCENE,
		    cx->conf->on_scene_timeout_ms);
	} else if (inc->state == PROTO_IST_ON_SCENE) {
		incident_timer_set(inc, cx, INC_TIMER_RELIEF,
		    cx->conf->relief_after_ms);
	}
}

/* Too few responders again: paging resumes. */
static void
incident_uncover(struct incident *inc)
{
	inc->flags &= ~INC_F_COVERED;
	if (inc->state == PROTO_IST_ACKNOWLEDGED)
		inc->state = PROTO_IST_PAGING;
}

static void
incident_set_on_scene(struct incident *inc, struct incident_ctx *cx)
{
	if (inc->state >= PROTO_IST_ON_SCENE)
		return;
	inc->state = PROTO_IST_ON_SCENE;
	inc->on_scene_ms = cx->now_ms;
	if (inc->flags & INC_F_COVERED)
		incident_timer_set(inc, cx, INC_TIMER_RELIEF,
		    cx->conf->relief_after_ms);
}

void
incident_open(struct incident *inc, int64_t id, const struct proto_event *ev,
    struct incident_ctx *cx)
{
	struct incident_snap before;

	memset(inc, 0, sizeof *inc);
	inc->id = id;
	snprintf(inc->counter, sizeof inc->counter, "%s", ev->counter);
	snprintf(inc->event, sizeof inc->event, "%s", ev->id);
	inc->kind = ev->kind;
	inc->state = PROTO_IST_RAISED;
	inc->category = PROTO_CAT_NONE;
	inc->pressed_ms = ev->pressed_ms;
	inc->received_ms = cx->now_ms;
	inc->received_mono_ms = cx->mono_ms;
	if (conf_counter_find(cx->conf, ev->counter) < 0)
		inc->flags |= INC_F_UNKNOWN_COUNTER;
	inc->needed = incident_needed(inc, cx->conf);
	incident_snap_take(inc, &before);
	incident_act(cx, INC_ACT_NOTE, NULL, 0, "opened, %s at %s%s",
	    proto_kind_name(ev->kind), ev->counter,
	    (inc->flags & INC_F_UNKNOWN_COUNTER) ? ", unknown counter" : "");
	inc->state = PROTO_IST_PAGING;
	inc->step = 1;
	incident_ladder_run(inc, cx, 0);
	incident_finish(inc, cx, &before);
}

/* How serious a press is: a drill, a call for help, an emergency. */
static int
incident_severity(enum proto_kind k)
{
	switch (k) {
	case PROTO_KIND_TEST:
		return 1;
	case PROTO_KIND_HELP:
		return 2;
	case PROTO_KIND_EMERGENCY:
		return 3;
	default:
		return 0;
	}
}

void
incident_join(struct incident *inc, const struct proto_event *ev,
    struct incident_ctx *cx)
{
	struct incident_snap before;
	uint32_t needed;

	incident_snap_take(inc, &before);
	incident_act(cx, INC_ACT_NOTE, NULL, inc->step, "event %s (%s) joins",
	    ev->id, proto_kind_name(ev->kind));
	/* A more serious press raises the incident and starts its ladder: an
	 * emergency raises a call for help, and a real call during a drill is
	 * no drill (else it would be paged as one and left out of the
	 * statistics). */
	if (incident_severity(ev->kind) > incident_severity(inc->kind)) {
		inc->kind = ev->kind;
		needed = incident_needed(inc, cx->conf);
		if (needed > inc->needed)
			inc->needed = needed;
		incident_act(cx, INC_ACT_NOTE, NULL, 1, "raised to %s",
		    proto_kind_name(ev->kind));
		inc->flags &= ~INC_F_EXHAUSTED;
		inc->step = 1;
		inc->round = 0;
		for (unsigned i = 0; i < inc->npeople; i++)
			inc->people[i].flags &= ~INC_P_DECLINED;
		if (incident_acks(inc) < inc->needed)
			incident_uncover(inc);
		/* Step 1 is called even when someone is already coming. */
		if (inc->flags & INC_F_COVERED)
			incident_page_step(inc, cx, proto_kind_name(ev->kind));
		else
			incident_ladder_run(inc, cx, 0);
	}
	incident_finish(inc, cx, &before);
}

/* Resolve, tell everyone still involved to stand down, and close. */
static void
incident_close(struct incident *inc, struct incident_ctx *cx,
    const char *actor, const char *why)
{
	inc->state = PROTO_IST_RESOLVED;
	inc->resolved_ms = cx->now_ms;
	snprintf(inc->resolved_by, sizeof inc->resolved_by, "%s", actor);
	incident_act(cx, INC_ACT_STATE, NULL, inc->step, "resolved as %s",
	    proto_category_name(inc->category));
	for (unsigned i = 0; i < inc->npeople; i++) {
		struct incident_person *p = &inc->people[i];

		/* the resolver's own page is answered, not outstanding */
		if (strcmp(p->id, actor) == 0)
			p->flags &= ~INC_P_PAGED;
		if (!(p->flags & (INC_P_PAGED | INC_P_ACKED)) ||
		    (p->flags & INC_P_CANCELLED) || strcmp(p->id, actor) == 0)
			continue;
		p->flags = (p->flags & ~INC_P_PAGED) | INC_P_CANCELLED;
		incident_act(cx, INC_ACT_CANCEL, p->id, p->step, "%s", why);
	}
	inc->state = PROTO_IST_CLOSED;
	inc->closed_ms = cx->now_ms;
	incident_timer_set(inc, cx, INC_TIMER_NONE, 0);
	incident_act(cx, INC_ACT_CLOSE, NULL, inc->step, "closed");
}

int
incident_cancel(struct incident *inc, struct incident_ctx *cx)
{
	if (!incident_is_open(inc))
		return 0;
	/* on the monotonic clock: a wall clock stepped back must not stretch
	 * the grace period, nor one stepped forward cut it short */
	if (cx->mono_ms - inc->received_mono_ms > cx->conf->cancel_grace_ms) {
		incident_act(cx, INC_ACT_NOTE, NULL, inc->step,
		    "cancel after the %d ms grace period ignored",
		    cx->conf->cancel_grace_ms);
		return 0;
	}
	inc->category = PROTO_CAT_FALSE_ALARM;
	incident_close(inc, cx, "", "cancelled at the counter");
	return 1;
}

void
incident_arrived(struct incident *inc, struct incident_ctx *cx)
{
	struct incident_snap before;

	if (!incident_is_open(inc))
		return;
	incident_snap_take(inc, &before);
	inc->flags |= INC_F_ANON_ARRIVAL;
	incident_act(cx, INC_ACT_NOTE, NULL, inc->step,
	    "arrival signalled at the counter");
	incident_check_covered(inc, cx);
	incident_set_on_scene(inc, cx);
	incident_finish(inc, cx, &before);
}

static void
incident_ack(struct incident *inc, struct incident_ctx *cx,
    struct incident_person *p)
{
	if (p->flags & INC_P_ACKED)
		return;
	p->flags = (p->flags | INC_P_ACKED) & ~(INC_P_PAGED | INC_P_DECLINED);
	p->acked_ms = cx->now_ms;
	if (!p->step)		/* not paged: joined at the current step */
		p->step = inc->step;
	if (!inc->acked_ms) {
		inc->acked_ms = cx->now_ms;
		incident_act(cx, INC_ACT_ACK, p->id, inc->step,
		    "first acknowledgement, response time %.1f s",
		    (double)(cx->now_ms - inc->received_ms) / 1000.0);
	} else {
		incident_act(cx, INC_ACT_ACK, p->id, inc->step, "after %.1f s",
		    (double)(cx->now_ms - inc->received_ms) / 1000.0);
	}
	incident_check_covered(inc, cx);
}

static void
incident_decline(struct incident *inc, struct incident_ctx *cx,
    struct incident_person *p)
{
	int involved = p->flags & (INC_P_PAGED | INC_P_ACKED);

	p->flags = (p->flags & ~(INC_P_PAGED | INC_P_ACKED | INC_P_ON_SCENE)) |
	    INC_P_DECLINED;
	incident_act(cx, INC_ACT_DECLINE, p->id, inc->step, "declined");
	if (incident_acks(inc) < inc->needed)
		incident_uncover(inc);
	/* At the end of the ladder it moves on only by its timer: an
	 * immediate re-page would go straight back to whoever declined. */
	if (involved && !(inc->flags & (INC_F_COVERED | INC_F_EXHAUSTED)) &&
	    !incident_ladder_at_end(inc, cx))
		incident_ladder_run(inc, cx, 1);
}

int
incident_reply(struct incident *inc, const struct proto_reply *rp,
    struct incident_ctx *cx)
{
	struct incident_snap before;
	struct incident_person *p;

	if (!incident_is_open(inc))
		return -1;
	/* Anyone else could stand everybody down, or fill the table of
	 * people so that real acknowledgements find no room. */
	if (conf_person_find(cx->conf, rp->person) < 0) {
		incident_act(cx, INC_ACT_NOTE, NULL, inc->step,
		    "%s from %s, who is not in the config, refused",
		    proto_action_name(rp->action), rp->person);
		return 0;
	}
	incident_snap_take(inc, &before);
	if (!(p = incident_person_get(inc, rp->person)))
		return 0;
	switch (rp->action) {
	case PROTO_ACTION_ACK:
		incident_ack(inc, cx, p);
		break;
	case PROTO_ACTION_DECLINE:
		incident_decline(inc, cx, p);
		break;
	case PROTO_ACTION_ON_SCENE:
		incident_ack(inc, cx, p);
		p->flags |= INC_P_ON_SCENE;
		incident_set_on_scene(inc, cx);
		break;
	case PROTO_ACTION_RESOLVE:
		inc->category = rp->category;
		snprintf(inc->note, sizeof inc->note, "%s", rp->note);
		incident_close(inc, cx, p->id, "resolved");
		break;
	case PROTO_ACTION_COUNT:
		break;
	}
	incident_finish(inc, cx, &before);
	return 0;
}

/* Acknowledged but nobody came: page the acknowledgers again and move the
 * ladder on, as nurse-call systems do. */
static void
incident_on_scene_timeout(struct incident *inc, struct incident_ctx *cx)
{
	char d[32];

	incident_act(cx, INC_ACT_NOTE, NULL, inc->step,
	    "nobody on scene %s after the acknowledgement",
	    clock_fmt_duration(cx->conf->on_scene_timeout_ms, d, sizeof d));
	for (unsigned i = 0; i < inc->npeople; i++) {
		struct incident_person *p = &inc->people[i];

		if (!(p->flags & INC_P_ACKED))
			continue;
		p->flags &= ~INC_P_ACKED;
		incident_page(inc, cx, p, "not on scene");
	}
	incident_uncover(inc);
	incident_ladder_run(inc, cx, 1);
}

/* On scene for too long: the next tier is paged to relieve them. */
static void
incident_relief(struct incident *inc, struct incident_ctx *cx)
{
	const struct conf_policy *pol = conf_policy_for(cx->conf, inc->kind);

	incident_act(cx, INC_ACT_NOTE, NULL, inc->step,
	    "on scene for %d ms, paging relief", cx->conf->relief_after_ms);
	if (inc->step < pol->nsteps)
		inc->step++;
	incident_page_step(inc, cx, "relief");
	incident_timer_set(inc, cx, INC_TIMER_RELIEF, cx->conf->relief_after_ms);
}

/* The longest a timer of type t may run from now. */
static int64_t
incident_timer_span(const struct incident *inc, const struct incident_ctx *cx,
    enum incident_timer t)
{
	const struct conf_policy *pol = conf_policy_for(cx->conf, inc->kind);

	switch (t) {
	case INC_TIMER_STEP:
		return pol->steps[(inc->step < pol->nsteps ? inc->step :
		    pol->nsteps) - 1].wait_ms;
	case INC_TIMER_ON_SCENE:
		return cx->conf->on_scene_timeout_ms;
	case INC_TIMER_RELIEF:
		return cx->conf->relief_after_ms;
	case INC_TIMER_NONE:
		break;
	}
	return 0;
}

void
incident_restore(struct incident *inc, struct incident_ctx *cx)
{
	int64_t span;
	unsigned n = 0;

	if (!incident_is_open(inc))
		return;
	if (inc->step == 0)
		inc->step = 1;
	/* An open incident without a timer would never escalate again. */
	if (inc->timer == INC_TIMER_NONE)
		incident_timer_set(inc, cx, INC_TIMER_STEP, 0);
	span = incident_timer_span(inc, cx, inc->timer);
	if (inc->due_ms > cx->now_ms + span)
		inc->due_ms = cx->now_ms + span;
	/* the cancel grace runs on from the press, as far as the wall clock
	 * can tell */
	inc->received_mono_ms = cx->mono_ms - (cx->now_ms > inc->received_ms ?
	    cx->now_ms - inc->received_ms : 0);
	for (unsigned i = 0; i < inc->npeople; i++) {
		struct incident_person *p = &inc->people[i];

		if ((p->flags & INC_P_PAGED) && !(p->flags & INC_P_ACKED) &&
		    p->step == inc->step) {
			incident_page(inc, cx, p, "again after a hub restart");
			n++;
		}
	}
	incident_act(cx, INC_ACT_STATE, NULL, inc->step, "restored, %s at step"
	    " %u, %u paged again", proto_istate_name(inc->state), inc->step, n);
}

int
incident_step_failed(struct incident *inc, struct incident_ctx *cx)
{
	struct incident_snap before;

	/* Like a decline: at the end of the ladder only the timer moves it,
	 * or a channel that fails at once would re-page in a tight loop. */
	if (!incident_is_open(inc) || inc->state != PROTO_IST_PAGING ||
	    inc->timer != INC_TIMER_STEP ||
	    (inc->flags & (INC_F_COVERED | INC_F_EXHAUSTED)) ||
	    incident_ladder_at_end(inc, cx))
		return 0;
	incident_snap_take(inc, &before);
	incident_act(cx, INC_ACT_NOTE, NULL, inc->step, "step %u: every "
	    "channel of everyone paged failed, next step now", inc->step);
	incident_ladder_run(inc, cx, 1);
	incident_finish(inc, cx, &before);
	return 1;
}

void
incident_timer_fired(struct incident *inc, struct incident_ctx *cx)
{
	struct incident_snap before;

	if (!incident_is_open(inc))
		return;
	incident_snap_take(inc, &before);
	switch (inc->timer) {
	case INC_TIMER_STEP:
		incident_ladder_run(inc, cx, 1);
		break;
	case INC_TIMER_ON_SCENE:
		incident_on_scene_timeout(inc, cx);
		break;
	case INC_TIMER_RELIEF:
		incident_relief(inc, cx);
		break;
	case INC_TIMER_NONE:
		break;
	}
	incident_finish(inc, cx, &before);
}
