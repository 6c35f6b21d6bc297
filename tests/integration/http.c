/* http.c: the tests' HTTP/1.1 client (Connection: close, read to EOF). */
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int
http_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
http_write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Everything until EOF, NUL-terminated; *len its length. */
static char *
http_read_all(int fd, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *p = malloc(cap);
	ssize_t r;

	while (p && (r = read(fd, p + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (cap - n < 2) {
			char *q = realloc(p, cap *= 2);

			if (!q) {
				free(p);
				return NULL;
			}
			p = q;
		}
	}
	if (p)
		p[n] = '\0';
	*len = n;
	return p;
}

int
http_do(int port, const char *method, const char *path, const char *headers,
    const char *body, struct http_resp *r)
{
	char req[8192];
	size_t len;
	char *all, *sep;
	int fd, n;

	memset(r, 0, sizeof *r);
	r->status = -1;
	n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Connection: close\r\n%s", method, path, port, headers ? headers : "");
	if (body)
		n += snprintf(req + n, sizeof req - (size_t)n, "Content-Type: "
		    "application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
		    strlen(body));
	n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
	if ((size_t)n >= sizeof req || (fd = http_connect(port)) < 0)
		return -1;
	/* the body apart: a form may be larger than the head's buffer */
	if (http_write_all(fd, req, (size_t)n) < 0 ||
	    (body && http_write_all(fd, body, strlen(body)) < 0) ||
	    !(all = http_read_all(fd, &len))) {
		close(fd);
		return -1;
	}
	close(fd);
	if (!(sep = strstr(all, "\r\n\r\n")) ||
	    sscanf(all, "HTTP/1.%*d %d", &r->status) != 1) {
		free(all);
		return -1;
	}
	*sep = '\0';
	r->head = all;
	r->body = strdup(sep + 4);
	r->body_len = len - (size_t)(sep + 4 - all);
	return r->status;
}

void
http_free(struct http_resp *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof *r);
}

const char *
http_header(const struct http_resp *r, const char *name, char *buf,
    size_t size)
{
	size_t n = strlen(name);

	for (const char *l = r->head; l; l = strstr(l, "\r\n")) {
		l += l == r->head ? 0 : 2;
		if (strncasecmp(l, name, n) == 0 && l[n] == ':') {
			l += n + 1 + strspn(l + n + 1, " ");
			snprintf(buf, size, "%.*s", (int)strcspn(l, "\r\n"), l);
			return buf;
		}
	}
	return NULL;
}

const char *
http_input(const char *html, const char *name, char *buf, size_t size)
{
	char key[64];
	const char *p, *v;

	snprintf(key, sizeof key, "name=\"%s\" value=\"", name);
	if (!html || !(p = strstr(html, key)))
		return NULL;
	v = p + strlen(key);
	snprintf(buf, size, "%.*s", (int)strcspn(v, "\""), v);
	return buf;
}
