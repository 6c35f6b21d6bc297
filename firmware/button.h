/* button.h: one desk button as a pure state machine — physical line levels
 * with timestamps in, debounced gestures out. No I/O; time is passed in as
 * CLOCK_MONOTONIC nanoseconds, so tests can replay any edge sequence. */
#ifndef COUNTERD_BUTTON_H
#define COUNTERD_BUTTON_H

#include <stdint.h>

#include "proto.h"

#define BUTTON_KIND_NONE	(-1)	/* a gesture that raises nothing */
#define BUTTON_EV_MAX		4	/* most events one call can return */

/* How a button is wired and what its gestures mean. Times in ms. */
struct button_spec {
	int active_low;		/* a closed contact pulls the line low */
	int normally_closed;	/* contact is closed at rest, opens on press */
	int debounce_ms;	/* the level must be stable this long */
	int long_ms;		/* held this long: a long press */
	int double_ms;		/* 0: no double press; else max gap */
	int stuck_ms;		/* held this long: a fault, not a press */
	int kind_short;		/* enum proto_kind or BUTTON_KIND_NONE */
	int kind_long;
	int kind_double;
};

/* What the state machine reports. upgrade: this event belongs to the same
 * gesture as the last non-fault event the button raised (a long hold or a
 * second press upgrading the first press); the caller links their ids. */
struct button_event {
	enum proto_gesture gesture;	/* PRESS, LONG, DOUBLE, HELD, RELEASED */
	enum proto_kind kind;
	int upgrade;
	int64_t t_ns;			/* when the press began */
	int64_t held_ns;		/* LONG/HELD: limit; RELEASED: total; else -1 */
};

struct button {
	struct button_spec spec;
	int raw;			/* last pressed/released seen (undebounced) */
	int pressed;			/* debounced */
	int64_t now_ns;			/* latest time processed */
	int64_t last_edge_ns;		/* last raw change */
	int64_t burst_ns;		/* first raw change away from `pressed` */
	int64_t press_ns;		/* debounced press began */
	int64_t release_ns;		/* last debounced release, -1 if none */
	int long_done, stuck_done;
	int quiet;			/* held since start: raises nothing */
	int raised;			/* this press raised an event */
	int is_double;			/* this press is a double's second */
	int double_ok;			/* the last press may begin a double */
	int prev_raised;		/* ... and raised an event to upgrade */
};

/* The physical line level for a pressed (1) or released (0) contact; the
 * same XOR maps a level back to pressed. */
int button_level(const struct button_spec *s, int pressed);

/* Start a button from the line's current physical level at now_ns. A button
 * already held at start raises nothing, but still becomes a fault if held
 * past stuck_ms (a board that reboots must not re-raise a stuck button). */
void button_init(struct button *b, const struct button_spec *s, int level,
    int64_t now_ns);

/* Feed one edge: the physical level after it, at t_ns. Timers due before
 * t_ns fire first. An edge that does not change the level (a mislabelled or
 * repeated edge) is ignored, so feeding the line's current value after a
 * batch reconciles lost edges. Earlier times than already seen are taken as
 * the latest time. Writes up to BUTTON_EV_MAX events to out; returns how
 * many. */
int button_feed(struct button *b, int level, int64_t t_ns,
    struct button_event *out);

/* Fire what is due at now_ns (debounce settle, long press, stuck). Returns
 * the number of events written to out (at most BUTTON_EV_MAX). */
int button_tick(struct button *b, int64_t now_ns, struct button_event *out);

/* The next time button_tick has work, or -1 when none is pending. */
int64_t button_next_deadline(const struct button *b);

/* 1 while the debounced state is pressed and past stuck_ms. */
int button_faulted(const struct button *b);

#endif
