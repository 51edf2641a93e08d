/*
 * symbols.c: the names a system call line may use, and their values.
 *
 * Every value comes from the C library and kernel UAPI headers of the
 * build machine (SYM(x) expands to { "x", x }); a name a Debian 12 header
 * lacks is guarded with #ifdef or given its kernel UAPI number with a
 * comment.  One NULL-terminated table per domain; lookups walk them all.
 * Where several names share a value, the first listed is the one printed.
 */
#include "symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>

#include "strbuf.h"

struct tc_symbol {
	const char *name;
	int64_t value;
};

#define SYM(x) { #x, (int64_t)(x) }
#define SYM_END { NULL, 0 }

/* ---- sockets: families, types, protocols, levels -------------------- */

static const struct tc_symbol socket_symbols[] = {
	SYM(AF_UNSPEC), SYM(AF_INET), SYM(AF_INET6), SYM(AF_UNIX),
	SYM(AF_LOCAL), SYM(AF_PACKET), SYM(AF_NETLINK),
	SYM(PF_UNSPEC), SYM(PF_INET), SYM(PF_INET6), SYM(PF_UNIX),
	SYM(PF_LOCAL), SYM(PF_PACKET), SYM(PF_NETLINK),

	SYM(SOCK_STREAM), SYM(SOCK_DGRAM), SYM(SOCK_RAW), SYM(SOCK_RDM),
	SYM(SOCK_SEQPACKET), SYM(SOCK_PACKET),
	SYM(SOCK_NONBLOCK), SYM(SOCK_CLOEXEC),

	SYM(IPPROTO_IP), SYM(IPPROTO_ICMP), SYM(IPPROTO_IGMP),
	SYM(IPPROTO_IPIP), SYM(IPPROTO_TCP), SYM(IPPROTO_EGP),
	SYM(IPPROTO_PUP), SYM(IPPROTO_UDP), SYM(IPPROTO_IDP), SYM(IPPROTO_TP),
	SYM(IPPROTO_DCCP), SYM(IPPROTO_IPV6), SYM(IPPROTO_RSVP),
	SYM(IPPROTO_GRE), SYM(IPPROTO_ESP), SYM(IPPROTO_AH),
	SYM(IPPROTO_ICMPV6), SYM(IPPROTO_MTP), SYM(IPPROTO_BEETPH),
	SYM(IPPROTO_ENCAP), SYM(IPPROTO_PIM), SYM(IPPROTO_COMP),
	SYM(IPPROTO_SCTP), SYM(IPPROTO_UDPLITE), SYM(IPPROTO_MPLS),
	SYM(IPPROTO_RAW), SYM(IPPROTO_HOPOPTS), SYM(IPPROTO_ROUTING),
	SYM(IPPROTO_FRAGMENT), SYM(IPPROTO_NONE), SYM(IPPROTO_DSTOPTS),
	SYM(IPPROTO_MH),
#ifdef IPPROTO_MPTCP
	SYM(IPPROTO_MPTCP),
#endif

	SYM(SOL_SOCKET), SYM(SOL_IP), SYM(SOL_IPV6), SYM(SOL_TCP),
	{ "SOL_UDP", IPPROTO_UDP },	/* <netinet/udp.h> clashes with others */
	SYM(SOL_RAW), SYM(SOL_ICMPV6), SYM(SOL_PACKET),
#ifdef SOL_TLS
	SYM(SOL_TLS),
#endif
#ifdef SOL_MPTCP
	SYM(SOL_MPTCP),
#endif

	SYM(SHUT_RD), SYM(SHUT_WR), SYM(SHUT_RDWR),

	{ "NULL", 0 },
	{ "INADDR_ANY", INADDR_ANY },
	{ "INADDR_LOOPBACK", INADDR_LOOPBACK },
	SYM_END
};

/* ---- SOL_SOCKET options ----------------------------------------------- */

