/* summary.h - summary.json: counts by status, totals, and the plan's
 * objective, bound, gap and GFA per industry (docs/outputs.md). */
#ifndef SL_OUT_SUMMARY_H
#define SL_OUT_SUMMARY_H

#include "out/layer_writer.h"
#include "plan/plan.h"
#include "eval/evaluate.h"
#include "econ/economics.h"

/* Write the summary of an evaluate run (plan NULL) or a plan run to path.
 * Returns SL_ERR_IO with a message naming the path on failure. */
sl_status sl_summary_write(const char *path, const sl_zone *z, const sl_plan *plan, sl_error *err);
/* The same with the plan's economics (e may be NULL): a plan run then
 * gets the block "economics" (docs/outputs.md). */
sl_status sl_summary_write_econ(const char *path, const sl_zone *z, const sl_plan *plan,
                                const sl_economics *e, sl_error *err);

/* The plan run's row in the layer "runs" of d (a PostgreSQL run: table
 * PREFIXruns, docs/postgis.md): status, stop_reason, objective, bound,
 * gap (null when not proven, as in summary.json), solve_seconds, the
 * parcel counts, gfa_m2 and chains_by_parcel (json); the economics totals,
 * tax per mu and grade counts of e (NULL: null cells) and the phasing of
 * plan->phasing (NULL: null cells), the same columns as comparison.csv.
 * A failed write shows as SL_ERR_IO from here or from closing d. */
sl_status sl_summary_write_run(sl_out_dataset *d, const sl_zone *z, const sl_plan *plan,
                               const sl_economics *e, sl_error *err);

#endif
