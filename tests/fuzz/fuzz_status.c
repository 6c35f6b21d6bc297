/* fuzz_status.c: proto_decode_status on any bytes —
 * board status and Will (counter/<id>/status). */
#include "fuzz_proto.h"

FUZZ_PROTO(status)