static const struct tc_symbol so_symbols[] = {
	SYM(SO_DEBUG), SYM(SO_REUSEADDR), SYM(SO_TYPE), SYM(SO_ERROR),
	SYM(SO_DONTROUTE), SYM(SO_BROADCAST), SYM(SO_SNDBUF), SYM(SO_RCVBUF),
	SYM(SO_SNDBUFFORCE), SYM(SO_RCVBUFFORCE), SYM(SO_KEEPALIVE),
	SYM(SO_OOBINLINE), SYM(SO_NO_CHECK), SYM(SO_PRIORITY), SYM(SO_LINGER),
	SYM(SO_BSDCOMPAT), SYM(SO_REUSEPORT), SYM(SO_PASSCRED),
	SYM(SO_PEERCRED), SYM(SO_RCVLOWAT), SYM(SO_SNDLOWAT),
	SYM(SO_RCVTIMEO), SYM(SO_SNDTIMEO), SYM(SO_BINDTODEVICE),
	SYM(SO_ATTACH_FILTER), SYM(SO_DETACH_FILTER), SYM(SO_PEERNAME),
	SYM(SO_TIMESTAMP), SYM(SO_TIMESTAMPNS), SYM(SO_TIMESTAMPING),
	SYM(SO_ACCEPTCONN), SYM(SO_PEERSEC), SYM(SO_PASSSEC), SYM(SO_MARK),
	SYM(SO_PROTOCOL), SYM(SO_DOMAIN), SYM(SO_RXQ_OVFL),
	SYM(SO_WIFI_STATUS), SYM(SO_PEEK_OFF), SYM(SO_NOFCS),
	SYM(SO_LOCK_FILTER), SYM(SO_SELECT_ERR_QUEUE), SYM(SO_BUSY_POLL),
	SYM(SO_MAX_PACING_RATE), SYM(SO_BPF_EXTENSIONS),
	SYM(SO_INCOMING_CPU), SYM(SO_ATTACH_BPF), SYM(SO_DETACH_BPF),
	SYM(SO_CNX_ADVICE), SYM(SO_MEMINFO), SYM(SO_INCOMING_NAPI_ID),
	SYM(SO_COOKIE), SYM(SO_PEERGROUPS), SYM(SO_ZEROCOPY), SYM(SO_TXTIME),
	SYM(SO_BINDTOIFINDEX),
#ifdef SO_PREFER_BUSY_POLL
	SYM(SO_PREFER_BUSY_POLL),
#endif
#ifdef SO_BUSY_POLL_BUDGET
	SYM(SO_BUSY_POLL_BUDGET),
#endif
#ifdef SO_NETNS_COOKIE
	SYM(SO_NETNS_COOKIE),
#endif
#ifdef SO_BUF_LOCK
	SYM(SO_BUF_LOCK),
#endif
#ifdef SO_RESERVE_MEM
	SYM(SO_RESERVE_MEM),
#endif
#ifdef SO_TXREHASH
	SYM(SO_TXREHASH),
#endif
#ifdef SO_RCVMARK
	SYM(SO_RCVMARK),
#endif

	SYM(SCM_RIGHTS), SYM(SCM_CREDENTIALS), SYM(SCM_TIMESTAMP),
	SYM(SCM_TIMESTAMPNS), SYM(SCM_TIMESTAMPING), SYM(SCM_TXTIME),
	SYM(SCM_TSTAMP_SND), SYM(SCM_TSTAMP_SCHED), SYM(SCM_TSTAMP_ACK),

	SYM(SO_EE_ORIGIN_NONE), SYM(SO_EE_ORIGIN_LOCAL),
	SYM(SO_EE_ORIGIN_ICMP), SYM(SO_EE_ORIGIN_ICMP6),
	SYM(SO_EE_ORIGIN_TXSTATUS), SYM(SO_EE_ORIGIN_ZEROCOPY),
	SYM(SO_EE_ORIGIN_TXTIME), SYM(SO_EE_ORIGIN_TIMESTAMPING),
	SYM(SO_EE_CODE_ZEROCOPY_COPIED), SYM(SO_EE_CODE_TXTIME_INVALID_PARAM),
	SYM(SO_EE_CODE_TXTIME_MISSED),
	SYM_END
};

