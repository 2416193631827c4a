#!/usr/bin/env bash
# How long a restart takes with a full disk tier: RatMemCache as shipped at -m 1024 takes the set
# workload for the given seconds, stops (SIGTERM), then starts three times on the same data
# directory, each time after dropping the page cache and again with it warm, timed from launch to
# the port answering (the log store rebuilds its directory of the keys from the segments first).
#
# Usage: bench/restart.sh [seconds]   (default 30)
# Needs: memcaslap (apt-get install libmemcached-tools), a JDK 21+ as JAVA_HOME; root to drop the
# page cache (otherwise every start is warm).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools
need bc bc
workload set
port=$(free_port)
timed_start() { # label
  local t0 t1
  t0=$(date +%s.%N)
  RAT_ARGS="-m 1024" start_ratmemcache "$port" rat
  wait_port "$port"
  t1=$(date +%s.%N)
  echo "$1: $(echo "$t1 - $t0" | bc) s to serve, curr_items $(stat_of "$port" curr_items)"
  stop_servers
}
RAT_ARGS="-m 1024" start_ratmemcache "$port" rat
wait_port "$port"
memcaslap -s "127.0.0.1:$port" -t "${1:-30}s" "${load[@]}" 2>&1 | grep TPS | tail -1
echo "curr_items $(stat_of "$port" curr_items), l2_disk_usage $(stat_of "$port" l2_disk_usage)," \
  "l2_log_dead_bytes $(stat_of "$port" l2_log_dead_bytes), l2_directory_bytes $(stat_of "$port" l2_directory_bytes)"
stop_servers
for round in 1 2 3; do
  sync
  echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(cannot drop the page cache: not root)"
  timed_start "round $round, page cache dropped"
  timed_start "round $round, page cache warm"
done
