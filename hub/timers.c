/* timers.c: the min-heap behind hubd's single timerfd. */
#include "timers.h"

#include <errno.h>
#include <stdlib.h>

void
timers_init(struct timers *t)
{
	t->heap = NULL;
	t->n = t->cap = 0;
	t->seq = 0;
}

void
timers_free(struct timers *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->heap[i]->slot = 0;
	free(t->heap);
	timers_init(t);
}

static int
timers_before(const struct timer *a, const struct timer *b)
{
	if (a->due_ms != b->due_ms)
		return a->due_ms < b->due_ms;
	return a->seq < b->seq;
}

static void
timers_place(struct timers *t, size_t i, struct timer *tm)
{
	t->heap[i] = tm;
	tm->slot = i + 1;
}

static void
timers_up(struct timers *t, size_t i)
{
	struct timer *tm = t->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timers_before(tm, t->heap[parent]))
			break;
		timers_place(t, i, t->heap[parent]);
		i = parent;
	}
	timers_place(t, i, tm);
}

static void
timers_down(struct timers *t, size_t i)
{
	struct timer *tm = t->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= t->n)
			break;
		if (c + 1 < t->n && timers_before(t->heap[c + 1], t->heap[c]))
			c++;
		if (!timers_before(t->heap[c], tm))
			break;
		timers_place(t, i, t->heap[c]);
		i = c;
	}
	timers_place(t, i, tm);
}

int
timers_arm(struct timers *t, struct timer *tm, int64_t due_ms)
{
	if (tm->slot) {
		tm->due_ms = due_ms;
		tm->seq = ++t->seq;
		timers_up(t, tm->slot - 1);
		timers_down(t, tm->slot - 1);
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct timer **h = realloc(t->heap, cap * sizeof *h);

		if (!h) {
			errno = ENOMEM;
			return -1;
		}
		t->heap = h;
		t->cap = cap;
	}
	tm->due_ms = due_ms;
	tm->seq = ++t->seq;
	timers_place(t, t->n++, tm);
	timers_up(t, t->n - 1);
	return 0;
}

void
timers_disarm(struct timers *t, struct timer *tm)
{
	struct timer *last;
	size_t i;

	if (!tm->slot)
		return;
	i = tm->slot - 1;
	tm->slot = 0;
	if (i == --t->n)
		return;
	/* The last entry fills the hole and sifts whichever way it must. */
	last = t->heap[t->n];
	timers_place(t, i, last);
	timers_up(t, i);
	timers_down(t, last->slot - 1);
}

int
timers_armed(const struct timer *tm)
{
	return tm->slot != 0;
}

struct timer *
timers_peek(const struct timers *t)
{
	return t->n ? t->heap[0] : NULL;
}

struct timer *
timers_pop_due(struct timers *t, int64_t now_ms)
{
	struct timer *tm = timers_peek(t);

	if (!tm || tm->due_ms > now_ms)
		return NULL;
	timers_disarm(t, tm);
	return tm;
}
