/*
 * fsutil.h: whole files and trees, for --kernel's host side (vm.c) and
 * the guest's init (src/guest/init.c).  Each returns 0, or -1 with errno
 * set by the failing call; nothing prints.
 */
#ifndef TC_FSUTIL_H
#define TC_FSUTIL_H

#include <stddef.h>

struct strbuf;

/* Append the file's contents to sb. */
int tc_read_file(const char *path, struct strbuf *sb);
/* Create or truncate path (mode 0644) and write data. */
int tc_write_file(const char *path, const void *data, size_t len);
int tc_copy_file(const char *src, const char *dst);
/* Copy the regular files and directories under src into dst (made as
 * needed, merged with what is there); symlinks and others are skipped.
 * Goes on after a failure; returns -1 if any copy failed. */
int tc_copy_tree(const char *src, const char *dst);
/* rm -rf, not following symlinks. */
void tc_rm_rf(const char *dir);

#endif
