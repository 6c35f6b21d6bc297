/* fuzz_event.c: proto_decode_event on any bytes —
 * board events, the hub's busiest reader (counter/<id>/event). */
#include "fuzz_proto.h"

FUZZ_PROTO(event)
