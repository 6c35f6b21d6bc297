/* test_hub_ackweb.c: the one-tap acknowledgement through the real hubd,
 * broker and board — the link taken from the page message, the page it
 * opens, an acknowledgement posted with the page's form token (the desk
 * is told, the database has it, the log says it came by link); forged,
 * expired, mistyped, replayed and cross-site requests refused with error
 * pages and nothing changed; the resolve form (limits in characters, a
 * refused form keeps what was typed); and the same in headless Chromium
 * through Selenium, with every text's contrast measured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acklink.h"
#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "http.h"
#include "proto.h"
#include "sys.h"

#define KEY	"0123456789abcdef0123456789abcdef-test-key"
#define CHROMIUM "/usr/bin/chromium"
#define CHROMEDRIVER "/usr/bin/chromedriver"

struct web_t {
	struct harness *h;
	int port;
	char base[64];
};

static int
teardown(void **state)
{
	struct web_t *t = *state;
	int rc = t ? h_free(t->h) : 0;

	free(t);
	*state = NULL;
	return rc;
}

/* hubd with a web section on a free loopback port, and board c1. */
static int
start(struct web_t *t)
{
	char extra[512];
	const char *key = h_write(t->h, "link.key", "%s", KEY);

	t->port = sys_free_port();
	snprintf(t->base, sizeof t->base, "http://127.0.0.1:%d", t->port);
	if (!key || chmod(key, 0600) < 0)
		return -1;
	/* a trailing slash in base_url is dropped */
	snprintf(extra, sizeof extra, "web = { listen = \"127.0.0.1\"; port = %d;"
	    " base_url = \"%s/\"; key_file = \"%s\"; link_ttl_s = 600; };",
	    t->port, t->base, key);
	if (!fx_counter_conf(t->h, "c1", NULL) ||
	    !fx_hub_conf(t->h, 30000, NULL, extra) || fx_hub_start(t->h) < 0 ||
	    fx_counter_start(t->h, "c1") < 0)
		return -1;
	return 0;
}

static int
setup(void **state)
{
	struct web_t *t = calloc(1, sizeof *t);

	*state = t;
	if (!t || !(t->h = h_new()) || start(t) < 0) {
		/* cmocka skips the teardown of a failed setup */
		teardown(state);
		return -1;
	}
	return 0;
}

/* Press at c1; the page to sup must carry sup's link for the incident. */
static void
press_for_link(struct web_t *t, struct proto_page *pg)
{
	char prefix[128];

	assert_int_equal(fx_press(t->h, "c1", 50), 0);
	fx_expect_page(t->h, "sup", pg, 5000, 1, "1");
	snprintf(prefix, sizeof prefix, "%s/a/1/%s/sup/", t->base, pg->incident);
	fprintf(stderr, "# ack_url %s\n", pg->ack_url);
	assert_memory_equal(pg->ack_url, prefix, strlen(prefix));
	assert_true(h_wait_file(t->h, "c1.sock.outputs",
	    "desk 1 pattern=received", 5000));
}

static const char *
path_of(const struct web_t *t, const char *url)
{
	return url + strlen(t->base);
}

/* POST a form to path with the Origin header given (NULL: none). */
static int
post(struct web_t *t, const char *path, const char *origin,
    const char *form, struct http_resp *r)
{
	char hdr[160] = "";

	if (origin)
		snprintf(hdr, sizeof hdr, "Origin: %s\r\n", origin);
	return http_do(t->port, "POST", path, hdr, form, r);
}

/* The page's form fields n, t, c as a form body with action. */
static void
form_of(const char *html, const char *action, char *buf, size_t size)
{
	char n[64], ts[32], c[64];

	assert_non_null(http_input(html, "n", n, sizeof n));
	assert_non_null(http_input(html, "t", ts, sizeof ts));
	assert_non_null(http_input(html, "c", c, sizeof c));
	snprintf(buf, size, "n=%s&t=%s&c=%s&action=%s", n, ts, c, action);
}

static int64_t
acks(struct web_t *t)
{
	return h_sql_int(t->h, "hub.db", "SELECT count(*) FROM acks");
}

