/* config.c: see config.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

enum opt_type {
	OPT_FLAG,	/* bool, no value */
	OPT_INT,	/* int or int64_t with bounds */
	OPT_USECS,	/* int64_t microseconds */
	OPT_PERCENT,	/* double 0..100 */
	OPT_ADDR,	/* IPv4 or IPv6 address string, optionally /prefix */
	OPT_SPECIAL,	/* handled in set_special() */
	OPT_IGNORED,	/* accepted for packetdrill compatibility, no effect here */
	OPT_IGNORED_FLAG,
};

struct opt {
	const char *name;
	enum opt_type type;
	size_t offset;		/* into struct tc_config */
	size_t size;		/* of the field (OPT_INT) */
	int64_t min, max;
	const char *help;
};

#define F(field) offsetof(struct tc_config, field), sizeof(((struct tc_config *)0)->field)

static const struct opt options[] = {
	{ "tolerance_usecs", OPT_USECS, F(tolerance_usecs), 0, 60000000,
	  "allowed timing error in microseconds (default 4000)" },
	{ "tolerance_percent", OPT_PERCENT, F(tolerance_percent), 0, 100,
	  "allowed timing error as a percentage of the gap since the previous event (default 12.5)" },
	{ "strict", OPT_FLAG, F(strict), 0, 1,
	  "fail on an outbound segment that no '>' line accounts for" },
	{ "strict_wait_usecs", OPT_USECS, F(strict_wait_usecs), 0, 60000000,
	  "with --strict, how long to watch for segments after the last event (default 200000)" },
	{ "strict_segments", OPT_FLAG, F(strict_segments), 0, 1,
	  "one captured segment per '>' line: no aggregation of GSO/TSO segments" },
	{ "no_tso", OPT_FLAG, F(no_tso), 0, 1,
	  "turn TSO and tx checksumming off on tun0: MSS-sized segments on the wire\n"
	  "      (packetdrill's tun has both on: the kernel's TSO frames are judged whole)" },
	{ "ip_version", OPT_SPECIAL, 0, 0, 0, 0,
	  "ipv4 (default), ipv4-mapped-ipv6 (AF_INET6 sockets, IPv4 wire) or ipv6" },
	{ "local_ip", OPT_ADDR, F(local_ip), 0, 0,
	  "address of the kernel under test, optionally /prefix\n"
	  "      (default 192.168.0.1; ipv6: fd3d:fa7b:d17d::1/48)" },
	{ "remote_ip", OPT_ADDR, F(remote_ip), 0, 0,
	  "address of the scripted remote end, optionally /prefix\n"
	  "      (default 192.0.2.1/24; ipv6: 2001:db8::1/32)" },
	{ "gateway_ip", OPT_ADDR, F(gateway_ip), 0, 0,
	  "the host route to the remote goes through it (default 192.168.0.1;\n"
	  "      ipv6: fd3d:fa7b:d17d:8888::), as in packetdrill" },
	{ "netmask_ip", OPT_SPECIAL, 0, 0, 0, 0,
	  "netmask of the local IPv4 address (default 255.255.0.0; ignored for ipv6)" },
	{ "bind_port", OPT_INT, F(bind_port), 1, 65535,
	  "port that bind(..., ...) uses (default 8080)" },
	{ "connect_port", OPT_INT, F(connect_port), 1, 65535,
	  "port that connect(..., ...) uses (default 8080)" },
	{ "remote_port", OPT_INT, F(remote_port), 1, 65535,
	  "the remote end's port for passive opens (default 40000)" },
	{ "mtu", OPT_INT, F(mtu), 68, 65535,
	  "MTU of tun0 and its veth peer (default 1500; IPv6 needs at least 1280)" },
	{ "tcp_ts_tick_usecs", OPT_USECS, F(tcp_ts_tick_usecs), 0, 1000000,
	  "judge the kernel's TS val with this tick (default 0: not judged)" },
	{ "tcp_ts_ecr_scaled", OPT_FLAG, F(tcp_ts_ecr_scaled), 0, 1,
	  "map an inbound TS ecr with no exact match by interpolation" },
	{ "tcp_ts_ecr_check", OPT_INT, F(tcp_ts_ecr_check), 0, 2,
	  "1: the kernel's TS ecr must be TS.Recent, the TS val of the last acceptable\n"
	  "      segment at or before its Last.ACK.sent (RFC 7323 4.3); 2: as each '>' line\n"
	  "      writes it; 0: not checked (default: 1 with --strict, else 0)" },
	{ "tcp_ts_val_check", OPT_INT, F(tcp_ts_val_check), 0, 1,
	  "1: the kernel's TS val must never go below its previous one on the connection\n"
	  "      (RFC 7323 5.4); 0: not checked (default: 1 with --strict, else 0)" },
	{ "tcp_isn_reuse", OPT_USECS, F(tcp_isn_reuse), 0, 4294967295LL,
	  "N: a connection on the 4-tuple of the one before must have ISN = that one's\n"
	  "      SND.NXT + N (Linux, taking a 4-tuple over from TIME_WAIT: 65537; default off)" },
	{ "tcp_isn_clock_ns", OPT_USECS, F(tcp_isn_clock_ns), 0, 1000000000,
	  "N: successive ISNs on one 4-tuple must advance one per N ns of the time between\n"
	  "      their SYNs, within the tolerance (RFC 6528; Linux: 64; default 0: off)" },
	{ "non_fatal", OPT_SPECIAL, 0, 0, 0, 0,
	  "packet: packet mismatches are warnings (syscall is accepted, no effect)" },
	{ "verbose", OPT_FLAG, F(verbose), 0, 1, "print each injected and captured segment and each system call" },
	{ "no_direct_commands", OPT_FLAG, F(no_direct_commands), 0, 1,
	  "run every command with /bin/sh -c: never apply its sysctl settings, TCP metrics\n"
	  "      flush and root qdisc directly (doc/user-guide.md, \"Commands\")" },
	{ "no_direct_code", OPT_FLAG, F(no_direct_code), 0, 1,
	  "run every %{ }% block with python3: never evaluate assertions about integers\n"
	  "      directly (doc/user-guide.md, \"Code blocks\")" },
	{ "dry_run", OPT_FLAG, F(dry_run), 0, 1, "parse and check the script, run nothing" },
	{ "realtime", OPT_INT, F(realtime), 0, 99,
	  "SCHED_FIFO priority of the run's own threads while the script runs, so that other\n"
	  "      runs' namespace setup and teardown do not delay its timed events (default 10;\n"
	  "      0: ordinary scheduling; commands and python3 always run at ordinary priority;\n"
	  "      a script's own option line may ask for at most 10, the command line up to 99)" },
	{ "define", OPT_SPECIAL, 0, 0, 0, 0, "NAME=VALUE: replace the word NAME in the script" },
	{ "mss", OPT_INT, F(mss), 1, 65535,
	  "inbound TCP segments with more payload than this go as GSO packets of this\n"
	  "      segment size, as packetdrill's tun does (default 0: only those above the\n"
	  "      MTU, with the segment size of a full-MTU frame)" },
	{ "speed", OPT_IGNORED, 0, 0, 0, 0, "accepted, no effect" },
	{ "init_scripts", OPT_IGNORED, 0, 0, 0, 0, "accepted, no effect yet" },
	{ "send_omit_free", OPT_IGNORED_FLAG, 0, 0, 0, 0, "accepted, no effect" },
	{ "debug", OPT_IGNORED_FLAG, 0, 0, 0, 0, "accepted, no effect" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

void tc_config_init(struct tc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->pcap_fd = -1;
	cfg->priority_fd = -1;
	cfg->go_fd = -1;
	cfg->tolerance_usecs = 4000;
	cfg->tolerance_percent = 12.5;
	cfg->strict_wait_usecs = 200000;
	cfg->ip_version = TC_IPV4;
	strcpy(cfg->local_ip, "192.168.0.1");
	cfg->local_prefix = 16;
	cfg->netmask_prefix = 16;
	strcpy(cfg->remote_ip, "192.0.2.1");
	cfg->remote_prefix = 24;
	strcpy(cfg->gateway_ip, "192.168.0.1");
	cfg->bind_port = 8080;
	cfg->connect_port = 8080;
	cfg->remote_port = 40000;
	cfg->capture_wait_usecs = 2000000;
	cfg->any_wait_usecs = 30000000;
	cfg->realtime = 10;
	cfg->tcp_ts_ecr_check = -1;
	cfg->tcp_ts_val_check = -1;
	cfg->tcp_isn_reuse = -1;
}

int tc_config_check(const struct tc_config *cfg, int setting)
{
	return setting < 0 ? cfg->strict : setting;
}

void tc_config_release(struct tc_config *cfg)
{
	for (int i = 0; i < cfg->n_defines; i++)
		free(cfg->define_store[i]);
	cfg->n_defines = 0;
}

static const struct opt *find(const char *name)
{
	for (const struct opt *o = options; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* packetdrill's options that tcpconform leaves out, and why. */
static const struct {
	const char *name, *why;
} unsupported[] = {
#define WIRE "packetdrill's two-machine wire mode; tcpconform runs the kernel under test on " \
	"this machine, in network namespaces of its own, or in a --kernel guest"
	{ "wire_client", WIRE },
	{ "wire_server", WIRE },
	{ "wire_server_ip", WIRE },
	{ "wire_server_at", WIRE },
	{ "wire_server_port", WIRE },
	{ "wire_client_dev", WIRE },
	{ "wire_server_dev", WIRE },
#undef WIRE
#define SO "packetdrill's user-space stack in a shared object; tcpconform tests the kernel's own TCP"
	{ "so_filename", SO },
	{ "so_flags", SO },
#undef SO
#define CODE "%{ }% blocks always run with python3 over the socket's TCP_INFO (tcpi_* names)"
	{ "code_command", CODE },
	{ "code_format", CODE },
	{ "code_sockopt", CODE },
#undef CODE
	{ "is_anyip", "the local address is always the interface's own (no any-IP route)" },
	{ "psp_udp_port", "PSP encapsulation is not implemented" },
};

void tc_config_unknown(const char *name, const char *const *more, char *buf, size_t size)
{
	const char *best = NULL;
	int best_d = TC_NEAR_EDITS + 1;

	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (!strcmp(name, unsupported[i].name)) {
			snprintf(buf, size, "option '%s' is not supported: %s", name,
				 unsupported[i].why);
			return;
		}
	}
	for (const struct opt *o = options; o->name; o++) {
		int d = tc_edits(name, o->name);

		if (d < best_d)
			best_d = d, best = o->name;
	}
	for (; more && *more; more++) {
		int d = tc_edits(name, *more);

		if (d < best_d)
			best_d = d, best = *more;
	}
	if (best)
		snprintf(buf, size, "option '%s' unknown (did you mean '%s'?)", name, best);
	else
		snprintf(buf, size, "option '%s' unknown", name);
}

int tc_config_takes_value(const char *name)
{
	const struct opt *o = find(name);

	if (!o)
		return -1;
	return !(o->type == OPT_FLAG || o->type == OPT_IGNORED_FLAG);
}

static int parse_int(const char *name, const char *v, int64_t min, int64_t max,
		     int64_t *out, struct tc_error *err)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 0);
	if (errno || end == v || *end || n < min || n > max)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "bad value '%s' for option '%s' (expected an integer from %lld to %lld)",
				    v, name, (long long)min, (long long)max);
	*out = n;
	return 0;
}

