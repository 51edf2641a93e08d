/*
 * netns.c: see netns.h.
 *
 * The calling thread only ever moves forward while setting up:
 *
 *   caller's ns --unshare--> wire ns --unshare--> kernel-under-test ns
 *
 * A netlink socket is opened in each namespace as the thread passes
 * through it (a socket keeps the namespace it was created in), so the
 * wire side is configured afterwards without switching back.  IPv6 is
 * turned off for new devices (conf/default/disable_ipv6) in each namespace
 * before the veth pair exists, so neither end ever gets a link-local
 * address, and the wire never carries router solicitations, DAD or MLD.
 *
 * The kernel-side end keeps veth's TSO and tx checksumming, as
 * packetdrill's tun device has them (TUNSETOFFLOAD with TSO4, TSO6 and
 * CSUM): the kernel hands over TSO frames of several segments, and the
 * capture on the wire side sees each whole, with the TCP checksum left
 * for the offload, which is never judged.  With --no_tso both are turned
 * off (ethtool ioctls) and the wire carries what a NIC without offloads
 * would put on the cable: MSS-sized segments with their checksums filled
 * in (software GSO splits the stack's large buffers before the veth).
 *
 * If anything fails, the thread is returned to the namespace it started
 * in, and the new namespaces die with their last descriptor.
 */
#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/tcp_metrics.h>
#include <linux/veth.h>

#include "error.h"
#include "xalloc.h"

struct tc_netns {
	int orig_fd;		/* the caller's namespace, returned to at close */
	int wire_fd;
	int test_fd;
	uint8_t dev_mac[6];
	uint8_t wire_mac[6];
};

/* ---- rtnetlink ------------------------------------------------------ */

/* Replies to our requests are small, but a link message carries a few KiB
 * of attributes; this holds any one of them. */
#define NL_BUF_SIZE 32768

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char buf[NL_BUF_SIZE];
};

static int nl_open_bus(struct nl *nl, int bus, struct tc_error *err)
{
	int one = 1;

	nl->sock = mnl_socket_open(bus);
	if (!nl->sock)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot open a netlink socket: %s",
				    strerror(errno));
	/* Both are best effort: without them errors lose only their text. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot bind a netlink socket: %s",
				    strerror(e));
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

static int nl_open(struct nl *nl, struct tc_error *err)
{
	return nl_open_bus(nl, NETLINK_ROUTE, err);
}

static void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/*
 * Turn an NLMSG_ERROR reply into 0 (an ack) or -1 with err set to
 * "<what>: <the kernel's extended-ack text, or strerror>".
 */
static int nl_ack(const struct nlmsghdr *nlh, const char *what,
		  struct tc_error *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *ext = NULL;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return tc_error_set(err, TC_ERR_ENV,
				    "%s: truncated netlink error reply", what);
	if (e->error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		unsigned int off = sizeof(*e);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&e->msg);
		if (off < mnl_nlmsg_get_payload_len(nlh))
			mnl_attr_parse(nlh, off, extack_cb, &ext);
	}
	tc_error_set(err, TC_ERR_ENV, "%s: %s", what,
		     ext && *ext ? ext : strerror(-e->error));
	if (ext && *ext)
		tc_error_detail(err, "the kernel returned %s (errno %d)",
				strerror(-e->error), -e->error);
	return -1;
}

/*
 * Send the request in nl->buf and read until its ack.  Data replies to it
 * go to cb (may be NULL).  Returns 0, or -1 with err naming what.
 */
static int nl_talk(struct nl *nl, const struct nlmsghdr *req,
		   void (*cb)(const struct nlmsghdr *nlh, void *data),
		   void *data, const char *what, struct tc_error *err)
{
	unsigned int seq = req->nlmsg_seq;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return tc_error_set(err, TC_ERR_ENV, "%s: netlink send: %s",
				    what, strerror(errno));
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
		int len = (int)n;

		if (n < 0)
			return tc_error_set(err, TC_ERR_ENV,
					    "%s: netlink receive: %s", what,
					    strerror(errno));
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq ||
			    (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
				continue;	/* a stale reply: not ours */
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return nl_ack(nlh, what, err);
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(nlh, data);
		}
	}
}

#define TC_NETNS_UP_WAIT_S 5
#define OPER_UP 6	/* IF_OPER_UP of <linux/if.h>, which clashes with <net/if.h> */

