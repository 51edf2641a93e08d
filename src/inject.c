/*
 * inject.c: see inject.h.
 *
 * The TCP header is built here, byte by byte, and handed to libnet as the
 * payload of its IPv4 or IPv6 builder (protocol / next header 6):
 * libnet_build_tcp() takes an 8-bit control field (no AE, no reserved
 * bits), derives the data offset itself and pads options on its own terms,
 * while a script must be able to send every field exactly as written.  The
 * TCP checksum is therefore ours (codec.c's tc_tcp_csum(), over the IPv4 or
 * IPv6 pseudo-header); libnet fills in the IPv4 header checksum and the
 * Ethernet header.  The context is LIBNET_LINK_ADV so the
 * assembled frame can be culled, written with libnet_adv_write_link() and
 * kept for tc_inject_last_frame(): what is recorded is what was sent.
 *
 * libnet 1.1.6 opens its PF_PACKET socket with ETH_P_ALL and never reads
 * it, so it would queue a copy of every frame on the wire until its buffer
 * fills; a drop-all socket filter keeps it a send-only socket.
 *
 * Frames above the MTU.  Scripts inject segments bigger than the MTU
 * (`< . 1:20001(20000)`): packetdrill writes them to a tun device, which
 * takes any size.  A packet socket refuses a frame above the device's MTU
 * (EMSGSIZE), and veth would drop it anyway on the way to its peer
 * (is_skb_forwardable()) -- unless the skb is GSO.  So a frame whose IP
 * packet exceeds wire0's MTU goes out, the same libnet-built bytes, on a
 * second packet socket of ours with PACKET_VNET_HDR, behind a
 * virtio_net_hdr that marks it GSO: gso_type TCPV4/TCPV6, gso_size the
 * payload of a full-MTU segment with this header (as a GRO'd train of
 * MTU-sized segments would say), and NEEDS_CSUM over the TCP header (a GSO
 * skb must be CHECKSUM_PARTIAL to leave wire0 whole; the checksum field
 * then holds the pseudo-header sum, as such an skb carries).  wire0 has TSO,
 * so the skb is not segmented on transmit; veth forwards it whole, and the
 * kernel under test receives one segment, as from GRO.  The recorded frame
 * carries the full checksum: what the cable would show.
 */
#include "inject.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <time.h>

#include <libnet.h>

#include "codec.h"
#include "error.h"
#include "script.h"
#include "xalloc.h"

#define TCP_HDR_LEN 20
#define IP_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define ETH_HDR_LEN 14
#define IP_MAX_LEN 65535
#define TCP_MAX_LEN (IP_MAX_LEN - IP_HDR_LEN)
#define TCP_MAX_LEN6 65535	/* an IPv6 payload without a jumbogram */
#define NET_SKB_PAD 64		/* the kernel's headroom for received skbs */
#define SKB_SHINFO_SIZE 320	/* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), x86-64 */

struct tc_inject {
	libnet_t *l;
	char ifname[IFNAMSIZ];
	int gso_fd;			/* PACKET_VNET_HDR socket, for frames above the MTU */
	int ifindex, mtu;		/* of ifname */
	uint8_t tcp[TCP_MAX_LEN6];		/* the segment being built */
	uint8_t frame[ETH_HDR_LEN + IPV6_HDR_LEN + TCP_MAX_LEN6]; /* the last frame sent */
	size_t frame_len;
	int64_t write_ns;		/* when the last frame's write began */
	int64_t hold_ns;		/* no write before this (0: none) */
};

/* libnet's messages end with a newline; ours do not. */
static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static int libnet_fail(struct tc_inject *inj, const char *what,
		       struct tc_error *err)
{
	char msg[LIBNET_ERRBUF_SIZE];

	snprintf(msg, sizeof(msg), "%s", libnet_geterror(inj->l));
	chomp(msg);
	return tc_error_set(err, TC_ERR_ENV, "%s: %s", what,
			    *msg ? msg : strerror(errno));
}

/* Make libnet's socket deaf: it is only ever written to. */
static int deafen(int fd, const char *ifname, struct tc_error *err)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	char junk[64];

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot filter the injection socket on '%s': %s",
				    ifname, strerror(errno));
	/* Whatever arrived before the filter. */
	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
	return 0;
}

/* The socket for frames above the MTU (see the top of this file).
 * Protocol 0: it receives nothing. */
