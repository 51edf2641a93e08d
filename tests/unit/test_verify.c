/* Unit tests for verify.c: number mapping, the timing rule, field checks. */
#include "tap.h"

#include <arpa/inet.h>

#include "strbuf.h"
#include "verify.h"

static struct tc_packet pkt(uint16_t flags, uint32_t seq, uint32_t len,
			    uint32_t ack)
{
	struct tc_packet p;

	memset(&p, 0, sizeof(p));
	p.dir = TC_DIR_OUTBOUND;
	p.ecn = p.tos = p.ttl = -1;
	p.flags = flags;
	p.seq_start = seq;
	p.seq_end = seq + len;
	p.payload_len = len;
	p.has_ack = ack != 0;
	p.ack = ack;
	p.has_options = true;
	return p;
}

static struct tc_segment seg(uint16_t flags, uint32_t seq, uint32_t len,
			     uint32_t ack)
{
	struct tc_segment s;

	memset(&s, 0, sizeof(s));
	s.ip_version = 4;
	s.ip_csum_ok = true;
	s.ip_proto = 6;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.payload_len = len;
	s.payload_zero = true;
	s.win = 64240;
	s.doff = 20;
	return s;
}

static void test_verify__syn_numbers_are_literal(void)
{
	struct tc_conn_map m;
	struct tc_packet in = pkt(TC_TH_SYN, 1428932, 0, 0);

	tc_map_reset(&m);
	tc_map_learn_remote(&m, in.seq_start);
	CHECK_INT(tc_map_in_seq(&m, &in), 1428932);
	/* An outbound SYN-ACK acks the remote's ISN literally... */
	CHECK_INT(tc_map_out_ack(&m, true, 1428933), 1428933);
	/* ...a later ACK relative to it. */
	CHECK_INT(tc_map_out_ack(&m, false, 1428933), 1);
}

static void test_verify__relative_numbers(void)
{
	struct tc_conn_map m;
	struct tc_packet in = pkt(TC_TH_ACK, 1, 0, 1);

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 1000);
	tc_map_learn_local(&m, 0, 0xfffffff0u);
	CHECK_INT(tc_map_in_seq(&m, &in), 1001);
	/* Wraps around 2^32. */
	CHECK_INT(tc_map_in_ack(&m, false, 0x20), 0x10);
	CHECK_INT(tc_map_out_seq(&m, false, 0xfffffff1u), 1);
	CHECK_INT(tc_map_out_seq(&m, false, 0x5u), 0x15);
}

/* As packetdrill: the seq on the script's own SYN-ACK line matters only
 * in SYN segments; elsewhere kernel numbers are offsets from its ISN. */
static void test_verify__script_isn_only_in_syns(void)
{
	struct tc_conn_map m;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 0);
	tc_map_learn_local(&m, 1234, 5000);
	CHECK_INT(tc_map_in_ack(&m, false, 1), 5001);
	CHECK_INT(tc_map_out_seq(&m, false, 5001), 1);
	CHECK_INT(tc_map_in_ack(&m, true, 1235), 5001);
	CHECK_INT(tc_map_out_seq(&m, true, 5000), 1234);
}

static void test_verify__ts_mapping(void)
{
	struct tc_conn_map m;
	uint32_t live = 0;

	tc_map_reset(&m);
	tc_map_ts_record(&m, 100, 555000);
	tc_map_ts_record(&m, 200, 555050);
	CHECK_INT(tc_map_ts_out(&m, 555010), 110);
	CHECK_INT(tc_map_ts_in_ecr(&m, 200, false, &live), 0);
	CHECK_INT(live, 555050);
	CHECK_INT(tc_map_ts_in_ecr(&m, 300, false, &live), -1);
	CHECK_INT(tc_map_ts_in_ecr(&m, 300, true, &live), 0);
	CHECK_INT(live, 555200);
}

static void test_verify__tolerance_rule(void)
{
	/* max(tolerance_usecs, percent of the gap) */
	CHECK_INT(tc_tolerance(4000, 12.5, 0), 4000);
	CHECK_INT(tc_tolerance(4000, 12.5, 10000), 4000);
	CHECK_INT(tc_tolerance(4000, 12.5, 1000000), 125000);
	CHECK_INT(tc_tolerance(20000, 0, 1000000), 20000);
}

