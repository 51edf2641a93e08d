/*
 * baseline.h: the expected outcome of every (script, profile) run, as a
 * line-oriented, diff-friendly text file; the CI gate for a kernel or
 * sysctl change.
 *
 *   # tcpconform baseline ...          comments ('#') and blank lines
 *   kernel 6.18.44-fc-v669             the release it was recorded on
 *   pass     linux-default  scripts/handshake/passive-open.pkt
 *   fail     rfc-strict     scripts/x.pkt  # why this is expected
 *
 * One line per run: OUTCOME PROFILE SCRIPT, white space between, then an
 * optional "# REASON" that a human fills in for a run that does not pass.
 * OUTCOME is pass, fail, error, timeout or skip; PROFILE is the column
 * label ("rfc-strict", "rfc-strict/ipv6"); in SCRIPT, a space, tab, '#'
 * or '%' is written %20, %09, %23, %25.  Lines are in the suite's order.
 *
 * A run is as expected when its outcome equals the recorded one (a flaky
 * pass is a pass).  A run the baseline does not list, or a crash, always
 * differs.  Runs the baseline lists but this invocation did not make (a
 * shard, a smaller suite) are not judged.
 *
 * Ownership: tc_baseline_free() accepts NULL; a judged case borrows its
 * reason from the baseline, so free the baseline after the reports.
 */
#ifndef TC_BASELINE_H
#define TC_BASELINE_H

#include "runner.h"

struct tc_error;
struct tc_baseline;

/* Read a baseline.  Returns 0 and *out, or -1 with err (TC_ERR_SCRIPT,
 * file and line). */
int tc_baseline_load(const char *path, struct tc_baseline **out,
		     struct tc_error *err);
void tc_baseline_free(struct tc_baseline *b);

/* The kernel release recorded in b, or NULL. */
const char *tc_baseline_kernel(const struct tc_baseline *b);
/* The recorded kernel configuration ("sha256:HEX") and accelerator
 * ("kvm", "tcg": a --kernel guest), or NULL when not recorded. */
const char *tc_baseline_config(const struct tc_baseline *b);
const char *tc_baseline_accel(const struct tc_baseline *b);

/* Judge one finished case against b: fills c->judgement, bl_outcome and
 * bl_reason.  A case that did not run (TC_OUT_NONE) is not judged. */
void tc_baseline_judge(const struct tc_baseline *b, const struct tc_suite *s,
		       struct tc_case *c);

/*
 * Write the suite's finished runs as a baseline to path (through a
 * temporary file and rename).  Reasons are kept from old (may be NULL)
 * for runs whose outcome did not change; a new non-pass run gets its
 * first message as a placeholder reason to be replaced by a human.
 * Returns 0, or -1 with err (TC_ERR_ENV).
 */
int tc_baseline_write(const char *path, const struct tc_suite *s,
		      const struct tc_baseline *old, struct tc_error *err);

#endif
