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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "script.h"
#include "strbuf.h"

/* A source range: lines and columns are 1-based, last_* point just past
 * the end; bytes are offsets into the script text, [first, last). */
struct tc_loc {
	int first_line, first_column;
	int last_line, last_column;
	size_t first_byte, last_byte;
};

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

/* Semantic values of tokens (texts point into the context's pool). */
struct tc_num {
	int64_t v;
	bool overflow;		/* did not fit in 64 bits */
	const char *text;	/* as written (or as defined by -D) */
};

struct tc_bytes {
	const char *s;		/* decoded; NUL-terminated; may hold NULs */
	size_t len;
};

struct tc_opt_tok {
	const char *name;	/* without "--" */
	const char *value;	/* NULL for a bare --name */
};

/* Values built by the grammar. */
struct tc_time_val {
	enum tc_time_type type;
	int64_t start;		/* µs */
	int64_t end;		/* µs; -1 when not a range */
};

struct tc_ipinfo {
	int ecn, tos, ttl;	/* -1 when not given */
	struct tc_loc ecn_loc;
};

struct tc_ports {
	bool has;
	uint16_t sport, dport;
};

struct tc_flags {
	uint16_t bits;
	bool none;
};

struct tc_seq {
	uint32_t start, end, len;
};

struct tc_opt_u32 {
	bool has;
	uint32_t v;
};

struct tc_opt_seq {
	bool has;
	struct tc_seq s;
	int proto;		/* what an ICMP message quotes: IPPROTO_TCP, _UDP, _RAW */
};

struct tc_optlist {
	bool any;		/* <...> */
	int n;
	int bytes;
	struct tc_option opts[TC_MAX_OPTIONS];
};

/* A line's encapsulation headers, outermost first. */
struct tc_encaps {
	int n;
	struct tc_encap e[TC_MAX_ENCAP];
	struct tc_loc loc[TC_MAX_ENCAP];
};

/* One "name value" field of a GRE header (sum, off, key, seq). */
struct tc_gre_field {
	const char *name;
	struct tc_num v;
	struct tc_loc loc, vloc;
};

struct tc_action {
	enum tc_event_type type;
	struct tc_packet *pkt;
	struct tc_syscall *call;
	const char *text;	/* COMMAND, CODE (pool) */
};

struct tc_expr_vec {
	struct tc_expr **v;
	int n, cap;
};

struct tc_parse_ctx {
	const char *path;
	char *text;		/* a NUL-terminated copy of the script */
	size_t len;
	const struct tc_define *defines;	/* the command line's */
	int n_defines;
	struct tc_define *sdefines;		/* --define lines (pool) */
	int n_sdefines;
	void *scanner;
	struct tc_error *err;
	bool failed;

	/* lexer position (next character) */
	int line, col;
	size_t off;
	struct tc_loc tok_start;	/* start of a multi-part token */
	struct tc_loc last_end;		/* end of the last token */
	struct strbuf sb;		/* multi-part token text */

	/* the pool behind token texts */
	char **pool;
	size_t n_pool, cap_pool;

	/* the script being built */
	struct tc_script *script;
	int events_cap;
	int options_cap;
	int64_t prev_us;		/* script time of the last event */
	bool have_pending;		/* an untimed command after events */
	struct tc_loc pending_loc;
	const char *pending_cmd;
	struct tc_loc any_options_loc;	/* the last '<...>' */
};
}