static void test_verify__time_window(void)
{
	CHECK_INT(tc_time_check(1000, 1000, 1000, 10), 0);
	CHECK_INT(tc_time_check(989, 1000, 1000, 10), -1);
	CHECK_INT(tc_time_check(990, 1000, 1000, 10), 0);
	CHECK_INT(tc_time_check(1010, 1000, 1000, 10), 0);
	CHECK_INT(tc_time_check(1011, 1000, 1000, 10), 1);
	CHECK_INT(tc_time_check(1500, 1000, 2000, 10), 0);
}

static void test_verify__seen_time(void)
{
	/* Stamped while the previous event ran: seen when it ended. */
	CHECK_INT(tc_seen_time(1050, 1000, 1100), 1100);
	CHECK_INT(tc_seen_time(1000, 1000, 1100), 1100);
	/* Before it began (really early), or after it ended: as stamped. */
	CHECK_INT(tc_seen_time(999, 1000, 1100), 999);
	CHECK_INT(tc_seen_time(1100, 1000, 1100), 1100);
	CHECK_INT(tc_seen_time(1200, 1000, 1100), 1200);
}

static void test_verify__isn_learned_once(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_SYN | TC_TH_ACK, 0, 0, 1);
	struct tc_segment s = seg(TC_TH_SYN | TC_TH_ACK, 1000, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 0);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	/* A second SYN-ACK of the same connection (TIME_WAIT reopened) with
	 * a new ISN is judged against the first, not learned again. */
	s.seq = 1000 + 65539;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "seq");
	CHECK_STR(mm.actual, "65539");
	p.seq_start = p.seq_end = 65539;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
}

/* The protocol comes first: a TCP line against a UDP datagram, an ICMP
 * line against a TCP segment, and a protocol no line has. */
static void test_verify__protocol_named(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1001, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 0);
	tc_map_learn_local(&m, 0, 1000);
	s.ip_proto = 17;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "protocol");
	CHECK_STR(mm.expected, "TCP");
	CHECK_STR(mm.actual, "UDP");
	s.ip_proto = 132;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.actual, "other");
	p.l4 = TC_L4_ICMP;
	s.ip_proto = 6;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.expected, "ICMP");
	CHECK_STR(mm.actual, "TCP");
}

static struct tc_encap ip4_encap(const char *src, const char *dst)
{
	struct tc_encap e;

	memset(&e, 0, sizeof(e));
	e.type = TC_ENCAP_IPV4;
	inet_pton(AF_INET, src, e.src);
	inet_pton(AF_INET, dst, e.dst);
	e.tos = e.ttl = -1;
	e.csum_ok = true;
	return e;
}

/* Outer headers: kinds and order first, then each one's fields, before
 * anything of the inner packet. */
