/* vm.c: see vm.h. */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpio.h"
#include "error.h"
#include "fsutil.h"
#include "kmod.h"
#include "proc.h"
#include "strbuf.h"
#include "vmjob.h"

extern char **environ;

/* The init, built -static from src/vm/guest/init.c (src/vm/guest/blob.S). */
extern const char tc_init_blob[], tc_init_blob_end[];

#define MARKER "tcpconform-init: started"

/* What the guest needs before it can mount its root, and the option a
 * kernel configuration needs for each (doc/kernel-image.md, "The kernel
 * configuration it needs"). */
static const struct {
	const char *module, *config;
} needed[] = {
	{ "virtio_pci", "CONFIG_VIRTIO_PCI" },
	{ "9pnet_virtio", "CONFIG_NET_9P_VIRTIO" },
	{ "9p", "CONFIG_9P_FS" },
	{ "overlay", "CONFIG_OVERLAY_FS" },
	{ "veth", "CONFIG_VETH" },
};

#define N_NEEDED ((int)(sizeof(needed) / sizeof(needed[0])))

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int find_in_path(const char *name, struct strbuf *out)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL;
	int found = -1;

	if (strchr(name, '/')) {
		strbuf_addstr(out, name);
		return access(name, X_OK);
	}
	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		abort();
	for (char *d = strtok_r(copy, ":", &save); d && found < 0; d = strtok_r(NULL, ":", &save)) {
		strbuf_reset(out);
		strbuf_addf(out, "%s/%s", d, name);
		if (access(out->buf, X_OK) == 0)
			found = 0;
	}
	free(copy);
	return found;
}

/* ---- the initramfs ---------------------------------------------------- */

/* Add every directory above path (relative, "a/b/c.ko": "a", "a/b"),
 * once: dirs keeps the ones added, one per line, framed by newlines. */
static void add_parents(struct strbuf *cpio, struct strbuf *dirs, const char *path)
{
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		struct strbuf key = STRBUF_INIT;
		char dir[4096];

		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		strbuf_addf(&key, "\n%s\n", dir);
		if (!strstr(dirs->buf, key.buf)) {
			tc_cpio_add_dir(cpio, dir);
			strbuf_addf(dirs, "%s\n", dir);
		}
		strbuf_release(&key);
	}
}

