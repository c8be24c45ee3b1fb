/*
 * compare.h - several scenarios side by side (`shanglou compare`): each
 * scenario's plan is solved on its own parcels, and one row per scenario
 * reports what a planner compares: candidates, redeveloped parcels, floor
 * area gained, the clustering score, GFA per industry, objective and gap,
 * and — for scenarios with those sections — the economics (docs/model.md
 * §11) and the phasing (§12) of the plan.  Written as comparison.csv and
 * comparison.html (docs/outputs.md).
 */
#ifndef SL_OUT_COMPARE_H
#define SL_OUT_COMPARE_H

#include <stdbool.h>
#include "econ/economics.h"
#include "eval/evaluate.h"
#include "plan/plan.h"

/* One scenario's results.  Invariant: gfa_by_industry_m2 has one entry per
 * column of the comparison's industries[] (NAN where the scenario has no
 * such industry). */
typedef struct sl_compare_row {
    char *path;       /* the scenario file as given */
    char *name;       /* its `name`, or the path */
    char *plan_rules; /* the rule set planned under */
    sl_plan_status status;
    sl_stop_reason stop_reason;
    bool has_plan;  /* optimal or feasible; otherwise the plan's numbers are
                       NAN and redeveloped is 0 (written empty) */
    bool has_bound; /* otherwise bound and gap are NAN (written empty) */
    long long parcels, candidates, redeveloped;
    double current_gfa_m2;  /* before, on the redeveloped parcels */
    double gfa_m2;          /* after, on the redeveloped parcels */
    double gfa_gain_m2;     /* gfa_m2 - current_gfa_m2 */
    double clustering_m2eq; /* the chain-link and neighbour-chain bonus part of the
                               objective */
    double objective, bound, gap, solve_seconds;
    double *gfa_by_industry_m2;
    /* §11, when the scenario has `economics` (has_economics): the totals
     * of summary.json's `economics` over the redeveloped parcels and the
     * zone's tax per mu and grade counts (index sl_grade, [0] not graded)
     * before and after.  Without economics, or (the after values) without
     * a plan: NAN and -1, written empty. */
    bool has_economics;
    double capex_cny, noi_cny_year, tax_cny_year, npv_cny, payback_years;
    double tax_per_mu_before_cny, tax_per_mu_after_cny;
    long long grades_before[SL_N_GRADES], grades_after[SL_N_GRADES];
    /* §12, when the scenario has `phasing` and a plan (has_phasing): the
     * phasing's status, stop reason, discounted value, bound and gap (NAN
     * when not proven or no schedule), parcels started and the first and
     * last start and in-use years (0: none). */
    bool has_phasing;
    sl_plan_status phasing_status;
    sl_stop_reason phasing_stop_reason;
    double phasing_objective, phasing_bound, phasing_gap;
    int parcels_started, first_start_year, last_start_year, last_in_use_year;
} sl_compare_row;

typedef struct sl_compare {
    int n;
    sl_compare_row *rows;
    int n_industries;  /* union of the scenarios' industry ids */
    char **industries; /* ids, in order of first appearance */
    char **industry_names;
} sl_compare;

/* Called before each scenario's solve with its 0-based index and path, so
 * that a front end can show progress; may be NULL. */
typedef void (*sl_compare_scenario_fn)(void *user_data, int index, int n, const char *path);

typedef struct sl_compare_options {
    double time_limit_s; /* < 0: each scenario's own plan.time_limit_s */
    double gap;          /* < 0: each scenario's own plan.gap */
    sl_compare_scenario_fn on_scenario;
    sl_plan_progress_fn progress; /* passed to each solve */
    void *user_data;
    /* Passed to each solve (sl_plan_options.interrupt): once raised, the
     * current solve returns its best plan and no further scenario is run. */
    const volatile sig_atomic_t *interrupt;
} sl_compare_options;

/* Defaults: the scenarios' own limits, no callbacks. */
void sl_compare_options_init(sl_compare_options *o);

/* The clustering score of one parcel's plan: the chain-link bonuses of the
 * objective (docs/model.md §6), Σ over links (i, j, w) of w × (same-building
 * bonus when i and j are both in the parcel + adjacent-floor bonus when they
 * are on adjacent levels of one block), each counted once per link and
 * parcel. */
double sl_compare_clustering(const sl_scenario *sc, const sl_parcel_plan *pp);

/* Solve the plan of every scenario in paths[n] and collect its row; with
 * `economics` and `phasing` sections, price and phase the plan as `plan`
 * does (a phasing that is infeasible is a row with phasing_status
 * infeasible, not an error).  A
 * scenario that cannot be loaded or read stops the comparison (codes as
 * sl_scenario_load and sl_zone_open, messages naming the file); an
 * infeasible plan is a row with status infeasible, a solve stopped before
 * any plan a row with status no_plan.  When o->interrupt is raised the
 * comparison ends after the scenario being solved: (*out)->n counts the
 * rows made, which may be fewer than n.  Free *out with
 * sl_compare_destroy(). */
sl_status sl_compare_run(const char *const *paths, int n, const sl_compare_options *o,
                         sl_compare **out, sl_error *err);
void sl_compare_destroy(sl_compare *c);

/* comparison.csv (UTF-8 with BOM, one row per scenario) and
 * comparison.html (self-contained).  SL_ERR_IO naming the path on failure. */
sl_status sl_compare_write_csv(const sl_compare *c, const char *path, sl_error *err);
sl_status sl_compare_write_html(const sl_compare *c, const char *path, sl_error *err);

#endif
