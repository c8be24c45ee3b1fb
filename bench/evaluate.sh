#!/bin/sh
# bench/evaluate.sh - time `shanglou evaluate` on a generated zone beside
# `ogr2ogr -f GeoJSON -lco RFC7946=YES` of the same layer, in one run.
#
#   bench/evaluate.sh [N_PARCELS] [BUILD_DIR]     (default 100000, build)
#
# Prints wall seconds and peak RSS of each, and the ratios: evaluate writing
# GeoJSON only (like for like with ogr2ogr), and with every default output.  Figures are
# recorded in docs/benchmarks.md with the machine they were measured on.
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
build=${2:-build}
work=${TMPDIR:-/tmp}/shanglou-bench-$n
rm -rf "$work"
mkdir -p "$work"
"$build/slgen" bench "$n" "$work/zone" >/dev/null
cat > "$work/bench.yaml" <<YAML
name: bench-$n
parcels:
  source: zone/parcels.shp
  fields: {id: DKBH, land_use: YDDM, current_far: RJL, current_gfa: JZMJ, current_height: JZGD, tax: NSE}
  industrial_land_uses: [M1, M2, "100101", "100102"]
candidacy: {far_below: 1.0, tax_per_mu_below_cny: 150000, min_area_m2: 3000}
rules:
  before: {far_max: 1.0, factory_height_max_m: 24, office_height_max_m: 24}
  after:  {far_max: 3.0, factory_height_max_m: 50, office_height_max_m: 60}
YAML

measure() { # label, command...
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
    read -r secs kb < "$work/time"
    echo "$label: ${secs} s, peak RSS $((kb / 1024)) MiB"
    eval "${label}_secs=$secs"
}

echo "zone: $n parcels ($(du -sh "$work/zone" | cut -f1) shapefile), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
measure ogr2ogr ogr2ogr -f GeoJSON -lco RFC7946=YES "$work/ogr.geojson" "$work/zone/parcels.shp"
# Like for like: GeoJSON only (plus the small summary.json) ...
measure shanglou "$build/shanglou" evaluate "$work/bench.yaml" -o "$work/out" -q --formats geojson
echo "ratio shanglou/ogr2ogr: $(echo "$shanglou_secs $ogr2ogr_secs" | awk '{printf "%.2f", $1 / $2}')"
# ... and everything evaluate writes by default (GeoJSON, GeoPackage, CSV, report).
measure shanglou_all "$build/shanglou" evaluate "$work/bench.yaml" -o "$work/out-all" -q
echo "ratio shanglou (all outputs)/ogr2ogr: $(echo "$shanglou_all_secs $ogr2ogr_secs" | awk '{printf "%.2f", $1 / $2}')"
rm -rf "$work"
