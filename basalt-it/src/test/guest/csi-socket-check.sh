#!/bin/sh
# Checks, inside the guest, that the CSI socket serves: one gRPC call, Node/NodeGetInfo, written
# by hand in HTTP/2 (no gRPC client in the guest) and sent through socat. The node service answers
# with the host NQN it read through the guest runner, which must be this guest's. A program for
# csi-sanity-guest.sh, to check the set-up before running csi-sanity:
#
#   basalt-it/src/test/guest/csi-sanity-guest.sh -k 6.12 -- basalt-it/src/test/guest/csi-socket-check.sh
SOCK=${CSI_SOCKET:-/csi/csi.sock}
test -S "$SOCK" || { echo "csi-socket-check: no socket at $SOCK"; exit 1; }
# csi-sanity makes its staging and target directories itself with mkdir, which fails when they
# exist: the set-up must leave them absent, or every spec fails in its BeforeEach.
for d in /tmp/csi-staging /tmp/csi-target; do
  test ! -e "$d" || { echo "csi-socket-check: $d exists; csi-sanity's mkdir of it would fail"; exit 1; }
done

byte() { printf "\\$(printf %03o "$1")"; }
u24() { byte $(($1 >> 16 & 255)); byte $(($1 >> 8 & 255)); byte $(($1 & 255)); }
str() { byte ${#1}; printf %s "$1"; }    # an HPACK string literal, no Huffman code (< 127 bytes)

path=/csi.v1.Node/NodeGetInfo
# HPACK: :method POST (static 3), :scheme http (6), then literals without indexing: :path (name 4),
# :authority (1), content-type (31: 15 + 16), and te: trailers with a literal name
headers() {
  byte 131; byte 134
  byte 4; str "$path"
  byte 1; str localhost
  byte 15; byte 16; str application/grpc
  byte 0; str te; str trailers
}
headers > /tmp/h2-headers
{
  printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
  u24 0; byte 4; byte 0; u24 0; byte 0                                       # SETTINGS
  u24 "$(wc -c < /tmp/h2-headers)"; byte 1; byte 4; u24 0; byte 1; cat /tmp/h2-headers   # HEADERS, END_HEADERS
  u24 5; byte 0; byte 1; u24 0; byte 1; u24 0; byte 0; byte 0                # DATA, END_STREAM: empty request
  sleep 5   # keep our side open: a half-closed connection may be closed before the answer
} | socat -t 1 - "UNIX-CONNECT:$SOCK" > /tmp/h2-answer
nqn=$(cat /etc/nvme/hostnqn)
if grep -q -a -F "$nqn" /tmp/h2-answer; then
  echo "csi-socket-check: NodeGetInfo over $SOCK answered this guest's host NQN $nqn"
  exit 0
fi
echo "csi-socket-check: NodeGetInfo over $SOCK did not answer $nqn; the answer was:"
od -A d -c /tmp/h2-answer | head -n 20
exit 1
