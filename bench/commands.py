#!/usr/bin/env python3
"""Commands applied without a shell (src/shcmd.h): before and after.

    bench/commands.py [--tcpconform BIN] [--corpus DIR] [--runs N]
                      [--rounds N] [--packetdrill PATH] [--only PARTS]
                      [--baseline BIN] [--jobs N] [DIR...]

As root, from the top of the tree.  "before" is the same binary with
--no_direct_commands, which runs every command with /bin/sh -c as
tcpconform did before the direct path; "after" is its default.  PARTS
(comma-separated, default all):

- defaults: --runs (30) rounds of one run each of a script whose only
  command is the corpus's own ../common/defaults.sh (a symbolic link to
  the corpus's common/ next to it), then socket() and close(), before and
  after, and of the same script without the command (the floor), in
  turn: wall time and CPU (user + system of tcpconform and every process
  it waited for), medians and 90th percentiles.
- slice: `tcpconform --variants DIR...` at the default --jobs (or
  --jobs N), --rounds (1) alternating pairs: wall, CPU, passes, and each
  variant whose outcome differs between the two.  With --baseline BIN,
  "before" is that binary with its defaults rather than
  --no_direct_commands.
- packetdrill: with --packetdrill, the same variants serially as google's
  run_all.py runs them (its arguments per variant, from the script's
  folder, `unshare -n` with lo up), 60 s at most each: wall and passes.

DIRs default to four folders of the corpus (slow_start, zerocopy,
shutdown, epoll and blocking).  Prints tables in Markdown; asserts nothing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

V4 = ("--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 "
      "--netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb "
      "-D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR")
V6 = ("--ip_version=ipv6 --mtu=1520 --local_ip=fd3d:0a0b:17d6::1 "
      "--gateway_ip=fd3d:0a0b:17d6:8888::1 --remote_ip=fd3d:fa7b:d17d::1 "
      "-D TFO_COOKIE=c1d1e9742a47a9bc -D CMSG_LEVEL_IP=SOL_IPV6 "
      "-D CMSG_TYPE_RECVERR=IPV6_RECVERR")
MAPPED = ("--ip_version=ipv4-mapped-ipv6 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1 "
          "--netmask_ip=255.255.0.0 --remote_ip=192.0.2.1 -D TFO_COOKIE=3021b9d889017eeb "
          "-D CODE=host_unreachable -D CMSG_LEVEL_IP=SOL_IPV6 "
          "-D CMSG_TYPE_RECVERR=IPV6_RECVERR")


def run(cmd, cwd=None, timeout=None):
    """Run cmd; return (status, wall s, CPU s of it and its reaped children)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = t0 + timeout if timeout else None
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.002)
    wall = time.monotonic() - t0
    p.returncode = 0    # reaped here
    return os.waitstatus_to_exitcode(status), wall, ru.ru_utime + ru.ru_stime


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def part_defaults(args):
    tmp = tempfile.mkdtemp(prefix="bench-commands.")
    os.symlink(os.path.join(args.corpus, "common"), os.path.join(tmp, "common"))
    os.mkdir(os.path.join(tmp, "x"))
    script = os.path.join(tmp, "x", "defaults-only.pkt")
    with open(script, "w") as f:
        f.write("0 `../common/defaults.sh`\n"
                "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                "+0 close(3) = 0\n")
    # The floor: the same script without its command.
    bare = os.path.join(tmp, "x", "no-command.pkt")
    with open(bare, "w") as f:
        f.write("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n")
    res = {"after": [], "before": [], "none": []}
    order = ("after", "before", "none")
    la = [loadavg()]
    for i in range(args.runs):
        for name in order[i % 3:] + order[:i % 3]:
            flags = ["--no_direct_commands"] if name == "before" else []
            st, wall, cpu = run([args.tcpconform] + flags + [bare if name == "none" else script])
            if st != 0:
                print(f"# {name}: run {i} exited {st}", file=sys.stderr)
            res[name].append((wall, cpu))
    la.append(loadavg())
    print(f"\n**A script whose only command is defaults.sh** ({args.runs} runs each, "
          f"in turn; load average {la[0]} before, {la[1]} after)\n")
    print("| figure | before (/bin/sh) | after (direct) | after / before | no command at all |")
    print("| --- | --- | --- | --- | --- |")
    for label, k, q in (("wall median", 0, 0.5), ("wall p90", 0, 0.9),
                        ("CPU median", 1, 0.5), ("CPU p90", 1, 0.9)):
        b, a, n = (pct([r[k] for r in res[x]], q) * 1000 for x in ("before", "after", "none"))
        print(f"| {label} | {b:.1f} ms | {a:.1f} ms | {a / b:.2f} | {n:.1f} ms |")
    subprocess.run(["rm", "-rf", tmp])


def slice_run(args, dirs, direct):
    fd, js = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    flags = [] if direct or args.baseline else ["--no_direct_commands"]
    if args.jobs:
        flags += ["--jobs", str(args.jobs)]
    binary = args.baseline if args.baseline and not direct else args.tcpconform
    st, wall, cpu = run([binary, "--variants", "--json", js] + flags + dirs)
    with open(js) as f:
        report = json.load(f)
    os.unlink(js)
    outcomes = {(r["script"], r["ip_version"]): r["outcome"] for r in report["results"]}
    return wall, cpu, outcomes


def part_slice(args, dirs):
    rows = {"after": [], "before": []}
    la = [loadavg()]
    for i in range(args.rounds):
        for name in (("after", "before") if i % 2 == 0 else ("before", "after")):
            rows[name].append(slice_run(args, dirs, name == "after"))
    la.append(loadavg())
    runs = sum(1 for o in rows["after"][0][2].values() if o != "skip")
    print(f"\n**`tcpconform --variants` on {', '.join(os.path.basename(d) for d in dirs)}** "
          f"({runs} runs; {args.rounds} round(s), alternating; load average {la[0]} "
          f"before, {la[1]} after)\n")
    print("| round | before wall | before CPU | before pass | after wall | after CPU | after pass |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for i in range(args.rounds):
        b, a = rows["before"][i], rows["after"][i]
        bp = sum(1 for o in b[2].values() if o == "pass")
        ap = sum(1 for o in a[2].values() if o == "pass")
        print(f"| {i + 1} | {b[0]:.1f} s | {b[1]:.1f} s | {bp} | {a[0]:.1f} s | "
              f"{a[1]:.1f} s | {ap} |")
    for i in range(args.rounds):
        b, a = rows["before"][i][2], rows["after"][i][2]
        for k in sorted(b):
            if b[k] != a.get(k):
                print(f"- round {i + 1}: {k[0]} [{k[1]}]: before {b[k]}, after {a.get(k)}")
    return rows


def variants(dirs):
    for d in dirs:
        for dirpath, _, files in os.walk(d):
            for fn in sorted(files):
                if not fn.endswith(".pkt"):
                    continue
                path = os.path.join(dirpath, fn)
                if not fn.endswith("v6.pkt"):
                    yield path, "ipv4", V4
                    yield path, "ipv4-mapped-ipv6", MAPPED
                if not fn.endswith("v4.pkt"):
                    yield path, "ipv6", V6


def part_packetdrill(args, dirs):
    la = [loadavg()]
    t0 = time.monotonic()
    n = passed = 0
    for path, _, flags in variants(dirs):
        cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up; exec "$0" "$@"',
               args.packetdrill, "--send_omit_free"] + flags.split() + [os.path.basename(path)]
        st, _, _ = run(cmd, cwd=os.path.dirname(path), timeout=60)
        n += 1
        passed += st == 0
    wall = time.monotonic() - t0
    la.append(loadavg())
    print(f"\n**packetdrill serially** on the same {n} variants (run_all.py's "
          f"arguments, `unshare -n`; load average {la[0]} before, {la[1]} after): "
          f"{wall:.1f} s, {passed} pass")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tcpconform", default="./tcpconform")
    ap.add_argument("--corpus", default="/tmp/pd-src/gtests/net")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--packetdrill")
    ap.add_argument("--baseline", help="slice: the binary for before (default: "
                    "--tcpconform with --no_direct_commands)")
    ap.add_argument("--jobs", type=int, help="slice: --jobs (default: the binary's)")
    ap.add_argument("--only", default="defaults,slice,packetdrill")
    ap.add_argument("dirs", nargs="*")
    args = ap.parse_args()
    args.tcpconform = os.path.abspath(args.tcpconform)
    if args.baseline:
        args.baseline = os.path.abspath(args.baseline)
    dirs = args.dirs or [os.path.join(args.corpus, "tcp", d) for d in
                         ("slow_start", "zerocopy", "shutdown", "epoll", "blocking")]
    dirs = [os.path.abspath(d) for d in dirs]
    parts = args.only.split(",")
    if "defaults" in parts:
        part_defaults(args)
    if "slice" in parts:
        part_slice(args, dirs)
    if "packetdrill" in parts and args.packetdrill:
        part_packetdrill(args, dirs)


if __name__ == "__main__":
    main()
