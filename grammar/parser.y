/*
 * parser.y: the packetdrill script grammar, building the model of script.h.
 *
 * A pure (reentrant) parser: all state is in struct tc_parse_ctx, passed to
 * yyparse() and, through ctx->scanner, to the lexer.  Nothing here is global.
 *
 * Errors: the first syntax or semantic error is recorded in ctx->err (line,
 * column, message, and the source line with a caret) and the parse stops.
 * A semantic check that fails inside an action must free the values of that
 * action's right-hand side itself: bison does not destroy them on YYABORT.
 * Everything else on the stack is released by the %destructor rules.
 *
 * Memory: token texts live in ctx's pool (freed with the context); the
 * nodes built by actions (expressions, packets, system calls) are heap
 * objects owned by the stack until they are moved into ctx->script.
 */

%code requires {
#include "build.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)					\
	do {								\
		if (N) {						\
			(Cur).first_line = YYRHSLOC(Rhs, 1).first_line;	\
			(Cur).first_column = YYRHSLOC(Rhs, 1).first_column; \
			(Cur).first_byte = YYRHSLOC(Rhs, 1).first_byte;	\
			(Cur).last_line = YYRHSLOC(Rhs, N).last_line;	\
			(Cur).last_column = YYRHSLOC(Rhs, N).last_column; \
			(Cur).last_byte = YYRHSLOC(Rhs, N).last_byte;	\
		} else {						\
			(Cur).first_line = (Cur).last_line =		\
				YYRHSLOC(Rhs, 0).last_line;		\
			(Cur).first_column = (Cur).last_column =	\
				YYRHSLOC(Rhs, 0).last_column;		\
			(Cur).first_byte = (Cur).last_byte =		\
				YYRHSLOC(Rhs, 0).last_byte;		\
		}							\
	} while (0)
}

%code provides {
/* Parse text (len bytes, not necessarily NUL-terminated); see load.h. */
int tc_parse_text(const char *path, const char *text, size_t len,
		  const struct tc_define *defines, int n_defines,
		  struct tc_script **out, struct tc_error *err);
}

%code {
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YY_DECL int tc_lex(YYSTYPE *yylval_param, YYLTYPE *yylloc_param, \
			   void *yyscanner)
#include "lexer.h"
#include "xalloc.h"

int tc_lex(YYSTYPE *yylval_param, YYLTYPE *yylloc_param, void *yyscanner);

static int yylex(YYSTYPE *lval, YYLTYPE *loc, struct tc_parse_ctx *ctx);
static void yyerror(YYLTYPE *loc, struct tc_parse_ctx *ctx, const char *msg);

/* Stop the parse after an action found a semantic error (already recorded). */
#define FAIL() YYABORT

/* $$ is a new expression node owning its operands: check its depth. */
#define CHECK_DEPTH(e) do { \
		if (tc_check_depth(ctx, (e)) < 0) { \
			tc_expr_free(e); \
			FAIL(); \
		} \
	} while (0)
}

%define api.pure full
%define api.location.type {struct tc_loc}
%define parse.error custom
%define parse.lac full
%locations
%parse-param {struct tc_parse_ctx *ctx}
%lex-param {struct tc_parse_ctx *ctx}
%expect 0

%union {
	struct tc_num num;
	const char *text;
	struct tc_bytes str;
	struct tc_opt_tok opt;
	int dir;
	int64_t us;
	struct tc_time_val time;
	struct tc_ipinfo ipinfo;
	struct tc_ports ports;
	struct tc_flags flags;
	struct tc_seq seq;
	struct tc_opt_u32 u32;
	struct tc_opt_seq oseq;
	struct tc_option option;
	struct tc_optlist *optlist;
	struct tc_packet *pkt;
	struct tc_syscall *call;
	struct tc_expr *expr;
	struct tc_expr_vec *vec;
	struct tc_action action;
	struct tc_encaps *encaps;
	struct tc_encap encap;
	struct tc_gre_field gre_field;
}

%token END 0 "end of file"
%token <num> INTEGER "integer"
%token <text> FLOAT "decimal number"
%token <text> WORD "word"
%token <text> EWORD "errno name"
%token <str> STRING "string"
%token <text> BACKTICK "command"
%token <text> CODE "code block"
%token <opt> OPTION "option line"
%token ELLIPSIS "'...'"
%token HASH "'#'"
%token INVALID "invalid character"
%token LEXERR "invalid token"
%token ACK "'ack'" WIN "'win'" URG "'urg'" VAL "'val'" ECR "'ecr'"
%token MSS "'mss'" NOP "'nop'" EOL "'eol'" SACK "'sack'" SACKOK "'sackOK'"
%token MD5 "'md5'" TS "'TS'" FO "'FO'" FOEXP "'FOEXP'" WSCALE "'wscale'"
%token TOS "'tos'" TTL "'ttl'" ECT0 "'ect0'" ECT1 "'ect1'" ECT01 "'ect01'"
%token NOECN "'noecn'" CE "'ce'" MTU "'mtu'" UDP "'udp'" ICMP "'icmp'"
%token ECN "'ECN'" ID "'id'" RAW "'raw'"
%token IPV4 "'ipv4'" IPV6 "'ipv6'" GRE "'gre'" MPLS "'mpls'"
%token <text> ADDR4 "IPv4 address" ADDR6 "IPv6 address"

%type <us> seconds
%type <time> time
%type <action> action
%type <dir> direction
%type <ipinfo> opt_ipinfo ipinfo_items ipinfo_item
%type <ports> opt_ports
%type <flags> flags
%type <seq> seq
%type <u32> opt_ack opt_win opt_urg opt_mtu opt_echo_id
%type <oseq> opt_echoed
%type <option> tcp_option sack_blocks accecn_fields
%type <optlist> opt_tcp_options tcp_option_list
%type <pkt> packet tcp_body
%type <text> opt_errno opt_note sym cookie opt_icmp_code word addr
%type <encaps> opt_encaps
%type <encap> encap gre_fields mpls_entries
%type <u32> gre_flags gre_flag_list gre_flag mpls_entry opt_mpls_bottom
%type <gre_field> gre_field
%type <call> syscall
%type <expr> expr result result_atom
%type <str> strings
%type <vec> opt_args args

