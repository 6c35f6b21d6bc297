/* test_proto.c: the wire contract — every payload round-trips byte for byte,
 * and every malformed payload, id and topic is refused with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define T0	INT64_C(1764306723123)	/* 2025-11-28T05:12:03.123Z */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define BIG	(PROTO_MAX_PAYLOAD + 64)

/* ---- one codec interface over the eight payloads ------------------------ */

#define CODEC(P) \
static int \
enc_##P(const void *o, char *b, size_t n) \
{ \
	return proto_encode_##P(o, b, n); \
} \
static int \
dec_##P(const char *b, size_t n, void *o, const char **w) \
{ \
	return proto_decode_##P(b, n, o, w); \
}
CODEC(event)
CODEC(status)
CODEC(feedback)
CODEC(page)
CODEC(reply)
CODEC(incident)
CODEC(hub_status)
CODEC(maint)

struct codec {
	size_t size;
	int (*enc)(const void *, char *, size_t);
	int (*dec)(const char *, size_t, void *, const char **);
};

enum { C_EVENT, C_STATUS, C_FEEDBACK, C_PAGE, C_REPLY, C_INCIDENT, C_HUB,
	C_MAINT, C_COUNT };

static const struct codec codecs[C_COUNT] = {
	[C_EVENT] = { sizeof(struct proto_event), enc_event, dec_event },
	[C_STATUS] = { sizeof(struct proto_status), enc_status, dec_status },
	[C_FEEDBACK] = { sizeof(struct proto_feedback), enc_feedback,
	    dec_feedback },
	[C_PAGE] = { sizeof(struct proto_page), enc_page, dec_page },
	[C_REPLY] = { sizeof(struct proto_reply), enc_reply, dec_reply },
	[C_INCIDENT] = { sizeof(struct proto_incident), enc_incident,
	    dec_incident },
	[C_HUB] = { sizeof(struct proto_hub_status), enc_hub_status,
	    dec_hub_status },
	[C_MAINT] = { sizeof(struct proto_maint), enc_maint, dec_maint },
};

union any {
	struct proto_event ev;
	struct proto_status st;
	struct proto_feedback fb;
	struct proto_page pg;
	struct proto_reply rp;
	struct proto_incident in;
	struct proto_hub_status hs;
	struct proto_maint mt;
};

/* ---- samples and their exact encodings ---------------------------------- */

static const struct proto_event ev_full = {
	.id = "c3:b7:12", .counter = "c3", .boot = "b7", .seq = 12,
	.kind = PROTO_KIND_EMERGENCY, .gesture = PROTO_GESTURE_LONG,
	.button = "main", .pressed_ms = T0, .held_ms = 1520, .attempt = 3,
	.upgrades = "c3:b7:11",
};
static const struct proto_event ev_press = {
	.id = "c3:b7:11", .counter = "c3", .boot = "b7", .seq = 11,
	.kind = PROTO_KIND_HELP, .gesture = PROTO_GESTURE_PRESS,
	.button = "main", .pressed_ms = T0, .held_ms = -1, .attempt = 1,
};
/* every limit at once */
static const struct proto_event ev_max = {
	.id = "abcdefghijklmnopqrstuvwxyz012345:ABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123:"
	    "9007199254740991",
	.counter = "abcdefghijklmnopqrstuvwxyz012345",
	.boot = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123", .seq = 9007199254740991u,
	.kind = PROTO_KIND_FAULT_CLEARED, .gesture = PROTO_GESTURE_RELEASED,
	.button = "b", .pressed_ms = INT64_C(253402300799999),
	.held_ms = 0, .attempt = UINT32_MAX,
};
static const struct proto_status st_online = {
	.online = 1, .counter = "c3", .boot = "b7", .fw = "1.4.2",
	.at_ms = T0, .hb = 42, .interval_s = 30, .outbox = 2,
	.nbuttons = 2, .buttons = { "main", "foot" },
	.noutputs = 3, .outputs = { "light", "sounder", "recorder" },
	.nfaults = 1, .faults = { "foot" },
};
static const struct proto_status st_will = {
	.online = 0, .counter = "c3", .boot = "b7",
};
static const struct proto_feedback fb_receipt = {
	.type = PROTO_FEEDBACK_RECEIPT, .event = "c3:b7:12", .incident = "i42",
	.state = PROTO_IST_PAGING, .kind = PROTO_KIND_HELP, .needed = 1,
	.at_ms = T0 + 40,
};
static const struct proto_feedback fb_dup = {
	.type = PROTO_FEEDBACK_RECEIPT, .event = "c3:b7:9", .duplicate = 1,
	.at_ms = T0,
};
static const struct proto_feedback fb_state = {
	.type = PROTO_FEEDBACK_STATE, .incident = "i42",
	.state = PROTO_IST_ACKNOWLEDGED, .kind = PROTO_KIND_EMERGENCY,
	.acks = 1, .needed = 2, .at_ms = T0 + 9000,
};
static const struct proto_page pg_page = {
	.type = PROTO_PAGE_PAGE, .incident = "i42", .counter = "c3",
	.label = "Counter 3", .location = "1F, zone A, left of the entrance",
	.kind = PROTO_KIND_HELP, .step = 2, .pressed_ms = T0,
	.sent_ms = T0 + 60040, .elapsed_ms = 60000, .acks = 1, .needed = 2,
	.nresponders = 1, .responders = { "sato" },
};
static const struct proto_page pg_cancel = {
	.type = PROTO_PAGE_CANCEL, .incident = "i42", .counter = "c3",
	.kind = PROTO_KIND_HELP, .step = 1, .pressed_ms = T0,
	.sent_ms = T0 + 70000, .reason = "covered by others",
};
static const struct proto_reply rp_ack = {
	.incident = "i42", .person = "sato", .action = PROTO_ACTION_ACK,
};
static const struct proto_reply rp_resolve = {
	.incident = "i42", .person = "sato", .action = PROTO_ACTION_RESOLVE,
	.category = PROTO_CAT_HARASSMENT, .note = "shouting; left at 14:10",
	.at_ms = T0 + 600000,
};
static const struct proto_incident in_raised = {
	.incident = "i42", .counter = "c3", .kind = PROTO_KIND_HELP,
	.state = PROTO_IST_RAISED, .pressed_ms = T0, .received_ms = T0 + 35,
};
static const struct proto_incident in_full = {
	.incident = "i42", .counter = "c3", .label = "Counter 3",
	.kind = PROTO_KIND_EMERGENCY, .state = PROTO_IST_RESOLVED,
	.category = PROTO_CAT_COMPLAINT, .step = 2, .acks = 2, .needed = 2,
	.nresponders = 2, .responders = { "sato", "kato" },
	.pressed_ms = T0, .received_ms = T0 + 35, .acked_ms = T0 + 20000,
	.on_scene_ms = T0 + 80000, .resolved_ms = T0 + 600000,
};
static const struct proto_hub_status hs_on = {
	.online = 1, .site = "b1", .version = "0.3.0", .at_ms = T0,
};
static const struct proto_hub_status hs_will = { .online = 0, .site = "b1" };
static const struct proto_maint mt_alert = {
	.type = PROTO_MAINT_ALERT, .counter = "c3", .label = "Counter 3",
	.reason = "heartbeat missed", .at_ms = T0,
};
static const struct proto_maint mt_notice = {
	.type = PROTO_MAINT_NOTICE, .counter = "c3", .at_ms = T0,
};

struct sample {
	int codec;
	const void *obj;
	const char *json;	/* the exact encoding */
};

enum { S_EV_FULL, S_EV_PRESS, S_EV_MAX, S_ST_ONLINE, S_ST_WILL,
	S_FB_RECEIPT, S_FB_DUP, S_FB_STATE, S_PG_PAGE, S_PG_CANCEL, S_RP_ACK,
	S_RP_RESOLVE, S_IN_RAISED, S_IN_FULL, S_HS_ON, S_HS_WILL, S_MT_ALERT,
	S_MT_NOTICE, S_COUNT };

