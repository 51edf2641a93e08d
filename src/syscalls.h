/*
 * syscalls.h: run a script's system call lines against the kernel.
 *
 * The engine owns one struct tc_sys_ctx per run.  tc_syscall_exec()
 * translates the script's arguments (script fds to live fds, `...` to the
 * live addresses, symbols to numbers), performs the call in the calling
 * thread (which is inside the kernel-under-test namespace), records fds it
 * returns, and checks the result, errno and out-parameters (getsockopt
 * values, poll revents, ...) against the script.
 *
 * Threading: the engine's main thread runs non-blocking calls; a blocking
 * call (`start...end`) runs on the engine's syscall thread.  At most one
 * blocking call is outstanding, but it may overlap main-thread calls, so
 * the fd table is protected by ctx->lock.  The on_fd callback is called
 * with ctx->lock NOT held, from whichever thread ran the call.
 */
#ifndef TC_SYSCALLS_H
#define TC_SYSCALLS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "script.h"
#include "symbols.h"

struct tc_error;

#define TC_MAX_FDS 256

/* How a live fd came to be; passed to on_fd. */
enum tc_fd_origin {
	TC_FD_SOCKET,		/* socket() */
	TC_FD_ACCEPT,		/* accept() */
	TC_FD_OTHER,		/* open(), pipe(), epoll_create(), ... */
};

struct tc_fd_entry {
	int script_fd;
	int live_fd;
	bool is_socket;
	bool closed;
};

struct tc_sys_ctx {
	/* Set up by the engine before the first call. */
	int family;				/* AF_INET (AF_INET6 later) */
	struct sockaddr_storage bind_addr;	/* local_ip:bind_port */
	socklen_t bind_len;
	struct sockaddr_storage connect_addr;	/* remote_ip:connect_port */
	socklen_t connect_len;

	/* Called after a call created an fd (and the script fd is mapped),
	 * and after connect() to an address (not AF_UNSPEC or NULL) or
	 * sendto()/sendmsg() with MSG_FASTOPEN returned, whatever its
	 * result (origin TC_FD_SOCKET, connecting = true; a blocking
	 * connect() reports once it returns).  May be NULL. */
	void (*on_fd)(void *arg, int live_fd, enum tc_fd_origin origin,
		      bool connecting);
	/* Called just before connect() (disconnect: to AF_UNSPEC or NULL),
	 * and before sendto()/sendmsg() with MSG_FASTOPEN to an address, so
	 * the engine can expect the kernel's SYN from a new local port.
	 * May be NULL. */
	void (*on_connect)(void *arg, int live_fd, bool disconnect);
	/* When set and non-zero, a call interrupted by a signal (EINTR) is
	 * not retried: the engine's limit on a call that blocks.  May be
	 * NULL. */
	volatile sig_atomic_t *stop;
	void *cb_arg;

	/* recvmsg() SCM_TIMESTAMPING checks: CLOCK_REALTIME at script time 0
	 * in ns, and the tolerance.  ts_start_ns == 0: timestamps are not
	 * checked. */
	int64_t ts_start_ns;
	int64_t ts_tolerance_us;

	/* Owned by syscalls.c. */
	pthread_mutex_t lock;
	struct tc_fd_entry fds[TC_MAX_FDS];
	int n_fds;
	/* Buffers lent to MSG_ZEROCOPY sends: the kernel reads them after
	 * the call returns, so they live until tc_sys_ctx_close_all(). */
	void *held;
};

/* Zero the whole struct and set up the lock and the fd table; fill the
 * engine's fields afterwards. */
void tc_sys_ctx_init(struct tc_sys_ctx *ctx);

/* Close every live fd still open (end of run) and free held buffers.
 * Does not free ctx. */
void tc_sys_ctx_close_all(struct tc_sys_ctx *ctx);
void tc_sys_ctx_destroy(struct tc_sys_ctx *ctx);

/* Look up the live fd for a script fd; -1 if unknown. */
int tc_sys_live_fd(struct tc_sys_ctx *ctx, int script_fd);

/*
 * Check a call before the run starts: known call name, argument count,
 * every symbol resolvable, errno name known.  Returns 0, or -1 with
 * err->kind TC_ERR_SCRIPT and the position of the offending token, with
 * messages such as "unknown system call 'foo'", "unknown symbol 'SO_FOO'",
 * "connect() takes 3 arguments, got 2".
 */
int tc_syscall_check(const struct tc_syscall *call, int line,
		     struct tc_error *err);

/*
 * tc_syscall_check() for every system call line of a script; on an error,
 * err names the script and carries the source line and a caret.
 */
int tc_syscalls_check_script(const struct tc_script *s, struct tc_error *err);

/*
 * Run the call and check what it returned.  Returns 0 if everything
 * matched; -1 with err->kind TC_ERR_VERIFY and err->msg such as
 *   "runtime error in connect call: expected result 0 but got -1 with errno ECONNREFUSED (Connection refused)"
 *   "runtime error in connect call: expected errno ETIMEDOUT but got ECONNREFUSED (Connection refused)"
 *   "runtime error in getsockopt call: expected value 1 but got 0"
 *   "runtime error in poll call: expected revents POLLIN but got POLLIN|POLLOUT for pollfd 0"
 * (err->line is left for the caller to set).
 */
int tc_syscall_exec(struct tc_sys_ctx *ctx, const struct tc_syscall *call,
		    struct tc_error *err);

/*
 * tc_syscall_exec(), and when the call was made (its arguments evaluated),
 * what it returned appended to outcome: "3" (an fd as the script numbers
 * it), "0x802 (O_RDWR|O_NONBLOCK)", "-1 ECONNREFUSED (Connection
 * refused)".  Nothing is appended when the call was not made.
 */
struct strbuf;
int tc_syscall_run(struct tc_sys_ctx *ctx, const struct tc_syscall *call,
		   struct strbuf *outcome, struct tc_error *err);

#endif
