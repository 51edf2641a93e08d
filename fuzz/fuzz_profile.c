/*
 * fuzz_profile.c: libFuzzer harness for the profile reader
 * (tc_profile_parse, what tc_profile_load does with a file's bytes).
 * It must return 0 with a profile or -1 with a message, never crash or
 * leak.  Only syntax: checking keys against a kernel needs namespaces.
 * `make fuzz` builds it.
 */
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_profile *p = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	if (tc_profile_parse("fuzz.sysctl", (const char *)data, size, &p, &err) == 0) {
		if (!p)
			__builtin_trap();
		tc_profile_free(p);
	} else if (p || !err.msg[0] || err.kind != TC_ERR_SCRIPT) {
		__builtin_trap();
	}
	return 0;
}
