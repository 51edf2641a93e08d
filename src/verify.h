/*
 * verify.h: live <-> script mapping of one connection, the timing rule,
 * and the field-by-field comparison of an outbound segment.
 *
 * Pure functions over plain data: no I/O, no clocks, no threads, so they
 * are unit-tested from bytes (tests/unit/test_verify.c).  The comparison
 * (tc_verify_segment) reads the mapping and says what a segment teaches
 * it; the connection module (conn.h) owns the mapping and applies that.
 *
 * Sequence space (packetdrill semantics, see doc/semantics.md):
 *   - A segment with SYN carries script-absolute numbers: the remote's seq
 *     is literal, the kernel's seq is relative to the seq written on the
 *     script's own '>' SYN line (normally 0), and an ack of the remote's
 *     numbers on an outbound SYN-ACK is literal.
 *   - Without SYN, numbers are offsets from the ISNs: the remote's seq, and
 *     an outbound ack or SACK edge, from the remote's ISN; the kernel's seq,
 *     and an inbound ack or SACK edge, from the kernel's.
 *   So: kernel numbers  live = script + local_offset in SYNs (local_offset
 *                       = live ISN - the script's SYN seq), script + the
 *                       live ISN elsewhere;
 *       remote numbers  live = script + remote_isn (non-SYN), literal in SYN.
 */
#ifndef TC_VERIFY_H
#define TC_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "script.h"

struct tc_mismatch;

#define TC_MAX_TS_PAIRS 512

/*
 * The kernel's receive state as RFC 7323 4.3 models it, seen from outside:
 * TS.Recent and the line that set it, Last.ACK.sent and RCV.NXT (live
 * numbers), whether the last advertised window was zero, the TS val of the
 * last SYN sent to it (which its SYN-ACK must echo), and the last TS val it
 * sent (which the next may not go below).
 */
struct tc_ts_recent {
	bool known;
	uint32_t val;
	int line;
	bool las_known;
	uint32_t las;		/* Last.ACK.sent */
	uint32_t rcv_nxt;
	bool zero_wnd;
	bool syn_known;
	uint32_t syn_val;
	int syn_line;
	bool out_known;
	uint32_t out_val;	/* live */
};

struct tc_conn_map {
	bool local_known;
	uint32_t local_offset;	/* in SYNs: live kernel seq = script seq + local_offset */
	uint32_t local_isn;	/* elsewhere: live kernel seq = script seq + local_isn */
	bool remote_known;
	uint32_t remote_isn;	/* the literal seq of the script's inbound SYN */

	/* TCP timestamps: the kernel's TS val mapped into script space. */
	bool ts_base_known;
	uint32_t ts_first_script, ts_first_live;
	int n_ts;
	struct {
		uint32_t script, live;
	} ts[TC_MAX_TS_PAIRS];

	/* What the kernel must echo (RFC 7323 4.3), from the segments sent
	 * to it and the ones it sent (tc_ts_learn_in, tc_ts_learn_out). */
	struct tc_ts_recent rec;
};

/* Forget everything (a new connection). */
void tc_map_reset(struct tc_conn_map *m);

/* Learn from an outbound SYN or SYN-ACK: the script's seq on that line and
 * the live seq. */
void tc_map_learn_local(struct tc_conn_map *m, uint32_t script_seq,
			uint32_t live_seq);
/* Learn from an inbound SYN or SYN-ACK: its literal seq. */
void tc_map_learn_remote(struct tc_conn_map *m, uint32_t seq);

/* Inbound numbers: script -> live. */
uint32_t tc_map_in_seq(const struct tc_conn_map *m, const struct tc_packet *p);
uint32_t tc_map_in_ack(const struct tc_conn_map *m, bool syn, uint32_t script_ack);

/* Outbound numbers: live -> script. */
uint32_t tc_map_out_seq(const struct tc_conn_map *m, bool syn, uint32_t live_seq);
uint32_t tc_map_out_ack(const struct tc_conn_map *m, bool syn,
			uint32_t live_ack);

/*
 * Record the TS val of an outbound segment: script_val as written on the
 * '>' line, live_val as captured.  The first call fixes the baseline.
 */
