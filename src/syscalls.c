/*
 * syscalls.c: see syscalls.h.
 *
 * One table row per system call names it, gives its argument count and
 * the shape each argument may take (checked before the run by
 * tc_syscall_check), and points at the function that evaluates the
 * arguments, makes the call and checks what came back.
 *
 * Argument shapes (one letter per argument in struct call_spec.kinds):
 *   f  a script fd (an integer)           i  an integer expression
 *   d  an integer or '...' (socket domain) a  an address: '...', NULL,
 *   l  a length: '...', integer, [integer]    AF_UNSPEC or {sa_family=...}
 *   b  a buffer: '...', NULL or a string  v  an option value: [int...],
 *   o  an offset: NULL or [integer]           "string", {onoff=, linger=}
 *   p  [{fd=, events=, revents=}, ...]    e  {events=, fd=|ptr=|u32=|u64=}
 *   s  a string                           F  [fd, fd] (pipe)
 *   V  [{..., len}, ...] (iovecs)         m  {msg_name=, msg_iov=, ...}
 */
#include "syscalls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>

#include "error.h"
#include "strbuf.h"
#include "xalloc.h"

/* Largest read/write count and option buffer we allocate. */
#define MAX_IO_BYTES (64 << 20)
#define MAX_OPT_BYTES 65536
#define MAX_EPOLL_EVENTS 1024
#define CONTROL_BYTES 4096

/* One call being run. */
struct run {
	struct tc_sys_ctx *ctx;
	const struct tc_syscall *call;
	struct tc_error *err;
	long ret;		/* what the kernel returned */
	int err_no;		/* errno when ret == -1 */
	bool ran;		/* the call itself was made */
	bool fd_mapped;		/* ret is a live fd, mapped to script_fd */
	int64_t script_fd;
	/* Print results as flags of this set (fcntl F_GETFL); -1: numbers. */
	int result_flags;
};

struct call_spec {
	const char *name;
	int min_args, max_args;
	const char *kinds;	/* shape of each argument, see the top */
	int (*run)(struct run *r);
};

/* ---- the fd table -------------------------------------------------------- */

void tc_sys_ctx_init(struct tc_sys_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->family = AF_INET;
	pthread_mutex_init(&ctx->lock, NULL);
}

/* A buffer kept alive for the kernel (MSG_ZEROCOPY). */
struct held_buf {
	struct held_buf *next;
	void *p;
};

void tc_sys_ctx_close_all(struct tc_sys_ctx *ctx)
{
	struct held_buf *h;

	pthread_mutex_lock(&ctx->lock);
	for (int i = 0; i < ctx->n_fds; i++) {
		struct tc_fd_entry *f = &ctx->fds[i];

		if (!f->closed) {
			close(f->live_fd);
			f->closed = true;
		}
	}
	h = ctx->held;
	ctx->held = NULL;
	pthread_mutex_unlock(&ctx->lock);
	while (h) {
		struct held_buf *next = h->next;

		free(h->p);
		free(h);
		h = next;
	}
}

/* Keep p until close_all (ownership passes to ctx); p may be NULL. */
static int hold(struct tc_sys_ctx *ctx, void *p)
{
	struct held_buf *h;

	if (!p)
		return 0;
	h = malloc(sizeof(*h));
	if (!h)
		return -1;
	h->p = p;
	pthread_mutex_lock(&ctx->lock);
	h->next = ctx->held;
	ctx->held = h;
	pthread_mutex_unlock(&ctx->lock);
	return 0;
}

void tc_sys_ctx_destroy(struct tc_sys_ctx *ctx)
{
	tc_sys_ctx_close_all(ctx);
	pthread_mutex_destroy(&ctx->lock);
}

/* Caller holds ctx->lock. */
static struct tc_fd_entry *find_open(struct tc_sys_ctx *ctx, int script_fd)
{
	for (int i = 0; i < ctx->n_fds; i++)
		if (!ctx->fds[i].closed && ctx->fds[i].script_fd == script_fd)
			return &ctx->fds[i];
	return NULL;
}

int tc_sys_live_fd(struct tc_sys_ctx *ctx, int script_fd)
{
	struct tc_fd_entry *f;
	int live = -1;

	pthread_mutex_lock(&ctx->lock);
	f = find_open(ctx, script_fd);
	if (f)
		live = f->live_fd;
	pthread_mutex_unlock(&ctx->lock);
	return live;
}

/* ---- messages ------------------------------------------------------------ */

