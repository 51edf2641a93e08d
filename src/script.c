/*
 * script.c: the script model (script.h): its name tables, freeing it, and its
 * Requires: lines.
 *
 * The grammar itself (grammar/parser.y, grammar/lexer.l) builds the model;
 * load.c runs it; this file holds what does not need the parser.
 *
 * Model conventions chosen by the parser, beyond script.h:
 *  - `name(args)=value` in a system call (msg_iov(1)=[...], msg_name(...)=x)
 *    is a TC_EXPR_FIELD named `name` whose lhs is the value and whose
 *    elems/n_elems hold the call's arguments; a plain `name=value` FIELD
 *    has no elems.
 *  - ICMP lines: the echoed TCP sequence `[start:end(len)]` is stored in
 *    seq_start, seq_end and payload_len; icmp_type/icmp_code are the ICMPv4
 *    numbers and icmp6_type/icmp6_code the ICMPv6 ones (-1 where a version
 *    lacks the names; the run picks by the wire's version); icmp_mtu is -1
 *    when not given.  On TCP and UDP lines the five icmp numbers are -1.
 *  - UDP lines: the length `(N)` is payload_len.
 *  - A syscall result is INT, WORD, ELLIPSIS or an OR of INTs and WORDs.
 *  - The note is the text between the parentheses, whitespace runs folded
 *    to one space.
 */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"

const char tc_tcp_flag_letters[] = "FSRP.UEWA";

static const char *const ecn_names[] = {
	[TC_ECN_NOECN] = "noecn",
	[TC_ECN_ECT1] = "ect1",
	[TC_ECN_ECT0] = "ect0",
	[TC_ECN_CE] = "ce",
	[TC_ECN_ECT01] = "ect01",
};

const char *tc_ecn_name(int ecn)
{
	return ecn >= 0 && ecn <= TC_ECN_ECT01 ? ecn_names[ecn] : NULL;
}

/* Append source line `line` (1-based) and a caret under column col. */
void tc_source_caret(const char *text, size_t len, int line, int col,
		     struct tc_error *err)
{
	enum { MAXW = 1000 };
	const char *p = text, *end = text + len;
	char src[MAXW + 1], caret[MAXW + 2];
	size_t n = 0, c = 0;

	for (int l = 1; l < line && p < end; p++)
		if (*p == '\n')
			l++;
	/* On a very long line, show a window that ends near the column. */
	if (col > MAXW - 100) {
		size_t skip = (size_t)col - (MAXW - 100) + 3;
		const char *q = p;

		while (q < end && *q != '\n' && (size_t)(q - p) < skip)
			q++;
		if ((size_t)(q - p) == skip) {
			p = q;
			col -= (int)skip - 3;
			memcpy(src, "...", 3);
			n = 3;
		}
	}
	for (; p < end && *p != '\n' && n < MAXW; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\r' && (p + 1 == end || p[1] == '\n'))
			continue;
		src[n++] = (ch == '\t' || (ch >= 0x20 && ch < 0x7f) || ch >= 0x80) ? (char)ch : '?';
	}
	src[n] = '\0';
	for (int i = 1; i < col && c < MAXW; i++, c++)
		caret[c] = c < n && src[c] == '\t' ? '\t' : ' ';
	caret[c++] = '^';
	caret[c] = '\0';
	tc_error_detail(err, "%s", src);
	tc_error_detail(err, "%s", caret);
}

/* ---- // Requires: lines ---------------------------------------------- */

static const char *const require_ops[] = {
	[TC_REQ_EQ] = "=", [TC_REQ_NE] = "!=", [TC_REQ_LT] = "<",
	[TC_REQ_LE] = "<=", [TC_REQ_GT] = ">", [TC_REQ_GE] = ">=",
};

const char *tc_require_op_name(enum tc_require_op op)
{
	return require_ops[op];
}

/* The next whitespace-separated field of *p (length in *n), or NULL. */
static const char *field(const char **p, size_t *n)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	*n = strcspn(s, " \t\n");
	*p = s + *n;
	return s;
}

static bool parse_int64(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return end != s && !*end && !errno;
}

bool tc_require_holds(const struct tc_require *r, const char *actual)
{
	const char *a = actual, *w = r->value, *fa, *fw;
	size_t na = 0, nw = 0;
	long long x, y;
	bool same = true;

	if (r->op == TC_REQ_EQ || r->op == TC_REQ_NE) {
		for (;;) {
			fa = field(&a, &na);
			fw = field(&w, &nw);
			if (!fa || !fw) {
				same = !fa && !fw;
				break;
			}
			if (na != nw || memcmp(fa, fw, na)) {
				same = false;
				break;
			}
		}
		return r->op == TC_REQ_EQ ? same : !same;
	}
	if (!parse_int64(actual, &x) || !parse_int64(r->value, &y))
		return false;
	switch (r->op) {
	case TC_REQ_LT:
		return x < y;
	case TC_REQ_LE:
		return x <= y;
	case TC_REQ_GT:
		return x > y;
	case TC_REQ_GE:
		return x >= y;
	default:
		return false;
	}
}

#define MAX_REQUIRES 32

/*
 * Find the script's "// Requires: net.KEY OP VALUE" comment lines (a '//'
 * comment that is the whole line; "Requires:" right after it, then a
 * network sysctl's name).  A malformed one is an error at its line and
 * column: a requirement that silently did nothing would let the script
 * fail where it does not apply.
 */