/* SOF_TIMESTAMPING_* are enumerators, so #ifdef cannot guard them. */
static const struct tc_symbol sof_symbols[] = {
	SYM(SOF_TIMESTAMPING_TX_HARDWARE), SYM(SOF_TIMESTAMPING_TX_SOFTWARE),
	SYM(SOF_TIMESTAMPING_RX_HARDWARE), SYM(SOF_TIMESTAMPING_RX_SOFTWARE),
	SYM(SOF_TIMESTAMPING_SOFTWARE), SYM(SOF_TIMESTAMPING_SYS_HARDWARE),
	SYM(SOF_TIMESTAMPING_RAW_HARDWARE), SYM(SOF_TIMESTAMPING_OPT_ID),
	SYM(SOF_TIMESTAMPING_TX_SCHED), SYM(SOF_TIMESTAMPING_TX_ACK),
	SYM(SOF_TIMESTAMPING_OPT_CMSG), SYM(SOF_TIMESTAMPING_OPT_TSONLY),
	SYM(SOF_TIMESTAMPING_OPT_STATS), SYM(SOF_TIMESTAMPING_OPT_PKTINFO),
	SYM(SOF_TIMESTAMPING_OPT_TX_SWHW), SYM(SOF_TIMESTAMPING_BIND_PHC),
	/* Newer than the Debian 12 headers: kernel UAPI linux/net_tstamp.h. */
	{ "SOF_TIMESTAMPING_OPT_ID_TCP", 1 << 16 },
	{ "SOF_TIMESTAMPING_OPT_RX_FILTER", 1 << 17 },
	SYM_END
};

/* ---- IPPROTO_TCP options ---------------------------------------------- */

/* Kernel UAPI numbers (linux/tcp.h) newer than the Debian 12 headers. */
#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif
#ifndef TCP_RTO_MAX_MS
#define TCP_RTO_MAX_MS 44
#endif
#ifndef TCP_RTO_MIN_US
#define TCP_RTO_MIN_US 45
#endif
#ifndef TCP_DELACK_MAX_US
#define TCP_DELACK_MAX_US 46
#endif

static const struct tc_symbol tcp_symbols[] = {
	SYM(TCP_NODELAY), SYM(TCP_MAXSEG), SYM(TCP_CORK), SYM(TCP_KEEPIDLE),
	SYM(TCP_KEEPINTVL), SYM(TCP_KEEPCNT), SYM(TCP_SYNCNT),
	SYM(TCP_LINGER2), SYM(TCP_DEFER_ACCEPT), SYM(TCP_WINDOW_CLAMP),
	SYM(TCP_INFO), SYM(TCP_QUICKACK), SYM(TCP_CONGESTION),
	SYM(TCP_MD5SIG), SYM(TCP_COOKIE_TRANSACTIONS),
	SYM(TCP_THIN_LINEAR_TIMEOUTS), SYM(TCP_THIN_DUPACK),
	SYM(TCP_USER_TIMEOUT), SYM(TCP_REPAIR), SYM(TCP_REPAIR_QUEUE),
	SYM(TCP_QUEUE_SEQ), SYM(TCP_REPAIR_OPTIONS), SYM(TCP_FASTOPEN),
	SYM(TCP_TIMESTAMP), SYM(TCP_NOTSENT_LOWAT), SYM(TCP_CC_INFO),
	SYM(TCP_SAVE_SYN), SYM(TCP_SAVED_SYN), SYM(TCP_REPAIR_WINDOW),
	SYM(TCP_FASTOPEN_CONNECT), SYM(TCP_ULP), SYM(TCP_MD5SIG_EXT),
	SYM(TCP_FASTOPEN_KEY), SYM(TCP_FASTOPEN_NO_COOKIE),
	SYM(TCP_ZEROCOPY_RECEIVE), SYM(TCP_INQ), SYM(TCP_CM_INQ),
	SYM(TCP_TX_DELAY), SYM(TCP_IS_MPTCP), SYM(TCP_RTO_MAX_MS),
	SYM(TCP_RTO_MIN_US), SYM(TCP_DELACK_MAX_US),

	SYM(TCP_REPAIR_ON), SYM(TCP_REPAIR_OFF), SYM(TCP_REPAIR_OFF_NO_WP),
	SYM(TCP_NO_QUEUE), SYM(TCP_RECV_QUEUE), SYM(TCP_SEND_QUEUE),
	SYM_END
};

/* ---- IPPROTO_IP and IPPROTO_IPV6 options ------------------------------ */

