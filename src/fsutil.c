/* fsutil.c: see fsutil.h. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

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
