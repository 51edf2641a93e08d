/* runner.c: see runner.h. */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "fsutil.h"
#include "load.h"
#include "phase.h"
#include "proc.h"
#include "script.h"
#include "xalloc.h"

/* What the parent learnt about a script before its first run. */
enum prep_state { PREP_TODO = 0, PREP_OK, PREP_ERROR, PREP_SKIP };

#define N_IP_SLOTS 4	/* as the script says, ipv4, ipv4-mapped-ipv6, ipv6 */

struct tc_prep {
	enum prep_state state;
	struct tc_script *script;
	struct tc_config cfg;
	bool cfg_init;
	char *message;		/* PREP_ERROR, PREP_SKIP: first line */
	char *text;		/* the whole message, printed once */
	bool text_shown;
	int exit_code;
};

void tc_suite_init(struct tc_suite *s)
{
	memset(s, 0, sizeof(*s));
	s->shard_k = s->shard_n = 1;
}

void tc_suite_release(struct tc_suite *s)
{
	for (int i = 0; s->prep && i < s->n_scripts * N_IP_SLOTS; i++) {
		tc_script_free(s->prep[i].script);
		if (s->prep[i].cfg_init)
			tc_config_release(&s->prep[i].cfg);
		free(s->prep[i].message);
		free(s->prep[i].text);
	}
	for (int i = 0; i < s->n_scripts; i++)
		free(s->scripts[i]);
	free(s->prep);
	free(s->scripts);
	for (int i = 0; i < s->n_columns; i++)
		free(s->columns[i].label);
	free(s->columns);
	for (int i = 0; i < s->n_cases; i++) {
		free(s->cases[i].message);
		free(s->cases[i].flaky_message);
		free(s->cases[i].cause);
		free(s->cases[i].pcap);
		if (s->cases[i].record)
			tc_record_release(s->cases[i].record);
		free(s->cases[i].record);
		strbuf_release(&s->cases[i].output);
	}
	free(s->cases);
	tc_suite_init(s);
}

/* ---- collecting scripts --------------------------------------------- */

/* A control character in a script's path would break every line-based
 * output (the matrix, TAP, a baseline): such a name is refused. */
static int add_script(struct tc_suite *s, const char *path, struct tc_error *err)
{
	for (const char *c = path; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			struct strbuf q = STRBUF_INIT;

			for (const char *k = path; *k; k++) {
				if (*k == '\n')
					strbuf_addstr(&q, "\\n");
				else if (*k == '\t')
					strbuf_addstr(&q, "\\t");
				else if ((unsigned char)*k < 0x20 || *k == 0x7f)
					strbuf_addf(&q, "\\x%02x", (unsigned char)*k);
				else
					strbuf_addch(&q, *k);
			}
			tc_error_set(err, TC_ERR_SCRIPT,
				     "script name '%s' holds a control character: rename it", q.buf);
			strbuf_release(&q);
			return -1;
		}
	}
	for (int i = 0; i < s->n_scripts; i++)
		if (!strcmp(s->scripts[i], path))
			return 0;	/* named twice: run once */
	s->scripts = xrealloc(s->scripts, (size_t)(s->n_scripts + 1) * sizeof(*s->scripts));
	s->scripts[s->n_scripts++] = xstrdup(path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_pkt(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".pkt");
}

#define MAX_DEPTH 64

/*
 * A script is code: its commands run as root of the run.  A directory
 * search takes only scripts that the user running tcpconform or root owns
 * and that no other user may write, so that nobody else's file runs by
 * being found.  A script named on the command line is the user's choice
 * and is not checked.  Returns 0, or -1 with err.
 */
static int trusted(const char *path, struct tc_error *err)
{
	struct stat st;
	uid_t me = geteuid();

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;	/* reading it says what is wrong */
	if (st.st_uid != me && st.st_uid != 0)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "refusing '%s': it belongs to uid %u, neither you nor root "
				    "(a script is code: name it on the command line to run it)",
				    path, (unsigned)st.st_uid);
	if (st.st_mode & S_IWOTH)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "refusing '%s': any user may write it "
				    "(a script is code: name it on the command line to run it)",
				    path);
	return 0;
}

/* Append dir's *.pkt files and, in turn, its subdirectories' to s, each
 * level in byte order; a subdirectory named "slow" only with s->with_slow.
 * A *.pkt that is not a regular file (a FIFO, a dangling link) is added
 * too: reading it says what is wrong.  Returns 0,
 * or -1 with err: a directory (dir itself or one below it) that cannot be
 * read, one more than MAX_DEPTH levels down, a name with a control
 * character. */
