/*
 * zonegen.h - deterministic synthetic zones for the plan benchmark and
 * tests: parcels × industries × chains built in memory (no files), with
 * after-reform rules, chain links, demand ranges and a few pins.
 */
#ifndef SL_ZONEGEN_H
#define SL_ZONEGEN_H

#include "plan/plan.h"

typedef struct zg_params {
    int parcels;
    int industries;
    int chains;
    unsigned long long seed;
    double pin_share; /* share of candidate parcels pinned (0.01) */
    bool demand;      /* demand ranges that bind (true) */
} zg_params;

typedef struct zg_zone {
    sl_scenario sc;
    sl_zone z;
} zg_zone;

/* Build a zone; NULL on allocation failure.  Free with zg_free(). */
zg_zone *zg_make(const zg_params *p);
void zg_free(zg_zone *g);
/* The after-reform defaults of docs/model.md §4. */
void zg_rules_default(sl_ruleset *r);

#endif
