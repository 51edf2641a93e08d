/*
 * error.h: error reporting shared by every module.
 *
 * Library code never exits and never prints.  A function that can fail
 * takes a caller-owned struct tc_error, fills it through tc_error_set()
 * (or tc_error_at() when a script position is known) and returns -1.
 * Only main() (and a run's own child, for its runner) turns results into
 * messages, all through tc_error_format(), and into exit codes.
 *
 * Notes and warnings are another class: not failures, said when they
 * happen (KVM not usable, a --non_fatal packet mismatch).  Library code
 * hands them to tc_notice(), which passes them to the sink main() may set
 * (stderr by default); it never writes them itself.
 *
 * Message style (git's): lower-case start, no final full stop, what went
 * wrong first, offending text in single quotes.
 */
#ifndef TC_ERROR_H
#define TC_ERROR_H

#include <stdarg.h>

struct strbuf;

/* Process exit codes: main() is the only place that uses them. */
enum tc_exit {
	TC_EXIT_PASS = 0,	/* every script passed */
	TC_EXIT_FAIL = 1,	/* a script failed verification */
	TC_EXIT_USAGE = 2,	/* bad script (syntax/semantic) or bad command line */
	TC_EXIT_CRASH = 3,	/* tcpconform itself crashed (a signal in the run) */
	TC_EXIT_ENV = 4,	/* the environment cannot run tests (no netns, no veth, ...) */
	/* Only between a run and its runner (runner.c maps them to
	 * outcomes; the command never exits with them): */
	TC_EXIT_LATE = 5,	/* tcpconform missed its own schedule: no verdict */
	TC_EXIT_SKIP = 6,	/* the script does not apply here (its Requires:) */
};

/* What kind of failure a tc_error describes; decides the exit code. */
enum tc_error_kind {
	TC_ERR_NONE = 0,
	TC_ERR_SCRIPT,		/* the script is malformed: exit 2 */
	TC_ERR_VERIFY,		/* the kernel did not behave as scripted: exit 1 */
	TC_ERR_ENV,		/* namespaces, sockets, libraries: exit 4 */
	TC_ERR_LATE,		/* tcpconform itself was late for an event */
	TC_ERR_NOT_APPLICABLE,	/* a Requires: line does not hold here */
};

#define TC_ERROR_MAX 4096

struct tc_error {
	enum tc_error_kind kind;
	const char *file;	/* script path, or NULL; not owned */
	int line;		/* 0 when unknown */
	int col;		/* 0 when no column applies */
	char msg[TC_ERROR_MAX];	/* the message, without "file:line: error: " */
	char detail[TC_ERROR_MAX]; /* extra lines (packet dumps, times), may be empty */
};

/* Reset to "no error". */
void tc_error_clear(struct tc_error *err);

/* Fill err with kind and a printf-style message; returns -1. */
int tc_error_set(struct tc_error *err, enum tc_error_kind kind,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* As tc_error_set, with a script position; returns -1. */
int tc_error_at(struct tc_error *err, enum tc_error_kind kind, int line,
		int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Append a line of detail (a newline is added). */
void tc_error_detail(struct tc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append "FILE:LINE:COL: error: MESSAGE\n" and the detail lines to out:
 * how every error reaches the user.  A late error says "late", a
 * Requires: that does not hold "not applicable", instead of "error"; the
 * position is shortened to what err knows. */
void tc_error_format(struct strbuf *out, const struct tc_error *err);

/* What a notice is; its text starts "note: ", "warning: " or "error: ". */
enum tc_notice_kind {
	TC_NOTE,
	TC_WARNING,
	TC_ERROR_NOTICE,	/* an error that does not end the call (the
				 * status it leads to is returned as usual) */
};

/* Say a notice: "[FILE:LINE: ]KIND: MESSAGE\n" (file NULL: no position;
 * line 0: the file alone), then detail as it is (lines, each ending in a
 * newline; NULL or "" for none). */
void tc_notice(enum tc_notice_kind kind, const char *file, int line, const char *detail,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Where notices go: fn gets the whole text (what tc_notice() says above);
 * NULL restores the default, stderr. */
void tc_notice_sink(void (*fn)(void *arg, const char *text), void *arg);

/* Map an error kind to the process exit code. */
int tc_error_exit_code(const struct tc_error *err);

/* For "did you mean": the edit (Levenshtein) distance of two names, or a
 * large number past 63 characters.  A name within TC_NEAR_EDITS of a
 * known one is offered. */
int tc_edits(const char *a, const char *b);
#define TC_NEAR_EDITS 2

#endif
