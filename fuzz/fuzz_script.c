/*
 * fuzz_script.c: libFuzzer harness for the script loader.  Any bytes are
 * a script: tc_script_parse() must return 0 with a model or -1 with a
 * message, never crash, read out of bounds or leak; a parsed model is
 * also dumped (as --dump does) and freed.  `make fuzz` builds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dump.h"
#include "error.h"
#include "load.h"
#include "script.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The definitions run_all.py gives its ipv4 variant. */
	static const struct tc_define defs[] = {
		{ "TFO_COOKIE", "3021b9d889017eeb" },
		{ "CMSG_LEVEL_IP", "SOL_IP" },
		{ "CMSG_TYPE_RECVERR", "IP_RECVERR" },
	};
	struct tc_script *s = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	if (tc_script_parse("fuzz.pkt", (const char *)data, size, defs,
			    (int)(sizeof(defs) / sizeof(defs[0])), &s, &err) == 0) {
		struct strbuf sb = STRBUF_INIT;

		tc_script_dump(s, &sb);
		strbuf_release(&sb);
		tc_script_free(s);
	} else if (err.kind == TC_ERR_NONE || !err.msg[0] || s) {
		__builtin_trap();	/* a failure must say why, and give nothing */
	}
	return 0;
}