/* Index into cfg->src[] of an address option. */
enum { SRC_LOCAL, SRC_REMOTE, SRC_GATEWAY, SRC_NETMASK, SRC_MTU, SRC_REALTIME };

static int src_index(const char *name)
{
	if (!strcmp(name, "local_ip"))
		return SRC_LOCAL;
	if (!strcmp(name, "remote_ip"))
		return SRC_REMOTE;
	if (!strcmp(name, "gateway_ip"))
		return SRC_GATEWAY;
	if (!strcmp(name, "netmask_ip"))
		return SRC_NETMASK;
	if (!strcmp(name, "mtu"))
		return SRC_MTU;
	if (!strcmp(name, "realtime"))
		return SRC_REALTIME;
	return -1;
}

/* An IPv4 or IPv6 address, optionally /prefix; whether it is of the
 * family the IP version needs is tc_config_finalize()'s to say. */
static int set_addr(struct tc_config *cfg, const struct opt *o, const char *v,
		    struct tc_error *err)
{
	char addr[64];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	struct in6_addr a;
	int family = AF_INET, i = src_index(o->name);

	if (n >= sizeof(addr))
		n = sizeof(addr) - 1;
	memcpy(addr, v, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1) {
		if (inet_pton(AF_INET6, addr, &a) != 1)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "bad value '%s' for option '%s' (expected an IPv4 or IPv6 address)",
					    v, o->name);
		family = AF_INET6;
	}
	if (slash) {
		int64_t p;

		if (parse_int(o->name, slash + 1, 0, family == AF_INET ? 32 : 128,
			      &p, err) < 0)
			return -1;
		if (i == SRC_REMOTE)
			cfg->remote_prefix = (int)p;
		else if (i == SRC_LOCAL)
			cfg->local_prefix = (int)p;
	}
	strcpy((char *)cfg + o->offset, addr);
	if (i >= 0) {
		cfg->src[i].set = true;
		cfg->src[i].prefix_set = slash != NULL;
		cfg->src[i].line = cfg->src[i].col = 0;
	}
	return 0;
}

