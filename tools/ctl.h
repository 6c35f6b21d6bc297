/* ctl.h: what panicctl's subcommands share — the options of every command
 * that reads the hub (-c HUBCONF, --db, --csv, --bom, --json), loading the
 * hub's config (and its time zone), opening its database read-only, names
 * for ids, and messages "panicctl: CMD: ...". */
#ifndef PANICCTL_CTL_H
#define PANICCTL_CTL_H

#include <getopt.h>
#include <stdint.h>

#include "db.h"
#include "hubconf.h"

#define CTL_CONF_DEFAULT "/etc/panic/hubd.conf"

/* Exit statuses of every subcommand. */
enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = 2 };

enum ctl_fmt { CTL_TEXT, CTL_CSV, CTL_JSON };

struct ctl {
	const char *cmd;		/* "report", for messages */
	const char *conf_path;
	const char *identity_path;	/* --identity or $PANIC_IDENTITY */
	struct login id;		/* who we are on the broker */
	const char *db_path;		/* NULL: the config's database */
	enum ctl_fmt fmt;
	int bom;
	struct hub_conf *conf;
	struct db *db;
	int64_t now_ms;
	int all_secrets;		/* load the config as hubd does */
};

/* getopt values of the shared long options. */
enum {
	CTL_OPT_DB = 0x100, CTL_OPT_CSV, CTL_OPT_JSON, CTL_OPT_BOM,
	CTL_OPT_IDENTITY,
	CTL_OPT_NEXT		/* a command's own options start here */
};

#define CTL_LONGOPTS \
	{ "conf", required_argument, NULL, 'c' }, \
	{ "db", required_argument, NULL, CTL_OPT_DB }, \
	{ "csv", no_argument, NULL, CTL_OPT_CSV }, \
	{ "bom", no_argument, NULL, CTL_OPT_BOM }, \
	{ "json", no_argument, NULL, CTL_OPT_JSON }, \
	{ "identity", required_argument, NULL, CTL_OPT_IDENTITY }

/* Start with the defaults; now_ms is taken once, here. */
void ctl_init(struct ctl *x, const char *cmd);
/* Take a shared option (getopt's ch and optarg). Returns 1 if it was one,
 * 0 if not. --bom implies --csv. */
int ctl_option(struct ctl *x, int ch, const char *arg);
/* Load the config and make its time zone the local one, and the identity
 * file if one was named; then, if need_db, open the database. Returns 0,
 * or -1 after saying why on stderr. */
int ctl_open(struct ctl *x, int need_db);
void ctl_close(struct ctl *x);

/* "panicctl: CMD: ..." and a newline on stderr. */
void ctl_err(const struct ctl *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The counter's label ("3番窓口"), a person's name, a zone's name: from
 * the config, or the id itself when the config does not know it. */
const char *ctl_counter_label(const struct ctl *x, const char *id);
const char *ctl_person_name(const struct ctl *x, const char *id);
/* The zone index of a counter, or -1. */
int ctl_counter_zone(const struct ctl *x, const char *id);

/* --counter / --person check: known to the config or ever seen in the
 * database. Returns 0, or -1 after saying so. */
int ctl_known_counter(struct ctl *x, const char *id);
int ctl_known_person(struct ctl *x, const char *id);

/* A client for the hub's broker, named panicctl-<role>-<pid>, clean
 * session, not yet connected. Where and how (host, port, tls, ca_file,
 * verify) come from the hub's config; who (username, password, client
 * certificate) from the identity file, never from the hub's login: a
 * manager or a supervisor's console has an identity of its own
 * (docs/SECURITY.md). No identity file: no login. NULL on failure. */
struct mqtt *ctl_mqtt(const struct ctl *x, const char *role);

/* "3番窓口 (c03)", or the id alone when it has no label, into buf. */
const char *ctl_counter_text(const struct ctl *x, const char *id, char *buf,
    size_t size);

#endif
