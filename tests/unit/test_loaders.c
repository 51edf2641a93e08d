/*
 * test_loaders.c: the profile and baseline readers from memory
 * (tc_profile_parse, tc_baseline_parse, the fuzzers' entry points): lines
 * as getline() cut them, the last one without its newline, CRLF, a NUL
 * byte; and the file loaders give the same as the memory ones.
 */
#include <stdlib.h>
#include <unistd.h>

#include "baseline.h"
#include "error.h"
#include "fsutil.h"
#include "profile.h"
#include "tap.h"

static void test_loaders__profile_from_memory(void)
{
	static const char text[] = "# a comment\r\n"
				   "net.ipv4.tcp_timestamps = 0  # off\r\n"
				   "\n"
				   "net/core/somaxconn=5";	/* no final newline */
	struct tc_profile *p = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	CHECK_INT(tc_profile_parse("dir/prod.sysctl", text, sizeof(text) - 1, &p, &err), 0);
	if (!p)
		return;
	CHECK_STR(p->name, "prod");
	CHECK_STR(p->file, "dir/prod.sysctl");
	CHECK_INT(p->n_sysctls, 2);
	if (p->n_sysctls == 2) {
		CHECK_STR(p->sysctls[0].key, "net.ipv4.tcp_timestamps");
		CHECK_STR(p->sysctls[0].value, "0");
		CHECK_INT(p->sysctls[0].line, 2);
		CHECK_STR(p->sysctls[1].key, "net/core/somaxconn");
		CHECK_STR(p->sysctls[1].value, "5");
		CHECK_INT(p->sysctls[1].line, 4);
		CHECK_STR(p->sysctls[1].file, "dir/prod.sysctl");
	}
	tc_profile_free(p);
}

static void test_loaders__profile_nul_byte_and_empty(void)
{
	static const char text[] = "net.ipv4.tcp_sack = 1\nnet.ipv4.tcp_\0fack = 1\n";
	struct tc_profile *p = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	CHECK_INT(tc_profile_parse("p.sysctl", text, sizeof(text) - 1, &p, &err), -1);
	CHECK(p == NULL);
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_STR(err.file ? err.file : "(null)", "p.sysctl");
	CHECK_INT(err.line, 2);
	CHECK_STR(err.msg, "NUL byte in line");

	tc_error_clear(&err);
	CHECK_INT(tc_profile_parse("e.sysctl", "", 0, &p, &err), 0);
	CHECK(p && p->n_sysctls == 0);
	tc_profile_free(p);
}

static void test_loaders__baseline_from_memory(void)
{
	static const char ok[] = "# tcpconform baseline\r\n"
				 "kernel 6.18.1\r\n"
				 "setting prod net.ipv4.tcp_rmem = 4096 131072 6291456\n"
				 "pass prod a.pkt\n"
				 "fail prod b%20c.pkt  # expected";
	static const char twice[] = "pass p a.pkt\n\nkernel 1\npass p a.pkt\n";
	static const char nul[] = "kernel 6.1\0 junk\n";
	struct tc_baseline *b = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	CHECK_INT(tc_baseline_parse("bl.txt", ok, sizeof(ok) - 1, &b, &err), 0);
	CHECK(b != NULL);
	CHECK_STR(tc_baseline_kernel(b) ? tc_baseline_kernel(b) : "(null)", "6.18.1");
	tc_baseline_free(b);

	tc_error_clear(&err);
	CHECK_INT(tc_baseline_parse("bl.txt", twice, sizeof(twice) - 1, &b, &err), -1);
	CHECK(b == NULL);
	CHECK_STR(err.file ? err.file : "(null)", "bl.txt");
	CHECK_INT(err.line, 4);
	CHECK_STR(err.msg, "'a.pkt' with profile 'p' is listed twice (also on line 1)");

	/* A NUL byte in a line is an error at that line, never cut off. */
	tc_error_clear(&err);
	CHECK_INT(tc_baseline_parse("bl.txt", nul, sizeof(nul) - 1, &b, &err), -1);
	CHECK(b == NULL);
	CHECK_INT(err.line, 1);
	CHECK_STR(err.msg, "NUL byte in line");
}

/* The file loaders read the file and hand it to the memory parsers. */
static void test_loaders__files_as_memory(void)
{
	char dir[] = "/tmp/tc-loaders-XXXXXX", path[64];
	static const char prof[] = "net.ipv4.tcp_sack = 0\nbogus\n";
	struct tc_profile *p = NULL;
	struct tc_baseline *b = NULL;
	struct tc_error err;

	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/x.sysctl", dir);
	CHECK_INT(tc_write_file(path, prof, sizeof(prof) - 1), 0);
	tc_error_clear(&err);
	CHECK_INT(tc_profile_load(path, &p, &err), -1);
	CHECK(err.file == path);
	CHECK_INT(err.line, 2);
	CHECK_STR(err.msg, "expected 'key = value', got 'bogus'");

	snprintf(path, sizeof(path), "%s/bl.txt", dir);
	CHECK_INT(tc_write_file(path, "kernel 7.0\n", 11), 0);
	tc_error_clear(&err);
	CHECK_INT(tc_baseline_load(path, &b, &err), 0);
	CHECK_STR(b && tc_baseline_kernel(b) ? tc_baseline_kernel(b) : "(null)", "7.0");
	tc_baseline_free(b);

	snprintf(path, sizeof(path), "%s/missing.txt", dir);
	tc_error_clear(&err);
	CHECK_INT(tc_baseline_load(path, &b, &err), -1);
	CHECK(strstr(err.msg, "cannot read baseline '") == err.msg);
	CHECK(strstr(err.msg, "No such file or directory") != NULL);
	tc_error_clear(&err);
	CHECK_INT(tc_profile_load(path, &p, &err), -1);
	CHECK(strstr(err.msg, "cannot read profile '") == err.msg);

	tc_rm_rf(dir);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_loaders__profile_from_memory),
	TAP_TEST(test_loaders__profile_nul_byte_and_empty),
	TAP_TEST(test_loaders__baseline_from_memory),
	TAP_TEST(test_loaders__files_as_memory),
};

TAP_MAIN(tests)
