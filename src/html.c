/* html.c: see html.h. */
#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "report.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- text ----------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
	    (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
	    (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* Text or attribute value, escaped; at most max characters (0: all),
 * then an ellipsis.  Invalid UTF-8 and control characters other than
 * tab and newline become '?'. */
static void esc_n(struct strbuf *sb, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t chars = 0;

	while (*p) {
		int n = utf8_len(p);

		if (max && chars++ == max) {
			strbuf_addstr(sb, "\xe2\x80\xa6");
			return;
		}
		if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) {
			strbuf_addch(sb, '?');
			p += n ? n : 1;
			continue;
		}
		switch (*p) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&#39;"); break;
		default: strbuf_add(sb, p, (size_t)n); break;
		}
		p += n;
	}
}

static void esc(struct strbuf *sb, const char *s)
{
	esc_n(sb, s, 0);
}

/* A relative URL: every byte but unreserved ones and '/' as %XX. */
static void url(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			strbuf_addch(sb, (char)*p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
}

static void secs(struct strbuf *sb, int64_t us)
{
	if (us < 0)
		strbuf_addstr(sb, "-");
	else
		strbuf_addf(sb, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

/* The path of to relative to the directory from (both absolute, without
 * "." or ".." components). */
static void relative(struct strbuf *sb, const char *from, const char *to)
{
	size_t i = 0, last = 0;

	for (; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			last = i;
	if (!from[i] && to[i] == '/')
		last = i;	/* from is a directory above to */
	for (const char *p = from + last; *p; p++)
		if (*p == '/')
			strbuf_addstr(sb, "../");
	strbuf_addstr(sb, to + last + 1);
}

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}"
	"th.script{font-family:monospace;font-weight:normal}"
	".pass,.xpass,.flaky{background:#d8f5d0}.fail,.error,.timeout{background:#f9c9c4}"
	".xfail{background:#f3e3b3}.skip,.late,.none{background:#e6e6e6}"
	"pre.source{background:#f6f6f6;padding:6px}"
	"pre.source .failing{background:#f9c9c4;font-weight:bold}"
	"td.diff,mark{background:#ff6b5a;color:#000}"
	"tr.failing td{border-color:#d00}"
	"code,.mono{font-family:monospace}"
	"svg{background:#fff;border:1px solid #ccc}"
	"svg text{font-family:monospace;font-size:11px}"
	".host{stroke:#333;stroke-width:2}"
	".band{fill:#cfe3ff;opacity:.6}.failing .band{fill:#ffb3a8}"
	".expected line{stroke:#888;stroke-dasharray:5 3}"
	".actual line{stroke:#1b5fbf;stroke-width:2}"
	".failing .actual line,.failing .bar{stroke:#e00000}"
	".bar{fill:#9bd19b;stroke:#2f7a2f}.command .bar{fill:#f0d28c;stroke:#8a6d1c}"
	"text.diff{fill:#e00000;font-weight:bold}"
	"g.failing text.sum{fill:#b00000}";

static void page_start(struct strbuf *sb, const char *title)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
		      "<head><meta charset=\"utf-8\"/><title>");
	esc(sb, title);
	strbuf_addf(sb, "</title>\n<style>%s</style></head>\n<body>\n", css);
}

static void page_end(struct strbuf *sb)
{
	strbuf_addstr(sb, "</body>\n</html>\n");
}

/* ---- the ladder ----------------------------------------------------- */

#define X_LINE 8	/* line numbers */
#define X_TIME 44	/* times */
#define X_REMOTE 180
#define X_LOCAL 520
#define X_TEXT 540
#define SVG_W 1280
#define Y0 64
#define ROW 34		/* the least room for one event's text */
#define TEXT_MAX 110	/* characters of a summary in the picture */

/* The pixels between two moments dt apart: 6, and 9 more for each
 * doubling above 250 us, at most 60. */
static int gap(int64_t dt)
{
	int g = 6;

	for (int64_t v = dt / 250; v > 0 && g < 60; v >>= 1)
		g += 9;
	return g < 60 ? g : 60;
}

struct axis {
	int64_t *t;
	int *y;
	int n;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void axis_add(int64_t *t, int *n, int64_t v)
{
	if (v >= 0)
		t[(*n)++] = v;
}

/* Every moment the record names, sorted, each with its base y. */
static void axis_make(struct axis *a, const struct tc_record *r)
{
	int n = 0;

	a->t = xcalloc((size_t)r->n * 6 + 1, sizeof(*a->t));
	for (int i = 0; i < r->n; i++) {
		const struct tc_rec_event *e = &r->ev[i];

		if (!e->any_time) {
			axis_add(a->t, &n, e->due_us);
			axis_add(a->t, &n, e->due_end_us);
			if (e->due_us >= 0 && e->kind != TC_REC_SYSCALL)
				axis_add(a->t, &n, e->due_us > e->tol_us ? e->due_us - e->tol_us : 0);
			if (e->due_end_us >= 0 && e->kind != TC_REC_SYSCALL)
				axis_add(a->t, &n, e->due_end_us + e->tol_us);
		}
		axis_add(a->t, &n, e->at_us);
		axis_add(a->t, &n, e->end_us);
	}
	qsort(a->t, (size_t)n, sizeof(*a->t), cmp_i64);
	a->y = xcalloc((size_t)n + 1, sizeof(*a->y));
	a->n = 0;
	for (int i = 0; i < n; i++) {
		if (a->n && a->t[a->n - 1] == a->t[i])
			continue;
		a->t[a->n] = a->t[i];
		a->y[a->n] = a->n ? a->y[a->n - 1] + gap(a->t[a->n] - a->t[a->n - 1]) : 0;
		a->n++;
	}
}

/* The base y of moment t (one of the axis's, or between two). */
static int axis_y(const struct axis *a, int64_t t)
{
	int i;

	if (!a->n || t <= a->t[0])
		return 0;
	for (i = 1; i < a->n && a->t[i] < t; i++)
		;
	if (i == a->n)
		return a->y[a->n - 1];
	return a->y[i - 1] + (int)((a->y[i] - a->y[i - 1]) * (t - a->t[i - 1]) /
				   (a->t[i] - a->t[i - 1]));
}

static const char *kind_name(char k)
{
	switch (k) {
	case TC_REC_IN: return "inbound";
	case TC_REC_OUT: return "outbound";
	case TC_REC_SYSCALL: return "syscall";
	case TC_REC_COMMAND: return "command";
	case TC_REC_CODE: return "code";
	}
	return "event";
}

/* An arrow between the hosts at y, with its line number; cls "expected"
 * or "actual". */
static void arrow(struct strbuf *sb, const struct tc_rec_event *e, const char *cls,
		  int y, const char *tip)
{
	bool in = e->kind == TC_REC_IN;
	int x1 = in ? X_REMOTE : X_LOCAL, x2 = in ? X_LOCAL - 4 : X_REMOTE + 4;

	strbuf_addf(sb, "<g class=\"arrow %s %s line-%d\"><title>", cls,
		    kind_name(e->kind), e->line);
	strbuf_addf(sb, "line %d, %s: ", e->line, cls);
	esc(sb, tip);
	strbuf_addf(sb, "</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#head-%s)\"/>",
		    x1, y, x2, y + 6, cls);
	strbuf_addf(sb, "<text class=\"ln\" x=\"%d\" y=\"%d\">%d</text></g>\n",
		    (X_REMOTE + X_LOCAL) / 2 - 8 + (strcmp(cls, "expected") ? 0 : 40), y - 1,
		    e->line);
}

/* The summary texts right of the local host, from y. */
static void summary(struct strbuf *sb, const struct tc_rec_event *e, int y)
{
	strbuf_addf(sb, "<text class=\"sum\" x=\"%d\" y=\"%d\">%d ", X_TEXT, y + 4, e->line);
	esc_n(sb, e->expected, TEXT_MAX);
	strbuf_addstr(sb, "</text>\n");
	if (e->actual) {
		strbuf_addf(sb, "<text class=\"sum actual-text\" x=\"%d\" y=\"%d\">seen: ",
			    X_TEXT, y + 17);
		esc_n(sb, e->actual, TEXT_MAX);
		strbuf_addstr(sb, "</text>\n");
	}
	if (e->field) {
		strbuf_addf(sb, "<text class=\"diff\" x=\"%d\" y=\"%d\">differs: ", X_REMOTE - 150,
			    y + 17);
		esc_n(sb, e->field, 20);
		strbuf_addstr(sb, "</text>\n");
	} else if (e->failed) {
		strbuf_addf(sb, "<text class=\"diff\" x=\"%d\" y=\"%d\">failed here</text>\n",
			    X_REMOTE - 150, y + 17);
	}
}

/* Event e at y: its band into bands (drawn first, under every arrow),
 * the rest into sb. */
static void ladder_event(struct strbuf *sb, struct strbuf *bands,
			 const struct tc_rec_event *e, const struct axis *a, int shift, int y)
{
	bool packet = e->kind == TC_REC_IN || e->kind == TC_REC_OUT;

	strbuf_addf(sb, "<g class=\"event %s%s line-%d\">\n", kind_name(e->kind),
		    e->failed ? " failing" : "", e->line);
	strbuf_addf(sb, "<text x=\"%d\" y=\"%d\">%d</text><text x=\"%d\" y=\"%d\">",
		    X_LINE, y + 4, e->line, X_TIME, y + 4);
	secs(sb, e->at_us >= 0 ? e->at_us : e->due_us);
	strbuf_addstr(sb, "</text>\n");
	if (packet && !e->any_time && e->due_us >= 0) {
		int top = axis_y(a, e->due_us > e->tol_us ? e->due_us - e->tol_us : 0) + shift;
		int bot = axis_y(a, (e->due_end_us >= 0 ? e->due_end_us : e->due_us) +
				 e->tol_us) + shift;

		strbuf_addf(bands, "<g class=\"%s line-%d\"><rect class=\"band\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>line %d: due ",
			    e->failed ? "failing" : "window", e->line,
			    X_REMOTE, top - 2, X_LOCAL - X_REMOTE, bot - top + 10, e->line);
		secs(bands, e->due_us);
		if (e->due_end_us > e->due_us) {
			strbuf_addch(bands, '~');
			secs(bands, e->due_end_us);
		}
		strbuf_addstr(bands, " s, tolerance ");
		secs(bands, e->tol_us);
		strbuf_addstr(bands, " s</title></rect></g>\n");
	}
	if (packet) {
		if (!e->any_time && e->due_us >= 0 && e->kind == TC_REC_OUT)
			arrow(sb, e, "expected", axis_y(a, e->due_us) + shift, e->expected);
		if (e->at_us >= 0)
			arrow(sb, e, "actual", y, e->actual ? e->actual : e->expected);
		else if (e->kind == TC_REC_IN && e->due_us >= 0)
			arrow(sb, e, "expected", axis_y(a, e->due_us) + shift, e->expected);
	} else {
		int y2 = e->end_us >= 0 ? axis_y(a, e->end_us) + shift : y;

		if (y2 < y + 4)
			y2 = y + 4;
		strbuf_addf(sb, "<g class=\"call line-%d\"><title>line %d: ", e->line,
			    e->line);
		esc(sb, e->expected);
		strbuf_addstr(sb, " (began ");
		secs(sb, e->at_us);
		strbuf_addstr(sb, " s, returned ");
		secs(sb, e->end_us);
		strbuf_addf(sb, " s)</title><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"10\" height=\"%d\"/>"
			    "<text class=\"ln\" x=\"%d\" y=\"%d\">%d</text></g>\n",
			    X_LOCAL - 5, y, y2 - y, X_LOCAL - 30, y + 9, e->line);
	}
	summary(sb, e, y);
	strbuf_addstr(sb, "</g>\n");
}

static void ladder(struct strbuf *sb, const struct tc_record *r)
{
	struct axis a;
	struct strbuf body = STRBUF_INIT, bands = STRBUF_INIT;
	int shift = Y0, prev = Y0 - ROW, bottom = Y0;

	axis_make(&a, r);
	for (int i = 0; i < r->n; i++) {
		const struct tc_rec_event *e = &r->ev[i];
		int64_t t = e->at_us >= 0 ? e->at_us : e->due_us;
		int y = axis_y(&a, t < 0 ? 0 : t) + shift;

		if (y < prev + ROW) {
			shift += prev + ROW - y;
			y = prev + ROW;
		}
		ladder_event(&body, &bands, e, &a, shift, y);
		prev = y;
		if (e->end_us >= 0 && axis_y(&a, e->end_us) + shift > bottom)
			bottom = axis_y(&a, e->end_us) + shift;
		if (y + ROW > bottom)
			bottom = y + ROW;
	}
	bottom += 20;
	strbuf_addf(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"ladder\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		    SVG_W, bottom, SVG_W, bottom);
	strbuf_addstr(sb, "<defs>"
		      "<marker id=\"head-actual\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#1b5fbf\"/></marker>"
		      "<marker id=\"head-expected\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#888\"/></marker>"
		      "</defs>\n");
	strbuf_addf(sb, "<text x=\"%d\" y=\"20\">line</text><text x=\"%d\" y=\"20\">time (s)</text>"
		    "<text x=\"%d\" y=\"20\" text-anchor=\"middle\">remote (tcpconform)</text>"
		    "<text x=\"%d\" y=\"20\" text-anchor=\"middle\">local (kernel under test)</text>"
		    "<text x=\"%d\" y=\"20\">the script's line, and what was seen</text>\n",
		    X_LINE, X_TIME, X_REMOTE, X_LOCAL, X_TEXT + 100);
	strbuf_addf(sb, "<line class=\"host\" x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\"/>"
		    "<line class=\"host\" x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\"/>\n",
		    X_REMOTE, X_REMOTE, bottom - 5, X_LOCAL, X_LOCAL, bottom - 5);
	strbuf_add(sb, bands.buf, bands.len);
	strbuf_add(sb, body.buf, body.len);
	strbuf_addstr(sb, "</svg>\n");
	strbuf_release(&body);
	strbuf_release(&bands);
	free(a.t);
	free(a.y);
}

/* ---- a run's page --------------------------------------------------- */

/* text with the first occurrence of field (a word) and the token after
 * it marked. */
static void marked(struct strbuf *sb, const char *text, const char *field)
{
	const char *hit = NULL, *p = text;
	size_t fl = field ? strlen(field) : 0;

	while (fl && p && (p = strstr(p, field))) {
		bool start = p == text || p[-1] == ' ' || p[-1] == '<' || p[-1] == ',';

		if (start && (p[fl] == ' ' || p[fl] == '\0' || p[fl] == '>' || p[fl] == ',')) {
			hit = p;
			break;
		}
		p += fl;
	}
	if (!hit) {
		esc(sb, text);
		return;
	}
	{
		char *pre = xstrdup(text);
		const char *end = hit + fl;

		pre[hit - text] = '\0';
		if (*end == ' ')
			end += 1 + strcspn(end + 1, " ,>");
		esc(sb, pre);
		free(pre);
		pre = strndup(hit, (size_t)(end - hit));
		strbuf_addstr(sb, "<mark>");
		esc(sb, pre);
		strbuf_addstr(sb, "</mark>");
		free(pre);
		esc(sb, end);
	}
}

static void event_table(struct strbuf *sb, const struct tc_record *r)
{
	strbuf_addstr(sb, "<table class=\"events\"><thead><tr><th>line</th><th>kind</th>"
		      "<th>due (s)</th><th>tolerance (s)</th><th>at (s)</th><th>returned (s)</th>"
		      "<th>script</th><th>seen</th><th>differs</th></tr></thead><tbody>\n");
	for (int i = 0; i < r->n; i++) {
		const struct tc_rec_event *e = &r->ev[i];
		bool t = e->field && !strcmp(e->field, "time");

		strbuf_addf(sb, "<tr%s data-line=\"%d\"><td><a href=\"#L%d\">%d</a></td><td>%s</td><td%s>",
			    e->failed ? " class=\"failing\"" : "", e->line, e->line, e->line,
			    kind_name(e->kind), t ? " class=\"diff\"" : "");
		if (e->any_time) {
			strbuf_addstr(sb, "*");
		} else {
			secs(sb, e->due_us);
			if (e->due_end_us > e->due_us) {
				strbuf_addch(sb, '~');
				secs(sb, e->due_end_us);
			}
		}
		strbuf_addstr(sb, "</td><td>");
		secs(sb, e->any_time ? -1 : e->tol_us);
		strbuf_addf(sb, "</td><td%s>", t ? " class=\"diff\"" : "");
		secs(sb, e->at_us);
		strbuf_addstr(sb, "</td><td>");
		secs(sb, e->end_us);
		strbuf_addstr(sb, "</td><td class=\"mono\">");
		esc(sb, e->expected);
		strbuf_addstr(sb, "</td><td class=\"mono\">");
		if (e->actual)
			marked(sb, e->actual, t ? NULL : e->field);
		strbuf_addstr(sb, "</td><td>");
		esc(sb, e->field);
		if (e->message) {
			strbuf_addstr(sb, e->field ? ": " : "");
			esc(sb, e->message);
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table>\n");
}

/* The line the run failed at: the record's, or the message's
 * "path:LINE:" (a failure before any event), or 0. */
static int failing_line(const struct tc_case *c, const char *path)
{
	size_t n = strlen(path);

	for (int i = 0; c->record && i < c->record->n; i++)
		if (c->record->ev[i].failed)
			return c->record->ev[i].line;
	if (c->message && !strncmp(c->message, path, n) && c->message[n] == ':')
		return atoi(c->message + n + 1);
	return 0;
}

static void source(struct strbuf *sb, const char *path, int bad)
{
	char *text = NULL, *p, *nl;
	size_t len;
	struct tc_error err;
	int line = 1;

	if (tc_read_input(path, "", &text, &len, &err) < 0) {
		strbuf_addstr(sb, "<p>(the script cannot be read now: ");
		esc(sb, err.msg);
		strbuf_addstr(sb, ")</p>\n");
		return;
	}
	strbuf_addstr(sb, "<pre class=\"source\">");
	for (p = text; p && *p; p = nl, line++) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		strbuf_addf(sb, "<span id=\"L%d\"%s>%4d  ", line,
			    line == bad ? " class=\"failing\"" : "", line);
		esc(sb, p);
		strbuf_addstr(sb, "</span>\n");
	}
	strbuf_addstr(sb, "</pre>\n");
	free(text);
}

static void run_page(struct strbuf *sb, const struct tc_suite *s, const struct tc_case *c,
		     const char *pages_dir)
{
	const char *path = s->scripts[c->script];
	const char *label = tc_label_name(tc_case_label(c));
	struct strbuf t = STRBUF_INIT;

	strbuf_addf(&t, "%s (%s)", path, s->columns[c->column].label);
	page_start(sb, t.buf);
	strbuf_release(&t);
	strbuf_addstr(sb, "<p><a href=\"../index.html\">all runs</a></p>\n<h1 class=\"mono\">");
	esc(sb, path);
	strbuf_addstr(sb, "</h1>\n<p>column <b>");
	esc(sb, s->columns[c->column].label);
	strbuf_addf(sb, "</b>, run %d: <span class=\"outcome %s\" id=\"outcome\">%s</span>",
		    c->number, label[0] == '-' ? "none" : label, label[0] == '-' ? "not run" : label);
	strbuf_addf(sb, " in %.3f s, %d attempt%s</p>\n", c->seconds, c->attempts,
		    c->attempts == 1 ? "" : "s");
	if (c->message) {
		strbuf_addstr(sb, "<p class=\"message mono\" id=\"message\">");
		esc(sb, c->message);
		strbuf_addstr(sb, "</p>\n");
	}
	if (c->pcap) {
		char *real = realpath(c->pcap, NULL);

		strbuf_addstr(sb, "<p>capture: <a id=\"pcap\" href=\"");
		if (real) {
			struct strbuf rel = STRBUF_INIT;

			relative(&rel, pages_dir, real);
			url(sb, rel.buf);
			strbuf_release(&rel);
		} else {
			url(sb, c->pcap);
		}
		strbuf_addstr(sb, "\">");
		esc(sb, strrchr(c->pcap, '/') ? strrchr(c->pcap, '/') + 1 : c->pcap);
		strbuf_addstr(sb, "</a></p>\n");
		free(real);
	}
	if (c->record && c->record->n) {
		strbuf_addstr(sb, "<h2>Ladder</h2>\n");
		ladder(sb, c->record);
		strbuf_addstr(sb, "<h2>Events</h2>\n");
		event_table(sb, c->record);
	} else {
		strbuf_addstr(sb, "<p id=\"no-events\">No event ran (the run ended before its first event, or was not made).</p>\n");
	}
	if (c->output.len) {
		strbuf_addstr(sb, "<h2>Output</h2>\n<pre class=\"output\">");
		esc(sb, c->output.buf);
		strbuf_addstr(sb, "</pre>\n");
	}
	strbuf_addstr(sb, "<h2>Script</h2>\n");
	source(sb, path, failing_line(c, path));
	page_end(sb);
}

/* ---- index ---------------------------------------------------------- */

static void index_page(struct strbuf *sb, const struct tc_suite *s,
		       const struct tc_report_info *info)
{
	struct tc_counts n;
	int *at = xcalloc((size_t)s->n_scripts * (size_t)s->n_columns + 1, sizeof(*at));

	tc_report_count(s, &n);
	page_start(sb, "tcpconform report");
	strbuf_addstr(sb, "<h1>tcpconform report</h1>\n<p>kernel ");
	esc(sb, s->kernel_release);
	strbuf_addf(sb, " (%s), tcpconform %s: %d runs, <span id=\"passed\">%d passed</span>, "
		    "<span id=\"failed\">%d failed</span>, %d skipped%s</p>\n",
		    s->machine, info && info->version ? info->version : "", s->n_cases,
		    n.passed, n.failed, n.skipped, s->interrupted ? ", interrupted" : "");
	for (int i = 0; i < s->n_cases; i++)
		at[s->cases[i].script * s->n_columns + s->cases[i].column] = i + 1;
	strbuf_addstr(sb, "<table class=\"matrix\" id=\"matrix\"><thead><tr><th>script</th>");
	for (int k = 0; k < s->n_columns; k++) {
		strbuf_addstr(sb, "<th>");
		esc(sb, s->columns[k].label);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "</tr></thead><tbody>\n");
	for (int i = 0; i < s->n_scripts; i++) {
		strbuf_addstr(sb, "<tr><th class=\"script\">");
		esc(sb, s->scripts[i]);
		strbuf_addstr(sb, "</th>");
		for (int k = 0; k < s->n_columns; k++) {
			const struct tc_case *c = at[i * s->n_columns + k] ?
						  &s->cases[at[i * s->n_columns + k] - 1] : NULL;
			const char *l = c ? tc_label_name(tc_case_label(c)) : "";

			if (!c) {
				strbuf_addstr(sb, "<td></td>");
				continue;
			}
			strbuf_addf(sb, "<td class=\"cell %s\"><a href=\"runs/%d.html\">%s</a></td>",
				    l[0] == '-' ? "none" : l, c->number, l[0] == '-' ? "not run" : l);
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table>\n");
	page_end(sb);
	free(at);
}

/* ---- writing -------------------------------------------------------- */

static int put(int dfd, const char *dir, const char *name, const struct strbuf *sb,
	       struct tc_error *err)
{
	if (tc_replace_at(dfd, name, sb->buf, sb->len) < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot write '%s/%s': %s", dir, name,
				    strerror(errno));
	return 0;
}

int tc_html_write(const char *dir, const struct tc_suite *s,
		  const struct tc_report_info *info, struct tc_error *err)
{
	struct strbuf sb = STRBUF_INIT, pages = STRBUF_INIT;
	char *real = NULL;
	int top, runs = -1, rc = -1;

	top = tc_dir_open(dir, true);
	if (top < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot make directory '%s': %s", dir,
				    strerror(errno));
	runs = tc_subdir_open(top, "runs");
	if (runs < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot make directory '%s/runs': %s", dir,
			     errno == ELOOP || errno == ENOTDIR ?
			     "a symbolic link or not a directory (not followed)" :
			     strerror(errno));
		goto out;
	}
	real = realpath(dir, NULL);
	strbuf_addf(&pages, "%s/runs", real ? real : dir);
	for (int i = 0; i < s->n_cases; i++) {
		char name[32];

		strbuf_reset(&sb);
		run_page(&sb, s, &s->cases[i], pages.buf);
		snprintf(name, sizeof(name), "%d.html", s->cases[i].number);
		if (put(runs, dir, name, &sb, err) < 0)
			goto out;
	}
	strbuf_reset(&sb);
	index_page(&sb, s, info);
	if (put(top, dir, "index.html", &sb, err) < 0)
		goto out;
	rc = 0;
out:
	free(real);
	strbuf_release(&sb);
	strbuf_release(&pages);
	if (runs >= 0)
		close(runs);
	close(top);
	return rc;
}