static int walk(struct tc_suite *s, const char *dir, int depth, struct tc_error *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	int n = 0, ret = 0;

	if (depth > MAX_DEPTH)
		return tc_error_set(err, TC_ERR_SCRIPT,
				    "cannot read directory '%s': more than %d levels down",
				    dir, MAX_DEPTH);
	d = opendir(dir);
	if (!d)
		return tc_error_set(err, TC_ERR_SCRIPT, "cannot read directory '%s': %s",
				    dir, strerror(errno));
	errno = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (size_t)(n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
		errno = 0;
	}
	if (errno) {
		tc_error_set(err, TC_ERR_SCRIPT, "cannot read directory '%s': %s", dir,
			     strerror(errno));
		ret = -1;
	}
	closedir(d);
	if (n)
		qsort(names, (size_t)n, sizeof(*names), cmp_str);
	/* One order for files and folders alike: the byte order of the path,
	 * so "a/x.pkt" sorts with its siblings as `find | sort` would. */
	for (int i = 0; i < n; i++) {
		struct strbuf p = STRBUF_INIT;
		struct stat st;

		strbuf_addf(&p, "%s/%s", dir, names[i]);
		if (ret < 0)
			;
		else if (lstat(p.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* The slow tier: left out unless asked for. */
			if (s->with_slow || strcmp(names[i], "slow"))
				ret = walk(s, p.buf, depth + 1, err);
		} else if (is_pkt(names[i]))
			ret = trusted(p.buf, err) < 0 ? -1 : add_script(s, p.buf, err);
		strbuf_release(&p);
		free(names[i]);
	}
	free(names);
	return ret;
}

int tc_suite_add_path(struct tc_suite *s, const char *path, struct tc_error *err)
{
	struct stat st;
	char *dir;
	size_t len;
	int before = s->n_scripts, rc;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return add_script(s, path, err);
	dir = xstrdup(path);
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	rc = walk(s, dir, 0, err);
	free(dir);
	if (rc < 0)
		return -1;
	if (s->n_scripts == before)
		return tc_error_set(err, TC_ERR_SCRIPT, "no *.pkt scripts under '%s'", path);
	return 0;
}

/* ---- planning ------------------------------------------------------- */

int tc_suite_plan(struct tc_suite *s, struct tc_profile **profiles, int n_profiles,
		  const int *ip_versions, int n_ip_versions, int shard_k, int shard_n,
		  struct tc_error *err)
{
	struct utsname u;
	int k = 0;

	if (shard_n < 1 || shard_k < 1 || shard_k > shard_n)
		return tc_error_set(err, TC_ERR_SCRIPT, "bad shard %d/%d", shard_k, shard_n);
	s->profiles = profiles;
	s->n_profiles = n_profiles;
	s->shard_k = shard_k;
	s->shard_n = shard_n;
	s->columns = xrealloc(NULL, (size_t)(n_profiles * n_ip_versions) * sizeof(*s->columns));
	for (int p = 0; p < n_profiles; p++) {
		for (int v = 0; v < n_ip_versions; v++) {
			struct tc_column *c = &s->columns[s->n_columns++];
			struct strbuf l = STRBUF_INIT;

			strbuf_addstr(&l, profiles[p]->name);
			if (ip_versions[v] && ip_versions[v] != TC_IPV4)
				strbuf_addf(&l, "/%s", tc_ip_version_name(ip_versions[v]));
			c->profile = p;
			c->ip_version = ip_versions[v];
			c->label = strbuf_detach(&l);
		}
	}
	s->n_total = s->n_scripts * s->n_columns;
	s->cases = xrealloc(NULL, (size_t)s->n_total * sizeof(*s->cases));
	for (int i = 0; i < s->n_scripts; i++) {
		for (int c = 0; c < s->n_columns; c++, k++) {
			struct tc_case *tc;

			if (k % shard_n != shard_k - 1)
				continue;
			tc = &s->cases[s->n_cases++];
			memset(tc, 0, sizeof(*tc));
			tc->script = i;
			tc->column = c;
			tc->number = k + 1;
			tc->bl_outcome = -1;
			tc->ref_outcome = -1;
			strbuf_init(&tc->output);
		}
	}
	s->prep = xrealloc(NULL, (size_t)s->n_scripts * N_IP_SLOTS * sizeof(*s->prep));
	memset(s->prep, 0, (size_t)s->n_scripts * N_IP_SLOTS * sizeof(*s->prep));
	if (uname(&u) == 0) {
		snprintf(s->kernel_release, sizeof(s->kernel_release), "%s", u.release);
		snprintf(s->kernel_version, sizeof(s->kernel_version), "%s", u.version);
		snprintf(s->machine, sizeof(s->machine), "%s", u.machine);
	}
	return 0;
}

/* ---- preparing a script (in the parent) ----------------------------- */

static char *first_line(const char *text)
{
	const char *nl = strchr(text, '\n');
	char *p = nl ? strndup(text, (size_t)(nl - text)) : strdup(text);

	if (!p)
		abort();
	return p;
}

static void prep_fail(struct tc_prep *p, const struct tc_error *err)
{
	struct strbuf sb = STRBUF_INIT;

	tc_error_format(&sb, err);
	p->state = PREP_ERROR;
	p->exit_code = tc_error_exit_code(err);
	p->message = first_line(sb.buf);
	p->text = strbuf_detach(&sb);
}

/*
 * A script is parsed once per IP version its columns force (slot 0: as
 * its own option lines say), since the public runners define symbols per
 * variant and definitions apply while parsing.
 */
static int ip_slot(int ip_version)
{
	switch (ip_version) {
	case TC_IPV4:
		return 1;
	case TC_IPV4_MAPPED_IPV6:
		return 2;
	case TC_IPV6:
		return 3;
	default:
		return 0;
	}
}

static struct tc_prep *prep_of(const struct tc_suite *s, const struct tc_case *c)
{
	return &s->prep[c->script * N_IP_SLOTS + ip_slot(s->columns[c->column].ip_version)];
}

/*
 * The definitions google's run_all.py gives each variant (and the kernel
 * selftests' ksft_runner.sh, which adds TFO_COOKIE_ZERO), so that the
 * corpora's scripts parse as they do there.  A -D on the command line
 * overrides them.
 */
static const char *const variant_defines[N_IP_SLOTS][6] = {
	[1] = { "TFO_COOKIE=3021b9d889017eeb", "TFO_COOKIE_ZERO=b7c12350a90dc8f5",
		"CODE=host_unreachable", "CMSG_LEVEL_IP=SOL_IP",
		"CMSG_TYPE_RECVERR=IP_RECVERR", NULL },
	[2] = { "TFO_COOKIE=3021b9d889017eeb", "TFO_COOKIE_ZERO=b7c12350a90dc8f5",
		"CODE=host_unreachable", "CMSG_LEVEL_IP=SOL_IPV6",
		"CMSG_TYPE_RECVERR=IPV6_RECVERR", NULL },
	[3] = { "TFO_COOKIE=c1d1e9742a47a9bc", "TFO_COOKIE_ZERO=82af1a8f9a205c34",
		"CMSG_LEVEL_IP=SOL_IPV6", "CMSG_TYPE_RECVERR=IPV6_RECVERR", NULL },
};

/*
 * And the addresses both runners give on the command line, so after a
 * script's own option lines (a script that names other addresses is
 * overridden there too, and so here): the TFO cookies above are for these.
 */
static const char *const variant_addresses[N_IP_SLOTS][4][2] = {
	[1] = { { "local_ip", "192.168.0.1" }, { "gateway_ip", "192.168.0.1" },
		{ "netmask_ip", "255.255.0.0" }, { "remote_ip", "192.0.2.1" } },
	[2] = { { "local_ip", "192.168.0.1" }, { "gateway_ip", "192.168.0.1" },
		{ "netmask_ip", "255.255.0.0" }, { "remote_ip", "192.0.2.1" } },
	[3] = { { "local_ip", "fd3d:0a0b:17d6::1" },
		{ "gateway_ip", "fd3d:0a0b:17d6:8888::1" },
		{ "remote_ip", "fd3d:fa7b:d17d::1" }, { NULL, NULL } },
};

static void prep_script(struct tc_suite *s, const struct tc_case *c,
			const struct tc_run_opts *o)
{
	struct tc_prep *p = prep_of(s, c);
	const char *path = s->scripts[c->script];
	int slot = ip_slot(s->columns[c->column].ip_version);
	struct tc_error err;
	struct tc_config defs;

	tc_error_clear(&err);
	/* -D definitions apply while parsing, so gather them first.  main()
	 * has checked every command-line option already. */
	tc_config_init(&defs);
	for (const char *const *d = variant_defines[slot]; *d; d++)
		tc_config_set(&defs, "define", *d, &err);
	for (int k = 0; k < o->n_opts; k++)
		tc_config_set(&defs, o->opts[k].name, o->opts[k].value, &err);
	tc_error_clear(&err);
	tc_config_init(&p->cfg);
	p->cfg_init = true;
	if (tc_script_load(path, defs.defines, defs.n_defines, &p->cfg, &p->script, &err) < 0) {
		prep_fail(p, &err);
		goto out;
	}
	for (int k = 0; k < o->n_opts; k++) {
		if (tc_config_set(&p->cfg, o->opts[k].name, o->opts[k].value, &err) < 0) {
			if (!err.file)
				err.file = path;
			prep_fail(p, &err);
			goto out;
		}
	}
	p->state = PREP_OK;
out:
	tc_config_release(&defs);
}

/* ---- running -------------------------------------------------------- */

struct slot {
	int ci;			/* case index, -1 when free */
	pid_t pid;
	int out_fd;		/* child's stderr (and stdout), or -1 at EOF */
	int res_fd;		/* child's first message line, or -1 at EOF */
	struct strbuf res;
	struct timespec start;
	/* The run's capture: a temporary in its column's directory, by
	 * name ("" for none); its descriptor only until the fork. */
	struct strbuf pcap_tmp;
	int pcap_fd;
	/* A run prepared ahead (in the pool): the runner's end of the socket
	 * whose one byte lets it go; -1 once gone, and for a run started at
	 * once. */
	int go_fd;
};

/*
 * What admission reads of the machine, each as a cumulative counter in a
 * file, turned into a rate over the last window of at least
 * HEADROOM_WINDOW_MS:
 * - its CPU headroom: how many CPUs were idle, on average, from the idle
 *   and iowait times (clock ticks) of /proc/stat's first line;
 * - its CPU pressure (PSI): the share of wall time in which some task was
 *   ready to run and waited for a CPU, from the "some" line's total
 *   (microseconds) of /proc/pressure/cpu.
 * TCPCONFORM_CPU_STAT and TCPCONFORM_CPU_PRESSURE name other files of the
 * same formats (for tests).
 */
#define HEADROOM_WINDOW_MS 100

struct meter {
	const char *path;	/* NULL: not known here */
	bool (*read)(const char *path, unsigned long long *count);
	double per_second;	/* counts in a second of one CPU, or of wall */
	struct timespec t;	/* when count was read */
	unsigned long long count;
	double rate;		/* over the last whole window; -1 before one */
};

struct run {
	struct tc_suite *s;
	const struct tc_run_opts *o;
	struct slot *slots;
	int *queue;		/* case indices still to start */
	int q_head, q_len;
	struct timespec t0;
	struct timespec last_start;
	struct meter cpu;	/* admission: the machine's idle CPUs */
	struct meter psi;	/* and its tasks' wait for one */
	pid_t parent;		/* this process, as the children see it */
	int *col_fd;		/* --pcap-dir: each column's directory, or NULL */
	/* Runs prepared ahead: forked, their environment made, each waiting
	 * for its go (see prepare_ahead). */
	struct slot *pool;
	int n_pool;
	bool *no_prep;		/* per case: settled without a run at its start */
	struct timespec last_fork;
};

static double since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

/* Text the runner itself has to say about a case: kept with the case's
 * output and handed to on_output like the child's. */
static void say(struct run *r, struct tc_case *c, const char *text)
{
	strbuf_addstr(&c->output, text);
	if (r->o->on_output)
		r->o->on_output(r->o->arg, c, text, strlen(text));
}

static void finish(struct run *r, struct tc_case *c, enum tc_outcome out,
		   int code, char *message)
{
	free(c->message);
	c->outcome = out;
	c->exit_code = code;
	c->message = message;
	if (c->pcap) {
		const char *name = strrchr(c->pcap, '/') + 1;
		int dfd = r->col_fd[c->column];
		struct stat st;

		/* --pcap-on-fail keeps only the captures of runs that failed;
		 * names below the directory never followed (fsutil.h). */
		if (out == TC_OUT_PASS && r->o->pcap_on_fail)
			unlinkat(dfd, name, 0);
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
			free(c->pcap);
			c->pcap = NULL;
		}
	}
	if (r->o->on_done)
		r->o->on_done(r->o->arg, r->s, c);
}

