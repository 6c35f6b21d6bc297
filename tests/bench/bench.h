/* bench.h: what the bench programs share — a private world (temporary
 * directory, mosquitto on a free loopback port, children that die with us),
 * MQTT clients on common/mqtt.h that wait for events, percentiles, readings
 * of /proc, and the two outputs: table rows on stdout, JSON lines in a file.
 * Everything here is for measuring; nothing is linked into the daemons. */
#ifndef PANIC_BENCH_H
#define PANIC_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "mqtt.h"

struct proto_page;

#define BENCH_PROCS_MAX		16
#define BENCH_THREADS_MAX	16
#define BENCH_NS_PER_MS		1000000LL

/* Set by SIGINT/SIGTERM; every wait returns early once it is set. */
extern volatile int bench_stopping;

/* Catch SIGINT and SIGTERM (they set bench_stopping), ignore SIGPIPE. */
void bench_signals(void);

/* Monotonic nanoseconds (CLOCK_MONOTONIC, as counterd's edges use). */
int64_t bench_now_ns(void);
void bench_sleep_ms(int ms);

/* ---- the private world ------------------------------------------------ */

struct bench_world {
	char dir[256];			/* removed by bench_world_free */
	char bindir[256];		/* counterd, hubd */
	pid_t procs[BENCH_PROCS_MAX];
};

/* Make a temporary directory under $TMPDIR (or /tmp) named after what.
 * Returns 0, or -1 after printing why. */
int bench_world_init(struct bench_world *w, const char *what,
    const char *bindir);
/* SIGKILL and reap every child still running, print the tail of each log
 * when failed, remove the directory. */
void bench_world_free(struct bench_world *w, int failed);

