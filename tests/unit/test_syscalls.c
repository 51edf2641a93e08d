/*
 * Unit tests for syscalls.c and symbols.c: static checks with exact
 * messages, and real calls on 127.0.0.1 in the current namespace, on
 * ports the kernel picks.
 *
 * Expressions are built by hand with the small constructors below; every
 * node and string comes from a per-test arena freed by done().
 */
#include "tap.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "strbuf.h"
#include "syscalls.h"

/* ---- an arena for the hand-built model ------------------------------- */

#define ARENA_MAX 4096
static void *arena[ARENA_MAX];
static int n_arena;

static void *alloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p || n_arena == ARENA_MAX)
		abort();
	arena[n_arena++] = p;
	return p;
}

static char *dup_str(const char *s, size_t n)
{
	char *p = alloc(n + 1);

	memcpy(p, s, n);
	return p;
}

static struct tc_expr *node(enum tc_expr_type t)
{
	struct tc_expr *e = alloc(sizeof(*e));

	e->type = t;
	e->line = 7;
	e->col = 1;
	return e;
}

static struct tc_expr *I(int64_t v)
{
	struct tc_expr *e = node(TC_EXPR_INT);

	e->num = v;
	return e;
}

static struct tc_expr *W(const char *name)
{
	struct tc_expr *e = node(TC_EXPR_WORD);

	e->str = dup_str(name, strlen(name));
	return e;
}

/* A word at a given column, to check error positions. */
static struct tc_expr *W_at(const char *name, int col)
{
	struct tc_expr *e = W(name);

	e->col = col;
	return e;
}

static struct tc_expr *STR(const char *s)
{
	struct tc_expr *e = node(TC_EXPR_STRING);

	e->str = dup_str(s, strlen(s));
	e->str_len = strlen(s);
	return e;
}

static struct tc_expr *ELL(void)
{
	return node(TC_EXPR_ELLIPSIS);
}

static struct tc_expr *OR(struct tc_expr *a, struct tc_expr *b)
{
	struct tc_expr *e = node(TC_EXPR_OR);

	e->lhs = a;
	e->rhs = b;
	return e;
}

static struct tc_expr *FLD(const char *name, struct tc_expr *v)
{
	struct tc_expr *e = node(TC_EXPR_FIELD);

	e->str = dup_str(name, strlen(name));
	e->lhs = v;
	return e;
}

static struct tc_expr *elems_v(enum tc_expr_type t, int n, va_list ap)
{
	struct tc_expr *e = node(t);

	e->n_elems = n;
	e->elems = alloc(sizeof(*e->elems) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		e->elems[i] = va_arg(ap, struct tc_expr *);
	return e;
}

static struct tc_expr *LIST(int n, ...)
{
	struct tc_expr *e;
	va_list ap;

	va_start(ap, n);
	e = elems_v(TC_EXPR_LIST, n, ap);
	va_end(ap);
	return e;
}

static struct tc_expr *STRUCT(int n, ...)
{
	struct tc_expr *e;
	va_list ap;

	va_start(ap, n);
	e = elems_v(TC_EXPR_STRUCT, n, ap);
	va_end(ap);
	return e;
}

static struct tc_expr *FN(const char *name, int n, ...)
{
	struct tc_expr *e;
	va_list ap;

	va_start(ap, n);
	e = elems_v(TC_EXPR_CALL, n, ap);
	va_end(ap);
	e->str = dup_str(name, strlen(name));
	return e;
}

/* name(args...) = result [errno] */
static struct tc_syscall *CALL(const char *name, struct tc_expr *result,
			       const char *err_name, int n, ...)
{
	struct tc_syscall *c = alloc(sizeof(*c));
	va_list ap;

	c->name = dup_str(name, strlen(name));
	c->name_col = 5;
	c->result = result;
	c->errno_name = err_name ? dup_str(err_name, strlen(err_name)) : NULL;
	c->n_args = n;
	c->args = alloc(sizeof(*c->args) * (size_t)(n + 1));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		c->args[i] = va_arg(ap, struct tc_expr *);
	va_end(ap);
	return c;
}

/* ---- a context on loopback ------------------------------------------- */

struct fd_event {
	int live_fd;
	enum tc_fd_origin origin;
	bool connecting;
};

static struct fd_event fd_events[64];
static int n_fd_events;

static void record_fd(void *arg, int live_fd, enum tc_fd_origin origin,
		      bool connecting)
{
	(void)arg;
	if (n_fd_events < 64)
		fd_events[n_fd_events++] = (struct fd_event){ live_fd, origin,
							      connecting };
}

/* A port the kernel just handed out (ephemeral range), now free again:
 * concurrent test runs do not collide. */
static uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0)
		abort();
	close(s);
	return ntohs(a.sin_port);
}

static void ctx_setup(struct tc_sys_ctx *ctx)
{
	struct sockaddr_in *b = (struct sockaddr_in *)&ctx->bind_addr;
	struct sockaddr_in *c = (struct sockaddr_in *)&ctx->connect_addr;

	tc_sys_ctx_init(ctx);
	ctx->family = AF_INET;
	b->sin_family = AF_INET;
	b->sin_port = htons(free_port());
	b->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ctx->bind_len = sizeof(*b);
	*c = *b;
	ctx->connect_len = sizeof(*c);
	ctx->on_fd = record_fd;
	ctx->cb_arg = NULL;
	n_fd_events = 0;
}

static void done(struct tc_sys_ctx *ctx)
{
	if (ctx)
		tc_sys_ctx_destroy(ctx);
	while (n_arena)
		free(arena[--n_arena]);
}

static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

static struct tc_error err;

/* Run one call; returns its result code, err holds any message. */
static int run(struct tc_sys_ctx *ctx, struct tc_syscall *c)
{
	tc_error_clear(&err);
	return tc_syscall_exec(ctx, c, &err);
}

static int check(struct tc_syscall *c)
{
	tc_error_clear(&err);
	return tc_syscall_check(c, 12, &err);
}

/* Run a call that must pass; prints the message if it does not. */
#define RUN_OK(ctx, c) do { \
	int rc_ = run(ctx, c); \
	if (rc_ != 0) \
		printf("# unexpected failure: %s\n", err.msg); \
	CHECK_INT(rc_, 0); \
} while (0)

static struct tc_syscall *sock_call(int script_fd)
{
	return CALL("socket", I(script_fd), NULL, 3, ELL(), W("SOCK_STREAM"),
		    W("IPPROTO_TCP"));
}

