/* acklink.h: signed, expiring one-tap acknowledgement links, and the form
 * tokens of the pages they open. The only module that includes nettle.
 *
 * A link is <base_url>/a/1/<incident>/<person>/<expiry>/<mac>: expiry in
 * UTC seconds, mac the base64url (no padding, 43 characters) of
 * HMAC-SHA256(key, "panic-ack/1\n" site "\n" incident "\n" person "\n"
 * expiry). docs/WEB-ACK.md describes it and what it protects. */
#ifndef HUB_ACKLINK_H
#define HUB_ACKLINK_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define ACKLINK_MAC_LEN		43	/* base64url of 32 bytes */
#define ACKLINK_NONCE_LEN	22	/* base64url of 16 random bytes */
#define ACKLINK_EXPIRY_DIGITS	12
#define ACKLINK_URL_MAX		512	/* fits every base_url and link */

struct hub;

/* Write the link for person to answer incident into buf: the full URL
 * from web.base_url, expiring web.link_ttl_s from now. Returns its length;
 * 0 with buf "" when the hub has no web section (no server, no links);
 * -1 (buf "") if person is not an id, incident is not positive, or buf is
 * too small (ACKLINK_URL_MAX always fits). For every page and notifier. */
int acklink_make(const struct hub *h, int64_t incident, const char *person,
    char *buf, size_t size);

/* ---- the parts, pure, for the web server and tests ------------------- */

struct acklink_key {
	const unsigned char *key;
	size_t len;
	const char *site;		/* links of one branch only */
};

struct acklink {
	char incident[PROTO_ID_MAX];	/* decimal, as in the path */
	char person[PROTO_ID_MAX];
	int64_t expiry_s;
	char mac[ACKLINK_MAC_LEN + 1];
};

enum acklink_status {
	ACKLINK_OK,
	ACKLINK_NOT_LINK,	/* the path is not under /a/ */
	ACKLINK_MALFORMED,	/* under /a/ but cut short or mistyped */
	ACKLINK_FORGED,		/* the mac does not match */
	ACKLINK_EXPIRED,
};

/* Set l->mac from the other fields. 0, or -1 if a field is invalid. */
int acklink_sign(const struct acklink_key *k, struct acklink *l);
/* "<base_url>/a/1/..." into buf. Returns the length or -1. */
int acklink_format(const char *base_url, const struct acklink *l, char *buf,
    size_t size);
/* Parse the path of a request (path[0..len), from its leading '/') into
 * out, checking the shape and every field's bounds, not the mac. */
enum acklink_status acklink_parse(const char *path, size_t len,
    struct acklink *out);
/* Check a parsed link's mac (in constant time) and expiry at now_s. */
enum acklink_status acklink_verify(const struct acklink_key *k,
    const struct acklink *l, int64_t now_s);
/* For logs: "not a link", "forged", ... */
const char *acklink_status_text(enum acklink_status st);

/* A form token binding a page's form to link l, a fresh nonce and the
 * time it was issued: base64url HMAC under the link key, into out.
 * Returns 0 or -1. */
int acklink_token(const struct acklink_key *k, const struct acklink *l,
    const char *nonce, int64_t issued_s, char out[ACKLINK_MAC_LEN + 1]);
/* 1 if tok[0..len) is the token for (l, nonce, issued_s); constant time. */
int acklink_token_ok(const struct acklink_key *k, const struct acklink *l,
    const char *nonce, int64_t issued_s, const char *tok, size_t len);
/* A fresh random nonce (getrandom). Returns 0 or -1. */
int acklink_nonce(char out[ACKLINK_NONCE_LEN + 1]);
/* "sha256-<base64>" of text, for a Content-Security-Policy. 0 or -1. */
int acklink_csp_hash(const char *text, char *out, size_t size);

#endif
