/* recv_http.c: the HTTP receiver of recv.h — one request per connection,
 * recorded with its headers and body, answered by its path. */
#include "recv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HTTP_HEAD_MAX	8192

/* Headers up to the blank line into head; Content-Length in *len. */
static int
http_head(int fd, char *head, size_t size, size_t *len, int *expect)
{
	char line[1024];
	size_t used = 0;
	int n;

	*len = 0;
	*expect = 0;
	head[0] = '\0';
	while ((n = recv__line(fd, line, sizeof line)) > 0) {
		if (strcmp(line, "\r\n") == 0)
			return 0;
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			*len = strtoul(line + 15, NULL, 10);
		if (strncasecmp(line, "Expect: 100-continue", 20) == 0)
			*expect = 1;
		if (used + (size_t)n < size) {
			memcpy(head + used, line, (size_t)n + 1);
			used += (size_t)n;
		}
	}
	return -1;
}

static int
http_serve(struct recv *r, int fd)
{
	char head[HTTP_HEAD_MAX], path[512] = "", reply[128], *body;
	size_t len, got = 0;
	int expect, status = 200;

	if (http_head(fd, head, sizeof head, &len, &expect) < 0 ||
	    sscanf(head, "%*s %511s", path) != 1 || len > 1 << 20 ||
	    !(body = calloc(1, len + 1)))
		return 0;
	/* curl asks before a large body */
	if (expect)
		recv__say(fd, "HTTP/1.1 100 Continue\r\n\r\n");
	while (got < len) {
		ssize_t k = read(fd, body + got, len - got);

		if (k <= 0)
			break;
		got += (size_t)k;
	}
	recv__add(r, path, head, body);
	free(body);
	if (strncmp(path, "/hang", 5) == 0)
		return 1;
	if (path[1] == 's' && path[2] >= '1' && path[2] <= '5')
		status = atoi(path + 2);
	snprintf(reply, sizeof reply, "HTTP/1.1 %d Test\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n", status);
	recv__say(fd, reply);
	return 0;
}

struct recv *
recv_http_start(int port)
{
	return recv__start(port, http_serve);
}
