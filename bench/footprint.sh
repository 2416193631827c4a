#!/usr/bin/env bash
# What RatMemCache costs in memory and start time, against Debian's memcached in the same run:
#   idle       resident memory (RSS) right after start, -m 64; RatMemCache with L2 on and off,
#              and the JVM's own breakdown (Native Memory Tracking) of the L2-on server
#   items      RSS growth for 1,000,000 items of 16-byte keys and 100-byte values, -m 1024
#   load       RSS after LOAD_SECONDS (30) of memcaslap sets of 1 KiB values over a working set of at
#              least twice -m, for each -m in LOAD_M ("256"), with the idle RSS at that -m just before;
#              for RatMemCache also its GC log: the longest pause and the pauses above 1 ms.
#              LOAD_SERVERS picks the servers ("memcached rat-l2-on rat-l2-off").
#              e.g. LOAD_M="256 1024" LOAD_SERVERS="memcached rat-l2-off" bench/footprint.sh load
#   conns      RSS growth for 10,000 idle connections, per connection
#   start      start to serving: empty L2, and L2 holding 1,000,000 items
# RatMemCache runs through its launcher (target/bin/ratmemcache); RAT_JVM adds JVM options.
#
# Usage: bench/footprint.sh [part ...]   (default: all of them)
# Needs: memcached, memcaslap (apt-get install memcached libmemcached-tools), a JDK 21+ as JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
need memcaslap libmemcached-tools
ulimit -n "$(ulimit -Hn)" # 10,000 connections need as many descriptors on both sides

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(idle items load conns start)

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
now() { python3 -c 'import time; print(time.time())'; }
serving() { python3 bench/mcclient.py serving "$1" 60; }
mib() { awk "BEGIN {printf \"%.1f MiB\", $1 / 1024}"; }

# start NAME PORT -m MB [settings...]: memcached, or RatMemCache as rat-l2-on / rat-l2-off
start() {
  local name=$1 port=$2
  shift 2
  STARTED_AT=$(now)
  export STARTED_AT
  case $name in
    memcached) start_memcached "$port" -t 2 -c 20000 "$@" ;;
    rat-l2-off) RAT_ARGS="-c 20000 $*" start_ratmemcache "$port" "$name" -Dratmemcache.l2.enabled=false ;;
    rat-*) RAT_ARGS="-c 20000 $*" start_ratmemcache "$port" "$name" ;;
  esac
  started=$(serving "$port")
  server=${pids[-1]}
}

