/* fixtures.c: daemon configs and common steps for integration tests. */
#include "fixtures.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

const char *
fx_counter_conf(struct harness *h, const char *counter, const char *extra)
{
	char name[64], sock[64], db[64];

	snprintf(name, sizeof name, "%s.conf", counter);
	snprintf(sock, sizeof sock, "%s.sock", counter);
	snprintf(db, sizeof db, "%s.db", counter);
	return h_write(h, name,
	    "site = \"" FX_SITE "\";\n"
	    "counter = \"%s\";\n"
	    "broker = { host = \"127.0.0.1\"; port = %d; keepalive_s = 5; };\n"
	    "outbox = \"%s\";\n"
	    "heartbeat_s = 30;\n"
	    "confirm_timeout_s = 2;\n"
	    "log_level = \"debug\";\n"
	    "gpio = { backend = \"sim\"; sim_socket = \"%s\"; };\n"
	    "buttons = ( { name = \"main\"; short = \"help\";"
	    " long = \"emergency\"; long_ms = 600; } );\n"
	    "outputs = ( { name = \"desk\"; role = \"status\"; },\n"
	    "  { name = \"sounder\"; role = \"fallback\"; } );\n"
	    "%s\n",
	    counter, h->port, h_path(h, db), h_path(h, sock), extra ? extra : "");
}

pid_t
fx_counter_start(struct harness *h, const char *counter)
{
	char conf[64], topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	pid_t pid;

	snprintf(conf, sizeof conf, "%s.conf", counter);
	proto_topic_build(topic, sizeof topic, NULL, FX_SITE,
	    PROTO_TOPIC_STATUS, counter);
	pid = h_spawn(h, "counterd", "counterd", "-c", h_path(h, conf),
	    (char *)NULL);
	if (pid < 0)
		return -1;
	while ((m = h_wait_msg(h, topic, 10000)) != NULL) {
		struct proto_status st;

		if (proto_decode_status((const char *)m->payload, m->len, &st,
		    NULL) == 0 && st.online)
			return pid;
	}
	h_kill(h, pid, SIGKILL);
	return -1;
}

int
fx_press(struct harness *h, const char *counter, int hold_ms)
{
	char conf[64], hold[16];

	snprintf(conf, sizeof conf, "%s.conf", counter);
	snprintf(hold, sizeof hold, "%d", hold_ms);
	return h_run(h, "panicctl", 10000, "panicctl", "press", h_path(h, conf),
	    "--hold", hold, (char *)NULL) == 0 ? 0 : -1;
}

int
fx_next_event(struct harness *h, const char *counter, struct proto_event *ev,
    int timeout_ms)
{
	char topic[PROTO_TOPIC_MAX];
	const struct h_msg *m;
	const char *why = NULL;

	proto_topic_build(topic, sizeof topic, NULL, FX_SITE, PROTO_TOPIC_EVENT,
	    counter);
	if (!(m = h_wait_msg(h, topic, timeout_ms)))
		return -1;
	if (proto_decode_event((const char *)m->payload, m->len, ev, &why) < 0) {
		fprintf(stderr, "# fixtures: bad event: %s\n", why);
		return -1;
	}
	return 0;
}
