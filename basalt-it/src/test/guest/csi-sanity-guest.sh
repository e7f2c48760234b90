#!/usr/bin/env bash
# Runs PROGRAM inside the Linux guest against the Basalt CSI plugin, so that the official
# csi-sanity (a static binary) can be run with the real kernel doing the node's work:
#
#   csi-sanity-guest.sh [-k 6.1|6.12] [-o] -- PROGRAM [ARGS...]
#
#   -k  the guest's kernel (default 6.12)      -o  Maven offline (-o) when compiling the harness
#
# On this machine: a brick (serve, temporary data directory, loopback ports) and the plugin in
# "all" mode, its node service's host commands run in the guest (CsiGuestSession). In the guest:
# the plugin's socket at /csi/csi.sock, staging and target directories /tmp/csi-staging and
# /tmp/csi-target (absent: csi-sanity makes them). A PROGRAM that is a file here is copied into the
# guest (/guest/NAME), and so is the FILE of an argument --flag=FILE that is a file here (then
# --flag=/guest/NAME); the exit status is PROGRAM's. For example, mount mode:
#
#   csi-sanity-guest.sh -k 6.12 -- ./csi-sanity --csi.endpoint=/csi/csi.sock \
#       --csi.stagingdir=/tmp/csi-staging --csi.mountdir=/tmp/csi-target
#
# Compiles the harness first (./mvnw test-compile -pl basalt-it -am). Needs what the interop suite
# needs (qemu, busybox-static, nvme-cli, ...; build-guest.sh names what is missing) and socat.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
usage() { sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

kernel=6.12; offline=()
while getopts "k:o" opt; do
  case $opt in
    k) kernel=$OPTARG ;;
    o) offline=(-o) ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -ge 1 ] || usage
case $kernel in 6.1|6.12) ;; *) usage ;; esac

# shellcheck source=../../../../.mvn/find-jdk.sh
. "$root/.mvn/find-jdk.sh"
JAVA_HOME=$(basalt_find_jdk) || { basalt_jdk_missing >&2; exit 1; }
export JAVA_HOME

# The program's path as given, made absolute if it is a file here (the JVM runs from the repository).
program=$1; shift
[ -f "$program" ] && program=$(cd "$(dirname "$program")" && pwd)/$(basename "$program")

classpath=$root/basalt-it/target/csi-guest.classpath
echo "csi-sanity-guest: compiling the harness (./mvnw test-compile -pl basalt-it -am)..." >&2
(cd "$root" && ./mvnw -q -B "${offline[@]}" test-compile dependency:build-classpath -pl basalt-it -am \
    -Dmdep.outputFile="$classpath" -Dmdep.includeScope=test) >&2
flags=$(sed -n 's:.*<basalt.jvm.flags>\(.*\)</basalt.jvm.flags>.*:\1:p' "$root/pom.xml")
# shellcheck disable=SC2086 # the JVM flags are a list on purpose
exec "$JAVA_HOME/bin/java" $flags -Dbasalt.it.repoRoot="$root" -Dbasalt.it.guestDir="$here" \
    -Dbasalt.it.brick=java -Dbasalt.it.jvmFlags="$flags" \
    -cp "$root/basalt-it/target/test-classes:$(cat "$classpath")" io.basalt.it.CsiGuestSession "$kernel" "$program" "$@"
