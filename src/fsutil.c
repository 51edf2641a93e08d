/* fsutil.c: see fsutil.h. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int tc_copy_file(const char *src, const char *dst)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = tc_read_file(src, &sb) < 0 ? -1 : tc_write_file(dst, sb.buf, sb.len);

	strbuf_release(&sb);
	return ret;
}

int tc_copy_tree(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	struct dirent *e;
	int ret = 0, saved = 0;

	if (!d)
		return -1;
	if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
		saved = errno;
		closedir(d);
		errno = saved;
		return -1;
	}
	while ((e = readdir(d))) {
		struct strbuf s = STRBUF_INIT, t = STRBUF_INIT;
		struct stat st;
		int rc = 0;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		strbuf_addf(&s, "%s/%s", src, e->d_name);
		strbuf_addf(&t, "%s/%s", dst, e->d_name);
		if (lstat(s.buf, &st) == 0 && S_ISDIR(st.st_mode))
			rc = tc_copy_tree(s.buf, t.buf);
		else if (S_ISREG(st.st_mode))
			rc = tc_copy_file(s.buf, t.buf);
		if (rc < 0 && !saved) {
			saved = errno;
			ret = -1;
		}
		strbuf_release(&s);
		strbuf_release(&t);
	}
	closedir(d);
	errno = saved;
	return ret;
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
