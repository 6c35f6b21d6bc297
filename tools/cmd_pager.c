/* cmd_pager.c: `panicctl pager PERSON` — a live console for a supervisor
 * (on a tablet, or over SSH from a phone): the pages and cancels sent to
 * the person's pager, the state of the incidents they were paged for, and
 * one key each to acknowledge, decline, mark on scene, or resolve with a
 * category and a note. The replies are the protocol's (docs/PROTOCOL.md
 * §6.5), published as the person.
 *
 * One poll loop over a signalfd (SIGINT, SIGTERM), stdin and the MQTT
 * client. On a terminal, stdin is read key by key (raw mode, restored on
 * every way out); from a pipe or file, line by line ("a", "d #12",
 * "r 1 note ..."), and the console ends at the end of input once its
 * replies are delivered. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "mqtt.h"
#include "panicctl.h"
#include "period.h"
#include "table.h"

#define PAGER_USAGE "usage: panicctl pager PERSON [-c HUBCONF] " \
	"[--identity FILE]\n"
#define PAGER_INCIDENTS_MAX	32
#define PAGER_LINE_MAX		(PROTO_NOTE_MAX + 64)
#define PAGER_DRAIN_MS		3000	/* for replies at the end of input */
#define PAGER_SETTLE_MS		300	/* retained states after a connect */

enum { PFD_SIGNAL, PFD_STDIN, PFD_MQTT, PFD_MAX };

enum pager_mode { MODE_KEYS, MODE_CATEGORY, MODE_NOTE };

struct pager_inc {
	char id[PROTO_ID_MAX];
	char counter[PROTO_ID_MAX];
	char label[PROTO_TEXT_MAX];
	enum proto_kind kind;
	enum proto_istate state;
	uint32_t step, acks, needed;
	int paged;			/* a page came to this pager */
	int done;			/* cancelled for us, or closed */
	int64_t seen_ms;		/* last page or update, for ordering */
};

struct pager {
	struct ctl x;
	const struct conf_person *me;
	struct mqtt *m;
	int tty, raw, eof, quit;
	int64_t ready_ms;		/* piped input is read from then on */
	struct termios saved;
	enum pager_mode mode;
	char target[PROTO_ID_MAX];	/* incident being resolved */
	enum proto_category category;
	char line[PAGER_LINE_MAX];	/* note being typed, or a line read */
	size_t len;
	struct pager_inc inc[PAGER_INCIDENTS_MAX];
	unsigned ninc;
	int pending;			/* replies not yet delivered */
	int hub;			/* hub status: -1 not heard, 0, 1 */
	int note_full;			/* the note reached PROTO_NOTE_CHARS:
					   the rest of a refused character
					   is dropped too */
	char topic_page[PROTO_TOPIC_MAX], topic_reply[PROTO_TOPIC_MAX];
	char topic_hub[PROTO_TOPIC_MAX];
	char topic_maint[PROTO_TOPIC_MAX];	/* maint/<person> */
};

/* The terminal as found; restored by pager_tty_restore from any exit. */
static struct termios pager_saved_tty;
static int pager_tty_is_raw;

static void
pager_tty_restore(void)
{
	if (pager_tty_is_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &pager_saved_tty);
		pager_tty_is_raw = 0;
	}
}

/* Keys without Enter and without echo. Ctrl-C still signals (read from
 * the signalfd); Ctrl-Z is switched off, since a stopped console would
 * leave the terminal raw. */
static int
pager_tty_raw(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &pager_saved_tty) < 0)
		return -1;
	t = pager_saved_tty;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0)
		return -1;
	pager_tty_is_raw = 1;
	atexit(pager_tty_restore);
	return 0;
}

/* Emergencies stand out on a colour terminal (white on red), unless
 * NO_COLOR is set; in a pipe or a file the words "EMERGENCY !!" do. */
static int pager_colour;

static void
pager_vsay(int alarm, const char *fmt, va_list ap)
{
	struct period_local l;

	if (period_local(clock_wall_ms(), &l) == 0)
		printf("%02d:%02d:%02d  ", l.hour, l.minute % 60, l.sec);
	if (alarm && pager_colour)
		fputs("\033[1;37;41m", stdout);
	vprintf(fmt, ap);
	if (alarm && pager_colour)
		fputs("\033[0m", stdout);
	putchar('\n');
	fflush(stdout);
}

