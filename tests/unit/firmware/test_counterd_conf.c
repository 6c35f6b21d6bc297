/* test_counterd_conf.c: counterd's config (firmware/conf.c) — the example
 * parses and prints its golden normalised form, the printed form reads back
 * the same, defaults are as documented, and each bad file is refused as
 * "file:line: key: reason".
 * Run from the top of the tree (make test does). */
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define EXAMPLE	"config/example-branch/counterd-c03.conf"
#define GOLDEN	"tests/unit/firmware/counterd-c03.ok"
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct conf conf;

/* Write text to a temporary file; its name goes to path. */
static void
write_tmp(char *path, size_t size, const char *text)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, size, "%s/test_counterd_conf.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* conf_print into a malloc'd string. */
static char *
print_conf(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	conf_print(c, f);
	fclose(f);
	return buf;
}

static char *
read_file(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_example_golden(void **state)
{
	char err[CONF_PATH_MAX + 256], *got;

	(void)state;
	if (conf_load(&conf, EXAMPLE, err, sizeof err) < 0)
		fail_msg("%s", err);
	got = print_conf(&conf);
	if (strcmp(got, read_file(GOLDEN)) != 0)
		fail_msg("normalised example differs from %s:\n%s", GOLDEN, got);
	free(got);
}

/* Every counter config shipped in config/ is valid. */
static void
test_all_examples(void **state)
{
	char err[CONF_PATH_MAX + 256];
	glob_t g;

	(void)state;
	assert_int_equal(glob("config/*/counterd-*.conf", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (conf_load(&conf, g.gl_pathv[i], err, sizeof err) < 0)
			fail_msg("%s", err);
	globfree(&g);
}

/* The loaded conf prints to a form that reads back to the same config. */
static void
assert_print_reads_back(void)
{
	char err[512], path[256], *first, *second;

	first = print_conf(&conf);
	write_tmp(path, sizeof path, first);
	if (conf_load(&conf, path, err, sizeof err) < 0) {
		unlink(path);
		fail_msg("%s", err);
	}
	unlink(path);
	second = print_conf(&conf);
	assert_string_equal(first, second);
	free(first);
	free(second);
}

static void
test_print_reads_back(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(conf_load(&conf, EXAMPLE, err, sizeof err), 0);
	assert_print_reads_back();
}

/* Found by fuzz_counterd_conf: with a long site the default client id
 * "counterd-<site>-<counter>" passes 32 characters; --check -v printed it,
 * and the printed form was refused as not an id. */
static void
test_long_default_client_id(void **state)
{
	char err[512], path[256];

	(void)state;
	write_tmp(path, sizeof path, "site = \"branch-shibuya-station-east\"; "
	    "counter = \"c03\"; buttons = ( { name = \"m\"; } );\n");
	assert_int_equal(conf_load(&conf, path, err, sizeof err), 0);
	unlink(path);
	assert_string_equal(conf.client_id,
	    "counterd-branch-shibuya-station-east-c03");
	assert_print_reads_back();
}

static void
test_defaults(void **state)
{
	char err[512], path[256];
	const struct button_spec *s = &conf.buttons[0].spec;

	(void)state;
	write_tmp(path, sizeof path,
	    "site = \"b1\"; counter = \"c1\"; buttons = ( { name = \"m\"; } );\n");
	if (conf_load(&conf, path, err, sizeof err) < 0) {
		unlink(path);
		fail_msg("%s", err);
	}
	unlink(path);
	assert_string_equal(conf.topic_prefix, "panic");
	assert_string_equal(conf.host, "127.0.0.1");
	assert_int_equal(conf.port, 1883);
	assert_int_equal(conf.keepalive_s, 15);
	assert_string_equal(conf.client_id, "counterd-b1-c1");
	assert_string_equal(conf.outbox, "/var/lib/counterd/outbox.journal");
	assert_int_equal(conf.heartbeat_s, 30);
	assert_int_equal(conf.confirm_timeout_s, 5);
	assert_int_equal(conf.backend, CONF_GPIO_SIM);
	assert_string_equal(conf.sim_socket, "/run/counterd/sim.sock");
	assert_int_equal(conf.discreet_kinds, 1u << PROTO_KIND_EMERGENCY);
	assert_int_equal(conf.noutputs, 0);
	assert_int_equal(conf.buttons[0].bias, CONF_BIAS_PULL_UP);
	assert_int_equal(conf.buttons[0].line.offset, -1);
	assert_true(s->active_low);
	assert_false(s->normally_closed);
	assert_int_equal(s->debounce_ms, 20);
	assert_int_equal(s->long_ms, 2000);
	assert_int_equal(s->double_ms, 0);
	assert_int_equal(s->stuck_ms, 300000);
	assert_int_equal(s->kind_short, PROTO_KIND_HELP);
	assert_int_equal(s->kind_long, PROTO_KIND_EMERGENCY);
	assert_int_equal(s->kind_double, BUTTON_KIND_NONE);
	assert_true(conf_discreet(&conf, "m", PROTO_KIND_EMERGENCY));
	assert_false(conf_discreet(&conf, "m", PROTO_KIND_HELP));
}

#define BASE "site = \"b1\"; counter = \"c1\";\n"
#define BTN "buttons = ( { name = \"m\"; } );\n"

/* Each bad config and the "line: key: reason" its error must carry. */
static const struct {
	const char *text, *want;
} bad[] = {
	{ BASE BTN "colour = 1;\n", ":3: colour: unknown key" },
	{ "counter = \"c1\";\n" BTN, "missing required key \"site\"" },
	{ BASE, "missing required key \"buttons\"" },
	{ "site = \"b/1\"; counter = \"c1\";\n" BTN, ":1: site: " },
	{ BASE BTN "heartbeat_s = 0;\n", ":3: heartbeat_s: 0 is out of range" },
	{ BASE BTN "syslog = 1;\n", ":3: syslog: expected true or false" },
	{ BASE BTN "log_level = \"loud\";\n", ":3: log_level: \"loud\" is not" },
	{ BASE BTN "broker = { port = 70000; };\n",
	  ":3: broker.port: 70000 is out of range" },
	{ BASE BTN "broker = { hots = \"x\"; };\n", ":3: broker.hots: unknown key" },
	{ BASE BTN "broker = { client_id = \"c/1\"; };\n",
	  ":3: broker.client_id: \"c/1\" is not a valid client id" },
	{ BASE BTN "gpio = { backend = \"spi\"; };\n",
	  ":3: gpio.backend: \"spi\" is not one of \"sim\", \"gpiod\"" },
	{ BASE BTN "discreet_kinds = [ \"loud\" ];\n",
	  ":3: discreet_kinds.[0]: \"loud\" is not a kind" },
	{ BASE "buttons = ( { name = \"m\";\n colour = 1; } );\n",
	  ":3: buttons.[0].colour: unknown key" },
	{ BASE "buttons = ( { name = \"m\";\n wiring = \"nc\"; } );\n",
	  ":3: buttons.[0].wiring: \"nc\" is not one of" },
	{ BASE "buttons = ( { name = \"m\";\n short = \"fault\"; } );\n",
	  ":3: buttons.[0].short: \"fault\" is not a kind" },
	{ BASE "buttons = ( { name = \"m\";\n double_ms = 300; } );\n",
	  ":3: buttons.[0].double_ms: a double press needs both" },
	{ BASE "buttons = ( { name = \"m\";\n long_ms = 9000; stuck_ms = 5000; "
	  "} );\n", ":3: buttons.[0].long_ms: need debounce_ms < long_ms" },
	{ BASE "buttons = ( { name = \"m\";\n short = \"none\"; long = \"\"; } );\n",
	  "buttons.[0]: button raises nothing" },
	{ BASE "buttons = ( { name = \"m\"; },\n { name = \"m\"; } );\n",
	  ":3: buttons.[1].name: button \"m\" is defined twice" },
	{ BASE "buttons = ( { name = \"m\"; line = -1; } );\n",
	  ":2: buttons.[0].line: -1 is out of range" },
	{ BASE "gpio = { backend = \"gpiod\"; };\nbuttons = ( { name = \"m\"; } );\n",
	  "buttons.[0]: missing required key \"line\"" },
	{ BASE BTN "outputs = ( { name = \"d\"; } );\n",
	  "outputs.[0]: missing required key \"role\"" },
	{ BASE BTN "outputs = ( { name = \"d\"; role = \"status\";\n"
	  " mode = \"pulse\"; } );\n",
	  ":4: outputs.[0].mode: only for role \"recorder\"" },
	{ BASE BTN "outputs = ( { name = \"d\"; role = \"recorder\";\n"
	  " kind = \"none\"; } );\n", ":4: outputs.[0].kind: \"none\" is not" },
	{ BASE BTN "gpio = { sim_socket = \"/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaa\"; };\n", ":3: gpio.sim_socket: too long" },
	{ BASE "buttons = ( {name=\"a\";},{name=\"b\";},{name=\"c\";},"
	  "{name=\"d\";},{name=\"e\";},{name=\"f\";},{name=\"g\";},{name=\"h\";},"
	  "{name=\"i\";} );\n", ":2: buttons: at most 8 entries" },
	{ BASE BTN "site = \"again\";\n", ":3: duplicate setting name" },
	{ BASE "buttons = ( { name = = \"m\"; } );\n", ":2: syntax error" },
};

static void
test_refused(void **state)
{
	char err[512], path[256], want[300];

	(void)state;
	for (size_t i = 0; i < NELEM(bad); i++) {
		int rc;

		write_tmp(path, sizeof path, bad[i].text);
		rc = conf_load(&conf, path, err, sizeof err);
		unlink(path);
		if (rc == 0)
			fail_msg("case %zu accepted:\n%s", i, bad[i].text);
		/* every error begins with the file's name */
		snprintf(want, sizeof want, "%s:", path);
		if (strncmp(err, want, strlen(want)) != 0 ||
		    !strstr(err, bad[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
			    bad[i].want);
	}
}

static void
test_missing_file(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(conf_load(&conf, "/nonexistent/counterd.conf", err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/counterd.conf"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_golden),
		cmocka_unit_test(test_all_examples),
		cmocka_unit_test(test_print_reads_back),
		cmocka_unit_test(test_long_default_client_id),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
