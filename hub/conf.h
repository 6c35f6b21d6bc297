/* conf.h: hubd's configuration — the branch's people, teams, zones,
 * counters, weekly shifts, date exceptions and escalation policies, read
 * from a libconfig file and checked so that every reference resolves. */
#ifndef HUB_CONF_H
#define HUB_CONF_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "login.h"
#include "proto.h"

#define CONF_PEOPLE_MAX		256
#define CONF_ROLES_MAX		8
#define CONF_TEAMS_MAX		32
#define CONF_MEMBERS_MAX	64
#define CONF_ZONES_MAX		64
#define CONF_COUNTERS_MAX	256
#define CONF_SHIFTS_MAX		256
#define CONF_EXCEPTIONS_MAX	128
#define CONF_STEPS_MAX		8
#define CONF_TARGETS_MAX	8
#define CONF_CONTACT_MAX	128
#define CONF_ERR_MAX		512
#define CONF_KEY_MIN		32	/* bytes of a link key */
#define CONF_KEY_MAX		1024
#define CONF_CHANNELS_MAX	16
#define CONF_NOTIFY_MAX		4	/* channels per person */
#define CONF_HEADERS_MAX	8
#define CONF_FIELDS_MAX		16
#define CONF_ARGS_MAX		8
#define CONF_URL_MAX		512	/* web.base_url, a channel's url */
#define CONF_LINE_MAX		256	/* a header, a field, an argument */
#define CONF_PAGER		(-1)	/* channel index of the MQTT pager */

/* One of a person's channels: a configured one, or the MQTT pager. */
struct conf_notify {
	int channel;			/* index into channels; CONF_PAGER */
	char to[CONF_CONTACT_MAX];	/* the address there; "" for the pager */
};

struct conf_person {
	char id[PROTO_ID_MAX];
	char name[PROTO_TEXT_MAX];
	char roles[CONF_ROLES_MAX][PROTO_ID_MAX];
	unsigned nroles;
	char pager[PROTO_ID_MAX];	/* pager topic id; default: id */
	char phone[CONF_CONTACT_MAX];	/* for later notifiers; "" if none */
	char email[CONF_CONTACT_MAX];
	struct conf_notify notify[CONF_NOTIFY_MAX];
	unsigned nnotify;		/* 0 only while loading: default pager */
};

struct conf_team {
	char id[PROTO_ID_MAX];
	int members[CONF_MEMBERS_MAX];	/* indexes into people */
	unsigned nmembers;
};

struct conf_zone {
	char id[PROTO_ID_MAX];
	char name[PROTO_TEXT_MAX];
};

struct conf_counter {
	char id[PROTO_ID_MAX];
	char label[PROTO_TEXT_MAX];	/* "3番窓口" */
	int zone;			/* index into zones */
	char floor[PROTO_ID_MAX];
	char location[PROTO_TEXT_MAX];
	int min_responders;		/* 0: the policy decides */
};

/* One weekly slot. A slot whose to_min <= from_min crosses midnight and
 * belongs to the day it starts on. */
struct conf_shift {
	int zone;			/* index into zones */
	unsigned days;			/* bit 0 = Sunday ... bit 6 = Saturday */
	int from_min, to_min;		/* minutes after local midnight; to may be 1440 */
	int supervisor, backup;		/* person indexes; backup -1 if none */
};

enum conf_exc_type { CONF_EXC_HOLIDAY, CONF_EXC_ABSENCE };

/* A date exception applies to the shifts that start on a date in
 * [date_from, date_to] (local dates as yyyymmdd). */
struct conf_exception {
	enum conf_exc_type type;
	int date_from, date_to;
	int zone;			/* -1: every zone */
	int person;			/* absence: who is away */
	int replacement;		/* absence: who stands in; -1 nobody */
};

enum conf_target_type {
	CONF_TARGET_SUPERVISOR,		/* the zone's supervisor on shift now */
	CONF_TARGET_BACKUP,		/* the zone's backup on shift now */
	CONF_TARGET_PERSON,
	CONF_TARGET_TEAM,
	CONF_TARGET_ROLE,
};

