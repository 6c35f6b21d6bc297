/* mqtt.c: the only file that includes <MQTTAsync.h>. Paho's threads call the
 * callbacks below, which queue a copy and wake the loop through an eventfd.
 * Paho itself is loaded at run time (see paho below): the header gives the
 * types and initialisers, every call goes through the table. */
#include "mqtt.h"

#include <MQTTAsync.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

#define MQTT_MAX_SUBS 16

struct mqtt_qitem {
	struct mqtt_qitem *next;
	struct mqtt_ev ev;
};

struct mqtt_sub {
	struct mqtt *m;			/* for the SUBACK callbacks */
	char *filter;
	int qos;
};

struct mqtt {
	MQTTAsync client;
	int efd;
	int port, tls, no_verify;
	char *client_id, *username, *password;
	char *ca_file, *cert_file, *key_file;
	char *will_topic;
	void *will_payload;
	size_t will_len;
	int will_qos, will_retained, has_will;
	int keepalive_s, clean_session, max_inflight;
	int backoff_min_ms, backoff_max_ms, backoff_ms;
	int urgent_ms;			/* mqtt_urgent: retries at most this
					   far apart, 0: off */

	/* touched by the loop thread only */
	int connected, connecting;
	int64_t retry_at_ms;		/* -1: none scheduled */
	int64_t connected_at_ms;	/* when the session last opened */
	int short_sessions;		/* closed soon after opening, in a row */
	struct mqtt_sub subs[MQTT_MAX_SUBS];
	int nsubs;

	/* shared with Paho's threads */
	pthread_mutex_t lock;
	struct mqtt_qitem *head, *tail;
};

#define MQTT_LIB_PLAIN	"libpaho-mqtt3a.so.1"
#define MQTT_LIB_TLS	"libpaho-mqtt3as.so.1"

/* Paho's functions, resolved with dlsym from one library per process. Linked
 * in, the TLS library maps and initialises libssl and libcrypto at start:
 * counterd was 7.5 MiB resident with it, 4.0 without (docs/PERFORMANCE.md,
 * Memory), against a budget of 4 MB. So a process loads the TLS library
 * only when a client asks for TLS. Both libraries export the same names and
 * keep global state (the client list, the two threads), so a process gets
 * one of them: the first successful mqtt_new decides. Written once under
 * paho_lock before any Paho thread exists, then only read. Never dlclosed:
 * Paho's threads may still run its code after mqtt_free, and LeakSanitizer
 * needs the library mapped at exit to see its roots and name its frames. */
static struct {
	void *lib;
	int tls;
	__typeof__(MQTTAsync_global_init) *global_init;
	__typeof__(MQTTAsync_createWithOptions) *create;
	__typeof__(MQTTAsync_setCallbacks) *set_callbacks;
	__typeof__(MQTTAsync_destroy) *destroy;
	__typeof__(MQTTAsync_connect) *connect;
	__typeof__(MQTTAsync_subscribe) *subscribe;
	__typeof__(MQTTAsync_sendMessage) *send_message;
	__typeof__(MQTTAsync_disconnect) *disconnect;
	__typeof__(MQTTAsync_isConnected) *is_connected;
	__typeof__(MQTTAsync_freeMessage) *free_message;
	__typeof__(MQTTAsync_free) *free;
} paho;
static pthread_mutex_t paho_lock = PTHREAD_MUTEX_INITIALIZER;

#define PAHO_SYM(field, name) { name, offsetof(__typeof__(paho), field) }
static const struct {
	const char *name;
	size_t off;			/* of the pointer in paho */
} paho_syms[] = {
	PAHO_SYM(global_init, "MQTTAsync_global_init"),
	PAHO_SYM(create, "MQTTAsync_createWithOptions"),
	PAHO_SYM(set_callbacks, "MQTTAsync_setCallbacks"),
	PAHO_SYM(destroy, "MQTTAsync_destroy"),
	PAHO_SYM(connect, "MQTTAsync_connect"),
	PAHO_SYM(subscribe, "MQTTAsync_subscribe"),
	PAHO_SYM(send_message, "MQTTAsync_sendMessage"),
	PAHO_SYM(disconnect, "MQTTAsync_disconnect"),
	PAHO_SYM(is_connected, "MQTTAsync_isConnected"),
	PAHO_SYM(free_message, "MQTTAsync_freeMessage"),
	PAHO_SYM(free, "MQTTAsync_free"),
};

