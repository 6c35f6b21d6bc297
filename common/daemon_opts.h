/* daemon_opts.h: the command line both daemons share:
 * -c FILE, -n/--check, -v/--verbose, -d/--debug, -h/--help. */
#ifndef PANIC_DAEMON_OPTS_H
#define PANIC_DAEMON_OPTS_H

struct daemon_opts {
	const char *path;	/* config file */
	int check;		/* validate and exit */
	int verbose;		/* with check: print the normalised config */
	int debug;		/* log at debug level whatever the config */
};

/* Parse argv for program prog whose config defaults to def_path. Returns
 * -1 to go on, or the exit status after printing usage (0 for --help, 2
 * for a usage error). */
int daemon_opts_parse(int argc, char **argv, const char *prog,
    const char *def_path, struct daemon_opts *o);

#endif