/* "<dir>/<name>" in one of 8 rotating static buffers. */
const char *bench_path(struct bench_world *w, const char *name);
/* Write a file in the directory; returns its path or NULL. */
const char *bench_write(struct bench_world *w, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Start exe (a path; argv[0] is made from it) with its output in
 * <log>.log, in the world's directory; the child gets SIGKILL when we die.
 * args is NULL-terminated. Returns the pid or -1. */
pid_t bench_spawn(struct bench_world *w, const char *log, const char *exe,
    const char *const *args);
/* Wait until <log>.log holds needle. Returns 0, or -1 after timeout_ms. */
int bench_wait_log(struct bench_world *w, const char *log, const char *needle,
    int timeout_ms);
/* How many lines of <log>.log hold needle (0 if there is no such log). */
int bench_log_count(struct bench_world *w, const char *log,
    const char *needle);
/* SIGTERM, then SIGKILL after timeout_ms; reap. Returns the wait status or
 * -1. */
int bench_stop(struct bench_world *w, pid_t pid, int timeout_ms);

/* Start mosquitto on a free loopback port with set_tcp_nodelay as given
 * (name names its config and log). Returns the port, or -1. */
int bench_broker(struct bench_world *w, const char *name, int nodelay,
    pid_t *pid);
/* "mosquitto version 2.0.11" from the binary, into buf. */
void bench_broker_version(char *buf, size_t size);

/* ---- clients ---------------------------------------------------------- */

/* Connect to 127.0.0.1:port as id, subscribe (QoS 1) to each filter and to
 * its own topic "bench/self/<id>", and wait until a probe sent there comes
 * back, so every subscription is in force. Returns NULL on failure. */
struct mqtt *bench_client(int port, const char *id,
    const char *const *filters, int nfilters);
/* The client's own topic (for the floor): "bench/self/<id>". */
void bench_self_topic(const char *id, char *buf, size_t size);

/* Wait until deadline_ns (monotonic) for the client's next event. Returns
 * 1 with ev filled (release it with mqtt_ev_release), 0 on timeout or
 * when stopping. */
int bench_next(struct mqtt *m, struct mqtt_ev *ev, int64_t deadline_ns);
/* The same over n clients (NULL entries are skipped); *which says whose
 * event it is. */
int bench_next_any(struct mqtt *const *ms, int n, struct mqtt_ev *ev,
    int *which, int64_t deadline_ns);

/* Set or clear TCP_NODELAY on every TCP socket of this process connected
 * to peer port (the wrapper sets it; the Nagle guard clears it again).
 * Returns how many sockets were changed. */
int bench_tcp_nodelay(int port, int on);

/* QoS 1 round trips, n of them after warmup unmeasured ones: publish a
 * numbered message on pub, time until it comes back on sub (the client's
 * self topic for the plain floor; a relay's output for the relayed one).
 * Fills rtt_ns[0..n). Returns 0, or -1 (a message lost for 5 s, a stop). */
int bench_round_trips(struct mqtt *m, const char *pub, const char *sub,
    int warmup, int n, int64_t *rtt_ns);

/* ---- statistics ------------------------------------------------------- */

struct bench_stats {
	size_t n;
	double min_ms, median_ms, p99_ms, max_ms, mean_ms;
};

/* Sorts v in place. p99 is the nearest-rank 99th percentile. */
void bench_stats(int64_t *v, size_t n, struct bench_stats *st);

/* ---- /proc ------------------------------------------------------------ */

struct bench_mem {
	long rss_kb, hwm_kb, pss_kb;		/* VmRSS, VmHWM, Pss */
	long anon_kb, file_kb;			/* RssAnon, RssFile */
	long tls_rss_kb, tls_pss_kb;		/* libcrypto + libssl mappings */
	long sqlite_rss_kb;			/* libsqlite3 mappings */
};

int bench_mem_read(pid_t pid, struct bench_mem *m);

struct bench_thread {
	pid_t tid;
	char comm[20];
	uint64_t run_ns;		/* schedstat: time on a CPU */
	uint64_t slices;		/* schedstat: times it was run */
	uint64_t vol, invol;		/* context switches */
};

/* Read every thread of pid. Returns how many (at most max), or -1. */
int bench_threads_read(pid_t pid, struct bench_thread *t, int max);

/* utime + stime of pid in milliseconds (clock-tick resolution). -1 on
 * error. */
int64_t bench_cpu_ms(pid_t pid);

/* ---- the system under test --------------------------------------------- */

#define BENCH_SITE		"b"
#define BENCH_BOOT		"bench"	/* the simulated boards' boot id */
/* The simulated boards in the hub configs bench_hub_conf writes: the first
 * ones are configured (hub/conf.h allows 256 counters, one of them the
 * real counterd "c1"); the others are boards the hub does not know, whose
 * presses page the fallback (docs/HUB.md). */
#define BENCH_BOARDS_CONFIGURED	255
#define BENCH_ZONES		10

/* Wait for an "online" status on topic at m (the hub's when hub is 1, a
 * board's otherwise); other messages are dropped. 0, or -1 after
 * timeout_ms. */
int bench_await_online(struct mqtt *m, const char *topic, int hub,
    int timeout_ms);

/* A real counterd on the sim backend (debounce_ms on its one button
 * "main"), its status topic, and the socket that feeds it edges. */
struct bench_counterd {
	pid_t pid;
	int sim_fd;
	char sim_path[256];
	char t_status[256];
};

/* Write counterd.conf for counter, start bin/counterd and wait until the
 * watcher (subscribed to the status topic already) sees it online. 0 or
 * -1. */
int bench_counterd_start(struct bench_world *w, int port, const char *counter,
    int debounce_ms, struct mqtt *watcher, struct bench_counterd *c);
/* An edge on the sim socket: physical level (active low: 0 = pressed) at
 * t_ns (CLOCK_MONOTONIC). 0 or -1. */
int bench_counterd_edge(struct bench_counterd *c, int level, int64_t t_ns);
void bench_counterd_close(struct bench_counterd *c);

/* Write hub.conf for nboards simulated boards (see
 * BENCH_BOARDS_CONFIGURED) and the real counterd "c1": ten zones with a
 * supervisor each on a 24/7 shift, a manager "mgr" as fallback, the
 * timeouts and policies sections as given (libconfig text). Returns the
 * database's path or NULL. */
const char *bench_hub_conf(struct bench_world *w, int port, int nboards,
    const char *timeouts, const char *policies);
/* Start bin/hubd on hub.conf; the watcher, subscribed to the hub status
 * topic, waits until it is online. Returns its pid or -1. */
pid_t bench_hub_start(struct bench_world *w, struct mqtt *watcher);

/* Simulated board k's counter id, "s0042" (as bench_load names them). */
void bench_board_id(int k, char *buf, size_t size);
/* Publish board k's event seq (boot BENCH_BOOT) of kind as a press, QoS
 * 1, the way counterd does (docs/PROTOCOL.md 6.1). 0, or -1 when the
 * client refuses it (not connected, too many in flight). */
int bench_board_event(struct mqtt *m, int k, uint64_t seq, int kind);
/* If ev is a receipt for a simulated board's event: 1 with *k and *seq;
 * else 0. */
int bench_board_receipt(const struct mqtt_ev *ev, int *k, uint64_t *seq);

/* What a run of simulated boards hears: receipts on the boards' client,
 * pages (type page or cancel, decoded) on the pager's. */
struct bench_heard {
	void (*receipt)(void *arg, int k, uint64_t seq);
	void (*page)(void *arg, const struct proto_page *pg);
	void *arg;
};
/* Take messages from both clients until deadline (or the first after
 * it), handing receipts and pages to h; the rest are dropped. */
void bench_hear(struct mqtt *boards, struct mqtt *pager,
    const struct bench_heard *h, int64_t deadline);

/* Read-only queries of the hub's database beside the running hub (WAL):
 * one integer; or every row's first ncols integer columns to fn. 0 or -1. */
int bench_db_int(const char *path, const char *sql, int64_t *out);
int bench_db_rows(const char *path, const char *sql, int ncols,
    void (*fn)(void *arg, const int64_t *cols), void *arg);

/* ---- output ----------------------------------------------------------- */

/* Append one JSON object (the text between the braces) as a line to the
 * JSON file opened by bench_json_open. */
int bench_json_open(const char *path);
void bench_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_json_close(void);

/* Progress for people, on stderr: "bench <suite>: ...". */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A latency row for suite: n, median, p99, max (v is sorted), and each
 * divided by the floor's when floor is given; then the JSON line. */
void bench_row(const char *suite, const char *id, const char *label,
    int64_t *v, size_t n, const struct bench_stats *floor);
/* A memory row (MiB) for suite, and its JSON line. */
void bench_mem_row(const char *suite, const char *id, const char *label,
    const struct bench_mem *m);
void bench_set_suite(const char *name);

#endif
