/* fuzz_event.c: proto_decode_event on any bytes —
 * board events, the hub's busiest reader (counter/<id>/event) — and the
 * tolerant reader the hub uses for configured counters: whatever it takes
 * is a sound event (it writes back and reads back strictly), and it says
 * why whenever it was not strictly valid. */
#include <stdlib.h>

#include "fuzz_proto.h"

static int
fuzz_dec_event(const char *b, size_t n, void *o, const char **w)
{
	return proto_decode_event(b, n, o, w);
}

static int
fuzz_enc_event(const void *o, char *b, size_t n)
{
	return proto_encode_event(o, b, n);
}

static void
fuzz_tolerant(const uint8_t *data, size_t size)
{
	struct proto_event ev, back;
	char notes[PROTO_TEXT_MAX], buf[PROTO_MAX_PAYLOAD];
	const char *why = NULL;
	int rc, n;

	rc = proto_decode_event_tolerant((const char *)data, size, &ev, &why,
	    notes, sizeof notes);
	if ((rc == 0) != (notes[0] == '\0') && rc >= 0)
		abort();	/* notes exactly when not strictly valid */
	if (rc < 1)
		return;
	if ((n = proto_encode_event(&ev, buf, sizeof buf)) < 0 ||
	    proto_decode_event(buf, (size_t)n, &back, &why) < 0)
		abort();	/* what it took must be a sound event */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_codec codec = {
		"event", sizeof(struct proto_event), fuzz_dec_event,
		fuzz_enc_event
	};

	fuzz_proto(&codec, data, size);
	fuzz_tolerant(data, size);
	return 0;
}
