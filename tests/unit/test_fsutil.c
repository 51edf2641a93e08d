/*
 * test_fsutil.c: outputs written safely (fsutil.h), as --kernel's host
 * side copies the guest's reports and captures and main.c writes its
 * reports: a symlink or hard link planted at an output's name is
 * replaced, its target untouched; a symlink planted where a directory
 * goes is an error; no temporary stays.  Everything happens in a
 * directory of the test's own (mkdtemp), removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "strbuf.h"
#include "tap.h"

static char top[] = "/tmp/tc-test-fsutil-XXXXXX";

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", top, rel);
	return buf[k];
}

static void put(const char *rel, const char *text)
{
	CHECK(tc_write_file(at(rel), text, strlen(text)) == 0);
}

/* The file's contents, "" if unreadable. */
static const char *get(const char *rel)
{
	static struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb);
	tc_read_file(at(rel), &sb);
	return sb.buf;
}

/* A regular file with one link, not a symlink. */
static int own_file(const char *rel)
{
	struct stat st;

	return lstat(at(rel), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
}

static int temporaries(const char *rel)
{
	DIR *d = opendir(at(rel));
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, ".tcpconform-", 12);
	if (d)
		closedir(d);
	return n;
}

static void test_fsutil__replace_file_replaces_planted_links(void)
{
	put("victim1", "secret 1");
	put("victim2", "secret 2");
	CHECK(symlink(at("victim1"), at("out1")) == 0);
	CHECK(link(at("victim2"), at("out2")) == 0);
	CHECK(tc_replace_file(at("out1"), "new 1", 5) == 0);
	CHECK(tc_replace_file(at("out2"), "new 2", 5) == 0);
	CHECK_STR(get("victim1"), "secret 1");
	CHECK_STR(get("victim2"), "secret 2");
	CHECK_STR(get("out1"), "new 1");
	CHECK_STR(get("out2"), "new 2");
	CHECK(own_file("out1") && own_file("out2"));
	CHECK_INT(temporaries("."), 0);
}

static void test_fsutil__outfile_commit_and_abort(void)
{
	struct tc_outfile of = TC_OUTFILE_INIT;

	/* A link in a directory anyone may write may have been planted:
	 * replaced, never written through. */
	CHECK(mkdir(at("shared"), 0777) == 0 && chmod(at("shared"), 0777) == 0);
	put("victim3", "secret 3");
	CHECK(symlink(at("victim3"), at("shared/report")) == 0);
	CHECK(tc_outfile_open(&of, at("shared/report")) == 0);
	fputs("{}\n", of.f);
	CHECK(tc_outfile_commit(&of) == 0);
	CHECK_STR(get("victim3"), "secret 3");
	CHECK_STR(get("shared/report"), "{}\n");
	CHECK(own_file("shared/report"));
	/* Abort leaves the old file; a directory is refused at once. */
	CHECK(tc_outfile_open(&of, at("shared/report")) == 0);
	fputs("half", of.f);
	tc_outfile_abort(&of);
	CHECK_STR(get("shared/report"), "{}\n");
	CHECK(tc_outfile_open(&of, top) < 0 && errno == EISDIR);
	CHECK_INT(temporaries("shared"), 0);
}

