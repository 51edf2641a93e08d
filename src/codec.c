/*
 * codec.c: see codec.h.
 *
 * Every read of captured bytes goes through struct cursor below: a view of
 * [p, p + len) with a read offset, whose readers fail (return -1) instead of
 * running past the end.  Nothing casts a packet pointer to a struct or to a
 * wider integer pointer; multi-byte fields are assembled from bytes.
 *
 * Notation decisions (script notation, as packetdrill scripts write it):
 *
 *   Flags: the letters in the order S F R P U E W A, then '.' for ACK last;
 *   no flags at all prints '-'.  This reproduces every form in the upstream
 *   corpus (S., F., P., R., FP., SF., SEW, SE., SW., U., E., WA., SEWA).
 *   packetdrill's own dumper uses tcpdump 4.1.1's order (F S R P . U E W A),
 *   which prints some of those differently (FS., S.E); we prefer the way
 *   scripts are written, since reports put our output next to script lines.
 *
 *   Options: comma-separated, no spaces: eol, nop, "mss N", "wscale N",
 *   sackOK, "sack L:R L:R" ("sack" with no blocks), "TS val N ecr N",
 *   "md5 HEX", "FO HEX" / "FO", "FOEXP HEX" / "FOEXP", AccECN kinds 172/174
 *   as "ECN e0b N ceb N e1b N" / "ECN e1b N ceb N e0b N" (as many 24-bit
 *   fields as present).  Anything else, including a known kind whose length
 *   is not its fixed length and kind 254 without the Fast Open magic, prints
 *   as "opt K 0xHEX" (or "opt K" with no data).
 *
 *   Decoding: the first EOL is recorded (length 1) and ends the list; the
 *   bytes after it are padding (RFC 9293 §3.2) and are ignored.
 */
#include "codec.h"

#include <arpa/inet.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"

/* ---- bounds-checked reading ---- */

struct cursor {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static void cur_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
}

static size_t cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

static int cur_u8(struct cursor *c, uint8_t *v)
{
	if (cur_left(c) < 1)
		return -1;
	*v = c->p[c->off++];
	return 0;
}

static int cur_be16(struct cursor *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return -1;
	*v = (uint16_t)((unsigned)c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return 0;
}

static int cur_be32(struct cursor *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return -1;
	*v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
	     (uint32_t)c->p[c->off + 2] << 8 | (uint32_t)c->p[c->off + 3];
	c->off += 4;
	return 0;
}

static int cur_bytes(struct cursor *c, void *dst, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	memcpy(dst, c->p + c->off, n);
	c->off += n;
	return 0;
}

static int cur_skip(struct cursor *c, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	c->off += n;
	return 0;
}

/* Split off the next n bytes as their own cursor, advancing c past them. */
static int cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (cur_left(c) < n)
		return -1;
	cur_init(sub, c->p + c->off, n);
	c->off += n;
	return 0;
}

/* ---- checksum ---- */

enum { PROTO_TCP_PSEUDO = 6, PROTO_UDP_PSEUDO = 17, PROTO_ICMPV6 = 58 };

/* A 32-bit one's-complement sum folded to 16 bits (not complemented). */
static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t tc_inet_csum(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint32_t sum = 0;
	size_t i;

	/* RFC 1071: one's-complement sum of big-endian 16-bit words. */
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return (uint16_t)~fold(sum);
}

/* One's-complement sum of big-endian 16-bit words, not folded. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* The checksum of len bytes of protocol proto over the IPv4 (alen 4) or
 * IPv6 (alen 16) pseudo-header. */
static uint16_t pseudo_csum(size_t alen, const uint8_t *src, const uint8_t *dst,
			    uint8_t proto, const uint8_t *l4, size_t len)
{
	uint32_t sum = 0;

	/* Both pseudo-headers sum the same words: the addresses, the
	 * upper-layer length (16 bits in IPv4, 32 in IPv6: the high half is
	 * zero for any segment here) and the protocol number. */
	sum = sum16(sum, src, alen);
	sum = sum16(sum, dst, alen);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	sum += proto;
	sum = sum16(sum, l4, len);
	return (uint16_t)~fold(sum);
}

uint16_t tc_tcp_csum(int ip_version, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *tcp, size_t len)
{
	return pseudo_csum(ip_version == 6 ? 16 : 4, src, dst, PROTO_TCP_PSEUDO,
			   tcp, len);
}

uint16_t tc_udp_csum(int ip_version, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *udp, size_t len)
{
	uint16_t c = pseudo_csum(ip_version == 6 ? 16 : 4, src, dst, PROTO_UDP_PSEUDO,
				 udp, len);

	return c ? c : 0xffff;	/* RFC 768: a computed 0 is sent as all ones */
}

/* The kernel's frames leave tun0 with the TCP checksum left to the
 * offload; see codec.h. */
void tc_fill_tcp_csum(uint8_t *frame, size_t len)
{
	struct cursor c, h;
	uint16_t type, tot, pl;
	uint8_t vihl, proto;
	size_t ihl, off, tcp_len;
	int v;

	if (len < 14 + 40)
		return;
	cur_init(&c, frame, len);
	if (cur_skip(&c, 12) < 0 || cur_be16(&c, &type) < 0)
		return;
	h = c;			/* the IP header */
	if (cur_u8(&h, &vihl) < 0)
		return;
	if (type == 0x0800 && (vihl >> 4) == 4) {
		if (cur_skip(&h, 1) < 0 || cur_be16(&h, &tot) < 0 || cur_skip(&h, 5) < 0 ||
		    cur_u8(&h, &proto) < 0 || proto != 6)
			return;
		ihl = (size_t)(vihl & 15) * 4;
		if (ihl < 20 || tot < ihl + 20 || 14 + (size_t)tot > len)
			return;
		v = 4;
		off = 14 + ihl;
		tcp_len = tot - ihl;
	} else if (type == 0x86dd && (vihl >> 4) == 6) {
		if (cur_skip(&h, 3) < 0 || cur_be16(&h, &pl) < 0 || cur_u8(&h, &proto) < 0 ||
		    proto != 6)
			return;
		if (pl < 20 || 14 + 40 + (size_t)pl > len)
			return;
		v = 6;
		off = 14 + 40;
		tcp_len = pl;
	} else {
		return;
	}
	frame[off + 16] = frame[off + 17] = 0;
	{
		const uint8_t *ip = frame + 14;
		uint16_t sum = tc_tcp_csum(v, v == 4 ? ip + 12 : ip + 8,
					   v == 4 ? ip + 16 : ip + 24, frame + off, tcp_len);

		frame[off + 16] = (uint8_t)(sum >> 8);
		frame[off + 17] = (uint8_t)sum;
	}
}

