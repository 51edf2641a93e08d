/* verify.c: see verify.h. */
#include "verify.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"

void tc_map_reset(struct tc_conn_map *m)
{
	memset(m, 0, sizeof(*m));
}

void tc_map_learn_local(struct tc_conn_map *m, uint32_t script_seq,
			uint32_t live_seq)
{
	m->local_known = true;
	m->local_offset = live_seq - script_seq;
	m->local_isn = live_seq;
}

void tc_map_learn_remote(struct tc_conn_map *m, uint32_t seq)
{
	m->remote_known = true;
	m->remote_isn = seq;
}

uint32_t tc_map_in_seq(const struct tc_conn_map *m, const struct tc_packet *p)
{
	if (p->flags & TC_TH_SYN)
		return p->seq_start;
	return p->seq_start + m->remote_isn;
}

uint32_t tc_map_in_ack(const struct tc_conn_map *m, bool syn, uint32_t script_ack)
{
	return script_ack + (syn ? m->local_offset : m->local_isn);
}

uint32_t tc_map_out_seq(const struct tc_conn_map *m, bool syn, uint32_t live_seq)
{
	return live_seq - (syn ? m->local_offset : m->local_isn);
}

uint32_t tc_map_out_ack(const struct tc_conn_map *m, bool syn,
			uint32_t live_ack)
{
	if (syn)
		return live_ack;
	return live_ack - m->remote_isn;
}

void tc_map_ts_record(struct tc_conn_map *m, uint32_t script_val,
		      uint32_t live_val)
{
	if (!m->ts_base_known) {
		m->ts_base_known = true;
		m->ts_first_script = script_val;
		m->ts_first_live = live_val;
	}
	for (int i = 0; i < m->n_ts; i++) {
		if (m->ts[i].script == script_val) {
			m->ts[i].live = live_val;	/* the newest wins */
			return;
		}
	}
	if (m->n_ts < TC_MAX_TS_PAIRS) {
		m->ts[m->n_ts].script = script_val;
		m->ts[m->n_ts].live = live_val;
		m->n_ts++;
	}
}

uint32_t tc_map_ts_out(const struct tc_conn_map *m, uint32_t live_val)
{
	if (!m->ts_base_known)
		return live_val;
	return m->ts_first_script + (live_val - m->ts_first_live);
}

int tc_map_ts_in_ecr(const struct tc_conn_map *m, uint32_t script_ecr,
		     bool scaled, uint32_t *live_ecr)
{
	for (int i = m->n_ts - 1; i >= 0; i--) {
		if (m->ts[i].script == script_ecr) {
			*live_ecr = m->ts[i].live;
			return 0;
		}
	}
	if (scaled && m->ts_base_known) {
		*live_ecr = m->ts_first_live + (script_ecr - m->ts_first_script);
		return 0;
	}
	return -1;
}

int64_t tc_tolerance(int64_t tolerance_usecs, double tolerance_percent,
		     int64_t gap_usecs)
{
	int64_t pct;

	if (gap_usecs < 0)
		gap_usecs = -gap_usecs;
	pct = (int64_t)((double)gap_usecs * tolerance_percent / 100.0);
	return pct > tolerance_usecs ? pct : tolerance_usecs;
}

int64_t tc_ts_tolerance(const struct tc_verify_opts *vo)
{
	return tc_tolerance(vo->tolerance_usecs, vo->tolerance_percent,
			    vo->event_usecs);
}

int tc_time_check(int64_t actual, int64_t start, int64_t end, int64_t tol)
{
	if (actual < start - tol)
		return -1;
	if (actual > end + tol)
		return 1;
	return 0;
}

int64_t tc_seen_time(int64_t ts, int64_t prev_start, int64_t prev_end)
{
	return ts >= prev_start && ts < prev_end ? prev_end : ts;
}

/* Copy at most cap - 1 bytes and terminate (texts are cut, never overrun). */
static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The line kind an IP protocol number is judged as: TCP, UDP, ICMP (v4 or
 * v6); -1 for any other. */