static const struct sample samples[S_COUNT] = {
	[S_EV_FULL] = { C_EVENT, &ev_full,
	    "{\"v\":1,\"id\":\"c3:b7:12\",\"counter\":\"c3\",\"boot\":\"b7\","
	    "\"seq\":12,\"kind\":\"emergency\",\"gesture\":\"long\","
	    "\"button\":\"main\",\"pressed_at\":\"2025-11-28T05:12:03.123Z\","
	    "\"held_ms\":1520,\"attempt\":3,\"upgrades\":\"c3:b7:11\"}" },
	[S_EV_PRESS] = { C_EVENT, &ev_press,
	    "{\"v\":1,\"id\":\"c3:b7:11\",\"counter\":\"c3\",\"boot\":\"b7\","
	    "\"seq\":11,\"kind\":\"help\",\"gesture\":\"press\","
	    "\"button\":\"main\",\"pressed_at\":\"2025-11-28T05:12:03.123Z\","
	    "\"attempt\":1}" },
	[S_EV_MAX] = { C_EVENT, &ev_max,
	    "{\"v\":1,\"id\":\"abcdefghijklmnopqrstuvwxyz012345:"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123:9007199254740991\","
	    "\"counter\":\"abcdefghijklmnopqrstuvwxyz012345\","
	    "\"boot\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123\","
	    "\"seq\":9007199254740991,\"kind\":\"fault_cleared\","
	    "\"gesture\":\"released\",\"button\":\"b\","
	    "\"pressed_at\":\"9999-12-31T23:59:59.999Z\",\"held_ms\":0,"
	    "\"attempt\":4294967295}" },
	[S_ST_ONLINE] = { C_STATUS, &st_online,
	    "{\"v\":1,\"state\":\"online\",\"counter\":\"c3\",\"boot\":\"b7\","
	    "\"fw\":\"1.4.2\",\"at\":\"2025-11-28T05:12:03.123Z\",\"hb\":42,"
	    "\"interval_s\":30,\"outbox\":2,\"buttons\":[\"main\",\"foot\"],"
	    "\"outputs\":[\"light\",\"sounder\",\"recorder\"],"
	    "\"faults\":[\"foot\"]}" },
	[S_ST_WILL] = { C_STATUS, &st_will,
	    "{\"v\":1,\"state\":\"offline\",\"counter\":\"c3\",\"boot\":\"b7\"}" },
	[S_FB_RECEIPT] = { C_FEEDBACK, &fb_receipt,
	    "{\"v\":1,\"type\":\"receipt\",\"event\":\"c3:b7:12\","
	    "\"incident\":\"i42\",\"state\":\"paging\",\"kind\":\"help\","
	    "\"needed\":1,\"at\":\"2025-11-28T05:12:03.163Z\"}" },
	[S_FB_DUP] = { C_FEEDBACK, &fb_dup,
	    "{\"v\":1,\"type\":\"receipt\",\"event\":\"c3:b7:9\","
	    "\"duplicate\":true,\"at\":\"2025-11-28T05:12:03.123Z\"}" },
	[S_FB_STATE] = { C_FEEDBACK, &fb_state,
	    "{\"v\":1,\"type\":\"state\",\"incident\":\"i42\","
	    "\"state\":\"acknowledged\",\"kind\":\"emergency\",\"acks\":1,"
	    "\"needed\":2,\"at\":\"2025-11-28T05:12:12.123Z\"}" },
	[S_PG_PAGE] = { C_PAGE, &pg_page,
	    "{\"v\":1,\"type\":\"page\",\"incident\":\"i42\",\"counter\":\"c3\","
	    "\"label\":\"Counter 3\","
	    "\"location\":\"1F, zone A, left of the entrance\","
	    "\"kind\":\"help\",\"step\":2,"
	    "\"pressed_at\":\"2025-11-28T05:12:03.123Z\","
	    "\"sent_at\":\"2025-11-28T05:13:03.163Z\",\"elapsed_ms\":60000,"
	    "\"acks\":1,\"needed\":2,\"responders\":[\"sato\"]}" },
	[S_PG_CANCEL] = { C_PAGE, &pg_cancel,
	    "{\"v\":1,\"type\":\"cancel\",\"incident\":\"i42\","
	    "\"counter\":\"c3\",\"kind\":\"help\",\"step\":1,"
	    "\"pressed_at\":\"2025-11-28T05:12:03.123Z\","
	    "\"sent_at\":\"2025-11-28T05:13:13.123Z\","
	    "\"reason\":\"covered by others\"}" },
	[S_RP_ACK] = { C_REPLY, &rp_ack,
	    "{\"v\":1,\"incident\":\"i42\",\"person\":\"sato\","
	    "\"action\":\"ack\"}" },
	[S_RP_RESOLVE] = { C_REPLY, &rp_resolve,
	    "{\"v\":1,\"incident\":\"i42\",\"person\":\"sato\","
	    "\"action\":\"resolve\",\"category\":\"harassment\","
	    "\"note\":\"shouting; left at 14:10\","
	    "\"at\":\"2025-11-28T05:22:03.123Z\"}" },
	[S_IN_RAISED] = { C_INCIDENT, &in_raised,
	    "{\"v\":1,\"incident\":\"i42\",\"counter\":\"c3\",\"kind\":\"help\","
	    "\"state\":\"raised\",\"pressed_at\":\"2025-11-28T05:12:03.123Z\","
	    "\"received_at\":\"2025-11-28T05:12:03.158Z\"}" },
	[S_IN_FULL] = { C_INCIDENT, &in_full,
	    "{\"v\":1,\"incident\":\"i42\",\"counter\":\"c3\","
	    "\"label\":\"Counter 3\",\"kind\":\"emergency\","
	    "\"state\":\"resolved\",\"category\":\"complaint\",\"step\":2,"
	    "\"acks\":2,\"needed\":2,\"responders\":[\"sato\",\"kato\"],"
	    "\"pressed_at\":\"2025-11-28T05:12:03.123Z\","
	    "\"received_at\":\"2025-11-28T05:12:03.158Z\","
	    "\"acked_at\":\"2025-11-28T05:12:23.123Z\","
	    "\"on_scene_at\":\"2025-11-28T05:13:23.123Z\","
	    "\"resolved_at\":\"2025-11-28T05:22:03.123Z\"}" },
	[S_HS_ON] = { C_HUB, &hs_on,
	    "{\"v\":1,\"state\":\"online\",\"site\":\"b1\",\"version\":\"0.3.0\","
	    "\"at\":\"2025-11-28T05:12:03.123Z\"}" },
	[S_HS_WILL] = { C_HUB, &hs_will,
	    "{\"v\":1,\"state\":\"offline\",\"site\":\"b1\"}" },
	[S_MT_ALERT] = { C_MAINT, &mt_alert,
	    "{\"v\":1,\"type\":\"alert\",\"counter\":\"c3\","
	    "\"label\":\"Counter 3\",\"reason\":\"heartbeat missed\","
	    "\"at\":\"2025-11-28T05:12:03.123Z\"}" },
	[S_MT_NOTICE] = { C_MAINT, &mt_notice,
	    "{\"v\":1,\"type\":\"notice\",\"counter\":\"c3\","
	    "\"at\":\"2025-11-28T05:12:03.123Z\"}" },
};

static const char *const codec_name[C_COUNT] = { "event", "status",
    "feedback", "page", "reply", "incident", "hub_status", "maint" };

/* ---- helpers ------------------------------------------------------------ */

static int
decode_sample(int s, const char *buf, size_t len, union any *out,
    const char **why)
{
	return codecs[samples[s].codec].dec(buf, len, out, why);
}

/* Decode json expecting failure with exactly want, and *out untouched. */
static void
expect_reject(int s, const char *json, size_t len, const char *want)
{
	union any out, fresh;
	const char *why = NULL;

	memset(&out, 0x5a, sizeof out);
	memset(&fresh, 0x5a, sizeof fresh);
	if (decode_sample(s, json, len, &out, &why) == 0)
		fail_msg("accepted: %.*s", (int)len, json);
	assert_non_null(why);
	if (want && strcmp(why, want) != 0)
		fail_msg("%.*s\n  why:  %s\n  want: %s", (int)len, json, why, want);
	assert_memory_equal(&out, &fresh, sizeof out);
}

static void
expect_accept(int s, const char *json, size_t len, union any *out)
{
	const char *why = NULL;

	if (decode_sample(s, json, len, out, &why) != 0)
		fail_msg("rejected (%s): %.*s", why, (int)len, json);
}

/* "\"aaa...\"" with n a's, in a static buffer. */
static const char *
json_str_of(size_t n, char c)
{
	static char buf[BIG];

	assert_true(n + 3 <= sizeof buf);
	buf[0] = '"';
	memset(buf + 1, c, n);
	buf[n + 1] = '"';
	buf[n + 2] = '\0';
	return buf;
}

/* Take sample s's encoding, replace field (moved last) with the JSON text
 * repl, or delete it when repl is NULL; write the result to out. */
static size_t
mutate(int s, const char *field, const char *repl, char *out, size_t size)
{
	cJSON *root = cJSON_Parse(samples[s].json), *item;
	char *txt;
	size_t n;

	assert_non_null(root);
	cJSON_DeleteItemFromObjectCaseSensitive(root, field);
	if (repl) {
		/* checked, then inserted verbatim: cJSON would reprint
		 * 9007199254740992 as 9.00719925474099e+15 */
		item = cJSON_Parse(repl);
		if (!item)
			fail_msg("bad replacement JSON: %s", repl);
		cJSON_Delete(item);
		assert_non_null(cJSON_AddRawToObject(root, field, repl));
	}
	txt = cJSON_PrintUnformatted(root);
	assert_non_null(txt);
	n = strlen(txt);
	assert_true(n < size);
	memcpy(out, txt, n + 1);
	cJSON_free(txt);
	cJSON_Delete(root);
	return n;
}

/* ---- round trips -------------------------------------------------------- */

static void
test_encode_golden(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++) {
		char buf[BIG];
		int n = codecs[samples[s].codec].enc(samples[s].obj, buf,
		    sizeof buf);

		if (n < 0)
			fail_msg("sample %d: encode failed", s);
		assert_int_equal((size_t)n, strlen(buf));
		assert_string_equal(buf, samples[s].json);
	}
}

static void
test_roundtrip(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++) {
		const struct codec *c = &codecs[samples[s].codec];
		char buf[BIG], again[BIG];
		union any out;
		int n, m;

		n = c->enc(samples[s].obj, buf, sizeof buf);
		assert_true(n > 0);
		memset(&out, 0x5a, sizeof out);
		expect_accept(s, buf, (size_t)n, &out);
		assert_memory_equal(&out, samples[s].obj, c->size);
		m = c->enc(&out, again, sizeof again);
		assert_int_equal(m, n);
		assert_string_equal(again, buf);
	}
}

static void
test_roundtrip_japanese(void **state)
{
	static const char label[] = "3番窓口";
	static const char loc[] = "1階 Aゾーン・入口の左 🚪";
	static const char note[] = "カスハラ対応。\n二名で対応\t完了 ✅";
	struct proto_page pg = pg_page, pg2;
	struct proto_reply rp = rp_resolve, rp2;
	char buf[BIG];
	int n;

	(void)state;
	snprintf(pg.label, sizeof pg.label, "%s", label);
	snprintf(pg.location, sizeof pg.location, "%s", loc);
	n = proto_encode_page(&pg, buf, sizeof buf);
	assert_true(n > 0);
	/* sent as UTF-8, not as \u escapes */
	assert_non_null(strstr(buf, label));
	assert_non_null(strstr(buf, loc));
	assert_int_equal(proto_decode_page(buf, (size_t)n, &pg2, NULL), 0);
	assert_memory_equal(&pg, &pg2, sizeof pg);

	snprintf(rp.note, sizeof rp.note, "%s", note);
	n = proto_encode_reply(&rp, buf, sizeof buf);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\\n二名で対応\\t完了"));
	assert_int_equal(proto_decode_reply(buf, (size_t)n, &rp2, NULL), 0);
	assert_string_equal(rp2.note, note);
}

/* A label of 85 three-byte characters fills 255 bytes: the most there is
 * room for; one more is refused, never cut. */
static void
test_japanese_limits(void **state)
{
	char text[300] = "", json[310], buf[BIG];
	struct proto_page pg = pg_page, out;
	size_t n;

	(void)state;
	for (int i = 0; i < 85; i++)
		strcat(text, "窓");
	assert_int_equal(strlen(text), PROTO_TEXT_MAX - 1);
	memcpy(pg.label, text, sizeof pg.label);
	n = (size_t)proto_encode_page(&pg, buf, sizeof buf);
	assert_int_equal(proto_decode_page(buf, n, &out, NULL), 0);
	assert_string_equal(out.label, text);

	snprintf(json, sizeof json, "\"%s口\"", text);
	n = mutate(S_PG_PAGE, "label", json, buf, sizeof buf);
	expect_reject(S_PG_PAGE, buf, n, "page: \"label\" is too long");
}