/*
 * The capture's file name, one per script path, no two alike: the path
 * without leading "./" (the same file), '/' written as '_', '_' as "%5F",
 * '%' as "%25", then ".pcap" in place of ".pkt" (a name not ending in
 * ".pkt" keeps it whole and gets "%.pcap").  So a_b/c.pkt is a%5Fb_c.pcap
 * and a/b_c.pkt is a_b%5Fc.pcap; /abs/x.pkt is _abs_x.pcap.
 */
static void pcap_name(struct strbuf *sb, const char *p)
{
	size_t n;
	bool pkt;

	while (p[0] == '.' && p[1] == '/')
		for (p += 2; *p == '/'; p++)
			;
	n = strlen(p);
	pkt = is_pkt(p);
	if (pkt)
		n -= 4;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '/')
			strbuf_addch(sb, '_');
		else if (p[i] == '_')
			strbuf_addstr(sb, "%5F");
		else if (p[i] == '%')
			strbuf_addstr(sb, "%25");
		else
			strbuf_addch(sb, p[i]);
	}
	strbuf_addstr(sb, pkt ? ".pcap" : "%.pcap");
}

static char *pcap_path(const struct run *r, const struct tc_case *c)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s/", r->o->pcap_dir, r->s->columns[c->column].label);
	pcap_name(&sb, r->s->scripts[c->script]);
	if (r->o->pcapng)
		strbuf_addstr(&sb, "ng");	/* .pcapng */
	return strbuf_detach(&sb);
}

/* A fresh temporary for the run's capture, in its column's directory,
 * renamed into place when the run is over (reap). */
static int pcap_open(struct run *r, struct slot *sl, struct tc_case *c,
		     struct tc_error *err)
{
	if (!r->o->pcap_dir)
		return 0;
	if (!c->pcap)
		c->pcap = pcap_path(r, c);
	sl->pcap_fd = tc_tmp_create(r->col_fd[c->column], &sl->pcap_tmp);
	if (sl->pcap_fd < 0) {
		strbuf_reset(&sl->pcap_tmp);
		return tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", c->pcap,
				    strerror(errno));
	}
	return 0;
}

/* The run is over: its capture goes in place, replacing the name's
 * previous file (an earlier attempt's, or anything planted there). */
static void pcap_close(struct run *r, struct slot *sl, struct tc_case *c, bool keep)
{
	int dfd;

	if (sl->pcap_fd >= 0)
		close(sl->pcap_fd);
	sl->pcap_fd = -1;
	if (!sl->pcap_tmp.len)
		return;
	dfd = r->col_fd[c->column];
	if (!keep) {
		unlinkat(dfd, sl->pcap_tmp.buf, 0);
	} else if (renameat(dfd, sl->pcap_tmp.buf, dfd, strrchr(c->pcap, '/') + 1) < 0) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "error: cannot write '%s': %s\n", c->pcap, strerror(errno));
		say(r, c, sb.buf);
		strbuf_release(&sb);
		unlinkat(dfd, sl->pcap_tmp.buf, 0);
	}
	strbuf_reset(&sl->pcap_tmp);
}

static void put_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/*
 * A guard for the run's process group.  Backtick commands may leave
 * processes behind (a background job, or the grandchild of a shell that
 * was killed), and any one of them keeps the run's namespaces alive.  The
 * guard waits for EOF on a pipe only this process holds open (close on
 * exec, so the commands do not inherit it): when the run ends, however it
 * ends, the guard kills what is left of the group, then itself.  It is
 * forked before the run enters its network namespaces, so it pins none of
 * them.  Only a run without a PID namespace of its own needs it.
 */
