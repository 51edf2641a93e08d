#!/bin/sh
# Runs prepared ahead, before and after: the shipped suite's wall time at
# each --jobs, two binaries alternately (OLD first in each pair), with how
# many runs went prepared (the "go" milestones of TCPCONFORM_PHASES,
# src/phase.h) and how many verdicts differ from scripts/baseline.txt.
#
#   bench/pool.sh OLD NEW [PAIRS [JOBS...]]    (as root, from the top)
#
# PAIRS (default 1) rounds of OLD then NEW at each JOBS (default 1 4).
# No retries of failures (--retries 0); late runs are retried as by
# default.  Nothing is asserted.
set -u
old=$1 new=$2
pairs=${3:-1}
[ $# -gt 3 ] && shift 3 || set --
jobs=${*:-1 4}
prof=scripts/profiles/linux-default.sysctl
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '| jobs | binary | seconds | runs | differ | went prepared | load average |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for j in $jobs; do
	p=0
	while [ $p -lt "$pairs" ]; do
		for b in "$old" "$new"; do
			la=$(cut -d' ' -f1-3 /proc/loadavg)
			rm -f "$out/ph"
			t0=$(date +%s.%N)
			TCPCONFORM_PHASES=$out/ph "$b" --profile "$prof" --jobs "$j" --retries 0 \
				--baseline scripts/baseline.txt --json "$out/r.json" scripts/ \
				>"$out/log" 2>&1
			t1=$(date +%s.%N)
			gone=$(awk '$1 == "phase" && $3 == "go"' "$out/ph" | wc -l)
			python3 - "$out/r.json" "$j" "$b" "$t0" "$t1" "$gone" "$la" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
bad = [x for x in r if (x.get("baseline") or {}).get("same") is False]
print("| %s | %s | %.1f | %d | %d | %s | %s |" % (
    sys.argv[2], sys.argv[3], float(sys.argv[5]) - float(sys.argv[4]), len(r), len(bad),
    sys.argv[6], sys.argv[7]))
for x in bad:
    print("<!-- differs: %s %s -->" % (x["script"], x["outcome"]))
PY
		done
		p=$((p + 1))
	done
done