static int open_gso(struct tc_inject *inj, struct tc_error *err)
{
	struct ifreq ifr;
	int one = 1;

	inj->gso_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (inj->gso_fd < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot open a packet socket on '%s': %s",
				    inj->ifname, strerror(errno));
	if (setsockopt(inj->gso_fd, SOL_PACKET, PACKET_VNET_HDR, &one,
		       sizeof(one)) < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot set PACKET_VNET_HDR on a packet socket: %s",
				    strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, inj->ifname, sizeof(ifr.ifr_name));
	if (ioctl(inj->gso_fd, SIOCGIFMTU, &ifr) < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot read the MTU of '%s': %s",
				    inj->ifname, strerror(errno));
	inj->mtu = ifr.ifr_mtu;
	inj->ifindex = (int)if_nametoindex(inj->ifname);
	if (!inj->ifindex)
		return tc_error_set(err, TC_ERR_ENV, "no interface '%s': %s",
				    inj->ifname, strerror(errno));
	return 0;
}

int tc_inject_open(const char *ifname, struct tc_inject **out,
		   struct tc_error *err)
{
	char ebuf[LIBNET_ERRBUF_SIZE] = "";
	struct tc_inject *inj;

	*out = NULL;
	inj = xcalloc(1, sizeof(*inj));
	inj->gso_fd = -1;
	if (strlen(ifname) >= sizeof(inj->ifname)) {
		free(inj);
		return tc_error_set(err, TC_ERR_ENV, "interface name '%s' is too long",
				    ifname);
	}
	snprintf(inj->ifname, sizeof(inj->ifname), "%s", ifname);
	inj->l = libnet_init(LIBNET_LINK_ADV, ifname, ebuf);
	if (!inj->l) {
		chomp(ebuf);
		free(inj);
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot inject on '%s': %s", ifname,
				    *ebuf ? ebuf : "libnet_init failed");
	}
	if (deafen(libnet_getfd(inj->l), ifname, err) < 0 ||
	    open_gso(inj, err) < 0) {
		tc_inject_close(inj);
		return -1;
	}
	*out = inj;
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Lay the segment out in inj->tcp; returns its length or -1. */
static int build_tcp(struct tc_inject *inj, const struct tc_wire_tcp *seg,
		     struct tc_error *err)
{
	uint8_t *t = inj->tcp;
	size_t hdr = TCP_HDR_LEN + seg->opts_len;
	size_t len = hdr + seg->payload_len;
	size_t max = seg->ipv6 ? TCP_MAX_LEN6 : TCP_MAX_LEN;

	if (seg->opts_len % 4 || seg->opts_len > 40 ||
	    (seg->opts_len && !seg->opts))
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot send %zu bytes of TCP options: a multiple of 4, at most 40, is needed",
				    seg->opts_len);
	if (seg->payload_len > max || len > max)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot send a %u-byte payload: an %s packet holds at most %zu after these headers",
				    seg->payload_len, seg->ipv6 ? "IPv6" : "IPv4",
				    max - hdr);

	put16(t, seg->sport);
	put16(t + 2, seg->dport);
	put32(t + 4, seg->seq);
	put32(t + 8, seg->ack);
	/* Data offset, then the 4 bits above the classic 8 flags: AE (0x100)
	 * and the three still reserved (RFC 9293 §3.1, RFC 3168 + AccECN). */
	t[12] = (uint8_t)((hdr / 4) << 4 | ((seg->flags >> 8) & 0x0f));
	t[13] = (uint8_t)seg->flags;
	put16(t + 14, seg->win);
	put16(t + 16, 0);
	put16(t + 18, seg->urg);
	if (seg->opts_len)
		memcpy(t + TCP_HDR_LEN, seg->opts, seg->opts_len);
	memset(t + hdr, 0, seg->payload_len);

	if (seg->ipv6)
		put16(t + 16, tc_tcp_csum(6, seg->src6, seg->dst6, t, len));
	else
		put16(t + 16, tc_tcp_csum(4, (const uint8_t *)&seg->src_ip,
					  (const uint8_t *)&seg->dst_ip, t, len));
	return (int)len;
}

/*
 * How much of a GSO frame of len bytes (Ethernet header included) goes in
 * the skb's linear part: hdr_len, which packet_snd() takes as the linear
 * size.  A tun device (packetdrill's) puts at most SKB_MAX_HEAD(NET_SKB_PAD)
 * bytes of the IP packet there (a page less the pad and the shared info:
 * 3712 on x86-64) and the rest in page frags; the same split here gives
 * the kernel under test an skb of the same truesize (a 9000-byte segment:
 * 12544 rather than 13120 with only the headers linear), and so the same
 * receive-memory accounting, window growth and advertised windows.
 * (Frames under a page the kernel makes linear whatever hdr_len says.)
 */