static void test_fsutil__outfile_writes_through_own_link_and_fifo(void)
{
	struct tc_outfile of = TC_OUTFILE_INIT;
	struct stat st;
	char buf[16] = "";
	int rfd;

	/* In a directory only the user may write, a symlink or a FIFO is
	 * where the user means the report to go (/dev/stdout, >(...)). */
	CHECK(mkdir(at("mine"), 0755) == 0);
	put("target", "old");
	CHECK(symlink(at("target"), at("mine/r.json")) == 0);
	CHECK(tc_outfile_open(&of, at("mine/r.json")) == 0);
	fputs("{}\n", of.f);
	CHECK(tc_outfile_commit(&of) == 0);
	CHECK_STR(get("target"), "{}\n");
	CHECK(lstat(at("mine/r.json"), &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(mkfifo(at("mine/f"), 0644) == 0);
	rfd = open(at("mine/f"), O_RDONLY | O_NONBLOCK);
	CHECK(rfd >= 0);
	CHECK(tc_outfile_open(&of, at("mine/f")) == 0);
	fputs("x\n", of.f);
	CHECK(tc_outfile_commit(&of) == 0);
	CHECK(read(rfd, buf, sizeof(buf) - 1) == 2);
	CHECK_STR(buf, "x\n");
	CHECK(lstat(at("mine/f"), &st) == 0 && S_ISFIFO(st.st_mode));
	if (rfd >= 0)
		close(rfd);
	CHECK_INT(temporaries("mine"), 0);
}

static void test_fsutil__copy_tree_never_follows_below_dst(void)
{
	/* The guest's output: src/p/x.pcap, src/q/y.pcap. */
	CHECK(mkdir(at("src"), 0755) == 0 && mkdir(at("src/p"), 0755) == 0 &&
	      mkdir(at("src/q"), 0755) == 0);
	put("src/p/x.pcap", "capture x");
	put("src/q/y.pcap", "capture y");
	/* The host's DIR, with plants: a symlink at dst/p/x.pcap, a symlink
	 * where dst/q goes. */
	CHECK(mkdir(at("victimdir"), 0755) == 0);
	put("victim4", "secret 4");
	CHECK(mkdir(at("dst"), 0755) == 0 && mkdir(at("dst/p"), 0755) == 0);
	CHECK(symlink(at("victim4"), at("dst/p/x.pcap")) == 0);
	CHECK(symlink(at("victimdir"), at("dst/q")) == 0);
	/* dst itself is the user's choice: reached through a symlink. */
	CHECK(symlink(at("dst"), at("dstlink")) == 0);
	CHECK(tc_copy_tree(at("src"), at("dstlink")) < 0);
	CHECK_STR(get("victim4"), "secret 4");
	CHECK_STR(get("dst/p/x.pcap"), "capture x");
	CHECK(own_file("dst/p/x.pcap"));
	CHECK(access(at("victimdir/y.pcap"), F_OK) < 0);
	CHECK_INT(temporaries("dst/p"), 0);
}

static void test_fsutil__subdir_open_makes_each_component(void)
{
	int d = tc_dir_open(at("pc"), true), s;

	CHECK(d >= 0);
	s = tc_subdir_open(d, "prof/ipv6");
	CHECK(s >= 0);
	CHECK(access(at("pc/prof/ipv6"), F_OK) == 0);
	if (s >= 0)
		close(s);
	CHECK(symlink(at("victimdir"), at("pc/bad")) == 0);
	CHECK(tc_subdir_open(d, "bad") < 0 && (errno == ELOOP || errno == ENOTDIR));
	CHECK(tc_subdir_open(d, "../x") < 0 && errno == EINVAL);
	if (d >= 0)
		close(d);
}

/* PSI's "some" total from its first line only; anything else is not PSI. */
static void test_fsutil__psi_some_total(void)
{
	unsigned long long t = 7;
	char buf[8];

	put("psi", "some avg10=1.00 avg60=0.50 avg300=0.10 total=123456\n"
		   "full avg10=0.00 avg60=0.00 avg300=0.00 total=999\n");
	CHECK(tc_psi_some_total(at("psi"), &t));
	CHECK_INT(t, 123456);
	put("full-only", "full avg10=0.00 avg60=0.00 avg300=0.00 total=999\n");
	CHECK(!tc_psi_some_total(at("full-only"), &t));
	put("no-total", "some avg10=1.00\nfull avg10=0.00 total=5\n");
	CHECK(!tc_psi_some_total(at("no-total"), &t));
	CHECK(!tc_psi_some_total(at("missing"), &t));
	CHECK_INT(t, 123456);
	/* The head of a file: size - 1 bytes and a NUL. */
	CHECK_INT(tc_read_head(at("psi"), buf, sizeof(buf)), 7);
	CHECK_STR(buf, "some av");
	CHECK_INT(tc_read_head(at("missing"), buf, sizeof(buf)), -1);
}

int main(void)
{
	static const struct tap_test tests[] = {
		TAP_TEST(test_fsutil__replace_file_replaces_planted_links),
		TAP_TEST(test_fsutil__outfile_commit_and_abort),
		TAP_TEST(test_fsutil__outfile_writes_through_own_link_and_fifo),
		TAP_TEST(test_fsutil__copy_tree_never_follows_below_dst),
		TAP_TEST(test_fsutil__subdir_open_makes_each_component),
		TAP_TEST(test_fsutil__psi_some_total),
	};
	return tap_main_in_dir(tests, sizeof(tests) / sizeof(tests[0]), top, tc_rm_rf);
}