/* ---- decoding frames ---- */

enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_MPLS = 0x8847,
	ETH_HLEN = 14,
	IPV4_MIN_HLEN = 20,
	IPV6_HLEN = 40,
	TCP_MIN_HLEN = 20,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_ICMP = 1,
	PROTO_ICMP6 = 58,
	PROTO_RAW = 255,
	PROTO_IPIP = 4,		/* IPv4 in IP */
	PROTO_IPV6_IN = 41,	/* IPv6 in IP */
	PROTO_GRE = 47,
	PROTO_MPLS_IN = 137,	/* MPLS in IP (RFC 4023) */
	GRE_MIN_HLEN = 4,
	UDP_HLEN = 8,
};

/* Every decoding failure is a verification failure: the kernel sent it. */
#define verr(err, ...) tc_error_set((err), TC_ERR_VERIFY, __VA_ARGS__)

/* Whether the next n bytes at c (as many as there are) are all zero. */
static bool all_zero(struct cursor *c, size_t n)
{
	uint8_t b;

	for (size_t i = 0; i < n && cur_u8(c, &b) == 0; i++)
		if (b)
			return false;
	return true;
}

/*
 * The checksum a TCP segment or UDP datagram (l4, len bytes, proto) should
 * carry, whatever its checksum field (at csum) holds: a capture before the
 * device sees a partial one when the kernel left it to checksum offload.
 * The sum with the field as captured, less the field.
 */
static uint16_t right_csum(const struct tc_segment *seg, uint8_t proto,
			   const uint8_t *l4, size_t len, uint16_t field)
{
	uint16_t x = pseudo_csum(seg->ip_version == 6 ? 16 : 4, seg->src, seg->dst,
				 proto, l4, len);
	return (uint16_t)~fold((uint32_t)(uint16_t)~x + (uint16_t)~field);
}

/* The TCP header and payload: c covers exactly the IP payload. */
static int decode_tcp(struct cursor *c, struct tc_segment *seg,
		      struct tc_error *err)
{
	size_t avail = cur_left(c);
	const uint8_t *start = c->p + c->off;
	uint8_t b12, b13;

	if (avail < TCP_MIN_HLEN)
		return verr(err, "truncated TCP header (%zu bytes)", avail);
	if (cur_be16(c, &seg->sport) < 0 || cur_be16(c, &seg->dport) < 0 ||
	    cur_be32(c, &seg->seq) < 0 || cur_be32(c, &seg->ack) < 0 ||
	    cur_u8(c, &b12) < 0 || cur_u8(c, &b13) < 0 ||
	    cur_be16(c, &seg->win) < 0 || cur_be16(c, &seg->csum) < 0 ||
	    cur_be16(c, &seg->urg) < 0)
		return verr(err, "truncated TCP header (%zu bytes)", avail);

	/* Only a GRE checksum needs it: not worth a pass over every segment. */
	if (seg->n_encap)
		seg->csum_right = right_csum(seg, PROTO_TCP_PSEUDO, start, avail, seg->csum);
	seg->doff = (uint8_t)((b12 >> 4) * 4);
	seg->reserved = (uint8_t)((b12 >> 1) & 7);
	seg->flags = (uint16_t)(b13 | (b12 & 1) << 8);
	if (seg->doff < TCP_MIN_HLEN)
		return verr(err, "bad TCP data offset (%u bytes)", seg->doff);
	if (seg->doff > avail)
		return verr(err, "truncated TCP header (%zu of %u bytes)", avail,
			    seg->doff);

	seg->opts_len = (uint8_t)(seg->doff - TCP_MIN_HLEN);
	if (cur_bytes(c, seg->opts, seg->opts_len) < 0)	/* checked above */
		return verr(err, "truncated TCP options");

	seg->payload_len = (uint32_t)cur_left(c);
	seg->payload_zero = all_zero(c, seg->payload_len);
	return 0;
}

/* A UDP datagram: its ports and payload (the UDP checksum is not judged,
 * as the TCP one is not). */
static int decode_udp(struct cursor *c, struct tc_segment *seg,
		      struct tc_error *err)
{
	size_t avail = cur_left(c);
	const uint8_t *start = c->p + c->off;
	uint16_t ulen, csum;

	if (avail < UDP_HLEN)
		return verr(err, "truncated UDP header (%zu bytes)", avail);
	if (cur_be16(c, &seg->sport) < 0 || cur_be16(c, &seg->dport) < 0 ||
	    cur_be16(c, &ulen) < 0 || cur_be16(c, &csum) < 0)
		return verr(err, "truncated UDP header (%zu bytes)", avail);
	if (ulen < UDP_HLEN || ulen > avail)
		return verr(err, "bad UDP length %u (%zu bytes after the IP header)",
			    ulen, avail);
	seg->csum = csum;
	if (csum && seg->n_encap)
		seg->csum_right = right_csum(seg, PROTO_UDP_PSEUDO, start, ulen, csum);
	if (csum && seg->n_encap && !seg->csum_right)
		seg->csum_right = 0xffff;
	seg->payload_len = ulen - UDP_HLEN;
	seg->payload_zero = all_zero(c, seg->payload_len);
	return 0;
}

/*
 * An ICMP or ICMPv6 message: type, code, the MTU of frag_needed (v4 type 3
 * code 4: bytes 6-7) or packet_too_big (v6 type 2: bytes 4-7), and for an
 * error message the transport ports of the packet it quotes.
 */
static int decode_icmp(struct cursor *c, bool v6, struct tc_segment *seg,
		       struct tc_error *err)
{
	uint8_t type, code, q[48];
	uint16_t csum;
	uint32_t rest;
	size_t qlen, ihl;

