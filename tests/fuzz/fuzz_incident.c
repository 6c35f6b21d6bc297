/* fuzz_incident.c: proto_decode_incident on any bytes —
 * retained incident state, read by dashboards (incident/<id>). */
#include "fuzz_proto.h"

FUZZ_PROTO(incident)
