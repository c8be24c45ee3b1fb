#!/bin/sh
# tests/fuzz/run.sh - run every libFuzzer target for a bounded time, side by
# side, each from a scratch copy of its committed seed corpus (the seeds are
# not changed; new inputs are thrown away).
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS]        (default 60)
#
# Exits non-zero when a target finds a crash, leak, timeout or undefined
# behaviour; the input is left in BUILD_DIR/fuzz-artifacts/ (CI prints it
# in base64).  Make it a regression input: fix the bug, then commit the
# file into the target's corpus directory, which ctest in the fuzz build
# replays.
set -u
build=$1
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
art=$build/fuzz-artifacts
rm -rf "$art"
mkdir -p "$art"
pids=""
for t in scenario geojson extends; do
    bin=$build/tests/fuzz/fuzz_$t
    corpus=$art/corpus_$t
    mkdir -p "$corpus"
    cp "$here/corpus_$t"/* "$corpus/"
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$art/$t-" "$corpus" >"$art/$t.log" 2>&1 &
    pids="$pids $!"
done
rc=0
failed=0
for p in $pids; do
    wait "$p" || { rc=1; failed=$((failed + 1)); }
done
for t in scenario geojson extends; do
    echo "fuzz_$t: $(grep -E '^stat::number_of_executed_units' "$art/$t.log" | awk '{print $2}') inputs in ${secs} s"
done
for f in "$art"/*-crash-* "$art"/*-leak-* "$art"/*-timeout-* "$art"/*-oom-*; do
    [ -e "$f" ] || continue
    rc=1
    echo "fuzz: found $(basename "$f"):"
    base64 "$f"
done
if [ "$rc" -ne 0 ]; then
    for t in scenario geojson extends; do
        echo "---- fuzz_$t log (tail)"
        tail -60 "$art/$t.log"
    done
    [ "$failed" -gt 0 ] || failed=1
    echo "fuzz: $((3 - failed)) passed, $failed failed"
    exit 1
fi
echo "fuzz: 3 passed, 0 failed"
