/*
 * script.h: the in-memory model of a parsed .pkt script.
 *
 * grammar/parser.y builds it; the engine walks it; nothing in it knows
 * about live addresses, ISNs or file descriptors (those are mapped at run
 * time).  Every node carries the line and column where it starts.
 *
 * Ownership: a struct tc_script owns everything reachable from it and is
 * released with tc_script_free(), which accepts NULL.  Strings are
 * heap-allocated, NUL-terminated copies.
 *
 * Units: times are microseconds (int64_t); sequence numbers are the values
 * written in the script (script space), before any ISN mapping.
 */
#ifndef TC_SCRIPT_H
#define TC_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* TCP flag bits, as on the wire (byte 13), plus AE (byte 12, bit 0) as 0x100. */
enum {
	TC_TH_FIN = 0x01,
	TC_TH_SYN = 0x02,
	TC_TH_RST = 0x04,
	TC_TH_PSH = 0x08,
	TC_TH_ACK = 0x10,
	TC_TH_URG = 0x20,
	TC_TH_ECE = 0x40,
	TC_TH_CWR = 0x80,
	TC_TH_AE = 0x100,
};

/* The letter of each flag bit, TC_TH_FIN (bit 0) first, ACK's '.' among
 * them: the one table the parser reads flags by and the dump and script
 * notation print them by. */
extern const char tc_tcp_flag_letters[];

/* TCP option kinds we name. */
enum {
	TC_OPT_EOL = 0,
	TC_OPT_NOP = 1,
	TC_OPT_MSS = 2,
	TC_OPT_WSCALE = 3,
	TC_OPT_SACK_PERM = 4,
	TC_OPT_SACK = 5,
	TC_OPT_TS = 8,
	TC_OPT_MD5 = 19,
	TC_OPT_FASTOPEN = 34,
	TC_OPT_ACCECN0 = 172,	/* AccECN, order 0: e0b, ceb, e1b */
	TC_OPT_ACCECN1 = 174,	/* AccECN, order 1: e1b, ceb, e0b */
	TC_OPT_EXP = 254,
};

#define TC_MAX_SACK_BLOCKS 4
#define TC_MAX_OPT_BYTES 40
#define TC_MAX_OPTIONS 40

/*
 * One TCP option as written in a script (or decoded from the wire).
 * kind selects which member is meaningful:
 *   NOP, EOL, SACK_PERM: nothing
 *   MSS: mss; WSCALE: wscale; TS: ts_val, ts_ecr
 *   SACK: sack[0..n_sack-1]
 *   FASTOPEN, EXP (FOEXP: magic 0xF989 then cookie), MD5, unknown kinds:
 *     data[0..data_len-1] is everything after the kind and length bytes
 *     (for FOEXP the two magic bytes are included in data).
 * length is the option's total length on the wire (kind+len+payload;
 * 1 for NOP and EOL).
 */
struct tc_option {
	uint8_t kind;
	uint8_t length;
	uint16_t mss;
	uint8_t wscale;
	uint32_t ts_val, ts_ecr;
	int n_sack;
	struct {
		uint32_t left, right;
	} sack[TC_MAX_SACK_BLOCKS];
	uint8_t data[TC_MAX_OPT_BYTES];
	uint8_t data_len;
};

enum tc_direction {
	TC_DIR_INBOUND,		/* '<': crafted by us, injected toward the kernel */
	TC_DIR_OUTBOUND,	/* '>': the kernel must send it */
};

enum tc_l4 {
	TC_L4_TCP,
	TC_L4_UDP,
	TC_L4_ICMP,
};

/* ECN codepoint in the IP header, as written in [ipinfo]. */
enum tc_ecn {
	TC_ECN_UNSET = -1,	/* not given: not checked / sent as 0 */
	TC_ECN_NOECN = 0,
	TC_ECN_ECT1 = 1,
	TC_ECN_ECT0 = 2,
	TC_ECN_CE = 3,
	TC_ECN_ECT01 = 4,	/* outbound only: ECT(0) or ECT(1) */
};

/* "noecn", "ect1", "ect0", "ce", "ect01" as scripts write them, or NULL
 * for a value that is none of these. */
const char *tc_ecn_name(int ecn);

/*
 * An encapsulation header written before a packet line's inner packet
 * (`ipv4 A > B:`, `ipv6 A > B:`, `gre ...:`, `mpls (...):`), or decoded
 * from the wire in front of it.  A line's outer headers are listed
 * outermost first; the inner packet's own IP header is the line itself.
 */
#define TC_MAX_ENCAP 4
#define TC_MAX_MPLS 8

