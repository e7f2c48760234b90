#!/bin/sh
# The Linux kernel's own NVMe/TCP target (nvmet-tcp) in the guest, for KernelTargetIT: one subsystem
# with one namespace on a RAM disk (brd), open to any host, on an I/O port and a discovery port.
# Runs inside the guest (run-guest.sh); the test reaches both ports by forwarding.
#
# Variables: KERNEL_TARGET_NQN (subsystem NQN), KERNEL_TARGET_IO_PORT (default 4420),
# KERNEL_TARGET_DISCOVERY_PORT (default 8009), KERNEL_TARGET_MIB (namespace size, default 64),
# KERNEL_TARGET_WAIT (seconds to serve before giving up on the test, default 300).
#
# nvmet has no discovery-only port: every port answers the discovery NQN, and its log lists the
# subsystems linked to that port, each at that port's address. So the subsystem is linked to both.
#
# Console protocol: "KERNEL-TARGET-READY <release>" once both ports listen, or "KERNEL-TARGET-FAILED
# <why>" and exit 1. Then the script reads commands from its console, one a line:
#   kernel-target drop   unlink the subsystem from both ports (nvmet deletes every controller and
#                        closes the listeners), link it again; answers "KERNEL-TARGET-DROPPED <n>"
#   kernel-target stop   exit 0 (answers "KERNEL-TARGET-STOPPED")
# The console echoes what the test types, so the answers never repeat a command's words.

NQN=${KERNEL_TARGET_NQN:-nqn.2014-08.org.example:kernel-target}
IO_PORT=${KERNEL_TARGET_IO_PORT:-4420}
DISC_PORT=${KERNEL_TARGET_DISCOVERY_PORT:-8009}
MIB=${KERNEL_TARGET_MIB:-64}
WAIT=${KERNEL_TARGET_WAIT:-300}
cfs=/sys/kernel/config/nvmet
subsys=$cfs/subsystems/$NQN

fail() {
  echo "KERNEL-TARGET-FAILED $*"
  exit 1
}

# A block device rather than a file: nvmet's file backend implements Write Zeroes with
# fallocate(ZERO_RANGE), which the guest's tmpfs does not have. The guest's init loaded brd with
# its default sizes; reload it with one disk of the size we want.
rmmod brd 2>/dev/null
modprobe brd rd_nr=1 rd_size=$((MIB * 1024)) max_part=0 || fail "cannot load brd"
[ -b /dev/ram0 ] || fail "no /dev/ram0 after loading brd"
modprobe nvmet_tcp || fail "cannot load nvmet_tcp"
[ -d $cfs ] || fail "no $cfs (configfs or nvmet missing)"

mkdir $subsys || fail "cannot create subsystem $NQN"
echo 1 > $subsys/attr_allow_any_host || fail "cannot allow any host"
mkdir $subsys/namespaces/1 || fail "cannot create namespace 1"
echo -n /dev/ram0 > $subsys/namespaces/1/device_path || fail "cannot set the namespace device"
echo 1 > $subsys/namespaces/1/enable || fail "cannot enable namespace 1"

# port ID -> TCP port; both listen on every guest address (the guest's only real one is 10.0.2.15)
add_port() {
  mkdir $cfs/ports/$1 || return 1
  echo tcp > $cfs/ports/$1/addr_trtype && echo ipv4 > $cfs/ports/$1/addr_adrfam \
    && echo 0.0.0.0 > $cfs/ports/$1/addr_traddr && echo "$2" > $cfs/ports/$1/addr_trsvcid
}
link() { ln -s $subsys $cfs/ports/1/subsystems/ && ln -s $subsys $cfs/ports/2/subsystems/; }
unlink() { rm $cfs/ports/1/subsystems/"$NQN" && rm $cfs/ports/2/subsystems/"$NQN"; }

add_port 1 "$IO_PORT" || fail "cannot configure port $IO_PORT"
add_port 2 "$DISC_PORT" || fail "cannot configure port $DISC_PORT"
link || fail "cannot link the subsystem to the ports (dmesg says why)"
echo "KERNEL-TARGET-READY $(uname -r)"

drops=0
deadline=$(($(date +%s) + WAIT))
while [ "$(date +%s)" -lt $deadline ]; do
  read -t 10 cmd || { sleep 1; continue; }   # the sleep: no busy loop should the console close
  case $cmd in
    "kernel-target drop")
      unlink || fail "cannot unlink the subsystem"
      link || fail "cannot link the subsystem again"
      drops=$((drops + 1))
      echo "KERNEL-TARGET-DROPPED $drops" ;;
    "kernel-target stop")
      echo "--- what nvmet and the block layer logged"
      dmesg | grep -E 'nvmet|beyond end of device' | grep -v 'creating .* controller' | tail -n 40
      echo "KERNEL-TARGET-STOPPED"
      exit 0 ;;
  esac
done
fail "no stop command within ${WAIT}s"
