/* gpio.h: the desk's buttons and outputs, behind one interface shared by the
 * libgpiod backend (real boards) and the sim backend (tests, demos, bench).
 * Edges come out as physical line levels; wiring is button.c's business. */
#ifndef COUNTERD_GPIO_H
#define COUNTERD_GPIO_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define GPIO_FDS_MAX	(CONF_BUTTONS_MAX + 1)
#define GPIO_EDGES_MAX	64

struct gpio;

struct gpio_edge {
	unsigned button;	/* index into conf buttons */
	int level;		/* physical line level after the edge */
	int64_t t_ns;		/* CLOCK_MONOTONIC */
	int reconciled;		/* the line's value read after a batch */
};

/* Open the backend c->backend names, request every button line for both
 * edges and every output line as an output driven inactive. c must outlive
 * the gpio. Returns NULL with a one-line reason in err. */
struct gpio *gpio_open(const struct conf *c, char *err, size_t errlen);
void gpio_close(struct gpio *g);

/* Fill fds with the descriptors to poll for POLLIN; returns how many. */
int gpio_fds(const struct gpio *g, int *fds, int max);

/* Read what fd has (it polled readable) into edges, oldest first, then one
 * reconciling entry per button that had edges: its line's value now, at
 * now_ns. The kernel drops events past 16 and labels bouncy edges by
 * re-reading the pin; the reconciling entry repairs both. *bad counts
 * input that was dropped (malformed sim lines, overflow). Returns the
 * number of entries (at most max), or -1 on a read error. */
int gpio_read(struct gpio *g, int fd, struct gpio_edge *edges, int max,
    int64_t now_ns, int *bad);

/* The physical level of a button's line now. Returns 0 or -1. */
int gpio_get(struct gpio *g, unsigned button, int *level);

/* Drive an output: on is logical, active_low is applied here. Returns 0 or
 * -1. */
int gpio_output_set(struct gpio *g, unsigned output, int on);

/* Tell the backend what an output now shows (the sim reports it to tests;
 * a real line has nothing to report). Returns 0 or -1. */
int gpio_output_note(struct gpio *g, unsigned output, int on,
    const char *pattern);

#endif