%destructor { free($$); } <optlist> <pkt> <encaps>
%destructor { tc_syscall_free($$); } <call>
%destructor { tc_expr_free($$); } <expr>
%destructor { tc_vec_free($$); } <vec>
%destructor { tc_action_free(&$$); } <action>

/* name=a|b is name=(a|b); a|b|c is (a|b)|c. */
%precedence '='
%left '|'

%%

script
	: options items
		{ if (tc_finish_script(ctx, &@$) < 0) FAIL(); }
	;

options
	: %empty
	| options OPTION
		{ if (tc_add_option(ctx, &$2, &@2) < 0) FAIL(); }
	;

items
	: %empty
	| items item
	;

item
	: event
	| BACKTICK
		{ if (tc_add_untimed(ctx, $1, &@1) < 0) FAIL(); }
	;

event
	: time action
		{
			if (tc_add_event(ctx, &$1, &@1, false, -1, NULL, &$2) < 0)
				FAIL();
		}
	| time ELLIPSIS seconds syscall
		{
			struct tc_action a = { .type = TC_EVENT_SYSCALL, .call = $4 };

			if (tc_add_event(ctx, &$1, &@1, true, $3, &@3, &a) < 0)
				FAIL();
		}
	| time ELLIPSIS '+' seconds syscall
		{
			tc_syscall_free($5);
			tc_ctx_error(ctx, &@3, "the end time of a blocking call takes no '+': "
				     "it counts from the same point as the start time");
			FAIL();
		}
	;

time
	: seconds
		{ $$ = (struct tc_time_val){ TC_TIME_ABSOLUTE, $1, -1 }; }
	| '+' seconds
		{ $$ = (struct tc_time_val){ TC_TIME_RELATIVE, $2, -1 }; }
	| seconds '~' seconds
		{
			if ($3 < $1) {
				tc_ctx_error(ctx, &@3, "time range ends before it starts");
				FAIL();
			}
			$$ = (struct tc_time_val){ TC_TIME_ABSOLUTE, $1, $3 };
		}
	| '+' seconds '~' '+' seconds
		{
			if ($5 < $2) {
				tc_ctx_error(ctx, &@4, "time range ends before it starts");
				FAIL();
			}
			$$ = (struct tc_time_val){ TC_TIME_RELATIVE, $2, $5 };
		}
	| seconds '~' '+' seconds
		{
			tc_ctx_error(ctx, &@3, "a time range must be absolute on both ends "
				     "('a~b') or relative on both ends ('+a~+b')");
			FAIL();
		}
	| '+' seconds '~' seconds
		{
			tc_ctx_error(ctx, &@4, "a time range must be absolute on both ends "
				     "('a~b') or relative on both ends ('+a~+b')");
			FAIL();
		}
	| '*'
		{ $$ = (struct tc_time_val){ TC_TIME_ANY, 0, -1 }; }
	;

seconds
	: INTEGER
		{ if (tc_to_usecs(ctx, $1.text, true, &$1, &@1, &$$) < 0) FAIL(); }
	| FLOAT
		{ if (tc_to_usecs(ctx, $1, false, NULL, &@1, &$$) < 0) FAIL(); }
	;

action
	: packet
		{ $$ = (struct tc_action){ .type = TC_EVENT_PACKET, .pkt = $1 }; }
	| syscall
		{ $$ = (struct tc_action){ .type = TC_EVENT_SYSCALL, .call = $1 }; }
	| BACKTICK
		{ $$ = (struct tc_action){ .type = TC_EVENT_COMMAND, .text = $1 }; }
	| CODE
		{ $$ = (struct tc_action){ .type = TC_EVENT_CODE, .text = $1 }; }
	;

/* ---- packets ---- */

packet
	: direction opt_encaps opt_ipinfo tcp_body
		{
			int rc = tc_finish_packet(ctx, $4, $1, &@1, $2, &$3);

			free($2);
			if (rc < 0) {
				free($4);
				FAIL();
			}
			$$ = $4;
		}
	| direction opt_encaps opt_ipinfo UDP opt_ports '(' INTEGER ')'
		{
			struct tc_packet *p;
			int rc;

			if (tc_check_num(ctx, &$7, &@7, "udp length", 0, 65535) < 0) {
				free($2);
				FAIL();
			}
			p = xcalloc(1, sizeof(*p));
			p->l4 = TC_L4_UDP;
			p->has_ports = $5.has;
			p->sport = $5.sport;
			p->dport = $5.dport;
			p->payload_len = (uint32_t)$7.v;
			rc = tc_finish_packet(ctx, p, $1, &@1, $2, &$3);
			free($2);
			if (rc < 0) {
				free(p);
				FAIL();
			}
			$$ = p;
		}
	| direction opt_encaps opt_ipinfo ICMP word opt_icmp_code opt_mtu opt_echo_id opt_echoed
		{
			struct tc_packet *p = xcalloc(1, sizeof(*p));
			int rc;

			p->l4 = TC_L4_ICMP;
			p->icmp_mtu = $7.has ? (int)$7.v : -1;
			p->icmp_echo_id = $8.has ? (int)$8.v : -1;
			p->icmp_quoted = $9.has ? $9.proto : IPPROTO_TCP;
			if ($9.has) {
				p->seq_start = $9.s.start;
				p->seq_end = $9.s.end;
				p->payload_len = $9.s.len;
			}
			rc = tc_icmp_resolve(ctx, p, $5, &@5, $6, &@6, $7.has, &@7) < 0 ||
			     (p->icmp_echo_id >= 0 && !tc_icmp_is_echo(p) &&
			      tc_ctx_error(ctx, &@8, "'id' is only for echo messages "
					   "(echo_request, echo_reply)") < 0) ||
			     tc_finish_packet(ctx, p, $1, &@1, $2, &$3) < 0 ? -1 : 0;
			free($2);
			if (rc < 0) {
				free(p);
				FAIL();
			}
			$$ = p;
		}
	;

