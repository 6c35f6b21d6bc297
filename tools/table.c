/* table.c: tables as aligned text, CSV and JSON; see table.h. */
#include "table.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "clock.h"
#include "period.h"

enum tab_type { TAB_NULL, TAB_STR, TAB_INT, TAB_MS, TAB_TIME, TAB_TIME_MS };

struct tab_cell {
	enum tab_type type;
	int64_t i;
	char *s;		/* TAB_STR: the value; TAB_NULL: its text */
};

struct tab_row {
	struct tab_cell *cells;
	int total;
};

struct tab {
	const struct tab_col *cols;
	unsigned ncols;
	struct tab_row *rows;
	unsigned nrows, cap;
	int oom;
};

struct tab *
tab_new(const struct tab_col *cols, unsigned ncols)
{
	struct tab *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

void
tab_free(struct tab *t)
{
	if (!t)
		return;
	for (unsigned r = 0; r < t->nrows; r++) {
		for (unsigned c = 0; c < t->ncols; c++)
			free(t->rows[r].cells[c].s);
		free(t->rows[r].cells);
	}
	free(t->rows);
	free(t);
}

int
tab_row(struct tab *t)
{
	struct tab_row *r;

	if (t->nrows == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 16;
		struct tab_row *n = realloc(t->rows, cap * sizeof *n);

		if (!n) {
			t->oom = 1;
			return -1;
		}
		t->rows = n;
		t->cap = cap;
	}
	r = &t->rows[t->nrows];
	if (!(r->cells = calloc(t->ncols, sizeof *r->cells))) {
		t->oom = 1;
		return -1;
	}
	r->total = 0;
	t->nrows++;
	return 0;
}

void
tab_total(struct tab *t)
{
	if (t->nrows)
		t->rows[t->nrows - 1].total = 1;
}

unsigned
tab_nrows(const struct tab *t)
{
	return t->nrows;
}

/* The cell col of the last row, emptied; NULL if there is none. */
static struct tab_cell *
tab_cell(struct tab *t, unsigned col)
{
	struct tab_cell *c;

	if (!t->nrows || col >= t->ncols)
		return NULL;
	c = &t->rows[t->nrows - 1].cells[col];
	free(c->s);
	c->s = NULL;
	c->type = TAB_NULL;
	return c;
}

void
tab_str(struct tab *t, unsigned col, const char *s)
{
	struct tab_cell *c = tab_cell(t, col);

	if (!c || !s)
		return;
	if (!(c->s = strdup(s)))
		t->oom = 1;
	else
		c->type = TAB_STR;
}

void
tab_int(struct tab *t, unsigned col, int64_t v)
{
	struct tab_cell *c = tab_cell(t, col);

	if (c) {
		c->type = TAB_INT;
		c->i = v;
	}
}

void
tab_ms(struct tab *t, unsigned col, int64_t ms)
{
	struct tab_cell *c = tab_cell(t, col);

	if (c) {
		c->type = TAB_MS;
		c->i = ms;
	}
}

void
tab_time(struct tab *t, unsigned col, int64_t ms)
{
	struct tab_cell *c = tab_cell(t, col);

	if (c && ms) {
		c->type = TAB_TIME;
		c->i = ms;
	}
}

void
tab_time_ms(struct tab *t, unsigned col, int64_t ms)
{
	struct tab_cell *c = tab_cell(t, col);

	if (c && ms) {
		c->type = TAB_TIME_MS;
		c->i = ms;
	}
}

void
tab_null_text(struct tab *t, unsigned col, const char *text)
{
	struct tab_cell *c = tab_cell(t, col);

	if (c && !(c->s = strdup(text)))
		t->oom = 1;
}

int
tab_width(const char *s)
{
	mbstate_t st;
	size_t len = strlen(s);
	int w = 0;

	memset(&st, 0, sizeof st);
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2) {
			/* not UTF-8 (or no UTF-8 locale): a column a byte */
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else {
			if (n == 0)
				break;
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;	/* controls are shown as a space */
		}
		w += cw;
		s += n;
		len -= n;
	}
	return w;
}

