/* fuzz_counterd_conf.c: conf_load, counterd's config reader, on any file;
 * checks in fuzz_config.c. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz_config.h"

static void *
fuzz_load(const char *path, char *err, size_t errlen)
{
	struct conf *c = malloc(sizeof *c);

	if (!c)
		fuzz_fail("counterd_conf", "out of memory");
	if (conf_load(c, path, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

static void
fuzz_print(const void *c, FILE *f)
{
	conf_print(c, f);
}

static void
fuzz_free(void *c)
{
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_loader l = {
		"counterd_conf", fuzz_load, fuzz_print, fuzz_free
	};

	fuzz_config(&l, data, size);
	return 0;
}
