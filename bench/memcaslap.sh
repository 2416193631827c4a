#!/usr/bin/env bash
# Load benchmark: Debian's memcached and RatMemCache, driven by memcaslap (libmemcached-tools)
# one after the other on loopback, alternating A B A B after a warm-up of each, so that both see
# the same machine. Never both at once: on a small machine that ratio would be noise.
#
# Usage: bench/memcaslap.sh [rounds] [seconds-per-run] [memcaslap options...]
#   defaults: 3 rounds of 20 s, memcaslap -T 1 -c 32 (90% get, 10% set, its default key and
#   value sizes); add -B for the binary protocol. Prints ops/s of every run, the median of each
#   server, and the ratio.
# RAT_OPTS (in the environment, e.g. RAT_OPTS="-Dratmemcache.l2.enabled=false") adds settings to
# RatMemCache's command line; by default it runs as shipped, L2 write-back included, on a
# temporary data directory.
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as
# JAVA_HOME. Builds the packaged application first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools

rounds=${1:-3}
seconds=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
load=("$@")
[ ${#load[@]} -gt 0 ] || load=(-T 1 -c 32)

run() { # port seconds -> ops/s
  memcaslap -s "127.0.0.1:$1" -t "${2}s" "${load[@]}" 2>&1 | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1
}

echo "memcaslap ${load[*]}, $rounds rounds of ${seconds}s; $(versions)"
compare "$rounds" "$seconds" run
