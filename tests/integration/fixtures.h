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

#endif
