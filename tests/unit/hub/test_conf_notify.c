/* test_conf_notify.c: the channels of hubd.conf and each person's notify
 * list (hub/conf_notify.c) — what loads, its defaults, its normalised
 * print reading back without secrets, and every mistake refused with
 * "file:line: key: reason". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hubtest.h"

/* Lines 1-4; a case's channels are line 5, its people line 6. */
#define HEAD \
	"site = \"b1\";\n" \
	"fallback = [\"person:boss\"];\n" \
	"zones = ( { id = \"A\"; } );\n" \
	"policies = ( { kind = \"help\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); }," \
	" { kind = \"emergency\"; steps = ( { targets = [\"person:boss\"]; wait_s = 1; } ); } );\n"
#define BOSS(notify) "people = ( { id = \"boss\"; name = \"B\"; roles = [\"facility\"];" \
	" email = \"boss@b1.example\"; phone = \"+81-3-0000\"; " notify " } );"
#define NTFY "{ name = \"ntfy\"; type = \"webhook\"; template = \"ntfy\"; url = \"https://ntfy.example\"; }"

struct bad_case {
	const char *channels, *people, *want;
};

static const struct bad_case bad_cases[] = {
	{ "channels = ( { name = \"x\"; type = \"fax\"; } );", BOSS(""),
	  ":5: channels.[0].type: unknown value \"fax\"" },
	{ "channels = ( { name = \"x\"; } );", BOSS(""),
	  ":5: channels.[0]: missing required key \"type\"" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; url = \"https://h\"; } );",
	  BOSS(""), ":5: channels.[0]: missing required key \"template\"" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"discord\"; url = \"https://h\"; } );",
	  BOSS(""), ":5: channels.[0].template: unknown value \"discord\"" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"ftp://h\"; } );",
	  BOSS(""), ":5: channels.[0].url: needs url = \"http(s)://...\"" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; from = \"a@b\"; } );",
	  BOSS(""), ":5: channels.[0].from: not a key of a webhook channel" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; fields = { a = \"b\"; }; } );",
	  BOSS(""), ":5: channels.[0].fields: only for the generic webhook template" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; headers = [ \"NoColon\" ]; } );",
	  BOSS(""), ":5: channels.[0].headers.[0]: expected \"Name: value\"" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; token_file = \"/nonexistent/t\"; } );",
	  BOSS(""), ":5: channels.[0].token_file: /nonexistent/t: No such file" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; bogus = 1; } );",
	  BOSS(""), ":5: channels.[0].bogus: unknown key" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; attempts = 0; } );",
	  BOSS(""), ":5: channels.[0].attempts: 0 is out of range" },
	{ "channels = ( { name = \"x\"; type = \"webhook\"; template = \"slack\"; url = \"https://h\"; timeout_s = 1; timeout_ms = 5; } );",
	  BOSS(""), ":5: channels.[0].timeout_ms: give timeout_s or timeout_ms" },
	{ "channels = ( { name = \"m\"; type = \"smtp\"; url = \"http://mail\"; from = \"a@b\"; } );",
	  BOSS(""), ":5: channels.[0].url: needs url = \"smtp://host:port\"" },
	{ "channels = ( { name = \"m\"; type = \"smtp\"; url = \"smtp://mail:25\"; } );",
	  BOSS(""), ":5: channels.[0]: needs from = \"address@domain\"" },
	{ "channels = ( { name = \"m\"; type = \"smtp\"; url = \"smtp://mail:25\"; from = \"a@b\"; tls = \"maybe\"; } );",
	  BOSS(""), ":5: channels.[0].tls: unknown value \"maybe\"" },
	{ "channels = ( { name = \"m\"; type = \"smtp\"; url = \"smtp://mail:25\"; from = \"a@b\"; password_file = \"/etc/hostname\"; } );",
	  BOSS(""), ":5: channels.[0].password_file: needs user" },
	{ "channels = ( { name = \"c\"; type = \"command\"; path = \"sms-send\"; } );",
	  BOSS(""), ":5: channels.[0].path: sms-send: not an executable file" },
	{ "channels = ( { name = \"c\"; type = \"command\"; } );",
	  BOSS(""), ":5: channels.[0]: missing required key \"path\"" },
	{ "channels = ( { name = \"pager\"; type = \"command\"; path = \"/bin/true\"; } );",
	  BOSS(""), ":5: channels.[0].name: reserved name for the MQTT pager" },
	{ "channels = ( { name = \"broker\"; type = \"command\"; path = \"/bin/true\"; } );",
	  BOSS(""), ":5: channels.[0].name: reserved name for the hub's broker link: channel \"broker\"" },
	{ "channels = ( " NTFY ", " NTFY " );", BOSS(""),
	  ":5: channels.[1].name: duplicate channel \"ntfy\"" },
	{ "", BOSS("notify = ( { channel = \"sms\"; } );"),
	  ":6: people.[0].notify.[0].channel: unknown channel \"sms\"" },
	{ "channels = ( " NTFY " );", BOSS("notify = ( { channel = \"ntfy\"; } );"),
	  ":6: people.[0].notify.[0]: channel \"ntfy\" needs to = \"topic\"" },
	{ "channels = ( " NTFY " );",
	  BOSS("notify = ( { channel = \"ntfy\"; to = \"t\"; }, { channel = \"ntfy\"; to = \"u\"; } );"),
	  ":6: people.[0].notify.[1].channel: channel \"ntfy\" listed twice" },
	{ "", BOSS("notify = ( );"),
	  ":6: people.[0].notify: expected a non-empty list" },
	{ "", BOSS("notify = ( { channel = \"pager\"; via = \"x\"; } );"),
	  ":6: people.[0].notify.[0].via: unknown key" },
	{ "channels = ( { name = \"m\"; type = \"smtp\"; url = \"smtp://mail:25\"; from = \"a@b\"; } );",
	  BOSS("notify = ( { channel = \"m\"; to = \"not-an-address\"; } );"),
	  ":6: people.[0].notify.[0]: channel \"m\" needs to = \"address@domain\"" },
};