static int proto_l4(int proto)
{
	switch (proto) {
	case 6:
		return TC_L4_TCP;
	case 17:
		return TC_L4_UDP;
	case 1:
	case 58:
		return TC_L4_ICMP;
	default:
		return -1;
	}
}

static const char *l4_name(enum tc_l4 l4)
{
	return l4 == TC_L4_UDP ? "UDP" : l4 == TC_L4_ICMP ? "ICMP" : "TCP";
}

static int mismatch(struct tc_mismatch *mm, const char *field,
		    const char *text_exp, const char *text_act)
{
	mm->ts_val = false;
	copy_text(mm->field, sizeof(mm->field), field);
	copy_text(mm->expected, sizeof(mm->expected), text_exp);
	copy_text(mm->actual, sizeof(mm->actual), text_act);
	return 1;
}

static int mismatch_u(struct tc_mismatch *mm, const char *field,
		      unsigned long long exp, unsigned long long act)
{
	char e[32], a[32];

	snprintf(e, sizeof(e), "%llu", exp);
	snprintf(a, sizeof(a), "%llu", act);
	return mismatch(mm, field, e, a);
}

static int mismatch_flags(struct tc_mismatch *mm, uint16_t exp, uint16_t act)
{
	struct strbuf e = STRBUF_INIT, a = STRBUF_INIT;

	tc_flags_format(exp, &e);
	tc_flags_format(act, &a);
	mismatch(mm, "flags", e.buf, a.buf);
	strbuf_release(&e);
	strbuf_release(&a);
	return 1;
}

static const char *ecn_name(int ecn)
{
	return tc_ecn_name(ecn) ? tc_ecn_name(ecn) : "?";
}

/* Map the SACK edges and TS val of decoded live options into script space. */
static void map_live_options(const struct tc_conn_map *m, struct tc_option *o,
			     int n)
{
	for (int i = 0; i < n; i++) {
		if (o[i].kind == TC_OPT_SACK) {
			for (int j = 0; j < o[i].n_sack; j++) {
				o[i].sack[j].left -= m->remote_isn;
				o[i].sack[j].right -= m->remote_isn;
			}
		} else if (o[i].kind == TC_OPT_TS) {
			o[i].ts_val = tc_map_ts_out(m, o[i].ts_val);
		}
	}
}

/* An option's length on the wire, from its kind when not recorded. */
static unsigned opt_len(const struct tc_option *o)
{
	if (o->length)
		return o->length;
	switch (o->kind) {
	case TC_OPT_NOP:
	case TC_OPT_EOL:
		return 1;
	case TC_OPT_MSS:
		return 4;
	case TC_OPT_WSCALE:
		return 3;
	case TC_OPT_SACK_PERM:
		return 2;
	case TC_OPT_SACK:
		return 2 + 8 * (unsigned)o->n_sack;
	case TC_OPT_TS:
		return 10;
	default:
		return 2 + (unsigned)o->data_len;
	}
}

/* An option kind as a message names it: "mss", "TS", or "kind 99". */
static void kind_name(uint8_t kind, struct strbuf *out)
{
	const char *name = tc_option_name(kind);

	if (name)
		strbuf_addstr(out, name);
	else
		strbuf_addf(out, "kind %u", kind);
}

/* "<mss,nop,nop,sackOK>", or "(none)": the kinds of a list, in order. */
static void kinds_format(const struct tc_option *o, int n, struct strbuf *out)
{
	if (!n) {
		strbuf_addstr(out, "(none)");
		return;
	}
	strbuf_addch(out, '<');
	for (int i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		kind_name(o[i].kind, out);
	}
	strbuf_addch(out, '>');
}

/* The kinds of the two lists, in order: equal or not. */
static bool same_kinds(const struct tc_option *x, int nx,
		       const struct tc_option *l, int nl)
{
	if (nx != nl)
		return false;
	for (int i = 0; i < nx; i++)
		if (x[i].kind != l[i].kind)
			return false;
	return true;
}

