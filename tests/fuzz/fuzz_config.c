/* fuzz_config.c: the checks both config loader targets make. */
#include "fuzz_config.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_ERR_MAX	1024

/* l->print(conf) as text; the caller frees it. */
static char *
fuzz_config_text(const struct fuzz_loader *l, const void *conf, size_t *len)
{
	char *text = NULL;
	FILE *f = fuzz_stream(&text, len);

	l->print(conf, f);
	fclose(f);
	return text;
}

void
fuzz_config(const struct fuzz_loader *l, const uint8_t *data, size_t size)
{
	const char *path = fuzz_config_file(data, size);
	char err[FUZZ_ERR_MAX] = "", *one, *two;
	size_t n1, n2;
	void *c;

	if (!path)
		return;
	if (!(c = l->load(path, err, sizeof err))) {
		if (!err[0])
			fuzz_fail(l->name, "refused without a message");
		return;
	}
	one = fuzz_config_text(l, c, &n1);
	l->free(c);
	if (!(c = l->load(fuzz_file((const uint8_t *)one, n1), err,
	    sizeof err)))
		fuzz_fail(l->name, "printed form refused: %s\n%s", err, one);
	two = fuzz_config_text(l, c, &n2);
	l->free(c);
	if (n1 != n2 || memcmp(one, two, n1) != 0)
		fuzz_fail(l->name, "printed form changes when read and printed "
		    "again:\n%s\n%s", one, two);
	free(one);
	free(two);
}