	if (cur_u8(c, &type) < 0 || cur_u8(c, &code) < 0 || cur_be16(c, &csum) < 0 ||
	    cur_be32(c, &rest) < 0)
		return verr(err, "truncated ICMP header");
	seg->icmp_type = type;
	seg->icmp_code = code;
	seg->csum = csum;
	seg->csum_right = csum;	/* never offloaded */
	if (!v6 && type == 3 && code == 4)
		seg->icmp_mtu = rest & 0xffff;
	else if (v6 && type == 2)
		seg->icmp_mtu = rest;
	seg->payload_len = (uint32_t)cur_left(c);
	/* The quoted packet: an error type (v4: 3, 4, 5, 11, 12; v6: 1-4). */
	if (v6 ? type < 1 || type > 4 : type != 3 && type != 11 && type != 12 &&
	    type != 4 && type != 5)
		return 0;
	qlen = cur_left(c) < sizeof(q) ? cur_left(c) : sizeof(q);
	if (cur_bytes(c, q, qlen) < 0)
		return 0;
	if (v6 && qlen >= 40 + 4) {
		seg->icmp_quoted_proto = q[6];
		ihl = 40;
	} else if (!v6 && qlen >= 20 && (q[0] >> 4) == 4 &&
		   qlen >= (ihl = (size_t)(q[0] & 15) * 4) + 4) {
		seg->icmp_quoted_proto = q[9];
	} else {
		return 0;
	}
	seg->sport = (uint16_t)(q[ihl] << 8 | q[ihl + 1]);
	seg->dport = (uint16_t)(q[ihl + 2] << 8 | q[ihl + 3]);
	return 0;
}

static int decode_ipv4(struct cursor *c, struct tc_segment *seg,
		       struct tc_error *err);
static int decode_ipv6(struct cursor *c, struct tc_segment *seg,
		       struct tc_error *err);

/* What an IP protocol number, a GRE protocol type or an ethertype says
 * comes next: one of these, or 0 for anything else. */
enum next_hdr { NEXT_IPV4 = 1, NEXT_IPV6, NEXT_GRE, NEXT_MPLS };

static enum next_hdr ip_next(uint8_t proto)
{
	return proto == PROTO_IPIP ? NEXT_IPV4 : proto == PROTO_IPV6_IN ? NEXT_IPV6 :
	       proto == PROTO_GRE ? NEXT_GRE : proto == PROTO_MPLS_IN ? NEXT_MPLS : 0;
}

static enum next_hdr eth_next(uint16_t type)
{
	return type == ETHERTYPE_IPV4 ? NEXT_IPV4 : type == ETHERTYPE_IPV6 ? NEXT_IPV6 :
	       type == ETHERTYPE_MPLS ? NEXT_MPLS : 0;
}

/* A new outer layer of seg, or NULL (with err) past TC_MAX_ENCAP. */
static struct tc_encap *push_encap(struct tc_segment *seg, enum tc_encap_type type,
				   struct tc_error *err)
{
	struct tc_encap *e;

	if (seg->n_encap == TC_MAX_ENCAP) {
		verr(err, "more than %d encapsulation headers", TC_MAX_ENCAP);
		return NULL;
	}
	e = &seg->encap[seg->n_encap++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	return e;
}

static int decode_next(struct cursor *c, enum next_hdr next, struct tc_segment *seg,
		       struct tc_error *err);

/* A GRE header (RFC 2784, with RFC 2890's key and sequence number): c
 * covers the IP payload. */
static int decode_gre(struct cursor *c, struct tc_segment *seg, struct tc_error *err)
{
	struct tc_encap *e = push_encap(seg, TC_ENCAP_GRE, err);
	const uint8_t *start = c->p + c->off;
	size_t len = cur_left(c);
	uint16_t flags, proto;

	if (!e)
		return -1;
	if (cur_be16(c, &flags) < 0 || cur_be16(c, &proto) < 0)
		return verr(err, "truncated GRE header (%zu bytes)", len);
	if (flags & TC_GRE_VERSION)
		return verr(err, "GRE version %u not supported", flags & TC_GRE_VERSION);
	if (flags & TC_GRE_ROUTING)
		return verr(err, "GRE routing not supported");
	e->gre.flags = flags;
	e->gre.proto = proto;
	if (((flags & TC_GRE_CSUM) && (cur_be16(c, &e->gre.sum) < 0 ||
				       cur_be16(c, &e->gre.off) < 0)) ||
	    ((flags & TC_GRE_KEY) && cur_be32(c, &e->gre.key) < 0) ||
	    ((flags & TC_GRE_SEQ) && cur_be32(c, &e->gre.seq) < 0))
		return verr(err, "truncated GRE header (%zu bytes)", len);
	if (!eth_next(proto))
		return verr(err, "unsupported GRE protocol type 0x%04x", proto);
	if (decode_next(c, eth_next(proto), seg, err) < 0)
		return -1;
	/* The checksum covers the GRE header and its payload, with the
	 * inner checksum as the device completes it (the kernel computes
	 * GRE's that way when it offloads the inner one). */
	if (flags & TC_GRE_CSUM) {
		uint32_t sum = sum16(0, start, len);

		sum += (uint32_t)(uint16_t)~seg->csum + seg->csum_right;
		e->csum_ok = fold(sum) == 0xffff;
	} else {
		e->csum_ok = true;
	}
	return 0;
}

/* An MPLS label stack (RFC 3032), down to the entry marked bottom of
 * stack; an IPv4 or IPv6 packet below it, by its version nibble. */
static int decode_mpls(struct cursor *c, struct tc_segment *seg, struct tc_error *err)
{
	struct tc_encap *e = push_encap(seg, TC_ENCAP_MPLS, err);
	uint32_t entry = 0;
	uint8_t v;

	if (!e)
		return -1;
	while (!(entry & 0x100)) {
		if (e->n_mpls == TC_MAX_MPLS)
			return verr(err, "more than %d MPLS labels", TC_MAX_MPLS);
		if (cur_be32(c, &entry) < 0)
			return verr(err, "truncated MPLS label stack");
		e->mpls[e->n_mpls++] = entry;
	}
	if (cur_left(c) < 1)
		return verr(err, "nothing below the MPLS label stack");
	v = c->p[c->off] >> 4;
	if (v != 4 && v != 6)
		return verr(err, "no IP packet below the MPLS label stack (version %u)", v);
	return decode_next(c, v == 4 ? NEXT_IPV4 : NEXT_IPV6, seg, err);
}

static int decode_next(struct cursor *c, enum next_hdr next, struct tc_segment *seg,
		       struct tc_error *err)
{
	switch (next) {
	case NEXT_IPV4:
		return decode_ipv4(c, seg, err);
	case NEXT_IPV6:
		return decode_ipv6(c, seg, err);
	case NEXT_GRE:
		return decode_gre(c, seg, err);
	default:
		return decode_mpls(c, seg, err);
	}
}

/* The IP header just decoded into seg carries another header (proto):
 * keep it as an outer layer, and decode what it carries from c. */
static int decode_encap_ip(struct cursor *c, uint8_t proto, struct tc_segment *seg,
			   struct tc_error *err)
{
	struct tc_encap *e = push_encap(seg, seg->ip_version == 4 ? TC_ENCAP_IPV4 :
					TC_ENCAP_IPV6, err);