/* listener 3, client 4 connected to it, accepted child 5. */
static void connected_pair(struct tc_sys_ctx *ctx)
{
	RUN_OK(ctx, sock_call(3));
	RUN_OK(ctx, CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_SOCKET"),
			 W("SO_REUSEADDR"), LIST(1, I(1)), I(4)));
	RUN_OK(ctx, CALL("bind", I(0), NULL, 3, I(3), ELL(), ELL()));
	RUN_OK(ctx, CALL("listen", I(0), NULL, 2, I(3), I(1)));
	RUN_OK(ctx, sock_call(4));
	RUN_OK(ctx, CALL("connect", I(0), NULL, 3, I(4), ELL(), ELL()));
	RUN_OK(ctx, CALL("accept", I(5), NULL, 3, I(3), ELL(), ELL()));
}

/* Wait until the live fd behind script fd has n bytes to read. */
static void wait_readable(struct tc_sys_ctx *ctx, int script_fd)
{
	struct pollfd p = { tc_sys_live_fd(ctx, script_fd), POLLIN, 0 };

	poll(&p, 1, 1000);
}

/* ---- symbols ----------------------------------------------------------- */

static void test_syscalls__symbol_lookup(void)
{
	int64_t v = -1;

	CHECK_INT(tc_symbol_lookup("SO_REUSEADDR", &v), 0);
	CHECK_INT(v, SO_REUSEADDR);
	CHECK_INT(tc_symbol_lookup("TCP_NODELAY", &v), 0);
	CHECK_INT(v, TCP_NODELAY);
	CHECK_INT(tc_symbol_lookup("TCP_FASTOPEN_CONNECT", &v), 0);
	CHECK_INT(v, 30);
	CHECK_INT(tc_symbol_lookup("TCP_INQ", &v), 0);
	CHECK_INT(v, 36);
	CHECK_INT(tc_symbol_lookup("O_NONBLOCK", &v), 0);
	CHECK_INT(v, O_NONBLOCK);
	CHECK_INT(tc_symbol_lookup("POLLRDHUP", &v), 0);
	CHECK_INT(v, 0x2000);
	CHECK_INT(tc_symbol_lookup("EPOLLET", &v), 0);
	CHECK_INT(v, 0x80000000LL);
	CHECK_INT(tc_symbol_lookup("SIOCOUTQNSD", &v), 0);
	CHECK_INT(v, 0x894B);
	CHECK_INT(tc_symbol_lookup("SOF_TIMESTAMPING_TX_ACK", &v), 0);
	CHECK_INT(v, 1 << 9);
	CHECK_INT(tc_symbol_lookup("NULL", &v), 0);
	CHECK_INT(v, 0);
	/* errno names work as values too (cmsg ee_errno=ENOMSG). */
	CHECK_INT(tc_symbol_lookup("ENOMSG", &v), 0);
	CHECK_INT(v, ENOMSG);
	CHECK_INT(tc_symbol_lookup("SO_FOO", &v), -1);
	/* Exact, case-sensitive. */
	CHECK_INT(tc_symbol_lookup("so_reuseaddr", &v), -1);
	CHECK_INT(tc_symbol_lookup("SO_REUSEADD", &v), -1);
}

static void test_syscalls__errno_names(void)
{
	int v = -1;

	CHECK_INT(tc_errno_lookup("ECONNREFUSED", &v), 0);
	CHECK_INT(v, ECONNREFUSED);
	CHECK_INT(tc_errno_lookup("EWOULDBLOCK", &v), 0);
	CHECK_INT(v, EAGAIN);
	CHECK_INT(tc_errno_lookup("EHWPOISON", &v), 0);
	CHECK_INT(v, EHWPOISON);
	CHECK_INT(tc_errno_lookup("EFOO", &v), -1);
	CHECK_INT(tc_errno_lookup("SO_REUSEADDR", &v), -1);
	CHECK_STR(tc_errno_name(EAGAIN), "EAGAIN");
	CHECK_STR(tc_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	CHECK_STR(tc_errno_name(EDEADLK), "EDEADLK");
	CHECK_STR(tc_errno_name(ETIMEDOUT), "ETIMEDOUT");
	CHECK(tc_errno_name(0) == NULL);
	CHECK(tc_errno_name(9999) == NULL);
	/* Every errno 1..133 has a name. */
	for (int e = 1; e <= 133; e++) {
		if (e == 41 || e == 58)		/* unused numbers on Linux */
			continue;
		if (!tc_errno_name(e)) {
			printf("# no name for errno %d\n", e);
			CHECK(tc_errno_name(e) != NULL);
		}
	}
}

static void test_syscalls__format_flags(void)
{
	struct strbuf sb = STRBUF_INIT;

	tc_symbol_format_flags(TC_FLAGS_POLL, POLLIN | POLLOUT, &sb);
	CHECK_STR(sb.buf, "POLLIN|POLLOUT");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_POLL, 0, &sb);
	CHECK_STR(sb.buf, "0");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_POLL, POLLERR | 0x8000, &sb);
	CHECK_STR(sb.buf, "POLLERR|0x8000");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_OPEN, O_RDWR | O_NONBLOCK, &sb);
	CHECK_STR(sb.buf, "O_RDWR|O_NONBLOCK");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_OPEN, 0, &sb);
	CHECK_STR(sb.buf, "O_RDONLY");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_OPEN, O_WRONLY | O_SYNC, &sb);
	CHECK_STR(sb.buf, "O_WRONLY|O_SYNC");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_EPOLL, EPOLLIN | EPOLLET, &sb);
	CHECK_STR(sb.buf, "EPOLLIN|EPOLLET");
	strbuf_reset(&sb);
	tc_symbol_format_flags(TC_FLAGS_MSG, MSG_ERRQUEUE | MSG_TRUNC, &sb);
	CHECK_STR(sb.buf, "MSG_TRUNC|MSG_ERRQUEUE");
	strbuf_release(&sb);
}

/* ---- static checks ----------------------------------------------------- */

static void test_syscalls__check_unknown_call(void)
{
	CHECK_INT(check(CALL("foo", I(0), NULL, 1, I(3))), -1);
	CHECK_STR(err.msg, "unknown system call 'foo'");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_INT(err.line, 12);
	CHECK_INT(err.col, 5);
	CHECK_INT(tc_error_exit_code(&err), TC_EXIT_USAGE);
	done(NULL);
	/* Within two edits of a known call: it is offered. */
	CHECK_INT(check(CALL("setsockop", I(0), NULL, 1, I(3))), -1);
	CHECK_STR(err.msg, "unknown system call 'setsockop' (did you mean 'setsockopt'?)");
	done(NULL);
	CHECK_INT(check(CALL("conect", I(0), NULL, 1, I(3))), -1);
	CHECK_STR(err.msg, "unknown system call 'conect' (did you mean 'connect'?)");
	done(NULL);
}

