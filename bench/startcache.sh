#!/usr/bin/env bash
# Start to serving (JVM launch to the memcached port accepting) with no class cache, with the
# launcher's class-data archive (-XX:+AutoCreateSharedArchive) and with a JDK 25 AOT cache
# (-XX:AOTCacheOutput from a start-and-stop training run, then -XX:AOTCache), each on an empty L2
# directory, three rounds. Runs the packaged jar directly, with the launcher's heap and GC flags
# for -m 64, so that only the cache differs.
#
# Usage: bench/startcache.sh   after ./mvnw package (fast-jar), or after
#   ./mvnw package -DskipTests -Dquarkus.package.jar.type=aot-jar, whose class path the AOT
#   cache can hold (the fast-jar's own class loader keeps the application's classes out of it).
# Needs: a JDK 25 as JAVA_HOME.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
java=$JAVA_HOME/bin/java
app=target/quarkus-app/quarkus-run.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(-Xms192m -Xmx192m -XX:+UseG1GC -XX:+UseCompactObjectHeaders -Dratmemcache.server.bind=127.0.0.1
  -Dquarkus.http.port=0 -Dquarkus.management.port=0 -Dquarkus.log.level=WARN)
cds=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$work/app.jsa" -Xlog:cds=off -Xlog:aot=off)

now() { date +%s.%N; }
start() { # label [JVM options...]: one start, timed to the port accepting, then SIGTERM
  local label=$1 port started dir
  shift
  dir=$(mktemp -d -p "$work")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  started=$(now)
  "$java" "${flags[@]}" "$@" -Dratmemcache.server.port="$port" -Dratmemcache.l2.data-dir="$dir/l2" -jar "$app" > "$dir/log" 2>&1 &
  local pid=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.01; done
  awk -v label="$label" -v t="$(echo "$(now) - $started" | bc)" 'BEGIN {printf "%-16s serving after %.2f s\n", label, t}'
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null
}

start "creating archive" "${cds[@]}"
start "training AOT" "-XX:AOTCacheOutput=$work/app.aot"
for _ in 1 2 3; do
  start "no cache"
  start "CDS archive" "${cds[@]}"
  start "AOT cache" "-XX:AOTCache=$work/app.aot"
done
