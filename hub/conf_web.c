/* conf_web.c: the web section of hubd.conf (the one-tap acknowledgement
 * server) and its link key file. */
#include "conf_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WEB_KNOB_END { NULL, CFG_SKIP, 0, 0, 0, 0, 0, 0, NULL }

static const struct cfg_knob conf_web_knobs[] = {
	{ "listen", CFG_STR, offsetof(struct conf_web, listen), 64, 0,
	  0, 0, 0, "0.0.0.0" },
	{ "port", CFG_INT, offsetof(struct conf_web, port), 0, 0,
	  8080, 1, 65535, NULL },
	{ "base_url", CFG_STR, offsetof(struct conf_web, base_url),
	  CONF_URL_MAX, 1, 0, 0, 0, NULL },
	{ "key_file", CFG_STR, offsetof(struct conf_web, key_file), PATH_MAX,
	  1, 0, 0, 0, NULL },
	/* a link outlives a shift, not a week */
	{ "link_ttl_s", CFG_INT, offsetof(struct conf_web, link_ttl_s), 0, 0,
	  86400, 60, 7 * 86400, NULL },
	WEB_KNOB_END
};

/* http(s)://host[:port][/path]: no query, fragment, space, quote or
 * angle bracket, so that it goes into pages and HTML unquoted safely. */
static int
conf_web_url_ok(const char *u)
{
	size_t n = strlen(u);
	const char *rest;

	if (strncmp(u, "http://", 7) == 0)
		rest = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		rest = u + 8;
	else
		return 0;
	if (!*rest || *rest == '/')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (u[i] <= ' ' || u[i] >= 0x7f || strchr("\"'<>\\^`{|}?#", u[i]))
			return 0;
	return 1;
}

int
conf_web_read(struct hub_conf *c, const struct config_setting_t *root,
    char *err, size_t errlen)
{
	const config_setting_t *g = config_setting_get_member(root, "web");
	struct conf_web *w = &c->web;
	unsigned char addr[16];
	size_t n;

	memset(w, 0, sizeof *w);
	if (!g)
		return 0;
	if (cfg_apply(g, conf_web_knobs, w, c->file, err, errlen) < 0)
		return -1;
	if (inet_pton(AF_INET, w->listen, addr) != 1 &&
	    inet_pton(AF_INET6, w->listen, addr) != 1)
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    "listen"), c->file, "\"%s\" is not an IPv4 or IPv6 address",
		    w->listen);
	for (n = strlen(w->base_url); n > 0 && w->base_url[n - 1] == '/'; n--)
		w->base_url[n - 1] = '\0';
	if (!conf_web_url_ok(w->base_url))
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    "base_url"), c->file, "expected http://host[:port][/path]"
		    " without query, fragment, spaces or quotes");
	w->key_file_line = (int)config_setting_source_line(
	    config_setting_get_member(g, "key_file"));
	w->enabled = 1;
	return 0;
}

static int
conf_web_key_fail(const struct hub_conf *c, char *err, size_t errlen,
    const char *why)
{
	snprintf(err, errlen, "%s:%d: web.key_file: %s: %s", c->file,
	    c->web.key_file_line, c->web.key_file, why);
	return -1;
}

int
conf_web_key_load(struct hub_conf *c, char *err, size_t errlen)
{
	struct conf_web *w = &c->web;
	struct stat st;
	ssize_t n;
	int fd;

	if (!w->enabled)
		return 0;
	w->keylen = 0;
	if ((fd = open(w->key_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return conf_web_key_fail(c, err, errlen, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return conf_web_key_fail(c, err, errlen, "not a regular file");
	}
	/* anyone who can read the key can forge acknowledgements */
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		close(fd);
		return conf_web_key_fail(c, err, errlen, "readable or writable "
		    "by others (chmod 600 or 640)");
	}
	if (st.st_size > CONF_KEY_MAX) {
		close(fd);
		return conf_web_key_fail(c, err, errlen, "too long (at most "
		    "1024 bytes)");
	}
	n = read(fd, w->key, sizeof w->key);
	close(fd);
	if (n < 0)
		return conf_web_key_fail(c, err, errlen, strerror(errno));
	if (n < CONF_KEY_MIN) {
		memset(w->key, 0, sizeof w->key);
		return conf_web_key_fail(c, err, errlen, "too short (at least "
		    "32 bytes; head -c 32 /dev/urandom makes one)");
	}
	w->keylen = (size_t)n;
	return 0;
}
