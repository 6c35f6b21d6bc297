/* web_form.c: form fields and URL origins, bounded by explicit lengths. */
#include "web_form.h"

#include <string.h>

static int
web_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into out (size bytes). Length or WEB_FORM_BAD. */
static int
web_form_decode(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (n - i < 3 || (hi = web_hex(s[i + 1])) < 0 ||
			    (lo = web_hex(s[i + 2])) < 0)
				return WEB_FORM_BAD;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0 || o + 1 >= size)
			return WEB_FORM_BAD;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (int)o;
}

int
web_form_get(const char *body, size_t len, const char *name, char *out,
    size_t size)
{
	size_t nlen = strlen(name);
	const char *p = body, *end = body + len;
	int found = WEB_FORM_ABSENT;

	if (size == 0)
		return WEB_FORM_BAD;
	out[0] = '\0';
	while (body && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *f_end = amp ? amp : end;

		if ((size_t)(f_end - p) > nlen && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			/* a field twice: which one counts is anyone's guess */
			if (found != WEB_FORM_ABSENT)
				return WEB_FORM_BAD;
			found = web_form_decode(p + nlen + 1,
			    (size_t)(f_end - p) - nlen - 1, out, size);
			if (found == WEB_FORM_BAD)
				return WEB_FORM_BAD;
		} else if ((size_t)(f_end - p) == nlen &&
		    memcmp(p, name, nlen) == 0) {
			return WEB_FORM_BAD;	/* "name" without "=" */
		}
		p = amp ? amp + 1 : end;
	}
	return found;
}

int
web_origin_of(const char *url, size_t len, char *out, size_t size)
{
	size_t skip, n;
	const char *slash;

	if (len > 7 && memcmp(url, "http://", 7) == 0)
		skip = 7;
	else if (len > 8 && memcmp(url, "https://", 8) == 0)
		skip = 8;
	else
		return -1;
	slash = memchr(url + skip, '/', len - skip);
	n = slash ? (size_t)(slash - url) : len;
	if (n == skip || n >= size)
		return -1;
	memcpy(out, url, n);
	out[n] = '\0';
	return 0;
}
