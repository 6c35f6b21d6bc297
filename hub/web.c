/* web.c: the acknowledgement server — libmicrohttpd in external epoll mode
 * inside the hub's loop, routes for the signed links, and the checks on a
 * form post (origin, single-use token) before it becomes a reply through
 * engine_reply, exactly as if it had come from a pager over MQTT. */
#include "web.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <poll.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acklink.h"
#include "clock.h"
#include "hub.h"
#include "log.h"
#include "ratelim.h"
#include "web_form.h"
#include "web_page.h"

#define WEB_BODY_MAX	16384	/* a form post: 500 characters of note,
				   percent-encoded, are up to 12 kB */
#define WEB_REFRESH_S	20	/* an open call's page reloads itself */
#define WEB_FORM_TTL_S	1800	/* a page's form is good this long */
#define WEB_USED_MAX	1024	/* form tokens remembered as used */
#define WEB_LOGPATH_MAX	64
#define WEB_SEGMENT_MAX	16	/* longer path segments are cut in logs */
/* Refusals of requests that are not our signed links: logged at most this
 * often per minute, never stored (anyone on the network can make them). */
#define WEB_NOISE_LOGS	20
#define WEB_NOISE_MS	60000

struct web_used {
	char nonce[ACKLINK_NONCE_LEN + 1];
	int64_t issued_s;
};

struct web {
	struct hub *h;
	struct MHD_Daemon *d;
	char csp[192];
	/* used form tokens, a ring; once one still valid is pushed out,
	 * every form issued up to then is refused (evicted_s) */
	struct web_used used[WEB_USED_MAX];
	unsigned used_next;
	int64_t evicted_s;
	uint64_t pages, actions, refused;
	struct ratelim noise;		/* refusals of junk, logged */
};

/* One request: its body as it arrives. */
struct web_req {
	size_t len;
	int too_big;
	char body[WEB_BODY_MAX];
};

/* What a request is about once its link checked out. */
struct web_ctx {
	struct web *w;
	struct MHD_Connection *c;
	const char *method;
	struct acklink link;
	struct acklink_key key;
	int person;			/* config index */
	int64_t id;
	int signed_ok;			/* the link's signature checked out */
	struct incident inc;		/* a copy: memory or the store */
	/* a refused form: what was typed goes back to the person */
	char typed[WEB_BODY_MAX];
	enum proto_category typed_category;
	char nonce[ACKLINK_NONCE_LEN + 2];	/* the form's token, checked */
	int64_t issued;
};

/* Why a form is refused, in both languages. */
struct web_why {
	const char *log;		/* for the log */
	char ja[160], en[160];
};

static enum MHD_Result
web_send(struct web *w, struct MHD_Connection *c, unsigned status,
    struct wbuf *b)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (b->failed) {
		wbuf_free(b);
		return MHD_NO;	/* out of memory: MHD drops the connection */
	}
	r = MHD_create_response_from_buffer(b->len, b->p,
	    MHD_RESPMEM_MUST_COPY);
	wbuf_free(b);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", w->csp);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	/* not no-referrer: with it browsers send "Origin: null" on the
	 * page's own posts, and the origin check could not tell them from a
	 * sandboxed page elsewhere. same-origin never sends the link to
	 * another site either. */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* The client's address, for logs. */
static const char *
web_peer(struct MHD_Connection *c, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, size, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, buf, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)
		    sa)->sin6_addr, buf, (socklen_t)size);
	return buf;
}

/* The turn's transaction, for what a request writes: its rows and the
 * engine's go in together. */
static void
web_tx(struct web *w)
{
	if (!store_in_tx(w->h->store) && store_begin(w->h->store) < 0)
		log_warnx("store: %s", store_errmsg(w->h->store));
}

/* May a refusal of an unsigned request be logged? At most WEB_NOISE_LOGS a
 * minute, then one line saying how many were not. */
static int
web_noise_log(struct web *w)
{
	uint64_t quiet;
	int ok = ratelim_take(&w->noise, clock_mono_ms(), &quiet);

	if (quiet)
		log_warnx("web: %" PRIu64 " more refusals not logged in the "
		    "last minute", quiet);
	return ok;
}

/* A refusal: counted, logged with the reason (never with a link's
 * signature), answered with an error page; nothing else changes. Only the
 * refusal of a link we signed (expired, replayed, a bad form) is stored in
 * the log table: anything else anyone on the network could send by the
 * thousand, and it would fill the disk the hub needs for its calls. */
