/*
 * main.c: the command line.  The only place that prints results and maps
 * them to exit codes (error.h lists the codes).
 *
 * Two shapes, one runner (runner.h):
 *  - `tcpconform a.pkt [b.pkt ...]` with no suite option behaves as
 *    packetdrill: one run at a time, each run's stderr passed through as it
 *    comes, so a failing script's first stderr line is its
 *    "FILE:LINE: error: ..." message; with several scripts a matrix and a
 *    closing line follow on stdout.
 *  - with a directory or any suite option (--profile, --jobs, --tap, ...),
 *    a suite: scripts times profiles, N at a time, progress and the
 *    matrix on stdout (stderr with --tap), each run's messages on stderr
 *    as it finishes, reports and baselines as asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attrib.h"
#include "baseline.h"
#include "config.h"
#include "dump.h"
#include "error.h"
#include "fsutil.h"
#include "load.h"
#include "phase.h"
#include "profile.h"
#include "report.h"
#include "runner.h"
#include "script.h"
#include "sha256.h"
#include "strbuf.h"
#include "vm/vm.h"

#define TC_VERSION "0.1"
#define MAX_OPTS 128
#define MAX_PROFILES 64
#define MAX_JOBS 256

/* Options of the command line only (the script options are config.c's). */
enum cli_id {
	O_PROFILE, O_JOBS, O_TIMEOUT, O_RETRIES, O_LATE_RETRIES, O_ATTRIBUTE_RUNS, O_SHARD, O_IP_VERSIONS,
	O_TAP, O_JUNIT, O_JSON, O_PCAP_DIR, O_PCAP_ON_FAIL, O_BASELINE,
	O_WRITE_BASELINE, O_LIST, O_DUMP, O_VARIANTS, O_SLOW,
	/* Options of the host only with --kernel: not passed to the guest. */
	O_KERNEL, O_MODULES, O_ACCEL, O_VM_TIMEOUT, O_VM_MEMORY,
};

static const struct cli_opt {
	const char *name;
	char short_name;
	const char *arg;	/* NULL: a flag */
	bool suite;		/* makes the invocation a suite run */
	enum cli_id id;
	const char *help;
} cli_opts[] = {
	{ "profile", 'p', "FILE|host", true, O_PROFILE,
	  "run every script under this sysctl profile (repeatable; one matrix column each);\n"
	  "      'host' copies the host's per-namespace TCP/IP sysctls (default: none set)" },
	{ "jobs", 'j', "N", true, O_JOBS,
	  "runs at once, each in its own namespaces (default: 2 x online CPUs)" },
	{ "timeout", 0, "SECONDS", false, O_TIMEOUT,
	  "limit for one run; a run over it is a timeout (default 600)" },
	{ "retries", 0, "N", true, O_RETRIES,
	  "rerun a failed or timed-out run up to N times; a later pass is reported flaky" },
	{ "late-retries", 0, "N", false, O_LATE_RETRIES,
	  "rerun a run in which tcpconform itself was late (a busy machine kept it from an\n"
	  "      event's due time) up to N times; one late every time is 'late', exit 4\n"
	  "      (default 3)" },
	{ "attribute-runs", 0, "N", true, O_ATTRIBUTE_RUNS,
	  "find which setting of a profile changes a run's outcome from the one under the\n"
	  "      kernel's defaults, rerunning with subsets of its keys; spend at most N extra\n"
	  "      runs on it (default 200; 0: off)" },
	{ "shard", 0, "K/N", true, O_SHARD,
	  "run only the K-th of N interleaved slices of the cases (N CI jobs run each case once)" },
	{ "ip-versions", 0, "LIST", true, O_IP_VERSIONS,
	  "ipv4,ipv6,ipv4-mapped-ipv6: a column per profile and version, each run with\n"
	  "      --ip_version set (ipv6 also with --mtu=1520); the default is one column\n"
	  "      that runs each script as its own option lines say" },
	{ "variants", 0, NULL, true, O_VARIANTS,
	  "run each script in the IP versions google's run_all.py would: by default\n"
	  "      ipv4, ipv4-mapped-ipv6 and ipv6 columns (or those of --ip-versions); a\n"
	  "      *v4.pkt script skips ipv6, a *v6.pkt one runs only as ipv6, and one with\n"
	  "      an --ip_version line only in that version" },
	{ "slow", 0, NULL, true, O_SLOW,
	  "also run the slow tier: directories named 'slow' below a directory given\n"
	  "      (left out by default; naming one runs it either way)" },
	{ "tap", 0, NULL, true, O_TAP,
	  "write TAP version 13 on stdout (prove, kselftest KTAP); the summary goes to stderr" },
	{ "junit", 0, "FILE", true, O_JUNIT,
	  "write JUnit XML: one testsuite per profile, one testcase per script" },
	{ "json", 0, "FILE", true, O_JSON,
	  "write every result as JSON, with timings and the kernel release" },
	{ "pcap-dir", 0, "DIR", true, O_PCAP_DIR,
	  "write each run's capture (both directions, nanosecond pcap) as DIR/PROFILE/SCRIPT.pcap" },
	{ "pcap-on-fail", 0, NULL, true, O_PCAP_ON_FAIL,
	  "with --pcap-dir, keep only the captures of runs that did not pass" },
	{ "baseline", 0, "FILE", true, O_BASELINE,
	  "compare each outcome with FILE; exit 1 exactly when one differs" },
	{ "write-baseline", 0, "FILE", true, O_WRITE_BASELINE,
	  "record each outcome and the kernel release in FILE (reasons are kept)" },
	{ "list", 0, NULL, true, O_LIST,
	  "print the runs (PROFILE SCRIPT) that would be made, and run nothing" },
	{ "dump", 0, NULL, false, O_DUMP,
	  "load each script as a run does (parse, check its system calls and option\n"
	  "      lines) and print its model; run nothing" },
	{ "kernel", 0, "IMAGE", false, O_KERNEL,
	  "boot IMAGE (a bzImage) under QEMU and run the same command inside it, against\n"
	  "      that kernel; reports and baselines land where they would here" },
	{ "modules", 0, "DIR", false, O_MODULES,
	  "with --kernel: the image's lib/modules/RELEASE (with modules.dep); needed when\n"
	  "      9p, virtio-pci, overlay or veth are modules" },
	{ "accel", 0, "auto|kvm|tcg", false, O_ACCEL,
	  "with --kernel: the accelerator; auto tries KVM and falls back to TCG when the\n"
	  "      guest does not start (default auto)" },
	{ "vm-timeout", 0, "SECONDS", false, O_VM_TIMEOUT,
	  "with --kernel: limit for the whole guest run, boot included (default 1800)" },
	{ "vm-memory", 0, "MB", false, O_VM_MEMORY,
	  "with --kernel: the guest's memory (default 512)" },
	{ NULL, 0, NULL, false, 0, NULL },
};

