/*
 * kmod.h: which kernel modules to load, and in which order, from a
 * modules directory's modules.dep (as written by depmod: "PATH: DEP ...",
 * paths relative to the directory, each line listing every module PATH
 * needs, directly or not).
 *
 * A module's name is its file name without ".ko" and any compression
 * suffix, with '-' read as '_' (as modprobe does).  tc_kmod_order() gives
 * the modules to load for a list of names, each dependency before the
 * modules that need it, each once; a name the file does not list is
 * skipped and reported through *missing (it may be built into the
 * kernel, which the caller decides with modules.builtin).
 *
 * Ownership: struct tc_kmod owns its strings; free with tc_kmod_free().
 */
#ifndef TC_KMOD_H
#define TC_KMOD_H

struct strbuf;
struct tc_error;

struct tc_kmod;

/* Read DIR/modules.dep.  Returns 0, or -1 with err (environment: no such
 * file; a malformed line names the file and line). */
int tc_kmod_load(const char *dir, struct tc_kmod **out, struct tc_error *err);
/* Parse modules.dep text (tests). */
int tc_kmod_parse(const char *text, const char *file, struct tc_kmod **out,
		  struct tc_error *err);
void tc_kmod_free(struct tc_kmod *k);

/* Is module name listed in DIR/modules.builtin? */
int tc_kmod_builtin(const char *dir, const char *name);

/* Append to *paths (one per line, relative to the directory) the modules
 * that loading names[0..n) needs, in load order.  Names not in the file
 * are appended to *missing, one per line. */
void tc_kmod_order(const struct tc_kmod *k, const char *const *names, int n,
		   struct strbuf *paths, struct strbuf *missing);

/* The module name of a path: "kernel/net/9p/9pnet_virtio.ko.xz" ->
 * "9pnet_virtio".  Writes at most size bytes. */
void tc_kmod_name(const char *path, char *name, int size);

#endif
