/* fuzz_period.c: panicctl's period parsing — --from, --to, --last as
 * `report`, `incidents` and `care` resolve them, --ack-target durations,
 * and the dates and times of `check` and the staffing file. The input is
 * newline-separated fields: from, to, last, duration; an empty field is an
 * option not given. Local time is a zone with daylight saving, so that
 * the calendar arithmetic meets its odd days. */
#include <stdio.h>
#include <string.h>

#include "fuzz_util.h"
#include "period.h"

#define FUZZ_NOW_MS	INT64_C(1764306723123)	/* 2025-11-28T05:12:03.123Z */
#define FUZZ_YEAR_MS	(INT64_C(366) * 86400 * 1000)

enum { F_FROM, F_TO, F_LAST, F_DURATION, F_COUNT };

static const char *
fuzz_opt(const char *s)
{
	return s[0] ? s : NULL;
}

static void
fuzz_resolve(char **f)
{
	struct period p;
	char err[256] = "";

	if (period_resolve(fuzz_opt(f[F_FROM]), fuzz_opt(f[F_TO]),
	    fuzz_opt(f[F_LAST]), "30d", FUZZ_NOW_MS, &p, err,
	    sizeof err) < 0) {
		if (!err[0])
			fuzz_fail("period", "refused without a message");
		return;
	}
	if (p.from_ms >= p.to_ms || !p.text[0])
		fuzz_fail("period", "accepted an empty period %lld..%lld",
		    (long long)p.from_ms, (long long)p.to_ms);
}

/* The single-value parsers on each field, with the ranges they promise. */
static void
fuzz_values(const char *s)
{
	int64_t ms;
	int v;

	if (period_parse_duration(s, &ms) == 0 && (ms < 0 ||
	    ms > FUZZ_YEAR_MS))
		fuzz_fail("period", "duration \"%s\" out of range: %lld", s,
		    (long long)ms);
	if ((v = period_parse_date(s)) >= 0 && (v < 19700101 ||
	    v > 99991231 || v % 100 < 1 || v % 100 > 31))
		fuzz_fail("period", "date \"%s\" read as %d", s, v);
	if ((v = period_parse_hhmm(s, 1)) >= 0 && v > 1440)
		fuzz_fail("period", "time \"%s\" read as minute %d", s, v);
	(void)period_parse_time(s, 0, &ms);
	(void)period_parse_time(s, 1, &ms);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zoned;
	char *f[F_COUNT];
	unsigned n;

	if (!zoned) {
		period_tz("Europe/Berlin");
		zoned = 1;
	}
	n = fuzz_fields(data, size, f, F_COUNT);
	for (unsigned i = n; i < F_COUNT; i++)
		f[i] = (char *)"";
	fuzz_resolve(f);
	for (unsigned i = 0; i < n; i++)
		fuzz_values(f[i]);
	fuzz_fields_free(f, n);
	return 0;
}
