#!/usr/bin/env bash
# System calls and context switches per request, memcached and RatMemCache under the same
# workload, counted by the kernel (perf stat's syscall tracepoints: no slowdown, unlike strace).
# Each server: a warm-up, then perf stat counts for 5 s in the middle of a 12 s run.
#
# Usage: bench/perfstat.sh [workload]   (default get90; the workloads of bench/common.sh)
#   RAT_OPTS adds RatMemCache settings (-Dratmemcache.l2.enabled=false for memory only).
# Needs: perf (apt-get install linux-perf), memcached, memcaslap, a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools
need perf linux-perf
workload "${1:-get90}"
events=raw_syscalls:sys_enter,context-switches
for call in epoll_wait read recvfrom write sendto sendmsg writev futex epoll_ctl; do
  events+=",syscalls:sys_enter_$call"
done

count() { # name pid port
  local name=$1 pid=$2 port=$3 loader ops
  memcaslap -s "127.0.0.1:$port" -t 8s "${load[@]}" > /dev/null 2>&1
  memcaslap -s "127.0.0.1:$port" -t 12s "${load[@]}" > "$work/load-$name.txt" 2>&1 &
  loader=$!
  sleep 3
  perf stat -x, -e "$events" -p "$pid" sleep 5 2> "$work/perf-$name.txt"
  wait "$loader"
  ops=$(sed -n 's/.*TPS: \([0-9]*\).*/\1/p' "$work/load-$name.txt" | tail -1)
  echo "$name: $ops ops/s; per request:"
  awk -F, -v n="$((ops * 5))" '$1 ~ /^[0-9]+$/ && $1 > 0 {printf "  %-36s %.3f\n", $3, $1 / n}' "$work/perf-$name.txt"
}

echo "${1:-get90}: memcaslap ${load[*]//$work\//}; -m $megabytes; $(versions); RAT_OPTS=${RAT_OPTS:-}"
port=$(free_port)
start_memcached "$port" -t 2 -m "$megabytes"
wait_port "$port"
count memcached "${pids[-1]}" "$port"
stop_servers
read -r -a rat_opts <<< "${RAT_OPTS:-}"
port=$(free_port)
RAT_ARGS="-m $megabytes" start_ratmemcache "$port" perfstat "${rat_opts[@]}"
wait_port "$port"
count ratmemcache "${pids[-1]}" "$port"
stop_servers
