/* panicctl.c: the command-line tool for facility managers, supervisors and
 * installers; dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "panicctl.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct subcommand subcommands[] = {
	{ "press", cmd_press,
	  "press COUNTER-CONFIG [--button NAME] [--hold MS]\n"
	  "        press a button of a counter that runs the sim backend" },
	{ NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: panicctl COMMAND [ARGS]\n\ncommands:\n");
	for (const struct subcommand *s = subcommands; s->name; s++)
		fprintf(f, "    %s\n", s->usage);
}

int
main(int argc, char **argv)
{
	log_init("panicctl", LOG_LVL_WARN, 0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (const struct subcommand *s = subcommands; s->name; s++)
		if (strcmp(argv[1], s->name) == 0)
			return s->run(argc - 1, argv + 1);
	fprintf(stderr, "panicctl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
