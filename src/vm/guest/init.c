/*
 * init.c: the guest's PID 1 for `tcpconform --kernel` (built -static; the
 * host embeds it in the initramfs it writes, see src/vm.c).
 *
 * From the initramfs:
 *   1. say "tcpconform-init: started" on the console (the host's sign that
 *      the kernel booted and its accelerator works);
 *   2. mount devtmpfs on /dev, proc, sysfs, and a tmpfs on /tmp;
 *   3. load the modules listed in /modules.list, in that order (the host
 *      ordered them from modules.dep, dependencies first);
 *   4. mount the result share (9p tag "tcout") on /out and read /out/job
 *      (src/vm/vmjob.h);
 *   5. mount the host's root (9p tag "tcroot", read-only on both sides) on
 *      /lower and an overlay of it on /newroot, upper and work dirs on the
 *      tmpfs: the guest may write anywhere, the host's files never change;
 *   6. move /dev, /proc, /sys into the new root, the result share to
 *      /run/tcpconform; bind the job's modules directory at
 *      /lib/modules/RELEASE (so modprobe and the kernel's module autoload
 *      find the modules of the kernel under test);
 *   7. switch root: move /newroot onto / and chroot there, in PID 1 itself.
 *      PID 1 shares its fs_struct with the kernel threads (CLONE_FS), so
 *      the usermode helpers (modprobe on a module autoload) run in the new
 *      root too, which a chroot in a child would not give;
 *   8. run the job's command in a child, in its cwd, with a sane PATH,
 *      stdin /dev/null, stdout and stderr into the result share; reap
 *      every orphan meanwhile;
 *   9. copy each output the command wrote (--json, --pcap-dir, ...: its
 *      path is in the overlay's upper layer) to the share's out/N, for
 *      the host to put at the same path; a file there may have been
 *      replaced by a rename, so nothing is bound over it;
 *  10. write "exit N" or "signal N" to /run/tcpconform/status (the truth
 *      for the host), sync, and power off: the isa-debug-exit port ends
 *      QEMU at once, a reboot (QEMU runs with -no-reboot) if that fails.
 *
 * Any failure is written to the console and to /out/init-error (when the
 * share is mounted) as "tcpconform-init: error: ...", then the machine
 * powers off without a status file: the host reports an environment error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "proc.h"
#include "strbuf.h"
#include "vm/vmjob.h"

#define SHARE "/run/tcpconform"
#define EXIT_PORT 0xf4
#define P9_OPTS "trans=virtio,version=9p2000.L,msize=262144"

/* Where the result share is mounted now ("" before it is). */
static const char *share = "";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("tcpconform-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void power_off(void) __attribute__((noreturn));
static void power_off(void)
{
	/* The console is a tty: what was written may still be queued for the
	 * UART, and the exit port ends QEMU at once. */
	fflush(stderr);
	tcdrain(STDERR_FILENO);
	sync();
	/* QEMU exits with (value << 1) | 1: the status file says more. */
	if (ioperm(EXIT_PORT, 1, 1) == 0)
		outb(0, EXIT_PORT);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tcpconform-init: error: %s\n", msg);
	if (share[0]) {
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/init-error", share);
		f = fopen(path, "w");

		if (f) {
			fprintf(f, "%s\n", msg);
			fclose(f);
		}
	}
	power_off();
}

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		die("mkdir '%s': %s", dst, strerror(errno));
	if (mount(src, dst, type, flags, data) < 0)
		die("mount %s '%s' on '%s': %s", type ? type : "(bind/move)", src, dst,
		    strerror(errno));
}

