/* pysub.c: see pysub.h. */
#include "pysub.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Python's integers are unbounded; these hold any value to 127 bits, and
 * an operation whose result would not fit defers. */
typedef __int128 pyint;

#define MAX_DEPTH 50		/* nesting (parentheses, unary operators) */
#define MAX_NAMES 4096
#define MAX_OUT (1 << 20)	/* what print() may write */

enum tok { T_EOF, T_NEWLINE, T_NAME, T_INT, T_STR, T_OP, T_BAD };

enum op {
	O_LPAR, O_RPAR, O_COMMA, O_SEMI, O_ASSIGN, O_AUG,
	O_LT, O_GT, O_LE, O_GE, O_EQ, O_NE,
	O_BOR, O_BXOR, O_BAND, O_SHL, O_SHR, O_ADD, O_SUB, O_MUL, O_FDIV, O_MOD, O_INV,
};

/* Python's operators that the subset reads, longest first; an augmented
 * assignment's .aug is its binary operator.  Any other character, and so
 * any other operator (/ ** . [ { : @ ...), is outside the subset. */
static const struct {
	const char *text;
	enum op op, aug;
} ops[] = {
	{ "<<=", O_AUG, O_SHL }, { ">>=", O_AUG, O_SHR }, { "//=", O_AUG, O_FDIV },
	{ "<<", O_SHL, 0 }, { ">>", O_SHR, 0 }, { "//", O_FDIV, 0 },
	{ "<=", O_LE, 0 }, { ">=", O_GE, 0 }, { "==", O_EQ, 0 }, { "!=", O_NE, 0 },
	{ "+=", O_AUG, O_ADD }, { "-=", O_AUG, O_SUB }, { "*=", O_AUG, O_MUL },
	{ "%=", O_AUG, O_MOD }, { "&=", O_AUG, O_BAND }, { "|=", O_AUG, O_BOR },
	{ "^=", O_AUG, O_BXOR },
	{ "(", O_LPAR, 0 }, { ")", O_RPAR, 0 }, { ",", O_COMMA, 0 }, { ";", O_SEMI, 0 },
	{ "=", O_ASSIGN, 0 }, { "<", O_LT, 0 }, { ">", O_GT, 0 }, { "|", O_BOR, 0 },
	{ "^", O_BXOR, 0 }, { "&", O_BAND, 0 }, { "+", O_ADD, 0 }, { "-", O_SUB, 0 },
	{ "*", O_MUL, 0 }, { "%", O_MOD, 0 }, { "~", O_INV, 0 },
};

/* Python 3's keywords: never names in the subset.  True, False and not
 * are read where an expression may have them; the rest defer. */
static const char *const keywords[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await",
	"break", "class", "continue", "def", "del", "elif", "else", "except",
	"finally", "for", "from", "global", "if", "import", "in", "is",
	"lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
	"while", "with", "yield", "__debug__", NULL,
};

struct token {
	enum tok t;
	size_t start, end;	/* offsets into the source */
	enum op op, aug;
	pyint i;
	const char *bad;	/* T_BAD: why */
};

enum vtype { V_INT, V_BOOL, V_STR };

struct val {
	enum vtype t;
	pyint i;		/* V_INT, V_BOOL (0 or 1) */
	const char *s;		/* V_STR, not NUL-terminated */
	size_t n;
};

struct name {
	const char *s;
	size_t n;
	struct val v;
};

struct ctx {
	const char *src;
	size_t len;
	struct token cur;
	int depth;		/* open parentheses, for newlines inside them */
	bool bol;		/* at the start of a logical line */
	int nest;		/* parser recursion, against MAX_DEPTH */
	long script_line;	/* the value of _line, as code.c sets it */
	struct name *names;
	size_t n_names, alloc;
	struct strbuf *out;
	char *why;
	size_t whylen;
	bool deferred;
};

/* ---- the reason, for -v ---------------------------------------------- */

static bool defer(struct ctx *c, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	if (c->deferred)
		return false;
	c->deferred = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->script_line > 0) {
		snprintf(c->why, c->whylen, "line %ld: %s", c->script_line, msg);
	} else {
		long line = 1;

		for (size_t i = 0; i < c->cur.start && i < c->len; i++)
			line += c->src[i] == '\n';
		snprintf(c->why, c->whylen, "code line %ld: %s", line, msg);
	}
	return false;
}

