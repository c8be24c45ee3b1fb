/*
 * report.h - what a planner reads and prints: report.html (one
 * self-contained file: inline CSS, SVG and the map's small script, nothing
 * fetched from the network) and the stacking plan (竖向布局图) of each
 * redeveloped building as SVG.  See docs/outputs.md.
 */
#ifndef SL_OUT_REPORT_H
#define SL_OUT_REPORT_H

#include "out/outdir.h"
#include "plan/plan.h"
#include "out/styles.h"
#include "eval/evaluate.h"
#include "econ/economics.h"
#include "out/report_map.h" /* sl_report_svg_name */
#include "phase/phasing.h"

/* Write report.html for an evaluate run (plan NULL) or a plan run: the
 * zone summary, the zone's map (report_map.h: the source is read once
 * more); for evaluate the rule sets and the candidates by gain; for
 * plan the optimizer's objective, bound and gap, each industry's GFA
 * against its demand, a 技术经济指标表 (technical and economic indicators)
 * per redeveloped parcel with before -> after, and the stacking plans.
 * Returns SL_ERR_IO with a message naming the path on failure, or the
 * source's failure while drawing the map. */
sl_status sl_report_write(const char *path, const sl_zone *z, const sl_plan *plan, sl_error *err);
/* The same with the plan's economics (e may be NULL): a plan report then
 * has an economics table (经济测算: capex, NOI, payback, NPV, tax per mu
 * and grades before and after, for the zone and per redeveloped parcel). */
sl_status sl_report_write_econ(const char *path, const sl_zone *z, const sl_plan *plan,
                               const sl_economics *e, sl_error *err);

/* The stacking plan of parcel p's buildings as an SVG document: storeys
 * bottom-up with heights to scale (7 px per metre) and each block's width
 * proportional to the side of its floor plate (√ m², one scale for both
 * blocks, the wider 330 px), coloured by industry (colours from
 * sl_style_industry_colours), each with its industry name, storey height
 * and design floor load (the industry's, and the rule set's cap at that
 * level), and the height caps.  Returns a heap string (NULL when out of
 * memory).  Free with free(). */
char *sl_report_stack_svg(const sl_zone *z, const sl_parcel *p, const sl_parcel_plan *pp,
                          const sl_rgb *colours);

/* The phasing's timeline (docs/model.md §12) as an SVG document, one
 * column per year of the horizon: above, the cumulative spending as bars
 * against the cumulative budget as a stepped line (亿元); below, the swing
 * space used as bars against the swing space available as a stepped line
 * (万 m²); under each year the parcels started.  A rule that is off (its
 * values NAN) has bars only and says so.  NULL when ph has no schedule
 * (infeasible, no_plan) or when out of memory.  Free with free(). */
char *sl_report_phases_svg(const sl_phasing *ph);

/* Write the stacking plan of every redeveloped parcel of the plan to
 * DIR/stacks/<id>.svg through the output directory (stacks/ is replaced
 * whole: an empty plan empties it).  Returns SL_ERR_IO or SL_ERR_NOMEM
 * with a message on failure. */
sl_status sl_report_write_stacks(sl_outdir *od, const sl_zone *z, const sl_plan *plan,
                                 sl_error *err);

#endif
