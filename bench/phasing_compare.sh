#!/bin/sh
# phasing_compare.sh - one synthetic phasing programme (bench_phasing) solved
# by shanglou's phasing solver (GLPK) and, as the compact phasing MIP it
# exports (the model of `shanglou export-model --phasing`), by Debian's cbc
# (coinor-cbc), with the same time limit, gap and one thread each, one after
# the other in one run.  Prints one table row per solver
# (docs/benchmarks.md): objective, bound, gap, status, wall seconds, CPU
# seconds (user + sys) and peak RSS.
#   bench/phasing_compare.sh BUILD_DIR PARCELS YEARS SECONDS GAP [SEED]
set -eu
build=${1:?build dir}; p=${2:?parcels}; y=${3:?years}; sec=${4:?seconds}; gap=${5:?gap}
seed=${6:-1}
command -v cbc >/dev/null || { echo "cbc not found: apt-get install coinor-cbc" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
zone="$p parcels × $y years, seed $seed"
cmd="$build/bench/bench_phasing -p $p -y $y -s $seed -t $sec -g $gap"

# shanglou: objective, bound and gap from bench_phasing, wall and peak RSS from time(1)
/usr/bin/time -f "%e %M %U %S" -o "$dir/time" $cmd > "$dir/sl.out"
read -r wall kb us ss < "$dir/time"
grep -E "^(parcels|binding|check|conflict)" "$dir/sl.out" | sed 's/^/# /'
awk -v zone="$zone" -v cmd="$cmd" -v wall="$wall" -v kb="$kb" -v cpu="$us $ss" '/^status/ {
    for (k = 1; k < NF; k++) v[$k] = $(k + 1)
    split(cpu, t, " ")
    printf "| %s | `%s` | shanglou (GLPK) | %s | %s | %s | %s | %.1f s | %.1f s | %d MiB | %s s in sl_phasing_solve, %s started, check %s |\n",
        zone, cmd, v["objective"], v["bound"], v["gap"], v["status"], wall, t[1] + t[2],
        kb / 1024, v["seconds"], v["started"], v["check"] }' "$dir/sl.out"

# cbc: the phasing MIP as free MPS, which minimises minus the discounted
# value; the gap is shanglou's: (bound - objective) / max(|objective|, 1)
"$build/bench/bench_phasing" -p "$p" -y "$y" -s "$seed" -x "$dir/phasing.mps" > /dev/null
rows=$(grep -c '' "$dir/phasing.mps")
ccmd="cbc phasing.mps -threads 1 -timeMode elapsed -sec $sec -ratioGap $gap -solve -quit"
/usr/bin/time -f "%e %M %U %S" -o "$dir/time" cbc "$dir/phasing.mps" -threads 1 -timeMode elapsed \
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
        if (bnd == "" && obj != "" && status ~ /^Optimal/) bnd = obj  # cbc prints no bound then
        if (obj != "" && bnd != "")
            g = (bnd - obj) / (obj > 1 || obj < -1 ? (obj < 0 ? -obj : obj) : 1) * 100
        split(cpu, t, " ")
        printf "| %s | `%s` | cbc | %s | %s | %s | %s | %.1f s | %.1f s | %d MiB | |\n",
            zone, cmd, obj == "" ? "-" : sprintf("%.2f", obj), bnd == "" ? "-" : sprintf("%.2f", bnd),
            g == "" ? "-" : sprintf("%.5f%%", g), status, wall, t[1] + t[2], kb / 1024 }' "$dir/cbc.log"
