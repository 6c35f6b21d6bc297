/* cmd_press.c: `panicctl press` — press a button of a counter that runs the
 * sim backend, by sending the press and release edges to its socket. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../firmware/conf.h"
#include "cfg.h"
#include "clock.h"
#include "panicctl.h"

#define PRESS_HOLD_MS	100
#define PRESS_HOLD_MAX	3600000

static int
press_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "panicctl: press: no counterd listening on "
			    "%s (is it running with backend \"sim\"?)\n", path);
		else
			fprintf(stderr, "panicctl: press: %s: %s\n", path,
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One edge: the physical level for pressed, stamped now. */
static int
press_edge(int fd, const struct conf_button *b, int pressed)
{
	char line[128];
	int len = snprintf(line, sizeof line, "%s %d %lld\n", b->name,
	    button_level(&b->spec, pressed), (long long)clock_mono_ns());

	if (send(fd, line, (size_t)len, 0) != len) {
		fprintf(stderr, "panicctl: press: send: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void
press_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
	    .tv_nsec = ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int
press_parse(int argc, char **argv, const char **button, long *hold_ms)
{
	static const struct option longopts[] = {
		{ "button", required_argument, NULL, 'b' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "b:H:", longopts, NULL)) != -1) {
		if (ch == 'b') {
			*button = optarg;
		} else if (ch == 'H') {
			*hold_ms = strtol(optarg, &end, 10);
			if (*end || *hold_ms < 0 || *hold_ms > PRESS_HOLD_MAX) {
				fprintf(stderr, "panicctl: press: --hold: \"%s\" is "
				    "not 0 to %d ms\n", optarg, PRESS_HOLD_MAX);
				return -1;
			}
		} else {
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: panicctl press COUNTER-CONFIG "
		    "[--button NAME] [--hold MS]\n");
		return -1;
	}
	return 0;
}

int
cmd_press(int argc, char **argv)
{
	static struct conf c;
	const char *button = NULL;
	char err[CFG_ERR_MAX];
	long hold_ms = PRESS_HOLD_MS;
	int fd, bi, rc;

	if (press_parse(argc, argv, &button, &hold_ms) < 0)
		return 2;
	if (conf_load(&c, argv[optind], err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (c.backend != CONF_GPIO_SIM) {
		fprintf(stderr, "panicctl: press: %s uses backend \"gpiod\"; only a "
		    "sim counter can be pressed from here\n", argv[optind]);
		return 1;
	}
	bi = button ? conf_button_find(&c, button) : 0;
	if (bi < 0) {
		fprintf(stderr, "panicctl: press: no button \"%s\" in %s\n", button,
		    argv[optind]);
		return 1;
	}
	if ((fd = press_connect(c.sim_socket)) < 0)
		return 1;
	rc = press_edge(fd, &c.buttons[bi], 1);
	if (rc == 0) {
		press_sleep_ms(hold_ms);
		rc = press_edge(fd, &c.buttons[bi], 0);
	}
	/* Return only once the release has outlasted the debounce: a press
	 * sent sooner would be read as a bounce of this one, as it would be
	 * on a real button. */
	if (rc == 0)
		press_sleep_ms(c.buttons[bi].spec.debounce_ms + 2);
	close(fd);
	if (rc < 0)
		return 1;
	printf("pressed button %s of counter %s for %ld ms (sim socket %s)\n",
	    c.buttons[bi].name, c.counter, hold_ms, c.sim_socket);
	return 0;
}
