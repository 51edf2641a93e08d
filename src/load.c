/* load.c: see load.h. */
#include "load.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "fsutil.h"
#include "parser.h"
#include "syscalls.h"
#include "xalloc.h"

int tc_script_parse(const char *path, const char *text, size_t len,
		    const struct tc_define *defines, int n_defines,
		    struct tc_script **out, struct tc_error *err)
{
	if (tc_parse_text(path, text, len, defines, n_defines, out, err) < 0)
		return -1;
	/* Keep the source, for carets under errors found after parsing. */
	(*out)->text = xmalloc(len + 1);
	memcpy((*out)->text, text, len);
	(*out)->text[len] = '\0';
	(*out)->text_len = len;
	if (tc_script_read_requires(*out, err) < 0) {
		err->file = path;
		tc_script_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int tc_script_parse_file(const char *path,
			 const struct tc_define *defines, int n_defines,
			 struct tc_script **out, struct tc_error *err)
{
	char *text;
	size_t len;
	int ret;

	*out = NULL;
	if (tc_read_input(path, "", &text, &len, err) < 0)
		return -1;
	ret = tc_script_parse(path, text, len, defines, n_defines, out, err);
	free(text);
	return ret;
}

int tc_script_load(const char *path, const struct tc_define *defines, int n_defines,
		   struct tc_config *cfg, struct tc_script **out, struct tc_error *err)
{
	if (tc_script_parse_file(path, defines, n_defines, out, err) < 0)
		return -1;
	if (tc_syscalls_check_script(*out, err) < 0 ||
	    (cfg && tc_config_apply_script(cfg, *out, err) < 0)) {
		/* The message outlives the model: name the caller's path. */
		if (err->file == (*out)->path)
			err->file = path;
		tc_script_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
