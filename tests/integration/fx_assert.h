/* fx_assert.h: steps the integration tests share that assert as they go
 * (cmocka), on top of fixtures.h. Include after <cmocka.h>. Header-only:
 * static inline, so a program that uses only some of them still builds. */
#ifndef PANIC_FX_ASSERT_H
#define PANIC_FX_ASSERT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fixtures.h"
#include "harness.h"
#include "proto.h"
#include "sitetime.h"

/* Write hub.conf (fx_hub_conf), start hubd, then counterd c1; fail the
 * test if any of it fails. Returns the hub's pid. */
static inline pid_t
fx_start_hub_c1(struct harness *h, int step_ms, const char *policies,
    const char *extra)
{
	pid_t hub;

	assert_non_null(fx_hub_conf(h, step_ms, policies, extra));
	hub = fx_hub_start(h);
	assert_true(hub > 0);
	assert_true(fx_counter_start(h, "c1") > 0);
	return hub;
}

/* The next message to person's pager (within timeout_ms) must be a page
 * of incident at step; decoded into pg. */
static inline void
fx_expect_page(struct harness *h, const char *person, struct proto_page *pg,
    int timeout_ms, int step, const char *incident)
{
	assert_int_equal(fx_next_page(h, person, pg, timeout_ms), 0);
	assert_int_equal(pg->type, PROTO_PAGE_PAGE);
	assert_int_equal(pg->step, step);
	assert_string_equal(pg->incident, incident);
}

/* Assert that the hub paged person2 at step2 at least min_ms after it
 * paged person1 at step1 (first pages of each; pages.sent_at is the
 * moment the hub decided, on its own clock). */
static inline void
fx_assert_paged_after(struct harness *h, const char *incident,
    const char *person1, int step1, const char *person2, int step2,
    int min_ms)
{
	static const char q[] = "SELECT min(sent_at) FROM pages WHERE"
	    " incident = %s AND person = '%s' AND step = %d AND type = 'page'";
	int64_t a, b;

	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) > 0"
	    " FROM pages WHERE incident = %s AND person = '%s' AND step = %d"
	    " AND type = 'page'", incident, person2, step2));
	a = h_sql_int(h, "hub.db", q, incident, person1, step1);
	b = h_sql_int(h, "hub.db", q, incident, person2, step2);
	assert_true(a > 0 && b > 0);
	if (b - a < min_ms)
		fprintf(stderr, "# %s step %d paged %lld ms after %s step %d\n",
		    person2, step2, (long long)(b - a), person1, step1);
	assert_true(b - a >= min_ms);
}

/* The line of out that starts with prefix must be there (copied into
 * line, of size) and have ncols columns (split into c, 20 at most). */
static inline void
fx_expect_columns(const char *out, const char *prefix, char *line,
    size_t size, char **c, int ncols)
{
	assert_non_null(fx_line_of(out, prefix, line, size));
	assert_int_equal(fx_words(line, c, 20), ncols);
}

/* After a run of panicctl (exit status rc): its output (stdout and stderr)
 * in *out, to free, also shown as TAP comments (by the runner only when
 * the test fails); a sanitizer report in it fails the test. Returns rc. */
static inline int
fx_pc_done(struct harness *h, char **out, int rc)
{
	const char *l;

	*out = h_read(h, "panicctl.log");
	fprintf(stderr, "# panicctl exited %d:\n", rc);
	for (l = *out; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] ?
	    1 : 0))
		fprintf(stderr, "#   %.*s\n", (int)strcspn(l, "\n"), l);
	/* the harness checks the log only at the end, and it is emptied
	 * before every run */
	if (*out && (strstr(*out, "Sanitizer") || strstr(*out,
	    "runtime error:")))
		fail_msg("a sanitizer report in panicctl's output");
	return rc;
}

/* Run panicctl with the arguments given; its output in *out (see
 * fx_pc_done). The log is emptied first, so *out is this run's alone. */
#define FX_PC(h, out, ...) (h_write((h), "panicctl.log", "%s", ""), \
	fx_pc_done((h), (out), h_run((h), "panicctl", 20000, "panicctl", \
	__VA_ARGS__, (char *)NULL)))

/* The row of incident id in `panicctl incidents` output out: its
 * received date and time must be the incident's received_at in zone tz
 * (the tests' own reckoning of the site's local time). */
static inline void
fx_assert_listed_at(struct harness *h, const char *tz, const char *out,
    const char *id)
{
	char line[512], want[32], *c[12];
	int64_t at = h_sql_int(h, "hub.db",
	    "SELECT received_at FROM incidents WHERE id = %s", id);
	int n = 0;

	for (const char *l = out; *l; l += strcspn(l, "\n") + (l[strcspn(l,
	    "\n")] != '\0')) {
		snprintf(line, sizeof line, "%.*s", (int)strcspn(l, "\n"), l);
		if ((n = fx_words(line, c, 12)) >= 3 && strcmp(c[0], id) == 0)
			break;
		n = 0;
	}
	assert_true(n >= 3);
	st_format(tz, at, "%Y-%m-%d", want, sizeof want);
	assert_string_equal(c[1], want);
	st_format(tz, at, "%H:%M:%S", want, sizeof want);
	assert_string_equal(c[2], want);
}

#endif
