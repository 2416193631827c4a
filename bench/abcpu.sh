#!/usr/bin/env bash
# Before-and-after of one workload for a change on a hot path: two builds of RatMemCache, started
# in turn (before, after, before, after, ...) and never at once, each warmed up and then measured
# for one run: ops/s, server CPU per request, and CPU per request of each group of threads (the
# event loops, the L2 writer with its readers and compactor, RocksDB's own threads, the rest), from /proc/PID/task/*/stat.
#
# Usage: bench/abcpu.sh BEFORE_CHECKOUT [AFTER_CHECKOUT] [workload] [rounds] [seconds]
#   e.g. git worktree add ../before HEAD~1 && (cd ../before && ./mvnw -q package -DskipTests)
#        bench/abcpu.sh ../before . set 3 20
#   Workloads are bench/workloads.sh's (bench/common.sh defines them); defaults: set, 3 rounds of
#   20 s after a 15 s warm-up. RAT_OPTS adds settings to both builds, e.g.
#   RAT_OPTS=-Dratmemcache.l2.write-policy=write-through; BEFORE_OPTS and AFTER_OPTS add settings to
#   one side, so that one build compares two settings: AFTER_OPTS=-Dratmemcache.l1.eviction=hybrid
#   bench/abcpu.sh . . get90. Prints every run and the medians.
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(cd "$1" && pwd)
after=$(cd "${2:-.}" && pwd)
name=${3:-set}
rounds=${4:-3}
seconds=${5:-20}
warm=${WARM:-15}
source bench/common.sh
need memcaslap libmemcached-tools
workload "$name"
ticks_per_second=$(getconf CLK_TCK)

# thread_ticks PID: "group ticks" for every thread group; a thread's name is field 2 of its stat
thread_ticks() {
  for stat in /proc/"$1"/task/*/stat; do
    awk '{match($0, /\(.*\)/); comm = substr($0, RSTART + 1, RLENGTH - 2); rest = substr($0, RSTART + RLENGTH + 1);
          split(rest, f, " "); print comm, f[12] + f[13]}' "$stat" 2>/dev/null
  done | awk '{comm = $1; t = $NF
               group = comm ~ /^memcached-io/ ? "event-loops" : comm ~ /^ratmemcache-l2/ ? "l2" : comm ~ /^rocksdb/ ? "rocksdb" : "other"
               sum[group] += t} END {for (g in sum) print g, sum[g]}'
}

measure() { # build-dir label side-options
  local dir=$1 label=$2 port pid ops
  port=$(free_port)
  read -r -a rat_opts <<< "${RAT_OPTS:-} ${3:-}"
  (cd "$dir" && RAT_ARGS="-m $megabytes" start_ratmemcache "$port" "$label" "${rat_opts[@]}"; wait) &
  local shell=$!
  wait_port "$port"
  pid=$(pgrep -f "ratmemcache.server.port=$port" | head -1)
  memcaslap -s "127.0.0.1:$port" -t "${warm}s" "${load[@]}" > /dev/null 2>&1
  thread_ticks "$pid" > "$work/before-ticks"
  ops=$(memcaslap -s "127.0.0.1:$port" -t "${seconds}s" "${load[@]}" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1)
  thread_ticks "$pid" > "$work/after-ticks"
  kill "$pid"
  wait "$shell" 2>/dev/null || true
  awk -v label="$label" -v ops="$ops" -v n="$((ops * seconds))" -v hz="$ticks_per_second" '
    NR == FNR {t0[$1] = $2; next} {d[$1] = $2 - t0[$1]; total += d[$1]}
    END {printf "%s: %d ops/s, server CPU %.2f us per request:", label, ops, total / hz * 1e6 / n
         split("event-loops l2 rocksdb other", g, " ")
         for (i = 1; i <= 4; i++) printf " %s %.2f", g[i], d[g[i]] / hz * 1e6 / n; print ""}' \
    "$work/before-ticks" "$work/after-ticks"
}

echo "$name: memcaslap ${load[*]//$work\//}; -m $megabytes; $(versions); RAT_OPTS=${RAT_OPTS:-} BEFORE_OPTS=${BEFORE_OPTS:-} AFTER_OPTS=${AFTER_OPTS:-}"
echo "before: $before ($(git -C "$before" rev-parse --short HEAD)), after: $after ($(git -C "$after" rev-parse --short HEAD))"
for r in $(seq 1 "$rounds"); do
  measure "$before" before "${BEFORE_OPTS:-}" | tee -a "$work/runs"
  measure "$after" after "${AFTER_OPTS:-}" | tee -a "$work/runs"
done
for label in before after; do
  ops=$(awk -v l="$label:" '$1 == l {print $2}' "$work/runs" | median)
  cpu=$(awk -v l="$label:" '$1 == l {print $6}' "$work/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
  echo "median $label: $ops ops/s, server CPU $cpu us per request"
done
