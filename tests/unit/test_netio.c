/*
 * Unit tests for netns.c, inject.c and sniff.c: the namespaces and the
 * veth between them, a real handshake with the kernel through libnet and
 * libpcap, exact injected bytes, sysctls, and that the host is untouched.
 *
 * Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW).  Every test runs
 * in a forked child, which makes its own namespaces; the parent stays in
 * the host namespace and checks, after each child, that no tun0 or wire0
 * appeared there and that the host's sysctl kept its value.
 */
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "error.h"
#include "fsutil.h"
#include "inject.h"
#include "netns.h"
#include "sniff.h"

#define LOCAL_IP "192.168.0.1"
#define REMOTE_IP "192.0.2.1"
#define NS_PER_S 1000000000LL

static const struct tc_netns_config cfg = {
	.dev_name = "tun0",
	.wire_name = "wire0",
	.family = AF_INET,
	.local_ip = LOCAL_IP,
	.local_prefix = 16,
	.remote_ip = REMOTE_IP,
	.remote_prefix = 24,
	.gateway_ip = "192.168.0.2",
	.mtu = 0,
};

/* tun0 without TSO and tx checksumming (--no_tso): what a NIC without
 * offloads puts on the cable. */
static struct tc_netns_config no_tso(void)
{
	struct tc_netns_config c = cfg;

	c.no_tso = true;
	return c;
}

/* <mss 1460,sackOK,nop,nop,nop,wscale 7> */
static const uint8_t syn_opts[] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x01,
	0x01, 0x03, 0x03, 0x07,
};

static char host_syn_retries[32];	/* the host's value, read before any test */

/* ---- helpers -------------------------------------------------------- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static int read_file(const char *path, char *buf, size_t cap)
{
	long n = tc_read_head(path, buf, cap);

	if (n < 0)
		return -1;
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static ino_t ns_ino(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071, written independently of inject.c's. */
static uint16_t csum(const uint8_t *pseudo, size_t plen, const uint8_t *p,
		     size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < plen; i += 2)
		s += (uint32_t)pseudo[i] << 8 | pseudo[i + 1];
	for (size_t i = 0; i < len; i++)
		s += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Checksum of an IPv4 header, or over a TCP segment with its pseudo-header:
 * 0 when the stored checksum is right. */
static uint16_t ip_csum(const uint8_t *ip)
{
	return csum(NULL, 0, ip, (size_t)(ip[0] & 0x0f) * 4);
}

static uint16_t tcp_csum(const uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t tlen = be16(ip + 2) - ihl;
	uint8_t pseudo[12];

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pseudo[10] = (uint8_t)(tlen >> 8);
	pseudo[11] = (uint8_t)tlen;
	return csum(pseudo, sizeof(pseudo), ip + ihl, tlen);
}

/* A captured TCP/IPv4 frame, fields in host order. */
struct frame {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t src, dst;	/* network order */
	uint16_t sport, dport, win;
	uint32_t seq, ack;
	uint16_t flags;
	const uint8_t *ip;
};

/* Only what these tests send and receive; bounds checked. */
static bool parse(const uint8_t *b, size_t len, struct frame *f)
{
	size_t ihl;

	if (len < 14 + 20 || be16(b + 12) != 0x0800 || (b[14] >> 4) != 4)
		return false;
	ihl = (size_t)(b[14] & 0x0f) * 4;
	if (ihl < 20 || b[14 + 9] != 6 || len < 14 + ihl + 20 ||
	    len < 14 + (size_t)be16(b + 16))
		return false;
	memcpy(f->dst_mac, b, 6);
	memcpy(f->src_mac, b + 6, 6);
	f->ip = b + 14;
	memcpy(&f->src, b + 14 + 12, 4);
	memcpy(&f->dst, b + 14 + 16, 4);
	b += 14 + ihl;
	f->sport = be16(b);
	f->dport = be16(b + 2);
	f->seq = be32(b + 4);
	f->ack = be32(b + 8);
	f->flags = (uint16_t)((b[12] & 0x0f) << 8 | b[13]);
	f->win = be16(b + 14);
	return true;
}

static void print_err(const struct tc_error *err)
{
	printf("# error: %s\n", err->msg);
	if (*err->detail)
		printf("# detail: %s", err->detail);
}

/*
 * Run fn in a forked child (own namespaces, own leaks), count its failed
 * checks here, then check that the host namespace did not change.
 */
static void in_child(void (*fn)(void))
{
	char v[32];
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		CHECK(!"fork");
		return;
	}
	if (pid == 0) {
		tap_failed_checks = 0;
		fn();
		fflush(stdout);
		exit(tap_failed_checks > 100 ? 100 : tap_failed_checks);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFSIGNALED(status)) {
		printf("# child killed by signal %d\n", WTERMSIG(status));
		tap_failed_checks++;
	} else {
		tap_failed_checks += WEXITSTATUS(status);
	}
	/* The host namespace, from the parent that never left it. */
	CHECK_INT(if_nametoindex("tun0"), 0);
	CHECK_INT(if_nametoindex("wire0"), 0);
	CHECK(read_file("/proc/sys/net/ipv4/tcp_syn_retries", v, sizeof(v)) == 0);
	CHECK_STR(v, host_syn_retries);
}

/* Both wire-side handles, opened in the wire namespace. */
struct wire {
	const char *filter;
	struct tc_sniff *sn;
	struct tc_inject *inj;
};

static int open_wire(void *arg, struct tc_error *err)
{
	struct wire *w = arg;

	if (tc_sniff_open("wire0", w->filter, &w->sn, err) < 0)
		return -1;
	return tc_inject_open("wire0", &w->inj, err);
}

static void close_wire(struct wire *w)
{
	tc_inject_close(w->inj);
	tc_sniff_close(w->sn);
}

static struct tc_wire_tcp seg_to_kernel(const struct tc_netns *ns, uint16_t sport,
					uint16_t dport, uint16_t flags,
					uint32_t seq, uint32_t ack)
{
	struct tc_wire_tcp s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, tc_netns_wire_mac(ns), 6);
	memcpy(s.dst_mac, tc_netns_dev_mac(ns), 6);
	s.src_ip = ip4(REMOTE_IP);
	s.dst_ip = ip4(LOCAL_IP);
	s.ttl = 64;
	s.ip_id = 1;
	s.sport = sport;
	s.dport = dport;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 32792;
	return s;
}

