/* test_outbox.c: the durable queue — order, receipts, persistence across
 * close and reopen, ids never reused (even for events published but never
 * committed before a crash, and when the disk is full), a damaged file set
 * aside, running from memory when no file can be written, and the
 * discreet incidents it remembers. A full disk is a wrapped pwrite and
 * fdatasync failing on demand: tests run as root, where chmod stops
 * nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"

/* ---- a disk that fills up on demand ----------------------------------- */

/* The journal's writes and syncs go through these (-Wl,--wrap, see
 * firmware/build.mk). A full disk takes half of a write, as a real one
 * may, then refuses; torn tails must never count. */
static int disk_full;

ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

ssize_t
__wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (disk_full) {
		if (n > 1)
			__real_pwrite(fd, buf, n / 2, off);
		errno = ENOSPC;
		return -1;
	}
	return __real_pwrite(fd, buf, n, off);
}

int
__wrap_fdatasync(int fd)
{
	if (disk_full) {
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

struct fixture {
	char dir[256];
	char path[400];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	disk_full = 0;
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof f->dir, "%s/test_outbox.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/outbox.journal", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static struct outbox *
open_ok(const struct fixture *f)
{
	char err[256];
	struct outbox *ob = outbox_open(f->path, "c03", err, sizeof err);

	if (!ob)
		fail_msg("outbox_open: %s", err);
	return ob;
}

/* A prepared event with recognisable fields; n varies them. */
static struct proto_event
make(struct outbox *ob, int n)
{
	struct proto_event ev = { .kind = n % 2 ? PROTO_KIND_EMERGENCY :
	    PROTO_KIND_HELP, .gesture = n % 2 ? PROTO_GESTURE_LONG :
	    PROTO_GESTURE_PRESS, .pressed_ms = 1764306723000LL + n,
	    .held_ms = n % 2 ? 2000 : -1 };

	snprintf(ev.button, sizeof ev.button, "b%d", n);
	if (n % 2)
		snprintf(ev.upgrades, sizeof ev.upgrades, "c03:x:%d", n);
	assert_int_equal(outbox_prepare(ob, &ev), 0);
	ev.attempt = 1;
	return ev;
}

static void
assert_same(const struct proto_event *a, const struct proto_event *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->counter, b->counter);
	assert_string_equal(a->boot, b->boot);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->gesture, b->gesture);
	assert_string_equal(a->button, b->button);
	assert_int_equal(a->pressed_ms, b->pressed_ms);
	assert_int_equal(a->held_ms, b->held_ms);
	assert_string_equal(a->upgrades, b->upgrades);
	assert_int_equal(a->attempt, b->attempt);
}

static void
test_order_and_ack(void **state)
{
	struct outbox *ob = open_ok(*state);
	struct proto_event ev[5], got[8];

	for (int i = 0; i < 5; i++) {
		ev[i] = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev[i]), 0);
	}
	assert_int_equal(outbox_count(ob), 5);
	assert_int_equal(outbox_pending(ob, 0, got, 8), 5);
	for (int i = 0; i < 5; i++)
		assert_same(&got[i], &ev[i]);
	assert_int_equal(outbox_ack(ob, ev[1].id), 1);
	assert_int_equal(outbox_ack(ob, ev[3].id), 1);
	assert_int_equal(outbox_ack(ob, ev[3].id), 0);	/* a second receipt */
	assert_int_equal(outbox_ack(ob, "c03:other:1"), 0);
	assert_int_equal(outbox_pending(ob, 0, got, 8), 3);
	assert_same(&got[0], &ev[0]);
	assert_same(&got[1], &ev[2]);
	assert_same(&got[2], &ev[4]);
	/* paging: after a seq, at most max */
	assert_int_equal(outbox_pending(ob, ev[0].seq, got, 1), 1);
	assert_same(&got[0], &ev[2]);
	assert_int_equal(outbox_count(ob), 3);
	outbox_close(ob);
}

