/*
 * profile.h: sysctl profiles, the settings a suite runs its scripts under.
 *
 * A profile file holds sysctl.conf lines: "key = value" ("net.ipv4.x" or
 * "net/ipv4/x"), '#' and ';' comments, blank lines.  Its name is the file
 * name without the ".sysctl" suffix; reports and baselines use that name.
 * The engine writes each setting under /proc/sys in the kernel-under-test
 * namespace before the script starts (config.h, struct tc_sysctl), so the
 * script's own backtick commands run after it and win.
 *
 * A new network namespace starts from the kernel's built-in defaults, not
 * the host's.  The profile "host" therefore copies the host's current
 * values of the per-namespace sysctls: it is read on the host, in the
 * calling process, before any namespace is made.
 *
 * Checking happens before anything runs, in this order:
 *   tc_profile_load()   syntax: "FILE:LINE: error: ..."
 *   tc_profile_check()  every key must exist and be writable in a fresh
 *                       network namespace, and the kernel must accept
 *                       every value there; both are learnt in a throwaway
 *                       child process that unshare()s a namespace of its
 *                       own and dies with it.
 * Errors are TC_ERR_SCRIPT with the profile's file and line (bad input,
 * exit 2), or TC_ERR_ENV when no namespace can be made.
 *
 * Ownership: a struct tc_profile owns its strings; tc_profile_free()
 * accepts NULL.  Nothing here exits or prints.
 */
#ifndef TC_PROFILE_H
#define TC_PROFILE_H

#include "config.h"

struct tc_error;

#define TC_PROFILE_SUFFIX ".sysctl"

struct tc_profile {
	char *name;		/* "linux-default", "host", "default" */
	char *file;		/* the path as given, "host", or NULL (default) */
	struct tc_sysctl *sysctls; /* in file order; strings owned here */
	int n_sysctls;
	bool is_host;		/* keys outside the namespace set are dropped */
};

/* The profile used when none is given: no settings, named "default". */
struct tc_profile *tc_profile_new_default(void);

/* Read and parse a profile file.  Returns 0 and *out (free with
 * tc_profile_free), or -1 with err (file and line set). */
int tc_profile_load(const char *path, struct tc_profile **out,
		    struct tc_error *err);

/* As tc_profile_load for a file's len bytes already in memory (the
 * fuzzer's entry point): path gives the profile its name and its
 * messages their file, and is not opened. */
int tc_profile_parse(const char *path, const char *text, size_t len,
		     struct tc_profile **out, struct tc_error *err);

/* Read the host's current values of every sysctl file directly under
 * /proc/sys/net/ipv4 and /proc/sys/net/core (tc_profile_check() keeps
 * those a fresh namespace has and can write).  Call it before any
 * namespace is made. */
int tc_profile_host(struct tc_profile **out, struct tc_error *err);

/* Check keys and values of every profile as described above; drops the
 * host profile's keys that are not per-namespace. */
int tc_profile_check(struct tc_profile **profiles, int n,
		     struct tc_error *err);

/* The kernel's default of each sysctl key (as sysctl(8) shows it), read
 * in a throwaway network namespace: values[i] is a new string, or NULL
 * when key i cannot be read.  Returns 0, or -1 with err (TC_ERR_ENV). */
int tc_sysctl_defaults(const char *const *keys, int n, char **values,
		       struct tc_error *err);

void tc_profile_free(struct tc_profile *p);

#endif
