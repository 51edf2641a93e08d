/*
 * test_codec.c: frames as bytes -> decode -> fields and script notation;
 * truncation at every length; IP header checksum; flags notation.
 * Option encoding/decoding lives in test_options.c.
 *
 * The frames were built by an independent script (Python struct + its own
 * RFC 1071 checksum), not by the code under test.
 */
#include <stdlib.h>

#include "codec.h"
#include "error.h"
#include "strbuf.h"
#include "tap.h"

/* Linux-style SYN-ACK, 192.168.0.1:8080 > 192.0.2.1:40000, DF, TTL 64,
 * seq 0x12345678 ack 1 win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>. */
static const uint8_t synack_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
	0xb8, 0x11, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x1f, 0x90,
	0x9c, 0x40, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x01, 0xa0, 0x12,
	0xff, 0xff, 0x12, 0x34, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x07,
};

/* IP and TCP headers of P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 200
 * ecr 100>, IP id 0x1c46, total length 1052; 1000 zero bytes follow. */
static const uint8_t data_hdr[] = {
	0x45, 0x00, 0x04, 0x1c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x97, 0xeb,
	0xc0, 0xa8, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x1f, 0x90, 0x9c, 0x40,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x80, 0x18, 0x01, 0xf6,
	0x12, 0x34, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0xc8,
	0x00, 0x00, 0x00, 0x64,
};

/* R. 1:1(0) ack 1 win 0, no options. */
static const uint8_t rst_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
	0xb8, 0x25, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x1f, 0x90,
	0x9c, 0x40, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x50, 0x14,
	0x00, 0x00, 0x12, 0x34, 0x00, 0x00,
};

/* A bare ACK (no DF, TTL 255) padded to 60 bytes with 0xaa. */
static const uint8_t padded_ack_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06,
	0x39, 0x25, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0xa8, 0x00, 0x01, 0x9c, 0x40,
	0x1f, 0x90, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x50, 0x10,
	0x01, 0x01, 0x12, 0x34, 0x00, 0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
};

/* IPv6 SYN fd00::1.40000 > fd00::2.8080, traffic class 0xb8, flow label
 * 0x12345, hop limit 64, <mss 1440,sackOK,TS val 5 ecr 0,nop,wscale 7>. */
static const uint8_t ipv6_syn_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x6b, 0x81, 0x23, 0x45, 0x00, 0x28, 0x06, 0x40, 0xfd, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x1f, 0x90, 0x01, 0x02,
	0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfd, 0x20, 0x12, 0x34,
	0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
	0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

/* A SYN-ACK as Linux 6.18 sent it over IPv6 (captured on wire0, tx
 * checksum offload off, so the TCP checksum 0x0d34 is the kernel's own):
 * fd3d:fa7b:d17d::1.8080 > 2001:db8::1.40000, flow label 0x26df1, hop
 * limit 64, seq 0x596c56c1 ack 1001 win 64240 <mss 1460,nop,nop,sackOK,
 * nop,wscale 10>. */
static const uint8_t kernel_ipv6_synack_frame[] = {
	0x22, 0x5e, 0xff, 0x77, 0xd0, 0x4b, 0xda, 0xce, 0x9e, 0x3d, 0xac, 0x44,
	0x86, 0xdd, 0x60, 0x02, 0x6d, 0xf1, 0x00, 0x20, 0x06, 0x40, 0xfd, 0x3d,
	0xfa, 0x7b, 0xd1, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x1f, 0x90, 0x9c, 0x40, 0x59, 0x6c,
	0x56, 0xc1, 0x00, 0x00, 0x03, 0xe9, 0x80, 0x12, 0xfa, 0xf0, 0x0d, 0x34,
	0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03,
	0x03, 0x0a,
};

/* UDP 53 > 53 with 4 bytes of data. */
static const uint8_t udp_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x22, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x35,
	0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64,
};

/* IPv4 (no Ethernet) with 4 bytes of IP options (nop,nop,nop,eol), IHL 6,
 * id 7: . 5:5(0) ack 6 win 100. */
static const uint8_t ipopts_pkt[] = {
	0x46, 0x00, 0x00, 0x2c, 0x00, 0x07, 0x00, 0x00, 0x40, 0x06, 0xf5, 0x19,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0xa8, 0x00, 0x01, 0x01, 0x01, 0x01, 0x00,
	0x9c, 0x40, 0x1f, 0x90, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
	0x50, 0x10, 0x00, 0x64, 0x12, 0x34, 0x00, 0x00,
};

#define ETH 14

/* Decode + convert + format; returns the text in a static buffer, or the
 * error message prefixed by "error: ". */
static const char *fmt_frame(const uint8_t *f, size_t len, bool ether)
{
	static char out[TC_ERROR_MAX + 64];
	struct tc_segment seg;
	struct tc_packet *pkt = calloc(1, sizeof(*pkt));
	struct tc_error err;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	tc_error_clear(&err);
	rc = ether ? tc_decode_ether(f, len, &seg, &err) :
		     tc_decode_ip(f, len, &seg, &err);
	if (rc == 0)
		rc = tc_segment_to_packet(&seg, pkt, &err);
	if (rc == 0) {
		tc_packet_format(pkt, &sb);
		snprintf(out, sizeof(out), "%s", sb.buf);
	} else {
		snprintf(out, sizeof(out), "error: %s", err.msg);
	}
	strbuf_release(&sb);
	free(pkt);
	return out;
}

/* The error message from decoding a frame (or "ok"). */
static const char *decode_msg(const uint8_t *f, size_t len, bool ether)
{
	static char out[TC_ERROR_MAX + 64];
	struct tc_segment seg;
	struct tc_error err;
	int rc;

	tc_error_clear(&err);
	rc = ether ? tc_decode_ether(f, len, &seg, &err) :
		     tc_decode_ip(f, len, &seg, &err);
	if (rc == 0)
		return "ok";
	if (rc != -1 || err.kind != TC_ERR_VERIFY)
		return "bad return or error kind";
	snprintf(out, sizeof(out), "%s", err.msg);
	return out;
}

static void test_codec__synack_fields(void)
{
	struct tc_segment seg;
	struct tc_error err;
	static const uint8_t src[4] = { 192, 168, 0, 1 }, dst[4] = { 192, 0, 2, 1 };
	static const uint8_t opts[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
		0x08, 0x0a, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x03, 0x03, 0x07 };

	CHECK_INT(tc_decode_ether(synack_frame, sizeof(synack_frame), &seg, &err), 0);
	CHECK_INT(seg.ip_version, 4);
	CHECK_INT(seg.ip_hl, 20);
	CHECK_INT(seg.tos, 0);
	CHECK_INT(seg.ttl, 64);
	CHECK_INT(seg.ip_id, 0);
	CHECK(seg.ip_df);
	CHECK_INT(seg.ip_total_len, 60);
	CHECK(seg.ip_csum_ok);
	CHECK_INT(seg.ip_proto, 6);
	CHECK(memcmp(seg.src, src, 4) == 0);
	CHECK(memcmp(seg.dst, dst, 4) == 0);
	CHECK_INT(seg.sport, 8080);
	CHECK_INT(seg.dport, 40000);
	CHECK_INT(seg.seq, 0x12345678);
	CHECK_INT(seg.ack, 1);
	CHECK_INT(seg.doff, 40);
	CHECK_INT(seg.flags, TC_TH_SYN | TC_TH_ACK);
	CHECK_INT(seg.reserved, 0);
	CHECK_INT(seg.win, 65535);
	CHECK_INT(seg.csum, 0x1234);
	CHECK_INT(seg.urg, 0);
	CHECK_INT(seg.opts_len, 20);
	CHECK(memcmp(seg.opts, opts, sizeof(opts)) == 0);
	CHECK_INT(seg.payload_len, 0);
	CHECK(seg.payload_zero);
}

