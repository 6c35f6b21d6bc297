/* test_hub_disk.c: hubd's database on a disk that fails — full or
 * read-only while the hub runs and when it starts (diskshim.so, preloaded
 * into hubd, fails the writes as the kernel would): the failure is logged,
 * pages go out from memory, receipts wait for a commit, and everything is
 * stored once the disk is back. A corrupt file and another application's
 * database at the configured path are refused, byte for byte untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "proto.h"

#define STEP_MS 1500

/* Start hubd with diskshim.so preloaded, the shim aimed at hub.db and
 * steered by the file disk.mode. Returns the pid. */
static pid_t
disk_hub_start(struct harness *h)
{
	char exe[PATH_MAX], shim[PATH_MAX + 16], asan[1024];
	const char *old = getenv("ASAN_OPTIONS");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	pid_t pid;

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(shim, sizeof shim, "%s/diskshim.so", dirname(exe));
	/* the sanitizer build wants its runtime first; the shim only
	 * forwards calls, so the order does not matter here */
	snprintf(asan, sizeof asan, "%s%sverify_asan_link_order=0",
	    old ? old : "", old ? ":" : "");
	setenv("LD_PRELOAD", shim, 1);
	setenv("DISKSHIM_PATH", h_path(h, "hub.db"), 1);
	setenv("DISKSHIM_MODE", h_path(h, "disk.mode"), 1);
	setenv("ASAN_OPTIONS", asan, 1);
	pid = fx_hub_start(h);
	unsetenv("LD_PRELOAD");
	if (old)
		setenv("ASAN_OPTIONS", old, 1);
	else
		unsetenv("ASAN_OPTIONS");
	assert_true(pid > 0);
	return pid;
}

/* The disk under the database: 'f' full, 'r' read-only, 0 healthy. */
static void
disk_set(struct harness *h, char mode)
{
	if (mode)
		assert_non_null(h_write(h, "disk.mode", "%c", mode));
	else
		assert_int_equal(unlink(h_path(h, "disk.mode")), 0);
}

static pid_t
disk_world(struct harness *h)
{
	pid_t hub;

	assert_non_null(fx_hub_conf(h, STEP_MS, NULL, NULL));
	hub = disk_hub_start(h);
	assert_true(fx_counter_start(h, "c1") > 0);
	return hub;
}

/* The hub's retained status, decoded into hs: 0 or -1. */
static int
disk_hub_status(struct harness *h, int failing, int timeout_ms)
{
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	struct proto_hub_status hs;

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_HUB_STATUS, NULL);
	while ((m = h_wait_msg(h, topic, timeout_ms)) != NULL)
		if (proto_decode_hub_status((const char *)m->payload, m->len,
		    &hs, NULL) == 0 && hs.online && hs.store_failing == failing)
			return 0;
	return -1;
}

/* A press while the disk refuses writes: paged at once from memory and
 * escalated on time; the failed commit is logged, the hub's status says
 * its store is failing and facilities are told; the board gets a
 * provisional receipt — its desk shows the call received and the sounder
 * stays off, since help was paged — but keeps the event; once the disk
 * is back the rows are written, a plain receipt takes the event off the
 * board, the status and a notice say the store is well, and everything
 * is there once. */
static void
disk_press_while_failing(struct harness *h, char mode, const char *why)
{
	struct proto_page p1, p2;
	struct proto_event ev;
	struct proto_maint mt;
	char *out;

	disk_set(h, mode);
	h_mark_seen(h);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_event(h, "c1", &ev, 5000), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_true(h_wait_log(h, "hubd", why, 5000));
	assert_true(h_wait_log(h, "hubd", "provisional receipts", 5000));
	assert_int_equal(disk_hub_status(h, 1, 5000), 0);
	assert_int_equal(fx_next_maint(h, "fac", &mt, 5000), 0);
	assert_int_equal(mt.type, PROTO_MAINT_ALERT);
	assert_string_equal(mt.channel, "store");
	assert_true(h_wait_log(h, "counterd", "provisional receipt", 5000));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received",
	    5000));
	fx_expect_page(h, "bak", &p2, STEP_MS + 5000, 2, p1.incident);
	/* past confirm_timeout_s (2 s): no sounder, help was paged */
	h_pump(h, 1000);
	assert_true(h_wait_file(h, "c1.sock.outputs", "sounder 0 pattern=off",
	    10));
	assert_int_equal(h_outbox_count(h, "c1.outbox", ev.id), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"),
	    0);
	assert_int_equal(FX_PC(h, &out, "status", "-c", h_path(h, "hub.conf")),
	    1);
	assert_non_null(strstr(out, "STORE FAILING"));
	free(out);

	disk_set(h, 0);
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 10000));
	assert_int_equal(disk_hub_status(h, 0, 5000), 0);
	assert_int_equal(fx_next_maint(h, "fac", &mt, 5000), 0);
	assert_int_equal(mt.type, PROTO_MAINT_NOTICE);
	assert_string_equal(mt.channel, "store");
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " events WHERE id = '%s' AND incident = %s", ev.id, p1.incident));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND step >= 2", p1.incident));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM"
	    " incidents"), 1);
}

