#!/bin/sh
# The Linux kernel NVMe/TCP host against a cluster of three Basalt bricks on the build machine, one
# etcd behind them. Runs inside the guest (run-guest.sh); ClusterMultipathIT starts the cluster and
# creates three volumes of two replicas each, whose primaries are the three bricks in turn.
#
# Variables: BASALT_ADDR (the build machine as the guest sees it, default 10.0.2.2),
# BASALT_PORTS ("P1 P2 P3": the bricks' NVMe/TCP ports, brick 1 first), BASALT_NQN (the cluster's
# subsystem), BASALT_VOLUMES ("UUID:PRIMARY_PORT:REPLICA_PORT ..."; one per volume).
#
# Console protocol as linux-host-interop.sh: "BASALT-STEP/PASS/FAIL <name>", "BASALT-WHY <text>".
# To have the test act on the cluster it prints "BASALT-CLUSTER <etcd-restart|kill-leader>" and waits
# for "BASALT-CLUSTER-DONE ok [detail]". The last line is "BASALT-CLUSTER-END failures=<n>".

ADDR=${BASALT_ADDR:-10.0.2.2}
PORTS=${BASALT_PORTS:?BASALT_PORTS is not set}
NQN=${BASALT_NQN:?BASALT_NQN is not set}
VOLUMES=${BASALT_VOLUMES:?BASALT_VOLUMES is not set}
FIRST_PORT=${PORTS%% *}
failures=0

why() { echo "BASALT-WHY $*"; return 1; }
run() { echo "+ $*"; "$@"; }

finish() {
  echo "BASALT-CLUSTER-END failures=$failures"
  [ "$failures" = 0 ] && exit 0
  echo "--- state at the end"
  nvme list-subsys 2>&1
  for p in /sys/class/nvme/nvme*/nvme*c*n*; do [ -e "$p/ana_state" ] && echo "$p $(cat "$p/ana_state")"; done
  exit 1
}

step() {
  name=$1; shift
  echo "BASALT-STEP $name"
  if "$@"; then echo "BASALT-PASS $name"; else echo "BASALT-FAIL $name"; failures=$((failures + 1)); finish; fi
}

# --- helpers ----------------------------------------------------------------------------------

# the controllers (nvmeN) of the cluster's subsystem
cluster_controllers() {
  for c in $(ls /sys/class/nvme 2>/dev/null); do
    [ "$(cat /sys/class/nvme/$c/subsysnqn 2>/dev/null)" = "$NQN" ] && echo "$c"
  done
}

# port_of CTRL: the trsvcid of a controller's address
port_of() { sed -n 's/.*trsvcid=\([0-9]*\).*/\1/p' /sys/class/nvme/$1/address; }

# head_of UUID: the multipath block device (nvmeXnY) of the namespace with that UUID
head_of() {
  for b in $(ls /sys/block | grep -E '^nvme[0-9]+n[0-9]+$'); do
    [ "$(cat /sys/block/$b/uuid 2>/dev/null)" = "$1" ] && echo "$b" && return 0
  done
  return 1
}

# cluster_request WHAT: has the test act on the cluster; prints its answer
cluster_request() {
  sync
  echo "BASALT-CLUSTER $1"
  reply=""
  read -t 240 reply || why "no answer to '$1' within 240 s" || return 1
  case $reply in
    *"BASALT-CLUSTER-DONE ok"*) echo "cluster: $reply" ;;
    *) why "the test could not $1: $reply"; return 1 ;;
  esac
}

# --- steps ------------------------------------------------------------------------------------

discover_lists_every_brick() {
  timeout 60 nvme discover -t tcp -a "$ADDR" -s "$FIRST_PORT" > /tmp/discover.out 2>&1 || {
    cat /tmp/discover.out; why "nvme discover failed"; return 1; }
  cat /tmp/discover.out
  for p in $PORTS; do
    awk -v nqn="$NQN" -v port="$p" '
        /^=====Discovery Log Entry/ { if (type ~ /nvme subsystem/ && n == nqn && s == port) found = 1; type = n = s = "" }
        $1 == "subtype:" { type = $0 }
        $1 == "subnqn:"  { n = $2 }
        $1 == "trsvcid:" { s = $2 }
        END { if (type ~ /nvme subsystem/ && n == nqn && s == port) found = 1; exit !found }' /tmp/discover.out \
      || why "the discovery log has no entry for $NQN on port $p" || return 1
  done
}

