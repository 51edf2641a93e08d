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
 * One struct tc_code per run, used by the engine's main thread only.
 */
#ifndef TC_CODE_H
#define TC_CODE_H

#include <stdbool.h>

#include "strbuf.h"

struct tc_error;

struct tc_code {
	struct strbuf py;	/* the Python file being built */
	int n_blocks;
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
 * Run the collected blocks with python3.  Returns 0 if it exited 0; -1
 * with err (TC_ERR_VERIFY, err->line the failing block's line, the Python
 * error as the message and its traceback as detail) otherwise, or
 * TC_ERR_ENV when python3 cannot be run.
 */
int tc_code_run(struct tc_code *c, struct tc_error *err);

#endif