/* "option 6 (wscale)": the 1-based position and kind, then what of it. */
static int option_mismatch(struct tc_mismatch *mm, int i, const struct tc_option *x,
			   const char *what, const char *text_exp,
			   const char *text_act)
{
	struct strbuf f = STRBUF_INIT;

	strbuf_addf(&f, "option %d (", i + 1);
	kind_name(x->kind, &f);
	strbuf_addf(&f, "%s)", what);
	mismatch(mm, f.buf, text_exp, text_act);
	strbuf_release(&f);
	return 1;
}

static int option_mismatch_u(struct tc_mismatch *mm, int i,
			     const struct tc_option *x, const char *what,
			     unsigned long exp, unsigned long act)
{
	char e[32], a[32];

	snprintf(e, sizeof(e), "%lu", exp);
	snprintf(a, sizeof(a), "%lu", act);
	return option_mismatch(mm, i, x, what, e, a);
}

/* SACK blocks in script space: "1001:2001 3001:4001", or "none". */
static void sack_format(const struct tc_option *o, uint32_t sub, struct strbuf *out)
{
	if (!o->n_sack)
		strbuf_addstr(out, "none");
	for (int j = 0; j < o->n_sack && j < TC_MAX_SACK_BLOCKS; j++)
		strbuf_addf(out, "%s%u:%u", j ? " " : "", o->sack[j].left - sub,
			    o->sack[j].right - sub);
}

/*
 * Compare option i of the line (x) with the live one (l), of the same
 * kind.  Returns 0 when they agree, 1 with mm naming the field and only the
 * values compared, 2 when only a TS val is beyond the tolerance (mm set
 * too).
 */
static int compare_option(const struct tc_conn_map *m, int i,
			  const struct tc_option *x, const struct tc_option *l,
			  const struct tc_verify_opts *vo, struct tc_mismatch *mm)
{
	struct strbuf e = STRBUF_INIT, a = STRBUF_INIT;
	int bad = 0;

	switch (x->kind) {
	case TC_OPT_NOP:
	case TC_OPT_EOL:
		return 0;
	case TC_OPT_TS:
		/* The first TS val fixed the baseline, so it is never off;
		 * later ones may drift by the tolerance, counted in ticks. */
		if (vo->ts_tick_usecs > 0 && m->ts_base_known) {
			uint32_t v = tc_map_ts_out(m, l->ts_val);
			int64_t d = (int64_t)(int32_t)(v - x->ts_val);

			if (d < 0)
				d = -d;
			if (d * vo->ts_tick_usecs > tc_ts_tolerance(vo)) {
				option_mismatch_u(mm, i, x, " val", x->ts_val, v);
				return 2;
			}
		}
		return 0;
	case TC_OPT_SACK:
		bad = x->n_sack != l->n_sack;
		for (int j = 0; j < x->n_sack && !bad; j++)
			bad = x->sack[j].left != l->sack[j].left - m->remote_isn ||
			      x->sack[j].right != l->sack[j].right - m->remote_isn;
		if (!bad)
			return 0;
		sack_format(x, 0, &e);
		sack_format(l, m->remote_isn, &a);
		option_mismatch(mm, i, x, " blocks", e.buf, a.buf);
		break;
	default:
		if (opt_len(x) != opt_len(l))
			return option_mismatch_u(mm, i, x, " length", opt_len(x),
						 opt_len(l));
		if (x->kind == TC_OPT_MSS)
			return x->mss != l->mss &&
			       option_mismatch_u(mm, i, x, "", x->mss, l->mss);
		if (x->kind == TC_OPT_WSCALE)
			return x->wscale != l->wscale &&
			       option_mismatch_u(mm, i, x, "", x->wscale, l->wscale);
		if (x->kind == TC_OPT_SACK_PERM ||
		    (x->data_len == l->data_len &&
		     !memcmp(x->data, l->data, x->data_len)))
			return 0;
		tc_option_format(x, &e);
		tc_option_format(l, &a);
		option_mismatch(mm, i, x, "", e.buf, a.buf);
		break;
	}
	strbuf_release(&e);
	strbuf_release(&a);
	return 1;
}