#define TRY(x) do { if (!(x)) return false; } while (0)

/* ---- tokens ---------------------------------------------------------- */

static bool is_name_start(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_name_char(int ch)
{
	return is_name_start(ch) || (ch >= '0' && ch <= '9');
}

static void bad(struct token *t, const char *why)
{
	t->t = T_BAD;
	t->bad = why;
}

/* An integer literal at s[p]: decimal (no leading zeros, as Python 3),
 * 0x, 0o or 0b; underscores, floats, imaginary and suffixed literals are
 * outside. */
static void lex_int(const char *s, size_t len, size_t p, struct token *t)
{
	const pyint limit = ((pyint)1 << 120);
	unsigned base = 10;
	size_t q = p, digits = 0;

	t->i = 0;
	if (s[p] == '0' && p + 1 < len && strchr("xXoObB", s[p + 1])) {
		base = s[p + 1] == 'x' || s[p + 1] == 'X' ? 16 :
		       s[p + 1] == 'o' || s[p + 1] == 'O' ? 8 : 2;
		q += 2;
	}
	for (int d; q < len && (d = tc_hexval(s[q])) >= 0 && d < (int)base; q++, digits++) {
		if (t->i >= limit)
			return bad(t, "an integer literal this large");
		t->i = t->i * base + d;
	}
	t->end = q;
	if (!digits)
		return bad(t, "this number");
	if (q < len && (is_name_char((unsigned char)s[q]) || s[q] == '.'))
		return bad(t, "a number of this form");
	/* 0, 00, ... but not 07: a leading zero is only for zero. */
	if (base == 10 && s[p] == '0' && t->i != 0)
		return bad(t, "a decimal number with leading zeros");
	t->t = T_INT;
}

/* A one-line string literal without backslashes or prefixes. */
static void lex_str(const char *s, size_t len, size_t p, struct token *t)
{
	char q = s[p];
	size_t k = p + 1;

	if (k + 1 < len && s[k] == q && s[k + 1] == q)
		return bad(t, "a triple-quoted string");
	for (; k < len && s[k] != q; k++)
		if (s[k] == '\\' || s[k] == '\n' || (unsigned char)s[k] < ' ' ||
		    (unsigned char)s[k] > '~')
			return bad(t, "a string with escapes or special characters");
	if (k >= len)
		return bad(t, "an unterminated string");
	t->t = T_STR;
	t->end = k + 1;
}

static void lex_op(const char *s, size_t len, size_t p, struct token *t)
{
	/* Power is outside the subset: the table would read ** as two '*'. */
	if (p + 1 < len && s[p] == '*' && s[p + 1] == '*')
		return bad(t, "the power operator");
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		size_t n = strlen(ops[k].text);

		if (p + n <= len && !memcmp(s + p, ops[k].text, n)) {
			t->t = T_OP;
			t->op = ops[k].op;
			t->aug = ops[k].aug;
			t->end = p + n;
			return;
		}
	}
	bad(t, "this character");
}

/*
 * The token at p, given the open parentheses and whether a logical line
 * starts there.  Blank and comment lines are skipped; a newline inside
 * parentheses is a space; an indented line is outside the subset.
 */
static void lex(const struct ctx *c, size_t p, int depth, bool bol, struct token *t)
{
	const char *s = c->src;

	memset(t, 0, sizeof(*t));
	for (;;) {
		size_t line = p;

		while (p < c->len && (s[p] == ' ' || s[p] == '\t'))
			p++;
		if (p < c->len && s[p] == '#')
			while (p < c->len && s[p] != '\n')
				p++;
		t->start = t->end = p;
		if (p >= c->len) {
			if (depth > 0)
				return bad(t, "an unclosed parenthesis");
			t->t = T_EOF;
			return;
		}
		if (s[p] == '\n') {
			if (bol || depth > 0) {
				p++;
				continue;
			}
			t->t = T_NEWLINE;
			t->end = p + 1;
			return;
		}
		if (bol && depth == 0 && p != line)
			return bad(t, "an indented line");
		break;
	}
	if (is_name_start((unsigned char)s[p])) {
		size_t q = p;

		while (q < c->len && is_name_char((unsigned char)s[q]))
			q++;
		t->end = q;
		if (q < c->len && (s[q] == '\'' || s[q] == '"'))
			return bad(t, "a prefixed string");
		t->t = T_NAME;
		return;
	}
	if (s[p] >= '0' && s[p] <= '9')
		return lex_int(s, c->len, p, t);
	if (s[p] == '\'' || s[p] == '"')
		return lex_str(s, c->len, p, t);
	lex_op(s, c->len, p, t);
}

