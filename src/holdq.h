/*
 * holdq.h: the hold queue both capture writers (sniff.h's pcap, pcapng.h)
 * put their frames through, so that a written file's stamps are in time
 * order.
 *
 * Frames come in two streams, each in time order: the injected ones,
 * stamped when their write began (the veth hands our frame to the kernel
 * inside send(), so the kernel's answer can be stamped before send()
 * returns), and the captured ones, stamped by the kernel, read from the
 * ring whenever the engine next looks.  A captured frame may be read
 * after an injected one it came before (the kernel sent it, nobody read
 * it yet).  So an injected frame waits here until a captured
 * frame stamped at or after it goes out, or the queue is flushed; a
 * captured frame goes out at once, after the held frames stamped at or
 * before it.
 *
 * The queue holds at most cap frames: one more injected frame (no answer
 * for long) lets the oldest held one go first.  It writes nothing itself:
 * each frame leaves through the writer's callback, in release order.  One
 * thread.
 */
#ifndef TC_HOLDQ_H
#define TC_HOLDQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write one frame to the file; comment is NULL when the writer gave none. */
typedef void tc_holdq_write_fn(void *ctx, const uint8_t *frame, size_t len,
			       int64_t ts_ns, const char *comment);

struct tc_holdq;

/* A queue of at most cap (>= 1) held frames, released through write(ctx). */
struct tc_holdq *tc_holdq_new(int cap, tc_holdq_write_fn *write, void *ctx);
/*
 * One frame stamped ts_ns (CLOCK_REALTIME), with comment (NULL: none;
 * copied when held): injected frames are held, a captured one is written
 * after the held frames stamped at or before it.
 */
void tc_holdq_add(struct tc_holdq *q, const uint8_t *frame, size_t len,
		  int64_t ts_ns, bool injected, const char *comment);
/* Write every held frame (the file is closing). */
void tc_holdq_flush(struct tc_holdq *q);
/* How many frames are held. */
int tc_holdq_held(const struct tc_holdq *q);
/* Free the queue and any frame still held, unwritten; accepts NULL. */
void tc_holdq_free(struct tc_holdq *q);

#endif