static int write_initramfs(const char *path, const char *modules, struct tc_error *err)
{
	static const char *const dirs0[] = { "dev", "proc", "sys", "tmp", "out", "lower",
					     "newroot" };
	struct strbuf cpio = STRBUF_INIT, order = STRBUF_INIT, missing = STRBUF_INIT;
	struct strbuf dirs = STRBUF_INIT, list = STRBUF_INIT;
	struct tc_kmod *k = NULL;
	int ret = -1;

	for (size_t i = 0; i < sizeof(dirs0) / sizeof(dirs0[0]); i++)
		tc_cpio_add_dir(&cpio, dirs0[i]);
	/* The kernel opens /dev/console for init before anything is mounted. */
	tc_cpio_add(&cpio, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	tc_cpio_add(&cpio, "init", S_IFREG | 0755, 0, 0, tc_init_blob,
		    (size_t)(tc_init_blob_end - tc_init_blob));
	if (modules) {
		const char *names[N_NEEDED];
		char *save = NULL;

		for (int i = 0; i < N_NEEDED; i++)
			names[i] = needed[i].module;
		if (tc_kmod_load(modules, &k, err) < 0)
			goto out;
		tc_kmod_order(k, names, N_NEEDED, &order, &missing);
		for (char *m = strtok_r(missing.buf, "\n", &save); m; m = strtok_r(NULL, "\n", &save)) {
			if (tc_kmod_builtin(modules, m))
				continue;
			for (int i = 0; i < N_NEEDED; i++)
				if (!strcmp(needed[i].module, m))
					tc_error_set(err, TC_ERR_ENV,
						     "the kernel in '%s' has no module '%s' and does not "
						     "build it in: the guest needs %s", modules, m,
						     needed[i].config);
			goto out;
		}
		strbuf_addch(&dirs, '\n');
		save = NULL;
		for (char *m = strtok_r(order.buf, "\n", &save); m; m = strtok_r(NULL, "\n", &save)) {
			struct strbuf name = STRBUF_INIT, src = STRBUF_INIT;
			int rc;

			strbuf_addf(&name, "m/%s", m);
			strbuf_addf(&src, "%s/%s", modules, m);
			add_parents(&cpio, &dirs, name.buf);
			rc = tc_cpio_add_file(&cpio, name.buf, 0644, src.buf, err);
			strbuf_addf(&list, "/%s\n", name.buf);
			strbuf_release(&name);
			strbuf_release(&src);
			if (rc < 0)
				goto out;
		}
		tc_cpio_add(&cpio, "modules.list", S_IFREG | 0644, 0, 0, list.buf, list.len);
	}
	tc_cpio_finish(&cpio);
	if (tc_write_file(path, cpio.buf, cpio.len) < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	tc_kmod_free(k);
	strbuf_release(&cpio);
	strbuf_release(&order);
	strbuf_release(&missing);
	strbuf_release(&dirs);
	strbuf_release(&list);
	return ret;
}

/* ---- QEMU ------------------------------------------------------------- */

/* QEMU's option values separate fields with ',': a comma in a path is
 * written twice. */
static char *qemu_escape(const char *fmt_prefix, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, fmt_prefix);
	for (const char *p = path; *p; p++) {
		if (*p == ',')
			strbuf_addch(&sb, ',');
		strbuf_addch(&sb, *p);
	}
	return strbuf_detach(&sb);
}

struct run {
	const struct tc_vm_opts *o;
	char tmp[4096];
	struct strbuf qemu;	/* the binary's path */
	char *args[64];
	int n_args;
	char *owned[16];	/* args to free */
	int n_owned;
	pid_t pid;
	off_t off_out, off_err;
	bool started;		/* the init said so on the console */
	int janitor_fd;		/* closing it tells the janitor we are done */
};

/*
 * The temporary directory must go even when this process is SIGKILLed
 * (QEMU dies with it: PR_SET_PDEATHSIG).  A janitor, in its own session so
 * that a signal to our group spares it, waits for EOF on a pipe whose
 * write end only this process holds (close on exec: QEMU does not inherit
 * it); then it removes the directory, retrying while QEMU's last writes
 * drain, and exits.  On the normal path we remove the directory first and
 * close the pipe, and the janitor finds nothing to do.
 */
static int start_janitor(const char *dir)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = tc_proc_fork(&(struct tc_proc_opts){ .flags = TC_PROC_OWN_SESSION,
		.fd_in = p[0], .fd_out = -1, .fd_err = -1 });
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[0]);
		return p[1];
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	close_range(1, ~0U, 0);
	while (read(0, &c, 1) < 0 && errno == EINTR)
		;
	for (int i = 0; i < 50 && access(dir, F_OK) == 0; i++) {
		tc_rm_rf(dir);
		if (access(dir, F_OK) == 0)
			usleep(100000);
	}
	_exit(0);
}

static void arg(struct run *r, const char *a)
{
	r->args[r->n_args++] = (char *)a;
}

static void arg_owned(struct run *r, char *a)
{
	r->owned[r->n_owned++] = a;
	arg(r, a);
}

static void tmp_path(const struct run *r, struct strbuf *sb, const char *name)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%s/%s", r->tmp, name);
}

static void build_args(struct run *r, const char *accel)
{
	const struct tc_vm_opts *o = r->o;
	struct strbuf p = STRBUF_INIT;
	char num[32];

	for (int i = 0; i < r->n_owned; i++)
		free(r->owned[i]);
	r->n_args = r->n_owned = 0;
	arg(r, r->qemu.buf);
	arg(r, "-nodefaults");
	arg(r, "-no-user-config");
	arg(r, "-display");
	arg(r, "none");
	arg(r, "-no-reboot");
	arg(r, "-accel");
	arg(r, accel);
	arg(r, "-cpu");
	arg(r, strcmp(accel, "kvm") ? "max" : "host");
	arg(r, "-m");
	snprintf(num, sizeof(num), "%d", o->memory_mb);
	arg_owned(r, strdup(num));
	arg(r, "-smp");
	snprintf(num, sizeof(num), "%d", o->cpus);
	arg_owned(r, strdup(num));
	arg(r, "-kernel");
	arg(r, o->kernel);
	arg(r, "-initrd");
	tmp_path(r, &p, "initrd");
	arg_owned(r, strdup(p.buf));
	arg(r, "-append");
	arg(r, "console=ttyS0 panic=-1 rdinit=/init");
	tmp_path(r, &p, "console");
	arg(r, "-chardev");
	arg_owned(r, qemu_escape("file,id=console,path=", p.buf));
	arg(r, "-serial");
	arg(r, "chardev:console");
	/* The host's root: read-only on QEMU's side, device numbers remapped
	 * so inode numbers from different host filesystems do not collide. */
	arg(r, "-fsdev");
	arg(r, "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap");
	arg(r, "-device");
	arg(r, "virtio-9p-pci,fsdev=root,mount_tag=tcroot");
	tmp_path(r, &p, "share");
	arg(r, "-fsdev");
	arg_owned(r, qemu_escape("local,id=out,security_model=none,multidevs=remap,path=", p.buf));
	arg(r, "-device");
	arg(r, "virtio-9p-pci,fsdev=out,mount_tag=tcout");
	arg(r, "-device");
	arg(r, "isa-debug-exit,iobase=0xf4,iosize=0x04");
	r->args[r->n_args] = NULL;
	for (int i = 0; i < r->n_owned; i++)
		if (!r->owned[i])
			abort();
	strbuf_release(&p);
}

