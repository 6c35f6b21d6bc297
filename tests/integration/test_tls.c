/* test_tls.c: the branch as shipped — mosquitto with
 * config/mosquitto/mosquitto.conf, credentials made by
 * tools/branch-credentials from the hub's config, hubd, counterd and
 * panicctl over TLS, each with its own identity. The help call works end
 * to end; a board's identity cannot press as another counter, acknowledge
 * or read pages; a pager's cannot answer as another person; an unknown
 * identity and a broker outside the branch's CA get nowhere. After each
 * attempt the real incident is as it was. docs/SECURITY.md cites these. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fixtures.h"
#include "fx_assert.h"
#include "harness.h"
#include "mqtt.h"
#include "proto.h"

#define PAGES	"panic/" FX_SITE "/pager/+"
#define FEEDBACK "panic/" FX_SITE "/counter/c1/feedback"

static int
setup(void **state)
{
	struct harness *h = h_new_tls();

	*state = h;
	if (!h || !fx_counter_conf(h, "c1", NULL) ||
	    !fx_hub_conf(h, 20000, NULL, NULL) || h_tls_start(h) < 0 ||
	    fx_hub_start(h) < 0 || fx_counter_start(h, "c1") < 0) {
		h_free(h);
		return -1;
	}
	return 0;
}

/* A client of the test process logged in as user (trusting ca, NULL: the
 * branch's CA), waiting up to 5 s for the broker's answer. Returns the
 * client, connected or not (mqtt_is_connected says), and in why the
 * failure. */
static struct mqtt *
as_user(struct harness *h, const char *user, const char *ca, char *why,
    size_t whysize)
{
	static int n;
	struct mqtt_opts o = { .clean_session = 1, .reconnect_min_ms = 60000 };
	struct mqtt *m;
	struct mqtt_ev ev;
	char pw[64], id[64];

	snprintf(id, sizeof id, "t-%s-%d", user, ++n);
	o.client_id = id;
	assert_int_equal(h_tls_opts(h, user, ca, &o, pw, sizeof pw), 0);
	assert_non_null(m = mqtt_new(&o));
	assert_int_equal(mqtt_connect(m), 0);
	snprintf(why, whysize, "no answer");
	for (int64_t end = clock_mono_ms() + 5000; clock_mono_ms() < end;) {
		struct pollfd p = { .fd = mqtt_fd(m), .events = POLLIN };

		poll(&p, 1, 50);
		while (mqtt_next(m, &ev)) {
			int done = ev.type == MQTT_EV_CONNECTED ||
			    ev.type == MQTT_EV_CONNECT_FAILED;

			if (ev.type == MQTT_EV_CONNECT_FAILED)
				snprintf(why, whysize, "%s", ev.detail);
			mqtt_ev_release(&ev);
			if (done)
				return m;
		}
	}
	return m;
}

/* Publish as m and wait for the broker's PUBACK: by then the broker has
 * delivered it or dropped it. */
static void
publish_acked(struct mqtt *m, const char *topic, const char *payload)
{
	struct mqtt_ev ev;
	int token = -1, acked = 0;

	assert_int_equal(mqtt_publish(m, topic, payload, strlen(payload), 1, 0,
	    &token), 0);
	for (int64_t end = clock_mono_ms() + 5000; !acked &&
	    clock_mono_ms() < end;) {
		struct pollfd p = { .fd = mqtt_fd(m), .events = POLLIN };

		poll(&p, 1, 50);
		while (mqtt_next(m, &ev)) {
			acked |= ev.type == MQTT_EV_DELIVERED && ev.token == token;
			mqtt_ev_release(&ev);
		}
	}
	assert_true(acked);
}

/* A press at c1 paged to sup: the real incident the attacks must not
 * touch. Its id into incident. */
static void
real_incident(struct harness *h, char *incident, size_t size)
{
	struct proto_page pg;

	assert_int_equal(fx_press(h, "c1", 50), 0);
	assert_int_equal(fx_next_page(h, "sup", &pg, 5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=received",
	    5000));
	snprintf(incident, size, "%s", pg.incident);
}

