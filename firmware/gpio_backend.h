/* gpio_backend.h: what gpio.c asks of a backend. Internal to firmware/;
 * each backend is one file and the only one that knows its library. */
#ifndef COUNTERD_GPIO_BACKEND_H
#define COUNTERD_GPIO_BACKEND_H

#include "gpio.h"

struct gpio_backend {
	const char *name;
	/* Returns the backend's state, or NULL with err set. */
	void *(*open)(const struct conf *c, char *err, size_t errlen);
	void (*close)(void *be);
	int (*fds)(void *be, int *fds, int max);
	/* Raw edges only (no reconciling entries); *bad as gpio_read. */
	int (*read)(void *be, int fd, struct gpio_edge *e, int max, int *bad);
	int (*get)(void *be, unsigned button, int *level);
	int (*set)(void *be, unsigned output, int level);	/* physical */
	int (*note)(void *be, unsigned output, int on, const char *pattern);
};

extern const struct gpio_backend gpio_sim_backend;
extern const struct gpio_backend gpio_gpiod_backend;

#endif
