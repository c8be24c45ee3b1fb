#!/usr/bin/python3
"""Independent check of a shanglou parcels.geojson against its source layer.

usage: check_geojson.py SOURCE OUTPUT.geojson
       check_geojson.py --plan SOURCE DIR

Reads SOURCE with GDAL's Python bindings and computes every parcel's
geodesic area with pyproj (GeographicLib) on the ellipsoid of the source's
geographic CRS, holes subtracted, parts summed, then checks that OUTPUT:
- is RFC 7946: no "crs" member, lon/lat coordinates;
- has one feature per source feature, in order, with the source's ids;
- reports area_m2 within 0.01 % for every non-rejected parcel.
With --plan, DIR is a plan's output directory: DIR/parcels.geojson is
checked as above, and then the plan's honesty (docs/outputs.md):
- summary.json has status and stop_reason (null only when infeasible);
  bound and gap are both null or both numbers, never a gap without a
  bound; a number gap is (bound - objective) / max(|objective|, 1) and
  >= 0; objective is a number exactly when the status has a plan;
- every redeveloped parcel has chains (an array of distinct strings) and
  neighbour_bonus_m2 (a number); other parcels have them null;
- the parcels' value_m2eq add up to the objective (docs/model.md §9.9);
- chains_by_parcel is the histogram of the redeveloped parcels' chain
  counts, and their number is summary's parcels.redeveloped.
Prints one line per problem and exits 1 if any, else prints a summary.
"""
import json
import sys

from osgeo import ogr, osr
import pyproj

ogr.UseExceptions()


def ring_area(geod, tr, ring):
    pts = ring.GetPoints()
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    lons, lats = tr.transform(xs, ys)
    area, _ = geod.polygon_area_perimeter(lons, lats)
    return abs(area)