	if (!e)
		return -1;
	memcpy(e->src, seg->src, sizeof(e->src));
	memcpy(e->dst, seg->dst, sizeof(e->dst));
	e->tos = seg->tos;
	e->ttl = seg->ttl;
	e->csum_ok = seg->ip_csum_ok;
	memset(seg->src, 0, sizeof(seg->src));
	memset(seg->dst, 0, sizeof(seg->dst));
	return decode_next(c, ip_next(proto), seg, err);
}

static int decode_ipv4(struct cursor *c, struct tc_segment *seg,
		       struct tc_error *err)
{
	size_t len = cur_left(c);
	const uint8_t *hdr = c->p + c->off;
	struct cursor tcp;
	uint8_t vihl, proto;
	uint16_t frag;

	if (len < IPV4_MIN_HLEN)
		return verr(err, "truncated IPv4 header (%zu bytes)", len);
	if (cur_u8(c, &vihl) < 0 || cur_u8(c, &seg->tos) < 0 ||
	    cur_be16(c, &seg->ip_total_len) < 0 || cur_be16(c, &seg->ip_id) < 0 ||
	    cur_be16(c, &frag) < 0 || cur_u8(c, &seg->ttl) < 0 ||
	    cur_u8(c, &proto) < 0 || cur_skip(c, 2) < 0 ||
	    cur_bytes(c, seg->src, 4) < 0 || cur_bytes(c, seg->dst, 4) < 0)
		return verr(err, "truncated IPv4 header (%zu bytes)", len);

	seg->ip_version = vihl >> 4;
	if (seg->ip_version != 4)
		return verr(err, "bad IP version %d in an IPv4 frame",
			    seg->ip_version);
	seg->ip_hl = (uint8_t)((vihl & 0x0f) * 4);
	seg->ip_proto = proto;
	seg->ip_df = frag & 0x4000;
	if (seg->ip_hl < IPV4_MIN_HLEN)
		return verr(err, "bad IPv4 header length (%u bytes)", seg->ip_hl);
	if (seg->ip_hl > len)
		return verr(err, "truncated IPv4 header (%zu of %u bytes)", len,
			    seg->ip_hl);
	if (seg->ip_total_len < seg->ip_hl)
		return verr(err, "bad IPv4 total length %u (header length %u)",
			    seg->ip_total_len, seg->ip_hl);
	if (seg->ip_total_len > len)
		return verr(err, "truncated IPv4 packet (%zu of %u bytes)", len,
			    seg->ip_total_len);
	/* hdr[0 .. ip_hl) lies inside the checked range: ip_hl <= len. */
	seg->ip_csum_ok = tc_inet_csum(hdr, seg->ip_hl) == 0;
	if (frag & 0x3fff)
		return verr(err, "IPv4 fragment (offset %u%s) not supported",
			    (unsigned)(frag & 0x1fff) * 8,
			    frag & 0x2000 ? ", more fragments" : "");
	if (proto != PROTO_TCP && proto != PROTO_UDP && proto != PROTO_ICMP &&
	    !ip_next(proto))
		return verr(err, "not a TCP segment, UDP datagram or ICMP message (protocol %u)",
			    proto);

	/* Skip IP options, then take exactly the IP payload. */
	if (cur_skip(c, (size_t)seg->ip_hl - IPV4_MIN_HLEN) < 0 ||
	    cur_sub(c, (size_t)seg->ip_total_len - seg->ip_hl, &tcp) < 0)
		return verr(err, "truncated IPv4 packet (%zu bytes)", len);
	if (ip_next(proto))
		return decode_encap_ip(&tcp, proto, seg, err);
	return proto == PROTO_UDP ? decode_udp(&tcp, seg, err) :
	       proto == PROTO_ICMP ? decode_icmp(&tcp, false, seg, err) :
	       decode_tcp(&tcp, seg, err);
}

/* IPv6 next-header values that are extension headers (RFC 8200 §4, IANA). */
static bool ipv6_is_ext(uint8_t nh)
{
	static const uint8_t ext[] = { 0, 43, 44, 50, 51, 60, 135, 139, 140,
				       253, 254 };

	for (size_t i = 0; i < sizeof(ext); i++)
		if (ext[i] == nh)
			return true;
	return false;
}

static int decode_ipv6(struct cursor *c, struct tc_segment *seg,
		       struct tc_error *err)
{
	size_t len = cur_left(c);
	struct cursor tcp;
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh;

	if (len < IPV6_HLEN)
		return verr(err, "truncated IPv6 header (%zu bytes)", len);
	if (cur_be32(c, &vtf) < 0 || cur_be16(c, &plen) < 0 ||
	    cur_u8(c, &nh) < 0 || cur_u8(c, &seg->ttl) < 0 ||
	    cur_bytes(c, seg->src, 16) < 0 || cur_bytes(c, seg->dst, 16) < 0)
		return verr(err, "truncated IPv6 header (%zu bytes)", len);