static const struct tc_symbol ip_symbols[] = {
	SYM(IP_TOS), SYM(IP_TTL), SYM(IP_HDRINCL), SYM(IP_OPTIONS),
	SYM(IP_ROUTER_ALERT), SYM(IP_RECVOPTS), SYM(IP_RETOPTS),
	SYM(IP_PKTINFO), SYM(IP_PKTOPTIONS), SYM(IP_MTU_DISCOVER),
	SYM(IP_RECVERR), SYM(IP_RECVTTL), SYM(IP_RECVTOS), SYM(IP_MTU),
	SYM(IP_FREEBIND), SYM(IP_IPSEC_POLICY), SYM(IP_XFRM_POLICY),
	SYM(IP_PASSSEC), SYM(IP_TRANSPARENT), SYM(IP_ORIGDSTADDR),
	SYM(IP_RECVORIGDSTADDR), SYM(IP_MINTTL), SYM(IP_NODEFRAG),
	SYM(IP_CHECKSUM), SYM(IP_BIND_ADDRESS_NO_PORT), SYM(IP_RECVFRAGSIZE),
	SYM(IP_RECVERR_RFC4884), SYM(IP_MULTICAST_IF), SYM(IP_MULTICAST_TTL),
	SYM(IP_MULTICAST_LOOP), SYM(IP_ADD_MEMBERSHIP),
	SYM(IP_DROP_MEMBERSHIP), SYM(IP_UNICAST_IF), SYM(IP_MULTICAST_ALL),

	SYM(IP_PMTUDISC_DONT), SYM(IP_PMTUDISC_WANT), SYM(IP_PMTUDISC_DO),
	SYM(IP_PMTUDISC_PROBE), SYM(IP_PMTUDISC_INTERFACE),
	SYM(IP_PMTUDISC_OMIT),

	SYM(IPV6_ADDRFORM), SYM(IPV6_2292PKTINFO), SYM(IPV6_2292HOPOPTS),
	SYM(IPV6_2292DSTOPTS), SYM(IPV6_2292RTHDR), SYM(IPV6_2292PKTOPTIONS),
	SYM(IPV6_CHECKSUM), SYM(IPV6_2292HOPLIMIT), SYM(IPV6_NEXTHOP),
	SYM(IPV6_AUTHHDR), SYM(IPV6_UNICAST_HOPS), SYM(IPV6_MULTICAST_IF),
	SYM(IPV6_MULTICAST_HOPS), SYM(IPV6_MULTICAST_LOOP),
	SYM(IPV6_JOIN_GROUP), SYM(IPV6_LEAVE_GROUP), SYM(IPV6_ROUTER_ALERT),
	SYM(IPV6_MTU_DISCOVER), SYM(IPV6_MTU), SYM(IPV6_RECVERR),
	SYM(IPV6_V6ONLY), SYM(IPV6_JOIN_ANYCAST), SYM(IPV6_LEAVE_ANYCAST),
	SYM(IPV6_MULTICAST_ALL), SYM(IPV6_ROUTER_ALERT_ISOLATE),
	SYM(IPV6_RECVERR_RFC4884), SYM(IPV6_IPSEC_POLICY),
	SYM(IPV6_XFRM_POLICY), SYM(IPV6_HDRINCL), SYM(IPV6_RECVPKTINFO),
	SYM(IPV6_PKTINFO), SYM(IPV6_RECVHOPLIMIT), SYM(IPV6_HOPLIMIT),
	SYM(IPV6_RECVHOPOPTS), SYM(IPV6_HOPOPTS), SYM(IPV6_RTHDRDSTOPTS),
	SYM(IPV6_RECVRTHDR), SYM(IPV6_RTHDR), SYM(IPV6_RECVDSTOPTS),
	SYM(IPV6_DSTOPTS), SYM(IPV6_RECVPATHMTU), SYM(IPV6_PATHMTU),
	SYM(IPV6_DONTFRAG), SYM(IPV6_RECVTCLASS), SYM(IPV6_TCLASS),
	SYM(IPV6_AUTOFLOWLABEL), SYM(IPV6_ADDR_PREFERENCES),
	SYM(IPV6_MINHOPCOUNT), SYM(IPV6_ORIGDSTADDR),
	SYM(IPV6_RECVORIGDSTADDR), SYM(IPV6_TRANSPARENT),
	SYM(IPV6_UNICAST_IF), SYM(IPV6_RECVFRAGSIZE), SYM(IPV6_FREEBIND),
	/* <linux/in6.h> only (it clashes with <netinet/in.h>). */
	{ "IPV6_FLOWINFO", 11 },
	{ "IPV6_FLOWLABEL_MGR", 32 },
	{ "IPV6_FLOWINFO_SEND", 33 },

	SYM(IPV6_PMTUDISC_DONT), SYM(IPV6_PMTUDISC_WANT),
	SYM(IPV6_PMTUDISC_DO), SYM(IPV6_PMTUDISC_PROBE),
	SYM(IPV6_PMTUDISC_INTERFACE), SYM(IPV6_PMTUDISC_OMIT),
	SYM_END
};