static int fail(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A verification failure: "runtime error in NAME call: ...". */
static int fail(struct run *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, "runtime error in %s call: %s", r->call->name, detail);
	tc_error_set(r->err, TC_ERR_VERIFY, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static int bad_arg(struct run *r, const struct tc_expr *e, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/* A malformed argument found while running: a script error. */
static int bad_arg(struct run *r, const struct tc_expr *e, const char *fmt,
		   ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tc_error_at(r->err, TC_ERR_SCRIPT, e ? e->line : 0,
			   e ? e->col : 0, "%s", msg);
}

/* "ECONNREFUSED (Connection refused)" */
static void add_errno(struct strbuf *sb, int e)
{
	const char *name = tc_errno_name(e);

	if (name)
		strbuf_addf(sb, "%s (%s)", name, strerror(e));
	else
		strbuf_addf(sb, "%d (%s)", e, strerror(e));
}

static void add_flags(struct strbuf *sb, enum tc_flag_set set, int64_t v)
{
	tc_symbol_format_flags(set, v, sb);
}

/* ---- evaluating expressions --------------------------------------------- */

static bool is_null(const struct tc_expr *e)
{
	return (e->type == TC_EXPR_INT && e->num == 0) ||
	       (e->type == TC_EXPR_WORD && !strcmp(e->str, "NULL"));
}

static bool is_int_expr(const struct tc_expr *e)
{
	switch (e->type) {
	case TC_EXPR_INT:
	case TC_EXPR_WORD:
		return true;
	case TC_EXPR_OR:
		return e->lhs && e->rhs && is_int_expr(e->lhs) &&
		       is_int_expr(e->rhs);
	case TC_EXPR_CALL:
		return strcmp(e->str, "inet6_addr") != 0;
	default:
		return false;
	}
}

/* Functions an expression may call. */
static const char *const known_functions[] = {
	"htons", "ntohs", "htonl", "ntohl", "inet_addr", "inet6_addr",
	/* msghdr field forms, msg_iov(1)=[...] */
	"msg_name", "msg_iov", "msg_control",
	NULL
};

static bool known_function(const char *name)
{
	for (int i = 0; known_functions[i]; i++)
		if (!strcmp(known_functions[i], name))
			return true;
	return false;
}

static const char *string_arg(const struct tc_expr *call)
{
	if (call->n_elems != 1 || call->elems[0]->type != TC_EXPR_STRING)
		return NULL;
	return call->elems[0]->str;
}

static int eval_int(struct run *r, const struct tc_expr *e, int64_t *v);

static int eval_call_int(struct run *r, const struct tc_expr *e, int64_t *v)
{
	const char *f = e->str;
	int64_t x;

	if (!strcmp(f, "inet_addr")) {
		const char *s = string_arg(e);
		struct in_addr a;

		if (!s || inet_pton(AF_INET, s, &a) != 1)
			return bad_arg(r, e, "inet_addr() needs an IPv4 address string");
		*v = (int64_t)(uint32_t)a.s_addr;
		return 0;
	}
	if (e->n_elems != 1)
		return bad_arg(r, e, "%s() takes 1 argument, got %d", f, e->n_elems);
	if (eval_int(r, e->elems[0], &x) < 0)
		return -1;
	if (!strcmp(f, "htons"))
		*v = htons((uint16_t)x);
	else if (!strcmp(f, "ntohs"))
		*v = ntohs((uint16_t)x);
	else if (!strcmp(f, "htonl"))
		*v = (int64_t)htonl((uint32_t)x);
	else if (!strcmp(f, "ntohl"))
		*v = (int64_t)ntohl((uint32_t)x);
	else
		return bad_arg(r, e, "%s() is not an integer", f);
	return 0;
}

/* INT, a symbol, A|B, htons(N), inet_addr("a.b.c.d"). */
static int eval_int(struct run *r, const struct tc_expr *e, int64_t *v)
{
	int64_t a, b;

	switch (e->type) {
	case TC_EXPR_INT:
		*v = e->num;
		return 0;
	case TC_EXPR_WORD:
		if (tc_symbol_lookup(e->str, v) < 0)
			return bad_arg(r, e, "unknown symbol '%s'", e->str);
		return 0;
	case TC_EXPR_OR:
		if (eval_int(r, e->lhs, &a) < 0 || eval_int(r, e->rhs, &b) < 0)
			return -1;
		*v = a | b;
		return 0;
	case TC_EXPR_CALL:
		return eval_call_int(r, e, v);
	default:
		return bad_arg(r, e, "expected an integer or a symbol");
	}
}

/* Script fd -> live fd; an unknown script fd fails the run. */
static int eval_fd(struct run *r, const struct tc_expr *e, int *live)
{
	int64_t sfd;

	if (e->type != TC_EXPR_INT)
		return bad_arg(r, e, "expected a file descriptor number");
	sfd = e->num;
	*live = sfd < 0 || sfd > INT32_MAX ? -1 :
		tc_sys_live_fd(r->ctx, (int)sfd);
	if (*live < 0)
		return fail(r, "unknown script fd %" PRId64, sfd);
	return 0;
}

/* FIELD name without a "(N)" suffix equals name? */
static bool field_is(const struct tc_expr *f, const char *name)
{
	size_t n = strlen(name);

	return f->type == TC_EXPR_FIELD && f->str && !strncmp(f->str, name, n) &&
	       (f->str[n] == '\0' || f->str[n] == '(');
}

/* A length: '...' (use dflt), N or [N].  *given tells which. */
static int eval_len(struct run *r, const struct tc_expr *e, int64_t dflt,
		    int64_t *len, bool *given)
{
	*given = false;
	*len = dflt;
	if (!e || e->type == TC_EXPR_ELLIPSIS)
		return 0;
	if (e->type == TC_EXPR_LIST) {
		if (e->n_elems != 1)
			return bad_arg(r, e, "expected a length [N]");
		e = e->elems[0];
	}
	if (eval_int(r, e, len) < 0)
		return -1;
	*given = true;
	return 0;
}

/* A read/write count. */
static int eval_count(struct run *r, const struct tc_expr *e, size_t *n)
{
	int64_t v;

	*n = 0;
	if (eval_int(r, e, &v) < 0)
		return -1;
	if (v < 0 || v > MAX_IO_BYTES)
		return bad_arg(r, e, "byte count %" PRId64 " out of range (0 to %d)",
			       v, MAX_IO_BYTES);
	*n = (size_t)v;
	return 0;
}

/*
 * A data buffer of n bytes: '...' (zeroes), a string (its bytes, zero
 * padded), or NULL/0 (a NULL pointer: *buf stays NULL).  Caller frees.
 */
static int eval_buffer(struct run *r, const struct tc_expr *e, size_t n,
		       char **buf)
{
	*buf = NULL;
	if (e->type != TC_EXPR_ELLIPSIS && e->type != TC_EXPR_STRING) {
		if (is_null(e))
			return 0;
		return bad_arg(r, e, "expected '...', NULL or a string as the buffer");
	}
	*buf = xcalloc(1, n);
	if (e->type == TC_EXPR_STRING)
		memcpy(*buf, e->str, e->str_len < n ? e->str_len : n);
	return 0;
}

/* {sa_family=AF_INET, sin_port=htons(N), sin_addr=inet_addr("...")} */
static int eval_sockaddr(struct run *r, const struct tc_expr *e,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int64_t family = r->ctx->family, port = 0, flow = 0, scope = 0;
	struct in6_addr a6 = IN6ADDR_ANY_INIT;
	int64_t a4 = 0;

	for (int i = 0; i < e->n_elems; i++) {
		const struct tc_expr *f = e->elems[i];
		const struct tc_expr *v = f->lhs;
		int64_t *dst = NULL;

		if (f->type != TC_EXPR_FIELD || !v)
			return bad_arg(r, f, "expected name=value in a sockaddr");
		if (field_is(f, "sa_family") || field_is(f, "sin_family") ||
		    field_is(f, "sin6_family"))
			dst = &family;
		else if (field_is(f, "sin_port") || field_is(f, "sin6_port"))
			dst = &port;
		else if (field_is(f, "sin_addr"))
			dst = &a4;
		else if (field_is(f, "sin6_flowinfo"))
			dst = &flow;
		else if (field_is(f, "sin6_scope_id"))
			dst = &scope;
		else if (field_is(f, "sin6_addr")) {
			const char *s = v->type == TC_EXPR_CALL &&
					!strcmp(v->str, "inet6_addr") ?
					string_arg(v) : NULL;

			if (!s || inet_pton(AF_INET6, s, &a6) != 1)
				return bad_arg(r, v, "sin6_addr needs inet6_addr(\"address\")");
			continue;
		} else
			return bad_arg(r, f, "unknown sockaddr field '%s'", f->str);
		if (eval_int(r, v, dst) < 0)
			return -1;
	}
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = (in_port_t)port;
		sin6->sin6_flowinfo = (uint32_t)flow;
		sin6->sin6_addr = a6;
		sin6->sin6_scope_id = (uint32_t)scope;
		*len = sizeof(*sin6);
	} else {
		sin->sin_family = (sa_family_t)family;
		sin->sin_port = (in_port_t)port;
		sin->sin_addr.s_addr = (in_addr_t)a4;
		*len = sizeof(*sin);
	}
	return 0;
}

/*
 * An address argument and its length: '...' is dflt, NULL a NULL pointer
 * (*null set), another integer (AF_UNSPEC) a bare family, a struct a
 * sockaddr literal.  The length is '...' (the address's size) or given.
 */
static int eval_addr(struct run *r, const struct tc_expr *a,
		     const struct tc_expr *l,
		     const struct sockaddr_storage *dflt, socklen_t dflt_len,
		     struct sockaddr_storage *ss, socklen_t *len, bool *null)
{
	int64_t v, n;
	bool given;

	*null = false;
	memset(ss, 0, sizeof(*ss));
	*len = 0;
	if (a->type == TC_EXPR_ELLIPSIS) {
		memcpy(ss, dflt, sizeof(*ss));
		*len = dflt_len;
	} else if (a->type == TC_EXPR_STRUCT) {
		if (eval_sockaddr(r, a, ss, len) < 0)
			return -1;
	} else if (is_null(a)) {
		*null = true;
	} else {
		if (eval_int(r, a, &v) < 0)
			return -1;
		ss->ss_family = (sa_family_t)v;
		*len = v == AF_INET6 ? sizeof(struct sockaddr_in6) :
		       v == AF_INET ? sizeof(struct sockaddr_in) :
		       sizeof(struct sockaddr);
	}
	if (eval_len(r, l, *len, &n, &given) < 0)
		return -1;
	*len = (socklen_t)n;
	return 0;
}

/* ---- result checks --------------------------------------------------- */

static void add_result(struct run *r, struct strbuf *sb, int64_t v)
{
	if (r->result_flags >= 0 && v >= 0) {
		strbuf_addf(sb, "0x%" PRIx64 " (", v);
		add_flags(sb, (enum tc_flag_set)r->result_flags, v);
		strbuf_addch(sb, ')');
	} else {
		strbuf_addf(sb, "%" PRId64, v);
	}
}

/*
 * Compare r->ret and r->err_no with the script's result and errno.
 * *want gets the expected result; *any is set when the script wrote
 * '...' (nothing to compare).  fd_result: any fd >= 0 matches >= 0.
 */
static int check_result(struct run *r, bool fd_result, int64_t *want)
{
	const struct tc_syscall *c = r->call;
	struct strbuf sb = STRBUF_INIT;
	int expected_errno;

	*want = r->ret;
	if (!c->result || c->result->type == TC_EXPR_ELLIPSIS)
		return 0;
	if (eval_int(r, c->result, want) < 0)
		return -1;
	if (fd_result && *want >= 0 && r->ret >= 0)
		return 0;
	if (r->ret != *want) {
		strbuf_addstr(&sb, "expected result ");
		add_result(r, &sb, *want);
		strbuf_addstr(&sb, " but got ");
		add_result(r, &sb, r->ret);
		if (r->ret == -1) {
			strbuf_addstr(&sb, " with errno ");
			add_errno(&sb, r->err_no);
		}
		fail(r, "%s", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	if (r->ret != -1 || !c->errno_name)
		return 0;
	if (tc_errno_lookup(c->errno_name, &expected_errno) < 0)
		return tc_error_set(r->err, TC_ERR_SCRIPT,
				    "unknown errno name '%s'", c->errno_name);
	if (expected_errno == r->err_no)
		return 0;
	strbuf_addf(&sb, "expected errno %s but got ", c->errno_name);
	add_errno(&sb, r->err_no);
	fail(r, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static int check_plain(struct run *r)
{
	int64_t want;

	return check_result(r, false, &want);
}

/*
 * Record script fd -> live fd for a call that returned one.  A script fd
 * still open is an error, except for accept(), which packetdrill lets
 * reuse one (scripts accept twice into "= 4" without closing the first):
 * the new socket takes the number, and the old one stays open, out of the
 * script's reach, until the end.
 */
static int map_fd(struct run *r, int64_t script_fd, int live_fd,
		  bool is_socket, bool shadow)
{
	struct tc_sys_ctx *ctx = r->ctx;
	struct tc_fd_entry *slot = NULL, *old;
	int ret = -1;

	if (script_fd < 0 || script_fd > INT32_MAX)
		return fail(r, "bad script fd %" PRId64, script_fd);
	pthread_mutex_lock(&ctx->lock);
	old = find_open(ctx, (int)script_fd);
	if (old && shadow) {
		old->script_fd = -1;
	} else if (old) {
		pthread_mutex_unlock(&ctx->lock);
		return fail(r, "script fd %" PRId64 " is already open", script_fd);
	}
	for (int i = 0; i < ctx->n_fds && !slot; i++)
		if (ctx->fds[i].closed)
			slot = &ctx->fds[i];
	if (!slot && ctx->n_fds < TC_MAX_FDS)
		slot = &ctx->fds[ctx->n_fds++];
	if (slot) {
		slot->script_fd = (int)script_fd;
		slot->live_fd = live_fd;
		slot->is_socket = is_socket;
		slot->closed = false;
		ret = 0;
	}
	pthread_mutex_unlock(&ctx->lock);
	if (ret < 0)
		return tc_error_set(r->err, TC_ERR_ENV,
				    "more than %d file descriptors", TC_MAX_FDS);
	return 0;
}

static void notify(struct run *r, int live_fd, enum tc_fd_origin origin,
		   bool connecting)
{
	if (r->ctx->on_fd)
		r->ctx->on_fd(r->ctx->cb_arg, live_fd, origin, connecting);
}

static void notify_connect(struct run *r, int live_fd, bool disconnect)
{
	if (r->ctx->on_connect)
		r->ctx->on_connect(r->ctx->cb_arg, live_fd, disconnect);
}

/* Check a call that returns an fd; on success map it and tell the engine.
 * A live fd the script did not expect is closed. */
static int finish_fd(struct run *r, enum tc_fd_origin origin, bool is_socket)
{
	int64_t want;
	int live = (int)r->ret;

	if (check_result(r, true, &want) < 0 ||
	    (live >= 0 && map_fd(r, want, live, is_socket, origin == TC_FD_ACCEPT) < 0)) {
		if (live >= 0)
			close(live);
		return -1;
	}
	if (live >= 0) {
		r->fd_mapped = true;
		r->script_fd = want;
		notify(r, live, origin, false);
	}
	return 0;
}

/* Run expr, retrying on EINTR; stores the result and errno in r. */
#define DO_CALL(r, expr) do { \
	(r)->ran = true; \
	do { \
		errno = 0; \
		(r)->ret = (long)(expr); \
	} while ((r)->ret == -1 && errno == EINTR && \
		 !((r)->ctx->stop && *(r)->ctx->stop)); \
	(r)->err_no = (r)->ret == -1 ? errno : 0; \
} while (0)

/* Run expr once (close, connect: a retry would not mean the same). */
#define DO_CALL_ONCE(r, expr) do { \
	(r)->ran = true; \
	errno = 0; \
	(r)->ret = (long)(expr); \
	(r)->err_no = (r)->ret == -1 ? errno : 0; \
} while (0)

#define ARG(r, i) ((r)->call->args[i])
#define HAS_ARG(r, i) ((r)->call->n_args > (i))

/* ---- sockets ----------------------------------------------------------- */

static int do_socket(struct run *r)
{
	int64_t domain = r->ctx->family ? r->ctx->family : AF_INET;
	int64_t type, proto;

	if ((ARG(r, 0)->type != TC_EXPR_ELLIPSIS &&
	     eval_int(r, ARG(r, 0), &domain) < 0) ||
	    eval_int(r, ARG(r, 1), &type) < 0 ||
	    eval_int(r, ARG(r, 2), &proto) < 0)
		return -1;
	DO_CALL(r, socket((int)domain, (int)type, (int)proto));
	return finish_fd(r, TC_FD_SOCKET, true);
}

static int do_bind(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool null;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_addr(r, ARG(r, 1), ARG(r, 2), &r->ctx->bind_addr,
		      r->ctx->bind_len, &ss, &len, &null) < 0)
		return -1;
	DO_CALL(r, bind(fd, null ? NULL : (struct sockaddr *)&ss, len));
	return check_plain(r);
}

static int do_listen(struct run *r)
{
	int64_t backlog;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_int(r, ARG(r, 1), &backlog) < 0)
		return -1;
	DO_CALL(r, listen(fd, (int)backlog));
	return check_plain(r);
}

/* accept(fd, ..., ...) and accept4(fd, ..., ..., flags) */
static int do_accept(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool want_addr = !is_null(ARG(r, 1));
	bool want_len = !is_null(ARG(r, 2));
	int64_t flags = 0;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    (HAS_ARG(r, 3) && eval_int(r, ARG(r, 3), &flags) < 0))
		return -1;
	DO_CALL(r, accept4(fd, want_addr ? (struct sockaddr *)&ss : NULL,
			   want_len ? &len : NULL, (int)flags));
	return finish_fd(r, TC_FD_ACCEPT, true);
}

static int do_connect(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool null;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_addr(r, ARG(r, 1), ARG(r, 2), &r->ctx->connect_addr,
		      r->ctx->connect_len, &ss, &len, &null) < 0)
		return -1;
	notify_connect(r, fd, null || ss.ss_family == AF_UNSPEC);
	DO_CALL_ONCE(r, connect(fd, null ? NULL : (struct sockaddr *)&ss, len));
	if (!null && ss.ss_family != AF_UNSPEC)
		notify(r, fd, TC_FD_SOCKET, true);
	return check_plain(r);
}