struct link_info {
	int index;
	bool have_mac;
	uint8_t mac[6];
	int operstate;		/* IF_OPER_*, -1 when not in the reply */
};

static void link_info_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return;
	li->index = ifm->ifi_index;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(attr) == IFLA_ADDRESS &&
		    mnl_attr_get_payload_len(attr) == 6) {
			memcpy(li->mac, mnl_attr_get_payload(attr), 6);
			li->have_mac = true;
		} else if (mnl_attr_get_type(attr) == IFLA_OPERSTATE &&
			   mnl_attr_get_payload_len(attr) >= 1) {
			li->operstate = mnl_attr_get_u8(attr);
		}
	}
}

/* Index and MAC address of the link called name. */
static int link_get(struct nl *nl, const char *name, struct link_info *li,
		    struct tc_error *err)
{
	struct nlmsghdr *nlh = nl_msg(nl, RTM_GETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	char what[64];

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(li, 0, sizeof(*li));
	li->operstate = -1;
	snprintf(what, sizeof(what), "cannot read link '%s'", name);
	if (nl_talk(nl, nlh, link_info_cb, li, what, err) < 0)
		return -1;
	if (li->index <= 0 || !li->have_mac)
		return tc_error_set(err, TC_ERR_ENV,
				    "%s: no index or MAC address in the reply",
				    what);
	return 0;
}

/* Bring a link up, with the other flags given (IFF_NOARP) set too. */
static int link_up(struct nl *nl, const char *name, unsigned flags, struct tc_error *err)
{
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	char what[64];

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_flags = IFF_UP | flags;
	ifm->ifi_change = IFF_UP | flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	snprintf(what, sizeof(what), "cannot bring '%s' up", name);
	return nl_talk(nl, nlh, NULL, NULL, what, err);
}

/*
 * Wait until the link called name is operationally up.  Bringing a veth end
 * up only asks for it: the kernel's link watcher (a work item that needs
 * the rtnl lock, so it waits behind every other namespace being made on the
 * machine) later marks it up and only then gives it its real queueing
 * discipline; until then every frame sent on it is dropped.  A run that
 * started before that lost its first segment (the kernel's SYN-ACK was
 * seen only as its retransmission a second later, at --jobs 8 and more).
 */
static int link_wait_up(struct nl *nl, const char *name, struct tc_error *err)
{
	struct timespec t0, now, nap = { 0, 200000 };
	struct link_info li;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (link_get(nl, name, &li, err) < 0)
			return -1;
		if (li.operstate == OPER_UP || li.operstate == -1)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= TC_NETNS_UP_WAIT_S)
			return tc_error_set(err, TC_ERR_ENV,
					    "link '%s' did not come up within %d s (operational state %d)",
					    name, TC_NETNS_UP_WAIT_S, li.operstate);
		nanosleep(&nap, NULL);
	}
}

static int veth_create(struct nl *nl, const struct tc_netns_config *cfg,
		       int peer_ns_fd, struct tc_error *err)
{
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifm;
	char what[64];

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, cfg->dev_name);
	if (cfg->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)cfg->mtu);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg. */
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, cfg->wire_name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_ns_fd);
	if (cfg->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)cfg->mtu);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	snprintf(what, sizeof(what), "cannot create veth '%s'", cfg->dev_name);
	return nl_talk(nl, nlh, NULL, NULL, what, err);
}

/* An address of either family, as rtnetlink wants it. */
struct ip {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network byte order; IPv4 in the first 4 */
};

static size_t ip_len(const struct ip *ip)
{
	return ip->family == AF_INET6 ? 16 : 4;
}

static int addr_add(struct nl *nl, int ifindex, const char *dev,
		    const struct ip *local, int prefix, struct tc_error *err)
{
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	char what[128], a[INET6_ADDRSTRLEN];

	ifa->ifa_family = (uint8_t)local->family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, ip_len(local), local->a);
	mnl_attr_put(nlh, IFA_ADDRESS, ip_len(local), local->a);
	if (local->family == AF_INET6) {
		/* No duplicate address detection: usable at once, and no
		 * neighbour solicitation for it on the wire. */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	inet_ntop(local->family, local->a, a, sizeof(a));
	snprintf(what, sizeof(what), "cannot add address '%s/%d' to '%s'", a,
		 prefix, dev);
	return nl_talk(nl, nlh, NULL, NULL, what, err);
}