static bool next(struct ctx *c)
{
	const struct token *t = &c->cur;

	if (t->t == T_OP && t->op == O_LPAR)
		c->depth++;
	else if (t->t == T_OP && t->op == O_RPAR && c->depth > 0)
		c->depth--;
	c->bol = t->t == T_NEWLINE;
	lex(c, t->end, c->depth, c->bol, &c->cur);
	if (c->cur.t == T_BAD)
		return defer(c, "%s", c->cur.bad);
	return true;
}

static struct token peek(const struct ctx *c)
{
	struct token t;

	lex(c, c->cur.end, c->depth, false, &t);
	return t;
}

static bool is_op(const struct ctx *c, enum op op)
{
	return c->cur.t == T_OP && c->cur.op == op;
}

static bool is_word(const struct ctx *c, const char *w)
{
	size_t n = c->cur.end - c->cur.start;

	return c->cur.t == T_NAME && strlen(w) == n && !memcmp(c->src + c->cur.start, w, n);
}

static bool is_keyword(const struct ctx *c)
{
	for (int k = 0; keywords[k]; k++)
		if (is_word(c, keywords[k]))
			return true;
	return false;
}

static bool unexpected(struct ctx *c)
{
	if (c->cur.t == T_EOF || c->cur.t == T_NEWLINE)
		return defer(c, "a statement that ends early");
	return defer(c, "'%.*s' here", (int)(c->cur.end - c->cur.start),
		     c->src + c->cur.start);
}

/* ---- names ----------------------------------------------------------- */

static struct name *lookup(struct ctx *c, const char *s, size_t n)
{
	for (size_t k = c->n_names; k-- > 0;)
		if (c->names[k].n == n && !memcmp(c->names[k].s, s, n))
			return &c->names[k];
	return NULL;
}

static bool bind(struct ctx *c, const char *s, size_t n, const struct val *v)
{
	struct name *nm = lookup(c, s, n);

	if (!nm) {
		if (c->n_names == MAX_NAMES)
			return defer(c, "more than %d names", MAX_NAMES);
		if (c->n_names == c->alloc) {
			c->alloc = c->alloc ? 2 * c->alloc : 128;
			c->names = xrealloc(c->names, c->alloc * sizeof(*c->names));
		}
		nm = &c->names[c->n_names++];
		nm->s = s;
		nm->n = n;
	}
	nm->v = *v;
	if (n == 5 && !memcmp(s, "_line", 5) && v->t == V_INT)
		c->script_line = (long)v->i;
	return true;
}

/* ---- values ---------------------------------------------------------- */

static bool truthy(const struct val *v)
{
	return v->t == V_STR ? v->n != 0 : v->i != 0;
}

static struct val int_val(pyint i, enum vtype t)
{
	return (struct val){ .t = t, .i = i };
}

static bool as_int(struct ctx *c, const struct val *v, pyint *i)
{
	if (v->t == V_STR)
		return defer(c, "a string in arithmetic or a comparison");
	*i = v->i;
	return true;
}

static bool overflow(struct ctx *c)
{
	return defer(c, "an integer beyond 127 bits");
}

/* Floor division and modulo as Python defines them: the quotient rounded
 * down, the remainder with the divisor's sign. */
static bool floor_divmod(struct ctx *c, pyint a, pyint b, pyint *q, pyint *r)
{
	if (b == 0)
		return defer(c, "a division by zero");
	if (b == -1) {		/* the one quotient that can overflow */
		if (__builtin_sub_overflow((pyint)0, a, q))
			return overflow(c);
		*r = 0;
		return true;
	}
	*q = a / b;
	*r = a % b;
	if (*r != 0 && ((*r < 0) != (b < 0))) {
		*q -= 1;
		*r += b;
	}
	return true;
}

static bool shift(struct ctx *c, enum op op, pyint a, pyint b, pyint *res)
{
	if (b < 0)
		return defer(c, "a negative shift count");
	if (op == O_SHR) {
		*res = b >= 127 ? (a < 0 ? -1 : 0) : a >> (int)b;
		return true;
	}
	if (a == 0) {
		*res = 0;
		return true;
	}
	if (b > 126 || __builtin_mul_overflow(a, (pyint)1 << (int)b, res))
		return overflow(c);
	return true;
}

