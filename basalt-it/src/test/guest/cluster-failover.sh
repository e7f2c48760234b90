#!/bin/sh
# The Linux kernel NVMe/TCP host with native multipath against three replicating Basalt bricks on the
# build machine, while their primaries are killed, restarted and frozen. Runs inside the guest
# (run-guest.sh); ClusterFailoverIT starts the cluster and creates an RF3 and an RF2 volume.
#
# Variables: BASALT_ADDR (the build machine as the guest sees it, default 10.0.2.2), BASALT_PORT
# (brick b1's NVMe/TCP port, where discovery lists every brick), BASALT_NQN (the cluster's
# subsystem), BASALT_BRICKS (how many), BASALT_VOLUMES ("NAME:UUID:REPLICAS ...").
#
# Console protocol as cluster-multipath.sh: "BASALT-STEP/PASS/FAIL <name>", "BASALT-WHY <text>",
# "BASALT-CLUSTER <request> [volume]" answered by "BASALT-CLUSTER-DONE ok|failed [detail]" (requests in
# FailoverRequests), and "BASALT-METRIC <name> <value>" for the test to collect. The last line is
# "BASALT-CLUSTER-END failures=<n>".

ADDR=${BASALT_ADDR:-10.0.2.2}
PORT=${BASALT_PORT:?BASALT_PORT is not set}
NQN=${BASALT_NQN:?BASALT_NQN is not set}
BRICKS=${BASALT_BRICKS:-3}
VOLUMES=${BASALT_VOLUMES:?BASALT_VOLUMES is not set}
# fio's writes stay in the first FIO_SIZE of a volume: a returning replica missed at most that much
FIO_SIZE=32m
# paced so that the kill lands well inside the write phase even when emulation is fast
FIO_RATE_IOPS=1000
FIO_LIMIT=180
# regions are 64 KiB: 32 MiB is 512 of them, with slack
MAX_RESYNC_REGIONS=600
failures=0

why() { echo "BASALT-WHY $*"; return 1; }
run() { echo "+ $*"; "$@"; }

finish() {
  echo "BASALT-CLUSTER-END failures=$failures"
  [ "$failures" = 0 ] && exit 0
  echo "--- state at the end"
  nvme list-subsys 2>&1
  for c in $(cluster_controllers); do echo "$c $(cat /sys/class/nvme/$c/state) port $(port_of $c)"; done
  for p in /sys/class/nvme/nvme*/nvme*c*n*; do [ -e "$p/ana_state" ] && echo "$p $(cat "$p/ana_state")"; done
  exit 1
}

# a failed step ends the run: what follows depends on the bricks it left, and on a host that may hold I/O
step() {
  step_name=$1; shift
  echo "BASALT-STEP $step_name"
  if "$@"; then echo "BASALT-PASS $step_name"; else echo "BASALT-FAIL $step_name"; failures=$((failures + 1)); finish; fi
}

# --- helpers ----------------------------------------------------------------------------------

# the controllers (nvmeN) of the cluster's subsystem
cluster_controllers() {
  for c in $(ls /sys/class/nvme 2>/dev/null); do
    [ "$(cat /sys/class/nvme/$c/subsysnqn 2>/dev/null)" = "$NQN" ] && echo "$c"
  done
}

port_of() { sed -n 's/.*trsvcid=\([0-9]*\).*/\1/p' /sys/class/nvme/$1/address; }

# volume_field NAME N: field N of NAME's entry in BASALT_VOLUMES (2 = UUID, 3 = replicas)
volume_field() {
  local v
  for v in $VOLUMES; do
    [ "${v%%:*}" = "$1" ] && echo "$v" | cut -d: -f"$2" && return 0
  done
  return 1
}

# head_of NAME: the multipath block device (nvmeXnY) of a volume
head_of() {
  local uuid b
  uuid=$(volume_field "$1" 2) || return 1
  for b in $(ls /sys/block | grep -E '^nvme[0-9]+n[0-9]+$'); do
    [ "$(cat /sys/block/$b/uuid 2>/dev/null)" = "$uuid" ] && echo "$b" && return 0
  done
  return 1
}