static void test_verify__encapsulation(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1001, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;
	struct strbuf sb = STRBUF_INIT;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 0);
	tc_map_learn_local(&m, 0, 1000);
	p.n_encap = s.n_encap = 2;
	p.encap[0] = s.encap[0] = ip4_encap("192.168.0.1", "192.168.0.2");
	memset(&p.encap[1], 0, sizeof(p.encap[1]));
	p.encap[1].type = TC_ENCAP_GRE;
	s.encap[1] = p.encap[1];
	s.encap[1].csum_ok = true;
	s.encap[0].ttl = 64;
	s.encap[0].tos = 0;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);

	/* A plain line, an encapsulated packet, and the reverse. */
	p.n_encap = 0;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "encapsulation");
	CHECK_STR(mm.expected, "none");
	CHECK_STR(mm.actual, "ipv4 192.168.0.1 > 192.168.0.2: gre:");
	p.n_encap = 2;
	s.n_encap = 0;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.expected, "ipv4 192.168.0.1 > 192.168.0.2: gre:");
	CHECK_STR(mm.actual, "none");
	s.n_encap = 2;

	/* Addresses as written; TOS and TTL only when given. */
	inet_pton(AF_INET, "192.168.0.3", p.encap[0].dst);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "outer ipv4 dst");
	CHECK_STR(mm.expected, "192.168.0.3");
	CHECK_STR(mm.actual, "192.168.0.2");
	p.encap[0] = ip4_encap("192.168.0.1", "192.168.0.2");
	p.encap[0].ttl = 63;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "outer ipv4 ttl");
	CHECK_STR(mm.expected, "63");
	CHECK_STR(mm.actual, "64");
	p.encap[0].ttl = 64;
	s.encap[0].csum_ok = false;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "outer ipv4 checksum");
	s.encap[0].csum_ok = true;

	/* GRE: flags, then the fields they carry; sum 0 asks for a right one. */
	p.encap[1].gre.flags = TC_GRE_KEY;
	p.encap[1].gre.key = 8;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "gre flags");
	CHECK_STR(mm.expected, "0x2000");
	CHECK_STR(mm.actual, "0x0000");
	s.encap[1].gre.flags = TC_GRE_KEY | TC_GRE_CSUM;
	s.encap[1].gre.key = 7;
	s.encap[1].gre.sum = 0xbeef;
	p.encap[1].gre.flags = TC_GRE_KEY | TC_GRE_CSUM;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "gre key");
	CHECK_STR(mm.expected, "8");
	CHECK_STR(mm.actual, "7");
	p.encap[1].gre.key = 7;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	s.encap[1].csum_ok = false;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "gre checksum");
	CHECK_STR(mm.actual, "bad");
	p.encap[1].gre.sum = 0xbeee;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "gre sum");
	p.encap[1].gre.sum = 0xbeef;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);

	/* MPLS: depth, then entry by entry. */
	memset(&p.encap[1], 0, sizeof(p.encap[1]));
	p.encap[1].type = TC_ENCAP_MPLS;
	p.encap[1].n_mpls = 1;
	p.encap[1].mpls[0] = 101u << 12 | 0x100 | 64;
	s.encap[1] = p.encap[1];
	s.encap[1].mpls[0] = 100u << 12 | 0x100 | 64;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "mpls entry 1");
	CHECK_STR(mm.expected, "(label 101, tc 0, [S], ttl 64)");
	CHECK_STR(mm.actual, "(label 100, tc 0, [S], ttl 64)");
	s.encap[1].n_mpls = 2;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "mpls labels");

	/* The live packet shows its outer headers. */
	s.encap[1].n_mpls = 1;
	tc_format_live(&m, &s, &sb);
	CHECK_STR(sb.buf, "ipv4 192.168.0.1 > 192.168.0.2: mpls (label 100, tc 0, [S], ttl 64): "
		  ". 1:1(0) ack 1 win 64240");
	strbuf_release(&sb);
}

static void test_verify__ack_field_without_ack_flag_is_raw(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_RST, 1, 0, 0);
	struct tc_segment s = seg(TC_TH_RST, 1001, 0, 0);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 5000);
	tc_map_learn_local(&m, 0, 1000);
	/* A RST without ACK: its ack field (0) is not mapped by the
	 * remote's ISN, so the script's (absent) ack 0 matches. */
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	s.ack = 7;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "ack");
	CHECK_STR(mm.actual, "7");
}

static void test_verify__rst_ack_with_seq_zero_is_raw(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_RST | TC_TH_ACK, 0, 0, 1);
	struct tc_segment s = seg(TC_TH_RST | TC_TH_ACK, 0, 0, 5001);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 5000);
	tc_map_learn_local(&m, 0, 1000);
	/* The RST answering a SYN on a known connection: seq 0 on the
	 * wire, not the kernel's ISN + 0, matches the script's 0. */
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	/* Any other seq is an offset from the ISN as usual. */
	s.seq = 1000;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	s.seq = 7;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "seq");
	/* A plain RST keeps the mapping. */
	p = pkt(TC_TH_RST, 0, 0, 0);
	s = seg(TC_TH_RST, 0, 0, 0);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "seq");
}

