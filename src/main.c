/*
 * main.c: the command line.  The only place that prints results and maps
 * them to exit codes (error.h lists the codes).
 *
 * Each script runs in a child process of its own, so its namespaces, fds
 * and threads vanish with that child whatever happens to it; the parent
 * only waits, enforces the time limit and collects the exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "error.h"
#include "script.h"
#include "strbuf.h"
#include "syscalls.h"

#define TC_VERSION "0.1"

struct cli_opt {
	const char *name;
	const char *value;
};

struct cli {
	struct cli_opt opts[128];
	int n_opts;
	const char **scripts;
	int n_scripts;
	bool dump;
	int timeout_s;
};

static void print_error(const struct tc_error *err)
{
	if (err->file && err->line && err->col)
		fprintf(stderr, "%s:%d:%d: error: %s\n", err->file, err->line,
			err->col, err->msg);
	else if (err->file && err->line)
		fprintf(stderr, "%s:%d: error: %s\n", err->file, err->line, err->msg);
	else if (err->file)
		fprintf(stderr, "%s: error: %s\n", err->file, err->msg);
	else
		fprintf(stderr, "error: %s\n", err->msg);
	fputs(err->detail, stderr);
}

static void usage(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;

	tc_config_help(&sb);
	fprintf(f,
		"usage: tcpconform [OPTIONS] SCRIPT.pkt...\n"
		"\n"
		"Runs each packetdrill-language script against this kernel, each in\n"
		"fresh private network namespaces.\n"
		"\n"
		"Exit status: 0 all passed, 1 a script failed verification,\n"
		"2 a script or the command line is malformed, 3 tcpconform itself\n"
		"crashed, 4 the environment cannot run tests.\n"
		"\n"
		"Options (also valid as a script's option lines):\n%s"
		"  -D NAME=VALUE\n      same as --define=NAME=VALUE\n"
		"  -v\n      same as --verbose\n"
		"\n"
		"Command-line only:\n"
		"  --dump\n      parse each script and print its model\n"
		"  --timeout=SECONDS\n      limit for one script's run (default 600)\n"
		"  --help, --version\n",
		sb.buf);
	strbuf_release(&sb);
}

/* Parse argv into cli; returns 0, 1 for --help/--version (done), -1 bad. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
	cli->scripts = calloc((size_t)argc, sizeof(*cli->scripts));
	cli->timeout_s = 600;
	if (!cli->scripts)
		return -1;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--version")) {
			printf("tcpconform %s\n", TC_VERSION);
			return 1;
		}
		if (!strcmp(a, "--dump")) {
			cli->dump = true;
			continue;
		}
		if (!strncmp(a, "--timeout=", 10)) {
			cli->timeout_s = atoi(a + 10);
			if (cli->timeout_s <= 0) {
				fprintf(stderr, "error: bad value '%s' for option 'timeout'\n", a + 10);
				return -1;
			}
			continue;
		}
		if (cli->n_opts == (int)(sizeof(cli->opts) / sizeof(cli->opts[0]))) {
			fprintf(stderr, "error: too many options\n");
			return -1;
		}
		if (!strcmp(a, "-v")) {
			cli->opts[cli->n_opts++] = (struct cli_opt){ "verbose", NULL };
			continue;
		}
		if (!strncmp(a, "-D", 2)) {
			const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v) {
				fprintf(stderr, "error: option '-D' needs a value\n");
				return -1;
			}
			cli->opts[cli->n_opts++] = (struct cli_opt){ "define", v };
			continue;
		}
		if (!strncmp(a, "--", 2) && a[2]) {
			char *eq = strchr(a, '=');
			int takes;

			if (eq)
				*eq = '\0';
			takes = tc_config_takes_value(a + 2);
			if (takes < 0) {
				fprintf(stderr, "error: option '%s' unknown\n", a + 2);
				return -1;
			}
			if (takes && !eq) {
				if (i + 1 >= argc) {
					fprintf(stderr, "error: option '%s' needs a value\n", a + 2);
					return -1;
				}
				cli->opts[cli->n_opts++] = (struct cli_opt){ a + 2, argv[++i] };
			} else {
				cli->opts[cli->n_opts++] =
					(struct cli_opt){ a + 2, eq ? eq + 1 : NULL };
			}
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "error: option '%s' unknown\n", a);
			return -1;
		}
		cli->scripts[cli->n_scripts++] = a;
	}
	if (!cli->n_scripts) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Build the run configuration: defaults, then the script's option lines,
 * then the command line (which wins). */