static _Thread_local char mqtt__errbuf[256];

/* Fail mqtt_new: set errno to err and the text mqtt_error() returns.
 * Returns err, for the unwinding to restore. */
static int __attribute__((format(printf, 2, 3)))
mqtt__fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mqtt__errbuf, sizeof mqtt__errbuf, fmt, ap);
	va_end(ap);
	errno = err;
	return err;
}

const char *
mqtt_error(void)
{
	return mqtt__errbuf;
}

/* dlopen the library and fill paho; on failure leave paho empty. */
static int
mqtt__load_locked(int tls)
{
	const char *name = tls ? MQTT_LIB_TLS : MQTT_LIB_PLAIN;
	MQTTAsync_init_options io = MQTTAsync_init_options_initializer;
	void *lib;

	dlerror();
	if (!(lib = dlopen(name, RTLD_NOW | RTLD_LOCAL))) {
		mqtt__fail(ELIBACC, "cannot load %s: %s", name, dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof paho_syms / sizeof *paho_syms; i++) {
		void *f = dlsym(lib, paho_syms[i].name);

		if (!f) {
			mqtt__fail(ELIBBAD, "cannot load %s: no %s", name,
			    paho_syms[i].name);
			memset(&paho, 0, sizeof paho);
			dlclose(lib);	/* nothing of it has run */
			return -1;
		}
		/* POSIX: a function pointer and void * share a representation */
		memcpy((char *)&paho + paho_syms[i].off, &f, sizeof f);
	}
	paho.lib = lib;
	paho.tls = tls;
	/* OpenSSL 3 initialises itself when first used; Paho's own
	 * initialisation would only add work and memory at start. Must
	 * precede the first create. */
	if (tls) {
		io.do_openssl_init = 0;
		paho.global_init(&io);
	}
	return 0;
}

/* Load Paho, plain or TLS, unless this process has it already. */
static int
mqtt__load(int tls)
{
	int rc = 0;

	pthread_mutex_lock(&paho_lock);
	if (!paho.lib)
		rc = mqtt__load_locked(tls);
	else if (paho.tls != tls) {
		mqtt__fail(ENOTSUP, "a %s client cannot share a process with "
		    "%s ones (%s is loaded; one Paho library per process)",
		    tls ? "TLS" : "plain TCP", paho.tls ? "TLS" : "plain TCP",
		    paho.tls ? MQTT_LIB_TLS : MQTT_LIB_PLAIN);
		rc = -1;
	}
	pthread_mutex_unlock(&paho_lock);
	return rc;
}

static char *
mqtt__strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Called from Paho threads: append and wake the loop. On allocation failure
 * the event is lost; for a message that means returning 0 so Paho keeps it
 * and calls again. */
static int
mqtt__push(struct mqtt *m, struct mqtt_qitem *it)
{
	uint64_t one = 1;

	pthread_mutex_lock(&m->lock);
	it->next = NULL;
	if (m->tail)
		m->tail->next = it;
	else
		m->head = it;
	m->tail = it;
	/* Written under the lock so mqtt_next cannot clear a wake-up it has
	 * not yet seen the item for. */
	if (write(m->efd, &one, sizeof one) < 0 && errno != EAGAIN) {
		/* counter overflow is impossible in practice; ignore */
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static void
mqtt__push_simple(struct mqtt *m, enum mqtt_ev_type type, int token,
    const char *detail)
{
	struct mqtt_qitem *it = calloc(1, sizeof *it);

	if (!it)
		return;
	it->ev.type = type;
	it->ev.token = token;
	if (detail)
		snprintf(it->ev.detail, sizeof it->ev.detail, "%s", detail);
	mqtt__push(m, it);
}

static int
mqtt__on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg)
{
	struct mqtt *m = ctx;
	struct mqtt_qitem *it = calloc(1, sizeof *it);
	size_t tlen = topic_len > 0 ? (size_t)topic_len : strlen(topic);
	size_t plen = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;

	if (!it)
		return 0;
	it->ev.type = MQTT_EV_MESSAGE;
	it->ev.topic = malloc(tlen + 1);
	/* One spare byte so an empty payload still has a valid pointer; the
	 * length, not a terminator, bounds it. */
	it->ev.payload = malloc(plen + 1);
	if (!it->ev.topic || !it->ev.payload) {
		free(it->ev.topic);
		free(it->ev.payload);
		free(it);
		return 0;	/* Paho will offer it again */
	}
	memcpy(it->ev.topic, topic, tlen);
	it->ev.topic[tlen] = '\0';
	if (plen)
		memcpy(it->ev.payload, msg->payload, plen);
	it->ev.len = plen;
	it->ev.qos = msg->qos;
	it->ev.retained = msg->retained;
	it->ev.dup = msg->dup;
	mqtt__push(m, it);
	paho.free_message(&msg);
	paho.free(topic);
	return 1;
}

static void
mqtt__on_lost(void *ctx, char *cause)
{
	mqtt__push_simple(ctx, MQTT_EV_LOST, 0, cause ? cause : "connection lost");
	if (cause)
		paho.free(cause);
}

static void
mqtt__on_delivered(void *ctx, MQTTAsync_token token)
{
	mqtt__push_simple(ctx, MQTT_EV_DELIVERED, token, NULL);
}

static void
mqtt__on_connect(void *ctx, MQTTAsync_successData *resp)
{
	(void)resp;
	mqtt__push_simple(ctx, MQTT_EV_CONNECTED, 0, NULL);
}

static void
mqtt__on_connect_failure(void *ctx, MQTTAsync_failureData *resp)
{
	char why[128];

	/* Paho says no more than "TCP/TLS connect failure" for a broker
	 * certificate we refuse; the broker's log says "unknown ca" */
	snprintf(why, sizeof why, "connect failed (code %d%s%s)",
	    resp ? resp->code : 0, resp && resp->message ? ": " : "",
	    resp && resp->message ? resp->message : "");
	mqtt__push_simple(ctx, MQTT_EV_CONNECT_FAILED, 0, why);
}

struct mqtt *
mqtt_new(const struct mqtt_opts *o)
{
	MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer;
	struct mqtt *m;
	char uri[300];
	int rc, err;

	mqtt__errbuf[0] = '\0';
	if (mqtt__load(o->tls) < 0)
		return NULL;
	if (!(m = calloc(1, sizeof *m))) {
		mqtt__fail(errno, "%s", strerror(errno));
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	m->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->efd < 0) {
		err = mqtt__fail(errno, "eventfd: %s", strerror(errno));
		goto err_free;
	}
	m->port = o->port;
	m->tls = o->tls;
	m->no_verify = o->no_verify;
	m->client_id = mqtt__strdup(o->client_id);
	m->username = mqtt__strdup(o->username);
	m->password = mqtt__strdup(o->password);
	m->ca_file = mqtt__strdup(o->ca_file);
	m->cert_file = mqtt__strdup(o->cert_file);
	m->key_file = mqtt__strdup(o->key_file);
	m->keepalive_s = o->keepalive_s > 0 ? o->keepalive_s : 30;
	m->clean_session = o->clean_session;
	m->max_inflight = o->max_inflight > 0 ? o->max_inflight : 1024;
	m->backoff_min_ms = o->reconnect_min_ms > 0 ? o->reconnect_min_ms : 200;
	m->backoff_max_ms = o->reconnect_max_ms > 0 ? o->reconnect_max_ms : 5000;
	m->backoff_ms = m->backoff_min_ms;
	m->retry_at_ms = -1;
	if (o->will) {
		m->has_will = 1;
		m->will_topic = mqtt__strdup(o->will->topic);
		m->will_payload = malloc(o->will->len + 1);
		if (!m->will_topic || !m->will_payload) {
			err = mqtt__fail(ENOMEM, "%s", strerror(ENOMEM));
			goto err_close;
		}
		memcpy(m->will_payload, o->will->payload, o->will->len);
		m->will_len = o->will->len;
		m->will_qos = o->will->qos;
		m->will_retained = o->will->retained;
	}
	if (!o->client_id) {
		err = mqtt__fail(EINVAL, "no client id");
		goto err_close;
	}
	if (!o->tls && (o->ca_file || o->cert_file || o->key_file)) {
		err = mqtt__fail(EINVAL, "TLS files given for a plain TCP "
		    "client");
		goto err_close;
	}
	if (!m->client_id || (o->username && !m->username) ||
	    (o->password && !m->password) || (o->ca_file && !m->ca_file) ||
	    (o->cert_file && !m->cert_file) || (o->key_file && !m->key_file)) {
		err = mqtt__fail(ENOMEM, "%s", strerror(ENOMEM));
		goto err_close;
	}
	snprintf(uri, sizeof uri, "%s://%s:%d", o->tls ? "ssl" : "tcp",
	    o->host, o->port);
	co.sendWhileDisconnected = 0;
	co.MQTTVersion = MQTTVERSION_3_1_1;
	rc = paho.create(&m->client, uri, m->client_id,
	    MQTTCLIENT_PERSISTENCE_NONE, NULL, &co);
	if (rc != MQTTASYNC_SUCCESS) {
		err = mqtt__fail(EINVAL, "%s: Paho refused the client (code %d)",
		    uri, rc);
		goto err_close;
	}
	rc = paho.set_callbacks(m->client, m, mqtt__on_lost, mqtt__on_message,
	    mqtt__on_delivered);
	if (rc != MQTTASYNC_SUCCESS) {
		err = mqtt__fail(EINVAL, "Paho refused the callbacks (code %d)",
		    rc);
		goto err_destroy;
	}
	return m;

err_destroy:
	paho.destroy(&m->client);
err_close:
	close(m->efd);
err_free:
	free(m->client_id);
	free(m->username);
	free(m->password);
	free(m->ca_file);
	free(m->cert_file);
	free(m->key_file);
	free(m->will_topic);
	free(m->will_payload);
	pthread_mutex_destroy(&m->lock);
	free(m);
	errno = err;
	return NULL;
}

void
mqtt_free(struct mqtt *m)
{
	struct mqtt_ev ev;

	if (!m)
		return;
	paho.destroy(&m->client);
	while (mqtt_next(m, &ev))
		mqtt_ev_release(&ev);
	for (int i = 0; i < m->nsubs; i++)
		free(m->subs[i].filter);
	close(m->efd);
	free(m->client_id);
	free(m->username);
	free(m->ca_file);
	free(m->cert_file);
	free(m->key_file);
	if (m->password) {
		/* keep secrets out of freed memory */
		memset(m->password, 0, strlen(m->password));
		free(m->password);
	}
	free(m->will_topic);
	free(m->will_payload);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

int
mqtt_fd(const struct mqtt *m)
{
	return m->efd;
}

int
mqtt_connect(struct mqtt *m)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	MQTTAsync_willOptions wo = MQTTAsync_willOptions_initializer;
	MQTTAsync_SSLOptions so = MQTTAsync_SSLOptions_initializer;
	int rc;

	co.keepAliveInterval = m->keepalive_s;
	co.cleansession = m->clean_session;
	co.maxInflight = m->max_inflight;
	co.connectTimeout = 5;
	co.automaticReconnect = 0;	/* ours: see mqtt_service */
	co.username = m->username;
	co.password = m->password;
	co.onSuccess = mqtt__on_connect;
	co.onFailure = mqtt__on_connect_failure;
	co.context = m;
	/* Paho refuses an ssl:// connect without SSL options. A broker is
	 * trusted only with a certificate from our CA (or the system's) that
	 * names the host we dialled: a forged broker could swallow presses
	 * and answer them with "help is coming". */
	if (m->tls) {
		so.trustStore = m->ca_file;
		so.keyStore = m->cert_file;
		so.privateKey = m->key_file;
		so.enableServerCertAuth = !m->no_verify;
		so.verify = !m->no_verify;
		co.ssl = &so;
	}
	if (m->has_will) {
		wo.topicName = m->will_topic;
		wo.message = NULL;
		wo.payload.data = m->will_payload;
		wo.payload.len = (int)m->will_len;
		wo.qos = m->will_qos;
		wo.retained = m->will_retained;
		co.will = &wo;
	}
	m->retry_at_ms = -1;
	rc = paho.connect(m->client, &co);
	if (rc != MQTTASYNC_SUCCESS) {
		char why[64];

		snprintf(why, sizeof why, "connect refused locally (code %d)", rc);
		mqtt__push_simple(m, MQTT_EV_CONNECT_FAILED, 0, why);
		return -1;
	}
	m->connecting = 1;
	return 0;
}

static void
mqtt__sub_refused(struct mqtt_sub *s, int code)
{
	char why[128];

	snprintf(why, sizeof why, "subscription to %s refused (code %d)",
	    s->filter, code);
	mqtt__push_simple(s->m, MQTT_EV_SUBSCRIBE_FAILED, 0, why);
}

/* A broker that refuses a filter (an ACL) answers SUBACK 0x80, which Paho
 * reports as a success with that granted QoS. */
static void
mqtt__on_suback(void *ctx, MQTTAsync_successData *resp)
{
	if (resp && resp->alt.qos == 0x80)
		mqtt__sub_refused(ctx, 0x80);
}

static void
mqtt__on_sub_failure(void *ctx, MQTTAsync_failureData *resp)
{
	mqtt__sub_refused(ctx, resp ? resp->code : 0);
}

static int
mqtt__issue_sub(struct mqtt *m, struct mqtt_sub *s)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;

	ro.onSuccess = mqtt__on_suback;
	ro.onFailure = mqtt__on_sub_failure;
	ro.context = s;
	if (paho.subscribe(m->client, s->filter, s->qos, &ro) ==
	    MQTTASYNC_SUCCESS)
		return 0;
	mqtt__sub_refused(s, -1);
	return -1;
}

int
mqtt_subscribe(struct mqtt *m, const char *filter, int qos)
{
	struct mqtt_sub *s;

	if (m->nsubs == MQTT_MAX_SUBS) {
		errno = ENOSPC;
		return -1;
	}
	s = &m->subs[m->nsubs];
	s->m = m;
	if (!(s->filter = strdup(filter)))
		return -1;
	s->qos = qos;
	m->nsubs++;
	if (m->connected)
		return mqtt__issue_sub(m, s);
	return 0;
}

int
mqtt_publish(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int qos, int retained, int *token)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	MQTTAsync_message msg = MQTTAsync_message_initializer;

	if (!m->connected) {
		errno = ENOTCONN;
		return -1;
	}
	msg.payload = (void *)(uintptr_t)payload;	/* Paho copies it */
	msg.payloadlen = (int)len;
	msg.qos = qos;
	msg.retained = retained;
	if (paho.send_message(m->client, topic, &msg, &ro) !=
	    MQTTASYNC_SUCCESS) {
		errno = EIO;
		return -1;
	}
	if (token)
		*token = ro.token;
	return 0;
}

