/* fsutil.c: see fsutil.h. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "strbuf.h"

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "a special file";
}

static int input_error(struct tc_error *err, const char *what, const char *path,
		       const char *why)
{
	return tc_error_set(err, TC_ERR_SCRIPT, "cannot read %s'%s': %s", what, path, why);
}

int tc_read_input(const char *path, const char *what, char **buf, size_t *len,
		  struct tc_error *err)
{
	struct stat st;
	char *b = NULL;
	size_t n = 0, cap;
	int fd, e;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return input_error(err, what, path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return input_error(err, what, path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		char why[64];

		close(fd);
		snprintf(why, sizeof(why), "%s, not a regular file", file_kind(st.st_mode));
		return input_error(err, what, path, why);
	}
	if (st.st_size > (off_t)TC_INPUT_MAX)
		goto too_big;
	/* A regular file: reads must not fail with EAGAIN. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* Room for what fstat says, one byte more to see the end (the file
	 * may grow while we read), at most the limit and one. */
	cap = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > TC_INPUT_MAX)
				goto too_big;
			cap = cap * 2 > TC_INPUT_MAX + 1 ? TC_INPUT_MAX + 1 : cap * 2;
			nb = realloc(b, cap + 1);
			if (!nb)
				goto nomem;
			b = nb;
		} else if (!b) {
			b = malloc(cap + 1);
			if (!b)
				goto nomem;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			e = errno;
			free(b);
			close(fd);
			return input_error(err, what, path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > TC_INPUT_MAX) {
		fd = -1;
		goto too_big;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
nomem:
	free(b);
	close(fd);
	return input_error(err, what, path, strerror(ENOMEM));
too_big:
	free(b);
	if (fd >= 0)
		close(fd);
	return input_error(err, what, path, "larger than 16 MiB (the limit of an input file)");
}

int tc_read_file(const char *path, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)n);
	e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}

int tc_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = len ? write(fd, data, len) : 0;
	if (n != (ssize_t)len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Split path into its directory (opened, following symlinks: the user
 * named it) and its last component. */
static int open_parent(const char *path, char **name)
{
	const char *slash = strrchr(path, '/');
	struct strbuf d = STRBUF_INIT;
	int fd;

	*name = NULL;
	if (!slash)
		strbuf_addch(&d, '.');
	else if (slash == path)
		strbuf_addch(&d, '/');
	else
		strbuf_add(&d, path, (size_t)(slash - path));
	if (!*(slash ? slash + 1 : path)) {
		strbuf_release(&d);
		errno = EISDIR;
		return -1;
	}
	fd = tc_dir_open(d.buf, false);
	strbuf_release(&d);
	if (fd >= 0) {
		*name = strdup(slash ? slash + 1 : path);
		if (!*name) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
	}
	return fd;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write data to a fresh temporary below dirfd and rename it to name. */
int tc_replace_at(int dirfd, const char *name, const void *data, size_t len)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd = tc_tmp_create(dirfd, &tmp), e;

	if (fd < 0) {
		strbuf_release(&tmp);
		return -1;
	}
	if (write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	if (fd < 0 || close(fd) < 0 || renameat(dirfd, tmp.buf, dirfd, name) < 0) {
		e = errno;
		unlinkat(dirfd, tmp.buf, 0);
		strbuf_release(&tmp);
		errno = e;
		return -1;
	}
	strbuf_release(&tmp);
	return 0;
}

int tc_replace_file(const char *path, const void *data, size_t len)
{
	char *name;
	int dfd = open_parent(path, &name), ret, e;

	if (dfd < 0)
		return -1;
	ret = tc_replace_at(dfd, name, data, len);
	e = errno;
	close(dfd);
	free(name);
	errno = e;
	return ret;
}

int tc_copy_file(const char *src, const char *dst)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = tc_read_file(src, &sb) < 0 ? -1 : tc_replace_file(dst, sb.buf, sb.len);

	strbuf_release(&sb);
	return ret;
}

static int copy_tree_at(const char *src, int dfd)
{
	DIR *d = opendir(src);
	struct dirent *e;
	int ret = 0, saved = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct strbuf s = STRBUF_INIT, data = STRBUF_INIT;
		struct stat st;
		int rc = 0;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		strbuf_addf(&s, "%s/%s", src, e->d_name);
		if (lstat(s.buf, &st) < 0) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			int sub = tc_subdir_open(dfd, e->d_name);

			rc = sub < 0 ? -1 : copy_tree_at(s.buf, sub);
			if (sub >= 0)
				close(sub);
		} else if (S_ISREG(st.st_mode)) {
			rc = tc_read_file(s.buf, &data) < 0 ? -1 :
			     tc_replace_at(dfd, e->d_name, data.buf, data.len);
		}
		if (rc < 0 && !saved) {
			saved = errno;
			ret = -1;
		}
		strbuf_release(&s);
		strbuf_release(&data);
	}
	closedir(d);
	errno = saved;
	return ret;
}

int tc_copy_tree(const char *src, const char *dst)
{
	int dfd = tc_dir_open(dst, true), ret, e;

	if (dfd < 0)
		return -1;
	ret = copy_tree_at(src, dfd);
	e = errno;
	close(dfd);
	errno = e;
	return ret;
}

