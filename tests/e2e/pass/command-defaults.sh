#!/bin/bash
# The forms google's corpus uses in its common defaults file (written here
# for tcpconform's tests, not copied): settings quoted and computed, two in
# one line, output sent away, a metrics flush, a key this kernel does not
# have (its own sysctl runs and fails, which the file's status ignores) and
# the root qdisc last.  command-defaults.pkt checks each with the shell.

# Forget cached metrics.
ip tcp_metrics flush all > /dev/null 2>&1

sysctl -q net.ipv4.tcp_rmem="4096 131072 $((6*1024*1024))"
sysctl -q net.ipv4.tcp_wmem="4096 $((64*1024)) 4194304"
sysctl -q net.ipv4.tcp_sack=1 net.ipv4.tcp_dsack=0
sysctl -q net.ipv4.tcp_congestion_control=reno
sysctl -q net.ipv4.tcp_no_such_setting=1 > /dev/null 2>&1
sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1
sysctl -q net.ipv4.tcp_fastopen=0x70403
sysctl -q net.ipv4.tcp_fastopen_key=01234567-89abcdef-01234567-89abcdef

# The queueing discipline on the kernel's end of the wire.
tc qdisc add dev tun0 root pfifo
