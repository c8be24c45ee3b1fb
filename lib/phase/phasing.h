/*
 * phasing.h - redevelopment phase by phase (成熟一块、启动一块,
 * docs/model.md §12): after the layout is chosen, a start year for each
 * redeveloped parcel, from a time-indexed MIP solved with GLPK.  The input
 * is plain arrays filled by the caller (values from the plan or from
 * economics), so the solver depends on neither.
 */
#ifndef SL_PHASE_PHASING_H
#define SL_PHASE_PHASING_H

#include <signal.h>
#include <stdbool.h>
#include "econ/economics.h"
#include "plan/plan.h"

/* One parcel to phase (a redeveloped parcel of the plan). */
typedef struct sl_phase_parcel {
    const char *id;        /* for messages; not owned */
    double value;          /* value_p: npv_cny, else the plan's value_m2eq */
    double capex_cny;      /* NAN: unknown (counts as no spending) */
    double current_gfa_m2; /* G0: the enterprises to move out (腾挪) */
    double gfa_m2;         /* GFA after: swing space once in use */
    int ready_year;        /* first possible start; 0 = at once */
    int pinned_start;      /* a pin's start_year; 0 = free */
} sl_phase_parcel;

/* The problem.  Rules off: n_budget 0 (money), swing_space_m2 NAN (swing
 * space), max_starts_per_year 0. */
typedef struct sl_phase_input {
    int start_year, years, build_years;
    int n_budget;             /* 0 or years */
    const double *budget_cny; /* per year of the horizon */
    double swing_space_m2;
    double swing_from_new_share;
    int max_starts_per_year;
    double discount_rate;
    double time_limit_s;
    double gap; /* relative gap that counts as optimal (plan.gap) */
    int n;
    const sl_phase_parcel *parcels;
    bool verbose; /* GLPK's messages to log */
    sl_log_fn log;
    void *log_user_data;
    const volatile sig_atomic_t *interrupt;
} sl_phase_input;

/* Fill the horizon, rules, rate (economics' discount_rate when the
 * scenario has economics, else phasing's) and limits from the scenario (n,
 * parcels and the callbacks are left for the caller). */
void sl_phase_input_init(sl_phase_input *in, const sl_scenario *sc);

/* The result.  start[p] is the start year (0: not started), in_use[p] =
 * start + build_years (0: not started).  Per year y of the horizon
 * (index y - start_year): starts, spending, cumulative budget (NAN when
 * the money rule is off) and spending, swing space used (Σ G0 under
 * construction) and available (NAN when the rule is off), GFA coming into
 * use.  objective, bound, gap, status and stop_reason as in sl_plan
 * (has_bound false: bound and gap NAN).  INFEASIBLE: conflicts[] in words;
 * NO_PLAN and INFEASIBLE have no start years (all 0). */
typedef struct sl_phasing {
    int n;
    int *start, *in_use;
    int start_year, years, build_years;
    int *starts;
    double *spending_cny, *cum_budget_cny, *cum_spending_cny;
    double *swing_used_m2, *swing_available_m2, *gfa_into_use_m2;
    sl_plan_status status;
    sl_stop_reason stop_reason;
    bool has_bound;
    double objective, bound, gap, solve_seconds;
    int n_started;
    int n_conflicts;
    char **conflicts;
} sl_phasing;

/* Solve.  SL_OK with *out set whenever the solver ran (also infeasible);
 * other codes: the call failed (err says why). */
sl_status sl_phasing_solve(const sl_phase_input *in, sl_phasing **out, sl_error *err);
void sl_phasing_destroy(sl_phasing *ph);

/* Is this schedule (start years, 0 = none) feasible?  When not and msg is
 * given, one sentence why.  Shares the rules' arithmetic with the
 * solver's table, not its model. */
bool sl_phasing_feasible(const sl_phase_input *in, const int *start, char *msg, size_t size);

/* Phase a plan: one sl_phase_parcel per redeveloped parcel (G0 its
 * current GFA, GFA the plan's, ready_year from the source, a pin's
 * start_year), value[i] and capex_cny[i] per zone parcel (value NULL: the
 * plan's value_m2eq; capex NULL: no spending known), the rules from the
 * scenario (discount_rate < 0: phasing.discount_rate).  Solves, sets
 * plan->pp[].start_year / in_use_year and plan->phasing = *out.  The
 * result's start[] and in_use[] are per zone parcel here (0 for parcels
 * not redeveloped).  verbose/log/interrupt as for the plan. */
sl_status sl_phasing_plan(const sl_zone *z, sl_plan *plan, const double *value,
                          const double *capex_cny, double discount_rate, const sl_plan_options *o,
                          sl_phasing **out, sl_error *err);

/* sl_phasing_plan with the plan's economics (docs/model.md §12): each
 * parcel's npv_cny and capex_cny and economics' discount rate when econ
 * is given (the scenario has §11), else the plan's value_m2eq and no money
 * rule.  The one way `plan` and `compare` phase a plan. */
sl_status sl_phasing_plan_economics(const sl_zone *z, sl_plan *plan, const sl_economics *econ,
                                    const sl_plan_options *o, sl_phasing **out, sl_error *err);

/* Write the phasing MIP (.lp: CPLEX LP; .mps: free MPS). */
sl_status sl_phasing_export_model(const sl_phase_input *in, const char *path, sl_error *err);

/* The phasing MIP of the plan written in plan_dir (its parcels.geojson:
 * the redeveloped parcels' gfa_m2 and npv_cny, else value_m2eq, and
 * capex_cny when present) for zone z, to path (.lp or .mps). */
sl_status sl_phasing_export_plan(const sl_zone *z, const char *plan_dir, const char *path,
                                 sl_error *err);

#endif