struct conf_target {
	enum conf_target_type type;
	int index;			/* person or team index; -1 otherwise */
	char role[PROTO_ID_MAX];	/* CONF_TARGET_ROLE */
};

struct conf_step {
	struct conf_target targets[CONF_TARGETS_MAX];
	unsigned ntargets;
	/* paged with the step to be told, and never stood down when the
	 * call is covered (security in an emergency) */
	struct conf_target informed[CONF_TARGETS_MAX];
	unsigned ninformed;
	int wait_ms;
};

struct conf_policy {
	int defined;
	int min_responders;
	int repeat;			/* extra runs of the ladder after the first */
	struct conf_step steps[CONF_STEPS_MAX];
	unsigned nsteps;
};

enum conf_channel_type { CONF_CH_WEBHOOK, CONF_CH_SMTP, CONF_CH_COMMAND };
enum conf_template { CONF_TPL_NTFY, CONF_TPL_SLACK, CONF_TPL_TEAMS,
	CONF_TPL_GENERIC };
enum conf_tls { CONF_TLS_NONE, CONF_TLS_TRY, CONF_TLS_REQUIRED };

/* A generic webhook's body: one JSON string member per field, its value
 * a text with {placeholders} (notify_tpl.c says which). */
struct conf_field {
	char key[PROTO_ID_MAX];
	char value[CONF_LINE_MAX];
};

/* A named way to reach people besides the MQTT pager. Strings the type
 * does not use are "". Secrets (token, password) come from files and are
 * never printed. */
struct conf_channel {
	char name[PROTO_ID_MAX];
	enum conf_channel_type type;
	enum conf_template tpl;		/* webhook */
	char url[CONF_URL_MAX];		/* webhook, smtp */
	char headers[CONF_HEADERS_MAX][CONF_LINE_MAX];	/* "Name: value" */
	unsigned nheaders;
	char token_file[PATH_MAX];	/* webhook: "Authorization: Bearer" */
	char token[CONF_LINE_MAX];
	struct conf_field fields[CONF_FIELDS_MAX];	/* generic template */
	unsigned nfields;
	char from[CONF_CONTACT_MAX];	/* smtp */
	char user[CONF_CONTACT_MAX];
	char password_file[PATH_MAX];
	char password[CONF_CONTACT_MAX];
	enum conf_tls tls;
	char path[PATH_MAX];		/* command */
	char args[CONF_ARGS_MAX][CONF_LINE_MAX];
	unsigned nargs;
	int timeout_ms;			/* one attempt */
	int attempts;			/* per page, while the step lasts */
	int retry_ms;			/* first back-off; doubles, capped */
	int alert_after;		/* failures in a row: maintenance alert */
};

struct conf_broker {
	char host[256];
	int port;
	int keepalive_s;
	char client_id[PROTO_ID_MAX];
	/* TLS and the hub's identity. hub_conf_load reads no secret (panicctl
	 * loads this file too, and must not need the hub's password): hubd
	 * calls login_secrets. */
	struct login login;
};

/* The one-tap acknowledgement server (docs/WEB-ACK.md); enabled only when
 * the file has a web section. The key is read by conf_web_key_load. */
struct conf_web {
	int enabled;
	char listen[64];		/* an IPv4 or IPv6 address */
	int port;
	char base_url[CONF_URL_MAX];	/* no trailing '/' */
	char key_file[PATH_MAX];
	int key_file_line;		/* for errors about the file */
	int link_ttl_s;
	unsigned char key[CONF_KEY_MAX];
	size_t keylen;			/* 0 until loaded */
};

struct hub_conf {
	char file[PATH_MAX];
	char site[PROTO_ID_MAX];
	char topic_prefix[PROTO_ID_MAX];
	char timezone[64];
	char database[PATH_MAX];
	char log_level[16];
	struct conf_broker broker;
	struct conf_web web;

	int cancel_grace_ms;
	int on_scene_timeout_ms;
	int relief_after_ms;

