/* diskshim.c: an LD_PRELOAD library that makes the disk under hubd's
 * database full or read-only on command, for test_hub_disk. As root in a
 * container, chmod stops nothing and mounting a small filesystem is not
 * allowed, so the shim fails the calls SQLite makes (libsqlite3 imports
 * open64, write and pwrite64) the way the kernel would:
 *
 *   DISKSHIM_PATH  prefix of the files concerned (the database path: its
 *                  -wal, -shm and -journal too; never the logs)
 *   DISKSHIM_MODE  a file; while it exists its first byte says
 *                  'f': full — a write that would grow a file fails with
 *                       ENOSPC (a write within the file's size takes no
 *                       new blocks and goes through, as on ext4)
 *                  'r': read-only — every write fails with EROFS, and so
 *                       does an open for writing
 *
 * Only for tests: built apart, never linked into a daemon. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Not in any header: the library exports them to replace libc's. */
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off);
int open64(const char *path, int flags, ...);

static int (*real_open64)(const char *, int, ...);

/* The mode now: 'f', 'r' or 0 (a healthy disk). */
static char
shim_mode(void)
{
	const char *file = getenv("DISKSHIM_MODE");
	char c = 0;
	int fd;

	if (!file)
		return 0;
	if (!real_open64)
		real_open64 = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT,
		    "open64");
	if ((fd = real_open64(file, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c;
}

static int
shim_ours(const char *path)
{
	const char *prefix = getenv("DISKSHIM_PATH");

	return prefix && *prefix && strncmp(path, prefix, strlen(prefix)) == 0;
}

static int
shim_fd_ours(int fd)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof path - 1)) < 0)
		return 0;
	path[n] = '\0';
	return shim_ours(path);
}

/* The errno a write of n bytes at off (-1: the file offset) would get
 * from the disk now, or 0 to let it through. */
static int
shim_refuse(int fd, off64_t off, size_t n)
{
	struct stat st;
	char mode;

	if (n == 0 || !(mode = shim_mode()) || !shim_fd_ours(fd))
		return 0;
	if (mode == 'r')
		return EROFS;
	if (off < 0)
		off = lseek(fd, 0, SEEK_CUR);
	if (fstat(fd, &st) == 0 && off >= 0 && off + (off64_t)n <= st.st_size)
		return 0;
	return ENOSPC;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	int e = shim_refuse(fd, -1, n);

	if (e) {
		errno = e;
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");
	return real(fd, buf, n);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off64_t);
	int e = shim_refuse(fd, off, n);

	if (e) {
		errno = e;
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, off64_t))dlsym(
		    RTLD_NEXT, "pwrite64");
	return real(fd, buf, n, off);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)) &&
	    shim_ours(path) && shim_mode() == 'r') {
		errno = EROFS;
		return -1;
	}
	if (!real_open64)
		real_open64 = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT,
		    "open64");
	return real_open64(path, flags, mode);
}