static int listener(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	a.sin_addr.s_addr = ip4(LOCAL_IP);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		printf("# listener: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int accept_within(int lfd, int ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return accept(lfd, NULL, NULL);
}

/*
 * SYN from REMOTE_IP:sport to LOCAL_IP:8080, expect the SYN-ACK, send the
 * final ACK, accept.  Returns the accepted fd or -1.
 */
static int handshake(struct tc_netns *ns, struct wire *w, int lfd,
		     uint16_t sport, uint16_t win)
{
	struct tc_wire_tcp s = seg_to_kernel(ns, sport, 8080, 0x02, 1000, 0);
	struct tc_error err;
	struct frame f;
	uint8_t buf[2048];
	size_t len = 0;
	int64_t sent = 0, ts = 0;
	int rc;

	tc_error_clear(&err);
	s.opts = syn_opts;
	s.opts_len = sizeof(syn_opts);
	s.win = win;
	if (tc_inject_tcp(w->inj, &s, &sent, &err) < 0) {
		print_err(&err);
		return -1;
	}
	rc = tc_sniff_next(w->sn, now_ns() + NS_PER_S, buf, sizeof(buf), &len, &ts, &err);
	CHECK_INT(rc, 1);
	if (rc != 1 || !parse(buf, len, &f)) {
		CHECK(!"a TCP/IPv4 SYN-ACK");
		return -1;
	}
	CHECK_INT(f.flags, 0x12);
	CHECK_INT(f.ack, 1001);
	s = seg_to_kernel(ns, sport, 8080, 0x10, 1001, f.seq + 1);
	s.win = win;
	if (tc_inject_tcp(w->inj, &s, NULL, &err) < 0) {
		print_err(&err);
		return -1;
	}
	return accept_within(lfd, 1000);
}

/* ---- tests ---------------------------------------------------------- */

static int get_ifaddr(const char *dev, unsigned long req, struct in_addr *a)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	rc = ioctl(fd, req, &ifr);
	if (rc == 0)
		*a = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	else
		rc = -errno;
	close(fd);
	return rc;
}

static int get_ifflags(const char *dev, short *flags, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	*flags = ifr.ifr_flags;
	if (rc == 0)
		rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc;
}

struct wire_view {
	const struct tc_netns *ns;
	unsigned int wire_idx, tun_idx;
	short flags;
	uint8_t mac[6];
	int addr_rc;
	char v6[8];
};

static int look_at_wire(void *arg, struct tc_error *err)
{
	struct wire_view *v = arg;
	struct in_addr a;

	(void)err;
	v->wire_idx = if_nametoindex("wire0");
	v->tun_idx = if_nametoindex("tun0");
	get_ifflags("wire0", &v->flags, v->mac);
	v->addr_rc = get_ifaddr("wire0", SIOCGIFADDR, &a);
	read_file("/proc/sys/net/ipv6/conf/wire0/disable_ipv6", v->v6, sizeof(v->v6));
	return 42;
}

static void links_body(void)
{
	struct tc_netns *ns = NULL;
	struct tc_error err;
	struct wire_view v = { 0 };
	struct in_addr a;
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	uint8_t mac[6], zero[6] = { 0 };
	char line[256], routes[4096];
	ino_t host = ns_ino();
	short flags;
	int fd;

	tc_error_clear(&err);
	if (tc_netns_open(&cfg, &ns, &err) < 0) {
		print_err(&err);
		CHECK(!"tc_netns_open");
		return;
	}
	CHECK(ns_ino() != host);
	/* Kernel-under-test side. */
	CHECK(if_nametoindex("tun0") > 0);
	CHECK_INT(if_nametoindex("wire0"), 0);
	CHECK(if_nametoindex("lo") > 0);
	CHECK_INT(get_ifaddr("tun0", SIOCGIFADDR, &a), 0);
	CHECK_STR(inet_ntoa(a), LOCAL_IP);
	CHECK_INT(get_ifaddr("tun0", SIOCGIFNETMASK, &a), 0);
	CHECK_STR(inet_ntoa(a), "255.255.0.0");
	CHECK_INT(get_ifflags("tun0", &flags, mac), 0);
	CHECK(flags & IFF_UP);
	CHECK(memcmp(mac, tc_netns_dev_mac(ns), 6) == 0);
	CHECK_INT(get_ifflags("lo", &flags, mac), 0);
	CHECK(flags & IFF_UP);
	CHECK(memcmp(tc_netns_dev_mac(ns), zero, 6) != 0);
	CHECK(memcmp(tc_netns_wire_mac(ns), zero, 6) != 0);
	CHECK(memcmp(tc_netns_dev_mac(ns), tc_netns_wire_mac(ns), 6) != 0);
	CHECK(read_file("/proc/sys/net/ipv6/conf/tun0/disable_ipv6", line, sizeof(line)) == 0);
	CHECK_STR(line, "1");
	/* The route: the kernel picks tun0's address toward the remote net. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	dst.sin_addr.s_addr = ip4("192.0.2.77");
	CHECK_INT(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	CHECK_INT(getsockname(fd, (struct sockaddr *)&src, &sl), 0);
	CHECK_STR(inet_ntoa(src.sin_addr), LOCAL_IP);
	close(fd);
	/* tun0 resolves no neighbours (NOARP), as a tun device does not. */
	CHECK_INT(get_ifflags("tun0", &flags, mac), 0);
	CHECK(flags & IFF_NOARP);
	/* The host route to the remote, through the gateway: in
	 * /proc/net/route, destination and gateway in network byte order
	 * printed as a host-order number, flags RTF_UP|RTF_GATEWAY|RTF_HOST. */
	CHECK(read_file("/proc/thread-self/net/route", routes, sizeof(routes)) == 0);
	{
		char dev[32];
		unsigned dst, gw, fl;
		const char *row = strchr(routes, '\n');
		int found = 0;

		while (row && sscanf(row + 1, "%31s %x %x %x", dev, &dst, &gw, &fl) == 4) {
			if (dst == ip4(REMOTE_IP)) {
				found++;
				CHECK_STR(dev, "tun0");
				CHECK(gw == ip4("192.168.0.2"));
				CHECK_INT(fl, 0x7);
			}
			row = strchr(row + 1, '\n');
		}
		CHECK_INT(found, 1);
	}

	/* Wire side: wire0 up, no address, the MAC we were told. */
	v.ns = ns;
	CHECK_INT(tc_netns_in_wire(ns, look_at_wire, &v, &err), 42);
	CHECK(v.wire_idx > 0);
	CHECK_INT(v.tun_idx, 0);
	CHECK(v.flags & IFF_UP);
	CHECK(memcmp(v.mac, tc_netns_wire_mac(ns), 6) == 0);
	CHECK_INT(v.addr_rc, -EADDRNOTAVAIL);
	CHECK_STR(v.v6, "1");
	/* ...and back on the kernel side. */
	CHECK(if_nametoindex("tun0") > 0);

	tc_netns_close(ns);
	CHECK(ns_ino() == host);
}