static int add_define(struct tc_config *cfg, const char *v, struct tc_error *err)
{
	const char *eq = strchr(v, '=');
	char *copy;

	if (!eq || eq == v)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "bad definition '%s' (expected NAME=VALUE)", v);
	if (cfg->n_defines == TC_MAX_DEFINES)
		return tc_error_set(err, TC_ERR_SCRIPT, "too many definitions");
	copy = xstrdup(v);
	copy[eq - v] = '\0';
	/* A later definition of the same name replaces an earlier one. */
	for (int i = 0; i < cfg->n_defines; i++) {
		if (!strcmp(cfg->defines[i].name, copy)) {
			free(cfg->define_store[i]);
			cfg->define_store[i] = copy;
			cfg->defines[i].name = copy;
			cfg->defines[i].value = copy + (eq - v) + 1;
			return 0;
		}
	}
	cfg->define_store[cfg->n_defines] = copy;
	cfg->defines[cfg->n_defines].name = copy;
	cfg->defines[cfg->n_defines].value = copy + (eq - v) + 1;
	cfg->n_defines++;
	return 0;
}

static int set_special(struct tc_config *cfg, const struct opt *o,
		       const char *v, struct tc_error *err)
{
	if (!strcmp(o->name, "ip_version")) {
		int iv = tc_ip_version_parse(v);

		if (!iv)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "bad value '%s' for option 'ip_version' (expected ipv4, ipv6 or ipv4-mapped-ipv6)", v);
		cfg->ip_version = iv;
		return 0;
	}
	if (!strcmp(o->name, "netmask_ip")) {
		struct in_addr a;
		uint32_t m;
		int bits = 0;

		if (inet_pton(AF_INET, v, &a) != 1)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "bad value '%s' for option 'netmask_ip' (expected an IPv4 netmask)", v);
		m = ntohl(a.s_addr);
		while (m & 0x80000000u) {
			bits++;
			m <<= 1;
		}
		if (m)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "bad value '%s' for option 'netmask_ip' (not a contiguous netmask)", v);
		cfg->netmask_prefix = bits;
		cfg->src[SRC_NETMASK].set = true;
		cfg->src[SRC_NETMASK].line = cfg->src[SRC_NETMASK].col = 0;
		return 0;
	}
	if (!strcmp(o->name, "non_fatal")) {
		char buf[128];
		char *save = NULL, *tok;

		snprintf(buf, sizeof(buf), "%s", v);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "packet"))
				cfg->non_fatal_packet = true;
			else if (strcmp(tok, "syscall"))
				return tc_error_set(err, TC_ERR_SCRIPT,
						    "bad value '%s' for option 'non_fatal' (expected packet or syscall)", tok);
		}
		return 0;
	}
	if (!strcmp(o->name, "define"))
		return add_define(cfg, v, err);
	return tc_error_set(err, TC_ERR_SCRIPT, "option '%s' unknown", o->name);
}

