/*
 * phases.h - the phasing's outputs (docs/model.md §12): phases.csv, one
 * row per year of the horizon, and the `phasing` block of summary.json.
 */
#ifndef SL_OUT_PHASES_H
#define SL_OUT_PHASES_H

#include <stdio.h>
#include "phase/phasing.h"

/* phases.csv (UTF-8 with a BOM, CRLF, like parcels.csv): year,
 * parcels_started, spending_cny, cumulative_budget_cny,
 * cumulative_spending_cny, swing_space_used_m2, swing_space_available_m2,
 * gfa_into_use_m2; an empty cell where a rule is off. */
sl_status sl_phases_write_csv(const char *path, const sl_phasing *ph, sl_error *err);

/* The summary's `phasing` object (no key, no trailing newline) to f. */
void sl_phases_write_json(FILE *f, const sl_phasing *ph);

#endif
