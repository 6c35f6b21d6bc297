/* outbox.h: the board's durable queue of events awaiting the hub's receipt.
 * An fsync'd journal (journal.h): an event pushed and committed survives a
 * power cut. Events leave only by outbox_ack, oldest first is the order.
 * When the disk fails the outbox keeps working from memory: ids stay
 * unique, only durability is lost until the disk is back. */
#ifndef COUNTERD_OUTBOX_H
#define COUNTERD_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define OUTBOX_UNSAVED_MAX	32	/* events held in memory if the disk fails */
#define OUTBOX_DISCREET_MAX	8	/* discreet incidents remembered */
/* Events awaiting a receipt, at most: weeks of presses at one counter
 * with the hub out of reach (about 300 bytes each in memory). */
#define OUTBOX_PENDING_MAX	2048

struct outbox;

/* Open (creating if missing) the outbox at path for counter. A new outbox
 * gets a random boot id; seq numbers continue across reopenings, so ids
 * never repeat. Returns NULL with a reason in err and errno EBADMSG when
 * the file is damaged or foreign (see outbox_set_aside), else the errno of
 * what failed (no directory, a full disk). */
struct outbox *outbox_open(const char *path, const char *counter, char *err,
    size_t errlen);

/* Read the outbox at path without changing anything (nothing is created,
 * nothing cut): for panicctl and tests, also on a file set aside as
 * damaged. Records up to any damage are read; *damaged_at (if not NULL)
 * is where the damage starts, 0 if none. Only the query functions
 * (outbox_boot, outbox_pending, outbox_count, outbox_discreet_list) may be
 * used on it. NULL with err and errno when it cannot be read at all (no
 * file: ENOENT; not an outbox: EBADMSG). */
struct outbox *outbox_open_readonly(const char *path, size_t *damaged_at,
    char *err, size_t errlen);

/* An outbox with no file, for a board whose disk cannot be written: events
 * are held in memory only (up to OUTBOX_UNSAVED_MAX) under a fresh random
 * boot id, so its ids cannot collide with any an outbox file gave. Returns
 * NULL (errno set) only if no random boot id or no memory could be had. */
struct outbox *outbox_open_memory(const char *counter);

/* Give a memory-only outbox its file at last: open path as outbox_open
 * does, take the file's boot and seq for new ids, and commit the events
 * held in memory into it. Returns 0 (also when a file is already open), or
 * -1 with err and errno as outbox_open; ob is then unchanged. */
int outbox_attach(struct outbox *ob, const char *path, char *err,
    size_t errlen);

void outbox_close(struct outbox *ob);

/* Move a damaged outbox aside to path.bad-<epoch>, so a new one can be
 * created. Returns 0, or -1 with errno (ENAMETOOLONG when
 * the new name does not fit in moved; nothing is moved then). */
int outbox_set_aside(const char *path, char *moved, size_t movedlen);

/* The boot id of the ids handed out now (hex). */
const char *outbox_boot(const struct outbox *ob);
/* 1 if an outbox file is open, 0 when the outbox lives in memory only. */
int outbox_on_disk(const struct outbox *ob);
/* 1 if new ids use a boot id held only in memory: no file, or the file
 * could not keep up its reservation of seq numbers (see outbox_prepare). */
int outbox_boot_in_memory(const struct outbox *ob);

/* Give ev its counter, boot, next seq and id, with attempt 0. Does not
 * touch the disk: the caller may publish before outbox_push. A seq is
 * never handed out beyond what the file durably reserves (a crash would
 * let the next run hand it out again); when commits have failed for so
 * long that the reservation is used up, new ids switch to a fresh boot
 * held in memory (outbox_boot changes). Returns 0 or -1. */
int outbox_prepare(struct outbox *ob, struct proto_event *ev);

/* Commit ev (prepared; ev->attempt = sends made so far) durably. Returns 0
 * when committed; 1 when the disk refused it and it is held in memory,
 * retried by outbox_flush and still listed by outbox_pending; -1 when
 * memory is full too (or OUTBOX_PENDING_MAX events await receipts) and ev
 * is not kept at all. */
int outbox_push(struct outbox *ob, const struct proto_event *ev);

/* Retry committing events kept in memory. Returns how many are left. */
int outbox_flush(struct outbox *ob);

/* Remove the event with this id (its receipt arrived). Returns 1 if it
 * was there, 0 if not, -1 on a disk error. */
int outbox_ack(struct outbox *ob, const char *id);

/* Up to max events with seq > after_seq, oldest first, into out (attempt
 * = sends made so far). Returns how many, or -1. */
int outbox_pending(struct outbox *ob, uint64_t after_seq,
    struct proto_event *out, int max);

/* Record that these n events were sent once more (their attempt fields
 * hold the new count), in one commit. Returns 0 or -1. */
int outbox_attempted(struct outbox *ob, const struct proto_event *evs, int n);

/* Events awaiting a receipt, or -1 on a disk error. */
int outbox_count(struct outbox *ob);

/* Remember (on 1) or forget (on 0) that an incident is discreet, so that a
 * restarted board still keeps the desk dark for it. Only the newest
 * OUTBOX_DISCREET_MAX are kept. Returns 0, or -1 (no file, disk error). */
int outbox_discreet(struct outbox *ob, const char *incident, int on);
/* The remembered discreet incidents, oldest first, into ids. Returns how
 * many (0 without a file), or -1 on a disk error. */
int outbox_discreet_list(struct outbox *ob, char ids[][PROTO_ID_MAX],
    int max);

#endif
