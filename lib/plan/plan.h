/*
 * plan.h - the vertical-layout optimizer (docs/model.md §5-§6): which
 * candidate parcels to redevelop and which industry goes on each storey,
 * solved with GLPK, with a proven upper bound; the independent layout
 * checker; and export of the compact MIP for other solvers.
 */
#ifndef SL_PLAN_PLAN_H
#define SL_PLAN_PLAN_H

#include <signal.h>
#include <stdbool.h>
#include "eval/evaluate.h"

typedef enum sl_block { SL_BLOCK_FACTORY = 0, SL_BLOCK_OFFICE = 1 } sl_block;
const char *sl_block_name(sl_block b);

typedef struct sl_storey {
    sl_block block;
    int level;       /* 1-based within its block */
    int industry;    /* index into the scenario's industries */
    double height_m; /* real storey height (ground-floor minimum applied) */
    double gfa_m2;   /* the block's footprint */
} sl_storey;

/* The plan for one parcel.  storeys lists the factory block bottom-up,
 * then the office block bottom-up.  Parcels that are not redeveloped have
 * n_storeys == 0 and zeros elsewhere. */
typedef struct sl_parcel_plan {
    bool redeveloped;
    int n_storeys;
    sl_storey *storeys;
    int factory_floors, office_floors;
    double factory_height_m, office_height_m;
    double gfa_m2;               /* actual GFA */
    double counted_gfa_m2;       /* tall storeys doubled */
    double value_m2eq;           /* the parcel's share of the objective */
    double neighbour_bonus_m2;   /* its half share of neighbour chain bonuses */
    char *reason;                /* kept candidates: what kept it, in words with
                              numbers (docs/model.md §8); NULL otherwise */
    int start_year, in_use_year; /* phasing (§12, sl_phasing_plan): 0 = not
                                    started, or no phasing */
} sl_parcel_plan;

/* The distinct chains of a redeveloped parcel's non-shared industries,
 * bottom-up (factory block, then office block): up to max labels into
 * out (pointers into the scenario); returns how many there are. */
int sl_parcel_plan_chains(const sl_scenario *sc, const sl_parcel_plan *pp, const char **out,
                          int max);

typedef enum sl_plan_status {
    SL_PLAN_OPTIMAL,    /* gap <= requested gap */
    SL_PLAN_FEASIBLE,   /* a plan meeting every rule; gap not proven small */
    SL_PLAN_INFEASIBLE, /* proven: conflicts[] says which rules clash */
    SL_PLAN_NO_PLAN     /* stopped (time limit, interrupt) before any plan
                           was found; nothing is proven either way */
} sl_plan_status;
const char *sl_plan_status_name(sl_plan_status s);

/* Why the search stopped (docs/model.md §6). */
typedef enum sl_stop_reason {
    SL_STOP_NONE,       /* infeasibility proven: nothing to stop */
    SL_STOP_GAP,        /* the gap reached plan.gap */
    SL_STOP_TIME_LIMIT, /* plan.time_limit_s ran out */
    SL_STOP_INTERRUPTED /* options.interrupt was raised (SIGINT) */
} sl_stop_reason;
/* "gap", "time_limit", "interrupted"; NULL for SL_STOP_NONE. */
const char *sl_stop_reason_name(sl_stop_reason r);

/* Progress callback: called now and then with the best objective and bound
 * known so far (NAN when none yet). */
typedef void (*sl_plan_progress_fn)(void *user_data, double seconds, double objective,
                                    double bound);

typedef struct sl_plan_options {
    double time_limit_s; /* default: scenario plan.time_limit_s */
    double gap;          /* default: scenario plan.gap */
    bool verbose;        /* trace the solve and pass GLPK's messages to log */
    sl_log_fn log;       /* NULL: nothing is said */
    void *log_user_data;
    sl_plan_progress_fn progress;
    void *user_data;
    /* When not NULL and *interrupt becomes nonzero (a SIGINT handler sets
     * it), the solve stops soon and returns its best plan so far with
     * stop_reason SL_STOP_INTERRUPTED. */
    const volatile sig_atomic_t *interrupt;
    /* For tests of the optimizer: neither GLPK's integer master nor the
     * enumeration of stacks may prove anything (or find plans), so that
     * branch and price alone must close the gap (with one chain per
     * building; otherwise the solve ends with the searches' plan). */
    bool tree_only;
} sl_plan_options;

/* Fill *o from the scenario's plan section. */
void sl_plan_options_init(sl_plan_options *o, const sl_scenario *s);

/* Invariant: pp has one entry per zone parcel, in zone order; objective is
 * the sum of pp[].value_m2eq.  has_bound: bound >= objective was proven and
 * gap = (bound - objective) / max(|objective|, 1); otherwise bound and gap
 * are NAN and every output writes them as null, never 0.  Status NO_PLAN
 * and INFEASIBLE have no plan (objective NAN, pp all kept). */
typedef struct sl_plan {
    int n;
    sl_parcel_plan *pp;
    sl_plan_status status;
    sl_stop_reason stop_reason;
    bool has_bound;
    double objective, bound, gap, solve_seconds;
    int n_industries;
    double *gfa_by_industry_m2;
    int n_conflicts;
    char **conflicts; /* one sentence each, for infeasible plans */
    /* n_industries entries (or NULL when out of memory): why the industry
     * fits no storey of any candidate parcel, in words with the rule and
     * its numbers (docs/model.md §5), or NULL when it fits one. */
    char **industry_unfit;
    /* The phasing of this plan (docs/model.md §12) when the caller ran
     * sl_phasing_plan: borrowed, freed by the caller after the plan's
     * writers (sl_phasing_destroy); NULL without phasing. */
    const struct sl_phasing *phasing;
} sl_plan;

/* Solve.  Returns SL_OK with *out set whenever the solver ran, including
 * an infeasible finding (then (*out)->status == SL_PLAN_INFEASIBLE);
 * other codes mean the call itself failed (err says why).
 * Free *out with sl_plan_destroy(). */
sl_status sl_plan_solve(const sl_zone *z, const sl_plan_options *o, sl_plan **out, sl_error *err);
void sl_plan_destroy(sl_plan *p);

/* Re-verify every rule of docs/model.md §6 on a plan, independently of the
 * optimizer.  Returns SL_OK when all hold; otherwise adds one message per
 * violation (naming parcel, level and rule) and returns SL_ERR_INFEASIBLE. */
sl_status sl_plan_check(const sl_zone *z, const sl_plan *p, sl_error *err);

/* Write the compact MIP of §6 to path (.lp: CPLEX LP; .mps: free MPS). */
sl_status sl_plan_export_model(const sl_zone *z, const char *path, sl_error *err);

#endif
