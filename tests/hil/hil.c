/* hil.c: `make hil` — counterd's libgpiod backend against a real kernel
 * GPIO chip. Boots Debian's kernel under QEMU with gpio-sim, runs the real
 * counterd in the guest against the broker and hubd on this host (the
 * guest reaches them at 10.0.2.2), drives the chip's lines as wired
 * switches would and checks what crosses the broker and what the output
 * lines show. One boot runs every scenario; docs/HIL.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"
#include "harness.h"
#include "proto.h"
#include "vm.h"

/* The chip's lines, in order; the buttons and outputs of HIL_CONF. */
enum { L_HI, L_LOW, L_NAMED, L_STUCK, L_DESK, L_INV };
#define HIL_LABEL	"hil-desk"
#define HIL_LINES	"BTN_HI BTN_LOW BTN_NAMED BTN_STUCK LED_DESK LED_INV"
#define HI_LONG_MS	1000
#define STUCK_MS	1500
#define EV_MS		5000	/* deadline for an event that must come */
#define CMD_MS		10000	/* deadline for a guest command */

/* hi: active-high with a pull-down, short and long presses; main: the
 * defaults (active-low, pull-up), a contact to ground; named: found by
 * line name on the chip's device name; stuck: a fault after STUCK_MS.
 * desk is the status light, desk_inv the same wired active-low. */
#define HIL_CONF \
	"site = \"" FX_SITE "\";\ncounter = \"c1\";\n" \
	"broker = { host = \"10.0.2.2\"; port = %d; keepalive_s = 5; };\n" \
	"outbox = \"%s\";\n" \
	"log_level = \"debug\";\n" \
	"gpio = { backend = \"gpiod\"; };\n" \
	"buttons = (\n" \
	" { name = \"hi\"; chip = \"" HIL_LABEL "\"; line = 0;" \
	" active_low = false; bias = \"pull-down\"; debounce_ms = 80;" \
	" long_ms = %d; short = \"help\"; long = \"emergency\"; },\n" \
	" { name = \"main\"; chip = \"" HIL_LABEL "\"; line = 1; },\n" \
	" { name = \"named\"; chip = \"%s\"; line = \"BTN_NAMED\";" \
	" active_low = false; bias = \"pull-down\"; long = \"none\"; },\n" \
	" { name = \"stuck\"; chip = \"" HIL_LABEL "\"; line = 3;" \
	" active_low = false; bias = \"pull-down\"; long = \"none\";" \
	" long_ms = 500; stuck_ms = %d; } );\n" \
	"outputs = (\n" \
	" { name = \"desk\"; role = \"status\"; chip = \"" HIL_LABEL "\";" \
	" line = 4; },\n" \
	" { name = \"desk_inv\"; role = \"status\"; chip = \"" HIL_LABEL "\";" \
	" line = 5; active_low = true; } );\n"

struct hil {
	struct harness *h;
	struct vm *vm;
	char chip[64];		/* the chip's device name, "gpiochip0" */
	char why[2048];		/* what the failing scenario saw */
	char note[128];		/* what a passing one measured */
};

#define FAIL(x, ...) do { \
	snprintf((x)->why, sizeof (x)->why, __VA_ARGS__); \
	return -1; \
} while (0)

/* Run a guest command (printf-style); on failure its answer becomes the
 * reason. */
static int __attribute__((format(printf, 4, 5)))
hil_do(struct hil *x, char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[256], buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (vm_cmd(x->vm, out ? out : buf, out ? outlen : sizeof buf, CMD_MS,
	    "%s", cmd) < 0)
		FAIL(x, "guest: %.200s: %.1000s", cmd, out ? out : buf);
	return 0;
}

/* The next first-sent event of c1 (re-sends, attempt > 1, are the
 * outbox's business and skipped). Returns 0, or -1 on timeout. */
static int
hil_event(struct hil *x, struct proto_event *ev, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	do {
		if (fx_next_event(x->h, "c1", ev, (int)(end - clock_mono_ms())) < 0)
			return -1;
	} while (ev->attempt > 1);
	return 0;
}