int tc_config_set(struct tc_config *cfg, const char *name, const char *value,
		  struct tc_error *err)
{
	const struct opt *o = find(name);
	char *field;
	int64_t n;

	if (!o) {
		char msg[256];

		tc_config_unknown(name, NULL, msg, sizeof(msg));
		return tc_error_set(err, TC_ERR_SCRIPT, "%s", msg);
	}
	field = (char *)cfg + o->offset;
	if (o->type == OPT_FLAG || o->type == OPT_IGNORED_FLAG) {
		if (value)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "option '%s' takes no value", name);
		if (o->type == OPT_FLAG)
			*(bool *)field = true;
		return 0;
	}
	if (!value)
		return tc_error_set(err, TC_ERR_SCRIPT, "option '%s' needs a value", name);
	switch (o->type) {
	case OPT_INT: {
		int k = src_index(name);

		if (parse_int(name, value, o->min, o->max, &n, err) < 0)
			return -1;
		*(int *)field = (int)n;
		if (k >= 0) {
			cfg->src[k].set = true;
			cfg->src[k].line = cfg->src[k].col = 0;
		}
		return 0;
	}
	case OPT_USECS:
		if (parse_int(name, value, o->min, o->max, &n, err) < 0)
			return -1;
		*(int64_t *)field = n;
		return 0;
	case OPT_PERCENT: {
		char *end;
		double d;

		errno = 0;
		d = strtod(value, &end);
		if (errno || end == value || *end || d < 0 || d > 100)
			return tc_error_set(err, TC_ERR_SCRIPT,
					    "bad value '%s' for option '%s' (expected a percentage from 0 to 100)",
					    value, name);
		*(double *)field = d;
		return 0;
	}
	case OPT_ADDR:
		return set_addr(cfg, o, value, err);
	case OPT_SPECIAL:
		return set_special(cfg, o, value, err);
	case OPT_IGNORED:
		return 0;
	case OPT_FLAG:
	case OPT_IGNORED_FLAG:
		break;
	}
	return 0;
}