	seg->ip_version = (int)(vtf >> 28);
	if (seg->ip_version != 6)
		return verr(err, "bad IP version %d in an IPv6 frame",
			    seg->ip_version);
	seg->tos = (uint8_t)(vtf >> 20);
	seg->flowlabel = vtf & 0xfffff;
	seg->ip_hl = IPV6_HLEN;
	seg->ip_csum_ok = true;
	seg->ip_proto = nh;
	/* ip_total_len is 16 bits: a payload over 65495 bytes saturates. */
	seg->ip_total_len = plen > 0xffff - IPV6_HLEN ? 0xffff :
			    (uint16_t)(plen + IPV6_HLEN);
	if ((size_t)plen + IPV6_HLEN > len)
		return verr(err, "truncated IPv6 packet (%zu of %zu bytes)", len,
			    (size_t)plen + IPV6_HLEN);
	if (nh != PROTO_TCP && ipv6_is_ext(nh))
		return verr(err, "unsupported IPv6 extension header (next header %u)",
			    nh);
	if (nh != PROTO_TCP && nh != PROTO_UDP && nh != PROTO_ICMP6 && !ip_next(nh))
		return verr(err, "not a TCP segment, UDP datagram or ICMP message (protocol %u)",
			    nh);
	if (cur_sub(c, plen, &tcp) < 0)
		return verr(err, "truncated IPv6 packet (%zu bytes)", len);
	if (ip_next(nh))
		return decode_encap_ip(&tcp, nh, seg, err);
	return nh == PROTO_UDP ? decode_udp(&tcp, seg, err) :
	       nh == PROTO_ICMP6 ? decode_icmp(&tcp, true, seg, err) :
	       decode_tcp(&tcp, seg, err);
}

/* An IP packet of whichever version its first nibble says. */
static int decode_ip(struct cursor *c, struct tc_segment *seg, struct tc_error *err)
{
	uint8_t v;

	if (cur_left(c) < 1)
		return verr(err, "empty IP packet");
	v = c->p[c->off] >> 4;
	if (v != 4 && v != 6)
		return verr(err, "bad IP version %u", v);
	return v == 4 ? decode_ipv4(c, seg, err) : decode_ipv6(c, seg, err);
}

int tc_decode_ip(const uint8_t *pkt, size_t len, struct tc_segment *seg,
		 struct tc_error *err)
{
	struct cursor c;

	memset(seg, 0, sizeof(*seg));
	cur_init(&c, pkt, len);
	return decode_ip(&c, seg, err);
}

int tc_decode_ether(const uint8_t *frame, size_t len, struct tc_segment *seg,
		    struct tc_error *err)
{
	struct cursor c;
	uint16_t type;

	memset(seg, 0, sizeof(*seg));
	cur_init(&c, frame, len);
	if (cur_skip(&c, 12) < 0 || cur_be16(&c, &type) < 0)
		return verr(err, "truncated Ethernet header (%zu bytes)", len);
	if (!eth_next(type))
		return verr(err, "unsupported ethertype 0x%04x", type);
	return decode_next(&c, eth_next(type), seg, err);
}

/* ---- options ---- */

/* What we know about each named kind.  fixed: its only valid wire length,
 * or 0 when the length varies. */
struct opt_info {
	uint8_t kind;
	uint8_t fixed;
	const char *name;
};

static const struct opt_info opt_table[] = {
	{ TC_OPT_EOL, 1, "eol" },
	{ TC_OPT_NOP, 1, "nop" },
	{ TC_OPT_MSS, 4, "mss" },
	{ TC_OPT_WSCALE, 3, "wscale" },
	{ TC_OPT_SACK_PERM, 2, "sackOK" },
	{ TC_OPT_SACK, 0, "sack" },
	{ TC_OPT_TS, 10, "TS" },
	{ TC_OPT_MD5, 0, "md5" },
	{ TC_OPT_FASTOPEN, 0, "FO" },
	{ TC_OPT_EXP, 0, "FOEXP" },
	{ 0, 0, NULL },
};

enum {
	FOEXP_MAGIC0 = 0xf9,
	FOEXP_MAGIC1 = 0x89,
};

static const struct opt_info *opt_lookup(uint8_t kind)
{
	for (const struct opt_info *i = opt_table; i->name; i++)
		if (i->kind == kind)
			return i;
	return NULL;
}

const char *tc_option_name(uint8_t kind)
{
	const struct opt_info *i = opt_lookup(kind);

	return i ? i->name : NULL;
}

/*
 * Whether o is held as raw bytes in data[]: kinds without named fields,
 * and a named fixed-size kind (or SACK) whose recorded length is not its
 * valid one (only decoding produces those; a length of 0 means "derive").
 */
static bool opt_is_raw(const struct tc_option *o)
{
	const struct opt_info *info = opt_lookup(o->kind);

	if (!info)
		return true;
	if (o->kind == TC_OPT_SACK)
		return o->length && (o->length < 2 || (o->length - 2) % 8 ||
				     (o->length - 2) / 8 > TC_MAX_SACK_BLOCKS);
	if (info->fixed)
		return o->length && o->length != info->fixed;
	return true;		/* MD5, FO, EXP: data is their payload */
}

/* The option's length on the wire, or -1 if it cannot be encoded. */
static int opt_wire_len(const struct tc_option *o)
{
	const struct opt_info *info = opt_lookup(o->kind);

	if (o->kind == TC_OPT_EOL || o->kind == TC_OPT_NOP)
		return 1;
	if (opt_is_raw(o))
		return o->data_len <= sizeof(o->data) ? 2 + o->data_len : -1;
	if (o->kind == TC_OPT_SACK)
		return o->n_sack >= 0 && o->n_sack <= TC_MAX_SACK_BLOCKS ?
		       2 + 8 * o->n_sack : -1;
	return info->fixed;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int tc_options_encode(const struct tc_option *opts, int n, uint8_t *out,
		      size_t cap, size_t *out_len, struct tc_error *err)
{
	size_t total = 0, off = 0;

	*out_len = 0;
	for (int i = 0; i < n; i++) {
		int l = opt_wire_len(&opts[i]);

		if (l < 0)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "TCP option %d (kind %u) is malformed",
					    i + 1, opts[i].kind);
		total += (size_t)l;
	}
	if (total > TC_MAX_OPT_BYTES)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "TCP options too long (%zu bytes)", total);
	if (total % 4)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "TCP options are not padded correctly");
	if (total > cap)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "TCP options do not fit in %zu bytes", cap);

	for (int i = 0; i < n; i++) {
		const struct tc_option *o = &opts[i];
		uint8_t l = (uint8_t)opt_wire_len(o);
		uint8_t *p = out + off;

		p[0] = o->kind;
		if (l > 1)
			p[1] = l;
		if (l == 1) {
			/* EOL, NOP: the kind byte alone. */
		} else if (opt_is_raw(o)) {
			memcpy(p + 2, o->data, o->data_len);
		} else if (o->kind == TC_OPT_MSS) {
			put_be16(p + 2, o->mss);
		} else if (o->kind == TC_OPT_WSCALE) {
			p[2] = o->wscale;
		} else if (o->kind == TC_OPT_SACK) {
			for (int j = 0; j < o->n_sack; j++) {
				put_be32(p + 2 + 8 * j, o->sack[j].left);
				put_be32(p + 6 + 8 * j, o->sack[j].right);
			}
		} else if (o->kind == TC_OPT_TS) {
			put_be32(p + 2, o->ts_val);
			put_be32(p + 6, o->ts_ecr);
		}
		off += l;
	}
	*out_len = off;
	return 0;
}

