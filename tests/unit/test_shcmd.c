/* test_shcmd.c: the recognizer of commands applied without a shell. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "shcmd.h"
#include "strbuf.h"
#include "tap.h"

static char top[] = "/tmp/test_shcmd.XXXXXX";

/* The plan as text: one line per action ("FILE:LINE: [word] ..."), then
 * "rest N" and the reason when some of the text is left to the shell. */
static char *plan_of(const char *text)
{
	struct tc_sh_plan plan;
	struct strbuf sb = STRBUF_INIT;

	tc_sh_parse(text, &plan);
	for (int i = 0; i < plan.n; i++) {
		const struct tc_sh_action *a = &plan.actions[i];

		strbuf_addf(&sb, "%s:%d: ", a->file ? "file" : "text", a->line);
		tc_sh_action_format(a, &sb);
		if (a->kind == TC_SH_SYSCTL) {
			strbuf_addstr(&sb, a->quiet ? " quiet" : "");
			for (int k = 0; k < a->n_settings; k++)
				strbuf_addf(&sb, " {%s}={%s}", a->keys[k], a->values[k]);
		} else if (a->kind == TC_SH_QDISC) {
			strbuf_addf(&sb, " qdisc %s %s %s", a->replace ? "replace" : "add",
				    a->dev, a->qdisc);
			if (a->has_limit)
				strbuf_addf(&sb, " limit %u", a->limit);
		} else {
			strbuf_addstr(&sb, " flush");
		}
		strbuf_addch(&sb, '\n');
	}
	if (plan.rest != strlen(text))
		strbuf_addf(&sb, "rest %zu: %s\n", plan.rest, plan.why);
	tc_sh_plan_release(&plan);
	return strbuf_detach(&sb);
}

#define CHECK_PLAN(text, want) do { \
	char *got_ = plan_of(text); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

/* Refused from its first line: nothing applied, the reason given. */
#define CHECK_REFUSED(text, why) CHECK_PLAN(text, "rest 0: line 1: " why "\n")

static void test_shcmd__defaults_like_text(void)
{
	CHECK_PLAN("# Flush old cached data.\n"
		   "ip tcp_metrics flush all > /dev/null 2>&1\n"
		   "\n"
		   "  sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"\n"
		   "sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1   # two\n"
		   "sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1\n"
		   "sysctl -w -q net.ipv4.tcp_fastopen=0x70403; sysctl --quiet a.b=1\n"
		   "tc qdisc add dev tun0 root pfifo\n",
		   "text:2: [ip] [tcp_metrics] [flush] [all] 1>null 2>null flush\n"
		   "text:4: [sysctl] [-q] [net.ipv4.tcp_rmem=4096 540000 15728640] quiet"
		   " {net.ipv4.tcp_rmem}={4096 540000 15728640}\n"
		   "text:5: [sysctl] [-q] [net.ipv4.tcp_early_retrans=4] [net.ipv4.tcp_recovery=1] quiet"
		   " {net.ipv4.tcp_early_retrans}={4} {net.ipv4.tcp_recovery}={1}\n"
		   "text:6: [sysctl] [-q] [net.ipv4.tcp_notsent_lowat=4294967295] 1>null 2>null quiet"
		   " {net.ipv4.tcp_notsent_lowat}={4294967295}\n"
		   "text:7: [sysctl] [-w] [-q] [net.ipv4.tcp_fastopen=0x70403] quiet"
		   " {net.ipv4.tcp_fastopen}={0x70403}\n"
		   "text:7: [sysctl] [--quiet] [a.b=1] quiet {a.b}={1}\n"
		   "text:8: [tc] [qdisc] [add] [dev] [tun0] [root] [pfifo] qdisc add tun0 pfifo\n");
}