static int do_shutdown(struct run *r)
{
	int64_t how;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 || eval_int(r, ARG(r, 1), &how) < 0)
		return -1;
	DO_CALL(r, shutdown(fd, (int)how));
	return check_plain(r);
}

static int do_close(struct run *r)
{
	struct tc_sys_ctx *ctx = r->ctx;
	struct tc_fd_entry *f;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0)
		return -1;
	/* Linux releases the fd even when close() fails: never retry. */
	DO_CALL_ONCE(r, close(fd));
	pthread_mutex_lock(&ctx->lock);
	f = find_open(ctx, (int)ARG(r, 0)->num);
	if (f && f->live_fd == fd)
		f->closed = true;
	pthread_mutex_unlock(&ctx->lock);
	return check_plain(r);
}

/* ---- data ---------------------------------------------------------------- */

/* read(fd, buf, n), recv(fd, buf, n, flags),
 * recvfrom(fd, buf, n, flags, addr, len) */
static int do_recv(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool is_read = !strcmp(r->call->name, "read");
	bool is_from = !strcmp(r->call->name, "recvfrom");
	int64_t flags = 0;
	char *buf = NULL;
	size_t n;
	int fd, ret = -1;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 || eval_count(r, ARG(r, 2), &n) < 0 ||
	    (!is_read && eval_int(r, ARG(r, 3), &flags) < 0) ||
	    eval_buffer(r, ARG(r, 1), n, &buf) < 0)
		goto out;
	if (is_read)
		DO_CALL(r, read(fd, buf, n));
	else if (is_from)
		DO_CALL(r, recvfrom(fd, buf, n, (int)flags,
				    is_null(ARG(r, 4)) ? NULL : (struct sockaddr *)&ss,
				    is_null(ARG(r, 5)) ? NULL : &len));
	else
		DO_CALL(r, recv(fd, buf, n, (int)flags));
	ret = check_plain(r);
out:
	free(buf);
	return ret;
}

/* write(fd, buf, n), send(fd, buf, n, flags),
 * sendto(fd, buf, n, flags, addr, len) */
static int do_send(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	bool is_write = !strcmp(r->call->name, "write");
	bool is_to = !strcmp(r->call->name, "sendto");
	bool null = true;
	int64_t flags = 0;
	char *buf = NULL;
	size_t n;
	int fd, ret = -1;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 || eval_count(r, ARG(r, 2), &n) < 0 ||
	    (!is_write && eval_int(r, ARG(r, 3), &flags) < 0) ||
	    (is_to && eval_addr(r, ARG(r, 4), ARG(r, 5), &r->ctx->connect_addr,
				r->ctx->connect_len, &ss, &len, &null) < 0) ||
	    eval_buffer(r, ARG(r, 1), n, &buf) < 0)
		goto out;
	if (is_write)
		DO_CALL(r, write(fd, buf, n));
	else if (is_to && (flags & MSG_FASTOPEN)) {
		if (!null)
			notify_connect(r, fd, false);
		DO_CALL_ONCE(r, sendto(fd, buf, n, (int)flags,
				       null ? NULL : (struct sockaddr *)&ss, len));
	} else if (is_to)
		DO_CALL(r, sendto(fd, buf, n, (int)flags,
				  null ? NULL : (struct sockaddr *)&ss, len));
	else
		DO_CALL(r, send(fd, buf, n, (int)flags));
	if (is_to && (flags & MSG_FASTOPEN))
		notify(r, fd, TC_FD_SOCKET, true);
	if ((flags & MSG_ZEROCOPY) && hold(r->ctx, buf) == 0)
		buf = NULL;
	ret = check_plain(r);
out:
	free(buf);
	return ret;
}

/* readv(fd, [{..., len}, ...], n) and writev(...). */
static int eval_iovecs(struct run *r, const struct tc_expr *list,
		       struct iovec **iov, int *n_iov)
{
	*iov = NULL;
	*n_iov = 0;
	if (list->type != TC_EXPR_LIST)
		return bad_arg(r, list, "expected a list of iovecs [{..., len}]");
	*iov = xcalloc((size_t)list->n_elems + 1, sizeof(**iov));
	for (int i = 0; i < list->n_elems; i++) {
		const struct tc_expr *e = list->elems[i];
		char *buf;
		size_t n;

		if (e->type != TC_EXPR_STRUCT || e->n_elems != 2)
			return bad_arg(r, e, "expected an iovec {..., len}");
		if (eval_count(r, e->elems[1], &n) < 0 ||
		    eval_buffer(r, e->elems[0], n, &buf) < 0)
			return -1;
		(*iov)[i].iov_base = buf;
		(*iov)[i].iov_len = n;
		(*n_iov)++;
	}
	return 0;
}