static void
test_persists_across_reopen(void **state)
{
	struct outbox *ob = open_ok(*state);
	struct proto_event ev[3], got[4], next;
	char boot[PROTO_ID_MAX];

	snprintf(boot, sizeof boot, "%s", outbox_boot(ob));
	for (int i = 0; i < 3; i++) {
		ev[i] = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev[i]), 0);
	}
	ev[2].attempt = 4;
	assert_int_equal(outbox_attempted(ob, &ev[2], 1), 0);
	outbox_close(ob);

	ob = open_ok(*state);
	assert_string_equal(outbox_boot(ob), boot);
	assert_int_equal(outbox_pending(ob, 0, got, 4), 3);
	for (int i = 0; i < 3; i++)
		assert_same(&got[i], &ev[i]);
	next = make(ob, 9);
	assert_true(next.seq > ev[2].seq);
	outbox_close(ob);
}

/* Events are published before they are committed; a crash in between
 * must not let a later event take the same id. */
static void
test_ids_never_reused(void **state)
{
	static char seen[400][PROTO_EVENT_ID_MAX];
	int nseen = 0;

	for (int run = 0; run < 4; run++) {
		struct outbox *ob = open_ok(*state);

		for (int i = 0; i < 100; i++) {
			struct proto_event ev = make(ob, i);

			for (int j = 0; j < nseen; j++)
				if (strcmp(seen[j], ev.id) == 0)
					fail_msg("id %s reused", ev.id);
			snprintf(seen[nseen++], PROTO_EVENT_ID_MAX, "%s", ev.id);
			/* only every tenth reaches the disk before the "crash" */
			if (i % 10 == 0)
				assert_int_equal(outbox_push(ob, &ev), 0);
		}
		outbox_close(ob);
	}
}

static void
test_new_outbox_new_boot(void **state)
{
	struct fixture *f = *state;
	struct outbox *a = open_ok(f), *b;
	char err[512], other[320];

	snprintf(other, sizeof other, "%s/other.db", f->dir);
	b = outbox_open(other, "c03", err, sizeof err);
	assert_non_null(b);
	assert_string_not_equal(outbox_boot(a), outbox_boot(b));
	assert_int_equal(strlen(outbox_boot(a)), 16);
	outbox_close(a);
	outbox_close(b);
}

static void
test_damaged_file_set_aside(void **state)
{
	struct fixture *f = *state;
	char err[512], moved[400];
	struct outbox *ob;
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an outbox journal\n", fp);
	fclose(fp);
	errno = 0;
	assert_null(outbox_open(f->path, "c03", err, sizeof err));
	assert_int_equal(errno, EBADMSG);
	assert_non_null(strstr(err, f->path));
	assert_int_equal(outbox_set_aside(f->path, moved, sizeof moved), 0);
	assert_int_equal(access(moved, F_OK), 0);
	ob = open_ok(f);
	assert_int_equal(outbox_count(ob), 0);
	outbox_close(ob);
}

static void
test_missing_directory(void **state)
{
	struct fixture *f = *state;
	char err[512], path[320];

	snprintf(path, sizeof path, "%s/no/such/dir/outbox.journal", f->dir);
	errno = 0;
	assert_null(outbox_open(path, "c03", err, sizeof err));
	assert_int_not_equal(errno, EBADMSG);	/* not "damaged": keep it */
}

/* The reported reuse: 100 events prepared (and published) with no commit
 * at all, then a restart. The first id of the new run must be new. */
static void
test_uncommitted_ids_not_reused(void **state)
{
	static char seen[100][PROTO_EVENT_ID_MAX];
	struct outbox *ob = open_ok(*state);
	struct proto_event ev;

	for (int i = 0; i < 100; i++) {
		ev = make(ob, i);
		snprintf(seen[i], PROTO_EVENT_ID_MAX, "%s", ev.id);
	}
	outbox_close(ob);		/* the crash: nothing committed */
	ob = open_ok(*state);
	for (int k = 0; k < 70; k++) {
		ev = make(ob, k);
		for (int i = 0; i < 100; i++)
			if (strcmp(seen[i], ev.id) == 0)
				fail_msg("id %s reused", ev.id);
	}
	outbox_close(ob);
}

/* The disk refuses every commit: events are kept in memory up to the
 * limit, and outbox_push says which were kept and which were not. */
