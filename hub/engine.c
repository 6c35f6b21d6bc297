/* engine.c: drives incidents — feeds events, replies and timer expiries
 * to the state machine, then carries out its actions: pages first (from
 * memory), rows into the open transaction, receipts only after the commit.
 * A failed commit sends no receipt; what it lost is written again at the
 * next one, and incidents carry on in memory meanwhile. */
#include "hub.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

/* Open the turn's transaction unless it is open (or has failed). */
static void
engine_begin(struct hub *h)
{
	if (!store_in_tx(h->store) && store_begin(h->store) < 0)
		log_warnx("store: %s", store_errmsg(h->store));
}

/* Start an input: the moment in UTC and in the site's time zone. */
static struct incident_ctx *
engine_ctx(struct hub *h)
{
	int64_t now = clock_wall_ms();
	struct rules_when w;

	if (rules_when_at(h->conf->timezone, now, &w) < 0) {
		/* cannot happen for a sane clock; UTC keeps paging going */
		log_warnx("rules: cannot convert the time, using UTC");
		rules_when_utc(now, &w);
	}
	incident_ctx_init(&h->cx, h->conf, now, &w);
	h->cx.mono_ms = h->cx_mono_ms = clock_mono_ms();
	engine_begin(h);
	return &h->cx;
}

/* The open incident at counter, or NULL. */
static struct hub_inc *
engine_find_counter(struct hub *h, const char *counter)
{
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next)
		if (incident_is_open(&hi->inc) &&
		    strcmp(hi->inc.counter, counter) == 0)
			return hi;
	return NULL;
}

/* Incident id in memory (open, or closed but not yet committed). */
static struct hub_inc *
engine_find_id(struct hub *h, int64_t id)
{
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next)
		if (hi->inc.id == id)
			return hi;
	return NULL;
}

const struct incident *
engine_incident(struct hub *h, int64_t id)
{
	struct hub_inc *hi = engine_find_id(h, id);

	return hi ? &hi->inc : NULL;
}

static struct hub_inc *
engine_new(struct hub *h)
{
	struct hub_inc *hi = calloc(1, sizeof *hi);

	if (!hi)
		return NULL;
	hi->timer.kind = HUB_TIMER_INCIDENT;
	hi->timer.owner = hi;
	hi->next = h->incidents;
	h->incidents = hi;
	return hi;
}

