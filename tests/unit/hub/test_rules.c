/* test_rules.c: who covers a zone when — weekdays, lunch slots, shifts
 * past midnight, holidays and absences, time zones and DST — and which
 * people a policy step names, with the fallback when it names nobody. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "hubtest.h"
#include "rules.h"

struct cover_case {
	int date, hhmm;
	const char *zone;
	const char *supervisor, *backup;	/* NULL: nobody */
};

/* 2026-11-30 is a Monday; 12-04 a Friday; 12-05 a Saturday. */
static const struct cover_case cover_cases[] = {
	{ 20261130, 900, "A", "sato", "tanaka" },	/* shift starts */
	{ 20261130, 859, "A", NULL, NULL },		/* not yet */
	{ 20261130, 1159, "A", "sato", "tanaka" },
	{ 20261130, 1200, "A", "tanaka", "suzuki" },	/* lunch slot */
	{ 20261130, 1300, "A", "sato", "tanaka" },
	{ 20261130, 1800, "A", NULL, NULL },		/* "to" is exclusive */
	{ 20261130, 1000, "B", "suzuki", "sato" },
	{ 20261205, 1100, "A", "suzuki", NULL },	/* Saturday, no backup */
	{ 20261206, 1100, "A", NULL, NULL },		/* Sunday */
	{ 20261204, 2330, "A", "ito", NULL },		/* Friday night */
	{ 20261205, 30, "A", "ito", NULL },		/* past midnight */
	{ 20261205, 100, "A", NULL, NULL },		/* night shift over */
	{ 20261203, 2330, "A", NULL, NULL },		/* no Thursday night */
	{ 20261207, 1000, "A", "suzuki", "tanaka" },	/* sato away, replaced */
	{ 20261207, 1230, "A", "tanaka", "suzuki" },	/* absence elsewhere */
	{ 20261208, 1000, "A", NULL, "tanaka" },	/* sato away, no one */
	{ 20261211, 1000, "B", NULL, NULL },		/* holiday in B only */
	{ 20261211, 1000, "A", "sato", "tanaka" },
	{ 20261212, 30, "A", "ito", NULL },		/* Fri shift into Sat holiday */
	{ 20261212, 1100, "A", NULL, NULL },		/* Saturday holiday in A */
	{ 20261229, 1000, "A", NULL, NULL },		/* year-end holidays */
	{ 20270102, 30, "A", NULL, NULL },		/* Fri 01-01 shift: holiday */
	{ 20270104, 1000, "A", "sato", "tanaka" },	/* back to normal */
};

static const char *
person_id(const struct hub_conf *c, int i)
{
	return i >= 0 ? c->people[i].id : NULL;
}

static void
assert_person(const struct hub_conf *c, int got, const char *want,
    const struct cover_case *k)
{
	const char *g = person_id(c, got);

	if ((g == NULL) != (want == NULL) || (g && strcmp(g, want) != 0))
		fail_msg("%d %04d zone %s: got %s, want %s", k->date, k->hhmm,
		    k->zone, g ? g : "nobody", want ? want : "nobody");
}

static void
test_cover_table(void **state)
{
	struct hub_conf *c = ht_conf(HT_BRANCH);

	(void)state;
	for (size_t i = 0; i < sizeof cover_cases / sizeof *cover_cases; i++) {
		const struct cover_case *k = &cover_cases[i];
		struct rules_when w;
		struct rules_cover cov;

		assert_int_equal(rules_when_local(k->date,
		    k->hhmm / 100 * 60 + k->hhmm % 100, &w), 0);
		rules_cover(c, conf_zone_find(c, k->zone), &w, &cov);
		assert_person(c, cov.supervisor, k->supervisor, k);
		assert_person(c, cov.backup, k->backup, k);
	}
	conf_free(c);
}

static void
test_when_local(void **state)
{
	struct rules_when w;

	(void)state;
	assert_int_equal(rules_when_local(20261130, 570, &w), 0);
	assert_int_equal(w.wday, 1);
	assert_int_equal(w.prev_date, 20261129);
	assert_int_equal(w.prev_wday, 0);
	assert_int_equal(rules_when_local(20270101, 0, &w), 0);
	assert_int_equal(w.prev_date, 20261231);
	assert_int_equal(w.wday, 5);
	assert_int_equal(rules_when_local(20280301, 0, &w), 0);
	assert_int_equal(w.prev_date, 20280229);		/* leap year */
	assert_int_equal(rules_when_local(20260231, 0, &w), -1);
	assert_int_equal(rules_when_local(20261130, 1440, &w), -1);
}