/* Paho has no option for TCP_NODELAY, and Nagle's algorithm meeting delayed
 * ACKs costs ~40-90 ms per QoS 1 hop. Find our connected TCP socket to the
 * broker's port among our fds and set it there. */
static void
mqtt__set_nodelay(const struct mqtt *m)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd, type, one = 1, port;
		socklen_t tl = sizeof type;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
		    type != SOCK_STREAM)
			continue;
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
			continue;
		if (ss.ss_family == AF_INET)
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			continue;
		if (port == m->port)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	closedir(d);
}

/* Random bits for jitter: from the kernel, so that boards started from the
 * same image do not reconnect in lockstep. */
static uint64_t
mqtt__random(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != sizeof v)
		v = (uint64_t)clock_mono_ns() ^ (uint64_t)getpid();
	return v;
}

/* Schedule the next connect attempt: exponential back-off with +-20%
 * jitter, so a branch's boards do not all hit a restarted broker at once. */
static void
mqtt__schedule_retry(struct mqtt *m)
{
	int64_t base = m->urgent_ms && m->urgent_ms < m->backoff_ms ?
	    m->urgent_ms : m->backoff_ms;
	int64_t jitter = base / 5;
	int64_t delay = base;

	if (jitter > 0)
		delay += (int64_t)(mqtt__random() % (uint64_t)(2 * jitter + 1)) -
		    jitter;
	m->retry_at_ms = clock_mono_ms() + delay;
	m->backoff_ms *= 2;
	if (m->backoff_ms > m->backoff_max_ms)
		m->backoff_ms = m->backoff_max_ms;
}