static void
engine_drop(struct hub *h, struct hub_inc *hi)
{
	struct hub_inc **pp;

	for (pp = &h->incidents; *pp && *pp != hi; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = hi->next;
	timers_disarm(&h->timers, &hi->timer);
	free(hi);
}

/* Arm the incident's timer from its wall-clock due time (wall_now and
 * mono_now being the same moment on both clocks). A closed incident stays
 * in memory, without a timer, until its closing is committed. */
static void
engine_sync(struct hub *h, struct hub_inc *hi, int64_t wall_now,
    int64_t mono_now)
{
	if (!incident_is_open(&hi->inc) || hi->inc.timer == INC_TIMER_NONE) {
		timers_disarm(&h->timers, &hi->timer);
		return;
	}
	/* intervals run on the monotonic clock: a clock step cannot stall or
	 * rush an escalation already under way */
	if (timers_arm(&h->timers, &hi->timer, mono_now +
	    (hi->inc.due_ms > wall_now ? hi->inc.due_ms - wall_now : 0)) < 0)
		log_warnx("incident %" PRId64 ": cannot arm timer", hi->inc.id);
}

void
engine_check(struct hub *h, int rc, const char *what)
{
	if (rc < 0 && !store_in_tx(h->store))
		log_warnx("store: %s: %s", what, store_errmsg(h->store));
}

static void
engine_store_note(struct hub *h, const struct incident *inc,
    const char *kind, const char *text)
{
	engine_check(h, store_log(h->store, h->cx.now_ms, kind, inc->id, NULL,
	    text, strlen(text)), "log");
}

/* A page or a cancel to one person, sent and recorded. */
static void
engine_act_page(struct hub *h, struct incident *inc,
    const struct incident_act *a)
{
	struct store *s = h->store;
	int page = a->type == INC_ACT_PAGE;
	int plain = page && strcmp(a->text, "step") == 0;

	outbox_page(h, inc, a->person, a->step, page ? PROTO_PAGE_PAGE :
	    PROTO_PAGE_CANCEL, a->text);
	if (page)
		log_info("incident %" PRId64 ": page %s step %u%s%s (event %s)",
		    inc->id, a->person, a->step, plain ? "" : ", ",
		    plain ? "" : a->text, inc->event);
	else
		log_info("incident %" PRId64 ": cancel %s, %s (event %s)",
		    inc->id, a->person, a->text, inc->event);
	if (!page)
		engine_check(h, store_page_outcome(s, inc->id, a->person,
		    "cancelled"), "page");
	engine_check(h, store_page_add(s, inc->id, a->person, a->step,
	    page ? "page" : "cancel", h->cx.now_ms, a->text), "page");
}

/* An acknowledgement or a decline: the page's outcome, and the ack. */
static void
engine_act_answer(struct hub *h, struct incident *inc,
    const struct incident_act *a)
{
	int ack = a->type == INC_ACT_ACK;

	log_info("incident %" PRId64 ": %s %s, %s (event %s)", inc->id,
	    ack ? "ack" : "decline", a->person, a->text, inc->event);
	engine_check(h, store_page_outcome(h->store, inc->id, a->person,
	    ack ? "acked" : "declined"), "page");
	if (ack)
		engine_check(h, store_ack_add(h->store, inc->id, a->person,
		    a->step, h->cx.now_ms), "ack");
}

/* Carry out one action. Log lines name the incident and the event that
 * opened it, so one grep follows a press from button to page. */
static void
engine_act(struct hub *h, struct incident *inc, const struct incident_act *a)
{
	struct proto_feedback fb;

	switch (a->type) {
	case INC_ACT_PAGE:
	case INC_ACT_CANCEL:
		engine_act_page(h, inc, a);
		return;
	case INC_ACT_ACK:
	case INC_ACT_DECLINE:
		engine_act_answer(h, inc, a);
		return;
	case INC_ACT_STATE:
		outbox_state_of(inc, &fb);
		outbox_feedback(h, inc->counter, &fb);
		outbox_incident(h, inc);
		break;
	case INC_ACT_CLOSE:
		outbox_incident_clear(h, inc->id);
		break;
	case INC_ACT_NOTE:
		break;
	}
	log_info("incident %" PRId64 ": %s (event %s)", inc->id, a->text,
	    inc->event);
	engine_store_note(h, inc, a->type == INC_ACT_NOTE ? "note" : "state",
	    a->text);
}

/* Carry out the actions of the last input, save the incident, re-arm. */
static void
engine_apply(struct hub *h, struct hub_inc *hi)
{
	for (unsigned i = 0; i < h->cx.nacts; i++)
		engine_act(h, &hi->inc, &h->cx.acts[i]);
	h->cx.nacts = 0;
	engine_check(h, store_incident_save(h->store, &hi->inc), "incident");
	hi->saved = 1;
	engine_sync(h, hi, h->cx.now_ms, h->cx_mono_ms);
}

static void
engine_receipt(struct hub *h, const struct proto_event *ev, int64_t incident,
    int duplicate, const struct incident *inc)
{
	struct proto_feedback *fb;

	if (h->nreceipts == HUB_RECEIPTS_MAX)
		return;	/* the board re-sends; it will get one then */
	fb = &h->receipts[h->nreceipts];
	if (inc)
		outbox_state_of(inc, fb);
	else
		memset(fb, 0, sizeof *fb);
	fb->type = PROTO_FEEDBACK_RECEIPT;
	snprintf(fb->event, sizeof fb->event, "%s", ev->id);
	if (incident)
		snprintf(fb->incident, sizeof fb->incident, "%" PRId64, incident);
	else
		fb->incident[0] = '\0';
	fb->duplicate = duplicate;
	snprintf(fb->problem, sizeof fb->problem, "%s", h->event_problem);
	fb->at_ms = clock_wall_ms();
	snprintf(h->receipt_counter[h->nreceipts], PROTO_ID_MAX, "%s",
	    ev->counter);
	h->nreceipts++;
}

/* A press that opens or joins an incident; returns it (NULL: out of
 * memory, the press is not receipted and the board will send it again). */
static struct hub_inc *
engine_press(struct hub *h, const struct proto_event *ev,
    struct incident_ctx *cx)
{
	struct hub_inc *hi = engine_find_counter(h, ev->counter);

	if (hi) {
		incident_join(&hi->inc, ev, cx);
		return hi;
	}
	if (!(hi = engine_new(h))) {
		log_warnx("event %s: out of memory", ev->id);
		return NULL;
	}
	if (h->next_id > h->ids_reserved)
		log_warnx("incident %" PRId64 ": beyond the ids reserved on disk"
		    " (%" PRId64 "); a crash before the next commit could reuse"
		    " it", h->next_id, h->ids_reserved);
	incident_open(&hi->inc, h->next_id++, ev, cx);
	if (h->board_offset)
		hi->inc.board_offset_known = h->board_offset(h, ev->counter,
		    &hi->inc.board_offset_ms) == 1;
	return hi;
}

/* Hand ev to the incident it concerns, set in *hi (NULL when it concerns
 * none: a fault, a cancel with nothing open). Returns -1 if a press could
 * not be taken on: it gets no receipt, so the board sends it again. */
static int
engine_dispatch(struct hub *h, const struct proto_event *ev,
    struct incident_ctx *cx, struct hub_inc **hi)
{
	*hi = NULL;
	switch (ev->kind) {
	case PROTO_KIND_HELP:
	case PROTO_KIND_EMERGENCY:
	case PROTO_KIND_TEST:
		return (*hi = engine_press(h, ev, cx)) ? 0 : -1;
	case PROTO_KIND_CANCEL:
	case PROTO_KIND_ARRIVED:
		if (!(*hi = engine_find_counter(h, ev->counter)))
			log_info("event %s: %s with no open incident at %s",
			    ev->id, proto_kind_name(ev->kind), ev->counter);
		else if (ev->kind == PROTO_KIND_CANCEL)
			incident_cancel(&(*hi)->inc, cx);
		else
			incident_arrived(&(*hi)->inc, cx);
		return 0;
	case PROTO_KIND_FAULT:
	case PROTO_KIND_FAULT_CLEARED:
	case PROTO_KIND_COUNT:
		supervise_fault(h, ev);
		break;
	}
	return 0;
}

/* An event row of a turn not yet committed, by event id; NULL if none. */
static struct hub_evrow *
engine_evrow_find(struct hub *h, const char *id)
{
	for (unsigned i = 0; i < h->nevrows; i++)
		if (strcmp(h->evrows[i].ev.id, id) == 0)
			return &h->evrows[i];
	return NULL;
}

static void
engine_evrow_add(struct hub *h, const struct proto_event *ev,
    int64_t incident, int64_t received_ms)
{
	struct hub_evrow *r;

	if (h->nevrows == HUB_EVROWS_MAX) {
		/* only if commits keep failing: a re-send is then new again */
		log_warnx("event %s: too many events awaiting a commit", ev->id);
		return;
	}
	r = &h->evrows[h->nevrows++];
	r->ev = *ev;
	r->incident = incident;
	r->received_ms = received_ms;
	r->written = 1;
}

/* A re-send of an event already handled: the receipt again, with the
 * state of its incident — from memory, or once the incident is over and
 * gone from memory, from the store. Never a made-up state: without one the
 * board gets no receipt and sends again. */
static void
engine_duplicate(struct hub *h, const struct proto_event *ev, int64_t seen)
{
	struct hub_inc *hi = seen ? engine_find_id(h, seen) : NULL;
	struct incident inc;
	int rc;

	h->stats.duplicates++;
	log_info("event %s: duplicate (attempt %u), receipt again", ev->id,
	    ev->attempt);
	if (!seen || hi) {
		engine_receipt(h, ev, seen, 1, hi ? &hi->inc : NULL);
		return;
	}
	if ((rc = store_incident_load(h->store, seen, &inc)) == 1) {
		engine_receipt(h, ev, seen, 1, &inc);
		return;
	}
	log_warnx("event %s: incident %" PRId64 " %s: no receipt", ev->id,
	    seen, rc < 0 ? store_errmsg(h->store) : "not found");
}

void
engine_event(struct hub *h, const struct proto_event *ev)
{
	struct incident_ctx *cx = engine_ctx(h);
	struct hub_inc *hi;
	struct hub_evrow *r;
	int64_t seen = 0, id;
	int rc = store_event_find(h->store, ev->id, &seen);

	h->stats.events++;
	if (rc != 1 && (r = engine_evrow_find(h, ev->id)) != NULL) {
		/* handled in a turn whose commit failed: the receipt waits
		 * for the commit that writes it again */
		rc = 1;
		seen = r->incident;
	}
	if (rc == 1) {
		engine_duplicate(h, ev, seen);
		return;
	}
	/* On a lookup error the press is handled as new: a second page beats
	 * a press that reaches nobody. */
	engine_check(h, rc, "event lookup");
	if (engine_dispatch(h, ev, cx, &hi) < 0)
		return;
	id = hi ? hi->inc.id : 0;
	engine_receipt(h, ev, id, 0, hi ? &hi->inc : NULL);
	/* Pages go out from memory inside engine_apply; the rows reach the
	 * disk at the end of this loop iteration, and the receipt after. The
	 * incident row goes first: the event row refers to it. */
	if (hi)
		engine_apply(h, hi);
	engine_check(h, store_event_add(h->store, ev, id, cx->now_ms), "event");
	engine_evrow_add(h, ev, id, cx->now_ms);
}

void
engine_reply(struct hub *h, const struct proto_reply *rp)
{
	struct incident_ctx *cx = engine_ctx(h);
	char *end;
	int64_t id = strtoll(rp->incident, &end, 10);
	struct hub_inc *hi = *end ? NULL : engine_find_id(h, id);

	h->stats.replies++;
	if (!hi || !incident_is_open(&hi->inc)) {
		log_info("reply: %s from %s for incident %s, which is not open",
		    proto_action_name(rp->action), rp->person, rp->incident);
		return;
	}
	incident_reply(&hi->inc, rp, cx);
	engine_apply(h, hi);
}

void
engine_timer(struct hub *h, struct hub_inc *hi)
{
	incident_timer_fired(&hi->inc, engine_ctx(h));
	engine_apply(h, hi);
}

void
engine_counter_state(struct hub *h, const char *counter)
{
	struct hub_inc *last = NULL;
	struct proto_feedback fb;
	struct incident inc;
	int rc;

	/* the latest in memory: the open one, or one closed this turn */
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next)
		if (strcmp(hi->inc.counter, counter) == 0 &&
		    (!last || hi->inc.id > last->inc.id))
			last = hi;
	if (last) {
		outbox_state_of(&last->inc, &fb);
	} else if ((rc = store_incident_last(h->store, counter, &inc)) == 1) {
		outbox_state_of(&inc, &fb);
	} else {
		if (rc < 0)
			log_warnx("counter %s: last incident: %s", counter,
			    store_errmsg(h->store));
		return;		/* never had one: nothing to show */
	}
	log_info("counter %s: online, desk told incident %s is %s", counter,
	    fb.incident, proto_istate_name(fb.state));
	outbox_feedback(h, counter, &fb);
}

