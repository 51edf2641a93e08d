/*
 * config.h: run settings, from a script's option lines and the command line.
 *
 * One table (config.c) names every option, its argument and its help
 * text; it drives parsing of both the script's `--name=value` lines and the
 * command line, and the --help output, so the three cannot drift apart.
 * A script's options are applied first, the command line's after them, so
 * the command line wins (as in packetdrill).
 */
#ifndef TC_CONFIG_H
#define TC_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "script.h"

struct tc_error;
struct tc_record;

#define TC_MAX_DEFINES 64
/* The highest SCHED_FIFO priority a script's option line may ask for (the
 * default): more only from the command line, the operator's choice. */
#define TC_REALTIME_SCRIPT_MAX 10

/* --ip_version: the numbers are also the suite runner's column versions. */
enum tc_ip_version {
	TC_IPV4 = 4,			/* AF_INET sockets, IPv4 wire */
	TC_IPV6 = 6,			/* AF_INET6 sockets, IPv6 wire */
	TC_IPV4_MAPPED_IPV6 = 46,	/* AF_INET6 sockets on ::ffff:a.b.c.d, IPv4 wire */
};

/* "ipv4", "ipv6", "ipv4-mapped-ipv6"; NULL for anything else. */
const char *tc_ip_version_name(int v);
/* The version named s, or 0. */
int tc_ip_version_parse(const char *s);

/* One sysctl a profile sets, applied in the kernel-under-test namespace
 * before the script starts; where it came from, for messages. */
struct tc_sysctl {
	const char *key;	/* "net.ipv4.tcp_rfc1337" */
	const char *value;
	const char *file;	/* the profile file */
	int line;
};

struct tc_config {
	int64_t tolerance_usecs;	/* 4000 */
	double tolerance_percent;	/* 12.5 */
	bool strict;			/* unexpected outbound segments fail */
	int64_t strict_wait_usecs;	/* --strict: watch this long after the last event */
	bool strict_segments;		/* no GSO aggregation */
	bool no_tso;			/* tun0 without TSO and tx checksumming */
	int ip_version;			/* TC_IPV4 (default), TC_IPV4_MAPPED_IPV6, TC_IPV6 */
	/* Addresses as given; tc_config_finalize() fills in the defaults of
	 * the IP version for those not given and checks their family. */
	char local_ip[64];		/* 192.168.0.1; IPv6: fd3d:fa7b:d17d::1 */
	int local_prefix;		/* 16; IPv6: 48 */
	int netmask_prefix;		/* --netmask_ip: 16 (IPv4 only) */
	char remote_ip[64];		/* 192.0.2.1; IPv6: 2001:db8::1 */
	int remote_prefix;		/* 24; IPv6: 32 */
	char gateway_ip[64];		/* the host route to the remote goes through it */
	/* Which were given (by an option), and where in the script (line 0:
	 * the command line, or not given): local_ip, remote_ip, gateway_ip,
	 * netmask_ip, mtu, realtime. */
	struct tc_config_src {
		bool set;
		bool prefix_set;	/* local_ip/N or remote_ip/N */
		int line, col;
	} src[6];
	int bind_port;			/* 8080 */
	int connect_port;		/* 8080 */
	int remote_port;		/* the remote's port for passive opens */
	int mtu;			/* 0: default 1500 */
	int mss;			/* gso_size of inbound segments, 0: by MTU */
	int64_t tcp_ts_tick_usecs;	/* 0: outbound TS val not judged */
	bool tcp_ts_ecr_scaled;
	/* The checks packetdrill skips: 1 on, 0 off, -1 (default) as
	 * --strict says (tc_config_check). */
	int tcp_ts_ecr_check;		/* the kernel's TS ecr is TS.Recent (1) or
					 * as each line writes it (2) */
	int tcp_ts_val_check;		/* its TS val never goes back */
	int64_t tcp_isn_reuse;		/* -1: off; else the ISN of a connection on
					 * the 4-tuple of the one before is that
					 * one's SND.NXT + this */
	int64_t tcp_isn_clock_ns;	/* 0: off; else successive ISNs on one
					 * 4-tuple advance one per this many ns */
	bool non_fatal_packet;
	bool verbose;
	bool dry_run;
	bool no_direct_commands;	/* every command through /bin/sh -c */
	bool no_direct_code;		/* every %{ }% block through python3 */
	int realtime;			/* SCHED_FIFO priority of the engine, 0: off;
					 * a script's own line may ask for at most
					 * TC_REALTIME_SCRIPT_MAX */
	int64_t capture_wait_usecs;	/* extra wait for an outbound packet: 2 s */
	int64_t any_wait_usecs;		/* cap for '*' times: 30 s */
	/* Set by the suite runner; not owned by the config. */
	const struct tc_sysctl *sysctls;
	int n_sysctls;
	/* Write both directions here as a pcap file (a fresh, empty file of
	 * the runner's, which renames it into place; the engine writes
	 * through a dup of it), or -1. */
	int pcap_fd;
	bool pcapng;			/* pcap_fd gets pcapng, each packet with
					 * a comment naming its script line */
	/* Or NULL: the engine records each event here (result.h). */
	struct tc_record *record;
	/* Where the engine, in a user namespace of its own, asks for its
	 * SCHED_FIFO priority (the run's reaper, outside it answers), or -1. */
	int priority_fd;
	/* A run prepared ahead by the suite runner waits here, its
	 * environment made, for one byte before its first event (EOF: the
	 * runner is gone or has cancelled it); -1 to start at once. */
	int go_fd;

