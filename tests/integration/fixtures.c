/* fixtures.c: daemon configs and common steps for integration tests. */
#include "fixtures.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "proto.h"

/* Wait for the next message on the topic of type for name (a counter or a
 * person). NULL on timeout. */
static const struct h_msg *
next_msg(struct harness *h, enum proto_topic_type type, const char *name,
    int timeout_ms)
{
	char topic[PROTO_TOPIC_MAX];

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, type, name);
	return h_wait_msg(h, topic, timeout_ms);
}

/* The broker section's TLS keys and identity for user, in buf; "" when
 * the harness runs plain TCP. */
static const char *
fx_login(struct harness *h, const char *user, char *buf, size_t size)
{
	char pass[96];

	buf[0] = '\0';
	if (!h->tls)
		return buf;
	snprintf(pass, sizeof pass, "%s.pass", user);
	snprintf(buf, size, " tls = true; ca_file = \"%s\"; username = \"%s\";"
	    " password_file = \"%s\";", h_cred(h, "ca.crt"), user,
	    h_cred(h, pass));
	return buf;
}

/* fx_login for counter's board: user counter-<counter>. */
static const char *
fx_counter_login(struct harness *h, const char *counter, char *buf,
    size_t size)
{
	char user[64];

	snprintf(user, sizeof user, "counter-%s", counter);
	return fx_login(h, user, buf, size);
}

const char *
fx_counter_conf(struct harness *h, const char *counter, const char *extra)
{
	char name[64], sock[64], db[64], login[1024];

	snprintf(name, sizeof name, "%s.conf", counter);
	snprintf(sock, sizeof sock, "%s.sock", counter);
	snprintf(db, sizeof db, "%s.outbox", counter);
	return h_write(h, name,
	    "site = \"" FX_SITE "\";\n"
	    "counter = \"%s\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 5;%s };\n"
	    "outbox = \"%s\";\n"
	    "heartbeat_s = 30;\n"
	    "confirm_timeout_s = 2;\n"
	    "log_level = \"debug\";\n"
	    "gpio = { backend = \"sim\"; sim_socket = \"%s\"; };\n"
	    "buttons = ( { name = \"main\"; short = \"help\";"
	    " long = \"emergency\"; long_ms = 600; } );\n"
	    "outputs = ( { name = \"desk\"; role = \"status\"; },\n"
	    "  { name = \"sounder\"; role = \"fallback\"; } );\n"
	    "%s\n",
	    counter, h->port, fx_counter_login(h, counter, login, sizeof login),
	    h_path(h, db), h_path(h, sock), extra ? extra : "");
}

/* Wait for counter's retained "online" status from pid, which is killed
 * if none comes. Returns pid or -1. */
static pid_t
counter_online(struct harness *h, const char *counter, pid_t pid)
{
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;

	if (pid < 0)
		return -1;
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, counter);
	while ((m = h_wait_msg(h, topic, 10000)) != NULL) {
		struct proto_status st;

		if (proto_decode_status((const char *)m->payload, m->len, &st,
		    NULL) == 0 && st.online)
			return pid;
	}
	h_kill(h, pid, SIGKILL);
	return -1;
}

pid_t
fx_counter_start(struct harness *h, const char *counter)
{
	char conf[64];

	snprintf(conf, sizeof conf, "%s.conf", counter);
	return counter_online(h, counter, h_spawn(h, "counterd", "counterd",
	    "-c", h_path(h, conf), (char *)NULL));
}

int
fx_press(struct harness *h, const char *counter, int hold_ms)
{
	char conf[64], hold[16];

	snprintf(conf, sizeof conf, "%s.conf", counter);
	snprintf(hold, sizeof hold, "%d", hold_ms);
	return h_run(h, "panicctl", 10000, "panicctl", "press", h_path(h, conf),
	    "--hold", hold, (char *)NULL) == 0 ? 0 : -1;
}

int
fx_next_event(struct harness *h, const char *counter, struct proto_event *ev,
    int timeout_ms)
{
	const struct h_msg *m;
	const char *why = NULL;

	if (!(m = next_msg(h, PROTO_TOPIC_EVENT, counter, timeout_ms)))
		return -1;
	if (proto_decode_event((const char *)m->payload, m->len, ev, &why) < 0) {
		fprintf(stderr, "# fixtures: bad event: %s\n", why);
		return -1;
	}
	return 0;
}