static void test_codec__synack_format(void)
{
	CHECK_STR(fmt_frame(synack_frame, sizeof(synack_frame), true),
		  "S. 305419896:305419896(0) ack 1 win 65535 "
		  "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
}

static void test_codec__segment_to_packet_fields(void)
{
	struct tc_segment seg;
	struct tc_packet *p = calloc(1, sizeof(*p));
	struct tc_error err;

	CHECK_INT(tc_decode_ether(synack_frame, sizeof(synack_frame), &seg, &err), 0);
	CHECK_INT(tc_segment_to_packet(&seg, p, &err), 0);
	CHECK_INT(p->l4, TC_L4_TCP);
	CHECK_INT(p->flags, TC_TH_SYN | TC_TH_ACK);
	CHECK(!p->no_flags);
	CHECK_INT(p->seq_start, 0x12345678);
	CHECK_INT(p->seq_end, 0x12345678);
	CHECK(p->has_ack);
	CHECK_INT(p->ack, 1);
	CHECK(p->has_win);
	CHECK_INT(p->win, 65535);
	CHECK(!p->has_urg);
	CHECK(p->has_options);
	CHECK(!p->any_options);
	CHECK_INT(p->n_options, 5);
	CHECK_INT(p->options[0].kind, TC_OPT_MSS);
	CHECK_INT(p->options[0].mss, 1460);
	CHECK_INT(p->options[2].kind, TC_OPT_TS);
	CHECK_INT(p->options[2].ts_val, 100);
	CHECK_INT(p->options[4].wscale, 7);
	CHECK_INT(p->ecn, TC_ECN_UNSET);
	CHECK_INT(p->tos, -1);
	CHECK_INT(p->ttl, -1);
	free(p);
}

static uint8_t *build_data_pkt(size_t *len)
{
	uint8_t *p = calloc(1, 1052);

	memcpy(p, data_hdr, sizeof(data_hdr));
	*len = 1052;
	return p;
}

static void test_codec__data_segment(void)
{
	size_t len;
	uint8_t *p = build_data_pkt(&len);
	struct tc_segment seg;
	struct tc_error err;

	CHECK_INT(tc_decode_ip(p, len, &seg, &err), 0);
	CHECK_INT(seg.ip_id, 0x1c46);
	CHECK(seg.ip_csum_ok);
	CHECK_INT(seg.ip_total_len, 1052);
	CHECK_INT(seg.doff, 32);
	CHECK_INT(seg.payload_len, 1000);
	CHECK(seg.payload_zero);
	CHECK_STR(fmt_frame(p, len, false),
		  "P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 200 ecr 100>");
	free(p);
}

static void test_codec__nonzero_payload(void)
{
	size_t len;
	uint8_t *p = build_data_pkt(&len);
	struct tc_segment seg;
	struct tc_error err;

	p[len - 1] = 0x01;	/* the last payload byte */
	CHECK_INT(tc_decode_ip(p, len, &seg, &err), 0);
	CHECK_INT(seg.payload_len, 1000);
	CHECK(!seg.payload_zero);
	free(p);
}

static void test_codec__rst_format(void)
{
	struct tc_segment seg;
	struct tc_error err;

	CHECK_INT(tc_decode_ether(rst_frame, sizeof(rst_frame), &seg, &err), 0);
	CHECK_INT(seg.opts_len, 0);
	CHECK_STR(fmt_frame(rst_frame, sizeof(rst_frame), true),
		  "R. 1:1(0) ack 1 win 0");
}

static void test_codec__ether_padding_ignored(void)
{
	struct tc_segment seg;
	struct tc_error err;

	CHECK_INT(tc_decode_ether(padded_ack_frame, sizeof(padded_ack_frame),
				  &seg, &err), 0);
	CHECK_INT(seg.ip_total_len, 40);
	CHECK_INT(seg.payload_len, 0);
	CHECK(seg.payload_zero);
	CHECK(!seg.ip_df);
	CHECK_INT(seg.ttl, 255);
	CHECK(seg.ip_csum_ok);
	CHECK_STR(fmt_frame(padded_ack_frame, sizeof(padded_ack_frame), true),
		  ". 1:1(0) ack 1 win 257");
}

static void test_codec__ipv6_syn(void)
{
	struct tc_segment seg;
	struct tc_error err;
	uint8_t src[16] = { 0xfd }, dst[16] = { 0xfd };

	src[15] = 1;
	dst[15] = 2;
	CHECK_INT(tc_decode_ether(ipv6_syn_frame, sizeof(ipv6_syn_frame), &seg,
				  &err), 0);
	CHECK_INT(seg.ip_version, 6);
	CHECK_INT(seg.tos, 0xb8);
	CHECK_INT(seg.flowlabel, 0x12345);
	CHECK_INT(seg.ttl, 64);
	CHECK_INT(seg.ip_total_len, 80);
	CHECK_INT(seg.ip_proto, 6);
	CHECK(seg.ip_csum_ok);
	CHECK(memcmp(seg.src, src, 16) == 0);
	CHECK(memcmp(seg.dst, dst, 16) == 0);
	CHECK_INT(seg.sport, 40000);
	CHECK_INT(seg.seq, 0x01020304);
	CHECK_INT(seg.flags, TC_TH_SYN);
	CHECK_STR(fmt_frame(ipv6_syn_frame, sizeof(ipv6_syn_frame), true),
		  "S 16909060:16909060(0) win 64800 "
		  "<mss 1440,sackOK,TS val 5 ecr 0,nop,wscale 7>");
}

/* A real kernel IPv6 segment: decoded field by field, and its checksum
 * holds over the IPv6 pseudo-header (RFC 8200 §8.1), not the IPv4 one. */
static void test_codec__ipv6_kernel_synack_and_checksum(void)
{
	const uint8_t *f = kernel_ipv6_synack_frame;
	const uint8_t *ip = f + ETH, *tcp = f + ETH + 40;
	uint8_t copy[32];
	struct tc_segment seg;
	struct tc_error err;

	CHECK_INT(tc_decode_ether(f, sizeof(kernel_ipv6_synack_frame), &seg, &err), 0);
	CHECK_INT(seg.ip_version, 6);
	CHECK_INT(seg.tos, 0);
	CHECK_INT(seg.flowlabel, 0x26df1);
	CHECK_INT(seg.ttl, 64);
	CHECK_INT(seg.ip_total_len, 72);
	CHECK(memcmp(seg.src, ip + 8, 16) == 0);
	CHECK(memcmp(seg.dst, ip + 24, 16) == 0);
	CHECK_INT(seg.sport, 8080);
	CHECK_INT(seg.dport, 40000);
	CHECK_INT(seg.csum, 0x0d34);
	CHECK_STR(fmt_frame(f, sizeof(kernel_ipv6_synack_frame), true),
		  "S. 1500272321:1500272321(0) ack 1001 win 64240 "
		  "<mss 1460,nop,nop,sackOK,nop,wscale 10>");

	/* Over a correct segment the sum is 0; with the field zeroed it is
	 * the value to store. */
	CHECK_INT(tc_tcp_csum(6, ip + 8, ip + 24, tcp, 32), 0);
	memcpy(copy, tcp, sizeof(copy));
	copy[16] = copy[17] = 0;
	CHECK_INT(tc_tcp_csum(6, ip + 8, ip + 24, copy, sizeof(copy)), 0x0d34);
	/* The IPv4 pseudo-header (first 4 address bytes) gives another sum. */
	CHECK(tc_tcp_csum(4, ip + 8, ip + 24, copy, sizeof(copy)) != 0x0d34);
}

/* tc_fill_tcp_csum: the offload's partial sum replaced by the real one,
 * over IPv6 and IPv4; anything but TCP, or a short frame, left alone. */
static void test_codec__fill_tcp_csum(void)
{
	uint8_t f6[sizeof(kernel_ipv6_synack_frame)], f4[sizeof(synack_frame)];
	uint8_t u[sizeof(udp_frame)];

	memcpy(f6, kernel_ipv6_synack_frame, sizeof(f6));
	f6[ETH + 40 + 16] = 0xab;
	f6[ETH + 40 + 17] = 0xcd;
	tc_fill_tcp_csum(f6, sizeof(f6));
	CHECK(memcmp(f6, kernel_ipv6_synack_frame, sizeof(f6)) == 0);
	memcpy(f4, synack_frame, sizeof(f4));	/* its checksum is made up */
	tc_fill_tcp_csum(f4, sizeof(f4));
	CHECK_INT(tc_tcp_csum(4, f4 + ETH + 12, f4 + ETH + 16, f4 + ETH + 20,
			      sizeof(f4) - ETH - 20), 0);
	CHECK(memcmp(f4 + ETH + 20 + 16, synack_frame + ETH + 20 + 16, 2) != 0);
	memcpy(f4, synack_frame, sizeof(f4));
	tc_fill_tcp_csum(f4, sizeof(f4) - 1);	/* shorter than its IP length */
	CHECK(memcmp(f4, synack_frame, sizeof(f4)) == 0);
	memcpy(u, udp_frame, sizeof(u));
	tc_fill_tcp_csum(u, sizeof(u));
	CHECK(memcmp(u, udp_frame, sizeof(u)) == 0);
}

/* The IPv4 pseudo-header, and an odd length (the last byte is padded with
 * a zero), against sums worked out independently (Python, RFC 1071). */
static void test_codec__tcp_csum_ipv4_and_odd_length(void)
{
	static const uint8_t src4[4] = { 192, 0, 2, 1 }, dst4[4] = { 192, 168, 0, 1 };
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst6[16] = { 0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, [15] = 1 };
	uint8_t seg[21] = {
		0x9c, 0x40, 0x1f, 0x90, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
		0x50, 0x02, 0x80, 0x18, 0x00, 0x00, 0x00, 0x00, 0x7f,
	};

	CHECK_INT(tc_tcp_csum(4, src4, dst4, seg, 20), 0xed66);
	CHECK_INT(tc_tcp_csum(4, src4, dst4, seg, 21), 0x6e65);
	CHECK_INT(tc_tcp_csum(6, src6, dst6, seg, 20), 0x791f);
	CHECK_INT(tc_tcp_csum(6, src6, dst6, seg, 21), 0xfa1d);
}

/* An ICMP "fragmentation needed" quoting the kernel's 1460-byte segment
 * 192.168.0.1:8080 -> 192.0.2.1:40000, seq 0x12345678 (bytes and both
 * checksums worked out separately). */
static void test_codec__icmp4_frag_needed(void)
{
	static const uint8_t local[4] = { 192, 168, 0, 1 }, remote[4] = { 192, 0, 2, 1 };
	static const uint8_t want[36] = {
		0x03, 0x04, 0xd3, 0xce, 0x00, 0x00, 0x04, 0xb0,
		0x45, 0x00, 0x05, 0xdc, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xb2, 0x71,
		0xc0, 0xa8, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
		0x1f, 0x90, 0x9c, 0x40, 0x12, 0x34, 0x56, 0x78,
	};
	struct tc_icmp_msg m = { .type = 3, .code = 4, .mtu = 1200, .echo_id = -1,
				 .quoted = 6, .sport = 8080, .dport = 40000,
				 .seq = 0x12345678, .payload_len = 1460 };
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(tc_icmp4_build(buf, sizeof(buf), &m, local, remote), 36);
	CHECK(memcmp(buf, want, sizeof(want)) == 0);
	CHECK_INT(tc_inet_csum(buf, 36), 0);
	CHECK_INT(buf[36], 0xee);
	/* No mtu: bytes 4-7 stay zero.  Too small a buffer: -1. */
	m.code = 3;
	m.mtu = -1;
	CHECK_INT(tc_icmp4_build(buf, sizeof(buf), &m, local, remote), 36);
	CHECK_INT(buf[6] | buf[7], 0);
	CHECK_INT(tc_inet_csum(buf, 36), 0);
	CHECK_INT(tc_icmp4_build(buf, 35, &m, local, remote), -1);
}

/* [udp (10)]: the quoted IPv4 header says UDP (17) and 20 + 8 + 10 bytes
 * (its checksum changes with them); then the UDP header's ports, its
 * length 18 and a zero checksum.  [raw (10)]: protocol 255, 30 bytes, and
 * 8 zero bytes.  `id 7` on an echo request: bytes 4-5. */
static void test_codec__icmp4_quotes_udp_raw_and_echo_id(void)
{
	static const uint8_t local[4] = { 192, 168, 0, 1 }, remote[4] = { 192, 0, 2, 1 };
	static const uint8_t udp_tail[16] = {
		0x00, 0x26, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	};
	struct tc_icmp_msg m = { .type = 3, .code = 3, .mtu = -1, .echo_id = -1,
				 .quoted = 17, .sport = 5353, .dport = 53,
				 .seq = 0x12345678, .payload_len = 10 };
	uint8_t buf[64], ip[20];

	CHECK_INT(tc_icmp4_build(buf, sizeof(buf), &m, local, remote), 36);
	CHECK(memcmp(buf + 10, udp_tail, 8) == 0);
	memcpy(ip, buf + 8, 20);
	CHECK_INT(tc_inet_csum(ip, 20), 0);
	CHECK_INT(buf[28] << 8 | buf[29], 5353);
	CHECK_INT(buf[30] << 8 | buf[31], 53);
	CHECK_INT(buf[32] << 8 | buf[33], 18);
	CHECK_INT(buf[34] | buf[35], 0);	/* not the seq: UDP's checksum */
	CHECK_INT(tc_inet_csum(buf, 36), 0);

	m.quoted = 255;
	CHECK_INT(tc_icmp4_build(buf, sizeof(buf), &m, local, remote), 36);
	CHECK_INT(buf[17], 255);
	CHECK_INT(buf[10] << 8 | buf[11], 30);
	for (int i = 28; i < 36; i++)
		CHECK_INT(buf[i], 0);
	CHECK_INT(tc_inet_csum(buf, 36), 0);

	m.type = 8;
	m.code = 0;
	m.echo_id = 7;
	CHECK_INT(tc_icmp4_build(buf, sizeof(buf), &m, local, remote), 36);
	CHECK_INT(buf[4] << 8 | buf[5], 7);
	CHECK_INT(buf[6] | buf[7], 0);
	CHECK_INT(tc_inet_csum(buf, 36), 0);
}

/* An ICMPv6 "packet too big" (MTU 1280) quoting the kernel's 1460-byte
 * segment [fd3d:fa7b:d17d::1]:8080 -> [2001:db8::1]:40000, seq 0x12345678;
 * the checksum over the pseudo-header 2001:db8::1 -> fd3d:fa7b:d17d::1
 * (bytes worked out separately). */
static void test_codec__icmp6_packet_too_big(void)
{
	static const uint8_t local[16] = { 0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d,
					   [15] = 1 };
	static const uint8_t remote[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t want[56] = {
		0x02, 0x00, 0x7a, 0x22, 0x00, 0x00, 0x05, 0x00,
		0x60, 0x00, 0x00, 0x00, 0x05, 0xc8, 0x06, 0x40,
		0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x1f, 0x90, 0x9c, 0x40, 0x12, 0x34, 0x56, 0x78,
	};
	struct tc_icmp_msg m = { .type = 2, .code = 0, .mtu = 1280, .echo_id = -1,
				 .quoted = 6, .sport = 8080, .dport = 40000,
				 .seq = 0x12345678, .payload_len = 1460 };
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	CHECK_INT(tc_icmp6_build(buf, sizeof(buf), &m, local, remote), 56);
	CHECK(memcmp(buf, want, sizeof(want)) == 0);
	CHECK_INT(buf[56], 0xee);
	/* No mtu: bytes 4-7 stay zero.  Too small a buffer: -1. */
	m.type = 1;
	m.code = 4;
	m.mtu = -1;
	CHECK_INT(tc_icmp6_build(buf, sizeof(buf), &m, local, remote), 56);
	CHECK_INT(buf[4] | buf[5] | buf[6] | buf[7], 0);
	CHECK_INT(tc_icmp6_build(buf, 55, &m, local, remote), -1);
	/* [udp (10)]: next header 17, payload length 18, UDP's length 18. */
	m.quoted = 17;
	m.payload_len = 10;
	CHECK_INT(tc_icmp6_build(buf, sizeof(buf), &m, local, remote), 56);
	CHECK_INT(buf[14], 17);
	CHECK_INT(buf[12] << 8 | buf[13], 18);
	CHECK_INT(buf[52] << 8 | buf[53], 18);
	CHECK_INT(buf[54] | buf[55], 0);
}

static void test_codec__decode_ip_without_ether(void)
{
	CHECK_STR(fmt_frame(synack_frame + ETH, sizeof(synack_frame) - ETH, false),
		  "S. 305419896:305419896(0) ack 1 win 65535 "
		  "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
	CHECK_STR(fmt_frame(ipv6_syn_frame + ETH, sizeof(ipv6_syn_frame) - ETH, false),
		  "S 16909060:16909060(0) win 64800 "
		  "<mss 1440,sackOK,TS val 5 ecr 0,nop,wscale 7>");
	CHECK_STR(decode_msg(synack_frame, 0, false), "empty IP packet");
}

static void test_codec__ipv4_options_skipped(void)
{
	struct tc_segment seg;
	struct tc_error err;

	CHECK_INT(tc_decode_ip(ipopts_pkt, sizeof(ipopts_pkt), &seg, &err), 0);
	CHECK_INT(seg.ip_hl, 24);
	CHECK(seg.ip_csum_ok);
	CHECK_INT(seg.ip_id, 7);
	CHECK_INT(seg.sport, 40000);
	CHECK_STR(fmt_frame(ipopts_pkt, sizeof(ipopts_pkt), false),
		  ". 5:5(0) ack 6 win 100");
}

static void test_codec__ip_csum_bad(void)
{
	uint8_t f[sizeof(synack_frame)];
	struct tc_segment seg;
	struct tc_error err;

	memcpy(f, synack_frame, sizeof(f));
	f[ETH + 11] ^= 0x01;	/* checksum low byte */
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	CHECK(!seg.ip_csum_ok);

	memcpy(f, synack_frame, sizeof(f));
	f[ETH + 8] = 63;	/* TTL changed, checksum not updated */
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	CHECK(!seg.ip_csum_ok);
	CHECK_INT(seg.ttl, 63);
}

static void test_codec__inet_csum(void)
{
	/* RFC 1071 §3's example: the sum is 0xddf2, so the checksum 0x220d. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				       0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };	/* 0x0102 + 0x0300 */
	static const uint8_t zeros[4] = { 0 };
	uint8_t hdr[20];

	CHECK_INT(tc_inet_csum(rfc, sizeof(rfc)), 0x220d);
	CHECK_INT(tc_inet_csum(odd, sizeof(odd)), (uint16_t)~0x0402);
	CHECK_INT(tc_inet_csum(zeros, sizeof(zeros)), 0xffff);
	CHECK_INT(tc_inet_csum(zeros, 0), 0xffff);
	/* A header with a correct checksum sums to zero... */
	CHECK_INT(tc_inet_csum(synack_frame + ETH, 20), 0);
	/* ...and with the field zeroed, the result is the field's value. */
	memcpy(hdr, synack_frame + ETH, 20);
	hdr[10] = hdr[11] = 0;
	CHECK_INT(tc_inet_csum(hdr, 20), 0xb811);
	/* Unaligned input. */
	memcpy(hdr + 1, rfc, sizeof(rfc));
	CHECK_INT(tc_inet_csum(hdr + 1, sizeof(rfc)), 0x220d);
}

/* Every prefix of a good frame: -1 (with a message) or 0, never a crash. */
static void check_every_length(const uint8_t *f, size_t full, size_t min_ok,
			       bool ether)
{
	for (size_t len = 0; len <= full; len++) {
		uint8_t *copy = malloc(len ? len : 1);	/* exact size for ASan */
		struct tc_segment seg;
		struct tc_error err;
		int rc;

		memcpy(copy, f, len);
		tc_error_clear(&err);
		rc = ether ? tc_decode_ether(copy, len, &seg, &err) :
			     tc_decode_ip(copy, len, &seg, &err);
		if (len < min_ok) {
			CHECK_INT(rc, -1);
			CHECK(err.msg[0] != '\0');
			CHECK_INT(err.kind, TC_ERR_VERIFY);
		} else {
			CHECK_INT(rc, 0);
		}
		free(copy);
	}
}

/* ---- outer headers ---- */

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An outer IPv4 header (10.0.0.1 > 10.0.0.2, protocol proto) at p over
 * n bytes of payload; returns 20. */
static size_t outer_ipv4(uint8_t *p, uint8_t proto, size_t n)
{
	static const uint8_t h[] = { 0x45, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0,
				     10, 0, 0, 1, 10, 0, 0, 2 };

	memcpy(p, h, sizeof(h));
	put16(p + 2, (unsigned)(20 + n));
	p[9] = proto;
	put16(p + 10, tc_inet_csum(p, 20));
	return 20;
}

/*
 * synack_frame's IP packet inside GRE (flags; key 5, seq 6 when set; a
 * checksum when set, computed as the device would see the inner TCP
 * checksum) inside IPv4, as an Ethernet frame in out.  Returns its length.
 */
static size_t gre_frame(uint8_t *out, unsigned flags)
{
	const uint8_t *inner = synack_frame + ETH;
	size_t n = sizeof(synack_frame) - ETH, g = 4, at;
	uint8_t *gre;

	g += (flags & TC_GRE_CSUM ? 4 : 0) + (flags & TC_GRE_KEY ? 4 : 0) +
	     (flags & TC_GRE_SEQ ? 4 : 0);
	memcpy(out, synack_frame, 12);
	put16(out + 12, 0x0800);
	outer_ipv4(out + ETH, 47, g + n);
	gre = out + ETH + 20;
	memset(gre, 0, g);
	put16(gre, flags);
	put16(gre + 2, 0x0800);
	at = flags & TC_GRE_CSUM ? 8 : 4;
	if (flags & TC_GRE_KEY) {
		gre[at + 3] = 5;
		at += 4;
	}
	if (flags & TC_GRE_SEQ)
		gre[at + 3] = 6;
	memcpy(gre + g, inner, n);
	if (flags & TC_GRE_CSUM) {
		/* synack_frame's TCP checksum is not the right one: as a
		 * device would, sum with the right one in its place. */
		uint8_t *t = gre + g + 20, saved[2] = { t[16], t[17] };

		t[16] = t[17] = 0;
		put16(t + 16, tc_tcp_csum(4, inner + 12, inner + 16, t, n - 20));
		put16(gre + 4, tc_inet_csum(gre, g + n));
		t[16] = saved[0];
		t[17] = saved[1];
	}
	return ETH + 20 + g + n;
}

static void test_codec__gre_decoded_and_formatted(void)
{
	uint8_t f[256];
	size_t len = gre_frame(f, TC_GRE_KEY | TC_GRE_SEQ);
	struct tc_segment seg;
	struct tc_error err;

	CHECK_STR(fmt_frame(f, len, true),
		  "ipv4 10.0.0.1 > 10.0.0.2: gre flags [key present, sequence# present] "
		  "sum 0 off 0 key 5 seq 6: S. 305419896:305419896(0) ack 1 win 65535 "
		  "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
	CHECK_INT(tc_decode_ether(f, len, &seg, &err), 0);
	CHECK_INT(seg.n_encap, 2);
	CHECK_INT(seg.encap[0].ttl, 64);
	CHECK(seg.encap[0].csum_ok);
	CHECK_INT(seg.encap[1].gre.proto, 0x0800);
	/* The inner packet's own fields. */
	CHECK_INT(seg.src[0], 192);
	CHECK_INT(seg.sport, 8080);
	check_every_length(f, len, len, true);
	len = gre_frame(f, 0);
	CHECK_STR(fmt_frame(f, len, true),
		  "ipv4 10.0.0.1 > 10.0.0.2: gre: S. 305419896:305419896(0) ack 1 win 65535 "
		  "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
}

/* The GRE checksum is judged with the inner TCP checksum as the device
 * completes it: a partial one in the capture does not make it bad. */
static void test_codec__gre_checksum_with_offloaded_inner(void)
{
	uint8_t f[256];
	size_t len = gre_frame(f, TC_GRE_CSUM);
	uint8_t *tcp_csum = f + ETH + 20 + 8 + 20 + 16;
	struct tc_segment seg;
	struct tc_error err;

	CHECK_INT(tc_decode_ether(f, len, &seg, &err), 0);
	CHECK(seg.encap[1].csum_ok);
	CHECK(seg.encap[1].gre.sum != 0);
	/* A partial inner checksum (what a CHECKSUM_PARTIAL skb holds). */
	tcp_csum[0] ^= 0x5a;
	tcp_csum[1] ^= 0xa5;
	CHECK_INT(tc_decode_ether(f, len, &seg, &err), 0);
	CHECK(seg.encap[1].csum_ok);
	CHECK(seg.csum != seg.csum_right);
	/* A wrong GRE checksum. */
	f[ETH + 20 + 5] ^= 1;
	CHECK_INT(tc_decode_ether(f, len, &seg, &err), 0);
	CHECK(!seg.encap[1].csum_ok);
}

static void test_codec__encapsulation_errors(void)
{
	uint8_t f[512], *g = f + ETH + 20;
	size_t len = gre_frame(f, 0), n;

	put16(g, 1);
	CHECK_STR(decode_msg(f, len, true), "GRE version 1 not supported");
	put16(g, TC_GRE_ROUTING);
	CHECK_STR(decode_msg(f, len, true), "GRE routing not supported");
	put16(g, 0);
	put16(g + 2, 0x1234);
	CHECK_STR(decode_msg(f, len, true), "unsupported GRE protocol type 0x1234");

	/* Five IPv4 headers in IPv4 around the SYN-ACK. */
	n = sizeof(synack_frame) - ETH;
	memcpy(f, synack_frame, ETH);
	memcpy(f + ETH + 5 * 20, synack_frame + ETH, n);
	for (int i = 4; i >= 0; i--)
		outer_ipv4(f + ETH + (size_t)i * 20, 4, (size_t)(4 - i) * 20 + n);
	CHECK_STR(decode_msg(f, ETH + 5 * 20 + n, true), "more than 4 encapsulation headers");
	memcpy(f + 20, synack_frame, ETH);
	CHECK_STR(decode_msg(f + 20, ETH + 4 * 20 + n, true), "ok");
	CHECK_STR(fmt_frame(f + 20, ETH + 4 * 20 + n, true),
		  "ipv4 10.0.0.1 > 10.0.0.2: ipv4 10.0.0.1 > 10.0.0.2: ipv4 10.0.0.1 > 10.0.0.2: "
		  "ipv4 10.0.0.1 > 10.0.0.2: S. 305419896:305419896(0) ack 1 win 65535 "
		  "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");

	/* MPLS straight after Ethernet: a stack that never ends, and one
	 * over something that is not IP. */
	memcpy(f, synack_frame, 12);
	put16(f + 12, 0x8847);
	memset(f + ETH, 0, 8);
	f[ETH + 2] = 0x10;		/* label 1, no bottom of stack */
	CHECK_STR(decode_msg(f, ETH + 8, true), "truncated MPLS label stack");
	f[ETH + 2] = 0x11;		/* and bottom of stack */
	f[ETH + 4] = 0x20;
	CHECK_STR(decode_msg(f, ETH + 8, true),
		  "no IP packet below the MPLS label stack (version 2)");
	CHECK_STR(decode_msg(f, ETH + 4, true), "nothing below the MPLS label stack");
	memcpy(f + ETH + 4, synack_frame + ETH, n);
	CHECK_STR(fmt_frame(f, ETH + 4 + n, true),
		  "mpls (label 1, tc 0, [S], ttl 0): S. 305419896:305419896(0) ack 1 win 65535 "
		  "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
}

static void test_codec__truncated_every_length(void)
{
	size_t len;
	uint8_t *p = build_data_pkt(&len);

	check_every_length(synack_frame, sizeof(synack_frame), sizeof(synack_frame), true);
	check_every_length(rst_frame, sizeof(rst_frame), sizeof(rst_frame), true);
	/* The padding is optional: 54 bytes are the whole packet. */
	check_every_length(padded_ack_frame, sizeof(padded_ack_frame), 54, true);
	check_every_length(ipv6_syn_frame, sizeof(ipv6_syn_frame),
			   sizeof(ipv6_syn_frame), true);
	check_every_length(ipopts_pkt, sizeof(ipopts_pkt), sizeof(ipopts_pkt), false);
	check_every_length(synack_frame + ETH, sizeof(synack_frame) - ETH,
			   sizeof(synack_frame) - ETH, false);
	check_every_length(p, len, len, false);
	free(p);
}

static void test_codec__truncated_messages(void)
{
	CHECK_STR(decode_msg(synack_frame, 10, true),
		  "truncated Ethernet header (10 bytes)");
	CHECK_STR(decode_msg(synack_frame, ETH + 12, true),
		  "truncated IPv4 header (12 bytes)");
	CHECK_STR(decode_msg(synack_frame, ETH + 30, true),
		  "truncated IPv4 packet (30 of 60 bytes)");
	CHECK_STR(decode_msg(ipv6_syn_frame, ETH + 20, true),
		  "truncated IPv6 header (20 bytes)");
	CHECK_STR(decode_msg(ipv6_syn_frame, ETH + 50, true),
		  "truncated IPv6 packet (50 of 80 bytes)");
	CHECK_STR(decode_msg(ipopts_pkt, 22, false),
		  "truncated IPv4 header (22 of 24 bytes)");
}

static void test_codec__bad_ipv4_header_length(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[ETH] = 0x44;
	CHECK_STR(decode_msg(f, sizeof(f), true), "bad IPv4 header length (16 bytes)");
	f[ETH] = 0x4f;
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "truncated IPv4 header (40 of 60 bytes)");
	f[ETH] = 0x46;	/* 24 bytes: the TCP header is then 16 bytes */
	CHECK_STR(decode_msg(f, sizeof(f), true), "truncated TCP header (16 bytes)");
}

static void test_codec__bad_ipv4_total_length(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 2] = 0;
	f[ETH + 3] = 10;
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "bad IPv4 total length 10 (header length 20)");
	f[ETH + 3] = 30;	/* a TCP header of 10 bytes */
	CHECK_STR(decode_msg(f, sizeof(f), true), "truncated TCP header (10 bytes)");
}

static void test_codec__bad_ip_version(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[ETH] = 0x65;
	CHECK_STR(decode_msg(f, sizeof(f), true), "bad IP version 6 in an IPv4 frame");
	f[ETH] = 0x55;
	CHECK_STR(decode_msg(f + ETH, sizeof(f) - ETH, false), "bad IP version 5");

	uint8_t g[sizeof(ipv6_syn_frame)];

	memcpy(g, ipv6_syn_frame, sizeof(g));
	g[ETH] = 0x4b;
	CHECK_STR(decode_msg(g, sizeof(g), true), "bad IP version 4 in an IPv6 frame");
}

static void test_codec__not_tcp(void)
{
	uint8_t g[sizeof(ipv6_syn_frame)];

	memcpy(g, ipv6_syn_frame, sizeof(g));
	g[ETH + 6] = 2;
	CHECK_STR(decode_msg(g, sizeof(g), true),
		  "not a TCP segment, UDP datagram or ICMP message (protocol 2)");
	g[ETH + 6] = 1;	/* ICMP over IPv6 is not ICMPv6 */
	CHECK_STR(decode_msg(g, sizeof(g), true),
		  "not a TCP segment, UDP datagram or ICMP message (protocol 1)");
}

/* A UDP datagram decodes to its ports and payload; a UDP length that
 * does not fit the IP payload is malformed. */
static void test_codec__udp(void)
{
	struct tc_segment seg;
	struct tc_error err;
	uint8_t f[sizeof(udp_frame)];

	CHECK_INT(tc_decode_ether(udp_frame, sizeof(udp_frame), &seg, &err), 0);
	CHECK_INT(seg.ip_proto, 17);
	CHECK_INT(seg.sport, 53);
	CHECK_INT(seg.dport, 53);
	CHECK_INT(seg.payload_len, 4);
	CHECK(!seg.payload_zero);
	memcpy(f, udp_frame, sizeof(f));
	f[sizeof(f) - 4] = f[sizeof(f) - 3] = f[sizeof(f) - 2] = f[sizeof(f) - 1] = 0;
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	CHECK(seg.payload_zero);
	f[ETH + 20 + 5] = 13;	/* UDP length 13 > 12 bytes */
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "bad UDP length 13 (12 bytes after the IP header)");
	f[ETH + 20 + 5] = 7;
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "bad UDP length 7 (12 bytes after the IP header)");
}

static void test_codec__ipv6_extension_header(void)
{
	uint8_t g[sizeof(ipv6_syn_frame)];

	memcpy(g, ipv6_syn_frame, sizeof(g));
	g[ETH + 6] = 0;		/* hop-by-hop options */
	CHECK_STR(decode_msg(g, sizeof(g), true),
		  "unsupported IPv6 extension header (next header 0)");
	g[ETH + 6] = 44;	/* fragment */
	CHECK_STR(decode_msg(g, sizeof(g), true),
		  "unsupported IPv6 extension header (next header 44)");
}

static void test_codec__ipv4_fragment(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 6] = 0x20;	/* MF, offset 0 */
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "IPv4 fragment (offset 0, more fragments) not supported");
	f[ETH + 6] = 0x40;	/* DF, offset 8 * 0x10 */
	f[ETH + 7] = 0x10;
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "IPv4 fragment (offset 128) not supported");
}