/* Encapsulation headers, outermost first: `ipv4 A > B:`, `ipv6 A > B:`,
 * `gre:` (or `GREv0:`, or with its fields), `mpls (label L, tc T, [S],
 * ttl N)...:`. */
opt_encaps
	: %empty
		{ $$ = NULL; }
	| opt_encaps encap
		{
			$$ = $1 ? $1 : xcalloc(1, sizeof(*$$));
			if ($$->n == TC_MAX_ENCAP) {
				tc_ctx_error(ctx, &@2, "more than %d encapsulation headers",
					     TC_MAX_ENCAP);
				free($$);
				FAIL();
			}
			$$->loc[$$->n] = @2;
			$$->e[$$->n++] = $2;
		}
	;

encap
	: IPV4 opt_ipinfo addr '>' addr ':'
		{
			if (tc_encap_ip(ctx, &$$, 4, &$2, $3, &@3, $5, &@5) < 0)
				FAIL();
		}
	| IPV6 opt_ipinfo addr '>' addr ':'
		{
			if (tc_encap_ip(ctx, &$$, 6, &$2, $3, &@3, $5, &@5) < 0)
				FAIL();
		}
	| GRE ':'
		{ $$ = (struct tc_encap){ .type = TC_ENCAP_GRE }; }
	| GRE opt_comma gre_fields ':'
		{ $$ = $3; }
	| MPLS mpls_entries ':'
		{ $$ = $2; }
	;

addr
	: ADDR4		{ $$ = $1; }
	| ADDR6		{ $$ = $1; }
	;

opt_comma
	: %empty
	| ','
	;

/* flags [...] sum N off N key N seq N, as packetdrill writes them. */
gre_fields
	: gre_flags opt_comma gre_field opt_comma gre_field opt_comma gre_field
	  opt_comma gre_field
		{
			const struct tc_gre_field *f[] = { &$3, &$5, &$7, &$9 };

			if (tc_gre_finish(ctx, &$$, $1.v, &@1, f) < 0)
				FAIL();
		}
	;

gre_flags
	: word '[' gre_flag_list ']'
		{
			if (tc_expect_word(ctx, $1, &@1, "flags", "after 'gre'") < 0)
				FAIL();
			$$ = $3;
		}
	| word INTEGER
		{
			if (tc_expect_word(ctx, $1, &@1, "flags", "after 'gre'") < 0 ||
			    tc_check_num(ctx, &$2, &@2, "GRE flags", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

gre_flag_list
	: gre_flag
	| gre_flag_list ',' gre_flag
		{ $$ = (struct tc_opt_u32){ true, $1.v | $3.v }; }
	;

/* none, checksum present, key present, sequence# present */
gre_flag
	: word
		{
			if (strcmp($1, "none") && tc_ctx_error(ctx, &@1, "unknown GRE flag "
					"'%s' (none, checksum present, key present, "
					"sequence# present)", $1) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, 0 };
		}
	| word word
		{
			if (tc_gre_flag(ctx, $1, $2, &@1, &$$) < 0)
				FAIL();
		}
	| word HASH word
		{
			if ((strcmp($1, "sequence") || strcmp($3, "present")) &&
			    tc_ctx_error(ctx, &@1, "unknown GRE flag '%s# %s' (none, "
					 "checksum present, key present, sequence# present)",
					 $1, $3) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, TC_GRE_SEQ };
		}
	;

gre_field
	: word INTEGER
		{ $$ = (struct tc_gre_field){ $1, $2, @1, @2 }; }
	| word '=' INTEGER
		{ $$ = (struct tc_gre_field){ $1, $3, @1, @3 }; }
	;

mpls_entries
	: mpls_entry
		{
			$$ = (struct tc_encap){ .type = TC_ENCAP_MPLS, .n_mpls = 1 };
			$$.mpls[0] = $1.v;
		}
	| mpls_entries mpls_entry
		{
			$$ = $1;
			if ($$.n_mpls == TC_MAX_MPLS) {
				tc_ctx_error(ctx, &@2, "more than %d MPLS labels", TC_MAX_MPLS);
				FAIL();
			}
			$$.mpls[$$.n_mpls++] = $2.v;
		}
	;

/* (label L, tc T, [S], ttl N): [S] marks the bottom of the stack. */
mpls_entry
	: '(' word INTEGER ',' word INTEGER ',' opt_mpls_bottom TTL INTEGER ')'
		{
			if (tc_expect_word(ctx, $2, &@2, "label", "in an MPLS entry") < 0 ||
			    tc_expect_word(ctx, $5, &@5, "tc", "in an MPLS entry") < 0 ||
			    tc_check_num(ctx, &$3, &@3, "MPLS label", 0, (1 << 20) - 1) < 0 ||
			    tc_check_num(ctx, &$6, &@6, "MPLS traffic class", 0, 7) < 0 ||
			    tc_check_num(ctx, &$10, &@10, "MPLS ttl", 0, 255) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$3.v << 12 |
						  (uint32_t)$6.v << 9 | $8.v << 8 |
						  (uint32_t)$10.v };
		}
	;

opt_mpls_bottom
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| '[' word ']' ','
		{
			if (strcmp($2, "S") && tc_ctx_error(ctx, &@2, "expected [S] for the "
					"bottom of an MPLS label stack, not [%s]", $2) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, 1 };
		}
	;

direction
	: '<'	{ $$ = TC_DIR_INBOUND; }
	| '>'	{ $$ = TC_DIR_OUTBOUND; }
	;

opt_ipinfo
	: %empty
		{ $$ = (struct tc_ipinfo){ -1, -1, -1, @$ }; }
	| '[' ipinfo_items ']'
		{ $$ = $2; }
	| '(' ipinfo_items ')'
		{ $$ = $2; }
	;

ipinfo_items
	: ipinfo_item
	| ipinfo_items ',' ipinfo_item
		{
			$$ = $1;
			if (tc_ipinfo_merge(ctx, &$$, &$3, &@3) < 0)
				FAIL();
		}
	;

ipinfo_item
	: NOECN	{ $$ = (struct tc_ipinfo){ TC_ECN_NOECN, -1, -1, @1 }; }
	| ECT0	{ $$ = (struct tc_ipinfo){ TC_ECN_ECT0, -1, -1, @1 }; }
	| ECT1	{ $$ = (struct tc_ipinfo){ TC_ECN_ECT1, -1, -1, @1 }; }
	| CE	{ $$ = (struct tc_ipinfo){ TC_ECN_CE, -1, -1, @1 }; }
	| ECT01	{ $$ = (struct tc_ipinfo){ TC_ECN_ECT01, -1, -1, @1 }; }
	| TOS INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "tos", 0, 255) < 0)
				FAIL();
			$$ = (struct tc_ipinfo){ -1, (int)$2.v, -1, @1 };
		}
	| TTL INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "ttl", 0, 255) < 0)
				FAIL();
			$$ = (struct tc_ipinfo){ -1, -1, (int)$2.v, @1 };
		}
	;

