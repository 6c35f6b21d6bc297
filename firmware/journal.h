/* journal.h: an append-only file of checksummed writes, each made durable
 * by fdatasync before the call returns. The board's outbox is kept in one
 * (outbox.c); this file knows nothing of what records mean.
 *
 * Layout: an 8-byte magic, then one frame per write:
 *   u32 length, u32 CRC-32 of the records, then the records, each
 *   u8 type, u16 length, payload (integers little-endian).
 * A power cut can tear only the last write (every earlier one was synced
 * before it began): a damaged frame with no intact frame after it is that
 * torn write and is cut off at open. A damaged frame with an intact one
 * after it is older damage; the open then fails with EBADMSG rather than
 * drop synced records silently. */
#ifndef COUNTERD_JOURNAL_H
#define COUNTERD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define JOURNAL_RECORD_MAX	1024	/* payload of a record */
#define JOURNAL_BATCH_MAX	8192	/* records of one frame, bytes */
#define JOURNAL_REC_HEAD	3	/* a record's type and length */

struct journal;

/* Records to write, gathered in memory first so that a batch reaches the
 * file in one write. */
struct jbatch {
	unsigned char *buf;	/* room for a frame's head, then records */
	size_t len, cap;	/* len: bytes of records */
	int failed;		/* out of memory or a record too long */
};

/* Called for each record of each intact frame at open, in file order.
 * Returns 0, JOURNAL_REPLAY_BAD (the open fails with EBADMSG: the file
 * holds what the caller cannot read) or JOURNAL_REPLAY_NOMEM (ENOMEM: the
 * file may be fine). */
#define JOURNAL_REPLAY_BAD	1
#define JOURNAL_REPLAY_NOMEM	2
typedef int (*journal_replay_fn)(void *arg, int type, const unsigned char *p,
    size_t n);

/* What an open found besides the records. */
struct journal_info {
	size_t torn;		/* bytes of a torn last write, cut off */
	size_t damaged_at;	/* JOURNAL_READONLY: records end at damage
				   here; 0 if none */
};

#define JOURNAL_READONLY	1	/* create nothing, cut nothing */

/* Open path, creating it (atomically: written aside, then renamed) when it
 * does not exist, and replay its records through fn. A torn tail is cut
 * off (info->torn). Returns NULL with a reason in err and errno EBADMSG
 * for a damaged or foreign file, else another errno (the file may be
 * fine: no directory, disk full, no memory, EFBIG for a file too large to
 * read). With JOURNAL_READONLY the
 * file is only read: records up to any damage are replayed and the damage
 * is reported in info (a foreign file is still EBADMSG); such a journal
 * must not be written. */
struct journal *journal_open(const char *path, int flags,
    journal_replay_fn fn, void *arg, struct journal_info *info, char *err,
    size_t errlen);
void journal_close(struct journal *j);

/* Add a record to b; after any failure b->failed is set and the batch
 * must not be written. */
void jbatch_add(struct jbatch *b, int type, const void *payload, size_t n);
void jbatch_reset(struct jbatch *b);
void jbatch_free(struct jbatch *b);

/* Append b (at most JOURNAL_BATCH_MAX bytes of records) as one frame and
 * fdatasync. Returns 0 when durable; -1 (errno set) when not, and then
 * nothing of b counts: the file is cut back to where it was before the
 * next write. */
int journal_append(struct journal *j, struct jbatch *b);

/* Replace the whole file with the records of b (any size, in as many
 * frames as it takes): written to a new file, synced, renamed over the
 * old one, directory synced. Returns 0, or -1 with the old file
 * untouched. */
int journal_rewrite(struct journal *j, const struct jbatch *b);

/* Bytes in the file that count (magic included). */
size_t journal_size(const struct journal *j);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of p[0..n), continuing from crc
 * (0 to start). */
uint32_t journal_crc32(uint32_t crc, const void *p, size_t n);

/* Little-endian integers, the byte order of every field on file. */
static inline void
journal_put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t
journal_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline void
journal_put_u64(unsigned char *p, uint64_t v)
{
	journal_put_u32(p, (uint32_t)v);
	journal_put_u32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t
journal_get_u64(const unsigned char *p)
{
	return journal_get_u32(p) | (uint64_t)journal_get_u32(p + 4) << 32;
}

#endif