static void
test_disk_full_while_running(void **state)
{
	struct harness *h = *state;

	disk_world(h);
	disk_press_while_failing(h, 'f', "database or disk is full");
}

static void
test_disk_read_only_while_running(void **state)
{
	struct harness *h = *state;

	disk_world(h);
	disk_press_while_failing(h, 'r', "store: ");
}

/* The disk fills while the hub is down: it starts anyway (the -shm index
 * cannot be rebuilt on a full disk, so it opens the database exclusive,
 * index in memory), says why it cannot write, restores the open incident
 * and pages it again and on up the ladder; once the disk is back the
 * next press gets its receipt, and a clean stop leaves it all stored. */
static void
test_disk_full_at_start(void **state)
{
	struct harness *h = *state;
	struct proto_page p1, again;
	pid_t hub = disk_world(h);

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &p1, 5000), 0);
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 5000));
	h_kill(h, hub, SIGKILL);
	disk_set(h, 'f');
	hub = disk_hub_start(h);
	assert_true(h_wait_log(h, "hubd", "opened in exclusive mode", 5000));
	assert_true(h_wait_log(h, "hubd", "hub.db: cannot write (", 5000));
	assert_true(h_wait_log(h, "hubd", "held in memory", 5000));
	fx_expect_page(h, "sup", &again, 5000, 1, p1.incident);
	fx_expect_page(h, "bak", &again, STEP_MS + 5000, 2, p1.incident);

	disk_set(h, 0);
	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_true(h_wait_outbox(h, "c1.outbox", "events", 0, 10000));
	h_kill(h, hub, SIGTERM);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND step >= 2", p1.incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"
	    " WHERE incident = %s", p1.incident), 2);
}

/* The whole file at path (binary), malloc'd; its size in *len. */
static char *
disk_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

/* hubd started on a file that is not its database: it exits with a
 * message naming the file, and the file is as it was, byte for byte. */
static void
disk_refused(struct harness *h, const char *why)
{
	const char *db = h_path(h, "hub.db");
	struct stat a, b;
	char *before, *after, *log;
	size_t n1, n2;

	assert_non_null(fx_hub_conf(h, STEP_MS, NULL, NULL));
	assert_int_equal(stat(db, &a), 0);
	before = disk_slurp(db, &n1);
	assert_int_equal(h_run(h, "hubd", 10000, "hubd", "-c",
	    h_path(h, "hub.conf"), (char *)NULL), 1);
	assert_int_equal(stat(db, &b), 0);
	after = disk_slurp(db, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	assert_true(a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
	    a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);
	assert_int_equal(access(h_path(h, "hub.db-wal"), F_OK), -1);
	log = h_read(h, "hubd.log");
	assert_non_null(strstr(log, db));
	assert_non_null(strstr(log, why));
	assert_non_null(strstr(log, "the file is left as it is"));
	free(before);
	free(after);
	free(log);
}

static void
test_corrupt_file_refused(void **state)
{
	struct harness *h = *state;
	char junk[8192];
	FILE *f = fopen(h_path(h, "hub.db"), "w");

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7919 % 251);
	/* the SQLite magic, then garbage: a damaged database */
	memcpy(junk, "SQLite format 3", 16);
	assert_non_null(f);
	assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	assert_int_equal(fclose(f), 0);
	disk_refused(h, "not a database or a damaged one");
}

static void
test_foreign_database_refused(void **state)
{
	struct harness *h = *state;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(h_path(h, "hub.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE customers (id INTEGER"
	    " PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1,"
	    " 'Suzuki');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	disk_refused(h, "a database of another application");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup_c1, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_disk_full_while_running),
		T(test_disk_read_only_while_running),
		T(test_disk_full_at_start),
		T(test_corrupt_file_refused),
		T(test_foreign_database_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
