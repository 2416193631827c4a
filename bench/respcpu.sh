#!/usr/bin/env bash
# Server CPU per request, Redis's protocol against memcached's, with the client held equal
# (bench/ProtocolLoad.java: 50 connections, one request outstanding on each, 100,000 keys of 12
# bytes, 100-byte values): GET (all hits) and SET on RatMemCache over each of its two ports, and on
# Debian's memcached and redis-server (no persistence) for reference. CPU is the server process's
# user + system time over the run (as bench/profile.sh measures it) over the requests completed.
# After a warm-up of each, ROUNDS rounds run every server and protocol in turn; prints every run,
# then per operation the medians and, for RatMemCache, the median and range of the pairs' ratio
# RESP / memcached of CPU per request (issue 24's target: at most 1/0.9 = 1.11).
#
# RatMemCache as shipped (the launcher, -m 256, the log store, write-back) unless RAT_OPTS says
# otherwise (e.g. RAT_OPTS=-Dratmemcache.l2.enabled=false).
#
# Usage: bench/respcpu.sh [rounds] [seconds]   (defaults: 3 15)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need redis-server redis-server

rounds=${1:-3}
seconds=${2:-15}
ticks_per_second=$(getconf CLK_TCK)

mc_port=$(free_port)
redis_port=$(free_port)
rat_port=$(free_port)
rat_resp_port=$(free_port)
start_memcached "$mc_port" -t 2 -m 256
mc_pid=${pids[-1]}
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --logfile "" >/dev/null &
pids+=($!)
redis_pid=${pids[-1]}
read -r -a rat_opts <<< "${RAT_OPTS:-}"
RAT_ARGS="-m 256 --resp-port $rat_resp_port ${RAT_ARGS:-}" start_ratmemcache "$rat_port" ratmemcache "${rat_opts[@]}"
rat_pid=${pids[-1]}
for port in "$mc_port" "$redis_port" "$rat_port" "$rat_resp_port"; do wait_port "$port"; done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name pid port protocol op seconds -> "name op requests µs-per-request"
  local before after requests
  before=$(ticks "$2")
  requests=$("$JAVA_HOME/bin/java" bench/ProtocolLoad.java "$3" "$4" "$5" "$6" | awk '{print $2}')
  after=$(ticks "$2")
  awk -v n="$1" -v op="$5" -v r="$requests" -v t="$((after - before))" -v hz="$ticks_per_second" \
    'BEGIN {printf "%s %s %d %.2f\n", n, op, r, t / hz * 1e6 / r}'
}

servers=("memcached $mc_pid $mc_port memcached" "redis-server $redis_pid $redis_port resp"
  "rat-memcached $rat_pid $rat_port memcached" "rat-resp $rat_pid $rat_resp_port resp")
echo "warming up"
for op in get set; do
  for server in "${servers[@]}"; do
    read -r name pid port protocol <<< "$server"
    run "$name" "$pid" "$port" "$protocol" "$op" 5 > /dev/null
  done
done
for r in $(seq 1 "$rounds"); do
  for op in get set; do
    for server in "${servers[@]}"; do
      read -r name pid port protocol <<< "$server"
      run "$name" "$pid" "$port" "$protocol" "$op" "$seconds" | sed "s/^/$r /" | tee -a "$work/runs"
    done
  done
done

echo
printf '%-4s %-14s %12s %14s\n' op server "requests/s" "µs CPU/request"
for op in get set; do
  for name in memcached redis-server rat-memcached rat-resp; do
    rate=$(awk -v n="$name" -v op="$op" -v s="$seconds" '$2 == n && $3 == op {print int($4 / s)}' "$work/runs" | median)
    cpu=$(awk -v n="$name" -v op="$op" '$2 == n && $3 == op {print $5 * 100}' "$work/runs" | median)
    printf '%-4s %-14s %12s %14.2f\n' "$op" "$name" "$rate" "$(echo "$cpu" | awk '{print $1 / 100}')"
  done
  ratios=$(awk -v op="$op" '$3 == op && ($2 == "rat-resp" || $2 == "rat-memcached") {v[$2, $1] = $5}
    END {for (r = 1; r <= '"$rounds"'; r++) printf "%.2f\n", v["rat-resp", r] / v["rat-memcached", r]}' "$work/runs" | sort -n)
  echo "$op: RatMemCache RESP / memcached protocol, CPU per request: median $(echo "$ratios" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'), pairs $(echo "$ratios" | head -1)-$(echo "$ratios" | tail -1)"
done