/* The real incident is as the press left it: paging sup, nobody has
 * acknowledged, one incident in all, no other counter's; no page and no
 * word to the desk since pages and feedback were counted. */
static void
untouched(struct harness *h, const char *incident, size_t pages,
    size_t feedback)
{
	h_pump(h, 300);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"),
	    1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND counter = 'c1' AND state = 'paging' AND"
	    " acked_at IS NULL", incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM acks"), 0);
	assert_int_equal(h_count(h, PAGES), pages);
	assert_int_equal(h_count(h, FEEDBACK), feedback);
}

/* An acknowledgement as a pager would send it, naming person. */
static void
ack_json(char *buf, size_t size, const char *incident, const char *person)
{
	struct proto_reply rp = { .action = PROTO_ACTION_ACK };

	snprintf(rp.incident, sizeof rp.incident, "%s", incident);
	snprintf(rp.person, sizeof rp.person, "%s", person);
	rp.at_ms = clock_wall_ms();
	assert_true(proto_encode_reply(&rp, buf, size) > 0);
}

/* A help press of counter, as its board would send it. */
static void
press_json(char *buf, size_t size, const char *counter)
{
	struct proto_event ev = { .seq = 1, .kind = PROTO_KIND_HELP,
	    .gesture = PROTO_GESTURE_PRESS, .held_ms = -1, .attempt = 1 };

	snprintf(ev.counter, sizeof ev.counter, "%s", counter);
	snprintf(ev.boot, sizeof ev.boot, "f0f0f0f0");
	snprintf(ev.button, sizeof ev.button, "main");
	ev.pressed_ms = clock_wall_ms();
	assert_int_equal(proto_event_make_id(&ev), 0);
	assert_true(proto_encode_event(&ev, buf, size) > 0);
}

/* The secrets of the branch appear in no log and not in the database. */
static void
no_secret_leaks(struct harness *h)
{
	static const char *const users[] = { "hub", "counter-c1", "pager-sup",
	    "panicctl" };
	static const char *const logs[] = { "hubd.log", "counterd.log",
	    "pager.log", "panicctl.log", "mosquitto.log", "credentials.log" };

	for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
		char name[64], *pw;

		snprintf(name, sizeof name, "creds/%s.pass", users[i]);
		assert_non_null(pw = h_read(h, name));
		pw[strcspn(pw, "\n")] = '\0';
		assert_true(strlen(pw) >= 20);
		for (size_t j = 0; j < sizeof logs / sizeof *logs; j++) {
			char *s = h_read(h, logs[j]);

			if (s && strstr(s, pw))
				fail_msg("%s's password in %s", users[i], logs[j]);
			free(s);
		}
		assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM log"
		    " WHERE instr(CAST(body AS TEXT), '%s') OR instr(topic,"
		    " '%s')", pw, pw), 0);
		free(pw);
	}
}

/* Scenario 1 over TLS: press, page, acknowledged from sup's own console
 * with sup's identity, on scene, resolved; panicctl status with the
 * managers' identity. */
