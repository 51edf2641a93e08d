/*
 * phase.h: where a run's time goes, from the run's own clock (for bench/).
 *
 * With TCPCONFORM_PHASES=FILE in the environment, each process of a run
 * appends one line per milestone to FILE:
 *
 *     phase PID NAME MONOTONIC_NS
 *
 * (CLOCK_MONOTONIC, so a benchmark can set them against its own clock),
 * and one line per injected frame:
 *
 *     inject PID LINE WOKE SPUN WRITE SENT
 *
 * each the nanoseconds from the event's due time (CLOCK_REALTIME, the
 * engine's clock) to: the end of the timed sleep (0: no sleep), the end
 * of the spin that follows it, the start of the packet socket write, and
 * its return.  Without the variable these cost one branch.  The lines are
 * for bench/run; nothing else reads them and they may change with it.
 *
 * A run the suite runner prepared ahead records "prepared" when its
 * environment is made and it waits for its go, and "go" when it gets it
 * (then "start" after the jiffy edge, as any run).
 *
 * Each call is one write() on a descriptor opened O_APPEND at the first
 * call (inherited across fork, closed on exec), so processes of a run, and
 * runs side by side, do not tear each other's lines.
 */
#ifndef TC_PHASE_H
#define TC_PHASE_H

#include <stdint.h>

/* Record milestone name (a short word, no spaces) now. */
void tc_phase(const char *name);

/* Record one injection (see above); times are CLOCK_REALTIME ns. */
void tc_phase_inject(int line, int64_t due, int64_t woke, int64_t spun,
		     int64_t write, int64_t sent);

#endif
