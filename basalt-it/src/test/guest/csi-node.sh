#!/bin/sh
# The CSI node service's hands in the guest: CsiNodeIT runs the plugin on the build machine with a
# CommandRunner (GuestCommandRunner) that sends every host command the node service runs - nvme
# connect, blkid, mkfs, mount, resize2fs, reads of /sys - to this loop over the console, so the
# kernel, nvme-cli and the mounts that do the work are the guest's own. Commands run one at a time,
# in the order they arrive, as root.
#
# Console protocol, one line each way. Arguments and output travel in base64 (an empty one as "-"),
# so nothing a command prints can be mistaken for the protocol:
#   in:  BASALT-CSI-RUN <id> <seconds> <arg>...   run argv within <seconds> (busybox timeout: TERM)
#   out: BASALT-CSI-DONE <id> <exit> <stdout bytes> <stderr bytes> <stdout> <stderr>
#   in:  BASALT-CSI-RESEND <id>    print result <id> again (it arrived garbled, e.g. a kernel message
#                                  was printed into the middle of it)
#   in:  BASALT-CSI-END            leave the loop; the script exits 0
# "BASALT-CSI-NODE-READY <host NQN>" says the loop reads requests. A program name without a slash
# runs the real tool if the guest has one (util-linux's mount, not busybox's applet of that name).

stty -echo 2>/dev/null   # the console would echo every request back into the output
results=/tmp/csi-results
mkdir -p "$results"

# resolve NAME: the full path of a real (non-busybox) program NAME, else NAME itself
resolve() {
  case $1 in */*) echo "$1"; return ;; esac
  for d in /usr/sbin /usr/bin /sbin /bin; do
    if [ -x "$d/$1" ] && [ "$(readlink -f "$d/$1")" != /bin/busybox ]; then echo "$d/$1"; return; fi
  done
  echo "$1"
}

encode() { # encode FILE: its bytes in base64 on one line, "-" when empty
  if [ -s "$1" ]; then base64 -w 0 < "$1"; else printf -; fi
}

run_request() { # run_request ID SECONDS ARG...
  id=$1; limit=$2; shift 2
  n=$#; i=0
  while [ $i -lt "$n" ]; do
    a=$1; shift
    if [ "$a" = - ]; then v=""; else v=$(printf '%s' "$a" | base64 -d; echo x); v=${v%x}; fi
    set -- "$@" "$v"
    i=$((i + 1))
  done
  prog=$(resolve "$1"); shift
  timeout "$limit" "$prog" "$@" < /dev/null > "$results/out" 2> "$results/err"
  rc=$?
  line="BASALT-CSI-DONE $id $rc $(($(wc -c < "$results/out"))) $(($(wc -c < "$results/err"))) $(encode "$results/out") $(encode "$results/err")"
  printf '%s\n' "$line" > "$results/$id"
  printf '%s\n' "$line"
}

echo "BASALT-CSI-NODE-READY $(cat /etc/nvme/hostnqn)"
while IFS= read -r request; do
  set -f   # base64 holds no glob characters, but a garbled line might
  # shellcheck disable=SC2086 # the request is split into its fields on purpose
  set -- $request
  set +f
  case $1 in
    BASALT-CSI-RUN)    [ $# -ge 4 ] && { shift; run_request "$@"; } ;;
    BASALT-CSI-RESEND) case $2 in *[!0-9]*|"") ;; *) [ -f "$results/$2" ] && cat "$results/$2" ;; esac ;;
    BASALT-CSI-END)    echo "BASALT-CSI-NODE-END"; exit 0 ;;
  esac
done
echo "BASALT-CSI-NODE-END console closed"
exit 1
