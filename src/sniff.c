/*
 * sniff.c: see sniff.h.
 *
 * A non-blocking pcap handle read with pcap_next_ex(), waited on with
 * ppoll() on its selectable descriptor until the deadline (nanosecond
 * resolution).  With nanosecond precision, ts.tv_usec holds nanoseconds.
 * The kernel stamps a captured frame with CLOCK_REALTIME when it is handed
 * to the packet socket (a TCP departure time on CLOCK_MONOTONIC is not
 * passed through to taps), so capture times compare directly with
 * clock_gettime(CLOCK_REALTIME); the unit test checks this.
 */
#include "sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "error.h"
#include "holdq.h"
#include "xalloc.h"

/* Big enough for a 64 KiB TSO frame (the kernel side's largest, an IPv6
 * packet of 65535 bytes of payload) plus headers.  libpcap's ring gives
 * every frame a block of the next power of two above it: 262144, as
 * before, made each a 512 KiB block. */
#define SNAPLEN (65536 + 128)
/* Kernel ring: frames wait here between reads.  15 frames, as many as
 * 4 MiB held at the old snap length, in 2 MiB of ring instead of 8: the
 * kernel zeroes all of it at every run's start (1 to 2 ms). */
#define BUFFER_SIZE (1 << 20)

struct tc_sniff {
	pcap_t *p;
	int fd;
	char ifname[64];
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Status of a pcap_set_*() or pcap_activate() call, as text. */
static const char *pcap_why(pcap_t *p, int rc)
{
	const char *e = pcap_geterr(p);

	if (rc == PCAP_ERROR && e && *e)
		return e;
	if ((rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED) &&
	    e && *e)
		return e;	/* carries the detail */
	return pcap_statustostr(rc);
}

static int setup(struct tc_sniff *sn, const char *bpf_filter,
		 struct tc_error *err)
{
	pcap_t *p = sn->p;
	struct bpf_program prog;
	int rc;

	if ((rc = pcap_set_snaplen(p, SNAPLEN)) != 0 ||
	    (rc = pcap_set_promisc(p, 0)) != 0 ||
	    (rc = pcap_set_immediate_mode(p, 1)) != 0 ||
	    (rc = pcap_set_buffer_size(p, BUFFER_SIZE)) != 0 ||
	    (rc = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO)) != 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot set up capture on '%s': %s",
				    sn->ifname, pcap_why(p, rc));
	rc = pcap_activate(p);
	if (rc < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot capture on '%s': %s",
				    sn->ifname, pcap_why(p, rc));
	/* rc > 0 is a warning (e.g. no promiscuous mode): harmless here. */
	if (pcap_datalink(p) != DLT_EN10MB)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot capture on '%s': not an Ethernet link (%s)",
				    sn->ifname,
				    pcap_datalink_val_to_name(pcap_datalink(p)));
	if (pcap_setdirection(p, PCAP_D_IN) < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot capture only inbound frames on '%s': %s",
				    sn->ifname, pcap_geterr(p));
	if (pcap_compile(p, &prog, bpf_filter ? bpf_filter : "", 1,
			 PCAP_NETMASK_UNKNOWN) < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "bad capture filter '%s': %s",
				    bpf_filter ? bpf_filter : "",
				    pcap_geterr(p));
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot set capture filter on '%s': %s",
				    sn->ifname, pcap_geterr(p));
	if (pcap_setnonblock(p, 1, NULL) < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot make capture on '%s' non-blocking: %s",
				    sn->ifname, pcap_geterr(p));
	sn->fd = pcap_get_selectable_fd(p);
	if (sn->fd < 0)
		return tc_error_set(err, TC_ERR_ENV,
				    "capture on '%s' has no selectable descriptor",
				    sn->ifname);
	return 0;
}

int tc_sniff_open(const char *ifname, const char *bpf_filter,
		  struct tc_sniff **out, struct tc_error *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct tc_sniff *sn;

	*out = NULL;
	sn = xcalloc(1, sizeof(*sn));
	snprintf(sn->ifname, sizeof(sn->ifname), "%s", ifname);
	sn->p = pcap_create(ifname, ebuf);
	if (!sn->p) {
		free(sn);
		return tc_error_set(err, TC_ERR_ENV, "cannot capture on '%s': %s",
				    ifname, ebuf);
	}
	if (setup(sn, bpf_filter, err) < 0) {
		tc_sniff_close(sn);
		return -1;
	}
	*out = sn;
	return 0;
}