static void route_type_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWROUTE && nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*rtm)))
		*(int *)data = rtm->rtm_type;
}

/*
 * Wait until the kernel takes segments to the IPv6 address local as its
 * own: until the address's local route is in place.  Even with
 * IFA_F_NODAD, IPv6 puts that route in from a work item (addrconf's,
 * queued once the link is up, behind the rtnl lock that every namespace
 * being made on the machine takes), and until then a segment to the
 * address is dropped with only Ip6InAddrErrors to show for it: at --jobs
 * 8 under load, 3 runs in 80 never had the script's SYN answered.
 * (IPv4's local route comes with the address, at once.)
 */
static int addr_wait_usable(struct nl *nl, const char *dev, const struct ip *local,
			    struct tc_error *err)
{
	struct timespec t0, now, nap = { 0, 200000 };
	char a[INET6_ADDRSTRLEN];

	if (local->family != AF_INET6)
		return 0;
	inet_ntop(local->family, local->a, a, sizeof(a));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct nlmsghdr *nlh = nl_msg(nl, RTM_GETROUTE, 0);
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		struct tc_error ignored;
		int type = -1;

		rtm->rtm_family = AF_INET6;
		rtm->rtm_dst_len = 128;
		mnl_attr_put(nlh, RTA_DST, 16, local->a);
		tc_error_clear(&ignored);
		/* An error (no route yet) is an answer too: not yet. */
		if (nl_talk(nl, nlh, route_type_cb, &type, "route", &ignored) == 0 &&
		    type == RTN_LOCAL)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= TC_NETNS_UP_WAIT_S)
			return tc_error_set(err, TC_ERR_ENV,
					    "address '%s' on '%s' was not the kernel's own after %d s (no local route)",
					    a, dev, TC_NETNS_UP_WAIT_S);
		nanosleep(&nap, NULL);
	}
}

/* A route to net/prefix over the device, through gw when it is given. */
static int route_add(struct nl *nl, int ifindex, const char *dev,
		     const struct ip *net, int prefix, const struct ip *gw,
		     struct tc_error *err)
{
	/* REPLACE: the route may coincide with the address's own prefix
	 * route, which is then ours instead (same device, same scope). */
	struct nlmsghdr *nlh = nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	char what[192], a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN] = "";

	rtm->rtm_family = (uint8_t)net->family;
	rtm->rtm_dst_len = (uint8_t)prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	/* IPv6 routes have no scope of their own: universe, as ip(8) sends;
	 * an IPv4 route through a gateway is universe too. */
	rtm->rtm_scope = net->family == AF_INET6 || gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (prefix > 0)
		mnl_attr_put(nlh, RTA_DST, ip_len(net), net->a);
	if (gw) {
		mnl_attr_put(nlh, RTA_GATEWAY, ip_len(gw), gw->a);
		inet_ntop(gw->family, gw->a, g, sizeof(g));
	}
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	inet_ntop(net->family, net->a, a, sizeof(a));
	snprintf(what, sizeof(what), "cannot add route '%s/%d'%s%s dev '%s'", a,
		 prefix, gw ? " via " : "", g, dev);
	return nl_talk(nl, nlh, NULL, NULL, what, err);
}

/* ---- ethtool -------------------------------------------------------- */

/*
 * --no_tso: turn off the offloads that make the wire differ from a real
 * cable: TSO (64 KiB super-frames) and tx checksumming (the TCP checksum
 * left for the "hardware").  Software GSO stays: it segments before the
 * driver, so the veth sees MSS-sized frames.  Legacy ethtool ioctls, each
 * turning off its feature and whatever depends on it.
 */
