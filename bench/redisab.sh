#!/usr/bin/env bash
# Before-and-after of a change on the Redis protocol's path: two builds of RatMemCache, started in
# turn (before, after, before, after, ...) and never at once, each warmed up with one run of the
# tests and then measured with one more: redis-benchmark's requests per second and the server's
# CPU per request (user + system of the whole process over the measured run, /proc/PID/stat).
#
# Usage: bench/redisab.sh BEFORE_CHECKOUT [AFTER_CHECKOUT] [tests] [pipeline] [rounds] [requests]
#   e.g. git worktree add ../before HEAD~1 && (cd ../before && ./mvnw -q package -DskipTests)
#        bench/redisab.sh ../before . incr,mset 16 3 1000000
#   Defaults: incr,mset, no pipelining (1), 3 rounds, 200,000 requests per test; 50 connections,
#   100,000 random keys, 100-byte values, as bench/redis.sh. RAT_OPTS adds settings to both builds
#   (e.g. RAT_OPTS=-Dratmemcache.l2.enabled=false), BEFORE_OPTS and AFTER_OPTS to one of them (so
#   that one build can be measured against itself under two settings: bench/redisab.sh . . with
#   AFTER_OPTS=-Dratmemcache.server.io-threads=1). Prints every run and, per test, the medians.
# Needs: redis-benchmark (apt-get install redis-tools), a JDK 25 as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(cd "$1" && pwd)
after=$(cd "${2:-.}" && pwd)
tests=${3:-incr,mset}
pipeline=${4:-1}
rounds=${5:-3}
requests=${6:-200000}
source bench/common.sh
need redis-benchmark redis-tools
ticks_per_second=$(getconf CLK_TCK)

bench() { # port -> "TEST rps" lines
  redis-benchmark -p "$1" -t "$tests" -n "$requests" -c 50 -r 100000 -d 100 -P "$pipeline" -q 2>>"$work/bench.err" \
    | tr '\r' '\n' | sed -n 's/^ *\([A-Z_]*\)[^:]*: \([0-9.]*\) requests per second.*/\1 \2/p'
}

measure() { # build-dir label: one fresh server, a warm-up, then "label TEST rps µs-CPU-per-request" per test
  local dir=$1 label=$2 port resp_port pid
  port=$(free_port)
  resp_port=$(free_port)
  local side_opts=${label^^}_OPTS
  read -r -a rat_opts <<< "${RAT_OPTS:-} ${!side_opts:-}"
  (cd "$dir" && RAT_ARGS="-m 256 --resp-port $resp_port" start_ratmemcache "$port" "$label" "${rat_opts[@]}"; wait) \
    > "$work/$label.log" 2>&1 &
  local shell=$!
  for _ in 1 2 3; do wait_port "$resp_port" && break; done # a build's first start also writes its CDS archive
  pid=$(pgrep -f "ratmemcache.server.port=$port" | head -1)
  pids+=("$pid")
  bench "$resp_port" > /dev/null
  # one test at a time, so that each one's CPU is its own
  local saved=$tests
  for test in ${saved//,/ }; do
    tests=$test
    local t0 t1 line
    t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    line=$(bench "$resp_port")
    t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    awk -v label="$label" -v line="$line" -v n="$requests" -v t="$((t1 - t0))" -v hz="$ticks_per_second" \
      'BEGIN {split(line, f, " "); printf "%s %s %.0f %.2f\n", label, f[1], f[2], t / hz * 1e6 / n}'
  done
  tests=$saved
  kill "$pid"
  wait "$shell" 2>/dev/null || true
}

echo "redis-benchmark -t $tests -n $requests -c 50 -r 100000 -d 100 -P $pipeline; RAT_OPTS=${RAT_OPTS:-} BEFORE_OPTS=${BEFORE_OPTS:-} AFTER_OPTS=${AFTER_OPTS:-}"
for r in $(seq 1 "$rounds"); do
  for side in before after; do
    measure "${!side}" "$side" > "$work/last" # not in a pipeline: the server's pid stays known to the exit trap
    tee -a "$work/runs" < "$work/last"
  done
done
echo
printf '%-8s %-6s %14s %16s\n' test build "requests/s" "µs CPU/request"
for test in $(awk '{print $2}' "$work/runs" | sort -u); do
  for label in before after; do
    rps=$(awk -v l="$label" -v t="$test" '$1 == l && $2 == t {print $3}' "$work/runs" | median)
    cpu=$(awk -v l="$label" -v t="$test" '$1 == l && $2 == t {print int($4 * 100)}' "$work/runs" | median)
    printf '%-8s %-6s %14s %16.2f\n' "$test" "$label" "$rps" "$(awk -v c="$cpu" 'BEGIN {print c / 100}')"
  done
done
