/* writer.c: see writer.h. */
#include "writer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- escaping ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	int n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * Write s, passing valid UTF-8 sequences through as they are, writing
 * invalid for a byte that starts none, and handing every ASCII byte to
 * ascii, which escapes it for the format at hand.
 */
static void put_text(FILE *f, const char *s, const char *invalid,
		     void (*ascii)(FILE *f, unsigned char c))
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			fputs(invalid, f);
			p++;
		} else if (n > 1) {
			fwrite(p, 1, (size_t)n, f);
			p += n;
		} else {
			ascii(f, *p++);
		}
	}
}

static void xml_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&apos;", f); break;
	default:
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fputc('?', f);
		else
			fputc(c, f);
	}
}

static void json_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '"': fputs("\\\"", f); break;
	case '\\': fputs("\\\\", f); break;
	case '\n': fputs("\\n", f); break;
	case '\t': fputs("\\t", f); break;
	case '\r': fputs("\\r", f); break;
	default:
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void indent(FILE *f, int n)
{
	for (int i = 0; i < n; i++)
		fputs("  ", f);
}

/* ---- JSON ----------------------------------------------------------- */

void tc_json_init(struct tc_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before a value: nothing after a key; else the separator of the
 * container it is a member of (none at the top). */
static void json_member(struct tc_json *j)
{
	if (!j->depth)
		return;
	if (j->level[j->depth - 1].any) {
		fputs(j->level[j->depth - 1].lines ? ",\n" : ", ", j->f);
	} else if (j->level[j->depth - 1].lines) {
		fputc('\n', j->f);
	}
	if (j->level[j->depth - 1].lines)
		indent(j->f, j->depth);
	j->level[j->depth - 1].any = true;
}

/* A key already placed its value: only a value in an array (or at the
 * top) needs json_member(). */
static void json_value(struct tc_json *j)
{
	if (j->after_key)
		j->after_key = false;
	else
		json_member(j);
}

static void json_open(struct tc_json *j, char open, char close, bool lines)
{
	json_value(j);
	if (j->depth == TC_WRITER_DEPTH)
		abort();
	fputc(open, j->f);
	j->level[j->depth].lines = lines;
	j->level[j->depth].any = false;
	j->level[j->depth].close = close;
	j->depth++;
}

void tc_json_object(struct tc_json *j, bool lines)
{
	json_open(j, '{', '}', lines);
}

void tc_json_array(struct tc_json *j, bool lines)
{
	json_open(j, '[', ']', lines);
}

void tc_json_end(struct tc_json *j)
{
	if (!j->depth)
		abort();
	j->depth--;
	if (j->level[j->depth].lines) {
		fputc('\n', j->f);
		indent(j->f, j->depth);
	}
	fputc(j->level[j->depth].close, j->f);
}

void tc_json_key(struct tc_json *j, const char *key)
{
	json_member(j);
	fputc('"', j->f);
	put_text(j->f, key, "\\ufffd", json_ascii);
	fputs("\": ", j->f);
	j->after_key = true;
}

void tc_json_str(struct tc_json *j, const char *s)
{
	json_value(j);
	if (!s) {
		fputs("null", j->f);
		return;
	}
	fputc('"', j->f);
	put_text(j->f, s, "\\ufffd", json_ascii);
	fputc('"', j->f);
}

void tc_json_bool(struct tc_json *j, bool b)
{
	json_value(j);
	fputs(b ? "true" : "false", j->f);
}

void tc_json_null(struct tc_json *j)
{
	json_value(j);
	fputs("null", j->f);
}

void tc_json_num(struct tc_json *j, const char *fmt, ...)
{
	va_list ap;

	json_value(j);
	va_start(ap, fmt);
	vfprintf(j->f, fmt, ap);
	va_end(ap);
}

/* ---- XML ------------------------------------------------------------ */

void tc_xml_init(struct tc_xml *x, FILE *f)
{
	memset(x, 0, sizeof(*x));
	x->f = f;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
}

void tc_xml_start(struct tc_xml *x, const char *name)
{
	if (x->depth == TC_WRITER_DEPTH)
		abort();
	if (x->in_tag)
		fputs(">\n", x->f);
	if (x->depth)
		x->level[x->depth - 1].children = true;
	indent(x->f, x->depth);
	fprintf(x->f, "<%s", name);
	x->level[x->depth].name = name;
	x->level[x->depth].children = false;
	x->level[x->depth].text = false;
	x->depth++;
	x->in_tag = true;
}

void tc_xml_attr(struct tc_xml *x, const char *name, const char *value)
{
	fprintf(x->f, " %s=\"", name);
	put_text(x->f, value ? value : "", "?", xml_ascii);
	fputc('"', x->f);
}

void tc_xml_attrf(struct tc_xml *x, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf = xmalloc(n < 0 ? 1 : (size_t)n + 1);
	buf[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tc_xml_attr(x, name, buf);
	free(buf);
}

void tc_xml_text(struct tc_xml *x, const char *text)
{
	if (x->in_tag)
		fputc('>', x->f);
	x->in_tag = false;
	x->level[x->depth - 1].text = true;
	put_text(x->f, text ? text : "", "?", xml_ascii);
}

void tc_xml_end(struct tc_xml *x)
{
	if (!x->depth)
		abort();
	x->depth--;
	if (x->in_tag) {
		fputs("/>\n", x->f);
	} else {
		if (!x->level[x->depth].text)
			indent(x->f, x->depth);
		fprintf(x->f, "</%s>\n", x->level[x->depth].name);
	}
	x->in_tag = false;
}
