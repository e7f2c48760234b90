#!/bin/sh
# The Linux kernel NVMe/TCP host against a Basalt brick on the build machine. Runs inside the guest
# (run-guest.sh); LinuxHostInteropIT starts two bricks:
#   main        v1 256 MiB for any host, secret 64 MiB only for nqn.2014-08.org.example:nobody
#   restricted  one 64 MiB volume only for nobody, so that other hosts are allowed no namespace
#
# Variables: BASALT_ADDR (the build machine as the guest sees it, default 10.0.2.2), BASALT_IO_PORT and
# BASALT_DISCOVERY_PORT (main brick), BASALT_RESTRICTED_PORT (restricted brick, I/O and discovery).
#
# Console protocol: "BASALT-STEP <name>" starts a step, "BASALT-PASS <name>" or "BASALT-FAIL <name>"
# ends it, "BASALT-WHY <text>" explains a failure. A failed step ends the run unless it is a check
# whose failure leaves later steps meaningful. To restart the brick the script prints
# "BASALT-RESTART-TARGET <term|kill>" and waits for the line "BASALT-TARGET-RESTARTED ok" on stdin.
# To have the operator run the CLI against the main brick's API it prints "BASALT-CLI <args>" and
# waits for "BASALT-CLI-DONE <exit code>".
# The last line is "BASALT-INTEROP-END failures=<n>"; the exit status is 0 only if n is 0.

ADDR=${BASALT_ADDR:-10.0.2.2}
IO_PORT=${BASALT_IO_PORT:?BASALT_IO_PORT is not set}
DISC_PORT=${BASALT_DISCOVERY_PORT:?BASALT_DISCOVERY_PORT is not set}
RESTRICTED_PORT=${BASALT_RESTRICTED_PORT:?BASALT_RESTRICTED_PORT is not set}
V1_BYTES=268435456        # 256 MiB
SECRET_BYTES=67108864     # 64 MiB
NOBODY=nqn.2014-08.org.example:nobody
NOBODY_ID=$(cat /proc/sys/kernel/random/uuid)   # one host ID per host NQN, as the kernel insists
STRANGER=nqn.2014-08.org.example:stranger
STRANGER_ID=$(cat /proc/sys/kernel/random/uuid)
MIB=1048576
# busybox's shell prefers its own applets to same-named programs in PATH; util-linux's blkdiscard
# is called by path because busybox's has no --zeroout
BLKDISCARD=/usr/bin/blkdiscard

failures=0
NQN=""     # subsystem NQN learnt from discovery
CTRL=""    # controller (nvmeX) of the current connection
NS=""      # its one visible namespace block device (nvmeXnY)

# --- step bookkeeping -------------------------------------------------------------------------

why() { echo "BASALT-WHY $*"; return 1; }
run() { echo "+ $*"; "$@"; }

finish() {
  echo "BASALT-INTEROP-END failures=$failures"
  [ "$failures" = 0 ] && exit 0
  echo "--- state at the end"
  nvme list-subsys 2>&1
  exit 1
}

# step NAME COMMAND...: the run cannot go on if it fails
step() {
  name=$1; shift
  echo "BASALT-STEP $name"
  if "$@"; then echo "BASALT-PASS $name"; else echo "BASALT-FAIL $name"; failures=$((failures + 1)); finish; fi
}

# check NAME COMMAND...: a failure is counted, later steps still run
check() {
  name=$1; shift
  echo "BASALT-STEP $name"
  if "$@"; then echo "BASALT-PASS $name"; else echo "BASALT-FAIL $name"; failures=$((failures + 1)); fi
}

# --- helpers ----------------------------------------------------------------------------------

