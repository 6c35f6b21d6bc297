/* test_panicctl_stats.c: medians, nearest-rank percentiles and maxima of
 * tools/stats.c, table-driven, against values worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "stats.h"

static void
fill(struct stats *s, const int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(stats_add(s, v[i]), 0);
	stats_sort(s);
}

static void
test_empty_has_none(void **state)
{
	struct stats s = { 0 };
	int64_t v;

	(void)state;
	stats_sort(&s);
	assert_int_equal(stats_median(&s, &v), -1);
	assert_int_equal(stats_percentile(&s, 90, &v), -1);
	assert_int_equal(stats_max(&s, &v), -1);
	stats_free(&s);
}

static void
test_order_statistics(void **state)
{
	static const struct {
		int64_t v[12];
		size_t n;
		int64_t median, p90, max;
	} cases[] = {
		{ { 42 }, 1, 42, 42, 42 },
		{ { 30, 10 }, 2, 20, 30, 30 },
		{ { 5, 1, 3 }, 3, 3, 5, 5 },
		/* even count: the mean of the middle two, rounded down */
		{ { 1000, 2000, 4000, 7001 }, 4, 3000, 7001, 7001 },
		{ { 1, 2 }, 2, 1, 2, 2 },
		/* ten values: p90 is the 9th (ceil(0.9 * 10)) */
		{ { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, 10, 5, 9, 10 },
		/* eleven: ceil(9.9) = the 10th */
		{ { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 11, 6, 10, 11 },
		/* ties and unsorted input */
		{ { 60000, 1200, 1200, 61000, 1200 }, 5, 1200, 61000, 61000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct stats s = { 0 };
		int64_t v;

		fill(&s, cases[i].v, cases[i].n);
		assert_int_equal(stats_median(&s, &v), 0);
		assert_int_equal(v, cases[i].median);
		assert_int_equal(stats_percentile(&s, 90, &v), 0);
		assert_int_equal(v, cases[i].p90);
		assert_int_equal(stats_max(&s, &v), 0);
		assert_int_equal(v, cases[i].max);
		stats_free(&s);
	}
}

static void
test_percentile_bounds(void **state)
{
	static const int64_t v[] = { 4, 1, 3, 2 };
	struct stats s = { 0 };
	int64_t out;

	(void)state;
	fill(&s, v, 4);
	assert_int_equal(stats_percentile(&s, 0, &out), 0);
	assert_int_equal(out, 1);
	assert_int_equal(stats_percentile(&s, 50, &out), 0);
	assert_int_equal(out, 2);
	assert_int_equal(stats_percentile(&s, 100, &out), 0);
	assert_int_equal(out, 4);
	assert_int_equal(stats_percentile(&s, 101, &out), -1);
	stats_free(&s);
}

/* The median of two huge values must not overflow. */
static void
test_no_overflow(void **state)
{
	static const int64_t v[] = { INT64_MAX - 1, INT64_MAX - 3 };
	struct stats s = { 0 };
	int64_t out;

	(void)state;
	fill(&s, v, 2);
	assert_int_equal(stats_median(&s, &out), 0);
	assert_true(out == INT64_MAX - 2);
	stats_free(&s);
}

/* Many values: the growth path, and the sort, on a known permutation. */
static void
test_many(void **state)
{
	struct stats s = { 0 };
	int64_t out;

	(void)state;
	for (int64_t i = 0; i < 100000; i++)
		assert_int_equal(stats_add(&s, (i * 7919) % 100000), 0);
	stats_sort(&s);
	assert_int_equal(stats_median(&s, &out), 0);
	assert_int_equal(out, 49999);
	assert_int_equal(stats_percentile(&s, 90, &out), 0);
	assert_int_equal(out, 89999);
	assert_int_equal(stats_max(&s, &out), 0);
	assert_int_equal(out, 99999);
	stats_free(&s);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Large groups take the radix sort: the same order as qsort, negatives,
 * extremes, ties and values sharing their high bytes included. */
static void
test_radix_matches_qsort(void **state)
{
	enum { N = 5000 };
	struct stats s = { 0 };
	int64_t *want = malloc(N * sizeof *want);
	uint64_t x = 88172645463325252ULL;

	(void)state;
	assert_non_null(want);
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* mostly durations, some anything at all */
		want[i] = i % 7 ? (int64_t)(x % 600000) : (int64_t)x;
	}
	want[0] = INT64_MIN;
	want[1] = INT64_MAX;
	want[2] = -1;
	want[3] = 0;
	fill(&s, want, N);
	qsort(want, N, sizeof *want, cmp64);
	for (size_t i = 0; i < N; i++)
		assert_true(s.v[i] == want[i]);
	stats_free(&s);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_has_none),
		cmocka_unit_test(test_order_statistics),
		cmocka_unit_test(test_percentile_bounds),
		cmocka_unit_test(test_no_overflow),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_radix_matches_qsort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
