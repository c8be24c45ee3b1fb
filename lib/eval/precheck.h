/*
 * precheck.h - what `check` can know of a scenario and its zone without
 * solving (docs/robustness.md): pins on parcels that the layer does not
 * have or that cannot be redeveloped, duplicate ids, demand minimums above
 * what the candidate parcels can hold.  Each works on a zone that
 * sl_zone_read has read.
 */
#ifndef SL_EVAL_PRECHECK_H
#define SL_EVAL_PRECHECK_H

#include "eval/evaluate.h"

/* Every pin whose parcel the layer does not have ("did you mean" a close
 * id), is rejected or is not a candidate: one message each at the pin's
 * parcel id, FILE:LINE:COL (SL_ERR_SCENARIO).  SL_OK when none. */
sl_status sl_zone_check_pins(const sl_zone *z, sl_error *err);

/* Ids: an id field whose values are all the same (n >= 2 features) is an
 * error (SL_ERR_SCENARIO) suggesting a field of the layer whose values are
 * all distinct, when there is one; other repeated ids are a warning to
 * log (count and examples: evaluate rejects every repeat).  Reads the
 * layer again only in the first case. */
sl_status sl_zone_check_ids(sl_zone *z, sl_log_fn log, void *user, sl_error *err);

/* Demand minimums that no plan can meet: an industry's demand_m2 min, or
 * the sum of all minimums, above far_max x area_m2 summed over the
 * candidate parcels that can be redeveloped (under the plan's rule set, a
 * pin's overrides applied), an upper bound of what they can hold.  One
 * message each with the numbers (SL_ERR_SCENARIO), at the industry's
 * place in the scenario when known. */
sl_status sl_zone_check_demand(const sl_zone *z, sl_error *err);

#endif
