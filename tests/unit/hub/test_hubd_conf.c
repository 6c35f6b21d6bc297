/* test_hubd_conf.c: hubd.conf — the example branch loads, defaults fill in,
 * and every broken reference or value is refused with "file:line: key:
 * reason". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "hubtest.h"

#define EXAMPLE "config/example-branch/hubd.conf"
#define GOLDEN	"tests/unit/hub/hubd-example.ok"

/* Lines 1-4; a case's own text is line 5. */
#define MIN_HEAD \
	"site = \"b1\";\n" \
	"fallback = [\"person:boss\"];\n" \
	"people = ( { id = \"boss\"; name = \"B\"; roles = [\"manager\", \"facility\"]; } );\n" \
	"zones = ( { id = \"A\"; } );\n"
#define MIN_POLICIES \
	"policies = ( { kind = \"help\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); },\n" \
	" { kind = \"emergency\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); } );\n"
#define EMERGENCY_OK \
	" { kind = \"emergency\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); }"
#define SHIFT(rest) "shifts = ( { zone = \"A\"; " rest " } );"

struct bad_case {
	const char *line;	/* line 5 */
	int policies;		/* append the standard policies */
	const char *want;	/* expected after the file name */
};

static const struct bad_case bad_cases[] = {
	{ SHIFT("days = [\"mon\"]; from = \"09:00\"; to = \"12:00\"; supervisor = \"nobody\";"),
	  1, ":5: shifts.[0].supervisor: unknown person \"nobody\"" },
	{ "shifts = ( { zone = \"Z\"; days = [\"mon\"]; from = \"09:00\"; to = \"12:00\"; supervisor = \"boss\"; } );",
	  1, ":5: shifts.[0].zone: unknown zone \"Z\"" },
	{ SHIFT("days = [\"mon\"]; from = \"9:00\"; to = \"12:00\"; supervisor = \"boss\";"),
	  1, ":5: shifts.[0].from: expected a time \"HH:MM\"" },
	{ SHIFT("days = [\"monday\"]; from = \"09:00\"; to = \"12:00\"; supervisor = \"boss\";"),
	  1, ":5: shifts.[0].days.[0]: expected a day" },
	{ SHIFT("days = [\"mon\"]; from = \"09:00\"; to = \"09:00\"; supervisor = \"boss\";"),
	  1, ":5: shifts.[0].to: a shift must not end when it starts" },
	{ SHIFT("days = [\"mon\"]; from = \"09:00\"; to = \"24:01\"; supervisor = \"boss\";"),
	  1, ":5: shifts.[0].to: expected a time" },
	{ "counters = ( { id = \"c1\"; label = \"x\"; zone = \"Q\"; } );",
	  1, ":5: counters.[0].zone: unknown zone \"Q\"" },
	{ "counters = ( { id = \"c/1\"; label = \"x\"; zone = \"A\"; } );",
	  1, ":5: counters.[0].id: \"c/1\" is not a valid id" },
	{ "teams = ( { id = \"t\"; members = [\"ghost\"]; } );",
	  1, ":5: teams.[0].members.[0]: unknown person \"ghost\"" },
	{ "exceptions = ( { type = \"absence\"; date = \"2026-02-30\"; person = \"boss\"; } );",
	  1, ":5: exceptions.[0].date: expected a date" },
	{ "exceptions = ( { type = \"holiday\"; date = \"2026-02-29\"; } );",
	  1, ":5: exceptions.[0].date: expected a date" },	/* not a leap year */
	{ "exceptions = ( { type = \"holiday\"; date = \"2028-02-29\"; until = \"2028-02-28\"; } );",
	  1, ":5: exceptions.[0].until: expected a date \"YYYY-MM-DD\" not before date" },
	{ "exceptions = ( { type = \"absence\"; date = \"2026-02-03\"; } );",
	  1, ":5: exceptions.[0]: an absence needs \"person\"" },
	{ "exceptions = ( { type = \"vacation\"; date = \"2026-02-03\"; } );",
	  1, ":5: exceptions.[0].type: expected \"holiday\" or \"absence\"" },
	{ "bogus = 1;", 1, ":5: bogus: unknown key" },
	{ "timezone = \"Mars/Olympus_Mons\";", 1, ":5: timezone: unknown time zone" },
	{ "timeouts = { cancel_grace_s = 5; cancel_grace_ms = 5000; };",
	  1, ":5: timeouts.cancel_grace_ms: give cancel_grace_s or cancel_grace_ms" },
	{ "timeouts = { on_scene_timeout_s = 0; };",
	  1, ":5: timeouts.on_scene_timeout_s: 0 is out of range" },
	{ "supervision = { maint_role = \"janitor\"; };",
	  1, ":5: supervision: nobody holds the maintenance role \"janitor\"" },
	{ "policies = ( { kind = \"help\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); } );",
	  0, ":5: policies: no policy for kind \"emergency\"" },
	{ "policies = ( { kind = \"help\"; steps = ( { targets = [\"role:janitor\"]; wait_s = 1; } ); }," EMERGENCY_OK " );",
	  0, ":5: policies.[0].steps.[0].targets.[0]: \"role:janitor\" names nobody" },
	{ "policies = ( { kind = \"help\"; steps = ( { targets = [\"team:\"]; wait_s = 1; } ); }," EMERGENCY_OK " );",
	  0, ":5: policies.[0].steps.[0].targets.[0]: expected supervisor, backup" },
	{ "policies = ( { kind = \"help\"; steps = ( { targets = [\"person:boss\"]; } ); }," EMERGENCY_OK " );",
	  0, ":5: policies.[0].steps.[0]: missing required key \"wait_s\"" },
	{ "policies = ( { kind = \"cancel\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); }," EMERGENCY_OK " );",
	  0, ":5: policies.[0].kind: expected help, emergency or test" },
	{ "web = { port = 8080; key_file = \"/k\"; };",
	  1, ":5: web: missing required key \"base_url\"" },
	{ "web = { base_url = \"ftp://hub\"; key_file = \"/k\"; };",
	  1, ":5: web.base_url: expected http://host[:port][/path]" },
	{ "web = { base_url = \"http://hub/?x=1\"; key_file = \"/k\"; };",
	  1, ":5: web.base_url: expected http://host[:port][/path]" },
	{ "web = { base_url = \"http://hub/\\\"><b>\"; key_file = \"/k\"; };",
	  1, ":5: web.base_url: expected http://host[:port][/path]" },
	{ "web = { base_url = \"https://\"; key_file = \"/k\"; };",
	  1, ":5: web.base_url: expected http://host[:port][/path]" },
	{ "web = { listen = \"hub.local\"; base_url = \"http://h\"; key_file = \"/k\"; };",
	  1, ":5: web.listen: \"hub.local\" is not an IPv4 or IPv6 address" },
	{ "web = { base_url = \"http://h\"; key_file = \"/k\"; link_ttl_s = 10; };",
	  1, ":5: web.link_ttl_s: 10 is out of range" },
	{ "web = { base_url = \"http://h\"; key_file = \"/k\"; port = 0; };",
	  1, ":5: web.port: 0 is out of range" },
	{ "web = { base_url = \"http://h\"; key_file = \"/k\"; tls = true; };",
	  1, ":5: web.tls: unknown key" },
	{ "policies = ( { kind = \"help\"; min_responders = 0; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); }," EMERGENCY_OK " );",
	  0, ":5: policies.[0].min_responders: 0 is out of range" },
};