static void
test_ack_by_link(void **state)
{
	struct web_t *t = *state;
	struct proto_page pg = { 0 };
	struct proto_feedback fb;
	struct http_resp r, r2;
	char form[256], v[256];

	press_for_link(t, &pg);
	assert_int_equal(http_do(t->port, "GET", path_of(t, pg.ack_url), NULL,
	    NULL, &r), 200);
	assert_non_null(strstr(r.body, "1番窓口"));
	assert_non_null(strstr(r.body, "入口右手"));
	assert_non_null(strstr(r.body, "応援要請"));
	assert_non_null(strstr(r.body, "佐藤 花子"));
	assert_non_null(strstr(r.body, "value=\"ack\""));
	assert_non_null(strstr(r.body, "value=\"decline\""));
	assert_non_null(strstr(r.body, "value=\"on_scene\""));
	/* the resolve form is a page of its own before an answer */
	assert_non_null(strstr(r.body, "href=\"?resolve=1\""));
	assert_null(strstr(r.body, "<script"));
	assert_string_equal(http_header(&r, "X-Frame-Options", v, sizeof v),
	    "DENY");
	assert_string_equal(http_header(&r, "Cache-Control", v, sizeof v),
	    "no-store");
	assert_string_equal(http_header(&r, "Referrer-Policy", v, sizeof v),
	    "same-origin");
	assert_non_null(http_header(&r, "Content-Security-Policy", v, sizeof v));
	assert_non_null(strstr(v, "default-src 'none'"));
	form_of(r.body, "ack", form, sizeof form);

	assert_int_equal(post(t, path_of(t, pg.ack_url), t->base, form, &r2), 200);
	assert_non_null(strstr(r2.body, "Done: ack"));
	assert_int_equal(fx_wait_state(t->h, "c1", PROTO_IST_ACKNOWLEDGED, 1,
	    &fb, 5000), 0);
	assert_true(h_wait_sql(t->h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " acks WHERE incident = %s AND person = 'sup'", pg.incident));
	assert_true(h_wait_sql(t->h, "hub.db", 1, 5000, "SELECT count(*) FROM log"
	    " WHERE kind = 'in' AND topic = 'web/pager/sup/reply' AND incident = %s",
	    pg.incident));
	assert_true(h_wait_log(t->h, "hubd", "web: incident 1: ack from sup by "
	    "link", 5000));

	/* the same post again: a replay, refused, nothing changes */
	http_free(&r2);
	assert_int_equal(post(t, path_of(t, pg.ack_url), t->base, form, &r2), 409);
	assert_non_null(strstr(r2.body, "already sent"));
	h_pump(t->h, 300);
	assert_int_equal(acks(t), 1);
	http_free(&r);
	http_free(&r2);
}

/* How often needle occurs in s. */
static int
count_of(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

/* s percent-encoded for a form body, into buf. */
static void
form_escape(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "%%%02X", c);
	}
	buf[o] = '\0';
}

/* n characters of Japanese: "対" is 3 bytes, 9 percent-encoded. */
static char *
japanese(int n)
{
	char *s = malloc((size_t)n * 3 + 1);

	assert_non_null(s);
	for (int i = 0; i < n; i++)
		memcpy(s + 3 * i, "対", 3);
	s[3 * n] = '\0';
	return s;
}

/* Post the resolve form of html with category and note. */
static int
post_resolve(struct web_t *t, const char *path, const char *html,
    const char *category, const char *note, struct http_resp *r)
{
	size_t size = strlen(note) * 3 + 512;
	char *form = malloc(size), *esc = malloc(size);
	int st;

	assert_non_null(form);
	assert_non_null(esc);
	form_of(html, "resolve", form, size);
	form_escape(note, esc, size);
	snprintf(form + strlen(form), size - strlen(form),
	    "&category=%s&note=%s", category, esc);
	st = post(t, path, t->base, form, r);
	free(form);
	free(esc);
	return st;
}

/* The resolve form as a phone shows it: no category preselected, the
 * viewer not among "who else", the page fresh until they answer; a note
 * limited in characters (400 of Japanese, 1,200 bytes, is fine), and a
 * refused form comes back with what was typed and why, nothing recorded. */
