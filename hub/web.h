/* web.h: the one-tap acknowledgement server — libmicrohttpd driven from
 * the hub's own poll loop (no threads of its own). The only file that
 * includes <microhttpd.h>. docs/WEB-ACK.md describes it. */
#ifndef HUB_WEB_H
#define HUB_WEB_H

#include <stddef.h>
#include <stdint.h>

struct hub;

/* Start listening when the config has a web section (h->web stays NULL
 * without one). The key must be loaded (conf_web_key_load). 0, or -1 with
 * the reason in err. */
int web_start(struct hub *h, char *err, size_t errlen);
/* The descriptor to poll for input (-1: none). */
int web_fd(const struct hub *h);
/* Milliseconds until web_run is due without input; -1: none. */
int64_t web_timeout_ms(const struct hub *h);
/* Serve what is ready; never blocks. Actions go through engine_reply in
 * the turn's transaction. */
void web_run(struct hub *h);
/* Close every connection and free (shutdown). */
void web_stop(struct hub *h);

#endif
