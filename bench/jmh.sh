#!/usr/bin/env bash
# JMH micro-benchmarks in bench/jmh, against the built classes, with the allocation profiler:
#   bench/jmh.sh [JMH options...]        e.g. bench/jmh.sh -prof gc LatencyRecording
# Needs ./mvnw package (or compile) first. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
JMH=1.37
out=target/jmh
mkdir -p "$out/lib" "$out/classes"
./mvnw -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=runtime
for artifact in org.openjdk.jmh:jmh-core:$JMH org.openjdk.jmh:jmh-generator-annprocess:$JMH \
        net.sf.jopt-simple:jopt-simple:5.0.4 org.apache.commons:commons-math3:3.6.1; do
    ./mvnw -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$out/lib"
done
cp="target/classes:$(cat "$out/classpath.txt"):$(ls "$out"/lib/*.jar | tr '\n' ':')"
find bench/jmh -name '*.java' > "$out/sources.txt"
"$JAVA_HOME/bin/javac" --release 25 -cp "$cp" -processorpath "$cp" -d "$out/classes" @"$out/sources.txt"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out/classes:$cp" org.openjdk.jmh.Main "$@"
