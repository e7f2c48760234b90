#!/usr/bin/env bash
# The engine alone under JMH (docs/benchmarks.md, "Engine alone (JMH)"): io.basalt.engine.jmh
# benchmarks, 4 KiB random reads and writes through BlockStore on the RAM backend and on engine
# pools (in-memory device, O_DIRECT file), twice: throughput (ops/s) and sample time (latency
# percentiles, µs). Prints a markdown table; JMH's own output and JSON go to $OUT. From anywhere:
#
#   basalt-engine/src/test/bench/jmh.sh
#   STORES=engine-file DEPTHS=32 ITERATIONS=5 TIME=5s basalt-engine/src/test/bench/jmh.sh
#
# Settings (environment): FORKS=1 WARMUP=2 WARMUP_TIME=2s ITERATIONS=3 TIME=3s
# MODES="thrpt sample" BENCH=BlockStoreBench (a JMH regex) STORES=ram,engine-memory,engine-memory-lz4,engine-file
# DEPTHS=1,32 DIR=/var/tmp (the O_DIRECT pool file; not tmpfs) OUT=/tmp/basalt-jmh
# BUILD=1 (0: use the classes and classpath already built) MVN_ARGS=-o JMH_ARGS= (more JMH options).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)

# The JDK, found as ./basalt finds it: JAVA_HOME if it is 25 or newer, then Temurin 25, then any 25.
jdk_major() {
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)
    echo "${v:-0}"
}
find_jdk() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && $(jdk_major "$JAVA_HOME") -ge 25 ]]; then
        echo "$JAVA_HOME"; return
    fi
    if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
        echo /usr/lib/jvm/temurin-25-jdk-amd64; return
    fi
    local d
    for d in /usr/lib/jvm/*25*; do
        if [[ -x "$d/bin/java" && $(jdk_major "$d") -ge 25 ]]; then
            echo "$d"; return
        fi
    done
    return 1
}
JAVA_HOME=$(find_jdk) || { echo "jmh.sh: no JDK 25 found: set JAVA_HOME" >&2; exit 1; }
export JAVA_HOME

OUT=${OUT:-/tmp/basalt-jmh}
DIR=${DIR:-/var/tmp}
mkdir -p "$OUT"
CP_FILE=$OUT/classpath.txt
if [[ ${BUILD:-1} == 1 ]]; then
    # -am builds the modules the engine depends on; test-compile runs JMH's annotation processor.
    (cd "$root" && ./mvnw -q -B ${MVN_ARGS--o} -pl basalt-engine -am test-compile dependency:build-classpath \
        -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test)
fi
CP="$root/basalt-engine/target/test-classes:$root/basalt-engine/target/classes:$(cat "$CP_FILE")"

echo "jmh.sh: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run" | tee "$OUT/machine.txt"
for mode in ${MODES:-thrpt sample}; do
    unit=s
    [[ $mode == sample ]] && unit=us
    # The forked JVM gets the benchmark's own flags (@Fork) plus where the pool file goes.
    "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main "${BENCH:-BlockStoreBench}" \
        -bm "$mode" -tu "$unit" -f "${FORKS:-1}" -wi "${WARMUP:-2}" -w "${WARMUP_TIME:-2s}" \
        -i "${ITERATIONS:-3}" -r "${TIME:-3s}" \
        -p store="${STORES:-ram,engine-memory,engine-memory-lz4,engine-file}" -p depth="${DEPTHS:-1,32}" \
        -jvmArgsPrepend "-Dbasalt.jmh.dir=$DIR" -rf json -rff "$OUT/$mode.json" ${JMH_ARGS:-} \
        | tee "$OUT/$mode.txt"
done
echo "jmh.sh: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run" | tee -a "$OUT/machine.txt"

python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = {}
def load(mode):
    path = os.path.join(out, mode + ".json")
    return json.load(open(path)) if os.path.exists(path) else []
def spread(raw):
    # Per-iteration scores over all forks: with three iterations JMH's 99.9% interval is too wide to read.
    flat = [x for fork in raw for x in fork]
    return (min(flat), max(flat))
for r in load("thrpt"):
    key = (r["params"]["store"], r["benchmark"].rsplit(".", 1)[1], int(r["params"]["depth"]))
    ios = r["secondaryMetrics"].get("ios", r["primaryMetric"])
    rows.setdefault(key, {})["iops"] = (ios["score"],) + spread(ios["rawData"])
for r in load("sample"):
    key = (r["params"]["store"], r["benchmark"].rsplit(".", 1)[1], int(r["params"]["depth"]))
    p = r["primaryMetric"]["scorePercentiles"]
    rows.setdefault(key, {})["lat"] = (r["primaryMetric"]["score"], p["50.0"], p["99.0"], p["99.9"])
print("| store | workload | QD | IOPS (iterations min-max) | avg µs | p50 µs | p99 µs | p99.9 µs |")
print("|---|---|---|---|---|---|---|---|")
order = ["ram", "engine-memory", "engine-memory-lz4", "engine-file"]
for key in sorted(rows, key=lambda k: (order.index(k[0]) if k[0] in order else 99, k[1], k[2])):
    v = rows[key]
    iops = "%.0f (%.0f-%.0f)" % v["iops"] if "iops" in v else "—"
    lat = " | ".join("%.1f" % x for x in v["lat"]) if "lat" in v else "— | — | — | —"
    name = {"randomWrite": "4K randwrite", "randomRead": "4K randread"}.get(key[1], key[1])
    print(f"| {key[0]} | {name} | {key[2]} | {iops} | {lat} |")
PY
