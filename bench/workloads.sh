#!/usr/bin/env bash
# The workloads RatMemCache is measured on against Debian's memcached (issue 9's table), each on
# fresh servers, memcached and RatMemCache one after the other, A B A B after a warm-up of each.
# memcaslap -T 2 -c 50 with 16-byte keys throughout:
#   get90     90% get, 10% set, 100 B values, 2k keys per connection        memcached -t 2 -m 1024
#   set       100% set, 1 KiB values, 90% overwrite                         memcached -t 2 -m 1024
#   mget      get of 50 keys (and 10% set), 100 B values                    memcached -t 2 -m 1024
#   mget100   get of 100 keys, 100 B values                                 memcached -t 2 -m 1024
#   big       90% get, 10% set, 100 KiB values, 4 connections of 1k keys      memcached -t 2 -m 1024
#   conns1000 get90 over 1,000 connections, 1k keys each                     memcached -t 2 -m 1024
#   tenx      90% get, 10% set, 1 KiB values, 12k keys per connection: a working set of about
#             660 MB, ten times a 64 MB L1 (RatMemCache with L2 on; memcached -m 64 misses instead)
# RatMemCache gets the same -m as memcached; RAT_OPTS adds its settings (-Dratmemcache.l2.enabled=false
# for memory only, -Dratmemcache.l2.write-policy=write-through), RAT_JVM adds JVM options after the launcher's.
#
# Usage: bench/workloads.sh [rounds] [seconds-per-run] [workload ...]   (defaults: 5 20 get90 set mget)
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # conns1000 opens 1,000 sockets on each side

rounds=${1:-5}
seconds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(get90 set mget)

run() { # port seconds -> ops/s; also notes the run's get hits per second in $work/hits
  local hits ops
  hits=$(stat_of "$1" get_hits)
  ops=$(memcaslap -s "127.0.0.1:$1" -t "${2}s" "${load[@]}" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1)
  echo "$1 $(( ($(stat_of "$1" get_hits) - hits) / $2 ))" >> "$work/hits"
  echo "$ops"
}

# hits: each server's median get hits per second over the last compare's runs (both its ports)
hits() {
  local port
  for port in "$@"; do
    awk -v p="$port" '$1 == p {print $2}' "$work/hits" | tail -n +2 | median
  done
}

echo "$rounds rounds of ${seconds}s; $(versions); RAT_OPTS=${RAT_OPTS:-} RAT_JVM=${RAT_JVM:-}"
for workload in "${workloads[@]}"; do
  workload "$workload"
  echo "== $workload: memcaslap ${load[*]//$work\//}; -m $megabytes"
  : > "$work/hits"
  MC_ARGS="-t 2 -m $megabytes" RAT_ARGS="-m $megabytes ${RAT_ARGS:-}" compare "$rounds" "$seconds" run
  mc_port=$(awk 'NR == 1 {print $1}' "$work/hits") # the warm-ups come first, memcached's then RatMemCache's
  rat_port=$(awk 'NR == 2 {print $1}' "$work/hits")
  echo "get hits per second, medians (the warm-up left out): memcached $(hits "$mc_port"), ratmemcache $(hits "$rat_port")"
done