static int make_config(const struct cli *cli, const struct tc_script *s,
		       struct tc_config *cfg, struct tc_error *err)
{
	if (s && tc_config_apply_script(cfg, s, err) < 0)
		return -1;
	for (int i = 0; i < cli->n_opts; i++)
		if (tc_config_set(cfg, cli->opts[i].name, cli->opts[i].value, err) < 0)
			return -1;
	return 0;
}

/* Static checks the parser cannot do: system call names, arities, symbols. */
static int check_script(const struct tc_script *s, struct tc_error *err)
{
	for (int i = 0; i < s->n_events; i++) {
		const struct tc_event *ev = &s->events[i];

		if (ev->type != TC_EVENT_SYSCALL)
			continue;
		if (tc_syscall_check(ev->u.syscall, ev->line, err) < 0) {
			err->file = s->path;
			return -1;
		}
	}
	return 0;
}

/* The child: run one script, print its error, exit with its code. */
static int child_run(const struct tc_script *s, const struct tc_config *cfg)
{
	struct tc_error err;

	tc_error_clear(&err);
	if (tc_engine_run(s, cfg, &err) < 0) {
		if (!err.file)
			err.file = s->path;
		print_error(&err);
		return tc_error_exit_code(&err);
	}
	return TC_EXIT_PASS;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* Run s in a child process under the time limit; returns an exit code. */
static int run_one(const struct cli *cli, const struct tc_script *s,
		   const struct tc_config *cfg)
{
	struct timespec start, now;
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "error: cannot fork: %s\n", strerror(errno));
		return TC_EXIT_ENV;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		fflush(NULL);
		_exit(child_run(s, cfg));
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "error: waitpid: %s\n", strerror(errno));
			return TC_EXIT_ENV;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (got_signal || now.tv_sec - start.tv_sec >= cli->timeout_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (got_signal) {
				fprintf(stderr, "%s: error: interrupted\n", s->path);
				return TC_EXIT_ENV;
			}
			fprintf(stderr, "%s: error: timed out after %d s\n", s->path,
				cli->timeout_s);
			return TC_EXIT_FAIL;
		}
		usleep(2000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "%s: error: tcpconform crashed running this script (signal %d)\n",
		s->path, WTERMSIG(status));
	return TC_EXIT_CRASH;
}

/* Which of two exit codes wins for the whole command. */
static int worse(int a, int b)
{
	static const int rank[] = { [0] = 0, [1] = 1, [2] = 2, [3] = 4, [4] = 3 };

	if (a < 0 || a > 4)
		return a;
	if (b < 0 || b > 4)
		return b;
	return rank[a] >= rank[b] ? a : b;
}

int main(int argc, char **argv)
{
	struct cli cli;
	int status = TC_EXIT_PASS;
	int rc;

	memset(&cli, 0, sizeof(cli));
	rc = parse_args(argc, argv, &cli);
	if (rc) {
		free(cli.scripts);
		return rc > 0 ? 0 : TC_EXIT_USAGE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* A write to a reset connection must give EPIPE, as scripts expect,
	 * not kill the run. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);

	for (int i = 0; i < cli.n_scripts && !got_signal; i++) {
		struct tc_config cfg;
		struct tc_script *s = NULL;
		struct tc_error err;
		int one;

		tc_error_clear(&err);
		tc_config_init(&cfg);
		/* -D definitions apply while parsing, so gather them first. */
		if (make_config(&cli, NULL, &cfg, &err) < 0) {
			print_error(&err);
			tc_config_release(&cfg);
			free(cli.scripts);
			return TC_EXIT_USAGE;
		}
		if (tc_script_parse_file(cli.scripts[i], cfg.defines, cfg.n_defines,
					 &s, &err) < 0 ||
		    check_script(s, &err) < 0) {
			print_error(&err);
			one = tc_error_exit_code(&err);
		} else if (cli.dump) {
			struct strbuf sb = STRBUF_INIT;

			tc_script_dump(s, &sb);
			fputs(sb.buf, stdout);
			strbuf_release(&sb);
			one = TC_EXIT_PASS;
		} else {
			tc_config_release(&cfg);
			tc_config_init(&cfg);
			if (make_config(&cli, s, &cfg, &err) < 0) {
				if (!err.file)
					err.file = s->path;
				print_error(&err);
				one = TC_EXIT_USAGE;
			} else if (cfg.dry_run) {
				one = TC_EXIT_PASS;
			} else {
				one = run_one(&cli, s, &cfg);
			}
		}
		status = worse(status, one);
		tc_script_free(s);
		tc_config_release(&cfg);
	}
	free(cli.scripts);
	return status;
}