static void test_syscalls__check_arity(void)
{
	CHECK_INT(check(CALL("connect", I(0), NULL, 2, I(3), ELL())), -1);
	CHECK_STR(err.msg, "connect() takes 3 arguments, got 2");
	CHECK_INT(err.col, 5);
	CHECK_INT(check(CALL("close", I(0), NULL, 2, I(3), I(4))), -1);
	CHECK_STR(err.msg, "close() takes 1 argument, got 2");
	CHECK_INT(check(CALL("fcntl", I(0), NULL, 4, I(3), W("F_GETFL"), I(0),
			     I(0))), -1);
	CHECK_STR(err.msg, "fcntl() takes 2 or 3 arguments, got 4");
	CHECK_INT(check(CALL("socket", I(3), NULL, 0)), -1);
	CHECK_STR(err.msg, "socket() takes 3 arguments, got 0");
	done(NULL);
}

static void test_syscalls__check_unknown_symbol(void)
{
	struct tc_syscall *c = CALL("setsockopt", I(0), NULL, 5, I(3),
				    W("SOL_SOCKET"), W_at("SO_FOO", 27),
				    LIST(1, I(1)), I(4));

	CHECK_INT(check(c), -1);
	CHECK_STR(err.msg, "unknown symbol 'SO_FOO'");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_INT(err.line, 7);
	CHECK_INT(err.col, 27);

	/* Inside a list, an OR, a pollfd field and the result. */
	CHECK_INT(check(CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_IP"),
			     W("IP_MTU_DISCOVER"), LIST(1, W("IP_PMTUDISC_NOPE")),
			     I(4))), -1);
	CHECK_STR(err.msg, "unknown symbol 'IP_PMTUDISC_NOPE'");
	CHECK_INT(check(CALL("fcntl", I(0), NULL, 3, I(3), W("F_SETFL"),
			     OR(W("O_RDWR"), W("O_NONBLOK")))), -1);
	CHECK_STR(err.msg, "unknown symbol 'O_NONBLOK'");
	CHECK_INT(check(CALL("poll", I(1), NULL, 3,
			     LIST(1, STRUCT(2, FLD("fd", I(3)),
					    FLD("events", W("POLLINN")))),
			     I(1), I(0))), -1);
	CHECK_STR(err.msg, "unknown symbol 'POLLINN'");
	CHECK_INT(check(CALL("fcntl", OR(W("O_RDWR"), W("O_BOGUS")), NULL, 2,
			     I(3), W("F_GETFL"))), -1);
	CHECK_STR(err.msg, "unknown symbol 'O_BOGUS'");
	CHECK_INT(check(CALL("bind", I(0), NULL, 3, I(3),
			     STRUCT(1, FLD("sin_port", FN("htonz", 1, I(80)))),
			     ELL())), -1);
	CHECK_STR(err.msg, "unknown function 'htonz'");
	done(NULL);
}

static void test_syscalls__check_unknown_errno(void)
{
	CHECK_INT(check(CALL("connect", I(-1), "EFOO", 3, I(3), ELL(), ELL())),
		  -1);
	CHECK_STR(err.msg, "unknown errno name 'EFOO'");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_INT(err.line, 12);
	done(NULL);
}

static void test_syscalls__check_shapes(void)
{
	CHECK_INT(check(CALL("connect", I(0), NULL, 3, STR("x"), ELL(), ELL())),
		  -1);
	CHECK_STR(err.msg, "argument 1 of connect() must be a file descriptor number");
	CHECK_INT(check(CALL("poll", I(0), NULL, 3, I(3), I(1), I(0))), -1);
	CHECK_STR(err.msg, "argument 1 of poll() must be a list of pollfds");
	CHECK_INT(check(CALL("read", STR("x"), NULL, 3, I(3), ELL(), I(1))), -1);
	CHECK_STR(err.msg, "the result of read() must be an integer or a symbol");
	done(NULL);
}

static void test_syscalls__check_accepts_corpus_forms(void)
{
	struct tc_syscall *ok[] = {
		sock_call(3),
		CALL("bind", I(0), NULL, 3, I(3), ELL(), ELL()),
		CALL("accept", I(4), NULL, 3, I(3), ELL(), ELL()),
		CALL("connect", I(-1), "EINPROGRESS", 3, I(3), ELL(), ELL()),
		CALL("connect", I(0), NULL, 3, I(3), W("AF_UNSPEC"), ELL()),
		CALL("sendto", I(1000), NULL, 6, I(3), ELL(), I(1000),
		     W("MSG_FASTOPEN"), ELL(), ELL()),
		CALL("write", I(-1), "EFAULT", 3, I(4), W("NULL"), I(10)),
		CALL("fcntl", I(0x802), NULL, 2, I(3), W("F_GETFL")),
		CALL("getsockopt", I(0), NULL, 5, I(3), W("SOL_SOCKET"),
		     W("SO_ERROR"), LIST(1, I(0)), LIST(1, I(4))),
		CALL("setsockopt", I(-1), NULL, 5, I(3), W("SOL_TCP"),
		     W("TCP_FASTOPEN_KEY"), STR(""), I(0)),
		CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_SOCKET"),
		     W("SO_LINGER"), STRUCT(2, FLD("onoff", I(1)),
					    FLD("linger", I(0))), I(8)),
		CALL("ioctl", I(0), NULL, 3, I(4), W("SIOCINQ"),
		     LIST(1, I(1000))),
		CALL("epoll_wait", I(0), NULL, 4, I(5),
		     STRUCT(2, FLD("events", I(0)), FLD("ptr", I(0))), I(1),
		     I(0)),
		CALL("recvmsg", I(-1), "EAGAIN", 3, I(4),
		     STRUCT(4, FLD("msg_name(...)", ELL()),
			    FLD("msg_iov(1)", LIST(1, STRUCT(2, ELL(), I(0)))),
			    FLD("msg_flags", W("MSG_ERRQUEUE")),
			    FLD("msg_control", LIST(0))),
		     W("MSG_ERRQUEUE")),
		CALL("pipe", I(0), NULL, 1, LIST(2, I(5), I(6))),
		CALL("splice", I(99), NULL, 6, I(4), W("NULL"), I(6), W("NULL"),
		     I(99), I(0)),
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (check(ok[i]) != 0) {
			printf("# %s: %s\n", ok[i]->name, err.msg);
			CHECK(0);
		}
	}
	done(NULL);
}