static enum MHD_Result
web_refuse(struct web *w, struct MHD_Connection *c, const char *method,
    const char *what, int64_t incident, unsigned status, const char *why,
    const char *ja, const char *en)
{
	struct wbuf b = { 0 };
	char peer[64], text[256];

	w->refused++;
	snprintf(text, sizeof text, "%s %s from %s: %s", method, what,
	    web_peer(c, peer, sizeof peer), why);
	if (incident > 0 || web_noise_log(w))
		log_warnx("web: refused (%" PRIu64 " so far): %s", w->refused,
		    text);
	if (incident > 0) {
		web_tx(w);
		engine_check(w->h, store_log(w->h->store, clock_wall_ms(),
		    "reject", incident, "web", text, strlen(text)), "log");
	}
	web_page_error(&b, ja, en);
	return web_send(w, c, status, &b);
}

/* A path fit for a log line: printable ASCII, cut short, and never a
 * link's signature — a mistyped link may hold a valid one. */
static void
web_logpath(const char *url, char *buf, size_t size)
{
	int link = strncmp(url, "/a/", 3) == 0, slashes = 0;
	size_t i, o = 0, seg = 0;

	/* a signature is one long segment: whatever the path around it (a
	 * slash missing, a proxy's prefix), no segment goes out whole */
	for (i = 0; url[i] && o + 5 < size && i < WEB_LOGPATH_MAX; i++) {
		if (url[i] == '/' && link && ++slashes == 6) {
			memcpy(buf + o, "/...", 4);
			o += 4;
			break;
		}
		seg = url[i] == '/' ? 0 : seg + 1;
		if (seg > WEB_SEGMENT_MAX) {
			if (seg == WEB_SEGMENT_MAX + 1) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			continue;
		}
		buf[o++] = url[i] > ' ' && url[i] < 0x7f ? url[i] : '?';
	}
	buf[o] = '\0';
}

static enum MHD_Result
web_refuse_ctx(struct web_ctx *x, unsigned status, const char *why,
    const char *ja, const char *en)
{
	char what[128];

	snprintf(what, sizeof what, "link for incident %s, %s",
	    x->link.incident, x->link.person);
	return web_refuse(x->w, x->c, x->method, what,
	    x->signed_ok ? x->id : 0, status, why, ja, en);
}

/* Who else was called, and how they answered: the viewer is not among
 * them (their own state is in the buttons they are offered). */
static void
web_people(const struct hub_conf *cf, const struct incident *inc,
    const char *viewer, struct web_view *v)
{
	for (unsigned i = 0; i < inc->npeople && v->npeople < WEB_PEOPLE_MAX;
	    i++) {
		const struct incident_person *p = &inc->people[i];
		struct web_pview *pv = &v->people[v->npeople];
		int k = conf_person_find(cf, p->id);

		if (strcmp(p->id, viewer) == 0)
			continue;
		if (p->flags & INC_P_ON_SCENE)
			pv->state = WEB_P_ON_SCENE;
		else if (p->flags & INC_P_ACKED)
			pv->state = WEB_P_ACKED;
		else if (p->flags & INC_P_DECLINED)
			pv->state = WEB_P_DECLINED;
		else if (p->flags & INC_P_CANCELLED)
			pv->state = WEB_P_STOOD_DOWN;
		else if (p->flags & INC_P_PAGED)
			pv->state = WEB_P_PAGED;
		else
			continue;
		pv->name = k >= 0 ? cf->people[k].name : p->id;
		v->npeople++;
	}
}

/* The incident page for x, with a fresh form token when it is open;
 * status other than 200 with err set: a refused form, shown again with
 * what was typed. */