static void
test_resolve_form_keeps_what_was_typed(void **state)
{
	struct web_t *t = *state;
	struct proto_page pg = { 0 };
	struct http_resp r, r2, first;
	char form[256], rpath[ACKLINK_URL_MAX + 16];
	char *long_note = japanese(PROTO_NOTE_CHARS + 1);
	char *note = japanese(400);
	const char *path;

	press_for_link(t, &pg);
	path = path_of(t, pg.ack_url);
	/* the page reloads itself, and the resolve form is a page of its
	 * own (?resolve), which does not: a note is never typed on a page
	 * that reloads */
	assert_int_equal(http_do(t->port, "GET", path, NULL, NULL, &r), 200);
	assert_non_null(strstr(r.body, "<meta http-equiv=\"refresh\""));
	assert_null(strstr(r.body, "<textarea"));
	http_free(&r);
	snprintf(rpath, sizeof rpath, "%s?resolve=1", path);
	assert_int_equal(http_do(t->port, "GET", rpath, NULL, NULL, &r), 200);
	assert_int_equal(http_do(t->port, "GET", rpath, NULL, NULL, &first),
	    200);
	assert_null(strstr(r.body, "http-equiv"));
	assert_non_null(strstr(r.body, "<option value=\"\" selected disabled>"));
	assert_int_equal(count_of(r.body, " selected"), 1);
	assert_non_null(strstr(r.body, "maxlength=\"500\""));
	assert_null(strstr(r.body, "<li>佐藤 花子"));	/* the viewer */
	assert_non_null(strstr(r.body, "<li>—</li>"));

	/* 501 characters: refused, the text and the category come back */
	assert_int_equal(post_resolve(t, path, r.body, "harassment", long_note,
	    &r2), 422);
	assert_non_null(strstr(r2.body, "The note can have at most 500 "
	    "characters; it has 501"));
	assert_non_null(strstr(r2.body, "メモは500文字までです（501文字あります）"));
	assert_non_null(strstr(r2.body, long_note));
	assert_non_null(strstr(r2.body, "value=\"harassment\" selected"));
	assert_null(strstr(r2.body, "http-equiv=\"refresh\""));
	http_free(&r);
	r = r2;

	/* no category: refused, the note kept; a refused form did not use
	 * up its token, so the first page's form still works */
	assert_int_equal(post_resolve(t, path, first.body, "", note, &r2), 422);
	assert_non_null(strstr(r2.body, "Choose a category"));
	assert_non_null(strstr(r2.body, note));
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM"
	    " incidents WHERE closed_at IS NOT NULL"), 0);
	http_free(&r);
	r = r2;

	/* acknowledged with the first page's token at last: the page stops
	 * reloading itself; that token is used up now */
	form_of(first.body, "ack", form, sizeof form);
	assert_int_equal(post(t, path, t->base, form, &r2), 200);
	assert_null(strstr(r2.body, "http-equiv=\"refresh\""));
	http_free(&r);
	r = r2;
	assert_int_equal(post(t, path, t->base, form, &r2), 409);
	http_free(&r2);

	/* 400 characters of Japanese, 1,200 bytes: recorded whole */
	assert_int_equal(post_resolve(t, path, r.body, "harassment", note,
	    &r2), 200);
	assert_non_null(strstr(r2.body, "Done: resolve"));
	assert_true(h_wait_sql(t->h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND category = 'harassment' AND"
	    " length(note) = 400 AND note = '%s' AND resolved_by = 'sup'",
	    pg.incident, note));
	http_free(&r);
	http_free(&r2);
	/* the page of a call that is over: who resolved it, how long it
	 * took (a clock that no longer runs), and no one left "paged" */
	assert_int_equal(http_do(t->port, "GET", path, NULL, NULL, &r), 200);
	assert_non_null(strstr(r.body, "Resolved by</span></dt><dd>佐藤 花子"));
	assert_non_null(strstr(r.body, "from the press to the close"));
	assert_null(strstr(r.body, "since the press"));
	assert_null(strstr(r.body, "呼出中"));
	assert_null(strstr(r.body, "http-equiv"));
	http_free(&r);
	{
		char *out;

		assert_int_equal(FX_PC(t->h, &out, "incident", pg.incident, "-c",
		    h_path(t->h, "hub.conf")), 0);
		assert_non_null(strstr(out, "after the press, by sup (佐藤 花子)"));
		free(out);
	}
	http_free(&first);
	free(note);
	free(long_note);
}

/* A request that must be refused with status, and its page saying so. */
static void
refused(struct web_t *t, const char *method, const char *path,
    const char *origin, const char *form, int status, const char *says)
{
	struct http_resp r;
	int got = strcmp(method, "POST") == 0 ?
	    post(t, path, origin, form, &r) :
	    http_do(t->port, method, path, NULL, NULL, &r);

	fprintf(stderr, "# %s %s: %d\n", method, path, got);
	assert_int_equal(got, status);
	assert_non_null(strstr(r.body, says));
	assert_non_null(strstr(r.body, "lang=\"ja\""));
	assert_null(strstr(r.body, "<form"));
	http_free(&r);
}