static void
test_disk_full_push_says_what_is_kept(void **state)
{
	struct outbox *ob = open_ok(*state);
	struct proto_event ev[OUTBOX_UNSAVED_MAX + 1], got[OUTBOX_UNSAVED_MAX];

	disk_full = 1;
	for (int i = 0; i < OUTBOX_UNSAVED_MAX; i++) {
		ev[i] = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev[i]), 1);
	}
	ev[OUTBOX_UNSAVED_MAX] = make(ob, OUTBOX_UNSAVED_MAX);
	assert_int_equal(outbox_push(ob, &ev[OUTBOX_UNSAVED_MAX]), -1);
	assert_int_equal(outbox_count(ob), OUTBOX_UNSAVED_MAX);
	assert_int_equal(outbox_pending(ob, 0, got, OUTBOX_UNSAVED_MAX),
	    OUTBOX_UNSAVED_MAX);
	assert_same(&got[0], &ev[0]);
	assert_int_equal(outbox_flush(ob), OUTBOX_UNSAVED_MAX);
	disk_full = 0;
	assert_int_equal(outbox_flush(ob), 0);
	outbox_close(ob);
	ob = open_ok(*state);
	assert_int_equal(outbox_count(ob), OUTBOX_UNSAVED_MAX);
	outbox_close(ob);
}

/* With the disk full for good, the reservation of seq numbers runs out:
 * the ids handed out after it must still never come back after a
 * restart, whatever reached the disk. */
static void
test_disk_full_ids_not_reused(void **state)
{
	static char seen[100][PROTO_EVENT_ID_MAX];
	struct outbox *ob = open_ok(*state);
	struct proto_event ev;

	disk_full = 1;
	for (int i = 0; i < 100; i++) {
		ev = make(ob, i);
		outbox_push(ob, &ev);
		snprintf(seen[i], PROTO_EVENT_ID_MAX, "%s", ev.id);
	}
	outbox_close(ob);		/* events in memory are lost: a crash */
	disk_full = 0;
	ob = open_ok(*state);
	for (int k = 0; k < 70; k++) {
		ev = make(ob, k);
		for (int i = 0; i < 100; i++)
			if (strcmp(seen[i], ev.id) == 0)
				fail_msg("id %s reused", ev.id);
	}
	outbox_close(ob);
}

/* Once the reservation is used up, new ids take a boot held in memory;
 * their seq goes on, so if they reach the file later (the disk is back)
 * the next run's seq numbers start above them. */
static void
test_memory_boot_after_reservation(void **state)
{
	struct outbox *ob = open_ok(*state);
	struct proto_event ev, late;
	char boot[PROTO_ID_MAX];

	snprintf(boot, sizeof boot, "%s", outbox_boot(ob));
	for (int i = 0; i < 64; i++) {
		ev = make(ob, i);
		assert_int_equal(outbox_boot_in_memory(ob), 0);
	}
	late = make(ob, 64);
	assert_int_equal(outbox_boot_in_memory(ob), 1);
	assert_int_equal(outbox_on_disk(ob), 1);
	assert_string_not_equal(late.boot, boot);
	assert_string_equal(outbox_boot(ob), late.boot);
	assert_int_equal(late.seq, ev.seq + 1);
	assert_int_equal(outbox_push(ob, &late), 0);	/* the disk is fine */
	outbox_close(ob);
	ob = open_ok(*state);
	assert_string_equal(outbox_boot(ob), boot);
	assert_int_equal(outbox_boot_in_memory(ob), 0);
	ev = make(ob, 99);
	assert_true(ev.seq > late.seq);
	assert_int_equal(outbox_push(ob, &ev), 0);
	assert_int_equal(outbox_count(ob), 2);
	outbox_close(ob);
}

/* No file can be opened at start (here: its directory is missing; as
 * root a read-only file would not stop us): run from memory, then attach
 * the file once it can be had, keeping every event. */
