/*
 * shcmd.h: a script's shell commands applied without a shell, when they
 * are nothing but sysctl settings, a TCP metrics flush and a root qdisc.
 *
 * google's packetdrill corpus starts nearly every script with a backtick
 * command that runs ../common/defaults.sh: bash and some 27 processes for
 * ~25 sysctl settings, `ip tcp_metrics flush all` and `tc qdisc add dev
 * tun0 root pfifo`, far more CPU than the run itself.  tc_sh_parse()
 * recognizes a very small subset of the shell in a command's text, or in
 * the file a line names as its only word (a regular, executable file whose
 * first line is #!/bin/bash or #!/bin/sh): lines of simple commands
 * separated by newlines or ';', each a comment, a blank, or one of
 *
 *   sysctl [-q|-w|-qw|--quiet|--write]... NAME=VALUE...
 *   ip tcp_metrics flush all
 *   tc qdisc add|replace dev DEV root pfifo [limit N]
 *   tc qdisc add|replace dev DEV root fq
 *
 * with `>/dev/null`, `1>/dev/null`, `2>/dev/null`, `2>&1` and `>&2` as the
 * only redirections, and words made of plain characters, '...', "..." and
 * $((arithmetic on decimal literals with + - * / % and parentheses)).
 * Anything else (a variable, a pipe, &&, a glob, a backslash other than a
 * line continuation, another command or flag or redirection) ends the
 * recognized part: the rest of the text goes to /bin/sh -c as before.
 * Recognition is by whole lines, since the shell parses a whole line
 * before running any of it; a file is recognized whole or not at all.
 *
 * tc_sh_apply() gives each recognized line the effect the real command
 * would have: a sysctl setting is written to /proc/sys as procps' sysctl
 * writes it (the value and a newline), the flush is TCP_METRICS_CMD_DEL
 * with no address over generic netlink, the qdisc is RTM_NEWQDISC with
 * the message tc sends; on success each of those tools prints nothing
 * (sysctl without -q prints the setting, so it is taken only with its
 * output going to /dev/null) and exits 0.  When a direct step fails, that
 * line's own tool is run instead (fork and exec of the same argv, with the
 * same redirections, as the shell would), so its messages and exit status
 * are the real ones: sysctl writes and the flush are idempotent, and a
 * failed qdisc request changes nothing.  The commands keep their shell
 * semantics: every line runs, the status is the last line's.
 *
 * It must all happen where the shell would have run: the calling thread
 * in the kernel-under-test network namespace, in the current directory
 * the shell would have, with the environment it would see.  The tools are
 * found through $PATH as the shell finds them, and only the system's own
 * (/usr/sbin, /sbin, /usr/bin, /bin) are stood in for; an environment that
 * could change what the shell or bash does with the text (BASH_ENV,
 * SHELLOPTS, BASHOPTS, exported functions, IFS, LD_PRELOAD) means no
 * direct path at all.
 */
#ifndef TC_SHCMD_H
#define TC_SHCMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum tc_sh_kind {
	TC_SH_SYSCTL,		/* settings[] */
	TC_SH_METRICS_FLUSH,	/* ip tcp_metrics flush all */
	TC_SH_QDISC,		/* tc qdisc add|replace dev DEV root KIND */
};

/* Where a redirected descriptor goes: the tester's own 1 or 2, or null. */
#define TC_SH_NULL (-1)

struct tc_sh_action {
	enum tc_sh_kind kind;
	char **argv;		/* the words as the shell passes them, NULL-ended */
	int argc;
	int out, err;		/* 1, 2 or TC_SH_NULL: the command's stdout and stderr */
	const char *file;	/* the file it came from (the plan's), NULL: the text */
	int line;		/* its line there */
	/* TC_SH_SYSCTL: NAME=VALUE words split at their first '=' */
	int n_settings;
	char **keys, **values;
	bool quiet;
	/* TC_SH_QDISC */
	char dev[16];
	const char *qdisc;	/* "pfifo" or "fq" */
	bool replace;
	bool has_limit;		/* pfifo limit N */
	uint32_t limit;
};

struct tc_sh_plan {
	struct tc_sh_action *actions;
	int n;
	char **files;		/* the files named (owned), for file/line */
	int n_files;
	/* Where /bin/sh takes over: the offset of the first line not
	 * recognized, or the text's length when all of it was. */
	size_t rest;
	char why[200];		/* when rest is not at the end: why */
};

/*
 * Recognize text (a command's text; files it names are read relative to
 * the current directory).  Always fills *plan (release it with
 * tc_sh_plan_release); plan->rest says how much of the text it covers.
 */
void tc_sh_parse(const char *text, struct tc_sh_plan *plan);
void tc_sh_plan_release(struct tc_sh_plan *plan);

/* Format action a's words as one line, for messages and tests. */
void tc_sh_action_format(const struct tc_sh_action *a, struct strbuf *sb);

/*
 * Whether the environment lets the plan be applied: each tool found
 * through $PATH is the system's own, nothing in the environment changes
 * what the shell would do, /dev/null opens.  Returns true, or false with
 * why filled.
 */
bool tc_sh_env_ok(const struct tc_sh_plan *plan, char *why, size_t why_size);

struct tc_sh_result {
	int status;		/* a wait status, as the shell's would be */
	int direct;		/* steps applied directly */
	int by_tool;		/* steps whose own tool ran (a direct step failed) */
	bool by_shell;		/* the rest ran through /bin/sh */
};

/*
 * Apply the plan (tc_sh_env_ok() first), then run the rest of text, if
 * any, with /bin/sh -c, its recognized lines blanked so that the shell's
 * line numbers stay the same.  Children get fork_flags (proc.h) and are
 * waited for.  Returns 0 with *res, or -1 with errno when a process could
 * not be started.
 */
int tc_sh_apply(const struct tc_sh_plan *plan, const char *text, unsigned fork_flags,
		struct tc_sh_result *res);

/* Run text with /bin/sh -c as a child (fork_flags as above); *status is
 * its wait status.  Returns 0, or -1 with errno. */
int tc_sh_run_shell(const char *text, unsigned fork_flags, int *status);

#endif