static void start_guard(void)
{
	int p[2];
	pid_t g;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	g = tc_proc_fork(&(struct tc_proc_opts){
		.fd_in = p[0], .fd_out = -1, .fd_err = -1 });
	if (g < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (g > 0) {
		close(p[0]);
		return;		/* p[1] stays open until this process is gone */
	}
	close_range(1, ~0U, 0);
	while (read(0, &c, 1) < 0 && errno == EINTR)
		;
	kill(0, SIGKILL);
	_exit(0);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * In the run's mount namespace every mount is made read-only, so that a
 * script's commands, root there, cannot change the host's files, root's
 * own included, but where any user may write: /tmp, /var/tmp, /dev/shm
 * and $TMPDIR (bound onto themselves first, so that they are mounts of
 * their own, then left writable; there the commands have the user's
 * rights, no more).  /proc stays writable for the sysctls of the run's
 * namespaces.  The pcap file and the output pipes are descriptors opened
 * before.  On a kernel without mount_setattr (before 5.12) the files stay
 * as they are.
 */
static void host_files_read_only(void)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct mount_attr rw = { .attr_clr = MOUNT_ATTR_RDONLY };
	const char *keep[] = { "/tmp", "/var/tmp", "/dev/shm", getenv("TMPDIR") };
	bool bound[sizeof(keep) / sizeof(keep[0])] = { false };
	size_t n = sizeof(keep) / sizeof(keep[0]);

	for (size_t i = 0; i < n; i++)
		bound[i] = keep[i] && *keep[i] == '/' && strcmp(keep[i], "/") &&
			   mount(keep[i], keep[i], NULL, MS_BIND | MS_REC, NULL) == 0;
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return;
	mount_setattr(AT_FDCWD, "/proc", 0, &rw, sizeof(rw));
	for (size_t i = 0; i < n; i++)
		if (bound[i])
			mount_setattr(AT_FDCWD, keep[i], 0, &rw, sizeof(rw));
}

/*
 * Put the process that runs the script in a user namespace of its own,
 * where it is root: uid and gid 0 inside are its own outside, and nothing
 * else is mapped.  A mount namespace of its own comes with it, so that a
 * script's commands may mount what they like there.  The network
 * namespaces the engine makes next belong to it, so a script's commands
 * have root's powers over those and none over anything of the host's:
 * entering the host's network namespace (the reaper's, or the engine's
 * descriptor of it), loading a module, a sysctl outside the run's
 * namespaces, signalling another run's processes are all refused.
 *
 * Where the kernel has no user namespaces or refuses one (a container's
 * seccomp policy, user.max_user_namespaces), the run goes on in the
 * namespaces it has: returns false then.
 */
static bool enter_user_namespace(void)
{
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	char map[32];

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return false;
	/* A credential change may clear the death signal: set it again. */
	tc_proc_die_with_parent(0, 0);
	/* Without these maps the process has no uid inside and cannot go on
	 * as root there: leave, as a run that could not start. */
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	if (write_file("/proc/self/setgroups", "deny") < 0 ||
	    write_file("/proc/self/uid_map", map) < 0)
		_exit(TC_EXIT_ENV);
	snprintf(map, sizeof(map), "0 %u 1\n", gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		_exit(TC_EXIT_ENV);
	tc_phase("userns");
	host_files_read_only();
	return true;
}

static void on_child(int sig)
{
	(void)sig;
}

/*
 * PID 1's work until the run (eng) ends: reap whatever the script leaves
 * orphaned, and answer the engine's one question.  SCHED_FIFO needs
 * CAP_SYS_NICE on the host, which no process in a user namespace has, so
 * the engine, once in its own, asks here: a message on prio_fd, and this
 * process (still in the runner's user namespace) gives the engine's main
 * thread the run's priority, and answers with 0 or an errno.  Nothing else
 * can be asked: any message means the same.  Never returns.
 */
static _Noreturn void pid1_reap(pid_t eng, int prio_fd, int priority)
{
	struct sigaction sa;
	int status = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;	/* no SA_RESTART: recv() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	for (;;) {
		pid_t w = waitpid(-1, &status, prio_fd >= 0 ? WNOHANG : 0);
		char req;

		if (w == eng)
			break;
		if (w > 0)
			continue;
		if (w < 0 && errno != EINTR && errno != ECHILD)
			_exit(TC_EXIT_CRASH);
		if (prio_fd < 0)
			continue;
		ssize_t n = recv(prio_fd, &req, 1, 0);

		if (n == 1) {
			struct sched_param sp = { .sched_priority = priority };
			int e = sched_setscheduler(eng, SCHED_FIFO, &sp) < 0 ? errno : 0;

			send(prio_fd, &e, sizeof(e), MSG_NOSIGNAL);
		} else if (n == 0 || errno != EINTR) {
			close(prio_fd);
			prio_fd = -1;
		}
	}
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

/*
 * In a fresh PID namespace the script's process would be PID 2 in every
 * run, and scripts name files after it: google's corpus has set_sysctls.py
 * write /tmp/sysctl_restore_$PACKETDRILL_PID.sh and run it later as
 * /tmp/sysctl_restore_${PPID}.sh.  Runs side by side would share (and
 * race on) one such file where serial runs never do.  So PID 1 asks for
 * the next PID to be id, the host PID of the process that made this
 * namespace, which lives as long as the run and so is no other run's at
 * the same time.  Where ns_last_pid cannot be written (a kernel without
 * checkpoint/restore) the script's process stays PID 2.
 */
static void engine_pid_unique(const char *id)
{
	char last[32];
	long pid = strtol(id, NULL, 10);

	if (pid > 2) {
		snprintf(last, sizeof(last), "%ld", pid - 1);
		write_file("/proc/sys/kernel/ns_last_pid", last);
	}
}

/*
 * Put the rest of this run in a PID namespace of its own, with a private
 * mount namespace and its own /proc, and then in a user namespace of its
 * own (enter_user_namespace) unless user_ns is false (a --kernel guest,
 * where the VM is the sandbox).  Returns in the process that goes on to run
 * the script (PID 2 of the namespace, or the run's own PID there:
 * engine_pid_unique); the processes above it only wait and pass its exit
 * status up, and never return.
 *
 * PID 1 of the namespace is a small reaper: when it ends, the kernel kills
 * every process left in the namespace, so nothing a script starts (a
 * backtick `setsid cmd &` included) outlives the run, whatever its process
 * group.  The script does not run as PID 1, so that its commands can
 * signal it ($PPID) as they could before: the kernel shields a namespace's
 * init from its own processes.  /proc is mounted anew so that it shows this
 * namespace's PIDs (the engine reads its threads' states there), inside a
 * mount namespace whose mounts do not propagate back to the host.  The
 * reaper stays in the runner's user namespace; a script's commands have no
 * power over it.
 *
 * Where namespaces cannot be made or /proc not mounted (no privilege),
 * nothing has run yet and the run goes on as before, in the runner's
 * namespaces; returns false then.  cfg->priority_fd is set when the
 * reaper can be asked for the run's priority.
 */
#define NO_PID_NAMESPACE 125	/* the namespace's init could not set up */

static bool enter_pid_namespace(struct tc_config *cfg, bool user_ns)
{
	pid_t init, eng;
	int status = 0, sv[2] = { -1, -1 };
	char id[32];

	/* A name unique on the machine while the run lives, for the run's
	 * own files (nstat's history) and its script's PID inside. */
	snprintf(id, sizeof(id), "%d", (int)getpid());
	setenv("TCPCONFORM_RUN_ID", id, 1);
	/* clone() as fork(): only the child is in the new namespaces, so
	 * this process can still run the script itself if they fail. */
	init = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD,
			      NULL, NULL, NULL, NULL);
	if (init < 0)
		return false;
	if (init > 0) {
		/* Outside: wait, then leave as the run did. */
		tc_proc_wait(init, &status);
		if (WIFEXITED(status) && WEXITSTATUS(status) == NO_PID_NAMESPACE)
			return false;
		if (WIFEXITED(status) && WEXITSTATUS(status) >= 128) {
			signal(WEXITSTATUS(status) - 128, SIG_DFL);
			raise(WEXITSTATUS(status) - 128);
		}
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : TC_EXIT_CRASH);
	}
	/* PID 1. */
	tc_phase("cloned");
	tc_proc_die_with_parent(0, 0);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		_exit(NO_PID_NAMESPACE);
	tc_phase("mounted");
	engine_pid_unique(id);
	if (cfg->realtime > 0 &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		sv[0] = sv[1] = -1;
	eng = tc_proc_fork(&(struct tc_proc_opts){ .flags = TC_PROC_DIE_WITH_PARENT,
		.fd_in = -1, .fd_out = -1, .fd_err = -1 });
	if (eng < 0)
		_exit(TC_EXIT_ENV);
	if (eng == 0) {
		tc_phase("pid2");
		if (sv[0] >= 0)
			close(sv[0]);
		if (user_ns && enter_user_namespace() && sv[1] >= 0)
			cfg->priority_fd = sv[1];
		else if (sv[1] >= 0)
			close(sv[1]);
		return true;
	}
	if (sv[1] >= 0)
		close(sv[1]);
	/* The run's status, a signal as 128 + its number, is ours. */
	pid1_reap(eng, sv[0], cfg->realtime);
}

/* LeakSanitizer never sees a process that leaves with _exit(): a run's
 * child asks it to look before it goes, in sanitizer builds. */
#if defined(__SANITIZE_ADDRESS__)
#define TC_LEAK_CHECK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TC_LEAK_CHECK 1
#endif
#endif
#ifdef TC_LEAK_CHECK
#include <sanitizer/lsan_interface.h>
#define leak_check() __lsan_do_leak_check()
#else
#define leak_check() ((void)0)
#endif

/* The child: run one case and exit with its code.  Never returns. */
static void child(struct run *r, const struct tc_case *c, const struct tc_config *ccfg,
		  int out_w, int res_w)
{
	const struct tc_prep *p = prep_of(r->s, c);
	const struct tc_profile *prof = r->s->profiles[r->s->columns[c->column].profile];
	struct tc_config cfg = *ccfg;	/* this process's own copy */
	struct strbuf sb = STRBUF_INIT;
	struct tc_record rec = { NULL, 0, 0 };
	struct tc_error err;
	int fd, rc;

	setpgid(0, 0);
	/* Die with the runner, even when it is SIGKILLed: the namespaces go
	 * with the last process in them. */
	tc_proc_die_with_parent(r->parent, TC_EXIT_ENV);
	tc_phase("forked");
	/* Other prepared runs' go: only the runner may hold it, so that
	 * they see EOF when it is gone. */
	for (int i = 0; i < r->o->jobs + r->n_pool; i++)
		if (r->slots[i].go_fd >= 0)
			close(r->slots[i].go_fd);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(out_w, 2);
	if (!r->o->stream)
		dup2(out_w, 1);
	close(out_w);
	cfg.sysctls = prof->sysctls;
	cfg.n_sysctls = prof->n_sysctls;
	/* In a PID namespace, whatever the script leaves dies with its PID
	 * 1, which dies with this process, which dies with the runner: the
	 * guard is only for a run without one. */
	if (!enter_pid_namespace(&cfg, !r->o->in_guest)) {
		start_guard();
		tc_phase("guard");
	}
	tc_phase("pidns");
	tc_error_clear(&err);
	cfg.pcapng = r->o->pcapng;
	cfg.record = r->o->record ? &rec : NULL;
	rc = tc_engine_run(p->script, &cfg, &err);
	if (rc < 0) {
		if (!err.file)
			err.file = p->script->path;
		tc_error_format(&sb, &err);
		put_all(res_w, sb.buf, strcspn(sb.buf, "\n"));
		fputs(sb.buf, stderr);
		strbuf_reset(&sb);
	}
	/* The event record after the message's line (settle splits them). */
	if (cfg.record) {
		strbuf_addch(&sb, '\n');
		tc_record_write(&rec, &sb);
		put_all(res_w, sb.buf, sb.len);
		tc_record_release(&rec);
	}
	strbuf_release(&sb);
	if (rc == 0) {
		fflush(NULL);
		leak_check();
		tc_phase("exit");
		_exit(TC_EXIT_PASS);
	}
	fflush(NULL);
	leak_check();
	_exit(tc_error_exit_code(&err));
}

/*
 * The configuration of one case: the script's option lines, then its
 * column's IP version (for ipv6 with the public runners' --mtu=1520, so
 * that the MSS is 1460 as over IPv4), then the command line's options,
 * which win over both; then the defaults of the IP version.  Returns 0,
 * or -1 with err (the config is released).
 */
static int case_config(const struct run *r, const struct tc_case *c,
		       struct tc_config *cfg, struct tc_error *err)
{
	const struct tc_prep *p = prep_of(r->s, c);
	int v = r->s->columns[c->column].ip_version;

	tc_config_init(cfg);
	if (tc_config_apply_script(cfg, p->script, err) < 0)
		goto fail;
	if (v) {
		int slot = ip_slot(v);

		if (tc_config_set(cfg, "ip_version", tc_ip_version_name(v), err) < 0)
			goto fail;
		if (v == TC_IPV6)
			cfg->mtu = 1520;
		for (int k = 0; k < 4 && variant_addresses[slot][k][0]; k++)
			if (tc_config_set(cfg, variant_addresses[slot][k][0],
					  variant_addresses[slot][k][1], err) < 0)
				goto fail;
	}
	for (int k = 0; k < r->o->n_opts; k++) {
		if (tc_config_set(cfg, r->o->opts[k].name, r->o->opts[k].value, err) < 0) {
			if (!err->file)
				err->file = p->script->path;
			goto fail;
		}
	}
	if (tc_config_finalize(cfg, p->script->path, err) < 0)
		goto fail;
	return 0;
fail:
	tc_config_release(cfg);
	return -1;
}

/* Whether path's file name ends with suffix ("v4.pkt"). */
static bool name_ends(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);

	return n >= k && !strcmp(path + n - k, suffix);
}

/*
 * Under --variants, why script s at path has no variant in IP version v
 * (a new string), or NULL when it runs in it.  run_all.py's rules: a file
 * whose name ends in v6.pkt runs only over IPv6, one ending in v4.pkt
 * never; and (ours) a script whose own --ip_version line names a version
 * runs only in that one.
 */
static char *variant_skip(const char *path, const struct tc_script *s, int v)
{
	const struct tc_script_option *pin = NULL;
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	if (name_ends(path, "v6.pkt") && v != TC_IPV6) {
		strbuf_addstr(&sb, "a *v6.pkt script runs only as ipv6");
		return strbuf_detach(&sb);
	}
	if (name_ends(path, "v4.pkt") && v == TC_IPV6) {
		strbuf_addstr(&sb, "a *v4.pkt script does not run as ipv6");
		return strbuf_detach(&sb);
	}
	for (int k = 0; k < s->n_options; k++)
		if (!strcmp(s->options[k].name, "ip_version") && s->options[k].value)
			pin = &s->options[k];
	if (pin && tc_ip_version_parse(pin->value) != v) {
		strbuf_addf(&sb, "pinned to %s by its option line %d", pin->value,
			    pin->line);
		return strbuf_detach(&sb);
	}
	return NULL;
}

/* Settle case c without a run: an error in its configuration. */
static void config_fail(struct run *r, struct tc_case *c, const struct tc_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *first;

	tc_error_format(&sb, err);
	say(r, c, sb.buf);
	first = first_line(sb.buf);
	strbuf_release(&sb);
	finish(r, c, TC_OUT_ERROR, tc_error_exit_code(err), first);
}

/*
 * Fork the run of case ci in slot sl with configuration cfg (released
 * here), its capture's temporary already open (pcap_open).  With go (a
 * socket pair), the run is prepared ahead: it makes its environment and waits
 * for one byte on go[0] before its first event; sl keeps go[1].  Returns
 * 0, or -1 with err when no child can be made (the capture closed).
 */
static int spawn(struct run *r, struct slot *sl, int ci, struct tc_config *cfg,
		 const int *go, struct tc_error *err)
{
	int outp[2], resp[2], e;
	pid_t pid;

	cfg->pcap_fd = sl->pcap_fd;
	cfg->go_fd = go ? go[0] : -1;
	if (pipe2(outp, O_CLOEXEC) < 0) {
		e = errno;
		goto fail;
	}
	if (pipe2(resp, O_CLOEXEC) < 0) {
		e = errno;
		close(outp[0]);
		close(outp[1]);
		goto fail;
	}
	fflush(NULL);
	pid = tc_proc_fork(NULL);
	if (pid < 0) {
		e = errno;
		close(outp[0]);
		close(outp[1]);
		close(resp[0]);
		close(resp[1]);
		tc_config_release(cfg);
		pcap_close(r, sl, &r->s->cases[ci], false);
		return tc_error_set(err, TC_ERR_ENV, "cannot fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(outp[0]);
		close(resp[0]);
		if (go)
			close(go[1]);
		child(r, &r->s->cases[ci], cfg, outp[1], resp[1]);
	}
	clock_gettime(CLOCK_MONOTONIC, &r->last_fork);
	tc_config_release(cfg);
	if (sl->pcap_fd >= 0) {
		close(sl->pcap_fd);	/* the child's now; no later child's */
		sl->pcap_fd = -1;
	}
	setpgid(pid, pid);	/* also here, so kill(-pid) works at once */
	close(outp[1]);
	close(resp[1]);
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(resp[0], F_SETFL, O_NONBLOCK);
	if (go) {
		close(go[0]);
		sl->go_fd = go[1];
	}
	sl->ci = ci;
	sl->pid = pid;
	sl->out_fd = outp[0];
	sl->res_fd = resp[0];
	strbuf_reset(&sl->res);
	clock_gettime(CLOCK_MONOTONIC, &sl->start);
	return 0;
fail:
	tc_config_release(cfg);
	pcap_close(r, sl, &r->s->cases[ci], false);
	return tc_error_set(err, TC_ERR_ENV, "cannot make a pipe: %s", strerror(e));
}

/* Start case ci in slot sl, or settle it without a run.  Returns 0, or -1
 * with err when no child can be made. */
static int start(struct run *r, struct slot *sl, int ci, struct tc_error *err)
{
	struct tc_case *c = &r->s->cases[ci];
	struct tc_prep *p = prep_of(r->s, c);
	struct tc_config cfg;
	struct tc_error cerr;

	if (p->state == PREP_TODO)
		prep_script(r->s, c, r->o);
	c->started = since(&r->t0);
	c->attempts++;
	if (p->state == PREP_ERROR || p->state == PREP_SKIP) {
		if (!p->text_shown) {
			say(r, c, p->text);
			p->text_shown = true;
		}
		finish(r, c, p->state == PREP_ERROR ? TC_OUT_ERROR : TC_OUT_SKIP,
		       p->state == PREP_ERROR ? p->exit_code : TC_EXIT_PASS,
		       xstrdup(p->message));
		return 0;
	}
	if (r->o->variants) {
		char *why = variant_skip(p->script->path, p->script,
					 r->s->columns[c->column].ip_version);

		if (why) {
			finish(r, c, TC_OUT_SKIP, TC_EXIT_PASS, why);
			return 0;
		}
	}
	tc_error_clear(&cerr);
	if (case_config(r, c, &cfg, &cerr) < 0) {
		config_fail(r, c, &cerr);
		return 0;
	}
	if (cfg.dry_run) {
		finish(r, c, TC_OUT_PASS, TC_EXIT_PASS, NULL);
		tc_config_release(&cfg);
		return 0;
	}
	if (pcap_open(r, sl, c, &cerr) < 0) {
		tc_config_release(&cfg);
		config_fail(r, c, &cerr);
		return 0;
	}
	if (r->o->on_start)
		r->o->on_start(r->o->arg, r->s, c);
	return spawn(r, sl, ci, &cfg, NULL, err);
}

/* ---- runs prepared ahead -------------------------------------------- */

/*
 * Making a run's environment (the fork, the PID, user and network
 * namespaces, the veth pair, the capture, the sysctls) takes about 10 ms
 * before its first event.  While earlier runs execute, the runner forks
 * the next cases' runs early: each makes a fresh environment of its own,
 * as any run does, and waits before its first event (wait_for_go in the
 * engine) until the runner lets it go, which admission decides as it
 * decides a start.  A prepared run is a new run that merely started
 * early: nothing is shared with or kept from another.  To the case
 * nothing differs: its start (time, attempt, timeout, on_start) is the
 * go.  At most n_pool wait at once, and one is prepared only while the
 * machine has CPU headroom, so preparing cannot make a running run late;
 * on a busy machine runs start as before.
 */
#define POOL_MAX 2

static bool has_headroom(struct run *r);

/* The pool entry holding a prepared run of case ci, or NULL. */
static struct slot *prepared(struct run *r, int ci)
{
	for (int i = 0; i < r->n_pool; i++)
		if (r->pool[i].ci == ci)
			return &r->pool[i];
	return NULL;
}

/* Let the prepared run in pe go, in free slot sl: from here on it is a
 * run started now.  A run that failed while preparing has exited: it is
 * reaped and told as any run that fails at its start. */
static void go(struct run *r, struct slot *sl, struct slot *pe)
{
	struct tc_case *c = &r->s->cases[pe->ci];
	struct slot t = *sl;
	char b = 1;

	*sl = *pe;	/* swapped: each keeps its own buffers */
	*pe = t;
	c->started = since(&r->t0);
	c->attempts++;
	if (r->o->on_start)
		r->o->on_start(r->o->arg, r->s, c);
	/* EPIPE when it is gone already: reaped next, as a run that ended. */
	while (send(sl->go_fd, &b, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	close(sl->go_fd);
	sl->go_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &sl->start);
}

/* End the prepared run in pe, which never went: nothing of it is told. */
static void cancel(struct run *r, struct slot *pe)
{
	struct tc_case *c = &r->s->cases[pe->ci];

	close(pe->go_fd);	/* EOF: it leaves at once if it can */
	pe->go_fd = -1;
	kill(-pe->pid, SIGKILL);
	tc_proc_wait(pe->pid, NULL);
	if (pe->out_fd >= 0)
		close(pe->out_fd);
	if (pe->res_fd >= 0)
		close(pe->res_fd);
	pe->out_fd = pe->res_fd = -1;
	pcap_close(r, pe, c, false);
	if (!c->attempts) {	/* as a case never started */
		free(c->pcap);
		c->pcap = NULL;
	}
	pe->ci = -1;
}

static void cancel_all(struct run *r)
{
	for (int i = 0; i < r->n_pool; i++)
		if (r->pool[i].ci >= 0)
			cancel(r, &r->pool[i]);
}

/*
 * Prepare case ci's run in pool entry pe, if it is one that runs (not
 * one settled at its start without a run: that is for start() to tell).
 * Whatever fails here is left for start() to meet and tell again.
 */
static void prepare(struct run *r, struct slot *pe, int ci)
{
	struct tc_case *c = &r->s->cases[ci];
	struct tc_prep *p = prep_of(r->s, c);
	struct tc_config cfg;
	struct tc_error err;
	int go_sock[2];

	if (p->state == PREP_TODO)
		prep_script(r->s, c, r->o);
	tc_error_clear(&err);
	if (p->state != PREP_OK) {
		r->no_prep[ci] = true;
		return;
	}
	if (r->o->variants) {
		char *why = variant_skip(p->script->path, p->script,
					 r->s->columns[c->column].ip_version);

		if (why) {
			free(why);
			r->no_prep[ci] = true;
			return;
		}
	}
	if (case_config(r, c, &cfg, &err) < 0) {
		r->no_prep[ci] = true;
		return;
	}
	if (cfg.dry_run) {
		r->no_prep[ci] = true;
		tc_config_release(&cfg);
		return;
	}
	if (pcap_open(r, pe, c, &err) < 0) {
		r->no_prep[ci] = true;
		tc_config_release(&cfg);
		return;
	}
	/* A socket, not a pipe: sending to a run already gone raises no
	 * SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go_sock) < 0) {
		tc_config_release(&cfg);
		pcap_close(r, pe, c, false);
		return;
	}
	if (spawn(r, pe, ci, &cfg, go_sock, &err) < 0) {
		close(go_sock[0]);
		close(go_sock[1]);
	}
}

/*
 * Whether another case of ci's script is running.  Runs of one script
 * (its profiles, its IP-version variants) never overlap: they share
 * whatever fixed names the script uses outside its namespaces, such as a
 * file in /tmp, which the host and every run share (google's
 * sendfile-simple.pkt removes and writes /tmp/testfile, then opens it: at
 * --jobs 16 one of its three variants, started 30 ms apart, once failed
 * that open with ENOENT).
 */
static bool script_running(const struct run *r, int ci)
{
	int script = r->s->cases[ci].script;

	for (int i = 0; i < r->o->jobs; i++) {
		int other = r->slots[i].ci;

		if (other >= 0 && other != ci && r->s->cases[other].script == script)
			return true;
	}
	return false;
}

/* Bring to the queue's head the first case whose script has no run going,
 * the others keeping their order; false when every queued case's has. */
static bool next_startable(struct run *r)
{
	int *q = &r->queue[r->q_head];

	for (int k = 0; k < r->q_len; k++) {
		int ci = q[k];

		if (script_running(r, ci))
			continue;
		memmove(q + 1, q, (size_t)k * sizeof(*q));
		q[0] = ci;
		return true;
	}
	return false;
}

/*
 * Prepare the next cases in the queue, those to go next, while the pool
 * has room, at most one per TC_RUN_START_GAP_MS (a run's setup takes a
 * CPU for milliseconds, as a start does) and only while admission's
 * headroom check would let a run start.
 */
static void prepare_ahead(struct run *r)
{
	struct slot *free_pe = NULL;

	for (int i = 0; i < r->n_pool && !free_pe; i++)
		if (r->pool[i].ci < 0)
			free_pe = &r->pool[i];
	if (!free_pe || since(&r->last_fork) * 1000 < TC_RUN_START_GAP_MS)
		return;
	/* A case whose script runs now may be prepared: nothing of the
	 * script runs before its go, which waits for the other to end. */
	for (int k = 0; k < r->n_pool && k < r->q_len; k++) {
		int ci = r->queue[r->q_head + k];

		if (r->no_prep[ci] || prepared(r, ci))
			continue;
		if (has_headroom(r))
			prepare(r, free_pe, ci);
		return;
	}
}

/* Read what is there; close a pipe at EOF. */
static void drain(struct run *r, struct slot *sl)
{
	struct tc_case *c = &r->s->cases[sl->ci];
	char buf[8192];
	ssize_t n;

	while (sl->out_fd >= 0) {
		n = read(sl->out_fd, buf, sizeof(buf));
		if (n > 0) {
			strbuf_add(&c->output, buf, (size_t)n);
			if (r->o->on_output)
				r->o->on_output(r->o->arg, c, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EINTR))
			continue;
		if (n == 0) {
			close(sl->out_fd);
			sl->out_fd = -1;
		}
		break;
	}
	while (sl->res_fd >= 0) {
		n = read(sl->res_fd, buf, sizeof(buf));
		if (n > 0) {
			if (sl->res.len < (r->o->record ? TC_RECORD_MAX : TC_ERROR_MAX))
				strbuf_add(&sl->res, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			close(sl->res_fd);
			sl->res_fd = -1;
		}
		break;
	}
}

/*
 * How long a script's events take, from its own times: the latest time it
 * names, a window's end or a blocking call's end included.  Commands that
 * take longer than their next event's time are not counted.
 */
static int64_t script_length_us(const struct tc_script *sc)
{
	int64_t t = 0, last = 0;

	for (int i = 0; sc && i < sc->n_events; i++) {
		const struct tc_event *ev = &sc->events[i];
		bool rel = ev->time_type == TC_TIME_RELATIVE;
		int64_t start = t, end;

		if (ev->time_type != TC_TIME_ANY)
			start = (rel ? t : 0) + ev->time_usecs;
		end = ev->time_end_usecs >= 0 ? (rel ? t : 0) + ev->time_end_usecs : start;
		if (ev->end_usecs >= 0 && ev->time_type != TC_TIME_ANY)
			end = (rel ? t : 0) + ev->end_usecs > end ?
			      (rel ? t : 0) + ev->end_usecs : end;
		t = start;
		if (end > last)
			last = end;
	}
	return t > last ? t : last;
}

struct queued {
	int64_t length_us;
	int ci;
};

static int longer_first(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->length_us != y->length_us)
		return x->length_us < y->length_us ? 1 : -1;
	return x->ci - y->ci;	/* as given, among equals */
}

/*
 * With more than one job, start the longest scripts first, so that the
 * suite's wall time comes near its longest script's rather than that plus
 * whatever started before it.  Every script is parsed now, not at its
 * first start (a parse error is still told when its case comes up).
 */
static void longest_first(struct run *r)
{
	int n = r->q_len;
	struct queued *q = xrealloc(NULL, (size_t)n * sizeof(*q));

	for (int i = 0; i < n; i++) {
		const struct tc_case *c = &r->s->cases[r->queue[r->q_head + i]];
		struct tc_prep *p = prep_of(r->s, c);

		if (p->state == PREP_TODO)
			prep_script(r->s, c, r->o);
		q[i].ci = r->queue[r->q_head + i];
		q[i].length_us = p->state == PREP_OK ? script_length_us(p->script) : 0;
	}
	qsort(q, (size_t)n, sizeof(*q), longer_first);
	for (int i = 0; i < n; i++)
		r->queue[r->q_head + i] = q[i].ci;
	free(q);
}

static bool read_idle(const char *path, unsigned long long *idle)
{
	char buf[512];
	unsigned long long f[5];

	if (tc_read_head(path, buf, sizeof(buf)) < 0)
		return false;
	/* cpu  user nice system idle iowait ... */
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3], &f[4]) != 5)
		return false;
	*idle = f[3] + f[4];
	return true;
}

static void meter_init(struct meter *m, const char *env, const char *path,
		       bool (*read)(const char *, unsigned long long *), double per_second)
{
	const char *alt = getenv(env);

	memset(m, 0, sizeof(*m));
	m->path = alt && *alt ? alt : path;
	m->read = read;
	m->per_second = per_second;
	if (per_second <= 0 || !read(m->path, &m->count))
		m->path = NULL;
	m->rate = -1;
	clock_gettime(CLOCK_MONOTONIC, &m->t);
}

/* The counter's rate over the last whole window: idle CPUs, or the share
 * of the time a task waited for one; -1 until a window has passed (or
 * where the file is not known). */
static double meter_rate(struct meter *m)
{
	unsigned long long count;
	double dt = since(&m->t);

	if (!m->path || dt * 1000 < HEADROOM_WINDOW_MS || !m->read(m->path, &count))
		return m->rate;
	m->rate = count > m->count ? (double)(count - m->count) / m->per_second / dt : 0;
	m->count = count;
	clock_gettime(CLOCK_MONOTONIC, &m->t);
	return m->rate;
}

/*
 * Whether one more run may start now, beside `running` others.  Making a
 * run's namespaces takes a CPU for milliseconds, and a run's own commands
 * (a shell) more: started while no CPU is free, it would delay the timed
 * events of the runs going, and a script whose timing counts from a
 * command's end can then fail rather than come out late.  So a run starts
 * at least TC_RUN_START_GAP_MS after the previous one, and, where the
 * kernel tells, only while over the last window either at least
 * TC_ADMIT_IDLE_CPUS CPUs were idle (/proc/stat) or tasks waited for a
 * CPU less than TC_ADMIT_PRESSURE of the time (PSI).  The first run always
 * starts.  On a machine already busy, fewer run at once than --jobs
 * allows, down to one.
 */
static bool has_headroom(struct run *r)
{
	double idle = meter_rate(&r->cpu), wait = meter_rate(&r->psi);

	if (!r->cpu.path && !r->psi.path)
		return true;
	return idle >= TC_ADMIT_IDLE_CPUS || (wait >= 0 && wait < TC_ADMIT_PRESSURE);
}

static bool admit(struct run *r, int running)
{
	if (!running)
		return true;
	if (since(&r->last_start) * 1000 < TC_RUN_START_GAP_MS)
		return false;
	return has_headroom(r);
}

/* Kill the run's process group and reap the run; drain its pipes. */
static int reap(struct run *r, struct slot *sl)
{
	int status = 0;

	kill(-sl->pid, SIGKILL);
	tc_proc_wait(sl->pid, &status);
	tc_phase("reaped");
	drain(r, sl);
	pcap_close(r, sl, &r->s->cases[sl->ci], true);
	if (sl->out_fd >= 0)
		close(sl->out_fd);
	if (sl->res_fd >= 0)
		close(sl->res_fd);
	sl->out_fd = sl->res_fd = -1;
	return status;
}

static bool retry(struct run *r, struct tc_case *c, char *message, bool late)
{
	if (*r->o->stop)
		return false;
	if (late ? c->late_attempts > r->o->late_retries :
		   c->attempts - c->late_attempts > r->o->retries)
		return false;
	/* A late attempt is no sign of a flaky kernel: flaky_message is
	 * the first failed verdict only. */
	if (!late && !c->flaky_message)
		c->flaky_message = message;
	else
		free(message);
	/* Next to start, ahead of the queue. */
	r->queue[--r->q_head] = (int)(c - r->s->cases);
	r->q_len++;
	return true;
}

/* A sanitizer's report means a bug in tcpconform, whatever the status
 * (ASan and UBSan exit 1 by default, like a failed verification). */
static bool sanitizer_report(const char *out)
{
	static const char *const marks[] = {
		"Sanitizer:DEADLYSIGNAL", "SUMMARY: AddressSanitizer",
		"SUMMARY: UndefinedBehaviorSanitizer", "SUMMARY: LeakSanitizer",
		"SUMMARY: ThreadSanitizer", "SUMMARY: MemorySanitizer", NULL,
	};

	for (int i = 0; marks[i]; i++)
		if (strstr(out, marks[i]))
			return true;
	return false;
}

/* The child's result pipe: its message's first line, then with
 * opts->record a newline and the event record.  Keeps the record with
 * the case and leaves the message alone in res. */
static void keep_record(struct tc_case *c, struct strbuf *res)
{
	char *nl = res->len ? memchr(res->buf, '\n', res->len) : NULL;

	if (c->record)
		tc_record_release(c->record);	/* an earlier attempt's */
	if (!nl)
		return;
	if (!c->record)
		c->record = xcalloc(1, sizeof(*c->record));
	tc_record_read(c->record, nl + 1);
	res->len = (size_t)(nl - res->buf);
	res->buf[res->len] = '\0';
}

/* The run in sl ended (status from waitpid, or timed out). */
static void settle(struct run *r, struct slot *sl, int status, bool timed_out)
{
	struct tc_case *c = &r->s->cases[sl->ci];
	const char *path = r->s->scripts[c->script];
	struct strbuf sb = STRBUF_INIT;
	enum tc_outcome out;
	int code;
	char *msg;

	c->seconds = since(&sl->start);
	sl->ci = -1;
	keep_record(c, &sl->res);
	if (timed_out) {
		strbuf_addf(&sb, "%s: error: timed out after %d s\n", path, r->o->timeout_s);
		say(r, c, sb.buf);
		out = TC_OUT_TIMEOUT;
		code = TC_EXIT_FAIL;
		msg = first_line(sb.buf);
	} else if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == TC_EXIT_CRASH) ||
		   (WIFEXITED(status) && WEXITSTATUS(status) > TC_EXIT_SKIP) ||
		   sanitizer_report(c->output.buf)) {
		if (WIFSIGNALED(status))
			strbuf_addf(&sb, "%s: error: tcpconform crashed running this script (signal %d)\n",
				    path, WTERMSIG(status));
		else if (sanitizer_report(c->output.buf))
			strbuf_addf(&sb, "%s: error: tcpconform crashed running this script (sanitizer report, exit status %d)\n",
				    path, WEXITSTATUS(status));
		else
			strbuf_addf(&sb, "%s: error: tcpconform crashed running this script (exit status %d)\n",
				    path, WEXITSTATUS(status));
		say(r, c, sb.buf);
		c->crashed = true;
		out = TC_OUT_ERROR;
		code = TC_EXIT_CRASH;
		msg = first_line(sb.buf);
	} else {
		code = WEXITSTATUS(status);
		out = code == TC_EXIT_PASS ? TC_OUT_PASS :
		      code == TC_EXIT_FAIL ? TC_OUT_FAIL :
		      code == TC_EXIT_LATE ? TC_OUT_LATE :
		      code == TC_EXIT_SKIP ? TC_OUT_SKIP : TC_OUT_ERROR;
		msg = NULL;
		if (code != TC_EXIT_PASS)
			msg = first_line(sl->res.len ? sl->res.buf :
					 c->output.len ? c->output.buf : "(no message)");
		/* A late run could not judge the kernel: to the command it is
		 * the environment's failure, never a verdict. */
		if (code == TC_EXIT_LATE)
			code = TC_EXIT_ENV;
		else if (code == TC_EXIT_SKIP)
			code = TC_EXIT_PASS;
	}
	strbuf_release(&sb);
	if (out == TC_OUT_LATE) {
		c->late_attempts++;
		if (retry(r, c, msg, true))
			return;
	}
	if ((out == TC_OUT_FAIL || out == TC_OUT_TIMEOUT) &&
	    !(r->o->expected && r->o->expected(r->o->arg, r->s, c, out)) &&
	    retry(r, c, msg, false))
		return;
	if (out == TC_OUT_PASS && c->flaky_message)
		c->flaky = true;
	finish(r, c, out, code, msg);
}

