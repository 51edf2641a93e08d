/* engine.c: see engine.h for the threading and timing model. */
#include "engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "code.h"
#include "codec.h"
#include "conn.h"
#include "error.h"
#include "fsutil.h"
#include "inject.h"
#include "netns.h"
#include "pcapng.h"
#include "phase.h"
#include "proc.h"
#include "result.h"
#include "shcmd.h"
#include "sniff.h"
#include "strbuf.h"
#include "syscalls.h"
#include "verify.h"
#include "xalloc.h"

#define NSEC 1000000000LL
#define FRAME_CAP 262144

/* The one outstanding blocking system call. */
struct blocking {
	const struct tc_event *ev;	/* NULL: none */
	bool done;
	pid_t tid;
	int rc;
	struct tc_error err;
	int64_t start_script_us;	/* script time the call was due */
	int64_t due_end_ns;		/* when it must return */
	int64_t tol_us;
	int64_t end_ns;			/* when it returned */
	int64_t waited_ns;		/* of the call, time its thread was
					 * runnable but had no CPU; -1 unknown */
	int64_t stall_ns;		/* of the call, time some task on the
					 * machine had no CPU; -1 unknown */
	int64_t start_ns;		/* when its thread took it up */
	int rec_i;			/* its event in the record, or -1 */
	char outcome[160];		/* what it returned, for -v ("" none) */
};

struct engine {
	const struct tc_script *s;
	const struct tc_config *cfg;
	struct tc_netns *ns;
	struct tc_inject *inj;
	struct tc_sniff *sn;
	struct tc_sys_ctx sys;
	bool sys_ready;			/* sys was initialised */
	int64_t call_began_ns;		/* a blocking call just handed over:
					 * when its thread began it; 0 none */
	int wire_family;		/* AF_INET, or AF_INET6 for --ip_version=ipv6 */
	uint8_t local_ip[16], remote_ip[16];	/* wire addresses; IPv4 in the first 4 */

	struct tc_conn conn;		/* the connection under test */
	struct tc_code code;		/* %{ }% blocks */

	int64_t start_ns;
	int64_t prev_script_us;		/* script time of the previous event */
	int64_t prev_live_ns;		/* when the previous event finished */
	/* How long the run's timed commands have taken past their own
	 * tolerance, all told, and the last such command's line: a command
	 * takes no time on the script's clock, so this much of the relative
	 * times after it is the machine's (outbound_event). */
	int64_t cmd_shift_ns;
	int cmd_shift_line;
	int64_t prev_due_ns;		/* when the previous event was due */
	bool prev_inbound;
	int64_t prev_start_ns;	/* when the previous event's action began */
	int64_t sent_ns;		/* when the last injected frame went */

	struct tc_pcap_out *dump;	/* for --pcap-dir: the run's capture */
	struct tc_pcapng *dumpng;	/* or, for --pcapng, this */
	const char *base;		/* the script's file name, for comments */
	int cur_line;			/* the line being run, for comments */
	int rec_i;			/* its event in cfg->record, or -1 */

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t blk_lock;
	pthread_cond_t blk_cond;
	struct blocking blk;
	bool quit;

	uint8_t frame[FRAME_CAP];
};

/* ---- clock ---------------------------------------------------------- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

/*
 * How long before an instant the timed sleep ends, the rest being a spin.
 * A sleep ends late by the machine's wake-up latency, and an event then
 * goes late by whatever of that the spin does not cover.  On a 2-vCPU VM
 * (bench/run) the latency was 56 us at the median and 600 us at the p99,
 * so a fixed 50 us window left the p99 of the inject error at 140 to 600
 * us.  The window follows the latency this run has seen: one and a half
 * times the largest, between SPIN_MIN_NS and SPIN_MAX_NS.  The main
 * thread alone sleeps here.
 */
#define SPIN_MIN_NS 200000
#define SPIN_MAX_NS 1000000
static int64_t spin_ns = SPIN_MIN_NS;

/*
 * An inbound frame is built (the mapping, libnet's headers, the
 * checksums: 14 us at the median, 100 at the p99 on that VM) before its
 * due time: the engine wakes this much early and inject.c holds the
 * finished frame until the instant it is due (tc_inject_hold_until).
 */
#define BUILD_LEAD_NS 150000

/*
 * SCHED_FIFO threads of one priority do not preempt each other, so the
 * engines of runs side by side (--jobs) would wait behind each other's
 * spins.  A SCHED_FIFO spin yields (to the other runs' engines on its CPU;
 * never to ordinary tasks) until the last YIELD_STOP_NS.
 */
#define YIELD_STOP_NS 50000
static int spin_yields = -1;	/* this thread is SCHED_FIFO; -1: not looked */

/* Sleep until the realtime instant t: a sleep, then a spin.  Returns
 * when the sleep ended, or 0 when there was none. */
static int64_t sleep_until(int64_t t)
{
	int64_t left = t - now_ns(), woke = 0;

	if (spin_yields < 0)
		spin_yields = sched_getscheduler(0) == SCHED_FIFO;

	if (left > spin_ns + 50000) {
		int64_t wake = t - spin_ns;
		struct timespec ts = { .tv_sec = wake / NSEC, .tv_nsec = wake % NSEC };

		while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		woke = now_ns();
		if ((woke - wake) * 3 / 2 > spin_ns)
			spin_ns = (woke - wake) * 3 / 2 < SPIN_MAX_NS ?
				  (woke - wake) * 3 / 2 : SPIN_MAX_NS;
	}
	while ((left = t - now_ns()) > 0)
		if (spin_yields && left > YIELD_STOP_NS)
			sched_yield();
	return woke;
}

/*
 * Choose the start of script time just after a kernel tick, as packetdrill
 * does: the kernel's timers (delayed ACK, RTO, keepalive) fire on jiffies,
 * so starting at the same phase of a jiffy every run keeps their measured
 * times steady from run to run.  The tick that advances jiffies also
 * advances the coarse clocks, so CLOCK_REALTIME_COARSE changes on a jiffy
 * edge (within about 0.1 ms of times() changing, measured): spin, in the
 * vDSO, until it does, then start 250 us later.  That is at most a jiffy
 * (4 ms at HZ=250, 2 on average); times() steps only every 1/USER_HZ
 * (10 ms) and costs a system call per look.  At most 20 ms.
 */
static int64_t align_to_jiffy(void)
{
	int64_t give_up = now_ns() + 20000000;
	struct timespec c0 = { 0, 0 }, c = { 0, 0 };

	clock_gettime(CLOCK_REALTIME_COARSE, &c0);
	do
		clock_gettime(CLOCK_REALTIME_COARSE, &c);
	while (c.tv_nsec == c0.tv_nsec && c.tv_sec == c0.tv_sec && now_ns() < give_up);
	return now_ns() + 250000;
}

/* Seconds since script start, for messages. */
static double rel_s(const struct engine *e, int64_t t_ns)
{
	return (double)(t_ns - e->start_ns) / 1e9;
}

/* ---- pcap output ---------------------------------------------------- */

/* Append one frame to the run's pcap file, if there is one; in pcapng
 * with the script line it belongs to (line 0: none) as its comment. */
static void dump_frame(struct engine *e, const uint8_t *frame, size_t len,
		       int64_t ts, bool injected, int line)
{
	char note[320];

	if (!frame)
		return;
	if (e->dump)
		tc_pcap_out_add(e->dump, frame, len, ts, injected);
	if (!e->dumpng)
		return;
	note[0] = '\0';
	if (line > 0)
		snprintf(note, sizeof(note), "%s:%d", e->base, line);
	tc_pcapng_add(e->dumpng, frame, len, ts, injected, note);
}

/* ---- event record --------------------------------------------------- */

/* The record's entry of the event being run, or NULL. */
static struct tc_rec_event *rec(struct engine *e, int i)
{
	return e->cfg->record && i >= 0 && i < e->cfg->record->n ?
	       &e->cfg->record->ev[i] : NULL;
}

static int64_t rec_us(const struct engine *e, int64_t t_ns)
{
	return t_ns > 0 ? (t_ns - e->start_ns) / 1000 : -1;
}