/* The people of fx_hub_conf, the notify lists of those in notify set. */
#define FX_PERSON(id, name, role) "  { id = \"" id "\"; name = \"" name \
	"\"; roles = [ \"" role "\" ];%s%s%s },\n"

static const char *
fx_notify_of(const char *const *notify, const char *id, int part)
{
	for (; notify && notify[0]; notify += 2)
		if (strcmp(notify[0], id) == 0)
			return part == 0 ? " notify = ( " : part == 1 ?
			    notify[1] : " );";
	return "";
}

#define FX_N(id) fx_notify_of(notify, id, 0), fx_notify_of(notify, id, 1), \
	fx_notify_of(notify, id, 2)

/* The one counter of fx_hub_conf. */
#define FX_C1 "{ id = \"c1\"; label = \"1番窓口\"; zone = \"A\";" \
	" floor = \"1F\"; location = \"入口右手\"; }"

/* The schedule of fx_hub_conf: UTC, zone A covered all week. */
static const struct fx_sched fx_sched_default = {
	.timezone = "UTC",
	.zones = "{ id = \"A\"; name = \"1F 窓口A\"; }",
	.counters = FX_C1,
	.shifts = "{ zone = \"A\"; days = [ \"mon\", \"tue\", \"wed\","
	    " \"thu\", \"fri\", \"sat\", \"sun\" ]; from = \"00:00\";"
	    " to = \"24:00\"; supervisor = \"sup\"; backup = \"bak\"; }",
};

/* hub.conf as fx_hub_conf_notify says, with the schedule sc. */
static const char *
hub_conf(struct harness *h, int step_ms, const char *policies,
    const char *const *notify, const char *extra, const struct fx_sched *sc)
{
	char def[1024], login[1024];

	if (!policies) {
		snprintf(def, sizeof def,
		    "{ kind = \"help\"; min_responders = 1; repeat = 0; steps = (\n"
		    "  { targets = [ \"supervisor\" ]; wait_ms = %d; },\n"
		    "  { targets = [ \"backup\" ]; wait_ms = %d; },\n"
		    "  { targets = [ \"role:manager\" ]; wait_ms = %d; } ); },\n"
		    "{ kind = \"emergency\"; min_responders = 2; repeat = 0; steps = (\n"
		    "  { targets = [ \"team:response\", \"role:security\" ]; wait_ms = %d; },\n"
		    "  { targets = [ \"role:manager\" ]; wait_ms = %d; } ); }\n",
		    step_ms, step_ms, step_ms, step_ms, step_ms);
		policies = def;
	}
	return h_write(h, "hub.conf",
	    "site = \"" FX_SITE "\";\n"
	    "timezone = \"%s\";\n"
	    "database = \"%s\";\n"
	    "log_level = \"debug\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 5;%s };\n"
	    "fallback = [ \"role:manager\" ];\n"
	    "people = (\n"
	    FX_PERSON("sup", "佐藤 花子", "supervisor")
	    FX_PERSON("bak", "田中 一郎", "supervisor")
	    FX_PERSON("mgr", "高橋 健", "manager")
	    FX_PERSON("sec", "伊藤 大輔", "security")
	    FX_PERSON("fac", "山本 修", "facility")
	    "  { id = \"r2\"; name = \"渡辺 陽子\"; roles = [ \"responder\" ];%s%s%s } );\n"
	    "teams = ( { id = \"response\"; members = [ \"sup\", \"bak\", \"r2\" ]; } );\n"
	    "zones = ( %s );\n"
	    "counters = ( %s );\n"
	    "shifts = ( %s );\n"
	    "%s%s%s"
	    "policies = (\n%s);\n"
	    "%s\n",
	    sc->timezone, h_path(h, "hub.db"), h->port, fx_login(h, "hub",
	    login, sizeof login), FX_N("sup"), FX_N("bak"), FX_N("mgr"),
	    FX_N("sec"), FX_N("fac"), FX_N("r2"), sc->zones, sc->counters,
	    sc->shifts, sc->exceptions ? "exceptions = ( " : "",
	    sc->exceptions ? sc->exceptions : "", sc->exceptions ? " );\n" : "",
	    policies, extra ? extra : "");
}

const char *
fx_hub_conf_sched(struct harness *h, int step_ms, const char *policies,
    const struct fx_sched *sc)
{
	return hub_conf(h, step_ms, policies, NULL, NULL, sc);
}

