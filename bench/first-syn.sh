#!/bin/sh
# How often a run's first inbound segment goes unanswered at start-up:
# N copies of a passive open (the SYN at 0, the SYN-ACK at any time), at
# JOBS at once, as ipv4 and ipv6.  A lost SYN shows as "timed out waiting
# for outbound packet".  Before the IPv6 local-route wait (netns.c,
# addr_wait_usable), 8 of 200 ipv6 runs at 8 jobs under load timed out.
#
#   bench/first-syn.sh [TCPCONFORM] [N] [JOBS] [ROUNDS]
set -u
bin=${1:-./tcpconform}
n=${2:-40}
jobs=${3:-8}
rounds=${4:-3}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
chmod 755 "$d"
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	cat >"$d/t$i.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>
*     > S. 0:0(0) ack 1 <...>
PKT
done
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	"$bin" --late-retries 0 --jobs "$jobs" --ip-versions ipv4,ipv6 "$d" >"$d/out" 2>&1
	printf 'round %d (load %s): %s; unanswered SYNs: %s\n' "$r" \
		"$(cut -d' ' -f1 /proc/loadavg)" "$(tail -n 1 "$d/out")" \
		"$(grep -c 'timed out waiting for outbound packet' "$d/out")"
done