static int start_qemu(struct run *r, struct tc_error *err)
{
	struct strbuf log = STRBUF_INIT;
	struct rlimit no_core = { 0, 0 };
	int fd;

	tmp_path(r, &log, "qemu.log");
	fd = open(log.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	strbuf_release(&log);
	if (fd < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot create QEMU's log: %s", strerror(errno));
	/* QEMU dies with us, and a Ctrl-C reaches only us: we end it. */
	r->pid = tc_proc_fork(&(struct tc_proc_opts){
		.flags = TC_PROC_DIE_WITH_PARENT | TC_PROC_OWN_GROUP,
		.fd_in = -1, .fd_out = fd, .fd_err = fd });
	if (r->pid < 0) {
		close(fd);
		return tc_error_set(err, TC_ERR_ENV, "fork: %s", strerror(errno));
	}
	if (r->pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		/* An abort under a broken KVM leaves no core file behind. */
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (in < 0 || dup2(in, 0) < 0)
			_exit(127);
		execve(r->qemu.buf, r->args, environ);
		dprintf(2, "cannot run '%s': %s\n", r->qemu.buf, strerror(errno));
		_exit(127);
	}
	close(fd);
	return 0;
}

static void kill_qemu(struct run *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		tc_proc_wait(r->pid, NULL);
		r->pid = 0;
	}
}

/* Copy what the guest's command wrote since last time to fd. */
static void relay(struct run *r, const char *name, off_t *off, int fd)
{
	struct strbuf p = STRBUF_INIT;
	char buf[16384];
	ssize_t n;
	int in;

	tmp_path(r, &p, name);
	in = open(p.buf, O_RDONLY | O_CLOEXEC);
	strbuf_release(&p);
	if (in < 0)
		return;
	while ((n = pread(in, buf, sizeof(buf), *off)) > 0) {
		if (write(fd, buf, (size_t)n) < 0)
			break;
		*off += n;
	}
	close(in);
}

static void relay_all(struct run *r)
{
	relay(r, "share/stdout", &r->off_out, 1);
	relay(r, "share/stderr", &r->off_err, 2);
}

static bool console_has(struct run *r, const char *what)
{
	struct strbuf p = STRBUF_INIT, c = STRBUF_INIT;
	bool has;

	tmp_path(r, &p, "console");
	tc_read_file(p.buf, &c);
	has = strstr(c.buf, what) != NULL;
	strbuf_release(&p);
	strbuf_release(&c);
	return has;
}

/* The last lines of the console into err's detail. */
static void console_tail(struct run *r, struct tc_error *err)
{
	struct strbuf p = STRBUF_INIT, c = STRBUF_INIT;
	const char *start;
	int lines = 0;

	tmp_path(r, &p, "console");
	tc_read_file(p.buf, &c);
	while (c.len && (c.buf[c.len - 1] == '\n' || c.buf[c.len - 1] == '\r'))
		c.buf[--c.len] = '\0';
	start = c.buf + c.len;
	while (start > c.buf && lines < TC_VM_CONSOLE_TAIL) {
		start--;
		if (*start == '\n')
			lines++;
	}
	if (*start == '\n')
		start++;
	if (!c.len) {
		tc_error_detail(err, "the serial console is empty");
	} else {
		char *save = NULL;
		size_t used = strlen(err->detail);
		/* Keep the newest lines when the detail buffer is short. */
		size_t room = sizeof(err->detail) - used - 64;

		tc_error_detail(err, "last lines of the serial console:");
		if (strlen(start) > room)
			start += strlen(start) - room;
		for (char *l = strtok_r((char *)start, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			l[strcspn(l, "\r")] = '\0';
			tc_error_detail(err, "  %s", l);
		}
	}
	strbuf_release(&p);
	strbuf_release(&c);
}

/* The first line of a file, for a message. */
static void first_line(struct run *r, const char *name, char *out, size_t size)
{
	struct strbuf p = STRBUF_INIT, c = STRBUF_INIT;

	tmp_path(r, &p, name);
	out[0] = '\0';
	if (tc_read_file(p.buf, &c) == 0) {
		/* QEMU's own messages start "qemu-system-x86_64: ". */
		snprintf(out, size, "%.*s", (int)strcspn(c.buf, "\n"), c.buf);
	}
	strbuf_release(&p);
	strbuf_release(&c);
}

enum end { END_EXITED, END_TIMEOUT, END_STOPPED, END_PROBE };

/* Start QEMU and wait for it to end, relaying output.  probe_s > 0: give
 * up (END_PROBE) when the init has not started by then. */
static int boot(struct run *r, const char *accel, double deadline, int probe_s,
		enum end *end, int *qemu_status, struct tc_error *err)
{
	static const char *const stale[] = { "share/stdout", "share/stderr", "share/status",
					     "share/init-error", "console" };
	struct strbuf p = STRBUF_INIT;
	double probe_end = now_s() + probe_s;

	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		tmp_path(r, &p, stale[i]);
		unlink(p.buf);
	}
	strbuf_release(&p);
	r->off_out = r->off_err = 0;
	r->started = false;
	build_args(r, accel);
	if (start_qemu(r, err) < 0)
		return -1;
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		int st;

		relay_all(r);
		if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
			r->pid = 0;
			*qemu_status = st;
			*end = END_EXITED;
			break;
		}
		if (r->o->stop && *r->o->stop) {
			kill_qemu(r);
			*end = END_STOPPED;
			break;
		}
		if (now_s() > deadline) {
			kill_qemu(r);
			*end = END_TIMEOUT;
			break;
		}
		if (!r->started)
			r->started = console_has(r, MARKER);
		if (probe_s > 0 && !r->started && now_s() > probe_end) {
			kill_qemu(r);
			*end = END_PROBE;
			break;
		}
		nanosleep(&ts, NULL);
	}
	relay_all(r);
	if (!r->started)
		r->started = console_has(r, MARKER);
	return 0;
}

