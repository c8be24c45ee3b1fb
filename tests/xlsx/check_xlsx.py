#!/usr/bin/python3
"""Read shanglou.xlsx back (openpyxl) and compare it with the run's other
outputs, value by value.  Called by tests/test_xlsx.c with Debian's
/usr/bin/python3 (python3-openpyxl).

usage: check_xlsx.py evaluate|plan DIR [--id ID]...

Checks: the sheets there are; on every sheet a frozen header row, an
autofilter over all of it and a width for every column; the parcels sheet
against parcels.geojson (every parcel, every property: text as text,
numbers as numbers, the date fields of shanglou.gpkg as dates, null as an
empty cell); storeys against
floors.geojson; economics against the parcels' economics properties;
phases against phases.csv; industries and the 技术经济指标 against
summary.json.  Each --id must appear, as that very text, in the parcels
sheet.  Prints "xlsx: N checks passed, 0 failed" or fails with the first
difference.
"""
import csv
import datetime
import json
import re
import sys

import openpyxl
from openpyxl.utils import get_column_letter
from osgeo import ogr

checks = 0


def check(cond, what):
    global checks
    if not cond:
        sys.exit("FAIL: " + what)
    checks += 1


def same_number(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def check_when(cell, v, kind, where):
    """A date, date-time or time field: an Excel date holding the GeoJSON's
    ISO 8601 text v (its time zone aside)."""
    check(cell.data_type == "d", f"{where}: a date, got {cell.data_type} {cell.value!r}")
    if kind == ogr.OFTDate:
        check(cell.value.date().isoformat() == v, f"{where}: {v!r}, got {cell.value!r}")
        return
    if kind == ogr.OFTTime:
        h, m, sec = re.match(r"(\d\d):(\d\d):(\d\d(?:\.\d+)?)", v).groups()
        want = datetime.datetime(1900, 1, 1, int(h), int(m)) + datetime.timedelta(seconds=float(sec))
        got = cell.value
        got = datetime.datetime(1900, 1, 1, got.hour, got.minute, got.second, got.microsecond)
    else:
        want = datetime.datetime.fromisoformat(re.match(r"[^Z+]*(?:\+|Z|$)", v).group(0).rstrip("+Z"))
        got = cell.value
    check(abs((got - want).total_seconds()) < 0.002, f"{where}: {v!r}, got {cell.value!r}")


def check_cell(cell, v, where, kind=None):
    """The cell holds the GeoJSON value v, typed as v is (kind: the OGR
    type of the field, for dates)."""
    if v is None or v == "":
        check(cell.value is None, f"{where}: empty cell for null, got {cell.value!r}")
    elif kind in (ogr.OFTDate, ogr.OFTDateTime, ogr.OFTTime):
        check_when(cell, v, kind, where)
    elif isinstance(v, bool):
        check(cell.data_type == "b" and cell.value is v, f"{where}: boolean {v!r}, got {cell.value!r}")
    elif isinstance(v, (list, dict)):
        # stack, chains: JSON text, as in parcels.csv and the GeoPackage
        check(cell.data_type == "s" and json.loads(cell.value) == v,
              f"{where}: JSON text of {v!r}, got {cell.value!r}")
    elif isinstance(v, (int, float)):
        check(cell.data_type == "n" and not isinstance(cell.value, bool),
              f"{where}: a number, got {cell.data_type} {cell.value!r}")
        check(same_number(cell.value, v), f"{where}: {v!r}, got {cell.value!r}")
    else:
        check(cell.data_type == "s" and isinstance(cell.value, str),
              f"{where}: text {v!r}, got {cell.data_type} {cell.value!r}")
        check(cell.value == str(v), f"{where}: {v!r}, got {cell.value!r}")


def check_layout(ws):
    """Frozen header, autofilter over the whole table, column widths, bold header."""
    check(ws.freeze_panes in ("A2", "B2"), f"{ws.title}: header row frozen ({ws.freeze_panes})")
    last = get_column_letter(ws.max_column)
    want = f"A1:{last}{ws.max_row}"
    check(ws.auto_filter.ref == want, f"{ws.title}: autofilter {ws.auto_filter.ref} != {want}")
    for c in range(1, ws.max_column + 1):
        letter = get_column_letter(c)
        w = ws.column_dimensions[letter].width
        check(w is not None and 6 <= w <= 61, f"{ws.title}: column {letter} width {w}")
        check(ws.cell(1, c).font.b, f"{ws.title}: header {letter} bold")


def header(ws):
    return [c.value for c in ws[1]]


def field_types(path, layer):
    """The OGR type of each field of a layer of the GeoPackage."""
    ds = ogr.Open(path)  # kept: its layers die with it
    d = ds.GetLayerByName(layer).GetLayerDefn()
    return {d.GetFieldDefn(i).GetName(): d.GetFieldDefn(i).GetType() for i in range(d.GetFieldCount())}


def compare_layer(ws, features, key_columns=None, types=None):
    """One row per feature in order; every property of the feature in the
    column of the same name."""
    head = header(ws)
    check(ws.max_row == 1 + len(features), f"{ws.title}: {ws.max_row - 1} rows for {len(features)} features")
    props0 = list(features[0]["properties"].keys()) if features else []
    if key_columns is None:
        check(head == props0, f"{ws.title}: columns {head} != properties {props0}")
    col = {name: i + 1 for i, name in enumerate(head)}
    for r, f in enumerate(features, start=2):
        p = f["properties"]
        for k, v in p.items():
            if k not in col:
                continue
            check_cell(ws.cell(r, col[k]), v, f"{ws.title}!{get_column_letter(col[k])}{r} ({k})",
                       (types or {}).get(k))


def number_formats(ws):
    """Numbers in unit columns carry a number format."""
    want = {"area_m2": "#,##0.00", "current_gfa_m2": "#,##0.00", "current_far": "0.0000",
            "far": "0.0000", "coverage": "0.0000", "capex_cny": "#,##0.00", "gfa_m2": "#,##0.00",
            "height_m": "0.00", "level": "0", "factory_floors": "0", "start_year": "0"}
    head = header(ws)
    for i, name in enumerate(head, start=1):
        if name not in want:
            continue
        for r in range(2, ws.max_row + 1):
            c = ws.cell(r, i)
            if c.value is not None:
                check(c.number_format == want[name],
                      f"{ws.title}: {name} formatted {c.number_format!r}, not {want[name]!r}")
                break


def rows_by(ws, column):
    head = header(ws)
    i = head.index(column)
    return {row[i]: dict(zip(head, row)) for row in ws.iter_rows(min_row=2, values_only=True)}


def main():
    args = sys.argv[1:]
    mode, d = args[0], args[1]
    ids = [args[i + 1] for i in range(2, len(args) - 1) if args[i] == "--id"]
    wb = openpyxl.load_workbook(f"{d}/shanglou.xlsx")
    parcels = json.load(open(f"{d}/parcels.geojson", encoding="utf-8"))["features"]
    summary = json.load(open(f"{d}/summary.json", encoding="utf-8"))
    has_econ = bool(parcels) and "capex_cny" in parcels[0]["properties"]
    try:
        phases = list(csv.DictReader(open(f"{d}/phases.csv", encoding="utf-8-sig", newline="")))
    except FileNotFoundError:
        phases = None
    ind = "indicators 技术经济指标"
    want = ["parcels", "industries", ind]
    if mode == "plan":
        want = ["parcels", "storeys", "industries", ind]
        if has_econ:
            want.append("economics")
        if phases is not None:
            want.append("phases")
    check(wb.sheetnames == want, f"sheets {wb.sheetnames} != {want}")
    for ws in wb.worksheets:
        check_layout(ws)

    # parcels: every parcel, every property, value by value
    ws = wb["parcels"]
    types = field_types(f"{d}/shanglou.gpkg", "parcels")
    compare_layer(ws, parcels, types=types)
    dates = [k for k, t in types.items() if t in (ogr.OFTDate, ogr.OFTDateTime, ogr.OFTTime)]
    if dates:
        print("date columns:", ", ".join(dates))
    number_formats(ws)
    for r in range(2, ws.max_row + 1):
        check(ws.cell(r, 1).data_type == "s", f"parcels!A{r}: id stored as text")
    sheet_ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    for i in ids:
        check(i in sheet_ids, f"parcel id {i!r} kept as text (ids: {sheet_ids[:8]} ...)")

    # industries against summary.json (and the storeys)
    wi = wb["industries"]
    inds = rows_by(wi, "id")
    check(len(inds) == wi.max_row - 1 and len(inds) > 0, "industries: one row per industry")
    if mode == "plan":
        by = summary["gfa_by_industry_m2"]
        check(list(inds) == list(by), f"industries {list(inds)} != {list(by)}")
        storeys = json.load(open(f"{d}/floors.geojson", encoding="utf-8"))["features"]
        compare_layer(wb["storeys"], storeys, key_columns=True)
        number_formats(wb["storeys"])
        for k, row in inds.items():
            check(abs(row["gfa_m2"] - by[k]) < 0.011, f"industries {k}: gfa_m2 {row['gfa_m2']} != {by[k]}")
            mine = [f["properties"] for f in storeys if f["properties"]["industry"] == k]
            check(row["storeys"] == len(mine), f"industries {k}: {row['storeys']} storeys != {len(mine)}")
            check(row["parcels"] == len({p["parcel_id"] for p in mine}), f"industries {k}: parcels")
            lo, hi = row["demand_min_m2"], row["demand_max_m2"]
            met = "yes" if row["gfa_m2"] >= lo - 0.5 and (hi is None or row["gfa_m2"] <= hi + 0.5) else None
            check(met is None or row["demand_met"] == "yes", f"industries {k}: demand_met {row['demand_met']}")
    else:
        check("gfa_m2" not in header(wi), "evaluate: nothing placed")

    # the zone's 技术经济指标 against summary.json
    wt = wb[ind]
    rows = {}
    for r in wt.iter_rows(min_row=2, values_only=True):
        rows.setdefault((r[0], r[1]), r)
    cur, plan_col = 2, 3

    def near(key, col, v, tol=0.011):
        check(key in rows, f"indicator {key} present")
        got = rows[key][col]
        check(isinstance(got, (int, float)) and abs(got - v) <= tol,
              f"indicator {key}: {got!r} != {v!r}")

    near(("parcels 地块", "parcels"), cur, summary["parcels"]["total"], 0)
    near(("site area 用地面积", "m²"), cur, summary["area_m2"]["total"])
    near(("candidates' site area 低效用地面积", "m²"), cur, summary["area_m2"]["candidate"])
    near(("GFA 总建筑面积", "m²"), cur, summary["current_gfa_m2"]["total"])
    near(("candidates' GFA 低效用地建筑面积", "m²"), cur, summary["current_gfa_m2"]["candidate"])
    near(("candidates' possible gain 候选地块可增建筑面积", "m²"), cur, summary["candidate_gain_m2"])
    near(("rejected 数据有误", "parcels"), cur, summary["parcels"]["rejected"], 0)
    near(("not candidates 非候选地块", "parcels"), cur, summary["parcels"]["not_candidate"], 0)
    for rname, rule in summary["rules"].items():
        near((f"candidates' max GFA under {rname} 候选地块规则上限建筑面积", "m²"), cur,
             rule["candidate_max_gfa_m2"])
    if mode == "plan":
        near(("redeveloped 改造地块", "parcels"), plan_col, summary["parcels"]["redeveloped"], 0)
        near(("kept candidates 保留地块", "parcels"), plan_col, summary["parcels"]["kept"], 0)
        near(("redeveloped GFA 改造地块建筑面积", "m²"), plan_col, summary["gfa_m2"])
        near(("objective 目标值", "m²-eq"), plan_col, summary["objective"])
        if summary["bound"] is None:
            check(rows[("bound 上界", "m²-eq")][plan_col] is None, "no bound: empty, never 0")
        else:
            near(("bound 上界", "m²-eq"), plan_col, summary["bound"])
        red = [f["properties"] for f in parcels if f["properties"]["status"] == "redeveloped"]
        near(("storeys 楼层", "storeys"), plan_col, sum(len(p["stack"]) for p in red), 0)
        props = [f["properties"] for f in parcels]
        # unknown floor space (null, never 0) is left out of the sum
        total = sum(p["current_gfa_m2"] for p in props
                    if p["status"] != "rejected" and p["current_gfa_m2"] is not None)
        check(abs(rows[("GFA 总建筑面积", "m²")][cur] - total) < 1, "current GFA sums the parcels")
    if "economics" in summary:
        e = summary["economics"]
        near(("tax per mu 亩均税收", "CNY/mu"), cur, e["tax_per_mu_before_cny"])
        near(("tax per mu 亩均税收", "CNY/mu"), plan_col, e["tax_per_mu_after_cny"])
        near(("capex 总投资", "CNY"), plan_col, e["capex_cny"])
        near(("NPV 净现值", "CNY"), plan_col, e["npv_cny"])
        for g in "ABCD":
            near((f"grade {g} 亩均评价 {g} 类", "parcels"), cur, e["grades_before"][g], 0)
            near((f"grade {g} 亩均评价 {g} 类", "parcels"), plan_col, e["grades_after"][g], 0)

    # economics: one row per redeveloped parcel, the parcels' §11 values
    if "economics" in wb.sheetnames:
        we = wb["economics"]
        red = [f for f in parcels if f["properties"]["status"] == "redeveloped"]
        check(we.max_row == 1 + len(red), f"economics: {we.max_row - 1} rows for {len(red)} redeveloped")
        compare_layer(we, red, key_columns=True)
        for r in range(2, we.max_row + 1):
            check(we.cell(r, 1).data_type == "s", f"economics!A{r}: id as text")

    # phases: the rows of phases.csv
    if phases is not None:
        wp = wb["phases"]
        head = header(wp)
        check(head == list(phases[0].keys()) if phases else True, f"phases: columns {head}")
        check(wp.max_row == 1 + len(phases), f"phases: {wp.max_row - 1} rows for {len(phases)}")
        for r, row in enumerate(phases, start=2):
            for i, k in enumerate(head, start=1):
                v = float(row[k]) if row[k] != "" else None
                check_cell(wp.cell(r, i), v, f"phases!{get_column_letter(i)}{r} ({k})")

    print(f"xlsx: {checks} checks passed, 0 failed")


main()
