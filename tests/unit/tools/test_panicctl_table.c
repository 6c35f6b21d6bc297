/* test_panicctl_table.c: panicctl's output — display widths of Japanese
 * text, aligned text with a total row, CSV quoting and the BOM, JSON with
 * durations in ms and nulls. Exact bytes, compared whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "table.h"

static int
setup(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return -1;
	return period_tz("Asia/Tokyo");
}

static void
test_width(void **state)
{
	static const struct {
		const char *s;
		int w;
	} cases[] = {
		{ "", 0 }, { "ATM", 3 }, { "3番窓口", 7 }, { "相談室エリア", 12 },
		{ "佐藤 花子", 9 }, { "e\xcc\x81", 1 },	/* e + combining acute */
		{ "\xff\xfe", 2 },			/* not UTF-8: a column each */
		{ "–", 1 }, { "ｱｲｳ", 3 },		/* half-width kana */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(tab_width(cases[i].s), cases[i].w);
}

static void
test_fit(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(tab_fit("相談室エリア", 12, buf, sizeof buf),
	    "相談室エリア");
	assert_string_equal(tab_fit("相談室エリア", 7, buf, sizeof buf),
	    "相談室…");
	/* a wide character that does not fit is left out whole */
	assert_string_equal(tab_fit("相談室エリア", 8, buf, sizeof buf),
	    "相談室…");
	assert_string_equal(tab_fit("abcdef", 4, buf, sizeof buf), "abc…");
	assert_string_equal(tab_fit("abcdef", 0, buf, sizeof buf), "abcdef");
	assert_int_equal(tab_width(tab_fit("大声で威圧。二名で対応し退店。", 11,
	    buf, sizeof buf)), 11);
}

enum { C_KEY, C_NAME, C_N, C_MED, C_AT, C_NOTE, C_COUNT };

static const struct tab_col cols[C_COUNT] = {
	{ "counter", "counter", 0, 0, 0 },
	{ "", "name", 0, 0, 0 },
	{ "n", "incidents", 1, 0, 0 },
	{ "ack med", "ack_median", 1, 0, 1 },
	{ "at", "at", 0, 0, 0 },
	{ "note", "note", 0, 8, 0 },
};

/* Three rows and a total, with nulls, a long note, Japanese labels. */
static struct tab *
sample(void)
{
	struct tab *t = tab_new(cols, C_COUNT);

	assert_non_null(t);
	assert_int_equal(tab_row(t), 0);
	tab_str(t, C_KEY, "c03");
	tab_str(t, C_NAME, "3番窓口");
	tab_int(t, C_N, 12);
	tab_ms(t, C_MED, 14200);
	tab_time(t, C_AT, 1796050799000);	/* 2026-11-30 23:59:59 JST */
	tab_str(t, C_NOTE, "a, \"b\"\nc");
	assert_int_equal(tab_row(t), 0);
	tab_str(t, C_KEY, "atm");
	tab_str(t, C_NAME, "ATM");
	tab_int(t, C_N, 0);
	tab_null_text(t, C_NOTE, "");
	assert_int_equal(tab_row(t), 0);
	tab_str(t, C_KEY, "r1");
	tab_str(t, C_NAME, "相談室1");
	tab_int(t, C_N, 3);
	tab_ms(t, C_MED, 112000);
	tab_str(t, C_NOTE, "大声で威圧。二名で対応");
	assert_int_equal(tab_row(t), 0);
	tab_str(t, C_KEY, "all");
	tab_int(t, C_N, 15);
	tab_ms(t, C_MED, 15000);
	tab_total(t);
	assert_int_equal(tab_nrows(t), 4);
	return t;
}

/* Write with fn into a string. */
static char *
capture(int (*fn)(const struct tab *, FILE *), const struct tab *t)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	assert_int_equal(fn(t, f), 0);
	fclose(f);
	return s;
}

static int
csv_bom(const struct tab *t, FILE *f)
{
	return tab_csv(t, f, 1);
}

static void
test_text(void **state)
{
	struct tab *t = sample();
	char *s = capture(tab_print, t);

	(void)state;
	/* the name column is 7 wide: 3番窓口 and 相談室1 are 7 columns */
	assert_string_equal(s,
	    "counter            n  ack med  at                   note\n"
	    "c03      3番窓口  12    14.2s  2026-11-30 23:59:59  a, \"b\" c\n"
	    "atm      ATM       0        -  -\n"
	    "r1       相談室1   3    1m52s  -                    大声で…\n"
	    "------------------------------------------------------------\n"
	    "all      -        15    15.0s  -                    -\n");
	free(s);
	tab_free(t);
}

static void
test_csv(void **state)
{
	struct tab *t = sample();
	char *s = capture(csv_bom, t);

	(void)state;
	assert_string_equal(s,
	    "\xef\xbb\xbf"
	    "counter,name,incidents,ack_median_s,at,note\r\n"
	    "c03,3番窓口,12,14.2,2026-11-30 23:59:59,\"a, \"\"b\"\"\nc\"\r\n"
	    "atm,ATM,0,,,\r\n"
	    "r1,相談室1,3,112.0,,大声で威圧。二名で対応\r\n"
	    "all,,15,15.0,,\r\n");
	free(s);
	tab_free(t);
}

static void
test_json(void **state)
{
	struct tab *t = sample();
	struct jdoc *d = jdoc_new(), *o;
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	cJSON *j, *rows, *r0, *r1, *total;

	(void)state;
	jdoc_str(d, "by", "counter");
	jdoc_time(d, "from", 1796050799123);
	jdoc_time(d, "to", 0);
	o = jdoc_obj(d, "targets");
	jdoc_ms(o, "ack", 1, 60000);
	jdoc_ms(o, "scene", 0, 0);
	jdoc_rows(d, "rows", t);
	jdoc_total(d, "total", t);
	assert_int_equal(jdoc_print(d, f), 0);
	fclose(f);
	jdoc_free(d);
	tab_free(t);

	assert_non_null(j = cJSON_Parse(s));
	assert_string_equal(cJSON_GetObjectItem(j, "from")->valuestring,
	    "2026-11-30T14:59:59.123Z");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "to")));
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "targets"),
	    "ack")->valueint, 60000);
	rows = cJSON_GetObjectItem(j, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 3);	/* total apart */
	r0 = cJSON_GetArrayItem(rows, 0);
	assert_string_equal(cJSON_GetObjectItem(r0, "name")->valuestring,
	    "3番窓口");
	assert_int_equal(cJSON_GetObjectItem(r0, "ack_median_ms")->valueint,
	    14200);
	assert_string_equal(cJSON_GetObjectItem(r0, "at")->valuestring,
	    "2026-11-30T14:59:59.000Z");
	assert_string_equal(cJSON_GetObjectItem(r0, "note")->valuestring,
	    "a, \"b\"\nc");
	r1 = cJSON_GetArrayItem(rows, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "ack_median_ms")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "note")));
	total = cJSON_GetObjectItem(j, "total");
	assert_int_equal(cJSON_GetObjectItem(total, "incidents")->valueint, 15);
	assert_string_equal(cJSON_GetObjectItem(total, "counter")->valuestring,
	    "all");
	/* raw UTF-8, not \u escapes */
	assert_non_null(strstr(s, "\"3番窓口\""));
	cJSON_Delete(j);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
