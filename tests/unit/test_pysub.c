/*
 * test_pysub.c: the Python subset that %{ }% blocks are evaluated in
 * without python3.  Each program either runs to its end, printing exactly
 * what python3 prints, or defers; and where python3 is installed, every
 * program and thousands of generated expressions the subset runs are run
 * by python3 too, whose output must be the same byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pysub.h"
#include "strbuf.h"
#include "tap.h"

struct prog {
	const char *src;
	const char *out;	/* what it prints; NULL: it defers */
	const char *why;	/* deferring: a part of the reason */
};

/* Programs the subset runs, with python3's output. */
static const struct prog runs[] = {
	{ "", "", NULL },
	{ "\n\n# a comment\n   \n\t# indented comment\n", "", NULL },
	{ "x = 1\nprint(x)\n", "1\n", NULL },
	{ "x = 1\nprint(x)", "1\n", NULL },
	{ "print()\nprint(1, 2,)\nprint('a', \"b\", '')", "\n1 2\na b \n", NULL },
	{ "a = 5; b = 7;\nprint(a + b * 2, (a + b) * 2, a - b - 1)", "19 24 -3\n", NULL },
	{ "print(7 // 2, -7 // 2, 7 // -2, -7 // -2)", "3 -4 -4 3\n", NULL },
	{ "print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 0 % 5)", "1 2 -2 -1 0\n", NULL },
	{ "print(1 << 64, (1 << 64) >> 63, -1 >> 5, -8 >> 1, 5 >> 200, -5 >> 200)",
	  "18446744073709551616 2 -1 -4 0 -1\n", NULL },
	{ "print(6 & 3, 6 | 3, 6 ^ 3, ~6, -~6, ~-6, - - 1, + -2, --1)",
	  "2 7 5 -7 7 5 1 -2 1\n", NULL },
	{ "print(1 | 2 ^ 3 & 4 << 1 + 2 * 3)", "3\n", NULL },
	{ "print(True, False, True + True, True & False, True | 0, True ^ True)",
	  "True False 2 False 1 False\n", NULL },
	{ "print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 == 2, 1 != 1, 2 >= 2 <= 2)",
	  "True False True False True\n", NULL },
	{ "print(0 or 5, 3 or 5, 0 and 5, 3 and 5, not 0, not 7, 0 or '')",
	  "5 3 0 5 True False \n", NULL },
	{ "print(not 1 == 2, not not 3, 1 and 2 or 3, 0 and 2 or 3)",
	  "True True 2 3\n", NULL },
	{ "print(0x7fffffff, 0X10, 0o17, 0b101, 0, 00, 0x0)",
	  "2147483647 16 15 5 0 0 0\n", NULL },
	{ "print(4294967295 * 18446744073709551615, -(1 << 126) - (1 << 126) + 1)",
	  "79228162495817593515539431425 -170141183460469231731687303715884105727\n", NULL },
	/* Short circuits: what Python never evaluates cannot fail. */
	{ "print(0 and 1 // 0, 1 or undefined_name, 1 > 2 > 1 // 0)", "0 1 False\n", NULL },
	{ "assert 1, undefined + 'text' % (2)\n", "", NULL },
	{ "assert 5000 <= 9000 <= 20000, 'srtt=%d us' % 9000", "", NULL },
	{ "cwnd = 10\ncwnd += 10\ncwnd -= 1; cwnd *= 3; cwnd //= 2; cwnd %= 7\n"
	  "print(cwnd)\ncwnd <<= 4; cwnd >>= 1; cwnd |= 1; cwnd &= 0xff; cwnd ^= 2\nprint(cwnd)",
	  "0\n3\n", NULL },
	{ "x = (1 +\n  2\n# inside\n      + 3)\nprint(x)", "6\n", NULL },
	{ "pass; pass\nx = 3\nx\nTrue\nnot x", "", NULL },
	{ "print = 1", "", NULL },
	{ "_line = 12\ntcpi_state = 1\nTCP_ESTABLISHED = 1\n"
	  "assert tcpi_state == TCP_ESTABLISHED, tcpi_state\n", "", NULL },
};