static void free_iovecs(struct iovec *iov, int n)
{
	for (int i = 0; iov && i < n; i++)
		free(iov[i].iov_base);
	free(iov);
}

static int do_iov(struct run *r)
{
	struct iovec *iov = NULL;
	int64_t cnt;
	int fd, n_iov = 0, ret = -1;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_iovecs(r, ARG(r, 1), &iov, &n_iov) < 0 ||
	    eval_int(r, ARG(r, 2), &cnt) < 0)
		goto out;
	if (cnt > n_iov) {
		bad_arg(r, ARG(r, 2), "%s() count %" PRId64 " is larger than the %d iovecs given",
			r->call->name, cnt, n_iov);
		goto out;
	}
	if (!strcmp(r->call->name, "readv"))
		DO_CALL(r, readv(fd, iov, (int)cnt));
	else
		DO_CALL(r, writev(fd, iov, (int)cnt));
	ret = check_plain(r);
out:
	free_iovecs(iov, n_iov);
	return ret;
}

/* ---- socket options ---------------------------------------------------- */

/* An option value as written: [ints], "string", {onoff=, linger=}, an
 * address, a bare integer, NULL, or '...'. */
struct optval {
	enum { OV_NONE, OV_NULL, OV_INTS, OV_STRING, OV_LINGER, OV_BYTES } kind;
	int ints[16];
	int n_ints;
	struct linger linger;
	const char *str;
	size_t str_len;
	uint8_t bytes[16];
	size_t n_bytes;
	size_t size;		/* natural length in bytes */
};

static int eval_optval(struct run *r, const struct tc_expr *e,
		       struct optval *ov)
{
	int64_t v;

	memset(ov, 0, sizeof(*ov));
	switch (e->type) {
	case TC_EXPR_ELLIPSIS:
		ov->kind = OV_NONE;
		return 0;
	case TC_EXPR_LIST:
		if (e->n_elems < 1 || e->n_elems > 16)
			return bad_arg(r, e, "expected 1 to 16 integers in [...]");
		for (int i = 0; i < e->n_elems; i++) {
			/* [...] or [1, ...]: an element not compared */
			if (e->elems[i]->type == TC_EXPR_ELLIPSIS)
				continue;
			if (eval_int(r, e->elems[i], &v) < 0)
				return -1;
			ov->ints[i] = (int)(uint32_t)v;
		}
		ov->kind = OV_INTS;
		ov->n_ints = e->n_elems;
		ov->size = (size_t)e->n_elems * sizeof(int);
		return 0;
	case TC_EXPR_STRING:
		ov->kind = OV_STRING;
		ov->str = e->str;
		ov->str_len = e->str_len;
		ov->size = e->str_len;
		return 0;
	case TC_EXPR_STRUCT:
		for (int i = 0; i < e->n_elems; i++) {
			const struct tc_expr *f = e->elems[i];

			if (f->type != TC_EXPR_FIELD || !f->lhs ||
			    !(field_is(f, "onoff") || field_is(f, "linger")))
				return bad_arg(r, f, "expected {onoff=N, linger=N}");
			if (eval_int(r, f->lhs, &v) < 0)
				return -1;
			if (field_is(f, "onoff"))
				ov->linger.l_onoff = (int)v;
			else
				ov->linger.l_linger = (int)v;
		}
		ov->kind = OV_LINGER;
		ov->size = sizeof(struct linger);
		return 0;
	case TC_EXPR_CALL:
		if (!strcmp(e->str, "inet6_addr")) {
			const char *s = string_arg(e);

			if (!s || inet_pton(AF_INET6, s, ov->bytes) != 1)
				return bad_arg(r, e, "inet6_addr() needs an IPv6 address string");
			ov->kind = OV_BYTES;
			ov->n_bytes = ov->size = 16;
			return 0;
		}
		if (!strcmp(e->str, "inet_addr")) {
			if (eval_int(r, e, &v) < 0)
				return -1;
			uint32_t a = (uint32_t)v;

			memcpy(ov->bytes, &a, 4);
			ov->kind = OV_BYTES;
			ov->n_bytes = ov->size = 4;
			return 0;
		}
		break;
	default:
		break;
	}
	if (is_null(e)) {
		ov->kind = OV_NULL;
		return 0;
	}
	if (eval_int(r, e, &v) < 0)
		return -1;
	ov->kind = OV_INTS;
	ov->ints[0] = (int)(uint32_t)v;
	ov->n_ints = 1;
	ov->size = sizeof(int);
	return 0;
}

/* Write the value's bytes into buf (at least ov->size bytes). */
static void optval_bytes(const struct optval *ov, void *buf)
{
	switch (ov->kind) {
	case OV_INTS:
		memcpy(buf, ov->ints, (size_t)ov->n_ints * sizeof(int));
		break;
	case OV_STRING:
		memcpy(buf, ov->str, ov->str_len);
		break;
	case OV_LINGER:
		memcpy(buf, &ov->linger, sizeof(ov->linger));
		break;
	case OV_BYTES:
		memcpy(buf, ov->bytes, ov->n_bytes);
		break;
	case OV_NONE:
	case OV_NULL:
		break;
	}
}

static int alloc_opt(struct run *r, const struct tc_expr *at, int64_t len,
		     size_t natural, void **buf, size_t *size)
{
	if (len < 0 || len > MAX_OPT_BYTES)
		return bad_arg(r, at, "option length %" PRId64 " out of range (0 to %d)",
			       len, MAX_OPT_BYTES);
	*size = natural > (size_t)len ? natural : (size_t)len;
	if (*size < 16)
		*size = 16;
	*buf = xcalloc(1, *size);
	return 0;
}

/* setsockopt(fd, level, name, value, len) */
static int do_setsockopt(struct run *r)
{
	const struct tc_expr *len_e = HAS_ARG(r, 4) ? ARG(r, 4) : NULL;
	int64_t level, name, len;
	struct optval ov;
	void *buf = NULL;
	size_t size;
	bool given;
	int fd, ret = -1;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_int(r, ARG(r, 1), &level) < 0 ||
	    eval_int(r, ARG(r, 2), &name) < 0 ||
	    eval_optval(r, ARG(r, 3), &ov) < 0 ||
	    eval_len(r, len_e, (int64_t)ov.size, &len, &given) < 0 ||
	    alloc_opt(r, len_e ? len_e : ARG(r, 3), len, ov.size, &buf, &size) < 0)
		goto out;
	optval_bytes(&ov, buf);
	DO_CALL(r, setsockopt(fd, (int)level, (int)name,
			      ov.kind == OV_NULL ? NULL : buf, (socklen_t)len));
	ret = check_plain(r);
out:
	free(buf);
	return ret;
}

static void add_ints(struct strbuf *sb, const int *v, int n, bool is_unsigned)
{
	if (n > 1)
		strbuf_addch(sb, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		if (is_unsigned)
			strbuf_addf(sb, "%u", (unsigned)v[i]);
		else
			strbuf_addf(sb, "%d", v[i]);
	}
	if (n > 1)
		strbuf_addch(sb, ']');
}

/* Compare what getsockopt() returned (buf, got bytes) with ov. */
static int check_optval(struct run *r, const struct tc_expr *e,
			const struct optval *ov, const void *buf, size_t got)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;

	switch (ov->kind) {
	case OV_INTS: {
		int actual[16] = { 0 };
		bool is_unsigned = false;

		memcpy(actual, buf, got < sizeof(actual) ? got : sizeof(actual));
		for (int i = 0; i < ov->n_ints; i++) {
			const struct tc_expr *x = e->type == TC_EXPR_LIST ?
						  e->elems[i] : e;
			int64_t w;

			if (x->type == TC_EXPR_ELLIPSIS)
				continue;
			if (eval_int(r, x, &w) == 0 && w > INT32_MAX)
				is_unsigned = true;
			if (actual[i] != ov->ints[i])
				ok = false;
		}
		if (ok)
			break;
		strbuf_addstr(&sb, "expected value ");
		add_ints(&sb, ov->ints, ov->n_ints, is_unsigned);
		strbuf_addstr(&sb, " but got ");
		add_ints(&sb, actual, ov->n_ints, is_unsigned);
		break;
	}
	case OV_STRING: {
		const char *s = buf;
		size_t n = strnlen(s, got);
		size_t want = strnlen(ov->str, ov->str_len);

		if (n == want && !memcmp(s, ov->str, n))
			break;
		ok = false;
		strbuf_addf(&sb, "expected value \"%.*s\" but got \"%.*s\"",
			    (int)want, ov->str, (int)n, s);
		break;
	}
	case OV_LINGER: {
		struct linger l;

		memset(&l, 0, sizeof(l));
		memcpy(&l, buf, got < sizeof(l) ? got : sizeof(l));
		if (l.l_onoff == ov->linger.l_onoff &&
		    l.l_linger == ov->linger.l_linger)
			break;
		ok = false;
		strbuf_addf(&sb, "expected value {onoff=%d, linger=%d} but got {onoff=%d, linger=%d}",
			    ov->linger.l_onoff, ov->linger.l_linger,
			    l.l_onoff, l.l_linger);
		break;
	}
	case OV_BYTES:
		if (got == ov->n_bytes && !memcmp(buf, ov->bytes, got))
			break;
		ok = false;
		strbuf_addstr(&sb, "expected value ");
		for (size_t i = 0; i < ov->n_bytes; i++)
			strbuf_addf(&sb, "%02x", ov->bytes[i]);
		strbuf_addstr(&sb, " but got ");
		for (size_t i = 0; i < got; i++)
			strbuf_addf(&sb, "%02x", ((const uint8_t *)buf)[i]);
		break;
	case OV_NONE:
	case OV_NULL:
		break;
	}
	if (!ok)
		fail(r, "%s", sb.buf);
	strbuf_release(&sb);
	return ok ? 0 : -1;
}

