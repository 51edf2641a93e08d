/* build.c: see build.h. */
#include "build.h"

#include <errno.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "script.h"
#include "strbuf.h"
#include "xalloc.h"

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

struct tc_expr *tc_expr_new(enum tc_expr_type type, const struct tc_loc *loc)
{
	struct tc_expr *e = xcalloc(1, sizeof(*e));

	e->type = type;
	e->line = loc->first_line;
	e->col = loc->first_column;
	return e;
}

struct tc_expr_vec *tc_vec_new(void)
{
	return xcalloc(1, sizeof(struct tc_expr_vec));
}

void tc_vec_push(struct tc_expr_vec *v, struct tc_expr *e)
{
	grow((void **)&v->v, &v->cap, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = e;
}

void tc_vec_free(struct tc_expr_vec *v)
{
	if (!v)
		return;
	for (int i = 0; i < v->n; i++)
		tc_expr_free(v->v[i]);
	free(v->v);
	free(v);
}

/* Hand the elements to the caller (NULL when there are none); frees v. */
void tc_vec_move(struct tc_expr_vec *v, struct tc_expr ***elems, int *n)
{
	*elems = v->n ? v->v : NULL;
	*n = v->n;
	if (!v->n)
		free(v->v);
	free(v);
}

void tc_action_free(struct tc_action *a)
{
	free(a->pkt);
	tc_syscall_free(a->call);
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

int tc_check_depth(struct tc_parse_ctx *ctx, struct tc_expr *e)
{
	struct tc_loc loc = { e->line, e->col, e->line, e->col, 0, 0 };

	if (expr_depth(e, TC_MAX_EXPR_DEPTH) <= TC_MAX_EXPR_DEPTH)
		return 0;
	return tc_ctx_error(ctx, &loc, "expression nested more than %d levels deep",
			    TC_MAX_EXPR_DEPTH);
}

int tc_check_num(struct tc_parse_ctx *ctx, const struct tc_num *n,
		 const struct tc_loc *loc, const char *what, int64_t lo, int64_t hi)
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
int tc_to_usecs(struct tc_parse_ctx *ctx, const char *text, bool is_int,
		const struct tc_num *num, const struct tc_loc *loc, int64_t *out)
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

int tc_parse_flags(struct tc_parse_ctx *ctx, const char *word,
		   const struct tc_loc *loc, struct tc_flags *out)
{
	out->bits = 0;
	out->none = false;
	for (size_t i = 0; word[i]; i++) {
		const char *l = word[i] == '.' ? NULL : strchr(tc_tcp_flag_letters, word[i]);
		struct tc_loc at = *loc;
		uint16_t bit;

		at.first_column += (int)i;
		if (!l && word[i] >= 'a' && word[i] <= 'z' &&
		    strchr(tc_tcp_flag_letters, word[i] - 'a' + 'A'))
			return tc_ctx_error(ctx, &at, "unknown TCP flag '%c' in '%s' "
					    "(did you mean '%c'? flags are capitals)",
					    word[i], word, word[i] - 'a' + 'A');
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
int tc_add_ace(struct tc_parse_ctx *ctx, const char *text,
	       const struct tc_loc *loc, struct tc_flags *f)
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
int tc_add_accecn(struct tc_parse_ctx *ctx, struct tc_option *o,
		  const char *name, const struct tc_loc *name_loc,
		  const struct tc_num *value, const struct tc_loc *value_loc)
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
	if (tc_check_num(ctx, value, value_loc, "AccECN counter", 0, 0xffffff) < 0)
		return -1;
	v = (uint32_t)value->v;
	o->data[3 * i] = (uint8_t)(v >> 16);
	o->data[3 * i + 1] = (uint8_t)(v >> 8);
	o->data[3 * i + 2] = (uint8_t)v;
	o->data_len = (uint8_t)(3 * i + 3);
	o->length = (uint8_t)(2 + o->data_len);
	return 0;
}

int tc_parse_cookie(struct tc_parse_ctx *ctx, const char *text,
		    const struct tc_loc *loc, const char *what, size_t max,
		    uint8_t *buf, uint8_t *len)
{
	size_t n = strlen(text);

	for (size_t i = 0; i < n; i++)
		if (tc_hexval(text[i]) < 0)
			return tc_ctx_error(ctx, loc, "%s '%s' is not hexadecimal",
					    what, text);
	if (n % 2)
		return tc_ctx_error(ctx, loc, "%s '%s' has an odd number of hex digits",
				    what, text);
	if (n / 2 > max)
		return tc_ctx_error(ctx, loc, "%s '%s' is too long: %zu bytes, at most %zu",
				    what, text, n / 2, max);
	for (size_t i = 0; i < n / 2; i++)
		buf[i] = (uint8_t)(tc_hexval(text[2 * i]) << 4 | tc_hexval(text[2 * i + 1]));
	*len = (uint8_t)(n / 2);
	return 0;
}

int tc_optlist_add(struct tc_parse_ctx *ctx, struct tc_optlist *l,
		   const struct tc_option *o, const struct tc_loc *loc)
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

int tc_ipinfo_merge(struct tc_parse_ctx *ctx, struct tc_ipinfo *a,
		    const struct tc_ipinfo *b, const struct tc_loc *loc)
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
bool tc_icmp_is_echo(const struct tc_packet *p)
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
int tc_icmp_resolve(struct tc_parse_ctx *ctx, struct tc_packet *p,
		    const char *type, const struct tc_loc *tloc,
		    const char *code, const struct tc_loc *cloc,
		    bool has_mtu, const struct tc_loc *mloc)
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
int tc_encap_ip(struct tc_parse_ctx *ctx, struct tc_encap *out, int version,
		const struct tc_ipinfo *ip, const char *src, const struct tc_loc *sloc,
		const char *dst, const struct tc_loc *dloc)
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
int tc_expect_word(struct tc_parse_ctx *ctx, const char *word, const struct tc_loc *loc,
		   const char *want, const char *where)
{
	if (!strcmp(word, want))
		return 0;
	return tc_ctx_error(ctx, loc, "expected '%s' %s, not '%s'", want, where, word);
}

/* "checksum present", "key present" */
int tc_gre_flag(struct tc_parse_ctx *ctx, const char *name, const char *word,
		const struct tc_loc *loc, struct tc_opt_u32 *out)
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
int tc_gre_finish(struct tc_parse_ctx *ctx, struct tc_encap *out,
		  uint32_t flags, const struct tc_loc *floc,
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
		if (tc_check_num(ctx, &f[i]->v, &f[i]->vloc, names[i], 0,
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

int tc_finish_packet(struct tc_parse_ctx *ctx, struct tc_packet *p,
		     int dir, const struct tc_loc *dloc,
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

int tc_add_option(struct tc_parse_ctx *ctx, const struct tc_opt_tok *o,
		  const struct tc_loc *loc)
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

int tc_add_untimed(struct tc_parse_ctx *ctx, const char *cmd,
		   const struct tc_loc *loc)
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

int tc_add_event(struct tc_parse_ctx *ctx, const struct tc_time_val *t,
		 const struct tc_loc *tloc, bool blocking, int64_t end_us,
		 const struct tc_loc *eloc, struct tc_action *a)
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
	tc_action_free(a);
	return -1;
}

int tc_finish_script(struct tc_parse_ctx *ctx, const struct tc_loc *loc)
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
const char *tc_note_text(struct tc_parse_ctx *ctx, const struct tc_loc *open,
			 const struct tc_loc *close)
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
		if (s[i] == 'x' && i + 1 < n && tc_hexval(s[i + 1]) >= 0) {
			for (; k < 2 && i + 1 < n && tc_hexval(s[i + 1]) >= 0; k++)
				v = v * 16 + tc_hexval(s[++i]);
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

