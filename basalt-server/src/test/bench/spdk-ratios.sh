#!/usr/bin/env bash
# Same-run comparison of the network path against SPDK (issue 16's RAM-backend goals): SPDK's
# NVMe/TCP target and bricks with one RAM volume, each pinned to CPU 0, SPDK's spdk_nvme_perf on
# CPU 1 as the client, 4K randwrite QD128 (which also fills the volume) then 4K randread QD1.
#   SPDK=/path/to/spdk-anchors SIDES="spdk ../before ../before:poll . .:poll" ROUNDS=3 RT=5 \
#       basalt-server/src/test/bench/spdk-ratios.sh
# SPDK is a directory holding target.sh, deps.sh and spdk_nvme_perf (SPDK v24.01, not part of this repo).
# A side is "spdk" or a checkout built with `./mvnw -B -q package -DskipTests`; ":poll" adds
# --busy-poll, ":spin=NANOS" -Dbasalt.target.spinNanos (event loops poll that long before sleeping),
# ":idle=NANOS" -Dbasalt.target.idlePollNanos (the SCHED_IDLE idle poller, docs/configuration.md). Bricks run one event loop (--io-threads 1), as SPDK runs one reactor. The order of
# the sides is reversed every other round. WORKLOADS (default "128:randwrite 1:randread") lists
# QD:pattern pairs of 4 KiB I/O. Loopback only.
set -euo pipefail
SPDK=${SPDK:?set SPDK to the directory of target.sh and spdk_nvme_perf}
"$SPDK/deps.sh"
SIDES=${SIDES:-spdk .}; ROUNDS=${ROUNDS:-3}; RT=${RT:-5}; WORKLOADS=${WORKLOADS:-128:randwrite 1:randread}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# Only ever run in the background: exec makes that subshell the process, so $! is what kill stops.
serve() { local T=$1/basalt-server/target; shift
  exec taskset -c 0 "$J" $(cat $T/jvm.flags) $JOPTS -Dio.netty.leakDetection.level=disabled \
    -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain serve "$@"; }
# The target's CPU time in clock ticks (all threads): CPU per I/O is what a busy machine distorts least.
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
# spdk_nvme_perf as SPDK's perf.sh runs it (client on CPU 1), with latency percentiles (-L).
perf() { "$SPDK/spdk_nvme_perf" --no-huge -s 1024 -c 0x2 -q $3 -o 4096 -w $4 -t $5 -L \
  -r "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:$1 subnqn:$2 hostnqn:nqn.2014-08.org.nvmexpress:uuid:0b5e0b5e-0000-4000-8000-00000000beef" 2>&1; }
listening() { ss -ltn "sport = :$1" | grep -q LISTEN; }
out=${OUT:-spdk-ratios-$(date +%H%M).txt}; : > "$out"
for r in $(seq $ROUNDS); do
  order=$SIDES; [ $((r % 2)) = 0 ] && order=$(echo $SIDES | tr ' ' '\n' | tac | tr '\n' ' ')
  for side in $order; do
    port=$((20000 + RANDOM % 20000)); dir=$(mktemp -d)
    if [ "$side" = spdk ]; then
      nqn=nqn.2016-06.io.spdk:cnode1
      "$SPDK/target.sh" $port 0x1 $nqn > $dir/serve.log 2>&1 &
      pid=$!
      for _ in $(seq 100); do listening $port && break; sleep 0.1; done
    else
      src=${side%%:*}; poll=false; JOPTS=
      case $side in *:poll) poll=true ;; *:spin=*) JOPTS=-Dbasalt.target.spinNanos=${side##*=} ;;
        *:idle=*) JOPTS=-Dbasalt.target.idlePollNanos=${side##*=} ;; esac
      api=$((port + 1))
      serve "$src" --data-dir $dir/data --listen 127.0.0.1:$port --discovery-listen none --io-threads 1 \
        --busy-poll $poll --api-listen 127.0.0.1:$api --volume name=ram,size=1GiB,hosts=any,backend=ram \
        > $dir/serve.log 2>&1 &
      pid=$!
      for _ in $(seq 150); do curl -sf http://127.0.0.1:$api/api/v1/brick > $dir/b.json && break; sleep 0.2; done
      nqn=$(python3 -c "import json; print(json.load(open('$dir/b.json'))['subsystemNqn'])")
    fi
    perf $port $nqn 128 randwrite 2 > /dev/null || true   # warm-up (and the JIT), not counted
    for t in $WORKLOADS; do
      set -- ${t/:/ }
      # IOPS MiB/s average min max (µs), p50 (µs); cpu_us = the target's CPU µs per I/O.
      t0=$(ticks $pid)
      report=$(perf $port $nqn $1 $2 $RT || true)
      t1=$(ticks $pid)
      line="$(echo "$report" | grep -E "^Total" | tr -s ' ') p50=$(echo "$report" | awk '/ 50.00000% :/ {print $3; exit}')"
      cpu=$(echo "$line" | awk -v t=$((t1 - t0)) -v hz=$(getconf CLK_TCK) -v rt=$RT '{ if ($3 > 0) printf "%.1f", t / hz * 1e6 / ($3 * rt) }')
      echo "round=$r side=$side $2 qd$1 load=$(cut -d' ' -f1 /proc/loadavg) cpu_us=$cpu $line" | tee -a "$out"
    done
    kill $pid; wait $pid 2>/dev/null || true; rm -rf $dir
  done
done
echo "results in $out"
