#!/usr/bin/env bash
# The engine against its own device, same machine, same run (issue 16's ratios).
#
#   basalt-server/src/test/bench/device-ratios.sh                      # this checkout, 1 round
#   DIR=/srv/basalt-bench ROUNDS=3 RT=5 basalt-server/src/test/bench/device-ratios.sh
#   BRICKS="../before ." ROUNDS=4 basalt-server/src/test/bench/device-ratios.sh   # A/B; the order of
#                                                    BRICKS is reversed every other round
#   BRICKS=". .+-Dbasalt.engine.readThreads=16" ...   # CHECKOUT+JVM-OPTIONS: same build, other settings
#   BRICKS=". .@dedup=on,encryption=aes-xts" ...      # CHECKOUT[+JVM-OPTIONS]@VOLUME-OPTIONS: the volume's
#                                                    data services (issue 16: all on vs none, same run)
#   BRICKS=". .:poll" ...                             # CHECKOUT...:poll: the brick serves with --busy-poll
#
# Each round measures, for each checkout in BRICKS (each built with `./mvnw -B -q package -DskipTests`),
# the raw device with fio (O_DIRECT, libaio, on a fully written SIZE file in DIR) and right after it a
# brick on a fully written SIZE pool file in DIR (so the same file system and the same kind of file),
# one engine volume with the defaults (LZ4), driven by `basalt bench` (the last checkout's). DIR must
# be on the file system the pool will live on, not tmpfs. Prints every round, then medians and the
# ratios the issue asks for: per round, each brick against the raw rows measured just before it (a
# virtual disk drifts by a third between minutes), then the median over the rounds. Settings: DIR
# (/var/tmp/basalt-ratios), SIZE (2G), VOL (1GiB, the volume and the range benchmarked), RT (seconds
# per measurement, 3), OVERWRITE (seconds of 4K random overwrites of the first SCATTER bytes, 128MiB,
# before the scattered reads of them, 6: several
# passes even at 15K IOPS, so nearly every block of a 128K read lies apart), ROUNDS (1), RAMP (1),
# PIN=1 (brick on BRICK_CPU, 0; bench on CLIENT_CPU, 1; fio on RAW_CPU, the brick's: the device as
# the brick's CPU sees it — where the device's interrupts all go to one CPU, an I/O issued from
# another pays a cross-CPU wake-up per completion, and fio on the interrupts' CPU would measure a
# device the brick never gets; see docs/benchmarks.md), OUT (a file for the raw numbers), VOLUME_OPTS
# (e.g. ",compression=off"), ONLY (the workloads to run, by the names the script prints, e.g.
# ONLY="randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd32" for a short run; all when empty; the
# volume is still written in order first, and the overwrites run only before a scattered read),
# BENCH_OPTS (more `basalt bench` options, e.g. "--busy-poll": a client that polls, as SPDK's
# spdk_nvme_perf does, so its own wake-ups leave the brick's latency), SPDK_PERF (the path of SPDK's
# spdk_nvme_perf: then it, not `basalt bench`, drives every workload but the scattered reads, which
# need a range — the client issue 16's own table used; a native client that polls costs the shared
# machine less CPU than a JVM started per measurement; each brick row then also shows the brick's CPU
# µs per I/O), WARMUP (seconds of 4K random reads at QD32,
# 3, run on each brick before its measured reads and not counted, so the brick's JIT has compiled
# the read path: a brick measured in its first seconds spends a sixth of its CPU compiling), TCP_CC
# (the bricks' `--tcp-congestion`, e.g. cubic: where the machine's default is bbr, its paced sends
# arrive out of order over loopback and are retransmitted — a cost no network card has and fio does
# not pay; the script says so when it sees bbr; bricks built before the option cannot take it).
# Every row also shows how busy DIR's block device was during the measurement (dev_util: % of the
# time it held a request, dev_qd: requests held on average, from /sys/class/block/DEV/stat): raw fio
# keeps it near 100%; a brick well below raw on a device that idles is waiting on itself. Every brick
# row also shows how long a command spent in the brick (brick_us: average from its arrival to its
# completion on the event loop, the brick's basalt_volume_latency_seconds over the run and its ramp);
# the rest of the client's average (lat_us) is the network and the client, which fio does not have.
# With `basalt bench` as the client each brick also serves a RAM volume of RAM_VOL (64MiB), and
# with each QD1 row the script measures the same workload on it (ram-randread-4k-qd1,
# ram-randwrite-4k-qd1): no device and about 2 µs in the brick, so its latency is what the client
# and the network alone cost — the floor under the QD1 rows, printed next to them at the end.
set -euo pipefail
DIR=${DIR:-/var/tmp/basalt-ratios}; SIZE=${SIZE:-2G}; VOL=${VOL:-1GiB}; RT=${RT:-3}; OVERWRITE=${OVERWRITE:-6}
SCATTER=${SCATTER:-128MiB}
RAMP=${RAMP:-1}; ROUNDS=${ROUNDS:-1}; BRICKS=${BRICKS:-.}; PIN=${PIN:-0}; VOLUME_OPTS=${VOLUME_OPTS:-}
BRICK_CPU=${BRICK_CPU:-0}; CLIENT_CPU=${CLIENT_CPU:-1}; RAW_CPU=${RAW_CPU:-$BRICK_CPU}
RAM_VOL=${RAM_VOL:-64MiB}; ONLY=${ONLY:-}; BENCH_OPTS=${BENCH_OPTS:-}; SPDK_PERF=${SPDK_PERF:-}; WARMUP=${WARMUP:-3}; TCP_CC=${TCP_CC:-}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
command -v fio > /dev/null || { echo "fio is missing: apt-get install fio" >&2; exit 1; }
[ -z "$SPDK_PERF" ] || [ -x "$SPDK_PERF" ] || { echo "SPDK_PERF=$SPDK_PERF is not an executable spdk_nvme_perf" >&2; exit 1; }
machine_cc=$(cat /proc/sys/net/ipv4/tcp_congestion_control 2> /dev/null || true)
[ "$machine_cc" = bbr ] && [ -z "$TCP_CC" ] && echo "note: TCP congestion control is bbr here; over loopback its" \
  "paced segments arrive out of order and are resent (docs/benchmarks.md); TCP_CC=cubic gives the bricks cubic" >&2
