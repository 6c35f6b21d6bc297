/* web_page.c: HTML for the acknowledgement pages. Every piece of text from
 * the config or the incident goes through wbuf_esc. */
#include "web_page.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char web_page_css[] =
    "body{font:18px/1.5 sans-serif;margin:0;padding:12px;max-width:40em;"
    "color:#111;background:#fff}"
    "h1{font-size:1.4em;margin:.2em 0}"
    ".en{color:#555;font-size:.8em;display:block}"
    /* on a coloured ground the English line takes the ground's text
     * colour: grey on green or navy cannot be read */
    "button .en,.emergency .en{color:inherit}"
    ".emergency{background:#b00;color:#fff;padding:.3em .5em}"
    ".banner{background:#e6f4e6;border:2px solid #2a2;padding:.5em;margin:.5em 0}"
    ".err{background:#fde;border:2px solid #b00;padding:.5em}"
    ".where{font-weight:bold;margin:.2em 0}"
    "dl{margin:.5em 0}dt{font-weight:bold;margin-top:.4em}dd{margin:0}"
    "button,select,textarea{font-size:1.1em;width:100%;box-sizing:border-box}"
    "button{min-height:3em;margin:.4em 0;border-radius:8px;border:0;"
    "color:#fff;background:#135}"
    "button.ack{background:#070}button.decline{background:#666}"
    "button.resolve{background:#135}"
    "textarea{height:5em}";

void
wbuf_put(struct wbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
wbuf_puts(struct wbuf *b, const char *s)
{
	wbuf_put(b, s, strlen(s));
}

void
wbuf_printf(struct wbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	/* only short, trusted pieces are formatted; text goes through esc */
	if (n < 0 || (size_t)n >= sizeof tmp) {
		b->failed = 1;
		return;
	}
	wbuf_put(b, tmp, (size_t)n);
}

void
wbuf_esc(struct wbuf *b, const char *s)
{
	for (const char *run = s; ; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		case '\0': wbuf_put(b, run, (size_t)(s - run)); return;
		default: continue;
		}
		wbuf_put(b, run, (size_t)(s - run));
		wbuf_puts(b, e);
		run = s + 1;
	}
}

void
wbuf_free(struct wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Japanese, then English in small type. */
static void
web_two(struct wbuf *b, const char *ja, const char *en)
{
	wbuf_esc(b, ja);
	wbuf_puts(b, "<span class=\"en\">");
	wbuf_esc(b, en);
	wbuf_puts(b, "</span>");
}

const char *
web_kind_ja(enum proto_kind k)
{
	switch (k) {
	case PROTO_KIND_EMERGENCY: return "緊急";
	case PROTO_KIND_TEST: return "訓練";
	default: return "応援要請";
	}
}

static const char *
web_state_ja(enum proto_istate s)
{
	static const char *const ja[PROTO_IST_COUNT] = { "受信", "呼出中",
	    "対応者が向かっています", "現場対応中", "解決済み", "終了" };

	return (unsigned)s < PROTO_IST_COUNT ? ja[s] : "?";
}

const char *
web_category_ja(enum proto_category c)
{
	static const char *const ja[PROTO_CAT_COUNT] = { "未分類",
	    "カスタマーハラスメント", "苦情", "問い合わせ", "誤報", "訓練",
	    "その他" };

	return (unsigned)c < PROTO_CAT_COUNT ? ja[c] : "?";
}

static void
web_head(struct wbuf *b, const char *title, int refresh_s)
{
	wbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"ja\"><head>"
	    "<meta charset=\"utf-8\">");
	/* no script: the browser itself reloads the page */
	if (refresh_s > 0)
		wbuf_printf(b, "<meta http-equiv=\"refresh\" content=\"%d\">",
		    refresh_s);
	wbuf_puts(b, "<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\"><title>");
	wbuf_esc(b, title);
	wbuf_puts(b, "</title><style>");
	wbuf_puts(b, web_page_css);
	wbuf_puts(b, "</style></head><body>\n");
}

