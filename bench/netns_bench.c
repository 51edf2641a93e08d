/*
 * netns_bench.c: how long one script run's namespace set-up and tear-down
 * take.  See bench/README.md.
 *
 *   netns_bench [-n ITERATIONS] [-w]
 *
 * Three loops of ITERATIONS (default 200) each, all as root:
 *   inproc  tc_netns_open() then tc_netns_close() in this process; close
 *           returns the thread to the host namespace, so the loop stays
 *           put.  Open and close are timed separately.
 *   wire    the same plus what the engine does on the wire side: open the
 *           pcap sniffer and the libnet injector there, close them.
 *   fork    each iteration a fresh child that opens, closes and exits;
 *           timed from fork() to waitpid() in the parent.
 * Times are CLOCK_MONOTONIC wall times; median, p99 and max per loop.
 * Namespace destruction is asynchronous in the kernel (cleanup_net runs
 * from a workqueue): close returns before the namespaces are gone, and
 * back-to-back iterations pay for the previous ones' clean-up.  -w waits
 * after each close until the last iteration's wire0 is gone and reports
 * that time too.
 */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "inject.h"
#include "netns.h"
#include "sniff.h"

static const struct tc_netns_config cfg = {
	.dev_name = "tun0",
	.wire_name = "wire0",
	.family = AF_INET,
	.local_ip = "192.168.0.1",
	.local_prefix = 16,
	.remote_ip = "192.0.2.1",
	.remote_prefix = 24,
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void report(const char *name, int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp64);
	printf("%-22s median %8.3f ms   p99 %8.3f ms   max %8.3f ms\n", name,
	       (double)v[n / 2] / 1e6, (double)v[(n * 99 + 99) / 100 - 1] / 1e6,
	       (double)v[n - 1] / 1e6);
}

struct wire {
	struct tc_sniff *sn;
	struct tc_inject *inj;
};

static int open_wire(void *arg, struct tc_error *err)
{
	struct wire *w = arg;

	if (tc_sniff_open("wire0", "tcp", &w->sn, err) < 0)
		return -1;
	return tc_inject_open("wire0", &w->inj, err);
}

static int hold(void *arg, struct tc_error *err)
{
	(void)err;
	*(int *)arg = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	return 0;
}

/* Wait until the namespace held by fd has lost wire0 (its peer's
 * namespace died), then drop fd. */
static int64_t wait_gone(int fd, int host_fd)
{
	int64_t t0 = mono_ns();

	setns(fd, CLONE_NEWNET);
	while (if_nametoindex("wire0"))
		usleep(200);
	setns(host_fd, CLONE_NEWNET);
	close(fd);
	return mono_ns() - t0;
}

int main(int argc, char **argv)
{
	int n = 200, opt, host_fd;
	bool wait = false;
	int64_t *open_t, *close_t, *total, *gone;
	struct tc_error err;

	while ((opt = getopt(argc, argv, "n:w")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'w')
			wait = true;
		else {
			fprintf(stderr, "usage: netns_bench [-n ITERATIONS] [-w]\n");
			return 2;
		}
	}
	if (n < 1)
		n = 1;
	open_t = calloc((size_t)n, sizeof(*open_t));
	close_t = calloc((size_t)n, sizeof(*close_t));
	total = calloc((size_t)n, sizeof(*total));
	gone = calloc((size_t)n, sizeof(*gone));
	host_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!open_t || !close_t || !total || !gone || host_fd < 0) {
		perror("netns_bench");
		return 4;
	}
	tc_error_clear(&err);

	for (int i = 0; i < n; i++) {
		struct tc_netns *ns;
		int fd = -1;
		int64_t t0 = mono_ns(), t1, t2;

		if (tc_netns_open(&cfg, &ns, &err) < 0) {
			fprintf(stderr, "error: %s\n", err.msg);
			return 4;
		}
		t1 = mono_ns();
		if (wait)
			tc_netns_in_wire(ns, hold, &fd, &err);
		tc_netns_close(ns);
		t2 = mono_ns();
		open_t[i] = t1 - t0;
		close_t[i] = t2 - t1;
		total[i] = t2 - t0;
		if (wait)
			gone[i] = wait_gone(fd, host_fd);
	}
	printf("%d iterations each\n", n);
	report("inproc open", open_t, n);
	report("inproc close", close_t, n);
	report("inproc open+close", total, n);
	if (wait)
		report("inproc close->gone", gone, n);

	for (int i = 0; i < n; i++) {
		struct tc_netns *ns;
		struct wire w = { NULL, NULL };
		int64_t t0 = mono_ns();

		if (tc_netns_open(&cfg, &ns, &err) < 0 ||
		    tc_netns_in_wire(ns, open_wire, &w, &err) < 0) {
			fprintf(stderr, "error: %s\n", err.msg);
			return 4;
		}
		tc_inject_close(w.inj);
		tc_sniff_close(w.sn);
		tc_netns_close(ns);
		total[i] = mono_ns() - t0;
	}
	report("wire open+close", total, n);

	for (int i = 0; i < n; i++) {
		int64_t t0 = mono_ns();
		int status;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct tc_netns *ns;

			if (tc_netns_open(&cfg, &ns, &err) < 0)
				_exit(4);
			tc_netns_close(ns);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "error: child failed\n");
			return 4;
		}
		total[i] = mono_ns() - t0;
	}
	report("fork+open+close+exit", total, n);

	free(open_t);
	free(close_t);
	free(total);
	free(gone);
	close(host_fd);
	return 0;
}