opt_ports
	: %empty
		{ $$ = (struct tc_ports){ false, 0, 0 }; }
	| INTEGER '>' INTEGER
		{
			if (tc_check_num(ctx, &$1, &@1, "source port", 0, 65535) < 0 ||
			    tc_check_num(ctx, &$3, &@3, "destination port", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_ports){ true, (uint16_t)$1.v, (uint16_t)$3.v };
		}
	;

tcp_body
	: opt_ports flags seq opt_ack opt_win opt_urg opt_tcp_options
		{
			struct tc_packet *p = xcalloc(1, sizeof(*p));

			p->l4 = TC_L4_TCP;
			p->has_ports = $1.has;
			p->sport = $1.sport;
			p->dport = $1.dport;
			p->flags = $2.bits;
			p->no_flags = $2.none;
			p->seq_start = $3.start;
			p->seq_end = $3.end;
			p->payload_len = $3.len;
			p->has_ack = $4.has;
			p->ack = $4.v;
			p->has_win = $5.has;
			p->win = (uint16_t)$5.v;
			p->has_urg = $6.has;
			p->urg = (uint16_t)$6.v;
			if ($7) {
				p->has_options = true;
				p->any_options = $7->any;
				p->n_options = $7->n;
				memcpy(p->options, $7->opts, sizeof(p->options));
				free($7);
			}
			$$ = p;
		}
	;

flags
	: word
		{ if (tc_parse_flags(ctx, $1, &@1, &$$) < 0) FAIL(); }
	| word '.'
		{
			if (tc_parse_flags(ctx, $1, &@1, &$$) < 0)
				FAIL();
			if ($$.bits & TC_TH_ACK) {
				tc_ctx_error(ctx, &@2, "duplicate TCP flag '.'");
				FAIL();
			}
			$$.bits |= TC_TH_ACK;
		}
	| word FLOAT
		{
			if (tc_parse_flags(ctx, $1, &@1, &$$) < 0 ||
			    tc_add_ace(ctx, $2, &@2, &$$) < 0)
				FAIL();
		}
	| FLOAT
		{
			$$ = (struct tc_flags){ 0, false };
			if (tc_add_ace(ctx, $1, &@1, &$$) < 0)
				FAIL();
		}
	| '.'
		{ $$ = (struct tc_flags){ TC_TH_ACK, false }; }
	| '-'
		{ $$ = (struct tc_flags){ 0, true }; }
	;

seq
	: INTEGER ':' INTEGER '(' INTEGER ')'
		{
			if (tc_check_num(ctx, &$1, &@1, "sequence start", 0, UINT32_MAX) < 0 ||
			    tc_check_num(ctx, &$3, &@3, "sequence end", 0, UINT32_MAX) < 0 ||
			    tc_check_num(ctx, &$5, &@5, "payload length", 0, 65535) < 0)
				FAIL();
			if ((uint32_t)($1.v + $5.v) != (uint32_t)$3.v) {
				tc_ctx_error(ctx, &@3, "sequence end %s is not start %s plus length %s",
					     $3.text, $1.text, $5.text);
				FAIL();
			}
			$$ = (struct tc_seq){ (uint32_t)$1.v, (uint32_t)$3.v, (uint32_t)$5.v };
		}
	;

opt_ack
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| ACK INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "ack", 0, UINT32_MAX) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

opt_win
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| WIN INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "win", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

opt_urg
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| URG INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "urg", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

opt_tcp_options
	: %empty
		{ $$ = NULL; }
	| '<' ELLIPSIS '>'
		{
			$$ = xcalloc(1, sizeof(*$$));
			$$->any = true;
			ctx->any_options_loc = @1;
		}
	| '<' '>'
		{ $$ = xcalloc(1, sizeof(*$$)); }
	| '<' tcp_option_list '>'
		{ $$ = $2; }
	;

tcp_option_list
	: tcp_option
		{
			$$ = xcalloc(1, sizeof(*$$));
			if (tc_optlist_add(ctx, $$, &$1, &@1) < 0) {
				free($$);
				FAIL();
			}
		}
	| tcp_option_list ',' tcp_option
		{
			$$ = $1;
			if (tc_optlist_add(ctx, $$, &$3, &@3) < 0) {
				free($$);
				FAIL();
			}
		}
	;

