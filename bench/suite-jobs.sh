#!/bin/sh
# The shipped suite's verdicts and wall time against --jobs, idle and with
# one core busy (a shell loop pinned to CPU 0, ended by its PID).
#
#   bench/suite-jobs.sh [PROFILE] [JOBS...]      (as root, from the top)
#
# No retries of failures (--retries 0): a run that differs from
# scripts/baseline.txt is a verdict lost.  Late runs are retried as the
# default says (--late-retries): "late" counts the attempts that ended
# late (no verdict, retried), "still late" the runs late every time.
# TCPCONFORM (default ./tcpconform) is the binary measured; BUSY="0 1"
# (the default) the loads.
set -u
prof=${1:-scripts/profiles/linux-default.sysctl}
[ $# -gt 0 ] && shift
jobs=${*:-1 2 4 8 16}
bin=${TCPCONFORM:-./tcpconform}
out=$(mktemp -d)
spin=
trap '[ -n "$spin" ] && kill "$spin"; rm -rf "$out"' EXIT
printf '| load | jobs | seconds | scripts/s | runs | differ | late attempts | still late | load average |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for busy in ${BUSY:-0 1}; do
	if [ "$busy" = 1 ]; then
		taskset -c 0 sh -c 'while :; do :; done' &
		spin=$!
		sleep 0.2
	fi
	for j in $jobs; do
		la=$(cut -d' ' -f1-3 /proc/loadavg)
		"$bin" --profile "$prof" --jobs "$j" --retries 0 \
			--baseline scripts/baseline.txt --json "$out/r.json" scripts/ \
			>"$out/log" 2>&1
		python3 - "$out/r.json" "$j" "$busy" "$la" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
bad = [x for x in r if (x.get("baseline") or {}).get("same") is False]
late = sum(x["late_attempts"] for x in r)
still = sum(1 for x in r if x["outcome"] == "late")
print("| %s | %s | %.1f | %.1f | %d | %d | %d | %d | %s |" % (
    "one core busy" if sys.argv[3] == "1" else "idle", sys.argv[2], d["seconds"],
    len(r) / d["seconds"], len(r), len(bad), late, still, sys.argv[4]))
for x in bad:
    print("<!-- differs: %s %s (%s) -->" % (x["script"], x["outcome"], (x["message"] or "")[:160]))
PY
	done
	if [ -n "$spin" ]; then
		kill "$spin"
		wait "$spin" 2>/dev/null
		spin=
	fi
done
