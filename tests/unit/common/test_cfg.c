/* test_cfg.c: knob tables — defaults, bounds, types, unknown keys, and the
 * "file:line: key: reason" form of every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

struct sample {
	int port;
	int verbose;
	char name[16];
	char id[33];
};

static const struct cfg_knob sample_knobs[] = {
	{ "port", CFG_INT, offsetof(struct sample, port), 0, 0, 1883, 1, 65535, NULL },
	{ "verbose", CFG_BOOL, offsetof(struct sample, verbose), 0, 0, 0, 0, 1, NULL },
	{ "name", CFG_STR, offsetof(struct sample, name), 16, 0, 0, 0, 0, "none" },
	{ "id", CFG_ID, offsetof(struct sample, id), 33, 1, 0, 0, 0, NULL },
	{ "items", CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL },
	{ NULL, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL },
};

/* Parse text, apply the knobs to its root; returns cfg_apply's result. */
static int
apply_text(const char *text, struct sample *out, char *err)
{
	config_t cf;
	int rc;

	config_init(&cf);
	if (config_read_string(&cf, text) != CONFIG_TRUE) {
		config_destroy(&cf);
		return -2;
	}
	memset(out, 0x55, sizeof *out);
	rc = cfg_apply(config_root_setting(&cf), sample_knobs, out, "t.conf",
	    err, CFG_ERR_MAX);
	config_destroy(&cf);
	return rc;
}

static void
test_defaults_and_values(void **state)
{
	struct sample s;
	char err[CFG_ERR_MAX] = "";

	(void)state;
	assert_int_equal(apply_text("id = \"c03\";", &s, err), 0);
	assert_int_equal(s.port, 1883);
	assert_int_equal(s.verbose, 0);
	assert_string_equal(s.name, "none");
	assert_string_equal(s.id, "c03");
	assert_int_equal(apply_text("id = \"x\"; port = 18830; verbose = true;\n"
	    "name = \"3番窓口\"; items = (1, 2);", &s, err), 0);
	assert_int_equal(s.port, 18830);
	assert_int_equal(s.verbose, 1);
	assert_string_equal(s.name, "3番窓口");
}

static const struct {
	const char *text;
	const char *err;
} bad_cases[] = {
	{ "id = \"a\";\nport = 0;", "t.conf:2: port: 0 is out of range (1 to 65535)" },
	{ "id = \"a\";\nport = \"x\";", "t.conf:2: port: expected an integer" },
	{ "id = \"a\";\nverbose = 1;", "t.conf:2: verbose: expected true or false" },
	{ "id = \"a\";\n\nnmae = \"x\";", "t.conf:3: nmae: unknown key" },
	{ "id = \"a/b\";", "t.conf:1: id: \"a/b\" is not a valid id (1-32 of A-Z a-z 0-9 _ -)" },
	{ "id = \"+\";", "t.conf:1: id: \"+\" is not a valid id (1-32 of A-Z a-z 0-9 _ -)" },
	{ "id = \"\";", "t.conf:1: id: must not be empty" },
	{ "id = \"a\"; name = \"0123456789abcdef\";", "t.conf:1: name: too long (at most 15 bytes)" },
	{ "port = 1;", "t.conf: missing required key \"id\"" },
};

static void
test_errors_name_file_line_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		struct sample s;
		char err[CFG_ERR_MAX] = "";

		assert_int_equal(apply_text(bad_cases[i].text, &s, err), -1);
		assert_string_equal(err, bad_cases[i].err);
	}
}

static void
test_nested_path(void **state)
{
	config_t cf;
	config_setting_t *item;
	char path[128];

	(void)state;
	config_init(&cf);
	assert_int_equal(config_read_string(&cf,
	    "buttons = ( { name = \"a\"; }, { name = \"b\"; kind = \"x\"; } );"),
	    CONFIG_TRUE);
	item = config_lookup(&cf, "buttons.[1].kind");
	assert_non_null(item);
	cfg_path(item, path, sizeof path);
	assert_string_equal(path, "buttons.[1].kind");
	config_destroy(&cf);
}

static void
test_read_reports_syntax_line(void **state)
{
	config_t cf;
	char err[CFG_ERR_MAX];

	(void)state;
	config_init(&cf);
	assert_int_equal(cfg_read(&cf, "/nonexistent/x.conf", err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/x.conf: cannot read the file:"
	    " No such file or directory");
	config_destroy(&cf);
	config_init(&cf);
	assert_int_equal(cfg_read(&cf, "/", err, sizeof err), -1);
	assert_string_equal(err, "/: cannot read the file: Is a directory");
	config_destroy(&cf);
}

/* libconfig's "cannot open include file" gets the file's name and why. */
static void
test_read_names_missing_include(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", path[64], want[256];
	char err[CFG_ERR_MAX];
	config_t cf;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/main.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "site = \"b1\";\n@include \"%s/people.conf\"\n", dir);
	fclose(f);
	config_init(&cf);
	assert_int_equal(cfg_read(&cf, path, err, sizeof err), -1);
	config_destroy(&cf);
	unlink(path);
	rmdir(dir);
	snprintf(want, sizeof want, "%s/main.conf:2: cannot open include file"
	    " \"%s/people.conf\": No such file or directory", dir, dir);
	assert_string_equal(err, want);

	/* a relative include is read beside the including file */
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/test_cfg.XXXXXX")));
	snprintf(path, sizeof path, "%s/main.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("site = \"b1\";\n@include \"more.conf\"\n", f);
	fclose(f);
	snprintf(want, sizeof want, "%s/more.conf", dir);
	assert_non_null(f = fopen(want, "w"));
	fputs("counter = \"c1\";\n", f);
	fclose(f);
	config_init(&cf);
	assert_int_equal(cfg_read(&cf, path, err, sizeof err), 0);
	assert_non_null(config_lookup(&cf, "counter"));
	config_destroy(&cf);
	unlink(want);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_errors_name_file_line_key),
		cmocka_unit_test(test_nested_path),
		cmocka_unit_test(test_read_reports_syntax_line),
		cmocka_unit_test(test_read_names_missing_include),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