char *
tab_fit(const char *s, int maxw, char *buf, size_t size)
{
	static const char ell[] = "…";
	mbstate_t st;
	size_t len = strlen(s), out = 0;
	int w = 0;

	if (maxw <= 0 || tab_width(s) <= maxw) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	memset(&st, 0, sizeof st);
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		int cw = 1;

		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1;
		} else if (n == 0) {
			break;
		} else if (wcwidth(wc) >= 0) {
			cw = wcwidth(wc);
		}
		/* keep one column for the ellipsis */
		if (w + cw > maxw - 1 || out + n + sizeof ell > size)
			break;
		memcpy(buf + out, s, n);
		out += n;
		w += cw;
		s += n;
		len -= n;
	}
	memcpy(buf + out, ell, sizeof ell);
	return buf;
}

/* The text of a cell as a person reads it, into buf. */
static const char *
tab_text(const struct tab_cell *c, char *buf, size_t size)
{
	switch (c->type) {
	case TAB_STR:
		return c->s;
	case TAB_INT:
		snprintf(buf, size, "%lld", (long long)c->i);
		return buf;
	case TAB_MS:
		return clock_fmt_duration(c->i, buf, size);
	case TAB_TIME:
	case TAB_TIME_MS:
		return period_fmt(c->i, c->type == TAB_TIME_MS, buf, size);
	case TAB_NULL:
		break;
	}
	return c->s ? c->s : "-";
}