# discover PORT [ARGS...]: prints the log; sets DISCOVERED to "<subnqn> <trsvcid>" of the first NVM
# subsystem entry
discover() {
  port=$1; shift
  timeout 60 nvme discover -t tcp -a "$ADDR" -s "$port" "$@" > /tmp/discover.out 2>&1
  rc=$?
  cat /tmp/discover.out
  [ $rc = 0 ] || why "nvme discover on port $port exited with $rc" || return 1
  DISCOVERED=$(awk '
      /^=====Discovery Log Entry/ { if (type ~ /nvme subsystem/) { print nqn, svc; exit } type = ""; nqn = ""; svc = "" }
      $1 == "subtype:" { type = $0 }
      $1 == "subnqn:"  { nqn = $2 }
      $1 == "trsvcid:" { svc = $2 }
      END { if (type ~ /nvme subsystem/) print nqn, svc }' /tmp/discover.out | head -n 1)
  [ -n "$DISCOVERED" ] || why "no NVM subsystem entry in the discovery log from port $port"
}

controllers() { ls /sys/class/nvme 2>/dev/null; }
namespaces() { ls /sys/block 2>/dev/null | grep -E '^nvme[0-9]+n[0-9]+$'; }

# connect ARGS...: nvme connect to subsystem $NQN on port $PORT, then wait for the controller to be
# live and its namespaces to be scanned; sets CTRL and NS (NS only if exactly one is visible)
PORT=$IO_PORT
connect() {
  [ -z "$(controllers)" ] || why "a controller is still present before connecting: $(controllers)" || return 1
  run timeout 90 nvme connect -t tcp -a "$ADDR" -s "$PORT" -n "$NQN" "$@" || why "nvme connect $* failed" || return 1
  wait_live 60 || return 1
  i=0
  while [ -z "$(namespaces)" ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
  sleep 2   # let the namespace scan finish, so a namespace that should stay hidden would show up
  NS=""
  [ "$(namespaces | wc -l)" = 1 ] && NS=$(namespaces)
  echo "controller $CTRL, namespaces: $(namespaces | tr '\n' ' ')"
}

# wait_live SECONDS: a controller for $NQN reaches state "live"; sets CTRL
wait_live() {
  i=0
  while [ $i -lt "$1" ]; do
    for c in $(controllers); do
      if [ "$(cat /sys/class/nvme/$c/subsysnqn 2>/dev/null)" = "$NQN" ] && [ "$(cat /sys/class/nvme/$c/state 2>/dev/null)" = live ]; then
        CTRL=$c; return 0
      fi
    done
    sleep 1; i=$((i + 1))
  done
  why "no live controller for $NQN after $1 s (state: $(cat /sys/class/nvme/*/state 2>/dev/null | tr '\n' ' '))"
}

disconnect() {
  run timeout 60 nvme disconnect -n "$NQN" || why "nvme disconnect failed" || return 1
  i=0
  while [ -n "$(controllers)" ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
  [ -z "$(controllers)" ] || why "controllers left after disconnect: $(controllers)"
}

# expect_one_namespace BYTES: exactly one namespace is visible and it has that size
expect_one_namespace() {
  count=$(namespaces | wc -l)
  [ "$count" = 1 ] || why "expected exactly 1 visible namespace, found $count: $(namespaces | tr '\n' ' ')" || return 1
  bytes=$(( $(cat /sys/block/$NS/size) * 512 ))
  [ "$bytes" = "$1" ] || why "namespace $NS has $bytes bytes, expected $1"
}

# fio_verify NAME ARGS...: a direct-I/O fio job on the namespace that verifies what it wrote
fio_verify() {
  job=$1; shift
  echo "+ fio $job $*"
  timeout 600 fio --name="$job" --filename="/dev/$NS" --direct=1 --ioengine=libaio --eta=never \
      --verify=crc32c --do_verify=1 --verify_fatal=1 --randrepeat=0 "$@" > /tmp/fio.out 2>&1
  rc=$?
  if [ $rc = 0 ]; then grep -E '^ *(read|write|trim):|err=' /tmp/fio.out; else cat /tmp/fio.out; fi
  [ $rc = 0 ] || why "fio $job exited with $rc"
}

# --- steps ------------------------------------------------------------------------------------

discover_discovery_port() {
  discover "$DISC_PORT" || return 1
  NQN=${DISCOVERED% *}
  svc=${DISCOVERED#* }
  echo "subsystem $NQN at port $svc"
  [ "$svc" = "$IO_PORT" ] || why "discovery log names port $svc, the brick listens on $IO_PORT"
}

discover_io_port() {
  discover "$IO_PORT" || return 1
  [ "${DISCOVERED% *}" = "$NQN" ] || why "I/O port reports subsystem ${DISCOVERED% *}, discovery port said $NQN"
}

show() { # show COMMAND...: runs an nvme-cli query, printing its output
  out=$(run timeout 60 "$@" 2>&1); rc=$?
  echo "$out"
  [ $rc = 0 ] || why "$* exited with $rc"
}

id_ctrl() {
  out=$(timeout 60 nvme id-ctrl "/dev/$CTRL" 2>&1); rc=$?
  echo "$out" | grep -E '^(vid|sn|mn|fr|cntlid|ver|mdts|kas|oncs|vwc|sgls|ioccsz|iorcsz|icdoff|subnqn) '
  [ $rc = 0 ] || { echo "$out"; why "nvme id-ctrl exited with $rc"; } || return 1
  echo "$out" | grep -q "^subnqn *: *$NQN\$" || why "id-ctrl does not name subsystem $NQN"
}

id_ns() {
  out=$(timeout 60 nvme id-ns "/dev/$NS" 2>&1); rc=$?
  echo "$out" | grep -E '^(nsze|ncap|nuse|nsfeat|nlbaf|flbas|nmic|nguid|eui64|lbaf)'
  [ $rc = 0 ] || { echo "$out"; why "nvme id-ns exited with $rc"; }
}

list_subsys() {
  show nvme list-subsys || return 1
  echo "$out" | grep -q "$NQN" || why "nvme list-subsys does not list $NQN"
}

queue_count() { # queue_count N: the controller runs N queues, admin included
  got=$(cat /sys/class/nvme/$CTRL/queue_count)
  echo "queue_count $got"
  [ "$got" = "$1" ] || why "controller has $got queues, expected $1 (admin + $(($1 - 1)) I/O)"
}

trim() {
  fio_verify trim-fio --rw=trim --bs=1M --offset=$((80 * MIB)) --size=$((16 * MIB)) --verify=0 --do_verify=0 || return 1
  run "$BLKDISCARD" -o $((96 * MIB)) -l $((16 * MIB)) "/dev/$NS" || why "blkdiscard failed"
}

write_zeroes() {
  fio_verify zeroes-prefill --rw=write --bs=128k --offset=$((112 * MIB)) --size=$((4 * MIB)) || return 1
  run "$BLKDISCARD" -z -o $((112 * MIB)) -l $((4 * MIB)) "/dev/$NS" || why "blkdiscard --zeroout failed" || return 1
  nonzero=$(dd if="/dev/$NS" bs=$MIB skip=112 count=4 2>/dev/null | tr -d '\000' | wc -c)
  [ "$nonzero" = 0 ] || why "$nonzero non-zero bytes read back after write zeroes"
}

make_filesystem() {
  run mkfs.ext4 -q -F "/dev/$NS" || why "mkfs.ext4 failed" || return 1
  run mount -t ext4 "/dev/$NS" /mnt || why "mount failed" || return 1
  mkdir -p /mnt/small
  for kib in 4 100 1024 3000 8192; do
    dd if=/dev/urandom of=/mnt/file-$kib bs=1024 count=$kib 2>/dev/null || why "writing file-$kib failed" || return 1
  done
  i=1
  while [ $i -le 40 ]; do head -c $((i * 777)) /dev/urandom > /mnt/small/$i; i=$((i + 1)); done
  (cd /mnt && find . -type f ! -name 'lost+found' | sort | xargs sha256sum) > /tmp/sums
  (cd /mnt && find . -type f | sort | xargs md5sum) > /tmp/md5s
  echo "$(wc -l < /tmp/sums) files written"
  sync
  run umount /mnt || why "umount failed"
}

# verify_files: remount from the device (nothing cached) and check every recorded checksum
verify_files() {
  echo 3 > /proc/sys/vm/drop_caches
  run mount -t ext4 "/dev/$NS" /mnt || why "mount failed" || return 1
  (cd /mnt && sha256sum -c -s /tmp/sums) || { (cd /mnt && sha256sum -c /tmp/sums | grep -v ': OK$'); why "sha256 mismatch"; } || return 1
  (cd /mnt && md5sum -c -s /tmp/md5s) || why "md5 mismatch" || return 1
  echo "$(wc -l < /tmp/sums) files intact"
}

add_file() { # add_file NAME: one more file, added to the recorded checksums
  dd if=/dev/urandom of=/mnt/$1 bs=1024 count=2048 2>/dev/null || why "writing $1 failed" || return 1
  (cd /mnt && sha256sum ./$1) >> /tmp/sums
  (cd /mnt && md5sum ./$1) >> /tmp/md5s
  sync
}

# cli ARGS...: have the test run "./basalt ARGS" against the main brick's API; fails unless it exits 0
cli() {
  echo "BASALT-CLI $*"
  reply=""
  read -t 150 reply || why "no answer to the CLI request within 150 s" || return 1
  case $reply in
    *"BASALT-CLI-DONE 0"*) ;;
    *) why "basalt $* did not succeed: $reply"; return 1 ;;
  esac
}

# wait_namespaces N SECONDS: until exactly N namespaces are visible
wait_namespaces() {
  i=0
  while [ "$(namespaces | wc -l)" != "$1" ] && [ $i -lt "$2" ]; do sleep 1; i=$((i + 1)); done
  [ "$(namespaces | wc -l)" = "$1" ] || why "expected $1 namespace(s) after $2 s, found: $(namespaces | tr '\n' ' ')"
}

# A volume created through the CLI for this host appears without reconnecting (Namespace Attribute
# Changed AEN, then the kernel rescans), with the size asked for.
cli_create_appears() {
  cli volume create live --size 32MiB --hosts "$(cat /etc/nvme/hostnqn)" || return 1
  wait_namespaces 2 30 || return 1
  new=$(namespaces | grep -v "^$NS\$")
  bytes=$(( $(cat /sys/block/$new/size) * 512 ))
  [ "$bytes" = $((32 * MIB)) ] || why "the new namespace $new has $bytes bytes, expected $((32 * MIB))"
}

# Revoking this host makes the namespace disappear; v1 stays.
cli_revoke_disappears() {
  cli host revoke live "$(cat /etc/nvme/hostnqn)" || return 1
  wait_namespaces 1 30 || return 1
  [ "$(namespaces)" = "$NS" ] || why "v1 ($NS) should be the namespace left, found $(namespaces)"
}

# A volume for another host never shows up here; the CLI then deletes both volumes.
cli_other_host_never_sees() {
  cli volume create elsewhere --size 16MiB --hosts "$STRANGER" || return 1
  sleep 3
  wait_namespaces 1 1 || return 1
  cli volume delete elsewhere || return 1
  cli volume delete live
}

restart_target() { # restart_target term|kill: have the test restart the brick, then wait for the host to reconnect
  WWID=$(cat /sys/block/$NS/wwid)
  sync
  echo "BASALT-RESTART-TARGET $1"
  reply=""
  read -t 300 reply || why "no answer to the restart request within 300 s" || return 1
  case $reply in
    *"BASALT-TARGET-RESTARTED ok"*) ;;
    *) why "the test could not restart the brick: $reply"; return 1 ;;
  esac
  echo "brick restarted; waiting for the kernel to reconnect"
  sleep 2
  wait_live 180
}

