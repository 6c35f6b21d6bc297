/* notify_curl.c: the only file that includes <curl/curl.h>. Webhook POSTs
 * and SMTP mails as transfers on one curl multi handle, driven by the
 * hub's poll loop: curl says which sockets to watch (socket callback) and
 * when to call back (timer callback), and notify_curl_run feeds it what
 * poll() saw. No thread of ours, no blocking call. */
#include "notify.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define NC_SOCKS_MAX	256

struct nc_xfer {
	CURL *easy;
	void *owner;
	struct curl_slist *headers, *rcpt;
	char *body;		/* the mail, read by curl as it sends */
	size_t len, off;
	int smtp;
	char err[CURL_ERROR_SIZE];
	struct nc_xfer *next;
};

struct notify_curl {
	CURLM *multi;
	notify_done_fn done;
	void *arg;
	int64_t due_ms;		/* curl's timeout, monotonic; -1 none */
	struct nc_xfer *xfers;
	struct { curl_socket_t fd; short events; } socks[NC_SOCKS_MAX];
	unsigned nsocks;
};

/* CURLMOPT_SOCKETFUNCTION: keep the table of sockets to poll. */
static int
nc_socket(CURL *easy, curl_socket_t fd, int what, void *ncp, void *sockp)
{
	struct notify_curl *nc = ncp;
	unsigned i;

	(void)easy;
	(void)sockp;
	for (i = 0; i < nc->nsocks && nc->socks[i].fd != fd; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < nc->nsocks)
			nc->socks[i] = nc->socks[--nc->nsocks];
		return 0;
	}
	if (i == nc->nsocks) {
		if (nc->nsocks == NC_SOCKS_MAX)
			return -1;	/* curl fails that transfer */
		nc->nsocks++;
	}
	nc->socks[i].fd = fd;
	nc->socks[i].events = (short)((what & CURL_POLL_IN ? POLLIN : 0) |
	    (what & CURL_POLL_OUT ? POLLOUT : 0));
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: -1 deletes the timer, 0 means at once. */
static int
nc_timer(CURLM *multi, long timeout_ms, void *ncp)
{
	struct notify_curl *nc = ncp;

	(void)multi;
	nc->due_ms = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
	return 0;
}

struct notify_curl *
notify_curl_new(notify_done_fn done, void *arg)
{
	struct notify_curl *nc = calloc(1, sizeof *nc);

	if (!nc || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(nc);
		return NULL;
	}
	if (!(nc->multi = curl_multi_init())) {
		curl_global_cleanup();
		free(nc);
		return NULL;
	}
	nc->done = done;
	nc->arg = arg;
	nc->due_ms = -1;
	curl_multi_setopt(nc->multi, CURLMOPT_SOCKETFUNCTION, nc_socket);
	curl_multi_setopt(nc->multi, CURLMOPT_SOCKETDATA, nc);
	curl_multi_setopt(nc->multi, CURLMOPT_TIMERFUNCTION, nc_timer);
	curl_multi_setopt(nc->multi, CURLMOPT_TIMERDATA, nc);
	return nc;
}