/* The link with one character of part (0 incident, 1 person, 2 expiry,
 * 3 mac) changed. */
static void
tamper(const char *url, int part, char *out, size_t size)
{
	char *p;

	snprintf(out, size, "%s", url);
	p = strstr(out, "/a/1/") + 5;
	for (int i = 0; i < part; i++)
		p = strchr(p, '/') + 1;
	*p = *p == '1' ? '2' : *p == 's' ? 'b' : *p == 'A' ? 'B' : '1';
}

static void
test_refusals_change_nothing(void **state)
{
	struct web_t *t = *state;
	const struct acklink_key k = { (const unsigned char *)KEY,
	    strlen(KEY), FX_SITE };
	struct proto_page pg = { 0 };
	struct acklink l = { .expiry_s = clock_wall_ms() / 1000 - 5 };
	struct http_resp r;
	char bad[ACKLINK_URL_MAX], form[256], path[ACKLINK_URL_MAX];
	size_t feedback;

	press_for_link(t, &pg);
	h_pump(t->h, 300);	/* the receipt */
	feedback = h_count(t->h, "panic/t/counter/c1/feedback");
	for (int part = 0; part < 4; part++) {
		tamper(pg.ack_url, part, bad, sizeof bad);
		refused(t, "GET", path_of(t, bad), NULL, NULL, 403, "not valid");
		refused(t, "POST", path_of(t, bad), t->base, "action=ack", 403,
		    "not valid");
	}
	/* expired: signed with the right key, but too late */
	snprintf(l.incident, sizeof l.incident, "%s", pg.incident);
	snprintf(l.person, sizeof l.person, "sup");
	assert_int_equal(acklink_sign(&k, &l), 0);
	assert_true(acklink_format("", &l, path, sizeof path) > 0);
	refused(t, "GET", path, NULL, NULL, 410, "expired");
	/* mistyped: cut short, or a path that is no link at all */
	snprintf(path, sizeof path, "%s", path_of(t, pg.ack_url));
	path[strlen(path) - 5] = '\0';
	refused(t, "GET", path, NULL, NULL, 404, "mistyped");
	refused(t, "GET", "/a/1/", NULL, NULL, 404, "mistyped");
	refused(t, "GET", "/index.html", NULL, NULL, 404, "Page not found");
	refused(t, "DELETE", path_of(t, pg.ack_url), NULL, NULL, 405,
	    "not allowed");

	/* cross-site posts: another Origin, or no valid form token */
	assert_int_equal(http_do(t->port, "GET", path_of(t, pg.ack_url), NULL,
	    NULL, &r), 200);
	form_of(r.body, "ack", form, sizeof form);
	refused(t, "POST", path_of(t, pg.ack_url), "http://evil.example", form,
	    403, "another site");
	refused(t, "POST", path_of(t, pg.ack_url), NULL, "action=ack", 403,
	    "not valid");
	form[strlen("n=") + 2] ^= 1;	/* the nonce no longer matches */
	refused(t, "POST", path_of(t, pg.ack_url), t->base, form, 403,
	    "not valid");
	http_free(&r);

	h_pump(t->h, 300);
	assert_int_equal(acks(t), 0);
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND state = 'paging' AND acked_at IS NULL",
	    pg.incident), 1);
	/* stored: only refusals of links we signed (expired, and the three
	 * bad posts on the real link); the rest anyone could send by the
	 * thousand */
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM log"
	    " WHERE kind = 'reject' AND topic = 'web'"), 4);
	assert_true(h_wait_log(t->h, "hubd", "web: refused (16 so far)", 5000));
	/* a flood of junk: answered, not stored, and its log lines capped
	 * at 20 a minute (12 of the refusals above were junk) */
	for (int i = 0; i < 30; i++)
		refused(t, "GET", "/wp-login.php", NULL, NULL, 404,
		    "Page not found");
	h_pump(t->h, 200);
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM log"
	    " WHERE kind = 'reject' AND topic = 'web'"), 4);
	assert_true(h_wait_log(t->h, "hubd", "web: refused (24 so far)", 5000));
	{
		char *log = h_read(t->h, "hubd.log");

		assert_non_null(log);
		assert_null(strstr(log, "web: refused (25 so far)"));
		free(log);
	}
	/* a body over the 16 kB a form needs (500 characters of note,
	 * percent-encoded) is refused unread */
	{
		static char big[20000];

		memset(big, 'x', sizeof big - 1);
		memcpy(big, "action=ack&note=", 16);
		refused(t, "POST", path_of(t, pg.ack_url), t->base, big, 400,
		    "not valid");
	}
	assert_int_equal(acks(t), 0);
	assert_int_equal(h_count(t->h, "panic/t/counter/c1/feedback"), feedback);
	/* the database keeps pages without their links: a stored link would
	 * act for its person until it expires */
	assert_true(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM log WHERE"
	    " kind = 'out' AND topic LIKE '%%/pager/%%'") > 0);
	assert_int_equal(h_sql_int(t->h, "hub.db", "SELECT count(*) FROM log"
	    " WHERE body LIKE '%%/a/1/%%'"), 0);
	/* no log line gives a link's signature away, not even a part */
	{
		char *log = h_read(t->h, "hubd.log"), part[12];

		snprintf(part, sizeof part, "%s", strrchr(pg.ack_url, '/') + 1);
		assert_non_null(log);
		assert_null(strstr(log, part));
		free(log);
	}
}

