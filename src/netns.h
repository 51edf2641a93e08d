/*
 * netns.h: the two private network namespaces of one script run.
 *
 *   kernel-under-test namespace          wire namespace
 *   lo (up)                              (nothing but the peer)
 *   tun0: local_ip/prefix  <== veth ==>  wire0: no address
 *   tun0 NOARP: no neighbour resolution, frames go out at once
 *   route remote_net dev tun0
 *   route remote_ip via gateway_ip dev tun0   (direct if refused)
 *
 * For an IPv4 run IPv6 is off on both ends (no ND, DAD or MLD on the
 * wire).  For an IPv6 run (family AF_INET6) tun0 has IPv6 with no link-local
 * address, no DAD (the address is added "nodad", usable at once), no
 * router solicitations; NOARP, so no neighbour discovery either; only MLD
 * reports remain (ICMPv6).  wire0 never has
 * IPv6.  tun0 has TSO and tx checksum offload off, like packetdrill's tun:
 * what is captured on wire0 is cable-exact, MSS-sized frames with real
 * checksums.
 *
 * Both namespaces are anonymous (made with unshare(CLONE_NEWNET), never
 * named), so they vanish when the last process and descriptor holding them
 * goes, SIGKILL included.  Links, addresses and routes are made
 * with rtnetlink through libmnl; the kernel's extended-ack text reaches the
 * error message.  Sysctls are written under /proc/sys from inside the
 * kernel-under-test namespace.  The host's namespace is never changed.
 *
 * Threading: tc_netns_open() switches the *calling thread* into the
 * kernel-under-test namespace and leaves it there; threads created after
 * that inherit it.  Call it from the main thread before creating any.
 * Packet sockets for the wire side are opened by tc_netns_in_wire(), which
 * runs a callback with the calling thread temporarily in the wire
 * namespace (sockets keep the namespace they were created in).
 */
#ifndef TC_NETNS_H
#define TC_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tc_error;

struct tc_netns_config {
	const char *dev_name;	/* kernel-side veth name: "tun0" */
	const char *wire_name;	/* wire-side veth name: "wire0" */
	int family;		/* AF_INET or AF_INET6: of the addresses below */
	const char *local_ip;	/* "192.168.0.1", "fd3d:fa7b:d17d::1" */
	int local_prefix;	/* 16, 48 */
	const char *remote_ip;	/* "192.0.2.1" */
	int remote_prefix;	/* 24: the route covers remote_ip/remote_prefix */
	const char *gateway_ip;	/* the host route to remote_ip goes through it */
	int mtu;		/* both veth ends; 0: leave the default (1500) */
	bool no_tso;		/* turn TSO and tx checksumming off on dev */
};

struct tc_netns;

/*
 * Create both namespaces, the veth pair, addresses and routes;
 * bring lo, tun0 and wire0 up; leave the calling thread in the
 * kernel-under-test namespace.  Returns 0 and sets *out, or -1 with
 * err->kind TC_ERR_ENV.
 */
int tc_netns_open(const struct tc_netns_config *cfg, struct tc_netns **out,
		  struct tc_error *err);

/* Run fn(arg) with the calling thread in the wire namespace, then switch
 * back.  Returns fn's result, or -1 with err filled if switching failed. */
int tc_netns_in_wire(struct tc_netns *ns, int (*fn)(void *arg, struct tc_error *err),
		     void *arg, struct tc_error *err);

/* MAC addresses of the two veth ends (6 bytes each). */
const uint8_t *tc_netns_dev_mac(const struct tc_netns *ns);
const uint8_t *tc_netns_wire_mac(const struct tc_netns *ns);

/* Write value to /proc/sys/<key with dots as slashes> in the
 * kernel-under-test namespace ("a/b/c" is taken as is, as sysctl(8) does,
 * for names that hold dots).  /proc/sys/net shows the namespace of the
 * thread that opens it, so the calling thread must be in the
 * kernel-under-test namespace (any thread made after tc_netns_open() is);
 * otherwise this fails rather than write elsewhere. */
/* Read the sysctl key (as tc_netns_sysctl names it) of the
 * kernel-under-test namespace into buf (NUL-terminated, trailing newline
 * dropped).  Returns 0; 1 when the kernel has no such sysctl; -1 with err
 * otherwise.  The calling thread must be in that namespace. */
int tc_netns_sysctl_read(struct tc_netns *ns, const char *key, char *buf,
			 size_t size, struct tc_error *err);

int tc_netns_sysctl(struct tc_netns *ns, const char *key, const char *value,
		    struct tc_error *err);

/*
 * In the calling thread's network namespace: set DEV's root qdisc to KIND
 * (RTM_NEWQDISC as tc sends it: exclusive create, or create-or-replace;
 * TCA_OPTIONS only when has_opts), or flush all TCP metrics (generic
 * netlink, TCP_METRICS_CMD_DEL with no address, as `ip tcp_metrics flush
 * all`).  Return 0, or -1 with err (the kernel's own text) and nothing
 * changed.
 */
int tc_netns_qdisc_root(const char *dev, const char *kind, bool replace,
			const void *opts, size_t opts_len, bool has_opts,
			struct tc_error *err);
int tc_netns_tcp_metrics_flush(struct tc_error *err);

/* Return the calling thread to the namespace it was in before
 * tc_netns_open() (call it from that thread), close our descriptors for
 * the namespaces (they die with their last user: sockets opened in them,
 * threads still inside).  Accepts NULL. */
void tc_netns_close(struct tc_netns *ns);

#endif
