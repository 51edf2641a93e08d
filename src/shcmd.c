/* shcmd.c: see shcmd.h. */
#include "shcmd.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "netns.h"
#include "proc.h"
#include "strbuf.h"
#include "xalloc.h"

extern char **environ;

/* A file a line names is read whole: defaults.sh is 1.4 KiB. */
#define SH_FILE_MAX 65536
/* No sysctl value is near this; procps writes longer ones in pieces. */
#define SH_VALUE_MAX 1024
#define SH_ARITH_DEPTH 32

/* ---- the recognizer ------------------------------------------------- */

struct lex {
	const char *s;		/* the text */
	size_t i;		/* where we are */
	int line;		/* of s[i] */
	const char *file;	/* for messages: NULL for the command text */
	char *why;		/* plan->why */
	size_t why_size;
};

/* Record why recognition stops; returns -1. */
static int refuse(struct lex *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int refuse(struct lex *lx, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lx->file)
		snprintf(lx->why, lx->why_size, "%s:%d: %s", lx->file, lx->line, msg);
	else
		snprintf(lx->why, lx->why_size, "line %d: %s", lx->line, msg);
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Characters that stand for themselves outside quotes: nothing the shell
 * expands, splits on or treats as an operator (no glob, tilde, brace). */
static bool is_plain(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("_./:=,+@%-", c));
}

/* Where a word or a redirection target ends. */
static bool is_delim(char c)
{
	return !c || is_blank(c) || c == '\n' || c == ';';
}

/* Skip blanks and backslash-newline continuations. */
static void skip_blanks(struct lex *lx)
{
	for (;;) {
		if (is_blank(lx->s[lx->i])) {
			lx->i++;
		} else if (lx->s[lx->i] == '\\' && lx->s[lx->i + 1] == '\n') {
			lx->i += 2;
			lx->line++;
		} else {
			return;
		}
	}
}

/* ---- $((arithmetic)) ---- */

struct arith {
	struct lex *lx;
	const char *p, *end;
	int depth;
};

static int arith_expr(struct arith *a, int64_t *v);

static void arith_blanks(struct arith *a)
{
	while (a->p < a->end && is_blank(*a->p))
		a->p++;
}

static int arith_primary(struct arith *a, int64_t *v)
{
	int64_t n = 0;

	arith_blanks(a);
	if (a->p < a->end && *a->p == '(') {
		a->p++;
		if (arith_expr(a, v) < 0)
			return -1;
		arith_blanks(a);
		if (a->p >= a->end || *a->p != ')')
			return refuse(a->lx, "unbalanced parentheses in $((...))");
		a->p++;
		return 0;
	}
	if (a->p >= a->end || !isdigit((unsigned char)*a->p))
		return refuse(a->lx, "$((...)) holds something other than numbers and + - * / %% ( )");
	/* 010 is octal, 0x10 hex, 2#10 binary to the shell: only decimal. */
	if (*a->p == '0' && a->p + 1 < a->end && isalnum((unsigned char)a->p[1]))
		return refuse(a->lx, "$((...)) has a number that is not plain decimal");
	while (a->p < a->end && isdigit((unsigned char)*a->p)) {
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, *a->p - '0', &n))
			return refuse(a->lx, "$((...)) overflows");
		a->p++;
	}
	if (a->p < a->end && (isalpha((unsigned char)*a->p) || *a->p == '_' || *a->p == '#'))
		return refuse(a->lx, "$((...)) has a number that is not plain decimal");
	*v = n;
	return 0;
}

static int arith_unary(struct arith *a, int64_t *v)
{
	arith_blanks(a);
	if (a->p < a->end && (*a->p == '-' || *a->p == '+')) {
		char op = *a->p++;

		/* ++ and -- are increments to the shell, not two signs. */
		if (a->p < a->end && (*a->p == '-' || *a->p == '+'))
			return refuse(a->lx, "$((...)) has '%c%c'", op, *a->p);
		if (++a->depth > SH_ARITH_DEPTH)
			return refuse(a->lx, "$((...)) nests too deep");
		if (arith_unary(a, v) < 0)
			return -1;
		a->depth--;
		if (op == '-' && __builtin_sub_overflow((int64_t)0, *v, v))
			return refuse(a->lx, "$((...)) overflows");
		return 0;
	}
	return arith_primary(a, v);
}