static enum MHD_Result
web_page(struct web_ctx *x, unsigned status, int err, const char *msg_ja,
    const char *msg_en)
{
	const struct hub_conf *cf = x->w->h->conf;
	const struct incident *inc = &x->inc;
	const struct incident_person *me;
	struct web_view v;
	char label[PROTO_TEXT_MAX], where[PROTO_TEXT_MAX];
	char nonce[ACKLINK_NONCE_LEN + 1], token[ACKLINK_MAC_LEN + 1];
	struct wbuf b = { 0 };

	memset(&v, 0, sizeof v);
	outbox_where(cf, inc->counter, label, where);
	v.label = label;
	v.location = where;
	v.counter = inc->counter;
	v.incident = x->link.incident;
	v.kind = inc->kind;
	v.state = inc->state;
	v.category = inc->category;
	/* a call that is over stops its clock, and says who ended it */
	v.elapsed_ms = (inc->closed_ms ? inc->closed_ms : clock_wall_ms()) -
	    inc->received_ms;
	if (inc->closed_ms) {
		int k = inc->resolved_by[0] ? conf_person_find(cf,
		    inc->resolved_by) : -1;

		v.resolved_by = k >= 0 ? cf->people[k].name : inc->resolved_by;
	}
	v.person_name = cf->people[x->person].name;
	me = incident_person_find(&x->inc, x->link.person);
	v.person_acked = me && (me->flags & INC_P_ACKED);
	v.person_on_scene = me && (me->flags & INC_P_ON_SCENE);
	web_people(cf, inc, x->link.person, &v);
	v.msg_ja = msg_ja;
	v.msg_en = msg_en;
	v.msg_err = err;
	if (err) {
		v.note_typed = x->typed;
		v.category_typed = x->typed_category;
	}
	v.issued_s = clock_wall_ms() / 1000;
	if (incident_is_open(inc) && acklink_nonce(nonce) == 0 &&
	    acklink_token(&x->key, &x->link, nonce, v.issued_s, token) == 0) {
		v.open = 1;
		v.nonce = nonce;
		v.token = token;
	}
	/* while the person has not answered, the page keeps itself fresh
	 * (someone else may have gone); not where they may be typing */
	v.show_resolve = MHD_lookup_connection_value(x->c,
	    MHD_GET_ARGUMENT_KIND, "resolve") != NULL;
	if (v.open && !err && !v.person_acked && !v.show_resolve)
		v.refresh_s = WEB_REFRESH_S;
	web_page_incident(&b, &v);
	x->w->pages++;
	return web_send(x->w, x->c, status, &b);
}

static enum MHD_Result
web_show(struct web_ctx *x, const char *msg_ja, const char *msg_en)
{
	return web_page(x, MHD_HTTP_OK, 0, msg_ja, msg_en);
}

/* Origin (or, without it, Referer) must be this server's, when sent: a
 * page elsewhere cannot post here. The token is checked regardless. */
static const char *
web_origin_check(struct web_ctx *x)
{
	const char *base = x->w->h->conf->web.base_url;
	const char *o = MHD_lookup_connection_value(x->c, MHD_HEADER_KIND,
	    "Origin");
	const char *r = MHD_lookup_connection_value(x->c, MHD_HEADER_KIND,
	    "Referer");
	char mine[CONF_URL_MAX];
	size_t n;

	if (web_origin_of(base, strlen(base), mine, sizeof mine) < 0)
		return "base_url has no origin";
	n = strlen(mine);
	if (o)
		return strcasecmp(o, mine) == 0 ? NULL :
		    "Origin is another site";
	if (r && (strncasecmp(r, mine, n) != 0 || r[n] != '/'))
		return "Referer is another site";
	return NULL;
}

/* The nonce was not used before, nor pushed out of memory: mark it. */
/* 1 if the form token nonce (issued then) was used, or may have been
 * (older than the oldest one remembered). */
static int
web_nonce_used(const struct web *w, const char *nonce, int64_t issued_s)
{
	if (issued_s <= w->evicted_s)
		return 1;
	for (unsigned i = 0; i < WEB_USED_MAX; i++)
		if (strcmp(w->used[i].nonce, nonce) == 0)
			return 1;
	return 0;
}

/* Remember the nonce as used: only a form that acts uses it up. */
static int
web_nonce_take(struct web *w, const char *nonce, int64_t issued_s,
    int64_t now_s)
{
	struct web_used *u;

	if (web_nonce_used(w, nonce, issued_s))
		return -1;
	u = &w->used[w->used_next];
	if (u->nonce[0] && u->issued_s > now_s - WEB_FORM_TTL_S &&
	    u->issued_s > w->evicted_s)
		w->evicted_s = u->issued_s;
	memcpy(u->nonce, nonce, ACKLINK_NONCE_LEN);
	u->nonce[ACKLINK_NONCE_LEN] = '\0';
	u->issued_s = issued_s;
	w->used_next = (w->used_next + 1) % WEB_USED_MAX;
	return 0;
}