int tc_config_apply_script(struct tc_config *cfg, const struct tc_script *s,
			   struct tc_error *err)
{
	for (int i = 0; i < s->n_options; i++) {
		const struct tc_script_option *so = &s->options[i];

		int k = src_index(so->name);

		if (tc_config_set(cfg, so->name, so->value, err) < 0) {
			err->file = s->path;
			err->line = so->line;
			err->col = so->col;
			return -1;
		}
		if (k >= 0) {
			cfg->src[k].line = so->line;
			cfg->src[k].col = so->col;
		}
	}
	return 0;
}

static const struct {
	int v;
	const char *name;
} ip_versions[] = {
	{ TC_IPV4, "ipv4" },
	{ TC_IPV4_MAPPED_IPV6, "ipv4-mapped-ipv6" },
	{ TC_IPV6, "ipv6" },
	{ 0, NULL },
};

const char *tc_ip_version_name(int v)
{
	for (int i = 0; ip_versions[i].name; i++)
		if (ip_versions[i].v == v)
			return ip_versions[i].name;
	return NULL;
}

int tc_ip_version_parse(const char *s)
{
	for (int i = 0; ip_versions[i].name; i++)
		if (!strcmp(ip_versions[i].name, s))
			return ip_versions[i].v;
	return 0;
}

