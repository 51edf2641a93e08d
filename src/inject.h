/*
 * inject.h: send crafted frames onto the wire-side veth with libnet.
 *
 * Open it inside the wire namespace (see tc_netns_in_wire); the libnet
 * context keeps that namespace afterwards.  A frame above the device's MTU
 * (or with more payload than gso_size) goes as one GSO packet, so the
 * kernel under test receives it whole, as from GRO (inject.c says how).  Every field of a tc_wire_tcp is
 * sent exactly as given; the IPv4 header and TCP checksums are computed.
 * One context; not thread-safe (the engine's main thread injects).
 */
#ifndef TC_INJECT_H
#define TC_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tc_error;
struct tc_encap;

/* A fully live TCP segment to send, over IPv4 or IPv6. */
struct tc_wire_tcp {
	uint8_t src_mac[6], dst_mac[6];
	bool ipv6;			/* src6/dst6 and an IPv6 header */
	uint32_t src_ip, dst_ip;	/* IPv4, network byte order */
	uint8_t src6[16], dst6[16];	/* IPv6 */
	uint8_t tos, ttl;		/* IPv6: traffic class, hop limit */
	uint16_t ip_id;			/* IPv4 only */
	uint32_t flowlabel;		/* IPv6 only: 20 bits */
	uint16_t sport, dport;		/* host byte order */
	uint32_t seq, ack;		/* host byte order */
	uint16_t flags;			/* TC_TH_*, AE included */
	uint16_t win, urg;
	const uint8_t *opts;		/* already a multiple of 4 bytes */
	size_t opts_len;
	uint32_t payload_len;		/* that many zero bytes */
	const struct tc_encap *encap;	/* outer headers, outermost first */
	int n_encap;
	uint16_t gso_size;		/* a payload longer than this goes as GSO
					 * of this segment size; 0: only a frame
					 * above the MTU, by the MTU */
};

struct tc_inject;

int tc_inject_open(const char *ifname, struct tc_inject **out,
		   struct tc_error *err);

/* Build and send one frame; *ts_ns (if non-NULL) gets CLOCK_REALTIME
 * right after the send.  The kernel under test usually processes the frame
 * inside the send, so its reply's capture time can precede *ts_ns by some
 * microseconds.  Bad option or payload lengths, or a failed send, return
 * -1 with err (TC_ERR_ENV). */
int tc_inject_tcp(struct tc_inject *inj, const struct tc_wire_tcp *seg,
		  int64_t *ts_ns, struct tc_error *err);

/* Send an ICMP (IPv4) or ICMPv6 message, len bytes already complete with
 * their checksum, in an IP header made from ip's Ethernet and IP fields
 * (its TCP fields are not used).  As tc_inject_tcp() otherwise. */
int tc_inject_icmp(struct tc_inject *inj, const struct tc_wire_tcp *ip,
		   const uint8_t *icmp, size_t len, int64_t *ts_ns,
		   struct tc_error *err);

/* Send a UDP datagram sport > dport with payload_len zero bytes, in an IP
 * header made from ip's Ethernet and IP fields.  As tc_inject_tcp()
 * otherwise. */
int tc_inject_udp(struct tc_inject *inj, const struct tc_wire_tcp *ip,
		  uint16_t sport, uint16_t dport, uint32_t payload_len,
		  int64_t *ts_ns, struct tc_error *err);

/* The bytes of the last frame tc_inject_tcp() or tc_inject_icmp() sent (for pcap output),
 * owned by inj and valid until its next call; NULL (*len 0) before any. */
const uint8_t *tc_inject_last_frame(const struct tc_inject *inj, size_t *len);

/* When (CLOCK_REALTIME ns) the last frame's write to the packet socket
 * began; its return is the call's *ts_ns.  For phase.h's records. */
int64_t tc_inject_last_write_ns(const struct tc_inject *inj);

/* Until t (CLOCK_REALTIME ns; 0: no longer), hold each frame, once
 * built, and write it at t: a caller woken early builds in the meantime
 * and the write goes at the instant it is due (a spin, so t must be
 * near). */
void tc_inject_hold_until(struct tc_inject *inj, int64_t t);

void tc_inject_close(struct tc_inject *inj);

#endif
