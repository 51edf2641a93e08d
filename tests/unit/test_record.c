/*
 * test_record.c: the event record's text form (what the run's child sends
 * the runner) read back as written, strings with tabs, newlines and the
 * markers of an absent string included; lines it cannot read skipped.
 * And the pcapng writer's file read back by libpcap: frames, nanosecond
 * stamps, with and without a comment.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "pcapng.h"
#include "result.h"
#include "strbuf.h"
#include "tap.h"

static void test_record__round_trip(void)
{
	struct tc_record r = { NULL, 0, 0 }, back = { NULL, 0, 0 };
	struct tc_rec_event *e;
	struct strbuf sb = STRBUF_INIT;

	e = tc_record_add(&r);
	e->line = 11;
	e->col = 1;
	e->kind = TC_REC_OUT;
	e->failed = true;
	e->due_us = 308;
	e->due_end_us = 308;
	e->tol_us = 4000;
	e->at_us = 273;
	tc_rec_set(&e->expected, "S. 0:0(0) ack 2 <mss 1460>");
	tc_rec_set(&e->actual, "-tab\there\nnewline");
	tc_rec_set(&e->field, "ack");
	tc_rec_set(&e->message, "=");
	e = tc_record_add(&r);
	e->line = 4;
	e->kind = TC_REC_SYSCALL;
	e->any_time = true;
	tc_rec_set(&e->expected, "");

	tc_record_write(&r, &sb);
	tc_record_read(&back, sb.buf);
	CHECK_INT(back.n, 2);
	if (back.n == 2) {
		CHECK_INT(back.ev[0].line, 11);
		CHECK_INT(back.ev[0].kind, 'o');
		CHECK(back.ev[0].failed && !back.ev[0].any_time);
		CHECK_INT(back.ev[0].due_us, 308);
		CHECK_INT(back.ev[0].tol_us, 4000);
		CHECK_INT(back.ev[0].at_us, 273);
		CHECK_INT(back.ev[0].end_us, -1);
		CHECK_STR(back.ev[0].expected, "S. 0:0(0) ack 2 <mss 1460>");
		CHECK_STR(back.ev[0].actual, "-tab here newline");
		CHECK_STR(back.ev[0].field, "ack");
		CHECK_STR(back.ev[0].message, "=");
		CHECK(back.ev[1].any_time && !back.ev[1].failed);
		CHECK_STR(back.ev[1].expected, "");
		CHECK(!back.ev[1].actual && !back.ev[1].field && !back.ev[1].message);
	}
	tc_record_release(&back);
	tc_record_release(&r);
	strbuf_release(&sb);
}

static void test_record__bad_lines_skipped(void)
{
	struct tc_record r = { NULL, 0, 0 };

	tc_record_read(&r, "garbage\n"
			   "E\t1\t1\to\t0\t0\t1\t2\t3\t4\n"	/* too short */
			   "E\tx\t1\to\t0\t0\t1\t2\t3\t4\t5\t-\t-\t-\t-\n"	/* not a number */
			   "E\t7\t1\ti\t0\t0\t1\t2\t3\t4\t5\t=in\t-\t-\t-\n"
			   "E\t8\t1\ti\t0\t0\t1\t2\t3\t4\t5\tin\t-\t-\t-");	/* no marker */
	CHECK_INT(r.n, 1);
	if (r.n == 1) {
		CHECK_INT(r.ev[0].line, 7);
		CHECK_STR(r.ev[0].expected, "in");
	}
	tc_record_release(&r);
}

static void test_record__pcapng_read_by_libpcap(void)
{
	char path[] = "/tmp/tc-test-pcapng-XXXXXX", ebuf[PCAP_ERRBUF_SIZE];
	uint8_t f1[60], f2[61];
	struct tc_pcapng *pn;
	struct tc_error err;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	memset(f1, 0x11, sizeof(f1));
	memset(f2, 0x22, sizeof(f2));
	CHECK_INT(tc_pcapng_open(fd, &pn, &err), 0);
	/* injected, held until the captured one stamped after it */
	tc_pcapng_add(pn, f1, sizeof(f1), 1700000000123456789LL, true, "fin.pkt:12");
	tc_pcapng_add(pn, f2, sizeof(f2), 1700000001000000001LL, false, NULL);
	tc_pcapng_close(pn);
	close(fd);

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(pcap_datalink(p), DLT_EN10MB);
		CHECK_INT(pcap_next_ex(p, &h, &data), 1);
		CHECK_INT(h->caplen, 60);
		CHECK_INT(h->ts.tv_sec, 1700000000);
		CHECK_INT(h->ts.tv_usec, 123456789);
		CHECK(data[0] == 0x11 && data[59] == 0x11);
		CHECK_INT(pcap_next_ex(p, &h, &data), 1);
		CHECK_INT(h->caplen, 61);
		CHECK_INT(h->ts.tv_usec, 1);
		CHECK(data[60] == 0x22);
		CHECK_INT(pcap_next_ex(p, &h, &data), -2);	/* the end */
		pcap_close(p);
	}
	unlink(path);
}

int main(void)
{
	static const struct tap_test tests[] = {
		TAP_TEST(test_record__round_trip),
		TAP_TEST(test_record__bad_lines_skipped),
		TAP_TEST(test_record__pcapng_read_by_libpcap),
	};

	return tap_main(tests, sizeof(tests) / sizeof(tests[0]));
}
