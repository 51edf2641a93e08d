/*
 * engine.h: run one parsed script against the kernel, in time.
 *
 * Threading and timing model
 * --------------------------
 * Threads: the main thread walks the events in order; it injects inbound
 * segments, reads the capture, runs non-blocking system calls and shell
 * commands.  One syscall thread runs a blocking call (`start...end`) so the
 * script can go on while the call sleeps in the kernel; at most one is
 * outstanding.  The main thread hands a call over and waits until the
 * thread is seen sleeping (state 'S' in /proc/self/task/TID/stat) or done.
 * engine.blk is protected by engine.blk_lock; the connection state
 * (ports, ISN mapping) by its own lock inside conn.h's struct tc_conn,
 * since accept()/socket() on the syscall thread report new fds through a
 * callback.
 *
 * Clock: CLOCK_REALTIME in nanoseconds, because libpcap stamps captured
 * frames with the kernel's skb time, which is realtime.  Script time zero
 * is the moment the first event is due.
 *
 * When events happen: an absolute time T is due at start + T.  A relative
 * time +t is due t after the previous event finished live: an outbound
 * segment when it was captured, a non-blocking call when it returned, a
 * blocking call when its thread went to sleep, a command when it exited.
 * Two inbound segments in a row are chained to the previous one's due
 * time instead, so processing delays do not add up.
 *
 * Tolerance: tol = max(tolerance_usecs, tolerance_percent * gap), gap being
 * the script-time difference between this event and the previous one
 * (for a blocking call's return: between its start and end).  An outbound
 * segment must be captured within [due - tol, due_end + tol]; events we
 * start must not start later than due + tol.  A missing outbound segment
 * times out at due_end + tol + capture_wait (2 s).
 */
#ifndef TC_ENGINE_H
#define TC_ENGINE_H

#include "config.h"
#include "script.h"

struct tc_error;

/*
 * Run the script in fresh namespaces.  The calling process is changed for
 * good (it is moved into the kernel-under-test namespace, its working
 * directory becomes the script's folder), so call it in a child process
 * made for this one run.  Returns 0 when every line held, or -1 with err
 * filled: TC_ERR_VERIFY for a line that did not hold, TC_ERR_SCRIPT for a
 * script the engine cannot run, TC_ERR_ENV when the environment failed.
 */
int tc_engine_run(const struct tc_script *script, const struct tc_config *cfg,
		  struct tc_error *err);

#endif