static size_t gso_linear(size_t len, size_t hdrs)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t max_head = (size_t)(page > 0 ? page : 4096) - NET_SKB_PAD - SKB_SHINFO_SIZE;
	size_t ip_len = len - ETH_HDR_LEN;

	if (ip_len > max_head)
		ip_len = max_head;
	if (ip_len < hdrs)
		ip_len = hdrs;
	return ETH_HDR_LEN + ip_len;
}

/*
 * Send frame (an Ethernet frame of IPv4 or IPv6 + TCP, l3_len bytes of IP
 * packet after ip_hdr_len bytes of IP header and tcp_hdr_len of TCP
 * header, carrying its full TCP checksum) as one GSO skb.  The frame's
 * checksum field is set to the pseudo-header sum for the send and put back.
 */
static ssize_t send_gso(struct tc_inject *inj, uint8_t *frame, size_t len,
			bool ipv6, size_t ip_hdr_len, size_t tcp_hdr_len,
			uint16_t gso_size)
{
	struct virtio_net_hdr vh;
	struct sockaddr_ll sll;
	struct iovec iov[2];
	struct msghdr msg;
	uint8_t *t = frame + ETH_HDR_LEN + ip_hdr_len;
	size_t tcp_len = len - ETH_HDR_LEN - ip_hdr_len;
	uint16_t full = (uint16_t)(t[16] << 8 | t[17]), data;
	uint32_t sum;
	ssize_t n;

	/* fold(pseudo) = ~full - fold(data), in ones' complement: the data
	 * sum is over the segment with its checksum field zero. */
	put16(t + 16, 0);
	data = tc_inet_csum(t, tcp_len);	/* ~fold(data) */
	sum = (uint32_t)(uint16_t)~full + data;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(t + 16, (uint16_t)sum);

	/* Legacy virtio header: native byte order (the kernel's vio_le()). */
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = (uint16_t)gso_linear(len, ip_hdr_len + tcp_hdr_len);
	vh.gso_size = gso_size;
	vh.csum_start = (uint16_t)(ETH_HDR_LEN + ip_hdr_len);
	vh.csum_offset = 16;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = inj->ifindex;
	sll.sll_protocol = htons(ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, frame, 6);
	iov[0].iov_base = &vh;
	iov[0].iov_len = sizeof(vh);
	iov[1].iov_base = frame;
	iov[1].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sll;
	msg.msg_namelen = sizeof(sll);
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	n = sendmsg(inj->gso_fd, &msg, 0);
	put16(t + 16, full);
	if (n < 0)
		return -1;
	return n - (ssize_t)sizeof(vh);
}

/* What the header being wrapped is, for the protocol field around it. */
enum wrapped { W_IPV4, W_IPV6, W_GRE, W_MPLS };

static uint8_t wrapped_proto(enum wrapped w)
{
	static const uint8_t proto[] = { [W_IPV4] = 4, [W_IPV6] = 41, [W_GRE] = 47,
					 [W_MPLS] = 137 };

	return proto[w];
}

static uint16_t wrapped_ethertype(enum wrapped w)
{
	static const uint16_t type[] = { [W_IPV4] = ETHERTYPE_IP,
					 [W_IPV6] = ETHERTYPE_IPV6,
					 [W_GRE] = 0, [W_MPLS] = 0x8847 };

	return type[w];
}

/*
 * The outer headers of seg around the IP packet of *len bytes just built
 * (innermost first, as libnet stacks its blocks): each IP header's
 * protocol, GRE's protocol type and each length say what they carry.
 * *len grows by their size; *ethertype gets the outermost's.  libnet
 * fills in IPv4 header checksums, and GRE's when the checksum bit is set
 * and the script's sum is 0.
 */
