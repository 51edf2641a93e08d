/* Unit tests for conn.c: what a connection is and when a new one begins,
 * without namespaces, sockets or clocks. */
#include "tap.h"

#include <netinet/in.h>

#include "conn.h"
#include "error.h"
#include "strbuf.h"

#define BIND 8080
#define REMOTE 40000
#define CONNECT 8080

static struct tc_packet pkt(enum tc_direction dir, uint16_t flags, uint32_t seq, uint32_t ack)
{
	struct tc_packet p;

	memset(&p, 0, sizeof(p));
	p.dir = dir;
	p.l4 = TC_L4_TCP;
	p.ecn = p.tos = p.ttl = -1;
	p.flags = flags;
	p.seq_start = p.seq_end = seq;
	p.has_ack = ack != 0;
	p.ack = ack;
	p.has_options = true;
	return p;
}

static struct tc_segment seg(uint16_t flags, uint16_t sport, uint16_t dport, uint32_t seq,
			     uint32_t ack)
{
	struct tc_segment s;

	memset(&s, 0, sizeof(s));
	s.ip_version = 4;
	s.ip_csum_ok = true;
	s.ip_proto = IPPROTO_TCP;
	s.sport = sport;
	s.dport = dport;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.payload_zero = true;
	s.win = 64240;
	s.doff = 20;
	return s;
}

static const struct tc_verify_opts vo = { .ts_tick_usecs = 0 };

/* An active open: the kernel's SYN after connect() fixes the tuple and
 * teaches the ISN; an older SYN, or another port, is not the connection's. */
static void test_conn__active_open_learns_tuple_and_isn(void)
{
	struct tc_conn c;
	struct tc_packet exp = pkt(TC_DIR_OUTBOUND, TC_TH_SYN, 0, 0);
	struct tc_segment syn = seg(TC_TH_SYN, 50000, CONNECT, 777, 0);
	struct tc_mismatch mm;
	struct strbuf sb = STRBUF_INIT;

	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	CHECK_INT(tc_conn_sut_fd(&c), -1);
	tc_conn_set_socket(&c, 3, true, false);
	CHECK_INT(tc_conn_sut_fd(&c), 3);
	tc_conn_connect(&c, 3, false, 1000);
	CHECK(!tc_conn_matches(&c, &syn, 999));		/* before connect() */
	syn.dport = CONNECT + 1;
	CHECK(!tc_conn_matches(&c, &syn, 1000));	/* not toward the connect port */
	syn.dport = CONNECT;
	CHECK(tc_conn_matches(&c, &syn, 1000));
	CHECK_INT(c.local_port, 50000);
	CHECK_INT(tc_conn_verify(&c, &exp, &syn, &vo, &mm), 0);
	CHECK(c.map.local_known);
	/* The kernel's next segment, in script space. */
	{
		struct tc_segment ack = seg(TC_TH_ACK, 50000, CONNECT, 778, 0);

		CHECK(tc_conn_matches(&c, &ack, 2000));
		tc_conn_format_live(&c, &ack, &sb);
		CHECK_STR(sb.buf, ". 1:1(0) ack 0 win 64240");
		ack.sport = 50001;
		CHECK(!tc_conn_matches(&c, &ack, 2000));
	}
	strbuf_release(&sb);
	tc_conn_destroy(&c);
}

/* A SYN to a listener opens a child with a new tuple and new ISNs; the
 * second child's remote port skips the first's and the script's own. */
static void test_conn__listener_children_get_new_tuples(void)
{
	struct tc_conn c;
	struct tc_packet syn = pkt(TC_DIR_INBOUND, TC_TH_SYN, 100, 0);
	struct tc_packet ack = pkt(TC_DIR_INBOUND, TC_TH_ACK, 1, 1);
	struct tc_packet other = pkt(TC_DIR_INBOUND, TC_TH_ACK, 1, 1);
	struct tc_event ev = { .type = TC_EVENT_PACKET, .u.packet = &other };
	struct tc_script s = { .events = &ev, .n_events = 1 };
	struct tc_option opts[TC_MAX_OPTIONS];
	struct tc_conn_inbound in;
	uint32_t bad;

	other.has_ports = true;		/* a line that names REMOTE + 1 */
	other.sport = REMOTE + 1;
	other.dport = BIND;
	tc_conn_init(&c, &s, BIND, REMOTE, CONNECT);
	tc_conn_set_socket(&c, 3, true, false);
	tc_conn_listen(&c);
	CHECK_INT(tc_conn_inbound(&c, &syn, false, opts, &in, &bad), 0);
	CHECK_INT(in.sport, REMOTE);
	CHECK_INT(in.dport, BIND);
	CHECK_INT(in.seq, 100);		/* a SYN's seq is literal */
	CHECK(c.map.remote_known);
	CHECK_INT(tc_conn_inbound(&c, &ack, false, opts, &in, &bad), 0);
	CHECK_INT(in.seq, 101);		/* relative to the remote's ISN */
	/* The same socket listens on: the next SYN opens a second child. */
	tc_conn_listen(&c);
	syn.seq_start = syn.seq_end = 500;
	CHECK_INT(tc_conn_inbound(&c, &syn, false, opts, &in, &bad), 0);
	CHECK_INT(in.sport, REMOTE + 2);
	CHECK_INT(in.seq, 500);
	CHECK_INT(tc_conn_inbound(&c, &ack, false, opts, &in, &bad), 0);
	CHECK_INT(in.seq, 501);
	tc_conn_destroy(&c);
}

