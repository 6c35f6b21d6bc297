/* web_page.h: the HTML of the acknowledgement pages — Japanese first,
 * English below, big buttons, no JavaScript, no outside resources, one
 * inline style sheet (allowed by its hash). Pure: a view in, HTML out. */
#ifndef HUB_WEB_PAGE_H
#define HUB_WEB_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define WEB_PEOPLE_MAX	16	/* shown on a page */

/* A growing output buffer; on out of memory it stops growing and says so
 * in failed (the caller answers 500). */
struct wbuf {
	char *p;
	size_t len, cap;
	int failed;
};

void wbuf_put(struct wbuf *b, const char *s, size_t n);
void wbuf_puts(struct wbuf *b, const char *s);
void wbuf_printf(struct wbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s, HTML-escaped (& < > " '), for text and attribute values alike. */
void wbuf_esc(struct wbuf *b, const char *s);
void wbuf_free(struct wbuf *b);

/* The one style sheet, inline in every page; its CSP hash is taken once. */
extern const char web_page_css[];

enum web_pstate { WEB_P_PAGED, WEB_P_ACKED, WEB_P_ON_SCENE, WEB_P_DECLINED,
	WEB_P_STOOD_DOWN };

struct web_pview {
	const char *name;		/* display name */
	enum web_pstate state;
};

/* Everything one incident page shows. Strings are raw text: the page
 * escapes them. */
struct web_view {
	const char *label, *location, *counter;
	const char *incident;
	enum proto_kind kind;
	enum proto_istate state;
	enum proto_category category;	/* once resolved */
	int64_t elapsed_ms;		/* since the hub received the press;
					   closed: until it closed */
	const char *resolved_by;	/* a name, "" at the counter, NULL
					   while open */
	const char *person_name;	/* whose link this is */
	int person_acked, person_on_scene;
	struct web_pview people[WEB_PEOPLE_MAX];
	unsigned npeople;
	int open;			/* the forms are shown */
	const char *nonce, *token;	/* form token fields */
	int64_t issued_s;
	const char *msg_ja, *msg_en;	/* a banner: the result of an action */
	int msg_err;			/* ... or why the form was refused */
	const char *note_typed;		/* a refused form's note, kept */
	enum proto_category category_typed;	/* and its category */
	int refresh_s;			/* reload every so often; 0: never */
	int show_resolve;		/* the resolve form even before the
					   person acknowledged (?resolve) */
};

/* The incident page (with v->msg_* as a banner when set). */
void web_page_incident(struct wbuf *b, const struct web_view *v);
/* A refusal or error page: a heading in both languages and a line. */
void web_page_error(struct wbuf *b, const char *ja, const char *en);

/* Names for people: "応援要請 / Help", ... */
const char *web_kind_ja(enum proto_kind k);
const char *web_category_ja(enum proto_category c);

#endif
