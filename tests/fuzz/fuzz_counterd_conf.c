/* fuzz_counterd_conf.c: conf_load, counterd's config reader, on any file.
 * A file it accepts must print (conf_print, what `counterd --check -v`
 * shows) to a form that reads back and prints the same. */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "conf.h"
#include "fuzz_util.h"

/* conf_print(c) as text; the caller frees it. */
static char *
fuzz_conf_text(const struct conf *c, size_t *len)
{
	char *text = NULL;
	FILE *f = fuzz_stream(&text, len);

	conf_print(c, f);
	fclose(f);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c, again;
	const char *path = fuzz_config_file(data, size);
	char err[CFG_ERR_MAX], *one, *two;
	size_t n1, n2;

	if (!path)
		return 0;
	err[0] = '\0';
	if (conf_load(&c, path, err, sizeof err) < 0) {
		if (!err[0])
			fuzz_fail("counterd_conf", "refused without a message");
		return 0;
	}
	/* the password is not printed (a comment says it is set) */
	memset(c.password, 0, sizeof c.password);
	one = fuzz_conf_text(&c, &n1);
	if (conf_load(&again, fuzz_file((const uint8_t *)one, n1), err,
	    sizeof err) < 0)
		fuzz_fail("counterd_conf", "printed form refused: %s\n%s", err,
		    one);
	two = fuzz_conf_text(&again, &n2);
	if (n1 != n2 || memcmp(one, two, n1) != 0)
		fuzz_fail("counterd_conf", "printed form changes when read and "
		    "printed again:\n%s\n%s", one, two);
	free(one);
	free(two);
	return 0;
}
