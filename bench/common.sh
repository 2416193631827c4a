# Shared by the load benchmarks (source it from bench/): tools, ports, the servers, medians, and
# the A-B comparison of Debian's memcached and RatMemCache.

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null; [ -z "${work:-}" ] || rm -rf "$work"' EXIT
work=$(mktemp -d)

need() { # command package
  command -v "$1" >/dev/null || { echo "$1 is missing: apt-get install $2" >&2; exit 1; }
}
need memcached memcached
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

start_memcached() { # port
  memcached -U 0 -l 127.0.0.1 -p "$1" -m 64 -u memcache &
  pids+=($!)
}

start_ratmemcache() { # port name [settings...]: as shipped, on a temporary data directory
  local port=$1 name=$2
  shift 2
  "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -Dratmemcache.server.bind=127.0.0.1 -Dratmemcache.server.port="$port" \
    -Dquarkus.http.port=0 -Dquarkus.log.level=WARN -Dratmemcache.l2.data-dir="$work/$name" "$@" \
    -jar target/quarkus-app/quarkus-run.jar &
  pids+=($!)
}

# compare ROUNDS SECONDS RUN: Debian's memcached against RatMemCache (with RAT_OPTS), one after the
# other, A B A B after a warm-up of each; RUN PORT SECONDS prints ops/s. Prints every run, the
# medians and their ratio.
compare() {
  local rounds=$1 seconds=$2 run=$3 mc_port rat_port
  local -a rat_opts mc_runs=() rat_runs=()
  read -r -a rat_opts <<< "${RAT_OPTS:-}"
  mc_port=$(free_port)
  rat_port=$(free_port)
  start_memcached "$mc_port"
  start_ratmemcache "$rat_port" ratmemcache "${rat_opts[@]}"
  wait_port "$mc_port"
  wait_port "$rat_port"
  echo "warm-up: memcached $("$run" "$mc_port" 10) ops/s, ratmemcache $("$run" "$rat_port" 10) ops/s"
  for r in $(seq 1 "$rounds"); do
    mc_runs+=("$("$run" "$mc_port" "$seconds")")
    rat_runs+=("$("$run" "$rat_port" "$seconds")")
    echo "round $r: memcached ${mc_runs[-1]} ops/s, ratmemcache ${rat_runs[-1]} ops/s"
  done
  local mc_median rat_median
  mc_median=$(printf '%s\n' "${mc_runs[@]}" | median)
  rat_median=$(printf '%s\n' "${rat_runs[@]}" | median)
  echo "median: memcached $mc_median ops/s, ratmemcache $rat_median ops/s, ratio $(awk "BEGIN {printf \"%.2f\", $rat_median / $mc_median}")"
}

versions() { echo "memcached $(memcached -V | cut -d' ' -f2), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"; }
