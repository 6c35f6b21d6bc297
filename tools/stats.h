/* stats.h: order statistics of durations for reports — a growable array of
 * values, sorted once, then median, percentiles and maximum. */
#ifndef PANICCTL_STATS_H
#define PANICCTL_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
	int64_t *v;
	size_t n, cap;
	int sorted;
};

/* Add a value. Returns 0, or -1 when out of memory. */
int stats_add(struct stats *s, int64_t v);
/* Sort the values (once; adding unsorts). */
void stats_sort(struct stats *s);
/* On sorted values: the median (the mean of the two middle values when n
 * is even, rounded down), the pct-th percentile by nearest rank (the
 * smallest value with at least pct % of the values at or below it), the
 * maximum. Each returns 0 and *out, or -1 when there are no values. */
int stats_median(const struct stats *s, int64_t *out);
int stats_percentile(const struct stats *s, int pct, int64_t *out);
int stats_max(const struct stats *s, int64_t *out);
/* Release the values; s may be used again. */
void stats_free(struct stats *s);

#endif