static void
test_memory_only_then_attach(void **state)
{
	struct fixture *f = *state;
	struct outbox *ob = outbox_open_memory("c03");
	struct proto_event ev[3], got[4], next;
	char err[512], dir[280], path[300], boot[PROTO_ID_MAX];

	assert_non_null(ob);
	assert_int_equal(outbox_on_disk(ob), 0);
	assert_int_equal(outbox_boot_in_memory(ob), 1);
	assert_int_equal(strlen(outbox_boot(ob)), 16);
	snprintf(boot, sizeof boot, "%s", outbox_boot(ob));
	for (int i = 0; i < 3; i++) {
		ev[i] = make(ob, i);
		assert_string_equal(ev[i].boot, boot);
		assert_int_equal(outbox_push(ob, &ev[i]), 1);
	}
	assert_int_equal(outbox_count(ob), 3);
	assert_int_equal(outbox_pending(ob, 0, got, 4), 3);
	assert_same(&got[2], &ev[2]);
	ev[1].attempt = 5;
	assert_int_equal(outbox_attempted(ob, &ev[1], 1), 0);
	assert_int_equal(outbox_ack(ob, ev[0].id), 1);
	assert_int_equal(outbox_ack(ob, ev[0].id), 0);
	assert_int_equal(outbox_discreet(ob, "i1", 1), -1);

	snprintf(dir, sizeof dir, "%s/state", f->dir);
	snprintf(path, sizeof path, "%s/outbox.journal", dir);
	assert_int_equal(outbox_attach(ob, path, err, sizeof err), -1);
	assert_int_not_equal(errno, EBADMSG);
	assert_string_equal(outbox_boot(ob), boot);	/* unchanged */
	assert_int_equal(outbox_on_disk(ob), 0);
	disk_full = 1;		/* a file that cannot be written: no better */
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(outbox_attach(ob, path, err, sizeof err), -1);
	assert_string_equal(outbox_boot(ob), boot);
	disk_full = 0;
	assert_int_equal(outbox_attach(ob, path, err, sizeof err), 0);
	assert_int_equal(outbox_on_disk(ob), 1);
	assert_int_equal(outbox_boot_in_memory(ob), 0);
	assert_string_not_equal(outbox_boot(ob), boot);
	assert_int_equal(outbox_flush(ob), 0);		/* all committed */
	next = make(ob, 7);
	assert_string_equal(next.boot, outbox_boot(ob));
	assert_int_equal(outbox_push(ob, &next), 0);
	outbox_close(ob);

	snprintf(f->path, sizeof f->path, "%s", path);
	ob = open_ok(f);
	assert_int_equal(outbox_pending(ob, 0, got, 4), 3);
	/* the file's own event first: the memory run's seq start high */
	assert_same(&got[0], &next);
	assert_same(&got[1], &ev[1]);
	assert_same(&got[2], &ev[2]);
	outbox_close(ob);
}

/* A damaged file's new name must fit, or nothing is moved. */
static void
test_set_aside_name_too_long(void **state)
{
	struct fixture *f = *state;
	char moved[16];
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	fputs("damaged\n", fp);
	fclose(fp);
	errno = 0;
	assert_int_equal(outbox_set_aside(f->path, moved, sizeof moved), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(access(f->path, F_OK), 0);
}

/* Discreet incidents survive a restart; only the newest few are kept. */
static void
test_discreet_incidents_remembered(void **state)
{
	struct outbox *ob = open_ok(*state);
	char ids[OUTBOX_DISCREET_MAX + 2][PROTO_ID_MAX], id[16];

	for (int i = 1; i <= 10; i++) {
		snprintf(id, sizeof id, "i%d", i);
		assert_int_equal(outbox_discreet(ob, id, 1), 0);
	}
	assert_int_equal(outbox_discreet(ob, "i5", 0), 0);
	assert_int_equal(outbox_discreet(ob, "i9", 1), 0);	/* again */
	outbox_close(ob);
	ob = open_ok(*state);
	assert_int_equal(outbox_discreet_list(ob, ids, OUTBOX_DISCREET_MAX + 2),
	    7);
	assert_string_equal(ids[0], "i3");
	assert_string_equal(ids[1], "i4");
	assert_string_equal(ids[2], "i6");
	assert_string_equal(ids[5], "i10");
	assert_string_equal(ids[6], "i9");
	assert_int_equal(outbox_discreet_list(ob, ids, 2), 2);
	disk_full = 1;
	assert_int_equal(outbox_discreet(ob, "i11", 1), -1);
	disk_full = 0;
	outbox_close(ob);
}

/* Bytes of the file at path into buf; its length. */
static size_t
slurp(const char *path, unsigned char *buf, size_t size)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, size, fp);
	fclose(fp);
	assert_true(n < size);
	return n;
}

