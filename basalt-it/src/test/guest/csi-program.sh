#!/bin/sh
# Runs a program (the official csi-sanity) in the guest against the CSI plugin on the build machine;
# started by csi-sanity-guest.sh (CsiGuestSession). /csi/csi.sock here reaches the plugin's socket:
# socat forwards it to BASALT_CSI_RELAY (10.0.2.2:PORT), which forwards to the plugin's Unix
# socket there. The program runs in the background with its output on the console; csi-node.sh
# runs the node service's host commands in the foreground. When the program ends this prints
# "BASALT-CSI-PROGRAM-EXIT <status>".
#
# Variables: BASALT_CSI_RELAY (HOST:PORT), BASALT_PROGRAM (the argv, each word base64, "-" if empty).
# Directories for csi-sanity: /tmp/csi-staging and /tmp/csi-target. They are left absent on purpose:
# csi-sanity makes them itself before every spec (mkdir, which fails when they exist) and removes them.

RELAY=${BASALT_CSI_RELAY:?BASALT_CSI_RELAY is not set}
mkdir -p /csi
socat UNIX-LISTEN:/csi/csi.sock,fork "TCP:$RELAY" &
i=0
while [ ! -S /csi/csi.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# shellcheck disable=SC2086 # the words are split on purpose
set -- $BASALT_PROGRAM
n=$#; i=0
while [ $i -lt "$n" ]; do
  a=$1; shift
  if [ "$a" = - ]; then v=""; else v=$(printf '%s' "$a" | base64 -d; echo x); v=${v%x}; fi
  set -- "$@" "$v"
  i=$((i + 1))
done
[ -f "$1" ] && chmod +x "$1"
echo "+ $*"
( cd /tmp && "$@" < /dev/null 2>&1; echo "BASALT-CSI-PROGRAM-EXIT $?" ) &
exec sh /guest/csi-node.sh
