/*
 * fork_floor.c: what one fork costs on this machine, the floor under a
 * run's three (the run, its PID 1, the script's PID 2).  See
 * bench/README.md.
 *
 *   fork_floor [-n ITERATIONS]
 *
 * Each iteration forks a child that writes its first CLOCK_MONOTONIC
 * reading to a pipe and exits; the parent reports fork() to the child's
 * first instruction, and the child's exit to waitpid()'s return: median,
 * p90 and max in milliseconds.  Built against libtc and tcpconform's
 * libraries (README's command), the process maps what tcpconform maps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-28s median %.3f ms, p90 %.3f ms, max %.3f ms\n", what, v[n / 2],
	       v[n * 9 / 10], v[n - 1]);
}

int main(int argc, char **argv)
{
	int n = 200;
	double *start, *reap;

	if (argc == 3 && !strcmp(argv[1], "-n"))
		n = atoi(argv[2]);
	if (n < 10) {
		fprintf(stderr, "usage: fork_floor [-n ITERATIONS (10 or more)]\n");
		return 2;
	}
	start = calloc((size_t)n, sizeof(*start));
	reap = calloc((size_t)n, sizeof(*reap));
	if (!start || !reap)
		return 1;
	for (int i = 0; i < n; i++) {
		int p[2];
		double t0, tc = 0, t1;
		pid_t pid;

		if (pipe(p) < 0)
			return 1;
		t0 = now_ms();
		pid = fork();
		if (pid == 0) {
			double t = now_ms();

			(void)!write(p[1], &t, sizeof(t));
			_exit(0);
		}
		if (pid < 0 || read(p[0], &tc, sizeof(tc)) != sizeof(tc))
			return 1;
		t1 = now_ms();
		waitpid(pid, NULL, 0);
		start[i] = tc - t0;
		reap[i] = now_ms() - t1;
		close(p[0]);
		close(p[1]);
	}
	report("fork() to the child running", start, n);
	report("child's exit to reaped", reap, n);
	free(start);
	free(reap);
	return 0;
}