static void test_shcmd__arithmetic(void)
{
	CHECK_PLAN("sysctl -q a.b=$((1+2*3)) c.d=\"$(( (1 + 2) * 3 ))\" e.f=$((-7/2)),$((-7%3))"
		   " g.h=$((10-2-3))x$((+4))\n",
		   "text:1: [sysctl] [-q] [a.b=7] [c.d=9] [e.f=-3,-1] [g.h=5x4] quiet"
		   " {a.b}={7} {c.d}={9} {e.f}={-3,-1} {g.h}={5x4}\n");
	CHECK_PLAN("sysctl -q a.b=$((9223372036854775807))\n",
		   "text:1: [sysctl] [-q] [a.b=9223372036854775807] quiet {a.b}={9223372036854775807}\n");
	CHECK_REFUSED("sysctl -q a.b=$((9223372036854775807+1))", "$((...)) overflows");
	CHECK_REFUSED("sysctl -q a.b=$((010))", "$((...)) has a number that is not plain decimal");
	CHECK_REFUSED("sysctl -q a.b=$((0x10))",
		      "$((...)) holds something other than numbers and + - * / % ( )");
	CHECK_REFUSED("sysctl -q a.b=$((1/0))", "$((...)) divides by zero");
	CHECK_REFUSED("sysctl -q a.b=$((1%0))", "$((...)) divides by zero");
	CHECK_REFUSED("sysctl -q a.b=$((X))",
		      "$((...)) holds something other than numbers and + - * / % ( )");
	CHECK_REFUSED("sysctl -q a.b=$((1--1))", "$((...)) has '--'");
	CHECK_REFUSED("sysctl -q a.b=$((--1))", "$((...)) has '--'");
	CHECK_REFUSED("sysctl -q a.b=$((1<<2))",
		      "$((...)) holds something other than numbers and + - * / % ( )");
	CHECK_REFUSED("sysctl -q a.b=$(((1+2))", "unbalanced parentheses in $((...))");
	CHECK_REFUSED("sysctl -q a.b=$((1+2", "unterminated $((...))");
	CHECK_REFUSED("sysctl -q a.b=$((1 2))", "$((...)) is not one expression");
	CHECK_REFUSED("sysctl -q a.b=$(())",
		      "$((...)) holds something other than numbers and + - * / % ( )");
}

static void test_shcmd__quoting(void)
{
	CHECK_PLAN("sysctl -q 'a.b=x y' \"c.d\"=\"1  2\" e.f=a\"b\"'c'd\n",
		   "text:1: [sysctl] [-q] [a.b=x y] [c.d=1  2] [e.f=abcd] quiet"
		   " {a.b}={x y} {c.d}={1  2} {e.f}={abcd}\n");
	CHECK_REFUSED("sysctl -q a.b=\"$X\"", "'$' in a double-quoted string");
	CHECK_REFUSED("sysctl -q a.b=\"`id`\"", "'`' in a double-quoted string");
	CHECK_REFUSED("sysctl -q a.b=\"\\\\\"", "'\\' in a double-quoted string");
	CHECK_REFUSED("sysctl -q a.b='x", "unterminated quote");
	CHECK_REFUSED("sysctl -q a.b='x\ny'",
		      "a quoted string spans lines or holds a control character");
	/* procps strips blanks around a value: not stood in for. */
	CHECK_REFUSED("sysctl -q 'a.b= 1'",
		      "sysctl value of 'a.b' is empty, long or has blanks around it");
	CHECK_REFUSED("sysctl -q a.b=", "sysctl value of 'a.b' is empty, long or has blanks around it");
}

static void test_shcmd__refused_syntax(void)
{
	CHECK_REFUSED("sysctl -q a.b=$X", "'$' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=${X}", "'$' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=$(echo 1)", "'$' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=`echo 1`", "'`' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=1 | cat", "'|' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=1 && true", "'&' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=1 &> /dev/null", "'&' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=*", "'*' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=[1]", "'[' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=~", "'~' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b={1,2}", "'{' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=\\1", "'\\' is shell syntax that is not applied directly");
	CHECK_REFUSED("(sysctl -q a.b=1)", "'(' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=1 >> /dev/null",
		      "a redirection other than >/dev/null, 2>&1 or >&2");
	CHECK_REFUSED("sysctl -q a.b=1 > /tmp/x", "a redirection other than >/dev/null, 2>&1 or >&2");
	CHECK_REFUSED("sysctl -q a.b=1 < /dev/null", "'<' is shell syntax that is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=1 3>/dev/null", "a redirection of a descriptor other than 1 or 2");
	CHECK_REFUSED("sysctl -q a.b=1 2>&3", "a redirection other than >/dev/null, 2>&1 or >&2");
	CHECK_REFUSED("> /dev/null", "a redirection with no command");
	CHECK_REFUSED("; sysctl -q a.b=1", "';' with no command before it");
	CHECK_REFUSED("X=1 sysctl -q a.b=1", "'X=1' is not a command applied directly");
}

