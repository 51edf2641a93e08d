/*
 * test_holdq.c: the capture writers' hold queue.  Each frame written is
 * logged as "name@stamp" (with "#comment" when it has one), so a check
 * reads the file's order: injected frames wait for a captured frame
 * stamped at or after them, leave oldest first, all leave at the flush,
 * and one frame too many lets only the oldest go.
 */
#include <stdlib.h>

#include "holdq.h"
#include "strbuf.h"
#include "tap.h"

static void log_write(void *ctx, const uint8_t *frame, size_t len,
		      int64_t ts_ns, const char *comment)
{
	struct strbuf *log = ctx;

	if (log->len)
		strbuf_addch(log, ' ');
	strbuf_add(log, frame, len);
	strbuf_addf(log, "@%lld", (long long)ts_ns);
	if (comment)
		strbuf_addf(log, "#%s", comment);
}

/* Add the frame whose bytes are name (its first letter: i injected, c captured). */
static void add(struct tc_holdq *q, const char *name, int64_t ts_ns)
{
	tc_holdq_add(q, (const uint8_t *)name, strlen(name), ts_ns, name[0] == 'i',
		     NULL);
}

static void test_holdq__captured_goes_at_once(void)
{
	struct strbuf log = STRBUF_INIT;
	struct tc_holdq *q = tc_holdq_new(4, log_write, &log);

	add(q, "c1", 10);
	add(q, "c2", 20);
	CHECK_STR(log.buf, "c1@10 c2@20");
	CHECK_INT(tc_holdq_held(q), 0);
	tc_holdq_free(q);
	strbuf_release(&log);
}

static void test_holdq__injected_waits_for_a_later_capture(void)
{
	struct strbuf log = STRBUF_INIT;
	struct tc_holdq *q = tc_holdq_new(4, log_write, &log);

	add(q, "i1", 100);
	add(q, "i2", 200);
	CHECK_STR(log.buf, "");			/* nothing captured yet */
	CHECK_INT(tc_holdq_held(q), 2);
	add(q, "c1", 90);			/* the kernel's, read late */
	CHECK_STR(log.buf, "c1@90");
	CHECK_INT(tc_holdq_held(q), 2);
	add(q, "c2", 100);			/* same stamp: ours first */
	CHECK_STR(log.buf, "c1@90 i1@100 c2@100");
	CHECK_INT(tc_holdq_held(q), 1);
	add(q, "i3", 300);
	add(q, "c3", 350);			/* both held ones, in order */
	CHECK_STR(log.buf, "c1@90 i1@100 c2@100 i2@200 i3@300 c3@350");
	CHECK_INT(tc_holdq_held(q), 0);
	tc_holdq_free(q);
	strbuf_release(&log);
}

static void test_holdq__flush_writes_the_rest_in_order(void)
{
	struct strbuf log = STRBUF_INIT;
	struct tc_holdq *q = tc_holdq_new(4, log_write, &log);

	add(q, "i1", 10);
	add(q, "i2", 20);
	add(q, "i3", 20);
	tc_holdq_flush(q);
	CHECK_STR(log.buf, "i1@10 i2@20 i3@20");
	CHECK_INT(tc_holdq_held(q), 0);
	tc_holdq_flush(q);			/* nothing left: nothing more */
	CHECK_STR(log.buf, "i1@10 i2@20 i3@20");
	tc_holdq_free(q);
	strbuf_release(&log);
}

static void test_holdq__full_lets_only_the_oldest_go(void)
{
	struct strbuf log = STRBUF_INIT;
	struct tc_holdq *q = tc_holdq_new(3, log_write, &log);

	add(q, "i1", 10);
	add(q, "i2", 20);
	add(q, "i3", 30);
	CHECK_STR(log.buf, "");
	add(q, "i4", 40);
	CHECK_STR(log.buf, "i1@10");
	CHECK_INT(tc_holdq_held(q), 3);
	add(q, "i5", 50);
	CHECK_STR(log.buf, "i1@10 i2@20");
	add(q, "c1", 45);
	CHECK_STR(log.buf, "i1@10 i2@20 i3@30 i4@40 c1@45");
	CHECK_INT(tc_holdq_held(q), 1);
	tc_holdq_flush(q);
	CHECK_STR(log.buf, "i1@10 i2@20 i3@30 i4@40 c1@45 i5@50");
	tc_holdq_free(q);
	strbuf_release(&log);
}

static void test_holdq__comment_copied_when_held(void)
{
	struct strbuf log = STRBUF_INIT;
	struct tc_holdq *q = tc_holdq_new(2, log_write, &log);
	char comment[16] = "a.pkt:3";

	tc_holdq_add(q, (const uint8_t *)"i1", 2, 10, true, comment);
	strcpy(comment, "changed");
	tc_holdq_add(q, (const uint8_t *)"i2", 2, 20, true, NULL);
	tc_holdq_add(q, (const uint8_t *)"c1", 2, 30, false, "a.pkt:5");
	CHECK_STR(log.buf, "i1@10#a.pkt:3 i2@20 c1@30#a.pkt:5");
	tc_holdq_free(q);
	strbuf_release(&log);
}

static void test_holdq__free_writes_nothing(void)
{
	struct strbuf log = STRBUF_INIT;
	struct tc_holdq *q = tc_holdq_new(2, log_write, &log);

	add(q, "i1", 10);
	tc_holdq_free(q);			/* the held frame freed, unwritten */
	CHECK_STR(log.buf, "");
	tc_holdq_free(NULL);
	strbuf_release(&log);
}

int main(void)
{
	static const struct tap_test tests[] = {
		TAP_TEST(test_holdq__captured_goes_at_once),
		TAP_TEST(test_holdq__injected_waits_for_a_later_capture),
		TAP_TEST(test_holdq__flush_writes_the_rest_in_order),
		TAP_TEST(test_holdq__full_lets_only_the_oldest_go),
		TAP_TEST(test_holdq__comment_copied_when_held),
		TAP_TEST(test_holdq__free_writes_nothing),
	};

	return tap_main(tests, sizeof(tests) / sizeof(tests[0]));
}