/* A page may carry the person's acknowledgement link (optional, pages
 * only): it round-trips, a cancel neither sends nor reads it, and an
 * older reader ignores it like any unknown field. */
static void
test_page_ack_url(void **state)
{
	static const char url[] = "http://hub.b1:8080/a/1/i42/sato/1795000600/"
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
	struct proto_page pg = pg_page, out;
	char buf[BIG];
	int n;

	(void)state;
	snprintf(pg.ack_url, sizeof pg.ack_url, "%s", url);
	n = proto_encode_page(&pg, buf, sizeof buf);
	assert_true(n > 0);
	assert_non_null(strstr(buf, ",\"ack_url\":\"http://hub.b1:8080/a/1/"));
	assert_int_equal(proto_decode_page(buf, (size_t)n, &out, NULL), 0);
	assert_string_equal(out.ack_url, url);
	pg = pg_cancel;
	snprintf(pg.ack_url, sizeof pg.ack_url, "%s", url);
	n = proto_encode_page(&pg, buf, sizeof buf);
	assert_null(strstr(buf, "ack_url"));
	/* absent: "" */
	pg = pg_page;
	n = proto_encode_page(&pg, buf, sizeof buf);
	assert_null(strstr(buf, "ack_url"));
	assert_int_equal(proto_decode_page(buf, (size_t)n, &out, NULL), 0);
	assert_string_equal(out.ack_url, "");
}

/* ---- malformed payloads ------------------------------------------------- */

/* Every proper prefix of a valid payload is refused, read from a buffer of
 * exactly that size (ASan catches any read past it) and from the whole
 * valid payload with a shorter len. */
static void
test_truncated(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++) {
		const char *json = samples[s].json;
		size_t n = strlen(json);
		union any out;

		for (size_t k = 0; k < n; k++) {
			char *p = malloc(k ? k : 1);

			assert_non_null(p);
			memcpy(p, json, k);
			expect_reject(s, p, k, NULL);
			free(p);
			expect_reject(s, json, k, NULL);
		}
		expect_accept(s, json, n, &out);
	}
}

/* The first n bytes are an object missing its last field; the full buffer
 * would be valid. Only the first n may be read. */
static void
test_valid_only_past_len(void **state)
{
	const char *full = samples[S_EV_FULL].json;
	const char *cut = strstr(full, ",\"upgrades\"");
	char buf[BIG];
	size_t n = (size_t)(cut - full);

	(void)state;
	memcpy(buf, full, strlen(full) + 1);
	buf[n] = '}';	/* {...,"attempt":3}"upgrades":"c3:b7:11"} */
	expect_reject(S_EV_FULL, buf, n, "event: not valid JSON");
	expect_reject(S_EV_FULL, full, strlen(full) - 1,
	    "event: not valid JSON");
}

static void
test_not_an_object(void **state)
{
	static const struct {
		const char *json;
		const char *why;	/* after "<payload>: " */
	} rows[] = {
		{ "", "empty payload" },
		{ "not json", "not valid JSON" },
		{ "{", "not valid JSON" },
		{ "{\"v\":1,}", "not valid JSON" },
		{ "{'v':1}", "not valid JSON" },
		{ "null", "not a JSON object" },
		{ "[]", "not a JSON object" },
		{ "[{\"v\":1}]", "not a JSON object" },
		{ "\"v\"", "not a JSON object" },
		{ "1", "not a JSON object" },
		{ "true", "not a JSON object" },
		{ "{\"v\":1}x", "data after the JSON object" },
		{ "{\"v\":1}{}", "data after the JSON object" },
		{ "{}", "missing field \"v\"" },
		{ "{\"v\":2}", "unsupported version" },
		{ "{\"v\":0}", "unsupported version" },
		{ "{\"v\":-1}", "unsupported version" },
		{ "{\"v\":1.5}", "\"v\" is not an integer" },
		{ "{\"v\":\"1\"}", "\"v\" is not an integer" },
		{ "{\"v\":null}", "\"v\" is not an integer" },
		{ "{\"V\":1}", "missing field \"v\"" },
		{ "{\"v\":1,\"v\":1}", "a field appears twice" },
	};
	static const int first[C_COUNT] = { S_EV_FULL, S_ST_ONLINE,
	    S_FB_RECEIPT, S_PG_PAGE, S_RP_ACK, S_IN_RAISED, S_HS_ON,
	    S_MT_ALERT };

	(void)state;
	for (int c = 0; c < C_COUNT; c++) {
		for (size_t i = 0; i < NELEM(rows); i++) {
			char want[128];

			snprintf(want, sizeof want, "%s: %s", codec_name[c],
			    rows[i].why);
			expect_reject(first[c], rows[i].json,
			    strlen(rows[i].json), want);
		}
	}
}

/* Each required field, removed in turn. */
static void
test_missing_required(void **state)
{
	static const struct {
		int sample;
		const char *fields[12];
	} rows[] = {
		{ S_EV_FULL, { "v", "id", "counter", "boot", "seq", "kind",
		    "gesture", "button", "pressed_at", "attempt" } },
		{ S_ST_ONLINE, { "v", "state", "counter", "boot",
		    "interval_s" } },
		{ S_ST_WILL, { "state", "counter", "boot" } },
		{ S_FB_RECEIPT, { "type", "event", "state", "kind", "at" } },
		{ S_FB_STATE, { "type", "incident", "state", "kind", "at" } },
		{ S_PG_PAGE, { "type", "incident", "counter", "kind", "step",
		    "pressed_at", "sent_at" } },
		{ S_PG_CANCEL, { "type", "incident", "counter", "kind", "step",
		    "pressed_at", "sent_at" } },
		{ S_RP_ACK, { "v", "incident", "person", "action" } },
		{ S_IN_FULL, { "incident", "counter", "kind", "state",
		    "pressed_at", "received_at" } },
		{ S_HS_ON, { "state", "site" } },
		{ S_MT_ALERT, { "type", "at" } },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		int s = rows[i].sample;

		for (int j = 0; rows[i].fields[j]; j++) {
			char buf[BIG], want[128];
			size_t n = mutate(s, rows[i].fields[j], NULL, buf,
			    sizeof buf);

			snprintf(want, sizeof want, "%s: missing field \"%s\"",
			    codec_name[samples[s].codec], rows[i].fields[j]);
			expect_reject(s, buf, n, want);
		}
	}
}

/* A maintenance message names a counter board or a hub channel, exactly
 * one of them. */
static void
test_maint_counter_or_channel(void **state)
{
	struct proto_maint mt = mt_alert, out;
	const char *why = NULL;
	char buf[BIG];
	int n;
	static const char none[] = "{\"v\":1,\"type\":\"alert\","
	    "\"at\":\"2025-11-28T05:12:03.123Z\"}";

	(void)state;
	expect_reject(S_MT_ALERT, none, sizeof none - 1,
	    "maint: needs one of \"counter\" and \"channel\"");
	snprintf(mt.channel, sizeof mt.channel, "ntfy");
	assert_true(proto_encode_maint(&mt, buf, sizeof buf) < 0);
	mt.counter[0] = '\0';
	n = proto_encode_maint(&mt, buf, sizeof buf);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\"channel\":\"ntfy\""));
	assert_int_equal(proto_decode_maint(buf, (size_t)n, &out, &why), 0);
	assert_string_equal(out.channel, "ntfy");
	assert_string_equal(out.counter, "");
}

/* Each optional field, removed in turn: still valid. */
static void
test_missing_optional(void **state)
{
	static const struct {
		int sample;
		const char *fields[12];
	} rows[] = {
		{ S_EV_FULL, { "held_ms", "upgrades" } },
		{ S_ST_ONLINE, { "fw", "at", "hb", "outbox", "buttons",
		    "outputs", "faults" } },
		{ S_FB_RECEIPT, { "incident", "duplicate", "acks", "needed" } },
		{ S_PG_PAGE, { "label", "location", "elapsed_ms", "acks",
		    "needed", "responders" } },
		{ S_PG_CANCEL, { "reason" } },
		{ S_RP_RESOLVE, { "note", "at" } },
		{ S_IN_FULL, { "label", "category", "step", "acks", "needed",
		    "responders", "acked_at", "on_scene_at", "resolved_at" } },
		{ S_HS_ON, { "version", "at" } },
		{ S_MT_ALERT, { "label", "reason" } },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		for (int j = 0; rows[i].fields[j]; j++) {
			char buf[BIG];
			union any out;
			size_t n = mutate(rows[i].sample, rows[i].fields[j],
			    NULL, buf, sizeof buf);

			expect_accept(rows[i].sample, buf, n, &out);
		}
	}
	/* held_ms left out reads back as "not known" */
	{
		char buf[BIG];
		union any out;
		size_t n = mutate(S_EV_FULL, "held_ms", NULL, buf, sizeof buf);

		expect_accept(S_EV_FULL, buf, n, &out);
		assert_int_equal(out.ev.held_ms, -1);
	}
}

/* One field replaced by a bad value: the exact reason. */
struct bad_field {
	int sample;
	const char *field;
	const char *json;
	const char *why;
};

#define EV_SEQ	"event: \"seq\" is not a positive integer below 2^53"
#define EV_ATT	"event: \"attempt\" is not an integer from 1 to 4294967295"
#define EV_HELD	"event: \"held_ms\" is not a non-negative integer below 2^53"
#define EV_CTR	"event: \"counter\" is not a valid id"
#define EV_ID	"event: \"id\" is not an event id \"<counter>:<boot>:<seq>\""
#define EV_TIME	"event: \"pressed_at\" is not an ISO 8601 UTC time"
#define EV_UPG	"event: \"upgrades\" is not another event of this counter"
#define ST_LIST	"status: \"buttons\" has an invalid or repeated id"
#define U32_ANY	"is not an integer from 0 to 4294967295"
#define TEN_IDS	"\"a0\",\"a1\",\"a2\",\"a3\",\"a4\",\"a5\",\"a6\",\"a7\",\"a8\",\"a9\""
#define HUNDRED_IDS	TEN_IDS "," TEN_IDS "," TEN_IDS "," TEN_IDS "," \
	TEN_IDS "," TEN_IDS "," TEN_IDS "," TEN_IDS "," TEN_IDS "," TEN_IDS