/* Whether /dev/kvm opens; if not, why (strerror) in *why. */
static int kvm_usable(const char **why)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		*why = strerror(errno);
		return 0;
	}
	close(fd);
	return 1;
}

/* Outputs: the init copies what the command wrote at each path to the
 * share's out/N; the job lists them as absolute paths. */
static int prepare_outputs(struct run *r, struct tc_vmjob *job, const char *cwd,
			   struct tc_error *err)
{
	const struct tc_vm_opts *o = r->o;
	struct strbuf p = STRBUF_INIT;

	tmp_path(r, &p, "share/out");
	if (mkdir(p.buf, 0755) < 0) {
		tc_error_set(err, TC_ERR_ENV, "mkdir '%s': %s", p.buf, strerror(errno));
		strbuf_release(&p);
		return -1;
	}
	strbuf_release(&p);
	for (int i = 0; i < o->n_out_files + !!o->out_dir; i++) {
		const char *path = i < o->n_out_files ? o->out_files[i] : o->out_dir;
		struct strbuf abs = STRBUF_INIT;

		if (path[0] != '/')
			strbuf_addf(&abs, "%s/", cwd);
		strbuf_addstr(&abs, path);
		job->outs[job->n_outs].kind = i < o->n_out_files ? 'f' : 'd';
		job->outs[job->n_outs++].path = strbuf_detach(&abs);
	}
	return 0;
}

/* Bring back what the guest wrote, to the paths the user named. */
static int collect_outputs(struct run *r, struct tc_error *err)
{
	const struct tc_vm_opts *o = r->o;
	int ret = 0;

	for (int i = 0; i < o->n_out_files + !!o->out_dir; i++) {
		const char *path = i < o->n_out_files ? o->out_files[i] : o->out_dir;
		struct strbuf slot = STRBUF_INIT;
		struct stat st;

		strbuf_addf(&slot, "%s/share/out/%d", r->tmp, i);
		if (stat(slot.buf, &st) == 0 &&
		    (S_ISDIR(st.st_mode) ? tc_copy_tree(slot.buf, path) :
		     tc_copy_file(slot.buf, path)) < 0)
			ret = tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", path,
					   strerror(errno));
		strbuf_release(&slot);
	}
	return ret;
}