static void test_verify__synack_matches_and_learns_isn(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_SYN | TC_TH_ACK, 0, 0, 1);
	struct tc_segment s = seg(TC_TH_SYN | TC_TH_ACK, 0xdeadbeef, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 0);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	CHECK(m.local_known);
	CHECK_INT(tc_map_out_seq(&m, false, 0xdeadbef0u), 1);
}

static void test_verify__wrong_ack(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 2);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	tc_map_learn_remote(&m, 0);
	tc_map_learn_local(&m, 0, 0);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "ack");
	CHECK_STR(mm.expected, "1");
	CHECK_STR(mm.actual, "2");
}

static void test_verify__wrong_flags_before_seq(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK | TC_TH_FIN, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK | TC_TH_RST, 7, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "flags");
	CHECK_STR(mm.expected, "F.");
	CHECK_STR(mm.actual, "R.");
}

static void test_verify__window_only_when_given(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.has_win = true;
	p.win = 100;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "win");
}

static void test_verify__payload_length(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK | TC_TH_PSH, 1, 1000, 1);
	struct tc_segment s = seg(TC_TH_ACK | TC_TH_PSH, 1, 500, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "payload length");
	CHECK_STR(mm.expected, "1000");
	CHECK_STR(mm.actual, "500");
}

static void test_verify__options_exact_unless_wildcard(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_SYN | TC_TH_ACK, 0, 0, 1);
	struct tc_segment s = seg(TC_TH_SYN | TC_TH_ACK, 5, 0, 1);
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7 };
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	memcpy(s.opts, opts, sizeof(opts));
	s.opts_len = sizeof(opts);
	p.n_options = 5;
	p.options[0].kind = TC_OPT_MSS;
	p.options[0].mss = 1460;
	p.options[1].kind = TC_OPT_NOP;
	p.options[2].kind = TC_OPT_NOP;
	p.options[3].kind = TC_OPT_SACK_PERM;
	p.options[4].kind = TC_OPT_NOP;
	tc_map_reset(&m);
	/* One option short: the layouts differ, named by their kinds only. */
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option kinds");
	CHECK_STR(mm.expected, "<mss,nop,nop,sackOK,nop>");
	CHECK_STR(mm.actual, "<mss,nop,nop,sackOK,nop,wscale>");
	p.n_options = 6;
	p.options[5].kind = TC_OPT_WSCALE;
	p.options[5].wscale = 6;
	/* Same layout: the option and only the values compared. */
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 6 (wscale)");
	CHECK_STR(mm.expected, "6");
	CHECK_STR(mm.actual, "7");
	CHECK(!mm.ts_val);
	p.options[0].mss = 1400;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 1 (mss)");
	CHECK_STR(mm.expected, "1400");
	CHECK_STR(mm.actual, "1460");
	p.options[0].mss = 1460;
	p.options[5].wscale = 7;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[5].wscale = 6;
	p.any_options = true;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
}

static void test_verify__no_options_means_none(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	static const uint8_t opts[] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	memcpy(s.opts, opts, sizeof(opts));
	s.opts_len = sizeof(opts);
	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.expected, "(none)");
}

static void test_verify__bad_ip_checksum(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	s.ip_csum_ok = false;
	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "ip checksum");
}

static void test_verify__ts_val_judged_only_with_tick(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	/* nop, nop, TS val 1000 ecr 0 */
	static const uint8_t opts[] = { 1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0 };
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	memcpy(s.opts, opts, sizeof(opts));
	s.opts_len = sizeof(opts);
	p.n_options = 3;
	p.options[0].kind = TC_OPT_NOP;
	p.options[1].kind = TC_OPT_NOP;
	p.options[2].kind = TC_OPT_TS;
	p.options[2].ts_val = 100;
	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	CHECK(m.ts_base_known);
	/* The next segment's TS val moved 50 ticks; the script says 10. */
	s.opts[6] = 0x04;
	s.opts[7] = 0x1a;	/* 1050 */
	p.options[2].ts_val = 110;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	vo.ts_tick_usecs = 1000;
	vo.tolerance_usecs = 4000;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 3 (TS val)");
	CHECK_STR(mm.expected, "110");
	CHECK_STR(mm.actual, "150");
	CHECK(mm.ts_val);
	p.options[2].ts_val = 148;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
}