/* A line of the console: the local time, then the text. */
static void
pager_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
pager_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pager_vsay(0, fmt, ap);
	va_end(ap);
}

/* The same, highlighted when alarm (an emergency). */
static void
pager_say_alarm(int alarm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pager_say_alarm(int alarm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pager_vsay(alarm, fmt, ap);
	va_end(ap);
}

static void
pager_keys_help(const struct pager *p)
{
	if (p->tty)
		pager_say("keys: [a] acknowledge  [d] decline  [s] on scene  "
		    "[r] resolve  [n] next incident  [q] quit");
}

static struct pager_inc *
pager_find(struct pager *p, const char *id, int add)
{
	struct pager_inc *oldest = NULL;

	for (unsigned i = 0; i < p->ninc; i++)
		if (strcmp(p->inc[i].id, id) == 0)
			return &p->inc[i];
	if (!add)
		return NULL;
	if (p->ninc < PAGER_INCIDENTS_MAX) {
		oldest = &p->inc[p->ninc++];
	} else {
		/* forget the least recent one, finished ones first */
		for (unsigned i = 0; i < p->ninc; i++)
			if (!oldest || p->inc[i].done > oldest->done ||
			    (p->inc[i].done == oldest->done &&
			    p->inc[i].seen_ms < oldest->seen_ms))
				oldest = &p->inc[i];
	}
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->id, sizeof oldest->id, "%s", id);
	return oldest;
}

/* What keys act on: the latest page still open, else the only open
 * incident known. NULL if none. */
static struct pager_inc *
pager_current(struct pager *p)
{
	struct pager_inc *best = NULL, *open = NULL;
	int nopen = 0;

	for (unsigned i = 0; i < p->ninc; i++) {
		struct pager_inc *in = &p->inc[i];

		if (in->done)
			continue;
		nopen++;
		open = in;
		if (in->paged && (!best || in->seen_ms > best->seen_ms))
			best = in;
	}
	return best ? best : nopen == 1 ? open : NULL;
}

static void
pager_page(struct pager *p, const struct proto_page *pg)
{
	struct pager_inc *in = pager_find(p, pg->incident, 1);

	snprintf(in->counter, sizeof in->counter, "%s", pg->counter);
	snprintf(in->label, sizeof in->label, "%s", pg->label[0] ? pg->label :
	    pg->counter);
	in->kind = pg->kind;
	in->step = pg->step;
	in->acks = pg->acks;
	in->needed = pg->needed;
	in->seen_ms = clock_mono_ms();
	if (pg->type == PROTO_PAGE_CANCEL) {
		in->done = 1;
		pager_say("CANCEL #%s %s: %s", pg->incident, in->label,
		    pg->reason[0] ? pg->reason : "no longer needed");
		return;
	}
	in->paged = 1;
	in->done = 0;
	if (in->state == PROTO_IST_CLOSED)
		in->state = PROTO_IST_PAGING;
	pager_say_alarm(pg->kind == PROTO_KIND_EMERGENCY,
	    "PAGE #%s %s%s at %s%s%s, step %u, %u of %u acknowledged%s",
	    pg->incident, pg->kind == PROTO_KIND_EMERGENCY ? "EMERGENCY" :
	    proto_kind_name(pg->kind), pg->kind == PROTO_KIND_EMERGENCY ?
	    " !!" : "", in->label, pg->location[0] ? " — " : "",
	    pg->location, pg->step, pg->acks, pg->needed,
	    pg->elapsed_ms >= 60000 ? " (waiting over a minute)" : "");
	pager_keys_help(p);
}

/* The hub's retained state of an incident, on every change: what is
 * open at the branch, and who is going. */