static int arith_term(struct arith *a, int64_t *v)
{
	if (arith_unary(a, v) < 0)
		return -1;
	for (;;) {
		int64_t r;
		char op;

		arith_blanks(a);
		if (a->p >= a->end || !strchr("*/%", *a->p))
			return 0;
		op = *a->p++;
		if (arith_unary(a, &r) < 0)
			return -1;
		if (op == '*') {
			if (__builtin_mul_overflow(*v, r, v))
				return refuse(a->lx, "$((...)) overflows");
		} else {
			if (r == 0)
				return refuse(a->lx, "$((...)) divides by zero");
			if (*v == INT64_MIN && r == -1)
				return refuse(a->lx, "$((...)) overflows");
			*v = op == '/' ? *v / r : *v % r;
		}
	}
}

static int arith_expr(struct arith *a, int64_t *v)
{
	if (++a->depth > SH_ARITH_DEPTH)
		return refuse(a->lx, "$((...)) nests too deep");
	if (arith_term(a, v) < 0)
		return -1;
	for (;;) {
		int64_t r;
		char op;

		arith_blanks(a);
		if (a->p >= a->end || (*a->p != '+' && *a->p != '-')) {
			a->depth--;
			return 0;
		}
		op = *a->p++;
		if (a->p < a->end && *a->p == op)
			return refuse(a->lx, "$((...)) has '%c%c'", op, op);
		if (arith_term(a, &r) < 0)
			return -1;
		if (op == '+' ? __builtin_add_overflow(*v, r, v) :
				__builtin_sub_overflow(*v, r, v))
			return refuse(a->lx, "$((...)) overflows");
	}
}

/* At "$((": evaluate up to the matching "))" and append the value. */
static int read_arith(struct lex *lx, struct strbuf *w)
{
	const char *start = lx->s + lx->i + 3, *p = start;
	struct arith a = { .lx = lx };
	int depth = 0;
	int64_t v;

	for (;; p++) {
		if (!*p || *p == '\n')
			return refuse(lx, "unterminated $((...))");
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (depth == 0)
				break;
			depth--;
		} else if (!isdigit((unsigned char)*p) && !is_blank(*p) && !strchr("+-*/%", *p)) {
			return refuse(lx, "$((...)) holds something other than numbers and + - * / %% ( )");
		}
	}
	if (p[1] != ')')
		return refuse(lx, "unbalanced parentheses in $((...))");
	a.p = start;
	a.end = p;
	if (arith_expr(&a, &v) < 0)
		return -1;
	arith_blanks(&a);
	if (a.p != a.end)
		return refuse(lx, "$((...)) is not one expression");
	strbuf_addf(w, "%lld", (long long)v);
	lx->i = (size_t)(p + 2 - lx->s);
	return 0;
}

/* ---- words and redirections ---- */

static int read_single(struct lex *lx, struct strbuf *w)
{
	lx->i++;
	for (char c; (c = lx->s[lx->i]) != '\''; lx->i++) {
		if (c < 0x20 || c > 0x7e)
			return refuse(lx, c ? "a quoted string spans lines or holds a control character" :
					  "unterminated quote");
		strbuf_addch(w, c);
	}
	lx->i++;
	return 0;
}

static int read_double(struct lex *lx, struct strbuf *w)
{
	lx->i++;
	for (char c; (c = lx->s[lx->i]) != '"';) {
		if (c == '$' && !strncmp(lx->s + lx->i, "$((", 3)) {
			if (read_arith(lx, w) < 0)
				return -1;
			continue;
		}
		if (c < 0x20 || c > 0x7e)
			return refuse(lx, c ? "a quoted string spans lines or holds a control character" :
					  "unterminated quote");
		if (c == '$' || c == '`' || c == '\\' || c == '!')
			return refuse(lx, "'%c' in a double-quoted string", c);
		strbuf_addch(w, c);
		lx->i++;
	}
	lx->i++;
	return 0;
}

/* One word: plain characters, quoted strings and $((...)), up to a
 * delimiter or a '>'. */