/* Fill the named fields of a known kind from its payload (p, after kind
 * and length); the option is already raw-filled and its length checked. */
static void opt_parse_fields(struct tc_option *o, struct cursor *p)
{
	switch (o->kind) {
	case TC_OPT_MSS:
		(void)cur_be16(p, &o->mss);
		break;
	case TC_OPT_WSCALE:
		(void)cur_u8(p, &o->wscale);
		break;
	case TC_OPT_SACK:
		o->n_sack = (o->length - 2) / 8;
		for (int j = 0; j < o->n_sack; j++) {
			(void)cur_be32(p, &o->sack[j].left);
			(void)cur_be32(p, &o->sack[j].right);
		}
		break;
	case TC_OPT_TS:
		(void)cur_be32(p, &o->ts_val);
		(void)cur_be32(p, &o->ts_ecr);
		break;
	default:
		break;
	}
}

int tc_options_decode(const uint8_t *buf, size_t len, struct tc_option *opts,
		      int max, int *n, struct tc_error *err)
{
	struct cursor c;

	*n = 0;
	cur_init(&c, buf, len);
	while (cur_left(&c) > 0) {
		size_t at = c.off;
		struct tc_option *o;
		struct cursor body;
		uint8_t kind, olen;

		if (*n >= max)
			return verr(err, "too many TCP options (more than %d)", max);
		o = &opts[*n];
		memset(o, 0, sizeof(*o));
		(void)cur_u8(&c, &kind);
		o->kind = kind;
		if (kind == TC_OPT_EOL || kind == TC_OPT_NOP) {
			o->length = 1;
			(*n)++;
			if (kind == TC_OPT_EOL)
				break;
			continue;
		}
		if (cur_u8(&c, &olen) < 0)
			return verr(err, "TCP option kind %u at byte %zu has no length",
				    kind, at);
		if (olen < 2)
			return verr(err, "bad length %u in TCP option kind %u at byte %zu",
				    olen, kind, at);
		if (cur_sub(&c, (size_t)olen - 2, &body) < 0)
			return verr(err, "TCP option kind %u at byte %zu runs past "
				    "the end (length %u, %zu bytes left)",
				    kind, at, olen, len - at);
		o->length = olen;
		/* olen - 2 <= 38 here since len <= 40 in practice; still clamp
		 * against data[] for a caller that passes a longer buffer. */
		if (body.len > sizeof(o->data))
			return verr(err, "TCP option kind %u at byte %zu is too long "
				    "(%u bytes)", kind, at, olen);
		o->data_len = (uint8_t)body.len;
		memcpy(o->data, body.p, body.len);
		if (!opt_is_raw(o))
			opt_parse_fields(o, &body);
		(*n)++;
	}
	return 0;
}

static uint32_t get_be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* "ECN e0b N ceb N e1b N" for an AccECN option; false if o is not one. */
static bool format_accecn(const struct tc_option *o, struct strbuf *out)
{
	static const char *const order0[] = { "e0b", "ceb", "e1b" };
	static const char *const order1[] = { "e1b", "ceb", "e0b" };
	const char *const *names;

	if (o->kind == TC_OPT_ACCECN0)
		names = order0;
	else if (o->kind == TC_OPT_ACCECN1)
		names = order1;
	else
		return false;
	if (o->data_len == 0 || o->data_len % 3 || o->data_len > 9)
		return false;
	strbuf_addstr(out, "ECN");
	for (int i = 0; i < o->data_len / 3; i++)
		strbuf_addf(out, " %s %u", names[i], get_be24(o->data + 3 * i));
	return true;
}

static void format_raw(const struct tc_option *o, struct strbuf *out)
{
	size_t n = o->data_len <= sizeof(o->data) ? o->data_len : sizeof(o->data);

	strbuf_addf(out, "opt %u", o->kind);
	if (n) {
		strbuf_addstr(out, " 0x");
		strbuf_addhex(out, o->data, n);
	}
}

/* A name followed by " HEX" when there are bytes. */
static void format_named_hex(const char *name, const uint8_t *p, size_t n,
			     struct strbuf *out)
{
	strbuf_addstr(out, name);
	if (n) {
		strbuf_addch(out, ' ');
		strbuf_addhex(out, p, n);
	}
}

void tc_option_format(const struct tc_option *o, struct strbuf *out)
{
	const struct opt_info *info = opt_lookup(o->kind);
	size_t dl = o->data_len <= sizeof(o->data) ? o->data_len : sizeof(o->data);

	if (o->kind == TC_OPT_EOL || o->kind == TC_OPT_NOP) {
		strbuf_addstr(out, info->name);
		return;
	}
	/* Unnamed kinds, and named ones whose length is not theirs. */
	if (!info || ((info->fixed || o->kind == TC_OPT_SACK) && opt_is_raw(o))) {
		if (!format_accecn(o, out))
			format_raw(o, out);
		return;
	}
	switch (o->kind) {
	case TC_OPT_MSS:
		strbuf_addf(out, "%s %u", info->name, o->mss);
		break;
	case TC_OPT_WSCALE:
		strbuf_addf(out, "%s %u", info->name, o->wscale);
		break;
	case TC_OPT_SACK_PERM:
		strbuf_addstr(out, info->name);
		break;
	case TC_OPT_SACK:
		strbuf_addstr(out, info->name);
		for (int j = 0; j < o->n_sack && j < TC_MAX_SACK_BLOCKS; j++)
			strbuf_addf(out, " %u:%u", o->sack[j].left, o->sack[j].right);
		break;
	case TC_OPT_TS:
		strbuf_addf(out, "%s val %u ecr %u", info->name, o->ts_val, o->ts_ecr);
		break;
	case TC_OPT_MD5:
	case TC_OPT_FASTOPEN:
		format_named_hex(info->name, o->data, dl, out);
		break;
	case TC_OPT_EXP:
		if (dl >= 2 && o->data[0] == FOEXP_MAGIC0 &&
		    o->data[1] == FOEXP_MAGIC1)
			format_named_hex(info->name, o->data + 2, dl - 2, out);
		else
			format_raw(o, out);
		break;
	default:
		format_raw(o, out);
		break;
	}
}

