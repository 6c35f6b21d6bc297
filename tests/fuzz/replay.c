/* replay.c: the fuzz targets without libFuzzer. test_fuzz_<target> runs
 * LLVMFuzzerTestOneInput over every file of tests/fuzz/corpus/<target>/
 * (the seeds) and tests/fuzz/regress/<target>/ (every crash the fuzzers
 * found), each in a child of its own, and prints one TAP line per file for
 * tests/run-all. Built with the normal test programs, so `make test` and
 * `make test-asan` (where a past memory bug shows) both replay them.
 * FUZZ_DIR overrides tests/fuzz (relative to the repository's top). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_util.h"

static int ntests, nfailed;

/* Read path whole into a buffer of exactly its size (never NULL, so that
 * an empty input is still a valid pointer). Returns it or NULL. */
static uint8_t *
replay_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf = NULL;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && (buf = malloc(st.st_size ?
	    (size_t)st.st_size : 1))) {
		*size = (size_t)st.st_size;
		if (fread(buf, 1, *size, f) != *size) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Run one input in a child: a crash, an abort or a sanitizer report fails
 * this case only, and the next still runs. */
static void
replay_one(const char *path, const char *name)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		size_t size;
		uint8_t *data = replay_read(path, &size);

		if (!data) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			_exit(2);
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		exit(0);	/* not _exit: LeakSanitizer checks at exit */
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("not ok %d - %s\n", ++ntests, name);
		nfailed++;
	} else {
		printf("ok %d - %s\n", ++ntests, name);
	}
}

/* Every regular file in dir/kind/target, in name order. required: a
 * missing directory is a failure (the seeds must be there). */
static void
replay_dir(const char *dir, const char *kind, const char *target,
    int required)
{
	char path[4096], name[512];
	struct dirent **ents;
	int n;

	snprintf(path, sizeof path, "%s/%s/%s", dir, kind, target);
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		if (required) {
			printf("not ok %d - %s/%s: %s\n", ++ntests, kind, target,
			    strerror(errno));
			nfailed++;
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		char file[8192];
		struct stat st;

		snprintf(file, sizeof file, "%s/%s", path, ents[i]->d_name);
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			snprintf(name, sizeof name, "%s/%s/%s", kind, target,
			    ents[i]->d_name);
			replay_one(file, name);
		}
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char **argv)
{
	const char *dir = getenv("FUZZ_DIR"), *target;

	(void)argc;
	target = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strncmp(target, "test_fuzz_", 10) != 0) {
		fprintf(stderr, "%s: name me test_fuzz_<target>\n", argv[0]);
		return 2;
	}
	target += 10;
	if (!dir)
		dir = "tests/fuzz";
	replay_dir(dir, "corpus", target, 1);
	replay_dir(dir, "regress", target, 0);
	printf("1..%d\n", ntests);
	return nfailed ? 1 : 0;
}
