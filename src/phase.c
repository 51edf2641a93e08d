/* phase.c: see phase.h. */
#include "phase.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* -2: not looked at yet; -1: off. */
static int phase_fd = -2;

static int out_fd(void)
{
	if (phase_fd == -2) {
		const char *path = getenv("TCPCONFORM_PHASES");

		phase_fd = path && *path ?
			   open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : -1;
	}
	return phase_fd;
}

static void put(const char *buf, int n)
{
	if (n > 0 && write(phase_fd, buf, (size_t)n) < 0)
		phase_fd = -1;
}

void tc_phase(const char *name)
{
	struct timespec ts;
	char buf[128];

	if (out_fd() < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	put(buf, snprintf(buf, sizeof(buf), "phase %d %s %" PRId64 "\n", (int)getpid(),
			  name, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec));
}

void tc_phase_inject(int line, int64_t due, int64_t woke, int64_t spun,
		     int64_t write, int64_t sent)
{
	char buf[160];

	if (out_fd() < 0)
		return;
	put(buf, snprintf(buf, sizeof(buf), "inject %d %d %" PRId64 " %" PRId64 " %" PRId64
			  " %" PRId64 "\n", (int)getpid(), line, woke ? woke - due : 0,
			  spun - due, write - due, sent - due));
}
