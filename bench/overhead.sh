#!/bin/sh
# Per-script overhead of a whole tcpconform run: fork, two namespaces,
# veth, address/route/neighbour, pcap and libnet handles, the script's one
# system call, teardown.  Prints median and p99 wall time over N runs.
#
#   bench/overhead.sh [N] [TCPCONFORM]
set -eu
n=${1:-200}
bin=${2:-./tcpconform}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' >"$tmp/trivial.pkt"
i=0
while [ $i -lt "$n" ]; do
	s=$(date +%s%N)
	"$bin" "$tmp/trivial.pkt"
	e=$(date +%s%N)
	echo $(( (e - s) / 1000 ))
	i=$((i + 1))
done | sort -n >"$tmp/us"
awk -v n="$n" '{ v[NR] = $1 } END {
	med = v[int((NR + 1) / 2)]; p99 = v[int(NR * 0.99 + 0.999)];
	printf "runs %d  median %.1f ms  p99 %.1f ms  min %.1f ms  max %.1f ms\n",
	       NR, med / 1000, p99 / 1000, v[1] / 1000, v[NR] / 1000 }' "$tmp/us"