/* ---- calls on loopback ------------------------------------------------- */

static void test_syscalls__round_trip_and_fd_mapping(void)
{
	struct tc_sys_ctx ctx;
	int l, c, a;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	l = tc_sys_live_fd(&ctx, 3);
	c = tc_sys_live_fd(&ctx, 4);
	a = tc_sys_live_fd(&ctx, 5);
	CHECK(l >= 0 && c >= 0 && a >= 0);
	CHECK(l != c && c != a && l != a);
	CHECK_INT(tc_sys_live_fd(&ctx, 6), -1);
	/* socket, socket, connect (connecting), accept. */
	CHECK_INT(n_fd_events, 4);
	CHECK_INT(fd_events[0].live_fd, l);
	CHECK_INT(fd_events[0].origin, TC_FD_SOCKET);
	CHECK(!fd_events[0].connecting);
	CHECK_INT(fd_events[1].live_fd, c);
	CHECK_INT(fd_events[2].live_fd, c);
	CHECK(fd_events[2].connecting);
	CHECK_INT(fd_events[3].live_fd, a);
	CHECK_INT(fd_events[3].origin, TC_FD_ACCEPT);
	done(&ctx);
}

static void test_syscalls__write_read_counts(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("write", I(1000), NULL, 3, I(4), ELL(), I(1000)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("read", I(1000), NULL, 3, I(5), ELL(), I(1000)));

	RUN_OK(&ctx, CALL("write", I(500), NULL, 3, I(4), ELL(), I(500)));
	wait_readable(&ctx, 5);
	CHECK_INT(run(&ctx, CALL("read", I(1000), NULL, 3, I(5), ELL(),
				 I(1000))), -1);
	CHECK_STR(err.msg, "runtime error in read call: expected result 1000 but got 500");
	CHECK_INT(err.kind, TC_ERR_VERIFY);
	CHECK_INT(tc_error_exit_code(&err), TC_EXIT_FAIL);
	done(&ctx);
}

static void test_syscalls__send_recv_flags(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("send", I(10), NULL, 4, I(4), ELL(), I(10), I(0)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("recv", I(10), NULL, 4, I(5), ELL(), I(100),
			  W("MSG_PEEK")));
	RUN_OK(&ctx, CALL("recv", I(10), NULL, 4, I(5), ELL(), I(100),
			  OR(W("MSG_DONTWAIT"), W("MSG_WAITALL"))));
	RUN_OK(&ctx, CALL("recv", I(-1), "EAGAIN", 4, I(5), ELL(), I(100),
			  W("MSG_DONTWAIT")));
	/* EWOULDBLOCK is the same errno. */
	RUN_OK(&ctx, CALL("recv", I(-1), "EWOULDBLOCK", 4, I(5), ELL(), I(100),
			  W("MSG_DONTWAIT")));
	/* With data queued, a NULL buffer faults. */
	RUN_OK(&ctx, CALL("send", I(10), NULL, 4, I(4), ELL(), I(10), I(0)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("recvfrom", I(-1), "EFAULT", 6, I(5), W("NULL"),
			  I(100), I(0), ELL(), ELL()));
	RUN_OK(&ctx, CALL("recvfrom", I(10), NULL, 6, I(5), ELL(), I(100),
			  I(0), ELL(), ELL()));
	done(&ctx);
}

static void test_syscalls__write_null_buffer(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("write", I(-1), "EFAULT", 3, I(4), W("NULL"), I(10)));
	RUN_OK(&ctx, CALL("write", I(-1), "EFAULT", 3, I(4), I(0), I(10)));
	/* A string buffer: its bytes, zero padded to the count. */
	RUN_OK(&ctx, CALL("write", I(8), NULL, 3, I(4), STR("hi"), I(8)));
	done(&ctx);
}

static void test_syscalls__shutdown_then_eof(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("shutdown", I(0), NULL, 2, I(4), W("SHUT_WR")));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("read", I(0), NULL, 3, I(5), ELL(), I(100)));
	done(&ctx);
}

static void test_syscalls__sockopt_match(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_NODELAY"), LIST(1, I(1)), I(4)));
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_NODELAY"), LIST(1, I(1)), LIST(1, I(4))));
	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(3), W("IPPROTO_TCP"),
			  W("TCP_MAXSEG"), LIST(1, I(1100)), ELL()));
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_MAXSEG"), LIST(1, I(1100)), LIST(1, I(4))));
	/* 0xffffffff compares as a 32-bit value. */
	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_NOTSENT_LOWAT"), LIST(1, I(0xffffffff)), I(4)));
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_NOTSENT_LOWAT"), LIST(1, I(0xffffffff)),
			  LIST(1, I(4))));
	/* The value not compared; no length given. */
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 4, I(3), W("SOL_SOCKET"),
			  W("SO_SNDBUF"), ELL()));
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3), W("SOL_SOCKET"),
			  W("SO_ERROR"), LIST(1, I(0)), LIST(1, I(4))));
	done(&ctx);
}

static void test_syscalls__getsockopt_value_mismatch(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	CHECK_INT(run(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3),
				 W("SOL_SOCKET"), W("SO_KEEPALIVE"),
				 LIST(1, I(1)), LIST(1, I(4)))), -1);
	CHECK_STR(err.msg, "runtime error in getsockopt call: expected value 1 but got 0");
	CHECK_INT(err.kind, TC_ERR_VERIFY);
	done(&ctx);
}

static void test_syscalls__getsockopt_length_mismatch(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	CHECK_INT(run(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3),
				 W("SOL_SOCKET"), W("SO_KEEPALIVE"),
				 LIST(1, I(0)), LIST(1, I(8)))), -1);
	CHECK_STR(err.msg, "runtime error in getsockopt call: expected length 8 but got 4");
	done(&ctx);
}