static const struct bad_field bad_fields[] = {
	/* types */
	{ S_EV_FULL, "id", "12", "event: \"id\" is not a string" },
	{ S_EV_FULL, "counter", "3", "event: \"counter\" is not a string" },
	{ S_EV_FULL, "counter", "null", "event: \"counter\" is not a string" },
	{ S_EV_FULL, "counter", "[\"c3\"]",
	    "event: \"counter\" is not a string" },
	{ S_EV_FULL, "kind", "1", "event: \"kind\" is not a string" },
	{ S_EV_FULL, "pressed_at", "1764306723123",
	    "event: \"pressed_at\" is not a string" },
	{ S_EV_FULL, "seq", "\"12\"", EV_SEQ },
	{ S_EV_FULL, "seq", "true", EV_SEQ },
	{ S_EV_FULL, "seq", "null", EV_SEQ },
	{ S_EV_FULL, "seq", "{}", EV_SEQ },
	{ S_FB_DUP, "duplicate", "1",
	    "feedback: \"duplicate\" is not true or false" },
	{ S_FB_DUP, "duplicate", "\"true\"",
	    "feedback: \"duplicate\" is not true or false" },
	{ S_ST_ONLINE, "buttons", "\"main\"",
	    "status: \"buttons\" is not an array" },
	{ S_ST_ONLINE, "buttons", "{\"a\":\"main\"}",
	    "status: \"buttons\" is not an array" },
	{ S_PG_PAGE, "label", "null", "page: \"label\" is not a string" },
	{ S_HS_ON, "version", "5", "hub_status: \"version\" is not a string" },
	/* integers: floats, negatives, beyond range */
	{ S_EV_FULL, "seq", "12.5", EV_SEQ },
	{ S_EV_FULL, "seq", "-12", EV_SEQ },
	{ S_EV_FULL, "seq", "0", EV_SEQ },
	{ S_EV_FULL, "seq", "1e300", EV_SEQ },
	{ S_EV_FULL, "seq", "9007199254740992", EV_SEQ },
	{ S_EV_FULL, "seq", "18446744073709551617", EV_SEQ },
	{ S_EV_FULL, "attempt", "0", EV_ATT },
	{ S_EV_FULL, "attempt", "-1", EV_ATT },
	{ S_EV_FULL, "attempt", "2.5", EV_ATT },
	{ S_EV_FULL, "attempt", "4294967296", EV_ATT },
	{ S_EV_FULL, "held_ms", "-1", EV_HELD },
	{ S_EV_FULL, "held_ms", "1.5", EV_HELD },
	{ S_EV_FULL, "held_ms", "-9223372036854775809", EV_HELD },
	{ S_ST_ONLINE, "hb", "-1", "status: \"hb\" " U32_ANY },
	{ S_ST_ONLINE, "hb", "4294967296", "status: \"hb\" " U32_ANY },
	{ S_ST_ONLINE, "outbox", "0.5", "status: \"outbox\" " U32_ANY },
	{ S_ST_ONLINE, "interval_s", "0",
	    "status: \"interval_s\" is not an integer from 1 to 86400" },
	{ S_ST_ONLINE, "interval_s", "86401",
	    "status: \"interval_s\" is not an integer from 1 to 86400" },
	{ S_FB_RECEIPT, "acks", "-1", "feedback: \"acks\" " U32_ANY },
	{ S_PG_PAGE, "step", "0",
	    "page: \"step\" is not an integer from 1 to 4294967295" },
	{ S_PG_PAGE, "elapsed_ms", "-5",
	    "page: \"elapsed_ms\" is not a non-negative integer below 2^53" },
	{ S_IN_FULL, "needed", "1e10", "incident: \"needed\" " U32_ANY },
	/* ids */
	{ S_EV_FULL, "counter", "\"c/3\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"c+\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"#\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"c 3\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"c.3\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"c:3\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"窓口\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"c3\\n\"", EV_CTR },
	{ S_EV_FULL, "counter", "\"abcdefghijklmnopqrstuvwxyz0123456\"",
	    "event: \"counter\" is too long" },
	{ S_EV_FULL, "button", "\"a/b\"", "event: \"button\" is not a valid id" },
	{ S_EV_FULL, "boot", "\"+\"", "event: \"boot\" is not a valid id" },
	{ S_RP_ACK, "person", "\"p 1\"", "reply: \"person\" is not a valid id" },
	{ S_HS_ON, "site", "\"+\"", "hub_status: \"site\" is not a valid id" },
	{ S_MT_ALERT, "counter", "\"x#\"", "maint: \"counter\" is not a valid id" },
	{ S_FB_STATE, "incident", "\"\"",
	    "feedback: \"incident\" is not a valid id" },
	/* event ids */
	{ S_EV_FULL, "id", "\"c3:b7:13\"",
	    "event: \"id\" does not match counter, boot and seq" },
	{ S_EV_FULL, "id", "\"c4:b7:12\"",
	    "event: \"id\" does not match counter, boot and seq" },
	{ S_EV_FULL, "seq", "13",
	    "event: \"id\" does not match counter, boot and seq" },
	{ S_EV_FULL, "id", "\"c3-b7-12\"", EV_ID },
	{ S_EV_FULL, "id", "\"c3:b7:012\"", EV_ID },
	{ S_EV_FULL, "id", "\"c3:b7:12:1\"", EV_ID },
	{ S_EV_FULL, "id", "\"c3::12\"", EV_ID },
	{ S_EV_FULL, "id", "\"c3:b7:\"", EV_ID },
	{ S_EV_FULL, "upgrades", "\"d4:b7:11\"", EV_UPG },
	{ S_EV_FULL, "upgrades", "\"c33:b7:11\"", EV_UPG },
	{ S_EV_FULL, "upgrades", "\"c3:b7:12\"", EV_UPG },
	{ S_EV_FULL, "upgrades", "\"c3\"",
	    "event: \"upgrades\" is not an event id \"<counter>:<boot>:<seq>\"" },
	{ S_FB_RECEIPT, "event", "\"x\"",
	    "feedback: \"event\" is not an event id \"<counter>:<boot>:<seq>\"" },
	/* enums */
	{ S_EV_FULL, "kind", "\"HELP\"", "event: \"kind\" has an unknown value" },
	{ S_EV_FULL, "kind", "\"bogus\"", "event: \"kind\" has an unknown value" },
	{ S_EV_FULL, "kind", "\"\"", "event: \"kind\" has an unknown value" },
	{ S_EV_FULL, "gesture", "\"tap\"",
	    "event: \"gesture\" has an unknown value" },
	{ S_ST_ONLINE, "state", "\"up\"", "status: \"state\" has an unknown value" },
	{ S_FB_RECEIPT, "type", "\"ack\"",
	    "feedback: \"type\" has an unknown value" },
	{ S_FB_RECEIPT, "state", "\"open\"",
	    "feedback: \"state\" has an unknown value" },
	{ S_PG_PAGE, "type", "\"state\"", "page: \"type\" has an unknown value" },
	{ S_RP_RESOLVE, "category", "\"rude\"",
	    "reply: \"category\" has an unknown value" },
	{ S_RP_ACK, "action", "\"acknowledge\"",
	    "reply: \"action\" has an unknown value" },
	{ S_IN_FULL, "state", "\"open\"",
	    "incident: \"state\" has an unknown value" },
	{ S_MT_ALERT, "type", "\"warning\"",
	    "maint: \"type\" has an unknown value" },
	/* times */
	{ S_EV_FULL, "pressed_at", "\"2025-02-29T00:00:00.000Z\"", EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"2025-11-28 05:12:03.123Z\"", EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"2025-11-28T05:12:03.123+09:00\"",
	    EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"2025-11-28T05:12:03.1234Z\"", EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"2025-11-28T05:12:03.123\"", EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"1969-12-31T23:59:59.999Z\"", EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"yesterday\"", EV_TIME },
	{ S_EV_FULL, "pressed_at", "\"\"", EV_TIME },
	{ S_ST_ONLINE, "at", "\"2025-13-01T00:00:00.000Z\"",
	    "status: \"at\" is not an ISO 8601 UTC time" },
	{ S_IN_FULL, "acked_at", "\"x\"",
	    "incident: \"acked_at\" is not an ISO 8601 UTC time" },
	/* text */
	{ S_PG_PAGE, "label", "\"\xff\"", "page: \"label\" is not valid UTF-8 text" },
	{ S_PG_PAGE, "label", "\"\xc0\xaf\"",
	    "page: \"label\" is not valid UTF-8 text" },
	{ S_PG_PAGE, "label", "\"\xed\xa0\x80\"",
	    "page: \"label\" is not valid UTF-8 text" },
	{ S_PG_PAGE, "label", "\"\xe7\xaa\"",
	    "page: \"label\" is not valid UTF-8 text" },
	{ S_PG_PAGE, "location", "\"a\\u0001b\"",
	    "page: \"location\" is not valid UTF-8 text" },
	{ S_PG_PAGE, "location", "\"a\\rb\"",
	    "page: \"location\" is not valid UTF-8 text" },
	{ S_PG_PAGE, "location", "\"a\x7f\"",
	    "page: \"location\" is not valid UTF-8 text" },
	{ S_PG_CANCEL, "reason", "\"\xf4\x90\x80\x80\"",
	    "page: \"reason\" is not valid UTF-8 text" },
	{ S_ST_ONLINE, "fw", "\"abcdefghijklmnopqrstuvwxyz0123456\"",
	    "status: \"fw\" is too long" },
	/* lists */
	{ S_ST_ONLINE, "buttons", "[1]", ST_LIST },
	{ S_ST_ONLINE, "buttons", "[\"a\",\"a\"]", ST_LIST },
	{ S_ST_ONLINE, "buttons", "[\"a/b\"]", ST_LIST },
	{ S_ST_ONLINE, "buttons", "[\"\"]", ST_LIST },
	{ S_ST_ONLINE, "buttons", "[null]", ST_LIST },
	{ S_ST_ONLINE, "buttons", "[\"abcdefghijklmnopqrstuvwxyz0123456\"]",
	    ST_LIST },
	{ S_ST_ONLINE, "buttons",
	    "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]",
	    "status: \"buttons\" has more than 8 entries" },
	{ S_PG_PAGE, "responders",
	    "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]",
	    "page: \"responders\" has more than 8 entries" },
	{ S_IN_FULL, "responders", "[" HUNDRED_IDS "]",
	    "incident: \"responders\" has more than 8 entries" },
	/* rules across fields */
	{ S_RP_ACK, "action", "\"resolve\"",
	    "reply: \"resolve\" needs a \"category\"" },
	{ S_RP_ACK, "category", "\"harassment\"",
	    "reply: \"category\" belongs to \"resolve\" only" },
	{ S_RP_RESOLVE, "category", "\"none\"",
	    "reply: \"resolve\" needs a \"category\"" },
	/* version */
	{ S_EV_FULL, "v", "2", "event: unsupported version" },
	{ S_EV_FULL, "v", "1.0000001", "event: \"v\" is not an integer" },
	{ S_PG_PAGE, "v", "2", "page: unsupported version" },
};

