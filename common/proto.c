/* proto.c: the wire contract — topic names and the JSON payloads, encoded
 * and decoded through one field table per payload so both sides agree. */
#include "proto.h"

#include <cjson/cJSON.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

/* Integers travel as JSON numbers, which most readers hold as doubles:
 * keep them where every integer is exact (2^53 - 1). */
#define PROTO__INT_MAX	INT64_C(9007199254740991)
/* 9999-12-31T23:59:59.999Z: the last time the ISO form can hold. */
#define PROTO__TIME_MAX	INT64_C(253402300799999)

/* ---- names ------------------------------------------------------------ */

struct proto__names {
	const char *const *v;
	int n;
};

static const char *const proto__kind_v[] = { "help", "emergency", "cancel",
    "arrived", "test", "fault", "fault_cleared" };
static const char *const proto__gesture_v[] = { "press", "short", "long",
    "double", "held", "released" };
static const char *const proto__istate_v[] = { "raised", "paging",
    "acknowledged", "on_scene", "resolved", "closed" };
static const char *const proto__action_v[] = { "ack", "decline", "on_scene",
    "resolve" };
/* "none" is never sent (the field is left out) but reads back as NONE. */
static const char *const proto__category_v[] = { "none", "harassment",
    "complaint", "enquiry", "false_alarm", "drill", "other" };
static const char *const proto__online_v[] = { "offline", "online" };
static const char *const proto__feedback_v[] = { "receipt", "state" };
static const char *const proto__page_v[] = { "page", "cancel" };
static const char *const proto__maint_v[] = { "alert", "notice" };

#define PROTO__NAMES(a)	{ a, (int)(sizeof a / sizeof a[0]) }
static const struct proto__names proto__kinds = PROTO__NAMES(proto__kind_v);
static const struct proto__names proto__gestures =
    PROTO__NAMES(proto__gesture_v);
static const struct proto__names proto__istates =
    PROTO__NAMES(proto__istate_v);
static const struct proto__names proto__actions =
    PROTO__NAMES(proto__action_v);
static const struct proto__names proto__categories =
    PROTO__NAMES(proto__category_v);
static const struct proto__names proto__onlines =
    PROTO__NAMES(proto__online_v);
static const struct proto__names proto__feedbacks =
    PROTO__NAMES(proto__feedback_v);
static const struct proto__names proto__pages = PROTO__NAMES(proto__page_v);
static const struct proto__names proto__maints = PROTO__NAMES(proto__maint_v);

_Static_assert(sizeof proto__kind_v / sizeof *proto__kind_v ==
    PROTO_KIND_COUNT, "kind names");
_Static_assert(sizeof proto__gesture_v / sizeof *proto__gesture_v ==
    PROTO_GESTURE_COUNT, "gesture names");
_Static_assert(sizeof proto__istate_v / sizeof *proto__istate_v ==
    PROTO_IST_COUNT, "state names");
_Static_assert(sizeof proto__action_v / sizeof *proto__action_v ==
    PROTO_ACTION_COUNT, "action names");
_Static_assert(sizeof proto__category_v / sizeof *proto__category_v ==
    PROTO_CAT_COUNT, "category names");
/* Enum fields are stored and loaded as int. */
_Static_assert(sizeof(enum proto_kind) == sizeof(int), "enum size");

static const char *
proto__name(const struct proto__names *t, int v)
{
	return v >= 0 && v < t->n ? t->v[v] : NULL;
}