/* ---- flag sets (also used to print values; bit order) ------------------ */

static const struct tc_symbol msg_symbols[] = {
	SYM(MSG_OOB), SYM(MSG_PEEK), SYM(MSG_DONTROUTE), SYM(MSG_CTRUNC),
	SYM(MSG_PROXY), SYM(MSG_TRUNC), SYM(MSG_DONTWAIT), SYM(MSG_EOR),
	SYM(MSG_WAITALL), SYM(MSG_FIN), SYM(MSG_SYN), SYM(MSG_CONFIRM),
	SYM(MSG_RST), SYM(MSG_ERRQUEUE), SYM(MSG_NOSIGNAL), SYM(MSG_MORE),
	SYM(MSG_WAITFORONE), SYM(MSG_BATCH), SYM(MSG_ZEROCOPY),
	SYM(MSG_FASTOPEN), SYM(MSG_CMSG_CLOEXEC),
	SYM(MSG_TRYHARD),		/* alias of MSG_DONTROUTE */
	SYM_END
};

/* Access modes first, then multi-bit flags before their parts. */
static const struct tc_symbol open_symbols[] = {
	SYM(O_RDONLY), SYM(O_WRONLY), SYM(O_RDWR), SYM(O_ACCMODE),
	SYM(O_CREAT), SYM(O_EXCL), SYM(O_NOCTTY), SYM(O_TRUNC),
	SYM(O_APPEND), SYM(O_NONBLOCK), SYM(O_SYNC), SYM(O_DSYNC),
	SYM(O_ASYNC), SYM(O_DIRECT), SYM(O_LARGEFILE), SYM(O_TMPFILE),
	SYM(O_DIRECTORY), SYM(O_NOFOLLOW), SYM(O_NOATIME), SYM(O_CLOEXEC),
	SYM(O_PATH),
	SYM(O_NDELAY), SYM(O_FSYNC), SYM(O_RSYNC),	/* aliases */
	SYM_END
};

static const struct tc_symbol poll_symbols[] = {
	SYM(POLLIN), SYM(POLLPRI), SYM(POLLOUT), SYM(POLLERR), SYM(POLLHUP),
	SYM(POLLNVAL), SYM(POLLRDNORM), SYM(POLLRDBAND), SYM(POLLWRNORM),
	SYM(POLLWRBAND), SYM(POLLMSG), SYM(POLLREMOVE), SYM(POLLRDHUP),
	SYM_END
};

static const struct tc_symbol epoll_symbols[] = {
	SYM(EPOLLIN), SYM(EPOLLPRI), SYM(EPOLLOUT), SYM(EPOLLERR),
	SYM(EPOLLHUP), SYM(EPOLLRDNORM), SYM(EPOLLRDBAND), SYM(EPOLLWRNORM),
	SYM(EPOLLWRBAND), SYM(EPOLLMSG), SYM(EPOLLRDHUP), SYM(EPOLLEXCLUSIVE),
	SYM(EPOLLWAKEUP), SYM(EPOLLONESHOT), SYM(EPOLLET),
	SYM_END
};

/* ---- fcntl, ioctl, epoll_ctl, splice ----------------------------------- */