static void
test_bad_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(bad_fields); i++) {
		const struct bad_field *b = &bad_fields[i];
		char buf[BIG];
		size_t n = mutate(b->sample, b->field, b->json, buf, sizeof buf);

		expect_reject(b->sample, buf, n, b->why);
	}
}

/* Changes a reader must take in its stride. */
static void
test_tolerated(void **state)
{
	static const struct {
		int sample;
		const char *field;
		const char *json;
	} rows[] = {
		{ S_EV_FULL, "extra", "{\"nested\":[1,2,{\"x\":null}]}" },
		{ S_EV_FULL, "zzz", "1.5" },
		{ S_EV_FULL, "seq", "12.0" },	/* integral: it is 12 */
		{ S_EV_FULL, "pressed_at", "\"2025-11-28T05:12:03Z\"" },
		{ S_PG_PAGE, "label", "\"\"" },	/* "" is absent */
		{ S_EV_FULL, "upgrades", "\"\"" },
		{ S_FB_RECEIPT, "incident", "\"\"" },
		{ S_IN_FULL, "acked_at", "\"1970-01-01T00:00:00.000Z\"" },
		{ S_PG_PAGE, "responders", "[]" },
		{ S_RP_ACK, "category", "\"none\"" },
		{ S_FB_STATE, "event", "\"whatever\"" },	/* not read */
		{ S_FB_DUP, "state", "\"no such state\"" },	/* no incident */
		{ S_ST_WILL, "interval_s", "30" },
		{ S_PG_PAGE, "label", "\"a\\\\u0000b\"" },	/* text, not NUL */
		{ S_PG_PAGE, "location", "\"\xc2\x85 tab\\t nl\\n\"" },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		char buf[BIG];
		union any out;
		size_t n = mutate(rows[i].sample, rows[i].field, rows[i].json,
		    buf, sizeof buf);

		expect_accept(rows[i].sample, buf, n, &out);
	}
}

static void
test_layout_tolerated(void **state)
{
	const char *json = samples[S_EV_FULL].json;
	cJSON *root = cJSON_Parse(json);
	char *pretty = cJSON_Print(root);
	char buf[BIG];
	union any out;

	(void)state;
	/* pretty-printed, surrounding whitespace, "v" last */
	expect_accept(S_EV_FULL, pretty, strlen(pretty), &out);
	assert_memory_equal(&out.ev, &ev_full, sizeof ev_full);
	snprintf(buf, sizeof buf, " \r\n\t%s \n", json);
	expect_accept(S_EV_FULL, buf, strlen(buf), &out);
	/* "v" moved last: drop the leading {"v":1, and the closing } */
	snprintf(buf, sizeof buf, "{%.*s,\"v\":1}",
	    (int)(strlen(json) - 8), json + 7);
	expect_accept(S_EV_FULL, buf, strlen(buf), &out);
	assert_memory_equal(&out.ev, &ev_full, sizeof ev_full);
	cJSON_free(pretty);
	cJSON_Delete(root);
}

static void
test_long_strings(void **state)
{
	static const struct {
		int sample;
		const char *field;
		size_t len;
		const char *why;	/* NULL: accepted */
	} rows[] = {
		{ S_PG_PAGE, "label", PROTO_TEXT_MAX - 1, NULL },
		{ S_PG_PAGE, "label", PROTO_TEXT_MAX, "page: \"label\" is too long" },
		{ S_PG_PAGE, "location", 3000,
		    "page: \"location\" is too long" },
		{ S_RP_RESOLVE, "note", PROTO_NOTE_CHARS, NULL },
		{ S_RP_RESOLVE, "note", PROTO_NOTE_CHARS + 1,
		    "reply: \"note\" is longer than 500 characters" },
		/* more bytes than 500 characters can take: still said in
		 * characters, which it is true of */
		{ S_RP_RESOLVE, "note", PROTO_NOTE_MAX,
		    "reply: \"note\" is longer than 500 characters" },
		{ S_MT_ALERT, "reason", PROTO_TEXT_MAX,
		    "maint: \"reason\" is too long" },
		{ S_HS_ON, "version", PROTO_ID_MAX - 1, NULL },
		{ S_HS_ON, "version", PROTO_ID_MAX,
		    "hub_status: \"version\" is too long" },
		{ S_RP_ACK, "person", PROTO_ID_MAX - 1, NULL },
		{ S_RP_ACK, "person", PROTO_ID_MAX,
		    "reply: \"person\" is too long" },
		{ S_IN_RAISED, "incident", 100,
		    "incident: \"incident\" is too long" },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		char buf[BIG];
		union any out;
		size_t n = mutate(rows[i].sample, rows[i].field,
		    json_str_of(rows[i].len, 'x'), buf, sizeof buf);

		if (rows[i].why)
			expect_reject(rows[i].sample, buf, n, rows[i].why);
		else
			expect_accept(rows[i].sample, buf, n, &out);
	}
}

/* The hub's health in its status, and a provisional receipt: written and
 * read back; absent, they read as healthy and plain. */
static void
test_health_and_provisional(void **state)
{
	struct proto_hub_status hs = { .online = 1, .store_failing = 1,
	    .failed_commits = 3, .reload_refused = 1, .at_ms = 1000 };
	struct proto_hub_status hs2;
	struct proto_feedback fb = { .type = PROTO_FEEDBACK_RECEIPT,
	    .provisional = 1, .state = PROTO_IST_PAGING, .at_ms = 1000 };
	struct proto_feedback fb2;
	char buf[1024];
	int n;

	(void)state;
	snprintf(hs.site, sizeof hs.site, "b1");
	snprintf(hs.reload_error, sizeof hs.reload_error, "hub.conf:3: x");
	assert_true((n = proto_encode_hub_status(&hs, buf, sizeof buf)) > 0);
	assert_non_null(strstr(buf, "\"store_failing\":true"));
	assert_int_equal(proto_decode_hub_status(buf, (size_t)n, &hs2, NULL), 0);
	assert_true(hs2.store_failing && hs2.reload_refused);
	assert_int_equal(hs2.failed_commits, 3);
	assert_string_equal(hs2.reload_error, "hub.conf:3: x");
	n = snprintf(buf, sizeof buf, "{\"v\":1,\"state\":\"online\","
	    "\"site\":\"b1\"}");
	assert_int_equal(proto_decode_hub_status(buf, (size_t)n, &hs2, NULL), 0);
	assert_false(hs2.store_failing || hs2.reload_refused);

	snprintf(fb.event, sizeof fb.event, "c03:b0:1");
	snprintf(fb.incident, sizeof fb.incident, "7");
	fb.kind = PROTO_KIND_HELP;
	fb.needed = 1;
	assert_true((n = proto_encode_feedback(&fb, buf, sizeof buf)) > 0);
	assert_non_null(strstr(buf, "\"provisional\":true"));
	assert_int_equal(proto_decode_feedback(buf, (size_t)n, &fb2, NULL), 0);
	assert_true(fb2.provisional);
	fb.provisional = 0;
	assert_true((n = proto_encode_feedback(&fb, buf, sizeof buf)) > 0);
	assert_null(strstr(buf, "provisional"));
}

/* A note is limited in characters, as people count them: 500 of four
 * bytes each (2,000 bytes) are one note; 501 are refused. */
static void
test_note_in_characters(void **state)
{
	static char note[4 * (PROTO_NOTE_CHARS + 1) + 3];
	char buf[BIG];
	union any out;
	size_t n;

	(void)state;
	note[0] = '"';
	for (int i = 0; i < PROTO_NOTE_CHARS + 1; i++)
		memcpy(note + 1 + 4 * i, "\xf0\x9f\x98\x80", 4);
	memcpy(note + 1 + 4 * PROTO_NOTE_CHARS, "\"", 2);
	n = mutate(S_RP_RESOLVE, "note", note, buf, sizeof buf);
	expect_accept(S_RP_RESOLVE, buf, n, &out);
	assert_int_equal(strlen(out.rp.note), 4 * PROTO_NOTE_CHARS);
	assert_int_equal(proto_text_chars(out.rp.note, strlen(out.rp.note)),
	    PROTO_NOTE_CHARS);
	memcpy(note + 1 + 4 * PROTO_NOTE_CHARS, "\xf0\x9f\x98\x80\"", 6);
	n = mutate(S_RP_RESOLVE, "note", note, buf, sizeof buf);
	expect_reject(S_RP_RESOLVE, buf, n,
	    "reply: \"note\" is longer than 500 characters");
	/* and an encoder refuses what a decoder would */
	memset(&out, 0, sizeof out);
	out.rp.action = PROTO_ACTION_ACK;
	snprintf(out.rp.incident, sizeof out.rp.incident, "1");
	snprintf(out.rp.person, sizeof out.rp.person, "sato");
	memcpy(out.rp.note, note + 1, 4 * (PROTO_NOTE_CHARS + 1) - 4);
	out.rp.at_ms = 1;
	assert_true(proto_encode_reply(&out.rp, buf, sizeof buf) > 0);
	memcpy(out.rp.note + 4 * PROTO_NOTE_CHARS - 4, "ab", 3);
	assert_true(proto_encode_reply(&out.rp, buf, sizeof buf) < 0);
}

