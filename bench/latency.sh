#!/usr/bin/env bash
# Latency at a fixed arrival rate (open loop, bench/OpenLoop.java), Debian's memcached and RatMemCache
# one after the other on fresh servers, at half of memcached's saturated rate for the workload
# (measured first with memcaslap, closed loop, as bench/workloads.sh does). 50 connections, -m 1024
# (MEMORY=N for another -m, both servers; WARM=S runs memcaslap's closed loop of the workload on
# each fresh server for S seconds first, 0 by default):
#   get90   90% get, 10% set, 100 B values over 100,000 keys (stored first)
#   set     100% set, 1 KiB values over 500,000 keys
# RatMemCache runs as shipped (L2 write-back) through its launcher; RAT_OPTS adds settings
# (-Dratmemcache.l2.enabled=false for memory only), RAT_JVM JVM options.
#
# Usage: bench/latency.sh [pairs] [seconds-per-run] [workload ...]   (defaults: 3 20 get90 set)
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools

pairs=${1:-3}
memory=${MEMORY:-1024}
warm=${WARM:-0}
seconds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(get90 set)

hdr=$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar
[ -f "$hdr" ] || ./mvnw -q dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2
"$JAVA_HOME/bin/javac" -d "$work/classes" -cp "$hdr" bench/OpenLoop.java

saturated() { # port config -> memcaslap's closed-loop ops/s
  memcaslap -s "127.0.0.1:$1" -t "${seconds}s" -F "$2" -T 2 -c 50 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1
}
open_loop() { # port rate
  "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$work/classes:$hdr" OpenLoop --port "$1" --rate "$2" \
    --seconds "$seconds" --workload "$workload" --connections 50 --keys "$keys" --value-bytes "$value"
}
field() { sed -n "s/.* $1 \([0-9]*\) .*/\1/p"; }

echo "$pairs pairs of ${seconds}s, -m $memory, warm-up ${warm}s; $(versions); RAT_OPTS=${RAT_OPTS:-} RAT_JVM=${RAT_JVM:-}"
for workload in "${workloads[@]}"; do
  case $workload in
    get90) value=100; keys=100000; share=0.1 ;;
    set) value=1024; keys=500000; share=1 ;;
    *) echo "unknown workload $workload" >&2; exit 64 ;;
  esac
  config=$(memcaslap_config "$workload" "$value" "$share")
  port=$(free_port)
  start_memcached "$port" -t 2 -m "$memory"
  wait_port "$port"
  top=$(saturated "$port" "$config")
  stop_servers
  rate=$((top / 2))
  echo "== $workload: memcached saturates at $top ops/s (memcaslap -T 2 -c 50); open loop at $rate ops/s"
  declare -A p99=() p999=()
  for pair in $(seq 1 "$pairs"); do
    for server in memcached ratmemcache; do
      port=$(free_port)
      if [ "$server" = memcached ]; then
        start_memcached "$port" -t 2 -m "$memory"
      else
        read -r -a rat_opts <<< "${RAT_OPTS:-}"
        RAT_ARGS="-m $memory" start_ratmemcache "$port" "latency-$pair" "${rat_opts[@]}"
      fi
      wait_port "$port"
      if [ "$warm" -gt 0 ]; then
        memcaslap -s "127.0.0.1:$port" -t "${warm}s" -F "$config" -T 2 -c 50 > /dev/null 2>&1
      fi
      line=$(open_loop "$port" "$rate")
      stop_servers
      echo "pair $pair $server: $line"
      p99[$server]+="$(echo "$line" | field p99) "
      p999[$server]+="$(echo "$line" | field p99.9) "
    done
  done
  for server in memcached ratmemcache; do
    echo "median $server: p99 $(printf '%s\n' ${p99[$server]} | median) us, p99.9 $(printf '%s\n' ${p999[$server]} | median) us"
  done
  unset p99 p999
done
