/*
 * script.c: freeing and dumping the script model (script.h), and its
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
 *
 * The dump format (tc_script_dump), one record per line:
 *   script PATH
 *   option L:C NAME                 a bare --NAME
 *   option L:C NAME="VALUE"         --NAME=VALUE (VALUE C-escaped)
 *   init L `COMMAND`                untimed init command (C-escaped)
 *   event L:C TIME ACTION
 *   cleanup L `COMMAND`
 * TIME is `abs US`, `abs US~US`, `rel +US`, `rel +US~+US` or `any *`, all in
 * microseconds, followed by ` end US` for a blocking system call.  ACTION is
 *   packet DIR [IPINFO] [SPORT>DPORT] FLAGS START:END(LEN) [ack N] [win N]
 *          [urg N] [<OPTIONS> optlen=BYTES | <...>]
 *   packet DIR [IPINFO] udp [SPORT>DPORT] (LEN)
 *   packet DIR [IPINFO] icmp type T code C icmp6 type T6 code C6 [mtu M] [id I]
 *          [START:END(LEN)] | [udp (LEN)] | [raw (LEN)]
 *          (the echoed sequence is always printed, 0:0(0) when not given)
 *   syscall@COL NAME(ARGS) = RESULT [ERRNO] [(NOTE)]
 *   command `TEXT`    code %{TEXT}%
 * Flags print in the order F S R P U E W A, then '.' for ACK ('-' for none).
 * Options print in script notation with cookies and digests as hex.
 * Expressions print in script notation: integers in decimal, strings
 * C-escaped in double quotes, the right operand of an OR in parentheses
 * when it is itself an OR.
 */
#include "script.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "error.h"
#include "strbuf.h"

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

static void syscall_release(struct tc_syscall *c)
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
			syscall_release(ev->u.syscall);
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

/* ------------------------------------------------------------------ */
/* Dump */