static void test_codec__unknown_ethertype(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[12] = 0x08;
	f[13] = 0x06;
	CHECK_STR(decode_msg(f, sizeof(f), true), "unsupported ethertype 0x0806");
	f[12] = 0x81;
	f[13] = 0x00;
	CHECK_STR(decode_msg(f, sizeof(f), true), "unsupported ethertype 0x8100");
}

static void test_codec__bad_tcp_data_offset(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 32] = 0x40;
	CHECK_STR(decode_msg(f, sizeof(f), true), "bad TCP data offset (16 bytes)");
	f[ETH + 32] = 0x00;
	CHECK_STR(decode_msg(f, sizeof(f), true), "bad TCP data offset (0 bytes)");
	f[ETH + 32] = 0x60;
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "truncated TCP header (20 of 24 bytes)");
	f[ETH + 32] = 0xf0;
	CHECK_STR(decode_msg(f, sizeof(f), true),
		  "truncated TCP header (20 of 60 bytes)");
}

static void test_codec__ae_flag_and_reserved_bits(void)
{
	uint8_t f[sizeof(rst_frame)];
	struct tc_segment seg;
	struct tc_error err;

	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 32] = 0x51;	/* doff 5, AE */
	f[ETH + 33] = 0x10;	/* ACK */
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	CHECK_INT(seg.flags, TC_TH_AE | TC_TH_ACK);
	CHECK_INT(seg.reserved, 0);
	CHECK_STR(fmt_frame(f, sizeof(f), true), "A. 1:1(0) ack 1 win 0");

	f[ETH + 32] = 0x5e;	/* doff 5, reserved 0b111, no AE */
	f[ETH + 33] = 0xd2;	/* CWR ECE SYN ACK */
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	CHECK_INT(seg.flags, TC_TH_CWR | TC_TH_ECE | TC_TH_SYN | TC_TH_ACK);
	CHECK_INT(seg.reserved, 7);
	CHECK_INT(seg.doff, 20);

	f[ETH + 32] = 0x53;	/* reserved 0b001 and AE */
	f[ETH + 33] = 0x00;
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	CHECK_INT(seg.reserved, 1);
	CHECK_INT(seg.flags, TC_TH_AE);
	CHECK_STR(fmt_frame(f, sizeof(f), true), "A 1:1(0) ack 1 win 0");

	f[ETH + 32] = 0x50;	/* nothing at all */
	CHECK_STR(fmt_frame(f, sizeof(f), true), "- 1:1(0) ack 1 win 0");
}