static bool binop(struct ctx *c, enum op op, const struct val *l, const struct val *r,
		  struct val *res)
{
	pyint a = 0, b = 0, q = 0, m = 0, v = 0;
	bool both_bool = l->t == V_BOOL && r->t == V_BOOL;

	TRY(as_int(c, l, &a));
	TRY(as_int(c, r, &b));
	switch (op) {
	case O_ADD:
		if (__builtin_add_overflow(a, b, &v))
			return overflow(c);
		break;
	case O_SUB:
		if (__builtin_sub_overflow(a, b, &v))
			return overflow(c);
		break;
	case O_MUL:
		if (__builtin_mul_overflow(a, b, &v))
			return overflow(c);
		break;
	case O_FDIV:
	case O_MOD:
		TRY(floor_divmod(c, a, b, &q, &m));
		v = op == O_FDIV ? q : m;
		break;
	case O_SHL:
	case O_SHR:
		TRY(shift(c, op, a, b, &v));
		break;
	case O_BAND:
		v = a & b;
		break;
	case O_BOR:
		v = a | b;
		break;
	case O_BXOR:
		v = a ^ b;
		break;
	default:
		return defer(c, "this operator");
	}
	/* bool & bool is a bool in Python; with an int, an int. */
	*res = int_val(v, both_bool && (op == O_BAND || op == O_BOR || op == O_BXOR) ?
			  V_BOOL : V_INT);
	return true;
}

static bool compare(struct ctx *c, enum op op, const struct val *l, const struct val *r,
		    bool *res)
{
	pyint a = 0, b = 0;

	TRY(as_int(c, l, &a));
	TRY(as_int(c, r, &b));
	*res = op == O_LT ? a < b : op == O_GT ? a > b : op == O_LE ? a <= b :
	       op == O_GE ? a >= b : op == O_EQ ? a == b : a != b;
	return true;
}

/* str() of a value, as print() writes it. */
static void add_str(struct strbuf *sb, const struct val *v)
{
	char digits[48];
	size_t n = 0;
	pyint i = v->i;
	bool neg = i < 0;

	if (v->t == V_STR) {
		strbuf_add(sb, v->s, v->n);
		return;
	}
	if (v->t == V_BOOL) {
		strbuf_addstr(sb, i ? "True" : "False");
		return;
	}
	do {
		int d = (int)(i % 10);

		digits[n++] = (char)('0' + (neg ? -d : d));
		i /= 10;
	} while (i != 0);
	if (neg)
		strbuf_addch(sb, '-');
	while (n > 0)
		strbuf_addch(sb, digits[--n]);
}

/* ---- expressions ----------------------------------------------------- */

/*
 * Each function reads its construct from the current token on.  With ev
 * false it only reads (the side of an `or` already decided, an
 * assertion's message), as Python, which never evaluates those, would not
 * fail there either.
 */
static bool test(struct ctx *c, bool ev, struct val *v);

static bool enter(struct ctx *c)
{
	if (++c->nest > MAX_DEPTH)
		return defer(c, "nesting deeper than %d", MAX_DEPTH);
	return true;
}

static bool atom(struct ctx *c, bool ev, struct val *v)
{
	const struct token t = c->cur;

	*v = int_val(0, V_INT);
	if (t.t == T_INT) {
		*v = int_val(t.i, V_INT);
		return next(c);
	}
	if (t.t == T_STR) {
		*v = (struct val){ .t = V_STR, .s = c->src + t.start + 1,
				   .n = t.end - t.start - 2 };
		return next(c);
	}
	if (is_op(c, O_LPAR)) {
		TRY(enter(c));
		TRY(next(c));
		if (is_op(c, O_RPAR))
			return defer(c, "a tuple");
		TRY(test(c, ev, v));
		if (is_op(c, O_COMMA))
			return defer(c, "a tuple");
		if (!is_op(c, O_RPAR))
			return unexpected(c);
		c->nest--;
		return next(c);
	}
	if (t.t != T_NAME)
		return unexpected(c);
	if (is_word(c, "True") || is_word(c, "False")) {
		*v = int_val(is_word(c, "True"), V_BOOL);
		return next(c);
	}
	if (is_keyword(c))
		return defer(c, "'%.*s'", (int)(t.end - t.start), c->src + t.start);
	TRY(next(c));
	if (is_op(c, O_LPAR))
		return defer(c, "a call of '%.*s'", (int)(t.end - t.start), c->src + t.start);
	if (ev) {
		const struct name *nm = lookup(c, c->src + t.start, t.end - t.start);

		if (!nm)
			return defer(c, "'%.*s', not bound here", (int)(t.end - t.start),
				     c->src + t.start);
		*v = nm->v;
	}
	return true;
}

