/*
 * test_vmjob.c: the host-to-init job: exact record bytes, a round trip
 * with awkward arguments (spaces, newlines, '='), malformed jobs.
 */
#include "error.h"
#include "strbuf.h"
#include "tap.h"
#include "vm/vmjob.h"

/* The job's fields are not const (parse fills them); these are never written. */
#define S(x) ((char *)(x))

static void test_vmjob__format_exact(void)
{
	struct tc_vmjob j = { .exe = S("/t"), .cwd = S("/w"), .accel = S("tcg"), .argc = 2,
			      .argv = { S("t"), S("a=b") }, .n_outs = 1,
			      .outs = { { 'd', S("/p") } } };
	struct strbuf sb = STRBUF_INIT;
	static const char want[] = "exe=/t\0cwd=/w\0arg=t\0arg=a=b\0accel=tcg\0out-dir=/p";

	tc_vmjob_format(&j, &sb);
	CHECK_INT(sb.len, sizeof(want));
	CHECK(!memcmp(sb.buf, want, sizeof(want)));
	strbuf_release(&sb);
}

static void test_vmjob__round_trip(void)
{
	struct tc_vmjob j = { .exe = S("/usr/bin/tcpconform"), .cwd = S("/tmp/a b"),
			      .modules = S("/m/lib/modules/6.1"), .accel = S("kvm"), .argc = 4,
			      .argv = { S("tcpconform"), S("--json"), S("r\n.json"), S("") }, .n_outs = 2,
			      .outs = { { 'f', S("/tmp/a b/r\n.json") }, { 'd', S("/x") } } };
	struct tc_vmjob k;
	struct tc_error err;
	struct strbuf sb = STRBUF_INIT;

	tc_error_clear(&err);
	tc_vmjob_format(&j, &sb);
	CHECK_INT(tc_vmjob_parse(sb.buf, sb.len, &k, &err), 0);
	CHECK_STR(k.exe, j.exe);
	CHECK_STR(k.cwd, j.cwd);
	CHECK_STR(k.modules, j.modules);
	CHECK_STR(k.accel, j.accel);
	CHECK_INT(k.argc, 4);
	for (int i = 0; i < 4 && i < k.argc; i++)
		CHECK_STR(k.argv[i], j.argv[i]);
	CHECK(k.argv[4] == NULL);
	CHECK_INT(k.n_outs, 2);
	CHECK_INT(k.outs[0].kind, 'f');
	CHECK_STR(k.outs[0].path, "/tmp/a b/r\n.json");
	CHECK_INT(k.outs[1].kind, 'd');
	tc_vmjob_release(&k);
	strbuf_release(&sb);
}

static void test_vmjob__malformed(void)
{
	struct tc_vmjob k;
	struct tc_error err;

	tc_error_clear(&err);
	CHECK_INT(tc_vmjob_parse("exe=/t", 6, &k, &err), -1);
	CHECK_STR(err.msg, "malformed job: unterminated record");
	CHECK_INT(tc_vmjob_parse("exe=/t\0what\0", 12, &k, &err), -1);
	CHECK_STR(err.msg, "malformed job record 'what'");
	CHECK_INT(tc_vmjob_parse("exe=/t\0colour=red\0", 18, &k, &err), -1);
	CHECK_STR(err.msg, "malformed job: unknown key 'colour'");
	CHECK_INT(tc_vmjob_parse("exe=/t\0", 7, &k, &err), -1);
	CHECK_STR(err.msg, "malformed job: no exe, cwd or arg");
	CHECK_INT(err.kind, TC_ERR_ENV);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_vmjob__format_exact),
	TAP_TEST(test_vmjob__round_trip),
	TAP_TEST(test_vmjob__malformed),
};

TAP_MAIN(tests)