static void test_netio__open_makes_links_addresses_routes_noarp(void)
{
	in_child(links_body);
}

static void handshake_body(void)
{
	const struct tc_netns_config c_no_tso = no_tso();
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "tcp" };
	struct tc_error err;
	struct tc_wire_tcp s;
	struct frame f;
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	uint8_t buf[2048];
	size_t len = 0;
	int64_t sent = 0, ts = 0, mono;
	int lfd, afd, rc;

	tc_error_clear(&err);
	if (tc_netns_open(&c_no_tso, &ns, &err) < 0 ||
	    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
		print_err(&err);
		CHECK(!"open");
		goto out;
	}
	lfd = listener(8080);
	CHECK(lfd >= 0);

	s = seg_to_kernel(ns, 40000, 8080, 0x02, 1000, 0);
	s.opts = syn_opts;
	s.opts_len = sizeof(syn_opts);
	CHECK_INT(tc_inject_tcp(w.inj, &s, &sent, &err), 0);
	CHECK(llabs(sent - now_ns()) < NS_PER_S);

	rc = tc_sniff_next(w.sn, now_ns() + NS_PER_S, buf, sizeof(buf), &len, &ts, &err);
	mono = mono_ns();
	CHECK_INT(rc, 1);
	if (rc == 1) {
		CHECK(parse(buf, len, &f));
		/* NOARP: addressed to tun0's own MAC, as the kernel does
		 * when it resolves no neighbour. */
		CHECK(memcmp(f.dst_mac, tc_netns_dev_mac(ns), 6) == 0);
		CHECK(memcmp(f.src_mac, tc_netns_dev_mac(ns), 6) == 0);
		CHECK(f.src == ip4(LOCAL_IP));
		CHECK(f.dst == ip4(REMOTE_IP));
		CHECK_INT(f.sport, 8080);
		CHECK_INT(f.dport, 40000);
		CHECK_INT(f.flags, 0x12);
		CHECK_INT(f.ack, 1001);
		/* Filled-in checksums: no offload left them for hardware. */
		CHECK_INT(ip_csum(f.ip), 0);
		CHECK_INT(tcp_csum(f.ip), 0);
		/* Capture times are CLOCK_REALTIME, close to our send. */
		CHECK(llabs(ts - now_ns()) < NS_PER_S);
		CHECK(llabs(ts - sent) < NS_PER_S);
		CHECK(llabs(ts - mono) > 10 * NS_PER_S);
		printf("# SYN-ACK captured %+lld ns after tc_inject_tcp returned\n",
		       (long long)(ts - sent));

		s = seg_to_kernel(ns, 40000, 8080, 0x10, 1001, f.seq + 1);
		s.win = 257;
		CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
		afd = accept_within(lfd, 1000);
		CHECK(afd >= 0);
		if (afd >= 0) {
			CHECK_INT(getpeername(afd, (struct sockaddr *)&peer, &pl), 0);
			CHECK_STR(inet_ntoa(peer.sin_addr), REMOTE_IP);
			CHECK_INT(ntohs(peer.sin_port), 40000);
			close(afd);	/* the kernel's FIN is captured... */
		}
	}
	/* ...but none of our own frames, though they crossed wire0 too. */
	while ((rc = tc_sniff_next(w.sn, now_ns() + NS_PER_S / 5, buf, sizeof(buf),
				   &len, &ts, &err)) == 1) {
		CHECK(parse(buf, len, &f));
		CHECK(f.src == ip4(LOCAL_IP));
		CHECK_INT(f.sport, 8080);
	}
	CHECK_INT(rc, 0);
	if (lfd >= 0)
		close(lfd);
out:
	if (err.kind != TC_ERR_NONE)
		print_err(&err);
	close_wire(&w);
	tc_netns_close(ns);
}

static void test_netio__handshake_through_the_wire(void)
{
	in_child(handshake_body);
}

/*
 * What the kernel sends in bulk: with --no_tso MSS-sized and checksummed,
 * as on a cable; by default (TSO on, as packetdrill's tun) in TSO frames
 * larger than the MTU, their IPv4 header checksum filled in.
 */
static bool bulk_tso;

static void bulk_body(void)
{
	const struct tc_netns_config c_no_tso = no_tso();
	static uint8_t data[100000];
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "tcp and src port 8080" };
	struct tc_error err;
	struct frame f;
	uint8_t buf[70000];
	size_t len, maxlen = 0;
	int64_t ts;
	int lfd, afd, frames = 0, bad = 0, sub_us = 0;

	tc_error_clear(&err);
	if (tc_netns_open(bulk_tso ? &cfg : &c_no_tso, &ns, &err) < 0 ||
	    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
		print_err(&err);
		CHECK(!"open");
		goto out;
	}
	lfd = listener(8080);
	afd = handshake(ns, &w, lfd, 40002, 65535);
	CHECK(afd >= 0);
	if (afd >= 0) {
		CHECK(send(afd, data, sizeof(data), MSG_DONTWAIT) > 0);
		while (tc_sniff_next(w.sn, now_ns() + NS_PER_S / 2, buf, sizeof(buf),
				     &len, &ts, &err) == 1) {
			frames++;
			sub_us += ts % 1000 != 0;	/* nanosecond stamps */
			if (len > maxlen)
				maxlen = len;
			if (!parse(buf, len, &f) || ip_csum(f.ip) ||
			    (!bulk_tso && tcp_csum(f.ip)))
				bad++;
		}
		close(afd);
	}
	printf("# %d frames, largest %zu bytes\n", frames, maxlen);
	CHECK(frames >= 2);
	CHECK(sub_us > 0);
	if (bulk_tso)
		CHECK(maxlen > 14 + 1500);
	else
		CHECK(maxlen <= 14 + 1500);
	CHECK_INT(bad, 0);
	close(lfd);
