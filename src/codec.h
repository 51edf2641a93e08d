/*
 * codec.h: bytes <-> segments <-> script notation.
 *
 * Decoding treats every captured byte as hostile: all reads go through a
 * bounds-checked cursor, and a truncated or malformed frame is an error
 * result, never a crash.  Nothing here allocates; nothing here knows about
 * ISNs (mapping live numbers into script space is verify's job).
 */
#ifndef TC_CODEC_H
#define TC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"

struct tc_error;
struct strbuf;

/* A decoded live frame: Ethernet (optional) + IPv4/IPv6 + TCP, UDP or
 * ICMP, behind any outer headers (IP in IP, GRE, MPLS). */
struct tc_segment {
	/* Outer headers, outermost first; the fields below are the inner
	 * packet's. */
	int n_encap;
	struct tc_encap encap[TC_MAX_ENCAP];

	/* IP */
	int ip_version;		/* 4 or 6 */
	uint8_t ip_hl;		/* IPv4 header length in bytes (20 without options) */
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class */
	uint8_t ttl;		/* TTL / hop limit */
	uint16_t ip_id;
	bool ip_df;
	uint16_t ip_total_len;	/* IPv4 total length / IPv6 payload length + 40 */
	bool ip_csum_ok;	/* IPv4 header checksum verified (true for IPv6) */
	uint8_t ip_proto;	/* 6 for TCP */
	uint32_t flowlabel;	/* IPv6 only */
	uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */

	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff;		/* TCP header length in bytes */
	uint16_t flags;		/* TC_TH_* including TC_TH_AE */
	uint8_t reserved;	/* the three reserved bits (byte 12, bits 1..3) */
	uint16_t win;
	uint16_t csum;		/* as captured (partial when offloaded) */
	uint16_t csum_right;	/* the TCP or UDP checksum it should be
				 * (worked out only inside outer headers) */
	uint16_t urg;
	uint8_t opts[TC_MAX_OPT_BYTES];
	uint8_t opts_len;
	uint32_t payload_len;
	bool payload_zero;	/* every payload byte is 0 */

	/* ICMP (ip_proto 1) or ICMPv6 (58): type and code, the MTU of a
	 * frag_needed or packet_too_big (else 0), and the ports of the
	 * quoted packet (its sport, dport: sport, dport above hold them). */
	int icmp_type, icmp_code;
	uint32_t icmp_mtu;
	uint8_t icmp_quoted_proto;	/* 0: no transport header quoted */
};

/*
 * Decode an Ethernet II frame carrying IPv4/IPv6 and TCP (or UDP, ICMP),
 * possibly inside IPv4 or IPv6 (protocols 4 and 41), GRE (47; version 0,
 * no routing) and MPLS (ethertype 0x8847, IP protocol 137), each kept in
 * seg->encap.  Returns 0 and fills seg, or -1 with a message in err (kind
 * TC_ERR_VERIFY) for a frame that is none of these or is truncated or
 * malformed.  Extra bytes after the IP total length (Ethernet padding)
 * are ignored.
 */
int tc_decode_ether(const uint8_t *frame, size_t len, struct tc_segment *seg,
		    struct tc_error *err);

/* As tc_decode_ether for a frame that starts at the IP header. */
int tc_decode_ip(const uint8_t *pkt, size_t len, struct tc_segment *seg,
		 struct tc_error *err);

/*
 * Encode a script option list into wire bytes, in the order written, with
 * no padding added.  Returns 0 and sets *out_len, or -1 if the options do
 * not fit in 40 bytes or their total is not a multiple of 4 (message
 * "TCP options are not padded correctly").
 */
int tc_options_encode(const struct tc_option *opts, int n, uint8_t *out,
		      size_t cap, size_t *out_len, struct tc_error *err);

/*
 * Decode wire option bytes into a list.  Unknown kinds keep their bytes in
 * data[].  Returns 0, or -1 for a malformed list (a length byte < 2 or
 * running past the end).
 */
int tc_options_decode(const uint8_t *buf, size_t len, struct tc_option *opts,
		      int max, int *n, struct tc_error *err);

/* Append one option / an option list in script notation ("mss 1460",
 * "<mss 1460,nop,wscale 7>"). */
void tc_option_format(const struct tc_option *opt, struct strbuf *out);
/* The script name of an option kind ("mss", "TS", "FOEXP", ...; the one
 * option table), or NULL for a kind without one. */
const char *tc_option_name(uint8_t kind);
void tc_options_format(const struct tc_option *opts, int n, struct strbuf *out);