/* The form's token: issued for this link, recently, and not used. It is
 * used up (web_nonce_take) only when the form acts: a refused form can be
 * corrected and sent again. */
static enum MHD_Result
web_check_token(struct web_ctx *x, const struct web_req *r, int *ok)
{
	char *nonce = x->nonce, t[16], tok[ACKLINK_MAC_LEN + 2];
	int64_t issued = 0, now = clock_wall_ms() / 1000;
	char *end;

	*ok = 0;
	if (web_form_get(r->body, r->len, "n", nonce, sizeof x->nonce) !=
	    ACKLINK_NONCE_LEN ||
	    web_form_get(r->body, r->len, "t", t, sizeof t) <= 0 ||
	    (issued = strtoll(t, &end, 10), *end) ||
	    web_form_get(r->body, r->len, "c", tok, sizeof tok) !=
	    ACKLINK_MAC_LEN ||
	    !acklink_token_ok(&x->key, &x->link, nonce, issued, tok,
	    ACKLINK_MAC_LEN))
		return web_refuse_ctx(x, MHD_HTTP_FORBIDDEN, "form token missing"
		    " or not valid (cross-site post?)", "送信できませんでした",
		    "This form is not valid: open the link again");
	if (issued > now + 60 || issued < now - WEB_FORM_TTL_S)
		return web_refuse_ctx(x, MHD_HTTP_FORBIDDEN, "form token "
		    "expired", "画面の有効期限が切れました。リンクを開き直してください",
		    "This form has expired: open the link again");
	x->issued = issued;
	if (web_nonce_used(x->w, nonce, issued))
		return web_refuse_ctx(x, MHD_HTTP_CONFLICT, "form sent again "
		    "(replayed); nothing changed", "この操作は送信済みです。"
		    "何も変更していません", "This form was already sent; nothing "
		    "was changed");
	*ok = 1;
	return MHD_YES;
}

static int
web_why(struct web_why *w, const char *log, const char *ja, const char *en)
{
	w->log = log;
	snprintf(w->ja, sizeof w->ja, "%s", ja);
	snprintf(w->en, sizeof w->en, "%s", en);
	return -1;
}

/* The reply the form asks for, into rp: 0, or -1 with why filled. What
 * was typed is kept in x, valid or not, to be shown again. */
static int
web_form_reply(struct web_ctx *x, const struct web_req *r,
    struct proto_reply *rp, struct web_why *why)
{
	char act[16], cat[24];
	int n, nc;
	size_t o = 0, chars;

	memset(rp, 0, sizeof *rp);
	snprintf(rp->incident, sizeof rp->incident, "%s", x->link.incident);
	snprintf(rp->person, sizeof rp->person, "%s", x->link.person);
	/* browsers send a textarea's newlines as CR LF */
	n = web_form_get(r->body, r->len, "note", x->typed, sizeof x->typed);
	for (int i = 0; i < n; i++)
		if (!(x->typed[i] == '\r' && x->typed[i + 1] == '\n'))
			x->typed[o++] = x->typed[i];
	x->typed[n > 0 ? o : 0] = '\0';
	if ((nc = web_form_get(r->body, r->len, "category", cat,
	    sizeof cat)) > 0)
		proto_category_parse(cat, (size_t)nc, &x->typed_category);
	if ((nc = web_form_get(r->body, r->len, "action", act,
	    sizeof act)) <= 0 ||
	    proto_action_parse(act, (size_t)nc, &rp->action) < 0)
		return web_why(why, "no valid action", "操作が選ばれていません",
		    "No action was chosen");
	if (n == WEB_FORM_BAD || !proto_text_valid(x->typed, o)) {
		x->typed[0] = '\0';	/* nothing of it can be shown */
		return web_why(why, "note badly encoded", "メモに使えない文字が"
		    "含まれています", "The note holds characters that cannot be "
		    "kept");
	}
	if ((chars = proto_text_chars(x->typed, o)) > PROTO_NOTE_CHARS) {
		char ja[160], en[160];

		snprintf(ja, sizeof ja, "メモは%d文字までです（%zu文字あります）。"
		    "短くして送ってください", PROTO_NOTE_CHARS, chars);
		snprintf(en, sizeof en, "The note can have at most %d characters;"
		    " it has %zu. Shorten it and send again", PROTO_NOTE_CHARS,
		    chars);
		return web_why(why, "note too long", ja, en);
	}
	if (rp->action == PROTO_ACTION_RESOLVE &&
	    ((nc = web_form_get(r->body, r->len, "category", cat,
	    sizeof cat)) <= 0 ||
	    proto_category_parse(cat, (size_t)nc, &rp->category) < 0 ||
	    rp->category == PROTO_CAT_NONE))
		return web_why(why, "resolve without a valid category",
		    "分類を選んでください", "Choose a category");
	/* valid UTF-8 of at most PROTO_NOTE_CHARS: it fits */
	if (o >= sizeof rp->note)
		return web_why(why, "note too long", "メモが長すぎます",
		    "The note is too long");
	memcpy(rp->note, x->typed, o + 1);
	return 0;
}

