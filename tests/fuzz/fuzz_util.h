/* fuzz_util.h: what the fuzz targets share. Each tests/fuzz/fuzz_<target>.c
 * defines LLVMFuzzerTestOneInput; libFuzzer drives it in the clang build
 * (make fuzz), tests/fuzz/replay.c drives it over the committed corpus and
 * regression inputs in the normal build (make test). */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The entry point libFuzzer calls; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replace the contents of this process's one scratch file (a memfd) with
 * data[0..size) and return a path that opens it, for loaders that take a
 * file name. The file lives as long as the process; nothing touches the
 * disk and nothing is left behind. Aborts if the memfd cannot be made. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* fuzz_file for a libconfig file, or NULL when the input has an @include
 * directive: that would make the loader read whatever file the fuzzer
 * names (/dev/zero, the fuzzer's own corpus), which tests the host, not
 * our code. */
const char *fuzz_config_file(const uint8_t *data, size_t size);

/* An in-memory stream for a printer under test (open_memstream); *text and
 * *len are valid after fclose, and *text is then the caller's to free.
 * Aborts if out of memory. */
FILE *fuzz_stream(char **text, size_t *len);

/* Split data[0..size) at newlines into at most max fields, each a
 * NUL-terminated copy in a buffer of its own and exactly its size (so that
 * AddressSanitizer sees a read past the end); the last field takes the
 * rest. Command lines carry no NUL, so one ends a field early. Returns the
 * count; free the fields with fuzz_fields_free. Aborts if out of memory. */
unsigned fuzz_fields(const uint8_t *data, size_t size, char **out,
    unsigned max);
void fuzz_fields_free(char **f, unsigned n);

/* Report a broken invariant on stderr and abort: a crash for libFuzzer and a
 * failed case for the replay driver. */
_Noreturn void fuzz_fail(const char *target, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* LeakSanitizer's built-in suppressions, read when a sanitizer runtime is
 * linked (the fuzz build, make test-asan); unused otherwise. */
const char *__lsan_default_suppressions(void);

#endif