/* The text of the script's line (from col, 1-based), one line. */
static void line_text(const struct engine *e, int line, int col, struct strbuf *sb)
{
	const char *p = e->s->text;

	for (int l = 1; p && l < line; l++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return;
	for (int c = 1; c < col && *p && *p != '\n'; c++)
		p++;
	p += strcspn(p, " \t\n");	/* the time */
	p += strspn(p, " \t");
	strbuf_add(sb, p, strcspn(p, "\n"));
}

/* A new entry for event ev, due in [due, due_end] +- tol_us. */
static void rec_begin(struct engine *e, const struct tc_event *ev, int64_t due,
		      int64_t due_end, int64_t tol_us)
{
	struct tc_rec_event *r;
	struct strbuf sb = STRBUF_INIT;

	e->cur_line = ev->line;
	e->rec_i = -1;
	if (!e->cfg->record)
		return;
	e->rec_i = e->cfg->record->n;
	r = tc_record_add(e->cfg->record);
	r->line = ev->line;
	r->col = ev->col;
	r->any_time = ev->time_type == TC_TIME_ANY;
	r->due_us = rec_us(e, due);
	r->due_end_us = rec_us(e, due_end);
	r->tol_us = tol_us;
	switch (ev->type) {
	case TC_EVENT_PACKET:
		r->kind = ev->u.packet->dir == TC_DIR_INBOUND ? TC_REC_IN : TC_REC_OUT;
		tc_packet_format(ev->u.packet, &sb);
		break;
	case TC_EVENT_SYSCALL:
		r->kind = TC_REC_SYSCALL;
		break;
	case TC_EVENT_COMMAND:
		r->kind = TC_REC_COMMAND;
		break;
	case TC_EVENT_CODE:
		r->kind = TC_REC_CODE;
		break;
	}
	if (!sb.len)
		line_text(e, ev->line, ev->col, &sb);
	tc_rec_set(&r->expected, sb.buf);
	strbuf_release(&sb);
}

/* The segment seen for the current event, and when. */
static void rec_actual(struct engine *e, const struct tc_segment *seg, int64_t ts)
{
	struct tc_rec_event *r = rec(e, e->rec_i);
	struct strbuf sb = STRBUF_INIT;

	if (!r)
		return;
	tc_conn_format_live(&e->conn, seg, &sb);
	tc_rec_set(&r->actual, sb.buf);
	r->at_us = rec_us(e, ts);
	strbuf_release(&sb);
}

static void rec_field(struct engine *e, const char *field)
{
	struct tc_rec_event *r = rec(e, e->rec_i);

	if (r)
		tc_rec_set(&r->field, field);
}

/* The run failed with err: mark the last entry of err's line. */
static void rec_failed(struct engine *e, const struct tc_error *err)
{
	struct tc_rec_event *r = NULL;

	for (int i = e->cfg->record ? e->cfg->record->n - 1 : -1; i >= 0 && !r; i--)
		if (e->cfg->record->ev[i].line == err->line)
			r = &e->cfg->record->ev[i];
	if (!r)
		return;
	r->failed = true;
	tc_rec_set(&r->message, err->msg);
	if (!r->field && !strncmp(err->msg, "timing error", 12))
		tc_rec_set(&r->field, "time");
	else if (!r->field && !strncmp(err->msg, "timed out waiting", 17))
		tc_rec_set(&r->field, "missing");
}

/* ---- errors --------------------------------------------------------- */

static int fail_at(struct engine *e, struct tc_error *err,
		   const struct tc_event *ev, enum tc_error_kind kind,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail_at(struct engine *e, struct tc_error *err,
		   const struct tc_event *ev, enum tc_error_kind kind,
		   const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	err->file = e->s->path;
	err->line = ev ? ev->line : 0;
	err->col = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- scheduling --------------------------------------------------- */

/*
 * Timed events are only as punctual as this process's wake-ups.  Other
 * runs making and tearing down namespaces (CPU-heavy kernel work, some of
 * it in kworkers) can keep a CPU from us for tens of milliseconds, which a
 * 4 ms tolerance does not survive.  So the engine's threads (this one, and
 * the syscall thread, which inherits it) run SCHED_FIFO while the script
 * runs.  They sleep between events, spinning only for the last 0.2 to 1
 * ms before one (sleep_until), so they take little CPU from anyone.  Commands and python3
 * drop back to ordinary scheduling (TC_PROC_ORDINARY) before exec.  If
 * the policy cannot be set (no CAP_SYS_NICE), runs go on as before.
 */
static void go_realtime(struct engine *e)
{
	struct sched_param sp = { .sched_priority = e->cfg->realtime };
	int fd = e->cfg->priority_fd, err;

	/* Timed sleeps to the nanosecond (the default slack is 50 us; a
	 * SCHED_FIFO thread has none anyway). */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (e->cfg->realtime <= 0)
		return;
	if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0)
		return;
	err = errno;
	/* In the run's own user namespace: the runner's side sets it. */
	if (fd >= 0 && send(fd, "p", 1, MSG_NOSIGNAL) == 1) {
		while (recv(fd, &err, sizeof(err), 0) < 0 && errno == EINTR)
			;
	}
	if (err && e->cfg->verbose)
		tc_notice(TC_NOTE, NULL, 0, NULL, "running without SCHED_FIFO: %s",
			  strerror(err));
}

/* ---- -v: system calls ----------------------------------------------- */

/*
 * Under -v, a system call line: when, the script line, the call as the
 * script wrote it (from its name to the end of the line, a comment left
 * off), and what happened: "began" for a blocking call handed to its
 * thread, "returned RESULT" (syscalls.h's tc_syscall_run).
 */
static void trace_call(struct engine *e, const struct tc_event *ev, int64_t t,
		       const char *what, const char *outcome)
{
	const char *p = e->s->text, *end;
	int col = ev->u.syscall->name_col;

	if (!e->cfg->verbose)
		return;
	for (int l = 1; p && l < ev->line && (p = strchr(p, '\n')); l++)
		p++;
	if (!p || col < 1 || (size_t)(col - 1) > strcspn(p, "\n"))
		return;
	p += col - 1;
	end = p + strcspn(p, "\n");
	for (const char *c = p; c + 1 < end; c++)
		if (c[0] == '/' && c[1] == '/') {
			end = c;
			break;
		}
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	fprintf(stderr, "%.6f line %d: %.*s: %s%s\n", rel_s(e, t), ev->line,
		(int)(end - p), p, what, outcome);
}

/* ---- shell commands ------------------------------------------------- */

/*
 * Under -v, how a command ran: applied directly (shcmd.h), in part or in
 * whole, or by /bin/sh, and why not directly.  Before the script's clock
 * starts (--init_command) the time is 0.
 */
static void trace_command(struct engine *e, const struct tc_event *ev,
			  const struct tc_sh_result *res, const char *why)
{
	double t = e->start_ns ? rel_s(e, now_ns()) : 0.0;

	if (!e->cfg->verbose)
		return;
	if (!res->direct && !res->by_tool) {
		fprintf(stderr, "%.6f line %d: command run by /bin/sh: %s\n", t, ev->line, why);
		return;
	}
	fprintf(stderr, "%.6f line %d: command without /bin/sh: %d of %d step%s applied directly",
		t, ev->line, res->direct, res->direct + res->by_tool,
		res->direct + res->by_tool == 1 ? "" : "s");
	if (res->by_tool)
		fprintf(stderr, ", %d run by its own tool as the direct step failed", res->by_tool);
	if (res->by_shell)
		fprintf(stderr, "; the rest by /bin/sh: %s", why);
	fputc('\n', stderr);
}

/*
 * Run cmd as the shell would: applied directly where shcmd.c recognizes
 * it, else with /bin/sh as our direct child (so $PPID is the tester).
 * Children are gone with the run; dash execs a simple command in place, so
 * `sleep 100` goes too.  Returns 0 with *status, or -1 with errno.
 */
static int run_command(struct engine *e, const struct tc_event *ev, const char *cmd,
		       int *status)
{
	const unsigned flags = TC_PROC_DIE_WITH_PARENT | TC_PROC_ORDINARY;
	struct tc_sh_result res = { 0 };
	struct tc_sh_plan plan;
	char why[sizeof(plan.why)];
	int rc;

	if (e->cfg->no_direct_commands) {
		rc = tc_sh_run_shell(cmd, flags, status);
		trace_command(e, ev, &res, "--no_direct_commands");
		return rc;
	}
	tc_sh_parse(cmd, &plan);
	snprintf(why, sizeof(why), "%s", plan.why);
	if ((plan.n == 0 && plan.rest < strlen(cmd)) ||
	    !tc_sh_env_ok(&plan, why, sizeof(why))) {
		tc_sh_plan_release(&plan);
		rc = tc_sh_run_shell(cmd, flags, status);
		trace_command(e, ev, &res, why);
		return rc;
	}
	rc = tc_sh_apply(&plan, cmd, flags, &res);
	tc_sh_plan_release(&plan);
	if (rc == 0) {
		*status = res.status;
		trace_command(e, ev, &res, why);
	}
	return rc;
}

static int command_event(struct engine *e, const struct tc_event *ev,
			 const char *cmd, struct tc_error *err)
{
	int status;

	if (run_command(e, ev, cmd, &status) < 0)
		return fail_at(e, err, ev, TC_ERR_ENV, "cannot run the command: %s",
			       strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return fail_at(e, err, ev, TC_ERR_VERIFY,
			       "command failed with exit status %d: `%s`",
			       WEXITSTATUS(status), cmd);
	return fail_at(e, err, ev, TC_ERR_VERIFY,
		       "command killed by signal %d: `%s`", WTERMSIG(status), cmd);
}

/* ---- connection tracking -------------------------------------------- */

static void on_fd(void *arg, int live_fd, enum tc_fd_origin origin,
		  bool connecting)
{
	struct engine *e = arg;
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (origin == TC_FD_OTHER || connecting)
		return;
	tc_conn_set_socket(&e->conn, live_fd, origin == TC_FD_SOCKET,
			   origin == TC_FD_SOCKET &&
			   getsockopt(live_fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
			   proto == IPPROTO_UDP);
}

static void on_connect(void *arg, int live_fd, bool disconnect)
{
	struct engine *e = arg;

	tc_conn_connect(&e->conn, live_fd, disconnect, now_ns());
}

/* Does a captured segment belong to the connection under test?  Learns
 * the local port of an active open from the kernel's first SYN. */
static bool seg_matches(struct engine *e, const struct tc_segment *seg,
			int64_t ts)
{
	size_t alen = e->wire_family == AF_INET6 ? 16 : 4;

	if (seg->ip_version != (e->wire_family == AF_INET6 ? 6 : 4) ||
	    memcmp(seg->src, e->local_ip, alen) || memcmp(seg->dst, e->remote_ip, alen))
		return false;
	return tc_conn_matches(&e->conn, seg, ts);
}

/* ---- blocking system calls ------------------------------------------ */

/*
 * How long the calling thread has been runnable without a CPU, in all
 * (the second field of /proc/thread-self/schedstat), or -1.  A call that
 * returns late while its thread waited that long for a CPU was late
 * because of the machine, not the kernel's TCP.
 */
static int64_t run_delay_ns(void)
{
	char buf[128];
	unsigned long long run, wait;
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return -1;
	return (int64_t)wait;
}

/*
 * The machine's CPU pressure so far: how long, in all, at least one task
 * was runnable without a CPU ("some total" of /proc/pressure/cpu, in
 * microseconds, as nanoseconds), or -1 where the kernel has no PSI.  A
 * call can return late because the kernel's own work for it (the softirq
 * that takes the injected segment, the wake-up) waited for a CPU, which
 * the calling thread's run_delay does not show.
 */
static int64_t cpu_stall_ns(void)
{
	unsigned long long total;

	return tc_psi_some_total("/proc/pressure/cpu", &total) ? (int64_t)total * 1000 : -1;
}

static void *syscall_thread(void *arg)
{
	struct engine *e = arg;

	pthread_mutex_lock(&e->blk_lock);
	for (;;) {
		while (!e->quit && (!e->blk.ev || e->blk.done))
			pthread_cond_wait(&e->blk_cond, &e->blk_lock);
		if (e->quit)
			break;
		e->blk.tid = (pid_t)syscall(SYS_gettid);
		e->blk.start_ns = now_ns();
		pthread_mutex_unlock(&e->blk_lock);

		struct tc_error err;
		int64_t w0 = run_delay_ns(), s0 = cpu_stall_ns(), w1, s1, end;
		struct strbuf outcome = STRBUF_INIT;
		int rc;

		tc_error_clear(&err);
		rc = tc_syscall_run(&e->sys, e->blk.ev->u.syscall,
				    e->cfg->verbose ? &outcome : NULL, &err);
		end = now_ns();
		w1 = run_delay_ns();
		s1 = cpu_stall_ns();

		pthread_mutex_lock(&e->blk_lock);
		e->blk.end_ns = end;
		e->blk.waited_ns = w0 >= 0 && w1 >= w0 ? w1 - w0 : -1;
		e->blk.stall_ns = s0 >= 0 && s1 >= s0 ? s1 - s0 : -1;
		e->blk.rc = rc;
		e->blk.err = err;
		snprintf(e->blk.outcome, sizeof(e->blk.outcome), "%s", outcome.buf);
		strbuf_release(&outcome);
		e->blk.done = true;
		pthread_cond_broadcast(&e->blk_cond);
	}
	pthread_mutex_unlock(&e->blk_lock);
	return NULL;
}

/* Read a small /proc file of thread tid into buf; returns its length or -1. */
static ssize_t read_task_file(pid_t tid, const char *name, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/*
 * Is thread tid asleep inside the script's system call?  Its state must be
 * 'S' and the system call it is in must not be futex (a lock on the way to
 * the call: the call itself has not started yet).
 */
static bool thread_sleeping(pid_t tid)
{
	char buf[256];
	char *p, *end;
	long nr;

	if (read_task_file(tid, "stat", buf, sizeof(buf)) <= 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] != 'S')
		return false;
	if (read_task_file(tid, "syscall", buf, sizeof(buf)) <= 0)
		return true;	/* no syscall file: trust the state */
	nr = strtol(buf, &end, 10);
	if (end == buf)
		return false;	/* "running" */
	return nr != SYS_futex;
}

/* Check a finished blocking call: its result and its return time.
 * Clears the slot.  Call with blk_lock held. */
static int finish_blocking(struct engine *e, struct tc_error *err)
{
	struct blocking *b = &e->blk;
	const struct tc_event *ev = b->ev;
	int64_t tol_ns = b->tol_us * 1000, over;
	struct tc_rec_event *r = rec(e, b->rec_i);

	b->ev = NULL;
	if (r) {
		r->at_us = rec_us(e, b->start_ns);
		r->end_us = rec_us(e, b->end_ns);
		r->due_end_us = rec_us(e, b->due_end_ns);
	}
	if (b->outcome[0])
		trace_call(e, ev, b->end_ns, "returned ", b->outcome);
	if (b->rc < 0) {
		*err = b->err;
		err->file = e->s->path;
		err->line = ev->line;
		err->col = 0;
		return -1;
	}
	over = b->end_ns - (b->due_end_ns + tol_ns);
	if (tc_time_check(b->end_ns, b->due_end_ns, b->due_end_ns, tol_ns) && over > 0 &&
	    b->waited_ns >= over)
		/* Late, and the call's thread waited at least that long for
		 * a CPU: the machine's doing, not the kernel's TCP. */
		return fail_at(e, err, ev, TC_ERR_LATE,
			       "tcpconform was late: system call return due at %.6f sec, returned at %.6f sec while its thread waited %.3f ms for a CPU (tolerance %.6f sec); no verdict on the kernel",
			       rel_s(e, b->due_end_ns), rel_s(e, b->end_ns),
			       (double)b->waited_ns / 1e6, (double)b->tol_us / 1e6);
	if (tc_time_check(b->end_ns, b->due_end_ns, b->due_end_ns, tol_ns) && over > 0 &&
	    b->stall_ns >= over)
		/* Or the machine's CPUs were contended at least that long
		 * while the call ran: the kernel's work for it may have
		 * waited as well.  No verdict either way. */
		return fail_at(e, err, ev, TC_ERR_LATE,
			       "tcpconform was late: system call return due at %.6f sec, returned at %.6f sec while tasks of this machine waited %.3f ms for a CPU (CPU pressure; tolerance %.6f sec); no verdict on the kernel",
			       rel_s(e, b->due_end_ns), rel_s(e, b->end_ns),
			       (double)b->stall_ns / 1e6, (double)b->tol_us / 1e6);
	if (tc_time_check(b->end_ns, b->due_end_ns, b->due_end_ns, tol_ns))
		return fail_at(e, err, ev, TC_ERR_VERIFY,
			       "timing error: expected system call return at %.6f sec but happened at %.6f sec; tolerance %.6f sec",
			       rel_s(e, b->due_end_ns), rel_s(e, b->end_ns),
			       (double)b->tol_us / 1e6);
	return 0;
}

/* If the outstanding blocking call has returned, check it. */
static int poll_blocking(struct engine *e, struct tc_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&e->blk_lock);
	if (e->blk.ev && e->blk.done)
		rc = finish_blocking(e, err);
	pthread_mutex_unlock(&e->blk_lock);
	return rc;
}

/* Wait for the outstanding blocking call to return, until deadline. */
static int wait_blocking(struct engine *e, int64_t deadline, struct tc_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&e->blk_lock);
	while (e->blk.ev && !e->blk.done) {
		struct timespec ts = { .tv_sec = deadline / NSEC, .tv_nsec = deadline % NSEC };

		if (pthread_cond_timedwait(&e->blk_cond, &e->blk_lock, &ts) == ETIMEDOUT)
			break;
	}
	if (e->blk.ev && e->blk.done) {
		rc = finish_blocking(e, err);
	} else if (e->blk.ev) {
		const struct tc_event *ev = e->blk.ev;

		pthread_mutex_unlock(&e->blk_lock);
		return fail_at(e, err, ev, TC_ERR_VERIFY,
			       "timing error: expected system call return at %.6f sec but it had not returned at %.6f sec",
			       rel_s(e, e->blk.due_end_ns), rel_s(e, now_ns()));
	}
	pthread_mutex_unlock(&e->blk_lock);
	return rc;
}

/*
 * Before a non-blocking call: wait up to 1 s for the outstanding blocking
 * call to return, and check it.
 */
static int wait_idle(struct engine *e, const struct tc_event *ev, int64_t due,
		     struct tc_error *err)
{
	int64_t deadline = now_ns() + NSEC;
	bool out;

	pthread_mutex_lock(&e->blk_lock);
	while (e->blk.ev && !e->blk.done) {
		struct timespec ts = { .tv_sec = deadline / NSEC, .tv_nsec = deadline % NSEC };

		if (pthread_cond_timedwait(&e->blk_cond, &e->blk_lock, &ts) == ETIMEDOUT)
			break;
	}
	out = e->blk.ev && !e->blk.done;
	if (!out && e->blk.ev) {
		int rc = finish_blocking(e, err);

		pthread_mutex_unlock(&e->blk_lock);
		return rc;
	}
	if (out) {
		int line = e->blk.ev->line;

		pthread_mutex_unlock(&e->blk_lock);
		return fail_at(e, err, ev, TC_ERR_VERIFY,
			       "timing error: expected system call start at %.6f sec but the blocking call of line %d had not returned at %.6f sec",
			       rel_s(e, due), line, rel_s(e, now_ns()));
	}
	pthread_mutex_unlock(&e->blk_lock);
	return 0;
}

/* ---- capture -------------------------------------------------------- */

static void trace(struct engine *e, int64_t t, char dir, const struct tc_segment *seg)
{
	struct strbuf sb = STRBUF_INIT;

	if (!e->cfg->verbose)
		return;
	tc_conn_format_live(&e->conn, seg, &sb);
	fprintf(stderr, "%.6f %c %s\n", rel_s(e, t), dir, sb.buf);
	strbuf_release(&sb);
}

/*
 * Read the next captured segment of the connection under test, until
 * deadline (0: only what is queued).  Returns 1 with *seg and *ts, 0 at the
 * deadline, -1 on error.
 */
static int next_segment(struct engine *e, int64_t deadline,
			struct tc_segment *seg, int64_t *ts, struct tc_error *err)
{
	for (;;) {
		size_t len;
		struct tc_error derr;
		int rc = tc_sniff_next(e->sn, deadline, e->frame, sizeof(e->frame),
				       &len, ts, err);

		if (rc <= 0)
			return rc;
		if (e->dump || e->dumpng)
			tc_fill_tcp_csum(e->frame, len);
		if (tc_decode_ether(e->frame, len, seg, &derr) < 0) {
			dump_frame(e, e->frame, len, *ts, false, 0);
			continue;	/* not TCP/IP: not ours to judge */
		}
		if (seg_matches(e, seg, *ts)) {
			dump_frame(e, e->frame, len, *ts, false, e->cur_line);
			return 1;
		}
		dump_frame(e, e->frame, len, *ts, false, 0);
	}
}

/* Under --strict: anything the kernel sent that no line has accounted for
 * fails the script (at ev's line, or at the end when ev is NULL). */
static int strict_drain(struct engine *e, const struct tc_event *ev,
			int64_t deadline, struct tc_error *err)
{
	struct tc_segment seg;
	struct strbuf sb = STRBUF_INIT;
	int64_t ts;
	int rc;

	if (!e->cfg->strict)
		return 0;
	rc = next_segment(e, deadline, &seg, &ts, err);
	if (rc < 0)
		return fail_at(e, err, ev, TC_ERR_ENV, "capture failed: %s", err->msg);
	if (rc == 0)
		return 0;
	tc_conn_format_live(&e->conn, &seg, &sb);
	if (ev)
		fail_at(e, err, ev, TC_ERR_VERIFY,
			"unexpected outbound packet before this line: %s",
			sb.buf);
	else
		fail_at(e, err, NULL, TC_ERR_VERIFY,
			"unexpected outbound packet after the last line: %s",
			sb.buf);
	tc_error_detail(err, "  actual packet: %.6f > %s", rel_s(e, ts), sb.buf);
	if (!ev) {
		/* Point at the last line: that is where the script ended. */
		err->line = e->s->n_events ? e->s->events[e->s->n_events - 1].line : 0;
	}
	strbuf_release(&sb);
	return -1;
}

/* Add the script packet and the actual packet to err's detail. */
static void add_packet_detail(struct engine *e, struct tc_error *err,
			      const struct tc_packet *exp, int64_t due_ns,
			      const struct tc_segment *act, int64_t act_ns)
{
	struct strbuf sp = STRBUF_INIT, ap = STRBUF_INIT;

	tc_packet_format(exp, &sp);
	tc_error_detail(err, "  script packet: %.6f > %s", rel_s(e, due_ns), sp.buf);
	if (act) {
		tc_conn_format_live(&e->conn, act, &ap);
		tc_error_detail(err, "  actual packet: %.6f > %s", rel_s(e, act_ns), ap.buf);
	}
	strbuf_release(&sp);
	strbuf_release(&ap);
}

/* ---- events --------------------------------------------------------- */

static int outbound_event(struct engine *e, const struct tc_event *ev,
			  int64_t due, int64_t due_end, int64_t tol_us,
			  int64_t *finished, struct tc_error *err)
{
	const struct tc_packet *exp = ev->u.packet;
	int64_t tol = tol_us * 1000;
	int64_t deadline = ev->time_type == TC_TIME_ANY ?
			   now_ns() + e->cfg->any_wait_usecs * 1000 :
			   due_end + tol + e->cfg->capture_wait_usecs * 1000;
	struct tc_segment seg, frag;
	struct tc_mismatch mm;
	struct tc_verify_opts vo = {
		.ts_tick_usecs = e->cfg->tcp_ts_tick_usecs,
		.tolerance_usecs = e->cfg->tolerance_usecs,
		.tolerance_percent = e->cfg->tolerance_percent,
		/* When the line was due on the live clock: a relative
		 * line counts from when the previous event finished. */
		.event_usecs = (due - e->start_ns) / 1000,
		.check_ts_ecr = tc_config_check(e->cfg, e->cfg->tcp_ts_ecr_check),
		.check_ts_val = tc_config_check(e->cfg, e->cfg->tcp_ts_val_check),
		.check_isn_reuse = e->cfg->tcp_isn_reuse >= 0,
		.isn_reuse = (uint32_t)e->cfg->tcp_isn_reuse,
		.isn_clock_ns = e->cfg->tcp_isn_clock_ns,
	};
	int64_t ts, frag_ts, late_at = due_end + tol, sampled_at = 0, stall0 = -1;
	int rc, n_frags = 1;

	/* Wait first until the line is overdue; if it is, note the machine's
	 * CPU pressure from then, to tell a segment the kernel sent late
	 * from one whose sending waited for a CPU (below). */
	rc = ev->time_type == TC_TIME_ANY ? 0 : next_segment(e, late_at, &seg, &ts, err);
	if (rc == 0) {
		if (ev->time_type != TC_TIME_ANY) {
			sampled_at = now_ns();
			stall0 = cpu_stall_ns();
		}
		rc = next_segment(e, deadline, &seg, &ts, err);
	}
	if (rc < 0)
		return fail_at(e, err, ev, TC_ERR_ENV, "capture failed: %s", err->msg);
	if (rc == 0) {
		struct strbuf sp = STRBUF_INIT;

		tc_packet_format(exp, &sp);
		fail_at(e, err, ev, TC_ERR_VERIFY,
			"timed out waiting for outbound packet: %s", sp.buf);
		strbuf_release(&sp);
		tc_error_detail(err, "  expected at %.6f sec; waited until %.6f sec",
				rel_s(e, due), rel_s(e, deadline));
		return -1;
	}

	/* Aggregate GSO/TSO fragments until their payloads add up. */
	while (!e->cfg->strict_segments && exp->l4 == TC_L4_TCP && seg.payload_len > 0 &&
	       seg.payload_len < exp->payload_len) {
		uint32_t first_len = seg.payload_len / (uint32_t)n_frags;

		rc = next_segment(e, deadline, &frag, &frag_ts, err);
		if (rc <= 0)
			break;
		if (frag.seq != seg.seq + seg.payload_len ||
		    (n_frags > 1 && frag.payload_len > first_len)) {
			/* Not a continuation: judge what we have.  (The
			 * segment read here is consumed; a script that
			 * expects it next fails on that line.) */
			break;
		}
		{
			uint32_t seq = seg.seq;
			uint32_t total = seg.payload_len + frag.payload_len;
			bool zero = seg.payload_zero && frag.payload_zero;
			uint16_t cwr = seg.flags & TC_TH_CWR;

			seg = frag;
			seg.seq = seq;
			seg.payload_len = total;
			seg.payload_zero = zero;
			seg.flags = (uint16_t)((seg.flags & ~TC_TH_CWR) | cwr);
			ts = frag_ts;
		}
		n_frags++;
	}

	vo.capture_ns = ts;
	rc = tc_conn_verify(&e->conn, exp, &seg, &vo, &mm);
	trace(e, ts, '>', &seg);	/* after verify: the kernel's ISN is known */
	rec_actual(e, &seg, ts);
	if (rc) {
		rec_field(e, mm.field);
		fail_at(e, err, ev, TC_ERR_VERIFY,
			"bad outbound packet: %s: expected %s vs actual %s",
			mm.field, mm.expected, mm.actual);
		add_packet_detail(e, err, exp, due, &seg, ts);
		if (mm.ts_val) {
			int64_t tol_ts = tc_ts_tolerance(&vo);

			tc_error_detail(err, "  TS val tolerance %.6f sec: %" PRId64 " ticks of %" PRId64 " usecs",
					(double)tol_ts / 1e6, tol_ts / vo.ts_tick_usecs,
					vo.ts_tick_usecs);
		}
		return e->cfg->non_fatal_packet ? 1 : -1;
	}
	ts = tc_seen_time(ts, e->prev_start_ns, e->prev_live_ns);
	if (ev->time_type != TC_TIME_ANY) {
		int c = tc_time_check(ts, due, due_end, tol);
		int64_t stall1 = stall0 >= 0 ? cpu_stall_ns() : -1;

		if (c && e->cmd_shift_ns > 0 &&
		    !tc_time_check(ts, due - e->cmd_shift_ns, due_end - e->cmd_shift_ns, tol))
			/* Off its time only by what the commands before it
			 * took: on the script's clock, where a command takes
			 * no time, it came when due.  How long a command runs
			 * (a shell starting on a busy machine) is not the
			 * kernel's doing.  No verdict. */
			return fail_at(e, err, ev, TC_ERR_LATE,
				       "tcpconform was late: outbound packet due at %.6f sec came at %.6f sec, on time but for the %.3f ms the commands up to line %d ran (a command takes no script time; tolerance %.6f sec); no verdict on the kernel",
				       rel_s(e, due), rel_s(e, ts),
				       (double)e->cmd_shift_ns / 1e6, e->cmd_shift_line,
				       (double)tol_us / 1e6);
		if (c > 0 && stall0 >= 0 && stall1 >= stall0 && ts > sampled_at &&
		    stall1 - stall0 >= ts - sampled_at)
			/* Late, and from when it was overdue to when it came
			 * the machine's tasks waited that long for a CPU: the
			 * kernel's sending may have waited too.  No verdict. */
			return fail_at(e, err, ev, TC_ERR_LATE,
				       "tcpconform was late: outbound packet due at %.6f sec came at %.6f sec while tasks of this machine waited %.3f ms for a CPU (CPU pressure; tolerance %.6f sec); no verdict on the kernel",
				       rel_s(e, due_end), rel_s(e, ts),
				       (double)(stall1 - stall0) / 1e6, (double)tol_us / 1e6);
		if (c) {
			if (due == due_end)
				fail_at(e, err, ev, TC_ERR_VERIFY,
					"timing error: expected outbound packet at %.6f sec but happened at %.6f sec; tolerance %.6f sec",
					rel_s(e, due), rel_s(e, ts), (double)tol_us / 1e6);
			else
				fail_at(e, err, ev, TC_ERR_VERIFY,
					"timing error: expected outbound packet within %.6f~%.6f sec but happened at %.6f sec; tolerance %.6f sec",
					rel_s(e, due), rel_s(e, due_end), rel_s(e, ts),
					(double)tol_us / 1e6);
			add_packet_detail(e, err, exp, due, &seg, ts);
			return e->cfg->non_fatal_packet ? 1 : -1;
		}
	}
	*finished = ts;
	return 0;
}

/* The Ethernet and IP fields of an inbound packet: from the remote to the
 * kernel's address, TTL 255 (or the line's), the line's TOS and ECN. */
static void wire_ip(const struct engine *e, const struct tc_packet *p,
		    struct tc_wire_tcp *w)
{
	memset(w, 0, sizeof(*w));
	memcpy(w->src_mac, tc_netns_wire_mac(e->ns), 6);
	memcpy(w->dst_mac, tc_netns_dev_mac(e->ns), 6);
	if (e->wire_family == AF_INET6) {
		w->ipv6 = true;
		memcpy(w->src6, e->remote_ip, 16);
		memcpy(w->dst6, e->local_ip, 16);
	} else {
		memcpy(&w->src_ip, e->remote_ip, 4);
		memcpy(&w->dst_ip, e->local_ip, 4);
	}
	w->ttl = p->ttl >= 0 ? (uint8_t)p->ttl : 255;
	w->tos = p->tos >= 0 ? (uint8_t)p->tos : 0;
	w->encap = p->encap;
	w->n_encap = p->n_encap;
	if (p->ecn >= 0 && p->ecn <= TC_ECN_CE)
		w->tos = (uint8_t)((w->tos & ~3) | p->ecn);
}

/*
 * Record the frame just injected (pcap, -v), stamped when its write began:
 * the kernel may answer inside our send (the veth hands the frame to its
 * stack at once), and its answer's capture stamp must not come before the
 * segment it answers.  Neither the return of the send nor now would do.
 */
static void injected(struct engine *e, const struct tc_packet *p, int64_t sent)
{
	const uint8_t *frame;
	size_t flen = 0;
	int64_t began = tc_inject_last_write_ns(e->inj);

	e->sent_ns = sent;
	frame = tc_inject_last_frame(e->inj, &flen);
	dump_frame(e, frame, flen, began, true, e->cur_line);
	if (e->cfg->verbose) {
		struct strbuf sb = STRBUF_INIT;

		tc_packet_format(p, &sb);
		fprintf(stderr, "%.6f < %s\n", rel_s(e, began), sb.buf);
		strbuf_release(&sb);
	}
}

/*
 * An inbound ICMP error about the connection under test: it quotes the
 * kernel's own IP header and the first 8 bytes of its TCP header, the
 * line's [seq] (0 when not given) mapped into the kernel's sequence space,
 * so that the kernel takes it as about a segment it sent; or, for `[udp
 * (N)]`, of a datagram of the UDP socket under test (`[raw (N)]`: an IP
 * packet of protocol 255).  ICMPv6 on an
 * IPv6 wire, with the line's ICMPv6 numbers (check_icmp() made sure of
 * them).
 */
static int inbound_icmp(struct engine *e, const struct tc_event *ev,
			struct tc_error *err)
{
	const struct tc_packet *p = ev->u.packet;
	struct tc_packet shown = *p;
	struct tc_wire_tcp w;
	struct tc_icmp_msg m;
	uint16_t lport, rport;
	uint8_t msg[64];
	uint32_t seq;
	int64_t sent;
	int len;

	tc_conn_icmp_quote(&e->conn, p, &lport, &rport, &seq);

	m.mtu = p->icmp_mtu;
	m.echo_id = p->icmp_echo_id;
	m.quoted = p->icmp_quoted;
	m.sport = lport;
	m.dport = rport;
	m.seq = seq;
	m.payload_len = p->payload_len;
	if (e->wire_family == AF_INET6) {
		shown.icmp_type = m.type = p->icmp6_type;
		shown.icmp_code = m.code = p->icmp6_code;
		len = tc_icmp6_build(msg, sizeof(msg), &m, e->local_ip, e->remote_ip);
	} else {
		m.type = p->icmp_type;
		m.code = p->icmp_code;
		len = tc_icmp4_build(msg, sizeof(msg), &m, e->local_ip, e->remote_ip);
	}
	wire_ip(e, p, &w);
	if (len < 0 ||
	    tc_inject_icmp(e->inj, &w, msg, (size_t)len, &sent, err) < 0) {
		if (len < 0)
			tc_error_set(err, TC_ERR_ENV, "cannot build the ICMP message");
		err->file = e->s->path;
		err->line = ev->line;
		err->kind = TC_ERR_ENV;
		return -1;
	}
	injected(e, &shown, sent);
	return 0;
}

/*
 * Before the run: every ICMP line's names must exist in the wire's ICMP
 * version, and its 'mtu' fit that version's type, as packetdrill resolves
 * them once its options are final.
 */
static int check_icmp(struct engine *e, struct tc_error *err)
{
	bool v6 = e->cfg->ip_version == TC_IPV6;
	const char *ver = v6 ? "ICMPv6" : "ICMPv4";

	for (int i = 0; i < e->s->n_events; i++) {
		const struct tc_event *ev = &e->s->events[i];
		const struct tc_packet *p;
		int type, code;

		if (ev->type != TC_EVENT_PACKET || ev->u.packet->l4 != TC_L4_ICMP)
			continue;
		p = ev->u.packet;
		type = v6 ? p->icmp6_type : p->icmp_type;
		code = v6 ? p->icmp6_code : p->icmp_code;
		if (type < 0 && p->icmp_code_name[0])
			return fail_at(e, err, ev, TC_ERR_SCRIPT,
				       "'%s %s' is not an %s type and code (--ip_version=%s)",
				       p->icmp_type_name, p->icmp_code_name, ver,
				       tc_ip_version_name(e->cfg->ip_version));
		if (type < 0)
			return fail_at(e, err, ev, TC_ERR_SCRIPT,
				       "'%s' is not an %s type (--ip_version=%s)",
				       p->icmp_type_name, ver,
				       tc_ip_version_name(e->cfg->ip_version));
		if (p->icmp_mtu >= 0 && (v6 ? !(type == 2 && code == 0) :
					 !(type == 3 && code == 4)))
			return fail_at(e, err, ev, TC_ERR_SCRIPT,
				       "'mtu' is only allowed on '%s' messages in %s",
				       v6 ? "packet_too_big" : "unreachable frag_needed",
				       ver);
	}
	return 0;
}

/* A UDP datagram toward the socket under test (or toward the bind port,
 * from the remote port, before there is a connection). */
static int inbound_udp(struct engine *e, const struct tc_event *ev,
		       struct tc_error *err)
{
	const struct tc_packet *p = ev->u.packet;
	struct tc_wire_tcp w;
	uint16_t sport, dport;
	int64_t sent;

	tc_conn_inbound_udp(&e->conn, p, &sport, &dport);

	wire_ip(e, p, &w);
	if (tc_inject_udp(e->inj, &w, sport, dport, p->payload_len, &sent, err) < 0) {
		err->file = e->s->path;
		err->line = ev->line;
		if (err->kind != TC_ERR_SCRIPT)
			err->kind = TC_ERR_ENV;
		return -1;
	}
	injected(e, p, sent);
	return 0;
}

static int inbound_event(struct engine *e, const struct tc_event *ev,
			 struct tc_error *err)
{
	const struct tc_packet *p = ev->u.packet;
	struct tc_option opts[TC_MAX_OPTIONS];
	uint8_t obuf[TC_MAX_OPT_BYTES];
	size_t olen = 0;
	struct tc_wire_tcp w;
	struct tc_conn_inbound in;
	uint32_t bad_ecr;

	if (p->l4 == TC_L4_ICMP)
		return inbound_icmp(e, ev, err);
	if (p->l4 == TC_L4_UDP)
		return inbound_udp(e, ev, err);

	memcpy(opts, p->options, sizeof(opts[0]) * (size_t)p->n_options);
	if (tc_conn_inbound(&e->conn, p, e->cfg->tcp_ts_ecr_scaled, opts, &in, &bad_ecr) < 0)
		return fail_at(e, err, ev, TC_ERR_VERIFY,
			       "unable to infer live TS ecr for script TS ecr %u; no matching or preceding outbound TS val",
			       bad_ecr);

	wire_ip(e, p, &w);
	w.sport = in.sport;
	w.dport = in.dport;
	w.seq = in.seq;
	w.ack = in.ack;
	w.flags = p->flags;
	w.win = p->win;
	w.urg = p->has_urg ? p->urg : 0;
	w.payload_len = p->payload_len;
	w.gso_size = (uint16_t)e->cfg->mss;

	if (tc_options_encode(opts, p->n_options, obuf, sizeof(obuf), &olen, err) < 0) {
		err->file = e->s->path;
		err->line = ev->line;
		err->col = 0;
		return -1;
	}
	w.opts = obuf;
	w.opts_len = olen;
	{
		int64_t sent;

		if (tc_inject_tcp(e->inj, &w, &sent, err) < 0) {
			err->file = e->s->path;
			err->line = ev->line;
			err->kind = TC_ERR_ENV;
			return -1;
		}
		tc_conn_inbound_sent(&e->conn, p, &in, ev->line);
		injected(e, p, sent);
	}
	return 0;
}

/*
 * A call written without '...' runs here, in the engine's thread, as in
 * packetdrill; if it blocks (a read() with nothing to read, an accept()
 * with no connection), nothing else can happen, and packetdrill waits for
 * ever.  We wait TC_CALL_LIMIT_S: a per-thread timer then interrupts it
 * (a signal without SA_RESTART: the call fails with EINTR) and the line
 * fails, saying so.
 */
#define TC_CALL_LIMIT_S 5
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid	/* glibc before 2.41 */
#endif

static volatile sig_atomic_t call_timer_fired;

static void call_timer_handler(int sig)
{
	(void)sig;
	call_timer_fired = 1;
}

static int exec_limited(struct engine *e, const struct tc_event *ev,
			struct tc_error *err)
{
	struct sigevent sev;
	struct sigaction sa;
	struct itimerspec its = { .it_value = { .tv_sec = TC_CALL_LIMIT_S } };
	struct strbuf outcome = STRBUF_INIT;
	int64_t began;
	timer_t t;
	bool armed;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = call_timer_handler;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	call_timer_fired = 0;
	armed = timer_create(CLOCK_MONOTONIC, &sev, &t) == 0 &&
		timer_settime(t, 0, &its, NULL) == 0;
	began = now_ns();
	rc = tc_syscall_run(&e->sys, ev->u.syscall,
			    e->cfg->verbose ? &outcome : NULL, err);
	if (armed)
		timer_delete(t);
	if (outcome.len)
		trace_call(e, ev, began, "returned ", outcome.buf);
	strbuf_release(&outcome);
	if (call_timer_fired) {
		tc_error_set(err, TC_ERR_VERIFY,
			     "runtime error in %s call: it blocked for %d s; a call written "
			     "without '...' must return at once (a blocking one is written "
			     "'+0...1 %s(...)')", ev->u.syscall->name, TC_CALL_LIMIT_S,
			     ev->u.syscall->name);
		return -1;
	}
	return rc;
}

static int syscall_event(struct engine *e, const struct tc_event *ev,
			 int64_t due, int64_t script_us, struct tc_error *err)
{
	const struct tc_syscall *call = ev->u.syscall;
	int rc;

	if (ev->end_usecs < 0) {
		/* Non-blocking: here, now; but first let an outstanding
		 * blocking call return (up to 1 s), so the two do not race
		 * for the same data. */
		if (wait_idle(e, ev, due, err) < 0)
			return -1;
		rc = exec_limited(e, ev, err);
		if (rc < 0) {
			err->file = e->s->path;
			err->line = ev->line;
			err->col = 0;
			return -1;
		}
		if (!strcmp(call->name, "listen")) {
			tc_conn_listen(&e->conn);
		}
		return 0;
	}

	/* Blocking: hand it to the syscall thread; as packetdrill, back to
	 * back blocking calls first wait (up to 1 s) for the previous one to
	 * return, and check it. */
	pthread_mutex_lock(&e->blk_lock);
	{
		int64_t deadline = now_ns() + NSEC;

		while (e->blk.ev && !e->blk.done) {
			struct timespec ts = { .tv_sec = deadline / NSEC,
					       .tv_nsec = deadline % NSEC };

			if (pthread_cond_timedwait(&e->blk_cond, &e->blk_lock, &ts) == ETIMEDOUT)
				break;
		}
		if (e->blk.ev && e->blk.done && finish_blocking(e, err) < 0) {
			pthread_mutex_unlock(&e->blk_lock);
			return -1;
		}
	}
	if (e->blk.ev) {
		pthread_mutex_unlock(&e->blk_lock);
		return fail_at(e, err, ev, TC_ERR_VERIFY,
			       "blocking system call while another blocking system call is already in progress");
	}
	{
		int64_t end_script = ev->time_type == TC_TIME_ABSOLUTE ?
				     ev->end_usecs :
				     e->prev_script_us + ev->end_usecs;
		int64_t base = ev->time_type == TC_TIME_ABSOLUTE ?
			       e->start_ns : e->prev_live_ns;

		e->blk.due_end_ns = ev->time_type == TC_TIME_ABSOLUTE ?
				    e->start_ns + ev->end_usecs * 1000 :
				    base + ev->end_usecs * 1000;
		e->blk.tol_us = tc_tolerance(e->cfg->tolerance_usecs,
					     e->cfg->tolerance_percent,
					     end_script - script_us);
	}
	e->blk.ev = ev;
	e->blk.done = false;
	e->blk.tid = 0;
	e->blk.start_script_us = script_us;
	e->blk.rec_i = e->rec_i;
	pthread_cond_broadcast(&e->blk_cond);
	pthread_mutex_unlock(&e->blk_lock);

	/* Go on once the thread sleeps in the kernel or has returned. */
	for (int i = 0; i < 200000; i++) {
		bool done;
		pid_t tid;

		pthread_mutex_lock(&e->blk_lock);
		done = e->blk.done;
		tid = e->blk.tid;
		pthread_mutex_unlock(&e->blk_lock);
		if (done || (tid && thread_sleeping(tid)))
			break;
		usleep(20);
	}
	/* The syscall thread took the call up late (it had no CPU): the
	 * events after it would be timed from then, so this run gives no
	 * verdict. */
	{
		int64_t began, tol_ns = e->cfg->tolerance_usecs * 1000;

		pthread_mutex_lock(&e->blk_lock);
		began = e->blk.tid ? e->blk.start_ns : 0;
		pthread_mutex_unlock(&e->blk_lock);
		if (began > due + tol_ns)
			return fail_at(e, err, ev, TC_ERR_LATE,
				       "tcpconform was late: system call start due at %.6f sec, its thread began it at %.6f sec (%.3f ms late; tolerance %.6f sec); no verdict on the kernel",
				       rel_s(e, due), rel_s(e, began), (double)(began - due) / 1e6,
				       (double)tol_ns / 1e9);
		/* The call happened when its thread began it, not when this
		 * thread saw it asleep: the next "+0" is timed from then. */
		e->call_began_ns = began;
		if (began)
			trace_call(e, ev, began, "began", "");
	}
	return 0;
}

/* ---- setup and the main loop ---------------------------------------- */

struct wire_open {
	struct engine *e;
};

static bool script_has_encap(const struct tc_script *s)
{
	for (int i = 0; i < s->n_events; i++)
		if (s->events[i].type == TC_EVENT_PACKET && s->events[i].u.packet->n_encap)
			return true;
	return false;
}

static int open_wire(void *arg, struct tc_error *err)
{
	struct engine *e = ((struct wire_open *)arg)->e;
	char filter[384], r[INET6_ADDRSTRLEN];

	if (tc_inject_open("wire0", &e->inj, err) < 0)
		return -1;
	tc_phase("injector");
	inet_ntop(e->wire_family, e->remote_ip, r, sizeof(r));
	/* Only the test's own traffic: TCP, UDP and ICMP errors (ICMPv6
	 * types below 128), which leaves out the kernel's neighbour
	 * discovery and MLD.  A script with outer headers also takes
	 * whatever IP in IP, GRE or MPLS the kernel sends: the decoder
	 * finds the inner packet, and seg_matches() judges it. */
	snprintf(filter, sizeof(filter), "(%s and (tcp or udp or %s) and dst host %s)%s",
		 e->wire_family == AF_INET6 ? "ip6" : "ip",
		 e->wire_family == AF_INET6 ? "(icmp6 and ip6[40] < 128)" : "icmp", r,
		 !script_has_encap(e->s) ? "" :
		 " or (ip and (ip proto 4 or ip proto 41 or ip proto 47 or ip proto 137))"
		 " or (ip6 and (ip6 proto 4 or ip6 proto 41 or ip6 proto 47 or ip6 proto 137))"
		 " or ether proto 0x8847");
	return tc_sniff_open("wire0", filter, &e->sn, err);
}

/*
 * The script's Requires: lines, against the values its namespace has now
 * (the kernel's defaults with the profile applied).  One that does not
 * hold makes the run not applicable, naming the key, both values and where
 * the value came from: a setting the script is not written for is no
 * verdict on the kernel.
 */
static int check_requires(struct engine *e, struct tc_error *err)
{
	for (int i = 0; i < e->s->n_requires; i++) {
		const struct tc_require *r = &e->s->requires[i];
		const struct tc_sysctl *from = NULL;
		char val[512];
		int rc = tc_netns_sysctl_read(e->ns, r->key, val, sizeof(val), err);

		if (rc < 0)
			return -1;
		if (rc == 0 && tc_require_holds(r, val))
			continue;
		for (int k = 0; k < e->cfg->n_sysctls; k++)
			if (!strcmp(e->cfg->sysctls[k].key, r->key))
				from = &e->cfg->sysctls[k];
		tc_error_clear(err);
		if (rc > 0) {
			tc_error_at(err, TC_ERR_NOT_APPLICABLE, r->line, 0,
				    "requires %s %s %s, and this kernel has no %s",
				    r->key, tc_require_op_name(r->op), r->value, r->key);
		} else if (from && from->file) {
			tc_error_at(err, TC_ERR_NOT_APPLICABLE, r->line, 0,
				    "requires %s %s %s, and it is %s here (set by %s:%d)",
				    r->key, tc_require_op_name(r->op), r->value, val,
				    from->file, from->line);
		} else {
			tc_error_at(err, TC_ERR_NOT_APPLICABLE, r->line, 0,
				    "requires %s %s %s, and it is %s here (%s)",
				    r->key, tc_require_op_name(r->op), r->value, val,
				    from ? "set by the profile" : "the kernel's default");
		}
		err->file = e->s->path;
		return -1;
	}
	return 0;
}

/* The sockaddr that '...' stands for in bind() or connect(): the wire
 * address, or with --ip_version=ipv4-mapped-ipv6 the IPv4 wire address
 * mapped into IPv6 (::ffff:a.b.c.d). */
static socklen_t script_sockaddr(const struct engine *e, const uint8_t *ip,
				 int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (e->sys.family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (e->wire_family == AF_INET6) {
			memcpy(&a->sin6_addr, ip, 16);
		} else {
			a->sin6_addr.s6_addr[10] = 0xff;
			a->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&a->sin6_addr.s6_addr[12], ip, 4);
		}
		return sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		memcpy(&a->sin_addr, ip, 4);
		return sizeof(*a);
	}
}

static int setup(struct engine *e, struct tc_error *err)
{
	struct tc_netns_config nc = {
		.dev_name = "tun0",
		.wire_name = "wire0",
		.local_ip = e->cfg->local_ip,
		.local_prefix = e->cfg->local_prefix,
		.remote_ip = e->cfg->remote_ip,
		.remote_prefix = e->cfg->remote_prefix,
		.gateway_ip = e->cfg->gateway_ip,
		.mtu = e->cfg->mtu,
		.no_tso = e->cfg->no_tso,
	};
	struct wire_open wo = { e };

	e->wire_family = e->cfg->ip_version == TC_IPV6 ? AF_INET6 : AF_INET;
	nc.family = e->wire_family;
	if (inet_pton(e->wire_family, e->cfg->local_ip, e->local_ip) != 1 ||
	    inet_pton(e->wire_family, e->cfg->remote_ip, e->remote_ip) != 1)
		return tc_error_set(err, TC_ERR_SCRIPT, "bad local or remote address");
	if (tc_netns_open(&nc, &e->ns, err) < 0)
		return -1;
	tc_phase("netns");
	if (tc_netns_in_wire(e->ns, open_wire, &wo, err) < 0) {
		if (err->kind == TC_ERR_NONE)
			err->kind = TC_ERR_ENV;
		return -1;
	}
	tc_phase("wire");

	tc_sys_ctx_init(&e->sys);
	e->sys_ready = true;
	/* Sockets are AF_INET6 for ipv6 and for ipv4-mapped-ipv6. */
	e->sys.family = e->cfg->ip_version == TC_IPV4 ? AF_INET : AF_INET6;
	e->sys.bind_len = script_sockaddr(e, e->local_ip, e->cfg->bind_port,
					  &e->sys.bind_addr);
	e->sys.connect_len = script_sockaddr(e, e->remote_ip, e->cfg->connect_port,
					     &e->sys.connect_addr);
	e->sys.on_fd = on_fd;
	e->sys.on_connect = on_connect;
	e->sys.stop = &call_timer_fired;
	e->sys.cb_arg = e;

	for (int i = 0; i < e->cfg->n_sysctls; i++) {
		const struct tc_sysctl *sc = &e->cfg->sysctls[i];

		if (tc_netns_sysctl(e->ns, sc->key, sc->value, err) < 0) {
			/* The profile is at fault: name its file and line. */
			err->kind = TC_ERR_SCRIPT;
			err->file = sc->file;
			err->line = sc->line;
			err->col = 0;
			return -1;
		}
	}
	if (check_requires(e, err) < 0)
		return -1;
	if (e->cfg->pcap_fd >= 0 &&
	    (e->cfg->pcapng ? tc_pcapng_open(e->cfg->pcap_fd, &e->dumpng, err) :
	     tc_pcap_out_open(e->cfg->pcap_fd, &e->dump, err)) < 0)
		return -1;

	go_realtime(e);
	if (pthread_create(&e->thread, NULL, syscall_thread, e))
		return tc_error_set(err, TC_ERR_ENV, "cannot start the syscall thread");
	e->thread_started = true;
	tc_phase("setup");
	return 0;
}

/* Returns false when the syscall thread is still blocked in the kernel:
 * then e must not be freed (the process exits soon after). */
static bool teardown(struct engine *e)
{
	bool joined = true;

	if (e->thread_started) {
		pthread_mutex_lock(&e->blk_lock);
		e->quit = true;
		pthread_cond_broadcast(&e->blk_cond);
		pthread_mutex_unlock(&e->blk_lock);
		/* A call still blocked in the kernel is abandoned: the
		 * process is about to exit and its namespaces with it. */
		if (!e->blk.ev || e->blk.done)
			pthread_join(e->thread, NULL);
		else {
			pthread_detach(e->thread);
			joined = false;
		}
	}
	if (e->sys_ready) {
		tc_sys_ctx_close_all(&e->sys);
		if (joined)
			tc_sys_ctx_destroy(&e->sys);
	}
	tc_inject_close(e->inj);
	tc_sniff_close(e->sn);
	tc_pcap_out_close(e->dump);
	tc_pcapng_close(e->dumpng);
	tc_netns_close(e->ns);
	return joined;
}

/* What a timed event that is not an outbound packet is, for messages. */
static const char *event_what(const struct tc_event *ev)
{
	switch (ev->type) {
	case TC_EVENT_PACKET:
		return "inbound packet";
	case TC_EVENT_SYSCALL:
		return "system call start";
	case TC_EVENT_COMMAND:
		return "command";
	case TC_EVENT_CODE:
		return "data collection for code";
	}
	return "event";
}

static int run_events(struct engine *e, struct tc_error *err)
{
	const struct tc_script *s = e->s;

	for (int i = 0; i < s->n_events; i++) {
		const struct tc_event *ev = &s->events[i];
		bool inbound = ev->type == TC_EVENT_PACKET &&
			       ev->u.packet->dir == TC_DIR_INBOUND;
		bool outbound = ev->type == TC_EVENT_PACKET && !inbound;
		int64_t script_us, script_end_us, due, due_end, tol_us, finished = 0;
		int64_t started = 0, woke = 0;
		int rc = 0;

		/* Script time and live due time of this event. */
		switch (ev->time_type) {
		case TC_TIME_ABSOLUTE:
			script_us = ev->time_usecs;
			script_end_us = ev->time_end_usecs >= 0 ? ev->time_end_usecs : script_us;
			due = e->start_ns + script_us * 1000;
			due_end = e->start_ns + script_end_us * 1000;
			break;
		case TC_TIME_RELATIVE: {
			int64_t base = inbound && e->prev_inbound ? e->prev_due_ns :
				       e->prev_live_ns;

			script_us = e->prev_script_us + ev->time_usecs;
			script_end_us = ev->time_end_usecs >= 0 ?
					e->prev_script_us + ev->time_end_usecs : script_us;
			due = base + ev->time_usecs * 1000;
			due_end = base + (script_end_us - e->prev_script_us) * 1000;
			break;
		}
		case TC_TIME_ANY:
		default:
			script_us = script_end_us = e->prev_script_us;
			due = due_end = e->prev_live_ns;
			break;
		}
		tol_us = tc_tolerance(e->cfg->tolerance_usecs, e->cfg->tolerance_percent,
				      script_us - e->prev_script_us);
		rec_begin(e, ev, due, due_end, tol_us);

		if (poll_blocking(e, err) < 0)
			return -1;

		if (outbound) {
			rc = outbound_event(e, ev, due, due_end, tol_us, &finished, err);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				/* --non_fatal=packet: warn and go on. */
				tc_notice(TC_WARNING, s->path, ev->line, err->detail, "%s",
					  err->msg);
				tc_error_clear(err);
				finished = now_ns();
			}
		} else {
			if (strict_drain(e, ev, 0, err) < 0)
				return -1;
			woke = sleep_until(inbound ? due - BUILD_LEAD_NS : due);
			finished = started = now_ns();
			if (finished > due + tol_us * 1000 &&
			    e->prev_live_ns > due + tol_us * 1000) {
				/* The script's own previous event (a long
				 * command, a call that blocked) ran past this
				 * one's due time: the script's timing fails. */
				return fail_at(e, err, ev, TC_ERR_VERIFY,
					       "timing error: expected %s at %.6f sec but happened at %.6f sec; tolerance %.6f sec",
					       event_what(ev), rel_s(e, due), rel_s(e, finished),
					       (double)tol_us / 1e6);
			}
			if (finished > due + tol_us * 1000) {
				/* The previous event ended in time, and
				 * still tcpconform was not ready for this one:
				 * the machine kept it from its schedule. */
				return fail_at(e, err, ev, TC_ERR_LATE,
					       "tcpconform was late: %s due at %.6f sec, tcpconform ready at %.6f sec (%.3f ms late; tolerance %.6f sec); no verdict on the kernel",
					       event_what(ev), rel_s(e, due), rel_s(e, finished),
					       (double)(finished - due) / 1e6,
					       (double)tol_us / 1e6);
			}
			switch (ev->type) {
			case TC_EVENT_PACKET:
				tc_inject_hold_until(e->inj, due);
				rc = inbound_event(e, ev, err);
				tc_inject_hold_until(e->inj, 0);
				if (rc == 0) {
					tc_phase_inject(ev->line, due, woke, started,
							tc_inject_last_write_ns(e->inj),
							e->sent_ns);
					/* The action is the write, not the
					 * build before it (tc_seen_time). */
					started = tc_inject_last_write_ns(e->inj);
				}
				break;
			case TC_EVENT_SYSCALL:
				rc = syscall_event(e, ev, due, script_us, err);
				break;
			case TC_EVENT_COMMAND:
				rc = command_event(e, ev, ev->u.command, err);
				break;
			case TC_EVENT_CODE: {
				int fd;

				fd = tc_conn_sut_fd(&e->conn);
				rc = tc_code_add(&e->code, fd, ev->line, ev->u.code, err);
				if (rc < 0) {
					err->file = s->path;
					err->line = ev->line;
				}
				break;
			}
			}
			if (rec(e, e->rec_i) && rec(e, e->rec_i)->at_us < 0)
				rec(e, e->rec_i)->at_us = rec_us(e, started);
			if (rc < 0)
				return -1;
			finished = now_ns();
			if (ev->type == TC_EVENT_COMMAND && ev->time_type != TC_TIME_ANY &&
			    finished - started > tol_us * 1000) {
				e->cmd_shift_ns += finished - started;
				e->cmd_shift_line = ev->line;
			}
			if (rec(e, e->rec_i) && ev->type != TC_EVENT_PACKET && ev->end_usecs < 0)
				rec(e, e->rec_i)->end_us = rec_us(e, finished);
			if (e->call_began_ns > 0 && e->call_began_ns < finished)
				finished = e->call_began_ns;
			e->call_began_ns = 0;
		}
		e->prev_script_us = script_us;
		e->prev_start_ns = outbound ? finished : started;
		e->prev_live_ns = finished;
		e->prev_due_ns = due;
		e->prev_inbound = inbound;
	}

	return 0;
}

