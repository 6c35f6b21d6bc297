/* conf_int.h: shared between conf.c and conf_sched.c only — the readers
 * for the parts of the file that conf_sched.c owns. */
#ifndef HUB_CONF_INT_H
#define HUB_CONF_INT_H

#include "cfg.h"
#include "conf.h"

/* Read a list of target strings ("supervisor", "person:ID", ...) into out,
 * resolving each reference. Returns 0 or -1 with err set. */
int conf__read_targets(struct hub_conf *c, const config_setting_t *list,
    struct conf_target *out, unsigned *n, char *err, size_t errlen);
/* Read a duration given as <base>_s or <base>_ms (not both) from group g
 * (NULL: default). Returns 0 or -1 with err set. */
int conf__read_duration(const config_setting_t *g, const char *base,
    int def_ms, int min_ms, int *out_ms, const char *file, char *err,
    size_t errlen);
/* The list readers: shifts, exceptions, policies. 0 or -1 with err set. */
int conf__read_shifts(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen);
int conf__read_exceptions(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen);
int conf__read_policies(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen);
typedef int (*conf_item_fn)(struct hub_conf *c, const config_setting_t *item,
    char *err, size_t errlen);
/* Call fn for each group in the list root.name (absent: none, unless
 * required), refusing more than max items. Returns 0 or -1 with err set. */
int conf__each(struct hub_conf *c, const config_setting_t *root,
    const char *name, unsigned max, int required, conf_item_fn fn,
    char *err, size_t errlen);
/* conf_notify.c: the channels list (before people, who refer to it), and
 * one person's notify list (default: the pager alone). 0 or -1, err set. */
int conf__read_channels(struct hub_conf *c, const config_setting_t *root,
    char *err, size_t errlen);
int conf__read_notify(const struct hub_conf *c, const config_setting_t *g,
    struct conf_person *p, char *err, size_t errlen);
/* Parse "YYYY-MM-DD" into yyyymmdd; -1 if invalid. */
int conf__parse_date(const char *s);

#endif
