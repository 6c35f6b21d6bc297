/* panicctl.h: the subcommands of panicctl, one file each. Each takes the
 * arguments after its own name (argv[0] is the subcommand) and returns the
 * process exit status. */
#ifndef PANICCTL_H
#define PANICCTL_H

int cmd_press(int argc, char **argv);

#endif