static void test_codec__urgent_pointer(void)
{
	uint8_t f[sizeof(rst_frame)];

	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 33] = 0x30;	/* URG ACK */
	f[ETH + 38] = 0x00;
	f[ETH + 39] = 0x05;
	CHECK_STR(fmt_frame(f, sizeof(f), true), "U. 1:1(0) ack 1 win 0 urg 5");
}

static void test_codec__bad_options_in_segment(void)
{
	uint8_t f[sizeof(synack_frame)];

	memcpy(f, synack_frame, sizeof(f));
	f[ETH + 20 + 21] = 0x05;	/* mss length 5 runs into sackOK */
	CHECK_STR(decode_msg(f, sizeof(f), true), "ok");	/* raw bytes are fine */
	f[ETH + 20 + 21] = 0x30;	/* runs past the end */
	CHECK_STR(fmt_frame(f, sizeof(f), true),
		  "error: TCP option kind 2 at byte 0 runs past the end "
		  "(length 48, 20 bytes left)");
}

static void test_codec__flags_format_table(void)
{
	static const struct {
		uint16_t flags;
		const char *text;
	} cases[] = {
		{ 0, "-" },
		{ TC_TH_ACK, "." },
		{ TC_TH_SYN, "S" },
		{ TC_TH_SYN | TC_TH_ACK, "S." },
		{ TC_TH_FIN | TC_TH_ACK, "F." },
		{ TC_TH_PSH | TC_TH_ACK, "P." },
		{ TC_TH_RST, "R" },
		{ TC_TH_RST | TC_TH_ACK, "R." },
		{ TC_TH_FIN | TC_TH_PSH | TC_TH_ACK, "FP." },
		{ TC_TH_SYN | TC_TH_FIN | TC_TH_ACK, "SF." },
		{ TC_TH_SYN | TC_TH_ECE | TC_TH_CWR, "SEW" },
		{ TC_TH_SYN | TC_TH_ECE | TC_TH_ACK, "SE." },
		{ TC_TH_SYN | TC_TH_CWR | TC_TH_ACK, "SW." },
		{ TC_TH_URG | TC_TH_ACK, "U." },
		{ TC_TH_ECE | TC_TH_ACK, "E." },
		{ TC_TH_CWR | TC_TH_AE | TC_TH_ACK, "WA." },
		{ TC_TH_SYN | TC_TH_ECE | TC_TH_CWR | TC_TH_AE, "SEWA" },
		{ 0x1ff, "SFRPUEWA." },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;

		tc_flags_format(cases[i].flags, &sb);
		CHECK_STR(sb.buf, cases[i].text);
		strbuf_release(&sb);
	}
}