int tc_script_read_requires(struct tc_script *s, struct tc_error *err)
{
	static const char mark[] = "Requires:";
	const char *p = s->text, *end = s->text + s->text_len;
	int line = 1;

	for (; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *k, *o, *v;
		size_t klen, olen, vlen;
		struct tc_require *r;
		int op = -1;

		if (!eol)
			eol = end;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (eol - q < 2 || q[0] != '/' || q[1] != '/')
			goto next;
		q += 2;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(eol - q) < sizeof(mark) - 1 || memcmp(q, mark, sizeof(mark) - 1))
			goto next;
		q += sizeof(mark) - 1;
		/* KEY.  Only a network sysctl makes the line a requirement:
		 * other "Requires:" comments (prose, other tools' markers)
		 * stay comments, so existing scripts read as before. */
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (eol - q < 4 || memcmp(q, "net.", 4))
			goto next;
		k = q;
		while (q < eol && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
				   (*q >= '0' && *q <= '9') || *q == '_' || *q == '.' ||
				   *q == '-' || *q == '/'))
			q++;
		klen = (size_t)(q - k);
		if (!klen || klen > 200 || memmem(k, klen, "..", 2) ||
		    k[klen - 1] == '.' || memchr(k, '/', klen)) {
			tc_error_at(err, TC_ERR_SCRIPT, line, (int)(k - p) + 1,
				    "expected a network sysctl name (net.ipv4.tcp_timestamps) after 'Requires:'");
			goto bad;
		}
		/* OP */
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		o = q;
		while (q < eol && (*q == '=' || *q == '!' || *q == '<' || *q == '>'))
			q++;
		olen = (size_t)(q - o);
		for (int i = 0; i < (int)(sizeof(require_ops) / sizeof(require_ops[0])); i++)
			if (olen == strlen(require_ops[i]) && !memcmp(o, require_ops[i], olen))
				op = i;
		if (op < 0) {
			tc_error_at(err, TC_ERR_SCRIPT, line, (int)(o - p) + 1,
				    "expected one of = != < <= > >= after the sysctl name");
			goto bad;
		}
		/* VALUE: the rest of the line, trimmed. */
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		v = q;
		vlen = (size_t)(eol - v);
		while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
			vlen--;
		if (!vlen || memchr(v, '\0', vlen)) {
			tc_error_at(err, TC_ERR_SCRIPT, line, (int)(v - p) + 1,
				    "expected a value after '%s'", require_ops[op]);
			goto bad;
		}
		if (op != TC_REQ_EQ && op != TC_REQ_NE) {
			char num[32];
			long long x;

			if (vlen >= sizeof(num) ||
			    (memcpy(num, v, vlen), num[vlen] = '\0', !parse_int64(num, &x))) {
				tc_error_at(err, TC_ERR_SCRIPT, line, (int)(v - p) + 1,
					    "'%s' compares integers: expected one integer",
					    require_ops[op]);
				goto bad;
			}
		}
		if (s->n_requires >= MAX_REQUIRES) {
			tc_error_at(err, TC_ERR_SCRIPT, line, 1,
				    "more than %d Requires: lines", MAX_REQUIRES);
			goto bad;
		}
		s->requires = realloc(s->requires, (size_t)(s->n_requires + 1) * sizeof(*r));
		if (!s->requires)
			abort();
		r = &s->requires[s->n_requires++];
		r->key = strndup(k, klen);
		r->value = strndup(v, vlen);
		if (!r->key || !r->value)
			abort();
		r->op = (enum tc_require_op)op;
		r->line = line;
next:
		p = eol + 1;
	}
	return 0;
bad:
	tc_source_caret(s->text, s->text_len, err->line, err->col, err);
	return -1;
}

void tc_expr_free(struct tc_expr *e)
{
	/* Walk OR chains (a|b|c nests on the left) without recursion. */
	while (e) {
		struct tc_expr *next = e->type == TC_EXPR_OR ? e->lhs : NULL;

		if (e->type != TC_EXPR_OR)
			tc_expr_free(e->lhs);
		tc_expr_free(e->rhs);
		for (int i = 0; i < e->n_elems; i++)
			tc_expr_free(e->elems[i]);
		free(e->elems);
		free(e->str);
		free(e);
		e = next;
	}
}

void tc_syscall_free(struct tc_syscall *c)
{
	if (!c)
		return;
	free(c->name);
	for (int i = 0; i < c->n_args; i++)
		tc_expr_free(c->args[i]);
	free(c->args);
	tc_expr_free(c->result);
	free(c->errno_name);
	free(c->note);
	free(c);
}

void tc_script_free(struct tc_script *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n_options; i++) {
		free(s->options[i].name);
		free(s->options[i].value);
	}
	free(s->options);
	for (int i = 0; i < s->n_requires; i++) {
		free(s->requires[i].key);
		free(s->requires[i].value);
	}
	free(s->requires);
	free(s->text);
	for (int i = 0; i < s->n_events; i++) {
		struct tc_event *ev = &s->events[i];

		switch (ev->type) {
		case TC_EVENT_PACKET:
			free(ev->u.packet);
			break;
		case TC_EVENT_SYSCALL:
			tc_syscall_free(ev->u.syscall);
			break;
		case TC_EVENT_COMMAND:
			free(ev->u.command);
			break;
		case TC_EVENT_CODE:
			free(ev->u.code);
			break;
		}
	}
	free(s->events);
	free(s->init_command);
	free(s->cleanup_command);
	free(s->path);
	free(s);
}
