/* hubd.c: the branch hub. Options, config, store, broker, then one poll
 * loop over a signalfd, one timerfd armed to the earliest deadline, the
 * MQTT client's eventfd, and the descriptors of the modules registered as
 * sources (hub.h: struct hub_fdsrc), such as the notifier's. */
#include "hub.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "daemon_opts.h"
#include "log.h"
#include "web.h"

#define HUBD_DEFAULT_CONF	"/etc/panic/hubd.conf"

enum { PFD_SIGNAL, PFD_TIMER, PFD_MQTT, PFD_MAX };
#define HUBD_PFDS	(PFD_MAX + HUB_FDSRC_MAX * HUB_FDSRC_FDS)

static enum log_level
hubd_level(const struct hub_conf *c, int debug)
{
	enum log_level lvl = LOG_LVL_INFO;

	if (debug)
		return LOG_LVL_DEBUG;
	log_level_parse(c->log_level, &lvl);
	return lvl;
}

static struct mqtt *
hubd_mqtt(const struct hub_conf *c)
{
	struct proto_hub_status hs = { .online = 0 };
	struct mqtt_will will;
	struct mqtt_opts o;
	char topic[PROTO_TOPIC_MAX], payload[512];
	int n;

	snprintf(hs.site, sizeof hs.site, "%s", c->site);
	snprintf(hs.version, sizeof hs.version, "%s", HUB_VERSION);
	if (proto_topic_build(topic, sizeof topic, c->topic_prefix, c->site,
	    PROTO_TOPIC_HUB_STATUS, NULL) < 0 ||
	    (n = proto_encode_hub_status(&hs, payload, sizeof payload)) < 0)
		return NULL;
	will = (struct mqtt_will){ topic, payload, (size_t)n, 1, 1 };
	memset(&o, 0, sizeof o);
	o.host = c->broker.host;
	o.port = c->broker.port;
	o.client_id = c->broker.client_id;
	login_opts(&c->broker.login, &o);
	o.keepalive_s = c->broker.keepalive_s;
	/* a persistent session: presses published while the hub restarts
	 * wait at the broker for it */
	o.clean_session = 0;
	o.will = &will;
	return mqtt_new(&o);
}

static int
hubd_subscribe(struct hub *h)
{
	static const enum proto_topic_type types[] = {
		PROTO_TOPIC_EVENT, PROTO_TOPIC_STATUS, PROTO_TOPIC_REPLY
	};
	char filter[PROTO_TOPIC_MAX];

	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		if (proto_topic_filter(filter, sizeof filter,
		    h->conf->topic_prefix, h->conf->site, types[i]) < 0 ||
		    mqtt_subscribe(h->mqtt, filter, 1) < 0)
			return -1;
	}
	return 0;
}

/* SIGHUP: a new config replaces the old only if it loads, and only if it
 * keeps what a running hub cannot change. Open incidents carry on. */
static void
hubd_warn_log(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("config warning: %s", msg);
}

static void
hubd_warn_print(void *ctx, const char *msg)
{
	fprintf(ctx, "warning: %s\n", msg);
}

/* A refused reload leaves the hub on its old rules: its status says so
 * (panicctl status shows it) until a reload is taken. error NULL: taken. */
static void
hubd_reload_outcome(struct hub *h, const char *error)
{
	int was = h->reload_refused;
	size_t n;

	h->reload_refused = error != NULL;
	snprintf(h->reload_error, sizeof h->reload_error, "%s",
	    error ? error : "");
	/* it goes on the wire: whole UTF-8 without control characters,
	 * whatever bytes the file held (an error may quote them) */
	n = strlen(h->reload_error);
	if (!proto_text_valid(h->reload_error, n))
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)h->reload_error[i] >= 0x80 ||
			    (unsigned char)h->reload_error[i] < 0x20)
				h->reload_error[i] = '?';
	if ((was || error) && mqtt_is_connected(h->mqtt))
		outbox_hub_status(h, 1);
}

