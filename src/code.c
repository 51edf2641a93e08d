/* code.c: see code.h. */
#include "code.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "proc.h"
#include "pysub.h"

/* TCP_INFO fields Python blocks may read, by offset into struct tcp_info
 * as the kernel fills it; a field past what the kernel returned is left
 * out.  The bit fields (wscales, ...) are handled in add_tcp_info(). */
struct info_field {
	const char *name;
	size_t offset;
	size_t size;
};

#define FIELD(f) { #f, offsetof(struct tcp_info, f), sizeof(((struct tcp_info *)0)->f) }
/* Fields newer than the build machine's headers (kernel UAPI order). */
#define AFTER_SND_WND (offsetof(struct tcp_info, tcpi_snd_wnd) + 4)

static const struct info_field info_fields[] = {
	FIELD(tcpi_state), FIELD(tcpi_ca_state), FIELD(tcpi_retransmits),
	FIELD(tcpi_probes), FIELD(tcpi_backoff), FIELD(tcpi_options),
	FIELD(tcpi_rto), FIELD(tcpi_ato), FIELD(tcpi_snd_mss),
	FIELD(tcpi_rcv_mss), FIELD(tcpi_unacked), FIELD(tcpi_sacked),
	FIELD(tcpi_lost), FIELD(tcpi_retrans), FIELD(tcpi_fackets),
	FIELD(tcpi_last_data_sent), FIELD(tcpi_last_ack_sent),
	FIELD(tcpi_last_data_recv), FIELD(tcpi_last_ack_recv),
	FIELD(tcpi_pmtu), FIELD(tcpi_rcv_ssthresh), FIELD(tcpi_rtt),
	FIELD(tcpi_rttvar), FIELD(tcpi_snd_ssthresh), FIELD(tcpi_snd_cwnd),
	FIELD(tcpi_advmss), FIELD(tcpi_reordering), FIELD(tcpi_rcv_rtt),
	FIELD(tcpi_rcv_space), FIELD(tcpi_total_retrans),
	FIELD(tcpi_pacing_rate), FIELD(tcpi_max_pacing_rate),
	FIELD(tcpi_bytes_acked), FIELD(tcpi_bytes_received),
	FIELD(tcpi_segs_out), FIELD(tcpi_segs_in), FIELD(tcpi_notsent_bytes),
	FIELD(tcpi_min_rtt), FIELD(tcpi_data_segs_in),
	FIELD(tcpi_data_segs_out), FIELD(tcpi_delivery_rate),
	FIELD(tcpi_busy_time), FIELD(tcpi_rwnd_limited),
	FIELD(tcpi_sndbuf_limited), FIELD(tcpi_delivered),
	FIELD(tcpi_delivered_ce), FIELD(tcpi_bytes_sent),
	FIELD(tcpi_bytes_retrans), FIELD(tcpi_dsack_dups),
	FIELD(tcpi_reord_seen), FIELD(tcpi_rcv_ooopack), FIELD(tcpi_snd_wnd),
	{ "tcpi_rcv_wnd", AFTER_SND_WND, 4 },
	{ "tcpi_rehash", AFTER_SND_WND + 4, 4 },
	{ "tcpi_total_rto", AFTER_SND_WND + 8, 2 },
	{ "tcpi_total_rto_recoveries", AFTER_SND_WND + 10, 2 },
	{ "tcpi_total_rto_time", AFTER_SND_WND + 12, 4 },
	{ NULL, 0, 0 },
};

/* Names every block can use, as packetdrill defines them. */
static const char preamble_constants[] =
	"TCP_ESTABLISHED = 1\nTCP_SYN_SENT = 2\nTCP_SYN_RECV = 3\n"
	"TCP_FIN_WAIT1 = 4\nTCP_FIN_WAIT2 = 5\nTCP_TIME_WAIT = 6\n"
	"TCP_CLOSE = 7\nTCP_CLOSE_WAIT = 8\nTCP_LAST_ACK = 9\n"
	"TCP_LISTEN = 10\nTCP_CLOSING = 11\n"
	"TCP_CA_Open = 0\nTCP_CA_Disorder = 1\nTCP_CA_CWR = 2\n"
	"TCP_CA_Recovery = 3\nTCP_CA_Loss = 4\n"
	"TCPI_OPT_TIMESTAMPS = 1\nTCPI_OPT_SACK = 2\nTCPI_OPT_WSCALE = 4\n"
	"TCPI_OPT_ECN = 8\nTCPI_OPT_ECN_SEEN = 16\nTCPI_OPT_SYN_DATA = 32\n"
	"TCPI_OPT_USEC_TS = 64\n";

/* An exception in any block names that block's script line: the hook
 * prints "TCPCONFORM-CODE-ERROR LINE: message" first, then the trace. */