static void interrupt(struct run *r, struct slot *sl)
{
	struct tc_case *c = &r->s->cases[sl->ci];
	struct strbuf sb = STRBUF_INIT;

	reap(r, sl);
	c->seconds = since(&sl->start);
	strbuf_addf(&sb, "%s: error: interrupted\n", r->s->scripts[c->script]);
	say(r, c, sb.buf);
	strbuf_release(&sb);
	c->outcome = TC_OUT_NONE;
	sl->ci = -1;
}

/*
 * --pcap-dir DIR: DIR as the user named it (made if missing, a symlink
 * followed), then DIR/LABEL for each column, made and opened without
 * following any symlink: a planted one is an error (fsutil.h).
 */
static int make_dirs(struct run *r, struct tc_error *err)
{
	int top;

	if (!r->o->pcap_dir)
		return 0;
	top = tc_dir_open(r->o->pcap_dir, true);
	if (top < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot make directory '%s': %s",
				    r->o->pcap_dir, strerror(errno));
	r->col_fd = xrealloc(NULL, (size_t)r->s->n_columns * sizeof(*r->col_fd));
	for (int i = 0; i < r->s->n_columns; i++)
		r->col_fd[i] = -1;
	for (int i = 0; i < r->s->n_columns; i++) {
		r->col_fd[i] = tc_subdir_open(top, r->s->columns[i].label);
		if (r->col_fd[i] < 0) {
			int e = errno;

			tc_error_set(err, TC_ERR_ENV, "cannot make directory '%s/%s': %s",
				     r->o->pcap_dir, r->s->columns[i].label,
				     e == ELOOP || e == ENOTDIR ?
				     "a symbolic link or not a directory (not followed)" :
				     strerror(e));
			close(top);
			return -1;
		}
	}
	close(top);
	return 0;
}