/* Programs it leaves to python3, with a part of the reason. */
static const struct prog defers[] = {
	{ "assert 1 == 2, 'no'", NULL, "an assertion that fails" },
	{ "_line = 42\nassert 0", NULL, "line 42: an assertion that fails" },
	{ "x = 1\n  y = 2", NULL, "code line 2: an indented line" },
	{ "import os", NULL, "'import'" },
	{ "if 1: pass", NULL, "'if'" },
	{ "x = None", NULL, "'None'" },
	{ "print(undefined)", NULL, "'undefined', not bound here" },
	{ "assert (tcpi_options & 32) != 0, tcpi_options", NULL, "'tcpi_options', not bound" },
	{ "print(len('a'))", NULL, "a call of 'len'" },
	{ "x = 1 / 2", NULL, "this character" },
	{ "x = 2 ** 3", NULL, "the power operator" },
	{ "x = 1.5", NULL, "a number of this form" },
	{ "x = 1e3", NULL, "a number of this form" },
	{ "x = 1_000", NULL, "a number of this form" },
	{ "x = 010", NULL, "leading zeros" },
	{ "x = 1j", NULL, "a number of this form" },
	{ "x = 0x", NULL, "this number" },
	{ "x = 1 // 0", NULL, "division by zero" },
	{ "x = 1 % 0", NULL, "division by zero" },
	{ "x = 1 << -1", NULL, "negative shift" },
	{ "x = 1 << 127", NULL, "beyond 127 bits" },
	{ "x = (1 << 120) * (1 << 10)", NULL, "beyond 127 bits" },
	{ "x = 'a' + 'b'", NULL, "a string in arithmetic" },
	{ "x = 'a' == 'a'", NULL, "a string in arithmetic" },
	{ "x = 'a\\n'", NULL, "escapes" },
	{ "x = '''a'''", NULL, "triple-quoted" },
	{ "x = r'a'", NULL, "a prefixed string" },
	{ "x = f'{1}'", NULL, "a prefixed string" },
	{ "x = 'a", NULL, "unterminated" },
	{ "x = (1, 2)", NULL, "a tuple" },
	{ "x = ()", NULL, "a tuple" },
	{ "x = (1", NULL, "an unclosed parenthesis" },
	{ "x = 1)", NULL, "')' here" },
	{ "y = 0\nx = y = 1", NULL, "'=' here" },
	{ "x += 1", NULL, "'x', not bound here" },
	{ "True = 1", NULL, "an assignment to 'True'" },
	{ "__debug__ = 1", NULL, "an assignment to '__debug__'" },
	{ "x = 1 if 1 else 2", NULL, "'if'" },
	{ "x = 1 in 2", NULL, "'in'" },
	{ "x = 1 is 1", NULL, "'is'" },
	{ "x = 1 not in 2", NULL, "'not'" },
	{ "x = ~True", NULL, "~ on a bool" },
	{ "x = 1 +", NULL, "ends early" },
	{ "x = 1;;", NULL, "';' here" },
	{ ";", NULL, "';' here" },
	{ "x = 1 \\\n + 2", NULL, "this character" },
	{ "x = 1\r\n", NULL, "this character" },
	{ "x = a.b", NULL, "this character" },
	{ "x = [1]", NULL, "this character" },
	{ "x := 1", NULL, "this character" },
	{ "print = 1\nprint(2)", NULL, "print bound to something else" },
	{ "end = 1\nprint(1, end='')", NULL, "'=' here" },
	{ "print(1)(2)", NULL, "'(' here" },
	{ "print(1) + 1", NULL, "'+' here" },
	{ "print('\xc3\xa9')", NULL, "special characters" },
	{ "x = 1 2", NULL, "'2' here" },
	{ "x = 'a' 'b'", NULL, "''b'' here" },
	{ "x = ((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))"
	  ")))))))))))))))))))))))))))))))))", NULL, "nesting deeper than 50" },
};