static void
pager_incident(struct pager *p, const char *id, const char *payload,
    size_t len)
{
	struct pager_inc *in = pager_find(p, id, 0);
	struct proto_incident pi;
	int news;

	if (len == 0) {
		if (in && in->state != PROTO_IST_CLOSED) {
			in->state = PROTO_IST_CLOSED;
			in->done = 1;
			pager_say("#%s %s: closed", id, in->label);
		}
		return;
	}
	if (proto_decode_incident(payload, len, &pi, NULL) < 0)
		return;
	if (!in) {
		/* every incident at the branch is shown: who is going where */
		in = pager_find(p, id, 1);
		in->state = PROTO_IST_COUNT;	/* news, whatever it says */
	}
	news = in->state != pi.state || in->acks != pi.acks ||
	    in->step != pi.step;
	snprintf(in->counter, sizeof in->counter, "%s", pi.counter);
	snprintf(in->label, sizeof in->label, "%s", pi.label[0] ? pi.label :
	    pi.counter);
	in->kind = pi.kind;
	in->state = pi.state;
	in->step = pi.step;
	in->acks = pi.acks;
	in->needed = pi.needed;
	in->seen_ms = clock_mono_ms();
	if (pi.state == PROTO_IST_RESOLVED || pi.state == PROTO_IST_CLOSED)
		in->done = 1;
	if (news) {
		char who[PROTO_LIST_MAX * PROTO_ID_MAX] = "";

		for (unsigned i = 0; i < pi.nresponders; i++)
			snprintf(who + strlen(who), sizeof who - strlen(who),
			    "%s%s", i ? ", " : "", pi.responders[i]);
		pager_say_alarm(pi.kind == PROTO_KIND_EMERGENCY &&
		    pi.state < PROTO_IST_RESOLVED,
		    "#%s %s %s: %s, step %u, %u of %u acknowledged%s%s",
		    id, proto_kind_name(pi.kind), in->label,
		    proto_istate_name(pi.state), pi.step, pi.acks, pi.needed,
		    who[0] ? " by " : "", who);
	}
}

/* The hub's retained status (its Last Will when it dies): a hub that is
 * down pages nobody and cannot say so itself, so every console says it. */
static void
pager_hub(struct pager *p, const char *payload, size_t len)
{
	struct proto_hub_status hs;
	int was = p->hub;

	if (len == 0 || proto_decode_hub_status(payload, len, &hs, NULL) < 0)
		return;
	p->hub = hs.online != 0;
	if (p->hub == was)
		return;
	if (!p->hub)
		pager_say("HUB OFFLINE (site %s): no page reaches anyone, you "
		    "included, until it is back; presses wait on the boards. "
		    "Check the hub machine and walk the counters.",
		    p->x.conf->site);
	else if (was == 0)
		pager_say("hub online again (site %s): pages resume",
		    p->x.conf->site);
}

/* A maintenance alert or notice for this person (the facility role): a
 * dead button must reach whoever keeps the buttons alive. */
static void
pager_maint(struct pager *p, const char *payload, size_t len)
{
	struct proto_maint mt;
	const char *why = NULL;

	(void)p;
	if (proto_decode_maint(payload, len, &mt, &why) < 0) {
		pager_say("(a maintenance message that is not valid: %s)", why);
		return;
	}
	pager_say_alarm(mt.type == PROTO_MAINT_ALERT, "MAINTENANCE %s: %s %s%s%s%s:"
	    " %s", mt.type == PROTO_MAINT_ALERT ? "ALERT" : "notice",
	    mt.counter[0] ? "counter" : "channel", mt.counter[0] ? mt.counter :
	    mt.channel, mt.label[0] ? " (" : "", mt.label, mt.label[0] ? ")" :
	    "", mt.reason[0] ? mt.reason : "-");
}

static void
pager_message(struct pager *p, const struct mqtt_ev *ev)
{
	struct proto_topic t;
	struct proto_page pg;
	const char *why = NULL;

	if (strcmp(ev->topic, p->topic_page) == 0) {
		if (proto_decode_page((const char *)ev->payload, ev->len, &pg,
		    &why) < 0)
			pager_say("(a message on %s that is not a page: %s)",
			    ev->topic, why);
		else
			pager_page(p, &pg);
		return;
	}
	if (strcmp(ev->topic, p->topic_hub) == 0) {
		pager_hub(p, (const char *)ev->payload, ev->len);
		return;
	}
	if (strcmp(ev->topic, p->topic_maint) == 0) {
		pager_maint(p, (const char *)ev->payload, ev->len);
		return;
	}
	if (proto_topic_parse(ev->topic, strlen(ev->topic),
	    p->x.conf->topic_prefix, &t, NULL) == 0 &&
	    t.type == PROTO_TOPIC_INCIDENT)
		pager_incident(p, t.id, (const char *)ev->payload, ev->len);
}