/* getsockopt(fd, level, name, expected value, [expected len]) */
static int do_getsockopt(struct run *r)
{
	const struct tc_expr *len_e = HAS_ARG(r, 4) ? ARG(r, 4) : NULL;
	int64_t level, name, len;
	struct optval ov;
	socklen_t out_len;
	void *buf = NULL;
	size_t size;
	bool given;
	int fd, ret = -1;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_int(r, ARG(r, 1), &level) < 0 ||
	    eval_int(r, ARG(r, 2), &name) < 0 ||
	    eval_optval(r, ARG(r, 3), &ov) < 0)
		goto out;
	/* Without a length: room for the value, or for anything ('...'). */
	if (ov.kind == OV_NONE || ov.kind == OV_STRING)
		ov.size = ov.size > 1024 ? ov.size : 1024;
	if (eval_len(r, len_e, (int64_t)ov.size, &len, &given) < 0 ||
	    alloc_opt(r, len_e ? len_e : ARG(r, 3), len, ov.size, &buf, &size) < 0)
		goto out;
	out_len = (socklen_t)len;
	DO_CALL(r, getsockopt(fd, (int)level, (int)name,
			      ov.kind == OV_NULL ? NULL : buf, &out_len));
	if (check_plain(r) < 0)
		goto out;
	if (r->ret != 0) {
		ret = 0;	/* failed as the script expected */
		goto out;
	}
	if (given && (int64_t)out_len != len) {
		fail(r, "expected length %" PRId64 " but got %u", len,
		     (unsigned)out_len);
		goto out;
	}
	ret = check_optval(r, ARG(r, 3), &ov, buf, out_len);
out:
	free(buf);
	return ret;
}

/* ---- fcntl, ioctl ------------------------------------------------------ */

static int do_fcntl(struct run *r)
{
	int64_t cmd, arg = 0;
	int fd;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 || eval_int(r, ARG(r, 1), &cmd) < 0 ||
	    (HAS_ARG(r, 2) && eval_int(r, ARG(r, 2), &arg) < 0))
		return -1;
	if (cmd == F_GETFL)
		r->result_flags = TC_FLAGS_OPEN;
	DO_CALL(r, fcntl(fd, (int)cmd, (long)arg));
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return finish_fd(r, TC_FD_OTHER, false);
	return check_plain(r);
}

/* ioctl(fd, request[, [N] | N]): with [N], an int the kernel fills in
 * (FIONREAD, SIOCINQ, SIOCOUTQ...) compared with N afterwards. */
static int do_ioctl(struct run *r)
{
	const struct tc_expr *a = HAS_ARG(r, 2) ? ARG(r, 2) : NULL;
	int64_t req, want = 0;
	bool compare = false, pointer = false;
	int fd, value = 0;

	if (eval_fd(r, ARG(r, 0), &fd) < 0 || eval_int(r, ARG(r, 1), &req) < 0)
		return -1;
	if (a && a->type == TC_EXPR_LIST) {
		if (a->n_elems != 1)
			return bad_arg(r, a, "expected [N]");
		pointer = true;
		if (a->elems[0]->type != TC_EXPR_ELLIPSIS) {
			if (eval_int(r, a->elems[0], &want) < 0)
				return -1;
			compare = true;
			value = (int)want;
		}
	} else if (a && a->type == TC_EXPR_ELLIPSIS) {
		pointer = true;
	} else if (a && eval_int(r, a, &want) < 0) {
		return -1;
	}
	if (pointer)
		DO_CALL(r, ioctl(fd, (unsigned long)req, &value));
	else
		DO_CALL(r, ioctl(fd, (unsigned long)req, (unsigned long)want));
	if (check_plain(r) < 0)
		return -1;
	if (compare && r->ret == 0 && (int64_t)value != want)
		return fail(r, "expected value %" PRId64 " but got %d", want, value);
	return 0;
}

/* ---- poll and epoll -------------------------------------------------- */

static int do_poll(struct run *r)
{
	const struct tc_expr *list = ARG(r, 0);
	struct pollfd *fds = NULL;
	int64_t *revents = NULL;	/* -1: not given */
	int64_t n, timeout;
	int ret = -1;

	if (list->type != TC_EXPR_LIST)
		return bad_arg(r, list, "expected a list of pollfds [{fd=N, events=X}]");
	if (eval_int(r, ARG(r, 1), &n) < 0 || eval_int(r, ARG(r, 2), &timeout) < 0)
		return -1;
	if (n < 0 || n > list->n_elems)
		return bad_arg(r, ARG(r, 1), "poll() nfds %" PRId64 " does not match the %d pollfds given",
			       n, list->n_elems);
	fds = xcalloc((size_t)list->n_elems + 1, sizeof(*fds));
	revents = xcalloc((size_t)list->n_elems + 1, sizeof(*revents));
	for (int i = 0; i < list->n_elems; i++) {
		const struct tc_expr *p = list->elems[i];
		int64_t v;

		revents[i] = -1;
		if (p->type != TC_EXPR_STRUCT) {
			bad_arg(r, p, "expected a pollfd {fd=N, events=X, revents=Y}");
			goto out;
		}
		for (int j = 0; j < p->n_elems; j++) {
			const struct tc_expr *f = p->elems[j];

			if (f->type != TC_EXPR_FIELD || !f->lhs ||
			    !(field_is(f, "fd") || field_is(f, "events") ||
			      field_is(f, "revents"))) {
				bad_arg(r, f, "expected fd=, events= or revents= in a pollfd");
				goto out;
			}
			if (field_is(f, "fd")) {
				if (f->lhs->type == TC_EXPR_INT && f->lhs->num < 0)
					fds[i].fd = (int)f->lhs->num;
				else if (eval_fd(r, f->lhs, &fds[i].fd) < 0)
					goto out;
				continue;
			}
			if (eval_int(r, f->lhs, &v) < 0)
				goto out;
			if (field_is(f, "events"))
				fds[i].events = (short)v;
			else
				revents[i] = v;
		}
	}
	DO_CALL(r, poll(fds, (nfds_t)n, (int)timeout));
	if (check_plain(r) < 0)
		goto out;
	for (int i = 0; i < n && r->ret >= 0; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (revents[i] < 0 || (uint16_t)fds[i].revents == revents[i])
			continue;
		strbuf_addstr(&sb, "expected revents ");
		add_flags(&sb, TC_FLAGS_POLL, revents[i]);
		strbuf_addstr(&sb, " but got ");
		add_flags(&sb, TC_FLAGS_POLL, (uint16_t)fds[i].revents);
		fail(r, "%s for pollfd %d", sb.buf, i);
		strbuf_release(&sb);
		goto out;
	}
	ret = 0;
out:
	free(fds);
	free(revents);
	return ret;
}

static int do_epoll_create(struct run *r)
{
	int64_t v;

	if (eval_int(r, ARG(r, 0), &v) < 0)
		return -1;
	if (!strcmp(r->call->name, "epoll_create1"))
		DO_CALL(r, epoll_create1((int)v));
	else
		DO_CALL(r, epoll_create((int)v));
	return finish_fd(r, TC_FD_OTHER, false);
}

/* Which data member an epoll_event names. */
enum ep_data { EP_NONE, EP_FD, EP_PTR, EP_U32, EP_U64 };

/* {events=X, fd=N | ptr=N | u32=N | u64=N}.  fd= keeps the script's
 * number: the kernel hands it back untouched and we compare it so. */
static int eval_epoll_event(struct run *r, const struct tc_expr *e,
			    struct epoll_event *ev, enum ep_data *which)
{
	static const struct { const char *name; enum ep_data d; } names[] = {
		{ "fd", EP_FD }, { "ptr", EP_PTR }, { "u32", EP_U32 },
		{ "u64", EP_U64 }, { NULL, EP_NONE }
	};
	int64_t v;

	memset(ev, 0, sizeof(*ev));
	*which = EP_NONE;
	if (e->type != TC_EXPR_STRUCT)
		return bad_arg(r, e, "expected an epoll_event {events=X, fd=N}");
	for (int i = 0; i < e->n_elems; i++) {
		const struct tc_expr *f = e->elems[i];
		int k;

		if (f->type != TC_EXPR_FIELD || !f->lhs)
			return bad_arg(r, f, "expected name=value in an epoll_event");
		if (eval_int(r, f->lhs, &v) < 0)
			return -1;
		if (field_is(f, "events")) {
			ev->events = (uint32_t)v;
			continue;
		}
		for (k = 0; names[k].name && !field_is(f, names[k].name); k++)
			;
		if (!names[k].name)
			return bad_arg(r, f, "unknown epoll_event field '%s'", f->str);
		*which = names[k].d;
		if (*which == EP_FD)
			ev->data.fd = (int)v;
		else if (*which == EP_U32)
			ev->data.u32 = (uint32_t)v;
		else
			ev->data.u64 = (uint64_t)v;
	}
	return 0;
}

