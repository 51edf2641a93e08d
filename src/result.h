/*
 * result.h: the result model: what a suite run found, case by case.
 *
 * A suite is scripts times columns (a profile and an IP version); each
 * pair is a case with its outcome.  runner.c plans the suite and fills
 * the outcomes, attrib.c the reference outcome and cause, baseline.c the
 * judgement; report.c and baseline.c read it.  Nothing here runs or
 * prints anything.
 *
 * Ownership: struct tc_suite owns its scripts, columns and cases; the
 * profiles are borrowed.  tc_suite_init() and tc_suite_release() are the
 * runner's (runner.h), which keeps per-script state of its own in it.
 */
#ifndef TC_RESULT_H
#define TC_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "strbuf.h"

struct tc_prep;
struct tc_profile;

enum tc_outcome {
	TC_OUT_NONE = 0,	/* not run (interrupted) */
	TC_OUT_PASS,
	TC_OUT_FAIL,
	TC_OUT_ERROR,
	TC_OUT_TIMEOUT,
	TC_OUT_SKIP,
	TC_OUT_LATE,		/* tcpconform missed its own schedule: no verdict */
};

/* "pass", "fail", ... ("none" for TC_OUT_NONE). */
const char *tc_outcome_name(enum tc_outcome o);
/* The outcome named s, or -1. */
int tc_outcome_parse(const char *s);

/* How a finished case compares with the baseline (baseline.c). */
enum tc_judgement {
	TC_BL_NONE = 0,		/* no baseline given */
	TC_BL_SAME,		/* as recorded */
	TC_BL_DIFF,		/* differs, or not recorded */
};

struct tc_column {
	int profile;		/* index into the suite's profiles */
	int ip_version;		/* TC_IPV4, TC_IPV6, TC_IPV4_MAPPED_IPV6, or 0:
				 * as the script says (no column option) */
	char *label;		/* "rfc-strict", "rfc-strict/ipv6" */
};

/*
 * The event record of one run: for each script event reached, what the
 * script asked for and what happened, on one time axis (microseconds
 * since the run's script time began; -1: none).  The engine fills it in
 * the run's child (config.h's record); the child sends it to the runner
 * as text (tc_record_write, one line per event) after its message, and
 * the runner keeps it with the case.  A run that fails early has the
 * events up to the failing one.  --html draws it (html.h).
 */
enum tc_rec_kind {
	TC_REC_IN = 'i',	/* an inbound packet, injected */
	TC_REC_OUT = 'o',	/* an outbound packet, captured */
	TC_REC_SYSCALL = 's',
	TC_REC_COMMAND = 'c',	/* a shell command */
	TC_REC_CODE = 'p',	/* a %{ }% block (collected, run at the end) */
};

struct tc_rec_event {
	int line, col;
	char kind;		/* enum tc_rec_kind */
	bool failed;		/* the run failed at this event */
	bool any_time;		/* '*': no window */
	int64_t due_us, due_end_us;	/* the window's start and end */
	int64_t tol_us;		/* the tolerance either side */
	int64_t at_us;		/* injected, captured, began */
	int64_t end_us;		/* a call or command returned */
	char *expected;		/* the script's packet, or the line's text */
	char *actual;		/* the packet seen (script numbers), or NULL */
	char *field;		/* what differed ("ack", "time"), or NULL */
	char *message;		/* the failure's first line, or NULL */
};

struct tc_record {
	struct tc_rec_event *ev;
	int n, cap;
};

/* A new event at the end (zeroed; times -1).  Its strings are the
 * record's: set them with tc_rec_set. */
struct tc_rec_event *tc_record_add(struct tc_record *r);
void tc_rec_set(char **field, const char *value);
void tc_record_release(struct tc_record *r);
/* As text: one line per event, tab-separated; control characters in the
 * strings become spaces.  tc_record_read takes what tc_record_write
 * wrote (lines it cannot read are skipped) and appends to r. */
void tc_record_write(const struct tc_record *r, struct strbuf *out);
void tc_record_read(struct tc_record *r, const char *text);

struct tc_case {
	int script;		/* index into scripts */
	int column;		/* index into columns */
	int number;		/* 1-based, in the whole suite before sharding */

	enum tc_outcome outcome;
	int exit_code;		/* error.h's code for this run: 0..4 */
	bool crashed;		/* a signal or exit 3: never expected */
	bool flaky;		/* passed on a retry */
	int attempts;
	int late_attempts;	/* attempts that ended late */
	char *message;		/* the first failing line, or the skip reason */
	char *flaky_message;	/* the first attempt's failure, when flaky */
	struct strbuf output;	/* what the run printed (every attempt) */
	double seconds;		/* the last attempt's wall time */
	double started;		/* seconds since the suite started */
	char *pcap;		/* the kept capture, or NULL */
	struct tc_record *record;	/* the last attempt's events, or NULL
					 * (only when the runner asked) */

	/* Filled by attrib.c: the outcome under the kernel's defaults (-1:
	 * unknown) and, when this one differs, the setting(s) of the
	 * profile that make the difference (or why none was found). */
	int ref_outcome;
	char *cause;

	enum tc_judgement judgement;
	int bl_outcome;		/* the recorded outcome, or -1 */
	const char *bl_reason;	/* the recorded reason, or NULL; borrowed */
};

struct tc_suite {
	char **scripts;
	int n_scripts;
	/* Set before tc_suite_add_path: a directory named "slow" below a
	 * directory given is searched too (the slow tier).  Naming a slow
	 * directory or a script in it runs it either way. */
	bool with_slow;
	struct tc_profile **profiles;	/* borrowed */
	int n_profiles;
	struct tc_column *columns;
	int n_columns;
	struct tc_case *cases;		/* the selected cases, in order */
	int n_cases;
	int n_total;			/* cases before sharding */
	int shard_k, shard_n;		/* 1/1 when not sharded */

	char kernel_release[128];	/* uname */
	char kernel_version[256];
	char machine[72];
	/* Set by main.c for the reports: the accelerator inside tcpconform
	 * --kernel's guest ("kvm", "tcg"; "" natively), the SHA-256 of the
	 * kernel's /proc/config.gz contents ("" without one), and a note when
	 * the timing tolerance was changed for this environment ("" if not). */
	char accel[8];
	char config_sha256[65];
	char timing_note[256];
	int attrib_runs;		/* extra runs made by attrib.c */
	double attrib_seconds;
	struct timespec started;	/* CLOCK_REALTIME */
	double seconds;
	bool interrupted;

	struct tc_prep *prep;		/* per script, private to runner.c */
};

/*
 * The label of a finished case, what every report shows: its outcome,
 * refined by the baseline and retries.  xfail: a fail, error or timeout
 * the baseline expects; xpass: a pass where the baseline expects
 * something else; flaky: passed on a retry; not run: interrupted first.
 */
enum tc_label {
	TC_LABEL_NOT_RUN = 0,	/* "-" */
	TC_LABEL_PASS,
	TC_LABEL_FLAKY,
	TC_LABEL_XPASS,
	TC_LABEL_FAIL,
	TC_LABEL_ERROR,
	TC_LABEL_TIMEOUT,
	TC_LABEL_XFAIL,
	TC_LABEL_SKIP,
	TC_LABEL_LATE,
};

enum tc_label tc_case_label(const struct tc_case *c);
/* "pass", "xfail", ... ("-" for TC_LABEL_NOT_RUN). */
const char *tc_label_name(enum tc_label l);

#endif