/* A session the broker closes within this long of opening it did not
 * settle: the back-off is not reset, and after a few in a row the log
 * says what usually causes it. */
#define MQTT_SETTLED_MS		10000
#define MQTT_TAKEOVER_HINT	3

/* Bookkeeping for an event, in the loop thread, before the caller sees it.
 * The back-off starts again only after a session that lasted: a broker
 * that takes the connection and drops it at once (another client with the
 * same id taking the session over, an ACL or a quota) is not hammered
 * every 200 ms, and the two clients do not knock each other off in a
 * tight loop. */
static void
mqtt__account(struct mqtt *m, struct mqtt_ev *ev)
{
	int64_t now = clock_mono_ms();
	size_t n;

	switch (ev->type) {
	case MQTT_EV_CONNECTED:
		m->connected = 1;
		m->connecting = 0;
		m->connected_at_ms = now;
		mqtt__set_nodelay(m);
		for (int i = 0; i < m->nsubs; i++)
			mqtt__issue_sub(m, &m->subs[i]);
		break;
	case MQTT_EV_LOST:
		if (now - m->connected_at_ms >= MQTT_SETTLED_MS) {
			m->backoff_ms = m->backoff_min_ms;
			m->short_sessions = 0;
		} else if (++m->short_sessions >= MQTT_TAKEOVER_HINT) {
			n = strlen(ev->detail);
			snprintf(ev->detail + n, sizeof ev->detail - n,
			    "; %d sessions in a row closed within %d s of "
			    "opening: is another client using client id \"%s\"?",
			    m->short_sessions, MQTT_SETTLED_MS / 1000,
			    m->client_id);
		}
		/* fall through */
	case MQTT_EV_CONNECT_FAILED:
		m->connected = 0;
		m->connecting = 0;
		mqtt__schedule_retry(m);
		break;
	default:
		break;
	}
}

