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
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
command -v memcached >/dev/null || { echo "memcached is missing: apt-get install memcached" >&2; exit 1; }
command -v memcaslap >/dev/null || { echo "memcaslap is missing: apt-get install libmemcached-tools" >&2; exit 1; }
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
printf 'key\n64 64 1\nvalue\n1024 1024 1\ncmd\n0 1\n' > "$work/sets.cfg"
printf 'key\n64 64 1\nvalue\n1024 1024 1\ncmd\n0 0.1\n1 0.9\n' > "$work/mix.cfg"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

names=(memcached l2-off write-back write-through write-back-10x)
declare -A port
port[memcached]=$(free_port)
memcached -U 0 -l 127.0.0.1 -p "${port[memcached]}" -m 64 -u memcache &
pids+=($!)
start_rat() { # name settings...
  local name=$1; shift
  port[$name]=$(free_port)
  "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -Dratmemcache.server.bind=127.0.0.1 -Dratmemcache.server.port="${port[$name]}" \
    -Dquarkus.http.port=0 -Dquarkus.log.level=WARN -Dratmemcache.l2.data-dir="$work/$name" "$@" \
    -jar target/quarkus-app/quarkus-run.jar &
  pids+=($!)
}
start_rat l2-off -Dratmemcache.l2.enabled=false
start_rat write-back -Dratmemcache.l2.write-policy=write-back
start_rat write-through -Dratmemcache.l2.write-policy=write-through
start_rat write-back-10x -Dratmemcache.l2.write-policy=write-back -Dratmemcache.l1.max-memory=32m
for name in "${names[@]}"; do wait_port "${port[$name]}"; done

run() { # name workload seconds -> ops/s
  memcaslap -s "127.0.0.1:${port[$1]}" -T 1 -c 32 -t "${3}s" -F "$work/$2.cfg" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

echo "memcaslap -T 1 -c 32, $rounds rounds of ${seconds}s; $(memcached -V); $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
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