static void
test_tls_help_call(void **state)
{
	struct harness *h = *state;
	struct proto_feedback fb;
	char incident[PROTO_ID_MAX], cmd[128], *out;
	int feed;

	assert_true(h_wait_log(h, "hubd", "mqtt: connected to 127.0.0.1", 100));
	assert_false(h_wait_log(h, "hubd", "plain TCP", 0));
	assert_false(h_wait_log(h, "counterd", "plain TCP", 0));
	real_incident(h, incident, sizeof incident);
	setenv("PANIC_IDENTITY", h_cred(h, "pager-sup.identity"), 1);
	assert_true(fx_pager_start(h, "sup", &feed) > 0);
	unsetenv("PANIC_IDENTITY");
	assert_true(h_wait_log(h, "pager", "connected to 127.0.0.1", 10000));
	snprintf(cmd, sizeof cmd, "#%s help 1番窓口: paging, step 1", incident);
	assert_true(h_wait_log(h, "pager", cmd, 5000));
	assert_int_equal(write(feed, "a\n", 2), 2);
	assert_int_equal(fx_wait_state(h, "c1", PROTO_IST_ACKNOWLEDGED, 1, &fb,
	    5000), 0);
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 1 pattern=ack", 5000));
	assert_int_equal(write(feed, "s\n", 2), 2);
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND on_scene_at IS NOT NULL", incident));
	snprintf(cmd, sizeof cmd, "r #%s 1 over TLS\n", incident);
	assert_int_equal(write(feed, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	assert_true(h_wait_sql(h, "hub.db", 1, 5000, "SELECT count(*) FROM"
	    " incidents WHERE id = %s AND category = 'harassment' AND"
	    " closed_at IS NOT NULL AND acked_at IS NOT NULL", incident));
	assert_true(h_wait_file(h, "c1.sock.outputs", "desk 0 pattern=idle", 5000));
	close(feed);

	assert_int_equal(FX_PC(h, &out, "status", "-c", h_path(h, "hub.conf"),
	    "--identity", h_cred(h, "panicctl.identity")), 0);
	assert_non_null(strstr(out, "hub t: online"));
	assert_non_null(strstr(out, "security: no message refused"));
	free(out);
	no_secret_leaks(h);
}

/* A board's identity: not another counter's presses, not a reply, not the
 * pages; and its own topic with another counter in the payload is refused
 * by the hub as a security event, shown in panicctl status. */
static void
test_tls_board_identity(void **state)
{
	struct harness *h = *state;
	char incident[PROTO_ID_MAX], why[320], buf[1024], *out;
	struct mqtt *m;
	struct mqtt_ev ev;
	size_t pages;
	int got = 0;

	real_incident(h, incident, sizeof incident);
	pages = h_count(h, PAGES);
	m = as_user(h, "counter-c1", NULL, why, sizeof why);
	assert_true(mqtt_is_connected(m));

	/* a press on another counter's topic: the broker drops it */
	press_json(buf, sizeof buf, "c2");
	publish_acked(m, "panic/t/counter/c2/event", buf);
	/* on its own topic, naming c2: the hub refuses it */
	publish_acked(m, "panic/t/counter/c1/event", buf);
	assert_true(h_wait_log(h, "hubd", "refused (security, 1 so far): event"
	    " counter differs from topic", 5000));
	/* an acknowledgement: the broker drops it */
	ack_json(buf, sizeof buf, incident, "sup");
	publish_acked(m, "panic/t/pager/sup/reply", buf);
	/* the pages: the broker refuses the subscription or sends nothing */
	mqtt_subscribe(m, "panic/t/pager/#", 1);
	assert_int_equal(fx_press(h, "c1", 50), 0);	/* joins the open one */
	h_pump(h, 500);
	while (mqtt_next(m, &ev)) {
		got |= ev.type == MQTT_EV_MESSAGE;
		mqtt_ev_release(&ev);
	}
	assert_false(got);
	assert_int_equal(h_count(h, "panic/t/counter/c2/event"), 0);
	assert_int_equal(h_count(h, "panic/t/pager/sup/reply"), 0);
	mqtt_disconnect(m, 500);
	mqtt_free(m);
	/* the second press joined the incident and got its own receipt */
	assert_true(h_wait_sql(h, "hub.db", 2, 5000, "SELECT count(*) FROM events"
	    " WHERE counter = 'c1'"));
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM events"
	    " WHERE counter = 'c2'"), 0);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM incidents"
	    " WHERE id = %s AND state = 'paging' AND acked_at IS NULL",
	    incident), 1);
	assert_int_equal(h_sql_int(h, "hub.db", "SELECT count(*) FROM acks"), 0);
	assert_int_equal(h_count(h, PAGES), pages);

	assert_int_equal(FX_PC(h, &out, "status", "-c", h_path(h, "hub.conf"),
	    "--identity", h_cred(h, "panicctl.identity")), 0);
	assert_non_null(strstr(out, "security: 1 message refused (1 in the last"
	    " 24 h)"));
	assert_non_null(strstr(out, "on panic/t/counter/c1/event: event counter"
	    " differs from topic"));
	free(out);
}

