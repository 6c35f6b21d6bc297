/* fuzz_config.h: the config loader targets, alike but for the loader: load
 * the input as a file; a file accepted must print to a form that reads
 * back and prints the same (the --check -v output a reload can diff). */
#ifndef FUZZ_CONFIG_H
#define FUZZ_CONFIG_H

#include "fuzz_util.h"

struct fuzz_loader {
	const char *name;
	/* A new config read from path, or NULL with a message in err. */
	void *(*load)(const char *path, char *err, size_t errlen);
	void (*print)(const void *conf, FILE *f);
	void (*free)(void *conf);
};

/* Run one input through l; abort on a refusal without a message or a
 * printed form that does not read back to itself. */
void fuzz_config(const struct fuzz_loader *l, const uint8_t *data,
    size_t size);

#endif