static void test_syscalls__setsockopt_failure_result(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	/* TCP_FASTOPEN_KEY with an empty string: EINVAL; -1 without errno
	 * accepts any errno. */
	RUN_OK(&ctx, CALL("setsockopt", I(-1), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_FASTOPEN_KEY"), STR(""), I(0)));
	CHECK_INT(run(&ctx, CALL("setsockopt", I(0), NULL, 5, I(3),
				 W("SOL_TCP"), W("TCP_FASTOPEN_KEY"), STR(""),
				 I(0))), -1);
	CHECK_STR(err.msg, "runtime error in setsockopt call: expected result 0 but got -1 with errno EINVAL (Invalid argument)");
	done(&ctx);
}

static void test_syscalls__sockopt_linger_and_string(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_SOCKET"),
			  W("SO_LINGER"), STRUCT(2, FLD("onoff", I(1)),
						 FLD("linger", I(0))), I(8)));
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3), W("SOL_SOCKET"),
			  W("SO_LINGER"), STRUCT(2, FLD("onoff", I(1)),
						 FLD("linger", I(0))),
			  LIST(1, I(8))));
	CHECK_INT(run(&ctx, CALL("getsockopt", I(0), NULL, 5, I(3),
				 W("SOL_SOCKET"), W("SO_LINGER"),
				 STRUCT(2, FLD("onoff", I(1)),
					FLD("linger", I(5))),
				 LIST(1, I(8)))), -1);
	CHECK_STR(err.msg, "runtime error in getsockopt call: expected value {onoff=1, linger=5} but got {onoff=1, linger=0}");

	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(3), W("SOL_TCP"),
			  W("TCP_CONGESTION"), STR("reno"), I(4)));
	RUN_OK(&ctx, CALL("getsockopt", I(0), NULL, 4, I(3), W("SOL_TCP"),
			  W("TCP_CONGESTION"), STR("reno")));
	CHECK_INT(run(&ctx, CALL("getsockopt", I(0), NULL, 4, I(3),
				 W("SOL_TCP"), W("TCP_CONGESTION"),
				 STR("cubic"))), -1);
	CHECK_STR(err.msg, "runtime error in getsockopt call: expected value \"cubic\" but got \"reno\"");
	done(&ctx);
}

/* A port with a bound socket but no listener: connect gets a RST. */
static void closed_port(struct tc_sys_ctx *ctx, int *holder)
{
	struct sockaddr_in *c = (struct sockaddr_in *)&ctx->connect_addr;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*holder = socket(AF_INET, SOCK_STREAM, 0);
	bind(*holder, (struct sockaddr *)&a, sizeof(a));
	getsockname(*holder, (struct sockaddr *)&a, &len);
	c->sin_port = a.sin_port;
}

static void test_syscalls__connect_refused_expected(void)
{
	struct tc_sys_ctx ctx;
	int holder;

	ctx_setup(&ctx);
	closed_port(&ctx, &holder);
	RUN_OK(&ctx, sock_call(3));
	RUN_OK(&ctx, CALL("connect", I(-1), "ECONNREFUSED", 3, I(3), ELL(),
			  ELL()));
	/* Still told the engine a connection started. */
	CHECK_INT(n_fd_events, 2);
	CHECK(fd_events[1].connecting);
	close(holder);
	done(&ctx);
}

static void test_syscalls__connect_refused_wrong_errno(void)
{
	struct tc_sys_ctx ctx;
	int holder;

	ctx_setup(&ctx);
	closed_port(&ctx, &holder);
	RUN_OK(&ctx, sock_call(3));
	CHECK_INT(run(&ctx, CALL("connect", I(-1), "ETIMEDOUT", 3, I(3), ELL(),
				 ELL())), -1);
	CHECK_STR(err.msg, "runtime error in connect call: expected errno ETIMEDOUT but got ECONNREFUSED (Connection refused)");
	CHECK_INT(err.kind, TC_ERR_VERIFY);
	close(holder);
	done(&ctx);
}

static void test_syscalls__connect_refused_unexpected(void)
{
	struct tc_sys_ctx ctx;
	int holder;

	ctx_setup(&ctx);
	closed_port(&ctx, &holder);
	RUN_OK(&ctx, sock_call(3));
	CHECK_INT(run(&ctx, CALL("connect", I(0), NULL, 3, I(3), ELL(), ELL())),
		  -1);
	CHECK_STR(err.msg, "runtime error in connect call: expected result 0 but got -1 with errno ECONNREFUSED (Connection refused)");
	/* -1 without an errno accepts any errno. */
	RUN_OK(&ctx, sock_call(4));
	RUN_OK(&ctx, CALL("connect", I(-1), NULL, 3, I(4), ELL(), ELL()));
	close(holder);
	done(&ctx);
}

static void test_syscalls__connect_unspec_disconnects(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	n_fd_events = 0;
	RUN_OK(&ctx, CALL("connect", I(0), NULL, 3, I(4), W("AF_UNSPEC"),
			  ELL()));
	CHECK_INT(n_fd_events, 0);
	/* The disconnect reset the connection (MSG_NOSIGNAL: the test
	 * process does not ignore SIGPIPE). */
	RUN_OK(&ctx, CALL("send", I(-1), "ECONNRESET", 4, I(4), ELL(), I(10),
			  W("MSG_NOSIGNAL")));
	done(&ctx);
}

static void test_syscalls__sockaddr_literal(void)
{
	struct tc_sys_ctx ctx;
	struct sockaddr_in *b;

	ctx_setup(&ctx);
	b = (struct sockaddr_in *)&ctx.bind_addr;
	RUN_OK(&ctx, sock_call(3));
	RUN_OK(&ctx, CALL("bind", I(0), NULL, 3, I(3),
			  STRUCT(3, FLD("sa_family", W("AF_INET")),
				 FLD("sin_port", FN("htons", 1,
						    I(ntohs(b->sin_port)))),
				 FLD("sin_addr", FN("inet_addr", 1,
						    STR("127.0.0.1")))),
			  ELL()));
	RUN_OK(&ctx, CALL("listen", I(0), NULL, 2, I(3), I(1)));
	RUN_OK(&ctx, sock_call(4));
	RUN_OK(&ctx, CALL("connect", I(0), NULL, 3, I(4), ELL(), ELL()));
	done(&ctx);
}

static void test_syscalls__unknown_script_fd(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	CHECK_INT(run(&ctx, CALL("close", I(0), NULL, 1, I(9))), -1);
	CHECK_STR(err.msg, "runtime error in close call: unknown script fd 9");
	CHECK_INT(err.kind, TC_ERR_VERIFY);
	CHECK_INT(run(&ctx, CALL("poll", I(1), NULL, 3,
				 LIST(1, STRUCT(2, FLD("fd", I(5)),
						FLD("events", W("POLLIN")))),
				 I(1), I(0))), -1);
	CHECK_STR(err.msg, "runtime error in poll call: unknown script fd 5");
	done(&ctx);
}