static int64_t
utc_ms(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi };

	return (int64_t)timegm(&tm) * 1000;
}

static void
assert_when(const char *tz, int64_t ms, int date, int hhmm, int wday)
{
	struct rules_when w;

	assert_int_equal(rules_when_at(tz, ms, &w), 0);
	assert_int_equal(w.date, date);
	assert_int_equal(w.minute, hhmm / 100 * 60 + hhmm % 100);
	assert_int_equal(w.wday, wday);
	assert_true(w.epoch_ms == ms);
}

static void
test_time_zones(void **state)
{
	int64_t t = utc_ms(2026, 11, 30, 0, 30);
	struct hub_conf *c = ht_conf(HT_BRANCH);
	struct rules_when w;
	struct rules_cover cov;

	(void)state;
	/* the same instant: Monday morning in Tokyo, Sunday night in UTC */
	assert_when("Asia/Tokyo", t, 20261130, 930, 1);
	assert_when("UTC", t, 20261130, 30, 1);
	assert_when("America/New_York", t, 20261129, 1930, 0);
	rules_when_at("Asia/Tokyo", t, &w);
	rules_cover(c, 0, &w, &cov);
	assert_string_equal(person_id(c, cov.supervisor), "sato");
	rules_when_at("UTC", t, &w);
	rules_cover(c, 0, &w, &cov);
	assert_null(person_id(c, cov.supervisor));
	/* New York springs forward at 02:00 local (07:00 UTC) ... */
	assert_when("America/New_York", utc_ms(2026, 3, 8, 6, 59), 20260308, 159, 0);
	assert_when("America/New_York", utc_ms(2026, 3, 8, 7, 0), 20260308, 300, 0);
	/* ... and falls back: 01:30 happens twice */
	assert_when("America/New_York", utc_ms(2026, 11, 1, 5, 30), 20261101, 130, 0);
	assert_when("America/New_York", utc_ms(2026, 11, 1, 6, 30), 20261101, 130, 0);
	conf_free(c);
}

/* The ids of out, comma-separated, into buf. */
static const char *
people_text(const struct hub_conf *c, const struct rules_people *p, char *buf,
    size_t size)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < p->n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
		    i ? "," : "", c->people[p->idx[i]].id);
	return buf;
}

static void
assert_targets(const struct hub_conf *c, const char *counter, int kind,
    unsigned step, int date, int hhmm, const char *want, int fallback)
{
	struct rules_when w;
	struct rules_people p;
	char buf[256];

	rules_when_local(date, hhmm / 100 * 60 + hhmm % 100, &w);
	rules_targets(c, conf_counter_find(c, counter),
	    &c->policies[kind].steps[step - 1], &w, &p);
	assert_string_equal(people_text(c, &p, buf, sizeof buf), want);
	assert_int_equal(p.fallback, fallback);
}

static void
test_targets(void **state)
{
	struct hub_conf *c = ht_conf(HT_BRANCH);

	(void)state;
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261130, 1000, "sato", 0);
	assert_targets(c, "c03", PROTO_KIND_HELP, 2, 20261130, 1000, "tanaka", 0);
	assert_targets(c, "c03", PROTO_KIND_HELP, 3, 20261130, 1000, "boss", 0);
	assert_targets(c, "r1", PROTO_KIND_HELP, 1, 20261130, 1000, "suzuki", 0);
	/* a team and a role together, each person once */
	assert_targets(c, "c03", PROTO_KIND_EMERGENCY, 1, 20261130, 1000,
	    "sato,tanaka,suzuki,ito", 0);
	/* nobody on shift: the fallback, never nobody */
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261206, 1000, "boss", 1);
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261208, 1000, "boss", 1);
	assert_targets(c, "c03", PROTO_KIND_HELP, 2, 20261208, 1000, "tanaka", 0);
	/* an unconfigured counter has no zone */
	assert_targets(c, "c99", PROTO_KIND_HELP, 1, 20261130, 1000, "boss", 1);
	assert_targets(c, "c99", PROTO_KIND_HELP, 3, 20261130, 1000, "boss", 0);
	conf_free(c);
}