out:
	close_wire(&w);
	tc_netns_close(ns);
}

static void test_netio__no_tso_frames_are_cable_sized(void)
{
	bulk_tso = false;
	in_child(bulk_body);
}

static void test_netio__tso_frames_are_larger_than_the_mtu(void)
{
	bulk_tso = true;
	in_child(bulk_body);
}

/* The namespaces, the wire's injector and a capture on tun0 (filter). */
static int open_all(struct tc_netns **ns, struct wire *w, const char *filter,
		    struct tc_sniff **tun, struct tc_error *err)
{
	tc_error_clear(err);
	if (tc_netns_open(&cfg, ns, err) < 0 ||
	    tc_netns_in_wire(*ns, open_wire, w, err) < 0 ||
	    tc_sniff_open("tun0", filter, tun, err) < 0) {
		print_err(err);
		CHECK(!"open");
		return -1;
	}
	return 0;
}

static void close_all(struct tc_error *err, struct tc_sniff *tun, struct wire *w,
		      struct tc_netns *ns)
{
	if (err->kind != TC_ERR_NONE)
		print_err(err);
	tc_sniff_close(tun);
	close_wire(w);
	tc_netns_close(ns);
}

/* Every field as given, checked on the kernel side of the veth. */
static void bytes_body(void)
{
	static const uint8_t opts[] = {
		0x01, 0x01, 0x08, 0x0a, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x07,
	};
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "tcp" };
	struct tc_sniff *tun = NULL;
	struct tc_error err;
	struct tc_wire_tcp s;
	uint8_t want[14 + 20 + 32 + 11], buf[2048], *ip, *t, pseudo[12];
	static uint8_t big[4096];
	const uint8_t *last;
	size_t len = 0, last_len;
	int64_t ts;
	int rc;

	if (open_all(&ns, &w, "tcp", &tun, &err) < 0)
		goto out;
	CHECK(tc_inject_last_frame(w.inj, &last_len) == NULL);
	s = seg_to_kernel(ns, 40001, 9, 0x1f8, 0xfffffff0, 0x12345678);
	s.tos = 0x02;
	s.ttl = 33;
	s.ip_id = 0xbeef;
	s.win = 0xabcd;
	s.urg = 0x0102;
	s.opts = opts;
	s.opts_len = sizeof(opts);
	s.payload_len = 11;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);

	memset(want, 0, sizeof(want));
	memcpy(want, tc_netns_dev_mac(ns), 6);
	memcpy(want + 6, tc_netns_wire_mac(ns), 6);
	want[12] = 0x08;
	ip = want + 14;
	ip[0] = 0x45;
	ip[1] = 0x02;
	ip[3] = 20 + 32 + 11;
	ip[4] = 0xbe;
	ip[5] = 0xef;
	ip[8] = 33;
	ip[9] = 6;
	memcpy(ip + 12, &s.src_ip, 4);
	memcpy(ip + 16, &s.dst_ip, 4);
	ip[10] = (uint8_t)(csum(NULL, 0, ip, 20) >> 8);
	ip[11] = (uint8_t)csum(NULL, 0, ip, 20);
	t = ip + 20;
	t[0] = 40001 >> 8, t[1] = 40001 & 0xff;
	t[3] = 9;
	t[4] = t[5] = t[6] = 0xff, t[7] = 0xf0;
	t[8] = 0x12, t[9] = 0x34, t[10] = 0x56, t[11] = 0x78;
	t[12] = 0x81;		/* doff 8 words, AE */
	t[13] = 0xf8;		/* CWR ECE URG ACK PSH */
	t[14] = 0xab, t[15] = 0xcd;
	t[18] = 0x01, t[19] = 0x02;
	memcpy(t + 20, opts, sizeof(opts));
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = 6, pseudo[10] = 0, pseudo[11] = 32 + 11;
	{
		uint16_t c = csum(pseudo, sizeof(pseudo), t, 32 + 11);

		t[16] = (uint8_t)(c >> 8);
		t[17] = (uint8_t)c;
	}

	last = tc_inject_last_frame(w.inj, &last_len);
	CHECK_INT(last_len, sizeof(want));
	CHECK(last && last_len == sizeof(want) && memcmp(last, want, sizeof(want)) == 0);
	rc = tc_sniff_next(tun, now_ns() + NS_PER_S, buf, sizeof(buf), &len, &ts, &err);
	CHECK_INT(rc, 1);
	CHECK_INT(len, sizeof(want));
	if (rc == 1 && len == sizeof(want) && memcmp(buf, want, len) != 0) {
		for (size_t i = 0; i < len; i++)
			if (buf[i] != want[i])
				printf("# byte %zu: got %02x want %02x\n", i, buf[i], want[i]);
		CHECK(!"captured bytes");
	}
	/* A truncated read gives what fits, no more. */
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	rc = tc_sniff_next(tun, now_ns() + NS_PER_S, buf, 20, &len, &ts, &err);
	CHECK_INT(rc, 1);
	CHECK_INT(len, 20);

	/* Above the MTU: one GSO packet, which tun0 receives whole.  The
	 * recorded frame has the full checksum; the one sent (and seen on
	 * tun0) the pseudo-header sum, as a CHECKSUM_PARTIAL skb carries. */
	s.opts_len = 0;
	s.payload_len = 2000;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	last = tc_inject_last_frame(w.inj, &last_len);
	CHECK_INT(last_len, 14 + 20 + 20 + 2000);
	rc = tc_sniff_next(tun, now_ns() + NS_PER_S, big, sizeof(big), &len, &ts, &err);
	CHECK_INT(rc, 1);
	CHECK_INT(len, 14 + 20 + 20 + 2000);
	if (rc == 1 && last && len == last_len) {
		const uint8_t *lt = last + 34, *bt = big + 34;
		uint16_t full = (uint16_t)(lt[16] << 8 | lt[17]);
		uint16_t part = (uint16_t)(bt[16] << 8 | bt[17]);
		uint8_t ps[12];

		CHECK(memcmp(last, big, 34 + 16) == 0);
		CHECK(memcmp(last + 34 + 18, big + 34 + 18, len - 34 - 18) == 0);
		CHECK_INT(csum(NULL, 0, last + 14, 20), 0);
		memcpy(ps, last + 14 + 12, 8);
		ps[8] = 0, ps[9] = 6, ps[10] = (uint8_t)(2020 >> 8), ps[11] = (uint8_t)2020;
		CHECK_INT(csum(ps, sizeof(ps), lt, 2020), 0);
		/* ~fold(pseudo) is the checksum of the pseudo-header alone. */
		CHECK_INT((uint16_t)~part, csum(ps, sizeof(ps), NULL, 0));
		CHECK(full != part);
	}