static const char *fmt_pkt(const struct tc_packet *p)
{
	static char out[TC_ERROR_MAX + 64];
	struct strbuf sb = STRBUF_INIT;

	tc_packet_format(p, &sb);
	snprintf(out, sizeof(out), "%s", sb.buf);
	strbuf_release(&sb);
	return out;
}

static struct tc_packet *new_pkt(void)
{
	struct tc_packet *p = calloc(1, sizeof(*p));

	p->ecn = TC_ECN_UNSET;
	p->tos = -1;
	p->ttl = -1;
	p->icmp_mtu = -1;
	p->icmp_echo_id = -1;
	return p;
}

static void test_codec__packet_format_variants(void)
{
	struct tc_packet *p = new_pkt();

	p->flags = TC_TH_SYN | TC_TH_ACK;
	p->has_ack = true;
	p->ack = 1;
	p->has_win = true;
	p->win = 65535;
	p->has_options = true;
	p->n_options = 3;
	p->options[0].kind = TC_OPT_MSS;
	p->options[0].mss = 1460;
	p->options[1].kind = TC_OPT_NOP;
	p->options[2].kind = TC_OPT_WSCALE;
	p->options[2].wscale = 8;
	CHECK_STR(fmt_pkt(p), "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>");

	/* An empty list and no list print alike: "no options". */
	p->n_options = 0;
	CHECK_STR(fmt_pkt(p), "S. 0:0(0) ack 1 win 65535");
	p->has_options = false;
	p->n_options = 3;
	CHECK_STR(fmt_pkt(p), "S. 0:0(0) ack 1 win 65535");
	p->any_options = true;
	CHECK_STR(fmt_pkt(p), "S. 0:0(0) ack 1 win 65535 <...>");

	memset(p, 0, sizeof(*p));
	p->ecn = p->tos = p->ttl = -1;
	p->flags = TC_TH_ACK;
	p->seq_start = 1;
	p->seq_end = 1;
	p->ack = 1;		/* ACK set: printed though has_ack is false */
	CHECK_STR(fmt_pkt(p), ". 1:1(0) ack 1");

	p->flags = TC_TH_PSH | TC_TH_ACK;
	p->seq_end = 1001;
	p->payload_len = 1000;
	CHECK_STR(fmt_pkt(p), "P. 1:1001(1000) ack 1");

	p->flags = 0;
	p->no_flags = true;
	p->ack = 0;
	p->has_urg = true;
	p->urg = 3;
	CHECK_STR(fmt_pkt(p), "- 1:1001(1000) urg 3");

	p->flags = TC_TH_SYN;
	p->has_urg = false;
	p->has_ports = true;
	p->sport = 8080;
	p->dport = 9090;
	p->seq_start = p->seq_end = 0;
	p->payload_len = 0;
	p->has_win = true;
	p->win = 1000;
	CHECK_STR(fmt_pkt(p), "8080>9090 S 0:0(0) win 1000");

	p->has_ports = false;
	p->ecn = TC_ECN_ECT0;
	CHECK_STR(fmt_pkt(p), "[ect0] S 0:0(0) win 1000");
	p->ecn = TC_ECN_CE;
	p->tos = 0x10;
	p->ttl = 64;
	CHECK_STR(fmt_pkt(p), "[ce, tos 0x10, ttl 64] S 0:0(0) win 1000");
	free(p);
}

