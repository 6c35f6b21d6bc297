/* hubconf.h: hubd's config reader as linked into panicctl. The hub's
 * conf_load and conf_print are renamed in panicctl's copies of its objects
 * (tools/build.mk), because counterd's config reader, which `press` links,
 * has functions of the same names. Include this, not hub/conf.h. */
#ifndef PANICCTL_HUBCONF_H
#define PANICCTL_HUBCONF_H

#include <stddef.h>
#include <stdio.h>

#include "../hub/conf.h"
#include "../hub/rules.h"

/* hub/conf.c's conf_load and conf_print: the same contracts. */
struct hub_conf *hubconf_load(const char *path, char *err, size_t errlen);
void hubconf_print(const struct hub_conf *c, FILE *f);

/* Calling the names from hub/conf.h would reach counterd's functions. */
#pragma GCC poison conf_load conf_print

#endif
