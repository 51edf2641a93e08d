/* result.c: see result.h. */
#include "result.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const struct {
	enum tc_outcome o;
	const char *name;
} outcome_names[] = {
	{ TC_OUT_NONE, "none" },
	{ TC_OUT_PASS, "pass" },
	{ TC_OUT_FAIL, "fail" },
	{ TC_OUT_ERROR, "error" },
	{ TC_OUT_TIMEOUT, "timeout" },
	{ TC_OUT_SKIP, "skip" },
	{ TC_OUT_LATE, "late" },
	{ 0, NULL },
};

const char *tc_outcome_name(enum tc_outcome o)
{
	for (int i = 0; outcome_names[i].name; i++)
		if (outcome_names[i].o == o)
			return outcome_names[i].name;
	return "?";
}

int tc_outcome_parse(const char *s)
{
	for (int i = 0; outcome_names[i].name; i++)
		if (!strcmp(outcome_names[i].name, s))
			return (int)outcome_names[i].o;
	return -1;
}

static const char *const label_names[] = {
	[TC_LABEL_NOT_RUN] = "-",
	[TC_LABEL_PASS] = "pass",
	[TC_LABEL_FLAKY] = "flaky",
	[TC_LABEL_XPASS] = "xpass",
	[TC_LABEL_FAIL] = "fail",
	[TC_LABEL_ERROR] = "error",
	[TC_LABEL_TIMEOUT] = "timeout",
	[TC_LABEL_XFAIL] = "xfail",
	[TC_LABEL_SKIP] = "skip",
	[TC_LABEL_LATE] = "late",
};

const char *tc_label_name(enum tc_label l)
{
	if ((unsigned)l < sizeof(label_names) / sizeof(label_names[0]))
		return label_names[l];
	return "?";
}

enum tc_label tc_case_label(const struct tc_case *c)
{
	switch (c->outcome) {
	case TC_OUT_NONE:
		return TC_LABEL_NOT_RUN;
	case TC_OUT_SKIP:
		return TC_LABEL_SKIP;
	case TC_OUT_LATE:
		return TC_LABEL_LATE;
	case TC_OUT_PASS:
		if (c->judgement == TC_BL_DIFF && c->bl_outcome >= 0 &&
		    c->bl_outcome != TC_OUT_PASS)
			return TC_LABEL_XPASS;
		return c->flaky ? TC_LABEL_FLAKY : TC_LABEL_PASS;
	case TC_OUT_FAIL:
	case TC_OUT_ERROR:
	case TC_OUT_TIMEOUT:
		if (c->judgement == TC_BL_SAME)
			return TC_LABEL_XFAIL;
		return c->outcome == TC_OUT_FAIL ? TC_LABEL_FAIL :
		       c->outcome == TC_OUT_ERROR ? TC_LABEL_ERROR : TC_LABEL_TIMEOUT;
	}
	return TC_LABEL_NOT_RUN;
}

/* ---- event record ---------------------------------------------------- */

struct tc_rec_event *tc_record_add(struct tc_record *r)
{
	struct tc_rec_event *ev;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ev = xrealloc(r->ev, (size_t)r->cap * sizeof(*r->ev));
	}
	ev = &r->ev[r->n++];
	memset(ev, 0, sizeof(*ev));
	ev->due_us = ev->due_end_us = ev->at_us = ev->end_us = -1;
	return ev;
}

void tc_rec_set(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

void tc_record_release(struct tc_record *r)
{
	for (int i = 0; i < r->n; i++) {
		free(r->ev[i].expected);
		free(r->ev[i].actual);
		free(r->ev[i].field);
		free(r->ev[i].message);
	}
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

/* A string field: "-" for NULL, else '=' and the text, control
 * characters (tabs and newlines included) as spaces. */
static void put_str(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\t');
	if (!s) {
		strbuf_addch(out, '-');
		return;
	}
	strbuf_addch(out, '=');
	for (; *s; s++)
		strbuf_addch(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

void tc_record_write(const struct tc_record *r, struct strbuf *out)
{
	for (int i = 0; i < r->n; i++) {
		const struct tc_rec_event *e = &r->ev[i];

		strbuf_addf(out, "E\t%d\t%d\t%c\t%d\t%d\t%" PRId64 "\t%" PRId64 "\t%" PRId64
			    "\t%" PRId64 "\t%" PRId64, e->line, e->col,
			    e->kind ? e->kind : '?', e->failed, e->any_time, e->due_us,
			    e->due_end_us, e->tol_us, e->at_us, e->end_us);
		put_str(out, e->expected);
		put_str(out, e->actual);
		put_str(out, e->field);
		put_str(out, e->message);
		strbuf_addch(out, '\n');
	}
}

/* The next tab-separated field of *p (cut in place), or NULL at the end. */
static char *next_field(char **p)
{
	char *f = *p, *tab;

	if (!f)
		return NULL;
	tab = strchr(f, '\t');
	if (tab) {
		*tab = '\0';
		*p = tab + 1;
	} else {
		*p = NULL;
	}
	return f;
}

static bool get_i64(char **p, int64_t *v)
{
	char *f = next_field(p), *end;

	if (!f || !*f)
		return false;
	errno = 0;
	*v = strtoll(f, &end, 10);
	return !*end && !errno;
}

static bool get_str(char **p, char **v)
{
	char *f = next_field(p);

	if (!f || (f[0] != '-' && f[0] != '='))
		return false;
	*v = f[0] == '=' ? xstrdup(f + 1) : NULL;
	return true;
}

static bool read_line(struct tc_rec_event *e, char *p)
{
	int64_t v[5], line, col, failed, any;
	char *kind;

	if (!next_field(&p) || !get_i64(&p, &line) ||
	    !get_i64(&p, &col) || !(kind = next_field(&p)) || strlen(kind) != 1 ||
	    !get_i64(&p, &failed) || !get_i64(&p, &any))
		return false;
	for (int i = 0; i < 5; i++)
		if (!get_i64(&p, &v[i]))
			return false;
	e->line = (int)line;
	e->col = (int)col;
	e->kind = kind[0];
	e->failed = failed != 0;
	e->any_time = any != 0;
	e->due_us = v[0];
	e->due_end_us = v[1];
	e->tol_us = v[2];
	e->at_us = v[3];
	e->end_us = v[4];
	return get_str(&p, &e->expected) && get_str(&p, &e->actual) &&
	       get_str(&p, &e->field) && get_str(&p, &e->message);
}

void tc_record_read(struct tc_record *r, const char *text)
{
	char *copy = xstrdup(text), *line = copy, *nl;

	for (; line && *line; line = nl) {
		struct tc_rec_event *e;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (strncmp(line, "E\t", 2))
			continue;
		e = tc_record_add(r);
		if (!read_line(e, line)) {
			free(e->expected);
			free(e->actual);
			free(e->field);
			free(e->message);
			r->n--;
		}
	}
	free(copy);
}
