#!/usr/bin/env bash
# Runs engine test classes COUNT times in a row, to catch the failure one run in ten or fifty shows:
# a race, a timing assumption, a seed jqwik rarely draws. Stops at the first failing run and prints
# its report (the failing tests, their stack traces, jqwik's seed); every run's output stays in
# basalt-engine/target/loop-tests/.
#
#   basalt-engine/src/test/loop-tests.sh COUNT CLASS[,CLASS...]
#   basalt-engine/src/test/loop-tests.sh 20 BackgroundCheckpointTest,ReadersTest,MpscQueueTest
#   basalt-engine/src/test/loop-tests.sh 5 'PoolPropertyTest#*'      (surefire's -Dtest syntax)
#
# The test classes are compiled once; each run is one surefire JVM running all the given classes.
# Runs go through the reactor with basalt-block (-am), which the engine depends on and no local
# repository needs to hold; its compiler only checks the classes are up to date (about 3 s a run).
# Runs at nice 10 (NICE=0 for none); offline (-o): compile once online first if Maven misses
# something. The exit status is 0 only if every run passed.
set -euo pipefail

if [[ $# -ne 2 || ! $1 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 COUNT CLASS[,CLASS...]" >&2
    exit 2
fi
count=$1
classes=$2
cd "$(dirname "$0")/../../.."   # the repository root: ./mvnw finds a JDK 25 itself
out=basalt-engine/target/loop-tests
nice=(nice -n "${NICE:-10}")

"${nice[@]}" ./mvnw -B -q -o -pl basalt-engine -am test-compile
rm -rf "$out"
mkdir -p "$out"

total_start=$SECONDS
for ((i = 1; i <= count; i++)); do
    log=$out/run-$i.log
    start=$SECONDS
    if "${nice[@]}" ./mvnw -B -o -pl basalt-engine -am test -Dtest="$classes" \
            -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
        tests=$(grep -E '^\[(INFO|WARNING)\] Tests run:' "$log" | tail -n 1 | sed 's/^\[[A-Z]*\] //')
        echo "run $i/$count: pass in $((SECONDS - start)) s ($tests)"
    else
        echo "run $i/$count: FAIL in $((SECONDS - start)) s; the report (full output: $log):"
        # The summary, each failure with its trace, and jqwik's seed for replaying it.
        grep -E 'Tests run:|FAIL|ERROR\]|seed|Exception|Error:|^\s+at io\.basalt|expected|Expecting|but was' "$log" |
            grep -v -E '^\[ERROR\] (To see|Re-run|For more|\[Help|$)' | head -n 200
        reports=basalt-engine/target/surefire-reports
        cp -r "$reports" "$out/reports-$i" 2>/dev/null || true
        echo "stopped at the first failure after $((i - 1)) passing runs ($((SECONDS - total_start)) s)"
        exit 1
    fi
done
echo "all $count runs passed in $((SECONDS - total_start)) s: $classes"
