/* login.c: the broker login keys, their secrets, and what they tell the
 * MQTT client; see login.h. */
#include "login.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqtt.h"

#define L_STR(n, f) { .name = n, .type = CFG_STR, \
	.off = offsetof(struct login, f), .size = sizeof(((struct login *)0)->f) }

/* Who the program is: also the whole of panicctl's identity file. */
static const struct cfg_knob login_id_knobs[] = {
	L_STR("username", username),
	L_STR("password_file", password_file),
	L_STR("cert_file", cert_file),
	L_STR("key_file", key_file),
	{ .name = NULL }
};

/* How it reaches the broker: only in a broker section. */
static const struct cfg_knob login_tls_knobs[] = {
	{ .name = "tls", .type = CFG_BOOL, .off = offsetof(struct login, tls) },
	{ .name = "verify", .type = CFG_BOOL,
	  .off = offsetof(struct login, verify), .def = 1 },
	L_STR("ca_file", ca_file),
	{ .name = NULL }
};

static int
login_line(const config_setting_t *g, const char *key)
{
	const config_setting_t *s = g ? config_setting_get_member(g, key) : NULL;

	return s ? (int)config_setting_source_line(s) : 0;
}

/* The keys must make sense together. */
static int
login_check(const config_setting_t *g, int identity_only,
    const struct login *l, const char *file, char *err, size_t errlen)
{
	static const char *const tls_only[] = {
		"ca_file", "cert_file", "key_file", "verify", NULL
	};
	const config_setting_t *s;

	if ((s = config_setting_get_member(g, "password")))
		return cfg_fail(err, errlen, s, file, "a password in the "
		    "config is read by whoever reads the config: put it alone "
		    "in a file only the service can read (chmod 600) and name "
		    "that file with password_file");
	/* an identity file's certificate is used when the hub's config
	 * says tls = true */
	for (int i = 0; !identity_only && !l->tls && tls_only[i]; i++)
		if ((s = config_setting_get_member(g, tls_only[i])))
			return cfg_fail(err, errlen, s, file,
			    "only with tls = true");
	if (!l->cert_file[0] != !l->key_file[0])
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    l->cert_file[0] ? "cert_file" : "key_file"), file,
		    "cert_file and key_file go together");
	if (l->password_file[0] && !l->username[0])
		return cfg_fail(err, errlen, config_setting_get_member(g,
		    "password_file"), file, "needs username");
	return 0;
}

int
login_read(const config_setting_t *g, int identity_only, struct login *l,
    const char *file, char *err, size_t errlen)
{
	memset(l, 0, sizeof *l);
	l->verify = 1;
	if (g && !config_setting_is_root(g))
		cfg_path(g, l->section, sizeof l->section - 1);
	if (l->section[0])
		strcat(l->section, ".");
	if (identity_only && cfg_apply(g, login_id_knobs, l, file, err,
	    errlen) < 0)
		return -1;
	if (!identity_only && (cfg_apply_part(g, login_id_knobs, l, file, err,
	    errlen) < 0 || cfg_apply_part(g, login_tls_knobs, l, file, err,
	    errlen) < 0))
		return -1;
	l->password_file_line = login_line(g, "password_file");
	l->key_file_line = login_line(g, "key_file");
	return g ? login_check(g, identity_only, l, file, err, errlen) : 0;
}

/* Open path if it is a regular file private to its owner. Returns the fd,
 * or -1 with *why set. */
static int
login_open_private(const char *path, const char **why)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		*why = "not a regular file";
	/* another account that can read it can log in as us */
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		*why = "readable or writable by its group or others "
		    "(chmod 600 it)";
	else
		return fd;
	close(fd);
	return -1;
}

static int
login_fail(char *err, size_t errlen, const char *file, int line,
    const struct login *l, const char *key, const char *path,
    const char *why)
{
	snprintf(err, errlen, "%s:%d: %s%s: %s: %s", file, line, l->section,
	    key, path, why);
	return -1;
}

int
login_secrets(struct login *l, const char *file, char *err, size_t errlen)
{
	const char *why = NULL;
	ssize_t n;
	int fd;

	if (l->key_file[0]) {
		if ((fd = login_open_private(l->key_file, &why)) < 0)
			return login_fail(err, errlen, file, l->key_file_line, l,
			    "key_file", l->key_file, why);
		close(fd);
	}
	login_wipe(l);
	if (!l->password_file[0])
		return 0;
	if ((fd = login_open_private(l->password_file, &why)) < 0)
		return login_fail(err, errlen, file, l->password_file_line, l,
		    "password_file", l->password_file, why);
	n = read(fd, l->password, sizeof l->password - 1);
	close(fd);
	if (n < 0)
		why = strerror(errno);
	else if ((size_t)n == sizeof l->password - 1)
		why = "too long (at most 126 bytes and a newline)";
	else if ((l->password[strcspn(l->password, "\r\n")] = '\0',
	    !l->password[0]))
		why = "empty (the password is its first line)";
	if (why) {
		login_wipe(l);
		return login_fail(err, errlen, file, l->password_file_line, l,
		    "password_file", l->password_file, why);
	}
	return 0;
}

void
login_opts(const struct login *l, struct mqtt_opts *o)
{
	o->tls = l->tls;
	o->no_verify = !l->verify;
	o->ca_file = l->ca_file[0] ? l->ca_file : NULL;
	o->cert_file = l->cert_file[0] ? l->cert_file : NULL;
	o->key_file = l->key_file[0] ? l->key_file : NULL;
	o->username = l->username[0] ? l->username : NULL;
	o->password = l->password[0] ? l->password : NULL;
}

const char *
login_risk(const struct login *l, const char *host)
{
	if (!l->tls && !mqtt_host_is_loopback(host))
		return "plain TCP over the network: anyone on it can read "
		    "pages and forge presses and acknowledgements (set "
		    "tls = true, docs/SECURITY.md)";
	if (l->tls && !l->verify)
		return "verify = false: any machine can pose as the broker, "
		    "swallow presses and answer them";
	return NULL;
}

static void
login_print_str(FILE *f, const char *pre, const char *key, const char *v,
    const char *post)
{
	if (!v[0])
		return;
	fprintf(f, "%s%s = \"", pre, key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fprintf(f, "\";%s", post);
}

void
login_print(const struct login *l, FILE *f, const char *pre,
    const char *post)
{
	if (l->tls)
		fprintf(f, "%stls = true;%s", pre, post);
	if (!l->verify)
		fprintf(f, "%sverify = false;%s", pre, post);
	login_print_str(f, pre, "ca_file", l->ca_file, post);
	login_print_str(f, pre, "cert_file", l->cert_file, post);
	login_print_str(f, pre, "key_file", l->key_file, post);
	login_print_str(f, pre, "username", l->username, post);
	login_print_str(f, pre, "password_file", l->password_file, post);
}

void
login_wipe(struct login *l)
{
	/* volatile: the compiler may not drop a store to memory about to
	 * be freed */
	volatile char *p = l->password;

	for (size_t i = 0; i < sizeof l->password; i++)
		p[i] = 0;
}
