/* panicctl.c: the command-line tool for facility managers, supervisors and
 * installers; dispatches to one subcommand per file. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "log.h"
#include "panicctl.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct subcommand subcommands[] = {
	{ "report", cmd_report,
	  "report [--from WHEN] [--to WHEN] [--last 30d] [--by counter|\n"
	  "        zone|person|shift|weekday|hour|category] [--drills]\n"
	  "        [--csv|--json]: response times, escalations, breaches" },
	{ "incidents", cmd_incidents,
	  "incidents [--counter ID] [--person ID] [--kind K] [--category C]\n"
	  "        [--open] [period] [--csv|--json]: list incidents" },
	{ "incident", cmd_incident,
	  "incident ID [--json]: the whole timeline of one incident" },
	{ "care", cmd_care,
	  "care --staffing FILE [--days 90] [--threshold 3]\n"
	  "        harassment per staff member, for follow-up" },
	{ "pager", cmd_pager,
	  "pager PERSON: a live pager console (keys a d s r q)" },
	{ "status", cmd_status,
	  "status [--json]: boards, the hub and open incidents now" },
	{ "check", cmd_check,
	  "check [-c HUBCONF] [--week DATE] [--hours SPEC]...\n"
	  "        validate the rules and prove coverage; 1 if there are gaps" },
	{ "press", cmd_press,
	  "press COUNTER-CONFIG [--button NAME] [--hold MS]\n"
	  "        press a button of a counter that runs the sim backend" },
	{ "outbox", cmd_outbox,
	  "outbox FILE [--json]: what a board's outbox holds (read only)" },
	{ "ids", cmd_ids,
	  "ids [-c HUBCONF]: the broker identities the branch needs (for\n"
	  "        tools/branch-credentials)" },
	{ NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: panicctl COMMAND [ARGS]\n\ncommands:\n");
	for (const struct subcommand *s = subcommands; s->name; s++)
		fprintf(f, "    %s\n", s->usage);
	fprintf(f, "\nThe commands that read the hub take -c HUBCONF (default "
	    "%s)\nand --db FILE (default: the config's database). Exit "
	    "status: 0 ok,\n1 an error (check: gaps found), 2 a usage "
	    "error. docs/PANICCTL.md has the rest.\n", CTL_CONF_DEFAULT);
}

int
main(int argc, char **argv)
{
	log_init("panicctl", LOG_LVL_WARN, 0);
	/* display widths of names and labels (3番窓口 is 7 columns); only
	 * LC_CTYPE, so that numbers keep their C form */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
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
