/* cmd_ids.c: `panicctl ids` — the broker identities a branch needs, read
 * from the hub's config, for tools/branch-credentials (which must not parse
 * libconfig itself). One line each, fields separated by one space:
 *   site ID
 *   prefix PREFIX
 *   hub
 *   counter ID
 *   person ID PAGER		(PAGER is the person's pager id)
 * Ids cannot hold spaces (docs/PROTOCOL.md §5), so a shell reads them with
 * `read`. */
#include <stdio.h>

#include "ctl.h"
#include "panicctl.h"

#define IDS_USAGE "usage: panicctl ids [-c HUBCONF]\n"

int
cmd_ids(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const struct hub_conf *c;
	struct ctl x;
	int ch;

	ctl_init(&x, "ids");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (!ctl_option(&x, ch, optarg)) {
			fputs(IDS_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fputs(IDS_USAGE, stderr);
		return CTL_USAGE;
	}
	if (ctl_open(&x, 0) < 0)
		return CTL_FAIL;
	c = x.conf;
	printf("site %s\nprefix %s\nhub\n", c->site, c->topic_prefix);
	for (unsigned i = 0; i < c->ncounters; i++)
		printf("counter %s\n", c->counters[i].id);
	for (unsigned i = 0; i < c->npeople; i++)
		printf("person %s %s\n", c->people[i].id, c->people[i].pager);
	ctl_close(&x);
	return fflush(stdout) == 0 ? CTL_OK : CTL_FAIL;
}