/* The person's answer is already on record: say so, change nothing. */
static int
web_already(const struct web_ctx *x, enum proto_action a)
{
	const struct incident_person *p = incident_person_find(
	    (struct incident *)&x->inc, x->link.person);

	if (!p)
		return 0;
	return (a == PROTO_ACTION_ACK && (p->flags & INC_P_ACKED)) ||
	    (a == PROTO_ACTION_ON_SCENE && (p->flags & INC_P_ON_SCENE));
}

static enum MHD_Result
web_post(struct web_ctx *x, const struct web_req *r)
{
	static const char *const done_ja[PROTO_ACTION_COUNT] = {
	    "確認しました。向かってください", "対応できない旨を記録しました。次の人を呼び出します",
	    "現場到着を記録しました", "解決として記録しました" };
	struct hub *h = x->w->h;
	struct proto_reply rp;
	struct web_why bad;
	char topic[64], body[PROTO_MAX_PAYLOAD], en[96];
	const char *why, *ct = MHD_lookup_connection_value(x->c,
	    MHD_HEADER_KIND, "Content-Type");
	const struct incident *now;
	enum MHD_Result rc;
	int ok, n;

	if ((why = web_origin_check(x)) != NULL)
		return web_refuse_ctx(x, MHD_HTTP_FORBIDDEN, why,
		    "別のサイトからの送信は受け付けません",
		    "Posts from another site are refused");
	if (r->too_big || !ct || strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) != 0)
		return web_refuse_ctx(x, MHD_HTTP_BAD_REQUEST, r->too_big ?
		    "form too large" : "not a form post",
		    "送信内容が正しくありません", "This request is not valid");
	if (rc = web_check_token(x, r, &ok), !ok)
		return rc;
	if (web_form_reply(x, r, &rp, &bad) < 0) {
		/* the person's own mistake: the form again, with what they
		 * typed and why, never a dead end that loses the text */
		log_info("web: incident %" PRId64 ": form from %s refused: %s",
		    x->id, x->link.person, bad.log);
		return web_page(x, MHD_HTTP_UNPROCESSABLE_CONTENT, 1, bad.ja,
		    bad.en);
	}
	if (!incident_is_open(&x->inc))
		return web_show(x, "この呼び出しは終了しています。何も変更していません",
		    "This call is over; nothing was changed");
	if (web_already(x, rp.action))
		return web_show(x, "既に記録されています。何も変更していません",
		    "Already recorded; nothing was changed");
	/* it acts: the token is used up, a replay is refused */
	web_nonce_take(x->w, x->nonce, x->issued, clock_wall_ms() / 1000);
	/* recorded as an answer (the timeline shows it) that came by link,
	 * in the turn's transaction with what the engine makes of it */
	web_tx(x->w);
	snprintf(topic, sizeof topic, "web/pager/%s/reply", rp.person);
	if ((n = proto_encode_reply(&rp, body, sizeof body)) > 0)
		engine_check(h, store_log(h->store, clock_wall_ms(), "in", x->id,
		    topic, body, (size_t)n), "log");
	log_info("web: incident %" PRId64 ": %s from %s by link", x->id,
	    proto_action_name(rp.action), rp.person);
	/* a note, so that panicctl's timeline shows how the answer came */
	snprintf(en, sizeof en, "%s by %s via the link",
	    proto_action_name(rp.action), rp.person);
	engine_check(h, store_log(h->store, clock_wall_ms(), "note", x->id,
	    NULL, en, strlen(en)), "log");
	x->w->actions++;
	engine_reply(h, &rp);
	if ((now = engine_incident(h, x->id)) != NULL)
		x->inc = *now;
	snprintf(en, sizeof en, "Done: %s", proto_action_name(rp.action));
	return web_show(x, done_ja[rp.action], en);
}

