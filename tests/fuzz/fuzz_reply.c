/* fuzz_reply.c: proto_decode_reply on any bytes —
 * pager replies, read by the hub (pager/<id>/reply). */
#include "fuzz_proto.h"

FUZZ_PROTO(reply)
