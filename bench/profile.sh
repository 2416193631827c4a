#!/usr/bin/env bash
# What bounds a workload: server CPU per request for Debian's memcached and RatMemCache (user and
# system time of the server process over the measured run, divided by the requests memcaslap
# completed, user and system apart, and the context switches of all its threads per request),
# and async-profiler's CPU and allocation profiles of RatMemCache over the same run (flame graphs
# and a flat list of the hottest frames, kernel frames included where perf allows).
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

cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # user, system
switches() { cat /proc/"$1"/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}'; }
ticks_per_second=$(getconf CLK_TCK)

measure() { # name pid port [profile-event]: warm up, then measure (and profile) one run
  local name=$1 pid=$2 port=$3 event=${4:-}
  memcaslap -s "127.0.0.1:$port" -t "${warm}s" "${load[@]}" > /dev/null 2>&1
  if [ -n "$event" ]; then
    "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$agent" "\"start,event=$event\"" > /dev/null
  fi
  local user0 sys0 user1 sys1 switched ops
  read -r user0 sys0 <<< "$(cpu_ticks "$pid")"
  switched=$(switches "$pid")
  ops=$(memcaslap -s "127.0.0.1:$port" -t "${seconds}s" "${load[@]}" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1)
  read -r user1 sys1 <<< "$(cpu_ticks "$pid")"
  switched=$(( $(switches "$pid") - switched ))
  if [ -n "$event" ]; then
    "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$agent" "\"dump,flat=25,traces=0,file=$out/$workload-$event.txt\"" > /dev/null
    "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$agent" "\"stop,file=$out/$workload-$event.html\"" > /dev/null
  fi
  awk -v name="$name" -v ops="$ops" -v n="$((ops * seconds))" -v hz="$ticks_per_second" -v u="$((user1 - user0))" \
      -v s="$((sys1 - sys0))" -v c="$switched" 'BEGIN {printf "%s: %d ops/s, server CPU %.2f us per request (user %.2f, system %.2f), %.3f context switches per request\n",
      name, ops, (u + s) / hz * 1e6 / n, u / hz * 1e6 / n, s / hz * 1e6 / n, c / n}'
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
