#!/usr/bin/env python3
"""How late the kernel's delayed-ACK timer fires next to tcpconform (with
and without SCHED_FIFO) and, given a packetdrill binary, next to packetdrill,
runs alternating, on the same script.

    bench/delack-timing.py [--runs N] [--packetdrill PATH] [--tcpconform PATH]

The script (written to a temporary file) makes 25 data segments arrive 50 ms
apart with TCP_QUICKACK off, so each is acknowledged by the delayed-ACK
timer; the delay is the time from the injected segment to the kernel's ACK
as each tool prints it (-v).  Prints, per tool, the median, p99, max and a
histogram in whole milliseconds.  packetdrill runs as its docs say:
unshare -n sh -c 'ip link set lo up; exec packetdrill -v X.pkt'.  Nothing
is asserted: this measures.
"""
import argparse, collections, os, re, statistics, subprocess, tempfile


def script():
    lines = ["0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
             "+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
             "+0    bind(3, ..., ...) = 0",
             "+0    listen(3, 1) = 0",
             "+0    < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>",
             "+0    > S. 0:0(0) ack 1 <...>",
             "+.01  < . 1:1(0) ack 1 win 65535",
             "+0    accept(3, ..., ...) = 4"]
    x = 1
    for _ in range(25):
        lines += ["+.05  setsockopt(4, IPPROTO_TCP, TCP_QUICKACK, [0], 4) = 0",
                  "+0    < P. %d:%d(100) ack 1 win 65535" % (x, x + 100),
                  "+0~+.5 > . 1:1(0) ack %d" % (x + 100),
                  "+0    read(4, ..., 1000) = 100"]
        x += 100
    return "\n".join(lines) + "\n"


def delays(text, inbound, outbound):
    last, out = None, []
    for line in text.splitlines():
        m = re.match(r"(.*?)\s*(\d+\.\d+) (P\.|\.) ", line)
        if not m:
            continue
        t = float(m.group(2))
        if inbound(m.group(1)) and m.group(3) == "P.":
            last = t
        elif outbound(m.group(1)) and last is not None:
            out.append((t - last) * 1000)
            last = None
    return out


def run_tc(binary, path, rt):
    p = subprocess.run([binary, "-v", "--realtime=%d" % rt, path],
                       capture_output=True, text=True)
    text = p.stdout + p.stderr
    # tcpconform -v: "0.020697 < P. 1:101(100) ..." / "0.063805 > . ..."
    text = re.sub(r"^(\d+\.\d+) ([<>]) ", r"\2 \1 ", text, flags=re.M)
    return delays(text, lambda w: w == "<", lambda w: w == ">")


def run_pd(binary, path):
    p = subprocess.run(["unshare", "-n", "sh", "-c",
                        "ip link set lo up; exec %s -v %s" % (binary, path)],
                       capture_output=True, text=True)
    return delays(p.stdout + p.stderr,
                  lambda w: w.startswith("inbound injected"),
                  lambda w: w.startswith("outbound sniffed"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--tcpconform", default="./tcpconform")
    ap.add_argument("--packetdrill")
    a = ap.parse_args()
    fd, path = tempfile.mkstemp(suffix=".pkt")
    os.write(fd, script().encode())
    os.close(fd)
    res = collections.OrderedDict([("tcpconform (SCHED_FIFO 10)", []),
                                   ("tcpconform (--realtime=0)", [])])
    if a.packetdrill:
        res["packetdrill"] = []
    try:
        for _ in range(a.runs):
            res["tcpconform (SCHED_FIFO 10)"] += run_tc(a.tcpconform, path, 10)
            res["tcpconform (--realtime=0)"] += run_tc(a.tcpconform, path, 0)
            if a.packetdrill:
                res["packetdrill"] += run_pd(a.packetdrill, path)
    finally:
        os.unlink(path)
    for name, d in res.items():
        if not d:
            print("%s: no data" % name)
            continue
        d.sort()
        print("%s: n=%d median %.2f ms, p99 %.2f, max %.2f; one jiffy or more late (> 45 ms): %d (%.1f %%)"
              % (name, len(d), statistics.median(d), d[max(0, int(len(d) * .99) - 1)],
                 d[-1], sum(x > 45 for x in d), 100.0 * sum(x > 45 for x in d) / len(d)))
        print("  ms: " + ", ".join("%d: %d" % kv for kv in
                                   sorted(collections.Counter(round(x) for x in d).items())))


if __name__ == "__main__":
    main()