static int read_word(struct lex *lx, struct strbuf *w)
{
	for (;;) {
		char c = lx->s[lx->i];

		if (is_delim(c) || c == '>')
			return 0;
		if (c == '\\' && lx->s[lx->i + 1] == '\n') {
			lx->i += 2;
			lx->line++;
		} else if (c == '\'') {
			if (read_single(lx, w) < 0)
				return -1;
		} else if (c == '"') {
			if (read_double(lx, w) < 0)
				return -1;
		} else if (c == '$' && !strncmp(lx->s + lx->i, "$((", 3)) {
			if (read_arith(lx, w) < 0)
				return -1;
		} else if (is_plain(c)) {
			strbuf_addch(w, c);
			lx->i++;
		} else {
			return refuse(lx, "'%c' is shell syntax that is not applied directly", c);
		}
	}
}

/* At '>' (fd already read): >/dev/null, >&1, >&2. */
static int read_redirect(struct lex *lx, int fd, int *out, int *err)
{
	int *target = fd == 1 ? out : err;

	lx->i++;
	if (lx->s[lx->i] == '&') {
		char d = lx->s[lx->i + 1];

		if ((d != '1' && d != '2') || !is_delim(lx->s[lx->i + 2]))
			return refuse(lx, "a redirection other than >/dev/null, 2>&1 or >&2");
		*target = d == '1' ? *out : *err;
		lx->i += 2;
		return 0;
	}
	skip_blanks(lx);
	if (strncmp(lx->s + lx->i, "/dev/null", 9) || !is_delim(lx->s[lx->i + 9]))
		return refuse(lx, "a redirection other than >/dev/null, 2>&1 or >&2");
	*target = TC_SH_NULL;
	lx->i += 9;
	return 0;
}

/* A simple command's words and redirections. */
struct cmd {
	char **w;
	int n, alloc;
	int out, err;
	int line;
};

static void cmd_release(struct cmd *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->w[i]);
	free(c->w);
	memset(c, 0, sizeof(*c));
}

/*
 * Read one simple command, up to its ';' (consumed: *more is set) or its
 * newline (left for the caller).  Returns 1 with c filled, 0 at an empty
 * line (blank or comment; its newline consumed) or the end, -1 when
 * refused.
 */
static int read_cmd(struct lex *lx, struct cmd *c, bool *more)
{
	struct strbuf w = STRBUF_INIT;

	memset(c, 0, sizeof(*c));
	c->out = 1;
	c->err = 2;
	*more = false;
	for (;;) {
		char ch;

		skip_blanks(lx);
		ch = lx->s[lx->i];
		if (ch == '#') {	/* a word that starts with '#': a comment */
			while (lx->s[lx->i] && lx->s[lx->i] != '\n')
				lx->i++;
			ch = lx->s[lx->i];
		}
		if (!ch || ch == '\n' || ch == ';') {
			strbuf_release(&w);
			if (!c->line) {
				if (ch == ';')
					return refuse(lx, "';' with no command before it");
				if (ch == '\n') {
					lx->i++;
					lx->line++;
				}
				return 0;
			}
			if (c->n == 0)
				return refuse(lx, "a redirection with no command");
			if (ch == ';') {
				lx->i++;
				*more = true;
			}
			return 1;
		}
		if (!c->line)
			c->line = lx->line;
		if (isdigit((unsigned char)ch)) {
			size_t j = lx->i;

			while (isdigit((unsigned char)lx->s[j]))
				j++;
			if (lx->s[j] == '>') {
				if (j - lx->i != 1 || (ch != '1' && ch != '2')) {
					strbuf_release(&w);
					return refuse(lx, "a redirection of a descriptor other than 1 or 2");
				}
				lx->i = j;
				if (read_redirect(lx, ch - '0', &c->out, &c->err) < 0) {
					strbuf_release(&w);
					return -1;
				}
				continue;
			}
		}
		if (ch == '>') {
			if (read_redirect(lx, 1, &c->out, &c->err) < 0) {
				strbuf_release(&w);
				return -1;
			}
			continue;
		}
		strbuf_reset(&w);
		if (read_word(lx, &w) < 0) {
			strbuf_release(&w);
			return -1;
		}
		if (c->n + 1 >= c->alloc) {
			c->alloc = c->alloc ? 2 * c->alloc : 8;
			c->w = xrealloc(c->w, (size_t)c->alloc * sizeof(*c->w));
		}
		c->w[c->n++] = xstrdup(w.buf);
		c->w[c->n] = NULL;
	}
}