static void close_dirs(struct run *r)
{
	for (int i = 0; r->col_fd && i < r->s->n_columns; i++)
		if (r->col_fd[i] >= 0)
			close(r->col_fd[i]);
	free(r->col_fd);
	r->col_fd = NULL;
}

int tc_suite_run(struct tc_suite *s, const struct tc_run_opts *o,
		 struct tc_error *err)
{
	static volatile sig_atomic_t never;
	struct tc_run_opts opts = *o;
	struct run r;
	struct pollfd *pfd;
	int running = 0, ret = -1;

	if (!opts.stop)
		opts.stop = &never;
	if (opts.jobs < 1)
		opts.jobs = 1;
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.parent = getpid();
	r.o = &opts;
	clock_gettime(CLOCK_REALTIME, &s->started);
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	meter_init(&r.cpu, "TCPCONFORM_CPU_STAT", "/proc/stat", read_idle,
		   (double)sysconf(_SC_CLK_TCK));
	meter_init(&r.psi, "TCPCONFORM_CPU_PRESSURE", "/proc/pressure/cpu",
		   tc_psi_some_total, 1e6);
	if (make_dirs(&r, err) < 0) {
		close_dirs(&r);
		return -1;
	}
	/* One prepared run waiting per job, two at most: at --jobs 1 the
	 * next run's setup overlaps the running one's sleeps. */
	r.n_pool = opts.jobs < POOL_MAX ? opts.jobs : POOL_MAX;
	r.slots = xrealloc(NULL, (size_t)(opts.jobs + r.n_pool) * sizeof(*r.slots));
	r.pool = r.slots + opts.jobs;
	for (int i = 0; i < opts.jobs + r.n_pool; i++) {
		r.slots[i].ci = -1;
		r.slots[i].out_fd = r.slots[i].res_fd = -1;
		strbuf_init(&r.slots[i].res);
		r.slots[i].pcap_fd = -1;
		strbuf_init(&r.slots[i].pcap_tmp);
		r.slots[i].go_fd = -1;
	}
	r.no_prep = xcalloc((size_t)s->n_cases + 1, sizeof(*r.no_prep));
	/* Room in front for each retry of each case. */
	r.q_head = s->n_cases * (opts.retries + opts.late_retries + 1);
	r.queue = xrealloc(NULL, (size_t)(r.q_head + s->n_cases) * sizeof(*r.queue));
	for (int i = 0; i < s->n_cases; i++)
		r.queue[r.q_head + i] = i;
	r.q_len = s->n_cases;
	if (opts.jobs > 1 && r.q_len > 1)
		longest_first(&r);
	pfd = xrealloc(NULL, (size_t)(2 * opts.jobs) * sizeof(*pfd));