/*
 * Append outer headers in script notation, each with its colon and a
 * space: "ipv4 192.168.0.2 > 192.168.0.1: gre: ", "gre flags [key present]
 * sum 0 off 0 key 7 seq 0: ", "mpls (label 16, tc 0, [S], ttl 64): ".  An
 * IP header's TOS and TTL are shown when not -1.
 */
void tc_encaps_format(const struct tc_encap *e, int n, struct strbuf *out);

/* Append one MPLS entry with a leading space: " (label 16, tc 0, [S], ttl 64)". */
void tc_mpls_entry_format(uint32_t entry, struct strbuf *out);

/* Append the flags in script order ("S.", "F.", "P.", "-" for none). */
void tc_flags_format(uint16_t flags, struct strbuf *out);

/*
 * Append a packet in script notation, without the time and direction:
 * "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>".  ack is printed
 * when has_ack or TC_TH_ACK is set; win when has_win; options when
 * has_options ("<...>" when any_options).
 */
void tc_packet_format(const struct tc_packet *pkt, struct strbuf *out);

/*
 * Convert a decoded TCP segment into a tc_packet whose numbers are those of
 * the wire (no mapping): flags, seq_start = seq, seq_end = seq + len,
 * payload_len, has_ack/ack, has_win/win, urg when non-zero, and the decoded
 * options (has_options = true).  Returns 0, or -1 if the options do not decode.
 */
int tc_segment_to_packet(const struct tc_segment *seg, struct tc_packet *pkt,
			 struct tc_error *err);

/* Internet checksum (RFC 1071) over buf, folded, as stored on the wire. */
uint16_t tc_inet_csum(const void *buf, size_t len);

/*
 * The checksum of a TCP segment (header and payload, len bytes, its own
 * checksum field included as it is) over the pseudo-header of its IP
 * version (ip_version 4: RFC 9293 §3.1, 12 bytes; 6: RFC 8200 §8.1, 40
 * bytes), src and dst being 4 or 16 bytes.  With the checksum field zero,
 * this is the value to store there; over a segment that carries a correct
 * checksum it is 0.
 */
uint16_t tc_tcp_csum(int ip_version, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *tcp, size_t len);

/*
 * Fill in the TCP checksum of an Ethernet frame carrying IPv4 or IPv6 and
 * TCP, in place (the kernel leaves it to the offload on tun0, as
 * packetdrill's tun gets it): so a pcap shows what a cable would carry.
 * Any other frame, or one too short for its headers, is left as it is.
 */
void tc_fill_tcp_csum(uint8_t *frame, size_t len);

/* The same for a UDP datagram (header and payload, its checksum field
 * zero): the value to store, 0xffff for a computed 0 (RFC 768). */
uint16_t tc_udp_csum(int ip_version, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *udp, size_t len);

/* What an inbound ICMP message says and quotes. */
struct tc_icmp_msg {
	int type, code;
	int mtu;		/* -1: none */
	int echo_id;		/* -1: none; else bytes 4-5 (echo identifier) */
	int quoted;		/* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_RAW */
	uint16_t sport, dport;	/* the quoted packet's: the kernel's port first */
	uint32_t seq;		/* TCP: the quoted sequence number */
	uint32_t payload_len;	/* the quoted packet's payload, for its lengths */
};

/*
 * An ICMPv4 message (RFC 792) quoting a packet the kernel sent, into buf
 * (cap bytes): type and code; the next-hop MTU in bytes 6-7 when mtu >= 0
 * (RFC 1191 §4), or the echo identifier in bytes 4-5; then the quoted IPv4
 * header (src, dst: the kernel's address first; DF, TTL 64, its header
 * checksum; protocol and total length those of the quoted packet) and its
 * first 8 bytes: TCP's ports and seq, UDP's ports, length (8 + payload)
 * and a zero checksum, or zeros for raw; the ICMP checksum last.  Returns
 * the length, 36, or -1 when cap is smaller.
 */
int tc_icmp4_build(uint8_t *buf, size_t cap, const struct tc_icmp_msg *m,
		   const uint8_t src[4], const uint8_t dst[4]);

/*
 * The same as an ICMPv6 message (RFC 4443): the MTU in bytes 4-7 when
 * mtu >= 0 (packet too big, §3.2), or the echo identifier in bytes 4-5;
 * the quoted IPv6 header (hop limit 64, next header and payload length
 * those of the quoted packet) and its first 8 bytes; the checksum over the
 * pseudo-header of the message itself, which goes from dst to src.
 * Returns the length, 56, or -1 when cap is smaller.
 */
int tc_icmp6_build(uint8_t *buf, size_t cap, const struct tc_icmp_msg *m,
		   const uint8_t src[16], const uint8_t dst[16]);

#endif
