/* conf.h: counterd's configuration — one libconfig file per counter board,
 * read through knob tables (common/cfg.h). The commented reference is
 * config/example-branch/counterd-c03.conf. */
#ifndef COUNTERD_CONF_H
#define COUNTERD_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "button.h"
#include "login.h"
#include "proto.h"

#define CONF_BUTTONS_MAX	PROTO_LIST_MAX
#define CONF_OUTPUTS_MAX	PROTO_LIST_MAX
#define CONF_PATH_MAX		256
#define CONF_SOCK_MAX		100	/* sun_path is 108 bytes */
#define CONF_NAME_MAX		64	/* chip or line names, host names */

enum conf_backend { CONF_GPIO_SIM, CONF_GPIO_GPIOD };
enum conf_bias {
	CONF_BIAS_AS_IS, CONF_BIAS_DISABLE, CONF_BIAS_PULL_UP,
	CONF_BIAS_PULL_DOWN
};
enum conf_role { CONF_ROLE_STATUS, CONF_ROLE_FALLBACK, CONF_ROLE_RECORDER };
enum conf_mode { CONF_MODE_HOLD, CONF_MODE_PULSE };

/* A GPIO line: chip by name, path or label; line by offset or name. */
struct conf_line {
	char chip[CONF_NAME_MAX];
	int offset;			/* -1: use name */
	char name[CONF_NAME_MAX];	/* "" when offset is set */
	int active_low;
};

struct conf_button {
	char name[PROTO_ID_MAX];
	struct conf_line line;
	enum conf_bias bias;
	int discreet;			/* nothing visible changes for its events */
	struct button_spec spec;	/* wiring, timings, gesture kinds */
};

struct conf_output {
	char name[PROTO_ID_MAX];
	enum conf_role role;
	struct conf_line line;
	enum conf_mode mode;		/* recorder: hold while open, or pulse */
	int pulse_ms;			/* recorder, mode pulse */
	enum proto_kind kind;		/* recorder: the kind that triggers it */
	int on_discreet;		/* fallback: also for discreet events */
};

struct conf {
	char file[CONF_PATH_MAX];
	char site[PROTO_ID_MAX];
	char counter[PROTO_ID_MAX];
	char topic_prefix[PROTO_ID_MAX];
	char host[CONF_NAME_MAX];
	int port, keepalive_s;
	char client_id[PROTO_ID_MAX + 80];
	struct login login;		/* TLS, identity; counterd reads the
					 * secrets (login_secrets) */
	char outbox[CONF_PATH_MAX];
	int heartbeat_s, confirm_timeout_s;
	int log_level;			/* enum log_level */
	int syslog;
	enum conf_backend backend;
	char sim_socket[CONF_SOCK_MAX + 1];
	unsigned discreet_kinds;	/* bit (1 << kind) */
	unsigned nbuttons, noutputs;
	struct conf_button buttons[CONF_BUTTONS_MAX];
	struct conf_output outputs[CONF_OUTPUTS_MAX];
};

/* Read and validate path into c (wholly overwritten). Returns 0, or -1 with
 * "file:line: key: reason" in err; c is then unspecified. */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Print c in the config syntax with every default filled in (what
 * `counterd --check -v` shows); a reload test can diff it. */
void conf_print(const struct conf *c, FILE *f);

/* Index of the button or output named name, or -1. */
int conf_button_find(const struct conf *c, const char *name);
int conf_output_find(const struct conf *c, const char *name);

/* 1 if an event of kind from the named button must not change anything
 * visible at the desk (the button is discreet, or the kind is). */
int conf_discreet(const struct conf *c, const char *button,
    enum proto_kind kind);

/* Names used in the config file, for messages and conf_print. */
const char *conf_role_name(enum conf_role r);

#endif