# ana_states NAME: "PORT=STATE ..." for each path of a volume
ana_states() {
  local dev subsys ns ctrl p
  dev=$(head_of "$1") || return 1
  subsys=${dev%n*}; ns=${dev##*n}
  for ctrl in $(cluster_controllers); do
    p=/sys/class/nvme/$ctrl/${subsys}c${ctrl#nvme}n$ns
    [ -e "$p/ana_state" ] && printf '%s=%s ' "$(port_of "$ctrl")" "$(cat "$p/ana_state")"
  done
}

# cluster_request WHAT...: has the test act on the cluster; keeps its answer in $reply
cluster_request() {
  echo "BASALT-CLUSTER $*"
  reply=""
  read -t 240 reply || why "no answer to '$*' within 240 s" || return 1
  case $reply in
    *"BASALT-CLUSTER-DONE ok"*) echo "cluster: $reply" ;;
    *) why "the test could not $*: $reply"; return 1 ;;
  esac
}

# answer_field KEY: KEY=VALUE out of the last answer
answer_field() { echo "$reply" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

# every controller of the cluster live again (a restarted brick's path reconnects every 10 s by default)
all_paths_live() {
  local i live c
  i=0
  while [ $i -lt 60 ]; do
    live=0
    for c in $(cluster_controllers); do [ "$(cat /sys/class/nvme/$c/state)" = live ] && live=$((live + 1)); done
    [ "$live" = "$BRICKS" ] && return 0
    sleep 1; i=$((i + 1))
  done
  why "after 60 s only $live of $BRICKS controllers are live: $(for c in $(cluster_controllers); do printf '%s=%s ' $c $(cat /sys/class/nvme/$c/state); done)"
}

# fio_json FILE KEY...: the number at the first KEY found after each previous one in fio's JSON
# ("write clat_ns max": the longest write completion), enough for fio's one-key-a-line output
fio_json() {
  local file
  file=$1; shift
  awk -v keys="$*" '
      BEGIN { n = split(keys, k, " "); at = 1 }
      $1 == "\"" k[at] "\"" && $2 == ":" {
        if (at == n) { gsub(/[^0-9.]/, "", $3); print $3; exit }
        at++
      }' "$file"
}

# fio_while VOLUME REQUEST: fio with verify on the volume; ~2 s in, the test acts on the cluster with
# REQUEST; fio must then finish with no error and its verification passing. Prints the longest write
# completion latency (the I/O pause) as a metric.
fio_while() {
  local volume request seed dev pid asked limit i rc error pause_ns written
  volume=$1; request=$2
  dev=$(head_of "$volume") || why "no block device for volume $volume" || return 1
  echo "volume $volume is /dev/$dev, paths: $(ana_states "$volume")"
  rm -f /tmp/fio.json /tmp/fio.err
  # A seed of its own per run: fio's default seed is fixed, so a run repeating an earlier one on the same
  # volume would write the same blocks, and a lost write would read back as the earlier run's valid block.
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  echo "+ fio randwrite 4k iodepth 8 $FIO_SIZE verify=crc32c randseed=$seed on /dev/$dev, '$request $volume' 2 s in"
  fio --name="$request-$volume" --filename=/dev/$dev --rw=randwrite --bs=4k --size=$FIO_SIZE --direct=1 \
      --ioengine=libaio --iodepth=8 --rate_iops=$FIO_RATE_IOPS --randseed=$seed \
      --verify=crc32c --verify_fatal=1 --do_verify=1 \
      --output-format=json --output=/tmp/fio.json > /tmp/fio.err 2>&1 &
  pid=$!
  sleep 2
  kill -0 $pid 2>/dev/null || { cat /tmp/fio.err; why "fio ended before the request: nothing to fail over under"; return 1; }
  cluster_request "$request" "$volume"
  asked=$?
  # a request that failed has said why; fio's outcome is then only a detail: wait less for it
  limit=$FIO_LIMIT; [ $asked = 0 ] || limit=15
  i=0
  while kill -0 $pid 2>/dev/null && [ $i -lt $limit ]; do sleep 1; i=$((i + 1)); done
  if kill -0 $pid 2>/dev/null; then
    why "fio on /dev/$dev has not finished $limit s after '$request $volume': I/O is stuck (paths: $(ana_states "$volume"))"
    return 1
  fi
  wait $pid
  rc=$?
  cat /tmp/fio.err
  [ $asked = 0 ] || return 1
  error=$(fio_json /tmp/fio.json jobs error)
  pause_ns=$(fio_json /tmp/fio.json write clat_ns max)
  written=$(fio_json /tmp/fio.json write total_ios)
  echo "fio exit $rc, error=$error, writes=$written, longest write ${pause_ns} ns"
  [ $rc = 0 ] || why "fio on /dev/$dev exited with $rc across '$request $volume'" || return 1
  [ "$error" = 0 ] || why "fio on /dev/$dev reported error=$error across '$request $volume'" || return 1
  [ -n "$pause_ns" ] || why "no write clat_ns max in fio's output" || return 1
  echo "BASALT-METRIC failover-pause-ms $((pause_ns / 1000000))"
}

# rejoin VOLUME: the killed bricks start again and catch up on the changed regions only
rejoin() {
  local regions
  cluster_request restart-killed "$1" || return 1
  regions=$(answer_field regions)
  echo "BASALT-METRIC resync-regions $regions"
  [ -n "$regions" ] || why "no regions=N in the answer" || return 1
  [ "$regions" -gt 0 ] || why "$1: the returning replica copied no region, though fio wrote while it was away" || return 1
  [ "$regions" -le $MAX_RESYNC_REGIONS ] \
    || why "$1: $regions regions resynced, more than fio's $FIO_SIZE can have changed ($MAX_RESYNC_REGIONS): not only changed blocks" \
    || return 1
  all_paths_live
}

# --- steps ------------------------------------------------------------------------------------

connect_all() {
  local i v name replicas uuid n states
  run timeout 120 nvme connect-all -t tcp -a "$ADDR" -s "$PORT" || why "nvme connect-all failed" || return 1
  i=0
  while [ "$(cluster_controllers | wc -l)" -lt "$BRICKS" ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
  nvme list-subsys 2>&1
  [ "$(cluster_controllers | wc -l)" = "$BRICKS" ] \
    || why "expected $BRICKS controllers of $NQN, found: $(cluster_controllers)" || return 1
  for v in $VOLUMES; do
    name=${v%%:*}; replicas=${v##*:}
    i=0
    while ! head_of "$name" > /dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
    head_of "$name" > /dev/null || why "no block device for volume $name" || return 1
    uuid=$(volume_field "$name" 2)
    n=$(for b in $(ls /sys/block | grep -E '^nvme[0-9]+n[0-9]+$'); do cat /sys/block/$b/uuid; echo; done | grep -c "$uuid")
    [ "$n" = 1 ] || why "volume $name appears as $n block devices" || return 1
    # one optimized path (the primary's), the replicas' inaccessible
    i=0
    while [ $i -lt 30 ]; do
      states=$(ana_states "$name")
      [ "$(echo $states | wc -w)" = "$replicas" ] && [ "$(echo $states | tr ' ' '\n' | grep -c '=optimized$')" = 1 ] && break
      sleep 1; i=$((i + 1))
    done
    echo "volume $name is /dev/$(head_of "$name"), paths: $states"
    [ "$(echo $states | wc -w)" = "$replicas" ] || why "volume $name: expected $replicas paths, found $states" || return 1
    [ "$(echo $states | tr ' ' '\n' | grep -c '=optimized$')" = 1 ] \
      || why "volume $name: expected one optimized path, found $states" || return 1
  done
}

failover_rf3() { fio_while f3 kill-primary; }
resync_changed_only() { rejoin f3; }
failover_again() { fio_while f3 kill-primary; }
resync_again() { rejoin f3; }
rf2_stays_writable() { fio_while f2 kill-primary; }
rf2_rejoins() { rejoin f2; }

# the frozen primary must acknowledge nothing once another brick leads: fio's verify and the replicas'
# comparison would both see a write that only it took
split_brain_freeze() {
  fio_while f3 freeze-primary || return 1
  cluster_request verify f3
}

all_healthy() {
  cluster_request heal || return 1
  all_paths_live || return 1
  cluster_request verify f3 || return 1
  cluster_request verify f2
}

# kernel messages about lost paths would land in the middle of our lines: keep them in the log only
dmesg -n 1 2>/dev/null

step connect-all connect_all
step failover-rf3 failover_rf3
step resync-changed-only resync_changed_only
step failover-again failover_again
step resync-again resync_again
step rf2-stays-writable rf2_stays_writable
step rf2-rejoins rf2_rejoins
step split-brain-freeze split_brain_freeze
step all-healthy all_healthy
finish
