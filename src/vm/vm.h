/*
 * vm.h: --kernel: run the same tcpconform command inside a QEMU guest
 * booted from a kernel image, so the scripts test that kernel.
 *
 * tc_vm_run() makes a private temporary directory, writes an initramfs
 * there (our static init, src/vm/guest/init.c, and with --modules the
 * modules the guest needs to mount its root, in modules.dep order), a
 * result share holding the job (src/vm/vmjob.h) and one slot per output
 * file or directory, then starts QEMU with execve (no shell), the host's
 * root shared read-only over virtio-9p and the result share writable.
 * While the guest runs, what its command writes to stdout and stderr is
 * copied to ours as it comes.  When QEMU is gone, the status file the
 * init wrote is the command's exit status; outputs the guest wrote are
 * copied to the paths the user named.  The temporary directory is removed
 * and QEMU is killed on every path out (a time limit, an interrupt, an
 * error), and QEMU dies with us (PR_SET_PDEATHSIG) if we are killed.
 *
 * Accelerator: "kvm", "tcg", or "auto": KVM when /dev/kvm opens and a
 * KVM guest reaches our init within TC_VM_KVM_PROBE_S seconds (on nested
 * or paravirtualised hosts QEMU can abort or hang), else TCG.
 *
 * A guest that does not boot, panics, whose init fails, or that outlives
 * the time limit is an environment error (exit 4), its message ending
 * with the tail of the serial console; never a test result.
 */
#ifndef TC_VM_H
#define TC_VM_H

#include <signal.h>

struct tc_error;

#define TC_VM_KVM_PROBE_S 5
#define TC_VM_CONSOLE_TAIL 25	/* lines of console in an error */

struct tc_vm_opts {
	const char *kernel;	/* the image (bzImage) */
	const char *modules;	/* its lib/modules/RELEASE, or NULL */
	const char *accel;	/* "auto", "kvm", "tcg" */
	const char *qemu;	/* the binary, looked up in PATH */
	int timeout_s;		/* the whole guest run, boot included */
	int memory_mb, cpus;
	char **argv;		/* the guest's command line (argv[0] first) */
	int argc;
	/* Outputs to bring back: --json, --junit, --write-baseline files,
	 * the --pcap-dir directory (absolute or relative to the cwd). */
	const char *out_files[4];
	int n_out_files;
	const char *out_dir;
	volatile sig_atomic_t *stop;	/* set by a signal handler: kill the guest */
	int verbose;		/* echo the console to stderr */
};

/* Boot, run, collect.  Returns 0 with *status the guest command's exit
 * status and *accel_used "kvm" or "tcg"; or -1 with err (environment:
 * QEMU, the boot, the init, the time limit; usage: a missing image). */
int tc_vm_run(const struct tc_vm_opts *o, int *status, const char **accel_used,
	      struct tc_error *err);

#endif