connect_all_gives_one_subsystem() {
  run timeout 120 nvme connect-all -t tcp -a "$ADDR" -s "$FIRST_PORT" || why "nvme connect-all failed" || return 1
  i=0
  while [ "$(cluster_controllers | wc -l)" -lt 3 ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
  nvme list-subsys 2>&1
  [ "$(cluster_controllers | wc -l)" = 3 ] || why "expected 3 controllers of $NQN, found: $(cluster_controllers)" || return 1
  count=$(grep -l "$NQN" /sys/class/nvme-subsystem/*/subsysnqn | wc -l)
  [ "$count" = 1 ] || why "expected one subsystem $NQN, found $count" || return 1
  cntlids=$(for c in $(cluster_controllers); do cat /sys/class/nvme/$c/cntlid; done | sort -u | wc -l)
  [ "$cntlids" = 3 ] || why "controller IDs are not distinct: $(cat /sys/class/nvme/*/cntlid | tr '\n' ' ')"
}

each_namespace_once() {
  for v in $VOLUMES; do
    uuid=${v%%:*}
    i=0
    while ! head_of "$uuid" > /dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
    dev=$(head_of "$uuid") || why "no block device for volume $uuid" || return 1
    n=$(for b in $(ls /sys/block | grep -E '^nvme[0-9]+n[0-9]+$'); do cat /sys/block/$b/uuid; echo; done | grep -c "$uuid")
    [ "$n" = 1 ] || why "volume $uuid appears as $n block devices" || return 1
    echo "volume $uuid is /dev/$dev"
  done
}

# every volume: optimized through its primary's port, inaccessible through its replica's, no path elsewhere
ana_states_as_designed() {
  for v in $VOLUMES; do
    uuid=${v%%:*}; rest=${v#*:}; primary=${rest%%:*}; replica=${rest#*:}
    dev=$(head_of "$uuid") || why "no block device for $uuid" || return 1
    subsys=${dev%n*}; ns=${dev##*n}
    i=0
    while [ $i -lt 30 ]; do
      states=""
      # a path is the hidden disk nvme<subsys>c<ctrl>n<head> under its controller
      for ctrl in $(cluster_controllers); do
        p=/sys/class/nvme/$ctrl/${subsys}c${ctrl#nvme}n$ns
        [ -e "$p/ana_state" ] || continue
        states="$states $(port_of "$ctrl")=$(cat "$p/ana_state")"
      done
      [ "$states" = " $primary=optimized $replica=inaccessible" ] || [ "$states" = " $replica=inaccessible $primary=optimized" ] && break
      sleep 1; i=$((i + 1))
    done
    echo "volume $uuid paths:$states"
    case "$states" in
      *"$primary=optimized"*) ;;
      *) why "volume $uuid: not optimized through its primary's port $primary:$states"; return 1 ;;
    esac
    case "$states" in
      *"$replica=inaccessible"*) ;;
      *) why "volume $uuid: not inaccessible through its replica's port $replica:$states"; return 1 ;;
    esac
    [ "$(echo $states | wc -w)" = 2 ] || why "volume $uuid: expected 2 paths, found$states" || return 1
  done
}

fio_verify_each_primary() {
  for v in $VOLUMES; do
    dev=$(head_of "${v%%:*}") || return 1
    run fio --name="verify-$dev" --filename=/dev/$dev --rw=randwrite --bs=4k --size=16m --direct=1 \
        --ioengine=libaio --iodepth=16 --verify=crc32c --verify_fatal=1 --output=/tmp/fio.out > /dev/null 2>&1
    rc=$?
    grep -E "err=|verify" /tmp/fio.out | head -n 5
    [ $rc = 0 ] || why "fio verify on /dev/$dev (primary port ${v#*:}) exited with $rc" || return 1
    grep -q "err= 0" /tmp/fio.out || why "fio on /dev/$dev reported errors" || return 1
  done
}

io_survives_etcd_restart() {
  dev=$(head_of "${VOLUMES%%:*}") || return 1
  fio --name=during-etcd-restart --filename=/dev/$dev --rw=write --bs=64k --size=48m --direct=1 \
      --ioengine=libaio --iodepth=4 --rate=4m --verify=crc32c --verify_fatal=1 --output=/tmp/fio-etcd.out \
      > /dev/null 2>&1 &
  pid=$!
  sleep 1
  cluster_request etcd-restart || { kill $pid; return 1; }
  wait $pid
  rc=$?
  grep -E "err=|verify" /tmp/fio-etcd.out | head -n 5
  [ $rc = 0 ] || why "fio during the etcd restart exited with $rc" || return 1
  grep -q "err= 0" /tmp/fio-etcd.out || why "fio during the etcd restart reported errors"
}

leader_takeover() {
  cluster_request kill-leader
}

step discover-lists-every-brick discover_lists_every_brick
step connect-all-one-subsystem connect_all_gives_one_subsystem
step each-namespace-once each_namespace_once
step ana-states-as-designed ana_states_as_designed
step fio-verify-each-primary fio_verify_each_primary
step io-survives-etcd-restart io_survives_etcd_restart
step leader-takeover leader_takeover
finish
