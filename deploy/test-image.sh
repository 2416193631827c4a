#!/usr/bin/env bash
# Builds the JVM image (src/main/docker/Dockerfile.jvm) and runs it as a user would, with podman:
# memcached set and get, readiness on the management port, -m derived from the container's memory
# limit, a read-only root, SIGTERM, and a restart on the same volume that finds the data again.
#
#   ./mvnw package -DskipTests && deploy/test-image.sh
#
# Where no registry is reachable (as on the build machines), the base image is made locally: a
# Debian bookworm minbase root (debootstrap from DEBIAN_MIRROR) with a JRE jlink'ed from JAVA_HOME in
# /opt/java/openjdk, as Temurin's images have it; BASE_IMAGE names another base. Needs root, podman,
# runc and debootstrap (apt-get install podman runc debootstrap); prints why it skips otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
: "${DEBIAN_MIRROR:=http://deb.debian.org/debian}"
image=localhost/ratmemcache:jvm-test
base=${BASE_IMAGE:-localhost/ratmemcache-base:bookworm-jre$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = //p')}

skip() { echo "deploy/test-image.sh: skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "podman runs here as root only"
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null || skip "$tool is missing (apt-get install podman runc debootstrap)"
done
[ -f target/quarkus-app/quarkus-run.jar ] && [ -x target/bin/ratmemcache ] \
  || { echo "deploy/test-image.sh: build the application first: ./mvnw package -DskipTests" >&2; exit 1; }

work=$(mktemp -d)
volume=ratmemcache-test-$$
containers=()
cleanup() {
  for container in "${containers[@]}"; do podman rm -f "$container" >/dev/null 2>&1 || true; done
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# This machine's podman: cgroups managed directly (no systemd), no default ulimits (not permitted
# here), runc (crun fails on these cgroups), the host's network.
cat > "$work/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
EOF
export CONTAINERS_CONF=$work/containers.conf
podman() { command podman --runtime runc "$@"; }
fail() { echo "deploy/test-image.sh: FAILED: $*" >&2; exit 1; }
started=$(date +%s)

if ! podman image exists "$base"; then
  [ -z "${BASE_IMAGE:-}" ] || fail "BASE_IMAGE $base does not exist"
  echo "== base image $base: Debian minbase and a jlink'ed JRE"
  debootstrap --variant=minbase bookworm "$work/root" "$DEBIAN_MIRROR" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
  # The modules of Java SE, and the JDK's that the server or an operator uses (Unsafe for Netty and
  # RocksJava, JFR and jcmd, DNS, PKCS#11); a class-data archive for compact object headers too,
  # the launcher's default, which jlink's own archive plugin leaves out.
  "$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.management.jfr,jdk.jfr,jdk.jcmd,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.crypto.cryptoki \
    --strip-debug --no-header-files --no-man-pages --generate-cds-archive --output "$work/root/opt/java/openjdk" >/dev/null
  "$work/root/opt/java/openjdk/bin/java" -XX:+UseCompactObjectHeaders -Xshare:dump >/dev/null
  tar -C "$work/root" -c . | podman import --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$base" >/dev/null
  rm -rf "$work/root"
fi

echo "== building $image from $base"
podman build --network host --build-arg "BASE_IMAGE=$base" -f src/main/docker/Dockerfile.jvm -t "$image" . \
  > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "podman build"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
http=$(free_port)
management=$(free_port)
ask() { python3 deploy/mcask.py "$port" "$1"; }

run() { # name [memcached flags...]: the image, detached, on the host's network with the test's ports
  local name=$1
  shift
  podman run -d --name "$name" --network host --read-only --tmpfs /tmp --memory 640m \
    -v "$volume:/var/lib/ratmemcache" \
    -e "JAVA_OPTS=-Dquarkus.http.port=$http -Dquarkus.management.port=$management" \
    "$image" -p "$port" -l 127.0.0.1 "$@" >/dev/null
  containers+=("$name")
}
await_ready() { # name: until readiness answers UP on the management port, at most 60 s
  for _ in $(seq 1 600); do
    [ "$(podman inspect -f '{{.State.Running}}' "$1")" = true ] || { podman logs "$1"; fail "$1 exited"; }
    if grep -q '"status": *"UP"' <<<"$(curl -fsS "http://127.0.0.1:$management/q/health/ready" 2>/dev/null)"; then
      return 0
    fi
    sleep 0.1
  done
  podman logs "$1"
  fail "$1 was not ready within 60 s"
}
stop() { # name: SIGTERM, as Kubernetes sends it, and the exit it gives
  podman stop -t 40 "$1" >/dev/null
  local code
  code=$(podman inspect -f '{{.State.ExitCode}}' "$1")
  [ "$code" = 0 ] || [ "$code" = 143 ] || { podman logs "$1"; fail "$1 exited with $code after SIGTERM"; }
  if grep -E ' (ERROR|WARN) ' <<<"$(podman logs "$1" 2>&1)" | grep -v 'Gauge already registered'; then
    fail "$1 logged the errors above"
  fi
}

echo "== first container: set, get, readiness, the console, -m from the memory limit"
run first
await_ready first
# Logs are read whole into a variable: `podman logs | grep -q` dies of SIGPIPE under pipefail.
logs=$(podman logs first 2>&1)
grep -q 'ratmemcache: -m [0-9]*, the most that fits in the memory limit of 640 MiB' <<<"$logs" \
  || { echo "$logs"; fail "the launcher did not derive -m from the container's limit"; }
derived=$(sed -n 's/^ratmemcache: -m \([0-9]*\),.*/\1/p' <<<"$logs")
[ "$(ask 'set greeting 5 0 5\r\nhello\r\n')" = $'STORED\r' ] || fail "set"
[ "$(ask 'get greeting\r\n')" = $'VALUE greeting 5 5\r\nhello\r\nEND\r' ] || fail "get"
grep -q "STAT maxbytes $((derived * 1048576))" <<<"$(ask 'stats settings\r\n')" || fail "maxbytes is not -m $derived"
console=$(curl -fsS "http://127.0.0.1:$http/console/") || fail "the web console"
grep -q 'No admin password is configured' <<<"$console" || fail "the console does not say that no admin password is set"
curl -fsS -o /dev/null "http://127.0.0.1:$http/webjars/uplot/dist/uPlot.iife.min.js" || fail "the console's chart library"
user=$(podman exec first id -u)
[ "$user" = 1001 ] || fail "runs as uid $user, not 1001"
stop first

echo "== second container, same volume: the data is back"
run second
await_ready second
[ "$(ask 'get greeting\r\n')" = $'VALUE greeting 5 5\r\nhello\r\nEND\r' ] || fail "the item did not survive the restart"
grep -q 'RatMemCache serving memcached' <<<"$(podman logs second 2>&1)" || fail "no startup line"
stop second

echo "deploy/test-image.sh: passed in $(($(date +%s) - started)) s (-m $derived derived from a 640 MiB limit)"