enum tc_encap_type {
	TC_ENCAP_IPV4 = 1,
	TC_ENCAP_IPV6,
	TC_ENCAP_GRE,
	TC_ENCAP_MPLS,
};

/* GRE flag bits (RFC 2784, RFC 2890), in the first 16 bits. */
enum {
	TC_GRE_CSUM = 0x8000,
	TC_GRE_ROUTING = 0x4000,
	TC_GRE_KEY = 0x2000,
	TC_GRE_SEQ = 0x1000,
	TC_GRE_VERSION = 0x0007,
};

struct tc_encap {
	enum tc_encap_type type;
	/* IPV4, IPV6: the literal addresses (IPv4 in the first 4 bytes);
	 * the TOS byte (traffic class) and TTL (hop limit), -1 when a
	 * script leaves them out (then sent as 0 and 64, not checked). */
	uint8_t src[16], dst[16];
	int tos, ttl;
	/* GRE: the flags word (checksum, key, sequence bits, version 0);
	 * the optional fields, sent in the order RFC 2890 lays them out
	 * when their bit is set.  A script's sum 0 with the checksum bit
	 * asks for the right checksum.  proto is the wire's (decoded only;
	 * sent as what the next header is). */
	struct {
		uint16_t flags, sum, off, proto;
		uint32_t key, seq;
	} gre;
	/* MPLS: the label stack entries as on the wire, outermost first:
	 * label << 12 | tc << 9 | bottom-of-stack << 8 | ttl. */
	int n_mpls;
	uint32_t mpls[TC_MAX_MPLS];
	/* Decoded only: the IPv4 header or GRE checksum verifies. */
	bool csum_ok;
};

/* A packet line. */
struct tc_packet {
	enum tc_direction dir;
	enum tc_l4 l4;

	/* Outer headers, outermost first (none: a plain packet). */
	int n_encap;
	struct tc_encap encap[TC_MAX_ENCAP];

	/* IP-level [ipinfo]; -1 means "not given". */
	int ecn;		/* enum tc_ecn */
	int tos;		/* whole TOS byte, or -1 */
	int ttl;		/* or -1 */

	/* TCP */
	uint16_t flags;		/* TC_TH_* */
	bool no_flags;		/* written as '-' */
	uint32_t seq_start;	/* start:end(len) */
	uint32_t seq_end;
	uint32_t payload_len;	/* len; the payload is that many zero bytes */
	bool has_ack;
	uint32_t ack;
	bool has_win;		/* outbound: window checked only when given */
	uint16_t win;
	bool has_urg;
	uint16_t urg;
	bool has_ports;		/* sport>dport override */
	uint16_t sport, dport;

	bool any_options;	/* '<...>': options not checked (outbound only) */
	bool has_options;	/* an option list was written (possibly empty) */
	int n_options;
	struct tc_option options[TC_MAX_OPTIONS];

	/* ICMP/UDP (issue 7): minimal for now.  An ICMP line's names are
	 * resolved in both versions, -1 where a version lacks one; the
	 * names as written are kept for run-time messages (the longest
	 * known name fits). */
	int icmp_type, icmp_code;	/* ICMPv4 */
	int icmp6_type, icmp6_code;	/* ICMPv6 */
	int icmp_mtu;		/* -1 when not given */
	int icmp_echo_id;	/* `id N`: -1 when not given */
	/* What the message quotes: IPPROTO_TCP ([START:END(LEN)], the
	 * default), IPPROTO_UDP ([udp (LEN)]) or IPPROTO_RAW ([raw (LEN)]),
	 * with LEN in payload_len. */
	int icmp_quoted;
	char icmp_type_name[32], icmp_code_name[32];	/* code: "" when none */
};

/* Expressions in system call lines. */
enum tc_expr_type {
	TC_EXPR_ELLIPSIS,	/* ... */
	TC_EXPR_INT,		/* 42, 0x1f, -1 */
	TC_EXPR_WORD,		/* a symbolic name: SOL_SOCKET, O_NONBLOCK, AF_INET */
	TC_EXPR_STRING,		/* "text" (escapes already decoded; data_len bytes) */
	TC_EXPR_LIST,		/* [a, b, ...] */
	TC_EXPR_STRUCT,		/* {a, b, name=c, ...} */
	TC_EXPR_OR,		/* a|b */
	TC_EXPR_FIELD,		/* name=expr (inside structs), e.g. fd=3 or events=POLLIN */
	TC_EXPR_CALL,		/* htons(8080), inet_addr("1.2.3.4"), msg_iov(1) ... */
};