/* Check the link of a request and find its incident; on success x is
 * filled and *ok set, else the refusal is already queued. */
static enum MHD_Result
web_link(struct web_ctx *x, const char *url, int *ok)
{
	struct hub *h = x->w->h;
	enum acklink_status st;
	const struct incident *mem;
	char path[WEB_LOGPATH_MAX + 1];
	char *end;

	*ok = 0;
	web_logpath(url, path, sizeof path);
	st = acklink_parse(url, strlen(url), &x->link);
	if (st == ACKLINK_NOT_LINK)
		return web_refuse(x->w, x->c, x->method, path, 0,
		    MHD_HTTP_NOT_FOUND, "no such page", "ページが見つかりません",
		    "Page not found");
	if (st != ACKLINK_OK)
		return web_refuse(x->w, x->c, x->method, path, 0,
		    MHD_HTTP_NOT_FOUND, acklink_status_text(st),
		    "リンクが正しくありません（途中で切れているか、誤りがあります）",
		    "This link is incomplete or mistyped");
	x->key = (struct acklink_key){ h->conf->web.key, h->conf->web.keylen,
	    h->conf->site };
	x->id = strtoll(x->link.incident, &end, 10);
	st = acklink_verify(&x->key, &x->link, clock_wall_ms() / 1000);
	/* the signature is checked before the expiry */
	x->signed_ok = st == ACKLINK_OK || st == ACKLINK_EXPIRED;
	if (st == ACKLINK_EXPIRED)
		return web_refuse_ctx(x, MHD_HTTP_GONE, "link expired",
		    "リンクの有効期限が切れています", "This link has expired");
	if (st != ACKLINK_OK)
		return web_refuse_ctx(x, MHD_HTTP_FORBIDDEN,
		    acklink_status_text(st), "このリンクは無効です",
		    "This link is not valid");
	if ((x->person = conf_person_find(h->conf, x->link.person)) < 0)
		return web_refuse_ctx(x, MHD_HTTP_FORBIDDEN, "person no longer "
		    "in the config", "このリンクは無効です", "This link is not valid");
	if ((mem = engine_incident(h, x->id)) != NULL)
		x->inc = *mem;
	else if (store_incident_load(h->store, x->id, &x->inc) != 1)
		return web_refuse_ctx(x, MHD_HTTP_NOT_FOUND, "no such incident",
		    "この呼び出しは見つかりません", "This call was not found");
	*ok = 1;
	return MHD_YES;
}

static enum MHD_Result
web_route(struct web *w, struct MHD_Connection *c, const char *url,
    const char *method, const struct web_req *r)
{
	struct web_ctx *x;
	enum MHD_Result rc;
	int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0, ok;

	if (strcmp(url, "/favicon.ico") == 0) {
		struct wbuf b = { 0 };

		web_page_error(&b, "ページが見つかりません", "Page not found");
		return web_send(w, c, MHD_HTTP_NOT_FOUND, &b);
	}
	if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		char m[17], path[WEB_LOGPATH_MAX + 1];

		web_logpath(method, m, sizeof m);
		web_logpath(url, path, sizeof path);
		return web_refuse(w, c, m, path, 0,
		    MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
		    "この操作はできません", "Method not allowed");
	}
	/* an incident is a few kB: off the stack */
	if (!(x = calloc(1, sizeof *x)))
		return MHD_NO;
	x->w = w;
	x->c = c;
	x->method = method;
	rc = web_link(x, url, &ok);
	if (ok)
		rc = post ? web_post(x, r) : web_show(x, NULL, NULL);
	memset(&x->key, 0, sizeof x->key);
	free(x);
	return rc;
}