	int heartbeat_misses;		/* silent after misses x interval */
	int heartbeat_default_s;	/* when a board does not say */
	char maint_role[PROTO_ID_MAX];	/* who gets maintenance alerts */

	struct conf_target fallback[CONF_TARGETS_MAX];
	unsigned nfallback;

	struct conf_person people[CONF_PEOPLE_MAX];
	unsigned npeople;
	struct conf_team teams[CONF_TEAMS_MAX];
	unsigned nteams;
	struct conf_zone zones[CONF_ZONES_MAX];
	unsigned nzones;
	struct conf_counter counters[CONF_COUNTERS_MAX];
	unsigned ncounters;
	struct conf_shift shifts[CONF_SHIFTS_MAX];
	unsigned nshifts;
	struct conf_exception exceptions[CONF_EXCEPTIONS_MAX];
	unsigned nexceptions;
	struct conf_policy policies[PROTO_KIND_COUNT];
	struct conf_channel channels[CONF_CHANNELS_MAX];
	unsigned nchannels;
};

/* Read and check path into a new config. Returns it (free with conf_free),
 * or NULL with "file:line: key: reason" in err. */
struct hub_conf *hub_conf_load(const char *path, char *err, size_t errlen);
/* The same, then the secrets it names (the broker identity's, the web
 * key): the whole of what a starting hub reads, for hubd, its SIGHUP and
 * its --check, and panicctl check, so that all of them agree. */
struct hub_conf *hub_conf_load_all(const char *path, char *err,
    size_t errlen);
void conf_free(struct hub_conf *c);

/* Read the web section (absent: web disabled). For conf.c. 0 or -1 with
 * err set. */
struct config_setting_t;
int conf_web_read(struct hub_conf *c, const struct config_setting_t *root,
    char *err, size_t errlen);
/* Read web.key_file into c->web.key: hubd calls it at start and on reload
 * (panicctl, which reads the same file, does not need the key). The file
 * must be a regular file, not readable by others, and hold at least
 * CONF_KEY_MIN bytes (all of its bytes are the key). Nothing to do when
 * web is disabled. 0, or -1 with "file:line: web.key_file: reason". */
int conf_web_key_load(struct hub_conf *c, char *err, size_t errlen);

/* Write the config in normalised form (defaults filled in, durations in
 * ms, references by id), for --check and golden tests. */
void hub_conf_print(const struct hub_conf *c, FILE *f);
/* "PATH: valid: 7 people, 2 zones, ...", a line, for hubd --check and
 * panicctl check. */
void hub_conf_print_valid(const struct hub_conf *c, FILE *f);
/* What a valid config may still get wrong (conf_lint.c): each warning,
 * naming the file and the setting, goes to warn. Returns how many. */
unsigned conf_lint(const struct hub_conf *c,
    void (*warn)(void *ctx, const char *msg), void *ctx);

/* Lookups by id: an index, or -1. */
int conf_person_find(const struct hub_conf *c, const char *id);
int conf_team_find(const struct hub_conf *c, const char *id);
int conf_zone_find(const struct hub_conf *c, const char *id);
int conf_counter_find(const struct hub_conf *c, const char *id);
int conf_channel_find(const struct hub_conf *c, const char *name);
/* 1 if person p holds role. */
int conf_person_has_role(const struct conf_person *p, const char *role);

/* The policy for an event kind: its own, or the "help" policy for kinds
 * without one (a test press, say). Never NULL after hub_conf_load. */
const struct conf_policy *conf_policy_for(const struct hub_conf *c,
    enum proto_kind kind);

/* Text of a target as written in the file ("team:response"), into buf. */
const char *conf_target_text(const struct hub_conf *c,
    const struct conf_target *t, char *buf, size_t size);

/* Names as in the file: "webhook"/"smtp"/"command", "ntfy"/.../"generic",
 * "none"/"try"/"required". */
const char *conf_channel_type_name(enum conf_channel_type t);
const char *conf_template_name(enum conf_template t);
const char *conf_tls_name(enum conf_tls t);

/* "sun".."sat" for 0..6, as in the file. */
const char *conf_day_name(int wday);

#endif