static int
proto__lookup(const struct proto__names *t, const char *s, size_t len,
    int *out)
{
	if (!s)
		return -1;
	for (int i = 0; i < t->n; i++) {
		if (strlen(t->v[i]) == len && memcmp(t->v[i], s, len) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

const char *
proto_kind_name(enum proto_kind k)
{
	return proto__name(&proto__kinds, (int)k);
}

int
proto_kind_parse(const char *s, size_t len, enum proto_kind *out)
{
	int v;

	if (proto__lookup(&proto__kinds, s, len, &v) < 0)
		return -1;
	*out = (enum proto_kind)v;
	return 0;
}

const char *
proto_gesture_name(enum proto_gesture g)
{
	return proto__name(&proto__gestures, (int)g);
}

int
proto_gesture_parse(const char *s, size_t len, enum proto_gesture *out)
{
	int v;

	if (proto__lookup(&proto__gestures, s, len, &v) < 0)
		return -1;
	*out = (enum proto_gesture)v;
	return 0;
}

const char *
proto_istate_name(enum proto_istate s)
{
	return proto__name(&proto__istates, (int)s);
}

int
proto_istate_parse(const char *s, size_t len, enum proto_istate *out)
{
	int v;

	if (proto__lookup(&proto__istates, s, len, &v) < 0)
		return -1;
	*out = (enum proto_istate)v;
	return 0;
}

const char *
proto_action_name(enum proto_action a)
{
	return proto__name(&proto__actions, (int)a);
}

int
proto_action_parse(const char *s, size_t len, enum proto_action *out)
{
	int v;

	if (proto__lookup(&proto__actions, s, len, &v) < 0)
		return -1;
	*out = (enum proto_action)v;
	return 0;
}

const char *
proto_category_name(enum proto_category c)
{
	return proto__name(&proto__categories, (int)c);
}

int
proto_category_parse(const char *s, size_t len, enum proto_category *out)
{
	int v;

	if (proto__lookup(&proto__categories, s, len, &v) < 0)
		return -1;
	*out = (enum proto_category)v;
	return 0;
}

/* ---- ids and text ----------------------------------------------------- */

static int
proto__id_valid_n(const char *s, size_t n)
{
	if (n < 1 || n > PROTO_ID_MAX - 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
proto_id_valid(const char *s)
{
	return s && proto__id_valid_n(s, strnlen(s, PROTO_ID_MAX));
}

/* Length of the UTF-8 sequence at p (avail bytes left), or 0 if it is
 * malformed, overlong, a surrogate, above U+10FFFF or a banned control. */
static size_t
proto__utf8_len(const unsigned char *p, size_t avail)
{
	uint32_t c, min;
	size_t n;

	if (p[0] < 0x80)
		return (p[0] >= 0x20 && p[0] != 0x7f) || p[0] == '\t' ||
		    p[0] == '\n';
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, c = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3, c = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

size_t
proto_text_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

int
proto_text_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	if (!s)
		return 0;
	while (i < len) {
		if ((n = proto__utf8_len(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* Decimal 1..2^53-1 in s[0..n), no sign, no leading zero. */
static int
proto__seq_parse(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n < 1 || n > 16 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)PROTO__INT_MAX)
		return -1;
	*out = v;
	return 0;
}

/* "<counter>:<boot>:<seq>" with both ids valid and seq as above. */
static int
proto__evid_valid(const char *s)
{
	const char *c1 = strchr(s, ':'), *c2;
	uint64_t seq;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return 0;
	return proto__id_valid_n(s, (size_t)(c1 - s)) &&
	    proto__id_valid_n(c1 + 1, (size_t)(c2 - c1 - 1)) &&
	    proto__seq_parse(c2 + 1, strlen(c2 + 1), &seq) == 0;
}

int
proto_event_make_id(struct proto_event *ev)
{
	int n;

	if (!ev || !proto_id_valid(ev->counter) || !proto_id_valid(ev->boot) ||
	    ev->seq < 1 || ev->seq > (uint64_t)PROTO__INT_MAX)
		return -1;
	n = snprintf(ev->id, sizeof ev->id, "%s:%s:%" PRIu64, ev->counter,
	    ev->boot, ev->seq);
	return n > 0 && (size_t)n < sizeof ev->id ? 0 : -1;
}

/* ---- topics ----------------------------------------------------------- */

struct proto__shape {
	const char *word;	/* the level after the site */
	const char *tail;	/* the level after the id; NULL: none */
	int has_id;
};

static const struct proto__shape proto__shapes[PROTO_TOPIC_COUNT] = {
	[PROTO_TOPIC_EVENT] = { "counter", "event", 1 },
	[PROTO_TOPIC_STATUS] = { "counter", "status", 1 },
	[PROTO_TOPIC_FEEDBACK] = { "counter", "feedback", 1 },
	[PROTO_TOPIC_PAGER] = { "pager", NULL, 1 },
	[PROTO_TOPIC_REPLY] = { "pager", "reply", 1 },
	[PROTO_TOPIC_MAINT] = { "maint", NULL, 1 },
	[PROTO_TOPIC_INCIDENT] = { "incident", NULL, 1 },
	[PROTO_TOPIC_HUB_STATUS] = { "hub", "status", 0 },
};

/* A prefix is one or more levels, each a valid id: no wildcard, no empty
 * level, no leading '$'. */
static int
proto__prefix_valid(const char *p, size_t n)
{
	const char *end = p + n, *slash;

	if (n == 0)
		return 0;
	for (;;) {
		slash = memchr(p, '/', (size_t)(end - p));
		if (!proto__id_valid_n(p, (size_t)((slash ? slash : end) - p)))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

/* id is not checked: proto_topic_filter passes "+". */
static int
proto__topic_fmt(char *buf, size_t size, const char *prefix,
    const char *site, enum proto_topic_type type, const char *id)
{
	const struct proto__shape *sh;
	int n;

	if (!prefix)
		prefix = PROTO_DEFAULT_PREFIX;
	if (!buf || (unsigned)type >= PROTO_TOPIC_COUNT ||
	    !proto__prefix_valid(prefix, strlen(prefix)) ||
	    !proto_id_valid(site))
		return -1;
	sh = &proto__shapes[type];
	n = snprintf(buf, size, "%s/%s/%s%s%s%s%s", prefix, site, sh->word,
	    sh->has_id ? "/" : "", sh->has_id ? id : "", sh->tail ? "/" : "",
	    sh->tail ? sh->tail : "");
	if (n < 0 || (size_t)n >= size || n >= PROTO_TOPIC_MAX)
		return -1;
	return n;
}

int
proto_topic_build(char *buf, size_t size, const char *prefix,
    const char *site, enum proto_topic_type type, const char *id)
{
	if ((unsigned)type < PROTO_TOPIC_COUNT &&
	    proto__shapes[type].has_id && !proto_id_valid(id))
		return -1;
	return proto__topic_fmt(buf, size, prefix, site, type, id);
}

int
proto_topic_filter(char *buf, size_t size, const char *prefix,
    const char *site, enum proto_topic_type type)
{
	return proto__topic_fmt(buf, size, prefix, site, type, "+");
}

struct proto__level {
	const char *s;
	size_t n;
};

/* Split s[0..n) at '/' into at most max levels; -1 if there are more. */
static int
proto__split(const char *s, size_t n, struct proto__level *lv, int max)
{
	const char *end = s + n, *slash;
	int k = 0;

	for (;;) {
		if (k == max)
			return -1;
		slash = memchr(s, '/', (size_t)(end - s));
		lv[k].s = s;
		lv[k++].n = (size_t)((slash ? slash : end) - s);
		if (!slash)
			return k;
		s = slash + 1;
	}
}

static int
proto__level_is(const struct proto__level *lv, const char *word)
{
	return lv->n == strlen(word) && memcmp(lv->s, word, lv->n) == 0;
}

/* The topic type whose shape the levels (after the prefix) have, or -1. */
static int
proto__topic_match(const struct proto__level *lv, int k)
{
	for (int t = 0; t < PROTO_TOPIC_COUNT; t++) {
		const struct proto__shape *sh = &proto__shapes[t];

		if (k != 2 + sh->has_id + (sh->tail != NULL) ||
		    !proto__level_is(&lv[1], sh->word))
			continue;
		if (!sh->tail || proto__level_is(&lv[k - 1], sh->tail))
			return t;
	}
	return -1;
}

int
proto_topic_parse(const char *topic, size_t len, const char *prefix,
    struct proto_topic *out, const char **why)
{
	struct proto__level lv[4];
	const char *w;
	size_t plen;
	int k = 0, t = -1;

	if (!prefix)
		prefix = PROTO_DEFAULT_PREFIX;
	plen = strlen(prefix);
	if (!topic || !out)
		w = "topic: no topic";
	else if (len >= PROTO_TOPIC_MAX)
		w = "topic: too long";
	else if (!proto__prefix_valid(prefix, plen))
		w = "topic: invalid prefix";
	else if (len <= plen + 1 || memcmp(topic, prefix, plen) != 0 ||
	    topic[plen] != '/')
		w = "topic: wrong prefix";
	else if ((k = proto__split(topic + plen + 1, len - plen - 1, lv,
	    4)) < 0 || (t = proto__topic_match(lv, k)) < 0)
		w = "topic: unknown shape";
	else if (!proto__id_valid_n(lv[0].s, lv[0].n))
		w = "topic: invalid site";
	else if (proto__shapes[t].has_id &&
	    !proto__id_valid_n(lv[2].s, lv[2].n))
		w = "topic: invalid id";
	else {
		memset(out, 0, sizeof *out);
		out->type = (enum proto_topic_type)t;
		memcpy(out->site, lv[0].s, lv[0].n);
		if (proto__shapes[t].has_id)
			memcpy(out->id, lv[2].s, lv[2].n);
		return 0;
	}
	if (why)
		*why = w;
	return -1;
}

/* ---- field tables ----------------------------------------------------- */

enum proto__ftype {
	PF_ID,		/* char[size], proto_id_valid */
	PF_TEXT,	/* char[size], proto_text_valid */
	PF_EVID,	/* char[size], "<counter>:<boot>:<seq>" */
	PF_U32,		/* uint32_t in lo..hi */
	PF_U64,		/* uint64_t in lo..hi */
	PF_I64,		/* int64_t in lo..hi */
	PF_ENUM,	/* int-sized enum, sent by name */
	PF_TIME,	/* int64_t epoch ms, sent as ISO 8601 */
	PF_BOOL,	/* int, sent as true/false */
	PF_LIST,	/* char[PROTO_LIST_MAX][PROTO_ID_MAX], unsigned count */
};

/* Bits of a field's req/opt masks: T(t) for the message types (the value
 * of the payload's discriminator, 0 when it has none) the field belongs
 * to. T_DEP: the field belongs only when the message's dep string (the
 * feedback's incident) is set. Fields that do not belong are neither sent
 * nor read. */
#define T(t)	(1u << (t))
#define T_ALL	0xffu
#define T_DEP	0x100u

enum { W_MISSING, W_TYPE, W_VALUE, W_LONG, W_NFIELD };

struct proto__field {
	const char *name;
	enum proto__ftype type;
	unsigned req, opt;
	size_t off, size;
	size_t count_off;		/* PF_LIST: offset of the count */
	int64_t lo, hi, def;		/* integers; def: the "absent" value */
	const struct proto__names *names;
	const char *why[W_NFIELD];
};

/* Reasons are static strings, so they are put together here. */
#define PF_WHY(P, n, jt, bad, lng) { #P ": missing field \"" n "\"", \
	#P ": \"" n "\" is not " jt, #P ": \"" n "\" " bad, \
	#P ": \"" n "\" " lng }
#define PF_AT(P, m)	.off = offsetof(struct proto_##P, m), \
	.size = sizeof(((struct proto_##P *)0)->m)

#define F_STR(P, ty, m, n, rq, op, bad) { .name = n, .type = ty, \
	.req = rq, .opt = op, PF_AT(P, m), \
	.why = PF_WHY(P, n, "a string", bad, "is too long") }
#define F_ID(P, m, n, rq, op) \
	F_STR(P, PF_ID, m, n, rq, op, "is not a valid id")
#define F_TEXT(P, m, n, rq, op) \
	F_STR(P, PF_TEXT, m, n, rq, op, "is not valid UTF-8 text")
/* Text limited in characters (hi), not only in bytes. */
_Static_assert(PROTO_NOTE_CHARS == 500, "the note messages say 500");
#define F_NOTE(P, m, n, rq, op, chars, lng) { .name = n, .type = PF_TEXT, \
	.req = rq, .opt = op, PF_AT(P, m), .hi = chars, \
	.why = PF_WHY(P, n, "a string", "is not valid UTF-8 text", lng) }
#define F_EVID(P, m, n, rq, op) F_STR(P, PF_EVID, m, n, rq, op, \
	"is not an event id \"<counter>:<boot>:<seq>\"")
#define F_INT(P, ty, m, n, rq, op, l, h, d, what) { .name = n, .type = ty, \
	.req = rq, .opt = op, PF_AT(P, m), .lo = l, .hi = h, .def = d, \
	.why = PF_WHY(P, n, what, "is not " what, "is not " what) }
#define F_U32(P, m, n, rq, op, l, h, what) \
	F_INT(P, PF_U32, m, n, rq, op, l, h, 0, what)
#define F_ENUM(P, m, n, nm, rq, op) { .name = n, .type = PF_ENUM, \
	.req = rq, .opt = op, PF_AT(P, m), .names = &nm, \
	.why = PF_WHY(P, n, "a string", "has an unknown value", "") }
#define F_TIME(P, m, n, rq, op) { .name = n, .type = PF_TIME, \
	.req = rq, .opt = op, PF_AT(P, m), .why = PF_WHY(P, n, "a string", \
	"is not an ISO 8601 UTC time", "is out of range") }
#define F_BOOL(P, m, n, rq, op) { .name = n, .type = PF_BOOL, \
	.req = rq, .opt = op, PF_AT(P, m), \
	.why = PF_WHY(P, n, "true or false", "", "") }
#define F_LIST(P, m, cnt, n, op) { .name = n, .type = PF_LIST, \
	.opt = op, PF_AT(P, m), .count_off = offsetof(struct proto_##P, cnt), \
	.why = PF_WHY(P, n, "an array", "has an invalid or repeated id", \
	"has more than 8 entries") }

#define U32_ANY	"an integer from 0 to 4294967295"
#define U32_POS	"an integer from 1 to 4294967295"

static const struct proto__field proto__event_f[] = {
	F_EVID(event, id, "id", T_ALL, 0),
	F_ID(event, counter, "counter", T_ALL, 0),
	F_ID(event, boot, "boot", T_ALL, 0),
	F_INT(event, PF_U64, seq, "seq", T_ALL, 0, 1, PROTO__INT_MAX, 0,
	    "a positive integer below 2^53"),
	F_ENUM(event, kind, "kind", proto__kinds, T_ALL, 0),
	F_ENUM(event, gesture, "gesture", proto__gestures, T_ALL, 0),
	F_ID(event, button, "button", T_ALL, 0),
	F_TIME(event, pressed_ms, "pressed_at", T_ALL, 0),
	F_INT(event, PF_I64, held_ms, "held_ms", 0, T_ALL, 0, PROTO__INT_MAX,
	    -1, "a non-negative integer below 2^53"),
	F_U32(event, attempt, "attempt", T_ALL, 0, 1, UINT32_MAX, U32_POS),
	F_EVID(event, upgrades, "upgrades", 0, T_ALL),
};

/* The discriminator, when there is one, comes first. */
static const struct proto__field proto__status_f[] = {
	F_ENUM(status, online, "state", proto__onlines, T_ALL, 0),
	F_ID(status, counter, "counter", T_ALL, 0),
	F_ID(status, boot, "boot", T_ALL, 0),
	F_TEXT(status, fw, "fw", 0, T_ALL),
	F_TIME(status, at_ms, "at", 0, T_ALL),
	F_U32(status, hb, "hb", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	/* a board that is online must say how often to expect it */
	F_U32(status, interval_s, "interval_s", T(1), T(0), 1, 86400,
	    "an integer from 1 to 86400"),
	F_U32(status, outbox, "outbox", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	F_LIST(status, buttons, nbuttons, "buttons", T_ALL),
	F_LIST(status, outputs, noutputs, "outputs", T_ALL),
	F_LIST(status, faults, nfaults, "faults", T_ALL),
};

#define FB_R	T(PROTO_FEEDBACK_RECEIPT)
#define FB_S	T(PROTO_FEEDBACK_STATE)
static const struct proto__field proto__feedback_f[] = {
	F_ENUM(feedback, type, "type", proto__feedbacks, T_ALL, 0),
	F_EVID(feedback, event, "event", FB_R, 0),
	F_ID(feedback, incident, "incident", FB_S, FB_R),
	F_BOOL(feedback, duplicate, "duplicate", 0, FB_R),
	F_BOOL(feedback, provisional, "provisional", 0, FB_R),
	F_TEXT(feedback, problem, "problem", 0, FB_R),
	F_ENUM(feedback, state, "state", proto__istates, T_ALL | T_DEP, 0),
	F_ENUM(feedback, kind, "kind", proto__kinds, T_ALL | T_DEP, 0),
	F_U32(feedback, acks, "acks", 0, T_ALL | T_DEP, 0, UINT32_MAX, U32_ANY),
	F_U32(feedback, needed, "needed", 0, T_ALL | T_DEP, 0, UINT32_MAX,
	    U32_ANY),
	F_TIME(feedback, at_ms, "at", T_ALL, 0),
};

static const struct proto__field proto__page_f[] = {
	F_ENUM(page, type, "type", proto__pages, T_ALL, 0),
	F_ID(page, incident, "incident", T_ALL, 0),
	F_ID(page, counter, "counter", T_ALL, 0),
	F_TEXT(page, label, "label", 0, T_ALL),
	F_TEXT(page, location, "location", 0, T_ALL),
	F_ENUM(page, kind, "kind", proto__kinds, T_ALL, 0),
	F_U32(page, step, "step", T_ALL, 0, 1, UINT32_MAX, U32_POS),
	F_TIME(page, pressed_ms, "pressed_at", T_ALL, 0),
	F_TIME(page, sent_ms, "sent_at", T_ALL, 0),
	F_INT(page, PF_I64, elapsed_ms, "elapsed_ms", 0, T_ALL, 0,
	    PROTO__INT_MAX, 0, "a non-negative integer below 2^53"),
	F_U32(page, acks, "acks", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	F_U32(page, needed, "needed", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	F_LIST(page, responders, nresponders, "responders", T_ALL),
	F_TEXT(page, reason, "reason", 0, T(PROTO_PAGE_CANCEL)),
	F_TEXT(page, ack_url, "ack_url", 0, T(PROTO_PAGE_PAGE)),
};

static const struct proto__field proto__reply_f[] = {
	F_ID(reply, incident, "incident", T_ALL, 0),
	F_ID(reply, person, "person", T_ALL, 0),
	F_ENUM(reply, action, "action", proto__actions, T_ALL, 0),
	F_ENUM(reply, category, "category", proto__categories, 0, T_ALL),
	F_NOTE(reply, note, "note", 0, T_ALL, PROTO_NOTE_CHARS,
	    "is longer than 500 characters"),
	F_TIME(reply, at_ms, "at", 0, T_ALL),
};

static const struct proto__field proto__incident_f[] = {
	F_ID(incident, incident, "incident", T_ALL, 0),
	F_ID(incident, counter, "counter", T_ALL, 0),
	F_TEXT(incident, label, "label", 0, T_ALL),
	F_ENUM(incident, kind, "kind", proto__kinds, T_ALL, 0),
	F_ENUM(incident, state, "state", proto__istates, T_ALL, 0),
	F_ENUM(incident, category, "category", proto__categories, 0, T_ALL),
	F_U32(incident, step, "step", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	F_U32(incident, acks, "acks", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	F_U32(incident, needed, "needed", 0, T_ALL, 0, UINT32_MAX, U32_ANY),
	F_LIST(incident, responders, nresponders, "responders", T_ALL),
	F_TIME(incident, pressed_ms, "pressed_at", T_ALL, 0),
	F_TIME(incident, received_ms, "received_at", T_ALL, 0),
	F_TIME(incident, acked_ms, "acked_at", 0, T_ALL),
	F_TIME(incident, on_scene_ms, "on_scene_at", 0, T_ALL),
	F_TIME(incident, resolved_ms, "resolved_at", 0, T_ALL),
};

static const struct proto__field proto__hub_status_f[] = {
	F_ENUM(hub_status, online, "state", proto__onlines, T_ALL, 0),
	F_ID(hub_status, site, "site", T_ALL, 0),
	F_TEXT(hub_status, version, "version", 0, T_ALL),
	F_TIME(hub_status, at_ms, "at", 0, T_ALL),
	F_BOOL(hub_status, store_failing, "store_failing", 0, T_ALL),
	F_U32(hub_status, failed_commits, "failed_commits", 0, T_ALL, 0,
	    UINT32_MAX, U32_ANY),
	F_BOOL(hub_status, reload_refused, "reload_refused", 0, T_ALL),
	F_TEXT(hub_status, reload_error, "reload_error", 0, T_ALL),
};

static const struct proto__field proto__maint_f[] = {
	F_ENUM(maint, type, "type", proto__maints, T_ALL, 0),
	F_ID(maint, counter, "counter", 0, T_ALL),
	F_ID(maint, channel, "channel", 0, T_ALL),
	F_TEXT(maint, label, "label", 0, T_ALL),
	F_TEXT(maint, reason, "reason", 0, T_ALL),
	F_TIME(maint, at_ms, "at", T_ALL, 0),
};

/* ---- whole-payload checks --------------------------------------------- */

static int
proto__event_check(const void *obj, const char **why)
{
	const struct proto_event *ev = obj;
	struct proto_event tmp = *ev;
	size_t n = strlen(ev->counter);

	if (proto_event_make_id(&tmp) < 0 || strcmp(tmp.id, ev->id) != 0) {
		*why = "event: \"id\" does not match counter, boot and seq";
		return -1;
	}
	/* one board cannot upgrade another board's event */
	if (ev->upgrades[0] && (strncmp(ev->upgrades, ev->counter, n) != 0 ||
	    ev->upgrades[n] != ':' || strcmp(ev->upgrades, ev->id) == 0)) {
		*why = "event: \"upgrades\" is not another event of this "
		    "counter";
		return -1;
	}
	return 0;
}

static int
proto__reply_check(const void *obj, const char **why)
{
	const struct proto_reply *rp = obj;

	int resolve = rp->action == PROTO_ACTION_RESOLVE;

	if (resolve && rp->category == PROTO_CAT_NONE) {
		*why = "reply: \"resolve\" needs a \"category\"";
		return -1;
	}
	if (!resolve && rp->category != PROTO_CAT_NONE) {
		*why = "reply: \"category\" belongs to \"resolve\" only";
		return -1;
	}
	return 0;
}

/* A maintenance message is about a counter board or a hub channel. */
static int
proto__maint_check(const void *obj, const char **why)
{
	const struct proto_maint *mt = obj;

	if (!mt->counter[0] == !mt->channel[0]) {
		*why = "maint: needs one of \"counter\" and \"channel\"";
		return -1;
	}
	return 0;
}

enum { W_ARGS, W_EMPTY, W_BIG, W_NUL, W_JSON, W_TRAIL, W_OBJECT, W_DUP,
	W_V_MISSING, W_V_TYPE, W_V_VERSION, W_NMSG };

struct proto__msg {
	const struct proto__field *f;
	size_t nf;
	size_t size;		/* of the struct */
	int has_disc;		/* f[0] is the type discriminator */
	size_t dep_off;		/* the string T_DEP fields depend on */
	int (*check)(const void *obj, const char **why);
	const char *why[W_NMSG];
};

/* The reasons spell out the limits. */
_Static_assert(PROTO_MAX_PAYLOAD == 4096 && PROTO_LIST_MAX == 8, "reasons");

#define PM_WHY(P) { #P ": no buffer", #P ": empty payload", \
	#P ": payload larger than 4096 bytes", #P ": payload contains NUL", \
	#P ": not valid JSON", #P ": data after the JSON object", \
	#P ": not a JSON object", #P ": a field appears twice", \
	#P ": missing field \"v\"", #P ": \"v\" is not an integer", \
	#P ": unsupported version" }
#define PM(P, disc, dep, chk) { proto__##P##_f, \
	sizeof proto__##P##_f / sizeof proto__##P##_f[0], \
	sizeof(struct proto_##P), disc, dep, chk, PM_WHY(P) }

static const struct proto__msg proto__event_m = PM(event, 0, 0,
    proto__event_check);
static const struct proto__msg proto__status_m = PM(status, 1, 0, NULL);
static const struct proto__msg proto__feedback_m = PM(feedback, 1,
    offsetof(struct proto_feedback, incident), NULL);
static const struct proto__msg proto__page_m = PM(page, 1, 0, NULL);
static const struct proto__msg proto__reply_m = PM(reply, 0, 0,
    proto__reply_check);
static const struct proto__msg proto__incident_m = PM(incident, 0, 0, NULL);
static const struct proto__msg proto__hub_status_m = PM(hub_status, 1, 0,
    NULL);
static const struct proto__msg proto__maint_m = PM(maint, 1, 0,
    proto__maint_check);

/* ---- field access ----------------------------------------------------- */

/* memcpy, not casts: fields are reached by offset. */
static int64_t
proto__load_int(const struct proto__field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;
	uint32_t u32;
	uint64_t u64;
	int64_t i64;
	int e;

	switch (f->type) {
	case PF_U32:
		memcpy(&u32, p, sizeof u32);
		return u32;
	case PF_U64:
		memcpy(&u64, p, sizeof u64);
		return u64 > (uint64_t)INT64_MAX ? -1 : (int64_t)u64;
	case PF_ENUM:
	case PF_BOOL:
		memcpy(&e, p, sizeof e);
		return e;
	default:
		memcpy(&i64, p, sizeof i64);
		return i64;
	}
}

static void
proto__store_int(const struct proto__field *f, void *obj, int64_t v)
{
	char *p = (char *)obj + f->off;
	uint32_t u32 = (uint32_t)v;
	uint64_t u64 = (uint64_t)v;
	int e = (int)v;

	switch (f->type) {
	case PF_U32:
		memcpy(p, &u32, sizeof u32);
		break;
	case PF_U64:
		memcpy(p, &u64, sizeof u64);
		break;
	case PF_ENUM:
	case PF_BOOL:
		memcpy(p, &e, sizeof e);
		break;
	default:
		memcpy(p, &v, sizeof v);
		break;
	}
}

static unsigned
proto__load_count(const struct proto__field *f, const void *obj)
{
	unsigned n;

	memcpy(&n, (const char *)obj + f->count_off, sizeof n);
	return n;
}

static const char *
proto__list_at(const struct proto__field *f, const void *obj, unsigned i)
{
	return (const char *)obj + f->off + (size_t)i * PROTO_ID_MAX;
}

static int
proto__is_str(const struct proto__field *f)
{
	return f->type == PF_ID || f->type == PF_TEXT || f->type == PF_EVID;
}

static int
proto__is_int(const struct proto__field *f)
{
	return f->type == PF_U32 || f->type == PF_U64 || f->type == PF_I64;
}

/* 0: the field does not belong to this message; 1: optional; 2: required. */
static int
proto__role(const struct proto__msg *m, const struct proto__field *f,
    const void *obj, unsigned type_bit)
{
	if (!((f->req | f->opt) & type_bit))
		return 0;
	if (((f->req | f->opt) & T_DEP) && ((const char *)obj)[m->dep_off] == 0)
		return 0;
	return (f->req & type_bit) ? 2 : 1;
}

/* Does an optional field hold its "absent" value? */
static int
proto__is_empty(const struct proto__field *f, const void *obj)
{
	if (proto__is_str(f))
		return ((const char *)obj)[f->off] == 0;
	if (f->type == PF_LIST)
		return proto__load_count(f, obj) == 0;
	if (f->type == PF_TIME)
		return proto__load_int(f, obj) == 0;
	return proto__load_int(f, obj) == f->def;
}

static int
proto__list_ok(const struct proto__field *f, const void *obj)
{
	unsigned n = proto__load_count(f, obj);

	for (unsigned i = 0; i < n; i++) {
		if (!proto_id_valid(proto__list_at(f, obj, i)))
			return 0;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(proto__list_at(f, obj, i),
			    proto__list_at(f, obj, j)) == 0)
				return 0;
	}
	return 1;
}

/* Check the value a struct holds for f: the one rule encoders and decoders
 * share. Empty optional fields are not checked. */
static int
proto__value_ok(const struct proto__field *f, const void *obj,
    const char **why)
{
	const char *s = (const char *)obj + f->off;
	int64_t v;
	int ok = 1;

	if (proto__is_str(f) && strnlen(s, f->size) == f->size) {
		*why = f->why[W_LONG];
		return -1;
	}
	if (f->type == PF_LIST && proto__load_count(f, obj) > PROTO_LIST_MAX) {
		*why = f->why[W_LONG];
		return -1;
	}
	v = proto__is_str(f) || f->type == PF_LIST ? 0 :
	    proto__load_int(f, obj);
	switch (f->type) {
	case PF_ID:
		ok = proto_id_valid(s);
		break;
	case PF_TEXT:
		ok = proto_text_valid(s, strlen(s));
		if (ok && f->hi && proto_text_chars(s, strlen(s)) >
		    (size_t)f->hi) {
			*why = f->why[W_LONG];
			return -1;
		}
		break;
	case PF_EVID:
		ok = proto__evid_valid(s);
		break;
	case PF_ENUM:
		ok = v >= 0 && v < f->names->n;
		break;
	case PF_TIME:
		ok = v >= 0 && v <= PROTO__TIME_MAX;
		break;
	case PF_LIST:
		ok = proto__list_ok(f, obj);
		break;
	case PF_BOOL:
		break;
	default:
		ok = v >= f->lo && v <= f->hi;
		break;
	}
	if (!ok)
		*why = f->why[W_VALUE];
	return ok ? 0 : -1;
}

/* ---- decoding --------------------------------------------------------- */

/* JSON numbers arrive as doubles: accept only integral values where every
 * integer is exact. 1.0 is 1 (as JSON Schema has it); 1.5 is refused. */
static int
proto__json_int(const cJSON *it, int64_t *v)
{
	double d;

	if (!cJSON_IsNumber(it))
		return -1;
	d = it->valuedouble;
	if (!(d >= -(double)PROTO__INT_MAX && d <= (double)PROTO__INT_MAX))
		return -1;
	*v = (int64_t)d;
	return (double)*v == d ? 0 : -1;
}

static int
proto__get_list(const struct proto__field *f, const cJSON *it, void *obj,
    const char **why)
{
	const cJSON *e;
	unsigned n = 0;

	if (!cJSON_IsArray(it)) {
		*why = f->why[W_TYPE];
		return -1;
	}
	if (cJSON_GetArraySize(it) > PROTO_LIST_MAX) {
		*why = f->why[W_LONG];
		return -1;
	}
	cJSON_ArrayForEach(e, it) {
		if (!cJSON_IsString(e) ||
		    strlen(e->valuestring) >= PROTO_ID_MAX) {
			*why = f->why[W_VALUE];
			return -1;
		}
		strcpy((char *)obj + f->off + (size_t)n++ * PROTO_ID_MAX,
		    e->valuestring);
	}
	memcpy((char *)obj + f->count_off, &n, sizeof n);
	return 0;
}

/* Move the JSON value into the struct, checking its JSON type and that
 * it fits; proto__value_ok then judges the value. */
static int
proto__get(const struct proto__field *f, const cJSON *it, void *obj,
    const char **why)
{
	int64_t v = 0;
	int e, bad = 0;

	if (f->type == PF_LIST)
		return proto__get_list(f, it, obj, why);
	if (f->type == PF_BOOL ? !cJSON_IsBool(it) :
	    proto__is_int(f) ? !cJSON_IsNumber(it) : !cJSON_IsString(it)) {
		*why = f->why[W_TYPE];
		return -1;
	}
	if (proto__is_str(f)) {
		if (strlen(it->valuestring) >= f->size) {
			*why = f->why[W_LONG];
			return -1;
		}
		strcpy((char *)obj + f->off, it->valuestring);
		return 0;
	}
	if (f->type == PF_BOOL)
		v = cJSON_IsTrue(it);
	else if (f->type == PF_ENUM) {
		bad = proto__lookup(f->names, it->valuestring,
		    strlen(it->valuestring), &e) < 0;
		v = bad ? 0 : e;
	} else if (f->type == PF_TIME)
		bad = clock_iso_parse(it->valuestring, strlen(it->valuestring),
		    &v) < 0;
	else
		bad = proto__json_int(it, &v) < 0 || v < f->lo || v > f->hi;
	if (bad) {
		*why = f->why[W_VALUE];
		return -1;
	}
	proto__store_int(f, obj, v);
	return 0;
}

/* Read one field from root into obj. */
static int
proto__get_field(const struct proto__msg *m, const struct proto__field *f,
    const cJSON *root, void *obj, unsigned type_bit, const char **why)
{
	const cJSON *it;
	int role = proto__role(m, f, obj, type_bit);

	if (role == 0)
		return 0;
	it = cJSON_GetObjectItemCaseSensitive(root, f->name);
	if (!it) {
		if (role == 2) {
			*why = f->why[W_MISSING];
			return -1;
		}
		return 0;
	}
	if (proto__get(f, it, obj, why) < 0)
		return -1;
	if (role == 1 && proto__is_empty(f, obj))
		return 0;	/* "" or [] for an optional field: absent */
	return proto__value_ok(f, obj, why);
}

static int
proto__get_all(const struct proto__msg *m, const cJSON *root, void *obj,
    const char **why)
{
	unsigned type_bit = T(0);

	memset(obj, 0, m->size);
	for (size_t i = 0; i < m->nf; i++)
		if (proto__is_int(&m->f[i]))
			proto__store_int(&m->f[i], obj, m->f[i].def);
	for (size_t i = 0; i < m->nf; i++) {
		if (proto__get_field(m, &m->f[i], root, obj, type_bit, why) < 0)
			return -1;
		if (i == 0 && m->has_disc)
			type_bit = T(proto__load_int(&m->f[0], obj));
	}
	return m->check ? m->check(obj, why) : 0;
}

/* Ambiguous to other readers (first or last wins?): refused. */
static int
proto__has_dup(const cJSON *root)
{
	for (const cJSON *a = root->child; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return 1;
	return 0;
}

/* cJSON turns "\u0000" into a NUL that silently cuts its C string short:
 * refused anywhere in the payload. */
static int
proto__has_nul_escape(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && len - i >= 6 &&
		    memcmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++;	/* skip the escaped character: "\\u0000" is text */
	}
	return 0;
}

static int
proto__check_version(const struct proto__msg *m, const cJSON *root,
    const char **why)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "v");
	int64_t n;

	if (!v)
		*why = m->why[W_V_MISSING];
	else if (proto__json_int(v, &n) < 0)
		*why = m->why[W_V_TYPE];
	else if (n != PROTO_VERSION)
		*why = m->why[W_V_VERSION];
	else
		return 0;
	return -1;
}

/* Parse copy[0..len) (NUL-terminated by the caller) into one object with
 * nothing after it and no name twice; NULL with *why otherwise. */
static cJSON *
proto__parse_frame(const struct proto__msg *m, const char *copy, size_t len,
    const char **why)
{
	const char *end = NULL;
	cJSON *root;

	root = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
	if (!root) {
		*why = m->why[W_JSON];
		return NULL;
	}
	while (end < copy + len && (*end == ' ' || *end == '\t' ||
	    *end == '\n' || *end == '\r'))
		end++;
	if (end != copy + len)
		*why = m->why[W_TRAIL];
	else if (!cJSON_IsObject(root))
		*why = m->why[W_OBJECT];
	else if (proto__has_dup(root))
		*why = m->why[W_DUP];
	else
		return root;
	cJSON_Delete(root);
	return NULL;
}

/* The same, of this protocol version. */
static cJSON *
proto__parse(const struct proto__msg *m, const char *copy, size_t len,
    const char **why)
{
	cJSON *root = proto__parse_frame(m, copy, len, why);

	if (root && proto__check_version(m, root, why) < 0) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

union proto__any {
	struct proto_event ev;
	struct proto_status st;
	struct proto_feedback fb;
	struct proto_page pg;
	struct proto_reply rp;
	struct proto_incident in;
	struct proto_hub_status hs;
	struct proto_maint mt;
};

/* Decode into a scratch struct so *out changes only on success. The
 * payload is copied first: cJSON then never sees the caller's bytes past
 * len, whatever its own bounds checks do. */
static int
proto__decode(const struct proto__msg *m, const char *buf, size_t len,
    void *out, const char **why)
{
	char copy[PROTO_MAX_PAYLOAD + 1];
	union proto__any tmp;
	cJSON *root = NULL;
	const char *w = NULL;
	int rc = -1;

	if (!buf || !out)
		w = m->why[W_ARGS];
	else if (len == 0)
		w = m->why[W_EMPTY];
	else if (len > PROTO_MAX_PAYLOAD)
		w = m->why[W_BIG];
	else if (memchr(buf, 0, len) || proto__has_nul_escape(buf, len))
		w = m->why[W_NUL];
	else {
		memcpy(copy, buf, len);
		copy[len] = '\0';
		root = proto__parse(m, copy, len, &w);
	}
	if (root && proto__get_all(m, root, &tmp, &w) == 0) {
		memcpy(out, &tmp, m->size);
		rc = 0;
	}
	cJSON_Delete(root);
	if (rc < 0 && why)
		*why = w;
	return rc;
}

/* ---- tolerant decoding of presses --------------------------------------- */

/* Fields of an event that do not decide who is paged: one that is wrong
 * gets its default, and a note, rather than the press being dropped. */
static int
proto__event_tolerable(const struct proto__field *f)
{
	static const char *const names[] = { "gesture", "button", "pressed_at",
	    "held_ms", "attempt", "upgrades", NULL };

	for (int i = 0; names[i]; i++)
		if (strcmp(f->name, names[i]) == 0)
			return 1;
	return 0;
}

static void
proto__note(char *notes, size_t size, const char *what)
{
	size_t n = strlen(notes);

	if (n + 3 < size)
		snprintf(notes + n, size - n, "%s%s", n ? "; " : "", what);
}

/* The default a wrong tolerable field of an event takes. */
static void
proto__event_default(const struct proto__field *f, struct proto_event *ev)
{
	if (strcmp(f->name, "gesture") == 0)
		ev->gesture = PROTO_GESTURE_PRESS;
	else if (strcmp(f->name, "button") == 0)
		snprintf(ev->button, sizeof ev->button, "unknown");
	else if (strcmp(f->name, "pressed_at") == 0)
		ev->pressed_ms = 0;
	else if (strcmp(f->name, "held_ms") == 0)
		ev->held_ms = -1;
	else if (strcmp(f->name, "attempt") == 0)
		ev->attempt = 1;
	else
		ev->upgrades[0] = '\0';
}

int
proto_decode_event_tolerant(const char *buf, size_t len,
    struct proto_event *out, const char **why, char *notes, size_t size)
{
	const struct proto__msg *m = &proto__event_m;
	char copy[PROTO_MAX_PAYLOAD + 1];
	struct proto_event ev;
	const cJSON *v;
	cJSON *root = NULL;
	const char *w = NULL;
	int64_t n;
	int rc = -1;

	notes[0] = '\0';
	if (proto_decode_event(buf, len, out, why) == 0)
		return 0;
	/* only the payload itself must be sound: JSON, one object */
	if (!buf || len == 0 || len > PROTO_MAX_PAYLOAD ||
	    memchr(buf, 0, len) || proto__has_nul_escape(buf, len))
		return -1;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	/* the strict reader's own framing: one JSON object, nothing after,
	 * no name twice; its reason stands if this fails */
	if (!(root = proto__parse_frame(m, copy, len, &w)))
		goto out;
	/* a newer version is read for the fields this hub knows */
	v = cJSON_GetObjectItemCaseSensitive(root, "v");
	if (!v || proto__json_int(v, &n) < 0 || n < PROTO_VERSION) {
		w = m->why[v ? W_V_VERSION : W_V_MISSING];
		goto out;
	}
	if (n > PROTO_VERSION) {
		char t[64];

		snprintf(t, sizeof t, "protocol version %lld, read as %d",
		    (long long)n, PROTO_VERSION);
		proto__note(notes, size, t);
	}
	memset(&ev, 0, sizeof ev);
	for (size_t i = 0; i < m->nf; i++)
		if (proto__is_int(&m->f[i]))
			proto__store_int(&m->f[i], &ev, m->f[i].def);
	for (size_t i = 0; i < m->nf; i++) {
		const struct proto__field *f = &m->f[i];

		if (proto__get_field(m, f, root, &ev, T(0), &w) == 0)
			continue;
		if (!proto__event_tolerable(f))
			goto out;
		proto__note(notes, size, w);
		proto__event_default(f, &ev);
	}
	if (proto__event_check(&ev, &w) < 0) {
		if (!ev.upgrades[0])
			goto out;
		proto__note(notes, size, w);
		ev.upgrades[0] = '\0';
		if (proto__event_check(&ev, &w) < 0)
			goto out;
	}
	*out = ev;
	rc = 1;
out:
	cJSON_Delete(root);
	if (rc < 0 && why && w)
		*why = w;
	return rc;
}

/* ---- encoding --------------------------------------------------------- */

/* Integers go out as raw text: cJSON prints doubles, and would write
 * 1e+15 or round 2^53 - 1. */
static int
proto__put_int(cJSON *root, const char *name, int64_t v)
{
	char num[24];

	snprintf(num, sizeof num, "%" PRId64, v);
	return cJSON_AddRawToObject(root, name, num) ? 0 : -1;
}

static int
proto__put_list(const struct proto__field *f, const void *obj, cJSON *root)
{
	cJSON *arr = cJSON_AddArrayToObject(root, f->name), *s;
	unsigned n = proto__load_count(f, obj);

	if (!arr)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (!(s = cJSON_CreateString(proto__list_at(f, obj, i))))
			return -1;
		cJSON_AddItemToArray(arr, s);
	}
	return 0;
}

static int
proto__put(const struct proto__field *f, const void *obj, cJSON *root)
{
	const char *s = (const char *)obj + f->off;
	char iso[CLOCK_ISO_LEN];
	int64_t v;

	if (f->type == PF_LIST)
		return proto__put_list(f, obj, root);
	if (proto__is_str(f))
		return cJSON_AddStringToObject(root, f->name, s) ? 0 : -1;
	v = proto__load_int(f, obj);
	switch (f->type) {
	case PF_ENUM:
		s = proto__name(f->names, (int)v);
		break;
	case PF_TIME:
		s = clock_iso_format(v, iso);
		break;
	case PF_BOOL:
		return cJSON_AddBoolToObject(root, f->name, v != 0) ? 0 : -1;
	default:
		return proto__put_int(root, f->name, v);
	}
	return cJSON_AddStringToObject(root, f->name, s) ? 0 : -1;
}

static int
proto__put_all(const struct proto__msg *m, const void *obj, cJSON *root)
{
	unsigned type_bit = T(0);
	const char *w;

	if (m->has_disc) {
		if (proto__value_ok(&m->f[0], obj, &w) < 0)
			return -1;
		type_bit = T(proto__load_int(&m->f[0], obj));
	}
	if (proto__put_int(root, "v", PROTO_VERSION) < 0)
		return -1;
	for (size_t i = 0; i < m->nf; i++) {
		const struct proto__field *f = &m->f[i];
		int role = proto__role(m, f, obj, type_bit);

		if (role == 0 || (role == 1 && proto__is_empty(f, obj)))
			continue;
		if (proto__value_ok(f, obj, &w) < 0 ||
		    proto__put(f, obj, root) < 0)
			return -1;
	}
	return m->check && m->check(obj, &w) < 0 ? -1 : 0;
}

static int
proto__encode(const struct proto__msg *m, const void *obj, char *buf,
    size_t size)
{
	cJSON *root;
	char *s = NULL;
	size_t n;
	int rc = -1;

	if (!obj || !buf || !(root = cJSON_CreateObject()))
		return -1;
	if (proto__put_all(m, obj, root) == 0)
		s = cJSON_PrintUnformatted(root);
	/* never write what a decoder would refuse as too large */
	if (s && (n = strlen(s)) < size && n <= PROTO_MAX_PAYLOAD) {
		memcpy(buf, s, n + 1);
		rc = (int)n;
	}
	cJSON_free(s);
	cJSON_Delete(root);
	return rc;
}

/* ---- the public codec ------------------------------------------------- */

int
proto_encode_event(const struct proto_event *ev, char *buf, size_t size)
{
	return proto__encode(&proto__event_m, ev, buf, size);
}

int
proto_decode_event(const char *buf, size_t len, struct proto_event *out,
    const char **why)
{
	return proto__decode(&proto__event_m, buf, len, out, why);
}

int
proto_encode_status(const struct proto_status *st, char *buf, size_t size)
{
	return proto__encode(&proto__status_m, st, buf, size);
}

int
proto_decode_status(const char *buf, size_t len, struct proto_status *out,
    const char **why)
{
	return proto__decode(&proto__status_m, buf, len, out, why);
}

int
proto_encode_feedback(const struct proto_feedback *fb, char *buf, size_t size)
{
	return proto__encode(&proto__feedback_m, fb, buf, size);
}

int
proto_decode_feedback(const char *buf, size_t len, struct proto_feedback *out,
    const char **why)
{
	return proto__decode(&proto__feedback_m, buf, len, out, why);
}

int
proto_encode_page(const struct proto_page *pg, char *buf, size_t size)
{
	return proto__encode(&proto__page_m, pg, buf, size);
}

int
proto_decode_page(const char *buf, size_t len, struct proto_page *out,
    const char **why)
{
	return proto__decode(&proto__page_m, buf, len, out, why);
}

int
proto_encode_reply(const struct proto_reply *rp, char *buf, size_t size)
{
	return proto__encode(&proto__reply_m, rp, buf, size);
}

int
proto_decode_reply(const char *buf, size_t len, struct proto_reply *out,
    const char **why)
{
	return proto__decode(&proto__reply_m, buf, len, out, why);
}

int
proto_encode_incident(const struct proto_incident *in, char *buf, size_t size)
{
	return proto__encode(&proto__incident_m, in, buf, size);
}

int
proto_decode_incident(const char *buf, size_t len, struct proto_incident *out,
    const char **why)
{
	return proto__decode(&proto__incident_m, buf, len, out, why);
}

int
proto_encode_hub_status(const struct proto_hub_status *hs, char *buf,
    size_t size)
{
	return proto__encode(&proto__hub_status_m, hs, buf, size);
}

int
proto_decode_hub_status(const char *buf, size_t len,
    struct proto_hub_status *out, const char **why)
{
	return proto__decode(&proto__hub_status_m, buf, len, out, why);
}

int
proto_encode_maint(const struct proto_maint *mt, char *buf, size_t size)
{
	return proto__encode(&proto__maint_m, mt, buf, size);
}

int
proto_decode_maint(const char *buf, size_t len, struct proto_maint *out,
    const char **why)
{
	return proto__decode(&proto__maint_m, buf, len, out, why);
}