/* C-style escaping of n bytes, for strings and commands. */
static void add_escaped(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '"': strbuf_addstr(out, "\\\""); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				strbuf_addf(out, "\\x%02x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
}

static void add_hex(struct strbuf *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(out, "%02x", p[i]);
}

/* Letters in bit order from TC_TH_FIN (the parser reads the same table). */
static const char flag_letters[] = "FSRP.UEWA";

static void dump_flags(struct strbuf *out, const struct tc_packet *p)
{
	if (p->no_flags || !p->flags) {
		strbuf_addch(out, '-');
		return;
	}
	for (int i = 0; flag_letters[i]; i++)
		if (flag_letters[i] != '.' && (p->flags & (1u << i)))
			strbuf_addch(out, flag_letters[i]);
	if (p->flags & TC_TH_ACK)
		strbuf_addch(out, '.');
}

static void dump_option(struct strbuf *out, const struct tc_option *o)
{
	switch (o->kind) {
	case TC_OPT_EOL:
		strbuf_addstr(out, "eol");
		break;
	case TC_OPT_NOP:
		strbuf_addstr(out, "nop");
		break;
	case TC_OPT_MSS:
		strbuf_addf(out, "mss %u", o->mss);
		break;
	case TC_OPT_WSCALE:
		strbuf_addf(out, "wscale %u", o->wscale);
		break;
	case TC_OPT_SACK_PERM:
		strbuf_addstr(out, "sackOK");
		break;
	case TC_OPT_SACK:
		strbuf_addstr(out, "sack");
		for (int i = 0; i < o->n_sack; i++)
			strbuf_addf(out, " %" PRIu32 ":%" PRIu32, o->sack[i].left,
				    o->sack[i].right);
		break;
	case TC_OPT_TS:
		strbuf_addf(out, "TS val %" PRIu32 " ecr %" PRIu32, o->ts_val, o->ts_ecr);
		break;
	case TC_OPT_MD5:
		strbuf_addstr(out, "md5 ");
		add_hex(out, o->data, o->data_len);
		break;
	case TC_OPT_FASTOPEN:
		strbuf_addstr(out, "FO");
		if (o->data_len) {
			strbuf_addch(out, ' ');
			add_hex(out, o->data, o->data_len);
		}
		break;
	case TC_OPT_EXP:
		if (o->data_len >= 2 && o->data[0] == 0xf9 && o->data[1] == 0x89) {
			strbuf_addstr(out, "FOEXP");
			if (o->data_len > 2) {
				strbuf_addch(out, ' ');
				add_hex(out, o->data + 2, o->data_len - 2u);
			}
			break;
		}
		/* fall through */
	default:
		strbuf_addf(out, "kind%u ", o->kind);
		add_hex(out, o->data, o->data_len);
		break;
	}
}

static void dump_ipinfo(struct strbuf *out, const struct tc_packet *p)
{
	static const char *const ecn_names[] = {
		[TC_ECN_NOECN] = "noecn", [TC_ECN_ECT1] = "ect1",
		[TC_ECN_ECT0] = "ect0", [TC_ECN_CE] = "ce", [TC_ECN_ECT01] = "ect01",
	};
	const char *sep = "";

	if (p->ecn < 0 && p->tos < 0 && p->ttl < 0)
		return;
	strbuf_addstr(out, " [");
	if (p->ecn >= 0 && p->ecn <= TC_ECN_ECT01) {
		strbuf_addstr(out, ecn_names[p->ecn]);
		sep = ", ";
	}
	if (p->tos >= 0) {
		strbuf_addf(out, "%stos 0x%02x", sep, p->tos);
		sep = ", ";
	}
	if (p->ttl >= 0)
		strbuf_addf(out, "%sttl %d", sep, p->ttl);
	strbuf_addch(out, ']');
}

static void dump_packet(struct strbuf *out, const struct tc_packet *p)
{
	strbuf_addf(out, "packet %c", p->dir == TC_DIR_INBOUND ? '<' : '>');
	if (p->n_encap) {
		strbuf_addch(out, ' ');
		tc_encaps_format(p->encap, p->n_encap, out);
		out->buf[--out->len] = '\0';	/* the space after the last ':' */
	}
	dump_ipinfo(out, p);
	if (p->l4 == TC_L4_ICMP) {
		strbuf_addf(out, " icmp type %d code %d icmp6 type %d code %d",
			    p->icmp_type, p->icmp_code, p->icmp6_type, p->icmp6_code);
		if (p->icmp_mtu >= 0)
			strbuf_addf(out, " mtu %d", p->icmp_mtu);
		if (p->icmp_echo_id >= 0)
			strbuf_addf(out, " id %d", p->icmp_echo_id);
		if (p->icmp_quoted == IPPROTO_UDP)
			strbuf_addf(out, " [udp (%" PRIu32 ")]", p->payload_len);
		else if (p->icmp_quoted == IPPROTO_RAW)
			strbuf_addf(out, " [raw (%" PRIu32 ")]", p->payload_len);
		else
			strbuf_addf(out, " [%" PRIu32 ":%" PRIu32 "(%" PRIu32 ")]", p->seq_start,
				    p->seq_end, p->payload_len);
		return;
	}
	if (p->l4 == TC_L4_UDP)
		strbuf_addstr(out, " udp");
	if (p->has_ports)
		strbuf_addf(out, " %u>%u", p->sport, p->dport);
	if (p->l4 == TC_L4_UDP) {
		strbuf_addf(out, " (%" PRIu32 ")", p->payload_len);
		return;
	}
	strbuf_addch(out, ' ');
	dump_flags(out, p);
	strbuf_addf(out, " %" PRIu32 ":%" PRIu32 "(%" PRIu32 ")", p->seq_start,
		    p->seq_end, p->payload_len);
	if (p->has_ack)
		strbuf_addf(out, " ack %" PRIu32, p->ack);
	if (p->has_win)
		strbuf_addf(out, " win %u", p->win);
	if (p->has_urg)
		strbuf_addf(out, " urg %u", p->urg);
	if (p->any_options) {
		strbuf_addstr(out, " <...>");
	} else if (p->has_options) {
		int bytes = 0;

		strbuf_addstr(out, " <");
		for (int i = 0; i < p->n_options; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			dump_option(out, &p->options[i]);
			bytes += p->options[i].length;
		}
		strbuf_addf(out, "> optlen=%d", bytes);
	}
}

static void dump_expr(struct strbuf *out, const struct tc_expr *e);

static void dump_list(struct strbuf *out, struct tc_expr *const *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		dump_expr(out, v[i]);
	}
}

