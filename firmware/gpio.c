/* gpio.c: picks the backend and adds what both share — reconciling each
 * batch of edges with the line's value, and active-low outputs. */
#include "gpio.h"

#include <errno.h>
#include <stdlib.h>

#include "gpio_backend.h"

struct gpio {
	const struct conf *conf;
	const struct gpio_backend *be;
	void *state;
};

struct gpio *
gpio_open(const struct conf *c, char *err, size_t errlen)
{
	struct gpio *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->conf = c;
	g->be = c->backend == CONF_GPIO_GPIOD ? &gpio_gpiod_backend :
	    &gpio_sim_backend;
	g->state = g->be->open(c, err, errlen);
	if (!g->state) {
		free(g);
		return NULL;
	}
	return g;
}

void
gpio_close(struct gpio *g)
{
	if (!g)
		return;
	g->be->close(g->state);
	free(g);
}

int
gpio_fds(const struct gpio *g, int *fds, int max)
{
	return g->be->fds(g->state, fds, max);
}

int
gpio_read(struct gpio *g, int fd, struct gpio_edge *edges, int max,
    int64_t now_ns, int *bad)
{
	unsigned seen = 0, nb = g->conf->nbuttons;
	int n, room = max - (int)nb;

	*bad = 0;
	if (room <= 0) {
		errno = EINVAL;
		return -1;
	}
	n = g->be->read(g->state, fd, edges, room, bad);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		seen |= 1u << edges[i].button;
	for (unsigned b = 0; b < nb; b++) {
		int level;

		if (!(seen & (1u << b)) || g->be->get(g->state, b, &level) < 0)
			continue;
		edges[n++] = (struct gpio_edge){ .button = b, .level = level,
		    .t_ns = now_ns, .reconciled = 1 };
	}
	return n;
}

int
gpio_get(struct gpio *g, unsigned button, int *level)
{
	return g->be->get(g->state, button, level);
}

int
gpio_output_set(struct gpio *g, unsigned output, int on)
{
	int level = (on ? 1 : 0) ^ (g->conf->outputs[output].line.active_low ?
	    1 : 0);

	return g->be->set(g->state, output, level);
}

int
gpio_output_note(struct gpio *g, unsigned output, int on, const char *pattern)
{
	if (!g->be->note)
		return 0;
	return g->be->note(g->state, output, on, pattern);
}
