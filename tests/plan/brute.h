/*
 * brute.h - an independent brute-force planner for tiny zones, used by the
 * tests to confirm the optimizer's optimum.  It enumerates every stack of
 * every candidate parcel straight from docs/model.md §6, rules 1-15
 * (sharing no code with lib/plan), then every combination of parcel
 * choices.
 */
#ifndef SL_TEST_BRUTE_H
#define SL_TEST_BRUTE_H

#include "plan/plan.h"

/* Best value of one parcel's stack under per-industry values r (value per
 * m² of GFA), bonuses sb/ab per unit link weight and existing value ev;
 * -INFINITY when no stack is feasible.  best[] (optional, >= 64 entries)
 * gets the stack (factory then office) and nf/no its block sizes. */
double bf_parcel(const sl_zone *z, int pi, const double *r, double sb, double ab, double ev,
                 int *best, int *nf, int *no);

/* Best plan objective of the whole zone (demand ranges, pins and the
 * neighbour chain bonus over the zone's neighbours included), -INFINITY
 * when infeasible.  Only for a handful of parcels with few stacks and at
 * most 64 industries. */
double bf_zone(const sl_zone *z);

#endif
