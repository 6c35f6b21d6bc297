/* fuzz_filter.c: panicctl's filter parsing — `check --hours` ("mon-fri
 * 09:00-18:00") and the names --kind, --category and `pager`'s resolve
 * take from the command line. The input is newline-separated fields: hours,
 * then a name tried as a kind and as a category. */
#include <string.h>

#include "coverage.h"
#include "fuzz_util.h"
#include "proto.h"

enum { F_HOURS, F_NAME, F_COUNT };

static void
fuzz_hours(const char *s)
{
	struct cov_hours h;

	if (coverage_parse_hours(s, &h) < 0)
		return;
	if (!h.days || h.days > 0x7f || h.from_min < 0 || h.from_min > 1439 ||
	    h.to_min < 0 || h.to_min > 1440)
		fuzz_fail("filter", "\"%s\" read as days %#x, %d-%d", s, h.days,
		    h.from_min, h.to_min);
}

/* A name accepted must be the wire name of what it was read as. */
static void
fuzz_names(const char *s)
{
	size_t len = strlen(s);
	enum proto_kind k;
	enum proto_category c;

	if (proto_kind_parse(s, len, &k) == 0 &&
	    strcmp(proto_kind_name(k) ? proto_kind_name(k) : "", s) != 0)
		fuzz_fail("filter", "kind \"%s\" read as %d", s, (int)k);
	if (proto_category_parse(s, len, &c) == 0 &&
	    strcmp(proto_category_name(c) ? proto_category_name(c) : "",
	    s) != 0)
		fuzz_fail("filter", "category \"%s\" read as %d", s, (int)c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[F_COUNT];
	unsigned n = fuzz_fields(data, size, f, F_COUNT);

	fuzz_hours(f[F_HOURS]);
	if (n > F_NAME)
		fuzz_names(f[F_NAME]);
	fuzz_fields_free(f, n);
	return 0;
}