def geom_area(geod, tr, g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbMultiPolygon:
        return sum(geom_area(geod, tr, g.GetGeometryRef(i)) for i in range(g.GetGeometryCount()))
    if t != ogr.wkbPolygon:
        return None
    a = 0.0
    for i in range(g.GetGeometryCount()):
        r = ring_area(geod, tr, g.GetGeometryRef(i))
        a += r if i == 0 else -r
    return a


def check_plan(out_dir, problems):
    with open(out_dir + "/summary.json", encoding="utf-8") as f:
        summ = json.load(f)
    with open(out_dir + "/parcels.geojson", encoding="utf-8") as f:
        feats = json.load(f)["features"]
    status = summ.get("status")
    if status not in ("optimal", "feasible", "infeasible", "no_plan"):
        problems.append("summary: status %r" % (status,))
    if "stop_reason" not in summ:
        problems.append("summary: no stop_reason")
    why = summ.get("stop_reason")
    if why not in ("gap", "time_limit", "interrupted") and not (why is None and status == "infeasible"):
        problems.append("summary: stop_reason %r with status %r" % (why, status))
    bound, gap, obj = summ.get("bound"), summ.get("gap"), summ.get("objective")
    if (bound is None) != (gap is None):
        problems.append("summary: bound %r but gap %r (null together or not at all)" % (bound, gap))
    if (obj is not None) != (status in ("optimal", "feasible")):
        problems.append("summary: objective %r with status %r" % (obj, status))
    if gap is not None and obj is not None and bound is not None:
        expect = (bound - obj) / max(abs(obj), 1.0)
        if gap < 0 or abs(gap - expect) > 1e-5 + 1e-3 * abs(expect):
            problems.append("summary: gap %r, bound %r and objective %r give %r" % (gap, bound, obj, expect))
    hist = {}
    n_red = 0
    for i, ft in enumerate(feats):
        p = ft["properties"]
        for key in ("chains", "neighbour_bonus_m2"):
            if key not in p:
                problems.append("feature %d: no property %s" % (i, key))
        if p.get("status") == "redeveloped":
            n_red += 1
            ch = p.get("chains")
            if not isinstance(ch, list) or not all(isinstance(c, str) for c in ch) or len(set(ch)) != len(ch):
                problems.append("feature %d (%s): chains %r" % (i, p.get("id"), ch))
                continue
            if not isinstance(p.get("neighbour_bonus_m2"), (int, float)):
                problems.append("feature %d (%s): neighbour_bonus_m2 %r" % (i, p.get("id"), p.get("neighbour_bonus_m2")))
            hist[str(len(ch))] = hist.get(str(len(ch)), 0) + 1
        elif p.get("chains") is not None or p.get("neighbour_bonus_m2") is not None:
            problems.append("feature %d (%s, %s): chains %r, neighbour_bonus_m2 %r (null expected)"
                            % (i, p.get("id"), p.get("status"), p.get("chains"), p.get("neighbour_bonus_m2")))
        if p.get("status") == "kept" and not p.get("reason"):
            problems.append("feature %d (%s): kept without a reason" % (i, p.get("id")))
    if obj is not None:
        total = sum(ft["properties"].get("value_m2eq") or 0 for ft in feats)
        if abs(total - obj) > 0.01 * (n_red + 1):
            problems.append("summary: objective %r, the parcels' value_m2eq add up to %.2f" % (obj, total))
    if summ.get("chains_by_parcel") != hist:
        problems.append("summary: chains_by_parcel %r, the parcels give %r" % (summ.get("chains_by_parcel"), hist))
    if summ.get("parcels", {}).get("redeveloped") != n_red:
        problems.append("summary: %r redeveloped, parcels.geojson %d"
                        % (summ.get("parcels", {}).get("redeveloped"), n_red))


def main():
    plan_dir = None
    if len(sys.argv) == 4 and sys.argv[1] == "--plan":
        src_path, plan_dir = sys.argv[2], sys.argv[3]
        out_path = plan_dir + "/parcels.geojson"
    elif len(sys.argv) == 3:
        src_path, out_path = sys.argv[1], sys.argv[2]
    else:
        print(__doc__)
        return 2
    ds = ogr.Open(src_path)
    layer = ds.GetLayer(0)
    srs = layer.GetSpatialRef()
    crs = pyproj.CRS.from_wkt(srs.ExportToWkt())
    geod = crs.get_geod()
    tr = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    with open(out_path, encoding="utf-8") as f:
        out = json.load(f)
    problems = []
    if "crs" in out:
        problems.append("output has a 'crs' member (not RFC 7946)")
    feats = out["features"]
    if len(feats) != layer.GetFeatureCount():
        problems.append("output has %d features, source %d" % (len(feats), layer.GetFeatureCount()))
    worst = 0.0
    checked = 0
    for i, sf in enumerate(layer):
        if i >= len(feats):
            break
        props = feats[i]["properties"]
        sid = sf.GetField("DKBH") if sf.GetFieldIndex("DKBH") >= 0 else None
        if sid is not None and props.get("id") != sid:
            problems.append("feature %d: id %r, source %r" % (i, props.get("id"), sid))
        g = feats[i]["geometry"]
        if g is not None:
            c = g["coordinates"]
            while isinstance(c[0], list):
                c = c[0]
            if not (-180 <= c[0] <= 180 and -90 <= c[1] <= 90):
                problems.append("feature %d: coordinates %r are not lon/lat" % (i, c))
        if props["status"] == "rejected":
            continue
        expect = geom_area(geod, tr, sf.GetGeometryRef())
        got = props["area_m2"]
        rel = abs(got - expect) / expect
        worst = max(worst, rel)
        checked += 1
        if rel > 1e-4:
            problems.append("feature %d (%s): area_m2 %.2f, independent %.2f (%.4f %%)"
                            % (i, props.get("id"), got, expect, rel * 100))
    if plan_dir is not None:
        check_plan(plan_dir, problems)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok: %d features, %d areas checked, worst relative difference %.2e"
          % (len(feats), checked, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