out:
	close_all(&err, tun, &w, ns);
}

static void test_netio__injected_bytes_are_exact(void)
{
	in_child(bytes_body);
}

/* Capture the next frame on tun0 and decode it. */
static int next_decoded(struct tc_sniff *tun, uint8_t *buf, size_t cap,
			struct tc_segment *seg, size_t *len)
{
	struct tc_error err;
	int64_t ts;

	tc_error_clear(&err);
	if (tc_sniff_next(tun, now_ns() + NS_PER_S, buf, cap, len, &ts, &err) != 1) {
		print_err(&err);
		return -1;
	}
	if (tc_decode_ether(buf, *len, seg, &err) < 0) {
		print_err(&err);
		return -1;
	}
	return 0;
}

/*
 * Outer headers around an injected segment, as the kernel side receives
 * them: IPv4 + GRE (checksum computed for sum 0, key, seq) + the segment;
 * a GRE checksum written out is sent as written; IPv6 + MPLS (two
 * labels) + the segment; an MPLS stack outermost (ethertype 0x8847).
 */
static void encap_body(void)
{
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "tcp" };
	struct tc_sniff *tun = NULL;
	struct tc_error err;
	struct tc_wire_tcp s;
	struct tc_encap e[2];
	struct tc_segment seg;
	uint8_t buf[2048];
	size_t len = 0;

	if (open_all(&ns, &w, "ip proto 47 or ip6 proto 137 or ether proto 0x8847",
		     &tun, &err) < 0)
		goto out;
	s = seg_to_kernel(ns, 40001, 9, TC_TH_ACK, 1, 2);
	s.payload_len = 5;
	memset(e, 0, sizeof(e));
	e[0].type = TC_ENCAP_IPV4;
	inet_pton(AF_INET, "192.168.0.2", e[0].src);
	inet_pton(AF_INET, "192.168.0.1", e[0].dst);
	e[0].tos = -1;
	e[0].ttl = 7;
	e[1].type = TC_ENCAP_GRE;
	e[1].gre.flags = TC_GRE_CSUM | TC_GRE_KEY | TC_GRE_SEQ;
	e[1].gre.key = 0x01020304;
	e[1].gre.seq = 9;
	s.encap = e;
	s.n_encap = 2;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	if (next_decoded(tun, buf, sizeof(buf), &seg, &len) == 0) {
		CHECK_INT(len, 14 + 20 + 16 + 20 + 20 + 5);
		CHECK_INT(buf[12] << 8 | buf[13], 0x0800);
		CHECK_INT(buf[14 + 9], 47);
		CHECK_INT(seg.n_encap, 2);
		CHECK_INT(seg.encap[0].type, TC_ENCAP_IPV4);
		CHECK(memcmp(seg.encap[0].src, e[0].src, 4) == 0);
		CHECK(memcmp(seg.encap[0].dst, e[0].dst, 4) == 0);
		CHECK_INT(seg.encap[0].ttl, 7);
		CHECK_INT(seg.encap[0].tos, 0);
		CHECK(seg.encap[0].csum_ok);
		CHECK_INT(seg.encap[1].type, TC_ENCAP_GRE);
		CHECK_INT(seg.encap[1].gre.flags, 0xb000);
		CHECK_INT(seg.encap[1].gre.proto, 0x0800);
		CHECK_INT(seg.encap[1].gre.key, 0x01020304);
		CHECK_INT(seg.encap[1].gre.seq, 9);
		CHECK(seg.encap[1].gre.sum != 0);
		CHECK(seg.encap[1].csum_ok);
		/* The inner packet: the run's addresses, the segment. */
		CHECK(seg.ip_csum_ok);
		CHECK(memcmp(seg.src, &s.src_ip, 4) == 0);
		CHECK_INT(seg.sport, 40001);
		CHECK_INT(seg.payload_len, 5);
		CHECK_INT(seg.csum_right, seg.csum);
	}

	/* A GRE checksum written out goes as written, right or not. */
	e[1].gre.flags = TC_GRE_CSUM;
	e[1].gre.sum = 0x1234;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	if (next_decoded(tun, buf, sizeof(buf), &seg, &len) == 0) {
		CHECK_INT(len, 14 + 20 + 8 + 20 + 20 + 5);
		CHECK_INT(seg.encap[1].gre.sum, 0x1234);
		CHECK(!seg.encap[1].csum_ok);
	}

	/* IPv6 outside, then two MPLS labels. */
	e[0].type = TC_ENCAP_IPV6;
	inet_pton(AF_INET6, "2001:db8::2", e[0].src);
	inet_pton(AF_INET6, "2001:db8::1", e[0].dst);
	e[0].tos = 0x10;
	e[0].ttl = -1;
	e[1].type = TC_ENCAP_MPLS;
	e[1].n_mpls = 2;
	e[1].mpls[0] = 16u << 12 | 3u << 9 | 9;
	e[1].mpls[1] = 17u << 12 | 0x100 | 63;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	if (next_decoded(tun, buf, sizeof(buf), &seg, &len) == 0) {
		CHECK_INT(len, 14 + 40 + 8 + 20 + 20 + 5);
		CHECK_INT(buf[12] << 8 | buf[13], 0x86dd);
		CHECK_INT(buf[14 + 6], 137);
		CHECK_INT(buf[14 + 4] << 8 | buf[14 + 5], 8 + 20 + 20 + 5);
		CHECK_INT(seg.n_encap, 2);
		CHECK_INT(seg.encap[0].type, TC_ENCAP_IPV6);
		CHECK(memcmp(seg.encap[0].dst, e[0].dst, 16) == 0);
		CHECK_INT(seg.encap[0].tos, 0x10);
		CHECK_INT(seg.encap[0].ttl, 255);
		CHECK_INT(seg.encap[1].type, TC_ENCAP_MPLS);
		CHECK_INT(seg.encap[1].n_mpls, 2);
		CHECK_INT(seg.encap[1].mpls[0], e[1].mpls[0]);
		CHECK_INT(seg.encap[1].mpls[1], e[1].mpls[1]);
		CHECK_INT(seg.dport, 9);
	}

	/* An MPLS stack outermost: straight after the Ethernet header. */
	s.encap = &e[1];
	s.n_encap = 1;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	if (next_decoded(tun, buf, sizeof(buf), &seg, &len) == 0) {
		CHECK_INT(len, 14 + 8 + 20 + 20 + 5);
		CHECK_INT(buf[12] << 8 | buf[13], 0x8847);
		CHECK_INT(seg.n_encap, 1);
		CHECK_INT(seg.encap[0].mpls[1] & 0x100, 0x100);
		CHECK_INT(seg.sport, 40001);
	}
