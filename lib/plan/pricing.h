/*
 * pricing.h - private to the optimizer: the per-parcel pricing problem and its exact solver.
 *
 * The zone problem decomposes by parcel: every parcel chooses one "stack"
 * (its factory block and office block, storey by storey) or stays as it
 * is, and only the zone-wide demand ranges (docs/model.md §6 constraint 12) tie
 * parcels together.  solve.c runs column generation over stacks; this
 * header is the contract with the per-parcel search that prices them.
 */
#ifndef SL_PLAN_PRICING_H
#define SL_PLAN_PRICING_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"

#define PL_MAX_LEVELS 120 /* storeys per block the search will consider */
#define PL_MAX_PINS   16  /* pins on one parcel, with branch and price's GFA ranges */

/* Tolerances shared by the search and the master (not by checker.c, which
 * keeps its own). */
#define PL_TOL_M2    1e-6 /* areas, absolute, plus PL_TOL_REL relative */
#define PL_TOL_REL   1e-9
#define PL_EPS_VALUE 1e-6 /* objective improvements smaller than this are noise */

/* Industry data used by the search, precomputed once per solve. */
typedef struct pl_sc {
    const sl_scenario *sc;
    int nind, nlink;
    /* One building, one park (constraint 14) and contiguous tenants (15). */
    int nchains;    /* distinct chains of non-shared industries */
    int *chain_of;  /* industry -> chain index, -1 for shared ones */
    int chains_max; /* plan.chains_per_building_max; 0 = no limit */
    bool *contig;   /* contiguous tenant */
    bool any_contig;
    double *prio;       /* priority */
    bool *office_kind;  /* kind == office */
    bool *office_ok;    /* may sit in the office block (office, rnd) */
    bool *fire_single;  /* fire class A or B: single-storey block */
    signed char *vib;   /* 0 none, 1 source, 2 sensitive */
    long long *trips_u; /* trips_per_1000m2_day in 1e-6 units */
    /* Links: from/to/weight, the links incident to each industry and the
     * links joining each unordered pair (self links included). */
    int *lfrom, *lto;
    double *lw;
    int *inc_start, *inc;     /* CSR: links incident to industry i */
    int *pair_start, *pair;   /* CSR over i*nind+j: links joining i and j */
    int nlinked;              /* industries that appear in some link */
    int *linked_bit;          /* industry -> bit in the presence set, -1 */
    int words_pres, words_ab; /* uint64 words of the two bit sets */
} pl_sc;

/* One distinct effective rule set: eligibility and storey heights per
 * block and level, the pricing tables that bound the search. */
typedef struct pl_rtab {
    const sl_ruleset *r;
    int maxlev[2];          /* by height alone, <= PL_MAX_LEVELS */
    unsigned char *elig[2]; /* [k * nind + i], k = 1..maxlev */
    long long *hu[2];       /* storey height in µm: [lvl1 ? 0 : 1][i] */
    bool *tall[2];          /* storey height > tall_storey_m: same index */
    long long hcap_u[2];    /* block height cap in µm */
    /* Quantized heights and trips for the bound tables (rounded down, so
     * the tables relax the real problem). */
    double q_m; /* height quantum */
    int hq_max[2];
    int *hq[2]; /* [lvl1 ? 0 : 1][i] */
    double qt;  /* trips quantum (trips per 1000 m² per day) */
    int tq_max;
    int *tq; /* [i], 0 for none */
    /* Max storeys from level k with quantized height h: M[k*(hq+1)+h]. */
    int *M[2];
    /* Per pricing weights: best value per m² of footprint from level k on
     * with at most n more storeys of which at most a office-kind, within
     * quantized height h (G, index (k, h, n, a)); for the factory also
     * within quantized trips t above the ramp (Tt, index (k, t, n)). */
    double *G[2], *Tt;
    const double *G_for; /* weights the tables were built for */
    unsigned long long G_stamp;
} pl_rtab;

