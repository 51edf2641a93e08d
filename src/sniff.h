/*
 * sniff.h: capture what the kernel sends, with libpcap on the wire-side veth.
 *
 * Open it inside the wire namespace (see tc_netns_in_wire).  Immediate
 * mode, nanosecond timestamps (CLOCK_REALTIME, as the kernel stamps skbs),
 * inbound direction only so our own injected frames are not seen, and a BPF
 * filter chosen by the caller.  Capture starts at open: everything the
 * kernel sends from then on is buffered in the kernel ring until read.
 * One reader thread.  Also the pcap writer for a run's capture file: the
 * one module that talks to libpcap.
 */
#ifndef TC_SNIFF_H
#define TC_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tc_error;
struct tc_sniff;

int tc_sniff_open(const char *ifname, const char *bpf_filter,
		  struct tc_sniff **out, struct tc_error *err);

/*
 * Wait for the next captured frame until the CLOCK_REALTIME deadline
 * deadline_ns (< 0: wait forever; 0: do not wait).  Returns 1 and fills
 * buf (up to cap bytes; *len is the captured length) and *ts_ns, 0 on
 * timeout, -1 on error.
 */
int tc_sniff_next(struct tc_sniff *sn, int64_t deadline_ns, uint8_t *buf,
		  size_t cap, size_t *len, int64_t *ts_ns, struct tc_error *err);

void tc_sniff_close(struct tc_sniff *sn);

/*
 * A pcap file (Ethernet frames, nanosecond stamps) written to an open
 * descriptor: the run's capture, which the runner opened (config.h's
 * pcap_fd), so nothing here opens a file by name.  fd is duplicated: the
 * caller's stays open and its own.  Returns 0 and *out, or -1 with err
 * (TC_ERR_ENV).
 */
struct tc_pcap_out;
int tc_pcap_out_open(int fd, struct tc_pcap_out **out, struct tc_error *err);
/*
 * Append one frame, stamped ts_ns (CLOCK_REALTIME): injected (ours, stamped
 * when its write began) or captured.  Each kind must come in time order;
 * the file is kept in time order across the two (an injected frame is held
 * until a captured one stamped at or after it, or the close: holdq.h).
 */
void tc_pcap_out_add(struct tc_pcap_out *po, const uint8_t *frame, size_t len,
		     int64_t ts_ns, bool injected);
/* Flush and close the file; accepts NULL. */
void tc_pcap_out_close(struct tc_pcap_out *po);

#endif
