/* fuzz_http_ack.c: the acknowledgement server's parsing of what a phone
 * sends — the link's path (acklink_parse), the form fields of a post
 * (web_form_get) and the origin of a Referer (web_origin_of). The first
 * byte picks which; the rest is the input, never NUL-terminated. A path
 * accepted as a link must format back to exactly itself, and a decoded
 * field must fit its buffer with its NUL. */
#include <string.h>

#include "acklink.h"
#include "fuzz_util.h"
#include "web_form.h"

static void
fuzz_link(const char *p, size_t n)
{
	struct acklink l;
	char back[ACKLINK_URL_MAX];
	int k;

	if (acklink_parse(p, n, &l) != ACKLINK_OK)
		return;
	k = acklink_format("", &l, back, sizeof back);
	if (k < 0 || (size_t)k != n || memcmp(back, p, n) != 0)
		fuzz_fail("http_ack", "link accepted, but formats back as "
		    "\"%s\"", k < 0 ? "(refused)" : back);
}

static void
fuzz_form(const char *p, size_t n)
{
	static const char *const names[] = { "n", "t", "c", "action",
	    "category", "note" };
	char out[1100];

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		int k = web_form_get(p, n, names[i], out, sizeof out);

		if (k >= 0 && ((size_t)k >= sizeof out || out[k] != '\0' ||
		    strlen(out) != (size_t)k))
			fuzz_fail("http_ack", "field %s: length %d does not "
			    "match what was written", names[i], k);
		if (k < 0 && k != WEB_FORM_ABSENT && k != WEB_FORM_BAD)
			fuzz_fail("http_ack", "field %s: result %d", names[i],
			    k);
	}
}

static void
fuzz_origin(const char *p, size_t n)
{
	char out[256];

	if (web_origin_of(p, n, out, sizeof out) == 0 &&
	    (strlen(out) >= sizeof out || strlen(out) > n ||
	    strncmp(out, "http", 4) != 0))
		fuzz_fail("http_ack", "origin \"%s\" is not one of its input",
		    out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_link(p, size - 1);
		break;
	case 1:
		fuzz_form(p, size - 1);
		break;
	default:
		fuzz_origin(p, size - 1);
		break;
	}
	return 0;
}
