#!/usr/bin/env bash
# Three RatMemCache nodes on loopback behind twemproxy, to try scale-out on one machine:
#   ./mvnw package -DskipTests && deploy/scale-out.sh [DATA_DIR]
# Nodes on 127.0.0.1:11311, 11312 and 11313, each with its L2 in DATA_DIR/node-N (default
# target/scale-out); the proxy on 127.0.0.1:22121. Ctrl+C stops them all (SIGTERM, so the nodes
# drain and keep their data for the next run). Needs nutcracker (apt-get install nutcracker).
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(realpath -m "${1:-target/scale-out}")
command -v nutcracker >/dev/null || { echo "nutcracker is missing: apt-get install nutcracker" >&2; exit 1; }
[ -x target/bin/ratmemcache ] || { echo "build it first: ./mvnw package -DskipTests" >&2; exit 1; }

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
mkdir -p "$data"
config=$data/nutcracker.yml
sed -e 's/0\.0\.0\.0:22121/127.0.0.1:22121/' -e '/^   - /d' deploy/twemproxy/nutcracker.yml > "$config"
for node in 0 1 2; do
  port=$((11311 + node))
  mkdir -p "$data/node-$node"
  echo "   - 127.0.0.1:$port:1 ratmemcache-$node" >> "$config"
  JAVA_OPTS="-Dratmemcache.l2.data-dir=$data/node-$node/l2 -Dquarkus.http.port=$((8081 + node)) \
-Dquarkus.management.port=$((9001 + node))" target/bin/ratmemcache -l 127.0.0.1 -p "$port" -m 64 \
    > "$data/node-$node/server.log" 2>&1 &
  pids+=($!)
done
for node in 0 1 2; do
  until (exec 3<>"/dev/tcp/127.0.0.1/$((11311 + node))") 2>/dev/null; do
    kill -0 "${pids[$node]}" 2>/dev/null || { cat "$data/node-$node/server.log" >&2; exit 1; }
    sleep 0.2
  done
done
nutcracker -c "$config" -s 22222 -o "$data/nutcracker.log" &
pids+=($!)
echo "nodes on 127.0.0.1:11311-11313 (logs in $data/node-*/server.log), twemproxy on 127.0.0.1:22121; Ctrl+C stops"
echo "try: printf 'set a 0 0 1\\r\\nx\\r\\nget a\\r\\n' | nc -q 1 127.0.0.1 22121"
wait