/*
 * The options: first their kinds in order (a different layout is named by
 * the two lists of kinds), then each option's values.  The message names
 * the first option that differs and shows only what was compared; a TS val
 * beyond the tolerance counts only when nothing else differs.
 */
static int compare_options(const struct tc_conn_map *m, const struct tc_packet *exp,
			   const struct tc_segment *act,
			   const struct tc_verify_opts *vo,
			   struct tc_mismatch *mm)
{
	struct tc_option live[TC_MAX_OPTIONS];
	struct tc_mismatch ts_mm;
	struct tc_error err;
	int n = 0, ts_off = 0;

	if (tc_options_decode(act->opts, act->opts_len, live, TC_MAX_OPTIONS,
			      &n, &err) < 0)
		return mismatch(mm, "options", "well-formed options", err.msg);
	if (!same_kinds(exp->options, exp->n_options, live, n)) {
		struct strbuf e = STRBUF_INIT, a = STRBUF_INIT;

		kinds_format(exp->options, exp->n_options, &e);
		kinds_format(live, n, &a);
		mismatch(mm, "option kinds", e.buf, a.buf);
		strbuf_release(&e);
		strbuf_release(&a);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct tc_mismatch one;
		int rc = compare_option(m, i, &exp->options[i], &live[i], vo, &one);

		if (rc == 1) {
			*mm = one;
			return 1;
		}
		if (rc == 2 && !ts_off) {
			ts_off = 1;
			ts_mm = one;
		}
	}
	if (ts_off) {
		*mm = ts_mm;
		mm->ts_val = true;
	}
	return ts_off;
}

/* A kernel segment's seq in script space.  A RST+ACK with seq 0 answers a
 * segment without ACK (RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>): the 0 is literal, not an offset from the ISN, so it is
 * shown and compared as 0, as before the ISN is known. */
static uint32_t live_seq(const struct tc_conn_map *m, const struct tc_segment *seg)
{
	bool syn = seg->flags & TC_TH_SYN;

	if ((seg->flags & (TC_TH_RST | TC_TH_ACK)) == (TC_TH_RST | TC_TH_ACK) && !seg->seq)
		return 0;
	return tc_map_out_seq(m, syn, seg->seq);
}

/* A kernel segment's ack field in script space: mapped only when the ACK
 * flag is set (a RST without ACK carries a raw 0, compared as such), as
 * packetdrill does. */
static uint32_t live_ack(const struct tc_conn_map *m, const struct tc_segment *seg)
{
	if (!(seg->flags & TC_TH_ACK))
		return seg->ack;
	return tc_map_out_ack(m, seg->flags & TC_TH_SYN, seg->ack);
}

/* The IP-level marks a line gives: ECN bits, TOS, TTL (hop limit). */
static int ip_fields(const struct tc_packet *exp, const struct tc_segment *act,
		     struct tc_mismatch *mm)
{
	if (exp->ecn >= 0) {
		int live_ecn = act->tos & 3;
		bool ok = exp->ecn == TC_ECN_ECT01 ?
			  (live_ecn == TC_ECN_ECT0 || live_ecn == TC_ECN_ECT1) :
			  live_ecn == exp->ecn;

		if (!ok)
			return mismatch(mm, "ecn", ecn_name(exp->ecn), ecn_name(live_ecn));
	}
	if (exp->tos >= 0 && act->tos != exp->tos)
		return mismatch_u(mm, "tos", (unsigned)exp->tos, act->tos);
	if (exp->ttl >= 0 && act->ttl != exp->ttl)
		return mismatch_u(mm, "ttl", (unsigned)exp->ttl, act->ttl);
	return 0;
}

static const char *encap_name(enum tc_encap_type t)
{
	return t == TC_ENCAP_IPV4 ? "ipv4" : t == TC_ENCAP_IPV6 ? "ipv6" :
	       t == TC_ENCAP_GRE ? "gre" : "mpls";
}