struct cli {
	struct tc_opt_pair opts[MAX_OPTS];	/* config.c's options */
	int n_opts;
	const char **inputs;
	int n_inputs;
	bool suite;
	bool dump, tap, list, pcap_on_fail;
	int timeout_s, jobs, retries, late_retries, attribute_runs, shard_k, shard_n;
	int ip_versions[3];
	int n_ip_versions;
	bool ip_versions_given, variants, slow;
	const char *profiles[MAX_PROFILES];
	int n_profiles;
	const char *junit, *json, *pcap_dir, *baseline, *write_baseline;
	const char *kernel, *modules, *accel;
	int vm_timeout_s, vm_memory_mb;
	bool *host_only;	/* argv[i] is a --kernel option: not for the guest */
};

static void print_error(const struct tc_error *err)
{
	struct strbuf sb = STRBUF_INIT;

	tc_error_format(&sb, err);
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

static void usage(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;

	tc_config_help(&sb);
	fprintf(f,
		"usage: tcpconform [OPTIONS] SCRIPT.pkt|DIR...\n"
		"\n"
		"Runs each packetdrill-language script against this kernel, each run in\n"
		"fresh private network namespaces.  Directories are searched for *.pkt.\n"
		"\n"
		"Exit status: 0 all passed (or, with --baseline, all as recorded),\n"
		"1 a script failed verification or timed out (or an outcome differs\n"
		"from the baseline), 2 a script, profile, baseline or the command line\n"
		"is malformed, 3 tcpconform itself crashed, 4 the environment cannot\n"
		"run tests (or the run was interrupted).\n"
		"\n"
		"Options (also valid as a script's option lines):\n%s"
		"  -D NAME=VALUE\n      same as --define=NAME=VALUE\n"
		"  -v, -vv, -vvv\n      same as --verbose\n"
		"\n"
		"Command-line only:\n",
		sb.buf);
	for (const struct cli_opt *o = cli_opts; o->name; o++) {
		char sh[8] = "";

		if (o->short_name)
			snprintf(sh, sizeof(sh), "-%c, ", o->short_name);
		fprintf(f, "  %s--%s%s%s\n      %s\n", sh, o->name, o->arg ? " " : "",
			o->arg ? o->arg : "", o->help);
	}
	fprintf(f, "  --help, --version\n");
	strbuf_release(&sb);
}

static int bad_value(const char *name, const char *v, const char *expected)
{
	fprintf(stderr, "error: bad value '%s' for option '%s' (expected %s)\n", v, name,
		expected);
	return -1;
}

static bool parse_int(const char *v, int min, int max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return false;
	*out = (int)n;
	return true;
}

static int set_ip_versions(struct cli *cli, const char *v)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	cli->n_ip_versions = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int iv = tc_ip_version_parse(t);

		if (!iv || cli->n_ip_versions == 3)
			return bad_value("ip-versions", v,
					 "a list of ipv4, ipv6, ipv4-mapped-ipv6");
		for (int i = 0; i < cli->n_ip_versions; i++)
			if (cli->ip_versions[i] == iv)
				return bad_value("ip-versions", v, "each version once");
		cli->ip_versions[cli->n_ip_versions++] = iv;
	}
	if (!cli->n_ip_versions)
		return bad_value("ip-versions", v, "a list of ipv4, ipv6, ipv4-mapped-ipv6");
	return 0;
}