/* ---- what a command is ---- */

static bool valid_sysctl_key(const char *k, size_t len)
{
	/* procps takes '/' as a separator too, and globs; a leading '-'
	 * means "ignore failure": none of those here. */
	if (len < 2 || len > 200 || k[0] == '.' || k[0] == '-' || k[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (k[i] == '.' && k[i + 1] == '.')
			return false;
		if (!isalnum((unsigned char)k[i]) && !strchr("_-.", k[i]))
			return false;
	}
	return true;
}

static bool valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
		if (n > UINT32_MAX)
			return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

static void action_take_words(struct tc_sh_action *a, struct cmd *c)
{
	a->argv = c->w;
	a->argc = c->n;
	a->out = c->out;
	a->err = c->err;
	a->line = c->line;
	c->w = NULL;
	c->n = 0;
}

static int classify_sysctl(struct lex *lx, struct cmd *c, struct tc_sh_action *a)
{
	int i = 1;

	memset(a, 0, sizeof(*a));
	a->kind = TC_SH_SYSCTL;
	for (; i < c->n && c->w[i][0] == '-'; i++) {
		const char *f = c->w[i];

		if (!strcmp(f, "--quiet")) {
			a->quiet = true;
		} else if (!strcmp(f, "--write")) {
			;
		} else if (f[1] && f[1] != '-' && strspn(f + 1, "qw") == strlen(f + 1)) {
			a->quiet |= strchr(f, 'q') != NULL;
		} else {
			return refuse(lx, "sysctl flag '%s' is not applied directly", f);
		}
	}
	if (i == c->n)
		return refuse(lx, "sysctl with no NAME=VALUE");
	a->keys = xcalloc((size_t)(c->n - i), sizeof(char *));
	a->values = xcalloc((size_t)(c->n - i), sizeof(char *));
	for (; i < c->n; i++) {
		const char *wd = c->w[i], *eq = strchr(wd, '=');
		const char *v = eq ? eq + 1 : NULL;
		size_t vlen = v ? strlen(v) : 0;

		if (wd[0] == '-')
			return refuse(lx, "sysctl flag '%s' after a setting", wd);
		if (!eq || !valid_sysctl_key(wd, (size_t)(eq - wd)))
			return refuse(lx, "sysctl word '%s' is not NAME=VALUE with a plain dotted name", wd);
		/* procps strips blanks around the value; an empty one is
		 * refused by some versions and written by others. */
		if (!vlen || vlen > SH_VALUE_MAX || isspace((unsigned char)v[0]) ||
		    isspace((unsigned char)v[vlen - 1]))
			return refuse(lx, "sysctl value of '%.*s' is empty, long or has blanks around it",
				      (int)(eq - wd), wd);
		a->keys[a->n_settings] = xstrndup(wd, (size_t)(eq - wd));
		a->values[a->n_settings++] = xstrdup(v);
	}
	if (!a->quiet && c->out != TC_SH_NULL)
		return refuse(lx, "sysctl without -q prints each setting");
	return 0;
}

static int classify_tc(struct lex *lx, struct cmd *c, struct tc_sh_action *a)
{
	char **w = c->w;

	memset(a, 0, sizeof(*a));
	a->kind = TC_SH_QDISC;
	if (c->n < 7 || strcmp(w[1], "qdisc") || (strcmp(w[2], "add") && strcmp(w[2], "replace")) ||
	    strcmp(w[3], "dev") || strcmp(w[5], "root"))
		return refuse(lx, "only 'tc qdisc add|replace dev DEV root pfifo|fq' is applied directly");
	if (!valid_ifname(w[4]))
		return refuse(lx, "tc device name '%s'", w[4]);
	a->replace = !strcmp(w[2], "replace");
	snprintf(a->dev, sizeof(a->dev), "%s", w[4]);
	if (!strcmp(w[6], "pfifo") && c->n == 7) {
		a->qdisc = "pfifo";
	} else if (!strcmp(w[6], "pfifo") && c->n == 9 && !strcmp(w[7], "limit") &&
		   parse_u32(w[8], &a->limit) == 0) {
		a->qdisc = "pfifo";
		a->has_limit = true;
	} else if (!strcmp(w[6], "fq") && c->n == 7) {
		a->qdisc = "fq";
	} else {
		return refuse(lx, "only 'tc qdisc add|replace dev DEV root pfifo [limit N]|fq' is applied directly");
	}
	return 0;
}

static void parse_into(struct tc_sh_plan *plan, const char *text, const char *file,
		       int depth, size_t *rest, char *why, size_t why_size);

static void plan_add(struct tc_sh_plan *plan, struct tc_sh_action *a)
{
	plan->actions = xrealloc(plan->actions, (size_t)(plan->n + 1) * sizeof(*a));
	plan->actions[plan->n++] = *a;
	memset(a, 0, sizeof(*a));
}

static void action_release(struct tc_sh_action *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	for (int i = 0; i < a->n_settings; i++) {
		free(a->keys[i]);
		free(a->values[i]);
	}
	free(a->keys);
	free(a->values);
	memset(a, 0, sizeof(*a));
}

/* Read the file a line names, as the kernel and bash would run it. */
static int read_script_file(struct lex *lx, const char *path, struct strbuf *out)
{
	struct stat st;
	char buf[4096];
	const char *p, *interp;
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return refuse(lx, "'%s' is not an executable regular file", path);
	if (st.st_size > SH_FILE_MAX)
		return refuse(lx, "'%s' is too long to read", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return refuse(lx, "cannot read '%s': %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out->len + (size_t)n > SH_FILE_MAX) {
			close(fd);
			return refuse(lx, "cannot read '%s'", path);
		}
		strbuf_add(out, buf, (size_t)n);
	}
	close(fd);
	if (memchr(out->buf, '\0', out->len) || memchr(out->buf, '\r', out->len))
		return refuse(lx, "'%s' holds a NUL or a carriage return", path);
	/* "#!/bin/bash" or "#! /bin/sh", nothing after but blanks. */
	p = out->buf;
	if (strncmp(p, "#!", 2))
		return refuse(lx, "'%s' does not start with #!/bin/bash or #!/bin/sh", path);
	p += 2;
	while (is_blank(*p))
		p++;
	interp = !strncmp(p, "/bin/bash", 9) ? "/bin/bash" : !strncmp(p, "/bin/sh", 7) ? "/bin/sh" : NULL;
	if (interp) {
		p += strlen(interp);
		while (is_blank(*p))
			p++;
	}
	if (!interp || (*p && *p != '\n'))
		return refuse(lx, "'%s' does not start with #!/bin/bash or #!/bin/sh", path);
	if (access(interp, X_OK) < 0)
		return refuse(lx, "'%s' runs %s, which is not there", path, interp);
	return 0;
}

/* A line that is only a file's name: its lines, all of them recognized. */
static int classify_file(struct tc_sh_plan *plan, struct lex *lx, struct cmd *c,
			 struct tc_sh_action **line_acts, int *n_line)
{
	struct strbuf body = STRBUF_INIT;
	struct tc_sh_plan sub = { 0 };
	char *name;
	int rc = -1;

	if (c->n != 1 || c->out != 1 || c->err != 2)
		return refuse(lx, "'%s' with arguments or redirections", c->w[0]);
	if (read_script_file(lx, c->w[0], &body) < 0)
		goto out;
	name = xstrdup(c->w[0]);
	plan->files = xrealloc(plan->files, (size_t)(plan->n_files + 1) * sizeof(char *));
	plan->files[plan->n_files++] = name;
	parse_into(&sub, body.buf, name, 1, &sub.rest, lx->why, lx->why_size);
	if (sub.rest != body.len)
		goto out;	/* sub's why is in lx->why */
	for (int i = 0; i < sub.n; i++) {
		*line_acts = xrealloc(*line_acts, (size_t)(*n_line + 1) * sizeof(**line_acts));
		(*line_acts)[(*n_line)++] = sub.actions[i];
	}
	sub.n = 0;
	rc = 0;
out:
	tc_sh_plan_release(&sub);
	strbuf_release(&body);
	return rc;
}

/* Classify c into the line's actions.  Returns 0, or -1 refused. */
static int classify(struct tc_sh_plan *plan, struct lex *lx, int depth, struct cmd *c,
		    struct tc_sh_action **line_acts, int *n_line)
{
	struct tc_sh_action a;
	int rc;

	if (!strcmp(c->w[0], "sysctl")) {
		rc = classify_sysctl(lx, c, &a);
	} else if (!strcmp(c->w[0], "ip")) {
		memset(&a, 0, sizeof(a));
		a.kind = TC_SH_METRICS_FLUSH;
		rc = c->n == 4 && !strcmp(c->w[1], "tcp_metrics") && !strcmp(c->w[2], "flush") &&
		     !strcmp(c->w[3], "all") ? 0 :
		     refuse(lx, "only 'ip tcp_metrics flush all' is applied directly");
	} else if (!strcmp(c->w[0], "tc")) {
		rc = classify_tc(lx, c, &a);
	} else if (strchr(c->w[0], '/') && depth == 0) {
		return classify_file(plan, lx, c, line_acts, n_line);
	} else {
		return refuse(lx, "'%s' is not a command applied directly", c->w[0]);
	}
	if (rc < 0) {
		action_release(&a);
		return -1;
	}
	action_take_words(&a, c);
	a.file = lx->file;
	*line_acts = xrealloc(*line_acts, (size_t)(*n_line + 1) * sizeof(**line_acts));
	(*line_acts)[(*n_line)++] = a;
	return 0;
}

/*
 * Recognize text line by line into plan; *rest is the offset of the first
 * line not recognized (the text's length if none).
 */
static void parse_into(struct tc_sh_plan *plan, const char *text, const char *file,
		       int depth, size_t *rest, char *why, size_t why_size)
{
	struct lex lx = { .s = text, .line = 1, .file = file, .why = why, .why_size = why_size };

	for (;;) {
		size_t start = lx.i;
		struct tc_sh_action *line_acts = NULL;
		int n_line = 0, rc;
		bool more;

		/* One line: its commands up to an unquoted newline. */
		do {
			struct cmd c;

			rc = read_cmd(&lx, &c, &more);
			if (rc > 0 && classify(plan, &lx, depth, &c, &line_acts, &n_line) < 0)
				rc = -1;
			cmd_release(&c);
		} while (rc > 0 && more);
		if (rc > 0 && text[lx.i] == '\n') {
			lx.i++;
			lx.line++;
		}
		if (rc < 0) {
			for (int i = 0; i < n_line; i++)
				action_release(&line_acts[i]);
			free(line_acts);
			*rest = start;
			return;
		}
		for (int i = 0; i < n_line; i++)
			plan_add(plan, &line_acts[i]);
		free(line_acts);
		if (!text[lx.i]) {
			*rest = lx.i;
			return;
		}
	}
}

void tc_sh_parse(const char *text, struct tc_sh_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	parse_into(plan, text, NULL, 0, &plan->rest, plan->why, sizeof(plan->why));
	if (plan->rest == strlen(text))
		plan->why[0] = '\0';
}

void tc_sh_plan_release(struct tc_sh_plan *plan)
{
	for (int i = 0; i < plan->n; i++)
		action_release(&plan->actions[i]);
	free(plan->actions);
	for (int i = 0; i < plan->n_files; i++)
		free(plan->files[i]);
	free(plan->files);
	plan->actions = NULL;
	plan->files = NULL;
	plan->n = plan->n_files = 0;
}

void tc_sh_action_format(const struct tc_sh_action *a, struct strbuf *sb)
{
	for (int i = 0; i < a->argc; i++)
		strbuf_addf(sb, "%s[%s]", i ? " " : "", a->argv[i]);
	if (a->out != 1)
		strbuf_addstr(sb, a->out == TC_SH_NULL ? " 1>null" : " 1>&2");
	if (a->err != 2)
		strbuf_addstr(sb, a->err == TC_SH_NULL ? " 2>null" : " 2>&1");
}

/* ---- the environment ------------------------------------------------ */

static const char *const system_dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin", NULL };

/*
 * Find name through $PATH as the shell would (the first entry holding
 * it); only a regular executable file in one of the system's own
 * directories will do.  Returns 0 with path, -1 with why.
 */
static int resolve_tool(const char *name, char *path, size_t size, char *why, size_t why_size)
{
	const char *env = getenv("PATH"), *p, *colon;

	if (!env) {
		snprintf(why, why_size, "no PATH");
		return -1;
	}
	for (p = env;; p = colon + 1) {
		struct stat st;
		size_t len;
		bool system = false;

		colon = strchr(p, ':');
		len = colon ? (size_t)(colon - p) : strlen(p);
		/* An empty entry is the current directory. */
		snprintf(path, size, "%.*s/%s", len ? (int)len : 1, len ? p : ".", name);
		if (stat(path, &st) == 0) {
			for (int i = 0; system_dirs[i]; i++)
				if (strlen(system_dirs[i]) == len && !strncmp(system_dirs[i], p, len))
					system = true;
			if (system && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
				return 0;
			snprintf(why, why_size, "'%s' is not the system's own %s", path, name);
			return -1;
		}
		if (!colon)
			break;
	}
	snprintf(why, why_size, "no %s in PATH", name);
	return -1;
}

static const char *tool_name(enum tc_sh_kind kind)
{
	return kind == TC_SH_SYSCTL ? "sysctl" : kind == TC_SH_METRICS_FLUSH ? "ip" : "tc";
}

bool tc_sh_env_ok(const struct tc_sh_plan *plan, char *why, size_t why_size)
{
	/* What bash reads from its environment before a script (startup
	 * file, options, functions that would shadow the tools), IFS, and a
	 * preloaded library that could change what a tool does. */
	static const char *const changes[] = { "BASH_ENV=", "SHELLOPTS=", "BASHOPTS=",
					       "BASH_FUNC_", "IFS=", "LD_PRELOAD=", NULL };
	bool need_null = false;
	char path[PATH_MAX];

	for (char **e = environ; e && *e; e++)
		for (int i = 0; changes[i]; i++)
			if (!strncmp(*e, changes[i], strlen(changes[i]))) {
				snprintf(why, why_size, "%.*s is in the environment",
					 (int)strcspn(changes[i], "="), changes[i]);
				return false;
			}
	for (int i = 0; i < plan->n; i++) {
		const struct tc_sh_action *a = &plan->actions[i];

		if (resolve_tool(tool_name(a->kind), path, sizeof(path), why, why_size) < 0)
			return false;
		need_null |= a->out == TC_SH_NULL || a->err == TC_SH_NULL;
	}
	if (need_null) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (fd < 0) {
			snprintf(why, why_size, "cannot open /dev/null: %s", strerror(errno));
			return false;
		}
		close(fd);
	}
	return true;
}

/* ---- applying ------------------------------------------------------- */

/*
 * One setting as procps' sysctl writes it: the file must be there, not a
 * directory, writable by its owner; the value and a newline in one write.
 * Returns true when all of that worked.
 */
static bool sysctl_direct(const char *key, const char *value)
{
	char path[PATH_MAX], buf[SH_VALUE_MAX + 2];
	size_t len = strlen(value);
	struct stat st;
	bool ok;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "/proc/sys/%s", key) >= sizeof(path) ||
	    len > SH_VALUE_MAX)
		return false;
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	if (stat(path, &st) < 0 || S_ISDIR(st.st_mode) || !(st.st_mode & S_IWUSR))
		return false;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return false;
	memcpy(buf, value, len);
	buf[len] = '\n';
	ok = write(fd, buf, len + 1) == (ssize_t)(len + 1);
	if (close(fd) < 0)
		ok = false;
	return ok;
}