void tc_map_ts_record(struct tc_conn_map *m, uint32_t script_val,
		      uint32_t live_val);
/* Kernel TS val (live) in script space, from the baseline. */
uint32_t tc_map_ts_out(const struct tc_conn_map *m, uint32_t live_val);
/*
 * Map an inbound TS ecr (script) to the live TS val it echoes: an exact
 * match among recorded pairs, else by interpolation from the baseline when
 * scaled is set.  Returns 0, or -1 when there is no match.
 */
int tc_map_ts_in_ecr(const struct tc_conn_map *m, uint32_t script_ecr,
		     bool scaled, uint32_t *live_ecr);

/*
 * RFC 7323 4.3 (and 5.3 R1-R3): does an inbound segment (live seq, length
 * in sequence space counting SYN and FIN, its TS val) update TS.Recent?
 * Only when it passes PAWS (tsval >= TS.Recent), SEG.SEQ <= Last.ACK.sent,
 * and it is acceptable (RFC 9293 3.10.7.4) at RCV.NXT: zero-length at
 * RCV.NXT, or some of it at or past RCV.NXT in a non-zero window.  Before
 * the kernel acked anything, or before TS.Recent is set, it does not.
 */
bool tc_ts_recent_updates(const struct tc_ts_recent *r, uint32_t seq,
			  uint32_t seg_len, uint32_t tsval);
/* Learn from an inbound TCP segment of script line `line`: live seq,
 * flags, payload length, and its TS val when has_ts. */
void tc_ts_learn_in(struct tc_ts_recent *r, int line, uint32_t seq, uint16_t flags,
		    uint32_t payload_len, bool has_ts, uint32_t tsval);
/* Learn from an outbound segment the script accepted. */
void tc_ts_learn_out(struct tc_ts_recent *r, const struct tc_segment *act);

/*
 * The checks packetdrill skips on an outbound segment the script accepted.
 * TS ecr: a segment with ACK and Timestamps must echo TS.Recent, a SYN-ACK
 * the TS val of the SYN it answers (RFC 7323 4.3).  TS val: not below the
 * connection's previous one (mod 2^32; RFC 7323 5.4).  Each returns 0, or
 * 1 with *mm filled; the TS val is shown in script space through m.
 */
int tc_check_ts_ecr(const struct tc_ts_recent *r, const struct tc_segment *act,
		    struct tc_mismatch *mm);
/* TS ecr as the script's line writes it (a script that states what the
 * kernel echoes where it departs from TS.Recent). */
int tc_check_ts_ecr_written(const struct tc_packet *exp, const struct tc_segment *act,
			    struct tc_mismatch *mm);
int tc_check_ts_val(const struct tc_conn_map *m, const struct tc_segment *act,
		    struct tc_mismatch *mm);

/*
 * The ISN checks, given the connection before (prev, its 4-tuple the same
 * as the new one's) and the new connection's live ISN.  Reuse: the ISN must
 * be prev_snd_nxt + offset (Linux's choice for a 4-tuple taken over from
 * TIME_WAIT).  Clock (RFC 6528, RFC 9293 3.4.1): the ISN must have advanced
 * from the previous one by the time between them in ticks of tick_ns, give
 * or take the tolerance (tol_ns), and by more than zero.
 */
int tc_check_isn_reuse(uint32_t prev_snd_nxt, uint32_t offset, uint32_t isn,
		       struct tc_mismatch *mm);
int tc_check_isn_clock(uint32_t prev_isn, int64_t prev_ns, uint32_t isn, int64_t ns,
		       int64_t tick_ns, int64_t tol_ns, struct tc_mismatch *mm);

/*
 * The timing rule: the allowed error is the larger of tolerance_usecs and
 * tolerance_percent of the script-time gap since the previous event.
 */
int64_t tc_tolerance(int64_t tolerance_usecs, double tolerance_percent,
		     int64_t gap_usecs);

/* -1 early, 0 within [start - tol, end + tol], 1 late. */
int tc_time_check(int64_t actual, int64_t start, int64_t end, int64_t tol);