struct tc_expr {
	enum tc_expr_type type;
	int line, col;
	int64_t num;		/* INT */
	char *str;		/* WORD, STRING, FIELD (field name), CALL (function name) */
	size_t str_len;		/* STRING: number of bytes in str (may contain NULs) */
	struct tc_expr *lhs;	/* OR: left; FIELD: the value */
	struct tc_expr *rhs;	/* OR: right */
	struct tc_expr **elems;	/* LIST, STRUCT, CALL arguments */
	int n_elems;
};

/* A system call line: name(args) = result [ERRNO] [(note)]. */
struct tc_syscall {
	char *name;
	int name_col;
	struct tc_expr **args;
	int n_args;
	struct tc_expr *result;	/* normally INT; may be an OR/WORD expression */
	char *errno_name;	/* "EINPROGRESS", or NULL */
	char *note;		/* the parenthesised free text, or NULL */
};

enum tc_time_type {
	TC_TIME_ABSOLUTE,	/* 0, 1.5, a~b */
	TC_TIME_RELATIVE,	/* +0, +.1, +a~+b */
	TC_TIME_ANY,		/* * */
};

enum tc_event_type {
	TC_EVENT_PACKET,
	TC_EVENT_SYSCALL,
	TC_EVENT_COMMAND,	/* `shell command` */
	TC_EVENT_CODE,		/* %{ python }% */
};

struct tc_event {
	int line, col;		/* where the event's time starts */
	enum tc_time_type time_type;
	int64_t time_usecs;	/* start of the window (or the time) */
	int64_t time_end_usecs;	/* end of a range a~b; -1 when no range */
	int64_t end_usecs;	/* blocking syscall "start...end": end; -1 otherwise */
	enum tc_event_type type;
	union {
		struct tc_packet *packet;
		struct tc_syscall *syscall;
		char *command;
		char *code;
	} u;
};

/* An option line at the top: --name=value or --name. */
struct tc_script_option {
	char *name;		/* without the leading "--" */
	char *value;		/* as written (quotes removed), or NULL */
	int line, col;
};

/*
 * A setting the script's behaviour depends on and does not make itself,
 * from a comment line of the script:
 *
 *   // Requires: net.ipv4.tcp_timestamps = 1
 *   // Requires: net.ipv4.tcp_syncookies != 2
 *   // Requires: net.ipv4.tcp_rmem > 4096        (single integers only)
 *
 * Under a profile or kernel where the sysctl's value (read in the run's
 * own namespace, after the profile is applied) does not satisfy it, the
 * run is not applicable: a skip naming the key and both values, never a
 * fail.  '=' and '!=' compare whitespace-separated fields; the ordering
 * operators compare one integer.
 */
enum tc_require_op {
	TC_REQ_EQ, TC_REQ_NE, TC_REQ_LT, TC_REQ_LE, TC_REQ_GT, TC_REQ_GE,
};

struct tc_require {
	char *key;		/* "net.ipv4.tcp_timestamps" */
	enum tc_require_op op;
	char *value;		/* as written, trimmed */
	int line;
};

/* The operator as written ("=", "!=", ...). */
const char *tc_require_op_name(enum tc_require_op op);

/* Whether actual (a sysctl's contents) satisfies r. */
bool tc_require_holds(const struct tc_require *r, const char *actual);

struct tc_script {
	char *path;
	struct tc_require *requires;	/* its // Requires: lines */
	int n_requires;
	char *text;		/* the source as parsed, NUL-terminated */
	size_t text_len;
	struct tc_script_option *options;
	int n_options;
	char *init_command;	/* untimed backtick before the events, or NULL */
	int init_line;
	char *cleanup_command;	/* untimed backtick after the events, or NULL */
	int cleanup_line;
	struct tc_event *events;
	int n_events;
};

/* One -D NAME=value definition, substituted lexically for word tokens. */
struct tc_define {
	const char *name;
	const char *value;
};

struct tc_error;

void tc_script_free(struct tc_script *script);

/* Find the "// Requires:" lines in script->text (load.c calls it after
 * parsing).  Returns 0, or -1 with err (TC_ERR_SCRIPT, line, column, and
 * a caret). */
int tc_script_read_requires(struct tc_script *script, struct tc_error *err);

/* Append to err->detail source line `line` of text and a caret under
 * column col (both 1-based), as every script error shows them. */
void tc_source_caret(const char *text, size_t len, int line, int col,
		     struct tc_error *err);
void tc_expr_free(struct tc_expr *e);
void tc_syscall_free(struct tc_syscall *c);

#endif