void tc_options_format(const struct tc_option *opts, int n, struct strbuf *out)
{
	strbuf_addch(out, '<');
	for (int i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		tc_option_format(&opts[i], out);
	}
	strbuf_addch(out, '>');
}

/* ---- flags and packets ---- */

/* Script order: SYN's letter first, as scripts write it, ACK's '.' last;
 * the letters are script.h's. */
static const uint16_t flag_order[] = {
	TC_TH_SYN, TC_TH_FIN, TC_TH_RST, TC_TH_PSH, TC_TH_URG, TC_TH_ECE,
	TC_TH_CWR, TC_TH_AE, TC_TH_ACK, 0,
};

void tc_flags_format(uint16_t flags, struct strbuf *out)
{
	bool any = false;

	for (int i = 0; flag_order[i]; i++) {
		if (flags & flag_order[i]) {
			strbuf_addch(out, tc_tcp_flag_letters[__builtin_ctz(flag_order[i])]);
			any = true;
		}
	}
	if (!any)
		strbuf_addch(out, '-');
}

/* "[ect0] ", "[tos 0x10, ttl 64] ": the ipinfo that was given, if any. */
static void format_ipinfo(const struct tc_packet *p, struct strbuf *out)
{
	const char *sep = "[";

	if (p->ecn >= 0 && p->ecn <= TC_ECN_ECT01) {
		strbuf_addf(out, "%s%s", sep, tc_ecn_name(p->ecn));
		sep = ", ";
	}
	if (p->tos >= 0) {
		strbuf_addf(out, "%stos 0x%02x", sep, (unsigned)p->tos);
		sep = ", ";
	}
	if (p->ttl >= 0) {
		strbuf_addf(out, "%sttl %d", sep, p->ttl);
		sep = ", ";
	}
	if (sep[0] != '[')
		strbuf_addstr(out, "] ");
}

/* An ICMP line after its type and code: mtu, id, a UDP or raw quote. */
static void format_icmp_tail(const struct tc_packet *p, struct strbuf *out)
{
	if (p->icmp_mtu >= 0)
		strbuf_addf(out, " mtu %d", p->icmp_mtu);
	if (p->icmp_echo_id >= 0)
		strbuf_addf(out, " id %d", p->icmp_echo_id);
	if (p->icmp_quoted == PROTO_UDP)
		strbuf_addf(out, " [udp (%u)]", p->payload_len);
	else if (p->icmp_quoted == PROTO_RAW)
		strbuf_addf(out, " [raw (%u)]", p->payload_len);
}

static void format_gre(const struct tc_encap *e, struct strbuf *out)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} names[] = {
		{ TC_GRE_CSUM, "checksum present" },
		{ TC_GRE_KEY, "key present" },
		{ TC_GRE_SEQ, "sequence# present" },
	};
	const char *sep = "[";

	if (!e->gre.flags && !e->gre.sum && !e->gre.off && !e->gre.key && !e->gre.seq) {
		strbuf_addstr(out, "gre: ");
		return;
	}
	strbuf_addstr(out, "gre flags ");
	if (e->gre.flags & ~(TC_GRE_CSUM | TC_GRE_KEY | TC_GRE_SEQ)) {
		strbuf_addf(out, "0x%04x", e->gre.flags);
	} else {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (e->gre.flags & names[i].bit) {
				strbuf_addf(out, "%s%s", sep, names[i].name);
				sep = ", ";
			}
		}
		strbuf_addstr(out, *sep == '[' ? "[none]" : "]");
	}
	strbuf_addf(out, " sum %u off %u key %u seq %u: ", e->gre.sum, e->gre.off,
		    e->gre.key, e->gre.seq);
}

void tc_encaps_format(const struct tc_encap *e, int n, struct strbuf *out)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	for (int i = 0; i < n; i++, e++) {
		int af = e->type == TC_ENCAP_IPV4 ? AF_INET : AF_INET6;
		const char *sep = "[";

		switch (e->type) {
		case TC_ENCAP_IPV4:
		case TC_ENCAP_IPV6:
			strbuf_addf(out, "ipv%d ", af == AF_INET ? 4 : 6);
			if (e->tos >= 0) {
				strbuf_addf(out, "%stos 0x%02x", sep, (unsigned)e->tos);
				sep = ", ";
			}
			if (e->ttl >= 0) {
				strbuf_addf(out, "%sttl %d", sep, e->ttl);
				sep = ", ";
			}
			if (*sep != '[')
				strbuf_addstr(out, "] ");
			inet_ntop(af, e->src, a, sizeof(a));
			inet_ntop(af, e->dst, b, sizeof(b));
			strbuf_addf(out, "%s > %s: ", a, b);
			break;
		case TC_ENCAP_GRE:
			format_gre(e, out);
			break;
		case TC_ENCAP_MPLS:
			strbuf_addstr(out, "mpls");
			for (int k = 0; k < e->n_mpls; k++)
				tc_mpls_entry_format(e->mpls[k], out);
			strbuf_addstr(out, ": ");
			break;
		}
	}
}

void tc_mpls_entry_format(uint32_t entry, struct strbuf *out)
{
	strbuf_addf(out, " (label %u, tc %u, %sttl %u)", entry >> 12, (entry >> 9) & 7,
		    entry & 0x100 ? "[S], " : "", entry & 0xff);
}

void tc_packet_format(const struct tc_packet *p, struct strbuf *out)
{
	tc_encaps_format(p->encap, p->n_encap, out);
	format_ipinfo(p, out);
	if (p->l4 == TC_L4_UDP) {
		if (p->has_ports)
			strbuf_addf(out, "udp %u>%u (%u)", p->sport, p->dport,
				    p->payload_len);
		else
			strbuf_addf(out, "udp (%u)", p->payload_len);
		return;
	}
	if (p->l4 == TC_L4_ICMP && p->icmp_type_name[0]) {
		strbuf_addf(out, "icmp %s", p->icmp_type_name);
		if (p->icmp_code_name[0])
			strbuf_addf(out, " %s", p->icmp_code_name);
		format_icmp_tail(p, out);
		return;
	}
	if (p->l4 == TC_L4_ICMP) {
		strbuf_addf(out, "icmp type_%d code_%d", p->icmp_type, p->icmp_code);
		format_icmp_tail(p, out);
		return;
	}

	if (p->has_ports)
		strbuf_addf(out, "%u>%u ", p->sport, p->dport);
	tc_flags_format(p->flags, out);
	strbuf_addf(out, " %u:%u(%u)", p->seq_start, p->seq_end, p->payload_len);
	if (p->has_ack || (p->flags & TC_TH_ACK))
		strbuf_addf(out, " ack %u", p->ack);
	if (p->has_win)
		strbuf_addf(out, " win %u", p->win);
	if (p->has_urg)
		strbuf_addf(out, " urg %u", p->urg);
	if (p->any_options) {
		strbuf_addstr(out, " <...>");
	} else if (p->has_options && p->n_options > 0) {
		strbuf_addch(out, ' ');
		tc_options_format(p->options, p->n_options, out);
	}
}

