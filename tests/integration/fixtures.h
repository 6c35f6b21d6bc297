/* fixtures.h: configs for the real daemons in integration tests, written
 * into the harness's temporary directory. Site "t", prefix "panic". */
#ifndef PANIC_FIXTURES_H
#define PANIC_FIXTURES_H

#include "harness.h"

#define FX_SITE "t"

/* Write <counter>.conf for counterd: sim backend on <counter>.sock, outbox
 * <counter>.db, one button "main" (short help, long emergency after 600 ms)
 * and a desk light "desk"; extra is appended inside the file (top-level
 * keys only). Returns the path. */
const char *fx_counter_conf(struct harness *h, const char *counter,
    const char *extra);

/* Start counterd for counter (config already written) and wait for its
 * retained "online" status. Returns the pid or -1. */
pid_t fx_counter_start(struct harness *h, const char *counter);

/* Press counter's button "main" through panicctl (hold_ms). Returns 0/-1. */
int fx_press(struct harness *h, const char *counter, int hold_ms);

/* Wait for the next event of counter and decode it. Returns 0/-1. */
struct proto_event;
int fx_next_event(struct harness *h, const char *counter,
    struct proto_event *ev, int timeout_ms);

/* Write hub.conf for hubd: database hub.db, one zone "A" covered all week
 * by supervisor "sup" with backup "bak", manager "mgr", security "sec",
 * facility "fac", responder "r2", team "response" (sup, bak, r2); counter
 * "c1" (label 1番窓口) in zone A. policies is the text of the policies list
 * (NULL: help = sup, bak, role:manager, each step_ms; emergency = team
 * response and role security at once, 2 responders). Returns the path. */
const char *fx_hub_conf(struct harness *h, int step_ms, const char *policies,
    const char *extra);

/* Where and when a hub.conf's people work: the site's time zone, and the
 * bodies of its zones, counters, shifts and exceptions lists (exceptions
 * NULL: none). */
struct fx_sched {
	const char *timezone;
	const char *zones;
	const char *counters;
	const char *shifts;
	const char *exceptions;
};

/* fx_hub_conf with the schedule sc instead of zone A in UTC covered all
 * week by sup and bak. Returns the path. */
const char *fx_hub_conf_sched(struct harness *h, int step_ms,
    const char *policies, const struct fx_sched *sc);

/* fx_hub_conf with notify lists: notify holds pairs of a person's id and
 * the body of their notify list ("{ channel = \"x\"; to = \"y\"; }"),
 * ended by NULL; extra may define the channels. Returns the path. */
const char *fx_hub_conf_notify(struct harness *h, int step_ms,
    const char *policies, const char *const *notify, const char *extra);

/* Start hubd (config already written) and wait for its retained online
 * status. Returns the pid or -1. */
pid_t fx_hub_start(struct harness *h);

/* Wait for the next message on person's pager topic and decode it. */
struct proto_page;
int fx_next_page(struct harness *h, const char *person, struct proto_page *pg,
    int timeout_ms);

/* Reply as person (on their pager's reply topic). category is ignored
 * unless action is resolve. Returns 0/-1. */
int fx_reply(struct harness *h, const char *person, const char *incident,
    int action, int category, const char *note);

/* Wait for the next feedback message to counter; decode it. */
struct proto_feedback;
int fx_next_feedback(struct harness *h, const char *counter,
    struct proto_feedback *fb, int timeout_ms);


/* ---- added for the hub's integration tests ----------------------------- */

/* Write <counter>.conf like fx_counter_conf, but with heartbeat_s, broker
 * keepalive_s = 10, and the given bodies of the buttons and outputs lists
 * (NULL: those of fx_counter_conf). Returns the path. */
const char *fx_counter_conf_with(struct harness *h, const char *counter,
    int heartbeat_s, const char *buttons, const char *outputs);

/* Press counter's button named button through panicctl (hold_ms).
 * Returns 0/-1. */
int fx_press_button(struct harness *h, const char *counter,
    const char *button, int hold_ms);

/* Wait for the next maintenance message to person; decode it. */
struct proto_maint;
int fx_next_maint(struct harness *h, const char *person,
    struct proto_maint *mt, int timeout_ms);

/* Wait for the next state feedback to counter with this state and acks,
 * skipping receipts and other states; decode it into fb. Returns 0/-1. */