/* A TS val off and a later option wrong: the wrong option is named (the
 * TS val alone is a softer failure). */
static void test_verify__option_wrong_beats_ts_val_off(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	/* TS val 1000 ecr 0, nop, wscale 7 */
	static const uint8_t opts[] = { 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0,
					1, 3, 3, 7 };
	struct tc_verify_opts vo = { .ts_tick_usecs = 1000, .tolerance_usecs = 4000 };
	struct tc_mismatch mm;

	memcpy(s.opts, opts, sizeof(opts));
	s.opts_len = sizeof(opts);
	p.n_options = 3;
	p.options[0].kind = TC_OPT_TS;
	p.options[0].ts_val = 100;
	p.options[1].kind = TC_OPT_NOP;
	p.options[2].kind = TC_OPT_WSCALE;
	p.options[2].wscale = 7;
	tc_map_reset(&m);
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[0].ts_val = 200;	/* 100 ticks off */
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 1 (TS val)");
	CHECK(mm.ts_val);
	p.options[2].wscale = 8;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 3 (wscale)");
	CHECK_STR(mm.expected, "8");
	CHECK_STR(mm.actual, "7");
	CHECK(!mm.ts_val);
}

/* SACK blocks are shown in script space; a wrong length is named as such;
 * an unnamed kind by its number. */
static void test_verify__option_sack_length_raw(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	/* sack 1001:2001 (live, remote ISN 1000), kind 99 with bytes 1 2,
	 * mss 1460 with length 6 */
	static const uint8_t opts[] = { 5, 10, 0, 0, 0x07, 0xd1, 0, 0, 0x0b, 0xb9,
					99, 4, 1, 2,
					2, 6, 0x05, 0xb4, 0, 0 };
	struct tc_verify_opts vo = { .ts_tick_usecs = 0 };
	struct tc_mismatch mm;

	memcpy(s.opts, opts, sizeof(opts));
	s.opts_len = sizeof(opts);
	p.n_options = 3;
	p.options[0].kind = TC_OPT_SACK;
	p.options[0].n_sack = 1;
	p.options[0].sack[0].left = 1001;
	p.options[0].sack[0].right = 3001;
	p.options[1].kind = 99;
	p.options[1].length = 4;
	p.options[1].data_len = 2;
	p.options[1].data[0] = 1;
	p.options[1].data[1] = 3;
	p.options[2].kind = TC_OPT_MSS;
	p.options[2].mss = 1460;
	tc_map_reset(&m);
	tc_map_learn_remote(&m, 1000);
	s.ack += 1000;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 1 (sack blocks)");
	CHECK_STR(mm.expected, "1001:3001");
	CHECK_STR(mm.actual, "1001:2001");
	p.options[0].sack[0].right = 2001;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 2 (kind 99)");
	CHECK(strcmp(mm.expected, mm.actual) != 0);
	p.options[1].data[1] = 2;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 3 (mss length)");
	CHECK_STR(mm.expected, "4");
	CHECK_STR(mm.actual, "6");
}

/*
 * The TS val tolerance is the timing tolerance of the line's time counted
 * from the script's start: the larger of tolerance_usecs and
 * tolerance_percent of that time, divided into ticks.
 */