static const char preamble_hook[] =
	"import sys, traceback\n"
	"_line = 0\n"
	"def _tc_excepthook(t, v, tb):\n"
	"    msg = ''.join(traceback.format_exception_only(t, v)).strip()\n"
	"    msg = msg.replace('\\n', ' ')\n"
	"    sys.stderr.write('TCPCONFORM-CODE-ERROR %d: %s\\n' % (_line, msg))\n"
	"    traceback.print_exception(t, v, tb)\n"
	"    sys.exit(1)\n"
	"sys.excepthook = _tc_excepthook\n";

void tc_code_init(struct tc_code *c)
{
	strbuf_init(&c->py);
	c->n_blocks = 0;
	c->how[0] = '\0';
	strbuf_addstr(&c->py, preamble_hook);
	c->body = c->py.len;
	strbuf_addstr(&c->py, preamble_constants);
}

void tc_code_release(struct tc_code *c)
{
	strbuf_release(&c->py);
}

static uint64_t read_le(const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);	/* host order, as the kernel wrote it */
	return v;
}

static void add_tcp_info(struct tc_code *c, const uint8_t *info, size_t len)
{
	size_t opt = offsetof(struct tcp_info, tcpi_options);

	for (const struct info_field *f = info_fields; f->name; f++) {
		uint64_t v;

		if (f->offset + f->size > len)
			continue;
		v = f->size == 1 ? info[f->offset] :
		    f->size == 2 ? (uint16_t)read_le(info + f->offset, 2) :
		    f->size == 4 ? (uint32_t)read_le(info + f->offset, 4) :
		    read_le(info + f->offset, 8);
		strbuf_addf(&c->py, "%s = %llu\n", f->name, (unsigned long long)v);
	}
	/* The byte after tcpi_options holds two 4-bit wscales (snd low),
	 * the next one app_limited (bit 0) and fastopen_client_fail. */
	if (len > opt + 2) {
		strbuf_addf(&c->py, "tcpi_snd_wscale = %u\ntcpi_rcv_wscale = %u\n",
			    info[opt + 1] & 0xf, info[opt + 1] >> 4);
		strbuf_addf(&c->py, "tcpi_delivery_rate_app_limited = %u\n"
			    "tcpi_fastopen_client_fail = %u\n",
			    info[opt + 2] & 1, (info[opt + 2] >> 1) & 3);
	}
}

/*
 * TCP_CC_INFO, as packetdrill binds it: the names of each module's
 * structure whose fields the returned length covers (Cubic and Reno return
 * nothing; BBR's 20 bytes also read as DCTCP's and Vegas's 16).
 */
static void add_cc_info(struct tc_code *c, int fd)
{
	union tcp_cc_info cc;
	socklen_t len = sizeof(cc);

	memset(&cc, 0, sizeof(cc));
	if (getsockopt(fd, IPPROTO_TCP, TCP_CC_INFO, &cc, &len) < 0)
		return;
	if (len >= sizeof(struct tcp_bbr_info))
		strbuf_addf(&c->py, "bbr_bw_lo = %u\nbbr_bw_hi = %u\nbbr_min_rtt = %u\n"
			    "bbr_pacing_gain = %u\nbbr_cwnd_gain = %u\n",
			    cc.bbr.bbr_bw_lo, cc.bbr.bbr_bw_hi, cc.bbr.bbr_min_rtt,
			    cc.bbr.bbr_pacing_gain, cc.bbr.bbr_cwnd_gain);
	if (len >= sizeof(struct tcp_dctcp_info))
		strbuf_addf(&c->py, "dctcp_enabled = %u\ndctcp_ce_state = %u\n"
			    "dctcp_alpha = %u\ndctcp_ab_ecn = %u\ndctcp_ab_tot = %u\n",
			    cc.dctcp.dctcp_enabled, cc.dctcp.dctcp_ce_state,
			    cc.dctcp.dctcp_alpha, cc.dctcp.dctcp_ab_ecn,
			    cc.dctcp.dctcp_ab_tot);
	if (len >= sizeof(struct tcpvegas_info))
		strbuf_addf(&c->py, "tcpv_enabled = %u\ntcpv_rttcnt = %u\n"
			    "tcp_rtt = %u\ntcp_minrtt = %u\n",
			    cc.vegas.tcpv_enabled, cc.vegas.tcpv_rttcnt,
			    cc.vegas.tcpv_rtt, cc.vegas.tcpv_minrtt);
}

/* SO_MEMINFO: the socket's memory counters, SK_MEMINFO_* as named in
 * linux/sock_diag.h. */
static void add_meminfo(struct tc_code *c, int fd)
{
	static const char *const names[SK_MEMINFO_VARS] = {
		[SK_MEMINFO_RMEM_ALLOC] = "SK_MEMINFO_RMEM_ALLOC",
		[SK_MEMINFO_RCVBUF] = "SK_MEMINFO_RCVBUF",
		[SK_MEMINFO_WMEM_ALLOC] = "SK_MEMINFO_WMEM_ALLOC",
		[SK_MEMINFO_SNDBUF] = "SK_MEMINFO_SNDBUF",
		[SK_MEMINFO_FWD_ALLOC] = "SK_MEMINFO_FWD_ALLOC",
		[SK_MEMINFO_WMEM_QUEUED] = "SK_MEMINFO_WMEM_QUEUED",
		[SK_MEMINFO_OPTMEM] = "SK_MEMINFO_OPTMEM",
		[SK_MEMINFO_BACKLOG] = "SK_MEMINFO_BACKLOG",
		[SK_MEMINFO_DROPS] = "SK_MEMINFO_DROPS",
	};
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	memset(mem, 0, sizeof(mem));
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return;
	for (size_t i = 0; i < SK_MEMINFO_VARS && (i + 1) * sizeof(mem[0]) <= len; i++)
		strbuf_addf(&c->py, "%s = %u\n", names[i], mem[i]);
}