static bool factor(struct ctx *c, bool ev, struct val *v)
{
	enum op op = c->cur.op;
	pyint i = 0;

	if (!(is_op(c, O_SUB) || is_op(c, O_ADD) || is_op(c, O_INV)))
		return atom(c, ev, v);
	TRY(enter(c));
	TRY(next(c));
	TRY(factor(c, ev, v));
	c->nest--;
	if (!ev)
		return true;
	/* ~ on a bool is deprecated (a warning, an error under -W error). */
	if (op == O_INV && v->t == V_BOOL)
		return defer(c, "~ on a bool");
	TRY(as_int(c, v, &i));
	if (op == O_SUB && __builtin_sub_overflow((pyint)0, i, &i))
		return overflow(c);
	*v = int_val(op == O_INV ? ~i : i, V_INT);
	return true;
}

/* The binary operators, loosest first, each level left-associative. */
static const enum op levels[][4] = {
	{ O_BOR }, { O_BXOR }, { O_BAND }, { O_SHL, O_SHR }, { O_ADD, O_SUB },
	{ O_MUL, O_FDIV, O_MOD },
};
#define N_LEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static bool at_level(const struct ctx *c, int level)
{
	for (int k = 0; k < 4 && levels[level][k]; k++)
		if (is_op(c, levels[level][k]))
			return true;
	return false;
}

static bool binary(struct ctx *c, int level, bool ev, struct val *v)
{
	if (level == N_LEVELS)
		return factor(c, ev, v);
	TRY(binary(c, level + 1, ev, v));
	while (at_level(c, level)) {
		enum op op = c->cur.op;
		struct val r = { 0 };

		TRY(next(c));
		TRY(binary(c, level + 1, ev, &r));
		if (ev)
			TRY(binop(c, op, v, &r, v));
	}
	return true;
}

static bool is_compare(const struct ctx *c)
{
	return is_op(c, O_LT) || is_op(c, O_GT) || is_op(c, O_LE) || is_op(c, O_GE) ||
	       is_op(c, O_EQ) || is_op(c, O_NE);
}

/* a < b < c: each operand once, stopping at the first false. */
static bool comparison(struct ctx *c, bool ev, struct val *v)
{
	struct val left = { 0 };
	bool result = true, live = ev, chained = false;

	TRY(binary(c, 0, ev, v));
	left = *v;
	while (is_compare(c)) {
		enum op op = c->cur.op;
		struct val right = { 0 };
		bool r;

		TRY(next(c));
		TRY(binary(c, 0, live, &right));
		if (live) {
			TRY(compare(c, op, &left, &right, &r));
			if (!r)
				result = live = false;
		}
		left = right;
		chained = true;
	}
	if (is_word(c, "in") || is_word(c, "is") || is_word(c, "not") || is_word(c, "if"))
		return defer(c, "'%.*s'", (int)(c->cur.end - c->cur.start), c->src + c->cur.start);
	if (chained)
		*v = int_val(result, V_BOOL);
	return true;
}

static bool not_test(struct ctx *c, bool ev, struct val *v)
{
	if (!is_word(c, "not"))
		return comparison(c, ev, v);
	TRY(enter(c));
	TRY(next(c));
	TRY(not_test(c, ev, v));
	c->nest--;
	*v = int_val(!truthy(v), V_BOOL);
	return true;
}

/* `and` and `or` give the operand that decided, as Python does. */
static bool bool_op(struct ctx *c, bool is_or, bool ev, struct val *v)
{
	if (is_or)
		TRY(bool_op(c, false, ev, v));
	else
		TRY(not_test(c, ev, v));
	while (is_word(c, is_or ? "or" : "and")) {
		bool take = ev && truthy(v) != is_or;
		struct val r = { 0 };

		TRY(next(c));
		if (is_or)
			TRY(bool_op(c, false, take, &r));
		else
			TRY(not_test(c, take, &r));
		if (take)
			*v = r;
	}
	return true;
}

