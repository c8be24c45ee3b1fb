#!/usr/bin/python3
"""Open shanglou.gpkg files in headless QGIS and check what a planner sees.

usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_gpkg.py MODE GPKG [MODE GPKG ...]

MODE is "evaluate" or "plan" (a shanglou.gpkg), or "geojson" (a
parcels.geojson: opens in EPSG:4326 with lon/lat extent and every parcel).  For every layer (parcels; for plan also
buildings and floors): it opens, has the source CRS (EPSG:4547 for the
sample), has a default style stored in the GeoPackage's layer_styles table,
and QGIS applied it when opening the layer: parcels categorized by status
with "id\\nFAR" labels (and, for a plan with phasing, a second stored
style "parcels by start year" graduated by start_year), floors categorized by industry with the industries'
names as legend and a rule-based 3-D renderer extruding base_m..top_m.
The map is then rendered once to check that every layer draws.

One process for all files: QGIS takes a second or two to start.  Prints
one line per check and "N passed, N failed" at the end; exit 1 on failure.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsProject, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

app = QgsApplication([], False)
app.initQgis()
try:
    from qgis._3d import Qgs3D
    Qgs3D.initialize()  # registers the 3-D renderers so that styles keep them
    HAVE_3D = True
except ImportError:
    HAVE_3D = False

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok    " + what)
    else:
        failed += 1
        print("FAIL  " + what)
    return ok


EXPECT = {
    "evaluate": {"parcels": ("status", {"candidate", "not_candidate", "rejected"})},
    "plan": {"parcels": ("status", {"redeveloped", "kept", "not_candidate", "rejected"}),
             "buildings": ("chain", "chains"),
             "floors": ("industry", None)},
}


def check_start_year_style(path, tag, lyr, ids, names):
    """A plan with phasing: the second parcels style, graduated by start_year."""
    from qgis.PyQt.QtXml import QDomDocument
    want = "parcels by start year"
    if not check(want in names, f"{tag}: style '{want}' stored in layer_styles ({names})"):
        return
    qml = lyr.getStyleFromDatabase(ids[names.index(want)])
    if isinstance(qml, tuple):  # (qml, error message) in PyQGIS
        qml = qml[0]
    doc = QDomDocument()
    check(doc.setContent(qml), f"{tag}: '{want}' is a QML document")
    other = QgsVectorLayer(f"{path}|layername=parcels", "by start year", "ogr")
    msg = other.importNamedStyle(doc)
    r = other.renderer()
    check(r.type() == "graduatedSymbol" and r.classAttribute() == "start_year",
          f"{tag}: '{want}' graduated by start_year ({r.type()}, {msg})")
    if r.type() != "graduatedSymbol":
        return
    ranges = r.ranges()
    # null (not started) is a NULL QVariant, which is false
    years = sorted({int(f["start_year"]) for f in other.getFeatures() if f["start_year"]})
    # (a plan written without running the phasing, as the hand-made one, has none)
    check(all(any(g.lowerValue() <= y <= g.upperValue() for g in ranges) for y in years),
          f"{tag}: every start year {years} falls in a class ({[g.label() for g in ranges]})")
    colours = [g.symbol().color().name() for g in ranges]
    check(len(set(colours)) == len(colours), f"{tag}: a distinct colour per class ({colours})")
    check(other.labelsEnabled() and "start_year" in other.labeling().settings().fieldName,
          f"{tag}: labels show the start year")
    # the default style is still the status map
    check(lyr.renderer().type() == "categorizedSymbol", f"{tag}: default style stays by status")


def check_file(mode, path, crs):
    layers = []
    for name, (attr, values) in EXPECT[mode].items():
        lyr = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        tag = f"{os.path.basename(os.path.dirname(path))}/{name}"
        if not check(lyr.isValid(), f"{tag}: opens"):
            continue
        layers.append(lyr)
        check(lyr.crs().authid() == crs, f"{tag}: CRS {lyr.crs().authid()} == {crs}")
        n, ids, names, descs, err = lyr.listStylesInDatabase()
        check(n >= 1 and name in names[:n], f"{tag}: default style stored in layer_styles ({names})")
        if name == "parcels" and lyr.fields().indexOf("start_year") >= 0:
            check_start_year_style(path, tag, lyr, ids[:n], names[:n])
        r = lyr.renderer()
        if attr is None:
            check(r.type() == "singleSymbol", f"{tag}: single-symbol renderer ({r.type()})")
            continue
        check(r.type() == "categorizedSymbol" and r.classAttribute() == attr,
              f"{tag}: categorized by {attr} ({r.type()}, {getattr(r, 'classAttribute', lambda: '')()})")
        if r.type() != "categorizedSymbol":
            continue
        cats = {c.value(): c for c in r.categories()}
        if values == "chains":
            # buildings by their chain (one building, one park): every
            # building's theme has a category, one colour per chain
            present = {f["chain"] for f in lyr.getFeatures()}
            check(present <= set(cats), f"{tag}: every building's chain has a category ({sorted(present)})")
            colours = [c.symbol().color().name() for c in r.categories()]
            check(len(set(colours)) == len(colours), f"{tag}: a distinct colour per chain")
            continue
        if values is not None:
            check(set(cats) == values, f"{tag}: categories {sorted(cats)}")
            present = {f[attr] for f in lyr.getFeatures()}
            check(present <= values, f"{tag}: every status in the data has a category ({sorted(present)})")
            check(lyr.labelsEnabled(), f"{tag}: labels on")
            lab = lyr.labeling().settings() if lyr.labeling() else None
            check(lab is not None and lab.isExpression and '"id"' in lab.fieldName
                  and "far" in lab.fieldName, f"{tag}: labels id and FAR ({lab.fieldName if lab else None})")
            continue
        # floors: one category per industry of the data, legend = names
        present = {}
        for f in lyr.getFeatures():
            present[f["industry"]] = f["industry_name"]
        check(set(present) <= set(cats), f"{tag}: every industry in the data has a category")
        check(all(cats[k].label() == v for k, v in present.items()),
              f"{tag}: legend shows the industries' names ({[cats[k].label() for k in present]})")
        colours = [c.symbol().color().name() for c in r.categories()]
        check(len(set(colours)) == len(colours), f"{tag}: a distinct colour per industry")
        chains = {}
        for f in lyr.getFeatures():
            chains.setdefault(f["chain"], set()).add(cats[f["industry"]].symbol().color().hue())
        # one colour family per chain: hues of a chain lie close together
        spread = [max(h) - min(h) for h in chains.values() if len(h) > 1]
        check(all(s <= 40 for s in spread), f"{tag}: one hue family per chain (spreads {spread})")
        if HAVE_3D:
            r3 = lyr.renderer3D()
            check(r3 is not None and r3.type() == "rulebased", f"{tag}: 3-D renderer "
                  f"({r3.type() if r3 else None})")
            if r3 is not None and r3.type() == "rulebased":
                from qgis.PyQt import sip
                from qgis._3d import QgsRuleBased3DRenderer
                rules = sip.cast(r3, QgsRuleBased3DRenderer).rootRule().children()
                check(len(rules) == len(cats), f"{tag}: one 3-D rule per industry ({len(rules)})")
                sym = rules[0].symbol()
                props = sym.dataDefinedProperties()
                from qgis.core import QgsAbstract3DSymbol
                h = props.property(QgsAbstract3DSymbol.PropertyHeight)
                e = props.property(QgsAbstract3DSymbol.PropertyExtrusionHeight)
                check(h.isActive() and h.expressionString() == '"base_m"'
                      and e.isActive() and "top_m" in e.expressionString(),
                      f"{tag}: extruded from base_m to top_m ({h.expressionString()}, "
                      f"{e.expressionString()})")
    # Render once: every layer draws without error.
    if layers:
        ms = QgsMapSettings()
        ms.setLayers(list(reversed(layers)))
        ms.setDestinationCrs(layers[0].crs())
        ms.setExtent(layers[0].extent())
        ms.setOutputSize(QSize(400, 400))
        ms.setBackgroundColor(QColor("white"))
        job = QgsMapRendererParallelJob(ms)
        job.start()
        job.waitForFinished()
        img = job.renderedImage()
        errs = [e.message for e in job.errors()]
        nonwhite = sum(1 for x in range(0, 400, 8) for y in range(0, 400, 8)
                       if img.pixelColor(x, y).name() != "#ffffff")
        check(not errs and nonwhite > 100, f"{mode}: map renders ({nonwhite} coloured samples, "
              f"errors {errs})")


def check_geojson(path):
    """parcels.geojson (RFC 7946) opens as WGS 84 lon/lat with every feature."""
    lyr = QgsVectorLayer(path, "parcels.geojson", "ogr")
    if not check(lyr.isValid(), f"geojson: {path} opens"):
        return
    check(lyr.crs().authid() == "EPSG:4326", f"geojson: CRS {lyr.crs().authid()} == EPSG:4326")
    ext = lyr.extent()
    check(-180 <= ext.xMinimum() <= ext.xMaximum() <= 180 and -90 <= ext.yMinimum() <= 90,
          f"geojson: extent {ext.toString()} is lon/lat")
    gpkg = QgsVectorLayer(os.path.join(os.path.dirname(path), "shanglou.gpkg") + "|layername=parcels",
                          "parcels", "ogr")
    check(gpkg.isValid() and lyr.featureCount() == gpkg.featureCount(),
          f"geojson: {lyr.featureCount()} features, as many as the GeoPackage's parcels")


args = sys.argv[1:]
crs = "EPSG:4547"
if args and args[0].startswith("--crs="):
    crs = args.pop(0)[6:]
if not args or len(args) % 2:
    sys.exit(__doc__)
for i in range(0, len(args), 2):
    if args[i] == "geojson":
        check_geojson(args[i + 1])
    else:
        check_file(args[i], args[i + 1], crs)
print(f"{passed} passed, {failed} failed")
app.exitQgis()
sys.exit(1 if failed else 0)
