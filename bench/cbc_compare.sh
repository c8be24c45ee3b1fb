#!/bin/sh
# cbc_compare.sh - solve the compact MIP of a synthetic zone with Debian's
# cbc (coinor-cbc) for comparison with bench_plan on the same zone.
#   bench/cbc_compare.sh BUILD_DIR PARCELS INDUSTRIES CHAINS [SECONDS]
# Prints cbc's last objective and bound lines and its wall time.
set -eu
build=${1:?build dir}; p=${2:-200}; i=${3:-12}; c=${4:-3}; sec=${5:-120}
command -v cbc >/dev/null || { echo "cbc not found: apt-get install coinor-cbc" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/bench/bench_plan" -p "$p" -i "$i" -c "$c" -x "$dir/zone.mps"
start=$(date +%s.%N)
# the MPS file minimises minus the value (MPS has no objective sense)
cbc "$dir/zone.mps" -sec "$sec" -threads 1 -solve -quit > "$dir/cbc.log" 2>&1 || true
end=$(date +%s.%N)
grep -E "Objective value|Best possible|Gap|Result|Stopped|Optimal|Cbc0010I|Cbc0012I" "$dir/cbc.log" | tail -6
echo "cbc wall seconds: $(echo "$end - $start" | bc)"