/* connect(AF_UNSPEC) then connect(): a new connection (its tuple and ISNs
 * learned afresh), with the socket's TS mapping kept; a new socket()
 * forgets everything. */
static void test_conn__reconnect_keeps_ts_mapping(void)
{
	struct tc_conn c;
	struct tc_packet inb = pkt(TC_DIR_INBOUND, TC_TH_ACK, 1, 1);
	struct tc_segment syn = seg(TC_TH_SYN, 50000, CONNECT, 777, 0);
	struct tc_option opts[TC_MAX_OPTIONS];
	struct tc_conn_inbound in;
	uint32_t bad = 0;

	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	tc_conn_set_socket(&c, 3, true, false);
	tc_conn_connect(&c, 3, false, 0);
	CHECK(tc_conn_matches(&c, &syn, 0));
	tc_map_ts_record(&c.map, 10, 5000);
	inb.n_options = 1;
	opts[0].kind = TC_OPT_TS;
	opts[0].ts_val = 1;
	opts[0].ts_ecr = 10;
	CHECK_INT(tc_conn_inbound(&c, &inb, false, opts, &in, &bad), 0);
	CHECK_INT(opts[0].ts_ecr, 5000);
	/* A second connect() without AF_UNSPEC keeps the tuple. */
	tc_conn_connect(&c, 3, false, 10);
	CHECK_INT(c.local_port, 50000);
	tc_conn_connect(&c, 3, true, 20);
	tc_conn_connect(&c, 3, false, 30);
	CHECK_INT(c.local_port, 0);
	CHECK(!c.map.local_known);
	CHECK(c.map.ts_base_known);
	opts[0].ts_ecr = 10;
	CHECK_INT(tc_conn_inbound(&c, &inb, false, opts, &in, &bad), 0);
	CHECK_INT(opts[0].ts_ecr, 5000);
	/* Another fd's connect() is not the socket under test's. */
	tc_conn_connect(&c, 4, true, 40);
	CHECK(c.opened);
	/* A new socket forgets the mapping: an unknown ecr is an error. */
	tc_conn_set_socket(&c, 5, true, false);
	CHECK(!c.map.ts_base_known);
	opts[0].ts_ecr = 10;
	CHECK_INT(tc_conn_inbound(&c, &inb, false, opts, &in, &bad), -1);
	CHECK_INT(bad, 10);
	tc_conn_destroy(&c);
}

/* A UDP socket: its datagrams, not TCP segments, are the connection's;
 * an ICMP error quoting one of them is too. */
static void test_conn__udp_and_icmp(void)
{
	struct tc_conn c;
	struct tc_segment d = seg(0, 50000, CONNECT, 0, 0);
	struct tc_segment icmp = seg(0, CONNECT, 50000, 0, 0);
	struct tc_packet p = pkt(TC_DIR_INBOUND, 0, 0, 0);
	uint16_t lport, rport;
	uint32_t seq;

	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	tc_conn_icmp_quote(&c, &p, &lport, &rport, &seq);
	CHECK_INT(lport, BIND);		/* no connection yet: configured ports */
	CHECK_INT(rport, REMOTE);
	tc_conn_set_socket(&c, 3, true, true);
	tc_conn_connect(&c, 3, false, 0);
	CHECK(!tc_conn_matches(&c, &d, 0));		/* TCP, not UDP */
	d.ip_proto = IPPROTO_UDP;
	CHECK(tc_conn_matches(&c, &d, 0));		/* its first datagram */
	icmp.ip_proto = IPPROTO_ICMP;
	icmp.icmp_quoted_proto = IPPROTO_UDP;
	CHECK(tc_conn_matches(&c, &icmp, 0));
	icmp.icmp_quoted_proto = IPPROTO_TCP;
	CHECK(!tc_conn_matches(&c, &icmp, 0));
	tc_conn_icmp_quote(&c, &p, &lport, &rport, &seq);
	CHECK_INT(lport, 50000);
	CHECK_INT(rport, CONNECT);
	tc_conn_destroy(&c);
}

