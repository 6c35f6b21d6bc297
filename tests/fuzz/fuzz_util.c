/* fuzz_util.c: the scratch file, field splitting and failure report the
 * fuzz targets share. */
#include "fuzz_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *
fuzz_file(const uint8_t *data, size_t size)
{
	/* one memfd for the process: a loader gets a fresh file per input
	 * without a create/unlink per run, and no file can be left over */
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0)
			fuzz_fail("fuzz_file", "memfd_create failed");
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		fuzz_fail("fuzz_file", "cannot write the scratch file");
	return path;
}

const char *
fuzz_config_file(const uint8_t *data, size_t size)
{
	static const char inc[] = "@include";

	if (memmem(data, size, inc, sizeof inc - 1))
		return NULL;
	return fuzz_file(data, size);
}

FILE *
fuzz_stream(char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);

	if (!f)
		fuzz_fail("fuzz_stream", "open_memstream failed");
	return f;
}

unsigned
fuzz_fields(const uint8_t *data, size_t size, char **out, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		const uint8_t *nl = n + 1 < max ? memchr(data, '\n', size) : NULL;
		size_t len = nl ? (size_t)(nl - data) : size;
		const uint8_t *nul = memchr(data, '\0', len);
		size_t keep = nul ? (size_t)(nul - data) : len;

		if (!(out[n] = malloc(keep + 1)))
			fuzz_fail("fuzz_fields", "out of memory");
		memcpy(out[n], data, keep);
		out[n++][keep] = '\0';
		if (!nl)
			break;
		data = nl + 1;
		size -= len + 1;
	}
	return n;
}

void
fuzz_fields_free(char **f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(f[i]);
}

void
fuzz_fail(const char *target, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", target);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

const char *
__lsan_default_suppressions(void)
{
	/* libconfig 1.5 (Debian 12) drops a string token on a syntax error
	 * right after it without freeing it (libconfig issue #142, fixed in
	 * 1.7.3): a library leak of a few bytes per refused file, not ours.
	 * Only the scanner's string allocations are named, so a config_t we
	 * forget to destroy still shows (its settings come from the parser). */
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}
