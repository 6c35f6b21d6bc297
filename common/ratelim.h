/* ratelim.h: a cap on log lines for one kind of noise — bad payloads, junk
 * requests — that anyone able to send it could send by the thousand: at
 * most `burst` a window, then one line saying how many were left out.
 * What it caps is only the telling; callers still count every one. */
#ifndef COMMON_RATELIM_H
#define COMMON_RATELIM_H

#include <stdint.h>

struct ratelim {
	int64_t window_ms;	/* set by the caller */
	unsigned burst;		/* set by the caller */
	int64_t from_ms;	/* this window's start; 0 before the first */
	unsigned used;
	uint64_t quiet;		/* left out in this window */
};

/* 1 if one more may be told now (now_ms: CLOCK_MONOTONIC), 0 if it is to
 * be left out. When a new window begins, *left_out is how many the last
 * one left out (the caller says so once), else 0. */
int ratelim_take(struct ratelim *r, int64_t now_ms, uint64_t *left_out);

#endif
