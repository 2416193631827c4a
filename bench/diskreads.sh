#!/usr/bin/env bash
# How many of the disk tier's writes still read the record they replace first, per workload: a
# fresh RatMemCache as shipped (L2 write-back) runs each of bench/workloads.sh's workloads for the
# given seconds, then its stats give l2_records_written and l2_records_read_before_write.
#
# Usage: bench/diskreads.sh [seconds] [workload ...]   (defaults: 20 set get90 tenx)
# Needs: memcaslap (apt-get install libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools
seconds=${1:-20}
shift $(( $# > 0 ? 1 : 0 ))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(set get90 tenx)
read -r -a rat_opts <<< "${RAT_OPTS:-}"
for name in "${workloads[@]}"; do
  workload "$name"
  port=$(free_port)
  RAT_ARGS="-m $megabytes" start_ratmemcache "$port" "reads-$name" "${rat_opts[@]}"
  wait_port "$port"
  memcaslap -s "127.0.0.1:$port" -t "${seconds}s" "${load[@]}" > /dev/null 2>&1
  sleep 1 # the write-back lag: the last changes reach the disk
  written=$(stat_of "$port" l2_records_written)
  read=$(stat_of "$port" l2_records_read_before_write)
  awk -v n="$name" -v w="$written" -v r="$read" \
    'BEGIN {printf "%s: %d records written, %d read first (%.1f %%)\n", n, w, r, w ? 100 * r / w : 0}'
  stop_servers
done
