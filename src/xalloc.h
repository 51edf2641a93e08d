/*
 * xalloc.h: the one allocation policy: allocation failure aborts.
 *
 * What tcpconform allocates is small or bounded (a script, a profile, a
 * result per run, a system call's buffer of at most 64 MiB), and a tester
 * that cannot allocate that much has nothing useful left to say; so no
 * caller checks for NULL, and no error path reports "out of memory".
 * strbuf.h follows the same rule.  A zero size allocates one byte, so a
 * non-NULL pointer always comes back.
 */
#ifndef TC_XALLOC_H
#define TC_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