files_after_restart() {
  run umount /mnt || why "umount failed" || return 1
  verify_files || return 1
  add_file after-restart && (cd /mnt && sha256sum -c -s /tmp/sums) || why "cannot write after the restart" || return 1
  run umount /mnt || why "umount failed"
}

# Snapshot, change files, clone the snapshot: the clone holds the files as they were (checksums),
# the volume keeps its changes; then roll the volume back and find the old files there too.
snapshot_clone_rollback() {
  sync
  cli snapshot create v1@before || return 1
  run mount -t ext4 "/dev/$NS" /mnt || why "mount failed" || return 1
  rm -f /mnt/file-4
  dd if=/dev/urandom of=/mnt/file-100 bs=1024 count=100 conv=notrunc 2>/dev/null
  echo "written after the snapshot" > /mnt/new-file
  (cd /mnt && sha256sum ./file-100 ./new-file) > /tmp/changed
  sync
  run umount /mnt || why "umount failed" || return 1
  cli volume create old --from-snapshot v1@before --hosts any || return 1
  wait_namespaces 2 30 || return 1
  clone=$(namespaces | grep -v "^$NS\$")
  run mount -t ext4 "/dev/$clone" /mnt || why "mounting the clone $clone failed" || return 1
  (cd /mnt && sha256sum -c -s /tmp/sums) || why "the clone does not hold the files as they were at the snapshot" || { umount /mnt; return 1; }
  [ ! -e /mnt/new-file ] || why "the clone holds a file written after the snapshot" || { umount /mnt; return 1; }
  echo "clone $clone: $(wc -l < /tmp/sums) files as they were at the snapshot"
  run umount /mnt || return 1
  run mount -t ext4 "/dev/$NS" /mnt || why "mount failed" || return 1
  { (cd /mnt && sha256sum -c -s /tmp/changed) && [ ! -e /mnt/file-4 ]; } || why "v1 lost the changes made after the snapshot" || { umount /mnt; return 1; }
  run umount /mnt || return 1
  cli volume delete old || return 1
  wait_namespaces 1 30 || return 1
  cli volume create backup --from-snapshot v1@before --read-only --hosts any || return 1
  wait_namespaces 2 30 || return 1
  ro=$(namespaces | grep -v "^$NS\$")
  [ "$(cat /sys/block/$ro/ro)" = 1 ] || why "the read-only snapshot export $ro is not a read-only disk on the host" || return 1
  run mount -t ext4 -o ro,noload "/dev/$ro" /mnt || why "mounting the read-only export $ro failed" || return 1
  (cd /mnt && sha256sum -c -s /tmp/sums) || why "the read-only export does not hold the snapshot's files" || { umount /mnt; return 1; }
  run umount /mnt || return 1
  if dd if=/dev/zero of="/dev/$ro" bs=4096 count=1 oflag=direct 2>/dev/null; then why "a write to the read-only export succeeded"; return 1; fi
  echo "read-only export $ro: write-protected, files intact"
  cli volume delete backup || return 1
  wait_namespaces 1 30 || return 1
  cli volume rollback v1 --to before || return 1
  blockdev --flushbufs "/dev/$NS"
  verify_files || return 1
  [ ! -e /mnt/new-file ] || why "v1 still holds a file written after the snapshot it was rolled back to" || { umount /mnt; return 1; }
  run umount /mnt || return 1
  cli snapshot delete v1@before
}