static const char *run(const char *src, int *rc, char *why, size_t whylen)
{
	static struct strbuf out = STRBUF_INIT;

	*rc = tc_py_run(src, strlen(src), &out, why, whylen);
	return out.len ? out.buf : "";
}

static void test_pysub__runs(void)
{
	for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
		char why[160];
		int rc;
		const char *out = run(runs[k].src, &rc, why, sizeof(why));

		if (!runs[k].out) {
			CHECK_INT(rc, -1);
			if (!strstr(why, runs[k].why))
				printf("# %s: why '%s'\n", runs[k].src, why);
			CHECK(strstr(why, runs[k].why) != NULL);
			continue;
		}
		if (rc != 0)
			printf("# %s: deferred: %s\n", runs[k].src, why);
		CHECK_INT(rc, 0);
		CHECK_STR(out, runs[k].out);
	}
}

static void test_pysub__defers(void)
{
	for (size_t k = 0; k < sizeof(defers) / sizeof(defers[0]); k++) {
		char why[160];
		int rc;
		const char *out = run(defers[k].src, &rc, why, sizeof(why));

		CHECK_INT(rc, -1);
		CHECK_STR(out, "");
		if (!strstr(why, defers[k].why))
			printf("# '%s': expected a reason with '%s', got '%s'\n",
			       defers[k].src, defers[k].why, why);
		CHECK(strstr(why, defers[k].why) != NULL);
	}
}

/* A program that printed before deferring prints nothing: python3 will
 * print it all again. */
static void test_pysub__defer_discards_output(void)
{
	char why[160];
	int rc;
	const char *out = run("print(1)\nprint(2)\nassert 0\n", &rc, why, sizeof(why));

	CHECK_INT(rc, -1);
	CHECK_STR(out, "");
	CHECK(strstr(why, "code line 3: an assertion that fails") != NULL);
}

/* A NUL byte anywhere: python3 refuses the file. */
static void test_pysub__nul_byte(void)
{
	struct strbuf out = STRBUF_INIT;
	char why[160];

	CHECK_INT(tc_py_run("x = 1\n\0", 7, &out, why, sizeof(why)), -1);
	CHECK(strstr(why, "a NUL byte") != NULL);
	strbuf_release(&out);
}

/* ---- against python3 ------------------------------------------------- */

static const char *python3(void)
{
	static const char *const tries[] = { "/usr/bin/python3", "/usr/local/bin/python3", NULL };

	for (int k = 0; tries[k]; k++)
		if (access(tries[k], X_OK) == 0)
			return tries[k];
	return NULL;
}

