/* fuzz_proto.c: the checks every payload decoder target makes. */
#include "fuzz_proto.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_POISON	0xa5
#define FUZZ_TIMES_MAX	8	/* time fields in any payload, at most */

/* 1 if all n bytes of p are FUZZ_POISON. */
static int
fuzz_untouched(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != FUZZ_POISON)
			return 0;
	return 1;
}

/* How far the written form of an accepted payload may exceed the payload:
 * a raw tab or newline in a string comes back escaped (two bytes), a time
 * without milliseconds comes back with ".000". Past PROTO_MAX_PAYLOAD the
 * encoder rightly refuses. */
static size_t
fuzz_growth(const uint8_t *data, size_t size)
{
	size_t n = 4 * FUZZ_TIMES_MAX;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\t' || data[i] == '\n';
	return n;
}

void
fuzz_proto(const struct fuzz_codec *c, const uint8_t *data, size_t size)
{
	static char one[PROTO_MAX_PAYLOAD + 1], two[PROTO_MAX_PAYLOAD + 1];
	unsigned char *a = malloc(c->size), *b = malloc(c->size);
	const char *why = NULL;
	int n1, n2;

	if (!a || !b)
		fuzz_fail(c->name, "out of memory");
	memset(a, FUZZ_POISON, c->size);
	if (c->dec((const char *)data, size, a, &why) < 0) {
		if (!why || !why[0])
			fuzz_fail(c->name, "refused without a reason");
		if (!fuzz_untouched(a, c->size))
			fuzz_fail(c->name, "refusal (%s) changed *out", why);
		goto out;
	}
	if ((n1 = c->enc(a, one, sizeof one)) < 0) {
		if (size + fuzz_growth(data, size) <= PROTO_MAX_PAYLOAD)
			fuzz_fail(c->name, "accepted but cannot be written");
		goto out;
	}
	if (c->dec(one, (size_t)n1, b, &why) < 0)
		fuzz_fail(c->name, "written form refused (%s): %s", why, one);
	if ((n2 = c->enc(b, two, sizeof two)) != n1 || memcmp(one, two,
	    (size_t)n1) != 0)
		fuzz_fail(c->name, "written form changes when read and written "
		    "again:\n%s\n%s", one, n2 < 0 ? "(refused)" : two);
out:
	free(a);
	free(b);
}
