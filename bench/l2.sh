#!/usr/bin/env bash
# The persistent tier's cost: RatMemCache with L2 off, with write-back and with write-through,
# plus write-back with a working set ten times L1, and Debian's memcached for reference. Each
# workload runs on every server in turn, round after round, after a warm-up, never two at once.
#
# Usage: bench/l2.sh [rounds] [seconds-per-run]      (defaults: 3 rounds of 20 s)
# Workloads (memcaslap -T 1 -c 32, 64-byte keys, 1 KiB values):
#   sets: 100% set;   mix: 90% get, 10% set (memcaslap's default).
# The working set is memcaslap's window: 32 connections x 10,000 items of ~1.1 KiB, about 350 MB,
# so with ratmemcache.l1.max-memory=32m it is about ten times L1.
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
seconds=${2:-20}
source bench/common.sh
need memcaslap libmemcached-tools
printf 'key\n64 64 1\nvalue\n1024 1024 1\ncmd\n0 1\n' > "$work/sets.cfg"
printf 'key\n64 64 1\nvalue\n1024 1024 1\ncmd\n0 0.1\n1 0.9\n' > "$work/mix.cfg"

names=(memcached l2-off write-back write-through write-back-10x)
declare -A port
for name in "${names[@]}"; do port[$name]=$(free_port); done
start_memcached "${port[memcached]}"
start_ratmemcache "${port[l2-off]}" l2-off -Dratmemcache.l2.enabled=false
start_ratmemcache "${port[write-back]}" write-back -Dratmemcache.l2.write-policy=write-back
start_ratmemcache "${port[write-through]}" write-through -Dratmemcache.l2.write-policy=write-through
start_ratmemcache "${port[write-back-10x]}" write-back-10x -Dratmemcache.l2.write-policy=write-back \
  -Dratmemcache.l1.max-memory=32m
for name in "${names[@]}"; do wait_port "${port[$name]}"; done

run() { # name workload seconds -> ops/s
  memcaslap -s "127.0.0.1:${port[$1]}" -T 1 -c 32 -t "${3}s" -F "$work/$2.cfg" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1
}

echo "memcaslap -T 1 -c 32, $rounds rounds of ${seconds}s; $(versions)"
for workload in sets mix; do
  for name in "${names[@]}"; do run "$name" "$workload" 10 >/dev/null; done # warm-up, and fills the window
  declare -A results=()
  for r in $(seq 1 "$rounds"); do
    line="$workload round $r:"
    for name in "${names[@]}"; do
      ops=$(run "$name" "$workload" "$seconds")
      results[$name]+="$ops "
      line+=" $name $ops"
    done
    echo "$line"
  done
  base=$(printf '%s\n' ${results[l2-off]} | median)
  for name in "${names[@]}"; do
    m=$(printf '%s\n' ${results[$name]} | median)
    echo "$workload median: $name $m ops/s ($(awk "BEGIN {printf \"%.2f\", $m / $base}") x l2-off)"
  done
done
