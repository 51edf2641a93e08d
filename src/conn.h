/*
 * conn.h: the connection under test: the socket the script drives, its
 * live tuple, and the live <-> script mapping of its sequence numbers and
 * TCP timestamps (struct tc_conn_map, verify.h), with the lock that
 * guards them.
 *
 * This module decides what a connection is and when one begins: a new
 * socket() starts afresh; the first connect() after it (or after
 * connect(AF_UNSPEC)) opens a new connection with new ISNs but keeps the
 * socket's TS mapping, as packetdrill keeps it per socket; an inbound SYN
 * to a listener opens a child with a new tuple (its remote port chosen so
 * that it never lands on an earlier child's, nor on a port the script
 * names in a 'sport>dport' override); an outbound SYN teaches the local
 * ISN, a matching outbound segment its TS vals.  verify.c only compares,
 * given a mapping.
 *
 * Threads: every function takes the lock itself, so the engine's main
 * thread and its syscall thread (which reports new fds and connects) may
 * call them at any time.  No I/O, no clocks: the caller passes the time.
 */
#ifndef TC_CONN_H
#define TC_CONN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "script.h"
#include "verify.h"

struct strbuf;

struct tc_conn {
	pthread_mutex_t lock;
	const struct tc_script *script;	/* borrowed: its port overrides */
	int cfg_bind_port, cfg_remote_port, cfg_connect_port;

	int sut_fd;		/* live fd of the socket under test, or -1 */
	uint16_t local_port;	/* 0: not known yet */
	uint16_t remote_port;
	bool udp;		/* a SOCK_DGRAM socket: its datagrams, not segments */
	bool listener;		/* listen() ran: the next inbound SYN opens a child */
	bool opened;		/* connect() ran, or a SYN opened it: a second
				 * connect() before connect(AF_UNSPEC) keeps
				 * the tuple */
	int64_t connect_ns;	/* when that connect() began: an older SYN
				 * (an earlier socket's retransmission) is
				 * not this connection's */
	struct tc_conn_map map;
	/* For the ISN checks: the kernel's SND.NXT on this connection and
	 * when its ISN was seen; the same of the connection before. */
	uint32_t snd_nxt;
	int64_t isn_ns;
	struct {
		bool known;
		uint16_t local_port, remote_port;
		uint32_t isn, snd_nxt;
		int64_t isn_ns;
	} prev;
	int passive_opens;	/* children opened by inbound SYNs */
	int next_passive_port;	/* where the next one's search starts */
};

/* No socket yet; ports as configured.  script is borrowed. */
void tc_conn_init(struct tc_conn *c, const struct tc_script *script, int bind_port,
		  int remote_port, int connect_port);
void tc_conn_destroy(struct tc_conn *c);

/* A new socket() (new_socket; udp: it is SOCK_DGRAM) or accept() made fd
 * the socket under test; a new socket also forgets the connection. */
void tc_conn_set_socket(struct tc_conn *c, int fd, bool new_socket, bool udp);
/* connect() on fd at now_ns (disconnect: connect(AF_UNSPEC)). */
void tc_conn_connect(struct tc_conn *c, int fd, bool disconnect, int64_t now_ns);
/* listen() ran on the socket under test. */
void tc_conn_listen(struct tc_conn *c);
/* The socket under test, or -1. */
int tc_conn_sut_fd(struct tc_conn *c);

/* Is a captured segment (already from the local to the remote address,
 * stamped ts) the connection's?  Learns the tuple of an active open from
 * the kernel's first SYN (or a UDP socket's first datagram). */
bool tc_conn_matches(struct tc_conn *c, const struct tc_segment *seg, int64_t ts);

/* An inbound segment's live numbers, from the script's line p. */
struct tc_conn_inbound {
	uint16_t sport, dport;
	uint32_t seq, ack;
};

/*
 * Prepare the inbound TCP segment of line p: fix the tuple at the first
 * inbound segment, open a new connection at a SYN to a listener (new
 * ISNs), learn the remote ISN from a SYN, map opts (a copy of p's
 * options: SACK edges, and a TS ecr through the TS mapping, interpolated
 * when ts_ecr_scaled) and the numbers into live space.  Returns 0, or -1
 * when a TS ecr matches no TS val the kernel sent (*bad_ecr: that ecr).
 */
int tc_conn_inbound(struct tc_conn *c, const struct tc_packet *p, bool ts_ecr_scaled,
		    struct tc_option *opts, struct tc_conn_inbound *out, uint32_t *bad_ecr);
/* The inbound TCP segment of script line `line`, prepared by
 * tc_conn_inbound as *in, went out: the TS.Recent model learns from it
 * (RFC 7323 4.3; a segment of another tuple is not the connection's). */
void tc_conn_inbound_sent(struct tc_conn *c, const struct tc_packet *p,
			  const struct tc_conn_inbound *in, int line);
/* The ports of an inbound UDP datagram of line p (fixing the tuple at
 * the first one). */
void tc_conn_inbound_udp(struct tc_conn *c, const struct tc_packet *p,
			 uint16_t *sport, uint16_t *dport);
/* The segment an inbound ICMP error of line p quotes: its ports (the
 * configured ones before there is a connection) and, for a quoted TCP
 * segment, its seq mapped into live space (0 otherwise). */
void tc_conn_icmp_quote(struct tc_conn *c, const struct tc_packet *p,
			uint16_t *lport, uint16_t *rport, uint32_t *seq);

/* Compare an outbound segment with the script's line (verify.h's
 * tc_verify_segment), then apply the checks vo turns on (TS ecr against
 * TS.Recent, TS val monotonic, the ISN of a connection on the 4-tuple of
 * the one before: reuse offset, clock), and learn from it: the local ISN,
 * the TS vals, SND.NXT, Last.ACK.sent. */
int tc_conn_verify(struct tc_conn *c, const struct tc_packet *exp,
		   const struct tc_segment *act, const struct tc_verify_opts *vo,
		   struct tc_mismatch *mm);
/* A live segment in script notation, through the mapping (tc_format_live). */
void tc_conn_format_live(struct tc_conn *c, const struct tc_segment *seg,
			 struct strbuf *out);

#endif