/* One rule for absences, whatever the target: sato away on 12-07 (suzuki
 * stands in) and 12-08 (nobody does) is not paged by the team either. */
static void
test_absence_every_target(void **state)
{
	struct hub_conf *c = ht_conf(HT_BRANCH);

	(void)state;
	assert_targets(c, "c03", PROTO_KIND_EMERGENCY, 1, 20261207, 1000,
	    "suzuki,tanaka,ito", 0);
	assert_targets(c, "c03", PROTO_KIND_EMERGENCY, 1, 20261208, 1000,
	    "tanaka,suzuki,ito", 0);
	/* an absence for every zone holds in zone B and with no zone */
	assert_targets(c, "r1", PROTO_KIND_EMERGENCY, 1, 20261207, 1000,
	    "suzuki,tanaka,ito", 0);
	assert_targets(c, "c99", PROTO_KIND_EMERGENCY, 1, 20261208, 1000,
	    "tanaka,suzuki,ito", 0);
	/* no shift runs on Sunday: the date of the press decides */
	assert_targets(c, "c03", PROTO_KIND_EMERGENCY, 1, 20261206, 1000,
	    "sato,tanaka,suzuki,ito", 0);
	conf_free(c);
}

/* person: targets and the fallback obey absences too, zone by zone; a
 * stand-in who is away is stood in for, a circle ends; and when every
 * fallback person is away the fallback pages them anyway: never nobody. */
static void
test_absence_stand_ins(void **state)
{
	struct hub_conf *c = ht_conf(
	    "site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n"
	    "fallback = [\"person:boss\"];\n" HT_PEOPLE
	    "exceptions = (\n"
	    " { type = \"absence\"; date = \"2026-12-14\"; person = \"boss\"; replacement = \"tanaka\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-14\"; person = \"tanaka\"; replacement = \"fac\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-15\"; zone = \"B\"; person = \"boss\"; replacement = \"ito\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-16\"; person = \"boss\"; replacement = \"ito\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-16\"; person = \"ito\"; replacement = \"boss\"; },\n"
	    " { type = \"absence\"; date = \"2026-12-17\"; person = \"boss\"; }\n"
	    ");\n"
	    "policies = ( { kind = \"help\"; steps = (\n"
	    "   { targets = [\"person:boss\"]; wait_s = 60; },\n"
	    "   { targets = [\"supervisor\"]; wait_s = 60; } ); },\n"
	    " { kind = \"emergency\"; steps = (\n"
	    "   { targets = [\"role:security\"]; wait_s = 60; } ); } );\n");

	(void)state;
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261214, 1000, "fac", 0);
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261215, 1000, "boss", 0);
	assert_targets(c, "r1", PROTO_KIND_HELP, 1, 20261215, 1000, "ito", 0);
	/* boss and ito stand in for each other: both away, nobody */
	assert_int_equal(rules_stand_in(c, 0, 20261216,
	    conf_person_find(c, "boss")), -1);
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261216, 1000, "boss", 1);
	/* nobody on shift: the fallback, whose stand-in pages */
	assert_targets(c, "c03", PROTO_KIND_HELP, 2, 20261214, 1000, "fac", 1);
	/* the fallback away with nobody in their place still pages */
	assert_targets(c, "c03", PROTO_KIND_HELP, 1, 20261217, 1000, "boss", 1);
	conf_free(c);
}

static void
test_policy_for(void **state)
{
	struct hub_conf *c = ht_conf(HT_BRANCH);

	(void)state;
	/* no "test" policy: a drill follows the help ladder */
	assert_ptr_equal(conf_policy_for(c, PROTO_KIND_TEST),
	    &c->policies[PROTO_KIND_HELP]);
	assert_ptr_equal(conf_policy_for(c, PROTO_KIND_EMERGENCY),
	    &c->policies[PROTO_KIND_EMERGENCY]);
	assert_int_equal(c->policies[PROTO_KIND_HELP].steps[2].wait_ms, 120000);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cover_table),
		cmocka_unit_test(test_when_local),
		cmocka_unit_test(test_time_zones),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_absence_every_target),
		cmocka_unit_test(test_absence_stand_ins),
		cmocka_unit_test(test_policy_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
