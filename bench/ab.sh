#!/usr/bin/env bash
# Before-and-after: two builds of RatMemCache, each against Debian's memcached in the same runs,
# for a change that touches a hot path. Runs bench/memcaslap.sh from each checkout in the order
# before, after, before, after, for three workloads: memcaslap's default get/set mix (with L2,
# many gets read the disk), gets of 10 keys, and a working set that fits in memory.
#
# Usage: bench/ab.sh BEFORE_CHECKOUT [AFTER_CHECKOUT] [rounds] [seconds]
#   e.g. git worktree add ../before HEAD~3 && (cd ../before && ./mvnw -q package -DskipTests)
#        bench/ab.sh ../before
#   AFTER_CHECKOUT defaults to this one; 5 rounds of 20 s. Each checkout needs its packaged
#   application (target/quarkus-app). Writes every run's output to target/ab/ and prints the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(cd "$1" && pwd)
after=$(cd "${2:-.}" && pwd)
rounds=${3:-5}
seconds=${4:-20}
out=target/ab
mkdir -p "$out"
for rep in 1 2; do
  for workload in getset mget memory; do
    case $workload in
      getset) load=() ;;
      mget) load=(-T 1 -c 32 -d 10) ;;
      memory) load=(-T 1 -c 32 -w 1k) ;;
    esac
    for build in before after; do
      dir=$before
      [ "$build" = after ] && dir=$after
      (cd "$dir" && bench/memcaslap.sh "$rounds" "$seconds" "${load[@]}") > "$out/$workload-$build-$rep.txt" 2>&1
      echo "$workload $build $rep: $(grep "^median:" "$out/$workload-$build-$rep.txt")"
    done
  done
done
