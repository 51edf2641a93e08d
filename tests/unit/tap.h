/*
 * tap.h: a tiny TAP producer for the C unit tests.
 *
 * Each test is a function test_<module>__<case>(void); list them in a
 * TAP_TESTS table and call tap_main().  Inside a test, CHECK(cond) and
 * CHECK_STR(actual, expected) record failures with file:line; a test
 * passes when none of its checks failed.  Output: "1..N", then "ok K name"
 * or "not ok K name" with "# " diagnostics.
 */
#ifndef TC_TAP_H
#define TC_TAP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static int tap_failed_checks;

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		tap_failed_checks++; \
	} \
} while (0)

#define CHECK_STR(actual, expected) do { \
	const char *a_ = (actual), *e_ = (expected); \
	if (strcmp(a_, e_) != 0) { \
		printf("# %s:%d: expected '%s'\n#   actual   '%s'\n", __FILE__, \
		       __LINE__, e_, a_); \
		tap_failed_checks++; \
	} \
} while (0)

#define CHECK_INT(actual, expected) do { \
	long long a_ = (long long)(actual), e_ = (long long)(expected); \
	if (a_ != e_) { \
		printf("# %s:%d: %s: expected %lld, actual %lld\n", __FILE__, \
		       __LINE__, #actual, e_, a_); \
		tap_failed_checks++; \
	} \
} while (0)

struct tap_test {
	const char *name;
	void (*fn)(void);
};

#define TAP_TEST(fn) { #fn, fn }

static inline int tap_main(const struct tap_test *tests, size_t n)
{
	int bad = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		tap_failed_checks = 0;
		tests[i].fn();
		printf("%s %zu %s\n", tap_failed_checks ? "not ok" : "ok", i + 1,
		       tests[i].name);
		if (tap_failed_checks)
			bad++;
	}
	return bad ? 1 : 0;
}

/* tap_main() with a fresh directory made from the template top (mkdtemp)
 * for the tests' files, removed by rm_rf afterwards. */
static inline int tap_main_in_dir(const struct tap_test *tests, size_t n, char *top,
				  void (*rm_rf)(const char *))
{
	int rc;

	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	rc = tap_main(tests, n);
	rm_rf(top);
	return rc;
}

#define TAP_MAIN(table) \
	int main(void) { return tap_main(table, sizeof(table) / sizeof(table[0])); }

#endif
