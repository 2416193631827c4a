#!/usr/bin/env bash
# Values that compress, as users store them (JSON records of VALUE bytes, about 4x smaller with LZ4):
# COUNT of them set into Debian's memcached and into the packaged RatMemCache (memory only, its
# default compression) at the same -m, then every key asked for; prints the hits of each.
#   bench/compressible.sh [megabytes] [count] [value-bytes]     defaults: 64 40000 8192
# Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
megabytes=${1:-64}
count=${2:-40000}
value=${3:-8192}

versions
echo "| -m | values | value bytes | memcached hits | RatMemCache hits |"
port=$(free_port)
start_memcached "$port" -m "$megabytes"
wait_port "$port"
memcached_hits=$(python3 bench/mcclient.py json "$port" "$count" "$value")
stop_servers
port=$(free_port)
RAT_ARGS="-m $megabytes" start_ratmemcache "$port" compressible -Dratmemcache.l2.enabled=false
wait_port "$port"
rat_hits=$(python3 bench/mcclient.py json "$port" "$count" "$value")
stop_servers
echo "| $megabytes | $count | $value | $memcached_hits | $rat_hits |"