static void
hubd_reload(struct hub *h, const char *path, int debug)
{
	char err[CONF_ERR_MAX];
	struct hub_conf *n = hub_conf_load_all(path, err, sizeof err);
	const struct hub_conf *o = h->conf;

	/* with its secrets: the broker section is compared whole below */
	if (!n) {
		log_warnx("reload refused, old rules kept: %s", err);
		hubd_reload_outcome(h, err);
		return;
	}
	/* The time zone is set in the environment once, before Paho's
	 * threads start; setting it again now would race with them. */
	if (strcmp(n->site, o->site) || strcmp(n->topic_prefix, o->topic_prefix) ||
	    strcmp(n->database, o->database) ||
	    strcmp(n->timezone, o->timezone) ||
	    memcmp(&n->broker, &o->broker, sizeof n->broker) ||
	    n->web.enabled != o->web.enabled || n->web.port != o->web.port ||
	    strcmp(n->web.listen, o->web.listen)) {
		log_warnx("reload refused, old rules kept: site, topic_prefix, "
		    "timezone, database, broker and web listen/port need a "
		    "restart");
		conf_free(n);
		hubd_reload_outcome(h, "site, topic_prefix, timezone, database,"
		    " broker and web listen/port need a restart");
		return;
	}
	conf_free(h->conf);
	h->conf = n;
	hubd_reload_outcome(h, NULL);
	log_init("hubd", hubd_level(n, debug), 0);
	conf_lint(n, hubd_warn_log, NULL);
	if (supervise_sync(h) < 0)
		log_warnx("supervision: cannot load counters");
	log_info("config: reloaded %s", path);
}

static void
hubd_signal(struct hub *h, int sfd, int *quit, const char *path, int debug)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGHUP)
			hubd_reload(h, path, debug);
		else
			*quit = 1;
	}
}

static void
hubd_mqtt_event(struct hub *h, struct mqtt_ev *ev)
{
	char retry[32];

	switch (ev->type) {
	case MQTT_EV_CONNECTED:
		log_info("mqtt: connected to %s:%d", h->conf->broker.host,
		    h->conf->broker.port);
		h->online_since_ms = clock_wall_ms();
		outbox_hub_status(h, 1);
		outbox_flush(h);
		if (h->broker_lost_mono_ms)
			h->broker_back_mono_ms = clock_mono_ms();
		supervise_reconnected(h, h->broker_lost_mono_ms,
		    h->broker_lost_wall_ms);
		h->broker_lost_mono_ms = h->broker_lost_wall_ms = 0;
		/* a restarted hub's incidents escalate from here: a page
		 * decided before the connection is up would reach the broker
		 * late and shorten the next wait */
		engine_connected(h);
		break;
	case MQTT_EV_CONNECT_FAILED:
	case MQTT_EV_LOST:
		if (ev->type == MQTT_EV_LOST && !h->broker_lost_mono_ms) {
			h->broker_lost_mono_ms = clock_mono_ms();
			h->broker_lost_wall_ms = clock_wall_ms();
		}
		log_warnx("mqtt: %s, retry in %s", ev->detail,
		    clock_fmt_duration(mqtt_timeout_ms(h->mqtt,
		    clock_mono_ms()), retry, sizeof retry));
		break;
	case MQTT_EV_MESSAGE:
		inbox_message(h, ev);
		break;
	case MQTT_EV_DELIVERED:
		break;
	case MQTT_EV_SUBSCRIBE_FAILED:
		log_warnx("mqtt: %s: the hub cannot hear it", ev->detail);
		break;
	}
}

static void
hubd_timers(struct hub *h)
{
	struct timer *tm;
	int64_t now = clock_mono_ms();

	mqtt_service(h->mqtt, now);
	while ((tm = timers_pop_due(&h->timers, now)) != NULL) {
		if (tm->kind == HUB_TIMER_INCIDENT)
			engine_timer(h, tm->owner);
		else if (tm->kind == HUB_TIMER_COUNTER)
			supervise_timer(h, tm->owner);
		/* HUB_TIMER_RETRY: the turn's engine_commit writes again */
	}
}

