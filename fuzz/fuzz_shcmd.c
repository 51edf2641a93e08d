/*
 * fuzz_shcmd.c: libFuzzer harness for the reader of a script's shell
 * commands (tc_sh_parse, what the engine does with a backtick command's
 * text before choosing between applying it directly and /bin/sh).  The
 * text is a script's, so anything may come: it must always yield a plan
 * that covers a prefix of the text, whose actions all format, and never
 * crash or leak.  Names in the text are files read relative to the
 * current directory, as the shell would; nothing is applied here.
 * `make fuzz` builds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shcmd.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_sh_plan plan;
	struct strbuf sb = STRBUF_INIT;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	tc_sh_parse(text, &plan);
	if (plan.rest > strlen(text) || plan.n < 0 || (plan.n && !plan.actions))
		__builtin_trap();
	for (int i = 0; i < plan.n; i++) {
		const struct tc_sh_action *a = &plan.actions[i];

		if (!a->argv || a->argc < 1 || !a->argv[0])
			__builtin_trap();
		tc_sh_action_format(a, &sb);
		if (!sb.len)
			__builtin_trap();
		strbuf_reset(&sb);
	}
	strbuf_release(&sb);
	tc_sh_plan_release(&plan);
	free(text);
	return 0;
}