static void
test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		const struct bad_case *k = &bad_cases[i];
		char text[4096], err[CONF_ERR_MAX] = "";
		struct hub_conf *c;

		snprintf(text, sizeof text, "%s%s\n%s", MIN_HEAD, k->line,
		    k->policies ? MIN_POLICIES : "");
		c = ht_conf_try(text, err, sizeof err);
		if (c || !strstr(err, k->want) ||
		    strncmp(err, "/tmp/hubtest-", 13) != 0)
			fail_msg("case %zu: got \"%s\", want \"...%s\"", i,
			    c ? "(loaded)" : err, k->want);
	}
}

/* People whose line 3 is given: the rest as MIN_HEAD. */
#define PEOPLE_HEAD(people) \
	"site = \"b1\";\n" \
	"fallback = [\"person:boss\"];\n" \
	"people = ( { id = \"boss\"; name = \"B\"; roles = [\"manager\", \"facility\"]; },\n" \
	people " );\n" \
	"zones = ( { id = \"A\"; } );\n" MIN_POLICIES

/* A pager id names topics: one equal to another person's id or pager id
 * would send one person's pages to another and take another's replies as
 * theirs. Refused at the key, whichever of the two comes first. */
static void
test_pager_ids_unique(void **state)
{
	static const struct { const char *people, *want; } cases[] = {
		{ "{ id = \"sato\"; name = \"S\"; },"
		  " { id = \"takahashi\"; name = \"T\"; pager = \"sato\"; }",
		  ":4: people.[2].pager: pager id \"sato\" of \"takahashi\" is"
		  " already another person's id" },
		{ "{ id = \"sato\"; name = \"S\"; pager = \"desk\"; },"
		  " { id = \"takahashi\"; name = \"T\"; pager = \"desk\"; }",
		  ":4: people.[2].pager: pager id \"desk\" of \"takahashi\" is"
		  " already another person's pager id" },
		{ "{ id = \"sato\"; name = \"S\"; pager = \"takahashi\"; },"
		  " { id = \"takahashi\"; name = \"T\"; pager = \"t2\"; }",
		  ":4: people.[2].id: person \"takahashi\": that is already the"
		  " pager id of \"sato\"" },
	};
	char err[CONF_ERR_MAX] = "";
	struct hub_conf *c;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[4096];

		snprintf(text, sizeof text, PEOPLE_HEAD("%s"), cases[i].people);
		c = ht_conf_try(text, err, sizeof err);
		if (c || !strstr(err, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"...%s\"", i,
			    c ? "(loaded)" : err, cases[i].want);
	}
	/* one's own id as pager id, and distinct ones, are fine */
	c = ht_conf_try(PEOPLE_HEAD("{ id = \"sato\"; name = \"S\"; pager ="
	    " \"sato\"; }, { id = \"takahashi\"; name = \"T\"; pager ="
	    " \"t-pager\"; }"), err, sizeof err);
	if (!c)
		fail_msg("refused: %s", err);
	conf_free(c);
}