/* A pager's identity cannot answer as another person: not on their reply
 * topic (the broker), not by naming them on its own (the hub). */
static void
test_tls_pager_identity(void **state)
{
	struct harness *h = *state;
	char incident[PROTO_ID_MAX], why[320], buf[512];
	struct mqtt *m;
	size_t pages, feedback;

	real_incident(h, incident, sizeof incident);
	pages = h_count(h, PAGES);
	feedback = h_count(h, FEEDBACK);
	m = as_user(h, "pager-bak", NULL, why, sizeof why);
	assert_true(mqtt_is_connected(m));
	ack_json(buf, sizeof buf, incident, "sup");
	publish_acked(m, "panic/t/pager/sup/reply", buf);
	publish_acked(m, "panic/t/pager/bak/reply", buf);
	assert_true(h_wait_log(h, "hubd", "refused (security, 1 so far): reply"
	    " person differs from topic", 5000));
	/* nor can it write the hub's words to the desk */
	publish_acked(m, "panic/t/counter/c1/feedback", "{\"v\":1}");
	mqtt_disconnect(m, 500);
	mqtt_free(m);
	assert_int_equal(h_count(h, "panic/t/pager/sup/reply"), 0);
	assert_int_equal(h_count(h, FEEDBACK), feedback);
	untouched(h, incident, pages, feedback);
}

/* No login without a known identity and its password; no broker without
 * the branch's CA. */
static void
test_tls_unknown_identity_and_wrong_ca(void **state)
{
	struct harness *h = *state;
	char incident[PROTO_ID_MAX], why[320], pw[64];
	struct mqtt_opts o = { .clean_session = 1, .reconnect_min_ms = 60000 };
	struct mqtt *m;
	size_t pages, feedback;

	real_incident(h, incident, sizeof incident);
	pages = h_count(h, PAGES);
	feedback = h_count(h, FEEDBACK);

	/* a name the broker does not know */
	assert_non_null(h_write(h, "creds/intruder.pass", "guess\n"));
	m = as_user(h, "intruder", NULL, why, sizeof why);
	assert_false(mqtt_is_connected(m));
	assert_non_null(strstr(why, "connect failed"));
	mqtt_free(m);
	/* a known name with a wrong password */
	assert_non_null(h_write(h, "creds/wrong.pass", "guess\n"));
	assert_int_equal(h_tls_opts(h, "wrong", NULL, &o, pw, sizeof pw), 0);
	o.username = "pager-sup";
	o.client_id = "t-wrong-password";
	assert_non_null(m = mqtt_new(&o));
	assert_int_equal(mqtt_connect(m), 0);
	h_pump(h, 1000);
	assert_false(mqtt_is_connected(m));
	mqtt_free(m);

	/* a broker whose certificate is not from the CA we trust: another
	 * branch's CA stands in for an impostor's */
	{
		char script[600], ctl[600];

		snprintf(script, sizeof script, "%s/tools/branch-credentials",
		    h->top);
		snprintf(ctl, sizeof ctl, "%s/panicctl", h->bindir);
		assert_int_equal(h_run(h, "credentials", 20000, script, "-c",
		    h_path(h, "hub.conf"), "-o", h_path(h, "other"),
		    "--panicctl", ctl, (char *)NULL), 0);
	}
	m = as_user(h, "pager-sup", h_path(h, "other/ca.crt"), why, sizeof why);
	assert_false(mqtt_is_connected(m));
	/* Paho says "TLS connect failure" or "socket error", by timing; the
	 * broker's log says why: we refused its certificate */
	assert_non_null(strstr(why, "connect failed"));
	assert_true(h_wait_log(h, "mosquitto", "alert unknown ca", 2000));
	mqtt_free(m);
	untouched(h, incident, pages, feedback);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_tls_help_call),
		T(test_tls_board_identity),
		T(test_tls_pager_identity),
		T(test_tls_unknown_identity_and_wrong_ca),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