static int set_cli_opt(struct cli *cli, const struct cli_opt *o, const char *v)
{
	char *slash;

	cli->suite |= o->suite;
	switch (o->id) {
	case O_PROFILE:
		if (cli->n_profiles == MAX_PROFILES) {
			fprintf(stderr, "error: too many profiles (at most %d)\n", MAX_PROFILES);
			return -1;
		}
		cli->profiles[cli->n_profiles++] = v;
		return 0;
	case O_JOBS:
		return parse_int(v, 1, MAX_JOBS, &cli->jobs) ? 0 :
		       bad_value(o->name, v, "an integer from 1 to 256");
	case O_TIMEOUT:
		return parse_int(v, 1, 86400, &cli->timeout_s) ? 0 :
		       bad_value(o->name, v, "seconds from 1 to 86400");
	case O_RETRIES:
		return parse_int(v, 0, 100, &cli->retries) ? 0 :
		       bad_value(o->name, v, "an integer from 0 to 100");
	case O_LATE_RETRIES:
		return parse_int(v, 0, 100, &cli->late_retries) ? 0 :
		       bad_value(o->name, v, "an integer from 0 to 100");
	case O_ATTRIBUTE_RUNS:
		return parse_int(v, 0, 100000, &cli->attribute_runs) ? 0 :
		       bad_value(o->name, v, "an integer from 0 to 100000");
	case O_SHARD: {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", v);
		slash = strchr(buf, '/');
		if (!slash)
			return bad_value(o->name, v, "K/N with 1 <= K <= N");
		*slash = '\0';
		if (!parse_int(buf, 1, 1000000, &cli->shard_k) ||
		    !parse_int(slash + 1, 1, 1000000, &cli->shard_n) ||
		    cli->shard_k > cli->shard_n)
			return bad_value(o->name, v, "K/N with 1 <= K <= N");
		return 0;
	}
	case O_IP_VERSIONS:
		cli->ip_versions_given = true;
		return set_ip_versions(cli, v);
	case O_VARIANTS:
		cli->variants = true;
		return 0;
	case O_SLOW:
		cli->slow = true;
		return 0;
	case O_TAP:
		cli->tap = true;
		return 0;
	case O_JUNIT:
		cli->junit = v;
		return 0;
	case O_JSON:
		cli->json = v;
		return 0;
	case O_PCAP_DIR:
		cli->pcap_dir = v;
		return 0;
	case O_PCAP_ON_FAIL:
		cli->pcap_on_fail = true;
		return 0;
	case O_BASELINE:
		cli->baseline = v;
		return 0;
	case O_WRITE_BASELINE:
		cli->write_baseline = v;
		return 0;
	case O_LIST:
		cli->list = true;
		return 0;
	case O_DUMP:
		cli->dump = true;
		return 0;
	case O_KERNEL:
		cli->kernel = v;
		return 0;
	case O_MODULES:
		cli->modules = v;
		return 0;
	case O_ACCEL:
		if (strcmp(v, "auto") && strcmp(v, "kvm") && strcmp(v, "tcg"))
			return bad_value(o->name, v, "auto, kvm or tcg");
		cli->accel = v;
		return 0;
	case O_VM_TIMEOUT:
		return parse_int(v, 1, 86400, &cli->vm_timeout_s) ? 0 :
		       bad_value(o->name, v, "seconds from 1 to 86400");
	case O_VM_MEMORY:
		return parse_int(v, 128, 65536, &cli->vm_memory_mb) ? 0 :
		       bad_value(o->name, v, "megabytes from 128 to 65536");
	}
	return -1;
}

/* An option of neither table: say so, with the nearest name of both. */
static void unknown_option(const char *name)
{
	const char *names[sizeof(cli_opts) / sizeof(cli_opts[0])];
	size_t n = 0;
	char msg[512];

	for (const struct cli_opt *o = cli_opts; o->name; o++)
		names[n++] = o->name;
	names[n] = NULL;
	tc_config_unknown(name, names, msg, sizeof(msg));
	fprintf(stderr, "error: %s\n", msg);
}

static const struct cli_opt *find_cli_opt(const char *name, char short_name)
{
	for (const struct cli_opt *o = cli_opts; o->name; o++)
		if ((name && !strcmp(o->name, name)) ||
		    (!name && short_name && o->short_name == short_name))
			return o;
	return NULL;
}

static int add_opt(struct cli *cli, const char *name, const char *value)
{
	if (cli->n_opts == MAX_OPTS) {
		fprintf(stderr, "error: too many options\n");
		return -1;
	}
	cli->opts[cli->n_opts++] = (struct tc_opt_pair){ name, value };
	return 0;
}