static void
test_minimal_defaults(void **state)
{
	struct hub_conf *c = ht_conf(MIN_HEAD MIN_POLICIES);

	(void)state;
	assert_string_equal(c->topic_prefix, "panic");
	assert_string_equal(c->timezone, "UTC");
	assert_string_equal(c->broker.host, "127.0.0.1");
	assert_int_equal(c->broker.port, 1883);
	assert_string_equal(c->broker.client_id, "hubd-b1");
	assert_int_equal(c->cancel_grace_ms, 30000);
	assert_int_equal(c->on_scene_timeout_ms, 180000);
	assert_int_equal(c->relief_after_ms, 1200000);
	assert_int_equal(c->heartbeat_misses, 2);
	assert_string_equal(c->maint_role, "facility");
	assert_string_equal(c->people[0].pager, "boss");
	assert_int_equal(c->policies[PROTO_KIND_HELP].min_responders, 1);
	assert_int_equal(c->policies[PROTO_KIND_HELP].repeat, 0);
	assert_int_equal(c->policies[PROTO_KIND_HELP].steps[0].wait_ms, 1000);
	conf_free(c);
}

static void
test_example_branch(void **state)
{
	char err[CONF_ERR_MAX] = "";
	struct hub_conf *c = hub_conf_load(EXAMPLE, err, sizeof err);
	int k;

	(void)state;
	if (!c)
		fail_msg("%s", err);
	assert_string_equal(c->site, "shibuya");
	assert_string_equal(c->timezone, "Asia/Tokyo");
	assert_string_equal(c->people[0].name, "佐藤 花子");
	assert_string_equal(c->people[conf_person_find(c, "takahashi")].pager,
	    "takahashi-phone");
	k = conf_counter_find(c, "c03");
	assert_true(k >= 0);
	assert_string_equal(c->counters[k].label, "3番窓口");
	assert_int_equal(c->counters[conf_counter_find(c, "r1")].min_responders, 2);
	assert_int_equal(c->policies[PROTO_KIND_EMERGENCY].min_responders, 2);
	assert_int_equal(c->policies[PROTO_KIND_EMERGENCY].steps[0].ntargets, 2);
	assert_int_equal(c->policies[PROTO_KIND_TEST].defined, 1);
	assert_int_equal(c->nexceptions, 2);
	conf_free(c);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* hubd --check -v of the example, against its golden form. To update
 * after a deliberate change: bin/hubd -n -v -c EXAMPLE > GOLDEN. */
static void
test_example_golden(void **state)
{
	char err[CONF_ERR_MAX] = "";
	struct hub_conf *c = hub_conf_load(EXAMPLE, err, sizeof err);
	char *got, *want = read_file(GOLDEN);

	(void)state;
	if (!c)
		fail_msg("%s", err);
	got = ht_print(c);
	assert_string_equal(got, want);
	free(got);
	free(want);
	conf_free(c);
}

/* What hub_conf_print writes reads back to the same config. */
static void
test_print_reads_back(void **state)
{
	struct hub_conf *a = ht_conf("site = \"b1\";\n"
	    "fallback = [\"person:boss\", \"team:t\"];\n"
	    "broker = { tls = true; ca_file = \"/etc/panic/ca.crt\";"
	    " username = \"hub\"; password_file = \"/etc/panic/hub.pass\"; };\n"
	    "people = ( { id = \"boss\"; name = \"B\"; roles = [\"facility\"]; } );\n"
	    "teams = ( { id = \"t\"; members = [\"boss\"]; } );\n"
	    "zones = ( { id = \"Q\"; name = \"the \\\"quiet\\\" room \\\\ 2\"; } );\n"
	    "counters = ( { id = \"q1\"; label = \"x\"; zone = \"Q\"; } );\n"
	    "shifts = ( { zone = \"Q\"; days = [\"sun\", \"sat\"]; from = \"22:00\";"
	    " to = \"06:30\"; supervisor = \"boss\"; } );\n"
	    "exceptions = ( { type = \"holiday\"; date = \"2027-01-01\"; zone = \"Q\"; } );\n"
	    "web = { listen = \"::1\"; port = 8443; base_url = \"https://hub.b1/ack/\";"
	    " key_file = \"/etc/panic/link.key\"; };\n"
	    MIN_POLICIES);
	char *first = ht_print(a), *second;
	struct hub_conf *b = ht_conf(first);

	(void)state;
	second = ht_print(b);
	assert_string_equal(first, second);
	assert_string_equal(b->zones[0].name, "the \"quiet\" room \\ 2");
	assert_string_equal(b->web.base_url, "https://hub.b1/ack");
	assert_int_equal(b->web.link_ttl_s, 86400);
	assert_int_equal(b->web.port, 8443);
	/* the login reads back; only the password's file is named */
	assert_int_equal(b->broker.login.tls, 1);
	assert_string_equal(b->broker.login.password_file, "/etc/panic/hub.pass");
	assert_string_equal(b->broker.login.password, "");
	free(first);
	free(second);
	conf_free(a);
	conf_free(b);
}

/* A file of size bytes, mode 0600; its path or NULL. */
static const char *
f_write_size(const char *path, size_t size)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return NULL;
	for (size_t i = 0; i < size; i++)
		fputc('k', f);
	fclose(f);
	return chmod(path, 0600) == 0 ? path : NULL;
}

