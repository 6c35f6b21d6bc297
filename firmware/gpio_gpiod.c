/* gpio_gpiod.c: the libgpiod 1.6 backend for real boards, and the only file
 * that includes <gpiod.h>. Lines are requested without the active-low flag:
 * edges come up as physical levels and button.c applies the wiring, the
 * same code path the sim backend drives. */
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "gpio_backend.h"

#define GPIOD_CONSUMER	"counterd"
#define GPIOD_KERNEL_MAX 16	/* events the kernel keeps per line */
#define GPIOD_CHIPS_MAX	(CONF_BUTTONS_MAX + CONF_OUTPUTS_MAX)
/* Kernels before 5.7 stamp events with CLOCK_REALTIME; a stamp this far
 * from CLOCK_MONOTONIC is replaced by the time of reading. */
#define GPIOD_SKEW_NS	(10LL * 1000000000)

struct gpio_gpiod {
	const struct conf *conf;
	unsigned nchips;
	struct gpiod_chip *chips[GPIOD_CHIPS_MAX];
	const char *chip_names[GPIOD_CHIPS_MAX];
	struct gpiod_line *buttons[CONF_BUTTONS_MAX];
	struct gpiod_line *outputs[CONF_OUTPUTS_MAX];
};

/* Open a chip by name, path, label or number, once per distinct name. */
static struct gpiod_chip *
gpio_gpiod_chip(struct gpio_gpiod *g, const char *descr)
{
	struct gpiod_chip *chip;

	for (unsigned i = 0; i < g->nchips; i++)
		if (strcmp(g->chip_names[i], descr) == 0)
			return g->chips[i];
	if (g->nchips == GPIOD_CHIPS_MAX ||
	    !(chip = gpiod_chip_open_lookup(descr)))
		return NULL;
	g->chips[g->nchips] = chip;
	g->chip_names[g->nchips++] = descr;
	return chip;
}

static struct gpiod_line *
gpio_gpiod_line(struct gpio_gpiod *g, const struct conf_line *l,
    const char *what, char *err, size_t errlen)
{
	struct gpiod_chip *chip = gpio_gpiod_chip(g, l->chip);
	struct gpiod_line *line;

	if (!chip) {
		snprintf(err, errlen, "gpio: %s: chip \"%s\": %s", what, l->chip,
		    strerror(errno));
		return NULL;
	}
	line = l->offset >= 0 ? gpiod_chip_get_line(chip, (unsigned)l->offset) :
	    gpiod_chip_find_line(chip, l->name);
	if (!line) {
		if (l->offset >= 0)
			snprintf(err, errlen, "gpio: %s: line %d on %s: %s", what,
			    l->offset, l->chip, strerror(errno));
		else
			snprintf(err, errlen, "gpio: %s: no line \"%s\" on %s",
			    what, l->name, l->chip);
	}
	return line;
}

static int
gpio_gpiod_bias_flag(enum conf_bias b)
{
	switch (b) {
	case CONF_BIAS_DISABLE:
		return GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
	case CONF_BIAS_PULL_UP:
		return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
	case CONF_BIAS_PULL_DOWN:
		return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
	case CONF_BIAS_AS_IS:
		break;
	}
	return 0;
}

/* Look up and request one line; what names it in errors. */
static struct gpiod_line *
gpio_gpiod_claim(struct gpio_gpiod *g, const struct conf_line *l,
    const char *what, int type, int flags, int value, char *err,
    size_t errlen)
{
	struct gpiod_line_request_config rc = { GPIOD_CONSUMER, type, flags };
	struct gpiod_line *line = gpio_gpiod_line(g, l, what, err, errlen);

	if (line && gpiod_line_request(line, &rc, value) < 0) {
		snprintf(err, errlen, "gpio: %s: cannot request its line on %s: "
		    "%s (in use, or bias unsupported by this kernel?)", what,
		    l->chip, strerror(errno));
		return NULL;
	}
	return line;
}

