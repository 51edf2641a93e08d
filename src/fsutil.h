/*
 * fsutil.h: whole files and trees, and output files written safely, for
 * the runner's captures (runner.c), the reports (main.c), --kernel's host
 * side (vm.c) and the guest's init (src/vm/guest/init.c).  Each returns 0
 * (or a descriptor), or -1 with errno set by the failing call; nothing
 * prints.
 *
 * Output is never written through a name someone else could have planted
 * (tcpconform often runs as root, and --pcap-dir or --json may name a
 * directory other users can write): a directory the user named is
 * followed as given, symlinks included, but everything below it is made
 * with mkdir and opened with O_NOFOLLOW, and files are fresh temporaries
 * (O_CREAT|O_EXCL|O_NOFOLLOW) renamed over the final name.  So a symlink
 * or hard link found at an output's name is replaced, never written
 * through; its target is untouched.  A symlink where a directory should
 * be made fails (ELOOP or ENOTDIR).
 *
 * tc_read_input() reads the inputs a user names (scripts, profiles,
 * baselines): regular files only, bounded in size, with err filled.
 */
#ifndef TC_FSUTIL_H
#define TC_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
/* The start of a small file (a /proc or /sys one): at most size - 1
 * bytes, NUL-terminated.  The count read, or -1 (nothing read). */
long tc_read_head(const char *path, char *buf, size_t size);
/* The "some" total, in microseconds, of a PSI file such as
 * /proc/pressure/cpu: how long at least one task waited.  false where
 * the file is missing or not PSI. */
bool tc_psi_some_total(const char *path, unsigned long long *total_us);
/* Create or truncate path (mode 0644) and write data.  Only for paths in
 * a directory of our own (mkdtemp's): it follows a symlink at path. */
int tc_write_file(const char *path, const void *data, size_t len);
/* Replace the file at path with a new one holding data (mode 0644 less
 * the umask), by rename of a fresh temporary in path's directory. */
int tc_replace_file(const char *path, const void *data, size_t len);
/* The same for the file name (one component) below dirfd. */
int tc_replace_at(int dirfd, const char *name, const void *data, size_t len);
/* tc_replace_file(dst) with src's contents. */
int tc_copy_file(const char *src, const char *dst);
/* Copy the regular files and directories under src into dst (made as
 * needed, merged with what is there; dst itself followed if a symlink,
 * nothing below it); symlinks and others in src are skipped.  Goes on
 * after a failure; returns -1 if any copy failed. */
int tc_copy_tree(const char *src, const char *dst);

/* Open the directory at path (following symlinks: a path the user
 * named), first making it (mode 0755) if make and it is missing.
 * Returns an O_DIRECTORY descriptor (close-on-exec). */
int tc_dir_open(const char *path, bool make);
/* Open the directory rel ("a" or "a/b") below dirfd, making each missing
 * component (mode 0755), following no symlink.  Returns a descriptor. */
int tc_subdir_open(int dirfd, const char *rel);
/* Create a fresh file below dirfd, named ".tcpconform-XXXXXX.tmp" with
 * the X's chosen (set into name), O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644
 * less the umask.  Returns a writable descriptor (close-on-exec). */
int tc_tmp_create(int dirfd, struct strbuf *name);

/*
 * An output file written as a whole when done: a temporary in the
 * target's directory, opened at once (so that an unwritable path is
 * found before any work), renamed over the target by tc_outfile_commit.
 */
struct tc_outfile {
	FILE *f;		/* write here */
	int dirfd;
	char *tmp;		/* the temporary's name in dirfd; NULL: written in place */
	char *name;		/* the target's last component */
};
#define TC_OUTFILE_INIT { NULL, -1, NULL, NULL }

/* Open a temporary for path; fails with EISDIR if path is a directory.
 * A symlink or special file at path (/dev/stdout, a FIFO) that the user or
 * root put there (its directory is theirs alone, or sticky and the entry
 * theirs) is written straight into instead; a planted one is replaced. */
int tc_outfile_open(struct tc_outfile *of, const char *path);
/* Close and rename into place; on failure the temporary is removed.
 * Either way of is released. */
int tc_outfile_commit(struct tc_outfile *of);
/* Close and remove the temporary; the target stays as it was. */
void tc_outfile_abort(struct tc_outfile *of);
/* rm -rf, not following symlinks. */
void tc_rm_rf(const char *dir);

#endif