/* Publish a reply as this person. */
static void
pager_reply(struct pager *p, const char *incident, enum proto_action a,
    enum proto_category cat, const char *note)
{
	struct proto_reply rp = { .action = a, .category = cat,
	    .at_ms = clock_wall_ms() };
	char buf[PROTO_MAX_PAYLOAD];
	int n;

	snprintf(rp.incident, sizeof rp.incident, "%s", incident);
	snprintf(rp.person, sizeof rp.person, "%s", p->me->id);
	snprintf(rp.note, sizeof rp.note, "%s", note ? note : "");
	if (note && proto_text_chars(note, strlen(note)) > PROTO_NOTE_CHARS) {
		pager_say("cannot send: the note has %zu characters, at most %d",
		    proto_text_chars(note, strlen(note)), PROTO_NOTE_CHARS);
		return;
	}
	if ((n = proto_encode_reply(&rp, buf, sizeof buf)) < 0) {
		pager_say("cannot send: the note is not valid text");
		return;
	}
	if (mqtt_publish(p->m, p->topic_reply, buf, (size_t)n, 1, 0,
	    NULL) < 0) {
		pager_say("not connected to the broker: %s #%s NOT sent, try "
		    "again", proto_action_name(a), incident);
		return;
	}
	p->pending++;
	pager_say("sent: %s #%s%s%s%s%s", proto_action_name(a), incident,
	    cat != PROTO_CAT_NONE ? " as " : "", cat != PROTO_CAT_NONE ?
	    proto_category_name(cat) : "", note && note[0] ? ": " : "",
	    note ? note : "");
}

static void
pager_categories(void)
{
	printf("category:");
	for (int c = PROTO_CAT_HARASSMENT; c < PROTO_CAT_COUNT; c++)
		printf("  %d %s", c, proto_category_name((enum proto_category)c));
	printf("  (Esc cancels)\n");
	fflush(stdout);
}

/* "1".."6" or a category's name; PROTO_CAT_NONE if neither. */
static enum proto_category
pager_category_parse(const char *s)
{
	enum proto_category c;

	if (s[0] >= '1' && s[0] <= '0' + PROTO_CAT_COUNT - 1 && !s[1])
		return (enum proto_category)(s[0] - '0');
	if (proto_category_parse(s, strlen(s), &c) == 0)
		return c;
	return PROTO_CAT_NONE;
}

/* ---- a terminal: one key at a time ------------------------------------ */

/* The next open incident becomes the current one. */
static void
pager_next(struct pager *p, struct pager_inc *in)
{
	for (unsigned i = 0; i < p->ninc; i++) {
		struct pager_inc *c = &p->inc[(unsigned)(in ?
		    in - p->inc + 1 + i : i) % p->ninc];

		if (!c->done && c != in) {
			c->paged = 1;
			c->seen_ms = clock_mono_ms();
			pager_say("current: #%s %s %s", c->id,
			    proto_kind_name(c->kind), c->label);
			return;
		}
	}
	if (in && !in->done)
		pager_say("#%s %s %s is the only open incident, and the "
		    "current one", in->id, proto_kind_name(in->kind),
		    in->label);
	else
		pager_say("no open incident");
}

static void
pager_key_action(struct pager *p, int key)
{
	struct pager_inc *in = pager_current(p);
	static const char actions[] = "adsr";
	const char *a = strchr(actions, key);

	if (key == 'q') {
		p->quit = 1;
		return;
	}
	if (key == 'n') {
		pager_next(p, in);
		return;
	}
	if (!a || !key) {
		pager_keys_help(p);
		return;
	}
	if (!in) {
		pager_say("no page to answer");
		return;
	}
	if (key == 'r') {
		snprintf(p->target, sizeof p->target, "%s", in->id);
		p->mode = MODE_CATEGORY;
		printf("resolve #%s %s\n", in->id, in->label);
		pager_categories();
		return;
	}
	pager_reply(p, in->id, key == 'a' ? PROTO_ACTION_ACK : key == 'd' ?
	    PROTO_ACTION_DECLINE : PROTO_ACTION_ON_SCENE, PROTO_CAT_NONE, NULL);
}