/* epoll_ctl(ep, op, fd, {events=X, fd=N}) */
static int do_epoll_ctl(struct run *r)
{
	struct epoll_event ev;
	enum ep_data which;
	int64_t op;
	int ep, fd;
	bool null = is_null(ARG(r, 3));

	if (eval_fd(r, ARG(r, 0), &ep) < 0 || eval_int(r, ARG(r, 1), &op) < 0 ||
	    eval_fd(r, ARG(r, 2), &fd) < 0 ||
	    (!null && eval_epoll_event(r, ARG(r, 3), &ev, &which) < 0))
		return -1;
	DO_CALL(r, epoll_ctl(ep, (int)op, fd, null ? NULL : &ev));
	return check_plain(r);
}

/* epoll_wait(ep, {event} | [{event}, ...], maxevents, timeout) */
static int do_epoll_wait(struct run *r)
{
	const struct tc_expr *want = ARG(r, 1);
	const struct tc_expr *const *list = (const struct tc_expr *const *)&want;
	struct epoll_event *evs = NULL;
	int64_t max, timeout;
	int n_want = 1, ep, ret = -1;

	if (want->type == TC_EXPR_LIST) {
		list = (const struct tc_expr *const *)want->elems;
		n_want = want->n_elems;
	} else if (want->type == TC_EXPR_ELLIPSIS) {
		n_want = 0;
	}
	if (eval_fd(r, ARG(r, 0), &ep) < 0 || eval_int(r, ARG(r, 2), &max) < 0 ||
	    eval_int(r, ARG(r, 3), &timeout) < 0)
		return -1;
	if (max < 0 || max > MAX_EPOLL_EVENTS)
		return bad_arg(r, ARG(r, 2), "maxevents %" PRId64 " out of range (0 to %d)",
			       max, MAX_EPOLL_EVENTS);
	evs = xcalloc((size_t)max + 1, sizeof(*evs));
	DO_CALL(r, epoll_wait(ep, evs, (int)max, (int)timeout));
	if (check_plain(r) < 0)
		goto out;
	for (int i = 0; i < n_want && i < r->ret; i++) {
		struct strbuf sb = STRBUF_INIT;
		struct epoll_event ev;
		enum ep_data which;
		bool data_ok;

		if (eval_epoll_event(r, list[i], &ev, &which) < 0)
			goto out;
		data_ok = which == EP_NONE ||
			  (which == EP_FD && ev.data.fd == evs[i].data.fd) ||
			  (which == EP_U32 && ev.data.u32 == evs[i].data.u32) ||
			  ((which == EP_U64 || which == EP_PTR) &&
			   ev.data.u64 == evs[i].data.u64);
		if (ev.events != evs[i].events) {
			strbuf_addstr(&sb, "expected events ");
			add_flags(&sb, TC_FLAGS_EPOLL, ev.events);
			strbuf_addstr(&sb, " but got ");
			add_flags(&sb, TC_FLAGS_EPOLL, evs[i].events);
			fail(r, "%s for event %d", sb.buf, i);
		} else if (!data_ok && which == EP_FD) {
			fail(r, "expected fd %d but got %d for event %d",
			     ev.data.fd, evs[i].data.fd, i);
		} else if (!data_ok) {
			fail(r, "expected data %" PRIu64 " but got %" PRIu64 " for event %d",
			     (uint64_t)ev.data.u64, (uint64_t)evs[i].data.u64, i);
		}
		strbuf_release(&sb);
		if (ev.events != evs[i].events || !data_ok)
			goto out;
	}
	ret = 0;
out:
	free(evs);
	return ret;
}

/* ---- files and pipes ------------------------------------------------- */

static int do_open(struct run *r)
{
	int64_t flags, mode = 0;

	if (ARG(r, 0)->type != TC_EXPR_STRING)
		return bad_arg(r, ARG(r, 0), "expected a path string");
	if (eval_int(r, ARG(r, 1), &flags) < 0 ||
	    (HAS_ARG(r, 2) && eval_int(r, ARG(r, 2), &mode) < 0))
		return -1;
	DO_CALL(r, open(ARG(r, 0)->str, (int)flags, (mode_t)mode));
	return finish_fd(r, TC_FD_OTHER, false);
}

static int do_pipe(struct run *r)
{
	const struct tc_expr *l = ARG(r, 0);
	int live[2] = { -1, -1 };
	int64_t want;

	if (l->type != TC_EXPR_LIST || l->n_elems != 2 ||
	    l->elems[0]->type != TC_EXPR_INT || l->elems[1]->type != TC_EXPR_INT)
		return bad_arg(r, l, "expected [read fd, write fd]");
	DO_CALL(r, pipe(live));
	if (check_result(r, false, &want) < 0)
		goto fail;
	if (r->ret != 0)
		return 0;	/* failed as the script expected */
	if (map_fd(r, l->elems[0]->num, live[0], false, false) < 0)
		goto fail;
	if (map_fd(r, l->elems[1]->num, live[1], false, false) < 0) {
		pthread_mutex_lock(&r->ctx->lock);
		find_open(r->ctx, (int)l->elems[0]->num)->closed = true;
		pthread_mutex_unlock(&r->ctx->lock);
		goto fail;
	}
	notify(r, live[0], TC_FD_OTHER, false);
	notify(r, live[1], TC_FD_OTHER, false);
	return 0;
fail:
	if (r->ret == 0) {
		close(live[0]);
		close(live[1]);
	}
	return -1;
}

/* An offset argument: NULL or [N] (in/out). */
static int eval_offset(struct run *r, const struct tc_expr *e, loff_t *off,
		       bool *null)
{
	int64_t v;

	*null = is_null(e);
	*off = 0;
	if (*null)
		return 0;
	if (e->type != TC_EXPR_LIST || e->n_elems != 1)
		return bad_arg(r, e, "expected NULL or [offset]");
	if (eval_int(r, e->elems[0], &v) < 0)
		return -1;
	*off = (loff_t)v;
	return 0;
}

/* sendfile(out, in, [off] | NULL, n) */
static int do_sendfile(struct run *r)
{
	loff_t off;
	size_t n;
	bool null;
	int out, in;

	if (eval_fd(r, ARG(r, 0), &out) < 0 || eval_fd(r, ARG(r, 1), &in) < 0 ||
	    eval_offset(r, ARG(r, 2), &off, &null) < 0 ||
	    eval_count(r, ARG(r, 3), &n) < 0)
		return -1;
	DO_CALL(r, sendfile(out, in, null ? NULL : &off, n));
	return check_plain(r);
}

/* splice(in, off_in, out, off_out, n, flags) */
static int do_splice(struct run *r)
{
	loff_t off_in, off_out;
	bool null_in, null_out;
	int64_t flags;
	size_t n;
	int in, out;

	if (eval_fd(r, ARG(r, 0), &in) < 0 ||
	    eval_offset(r, ARG(r, 1), &off_in, &null_in) < 0 ||
	    eval_fd(r, ARG(r, 2), &out) < 0 ||
	    eval_offset(r, ARG(r, 3), &off_out, &null_out) < 0 ||
	    eval_count(r, ARG(r, 4), &n) < 0 || eval_int(r, ARG(r, 5), &flags) < 0)
		return -1;
	DO_CALL(r, splice(in, null_in ? NULL : &off_in, out,
			  null_out ? NULL : &off_out, n, (unsigned)flags));
	return check_plain(r);
}

/* ---- sendmsg, recvmsg ---------------------------------------------------- */

struct msg_parts {
	const struct tc_expr *name;	/* msg_name(...)=X */
	const struct tc_expr *iov;	/* msg_iov=[...] */
	const struct tc_expr *flags;	/* msg_flags=X */
	const struct tc_expr *control;	/* msg_control=[...] */
};

static int eval_msghdr(struct run *r, const struct tc_expr *e,
		       struct msg_parts *m)
{
	memset(m, 0, sizeof(*m));
	if (e->type != TC_EXPR_STRUCT)
		return bad_arg(r, e, "expected a msghdr {msg_name(...)=..., msg_iov(N)=[...], msg_flags=X}");
	for (int i = 0; i < e->n_elems; i++) {
		const struct tc_expr *f = e->elems[i];

		if (f->type != TC_EXPR_FIELD || !f->lhs)
			return bad_arg(r, f, "expected name=value in a msghdr");
		if (field_is(f, "msg_name"))
			m->name = f->lhs;
		else if (field_is(f, "msg_iov"))
			m->iov = f->lhs;
		else if (field_is(f, "msg_flags"))
			m->flags = f->lhs;
		else if (field_is(f, "msg_control"))
			m->control = f->lhs;
		else
			return bad_arg(r, f, "unknown msghdr field '%s'", f->str);
	}
	if (!m->iov)
		return bad_arg(r, e, "a msghdr needs msg_iov");
	return 0;
}

/* sendmsg(fd, msghdr, flags); msg_name(...)=... is the connect address
 * (used with MSG_FASTOPEN). */