void
engine_attempt(struct hub *h, const struct store_attempt *a,
    const char *next)
{
	struct hub_inc *hi = engine_find_id(h, a->incident);

	engine_begin(h);
	engine_check(h, store_page_attempt(h->store, a), "page");
	log_info("incident %" PRId64 ": page %s step %u on %s: %s%s%s%s, "
	    "attempt %u, %" PRId64 " ms%s%s (event %s)", a->incident, a->person,
	    a->step, a->channel, a->outcome, a->detail && a->detail[0] ?
	    " (" : "", a->detail ? a->detail : "", a->detail && a->detail[0] ?
	    ")" : "", a->attempt, a->latency_ms, next[0] ? "; " : "", next,
	    hi ? hi->inc.event : "?");
}

uint32_t
engine_page_step(struct hub *h, int64_t incident, const char *person)
{
	struct hub_inc *hi = engine_find_id(h, incident);
	struct incident_person *p;

	if (!hi || !incident_is_open(&hi->inc) ||
	    !(p = incident_person_find(&hi->inc, person)))
		return 0;
	if (!(p->flags & INC_P_PAGED) || (p->flags & INC_P_ACKED) ||
	    p->step != hi->inc.step)
		return 0;
	return p->step;
}

void
engine_unreachable(struct hub *h, int64_t incident)
{
	struct hub_inc *hi = engine_find_id(h, incident);
	unsigned paged = 0;

	if (!hi || !incident_is_open(&hi->inc))
		return;
	for (unsigned i = 0; i < hi->inc.npeople; i++) {
		const struct incident_person *p = &hi->inc.people[i];

		if (!(p->flags & INC_P_PAGED) || (p->flags & INC_P_ACKED) ||
		    p->step != hi->inc.step)
			continue;
		if (notify_reachable(h, incident, p->id))
			return;
		paged++;
	}
	if (paged && incident_step_failed(&hi->inc, engine_ctx(h)))
		engine_apply(h, hi);
}

