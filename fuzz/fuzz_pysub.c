/*
 * fuzz_pysub.c: libFuzzer harness for the Python subset that %{ }% blocks
 * are evaluated in without python3 (tc_py_run).  A block's text is a
 * script's, so anything may come: it must run or defer, never crash, leak
 * or recurse without bound; a deferral prints nothing and says why, and a
 * run prints at most its limit.  `make fuzz` builds it.
 */
#include <stddef.h>
#include <stdint.h>

#include "pysub.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	char why[160];
	int rc = tc_py_run((const char *)data, size, &out, why, sizeof(why));

	if (rc != 0 && rc != -1)
		__builtin_trap();
	if (rc == -1 && (out.len != 0 || why[0] == '\0'))
		__builtin_trap();
	if (rc == 0 && out.len > (1 << 20))
		__builtin_trap();
	strbuf_release(&out);
	return 0;
}
