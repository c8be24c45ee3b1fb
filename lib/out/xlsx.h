/*
 * xlsx.h - shanglou.xlsx: the run as an Excel workbook (libxlsxwriter),
 * for planners who work in Excel or WPS: the parcels and storeys as the
 * GeoPackage holds them, the industries against their demand, the zone's
 * 技术经济指标表, and the economics and phasing when the scenario has them.
 * Ids and other text are stored as text (so "3-12" never becomes a date and
 * "007" keeps its zeros), numbers as numbers with number formats; every
 * sheet has a frozen header row and a filter.  See docs/outputs.md.
 */
#ifndef SL_OUT_XLSX_H
#define SL_OUT_XLSX_H

#include "econ/economics.h"
#include "eval/evaluate.h"
#include "plan/plan.h"

/* Write the workbook to xlsx_path.  gpkg_path is the run's just written
 * shanglou.gpkg: its parcels layer becomes the sheet "parcels" (the
 * properties of parcels.geojson, same names, order and values) and, for a
 * plan, its floors layer the sheet "storeys".  plan is NULL for evaluate
 * (no storeys, economics or phases sheets, industries without what was
 * placed); e is the run's economics or NULL; the phasing is plan->phasing.
 * Large sheets continue on "NAME 2", "NAME 3" … past Excel's 1,048,576
 * rows.  Returns SL_ERR_IO with a message naming the failing path
 * (SL_ERR_NOMEM when out of memory). */
sl_status sl_xlsx_write(const char *xlsx_path, const char *gpkg_path, const sl_zone *z,
                        const sl_plan *plan, const sl_economics *e, sl_error *err);

#endif