static int offloads_off(const char *dev, struct tc_error *err)
{
	static const struct {
		uint32_t cmd;
		const char *name;
	} off[] = {
		{ ETHTOOL_STSO, "tcp-segmentation-offload" },
		{ ETHTOOL_STXCSUM, "tx-checksumming" },
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (fd < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot open a socket: %s",
				    strerror(errno));
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		struct ethtool_value ev = { .cmd = off[i].cmd, .data = 0 };
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
			tc_error_set(err, TC_ERR_ENV,
				     "cannot turn %s off on '%s': %s",
				     off[i].name, dev, strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

/* ---- /proc/sys ------------------------------------------------------ */

/* Write value to /proc/sys/<path> as seen from the calling thread's
 * network namespace.  Returns 0 or -errno. */
static int proc_sys_write(const char *path, const char *value)
{
	char file[512];
	size_t len = strlen(value);
	ssize_t n;
	int fd, e;

	if ((size_t)snprintf(file, sizeof(file), "/proc/sys/%s", path) >= sizeof(file))
		return -ENAMETOOLONG;
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	e = n < 0 ? errno : 0;
	close(fd);
	if (n < 0)
		return -e;
	return (size_t)n == len ? 0 : -EIO;
}

/* New devices in the calling thread's namespace get no IPv6. */
static int ipv6_default_off(struct tc_error *err)
{
	int rc = proc_sys_write("net/ipv6/conf/default/disable_ipv6", "1");

	if (rc == -ENOENT)
		return 0;	/* a kernel without IPv6 is quiet already */
	if (rc < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot set net.ipv6.conf.default.disable_ipv6=1: %s",
				    strerror(-rc));
	return 0;
}

/*
 * IPv6 for the kernel-under-test namespace (--ip_version=ipv6): on for new
 * devices, but quiet and usable at once: no duplicate address detection,
 * no router solicitations, no router advertisements taken, and no
 * link-local address (so no DAD or MLD for one either).  What remains on
 * the wire (MLD reports for the address's solicited-node group) is ICMPv6,
 * which the capture filter leaves out.
 */
static int ipv6_default_quiet(struct tc_error *err)
{
	static const struct {
		const char *path, *value;
		bool optional;	/* older kernels lack it */
	} set[] = {
		{ "net/ipv6/conf/default/disable_ipv6", "0", false },
		{ "net/ipv6/conf/default/accept_dad", "0", false },
		{ "net/ipv6/conf/default/router_solicitations", "0", false },
		{ "net/ipv6/conf/default/accept_ra", "0", false },
		{ "net/ipv6/conf/default/addr_gen_mode", "1", true },
	};

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		int rc = proc_sys_write(set[i].path, set[i].value);

		if (rc == -ENOENT && (set[i].optional || i == 0))
			continue;
		if (rc == -ENOENT)
			return tc_error_set(err, TC_ERR_ENV,
					    "cannot use IPv6: this kernel has no /proc/sys/%s",
					    set[i].path);
		if (rc < 0)
			return tc_error_set(err, TC_ERR_ENV, "cannot set /proc/sys/%s=%s: %s",
					    set[i].path, set[i].value, strerror(-rc));
	}
	return 0;
}

/* ---- namespaces ----------------------------------------------------- */

static int ns_fd_self(struct tc_error *err)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot open /proc/thread-self/ns/net: %s",
				    strerror(errno));
	return fd;
}

static int ns_new(struct tc_error *err)
{
	if (unshare(CLONE_NEWNET) == 0)
		return ns_fd_self(err);
	switch (errno) {
	case EPERM:
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot create a network namespace: %s (need root or CAP_SYS_ADMIN)",
				    strerror(errno));
	case ENOSPC:
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot create a network namespace: %s (user.max_net_namespaces reached?)",
				    strerror(errno));
	default:
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot create a network namespace: %s",
				    strerror(errno));
	}
}

static int ns_enter(int fd, const char *which, struct tc_error *err)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot enter the %s network namespace: %s",
				    which, strerror(errno));
	return 0;
}

static int check_config(const struct tc_netns_config *cfg, struct ip *local,
			struct ip *remote, struct tc_error *err)
{
	const char *names[] = { cfg->dev_name, cfg->wire_name };
	int bits = cfg->family == AF_INET6 ? 128 : 32;

