/* web.h: the one-tap acknowledgement server — libmicrohttpd driven from
 * the hub's own poll loop (no threads of its own). The only file that
 * includes <microhttpd.h>. docs/WEB-ACK.md describes it. */
#ifndef HUB_WEB_H
#define HUB_WEB_H

#include <stddef.h>
#include <stdint.h>

struct hub;
struct hub_fdsrc;

/* Start listening when the config has a web section (h->web stays NULL
 * without one). The key must be loaded (conf_web_key_load). 0, or -1 with
 * the reason in err. */
int web_start(struct hub *h, char *err, size_t errlen);
/* Its place in the hub's poll loop (hub.h: struct hub_fdsrc): the
 * server's epoll descriptor and connection deadlines; serves what is ready
 * and never blocks. A source that does nothing without a web section. */
void web_fdsrc(struct hub *h, struct hub_fdsrc *src);
/* Close every connection and free (shutdown). */
void web_stop(struct hub *h);

#endif
