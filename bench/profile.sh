#!/usr/bin/env bash
# What bounds a workload: server CPU per request for Debian's memcached and RatMemCache (user and
# system time of the server process over the measured run, divided by the requests memcaslap
# completed), and async-profiler's CPU and allocation profiles of RatMemCache over the same run
# (flame graphs and a flat list of the hottest frames, kernel frames included where perf allows).
# The workloads are bench/workloads.sh's (get90, set, mget, ...; bench/common.sh defines them).
#
# Usage: bench/profile.sh [workload] [seconds]   (defaults: get90 20; a warm-up of 15 s runs first)
#   RAT_OPTS adds RatMemCache settings (-Dratmemcache.l2.enabled=false for memory only).
# Writes target/profile/WORKLOAD-{cpu,alloc}.{html,txt} and prints the top frames.
# Needs: memcached, memcaslap, a JDK 21+ as JAVA_HOME; fetches tools.profiler:async-profiler.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools

workload=${1:-get90}
seconds=${2:-20}
warm=15
version=4.2
jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
[ -f "$jar" ] || ./mvnw -q dependency:get -Dartifact=tools.profiler:async-profiler:$version
(cd "$work" && unzip -q -o "$jar" linux-x64/libasyncProfiler.so)
agent=$work/linux-x64/libasyncProfiler.so
out=target/profile
mkdir -p "$out"

workload "$workload"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

measure() { # name pid port [profile-event]: warm up, then measure (and profile) one run
  local name=$1 pid=$2 port=$3 event=${4:-}
  memcaslap -s "127.0.0.1:$port" -t "${warm}s" "${load[@]}" > /dev/null 2>&1
  if [ -n "$event" ]; then
    "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$agent" "\"start,event=$event\"" > /dev/null
  fi
  local before after ops
  before=$(cpu_ticks "$pid")
  ops=$(memcaslap -s "127.0.0.1:$port" -t "${seconds}s" "${load[@]}" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1)
  after=$(cpu_ticks "$pid")
  if [ -n "$event" ]; then
    "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$agent" "\"dump,flat=25,traces=0,file=$out/$workload-$event.txt\"" > /dev/null
    "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$agent" "\"stop,file=$out/$workload-$event.html\"" > /dev/null
  fi
  echo "$name: $ops ops/s, server CPU $(awk "BEGIN {printf \"%.2f\", ($after - $before) / $ticks_per_second * 1e6 / ($ops * $seconds)}") us per request"
}

echo "$workload: memcaslap ${load[*]//$work\//}; -m $megabytes; $(versions); RAT_OPTS=${RAT_OPTS:-}"
port=$(free_port)
start_memcached "$port" -t 2 -m "$megabytes"
wait_port "$port"
measure memcached "${pids[-1]}" "$port"
stop_servers

read -r -a rat_opts <<< "${RAT_OPTS:-}"
for event in "" cpu alloc; do
  port=$(free_port)
  RAT_JVM="${RAT_JVM:-} -XX:+EnableDynamicAgentLoading" RAT_ARGS="-m $megabytes" start_ratmemcache "$port" "profile-${event:-none}" "${rat_opts[@]}"
  wait_port "$port"
  # jcmd hands the agent its options only when they are quoted
  measure "ratmemcache${event:+ (profiling $event)}" "${pids[-1]}" "$port" "$event"
  stop_servers
done
for event in cpu alloc; do
  echo "-- $event: $out/$workload-$event.html"
  sed -n '/ns  *percent/,$p' "$out/$workload-$event.txt" | head -27
done