/* Wait for the next event and check it is button's gesture and kind. */
static int
hil_expect(struct hil *x, struct proto_event *ev, const char *button,
    enum proto_gesture g, enum proto_kind k, int timeout_ms)
{
	if (hil_event(x, ev, timeout_ms) < 0)
		FAIL(x, "no %s %s event from button %s within %d ms",
		    proto_kind_name(k), proto_gesture_name(g), button, timeout_ms);
	if (strcmp(ev->button, button) != 0 || ev->gesture != g ||
	    ev->kind != k)
		FAIL(x, "expected %s %s from %s, got %s %s from %s (%s)",
		    proto_kind_name(k), proto_gesture_name(g), button,
		    proto_kind_name(ev->kind), proto_gesture_name(ev->gesture),
		    ev->button, ev->id);
	return 0;
}

/* Nothing more from the board for ms: no second press, no late long. */
static int
hil_quiet(struct hil *x, int ms)
{
	struct proto_event ev;

	h_pump(x->h, ms);
	if (hil_event(x, &ev, 0) == 0)
		FAIL(x, "unexpected event %s %s from %s (%s)",
		    proto_kind_name(ev.kind), proto_gesture_name(ev.gesture),
		    ev.button, ev.id);
	return 0;
}

/* Sample the desk light and its active-low twin over 1.2 s, longer than
 * any blink period, until both hold steady at desk (twin at !desk). */
static int
hil_steady(struct hil *x, int desk, int timeout_ms)
{
	char out[128], want[32];
	int64_t end = clock_mono_ms() + timeout_ms;

	snprintf(want, sizeof want, "%s %s", desk ? "1111111111111" :
	    "0000000000000", desk ? "0000000000000" : "1111111111111");
	do {
		if (hil_do(x, out, sizeof out, "sample 13 100 %d %d", L_DESK,
		    L_INV) < 0)
			return -1;
		if (strcmp(out, want) == 0)
			return 0;
	} while (clock_mono_ms() < end);
	FAIL(x, "desk light and twin not steady %s: last sampled \"%s\"",
	    desk ? "on/off" : "off/on", out);
}

/* Write the board's config (its outbox at outbox), check it with the
 * host's counterd, start counterd in the guest with it and wait for its
 * online status. */
static int
hil_start(struct hil *x, const char *name, const char *outbox)
{
	static char conf[4096];
	char guest[128], topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	struct proto_status st;

	snprintf(conf, sizeof conf, HIL_CONF, x->h->port, outbox, HI_LONG_MS,
	    x->chip, STUCK_MS);
	snprintf(guest, sizeof guest, "/etc/%s", name);
	if (!h_write(x->h, name, "%s", conf) ||
	    h_run(x->h, "check", 10000, "counterd", "--check", "-c",
	    h_path(x->h, name), (char *)NULL) != 0)
		FAIL(x, "counterd --check refuses %s", name);
	h_mark_seen(x->h);
	if (vm_put(x->vm, guest, conf) < 0 ||
	    hil_do(x, NULL, 0, "start -c %s", guest) < 0)
		FAIL(x, "cannot start counterd in the guest");
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, "c1");
	while ((m = h_wait_msg(x->h, topic, 30000)) != NULL)
		if (proto_decode_status((const char *)m->payload, m->len, &st,
		    NULL) == 0 && st.online)
			return 0;
	FAIL(x, "counterd in the guest never came online (%s)", name);
}