static int do_sendmsg(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	bool null = true;
	struct msghdr mh;
	struct msg_parts m;
	struct iovec *iov = NULL;
	int64_t flags, msg_flags = 0;
	int fd, n_iov = 0, ret = -1;

	memset(&mh, 0, sizeof(mh));
	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_msghdr(r, ARG(r, 1), &m) < 0 ||
	    eval_int(r, ARG(r, 2), &flags) < 0 ||
	    (m.flags && eval_int(r, m.flags, &msg_flags) < 0) ||
	    (m.name && eval_addr(r, m.name, NULL, &r->ctx->connect_addr,
				 r->ctx->connect_len, &ss, &len, &null) < 0) ||
	    eval_iovecs(r, m.iov, &iov, &n_iov) < 0)
		goto out;
	if (m.control && !(m.control->type == TC_EXPR_LIST &&
			   m.control->n_elems == 0)) {
		bad_arg(r, m.control, "sendmsg() does not support msg_control yet");
		goto out;
	}
	mh.msg_name = null ? NULL : &ss;
	mh.msg_namelen = null ? 0 : len;
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)n_iov;
	mh.msg_flags = (int)msg_flags;
	if ((flags & MSG_FASTOPEN) && !null)
		notify_connect(r, fd, false);
	if (flags & MSG_FASTOPEN)
		DO_CALL_ONCE(r, sendmsg(fd, &mh, (int)flags));
	else
		DO_CALL(r, sendmsg(fd, &mh, (int)flags));
	if (flags & MSG_FASTOPEN)
		notify(r, fd, TC_FD_SOCKET, true);
	if (flags & MSG_ZEROCOPY) {
		/* The payload buffers stay with ctx; the array can go. */
		for (int i = 0; i < n_iov; i++)
			if (hold(r->ctx, iov[i].iov_base) == 0)
				iov[i].iov_base = NULL;
	}
	ret = check_plain(r);
out:
	free_iovecs(iov, n_iov);
	return ret;
}

/* A struct field of an expected cmsg, by name; NULL if absent. */
static const struct tc_expr *field(const struct tc_expr *s, const char *name)
{
	for (int i = 0; i < s->n_elems; i++)
		if (field_is(s->elems[i], name))
			return s->elems[i]->lhs;
	return NULL;
}

/* Compare one received sock_extended_err with {ee_errno=..., ...}. */
static int check_ee(struct run *r, const struct tc_expr *want,
		    const struct cmsghdr *c, int idx)
{
	static const char *const names[] = {
		"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info",
		"ee_data", NULL
	};
	struct sock_extended_err ee;
	int64_t got[6];

	if (c->cmsg_len < CMSG_LEN(sizeof(ee)))
		return fail(r, "cmsg %d is too short for a sock_extended_err", idx);
	memcpy(&ee, CMSG_DATA(c), sizeof(ee));
	got[0] = ee.ee_errno;
	got[1] = ee.ee_origin;
	got[2] = ee.ee_type;
	got[3] = ee.ee_code;
	got[4] = ee.ee_info;
	got[5] = ee.ee_data;
	for (int i = 0; names[i]; i++) {
		const struct tc_expr *x = field(want, names[i]);
		int64_t w;

		if (!x || x->type == TC_EXPR_ELLIPSIS)
			continue;
		if (eval_int(r, x, &w) < 0)
			return -1;
		if (w != got[i])
			return fail(r, "expected %s %" PRId64 " but got %" PRId64 " for cmsg %d",
				    names[i], w, got[i], idx);
	}
	return 0;
}

/* {scm_sec=S, scm_nsec=N}: the first timestamp, in script time. */
static int check_tstamp(struct run *r, const struct tc_expr *want,
			const struct cmsghdr *c, int idx)
{
	const struct tc_expr *s = field(want, "scm_sec");
	const struct tc_expr *ns = field(want, "scm_nsec");
	struct timespec ts[3];
	int64_t sec = 0, nsec = 0, want_us, got_us;

	if (c->cmsg_len < CMSG_LEN(sizeof(ts)))
		return fail(r, "cmsg %d is too short for scm_timestamping", idx);
	if ((s && eval_int(r, s, &sec) < 0) || (ns && eval_int(r, ns, &nsec) < 0))
		return -1;
	if (!r->ctx->ts_start_ns)
		return 0;
	memcpy(ts, CMSG_DATA(c), sizeof(ts));
	want_us = sec * 1000000 + nsec / 1000;
	got_us = ((int64_t)ts[0].tv_sec * 1000000000 + ts[0].tv_nsec -
		  r->ctx->ts_start_ns) / 1000;
	if (llabs(got_us - want_us) > r->ctx->ts_tolerance_us)
		return fail(r, "expected timestamp %" PRId64 " us but got %" PRId64
			    " us (tolerance %" PRId64 " us) for cmsg %d",
			    want_us, got_us, r->ctx->ts_tolerance_us, idx);
	return 0;
}

/* Compare the received control messages with msg_control=[...]. */
static int check_cmsgs(struct run *r, const struct tc_expr *want,
		       struct msghdr *mh)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);
	int i;

	for (i = 0; i < want->n_elems; i++, c = c ? CMSG_NXTHDR(mh, c) : NULL) {
		const struct tc_expr *w = want->elems[i];
		const struct tc_expr *lv, *ty, *data;
		int64_t level, type;

		if (w->type != TC_EXPR_STRUCT)
			return bad_arg(r, w, "expected a cmsg {cmsg_level=L, cmsg_type=T, cmsg_data=D}");
		lv = field(w, "cmsg_level");
		ty = field(w, "cmsg_type");
		data = field(w, "cmsg_data");
		if (!lv || !ty || !data)
			return bad_arg(r, w, "a cmsg needs cmsg_level, cmsg_type and cmsg_data");
		if (eval_int(r, lv, &level) < 0 || eval_int(r, ty, &type) < 0)
			return -1;
		if (!c)
			return fail(r, "expected %d cmsgs but got %d", want->n_elems, i);
		if (c->cmsg_level != level || c->cmsg_type != type)
			return fail(r, "expected cmsg_level %" PRId64 " cmsg_type %" PRId64
				    " but got cmsg_level %d cmsg_type %d for cmsg %d",
				    level, type, c->cmsg_level, c->cmsg_type, i);
		if (data->type == TC_EXPR_STRUCT && field(data, "scm_sec")) {
			if (check_tstamp(r, data, c, i) < 0)
				return -1;
		} else if (data->type == TC_EXPR_STRUCT) {
			if (check_ee(r, data, c, i) < 0)
				return -1;
		} else if (data->type != TC_EXPR_ELLIPSIS) {
			int64_t wv;
			int got = 0;

			if (eval_int(r, data, &wv) < 0)
				return -1;
			if (c->cmsg_len >= CMSG_LEN(sizeof(int)))
				memcpy(&got, CMSG_DATA(c), sizeof(got));
			if (got != (int)wv)
				return fail(r, "expected cmsg_data %" PRId64 " but got %d for cmsg %d",
					    wv, got, i);
		}
	}
	if (c) {
		int n = i;

		for (; c; c = CMSG_NXTHDR(mh, c))
			n++;
		return fail(r, "expected %d cmsgs but got %d", want->n_elems, n);
	}
	return 0;
}

static int do_recvmsg(struct run *r)
{
	struct sockaddr_storage ss;
	struct msghdr mh;
	struct msg_parts m;
	struct iovec *iov = NULL;
	void *control = NULL;
	int64_t flags, want_flags = 0;
	int fd, n_iov = 0, ret = -1;

	memset(&mh, 0, sizeof(mh));
	if (eval_fd(r, ARG(r, 0), &fd) < 0 ||
	    eval_msghdr(r, ARG(r, 1), &m) < 0 ||
	    eval_int(r, ARG(r, 2), &flags) < 0 ||
	    (m.flags && eval_int(r, m.flags, &want_flags) < 0) ||
	    eval_iovecs(r, m.iov, &iov, &n_iov) < 0)
		goto out;
	if (m.control && m.control->type != TC_EXPR_LIST) {
		bad_arg(r, m.control, "expected msg_control=[{cmsg...}, ...]");
		goto out;
	}
	control = xcalloc(1, CONTROL_BYTES);
	mh.msg_name = &ss;
	mh.msg_namelen = sizeof(ss);
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)n_iov;
	mh.msg_control = control;
	mh.msg_controllen = CONTROL_BYTES;
	DO_CALL(r, recvmsg(fd, &mh, (int)flags));
	if (check_plain(r) < 0)
		goto out;
	if (r->ret < 0) {
		ret = 0;
		goto out;
	}
	if (m.flags && mh.msg_flags != want_flags) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, "expected msg_flags ");
		add_flags(&sb, TC_FLAGS_MSG, want_flags);
		strbuf_addstr(&sb, " but got ");
		add_flags(&sb, TC_FLAGS_MSG, mh.msg_flags);
		fail(r, "%s", sb.buf);
		strbuf_release(&sb);
		goto out;
	}
	if (m.control && check_cmsgs(r, m.control, &mh) < 0)
		goto out;
	ret = 0;
out:
	free(control);
	free_iovecs(iov, n_iov);
	return ret;
}

/* ---- the table --------------------------------------------------------- */

