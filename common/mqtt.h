/* mqtt.h: the Paho MQTT async client behind one event loop.
 *
 * Paho calls back on its own threads; those callbacks only copy what they
 * got into a locked queue and write an eventfd. The loop thread polls
 * mqtt_fd(), then drains mqtt_next(). Reconnection is ours, not Paho's: after
 * a failure the loop asks mqtt_timeout_ms() how long to sleep and calls
 * mqtt_service() when it is time, so the back-off lives in the one loop.
 *
 * The Paho library is loaded at run time by the first mqtt_new: the plain
 * one (libpaho-mqtt3a.so.1), or the TLS one (libpaho-mqtt3as.so.1, which
 * brings libssl and libcrypto, ~3.5 MiB resident) only when that client asks
 * for TLS. One library per process: see mqtt_new. */
#ifndef PANIC_MQTT_H
#define PANIC_MQTT_H

#include <stddef.h>
#include <stdint.h>

struct mqtt;

struct mqtt_will {
	const char *topic;
	const void *payload;
	size_t len;
	int qos;
	int retained;
};

struct mqtt_opts {
	const char *host;
	int port;
	const char *client_id;		/* [A-Za-z0-9_-], unique on the broker */
	const char *username;		/* NULL: none */
	const char *password;
	int keepalive_s;		/* 0: default 30 */
	int clean_session;
	const struct mqtt_will *will;	/* NULL: none */
	int reconnect_min_ms;		/* 0: default 200 */
	int reconnect_max_ms;		/* 0: default 5000 */
	int max_inflight;		/* 0: default 1024 */
	int tls;			/* 1: ssl:// (the TLS library is
					 * loaded) */
	/* TLS only. The broker's certificate chain and host name are always
	 * checked unless no_verify is set (never by default: a daemon's
	 * config has to say verify = false). */
	const char *ca_file;		/* CAs to trust; NULL: the system's */
	const char *cert_file;		/* client certificate; NULL: none */
	const char *key_file;		/* its key; NULL: in cert_file */
	int no_verify;
};

enum mqtt_ev_type {
	MQTT_EV_CONNECTED,		/* subscriptions were re-issued */
	MQTT_EV_CONNECT_FAILED,		/* a retry is scheduled */
	MQTT_EV_LOST,			/* a retry is scheduled */
	MQTT_EV_MESSAGE,
	MQTT_EV_DELIVERED,		/* broker took the QoS>0 publish `token` */
	MQTT_EV_SUBSCRIBE_FAILED,	/* detail: which filter (e.g. an ACL) */
};

struct mqtt_ev {
	enum mqtt_ev_type type;
	char *topic;			/* MESSAGE: NUL-terminated copy */
	unsigned char *payload;		/* MESSAGE: exactly len bytes, no NUL */
	size_t len;
	int qos, retained, dup;
	int token;			/* DELIVERED */
	char detail[320];		/* FAILED/LOST: why, for the log */
};

/* Create a client (not yet connected). Strings in o are copied. Returns
 * NULL with errno set on failure, and mqtt_error() says why. The first
 * successful call loads Paho for the process, plain or TLS after o->tls, and
 * it stays loaded until exit; a later call asking for the other kind fails
 * with ENOTSUP. If the library cannot be loaded, errno is ELIBACC (ELIBBAD
 * if a function is missing from it). */
struct mqtt *mqtt_new(const struct mqtt_opts *o);
void mqtt_free(struct mqtt *m);

/* Why the last mqtt_new in this thread failed, for the log after "mqtt: ",
 * e.g. "cannot load libpaho-mqtt3a.so.1: libpaho-mqtt3a.so.1: cannot open
 * shared object file: No such file or directory"; "" when it succeeded.
 * Thread-local, valid until the thread's next mqtt_new. */
const char *mqtt_error(void);

/* The fd to poll for POLLIN: readable when events are queued. */
int mqtt_fd(const struct mqtt *m);

/* Start connecting; completion arrives as an event. Returns 0 or -1. */
int mqtt_connect(struct mqtt *m);

/* Remember a subscription, issued now if connected and again after every
 * reconnect. Returns 0 or -1. */
int mqtt_subscribe(struct mqtt *m, const char *filter, int qos);

/* Queue a publish. Returns 0 (and *token when non-NULL) or -1 when not
 * connected or Paho refuses; the caller keeps the data to send later. */
int mqtt_publish(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int qos, int retained, int *token);

/* Take the next queued event. Returns 1 and fills ev (release it with
 * mqtt_ev_release), or 0 when the queue is empty. */
int mqtt_next(struct mqtt *m, struct mqtt_ev *ev);
void mqtt_ev_release(struct mqtt_ev *ev);

/* While max_ms > 0, reconnect attempts come at most max_ms apart, however
 * long the outage (a board holding a press must not sit out a long
 * back-off once the broker is back); a later attempt already scheduled is
 * brought forward. 0: the normal back-off again. Cheap to call often. */
void mqtt_urgent(struct mqtt *m, int max_ms);

/* Milliseconds until mqtt_service() must run (a reconnect), or -1. */
int64_t mqtt_timeout_ms(const struct mqtt *m, int64_t now_ms);
/* Run due work (a scheduled reconnect). */
void mqtt_service(struct mqtt *m, int64_t now_ms);

int mqtt_is_connected(const struct mqtt *m);

/* 1 if host names this machine (localhost, 127.0.0.0/8, ::1): plain TCP
 * there crosses no network. The daemons warn about plain TCP elsewhere. */
int mqtt_host_is_loopback(const char *host);

/* Disconnect cleanly (the Will is not sent), waiting at most timeout_ms for
 * queued publishes. Only for shutdown: it blocks. */
void mqtt_disconnect(struct mqtt *m, int timeout_ms);

#endif