const char *
fx_hub_conf(struct harness *h, int step_ms, const char *policies,
    const char *extra)
{
	return hub_conf(h, step_ms, policies, NULL, extra, &fx_sched_default);
}

const char *
fx_hub_conf_notify(struct harness *h, int step_ms, const char *policies,
    const char *const *notify, const char *extra)
{
	return hub_conf(h, step_ms, policies, notify, extra,
	    &fx_sched_default);
}

const char *
fx_hub_conf_boards(struct harness *h, int step_ms, int nboards)
{
	char list[FX_BOARDS_MAX * 64];
	struct fx_sched sc = fx_sched_default;
	size_t n = 0;

	list[0] = '\0';
	for (int i = 1; i <= nboards && i <= FX_BOARDS_MAX; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s{ id = \"c%d\";"
		    " label = \"%d番窓口\"; zone = \"A\"; }", i > 1 ? ", " : "",
		    i, i);
	sc.counters = list;
	return hub_conf(h, step_ms, NULL, NULL, NULL, &sc);
}

pid_t
fx_hub_spawn(struct harness *h)
{
	return h_spawn(h, "hubd", "hubd", "-c", h_path(h, "hub.conf"),
	    (char *)NULL);
}

pid_t
fx_board_spawn(struct harness *h, const char *counter)
{
	char conf[64], log[64];

	snprintf(conf, sizeof conf, "%s.conf", counter);
	snprintf(log, sizeof log, "counterd-%s", counter);
	return h_spawn(h, log, "counterd", "-c", h_path(h, conf), (char *)NULL);
}

pid_t
fx_board_start(struct harness *h, const char *counter)
{
	return counter_online(h, counter, fx_board_spawn(h, counter));
}

int
fx_sim_edge(struct harness *h, const char *counter, const char *button,
    int level, int64_t t_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char sock[64], line[128];
	int fd, n, rc;

	snprintf(sock, sizeof sock, "%s.sock", counter);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", h_path(h, sock));
	n = snprintf(line, sizeof line, "%s %d %lld\n", button, level,
	    (long long)t_ns);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	rc = sendto(fd, line, (size_t)n, 0, (struct sockaddr *)&sa,
	    sizeof sa) == n ? 0 : -1;
	close(fd);
	return rc;
}

pid_t
fx_hub_start(struct harness *h)
{
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	pid_t pid;

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
	if ((pid = fx_hub_spawn(h)) < 0)
		return -1;
	while ((m = h_wait_msg(h, topic, 10000)) != NULL) {
		struct proto_hub_status st;

		if (proto_decode_hub_status((const char *)m->payload, m->len,
		    &st, NULL) == 0 && st.online)
			return pid;
	}
	h_kill(h, pid, SIGKILL);
	return -1;
}

int
fx_next_page(struct harness *h, const char *person, struct proto_page *pg,
    int timeout_ms)
{
	const struct h_msg *m;
	const char *why = NULL;

	if (!(m = next_msg(h, PROTO_TOPIC_PAGER, person, timeout_ms)))
		return -1;
	if (proto_decode_page((const char *)m->payload, m->len, pg, &why) < 0) {
		fprintf(stderr, "# fixtures: bad page: %s\n", why);
		return -1;
	}
	return 0;
}

int
fx_reply(struct harness *h, const char *person, const char *incident,
    int action, int category, const char *note)
{
	struct proto_reply rp = { .action = (enum proto_action)action,
	    .at_ms = clock_wall_ms() };
	char topic[PROTO_TOPIC_MAX], buf[2048];
	int n;

	snprintf(rp.person, sizeof rp.person, "%s", person);
	snprintf(rp.incident, sizeof rp.incident, "%s", incident);
	if (action == PROTO_ACTION_RESOLVE)
		rp.category = (enum proto_category)category;
	if (note)
		snprintf(rp.note, sizeof rp.note, "%s", note);
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_REPLY,
	    person);
	n = proto_encode_reply(&rp, buf, sizeof buf);
	if (n < 0)
		return -1;
	return h_publish(h, topic, buf, (size_t)n, 1, 0);
}

int
fx_next_feedback(struct harness *h, const char *counter,
    struct proto_feedback *fb, int timeout_ms)
{
	const struct h_msg *m;
	const char *why = NULL;