/* Arm the timerfd for the earliest of the timers, a reconnect and the
 * sources' deadline src_due (-1: none). */
static void
hubd_arm(struct hub *h, int tfd, int64_t src_due)
{
	struct timer *tm = timers_peek(&h->timers);
	int64_t now = clock_mono_ms(), due = src_due;
	int64_t rc = mqtt_timeout_ms(h->mqtt, now);

	if (tm && (due < 0 || tm->due_ms < due))
		due = tm->due_ms;
	if (rc >= 0 && (due < 0 || now + rc < due))
		due = now + rc;
	if (clock_timerfd_arm(tfd, due >= 0 ? due * 1000000 : -1) < 0)
		log_warn("timerfd");
}

static void
hubd_source_add(struct hub *h, const struct hub_fdsrc *src)
{
	if (h->nsrc == HUB_FDSRC_MAX)
		fatalx("%s: too many descriptor sources", src->name);
	h->src[h->nsrc++] = *src;
}

/* Each source's pollfds after the hub's own; their deadline in *due. */
static nfds_t
hubd_prepare(struct hub *h, struct pollfd *pfd, unsigned *first,
    unsigned *count, int64_t *due)
{
	nfds_t n = PFD_MAX;

	*due = -1;
	for (unsigned i = 0; i < h->nsrc; i++) {
		first[i] = (unsigned)n;
		count[i] = h->src[i].prepare(h->src[i].arg, pfd + n,
		    HUB_FDSRC_FDS, due);
		n += count[i];
	}
	return n;
}