static void test_syscalls__close_then_reuse_fd(void)
{
	struct tc_sys_ctx ctx;
	int before = count_open_fds();

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	CHECK(tc_sys_live_fd(&ctx, 3) >= 0);
	RUN_OK(&ctx, CALL("close", I(0), NULL, 1, I(3)));
	CHECK_INT(tc_sys_live_fd(&ctx, 3), -1);
	CHECK_INT(count_open_fds(), before);
	/* The script number is free again. */
	RUN_OK(&ctx, sock_call(3));
	CHECK(tc_sys_live_fd(&ctx, 3) >= 0);
	/* A second socket() = 3 while 3 is open is an error, no leak. */
	CHECK_INT(run(&ctx, sock_call(3)), -1);
	CHECK_STR(err.msg, "runtime error in socket call: script fd 3 is already open");
	CHECK_INT(count_open_fds(), before + 1);
	RUN_OK(&ctx, CALL("close", I(0), NULL, 1, I(3)));
	CHECK_INT(run(&ctx, CALL("close", I(0), NULL, 1, I(3))), -1);
	CHECK_STR(err.msg, "runtime error in close call: unknown script fd 3");
	CHECK_INT(count_open_fds(), before);
	done(&ctx);
}

static void test_syscalls__socket_results(void)
{
	struct tc_sys_ctx ctx;
	int before = count_open_fds();

	ctx_setup(&ctx);
	/* Any live fd passes for an expected fd, whatever its number. */
	RUN_OK(&ctx, sock_call(100));
	CHECK(tc_sys_live_fd(&ctx, 100) >= 0);
	/* An expected failure. */
	RUN_OK(&ctx, CALL("socket", I(-1), NULL, 3, ELL(), W("SOCK_STREAM"),
			  W("IPPROTO_UDP")));
	RUN_OK(&ctx, CALL("socket", I(-1), "EPROTONOSUPPORT", 3, ELL(),
			  W("SOCK_STREAM"), W("IPPROTO_UDP")));
	/* An unexpected success: a failure, and the fd is not leaked. */
	CHECK_INT(run(&ctx, CALL("socket", I(-1), NULL, 3, W("AF_INET"),
				 OR(W("SOCK_STREAM"), W("SOCK_NONBLOCK")),
				 I(0))), -1);
	CHECK(!strncmp(err.msg, "runtime error in socket call: expected result -1 but got ", 57));
	CHECK_INT(count_open_fds(), before + 1);
	tc_sys_ctx_close_all(&ctx);
	CHECK_INT(count_open_fds(), before);
	done(&ctx);
}

static void test_syscalls__fcntl_getfl_symbolic(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	RUN_OK(&ctx, CALL("fcntl", W("O_RDWR"), NULL, 2, I(3), W("F_GETFL")));
	RUN_OK(&ctx, CALL("fcntl", I(0), NULL, 3, I(3), W("F_SETFL"),
			  OR(W("O_RDWR"), W("O_NONBLOCK"))));
	RUN_OK(&ctx, CALL("fcntl", OR(W("O_RDWR"), W("O_NONBLOCK")), NULL, 2,
			  I(3), W("F_GETFL")));
	RUN_OK(&ctx, CALL("fcntl", I(0x802), NULL, 2, I(3), W("F_GETFL")));
	CHECK_INT(run(&ctx, CALL("fcntl", W("O_RDWR"), NULL, 2, I(3),
				 W("F_GETFL"))), -1);
	CHECK_STR(err.msg, "runtime error in fcntl call: expected result 0x2 (O_RDWR) but got 0x802 (O_RDWR|O_NONBLOCK)");
	/* Non-blocking now: connect returns EINPROGRESS. */
	RUN_OK(&ctx, CALL("connect", I(-1), "EINPROGRESS", 3, I(3), ELL(),
			  ELL()));
	done(&ctx);
}

static void test_syscalls__ioctl_fionread(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("ioctl", I(0), NULL, 3, I(5), W("FIONREAD"),
			  LIST(1, I(0))));
	RUN_OK(&ctx, CALL("write", I(300), NULL, 3, I(4), ELL(), I(300)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("ioctl", I(0), NULL, 3, I(5), W("SIOCINQ"),
			  LIST(1, I(300))));
	CHECK_INT(run(&ctx, CALL("ioctl", I(0), NULL, 3, I(5), W("FIONREAD"),
				 LIST(1, I(1)))), -1);
	CHECK_STR(err.msg, "runtime error in ioctl call: expected value 1 but got 300");
	RUN_OK(&ctx, CALL("ioctl", I(0), NULL, 3, I(4), W("SIOCOUTQ"),
			  LIST(1, ELL())));
	done(&ctx);
}

static struct tc_expr *pollfd(int fd, struct tc_expr *events,
			      struct tc_expr *revents)
{
	return STRUCT(3, FLD("fd", I(fd)), FLD("events", events),
		      FLD("revents", revents));
}

static void test_syscalls__poll_revents(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("poll", I(1), NULL, 3,
			  LIST(1, pollfd(5, OR(W("POLLIN"), W("POLLOUT")),
					 W("POLLOUT"))), I(1), I(0)));
	RUN_OK(&ctx, CALL("write", I(10), NULL, 3, I(4), ELL(), I(10)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("poll", I(1), NULL, 3,
			  LIST(2, pollfd(5, OR(W("POLLIN"), W("POLLOUT")),
					 OR(W("POLLIN"), W("POLLOUT"))),
			       pollfd(4, W("POLLIN"), I(0))),
			  I(2), I(0)));
	CHECK_INT(run(&ctx, CALL("poll", I(1), NULL, 3,
				 LIST(1, pollfd(5, OR(W("POLLIN"), W("POLLOUT")),
						W("POLLIN"))),
				 I(1), I(0))), -1);
	CHECK_STR(err.msg, "runtime error in poll call: expected revents POLLIN but got POLLIN|POLLOUT for pollfd 0");
	CHECK_INT(run(&ctx, CALL("poll", I(1), NULL, 3,
				 LIST(2, pollfd(4, W("POLLIN"), I(0)),
				      pollfd(5, W("POLLIN"), W("POLLERR"))),
				 I(2), I(0))), -1);
	CHECK_STR(err.msg, "runtime error in poll call: expected revents POLLERR but got POLLIN for pollfd 1");
	done(&ctx);
}