	if (!(m = next_msg(h, PROTO_TOPIC_FEEDBACK, counter, timeout_ms)))
		return -1;
	if (proto_decode_feedback((const char *)m->payload, m->len, fb,
	    &why) < 0) {
		fprintf(stderr, "# fixtures: bad feedback: %s\n", why);
		return -1;
	}
	return 0;
}

const char *
fx_counter_conf_with(struct harness *h, const char *counter, int heartbeat_s,
    const char *buttons, const char *outputs)
{
	char name[64], sock[64], db[64], login[1024];

	snprintf(name, sizeof name, "%s.conf", counter);
	snprintf(sock, sizeof sock, "%s.sock", counter);
	snprintf(db, sizeof db, "%s.outbox", counter);
	if (!buttons)
		buttons = "{ name = \"main\"; short = \"help\";"
		    " long = \"emergency\"; long_ms = 600; }";
	if (!outputs)
		outputs = "{ name = \"desk\"; role = \"status\"; },\n"
		    "  { name = \"sounder\"; role = \"fallback\"; }";
	return h_write(h, name,
	    "site = \"" FX_SITE "\";\n"
	    "counter = \"%s\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 10;%s };\n"
	    "outbox = \"%s\";\n"
	    "heartbeat_s = %d;\n"
	    "confirm_timeout_s = 2;\n"
	    "log_level = \"debug\";\n"
	    "gpio = { backend = \"sim\"; sim_socket = \"%s\"; };\n"
	    "buttons = ( %s );\n"
	    "outputs = ( %s );\n",
	    counter, h->port, fx_counter_login(h, counter, login, sizeof login),
	    h_path(h, db), heartbeat_s, h_path(h, sock), buttons, outputs);
}

int
fx_press_button(struct harness *h, const char *counter, const char *button,
    int hold_ms)
{
	char conf[64], hold[16];

	snprintf(conf, sizeof conf, "%s.conf", counter);
	snprintf(hold, sizeof hold, "%d", hold_ms);
	return h_run(h, "panicctl", 10000, "panicctl", "press", h_path(h, conf),
	    "--button", button, "--hold", hold, (char *)NULL) == 0 ? 0 : -1;
}

int
fx_next_maint(struct harness *h, const char *person, struct proto_maint *mt,
    int timeout_ms)
{
	const struct h_msg *m;
	const char *why = NULL;

	if (!(m = next_msg(h, PROTO_TOPIC_MAINT, person, timeout_ms)))
		return -1;
	if (proto_decode_maint((const char *)m->payload, m->len, mt, &why) < 0) {
		fprintf(stderr, "# fixtures: bad maintenance message: %s\n", why);
		return -1;
	}
	return 0;
}

int
fx_wait_state(struct harness *h, const char *counter, int state,
    uint32_t acks, struct proto_feedback *fb, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	for (int64_t now = clock_mono_ms(); now < end; now = clock_mono_ms()) {
		if (fx_next_feedback(h, counter, fb, (int)(end - now)) < 0)
			return -1;
		if (fb->type == PROTO_FEEDBACK_STATE &&
		    fb->state == (enum proto_istate)state && fb->acks == acks)
			return 0;
	}
	return -1;
}

int
fx_publish_event(struct harness *h, const char *topic_counter,
    const struct proto_event *ev)
{
	char topic[PROTO_TOPIC_MAX], buf[2048];
	int n;

	if (proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_EVENT, topic_counter) < 0 ||
	    (n = proto_encode_event(ev, buf, sizeof buf)) < 0)
		return -1;
	return h_publish(h, topic, buf, (size_t)n, 1, 0);
}

int
fx_publish_help(struct harness *h, const char *counter, const char *boot,
    uint64_t seq)
{
	struct proto_event ev = { .seq = seq, .kind = PROTO_KIND_HELP,
	    .gesture = PROTO_GESTURE_PRESS, .held_ms = -1, .attempt = 1 };

	snprintf(ev.counter, sizeof ev.counter, "%s", counter);
	snprintf(ev.boot, sizeof ev.boot, "%s", boot);
	snprintf(ev.button, sizeof ev.button, "main");
	if (proto_event_make_id(&ev) < 0)
		return -1;
	ev.pressed_ms = clock_wall_ms();
	return fx_publish_event(h, counter, &ev);
}