static void
spit(const char *path, const unsigned char *buf, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, n, fp), n);
	fclose(fp);
}

/* A power cut in the middle of a commit leaves any prefix of it, or the
 * blocks written out of order (here: the tail of it zeroed). Whatever the
 * cut, the reopened outbox holds every earlier event and the torn one
 * (counted only once complete) or not, and the next commit is readable. */
static void
test_power_cut_at_every_byte(void **state)
{
	struct fixture *f = *state;
	static unsigned char before[65536], after[65536], copy[65536];
	struct proto_event ev[3], got[4], next;
	struct outbox *ob = open_ok(f);
	size_t n0, n1;

	for (int i = 0; i < 2; i++) {
		ev[i] = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev[i]), 0);
	}
	n0 = slurp(f->path, before, sizeof before);
	ev[2] = make(ob, 2);
	assert_int_equal(outbox_push(ob, &ev[2]), 0);
	outbox_close(ob);
	n1 = slurp(f->path, after, sizeof after);
	assert_true(n1 > n0);
	assert_memory_equal(before, after, n0);

	for (size_t cut = n0; cut <= n1; cut++) {
		for (int zeroed = 0; zeroed < 2; zeroed++) {
			size_t len = zeroed ? n1 : cut;
			int whole, n;

			memcpy(copy, after, n1);
			if (zeroed)
				memset(copy + cut, 0, n1 - cut);
			/* zeroes where the record had zeroes leave it whole */
			whole = len == n1 && memcmp(copy, after, n1) == 0;
			spit(f->path, copy, len);
			ob = open_ok(f);
			n = outbox_pending(ob, 0, got, 4);
			assert_int_equal(n, whole ? 3 : 2);
			for (int i = 0; i < n; i++)
				assert_same(&got[i], &ev[i]);
			next = make(ob, 7);
			assert_true(next.seq > ev[2].seq);
			assert_int_equal(outbox_push(ob, &next), 0);
			outbox_close(ob);
			ob = open_ok(f);
			assert_int_equal(outbox_count(ob), n + 1);
			outbox_close(ob);
		}
	}
}

/* Damage further back than the last write is not a torn write: the file
 * is refused, never quietly cut short (that would drop events). */
static void
test_old_damage_refused(void **state)
{
	struct fixture *f = *state;
	static unsigned char buf[65536];
	struct outbox *ob = open_ok(f);
	char err[512];
	size_t n, damaged_at;

	for (int i = 0; i < 120; i++) {
		struct proto_event ev = make(ob, i);

		assert_int_equal(outbox_push(ob, &ev), 0);
	}
	outbox_close(ob);
	n = slurp(f->path, buf, sizeof buf);
	assert_true(n > 9000);
	buf[n / 2] ^= 0x20;
	spit(f->path, buf, n);
	errno = 0;
	assert_null(outbox_open(f->path, "c03", err, sizeof err));
	assert_int_equal(errno, EBADMSG);
	assert_non_null(strstr(err, "damaged at byte"));
	/* read only, the events before the damage can still be listed, and
	 * the file is left as it is */
	ob = outbox_open_readonly(f->path, &damaged_at, err, sizeof err);
	assert_non_null(ob);
	assert_true(damaged_at > 0 && damaged_at <= n / 2);
	assert_true(outbox_count(ob) > 40 && outbox_count(ob) < 80);
	outbox_close(ob);
	assert_int_equal(slurp(f->path, buf, sizeof buf), n);
}

/* Damage to the write before the last, the last one intact: that is not a
 * torn write either (the last began only once the one before was synced). */