/* Write again what a failed commit rolled back: the incidents' rows in
 * full, then the event rows (which refer to them). */
static void
engine_rewrite(struct hub *h)
{
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next) {
		if (!hi->unsaved || hi->saved)
			continue;
		engine_begin(h);
		engine_check(h, store_incident_save(h->store, &hi->inc),
		    "incident");
		hi->saved = 1;
	}
	for (unsigned i = 0; i < h->nevrows; i++) {
		struct hub_evrow *r = &h->evrows[i];

		if (r->written)
			continue;
		engine_begin(h);
		engine_check(h, store_event_add(h->store, &r->ev, r->incident,
		    r->received_ms), "event");
		r->written = 1;
	}
}

void
engine_store_health(struct hub *h, int failing)
{
	if (h->store_failing == failing)
		return;
	h->store_failing = failing;
	if (mqtt_is_connected(h->mqtt))
		outbox_hub_status(h, 1);
	outbox_maint_channel(h, failing ? PROTO_MAINT_ALERT : PROTO_MAINT_NOTICE,
	    "store", "hub database", failing ?
	    "the hub cannot write its database (a full or failing disk?): "
	    "calls are still paged, but not recorded until it can" :
	    "the hub writes its database again; what it held is recorded");
}

/* The commit failed and rolled back: nothing of this turn is stored. The
 * calls were paged all the same: the boards get a provisional receipt,
 * which shows the desk that help is being called and stops the sounder,
 * but keeps the press in their outbox until a commit stores it. */