int tc_code_add(struct tc_code *c, int fd, int line, const char *text,
		struct tc_error *err)
{
	uint8_t info[512];
	socklen_t len = sizeof(info);

	if (fd < 0)
		return tc_error_set(err, TC_ERR_VERIFY, "no socket to use for code");
	memset(info, 0, sizeof(info));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &len) < 0)
		return tc_error_set(err, TC_ERR_VERIFY,
				    "cannot read TCP_INFO for code: %s", strerror(errno));
	strbuf_addf(&c->py, "_line = %d\n", line);
	add_tcp_info(c, info, len);
	add_cc_info(c, fd);
	add_meminfo(c, fd);
	/* The block itself, at the top level of the file. */
	strbuf_addstr(&c->py, text);
	strbuf_addch(&c->py, '\n');
	c->n_blocks++;
	return 0;
}

/* Run python3 on path; its stderr goes to *out.  Returns the wait status
 * or -1 when it could not be started. */
static int run_python(const char *path, struct strbuf *out)
{
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = tc_proc_fork(&(struct tc_proc_opts){
		.flags = TC_PROC_DIE_WITH_PARENT | TC_PROC_ORDINARY,
		.fd_in = -1, .fd_out = -1, .fd_err = pfd[1] });
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		close(pfd[1]);
		execlp("python3", "python3", path, (char *)NULL);
		fprintf(stderr, "TCPCONFORM-CODE-NOPYTHON\n");
		_exit(127);
	}
	close(pfd[1]);
	tc_proc_read_all(pfd[0], out);
	close(pfd[0]);
	if (tc_proc_wait(pid, &status) < 0)
		return -1;
	return status;
}

/* The blocks in the subset, when they all are and pass: what they print
 * goes where python3's output would.  Returns 0 then; -1 with c->how
 * saying why python3 must run them. */
static int run_direct(struct tc_code *c)
{
	struct strbuf out = STRBUF_INIT;
	char why[160];
	int rc = tc_py_run(c->py.buf + c->body, c->py.len - c->body, &out, why, sizeof(why));

	if (rc == 0) {
		if (out.len)
			fwrite(out.buf, 1, out.len, stdout);
		fflush(stdout);
		snprintf(c->how, sizeof(c->how), "%d block%s evaluated without python3",
			 c->n_blocks, c->n_blocks == 1 ? "" : "s");
	} else {
		snprintf(c->how, sizeof(c->how), "run by python3: %s", why);
	}
	strbuf_release(&out);
	return rc;
}

int tc_code_run(struct tc_code *c, bool direct, struct tc_error *err)
{
	char path[] = "/tmp/tcpconform-code-XXXXXX";
	struct strbuf out = STRBUF_INIT;
	int fd, status, ret = -1;
	const char *mark;

	if (!c->n_blocks)
		return 0;
	if (!direct)
		snprintf(c->how, sizeof(c->how), "run by python3: --no_direct_code");
	else if (run_direct(c) == 0)
		return 0;
	fd = mkstemp(path);
	if (fd < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot write the code file: %s",
				    strerror(errno));
	if (write(fd, c->py.buf, c->py.len) != (ssize_t)c->py.len) {
		close(fd);
		unlink(path);
		return tc_error_set(err, TC_ERR_ENV, "cannot write the code file");
	}
	close(fd);
	status = run_python(path, &out);
	unlink(path);
	if (status < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot run python3: %s", strerror(errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ret = 0;
	} else if (strstr(out.buf, "TCPCONFORM-CODE-NOPYTHON")) {
		tc_error_set(err, TC_ERR_ENV,
			     "python3 is not installed: cannot run %%{ }%% code blocks");
	} else if ((mark = strstr(out.buf, "TCPCONFORM-CODE-ERROR "))) {
		int line = atoi(mark + 22);
		const char *msg = strstr(mark, ": ");
		const char *eol = strchr(mark, '\n');
		int mlen = msg && eol && msg < eol ? (int)(eol - msg - 2) : 0;

		tc_error_set(err, TC_ERR_VERIFY, "error in Python code: %.*s", mlen,
			     msg ? msg + 2 : "");
		err->line = line;
		if (eol)
			tc_error_detail(err, "%s", eol + 1);
	} else {
		tc_error_set(err, TC_ERR_VERIFY, "error executing code");
		tc_error_detail(err, "%s", out.buf);
	}
	strbuf_release(&out);
	return ret;
}