	struct tc_define defines[TC_MAX_DEFINES];
	int n_defines;
	char *define_store[TC_MAX_DEFINES]; /* owned copies behind defines[] */
};

void tc_config_init(struct tc_config *cfg);
void tc_config_release(struct tc_config *cfg);

/*
 * Apply one option by name (without "--"); value may be NULL for flags.
 * Returns 0, or -1 with err (TC_ERR_SCRIPT) for an unknown option, a
 * missing or extra value, or a bad value.
 */
int tc_config_set(struct tc_config *cfg, const char *name, const char *value,
		  struct tc_error *err);

/* Apply a script's option lines; errors carry the option's line/col. */
int tc_config_apply_script(struct tc_config *cfg, const struct tc_script *s,
			   struct tc_error *err);

/*
 * After every option is applied: fill in the addresses the IP version
 * defaults to (packetdrill's: IPv4 and IPv4-mapped IPv6 192.168.0.1/16
 * and 192.0.2.1/24; IPv6 fd3d:fa7b:d17d::1/48 and 2001:db8::1/32) and
 * check that the given ones are of the wire's family, that an IPv6 wire
 * has an MTU of at least 1280 (RFC 8200 §5), and that a --realtime the
 * script's own line asks for (the command line gave none) is at most
 * TC_REALTIME_SCRIPT_MAX.  path names the
 * script for errors about its option lines.  Returns 0, or -1 with err
 * (TC_ERR_SCRIPT).  Idempotent.
 */
int tc_config_finalize(struct tc_config *cfg, const char *path,
		       struct tc_error *err);

/* A check's setting (-1: 1 with --strict, else 0). */
int tc_config_check(const struct tc_config *cfg, int setting);

/* Is name an option this table knows, and does it take a value?
 * Returns -1 unknown, 0 flag, 1 takes a value. */
int tc_config_takes_value(const char *name);

/*
 * The message for an option name (without "--") that is not one:
 * "option 'X' is not supported: WHY" for packetdrill's options that
 * tcpconform leaves out, else "option 'X' unknown", with "(did you mean
 * 'Y'?)" when one name of this table or of more (NULL-terminated, or NULL)
 * is within two edits of it.
 */
void tc_config_unknown(const char *name, const char *const *more, char *buf, size_t size);

/* Append the options' help text, one line each. */
struct strbuf;
void tc_config_help(struct strbuf *out);

#endif
