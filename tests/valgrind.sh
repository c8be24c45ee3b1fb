#!/bin/sh
# tests/valgrind.sh - the CLI's golden cases under valgrind memcheck: no
# invalid access, no use of uninitialised memory, no leak of any kind but
# "still reachable" (GDAL and PROJ keep driver and database caches to the
# end, by design; those are not errors and need no suppression).
#
#   tests/valgrind.sh SHANGLOU_BINARY [SOURCE_TREE]
#
# Registered as the ctest test `valgrind` in plain builds (not under
# SL_SANITIZE: ASan and valgrind do not mix).  Each case states the exit
# status it must end with; a memcheck error makes valgrind exit 99 instead.
set -u
case $1 in
/*) cli=$1 ;;
*) cli=$(pwd)/$1 ;;
esac
src=${2:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/slvg-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$src/tests" || exit 1

pass=0
fail=0
# case NAME EXPECTED_STATUS ARGS...
case_() {
    name=$1
    want=$2
    shift 2
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --track-origins=yes --log-file="$work/$name.vg" \
        "$cli" "$@" >"$work/$name.out" 2>"$work/$name.err"
    got=$?
    if [ "$got" -eq "$want" ] && ! [ -s "$work/$name.vg" ]; then
        echo "ok   $name (exit $got)"
        pass=$((pass + 1))
    else
        echo "FAIL $name: exit $got, expected $want"
        cat "$work/$name.err" "$work/$name.vg" 2>/dev/null
        fail=$((fail + 1))
    fi
}

case_ check 0 check ../scenarios/gonggai.yaml
case_ inspect 0 inspect ../geodata/shahe/parcels.shp
case_ evaluate 0 evaluate ../scenarios/gonggai.yaml -o "$work/out" -q
# A second run over the first (outputs replaced).
case_ evaluate-again 0 evaluate ../scenarios/gonggai.yaml -o "$work/out" -q
# Failing runs: scenario errors (exit 2), a source that cannot be opened,
# an output directory that cannot be made (exit 1), and a zone that fails
# after parcels.geojson was begun (GBK text, no .cpg: exit 2).
case_ check-errors 2 check scenarios/errors.yaml
case_ inspect-missing 1 inspect no/such/parcels.shp
case_ evaluate-unwritable 1 evaluate ../scenarios/gonggai.yaml -o /proc/slvg-out
mkdir -p "$work/gbk"
cp ../geodata/shahe/parcels.shp ../geodata/shahe/parcels.shx ../geodata/shahe/parcels.dbf \
    ../geodata/shahe/parcels.prj "$work/gbk/"
sed "s|source: .*|source: $work/gbk/parcels.shp|" ../scenarios/gonggai.yaml >"$work/gbk/s.yaml"
case_ evaluate-fails-midway 2 evaluate "$work/gbk/s.yaml" -o "$work/out" -q
# An output that is an input (the scenario, hard-linked as summary.json):
# refused before anything is written (exit 2).
mkdir -p "$work/self"
ln "$work/gbk/s.yaml" "$work/self/summary.json"
case_ evaluate-onto-input 2 evaluate "$work/gbk/s.yaml" -o "$work/self" -q

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