int tc_dir_open(const char *path, bool make)
{
	if (make && mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int tc_subdir_open(int dirfd, const char *rel)
{
	int fd = dup(dirfd);

	while (fd >= 0 && *rel) {
		size_t n = strcspn(rel, "/");
		char comp[NAME_MAX + 1];
		int next;

		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		rel += n + (rel[n] == '/');
		if (!n || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

int tc_tmp_create(int dirfd, struct strbuf *name)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static unsigned int counter;

	for (int tries = 0; tries < 100; tries++) {
		unsigned char r[6];
		char x[7];
		int fd;

		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			struct timespec ts;
			unsigned long v;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			v = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^ ++counter;
			for (size_t i = 0; i < sizeof(r); i++, v = v * 6364136223846793005UL + 1)
				r[i] = (unsigned char)(v >> 33);
		}
		for (size_t i = 0; i < sizeof(r); i++)
			x[i] = set[r[i] % (sizeof(set) - 1)];
		x[6] = '\0';
		strbuf_reset(name);
		strbuf_addf(name, ".tcpconform-%s.tmp", x);
		fd = openat(dirfd, name->buf,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static void outfile_release(struct tc_outfile *of)
{
	if (of->dirfd >= 0)
		close(of->dirfd);
	free(of->tmp);
	free(of->name);
	of->f = NULL;
	of->dirfd = -1;
	of->tmp = of->name = NULL;
}

/*
 * Whether the entry st in directory dirfd was put there by this user or
 * root, as the kernel's protected_symlinks and protected_fifos judge it: the
 * directory is theirs and nobody else may write it, or it is sticky and
 * the entry is this user's own.
 */
static bool entry_is_ours(int dirfd, const struct stat *st)
{
	struct stat d;
	uid_t me = geteuid();

	if (fstat(dirfd, &d) < 0)
		return false;
	if ((d.st_uid == me || d.st_uid == 0) && !(d.st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return (d.st_mode & S_ISVTX) && st->st_uid == me;
}

/* Write straight into the existing name of dirfd (a symlink, a FIFO, a
 * character device: /dev/stdout, a shell's >(...)); -1 when that is not
 * something to write a report into (a block device, a directory). */
static int outfile_open_direct(struct tc_outfile *of)
{
	struct stat st;
	int fd = openat(of->dirfd, of->name, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || S_ISBLK(st.st_mode) || S_ISDIR(st.st_mode) ||
	    (S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) || !(of->f = fdopen(fd, "w"))) {
		int e = errno && !S_ISBLK(st.st_mode) ? errno : EINVAL;

		close(fd);
		errno = e;
		return -1;
	}
	return 0;
}

int tc_outfile_open(struct tc_outfile *of, const char *path)
{
	struct strbuf tmp = STRBUF_INIT;
	struct stat st;
	bool exists;
	int fd, e;

	of->f = NULL;
	of->tmp = NULL;
	of->dirfd = open_parent(path, &of->name);
	if (of->dirfd < 0)
		return -1;
	exists = fstatat(of->dirfd, of->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		outfile_release(of);
		errno = EISDIR;
		return -1;
	}
	/* A symlink or a special file that the user or root put there is
	 * where the user means the report to go; renaming over it would
	 * destroy it (/dev/stdout).  One someone else may have planted is
	 * replaced, never written through. */
	if (exists && !S_ISREG(st.st_mode) && entry_is_ours(of->dirfd, &st)) {
		if (outfile_open_direct(of) < 0) {
			e = errno;
			outfile_release(of);
			errno = e;
			return -1;
		}
		return 0;
	}
	fd = tc_tmp_create(of->dirfd, &tmp);
	if (fd >= 0 && !(of->f = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		unlinkat(of->dirfd, tmp.buf, 0);
		errno = e;
		fd = -1;
	}
	if (fd < 0) {
		e = errno;
		strbuf_release(&tmp);
		outfile_release(of);
		errno = e;
		return -1;
	}
	of->tmp = strbuf_detach(&tmp);
	return 0;
}

int tc_outfile_commit(struct tc_outfile *of)
{
	int bad = ferror(of->f), e;

	bad |= fclose(of->f);
	if (bad) {
		e = errno ? errno : EIO;
		if (of->tmp)
			unlinkat(of->dirfd, of->tmp, 0);
		outfile_release(of);
		errno = e;
		return -1;
	}
	if (!of->tmp) {		/* written in place */
		outfile_release(of);
		return 0;
	}
	if (renameat(of->dirfd, of->tmp, of->dirfd, of->name) < 0) {
		e = errno;
		unlinkat(of->dirfd, of->tmp, 0);
		outfile_release(of);
		errno = e;
		return -1;
	}
	outfile_release(of);
	return 0;
}

void tc_outfile_abort(struct tc_outfile *of)
{
	if (!of->f)
		return;
	fclose(of->f);
	if (of->tmp)
		unlinkat(of->dirfd, of->tmp, 0);
	outfile_release(of);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void tc_rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

long tc_read_head(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

bool tc_psi_some_total(const char *path, unsigned long long *total_us)
{
	char buf[256], *p, *nl;

	/* some avg10=0.00 avg60=0.00 avg300=0.00 total=123\nfull ... */
	if (tc_read_head(path, buf, sizeof(buf)) < 0)
		return false;
	nl = strchr(buf, '\n');
	if (strncmp(buf, "some ", 5) || !(p = strstr(buf, " total=")) || (nl && p > nl))
		return false;
	*total_us = strtoull(p + 7, NULL, 10);
	return true;
}