static void
test_damage_before_last_write_refused(void **state)
{
	struct fixture *f = *state;
	static unsigned char buf[65536];
	struct outbox *ob = open_ok(f);
	struct proto_event ev;
	char err[512];
	size_t n_before, n;

	for (int i = 0; i < 3; i++) {
		ev = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev), 0);
	}
	n_before = slurp(f->path, buf, sizeof buf);
	ev = make(ob, 3);
	assert_int_equal(outbox_push(ob, &ev), 0);
	outbox_close(ob);
	n = slurp(f->path, buf, sizeof buf);
	buf[n_before - 5] ^= 0x01;
	spit(f->path, buf, n);
	errno = 0;
	assert_null(outbox_open(f->path, "c03", err, sizeof err));
	assert_int_equal(errno, EBADMSG);
}

/* Receipts let the journal shrink: it is rewritten with only what is
 * live, which keeps events, attempts, discreet incidents and the seq
 * numbers already handed out. */
static void
test_compaction_keeps_what_is_live(void **state)
{
	struct fixture *f = *state;
	static unsigned char buf[1 << 20];
	struct proto_event ev[400], got[16], last;
	struct outbox *ob = open_ok(f);
	char ids[OUTBOX_DISCREET_MAX][PROTO_ID_MAX];

	assert_int_equal(outbox_discreet(ob, "i7", 1), 0);
	for (int i = 0; i < 400; i++) {
		ev[i] = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev[i]), 0);
		if (i >= 5)
			assert_int_equal(outbox_ack(ob, ev[i - 5].id), 1);
	}
	ev[398].attempt = 9;
	assert_int_equal(outbox_attempted(ob, &ev[398], 1), 0);
	last = make(ob, 999);		/* handed out, never committed */
	outbox_close(ob);
	assert_true(slurp(f->path, buf, sizeof buf) < 20000);

	ob = open_ok(f);
	assert_int_equal(outbox_pending(ob, 0, got, 16), 5);
	for (int i = 0; i < 5; i++)
		assert_same(&got[i], &ev[395 + i]);
	assert_int_equal(outbox_discreet_list(ob, ids, OUTBOX_DISCREET_MAX), 1);
	assert_string_equal(ids[0], "i7");
	assert_true(make(ob, 1).seq > last.seq);
	outbox_close(ob);
}

/* The hub away for a long time: every round of re-sends records its
 * attempts, and the journal must not grow with the rounds (it is read
 * whole at start). */
static void
test_resend_rounds_keep_journal_small(void **state)
{
	struct fixture *f = *state;
	static unsigned char buf[1 << 20];
	struct proto_event ev[50], got[50];
	struct outbox *ob = open_ok(f);

	for (int i = 0; i < 50; i++) {
		ev[i] = make(ob, i);
		assert_int_equal(outbox_push(ob, &ev[i]), 0);
	}
	for (int round = 0; round < 2000; round++) {
		for (int i = 0; i < 50; i++)
			ev[i].attempt = (uint32_t)round + 2;
		assert_int_equal(outbox_attempted(ob, ev, 50), 0);
	}
	outbox_close(ob);
	assert_true(slurp(f->path, buf, sizeof buf) < 16384 + 50 * 256 + 8192);
	ob = open_ok(f);
	assert_int_equal(outbox_pending(ob, 0, got, 50), 50);
	for (int i = 0; i < 50; i++)
		assert_same(&got[i], &ev[i]);
	outbox_close(ob);
}

/* An empty file (made by hand, or by an install script) holds nothing to
 * lose: it becomes a new outbox. */
static void
test_empty_file_is_new(void **state)
{
	struct fixture *f = *state;
	struct outbox *ob;

	spit(f->path, (const unsigned char *)"", 0);
	ob = open_ok(f);
	assert_int_equal(outbox_count(ob), 0);
	assert_int_equal(strlen(outbox_boot(ob)), 16);
	outbox_close(ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_ack, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_persists_across_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ids_never_reused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new_outbox_new_boot, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damaged_file_set_aside, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_uncommitted_ids_not_reused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_disk_full_push_says_what_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_ids_not_reused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_memory_boot_after_reservation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_only_then_attach,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_aside_name_too_long,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_discreet_incidents_remembered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power_cut_at_every_byte,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_damage_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_damage_before_last_write_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_compaction_keeps_what_is_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file_is_new, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_resend_rounds_keep_journal_small, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
