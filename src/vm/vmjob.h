/*
 * vmjob.h: what the host tells the guest's init to do (--kernel).
 *
 * The host writes the job into the result share as a file of records
 * "KEY=VALUE\0" (VALUE may hold anything but a NUL); the init (src/vm/guest/
 * init.c) reads it back.  Keys, in order:
 *   exe       the tcpconform binary to run (a host path, seen at the same
 *             path in the guest)
 *   cwd       its working directory
 *   arg       one per argument, argv[0] first (the command line less the
 *             VM options)
 *   modules   the --modules directory, bound at /lib/modules/RELEASE
 *   accel     the accelerator the guest runs under (kvm, tcg)
 *   out-file  an output file (--json, --junit, --write-baseline), absolute;
 *             the n-th out-* record is share/out/n
 *   out-dir   an output directory (--pcap-dir), absolute
 *
 * Ownership: a struct tc_vmjob filled by tc_vmjob_parse owns its strings;
 * tc_vmjob_release frees them.  One filled by hand is the caller's.
 */
#ifndef TC_VMJOB_H
#define TC_VMJOB_H

#include <stddef.h>

struct strbuf;
struct tc_error;

#define TC_VMJOB_MAX_ARGS 1024
#define TC_VMJOB_MAX_OUTS 8

struct tc_vmjob_out {
	char kind;		/* 'f' a file, 'd' a directory */
	char *path;
};

struct tc_vmjob {
	char *exe, *cwd, *modules, *accel;
	char *argv[TC_VMJOB_MAX_ARGS + 1];	/* NULL-terminated */
	int argc;
	struct tc_vmjob_out outs[TC_VMJOB_MAX_OUTS];
	int n_outs;
};

void tc_vmjob_format(const struct tc_vmjob *j, struct strbuf *out);
/* Returns 0, or -1 with err (environment: a malformed job). */
int tc_vmjob_parse(const char *buf, size_t len, struct tc_vmjob *j, struct tc_error *err);
void tc_vmjob_release(struct tc_vmjob *j);

#endif
