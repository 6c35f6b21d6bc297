/* fuzz_hubd_conf.c: hub_conf_load, hubd's config reader, on any file;
 * checks in fuzz_config.c. */
#include "conf.h"
#include "fuzz_config.h"

static void *
fuzz_load(const char *path, char *err, size_t errlen)
{
	return hub_conf_load(path, err, errlen);
}

static void
fuzz_print(const void *c, FILE *f)
{
	hub_conf_print(c, f);
}

static void
fuzz_free(void *c)
{
	conf_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_loader l = {
		"hubd_conf", fuzz_load, fuzz_print, fuzz_free
	};

	fuzz_config(&l, data, size);
	return 0;
}
