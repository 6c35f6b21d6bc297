/* gpio_sim.c: the simulated backend. Edges arrive as datagrams on a UNIX
 * socket, one or more lines "<button> <level 0|1> [t_ns]" each (physical
 * level; t_ns on CLOCK_MONOTONIC, default the time of receipt). Outputs are
 * reported to tests in "<sim_socket>.outputs", one "<name> <0|1>
 * pattern=<pattern>" line per output, replaced atomically on each change. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "gpio_backend.h"

#define SIM_PATTERN_MAX	24

struct gpio_sim {
	const struct conf *conf;
	int fd;
	char outputs_path[CONF_SOCK_MAX + 16];
	int level[CONF_BUTTONS_MAX];
	int out_level[CONF_OUTPUTS_MAX];
	int out_on[CONF_OUTPUTS_MAX];
	char out_pattern[CONF_OUTPUTS_MAX][SIM_PATTERN_MAX];
};

/* Remove a stale socket from an earlier run, but never a file that is
 * something else: a typo in sim_socket must not delete data. */
static int
gpio_sim_unlink_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	return unlink(path);
}

static int
gpio_sim_bind(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (gpio_sim_unlink_stale(path) < 0) {
		snprintf(err, errlen, "gpio sim: %s: %s", path,
		    errno == EEXIST ? "exists and is not a socket" :
		    strerror(errno));
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		snprintf(err, errlen, "gpio sim: cannot bind %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void *
gpio_sim_open(const struct conf *c, char *err, size_t errlen)
{
	struct gpio_sim *s = calloc(1, sizeof *s);

	if (!s) {
		snprintf(err, errlen, "gpio sim: out of memory");
		return NULL;
	}
	s->conf = c;
	snprintf(s->outputs_path, sizeof s->outputs_path, "%s.outputs",
	    c->sim_socket);
	unlink(s->outputs_path);
	s->fd = gpio_sim_bind(c->sim_socket, err, errlen);
	if (s->fd < 0) {
		free(s);
		return NULL;
	}
	/* The lines rest released until a datagram says otherwise. */
	for (unsigned i = 0; i < c->nbuttons; i++)
		s->level[i] = button_level(&c->buttons[i].spec, 0);
	for (unsigned i = 0; i < c->noutputs; i++)
		snprintf(s->out_pattern[i], SIM_PATTERN_MAX, "off");
	return s;
}

static void
gpio_sim_close(void *be)
{
	struct gpio_sim *s = be;

	close(s->fd);
	unlink(s->conf->sim_socket);
	free(s);
}

static int
gpio_sim_fds(void *be, int *fds, int max)
{
	struct gpio_sim *s = be;

	if (max < 1)
		return 0;
	fds[0] = s->fd;
	return 1;
}

/* Parse "<button> <level> [t_ns]" into e. Returns 1, 0 for a blank or
 * comment line, -1 if malformed. */
static int
gpio_sim_parse(const struct gpio_sim *s, char *line, int64_t now_ns,
    struct gpio_edge *e)
{
	char *save, *name, *lvl, *ts, *end;
	int b;

	name = strtok_r(line, " \t\r", &save);
	if (!name || name[0] == '#')
		return 0;
	lvl = strtok_r(NULL, " \t\r", &save);
	ts = strtok_r(NULL, " \t\r", &save);
	if ((b = conf_button_find(s->conf, name)) < 0 || !lvl ||
	    (strcmp(lvl, "0") != 0 && strcmp(lvl, "1") != 0) ||
	    strtok_r(NULL, " \t\r", &save))
		return -1;
	*e = (struct gpio_edge){ .button = (unsigned)b, .level = lvl[0] - '0',
	    .t_ns = now_ns };
	if (ts) {
		errno = 0;
		e->t_ns = strtoll(ts, &end, 10);
		if (errno || *end || e->t_ns <= 0)
			return -1;
	}
	return 1;
}

/* One datagram per call: poll wakes the loop again for the next. */
static int
gpio_sim_read(void *be, int fd, struct gpio_edge *e, int max, int *bad)
{
	struct gpio_sim *s = be;
	char buf[4096], *line, *save;
	int64_t now_ns = clock_mono_ns();
	ssize_t len;
	int n = 0, r;

	(void)fd;
	len = recv(s->fd, buf, sizeof buf - 1, 0);
	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (n == max || (r = gpio_sim_parse(s, line, now_ns, &e[n])) < 0) {
			(*bad)++;
			continue;
		}
		if (r > 0) {
			s->level[e[n].button] = e[n].level;
			n++;
		}
	}
	return n;
}

static int
gpio_sim_get(void *be, unsigned button, int *level)
{
	struct gpio_sim *s = be;

	*level = s->level[button];
	return 0;
}

static int
gpio_sim_set(void *be, unsigned output, int level)
{
	struct gpio_sim *s = be;

	s->out_level[output] = level;
	return 0;
}

/* Write the whole set to a temporary file and rename it over the old one,
 * so a reader never sees half a report. */
static int
gpio_sim_report(const struct gpio_sim *s)
{
	char tmp[sizeof s->outputs_path + 8], buf[CONF_OUTPUTS_MAX * 80];
	size_t len = 0;
	int fd, ok;

	for (unsigned i = 0; i < s->conf->noutputs; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		    "%s %d pattern=%s\n", s->conf->outputs[i].name,
		    s->out_on[i], s->out_pattern[i]);
	snprintf(tmp, sizeof tmp, "%s.tmp", s->outputs_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, buf, len) == (ssize_t)len;
	if (close(fd) < 0 || !ok || rename(tmp, s->outputs_path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
gpio_sim_note(void *be, unsigned output, int on, const char *pattern)
{
	struct gpio_sim *s = be;

	s->out_on[output] = on ? 1 : 0;
	snprintf(s->out_pattern[output], SIM_PATTERN_MAX, "%s", pattern);
	return gpio_sim_report(s);
}

const struct gpio_backend gpio_sim_backend = {
	.name = "sim",
	.open = gpio_sim_open,
	.close = gpio_sim_close,
	.fds = gpio_sim_fds,
	.read = gpio_sim_read,
	.get = gpio_sim_get,
	.set = gpio_sim_set,
	.note = gpio_sim_note,
};
