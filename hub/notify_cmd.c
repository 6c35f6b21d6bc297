/* notify_cmd.c: command hooks (an SMS gateway's client, a PBX call file, a
 * paging transmitter). Each runs without a shell through posix_spawn, in a
 * process group of its own, watched through a pidfd in the hub's poll
 * loop: its exit status is the outcome, its output's last bytes the
 * detail, and past its time limit the whole group is killed. Every child
 * is reaped, also at shutdown. Where there is no pidfd_open (a kernel
 * before 5.3, valgrind 3.19) the end of a hook's output wakes the loop
 * instead, and its exit is looked for then. */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define NC_CMDS_MAX	32	/* running at once; more fail and retry */
#define NC_TAIL		120	/* bytes of output kept for the log */
#define NC_RECHECK_MS	10	/* no pidfd: output closed, exit not yet */

struct nc_cmd {
	pid_t pid;
	int pidfd, out;		/* out: read end of stdout+stderr; -1 at EOF */
	int64_t kill_ms;	/* monotonic deadline */
	int64_t recheck_ms;	/* no pidfd: look for its exit then; 0 */
	int killed;
	void *owner;
	char tail[NC_TAIL + 1];
	size_t ntail;
};

struct notify_cmds {
	struct nc_cmd cmds[NC_CMDS_MAX];
	unsigned n;
	notify_done_fn done;
	void *arg;
};

struct notify_cmds *
notify_cmds_new(notify_done_fn done, void *arg)
{
	struct notify_cmds *nc = calloc(1, sizeof *nc);

	if (nc) {
		nc->done = done;
		nc->arg = arg;
	}
	return nc;
}

static void
nc_close(struct nc_cmd *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->out >= 0)
		close(c->out);
	c->pidfd = c->out = -1;
}

void
notify_cmds_free(struct notify_cmds *nc)
{
	if (!nc)
		return;
	for (unsigned i = 0; i < nc->n; i++) {
		kill(-nc->cmds[i].pid, SIGKILL);
		waitpid(nc->cmds[i].pid, NULL, 0);
		nc_close(&nc->cmds[i]);
	}
	free(nc);
}

/* Spawn attributes: default signals and mask (the hub blocks some and
 * ignores SIGPIPE), a new process group (to kill a script's children
 * too), stdin from /dev/null, stdout and stderr into the pipe, nothing
 * else of the hub's open. */
static int
nc_spawn(pid_t *pid, char *const argv[], char *const env[], int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, out, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = posix_spawn(pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

int
notify_cmd_start(struct notify_cmds *nc, char *const argv[],
    char *const env[], int timeout_ms, int64_t now_ms, void *owner,
    struct notify_result *why)
{
	struct nc_cmd *c;
	int p[2], rc;

	if (nc->n == NC_CMDS_MAX) {
		snprintf(why->detail, sizeof why->detail,
		    "%d hooks already running", NC_CMDS_MAX);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(why->detail, sizeof why->detail, "pipe: %s",
		    strerror(errno));
		return -1;
	}
	c = &nc->cmds[nc->n];
	memset(c, 0, sizeof *c);
	c->out = p[0];
	rc = nc_spawn(&c->pid, argv, env, p[1]);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		snprintf(why->detail, sizeof why->detail, "%s: %s", argv[0],
		    strerror(rc));
		return -1;
	}
	if ((c->pidfd = pidfd_open(c->pid, 0)) < 0 && errno == ENOSYS) {
		static int told;

		if (!told++)
			log_warnx("notify: no pidfd_open here: a hook's exit is "
			    "noticed when its output closes");
	} else if (c->pidfd < 0) {
		/* cannot watch it: do not leave it running unwatched */
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		close(p[0]);
		snprintf(why->detail, sizeof why->detail, "pidfd_open: %s",
		    strerror(errno));
		return -1;
	}
	c->kill_ms = now_ms + timeout_ms;
	c->owner = owner;
	nc->n++;
	return 0;
}

unsigned
notify_cmd_fds(struct notify_cmds *nc, struct pollfd *pfd, unsigned max,
    int64_t *due_ms)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nc->n && n + 2 <= max; i++) {
		struct nc_cmd *c = &nc->cmds[i];

		pfd[n++] = (struct pollfd){ .fd = c->pidfd, .events = POLLIN };
		/* -1: poll ignores the slot; the count stays two per hook */
		pfd[n++] = (struct pollfd){ .fd = c->out, .events = POLLIN };
		if (!c->killed && (*due_ms < 0 || c->kill_ms < *due_ms))
			*due_ms = c->kill_ms;
		if (c->recheck_ms && (*due_ms < 0 || c->recheck_ms < *due_ms))
			*due_ms = c->recheck_ms;
	}
	return n;
}