/* PROTO_MAX_PAYLOAD bytes are read; one more is refused unread. */
static void
test_payload_size(void **state)
{
	char buf[BIG + 8];
	size_t base, n;
	union any out;

	(void)state;
	base = mutate(S_ST_ONLINE, "pad", "\"\"", buf, sizeof buf);
	n = mutate(S_ST_ONLINE, "pad",
	    json_str_of(PROTO_MAX_PAYLOAD - base, 'p'), buf, sizeof buf);
	assert_int_equal(n, PROTO_MAX_PAYLOAD);
	expect_accept(S_ST_ONLINE, buf, n, &out);
	n = mutate(S_ST_ONLINE, "pad",
	    json_str_of(PROTO_MAX_PAYLOAD - base + 1, 'p'), buf, sizeof buf);
	expect_reject(S_ST_ONLINE, buf, n,
	    "status: payload larger than 4096 bytes");
	/* even when the first 4096 bytes alone would be a valid object */
	n = strlen(samples[S_ST_ONLINE].json);
	memcpy(buf, samples[S_ST_ONLINE].json, n);
	memset(buf + n, ' ', sizeof buf - n);
	expect_reject(S_ST_ONLINE, buf, PROTO_MAX_PAYLOAD + 1,
	    "status: payload larger than 4096 bytes");
	expect_accept(S_ST_ONLINE, buf, PROTO_MAX_PAYLOAD, &out);
}

static void
test_nul(void **state)
{
	char buf[BIG];
	size_t n;

	(void)state;
	/* a raw NUL inside a string, and the \u0000 escape */
	n = strlen(samples[S_PG_PAGE].json);
	memcpy(buf, samples[S_PG_PAGE].json, n + 1);
	*strstr(buf, "Counter") = '\0';
	expect_reject(S_PG_PAGE, buf, n, "page: payload contains NUL");
	/* cJSON would keep only "a" of "a\u0000b": a silent cut */
	snprintf(buf, sizeof buf, "{\"note\":\"a\\u0000b\",%s",
	    samples[S_RP_ACK].json + 1);
	expect_reject(S_RP_ACK, buf, strlen(buf), "reply: payload contains NUL");
	snprintf(buf, sizeof buf, "{\"x\":[\"\\u0000\"],%s",
	    samples[S_EV_FULL].json + 1);
	expect_reject(S_EV_FULL, buf, strlen(buf), "event: payload contains NUL");
	/* after the object */
	n = strlen(samples[S_RP_ACK].json);
	memcpy(buf, samples[S_RP_ACK].json, n + 1);
	expect_reject(S_RP_ACK, buf, n + 1, "reply: payload contains NUL");
}

static void
test_duplicate_fields(void **state)
{
	char buf[BIG];
	union any out;

	(void)state;
	snprintf(buf, sizeof buf, "{\"person\":\"kato\",%s",
	    samples[S_RP_ACK].json + 1);
	expect_reject(S_RP_ACK, buf, strlen(buf),
	    "reply: a field appears twice");
	snprintf(buf, sizeof buf, "{\"v\":1,%s", samples[S_RP_ACK].json + 1);
	expect_reject(S_RP_ACK, buf, strlen(buf),
	    "reply: a field appears twice");
	/* duplicates inside a field nobody reads are not ours to judge */
	snprintf(buf, sizeof buf, "{\"x\":{\"a\":1,\"a\":2},%s",
	    samples[S_RP_ACK].json + 1);
	expect_accept(S_RP_ACK, buf, strlen(buf), &out);
}

static void
test_null_args(void **state)
{
	const char *json = samples[S_EV_FULL].json;
	struct proto_event ev;
	char buf[BIG];

	(void)state;
	/* why may be NULL */
	assert_int_equal(proto_decode_event("{", 1, &ev, NULL), -1);
	assert_int_equal(proto_decode_event(NULL, 10, &ev, NULL), -1);
	assert_int_equal(proto_decode_event(json, strlen(json), NULL, NULL), -1);
	assert_int_equal(proto_encode_event(NULL, buf, sizeof buf), -1);
	assert_int_equal(proto_encode_event(&ev_full, NULL, 100), -1);
}

/* ---- encoders refuse what decoders would refuse ------------------------- */

enum set { SET_INT, SET_U32, SET_U64, SET_I64, SET_STR, SET_FILL };

struct enc_bad {
	int sample;
	size_t off;
	enum set how;
	int64_t v;		/* SET_FILL: byte count, no NUL */
	const char *s;
};

#define EV(m)	S_EV_FULL, offsetof(struct proto_event, m)
#define ST(m)	S_ST_ONLINE, offsetof(struct proto_status, m)
#define FB(m)	S_FB_RECEIPT, offsetof(struct proto_feedback, m)
#define PG(m)	S_PG_PAGE, offsetof(struct proto_page, m)
#define RP(s, m)	s, offsetof(struct proto_reply, m)
#define IN(m)	S_IN_FULL, offsetof(struct proto_incident, m)
#define HS(m)	S_HS_ON, offsetof(struct proto_hub_status, m)
#define MT(m)	S_MT_ALERT, offsetof(struct proto_maint, m)

static const struct enc_bad enc_bads[] = {
	{ EV(counter), SET_STR, 0, "c/3" },
	{ EV(counter), SET_STR, 0, "" },
	{ EV(counter), SET_FILL, PROTO_ID_MAX, NULL },	/* unterminated */
	{ EV(boot), SET_STR, 0, "b#" },
	{ EV(button), SET_STR, 0, "" },
	{ EV(id), SET_STR, 0, "c3:b7:13" },
	{ EV(id), SET_STR, 0, "" },
	{ EV(upgrades), SET_STR, 0, "d4:b7:1" },
	{ EV(upgrades), SET_STR, 0, "nonsense" },
	{ EV(seq), SET_U64, 0, NULL },
	{ EV(seq), SET_U64, INT64_C(9007199254740992), NULL },
	{ EV(seq), SET_U64, -1, NULL },
	{ EV(attempt), SET_U32, 0, NULL },
	{ EV(held_ms), SET_I64, -2, NULL },
	{ EV(held_ms), SET_I64, INT64_C(9007199254740992), NULL },
	{ EV(kind), SET_INT, PROTO_KIND_COUNT, NULL },
	{ EV(kind), SET_INT, -1, NULL },
	{ EV(gesture), SET_INT, PROTO_GESTURE_COUNT, NULL },
	{ EV(pressed_ms), SET_I64, -1, NULL },
	{ EV(pressed_ms), SET_I64, INT64_C(253402300800000), NULL },
	{ EV(pressed_ms), SET_I64, INT64_MAX, NULL },
	{ ST(online), SET_INT, 2, NULL },
	{ ST(interval_s), SET_U32, 0, NULL },
	{ ST(interval_s), SET_U32, 86401, NULL },
	{ ST(nbuttons), SET_U32, PROTO_LIST_MAX + 1, NULL },
	{ ST(buttons[1]), SET_STR, 0, "main" },		/* repeated */
	{ ST(outputs[0]), SET_STR, 0, "a b" },
	{ ST(fw), SET_STR, 0, "1.0\r" },
	{ ST(at_ms), SET_I64, -5, NULL },
	{ FB(type), SET_INT, 2, NULL },
	{ FB(event), SET_STR, 0, "" },
	{ FB(state), SET_INT, PROTO_IST_COUNT, NULL },
	{ FB(incident), SET_STR, 0, "+" },
	{ PG(type), SET_INT, -1, NULL },
	{ PG(label), SET_STR, 0, "\xff" },
	{ PG(label), SET_FILL, PROTO_TEXT_MAX, NULL },
	{ PG(location), SET_STR, 0, "\xe3\x80" },
	{ PG(step), SET_U32, 0, NULL },
	{ PG(elapsed_ms), SET_I64, -1, NULL },
	{ PG(nresponders), SET_U32, 9, NULL },
	{ PG(responders[0]), SET_STR, 0, "" },
	{ RP(S_RP_ACK, category), SET_INT, PROTO_CAT_DRILL, NULL },
	{ RP(S_RP_RESOLVE, category), SET_INT, PROTO_CAT_NONE, NULL },
	{ RP(S_RP_RESOLVE, category), SET_INT, PROTO_CAT_COUNT, NULL },
	{ RP(S_RP_ACK, action), SET_INT, PROTO_ACTION_COUNT, NULL },
	{ RP(S_RP_ACK, note), SET_FILL, PROTO_NOTE_MAX, NULL },
	{ RP(S_RP_ACK, note), SET_STR, 0, "bell\a" },
	{ RP(S_RP_ACK, person), SET_STR, 0, "sato/1" },
	{ IN(state), SET_INT, PROTO_IST_COUNT, NULL },
	{ IN(category), SET_INT, 99, NULL },
	{ IN(acked_ms), SET_I64, -5, NULL },
	{ IN(nresponders), SET_U32, 100, NULL },
	{ HS(site), SET_STR, 0, "" },
	{ HS(online), SET_INT, 5, NULL },
	{ MT(type), SET_INT, 2, NULL },
	{ MT(counter), SET_STR, 0, "x#" },
	{ MT(at_ms), SET_I64, -1, NULL },
};

static void
apply_set(void *obj, const struct enc_bad *b)
{
	char *p = (char *)obj + b->off;
	uint32_t u32 = (uint32_t)b->v;
	uint64_t u64 = (uint64_t)b->v;
	int i = (int)b->v;

	switch (b->how) {
	case SET_INT:
		memcpy(p, &i, sizeof i);
		break;
	case SET_U32:
		memcpy(p, &u32, sizeof u32);
		break;
	case SET_U64:
		memcpy(p, &u64, sizeof u64);
		break;
	case SET_I64:
		memcpy(p, &b->v, sizeof b->v);
		break;
	case SET_STR:
		strcpy(p, b->s);
		break;
	case SET_FILL:
		memset(p, 'a', (size_t)b->v);
		break;
	}
}

static void
test_encode_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(enc_bads); i++) {
		const struct sample *s = &samples[enc_bads[i].sample];
		const struct codec *c = &codecs[s->codec];
		union any obj;
		char buf[BIG];

		memcpy(&obj, s->obj, c->size);
		assert_true(c->enc(&obj, buf, sizeof buf) > 0);
		apply_set(&obj, &enc_bads[i]);
		if (c->enc(&obj, buf, sizeof buf) != -1)
			fail_msg("row %zu encoded: %s", i, buf);
	}
}

/* Exactly n + 1 bytes are needed; less fails without writing past size. */
static void
test_encode_buffer_size(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++) {
		const struct codec *c = &codecs[samples[s].codec];
		size_t n = strlen(samples[s].json);

		for (size_t size = 0; size <= n + 1; size++) {
			char *p = malloc(size ? size : 1);

			assert_non_null(p);
			assert_int_equal(c->enc(samples[s].obj, p, size),
			    size > n ? (int)n : -1);
			if (size > n)
				assert_string_equal(p, samples[s].json);
			free(p);
		}
	}
}