	for (;;) {
		int np = 0;

		if (*opts.stop) {
			cancel_all(&r);
			for (int i = 0; i < opts.jobs; i++)
				if (r.slots[i].ci >= 0)
					interrupt(&r, &r.slots[i]);
			s->interrupted = true;
			break;
		}
		for (int i = 0; i < opts.jobs && r.q_len && !*opts.stop; i++) {
			struct slot *pe;
			int ci;

			if (r.slots[i].ci >= 0)
				continue;
			if (!next_startable(&r) || !admit(&r, running))
				break;
			r.q_len--;
			ci = r.queue[r.q_head++];
			pe = prepared(&r, ci);
			if (pe)
				go(&r, &r.slots[i], pe);
			else if (start(&r, &r.slots[i], ci, err) < 0)
				goto out;
			if (r.slots[i].ci >= 0) {
				running++;
				clock_gettime(CLOCK_MONOTONIC, &r.last_start);
			} else {
				i--;	/* settled without a run: fill this slot again */
			}
		}
		if (!running && !r.q_len)
			break;
		if (!*opts.stop)
			prepare_ahead(&r);
		for (int i = 0; i < opts.jobs; i++) {
			struct slot *sl = &r.slots[i];

			if (sl->ci < 0)
				continue;
			if (sl->out_fd >= 0)
				pfd[np++] = (struct pollfd){ .fd = sl->out_fd, .events = POLLIN };
			if (sl->res_fd >= 0)
				pfd[np++] = (struct pollfd){ .fd = sl->res_fd, .events = POLLIN };
		}
		/* Pipes wake us for output and at exit (EOF); the timeout
		 * catches a child whose commands keep its pipes open. */
		poll(pfd, (nfds_t)np, r.q_len && running < opts.jobs ? 5 : 20);
		for (int i = 0; i < opts.jobs; i++) {
			struct slot *sl = &r.slots[i];
			siginfo_t si;

			if (sl->ci < 0)
				continue;
			drain(&r, sl);
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)sl->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
			    si.si_pid == sl->pid) {
				int status = reap(&r, sl);

				running--;
				settle(&r, sl, status, false);
			} else if (since(&sl->start) >= opts.timeout_s) {
				reap(&r, sl);
				running--;
				settle(&r, sl, 0, true);
			}
		}
	}
	ret = 0;
out:
	cancel_all(&r);	/* none is left but after an error */
	if (ret < 0) {
		for (int i = 0; i < opts.jobs; i++)
			if (r.slots[i].ci >= 0)
				interrupt(&r, &r.slots[i]);
	}
	s->seconds = since(&r.t0);
	for (int i = 0; i < opts.jobs + r.n_pool; i++) {
		strbuf_release(&r.slots[i].res);
		strbuf_release(&r.slots[i].pcap_tmp);
	}
	close_dirs(&r);
	free(r.slots);
	free(r.no_prep);
	free(r.queue);
	free(pfd);
	return ret;
}
