/*
 * symbols.h: the names a system call line may use (SOCK_STREAM,
 * SO_REUSEADDR, POLLIN, ...) and errno names, with their values on this
 * machine: one table per domain in symbols.c, read by the system-call
 * check and the runner (syscalls.c).  Lookups only: no state.
 */
#ifndef TC_SYMBOLS_H
#define TC_SYMBOLS_H

#include <stdint.h>

struct strbuf;

/* Symbol table lookups: name -> value.  Returns 0 or -1. */
int tc_symbol_lookup(const char *name, int64_t *value);
/* errno name -> number, and number -> name ("ECONNREFUSED"); NULL if unknown. */
int tc_errno_lookup(const char *name, int *value);
const char *tc_errno_name(int value);

/* Families of flag names, for printing values symbolically. */
enum tc_flag_set {
	TC_FLAGS_POLL,		/* POLLIN|POLLOUT */
	TC_FLAGS_EPOLL,		/* EPOLLIN|EPOLLET */
	TC_FLAGS_MSG,		/* MSG_ERRQUEUE|MSG_TRUNC */
	TC_FLAGS_OPEN,		/* O_RDWR|O_NONBLOCK (access mode first) */
};

/* Append value as NAME|NAME, unnamed bits as one hex number, 0 as "0". */
void tc_symbol_format_flags(enum tc_flag_set set, int64_t value,
			    struct strbuf *out);

#endif