static bool test(struct ctx *c, bool ev, struct val *v)
{
	TRY(bool_op(c, true, ev, v));
	if (is_word(c, "if") || is_word(c, "for") || is_op(c, O_ASSIGN))
		return unexpected(c);
	return true;
}

/* ---- statements ------------------------------------------------------ */

static bool print_call(struct ctx *c)
{
	struct strbuf line = STRBUF_INIT;
	bool first = true, ok = true;

	if (lookup(c, "print", 5))
		return defer(c, "print bound to something else");
	if (!next(c) || !next(c))	/* print ( */
		return false;
	while (ok && !is_op(c, O_RPAR)) {
		struct val v = { 0 };

		ok = test(c, true, &v);
		if (!ok)
			break;
		if (!first)
			strbuf_addch(&line, ' ');
		add_str(&line, &v);
		first = false;
		if (is_op(c, O_COMMA))
			ok = next(c);
		else if (!is_op(c, O_RPAR))
			ok = unexpected(c);
	}
	if (ok && c->out->len + line.len + 1 > MAX_OUT)
		ok = defer(c, "more than %d bytes of output", MAX_OUT);
	if (ok) {
		strbuf_add(c->out, line.buf, line.len);
		strbuf_addch(c->out, '\n');
		ok = next(c);
	}
	strbuf_release(&line);
	return ok;
}

static bool assignment(struct ctx *c)
{
	const struct token name = c->cur;
	const struct token op = peek(c);
	struct val v = { 0 };

	if (is_keyword(c))
		return defer(c, "an assignment to '%.*s'", (int)(name.end - name.start),
			     c->src + name.start);
	TRY(next(c));
	TRY(next(c));
	TRY(test(c, true, &v));
	if (op.op == O_AUG) {
		const struct name *nm = lookup(c, c->src + name.start, name.end - name.start);

		if (!nm)
			return defer(c, "'%.*s', not bound here", (int)(name.end - name.start),
				     c->src + name.start);
		TRY(binop(c, op.aug, &nm->v, &v, &v));
	}
	return bind(c, c->src + name.start, name.end - name.start, &v);
}

static bool statement(struct ctx *c)
{
	struct val v = { 0 };

	if (is_word(c, "assert")) {
		TRY(next(c));
		TRY(test(c, true, &v));
		if (is_op(c, O_COMMA)) {
			struct val msg = { 0 };

			TRY(next(c));
			TRY(test(c, false, &msg));
		}
		if (!truthy(&v))
			return defer(c, "an assertion that fails (python3 tells how)");
		return true;
	}
	if (is_word(c, "pass"))
		return next(c);
	if (c->cur.t == T_NAME) {
		struct token t = peek(c);

		if (is_word(c, "print") && t.t == T_OP && t.op == O_LPAR)
			return print_call(c);
		if (t.t == T_OP && (t.op == O_ASSIGN || t.op == O_AUG))
			return assignment(c);
		if (is_keyword(c) && !is_word(c, "True") && !is_word(c, "False") &&
		    !is_word(c, "not"))
			return defer(c, "'%.*s'", (int)(c->cur.end - c->cur.start),
				     c->src + c->cur.start);
	}
	return test(c, true, &v);
}

static bool program(struct ctx *c)
{
	c->bol = true;
	lex(c, 0, 0, true, &c->cur);
	if (c->cur.t == T_BAD)
		return defer(c, "%s", c->cur.bad);
	while (c->cur.t != T_EOF) {
		TRY(statement(c));
		while (is_op(c, O_SEMI)) {
			TRY(next(c));
			if (c->cur.t == T_NEWLINE || c->cur.t == T_EOF)
				break;
			TRY(statement(c));
		}
		if (c->cur.t == T_NEWLINE)
			TRY(next(c));
		else if (c->cur.t != T_EOF)
			return unexpected(c);
	}
	return true;
}

int tc_py_run(const char *src, size_t len, struct strbuf *out, char *why, size_t whylen)
{
	struct ctx c = { .src = src, .len = len, .out = out, .why = why, .whylen = whylen };
	bool ok;

	if (whylen)
		why[0] = '\0';
	strbuf_reset(out);
	if (memchr(src, '\0', len))
		return defer(&c, "a NUL byte"), -1;
	ok = program(&c);
	free(c.names);
	if (!ok)
		strbuf_reset(out);
	return ok ? 0 : -1;
}
