/*
 * fsutil.h: whole files and trees, for --kernel's host side (vm.c) and
 * the guest's init (src/guest/init.c), and the reading of the inputs a
 * user names (scripts, profiles, baselines).  Each returns 0, or -1 with
 * errno set by the failing call (tc_read_input: with err filled);
 * nothing prints.
 */
#ifndef TC_FSUTIL_H
#define TC_FSUTIL_H

#include <stddef.h>

struct strbuf;
struct tc_error;

/* The most an input file (a script, a profile, a baseline) may hold:
 * 16 MiB, far above any real one (the suite's largest script is a few
 * KiB, a baseline of every shipped run about 100 KiB). */
#define TC_INPUT_MAX ((size_t)16 << 20)

/*
 * Read the whole input file path, which must be a regular file of at most
 * TC_INPUT_MAX bytes, into *buf (NUL-terminated; free() it) and *len.
 * The open does not block (O_NONBLOCK: a FIFO's open would wait for a
 * writer); then anything fstat() does not call a regular file (a
 * directory, a FIFO, a device such as /dev/zero, a socket) is refused.
 * A failed allocation is an error, never the end of the file.  what
 * names the kind of file in messages ("profile ", "baseline ", "" for a
 * script).  Returns 0, or -1 with err (TC_ERR_SCRIPT, no line):
 *   cannot read profile 'p.sysctl': a FIFO, not a regular file
 *   cannot read 'big.pkt': larger than 16 MiB (the limit of an input file)
 */
int tc_read_input(const char *path, const char *what, char **buf, size_t *len,
		  struct tc_error *err);

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