identity_after_restart() {
  old_nqn=$NQN
  discover "$DISC_PORT" || return 1
  [ "${DISCOVERED% *}" = "$old_nqn" ] || why "subsystem NQN changed across the restart: $old_nqn -> ${DISCOVERED% *}" || return 1
  connect || return 1
  expect_one_namespace $V1_BYTES || return 1
  [ "$(cat /sys/block/$NS/wwid)" = "$WWID" ] || why "namespace identity changed across the restart: $WWID -> $(cat /sys/block/$NS/wwid)" || return 1
  echo "same subsystem and namespace identity ($WWID)"
  verify_files && run umount /mnt || return 1
  disconnect
}

nobody_sees_both() { # on the main brick nobody sees v1 (any host) and secret (its own)
  connect --hostnqn="$NOBODY" --hostid="$NOBODY_ID" || return 1
  sizes=$(for n in $(namespaces); do echo $(( $(cat /sys/block/$n/size) * 512 )); done | sort -n | tr '\n' ' ')
  echo "namespace sizes: $sizes"
  [ "$sizes" = "$SECRET_BYTES $V1_BYTES " ] || why "expected v1 and secret ($SECRET_BYTES $V1_BYTES bytes), found: $sizes" || { disconnect; return 1; }
  disconnect
}

