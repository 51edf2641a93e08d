#!/bin/sh
# Wall time and unexpected outcomes of the shipped suite under one profile
# at several --jobs values, with and without the engine's SCHED_FIFO.
#
#   bench/suite-jobs.sh [PROFILE] [JOBS...]      (as root, from the top)
#
# An unexpected outcome is one that differs from scripts/baseline.txt
# (no retries: every late event counts).
set -u
prof=${1:-scripts/profiles/linux-default.sysctl}
[ $# -gt 0 ] && shift
jobs=${*:-1 2 4 8}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-8s %-10s %8s %8s %10s\n' jobs realtime seconds runs unexpected
for rt in 10 0; do
	for j in $jobs; do
		./tcpconform --profile "$prof" --jobs "$j" --realtime="$rt" \
			--baseline scripts/baseline.txt --json "$out/r.json" scripts/ \
			>"$out/log" 2>&1
		python3 - "$out/r.json" "$j" "$rt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = sum(1 for r in d["results"] if (r.get("baseline") or {}).get("same") is False)
rt = "on" if sys.argv[3] != "0" else "off"
print("%-8s %-10s %8.1f %8d %10d" % (sys.argv[2], rt, d["seconds"], len(d["results"]), bad))
PY
	done
done