static const struct tc_symbol misc_symbols[] = {
	SYM(F_DUPFD), SYM(F_GETFD), SYM(F_SETFD), SYM(F_GETFL), SYM(F_SETFL),
	SYM(F_GETLK), SYM(F_SETLK), SYM(F_SETLKW), SYM(F_SETOWN),
	SYM(F_GETOWN), SYM(F_SETSIG), SYM(F_GETSIG), SYM(F_SETOWN_EX),
	SYM(F_GETOWN_EX), SYM(F_OFD_GETLK), SYM(F_OFD_SETLK),
	SYM(F_OFD_SETLKW), SYM(F_SETLEASE), SYM(F_GETLEASE), SYM(F_NOTIFY),
	SYM(F_DUPFD_CLOEXEC), SYM(F_SETPIPE_SZ), SYM(F_GETPIPE_SZ),
	SYM(F_ADD_SEALS), SYM(F_GET_SEALS), SYM(F_RDLCK), SYM(F_WRLCK),
	SYM(F_UNLCK), SYM(FD_CLOEXEC),

	SYM(FIONREAD), SYM(FIONBIO), SYM(FIOASYNC), SYM(TIOCINQ),
	SYM(TIOCOUTQ), SYM(SIOCINQ), SYM(SIOCOUTQ), SYM(SIOCOUTQNSD),
	SYM(SIOCATMARK), SYM(SIOCGSTAMP), SYM(SIOCGSTAMPNS),

	SYM(EPOLL_CTL_ADD), SYM(EPOLL_CTL_DEL), SYM(EPOLL_CTL_MOD),
	SYM(EPOLL_CLOEXEC),

	SYM(SPLICE_F_MOVE), SYM(SPLICE_F_NONBLOCK), SYM(SPLICE_F_MORE),
	SYM(SPLICE_F_GIFT),
	SYM_END
};

/* ---- errno ------------------------------------------------------------ */

/* Every E* name of <errno.h> on Linux; aliases after the canonical name. */
static const struct tc_symbol errno_symbols[] = {
	SYM(EPERM), SYM(ENOENT), SYM(ESRCH), SYM(EINTR), SYM(EIO),
	SYM(ENXIO), SYM(E2BIG), SYM(ENOEXEC), SYM(EBADF), SYM(ECHILD),
	SYM(EAGAIN), SYM(ENOMEM), SYM(EACCES), SYM(EFAULT), SYM(ENOTBLK),
	SYM(EBUSY), SYM(EEXIST), SYM(EXDEV), SYM(ENODEV), SYM(ENOTDIR),
	SYM(EISDIR), SYM(EINVAL), SYM(ENFILE), SYM(EMFILE), SYM(ENOTTY),
	SYM(ETXTBSY), SYM(EFBIG), SYM(ENOSPC), SYM(ESPIPE), SYM(EROFS),
	SYM(EMLINK), SYM(EPIPE), SYM(EDOM), SYM(ERANGE), SYM(EDEADLK),
	SYM(ENAMETOOLONG), SYM(ENOLCK), SYM(ENOSYS), SYM(ENOTEMPTY),
	SYM(ELOOP), SYM(ENOMSG), SYM(EIDRM), SYM(ECHRNG), SYM(EL2NSYNC),
	SYM(EL3HLT), SYM(EL3RST), SYM(ELNRNG), SYM(EUNATCH), SYM(ENOCSI),
	SYM(EL2HLT), SYM(EBADE), SYM(EBADR), SYM(EXFULL), SYM(ENOANO),
	SYM(EBADRQC), SYM(EBADSLT), SYM(EBFONT), SYM(ENOSTR), SYM(ENODATA),
	SYM(ETIME), SYM(ENOSR), SYM(ENONET), SYM(ENOPKG), SYM(EREMOTE),
	SYM(ENOLINK), SYM(EADV), SYM(ESRMNT), SYM(ECOMM), SYM(EPROTO),
	SYM(EMULTIHOP), SYM(EDOTDOT), SYM(EBADMSG), SYM(EOVERFLOW),
	SYM(ENOTUNIQ), SYM(EBADFD), SYM(EREMCHG), SYM(ELIBACC), SYM(ELIBBAD),
	SYM(ELIBSCN), SYM(ELIBMAX), SYM(ELIBEXEC), SYM(EILSEQ), SYM(ERESTART),
	SYM(ESTRPIPE), SYM(EUSERS), SYM(ENOTSOCK), SYM(EDESTADDRREQ),
	SYM(EMSGSIZE), SYM(EPROTOTYPE), SYM(ENOPROTOOPT),
	SYM(EPROTONOSUPPORT), SYM(ESOCKTNOSUPPORT), SYM(EOPNOTSUPP),
	SYM(EPFNOSUPPORT), SYM(EAFNOSUPPORT), SYM(EADDRINUSE),
	SYM(EADDRNOTAVAIL), SYM(ENETDOWN), SYM(ENETUNREACH), SYM(ENETRESET),
	SYM(ECONNABORTED), SYM(ECONNRESET), SYM(ENOBUFS), SYM(EISCONN),
	SYM(ENOTCONN), SYM(ESHUTDOWN), SYM(ETOOMANYREFS), SYM(ETIMEDOUT),
	SYM(ECONNREFUSED), SYM(EHOSTDOWN), SYM(EHOSTUNREACH), SYM(EALREADY),
	SYM(EINPROGRESS), SYM(ESTALE), SYM(EUCLEAN), SYM(ENOTNAM),
	SYM(ENAVAIL), SYM(EISNAM), SYM(EREMOTEIO), SYM(EDQUOT),
	SYM(ENOMEDIUM), SYM(EMEDIUMTYPE), SYM(ECANCELED), SYM(ENOKEY),
	SYM(EKEYEXPIRED), SYM(EKEYREVOKED), SYM(EKEYREJECTED),
	SYM(EOWNERDEAD), SYM(ENOTRECOVERABLE), SYM(ERFKILL), SYM(EHWPOISON),
	/* aliases */
	SYM(EWOULDBLOCK), SYM(EDEADLOCK), SYM(ENOTSUP),
	SYM_END
};

