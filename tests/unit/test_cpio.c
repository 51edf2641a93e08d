/*
 * test_cpio.c: the newc writer: one entry's exact bytes, alignment, and a
 * whole archive read back entry by entry (name, mode, size, data,
 * device numbers), as the kernel's initramfs unpacker reads it.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/cpio.h"
#include "error.h"
#include "strbuf.h"
#include "tap.h"

static unsigned field(const char *h, int i)
{
	char buf[9];

	memcpy(buf, h + 6 + 8 * i, 8);
	buf[8] = '\0';
	return (unsigned)strtoul(buf, NULL, 16);
}

static void test_cpio__one_file_exact_bytes(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *want =
		"070701" "00000001" "000081ED" "00000000" "00000000" "00000001"
		"00000000" "00000003" "00000000" "00000000" "00000000" "00000000"
		"00000005" "00000000" "init\0" "\0" "abc\0";

	tc_cpio_add(&sb, "init", S_IFREG | 0755, 0, 0, "abc", 3);
	/* 110 header + 5 name -> 115, padded to 116; 3 data, padded to 4. */
	CHECK_INT(sb.len, 120);
	CHECK(!memcmp(sb.buf, want, 120));
	strbuf_release(&sb);
}

static void test_cpio__archive_reads_back(void)
{
	struct strbuf sb = STRBUF_INIT;
	static const struct { const char *name; unsigned mode, size, maj, min; } want[] = {
		{ "dev", 040755, 0, 0, 0 },
		{ "dev/console", 020600, 0, 5, 1 },
		{ "lib", 040755, 0, 0, 0 },
		{ "lib/a-b.ko", 0100644, 7, 0, 0 },
		{ "x", 0100600, 1, 0, 0 },
		{ "TRAILER!!!", 0, 0, 0, 0 },
	};
	size_t off = 0;
	int n = 0;

	tc_cpio_add_dir(&sb, "dev");
	tc_cpio_add(&sb, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	tc_cpio_add_dir(&sb, "lib");
	tc_cpio_add(&sb, "lib/a-b.ko", S_IFREG | 0644, 0, 0, "module!", 7);
	tc_cpio_add(&sb, "x", S_IFREG | 0600, 0, 0, "y", 1);
	tc_cpio_finish(&sb);
	CHECK_INT(sb.len % 4, 0);
	while (off + 110 <= sb.len && n < 6) {
		const char *h = sb.buf + off;
		unsigned namesize = field(h, 11), size = field(h, 6);

		CHECK(!memcmp(h, "070701", 6));
		CHECK_STR(h + 110, want[n].name);
		CHECK_INT(namesize, strlen(want[n].name) + 1);
		CHECK_INT(field(h, 1), want[n].mode);
		CHECK_INT(size, want[n].size);
		CHECK_INT(field(h, 9), want[n].maj);
		CHECK_INT(field(h, 10), want[n].min);
		CHECK_INT(field(h, 2), 0);	/* root owns everything */
		off += (110 + namesize + 3) & ~3u;
		if (size == 7)
			CHECK(!memcmp(sb.buf + off, "module!", 7));
		off += (size + 3) & ~3u;
		n++;
	}
	CHECK_INT(n, 6);
	CHECK_INT(off, sb.len);
	strbuf_release(&sb);
}

static void test_cpio__add_file_reads_host_file(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct tc_error err;
	char path[] = "/tmp/test_cpio.XXXXXX";
	int fd = mkstemp(path);

	tc_error_clear(&err);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello", 5) == 5);
	close(fd);
	CHECK_INT(tc_cpio_add_file(&sb, "h", 0644, path, &err), 0);
	CHECK_INT(field(sb.buf, 6), 5);
	CHECK(!memcmp(sb.buf + 112, "hello", 5));
	unlink(path);
	CHECK_INT(tc_cpio_add_file(&sb, "h", 0644, path, &err), -1);
	CHECK_INT(err.kind, TC_ERR_ENV);
	CHECK(strstr(err.msg, "cannot read '/tmp/test_cpio.") != NULL);
	strbuf_release(&sb);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_cpio__one_file_exact_bytes),
	TAP_TEST(test_cpio__archive_reads_back),
	TAP_TEST(test_cpio__add_file_reads_host_file),
};

TAP_MAIN(tests)