/* Remove the last UTF-8 character of the note, on screen too. */
static void
pager_backspace(struct pager *p)
{
	size_t end = p->len;
	char ch[8];
	int w;

	p->note_full = 0;
	if (!end)
		return;
	while (end > 0 && ((unsigned char)p->line[end - 1] & 0xc0) == 0x80)
		end--;
	if (end > 0)
		end--;
	snprintf(ch, sizeof ch, "%.*s", (int)(p->len - end), p->line + end);
	for (w = tab_width(ch); w > 0; w--)
		fputs("\b \b", stdout);
	p->len = end;
	p->line[end] = '\0';
}

/* One byte of a note typed key by key: UTF-8 comes a byte at a time, and
 * the limit is in characters, as on the ack page. */
static void
pager_note_byte(struct pager *p, int k)
{
	int cont = (k & 0xc0) == 0x80;

	/* the buffer's room first, for every byte: a run of stray
	 * continuation bytes must not walk past it */
	if (p->len + 5 > sizeof p->line || (cont ? p->note_full :
	    proto_text_chars(p->line, p->len) >= PROTO_NOTE_CHARS)) {
		if (!cont && !p->note_full)
			printf("\a");	/* at the limit: a bell, once */
		p->note_full = 1;
		return;
	}
	p->note_full = 0;
	p->line[p->len++] = (char)k;
	p->line[p->len] = '\0';
	putchar(k);
}

static void
pager_key(struct pager *p, unsigned char k)
{
	switch (p->mode) {
	case MODE_KEYS:
		pager_key_action(p, k);
		break;
	case MODE_CATEGORY:
		if (k == 0x1b) {
			p->mode = MODE_KEYS;
			pager_say("resolve cancelled");
		} else if (k >= '1' && k < '0' + PROTO_CAT_COUNT) {
			p->category = (enum proto_category)(k - '0');
			p->mode = MODE_NOTE;
			p->len = 0;
			p->note_full = 0;
			p->line[0] = '\0';
			printf("note (Enter sends, Esc cancels): ");
		}
		break;
	case MODE_NOTE:
		if (k == 0x1b) {
			p->mode = MODE_KEYS;
			printf("\n");
			pager_say("resolve cancelled");
		} else if (k == '\r' || k == '\n') {
			printf("\n");
			p->mode = MODE_KEYS;
			pager_reply(p, p->target, PROTO_ACTION_RESOLVE,
			    p->category, p->line);
		} else if (k == 0x7f || k == '\b') {
			pager_backspace(p);
		} else if (k >= 0x20 || k == '\t') {
			pager_note_byte(p, k);
		}
		break;
	}
	fflush(stdout);
}

/* ---- a pipe or a file: one command a line ----------------------------- */

static void
pager_command(struct pager *p, char *line)
{
	char *save = NULL, *verb = strtok_r(line, " \t", &save), *arg;
	struct pager_inc *in;
	enum proto_action a;
	enum proto_category cat = PROTO_CAT_NONE;
	const char *id;

	if (!verb || verb[0] == '#')
		return;		/* blank lines and comments */
	if (!strcmp(verb, "q") || !strcmp(verb, "quit")) {
		p->quit = 1;
		return;
	}
	if (!strcmp(verb, "n") || !strcmp(verb, "next")) {
		pager_next(p, pager_current(p));
		return;
	}
	if (!strcmp(verb, "a") || !strcmp(verb, "ack"))
		a = PROTO_ACTION_ACK;
	else if (!strcmp(verb, "d") || !strcmp(verb, "decline"))
		a = PROTO_ACTION_DECLINE;
	else if (!strcmp(verb, "s") || !strcmp(verb, "on_scene") ||
	    !strcmp(verb, "scene"))
		a = PROTO_ACTION_ON_SCENE;
	else if (!strcmp(verb, "r") || !strcmp(verb, "resolve"))
		a = PROTO_ACTION_RESOLVE;
	else {
		pager_say("unknown command \"%s\": a, d, s, r CATEGORY [NOTE], "
		    "n, q; each may name an incident as #ID", verb);
		return;
	}
	arg = strtok_r(NULL, " \t", &save);
	if (arg && arg[0] == '#') {
		id = arg + 1;
		arg = strtok_r(NULL, " \t", &save);
	} else if ((in = pager_current(p))) {
		id = in->id;
	} else {
		pager_say("no page to answer");
		return;
	}
	if (a == PROTO_ACTION_RESOLVE) {
		if (!arg || (cat = pager_category_parse(arg)) == PROTO_CAT_NONE) {
			pager_say("resolve needs a category: 1-6 or harassment, "
			    "complaint, enquiry, false_alarm, drill, other");
			return;
		}
		/* the rest of the line, as typed, is the note */
		while (save && (*save == ' ' || *save == '\t'))
			save++;
	}
	pager_reply(p, id, a, cat, a == PROTO_ACTION_RESOLVE && save ? save :
	    NULL);
}