/* Why the guest left no status: the message, then the console's tail. */
static void diagnose(struct run *r, enum end end, int qemu_status, const char *accel,
		     struct tc_error *err)
{
	char line[1024];

	first_line(r, "share/init-error", line, sizeof(line));
	if (!line[0]) {
		/* Before the result share is mounted, only the console has it. */
		struct strbuf p = STRBUF_INIT, c = STRBUF_INIT;
		const char *e;

		tmp_path(r, &p, "console");
		tc_read_file(p.buf, &c);
		e = strstr(c.buf, "tcpconform-init: error: ");
		if (e) {
			e += strlen("tcpconform-init: error: ");
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(e, "\r\n"), e);
		}
		strbuf_release(&p);
		strbuf_release(&c);
	}
	if (end == END_STOPPED) {
		tc_error_set(err, TC_ERR_ENV, "interrupted: the guest was stopped");
	} else if (end == END_TIMEOUT) {
		tc_error_set(err, TC_ERR_ENV, "the guest (%s) did not finish within %d s "
			     "(--vm-timeout)%s", accel, r->o->timeout_s,
			     r->started ? "" : "; it never reached our init");
	} else if (end == END_PROBE) {
		tc_error_set(err, TC_ERR_ENV, "the KVM guest did not reach our init within %d s",
			     TC_VM_KVM_PROBE_S);
	} else if (line[0]) {
		tc_error_set(err, TC_ERR_ENV, "the guest's init failed: %s", line);
		if (strstr(line, "No such device"))
			tc_error_detail(err, "the kernel lacks a driver: give --modules, or build in "
					"CONFIG_NET_9P_VIRTIO, CONFIG_9P_FS, CONFIG_VIRTIO_PCI and "
					"CONFIG_OVERLAY_FS");
	} else if (console_has(r, "Kernel panic")) {
		struct strbuf p = STRBUF_INIT, c = STRBUF_INIT;
		const char *k;

		tmp_path(r, &p, "console");
		tc_read_file(p.buf, &c);
		k = strstr(c.buf, "Kernel panic");
		tc_error_set(err, TC_ERR_ENV, "the kernel under test panicked: %.*s",
			     (int)strcspn(k, "\r\n"), k);
		strbuf_release(&p);
		strbuf_release(&c);
	} else if (!r->started) {
		/* QEMU's own complaint (a bad image, a missing accelerator). */
		first_line(r, "qemu.log", line, sizeof(line));
		if (line[0] && WIFSIGNALED(qemu_status))
			tc_error_set(err, TC_ERR_ENV, "QEMU failed (signal %d): %s",
				     WTERMSIG(qemu_status), line);
		else if (line[0])
			tc_error_set(err, TC_ERR_ENV, "QEMU failed: %s", line);
		if (line[0] && strstr(line, "kernel"))
			tc_error_detail(err, "is '%s' an x86 kernel image (arch/x86/boot/bzImage)?",
					r->o->kernel);
		else
			tc_error_set(err, TC_ERR_ENV, "the kernel did not boot: it never started "
				     "our init");
	} else {
		tc_error_set(err, TC_ERR_ENV, "the guest stopped before its command finished");
	}
	if (end != END_STOPPED)
		console_tail(r, err);
}

int tc_vm_run(const struct tc_vm_opts *o, int *status, const char **accel_used,
	      struct tc_error *err)
{
	struct run r;
	struct tc_vmjob job;
	struct strbuf p = STRBUF_INIT, sb = STRBUF_INIT;
	const char *tmpdir = getenv("TMPDIR");
	char exe[4096], cwd[4096];
	const char *accel;
	double deadline = now_s() + o->timeout_s;
	enum end end = END_EXITED;
	int qemu_status = 0, ret = -1;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	memset(&job, 0, sizeof(job));
	r.o = o;
	strbuf_init(&r.qemu);
	if (access(o->kernel, R_OK) < 0)
		return tc_error_set(err, TC_ERR_SCRIPT, "cannot read kernel image '%s': %s",
				    o->kernel, strerror(errno));
	if (o->modules && access(o->modules, R_OK | X_OK) < 0)
		return tc_error_set(err, TC_ERR_SCRIPT, "cannot read modules directory '%s': %s",
				    o->modules, strerror(errno));
	if (find_in_path(o->qemu, &r.qemu) < 0) {
		strbuf_release(&r.qemu);
		return tc_error_set(err, TC_ERR_ENV, "'%s' not found in PATH (Debian: apt-get install "
				    "qemu-system-x86)", o->qemu);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0 || !getcwd(cwd, sizeof(cwd))) {
		strbuf_release(&r.qemu);
		return tc_error_set(err, TC_ERR_ENV, "cannot find this program or the working "
				    "directory: %s", strerror(errno));
	}
	exe[n] = '\0';
	snprintf(r.tmp, sizeof(r.tmp), "%s/tcpconform-vm.XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(r.tmp)) {
		strbuf_release(&r.qemu);
		return tc_error_set(err, TC_ERR_ENV, "cannot make a temporary directory '%s': %s",
				    r.tmp, strerror(errno));
	}
	r.janitor_fd = start_janitor(r.tmp);

