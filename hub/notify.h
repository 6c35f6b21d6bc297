/* notify.h: the parts of the notifier (notify.c) — the page as channels
 * see it, its rendering per channel (notify_tpl.c, pure), HTTP and SMTP
 * transfers on libcurl's multi interface (notify_curl.c) and command hooks
 * (notify_cmd.c). Nothing here blocks: transfers and children are driven
 * from the hub's poll loop through notify.c's descriptor source. */
#ifndef HUB_NOTIFY_H
#define HUB_NOTIFY_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "proto.h"

#define NOTIFY_URL_MAX		512
#define NOTIFY_DETAIL_MAX	160
#define NOTIFY_ENV_MAX		24

/* One page to one person on one channel, with everything a template may
 * show. Text fields are UTF-8; "" when unknown. */
struct notify_page {
	char site[PROTO_ID_MAX];
	char incident[PROTO_ID_MAX];
	char counter[PROTO_ID_MAX];
	char label[PROTO_TEXT_MAX];
	char location[PROTO_TEXT_MAX];
	enum proto_kind kind;
	uint32_t step;
	char person[PROTO_ID_MAX];
	char name[PROTO_TEXT_MAX];
	char to[CONF_CONTACT_MAX];	/* the person's address on the channel */
	int64_t elapsed_ms;		/* since the press reached the hub */
	uint32_t acks, needed;
	char ack_url[NOTIFY_URL_MAX];	/* one-tap acknowledgement; "" if none */
	/* a maintenance alert or notice instead of a page: its reason */
	int maint;			/* 0 page, 1 alert, 2 notice */
	char reason[PROTO_TEXT_MAX];
};

/* How an attempt ended. outcome: "sent", "failed" or "timeout"; permanent:
 * trying again cannot help (HTTP 4xx, a bad address). */
struct notify_result {
	const char *outcome;
	char detail[NOTIFY_DETAIL_MAX];
	int permanent;
};

/* ---- notify_tpl.c: what each channel sends ---------------------------- */

/* "EMERGENCY: 3番窓口 (c03)" — the subject, the notification's title. */
void notify_tpl_title(const struct notify_page *pg, char *buf, size_t size);
/* The page in a few plain lines: where, what, step, elapsed, acks. */
void notify_tpl_text(const struct notify_page *pg, char *buf, size_t size);
/* tpl with {site} {incident} {counter} {label} {location} {kind} {step}
 * {person} {name} {to} {elapsed_s} {acks} {needed} {ack_url} {title}
 * {text} replaced; unknown {names} are kept as they are. */
void notify_tpl_expand(const char *tpl, const struct notify_page *pg,
    char *out, size_t size);
/* The JSON body of a webhook (cJSON, malloc'd: free it) and the URL to
 * POST it to (url of size). NULL if out of memory. */
char *notify_tpl_webhook(const struct conf_channel *ch,
    const struct notify_page *pg, char *url, size_t size);
/* A whole plain-text mail (headers, CRLF lines, subject RFC 2047 encoded)
 * from ch->from to pg->to, dated now_ms; malloc'd, NULL if out of memory. */
char *notify_tpl_mail(const struct conf_channel *ch,
    const struct notify_page *pg, int64_t now_ms);
/* The command hook's environment: "PANIC_...=value" strings packed into
 * buf, pointers in env (NULL-terminated, at most max - 1). Returns how
 * many, or -1 if buf is too small. */
int notify_tpl_env(const struct notify_page *pg, char *buf, size_t size,
    char **env, unsigned max);

/* ---- notify_curl.c: HTTP(S) POSTs and SMTP mails on curl's multi ------- */

struct notify_curl;

/* One transfer. An SMTP one has rcpt set and sends body as the mail. */
struct notify_req {
	const char *url;
	const char *body;
	size_t len;
	const char (*headers)[CONF_LINE_MAX];
	unsigned nheaders;
	const char *token;		/* "" or NULL: no Authorization */
	int timeout_ms;
	const char *mail_from, *rcpt, *user, *password;	/* SMTP */
	enum conf_tls tls;
};

typedef void (*notify_done_fn)(void *owner, const struct notify_result *r,
    void *arg);

/* NULL if libcurl cannot start. done is called from notify_curl_run. */
struct notify_curl *notify_curl_new(notify_done_fn done, void *arg);
/* Abort every transfer (done is not called) and free. */
void notify_curl_free(struct notify_curl *nc);
/* Start r for owner; r's strings are copied. 0, or -1 with why in r. */
int notify_curl_start(struct notify_curl *nc, const struct notify_req *r,
    void *owner, struct notify_result *why);
/* The sockets curl waits on into pfd (at most max); *due_ms (monotonic)
 * lowered to curl's next timeout. Returns how many. */
unsigned notify_curl_fds(struct notify_curl *nc, struct pollfd *pfd,
    unsigned max, int64_t *due_ms);
/* Drive curl with what poll() found and the time; report transfers done. */
void notify_curl_run(struct notify_curl *nc, const struct pollfd *pfd,
    unsigned n, int64_t now_ms);

/* ---- notify_cmd.c: command hooks --------------------------------------- */

struct notify_cmds;

struct notify_cmds *notify_cmds_new(notify_done_fn done, void *arg);
/* Kill what still runs, reap it, free. done is not called. */
void notify_cmds_free(struct notify_cmds *nc);
/* Run argv[0] (no shell) with env, its own process group, stdin from
 * /dev/null, stdout and stderr kept as a short tail; killed after
 * timeout_ms. 0, or -1 with why filled. */
int notify_cmd_start(struct notify_cmds *nc, char *const argv[],
    char *const env[], int timeout_ms, int64_t now_ms, void *owner,
    struct notify_result *why);
unsigned notify_cmd_fds(struct notify_cmds *nc, struct pollfd *pfd,
    unsigned max, int64_t *due_ms);
void notify_cmd_run(struct notify_cmds *nc, const struct pollfd *pfd,
    unsigned n, int64_t now_ms);

#endif