static void
test_bad_channels(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		const struct bad_case *k = &bad_cases[i];
		char text[4096], err[CONF_ERR_MAX] = "";
		struct hub_conf *c;

		snprintf(text, sizeof text, "%s%s\n%s\n", HEAD, k->channels,
		    k->people);
		c = ht_conf_try(text, err, sizeof err);
		if (c || !strstr(err, k->want))
			fail_msg("case %zu: got \"%s\", want \"...%s\"", i,
			    c ? "(loaded)" : err, k->want);
	}
}

/* Every type loads with its defaults; addresses default to the person's
 * email and phone; the print reads back to the same print, naming the
 * secrets' files but never their contents. */
static void
test_channels_load_and_print(void **state)
{
	char tok[] = "/tmp/hubtest-tok-XXXXXX", text[4096];
	int fd = mkstemp(tok);
	struct hub_conf *a, *b;
	char *first, *second;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "tk_very_secret\n", 15), 15);
	close(fd);
	snprintf(text, sizeof text, HEAD
	    "channels = ( " NTFY ",\n"
	    " { name = \"gw\"; type = \"webhook\"; template = \"generic\";"
	    " url = \"http://gw.local/send\"; headers = [ \"X-Key: 1\" ];"
	    " token_file = \"%s\"; fields = { to = \"{to}\"; text = \"{title}\"; }; },\n"
	    " { name = \"mail\"; type = \"smtp\"; url = \"smtp://mail:587\";"
	    " from = \"hub@b1.example\"; user = \"hub\"; password_file = \"%s\";"
	    " tls = \"required\"; },\n"
	    " { name = \"sms\"; type = \"command\"; path = \"/bin/true\";"
	    " args = [ \"--quiet\" ]; timeout_s = 5; attempts = 2; retry_s = 1;"
	    " alert_after = 4; } );\n"
	    BOSS("notify = ( { channel = \"pager\"; }, { channel = \"ntfy\"; to = \"b1-boss\"; },"
	    " { channel = \"mail\"; }, { channel = \"sms\"; } );") "\n", tok, tok);
	a = ht_conf(text);
	assert_int_equal(a->nchannels, 4);
	assert_int_equal(a->channels[0].timeout_ms, 10000);
	assert_int_equal(a->channels[0].attempts, 3);
	assert_int_equal(a->channels[0].retry_ms, 2000);
	assert_int_equal(a->channels[0].alert_after, 3);
	assert_int_equal(a->channels[2].tls, CONF_TLS_REQUIRED);
	assert_string_equal(a->channels[1].token, "tk_very_secret");
	assert_int_equal(a->channels[3].timeout_ms, 5000);
	assert_int_equal(a->people[0].nnotify, 4);
	assert_int_equal(a->people[0].notify[0].channel, CONF_PAGER);
	assert_string_equal(a->people[0].notify[2].to, "boss@b1.example");
	assert_string_equal(a->people[0].notify[3].to, "+81-3-0000");

	first = ht_print(a);
	assert_null(strstr(first, "tk_very_secret"));
	assert_non_null(strstr(first, "token_file"));
	b = ht_conf(first);
	second = ht_print(b);
	assert_string_equal(first, second);
	unlink(tok);
	free(first);
	free(second);
	conf_free(a);
	conf_free(b);
}

/* Without a notify list a person has the pager alone. */
static void
test_default_is_pager(void **state)
{
	struct hub_conf *c = ht_conf(HEAD BOSS("") "\n");

	(void)state;
	assert_int_equal(c->people[0].nnotify, 1);
	assert_int_equal(c->people[0].notify[0].channel, CONF_PAGER);
	assert_int_equal(c->nchannels, 0);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_channels),
		cmocka_unit_test(test_channels_load_and_print),
		cmocka_unit_test(test_default_is_pager),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