/* Run browser_ack.py MODE URL in headless Chromium with a new profile;
 * what it printed, to free (the test fails if it did not succeed). */
static char *
browse(struct web_t *t, const char *mode, const char *url)
{
	static int runs;
	char script[PATH_MAX], profile[32];
	char *out;
	int rc;

	/* make test installs chromium: its absence is a failure */
	if (access(CHROMIUM, X_OK) != 0 || access(CHROMEDRIVER, X_OK) != 0)
		fail_msg("%s or %s is missing (make deps installs them)",
		    CHROMIUM, CHROMEDRIVER);
	/* the runner works from the top of the tree; children in the test's
	 * directory */
	assert_non_null(realpath("tests/integration/browser_ack.py", script));
	snprintf(profile, sizeof profile, "profile%d", ++runs);
	h_write(t->h, "browser.log", "%s", "");
	rc = h_run(t->h, "browser", 20000, "/usr/bin/python3", script,
	    CHROMIUM, h_path(t->h, profile), mode, url, (char *)NULL);
	out = h_read(t->h, "browser.log");
	assert_int_equal(rc, 0);
	assert_non_null(out);
	return out;
}

/* Chromium on a phone-sized window opens the link from a page, taps
 * "acknowledge"; the desk is told; every text has WCAG AA contrast. A
 * tampered link shows the error page. */
static void
test_browser(void **state)
{
	struct web_t *t = *state;
	struct proto_page pg = { 0 };
	struct proto_feedback fb;
	char bad[ACKLINK_URL_MAX], url[ACKLINK_URL_MAX + 16];
	char *out;

	press_for_link(t, &pg);
	h_write(t->h, "launch.html", "<!DOCTYPE html><meta charset=\"utf-8\">"
	    "<p><a id=\"link\" href=\"%s\">呼び出しを開く</a></p>", pg.ack_url);
	snprintf(url, sizeof url, "file://%s", h_path(t->h, "launch.html"));
	out = browse(t, "ack", url);
	assert_non_null(strstr(out, "=== link"));
	assert_non_null(strstr(out, "1番窓口"));
	assert_non_null(strstr(out, "Done: ack"));
	/* every text of both pages measured against WCAG AA, none low
	 * (browse fails on a low one; this says it was measured at all) */
	assert_non_null(strstr(out, "contrast: "));
	assert_null(strstr(out, "LOW CONTRAST"));
	free(out);
	assert_int_equal(fx_wait_state(t->h, "c1", PROTO_IST_ACKNOWLEDGED, 1,
	    &fb, 5000), 0);
	assert_true(h_wait_sql(t->h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " acks WHERE incident = %s AND person = 'sup'", pg.incident));

	tamper(pg.ack_url, 3, bad, sizeof bad);
	out = browse(t, "open", bad);
	assert_non_null(strstr(out, "This link is not valid"));
	assert_null(strstr(out, "1番窓口"));
	free(out);
	assert_int_equal(acks(t), 1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ack_by_link),
		T(test_refusals_change_nothing),
		T(test_resolve_form_keeps_what_was_typed),
		T(test_browser),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
