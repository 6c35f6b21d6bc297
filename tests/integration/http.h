/* http.h: a minimal HTTP/1.1 client for the tests of hubd's web server —
 * one request per connection on 127.0.0.1, the whole answer read. Not for
 * the daemons. */
#ifndef PANIC_TEST_HTTP_H
#define PANIC_TEST_HTTP_H

#include <stddef.h>

struct http_resp {
	int status;		/* -1: no answer */
	char *head;		/* status line and headers, NUL-terminated */
	char *body;		/* NUL-terminated */
	size_t body_len;
};

/* Send method path to 127.0.0.1:port with the extra header lines (each
 * ending "\r\n"; NULL for none) and body (NULL for none, sent as a form
 * post). Fills r (free with http_free). Returns r->status. */
int http_do(int port, const char *method, const char *path,
    const char *headers, const char *body, struct http_resp *r);
void http_free(struct http_resp *r);
/* The value of header name (case-insensitive) into buf; NULL if absent. */
const char *http_header(const struct http_resp *r, const char *name,
    char *buf, size_t size);
/* The value="..." of the hidden input named name in an HTML body into
 * buf; NULL if absent. */
const char *http_input(const char *html, const char *name, char *buf,
    size_t size);

#endif
