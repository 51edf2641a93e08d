/*
 * pcapng.h: a small pcapng writer (the capture-file format of
 * https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html),
 * for what libpcap cannot write: a comment on each packet.  --pcapng and
 * --html write a run's capture with it, each packet's comment naming the
 * script line it was matched against ("fin.pkt:12"), which Wireshark
 * shows beside the packet (and tshark as frame.comment).
 *
 * One section, one Ethernet interface with nanosecond stamps (if_tsresol
 * 9), then an Enhanced Packet Block per frame, in host byte order.  The
 * file is written to a descriptor the runner opened (as sniff.h's pcap
 * writer); fd is duplicated.
 */
#ifndef TC_PCAPNG_H
#define TC_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tc_error;
struct tc_pcapng;

/* Write the section and interface headers.  Returns 0 and *out, or -1
 * with err (TC_ERR_ENV). */
int tc_pcapng_open(int fd, struct tc_pcapng **out, struct tc_error *err);
/*
 * Append one frame stamped ts_ns (CLOCK_REALTIME) with comment (NULL or
 * "": none): injected (ours) or captured.  As sniff.h's pcap writer, each
 * kind must come in time order and the file is kept in time order across
 * the two (an injected frame is held until a captured one stamped at or
 * after it, or the close).
 */
void tc_pcapng_add(struct tc_pcapng *pn, const uint8_t *frame, size_t len,
		   int64_t ts_ns, bool injected, const char *comment);
/* Flush and close; accepts NULL. */
void tc_pcapng_close(struct tc_pcapng *pn);

#endif
