/* harness.h: integration-test scaffolding — a private mosquitto on a free
 * loopback port, the real binaries in a temporary directory, an observer
 * client that records everything crossing the broker, and cleanup that
 * leaves no process or file behind even when a test fails. */
#ifndef PANIC_HARNESS_H
#define PANIC_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define H_MAX_PROCS 16

struct h_msg {
	char *topic;
	unsigned char *payload;		/* len bytes plus a NUL for printing */
	size_t len;
	int retained;
	int64_t t_ms;			/* monotonic arrival time */
	int seen;			/* consumed by h_wait_msg */
};

struct h_proc {
	pid_t pid;
	char name[32];
};

struct harness {
	char dir[256];			/* temporary directory, removed at end */
	char bindir[256];		/* where counterd, hubd, panicctl are */
	int port;
	pid_t broker;
	struct h_proc procs[H_MAX_PROCS];
	struct mqtt *obs;		/* observer: subscribed to "#" */
	/* TLS (h_new_tls): the broker runs the shipped config with the
	 * credentials tools/branch-credentials made in creds; every client
	 * of the test process speaks TLS (one Paho library per process) */
	int tls;
	char creds[300];
	char top[256];			/* the source tree: tools/, config/ */
	struct h_msg *msgs;
	size_t nmsgs, cap;
	int quiet;			/* h_free: no logs unless it fails */
	/* h_retain: published again after each broker restart */
	char retain_topic[256], retain_payload[512];
};

/* Make the temp dir, start the broker, connect the observer. Returns NULL
 * (and prints why) on failure. */
struct harness *h_new(void);
/* The TLS world, in two steps: h_new_tls makes the temp dir and picks the
 * broker's port (so configs can be written, fixtures then add the TLS
 * keys and each program's identity); h_tls_start makes the branch's
 * credentials from hub.conf with tools/branch-credentials, adds the
 * observer's identity (user "observer": reads everything, writes only
 * harness/#), starts mosquitto with config/mosquitto/mosquitto.conf (its
 * paths and port rewritten) and connects the observer. */
struct harness *h_new_tls(void);
int h_tls_start(struct harness *h);
/* Path of a file in creds (static buffer rotating over 8 slots). */
const char *h_cred(struct harness *h, const char *name);
/* Fill o to log in over TLS as user (its password from creds/USER.pass
 * into pw, pwsize bytes), trusting ca (NULL: creds/ca.crt). 0 or -1. */
struct mqtt_opts;
int h_tls_opts(struct harness *h, const char *user, const char *ca,
    struct mqtt_opts *o, char *pw, size_t pwsize);

/* Stop every process started (SIGTERM, then SIGKILL), stop the broker,
 * print their logs as TAP comments, remove the dir, free. Returns -1 if a
 * process log holds a sanitizer report (a teardown failure), else 0. */
int h_free(struct harness *h);

/* Start (again) / stop the broker on the same port. */
int h_broker_start(struct harness *h);
void h_broker_stop(struct harness *h);
/* Freeze / thaw the broker (SIGSTOP / SIGCONT). */
void h_broker_pause(struct harness *h, int paused);

/* Path of name inside the temp dir (static buffer rotating over 8 slots). */
const char *h_path(struct harness *h, const char *name);
/* Write a file in the temp dir from a format; returns its path or NULL. */
const char *h_write(struct harness *h, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read a file from the temp dir into a malloc'd NUL-terminated string. */
char *h_read(struct harness *h, const char *name);

/* ms times PANIC_TIME_SCALE (default 1): every wait below stretches its
 * deadline so; a test that asserts a time bound of its own scales it. */
int h_scale(int ms);

/* Run bindir/prog with args (NULL-terminated), output to <logname>.log in
 * the temp dir; the child dies with the test process. Returns the pid. */
pid_t h_spawn(struct harness *h, const char *logname, const char *prog, ...)
	__attribute__((sentinel));
/* Run to completion (bounded by timeout_ms); returns the exit status or
 * -1; output is appended to <logname>.log. */
int h_run(struct harness *h, const char *logname, int timeout_ms,
    const char *prog, ...) __attribute__((sentinel));
/* Send sig to pid and, for SIGKILL/SIGTERM, reap it (bounded). Returns the
 * exit status as from waitpid, or -1. */
int h_kill(struct harness *h, pid_t pid, int sig);
/* 1 if pid is still running. */
int h_alive(struct harness *h, pid_t pid);

/* Wait up to timeout_ms for the next not-yet-seen message whose topic
 * matches the MQTT filter (with + and #); marks it seen. NULL on timeout. */
const struct h_msg *h_wait_msg(struct harness *h, const char *filter,
    int timeout_ms);
/* Pump the observer for ms milliseconds (to show that nothing arrives). */
void h_pump(struct harness *h, int ms);
/* Count messages so far matching filter (seen or not). */
size_t h_count(struct harness *h, const char *filter);
/* Mark all messages so far as seen. */
void h_mark_seen(struct harness *h);
/* Publish from the observer. Returns 0 or -1. */
/* Publish a retained message now and again after every h_broker_start
 * (the test broker keeps no retained messages across a restart), as the
 * program the test plays would on reconnecting. One at a time. */
int h_retain(struct harness *h, const char *topic, const char *payload);
int h_publish(struct harness *h, const char *topic, const void *payload,
    size_t len, int qos, int retained);

/* Wait until a file in the temp dir contains needle (the observer is
 * pumped meanwhile). Returns 1/0. */
int h_wait_file(struct harness *h, const char *name, const char *needle,
    int timeout_ms);
/* The same for <logname>.log. */
int h_wait_log(struct harness *h, const char *logname, const char *needle,
    int timeout_ms);

/* Run a scalar SQL query (one integer) on a database file in the temp dir;
 * returns the value, or -1 on error. printf-style. */
int64_t h_sql_int(struct harness *h, const char *db, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Wait until the scalar query returns want (a daemon commits after it logs
 * or publishes). Returns 1, or 0 after printing what it got. */
int h_wait_sql(struct harness *h, const char *db, int64_t want,
    int timeout_ms, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* What a board's outbox file (in the temp dir) holds, read without
 * changing it while the board goes on writing: what is "events" (events
 * awaiting a receipt), "discreet" (incidents kept dark) or an event id (1
 * while it awaits its receipt). -1 if the file cannot be read. */
int64_t h_outbox_count(struct harness *h, const char *file, const char *what);

/* Up to max events awaiting a receipt in a board's outbox file, read as
 * h_outbox_count does, into evs (oldest first). Returns how many, or -1. */
struct proto_event;
int h_outbox_events(struct harness *h, const char *file,
    struct proto_event *evs, int max);

/* Wait until h_outbox_count gives want. Returns 1, or 0 after printing
 * what it got. */
int h_wait_outbox(struct harness *h, const char *file, const char *what,
    int64_t want, int timeout_ms);

/* 1 if topic matches the MQTT filter. */
int h_topic_match(const char *filter, const char *topic);

#endif
