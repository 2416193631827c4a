#!/usr/bin/env bash
# Hit ratios of every eviction policy and of Caffeine on generated (or given) traces; see
# bench/hitratio/HitRatio.java for the traces and the options:
#   bench/hitratio.sh [--keys N] [--requests N] [--traces zipf-0.9,scan] [--policies "lfu,lfu ref"] [--cache 1,5,10] [--file PATH | --watch PATH]
# Not part of ./mvnw verify. bench/cacheaside.sh replays the same traces over the network.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/hitratio/build.sh
exec "$JAVA_HOME/bin/java" -Xmx6g -XX:+UseParallelGC -cp "$cp" HitRatio "$@"
