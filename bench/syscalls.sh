#!/usr/bin/env bash
# System calls RatMemCache makes under memcaslap: a warm-up, then strace counts the calls of
# every thread for a while (strace slows the server down: compare builds, not absolute ops/s).
#
# Usage: bench/syscalls.sh [warm-up-seconds] [traced-seconds] [syscalls]
#   defaults: 12 s, 10 s, epoll_ctl,futex,write; memcaslap -T 1 -c 32 runs throughout.
# Needs: strace, memcaslap (apt-get install strace libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools
need strace strace
warm=${1:-12}
traced=${2:-10}
calls=${3:-epoll_ctl,futex,write}
port=$(free_port)
start_ratmemcache "$port" syscalls
server=${pids[-1]}
wait_port "$port"
memcaslap -s "127.0.0.1:$port" -t "$((warm + traced + 3))s" -T 1 -c 32 > "$work/load.txt" 2>&1 &
load=$!
sleep "$warm"
timeout "$traced" strace -f -c -e trace="$calls" -p "$server" 2> "$work/strace.txt" || true
wait "$load"
echo "memcaslap: $(sed -n 's/.*TPS: \([0-9]*\).*/\1/p' "$work/load.txt" | tail -1) ops/s over the whole run"
grep -E "calls|$(echo "$calls" | tr ',' '|')" "$work/strace.txt"