/*
 * After the last event, the cleanup command and the code blocks: a
 * blocking call still out must return in its time (packetdrill checks it
 * last too, so a failing code block is the error a script gets even when a
 * call also hangs); then --strict's quiet wait.
 */
static int finish_run(struct engine *e, struct tc_error *err)
{
	int64_t deadline;

	pthread_mutex_lock(&e->blk_lock);
	deadline = e->blk.ev ? e->blk.due_end_ns + e->blk.tol_us * 1000 +
			       e->cfg->capture_wait_usecs * 1000 : 0;
	pthread_mutex_unlock(&e->blk_lock);
	if (deadline && wait_blocking(e, deadline, err) < 0)
		return -1;
	if (e->cfg->strict &&
	    strict_drain(e, NULL, now_ns() + e->cfg->strict_wait_usecs * 1000, err) < 0)
		return -1;
	return 0;
}

/*
 * A run the suite runner prepared ahead: everything before the first event
 * is made (namespaces, wire, sysctls, the syscall thread); wait here for
 * the runner's go, one byte on fd.  EOF (or an error) means the runner is
 * gone or no longer wants this run: nothing of the script has run and
 * nothing is to be said, so leave at once; the namespaces go with the
 * process.
 */
static void wait_for_go(int fd)
{
	char c;
	ssize_t n;

	if (fd < 0)
		return;
	tc_phase("prepared");
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(TC_EXIT_ENV);
	close(fd);
	tc_phase("go");
}

