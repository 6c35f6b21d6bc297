/* fuzz_hub_status.c: proto_decode_hub_status on any bytes —
 * the hub's status and Will, read by boards (hub/status). */
#include "fuzz_proto.h"

FUZZ_PROTO(hub_status)