int fx_wait_state(struct harness *h, const char *counter, int state,
    uint32_t acks, struct proto_feedback *fb, int timeout_ms);

/* Encode ev and publish it (QoS 1) on the event topic of topic_counter,
 * which may differ from ev->counter (a forgery). Returns 0/-1. */
int fx_publish_event(struct harness *h, const char *topic_counter,
    const struct proto_event *ev);

/* A help press at counter, published as its board would under the given
 * boot id (16 hex digits) with this seq, stamped now. Returns 0/-1. */
int fx_publish_help(struct harness *h, const char *counter, const char *boot,
    uint64_t seq);

/* Publish rp (QoS 1) on the reply topic of topic_person, which may differ
 * from rp->person (a forgery). Returns 0/-1. */
struct proto_reply;
int fx_publish_reply(struct harness *h, const char *topic_person,
    const struct proto_reply *rp);

/* ---- added for panicctl's integration tests ----------------------------- */

/* Start `panicctl pager PERSON -c hub.conf` with its standard input on a
 * FIFO in the temp dir (so it reads commands a line at a time, as from any
 * pipe) and its output in pager.log. *feed is the FIFO's write end: write
 * command lines to it, close it to end the console's input. Returns the
 * pid or -1. */
pid_t fx_pager_start(struct harness *h, const char *person, int *feed);

/* ---- added for the counterd review tests --------------------------------- */

/* Publish fb (QoS 1, not retained) on counter's feedback topic, as hubd
 * would. Returns 0/-1. */
int fx_publish_feedback(struct harness *h, const char *counter,
    const struct proto_feedback *fb);

/* Play hubd's retained status: online 1 or 0 (its Last Will), kept
 * across broker restarts (h_retain). Tests that play the hub call it, as
 * a board shows "not ready" while no hub status is on the broker. */
int fx_play_hub_status(struct harness *h, int online);

/* ---- shared steps of the test programs ----------------------------------- */

/* A cmocka setup: start a harness into *state and run prepare on it (if
 * not NULL); on failure free it (cmocka skips the teardown of a failed
 * setup). Returns 0/-1. */
int fx_setup(void **state, int (*prepare)(struct harness *));
/* The matching teardown: h_free(*state). */
int fx_teardown(void **state);

/* A prepare for fx_setup: write c1.conf with fx_counter_conf (no extra).
 * Returns 0/-1. */
int fx_prepare_c1(struct harness *h);
/* fx_setup with fx_prepare_c1. */
int fx_setup_c1(void **state);

/* Write c1.conf (fx_counter_conf) and hub.conf (fx_hub_conf, default
 * policies), start hubd, then counterd c1. Returns 0/-1. */
int fx_start_c1_hub(struct harness *h, int step_ms);

/* How many pages person has had so far (the observer pumped first). */
size_t fx_pages_to(struct harness *h, const char *person);

/* The line of s that starts with prefix, copied into buf; NULL if none. */
char *fx_line_of(const char *s, const char *prefix, char *buf, size_t size);

/* Split a table line into its columns (runs of spaces separate); at most
 * max of them into w. Returns how many. */
int fx_words(char *line, char **w, int max);

/* ---- added for the fault-injection driver (tests/faults) ---------------- */

#define FX_BOARDS_MAX 8

/* hub.conf as fx_hub_conf with default policies, but with counters c1 ..
 * c<nboards> (at most FX_BOARDS_MAX), all in zone A. Returns the path. */
const char *fx_hub_conf_boards(struct harness *h, int step_ms, int nboards);

/* Start hubd (hub.conf) without waiting for anything: the broker may be
 * down. Log hubd.log. Returns the pid or -1. */
pid_t fx_hub_spawn(struct harness *h);

/* Start counterd for counter (<counter>.conf) without waiting: the broker
 * may be down. Log counterd-<counter>.log. Returns the pid or -1. */
pid_t fx_board_spawn(struct harness *h, const char *counter);

/* fx_board_spawn, then wait for the board's retained online status.
 * Returns the pid or -1. */
pid_t fx_board_start(struct harness *h, const char *counter);

/* Send one edge to counter's sim socket: button at physical level, dated
 * t_ns on CLOCK_MONOTONIC. Returns 0, or -1 with errno (ECONNREFUSED or
 * ENOENT: no counterd reads the socket, so nothing was pressed). */
int fx_sim_edge(struct harness *h, const char *counter, const char *button,
    int level, int64_t t_ns);

#endif
