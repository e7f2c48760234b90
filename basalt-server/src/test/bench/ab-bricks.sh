#!/usr/bin/env bash
# Same-run A/B of two builds of the brick: OLD=checkout NEW=checkout (each built with
# `./mvnw -B -q package -DskipTests`), the same client (NEW's bench), alternating rounds.
#   OLD=../basalt-before NEW=. ROUNDS=5 RT=5 basalt-server/src/test/bench/ab-bricks.sh
# Each round: a brick with a RAM and an engine volume on a 2 GiB sparse device in a temp dir, the
# first 256 MiB of each filled, then 4K randread QD128/QD1 (RAM), randread/randwrite QD32 (engine).
set -euo pipefail
OLD=${OLD:?set OLD to the checkout measured first}; NEW=${NEW:-.}; ROUNDS=${ROUNDS:-3}; RT=${RT:-5}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# Only ever run in the background: exec makes that subshell the JVM, so $! is the brick and kill stops it.
serve() { local T=$1/basalt-server/target; shift
  exec "$J" $(cat $T/jvm.flags) -Dio.netty.leakDetection.level=disabled -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain serve "$@"; }
bench() { local T=$NEW/basalt-server/target
  "$J" $(cat $T/jvm.flags) -Dio.netty.leakDetection.level=disabled -cp "$T/basalt-server-0.1.0-SNAPSHOT.jar:$T/lib/*" io.basalt.server.BasaltMain bench "$@"; }
out=${OUT:-ab-$(date +%H%M).txt}; : > "$out"
for r in $(seq $ROUNDS); do
  for side in OLD NEW; do
    dir=$(mktemp -d); src=${!side}
    truncate -s 2G $dir/dev.img
    port=$((20000 + RANDOM % 20000)); api=$((port + 1))
    serve "$src" --data-dir $dir/data --device $dir/dev.img --listen 127.0.0.1:$port --discovery-listen none \
      --api-listen 127.0.0.1:$api --volume name=ram,size=1GiB,hosts=any,backend=ram \
      --volume name=eng,size=1GiB,hosts=any > $dir/serve.log 2>&1 &
    pid=$!
    for _ in $(seq 150); do curl -sf http://127.0.0.1:$api/api/v1/brick > $dir/b.json && break; sleep 0.2; done
    nqn=$(python3 -c "import json; print(json.load(open('$dir/b.json'))['subsystemNqn'])")
    nsid() { curl -sf http://127.0.0.1:$api/api/v1/volumes/$1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["nsid"])'; }
    R=$(nsid ram); E=$(nsid eng)
    B=(--target 127.0.0.1:$port --nqn $nqn)
    bench "${B[@]}" --nsid $R --rw write --bs 128k --iodepth 16 --runtime 2 --size 256MiB > /dev/null
    bench "${B[@]}" --nsid $E --rw write --bs 128k --iodepth 16 --runtime 4 --size 256MiB > /dev/null
    for t in "ram randread 128" "ram randread 1" "eng randread 32" "eng randwrite 32"; do
      set -- $t; n=$R; [ $1 = eng ] && n=$E
      line=$(bench "${B[@]}" --nsid $n --rw $2 --bs 4k --iodepth $3 --runtime $RT --size 256MiB | grep -E "IOPS=" | head -1)
      echo "round=$r side=$side $1 $2 qd$3 $line" | tee -a "$out"
    done
    kill $pid; wait $pid 2>/dev/null || true; rm -rf $dir
  done
done
echo "results in $out"