tcp_option
	: NOP
		{ $$ = (struct tc_option){ .kind = TC_OPT_NOP, .length = 1 }; }
	| EOL
		{ $$ = (struct tc_option){ .kind = TC_OPT_EOL, .length = 1 }; }
	| MSS INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "mss", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_option){ .kind = TC_OPT_MSS, .length = 4,
						 .mss = (uint16_t)$2.v };
		}
	| WSCALE INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "wscale", 0, 255) < 0)
				FAIL();
			$$ = (struct tc_option){ .kind = TC_OPT_WSCALE, .length = 3,
						 .wscale = (uint8_t)$2.v };
		}
	| SACKOK
		{ $$ = (struct tc_option){ .kind = TC_OPT_SACK_PERM, .length = 2 }; }
	| SACK sack_blocks
		{ $$ = $2; }
	| TS VAL INTEGER ECR INTEGER
		{
			if (tc_check_num(ctx, &$3, &@3, "TS val", 0, UINT32_MAX) < 0 ||
			    tc_check_num(ctx, &$5, &@5, "TS ecr", 0, UINT32_MAX) < 0)
				FAIL();
			$$ = (struct tc_option){ .kind = TC_OPT_TS, .length = 10,
						 .ts_val = (uint32_t)$3.v,
						 .ts_ecr = (uint32_t)$5.v };
		}
	| FO
		{ $$ = (struct tc_option){ .kind = TC_OPT_FASTOPEN, .length = 2 }; }
	| FO cookie
		{
			$$ = (struct tc_option){ .kind = TC_OPT_FASTOPEN };
			if (tc_parse_cookie(ctx, $2, &@2, "FO cookie", TC_MAX_OPT_BYTES - 2,
					 $$.data, &$$.data_len) < 0)
				FAIL();
			$$.length = (uint8_t)(2 + $$.data_len);
		}
	| FOEXP
		{
			$$ = (struct tc_option){ .kind = TC_OPT_EXP, .length = 4,
						 .data = { 0xf9, 0x89 }, .data_len = 2 };
		}
	| FOEXP cookie
		{
			uint8_t n = 0;

			$$ = (struct tc_option){ .kind = TC_OPT_EXP,
						 .data = { 0xf9, 0x89 } };
			if (tc_parse_cookie(ctx, $2, &@2, "FOEXP cookie", TC_MAX_OPT_BYTES - 4,
					 $$.data + 2, &n) < 0)
				FAIL();
			$$.data_len = (uint8_t)(2 + n);
			$$.length = (uint8_t)(2 + $$.data_len);
		}
	| ECN accecn_fields
		{ $$ = $2; }
	| MD5 cookie
		{
			uint8_t n = 0;

			$$ = (struct tc_option){ .kind = TC_OPT_MD5, .length = 18,
						 .data_len = 16 };
			if (tc_parse_cookie(ctx, $2, &@2, "md5 digest", 16, $$.data, &n) < 0)
				FAIL();
		}
	;

/* "e0b N [ceb N [e1b N]]" (kind 172) or "e1b N [ceb N [e0b N]]" (kind
 * 174): the first field named picks the kind and the order. */
accecn_fields
	: word INTEGER
		{
			$$ = (struct tc_option){ .length = 2 };
			if (tc_add_accecn(ctx, &$$, $1, &@1, &$2, &@2) < 0)
				FAIL();
		}
	| accecn_fields word INTEGER
		{
			$$ = $1;
			if (tc_add_accecn(ctx, &$$, $2, &@2, &$3, &@3) < 0)
				FAIL();
		}
	;

sack_blocks
	: %empty
		{ $$ = (struct tc_option){ .kind = TC_OPT_SACK, .length = 2 }; }
	| sack_blocks INTEGER ':' INTEGER
		{
			$$ = $1;
			if (tc_check_num(ctx, &$2, &@2, "SACK left edge", 0, UINT32_MAX) < 0 ||
			    tc_check_num(ctx, &$4, &@4, "SACK right edge", 0, UINT32_MAX) < 0)
				FAIL();
			if ($$.n_sack == TC_MAX_SACK_BLOCKS) {
				tc_ctx_error(ctx, &@2, "too many SACK blocks (at most %d)",
					     TC_MAX_SACK_BLOCKS);
				FAIL();
			}
			$$.sack[$$.n_sack].left = (uint32_t)$2.v;
			$$.sack[$$.n_sack].right = (uint32_t)$4.v;
			$$.n_sack++;
			$$.length = (uint8_t)($$.length + 8);
		}
	;

cookie
	: word		{ $$ = $1; }
	| INTEGER	{ $$ = $1.text; }
	;

opt_icmp_code
	: %empty	{ $$ = NULL; }
	| word		{ $$ = $1; }
	;

opt_mtu
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| MTU INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "mtu", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

