/* fuzz_proto.h: the payload decoder targets, one per payload so that each
 * gets its own corpus, dictionary and figures. fuzz_<payload>.c is just
 * FUZZ_PROTO(<payload>). */
#ifndef FUZZ_PROTO_H
#define FUZZ_PROTO_H

#include "fuzz_util.h"
#include "proto.h"

/* One payload's codec behind untyped pointers. */
struct fuzz_codec {
	const char *name;
	size_t size;			/* sizeof its struct */
	int (*dec)(const char *buf, size_t len, void *out, const char **why);
	int (*enc)(const void *in, char *buf, size_t size);
};

/* Decode data; abort on any broken contract of common/proto.h: a refusal
 * without a reason, *out changed by a refusal, or an accepted payload the
 * encoder cannot write back or whose written form does not read back to
 * the same bytes. */
void fuzz_proto(const struct fuzz_codec *c, const uint8_t *data, size_t size);

/* Typed wrappers, so that no function is called through a pointer of
 * another type, and the entry point. */
#define FUZZ_PROTO(P)							\
static int								\
fuzz_dec_##P(const char *b, size_t n, void *o, const char **w)		\
{									\
	return proto_decode_##P(b, n, o, w);				\
}									\
static int								\
fuzz_enc_##P(const void *o, char *b, size_t n)				\
{									\
	return proto_encode_##P(o, b, n);				\
}									\
int									\
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
{									\
	static const struct fuzz_codec codec = {			\
		#P, sizeof(struct proto_##P), fuzz_dec_##P, fuzz_enc_##P \
	};								\
	fuzz_proto(&codec, data, size);					\
	return 0;							\
}

#endif
