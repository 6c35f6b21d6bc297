/* outbox.c: the durable event queue, kept in an fsync'd journal
 * (journal.c). The queue itself lives in memory, and the file is the
 * history that rebuilds it: events pushed, receipts, attempts, discreet
 * incidents, and the reservation of seq numbers. Seq numbers are reserved
 * in blocks ahead of use, so an event published before its commit can
 * never have its id reused after a crash; when the disk cannot keep the
 * reservation, ids move to a boot id held in memory instead. */
#include "outbox.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "journal.h"
#include "log.h"

#define OUTBOX_RESERVE	64	/* seq numbers reserved per commit */
/* Seq numbers of a memory-only outbox start high and at random, so that
 * when its events are committed into a file at last they cannot meet the
 * file's own seq numbers nor an earlier memory run's. */
#define OUTBOX_MEMORY_SEQ	(UINT64_C(1) << 48)
#define OUTBOX_SEQ_MAX		UINT64_C(9007199254740991)	/* 2^53 - 1 */
/* The journal is rewritten with only what is live once it grows past
 * this plus a margin per pending event. */
#define OUTBOX_COMPACT_BYTES	16384
#define OUTBOX_EVENT_BYTES	256

/* Record types in the journal. */
enum {
	REC_BOOT = 'B',		/* the file's boot id; first, once */
	REC_RESERVE = 'R',	/* u64: seq below this may have been used */
	REC_EVENT = 'E',	/* an event pushed */
	REC_ACK = 'A',		/* id: its receipt arrived */
	REC_ATTEMPT = 'T',	/* u32 attempts, id */
	REC_DISCREET = 'D',	/* incident kept dark */
	REC_UNDISCREET = 'd',	/* incident over */
};

struct outbox_entry {
	struct proto_event ev;
	int saved;		/* in the journal */
};

struct outbox {
	struct journal *j;		/* NULL: memory only */
	struct jbatch batch;
	char counter[PROTO_ID_MAX];
	char boot[PROTO_ID_MAX];	/* of the ids handed out now */
	char file_boot[PROTO_ID_MAX];	/* the journal's */
	int boot_in_memory;		/* boot is not the file's */
	uint64_t next_seq;		/* next to hand out */
	uint64_t reserved;		/* seq below this may be handed out */
	uint64_t file_mark;		/* the journal's reservation */
	struct outbox_entry *q;		/* pending, by seq */
	int nq, capq, nunsaved;
	char discreet[OUTBOX_DISCREET_MAX][PROTO_ID_MAX];	/* oldest first */
	int ndiscreet;
};

/* ---- encoding of records ---------------------------------------------- */

/* A payload under construction; strings are a length byte and bytes. */
struct outbox_rec {
	unsigned char b[JOURNAL_RECORD_MAX];
	size_t n;
	int bad;
};

