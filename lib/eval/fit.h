/*
 * fit.h - whether an industry can stand on any storey of a candidate
 * parcel (docs/model.md §5): the rules of one storey alone — storey height
 * under the block's cap (rule 1), floor load (4), hoisting (5), vibration
 * (6), fire class (7), office block kinds (8).  An industry that fits no
 * storey of any candidate is reported in words by `check` and `plan`,
 * never dropped silently.
 */
#ifndef SL_EVAL_FIT_H
#define SL_EVAL_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "eval/evaluate.h"

/* Can industry i stand on some level of a block under r (the office block
 * only when office_block)?  When not, why lists in words, with the numbers
 * and the keys as rules_name.KEY, every rule that alone excludes it on
 * every level, or says that no level meets them together. */
bool sl_industry_fits(const sl_scenario *sc, const sl_ruleset *r, const char *rules_name,
                      bool office_block, int i, char *why, size_t size);

/* Over the zone's candidates that the plan may redevelop (not excluded,
 * footprints redevelopable), each with its plan rules (a pin's overrides
 * included) and office block: false when industry i fits none of them,
 * with "industry ID: why" in why.  True (why empty) when it fits one, and
 * when there is no such candidate at all (nothing to say per industry).
 * Call after sl_zone_read. */
bool sl_zone_industry_fits(const sl_zone *z, int i, char *why, size_t size);

#endif