mkdir -p "$DIR"; out=${OUT:-$DIR/ratios-$(date +%Y%m%d-%H%M%S).txt}; : > "$out"
last=${BRICKS##* }; last=${last%:poll}; last=${last%%@*}; last=${last%%+*}
cpu() { if [ "$PIN" = 1 ]; then echo "taskset -c $1"; fi; }
# exec: run in the background, the function's subshell becomes the JVM, so $! is the brick's pid.
jrun() { local T=$1/basalt-server/target; shift
  ${EXEC:-} ${TASKSET:-} "$J" $(cat "$T/jvm.flags") -Dio.netty.leakDetection.level=disabled ${JOPTS:-} \
    -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain "$@"; }
want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
record() { echo "round=$1 side=$2 $3 iops=$4 gib_s=$5 lat_us=$6${7:+ cpu_us=$7}$(cat "$DIR/dev.txt" "$DIR/brick.txt" 2> /dev/null)${PAIR:+ pair=$PAIR}" |
  tee -a "$out"; rm -f "$DIR/dev.txt" "$DIR/brick.txt"; }
# The block device under DIR, for dev_util and dev_qd (see the top); none where DIR is on no block
# device (tmpfs, overlay).
DEV=$(basename "$(df --output=source "$DIR" 2> /dev/null | tail -1)"); [ -r "/sys/class/block/$DEV/stat" ] || DEV=
# sample DELAY SECS: the device's counters from DELAY seconds on, for SECS seconds, into DIR/dev.txt
# (run in the background next to a measurement; /sys/class/block/DEV/stat fields 10 and 11).
sample() { [ -n "$DEV" ] || return 0; local a; sleep "$1"; a="$(date +%s%N) $(cat "/sys/class/block/$DEV/stat")"
  sleep "$2"; echo "$a $(date +%s%N) $(cat "/sys/class/block/$DEV/stat")" | awk '{ n = NF / 2; ms = ($(n + 1) - $1) / 1e6
    printf " dev_util=%.0f dev_qd=%.1f", 100 * ($(n + 11) - $11) / ms, ($(n + 12) - $12) / ms }' > "$DIR/dev.txt"; }
# The measured part of a run of RT seconds that starts after LEAD seconds: its middle, at least 1 s.
window() { echo "$(( $1 + 1 )) $(( RT > 2 ? RT - 1 : 1 ))"; }
pid=
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; true' EXIT   # never leave a brick running

# fio JOB RW BS QD [extra...] -> "iops gib_s lat_us" of its read or write side
fio_run() { local rw=$1 bs=$2 qd=$3 sp; shift 3
  sample $(window 0) > /dev/null & sp=$!
  $(cpu "$RAW_CPU") fio --name=r --filename="$DIR/raw.img" --size="$SIZE" --rw="$rw" --bs="$bs" --iodepth="$qd" \
      --direct=1 --runtime="$RT" --time_based --output-format=json "$@" 2> /dev/null |
    python3 -c '
import json, sys
j = json.load(sys.stdin)["jobs"][0]; side = j["write"] if j["write"]["io_bytes"] else j["read"]
lat = side["clat_ns"]["mean"] + side["slat_ns"]["mean"] + (j.get("sync") or {}).get("lat_ns", {}).get("mean", 0)
print(round(side["iops"]), round(side["bw_bytes"] / 2**30, 3), round(lat / 1000, 1))'; wait "$sp"; }

# bench ARGS... -> "iops gib_s lat_us" (of the engine volume, or of namespace NSID)
bench_run() { local js=$DIR/bench.json size=(--size "${BENCH_SIZE:-$VOL}") sp; rm -f "$js"; [[ " $* " == *" --size "* ]] && size=()
  sample $(window "$RAMP") > /dev/null & sp=$!   # the client JVM starts in about a second
  TASKSET=$(cpu "$CLIENT_CPU") jrun "$last" bench "${B[@]}" --nsid "${NSID:-$nsid}" "${size[@]}" $BENCH_OPTS --ramp "$RAMP" "$@" --json "$js" > /dev/null
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); side = j["write"] if j["write"]["ops"] else j["read"]
print(round(side["iops"]), round(side["mib_per_s"] / 1024, 3), round(side["lat_ns"]["avg"] / 1000, 1))' "$js"
  wait "$sp"; }

# nsid_of VOLUME: the running brick's namespace ID of VOLUME.
nsid_of() { curl -sf "http://127.0.0.1:$api/api/v1/volumes/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nsid"])'; }
# on_ram COMMAND...: COMMAND's bench runs against the brick's RAM volume (see the top).
on_ram() { NSID=$ram_nsid BENCH_SIZE=$RAM_VOL "$@"; }
# The brick's CPU time so far, in clock ticks (all its threads).
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# perf RW BS QD -> "iops gib_s lat_us cpu_us" from spdk_nvme_perf's Total line (IOPS, MiB/s, average
# µs), on CLIENT_CPU, the brick's NQN and any host NQN (the brick's volume admits any host); cpu_us is
# the brick's CPU µs per I/O over the run (spdk_nvme_perf starts in well under a second, so the window
# is nearly all measurement): at a queue depth that saturates the brick's CPU, what to make smaller.
perf_run() { local mask=0x$(printf '%x' $((1 << CLIENT_CPU))) t0 report sp; t0=$(ticks)
  sample $(window 0) > /dev/null & sp=$!
  report=$("$SPDK_PERF" --no-huge -s 1024 -c "$mask" -q "$3" -o "$2" -w "$1" -t "$RT" \
      -r "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:$port subnqn:$nqn hostnqn:nqn.2026-01.io.basalt:ratios" 2>&1 || true)
  echo "$report" | awk -v t=$(( $(ticks) - t0 )) -v hz="$(getconf CLK_TCK)" -v rt="$RT" '/^Total/ {
      printf "%.0f %.3f %.1f %.1f\n", $3, $4 / 1024, $5, ($3 > 0 ? t / hz * 1e6 / ($3 * rt) : 0); found = 1 }
      END { if (!found) exit 1 }'; local rc=$?; wait "$sp"; return $rc; }
