/* counterd.c: the counter board daemon — reads the desk buttons, publishes
 * each gesture as an event, keeps it in the outbox until the hub's receipt
 * arrives, and drives the desk light from the hub's feedback. One thread,
 * one poll loop that sleeps until the next deadline. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "button.h"
#include "cfg.h"
#include "clock.h"
#include "daemon_opts.h"
#include "conf.h"
#include "gpio.h"
#include "lockfile.h"
#include "log.h"
#include "mqtt.h"
#include "outbox.h"
#include "outputs.h"
#include "proto.h"

#define COUNTERD_VERSION	"0.1.0"
#define COUNTERD_CONF		"/etc/counterd/counterd.conf"
#define RESEND_MIN_MS		2000
#define RESEND_MAX_MS		30000
#define RESEND_BATCH		32
#define SHUTDOWN_WAIT_MS	2000
#define NS_PER_MS		1000000LL
#define TOKENS_MAX		16	/* publishes whose PUBACK we log by id */
#define OUTBOX_RETRY_MS		30000	/* memory only: try the file again */
#define RECONNECT_URGENT_MS	1000	/* presses waiting: reconnect tries
					   at most this far apart */
#define HUB_STATUS_WAIT_MS	5000	/* connected: the retained hub status
					   comes with the subscription */

enum { PFD_SIGNAL, PFD_TIMER, PFD_MQTT, PFD_GPIO, PFD_MAX = PFD_GPIO +
    GPIO_FDS_MAX };

struct counterd {
	struct conf conf;
	struct gpio *gpio;
	struct outbox *ob;
	struct outputs *out;
	struct mqtt *mqtt;
	struct button buttons[CONF_BUTTONS_MAX];
	/* id of the event that began each button's current gesture, which a
	 * long or double press upgrades */
	char chain[CONF_BUTTONS_MAX][PROTO_EVENT_ID_MAX];
	/* each button's last press (CLOCK_MONOTONIC) and its pressed_ms */
	int64_t press_t_ns[CONF_BUTTONS_MAX], press_ms[CONF_BUTTONS_MAX];
	char t_event[PROTO_TOPIC_MAX];
	char t_status[PROTO_TOPIC_MAX];
	char t_feedback[PROTO_TOPIC_MAX];
	char t_hub_status[PROTO_TOPIC_MAX];
	int hub_online;			/* the hub's retained status: -1 not
					   heard, 0 offline, 1 online */
	int64_t hub_wait_at_ms;		/* connected, no hub status yet: when
					   to call the hub missing, -1 */
	int hub_heard;			/* a hub status came since the connect
					   (a restarted broker may hold none) */
	char boot[PROTO_ID_MAX];	/* boot of new ids, as last announced */
	int64_t ob_retry_at_ms;		/* memory-only outbox: next try, -1 */
	int lock_fd;			/* flock on "<outbox>.lock", -1 */
	struct pollfd pfd[PFD_MAX];
	int npfd;
	int64_t hb_at_ms;		/* next heartbeat, -1: none */
	uint32_t hb;
	int64_t resend_at_ms;		/* next re-send round, -1: none */
	int resend_ms;			/* back-off between rounds */
	uint64_t resend_after;		/* round in progress: seq sent up to */
	struct {
		int token;
		char id[PROTO_EVENT_ID_MAX];
	} tokens[TOKENS_MAX];		/* ring: recent event publishes */
	unsigned ntokens;
	int down_logged;		/* a connect failure was logged */
	int debug;			/* -d: debug level whatever the config */
	int stop;
};