out:
	close_all(&err, tun, &w, ns);
}

static void test_netio__encapsulated_bytes(void)
{
	in_child(encap_body);
}

struct wire_sysctl {
	char v[32];
};

static int read_wire_sysctl(void *arg, struct tc_error *err)
{
	struct wire_sysctl *ws = arg;

	(void)err;
	return read_file("/proc/sys/net/ipv4/tcp_syn_retries", ws->v, sizeof(ws->v));
}

static void sysctl_body(void)
{
	const char *val = strcmp(host_syn_retries, "2") ? "2" : "3";
	struct tc_netns *ns = NULL;
	struct tc_error err;
	struct wire_sysctl ws;
	char v[32];

	tc_error_clear(&err);
	if (tc_netns_open(&cfg, &ns, &err) < 0) {
		print_err(&err);
		CHECK(!"tc_netns_open");
		return;
	}
	CHECK_INT(tc_netns_sysctl(ns, "net.ipv4.tcp_syn_retries", val, &err), 0);
	CHECK(read_file("/proc/sys/net/ipv4/tcp_syn_retries", v, sizeof(v)) == 0);
	CHECK_STR(v, val);
	/* The slash form, as sysctl(8) takes it. */
	CHECK_INT(tc_netns_sysctl(ns, "net/ipv4/tcp_synack_retries", "4", &err), 0);
	CHECK(read_file("/proc/sys/net/ipv4/tcp_synack_retries", v, sizeof(v)) == 0);
	CHECK_STR(v, "4");
	/* A new namespace starts from the kernel default, not the host's. */
	CHECK_INT(tc_netns_in_wire(ns, read_wire_sysctl, &ws, &err), 0);
	CHECK_STR(ws.v, "6");

	CHECK_INT(tc_netns_sysctl(ns, "net.ipv4.tcp_foo", "1", &err), -1);
	CHECK_INT(err.kind, TC_ERR_ENV);
	CHECK_STR(err.msg, "cannot set net.ipv4.tcp_foo=1: No such file or directory");
	CHECK_INT(tc_netns_sysctl(ns, "net.ipv4.tcp_syn_retries", "x", &err), -1);
	CHECK_STR(err.msg, "cannot set net.ipv4.tcp_syn_retries=x: Invalid argument");
	CHECK_INT(tc_netns_sysctl(ns, "../../etc/passwd", "1", &err), -1);
	CHECK_STR(err.msg, "bad sysctl name '../../etc/passwd'");
	CHECK_INT(tc_netns_sysctl(ns, "", "1", &err), -1);
	CHECK_STR(err.msg, "bad sysctl name ''");
	tc_netns_close(ns);
}

static void test_netio__sysctl_stays_in_the_namespace(void)
{
	in_child(sysctl_body);
}

/* Nothing but the kernel's TCP on the wire: no ND, MLD, ARP. */
static void quiet_body(void)
{
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "" };
	struct tc_error err;
	uint8_t buf[2048];
	size_t len;
	int64_t ts;
	int n = 0;

	tc_error_clear(&err);
	if (tc_netns_open(&cfg, &ns, &err) < 0 ||
	    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
		print_err(&err);
		CHECK(!"open");
		goto out;
	}
	while (tc_sniff_next(w.sn, now_ns() + 3 * NS_PER_S / 2, buf, sizeof(buf),
			     &len, &ts, &err) == 1) {
		printf("# unexpected frame, ethertype %04x, %zu bytes\n",
		       len >= 14 ? be16(buf + 12) : 0, len);
		n++;
	}
	CHECK_INT(n, 0);
out:
	close_wire(&w);
	tc_netns_close(ns);
}

static void test_netio__wire_is_quiet(void)
{
	in_child(quiet_body);
}

/*
 * IPv6 (--ip_version=ipv6): the address is usable at once (no DAD), a
 * crafted IPv6 SYN is accepted (its checksum is over the IPv6
 * pseudo-header), the SYN-ACK carries the MSS of MTU 1520 and a valid
 * checksum, and nothing but ICMPv6 MLD reports is on the wire besides TCP:
 * no neighbour or router solicitation.
 */
