#!/usr/bin/env bash
# Meta-protocol load benchmark: Debian's memcached and RatMemCache, driven by bench/MetaLoad.java
# (32 connections, 90% mg, 10% ms, 10,000 keys of 100-byte values), one after the other,
# alternating A B A B after a warm-up of each.
#
# Usage: bench/meta.sh [rounds] [seconds-per-run] [connections] [keys] [value-bytes]
#   defaults: 3 rounds of 20 s. RAT_OPTS adds settings to RatMemCache's command line, as in
#   bench/memcaslap.sh.
# Needs: memcached (apt-get install memcached), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

rounds=${1:-3}
seconds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
load=("$@")

run() { # port seconds -> ops/s
  "$JAVA_HOME/bin/java" bench/MetaLoad.java "$1" "$2" "${load[@]}" | sed -n 's/^ops\/s \([0-9]*\)$/\1/p'
}

echo "bench/MetaLoad.java ${load[*]:-(defaults)}, $rounds rounds of ${seconds}s; $(versions)"
compare "$rounds" "$seconds" run
