/* bench.c: the private world, clients, statistics and /proc readings that
 * the bench programs share; see bench.h. */
#include "bench.h"
#include "clock.h"
#include "proto.h"
#include "sys.h"

#include <sqlite3.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_MOSQUITTO "/usr/sbin/mosquitto"

volatile int bench_stopping;

static const char *bench_suite = "bench";
static FILE *bench_jf;

static void
bench_on_signal(int sig)
{
	(void)sig;
	bench_stopping = 1;
}

void
bench_signals(void)
{
	struct sigaction sa = { .sa_handler = bench_on_signal };

	/* no SA_RESTART: a poll in the main thread returns at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
bench_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (!bench_stopping && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void
bench_set_suite(const char *name)
{
	bench_suite = name;
}

void
bench_note(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench %s: ", bench_suite);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- the private world ------------------------------------------------ */

int
bench_world_init(struct bench_world *w, const char *what, const char *bindir)
{
	const char *tmp = getenv("TMPDIR");

	memset(w, 0, sizeof *w);
	snprintf(w->bindir, sizeof w->bindir, "%s", bindir);
	snprintf(w->dir, sizeof w->dir, "%s/%s.XXXXXX", tmp && *tmp ? tmp :
	    "/tmp", what);
	if (!mkdtemp(w->dir)) {
		bench_note("mkdtemp %s: %s", w->dir, strerror(errno));
		w->dir[0] = '\0';
		return -1;
	}
	return 0;
}

const char *
bench_path(struct bench_world *w, const char *name)
{
	return sys_path(w->dir, name);
}

const char *
bench_write(struct bench_world *w, const char *name, const char *fmt, ...)
{
	const char *p;
	va_list ap;

	va_start(ap, fmt);
	p = sys_vwrite(bench_path(w, name), fmt, ap);
	va_end(ap);
	return p;
}

pid_t
bench_spawn(struct bench_world *w, const char *log, const char *exe,
    const char *const *args)
{
	char *argv[32], path[PATH_MAX];
	int argc = 0, slot = -1;
	pid_t pid;

	for (int i = 0; i < BENCH_PROCS_MAX && slot < 0; i++)
		if (w->procs[i] == 0)
			slot = i;
	if (slot < 0)
		return -1;
	/* the child runs in the world's directory */
	if (exe[0] != '/') {
		if (!realpath(exe, path)) {
			bench_note("%s: %s", exe, strerror(errno));
			return -1;
		}
		exe = path;
	}
	argv[argc++] = (char *)(uintptr_t)exe;
	for (; args && *args && argc < 31; args++)
		argv[argc++] = (char *)(uintptr_t)*args;
	argv[argc] = NULL;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		char logpath[600];
		int fd;

		/* dies with us, however we die */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		snprintf(logpath, sizeof logpath, "%s/%s.log", w->dir, log);
		if ((fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (chdir(w->dir) < 0)
			_exit(126);
		execv(exe, argv);
		fprintf(stderr, "bench: exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		w->procs[slot] = pid;
	return pid;
}

int
bench_stop(struct bench_world *w, pid_t pid, int timeout_ms)
{
	int st;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	if ((st = sys_reap(pid, timeout_ms)) < 0) {
		kill(pid, SIGKILL);
		st = sys_reap(pid, 2000);
	}
	for (int i = 0; i < BENCH_PROCS_MAX; i++)
		if (w->procs[i] == pid)
			w->procs[i] = 0;
	return st;
}

int
bench_log_count(struct bench_world *w, const char *log, const char *needle)
{
	char name[64], line[512];
	FILE *f;
	int n = 0;

	snprintf(name, sizeof name, "%s.log", log);
	if (!(f = fopen(bench_path(w, name), "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

int
bench_wait_log(struct bench_world *w, const char *log, const char *needle,
    int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms && !bench_stopping;
	    waited += 10) {
		if (bench_log_count(w, log, needle) > 0)
			return 0;
		bench_sleep_ms(10);
	}
	bench_note("%s.log: no \"%s\" within %d ms", log, needle, timeout_ms);
	return -1;
}

/* The last lines of every log in the world, to say why a run failed. */
static void
bench_tails(struct bench_world *w)
{
	glob_t g;

	if (glob(bench_path(w, "*.log"), 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char cmd[700];

		fprintf(stderr, "--- %s\n", strrchr(g.gl_pathv[i], '/') + 1);
		fflush(stderr);
		snprintf(cmd, sizeof cmd, "tail -n 15 '%s' >&2", g.gl_pathv[i]);
		if (system(cmd) != 0)
			fprintf(stderr, "(cannot read it)\n");
	}
	globfree(&g);
}

void
bench_world_free(struct bench_world *w, int failed)
{
	for (int i = 0; i < BENCH_PROCS_MAX; i++) {
		if (w->procs[i] <= 0)
			continue;
		kill(w->procs[i], SIGKILL);
		sys_reap(w->procs[i], 2000);
		w->procs[i] = 0;
	}
	if (!w->dir[0])
		return;
	if (failed)
		bench_tails(w);
	if (getenv("BENCH_KEEP"))
		bench_note("kept %s", w->dir);
	else
		sys_rm_tree(w->dir);
	w->dir[0] = '\0';
}

int
bench_broker(struct bench_world *w, const char *name, int nodelay, pid_t *pid)
{
	char conf[64];
	const char *args[] = { "-c", NULL, NULL };
	const struct passwd *pw = getpwuid(geteuid());

	snprintf(conf, sizeof conf, "%s.conf", name);
	/* A free port may be taken between our look and the broker's bind:
	 * then the broker exits and we try another. */
	for (int attempt = 0; attempt < 5; attempt++) {
		int port = sys_free_port(), status;

		/* As root, mosquitto would change to its own user, and a
		 * change of credentials clears PR_SET_PDEATHSIG: stay us. */
		if (port < 0 || !bench_write(w, conf,
		    "user %s\nlistener %d 127.0.0.1\nallow_anonymous true\n"
		    "persistence false\nset_tcp_nodelay %s\n"
		    "max_queued_messages 10000\nmax_inflight_messages 0\n"
		    "log_dest stderr\nlog_type error\nlog_type warning\n",
		    pw ? pw->pw_name : "root", port, nodelay ? "true" : "false"))
			return -1;
		args[1] = bench_path(w, conf);
		if ((*pid = bench_spawn(w, name, BENCH_MOSQUITTO, args)) < 0)
			return -1;
		for (int i = 0; i < 500; i++) {
			if (sys_port_open(port))
				return port;
			if (waitpid(*pid, &status, WNOHANG) == *pid)
				break;
			bench_sleep_ms(10);
		}
		bench_stop(w, *pid, 0);
	}
	bench_note("cannot start %s", BENCH_MOSQUITTO);
	return -1;
}

void
bench_broker_version(char *buf, size_t size)
{
	FILE *p = popen(BENCH_MOSQUITTO " -h 2>&1", "r");

	snprintf(buf, size, "unknown");
	if (!p)
		return;
	if (fgets(buf, (int)size, p))
		buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
}

/* ---- clients ---------------------------------------------------------- */

void
bench_self_topic(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "bench/self/%s", id);
}

int
bench_next_any(struct mqtt *const *ms, int n, struct mqtt_ev *ev, int *which,
    int64_t deadline_ns)
{
	struct pollfd pfd[4];
	int np = 0;

	for (int i = 0; i < n && np < 4; i++)
		if (ms[i])
			pfd[np++] = (struct pollfd){ .fd = mqtt_fd(ms[i]),
			    .events = POLLIN };
	for (;;) {
		int64_t now, left_ms, now_ms;

		for (int i = 0; i < n; i++) {
			if (ms[i] && mqtt_next(ms[i], ev)) {
				*which = i;
				return 1;
			}
		}
		now = bench_now_ns();
		if (now >= deadline_ns || bench_stopping)
			return 0;
		/* wake at least every 100 ms to notice a stop */
		left_ms = (deadline_ns - now + BENCH_NS_PER_MS - 1) / BENCH_NS_PER_MS;
		if (left_ms > 100)
			left_ms = 100;
		now_ms = now / BENCH_NS_PER_MS;
		for (int i = 0; i < n; i++) {
			int64_t retry = ms[i] ? mqtt_timeout_ms(ms[i], now_ms) : -1;

			if (retry >= 0 && retry < left_ms)
				left_ms = retry;
		}
		poll(pfd, (nfds_t)np, (int)left_ms);
		now_ms = bench_now_ns() / BENCH_NS_PER_MS;
		for (int i = 0; i < n; i++)
			if (ms[i])
				mqtt_service(ms[i], now_ms);
	}
}

int
bench_next(struct mqtt *m, struct mqtt_ev *ev, int64_t deadline_ns)
{
	int which;

	return bench_next_any(&m, 1, ev, &which, deadline_ns);
}

/* Wait for a message on topic with exactly payload; others are dropped. */
static int
bench_await(struct mqtt *m, const char *topic, const char *payload,
    int64_t deadline_ns)
{
	struct mqtt_ev ev;
	size_t len = strlen(payload);

	while (bench_next(m, &ev, deadline_ns)) {
		int hit = ev.type == MQTT_EV_MESSAGE && strcmp(ev.topic, topic) == 0 &&
		    ev.len == len && memcmp(ev.payload, payload, len) == 0;

		mqtt_ev_release(&ev);
		if (hit)
			return 0;
	}
	return -1;
}

struct mqtt *
bench_client(int port, const char *id, const char *const *filters,
    int nfilters)
{
	struct mqtt_opts o = {
		.host = "127.0.0.1", .port = port, .client_id = id,
		.keepalive_s = 60, .clean_session = 1,
		.reconnect_min_ms = 50, .reconnect_max_ms = 500,
	};
	char self[128];
	struct mqtt *m = mqtt_new(&o);
	int64_t end = bench_now_ns() + 10000 * BENCH_NS_PER_MS;

	bench_self_topic(id, self, sizeof self);
	if (!m) {
		bench_note("client %s: mqtt: %s", id, mqtt_error());
		return NULL;
	}
	if (mqtt_subscribe(m, self, 1) < 0)
		goto err;
	for (int i = 0; i < nfilters; i++)
		if (mqtt_subscribe(m, filters[i], 1) < 0)
			goto err;
	if (mqtt_connect(m) < 0)
		goto err;
	/* The SUBACKs are not reported: a probe that comes back shows the
	 * subscriptions (issued in order, before it) are in force. */
	while (!mqtt_is_connected(m)) {
		struct mqtt_ev ev;

		if (!bench_next(m, &ev, end))
			goto err;
		mqtt_ev_release(&ev);
	}
	for (int tries = 0; tries < 20; tries++) {
		if (mqtt_publish(m, self, "probe", 5, 1, 0, NULL) == 0 &&
		    bench_await(m, self, "probe", bench_now_ns() +
		    500 * BENCH_NS_PER_MS) == 0)
			return m;
		if (bench_stopping || bench_now_ns() > end)
			break;
	}
err:
	bench_note("client %s: cannot connect to 127.0.0.1:%d", id, port);
	mqtt_free(m);
	return NULL;
}

int
bench_tcp_nodelay(int port, int on)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int changed = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss, tl;
		int fd, type;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		tl = sizeof type;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
		    type != SOCK_STREAM ||
		    getpeername(fd, (struct sockaddr *)&ss, &sl) < 0 ||
		    ss.ss_family != AF_INET ||
		    ntohs(((struct sockaddr_in *)&ss)->sin_port) != port)
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0)
			changed++;
	}
	closedir(d);
	return changed;
}

int
bench_round_trips(struct mqtt *m, const char *pub, const char *sub,
    int warmup, int n, int64_t *rtt_ns)
{
	char payload[32];

	for (int i = -warmup; i < n; i++) {
		int64_t t0;

		snprintf(payload, sizeof payload, "rt %d", i);
		t0 = bench_now_ns();
		if (mqtt_publish(m, pub, payload, strlen(payload), 1, 0,
		    NULL) < 0 || bench_await(m, sub, payload,
		    t0 + 5000 * BENCH_NS_PER_MS) < 0) {
			bench_note("round trip %d via %s: no answer on %s", i,
			    pub, sub);
			return -1;
		}
		if (i >= 0)
			rtt_ns[i] = bench_now_ns() - t0;
	}
	return 0;
}

/* ---- statistics ------------------------------------------------------- */

static int
bench_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void
bench_stats(int64_t *v, size_t n, struct bench_stats *st)
{
	double sum = 0;
	size_t rank;

	memset(st, 0, sizeof *st);
	st->n = n;
	if (n == 0)
		return;
	qsort(v, n, sizeof *v, bench_cmp);
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	rank = (99 * n + 99) / 100;	/* ceil(0.99 n), 1-based */
	st->min_ms = (double)v[0] / 1e6;
	st->median_ms = (n % 2 ? (double)v[n / 2] :
	    ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2) / 1e6;
	st->p99_ms = (double)v[rank - 1] / 1e6;
	st->max_ms = (double)v[n - 1] / 1e6;
	st->mean_ms = sum / (double)n / 1e6;
}

/* ---- /proc ------------------------------------------------------------ */

/* The number after "key:" in a "key: value" file, or -1. */
static long
bench_proc_field(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Rss and Pss of the mappings whose path contains one of the needles. */
static void
bench_smaps_libs(pid_t pid, const char *const *needles, long *rss_kb,
    long *pss_kb)
{
	char path[64], line[512];
	FILE *f;
	int in = 0;

	*rss_kb = *pss_kb = 0;
	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		long v;

		/* A mapping's header line, "addr-addr perms off dev inode
		 * path", starts with a lower-case hex digit; its fields
		 * ("Rss:") with a capital. */
		if ((line[0] >= '0' && line[0] <= '9') ||
		    (line[0] >= 'a' && line[0] <= 'f')) {
			in = 0;
			for (const char *const *n = needles; *n; n++)
				in |= strstr(line, *n) != NULL;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Rss: %ld kB", &v) == 1)
			*rss_kb += v;
		else if (sscanf(line, "Pss: %ld kB", &v) == 1)
			*pss_kb += v;
	}
	fclose(f);
}

int
bench_mem_read(pid_t pid, struct bench_mem *m)
{
	static const char *const tls[] = { "libcrypto", "libssl", NULL };
	static const char *const sqlite[] = { "libsqlite3", NULL };
	char path[64];
	long ignored;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	m->rss_kb = bench_proc_field(path, "VmRSS");
	m->hwm_kb = bench_proc_field(path, "VmHWM");
	m->anon_kb = bench_proc_field(path, "RssAnon");
	m->file_kb = bench_proc_field(path, "RssFile");
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	m->pss_kb = bench_proc_field(path, "Pss");
	bench_smaps_libs(pid, tls, &m->tls_rss_kb, &m->tls_pss_kb);
	bench_smaps_libs(pid, sqlite, &m->sqlite_rss_kb, &ignored);
	return m->rss_kb < 0 ? -1 : 0;
}

static void
bench_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

int
bench_threads_read(pid_t pid, struct bench_thread *t, int max)
{
	char path[96], line[128];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return -1;
	while ((de = readdir(d)) != NULL && n < max) {
		struct bench_thread *x = &t[n];
		unsigned long long run, wait, slices;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		memset(x, 0, sizeof *x);
		x->tid = (pid_t)atoi(de->d_name);
		snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid,
		    (int)x->tid);
		bench_read_line(path, x->comm, sizeof x->comm);
		snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat",
		    (int)pid, (int)x->tid);
		bench_read_line(path, line, sizeof line);
		if (sscanf(line, "%llu %llu %llu", &run, &wait, &slices) == 3) {
			x->run_ns = run;
			x->slices = slices;
		}
		snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid,
		    (int)x->tid);
		x->vol = (uint64_t)bench_proc_field(path, "voluntary_ctxt_switches");
		x->invol = (uint64_t)bench_proc_field(path,
		    "nonvoluntary_ctxt_switches");
		n++;
	}
	closedir(d);
	return n;
}

int64_t
bench_cpu_ms(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	bench_read_line(path, buf, sizeof buf);
	/* the command name may hold spaces: count fields after its ')' */
	if (!(p = strrchr(buf, ')')) || hz <= 0)
		return -1;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (int64_t)(ut + st) * 1000 / hz;
}

/* ---- the system under test --------------------------------------------- */

int
bench_await_online(struct mqtt *m, const char *topic, int hub, int timeout_ms)
{
	int64_t end = bench_now_ns() + timeout_ms * BENCH_NS_PER_MS;
	struct mqtt_ev ev;

	while (bench_next(m, &ev, end)) {
		int online = 0;

		if (ev.type == MQTT_EV_MESSAGE && strcmp(ev.topic, topic) == 0) {
			struct proto_hub_status hs;
			struct proto_status st;

			online = hub ? proto_decode_hub_status((char *)ev.payload,
			    ev.len, &hs, NULL) == 0 && hs.online :
			    proto_decode_status((char *)ev.payload, ev.len, &st,
			    NULL) == 0 && st.online;
		}
		mqtt_ev_release(&ev);
		if (online)
			return 0;
	}
	bench_note("no online status on %s", topic);
	return -1;
}

int
bench_counterd_start(struct bench_world *w, int port, const char *counter,
    int debounce_ms, struct mqtt *watcher, struct bench_counterd *c)
{
	const char *args[] = { "-c", NULL, NULL };
	char exe[512];

	memset(c, 0, sizeof *c);
	c->sim_fd = -1;
	snprintf(c->sim_path, sizeof c->sim_path, "%s", bench_path(w,
	    "sim.sock"));
	proto_topic_build(c->t_status, sizeof c->t_status, NULL, BENCH_SITE,
	    PROTO_TOPIC_STATUS, counter);
	if (!bench_write(w, "counterd.conf",
	    "site = \"" BENCH_SITE "\";\ncounter = \"%s\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 15; };\n"
	    "outbox = \"%s\";\nheartbeat_s = 30;\nlog_level = \"info\";\n"
	    "gpio = { backend = \"sim\"; sim_socket = \"%s\"; };\n"
	    "buttons = ( { name = \"main\"; debounce_ms = %d; } );\n"
	    "outputs = ( { name = \"desk\"; role = \"status\"; } );\n",
	    counter, port, bench_path(w, "outbox.journal"), c->sim_path,
	    debounce_ms))
		return -1;
	args[1] = bench_path(w, "counterd.conf");
	snprintf(exe, sizeof exe, "%s/counterd", w->bindir);
	if ((c->pid = bench_spawn(w, "counterd", exe, args)) < 0 ||
	    bench_await_online(watcher, c->t_status, 0, 10000) < 0)
		return -1;
	c->sim_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return c->sim_fd < 0 ? -1 : 0;
}

int
bench_counterd_edge(struct bench_counterd *c, int level, int64_t t_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[64];
	int n = snprintf(buf, sizeof buf, "main %d %lld\n", level,
	    (long long)t_ns);

	if (strlen(c->sim_path) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, c->sim_path, strlen(c->sim_path) + 1);
	return sendto(c->sim_fd, buf, (size_t)n, 0, (struct sockaddr *)&sa,
	    sizeof sa) == n ? 0 : -1;
}

void
bench_counterd_close(struct bench_counterd *c)
{
	if (c->sim_fd >= 0)
		close(c->sim_fd);
	c->sim_fd = -1;
}

void
bench_board_id(int k, char *buf, size_t size)
{
	snprintf(buf, size, "s%04d", k);
}

const char *
bench_hub_conf(struct bench_world *w, int port, int nboards,
    const char *timeouts, const char *policies)
{
	int ncfg = nboards < BENCH_BOARDS_CONFIGURED ? nboards :
	    BENCH_BOARDS_CONFIGURED;
	const char *db = bench_path(w, "hub.db");
	char *text = NULL, id[16];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	fprintf(f, "site = \"" BENCH_SITE "\";\ntimezone = \"UTC\";\n"
	    "database = \"%s\";\nlog_level = \"info\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 15; };\n"
	    "timeouts = { %s };\nfallback = [ \"role:manager\" ];\npeople = (\n"
	    "  { id = \"mgr\"; name = \"Manager\"; roles = [ \"manager\" ]; },\n"
	    "  { id = \"fac\"; name = \"Facility\"; roles = [ \"facility\" ]; }",
	    db, port, timeouts);
	for (int z = 0; z < BENCH_ZONES; z++)
		fprintf(f, ",\n  { id = \"sup%d\"; name = \"Supervisor %d\";"
		    " roles = [ \"supervisor\" ]; }", z, z);
	fprintf(f, " );\nzones = (");
	for (int z = 0; z < BENCH_ZONES; z++)
		fprintf(f, "%s { id = \"z%d\"; name = \"Zone %d\"; }", z ? "," :
		    "", z, z);
	fprintf(f, " );\ncounters = (\n  { id = \"c1\"; label = \"1\"; zone ="
	    " \"z0\"; }");
	for (int k = 0; k < ncfg; k++) {
		bench_board_id(k, id, sizeof id);
		fprintf(f, ",\n  { id = \"%s\"; label = \"%s\"; zone = \"z%d\"; }",
		    id, id, k % BENCH_ZONES);
	}
	fprintf(f, " );\nshifts = (");
	for (int z = 0; z < BENCH_ZONES; z++)
		fprintf(f, "%s\n  { zone = \"z%d\"; days = [ \"mon\", \"tue\","
		    " \"wed\", \"thu\", \"fri\", \"sat\", \"sun\" ]; from ="
		    " \"00:00\"; to = \"24:00\"; supervisor = \"sup%d\"; }",
		    z ? "," : "", z, z);
	fprintf(f, " );\npolicies = %s;\n", policies);
	if (fclose(f) != 0 || !bench_write(w, "hub.conf", "%s", text))
		db = NULL;
	free(text);
	return db;
}

pid_t
bench_hub_start(struct bench_world *w, struct mqtt *watcher)
{
	const char *args[] = { "-c", bench_path(w, "hub.conf"), NULL };
	char exe[512], topic[PROTO_TOPIC_MAX];
	pid_t pid;

	snprintf(exe, sizeof exe, "%s/hubd", w->bindir);
	proto_topic_build(topic, sizeof topic, NULL, BENCH_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
	if ((pid = bench_spawn(w, "hubd", exe, args)) < 0 ||
	    bench_await_online(watcher, topic, 1, 10000) < 0)
		return -1;
	return pid;
}

int
bench_board_event(struct mqtt *m, int k, uint64_t seq, int kind)
{
	struct proto_event ev = { .seq = seq, .kind = (enum proto_kind)kind,
	    .gesture = PROTO_GESTURE_PRESS, .pressed_ms = clock_wall_ms(),
	    .held_ms = -1, .attempt = 1 };
	char topic[PROTO_TOPIC_MAX], buf[1024];
	int n;

	bench_board_id(k, ev.counter, sizeof ev.counter);
	snprintf(ev.boot, sizeof ev.boot, BENCH_BOOT);
	snprintf(ev.button, sizeof ev.button, "main");
	if (proto_event_make_id(&ev) < 0 ||
	    proto_topic_build(topic, sizeof topic, NULL, BENCH_SITE,
	    PROTO_TOPIC_EVENT, ev.counter) < 0 ||
	    (n = proto_encode_event(&ev, buf, sizeof buf)) < 0)
		return -1;
	return mqtt_publish(m, topic, buf, (size_t)n, 1, 0, NULL);
}

int
bench_board_receipt(const struct mqtt_ev *ev, int *k, uint64_t *seq)
{
	struct proto_feedback fb;
	unsigned long long s;
	char boot[PROTO_ID_MAX];

	if (ev->type != MQTT_EV_MESSAGE || !strstr(ev->topic, "/feedback") ||
	    proto_decode_feedback((char *)ev->payload, ev->len, &fb,
	    NULL) < 0 || fb.type != PROTO_FEEDBACK_RECEIPT ||
	    sscanf(fb.event, "s%d:%32[^:]:%llu", k, boot, &s) != 3 ||
	    strcmp(boot, BENCH_BOOT) != 0)
		return 0;
	*seq = s;
	return 1;
}

void
bench_hear(struct mqtt *boards, struct mqtt *pager,
    const struct bench_heard *h, int64_t deadline)
{
	struct mqtt *const ms[2] = { boards, pager };
	struct mqtt_ev ev;
	int which, k;
	uint64_t seq;

	while (bench_next_any(ms, 2, &ev, &which, deadline)) {
		struct proto_page pg;

		if (which == 0 && bench_board_receipt(&ev, &k, &seq))
			h->receipt(h->arg, k, seq);
		else if (which == 1 && ev.type == MQTT_EV_MESSAGE &&
		    proto_decode_page((char *)ev.payload, ev.len, &pg,
		    NULL) == 0)
			h->page(h->arg, &pg);
		mqtt_ev_release(&ev);
		if (bench_now_ns() >= deadline)
			break;
	}
}

int
bench_db_rows(const char *path, const char *sql, int ncols,
    void (*fn)(void *arg, const int64_t *cols), void *arg)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t cols[16];
	int rc = -1, step;

	if (ncols > 16 || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK)
		goto out;
	/* the hub holds its write lock only while it commits */
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			cols[i] = sqlite3_column_int64(st, i);
		fn(arg, cols);
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	if (rc < 0)
		bench_note("database %s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static void
bench_db_one(void *arg, const int64_t *cols)
{
	*(int64_t *)arg = cols[0];
}

int
bench_db_int(const char *path, const char *sql, int64_t *out)
{
	*out = -1;
	return bench_db_rows(path, sql, 1, bench_db_one, out);
}

/* ---- output ----------------------------------------------------------- */

int
bench_json_open(const char *path)
{
	if (!path)
		return 0;
	if (!(bench_jf = fopen(path, "a"))) {
		bench_note("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
bench_json(const char *fmt, ...)
{
	va_list ap;

	if (!bench_jf)
		return;
	fputc('{', bench_jf);
	va_start(ap, fmt);
	vfprintf(bench_jf, fmt, ap);
	va_end(ap);
	fputs("}\n", bench_jf);
	fflush(bench_jf);
}

void
bench_json_close(void)
{
	if (bench_jf)
		fclose(bench_jf);
	bench_jf = NULL;
}

void
bench_row(const char *suite, const char *id, const char *label, int64_t *v,
    size_t n, const struct bench_stats *floor)
{
	struct bench_stats st;
	char ratio[32] = "";

	bench_stats(v, n, &st);
	if (floor && floor->median_ms > 0 && floor->p99_ms > 0)
		snprintf(ratio, sizeof ratio, "%.1fx / %.1fx", st.median_ms /
		    floor->median_ms, st.p99_ms / floor->p99_ms);
	printf("  %-44s %5zu %9.3f %9.3f %9.3f  %s\n", label, n, st.median_ms,
	    st.p99_ms, st.max_ms, ratio);
	bench_json("\"suite\":\"%s\",\"id\":\"%s\",\"label\":\"%s\","
	    "\"unit\":\"ms\",\"n\":%zu,\"median\":%.4f,\"p99\":%.4f,"
	    "\"max\":%.4f,\"min\":%.4f,\"mean\":%.4f,\"vs_floor_median\":%.2f,"
	    "\"vs_floor_p99\":%.2f", suite, id, label, n, st.median_ms,
	    st.p99_ms, st.max_ms, st.min_ms, st.mean_ms,
	    floor && floor->median_ms > 0 ? st.median_ms / floor->median_ms : 0,
	    floor && floor->p99_ms > 0 ? st.p99_ms / floor->p99_ms : 0);
}

void
bench_mem_row(const char *suite, const char *id, const char *label,
    const struct bench_mem *m)
{
	printf("  %-44s %8.2f %8.2f %8.2f %8.2f\n", label, m->rss_kb / 1024.0,
	    m->hwm_kb / 1024.0, m->pss_kb / 1024.0, m->anon_kb / 1024.0);
	bench_json("\"suite\":\"%s\",\"id\":\"%s\",\"label\":\"%s\","
	    "\"unit\":\"kB\",\"vm_rss\":%ld,\"vm_hwm\":%ld,\"pss\":%ld,"
	    "\"rss_anon\":%ld,\"rss_file\":%ld", suite, id, label, m->rss_kb,
	    m->hwm_kb, m->pss_kb, m->anon_kb, m->file_kb);
}