/* Parse argv into cli; returns 0, 1 for --help/--version (done), -1 bad. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
	cli->inputs = calloc((size_t)argc, sizeof(*cli->inputs));
	cli->host_only = calloc((size_t)argc, sizeof(*cli->host_only));
	cli->timeout_s = 600;
	cli->late_retries = 3;
	cli->attribute_runs = 200;
	cli->accel = "auto";
	cli->vm_timeout_s = 1800;
	cli->vm_memory_mb = 512;
	cli->shard_k = cli->shard_n = 1;
	cli->ip_versions[0] = 0;	/* as each script says */
	cli->n_ip_versions = 1;
	if (!cli->inputs || !cli->host_only)
		return -1;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct cli_opt *o;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--version")) {
			printf("tcpconform %s\n", TC_VERSION);
			return 1;
		}
		/* -v, and packetdrill's -vv, -vvv (google's run_all.py). */
		if (a[0] == '-' && a[1] == 'v' && !a[strspn(a + 1, "v") + 1]) {
			if (add_opt(cli, "verbose", NULL) < 0)
				return -1;
			continue;
		}
		if (!strncmp(a, "-D", 2)) {
			const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v) {
				fprintf(stderr, "error: option '-D' needs a value\n");
				return -1;
			}
			if (add_opt(cli, "define", v) < 0)
				return -1;
			continue;
		}
		if (a[0] == '-' && a[1] && a[1] != '-' && (o = find_cli_opt(NULL, a[1]))) {
			const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v) {
				fprintf(stderr, "error: option '-%c' needs a value\n", a[1]);
				return -1;
			}
			if (set_cli_opt(cli, o, v) < 0)
				return -1;
			continue;
		}
		if (!strncmp(a, "--", 2) && a[2]) {
			char *eq = strchr(a, '=');
			int takes;

			if (eq)
				*eq = '\0';
			o = find_cli_opt(a + 2, 0);
			if (o) {
				const char *v = eq ? eq + 1 : NULL;
				int at = i;

				if (o->arg && !v) {
					if (i + 1 >= argc) {
						fprintf(stderr, "error: option '%s' needs a value\n", a + 2);
						return -1;
					}
					v = argv[++i];
				} else if (!o->arg && v) {
					fprintf(stderr, "error: option '%s' takes no value\n", a + 2);
					return -1;
				}
				if (set_cli_opt(cli, o, v) < 0)
					return -1;
				if (o->id >= O_KERNEL)
					for (int k = at; k <= i; k++)
						cli->host_only[k] = true;
				continue;
			}
			takes = tc_config_takes_value(a + 2);
			if (takes < 0) {
				unknown_option(a + 2);
				return -1;
			}
			if (takes && !eq) {
				if (i + 1 >= argc) {
					fprintf(stderr, "error: option '%s' needs a value\n", a + 2);
					return -1;
				}
				if (add_opt(cli, a + 2, argv[++i]) < 0)
					return -1;
			} else if (add_opt(cli, a + 2, eq ? eq + 1 : NULL) < 0) {
				return -1;
			}
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "error: option '%s' unknown\n", a);
			return -1;
		}
		cli->inputs[cli->n_inputs++] = a;
	}
	if (!cli->n_inputs) {
		usage(stderr);
		return -1;
	}
	if (!cli->kernel && cli->modules) {
		fprintf(stderr, "error: option 'modules' needs 'kernel'\n");
		return -1;
	}
	if (cli->variants && !cli->ip_versions_given) {
		/* run_all.py's three, in its order. */
		cli->ip_versions[0] = TC_IPV4;
		cli->ip_versions[1] = TC_IPV4_MAPPED_IPV6;
		cli->ip_versions[2] = TC_IPV6;
		cli->n_ip_versions = 3;
	}
	if (cli->variants || cli->ip_versions_given) {
		for (int k = 0; k < cli->n_opts; k++) {
			if (!strcmp(cli->opts[k].name, "ip_version")) {
				fprintf(stderr, "error: option 'ip_version' cannot be combined with '%s' (each column sets it)\n",
					cli->variants ? "variants" : "ip-versions");
				return -1;
			}
		}
	}
	if (cli->pcap_on_fail && !cli->pcap_dir) {
		fprintf(stderr, "error: option 'pcap-on-fail' needs 'pcap-dir'\n");
		return -1;
	}
	return 0;
}

/* Which of two exit codes wins for the whole command: 0 < 1 < 2 < 4 < 3. */
static int worse(int a, int b)
{
	static const int rank[] = { [0] = 0, [1] = 1, [2] = 2, [3] = 4, [4] = 3 };

	if (a < 0 || a > 4)
		return a;
	if (b < 0 || b > 4)
		return b;
	return rank[a] >= rank[b] ? a : b;
}

/* --dump: load each script (as a run does, up to its option lines) and
 * print its model; nothing runs. */
static int dump(const struct cli *cli, const struct tc_suite *s)
{
	struct tc_config cfg;
	struct tc_error err;
	int status = TC_EXIT_PASS, rc;

	tc_error_clear(&err);
	tc_config_init(&cfg);
	for (int i = 0; i < cli->n_opts; i++)
		tc_config_set(&cfg, cli->opts[i].name, cli->opts[i].value, &err);
	for (int i = 0; i < s->n_scripts; i++) {
		struct tc_script *sc = NULL;
		struct strbuf sb = STRBUF_INIT;
		struct tc_config scfg;

		tc_error_clear(&err);
		tc_config_init(&scfg);
		rc = tc_script_load(s->scripts[i], cfg.defines, cfg.n_defines, &scfg, &sc, &err);
		tc_config_release(&scfg);
		if (rc < 0) {
			print_error(&err);
			status = worse(status, tc_error_exit_code(&err));
			continue;
		}
		tc_script_dump(sc, &sb);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		tc_script_free(sc);
	}
	tc_config_release(&cfg);
	return status;
}

