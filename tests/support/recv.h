/* recv.h: loopback servers that notification tests page into — an HTTP
 * receiver for webhooks and an SMTP receiver for mail — each on a thread
 * of its own, recording what arrives so that tests can wait for it and
 * check it. Test code: simple and blocking, bounded by socket timeouts. */
#ifndef PANIC_TEST_RECV_H
#define PANIC_TEST_RECV_H

/* One thing received. HTTP: key is the request path, head the request
 * line and headers. SMTP: key is the recipient, head the envelope sender. */
struct recv_msg {
	char *key;
	char *head;
	char *body;
};

struct recv;

/* An HTTP server on a free loopback port. It answers by path: a path that
 * starts with "/hang" gets no answer at all (the connection stays open
 * until recv_stop), "/s<code>..." gets status <code>, anything else 200.
 * port 0: any free port. NULL on failure. */
struct recv *recv_http_start(int port);
/* An SMTP server on a free loopback port that accepts every mail. */
struct recv *recv_smtp_start(void);
int recv_port(const struct recv *r);
/* Stop, close every connection, free. */
void recv_stop(struct recv *r);

/* How many messages so far whose key starts with prefix. */
unsigned recv_count(struct recv *r, const char *prefix);
/* Wait until there are at least n of them; 1, or 0 after timeout_ms. */
int recv_wait(struct recv *r, const char *prefix, unsigned n, int timeout_ms);
/* A copy of the i-th (from 0) of them into out: 1, or 0 if none. */
int recv_get(struct recv *r, const char *prefix, unsigned i,
    struct recv_msg *out);
void recv_msg_free(struct recv_msg *m);

/* ---- for recv_http.c and recv_smtp.c ------------------------------------ */

/* Serve one accepted connection fd; return 1 to keep it open until the
 * server stops (a server that hangs), 0 to have it closed. */
typedef int (*recv_serve_fn)(struct recv *r, int fd);
struct recv *recv__start(int port, recv_serve_fn serve);
/* Record a message (the strings are copied). */
void recv__add(struct recv *r, const char *key, const char *head,
    const char *body);
/* Read a line ending in "\n" (kept) into buf; its length, or -1. */
int recv__line(int fd, char *buf, int size);
/* Write all of s; 0 or -1. */
int recv__say(int fd, const char *s);

#endif
