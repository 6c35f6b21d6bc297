/* login.h: how a program logs in to the broker — the TLS and identity keys
 * of a config's broker section (and of panicctl's identity file), and the
 * secrets read from files only their owner can read. Shared by counterd,
 * hubd and panicctl so the three read them alike. */
#ifndef PANIC_LOGIN_H
#define PANIC_LOGIN_H

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg.h"

#define LOGIN_PATH_MAX		256
#define LOGIN_USER_MAX		64
#define LOGIN_SECRET_MAX	128

struct mqtt_opts;

struct login {
	int tls;			/* ssl:// instead of tcp:// */
	int verify;			/* check the broker's certificate */
	char ca_file[LOGIN_PATH_MAX];	/* "": the system's CAs */
	char cert_file[LOGIN_PATH_MAX];	/* client certificate, or "" */
	char key_file[LOGIN_PATH_MAX];	/* its private key (with cert_file) */
	char username[LOGIN_USER_MAX];	/* "": none */
	char password_file[LOGIN_PATH_MAX];
	/* where the two secret files were named, for later messages */
	int password_file_line, key_file_line;
	char section[32];		/* "broker.", or "" in an identity file */
	char password[LOGIN_SECRET_MAX];	/* "" until login_secrets */
};

/* The keys login_read takes, for a broker section's own knob table: list
 * them there as skipped so that cfg_apply does not call them unknown. */
#define LOGIN_KNOB_SKIPS \
	{ .name = "tls", .type = CFG_SKIP }, \
	{ .name = "verify", .type = CFG_SKIP }, \
	{ .name = "ca_file", .type = CFG_SKIP }, \
	{ .name = "cert_file", .type = CFG_SKIP }, \
	{ .name = "key_file", .type = CFG_SKIP }, \
	{ .name = "username", .type = CFG_SKIP }, \
	{ .name = "password_file", .type = CFG_SKIP }, \
	{ .name = "password", .type = CFG_SKIP }

/* Read the login keys of group g (NULL: all defaults) into l. With
 * identity_only, only username, password_file, cert_file and key_file
 * are allowed and every other key in g is an error (panicctl's identity
 * file); otherwise g's other keys are the caller's. Checks the keys
 * against each other (TLS files need tls = true, a key needs its
 * certificate, a password_file needs a username) and refuses a password
 * written in the config. Reads no file. Returns 0, or -1 with
 * "file:line: key: reason" in err. */
int login_read(const config_setting_t *g, int identity_only, struct login *l,
    const char *file, char *err, size_t errlen);

/* Read the password from password_file and check that the private key is
 * private: each must be a regular file that neither its group nor others
 * can read or write (chmod 600). Returns 0, or -1 with "file:line: key:
 * path: reason" in err; the secret itself is never part of a message. */
int login_secrets(struct login *l, const char *file, char *err,
    size_t errlen);

/* Fill o's TLS and identity fields from l (pointers into l). */
void login_opts(const struct login *l, struct mqtt_opts *o);

/* What is unsafe about connecting to host with l, for a warning at
 * connect, or NULL: plain TCP off this machine, or TLS without checking
 * the broker's certificate. */
const char *login_risk(const struct login *l, const char *host);

/* Print l's keys that differ from the defaults in the config syntax, each
 * as pre, `key = value;`, post; the password never (only its file). */
void login_print(const struct login *l, FILE *f, const char *pre,
    const char *post);

/* Overwrite the password (before l is freed or reused). */
void login_wipe(struct login *l);

#endif
