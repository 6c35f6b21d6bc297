/* outbox.h: the board's durable queue of events awaiting the hub's receipt.
 * SQLite with synchronous=FULL: an event pushed and committed survives a
 * power cut. Events leave only by outbox_ack, oldest first is the order. */
#ifndef COUNTERD_OUTBOX_H
#define COUNTERD_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define OUTBOX_UNSAVED_MAX	32	/* events held in memory if the disk fails */

struct outbox;

/* Open (creating if missing) the outbox at path for counter. A new outbox
 * gets a random boot id; seq numbers continue across reopenings, so ids
 * never repeat. Returns NULL with a reason in err and errno EBADMSG when
 * the file is damaged (see outbox_set_aside), else EIO. */
struct outbox *outbox_open(const char *path, const char *counter, char *err,
    size_t errlen);
void outbox_close(struct outbox *ob);

/* Move a damaged outbox (and its -wal, -shm) aside to path.bad-<epoch>, so
 * a new one can be created. Returns 0 or -1 with errno. */
int outbox_set_aside(const char *path, char *moved, size_t movedlen);

/* The boot id of this outbox (hex). */
const char *outbox_boot(const struct outbox *ob);

/* Give ev its counter, boot, next seq and id, with attempt 0. Does not
 * touch the disk: the caller may publish before outbox_push. Returns 0 or
 * -1. */
int outbox_prepare(struct outbox *ob, struct proto_event *ev);

/* Commit ev (prepared; ev->attempt = sends made so far) durably. On a disk
 * error it is kept in memory, retried by outbox_flush and still listed by
 * outbox_pending; returns -1 then (and when memory is full too). */
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

#endif