/* The error about option k's value, at its script line if it has one. */
static int addr_error(struct tc_config *cfg, int k, const char *path,
		      struct tc_error *err, const char *fmt, const char *what)
{
	static const char *const names[] = { "local_ip", "remote_ip", "gateway_ip",
					     "netmask_ip", "mtu", "realtime" };

	tc_error_set(err, TC_ERR_SCRIPT, fmt, what, names[k],
		     tc_ip_version_name(cfg->ip_version));
	if (cfg->src[k].line > 0) {
		err->file = path;
		err->line = cfg->src[k].line;
		err->col = cfg->src[k].col;
	}
	return -1;
}

int tc_config_finalize(struct tc_config *cfg, const char *path,
		       struct tc_error *err)
{
	bool v6 = cfg->ip_version == TC_IPV6;
	int family = v6 ? AF_INET6 : AF_INET;
	char *addrs[3] = { cfg->local_ip, cfg->remote_ip, cfg->gateway_ip };
	static const char *const dflt4[3] = { "192.168.0.1", "192.0.2.1", "192.168.0.1" };
	static const char *const dflt6[3] = { "fd3d:fa7b:d17d::1", "2001:db8::1",
					      "fd3d:fa7b:d17d:8888::" };
	struct in6_addr a, b;

	for (int k = 0; k < 3; k++) {
		if (!cfg->src[k].set) {
			strcpy(addrs[k], v6 ? dflt6[k] : dflt4[k]);
			continue;
		}
		if (inet_pton(family, addrs[k], &a) != 1)
			return addr_error(cfg, k, path, err,
					  "'%s' given for option '%s' is not an address of the wire's family (--ip_version=%s)",
					  addrs[k]);
	}
	if (v6 && cfg->mtu && cfg->mtu < 1280) {
		char mtu[16];

		snprintf(mtu, sizeof(mtu), "%d", cfg->mtu);
		return addr_error(cfg, SRC_MTU, path, err,
				  "bad value '%s' for option '%s' (IPv6 needs an MTU of at least 1280; --ip_version=%s)",
				  mtu);
	}
	if (cfg->realtime > TC_REALTIME_SCRIPT_MAX && cfg->src[SRC_REALTIME].line > 0) {
		char rt[16];

		snprintf(rt, sizeof(rt), "%d", cfg->realtime);
		tc_error_set(err, TC_ERR_SCRIPT,
			     "bad value '%s' for option 'realtime' (a script may ask for a SCHED_FIFO priority of at most %d; a higher one only on the command line)",
			     rt, TC_REALTIME_SCRIPT_MAX);
		err->file = path;
		err->line = cfg->src[SRC_REALTIME].line;
		err->col = cfg->src[SRC_REALTIME].col;
		return -1;
	}
	if (!cfg->src[SRC_LOCAL].prefix_set)
		cfg->local_prefix = v6 ? 48 : cfg->netmask_prefix;
	if (!cfg->src[SRC_REMOTE].prefix_set)
		cfg->remote_prefix = v6 ? 32 : 24;
	inet_pton(family, cfg->local_ip, &a);
	inet_pton(family, cfg->remote_ip, &b);
	if (!memcmp(&a, &b, v6 ? 16 : 4))
		return addr_error(cfg, cfg->src[SRC_REMOTE].set ? SRC_REMOTE : SRC_LOCAL,
				  path, err,
				  "'%s' given for option '%s' is also the other end's address (--ip_version=%s)",
				  cfg->src[SRC_REMOTE].set ? cfg->remote_ip : cfg->local_ip);
	return 0;
}

void tc_config_help(struct strbuf *out)
{
	for (const struct opt *o = options; o->name; o++) {
		int takes = !(o->type == OPT_FLAG || o->type == OPT_IGNORED_FLAG);

		strbuf_addf(out, "  --%s%s\n      %s\n", o->name, takes ? "=VALUE" : "",
			    o->help);
	}
}
