/* test_acklink.c: acknowledgement links and form tokens — a signed link
 * verifies; a change to any field, another key or site, or time past its
 * expiry does not; malformed and overlong paths of every field are
 * refused before any checking; acklink_make writes the full URL or
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "acklink.h"
#include "clock.h"
#include "hub.h"

#define KEY	"0123456789abcdef0123456789abcdef"
#define NOW	1795000000

static const struct acklink_key key = { (const unsigned char *)KEY, 32, "b1" };

static struct acklink
signed_link(void)
{
	struct acklink l = { "1187", "sato", NOW + 600, "" };

	assert_int_equal(acklink_sign(&key, &l), 0);
	assert_int_equal(strlen(l.mac), ACKLINK_MAC_LEN);
	return l;
}

static void
test_sign_verify(void **state)
{
	struct acklink l = signed_link(), back;
	char url[ACKLINK_URL_MAX];
	int n;

	(void)state;
	n = acklink_format("http://hub:8080", &l, url, sizeof url);
	assert_true(n > 0);
	assert_int_equal(n, (int)strlen(url));
	assert_memory_equal(url, "http://hub:8080/a/1/1187/sato/1795000600/",
	    41);
	assert_int_equal(acklink_parse(url + 15, strlen(url + 15), &back),
	    ACKLINK_OK);
	assert_string_equal(back.incident, l.incident);
	assert_string_equal(back.person, l.person);
	assert_int_equal(back.expiry_s, l.expiry_s);
	assert_string_equal(back.mac, l.mac);
	assert_int_equal(acklink_verify(&key, &back, NOW), ACKLINK_OK);
	assert_int_equal(acklink_verify(&key, &back, NOW + 599), ACKLINK_OK);
	assert_int_equal(acklink_verify(&key, &back, NOW + 600),
	    ACKLINK_EXPIRED);
	/* deterministic: the same fields sign the same */
	assert_string_equal(signed_link().mac, l.mac);
	/* too small a buffer: nothing half written */
	assert_int_equal(acklink_format("http://hub", &l, url, 40), -1);
	assert_string_equal(url, "");
}

static void
test_tampered(void **state)
{
	const struct acklink_key other = { (const unsigned char *)KEY "x", 33,
	    "b1" };
	const struct acklink_key site2 = { (const unsigned char *)KEY, 32, "b2" };
	struct acklink l;

	(void)state;
	l = signed_link();
	snprintf(l.incident, sizeof l.incident, "1188");
	assert_int_equal(acklink_verify(&key, &l, NOW), ACKLINK_FORGED);
	l = signed_link();
	snprintf(l.person, sizeof l.person, "satou");
	assert_int_equal(acklink_verify(&key, &l, NOW), ACKLINK_FORGED);
	l = signed_link();
	l.expiry_s += 86400;		/* a longer life, forged */
	assert_int_equal(acklink_verify(&key, &l, NOW), ACKLINK_FORGED);
	l = signed_link();
	l.mac[10] = l.mac[10] == 'A' ? 'B' : 'A';
	assert_int_equal(acklink_verify(&key, &l, NOW), ACKLINK_FORGED);
	l = signed_link();
	l.mac[ACKLINK_MAC_LEN - 1] = '\0';
	assert_int_equal(acklink_verify(&key, &l, NOW), ACKLINK_FORGED);
	l = signed_link();
	assert_int_equal(acklink_verify(&other, &l, NOW), ACKLINK_FORGED);
	assert_int_equal(acklink_verify(&site2, &l, NOW), ACKLINK_FORGED);
	/* an expired forgery is reported as forged */
	l.mac[0] ^= 1;
	assert_int_equal(acklink_verify(&key, &l, NOW + 10000), ACKLINK_FORGED);
}

/* pattern with '@' replaced by mac, into out. */
static void
expand(const char *pattern, const char *mac, char *out, size_t size)
{
	const char *at = strchr(pattern, '@');

	if (at)
		snprintf(out, size, "%.*s%s%s", (int)(at - pattern), pattern, mac,
		    at + 1);
	else
		snprintf(out, size, "%s", pattern);
}

static void
test_malformed(void **state)
{
	static const char mac[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
	static const struct { const char *path; enum acklink_status want; }
	    cases[] = {
		{ "/", ACKLINK_NOT_LINK },
		{ "/favicon.ico", ACKLINK_NOT_LINK },
		{ "/a", ACKLINK_NOT_LINK },
		{ "/a/", ACKLINK_MALFORMED },
		{ "/a/2/1/sato/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600", ACKLINK_MALFORMED },
		{ "/a/1//sato/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/01/sato/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/-1/sato/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1x/sato/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1234567890123456789/sato/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1//1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1/sa.to/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1/sa%20to/1795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1/abcdefghijklmnopqrstuvwxyz0123456/1795000600/@",
		  ACKLINK_MALFORMED },
		{ "/a/1/1/sato//@", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/0/@", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/01795000600/@", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600000/@", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/17950006e0/@", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/@/", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/@/x", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/@Q", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/abc", ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP=",
		  ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP+",
		  ACKLINK_MALFORMED },
		{ "/a/1/1/sato/1795000600/@", ACKLINK_OK },
	};
	struct acklink l;
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		enum acklink_status got;

		expand(cases[i].path, mac, path, sizeof path);
		got = acklink_parse(path, strlen(path), &l);
		if (got != cases[i].want)
			fail_msg("case %zu %s: got %s", i, path,
			    acklink_status_text(got));
		if (got != ACKLINK_OK)
			assert_string_equal(l.incident, "");
	}
	/* the length bounds the parse: a valid link cut by len is not one */
	snprintf(path, sizeof path, "/a/1/1/sato/1795000600/%s", mac);
	assert_int_equal(acklink_parse(path, strlen(path) - 1, &l),
	    ACKLINK_MALFORMED);
	assert_int_equal(acklink_parse(path, 0, &l), ACKLINK_NOT_LINK);
}