/* A parcel's pricing problem (shared by parcels with identical data). */
typedef struct pl_ctx {
    const pl_sc *s;
    pl_rtab *t;
    const sl_ruleset *r;
    double A, F[2], cur;
    int maxlev[2];
    double far_cap_m2, far_min_m2, cov_need_m2, off_share, trips_cap_u;
    int floors; /* factory storeys fixed by a pin, 0 free */
    /* Industries this search may place (NULL: all); pl_price sets it per
     * allowed set of chains. */
    const unsigned char *allow;
    /* Neighbour chain bonus (docs/model.md §6): the value of hosting chain
     * c on this parcel under the master's duals, added once when a chain's
     * first storey is placed; NULL when the parcel has no neighbour. */
    const double *chain_bonus;
    int npchain; /* distinct chains of pinned non-shared industries */
    int pchain[PL_MAX_PINS];
    /* Pins, and the ranges of one industry's GFA that branch and price
     * sets on a parcel (solve.c): the industry's storeys on the parcel
     * hold at least pin_min_m2 (checked on the whole stack) and at most
     * pin_max_m2 (checked as storeys are placed; INFINITY for a pin). */
    int npin;
    int pin_ind[PL_MAX_PINS];
    double pin_min_m2[PL_MAX_PINS];
    double pin_max_m2[PL_MAX_PINS];
    bool pinned; /* must be redeveloped */
} pl_ctx;

/* Pricing weights: the value of a stack is
 *   Σ_storeys F_block × r[industry] + bonuses − ev × current_gfa. */
typedef struct pl_weights {
    const double *r;
    double sb, ab, ev;
    unsigned long long stamp; /* changes whenever r changes; 0 = one-off */
} pl_weights;

/* A stack: factory industries bottom-up, then office industries. */
typedef struct pl_stack {
    int n[2];
    short *ind;   /* n[0] + n[1] entries */
    double value; /* under the weights it was found with */
} pl_stack;

/* Search limits and results. */
typedef struct pl_search {
    /* in */
    double threshold;                       /* report stacks with value > threshold */
    bool enumerate;                         /* collect every stack >= threshold */
    bool top_k;                             /* enumerate: keep the max_found best only,
                                   raising threshold as they are found */
    long long node_limit;                   /* 0 = none */
    int max_found;                          /* keep at most this many stacks */
    double deadline;                        /* CLOCK_MONOTONIC seconds; 0 = none */
    const volatile sig_atomic_t *interrupt; /* stop when raised; NULL = none */
    uint64_t chain_mask;                    /* branch and price, one chain per building:
                                               only stacks whose chain has its bit
                                               (shared-only stacks when any bit is
                                               set); 0 = every chain */
    /* out */
    bool complete; /* the search was exhaustive */
    bool found_any;
    double best; /* max(threshold, best found) */
    int nfound;
    pl_stack *found; /* in order found; best last (not enumerate) */
    long long nodes;
} pl_search;

int pl_sc_init(pl_sc *s, const sl_scenario *sc);
void pl_sc_free(pl_sc *s);

/* Build the tables of rule set r (heights, eligibility, counts).  Returns
 * 0 or -1 on allocation failure. */
int pl_rtab_init(pl_rtab *t, const pl_sc *s, const sl_ruleset *r);
void pl_rtab_free(pl_rtab *t);

/* Fill a parcel's context (t already built for its plan_rules). */
void pl_ctx_init(pl_ctx *c, const pl_sc *s, pl_rtab *t, const sl_parcel *p, const sl_scenario *sc);

/* Branch and price: the stacks of c must hold between lo_m2 and hi_m2
 * (-INFINITY / INFINITY: no limit) of industry i; one call per industry.
 * Returns 0, or -1 when c has no room for another range. */
int pl_ctx_add_range(pl_ctx *c, int i, double lo_m2, double hi_m2);

/* Exact search: the best stack (value > threshold), or every stack with
 * value >= threshold in enumerate mode.  Returns 0, or -1 on allocation
 * failure.  Free the found stacks with pl_search_free(). */
int pl_price(const pl_ctx *c, const pl_weights *w, pl_search *q);
void pl_search_free(pl_search *q);

/* Value of a stack under weights w, recomputed from scratch. */
double pl_stack_value(const pl_ctx *c, const pl_weights *w, const pl_stack *st);
/* Does the stack satisfy every per-parcel rule (1-11, 13-15)? */
bool pl_stack_feasible(const pl_ctx *c, const pl_stack *st);

/* Infeasibility in words (diagnosis.c).  pl_diag_pin explains why no
 * stack of parcel p meets its pin; pl_diag_industry why industry i fits
 * no storey under any of the rule sets rt (writes "" when it does fit). */
void pl_diag_pin(const pl_ctx *c, const sl_parcel *p, const sl_pin *pin, char ***msgs, int *nmsgs);
void pl_diag_industry(const pl_sc *s, const pl_rtab *rt, int nrt, int i, char *buf, size_t size);

/* Append a formatted sentence to a list of messages. */
void pl_msg(char ***msgs, int *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
