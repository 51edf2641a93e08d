/*
 * code.h: %{ python }% blocks.
 *
 * packetdrill semantics: when a code block's time comes, the state of the
 * socket under test is read (TCP_INFO) and written out as Python
 * assignments (tcpi_state = 1, ...), followed by the block's text.  All
 * blocks of a script go, in order, into one Python file, run with python3
 * after the script's last event (and its cleanup command), only when the
 * script passed so far.  Variables set in one block are visible in later
 * ones.  A failing block fails the script at that block's line.
 *
 * Most blocks are an assertion or two about integers: those are evaluated
 * without starting python3 (pysub.h) when every statement of the file is
 * in that subset and every assertion holds.  Anything else, and any
 * failure, runs python3 as described, so its verdict and message are
 * python3's own.
 *
 * One struct tc_code per run, used by the engine's main thread only.
 */
#ifndef TC_CODE_H
#define TC_CODE_H

#include <stdbool.h>

#include "strbuf.h"

struct tc_error;

struct tc_code {
	struct strbuf py;	/* the Python file being built */
	size_t body;		/* where it starts after the exception hook */
	int n_blocks;
	char how[192];		/* after tc_code_run(): how the blocks ran, for -v */
};

void tc_code_init(struct tc_code *c);
void tc_code_release(struct tc_code *c);

/*
 * Record one block: the TCP_INFO of live socket fd (fd < 0: none to read,
 * an error "no socket to use for code"), then the block's text.
 */
int tc_code_add(struct tc_code *c, int fd, int line, const char *text,
		struct tc_error *err);

/*
 * Run the collected blocks: in the subset when direct and all of them are
 * in it and pass (what they print goes to stdout), else with python3.
 * Returns 0 if they passed (python3 exited 0); -1 with err (TC_ERR_VERIFY,
 * err->line the failing block's line, the Python error as the message and
 * its traceback as detail) otherwise, or TC_ERR_ENV when python3 cannot
 * be run.
 */
int tc_code_run(struct tc_code *c, bool direct, struct tc_error *err);

#endif