int tc_sniff_next(struct tc_sniff *sn, int64_t deadline_ns, uint8_t *buf,
		  size_t cap, size_t *len, int64_t *ts_ns, struct tc_error *err)
{
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		struct pollfd pfd = { .fd = sn->fd, .events = POLLIN };
		struct timespec left, *tp = NULL;
		int rc = pcap_next_ex(sn->p, &h, &data);

		if (rc == 1) {
			size_t n = h->caplen < cap ? h->caplen : cap;

			memcpy(buf, data, n);
			*len = n;
			*ts_ns = (int64_t)h->ts.tv_sec * 1000000000 +
				 h->ts.tv_usec;
			return 1;
		}
		if (rc < 0)
			return tc_error_set(err, TC_ERR_ENV,
					    "capture on '%s' failed: %s",
					    sn->ifname,
					    rc == PCAP_ERROR ? pcap_geterr(sn->p) :
					    pcap_statustostr(rc));
		/* rc == 0: nothing queued. */
		if (deadline_ns >= 0) {
			int64_t d = deadline_ns - now_ns();

			if (d <= 0)
				return 0;
			left.tv_sec = d / 1000000000;
			left.tv_nsec = d % 1000000000;
			tp = &left;
		}
		if (ppoll(&pfd, 1, tp, NULL) < 0 && errno != EINTR)
			return tc_error_set(err, TC_ERR_ENV,
					    "waiting for capture on '%s': %s",
					    sn->ifname, strerror(errno));
	}
}

void tc_sniff_close(struct tc_sniff *sn)
{
	if (!sn)
		return;
	if (sn->p)
		pcap_close(sn->p);
	free(sn);
}

/* ---- the pcap writer -------------------------------------------------- */

/* Injected frames wait in a hold queue (holdq.h) for the file's time order. */
#define HELD_MAX 256

struct tc_pcap_out {
	pcap_t *dead;
	pcap_dumper_t *dump;
	struct tc_holdq *q;
};

static tc_holdq_write_fn write_frame;

int tc_pcap_out_open(int fd, struct tc_pcap_out **out, struct tc_error *err)
{
	struct tc_pcap_out *po = xcalloc(1, sizeof(*po));
	int dfd;
	FILE *f;

	*out = NULL;
	po->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, SNAPLEN,
							 PCAP_TSTAMP_PRECISION_NANO);
	if (!po->dead) {
		free(po);
		return tc_error_set(err, TC_ERR_ENV, "cannot make a pcap writer");
	}
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	f = dfd < 0 ? NULL : fdopen(dfd, "w");
	if (!f) {
		int saved = errno;

		if (dfd >= 0)
			close(dfd);
		tc_pcap_out_close(po);
		return tc_error_set(err, TC_ERR_ENV, "cannot write the capture: %s",
				    strerror(saved));
	}
	po->dump = pcap_dump_fopen(po->dead, f);
	if (!po->dump) {
		fclose(f);
		tc_error_set(err, TC_ERR_ENV, "cannot write the capture: %s",
			     pcap_geterr(po->dead));
		tc_pcap_out_close(po);
		return -1;
	}
	po->q = tc_holdq_new(HELD_MAX, write_frame, po);
	*out = po;
	return 0;
}

static void write_frame(void *ctx, const uint8_t *frame, size_t len,
			int64_t ts_ns, const char *comment)
{
	struct tc_pcap_out *po = ctx;
	struct pcap_pkthdr h;

	(void)comment;	/* pcap has no place for one */

	h.ts.tv_sec = ts_ns / 1000000000;
	h.ts.tv_usec = ts_ns % 1000000000;	/* nanoseconds: the file is nano-precision */
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)po->dump, &h, frame);
}

void tc_pcap_out_add(struct tc_pcap_out *po, const uint8_t *frame, size_t len,
		     int64_t ts_ns, bool injected)
{
	tc_holdq_add(po->q, frame, len, ts_ns, injected, NULL);
}

void tc_pcap_out_close(struct tc_pcap_out *po)
{
	if (!po)
		return;
	if (po->dump) {
		tc_holdq_flush(po->q);
		pcap_dump_close(po->dump);
	}
	tc_holdq_free(po->q);
	if (po->dead)
		pcap_close(po->dead);
	free(po);
}