static void test_syscalls__epoll(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("epoll_create", I(6), NULL, 1, I(1)));
	RUN_OK(&ctx, CALL("epoll_ctl", I(0), NULL, 4, I(6), W("EPOLL_CTL_ADD"),
			  I(5), STRUCT(2, FLD("events", OR(W("EPOLLIN"),
							   W("EPOLLET"))),
				       FLD("fd", I(5)))));
	RUN_OK(&ctx, CALL("epoll_wait", I(0), NULL, 4, I(6),
			  STRUCT(2, FLD("events", I(0)), FLD("ptr", I(0))),
			  I(1), I(0)));
	RUN_OK(&ctx, CALL("write", I(10), NULL, 3, I(4), ELL(), I(10)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("epoll_wait", I(1), NULL, 4, I(6),
			  STRUCT(2, FLD("events", W("EPOLLIN")), FLD("fd", I(5))),
			  I(1), I(0)));
	RUN_OK(&ctx, CALL("epoll_ctl", I(0), NULL, 4, I(6), W("EPOLL_CTL_MOD"),
			  I(5), STRUCT(2, FLD("events", OR(W("EPOLLIN"),
							   W("EPOLLOUT"))),
				       FLD("fd", I(5)))));
	CHECK_INT(run(&ctx, CALL("epoll_wait", I(1), NULL, 4, I(6),
				 STRUCT(2, FLD("events", W("EPOLLOUT")),
					FLD("fd", I(5))),
				 I(1), I(0))), -1);
	CHECK_STR(err.msg, "runtime error in epoll_wait call: expected events EPOLLOUT but got EPOLLIN|EPOLLOUT for event 0");
	done(&ctx);
}

static void test_syscalls__pipe_and_open(void)
{
	struct tc_sys_ctx ctx;
	int before = count_open_fds();

	ctx_setup(&ctx);
	RUN_OK(&ctx, CALL("pipe", I(0), NULL, 1, LIST(2, I(7), I(8))));
	RUN_OK(&ctx, CALL("write", I(5), NULL, 3, I(8), ELL(), I(5)));
	RUN_OK(&ctx, CALL("read", I(5), NULL, 3, I(7), ELL(), I(100)));
	RUN_OK(&ctx, CALL("open", I(9), NULL, 2, STR("/dev/null"),
			  W("O_RDONLY")));
	RUN_OK(&ctx, CALL("read", I(0), NULL, 3, I(9), ELL(), I(100)));
	RUN_OK(&ctx, CALL("open", I(-1), "ENOENT", 2,
			  STR("/nonexistent/tcpconform"), W("O_RDONLY")));
	CHECK_INT(n_fd_events, 3);
	CHECK_INT(fd_events[0].origin, TC_FD_OTHER);
	CHECK_INT(count_open_fds(), before + 3);
	done(&ctx);
	CHECK_INT(count_open_fds(), before);
}

static void test_syscalls__sendmsg_recvmsg_inq(void)
{
	struct tc_sys_ctx ctx;
	struct tc_expr *iov;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(5), W("SOL_TCP"),
			  W("TCP_INQ"), LIST(1, I(1)), I(4)));
	iov = LIST(2, STRUCT(2, ELL(), I(4)), STRUCT(2, ELL(), I(6)));
	RUN_OK(&ctx, CALL("sendmsg", I(10), NULL, 3, I(4),
			  STRUCT(3, FLD("msg_name(...)", ELL()),
				 FLD("msg_iov(2)", iov),
				 FLD("msg_flags", I(0))),
			  I(0)));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("recvmsg", I(4), NULL, 3, I(5),
			  STRUCT(4, FLD("msg_name(...)", ELL()),
				 FLD("msg_iov(1)",
				     LIST(1, STRUCT(2, ELL(), I(4)))),
				 FLD("msg_flags", I(0)),
				 FLD("msg_control",
				     LIST(1, STRUCT(3,
					FLD("cmsg_level", W("SOL_TCP")),
					FLD("cmsg_type", W("TCP_CM_INQ")),
					FLD("cmsg_data", I(6)))))),
			  I(0)));
	CHECK_INT(run(&ctx, CALL("recvmsg", I(6), NULL, 3, I(5),
			  STRUCT(3, FLD("msg_iov(1)",
					LIST(1, STRUCT(2, ELL(), I(100)))),
				 FLD("msg_flags", I(0)),
				 FLD("msg_control",
				     LIST(1, STRUCT(3,
					FLD("cmsg_level", W("SOL_TCP")),
					FLD("cmsg_type", W("TCP_CM_INQ")),
					FLD("cmsg_data", I(3)))))),
			  I(0))), -1);
	CHECK_STR(err.msg, "runtime error in recvmsg call: expected cmsg_data 3 but got 0 for cmsg 0");
	/* Nothing on the error queue. */
	RUN_OK(&ctx, CALL("recvmsg", I(-1), "EAGAIN", 3, I(4),
			  STRUCT(4, FLD("msg_name(...)", ELL()),
				 FLD("msg_iov(1)",
				     LIST(1, STRUCT(2, ELL(), I(0)))),
				 FLD("msg_flags", W("MSG_ERRQUEUE")),
				 FLD("msg_control", LIST(0))),
			  W("MSG_ERRQUEUE")));
	done(&ctx);
}

static void test_syscalls__fastopen_sendmsg_and_sendto(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	RUN_OK(&ctx, sock_call(3));
	RUN_OK(&ctx, CALL("bind", I(0), NULL, 3, I(3), ELL(), ELL()));
	RUN_OK(&ctx, CALL("listen", I(0), NULL, 2, I(3), I(2)));
	RUN_OK(&ctx, sock_call(4));
	n_fd_events = 0;
	/* No cookie yet: a blocking MSG_FASTOPEN send connects, then sends. */
	RUN_OK(&ctx, CALL("sendmsg", I(10), NULL, 3, I(4),
			  STRUCT(3, FLD("msg_name(...)", ELL()),
				 FLD("msg_iov(1)",
				     LIST(1, STRUCT(2, ELL(), I(10)))),
				 FLD("msg_flags", I(0))),
			  W("MSG_FASTOPEN")));
	CHECK_INT(n_fd_events, 1);
	CHECK(fd_events[0].connecting);
	CHECK_INT(fd_events[0].live_fd, tc_sys_live_fd(&ctx, 4));
	RUN_OK(&ctx, CALL("accept", I(5), NULL, 3, I(3), ELL(), ELL()));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("read", I(10), NULL, 3, I(5), ELL(), I(100)));

	RUN_OK(&ctx, sock_call(6));
	RUN_OK(&ctx, CALL("sendto", I(20), NULL, 6, I(6), ELL(), I(20),
			  W("MSG_FASTOPEN"), ELL(), ELL()));
	CHECK_INT(n_fd_events, 4);
	CHECK(fd_events[3].connecting);
	RUN_OK(&ctx, CALL("accept", I(7), NULL, 3, I(3), ELL(), ELL()));
	wait_readable(&ctx, 7);
	RUN_OK(&ctx, CALL("read", I(20), NULL, 3, I(7), ELL(), I(100)));
	/* Connected already. */
	RUN_OK(&ctx, CALL("connect", I(-1), "EISCONN", 3, I(6), ELL(), ELL()));
	done(&ctx);
}

