#!/usr/bin/env bash
# What a replicated write costs (issue 15): RF1, RF2 and RF3 volumes on one three-brick cluster,
# same machine, same run.
#
#   basalt-server/src/test/bench/replication-bench.sh                 # 3 rounds of 5 s, engine + RAM
#   ROUNDS=5 RT=10 RAM=0 basalt-server/src/test/bench/replication-bench.sh
#   JFR=1 basalt-server/src/test/bench/replication-bench.sh           # + a profile of the RF3 primary
#
# Starts one etcd (/usr/bin/etcd) and three bricks of this checkout's packaged jar (built with
# `./mvnw -B -q package -DskipTests` if missing), all on free 127.0.0.1 ports, each brick with its
# own data dir, a written POOL-sized (3G) pool file (--device), rack=rN, a 3 s cluster lease and a
# replication port. Creates volumes rf1, rf2, rf3 (VOL each, engine defaults: LZ4) through the REST
# API, and ram1..ram3 (backend ram) when RAM=1, to tell the network's share of a replicated write
# from the engine's group commit on each replica. The first SPAN bytes of each engine volume are
# written once, whole, with 128K writes (so reads find data), then `basalt bench` (one queue) runs
# against the volume's primary brick (the brick's NVMe port, the volume's NSID) over SPAN: 4K
# randwrite QD1 (latency p50/p99, IOPS), 4K randwrite QD32 (IOPS), and 4K randread QD1 for
# reference (engine volumes only). RT seconds each (5) after RAMP (1). ROUNDS rounds (3), the
# volume order rotated every round. Prints every measurement, then medians and the ratios RF2/RF1
# and RF3/RF1. With JFR=1, after the rounds, one more RF3 QD32 write run of JFR_RT seconds (10) with
# the RF3 primary recording (`jcmd JFR.start`, the profile settings with method-profiling=max and
# CPU-time sampling), then `jfr view hot-methods` and `cpu-time-hot-methods` of it. Settings:
# ROUNDS, RT, RAMP, VOL (1GiB), SPAN (128MiB), POOL, RAM (1), JFR (0), JFR_RT, DIR
# (/var/tmp/basalt-repl: the bricks' files; not tmpfs), OUT (raw numbers; DIR/results-DATE.txt),
# JOPTS (more JVM options for the bricks), KEEP=1 (keep the run's directory in DIR: logs, volume
# records). Every process it starts is killed on exit. About 8 minutes with the defaults.
set -euo pipefail
ROUNDS=${ROUNDS:-3}; RT=${RT:-5}; RAMP=${RAMP:-1}; VOL=${VOL:-1GiB}; SPAN=${SPAN:-128MiB}; POOL=${POOL:-3G}
RAM=${RAM:-1}; JFR=${JFR:-0}; JFR_RT=${JFR_RT:-10}; DIR=${DIR:-/var/tmp/basalt-repl}; KEEP=${KEEP:-0}
JH=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}; J=$JH/bin/java
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
T=$root/basalt-server/target
[ -x /usr/bin/etcd ] || { echo "etcd is missing: apt-get install etcd-server" >&2; exit 1; }
if [ ! -f "$T/basalt-server-0.1.0-SNAPSHOT.jar" ]; then (cd "$root" && JAVA_HOME=$JH ./mvnw -B -q package -DskipTests); fi
mkdir -p "$DIR"; run=$(mktemp -d "$DIR/run.XXXX"); out=${OUT:-$DIR/results-$(date +%Y%m%d-%H%M%S).txt}; : > "$out"
pids=(); etcd_pid=
cleanup() {   # bricks first, while etcd still answers their goodbyes; then etcd
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  [ -z "$etcd_pid" ] || { kill "$etcd_pid" 2> /dev/null; wait "$etcd_pid" 2> /dev/null || true; }
  if [ "$KEEP" = 1 ]; then echo "kept: $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT   # never leave etcd or a brick running
trap 'exit 130' INT TERM   # through the EXIT trap
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC; results in $out"

# Free loopback ports, all bound at once so they differ (then released for the processes to take).
free_ports() { python3 -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"; }
# exec: the caller runs it in the background, so $! is the JVM itself.
jserve() { exec "$J" $(cat "$T/jvm.flags") -Dio.netty.leakDetection.level=disabled ${JOPTS:-} \
  -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain serve "$@"; }
bench() { "$J" $(cat "$T/jvm.flags") -Dio.netty.leakDetection.level=disabled \
  -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain bench "$@"; }
wait_for() { local what=$1; shift   # a command that succeeds when ready; 30 s at most
  for _ in $(seq 150); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out waiting for $what; logs in $run (kept)" >&2; KEEP=1; exit 1; }

read -r etc_client etc_peer <<< "$(free_ports 2)"
/usr/bin/etcd --name repl-bench --data-dir "$run/etcd" --listen-client-urls "http://127.0.0.1:$etc_client" \
  --advertise-client-urls "http://127.0.0.1:$etc_client" --listen-peer-urls "http://127.0.0.1:$etc_peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etc_peer" \
  --initial-cluster "repl-bench=http://127.0.0.1:$etc_peer" > "$run/etcd.log" 2>&1 &
etcd_pid=$!
wait_for etcd curl -sf "http://127.0.0.1:$etc_client/health"

declare -A nvme api pid
for b in 1 2 3; do
  read -r p a r <<< "$(free_ports 3)"
  nvme[b$b]=$p; api[b$b]=$a
  mkdir -p "$run/b$b"
  dd if=/dev/zero of="$run/b$b/pool.img" bs=1M count=$(($(numfmt --from=iec "$POOL") >> 20)) oflag=direct \
    status=none   # written once: a durable write never waits for the file system's block allocation
  jserve --data-dir "$run/b$b/data" --device "$run/b$b/pool.img" --listen "127.0.0.1:$p" \
    --api-listen "127.0.0.1:$a" --discovery-listen none --replication-listen "127.0.0.1:$r" \
    --cluster-etcd "http://127.0.0.1:$etc_client" --brick-name "b$b" --failure-domain "rack=r$b" \
    --cluster-lease-ttl 3s > "$run/b$b/serve.log" 2>&1 &
  pid[b$b]=$!; pids+=($!)
done
for b in b1 b2 b3; do wait_for "brick $b" curl -sf "http://127.0.0.1:${api[$b]}/api/v1/brick"; done
three_active() { [ "$(curl -sf "http://127.0.0.1:${api[b1]}/api/v1/bricks" | grep -o '"active"' | wc -l)" -ge 3 ]; }
wait_for "three active bricks" three_active
nqn=$(curl -sf "http://127.0.0.1:${api[b1]}/api/v1/brick" | python3 -c 'import json,sys; print(json.load(sys.stdin)["subsystemNqn"])')

vols="rf1 rf2 rf3"; [ "$RAM" = 1 ] && vols="$vols ram1 ram2 ram3"
declare -A prim nsid
for v in $vols; do
  backend=engine; [[ $v == ram* ]] && backend=ram
  curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:${api[b1]}/api/v1/volumes" \
    -d "{\"name\":\"$v\",\"size\":\"$VOL\",\"backend\":\"$backend\",\"hosts\":[\"any\"],\"replicas\":${v: -1},\"failureDomainKey\":\"rack\"}" \
    > "$run/$v.json" || { echo "cannot create $v: $(cat "$run/$v.json")" >&2; KEEP=1; exit 1; }
  read -r prim[$v] nsid[$v] <<< "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["placement"]["primary"], j["nsid"])' "$run/$v.json")"
done
# Ready: the primary exports it and every replica is in sync.
healthy() { curl -sf "http://127.0.0.1:${api[${prim[$1]}]}/api/v1/volumes/$1" | python3 -c '
import json, sys; j = json.load(sys.stdin); sys.exit(0 if j["state"] == "online" and j["placement"]["health"] == "healthy" else 1)'; }
for v in $vols; do wait_for "volume $v" healthy "$v"; echo "volume $v: primary ${prim[$v]}, NSID ${nsid[$v]}"; done

# run VOLUME ARGS... -> "iops p50_us p99_us avg_us errors" of the side that ran
run_bench() { local v=$1 js=$run/bench.json; shift; rm -f "$js"
  bench --target "127.0.0.1:${nvme[${prim[$v]}]}" --nqn "$nqn" --nsid "${nsid[$v]}" --size "$SPAN" "$@" \
    --json "$js" > "$run/bench.txt" 2>&1 || { cat "$run/bench.txt" >&2; echo "0 0 0 0 failed"; return; }
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); s = j["write"] if j["write"]["ops"] else j["read"]; l = s["lat_ns"]
print(round(s["iops"]), round(l["p50"] / 1000, 1), round(l["p99"] / 1000, 1), round(l["avg"] / 1000, 1), sum(j["errors"].values()))' "$js"; }
record() { local r=$1 v=$2 t=$3; shift 3; set -- $(run_bench "$v" "$@" --runtime "$RT" --ramp "$RAMP")
  echo "round=$r vol=$v test=$t iops=$1 p50_us=$2 p99_us=$3 avg_us=$4 errors=$5" | tee -a "$out"; }

span=$(numfmt --from=auto "${SPAN%B}")   # 128MiB -> 128Mi (IEC)
for v in rf1 rf2 rf3; do   # every block of SPAN written once (and replicated), so reads find data
  set -- $(run_bench "$v" --rw write --bs 128k --iodepth 16 --runtime 2)
  if [ "$1" -gt 0 ] && [ $(($1 * 2 * 131072)) -lt "$span" ]; then   # again, from the start, long enough
    secs=$(((span / 131072 + $1 - 1) / $1 + 1)); [ "$secs" -gt 30 ] && secs=30
    set -- $(run_bench "$v" --rw write --bs 128k --iodepth 16 --runtime "$secs")
  fi
  echo "prefill $v: $1 IOPS of 128K, errors=$5"
done
set -- $vols; n=$#; list=("$@")
for r in $(seq "$ROUNDS"); do
  for i in $(seq 0 $((n - 1))); do
    v=${list[$(((i + r - 1) % n))]}
    record "$r" "$v" randwrite-4k-qd1 --rw randwrite --bs 4k --iodepth 1
    record "$r" "$v" randwrite-4k-qd32 --rw randwrite --bs 4k --iodepth 32
    [[ $v == rf* ]] && record "$r" "$v" randread-4k-qd1 --rw randread --bs 4k --iodepth 1
  done
done

if [ "$JFR" = 1 ]; then
  p=${pid[${prim[rf3]}]}; jfr=$DIR/rf3-primary-$(date +%Y%m%d-%H%M%S).jfr
  "$JH/bin/jfr" configure --input profile method-profiling=max +jdk.CPUTimeSample#enabled=true \
    +jdk.CPUTimeSample#throttle=1ms --output "$run/profile.jfc" > /dev/null
  "$JH/bin/jcmd" "$p" JFR.start name=repl settings="$run/profile.jfc" > /dev/null
  set -- $(run_bench rf3 --rw randwrite --bs 4k --iodepth 32 --runtime "$JFR_RT" --ramp "$RAMP")
  "$JH/bin/jcmd" "$p" JFR.stop name=repl filename="$jfr" > /dev/null
  echo "profiled: rf3 4K randwrite QD32 for $JFR_RT s on ${prim[rf3]} (pid $p): $1 IOPS; recording $jfr"
  for view in hot-methods cpu-time-hot-methods; do "$JH/bin/jfr" view --width 170 "$view" "$jfr" | head -18; done
fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"

python3 - "$out" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = dict(kv.split("=", 1) for kv in line.split())
    rows.setdefault((m["vol"], m["test"]), []).append(m)
def med(v, t, k):
    x = [float(m[k]) for m in rows.get((v, t), [])]
    return statistics.median(x) if x else float("nan")
def spread(v, t, k):
    x = [float(m[k]) for m in rows.get((v, t), [])]
    return f"{min(x):g}-{max(x):g}" if x else "-"
print("\nmedians (min-max over rounds):")
for (v, t) in sorted(rows):
    errors = sum(int(m["errors"]) if m["errors"].isdigit() else 1 for m in rows[(v, t)])
    print(f"  {v:5} {t:18} IOPS {med(v, t, 'iops'):>7.0f} ({spread(v, t, 'iops')})  p50 µs {med(v, t, 'p50_us'):7.1f} "
          f"({spread(v, t, 'p50_us')})  p99 µs {med(v, t, 'p99_us'):8.1f}  avg µs {med(v, t, 'avg_us'):7.1f}  errors {errors}")
print("\nratios of medians (issue 15's goals: RF3 QD1 latency <= 1.5x RF1, RF3 QD32 IOPS >= 0.6x RF1):")
for kind, base in (("engine", "rf"), ("ram", "ram")):
    if (base + "1", "randwrite-4k-qd1") not in rows:
        continue
    for rf in ("2", "3"):
        b, v = base + "1", base + rf
        q1 = lambda k: med(v, "randwrite-4k-qd1", k) / med(b, "randwrite-4k-qd1", k)
        print(f"  {kind:6} RF{rf}/RF1: QD1 write p50 latency {q1('p50_us'):.2f}x, p99 {q1('p99_us'):.2f}x, "
              f"IOPS {q1('iops'):.2f}x; QD32 write IOPS "
              f"{med(v, 'randwrite-4k-qd32', 'iops') / med(b, 'randwrite-4k-qd32', 'iops'):.2f}x")
print(f"raw numbers: {sys.argv[1]}")
EOF