echo "$(versions); RAT_JVM=${RAT_JVM:-}"
for part in "${parts[@]}"; do
  case $part in
    idle)
      for name in memcached rat-l2-on rat-l2-off; do
        port=$(free_port)
        start "$name" "$port" -m 64
        python3 bench/mcclient.py fill "$port" 1 16 100
        echo "idle $name -m 64: RSS $(mib "$(rss_kb "$server")")"
        stop_servers
      done
      port=$(free_port)
      RAT_JVM="${RAT_JVM:-} -XX:NativeMemoryTracking=summary" start rat-l2-on "$port" -m 64
      python3 bench/mcclient.py fill "$port" 1 16 100
      echo "idle rat-l2-on -m 64 with NMT: RSS $(mib "$(rss_kb "$server")"); committed by the JVM, by part:"
      "$JAVA_HOME/bin/jcmd" "$server" VM.native_memory summary |
        sed -n 's/^-  *\([A-Za-z ]*\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1 \2/p' |
        awk '{kb = $NF; $NF = ""; printf "  %-26s %8.1f MiB\n", $0, kb / 1024}'
      "$JAVA_HOME/bin/jcmd" "$server" VM.native_memory summary | sed -n 's/^Total: .*committed=\([0-9]*\)KB.*/  total committed \1 KB/p'
      "$JAVA_HOME/bin/jcmd" "$server" GC.heap_info | sed 's/^/  /'
      stop_servers
      ;;
    items)
      for name in memcached rat-l2-on rat-l2-off; do
        port=$(free_port)
        start "$name" "$port" -m 1024
        python3 bench/mcclient.py fill "$port" 1 16 100
        before=$(rss_kb "$server")
        python3 bench/mcclient.py fill "$port" 1000000 16 100
        after=$(rss_kb "$server")
        echo "items $name -m 1024: RSS $(mib "$before") -> $(mib "$after"), $(awk "BEGIN {printf \"%.0f\", ($after - $before) * 1024 / 1000000}") B per item"
        stop_servers
      done
      ;;
    load)
      config=$(memcaslap_config set 1024 1)
      read -r -a servers <<< "${LOAD_SERVERS:-memcached rat-l2-on rat-l2-off}"
      for megabytes in ${LOAD_M:-256}; do
        # memcaslap's window is keys per connection, in thousands of 1,024: 50 connections of
        # 1 KiB items over at least twice -m
        window=$(( (2 * megabytes * 1024 / 50 + 1023) / 1024 + 1 ))
        for name in "${servers[@]}"; do
          port=$(free_port)
          gclog=$work/gc-$name-$megabytes.log
          if [ "$name" = memcached ]; then
            start "$name" "$port" -m "$megabytes"
          else
            RAT_JVM="${RAT_JVM:-} -Xlog:gc,gc+phases:file=$gclog" start "$name" "$port" -m "$megabytes"
          fi
          python3 bench/mcclient.py fill "$port" 1 16 100
          idle=$(rss_kb "$server")
          memcaslap -s "127.0.0.1:$port" -t "${LOAD_SECONDS:-30}s" -F "$config" -T 2 -c 50 -w "${window}k" > "$work/load.txt" 2>&1
          loaded=$(rss_kb "$server")
          echo "load $name -m $megabytes: idle RSS $(mib "$idle"), after $(sed -n 's/.*TPS: \([0-9]*\).*/\1/p' "$work/load.txt" | tail -1) sets/s for ${LOAD_SECONDS:-30} s over $((window * 1024 * 50)) keys: RSS $(mib "$loaded"), grown $(mib $((loaded - idle))) = $(awk "BEGIN {printf \"%.2f\", ($loaded - $idle) / 1024 / $megabytes}") x -m"
          if [ -f "$gclog" ]; then
            # unified logging: G1's "... Pause Young (Normal) (G1 Evacuation Pause) 100M->20M(256M) 1.234ms",
            # ZGC's (gc+phases) "... Y: Pause Mark Start (Major) 0.011ms"
            sed -n 's/.*Pause .* \([0-9.]*\)ms$/\1/p' "$gclog" | sort -n |
              awk '{n++; if ($1 > 1) over++; max = $1; sum += $1} END {printf "  GC: %d pauses, longest %.2f ms, %d above 1 ms, %.0f ms paused in all\n", n, max, over, sum}'
          fi
          stop_servers
        done
      done
      ;;
    conns)
      for name in memcached rat-l2-off; do
        port=$(free_port)
        start "$name" "$port" -m 64
        python3 bench/mcclient.py fill "$port" 1 16 100
        before=$(rss_kb "$server")
        coproc holder { python3 bench/mcclient.py hold "$port" 10000; }
        read -r _ <&"${holder[0]}"
        after=$(rss_kb "$server")
        eval "exec ${holder[1]}>&-"
        wait "$holder_PID" || true
        echo "conns $name: RSS $(mib "$before") -> $(mib "$after") with 10,000 connections, $(awk "BEGIN {printf \"%.2f\", ($after - $before) / 10000}") KiB each"
        stop_servers
      done
      ;;
    start)
      port=$(free_port)
      start memcached "$port" -m 64
      echo "start memcached: serving after $started s"
      stop_servers
      port=$(free_port)
      start rat-l2-restarted "$port" -m 1024
      echo "start rat-l2-on, empty L2: serving after $started s"
      python3 bench/mcclient.py fill "$port" 1000000 16 100
      stop_servers
      start rat-l2-restarted "$port" -m 1024
      echo "start rat-l2-on, 1,000,000 items on disk: serving after $started s"
      stop_servers
      ;;
    *) echo "unknown part $part" >&2; exit 64 ;;
  esac
done