/*
 * The time at which an outbound segment stamped ts counts as seen, given
 * that the previous event's action ran from prev_start to prev_end: a
 * segment sent while it ran (the kernel answers an inbound segment inside
 * our send; a write() sends before it returns) counts as seen at
 * prev_end, as a tester doing one thing at a time would first see it.
 * Relative times are measured from prev_end, so without this such an
 * answer would look early by however long the send took.
 */
int64_t tc_seen_time(int64_t ts, int64_t prev_start, int64_t prev_end);

/* A failed field comparison. */
struct tc_mismatch {
	char field[64];		/* "ack", "flags", "options", ... */
	char expected[512];
	char actual[512];
	bool ts_val;		/* the options differ only in a TS val beyond
				 * the tolerance */
};

/*
 * How the kernel's TS val is judged (as packetdrill does): with a tick of
 * N usecs, a TS val mapped into script space may differ from the line's by
 * d ticks when d * N is at most the tolerance.  The tolerance is the larger
 * of tolerance_usecs and tolerance_percent of event_usecs, the time the
 * line was due counted from the script's start (not from the previous
 * event, as the timing rule counts it): a TS val's error builds up from
 * the baseline over the whole run.
 */
struct tc_verify_opts {
	int64_t ts_tick_usecs;		/* 0: TS val not judged */
	int64_t tolerance_usecs;	/* --tolerance_usecs */
	double tolerance_percent;	/* --tolerance_percent */
	int64_t event_usecs;		/* when the line was due, since the start */
	/* The checks packetdrill skips (tc_conn_verify applies them). */
	int check_ts_ecr;		/* --tcp_ts_ecr_check: 0 off, 1 TS.Recent,
					 * 2 as the line writes it */
	bool check_ts_val;		/* --tcp_ts_val_check */
	bool check_isn_reuse;		/* --tcp_isn_reuse given: */
	uint32_t isn_reuse;		/* its offset */
	int64_t isn_clock_ns;		/* --tcp_isn_clock_ns, 0: off */
	int64_t capture_ns;		/* when the segment was captured */
};

/* The tolerance, in usecs, that a TS val is judged with (see above). */
int64_t tc_ts_tolerance(const struct tc_verify_opts *vo);

/* What an outbound segment teaches the mapping (tc_verify_segment). */
struct tc_map_update {
	/* The connection's first SYN or SYN-ACK whose flags matched: the
	 * kernel's ISN (tc_map_learn_local). */
	bool learn_local;
	uint32_t script_seq, live_seq;
	/* A matching segment's TS vals, script and live (tc_map_ts_record). */
	int n_ts;
	struct {
		uint32_t script, live;
	} ts[TC_MAX_OPTIONS];
};

/* Apply what tc_verify_segment learnt. */
void tc_map_apply(struct tc_conn_map *m, const struct tc_map_update *up);

/*
 * Compare an outbound segment (aggregated already) against the script's
 * line, given the mapping m.  Order: IPv4 header checksum, protocol,
 * ECN/TOS/TTL when given, flags, seq, ack, payload length, window when
 * given, urgent pointer, reserved bits, options (unless <...>), payload
 * bytes.  Returns 0 on a match, else 1 with *mm filled (first mismatch
 * only).  *up says what to learn: the kernel's ISN from a connection's
 * first SYN once its flags matched (even if a later field did not; the
 * comparison of seq already counts on it), the TS mapping of a match.
 */
int tc_verify_segment(const struct tc_conn_map *m, const struct tc_packet *exp,
		      const struct tc_segment *act, const struct tc_verify_opts *vo,
		      struct tc_mismatch *mm, struct tc_map_update *up);

/* tc_verify_segment, then tc_map_apply: for a caller that owns m alone. */
int tc_verify_outbound(struct tc_conn_map *m, const struct tc_packet *exp,
		       const struct tc_segment *act,
		       const struct tc_verify_opts *vo, struct tc_mismatch *mm);

/*
 * Render a live segment in script notation with its numbers mapped into
 * script space (seq, ack, SACK edges, TS val), as the error report shows
 * it next to the script's line.
 */
struct strbuf;
void tc_format_live(const struct tc_conn_map *m, const struct tc_segment *seg,
		    struct strbuf *out);

#endif
