/* test_web_page.c: the acknowledgement pages' HTML — escaping of every
 * piece of text, both languages, the forms only while the incident is
 * open, and nothing that would load or run anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web_page.h"

#define EVIL "<script>alert('x')</script>&\""

static void
test_escape(void **state)
{
	struct wbuf b = { 0 };

	(void)state;
	wbuf_esc(&b, "a<b>&\"c'd");
	assert_string_equal(b.p, "a&lt;b&gt;&amp;&quot;c&#39;d");
	wbuf_free(&b);
	wbuf_esc(&b, "");
	wbuf_esc(&b, "3番窓口");
	assert_string_equal(b.p, "3番窓口");
	assert_int_equal(b.len, strlen("3番窓口"));
	wbuf_free(&b);
	/* growth across the first buffer */
	for (int i = 0; i < 3000; i++)
		wbuf_esc(&b, "<>");
	assert_int_equal(b.len, 3000 * 8);
	assert_false(b.failed);
	wbuf_free(&b);
}

static struct web_view
view(void)
{
	struct web_view v;

	memset(&v, 0, sizeof v);
	v.label = EVIL;
	v.location = EVIL;
	v.counter = "c03";
	v.incident = "12";
	v.kind = PROTO_KIND_EMERGENCY;
	v.state = PROTO_IST_PAGING;
	v.elapsed_ms = 125000;
	v.person_name = EVIL;
	v.people[0] = (struct web_pview){ EVIL, WEB_P_ACKED };
	v.people[1] = (struct web_pview){ "田中", WEB_P_PAGED };
	v.npeople = 2;
	v.open = 1;
	v.nonce = "nnnnnnnnnnnnnnnnnnnnnn";
	v.token = "tok\"en";
	v.issued_s = 1795000000;
	v.show_resolve = 1;	/* ?resolve: the form, before an answer */
	return v;
}

static void
test_incident_page(void **state)
{
	struct web_view v = view();
	struct wbuf b = { 0 };

	(void)state;
	web_page_incident(&b, &v);
	assert_false(b.failed);
	assert_null(strstr(b.p, "<script"));
	assert_null(strstr(b.p, "alert('"));
	assert_non_null(strstr(b.p, "&lt;script&gt;alert(&#39;x&#39;)"));
	assert_non_null(strstr(b.p, "value=\"tok&quot;en\""));
	assert_non_null(strstr(b.p, "<html lang=\"ja\">"));
	assert_non_null(strstr(b.p, "class=\"emergency\""));
	assert_non_null(strstr(b.p, "緊急"));
	assert_non_null(strstr(b.p, "2 分 5 秒"));
	assert_non_null(strstr(b.p, "2 min 5 s"));
	assert_non_null(strstr(b.p, "田中: 呼出中"));
	assert_non_null(strstr(b.p, "value=\"ack\""));
	assert_non_null(strstr(b.p, "value=\"harassment\""));
	assert_non_null(strstr(b.p, "maxlength=\"500\""));
	assert_null(strstr(b.p, "value=\"none\""));
	/* nothing preselected; the answers above the facts (on a phone,
	 * the resolve form is not below the fold) */
	assert_non_null(strstr(b.p, "<option value=\"\" selected disabled>"));
	assert_null(strstr(strstr(b.p, "selected disabled>") + 1, "selected"));
	assert_true(strstr(b.p, "value=\"resolve\"") < strstr(b.p, "経過"));
	assert_null(strstr(b.p, "src="));
	/* the one link reloads the page itself: nothing from outside */
	assert_non_null(strstr(b.p, "<a href=\"\">"));
	assert_null(strstr(b.p, "href=\"h"));
	assert_null(strstr(b.p, "http-equiv"));
	wbuf_free(&b);

	/* before an answer, on the page that reloads itself: the resolve
	 * form is a page of its own, so a note is never typed there */
	v.show_resolve = 0;
	web_page_incident(&b, &v);
	assert_non_null(strstr(b.p, "<a href=\"?resolve=1\">"));
	assert_null(strstr(b.p, "<textarea"));
	assert_non_null(strstr(b.p, "value=\"ack\""));
	wbuf_free(&b);
	v.show_resolve = 1;

	/* reloading itself while open; a refused form with what was typed */
	v.refresh_s = 20;
	v.msg_ja = "分類を選んでください";
	v.msg_en = "Choose a category";
	v.msg_err = 1;
	v.note_typed = "二名で対応 <b>";
	v.category_typed = PROTO_CAT_COMPLAINT;
	web_page_incident(&b, &v);
	assert_non_null(strstr(b.p, "<meta http-equiv=\"refresh\" "
	    "content=\"20\">"));
	assert_non_null(strstr(b.p, "<p class=\"err\">分類を選んでください"));
	assert_non_null(strstr(b.p, ">二名で対応 &lt;b&gt;</textarea>"));
	assert_non_null(strstr(b.p, "value=\"complaint\" selected"));
	assert_null(strstr(b.p, "<option value=\"\" selected"));
	wbuf_free(&b);
	v.refresh_s = 0;
	v.msg_err = 0;
	v.note_typed = NULL;
	v.category_typed = PROTO_CAT_NONE;

	/* acknowledged already: no second ack button; closed: no forms */
	v.person_acked = 1;
	v.msg_ja = "済";
	v.msg_en = "Done: ack";
	web_page_incident(&b, &v);
	assert_null(strstr(b.p, "value=\"ack\""));
	assert_non_null(strstr(b.p, "value=\"on_scene\""));
	assert_non_null(strstr(b.p, "class=\"banner\""));
	wbuf_free(&b);
	v.open = 0;
	v.state = PROTO_IST_RESOLVED;
	v.category = PROTO_CAT_HARASSMENT;
	web_page_incident(&b, &v);
	assert_null(strstr(b.p, "<form"));
	assert_non_null(strstr(b.p, "カスタマーハラスメント"));
	wbuf_free(&b);
}

static void
test_error_page(void **state)
{
	struct wbuf b = { 0 };

	(void)state;
	web_page_error(&b, "無効 <x>", "Not valid <x>");
	assert_non_null(strstr(b.p, "無効 &lt;x&gt;"));
	assert_non_null(strstr(b.p, "Not valid &lt;x&gt;"));
	assert_non_null(strstr(b.p, "<meta name=\"viewport\""));
	assert_null(strstr(b.p, "<form"));
	wbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_incident_page),
		cmocka_unit_test(test_error_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
