/*
 * fuzz_frame.c: libFuzzer harness for the frame decoder (codec.h).  Any
 * bytes are a captured frame, decoded both as Ethernet and as a bare IP
 * packet; a decoded segment is turned into script notation as verify
 * shows it.  Decoding must return 0 or -1 with a message, never crash
 * or read past the bytes.  `make fuzz` builds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "error.h"
#include "script.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, int ether)
{
	/* A copy of exactly size bytes on the heap: ASan sees any overread. */
	uint8_t *frame = malloc(size ? size : 1);
	struct tc_packet *pkt = calloc(1, sizeof(*pkt));
	struct tc_segment seg;
	struct tc_error err;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (!frame || !pkt)
		abort();
	memcpy(frame, data, size);
	tc_error_clear(&err);
	rc = ether ? tc_decode_ether(frame, size, &seg, &err) :
		     tc_decode_ip(frame, size, &seg, &err);
	if (rc == 0) {
		tc_encaps_format(seg.encap, seg.n_encap, &sb);
		if (seg.ip_proto == 6 && tc_segment_to_packet(&seg, pkt, &err) == 0)
			tc_packet_format(pkt, &sb);
	} else if (rc != -1 || !err.msg[0]) {
		__builtin_trap();	/* a failure must say why */
	}
	strbuf_release(&sb);
	free(pkt);
	free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 1);
	one(data, size, 0);
	return 0;
}