/* Press, page, blink; acknowledged: steady on; resolved: off. */
static int
sc_desk(struct hil *x)
{
	struct proto_event ev;
	struct proto_page pg;
	char out[128];

	if (hil_do(x, out, sizeof out, "sample 3 50 %d %d", L_DESK, L_INV) < 0)
		return -1;
	if (strcmp(out, "000 111") != 0)
		FAIL(x, "idle outputs: desk and twin read \"%s\", want \"000 111\"",
		    out);
	if (hil_do(x, NULL, 0, "pulse %d 1 250", L_HI) < 0 ||
	    hil_expect(x, &ev, "hi", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0)
		return -1;
	if (fx_next_page(x->h, "sup", &pg, EV_MS) < 0)
		FAIL(x, "no page for %s", ev.id);
	if (hil_do(x, out, sizeof out, "sample 13 100 %d %d", L_DESK,
	    L_INV) < 0)
		return -1;
	if (!strchr(out, '0') || !strchr(out, '1') || out[13] != ' ')
		FAIL(x, "desk light not blinking (sent/received): \"%s\"", out);
	if (fx_reply(x->h, "sup", pg.incident, PROTO_ACTION_ACK, 0, NULL) < 0 ||
	    hil_steady(x, 1, 8000) < 0)
		return -1;
	if (fx_reply(x->h, "sup", pg.incident, PROTO_ACTION_RESOLVE,
	    PROTO_CAT_OTHER, "hil") < 0 || hil_steady(x, 0, 8000) < 0)
		return -1;
	snprintf(x->note, sizeof x->note, "incident %s", pg.incident);
	return 0;
}

static int
sc_short(struct hil *x)
{
	struct proto_event ev;

	if (hil_do(x, NULL, 0, "pulse %d 1 250", L_HI) < 0 ||
	    hil_expect(x, &ev, "hi", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0)
		return -1;
	if (ev.upgrades[0] || ev.held_ms != -1)
		FAIL(x, "press %s: upgrades \"%s\", held_ms %lld", ev.id,
		    ev.upgrades, (long long)ev.held_ms);
	return hil_quiet(x, HI_LONG_MS + 700);
}

/* Held past long_ms: the press at once, then the long upgrading it. */
static int
sc_long(struct hil *x)
{
	struct proto_event press, up;

	if (hil_do(x, NULL, 0, "set %d 1", L_HI) < 0 ||
	    hil_expect(x, &press, "hi", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0 ||
	    hil_expect(x, &up, "hi", PROTO_GESTURE_LONG, PROTO_KIND_EMERGENCY,
	    HI_LONG_MS + EV_MS) < 0 || hil_do(x, NULL, 0, "set %d 0", L_HI) < 0)
		return -1;
	if (strcmp(up.upgrades, press.id) != 0 ||
	    up.pressed_ms != press.pressed_ms || up.held_ms != HI_LONG_MS)
		FAIL(x, "long %s: upgrades \"%s\" (want %s), pressed_ms %lld "
		    "(want %lld), held_ms %lld (want %d)", up.id, up.upgrades,
		    press.id, (long long)up.pressed_ms,
		    (long long)press.pressed_ms, (long long)up.held_ms,
		    HI_LONG_MS);
	return hil_quiet(x, 700);
}

/* How many edges of button hi the guest's counterd has read from the
 * kernel (its debug log; the reconciling reads end in "(reconciled)"). */
static int
hil_edges(struct hil *x)
{
	char out[64];

	if (hil_do(x, out, sizeof out, "%s", "count "
	    "gpio:.button.hi.level.[01].at.[0-9]*$ /tmp/counterd.log") < 0)
		return -1;
	return atoi(out);
}

/* A contact that bounces 31 times going down and 31 coming up, an edge
 * every 1-2 ms (counterd reads each one as it comes), so no gap in a
 * burst reaches the 80 ms debounce: one press, nothing else. The debounce
 * is long so that a host stalling the guest mid-burst cannot split it. */
static int
sc_bouncy(struct hil *x)
{
	struct proto_event ev;
	int before = hil_edges(x), after;

	if (before < 0 || hil_do(x, NULL, 0, "bounce %d 31 1", L_HI) < 0 ||
	    hil_expect(x, &ev, "hi", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0 || hil_do(x, NULL, 0, "bounce %d 31 0", L_HI) < 0 ||
	    hil_quiet(x, HI_LONG_MS + 700) < 0 || (after = hil_edges(x)) < 0)
		return -1;
	if (after - before < 4)
		FAIL(x, "only %d edges reached counterd: the bounce was not seen",
		    after - before);
	snprintf(x->note, sizeof x->note, "62 flips, %d edges read",
	    after - before);
	return 0;
}

/* The same bounce while counterd is stopped (a busy board): the kernel
 * keeps 16 events per line and drops the rest, so most edges are lost.
 * Still one press; and the release, lost as well, must not leave the
 * button held (a long press would follow). */
static int
sc_lost(struct hil *x)
{
	struct proto_event ev;
	int before = hil_edges(x), after;

	if (before < 0 || hil_do(x, NULL, 0, "freeze") < 0 ||
	    hil_do(x, NULL, 0, "bounce %d 41 1", L_HI) < 0 ||
	    hil_do(x, NULL, 0, "thaw") < 0 ||
	    hil_expect(x, &ev, "hi", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0 || hil_do(x, NULL, 0, "freeze") < 0 ||
	    hil_do(x, NULL, 0, "bounce %d 41 0", L_HI) < 0 ||
	    hil_do(x, NULL, 0, "thaw") < 0 ||
	    hil_quiet(x, HI_LONG_MS + 700) < 0 || (after = hil_edges(x)) < 0)
		return -1;
	if (after - before > 2 * 16)
		FAIL(x, "%d edges read: the kernel kept more than 16 per burst, "
		    "nothing was lost", after - before);
	snprintf(x->note, sizeof x->note, "82 flips, %d edges read",
	    after - before);
	return 0;
}

/* Pressed while counterd is stopped for BUSY_MS (a board busy elsewhere):
 * the edge carries the kernel's timestamp, so the long hold is timed from
 * the press, not from when counterd got round to reading it. Read-time
 * stamps would put the long event long_ms after the press event; the
 * kernel's put it long_ms - BUSY_MS after. */
#define BUSY_MS 600
static int
sc_stamp(struct hil *x)
{
	struct proto_event press, up;
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	int64_t t_press = -1, t_long = -1;

	if (hil_do(x, NULL, 0, "freeze") < 0 ||
	    hil_do(x, NULL, 0, "set %d 1", L_HI) < 0 ||
	    hil_do(x, NULL, 0, "hold %d", BUSY_MS) < 0 ||
	    hil_do(x, NULL, 0, "thaw") < 0 ||
	    hil_expect(x, &press, "hi", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0 ||
	    hil_expect(x, &up, "hi", PROTO_GESTURE_LONG, PROTO_KIND_EMERGENCY,
	    HI_LONG_MS + EV_MS) < 0 || hil_do(x, NULL, 0, "set %d 0", L_HI) < 0)
		return -1;
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_EVENT,
	    "c1");
	for (size_t i = 0; i < x->h->nmsgs; i++) {
		m = &x->h->msgs[i];
		if (!h_topic_match(topic, m->topic))
			continue;
		if (strstr((const char *)m->payload, press.id) && t_press < 0)
			t_press = m->t_ms;
		if (strstr((const char *)m->payload, up.id) && t_long < 0)
			t_long = m->t_ms;
	}
	if (t_long - t_press > HI_LONG_MS - BUSY_MS / 2)
		FAIL(x, "long event %lld ms after the press: the press was dated "
		    "when read, not by the kernel (want about %d ms)",
		    (long long)(t_long - t_press), HI_LONG_MS - BUSY_MS);
	snprintf(x->note, sizeof x->note, "long %lld ms after the press",
	    (long long)(t_long - t_press));
	return hil_quiet(x, 700);
}

static int
sc_named(struct hil *x)
{
	struct proto_event ev;

	if (hil_do(x, NULL, 0, "pulse %d 1 250", L_NAMED) < 0 ||
	    hil_expect(x, &ev, "named", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0)
		return -1;
	return hil_quiet(x, 700);
}

/* Requested with a pull-up, the line idles high; a contact to ground is
 * the press, raised while it is held, and the release raises nothing. */
static int
sc_active_low(struct hil *x)
{
	struct proto_event ev;
	char out[64];

	if (hil_do(x, out, sizeof out, "get %d", L_LOW) < 0)
		return -1;
	if (strcmp(out, "1") != 0)
		FAIL(x, "line BTN_LOW idles at %s: the pull-up bias was not "
		    "applied", out);
	if (hil_do(x, NULL, 0, "set %d 0", L_LOW) < 0 ||
	    hil_expect(x, &ev, "main", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0 || hil_do(x, NULL, 0, "set %d 1", L_LOW) < 0)
		return -1;
	return hil_quiet(x, 700);
}

/* Wait for c1's status to list want faults (the stuck button, if any). */
static int
hil_faults(struct hil *x, unsigned want)
{
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	struct proto_status st;

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, "c1");
	while ((m = h_wait_msg(x->h, topic, EV_MS)) != NULL)
		if (proto_decode_status((const char *)m->payload, m->len, &st,
		    NULL) == 0 && st.online && st.nfaults == want &&
		    (want == 0 || strcmp(st.faults[0], "stuck") == 0))
			return 0;
	FAIL(x, "no status listing %u fault(s)", want);
}

/* Held past stuck_ms: a press, then a fault; released: the fault clears. */
static int
sc_stuck(struct hil *x)
{
	struct proto_event ev;

	if (hil_do(x, NULL, 0, "set %d 1", L_STUCK) < 0 ||
	    hil_expect(x, &ev, "stuck", PROTO_GESTURE_PRESS, PROTO_KIND_HELP,
	    EV_MS) < 0 ||
	    hil_expect(x, &ev, "stuck", PROTO_GESTURE_HELD, PROTO_KIND_FAULT,
	    STUCK_MS + EV_MS) < 0 || hil_faults(x, 1) < 0 ||
	    hil_do(x, NULL, 0, "set %d 0", L_STUCK) < 0 ||
	    hil_expect(x, &ev, "stuck", PROTO_GESTURE_RELEASED,
	    PROTO_KIND_FAULT_CLEARED, EV_MS) < 0 || hil_faults(x, 0) < 0)
		return -1;
	return hil_quiet(x, 500);
}

/* The outbox is on the slow disk; with its write queue kept full, each
 * commit stalls counterd for a few hundred ms (an SD card can take
 * longer). A press read late (counterd stopped, then continued) is raised
 * in the read and committed; a short press of another button comes during
 * that commit, and must be raised too, dated by its edges. */
static int
sc_busy(struct hil *x)
{
	struct proto_event ev;
	int hi = 0, named = 0;

	if (hil_do(x, NULL, 0, "diskbusy on") < 0 ||
	    hil_do(x, NULL, 0, "freeze") < 0 ||
	    hil_do(x, NULL, 0, "set %d 1", L_HI) < 0 ||
	    hil_do(x, NULL, 0, "hold 300") < 0 ||
	    hil_do(x, NULL, 0, "thaw") < 0 ||
	    hil_do(x, NULL, 0, "pulse %d 1 100", L_NAMED) < 0 ||
	    hil_do(x, NULL, 0, "set %d 0", L_HI) < 0)
		return -1;
	while (!hi || !named) {
		if (hil_event(x, &ev, 2 * EV_MS) < 0)
			FAIL(x, "no press from %s within %d ms", hi ? "named" :
			    "hi", 2 * EV_MS);
		if (ev.gesture != PROTO_GESTURE_PRESS ||
		    ev.kind != PROTO_KIND_HELP ||
		    (strcmp(ev.button, "hi") != 0 &&
		    strcmp(ev.button, "named") != 0))
			FAIL(x, "unexpected %s %s from %s (%s)",
			    proto_kind_name(ev.kind),
			    proto_gesture_name(ev.gesture), ev.button, ev.id);
		hi += strcmp(ev.button, "hi") == 0;
		named += strcmp(ev.button, "named") == 0;
	}
	/* a second press from either would show here */
	return hil_do(x, NULL, 0, "diskbusy off") < 0 ? -1 : hil_quiet(x, 700);
}

static const struct {
	const char *name;
	int (*run)(struct hil *);
} scenarios[] = {
	{ "desk light follows the hub (and its active-low twin)", sc_desk },
	{ "short press", sc_short },
	{ "long press upgrades the press", sc_long },
	{ "bouncy press is one press", sc_bouncy },
	{ "edges lost in the kernel: still one press, released", sc_lost },
	{ "press while counterd is busy dated by the kernel", sc_stamp },
	{ "button line found by name", sc_named },
	{ "active-low button with pull-up bias", sc_active_low },
	{ "stuck button reported and cleared", sc_stuck },
	{ "press during a slow commit", sc_busy },
};
#define NSCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

/* Print a file of the harness's directory (or its last lines) as
 * comments: the guest's console and counterd's log explain a failure. */
static void
hil_show(struct harness *h, const char *name, int last)
{
	char *s = h_read(h, name), *p;
	int lines = 0;

	if (!s)
		return;
	for (p = s + strlen(s); p > s && lines <= last; p--)
		lines += p[-1] == '\n';
	for (char *save, *l = strtok_r(p, "\n", &save); l;
	    l = strtok_r(NULL, "\n", &save))
		printf("# %s| %s\n", name, l);
	free(s);
}

/* Make the chip, then start the board on it. */
static int
hil_board(struct hil *x)
{
	char out[512];

	if (hil_do(x, out, sizeof out, "%s", "chip " HIL_LABEL " " HIL_LINES) < 0)
		return -1;
	sscanf(out, "%63s", x->chip);
	return hil_start(x, "c1.conf", "/slow/outbox.journal");
}

/* Copy the guest's counterd log into the harness's directory. */
static void
hil_fetch_log(struct hil *x)
{
	size_t size = 1 << 20;
	char *log = malloc(size);

	if (log && vm_cmd(x->vm, log, size, CMD_MS, "cat /tmp/counterd.log") == 0)
		h_write(x->h, "counterd.log", "%s\n", log);
	free(log);
}

static int
hil_scenarios(struct hil *x)
{
	int failed = 0;

	for (int i = 0; i < NSCENARIOS; i++) {
		int64_t t0 = clock_mono_ms();
		int rc;

		x->why[0] = x->note[0] = '\0';
		h_mark_seen(x->h);
		rc = scenarios[i].run(x);
		failed += rc < 0;
		printf("%s %d - %s (%.1f s)%s%s%s%s\n", rc < 0 ? "not ok" : "ok",
		    i + 1, scenarios[i].name, (clock_mono_ms() - t0) / 1000.0,
		    x->note[0] ? ": " : "", x->note, rc < 0 ? ": " : "", x->why);
		fflush(stdout);
	}
	return failed;
}

int
main(void)
{
	const char *kernel = getenv("HIL_KERNEL"), *initrd = getenv("HIL_INITRD");
	const char *disk = getenv("HIL_DISK");
	struct hil x = { 0 };
	int64_t t0 = clock_mono_ms(), t_boot = 0, t_run;
	int failed = NSCENARIOS, setup = -1;

	if (!kernel || !initrd || !disk) {
		fprintf(stderr, "hil: set HIL_KERNEL, HIL_INITRD and HIL_DISK "
		    "(make hil)\n");
		return 2;
	}
	if (!(x.h = h_new()))
		return 1;
	printf("1..%d\n", NSCENARIOS);
	if (!fx_hub_conf(x.h, 60000, NULL, NULL) || fx_hub_start(x.h) < 0)
		snprintf(x.why, sizeof x.why, "hubd did not start");
	else if (!(x.vm = vm_start(x.h, kernel, initrd, disk, 180000)))
		snprintf(x.why, sizeof x.why, "the guest did not boot");
	else if ((t_boot = clock_mono_ms() - t0), hil_board(&x) == 0)
		setup = 0;
	t_run = clock_mono_ms();
	if (setup == 0)
		failed = hil_scenarios(&x);
	else
		printf("# hil: setup failed: %s\n", x.why);
	if (x.vm)
		hil_fetch_log(&x);
	if (failed) {
		hil_show(x.h, "qemu.log", 20);
		hil_show(x.h, "console.log", 40);
		hil_show(x.h, "counterd.log", 80);
	}
	printf("hil: %d scenarios, %d passed, %d failed (boot %.1f s, "
	    "scenarios %.1f s)\n", NSCENARIOS, NSCENARIOS - failed, failed,
	    t_boot / 1000.0, (clock_mono_ms() - t_run) / 1000.0);
	vm_free(x.vm);
	h_free(x.h);
	return failed ? 1 : 0;
}