static bool action_direct(const struct tc_sh_action *a)
{
	struct tc_error err;

	tc_error_clear(&err);
	switch (a->kind) {
	case TC_SH_SYSCTL:
		for (int i = 0; i < a->n_settings; i++)
			if (!sysctl_direct(a->keys[i], a->values[i]))
				return false;
		return true;
	case TC_SH_METRICS_FLUSH:
		return tc_netns_tcp_metrics_flush(&err) == 0;
	case TC_SH_QDISC:
		/* tc sends pfifo's options only with a limit, and fq's
		 * (empty) always. */
		if (!strcmp(a->qdisc, "fq"))
			return tc_netns_qdisc_root(a->dev, a->qdisc, a->replace, NULL, 0,
						   true, &err) == 0;
		return tc_netns_qdisc_root(a->dev, a->qdisc, a->replace, &a->limit,
					   sizeof(a->limit), a->has_limit, &err) == 0;
	}
	return false;
}

/* The line's own tool, as the shell would run it: same argv, same
 * redirections, our environment. */
static int run_tool(const struct tc_sh_action *a, unsigned fork_flags, int *status)
{
	char path[PATH_MAX], why[160];
	int null_fd = -1, saved_1 = -1, fd_out, fd_err;
	pid_t pid;

	if (resolve_tool(a->argv[0], path, sizeof(path), why, sizeof(why)) < 0) {
		errno = ENOENT;
		return -1;
	}
	if (a->out == TC_SH_NULL || a->err == TC_SH_NULL) {
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null_fd < 0)
			return -1;
	}
	fd_out = a->out == TC_SH_NULL ? null_fd : a->out;
	fd_err = a->err == TC_SH_NULL ? null_fd : a->err;
	/* The child's 1 is set before its 2: for `2>&1 >/dev/null` the
	 * stderr it wants is our 1 as it is now. */
	if (fd_err == 1 && fd_out != 1)
		fd_err = saved_1 = fcntl(1, F_DUPFD_CLOEXEC, 3);
	pid = tc_proc_fork(&(struct tc_proc_opts){ .flags = fork_flags, .fd_in = -1,
		.fd_out = fd_out == 1 ? -1 : fd_out, .fd_err = fd_err == 2 ? -1 : fd_err });
	if (pid == 0) {
		execv(path, a->argv);
		_exit(127);
	}
	if (null_fd >= 0)
		close(null_fd);
	if (saved_1 >= 0)
		close(saved_1);
	if (pid < 0)
		return -1;
	return tc_proc_wait(pid, status);
}

