/* fuzz_hubd_conf.c: hub_conf_load, hubd's config reader, on any file. A
 * file it accepts must print (hub_conf_print, the normalised form of
 * `hubd --check -v`) to a form that reads back and prints the same. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz_util.h"

/* hub_conf_print(c) as text; the caller frees it. */
static char *
fuzz_conf_text(const struct hub_conf *c, size_t *len)
{
	char *text = NULL;
	FILE *f = fuzz_stream(&text, len);

	hub_conf_print(c, f);
	fclose(f);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_config_file(data, size);
	char err[CONF_ERR_MAX], *one, *two;
	struct hub_conf *c, *again;
	size_t n1, n2;

	if (!path)
		return 0;
	err[0] = '\0';
	if (!(c = hub_conf_load(path, err, sizeof err))) {
		if (!err[0])
			fuzz_fail("hubd_conf", "refused without a message");
		return 0;
	}
	one = fuzz_conf_text(c, &n1);
	conf_free(c);
	if (!(again = hub_conf_load(fuzz_file((const uint8_t *)one, n1), err,
	    sizeof err)))
		fuzz_fail("hubd_conf", "printed form refused: %s\n%s", err, one);
	two = fuzz_conf_text(again, &n2);
	conf_free(again);
	if (n1 != n2 || memcmp(one, two, n1) != 0)
		fuzz_fail("hubd_conf", "printed form changes when read and "
		    "printed again:\n%s\n%s", one, two);
	free(one);
	free(two);
	return 0;
}
