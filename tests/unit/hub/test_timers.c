/* test_timers.c: the deadline heap — earliest first, FIFO among equals,
 * moving and disarming armed timers, against a brute-force model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "timers.h"

#define N 200

static void
test_order(void **state)
{
	static const int64_t due[] = { 50, 10, 30, 10, 70, 0, 30 };
	static const int want[] = { 5, 1, 3, 2, 6, 0, 4 };	/* FIFO on ties */
	struct timer tm[7] = { 0 };
	struct timers t;
	struct timer *x;

	(void)state;
	timers_init(&t);
	assert_null(timers_peek(&t));
	for (int i = 0; i < 7; i++) {
		tm[i].kind = i;
		assert_int_equal(timers_arm(&t, &tm[i], due[i]), 0);
	}
	assert_null(timers_pop_due(&t, -1));
	assert_ptr_equal(timers_peek(&t), &tm[5]);
	for (int i = 0; i < 7; i++) {
		x = timers_pop_due(&t, 100);
		assert_non_null(x);
		assert_int_equal(x->kind, want[i]);
		assert_false(timers_armed(x));
	}
	assert_null(timers_pop_due(&t, 1000));
	timers_free(&t);
}

static void
test_move_and_disarm(void **state)
{
	struct timer a = { 0 }, b = { 0 }, c = { 0 };
	struct timers t;

	(void)state;
	timers_init(&t);
	timers_arm(&t, &a, 100);
	timers_arm(&t, &b, 200);
	timers_arm(&t, &c, 300);
	timers_arm(&t, &c, 50);		/* moved earlier */
	assert_ptr_equal(timers_peek(&t), &c);
	timers_arm(&t, &c, 400);	/* and later */
	assert_ptr_equal(timers_peek(&t), &a);
	timers_disarm(&t, &a);
	timers_disarm(&t, &a);		/* harmless twice */
	assert_false(timers_armed(&a));
	assert_ptr_equal(timers_pop_due(&t, 1000), &b);
	assert_ptr_equal(timers_pop_due(&t, 399), NULL);
	assert_ptr_equal(timers_pop_due(&t, 400), &c);
	assert_null(timers_peek(&t));
	timers_free(&t);
}

/* Random arms, moves and disarms, checked against a linear scan. */
static void
test_random_against_model(void **state)
{
	static struct timer tm[N];
	struct timers t;

	(void)state;
	srandom(42);
	timers_init(&t);
	for (int round = 0; round < 5000; round++) {
		struct timer *x = &tm[random() % N], *best = NULL;

		if (random() % 4 == 0)
			timers_disarm(&t, x);
		else
			assert_int_equal(timers_arm(&t, x, random() % 1000), 0);
		for (int i = 0; i < N; i++)
			if (timers_armed(&tm[i]) && (!best ||
			    tm[i].due_ms < best->due_ms ||
			    (tm[i].due_ms == best->due_ms && tm[i].seq < best->seq)))
				best = &tm[i];
		assert_ptr_equal(timers_peek(&t), best);
	}
	for (int64_t last = -1, i = 0; timers_peek(&t); i++) {
		struct timer *x = timers_pop_due(&t, 1000);

		assert_true(x->due_ms >= last);
		last = x->due_ms;
	}
	timers_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_move_and_disarm),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
