/*
 * strbuf.h: a small growable string.
 *
 * Invariants: buf is never NULL (an empty strbuf points at a static ""),
 * buf[len] == '\0'.  strbuf_detach() hands the heap buffer to the caller,
 * who frees it with free(); the strbuf is left empty and reusable.
 * Allocation failure aborts: messages are small, and a tester that cannot
 * allocate a few bytes has nothing useful left to say.
 */
#ifndef TC_STRBUF_H
#define TC_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { .buf = strbuf_empty, .len = 0, .alloc = 0 }
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *strbuf_detach(struct strbuf *sb);
/* Appends n bytes as lower-case hex, two digits a byte. */
void strbuf_addhex(struct strbuf *sb, const void *data, size_t n);
/* The value of one hex digit, either case; -1 if c is not one. */
int tc_hexval(char c);

#endif
