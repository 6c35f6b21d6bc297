/* table.h: panicctl's output — a table of typed cells written as aligned
 * text (display width aware: 3番窓口 is 7 columns wide, not 9 bytes), as
 * CSV (RFC 4180, optionally with a UTF-8 BOM so Excel reads it right) or
 * into a JSON document. table.c is the only file of panicctl that includes
 * <cJSON.h>. Text needs LC_CTYPE set to a UTF-8 locale (panicctl's main
 * sets C.UTF-8).
 *
 * Cells are null until set. Setters copy what they are given; when memory
 * runs out the table remembers it and tab_print, tab_csv return -1. */
#ifndef PANICCTL_TABLE_H
#define PANICCTL_TABLE_H

#include <stdint.h>
#include <stdio.h>

struct tab_col {
	const char *title;	/* text header */
	const char *key;	/* CSV header, JSON member */
	int right;		/* align right (numbers) */
	int maxw;		/* text: cut to this many columns; 0 none */
	int dur;		/* durations: the key gets "_s" in CSV
				 * (seconds) and "_ms" in JSON */
};

struct tab;

/* A table with the given columns (cols must outlive it). NULL if out of
 * memory. */
struct tab *tab_new(const struct tab_col *cols, unsigned ncols);
void tab_free(struct tab *t);

/* Append a row of null cells; the setters below fill the last row. */
int tab_row(struct tab *t);
/* The last row is a total: a rule above it in text; tab_json_total. */
void tab_total(struct tab *t);
unsigned tab_nrows(const struct tab *t);

void tab_str(struct tab *t, unsigned col, const char *s);	/* NULL: null */
void tab_int(struct tab *t, unsigned col, int64_t v);
void tab_ms(struct tab *t, unsigned col, int64_t ms);	/* a duration */
void tab_time(struct tab *t, unsigned col, int64_t ms);	/* a moment; 0 null */
void tab_time_ms(struct tab *t, unsigned col, int64_t ms);	/* shown with ms */
/* Text shown for a null cell of this row ("-" unless set). */
void tab_null_text(struct tab *t, unsigned col, const char *text);

/* Aligned text: a header, then a row per line, two spaces between
 * columns. Returns 0 or -1. */
int tab_print(const struct tab *t, FILE *f);
/* RFC 4180: a header of keys, CRLF line ends, fields quoted when they hold
 * a comma, quote, CR or LF. Durations in seconds, moments in local time
 * "YYYY-MM-DD HH:MM:SS[.mmm]", nulls empty. Returns 0 or -1. In JSON,
 * moments are ISO 8601 UTC ("2026-11-28T05:12:03.123Z"). */
int tab_csv(const struct tab *t, FILE *f, int bom);

/* Display columns of UTF-8 s in a terminal (wide characters count 2,
 * combining ones 0; invalid bytes 1 each). */
int tab_width(const char *s);
/* s cut to at most maxw columns, ending in "…" when cut, into buf. */
char *tab_fit(const char *s, int maxw, char *buf, size_t size);

/* ---- JSON ------------------------------------------------------------ */

struct jdoc;	/* a JSON object */

struct jdoc *jdoc_new(void);
void jdoc_free(struct jdoc *d);
/* A member object of d (d owns it); NULL if out of memory. */
struct jdoc *jdoc_obj(struct jdoc *d, const char *key);
/* An array member of d for jdoc_push; returned as an object handle. */
struct jdoc *jdoc_array(struct jdoc *d, const char *key);
/* A new object appended to array a. */
struct jdoc *jdoc_push(struct jdoc *a);
void jdoc_str(struct jdoc *d, const char *key, const char *v);	/* NULL: null */
void jdoc_int(struct jdoc *d, const char *key, int64_t v);
void jdoc_bool(struct jdoc *d, const char *key, int v);
/* ISO 8601 UTC with ms ("2026-11-28T05:12:03.123Z"); 0: null. */
void jdoc_time(struct jdoc *d, const char *key, int64_t ms);
/* A duration in ms under key; has: 0 means null. */
void jdoc_ms(struct jdoc *d, const char *key, int has, int64_t ms);
/* The table's rows (totals left out) as an array of objects under key. */
void jdoc_rows(struct jdoc *d, const char *key, const struct tab *t);
/* The table's total row as an object under key (null if none). */
void jdoc_total(struct jdoc *d, const char *key, const struct tab *t);
/* Write d, indented, and a newline. Returns 0 or -1. */
int jdoc_print(const struct jdoc *d, FILE *f);

#endif
