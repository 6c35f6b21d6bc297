/* ratelim.c: see ratelim.h. */
#include "ratelim.h"

int
ratelim_take(struct ratelim *r, int64_t now_ms, uint64_t *left_out)
{
	*left_out = 0;
	if (r->from_ms == 0 || now_ms - r->from_ms >= r->window_ms) {
		*left_out = r->quiet;
		r->from_ms = now_ms ? now_ms : 1;
		r->used = 0;
		r->quiet = 0;
	}
	if (r->used < r->burst) {
		r->used++;
		return 1;
	}
	r->quiet++;
	return 0;
}