static void ipv6_body(void)
{
	static const struct tc_netns_config cfg6 = {
		.dev_name = "tun0", .wire_name = "wire0", .family = AF_INET6,
		.local_ip = "fd3d:fa7b:d17d::1", .local_prefix = 48,
		.remote_ip = "2001:db8::1", .remote_prefix = 32, .mtu = 1520,
		.no_tso = true,
	};
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(8080) };
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "" };
	struct tc_wire_tcp s;
	struct tc_error err;
	uint8_t buf[2048], *ip = buf + 14;
	size_t len;
	int64_t ts;
	int lfd = -1, afd = -1, one = 1, other = 0, nd = 0, synacks = 0;
	uint32_t kseq = 0;

	tc_error_clear(&err);
	if (tc_netns_open(&cfg6, &ns, &err) < 0 ||
	    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
		print_err(&err);
		CHECK(!"open");
		goto out;
	}
	inet_pton(AF_INET6, cfg6.local_ip, &a.sin6_addr);
	lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(lfd >= 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* A tentative (DAD) address would refuse this: EADDRNOTAVAIL. */
	CHECK_INT(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_INT(listen(lfd, 4), 0);

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, tc_netns_wire_mac(ns), 6);
	memcpy(s.dst_mac, tc_netns_dev_mac(ns), 6);
	s.ipv6 = true;
	inet_pton(AF_INET6, cfg6.remote_ip, s.src6);
	memcpy(s.dst6, &a.sin6_addr, 16);
	s.ttl = 64;
	s.sport = 40000;
	s.dport = 8080;
	s.seq = 1000;
	s.flags = 0x02;
	s.win = 32792;
	s.opts = syn_opts;
	s.opts_len = sizeof(syn_opts);
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
	while (tc_sniff_next(w.sn, now_ns() + 3 * NS_PER_S / 2, buf, sizeof(buf),
			     &len, &ts, &err) == 1) {
		if (len < 14 + 40 || be16(buf + 12) != 0x86dd) {
			other++;
			continue;
		}
		if (ip[6] == 58) {	/* ICMPv6: MLD is harmless, ND is not */
			if (len > 14 + 40 && ip[40] >= 133 && ip[40] <= 137)
				nd++;
			continue;
		}
		if (ip[6] != 6 || len < 14 + 40 + 24 || synacks++)
			continue;
		CHECK_INT(ip[40 + 13], 0x12);	/* SYN|ACK */
		CHECK_INT(be32(ip + 40 + 8), 1001);
		CHECK_INT(tc_tcp_csum(6, ip + 8, ip + 24, ip + 40, be16(ip + 4)), 0);
		/* The first option is the MSS: 1520 - 40 - 20. */
		CHECK_INT(ip[60], 2);
		CHECK_INT(be16(ip + 62), 1460);
		kseq = be32(ip + 40 + 4);
		s.flags = 0x10;
		s.seq = 1001;
		s.ack = kseq + 1;
		s.opts = NULL;
		s.opts_len = 0;
		CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), 0);
		afd = accept_within(lfd, 1000);
		CHECK(afd >= 0);
	}
	printf("# %d SYN-ACK, %d non-IPv6 frames, %d ND frames\n", synacks, other, nd);
	CHECK_INT(synacks, 1);
	CHECK_INT(other, 0);
	CHECK_INT(nd, 0);
	if (afd >= 0)
		close(afd);
	if (lfd >= 0)
		close(lfd);
out:
	close_wire(&w);
	tc_netns_close(ns);
}

static void test_netio__ipv6_quiet_nodad_checksums(void)
{
	in_child(ipv6_body);
}

static void timeout_body(void)
{
	struct tc_netns *ns = NULL;
	struct wire w = { .filter = "tcp" };
	struct tc_error err;
	uint8_t buf[64];
	size_t len;
	int64_t ts, t0, dt;

	tc_error_clear(&err);
	if (tc_netns_open(&cfg, &ns, &err) < 0 ||
	    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
		print_err(&err);
		CHECK(!"open");
		goto out;
	}
	t0 = now_ns();
	CHECK_INT(tc_sniff_next(w.sn, 0, buf, sizeof(buf), &len, &ts, &err), 0);
	CHECK(now_ns() - t0 < NS_PER_S / 100);
	t0 = now_ns();
	CHECK_INT(tc_sniff_next(w.sn, t0 + NS_PER_S / 20, buf, sizeof(buf), &len,
				&ts, &err), 0);
	dt = now_ns() - t0;
	CHECK(dt >= NS_PER_S / 20);
	CHECK(dt < NS_PER_S / 20 + NS_PER_S / 2);	/* generous: loaded CI */
	printf("# a 50 ms wait took %.3f ms\n", (double)dt / 1e6);
	/* A deadline in the past is "do not wait" too. */
	CHECK_INT(tc_sniff_next(w.sn, t0 - NS_PER_S, buf, sizeof(buf), &len, &ts,
				&err), 0);
out:
	close_wire(&w);
	tc_netns_close(ns);
}

static void test_netio__sniff_deadlines(void)
{
	in_child(timeout_body);
}

static int bad_wire(void *arg, struct tc_error *err)
{
	struct tc_sniff *sn = NULL;
	struct tc_inject *inj = NULL;
	int *fails = arg;

	(void)err;
	if (tc_sniff_open("nosuch0", "tcp", &sn, err) == -1 && sn == NULL &&
	    strstr(err->msg, "cannot capture on 'nosuch0': "))
		(*fails)++;
	else
		printf("# sniff nosuch0: %s\n", err->msg);
	if (tc_sniff_open("wire0", "tcp and and", &sn, err) == -1 && sn == NULL &&
	    strstr(err->msg, "bad capture filter 'tcp and and': "))
		(*fails)++;
	else
		printf("# bad filter: %s\n", err->msg);
	if (tc_inject_open("nosuch0", &inj, err) == -1 && inj == NULL &&
	    strstr(err->msg, "cannot inject on 'nosuch0': "))
		(*fails)++;
	else
		printf("# inject nosuch0: %s\n", err->msg);
	return 0;
}