/* `id N`: the identifier of an echo request or reply. */
opt_echo_id
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| ID INTEGER
		{
			if (tc_check_num(ctx, &$2, &@2, "id", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, $2.v };
		}
	;

/* What an ICMP error quotes: a TCP segment [START:END(LEN)], a UDP
 * datagram of LEN payload bytes [udp (LEN)], or an IP packet of protocol
 * 255 (raw) with LEN bytes [raw (LEN)]. */
opt_echoed
	: %empty
		{ $$ = (struct tc_opt_seq){ .has = false, .proto = IPPROTO_TCP }; }
	| '[' seq ']'
		{ $$ = (struct tc_opt_seq){ .has = true, .s = $2, .proto = IPPROTO_TCP }; }
	| '[' UDP '(' INTEGER ')' ']'
		{
			if (tc_check_num(ctx, &$4, &@4, "UDP payload length", 0, 65507) < 0)
				FAIL();
			$$ = (struct tc_opt_seq){ .has = true, .proto = IPPROTO_UDP,
						  .s = { .len = (uint32_t)$4.v } };
		}
	| '[' RAW '(' INTEGER ')' ']'
		{
			if (tc_check_num(ctx, &$4, &@4, "raw payload length", 0, 65515) < 0)
				FAIL();
			$$ = (struct tc_opt_seq){ .has = true, .proto = IPPROTO_RAW,
						  .s = { .len = (uint32_t)$4.v } };
		}
	;

/* ---- system calls ---- */

syscall
	: word '(' opt_args ')' '=' result opt_errno opt_note
		{
			struct tc_syscall *c = xcalloc(1, sizeof(*c));

			c->name = xstrdup($1);
			c->name_col = @1.first_column;
			tc_vec_move($3, &c->args, &c->n_args);
			c->result = $6;
			c->errno_name = $7 ? xstrdup($7) : NULL;
			c->note = $8 ? xstrdup($8) : NULL;
			$$ = c;
		}
	;

opt_args
	: %empty
		{ $$ = tc_vec_new(); }
	| args
	;

args
	: expr
		{
			$$ = tc_vec_new();
			tc_vec_push($$, $1);
		}
	| args ',' expr
		{
			$$ = $1;
			tc_vec_push($$, $3);
		}
	;

expr
	: ELLIPSIS
		{ $$ = tc_expr_new(TC_EXPR_ELLIPSIS, &@1); }
	| INTEGER
		{
			if (tc_check_num(ctx, &$1, &@1, "integer", INT64_MIN, INT64_MAX) < 0)
				FAIL();
			$$ = tc_expr_new(TC_EXPR_INT, &@1);
			$$->num = $1.v;
		}
	| strings
		{
			$$ = tc_expr_new(TC_EXPR_STRING, &@1);
			$$->str = xcalloc(1, $1.len + 1);
			memcpy($$->str, $1.s, $1.len);
			$$->str_len = $1.len;
		}
	| sym
		{
			$$ = tc_expr_new(TC_EXPR_WORD, &@1);
			$$->str = xstrdup($1);
		}
	| sym '=' expr
		{
			$$ = tc_expr_new(TC_EXPR_FIELD, &@1);
			$$->str = xstrdup($1);
			$$->lhs = $3;
			CHECK_DEPTH($$);
		}
	| sym '(' opt_args ')'
		{
			$$ = tc_expr_new(TC_EXPR_CALL, &@1);
			$$->str = xstrdup($1);
			tc_vec_move($3, &$$->elems, &$$->n_elems);
			CHECK_DEPTH($$);
		}
	| sym '(' opt_args ')' '=' expr
		{
			/* msg_iov(1)=[...]: a FIELD whose elems keep the arguments. */
			$$ = tc_expr_new(TC_EXPR_FIELD, &@1);
			$$->str = xstrdup($1);
			tc_vec_move($3, &$$->elems, &$$->n_elems);
			$$->lhs = $6;
			CHECK_DEPTH($$);
		}
	| '[' opt_args ']'
		{
			$$ = tc_expr_new(TC_EXPR_LIST, &@1);
			tc_vec_move($2, &$$->elems, &$$->n_elems);
			CHECK_DEPTH($$);
		}
	| '{' opt_args '}'
		{
			$$ = tc_expr_new(TC_EXPR_STRUCT, &@1);
			tc_vec_move($2, &$$->elems, &$$->n_elems);
			CHECK_DEPTH($$);
		}
	| expr '|' expr
		{
			$$ = tc_expr_new(TC_EXPR_OR, &@1);
			$$->lhs = $1;
			$$->rhs = $3;
			CHECK_DEPTH($$);
		}
	;

strings
	: STRING
	| strings STRING
		{
			char *p = tc_pool_mem(ctx, NULL, $1.len + $2.len);

			memcpy(p, $1.s, $1.len);
			memcpy(p + $1.len, $2.s, $2.len);
			$$ = (struct tc_bytes){ p, $1.len + $2.len };
		}
	;

/* Keywords are plain names inside system call arguments. */
sym
	: word		{ $$ = $1; }
	| ACK		{ $$ = "ack"; }
	| WIN		{ $$ = "win"; }
	| URG		{ $$ = "urg"; }
	| VAL		{ $$ = "val"; }
	| ECR		{ $$ = "ecr"; }
	| MSS		{ $$ = "mss"; }
	| NOP		{ $$ = "nop"; }
	| EOL		{ $$ = "eol"; }
	| SACK		{ $$ = "sack"; }
	| SACKOK	{ $$ = "sackOK"; }
	| MD5		{ $$ = "md5"; }
	| TS		{ $$ = "TS"; }
	| FO		{ $$ = "FO"; }
	| FOEXP		{ $$ = "FOEXP"; }
	| WSCALE	{ $$ = "wscale"; }
	| TOS		{ $$ = "tos"; }
	| TTL		{ $$ = "ttl"; }
	| ECT0		{ $$ = "ect0"; }
	| ECT1		{ $$ = "ect1"; }
	| ECT01		{ $$ = "ect01"; }
	| NOECN		{ $$ = "noecn"; }
	| CE		{ $$ = "ce"; }
	| MTU		{ $$ = "mtu"; }
	| UDP		{ $$ = "udp"; }
	| ICMP		{ $$ = "icmp"; }
	| ECN		{ $$ = "ECN"; }
	| ID		{ $$ = "id"; }
	| RAW		{ $$ = "raw"; }
	| IPV4		{ $$ = "ipv4"; }
	| IPV6		{ $$ = "ipv6"; }
	| GRE		{ $$ = "gre"; }
	| MPLS		{ $$ = "mpls"; }
	;

/* The result: a number or symbols; kept simple so that a following
 * '(' always starts the note. */
result
	: result_atom
	| result '|' result_atom
		{
			$$ = tc_expr_new(TC_EXPR_OR, &@1);
			$$->lhs = $1;
			$$->rhs = $3;
			CHECK_DEPTH($$);
		}
	;

result_atom
	: INTEGER
		{
			if (tc_check_num(ctx, &$1, &@1, "integer", INT64_MIN, INT64_MAX) < 0)
				FAIL();
			$$ = tc_expr_new(TC_EXPR_INT, &@1);
			$$->num = $1.v;
		}
	| word
		{
			$$ = tc_expr_new(TC_EXPR_WORD, &@1);
			$$->str = xstrdup($1);
		}
	| ELLIPSIS
		{ $$ = tc_expr_new(TC_EXPR_ELLIPSIS, &@1); }
	;

/* Errno names are the words E[A-Z0-9]+ (the lexer's EWORD), so a word
 * after a result can only be an errno name and a missing time is caught. */
opt_errno
	: %empty	{ $$ = NULL; }
	| EWORD		{ $$ = $1; }
	;

word
	: WORD		{ $$ = $1; }
	| EWORD		{ $$ = $1; }
	;

/* The strace-style note: free text up to the matching ')', taken from the
 * source as written. */
opt_note
	: %empty
		{ $$ = NULL; }
	| '(' note_items ')'
		{ $$ = tc_note_text(ctx, &@1, &@3); }
	;

note_items
	: %empty
	| note_items note_item
	;

note_item
	: '(' note_items ')'
	| INTEGER | FLOAT | WORD | EWORD | STRING | BACKTICK | CODE | OPTION | ELLIPSIS
	| HASH | INVALID
	| ACK | WIN | URG | VAL | ECR | MSS | NOP | EOL | SACK | SACKOK | MD5
	| TS | FO | FOEXP | WSCALE | TOS | TTL | ECT0 | ECT1 | ECT01 | NOECN
	| CE | MTU | UDP | ICMP | ECN | ID | RAW | IPV4 | IPV6 | GRE | MPLS
	| ADDR4 | ADDR6
	| '<' | '>' | '+' | '~' | '*' | '.' | '-' | ',' | ':' | '[' | ']'
	| '{' | '}' | '=' | '|'
	;

%%

/* ------------------------------------------------------------------ */
/* Errors */

/* Describe the token at loc for a message: 'text' or "end of file". */
static void token_desc(struct tc_parse_ctx *ctx, yysymbol_kind_t tok,
		       const YYLTYPE *loc, char *buf, size_t size)
{
	enum { MAXT = 40 };
	size_t a = loc->first_byte, b = loc->last_byte, n = 0;
	char t[MAXT + 4];

	if (tok == YYSYMBOL_YYEOF) {
		snprintf(buf, size, "end of file");
		return;
	}
	if (b > ctx->len)
		b = ctx->len;
	if (tok == YYSYMBOL_INVALID && a < b) {
		unsigned char ch = (unsigned char)ctx->text[a];

		if (ch >= 0x20 && ch < 0x7f)
			snprintf(buf, size, "'%c'", ch);
		else
			snprintf(buf, size, "'\\x%02x'", ch);
		return;
	}
	for (size_t i = a; i < b && n < MAXT; i++) {
		unsigned char ch = (unsigned char)ctx->text[i];

		if (ch == '\n' || ch == '\r')
			break;
		t[n++] = (ch >= 0x20 && ch < 0x7f) || ch >= 0x80 ? (char)ch : '?';
	}
	if (a + n < b) {
		memcpy(t + n, "...", 3);
		n += 3;
	}
	t[n] = '\0';
	snprintf(buf, size, "'%s'", t);
}

/* A symbol's name for "expecting ...": keywords and punctuation quoted. */
static void symbol_desc(yysymbol_kind_t sym, char *buf, size_t size)
{
	const char *name = yysymbol_name(sym);
	size_t n = strlen(name);

	if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
		snprintf(buf, size, "%.*s", (int)(n - 2), name + 1);
	else
		snprintf(buf, size, "%s", name);
}

static bool has_sym(const yysymbol_kind_t *exp, int n, yysymbol_kind_t sym)
{
	for (int i = 0; i < n; i++)
		if (exp[i] == sym)
			return true;
	return false;
}

/* All expected tokens are among those that may start an item. */
static bool at_item_start(const yysymbol_kind_t *exp, int n)
{
	/* Not static: YYTRANSLATE reads bison's table, which is no constant
	 * expression in C (gcc folds it anyway, clang refuses). */
	const yysymbol_kind_t start[] = {
		YYSYMBOL_YYEOF, YYSYMBOL_INTEGER, YYSYMBOL_FLOAT, YYSYMBOL_BACKTICK,
		YYSYMBOL_OPTION, YYTRANSLATE('+'), YYTRANSLATE('*'),
	};

	if (!has_sym(exp, n, YYTRANSLATE('*')))
		return false;
	for (int i = 0; i < n; i++)
		if (!has_sym(start, (int)(sizeof(start) / sizeof(start[0])), exp[i]))
			return false;
	return true;
}

/* Is the token at loc the first thing on its line? */
static bool starts_line(const struct tc_parse_ctx *ctx, const YYLTYPE *loc)
{
	for (size_t i = loc->first_byte; i > 0 && ctx->text[i - 1] != '\n'; i--)
		if (ctx->text[i - 1] != ' ' && ctx->text[i - 1] != '\t')
			return false;
	return true;
}

/* The TCP option names of packet lines, for "did you mean". */
static const char *const tcp_option_names[] = {
	"mss", "wscale", "sackOK", "sack", "TS", "nop", "eol", "md5", "FO",
	"FOEXP", "ECN", NULL,
};

/* Copy src lower-cased into dst (cap bytes, src shorter). */
static void lower_copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[n] = '\0';
}