int
mqtt_next(struct mqtt *m, struct mqtt_ev *ev)
{
	struct mqtt_qitem *it;
	uint64_t v;

	pthread_mutex_lock(&m->lock);
	it = m->head;
	if (it) {
		m->head = it->next;
		if (!m->head)
			m->tail = NULL;
	} else if (read(m->efd, &v, sizeof v) < 0) {
		/* EAGAIN: already clear */
	}
	pthread_mutex_unlock(&m->lock);
	if (!it)
		return 0;
	*ev = it->ev;
	free(it);
	mqtt__account(m, ev);
	return 1;
}

void
mqtt_ev_release(struct mqtt_ev *ev)
{
	free(ev->topic);
	free(ev->payload);
	ev->topic = NULL;
	ev->payload = NULL;
}

void
mqtt_urgent(struct mqtt *m, int max_ms)
{
	int64_t now;

	m->urgent_ms = max_ms > 0 ? max_ms : 0;
	if (!m->urgent_ms || m->retry_at_ms < 0)
		return;
	now = clock_mono_ms();
	if (m->retry_at_ms > now + m->urgent_ms)
		m->retry_at_ms = now + m->urgent_ms;
}

int64_t
mqtt_timeout_ms(const struct mqtt *m, int64_t now_ms)
{
	if (m->retry_at_ms < 0)
		return -1;
	return m->retry_at_ms > now_ms ? m->retry_at_ms - now_ms : 0;
}

void
mqtt_service(struct mqtt *m, int64_t now_ms)
{
	if (m->retry_at_ms >= 0 && now_ms >= m->retry_at_ms && !m->connecting &&
	    !m->connected)
		mqtt_connect(m);
}

int
mqtt_is_connected(const struct mqtt *m)
{
	return m->connected;
}

int
mqtt_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

void
mqtt_disconnect(struct mqtt *m, int timeout_ms)
{
	MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;

	if (!m->connected)
		return;
	d.timeout = timeout_ms;
	paho.disconnect(m->client, &d);
	/* Paho completes the disconnect on its thread; wait for it, bounded. */
	for (int i = 0; i < timeout_ms / 10 && paho.is_connected(m->client); i++)
		usleep(10000);
	m->connected = 0;
}
