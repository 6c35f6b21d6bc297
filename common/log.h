/* log.h: levelled logging to stderr (journald reads it) or syslog. */
#ifndef PANIC_LOG_H
#define PANIC_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Set the program name, the most verbose level printed, and whether to use
 * syslog instead of stderr. May be called again (after a config reload). */
void log_init(const char *progname, enum log_level level, int use_syslog);
/* A running daemon's lines on a plain stderr (a terminal, a file, not
 * journald, which stamps lines itself) begin with the UTC time to the
 * millisecond: a log read after an incident must say when. */
void log_stamp_lines(int on);

/* Parse "error", "warn", "info", "debug"; returns -1 on an unknown name. */
int log_level_parse(const char *name, enum log_level *out);

/* log_warn appends strerror(errno); log_warnx does not. fatal* exit(1). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
