/* lockfile.h: one daemon per state file. A second hubd on the same
 * database, or a second counterd on the same outbox, would interleave its
 * writes and its timers with the first one's; the lock is held for the
 * process's life and goes with it, however it ends. */
#ifndef COMMON_LOCKFILE_H
#define COMMON_LOCKFILE_H

#include <stddef.h>

/* Open path (creating it empty, mode 0600, if missing) and take an
 * exclusive flock on it without waiting. Returns the descriptor, to keep
 * open for as long as the lock is to be held (closing it lets go), or -1
 * with errno and a message in err: EWOULDBLOCK when another process holds
 * it ("... is in use by another process (pid N)"), anything else when the
 * file cannot be opened. flock does not meet SQLite's POSIX locks, so the
 * file may be a database that SQLite then opens too. */
int lockfile_take(const char *path, char *err, size_t errlen);

#endif