/* The outer headers as the script writes them, or "none". */
static void encaps_text(const struct tc_encap *e, int n, bool show_ip, struct strbuf *out)
{
	struct tc_encap copy[TC_MAX_ENCAP];

	if (!n) {
		strbuf_addstr(out, "none");
		return;
	}
	memcpy(copy, e, sizeof(copy[0]) * (size_t)n);
	for (int i = 0; i < n && !show_ip; i++)
		copy[i].tos = copy[i].ttl = -1;
	tc_encaps_format(copy, n, out);
	out->buf[--out->len] = '\0';	/* the last ':' ends it */
}

static int mismatch_addr(struct tc_mismatch *mm, const char *field, int af,
			 const uint8_t *exp, const uint8_t *act)
{
	char e[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];

	inet_ntop(af, exp, e, sizeof(e));
	inet_ntop(af, act, a, sizeof(a));
	return mismatch(mm, field, e, a);
}

/* One outer IP header: its addresses as written, TOS and TTL when given. */
static int encap_ip(const struct tc_encap *x, const struct tc_encap *a,
		    struct tc_mismatch *mm)
{
	int af = x->type == TC_ENCAP_IPV4 ? AF_INET : AF_INET6;
	size_t alen = af == AF_INET ? 4 : 16;
	const char *v = encap_name(x->type);
	char f[32];

	if (!a->csum_ok)
		return mismatch(mm, "outer ipv4 checksum", "valid", "bad");
	if (memcmp(x->src, a->src, alen)) {
		snprintf(f, sizeof(f), "outer %s src", v);
		return mismatch_addr(mm, f, af, x->src, a->src);
	}
	if (memcmp(x->dst, a->dst, alen)) {
		snprintf(f, sizeof(f), "outer %s dst", v);
		return mismatch_addr(mm, f, af, x->dst, a->dst);
	}
	if (x->tos >= 0 && x->tos != a->tos) {
		snprintf(f, sizeof(f), "outer %s tos", v);
		return mismatch_u(mm, f, (unsigned)x->tos, (unsigned)a->tos);
	}
	if (x->ttl >= 0 && x->ttl != a->ttl) {
		snprintf(f, sizeof(f), "outer %s ttl", v);
		return mismatch_u(mm, f, (unsigned)x->ttl, (unsigned)a->ttl);
	}
	return 0;
}

/* A GRE header: its flags, then each optional field its flags carry.  A
 * script's sum 0 with the checksum bit asks for a correct checksum. */
static int encap_gre(const struct tc_encap *x, const struct tc_encap *a,
		     struct tc_mismatch *mm)
{
	if (x->gre.flags != a->gre.flags) {
		char e[16], v[16];

		snprintf(e, sizeof(e), "0x%04x", x->gre.flags);
		snprintf(v, sizeof(v), "0x%04x", a->gre.flags);
		return mismatch(mm, "gre flags", e, v);
	}
	if (x->gre.flags & TC_GRE_CSUM) {
		if (!x->gre.sum && !a->csum_ok)
			return mismatch(mm, "gre checksum", "valid", "bad");
		if (x->gre.sum && x->gre.sum != a->gre.sum)
			return mismatch_u(mm, "gre sum", x->gre.sum, a->gre.sum);
		if (x->gre.off != a->gre.off)
			return mismatch_u(mm, "gre off", x->gre.off, a->gre.off);
	}
	if ((x->gre.flags & TC_GRE_KEY) && x->gre.key != a->gre.key)
		return mismatch_u(mm, "gre key", x->gre.key, a->gre.key);
	if ((x->gre.flags & TC_GRE_SEQ) && x->gre.seq != a->gre.seq)
		return mismatch_u(mm, "gre seq", x->gre.seq, a->gre.seq);
	return 0;
}

