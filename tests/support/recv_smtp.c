/* recv_smtp.c: the SMTP receiver of recv.h — enough of RFC 5321 for
 * curl: EHLO, MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP, QUIT. Each
 * mail is recorded once per recipient. */
#include "recv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMTP_DATA_MAX	65536

/* The DATA part up to the lone dot, dot-unstuffed, into data. */
static int
smtp_data(int fd, char *data, size_t size)
{
	char line[1024];
	size_t used = 0;
	int n;

	while ((n = recv__line(fd, line, sizeof line)) > 0) {
		const char *p = line;

		if (strcmp(line, ".\r\n") == 0)
			return 0;
		if (line[0] == '.')
			p++, n--;
		if (used + (size_t)n < size) {
			memcpy(data + used, p, (size_t)n + 1);
			used += (size_t)n;
		}
	}
	return -1;
}

/* What is between < and > of a MAIL or RCPT line. */
static void
smtp_addr(const char *line, char *out, size_t size)
{
	const char *a = strchr(line, '<'), *b = a ? strchr(a, '>') : NULL;
	size_t n = a && b ? (size_t)(b - a - 1) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(out, a ? a + 1 : "", n);
	out[n] = '\0';
}

static int
smtp_serve(struct recv *r, int fd)
{
	char line[1024], from[256] = "", rcpt[4][256], *data;
	unsigned nrcpt = 0;

	if (!(data = malloc(SMTP_DATA_MAX)) ||
	    recv__say(fd, "220 recv ESMTP test\r\n") < 0) {
		free(data);
		return 0;
	}
	while (recv__line(fd, line, sizeof line) > 0) {
		if (!strncasecmp(line, "EHLO", 4) || !strncasecmp(line, "HELO", 4))
			recv__say(fd, "250-recv\r\n250 8BITMIME\r\n");
		else if (!strncasecmp(line, "MAIL FROM:", 10)) {
			smtp_addr(line, from, sizeof from);
			recv__say(fd, "250 ok\r\n");
		} else if (!strncasecmp(line, "RCPT TO:", 8) && nrcpt < 4) {
			smtp_addr(line, rcpt[nrcpt++], sizeof rcpt[0]);
			recv__say(fd, "250 ok\r\n");
		} else if (!strncasecmp(line, "DATA", 4)) {
			recv__say(fd, "354 go ahead\r\n");
			if (smtp_data(fd, data, SMTP_DATA_MAX) < 0)
				break;
			for (unsigned i = 0; i < nrcpt; i++)
				recv__add(r, rcpt[i], from, data);
			nrcpt = 0;
			recv__say(fd, "250 queued\r\n");
		} else if (!strncasecmp(line, "QUIT", 4)) {
			recv__say(fd, "221 bye\r\n");
			break;
		} else if (!strncasecmp(line, "RSET", 4) ||
		    !strncasecmp(line, "NOOP", 4)) {
			nrcpt = 0;
			recv__say(fd, "250 ok\r\n");
		} else {
			recv__say(fd, "502 not here\r\n");
		}
	}
	free(data);
	return 0;
}

struct recv *
recv_smtp_start(void)
{
	return recv__start(0, smtp_serve);
}
