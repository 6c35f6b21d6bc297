/* cfg.c: knob tables over libconfig, with errors that name file, line, key. */
#include "cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

/* Why path cannot be read, as the system says it ("No such file or
 * directory", "Permission denied", "Is a directory"). */
static const char *
cfg_io_reason(const char *path)
{
	FILE *f = fopen(path, "r");
	int e = errno;
	char c;

	if (!f)
		return strerror(e);
	/* a directory opens, but does not read */
	if (fread(&c, 1, 1, f) == 0 && ferror(f)) {
		e = errno;
		fclose(f);
		return strerror(e);
	}
	fclose(f);
	return "cannot be read";
}

/* libconfig says "cannot open include file" without naming it: take the
 * name from the @include on the error's line, into name. 0 or -1. */
static int
cfg_include_name(const char *file, int line, char *name, size_t size)
{
	FILE *f = fopen(file, "r");
	char buf[1024], *q, *end;
	int n = 0, found = -1;

	if (!f)
		return -1;
	while (fgets(buf, sizeof buf, f))
		if (++n == line) {
			if ((q = strstr(buf, "@include")) &&
			    (q = strchr(q, '"')) && (end = strchr(q + 1, '"'))) {
				snprintf(name, size, "%.*s", (int)(end - q - 1),
				    q + 1);
				found = 0;
			}
			break;
		}
	fclose(f);
	return found;
}

int
cfg_read(config_t *cf, const char *path, char *err, size_t errlen)
{
	const char *file, *text, *slash = strrchr(path, '/');
	char inc[512], dir[512], where[1024];

	/* a relative @include is found beside the file, not in whatever
	 * directory the daemon runs in (/ under systemd) */
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 2,
	    slash ? path : "./");
	config_set_include_dir(cf, dir);
	if (config_read_file(cf, path) == CONFIG_TRUE)
		return 0;
	file = config_error_file(cf) ? config_error_file(cf) : path;
	text = config_error_text(cf) ? config_error_text(cf) : "error";
	if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
		snprintf(err, errlen, "%s: cannot read the file: %s", path,
		    cfg_io_reason(path));
	else if (strstr(text, "include file") &&
	    cfg_include_name(file, config_error_line(cf), inc, sizeof inc) == 0) {
		snprintf(where, sizeof where, "%s%s", inc[0] == '/' ? "" : dir,
		    inc);
		snprintf(err, errlen, "%s:%d: cannot open include file \"%s\":"
		    " %s", file, config_error_line(cf), inc,
		    cfg_io_reason(where));
	} else
		snprintf(err, errlen, "%s:%d: %s", file, config_error_line(cf),
		    text);
	return -1;
}

void
cfg_path(const config_setting_t *s, char *buf, size_t size)
{
	const config_setting_t *chain[32];
	int n = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (; s && !config_setting_is_root(s) && n < 32;
	    s = config_setting_parent(s))
		chain[n++] = s;
	while (n-- > 0 && used < size) {
		const config_setting_t *c = chain[n];
		const char *name = config_setting_name(c);
		int w;

		if (name)
			w = snprintf(buf + used, size - used, "%s%s",
			    used ? "." : "", name);
		else
			w = snprintf(buf + used, size - used, "%s[%d]",
			    used ? "." : "", config_setting_index(c));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

int
cfg_fail(char *err, size_t errlen, const config_setting_t *s,
    const char *file, const char *fmt, ...)
{
	char path[160], msg[256];
	const char *f = NULL;
	int line = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s) {
		f = config_setting_source_file(s);
		line = (int)config_setting_source_line(s);
		cfg_path(s, path, sizeof path);
	} else {
		path[0] = '\0';
	}
	if (!f)
		f = file;
	/* The root group has no line: name the file alone. */
	if (path[0] && line > 0)
		snprintf(err, errlen, "%s:%d: %s: %s", f, line, path, msg);
	else if (path[0])
		snprintf(err, errlen, "%s: %s: %s", f, path, msg);
	else if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", f, line, msg);
	else
		snprintf(err, errlen, "%s: %s", f, msg);
	return -1;
}

int
cfg_copy_string(const config_setting_t *s, int id, char *buf, size_t size,
    const char *file, char *err, size_t errlen)
{
	const char *v;
	size_t len;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(err, errlen, s, file, "expected a string");
	v = config_setting_get_string(s);
	len = strlen(v);
	if (len == 0)
		return cfg_fail(err, errlen, s, file, "must not be empty");
	if (len >= size)
		return cfg_fail(err, errlen, s, file,
		    "too long (at most %zu bytes)", size - 1);
	if (id && !proto_id_valid(v))
		return cfg_fail(err, errlen, s, file,
		    "\"%s\" is not a valid id (1-32 of A-Z a-z 0-9 _ -)", v);
	if (!id && !proto_text_valid(v, len))
		return cfg_fail(err, errlen, s, file,
		    "not valid UTF-8 text");
	memcpy(buf, v, len + 1);
	return 0;
}

static const struct cfg_knob *
cfg_find(const struct cfg_knob *table, const char *name)
{
	for (; table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

/* Set one knob from setting s, or to its default when s is NULL. */
static int
cfg_apply_one(const struct cfg_knob *k, const config_setting_t *s,
    const config_setting_t *group, void *obj, const char *file, char *err,
    size_t errlen)
{
	char *field = (char *)obj + k->off;
	long long v;

	if (k->type == CFG_SKIP)
		return 0;
	if (!s) {
		if (k->required)
			return cfg_fail(err, errlen, group, file,
			    "missing required key \"%s\"", k->name);
		if (k->type == CFG_INT || k->type == CFG_BOOL)
			*(int *)field = (int)k->def;
		else
			snprintf(field, k->size, "%s", k->def_str ? k->def_str : "");
		return 0;
	}
	switch (k->type) {
	case CFG_INT:
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return cfg_fail(err, errlen, s, file, "expected an integer");
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max)
			return cfg_fail(err, errlen, s, file,
			    "%lld is out of range (%lld to %lld)", v, k->min, k->max);
		*(int *)field = (int)v;
		return 0;
	case CFG_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return cfg_fail(err, errlen, s, file,
			    "expected true or false");
		*(int *)field = config_setting_get_bool(s) ? 1 : 0;
		return 0;
	case CFG_STR:
	case CFG_ID:
		return cfg_copy_string(s, k->type == CFG_ID, field, k->size,
		    file, err, errlen);
	case CFG_SKIP:
		break;
	}
	return 0;
}

int
cfg_apply_part(const config_setting_t *group, const struct cfg_knob *table,
    void *obj, const char *file, char *err, size_t errlen)
{
	if (group && !config_setting_is_group(group))
		return cfg_fail(err, errlen, group, file,
		    "expected a group { ... }");
	for (const struct cfg_knob *k = table; k->name; k++) {
		config_setting_t *s = group ?
		    config_setting_get_member(group, k->name) : NULL;

		if (cfg_apply_one(k, s, group, obj, file, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
cfg_apply(const config_setting_t *group, const struct cfg_knob *table,
    void *obj, const char *file, char *err, size_t errlen)
{
	if (group && config_setting_is_group(group)) {
		int n = config_setting_length(group);

		for (int i = 0; i < n; i++) {
			config_setting_t *c = config_setting_get_elem(group, (unsigned)i);

			if (!cfg_find(table, config_setting_name(c)))
				return cfg_fail(err, errlen, c, file, "unknown key");
		}
	}
	return cfg_apply_part(group, table, obj, file, err, errlen);
}
