/* fuzz_feedback.c: proto_decode_feedback on any bytes —
 * receipts and desk-light states, read by boards (counter/<id>/feedback). */
#include "fuzz_proto.h"

FUZZ_PROTO(feedback)