static void test_codec__packet_format_udp_icmp(void)
{
	struct tc_packet *p = new_pkt();

	p->l4 = TC_L4_UDP;
	p->payload_len = 12;
	CHECK_STR(fmt_pkt(p), "udp (12)");
	p->has_ports = true;
	p->sport = 1;
	p->dport = 2;
	CHECK_STR(fmt_pkt(p), "udp 1>2 (12)");

	p->l4 = TC_L4_ICMP;
	p->icmp_type = 3;
	p->icmp_code = 4;
	CHECK_STR(fmt_pkt(p), "icmp type_3 code_4");
	p->icmp_mtu = 1400;
	CHECK_STR(fmt_pkt(p), "icmp type_3 code_4 mtu 1400");
	p->icmp_mtu = -1;
	p->icmp_quoted = 17;
	p->payload_len = 10;
	CHECK_STR(fmt_pkt(p), "icmp type_3 code_4 [udp (10)]");
	p->icmp_type = 8;
	p->icmp_code = 0;
	p->icmp_echo_id = 7;
	p->icmp_quoted = 255;
	CHECK_STR(fmt_pkt(p), "icmp type_8 code_0 id 7 [raw (10)]");
	free(p);
}

static void test_codec__seq_wraps(void)
{
	uint8_t f[sizeof(rst_frame)];
	struct tc_segment seg;
	struct tc_packet *p = new_pkt();
	struct tc_error err;

	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 24] = f[ETH + 25] = f[ETH + 26] = f[ETH + 27] = 0xff;
	CHECK_INT(tc_decode_ether(f, sizeof(f), &seg, &err), 0);
	seg.payload_len = 2;	/* pretend: end wraps to 1 */
	CHECK_INT(tc_segment_to_packet(&seg, p, &err), 0);
	CHECK_INT(p->seq_start, 0xffffffffu);
	CHECK_INT(p->seq_end, 1);
	free(p);
}

