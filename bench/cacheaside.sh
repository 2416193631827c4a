#!/usr/bin/env bash
# What users see of the eviction policies: bench/hitratio's traces replayed cache-aside over the
# memcached protocol (bench/hitratio/CacheAside.java) against Debian's memcached and against the
# packaged RatMemCache (memory only, one run per policy), each given the same -m, a fresh server per
# trace and size. Prints the hit ratio of each and the items each held at the end.
#   bench/cacheaside.sh [traces] [megabytes...] [policies]
#   e.g. bench/cacheaside.sh zipf-0.9,scan "4 16 64" "lru hybrid"
# KEYS and REQUESTS size the traces (1,000,000 keys, 4,000,000 requests). Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source bench/hitratio/build.sh
traces=${1:-zipf-0.7,zipf-0.9,zipf-0.99,scan,loop,shift,sizes}
sizes=${2:-4 16 64}
policies=${3:-lru lfu fifo hybrid}
trace_options=(--keys "${KEYS:-1000000}" --requests "${REQUESTS:-4000000}")

replay() { # port trace: "hit-ratio items evictions"
  "$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" CacheAside "$1" "$2" "${trace_options[@]}"
}

versions
header="| trace | -m | memcached |"
for policy in $policies; do header+=" $policy |"; done
echo "$header hit ratio in %; items held at the end: memcached, ${policies// /, }"
for trace in ${traces//,/ }; do
  for megabytes in $sizes; do
    port=$(free_port)
    start_memcached "$port" -m "$megabytes"
    wait_port "$port"
    read -r ratio items _ < <(replay "$port" "$trace")
    stop_servers
    row="| $trace | $megabytes | $ratio |"
    held="$items"
    for policy in $policies; do
      port=$(free_port)
      RAT_ARGS="-m $megabytes" start_ratmemcache "$port" "$policy" -Dratmemcache.l2.enabled=false -Dratmemcache.l1.eviction="$policy"
      wait_port "$port"
      read -r ratio items _ < <(replay "$port" "$trace")
      stop_servers
      row+=" $ratio |"
      held+=", $items"
    done
    echo "$row $held"
  done
done