static void test_shcmd__refused_commands(void)
{
	CHECK_REFUSED("nstat > /dev/null", "'nstat' is not a command applied directly");
	CHECK_REFUSED("/sbin/sysctl -q a.b=1", "'/sbin/sysctl' with arguments or redirections");
	CHECK_REFUSED("sysctl -e -q a.b=1", "sysctl flag '-e' is not applied directly");
	CHECK_REFUSED("sysctl -q a.b=1 -e", "sysctl flag '-e' after a setting");
	CHECK_REFUSED("sysctl -q", "sysctl with no NAME=VALUE");
	CHECK_REFUSED("sysctl -q a.b", "sysctl word 'a.b' is not NAME=VALUE with a plain dotted name");
	CHECK_REFUSED("sysctl -q net/ipv4/tcp_sack=1",
		      "sysctl word 'net/ipv4/tcp_sack=1' is not NAME=VALUE with a plain dotted name");
	CHECK_REFUSED("sysctl -q a..b=1",
		      "sysctl word 'a..b=1' is not NAME=VALUE with a plain dotted name");
	/* Without -q it prints the setting: taken only when that goes nowhere. */
	CHECK_REFUSED("sysctl a.b=1", "sysctl without -q prints each setting");
	CHECK_PLAN("sysctl -w a.b=1 >/dev/null\n",
		   "text:1: [sysctl] [-w] [a.b=1] 1>null {a.b}={1}\n");
	CHECK_REFUSED("ip tcp_metrics flush", "only 'ip tcp_metrics flush all' is applied directly");
	CHECK_REFUSED("ip route flush all", "only 'ip tcp_metrics flush all' is applied directly");
	CHECK_REFUSED("tc qdisc del dev tun0 root",
		      "only 'tc qdisc add|replace dev DEV root pfifo|fq' is applied directly");
	CHECK_REFUSED("tc qdisc add dev tun0 root fq_codel",
		      "only 'tc qdisc add|replace dev DEV root pfifo [limit N]|fq' is applied directly");
	CHECK_REFUSED("tc qdisc add dev tun0 root pfifo limit 010",
		      "only 'tc qdisc add|replace dev DEV root pfifo [limit N]|fq' is applied directly");
	CHECK_REFUSED("tc qdisc add dev a/b root pfifo", "tc device name 'a/b'");
	CHECK_PLAN("tc qdisc replace dev tun0 root pfifo limit 0\ntc qdisc replace dev tun0 root fq\n",
		   "text:1: [tc] [qdisc] [replace] [dev] [tun0] [root] [pfifo] [limit] [0]"
		   " qdisc replace tun0 pfifo limit 0\n"
		   "text:2: [tc] [qdisc] [replace] [dev] [tun0] [root] [fq] qdisc replace tun0 fq\n");
}