void
web_page_error(struct wbuf *b, const char *ja, const char *en)
{
	web_head(b, en, 0);
	wbuf_puts(b, "<div class=\"err\"><h1>");
	web_two(b, ja, en);
	wbuf_puts(b, "</h1><p>");
	web_two(b, "呼び出しの元の通知から開き直すか、責任者に連絡してください。",
	    "Open the link from the original page again, or call the floor "
	    "supervisor.");
	wbuf_puts(b, "</p></div></body></html>\n");
}

static void
web_person_line(struct wbuf *b, const struct web_pview *p)
{
	static const char *const ja[] = { "呼出中", "向かっています",
	    "現場にいます", "対応できません", "待機解除" };
	static const char *const en[] = { "paged", "coming", "on scene",
	    "declined", "stood down" };

	wbuf_puts(b, "<li>");
	wbuf_esc(b, p->name);
	wbuf_printf(b, ": %s <span class=\"en\">%s</span></li>",
	    ja[p->state], en[p->state]);
}

static void
web_facts(struct wbuf *b, const struct web_view *v)
{
	int64_t s = v->elapsed_ms / 1000;

	if (v->resolved_by) {
		wbuf_puts(b, "<dl><dt>解決 <span class=\"en\">Resolved by</span>"
		    "</dt><dd>");
		if (v->resolved_by[0])
			wbuf_esc(b, v->resolved_by);
		else
			web_two(b, "窓口で取り消し", "cancelled at the counter");
		wbuf_printf(b, "</dd><dt>所要時間 <span class=\"en\">Took"
		    "</span></dt><dd>%" PRId64 " 分 %" PRId64 " 秒 <span "
		    "class=\"en\">%" PRId64 " min %" PRId64 " s from the press "
		    "to the close</span></dd>", s / 60, s % 60, s / 60, s % 60);
	} else {
		wbuf_printf(b, "<dl><dt>経過 <span class=\"en\">Elapsed</span>"
		    "</dt><dd>%" PRId64 " 分 %" PRId64 " 秒 <span class=\"en\">%"
		    PRId64 " min %" PRId64 " s since the press</span></dd>",
		    s / 60, s % 60, s / 60, s % 60);
	}
	wbuf_puts(b, "<dt>状態 <span class=\"en\">State</span></dt><dd>");
	web_two(b, web_state_ja(v->state), proto_istate_name(v->state));
	if (v->category != PROTO_CAT_NONE) {
		wbuf_puts(b, "</dd><dt>分類 <span class=\"en\">Outcome</span>"
		    "</dt><dd>");
		web_two(b, web_category_ja(v->category),
		    proto_category_name(v->category));
	}
	wbuf_puts(b, "</dd><dt>ほかの対応者 <span class=\"en\">Who else</span>"
	    "</dt><dd><ul>");
	for (unsigned i = 0; i < v->npeople; i++)
		web_person_line(b, &v->people[i]);
	if (!v->npeople)
		wbuf_puts(b, "<li>—</li>");
	wbuf_puts(b, "</ul></dd></dl>\n");
}

/* <form> with the token fields; the caller closes it. No action: it
 * posts to the page's own URL, whatever path a reverse proxy adds. */
static void
web_form_open(struct wbuf *b, const struct web_view *v)
{
	wbuf_puts(b, "<form method=\"post\"><input type=\"hidden\" name=\"n\""
	    " value=\"");
	wbuf_esc(b, v->nonce);
	wbuf_printf(b, "\"><input type=\"hidden\" name=\"t\" value=\"%" PRId64
	    "\"><input type=\"hidden\" name=\"c\" value=\"", v->issued_s);
	wbuf_esc(b, v->token);
	wbuf_puts(b, "\">");
}

static void
web_button(struct wbuf *b, const char *action, const char *ja,
    const char *en)
{
	wbuf_printf(b, "<button class=\"%s\" name=\"action\" value=\"%s\">",
	    action, action);
	web_two(b, ja, en);
	wbuf_puts(b, "</button>");
}

