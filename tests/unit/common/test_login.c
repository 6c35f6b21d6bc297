/* test_login.c: the broker login keys — what goes together, a password in
 * the config refused, secrets only from private files, and errors in the
 * "file:line: key: reason" form that never carry the secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "login.h"
#include "mqtt.h"

/* Read text's group "broker" (or the root, for an identity file). */
static int
read_text(const char *text, int identity, struct login *l, char *err)
{
	config_t cf;
	const config_setting_t *g;
	int rc;

	config_init(&cf);
	assert_int_equal(config_read_string(&cf, text), CONFIG_TRUE);
	g = identity ? config_root_setting(&cf) :
	    config_lookup(&cf, "broker");
	rc = login_read(g, identity, l, "t.conf", err, CFG_ERR_MAX);
	config_destroy(&cf);
	return rc;
}

static void
test_defaults(void **state)
{
	struct login l;
	char err[CFG_ERR_MAX] = "";

	(void)state;
	assert_int_equal(read_text("broker = { host = \"x\"; };", 0, &l, err), 0);
	assert_int_equal(l.tls, 0);
	assert_int_equal(l.verify, 1);
	assert_string_equal(l.username, "");
	/* plain TCP is fine on this machine, and warned about elsewhere */
	assert_null(login_risk(&l, "127.0.0.1"));
	assert_null(login_risk(&l, "localhost"));
	assert_null(login_risk(&l, "::1"));
	assert_non_null(login_risk(&l, "10.0.0.2"));
	assert_non_null(login_risk(&l, "hub.branch"));
	assert_int_equal(read_text("broker = { tls = true; };", 0, &l, err), 0);
	assert_null(login_risk(&l, "hub.branch"));
	assert_int_equal(read_text("broker = { tls = true; verify = false; };",
	    0, &l, err), 0);
	assert_non_null(login_risk(&l, "127.0.0.1"));
}

static void
test_refusals(void **state)
{
	static const struct { const char *text; const char *err; } cases[] = {
		{ "broker = {\n username = \"hub\";\n password = \"s3cret\"; };",
		  "t.conf:3: broker.password: a password in the config is read" },
		{ "broker = {\n ca_file = \"/ca.crt\"; };",
		  "t.conf:2: broker.ca_file: only with tls = true" },
		{ "broker = { tls = true;\n cert_file = \"/c.crt\"; };",
		  "t.conf:2: broker.cert_file: cert_file and key_file go together" },
		{ "broker = {\n password_file = \"/p\"; };",
		  "t.conf:2: broker.password_file: needs username" },
		{ "broker = { tls = 1; };",
		  "t.conf:1: broker.tls: expected true or false" },
	};
	struct login l;
	char err[CFG_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		err[0] = '\0';
		assert_int_equal(read_text(cases[i].text, 0, &l, err), -1);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu: got \"%s\"", i, err);
		assert_null(strstr(err, "s3cret"));
	}
	/* an identity file holds who, not where */
	assert_int_equal(read_text("username = \"mgr\";\ntls = true;", 1, &l,
	    err), -1);
	assert_string_equal(err, "t.conf:2: tls: unknown key");
	assert_int_equal(read_text("username = \"pager-sato\";\n"
	    "cert_file = \"/c\"; key_file = \"/k\";", 1, &l, err), 0);
}

/* Write a secret file with mode; returns its path (static). */
static const char *
secret(const char *text, mode_t mode)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/tmp/test_login.%d", (int)getpid());
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
test_secrets(void **state)
{
	struct login l;
	struct mqtt_opts o;
	char err[CFG_ERR_MAX], text[256];
	const char *p = secret("s3cret\nignored\n", 0600);

	(void)state;
	snprintf(text, sizeof text, "broker = { tls = true;\n username = "
	    "\"hub\";\n password_file = \"%s\"; };", p);
	assert_int_equal(read_text(text, 0, &l, err), 0);
	assert_int_equal(login_secrets(&l, "t.conf", err, sizeof err), 0);
	assert_string_equal(l.password, "s3cret");
	memset(&o, 0, sizeof o);
	login_opts(&l, &o);
	assert_string_equal(o.password, "s3cret");
	assert_string_equal(o.username, "hub");
	assert_int_equal(o.tls, 1);
	assert_int_equal(o.no_verify, 0);
	login_wipe(&l);
	assert_string_equal(l.password, "");

	/* readable by the group: another account could log in as the hub */
	secret("s3cret\n", 0640);
	assert_int_equal(login_secrets(&l, "t.conf", err, sizeof err), -1);
	snprintf(text, sizeof text, "t.conf:3: broker.password_file: %s: "
	    "readable or writable by its group or others (chmod 600 it)", p);
	assert_string_equal(err, text);
	assert_string_equal(l.password, "");
	secret("\n", 0600);
	assert_int_equal(login_secrets(&l, "t.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "empty"));
	unlink(p);
	assert_int_equal(login_secrets(&l, "t.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