discover_restricted() { # as nobody: a target may well list a subsystem only to hosts it lets in
  discover "$RESTRICTED_PORT" --hostnqn="$NOBODY" --hostid="$NOBODY_ID" || return 1
  NQN=${DISCOVERED% *}
  PORT=$RESTRICTED_PORT
  echo "restricted brick: subsystem $NQN"
}

stranger_refused() { # a host allowed no namespace is refused at Connect (Connect Invalid Host)
  dmesg -c > /dev/null
  if run timeout 90 nvme connect -t tcp -a "$ADDR" -s "$PORT" -n "$NQN" --hostnqn="$STRANGER" --hostid="$STRANGER_ID"; then
    why "a host allowed no volume was let in"
    disconnect
    return 1
  fi
  dmesg | tail -n 5
  dmesg | grep -q "is not allowed, hostnqn: $STRANGER" || why "the kernel did not report Connect Invalid Host for $STRANGER" || return 1
  [ -z "$(controllers)" ] || why "a controller is left after the refused connect: $(controllers)"
}

nobody_sees_only_its_volume() {
  connect --hostnqn="$NOBODY" --hostid="$NOBODY_ID" || return 1
  expect_one_namespace $SECRET_BYTES || { disconnect; return 1; }
  fio_verify secret-write --rw=write --bs=64k --size=$((4 * MIB)) || { disconnect; return 1; }
  disconnect
}