/* The option name nearest the word at loc (within TC_NEAR_EDITS, case
 * aside: 'ts' is 'TS'), or NULL. */
static const char *nearest_tcp_option(const struct tc_parse_ctx *ctx,
				      const YYLTYPE *loc)
{
	size_t a = loc->first_byte, b = loc->last_byte;
	const char *best = NULL;
	int best_d = TC_NEAR_EDITS + 1;
	char word[64], name[16];

	if (b > ctx->len || b <= a || b - a >= sizeof(word))
		return NULL;
	lower_copy(word, ctx->text + a, b - a);
	for (int i = 0; tcp_option_names[i]; i++) {
		int d;

		lower_copy(name, tcp_option_names[i], strlen(tcp_option_names[i]));
		d = tc_edits(word, name);

		if (d < best_d)
			best_d = d, best = tcp_option_names[i];
	}
	return best;
}

static int yyreport_syntax_error(const yypcontext_t *yyctx,
				 struct tc_parse_ctx *ctx)
{
	yysymbol_kind_t exp[YYNTOKENS];
	yysymbol_kind_t tok = yypcontext_token(yyctx);
	const YYLTYPE *loc = yypcontext_location(yyctx);
	struct strbuf sb = STRBUF_INIT;
	char what[64], name[64];
	int n;

