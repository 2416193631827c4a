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
[ -x target/bin/ratmemcache ] || ./mvnw -q package -DskipTests

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# stat_of PORT NAME: one figure from memcached's "stats" on the server at PORT
stat_of() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    s.sendall(b"stats\r\n")
    data = b""
    while not data.endswith(b"END\r\n"):
        data += s.recv(65536)
for line in data.decode().splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] == sys.argv[2]:
        print(parts[2])
PY
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

start_memcached() { # port [memcached options...]: -m 64 unless options are given
  local port=$1
  shift
  local -a options=("$@")
  [ ${#options[@]} -gt 0 ] || options=(-m 64)
  memcached -U 0 -l 127.0.0.1 -p "$port" -u memcache "${options[@]}" &
  pids+=($!)
}

# RatMemCache as users start it: target/bin/ratmemcache, the launcher, which sizes the heap from -m
# and picks the collector. RAT_ARGS adds memcached-style flags (e.g. RAT_ARGS="-m 1024"); RAT_JVM adds
# JVM options after the launcher's, so they win (e.g. RAT_JVM="-XX:-UseParallelGC -XX:+UseG1GC").
start_ratmemcache() { # port name [settings...]: as shipped, on a temporary data directory
  local port=$1 name=$2
  shift 2
  local -a args
  read -r -a args <<< "${RAT_ARGS:-}"
  JAVA_OPTS="-Dratmemcache.server.bind=127.0.0.1 -Dratmemcache.server.port=$port -Dquarkus.http.port=0 \
-Dquarkus.management.port=0 -Dquarkus.log.level=WARN -Dratmemcache.l2.data-dir=$work/$name $* ${RAT_JVM:-}" \
    target/bin/ratmemcache "${args[@]}" &
  pids+=($!)
}

stop_servers() { # stops every server started so far
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  pids=()
}

# compare ROUNDS SECONDS RUN: Debian's memcached (with MC_ARGS, default -m 64) against RatMemCache
# (with RAT_OPTS), one after the other, A B A B after a warm-up of each; RUN PORT SECONDS prints
# ops/s. Prints every run, the medians and their ratio, and the median and range of the ratios of
# the pairs.
compare() {
  local rounds=$1 seconds=$2 run=$3 mc_port rat_port
  local -a rat_opts mc_args mc_runs=() rat_runs=() ratios=()
  read -r -a rat_opts <<< "${RAT_OPTS:-}"
  read -r -a mc_args <<< "${MC_ARGS:-}"
  mc_port=$(free_port)
  rat_port=$(free_port)
  start_memcached "$mc_port" "${mc_args[@]}"
  start_ratmemcache "$rat_port" ratmemcache "${rat_opts[@]}"
  wait_port "$mc_port"
  wait_port "$rat_port"
  echo "warm-up: memcached $("$run" "$mc_port" 10) ops/s, ratmemcache $("$run" "$rat_port" 10) ops/s"
  for r in $(seq 1 "$rounds"); do
    mc_runs+=("$("$run" "$mc_port" "$seconds")")
    rat_runs+=("$("$run" "$rat_port" "$seconds")")
    ratios+=("$(awk "BEGIN {printf \"%.3f\", ${rat_runs[-1]} / ${mc_runs[-1]}}")")
    echo "round $r: memcached ${mc_runs[-1]} ops/s, ratmemcache ${rat_runs[-1]} ops/s, ratio ${ratios[-1]}"
  done
  local mc_median rat_median
  mc_median=$(printf '%s\n' "${mc_runs[@]}" | median)
  rat_median=$(printf '%s\n' "${rat_runs[@]}" | median)
  echo "median: memcached $mc_median ops/s, ratmemcache $rat_median ops/s, ratio $(awk "BEGIN {printf \"%.2f\", $rat_median / $mc_median}")"
  echo "pair ratios: median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'), min $(printf '%s\n' "${ratios[@]}" | sort -n | head -1), max $(printf '%s\n' "${ratios[@]}" | sort -n | tail -1)"
  stop_servers
}

# memcaslap_config NAME VALUE-BYTES SET-SHARE: a memcaslap configuration file with 16-byte keys
memcaslap_config() {
  local file="$work/$1.cfg"
  printf 'key\n16 16 1\nvalue\n%s %s 1\ncmd\n0 %s\n1 %s\n' "$2" "$2" "$3" "$(awk "BEGIN {print 1 - $3}")" > "$file"
  echo "$file"
}

# workload NAME: sets load (memcaslap's arguments) and megabytes (both servers' -m) for one of
# issue 9's workloads (bench/workloads.sh lists them), memcaslap -T 2 -c 50 unless it says otherwise.
workload() {
  megabytes=1024
  case $1 in
    get90) load=(-F "$(memcaslap_config get90 100 0.1)" -T 2 -c 50 -w 2k) ;;
    set) load=(-F "$(memcaslap_config set 1024 1)" -T 2 -c 50 -o 0.9) ;;
    mget) load=(-F "$(memcaslap_config mget 100 0.1)" -T 2 -c 50 -d 50) ;;
    mget100) load=(-F "$(memcaslap_config mget100 100 0.1)" -T 2 -c 50 -d 100) ;;
    big) load=(-F "$(memcaslap_config big 102400 0.1)" -T 2 -c 4 -w 1k) ;; # memcaslap takes no window under 1k
    conns1000) load=(-F "$(memcaslap_config conns1000 100 0.1)" -T 2 -c 1000 -w 1k) ;;
    tenx) megabytes=64; load=(-F "$(memcaslap_config tenx 1024 0.1)" -T 2 -c 50 -w 12k) ;;
    *) echo "unknown workload $1" >&2; exit 64 ;;
  esac
}

versions() { echo "memcached $(memcached -V | cut -d' ' -f2), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"; }
