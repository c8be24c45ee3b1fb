#!/bin/sh
# v2_compare.sh - one version-2 synthetic zone (bench_plan -2) solved by
# shanglou's optimizer and, as the compact MIP it exports, by Debian's cbc
# (coinor-cbc), with the same time limit and one thread each, one after the
# other in one run.  Prints one table row per solver (docs/benchmarks.md):
# objective, bound, gap, status, wall seconds, CPU seconds (user + sys: the
# figure to compare when other jobs share the machine) and peak RSS.
#   bench/v2_compare.sh BUILD_DIR PARCELS INDUSTRIES CHAINS SECONDS GAP [SEED [SIDES]]
# SIDES: both (default), shanglou or cbc.
set -eu
build=${1:?build dir}; p=${2:?parcels}; i=${3:?industries}; c=${4:?chains}
sec=${5:?seconds}; gap=${6:?gap}; seed=${7:-1}; sides=${8:-both}
command -v cbc >/dev/null || { echo "cbc not found: apt-get install coinor-cbc" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
zone="v2 $p parcels × $i industries × $c chains, seed $seed"
cmd="$build/bench/bench_plan -2 -p $p -i $i -c $c -s $seed -t $sec -g $gap"

# shanglou: objective, bound and gap from bench_plan, wall and peak RSS from time(1)
if [ "$sides" != cbc ]; then
    /usr/bin/time -f "%e %M %U %S" -o "$dir/time" $cmd > "$dir/sl.out"
    read -r wall kb us ss < "$dir/time"
    grep -E "^(parcels|check|conflict)" "$dir/sl.out" | sed 's/^/# /'
    awk -v zone="$zone" -v cmd="$cmd" -v wall="$wall" -v kb="$kb" -v cpu="$us $ss" '/^status/ {
        for (k = 1; k < NF; k++) v[$k] = $(k + 1)
        split(cpu, t, " ")
        printf "| %s | `%s` | shanglou | %s | %s | %s | %s | %.1f s | %.1f s | %d MiB | %s, check %s |\n",
            zone, cmd, v["objective"], v["bound"], v["gap"], v["status"], wall, t[1] + t[2],
            kb / 1024, v["seconds"] " s in sl_plan_solve", v["check"] }' "$dir/sl.out"
fi
[ "$sides" != shanglou ] || exit 0

# cbc: the compact MIP as free MPS, which minimises minus the value; the
# gap is shanglou's: (bound - objective) / max(|objective|, 1)
"$build/bench/bench_plan" -2 -p "$p" -i "$i" -c "$c" -s "$seed" -x "$dir/zone.mps"
rows=$(grep -c '' "$dir/zone.mps")
ccmd="cbc zone.mps -threads 1 -timeMode elapsed -sec $sec -ratioGap $gap -solve -quit"
/usr/bin/time -f "%e %M %U %S" -o "$dir/time" cbc "$dir/zone.mps" -threads 1 -timeMode elapsed \
    -sec "$sec" -ratioGap "$gap" -solve -quit > "$dir/cbc.log" 2>&1 || true
read -r wall kb us ss < "$dir/time"
grep -E "^(Result|Objective value|Lower bound|Gap|Enumerated|Total time)" "$dir/cbc.log" |
    sed 's/^/# cbc: /'
awk -v zone="$zone" -v cmd="$ccmd ($rows MPS lines)" -v wall="$wall" -v kb="$kb" -v cpu="$us $ss" '
    /^Result - / { sub(/^Result - /, ""); status = $0 }
    /^Objective value:/ { obj = -$3 }
    /^Lower bound:/ { bnd = -$3 }
    END {
        if (status == "") status = "no result (see log)"
        if (obj != "" && bnd != "")
            g = (bnd - obj) / (obj > 1 || obj < -1 ? (obj < 0 ? -obj : obj) : 1) * 100
        split(cpu, t, " ")
        printf "| %s | `%s` | cbc | %s | %s | %s | %s | %.1f s | %.1f s | %d MiB | |\n",
            zone, cmd, obj == "" ? "-" : sprintf("%.2f", obj), bnd == "" ? "-" : sprintf("%.2f", bnd),
            g == "" ? "-" : sprintf("%.5f%%", g), status, wall, t[1] + t[2], kb / 1024 }' "$dir/cbc.log"
