/* conn.c: see conn.h. */
#include "conn.h"

#include <netinet/in.h>
#include <string.h>

void tc_conn_init(struct tc_conn *c, const struct tc_script *script, int bind_port,
		  int remote_port, int connect_port)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->script = script;
	c->cfg_bind_port = bind_port;
	c->cfg_remote_port = remote_port;
	c->cfg_connect_port = connect_port;
	c->sut_fd = -1;
}

void tc_conn_destroy(struct tc_conn *c)
{
	pthread_mutex_destroy(&c->lock);
}

/* A new connection begins: remember the one before for the ISN checks
 * (when its ISN and tuple are known).  Under the lock. */
static void save_prev(struct tc_conn *c)
{
	if (c->map.local_known && c->local_port) {
		c->prev.known = true;
		c->prev.local_port = c->local_port;
		c->prev.remote_port = c->remote_port;
		c->prev.isn = c->map.local_isn;
		c->prev.snd_nxt = c->snd_nxt;
		c->prev.isn_ns = c->isn_ns;
	}
	c->snd_nxt = 0;
	c->isn_ns = 0;
}

/* Forget the connection (not the socket, nor the passive-port search). */
static void forget(struct tc_conn *c)
{
	save_prev(c);
	c->local_port = 0;
	c->remote_port = 0;
	c->udp = false;
	c->listener = false;
	c->opened = false;
	c->connect_ns = 0;
	tc_map_reset(&c->map);
}

void tc_conn_set_socket(struct tc_conn *c, int fd, bool new_socket, bool udp)
{
	pthread_mutex_lock(&c->lock);
	/* A new socket() or accept() becomes the socket under test; a new
	 * socket() also starts a new connection. */
	c->sut_fd = fd;
	if (new_socket) {
		forget(c);
		c->udp = udp;
	}
	pthread_mutex_unlock(&c->lock);
}

/* connect() on the socket under test: the first one after socket() or
 * after connect(AF_UNSPEC) opens a new connection, whose local port and
 * ISNs are learned afresh from the kernel's SYN (the kernel gives a
 * disconnected socket a new ephemeral port).  The socket keeps its
 * timestamp mapping, as packetdrill keeps it per socket. */
void tc_conn_connect(struct tc_conn *c, int fd, bool disconnect, int64_t now_ns)
{
	pthread_mutex_lock(&c->lock);
	if (fd == c->sut_fd) {
		if (disconnect) {
			c->opened = false;
		} else if (!c->opened) {
			struct tc_conn_map old = c->map;

			save_prev(c);
			c->opened = true;
			c->listener = false;
			c->connect_ns = now_ns;
			c->local_port = 0;
			c->remote_port = 0;
			tc_map_reset(&c->map);
			c->map.ts_base_known = old.ts_base_known;
			c->map.ts_first_script = old.ts_first_script;
			c->map.ts_first_live = old.ts_first_live;
			c->map.n_ts = old.n_ts;
			memcpy(c->map.ts, old.ts, sizeof(old.ts));
		}
	}
	pthread_mutex_unlock(&c->lock);
}

void tc_conn_listen(struct tc_conn *c)
{
	pthread_mutex_lock(&c->lock);
	c->listener = true;
	c->local_port = (uint16_t)c->cfg_bind_port;
	c->remote_port = (uint16_t)c->cfg_remote_port;
	pthread_mutex_unlock(&c->lock);
}

int tc_conn_sut_fd(struct tc_conn *c)
{
	int fd;

	pthread_mutex_lock(&c->lock);
	fd = c->sut_fd;
	pthread_mutex_unlock(&c->lock);
	return fd;
}

/* Does a 'sport>dport' override on some line name this port? */
static bool script_names_port(const struct tc_conn *c, int port)
{
	for (int i = 0; c->script && i < c->script->n_events; i++) {
		const struct tc_event *ev = &c->script->events[i];

		if (ev->type == TC_EVENT_PACKET && ev->u.packet->has_ports &&
		    (ev->u.packet->sport == port || ev->u.packet->dport == port))
			return true;
	}
	return false;
}

/* The remote port of the n-th connection opened by an inbound SYN: the
 * configured one first, then the ports after it that no line of the
 * script names in an override, so that a later connection never lands on
 * an earlier one's tuple (in TIME_WAIT, say) nor on a port the script
 * uses for another peer. */
static uint16_t passive_remote_port(struct tc_conn *c)
{
	int port;

	if (c->passive_opens++ == 0) {
		c->next_passive_port = c->cfg_remote_port + 1;
		return (uint16_t)c->cfg_remote_port;
	}
	port = c->next_passive_port;
	for (int tries = 0; tries < 65536; tries++) {
		if (port > 65535)
			port = 1024;
		if (port != c->cfg_remote_port && !script_names_port(c, port))
			break;
		port++;
	}
	c->next_passive_port = port + 1;
	return (uint16_t)port;
}