/* Read what stdin has. Returns -1 at its end. */
static int
pager_input(struct pager *p)
{
	char buf[512];
	ssize_t n = read(STDIN_FILENO, buf, sizeof buf);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		if (p->tty) {
			if (buf[i] == 0x04 && p->mode == MODE_KEYS)
				return -1;	/* Ctrl-D */
			/* an arrow or function key arrives as one read:
			 * ESC [ ... or ESC O x; skip it. A lone ESC is Esc */
			if (buf[i] == 0x1b && i + 1 < n && (buf[i + 1] == '[' ||
			    buf[i + 1] == 'O')) {
				for (i += 2; i < n && (buf[i] < 0x40 ||
				    buf[i] > 0x7e); i++)
					;
				continue;
			}
			pager_key(p, (unsigned char)buf[i]);
			continue;
		}
		if (buf[i] == '\n' || p->len + 1 >= sizeof p->line) {
			p->line[p->len] = '\0';
			if (p->len && p->line[p->len - 1] == '\r')
				p->line[p->len - 1] = '\0';
			pager_command(p, p->line);
			p->len = 0;
		} else {
			p->line[p->len++] = buf[i];
		}
	}
	return 0;
}

static void
pager_mqtt(struct pager *p)
{
	struct mqtt_ev ev;

	while (mqtt_next(p->m, &ev)) {
		switch (ev.type) {
		case MQTT_EV_CONNECTED:
			if (!p->ready_ms)
				p->ready_ms = clock_mono_ms() + PAGER_SETTLE_MS;
			pager_say("connected to %s:%d; pages for %s (%s) on %s",
			    p->x.conf->broker.host, p->x.conf->broker.port,
			    p->me->id, p->me->name, p->topic_page);
			break;
		case MQTT_EV_CONNECT_FAILED:
		case MQTT_EV_LOST:
			pager_say("broker: %s; retrying (pages are missed until "
			    "then)", ev.detail);
			break;
		case MQTT_EV_MESSAGE:
			pager_message(p, &ev);
			break;
		case MQTT_EV_DELIVERED:
			if (p->pending > 0)
				p->pending--;
			break;
		case MQTT_EV_SUBSCRIBE_FAILED:
			/* a console that looks alive but hears nothing */
			pager_say("NOT RECEIVING: the broker refused the "
			    "subscription %s", ev.detail);
			break;
		}
		mqtt_ev_release(&ev);
	}
}

static int
pager_start(struct pager *p, const char *person)
{
	const struct hub_conf *c = p->x.conf;
	char filter[PROTO_TOPIC_MAX];
	int k = conf_person_find(c, person);

	if (k < 0) {
		ctl_err(&p->x, "unknown person \"%s\": not in %s", person,
		    p->x.conf_path);
		return -1;
	}
	p->me = &c->people[k];
	if (proto_topic_build(p->topic_page, sizeof p->topic_page,
	    c->topic_prefix, c->site, PROTO_TOPIC_PAGER, p->me->pager) < 0 ||
	    proto_topic_build(p->topic_reply, sizeof p->topic_reply,
	    c->topic_prefix, c->site, PROTO_TOPIC_REPLY, p->me->pager) < 0 ||
	    proto_topic_filter(filter, sizeof filter, c->topic_prefix,
	    c->site, PROTO_TOPIC_INCIDENT) < 0 ||
	    proto_topic_build(p->topic_hub, sizeof p->topic_hub,
	    c->topic_prefix, c->site, PROTO_TOPIC_HUB_STATUS, NULL) < 0 ||
	    proto_topic_build(p->topic_maint, sizeof p->topic_maint,
	    c->topic_prefix, c->site, PROTO_TOPIC_MAINT, p->me->id) < 0 ||
	    !(p->m = ctl_mqtt(&p->x, "pager")) ||
	    mqtt_subscribe(p->m, p->topic_page, 1) < 0 ||
	    mqtt_subscribe(p->m, filter, 1) < 0 ||
	    mqtt_subscribe(p->m, p->topic_hub, 1) < 0 ||
	    mqtt_subscribe(p->m, p->topic_maint, 1) < 0 ||
	    mqtt_connect(p->m) < 0) {
		ctl_err(&p->x, "cannot start the MQTT client: %s", mqtt_error());
		return -1;
	}
	return 0;
}