static const struct call_spec calls[] = {
	{ "socket",	3, 3, "dii",	do_socket },
	{ "bind",	3, 3, "fal",	do_bind },
	{ "listen",	2, 2, "fi",	do_listen },
	{ "accept",	3, 3, "fal",	do_accept },
	{ "accept4",	4, 4, "fali",	do_accept },
	{ "connect",	3, 3, "fal",	do_connect },
	{ "read",	3, 3, "fbi",	do_recv },
	{ "recv",	4, 4, "fbii",	do_recv },
	{ "recvfrom",	6, 6, "fbiial",	do_recv },
	{ "write",	3, 3, "fbi",	do_send },
	{ "send",	4, 4, "fbii",	do_send },
	{ "sendto",	6, 6, "fbiial",	do_send },
	{ "readv",	3, 3, "fVi",	do_iov },
	{ "writev",	3, 3, "fVi",	do_iov },
	{ "sendmsg",	3, 3, "fmi",	do_sendmsg },
	{ "recvmsg",	3, 3, "fmi",	do_recvmsg },
	{ "close",	1, 1, "f",	do_close },
	{ "shutdown",	2, 2, "fi",	do_shutdown },
	{ "setsockopt",	4, 5, "fiivl",	do_setsockopt },
	{ "getsockopt",	4, 5, "fiivl",	do_getsockopt },
	{ "fcntl",	2, 3, "fii",	do_fcntl },
	{ "ioctl",	2, 3, "fiv",	do_ioctl },
	{ "poll",	3, 3, "pii",	do_poll },
	{ "epoll_create", 1, 1, "i",	do_epoll_create },
	{ "epoll_create1", 1, 1, "i",	do_epoll_create },
	{ "epoll_ctl",	4, 4, "fife",	do_epoll_ctl },
	{ "epoll_wait",	4, 4, "feii",	do_epoll_wait },
	{ "open",	2, 3, "sii",	do_open },
	{ "pipe",	1, 1, "F",	do_pipe },
	{ "sendfile",	4, 4, "ffoi",	do_sendfile },
	{ "splice",	6, 6, "fofoii",	do_splice },
	{ NULL, 0, 0, NULL, NULL }
};

static const struct call_spec *find_call(const char *name)
{
	for (const struct call_spec *c = calls; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* ---- static checks ------------------------------------------------------ */

static int pos_line(const struct tc_expr *e, int line)
{
	return e->line ? e->line : line;
}

/* Every symbol and function name in e is known. */
static int check_names(const struct tc_expr *e, int line, struct tc_error *err)
{
	int64_t v;

	if (!e)
		return 0;
	switch (e->type) {
	case TC_EXPR_WORD:
		if (tc_symbol_lookup(e->str, &v) < 0)
			return tc_error_at(err, TC_ERR_SCRIPT, pos_line(e, line),
					   e->col, "unknown symbol '%s'", e->str);
		return 0;
	case TC_EXPR_CALL:
		if (!known_function(e->str))
			return tc_error_at(err, TC_ERR_SCRIPT, pos_line(e, line),
					   e->col, "unknown function '%s'", e->str);
		break;
	case TC_EXPR_OR:
	case TC_EXPR_FIELD:
		if (check_names(e->lhs, line, err) < 0 ||
		    check_names(e->rhs, line, err) < 0)
			return -1;
		break;
	default:
		break;
	}
	for (int i = 0; i < e->n_elems; i++)
		if (check_names(e->elems[i], line, err) < 0)
			return -1;
	return 0;
}

static bool shape_ok(char kind, const struct tc_expr *e)
{
	bool ell = e->type == TC_EXPR_ELLIPSIS;
	bool num = is_int_expr(e);
	bool list = e->type == TC_EXPR_LIST;
	bool strct = e->type == TC_EXPR_STRUCT;

	switch (kind) {
	case 'f':
		return e->type == TC_EXPR_INT;
	case 'i':
		return num;
	case 'd':
		return num || ell;
	case 'a':
		return ell || num || strct;
	case 'l':
		return ell || num || (list && e->n_elems == 1);
	case 'b':
		return ell || num || e->type == TC_EXPR_STRING;
	case 'v':
		return ell || num || list || strct || e->type == TC_EXPR_STRING ||
		       e->type == TC_EXPR_CALL;
	case 'o':
		return num || (list && e->n_elems == 1);
	case 'p':
	case 'V':
		return list;
	case 'e':
		return ell || num || strct || list;
	case 's':
		return e->type == TC_EXPR_STRING;
	case 'F':
		return list && e->n_elems == 2;
	case 'm':
		return strct;
	}
	return true;
}

static const char *shape_name(char kind)
{
	switch (kind) {
	case 'f': return "a file descriptor number";
	case 'i': return "an integer or a symbol";
	case 'd': return "an integer, a symbol or '...'";
	case 'a': return "'...', NULL, a family or a sockaddr";
	case 'l': return "'...', an integer or [integer]";
	case 'b': return "'...', NULL or a string";
	case 'v': return "[integer], a string, a struct or '...'";
	case 'o': return "NULL or [offset]";
	case 'p': return "a list of pollfds";
	case 'V': return "a list of iovecs";
	case 'e': return "an epoll_event {events=X, fd=N}";
	case 's': return "a string";
	case 'F': return "a list of two file descriptors";
	case 'm': return "a msghdr struct";
	}
	return "something else";
}

int tc_syscall_check(const struct tc_syscall *call, int line,
		     struct tc_error *err)
{
	const struct call_spec *spec = find_call(call->name);
	int n = call->n_args, v;

	if (!spec) {
		const char *best = NULL;
		int best_d = TC_NEAR_EDITS + 1;

		for (const struct call_spec *c = calls; c->name; c++) {
			int d = tc_edits(call->name, c->name);

			if (d < best_d)
				best_d = d, best = c->name;
		}
		if (best)
			return tc_error_at(err, TC_ERR_SCRIPT, line, call->name_col,
					   "unknown system call '%s' (did you mean '%s'?)",
					   call->name, best);
		return tc_error_at(err, TC_ERR_SCRIPT, line, call->name_col,
				   "unknown system call '%s'", call->name);
	}
	if (n < spec->min_args || n > spec->max_args) {
		if (spec->min_args == spec->max_args)
			return tc_error_at(err, TC_ERR_SCRIPT, line, call->name_col,
					   "%s() takes %d argument%s, got %d",
					   call->name, spec->min_args,
					   spec->min_args == 1 ? "" : "s", n);
		return tc_error_at(err, TC_ERR_SCRIPT, line, call->name_col,
				   "%s() takes %d or %d arguments, got %d",
				   call->name, spec->min_args, spec->max_args, n);
	}
	for (int i = 0; i < n; i++) {
		const struct tc_expr *a = call->args[i];

		if (check_names(a, line, err) < 0)
			return -1;
		if (!shape_ok(spec->kinds[i], a))
			return tc_error_at(err, TC_ERR_SCRIPT, pos_line(a, line),
					   a->col, "argument %d of %s() must be %s",
					   i + 1, call->name,
					   shape_name(spec->kinds[i]));
	}
	if (call->result) {
		if (check_names(call->result, line, err) < 0)
			return -1;
		if (call->result->type != TC_EXPR_ELLIPSIS &&
		    !is_int_expr(call->result))
			return tc_error_at(err, TC_ERR_SCRIPT,
					   pos_line(call->result, line),
					   call->result->col,
					   "the result of %s() must be an integer or a symbol",
					   call->name);
	}
	if (call->errno_name && tc_errno_lookup(call->errno_name, &v) < 0)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "unknown errno name '%s'", call->errno_name);
	return 0;
}

/* ---- running ------------------------------------------------------------ */

int tc_syscalls_check_script(const struct tc_script *s, struct tc_error *err)
{
	for (int i = 0; i < s->n_events; i++) {
		const struct tc_event *ev = &s->events[i];

		if (ev->type != TC_EVENT_SYSCALL)
			continue;
		if (tc_syscall_check(ev->u.syscall, ev->line, err) < 0) {
			err->file = s->path;
			if (s->text && err->line && err->col && !err->detail[0])
				tc_source_caret(s->text, s->text_len, err->line,
						err->col, err);
			return -1;
		}
	}
	return 0;
}

/* What the call returned, as -v shows it: an fd as the script numbers
 * it, flags by name, and the errno of a -1. */
static void format_outcome(struct run *r, struct strbuf *out)
{
	if (r->fd_mapped) {
		strbuf_addf(out, "%" PRId64, r->script_fd);
		return;
	}
	add_result(r, out, r->ret);
	if (r->ret == -1) {
		strbuf_addch(out, ' ');
		add_errno(out, r->err_no);
	}
}

int tc_syscall_run(struct tc_sys_ctx *ctx, const struct tc_syscall *call,
		   struct strbuf *outcome, struct tc_error *err)
{
	struct run r = {
		.ctx = ctx,
		.call = call,
		.err = err,
		.result_flags = -1,
	};
	const struct call_spec *spec = find_call(call->name);
	int rc;

	if (!spec || call->n_args < spec->min_args ||
	    call->n_args > spec->max_args)
		return tc_syscall_check(call, 0, err);
	rc = spec->run(&r) < 0 ? -1 : 0;
	if (outcome && r.ran)
		format_outcome(&r, outcome);
	return rc;
}

int tc_syscall_exec(struct tc_sys_ctx *ctx, const struct tc_syscall *call,
		    struct tc_error *err)
{
	return tc_syscall_run(ctx, call, NULL, err);
}