	for (int i = 0; i < 2; i++) {
		if (!names[i] || !*names[i] || strlen(names[i]) >= IFNAMSIZ ||
		    strchr(names[i], '/'))
			return tc_error_set(err, TC_ERR_ENV,
					    "bad interface name '%s'",
					    names[i] ? names[i] : "(null)");
	}
	if (cfg->family != AF_INET && cfg->family != AF_INET6)
		return tc_error_set(err, TC_ERR_ENV,
				    "address family %d is not supported",
				    cfg->family);
	local->family = remote->family = cfg->family;
	if (!cfg->local_ip || inet_pton(cfg->family, cfg->local_ip, local->a) != 1)
		return tc_error_set(err, TC_ERR_ENV, "bad local address '%s'",
				    cfg->local_ip ? cfg->local_ip : "(null)");
	if (!cfg->remote_ip || inet_pton(cfg->family, cfg->remote_ip, remote->a) != 1)
		return tc_error_set(err, TC_ERR_ENV, "bad remote address '%s'",
				    cfg->remote_ip ? cfg->remote_ip : "(null)");
	if (cfg->local_prefix < 0 || cfg->local_prefix > bits)
		return tc_error_set(err, TC_ERR_ENV, "bad local prefix length %d",
				    cfg->local_prefix);
	if (cfg->remote_prefix < 0 || cfg->remote_prefix > bits)
		return tc_error_set(err, TC_ERR_ENV, "bad remote prefix length %d",
				    cfg->remote_prefix);
	/* veth's own limits, which it reports only as EINVAL; IPv6 goes
	 * away from a device below its minimum MTU (RFC 8200 §5). */
	if (cfg->mtu && (cfg->mtu < 68 || cfg->mtu > 65535))
		return tc_error_set(err, TC_ERR_ENV,
				    "bad MTU %d: veth takes 68 to 65535", cfg->mtu);
	if (cfg->mtu && cfg->family == AF_INET6 && cfg->mtu < 1280)
		return tc_error_set(err, TC_ERR_ENV,
				    "bad MTU %d: IPv6 needs at least 1280", cfg->mtu);
	return 0;
}

/* Everything after the two namespaces exist; the thread is in the test
 * namespace, wire_nl was opened in the wire namespace. */