static void test_codec__syn_with_ack_field(void)
{
	uint8_t f[sizeof(rst_frame)];

	/* ACK clear but a non-zero ack field: shown, since it is compared. */
	memcpy(f, rst_frame, sizeof(f));
	f[ETH + 33] = TC_TH_RST;
	CHECK_STR(fmt_frame(f, sizeof(f), true), "R 1:1(0) ack 1 win 0");
	f[ETH + 28] = f[ETH + 29] = f[ETH + 30] = f[ETH + 31] = 0; /* ack 0 */
	CHECK_STR(fmt_frame(f, sizeof(f), true), "R 1:1(0) win 0");
}

static const struct tap_test tests[] = {
	TAP_TEST(test_codec__synack_fields),
	TAP_TEST(test_codec__synack_format),
	TAP_TEST(test_codec__segment_to_packet_fields),
	TAP_TEST(test_codec__data_segment),
	TAP_TEST(test_codec__nonzero_payload),
	TAP_TEST(test_codec__rst_format),
	TAP_TEST(test_codec__ether_padding_ignored),
	TAP_TEST(test_codec__ipv6_syn),
	TAP_TEST(test_codec__ipv6_kernel_synack_and_checksum),
	TAP_TEST(test_codec__tcp_csum_ipv4_and_odd_length),
	TAP_TEST(test_codec__icmp4_frag_needed),
	TAP_TEST(test_codec__icmp4_quotes_udp_raw_and_echo_id),
	TAP_TEST(test_codec__icmp6_packet_too_big),
	TAP_TEST(test_codec__decode_ip_without_ether),
	TAP_TEST(test_codec__ipv4_options_skipped),
	TAP_TEST(test_codec__ip_csum_bad),
	TAP_TEST(test_codec__inet_csum),
	TAP_TEST(test_codec__truncated_every_length),
	TAP_TEST(test_codec__truncated_messages),
	TAP_TEST(test_codec__bad_ipv4_header_length),
	TAP_TEST(test_codec__bad_ipv4_total_length),
	TAP_TEST(test_codec__bad_ip_version),
	TAP_TEST(test_codec__not_tcp),
	TAP_TEST(test_codec__udp),
	TAP_TEST(test_codec__ipv6_extension_header),
	TAP_TEST(test_codec__ipv4_fragment),
	TAP_TEST(test_codec__unknown_ethertype),
	TAP_TEST(test_codec__bad_tcp_data_offset),
	TAP_TEST(test_codec__ae_flag_and_reserved_bits),
	TAP_TEST(test_codec__urgent_pointer),
	TAP_TEST(test_codec__bad_options_in_segment),
	TAP_TEST(test_codec__flags_format_table),
	TAP_TEST(test_codec__packet_format_variants),
	TAP_TEST(test_codec__packet_format_udp_icmp),
	TAP_TEST(test_codec__seq_wraps),
	TAP_TEST(test_codec__syn_with_ack_field),
	TAP_TEST(test_codec__gre_decoded_and_formatted),
	TAP_TEST(test_codec__gre_checksum_with_offloaded_inner),
	TAP_TEST(test_codec__encapsulation_errors),
	TAP_TEST(test_codec__fill_tcp_csum),
};

TAP_MAIN(tests)