%code provides {
/* Parse text (len bytes, not necessarily NUL-terminated); see script.h. */
int tc_parse_text(const char *path, const char *text, size_t len,
		  const struct tc_define *defines, int n_defines,
		  struct tc_script **out, struct tc_error *err);

/* Shared with the lexer. */
char *tc_pool_mem(struct tc_parse_ctx *ctx, const void *p, size_t n);
char *tc_pool_strdup(struct tc_parse_ctx *ctx, const char *s);
int tc_ctx_error(struct tc_parse_ctx *ctx, const struct tc_loc *loc,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tc_decode_string(const char *s, size_t n, struct strbuf *out);
}

%code {
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

static struct tc_expr *expr_new(enum tc_expr_type type, const YYLTYPE *loc);
static struct tc_expr_vec *vec_new(void);
static void vec_push(struct tc_expr_vec *v, struct tc_expr *e);
static void vec_free(struct tc_expr_vec *v);
static void vec_move(struct tc_expr_vec *v, struct tc_expr ***elems, int *n);
static void syscall_free(struct tc_syscall *c);
static void action_free(struct tc_action *a);

static int check_depth(struct tc_parse_ctx *ctx, struct tc_expr *e);
static int check_num(struct tc_parse_ctx *ctx, const struct tc_num *n,
		     const YYLTYPE *loc, const char *what, int64_t lo, int64_t hi);
static int to_usecs(struct tc_parse_ctx *ctx, const char *text, bool is_int,
		    const struct tc_num *num, const YYLTYPE *loc, int64_t *out);
static int parse_flags(struct tc_parse_ctx *ctx, const char *word,
		       const YYLTYPE *loc, struct tc_flags *out);
static int add_ace(struct tc_parse_ctx *ctx, const char *text,
		   const YYLTYPE *loc, struct tc_flags *f);
static int add_accecn(struct tc_parse_ctx *ctx, struct tc_option *o,
		      const char *name, const YYLTYPE *name_loc,
		      const struct tc_num *value, const YYLTYPE *value_loc);
static int parse_cookie(struct tc_parse_ctx *ctx, const char *text,
			const YYLTYPE *loc, const char *what, size_t max,
			uint8_t *buf, uint8_t *len);
static int optlist_add(struct tc_parse_ctx *ctx, struct tc_optlist *l,
		       const struct tc_option *o, const YYLTYPE *loc);
static int ipinfo_merge(struct tc_parse_ctx *ctx, struct tc_ipinfo *a,
			const struct tc_ipinfo *b, const YYLTYPE *loc);
static bool icmp_is_echo(const struct tc_packet *p);
static int icmp_resolve(struct tc_parse_ctx *ctx, struct tc_packet *p,
			const char *type, const YYLTYPE *tloc,
			const char *code, const YYLTYPE *cloc,
			bool has_mtu, const YYLTYPE *mloc);
static int finish_packet(struct tc_parse_ctx *ctx, struct tc_packet *p,
			 int dir, const YYLTYPE *dloc,
			 const struct tc_encaps *encaps,
			 const struct tc_ipinfo *ip);
static int encap_ip(struct tc_parse_ctx *ctx, struct tc_encap *out, int version,
		    const struct tc_ipinfo *ip, const char *src, const YYLTYPE *sloc,
		    const char *dst, const YYLTYPE *dloc);
static int expect_word(struct tc_parse_ctx *ctx, const char *word, const YYLTYPE *loc,
		       const char *want, const char *where);
static int gre_flag(struct tc_parse_ctx *ctx, const char *name, const char *word,
		    const YYLTYPE *loc, struct tc_opt_u32 *out);
static int gre_finish(struct tc_parse_ctx *ctx, struct tc_encap *out,
		      uint32_t flags, const YYLTYPE *floc,
		      const struct tc_gre_field *const f[4]);
static int add_option(struct tc_parse_ctx *ctx, const struct tc_opt_tok *o,
		      const YYLTYPE *loc);
static int add_untimed(struct tc_parse_ctx *ctx, const char *cmd,
		       const YYLTYPE *loc);
static int add_event(struct tc_parse_ctx *ctx, const struct tc_time_val *t,
		     const YYLTYPE *tloc, bool blocking, int64_t end_us,
		     const YYLTYPE *eloc, struct tc_action *a);
static int finish_script(struct tc_parse_ctx *ctx, const YYLTYPE *loc);
static const char *note_text(struct tc_parse_ctx *ctx, const YYLTYPE *open,
			     const YYLTYPE *close);

/* Stop the parse after an action found a semantic error (already recorded). */
#define FAIL() YYABORT

/* Deepest expression tree accepted: real scripts stay under 10 levels, and
 * the modules that walk expressions recurse. */
#define TC_MAX_EXPR_DEPTH 100

/* $$ is a new expression node owning its operands: check its depth. */
#define CHECK_DEPTH(e) do { \
		if (check_depth(ctx, (e)) < 0) { \
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
%destructor { syscall_free($$); } <call>
%destructor { tc_expr_free($$); } <expr>
%destructor { vec_free($$); } <vec>
%destructor { action_free(&$$); } <action>

/* name=a|b is name=(a|b); a|b|c is (a|b)|c. */
%precedence '='
%left '|'

%%

script
	: options items
		{ if (finish_script(ctx, &@$) < 0) FAIL(); }
	;

options
	: %empty
	| options OPTION
		{ if (add_option(ctx, &$2, &@2) < 0) FAIL(); }
	;

items
	: %empty
	| items item
	;

item
	: event
	| BACKTICK
		{ if (add_untimed(ctx, $1, &@1) < 0) FAIL(); }
	;

event
	: time action
		{
			if (add_event(ctx, &$1, &@1, false, -1, NULL, &$2) < 0)
				FAIL();
		}
	| time ELLIPSIS seconds syscall
		{
			struct tc_action a = { .type = TC_EVENT_SYSCALL, .call = $4 };

			if (add_event(ctx, &$1, &@1, true, $3, &@3, &a) < 0)
				FAIL();
		}
	| time ELLIPSIS '+' seconds syscall
		{
			syscall_free($5);
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
		{ if (to_usecs(ctx, $1.text, true, &$1, &@1, &$$) < 0) FAIL(); }
	| FLOAT
		{ if (to_usecs(ctx, $1, false, NULL, &@1, &$$) < 0) FAIL(); }
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
			int rc = finish_packet(ctx, $4, $1, &@1, $2, &$3);

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

			if (check_num(ctx, &$7, &@7, "udp length", 0, 65535) < 0) {
				free($2);
				FAIL();
			}
			p = xcalloc(1, sizeof(*p));
			p->l4 = TC_L4_UDP;
			p->has_ports = $5.has;
			p->sport = $5.sport;
			p->dport = $5.dport;
			p->payload_len = (uint32_t)$7.v;
			rc = finish_packet(ctx, p, $1, &@1, $2, &$3);
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
			rc = icmp_resolve(ctx, p, $5, &@5, $6, &@6, $7.has, &@7) < 0 ||
			     (p->icmp_echo_id >= 0 && !icmp_is_echo(p) &&
			      tc_ctx_error(ctx, &@8, "'id' is only for echo messages "
					   "(echo_request, echo_reply)") < 0) ||
			     finish_packet(ctx, p, $1, &@1, $2, &$3) < 0 ? -1 : 0;
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
			if (encap_ip(ctx, &$$, 4, &$2, $3, &@3, $5, &@5) < 0)
				FAIL();
		}
	| IPV6 opt_ipinfo addr '>' addr ':'
		{
			if (encap_ip(ctx, &$$, 6, &$2, $3, &@3, $5, &@5) < 0)
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

			if (gre_finish(ctx, &$$, $1.v, &@1, f) < 0)
				FAIL();
		}
	;

gre_flags
	: word '[' gre_flag_list ']'
		{
			if (expect_word(ctx, $1, &@1, "flags", "after 'gre'") < 0)
				FAIL();
			$$ = $3;
		}
	| word INTEGER
		{
			if (expect_word(ctx, $1, &@1, "flags", "after 'gre'") < 0 ||
			    check_num(ctx, &$2, &@2, "GRE flags", 0, 65535) < 0)
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
			if (gre_flag(ctx, $1, $2, &@1, &$$) < 0)
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
			if (expect_word(ctx, $2, &@2, "label", "in an MPLS entry") < 0 ||
			    expect_word(ctx, $5, &@5, "tc", "in an MPLS entry") < 0 ||
			    check_num(ctx, &$3, &@3, "MPLS label", 0, (1 << 20) - 1) < 0 ||
			    check_num(ctx, &$6, &@6, "MPLS traffic class", 0, 7) < 0 ||
			    check_num(ctx, &$10, &@10, "MPLS ttl", 0, 255) < 0)
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
			if (ipinfo_merge(ctx, &$$, &$3, &@3) < 0)
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
			if (check_num(ctx, &$2, &@2, "tos", 0, 255) < 0)
				FAIL();
			$$ = (struct tc_ipinfo){ -1, (int)$2.v, -1, @1 };
		}
	| TTL INTEGER
		{
			if (check_num(ctx, &$2, &@2, "ttl", 0, 255) < 0)
				FAIL();
			$$ = (struct tc_ipinfo){ -1, -1, (int)$2.v, @1 };
		}
	;

opt_ports
	: %empty
		{ $$ = (struct tc_ports){ false, 0, 0 }; }
	| INTEGER '>' INTEGER
		{
			if (check_num(ctx, &$1, &@1, "source port", 0, 65535) < 0 ||
			    check_num(ctx, &$3, &@3, "destination port", 0, 65535) < 0)
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
		{ if (parse_flags(ctx, $1, &@1, &$$) < 0) FAIL(); }
	| word '.'
		{
			if (parse_flags(ctx, $1, &@1, &$$) < 0)
				FAIL();
			if ($$.bits & TC_TH_ACK) {
				tc_ctx_error(ctx, &@2, "duplicate TCP flag '.'");
				FAIL();
			}
			$$.bits |= TC_TH_ACK;
		}
	| word FLOAT
		{
			if (parse_flags(ctx, $1, &@1, &$$) < 0 ||
			    add_ace(ctx, $2, &@2, &$$) < 0)
				FAIL();
		}
	| FLOAT
		{
			$$ = (struct tc_flags){ 0, false };
			if (add_ace(ctx, $1, &@1, &$$) < 0)
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
			if (check_num(ctx, &$1, &@1, "sequence start", 0, UINT32_MAX) < 0 ||
			    check_num(ctx, &$3, &@3, "sequence end", 0, UINT32_MAX) < 0 ||
			    check_num(ctx, &$5, &@5, "payload length", 0, 65535) < 0)
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
			if (check_num(ctx, &$2, &@2, "ack", 0, UINT32_MAX) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

opt_win
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| WIN INTEGER
		{
			if (check_num(ctx, &$2, &@2, "win", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_opt_u32){ true, (uint32_t)$2.v };
		}
	;

opt_urg
	: %empty
		{ $$ = (struct tc_opt_u32){ false, 0 }; }
	| URG INTEGER
		{
			if (check_num(ctx, &$2, &@2, "urg", 0, 65535) < 0)
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
			if (optlist_add(ctx, $$, &$1, &@1) < 0) {
				free($$);
				FAIL();
			}
		}
	| tcp_option_list ',' tcp_option
		{
			$$ = $1;
			if (optlist_add(ctx, $$, &$3, &@3) < 0) {
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
			if (check_num(ctx, &$2, &@2, "mss", 0, 65535) < 0)
				FAIL();
			$$ = (struct tc_option){ .kind = TC_OPT_MSS, .length = 4,
						 .mss = (uint16_t)$2.v };
		}
	| WSCALE INTEGER
		{
			if (check_num(ctx, &$2, &@2, "wscale", 0, 255) < 0)
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
			if (check_num(ctx, &$3, &@3, "TS val", 0, UINT32_MAX) < 0 ||
			    check_num(ctx, &$5, &@5, "TS ecr", 0, UINT32_MAX) < 0)
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
			if (parse_cookie(ctx, $2, &@2, "FO cookie", TC_MAX_OPT_BYTES - 2,
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
			if (parse_cookie(ctx, $2, &@2, "FOEXP cookie", TC_MAX_OPT_BYTES - 4,
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
			if (parse_cookie(ctx, $2, &@2, "md5 digest", 16, $$.data, &n) < 0)
				FAIL();
		}
	;

/* "e0b N [ceb N [e1b N]]" (kind 172) or "e1b N [ceb N [e0b N]]" (kind
 * 174): the first field named picks the kind and the order. */
accecn_fields
	: word INTEGER
		{
			$$ = (struct tc_option){ .length = 2 };
			if (add_accecn(ctx, &$$, $1, &@1, &$2, &@2) < 0)
				FAIL();
		}
	| accecn_fields word INTEGER
		{
			$$ = $1;
			if (add_accecn(ctx, &$$, $2, &@2, &$3, &@3) < 0)
				FAIL();
		}
	;

sack_blocks
	: %empty
		{ $$ = (struct tc_option){ .kind = TC_OPT_SACK, .length = 2 }; }
	| sack_blocks INTEGER ':' INTEGER
		{
			$$ = $1;
			if (check_num(ctx, &$2, &@2, "SACK left edge", 0, UINT32_MAX) < 0 ||
			    check_num(ctx, &$4, &@4, "SACK right edge", 0, UINT32_MAX) < 0)
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
			if (check_num(ctx, &$2, &@2, "mtu", 0, 65535) < 0)
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
			if (check_num(ctx, &$2, &@2, "id", 0, 65535) < 0)
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
			if (check_num(ctx, &$4, &@4, "UDP payload length", 0, 65507) < 0)
				FAIL();
			$$ = (struct tc_opt_seq){ .has = true, .proto = IPPROTO_UDP,
						  .s = { .len = (uint32_t)$4.v } };
		}
	| '[' RAW '(' INTEGER ')' ']'
		{
			if (check_num(ctx, &$4, &@4, "raw payload length", 0, 65515) < 0)
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
			vec_move($3, &c->args, &c->n_args);
			c->result = $6;
			c->errno_name = $7 ? xstrdup($7) : NULL;
			c->note = $8 ? xstrdup($8) : NULL;
			$$ = c;
		}
	;

opt_args
	: %empty
		{ $$ = vec_new(); }
	| args
	;

args
	: expr
		{
			$$ = vec_new();
			vec_push($$, $1);
		}
	| args ',' expr
		{
			$$ = $1;
			vec_push($$, $3);
		}
	;

expr
	: ELLIPSIS
		{ $$ = expr_new(TC_EXPR_ELLIPSIS, &@1); }
	| INTEGER
		{
			if (check_num(ctx, &$1, &@1, "integer", INT64_MIN, INT64_MAX) < 0)
				FAIL();
			$$ = expr_new(TC_EXPR_INT, &@1);
			$$->num = $1.v;
		}
	| strings
		{
			$$ = expr_new(TC_EXPR_STRING, &@1);
			$$->str = xcalloc(1, $1.len + 1);
			memcpy($$->str, $1.s, $1.len);
			$$->str_len = $1.len;
		}
	| sym
		{
			$$ = expr_new(TC_EXPR_WORD, &@1);
			$$->str = xstrdup($1);
		}
	| sym '=' expr
		{
			$$ = expr_new(TC_EXPR_FIELD, &@1);
			$$->str = xstrdup($1);
			$$->lhs = $3;
			CHECK_DEPTH($$);
		}
	| sym '(' opt_args ')'
		{
			$$ = expr_new(TC_EXPR_CALL, &@1);
			$$->str = xstrdup($1);
			vec_move($3, &$$->elems, &$$->n_elems);
			CHECK_DEPTH($$);
		}
	| sym '(' opt_args ')' '=' expr
		{
			/* msg_iov(1)=[...]: a FIELD whose elems keep the arguments. */
			$$ = expr_new(TC_EXPR_FIELD, &@1);
			$$->str = xstrdup($1);
			vec_move($3, &$$->elems, &$$->n_elems);
			$$->lhs = $6;
			CHECK_DEPTH($$);
		}
	| '[' opt_args ']'
		{
			$$ = expr_new(TC_EXPR_LIST, &@1);
			vec_move($2, &$$->elems, &$$->n_elems);
			CHECK_DEPTH($$);
		}
	| '{' opt_args '}'
		{
			$$ = expr_new(TC_EXPR_STRUCT, &@1);
			vec_move($2, &$$->elems, &$$->n_elems);
			CHECK_DEPTH($$);
		}
	| expr '|' expr
		{
			$$ = expr_new(TC_EXPR_OR, &@1);
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
			$$ = expr_new(TC_EXPR_OR, &@1);
			$$->lhs = $1;
			$$->rhs = $3;
			CHECK_DEPTH($$);
		}
	;

result_atom
	: INTEGER
		{
			if (check_num(ctx, &$1, &@1, "integer", INT64_MIN, INT64_MAX) < 0)
				FAIL();
			$$ = expr_new(TC_EXPR_INT, &@1);
			$$->num = $1.v;
		}
	| word
		{
			$$ = expr_new(TC_EXPR_WORD, &@1);
			$$->str = xstrdup($1);
		}
	| ELLIPSIS
		{ $$ = expr_new(TC_EXPR_ELLIPSIS, &@1); }
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
		{ $$ = note_text(ctx, &@1, &@3); }
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
/* Memory */

/* Grow *arr (of *cap elements of size) to hold at least want elements. */
static void grow(void **arr, int *cap, int want, size_t size)
{
	int n = *cap ? *cap : 8;

	if (want <= *cap)
		return;
	while (n < want)
		n *= 2;
	*arr = xrealloc(*arr, (size_t)n * size);
	*cap = n;
}

char *tc_pool_mem(struct tc_parse_ctx *ctx, const void *p, size_t n)
{
	char *s = xcalloc(1, n + 1);

	if (p)
		memcpy(s, p, n);
	if (ctx->n_pool == ctx->cap_pool) {
		ctx->cap_pool = ctx->cap_pool ? ctx->cap_pool * 2 : 64;
		ctx->pool = xrealloc(ctx->pool, ctx->cap_pool * sizeof(*ctx->pool));
	}
	ctx->pool[ctx->n_pool++] = s;
	return s;
}

char *tc_pool_strdup(struct tc_parse_ctx *ctx, const char *s)
{
	return tc_pool_mem(ctx, s, strlen(s));
}

static struct tc_expr *expr_new(enum tc_expr_type type, const YYLTYPE *loc)
{
	struct tc_expr *e = xcalloc(1, sizeof(*e));

	e->type = type;
	e->line = loc->first_line;
	e->col = loc->first_column;
	return e;
}

static struct tc_expr_vec *vec_new(void)
{
	return xcalloc(1, sizeof(struct tc_expr_vec));
}

static void vec_push(struct tc_expr_vec *v, struct tc_expr *e)
{
	grow((void **)&v->v, &v->cap, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = e;
}

static void vec_free(struct tc_expr_vec *v)
{
	if (!v)
		return;
	for (int i = 0; i < v->n; i++)
		tc_expr_free(v->v[i]);
	free(v->v);
	free(v);
}

/* Hand the elements to the caller (NULL when there are none); frees v. */
static void vec_move(struct tc_expr_vec *v, struct tc_expr ***elems, int *n)
{
	*elems = v->n ? v->v : NULL;
	*n = v->n;
	if (!v->n)
		free(v->v);
	free(v);
}

static void syscall_free(struct tc_syscall *c)
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

static void action_free(struct tc_action *a)
{
	free(a->pkt);
	syscall_free(a->call);
	a->pkt = NULL;
	a->call = NULL;
}

/* ------------------------------------------------------------------ */
/* Errors */

/* Append source line `line` (1-based) and a caret under column col. */
static void add_caret(struct tc_parse_ctx *ctx, int line, int col)
{
	tc_source_caret(ctx->text, ctx->len, line, col, ctx->err);
}

int tc_ctx_error(struct tc_parse_ctx *ctx, const struct tc_loc *loc,
		 const char *fmt, ...)
{
	char msg[TC_ERROR_MAX];
	va_list ap;

	if (ctx->failed)
		return -1;
	ctx->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tc_error_at(ctx->err, TC_ERR_SCRIPT, loc->first_line, loc->first_column,
		    "%s", msg);
	ctx->err->file = ctx->path;
	ctx->err->detail[0] = '\0';
	add_caret(ctx, loc->first_line, loc->first_column);
	return -1;
}

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

/* ------------------------------------------------------------------ */
/* Values */

/* The depth of e, or more than max if it is deeper (stops looking there). */
static int expr_depth(const struct tc_expr *e, int max)
{
	int d = 0;

	if (!e || max < 0)
		return 0;
	if (max == 0)
		return 1;
	d = expr_depth(e->lhs, max - 1);
	if (d < max) {
		int r = expr_depth(e->rhs, max - 1);

		d = r > d ? r : d;
	}
	for (int i = 0; i < e->n_elems && d < max; i++) {
		int r = expr_depth(e->elems[i], max - 1);

		d = r > d ? r : d;
	}
	return d + 1;
}

static int check_depth(struct tc_parse_ctx *ctx, struct tc_expr *e)
{
	YYLTYPE loc = { e->line, e->col, e->line, e->col, 0, 0 };

	if (expr_depth(e, TC_MAX_EXPR_DEPTH) <= TC_MAX_EXPR_DEPTH)
		return 0;
	return tc_ctx_error(ctx, &loc, "expression nested more than %d levels deep",
			    TC_MAX_EXPR_DEPTH);
}

static int check_num(struct tc_parse_ctx *ctx, const struct tc_num *n,
		     const YYLTYPE *loc, const char *what, int64_t lo, int64_t hi)
{
	if (n->overflow)
		return tc_ctx_error(ctx, loc, "%s '%s' does not fit in 64 bits",
				    what, n->text);
	if (n->v < lo || n->v > hi)
		return tc_ctx_error(ctx, loc, "%s '%s' is out of range (%" PRId64
				    "..%" PRId64 ")", what, n->text, lo, hi);
	return 0;
}

/* Seconds, written as an integer or a decimal number, to µs. */
static int to_usecs(struct tc_parse_ctx *ctx, const char *text, bool is_int,
		    const struct tc_num *num, const YYLTYPE *loc, int64_t *out)
{
	const char *p = text;
	int64_t secs = 0, frac = 0;
	int digits = 0;
	bool neg = false, nonzero = false;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (is_int) {
		if (num->overflow || num->v > INT64_MAX / 1000000)
			return tc_ctx_error(ctx, loc, "time '%s' is too large", text);
		if (num->v < 0)
			return tc_ctx_error(ctx, loc, "time '%s' is negative", text);
		*out = num->v * 1000000;
		return 0;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (secs > (INT64_MAX / 1000000 - 9) / 10)
			return tc_ctx_error(ctx, loc, "time '%s' is too large", text);
		secs = secs * 10 + (*p - '0');
		nonzero |= *p != '0';
	}
	if (*p == '.')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		nonzero |= *p != '0';
		if (digits < 6)
			frac = frac * 10 + (*p - '0');
		else if (digits == 6 && *p >= '5')
			frac++;	/* round to the nearest µs */
	}
	for (; digits < 6; digits++)
		frac *= 10;
	if (neg && nonzero)
		return tc_ctx_error(ctx, loc, "time '%s' is negative", text);
	*out = secs * 1000000 + frac;
	return 0;
}

static int parse_flags(struct tc_parse_ctx *ctx, const char *word,
		       const YYLTYPE *loc, struct tc_flags *out)
{
	out->bits = 0;
	out->none = false;
	for (size_t i = 0; word[i]; i++) {
		const char *l = word[i] == '.' ? NULL : strchr(tc_tcp_flag_letters, word[i]);
		YYLTYPE at = *loc;
		uint16_t bit;

		at.first_column += (int)i;
		if (!l)
			return tc_ctx_error(ctx, &at, "unknown TCP flag '%c' in '%s' "
					    "(flags are letters of 'FSRPEWAU' and '.')",
					    word[i], word);
		bit = (uint16_t)(1u << (l - tc_tcp_flag_letters));
		if (out->bits & bit)
			return tc_ctx_error(ctx, &at, "duplicate TCP flag '%c' in '%s'",
					    word[i], word);
		out->bits |= bit;
	}
	return 0;
}

/*
 * An AccECN ACE value: ".N" after the other flags (N from 0 to 7) sets ACK
 * and the three bits AE, CWR, ECE to N, high bit first.  The digit stands
 * for those letters, so it may not be mixed with them.
 */
static int add_ace(struct tc_parse_ctx *ctx, const char *text,
		   const YYLTYPE *loc, struct tc_flags *f)
{
	int v;

	if (text[0] != '.' || text[1] < '0' || text[1] > '7' || text[2])
		return tc_ctx_error(ctx, loc, "bad AccECN ACE flags '%s' (expected '.' and "
				    "one digit from 0 to 7)", text);
	if (f->bits & (TC_TH_ECE | TC_TH_CWR | TC_TH_AE))
		return tc_ctx_error(ctx, loc, "an AccECN ACE digit may not be mixed with "
				    "the flags 'E', 'W' and 'A'");
	if (f->bits & TC_TH_ACK)
		return tc_ctx_error(ctx, loc, "duplicate TCP flag '.'");
	v = text[1] - '0';
	f->bits |= TC_TH_ACK;
	if (v & 4)
		f->bits |= TC_TH_AE;
	if (v & 2)
		f->bits |= TC_TH_CWR;
	if (v & 1)
		f->bits |= TC_TH_ECE;
	return 0;
}

/* One "NAME VALUE" field of an AccECN option, in the kind's order. */
static int add_accecn(struct tc_parse_ctx *ctx, struct tc_option *o,
		      const char *name, const YYLTYPE *name_loc,
		      const struct tc_num *value, const YYLTYPE *value_loc)
{
	static const char *const order0[] = { "e0b", "ceb", "e1b" };
	static const char *const order1[] = { "e1b", "ceb", "e0b" };
	int i = o->data_len / 3;
	const char *const *order;
	uint32_t v;

	if (i == 0) {
		if (!strcmp(name, "e0b"))
			o->kind = TC_OPT_ACCECN0;
		else if (!strcmp(name, "e1b"))
			o->kind = TC_OPT_ACCECN1;
		else
			return tc_ctx_error(ctx, name_loc, "unknown AccECN field '%s' (the "
					    "first is 'e0b' or 'e1b')", name);
	}
	order = o->kind == TC_OPT_ACCECN0 ? order0 : order1;
	if (i >= 3)
		return tc_ctx_error(ctx, name_loc, "too many AccECN fields (at most 3)");
	if (strcmp(name, order[i]))
		return tc_ctx_error(ctx, name_loc, "AccECN field '%s' out of order: "
				    "expected '%s' (option kind %d: %s, %s, %s)", name,
				    order[i], o->kind, order[0], order[1], order[2]);
	if (check_num(ctx, value, value_loc, "AccECN counter", 0, 0xffffff) < 0)
		return -1;
	v = (uint32_t)value->v;
	o->data[3 * i] = (uint8_t)(v >> 16);
	o->data[3 * i + 1] = (uint8_t)(v >> 8);
	o->data[3 * i + 2] = (uint8_t)v;
	o->data_len = (uint8_t)(3 * i + 3);
	o->length = (uint8_t)(2 + o->data_len);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_cookie(struct tc_parse_ctx *ctx, const char *text,
			const YYLTYPE *loc, const char *what, size_t max,
			uint8_t *buf, uint8_t *len)
{
	size_t n = strlen(text);

	for (size_t i = 0; i < n; i++)
		if (hexval(text[i]) < 0)
			return tc_ctx_error(ctx, loc, "%s '%s' is not hexadecimal",
					    what, text);
	if (n % 2)
		return tc_ctx_error(ctx, loc, "%s '%s' has an odd number of hex digits",
				    what, text);
	if (n / 2 > max)
		return tc_ctx_error(ctx, loc, "%s '%s' is too long: %zu bytes, at most %zu",
				    what, text, n / 2, max);
	for (size_t i = 0; i < n / 2; i++)
		buf[i] = (uint8_t)(hexval(text[2 * i]) << 4 | hexval(text[2 * i + 1]));
	*len = (uint8_t)(n / 2);
	return 0;
}

static int optlist_add(struct tc_parse_ctx *ctx, struct tc_optlist *l,
		       const struct tc_option *o, const YYLTYPE *loc)
{
	if (l->n == TC_MAX_OPTIONS)
		return tc_ctx_error(ctx, loc, "too many TCP options (at most %d)",
				    TC_MAX_OPTIONS);
	if (l->bytes + o->length > TC_MAX_OPT_BYTES)
		return tc_ctx_error(ctx, loc, "TCP options take %d bytes, more than "
				    "the %d that fit in a TCP header",
				    l->bytes + o->length, TC_MAX_OPT_BYTES);
	l->bytes += o->length;
	l->opts[l->n++] = *o;
	return 0;
}

static int ipinfo_merge(struct tc_parse_ctx *ctx, struct tc_ipinfo *a,
			const struct tc_ipinfo *b, const YYLTYPE *loc)
{
	if (b->ecn >= 0) {
		if (a->ecn >= 0)
			return tc_ctx_error(ctx, loc, "more than one ECN codepoint");
		a->ecn = b->ecn;
		a->ecn_loc = b->ecn_loc;
	}
	if (b->tos >= 0) {
		if (a->tos >= 0)
			return tc_ctx_error(ctx, loc, "'tos' given twice");
		a->tos = b->tos;
	}
	if (b->ttl >= 0) {
		if (a->ttl >= 0)
			return tc_ctx_error(ctx, loc, "'ttl' given twice");
		a->ttl = b->ttl;
	}
	return 0;
}

/* Whether the line names an echo request or reply (ICMPv4 8, 0; ICMPv6
 * 128, 129): the messages an `id` belongs to. */
static bool icmp_is_echo(const struct tc_packet *p)
{
	return p->icmp_type == 8 || p->icmp_type == 0 ||
	       p->icmp6_type == 128 || p->icmp6_type == 129;
}

/* ICMP type and code names: ICMPv4 (RFC 792, RFC 1812), then ICMPv6
 * (RFC 4443); a line is resolved in both, the wire's version picks one when
 * the script runs (doc/semantics.md). */
struct name_value {
	const char *name;
	int value;
};

static const struct name_value icmp_types[] = {
	{ "echo_reply", 0 }, { "unreachable", 3 }, { "source_quench", 4 },
	{ "redirect", 5 }, { "echo_request", 8 }, { "time_exceeded", 11 },
	{ "parameter_problem", 12 }, { "timestamp_request", 13 },
	{ "timestamp_reply", 14 }, { "information_request", 15 },
	{ "information_reply", 16 }, { "address_mask_request", 17 },
	{ "address_mask_reply", 18 }, { NULL, 0 },
};

static const struct name_value icmp_unreach_codes[] = {
	{ "net_unreachable", 0 }, { "host_unreachable", 1 },
	{ "protocol_unreachable", 2 }, { "port_unreachable", 3 },
	{ "frag_needed", 4 }, { "source_route_failed", 5 },
	{ "net_unknown", 6 }, { "host_unknown", 7 },
	{ "source_host_isolated", 8 }, { "net_prohibited", 9 },
	{ "host_prohibited", 10 }, { "net_unreachable_for_tos", 11 },
	{ "host_unreachable_for_tos", 12 }, { "packet_filtered", 13 },
	{ "precedence_violation", 14 }, { "precedence_cutoff", 15 },
	{ NULL, 0 },
};

static const struct name_value icmp6_types[] = {
	{ "unreachable", 1 }, { "packet_too_big", 2 }, { "time_exceeded", 3 },
	{ "parameter_problem", 4 }, { "echo_request", 128 },
	{ "echo_reply", 129 }, { NULL, 0 },
};

static const struct name_value icmp6_unreach_codes[] = {
	{ "no_route", 0 }, { "net_unreachable", 0 }, { "admin_prohibited", 1 },
	{ "not_neighbour", 2 }, { "address_unreachable", 3 },
	{ "port_unreachable", 4 }, { NULL, 0 },
};

static const struct name_value icmp6_time_codes[] = {
	{ "exceeded_hop_limit", 0 }, { "exceeded_frag_time", 1 }, { NULL, 0 },
};

static const struct name_value icmp6_param_codes[] = {
	{ "header_field", 0 }, { "unknown_next_header", 1 },
	{ "unknown_option", 2 }, { NULL, 0 },
};

/* name from table, or prefix followed by a number 0..255; -1 if neither. */
static int name_lookup(const struct name_value *t, const char *prefix,
		       const char *name)
{
	size_t n = strlen(prefix);

	for (; t && t->name; t++)
		if (!strcmp(t->name, name))
			return t->value;
	if (!strncmp(name, prefix, n) && name[n] && strlen(name + n) <= 3 &&
	    strspn(name + n, "0123456789") == strlen(name + n)) {
		int v = atoi(name + n);

		return v <= 255 ? v : -1;
	}
	return -1;
}

/* The ICMPv4 or ICMPv6 (v6) code table of a type. */
static const struct name_value *icmp_codes(bool v6, int type)
{
	if (!v6)
		return type == 3 ? icmp_unreach_codes : NULL;
	switch (type) {
	case 1: return icmp6_unreach_codes;
	case 3: return icmp6_time_codes;
	case 4: return icmp6_param_codes;
	default: return NULL;
	}
}

/*
 * Resolve type and code in ICMPv4 (icmp_type, icmp_code) and in ICMPv6
 * (icmp6_type, icmp6_code), -1 in a version that lacks either name; an
 * error when neither version has both, or 'mtu' fits neither.
 */
static int icmp_resolve(struct tc_parse_ctx *ctx, struct tc_packet *p,
			const char *type, const YYLTYPE *tloc,
			const char *code, const YYLTYPE *cloc,
			bool has_mtu, const YYLTYPE *mloc)
{
	int t4 = name_lookup(icmp_types, "type_", type);
	int t6 = name_lookup(icmp6_types, "type_", type);
	int c4 = 0, c6 = 0;

	if (t4 < 0 && t6 < 0)
		return tc_ctx_error(ctx, tloc, "unknown ICMP type '%s'", type);
	if (code) {
		c4 = t4 < 0 ? -1 : name_lookup(icmp_codes(false, t4), "code_", code);
		c6 = t6 < 0 ? -1 : name_lookup(icmp_codes(true, t6), "code_", code);
		if (c4 < 0 && c6 < 0)
			return tc_ctx_error(ctx, cloc, "unknown ICMP code '%s' for type '%s'",
					    code, type);
	}
	p->icmp_type = c4 < 0 ? -1 : t4;
	p->icmp_code = t4 < 0 ? -1 : c4;
	p->icmp6_type = c6 < 0 ? -1 : t6;
	p->icmp6_code = t6 < 0 ? -1 : c6;
	if (has_mtu && !(p->icmp_type == 3 && p->icmp_code == 4) &&
	    !(p->icmp6_type == 2 && p->icmp6_code == 0))
		return tc_ctx_error(ctx, mloc, "'mtu' is only allowed on "
				    "'unreachable frag_needed' (ICMPv4) and "
				    "'packet_too_big' (ICMPv6) messages");
	snprintf(p->icmp_type_name, sizeof(p->icmp_type_name), "%s", type);
	snprintf(p->icmp_code_name, sizeof(p->icmp_code_name), "%s", code ? code : "");
	return 0;
}

/* `ipv4 [ipinfo] A > B:` or `ipv6 ...`: addresses of the prefix's family;
 * an ECN mark goes into the low bits of the TOS byte. */
static int encap_ip(struct tc_parse_ctx *ctx, struct tc_encap *out, int version,
		    const struct tc_ipinfo *ip, const char *src, const YYLTYPE *sloc,
		    const char *dst, const YYLTYPE *dloc)
{
	int af = version == 4 ? AF_INET : AF_INET6;

	memset(out, 0, sizeof(*out));
	out->type = version == 4 ? TC_ENCAP_IPV4 : TC_ENCAP_IPV6;
	if (inet_pton(af, src, out->src) != 1)
		return tc_ctx_error(ctx, sloc, "'ipv%d' needs IPv%d addresses, not '%s'",
				    version, version, src);
	if (inet_pton(af, dst, out->dst) != 1)
		return tc_ctx_error(ctx, dloc, "'ipv%d' needs IPv%d addresses, not '%s'",
				    version, version, dst);
	if (ip->ecn == TC_ECN_ECT01)
		return tc_ctx_error(ctx, &ip->ecn_loc,
				    "'ect01' is not allowed on an encapsulation header");
	out->tos = ip->tos;
	if (ip->ecn >= 0)
		out->tos = (ip->tos >= 0 ? ip->tos & ~3 : 0) | ip->ecn;
	out->ttl = ip->ttl;
	return 0;
}

/* A word the syntax fixes (GRE's "flags", MPLS's "label", "tc"). */
static int expect_word(struct tc_parse_ctx *ctx, const char *word, const YYLTYPE *loc,
		       const char *want, const char *where)
{
	if (!strcmp(word, want))
		return 0;
	return tc_ctx_error(ctx, loc, "expected '%s' %s, not '%s'", want, where, word);
}

/* "checksum present", "key present" */
static int gre_flag(struct tc_parse_ctx *ctx, const char *name, const char *word,
		    const YYLTYPE *loc, struct tc_opt_u32 *out)
{
	*out = (struct tc_opt_u32){ true, 0 };
	if (!strcmp(word, "present") && !strcmp(name, "checksum"))
		out->v = TC_GRE_CSUM;
	else if (!strcmp(word, "present") && !strcmp(name, "key"))
		out->v = TC_GRE_KEY;
	else
		return tc_ctx_error(ctx, loc, "unknown GRE flag '%s %s' (none, checksum "
				    "present, key present, sequence# present)", name, word);
	return 0;
}

/* The GRE fields after the flags: sum, off, key, seq, in that order. */
static int gre_finish(struct tc_parse_ctx *ctx, struct tc_encap *out,
		      uint32_t flags, const YYLTYPE *floc,
		      const struct tc_gre_field *const f[4])
{
	static const char *const names[] = { "sum", "off", "key", "seq" };
	uint32_t v[4];

	memset(out, 0, sizeof(*out));
	out->type = TC_ENCAP_GRE;
	if (flags & TC_GRE_VERSION)
		return tc_ctx_error(ctx, floc, "GRE version %u is not supported "
				    "(only version 0)", flags & TC_GRE_VERSION);
	if (flags & TC_GRE_ROUTING)
		return tc_ctx_error(ctx, floc, "GRE routing (flags 0x4000) is not supported");
	for (int i = 0; i < 4; i++) {
		if (strcmp(f[i]->name, names[i]))
			return tc_ctx_error(ctx, &f[i]->loc, "expected '%s' here, not '%s' "
					    "(GRE fields go: flags, sum, off, key, seq)",
					    names[i], f[i]->name);
		if (check_num(ctx, &f[i]->v, &f[i]->vloc, names[i], 0,
			      i < 2 ? 65535 : UINT32_MAX) < 0)
			return -1;
		v[i] = (uint32_t)f[i]->v.v;
	}
	out->gre.flags = (uint16_t)flags;
	out->gre.sum = (uint16_t)v[0];
	out->gre.off = (uint16_t)v[1];
	out->gre.key = v[2];
	out->gre.seq = v[3];
	return 0;
}

/* Headers that can carry each other: GRE only inside IP; IP and MPLS
 * inside GRE; only IP under an MPLS stack (one stack per prefix). */
static int check_encaps(struct tc_parse_ctx *ctx, const struct tc_encaps *l)
{
	for (int i = 0; i < l->n; i++) {
		enum tc_encap_type t = l->e[i].type;
		enum tc_encap_type prev = i ? l->e[i - 1].type : 0;
		bool ip_prev = prev == TC_ENCAP_IPV4 || prev == TC_ENCAP_IPV6;

		if (prev == TC_ENCAP_MPLS && !(t == TC_ENCAP_IPV4 || t == TC_ENCAP_IPV6))
			return tc_ctx_error(ctx, &l->loc[i], "'%s' cannot follow 'mpls': "
					    "an MPLS label stack carries an IP packet "
					    "(write all the labels in one 'mpls' prefix)",
					    t == TC_ENCAP_GRE ? "gre" : "mpls");
		if (t == TC_ENCAP_GRE && prev == TC_ENCAP_GRE)
			return tc_ctx_error(ctx, &l->loc[i], "'gre' cannot follow 'gre': "
					    "GRE carries an IP packet or an MPLS label stack");
		if (t == TC_ENCAP_GRE && !ip_prev)
			return tc_ctx_error(ctx, &l->loc[i], "'gre' needs an IP header "
					    "outside it (write 'ipv4 A > B: gre:')");
	}
	return 0;
}

static int finish_packet(struct tc_parse_ctx *ctx, struct tc_packet *p,
			 int dir, const YYLTYPE *dloc,
			 const struct tc_encaps *encaps,
			 const struct tc_ipinfo *ip)
{
	p->dir = (enum tc_direction)dir;
	if (encaps) {
		if (check_encaps(ctx, encaps) < 0)
			return -1;
		p->n_encap = encaps->n;
		memcpy(p->encap, encaps->e, sizeof(p->encap));
	}
	p->ecn = ip->ecn;
	p->tos = ip->tos;
	p->ttl = ip->ttl;
	if (p->l4 != TC_L4_ICMP) {
		p->icmp_type = -1;
		p->icmp_code = -1;
		p->icmp6_type = -1;
		p->icmp6_code = -1;
		p->icmp_mtu = -1;
		p->icmp_echo_id = -1;
	}
	if (p->l4 == TC_L4_UDP && ip->ecn >= 0)
		return tc_ctx_error(ctx, &ip->ecn_loc,
				    "ECN marks are not allowed on UDP packets");
	if (p->dir != TC_DIR_INBOUND)
		return 0;
	if (ip->ecn == TC_ECN_ECT01)
		return tc_ctx_error(ctx, &ip->ecn_loc,
				    "'ect01' is only allowed on outbound packets");
	if (p->any_options)
		return tc_ctx_error(ctx, &ctx->any_options_loc,
				    "'<...>' is only allowed on outbound packets");
	if (p->l4 == TC_L4_TCP && !p->has_win)
		return tc_ctx_error(ctx, dloc,
				    "window must be specified for inbound packets "
				    "(add 'win N')");
	return 0;
}

/* ------------------------------------------------------------------ */
/* The script */

static int add_option(struct tc_parse_ctx *ctx, const struct tc_opt_tok *o,
		      const YYLTYPE *loc)
{
	struct tc_script *s = ctx->script;
	struct tc_script_option *so;

	grow((void **)&s->options, &ctx->options_cap, s->n_options + 1,
	     sizeof(*s->options));
	so = &s->options[s->n_options++];
	so->name = xstrdup(o->name);
	so->value = o->value ? xstrdup(o->value) : NULL;
	so->line = loc->first_line;
	so->col = loc->first_column;
	return 0;
}

static int add_untimed(struct tc_parse_ctx *ctx, const char *cmd,
		       const YYLTYPE *loc)
{
	struct tc_script *s = ctx->script;

	if (ctx->have_pending)
		return tc_ctx_error(ctx, &ctx->pending_loc,
				    "untimed command in the middle of the events; "
				    "give it a time such as '+0'");
	if (s->n_events == 0) {
		if (s->init_command)
			return tc_ctx_error(ctx, loc, "untimed command after the init "
					    "command; give it a time such as '+0'");
		s->init_command = xstrdup(cmd);
		s->init_line = loc->first_line;
		return 0;
	}
	ctx->have_pending = true;
	ctx->pending_loc = *loc;
	ctx->pending_cmd = cmd;
	return 0;
}

/* Seconds, for messages: "1.5", "0.001", "2". */
static const char *fmt_secs(int64_t us, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

static int add_event(struct tc_parse_ctx *ctx, const struct tc_time_val *t,
		     const YYLTYPE *tloc, bool blocking, int64_t end_us,
		     const YYLTYPE *eloc, struct tc_action *a)
{
	struct tc_script *s = ctx->script;
	bool outbound = a->type == TC_EVENT_PACKET &&
			a->pkt->dir == TC_DIR_OUTBOUND;
	struct tc_event *ev;
	char b1[32], b2[32];

	if (ctx->have_pending) {
		tc_ctx_error(ctx, &ctx->pending_loc,
			     "untimed command in the middle of the events; "
			     "give it a time such as '+0'");
		goto fail;
	}
	if (t->type == TC_TIME_ANY && !outbound) {
		tc_ctx_error(ctx, tloc, "'*' is only allowed on outbound packets");
		goto fail;
	}
	if (t->end >= 0 && !outbound) {
		tc_ctx_error(ctx, tloc, "a time range is only allowed on outbound packets");
		goto fail;
	}
	if (s->n_events == 0 && (t->type == TC_TIME_ANY || t->start != 0)) {
		tc_ctx_error(ctx, tloc, "the first event must be at time 0 ('0' or '+0')");
		goto fail;
	}
	if (t->type == TC_TIME_ABSOLUTE && t->start < ctx->prev_us) {
		tc_ctx_error(ctx, tloc, "time %s s is before the previous event's time %s s",
			     fmt_secs(t->start, b1, sizeof(b1)),
			     fmt_secs(ctx->prev_us, b2, sizeof(b2)));
		goto fail;
	}
	if (blocking && end_us < t->start) {
		tc_ctx_error(ctx, eloc, "blocking call ends (%s s) before it starts (%s s)",
			     fmt_secs(end_us, b1, sizeof(b1)),
			     fmt_secs(t->start, b2, sizeof(b2)));
		goto fail;
	}

	grow((void **)&s->events, &ctx->events_cap, s->n_events + 1,
	     sizeof(*s->events));
	ev = &s->events[s->n_events++];
	memset(ev, 0, sizeof(*ev));
	ev->line = tloc->first_line;
	ev->col = tloc->first_column;
	ev->time_type = t->type;
	ev->time_usecs = t->start;
	ev->time_end_usecs = t->end;
	ev->end_usecs = blocking ? end_us : -1;
	ev->type = a->type;
	switch (a->type) {
	case TC_EVENT_PACKET:
		ev->u.packet = a->pkt;
		break;
	case TC_EVENT_SYSCALL:
		ev->u.syscall = a->call;
		break;
	case TC_EVENT_COMMAND:
		ev->u.command = xstrdup(a->text);
		break;
	case TC_EVENT_CODE:
		ev->u.code = xstrdup(a->text);
		break;
	}
	a->pkt = NULL;
	a->call = NULL;

	if (t->type == TC_TIME_ABSOLUTE)
		ctx->prev_us = t->start;
	else if (t->type == TC_TIME_RELATIVE && t->start <= INT64_MAX - ctx->prev_us)
		ctx->prev_us += t->start;
	return 0;
fail:
	action_free(a);
	return -1;
}

static int finish_script(struct tc_parse_ctx *ctx, const YYLTYPE *loc)
{
	struct tc_script *s = ctx->script;

	(void)loc;
	if (s->n_events == 0)
		return tc_ctx_error(ctx, &ctx->last_end, "the script has no events");
	if (ctx->have_pending) {
		s->cleanup_command = xstrdup(ctx->pending_cmd);
		s->cleanup_line = ctx->pending_loc.first_line;
		ctx->have_pending = false;
	}
	return 0;
}

/* The note between '(' and ')', whitespace runs folded to one space. */
static const char *note_text(struct tc_parse_ctx *ctx, const YYLTYPE *open,
			     const YYLTYPE *close)
{
	size_t a = open->last_byte, b = close->first_byte, n = 0;
	char *out;
	bool space = false;

	if (b > ctx->len || a > b)
		return tc_pool_strdup(ctx, "");
	out = tc_pool_mem(ctx, NULL, b - a);
	for (size_t i = a; i < b; i++) {
		char c = ctx->text[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

/* C escapes: \n \t \r \a \b \f \v \\ \" \' \ooo \xHH; others stand for
 * the character itself. */
void tc_decode_string(const char *s, size_t n, struct strbuf *out)
{
	static const char from[] = "ntrabfv";
	static const char to[] = "\n\t\r\a\b\f\v";

	for (size_t i = 0; i < n; i++) {
		const char *e;
		int v = 0, k = 0;

		if (s[i] != '\\' || i + 1 == n) {
			strbuf_addch(out, s[i]);
			continue;
		}
		i++;
		if (s[i] == 'x' && i + 1 < n && hexval(s[i + 1]) >= 0) {
			for (; k < 2 && i + 1 < n && hexval(s[i + 1]) >= 0; k++)
				v = v * 16 + hexval(s[++i]);
			strbuf_addch(out, (char)v);
		} else if (s[i] >= '0' && s[i] <= '7') {
			for (i--; k < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
				v = v * 8 + (s[++i] - '0');
			strbuf_addch(out, (char)v);
		} else if (s[i] && (e = strchr(from, s[i]))) {
			strbuf_addch(out, to[e - from]);
		} else {
			strbuf_addch(out, s[i]);
		}
	}
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
