/* fuzz_page.c: proto_decode_page on any bytes —
 * pages and cancels, read by pagers (pager/<id>). */
#include "fuzz_proto.h"

FUZZ_PROTO(page)
