/* test_requires: // Requires: lines, read from a script and judged against
 * a sysctl's contents as /proc/sys shows them. */
#include <string.h>

#include "error.h"
#include "load.h"
#include "script.h"
#include "tap.h"

static struct tc_script *parse(const char *text)
{
	struct tc_script *s = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	if (tc_script_parse("t.pkt", text, strlen(text), NULL, 0, &s, &err) < 0)
		return NULL;
	return s;
}

static void test_requires__equal_compares_fields(void)
{
	struct tc_script *s = parse(
		"// Requires: net.ipv4.tcp_rmem = 4096 131072 33554432\n"
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(s->n_requires, 1);
	CHECK_STR(s->requires[0].key, "net.ipv4.tcp_rmem");
	CHECK_INT(s->requires[0].line, 1);
	/* /proc/sys separates the fields with tabs. */
	CHECK(tc_require_holds(&s->requires[0], "4096\t131072\t33554432"));
	CHECK(tc_require_holds(&s->requires[0], "4096 131072 33554432\n"));
	CHECK(!tc_require_holds(&s->requires[0], "4096\t131072\t6291456"));
	CHECK(!tc_require_holds(&s->requires[0], "4096\t131072"));
	CHECK(!tc_require_holds(&s->requires[0], "4096\t131072\t33554432\t1"));
	tc_script_free(s);
}

static void test_requires__each_operator(void)
{
	struct tc_script *s = parse(
		"// Requires: net.ipv4.tcp_syncookies != 2\n"
		"// Requires: net.ipv4.tcp_syn_retries < 7\n"
		"// Requires: net.ipv4.tcp_syn_retries <= 7\n"
		"// Requires: net.ipv4.tcp_syn_retries > 3\n"
		"// Requires: net.ipv4.tcp_syn_retries >= 3\n"
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(s->n_requires, 5);
	CHECK(tc_require_holds(&s->requires[0], "1"));
	CHECK(!tc_require_holds(&s->requires[0], "2"));
	CHECK(tc_require_holds(&s->requires[1], "6"));
	CHECK(!tc_require_holds(&s->requires[1], "7"));
	CHECK(tc_require_holds(&s->requires[2], "7"));
	CHECK(!tc_require_holds(&s->requires[2], "8"));
	CHECK(tc_require_holds(&s->requires[3], "4"));
	CHECK(!tc_require_holds(&s->requires[3], "3"));
	CHECK(tc_require_holds(&s->requires[4], "3"));
	CHECK(!tc_require_holds(&s->requires[4], "2"));
	/* Not a number: an ordering never holds. */
	CHECK(!tc_require_holds(&s->requires[4], "4096\t131072"));
	CHECK(!tc_require_holds(&s->requires[4], ""));
	tc_script_free(s);
}

static void test_requires__malformed_is_a_script_error(void)
{
	const char *text = "// Behaviour: x\n// Requires: net.ipv4.tcp_sack >= yes\n"
			   "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
	struct tc_script *s = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	CHECK_INT(tc_script_parse("t.pkt", text, strlen(text), NULL, 0, &s, &err), -1);
	CHECK(s == NULL);
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_STR(err.file, "t.pkt");
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 35);
	CHECK_STR(err.msg, "'>=' compares integers: expected one integer");
}

static const struct tap_test tests[] = {
	TAP_TEST(test_requires__equal_compares_fields),
	TAP_TEST(test_requires__each_operator),
	TAP_TEST(test_requires__malformed_is_a_script_error),
};

TAP_MAIN(tests)
