/* daemon_opts.c: the shared command line of counterd and hubd. */
#include "daemon_opts.h"

#include <getopt.h>
#include <stdio.h>

static void
daemon_opts_usage(FILE *f, const char *prog, const char *def_path)
{
	fprintf(f, "usage: %s [-c FILE] [-n [-v]] [-d]\n"
	    "  -c, --config FILE  configuration (default %s)\n"
	    "  -n, --check        check the config and exit 0, or print\n"
	    "                     \"file:line: key: reason\" and exit 1\n"
	    "  -v, --verbose      with --check: print the normalised config\n"
	    "  -d, --debug        log at debug level\n", prog, def_path);
}

int
daemon_opts_parse(int argc, char **argv, const char *prog,
    const char *def_path, struct daemon_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	o->path = def_path;
	while ((ch = getopt_long(argc, argv, "c:nvdh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->path = optarg; break;
		case 'n': o->check = 1; break;
		case 'v': o->verbose = 1; break;
		case 'd': o->debug = 1; break;
		case 'h':
			daemon_opts_usage(stdout, prog, def_path);
			return 0;
		default:
			daemon_opts_usage(stderr, prog, def_path);
			return 2;
		}
	}
	if (optind == argc)
		return -1;
	daemon_opts_usage(stderr, prog, def_path);
	return 2;
}
