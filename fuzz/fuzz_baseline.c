/*
 * fuzz_baseline.c: libFuzzer harness for the baseline reader
 * (tc_baseline_parse, what tc_baseline_load does with a file's bytes).
 * It must return 0 with a baseline or -1 with a message, never crash or
 * leak; a parsed baseline's settings are also diffed against a profile,
 * as a suite run does.  `make fuzz` builds it.
 */
#include <stddef.h>
#include <stdint.h>

#include "baseline.h"
#include "error.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prof[] = "net.ipv4.tcp_timestamps = 0\nnet/core/somaxconn = 5\n";
	struct tc_baseline *b = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	if (tc_baseline_parse("fuzz.txt", (const char *)data, size, &b, &err) == 0) {
		struct tc_profile *p = NULL;
		struct tc_settings_diff d;

		if (!b || tc_profile_parse("fuzz.sysctl", prof, sizeof(prof) - 1, &p, &err))
			__builtin_trap();
		tc_baseline_settings_diff(b, p, &d);
		tc_settings_diff_release(&d);
		tc_profile_free(p);
		(void)tc_baseline_kernel(b);
		tc_baseline_free(b);
	} else if (b || !err.msg[0] || err.kind != TC_ERR_SCRIPT) {
		__builtin_trap();
	}
	return 0;
}
