/*
 * dump.c: the script model as stable, line-oriented text (dump.h), for
 * the parser's golden tests and `tcpconform --dump`.
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
#include "dump.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "script.h"
#include "strbuf.h"

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


static void dump_flags(struct strbuf *out, const struct tc_packet *p)
{
	if (p->no_flags || !p->flags) {
		strbuf_addch(out, '-');
		return;
	}
	for (int i = 0; tc_tcp_flag_letters[i]; i++)
		if (tc_tcp_flag_letters[i] != '.' && (p->flags & (1u << i)))
			strbuf_addch(out, tc_tcp_flag_letters[i]);
	if (p->flags & TC_TH_ACK)
		strbuf_addch(out, '.');
}

static void dump_option(struct strbuf *out, const struct tc_option *o)
{
	/* Names from codec.c's option table, the one script notation uses. */
	const char *name = tc_option_name(o->kind);

	switch (o->kind) {
	case TC_OPT_EOL:
		strbuf_addstr(out, name);
		break;
	case TC_OPT_NOP:
		strbuf_addstr(out, name);
		break;
	case TC_OPT_MSS:
		strbuf_addf(out, "%s %u", name, o->mss);
		break;
	case TC_OPT_WSCALE:
		strbuf_addf(out, "%s %u", name, o->wscale);
		break;
	case TC_OPT_SACK_PERM:
		strbuf_addstr(out, name);
		break;
	case TC_OPT_SACK:
		strbuf_addstr(out, name);
		for (int i = 0; i < o->n_sack; i++)
			strbuf_addf(out, " %" PRIu32 ":%" PRIu32, o->sack[i].left,
				    o->sack[i].right);
		break;
	case TC_OPT_TS:
		strbuf_addf(out, "%s val %" PRIu32 " ecr %" PRIu32, name, o->ts_val, o->ts_ecr);
		break;
	case TC_OPT_MD5:
		strbuf_addf(out, "%s ", tc_option_name(TC_OPT_MD5));
		strbuf_addhex(out, o->data, o->data_len);
		break;
	case TC_OPT_FASTOPEN:
		strbuf_addstr(out, name);
		if (o->data_len) {
			strbuf_addch(out, ' ');
			strbuf_addhex(out, o->data, o->data_len);
		}
		break;
	case TC_OPT_EXP:
		if (o->data_len >= 2 && o->data[0] == 0xf9 && o->data[1] == 0x89) {
			strbuf_addstr(out, name);
			if (o->data_len > 2) {
				strbuf_addch(out, ' ');
				strbuf_addhex(out, o->data + 2, o->data_len - 2u);
			}
			break;
		}
		/* fall through */
	default:
		strbuf_addf(out, "kind%u ", o->kind);
		strbuf_addhex(out, o->data, o->data_len);
		break;
	}
}

static void dump_ipinfo(struct strbuf *out, const struct tc_packet *p)
{
	const char *sep = "";

	if (p->ecn < 0 && p->tos < 0 && p->ttl < 0)
		return;
	strbuf_addstr(out, " [");
	if (p->ecn >= 0 && p->ecn <= TC_ECN_ECT01) {
		strbuf_addstr(out, tc_ecn_name(p->ecn));
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