static void
rec_bytes(struct outbox_rec *r, const void *p, size_t n)
{
	if (r->bad || n > sizeof r->b - r->n) {
		r->bad = 1;
		return;
	}
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static void
rec_u64(struct outbox_rec *r, uint64_t v)
{
	unsigned char b[8];

	journal_put_u64(b, v);
	rec_bytes(r, b, sizeof b);
}

static void
rec_u32(struct outbox_rec *r, uint32_t v)
{
	unsigned char b[4];

	journal_put_u32(b, v);
	rec_bytes(r, b, sizeof b);
}

static void
rec_str(struct outbox_rec *r, const char *s)
{
	size_t n = strlen(s);
	unsigned char len = (unsigned char)n;

	if (n > 255) {
		r->bad = 1;
		return;
	}
	rec_bytes(r, &len, 1);
	rec_bytes(r, s, n);
}

static void
batch_rec(struct outbox *ob, int type, const struct outbox_rec *r)
{
	if (r->bad)
		ob->batch.failed = 1;
	else
		jbatch_add(&ob->batch, type, r->b, r->n);
}

static void
batch_u64(struct outbox *ob, int type, uint64_t v)
{
	struct outbox_rec r = { .n = 0 };

	rec_u64(&r, v);
	batch_rec(ob, type, &r);
}

static void
batch_str(struct outbox *ob, int type, const char *s)
{
	struct outbox_rec r = { .n = 0 };

	rec_str(&r, s);
	batch_rec(ob, type, &r);
}

static void
batch_event(struct outbox *ob, const struct proto_event *ev)
{
	struct outbox_rec r = { .n = 0 };

	rec_u64(&r, ev->seq);
	rec_u64(&r, (uint64_t)ev->pressed_ms);
	rec_u64(&r, (uint64_t)ev->held_ms);
	rec_u32(&r, ev->attempt);
	rec_str(&r, proto_kind_name(ev->kind));
	rec_str(&r, proto_gesture_name(ev->gesture));
	rec_str(&r, ev->id);
	rec_str(&r, ev->counter);
	rec_str(&r, ev->boot);
	rec_str(&r, ev->button);
	rec_str(&r, ev->upgrades);
	batch_rec(ob, REC_EVENT, &r);
}

static void
batch_attempt(struct outbox *ob, const struct proto_event *ev)
{
	struct outbox_rec r = { .n = 0 };

	rec_u32(&r, ev->attempt);
	rec_str(&r, ev->id);
	batch_rec(ob, REC_ATTEMPT, &r);
}

/* ---- decoding, for the replay at open --------------------------------- */

/* A payload being read; any overrun sets bad. */
struct outbox_in {
	const unsigned char *p;
	size_t n;
	int bad;
};

static const unsigned char *
in_take(struct outbox_in *in, size_t n)
{
	const unsigned char *p = in->p;

	if (in->bad || n > in->n) {
		in->bad = 1;
		return NULL;
	}
	in->p += n;
	in->n -= n;
	return p;
}

static uint64_t
in_u64(struct outbox_in *in)
{
	const unsigned char *p = in_take(in, 8);

	return p ? journal_get_u64(p) : 0;
}

static uint32_t
in_u32(struct outbox_in *in)
{
	const unsigned char *p = in_take(in, 4);

	return p ? journal_get_u32(p) : 0;
}

/* A string into buf (size bytes with its NUL); too long is bad. */
static void
in_str(struct outbox_in *in, char *buf, size_t size)
{
	const unsigned char *len = in_take(in, 1), *p;

	if (!len || *len >= size || !(p = in_take(in, *len))) {
		in->bad = 1;
		buf[0] = '\0';
		return;
	}
	memcpy(buf, p, *len);
	buf[*len] = '\0';
}

static int
in_event(struct outbox_in *in, struct proto_event *ev)
{
	char kind[PROTO_ID_MAX], gesture[PROTO_ID_MAX];

	memset(ev, 0, sizeof *ev);
	ev->seq = in_u64(in);
	ev->pressed_ms = (int64_t)in_u64(in);
	ev->held_ms = (int64_t)in_u64(in);
	ev->attempt = in_u32(in);
	in_str(in, kind, sizeof kind);
	in_str(in, gesture, sizeof gesture);
	in_str(in, ev->id, sizeof ev->id);
	in_str(in, ev->counter, sizeof ev->counter);
	in_str(in, ev->boot, sizeof ev->boot);
	in_str(in, ev->button, sizeof ev->button);
	in_str(in, ev->upgrades, sizeof ev->upgrades);
	if (in->bad || in->n != 0 ||
	    proto_kind_parse(kind, strlen(kind), &ev->kind) < 0 ||
	    proto_gesture_parse(gesture, strlen(gesture), &ev->gesture) < 0)
		return -1;
	return 0;
}

/* ---- the queue in memory ---------------------------------------------- */

static struct outbox_entry *
queue_find(struct outbox *ob, const char *id)
{
	for (int i = 0; i < ob->nq; i++)
		if (strcmp(ob->q[i].ev.id, id) == 0)
			return &ob->q[i];
	return NULL;
}

/* Room for at least cap entries. 0 or -1 (no memory). */
static int
queue_reserve(struct outbox *ob, int cap)
{
	struct outbox_entry *nq;

	if (cap <= ob->capq)
		return 0;
	if (!(nq = realloc(ob->q, (size_t)cap * sizeof *nq)))
		return -1;
	ob->q = nq;
	ob->capq = cap;
	return 0;
}

/* Insert in seq order (replaces an entry with the same id). Only new
 * presses are held to OUTBOX_PENDING_MAX (outbox_push): what a file
 * already holds is always taken back. */
static int
queue_add(struct outbox *ob, const struct proto_event *ev, int saved)
{
	struct outbox_entry *e = queue_find(ob, ev->id);
	int i;

	if (e) {
		ob->nunsaved -= !e->saved;
		e->ev = *ev;
		e->saved = saved;
		ob->nunsaved += !saved;
		return 0;
	}
	if (ob->nq == ob->capq && queue_reserve(ob, ob->capq ? ob->capq * 2 :
	    8) < 0)
		return -1;
	for (i = ob->nq; i > 0 && ob->q[i - 1].ev.seq > ev->seq; i--)
		ob->q[i] = ob->q[i - 1];
	ob->q[i] = (struct outbox_entry){ .ev = *ev, .saved = saved };
	ob->nq++;
	ob->nunsaved += !saved;
	return 0;
}

static void
queue_remove(struct outbox *ob, struct outbox_entry *e)
{
	int i = (int)(e - ob->q);

	ob->nunsaved -= !e->saved;
	memmove(&ob->q[i], &ob->q[i + 1], (size_t)(ob->nq - i - 1) * sizeof *e);
	ob->nq--;
}

/* Keep (on) or forget an incident in the discreet list: the newest last,
 * only the newest OUTBOX_DISCREET_MAX. */
static void
discreet_apply(struct outbox *ob, const char *incident, int on)
{
	for (int i = 0; i < ob->ndiscreet; i++) {
		if (strcmp(ob->discreet[i], incident) != 0)
			continue;
		memmove(ob->discreet[i], ob->discreet[i + 1],
		    (size_t)(ob->ndiscreet - i - 1) * sizeof ob->discreet[0]);
		ob->ndiscreet--;
		break;
	}
	if (!on)
		return;
	if (ob->ndiscreet == OUTBOX_DISCREET_MAX) {
		memmove(ob->discreet[0], ob->discreet[1],
		    (size_t)(OUTBOX_DISCREET_MAX - 1) * sizeof ob->discreet[0]);
		ob->ndiscreet--;
	}
	snprintf(ob->discreet[ob->ndiscreet++], PROTO_ID_MAX, "%s", incident);
}

/* ---- open, replay, compact -------------------------------------------- */

/* 16 random hex digits: a boot id no other outbox has. */
static int
outbox_random_boot(char boot[PROTO_ID_MAX])
{
	unsigned char rnd[8];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return -1;
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(boot + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

/* New ids from first_seq on under a fresh boot held in memory. Nothing on
 * disk needs reserving: no earlier run can have used this boot. */
static int
outbox_memory_boot(struct outbox *ob, uint64_t first_seq)
{
	char boot[PROTO_ID_MAX];

	if (outbox_random_boot(boot) < 0)
		return -1;
	memcpy(ob->boot, boot, sizeof ob->boot);
	ob->boot_in_memory = 1;
	ob->next_seq = first_seq;
	ob->reserved = OUTBOX_SEQ_MAX + 1;
	return 0;
}

/* One record of the journal, in file order, into the outbox being
 * loaded. 0, JOURNAL_REPLAY_BAD (a record this version cannot read) or
 * JOURNAL_REPLAY_NOMEM. */
static int
outbox_replay(void *arg, int type, const unsigned char *p, size_t n)
{
	struct outbox *ob = arg;
	struct outbox_in in = { p, n, 0 };
	struct outbox_entry *e;
	struct proto_event ev;
	char id[PROTO_EVENT_ID_MAX];
	uint64_t v;
	uint32_t attempt;

	switch (type) {
	case REC_BOOT:
		in_str(&in, ob->file_boot, sizeof ob->file_boot);
		return in.bad || !proto_id_valid(ob->file_boot);
	case REC_RESERVE:
		v = in_u64(&in);
		if (v > ob->file_mark)
			ob->file_mark = v;
		return in.bad;
	case REC_EVENT:
		if (in_event(&in, &ev) < 0)
			return JOURNAL_REPLAY_BAD;
		return queue_add(ob, &ev, 1) < 0 ? JOURNAL_REPLAY_NOMEM : 0;
	case REC_ACK:
		in_str(&in, id, sizeof id);
		if (!in.bad && (e = queue_find(ob, id)))
			queue_remove(ob, e);
		return in.bad;
	case REC_ATTEMPT:
		attempt = in_u32(&in);
		in_str(&in, id, sizeof id);
		if (!in.bad && (e = queue_find(ob, id)))
			e->ev.attempt = attempt;
		return in.bad;
	case REC_DISCREET:
	case REC_UNDISCREET:
		in_str(&in, id, sizeof id);
		if (!in.bad && strlen(id) < PROTO_ID_MAX)
			discreet_apply(ob, id, type == REC_DISCREET);
		return in.bad;
	default:
		return JOURNAL_REPLAY_BAD;
	}
}

/* Everything live as records into ob->batch: what a rewritten journal
 * holds. The reservation covers every seq handed out in this run; it is
 * returned, to become the file's mark once written. */
static uint64_t
outbox_snapshot(struct outbox *ob)
{
	uint64_t mark = ob->file_mark > ob->next_seq ? ob->file_mark :
	    ob->next_seq;

	if (!ob->boot_in_memory && ob->reserved > mark)
		mark = ob->reserved;
	jbatch_reset(&ob->batch);
	batch_str(ob, REC_BOOT, ob->file_boot);
	batch_u64(ob, REC_RESERVE, mark);
	for (int i = 0; i < ob->nq; i++)
		batch_event(ob, &ob->q[i].ev);
	for (int i = 0; i < ob->ndiscreet; i++)
		batch_str(ob, REC_DISCREET, ob->discreet[i]);
	return mark;
}

/* Rewrite the journal with only what is live, once it has grown well past
 * that. A failure changes nothing: the old file stays whole. */
static void
outbox_compact(struct outbox *ob)
{
	uint64_t mark;

	if (!ob->j || journal_size(ob->j) < OUTBOX_COMPACT_BYTES +
	    (size_t)ob->nq * OUTBOX_EVENT_BYTES)
		return;
	mark = outbox_snapshot(ob);
	if (journal_rewrite(ob->j, &ob->batch) == 0) {
		for (int i = 0; i < ob->nq; i++)
			ob->q[i].saved = 1;
		ob->nunsaved = 0;
		ob->file_mark = mark;
	}
}

static struct outbox *
outbox_alloc(const char *counter)
{
	struct outbox *ob = calloc(1, sizeof *ob);

	if (ob)
		snprintf(ob->counter, sizeof ob->counter, "%s", counter);
	return ob;
}

static void
outbox_free(struct outbox *ob)
{
	journal_close(ob->j);
	jbatch_free(&ob->batch);
	free(ob->q);
	free(ob);
}

/* Open the journal at path into a new outbox and reserve a fresh block of
 * seq numbers: whatever the last run handed out lies below its mark, or
 * below the highest seq stored (events of a boot held in memory). Read
 * only: replay up to any damage (where, into *damaged_at), write nothing. */
static struct outbox *
outbox_load(const char *path, const char *counter, int flags,
    size_t *damaged_at, char *err, size_t errlen)
{
	struct outbox *ob = outbox_alloc(counter);
	struct journal_info info;
	uint64_t top = 0;
	int fresh, e;

	if (!ob) {
		snprintf(err, errlen, "outbox: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (!(ob->j = journal_open(path, flags, outbox_replay, ob, &info, err,
	    errlen))) {
		e = errno;
		outbox_free(ob);
		errno = e;
		return NULL;
	}
	fresh = !ob->file_boot[0];
	if (fresh && (ob->nq || ob->file_mark || ob->ndiscreet)) {
		snprintf(err, errlen, "outbox: %s: records without a boot id",
		    path);
		outbox_free(ob);
		errno = EBADMSG;
		return NULL;
	}
	if (flags & JOURNAL_READONLY) {
		memcpy(ob->boot, ob->file_boot, sizeof ob->boot);
		if (damaged_at)
			*damaged_at = info.damaged_at;
		return ob;
	}
	if (fresh && outbox_random_boot(ob->file_boot) < 0)
		goto err_io;
	if (ob->nq)
		top = ob->q[ob->nq - 1].ev.seq;
	ob->next_seq = ob->file_mark > top + 1 ? ob->file_mark : top + 1;
	if (ob->next_seq > OUTBOX_SEQ_MAX - OUTBOX_RESERVE) {
		snprintf(err, errlen, "outbox: %s: seq numbers used up", path);
		outbox_free(ob);
		errno = EBADMSG;
		return NULL;
	}
	ob->reserved = ob->next_seq + OUTBOX_RESERVE;
	memcpy(ob->boot, ob->file_boot, sizeof ob->boot);
	jbatch_reset(&ob->batch);
	if (fresh)
		batch_str(ob, REC_BOOT, ob->file_boot);
	batch_u64(ob, REC_RESERVE, ob->reserved);
	if (journal_append(ob->j, &ob->batch) < 0)
		goto err_io;
	ob->file_mark = ob->reserved;
	if (info.torn)
		log_warnx("outbox: %s: cut off %zu bytes of a last write that "
		    "never completed (a power cut or a full disk)", path,
		    info.torn);
	outbox_compact(ob);
	return ob;

err_io:
	e = errno;
	snprintf(err, errlen, "outbox: %s: cannot reserve event ids: %s", path,
	    strerror(e));
	outbox_free(ob);
	errno = e == EBADMSG ? EIO : e;
	return NULL;
}

struct outbox *
outbox_open(const char *path, const char *counter, char *err, size_t errlen)
{
	return outbox_load(path, counter, 0, NULL, err, errlen);
}

struct outbox *
outbox_open_readonly(const char *path, size_t *damaged_at, char *err,
    size_t errlen)
{
	return outbox_load(path, "", JOURNAL_READONLY, damaged_at, err, errlen);
}

struct outbox *
outbox_open_memory(const char *counter)
{
	struct outbox *ob = outbox_alloc(counter);
	uint32_t r;

	if (!ob)
		return NULL;
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r ||
	    outbox_memory_boot(ob, OUTBOX_MEMORY_SEQ + ((uint64_t)r << 8)) < 0) {
		free(ob);
		errno = EAGAIN;
		return NULL;
	}
	return ob;
}

int
outbox_attach(struct outbox *ob, const char *path, char *err, size_t errlen)
{
	struct outbox *f;

	if (ob->j)
		return 0;
	if (!(f = outbox_load(path, ob->counter, 0, NULL, err, errlen)))
		return -1;
	if (queue_reserve(ob, ob->nq + f->nq) < 0) {
		snprintf(err, errlen, "outbox: %s: out of memory", path);
		outbox_free(f);
		errno = ENOMEM;
		return -1;
	}
	/* the file's events join those held in memory (room is made: none
	 * can be refused); new ids are the file's from now on */
	for (int i = 0; i < f->nq; i++)
		queue_add(ob, &f->q[i].ev, 1);
	memcpy(ob->discreet, f->discreet, sizeof ob->discreet);
	ob->ndiscreet = f->ndiscreet;
	memcpy(ob->boot, f->boot, sizeof ob->boot);
	memcpy(ob->file_boot, f->file_boot, sizeof ob->file_boot);
	ob->boot_in_memory = 0;
	ob->next_seq = f->next_seq;
	ob->reserved = f->reserved;
	ob->file_mark = f->file_mark;
	ob->j = f->j;
	f->j = NULL;
	outbox_free(f);
	outbox_flush(ob);
	return 0;
}

void
outbox_close(struct outbox *ob)
{
	if (ob)
		outbox_free(ob);
}

/* snprintf into buf, or -1 with ENAMETOOLONG if it does not fit. */
static int
outbox_name(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
outbox_name(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
outbox_set_aside(const char *path, char *moved, size_t movedlen)
{
	/* a cut name would move the file somewhere nobody looks, or onto
	 * another file */
	if (outbox_name(moved, movedlen, "%s.bad-%lld", path,
	    (long long)time(NULL)) < 0)
		return -1;
	return rename(path, moved);
}

const char *
outbox_boot(const struct outbox *ob)
{
	return ob->boot;
}

int
outbox_on_disk(const struct outbox *ob)
{
	return ob->j != NULL;
}

int
outbox_boot_in_memory(const struct outbox *ob)
{
	return ob->boot_in_memory;
}

int
outbox_prepare(struct outbox *ob, struct proto_event *ev)
{
	/* The mark is kept a block ahead by every commit; reaching it means
	 * commits have failed for a while. Rather than wait on that disk
	 * before a call goes out, take a boot of our own (the seq goes on, so
	 * seq order stays unique if these reach the file later). */
	if (ob->next_seq >= ob->reserved &&
	    outbox_memory_boot(ob, ob->next_seq) < 0)
		return -1;
	snprintf(ev->counter, sizeof ev->counter, "%s", ob->counter);
	snprintf(ev->boot, sizeof ev->boot, "%s", ob->boot);
	ev->seq = ob->next_seq;
	ev->attempt = 0;
	if (proto_event_make_id(ev) < 0)
		return -1;
	ob->next_seq++;
	return 0;
}

/* Append ev, and keep the reservation a block ahead, in one synced
 * write. */
static int
outbox_commit(struct outbox *ob, const struct proto_event *ev)
{
	int bump = !ob->boot_in_memory &&
	    ob->reserved < ob->next_seq + OUTBOX_RESERVE / 2;

	if (!ob->j)
		return -1;
	jbatch_reset(&ob->batch);
	if (bump)
		batch_u64(ob, REC_RESERVE, ob->next_seq + OUTBOX_RESERVE);
	batch_event(ob, ev);
	if (journal_append(ob->j, &ob->batch) < 0)
		return -1;
	if (bump)
		ob->reserved = ob->file_mark = ob->next_seq + OUTBOX_RESERVE;
	return 0;
}

int
outbox_push(struct outbox *ob, const struct proto_event *ev)
{
	outbox_flush(ob);
	if (ob->nq == OUTBOX_PENDING_MAX)
		return -1;
	if (outbox_commit(ob, ev) == 0) {
		if (queue_add(ob, ev, 1) < 0)
			return -1;
		outbox_compact(ob);
		return 0;
	}
	if (ob->nunsaved == OUTBOX_UNSAVED_MAX || queue_add(ob, ev, 0) < 0)
		return -1;
	return 1;
}

int
outbox_flush(struct outbox *ob)
{
	if (!ob->j)
		return ob->nunsaved;
	/* oldest first; a disk that refuses one will refuse the next */
	for (int i = 0; i < ob->nq && ob->nunsaved > 0; i++) {
		if (ob->q[i].saved)
			continue;
		if (outbox_commit(ob, &ob->q[i].ev) < 0)
			break;
		ob->q[i].saved = 1;
		ob->nunsaved--;
	}
	return ob->nunsaved;
}

int
outbox_ack(struct outbox *ob, const char *id)
{
	struct outbox_entry *e = queue_find(ob, id);

	if (!e)
		return 0;
	if (e->saved) {
		jbatch_reset(&ob->batch);
		batch_str(ob, REC_ACK, id);
		/* not removed: it is sent again, and the hub knows the id */
		if (journal_append(ob->j, &ob->batch) < 0)
			return -1;
	}
	queue_remove(ob, e);
	outbox_compact(ob);
	return 1;
}

int
outbox_pending(struct outbox *ob, uint64_t after_seq, struct proto_event *out,
    int max)
{
	int n = 0;

	for (int i = 0; i < ob->nq && n < max; i++)
		if (ob->q[i].ev.seq > after_seq)
			out[n++] = ob->q[i].ev;
	return n;
}

int
outbox_attempted(struct outbox *ob, const struct proto_event *evs, int n)
{
	struct outbox_entry *e;
	int rc = 0;

	jbatch_reset(&ob->batch);
	for (int i = 0; i < n; i++) {
		if (!(e = queue_find(ob, evs[i].id)))
			continue;
		e->ev.attempt = evs[i].attempt;
		if (!e->saved || !ob->j)
			continue;
		/* a batch stays within what one write may tear */
		if (ob->batch.len + JOURNAL_REC_HEAD + JOURNAL_RECORD_MAX >
		    JOURNAL_BATCH_MAX) {
			rc |= journal_append(ob->j, &ob->batch);
			jbatch_reset(&ob->batch);
		}
		batch_attempt(ob, &e->ev);
	}
	if (ob->j)
		rc |= journal_append(ob->j, &ob->batch);
	/* a round of re-sends a day adds up while the hub is away */
	outbox_compact(ob);
	return rc < 0 ? -1 : 0;
}

int
outbox_count(struct outbox *ob)
{
	return ob->nq;
}

int
outbox_discreet(struct outbox *ob, const char *incident, int on)
{
	if (!ob->j || strlen(incident) >= PROTO_ID_MAX)
		return -1;
	jbatch_reset(&ob->batch);
	batch_str(ob, on ? REC_DISCREET : REC_UNDISCREET, incident);
	if (journal_append(ob->j, &ob->batch) < 0)
		return -1;
	discreet_apply(ob, incident, on);
	outbox_compact(ob);
	return 0;
}

int
outbox_discreet_list(struct outbox *ob, char ids[][PROTO_ID_MAX], int max)
{
	int n = 0;

	if (!ob->j)
		return 0;
	for (; n < ob->ndiscreet && n < max; n++)
		memcpy(ids[n], ob->discreet[n], PROTO_ID_MAX);
	return n;
}