/* A passive UDP test: the first inbound datagram fixes the tuple. */
static void test_conn__inbound_udp_fixes_tuple(void)
{
	struct tc_conn c;
	struct tc_packet p = pkt(TC_DIR_INBOUND, 0, 0, 0);
	uint16_t sport, dport;

	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	tc_conn_set_socket(&c, 3, true, true);
	tc_conn_inbound_udp(&c, &p, &sport, &dport);
	CHECK_INT(sport, REMOTE);
	CHECK_INT(dport, BIND);
	p.has_ports = true;
	p.sport = 1234;
	p.dport = 4321;
	tc_conn_inbound_udp(&c, &p, &sport, &dport);
	CHECK_INT(sport, 1234);
	CHECK_INT(dport, 4321);
	CHECK_INT(c.local_port, BIND);
	tc_conn_destroy(&c);
}

/* A mismatching SYN still teaches the ISN once its flags matched: the
 * report then shows the kernel's numbers in script space. */
static void test_conn__isn_learned_even_when_a_later_field_differs(void)
{
	struct tc_conn c;
	struct tc_packet exp = pkt(TC_DIR_OUTBOUND, TC_TH_SYN | TC_TH_ACK, 0, 1);
	struct tc_segment s = seg(TC_TH_SYN | TC_TH_ACK, BIND, REMOTE, 9000, 102);
	struct tc_packet in = pkt(TC_DIR_INBOUND, TC_TH_SYN, 100, 0);
	struct tc_option opts[TC_MAX_OPTIONS];
	struct tc_conn_inbound ib;
	struct tc_mismatch mm;
	uint32_t bad;

	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	tc_conn_set_socket(&c, 3, true, false);
	tc_conn_listen(&c);
	CHECK_INT(tc_conn_inbound(&c, &in, false, opts, &ib, &bad), 0);
	exp.ack = 101;		/* a SYN-ACK's ack is literal */
	CHECK_INT(tc_conn_verify(&c, &exp, &s, &vo, &mm), 1);
	CHECK_STR(mm.field, "ack");
	CHECK(c.map.local_known);
	CHECK_INT(c.map.local_isn, 9000);
	tc_conn_destroy(&c);
}

/* Two connections from one socket's port to the connect port: the second
 * one's ISN is judged against the first one's SND.NXT (reuse) and ISN
 * (clock); a connection on another tuple is not. */
static void test_conn__isn_checks_across_connections(void)
{
	struct tc_conn c;
	struct tc_packet syn_line = pkt(TC_DIR_OUTBOUND, TC_TH_SYN, 0, 0);
	struct tc_packet fin_line = pkt(TC_DIR_OUTBOUND, TC_TH_FIN | TC_TH_ACK, 1, 0);
	struct tc_segment syn = seg(TC_TH_SYN, 50000, CONNECT, 1000, 0);
	struct tc_segment fin = seg(TC_TH_FIN | TC_TH_ACK, 50000, CONNECT, 1001, 0);
	struct tc_verify_opts v = { .check_isn_reuse = true, .isn_reuse = 65537,
				    .capture_ns = 1000 };
	struct tc_mismatch mm;

	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	tc_conn_set_socket(&c, 3, true, false);
	tc_conn_connect(&c, 3, false, 0);
	CHECK(tc_conn_matches(&c, &syn, 1000));
	CHECK_INT(tc_conn_verify(&c, &syn_line, &syn, &v, &mm), 0);	/* no one before */
	/* The FIN's ack is of the remote's ISN (0 here: never learnt). */
	CHECK_INT(tc_conn_verify(&c, &fin_line, &fin, &v, &mm), 0);
	CHECK_INT(c.snd_nxt, 1002);

	tc_conn_set_socket(&c, 4, true, false);
	tc_conn_connect(&c, 4, false, 2000);
	syn.seq = 1002 + 65536;
	CHECK(tc_conn_matches(&c, &syn, 3000));
	CHECK_INT(tc_conn_verify(&c, &syn_line, &syn, &v, &mm), 1);
	CHECK_STR(mm.field, "isn");
	CHECK_STR(mm.expected, "65539 (the SND.NXT of the connection before on this 4-tuple + 65537)");
	CHECK_STR(mm.actual, "65538");

	/* The same again with the right ISN, judged by the clock too: 1 ms
	 * after the first SYN at 64 ns a tick is 15625 ticks, not 65538. */
	tc_conn_set_socket(&c, 5, true, false);
	tc_conn_connect(&c, 5, false, 4000);
	syn.seq = 1000 + 15625;
	v.check_isn_reuse = false;
	v.isn_clock_ns = 64;
	v.capture_ns = 1000 + 1000000;
	CHECK(tc_conn_matches(&c, &syn, 5000));
	/* The one before is the second connection (ISN 1002 + 65536, seen at
	 * capture_ns 1000): behind this one by 65538 - 15625 ticks. */
	CHECK_INT(tc_conn_verify(&c, &syn_line, &syn, &v, &mm), 1);
	CHECK_STR(mm.field, "isn clock");

	/* Another local port: another tuple, nothing judged. */
	tc_conn_set_socket(&c, 6, true, false);
	tc_conn_connect(&c, 6, false, 6000);
	syn.sport = 50001;
	syn.seq = 1;
	CHECK(tc_conn_matches(&c, &syn, 7000));
	CHECK_INT(tc_conn_verify(&c, &syn_line, &syn, &v, &mm), 0);
	tc_conn_destroy(&c);
}

