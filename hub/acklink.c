/* acklink.c: signing and checking acknowledgement links and form tokens.
 * nettle, not OpenSSL: Debian's libmicrohttpd already brings it in (through
 * GnuTLS), and the hub keeps libcrypto out of a plain process. */
#include "acklink.h"

#include <inttypes.h>
#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "clock.h"
#include "hub.h"

#define ACKLINK_PREFIX	"/a/1/"

/* base64url without padding of n bytes into out (BASE64_ENCODE_LENGTH(n)
 * + 1 bytes); returns the length. */
static size_t
acklink_b64url(const uint8_t *in, size_t n, char *out)
{
	struct base64_encode_ctx ctx;
	size_t len;

	base64url_encode_init(&ctx);
	len = base64_encode_update(&ctx, out, n, in);
	len += base64_encode_final(&ctx, out + len);
	while (len && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	return len;
}

/* HMAC-SHA256 of msg[0..len) under k, base64url, into out. */
static void
acklink_mac(const struct acklink_key *k, const char *msg, size_t len,
    char out[ACKLINK_MAC_LEN + 1])
{
	struct hmac_sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char b[BASE64_ENCODE_LENGTH(SHA256_DIGEST_SIZE) + 4];

	hmac_sha256_set_key(&ctx, k->len, k->key);
	hmac_sha256_update(&ctx, len, (const uint8_t *)msg);
	hmac_sha256_digest(&ctx, sizeof d, d);
	acklink_b64url(d, sizeof d, b);
	memcpy(out, b, ACKLINK_MAC_LEN + 1);
	memset(&ctx, 0, sizeof ctx);
}

/* The signed fields, one per line (no field can hold a newline), after a
 * label that keeps links and form tokens apart. -1 if a field is bad. */
static int
acklink_message(const char *label, const struct acklink_key *k,
    const struct acklink *l, char *buf, size_t size)
{
	int n;

	if (!k->key || k->len == 0 || !proto_id_valid(k->site) ||
	    !proto_id_valid(l->incident) || !proto_id_valid(l->person) ||
	    l->expiry_s <= 0)
		return -1;
	n = snprintf(buf, size, "%s\n%s\n%s\n%s\n%" PRId64, label, k->site,
	    l->incident, l->person, l->expiry_s);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int
acklink_sign(const struct acklink_key *k, struct acklink *l)
{
	char msg[256];
	int n = acklink_message("panic-ack/1", k, l, msg, sizeof msg);

	if (n < 0)
		return -1;
	acklink_mac(k, msg, (size_t)n, l->mac);
	return 0;
}

int
acklink_format(const char *base_url, const struct acklink *l, char *buf,
    size_t size)
{
	int n = snprintf(buf, size, "%s" ACKLINK_PREFIX "%s/%s/%" PRId64 "/%s",
	    base_url, l->incident, l->person, l->expiry_s, l->mac);

	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return -1;
	}
	return n;
}

int
acklink_make(const struct hub *h, int64_t incident, const char *person,
    char *buf, size_t size)
{
	const struct conf_web *w = &h->conf->web;
	struct acklink_key k = { w->key, w->keylen, h->conf->site };
	struct acklink l;

	if (size)
		buf[0] = '\0';
	if (!w->enabled || !w->keylen)
		return 0;
	memset(&l, 0, sizeof l);
	snprintf(l.incident, sizeof l.incident, "%" PRId64, incident);
	snprintf(l.person, sizeof l.person, "%s", person ? person : "");
	l.expiry_s = clock_wall_ms() / 1000 + w->link_ttl_s;
	if (incident <= 0 || acklink_sign(&k, &l) < 0)
		return -1;
	return acklink_format(w->base_url, &l, buf, size);
}

/* The next '/'-separated segment of [*p, end) into seg and n; moves *p
 * past it and its slash. 0, or -1 when there is none. */
static int
acklink_segment(const char **p, const char *end, const char **seg,
    size_t *n)
{
	const char *s = *p, *slash;

	if (s >= end)
		return -1;
	slash = memchr(s, '/', (size_t)(end - s));
	*seg = s;
	*n = (size_t)((slash ? slash : end) - s);
	*p = slash ? slash + 1 : end;
	return 0;
}

/* An id segment: a NUL inside it would end the copy early and let what
 * follows through unchecked. */
static int
acklink_copy_id(const char *s, size_t n, char out[PROTO_ID_MAX])
{
	if (n == 0 || n >= PROTO_ID_MAX || memchr(s, '\0', n))
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return proto_id_valid(out) ? 0 : -1;
}

/* Plain decimal, no sign, no leading zero, at most digits long. */
static int
acklink_number(const char *s, size_t n, size_t digits, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > digits || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
acklink_mac_chars(const char *s, size_t n)
{
	if (n != ACKLINK_MAC_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

enum acklink_status
acklink_parse(const char *path, size_t len, struct acklink *out)
{
	const char *p = path, *end = path + len, *s;
	size_t n, plen = strlen(ACKLINK_PREFIX);
	int64_t id;

	memset(out, 0, sizeof *out);
	if (!path || len < 3 || memcmp(path, "/a/", 3) != 0)
		return ACKLINK_NOT_LINK;
	if (len < plen || memcmp(path, ACKLINK_PREFIX, plen) != 0)
		return ACKLINK_MALFORMED;
	p += plen;
	if (acklink_segment(&p, end, &s, &n) < 0 ||
	    acklink_number(s, n, 18, &id) < 0 ||
	    acklink_copy_id(s, n, out->incident) < 0 ||
	    acklink_segment(&p, end, &s, &n) < 0 ||
	    acklink_copy_id(s, n, out->person) < 0 ||
	    acklink_segment(&p, end, &s, &n) < 0 ||
	    acklink_number(s, n, ACKLINK_EXPIRY_DIGITS, &out->expiry_s) < 0 ||
	    acklink_segment(&p, end, &s, &n) < 0 || !acklink_mac_chars(s, n) ||
	    s + n != end) {
		memset(out, 0, sizeof *out);
		return ACKLINK_MALFORMED;
	}
	memcpy(out->mac, s, n);
	out->mac[n] = '\0';
	return ACKLINK_OK;
}

enum acklink_status
acklink_verify(const struct acklink_key *k, const struct acklink *l,
    int64_t now_s)
{
	struct acklink want = *l;

	if (acklink_sign(k, &want) < 0)
		return ACKLINK_MALFORMED;
	/* the mac first: an expired forgery is a forgery */
	if (strlen(l->mac) != ACKLINK_MAC_LEN ||
	    !memeql_sec(want.mac, l->mac, ACKLINK_MAC_LEN))
		return ACKLINK_FORGED;
	if (l->expiry_s <= now_s)
		return ACKLINK_EXPIRED;
	return ACKLINK_OK;
}

const char *
acklink_status_text(enum acklink_status st)
{
	switch (st) {
	case ACKLINK_OK:
		return "valid";
	case ACKLINK_NOT_LINK:
		return "not a link";
	case ACKLINK_MALFORMED:
		return "malformed link";
	case ACKLINK_FORGED:
		return "signature does not match (forged or mistyped)";
	case ACKLINK_EXPIRED:
		return "expired";
	}
	return "?";
}

int
acklink_token(const struct acklink_key *k, const struct acklink *l,
    const char *nonce, int64_t issued_s, char out[ACKLINK_MAC_LEN + 1])
{
	char msg[320];
	int n = acklink_message("panic-form/1", k, l, msg, sizeof msg), m;

	out[0] = '\0';
	if (n < 0 || !nonce || strlen(nonce) != ACKLINK_NONCE_LEN ||
	    issued_s <= 0)
		return -1;
	m = snprintf(msg + n, sizeof msg - (size_t)n, "\n%s\n%" PRId64, nonce,
	    issued_s);
	if (m < 0 || (size_t)m >= sizeof msg - (size_t)n)
		return -1;
	acklink_mac(k, msg, (size_t)(n + m), out);
	return 0;
}

int
acklink_token_ok(const struct acklink_key *k, const struct acklink *l,
    const char *nonce, int64_t issued_s, const char *tok, size_t len)
{
	char want[ACKLINK_MAC_LEN + 1];

	if (len != ACKLINK_MAC_LEN ||
	    acklink_token(k, l, nonce, issued_s, want) < 0)
		return 0;
	return memeql_sec(want, tok, ACKLINK_MAC_LEN) ? 1 : 0;
}

int
acklink_nonce(char out[ACKLINK_NONCE_LEN + 1])
{
	uint8_t r[16];
	char b[BASE64_ENCODE_LENGTH(16) + 4];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	acklink_b64url(r, sizeof r, b);
	memcpy(out, b, ACKLINK_NONCE_LEN + 1);
	return 0;
}

int
acklink_csp_hash(const char *text, char *out, size_t size)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char b[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
	int n;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(text), (const uint8_t *)text);
	sha256_digest(&ctx, sizeof d, d);
	base64_encode_raw(b, sizeof d, d);
	b[sizeof b - 1] = '\0';
	n = snprintf(out, size, "sha256-%s", b);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