/* mkdir -p, for a path inside the new root. */
static void mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static void load_modules(void)
{
	struct strbuf list = STRBUF_INIT;
	char *save = NULL;

	if (tc_read_file("/modules.list", &list) < 0)
		return;		/* a kernel with the drivers built in */
	for (char *p = strtok_r(list.buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		/* A compressed module needs the kernel to decompress it
		 * (MODULE_INIT_COMPRESSED_FILE, 6.4 and later). */
		int flags = strstr(p, ".ko.") ? 4 : 0;

		if (fd < 0)
			die("open module '%s': %s", p, strerror(errno));
		if (syscall(SYS_finit_module, fd, "", flags) < 0 && errno != EEXIST)
			die("load module '%s': %s", p, strerror(errno));
		close(fd);
	}
	strbuf_release(&list);
}

/* After the command: what it wrote at an output's path (the overlay's
 * upper layer has it) goes to the result share's out/N. */
static void save_output(int upper, int n, const struct tc_vmjob_out *o)
{
	char dst[256], *real = realpath(o->path, NULL);
	struct stat st;
	int rc;

	if (!real)
		return;
	snprintf(dst, sizeof(dst), SHARE "/out/%d", n);
	if (fstatat(upper, real + 1, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		rc = o->kind == 'd' ? tc_copy_tree(real, dst) : tc_copy_file(real, dst);
		if (rc < 0)
			say("error: cannot save '%s': %s", o->path, strerror(errno));
	}
	free(real);
}

static char *env_add(const char *k, const char *v)
{
	size_t n = strlen(k) + strlen(v) + 2;
	char *s = malloc(n);

	if (!s)
		die("out of memory");
	snprintf(s, n, "%s=%s", k, v);
	return s;
}

static void write_status(const char *text)
{
	int fd = open(SHARE "/status.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fsync(fd) < 0 || close(fd) < 0 ||
	    rename(SHARE "/status.tmp", SHARE "/status") < 0)
		die("write status: %s", strerror(errno));
}

int main(void)
{
	struct strbuf jobtext = STRBUF_INIT;
	struct tc_vmjob job;
	struct tc_error err;
	struct utsname u;
	char status[64];
	char *envp[8];
	int n_env = 0, out_fd, err_fd, upper, wst;
	pid_t child;

	setvbuf(stderr, NULL, _IOLBF, 0);
	say("started");
	if (getpid() != 1)
		die("not PID 1: this program is the guest's init, started by tcpconform --kernel");
	do_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0755");
	uname(&u);
	load_modules();

	do_mount("tcout", "/out", "9p", 0, P9_OPTS);
	share = "/out";
	tc_error_clear(&err);
	if (tc_read_file("/out/job", &jobtext) < 0)
		die("read job: %s", strerror(errno));
	if (tc_vmjob_parse(jobtext.buf, jobtext.len, &job, &err) < 0)
		die("%s", err.msg);
	strbuf_release(&jobtext);

	/* The host's root: read-only here and, in QEMU, on the host's side;
	 * loose caching is safe for files nobody changes during the run. */
	do_mount("tcroot", "/lower", "9p", MS_RDONLY, P9_OPTS ",cache=loose");
	mkdirs("/tmp/upper");
	mkdirs("/tmp/work");
	do_mount("overlay", "/newroot", "overlay", 0,
		 "lowerdir=/lower,upperdir=/tmp/upper,workdir=/tmp/work");
	do_mount("/dev", "/newroot/dev", NULL, MS_MOVE, NULL);
	do_mount("/proc", "/newroot/proc", NULL, MS_MOVE, NULL);
	do_mount("/sys", "/newroot/sys", NULL, MS_MOVE, NULL);
	mkdirs("/newroot" SHARE);
	do_mount("/out", "/newroot" SHARE, NULL, MS_MOVE, NULL);
	share = "/newroot" SHARE;
	if (job.modules) {
		char src[4096], dst[512];

		snprintf(src, sizeof(src), "/newroot%s", job.modules);
		snprintf(dst, sizeof(dst), "/newroot/lib/modules/%s", u.release);
		mkdirs(dst);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			die("bind '%s' on '%s': %s", job.modules, dst + 8, strerror(errno));
	}
	upper = open("/tmp/upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (upper < 0)
		die("open the overlay's upper layer: %s", strerror(errno));

	if (chdir("/newroot") < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		die("switch root: %s", strerror(errno));
	share = SHARE;

	out_fd = open(SHARE "/stdout", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	err_fd = open(SHARE "/stderr", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out_fd < 0 || err_fd < 0)
		die("create output files: %s", strerror(errno));
	envp[n_env++] = env_add("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	envp[n_env++] = env_add("HOME", "/root");
	envp[n_env++] = env_add("LANG", "C.UTF-8");
	envp[n_env++] = env_add("TERM", "dumb");
	if (job.accel)
		envp[n_env++] = env_add("TCPCONFORM_ACCEL", job.accel);
	envp[n_env] = NULL;

	say("running %s", job.exe);
	child = tc_proc_fork(&(struct tc_proc_opts){ .flags = TC_PROC_OWN_SESSION,
		.fd_in = -1, .fd_out = out_fd, .fd_err = err_fd });
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0) {
		int in = open("/dev/null", O_RDONLY);

		if (in < 0 || dup2(in, 0) < 0)
			_exit(127);
		if (chdir(job.cwd) < 0) {
			fprintf(stderr, "error: cannot enter '%s' in the guest: %s\n", job.cwd,
				strerror(errno));
			_exit(4);
		}
		execve(job.exe, job.argv, envp);
		fprintf(stderr, "error: cannot run '%s' in the guest: %s\n", job.exe,
			strerror(errno));
		_exit(4);
	}
	/* PID 1 inherits every orphan: reap them all until the command ends. */
	for (;;) {
		pid_t p = waitpid(-1, &wst, 0);

		if (p == child)
			break;
		if (p < 0 && errno != EINTR)
			die("wait: %s", strerror(errno));
	}
	if (WIFEXITED(wst))
		snprintf(status, sizeof(status), "exit %d\n", WEXITSTATUS(wst));
	else
		snprintf(status, sizeof(status), "signal %d\n", WTERMSIG(wst));
	for (int i = 0; i < job.n_outs; i++)
		save_output(upper, i, &job.outs[i]);
	fsync(out_fd);
	fsync(err_fd);
	write_status(status);
	say("done: %.*s", (int)strlen(status) - 1, status);
	power_off();
}
