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
    bool v2;          /* the version-2 zone of zg_make's comment (false) */
} zg_params;

typedef struct zg_zone {
    sl_scenario sc;
    sl_zone z;
} zg_zone;

/* Build a zone; NULL on allocation failure.  Free with zg_free().
 * With p->v2 the same parcels and industries are reshaped into a version-2
 * zone (docs/model.md §6): one chain per building, contiguous tenants, one
 * or two shared industries (an office, and for some seeds a canteen), every
 * industry's demand maximum about half of what the candidates could hold of
 * it alone and minimums on a third of them, 1 % of candidates pinned (at
 * least one), and the parcels laid out on a grid of streets whose
 * neighbouring candidates earn the neighbour chain bonus (3000 m², 30 m).
 * pin_share and demand are ignored there. */
zg_zone *zg_make(const zg_params *p);
void zg_free(zg_zone *g);
/* The after-reform defaults of docs/model.md §4. */
void zg_rules_default(sl_ruleset *r);

#endif
