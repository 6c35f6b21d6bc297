/* recv.c: the core of the test receivers (recv.h) — a listening socket on
 * loopback, one thread that accepts and serves connections one at a time,
 * and the list of what arrived. */
#include "recv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECV_KEEP_MAX	16	/* connections left hanging */

struct recv {
	int lfd, port;
	recv_serve_fn serve;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	struct recv_msg *msgs;
	unsigned n, cap;
	int keep[RECV_KEEP_MAX];
	unsigned nkeep;
};

static void *
recv_main(void *arg)
{
	struct recv *r = arg;
	struct timeval tv = { 2, 0 };

	for (;;) {
		struct pollfd p = { .fd = r->lfd, .events = POLLIN };
		int fd, stop;

		pthread_mutex_lock(&r->mu);
		stop = r->stop;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			return NULL;
		if (poll(&p, 1, 50) <= 0 || (fd = accept(r->lfd, NULL, NULL)) < 0)
			continue;
		/* a client that stalls cannot hold the server for long */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		if (r->serve(r, fd) && r->nkeep < RECV_KEEP_MAX)
			r->keep[r->nkeep++] = fd;
		else
			close(fd);
	}
}

struct recv *
recv__start(int port, recv_serve_fn serve)
{
	struct recv *r = calloc(1, sizeof *r);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int one = 1;

	if (!r)
		return NULL;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	r->serve = serve;
	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->lfd < 0 || setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) < 0 || bind(r->lfd, (struct sockaddr *)&sa,
	    sizeof sa) < 0 || listen(r->lfd, 16) < 0 ||
	    getsockname(r->lfd, (struct sockaddr *)&sa, &sl) < 0)
		goto fail;
	r->port = ntohs(sa.sin_port);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->thread, NULL, recv_main, r) != 0)
		goto fail;
	return r;
fail:
	if (r->lfd >= 0)
		close(r->lfd);
	free(r);
	return NULL;
}

int
recv_port(const struct recv *r)
{
	return r->port;
}

void
recv_msg_free(struct recv_msg *m)
{
	free(m->key);
	free(m->head);
	free(m->body);
	memset(m, 0, sizeof *m);
}

void
recv_stop(struct recv *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	for (unsigned i = 0; i < r->nkeep; i++)
		close(r->keep[i]);
	close(r->lfd);
	for (unsigned i = 0; i < r->n; i++)
		recv_msg_free(&r->msgs[i]);
	free(r->msgs);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

void
recv__add(struct recv *r, const char *key, const char *head,
    const char *body)
{
	pthread_mutex_lock(&r->mu);
	if (r->n == r->cap) {
		unsigned cap = r->cap ? 2 * r->cap : 16;
		struct recv_msg *m = realloc(r->msgs, cap * sizeof *m);

		if (!m) {
			pthread_mutex_unlock(&r->mu);
			return;
		}
		r->msgs = m;
		r->cap = cap;
	}
	r->msgs[r->n].key = strdup(key);
	r->msgs[r->n].head = strdup(head);
	r->msgs[r->n].body = strdup(body);
	r->n++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* The i-th message with the prefix, or NULL; the mutex is held. */
static struct recv_msg *
recv_find(struct recv *r, const char *prefix, unsigned i, unsigned *count)
{
	struct recv_msg *hit = NULL;
	unsigned n = 0;

	for (unsigned k = 0; k < r->n; k++)
		if (strncmp(r->msgs[k].key, prefix, strlen(prefix)) == 0 &&
		    n++ == i)
			hit = &r->msgs[k];
	if (count)
		*count = n;
	return hit;
}

unsigned
recv_count(struct recv *r, const char *prefix)
{
	unsigned n;

	pthread_mutex_lock(&r->mu);
	recv_find(r, prefix, 0, &n);
	pthread_mutex_unlock(&r->mu);
	return n;
}

int
recv_wait(struct recv *r, const char *prefix, unsigned n, int timeout_ms)
{
	struct timespec until;
	unsigned have;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->mu);
	while (recv_find(r, prefix, 0, &have), have < n && rc == 0)
		rc = pthread_cond_timedwait(&r->cv, &r->mu, &until);
	pthread_mutex_unlock(&r->mu);
	return have >= n;
}

int
recv_get(struct recv *r, const char *prefix, unsigned i, struct recv_msg *out)
{
	struct recv_msg *m;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&r->mu);
	if ((m = recv_find(r, prefix, i, NULL)) != NULL) {
		out->key = strdup(m->key);
		out->head = strdup(m->head);
		out->body = strdup(m->body);
	}
	pthread_mutex_unlock(&r->mu);
	return m != NULL;
}

int
recv__line(int fd, char *buf, int size)
{
	int n = 0;

	while (n < size - 1) {
		ssize_t k = read(fd, buf + n, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return n;
}

int
recv__say(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t k = write(fd, s + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		off += (size_t)k;
	}
	return 0;
}