int tc_engine_run(const struct tc_script *script, const struct tc_config *cfg,
		  struct tc_error *err)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	char nstat_file[4096] = "";
	int rc = -1;

	e->s = script;
	e->cfg = cfg;
	e->rec_i = -1;
	e->blk.rec_i = -1;
	e->base = strrchr(script->path, '/') ? strrchr(script->path, '/') + 1 : script->path;
	tc_conn_init(&e->conn, script, cfg->bind_port, cfg->remote_port, cfg->connect_port);
	tc_code_init(&e->code);
	pthread_mutex_init(&e->blk_lock, NULL);
	pthread_cond_init(&e->blk_cond, NULL);

	tc_phase("engine");
	if (check_icmp(e, err) < 0 || setup(e, err) < 0)
		goto out;

	/* Commands run from the script's folder, as packetdrill runs them. */
	{
		char *dir = strdup(script->path);
		char *slash = dir ? strrchr(dir, '/') : NULL;

		if (slash) {
			*slash = '\0';
			if (chdir(*dir ? dir : "/") < 0) {
				free(dir);
				tc_error_set(err, TC_ERR_ENV, "cannot enter '%s': %s",
					     script->path, strerror(errno));
				goto out;
			}
		}
		free(dir);
	}
	{
		char pid[32];

		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		setenv("PACKETDRILL_PID", pid, 1);
		setenv("TCPCONFORM_PID", pid, 1);
		/* nstat keeps the counters it last showed in one file per user
		 * (/tmp/.nstat.uUID): runs side by side would read each other's
		 * deltas.  Each run gets its own, removed at the end. */
		snprintf(nstat_file, sizeof(nstat_file), "%s/tcpconform-nstat.%s",
			 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			 /* unique even where the script is PID 2 */
			 getenv("TCPCONFORM_RUN_ID") && *getenv("TCPCONFORM_RUN_ID") ?
			 getenv("TCPCONFORM_RUN_ID") : pid);
		setenv("NSTAT_HISTORY", nstat_file, 1);
	}

	wait_for_go(cfg->go_fd);

	if (script->init_command) {
		struct tc_event init = { .line = script->init_line };

		if (command_event(e, &init, script->init_command, err) < 0)
			goto out;
	}

	e->start_ns = align_to_jiffy();
	e->prev_live_ns = e->prev_start_ns = e->start_ns;
	e->prev_due_ns = e->start_ns;
	e->prev_script_us = 0;
	e->sys.ts_start_ns = e->start_ns;
	e->sys.ts_tolerance_us = cfg->tolerance_usecs;
	sleep_until(e->start_ns);
	tc_phase("start");

	rc = run_events(e, err);
	tc_phase("events");

	if (script->cleanup_command) {
		struct tc_event fin = { .line = script->cleanup_line };
		struct tc_error cerr;

		tc_error_clear(&cerr);
		if (command_event(e, &fin, script->cleanup_command, &cerr) < 0 && rc == 0) {
			*err = cerr;
			rc = -1;
		}
	}
	/* The collected code blocks run after the events, and only for a
	 * run that has not failed; then what finish_run() checks. */
	if (rc == 0 && tc_code_run(&e->code, !e->cfg->no_direct_code, err) < 0) {
		err->file = script->path;
		rc = -1;
	}
	if (e->cfg->verbose && e->code.how[0])
		fprintf(stderr, "%.6f %%{ }%% blocks: %s\n", rel_s(e, now_ns()), e->code.how);
	if (rc == 0)
		rc = finish_run(e, err);
	if (rc < 0)
		rec_failed(e, err);
	tc_phase("finished");
out:
	if (nstat_file[0])
		unlink(nstat_file);
	tc_code_release(&e->code);
	if (teardown(e)) {
		tc_phase("teardown");
		tc_conn_destroy(&e->conn);
		pthread_mutex_destroy(&e->blk_lock);
		pthread_cond_destroy(&e->blk_cond);
		free(e);
	}
	return rc;
}