static void dump_expr(struct strbuf *out, const struct tc_expr *e)
{
	if (!e) {
		strbuf_addstr(out, "<null>");
		return;
	}
	switch (e->type) {
	case TC_EXPR_ELLIPSIS:
		strbuf_addstr(out, "...");
		break;
	case TC_EXPR_INT:
		strbuf_addf(out, "%" PRId64, e->num);
		break;
	case TC_EXPR_WORD:
		strbuf_addstr(out, e->str);
		break;
	case TC_EXPR_STRING:
		strbuf_addch(out, '"');
		add_escaped(out, e->str, e->str_len);
		strbuf_addch(out, '"');
		break;
	case TC_EXPR_LIST:
		strbuf_addch(out, '[');
		dump_list(out, e->elems, e->n_elems);
		strbuf_addch(out, ']');
		break;
	case TC_EXPR_STRUCT:
		strbuf_addch(out, '{');
		dump_list(out, e->elems, e->n_elems);
		strbuf_addch(out, '}');
		break;
	case TC_EXPR_OR: {
		/* The chain nests on the left: find its leftmost operand. */
		const struct tc_expr *chain[64];
		const struct tc_expr *x = e;
		int n = 0;

		while (x && x->type == TC_EXPR_OR && n < 64) {
			chain[n++] = x;
			x = x->lhs;
		}
		dump_expr(out, x);
		while (n--) {
			bool paren = chain[n]->rhs && chain[n]->rhs->type == TC_EXPR_OR;

			strbuf_addstr(out, paren ? "|(" : "|");
			dump_expr(out, chain[n]->rhs);
			if (paren)
				strbuf_addch(out, ')');
		}
		break;
	}
	case TC_EXPR_FIELD:
		strbuf_addstr(out, e->str);
		if (e->n_elems) {
			strbuf_addch(out, '(');
			dump_list(out, e->elems, e->n_elems);
			strbuf_addch(out, ')');
		}
		strbuf_addch(out, '=');
		dump_expr(out, e->lhs);
		break;
	case TC_EXPR_CALL:
		strbuf_addf(out, "%s(", e->str);
		dump_list(out, e->elems, e->n_elems);
		strbuf_addch(out, ')');
		break;
	}
}

static void dump_syscall(struct strbuf *out, const struct tc_syscall *c)
{
	strbuf_addf(out, "syscall@%d %s(", c->name_col, c->name);
	dump_list(out, c->args, c->n_args);
	strbuf_addstr(out, ") = ");
	dump_expr(out, c->result);
	if (c->errno_name)
		strbuf_addf(out, " %s", c->errno_name);
	if (c->note)
		strbuf_addf(out, " (%s)", c->note);
}

static void dump_time(struct strbuf *out, const struct tc_event *ev)
{
	switch (ev->time_type) {
	case TC_TIME_ABSOLUTE:
		strbuf_addf(out, "abs %" PRId64, ev->time_usecs);
		if (ev->time_end_usecs >= 0)
			strbuf_addf(out, "~%" PRId64, ev->time_end_usecs);
		break;
	case TC_TIME_RELATIVE:
		strbuf_addf(out, "rel +%" PRId64, ev->time_usecs);
		if (ev->time_end_usecs >= 0)
			strbuf_addf(out, "~+%" PRId64, ev->time_end_usecs);
		break;
	case TC_TIME_ANY:
		strbuf_addstr(out, "any *");
		break;
	}
	if (ev->end_usecs >= 0)
		strbuf_addf(out, " end %" PRId64, ev->end_usecs);
}

static void dump_command(struct strbuf *out, const char *cmd)
{
	strbuf_addch(out, '`');
	add_escaped(out, cmd, strlen(cmd));
	strbuf_addch(out, '`');
}

void tc_script_dump(const struct tc_script *s, struct strbuf *out)
{
	strbuf_addf(out, "script %s\n", s->path ? s->path : "");
	for (int i = 0; i < s->n_options; i++) {
		const struct tc_script_option *o = &s->options[i];

		strbuf_addf(out, "option %d:%d %s", o->line, o->col, o->name);
		if (o->value) {
			strbuf_addstr(out, "=\"");
			add_escaped(out, o->value, strlen(o->value));
			strbuf_addch(out, '"');
		}
		strbuf_addch(out, '\n');
	}
	for (int i = 0; i < s->n_requires; i++) {
		const struct tc_require *r = &s->requires[i];

		strbuf_addf(out, "requires %d %s %s \"", r->line, r->key,
			    tc_require_op_name(r->op));
		add_escaped(out, r->value, strlen(r->value));
		strbuf_addstr(out, "\"\n");
	}
	if (s->init_command) {
		strbuf_addf(out, "init %d ", s->init_line);
		dump_command(out, s->init_command);
		strbuf_addch(out, '\n');
	}
	for (int i = 0; i < s->n_events; i++) {
		const struct tc_event *ev = &s->events[i];

		strbuf_addf(out, "event %d:%d ", ev->line, ev->col);
		dump_time(out, ev);
		strbuf_addch(out, ' ');
		switch (ev->type) {
		case TC_EVENT_PACKET:
			dump_packet(out, ev->u.packet);
			break;
		case TC_EVENT_SYSCALL:
			dump_syscall(out, ev->u.syscall);
			break;
		case TC_EVENT_COMMAND:
			strbuf_addstr(out, "command ");
			dump_command(out, ev->u.command);
			break;
		case TC_EVENT_CODE:
			strbuf_addstr(out, "code %{");
			add_escaped(out, ev->u.code, strlen(ev->u.code));
			strbuf_addstr(out, "}%");
			break;
		}
		strbuf_addch(out, '\n');
	}
	if (s->cleanup_command) {
		strbuf_addf(out, "cleanup %d ", s->cleanup_line);
		dump_command(out, s->cleanup_command);
		strbuf_addch(out, '\n');
	}
}
