/*
 * baseline.h: the expected outcome of every (script, profile) run, as a
 * line-oriented, diff-friendly text file; the CI gate for a kernel or
 * sysctl change.
 *
 *   # tcpconform baseline ...          comments ('#') and blank lines
 *   kernel 6.18.44-fc-v669             the release it was recorded on
 *   setting rfc-strict net.ipv4.tcp_rfc1337 = 1
 *   setting default -
 *   pass     linux-default  scripts/handshake/passive-open.pkt
 *   fail     rfc-strict     scripts/x.pkt  # why this is expected
 *
 * "setting PROFILE KEY = VALUE" records one setting of a profile of the
 * run (its name, as struct tc_profile has it), in the profile's order;
 * VALUE is the rest of the line, white space around it dropped, inside it
 * kept ("4096 131072 6291456"), no comment.  "setting PROFILE -" records a
 * profile with no settings.  A profile without any setting line is not
 * recorded (a baseline from before these lines): its settings are not
 * compared.  A key, or the '-', listed twice for one profile is an error;
 * "net.ipv4.x" and "net/ipv4/x" are the same key.  A changed setting is
 * no difference by itself (the exit status follows the outcomes); the
 * reports name it, and name it again at each difference of that profile.
 *
 * One line per run: OUTCOME PROFILE SCRIPT, white space between, then an
 * optional "# REASON" that a human fills in for a run that does not pass.
 * OUTCOME is pass, fail, error, timeout or skip; PROFILE is the column
 * label ("rfc-strict", "rfc-strict/ipv6"); in SCRIPT, a space, tab, '#'
 * or '%' is written %20, %09, %23, %25.  Lines are in the suite's order.
 *
 * A run is as expected when its outcome equals the recorded one (a flaky
 * pass is a pass; with retries, the runner does not rerun a fail or
 * timeout the baseline records, see tc_baseline_expects).  A run the baseline does not list, or a crash, always
 * differs.  Runs the baseline lists but this invocation did not make (a
 * shard, a smaller suite) are not judged.
 *
 * Ownership: tc_baseline_free() accepts NULL; a judged case borrows its
 * reason from the baseline, so free the baseline after the reports.
 */
#ifndef TC_BASELINE_H
#define TC_BASELINE_H

#include "result.h"

struct tc_error;
struct tc_baseline;
struct tc_profile;

/* Read a baseline.  Returns 0 and *out, or -1 with err (TC_ERR_SCRIPT,
 * file and line). */
int tc_baseline_load(const char *path, struct tc_baseline **out,
		     struct tc_error *err);
/* As tc_baseline_load for a file's len bytes already in memory (the
 * fuzzer's entry point): path names the file in messages, and is not
 * opened. */
int tc_baseline_parse(const char *path, const char *text, size_t len,
		      struct tc_baseline **out, struct tc_error *err);
void tc_baseline_free(struct tc_baseline *b);

/* The kernel release recorded in b, or NULL. */
const char *tc_baseline_kernel(const struct tc_baseline *b);
/* The recorded kernel configuration ("sha256:HEX") and accelerator
 * ("kvm", "tcg": a --kernel guest), or NULL when not recorded. */
const char *tc_baseline_config(const struct tc_baseline *b);
const char *tc_baseline_accel(const struct tc_baseline *b);

/* Does b record outcome o for case c?  (The runner's expected hook: such
 * a fail or timeout is not rerun.) */
bool tc_baseline_expects(const struct tc_baseline *b, const struct tc_suite *s,
			 const struct tc_case *c, enum tc_outcome o);

/* How profile p's settings now differ from b's record of them. */
struct tc_setting_change {
	const char *key;	/* the profile's spelling; the recorded one when removed */
	const char *was;	/* the recorded value; NULL: added since */
	const char *now;	/* the value now; NULL: removed since */
};
struct tc_settings_diff {
	bool recorded;		/* b has setting lines for the profile */
	struct tc_setting_change *changes; /* changed and added in the profile's
					    * order, then removed in b's */
	int n;			/* 0 when the same, or not recorded */
};
/* Fill *d (b may be NULL: not recorded).  The strings are borrowed from b
 * and p; release d with tc_settings_diff_release() before freeing them. */
void tc_baseline_settings_diff(const struct tc_baseline *b, const struct tc_profile *p,
			       struct tc_settings_diff *d);
void tc_settings_diff_release(struct tc_settings_diff *d);

/* Judge one finished case against b: fills c->judgement, bl_outcome and
 * bl_reason.  A case that did not run (TC_OUT_NONE) is not judged. */
void tc_baseline_judge(const struct tc_baseline *b, const struct tc_suite *s,
		       struct tc_case *c);

/*
 * Write the suite's profiles' settings and finished runs as a baseline to
 * path (through a temporary file and rename).  Reasons are kept from old (may be NULL)
 * for runs whose outcome did not change; a new non-pass run gets its
 * first message as a placeholder reason to be replaced by a human.
 * Returns 0, or -1 with err (TC_ERR_ENV).
 */
int tc_baseline_write(const char *path, const struct tc_suite *s,
		      const struct tc_baseline *old, struct tc_error *err);

#endif