/* ---- the terminal while a suite runs -------------------------------- */

struct ui {
	const struct cli *cli;
	FILE *h;		/* the human-readable stream */
	bool tty;		/* h is a terminal: one progress line */
	bool stream;		/* compatibility: stderr passes through */
	int width;
	int done;
	int tap_next;		/* next case to print as TAP */
	const struct tc_baseline *bl;
};

static void ui_start(void *arg, const struct tc_suite *s, const struct tc_case *c)
{
	struct ui *u = arg;

	if (u->tty)
		tc_report_progress(u->h, s, u->done, c, u->width);
}

static void ui_output(void *arg, const struct tc_case *c, const char *buf, size_t len)
{
	struct ui *u = arg;

	(void)c;
	if (u->stream)
		fwrite(buf, 1, len, stderr);
}

static void ui_done(void *arg, const struct tc_suite *s, struct tc_case *c)
{
	struct ui *u = arg;

	u->done++;
	tc_baseline_judge(u->bl, s, c);
	if (u->stream)
		return;
	if (u->tty)
		fputs("\r\033[K", u->h);
	fflush(u->h);
	/* The run's own messages, whole, as it finishes: never interleaved.
	 * A failure the baseline expects stays quiet (the reports have it). */
	if (c->output.len && c->outcome != TC_OUT_SKIP && c->judgement != TC_BL_SAME) {
		fprintf(stderr, "--- %s [%s]: %s\n", s->scripts[c->script],
			s->columns[c->column].label, tc_label_name(tc_case_label(c)));
		fputs(c->output.buf, stderr);
		fflush(stderr);
	}
	if (!u->tty)
		tc_report_line(u->h, s, c, u->done);
	if (u->cli->tap)
		while (u->tap_next < s->n_cases && s->cases[u->tap_next].outcome != TC_OUT_NONE) {
			tc_report_tap_case(stdout, s, &s->cases[u->tap_next], u->tap_next + 1);
			u->tap_next++;
		}
	if (u->tty)
		tc_report_progress(u->h, s, u->done, NULL, u->width);
	fflush(u->h);
}

/* A fail or timeout the baseline records is final: not rerun. */
static bool ui_expected(void *arg, const struct tc_suite *s, const struct tc_case *c,
			enum tc_outcome o)
{
	const struct ui *u = arg;

	return tc_baseline_expects(u->bl, s, c, o);
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* The command's status from the finished cases. */
static int suite_status(const struct cli *cli, const struct tc_suite *s)
{
	int st = TC_EXIT_PASS;

	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];
		int code;

		if (c->outcome == TC_OUT_NONE)
			continue;
		if (c->crashed)
			code = TC_EXIT_CRASH;
		else if (c->exit_code == TC_EXIT_ENV)
			code = TC_EXIT_ENV;	/* never an expected outcome */
		else if (cli->baseline)
			code = c->judgement == TC_BL_DIFF ? TC_EXIT_FAIL : TC_EXIT_PASS;
		else if (cli->write_baseline)
			code = TC_EXIT_PASS;	/* recorded: now the expectation */
		else if (c->outcome == TC_OUT_PASS || c->outcome == TC_OUT_SKIP)
			code = TC_EXIT_PASS;
		else if (c->outcome == TC_OUT_ERROR)
			code = c->exit_code;
		else
			code = TC_EXIT_FAIL;
		st = worse(st, code);
	}
	if (s->interrupted)
		st = worse(st, TC_EXIT_ENV);
	return st;
}

/* A report is written to a fresh temporary in its directory, renamed
 * over path when done: never through a symlink or hard link planted at
 * path (fsutil.h). */