static void
hubd_loop(struct hub *h, int sfd, int tfd, const char *path, int debug)
{
	static struct pollfd pfd[HUBD_PFDS];
	unsigned first[HUB_FDSRC_MAX], count[HUB_FDSRC_MAX];
	struct mqtt_ev ev;
	int quit = 0, take;
	int64_t due;
	uint64_t ticks;
	nfds_t n;

	pfd[PFD_SIGNAL] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[PFD_TIMER] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	pfd[PFD_MQTT] = (struct pollfd){ .fd = mqtt_fd(h->mqtt), .events = POLLIN };
	while (!quit) {
		n = hubd_prepare(h, pfd, first, count, &due);
		hubd_arm(h, tfd, due);
		if (poll(pfd, n, -1) < 0) {
			if (errno != EINTR)
				fatal("poll");
			continue;
		}
		if (pfd[PFD_SIGNAL].revents & POLLIN)
			hubd_signal(h, sfd, &quit, path, debug);
		if ((pfd[PFD_TIMER].revents & POLLIN) &&
		    read(tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
			log_warn("timerfd");
		hubd_timers(h);
		for (unsigned i = 0; i < h->nsrc; i++)
			h->src[i].dispatch(h->src[i].arg, pfd + first[i],
			    count[i], clock_mono_ms());
		/* while Paho cannot take what the hub publishes (its window
		 * is full and the hub's queue deep), take fewer events: they
		 * wait for their turn rather than crowd out pages */
		take = h->outq_len > HUB_OUTQ_MAX / 4 ? HUB_MSGS_PER_TURN / 16 :
		    HUB_MSGS_PER_TURN;
		for (int i = 0; i < take && mqtt_next(h->mqtt, &ev); i++) {
			hubd_mqtt_event(h, &ev);
			mqtt_ev_release(&ev);
		}
		engine_commit(h);
		/* a publish Paho refused while connected waits only a turn */
		if (h->outq_len && mqtt_is_connected(h->mqtt))
			outbox_flush(h);
	}
}

static int
hubd_fds(int *sfd, int *tfd)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* before Paho starts its threads, so they inherit the mask */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	*sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	*tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	return *sfd < 0 || *tfd < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct daemon_opts o = { 0 };
	struct hub_fdsrc src;
	char err[CONF_ERR_MAX];
	const char *risk;
	struct hub *h;
	int rc, sfd, tfd;

	if ((rc = daemon_opts_parse(argc, argv, "hubd", HUBD_DEFAULT_CONF,
	    &o)) >= 0)
		return rc;
	log_init("hubd", o.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 0);
	if (!(h = calloc(1, sizeof *h)))
		fatal("calloc");
	if (!(h->conf = hub_conf_load_all(o.path, err, sizeof err)))
		fatalx("%s", err);
	h->board_offset = supervise_board_offset;
	h->maint_channels = notify_maint;
	if (o.check) {
		/* -v: the config as read, the proof of its own */
		if (o.verbose)
			hub_conf_print(h->conf, stdout);
		else
			hub_conf_print_valid(h->conf, stdout);
		conf_lint(h->conf, hubd_warn_print, stdout);
		conf_free(h->conf);
		free(h);
		return 0;
	}
	log_init("hubd", hubd_level(h->conf, o.debug), 0);
	log_stamp_lines(1);
	conf_lint(h->conf, hubd_warn_log, NULL);
	/* before any thread starts: setenv is not thread-safe */
	if (rules_tz_set(h->conf->timezone) < 0)
		fatalx("%s: timezone: cannot set \"%s\"", o.path,
		    h->conf->timezone);
	if (hubd_fds(&sfd, &tfd) < 0)
		fatal("signalfd/timerfd");
	if (!(h->store = store_open(h->conf->database, err, sizeof err)))
		fatalx("store: %s", err);
	if (err[0])
		log_warnx("store: %s", err);
	timers_init(&h->timers);
	if (engine_restore(h) < 0 || supervise_sync(h) < 0)
		fatalx("store: cannot restore state: %s", store_errmsg(h->store));
	/* before Paho's threads: libcurl's global set-up is not thread-safe */
	if (notify_init(h, &src) < 0)
		fatalx("notify: cannot set up libcurl and command hooks");
	hubd_source_add(h, &src);
	if (!(h->mqtt = hubd_mqtt(h->conf)))
		fatalx("mqtt: cannot set up the client%s%s",
		    mqtt_error()[0] ? ": " : "", mqtt_error());
	if (hubd_subscribe(h) < 0)
		fatal("mqtt: subscribe");
	if (web_start(h, err, sizeof err) < 0)
		fatalx("%s", err);
	web_fdsrc(h, &src);
	hubd_source_add(h, &src);
	log_info("hub %s: started, %u people, %u counters, database %s",
	    h->conf->site, h->conf->npeople, h->conf->ncounters,
	    h->conf->database);
	if ((risk = login_risk(&h->conf->broker.login, h->conf->broker.host)))
		log_warnx("mqtt: %s:%d: %s", h->conf->broker.host,
		    h->conf->broker.port, risk);
	mqtt_connect(h->mqtt);

	hubd_loop(h, sfd, tfd, o.path, o.debug);

	log_info("hub %s: stopping; %" PRIu64 " events, %" PRIu64 " duplicates, "
	    "%" PRIu64 " replies, %" PRIu64 " malformed, %" PRIu64 " refused, "
	    "%" PRIu64 " failed commits, %" PRIu64 " unknown boards forgotten",
	    h->conf->site, h->stats.events, h->stats.duplicates,
	    h->stats.replies, h->stats.malformed, h->stats.security,
	    h->stats.failed_commits, h->stats.counters_dropped);
	web_stop(h);
	engine_commit(h);
	engine_stop(h);
	outbox_hub_status(h, 0);
	mqtt_disconnect(h->mqtt, 1000);
	mqtt_free(h->mqtt);
	notify_free(h);
	engine_free(h);
	supervise_free(h);
	timers_free(&h->timers);
	outbox_free(h);
	store_close(h->store);
	conf_free(h->conf);
	close(sfd);
	close(tfd);
	free(h);
	return 0;
}
