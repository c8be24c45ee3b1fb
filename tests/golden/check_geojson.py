#!/usr/bin/python3
"""Independent check of a shanglou parcels.geojson against its source layer.

usage: check_geojson.py SOURCE OUTPUT.geojson

Reads SOURCE with GDAL's Python bindings and computes every parcel's
geodesic area with pyproj (GeographicLib) on the ellipsoid of the source's
geographic CRS, holes subtracted, parts summed, then checks that OUTPUT:
- is RFC 7946: no "crs" member, lon/lat coordinates;
- has one feature per source feature, in order, with the source's ids;
- reports area_m2 within 0.01 % for every non-rejected parcel.
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


def main():
    src_path, out_path = sys.argv[1], sys.argv[2]
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
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok: %d features, %d areas checked, worst relative difference %.2e"
          % (len(feats), checked, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
