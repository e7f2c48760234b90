#!/usr/bin/env bash
# Loopback benchmark of docs/benchmarks.md: BenchTarget (RAM namespace) pinned to CPU 0, basalt bench
# pinned to CPU 1, three runs of each workload, medians printed. Busy polling on both sides:
#   TARGET_JAVA_OPTS='-Dbasalt.ioThreads=1 -Dbasalt.busyPoll=true' BENCH_ARGS=--busy-poll
# Run from the repository root after
#   ./mvnw -q install -DskipTests && ./mvnw -q test-compile dependency:build-classpath -pl basalt-initiator \
#       -Dmdep.outputFile=/tmp/bench-cp.txt -Dmdep.includeScope=test
set -euo pipefail
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
CP="basalt-initiator/target/test-classes:basalt-initiator/target/classes:$(cat /tmp/bench-cp.txt)"
# As ./basalt runs a brick: no Netty leak detector on the data path.
FLAGS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled"
OUT=${OUT:-/tmp/basalt-bench}
RUNTIME=${RUNTIME:-10}
mkdir -p "$OUT"
taskset -c 0 "$JAVA" $FLAGS -Xmx3g ${TARGET_JAVA_OPTS:-} -cp "$CP" io.basalt.initiator.testing.BenchTarget 4420 1024 \
    > "$OUT/target.log" 2>&1 &
TARGET=$!
trap 'kill $TARGET' EXIT
sleep 3
bench() { # name args...
  local name=$1; shift
  for run in 1 2 3; do
    taskset -c 1 "$JAVA" $FLAGS -cp "$CP" io.basalt.initiator.bench.BenchCommand --target 127.0.0.1:4420 \
        --nqn nqn.2026-01.io.basalt:bench --ramp 2 --runtime "$RUNTIME" --json "$OUT/$name-$run.json" ${BENCH_ARGS:-} "$@" \
        > "$OUT/$name-$run.txt" 2>&1
  done
}
bench randread-4k-qd1    --rw randread  --bs 4k   --iodepth 1
bench randread-4k-qd128  --rw randread  --bs 4k   --iodepth 128
bench randwrite-4k-qd1   --rw randwrite --bs 4k   --iodepth 1
bench randwrite-4k-qd128 --rw randwrite --bs 4k   --iodepth 128
bench read-128k-qd32     --rw read      --bs 128k --iodepth 32
bench write-128k-qd32    --rw write     --bs 128k --iodepth 32
python3 - "$OUT" <<'PY'
import json, sys, glob, statistics, os
out = sys.argv[1]
names = ["randread-4k-qd1", "randread-4k-qd128", "randwrite-4k-qd1", "randwrite-4k-qd128", "read-128k-qd32", "write-128k-qd32"]
print("| workload | IOPS | MiB/s | avg µs | p50 µs | p99 µs | p99.99 µs | max µs | runs (IOPS) |")
print("|---|---|---|---|---|---|---|---|---|")
for n in names:
    runs = []
    for f in sorted(glob.glob(os.path.join(out, n + "-*.json"))):
        j = json.load(open(f)); d = j["read"] if j["read"]["ops"] > 0 else j["write"]; runs.append(d)
    if not runs: continue
    runs.sort(key=lambda d: d["iops"]); m = runs[len(runs)//2]; l = m["lat_ns"]
    print(f"| {n} | {m['iops']:.0f} | {m['mib_per_s']:.1f} | {l['avg']/1e3:.1f} | {l['p50']/1e3:.1f} | {l['p99']/1e3:.1f} | {l['p99.99']/1e3:.1f} | {l['max']/1e3:.1f} | {', '.join(str(round(r['iops'])) for r in runs)} |")
PY