static void
engine_failed(struct hub *h)
{
	h->stats.failed_commits++;
	log_warnx("store: %s; %u provisional receipts, writing again in %d ms",
	    store_errmsg(h->store), h->nreceipts, HUB_RETRY_MS);
	for (unsigned i = 0; i < h->nreceipts; i++) {
		h->receipts[i].provisional = 1;
		outbox_feedback(h, h->receipt_counter[i], &h->receipts[i]);
	}
	h->nreceipts = 0;
	engine_store_health(h, 1);
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next) {
		if (hi->saved)
			hi->unsaved = 1;
		hi->saved = 0;
	}
	for (unsigned i = 0; i < h->nevrows; i++)
		h->evrows[i].written = 0;
	if (timers_arm(&h->timers, &h->retry, clock_mono_ms() +
	    HUB_RETRY_MS) < 0)
		log_warnx("store: cannot arm the retry timer");
}

/* Everything in memory is stored: closed incidents leave memory. */
static void
engine_committed(struct hub *h)
{
	struct hub_inc **pp = &h->incidents;

	h->nevrows = 0;
	timers_disarm(&h->timers, &h->retry);
	while (*pp) {
		struct hub_inc *hi = *pp;

		hi->saved = hi->unsaved = 0;
		if (incident_is_open(&hi->inc)) {
			pp = &hi->next;
			continue;
		}
		*pp = hi->next;
		timers_disarm(&h->timers, &hi->timer);
		free(hi);
	}
}

void
engine_commit(struct hub *h)
{
	int64_t want = 0;
	int wrote;

	engine_rewrite(h);
	wrote = store_in_tx(h->store);
	if (store_commit(h->store) < 0) {
		/* without a commit no receipt: the boards send again */
		engine_failed(h);
		return;
	}
	engine_committed(h);
	/* only a commit that wrote something says the store is well */
	if (wrote)
		engine_store_health(h, 0);
	/* keep ids reserved ahead, committed before they are used: at least
	 * a whole turn's worth (hub.h) at the start of the next turn */
	if (h->ids_reserved - h->next_id + 1 < HUB_MSGS_PER_TURN)
		want = h->next_id - 1 + HUB_IDS_BLOCK;
	if (!h->nreceipts && !want)
		return;
	/* the receipts' own log rows, in one more transaction */
	engine_begin(h);
	if (want)
		engine_check(h, store_meta_put(h->store, HUB_IDS_KEY, want),
		    "ids");
	for (unsigned i = 0; i < h->nreceipts; i++)
		outbox_feedback(h, h->receipt_counter[i], &h->receipts[i]);
	h->nreceipts = 0;
	if (store_commit(h->store) < 0)
		log_warnx("store: %s", store_errmsg(h->store));
	else if (want)
		h->ids_reserved = want;
}

