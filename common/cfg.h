/* cfg.h: libconfig helpers shared by the daemons' config loaders — a table
 * of knobs (name, type, default, bounds) applied to a struct, unknown keys
 * refused, and every error phrased "file:line: key: reason". */
#ifndef PANIC_CFG_H
#define PANIC_CFG_H

#include <libconfig.h>
#include <stddef.h>

enum cfg_type {
	CFG_INT,	/* int field; min/max bound it */
	CFG_BOOL,	/* int field, 0 or 1 */
	CFG_STR,	/* char[size]; any non-empty UTF-8 text */
	CFG_ID,		/* char[size]; [A-Za-z0-9_-]{1,32} */
	CFG_SKIP,	/* allowed here, read by the caller (groups, lists) */
};

struct cfg_knob {
	const char *name;
	enum cfg_type type;
	size_t off;		/* offsetof the field; unused for CFG_SKIP */
	size_t size;		/* CFG_STR/CFG_ID: buffer size */
	int required;
	long long def, min, max;	/* CFG_INT/CFG_BOOL */
	const char *def_str;		/* CFG_STR/CFG_ID; NULL: "" */
};

#define CFG_ERR_MAX 512

/* Read path into cf. On a syntax or I/O error returns -1 with
 * "file:line: reason" in err. */
int cfg_read(config_t *cf, const char *path, char *err, size_t errlen);

/* Apply every knob of table (terminated by a NULL name) to obj from the
 * group setting (NULL: all defaults). Keys in group not in the table are
 * errors. Returns 0, or -1 with the first error in err. */
int cfg_apply(const config_setting_t *group, const struct cfg_knob *table,
    void *obj, const char *file, char *err, size_t errlen);

/* cfg_apply without the check for unknown keys: group's keys not in
 * table are the caller's (a section read by two tables). */
int cfg_apply_part(const config_setting_t *group, const struct cfg_knob *table,
    void *obj, const char *file, char *err, size_t errlen);

/* Format "file:line: key: reason" for setting s into err; returns -1 so a
 * caller can `return cfg_fail(...)`. file is used when s has none. */
int cfg_fail(char *err, size_t errlen, const config_setting_t *s,
    const char *file, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The dotted path of s from the root, e.g. "buttons.[1].kind". */
void cfg_path(const config_setting_t *s, char *buf, size_t size);

/* Copy the string at setting s into buf (size bytes), checking it is a
 * string, fits, is non-empty and (if id) a valid id. Returns 0 or -1. */
int cfg_copy_string(const config_setting_t *s, int id, char *buf,
    size_t size, const char *file, char *err, size_t errlen);

#endif
