/* proc.c: see proc.h. */
#include "proc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"

void tc_proc_die_with_parent(pid_t parent, int code)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (parent > 0 && getppid() != parent)
		_exit(code);
}

void tc_proc_ordinary_priority(void)
{
	struct sched_param sp = { .sched_priority = 0 };
	struct rlimit none = { 0, 0 };

	sched_setscheduler(0, SCHED_OTHER, &sp);
	/* Nor may the command take one back (chrt) by a user's
	 * RLIMIT_RTPRIO. */
	setrlimit(RLIMIT_RTPRIO, &none);
}

static void move_fd(int from, int to)
{
	if (from >= 0 && from != to && dup2(from, to) < 0)
		_exit(127);
}

pid_t tc_proc_fork(const struct tc_proc_opts *o)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid != 0 || !o)
		return pid;
	if (o->flags & TC_PROC_DIE_WITH_PARENT)
		tc_proc_die_with_parent(parent, 127);
	if (o->flags & TC_PROC_OWN_GROUP)
		setpgid(0, 0);
	if (o->flags & TC_PROC_OWN_SESSION)
		setsid();
	if (o->flags & TC_PROC_ORDINARY)
		tc_proc_ordinary_priority();
	move_fd(o->fd_in, 0);
	move_fd(o->fd_out, 1);
	move_fd(o->fd_err, 2);
	return 0;
}

int tc_proc_wait(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int tc_proc_read_all(int fd, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		strbuf_add(out, buf, (size_t)n);
	}
	return 0;
}