static int configure(struct tc_netns *ns, const struct tc_netns_config *cfg,
		     struct nl *test_nl, struct nl *wire_nl, const struct ip *local,
		     const struct ip *remote, struct tc_error *err)
{
	struct link_info dev, wire;
	struct ip net = *remote, gw = { .family = remote->family };
	int host = (int)ip_len(remote) * 8;

	if (veth_create(test_nl, cfg, ns->wire_fd, err) < 0 ||
	    link_get(test_nl, cfg->dev_name, &dev, err) < 0 ||
	    link_get(wire_nl, cfg->wire_name, &wire, err) < 0 ||
	    (cfg->no_tso && offloads_off(cfg->dev_name, err) < 0) ||
	    link_up(test_nl, "lo", 0, err) < 0 ||
	    link_up(test_nl, cfg->dev_name, IFF_NOARP, err) < 0 ||
	    link_up(wire_nl, cfg->wire_name, 0, err) < 0 ||
	    addr_add(test_nl, dev.index, cfg->dev_name, local, cfg->local_prefix,
		     err) < 0)
		return -1;
	if (link_wait_up(test_nl, cfg->dev_name, err) < 0 ||
	    link_wait_up(wire_nl, cfg->wire_name, err) < 0 ||
	    addr_wait_usable(test_nl, cfg->dev_name, local, err) < 0)
		return -1;
	memcpy(ns->dev_mac, dev.mac, 6);
	memcpy(ns->wire_mac, wire.mac, 6);
	/* The route's destination: the remote's prefix, host bits cleared. */
	for (int bit = cfg->remote_prefix; bit < host; bit++)
		net.a[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	if (route_add(test_nl, dev.index, cfg->dev_name, &net, cfg->remote_prefix,
		      NULL, err) < 0)
		return -1;
	/* And, as packetdrill has it, a host route to the remote through the
	 * gateway, which a script's `ip route change REMOTE via ... advmss
	 * 600` changes.  A gateway the kernel refuses there (an IPv6 one that
	 * is a local address) leaves the host route direct. */
	if (cfg->gateway_ip && inet_pton(gw.family, cfg->gateway_ip, gw.a) == 1 &&
	    route_add(test_nl, dev.index, cfg->dev_name, remote, host, &gw, err) == 0)
		return 0;
	tc_error_clear(err);
	return route_add(test_nl, dev.index, cfg->dev_name, remote, host, NULL, err);
}

int tc_netns_open(const struct tc_netns_config *cfg, struct tc_netns **out,
		  struct tc_error *err)
{
	struct tc_netns *ns = NULL;
	struct nl *wire_nl = NULL, *test_nl = NULL;
	struct ip local, remote;
	bool moved = false;
	int ret = -1;

	*out = NULL;
	if (check_config(cfg, &local, &remote, err) < 0)
		return -1;
	ns = xmalloc(sizeof(*ns));
	wire_nl = xcalloc(1, sizeof(*wire_nl));
	test_nl = xcalloc(1, sizeof(*test_nl));
	memset(ns, 0, sizeof(*ns));
	ns->wire_fd = ns->test_fd = -1;
	ns->orig_fd = ns_fd_self(err);
	if (ns->orig_fd < 0)
		goto out;

	ns->wire_fd = ns_new(err);
	moved = true;
	if (ns->wire_fd < 0 || ipv6_default_off(err) < 0 ||
	    nl_open(wire_nl, err) < 0)
		goto out;

	ns->test_fd = ns_new(err);
	if (ns->test_fd < 0 ||
	    (cfg->family == AF_INET6 ? ipv6_default_quiet(err) : ipv6_default_off(err)) < 0 ||
	    nl_open(test_nl, err) < 0)
		goto out;

	if (configure(ns, cfg, test_nl, wire_nl, &local, &remote, err) < 0)
		goto out;
	*out = ns;
	ns = NULL;
	ret = 0;
out:
	if (wire_nl)
		nl_close(wire_nl);
	if (test_nl)
		nl_close(test_nl);
	free(wire_nl);
	free(test_nl);
	if (ns) {
		/* Failed: back where we started; the new namespaces die with
		 * their descriptors. */
		if (moved && ns->orig_fd >= 0)
			setns(ns->orig_fd, CLONE_NEWNET);
		if (ns->orig_fd >= 0)
			close(ns->orig_fd);
		if (ns->wire_fd >= 0)
			close(ns->wire_fd);
		if (ns->test_fd >= 0)
			close(ns->test_fd);
		free(ns);
	}
	return ret;
}

int tc_netns_in_wire(struct tc_netns *ns, int (*fn)(void *arg, struct tc_error *err),
		     void *arg, struct tc_error *err)
{
	int ret;

	if (ns_enter(ns->wire_fd, "wire", err) < 0)
		return -1;
	ret = fn(arg, err);
	/* Not coming back would leave every later socket on the wrong side:
	 * that error outranks fn's. */
	if (ns_enter(ns->test_fd, "kernel-under-test", err) < 0)
		return -1;
	return ret;
}

const uint8_t *tc_netns_dev_mac(const struct tc_netns *ns)
{
	return ns->dev_mac;
}

const uint8_t *tc_netns_wire_mac(const struct tc_netns *ns)
{
	return ns->wire_mac;
}

/* True when the calling thread is in the namespace fd refers to. */
static bool ns_is_current(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/proc/thread-self/ns/net", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The path under /proc/sys of a sysctl named as sysctl(8) names it:
 * "a.b.c", or "a/b/c" when the names hold dots. */
static int sysctl_path(const char *key, char *path, size_t size, struct tc_error *err)
{
	size_t len = strlen(key);

	if (len == 0 || len >= size || key[0] == '/' || key[0] == '.' ||
	    strstr(key, "..") || (strchr(key, '/') && strstr(key, "/.")))
		return tc_error_set(err, TC_ERR_ENV, "bad sysctl name '%s'", key);
	memcpy(path, key, len + 1);
	if (!strchr(path, '/'))
		for (char *p = path; *p; p++)
			if (*p == '.')
				*p = '/';
	return 0;
}

int tc_netns_sysctl_read(struct tc_netns *ns, const char *key, char *buf,
			 size_t size, struct tc_error *err)
{
	char path[256], file[512];
	ssize_t n;
	int fd, e;

	if (sysctl_path(key, path, sizeof(path), err) < 0)
		return -1;
	if (!ns_is_current(ns->test_fd))
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot read %s: the calling thread is not in the kernel-under-test namespace",
				    key);
	snprintf(file, sizeof(file), "/proc/sys/%s", path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return tc_error_set(err, TC_ERR_ENV, "cannot read %s: %s", key,
				    strerror(errno));
	}
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot read %s: %s", key, strerror(e));
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	/* Multi-field values (tcp_rmem) are tab-separated: spaces read better. */
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\t')
			buf[i] = ' ';
	return 0;
}

/* Whether two sysctl values are the same, fields compared as words. */
static bool same_value(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t' || *a == '\n')
			a++;
		while (*b == ' ' || *b == '\t' || *b == '\n')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && *a == *b && *a != ' ' && *a != '\t' && *a != '\n')
			a++, b++;
		if ((*a && *a != ' ' && *a != '\t' && *a != '\n') ||
		    (*b && *b != ' ' && *b != '\t' && *b != '\n'))
			return false;
	}
}