static int build_encaps(struct tc_inject *inj, const struct tc_wire_tcp *seg,
			size_t *len, uint16_t *ethertype, struct tc_error *err)
{
	enum wrapped inner = seg->ipv6 ? W_IPV6 : W_IPV4;

	for (int i = seg->n_encap - 1; i >= 0; i--) {
		const struct tc_encap *e = &seg->encap[i];
		uint8_t tos = e->tos >= 0 ? (uint8_t)e->tos : 0;
		uint8_t ttl = e->ttl >= 0 ? (uint8_t)e->ttl : 255;
		size_t add = e->type == TC_ENCAP_IPV4 ? IP_HDR_LEN :
			     e->type == TC_ENCAP_IPV6 ? IPV6_HDR_LEN :
			     e->type == TC_ENCAP_GRE ? libnet_getgre_length(e->gre.flags) :
			     4 * (size_t)e->n_mpls;
		struct libnet_in6_addr src6, dst6;
		uint32_t src4, dst4;
		int rc = 0;

		if (*len + add > IP_MAX_LEN)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "an encapsulated packet of %zu bytes does not fit in an IP packet",
					    *len + add);
		switch (e->type) {
		case TC_ENCAP_IPV4:
			memcpy(&src4, e->src, 4);
			memcpy(&dst4, e->dst, 4);
			rc = libnet_build_ipv4((uint16_t)(add + *len), tos, 0, 0, ttl,
					       wrapped_proto(inner), 0, src4, dst4, NULL, 0,
					       inj->l, 0);
			inner = W_IPV4;
			break;
		case TC_ENCAP_IPV6:
			memcpy(&src6, e->src, 16);
			memcpy(&dst6, e->dst, 16);
			rc = libnet_build_ipv6(tos, 0, (uint16_t)*len, wrapped_proto(inner), ttl,
					       src6, dst6, NULL, 0, inj->l, 0);
			inner = W_IPV6;
			break;
		case TC_ENCAP_GRE:
			rc = libnet_build_gre(e->gre.flags, wrapped_ethertype(inner), e->gre.sum,
					      e->gre.off, e->gre.key, e->gre.seq,
					      (uint16_t)(add + *len), NULL, 0, inj->l, 0);
			inner = W_GRE;
			break;
		case TC_ENCAP_MPLS:
			for (int k = e->n_mpls - 1; k >= 0 && rc >= 0; k--) {
				uint32_t m = e->mpls[k];

				rc = libnet_build_mpls(m >> 12, (m >> 9) & 7, (m >> 8) & 1,
						       m & 0xff, NULL, 0, inj->l, 0);
			}
			inner = W_MPLS;
			break;
		}
		if (rc < 0)
			return libnet_fail(inj, "cannot build an encapsulation header", err);
		*len += add;
	}
	*ethertype = wrapped_ethertype(inner);
	return 0;
}

/*
 * Put the IP (the addresses, tos, ttl, id, flow label of seg) and Ethernet
 * headers around len bytes of l4 (protocol proto), then seg's outer
 * headers, and send the frame.
 * A TCP segment (proto 6) above the MTU, or with more payload than
 * seg->gso_size, goes as GSO.
 */
static int send_ip(struct tc_inject *inj, const struct tc_wire_tcp *seg,
		   uint8_t proto, const uint8_t *l4, int len, int64_t *ts_ns,
		   struct tc_error *err)
{
	uint8_t *pkt = NULL;
	uint32_t pkt_len = 0;
	struct timespec ts;
	size_t ip_hdr = seg->ipv6 ? IPV6_HDR_LEN : IP_HDR_LEN;
	uint16_t gso_size = 0, ethertype = seg->ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP;
	size_t all = ip_hdr + (size_t)len;
	int n, ret = -1;

