/* panicctl.h: the subcommands of panicctl, one file each. Each takes the
 * arguments after its own name (argv[0] is the subcommand) and returns the
 * process exit status: 0 ok, 1 an error (or, for check, gaps found), 2 a
 * usage error. */
#ifndef PANICCTL_H
#define PANICCTL_H

int cmd_press(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_care(int argc, char **argv);
int cmd_pager(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_outbox(int argc, char **argv);
int cmd_ids(int argc, char **argv);

#endif