static int64_t
counterd_min(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* ---- status and events on the wire ----------------------------------- */

/* Our status: online (with heartbeat count) or offline (the Will has no
 * time: it is composed at connect). Returns the length or -1. */
static int
counterd_status(struct counterd *d, int online, int64_t at_ms, char *buf,
    size_t size)
{
	struct proto_status st = { .online = online, .at_ms = at_ms,
	    .hb = d->hb };
	int n = outbox_count(d->ob);

	snprintf(st.counter, sizeof st.counter, "%s", d->conf.counter);
	snprintf(st.boot, sizeof st.boot, "%s", outbox_boot(d->ob));
	if (online) {
		snprintf(st.fw, sizeof st.fw, "%s", COUNTERD_VERSION);
		st.interval_s = (uint32_t)d->conf.heartbeat_s;
		st.outbox = n > 0 ? (uint32_t)n : 0;
	}
	for (unsigned i = 0; i < d->conf.nbuttons; i++) {
		snprintf(st.buttons[st.nbuttons++], PROTO_ID_MAX, "%s",
		    d->conf.buttons[i].name);
		if (button_faulted(&d->buttons[i]))
			snprintf(st.faults[st.nfaults++], PROTO_ID_MAX, "%s",
			    d->conf.buttons[i].name);
	}
	for (unsigned i = 0; i < d->conf.noutputs; i++)
		snprintf(st.outputs[st.noutputs++], PROTO_ID_MAX, "%s",
		    d->conf.outputs[i].name);
	return proto_encode_status(&st, buf, size);
}

/* Returns the publish's token, or -1. */
static int
counterd_publish_status(struct counterd *d, int online)
{
	char buf[PROTO_MAX_PAYLOAD];
	int len = counterd_status(d, online, clock_wall_ms(), buf, sizeof buf);
	int token;

	if (len < 0) {
		log_warnx("status: cannot encode");
		return -1;
	}
	if (mqtt_publish(d->mqtt, d->t_status, buf, (size_t)len, 1, 1,
	    &token) < 0) {
		log_debug("status: not published (not connected)");
		return -1;
	}
	return token;
}

/* Publish ev with its attempt field as is. Returns 0 or -1. */
static int
counterd_send(struct counterd *d, const struct proto_event *ev)
{
	char buf[PROTO_MAX_PAYLOAD];
	int len = proto_encode_event(ev, buf, sizeof buf), token;
	unsigned slot = d->ntokens++ % TOKENS_MAX;

	if (len < 0) {
		log_warnx("event %s: cannot encode", ev->id);
		return -1;
	}
	if (!mqtt_is_connected(d->mqtt) || mqtt_publish(d->mqtt, d->t_event,
	    buf, (size_t)len, 1, 0, &token) < 0)
		return -1;
	d->tokens[slot].token = token;
	snprintf(d->tokens[slot].id, sizeof d->tokens[slot].id, "%s", ev->id);
	return 0;
}

/* The broker's PUBACK: one hop of the event, not the hub's receipt. */
static void
counterd_delivered(struct counterd *d, int token)
{
	for (unsigned i = 0; i < TOKENS_MAX; i++) {
		if (d->tokens[i].id[0] && d->tokens[i].token == token) {
			log_info("event %s: broker has it", d->tokens[i].id);
			d->tokens[i].id[0] = '\0';
			return;
		}
	}
	log_debug("mqtt: broker took publish %d", token);
}

/* ---- re-sending what awaits a receipt -------------------------------- */

static void
counterd_resend_soon(struct counterd *d, int64_t now_ms)
{
	d->resend_ms = RESEND_MIN_MS;
	d->resend_at_ms = counterd_min(d->resend_at_ms, now_ms + RESEND_MIN_MS);
}

/* One batch of a re-send round, oldest first, each with the same id and
 * its attempt count one up; the round goes on until the outbox is done. */
static void
counterd_resend(struct counterd *d, int64_t now_ms)
{
	struct proto_event evs[RESEND_BATCH];
	int n, sent = 0;

	d->resend_at_ms = -1;
	if (!mqtt_is_connected(d->mqtt))
		return;		/* the next connect starts a round */
	n = outbox_pending(d->ob, d->resend_after, evs, RESEND_BATCH);
	if (n < 0) {
		log_warnx("outbox: cannot read pending events");
		n = 0;
	}
	for (; sent < n; sent++) {
		evs[sent].attempt++;
		if (counterd_send(d, &evs[sent]) < 0)
			break;
		/* attempt 1: pressed while the broker was away, sent now
		 * for the first time */
		if (evs[sent].attempt == 1)
			log_info("event %s: sent (held until connected)",
			    evs[sent].id);
		else
			log_info("event %s: re-sent (attempt %u)",
			    evs[sent].id, evs[sent].attempt);
		d->resend_after = evs[sent].seq;
	}
	if (sent > 0 && outbox_attempted(d->ob, evs, sent) < 0)
		log_warnx("outbox: cannot record attempts");
	if (sent == RESEND_BATCH) {
		d->resend_at_ms = now_ms;	/* more: next batch at once */
		return;
	}
	d->resend_after = 0;
	if (outbox_flush(d->ob) > 0)
		log_warnx("outbox: events still held in memory only");
	if (outbox_count(d->ob) != 0) {
		d->resend_at_ms = now_ms + d->resend_ms;
		d->resend_ms = d->resend_ms * 2 > RESEND_MAX_MS ? RESEND_MAX_MS :
		    d->resend_ms * 2;
	}
}

/* ---- buttons --------------------------------------------------------- */

/* Publish first (Paho queues it in memory), then commit: the disk never
 * delays a call for help, and no receipt can be handled before the
 * commit, because receipts are read by this same thread afterwards. */
static void
counterd_raise(struct counterd *d, struct proto_event *ev)
{
	int64_t now_ms = clock_mono_ms();
	int sent;

	ev->attempt = 1;
	sent = counterd_send(d, ev) == 0;
	ev->attempt = sent ? 1 : 0;
	switch (outbox_push(d->ob, ev)) {
	case 0:
		break;
	case 1:
		log_warnx("event %s: outbox: not saved, held in memory", ev->id);
		break;
	default:
		/* still watched below: the fallback sounds if no receipt */
		log_warnx("event %s: outbox: not saved and memory full, not "
		    "kept: %s", ev->id, sent ? "sent once, never re-sent" :
		    "not sent either, LOST");
		break;
	}
	log_info("event %s: %s %s on button %s%s%s, %s", ev->id,
	    proto_kind_name(ev->kind), proto_gesture_name(ev->gesture),
	    ev->button, ev->upgrades[0] ? ", upgrades " : "", ev->upgrades,
	    sent ? "published" : "queued until connected");
	outputs_sent(d->out, ev, conf_discreet(&d->conf, ev->button, ev->kind),
	    1, now_ms);
	counterd_resend_soon(d, now_ms);
}

/* New ids changed boot: to one held in memory when the disk cannot keep
 * the reservation of seq numbers, or to the file's once it is back. Say so
 * loudly, and tell the hub at once through the status's boot. */
static void
counterd_boot_check(struct counterd *d)
{
	const char *boot = outbox_boot(d->ob);

	if (strcmp(boot, d->boot) == 0)
		return;
	if (outbox_boot_in_memory(d->ob))
		log_warnx("outbox: %s; new events use boot %s, held in memory "
		    "only", outbox_on_disk(d->ob) ? "cannot reserve event ids "
		    "on disk" : "no outbox file", boot);
	else
		log_info("outbox: new events use boot %s", boot);
	snprintf(d->boot, sizeof d->boot, "%s", boot);
	counterd_publish_status(d, 1);
}

static void
counterd_gesture(struct counterd *d, unsigned bi, const struct button_event *be,
    int64_t now_ns)
{
	struct proto_event ev = { .kind = be->kind, .gesture = be->gesture };
	int fault = be->gesture == PROTO_GESTURE_HELD ||
	    be->gesture == PROTO_GESTURE_RELEASED;

	snprintf(ev.button, sizeof ev.button, "%s", d->conf.buttons[bi].name);
	/* Every event of one press (the press, its long hold, its fault)
	 * carries the same pressed_ms: converted again from the monotonic
	 * clock, a later one could land a millisecond apart. */
	if (be->t_ns != d->press_t_ns[bi]) {
		d->press_t_ns[bi] = be->t_ns;
		d->press_ms[bi] = clock_wall_ms() - (now_ns - be->t_ns) /
		    NS_PER_MS;
	}
	ev.pressed_ms = d->press_ms[bi];
	ev.held_ms = be->held_ns < 0 ? -1 : be->held_ns / NS_PER_MS;
	if (be->upgrade)
		snprintf(ev.upgrades, sizeof ev.upgrades, "%s", d->chain[bi]);
	if (outbox_prepare(d->ob, &ev) < 0) {
		log_warnx("button %s: cannot make an event id", ev.button);
		return;
	}
	counterd_boot_check(d);
	if (!fault && !be->upgrade)
		snprintf(d->chain[bi], sizeof d->chain[bi], "%s", ev.id);
	counterd_raise(d, &ev);
	if (fault) {
		log_warnx("button %s: %s", ev.button, be->gesture ==
		    PROTO_GESTURE_HELD ? "held too long, reported as a fault" :
		    "released after a fault");
		outputs_fault(d->out, bi, be->gesture == PROTO_GESTURE_HELD,
		    clock_mono_ms());
		counterd_publish_status(d, 1);
	}
}

static void
counterd_gestures(struct counterd *d, unsigned bi,
    const struct button_event *be, int n, int64_t now_ns)
{
	for (int i = 0; i < n; i++)
		counterd_gesture(d, bi, &be[i], now_ns);
}

static void
counterd_gpio(struct counterd *d, int fd)
{
	struct gpio_edge e[GPIO_EDGES_MAX];
	struct button_event be[BUTTON_EV_MAX];
	int64_t now_ns = clock_mono_ns();
	int n, bad;

	n = gpio_read(d->gpio, fd, e, GPIO_EDGES_MAX, now_ns, &bad);
	/* A line fd that fails stays readable: rather than spin, exit and
	 * let systemd start us afresh (the outbox keeps every event). */
	if (n < 0)
		fatal("gpio: cannot read button events, restarting");
	if (bad)
		log_warnx("gpio: %d input lines dropped or malformed", bad);
	for (int i = 0; i < n; i++) {
		log_debug("gpio: button %s level %d at %lld%s",
		    d->conf.buttons[e[i].button].name, e[i].level,
		    (long long)e[i].t_ns, e[i].reconciled ? " (reconciled)" : "");
		counterd_gestures(d, e[i].button, be, button_feed(
		    &d->buttons[e[i].button], e[i].level, e[i].t_ns, be), now_ns);
	}
}

/* ---- the outbox ------------------------------------------------------ */

/* Open the outbox file, or attach it to the memory-only outbox. A damaged
 * file is moved aside and a new one started, so that the button keeps
 * working. Returns 0, or -1 with the reason in err. */
static int
counterd_outbox_file(struct counterd *d, char *err, size_t errlen)
{
	char moved[CONF_PATH_MAX + 32];

	for (int tries = 0;; tries++) {
		if (d->ob ? outbox_attach(d->ob, d->conf.outbox, err,
		    errlen) == 0 : (d->ob = outbox_open(d->conf.outbox,
		    d->conf.counter, err, errlen)) != NULL)
			return 0;
		if (errno != EBADMSG || tries > 0)
			return -1;
		if (outbox_set_aside(d->conf.outbox, moved, sizeof moved) < 0) {
			log_warn("outbox: %s: cannot move the damaged file aside",
			    d->conf.outbox);
			return -1;
		}
		log_warnx("%s; moved it to %s and started a new outbox", err,
		    moved);
	}
}

/* One counterd per outbox: two would interleave their records and hand
 * out the same event ids. The lock sits beside the journal (a compaction
 * renames the journal itself) and lives as long as the process. Returns
 * 0 when held, -1 when it cannot be taken for now (a missing directory, a
 * full or read-only disk: the outbox cannot open either); exits when
 * another process holds it. */
static int
counterd_lock(struct counterd *d)
{
	char path[CONF_PATH_MAX + 8], err[CONF_PATH_MAX + 96];

	if (d->lock_fd >= 0)
		return 0;
	snprintf(path, sizeof path, "%s.lock", d->conf.outbox);
	if ((d->lock_fd = lockfile_take(path, err, sizeof err)) >= 0)
		return 0;
	if (errno == EWOULDBLOCK)
		fatalx("outbox: %s: is another counterd running with this "
		    "outbox? One counterd per outbox", err);
	log_warnx("outbox: %s", err);
	return -1;
}

/* A board that cannot start leaves a dead button: when the outbox file
 * cannot be opened (full or read-only disk, missing directory), run from
 * memory under a fresh boot, and try the file again every 30 s. */
static void
counterd_open_outbox(struct counterd *d)
{
	char err[512];

	if (counterd_lock(d) == 0 &&
	    counterd_outbox_file(d, err, sizeof err) == 0)
		return;
	if (d->lock_fd < 0)
		snprintf(err, sizeof err, "outbox: %s: not opened without its"
		    " lock", d->conf.outbox);
	if (!(d->ob = outbox_open_memory(d->conf.counter)))
		fatal("outbox: cannot even run from memory");
	log_warnx("%s", err);
	log_warnx("outbox: NOT DURABLE: events are held in memory only "
	    "(boot %s) until %s can be written; retrying every %d s",
	    outbox_boot(d->ob), d->conf.outbox, OUTBOX_RETRY_MS / 1000);
	d->ob_retry_at_ms = clock_mono_ms() + OUTBOX_RETRY_MS;
}

/* Reloaded events await receipts as before the restart. */
static void
counterd_watch_pending(struct counterd *d)
{
	struct proto_event evs[RESEND_BATCH];
	uint64_t after = 0;
	int n;

	while ((n = outbox_pending(d->ob, after, evs, RESEND_BATCH)) > 0) {
		for (int i = 0; i < n; i++)
			outputs_sent(d->out, &evs[i], conf_discreet(&d->conf,
			    evs[i].button, evs[i].kind), 0, clock_mono_ms());
		after = evs[n - 1].seq;
	}
	if ((n = outbox_count(d->ob)) > 0)
		log_info("outbox: %d events await their receipt", n);
}

/* Incidents known to be discreet before a restart stay dark. */
static void
counterd_load_discreet(struct counterd *d)
{
	char ids[OUTBOX_DISCREET_MAX][PROTO_ID_MAX];
	int n = outbox_discreet_list(d->ob, ids, OUTBOX_DISCREET_MAX);

	if (n < 0)
		log_warnx("outbox: cannot read the discreet incidents");
	for (int i = 0; i < n; i++) {
		log_info("incident %s: remembered as discreet", ids[i]);
		outputs_discreet_known(d->out, ids[i]);
	}
}

/* Memory only: try the outbox file again. Once it opens, the events held
 * in memory are committed to it, its own pending events are re-sent and
 * new ids take its boot. */
static void
counterd_outbox_retry(struct counterd *d, int64_t now_ms)
{
	char err[512];

	d->ob_retry_at_ms = -1;
	if (outbox_on_disk(d->ob))
		return;
	if (counterd_lock(d) < 0)
		snprintf(err, sizeof err, "outbox: %s: not opened without its"
		    " lock", d->conf.outbox);
	if (d->lock_fd < 0 || counterd_outbox_file(d, err, sizeof err) < 0) {
		log_warnx("%s; outbox: NOT DURABLE, events held in memory only, "
		    "retry in %d s", err, OUTBOX_RETRY_MS / 1000);
		d->ob_retry_at_ms = now_ms + OUTBOX_RETRY_MS;
		return;
	}
	log_info("outbox: %s is open, events are durable again",
	    d->conf.outbox);
	counterd_watch_pending(d);
	counterd_load_discreet(d);
	counterd_boot_check(d);
	counterd_resend_soon(d, now_ms);
}

/* ---- MQTT ------------------------------------------------------------ */

static void
counterd_connected(struct counterd *d, int64_t now_ms)
{
	log_info("mqtt: connected to %s:%d", d->conf.host, d->conf.port);
	d->down_logged = 0;
	d->hb = 0;
	counterd_publish_status(d, 1);
	d->hb_at_ms = now_ms + (int64_t)d->conf.heartbeat_s * 1000;
	/* every (re)connect re-sends everything still awaiting a receipt */
	d->resend_after = 0;
	d->resend_ms = RESEND_MIN_MS;
	d->resend_at_ms = now_ms;
	/* every connect: a broker restarted without persistence holds no
	 * hub status, and a hub that did not come back would look alive */
	d->hub_heard = 0;
	d->hub_wait_at_ms = now_ms + HUB_STATUS_WAIT_MS;
	outputs_connected(d->out, 1, now_ms);
}

static void
counterd_down(struct counterd *d, const struct mqtt_ev *ev, int64_t now_ms)
{
	char retry[32];

	clock_fmt_duration(mqtt_timeout_ms(d->mqtt, now_ms), retry,
	    sizeof retry);
	if (ev->type == MQTT_EV_LOST || !d->down_logged)
		log_warnx("mqtt: %s, retry in %s", ev->detail, retry);
	else
		log_debug("mqtt: %s, retry in %s", ev->detail, retry);
	d->down_logged = 1;
	d->hb_at_ms = d->resend_at_ms = d->hub_wait_at_ms = -1;
	outputs_connected(d->out, 0, now_ms);
}

static void
counterd_receipt(struct counterd *d, const struct proto_feedback *fb)
{
	int r;

	/* the hub paged it but could not store it: the desk may show that
	 * help is being called, but the press stays here and is sent again
	 * until a plain receipt says it is safe */
	if (fb->provisional) {
		log_warnx("event %s: provisional receipt, incident %s: the hub "
		    "paged it but cannot store it yet; kept and sent again",
		    fb->event, fb->incident[0] ? fb->incident : "none");
		return;
	}
	r = outbox_ack(d->ob, fb->event);
	/* taken, but something in it was wrong: our firmware, or its clock */
	if (fb->problem[0])
		log_warnx("event %s: the hub took it, but says: %s", fb->event,
		    fb->problem);

	if (r < 0)
		log_warnx("event %s: outbox: cannot remove", fb->event);
	else if (r == 0)
		log_debug("event %s: receipt for an event not in the outbox",
		    fb->event);
	else
		log_info("event %s: receipt from hub%s, incident %s", fb->event,
		    fb->duplicate ? " (duplicate)" : "",
		    fb->incident[0] ? fb->incident : "none");
	if (outbox_count(d->ob) == 0) {
		d->resend_at_ms = -1;
		d->resend_after = 0;
	}
}

/* The hub's status. A hub that comes back may have died with events it
 * had taken from the broker but not stored: re-send what awaits a receipt
 * now rather than at the end of a back-off of up to 30 s. A hub that is
 * offline while the broker is up makes the desk show "not ready": a
 * button that looks alive but reaches nobody is the worst failure. */
static void
counterd_hub_status(struct counterd *d, const struct mqtt_ev *ev,
    int64_t now_ms)
{
	struct proto_hub_status hs;
	const char *why = NULL;
	int was = d->hub_online;

	if (ev->len == 0) {
		/* retained status cleared: as if never heard */
		d->hub_online = -1;
		d->hub_heard = 0;
		d->hub_wait_at_ms = now_ms + HUB_STATUS_WAIT_MS;
		return;
	}
	if (proto_decode_hub_status((const char *)ev->payload, ev->len, &hs,
	    &why) < 0) {
		log_warnx("hub status: rejected: %s", why ? why : "invalid");
		return;
	}
	d->hub_online = hs.online != 0;
	d->hub_heard = 1;
	d->hub_wait_at_ms = -1;
	outputs_hub(d->out, d->hub_online, now_ms);
	/* a hub that has just come (back) saw only our retained status: a
	 * live one lets it measure our clock now, not a heartbeat later */
	if (was != 1 && d->hub_online && !ev->retained)
		counterd_publish_status(d, 1);
	if (was != 1 && d->hub_online) {
		/* back, or heard again after a silence: what it may have
		 * missed goes now */
		log_info(was == 0 ? "hub online again: re-sending what awaits "
		    "a receipt" : "hub online");
		d->resend_after = 0;
		d->resend_ms = RESEND_MIN_MS;
		d->resend_at_ms = outbox_count(d->ob) ? now_ms : -1;
	} else if (was != d->hub_online) {
		log_warnx("hub offline: the desk shows \"not ready\"; presses "
		    "are kept and re-sent when it is back");
	}
}

/* Connected for HUB_STATUS_WAIT_MS and the broker holds no status of the
 * hub: it has never run here, or cannot reach this broker. */
static void
counterd_hub_missing(struct counterd *d, int64_t now_ms)
{
	d->hub_wait_at_ms = -1;
	if (d->hub_heard)
		return;
	d->hub_online = -1;
	log_warnx("hub: no status on %s within %d s (is hubd running, on "
	    "this broker?): the desk shows \"not ready\"", d->t_hub_status,
	    HUB_STATUS_WAIT_MS / 1000);
	outputs_hub(d->out, 0, now_ms);
}

static void
counterd_message(struct counterd *d, const struct mqtt_ev *ev, int64_t now_ms)
{
	struct proto_feedback fb;
	const char *why = NULL;

	if (strcmp(ev->topic, d->t_hub_status) == 0) {
		counterd_hub_status(d, ev, now_ms);
		return;
	}
	if (strcmp(ev->topic, d->t_feedback) != 0) {
		log_debug("mqtt: ignored message on %s", ev->topic);
		return;
	}
	if (proto_decode_feedback((const char *)ev->payload, ev->len, &fb,
	    &why) < 0) {
		log_warnx("feedback: rejected: %s", why ? why : "invalid");
		return;
	}
	if (fb.type == PROTO_FEEDBACK_RECEIPT)
		counterd_receipt(d, &fb);
	else
		log_info("incident %s: %s (%s, %u of %u acknowledged)",
		    fb.incident, proto_istate_name(fb.state),
		    proto_kind_name(fb.kind), fb.acks, fb.needed);
	outputs_feedback(d->out, &fb, now_ms);
}

static void
counterd_mqtt(struct counterd *d)
{
	struct mqtt_ev ev;

	while (mqtt_next(d->mqtt, &ev)) {
		int64_t now_ms = clock_mono_ms();

		switch (ev.type) {
		case MQTT_EV_CONNECTED:
			counterd_connected(d, now_ms);
			break;
		case MQTT_EV_CONNECT_FAILED:
		case MQTT_EV_LOST:
			counterd_down(d, &ev, now_ms);
			break;
		case MQTT_EV_MESSAGE:
			counterd_message(d, &ev, now_ms);
			break;
		case MQTT_EV_DELIVERED:
			counterd_delivered(d, ev.token);
			break;
		case MQTT_EV_SUBSCRIBE_FAILED:
			log_warnx("mqtt: %s: no receipts or desk-light "
			    "states can arrive", ev.detail);
			break;
		}
		mqtt_ev_release(&ev);
	}
}

/* ---- configuration reload -------------------------------------------- */

static void
counterd_log_init(const struct counterd *d)
{
	log_init("counterd", d->debug ? LOG_LVL_DEBUG :
	    (enum log_level)d->conf.log_level, d->conf.syslog);
	log_stamp_lines(1);
}

/* Copy what a reload may change while running: levels, intervals and the
 * meaning and timing of gestures. Wiring, lines, names, broker and paths
 * need a restart. */
static void
counterd_conf_soft(struct conf *dst, const struct conf *src)
{
	dst->log_level = src->log_level;
	dst->syslog = src->syslog;
	dst->heartbeat_s = src->heartbeat_s;
	dst->confirm_timeout_s = src->confirm_timeout_s;
	dst->discreet_kinds = src->discreet_kinds;
	for (unsigned i = 0; i < dst->nbuttons && i < src->nbuttons; i++) {
		struct button_spec *s = &dst->buttons[i].spec;
		struct button_spec n = src->buttons[i].spec;

		/* the wiring stays: it is how the line is read */
		n.active_low = s->active_low;
		n.normally_closed = s->normally_closed;
		*s = n;
		dst->buttons[i].discreet = src->buttons[i].discreet;
	}
}

static void
counterd_reload(struct counterd *d, const char *path)
{
	static struct conf fresh, merged;	/* large: keep off the stack */
	char err[CFG_ERR_MAX];

	/* after fixing the disk, a reload is the way to say so */
	if (!outbox_on_disk(d->ob))
		d->ob_retry_at_ms = clock_mono_ms();
	if (conf_load(&fresh, path, err, sizeof err) < 0) {
		log_warnx("config: %s; keeping the running config", err);
		return;
	}
	memcpy(&merged, &d->conf, sizeof merged);
	counterd_conf_soft(&merged, &fresh);
	login_wipe(&merged.login);	/* fresh has not read the secret */
	if (memcmp(&merged, &fresh, sizeof merged) != 0)
		log_warnx("config: %s: wiring, lines, names, broker or paths "
		    "changed; restart counterd to apply them", path);
	counterd_conf_soft(&d->conf, &fresh);
	for (unsigned i = 0; i < d->conf.nbuttons; i++)
		d->buttons[i].spec = d->conf.buttons[i].spec;
	if (d->hb_at_ms >= 0)
		d->hb_at_ms = counterd_min(d->hb_at_ms, clock_mono_ms() +
		    (int64_t)d->conf.heartbeat_s * 1000);
	counterd_log_init(d);
	log_info("config: reloaded %s", path);
}

/* ---- the loop -------------------------------------------------------- */

/* Read the edges that came while the loop was busy (a slow commit, say)
 * before the buttons' clocks move on to now: read after, each would be
 * dated now, and a whole short press could shrink to a spike that
 * debouncing drops. */
static void
counterd_gpio_drain(struct counterd *d)
{
	struct pollfd pfd[GPIO_FDS_MAX];
	int n = d->npfd - PFD_GPIO;

	memcpy(pfd, &d->pfd[PFD_GPIO], (size_t)n * sizeof *pfd);
	if (poll(pfd, (nfds_t)n, 0) <= 0)
		return;
	for (int i = 0; i < n; i++)
		if (pfd[i].revents & (POLLIN | POLLERR))
			counterd_gpio(d, pfd[i].fd);
}

static void
counterd_due(struct counterd *d)
{
	struct button_event be[BUTTON_EV_MAX];
	int64_t now_ns, now_ms;

	counterd_gpio_drain(d);
	now_ns = clock_mono_ns();
	now_ms = now_ns / NS_PER_MS;
	for (unsigned i = 0; i < d->conf.nbuttons; i++)
		counterd_gestures(d, i, be, button_tick(&d->buttons[i], now_ns, be),
		    now_ns);
	outputs_tick(d->out, now_ms);
	mqtt_service(d->mqtt, now_ms);
	if (d->hb_at_ms >= 0 && now_ms >= d->hb_at_ms) {
		d->hb++;
		counterd_publish_status(d, 1);
		d->hb_at_ms = now_ms + (int64_t)d->conf.heartbeat_s * 1000;
	}
	if (d->resend_at_ms >= 0 && now_ms >= d->resend_at_ms)
		counterd_resend(d, now_ms);
	if (d->ob_retry_at_ms >= 0 && now_ms >= d->ob_retry_at_ms)
		counterd_outbox_retry(d, now_ms);
	if (d->hub_wait_at_ms >= 0 && now_ms >= d->hub_wait_at_ms)
		counterd_hub_missing(d, now_ms);
}

/* Arm the one timer for the earliest deadline, in ns; disarm if none. */
static void
counterd_arm(struct counterd *d)
{
	int64_t now_ms = clock_mono_ms(), next = -1, t;

	for (unsigned i = 0; i < d->conf.nbuttons; i++)
		next = counterd_min(next, button_next_deadline(&d->buttons[i]));
	if ((t = outputs_next_deadline(d->out, now_ms)) >= 0)
		next = counterd_min(next, t * NS_PER_MS);
	if (d->hb_at_ms >= 0)
		next = counterd_min(next, d->hb_at_ms * NS_PER_MS);
	if (d->resend_at_ms >= 0)
		next = counterd_min(next, d->resend_at_ms * NS_PER_MS);
	if (d->ob_retry_at_ms >= 0)
		next = counterd_min(next, d->ob_retry_at_ms * NS_PER_MS);
	if (d->hub_wait_at_ms >= 0)
		next = counterd_min(next, d->hub_wait_at_ms * NS_PER_MS);
	/* a press waiting for the broker must not sit out a long back-off
	 * once it is back */
	mqtt_urgent(d->mqtt, outbox_count(d->ob) ? RECONNECT_URGENT_MS : 0);
	if ((t = mqtt_timeout_ms(d->mqtt, now_ms)) >= 0)
		next = counterd_min(next, (now_ms + t) * NS_PER_MS);
	if (clock_timerfd_arm(d->pfd[PFD_TIMER].fd, next) < 0)
		fatal("timerfd_settime");
}

/* Returns 1 to go on, 0 to stop. */
static int
counterd_signal(struct counterd *d, const char *conf_path)
{
	struct signalfd_siginfo si;

	while (read(d->pfd[PFD_SIGNAL].fd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGHUP) {
			counterd_reload(d, conf_path);
			continue;
		}
		log_info("signal %d: stopping", (int)si.ssi_signo);
		return 0;
	}
	return 1;
}

static void
counterd_loop(struct counterd *d, const char *conf_path)
{
	uint64_t ticks;

	while (!d->stop) {
		counterd_due(d);
		counterd_arm(d);
		if (poll(d->pfd, (nfds_t)d->npfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (d->pfd[PFD_SIGNAL].revents & POLLIN)
			d->stop = !counterd_signal(d, conf_path);
		if (d->pfd[PFD_TIMER].revents & POLLIN &&
		    read(d->pfd[PFD_TIMER].fd, &ticks, sizeof ticks) < 0 &&
		    errno != EAGAIN)
			log_warn("timerfd read");
		for (int i = PFD_GPIO; i < d->npfd; i++)
			if (d->pfd[i].revents & (POLLIN | POLLERR))
				counterd_gpio(d, d->pfd[i].fd);
		if (d->pfd[PFD_MQTT].revents & POLLIN)
			counterd_mqtt(d);
	}
}

/* ---- setup and teardown ---------------------------------------------- */

static void
counterd_output_set(void *ctx, unsigned idx, int on)
{
	struct counterd *d = ctx;

	if (gpio_output_set(d->gpio, idx, on) < 0)
		log_warn("output %s: cannot set", d->conf.outputs[idx].name);
}

static void
counterd_output_note(void *ctx, unsigned idx, int on, const char *pattern,
    const char *desc)
{
	struct counterd *d = ctx;
	const char *how = !on ? "off" : strcmp(pattern, "ack") == 0 ||
	    strcmp(pattern, "on") == 0 || strcmp(pattern, "hold") == 0 ||
	    strcmp(pattern, "pulse") == 0 ? "on" : "blinking";

	log_info("output %s: %s (%s)", d->conf.outputs[idx].name, how, desc);
	if (gpio_output_note(d->gpio, idx, on, pattern) < 0)
		log_warn("output %s: cannot report", d->conf.outputs[idx].name);
}

/* Remembered in the outbox, so that after a restart the hub's state for
 * the incident (whose kind may be plain help) still leaves the desk dark. */
static void
counterd_output_discreet(void *ctx, const char *incident, int on)
{
	struct counterd *d = ctx;

	if (on)
		log_info("incident %s: discreet, not shown at the desk",
		    incident);
	if (outbox_discreet(d->ob, incident, on) < 0 && outbox_on_disk(d->ob))
		log_warnx("incident %s: outbox: cannot %s it as discreet",
		    incident, on ? "remember" : "forget");
}

static const struct outputs_ops counterd_output_ops = {
	.set = counterd_output_set,
	.note = counterd_output_note,
	.discreet = counterd_output_discreet,
};

static void
counterd_open_io(struct counterd *d)
{
	char err[512];
	int64_t now_ns = clock_mono_ns();
	int fds[GPIO_FDS_MAX], n;

	if (!(d->gpio = gpio_open(&d->conf, err, sizeof err)))
		fatalx("%s", err);
	for (unsigned i = 0; i < d->conf.nbuttons; i++) {
		int level = button_level(&d->conf.buttons[i].spec, 0);

		if (gpio_get(d->gpio, i, &level) < 0)
			log_warn("button %s: cannot read its line",
			    d->conf.buttons[i].name);
		button_init(&d->buttons[i], &d->conf.buttons[i].spec, level, now_ns);
	}
	n = gpio_fds(d->gpio, fds, GPIO_FDS_MAX);
	for (int i = 0; i < n; i++)
		d->pfd[PFD_GPIO + i] = (struct pollfd){ .fd = fds[i],
		    .events = POLLIN };
	d->npfd = PFD_GPIO + n;
	if (!(d->out = outputs_new(&d->conf, &counterd_output_ops, d)))
		fatal("outputs");
}

static void
counterd_topics(struct counterd *d)
{
	const struct conf *c = &d->conf;

	if (proto_topic_build(d->t_event, sizeof d->t_event, c->topic_prefix,
	    c->site, PROTO_TOPIC_EVENT, c->counter) < 0 ||
	    proto_topic_build(d->t_status, sizeof d->t_status, c->topic_prefix,
	    c->site, PROTO_TOPIC_STATUS, c->counter) < 0 ||
	    proto_topic_build(d->t_feedback, sizeof d->t_feedback,
	    c->topic_prefix, c->site, PROTO_TOPIC_FEEDBACK, c->counter) < 0 ||
	    proto_topic_build(d->t_hub_status, sizeof d->t_hub_status,
	    c->topic_prefix, c->site, PROTO_TOPIC_HUB_STATUS, NULL) < 0)
		fatalx("config: cannot build topics for %s/%s", c->site,
		    c->counter);
}

static void
counterd_open_mqtt(struct counterd *d)
{
	char will[PROTO_MAX_PAYLOAD];
	int len = counterd_status(d, 0, 0, will, sizeof will);
	struct mqtt_will w = { d->t_status, will, (size_t)len, 1, 1 };
	const char *risk = login_risk(&d->conf.login, d->conf.host);
	struct mqtt_opts o = {
		.host = d->conf.host, .port = d->conf.port,
		.client_id = d->conf.client_id,
		.keepalive_s = d->conf.keepalive_s,
		/* a stable client id and a kept session: the broker holds the
		 * QoS 1 feedback sent while we were away (docs/FIRMWARE.md) */
		.clean_session = 0,
		.will = &w,
	};

	if (len < 0)
		fatalx("status: cannot encode the Last Will");
	login_opts(&d->conf.login, &o);
	if (!(d->mqtt = mqtt_new(&o)))
		fatalx("mqtt: %s", mqtt_error());
	if (mqtt_subscribe(d->mqtt, d->t_feedback, 1) < 0 ||
	    mqtt_subscribe(d->mqtt, d->t_hub_status, 1) < 0)
		fatal("mqtt: subscribe");
	d->pfd[PFD_MQTT] = (struct pollfd){ .fd = mqtt_fd(d->mqtt),
	    .events = POLLIN };
	if (risk)
		log_warnx("mqtt: %s:%d: %s", d->conf.host, d->conf.port, risk);
	mqtt_connect(d->mqtt);
}

/* Block the signals before Paho starts a thread, then read them from a
 * signalfd in the loop. */
static void
counterd_open_fds(struct counterd *d)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);
	d->pfd[PFD_SIGNAL] = (struct pollfd){ .fd = fd, .events = POLLIN };
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		fatal("timerfd_create");
	d->pfd[PFD_TIMER] = (struct pollfd){ .fd = fd, .events = POLLIN };
}

/* Wait (bounded, sleeping in poll) until the broker has taken publish
 * token, so the disconnect need not linger for Paho's own timeout. */
static void
counterd_await_delivery(struct counterd *d, int token)
{
	int64_t until = clock_mono_ms() + SHUTDOWN_WAIT_MS, left;
	struct pollfd p = { .fd = mqtt_fd(d->mqtt), .events = POLLIN };
	struct mqtt_ev ev;
	int done = 0;

	while (!done && (left = until - clock_mono_ms()) > 0 &&
	    poll(&p, 1, (int)left) >= 0) {
		while (mqtt_next(d->mqtt, &ev)) {
			done |= ev.type == MQTT_EV_DELIVERED && ev.token == token;
			done |= ev.type == MQTT_EV_LOST;
			mqtt_ev_release(&ev);
		}
	}
}

/* A clean disconnect suppresses the Will, so say offline ourselves; the
 * outbox is already committed. Outputs go dark: a sounder must not stay on
 * after the daemon that would turn it off. */
static void
counterd_teardown(struct counterd *d)
{
	int token;

	if (mqtt_is_connected(d->mqtt)) {
		if ((token = counterd_publish_status(d, 0)) >= 0)
			counterd_await_delivery(d, token);
		mqtt_disconnect(d->mqtt, 100);
	}
	mqtt_free(d->mqtt);
	login_wipe(&d->conf.login);
	for (unsigned i = 0; i < d->conf.noutputs; i++)
		gpio_output_set(d->gpio, i, 0);
	if (outbox_flush(d->ob) > 0)
		log_warnx("outbox: events held in memory are lost");
	outbox_close(d->ob);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	outputs_free(d->out);
	gpio_close(d->gpio);
	close(d->pfd[PFD_SIGNAL].fd);
	close(d->pfd[PFD_TIMER].fd);
	log_info("stopped");
}

int
main(int argc, char **argv)
{
	static struct counterd d;
	struct daemon_opts o = { 0 };
	char err[CFG_ERR_MAX];
	int rc;

	if ((rc = daemon_opts_parse(argc, argv, "counterd", COUNTERD_CONF,
	    &o)) >= 0)
		return rc;
	d.debug = o.debug;
	log_init("counterd", LOG_LVL_INFO, 0);
	if (conf_load(&d.conf, o.path, err, sizeof err) < 0 ||
	    login_secrets(&d.conf.login, o.path, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (o.check) {
		if (o.verbose)
			conf_print(&d.conf, stdout);
		else
			printf("%s: valid: counter %s of site %s, %u buttons,"
			    " %u outputs\n", o.path, d.conf.counter,
			    d.conf.site, d.conf.nbuttons, d.conf.noutputs);
		return 0;
	}
	counterd_log_init(&d);
	counterd_open_fds(&d);
	counterd_topics(&d);
	d.ob_retry_at_ms = -1;
	d.lock_fd = -1;
	counterd_open_outbox(&d);
	snprintf(d.boot, sizeof d.boot, "%s", outbox_boot(d.ob));
	counterd_open_io(&d);
	counterd_watch_pending(&d);
	counterd_load_discreet(&d);
	counterd_open_mqtt(&d);
	log_info("started %s, counter %s/%s, boot %s, gpio %s", COUNTERD_VERSION,
	    d.conf.site, d.conf.counter, outbox_boot(d.ob),
	    d.conf.backend == CONF_GPIO_SIM ? d.conf.sim_socket : "gpiod");
	d.hb_at_ms = d.resend_at_ms = -1;
	d.hub_online = -1;
	d.hub_wait_at_ms = -1;
	d.resend_ms = RESEND_MIN_MS;
	counterd_loop(&d, o.path);
	counterd_teardown(&d);
	return 0;
}
