/*
 * runner.h: the suite runner: scripts times profiles, N runs at a time.
 *
 * A suite is a list of scripts (files, and directories searched
 * recursively for *.pkt in byte order of their paths) and a list of
 * columns: one per profile and IP version.  Each (script, column) pair is
 * a case; the cases are numbered script-major, so the order is stable and
 * does not depend on how many run at once.  --shard K/N keeps the cases
 * whose number is K-1 modulo N.
 *
 * Runs start at least TC_RUN_START_GAP_MS apart: making two namespaces
 * and a veth pair is CPU-heavy and serialized in the kernel (rtnl), and
 * many setups at once delay the timed events of the runs already going
 * (a few milliseconds of tolerance), so outcomes would depend on --jobs.
 * Once set up, a run mostly sleeps, so many can be in flight; but a new
 * one starts only while, over the last 100 ms, at least
 * TC_ADMIT_IDLE_CPUS CPUs were idle (/proc/stat) or tasks waited for a
 * CPU less than TC_ADMIT_PRESSURE of the time (/proc/pressure/cpu), so
 * that fewer than --jobs run at once on a machine that is already busy.
 * Those readings change once a window, so the gap is also what keeps one
 * reading of "idle" from admitting a burst: smaller gaps made more runs
 * late (bench/README.md, fourth round).
 *
 * While runs execute, the next cases' runs are prepared ahead (at most
 * min(jobs, 2)): forked early, each makes its fresh environment and
 * waits before its first event until admission lets it go (runner.c,
 * prepare_ahead).  A case's start is that go.
 *
 * Each run is one forked child: it moves itself into fresh namespaces
 * (tc_engine_run), in a process group of its own, so a timeout or an
 * interrupt kills the run and every command it started with one
 * kill(-pgid).  The child's stderr (and, in suite mode, its stdout) comes
 * back through a pipe; the first line of its error message comes back
 * through a second one, and after it (opts->record) a newline and the
 * run's event record (result.h), kept as the case's record.  Nothing outlives the run: the namespaces are
 * unnamed and die with their last process.
 *
 * A script is parsed once, in the parent, when its first case starts (with
 * more than one job, every script before the first start, to start the
 * longest first); a script that does not parse is an error outcome in
 * every column.
 *
 * Outcomes: pass, fail (exit 1), error (a bad script, exit 2; a crash; an
 * environment failure, exit 4), timeout (the per-run limit), skip (with a
 * reason: a --variants rule, or a Requires: line that does not hold),
 * late (tcpconform itself missed an event's due time by more than the
 * tolerance: the run says nothing about the kernel).  A late run runs
 * again, up to late_retries times, whatever retries says; it stays late
 * only when every attempt was.  With retries, a fail or timeout runs
 * again, unless the caller's expected hook says it expects that outcome
 * (a baseline records it: a rerun would waste time, and a later pass
 * would differ); a later pass makes the case flaky (its outcome is pass).
 * The baseline fields are filled by baseline.c.
 *
 * Ownership: struct tc_suite owns its scripts, columns and cases; the
 * profiles are borrowed.  Nothing here exits or prints in the calling
 * process: callbacks report progress to the caller, which prints.  Only
 * the forked child of a run writes (its error message, to its own stderr,
 * which is the pipe) and ends with _exit().
 */
#ifndef TC_RUNNER_H
#define TC_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "profile.h"
#include "result.h"
#include "strbuf.h"

struct tc_error;

#define TC_RUN_START_GAP_MS 25
#define TC_ADMIT_IDLE_CPUS 0.5
#define TC_ADMIT_PRESSURE 0.5
/* The most of a run's event record the runner takes: 4 MiB. */
#define TC_RECORD_MAX ((size_t)4 << 20)

/* A config option from the command line: applied after the script's own
 * option lines, so it wins. */
struct tc_opt_pair {
	const char *name;
	const char *value;
};

struct tc_run_opts {
	int jobs;		/* runs at once, >= 1 */
	int timeout_s;		/* per run */
	int retries;		/* reruns of a fail or timeout */
	int late_retries;	/* reruns of a run that ended late */
	const struct tc_opt_pair *opts;
	int n_opts;
	const char *pcap_dir;	/* absolute; NULL: no captures */
	bool pcap_on_fail;	/* keep captures of runs that did not pass */
	bool pcapng;		/* captures as pcapng, with script lines (.pcapng) */
	bool record;		/* keep each run's event record (result.h) */
	/* --variants: a case whose column's IP version the script does not
	 * run in (run_all.py's rules: a *v4.pkt file has no ipv6 variant, a
	 * *v6.pkt file only that one; an --ip_version line pins its version)
	 * is skipped, with the reason. */
	bool variants;
	/* Single-run compatibility: the child's stdout stays ours and its
	 * stderr is handed to on_output as it comes. */
	bool stream;
	/* In a --kernel guest the VM is the sandbox: runs stay in the
	 * guest's user namespace, where a script may load modules. */
	bool in_guest;

	void (*on_start)(void *arg, const struct tc_suite *s, const struct tc_case *c);
	void (*on_output)(void *arg, const struct tc_case *c, const char *buf, size_t len);
	void (*on_done)(void *arg, const struct tc_suite *s, struct tc_case *c);
	/* Or NULL: is outcome o (a fail or timeout) of case c what the caller
	 * expects?  Then it is final: retries does not rerun it. */
	bool (*expected)(void *arg, const struct tc_suite *s, const struct tc_case *c,
			 enum tc_outcome o);
	void *arg;
	volatile sig_atomic_t *stop;	/* set from a signal handler: stop now */
};

/* An empty suite; release frees what the suite owns (and the runner's
 * per-script state) and leaves it empty. */
void tc_suite_init(struct tc_suite *s);
void tc_suite_release(struct tc_suite *s);

/*
 * Add a script file, or every *.pkt under a directory (recursively, dot
 * entries skipped, symlinked directories not followed, at most 64 levels
 * down).  A path that is not a directory is taken as a script as given,
 * and so is a *.pkt under a directory that is not a regular file (a
 * missing file, a FIFO is then an error outcome when it is read).
 * Returns 0, or -1 with err (TC_ERR_SCRIPT) for a directory, or one
 * below it, that cannot be read, a directory with no script, and a
 * script path with a control character (a newline would break every
 * line-based report and the baseline).
 */
int tc_suite_add_path(struct tc_suite *s, const char *path, struct tc_error *err);

/*
 * Make the columns (each profile, times each IP version in ip_versions)
 * and the cases, then keep shard k of n (1 <= k <= n).  Also reads the
 * kernel's release.  Returns 0, or -1 with err.
 */
int tc_suite_plan(struct tc_suite *s, struct tc_profile **profiles, int n_profiles,
		  const int *ip_versions, int n_ip_versions, int shard_k, int shard_n,
		  struct tc_error *err);

/*
 * Run every case.  Returns 0 when every case ran or was skipped, or when
 * *opts->stop was set (then s->interrupted is true and unfinished cases
 * keep TC_OUT_NONE); -1 with err (TC_ERR_ENV) when the runner itself
 * cannot go on (fork or pipe failed).
 */
int tc_suite_run(struct tc_suite *s, const struct tc_run_opts *opts,
		 struct tc_error *err);

#endif