static void test_shcmd__lines_and_rest(void)
{
	/* Recognized lines first, the shell from the first line that is not. */
	CHECK_PLAN("sysctl -q a.b=1\n nstat > /dev/null\nsysctl -q c.d=2\n",
		   "text:1: [sysctl] [-q] [a.b=1] quiet {a.b}={1}\n"
		   "rest 16: line 2: 'nstat' is not a command applied directly\n");
	/* A line is the shell's unit: none of it is applied. */
	CHECK_PLAN("sysctl -q a.b=1; nstat\n",
		   "rest 0: line 1: 'nstat' is not a command applied directly\n");
	/* Continuations join lines; comments and blank lines are nothing. */
	CHECK_PLAN("# only\n\nsysctl -q \\\n  a.b=1 \\\n  c.d=2 # c.d=3\n",
		   "text:3: [sysctl] [-q] [a.b=1] [c.d=2] quiet {a.b}={1} {c.d}={2}\n");
	CHECK_PLAN("", "");
	CHECK_PLAN("  # nothing\n", "");
	/* Redirections in order: 2>&1 takes where 1 goes at that point. */
	CHECK_PLAN("ip tcp_metrics flush all 2>&1 >/dev/null\n",
		   "text:1: [ip] [tcp_metrics] [flush] [all] 1>null 2>&1 flush\n");
	CHECK_PLAN("ip tcp_metrics flush all>/dev/null 2>/dev/null\n",
		   "text:1: [ip] [tcp_metrics] [flush] [all] 1>null 2>null flush\n");
	CHECK_PLAN("ip tcp_metrics flush all 2>/dev/null >&2\n",
		   "text:1: [ip] [tcp_metrics] [flush] [all] 1>null 2>null flush\n");
	CHECK_PLAN("ip tcp_metrics flush all >&2\n",
		   "text:1: [ip] [tcp_metrics] [flush] [all] 1>&2 flush\n");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void test_shcmd__file(void)
{
	char ok[256], noexec[256], flags[256], bad[256], text[600], want[900];

	snprintf(ok, sizeof(ok), "%s/defaults.sh", top);
	write_file(ok, "#!/bin/bash\n# Defaults.\nsysctl -q a.b=\"$((2*3))\"\n\n"
		   "tc qdisc add dev tun0 root pfifo\n", 0755);
	snprintf(noexec, sizeof(noexec), "%s/noexec.sh", top);
	write_file(noexec, "#!/bin/bash\nsysctl -q a.b=1\n", 0644);
	snprintf(flags, sizeof(flags), "%s/flags.sh", top);
	write_file(flags, "#!/bin/bash -e\nsysctl -q a.b=1\n", 0755);
	snprintf(bad, sizeof(bad), "%s/bad.sh", top);
	write_file(bad, "#!/bin/sh\nsysctl -q a.b=1\necho $X\n", 0755);

	/* The file's lines, with its own line numbers, then the text's. */
	snprintf(text, sizeof(text), "%s\nsysctl -q c.d=1\n", ok);
	CHECK_PLAN(text, "file:3: [sysctl] [-q] [a.b=6] quiet {a.b}={6}\n"
		   "file:5: [tc] [qdisc] [add] [dev] [tun0] [root] [pfifo] qdisc add tun0 pfifo\n"
		   "text:2: [sysctl] [-q] [c.d=1] quiet {c.d}={1}\n");
	snprintf(text, sizeof(text), "%s", noexec);
	snprintf(want, sizeof(want), "rest 0: line 1: '%s' is not an executable regular file\n", noexec);
	CHECK_PLAN(text, want);
	snprintf(text, sizeof(text), "%s", flags);
	snprintf(want, sizeof(want), "rest 0: line 1: '%s' does not start with #!/bin/bash or #!/bin/sh\n",
		 flags);
	CHECK_PLAN(text, want);
	/* A file is taken whole or not at all. */
	snprintf(text, sizeof(text), "%s", bad);
	snprintf(want, sizeof(want), "rest 0: %s:3: '$' is shell syntax that is not applied directly\n",
		 bad);
	CHECK_PLAN(text, want);
	snprintf(text, sizeof(text), "%s > /dev/null", ok);
	snprintf(want, sizeof(want), "rest 0: line 1: '%s' with arguments or redirections\n", ok);
	CHECK_PLAN(text, want);
	/* A name without a slash is looked up in PATH: not a file here. */
	CHECK_REFUSED("defaults.sh", "'defaults.sh' is not a command applied directly");
}

int main(void)
{
	static const struct tap_test tests[] = {
		TAP_TEST(test_shcmd__defaults_like_text),
		TAP_TEST(test_shcmd__arithmetic),
		TAP_TEST(test_shcmd__quoting),
		TAP_TEST(test_shcmd__refused_syntax),
		TAP_TEST(test_shcmd__refused_commands),
		TAP_TEST(test_shcmd__lines_and_rest),
		TAP_TEST(test_shcmd__file),
	};
	return tap_main_in_dir(tests, sizeof(tests) / sizeof(tests[0]), top, tc_rm_rf);
}
