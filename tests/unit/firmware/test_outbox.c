/* test_outbox.c: the durable queue — order, receipts, persistence across
 * close and reopen, ids never reused (even for events published but never
 * committed before a crash, and when the disk is full), a damaged file set
 * aside, running from memory when no file can be written, and the
 * discreet incidents it remembers. A full disk is an SQLite VFS whose
 * writes fail on demand: tests run as root, where chmod stops nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"

/* ---- a disk that fills up on demand ----------------------------------- */

static int disk_full;		/* every write fails with SQLITE_FULL */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs full_vfs;

struct full_file {
	sqlite3_file base;
	sqlite3_file *real;	/* follows this struct in the same block */
};

#define REAL(f) (((struct full_file *)(f))->real)

static int
full_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
full_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
full_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (disk_full)
		return SQLITE_FULL;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
full_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
full_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
full_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
full_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
full_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
full_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
full_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
full_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
full_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
full_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, p);
}

static int
full_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
full_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
full_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods full_io = {
	.iVersion = 2,
	.xClose = full_close, .xRead = full_read, .xWrite = full_write,
	.xTruncate = full_truncate, .xSync = full_sync,
	.xFileSize = full_size, .xLock = full_lock, .xUnlock = full_unlock,
	.xCheckReservedLock = full_reserved, .xFileControl = full_control,
	.xSectorSize = full_sector, .xDeviceCharacteristics = full_device,
	.xShmMap = full_shm_map, .xShmLock = full_shm_lock,
	.xShmBarrier = full_shm_barrier, .xShmUnmap = full_shm_unmap,
};

static int
full_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct full_file *ff = (struct full_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	ff->base.pMethods = rc == SQLITE_OK && ff->real->pMethods ? &full_io :
	    NULL;
	return rc;
}

/* Make the full-disk VFS the default one (once per process). */
static int
group_setup(void **state)
{
	(void)state;
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return -1;
	full_vfs = *real_vfs;
	full_vfs.zName = "test-full";
	full_vfs.szOsFile = (int)sizeof(struct full_file) + real_vfs->szOsFile;
	full_vfs.xOpen = full_open;
	return sqlite3_vfs_register(&full_vfs, 1) == SQLITE_OK ? 0 : -1;
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
	snprintf(f->path, sizeof f->path, "%s/outbox.db", f->dir);
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
		fputs("this is not an sqlite database\n", fp);
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

	snprintf(path, sizeof path, "%s/no/such/dir/outbox.db", f->dir);
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
	snprintf(path, sizeof path, "%s/outbox.db", dir);
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
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