static int open_report(struct tc_outfile *of, const char *path)
{
	if (tc_outfile_open(of, path) < 0) {
		fprintf(stderr, "error: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int close_report(struct tc_outfile *of, const char *path)
{
	if (!of->f)
		return 0;
	if (tc_outfile_commit(of) < 0) {
		fprintf(stderr, "error: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Write text to a /proc file of this process; 0 or -1 (errno). */
static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Whether the first bytes of a /proc file are text. */
static bool proc_says(const char *path, const char *text)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !strncmp(buf, text, strlen(text));
}

/*
 * A user who is not root runs in a user namespace of its own, where it is
 * root: the runs' network, PID and mount namespaces belong to it, and
 * nothing of the host's can be changed from there.  Files it writes
 * belong to the user.  Returns 0, or the exit status after saying why not.
 */
static int own_user_namespace(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct rlimit rl;

	if (uid == 0)
		return 0;
	if (unshare(CLONE_NEWUSER) < 0) {
		int e = errno;

		fprintf(stderr, "error: tcpconform needs network namespaces of its own; as a user "
			"that is not root it makes a user namespace first, and this system refuses "
			"that (%s)\n", strerror(e));
		if (proc_says("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"))
			fprintf(stderr, "hint: AppArmor restricts unprivileged user namespaces: "
				"sysctl kernel.apparmor_restrict_unprivileged_userns=0, or run as root\n");
		else if (proc_says("/proc/sys/kernel/unprivileged_userns_clone", "0"))
			fprintf(stderr, "hint: sysctl kernel.unprivileged_userns_clone=1, or run as root\n");
		else if (proc_says("/proc/sys/user/max_user_namespaces", "0"))
			fprintf(stderr, "hint: sysctl user.max_user_namespaces=15000, or run as root\n");
		else
			fprintf(stderr, "hint: allow unprivileged user namespaces, or run as root\n");
		return TC_EXIT_ENV;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_proc("/proc/self/setgroups", "deny") < 0 ||
	    write_proc("/proc/self/uid_map", map) < 0 ||
	    (snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid),
	     write_proc("/proc/self/gid_map", map) < 0)) {
		fprintf(stderr, "error: cannot map this user into its user namespace: %s\n",
			strerror(errno));
		return TC_EXIT_ENV;
	}
	/* SCHED_FIFO needs CAP_SYS_NICE on the host, or RLIMIT_RTPRIO. */
	if (getrlimit(RLIMIT_RTPRIO, &rl) == 0 && rl.rlim_cur < 10)
		fprintf(stderr, "note: not root: runs go in a user namespace of their own, where "
			"SCHED_FIFO is refused (RLIMIT_RTPRIO %lu), so tcpconform's own events run "
			"at ordinary priority; on a busy machine more runs may be late (and rerun)\n",
			(unsigned long)rl.rlim_cur);
	return 0;
}

/* Load and check the profiles; exit status on failure, 0 when fine. */
static int load_profiles(const struct cli *cli, struct tc_profile **p, int *n)
{
	struct tc_error err;

	tc_error_clear(&err);
	*n = 0;
	if (!cli->n_profiles)
		p[(*n)++] = tc_profile_new_default();
	for (int i = 0; i < cli->n_profiles; i++) {
		int rc = !strcmp(cli->profiles[i], "host") ?
			 tc_profile_host(&p[*n], &err) :
			 tc_profile_load(cli->profiles[i], &p[*n], &err);

		if (rc < 0) {
			print_error(&err);
			return tc_error_exit_code(&err);
		}
		for (int k = 0; k < *n; k++) {
			if (!strcmp(p[k]->name, p[*n]->name)) {
				fprintf(stderr, "error: two profiles are named '%s' ('%s' and '%s')\n",
					p[k]->name, p[k]->file ? p[k]->file : "",
					cli->profiles[i]);
				tc_profile_free(p[*n]);
				return TC_EXIT_USAGE;
			}
		}
		(*n)++;
	}
	if (tc_profile_check(p, *n, &err) < 0) {
		print_error(&err);
		return tc_error_exit_code(&err);
	}
	return 0;
}

/* --kernel: the same command, less the host's VM options, in a guest. */
static int run_in_vm(const struct cli *cli, int argc, char **orig_argv)
{
	struct tc_vm_opts o;
	struct tc_error err;
	const char *accel = NULL;
	char **gargv = calloc((size_t)argc + 1, sizeof(*gargv));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int status = TC_EXIT_ENV;

	if (!gargv)
		return TC_EXIT_ENV;
	memset(&o, 0, sizeof(o));
	tc_error_clear(&err);
	o.kernel = cli->kernel;
	o.modules = cli->modules;
	o.accel = cli->accel;
	o.qemu = "qemu-system-x86_64";
	o.timeout_s = cli->vm_timeout_s;
	o.memory_mb = cli->vm_memory_mb;
	o.cpus = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
	for (int i = 0; i < argc; i++)
		if (!cli->host_only[i])
			gargv[o.argc++] = orig_argv[i];
	o.argv = gargv;
	if (cli->json)
		o.out_files[o.n_out_files++] = cli->json;
	if (cli->junit)
		o.out_files[o.n_out_files++] = cli->junit;
	if (cli->write_baseline)
		o.out_files[o.n_out_files++] = cli->write_baseline;
	o.out_dir = cli->pcap_dir;
	o.stop = &got_signal;
	if (tc_vm_run(&o, &status, &accel, &err) < 0) {
		print_error(&err);
		status = tc_error_exit_code(&err);
	}
	free(gargv);
	return status;
}

/* Under TCG (set by our init in a --kernel guest) events run late by
 * several milliseconds (README, "Timing under TCG"): the tolerance is
 * raised unless the command line sets it, and the reports say so. */
#define TCG_TOLERANCE_USECS "25000"

static void environment_info(struct cli *cli, struct tc_suite *s)
{
	const char *accel = getenv("TCPCONFORM_ACCEL");
	bool has_tol = false;

	if (tc_sha256_gz_file("/proc/config.gz", s->config_sha256) < 0)
		s->config_sha256[0] = '\0';
	if (!accel || (strcmp(accel, "kvm") && strcmp(accel, "tcg")))
		return;
	snprintf(s->accel, sizeof(s->accel), "%s", accel);
	for (int i = 0; i < cli->n_opts; i++)
		has_tol |= !strcmp(cli->opts[i].name, "tolerance_usecs");
	if (strcmp(accel, "tcg") || has_tol || add_opt(cli, "tolerance_usecs", TCG_TOLERANCE_USECS) < 0)
		return;
	snprintf(s->timing_note, sizeof(s->timing_note),
		 "under TCG (an emulated CPU) the timing tolerance is %s us, not 4000, "
		 "as if --tolerance_usecs=%s were given (give --tolerance_usecs to choose)",
		 TCG_TOLERANCE_USECS, TCG_TOLERANCE_USECS);
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* Runs mostly sleep (timers, retransmissions): twice the CPUs. */
	if (n < 1)
		n = 1;
	return n * 2 > MAX_JOBS ? MAX_JOBS : (int)n * 2;
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct tc_suite suite;
	struct tc_profile *profiles[MAX_PROFILES + 1];
	int n_profiles = 0;
	struct tc_baseline *bl = NULL, *old_bl = NULL;
	struct tc_settings_diff *sd = NULL;	/* per profile, with a baseline */
	struct tc_error err;
	struct tc_config check;
	struct ui ui;
	struct tc_run_opts ro;
	struct tc_report_info info;
	struct strbuf pcap_dir = STRBUF_INIT;
	struct tc_outfile junit = TC_OUTFILE_INIT, json = TC_OUTFILE_INIT;
	struct sigaction sa;
	char **orig_argv;
	int status = TC_EXIT_PASS, rc, rc_junit, rc_json;

	tc_phase("main");
	memset(&cli, 0, sizeof(cli));
	tc_suite_init(&suite);
	tc_error_clear(&err);
	/* parse_args cuts "--opt=value" at the '=': the guest of --kernel
	 * gets the command line as it was typed. */
	orig_argv = calloc((size_t)argc + 1, sizeof(*orig_argv));
	for (int i = 0; orig_argv && i < argc; i++)
		if (!(orig_argv[i] = strdup(argv[i])))
			abort();
	rc = orig_argv ? parse_args(argc, argv, &cli) : -1;
	if (rc) {
		free(cli.inputs);
		free(cli.host_only);
		for (int i = 0; orig_argv && i < argc; i++)
			free(orig_argv[i]);
		free(orig_argv);
		return rc > 0 ? 0 : TC_EXIT_USAGE;
	}
	environment_info(&cli, &suite);
	tc_phase("environment");
	/* The command line's script options, checked once, before anything. */
	tc_config_init(&check);
	for (int i = 0; i < cli.n_opts; i++) {
		if (tc_config_set(&check, cli.opts[i].name, cli.opts[i].value, &err) < 0) {
			print_error(&err);
			tc_config_release(&check);
			status = TC_EXIT_USAGE;
			goto out;
		}
	}
	tc_config_release(&check);
	/* Without SA_RESTART: a read or wait that blocks returns EINTR, so
	 * that SIGINT and SIGTERM always stop the command (signal() would
	 * restart it). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A write to a reset connection must give EPIPE, as scripts expect,
	 * not kill the run. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);

	suite.with_slow = cli.slow;
	for (int i = 0; i < cli.n_inputs; i++) {
		struct stat st;

		/* A directory makes a suite run. */
		if (stat(cli.inputs[i], &st) == 0 && S_ISDIR(st.st_mode))
			cli.suite = true;
		if (tc_suite_add_path(&suite, cli.inputs[i], &err) < 0) {
			print_error(&err);
			status = TC_EXIT_USAGE;
			goto out;
		}
	}
	if (cli.dump) {
		status = dump(&cli, &suite);
		goto out;
	}
	if (cli.kernel && !cli.list) {
		status = run_in_vm(&cli, argc, orig_argv);
		goto out;
	}
	if (!cli.list && (status = own_user_namespace()) != 0)
		goto out;
	status = load_profiles(&cli, profiles, &n_profiles);
	if (status)
		goto out;
	if (cli.baseline && tc_baseline_load(cli.baseline, &bl, &err) < 0) {
		print_error(&err);
		status = TC_EXIT_USAGE;
		goto out;
	}
	/* Rewriting a baseline keeps its reasons: read the old one. */
	if (cli.write_baseline && !cli.baseline && access(cli.write_baseline, F_OK) == 0 &&
	    tc_baseline_load(cli.write_baseline, &old_bl, &err) < 0) {
		print_error(&err);
		status = TC_EXIT_USAGE;
		goto out;
	}
	if (tc_suite_plan(&suite, profiles, n_profiles, cli.ip_versions, cli.n_ip_versions,
			  cli.shard_k, cli.shard_n, &err) < 0) {
		print_error(&err);
		status = TC_EXIT_USAGE;
		goto out;
	}
	if (cli.list) {
		for (int i = 0; i < suite.n_cases; i++)
			printf("%s %s\n", suite.columns[suite.cases[i].column].label,
			       suite.scripts[suite.cases[i].script]);
		goto out;
	}
	if ((cli.junit && open_report(&junit, cli.junit) < 0) ||
	    (cli.json && open_report(&json, cli.json) < 0)) {
		status = TC_EXIT_USAGE;
		goto out;
	}
	if (cli.pcap_dir) {
		char cwd[4096];

		if (cli.pcap_dir[0] != '/' && getcwd(cwd, sizeof(cwd)))
			strbuf_addf(&pcap_dir, "%s/", cwd);
		strbuf_addstr(&pcap_dir, cli.pcap_dir);
	}

	memset(&ui, 0, sizeof(ui));
	ui.cli = &cli;
	ui.h = cli.tap ? stderr : stdout;
	ui.stream = !cli.suite;
	ui.tty = cli.suite && isatty(fileno(ui.h));
	ui.bl = bl;
	ui.width = 80;
	if (ui.tty) {
		struct winsize ws;

		if (ioctl(fileno(ui.h), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
			ui.width = ws.ws_col;
	}
	memset(&ro, 0, sizeof(ro));
	ro.jobs = cli.suite ? (cli.jobs ? cli.jobs : default_jobs()) : 1;
	ro.timeout_s = cli.timeout_s;
	ro.retries = cli.retries;
	ro.late_retries = cli.late_retries;
	ro.opts = cli.opts;
	ro.n_opts = cli.n_opts;
	ro.pcap_dir = cli.pcap_dir ? pcap_dir.buf : NULL;
	ro.pcap_on_fail = cli.pcap_on_fail;
	ro.stream = !cli.suite;
	ro.in_guest = suite.accel[0] != '\0';
	ro.variants = cli.variants;
	ro.on_start = ui_start;
	ro.on_output = ui_output;
	ro.on_done = ui_done;
	ro.expected = bl ? ui_expected : NULL;
	ro.arg = &ui;
	ro.stop = &got_signal;
	if (cli.tap)
		tc_report_tap_plan(stdout, suite.n_cases);

	tc_phase("suite");
	rc = tc_suite_run(&suite, &ro, &err);
	tc_phase("ran");
	if (ui.tty)
		fputs("\r\033[K", ui.h);
	if (rc < 0) {
		print_error(&err);
		status = worse(status, tc_error_exit_code(&err));
	}
	if (cli.tap && (suite.interrupted || rc < 0))
		tc_report_tap_bail(stdout, suite.interrupted ? "interrupted" : err.msg);
	/* Which setting changed an outcome: reruns under subsets of the
	 * profile's keys (attrib.h). */
	if (rc == 0 && !suite.interrupted && cli.suite &&
	    tc_attribute(&suite, &ro, cli.attribute_runs, &err) < 0) {
		print_error(&err);
		status = worse(status, tc_error_exit_code(&err));
	}

	memset(&info, 0, sizeof(info));
	info.version = TC_VERSION;
	info.jobs = ro.jobs;
	info.timeout_s = ro.timeout_s;
	info.retries = ro.retries;
	info.baseline_file = cli.baseline;
	info.baseline_kernel = tc_baseline_kernel(bl);
	info.baseline_config = tc_baseline_config(bl);
	info.baseline_accel = tc_baseline_accel(bl);
	if (bl) {
		sd = calloc((size_t)suite.n_profiles + 1, sizeof(*sd));
		if (!sd)
			abort();
		for (int i = 0; i < suite.n_profiles; i++)
			tc_baseline_settings_diff(bl, suite.profiles[i], &sd[i]);
		info.settings = sd;
	}
	info.argc = argc;
	info.argv = argv;
	if (cli.suite || suite.n_cases > 1)
		tc_report_summary(ui.h, &suite, &info);
	if (junit.f)
		tc_report_junit(junit.f, &suite, &info);
	if (json.f)
		tc_report_json(json.f, &suite, &info);
	/* Both are closed, whatever the first says. */
	rc_junit = close_report(&junit, cli.junit);
	rc_json = close_report(&json, cli.json);
	if (rc_junit < 0 || rc_json < 0)
		status = worse(status, TC_EXIT_ENV);
	if (cli.write_baseline) {
		if (suite.interrupted || rc < 0) {
			fprintf(stderr, "error: not writing baseline '%s': the run did not finish\n",
				cli.write_baseline);
		} else if (tc_baseline_write(cli.write_baseline, &suite, bl ? bl : old_bl,
					     &err) < 0) {
			print_error(&err);
			status = worse(status, TC_EXIT_ENV);
		} else {
			fprintf(ui.h, "wrote baseline %s (%d runs, kernel %s)\n",
				cli.write_baseline, suite.n_cases, suite.kernel_release);
		}
	}
	status = worse(status, suite_status(&cli, &suite));
	if (suite.timing_note[0])
		fprintf(stderr, "note: %s\n", suite.timing_note);
out:
	tc_outfile_abort(&junit);
	tc_outfile_abort(&json);
	for (int i = 0; sd && i < suite.n_profiles; i++)
		tc_settings_diff_release(&sd[i]);
	free(sd);
	tc_suite_release(&suite);
	for (int i = 0; i < n_profiles; i++)
		tc_profile_free(profiles[i]);
	tc_baseline_free(bl);
	tc_baseline_free(old_bl);
	strbuf_release(&pcap_dir);
	free(cli.inputs);
	free(cli.host_only);
	for (int i = 0; i < argc; i++)
		free(orig_argv[i]);
	free(orig_argv);
	fflush(NULL);
	tc_phase("end");
	return status;
}