/* Put a stored incident back in memory; it is paged again and its timer
 * armed once the broker is back (engine_connected). */
static int
engine_restore_one(void *arg, const struct incident *inc)
{
	struct hub *h = arg;
	struct hub_inc *hi = engine_new(h);
	int64_t now = clock_wall_ms();
	char d[32];

	if (!hi)
		return -1;
	hi->inc = *inc;
	hi->restored = 1;
	log_info("incident %" PRId64 ": restored at step %u, state %s, %s in "
	    "%s (event %s)", inc->id, inc->step ? inc->step : 1,
	    proto_istate_name(inc->state), incident_timer_name(inc->timer),
	    clock_fmt_duration(inc->due_ms > now ? inc->due_ms - now : 0, d,
	    sizeof d), inc->event);
	return 0;
}

int
engine_restore(struct hub *h)
{
	int64_t max = store_incident_max_id(h->store), reserved = 0;
	int64_t want;

	if (max < 0 || store_meta_get(h->store, HUB_IDS_KEY, &reserved) < 0)
		return -1;
	/* Ids after the last stored one up to the reservation may have been
	 * published by a hub that died before its commit: never reuse them,
	 * and clear their retained state once connected. */
	h->next_id = (reserved > max ? reserved : max) + 1;
	h->stale_from = max + 1;
	h->stale_to = reserved < max + 2 * HUB_IDS_BLOCK ? reserved :
	    max + 2 * HUB_IDS_BLOCK;
	want = h->next_id - 1 + HUB_IDS_BLOCK;
	if (store_begin(h->store) < 0 ||
	    store_meta_put(h->store, HUB_IDS_KEY, want) < 0 ||
	    store_commit(h->store) < 0) {
		store_commit(h->store);
		/* A full or read-only disk must not keep the hub from paging:
		 * run on from memory; engine_commit reserves the ids once the
		 * database takes writes again. */
		log_warnx("store: %s: cannot write (%s); running on, incidents "
		    "are held in memory until it can", h->conf->database,
		    store_errmsg(h->store));
		want = h->next_id - 1;
	}
	h->ids_reserved = want;
	h->retry.kind = HUB_TIMER_RETRY;
	h->retry.owner = h;
	return store_incident_each_open(h->store, engine_restore_one, h);
}

void
engine_connected(struct hub *h)
{
	struct incident_ctx *cx;

	if (h->connected_once)
		return;
	h->connected_once = 1;
	cx = engine_ctx(h);
	if (h->stale_from <= h->stale_to) {
		log_info("incidents %" PRId64 "-%" PRId64 ": never stored, their"
		    " retained state is cleared", h->stale_from, h->stale_to);
		for (int64_t id = h->stale_from; id <= h->stale_to; id++)
			outbox_incident_clear(h, id);
	}
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next) {
		if (!hi->restored)
			continue;
		hi->restored = 0;
		incident_restore(&hi->inc, cx);
		engine_apply(h, hi);
	}
}

void
engine_stop(struct hub *h)
{
	int64_t used = h->next_id - 1;

	/* only when everything is stored: otherwise the next start must
	 * still skip (and clear) the ids not stored */
	if (h->nevrows || h->ids_reserved <= used)
		return;
	for (struct hub_inc *hi = h->incidents; hi; hi = hi->next)
		if (hi->unsaved)
			return;
	if (store_begin(h->store) < 0 ||
	    store_meta_put(h->store, HUB_IDS_KEY, used) < 0 ||
	    store_commit(h->store) < 0) {
		store_commit(h->store);
		log_warnx("store: %s", store_errmsg(h->store));
		return;
	}
	h->ids_reserved = used;
}

void
engine_free(struct hub *h)
{
	while (h->incidents)
		engine_drop(h, h->incidents);
}
