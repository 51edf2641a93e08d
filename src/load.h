/*
 * load.h: load a script: the one entry that turns a .pkt file into a
 * checked model, for the runner and for --dump alike.
 *
 * Loading is: parse (grammar/, with -D definitions applied while parsing,
 * then the Requires: lines), check every system call line (syscalls.h:
 * known call, argument count, symbols, errno names), and apply the
 * script's option lines to a configuration (config.h).  The first error
 * wins; it carries the script's path, line, column and a caret.
 */
#ifndef TC_LOAD_H
#define TC_LOAD_H

#include <stddef.h>

#include "script.h"

struct tc_config;
struct tc_error;

/*
 * Parse a script from memory.  path is used in messages and stored in the
 * result.  On success returns 0 and sets *out (caller frees with
 * tc_script_free).  On a syntax or semantic error returns -1 and fills err
 * with kind TC_ERR_SCRIPT, line and column, and the message; err->detail
 * holds the source line and a caret under the column.
 */
int tc_script_parse(const char *path, const char *text, size_t len,
		    const struct tc_define *defines, int n_defines,
		    struct tc_script **out, struct tc_error *err);

/* Read the file at path (a regular file of at most TC_INPUT_MAX bytes,
 * fsutil.h: anything else is an error, never a wait) and parse it (as
 * tc_script_parse). */
int tc_script_parse_file(const char *path,
			 const struct tc_define *defines, int n_defines,
			 struct tc_script **out, struct tc_error *err);

/*
 * Load the script at path: tc_script_parse_file, tc_syscalls_check_script,
 * then, when cfg is not NULL, tc_config_apply_script into cfg (which the
 * caller initialised and releases).  Returns 0 and *out (free with
 * tc_script_free), or -1 with err and *out NULL.
 */
int tc_script_load(const char *path, const struct tc_define *defines, int n_defines,
		   struct tc_config *cfg, struct tc_script **out, struct tc_error *err);

#endif