/* An MPLS label stack, entry by entry. */
static int encap_mpls(const struct tc_encap *x, const struct tc_encap *a,
		      struct tc_mismatch *mm)
{
	if (x->n_mpls != a->n_mpls)
		return mismatch_u(mm, "mpls labels", (unsigned)x->n_mpls, (unsigned)a->n_mpls);
	for (int i = 0; i < x->n_mpls; i++) {
		if (x->mpls[i] != a->mpls[i]) {
			struct strbuf e = STRBUF_INIT, v = STRBUF_INIT;
			char f[32];

			snprintf(f, sizeof(f), "mpls entry %d", i + 1);
			tc_mpls_entry_format(x->mpls[i], &e);
			tc_mpls_entry_format(a->mpls[i], &v);
			mismatch(mm, f, e.buf + 1, v.buf + 1);
			strbuf_release(&e);
			strbuf_release(&v);
			return 1;
		}
	}
	return 0;
}

/*
 * The outer headers: the same kinds in the same order, then each one's
 * fields.  Unlike packetdrill, which compares only their kinds, lengths,
 * TOS and TTL, the outer addresses are judged as written.
 */
static int verify_encaps(const struct tc_packet *exp, const struct tc_segment *act,
			 struct tc_mismatch *mm)
{
	bool same = exp->n_encap == act->n_encap;

	for (int i = 0; same && i < exp->n_encap; i++)
		same = exp->encap[i].type == act->encap[i].type;
	if (!same) {
		struct strbuf e = STRBUF_INIT, a = STRBUF_INIT;

		encaps_text(exp->encap, exp->n_encap, true, &e);
		encaps_text(act->encap, act->n_encap, false, &a);
		mismatch(mm, "encapsulation", e.buf, a.buf);
		strbuf_release(&e);
		strbuf_release(&a);
		return 1;
	}
	for (int i = 0; i < exp->n_encap; i++) {
		const struct tc_encap *x = &exp->encap[i], *a = &act->encap[i];
		int rc = x->type == TC_ENCAP_GRE ? encap_gre(x, a, mm) :
			 x->type == TC_ENCAP_MPLS ? encap_mpls(x, a, mm) :
			 encap_ip(x, a, mm);

		if (rc)
			return rc;
	}
	return 0;
}

void tc_map_apply(struct tc_conn_map *m, const struct tc_map_update *up)
{
	if (up->learn_local)
		tc_map_learn_local(m, up->script_seq, up->live_seq);
	for (int i = 0; i < up->n_ts; i++)
		tc_map_ts_record(m, up->ts[i].script, up->ts[i].live);
}

int tc_verify_outbound(struct tc_conn_map *m, const struct tc_packet *exp,
		       const struct tc_segment *act,
		       const struct tc_verify_opts *vo, struct tc_mismatch *mm)
{
	struct tc_map_update up;
	int rc = tc_verify_segment(m, exp, act, vo, mm, &up);

	tc_map_apply(m, &up);
	return rc;
}

int tc_verify_segment(const struct tc_conn_map *m, const struct tc_packet *exp,
		      const struct tc_segment *act, const struct tc_verify_opts *vo,
		      struct tc_mismatch *mm, struct tc_map_update *up)
{
	bool syn = act->flags & TC_TH_SYN;
	uint32_t exp_ack = exp->has_ack ? exp->ack : 0;
	struct tc_conn_map learnt;