/* The loop: until q, a signal, or the end of piped input once every
 * reply is delivered (or PAGER_DRAIN_MS passed). Piped commands wait for
 * the first connection and the retained incident states it brings, so
 * that "a" in a script answers the incident it was written for. */
static void
pager_loop(struct pager *p, int sfd)
{
	struct pollfd pfd[PFD_MAX] = {
		[PFD_SIGNAL] = { .fd = sfd, .events = POLLIN },
		[PFD_STDIN] = { .fd = STDIN_FILENO, .events = POLLIN },
		[PFD_MQTT] = { .fd = mqtt_fd(p->m), .events = POLLIN },
	};
	int64_t drain_until = 0;

	while (!p->quit) {
		int64_t now = clock_mono_ms(), t = mqtt_timeout_ms(p->m, now);
		int input = !p->eof && (p->tty || (p->ready_ms &&
		    now >= p->ready_ms));

		if (p->eof) {
			if (p->pending <= 0 || now >= drain_until)
				break;
			if (t < 0 || t > drain_until - now)
				t = drain_until - now;
		} else if (!input && p->ready_ms && (t < 0 ||
		    t > p->ready_ms - now)) {
			t = p->ready_ms - now;
		}
		pfd[PFD_STDIN].fd = input ? STDIN_FILENO : -1;
		if (poll(pfd, PFD_MAX, (int)t) < 0 && errno != EINTR)
			break;
		if (pfd[PFD_SIGNAL].revents & POLLIN)
			break;
		mqtt_service(p->m, clock_mono_ms());
		pager_mqtt(p);
		if (input && (pfd[PFD_STDIN].revents & (POLLIN | POLLHUP)) &&
		    pager_input(p) < 0) {
			p->eof = 1;
			drain_until = clock_mono_ms() + PAGER_DRAIN_MS;
		}
	}
}

int
cmd_pager(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "identity", required_argument, NULL, CTL_OPT_IDENTITY },
		{ NULL, 0, NULL, 0 }
	};
	static struct pager p;
	sigset_t sigs;
	int ch, sfd = -1, rc = CTL_FAIL;

	memset(&p, 0, sizeof p);
	p.hub = -1;
	ctl_init(&p.x, "pager");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (!ctl_option(&p.x, ch, optarg)) {
			fputs(PAGER_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(PAGER_USAGE, stderr);
		return CTL_USAGE;
	}
	/* before Paho starts its threads, so that they inherit the mask */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 ||
	    (sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		ctl_err(&p.x, "signals: %s", strerror(errno));
		return CTL_FAIL;
	}
	if (ctl_open(&p.x, 0) < 0 || pager_start(&p, argv[optind]) < 0)
		goto out;
	p.tty = isatty(STDIN_FILENO);
	pager_colour = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
	    (!getenv("TERM") || strcmp(getenv("TERM"), "dumb") != 0);
	if (p.tty && pager_tty_raw() < 0) {
		ctl_err(&p.x, "terminal: %s", strerror(errno));
		goto out;
	}
	pager_say("pager console for %s (%s); connecting to %s:%d", p.me->id,
	    p.me->name, p.x.conf->broker.host, p.x.conf->broker.port);
	pager_loop(&p, sfd);
	pager_tty_restore();
	if (p.pending > 0)
		pager_say("%d repl%s not confirmed by the broker", p.pending,
		    p.pending == 1 ? "y" : "ies");
	mqtt_disconnect(p.m, 1000);
	rc = CTL_OK;
out:
	pager_tty_restore();
	mqtt_free(p.m);
	ctl_close(&p.x);
	close(sfd);
	return rc;
}
