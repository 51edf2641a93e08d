/*
 * proc.h: start child processes and wait for them.
 *
 * Every fork in tcpconform goes through tc_proc_fork(): the child is set
 * up here (death signal, own process group or session, ordinary
 * scheduling, standard descriptors) before the caller's own code runs, so
 * each of those is written once.  tc_proc_wait() and tc_proc_read_all()
 * retry on EINTR (the runner's signal handlers are installed without
 * SA_RESTART).  Nothing here prints or exits, except the child that cannot
 * be set up: it exits 127 at once.
 */
#ifndef TC_PROC_H
#define TC_PROC_H

#include <sys/types.h>

struct strbuf;

/* How tc_proc_fork() sets up the child (flags may be or-ed). */
enum tc_proc_flag {
	/* SIGKILL when the parent dies (PR_SET_PDEATHSIG); a child whose
	 * parent is already gone when that is set exits 127. */
	TC_PROC_DIE_WITH_PARENT = 1 << 0,
	TC_PROC_ORDINARY = 1 << 1,	/* SCHED_OTHER, priority 0, RLIMIT_RTPRIO 0 */
	TC_PROC_OWN_GROUP = 1 << 2,	/* setpgid(0, 0) */
	TC_PROC_OWN_SESSION = 1 << 3,	/* setsid() */
};

struct tc_proc_opts {
	unsigned flags;		/* enum tc_proc_flag */
	/* Made the child's descriptors 0, 1 and 2 (dup2; the originals stay
	 * open); -1 leaves one as it is.  A failed dup2 exits 127. */
	int fd_in, fd_out, fd_err;
};

/* fork() that sets the child up as o says (NULL: nothing to set up).
 * Returns the child's PID in the parent, 0 in the child, -1 with errno
 * when no child could be made.  Buffered stdio is not flushed. */
pid_t tc_proc_fork(const struct tc_proc_opts *o);

/* In a child: SIGKILL when the parent dies; if parent (> 0) is no longer
 * our parent, it died before that was set: _exit(code). */
void tc_proc_die_with_parent(pid_t parent, int code);

/* Back to SCHED_OTHER, with no RLIMIT_RTPRIO to take SCHED_FIFO back:
 * for a child of the realtime engine before exec. */
void tc_proc_ordinary_priority(void);

/* waitpid(pid, status, 0), retried on EINTR.  status may be NULL.
 * Returns 0, or -1 with errno. */
int tc_proc_wait(pid_t pid, int *status);

/* Append everything read from fd to out until EOF or an error other than
 * EINTR.  Returns 0 at EOF, -1 with errno on an error. */
int tc_proc_read_all(int fd, struct strbuf *out);

#endif