	tmp_path(&r, &p, "initrd");
	if (write_initramfs(p.buf, o->modules, err) < 0)
		goto out;
	tmp_path(&r, &p, "share");
	if (mkdir(p.buf, 0755) < 0) {
		tc_error_set(err, TC_ERR_ENV, "mkdir '%s': %s", p.buf, strerror(errno));
		goto out;
	}
	job.exe = exe;
	job.cwd = cwd;
	if (o->modules) {
		if (o->modules[0] == '/') {
			job.modules = strdup(o->modules);
		} else {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s/%s", cwd, o->modules);
			job.modules = strbuf_detach(&sb);
		}
	}
	for (int i = 0; i < o->argc && i < TC_VMJOB_MAX_ARGS; i++)
		job.argv[job.argc++] = o->argv[i];
	if (prepare_outputs(&r, &job, cwd, err) < 0)
		goto out;

	accel = o->accel;
	if (!strcmp(o->accel, "auto")) {
		const char *why = NULL;

		accel = kvm_usable(&why) ? "kvm" : "tcg";
		if (why)
			tc_notice(TC_NOTE, NULL, 0, NULL,
				  "KVM is not usable (/dev/kvm: %s): using TCG", why);
	}
	for (;;) {
		bool probing = !strcmp(o->accel, "auto") && !strcmp(accel, "kvm");

		job.accel = (char *)accel;
		strbuf_reset(&sb);
		tc_vmjob_format(&job, &sb);
		tmp_path(&r, &p, "share/job");
		if (tc_write_file(p.buf, sb.buf, sb.len) < 0) {
			tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", p.buf, strerror(errno));
			goto out;
		}
		if (boot(&r, accel, deadline, probing ? TC_VM_KVM_PROBE_S : 0, &end,
			 &qemu_status, err) < 0)
			goto out;
		if (probing && !r.started && end != END_STOPPED && end != END_TIMEOUT) {
			char line[512];

			first_line(&r, "qemu.log", line, sizeof(line));
			if (end == END_PROBE || !line[0])
				tc_notice(TC_NOTE, NULL, 0, NULL, "the KVM guest did not reach "
					  "our init within %d s: using TCG", TC_VM_KVM_PROBE_S);
			else
				tc_notice(TC_NOTE, NULL, 0, NULL, "QEMU failed under KVM (%s): using TCG",
					  line);
			accel = "tcg";
			continue;
		}
		break;
	}
	*accel_used = accel;

	tmp_path(&r, &p, "share/status");
	strbuf_reset(&sb);
	if (tc_read_file(p.buf, &sb) == 0) {
		int v;

		if (sscanf(sb.buf, "exit %d", &v) == 1) {
			*status = v;
		} else if (sscanf(sb.buf, "signal %d", &v) == 1) {
			tc_notice(TC_ERROR_NOTICE, NULL, 0, NULL,
				  "tcpconform in the guest was killed by signal %d (%s)", v,
				  strsignal(v));
			*status = TC_EXIT_CRASH;
		} else {
			tc_error_set(err, TC_ERR_ENV, "the guest's status is malformed: '%.*s'",
				     (int)strcspn(sb.buf, "\n"), sb.buf);
			goto out;
		}
		if (collect_outputs(&r, err) < 0)
			goto out;
		ret = 0;
		goto out;
	}
	diagnose(&r, end, qemu_status, accel, err);
out:
	kill_qemu(&r);
	tc_rm_rf(r.tmp);
	if (r.janitor_fd >= 0)
		close(r.janitor_fd);
	for (int i = 0; i < r.n_owned; i++)
		free(r.owned[i]);
	for (int i = 0; i < job.n_outs; i++)
		free(job.outs[i].path);
	free(job.modules);
	strbuf_release(&r.qemu);
	strbuf_release(&p);
	strbuf_release(&sb);
	return ret;
}
