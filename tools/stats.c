/* stats.c: median, nearest-rank percentiles and maximum over a sorted
 * array. Reports sort once per group: O(n log n) over all incidents. */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

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

/* LSD radix sort, a byte a pass, of the values as unsigned keys with the
 * sign bit flipped (so negatives sort first). A year's report sorts a
 * million durations: qsort's calls through a comparator cost more than
 * the eight passes, and a pass whose byte is the same everywhere (the
 * high bytes of durations) is skipped. tmp holds n values. */
static void
stats_radix(int64_t *v, int64_t *tmp, size_t n)
{
	int64_t *src = v, *dst = tmp;

	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, pos = 0;
		uint64_t flip = (uint64_t)1 << 63;

		for (size_t i = 0; i < n; i++)
			count[(((uint64_t)src[i] ^ flip) >> shift) & 0xff]++;
		if (count[(((uint64_t)src[0] ^ flip) >> shift) & 0xff] == n)
			continue;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(((uint64_t)src[i] ^ flip) >> shift) & 0xff]++] =
			    src[i];
		src = dst;
		dst = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
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
	int64_t *tmp;

	if (!s->sorted && s->n > 1) {
		/* small groups, or no memory for the radix: qsort */
		if (s->n >= 256 && (tmp = malloc(s->n * sizeof *tmp)) != NULL) {
			stats_radix(s->v, tmp, s->n);
			free(tmp);
		} else {
			qsort(s->v, s->n, sizeof *s->v, stats_cmp);
		}
	}
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
