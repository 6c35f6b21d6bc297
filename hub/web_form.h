/* web_form.h: the small parsers the acknowledgement server needs — form
 * fields (application/x-www-form-urlencoded) and the origin of a URL.
 * Everything takes a pointer and a length; nothing reads past it. */
#ifndef HUB_WEB_FORM_H
#define HUB_WEB_FORM_H

#include <stddef.h>

#define WEB_FORM_ABSENT	(-1)
#define WEB_FORM_BAD	(-2)	/* bad escape, NUL, too long, or twice */

/* The value of field name in body[0..len), decoded ('+' is a space, %XX a
 * byte) into out (size bytes, NUL-terminated). Returns its length,
 * WEB_FORM_ABSENT, or WEB_FORM_BAD. */
int web_form_get(const char *body, size_t len, const char *name, char *out,
    size_t size);

/* "scheme://host[:port]" of url[0..len) into out: what browsers send as
 * Origin. 0, or -1 if url is not http(s) or out is too small. */
int web_origin_of(const char *url, size_t len, char *out, size_t size);

#endif
