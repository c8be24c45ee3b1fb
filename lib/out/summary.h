/* summary.h - summary.json: counts by status, totals, and the plan's
 * objective, bound, gap and GFA per industry (docs/outputs.md). */
#ifndef SL_OUT_SUMMARY_H
#define SL_OUT_SUMMARY_H

#include "plan/plan.h"
#include "eval/evaluate.h"

/* Write the summary of an evaluate run (plan NULL) or a plan run to path.
 * Returns SL_ERR_IO with a message naming the path on failure. */
sl_status sl_summary_write(const char *path, const sl_zone *z, const sl_plan *plan, sl_error *err);

#endif
