/*
 * report.h: rendering results.  Every function writes to the FILE* (or
 * strbuf) it is given and nothing else; main.c decides where.
 *
 * One result structure (struct tc_suite, result.h) feeds every format:
 *   terminal   a progress line (TTY) or one plain line per run, then the
 *              matrix of scripts times profiles, each failure with its first
 *              message, the baseline differences, and a closing line
 *              "N passed, N failed, N skipped";
 *   TAP 13     streamed in case order, readable by prove and by kselftest's
 *              KTAP parsers: "ok N name", "not ok N name" with "# " lines,
 *              "# SKIP reason", "# XFAIL reason" (an expected failure);
 *   JUnit XML  one testsuite per profile, one testcase per script;
 *   JSON       everything, with timings and the kernel release.
 *
 * Each case is shown by its label (enum tc_label, result.h): pass, fail,
 * error, timeout, skip; with a baseline, xfail (a non-pass outcome the
 * baseline expects) and xpass (a pass where the baseline expects
 * something else); flaky (passed on a retry).
 */
#ifndef TC_REPORT_H
#define TC_REPORT_H

#include <stdio.h>

#include "result.h"

struct tc_settings_diff;

/* Does this case fail the command (before the exit-code ranking)? */
struct tc_counts {
	int passed, failed, skipped, not_run;
	int errors, timeouts, crashed, flaky, late, expected, differ;
};
void tc_report_count(const struct tc_suite *s, struct tc_counts *n);

/* Terminal.  done: cases finished so far; running: the case just
 * started, or NULL; width: the terminal's columns. */
void tc_report_progress(FILE *f, const struct tc_suite *s, int done,
			const struct tc_case *running, int width);
void tc_report_line(FILE *f, const struct tc_suite *s, const struct tc_case *c,
		    int done);
/* Matrix, failures, flaky runs, baseline differences, closing line. */
struct tc_report_info {
	const char *version;
	int jobs, timeout_s, retries;
	const char *baseline_file;	/* or NULL */
	const char *baseline_kernel;	/* or NULL */
	const char *baseline_config;	/* "sha256:HEX", or NULL */
	const char *baseline_accel;	/* or NULL */
	/* Per profile of the suite (its order), how the settings differ
	 * from the baseline's record (baseline.h), or NULL. */
	const struct tc_settings_diff *settings;
	int argc;
	char **argv;
};
void tc_report_summary(FILE *f, const struct tc_suite *s,
		       const struct tc_report_info *info);

/* TAP: the header and plan, one case (k: its position in the stream),
 * and a bail-out line. */
void tc_report_tap_plan(FILE *f, int n);
void tc_report_tap_case(FILE *f, const struct tc_suite *s, const struct tc_case *c,
			int k);
void tc_report_tap_bail(FILE *f, const char *why);

void tc_report_junit(FILE *f, const struct tc_suite *s,
		     const struct tc_report_info *info);
void tc_report_json(FILE *f, const struct tc_suite *s,
		    const struct tc_report_info *info);

#endif
