/* lockfile.c: an exclusive flock held for the process's life, and who
 * holds it when it is taken (from /proc/locks). */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The pid holding a FLOCK on st's file, from /proc/locks; -1 if unknown.
 * Lines read "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF". */
static long
lockfile_holder(const struct stat *st)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256], kind[16];
	unsigned maj, min;
	unsigned long long ino;
	long pid, found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f))
		if (sscanf(line, "%*s %15s %*s %*s %ld %x:%x:%llu", kind, &pid,
		    &maj, &min, &ino) == 5 && strcmp(kind, "FLOCK") == 0 &&
		    makedev(maj, min) == st->st_dev && ino == st->st_ino)
			found = pid;
	fclose(f);
	return found;
}

int
lockfile_take(const char *path, char *err, size_t errlen)
{
	struct stat st;
	long pid;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), e;

	/* a read-only disk or file still takes a lock */
	if (fd < 0 && (errno == EROFS || errno == EACCES))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	e = errno;
	if (e == EWOULDBLOCK) {
		pid = fstat(fd, &st) == 0 ? lockfile_holder(&st) : -1;
		if (pid > 0)
			snprintf(err, errlen, "%s is in use by another process "
			    "(pid %ld)", path, pid);
		else
			snprintf(err, errlen, "%s is in use by another process",
			    path);
	} else {
		snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e));
	}
	close(fd);
	errno = e;
	return -1;
}