bool tc_conn_matches(struct tc_conn *c, const struct tc_segment *seg, int64_t ts)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	if (seg->ip_proto == IPPROTO_ICMP || seg->ip_proto == IPPROTO_ICMPV6) {
		/* An ICMP error about a packet of the connection: the packet
		 * it quotes came from the remote's port to ours. */
		ok = seg->icmp_quoted_proto == (c->udp ? IPPROTO_UDP : IPPROTO_TCP) &&
		     c->local_port && seg->sport == c->remote_port &&
		     seg->dport == c->local_port;
	} else if (seg->ip_proto != (c->udp ? IPPROTO_UDP : IPPROTO_TCP)) {
		ok = false;
	} else if (!c->local_port) {
		/* An active open: the kernel's SYN, or a UDP socket's first
		 * datagram, toward the connect port. */
		ok = (c->udp || (seg->flags & (TC_TH_SYN | TC_TH_ACK)) == TC_TH_SYN) &&
		     seg->dport == c->cfg_connect_port &&
		     ts >= c->connect_ns;
		if (ok) {
			c->local_port = seg->sport;
			c->remote_port = seg->dport;
		}
	} else {
		ok = seg->sport == c->local_port &&
		     seg->dport == c->remote_port;
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

/* The first inbound segment or datagram of a passive open (or of a test
 * against a closed port) fixes the tuple.  Under the lock. */
static void fix_tuple(struct tc_conn *c)
{
	if (!c->local_port) {
		c->local_port = (uint16_t)c->cfg_bind_port;
		c->remote_port = (uint16_t)c->cfg_remote_port;
	}
}

int tc_conn_inbound(struct tc_conn *c, const struct tc_packet *p, bool ts_ecr_scaled,
		    struct tc_option *opts, struct tc_conn_inbound *out, uint32_t *bad_ecr)
{
	pthread_mutex_lock(&c->lock);
	fix_tuple(c);
	if ((p->flags & TC_TH_SYN) && !(p->flags & TC_TH_ACK) &&
	    (c->listener || !c->map.remote_known)) {
		/* A SYN to a listener opens a new connection: new ISNs. */
		bool keep_local = !c->listener && c->map.local_known;
		struct tc_conn_map old = c->map;

		if (c->listener || !c->opened) {
			/* A child of a listener (or a connection to a port
			 * nobody listens on): a new tuple. */
			c->local_port = (uint16_t)c->cfg_bind_port;
			c->remote_port = passive_remote_port(c);
			c->opened = true;
		}
		save_prev(c);
		tc_map_reset(&c->map);
		if (keep_local) {
			c->map.local_known = true;
			c->map.local_offset = old.local_offset;
			c->map.local_isn = old.local_isn;
		}
		c->listener = false;
		tc_map_learn_remote(&c->map, p->seq_start);
	} else if ((p->flags & (TC_TH_SYN | TC_TH_ACK)) == (TC_TH_SYN | TC_TH_ACK) &&
		   !c->map.remote_known) {
		/* The SYN-ACK of an active open fixes the remote's ISN, as
		 * packetdrill learns it in SYN_SENT only: a SYN-ACK sent into
		 * a connection that has one (a probe in ESTABLISHED) keeps
		 * the numbers the script has used so far. */
		tc_map_learn_remote(&c->map, p->seq_start);
	}

	for (int i = 0; i < p->n_options; i++) {
		if (opts[i].kind == TC_OPT_SACK) {
			for (int j = 0; j < opts[i].n_sack; j++) {
				opts[i].sack[j].left = tc_map_in_ack(&c->map, false, opts[i].sack[j].left);
				opts[i].sack[j].right = tc_map_in_ack(&c->map, false, opts[i].sack[j].right);
			}
		} else if (opts[i].kind == TC_OPT_TS && (p->flags & TC_TH_ACK) &&
			   opts[i].ts_ecr) {
			uint32_t live;

			if (tc_map_ts_in_ecr(&c->map, opts[i].ts_ecr, ts_ecr_scaled, &live) < 0) {
				pthread_mutex_unlock(&c->lock);
				*bad_ecr = opts[i].ts_ecr;
				return -1;
			}
			opts[i].ts_ecr = live;
		}
	}

	out->sport = p->has_ports ? p->sport : c->remote_port;
	out->dport = p->has_ports ? p->dport : c->local_port;
	out->seq = tc_map_in_seq(&c->map, p);
	if (p->flags & TC_TH_ACK)
		out->ack = tc_map_in_ack(&c->map, p->flags & TC_TH_SYN, p->ack);
	else
		out->ack = p->has_ack ? p->ack : 0;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void tc_conn_inbound_sent(struct tc_conn *c, const struct tc_packet *p,
			  const struct tc_conn_inbound *in, int line)
{
	bool has_ts = false;
	uint32_t tsval = 0;

	for (int i = 0; i < p->n_options; i++) {
		if (p->options[i].kind == TC_OPT_TS) {
			has_ts = true;
			tsval = p->options[i].ts_val;
		}
	}
	pthread_mutex_lock(&c->lock);
	if (in->sport == c->remote_port && in->dport == c->local_port)
		tc_ts_learn_in(&c->map.rec, line, in->seq, p->flags, p->payload_len,
			       has_ts, tsval);
	pthread_mutex_unlock(&c->lock);
}

void tc_conn_inbound_udp(struct tc_conn *c, const struct tc_packet *p,
			 uint16_t *sport, uint16_t *dport)
{
	pthread_mutex_lock(&c->lock);
	fix_tuple(c);
	*sport = p->has_ports ? p->sport : c->remote_port;
	*dport = p->has_ports ? p->dport : c->local_port;
	pthread_mutex_unlock(&c->lock);
}

void tc_conn_icmp_quote(struct tc_conn *c, const struct tc_packet *p,
			uint16_t *lport, uint16_t *rport, uint32_t *seq)
{
	pthread_mutex_lock(&c->lock);
	*lport = c->local_port ? c->local_port : (uint16_t)c->cfg_bind_port;
	*rport = c->local_port ? c->remote_port : (uint16_t)c->cfg_remote_port;
	*seq = p->icmp_quoted == IPPROTO_TCP ? tc_map_in_ack(&c->map, false, p->seq_start) : 0;
	pthread_mutex_unlock(&c->lock);
}

/* The checks vo turns on, on a segment the script's line accepted (up:
 * what it teaches).  Under the lock. */
static int extra_checks(struct tc_conn *c, const struct tc_packet *exp,
			const struct tc_segment *act,
			const struct tc_verify_opts *vo, const struct tc_map_update *up,
			struct tc_mismatch *mm)
{
	if (vo->check_ts_val && tc_check_ts_val(&c->map, act, mm))
		return 1;
	if (vo->check_ts_ecr == 1 && tc_check_ts_ecr(&c->map.rec, act, mm))
		return 1;
	if (vo->check_ts_ecr == 2 && tc_check_ts_ecr_written(exp, act, mm))
		return 1;
	if (up->learn_local && c->prev.known && c->prev.local_port == c->local_port &&
	    c->prev.remote_port == c->remote_port) {
		/* The first SYN of a connection on the 4-tuple of the one
		 * before: its ISN, relative to that one's. */
		uint32_t isn = up->live_seq;

		if (vo->check_isn_reuse &&
		    tc_check_isn_reuse(c->prev.snd_nxt - c->prev.isn, vo->isn_reuse,
				       isn - c->prev.isn, mm))
			return 1;
		if (vo->isn_clock_ns > 0) {
			int64_t gap_us = (vo->capture_ns - c->prev.isn_ns) / 1000;
			int64_t tol = tc_tolerance(vo->tolerance_usecs, vo->tolerance_percent,
						   gap_us) * 1000;

			if (tc_check_isn_clock(c->prev.isn, c->prev.isn_ns, isn, vo->capture_ns,
					       vo->isn_clock_ns, tol, mm))
				return 1;
		}
	}
	return 0;
}

int tc_conn_verify(struct tc_conn *c, const struct tc_packet *exp,
		   const struct tc_segment *act, const struct tc_verify_opts *vo,
		   struct tc_mismatch *mm)
{
	struct tc_map_update up;
	int rc;

	pthread_mutex_lock(&c->lock);
	rc = tc_verify_segment(&c->map, exp, act, vo, mm, &up);
	if (!rc && act->ip_proto == IPPROTO_TCP)
		rc = extra_checks(c, exp, act, vo, &up, mm);
	tc_map_apply(&c->map, &up);
	if (act->ip_proto == IPPROTO_TCP && c->map.local_known) {
		uint32_t end = act->seq + act->payload_len +
			       !!(act->flags & TC_TH_SYN) + !!(act->flags & TC_TH_FIN);

		if (up.learn_local) {
			c->isn_ns = vo->capture_ns;
			c->snd_nxt = end;
		} else if ((int32_t)(end - c->snd_nxt) > 0 && !(act->flags & TC_TH_RST)) {
			c->snd_nxt = end;
		}
		if (!rc)
			tc_ts_learn_out(&c->map.rec, act);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void tc_conn_format_live(struct tc_conn *c, const struct tc_segment *seg,
			 struct strbuf *out)
{
	pthread_mutex_lock(&c->lock);
	tc_format_live(&c->map, seg, out);
	pthread_mutex_unlock(&c->lock);
}
