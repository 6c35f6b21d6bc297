/* stats.c: median, nearest-rank percentiles and maximum over a sorted
 * array. Reports sort once per group: O(n log n) over all incidents. */
#include "stats.h"

#include <stdlib.h>

int
stats_add(struct stats *s, int64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		int64_t *nv = realloc(s->v, cap * sizeof *nv);

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sorted = 0;
	return 0;
}

static int
stats_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void
stats_sort(struct stats *s)
{
	if (!s->sorted && s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, stats_cmp);
	s->sorted = 1;
}

int
stats_median(const struct stats *s, int64_t *out)
{
	int64_t a, b;

	if (!s->n)
		return -1;
	a = s->v[(s->n - 1) / 2];
	b = s->v[s->n / 2];
	/* a + (b - a) / 2 cannot overflow where (a + b) / 2 could */
	*out = a + (b - a) / 2;
	return 0;
}

int
stats_percentile(const struct stats *s, int pct, int64_t *out)
{
	size_t rank;

	if (!s->n || pct < 0 || pct > 100)
		return -1;
	/* nearest rank: ceil(pct / 100 * n), at least 1 */
	rank = ((size_t)pct * s->n + 99) / 100;
	*out = s->v[rank ? rank - 1 : 0];
	return 0;
}

int
stats_max(const struct stats *s, int64_t *out)
{
	if (!s->n)
		return -1;
	*out = s->v[s->n - 1];
	return 0;
}

void
stats_free(struct stats *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
	s->sorted = 0;
}
