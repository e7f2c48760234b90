#!/usr/bin/env bash
# Same-run comparison of the network path against SPDK (issue 16's RAM-backend goals): SPDK's
# NVMe/TCP target and bricks with one RAM volume, each pinned to CPU 0, SPDK's spdk_nvme_perf on
# CPU 1 as the client, 4K randwrite QD128 (which also fills the volume) then 4K randread QD1.
#   SPDK=/path/to/spdk-anchors SIDES="spdk ../before ../before:poll . .:poll" ROUNDS=3 RT=5 \
#       basalt-server/src/test/bench/spdk-ratios.sh
# SPDK is a directory holding target.sh and perf.sh (SPDK v24.01 binaries, not part of this repo).
# A side is "spdk" or a checkout built with `./mvnw -B -q package -DskipTests`; ":poll" adds
# --busy-poll. Bricks run one event loop (--io-threads 1), as SPDK runs one reactor. The order of
# the sides is reversed every other round. Loopback only.
set -euo pipefail
SPDK=${SPDK:?set SPDK to the directory of target.sh and perf.sh}
SIDES=${SIDES:-spdk .}; ROUNDS=${ROUNDS:-3}; RT=${RT:-5}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# Only ever run in the background: exec makes that subshell the process, so $! is what kill stops.
serve() { local T=$1/basalt-server/target; shift
  exec taskset -c 0 "$J" $(cat $T/jvm.flags) -Dio.netty.leakDetection.level=disabled \
    -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain serve "$@"; }
# The target's CPU time in clock ticks (all threads): CPU per I/O is what a busy machine distorts least.
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
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
      src=${side%:poll}; poll=false; [ "$side" != "$src" ] && poll=true
      api=$((port + 1))
      serve "$src" --data-dir $dir/data --listen 127.0.0.1:$port --discovery-listen none --io-threads 1 \
        --busy-poll $poll --api-listen 127.0.0.1:$api --volume name=ram,size=1GiB,hosts=any,backend=ram \
        > $dir/serve.log 2>&1 &
      pid=$!
      for _ in $(seq 150); do curl -sf http://127.0.0.1:$api/api/v1/brick > $dir/b.json && break; sleep 0.2; done
      nqn=$(python3 -c "import json; print(json.load(open('$dir/b.json'))['subsystemNqn'])")
    fi
    for t in "128 randwrite" "1 randread"; do
      set -- $t
      # Total line: IOPS MiB/s average min max (µs); cpu_us = the target's CPU µs per I/O.
      t0=$(ticks $pid)
      line=$("$SPDK/perf.sh" $port $nqn $1 4096 $2 $RT 0x2 2>&1 | grep -E "^Total" | tr -s ' ' || true)
      t1=$(ticks $pid)
      cpu=$(echo "$line" | awk -v t=$((t1 - t0)) -v hz=$(getconf CLK_TCK) -v rt=$RT '{ if ($3 > 0) printf "%.1f", t / hz * 1e6 / ($3 * rt) }')
      echo "round=$r side=$side $2 qd$1 load=$(cut -d' ' -f1 /proc/loadavg) cpu_us=$cpu $line" | tee -a "$out"
    done
    kill $pid; wait $pid 2>/dev/null || true; rm -rf $dir
  done
done
echo "results in $out"