int tc_segment_to_packet(const struct tc_segment *seg, struct tc_packet *pkt,
			 struct tc_error *err)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->dir = TC_DIR_OUTBOUND;
	pkt->l4 = TC_L4_TCP;
	pkt->ecn = TC_ECN_UNSET;
	pkt->tos = -1;
	pkt->ttl = -1;
	pkt->icmp_type = pkt->icmp_code = -1;
	pkt->icmp6_type = pkt->icmp6_code = -1;
	pkt->icmp_mtu = -1;
	pkt->icmp_echo_id = -1;

	/* The outer headers as a script would write them: addresses, GRE
	 * fields, MPLS entries (TOS and TTL are compared, not shown). */
	pkt->n_encap = seg->n_encap;
	memcpy(pkt->encap, seg->encap, sizeof(pkt->encap));
	for (int i = 0; i < pkt->n_encap; i++)
		pkt->encap[i].tos = pkt->encap[i].ttl = -1;

	pkt->flags = seg->flags;
	pkt->no_flags = seg->flags == 0;
	pkt->seq_start = seg->seq;
	pkt->seq_end = seg->seq + seg->payload_len;
	pkt->payload_len = seg->payload_len;
	/* A non-zero ack field with ACK clear is shown too: verify compares it. */
	pkt->has_ack = (seg->flags & TC_TH_ACK) || seg->ack != 0;
	pkt->ack = seg->ack;
	pkt->has_win = true;
	pkt->win = seg->win;
	pkt->has_urg = seg->urg != 0;
	pkt->urg = seg->urg;
	pkt->sport = seg->sport;
	pkt->dport = seg->dport;
	if (seg->ip_proto == PROTO_ICMP || seg->ip_proto == PROTO_ICMP6) {
		pkt->l4 = TC_L4_ICMP;
		pkt->flags = 0;
		pkt->has_ack = pkt->has_win = pkt->has_urg = pkt->has_ports = false;
		pkt->icmp_type = seg->icmp_type;
		pkt->icmp_code = seg->icmp_code;
		pkt->icmp_mtu = seg->icmp_mtu ? (int)seg->icmp_mtu : -1;
		return 0;
	}
	if (seg->ip_proto == PROTO_UDP) {
		pkt->l4 = TC_L4_UDP;
		pkt->flags = 0;
		pkt->has_ack = pkt->has_win = pkt->has_urg = false;
		pkt->seq_start = pkt->seq_end = 0;
		return 0;
	}
	pkt->has_options = true;
	return tc_options_decode(seg->opts, seg->opts_len, pkt->options,
				 TC_MAX_OPTIONS, &pkt->n_options, err);
}

/* ---- inbound ICMP ---- */

/* The first 8 bytes of the quoted packet's transport header; its
 * length (transport header and payload) in *l4_len. */
static void quote_l4(uint8_t *t, const struct tc_icmp_msg *m, uint32_t *l4_len)
{
	switch (m->quoted) {
	case PROTO_UDP:
		*l4_len = 8 + m->payload_len;
		put_be16(t, m->sport);
		put_be16(t + 2, m->dport);
		put_be16(t + 4, (uint16_t)(*l4_len > 0xffff ? 0xffff : *l4_len));
		break;
	case PROTO_RAW:
		*l4_len = m->payload_len;
		break;
	default:
		*l4_len = 20 + m->payload_len;
		put_be16(t, m->sport);
		put_be16(t + 2, m->dport);
		put_be32(t + 4, m->seq);
		break;
	}
}

int tc_icmp4_build(uint8_t *buf, size_t cap, const struct tc_icmp_msg *m,
		   const uint8_t src[4], const uint8_t dst[4])
{
	uint8_t *ip = buf + 8;
	uint32_t l4_len, tot;

	if (cap < 36)
		return -1;
	memset(buf, 0, 36);
	buf[0] = (uint8_t)m->type;
	buf[1] = (uint8_t)m->code;
	if (m->echo_id >= 0)
		put_be16(buf + 4, (uint16_t)m->echo_id);
	if (m->mtu >= 0)
		put_be16(buf + 6, (uint16_t)m->mtu);	/* RFC 1191 §4 */
	quote_l4(buf + 28, m, &l4_len);
	tot = 20 + l4_len;
	/* The quoted header, as the kernel sent it: DF, TTL 64. */
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(tot > 0xffff ? 0xffff : tot));
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = (uint8_t)m->quoted;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put_be16(ip + 10, tc_inet_csum(ip, 20));
	put_be16(buf + 2, tc_inet_csum(buf, 36));
	return 36;
}

int tc_icmp6_build(uint8_t *buf, size_t cap, const struct tc_icmp_msg *m,
		   const uint8_t src[16], const uint8_t dst[16])
{
	uint8_t *ip = buf + 8;
	uint32_t l4_len;

	if (cap < 56)
		return -1;
	memset(buf, 0, 56);
	buf[0] = (uint8_t)m->type;
	buf[1] = (uint8_t)m->code;
	if (m->echo_id >= 0)
		put_be16(buf + 4, (uint16_t)m->echo_id);
	if (m->mtu >= 0)
		put_be32(buf + 4, (uint32_t)m->mtu);	/* RFC 4443 §3.2 */
	quote_l4(buf + 48, m, &l4_len);
	/* The quoted header, as the kernel sent it: hop limit 64. */
	ip[0] = 0x60;
	put_be16(ip + 4, (uint16_t)(l4_len > 0xffff ? 0xffff : l4_len));
	ip[6] = (uint8_t)m->quoted;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	/* RFC 4443 §2.3: the message goes from dst back to src. */
	put_be16(buf + 2, pseudo_csum(16, dst, src, PROTO_ICMPV6, buf, 56));
	return 56;
}