/* python3's stdout for src, and its exit status (-1: not run). */
static int python_out(const char *py, const char *src, struct strbuf *out)
{
	char path[] = "/tmp/test_pysub.XXXXXX";
	int fd = mkstemp(path), pfd[2], status = -1;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	strbuf_reset(out);
	if (fd < 0)
		return -1;
	if (write(fd, src, strlen(src)) != (ssize_t)strlen(src) || pipe(pfd) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(py, py, "-W", "error", path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	unlink(path);
	return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every program the subset runs, run by python3 with warnings as errors:
 * it exits 0 with the same output. */
static void test_pysub__runs_as_python3(void)
{
	const char *py = python3();
	struct strbuf out = STRBUF_INIT;

	if (!py) {
		printf("# no python3: not compared\n");
		return;
	}
	for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
		int rc;
		char why[160];
		const char *ours;

		if (!runs[k].out)
			continue;
		ours = run(runs[k].src, &rc, why, sizeof(why));
		CHECK_INT(python_out(py, runs[k].src, &out), 0);
		CHECK_STR(out.len ? out.buf : "", ours);
	}
	strbuf_release(&out);
}

/* A small deterministic generator (an LCG), so a failure reruns. */
static uint64_t seed = 0x5eed;

static unsigned pick(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((seed >> 33) % n);
}

/*
 * An expression whose loosest operator binds at least as tightly as
 * level (0: or, 1: and, 2: not, 3: comparisons, 4: |, 5: ^, 6: &,
 * 7: shifts, 8: + -, 9: * // %, 10: unary - + ~, 11: an operand), with
 * the operators and operands the subset reads; parentheses now and then.
 */
static void gen(struct strbuf *sb, int level, int depth)
{
	static const char *const atoms[] = {
		"0", "1", "2", "3", "7", "10", "255", "0x7fffffff", "0o17", "0b110",
		"4294967295", "18446744073709551615", "True", "False", "a", "b", "c",
	};
	static const char *const binops[][3] = {
		{ " or " }, { " and " }, { NULL }, { " < ", " == ", " >= " },
		{ " | " }, { " ^ " }, { " & " }, { " << ", " >> " }, { " + ", " - " },
		{ " * ", " // ", " % " },
	};
	static const char *const unary[] = { "-", "+", "~" };
	int l = depth > 3 ? 11 : level + (int)pick(12 - level);

	if (l == 11) {
		if (depth <= 3 && !pick(4)) {
			strbuf_addch(sb, '(');
			gen(sb, 0, depth + 1);
			strbuf_addch(sb, ')');
		} else {
			strbuf_addstr(sb, atoms[pick(sizeof(atoms) / sizeof(atoms[0]))]);
		}
	} else if (l == 2 || l == 10) {
		strbuf_addstr(sb, l == 2 ? "not " : unary[pick(3)]);
		gen(sb, l, depth + 1);
	} else {
		int k = 0;

		while (k < 3 && binops[l][k])
			k++;
		gen(sb, l + 1, depth + 1);
		for (int n = 1 + (int)pick(2); n > 0; n--) {
			strbuf_addstr(sb, binops[l][pick(k)]);
			gen(sb, l + 1, depth + 1);
		}
	}
}

/* Generated expressions: each one the subset prints, python3 prints the
 * same; the ones it defers on are left out. */
static void test_pysub__generated_as_python3(void)
{
	static const char vars[] = "a = 5\nb = -3\nc = 1 << 64\n";
	const char *py = python3();
	struct strbuf prog = STRBUF_INIT, expect = STRBUF_INIT, one = STRBUF_INIT,
		      ours = STRBUF_INIT, out = STRBUF_INIT;
	int ran = 0, deferred = 0;

	if (!py) {
		printf("# no python3: not compared\n");
		return;
	}
	strbuf_addstr(&prog, vars);
	for (int k = 0; k < 3000; k++) {
		char why[160];

		strbuf_reset(&one);
		strbuf_addf(&one, "%sprint(", vars);
		gen(&one, 0, 0);
		strbuf_addstr(&one, ")\n");
		if (tc_py_run(one.buf, one.len, &ours, why, sizeof(why)) < 0) {
			deferred++;
			continue;
		}
		strbuf_add(&prog, one.buf + strlen(vars), one.len - strlen(vars));
		strbuf_add(&expect, ours.buf, ours.len);
		ran++;
	}
	printf("# %d generated expressions run, %d deferred\n", ran, deferred);
	CHECK(ran > 1000);
	CHECK_INT(python_out(py, prog.buf, &out), 0);
	if (strcmp(out.len ? out.buf : "", expect.len ? expect.buf : "")) {
		/* The first line that differs, with its expression. */
		const char *a = out.buf ? out.buf : "", *b = expect.buf ? expect.buf : "";
		const char *p = prog.buf + strlen(vars);

		while (*a && *a == *b) {
			if (*a == '\n')
				p = strchr(p, '\n') + 1;
			a++;
			b++;
		}
		printf("# differs at: %.*s\n", (int)strcspn(p, "\n"), p);
		CHECK(0);
	}
	strbuf_release(&prog);
	strbuf_release(&expect);
	strbuf_release(&one);
	strbuf_release(&ours);
	strbuf_release(&out);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_pysub__runs),
	TAP_TEST(test_pysub__defers),
	TAP_TEST(test_pysub__defer_discards_output),
	TAP_TEST(test_pysub__nul_byte),
	TAP_TEST(test_pysub__runs_as_python3),
	TAP_TEST(test_pysub__generated_as_python3),
};

TAP_MAIN(tests)
