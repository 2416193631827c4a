#!/usr/bin/env bash
# Load benchmark: Debian's memcached and RatMemCache, driven by memcaslap (libmemcached-tools)
# one after the other on loopback, alternating A B A B after a warm-up of each, so that both see
# the same machine. Never both at once: on a small machine that ratio would be noise.
#
# Usage: bench/memcaslap.sh [rounds] [seconds-per-run] [memcaslap options...]
#   defaults: 3 rounds of 20 s, memcaslap -T 1 -c 32 (90% get, 10% set, its default key and
#   value sizes). Prints ops/s of every run, the median of each server, and the ratio.
# RAT_OPTS (an array in the environment, e.g. RAT_OPTS="-Dratmemcache.l2.enabled=false") adds
# settings to RatMemCache's command line; by default it runs as shipped, L2 write-back included,
# on a temporary data directory.
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as
# JAVA_HOME. Builds the packaged application first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
seconds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
load=("$@")
[ ${#load[@]} -gt 0 ] || load=(-T 1 -c 32)
read -r -a RAT_OPTS <<< "${RAT_OPTS:-}"

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
command -v memcached >/dev/null || { echo "memcached is missing: apt-get install memcached" >&2; exit 1; }
command -v memcaslap >/dev/null || { echo "memcaslap is missing: apt-get install libmemcached-tools" >&2; exit 1; }
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

mc_port=$(free_port)
rat_port=$(free_port)
data=$(mktemp -d)
memcached -U 0 -l 127.0.0.1 -p "$mc_port" -m 64 -u memcache &
mc_pid=$!
"$JAVA_HOME/bin/java" -Xms1g -Xmx1g -Dratmemcache.server.bind=127.0.0.1 -Dratmemcache.server.port="$rat_port" \
  -Dquarkus.http.port=0 -Dquarkus.log.level=WARN -Dratmemcache.l2.data-dir="$data" "${RAT_OPTS[@]}" \
  -jar target/quarkus-app/quarkus-run.jar &
rat_pid=$!
trap 'kill $mc_pid $rat_pid 2>/dev/null || true; wait 2>/dev/null; rm -rf "$data"' EXIT
wait_port "$mc_port"
wait_port "$rat_port"

run() { # port seconds -> ops/s
  memcaslap -s "127.0.0.1:$1" -t "${2}s" "${load[@]}" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

echo "memcaslap ${load[*]}, $rounds rounds of ${seconds}s; memcached $(memcached -V | cut -d' ' -f2), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "warm-up: memcached $(run "$mc_port" 10) ops/s, ratmemcache $(run "$rat_port" 10) ops/s"
mc_runs=()
rat_runs=()
for r in $(seq 1 "$rounds"); do
  mc_runs+=("$(run "$mc_port" "$seconds")")
  rat_runs+=("$(run "$rat_port" "$seconds")")
  echo "round $r: memcached ${mc_runs[-1]} ops/s, ratmemcache ${rat_runs[-1]} ops/s"
done
mc_median=$(printf '%s\n' "${mc_runs[@]}" | median)
rat_median=$(printf '%s\n' "${rat_runs[@]}" | median)
echo "median: memcached $mc_median ops/s, ratmemcache $rat_median ops/s, ratio $(awk "BEGIN {printf \"%.2f\", $rat_median / $mc_median}")"
