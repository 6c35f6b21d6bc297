/* hubtest.h: helpers shared by the hub's unit tests — load a config from
 * text through the real parser, and a small branch to test against. */
#ifndef HUBTEST_H
#define HUBTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

/* A branch: zone A has a weekday day shift sato/tanaka with a lunch slot
 * tanaka/suzuki, Saturday suzuki alone, a Friday night shift past
 * midnight; zone B a weekday shift. Waits are short and round. */
#define HT_PEOPLE \
	"people = (\n" \
	" { id = \"sato\"; name = \"佐藤 花子\"; roles = [\"supervisor\"]; },\n" \
	" { id = \"tanaka\"; name = \"田中 一郎\"; roles = [\"supervisor\"]; },\n" \
	" { id = \"suzuki\"; name = \"鈴木 美咲\"; },\n" \
	" { id = \"ito\"; name = \"伊藤\"; roles = [\"security\"]; },\n" \
	" { id = \"boss\"; name = \"高橋\"; roles = [\"manager\"]; pager = \"boss-phone\"; },\n" \
	" { id = \"fac\"; name = \"山本\"; roles = [\"facility\"]; }\n" \
	");\n" \
	"teams = ( { id = \"resp\"; members = [\"sato\", \"tanaka\", \"suzuki\", \"sato\"]; } );\n" \
	"zones = ( { id = \"A\"; name = \"窓口A\"; }, { id = \"B\"; } );\n" \
	"counters = ( { id = \"c03\"; label = \"3番窓口\"; zone = \"A\"; },\n" \
	" { id = \"r1\"; label = \"相談室1\"; zone = \"B\"; min_responders = 2; } );\n"

#define HT_SHIFTS \
	"shifts = (\n" \
	" { zone = \"A\"; days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]; from = \"09:00\"; to = \"12:00\"; supervisor = \"sato\"; backup = \"tanaka\"; },\n" \
	" { zone = \"A\"; days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]; from = \"12:00\"; to = \"13:00\"; supervisor = \"tanaka\"; backup = \"suzuki\"; },\n" \
	" { zone = \"A\"; days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]; from = \"13:00\"; to = \"18:00\"; supervisor = \"sato\"; backup = \"tanaka\"; },\n" \
	" { zone = \"A\"; days = [\"sat\"]; from = \"10:00\"; to = \"16:00\"; supervisor = \"suzuki\"; },\n" \
	" { zone = \"A\"; days = [\"fri\"]; from = \"18:00\"; to = \"01:00\"; supervisor = \"ito\"; },\n" \
	" { zone = \"B\"; days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]; from = \"09:00\"; to = \"18:00\"; supervisor = \"suzuki\"; backup = \"sato\"; }\n" \
	");\n" \
	"exceptions = (\n" \
	" { type = \"holiday\"; date = \"2026-12-29\"; until = \"2027-01-03\"; },\n" \
	" { type = \"absence\"; date = \"2026-12-07\"; person = \"sato\"; replacement = \"suzuki\"; },\n" \
	" { type = \"absence\"; date = \"2026-12-08\"; person = \"sato\"; },\n" \
	" { type = \"holiday\"; date = \"2026-12-11\"; zone = \"B\"; },\n" \
	" { type = \"holiday\"; date = \"2026-12-12\"; zone = \"A\"; }\n" \
	");\n"

#define HT_POLICIES \
	"policies = (\n" \
	" { kind = \"help\"; repeat = 1; steps = (\n" \
	"   { targets = [\"supervisor\"]; wait_s = 60; },\n" \
	"   { targets = [\"backup\"]; wait_s = 60; },\n" \
	"   { targets = [\"role:manager\"]; wait_ms = 120000; } ); },\n" \
	" { kind = \"emergency\"; min_responders = 2; steps = (\n" \
	"   { targets = [\"team:resp\", \"role:security\"]; wait_s = 30; },\n" \
	"   { targets = [\"person:boss\"]; wait_s = 60; } ); }\n" \
	");\n"

#define HT_BRANCH \
	"site = \"b1\";\ntimezone = \"Asia/Tokyo\";\n" \
	"timeouts = { cancel_grace_s = 30; on_scene_timeout_s = 180; relief_after_s = 1200; };\n" \
	"fallback = [\"person:boss\"];\n" HT_PEOPLE HT_SHIFTS HT_POLICIES

/* Load text as a config file; NULL with err filled on failure. */
static inline struct hub_conf *
ht_conf_try(const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/hubtest-XXXXXX";
	int fd = mkstemp(path);
	struct hub_conf *c;
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot make a temp file");
		return NULL;
	}
	fputs(text, f);
	fclose(f);
	c = hub_conf_load(path, err, errlen);
	unlink(path);
	return c;
}

/* Load text that must be valid; prints the error and fails otherwise. */
static inline struct hub_conf *
ht_conf(const char *text)
{
	char err[CONF_ERR_MAX] = "";
	struct hub_conf *c = ht_conf_try(text, err, sizeof err);

	if (!c)
		fprintf(stderr, "# config: %s\n", err);
	assert_non_null(c);
	return c;
}

/* hub_conf_print into a malloc'd string. */
static inline char *
ht_print(const struct hub_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	hub_conf_print(c, f);
	fclose(f);
	return buf;
}

#endif
