/* test_outbox.c: the durable queue — order, receipts, persistence across
 * close and reopen, ids never reused (even for events published but never
 * committed before a crash), and a damaged file set aside. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbox.h"

struct fixture {
	char dir[256];
	char path[300];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