	if (ctx->failed)
		return 0;
	n = yypcontext_expected_tokens(yyctx, exp, YYNTOKENS);
	if (n < 0)
		n = 0;
	token_desc(ctx, tok, loc, what, sizeof(what));

	if (tok == YYSYMBOL_HASH) {
		strbuf_addstr(&sb, "'#' does not start a comment; use '//' or '/* */'");
	} else if (tok == YYSYMBOL_INVALID) {
		strbuf_addf(&sb, "invalid character %s", what);
	} else if (tok == YYSYMBOL_OPTION) {
		strbuf_addf(&sb, "option line %s must come before the init command "
			    "and the events", what);
	} else if (has_sym(exp, n, YYSYMBOL_HASH)) {
		strbuf_addf(&sb, "unterminated note: expected ')' before %s", what);
	} else if (has_sym(exp, n, YYTRANSLATE(',')) &&
		   has_sym(exp, n, YYTRANSLATE('>'))) {
		strbuf_addf(&sb, "unterminated TCP option list: expected ',' or '>' "
			    "before %s", what);
	} else if (tok == YYSYMBOL_WORD && has_sym(exp, n, YYSYMBOL_MSS) &&
		   has_sym(exp, n, YYSYMBOL_WSCALE)) {
		const char *near = nearest_tcp_option(ctx, loc);

		strbuf_addf(&sb, "unknown TCP option %s", what);
		if (near)
			strbuf_addf(&sb, " (did you mean '%s'?)", near);
	} else if (at_item_start(exp, n) ||
		   (has_sym(exp, n, YYTRANSLATE('*')) && starts_line(ctx, loc) &&
		    (tok == YYSYMBOL_WORD || tok == YYSYMBOL_EWORD ||
		     tok == YYSYMBOL_CODE || tok == YYTRANSLATE('<') ||
		     tok == YYTRANSLATE('>')))) {
		strbuf_addf(&sb, "expected an event time (such as '0', '+0.1' or '*') "
			    "before %s", what);
	} else if (has_sym(exp, n, YYSYMBOL_ELLIPSIS) &&
		   has_sym(exp, n, YYTRANSLATE('<')) &&
		   has_sym(exp, n, YYSYMBOL_WORD)) {
		strbuf_addf(&sb, "expected a packet, system call, command or code "
			    "block after the time, got %s", what);
	} else {
		strbuf_addf(&sb, "syntax error, unexpected %s", what);
		if (n > 0 && n <= 4) {
			for (int i = 0; i < n; i++) {
				symbol_desc(exp[i], name, sizeof(name));
				strbuf_addf(&sb, "%s%s", i ? " or " : ", expecting ", name);
			}
		}
	}
	tc_ctx_error(ctx, loc, "%s", sb.buf);
	strbuf_release(&sb);
	return 0;
}

static void yyerror(YYLTYPE *loc, struct tc_parse_ctx *ctx, const char *msg)
{
	if (!strcmp(msg, "memory exhausted"))
		tc_ctx_error(ctx, loc, "script nests too deeply for the parser");
	else
		tc_ctx_error(ctx, loc, "%s", msg);
}

static int yylex(YYSTYPE *lval, YYLTYPE *loc, struct tc_parse_ctx *ctx)
{
	int tok = tc_lex(lval, loc, ctx->scanner);

	if (tok == END) {
		loc->first_line = loc->last_line = ctx->last_end.last_line;
		loc->first_column = loc->last_column = ctx->last_end.last_column;
		loc->first_byte = loc->last_byte = ctx->last_end.last_byte;
	} else if (tok != LEXERR) {
		ctx->last_end = *loc;
	}
	return tok;
}

int tc_parse_text(const char *path, const char *text, size_t len,
		  const struct tc_define *defines, int n_defines,
		  struct tc_script **out, struct tc_error *err)
{
	struct tc_parse_ctx ctx;
	YY_BUFFER_STATE buf;
	int ret = -1, rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.path = path;
	ctx.err = err;
	ctx.defines = defines;
	ctx.n_defines = n_defines;
	ctx.line = ctx.col = 1;
	ctx.last_end = (struct tc_loc){ 1, 1, 1, 1, 0, 0 };
	strbuf_init(&ctx.sb);
	ctx.text = xcalloc(1, len + 1);
	memcpy(ctx.text, text, len);
	ctx.len = len;
	ctx.script = xcalloc(1, sizeof(*ctx.script));
	ctx.script->path = xstrdup(path);
	*out = NULL;

	if (len > (size_t)INT32_MAX / 2) {
		tc_error_set(err, TC_ERR_SCRIPT, "script is too large (%zu bytes)", len);
		err->file = path;
		goto out;
	}
	if (tc_yylex_init_extra(&ctx, &ctx.scanner)) {
		tc_error_set(err, TC_ERR_ENV, "cannot start the lexer: %s",
			     strerror(errno));
		err->file = path;
		goto out;
	}
	buf = tc_yy_scan_bytes(ctx.text, (int)len, ctx.scanner);
	rc = yyparse(&ctx);
	tc_yy_delete_buffer(buf, ctx.scanner);
	tc_yylex_destroy(ctx.scanner);
	if (rc || ctx.failed) {
		if (!ctx.failed)
			tc_ctx_error(&ctx, &ctx.last_end, "cannot parse the script");
		goto out;
	}
	*out = ctx.script;
	ctx.script = NULL;
	ret = 0;
out:
	tc_script_free(ctx.script);
	for (size_t i = 0; i < ctx.n_pool; i++)
		free(ctx.pool[i]);
	free(ctx.pool);
	free(ctx.sdefines);
	strbuf_release(&ctx.sb);
	free(ctx.text);
	return ret;
}