/* Fields that do not belong to a message type are not sent. */
static void
test_encode_omits(void **state)
{
	struct proto_feedback fb = fb_state;
	struct proto_page pg = pg_page;
	struct proto_feedback nofb = fb_dup;
	char buf[BIG];

	(void)state;
	snprintf(fb.event, sizeof fb.event, "c3:b7:1");
	assert_true(proto_encode_feedback(&fb, buf, sizeof buf) > 0);
	assert_null(strstr(buf, "c3:b7:1"));
	snprintf(pg.reason, sizeof pg.reason, "not for pages");
	assert_true(proto_encode_page(&pg, buf, sizeof buf) > 0);
	assert_null(strstr(buf, "reason"));
	/* a receipt without an incident carries no incident state */
	nofb.state = PROTO_IST_CLOSED;
	nofb.acks = 3;
	assert_true(proto_encode_feedback(&nofb, buf, sizeof buf) > 0);
	assert_string_equal(buf, samples[S_FB_DUP].json);
}

/* ---- event ids ---------------------------------------------------------- */

static void
test_event_make_id(void **state)
{
	struct proto_event ev = ev_full;

	(void)state;
	memset(ev.id, 'x', sizeof ev.id);
	assert_int_equal(proto_event_make_id(&ev), 0);
	assert_string_equal(ev.id, "c3:b7:12");
	ev = ev_max;
	assert_int_equal(proto_event_make_id(&ev), 0);
	assert_string_equal(ev.id, ev_max.id);
	ev.seq = 0;
	assert_int_equal(proto_event_make_id(&ev), -1);
	ev.seq = UINT64_MAX;
	assert_int_equal(proto_event_make_id(&ev), -1);
	ev = ev_full;
	snprintf(ev.boot, sizeof ev.boot, "b:7");
	assert_int_equal(proto_event_make_id(&ev), -1);
	ev = ev_full;
	ev.counter[0] = '\0';
	assert_int_equal(proto_event_make_id(&ev), -1);
	assert_int_equal(proto_event_make_id(NULL), -1);
}

/* ---- names, ids, text --------------------------------------------------- */

static void
test_enum_names(void **state)
{
	static const char *const kinds[] = { "help", "emergency", "cancel",
	    "arrived", "test", "fault", "fault_cleared" };
	static const char *const gestures[] = { "press", "short", "long",
	    "double", "held", "released" };
	static const char *const states[] = { "raised", "paging",
	    "acknowledged", "on_scene", "resolved", "closed" };
	static const char *const actions[] = { "ack", "decline", "on_scene",
	    "resolve" };
	static const char *const cats[] = { "none", "harassment", "complaint",
	    "enquiry", "false_alarm", "drill", "other" };
	enum proto_kind k;
	enum proto_gesture g;
	enum proto_istate s;
	enum proto_action a;
	enum proto_category c;

	(void)state;
	for (int i = 0; i < PROTO_KIND_COUNT; i++) {
		assert_string_equal(proto_kind_name((enum proto_kind)i), kinds[i]);
		assert_int_equal(proto_kind_parse(kinds[i], strlen(kinds[i]),
		    &k), 0);
		assert_int_equal(k, i);
	}
	for (int i = 0; i < PROTO_GESTURE_COUNT; i++) {
		assert_string_equal(proto_gesture_name((enum proto_gesture)i),
		    gestures[i]);
		assert_int_equal(proto_gesture_parse(gestures[i],
		    strlen(gestures[i]), &g), 0);
		assert_int_equal(g, i);
	}
	for (int i = 0; i < PROTO_IST_COUNT; i++) {
		assert_string_equal(proto_istate_name((enum proto_istate)i),
		    states[i]);
		assert_int_equal(proto_istate_parse(states[i],
		    strlen(states[i]), &s), 0);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < PROTO_ACTION_COUNT; i++) {
		assert_string_equal(proto_action_name((enum proto_action)i),
		    actions[i]);
		assert_int_equal(proto_action_parse(actions[i],
		    strlen(actions[i]), &a), 0);
		assert_int_equal(a, i);
	}
	for (int i = 0; i < PROTO_CAT_COUNT; i++) {
		assert_string_equal(proto_category_name((enum proto_category)i),
		    cats[i]);
		assert_int_equal(proto_category_parse(cats[i], strlen(cats[i]),
		    &c), 0);
		assert_int_equal(c, i);
	}
	assert_null(proto_kind_name(PROTO_KIND_COUNT));
	assert_null(proto_kind_name((enum proto_kind)-1));
	assert_null(proto_gesture_name(PROTO_GESTURE_COUNT));
	assert_null(proto_istate_name(PROTO_IST_COUNT));
	assert_null(proto_action_name(PROTO_ACTION_COUNT));
	assert_null(proto_category_name(PROTO_CAT_COUNT));
}

static void
test_enum_parse_bounds(void **state)
{
	enum proto_kind k = PROTO_KIND_TEST;
	enum proto_action a;

	(void)state;
	/* the length, not a NUL, ends the name */
	assert_int_equal(proto_kind_parse("helpless", 4, &k), 0);
	assert_int_equal(k, PROTO_KIND_HELP);
	assert_int_equal(proto_kind_parse("hel", 3, &k), -1);
	assert_int_equal(proto_kind_parse("help", 3, &k), -1);
	assert_int_equal(proto_kind_parse("HELP", 4, &k), -1);
	assert_int_equal(proto_kind_parse("", 0, &k), -1);
	assert_int_equal(proto_kind_parse(NULL, 0, &k), -1);
	assert_int_equal(proto_action_parse("ack\0x", 5, &a), -1);
	assert_int_equal(proto_istate_parse("on scene", 8,
	    &(enum proto_istate){ 0 }), -1);
	assert_int_equal(proto_category_parse("false-alarm", 11,
	    &(enum proto_category){ 0 }), -1);
	assert_int_equal(proto_gesture_parse("double", 6,
	    &(enum proto_gesture){ 0 }), 0);
}

static void
test_id_valid(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} rows[] = {
		{ "a", 1 }, { "Z", 1 }, { "0", 1 }, { "_", 1 }, { "-", 1 },
		{ "counter-3_B", 1 },
		{ "abcdefghijklmnopqrstuvwxyz012345", 1 },
		{ "abcdefghijklmnopqrstuvwxyz0123456", 0 },
		{ "", 0 }, { "a/b", 0 }, { "a+b", 0 }, { "+", 0 }, { "#", 0 },
		{ "a b", 0 }, { " a", 0 }, { "a.b", 0 }, { "a:b", 0 },
		{ "a\n", 0 }, { "窓口", 0 }, { "$SYS", 0 }, { "a\\b", 0 },
		{ "é", 0 },
	};
	char longer[100];

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++)
		if (proto_id_valid(rows[i].s) != rows[i].ok)
			fail_msg("proto_id_valid(\"%s\") != %d", rows[i].s,
			    rows[i].ok);
	assert_int_equal(proto_id_valid(NULL), 0);
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(proto_id_valid(longer), 0);
}

static void
test_text_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int ok;
	} rows[] = {
		{ "", 0, 1 },
		{ "plain ASCII ~!", 14, 1 },
		{ "tab\tnl\n", 7, 1 },
		{ "3番窓口", 10, 1 },
		{ "\xc2\x80", 2, 1 },		/* U+0080, C1 allowed */
		{ "\xdf\xbf", 2, 1 },		/* U+07FF */
		{ "\xe0\xa0\x80", 3, 1 },	/* U+0800 */
		{ "\xef\xbf\xbd", 3, 1 },	/* U+FFFD */
		{ "\xf0\x9f\x9a\xaa", 4, 1 },	/* U+1F6AA */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },	/* U+10FFFF */
		{ "a\0b", 3, 0 },		/* NUL */
		{ "\r", 1, 0 },
		{ "\x01", 1, 0 },
		{ "\x1b[31m", 5, 0 },		/* ESC */
		{ "\x1f", 1, 0 },
		{ "\x7f", 1, 0 },		/* DEL */
		{ "\x80", 1, 0 },		/* lone continuation */
		{ "\xbf", 1, 0 },
		{ "\xc0\x80", 2, 0 },		/* overlong NUL */
		{ "\xc1\xbf", 2, 0 },		/* overlong */
		{ "\xe0\x80\x80", 3, 0 },	/* overlong */
		{ "\xe0\x9f\xbf", 3, 0 },	/* overlong */
		{ "\xf0\x80\x80\x80", 4, 0 },	/* overlong */
		{ "\xf0\x8f\xbf\xbf", 4, 0 },	/* overlong */
		{ "\xed\xa0\x80", 3, 0 },	/* U+D800 */
		{ "\xed\xbf\xbf", 3, 0 },	/* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xff", 1, 0 },
		{ "\xfe", 1, 0 },
		{ "\xc2", 1, 0 },		/* truncated */
		{ "\xe7\xaa", 2, 0 },
		{ "\xf0\x9f\x9a", 3, 0 },
		{ "\xc2\x41", 2, 0 },		/* bad continuation */
		{ "\xe7\x41\xaa", 3, 0 },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++)
		if (proto_text_valid(rows[i].s, rows[i].len) != rows[i].ok)
			fail_msg("row %zu: proto_text_valid != %d", i, rows[i].ok);
	/* the length bounds it: a sequence cut by len is refused */
	assert_int_equal(proto_text_valid("窓", 2), 0);
	assert_int_equal(proto_text_valid("ab\x01", 2), 1);
	assert_int_equal(proto_text_valid(NULL, 0), 0);
}

/* ---- topics ------------------------------------------------------------- */

static const struct {
	enum proto_topic_type type;
	const char *id;
	const char *topic;
	const char *filter;
} topics[] = {
	{ PROTO_TOPIC_EVENT, "c3", "panic/b1/counter/c3/event",
	    "panic/b1/counter/+/event" },
	{ PROTO_TOPIC_STATUS, "c3", "panic/b1/counter/c3/status",
	    "panic/b1/counter/+/status" },
	{ PROTO_TOPIC_FEEDBACK, "c3", "panic/b1/counter/c3/feedback",
	    "panic/b1/counter/+/feedback" },
	{ PROTO_TOPIC_PAGER, "sato", "panic/b1/pager/sato",
	    "panic/b1/pager/+" },
	{ PROTO_TOPIC_REPLY, "sato", "panic/b1/pager/sato/reply",
	    "panic/b1/pager/+/reply" },
	{ PROTO_TOPIC_MAINT, "fac-1", "panic/b1/maint/fac-1",
	    "panic/b1/maint/+" },
	{ PROTO_TOPIC_INCIDENT, "i42", "panic/b1/incident/i42",
	    "panic/b1/incident/+" },
	{ PROTO_TOPIC_HUB_STATUS, "", "panic/b1/hub/status",
	    "panic/b1/hub/status" },
};

