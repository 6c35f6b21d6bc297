/* hubconf.h: hubd's config reader and rules as panicctl uses them (the
 * hub's objects are linked in; see tools/build.mk). */
#ifndef PANICCTL_HUBCONF_H
#define PANICCTL_HUBCONF_H

#include "../hub/conf.h"
#include "../hub/rules.h"

#endif