# --- the run ----------------------------------------------------------------------------------

echo "host $(cat /etc/nvme/hostnqn), kernel $(uname -r), brick $ADDR io:$IO_PORT discovery:$DISC_PORT restricted:$RESTRICTED_PORT"

step  discover-discovery-port   discover_discovery_port
check discover-io-port          discover_io_port
step  connect-default           connect
step  namespace-masking         expect_one_namespace $V1_BYTES
check nvme-list                 show nvme list
check nvme-id-ctrl              id_ctrl
check nvme-id-ns                id_ns
check nvme-smart-log            show nvme smart-log "/dev/$CTRL"
check nvme-error-log            show nvme error-log "/dev/$CTRL"
check nvme-list-subsys          list_subsys
check fio-randrw-4k-qd32        fio_verify randrw-4k --rw=randrw --bs=4k --iodepth=32 --offset=0 --size=$((16 * MIB))
check fio-seq-128k              fio_verify seq-128k --rw=write --bs=128k --iodepth=8 --offset=$((16 * MIB)) --size=$((32 * MIB))
check fio-seq-1m                fio_verify seq-1m --rw=write --bs=1M --iodepth=4 --offset=$((48 * MIB)) --size=$((32 * MIB))
check trim                      trim
check write-zeroes              write_zeroes
check cli-create-appears        cli_create_appears
check cli-revoke-disappears     cli_revoke_disappears
check cli-other-host-never-sees cli_other_host_never_sees
step  mkfs-ext4-files           make_filesystem
step  disconnect                disconnect
step  connect-digests-2-queues  connect --hdr-digest --data-digest --nr-io-queues=2
check queue-count               queue_count 3
step  files-after-reconnect     verify_files
check write-with-digests        add_file with-digests
step  restart-target-term       restart_target term
step  files-after-restart       files_after_restart
check snapshot-clone-rollback   snapshot_clone_rollback
step  disconnect-after-restart  disconnect
check identity-after-restart    identity_after_restart
check nobody-sees-v1-and-secret nobody_sees_both
step  discover-restricted-brick discover_restricted
check host-without-access       stranger_refused
check host-sees-only-its-volume nobody_sees_only_its_volume
finish
