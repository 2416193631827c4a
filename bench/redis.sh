#!/usr/bin/env bash
# Redis's protocol against Debian's redis-server 7.0.15, as issue 24 measures it:
# redis-benchmark -t ping,set,get,incr,mset with 50 connections, 100-byte values and random keys
# (-r 100000), without and with -P 16, each server started fresh, then ROUNDS rounds of
# redis-server A, RatMemCache B, alternating, after a warm-up of each. Prints every run's requests
# per second, and per test the median of each server and the median and range of the pairs'
# ratios (RatMemCache / redis-server).
#
# RatMemCache as shipped (the launcher, -m 256, the log store, write-back) unless RAT_OPTS says
# otherwise (e.g. RAT_OPTS=-Dratmemcache.l2.enabled=false); redis-server without persistence unless
# REDIS_OPTS says otherwise (e.g. REDIS_OPTS="--appendonly yes --appendfsync everysec", which like
# write-back keeps every change on disk within about a second).
#
# Usage: bench/redis.sh [rounds] [requests-per-test]   (defaults: 5 200000)
# Needs: redis-server, redis-benchmark (apt-get install redis-server redis-tools), a JDK 25 as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need redis-server redis-server
need redis-benchmark redis-tools

rounds=${1:-5}
requests=${2:-200000}
tests=(PING_INLINE PING_MBULK SET GET INCR MSET)

redis_port=$(free_port)
rat_port=$(free_port)
mc_port=$(free_port)
if [ -n "${REDIS_OPTS:-}" ]; then
  read -r -a redis_opts <<< "$REDIS_OPTS"
else
  redis_opts=(--save "" --appendonly no)
fi
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" "${redis_opts[@]}" --daemonize no --logfile "" >/dev/null &
pids+=($!)
read -r -a rat_opts <<< "${RAT_OPTS:-}"
RAT_ARGS="-m 256 --resp-port $rat_port ${RAT_ARGS:-}" start_ratmemcache "$mc_port" ratmemcache "${rat_opts[@]}"
wait_port "$redis_port"
wait_port "$rat_port"

bench() { # port pipeline -> "TEST rps" lines
  redis-benchmark -p "$1" -t ping,set,get,incr,mset -n "$requests" -c 50 -r 100000 -d 100 -P "$2" -q 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/^ *\([A-Z_]*\)[^:]*: \([0-9.]*\) requests per second.*/\1 \2/p'
}

for pipeline in 1 16; do
  echo "== -P $pipeline"
  bench "$redis_port" "$pipeline" >/dev/null
  bench "$rat_port" "$pipeline" >/dev/null
  for r in $(seq 1 "$rounds"); do
    bench "$redis_port" "$pipeline" | sed "s/^/redis $r /" >> "$work/runs-$pipeline"
    bench "$rat_port" "$pipeline" | sed "s/^/rat $r /" >> "$work/runs-$pipeline"
  done
  printf '%-12s %12s %12s %8s %16s\n' test redis-server ratmemcache ratio "pairs (min-max)"
  for t in "${tests[@]}"; do
    redis=$(awk -v t="$t" '$1 == "redis" && $3 == t {print $4}' "$work/runs-$pipeline" | median)
    rat=$(awk -v t="$t" '$1 == "rat" && $3 == t {print $4}' "$work/runs-$pipeline" | median)
    ratios=$(awk -v t="$t" '$3 == t {v[$1, $2] = $4} END {for (r = 1; r <= '"$rounds"'; r++) printf "%.2f\n", v["rat", r] / v["redis", r]}' \
      "$work/runs-$pipeline" | sort -n)
    printf '%-12s %12s %12s %8s %16s\n' "$t" "$redis" "$rat" "$(echo "$ratios" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
      "$(echo "$ratios" | head -1)-$(echo "$ratios" | tail -1)"
  done
done