int tc_netns_sysctl(struct tc_netns *ns, const char *key, const char *value,
		    struct tc_error *err)
{
	char path[256], now[256];
	struct tc_error ignored;
	int rc;

	if (sysctl_path(key, path, sizeof(path), err) < 0)
		return -1;
	/* /proc/sys/net shows the namespace of the thread that opens it. */
	if (!ns_is_current(ns->test_fd))
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot set %s=%s: the calling thread is not in the kernel-under-test namespace",
				    key, value);
	/* A value the namespace has already is not written: in a user
	 * namespace some cannot be written even as they are. */
	tc_error_clear(&ignored);
	if (tc_netns_sysctl_read(ns, key, now, sizeof(now), &ignored) == 0 &&
	    same_value(now, value))
		return 0;
	rc = proc_sys_write(path, value);
	/* An empty ping_group_range (low above high: no group may ping) is
	 * what a new namespace starts with, and the profile is applied to a
	 * new one; in a user namespace the kernel refuses it unless both ids
	 * are mapped there, which in the run's (one id) they are not. */
	if (rc == -EINVAL && !strcmp(path, "net/ipv4/ping_group_range")) {
		unsigned long lo, hi;

		if (sscanf(value, "%lu %lu", &lo, &hi) == 2 && lo > hi)
			return 0;
	}
	if (rc < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot set %s=%s: %s", key,
				    value, strerror(-rc));
	return 0;
}

void tc_netns_close(struct tc_netns *ns)
{
	if (!ns)
		return;
	/* Leave the kernel-under-test namespace so that it can die now,
	 * not when this thread does. */
	if (ns->orig_fd >= 0) {
		setns(ns->orig_fd, CLONE_NEWNET);
		close(ns->orig_fd);
	}
	close(ns->wire_fd);
	close(ns->test_fd);
	free(ns);
}

/* ---- what a script's commands do (shcmd.c) -------------------------- */

int tc_netns_qdisc_root(const char *dev, const char *kind, bool replace,
			const void *opts, size_t opts_len, bool has_opts,
			struct tc_error *err)
{
	struct nl *nl = xcalloc(1, sizeof(*nl));
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;
	struct link_info li;
	char what[80];
	int rc = -1;

	if (nl_open(nl, err) < 0)
		goto out;
	/* By name as tc finds it; link_get also wants the MAC, which a
	 * device without one lacks: the index alone is enough here. */
	if (link_get(nl, dev, &li, err) < 0 && li.index <= 0)
		goto out;
	tc_error_clear(err);
	/* tc's own request: RTM_NEWQDISC, create and exclusive for add,
	 * create and replace for replace, root parent, handle 0. */
	nlh = nl_msg(nl, RTM_NEWQDISC, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL));
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = li.index;
	tcm->tcm_handle = 0;
	tcm->tcm_parent = TC_H_ROOT;
	mnl_attr_put_strz(nlh, TCA_KIND, kind);
	if (has_opts)
		mnl_attr_put(nlh, TCA_OPTIONS, opts_len, opts);
	snprintf(what, sizeof(what), "cannot set the root qdisc of '%s'", dev);
	rc = nl_talk(nl, nlh, NULL, NULL, what, err);
out:
	nl_close(nl);
	free(nl);
	return rc;
}

static void genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_get_payload_len(attr) >= 2)
			*(int *)data = mnl_attr_get_u16(attr);
}

int tc_netns_tcp_metrics_flush(struct tc_error *err)
{
	struct nl *nl = xcalloc(1, sizeof(*nl));
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int family = -1, rc = -1;

	if (nl_open_bus(nl, NETLINK_GENERIC, err) < 0)
		goto out;
	nlh = nl_msg(nl, GENL_ID_CTRL, 0);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCP_METRICS_GENL_NAME);
	if (nl_talk(nl, nlh, genl_family_cb, &family, "cannot find tcp_metrics", err) < 0)
		goto out;
	if (family < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot find tcp_metrics: no family id");
		goto out;
	}
	/* ip's flush of all: the delete command with no address. */
	nlh = nl_msg(nl, (uint16_t)family, 0);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = TCP_METRICS_CMD_DEL;
	g->version = TCP_METRICS_GENL_VERSION;
	rc = nl_talk(nl, nlh, NULL, NULL, "cannot flush tcp_metrics", err);
out:
	nl_close(nl);
	free(nl);
	return rc;
}