	memset(mm, 0, sizeof(*mm));
	memset(up, 0, sizeof(*up));
	if (act->ip_version == 4 && !act->ip_csum_ok)
		return mismatch(mm, "ip checksum", "valid", "bad outbound IP checksum");
	if (verify_encaps(exp, act, mm))
		return 1;
	if (proto_l4(act->ip_proto) != (int)exp->l4)
		return mismatch(mm, "protocol", l4_name(exp->l4),
				proto_l4(act->ip_proto) < 0 ? "other" :
				l4_name((enum tc_l4)proto_l4(act->ip_proto)));
	if (ip_fields(exp, act, mm))
		return 1;
	if (exp->l4 == TC_L4_ICMP) {
		/* Type and code as the wire's ICMP version names them; the
		 * MTU when the line gives one. */
		int type = act->ip_proto == IPPROTO_ICMPV6 ? exp->icmp6_type : exp->icmp_type;
		int code = act->ip_proto == IPPROTO_ICMPV6 ? exp->icmp6_code : exp->icmp_code;

		if (act->icmp_type != type)
			return mismatch_u(mm, "icmp type", (unsigned)type, (unsigned)act->icmp_type);
		if (code >= 0 && act->icmp_code != code)
			return mismatch_u(mm, "icmp code", (unsigned)code, (unsigned)act->icmp_code);
		if (exp->icmp_mtu >= 0 && act->icmp_mtu != (uint32_t)exp->icmp_mtu)
			return mismatch_u(mm, "icmp mtu", (unsigned)exp->icmp_mtu, act->icmp_mtu);
		return 0;
	}
	if (exp->l4 == TC_L4_UDP) {
		/* A datagram: its length and its (zero) payload; the ports
		 * chose the socket. */
		if (act->payload_len != exp->payload_len)
			return mismatch_u(mm, "payload length", exp->payload_len,
					  act->payload_len);
		if (!act->payload_zero)
			return mismatch(mm, "payload", "zero bytes", "non-zero bytes");
		return 0;
	}
	if (act->flags != exp->flags)
		return mismatch_flags(mm, exp->flags, act->flags);
	if (syn && !m->local_known) {
		/* The kernel's ISN, learned from the connection's first SYN or
		 * SYN-ACK.  A later one (a SYN reopening TIME_WAIT, a
		 * simultaneous open) is judged against it. */
		up->learn_local = true;
		up->script_seq = exp->seq_start;
		up->live_seq = act->seq;
		learnt = *m;
		tc_map_learn_local(&learnt, exp->seq_start, act->seq);
		m = &learnt;
	}
	if (live_seq(m, act) != exp->seq_start)
		return mismatch_u(mm, "seq", exp->seq_start, live_seq(m, act));
	if (live_ack(m, act) != exp_ack)
		return mismatch_u(mm, "ack", exp_ack, live_ack(m, act));
	if (act->payload_len != exp->payload_len)
		return mismatch_u(mm, "payload length", exp->payload_len, act->payload_len);
	if (exp->has_win && act->win != exp->win)
		return mismatch_u(mm, "win", exp->win, act->win);
	if (act->urg != (exp->has_urg ? exp->urg : 0))
		return mismatch_u(mm, "urg", exp->has_urg ? exp->urg : 0, act->urg);
	if (act->reserved)
		return mismatch_u(mm, "reserved bits", 0, act->reserved);
	if (!exp->any_options && compare_options(m, exp, act, vo, mm))
		return 1;
	if (!act->payload_zero)
		return mismatch(mm, "payload", "zero bytes", "non-zero bytes");

	/* A match: remember how the kernel's TS val maps into script space. */
	if (!exp->any_options) {
		struct tc_option live[TC_MAX_OPTIONS];
		struct tc_error err;
		int n = 0;

		if (tc_options_decode(act->opts, act->opts_len, live,
				      TC_MAX_OPTIONS, &n, &err) == 0) {
			for (int i = 0; i < n && i < exp->n_options; i++)
				if (live[i].kind == TC_OPT_TS &&
				    exp->options[i].kind == TC_OPT_TS) {
					up->ts[up->n_ts].script = exp->options[i].ts_val;
					up->ts[up->n_ts].live = live[i].ts_val;
					up->n_ts++;
				}
		}
	}
	return 0;
}

void tc_format_live(const struct tc_conn_map *m, const struct tc_segment *seg,
		    struct strbuf *out)
{
	struct tc_packet p;
	struct tc_error err;

	if (tc_segment_to_packet(seg, &p, &err) < 0) {
		strbuf_addf(out, "(%s)", err.msg);
		return;
	}
	if (p.l4 != TC_L4_TCP) {
		tc_packet_format(&p, out);
		return;
	}
	p.seq_start = live_seq(m, seg);
	p.seq_end = p.seq_start + seg->payload_len;
	p.ack = live_ack(m, seg);
	map_live_options(m, p.options, p.n_options);
	tc_packet_format(&p, out);
}
