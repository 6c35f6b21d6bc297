/* log.c: levelled logging; stderr lines carry a level tag for journald. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *log_prog = "panic";
static enum log_level log_max = LOG_LVL_INFO;
static int log_syslog;
static int log_journal;	/* stderr goes to journald: tag each line */
static int log_stamp;	/* begin stderr lines with the time */

void
log_stamp_lines(int on)
{
	log_stamp = on;
}

/* "2026-12-07T20:59:30.123Z " */
static void
log_print_stamp(FILE *f)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%03ldZ ", buf, ts.tv_nsec / 1000000);
}

void
log_init(const char *progname, enum log_level level, int use_syslog)
{
	log_prog = progname;
	log_max = level;
	if (use_syslog && !log_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = use_syslog;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static void
log_vemit(enum log_level lvl, const char *errstr, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[1024];

	if (lvl > log_max)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_syslog) {
		if (errstr)
			syslog(prio[lvl], "%s: %s", msg, errstr);
		else
			syslog(prio[lvl], "%s", msg);
		return;
	}
	/* "<N>" prefixes let journald assign the priority of each line. */
	if (log_journal)
		fprintf(stderr, "<%d>", prio[lvl]);
	else if (log_stamp)
		log_print_stamp(stderr);
	if (errstr)
		fprintf(stderr, "%s: %s: %s\n", log_prog, msg, errstr);
	else
		fprintf(stderr, "%s: %s\n", log_prog, msg);
}

void
log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_WARN, e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_WARN, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERR, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