/* Searched in this order; errno names last, for cmsg fields (ee_errno=). */
static const struct tc_symbol *const all_tables[] = {
	socket_symbols, so_symbols, sof_symbols, tcp_symbols, ip_symbols,
	msg_symbols, open_symbols, poll_symbols, epoll_symbols, misc_symbols,
	errno_symbols, NULL
};

static const struct tc_symbol *find_name(const struct tc_symbol *t,
					 const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

int tc_symbol_lookup(const char *name, int64_t *value)
{
	for (int i = 0; all_tables[i]; i++) {
		const struct tc_symbol *s = find_name(all_tables[i], name);

		if (s) {
			*value = s->value;
			return 0;
		}
	}
	return -1;
}

int tc_errno_lookup(const char *name, int *value)
{
	const struct tc_symbol *s = find_name(errno_symbols, name);

	if (!s)
		return -1;
	*value = (int)s->value;
	return 0;
}

const char *tc_errno_name(int value)
{
	for (const struct tc_symbol *s = errno_symbols; s->name; s++)
		if (s->value == value)
			return s->name;
	return NULL;
}

/*
 * Print value as NAME|NAME|0xrest.  field_mask selects a multi-valued
 * field printed first by exact match (the O_ access mode); every other
 * non-zero entry is a flag, taken when all its bits are set.
 */
static void format_flags(const struct tc_symbol *t, int64_t field_mask,
			 int64_t value, struct strbuf *out)
{
	uint64_t rest = (uint64_t)value;
	size_t start = out->len;

	if (field_mask) {
		for (const struct tc_symbol *s = t; s->name; s++) {
			if ((s->value & ~field_mask) == 0 &&
			    s->value == (value & field_mask)) {
				strbuf_addstr(out, s->name);
				break;
			}
		}
		rest &= ~(uint64_t)field_mask;
	}
	for (const struct tc_symbol *s = t; s->name && rest; s++) {
		uint64_t v = (uint64_t)s->value;

		if (!v || (field_mask && (s->value & field_mask)))
			continue;
		if ((rest & v) == v) {
			if (out->len > start)
				strbuf_addch(out, '|');
			strbuf_addstr(out, s->name);
			rest &= ~v;
		}
	}
	if (rest) {
		if (out->len > start)
			strbuf_addch(out, '|');
		strbuf_addf(out, "0x%" PRIx64, rest);
	}
	if (out->len == start)
		strbuf_addch(out, '0');
}

void tc_symbol_format_flags(enum tc_flag_set set, int64_t value,
			    struct strbuf *out)
{
	switch (set) {
	case TC_FLAGS_POLL:
		format_flags(poll_symbols, 0, value, out);
		break;
	case TC_FLAGS_EPOLL:
		format_flags(epoll_symbols, 0, value, out);
		break;
	case TC_FLAGS_MSG:
		format_flags(msg_symbols, 0, value, out);
		break;
	case TC_FLAGS_OPEN:
		format_flags(open_symbols, O_ACCMODE, value, out);
		break;
	}
}
