/* button.c: debounce and gesture classification for one button. A level
 * change counts once it has been stable for debounce_ms; the press is then
 * raised at once and a long hold or a quick second press upgrades it. */
#include "button.h"

#include <assert.h>

#define MS	1000000LL	/* ns per ms */

int
button_level(const struct button_spec *s, int pressed)
{
	return (pressed ? 1 : 0) ^ (s->active_low ? 1 : 0) ^
	    (s->normally_closed ? 1 : 0);
}

void
button_init(struct button *b, const struct button_spec *s, int level,
    int64_t now_ns)
{
	*b = (struct button){ .spec = *s };
	b->raw = b->pressed = button_level(s, level);
	b->now_ns = b->burst_ns = now_ns;
	b->last_edge_ns = now_ns - s->debounce_ms * MS;	/* still already */
	b->press_ns = now_ns;
	b->release_ns = -1;
	b->quiet = b->pressed;
}

static int64_t
button_long_deadline(const struct button *b)
{
	if (b->quiet || b->long_done || b->stuck_done ||
	    b->spec.kind_long == BUTTON_KIND_NONE)
		return -1;
	return b->press_ns + b->spec.long_ms * MS;
}

static int64_t
button_stuck_deadline(const struct button *b)
{
	return b->stuck_done ? -1 : b->press_ns + b->spec.stuck_ms * MS;
}

/* When the line has been still for debounce_ms after its last edge. */
static int64_t
button_still_at(const struct button *b)
{
	return b->last_edge_ns + b->spec.debounce_ms * MS;
}

/* The earlier of the long and stuck timers (*is_long says which), held
 * back while the line is still bouncing: a hold that ends in a release
 * burst is measured when the release settles, not cut short by a timer. */
static int64_t
button_timer(const struct button *b, int *is_long)
{
	int64_t l = button_long_deadline(b), s = button_stuck_deadline(b), d;

	*is_long = l >= 0 && (s < 0 || l <= s);
	d = *is_long ? l : s;
	if (d >= 0 && d < button_still_at(b))
		d = button_still_at(b);
	return d;
}

int64_t
button_next_deadline(const struct button *b)
{
	int is_long;

	if (b->raw != b->pressed)
		return button_still_at(b);
	if (!b->pressed)
		return -1;
	return button_timer(b, &is_long);
}

static int
button_emit(struct button_event *out, int n, enum proto_gesture g, int kind,
    int upgrade, int64_t t_ns, int64_t held_ns)
{
	assert(n < BUTTON_EV_MAX);
	out[n] = (struct button_event){ .gesture = g,
	    .kind = (enum proto_kind)kind, .upgrade = upgrade, .t_ns = t_ns,
	    .held_ns = held_ns };
	return n + 1;
}

/* The debounced state became pressed; the press began at burst_ns. */
static int
button_settle_press(struct button *b, struct button_event *out, int n)
{
	const struct button_spec *s = &b->spec;
	int dbl = s->kind_double != BUTTON_KIND_NONE && s->double_ms > 0 &&
	    b->double_ok && b->burst_ns - b->release_ns <= s->double_ms * MS;

	b->press_ns = b->burst_ns;
	b->long_done = b->stuck_done = b->quiet = 0;
	b->is_double = dbl;
	b->double_ok = 0;
	if (dbl) {
		b->raised = 1;
		return button_emit(out, n, PROTO_GESTURE_DOUBLE, s->kind_double,
		    b->prev_raised, b->press_ns, -1);
	}
	b->raised = s->kind_short != BUTTON_KIND_NONE;
	if (!b->raised)
		return n;
	return button_emit(out, n, PROTO_GESTURE_PRESS, s->kind_short, 0,
	    b->press_ns, -1);
}

/* The debounced state became released; the release began at burst_ns. */
static int
button_settle_release(struct button *b, struct button_event *out, int n)
{
	int64_t held = b->burst_ns - b->press_ns;

	b->release_ns = b->burst_ns;
	/* Only a short first press can begin a double; a third press starts
	 * afresh. */
	b->double_ok = !b->quiet && !b->long_done && !b->stuck_done &&
	    !b->is_double;
	b->prev_raised = b->raised;
	if (b->stuck_done)
		return button_emit(out, n, PROTO_GESTURE_RELEASED,
		    PROTO_KIND_FAULT_CLEARED, 0, b->press_ns, held);
	return n;
}

/* Fire the one piece of work that is due. */
static int
button_fire(struct button *b, struct button_event *out, int n)
{
	const struct button_spec *s = &b->spec;
	int linked = b->raised, is_long;

	if (b->raw != b->pressed) {
		b->pressed = b->raw;
		return b->pressed ? button_settle_press(b, out, n) :
		    button_settle_release(b, out, n);
	}
	button_timer(b, &is_long);
	if (is_long) {
		b->long_done = b->raised = 1;
		return button_emit(out, n, PROTO_GESTURE_LONG, s->kind_long,
		    linked, b->press_ns, (int64_t)s->long_ms * MS);
	}
	b->stuck_done = 1;
	return button_emit(out, n, PROTO_GESTURE_HELD, PROTO_KIND_FAULT, 0,
	    b->press_ns, (int64_t)s->stuck_ms * MS);
}

/* Fire everything due up to t, in time order. */
static int
button_advance(struct button *b, int64_t t, struct button_event *out)
{
	int64_t d;
	int n = 0;

	if (t < b->now_ns)
		t = b->now_ns;
	while ((d = button_next_deadline(b)) >= 0 && d <= t)
		n = button_fire(b, out, n);
	b->now_ns = t;
	return n;
}

int
button_feed(struct button *b, int level, int64_t t_ns,
    struct button_event *out)
{
	int n = button_advance(b, t_ns, out);
	int p = button_level(&b->spec, level);

	if (p == b->raw)
		return n;
	/* A change after a still line begins a burst; one within
	 * debounce_ms of the last edge continues it, even if the bounce
	 * touched the settled level in between. */
	if (b->raw == b->pressed && b->now_ns >= button_still_at(b))
		b->burst_ns = b->now_ns;
	b->raw = p;
	b->last_edge_ns = b->now_ns;
	return n;
}

int
button_tick(struct button *b, int64_t now_ns, struct button_event *out)
{
	return button_advance(b, now_ns, out);
}

int
button_faulted(const struct button *b)
{
	return b->pressed && b->stuck_done;
}