/* Unlink and free x; curl forgets it (harmless if never added). */
static void
nc_xfer_free(struct notify_curl *nc, struct nc_xfer *x)
{
	struct nc_xfer **pp;

	for (pp = &nc->xfers; *pp && *pp != x; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = x->next;
	curl_multi_remove_handle(nc->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	curl_slist_free_all(x->rcpt);
	free(x->body);
	free(x);
}

void
notify_curl_free(struct notify_curl *nc)
{
	if (!nc)
		return;
	while (nc->xfers)
		nc_xfer_free(nc, nc->xfers);
	curl_multi_cleanup(nc->multi);
	curl_global_cleanup();
	free(nc);
}

/* CURLOPT_READFUNCTION for a mail. */
static size_t
nc_read(char *buf, size_t size, size_t nitems, void *xp)
{
	struct nc_xfer *x = xp;
	size_t n = size * nitems;

	if (n > x->len - x->off)
		n = x->len - x->off;
	memcpy(buf, x->body + x->off, n);
	x->off += n;
	return n;
}

/* Replies are not needed: only their status. */
static size_t
nc_discard(char *buf, size_t size, size_t nitems, void *x)
{
	(void)buf;
	(void)x;
	return size * nitems;
}

static int
nc_setup_http(struct nc_xfer *x, const struct notify_req *r)
{
	char auth[CONF_LINE_MAX + 32];

	x->headers = curl_slist_append(NULL, "Content-Type: application/json");
	for (unsigned i = 0; x->headers && i < r->nheaders; i++)
		x->headers = curl_slist_append(x->headers, r->headers[i]);
	if (x->headers && r->token && r->token[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", r->token);
		x->headers = curl_slist_append(x->headers, auth);
	}
	if (!x->headers)
		return -1;
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)r->len);
	curl_easy_setopt(x->easy, CURLOPT_COPYPOSTFIELDS, r->body);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	return 0;
}

static int
nc_setup_smtp(struct nc_xfer *x, const struct notify_req *r)
{
	static const long tls[] = { [CONF_TLS_NONE] = CURLUSESSL_NONE,
	    [CONF_TLS_TRY] = CURLUSESSL_TRY, [CONF_TLS_REQUIRED] =
	    CURLUSESSL_ALL };
	char addr[CONF_CONTACT_MAX + 2];

	x->smtp = 1;
	if (!(x->body = malloc(r->len ? r->len : 1)))
		return -1;
	memcpy(x->body, r->body, r->len);
	x->len = r->len;
	snprintf(addr, sizeof addr, "<%s>", r->rcpt);
	if (!(x->rcpt = curl_slist_append(NULL, addr)))
		return -1;
	snprintf(addr, sizeof addr, "<%s>", r->mail_from);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, nc_read);
	curl_easy_setopt(x->easy, CURLOPT_READDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(x->easy, CURLOPT_INFILESIZE, (long)r->len);
	curl_easy_setopt(x->easy, CURLOPT_USE_SSL, tls[r->tls]);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (r->user && r->user[0]) {
		curl_easy_setopt(x->easy, CURLOPT_USERNAME, r->user);
		curl_easy_setopt(x->easy, CURLOPT_PASSWORD, r->password);
	}
	return 0;
}

int
notify_curl_start(struct notify_curl *nc, const struct notify_req *r,
    void *owner, struct notify_result *why)
{
	struct nc_xfer *x = calloc(1, sizeof *x);
	int rc;

	if (!x || !(x->easy = curl_easy_init())) {
		free(x);
		snprintf(why->detail, sizeof why->detail, "out of memory");
		return -1;
	}
	x->owner = owner;
	x->next = nc->xfers;
	nc->xfers = x;
	curl_easy_setopt(x->easy, CURLOPT_URL, r->url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->err);
	/* no signals from curl: the hub reads them from its signalfd */
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)r->timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, nc_discard);
	rc = r->rcpt ? nc_setup_smtp(x, r) : nc_setup_http(x, r);
	if (rc < 0 || curl_multi_add_handle(nc->multi, x->easy) != CURLM_OK) {
		nc_xfer_free(nc, x);
		snprintf(why->detail, sizeof why->detail, "cannot start");
		return -1;
	}
	return 0;
}

unsigned
notify_curl_fds(struct notify_curl *nc, struct pollfd *pfd, unsigned max,
    int64_t *due_ms)
{
	unsigned n = nc->nsocks < max ? nc->nsocks : max;

	for (unsigned i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = nc->socks[i].fd,
		    .events = nc->socks[i].events };
	if (nc->due_ms >= 0 && (*due_ms < 0 || nc->due_ms < *due_ms))
		*due_ms = nc->due_ms;
	return n;
}

/* A finished transfer: what became of it. */
static void
nc_result(struct nc_xfer *x, CURLcode code, struct notify_result *r)
{
	long status = 0;

	memset(r, 0, sizeof *r);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (code == CURLE_OPERATION_TIMEDOUT) {
		r->outcome = "timeout";
		snprintf(r->detail, sizeof r->detail, "%.150s", x->err[0] ? x->err :
		    curl_easy_strerror(code));
		return;
	}
	if (code != CURLE_OK) {
		r->outcome = "failed";
		snprintf(r->detail, sizeof r->detail, "%.150s", x->err[0] ? x->err :
		    curl_easy_strerror(code));
		/* a refused login or a bad URL will be refused again */
		r->permanent = code == CURLE_LOGIN_DENIED ||
		    code == CURLE_URL_MALFORMAT ||
		    code == CURLE_UNSUPPORTED_PROTOCOL;
		return;
	}
	if (x->smtp) {
		r->outcome = "sent";
		snprintf(r->detail, sizeof r->detail, "SMTP %ld", status);
		return;
	}
	snprintf(r->detail, sizeof r->detail, "HTTP %ld", status);
	r->outcome = status >= 200 && status < 300 ? "sent" : "failed";
	/* 4xx but 408 and 429: the request itself is wrong (a bad token, a
	 * deleted webhook); trying again cannot help */
	r->permanent = status >= 400 && status < 500 && status != 408 &&
	    status != 429;
}

void
notify_curl_run(struct notify_curl *nc, const struct pollfd *pfd, unsigned n,
    int64_t now_ms)
{
	struct notify_result r;
	CURLMsg *m;
	int running, left;

	for (unsigned i = 0; i < n; i++) {
		int ev = 0;

		if (!pfd[i].revents)
			continue;
		ev |= pfd[i].revents & POLLIN ? CURL_CSELECT_IN : 0;
		ev |= pfd[i].revents & POLLOUT ? CURL_CSELECT_OUT : 0;
		ev |= pfd[i].revents & (POLLERR | POLLHUP) ? CURL_CSELECT_ERR : 0;
		curl_multi_socket_action(nc->multi, pfd[i].fd, ev, &running);
	}
	if (nc->due_ms >= 0 && now_ms >= nc->due_ms) {
		nc->due_ms = -1;
		curl_multi_socket_action(nc->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	while ((m = curl_multi_info_read(nc->multi, &left)) != NULL) {
		struct nc_xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		nc_result(x, m->data.result, &r);
		nc->done(x->owner, &r, nc->arg);
		nc_xfer_free(nc, x);
	}
}
