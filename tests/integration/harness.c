/* harness.c: a private broker, the real binaries, an observer; see harness.h. */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "mqtt.h"
#include "outbox.h"
#include "sys.h"

#define H_MOSQUITTO "/usr/sbin/mosquitto"

const char *
h_path(struct harness *h, const char *name)
{
	return sys_path(h->dir, name);
}

const char *
h_write(struct harness *h, const char *name, const char *fmt, ...)
{
	const char *p;
	va_list ap;

	va_start(ap, fmt);
	p = sys_vwrite(h_path(h, name), fmt, ap);
	va_end(ap);
	return p;
}

char *
h_read(struct harness *h, const char *name)
{
	FILE *f = fopen(h_path(h, name), "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static void
h_track(struct harness *h, pid_t pid, const char *name)
{
	for (int i = 0; i < H_MAX_PROCS; i++) {
		if (h->procs[i].pid == 0) {
			h->procs[i].pid = pid;
			snprintf(h->procs[i].name, sizeof h->procs[i].name, "%s", name);
			return;
		}
	}
	fprintf(stderr, "# harness: too many processes\n");
}

static void
h_untrack(struct harness *h, pid_t pid)
{
	for (int i = 0; i < H_MAX_PROCS; i++)
		if (h->procs[i].pid == pid)
			h->procs[i].pid = 0;
}

static pid_t
h_vspawn(struct harness *h, const char *logname, const char *prog, va_list ap)
{
	char *argv[32], exe[512];
	int argc = 0;
	pid_t pid;

	if (strchr(prog, '/'))
		snprintf(exe, sizeof exe, "%s", prog);
	else
		snprintf(exe, sizeof exe, "%s/%s", h->bindir, prog);
	argv[argc++] = exe;
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char logpath[600];
		int fd;

		/* Die with the test, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(logpath, sizeof logpath, "%s/%s.log", h->dir, logname);
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (chdir(h->dir) < 0)
			_exit(126);
		execv(exe, argv);
		fprintf(stderr, "harness: exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		h_track(h, pid, logname);
	return pid;
}

pid_t
h_spawn(struct harness *h, const char *logname, const char *prog, ...)
{
	va_list ap;
	pid_t pid;

	va_start(ap, prog);
	pid = h_vspawn(h, logname, prog, ap);
	va_end(ap);
	return pid;
}

/* Waits last PANIC_TIME_SCALE times longer (default 1): make valgrind
 * runs the daemons many times slower, and a wait's deadline only bounds a
 * failure, so stretching it changes no passing test. */
int
h_scale(int ms)
{
	static int scale;

	if (!scale) {
		const char *s = getenv("PANIC_TIME_SCALE");

		scale = s && atoi(s) > 1 ? atoi(s) : 1;
	}
	return ms > INT32_MAX / scale ? INT32_MAX : ms * scale;
}

int
h_run(struct harness *h, const char *logname, int timeout_ms,
    const char *prog, ...)
{
	va_list ap;
	pid_t pid;
	int st;

	va_start(ap, prog);
	pid = h_vspawn(h, logname, prog, ap);
	va_end(ap);
	if (pid < 0)
		return -1;
	st = sys_reap(pid, h_scale(timeout_ms));
	if (st < 0) {
		kill(pid, SIGKILL);
		sys_reap(pid, 1000);
	}
	h_untrack(h, pid);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
h_kill(struct harness *h, pid_t pid, int sig)
{
	int st = 0;

	if (pid <= 0)
		return -1;
	kill(pid, sig);
	if (sig != SIGKILL && sig != SIGTERM && sig != SIGINT)
		return 0;
	st = sys_reap(pid, 5000);
	if (st < 0) {
		kill(pid, SIGKILL);
		st = sys_reap(pid, 2000);
	}
	h_untrack(h, pid);
	return st;
}

int
h_alive(struct harness *h, pid_t pid)
{
	int st;

	(void)h;
	return waitpid(pid, &st, WNOHANG) == 0;
}

static void h_pump_once(struct harness *h, int ms);

/* Publish a probe to ourselves until one comes back: then the observer's
 * subscription is surely active (the SUBACK may trail the CONNACK). */
static int
h_observer_probe(struct harness *h, int timeout_ms)
{
	char topic[64];

	snprintf(topic, sizeof topic, "harness/probe/%d", (int)getpid());
	for (int64_t end = clock_mono_ms() + h_scale(timeout_ms);
	    clock_mono_ms() < end;) {
		mqtt_publish(h->obs, topic, "p", 1, 1, 0, NULL);
		if (h_wait_msg(h, topic, 200))
			return 0;
	}
	return -1;
}

/* Wait until the observer is connected (again) and subscribed. Paho can
 * take up to a second to notice a new connection is up. */
static int
h_observer_wait(struct harness *h, int timeout_ms)
{
	for (int64_t end = clock_mono_ms() + h_scale(timeout_ms);
	    clock_mono_ms() < end;) {
		h_pump_once(h, 50);
		if (mqtt_is_connected(h->obs))
			return h_observer_probe(h, (int)(end - clock_mono_ms()));
	}
	return -1;
}

/* The shipped broker config with the test's paths and port: its
 * credentials in creds, loopback only, no persistence. */
static int
h_broker_conf_tls(struct harness *h, int port, const char *user)
{
	char src[512], line[512], *text = NULL;
	size_t len = 0;
	FILE *in, *out;

	snprintf(src, sizeof src, "%s/config/mosquitto/mosquitto.conf", h->top);
	if (!(in = fopen(src, "r")) || !(out = open_memstream(&text, &len))) {
		if (in)
			fclose(in);
		return -1;
	}
	while (fgets(line, sizeof line, in)) {
		char *p = strstr(line, "/etc/mosquitto/panic/");

		if (strncmp(line, "listener ", 9) == 0)
			fprintf(out, "listener %d 127.0.0.1\n", port);
		else if (strncmp(line, "persistence", 11) == 0 ||
		    strncmp(line, "autosave", 8) == 0)
			continue;
		else if (p)
			fprintf(out, "%.*s%s/%s", (int)(p - line), line, h->creds,
			    p + strlen("/etc/mosquitto/panic/"));
		else
			fputs(line, out);
	}
	fclose(in);
	fprintf(out, "persistence false\nuser %s\nlog_dest stderr\n"
	    "log_type error\nlog_type warning\nlog_type notice\n", user);
	fclose(out);
	src[0] = h_write(h, "mosquitto.conf", "%s", text) ? 0 : 1;
	free(text);
	return src[0] ? -1 : 0;
}

/* Start mosquitto on port and wait until it accepts connections. */
static int
h_broker_try(struct harness *h, int port)
{
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : "root";

	/* set_tcp_nodelay: see docs/PERFORMANCE.md (Nagle vs delayed ACK).
	 * "user": run as root, mosquitto would drop to user mosquitto, which
	 * clears PR_SET_PDEATHSIG and lets it outlive a crashed test. */
	if (h->tls ? h_broker_conf_tls(h, port, user) < 0 :
	    !h_write(h, "mosquitto.conf",
	    "listener %d 127.0.0.1\nallow_anonymous true\n"
	    "persistence false\nset_tcp_nodelay true\nuser %s\n"
	    "log_dest stderr\nlog_type error\nlog_type warning\n", port,
	    user))
		return -1;
	h->broker = h_spawn(h, "mosquitto", H_MOSQUITTO, "-c",
	    h_path(h, "mosquitto.conf"), (char *)NULL);
	for (int i = 0; i < 500; i++) {
		if (sys_port_open(port))
			return 0;
		if (!h_alive(h, h->broker))
			break;
		sys_sleep_ms(10);
	}
	h_kill(h, h->broker, SIGKILL);
	h->broker = 0;
	return -1;
}

/* The broker restarted: the observer back, and what the test retains. */
static int
h_broker_back(struct harness *h)
{
	if (!h->obs)
		return 0;
	if (h_observer_wait(h, 10000) < 0)
		return -1;
	if (h->retain_topic[0] && mqtt_publish(h->obs, h->retain_topic,
	    h->retain_payload, strlen(h->retain_payload), 1, 1, NULL) < 0)
		return -1;
	return 0;
}

int
h_retain(struct harness *h, const char *topic, const char *payload)
{
	snprintf(h->retain_topic, sizeof h->retain_topic, "%s", topic);
	snprintf(h->retain_payload, sizeof h->retain_payload, "%s", payload);
	return h_publish(h, topic, payload, strlen(payload), 1, 1);
}

int
h_broker_start(struct harness *h)
{
	/* A restart keeps its port (clients reconnect there); the first
	 * start picks a free one and retries if it lost a race for it. */
	if (h->port > 0) {
		for (int attempt = 0; attempt < 10; attempt++)
			if (h_broker_try(h, h->port) == 0)
				return h_broker_back(h);
		return -1;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		int port = sys_free_port();

		if (port > 0 && h_broker_try(h, port) == 0) {
			h->port = port;
			return 0;
		}
	}
	return -1;
}

void
h_broker_stop(struct harness *h)
{
	if (h->broker > 0)
		h_kill(h, h->broker, SIGKILL);
	h->broker = 0;
}

void
h_broker_pause(struct harness *h, int paused)
{
	if (h->broker > 0)
		kill(h->broker, paused ? SIGSTOP : SIGCONT);
}

static void
h_record(struct harness *h, struct mqtt_ev *ev)
{
	struct h_msg *m;

	if (h->nmsgs == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct h_msg *n = realloc(h->msgs, cap * sizeof *n);

		if (!n)
			return;
		h->msgs = n;
		h->cap = cap;
	}
	m = &h->msgs[h->nmsgs++];
	m->topic = ev->topic;
	m->payload = ev->payload;	/* mqtt.c allocates len + 1 */
	m->payload[ev->len] = '\0';
	m->len = ev->len;
	m->retained = ev->retained;
	m->t_ms = clock_mono_ms();
	m->seen = 0;
	ev->topic = NULL;
	ev->payload = NULL;
}

/* Drain the observer's events, waiting at most ms for the first. */
static void
h_pump_once(struct harness *h, int ms)
{
	struct pollfd pfd = { .fd = mqtt_fd(h->obs), .events = POLLIN };
	int64_t now = clock_mono_ms(), retry = mqtt_timeout_ms(h->obs, now);
	struct mqtt_ev ev;

	if (retry >= 0 && retry < ms)
		ms = (int)retry;
	poll(&pfd, 1, ms);
	mqtt_service(h->obs, clock_mono_ms());
	while (mqtt_next(h->obs, &ev)) {
		if (ev.type == MQTT_EV_MESSAGE)
			h_record(h, &ev);
		mqtt_ev_release(&ev);
	}
}

void
h_pump(struct harness *h, int ms)
{
	int64_t end = clock_mono_ms() + ms;

	for (int64_t now = clock_mono_ms(); now < end; now = clock_mono_ms())
		h_pump_once(h, (int)(end - now));
}

int
h_topic_match(const char *filter, const char *topic)
{
	while (*filter) {
		if (filter[0] == '#')
			return 1;
		if (filter[0] == '+') {
			while (*topic && *topic != '/')
				topic++;
			filter++;
			continue;
		}
		if (*filter != *topic)
			return 0;
		filter++;
		topic++;
	}
	return *topic == '\0';
}

const struct h_msg *
h_wait_msg(struct harness *h, const char *filter, int timeout_ms)
{
	int64_t end = clock_mono_ms() + h_scale(timeout_ms);
	size_t from = 0;

	for (;;) {
		for (size_t i = from; i < h->nmsgs; i++) {
			struct h_msg *m = &h->msgs[i];

			if (!m->seen && h_topic_match(filter, m->topic)) {
				m->seen = 1;
				return m;
			}
		}
		from = h->nmsgs;
		int64_t now = clock_mono_ms();
		if (now >= end)
			return NULL;
		h_pump_once(h, (int)(end - now));
	}
}

size_t
h_count(struct harness *h, const char *filter)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nmsgs; i++)
		n += h_topic_match(filter, h->msgs[i].topic);
	return n;
}

void
h_mark_seen(struct harness *h)
{
	h_pump(h, 0);
	for (size_t i = 0; i < h->nmsgs; i++)
		h->msgs[i].seen = 1;
}

int
h_publish(struct harness *h, const char *topic, const void *payload,
    size_t len, int qos, int retained)
{
	return mqtt_publish(h->obs, topic, payload, len, qos, retained, NULL);
}

int
h_wait_file(struct harness *h, const char *name, const char *needle,
    int timeout_ms)
{
	for (int64_t end = clock_mono_ms() + h_scale(timeout_ms);;) {
		char *s = h_read(h, name);
		int found = s && strstr(s, needle);

		free(s);
		if (found)
			return 1;
		if (clock_mono_ms() >= end)
			return 0;
		h_pump_once(h, 10);
	}
}

int
h_wait_log(struct harness *h, const char *logname, const char *needle,
    int timeout_ms)
{
	char name[64];

	snprintf(name, sizeof name, "%s.log", logname);
	return h_wait_file(h, name, needle, timeout_ms);
}

/* Run a scalar integer query; -1 on any error. */
static int64_t
h_sql_query(struct harness *h, const char *db, const char *sql)
{
	sqlite3 *d = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_open_v2(h_path(h, db), &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(d, 2000);
	if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "# harness: sql: %s: %s\n", sql, sqlite3_errmsg(d));
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	sqlite3_close(d);
	return v;
}

int64_t
h_sql_int(struct harness *h, const char *db, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return h_sql_query(h, db, sql);
}

int
h_wait_sql(struct harness *h, const char *db, int64_t want, int timeout_ms,
    const char *fmt, ...)
{
	char sql[2048];
	int64_t got = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	for (int64_t end = clock_mono_ms() + h_scale(timeout_ms);;) {
		if ((got = h_sql_query(h, db, sql)) == want)
			return 1;
		if (clock_mono_ms() >= end)
			break;
		h_pump_once(h, 20);
	}
	fprintf(stderr, "# harness: waited for %lld, got %lld: %s\n",
	    (long long)want, (long long)got, sql);
	return 0;
}

int
h_outbox_events(struct harness *h, const char *file, struct proto_event *evs,
    int max)
{
	char err[512];
	struct outbox *ob = outbox_open_readonly(h_path(h, file), NULL, err,
	    sizeof err);
	int n;

	if (!ob)
		return -1;
	n = outbox_pending(ob, 0, evs, max);
	outbox_close(ob);
	return n;
}

int64_t
h_outbox_count(struct harness *h, const char *file, const char *what)
{
	static struct proto_event evs[OUTBOX_PENDING_MAX];
	char ids[OUTBOX_DISCREET_MAX][PROTO_ID_MAX], err[512];
	struct outbox *ob;
	int64_t n = 0;
	int k;

	if (strcmp(what, "events") != 0 && strcmp(what, "discreet") != 0) {
		if ((k = h_outbox_events(h, file, evs, OUTBOX_PENDING_MAX)) < 0)
			return -1;
		for (int i = 0; i < k; i++)
			n += strcmp(evs[i].id, what) == 0;
		return n;
	}
	if (!(ob = outbox_open_readonly(h_path(h, file), NULL, err,
	    sizeof err)))
		return -1;
	if (strcmp(what, "events") == 0)
		n = outbox_count(ob);
	else
		n = outbox_discreet_list(ob, ids, OUTBOX_DISCREET_MAX);
	outbox_close(ob);
	return n;
}

int
h_wait_outbox(struct harness *h, const char *file, const char *what,
    int64_t want, int timeout_ms)
{
	int64_t got = -1;

	for (int64_t end = clock_mono_ms() + h_scale(timeout_ms);;) {
		if ((got = h_outbox_count(h, file, what)) == want)
			return 1;
		if (clock_mono_ms() >= end)
			break;
		h_pump_once(h, 20);
	}
	fprintf(stderr, "# harness: outbox %s: waited for %lld %s, got %lld\n",
	    file, (long long)want, what, (long long)got);
	return 0;
}

const char *
h_cred(struct harness *h, const char *name)
{
	return sys_path(h->creds, name);
}

int
h_tls_opts(struct harness *h, const char *user, const char *ca,
    struct mqtt_opts *o, char *pw, size_t pwsize)
{
	char name[96], *s;

	snprintf(name, sizeof name, "creds/%s.pass", user);
	if (!(s = h_read(h, name)))
		return -1;
	snprintf(pw, pwsize, "%s", s);
	pw[strcspn(pw, "\n")] = '\0';
	free(s);
	o->host = "127.0.0.1";
	o->port = h->port;
	o->tls = 1;
	o->ca_file = ca ? ca : h_cred(h, "ca.crt");
	o->username = user;
	o->password = pw;
	return 0;
}

static int
h_obs_connect(struct harness *h)
{
	struct mqtt_opts o = {
		.host = "127.0.0.1", .port = h->port, .clean_session = 1,
		.reconnect_min_ms = 50, .reconnect_max_ms = 500,
	};
	char id[64], pw[64], ca[300];

	snprintf(id, sizeof id, "h-observer-%d", (int)getpid());
	snprintf(ca, sizeof ca, "%s", h_cred(h, "ca.crt"));
	if (h->tls && h_tls_opts(h, "observer", ca, &o, pw, sizeof pw) < 0)
		return -1;
	o.client_id = id;
	if (!(h->obs = mqtt_new(&o)) || mqtt_subscribe(h->obs, "#", 1) < 0 ||
	    mqtt_connect(h->obs) < 0)
		return -1;
	return h_observer_wait(h, 5000);
}

/* The temp dir, the paths; no broker yet. */
static struct harness *
h_alloc(void)
{
	struct harness *h = calloc(1, sizeof *h);
	const char *tmp = getenv("TMPDIR"), *bin = getenv("PANIC_BIN");
	const char *top = getenv("PANIC_TOP");

	if (!h)
		return NULL;
	snprintf(h->dir, sizeof h->dir, "%s/panic-it.XXXXXX", tmp ? tmp : "/tmp");
	/* the processes run in the temp dir: these paths are absolute */
	if (top)
		snprintf(h->top, sizeof h->top, "%s", top);
	else if (!getcwd(h->top, sizeof h->top))
		snprintf(h->top, sizeof h->top, ".");
	if (!bin)
		snprintf(h->bindir, sizeof h->bindir, "%.200s/bin", h->top);
	else
		snprintf(h->bindir, sizeof h->bindir, "%s", bin);
	if (!mkdtemp(h->dir)) {
		fprintf(stderr, "# harness: mkdtemp: %s\n", strerror(errno));
		free(h);
		return NULL;
	}
	snprintf(h->creds, sizeof h->creds, "%s/creds", h->dir);
	return h;
}

struct harness *
h_new_tls(void)
{
	struct harness *h = h_alloc();

	if (h) {
		h->tls = 1;
		h->port = sys_free_port();
	}
	return h;
}

/* The observer's identity: mosquitto_passwd -b adds it to the branch's. */
static int
h_tls_observer(struct harness *h)
{
	FILE *f;
	char pw[40];

	snprintf(pw, sizeof pw, "obs%08x%08x", (unsigned)getpid(),
	    (unsigned)clock_mono_ns());
	if (!h_write(h, "creds/observer.pass", "%s\n", pw) ||
	    h_run(h, "credentials", 10000, "/usr/bin/mosquitto_passwd", "-b",
	    h_cred(h, "passwd"), "observer", pw, (char *)NULL) != 0 ||
	    !(f = fopen(h_cred(h, "acl"), "a")))
		return -1;
	fputs("\n# the test's observer\nuser observer\ntopic read #\n"
	    "topic readwrite harness/#\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

int
h_tls_start(struct harness *h)
{
	char script[512], panicctl[512];

	snprintf(script, sizeof script, "%s/tools/branch-credentials", h->top);
	snprintf(panicctl, sizeof panicctl, "%s/panicctl", h->bindir);
	if (h_run(h, "credentials", 20000, script, "-c", h_path(h, "hub.conf"),
	    "-o", h->creds, "--panicctl", panicctl, (char *)NULL) != 0 ||
	    h_tls_observer(h) < 0) {
		fprintf(stderr, "# harness: cannot make the credentials\n");
		return -1;
	}
	if (h_broker_start(h) < 0 || h_obs_connect(h) < 0) {
		fprintf(stderr, "# harness: TLS broker or observer failed\n");
		return -1;
	}
	return 0;
}

struct harness *
h_new(void)
{
	struct harness *h = h_alloc();

	if (!h)
		return NULL;
	if (h_broker_start(h) < 0) {
		fprintf(stderr, "# harness: cannot start %s\n", H_MOSQUITTO);
		h_free(h);
		return NULL;
	}
	if (h_obs_connect(h) < 0) {
		fprintf(stderr, "# harness: observer cannot connect\n");
		h_free(h);
		return NULL;
	}
	return h;
}

/* The names of the process logs (*.log) in the temp dir, sorted; a
 * NULL-terminated array to free with h_logs_free. Every process a test
 * started has one, however many boards or restarts it ran. */
static char **
h_logs(struct harness *h)
{
	struct dirent **ents = NULL;
	char **names;
	int n = scandir(h->dir, &ents, NULL, alphasort), k = 0;

	if (n < 0)
		return NULL;
	if ((names = calloc((size_t)n + 1, sizeof *names)) != NULL) {
		for (int i = 0; i < n; i++) {
			size_t len = strlen(ents[i]->d_name);

			if (len > 4 && strcmp(ents[i]->d_name + len - 4,
			    ".log") == 0)
				names[k++] = strndup(ents[i]->d_name, len - 4);
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return names;
}

static void
h_logs_free(char **names)
{
	for (int i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* Show the processes' logs as TAP comments: the runner prints a test's
 * output only when it failed, and then these say why. */
static void
h_dump_logs(struct harness *h)
{
	char **logs = h_logs(h);

	for (int i = 0; logs && logs[i]; i++) {
		char name[300], *s, *line, *save;

		snprintf(name, sizeof name, "%s.log", logs[i]);
		if (!(s = h_read(h, name)))
			continue;
		for (line = strtok_r(s, "\n", &save); line;
		    line = strtok_r(NULL, "\n", &save))
			fprintf(stderr, "# %s| %s\n", logs[i], line);
		free(s);
	}
	h_logs_free(logs);
}

/* 1 if s holds a line of valgrind's ("==PID== ..."): run with -q, as
 * make valgrind does, it says nothing but errors and leaks. */
static int
h_valgrind_report(const char *s)
{
	for (const char *p = s; (p = strstr(p, "==")) != NULL; p += 2) {
		const char *q = p + 2;

		if ((p != s && p[-1] != '\n') || *q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9')
			q++;
		if (strncmp(q, "== ", 3) == 0)
			return 1;
	}
	return 0;
}

/* 1 if a process log (the broker's aside) holds a sanitizer report, or
 * valgrind's. */
static int
h_sanitizer_report(struct harness *h)
{
	char **logs = h_logs(h);
	int found = 0;

	for (int i = 0; logs && logs[i]; i++) {
		char name[300], *s;

		if (strcmp(logs[i], "mosquitto") == 0)
			continue;
		snprintf(name, sizeof name, "%s.log", logs[i]);
		if (!(s = h_read(h, name)))
			continue;
		if (strstr(s, "AddressSanitizer") || strstr(s, "LeakSanitizer") ||
		    strstr(s, "runtime error:") || h_valgrind_report(s)) {
			fprintf(stderr, "# harness: sanitizer report in %s\n", name);
			found = 1;
		}
		free(s);
	}
	h_logs_free(logs);
	return found;
}

int
h_free(struct harness *h)
{
	int rc = 0;

	if (!h)
		return 0;
	if (h->obs)
		mqtt_free(h->obs);
	/* SIGTERM first: the daemons shut down cleanly, so a sanitizer build
	 * gets to check for leaks at exit; SIGKILL whatever does not stop. */
	for (int i = 0; i < H_MAX_PROCS; i++) {
		if (h->procs[i].pid > 0 && h->procs[i].pid != h->broker)
			kill(h->procs[i].pid, SIGCONT);
	}
	for (int i = 0; i < H_MAX_PROCS; i++) {
		if (h->procs[i].pid > 0 && h->procs[i].pid != h->broker) {
			kill(h->procs[i].pid, SIGTERM);
			if (sys_reap(h->procs[i].pid, 3000) < 0) {
				kill(h->procs[i].pid, SIGKILL);
				sys_reap(h->procs[i].pid, 2000);
			}
			h->procs[i].pid = 0;
		}
	}
	h_broker_stop(h);
	if (h_sanitizer_report(h))
		rc = -1;
	if (!h->quiet || rc < 0)
		h_dump_logs(h);
	if (!getenv("HARNESS_KEEP"))
		sys_rm_tree(h->dir);
	else
		fprintf(stderr, "# harness: kept %s\n", h->dir);
	for (size_t i = 0; i < h->nmsgs; i++) {
		free(h->msgs[i].topic);
		free(h->msgs[i].payload);
	}
	free(h->msgs);
	free(h);
	return rc;
}
