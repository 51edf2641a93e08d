/* cpio.c: see cpio.h. */
#include "cpio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "strbuf.h"

static void pad4(struct strbuf *out)
{
	while (out->len % 4)
		strbuf_addch(out, '\0');
}

void tc_cpio_add(struct strbuf *out, const char *name, mode_t mode,
		 unsigned rdev_major, unsigned rdev_minor, const void *data, size_t len)
{
	/* Inode numbers only need to differ (the kernel links equal ones):
	 * the entry's offset in the archive will do. */
	unsigned ino = (unsigned)(out->len / 4) + 1;

	strbuf_addf(out, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		    ino, (unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
		    (unsigned)len, 0u, 0u, rdev_major, rdev_minor,
		    (unsigned)strlen(name) + 1, 0u);
	strbuf_add(out, name, strlen(name) + 1);
	pad4(out);
	if (len)
		strbuf_add(out, data, len);
	pad4(out);
}

int tc_cpio_add_file(struct strbuf *out, const char *name, mode_t perm,
		     const char *path, struct tc_error *err)
{
	struct strbuf data = STRBUF_INIT;
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot read '%s': %s", path,
				    strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&data, buf, (size_t)n);
	if (n < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot read '%s': %s", path, strerror(errno));
		close(fd);
		strbuf_release(&data);
		return -1;
	}
	close(fd);
	tc_cpio_add(out, name, S_IFREG | (perm & 07777), 0, 0, data.buf, data.len);
	strbuf_release(&data);
	return 0;
}

void tc_cpio_finish(struct strbuf *out)
{
	tc_cpio_add(out, "TRAILER!!!", 0, 0, 0, NULL, 0);
}
