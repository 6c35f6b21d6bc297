/* test_web_form.c: form fields and URL origins — decoding, bounds, fields
 * given twice or cut short, names that are prefixes of others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web_form.h"

static int
get(const char *body, const char *name, char *out, size_t size)
{
	return web_form_get(body, strlen(body), name, out, size);
}

static void
test_fields(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(get("n=abc&action=ack", "action", v, sizeof v), 3);
	assert_string_equal(v, "ack");
	assert_int_equal(get("nn=1&n=2", "n", v, sizeof v), 1);
	assert_string_equal(v, "2");
	assert_int_equal(get("note=a+b%E5%A4%A7%0D%0Ac", "note", v, sizeof v), 9);
	assert_string_equal(v, "a b大\r\nc");
	assert_int_equal(get("note=", "note", v, sizeof v), 0);
	assert_int_equal(get("a=1&&b=2", "b", v, sizeof v), 1);
	assert_int_equal(get("a=1", "b", v, sizeof v), WEB_FORM_ABSENT);
	assert_int_equal(get("", "b", v, sizeof v), WEB_FORM_ABSENT);
	assert_int_equal(get("b", "b", v, sizeof v), WEB_FORM_BAD);
	assert_int_equal(get("b=1&b=2", "b", v, sizeof v), WEB_FORM_BAD);
	assert_int_equal(get("b=%", "b", v, sizeof v), WEB_FORM_BAD);
	assert_int_equal(get("b=%4", "b", v, sizeof v), WEB_FORM_BAD);
	assert_int_equal(get("b=%zz", "b", v, sizeof v), WEB_FORM_BAD);
	assert_int_equal(get("b=a%00b", "b", v, sizeof v), WEB_FORM_BAD);
	assert_int_equal(get("b=12345", "b", v, 5), WEB_FORM_BAD);
	assert_int_equal(get("b=1234", "b", v, 5), 4);
	assert_int_equal(get("b=1", "b", v, 0), WEB_FORM_BAD);
	/* the length bounds the search: nothing after it is read */
	assert_int_equal(web_form_get("b=12&c=3", 4, "b", v, sizeof v), 2);
	assert_int_equal(web_form_get("b=12&c=3", 4, "c", v, sizeof v),
	    WEB_FORM_ABSENT);
	assert_int_equal(web_form_get("b=%41", 4, "b", v, sizeof v),
	    WEB_FORM_BAD);
}

static void
test_origin(void **state)
{
	char o[64];
	const char *u = "http://hub.b1:8080/panic/ack";

	(void)state;
	assert_int_equal(web_origin_of(u, strlen(u), o, sizeof o), 0);
	assert_string_equal(o, "http://hub.b1:8080");
	assert_int_equal(web_origin_of("https://hub", 11, o, sizeof o), 0);
	assert_string_equal(o, "https://hub");
	assert_int_equal(web_origin_of("https://", 8, o, sizeof o), -1);
	assert_int_equal(web_origin_of("ftp://hub", 9, o, sizeof o), -1);
	assert_int_equal(web_origin_of(u, strlen(u), o, 10), -1);
	assert_int_equal(web_origin_of(u, 7, o, sizeof o), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_origin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