static struct tc_syscall *errqueue_call(int64_t ee_data)
{
	return CALL("recvmsg", I(0), NULL, 3, I(4),
		    STRUCT(4, FLD("msg_name(...)", ELL()),
			   FLD("msg_iov(1)", LIST(1, STRUCT(2, ELL(), I(0)))),
			   FLD("msg_flags", W("MSG_ERRQUEUE")),
			   FLD("msg_control", LIST(1, STRUCT(3,
				FLD("cmsg_level", W("SOL_IP")),
				FLD("cmsg_type", W("IP_RECVERR")),
				FLD("cmsg_data", STRUCT(6,
					FLD("ee_errno", I(0)),
					FLD("ee_origin", W("SO_EE_ORIGIN_ZEROCOPY")),
					FLD("ee_type", I(0)),
					FLD("ee_code", W("SO_EE_CODE_ZEROCOPY_COPIED")),
					FLD("ee_info", I(0)),
					FLD("ee_data", I(ee_data)))))))),
		    W("MSG_ERRQUEUE"));
}

static void test_syscalls__zerocopy_errqueue(void)
{
	struct tc_sys_ctx ctx;
	struct pollfd p;

	ctx_setup(&ctx);
	connected_pair(&ctx);
	RUN_OK(&ctx, CALL("setsockopt", I(0), NULL, 5, I(4), W("SOL_SOCKET"),
			  W("SO_ZEROCOPY"), LIST(1, I(1)), I(4)));
	RUN_OK(&ctx, CALL("send", I(4000), NULL, 4, I(4), ELL(), I(4000),
			  W("MSG_ZEROCOPY")));
	/* The kernel may still read the payload: ctx keeps it. */
	CHECK(ctx.held != NULL);
	RUN_OK(&ctx, CALL("send", I(1000), NULL, 4, I(4), ELL(), I(1000),
			  W("MSG_ZEROCOPY")));
	wait_readable(&ctx, 5);
	RUN_OK(&ctx, CALL("read", I(5000), NULL, 3, I(5), ELL(), I(5000)));
	/* Completions arrive on the error queue (POLLERR). */
	p = (struct pollfd){ tc_sys_live_fd(&ctx, 4), 0, 0 };
	poll(&p, 1, 1000);
	usleep(10000);
	/* Both sends, merged into one notification [0, 1]. */
	CHECK_INT(run(&ctx, errqueue_call(0)), -1);
	CHECK_STR(err.msg, "runtime error in recvmsg call: expected ee_data 0 but got 1 for cmsg 0");
	RUN_OK(&ctx, CALL("recvmsg", I(-1), "EAGAIN", 3, I(4),
			  STRUCT(3, FLD("msg_iov(1)",
					LIST(1, STRUCT(2, ELL(), I(0)))),
				 FLD("msg_flags", I(0)),
				 FLD("msg_control", LIST(0))),
			  W("MSG_ERRQUEUE")));
	done(&ctx);
	CHECK(ctx.held == NULL);
}

static void test_syscalls__exec_rejects_unknown_call(void)
{
	struct tc_sys_ctx ctx;

	ctx_setup(&ctx);
	CHECK_INT(run(&ctx, CALL("cap_set", I(0), NULL, 0)), -1);
	CHECK_STR(err.msg, "unknown system call 'cap_set'");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_INT(run(&ctx, CALL("socket", I(3), NULL, 3, ELL(),
				 W("SOCK_STREEM"), I(0))), -1);
	CHECK_STR(err.msg, "unknown symbol 'SOCK_STREEM'");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	done(&ctx);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_syscalls__symbol_lookup),
	TAP_TEST(test_syscalls__errno_names),
	TAP_TEST(test_syscalls__format_flags),
	TAP_TEST(test_syscalls__check_unknown_call),
	TAP_TEST(test_syscalls__check_arity),
	TAP_TEST(test_syscalls__check_unknown_symbol),
	TAP_TEST(test_syscalls__check_unknown_errno),
	TAP_TEST(test_syscalls__check_shapes),
	TAP_TEST(test_syscalls__check_accepts_corpus_forms),
	TAP_TEST(test_syscalls__round_trip_and_fd_mapping),
	TAP_TEST(test_syscalls__write_read_counts),
	TAP_TEST(test_syscalls__send_recv_flags),
	TAP_TEST(test_syscalls__write_null_buffer),
	TAP_TEST(test_syscalls__shutdown_then_eof),
	TAP_TEST(test_syscalls__sockopt_match),
	TAP_TEST(test_syscalls__getsockopt_value_mismatch),
	TAP_TEST(test_syscalls__getsockopt_length_mismatch),
	TAP_TEST(test_syscalls__setsockopt_failure_result),
	TAP_TEST(test_syscalls__sockopt_linger_and_string),
	TAP_TEST(test_syscalls__connect_refused_expected),
	TAP_TEST(test_syscalls__connect_refused_wrong_errno),
	TAP_TEST(test_syscalls__connect_refused_unexpected),
	TAP_TEST(test_syscalls__connect_unspec_disconnects),
	TAP_TEST(test_syscalls__sockaddr_literal),
	TAP_TEST(test_syscalls__unknown_script_fd),
	TAP_TEST(test_syscalls__close_then_reuse_fd),
	TAP_TEST(test_syscalls__socket_results),
	TAP_TEST(test_syscalls__fcntl_getfl_symbolic),
	TAP_TEST(test_syscalls__ioctl_fionread),
	TAP_TEST(test_syscalls__poll_revents),
	TAP_TEST(test_syscalls__epoll),
	TAP_TEST(test_syscalls__pipe_and_open),
	TAP_TEST(test_syscalls__sendmsg_recvmsg_inq),
	TAP_TEST(test_syscalls__fastopen_sendmsg_and_sendto),
	TAP_TEST(test_syscalls__zerocopy_errqueue),
	TAP_TEST(test_syscalls__exec_rejects_unknown_call),
};

TAP_MAIN(tests)
