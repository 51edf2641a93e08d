/*
 * build.h: building the script model for the grammar (grammar/parser.y):
 * the parse context, the semantic values of tokens and rules, and the
 * checks and constructors the grammar's actions call, so that parser.y
 * holds the grammar and little else.
 *
 * Errors: a helper that finds a semantic error records it in ctx (its
 * position, message and a caret: tc_ctx_error) and returns -1; the action
 * then stops the parse.  Memory: token texts live in the context's pool
 * (tc_pool_*), freed with the context; nodes (expressions, packets,
 * system calls) are heap objects owned by the parser's stack until they
 * are moved into ctx->script.  Only the grammar and the lexer use this.
 */
#ifndef TC_BUILD_H
#define TC_BUILD_H

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

/* Deepest expression tree accepted: real scripts stay under 10 levels, and
 * the modules that walk expressions recurse. */
#define TC_MAX_EXPR_DEPTH 100

/* Shared with the lexer. */
char *tc_pool_mem(struct tc_parse_ctx *ctx, const void *p, size_t n);
char *tc_pool_strdup(struct tc_parse_ctx *ctx, const char *s);
int tc_ctx_error(struct tc_parse_ctx *ctx, const struct tc_loc *loc,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tc_decode_string(const char *s, size_t n, struct strbuf *out);

/* The grammar's actions. */
struct tc_expr *tc_expr_new(enum tc_expr_type type, const struct tc_loc *loc);
struct tc_expr_vec *tc_vec_new(void);
void tc_vec_push(struct tc_expr_vec *v, struct tc_expr *e);
void tc_vec_free(struct tc_expr_vec *v);
void tc_vec_move(struct tc_expr_vec *v, struct tc_expr ***elems, int *n);
void tc_action_free(struct tc_action *a);

int tc_check_depth(struct tc_parse_ctx *ctx, struct tc_expr *e);
int tc_check_num(struct tc_parse_ctx *ctx, const struct tc_num *n,
		 const struct tc_loc *loc, const char *what, int64_t lo, int64_t hi);
int tc_to_usecs(struct tc_parse_ctx *ctx, const char *text, bool is_int,
		const struct tc_num *num, const struct tc_loc *loc, int64_t *out);
int tc_parse_flags(struct tc_parse_ctx *ctx, const char *word,
		   const struct tc_loc *loc, struct tc_flags *out);
int tc_add_ace(struct tc_parse_ctx *ctx, const char *text,
	       const struct tc_loc *loc, struct tc_flags *f);
int tc_add_accecn(struct tc_parse_ctx *ctx, struct tc_option *o,
		  const char *name, const struct tc_loc *name_loc,
		  const struct tc_num *value, const struct tc_loc *value_loc);
int tc_parse_cookie(struct tc_parse_ctx *ctx, const char *text,
		    const struct tc_loc *loc, const char *what, size_t max,
		    uint8_t *buf, uint8_t *len);
int tc_optlist_add(struct tc_parse_ctx *ctx, struct tc_optlist *l,
		   const struct tc_option *o, const struct tc_loc *loc);
int tc_ipinfo_merge(struct tc_parse_ctx *ctx, struct tc_ipinfo *a,
		    const struct tc_ipinfo *b, const struct tc_loc *loc);
bool tc_icmp_is_echo(const struct tc_packet *p);
int tc_icmp_resolve(struct tc_parse_ctx *ctx, struct tc_packet *p,
		    const char *type, const struct tc_loc *tloc,
		    const char *code, const struct tc_loc *cloc,
		    bool has_mtu, const struct tc_loc *mloc);
int tc_finish_packet(struct tc_parse_ctx *ctx, struct tc_packet *p,
		     int dir, const struct tc_loc *dloc,
		     const struct tc_encaps *encaps,
		     const struct tc_ipinfo *ip);
int tc_encap_ip(struct tc_parse_ctx *ctx, struct tc_encap *out, int version,
		const struct tc_ipinfo *ip, const char *src, const struct tc_loc *sloc,
		const char *dst, const struct tc_loc *dloc);
int tc_expect_word(struct tc_parse_ctx *ctx, const char *word, const struct tc_loc *loc,
		   const char *want, const char *where);
int tc_gre_flag(struct tc_parse_ctx *ctx, const char *name, const char *word,
		const struct tc_loc *loc, struct tc_opt_u32 *out);
int tc_gre_finish(struct tc_parse_ctx *ctx, struct tc_encap *out,
		  uint32_t flags, const struct tc_loc *floc,
		  const struct tc_gre_field *const f[4]);
int tc_add_option(struct tc_parse_ctx *ctx, const struct tc_opt_tok *o,
		  const struct tc_loc *loc);
int tc_add_untimed(struct tc_parse_ctx *ctx, const char *cmd,
		   const struct tc_loc *loc);
int tc_add_event(struct tc_parse_ctx *ctx, const struct tc_time_val *t,
		 const struct tc_loc *tloc, bool blocking, int64_t end_us,
		 const struct tc_loc *eloc, struct tc_action *a);
int tc_finish_script(struct tc_parse_ctx *ctx, const struct tc_loc *loc);
const char *tc_note_text(struct tc_parse_ctx *ctx, const struct tc_loc *open,
			 const struct tc_loc *close);

#endif
