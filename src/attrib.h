/*
 * attrib.h: which setting of a profile changes a script's outcome.
 *
 * A run under a profile whose outcome differs from the same script's
 * outcome under the kernel's own defaults (a fresh namespace, nothing
 * set: the reference) was changed by some of the profile's settings.
 * tc_attribute() finds which, by running the script again under subsets
 * of the profile's keys (delta debugging):
 *
 *   1. the reference outcome: taken from a column of the suite whose
 *      profile sets nothing (same IP version), or run once;
 *   2. the profile's outcome again, under its keys whose value is not the
 *      kernel's default (the others change nothing): if it does not come
 *      again, the first was a one-off and no setting is named (nor when
 *      no key differs from the default at all); if one key differs, it is
 *      the cause;
 *   3. each of those keys alone: every key that alone gives the profile's
 *      outcome is a cause ("A", "A or B" when each alone does);
 *   4. if none does alone, the smallest set found by taking keys away
 *      from the whole profile in halves, quarters, ... while the outcome
 *      stays ("A and B": together).
 *
 * The cause is written into the case as "net.ipv4.tcp_fin_timeout = 15
 * (default 60)".  Runs of one step go in parallel (the suite's --jobs).
 * Every extra run counts against a budget; a case whose search would
 * exceed it gets no cause ("not searched: budget").  Late reruns follow
 * the suite's rules; a late or crashed extra run makes that test
 * inconclusive (treated as "the outcome did not stay").
 *
 * Only fail and timeout cases are searched, and pass cases when the
 * reference (from the suite) does not pass.  Nothing here prints.
 */
#ifndef TC_ATTRIB_H
#define TC_ATTRIB_H

#include "runner.h"

struct tc_error;

/*
 * Search causes for every case of s that qualifies, spending at most
 * budget extra runs (0: nothing is searched).  ro is the suite's run
 * options (jobs, timeout, options; its callbacks are not used).  Fills
 * c->ref_outcome and c->cause, and s->attrib_runs / attrib_seconds.
 * Returns 0, or -1 with err when runs cannot be made at all.
 */
int tc_attribute(struct tc_suite *s, const struct tc_run_opts *ro, int budget,
		 struct tc_error *err);

#endif