/* The key file: refused when missing, a directory, readable by others,
 * too short or too long; a good one is read whole. Errors name the file,
 * the line of key_file and the key. */
static void
test_web_key_file(void **state)
{
	static const struct { const char *text; mode_t mode; const char *want; }
	    cases[] = {
		{ NULL, 0600, "No such file or directory" },
		{ "0123456789abcdef0123456789abcdef", 0644, "readable or writable by others" },
		{ "0123456789abcdef0123456789abcdef", 0602, "readable or writable by others" },
		{ "0123456789abcdef0123456789abcde", 0600, "too short" },
		{ "0123456789abcdef0123456789abcdef", 0640, NULL },
	};
	char dir[] = "/tmp/hubtest-key-XXXXXX", key[64], text[4096];
	char err[CONF_ERR_MAX], want[160];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof key, "%s/link.key", dir);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct hub_conf *c;
		FILE *f;

		unlink(key);
		if (cases[i].text) {
			assert_non_null(f = fopen(key, "w"));
			fputs(cases[i].text, f);
			fclose(f);
			assert_int_equal(chmod(key, cases[i].mode), 0);
		}
		snprintf(text, sizeof text, "%sweb = { base_url = \"http://h:1\";\n"
		    "  key_file = \"%s\"; };\n%s", MIN_HEAD, key, MIN_POLICIES);
		c = ht_conf(text);
		assert_int_equal(c->web.keylen, 0);
		if (!cases[i].want) {
			assert_int_equal(conf_web_key_load(c, err, sizeof err), 0);
			assert_int_equal(c->web.keylen, 32);
			assert_memory_equal(c->web.key, cases[i].text, 32);
		} else {
			snprintf(want, sizeof want, ":6: web.key_file: %s: %s", key,
			    cases[i].want);
			assert_int_equal(conf_web_key_load(c, err, sizeof err), -1);
			if (!strstr(err, want))
				fail_msg("case %zu: got \"%s\", want \"...%s\"", i,
				    err, want);
		}
		conf_free(c);
	}
	/* too long, and not a regular file */
	assert_non_null(f_write_size(key, CONF_KEY_MAX + 1));
	snprintf(text, sizeof text, "%sweb = { base_url = \"http://h:1\";\n"
	    "  key_file = \"%s\"; };\n%s", MIN_HEAD, key, MIN_POLICIES);
	{
		struct hub_conf *c = ht_conf(text);

		assert_int_equal(conf_web_key_load(c, err, sizeof err), -1);
		assert_non_null(strstr(err, "too long"));
		snprintf(c->web.key_file, sizeof c->web.key_file, "%s", dir);
		assert_int_equal(conf_web_key_load(c, err, sizeof err), -1);
		assert_non_null(strstr(err, "not a regular file"));
		conf_free(c);
	}
	unlink(key);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_pager_ids_unique),
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_example_branch),
		cmocka_unit_test(test_example_golden),
		cmocka_unit_test(test_print_reads_back),
		cmocka_unit_test(test_web_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