static void errors_body(void)
{
	struct tc_netns *ns = NULL;
	struct tc_netns_config c = cfg;
	struct wire w = { .filter = "tcp" };
	struct tc_error err;
	struct tc_wire_tcp s;
	uint8_t opts[44] = { 0 };
	ino_t host = ns_ino();
	int fails = 0;

	tc_error_clear(&err);
	/* Refused before touching anything. */
	c.local_ip = "192.168.0.300";
	CHECK_INT(tc_netns_open(&c, &ns, &err), -1);
	CHECK(ns == NULL);
	CHECK_INT(err.kind, TC_ERR_ENV);
	CHECK_STR(err.msg, "bad local address '192.168.0.300'");
	c = cfg;
	c.dev_name = "a-name-far-too-long";
	CHECK_INT(tc_netns_open(&c, &ns, &err), -1);
	CHECK_STR(err.msg, "bad interface name 'a-name-far-too-long'");
	c = cfg;
	c.mtu = 70000;
	CHECK_INT(tc_netns_open(&c, &ns, &err), -1);
	CHECK_STR(err.msg, "bad MTU 70000: veth takes 68 to 65535");
	/* Refused by the kernel, in its own words; the thread comes home. */
	c = cfg;
	c.dev_name = "lo";
	CHECK_INT(tc_netns_open(&c, &ns, &err), -1);
	CHECK(ns == NULL);
	CHECK_INT(err.kind, TC_ERR_ENV);
	CHECK_STR(err.msg, "cannot create veth 'lo': File exists");
	CHECK(ns_ino() == host);
	/* A jumbo MTU is taken. */
	c = cfg;
	c.mtu = 9000;
	CHECK_INT(tc_netns_open(&c, &ns, &err), 0);
	{
		struct ifreq ifr;
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, "tun0");
		CHECK_INT(ioctl(fd, SIOCGIFMTU, &ifr), 0);
		CHECK_INT(ifr.ifr_mtu, 9000);
		close(fd);
	}
	tc_netns_close(ns);
	ns = NULL;

	if (tc_netns_open(&cfg, &ns, &err) < 0 ||
	    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
		print_err(&err);
		CHECK(!"open");
		goto out;
	}
	CHECK_INT(tc_netns_in_wire(ns, bad_wire, &fails, &err), 0);
	CHECK_INT(fails, 3);
	s = seg_to_kernel(ns, 1, 2, 0x02, 0, 0);
	s.opts = opts;
	s.opts_len = 3;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), -1);
	CHECK_STR(err.msg, "cannot send 3 bytes of TCP options: a multiple of 4, at most 40, is needed");
	s.opts_len = 44;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), -1);
	s.opts_len = 0;
	s.payload_len = 65535 - 40 + 1;
	CHECK_INT(tc_inject_tcp(w.inj, &s, NULL, &err), -1);
	CHECK_STR(err.msg, "cannot send a 65496-byte payload: an IPv4 packet holds at most 65495 after these headers");
out:
	close_wire(&w);
	tc_netns_close(ns);
}

static void test_netio__errors_say_what_and_why(void)
{
	in_child(errors_body);
}

static int hold_wire(void *arg, struct tc_error *err)
{
	(void)err;
	*(int *)arg = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	return 0;
}

/* After close the namespaces go: holding only the wire namespace, its
 * wire0 disappears once the kernel-under-test namespace (and tun0) dies. */
static void close_body(void)
{
	struct tc_netns *ns = NULL;
	struct tc_error err;
	ino_t host = ns_ino();
	int wire_fd = -1, host_fd, i;

	tc_error_clear(&err);
	host_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (tc_netns_open(&cfg, &ns, &err) < 0) {
		print_err(&err);
		CHECK(!"tc_netns_open");
		return;
	}
	CHECK_INT(tc_netns_in_wire(ns, hold_wire, &wire_fd, &err), 0);
	CHECK(wire_fd >= 0);
	tc_netns_close(ns);
	tc_netns_close(NULL);
	CHECK(ns_ino() == host);
	CHECK_INT(if_nametoindex("tun0"), 0);
	CHECK_INT(setns(wire_fd, CLONE_NEWNET), 0);
	for (i = 0; i < 500 && if_nametoindex("wire0"); i++)
		usleep(10000);
	CHECK_INT(if_nametoindex("wire0"), 0);
	printf("# wire0 gone after %d ms\n", i * 10);
	CHECK_INT(setns(host_fd, CLONE_NEWNET), 0);
	close(wire_fd);
	close(host_fd);
}

static void test_netio__close_lets_the_namespaces_die(void)
{
	in_child(close_body);
}

/* Two runs in one process, one after the other. */
static void twice_body(void)
{
	for (int i = 0; i < 2; i++) {
		struct tc_netns *ns = NULL;
		struct wire w = { .filter = "tcp" };
		struct tc_error err;
		int lfd, afd;

		tc_error_clear(&err);
		if (tc_netns_open(&cfg, &ns, &err) < 0 ||
		    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
			print_err(&err);
			CHECK(!"open");
		} else {
			lfd = listener(8080);
			afd = handshake(ns, &w, lfd, 40003, 1000);
			CHECK(afd >= 0);
			if (afd >= 0)
				close(afd);
			if (lfd >= 0)
				close(lfd);
		}
		close_wire(&w);
		tc_netns_close(ns);
	}
}

static void test_netio__reopen_in_one_process(void)
{
	in_child(twice_body);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_netio__open_makes_links_addresses_routes_noarp),
	TAP_TEST(test_netio__handshake_through_the_wire),
	TAP_TEST(test_netio__no_tso_frames_are_cable_sized),
	TAP_TEST(test_netio__tso_frames_are_larger_than_the_mtu),
	TAP_TEST(test_netio__injected_bytes_are_exact),
	TAP_TEST(test_netio__encapsulated_bytes),
	TAP_TEST(test_netio__sysctl_stays_in_the_namespace),
	TAP_TEST(test_netio__wire_is_quiet),
	TAP_TEST(test_netio__ipv6_quiet_nodad_checksums),
	TAP_TEST(test_netio__sniff_deadlines),
	TAP_TEST(test_netio__errors_say_what_and_why),
	TAP_TEST(test_netio__close_lets_the_namespaces_die),
	TAP_TEST(test_netio__reopen_in_one_process),
};

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root for network namespaces\n");
		return 0;
	}
	if (read_file("/proc/sys/net/ipv4/tcp_syn_retries", host_syn_retries,
		      sizeof(host_syn_retries)) < 0 ||
	    if_nametoindex("tun0") || if_nametoindex("wire0")) {
		printf("1..0 # SKIP the host already has tun0 or wire0, or no /proc/sys\n");
		return 0;
	}
	return tap_main(tests, sizeof(tests) / sizeof(tests[0]));
}
