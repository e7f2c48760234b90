#!/usr/bin/env bash
# Boots the guest from build-guest.sh under qemu and runs SCRIPT in it as root. The guest console
# goes to stdout; the exit status is SCRIPT's (124 when the time limit ends the run first).
#
#   run-guest.sh [-k 6.1|6.12] [-t SECONDS] [-e NAME=VALUE]... [-f FILE]... [-p HOSTPORT:GUESTPORT]... SCRIPT
#
#   -k  kernel (default 6.12)             -t  time limit for the whole run (default 480)
#   -e  variable set for SCRIPT           -f  extra file copied next to SCRIPT (/guest in the guest)
#   -p  forward 127.0.0.1:HOSTPORT here to GUESTPORT in the guest
#
# In the guest this machine's 127.0.0.1 is 10.0.2.2 (qemu user networking), so a brick listening on
# 127.0.0.1:4420 here is 10.0.2.2:4420 there. Lines written to our stdin reach the guest's console
# (SCRIPT's stdin): that is how a test answers a guest that asks for something, e.g. a target restart.
# Markers on the console: "BASALT-GUEST-READY <release> <hostnqn>" after boot and
# "BASALT-GUEST-EXIT <status>" at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

kernel=6.12; limit=480; forwards=""; files=(); envs=()
while getopts "k:t:e:f:p:" opt; do
  case $opt in
    k) kernel=$OPTARG ;;
    t) limit=$OPTARG ;;
    e) [[ $OPTARG == [A-Za-z_]*=* ]] || usage; envs+=("$OPTARG") ;;
    f) files+=("$OPTARG") ;;
    p) forwards="$forwards,hostfwd=tcp:127.0.0.1:${OPTARG%%:*}-:${OPTARG#*:}" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || usage
script=$1

guest=$("$here/build-guest.sh" "$kernel")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/basalt-run.XXXXXX")
qemu_pid=""
cleanup() { [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# The script, its files and its variables go into a second cpio archive; the kernel unpacks it
# over the base initramfs.
mkdir -p "$tmp/overlay/guest"
cp "$script" "$tmp/overlay/guest/run"
for f in ${files[@]+"${files[@]}"}; do cp "$f" "$tmp/overlay/guest/"; done
for e in ${envs[@]+"${envs[@]}"}; do printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"; done > "$tmp/overlay/guest/env"
(cd "$tmp/overlay" && find . -print | cpio -o -H newc --quiet | gzip -1) > "$tmp/overlay.gz"
cat "$guest/initramfs.gz" "$tmp/overlay.gz" > "$tmp/initrd.gz"

# qemu runs in the background so that a TERM from a test ends it at once; the guest console is
# qemu's stdio, so we hand it our stdin explicitly (background jobs would get /dev/null).
# Software emulation (TCG) because nested KVM is not available; single-threaded TCG because the
# multi-threaded one now and then crashes the guest kernel during boot.
{ exec 3<&0; } 2>/dev/null || exec 3</dev/null   # stdin may be closed
qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp "${BASALT_GUEST_CPUS:-2}" -m "${BASALT_GUEST_MEM:-1024}" \
  -nographic -no-reboot -pidfile "$tmp/qemu.pid" \
  -kernel "$guest/vmlinuz" -initrd "$tmp/initrd.gz" \
  -append "console=ttyS0 quiet loglevel=4 panic=-1" \
  -netdev "user,id=net0$forwards" -device virtio-net-pci,netdev=net0 \
  <&3 > >(tee "$tmp/console") 2>&1 &
qemu_pid=$!
exec 3<&-

deadline=$((SECONDS + limit))
while kill -0 "$qemu_pid" 2>/dev/null; do
  if [ $SECONDS -ge $deadline ]; then
    kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null || true; qemu_pid=""
    echo "run-guest: time limit of ${limit}s reached, guest stopped" >&2
    exit 124
  fi
  sleep 1
done
wait "$qemu_pid" && qemu_status=0 || qemu_status=$?
qemu_pid=""
sleep 0.2   # let tee drain the last console lines
status=$(tr -d '\r' < "$tmp/console" | sed -n 's/^BASALT-GUEST-EXIT \([0-9][0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$status" ]; then
  echo "run-guest: the guest stopped without reporting a result (qemu exit status $qemu_status)" >&2
  exit 125
fi
exit "$status"
