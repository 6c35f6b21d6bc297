/* fuzz_maint.c: proto_decode_maint on any bytes —
 * maintenance alerts and notices (maint/<id>). */
#include "fuzz_proto.h"

FUZZ_PROTO(maint)
