/* journal.c: the append-only record file under the board's outbox. Each
 * write is one frame (a checksummed batch of records) written by one
 * pwrite at the end of what counts, then fdatasync; a write that fails
 * leaves the file to be cut back before the next one, so a frame is never
 * written after garbage. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_MAGIC		"PANICOB\001"
#define JOURNAL_MAGIC_LEN	8
#define JOURNAL_HEAD		8	/* length and CRC of a frame */
#define JOURNAL_FILE_MAX	(64u << 20)	/* refuse to read more */

struct journal {
	int fd;
	size_t size;		/* bytes that count */
	int dirty;		/* bytes past size may be garbage */
	int dir_unsynced;	/* a rename's directory not yet synced */
	char path[PATH_MAX];
};

uint32_t
journal_crc32(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;

	crc = ~crc;
	while (n--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

void
jbatch_add(struct jbatch *b, int type, const void *payload, size_t n)
{
	size_t need = JOURNAL_REC_HEAD + n;
	unsigned char *r;

	if (b->failed || n > JOURNAL_RECORD_MAX) {
		b->failed = 1;
		return;
	}
	/* the frame's head goes in front of the records */
	if (JOURNAL_HEAD + b->len + need > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		unsigned char *nb;

		while (cap < JOURNAL_HEAD + b->len + need)
			cap *= 2;
		if (!(nb = realloc(b->buf, cap))) {
			b->failed = 1;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	r = b->buf + JOURNAL_HEAD + b->len;
	r[0] = (unsigned char)type;
	r[1] = (unsigned char)n;
	r[2] = (unsigned char)(n >> 8);
	if (n)
		memcpy(r + JOURNAL_REC_HEAD, payload, n);
	b->len += need;
}

void
jbatch_reset(struct jbatch *b)
{
	b->len = 0;
	b->failed = 0;
}

void
jbatch_free(struct jbatch *b)
{
	free(b->buf);
	memset(b, 0, sizeof *b);
}

/* Write all of p at off, going on after short writes. */
static int
journal_pwrite_all(int fd, const unsigned char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* A rename is durable only once its directory is synced. */
static int
journal_sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	snprintf(copy, sizeof copy, "%s", path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write magic and body to path.new, sync it and rename it over path.
 * Returns the new file's descriptor, or -1 with path untouched. Once the
 * rename is done the new file is the one: *dir_unsynced says whether its
 * name still waits for a directory sync. */
static int
journal_replace(const char *path, const unsigned char *body, size_t n,
    int *dir_unsynced)
{
	char tmp[PATH_MAX + 8];
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.new", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (journal_pwrite_all(fd, (const unsigned char *)JOURNAL_MAGIC,
	    JOURNAL_MAGIC_LEN, 0) < 0 ||
	    journal_pwrite_all(fd, body, n, JOURNAL_MAGIC_LEN) < 0 ||
	    fdatasync(fd) < 0 || rename(tmp, path) < 0)
		goto err;
	/* the new name is in place; until the directory is synced a power
	 * cut could bring back the old file, so no later write may count as
	 * durable before it is (journal_append retries) */
	*dir_unsynced = journal_sync_dir(path) < 0;
	return fd;

err:
	e = errno;
	close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

/* Is there an intact frame at off in buf[0..size)? Its total length in
 * *len if so. */
static int
journal_frame_at(const unsigned char *buf, size_t size, size_t off,
    size_t *len)
{
	uint32_t n;

	if (size - off < JOURNAL_HEAD + JOURNAL_REC_HEAD)
		return 0;
	n = journal_get_u32(buf + off);
	if (n < JOURNAL_REC_HEAD || n > JOURNAL_BATCH_MAX ||
	    n > size - off - JOURNAL_HEAD)
		return 0;
	if (journal_crc32(0, buf + off + JOURNAL_HEAD, n) !=
	    journal_get_u32(buf + off + 4))
		return 0;
	*len = JOURNAL_HEAD + n;
	return 1;
}

/* Each record of the intact frame p[0..n) through fn. 0, or what fn
 * returned, or JOURNAL_REPLAY_BAD when the records do not fit the frame. */
static int
journal_frame_replay(const unsigned char *p, size_t n, journal_replay_fn fn,
    void *arg)
{
	int rc;

	while (n > 0) {
		size_t len;

		if (n < JOURNAL_REC_HEAD)
			return JOURNAL_REPLAY_BAD;
		len = (size_t)p[1] | (size_t)p[2] << 8;
		if (len > n - JOURNAL_REC_HEAD)
			return JOURNAL_REPLAY_BAD;
		if ((rc = fn(arg, p[0], p + JOURNAL_REC_HEAD, len)) != 0)
			return rc;
		p += JOURNAL_REC_HEAD + len;
		n -= JOURNAL_REC_HEAD + len;
	}
	return 0;
}

/* Frame b's records into out (at most JOURNAL_BATCH_MAX each, split at
 * record boundaries); the length written. out must hold b->len plus a
 * head per frame. */
static size_t
journal_frames(const struct jbatch *b, unsigned char *out)
{
	const unsigned char *r = b->buf + JOURNAL_HEAD, *end = r + b->len;
	size_t w = 0;

	while (r < end) {
		const unsigned char *q = r;
		size_t n;

		while (q < end) {
			size_t len = JOURNAL_REC_HEAD + ((size_t)q[1] |
			    (size_t)q[2] << 8);

			if ((size_t)(q - r) + len > JOURNAL_BATCH_MAX)
				break;
			q += len;
		}
		n = (size_t)(q - r);
		journal_put_u32(out + w, (uint32_t)n);
		journal_put_u32(out + w + 4, journal_crc32(0, r, n));
		memcpy(out + w + JOURNAL_HEAD, r, n);
		w += JOURNAL_HEAD + n;
		r = q;
	}
	return w;
}

static int
journal_fail(int e, char *err, size_t errlen, const char *path,
    const char *why)
{
	snprintf(err, errlen, "outbox: %s: %s", path, why);
	errno = e;
	return -1;
}

/* Read the whole file into *out. */
static int
journal_slurp(int fd, unsigned char **out, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -1;
	if ((uint64_t)st.st_size > JOURNAL_FILE_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (!(buf = malloc((size_t)st.st_size + 1)))
		return -1;
	while (got < (size_t)st.st_size) {
		ssize_t r = pread(fd, buf + got, (size_t)st.st_size - got,
		    (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			if (r == 0)
				errno = EIO;	/* shrank under us */
			return -1;
		}
		got += (size_t)r;
	}
	*out = buf;
	*size = got;
	return 0;
}

/* Replay j's file through fn; cut a torn tail (or, read-only, report
 * where the records end). */
static int
journal_replay(struct journal *j, int flags, journal_replay_fn fn, void *arg,
    struct journal_info *info, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t size, off = JOURNAL_MAGIC_LEN, len;
	char why[128];
	int rc = -1;

	memset(info, 0, sizeof *info);
	/* too large is not damaged: the file stays as it is, for a look */
	if (journal_slurp(j->fd, &buf, &size) < 0)
		return journal_fail(errno, err, errlen, j->path,
		    errno == EFBIG ? "larger than 64 MiB, not read" :
		    strerror(errno));
	if (size < JOURNAL_MAGIC_LEN ||
	    memcmp(buf, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN) != 0) {
		journal_fail(EBADMSG, err, errlen, j->path, "not an outbox "
		    "journal");
		goto out;
	}
	while (off < size && journal_frame_at(buf, size, off, &len)) {
		int r = journal_frame_replay(buf + off + JOURNAL_HEAD,
		    len - JOURNAL_HEAD, fn, arg);

		if (r == JOURNAL_REPLAY_NOMEM) {
			journal_fail(ENOMEM, err, errlen, j->path,
			    "out of memory");
			goto out;
		}
		if (r != 0) {
			snprintf(why, sizeof why, "write at byte %zu: records "
			    "this version does not read", off);
			journal_fail(EBADMSG, err, errlen, j->path, why);
			goto out;
		}
		off += len;
	}
	if (off < size) {
		/* Each write is one frame, and only the last can be torn
		 * (every earlier one was synced before it began): an intact
		 * frame after the damage means it is older than that. */
		size_t at;

		for (at = off + 1; at < size; at++)
			if (journal_frame_at(buf, size, at, &len))
				break;
		if (at < size && (flags & JOURNAL_READONLY)) {
			info->damaged_at = off;
		} else if (at < size) {
			snprintf(why, sizeof why, "damaged at byte %zu of %zu",
			    off, size);
			journal_fail(EBADMSG, err, errlen, j->path, why);
			goto out;
		} else if (flags & JOURNAL_READONLY) {
			info->torn = size - off;
		} else {
			if (ftruncate(j->fd, (off_t)off) < 0 ||
			    fdatasync(j->fd) < 0) {
				journal_fail(errno, err, errlen, j->path,
				    "cannot cut off a torn last write");
				goto out;
			}
			info->torn = size - off;
		}
	}
	j->size = off;
	rc = 0;
out:
	free(buf);
	return rc;
}

struct journal *
journal_open(const char *path, int flags, journal_replay_fn fn, void *arg,
    struct journal_info *info, char *err, size_t errlen)
{
	struct journal *j = calloc(1, sizeof *j);
	char tmp[PATH_MAX + 8];
	struct stat st;
	int e;

	if (!j) {
		journal_fail(ENOMEM, err, errlen, path, "out of memory");
		return NULL;
	}
	if ((size_t)snprintf(j->path, sizeof j->path, "%s", path) >=
	    sizeof j->path) {
		journal_fail(ENAMETOOLONG, err, errlen, path, "name too long");
		goto err;
	}
	if (flags & JOURNAL_READONLY) {
		if ((j->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			journal_fail(errno, err, errlen, path, strerror(errno));
			goto err;
		}
		goto replay;
	}
	/* a rewrite that died before its rename left this; the old file
	 * is whole */
	snprintf(tmp, sizeof tmp, "%s.new", path);
	unlink(tmp);
	j->fd = open(path, O_RDWR | O_CLOEXEC);
	/* an empty file holds nothing to lose: made by hand, say */
	if ((j->fd < 0 && errno == ENOENT) ||
	    (j->fd >= 0 && fstat(j->fd, &st) == 0 && st.st_size == 0)) {
		if (j->fd >= 0)
			close(j->fd);
		j->fd = journal_replace(path, NULL, 0, &j->dir_unsynced);
	}
	if (j->fd < 0) {
		journal_fail(errno, err, errlen, path, strerror(errno));
		goto err;
	}
replay:
	if (journal_replay(j, flags, fn, arg, info, err, errlen) < 0) {
		e = errno;
		close(j->fd);
		errno = e;
		goto err;
	}
	return j;

err:
	e = errno;
	free(j);
	errno = e;
	return NULL;
}

void
journal_close(struct journal *j)
{
	if (!j)
		return;
	close(j->fd);
	free(j);
}

int
journal_append(struct journal *j, struct jbatch *b)
{
	if (b->failed || b->len > JOURNAL_BATCH_MAX) {
		errno = b->failed ? ENOMEM : EMSGSIZE;
		return -1;
	}
	if (b->len == 0)
		return 0;
	if (j->dirty) {
		if (ftruncate(j->fd, (off_t)j->size) < 0)
			return -1;
		j->dirty = 0;
	}
	if (j->dir_unsynced) {
		if (journal_sync_dir(j->path) < 0)
			return -1;
		j->dir_unsynced = 0;
	}
	journal_put_u32(b->buf, (uint32_t)b->len);
	journal_put_u32(b->buf + 4, journal_crc32(0, b->buf + JOURNAL_HEAD,
	    b->len));
	if (journal_pwrite_all(j->fd, b->buf, JOURNAL_HEAD + b->len,
	    (off_t)j->size) < 0 || fdatasync(j->fd) < 0) {
		int e = errno;

		/* what reached the file may be part of b, or all of it but
		 * not durable: cut it back (now, or before the next write) */
		j->dirty = ftruncate(j->fd, (off_t)j->size) < 0;
		errno = e;
		return -1;
	}
	j->size += JOURNAL_HEAD + b->len;
	return 0;
}

int
journal_rewrite(struct journal *j, const struct jbatch *b)
{
	/* a head per frame; a frame holds at least a record's worth */
	size_t cap = b->len + JOURNAL_HEAD *
	    (b->len / (JOURNAL_BATCH_MAX - JOURNAL_RECORD_MAX -
	    JOURNAL_REC_HEAD) + 2);
	unsigned char *body;
	size_t n;
	int fd, dir_unsynced;

	if (b->failed || !(body = malloc(cap))) {
		errno = ENOMEM;
		return -1;
	}
	n = b->len ? journal_frames(b, body) : 0;
	fd = journal_replace(j->path, body, n, &dir_unsynced);
	free(body);
	if (fd < 0)
		return -1;
	close(j->fd);
	j->fd = fd;
	j->size = JOURNAL_MAGIC_LEN + n;
	j->dirty = 0;
	j->dir_unsynced = dir_unsynced;
	return 0;
}

size_t
journal_size(const struct journal *j)
{
	return j->size;
}
