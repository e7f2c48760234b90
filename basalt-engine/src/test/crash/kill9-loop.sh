#!/usr/bin/env bash
# kill -9 loop (bounded): basalt bench --verify-log writes to a backend=engine volume over NVMe/TCP,
# the server is killed with SIGKILL at a random moment, restarted, and bench --verify-only must find
# every acknowledged write. A process crash, not a power cut (the page cache survives): power cuts
# are covered by the engine's FaultyDevice tests. Usage: ROUNDS=5 basalt-engine/src/test/crash/kill9-loop.sh
set -u
cd "$(dirname "$0")/../../../.."
D=${D:-/tmp/basalt-crash}
rm -rf "$D"; mkdir -p "$D"
start() {
  ./basalt serve --data-dir $D/data --listen 127.0.0.1:14420 --discovery-listen none \
      --volume name=v,size=256MiB,hosts=any,backend=engine > $D/serve.$1.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do grep -q "is serving" $D/serve.$1.log 2>/dev/null && return 0; sleep 0.2; done
  echo "server did not start"; cat $D/serve.$1.log; return 1
}
start 0 || exit 1
NQN=$(grep -o 'nqn.2026-01.io.basalt:subsystem:[0-9a-f-]*' $D/serve.0.log | head -1)
kill $SERVER; wait $SERVER 2>/dev/null
pass=0
for i in $(seq 1 ${ROUNDS:-5}); do
  start w$i || exit 1
  rm -f $D/log.$i
  ./basalt bench --target 127.0.0.1:14420 --nqn $NQN --rw randwrite --bs 4k --iodepth 16 --runtime 30 \
      --size 64MiB --verify-log $D/log.$i > $D/bench.$i.log 2>&1 &
  BENCH=$!
  sleep $((2 + RANDOM % 4)).$((RANDOM % 10))
  kill -9 $SERVER; wait $SERVER 2>/dev/null
  wait $BENCH 2>/dev/null
  start v$i || exit 1
  if ./basalt bench --target 127.0.0.1:14420 --nqn $NQN --rw randwrite --bs 4k --iodepth 16 --size 64MiB \
      --verify-log $D/log.$i --verify-only > $D/verify.$i.log 2>&1; then
    pass=$((pass+1)); echo "round $i: $(wc -l < $D/log.$i 2>/dev/null) log lines; verify OK: $(grep -iE 'verif|error' $D/verify.$i.log | tail -2 | tr '\n' ' ')"
  else
    echo "round $i: VERIFY FAILED"; tail -5 $D/verify.$i.log
  fi
  kill $SERVER; wait $SERVER 2>/dev/null
done
echo "passed $pass of ${ROUNDS:-5}"
[ "$pass" = "${ROUNDS:-5}" ]