/* A passive open with Timestamps: the SYN-ACK must echo the SYN's TS val,
 * an ACK the TS.Recent that tc_conn_inbound_sent kept. */
static void test_conn__ts_ecr_from_inbound_segments(void)
{
	struct tc_conn c;
	struct tc_packet in_syn = pkt(TC_DIR_INBOUND, TC_TH_SYN, 0, 0);
	struct tc_packet synack_line = pkt(TC_DIR_OUTBOUND, TC_TH_SYN | TC_TH_ACK, 0, 1);
	struct tc_packet in_ack = pkt(TC_DIR_INBOUND, TC_TH_ACK, 1, 1);
	struct tc_segment synack = seg(TC_TH_SYN | TC_TH_ACK, BIND, REMOTE, 9000, 1);
	struct tc_verify_opts v = { .check_ts_ecr = 1 };
	struct tc_option opts[TC_MAX_OPTIONS];
	struct tc_conn_inbound in;
	struct tc_mismatch mm;
	struct tc_error err;
	size_t len = 0;
	uint32_t bad;

	in_syn.n_options = 1;
	in_syn.options[0].kind = TC_OPT_TS;
	in_syn.options[0].ts_val = 1000;
	tc_conn_init(&c, NULL, BIND, REMOTE, CONNECT);
	tc_conn_set_socket(&c, 3, true, false);
	tc_conn_listen(&c);
	memcpy(opts, in_syn.options, sizeof(opts[0]));
	CHECK_INT(tc_conn_inbound(&c, &in_syn, false, opts, &in, &bad), 0);
	tc_conn_inbound_sent(&c, &in_syn, &in, 5);

	synack_line.any_options = true;
	opts[0].kind = opts[1].kind = TC_OPT_NOP;
	opts[2].kind = TC_OPT_TS;
	opts[2].ts_val = 77;
	opts[2].ts_ecr = 999;
	CHECK_INT(tc_options_encode(opts, 3, synack.opts, sizeof(synack.opts), &len, &err), 0);
	synack.opts_len = (uint8_t)len;
	CHECK_INT(tc_conn_verify(&c, &synack_line, &synack, &v, &mm), 1);
	CHECK_STR(mm.expected, "1000 (the TS val of the SYN of line 5)");
	opts[2].ts_ecr = 1000;
	CHECK_INT(tc_options_encode(opts, 3, synack.opts, sizeof(synack.opts), &len, &err), 0);
	CHECK_INT(tc_conn_verify(&c, &synack_line, &synack, &v, &mm), 0);

	/* An inbound segment of another tuple teaches nothing. */
	in_ack.n_options = 1;
	in_ack.options[0].kind = TC_OPT_TS;
	in_ack.options[0].ts_val = 1010;
	in.sport = REMOTE + 7;
	in.seq = 1;
	tc_conn_inbound_sent(&c, &in_ack, &in, 7);
	CHECK_INT(c.map.rec.val, 1000);
	in.sport = REMOTE;
	tc_conn_inbound_sent(&c, &in_ack, &in, 7);
	CHECK_INT(c.map.rec.val, 1010);
	CHECK_INT(c.map.rec.line, 7);
	tc_conn_destroy(&c);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_conn__active_open_learns_tuple_and_isn),
	TAP_TEST(test_conn__listener_children_get_new_tuples),
	TAP_TEST(test_conn__reconnect_keeps_ts_mapping),
	TAP_TEST(test_conn__udp_and_icmp),
	TAP_TEST(test_conn__inbound_udp_fixes_tuple),
	TAP_TEST(test_conn__isn_learned_even_when_a_later_field_differs),
	TAP_TEST(test_conn__isn_checks_across_connections),
	TAP_TEST(test_conn__ts_ecr_from_inbound_segments),
};

TAP_MAIN(tests)