static void test_verify__ts_val_tolerance_from_start(void)
{
	struct tc_conn_map m;
	struct tc_packet p = pkt(TC_TH_ACK, 1, 0, 1);
	struct tc_segment s = seg(TC_TH_ACK, 1, 0, 1);
	/* nop, nop, TS val 5000 ecr 7 */
	static const uint8_t opts[] = { 1, 1, 8, 10, 0, 0, 0x13, 0x88, 0, 0, 0, 7 };
	struct tc_verify_opts vo = {
		.ts_tick_usecs = 1000,
		.tolerance_usecs = 4000,
		.tolerance_percent = 12.5,
	};
	struct tc_mismatch mm;

	memcpy(s.opts, opts, sizeof(opts));
	s.opts_len = sizeof(opts);
	p.n_options = 3;
	p.options[0].kind = TC_OPT_NOP;
	p.options[1].kind = TC_OPT_NOP;
	p.options[2].kind = TC_OPT_TS;
	p.options[2].ts_val = 100;
	p.options[2].ts_ecr = 7;
	tc_map_reset(&m);
	/* The first TS val is the baseline, whatever the line says. */
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);

	/* 1.1 s later by the kernel's clock (TS val 6100, 1200 in script
	 * space).  Due at 1.1 s: 12.5% of it is 137500 usecs, 137 ticks. */
	s.opts[6] = 0x17;
	s.opts[7] = 0xd4;	/* 6100 */
	vo.event_usecs = 1100000;
	CHECK_INT(tc_ts_tolerance(&vo), 137500);
	p.options[2].ts_val = 1199;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[2].ts_val = 1200 - 137;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[2].ts_val = 1200 + 137;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[2].ts_val = 1200 - 138;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "option 3 (TS val)");
	CHECK_STR(mm.expected, "1062");
	CHECK_STR(mm.actual, "1200");
	CHECK(mm.ts_val);

	/* Due at 10 ms: 12.5% is 1250 usecs, so tolerance_usecs (4 ticks)
	 * rules. */
	vo.event_usecs = 10000;
	CHECK_INT(tc_ts_tolerance(&vo), 4000);
	p.options[2].ts_val = 1196;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[2].ts_val = 1195;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK(mm.ts_val);

	/* A TS ecr, never judged, is no reason; another option is, and
	 * then the mismatch is not the TS val's alone. */
	p.options[2].ts_ecr = 8;
	p.options[2].ts_val = 1200;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
	p.options[2].ts_val = 1195;
	p.options[1].kind = TC_OPT_EOL;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 1);
	CHECK(!mm.ts_val);

	/* Without a tick, no TS val is judged. */
	p.options[1].kind = TC_OPT_NOP;
	vo.ts_tick_usecs = 0;
	p.options[2].ts_val = 1;
	CHECK_INT(tc_verify_outbound(&m, &p, &s, &vo, &mm), 0);
}

static void test_verify__format_live_maps_numbers(void)
{
	struct tc_conn_map m;
	struct tc_segment s = seg(TC_TH_ACK | TC_TH_PSH, 1001, 100, 5001);
	struct strbuf sb = STRBUF_INIT;

	tc_map_reset(&m);
	tc_map_learn_local(&m, 0, 1000);
	tc_map_learn_remote(&m, 5000);
	tc_format_live(&m, &s, &sb);
	CHECK_STR(sb.buf, "P. 1:101(100) ack 1 win 64240");
	strbuf_release(&sb);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_verify__syn_numbers_are_literal),
	TAP_TEST(test_verify__relative_numbers),
	TAP_TEST(test_verify__script_isn_only_in_syns),
	TAP_TEST(test_verify__ts_mapping),
	TAP_TEST(test_verify__option_wrong_beats_ts_val_off),
	TAP_TEST(test_verify__option_sack_length_raw),
	TAP_TEST(test_verify__tolerance_rule),
	TAP_TEST(test_verify__time_window),
	TAP_TEST(test_verify__synack_matches_and_learns_isn),
	TAP_TEST(test_verify__seen_time),
	TAP_TEST(test_verify__protocol_named),
	TAP_TEST(test_verify__encapsulation),
	TAP_TEST(test_verify__ack_field_without_ack_flag_is_raw),
	TAP_TEST(test_verify__rst_ack_with_seq_zero_is_raw),
	TAP_TEST(test_verify__isn_learned_once),
	TAP_TEST(test_verify__wrong_ack),
	TAP_TEST(test_verify__wrong_flags_before_seq),
	TAP_TEST(test_verify__window_only_when_given),
	TAP_TEST(test_verify__payload_length),
	TAP_TEST(test_verify__options_exact_unless_wildcard),
	TAP_TEST(test_verify__no_options_means_none),
	TAP_TEST(test_verify__bad_ip_checksum),
	TAP_TEST(test_verify__ts_val_judged_only_with_tick),
	TAP_TEST(test_verify__ts_val_tolerance_from_start),
	TAP_TEST(test_verify__format_live_maps_numbers),
};

TAP_MAIN(tests)
