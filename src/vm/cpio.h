/*
 * cpio.h: writing a newc ("070701") cpio archive, the format the Linux
 * kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/
 * buffer-format.rst).
 *
 * Each entry is a 110-byte ASCII header (magic, then 13 fields of 8 hex
 * digits: ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
 * rdevmajor, rdevminor, namesize (with the NUL), check), the NUL-terminated
 * name, padding to 4 bytes, the data, padding to 4 bytes.  The archive
 * ends with an entry named "TRAILER!!!".  Names are relative ("init",
 * "lib/x.ko"); a directory must come before what it holds.  Owner is
 * root, mtime 0, so the same inputs give the same bytes.
 *
 * The writer appends to a caller-owned strbuf: an initramfs of a dozen
 * modules is a few megabytes.
 */
#ifndef TC_CPIO_H
#define TC_CPIO_H

#include <stddef.h>
#include <sys/types.h>

struct strbuf;
struct tc_error;

/* One entry: mode holds the type bits (S_IFDIR, S_IFREG, S_IFCHR, ...)
 * and the permissions; rdev is for device nodes; data/len for regular
 * files (and a symlink's target). */
void tc_cpio_add(struct strbuf *out, const char *name, mode_t mode,
		 unsigned rdev_major, unsigned rdev_minor, const void *data, size_t len);

static inline void tc_cpio_add_dir(struct strbuf *out, const char *name)
{
	tc_cpio_add(out, name, 040755, 0, 0, NULL, 0);
}

/* A regular file with the contents of host file path.  Returns 0, or -1
 * with err (environment). */
int tc_cpio_add_file(struct strbuf *out, const char *name, mode_t perm,
		     const char *path, struct tc_error *err);

/* The closing "TRAILER!!!" entry. */
void tc_cpio_finish(struct strbuf *out);

#endif
