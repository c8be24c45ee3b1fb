/*
 * report_map.h - the zone map of report.html (片区地图): every parcel with a
 * usable geometry as an inline SVG path, drawn in one metric frame (the
 * layer's own CRS when projected, else the Gauss-Krüger / UTM zone of its
 * centre) with north up; coloured by status and, redeveloped, by its
 * building's chain (the buildings layer's colours); ids and enterprise
 * names where they fit, pins marked, a scale bar in round metres, a north
 * arrow and a legend; hovering or clicking a parcel shows its numbers and
 * its stack in a panel beside the map (a small inline script, nothing
 * fetched).  See docs/outputs.md.
 */
#ifndef SL_OUT_REPORT_MAP_H
#define SL_OUT_REPORT_MAP_H

#include "eval/evaluate.h"
#include "out/styles.h"
#include "plan/plan.h"
#include "util/textbuf.h"

/* Append the map's section (heading, SVG, legend, panel and its script)
 * to b.  plan is NULL for an evaluate report; colours are the industries'
 * (sl_style_industry_colours), for the stacks in the panel.  Reads the
 * parcel source once more (sl_zone_rescan).  Returns SL_OK (running out of
 * memory while appending is left in b, which is sticky), or the reading's
 * failure (SL_ERR_SOURCE, SL_ERR_NOMEM) with a message in err. */
sl_status sl_report_map(sl_textbuf *b, const sl_zone *z, const sl_plan *plan, const sl_rgb *colours,
                        sl_error *err);

/* The style sheet of the map's section, for report.html's <style>. */
const char *sl_report_map_css(void);

/* A file name for parcel id: the id with characters other than letters,
 * digits, '-', '_' and '.' (and any non-ASCII byte kept as is) replaced by
 * '_', then ".svg", into buf.  Returns buf.  The stacking plans' file
 * names (stacks/) and, without ".svg", the anchors of report.html's
 * redeveloped parcels, which the map's panel links to. */
char *sl_report_svg_name(const char *id, char *buf, size_t size);

#endif