static int
gpio_gpiod_request(struct gpio_gpiod *g, char *err, size_t errlen)
{
	const struct conf *c = g->conf;

	for (unsigned i = 0; i < c->nbuttons; i++) {
		const struct conf_button *b = &c->buttons[i];

		g->buttons[i] = gpio_gpiod_claim(g, &b->line, b->name,
		    GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES,
		    gpio_gpiod_bias_flag(b->bias), 0, err, errlen);
		if (!g->buttons[i])
			return -1;
	}
	for (unsigned i = 0; i < c->noutputs; i++) {
		const struct conf_output *o = &c->outputs[i];

		/* start inactive: the physical level of "off" */
		g->outputs[i] = gpio_gpiod_claim(g, &o->line, o->name,
		    GPIOD_LINE_REQUEST_DIRECTION_OUTPUT, 0,
		    o->line.active_low ? 1 : 0, err, errlen);
		if (!g->outputs[i])
			return -1;
	}
	return 0;
}

static void
gpio_gpiod_close(void *be)
{
	struct gpio_gpiod *g = be;

	/* Closing a chip releases the lines requested through it. */
	for (unsigned i = 0; i < g->nchips; i++)
		gpiod_chip_close(g->chips[i]);
	free(g);
}

static void *
gpio_gpiod_open(const struct conf *c, char *err, size_t errlen)
{
	struct gpio_gpiod *g = calloc(1, sizeof *g);

	if (!g) {
		snprintf(err, errlen, "gpio: out of memory");
		return NULL;
	}
	g->conf = c;
	if (gpio_gpiod_request(g, err, errlen) < 0) {
		gpio_gpiod_close(g);
		return NULL;
	}
	return g;
}

static int
gpio_gpiod_fds(void *be, int *fds, int max)
{
	struct gpio_gpiod *g = be;
	int n = 0;

	for (unsigned i = 0; i < g->conf->nbuttons && n < max; i++)
		fds[n++] = gpiod_line_event_get_fd(g->buttons[i]);
	return n;
}

static int64_t
gpio_gpiod_stamp(const struct timespec *ts, int64_t now_ns)
{
	int64_t t = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;

	if (t > now_ns || now_ns - t > GPIOD_SKEW_NS)
		return now_ns;
	return t;
}

static int
gpio_gpiod_read(void *be, int fd, struct gpio_edge *e, int max, int *bad)
{
	struct gpio_gpiod *g = be;
	struct gpiod_line_event ev[GPIOD_KERNEL_MAX];
	int64_t now_ns = clock_mono_ns();
	unsigned b;
	int n;

	(void)bad;	/* the kernel drops silently; reconciling repairs it */
	for (b = 0; b < g->conf->nbuttons; b++)
		if (gpiod_line_event_get_fd(g->buttons[b]) == fd)
			break;
	if (b == g->conf->nbuttons) {
		errno = EBADF;
		return -1;
	}
	if (max > GPIOD_KERNEL_MAX)
		max = GPIOD_KERNEL_MAX;
	n = gpiod_line_event_read_multiple(g->buttons[b], ev, (unsigned)max);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		e[i] = (struct gpio_edge){ .button = b,
		    .level = ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE,
		    .t_ns = gpio_gpiod_stamp(&ev[i].ts, now_ns) };
	return n;
}

static int
gpio_gpiod_get(void *be, unsigned button, int *level)
{
	struct gpio_gpiod *g = be;
	int v = gpiod_line_get_value(g->buttons[button]);

	if (v < 0)
		return -1;
	*level = v;
	return 0;
}

static int
gpio_gpiod_set(void *be, unsigned output, int level)
{
	struct gpio_gpiod *g = be;

	return gpiod_line_set_value(g->outputs[output], level);
}

const struct gpio_backend gpio_gpiod_backend = {
	.name = "gpiod",
	.open = gpio_gpiod_open,
	.close = gpio_gpiod_close,
	.fds = gpio_gpiod_fds,
	.read = gpio_gpiod_read,
	.get = gpio_gpiod_get,
	.set = gpio_gpiod_set,
	.note = NULL,
};