int
fx_publish_reply(struct harness *h, const char *topic_person,
    const struct proto_reply *rp)
{
	char topic[PROTO_TOPIC_MAX], buf[2048];
	int n;

	if (proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_REPLY, topic_person) < 0 ||
	    (n = proto_encode_reply(rp, buf, sizeof buf)) < 0)
		return -1;
	return h_publish(h, topic, buf, (size_t)n, 1, 0);
}

pid_t
fx_pager_start(struct harness *h, const char *person, int *feed)
{
	const char *fifo = h_path(h, "pager.fifo");
	char exe[512];
	pid_t pid;

	/* a console that died must fail the test, not kill it */
	signal(SIGPIPE, SIG_IGN);
	snprintf(exe, sizeof exe, "%s/panicctl", h->bindir);
	if (mkfifo(fifo, 0600) < 0 && errno != EEXIST)
		return -1;
	/* the shell only opens the FIFO as stdin, then becomes panicctl */
	pid = h_spawn(h, "pager", "/bin/sh", "-c",
	    "exec \"$0\" pager \"$1\" -c \"$2\" <\"$3\"", exe, person,
	    h_path(h, "hub.conf"), fifo, (char *)NULL);
	if (pid < 0)
		return -1;
	/* opening for writing fails (ENXIO) until the reader has it open */
	for (int64_t end = clock_mono_ms() + 10000; clock_mono_ms() < end;) {
		int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd >= 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			*feed = fd;
			return pid;
		}
		if (errno != ENXIO || !h_alive(h, pid))
			break;
		h_pump(h, 10);
	}
	h_kill(h, pid, SIGKILL);
	return -1;
}

int
fx_publish_feedback(struct harness *h, const char *counter,
    const struct proto_feedback *fb)
{
	char topic[PROTO_TOPIC_MAX], buf[2048];
	int n;

	if (proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_FEEDBACK, counter) < 0 ||
	    (n = proto_encode_feedback(fb, buf, sizeof buf)) < 0)
		return -1;
	return h_publish(h, topic, buf, (size_t)n, 1, 0);
}

int
fx_play_hub_status(struct harness *h, int online)
{
	struct proto_hub_status hs = { .online = online };
	char topic[PROTO_TOPIC_MAX], buf[512];

	snprintf(hs.site, sizeof hs.site, "%s", FX_SITE);
	snprintf(hs.version, sizeof hs.version, "test");
	hs.at_ms = online ? clock_wall_ms() : 0;
	if (proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL) < 0 ||
	    proto_encode_hub_status(&hs, buf, sizeof buf) < 0)
		return -1;
	return h_retain(h, topic, buf);
}

/* ---- shared steps of the test programs ----------------------------------- */

int
fx_setup(void **state, int (*prepare)(struct harness *))
{
	struct harness *h = h_new();

	if (!h)
		return -1;
	*state = h;
	if (prepare && prepare(h) < 0) {
		h_free(h);	/* cmocka skips the teardown of a failed setup */
		return -1;
	}
	return 0;
}

int
fx_teardown(void **state)
{
	return h_free(*state);
}

int
fx_prepare_c1(struct harness *h)
{
	return fx_counter_conf(h, "c1", NULL) ? 0 : -1;
}

int
fx_setup_c1(void **state)
{
	return fx_setup(state, fx_prepare_c1);
}

int
fx_start_c1_hub(struct harness *h, int step_ms)
{
	if (!fx_counter_conf(h, "c1", NULL) ||
	    !fx_hub_conf(h, step_ms, NULL, NULL) || fx_hub_start(h) < 0 ||
	    fx_counter_start(h, "c1") < 0)
		return -1;
	return 0;
}

size_t
fx_pages_to(struct harness *h, const char *person)
{
	char topic[PROTO_TOPIC_MAX];

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_PAGER,
	    person);
	h_pump(h, 0);
	return h_count(h, topic);
}

char *
fx_line_of(const char *s, const char *prefix, char *buf, size_t size)
{
	size_t n = strlen(prefix);

	for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') +
	    1 : NULL) {
		if (strncmp(l, prefix, n) == 0) {
			snprintf(buf, size, "%.*s", (int)strcspn(l, "\n"), l);
			return buf;
		}
	}
	return NULL;
}

int
fx_words(char *line, char **w, int max)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < max;
	    t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return n;
}