static void
test_overlong(void **state)
{
	struct acklink l = { "1", "", NOW, "" };
	char big[4096];

	(void)state;
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "/a/1/", 5);
	assert_int_equal(acklink_parse(big, strlen(big), &l), ACKLINK_MALFORMED);
	/* fields that are not ids cannot be signed */
	assert_int_equal(acklink_sign(&key, &l), -1);
	snprintf(l.person, sizeof l.person, "a b");
	assert_int_equal(acklink_sign(&key, &l), -1);
	snprintf(l.person, sizeof l.person, "sato");
	l.expiry_s = 0;
	assert_int_equal(acklink_sign(&key, &l), -1);
	l.expiry_s = NOW;
	assert_int_equal(acklink_sign(&(struct acklink_key){
	    (const unsigned char *)KEY, 0, "b1" }, &l), -1);
	assert_int_equal(acklink_sign(&(struct acklink_key){
	    (const unsigned char *)KEY, 32, "b/1" }, &l), -1);
}

static void
test_tokens(void **state)
{
	struct acklink l = signed_link(), m = signed_link();
	char n1[ACKLINK_NONCE_LEN + 1], n2[ACKLINK_NONCE_LEN + 1];
	char tok[ACKLINK_MAC_LEN + 1];

	(void)state;
	assert_int_equal(acklink_nonce(n1), 0);
	assert_int_equal(acklink_nonce(n2), 0);
	assert_int_equal(strlen(n1), ACKLINK_NONCE_LEN);
	assert_string_not_equal(n1, n2);
	assert_int_equal(acklink_token(&key, &l, n1, NOW, tok), 0);
	assert_true(acklink_token_ok(&key, &l, n1, NOW, tok, strlen(tok)));
	assert_false(acklink_token_ok(&key, &l, n2, NOW, tok, strlen(tok)));
	assert_false(acklink_token_ok(&key, &l, n1, NOW + 1, tok, strlen(tok)));
	assert_false(acklink_token_ok(&key, &l, n1, NOW, tok, strlen(tok) - 1));
	snprintf(m.person, sizeof m.person, "tanaka");
	assert_false(acklink_token_ok(&key, &m, n1, NOW, tok, strlen(tok)));
	/* a form token is never a link's mac, nor the reverse */
	assert_string_not_equal(tok, l.mac);
	assert_int_equal(acklink_token(&key, &l, "short", NOW, tok), -1);
	assert_int_equal(acklink_token(&key, &l, n1, 0, tok), -1);
}

static void
test_csp_hash(void **state)
{
	char h[80];

	(void)state;
	assert_int_equal(acklink_csp_hash("", h, sizeof h), 0);
	assert_string_equal(h, "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	assert_int_equal(acklink_csp_hash("", h, 20), -1);
}

static void
test_make(void **state)
{
	struct hub_conf c;
	struct hub h;
	char url[ACKLINK_URL_MAX];
	struct acklink l;
	const char *path;
	int64_t now = clock_wall_ms() / 1000;
	int n;

	(void)state;
	memset(&c, 0, sizeof c);
	memset(&h, 0, sizeof h);
	h.conf = &c;
	snprintf(c.site, sizeof c.site, "b1");
	assert_int_equal(acklink_make(&h, 12, "sato", url, sizeof url), 0);
	assert_string_equal(url, "");	/* no web section: no link */
	c.web.enabled = 1;
	c.web.link_ttl_s = 3600;
	memcpy(c.web.key, KEY, 32);
	c.web.keylen = 32;
	snprintf(c.web.base_url, sizeof c.web.base_url, "https://hub.b1/x");
	n = acklink_make(&h, 12, "sato", url, sizeof url);
	assert_int_equal(n, (int)strlen(url));
	path = url + strlen("https://hub.b1/x");
	assert_memory_equal(url, "https://hub.b1/x/a/1/12/sato/", 29);
	assert_int_equal(acklink_parse(path, strlen(path), &l), ACKLINK_OK);
	assert_true(l.expiry_s >= now + 3600 && l.expiry_s <= now + 3601);
	assert_int_equal(acklink_verify(&key, &l, now), ACKLINK_OK);
	assert_int_equal(acklink_make(&h, 0, "sato", url, sizeof url), -1);
	assert_int_equal(acklink_make(&h, 12, "sa to", url, sizeof url), -1);
	assert_int_equal(acklink_make(&h, 12, "sato", url, 30), -1);
	assert_string_equal(url, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_csp_hash),
		cmocka_unit_test(test_make),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