	libnet_clear_packet(inj->l);
	if (seg->ipv6) {
		struct libnet_in6_addr src, dst;

		memcpy(&src, seg->src6, 16);
		memcpy(&dst, seg->dst6, 16);
		/* len: the payload length field (libnet 1.1.6 stores it as
		 * given); checked against the frame below. */
		if (libnet_build_ipv6(seg->tos, seg->flowlabel & 0xfffff,
				      (uint16_t)len, proto, seg->ttl, src,
				      dst, l4, (uint32_t)len, inj->l, 0) < 0)
			return libnet_fail(inj, "cannot build the IPv6 header", err);
	} else {
		/* frag 0: no DF, as packetdrill sends; checksum 0: libnet's. */
		if (libnet_build_ipv4((uint16_t)(IP_HDR_LEN + len), seg->tos,
				      seg->ip_id, 0, seg->ttl, proto, 0,
				      seg->src_ip, seg->dst_ip, l4,
				      (uint32_t)len, inj->l, 0) < 0)
			return libnet_fail(inj, "cannot build the IPv4 header", err);
	}
	if (build_encaps(inj, seg, &all, &ethertype, err) < 0)
		return -1;
	if (libnet_build_ethernet(seg->dst_mac, seg->src_mac, ethertype,
				  NULL, 0, inj->l, 0) < 0)
		return libnet_fail(inj, "cannot build the Ethernet header", err);
	if (libnet_adv_cull_packet(inj->l, &pkt, &pkt_len) < 0)
		return libnet_fail(inj, "cannot assemble the frame", err);
	if (pkt_len != ETH_HDR_LEN + all ||
	    (seg->ipv6 && !seg->n_encap && (pkt[ETH_HDR_LEN + 4] != (uint8_t)(len >> 8) ||
					    pkt[ETH_HDR_LEN + 5] != (uint8_t)len))) {
		tc_error_set(err, TC_ERR_ENV,
			     "libnet built a bad frame (%u bytes for a %d-byte payload)",
			     pkt_len, len);
		goto out;
	}
	errno = 0;
	if (proto == IPPROTO_TCP && !seg->n_encap && seg->payload_len > seg->gso_size)
		gso_size = seg->gso_size;
	if (proto == IPPROTO_TCP && !seg->n_encap && !gso_size && pkt_len - ETH_HDR_LEN > (uint32_t)inj->mtu &&
	    inj->mtu > (int)(ip_hdr + TCP_HDR_LEN + seg->opts_len))
		/* The payload of a full-MTU segment with these headers:
		 * always less than this one's. */
		gso_size = (uint16_t)(inj->mtu - (int)(ip_hdr + TCP_HDR_LEN + seg->opts_len));
	do {
		clock_gettime(CLOCK_REALTIME, &ts);
		inj->write_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	} while (inj->write_ns < inj->hold_ns);
	if (gso_size)
		n = (int)send_gso(inj, pkt, pkt_len, seg->ipv6, ip_hdr,
				  TCP_HDR_LEN + seg->opts_len, gso_size);
	else
		n = libnet_adv_write_link(inj->l, pkt, pkt_len);
	if (n < 0 || (uint32_t)n != pkt_len) {
		/* sendto()'s errno says it better than libnet's wrapping. */
		if (n < 0 && errno)
			tc_error_set(err, TC_ERR_ENV,
				     "cannot send a %u-byte frame on '%s': %s",
				     pkt_len, inj->ifname, strerror(errno));
		else
			tc_error_set(err, TC_ERR_ENV,
				     "cannot send a %u-byte frame on '%s': %d bytes went out",
				     pkt_len, inj->ifname, n);
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts_ns)
		*ts_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	inj->frame_len = pkt_len <= sizeof(inj->frame) ? pkt_len : sizeof(inj->frame);
	memcpy(inj->frame, pkt, inj->frame_len);
	ret = 0;
out:
	libnet_adv_free_packet(inj->l, pkt);
	return ret;
}

int tc_inject_tcp(struct tc_inject *inj, const struct tc_wire_tcp *seg,
		  int64_t *ts_ns, struct tc_error *err)
{
	int len = build_tcp(inj, seg, err);

	if (len < 0)
		return -1;
	return send_ip(inj, seg, IPPROTO_TCP, inj->tcp, len, ts_ns, err);
}

int tc_inject_icmp(struct tc_inject *inj, const struct tc_wire_tcp *ip,
		   const uint8_t *icmp, size_t len, int64_t *ts_ns,
		   struct tc_error *err)
{
	if (len > TCP_MAX_LEN)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot send a %zu-byte ICMP message", len);
	return send_ip(inj, ip, ip->ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
		       icmp, (int)len, ts_ns, err);
}

int tc_inject_udp(struct tc_inject *inj, const struct tc_wire_tcp *ip,
		  uint16_t sport, uint16_t dport, uint32_t payload_len,
		  int64_t *ts_ns, struct tc_error *err)
{
	size_t len = 8 + (size_t)payload_len;
	uint8_t *u;
	int rc;

	if (len > TCP_MAX_LEN)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "a UDP datagram of %u bytes does not fit in an IP packet",
				    payload_len);
	u = xcalloc(1, len);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)len);
	if (ip->ipv6)
		put16(u + 6, tc_udp_csum(6, ip->src6, ip->dst6, u, len));
	else
		put16(u + 6, tc_udp_csum(4, (const uint8_t *)&ip->src_ip,
					 (const uint8_t *)&ip->dst_ip, u, len));
	rc = send_ip(inj, ip, IPPROTO_UDP, u, (int)len, ts_ns, err);
	free(u);
	return rc;
}

const uint8_t *tc_inject_last_frame(const struct tc_inject *inj, size_t *len)
{
	*len = inj->frame_len;
	return inj->frame_len ? inj->frame : NULL;
}

int64_t tc_inject_last_write_ns(const struct tc_inject *inj)
{
	return inj->write_ns;
}

void tc_inject_hold_until(struct tc_inject *inj, int64_t t)
{
	inj->hold_ns = t;
}

void tc_inject_close(struct tc_inject *inj)
{
	if (!inj)
		return;
	if (inj->l)
		libnet_destroy(inj->l);
	if (inj->gso_fd >= 0)
		close(inj->gso_fd);
	free(inj);
}