static void
test_topic_build(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(topics); i++) {
		char buf[PROTO_TOPIC_MAX];
		int n = proto_topic_build(buf, sizeof buf, "panic", "b1",
		    topics[i].type, topics[i].id);

		assert_int_equal(n, (int)strlen(topics[i].topic));
		assert_string_equal(buf, topics[i].topic);
		n = proto_topic_filter(buf, sizeof buf, "panic", "b1",
		    topics[i].type);
		assert_int_equal(n, (int)strlen(topics[i].filter));
		assert_string_equal(buf, topics[i].filter);
	}
}

static void
test_topic_build_rejects(void **state)
{
	char buf[PROTO_TOPIC_MAX];
	const char *bad_ids[] = { "", "a/b", "+", "#", "a b",
	    "abcdefghijklmnopqrstuvwxyz0123456", NULL };
	const char *bad_prefixes[] = { "", "/panic", "panic/", "a//b", "a+",
	    "#", "$SYS", "pa nic" };

	(void)state;
	for (int i = 0; i < (int)NELEM(bad_ids); i++) {
		assert_int_equal(proto_topic_build(buf, sizeof buf, "panic",
		    "b1", PROTO_TOPIC_EVENT, bad_ids[i]), -1);
		assert_int_equal(proto_topic_build(buf, sizeof buf, "panic",
		    bad_ids[i], PROTO_TOPIC_EVENT, "c3"), -1);
		assert_int_equal(proto_topic_filter(buf, sizeof buf, "panic",
		    bad_ids[i], PROTO_TOPIC_PAGER), -1);
	}
	for (size_t i = 0; i < NELEM(bad_prefixes); i++)
		assert_int_equal(proto_topic_build(buf, sizeof buf,
		    bad_prefixes[i], "b1", PROTO_TOPIC_EVENT, "c3"), -1);
	assert_int_equal(proto_topic_build(buf, sizeof buf, "panic", "b1",
	    PROTO_TOPIC_COUNT, "c3"), -1);
	assert_int_equal(proto_topic_filter(buf, sizeof buf, "panic", "b1",
	    (enum proto_topic_type)-1), -1);
	/* the hub's id is ignored */
	assert_int_equal(proto_topic_build(buf, sizeof buf, "panic", "b1",
	    PROTO_TOPIC_HUB_STATUS, NULL), 19);
	/* exactly n + 1 bytes */
	assert_int_equal(proto_topic_build(buf, 26, "panic", "b1",
	    PROTO_TOPIC_EVENT, "c3"), 25);
	assert_int_equal(proto_topic_build(buf, 25, "panic", "b1",
	    PROTO_TOPIC_EVENT, "c3"), -1);
	assert_int_equal(proto_topic_build(buf, 0, "panic", "b1",
	    PROTO_TOPIC_EVENT, "c3"), -1);
	/* a multi-level prefix, and NULL for the default */
	assert_int_equal(proto_topic_build(buf, sizeof buf, "acme/panic", "b1",
	    PROTO_TOPIC_REPLY, "sato"), 30);
	assert_string_equal(buf, "acme/panic/b1/pager/sato/reply");
	assert_int_equal(proto_topic_build(buf, sizeof buf, NULL, "b1",
	    PROTO_TOPIC_HUB_STATUS, NULL), 19);
	assert_string_equal(buf, "panic/b1/hub/status");
}

static void
test_topic_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(topics); i++) {
		size_t n = strlen(topics[i].topic);
		char *p = malloc(n);	/* no NUL: only len may be read */
		struct proto_topic t;
		const char *why = NULL;

		assert_non_null(p);
		memcpy(p, topics[i].topic, n);
		memset(&t, 0x5a, sizeof t);
		if (proto_topic_parse(p, n, "panic", &t, &why) != 0)
			fail_msg("%s: %s", topics[i].topic, why);
		assert_int_equal(t.type, topics[i].type);
		assert_string_equal(t.site, "b1");
		assert_string_equal(t.id, topics[i].id);
		free(p);
	}
}

static void
test_topic_parse_len(void **state)
{
	struct proto_topic t;
	const char *s = "panic/b1/pager/sato/reply";

	(void)state;
	assert_int_equal(proto_topic_parse(s, 19, "panic", &t, NULL), 0);
	assert_int_equal(t.type, PROTO_TOPIC_PAGER);
	assert_string_equal(t.id, "sato");
	s = "panic/b1/counter/c3/eventXYZ";
	assert_int_equal(proto_topic_parse(s, strlen(s) - 3, "panic", &t, NULL),
	    0);
	assert_int_equal(t.type, PROTO_TOPIC_EVENT);
	s = "acme/panic/b1/incident/i42";
	assert_int_equal(proto_topic_parse(s, strlen(s), "acme/panic", &t,
	    NULL), 0);
	assert_int_equal(t.type, PROTO_TOPIC_INCIDENT);
	assert_string_equal(t.id, "i42");
	assert_int_equal(proto_topic_parse(s, strlen(s), NULL, &t, NULL), -1);
}

static void
test_topic_parse_rejects(void **state)
{
	static const struct {
		const char *topic;
		const char *why;
	} rows[] = {
		{ "", "topic: wrong prefix" },
		{ "panic", "topic: wrong prefix" },
		{ "panic/", "topic: wrong prefix" },
		{ "panicx/b1/hub/status", "topic: wrong prefix" },
		{ "Panic/b1/hub/status", "topic: wrong prefix" },
		{ "other/b1/hub/status", "topic: wrong prefix" },
		{ "/panic/b1/hub/status", "topic: wrong prefix" },
		{ "panic/b1", "topic: unknown shape" },
		{ "panic/b1/counter/c3", "topic: unknown shape" },
		{ "panic/b1/counter/c3/event/x", "topic: unknown shape" },
		{ "panic/b1/counter/c3/event/", "topic: unknown shape" },
		{ "panic/b1/counter/c3/events", "topic: unknown shape" },
		{ "panic/b1/counter/c3/reply", "topic: unknown shape" },
		{ "panic/b1/hub", "topic: unknown shape" },
		{ "panic/b1/hub/state", "topic: unknown shape" },
		{ "panic/b1/hub/status/x", "topic: unknown shape" },
		{ "panic/b1/pager/sato/reply/x", "topic: unknown shape" },
		{ "panic/b1/pager/sato/event", "topic: unknown shape" },
		{ "panic/b1/maint/fac/reply", "topic: unknown shape" },
		{ "panic/b1/incidents/i42", "topic: unknown shape" },
		{ "panic/b1/counter/#", "topic: unknown shape" },
		{ "panic/b1/+/c3/event", "topic: unknown shape" },
		{ "panic/#", "topic: unknown shape" },
		{ "panic/b1/counter//event", "topic: invalid id" },
		{ "panic/b1/counter/+/event", "topic: invalid id" },
		{ "panic/b1/pager/#", "topic: invalid id" },
		{ "panic/b1/pager/", "topic: invalid id" },
		{ "panic/b1/incident/i 42", "topic: invalid id" },
		{ "panic/b1/incident/abcdefghijklmnopqrstuvwxyz0123456",
		    "topic: invalid id" },
		{ "panic//counter/c3/event", "topic: invalid site" },
		{ "panic/+/counter/c3/event", "topic: invalid site" },
		{ "panic/#/hub/status", "topic: invalid site" },
		{ "panic/b.1/hub/status", "topic: invalid site" },
	};
	char longer[PROTO_TOPIC_MAX + 8];
	struct proto_topic t;
	const char *why;

	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		why = NULL;
		if (proto_topic_parse(rows[i].topic, strlen(rows[i].topic),
		    "panic", &t, &why) != -1)
			fail_msg("accepted: %s", rows[i].topic);
		if (!why || strcmp(why, rows[i].why) != 0)
			fail_msg("%s: why %s, want %s", rows[i].topic,
			    why ? why : "(null)", rows[i].why);
	}
	/* a NUL inside the length is not an end */
	assert_int_equal(proto_topic_parse("panic/b1/pager/a\0b", 18, "panic",
	    &t, &why), -1);
	assert_string_equal(why, "topic: invalid id");
	/* PROTO_TOPIC_MAX - 1 is the longest a buffer can hold */
	snprintf(longer, sizeof longer, "panic/b1/pager/%0*d",
	    PROTO_TOPIC_MAX - 15, 0);
	assert_int_equal(strlen(longer), PROTO_TOPIC_MAX);
	assert_int_equal(proto_topic_parse(longer, strlen(longer), "panic", &t,
	    &why), -1);
	assert_string_equal(why, "topic: too long");
	assert_int_equal(proto_topic_parse("panic/b1/hub/status", 19, "pa+",
	    &t, &why), -1);
	assert_string_equal(why, "topic: invalid prefix");
	assert_int_equal(proto_topic_parse(NULL, 0, "panic", &t, NULL), -1);
	assert_int_equal(proto_topic_parse("panic/b1/hub/status", 19, "panic",
	    NULL, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_golden),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_japanese),
		cmocka_unit_test(test_japanese_limits),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_valid_only_past_len),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_missing_optional),
		cmocka_unit_test(test_maint_counter_or_channel),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_layout_tolerated),
		cmocka_unit_test(test_long_strings),
		cmocka_unit_test(test_note_in_characters),
		cmocka_unit_test(test_health_and_provisional),
		cmocka_unit_test(test_payload_size),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_duplicate_fields),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_encode_buffer_size),
		cmocka_unit_test(test_encode_omits),
		cmocka_unit_test(test_event_make_id),
		cmocka_unit_test(test_enum_names),
		cmocka_unit_test(test_enum_parse_bounds),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_text_valid),
		cmocka_unit_test(test_topic_build),
		cmocka_unit_test(test_topic_build_rejects),
		cmocka_unit_test(test_page_ack_url),
		cmocka_unit_test(test_topic_parse),
		cmocka_unit_test(test_topic_parse_len),
		cmocka_unit_test(test_topic_parse_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