static void
web_forms(struct wbuf *b, const struct web_view *v)
{
	web_form_open(b, v);
	if (!v->person_acked) {
		web_button(b, "ack", "向かいます（確認）", "Acknowledge: I am coming");
		web_button(b, "decline", "対応できません", "Decline: page the next person");
	}
	if (!v->person_on_scene)
		web_button(b, "on_scene", "現場に着きました", "On scene");
	wbuf_puts(b, "</form>\n");
	/* before they answer, the page reloads itself: a note typed then
	 * would be lost, so the resolve form is a page of its own */
	if (!v->person_acked && !v->show_resolve && !v->msg_err) {
		wbuf_puts(b, "<p><a href=\"?resolve=1\">解決を記録する…<span "
		    "class=\"en\">Record the resolution…</span></a></p>\n");
		return;
	}
	web_form_open(b, v);
	/* nothing preselected: a default would skew the statistics */
	wbuf_printf(b, "<input type=\"hidden\" name=\"action\" value=\"resolve\">"
	    "<label>分類 <span class=\"en\">Category</span><select "
	    "name=\"category\" required><option value=\"\"%s disabled>"
	    "選んでください / choose</option>", v->category_typed ==
	    PROTO_CAT_NONE ? " selected" : "");
	for (int c = PROTO_CAT_NONE + 1; c < PROTO_CAT_COUNT; c++) {
		wbuf_printf(b, "<option value=\"%s\"%s>",
		    proto_category_name((enum proto_category)c),
		    (int)v->category_typed == c ? " selected" : "");
		wbuf_esc(b, web_category_ja((enum proto_category)c));
		wbuf_printf(b, " / %s</option>",
		    proto_category_name((enum proto_category)c));
	}
	/* maxlength counts UTF-16 units: at most the hub's limit in
	 * characters, which the hub checks again */
	wbuf_printf(b, "</select></label><label>メモ（%d文字まで） <span "
	    "class=\"en\">Note, up to %d characters</span><textarea "
	    "name=\"note\" maxlength=\"%d\">", PROTO_NOTE_CHARS,
	    PROTO_NOTE_CHARS, PROTO_NOTE_CHARS);
	if (v->note_typed)
		wbuf_esc(b, v->note_typed);
	wbuf_puts(b, "</textarea></label>");
	web_button(b, "resolve", "解決として記録", "Resolve");
	wbuf_puts(b, "</form>\n");
}

void
web_page_incident(struct wbuf *b, const struct web_view *v)
{
	web_head(b, v->label, v->refresh_s);
	if (v->msg_ja) {
		wbuf_printf(b, "<p class=\"%s\">", v->msg_err ? "err" :
		    "banner");
		web_two(b, v->msg_ja, v->msg_en);
		wbuf_puts(b, "</p>");
	}
	wbuf_printf(b, "<h1%s>", v->kind == PROTO_KIND_EMERGENCY ?
	    " class=\"emergency\"" : "");
	wbuf_esc(b, web_kind_ja(v->kind));
	wbuf_puts(b, ": ");
	wbuf_esc(b, v->label);
	wbuf_printf(b, "<span class=\"en\">%s at ", proto_kind_name(v->kind));
	wbuf_esc(b, v->counter);
	wbuf_puts(b, ", incident ");
	wbuf_esc(b, v->incident);
	wbuf_puts(b, "</span></h1><p class=\"where\">");
	wbuf_esc(b, v->location);
	wbuf_puts(b, "</p><p>");
	wbuf_esc(b, v->person_name);
	wbuf_puts(b, " さん <span class=\"en\">for ");
	wbuf_esc(b, v->person_name);
	wbuf_puts(b, "</span></p>\n");
	/* on a phone the answers come first: the facts can wait below */
	if (v->open)
		web_forms(b, v);
	else
		wbuf_puts(b, "<p>この呼び出しは終了しています。<span class=\"en\">"
		    "This call is over; nothing can be changed here.</span></p>");
	web_facts(b, v);
	/* an empty href reloads this very page, with a GET */
	wbuf_puts(b, "<p><a href=\"\">最新の状態に更新<span class=\"en\">"
	    "Refresh</span></a></p>");
	wbuf_puts(b, "</body></html>\n");
}
