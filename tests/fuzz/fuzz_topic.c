/* fuzz_topic.c: proto_topic_parse, which every subscriber runs on the topic
 * of each message before its payload. The first byte picks the prefix
 * (default, or a site's multi-level one); a topic it accepts must be
 * exactly what proto_topic_build makes of the parts. */
#include <string.h>

#include "fuzz_util.h"
#include "proto.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prefixes[] = { "panic", "acme/branch-1/panic" };
	const char *prefix, *why = NULL;
	char built[PROTO_TOPIC_MAX];
	struct proto_topic t;
	int n;

	if (size < 1)
		return 0;
	prefix = prefixes[data[0] & 1];
	if (proto_topic_parse((const char *)data + 1, size - 1, prefix, &t,
	    &why) < 0) {
		if (!why || !why[0])
			fuzz_fail("topic", "refused without a reason");
		return 0;
	}
	n = proto_topic_build(built, sizeof built, prefix, t.site, t.type,
	    t.id);
	if (n < 0 || (size_t)n != size - 1 || memcmp(built, data + 1,
	    size - 1) != 0)
		fuzz_fail("topic", "accepted, but builds back as \"%s\"",
		    n < 0 ? "(refused)" : built);
	return 0;
}