/* Keep the last NC_TAIL bytes of what the hook wrote. */
static void
nc_drain(struct nc_cmd *c)
{
	char buf[512];
	ssize_t r;

	while (c->out >= 0 && (r = read(c->out, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				close(c->out);
				c->out = -1;
			}
			return;
		}
		for (ssize_t i = 0; i < r; i++) {
			if (c->ntail == NC_TAIL) {
				memmove(c->tail, c->tail + 1, NC_TAIL - 1);
				c->ntail--;
			}
			c->tail[c->ntail++] = buf[i] == '\n' ? ' ' : buf[i];
		}
	}
	if (c->out >= 0 && r == 0) {
		close(c->out);
		c->out = -1;
	}
}

/* The child has exited: reap it and say how it went. */
static void
nc_reaped(struct nc_cmd *c, const siginfo_t *si, struct notify_result *r)
{
	c->tail[c->ntail] = '\0';
	while (c->ntail && c->tail[c->ntail - 1] == ' ')
		c->tail[--c->ntail] = '\0';
	memset(r, 0, sizeof *r);
	if (c->killed) {
		r->outcome = "timeout";
		snprintf(r->detail, sizeof r->detail, "killed after its time"
		    " limit%s%s", c->ntail ? ": " : "", c->tail);
	} else if (si->si_code == CLD_EXITED && si->si_status == 0) {
		r->outcome = "sent";
		snprintf(r->detail, sizeof r->detail, "exit 0");
	} else {
		r->outcome = "failed";
		snprintf(r->detail, sizeof r->detail, "%s %d%s%s",
		    si->si_code == CLD_EXITED ? "exit" : "signal",
		    si->si_status, c->ntail ? ": " : "", c->tail);
	}
}

void
notify_cmd_run(struct notify_cmds *nc, const struct pollfd *pfd, unsigned n,
    int64_t now_ms)
{
	struct notify_result r;
	siginfo_t si;

	(void)pfd;
	(void)n;
	/* every hook is looked at each turn: there are few, and a pidfd
	 * that is ready stays ready until the child is reaped */
	for (unsigned i = 0; i < nc->n; ) {
		struct nc_cmd *c = &nc->cmds[i];

		nc_drain(c);
		if (!c->killed && now_ms >= c->kill_ms) {
			kill(-c->pid, SIGKILL);
			c->killed = 1;
		}
		memset(&si, 0, sizeof si);
		if (waitid(c->pidfd >= 0 ? P_PIDFD : P_PID, c->pidfd >= 0 ?
		    (id_t)c->pidfd : (id_t)c->pid, &si, WEXITED | WNOHANG) < 0) {
			if (errno == EINTR) {
				i++;
				continue;
			}
			/* cannot happen for our own child; never wait forever */
			si.si_code = CLD_KILLED;
			si.si_status = SIGKILL;
		} else if (si.si_pid == 0) {
			/* without a pidfd nothing wakes us at its exit once its
			 * output has closed: look again shortly */
			c->recheck_ms = c->pidfd < 0 && c->out < 0 ?
			    now_ms + NC_RECHECK_MS : 0;
			i++;
			continue;
		}
		nc_drain(c);
		nc_reaped(c, &si, &r);
		nc_close(c);
		nc->done(c->owner, &r, nc->arg);
		nc->cmds[i] = nc->cmds[--nc->n];
	}
}