static enum MHD_Result
web_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct web_req *r = *con_cls;

	const char *cl;

	(void)version;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		*con_cls = r;
		/* a body announced too large is refused before it is read:
		 * the answer goes out and the connection is closed */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > sizeof r->body) {
			r->too_big = 1;
			return web_route(cls, c, url, method, r);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* one sent in chunks past the limit: drop the connection */
		if (r->too_big || r->len + *upload_size > sizeof r->body)
			return MHD_NO;
		memcpy(r->body + r->len, upload, *upload_size);
		r->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	return web_route(cls, c, url, method, r);
}

static void
web_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static void
web_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof buf, fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_warnx("web: %s", buf);
}

int
web_start(struct hub *h, char *err, size_t errlen)
{
	const struct conf_web *cw = &h->conf->web;
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	const struct sockaddr *sa = (const struct sockaddr *)&a4;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	char hash[80];
	struct web *w;

	h->web = NULL;
	if (!cw->enabled)
		return 0;
	if (inet_pton(AF_INET, cw->listen, &a4.sin_addr) == 1) {
		a4.sin_port = htons((uint16_t)cw->port);
	} else {
		inet_pton(AF_INET6, cw->listen, &a6.sin6_addr);
		a6.sin6_port = htons((uint16_t)cw->port);
		sa = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	}
	if (!(w = calloc(1, sizeof *w)) ||
	    acklink_csp_hash(web_page_css, hash, sizeof hash) < 0) {
		free(w);
		snprintf(err, errlen, "web: out of memory");
		return -1;
	}
	w->h = h;
	w->noise = (struct ratelim){ .window_ms = WEB_NOISE_MS,
	    .burst = WEB_NOISE_LOGS };
	/* the page's one inline style sheet and nothing else may load */
	snprintf(w->csp, sizeof w->csp, "default-src 'none'; style-src '%s'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	    hash);
	w->d = MHD_start_daemon(flags, (uint16_t)cw->port, NULL, NULL,
	    web_access, w,
	    /* first, or MHD prints its own messages before it is set */
	    MHD_OPTION_EXTERNAL_LOGGER, web_mhd_log, w,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_CONNECTION_LIMIT, 64u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 15u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
	    MHD_OPTION_NOTIFY_COMPLETED, web_completed, w,
	    MHD_OPTION_END);
	if (!w->d) {
		snprintf(err, errlen, "web: cannot listen on %s port %d",
		    cw->listen, cw->port);
		free(w);
		return -1;
	}
	h->web = w;
	log_info("web: listening on %s port %d, links %s/a/1/...",
	    cw->listen, cw->port, cw->base_url);
	return 0;
}

static int
web_fd(const struct hub *h)
{
	const union MHD_DaemonInfo *di;

	di = MHD_get_daemon_info(h->web->d, MHD_DAEMON_INFO_EPOLL_FD);
	return di ? di->epoll_fd : -1;
}

/* The loop's descriptor source: MHD's epoll descriptor, and its
 * connection timeouts as a deadline. */
static unsigned
web_prepare(void *arg, struct pollfd *pfd, unsigned max, int64_t *due_ms)
{
	struct hub *h = arg;
	MHD_UNSIGNED_LONG_LONG ms;
	int64_t at;

	if (!h->web || max < 1)
		return 0;
	pfd[0] = (struct pollfd){ .fd = web_fd(h), .events = POLLIN };
	if (MHD_get_timeout(h->web->d, &ms) == MHD_YES) {
		at = clock_mono_ms() + (ms > INT32_MAX ? INT32_MAX : (int64_t)ms);
		if (*due_ms < 0 || at < *due_ms)
			*due_ms = at;
	}
	return 1;
}

/* Every turn, ready or not: MHD_run also expires idle connections.
 * Actions go through engine_reply in the turn's transaction. */
static void
web_dispatch(void *arg, const struct pollfd *pfd, unsigned n, int64_t now_ms)
{
	struct hub *h = arg;

	(void)pfd;
	(void)n;
	(void)now_ms;
	if (h->web)
		MHD_run(h->web->d);
}

void
web_fdsrc(struct hub *h, struct hub_fdsrc *src)
{
	*src = (struct hub_fdsrc){ "web", h, web_prepare, web_dispatch };
}

void
web_stop(struct hub *h)
{
	struct web *w = h->web;

	if (!w)
		return;
	log_info("web: stopping; %" PRIu64 " pages, %" PRIu64 " actions, %"
	    PRIu64 " refused", w->pages, w->actions, w->refused);
	MHD_stop_daemon(w->d);
	free(w);
	h->web = NULL;
}