# client RW BS QD -> the measured workload through SPDK_PERF if set, else `basalt bench` (with its ramp).
client_run() { if [ -n "$SPDK_PERF" ]; then perf_run "$@"; else bench_run --rw "$1" --bs "$2" --iodepth "$3" --runtime "$RT"; fi; }
# latency_sums OP -> "seconds commands": the brick's latency sum and count for OP (read|write).
latency_sums() { curl -sf "http://127.0.0.1:$api/metrics" | awk -v op="op=\"$1\"" 'index($0, op) &&
    /^basalt_volume_latency_seconds_(sum|count)[{]/ { if ($1 ~ /_sum/) s += $NF; else c += $NF }
    END { printf "%.9f %d\n", s, c }'; }
# in_brick RW COMMAND... -> COMMAND's output; the brick's average latency over it into DIR/brick.txt.
in_brick() { local op=read before; [[ $1 == *write* ]] && op=write; shift; before=$(latency_sums $op)
  "$@"; echo "$before $(latency_sums $op)" |
    awk '{ n = $4 - $2; if (n > 0) printf " brick_us=%.1f", ($3 - $1) / n * 1e6 }' > "$DIR/brick.txt"; }

# raw_rows ROUND: the raw device's rows for the workloads asked for, recorded with PAIR (the brick
# measured right after them, whose ratios they give: the device drifts between minutes). The
# scattered-read bound is raw randread QD128: measured whenever a scattered read is.
raw_rows() { local r=$1
  want randread-4k-qd1 && record "$r" raw "randread-4k-qd1" $(fio_run randread 4k 1 --ioengine=libaio)
  want randread-4k-qd32 && record "$r" raw "randread-4k-qd32" $(fio_run randread 4k 32 --ioengine=libaio)
  { want randread-4k-qd128 || want read-128k-qd32-scattered || want read-128k-qd4-scattered; } &&
    record "$r" raw "randread-4k-qd128" $(fio_run randread 4k 128 --ioengine=libaio)
  want randwrite-4k-qd1-sync && record "$r" raw "randwrite-4k-qd1-sync" $(fio_run randwrite 4k 1 --ioengine=psync --fdatasync=1)
  want randwrite-4k-qd32 && record "$r" raw "randwrite-4k-qd32" $(fio_run randwrite 4k 32 --ioengine=libaio)
  want read-128k-qd32 && record "$r" raw "read-128k-qd32" $(fio_run read 128k 32 --ioengine=libaio)
  true; }

for r in $(seq "$ROUNDS"); do
  fio --name=fill --filename="$DIR/raw.img" --size="$SIZE" --rw=write --bs=1M --direct=1 --ioengine=libaio \
      --iodepth=8 > /dev/null
  order=$BRICKS; [ $((r % 2)) = 0 ] && order=$(printf '%s\n' $BRICKS | tac | xargs)
  for side in $order; do
    poll=false; spec=$side; [[ $spec == *:poll ]] && { poll=true; spec=${spec%:poll}; }
    vopts=; [[ $spec == *@* ]] && vopts=,${spec#*@}
    base=${spec%%@*}; src=${base%%+*}; opts=; [[ $base == *+* ]] && opts=${base#*+}
    s=$(basename "$(cd "$src" && pwd)")${opts:++$opts}${vopts:+@${vopts#,}}; [ "$poll" = true ] && s=$s:poll
    PAIR=$s raw_rows "$r"
    d=$(mktemp -d "$DIR/brick.XXXX")
    fio --name=fill --filename="$d/pool.img" --size="$SIZE" --rw=write --bs=1M --direct=1 --ioengine=libaio \
        --iodepth=8 > /dev/null
    port=$((20000 + RANDOM % 20000)); api=$((port + 1)); ram_volume=()
    [ -z "$SPDK_PERF" ] && ram_volume=(--volume "name=ram,size=$RAM_VOL,hosts=any,backend=ram")
    EXEC=exec TASKSET=$(cpu "$BRICK_CPU") JOPTS="${opts//,/ }" jrun "$src" serve --data-dir "$d/data" --device "$d/pool.img" \
      --listen 127.0.0.1:$port --discovery-listen none --api-listen 127.0.0.1:$api --busy-poll $poll ${TCP_CC:+--tcp-congestion $TCP_CC} \
      --kek-file "$d/kek" --volume "name=eng,size=$VOL,hosts=any$VOLUME_OPTS$vopts" \
      "${ram_volume[@]}" > "$d/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 150); do curl -sf http://127.0.0.1:$api/api/v1/brick > "$d/b.json" && break; sleep 0.2; done
    nqn=$(python3 -c "import json; print(json.load(open('$d/b.json'))['subsystemNqn'])")
    nsid=$(nsid_of eng); ram_nsid=; [ ${#ram_volume[@]} -gt 0 ] && ram_nsid=$(nsid_of ram)
    B=(--target 127.0.0.1:$port --nqn "$nqn")
    bench_run --rw write --bs 128k --iodepth 32 --runtime 3 > /dev/null   # every block written, in order
    # The RAM volume's blocks too, so its writes below allocate nothing.
    [ -n "$ram_nsid" ] && on_ram bench_run --rw write --bs 128k --iodepth 32 --runtime 1 > /dev/null
    [ "$WARMUP" -gt 0 ] && bench_run --rw randread --bs 4k --iodepth 32 --runtime "$WARMUP" > /dev/null
    want read-128k-qd32 && record "$r" "$s" "read-128k-qd32" $(in_brick read client_run read 131072 32)
    for qd in 1 32 128; do
      want randread-4k-qd$qd && record "$r" "$s" "randread-4k-qd$qd" $(in_brick read client_run randread 4096 $qd)
    done
    # The floor under the QD1 rows: the same client and workload on the RAM volume (see the top).
    [ -n "$ram_nsid" ] && want randread-4k-qd1 && record "$r" "$s" "ram-randread-4k-qd1" \
      $(on_ram in_brick read client_run randread 4096 1)
    want randwrite-4k-qd1-sync && record "$r" "$s" "randwrite-4k-qd1-sync" $(in_brick write client_run randwrite 4096 1)
    [ -n "$ram_nsid" ] && want randwrite-4k-qd1-sync && record "$r" "$s" "ram-randwrite-4k-qd1" \
      $(on_ram in_brick write client_run randwrite 4096 1)
    want randwrite-4k-qd32 && record "$r" "$s" "randwrite-4k-qd32" $(in_brick write client_run randwrite 4096 32)
    # Scatter the first SCATTER bytes: random 4K overwrites, several times over, so nearly every block
    # of a 128K read lies in its own place; then read them in order.
    if want read-128k-qd32-scattered || want read-128k-qd4-scattered; then
      bench_run --rw randwrite --bs 4k --iodepth 32 --runtime "$OVERWRITE" --size "$SCATTER" > /dev/null
      for qd in 32 4; do
        want read-128k-qd$qd-scattered && record "$r" "$s" "read-128k-qd$qd-scattered" \
          $(in_brick read bench_run --rw read --bs 128k --iodepth $qd --runtime "$RT" --size "$SCATTER")
      done
    fi
    kill $pid; wait $pid 2> /dev/null || true; pid=; rm -rf "$d"
  done
done
rm -f "$DIR/raw.img" "$DIR/bench.json" "$DIR/dev.txt" "$DIR/brick.txt"
echo "client: ${SPDK_PERF:-basalt bench} (scattered reads: basalt bench); warm-up ${WARMUP} s of reads per brick;" \
  "TCP congestion control ${TCP_CC:-$machine_cc, the default of the machine}"
python3 - "$out" <<'EOF'
import statistics, sys
rows = {}
# Per round: each brick's values and the raw device's measured right before that brick (PAIR).
by_round = {}
for line in open(sys.argv[1]):
    m = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    test = line.split()[2]
    values = (float(m["iops"]), float(m["gib_s"]), float(m["lat_us"]), float(m.get("cpu_us", "nan")),
              float(m.get("dev_util", "nan")), float(m.get("brick_us", "nan")))
    rows.setdefault((m["side"], test), []).append(values)
    key = ("raw", m.get("pair", "")) if m["side"] == "raw" else (m["side"], None)
    by_round.setdefault((m["round"], test), {})[key] = values
def med(side, test, i):
    v = rows.get((side, test))
    return statistics.median(x[i] for x in v) if v else float("nan")
def spread(side, test, i):
    v = [x[i] for x in rows.get((side, test), []) if x[i] == x[i]]
    return f"{min(v):g}-{max(v):g}" if v else "-"
print("\nmedians (min-max over rounds):")
for (side, test) in sorted(rows):
    avg, cpu, busy, in_brick = (med(side, test, i) for i in (2, 3, 4, 5))
    # The optional columns: NaN (never equal to itself) where the rows did not have them.
    print(f"  {side:10} {test:26} IOPS {med(side, test, 0):>9.0f} ({spread(side, test, 0)})  "
          f"GiB/s {med(side, test, 1):.3f}  avg µs {avg:.1f} ({spread(side, test, 2)})"
          + (f"  brick CPU µs/IO {cpu:.1f}" if cpu == cpu else "")
          + (f"  device busy {busy:.0f}%" if busy == busy else "")
          + (f"  in brick µs {in_brick:.1f} ({100 * in_brick / avg:.0f}% of avg)" if in_brick == in_brick else ""))
raw = lambda t, i: med("raw", t, i)
print(f"\nraw: 128K read {raw('read-128k-qd32', 1):.3f} GiB/s; scattered-read bound (4K QD128 IOPS x 4 KiB) "
      f"{raw('randread-4k-qd128', 0) * 4096 / 2**30:.3f} GiB/s; write+fdatasync {raw('randwrite-4k-qd1-sync', 2):.1f} µs")
def paired(side, test, raw_test, f):
    """f(brick values, raw values) per round, against the raw row measured right before this brick
    (or the round's only raw row, in files from before raw rows were paired); their median."""
    out = []
    for (rnd, t), sides in by_round.items():
        if t != test or (side, None) not in sides:
            continue
        raws = by_round.get((rnd, raw_test), {})
        r = raws.get(("raw", side)) or raws.get(("raw", ""))
        if r:
            out.append(f(sides[(side, None)], r))
    return statistics.median(out) if out else float("nan")
ratio = lambda i: lambda b, r: b[i] / r[i]
over = lambda b, r: b[2] - r[2]
scattered = lambda b, r: b[1] / (r[0] * 4096 / 2**30)  # against raw 4K QD128 IOPS x 4 KiB, in GiB/s
print("ratios, median of the rounds' (each brick against the raw device measured just before it) (goal):")
print("  seq128K(>=0.9)  scattered128K(>=0.8)  [QD4]  rr4K-QD32(>=0.8)  rr4K-QD128(>=0.8)  "
      "rr4K-QD1 +µs(<=30)  durable-w4K-QD1 +µs(<=40)  rw4K-QD32 IOPS")
for side in sorted({s for s, _ in rows if s != "raw"}):
    print(f"  {side:10} {paired(side, 'read-128k-qd32', 'read-128k-qd32', ratio(1)):14.2f}  "
          f"{paired(side, 'read-128k-qd32-scattered', 'randread-4k-qd128', scattered):20.2f}  "
          f"{paired(side, 'read-128k-qd4-scattered', 'randread-4k-qd128', scattered):5.2f}  "
          f"{paired(side, 'randread-4k-qd32', 'randread-4k-qd32', ratio(0)):16.2f}  "
          f"{paired(side, 'randread-4k-qd128', 'randread-4k-qd128', ratio(0)):17.2f}  "
          f"{paired(side, 'randread-4k-qd1', 'randread-4k-qd1', over):18.0f}  "
          f"{paired(side, 'randwrite-4k-qd1-sync', 'randwrite-4k-qd1-sync', over):25.0f}  "
          f"{med(side, 'randwrite-4k-qd32', 0):14.0f}")
in_brick_over = lambda b, r: b[5] - r[2]
qd1 = sorted({s for s, t in rows if s != "raw" and t in ("randread-4k-qd1", "randwrite-4k-qd1-sync")})
if qd1:
    print("QD1, µs over the raw device: as the client sees it, and of that in the brick; the RAM volume's own"
          " latency (the client and the network alone, no device: the floor under the first figure)")
    for side in qd1:
        cells = []
        for name, test, ram in (("read", "randread-4k-qd1", "ram-randread-4k-qd1"),
                                ("durable write", "randwrite-4k-qd1-sync", "ram-randwrite-4k-qd1")):
            if (side, test) in rows:
                cells.append(f"{name} {paired(side, test, test, over):+.0f} (in brick "
                             f"{paired(side, test, test, in_brick_over):+.0f}), RAM volume {med(side, ram, 2):.1f}")
        print(f"  {side:10} " + ";  ".join(cells))
print(f"raw numbers: {sys.argv[1]}")
EOF