int tc_sh_run_shell(const char *text, unsigned fork_flags, int *status)
{
	pid_t pid = tc_proc_fork(&(struct tc_proc_opts){
		.flags = fork_flags, .fd_in = -1, .fd_out = -1, .fd_err = -1 });

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", text, (char *)NULL);
		_exit(127);
	}
	return tc_proc_wait(pid, status);
}

/* The shell's $? after a command with wait status st. */
static int shell_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int tc_sh_apply(const struct tc_sh_plan *plan, const char *text, unsigned fork_flags,
		struct tc_sh_result *res)
{
	size_t len = strlen(text);
	int last = 0;

	memset(res, 0, sizeof(*res));
	for (int i = 0; i < plan->n; i++) {
		const struct tc_sh_action *a = &plan->actions[i];

		if (action_direct(a)) {
			res->direct++;
			last = 0;
			continue;
		}
		/* Not done, or done in part: the real tool says how it
		 * goes (what it prints, its status). */
		res->by_tool++;
		if (run_tool(a, fork_flags, &last) < 0)
			return -1;
	}
	res->status = last;
	if (plan->rest < len) {
		/* The lines done become blanks, so the shell numbers the
		 * rest's lines as before; and it starts with the $? the
		 * lines before it would have left. */
		struct strbuf sh = STRBUF_INIT;
		int rc;

		if (shell_status(last))
			strbuf_addf(&sh, "(exit %d);", shell_status(last));
		for (size_t i = 0; i < plan->rest; i++)
			strbuf_addch(&sh, text[i] == '\n' ? '\n' : ' ');
		strbuf_addstr(&sh, text + plan->rest);
		res->by_shell = true;
		rc = tc_sh_run_shell(sh.buf, fork_flags, &res->status);
		strbuf_release(&sh);
		return rc;
	}
	return 0;
}
