/* timers.h: deadlines in a binary min-heap. A struct timer lives inside
 * its owner (an incident, a counter); the heap only points at it, so arming,
 * moving and disarming are O(log n) with no allocation per timer. */
#ifndef HUB_TIMERS_H
#define HUB_TIMERS_H

#include <stddef.h>
#include <stdint.h>

struct timer {
	int64_t due_ms;		/* CLOCK_MONOTONIC ms */
	int kind;		/* the owner's, to tell timers apart */
	void *owner;
	/* private */
	size_t slot;		/* heap index + 1; 0 when not armed */
	uint64_t seq;		/* arming order: equal deadlines fire FIFO */
};

struct timers {
	struct timer **heap;
	size_t n, cap;
	uint64_t seq;
};

void timers_init(struct timers *t);
/* Release the heap (not the timers, which their owners hold). */
void timers_free(struct timers *t);

/* Arm tm at due_ms, or move it there if armed. Returns 0, or -1 (ENOMEM)
 * with tm unchanged. */
int timers_arm(struct timers *t, struct timer *tm, int64_t due_ms);
/* Disarm tm; harmless if it is not armed. */
void timers_disarm(struct timers *t, struct timer *tm);
int timers_armed(const struct timer *tm);

/* The earliest timer, or NULL when none is armed. */
struct timer *timers_peek(const struct timers *t);
/* Remove and return the earliest timer if it is due at now_ms, else NULL. */
struct timer *timers_pop_due(struct timers *t, int64_t now_ms);

#endif
