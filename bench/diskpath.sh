#!/usr/bin/env bash
# The disk tier's write path, design against design (bench/diskpath/DiskWritePath.java says which
# and how), in one process, one after the other, on a directory of the file system given.
#
# Usage: bench/diskpath.sh [dir] [writes] [design ...]
#   defaults: target/diskpath, 3,000,000 writes, tier tier-reading records one-call blob fifo log
# Needs: a JDK 21+ as JAVA_HOME; the project compiled (./mvnw -q compile).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
dir=${1:-target/diskpath}
writes=${2:-3000000}
shift $(( $# > 2 ? 2 : $# ))
designs=("$@")
[ ${#designs[@]} -gt 0 ] || designs=(tier tier-reading records one-call blob fifo log)
out=target/diskpath-classes
mkdir -p "$out" "$dir"
[ -d target/classes/org ] || ./mvnw -q compile
./mvnw -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=runtime
cp="$out:target/classes:$(cat "$out/classpath.txt")"
"$JAVA_HOME/bin/javac" --release 25 -cp "$cp" -d "$out" bench/diskpath/DiskWritePath.java
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -XX:+UseZGC -cp "$cp" \
  org.ratmemcache.storage.rocksdb.DiskWritePath "$dir" "$writes" "${designs[@]}"