/* A cell's text for a terminal: controls become spaces, cut to maxw. */
static const char *
tab_show(const struct tab_col *col, const struct tab_cell *c, char *buf,
    size_t size)
{
	char raw[2048], *p;
	const char *s = tab_text(c, raw, sizeof raw);

	if (s != raw)
		snprintf(raw, sizeof raw, "%s", s);
	for (p = raw; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return tab_fit(raw, col->maxw, buf, size);
}

static void
tab_pad(FILE *f, int n)
{
	while (n-- > 0)
		fputc(' ', f);
}

/* One line of the table (r = -1: the header) into lf, unpadded at the
 * end. */
static void
tab_line(const struct tab *t, const int *w, int r, FILE *lf)
{
	char buf[2048];

	for (unsigned c = 0; c < t->ncols; c++) {
		const char *s = r < 0 ? t->cols[c].title :
		    tab_show(&t->cols[c], &t->rows[r].cells[c], buf, sizeof buf);
		int pad = w[c] - tab_width(s);

		if (c)
			fputs("  ", lf);
		if (t->cols[c].right)
			tab_pad(lf, pad);
		fputs(s, lf);
		if (!t->cols[c].right)
			tab_pad(lf, pad);
	}
}

int
tab_print(const struct tab *t, FILE *f)
{
	int *w = calloc(t->ncols ? t->ncols : 1, sizeof *w), total = 0;
	char buf[2048], *line = NULL;
	size_t size = 0;
	FILE *lf;

	if (!w || t->oom) {
		free(w);
		return -1;
	}
	for (unsigned c = 0; c < t->ncols; c++) {
		w[c] = tab_width(t->cols[c].title);
		for (unsigned r = 0; r < t->nrows; r++) {
			int cw = tab_width(tab_show(&t->cols[c],
			    &t->rows[r].cells[c], buf, sizeof buf));

			if (cw > w[c])
				w[c] = cw;
		}
		total += w[c] + (c ? 2 : 0);
	}
	for (int r = -1; r < (int)t->nrows; r++) {
		size_t len;

		if (r >= 0 && t->rows[r].total) {
			for (int i = 0; i < total; i++)
				fputc('-', f);
			fputc('\n', f);
		}
		if (!(lf = open_memstream(&line, &size)))
			break;
		tab_line(t, w, r, lf);
		fclose(lf);
		/* empty cells at the end leave no trailing blanks */
		for (len = strlen(line); len && line[len - 1] == ' '; len--)
			;
		fprintf(f, "%.*s\n", (int)len, line);
		free(line);
		line = NULL;
	}
	free(w);
	return ferror(f) ? -1 : 0;
}

static void
tab_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int
tab_csv(const struct tab *t, FILE *f, int bom)
{
	char buf[64];

	if (t->oom)
		return -1;
	if (bom)
		fputs("\xef\xbb\xbf", f);
	for (unsigned c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', f);
		tab_csv_field(f, t->cols[c].key);
		if (t->cols[c].dur)
			fputs("_s", f);
	}
	fputs("\r\n", f);
	for (unsigned r = 0; r < t->nrows; r++) {
		for (unsigned c = 0; c < t->ncols; c++) {
			const struct tab_cell *cell = &t->rows[r].cells[c];

			if (c)
				fputc(',', f);
			switch (cell->type) {
			case TAB_NULL:
				break;
			case TAB_STR:
				tab_csv_field(f, cell->s);
				break;
			case TAB_INT:
				fprintf(f, "%lld", (long long)cell->i);
				break;
			case TAB_MS:
				fprintf(f, "%.1f", (double)cell->i / 1000.0);
				break;
			case TAB_TIME:
			case TAB_TIME_MS:
				fputs(period_fmt(cell->i, cell->type ==
				    TAB_TIME_MS, buf, sizeof buf), f);
				break;
			}
		}
		fputs("\r\n", f);
	}
	return ferror(f) ? -1 : 0;
}

/* ---- JSON ------------------------------------------------------------ */

/* A struct jdoc is a cJSON node; the type stays opaque to callers. */
#define J(d) ((cJSON *)(void *)(d))

struct jdoc *
jdoc_new(void)
{
	return (struct jdoc *)(void *)cJSON_CreateObject();
}

void
jdoc_free(struct jdoc *d)
{
	cJSON_Delete(J(d));
}

struct jdoc *
jdoc_obj(struct jdoc *d, const char *key)
{
	return d ? (struct jdoc *)(void *)cJSON_AddObjectToObject(J(d), key) :
	    NULL;
}

struct jdoc *
jdoc_array(struct jdoc *d, const char *key)
{
	return d ? (struct jdoc *)(void *)cJSON_AddArrayToObject(J(d), key) :
	    NULL;
}

struct jdoc *
jdoc_push(struct jdoc *a)
{
	cJSON *o;

	if (!a || !(o = cJSON_CreateObject()))
		return NULL;
	if (!cJSON_AddItemToArray(J(a), o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return (struct jdoc *)(void *)o;
}

void
jdoc_str(struct jdoc *d, const char *key, const char *v)
{
	if (!d)
		return;
	if (v)
		cJSON_AddStringToObject(J(d), key, v);
	else
		cJSON_AddNullToObject(J(d), key);
}

void
jdoc_int(struct jdoc *d, const char *key, int64_t v)
{
	if (d)
		cJSON_AddNumberToObject(J(d), key, (double)v);
}

void
jdoc_bool(struct jdoc *d, const char *key, int v)
{
	if (d)
		cJSON_AddBoolToObject(J(d), key, v);
}

void
jdoc_time(struct jdoc *d, const char *key, int64_t ms)
{
	char iso[CLOCK_ISO_LEN];

	jdoc_str(d, key, ms ? clock_iso_format(ms, iso) : NULL);
}

void
jdoc_ms(struct jdoc *d, const char *key, int has, int64_t ms)
{
	if (!d)
		return;
	if (has)
		jdoc_int(d, key, ms);
	else
		cJSON_AddNullToObject(J(d), key);
}

/* Row r of t as members of o. */
static void
jdoc_row(struct jdoc *o, const struct tab *t, unsigned r)
{
	char key[128];

	if (!o)
		return;
	for (unsigned c = 0; c < t->ncols; c++) {
		const struct tab_cell *cell = &t->rows[r].cells[c];

		snprintf(key, sizeof key, "%s%s", t->cols[c].key,
		    t->cols[c].dur ? "_ms" : "");
		switch (cell->type) {
		case TAB_NULL:
			cJSON_AddNullToObject(J(o), key);
			break;
		case TAB_STR:
			jdoc_str(o, key, cell->s);
			break;
		case TAB_INT:
		case TAB_MS:
			jdoc_int(o, key, cell->i);
			break;
		case TAB_TIME:
		case TAB_TIME_MS:
			jdoc_time(o, key, cell->i);
			break;
		}
	}
}

void
jdoc_rows(struct jdoc *d, const char *key, const struct tab *t)
{
	struct jdoc *a = jdoc_array(d, key);

	for (unsigned r = 0; a && r < t->nrows; r++)
		if (!t->rows[r].total)
			jdoc_row(jdoc_push(a), t, r);
}

void
jdoc_total(struct jdoc *d, const char *key, const struct tab *t)
{
	for (unsigned r = 0; r < t->nrows; r++) {
		if (t->rows[r].total) {
			jdoc_row(jdoc_obj(d, key), t, r);
			return;
		}
	}
	if (d)
		cJSON_AddNullToObject(J(d), key);
}

int
jdoc_print(const struct jdoc *d, FILE *f)
{
	char *s = cJSON_Print(J(d));

	if (!s)
		return -1;
	fputs(s, f);
	fputc('\n', f);
	cJSON_free(s);
	return ferror(f) ? -1 : 0;
}
