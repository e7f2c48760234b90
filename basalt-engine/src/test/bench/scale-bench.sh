#!/usr/bin/env bash
# Restart time, checkpoint time and memory per mapped block at 1M/10M/50M mapped blocks
# (docs/benchmarks.md, "Restart time and memory per mapped block"). Run from the repository root
# after building the engine's test classes and classpath:
#
#   ./mvnw -q -o test-compile dependency:build-classpath -pl basalt-engine -am \
#       -Dmdep.outputFile=/tmp/engine-cp.txt -Dmdep.includeScope=test
#   basalt-engine/src/test/bench/scale-bench.sh    # DIR=/var/tmp/basalt-scale BLOCKS="1000000 10000000 50000000" REPEAT=3
#
# Each phase runs in its own JVM (a restart is a cold JVM), under nice and a time limit. The pool
# file is sparse: formatting and the synthetic checkpoint write a few GB at 50M blocks, the replay
# interval 256 MiB; it is deleted at the end.
set -euo pipefail
DIR=${DIR:-/var/tmp/basalt-scale}
BLOCKS=${BLOCKS:-"1000000 10000000 50000000"}
HEAP=${HEAP:-4g}
LIMIT=${LIMIT:-540}
REPEAT=${REPEAT:-3}
CP="basalt-engine/target/test-classes:basalt-engine/target/classes:$(cat "${CP_FILE:-/tmp/engine-cp.txt}")"
# Engine's INFO line says how many batches a restart replayed.
JAVA=(timeout "$LIMIT" nice java -Xmx"$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
      -Dorg.slf4j.simpleLogger.log.io.basalt.engine.pool.Engine=info
      --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$CP")
BENCH=io.basalt.engine.pool.ScaleBench

mkdir -p "$DIR"
trap 'rm -f "$DIR/scale.img"' EXIT
for n in $BLOCKS; do
    echo "== $n mapped blocks"
    "${JAVA[@]}" $BENCH "$DIR" prepare "$n"
    "${JAVA[@]}" $BENCH "$DIR" cpu "$n"
    for _ in $(seq "$REPEAT"); do "${JAVA[@]}" $BENCH "$DIR" load; done
    for _ in $(seq "$REPEAT"); do "${JAVA[@]}" $BENCH "$DIR" open; done
    # Foreground write latency while checkpoints run: on the engine thread (before) and in the background.
    for _ in $(seq "$REPEAT"); do
        "${JAVA[@]}" $BENCH "$DIR" latency sync
        "${JAVA[@]}" $BENCH "$DIR" latency background
    done
    for _ in $(seq "$REPEAT"); do
        "${JAVA[@]}" $BENCH "$DIR" crash
        "${JAVA[@]}" $BENCH "$DIR" open
    done
    rm -f "$DIR/scale.img"
done
echo "== heap per mapped block (VolumeMap)"
echo "| mapped blocks | pattern | heap MiB | bytes per mapped block |"
echo "|---|---|---|---|"
timeout "$LIMIT" nice java -Xmx"${MEMORY_HEAP:-8g}" -cp "$CP" $BENCH "$DIR" memory $BLOCKS
