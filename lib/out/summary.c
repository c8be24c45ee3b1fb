/* summary.c - summary.json for evaluate and plan runs. */
#include "out/summary.h"

#include "out/phases.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/textbuf.h"

#include "input/source.h"

#define put_str sl_json_string

static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.2f", round(v * 100) / 100 + 0.0);
    else
        fputs("null", f);
}

/* hist[k]: redeveloped parcels with k distinct chains (*n entries: one
 * past the largest k); NULL when out of memory (the histogram is then
 * left empty). */
static long long *chains_histogram(const sl_scenario *sc, const sl_plan *plan, int *n)
{
    int max = sc->n_industries + 1;
    long long *hist = calloc((size_t)max + 1, sizeof *hist);
    *n = 0;
    if (!hist)
        return NULL;
    for (int i = 0; i < plan->n; i++) {
        if (!plan->pp[i].redeveloped)
            continue;
        int k = sl_parcel_plan_chains(sc, &plan->pp[i], NULL, 0);
        if (k > max)
            k = max;
        hist[k]++;
        if (k + 1 > *n)
            *n = k + 1;
    }
    return hist;
}

/* The economics block (docs/model.md §11): totals, zone tax per mu,
 * grade cut-offs and counts. */
static void put_economics(FILE *f, const sl_economics *e)
{
    static const char *const keys[] = {
        "capex_cny",     "noi_cny_year",          "tax_cny_year",        "npv_cny",
        "payback_years", "tax_per_mu_before_cny", "tax_per_mu_after_cny"};
    const double v[] = {
        e->capex_cny,     e->noi_cny_year,          e->tax_cny_year,        e->npv_cny,
        e->payback_years, e->tax_per_mu_before_cny, e->tax_per_mu_after_cny};
    fprintf(f, ",\n  \"economics\": {\"redeveloped\": %d", e->n_redeveloped);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        fprintf(f, ", \"%s\": ", keys[i]);
        put_num(f, v[i]);
    }
    fputs(",\n    \"grade_cutoffs_tax_per_mu_cny\": {", f);
    for (int g = 0; g < 3; g++) {
        fprintf(f, "%s\"%s\": ", g ? ", " : "", sl_grade_name((sl_grade)(SL_GRADE_A + g)));
        put_num(f, e->cutoff_cny[g]);
    }
    fprintf(f, ", \"from\": \"%s\"}", e->cutoffs_given ? "scenario" : "zone_percentiles");
    const long long *counts[] = {e->grades_before, e->grades_after};
    const char *names[] = {"grades_before", "grades_after"};
    for (int k = 0; k < 2; k++) {
        fprintf(f, ",\n    \"%s\": {", names[k]);
        for (int g = SL_GRADE_A; g <= SL_GRADE_D; g++)
            fprintf(f, "\"%s\": %lld, ", sl_grade_name((sl_grade)g), counts[k][g]);
        fprintf(f, "\"none\": %lld}", counts[k][SL_GRADE_NONE]);
    }
    fputs("}", f);
}

sl_status sl_summary_write(const char *path, const sl_zone *z, const sl_plan *plan, sl_error *err)
{
    return sl_summary_write_econ(path, z, plan, NULL, err);
}

sl_status sl_summary_write_econ(const char *path, const sl_zone *z, const sl_plan *plan,
                                const sl_economics *e, sl_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    const sl_scenario *sc = z->sc;
    long long redeveloped = 0, kept = 0;
    double area = 0, cand_area = 0, gfa = 0, cand_gfa = 0, gain = 0;
    long long unknown = 0; /* current floor space unknown: not in the sums */
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status == SL_PARCEL_REJECTED)
            continue;
        area += p->area_m2;
        bool known = !isnan(p->current_gfa_m2);
        gfa += known ? p->current_gfa_m2 : 0;
        unknown += !known;
        if (p->status == SL_PARCEL_CANDIDATE) {
            cand_area += p->area_m2;
            cand_gfa += known ? p->current_gfa_m2 : 0;
            if (p->env && known)
                gain += p->gain_m2;
            if (plan) {
                if (plan->pp[i].redeveloped)
                    redeveloped++;
                else
                    kept++;
            }
        }
    }
    fputs("{\n  \"shanglou_version\": ", f);
    put_str(f, SHANGLOU_VERSION);
    fputs(",\n  \"command\": ", f);
    put_str(f, plan ? "plan" : "evaluate");
    fputs(",\n  \"scenario\": ", f);
    put_str(f, sc->name);
    fputs(",\n  \"source\": ", f);
    put_str(f, sl_source_label(z->src));
    fputs(",\n  \"layer\": ", f);
    put_str(f, z->layer_name);
    fputs(",\n  \"crs\": ", f);
    put_str(f, z->crs_name);
    /* the CRS of shanglou.gpkg: the source's when projected, else a local
     * metric one (sl_source_map_epsg) */
    int map_epsg = sl_source_map_epsg(z->src);
    char map_crs[32];
    if (map_epsg > 0)
        snprintf(map_crs, sizeof map_crs, "EPSG:%d", map_epsg);
    fputs(",\n  \"gpkg_crs\": ", f);
    put_str(f, map_epsg > 0 ? map_crs : z->crs_name);
    fprintf(f, ",\n  \"parcels\": {\"total\": %d", z->n);
    if (plan)
        fprintf(f, ", \"redeveloped\": %lld, \"kept\": %lld", redeveloped, kept);
    else
        fprintf(f, ", \"candidate\": %lld", z->n_by_status[SL_PARCEL_CANDIDATE]);
    fprintf(f, ", \"not_candidate\": %lld, \"rejected\": %lld},\n",
            z->n_by_status[SL_PARCEL_NOT_CANDIDATE], z->n_by_status[SL_PARCEL_REJECTED]);
    fputs("  \"area_m2\": {\"total\": ", f);
    put_num(f, area);
    fputs(", \"candidate\": ", f);
    put_num(f, cand_area);
    fputs("},\n  \"current_gfa_m2\": {\"total\": ", f);
    put_num(f, gfa);
    fputs(", \"candidate\": ", f);
    put_num(f, cand_gfa);
    fprintf(f, ", \"unknown\": %lld", unknown);
    fputs("},\n  \"rules\": {", f);
    for (int r = 0; r < sc->n_rules; r++) {
        double max_gfa;
        long long bind[SL_N_BINDINGS];
        sl_zone_rule_totals(z, r, &max_gfa, bind);
        fputs(r ? ",\n    " : "\n    ", f);
        put_str(f, sc->rules[r].name);
        fputs(": {\"candidate_max_gfa_m2\": ", f);
        put_num(f, max_gfa);
        fprintf(f,
                ", \"binding\": {\"far\": %lld, \"height\": %lld, \"setback\": %lld, "
                "\"floor_plate\": %lld}}",
                bind[SL_BIND_FAR], bind[SL_BIND_HEIGHT], bind[SL_BIND_SETBACK],
                bind[SL_BIND_FLOOR_PLATE]);
    }
    fputs("\n  },\n  \"plan_rules\": ", f);
    put_str(f, sc->rules[sc->plan_rules].name);
    fputs(",\n  \"candidate_gain_m2\": ", f);
    put_num(f, gain);
    if (plan) {
        /* docs/model.md §6: no bound proven -> bound and gap null, never
         * 0; no plan (no_plan, infeasible) -> objective null. */
        bool has_plan = plan->status == SL_PLAN_OPTIMAL || plan->status == SL_PLAN_FEASIBLE;
        fputs(",\n  \"status\": ", f);
        put_str(f, sl_plan_status_name(plan->status));
        fputs(",\n  \"stop_reason\": ", f);
        const char *why = sl_stop_reason_name(plan->stop_reason);
        if (why)
            put_str(f, why);
        else
            fputs("null", f);
        fputs(",\n  \"objective\": ", f);
        put_num(f, has_plan ? plan->objective : NAN);
        fputs(",\n  \"bound\": ", f);
        put_num(f, plan->has_bound ? plan->bound : NAN);
        if (plan->has_bound && isfinite(plan->gap))
            fprintf(f, ",\n  \"gap\": %.6g", plan->gap);
        else
            fputs(",\n  \"gap\": null", f);
        fprintf(f, ",\n  \"solve_seconds\": %.3f", plan->solve_seconds);
        double total = 0;
        fputs(",\n  \"gfa_by_industry_m2\": {", f);
        for (int k = 0; k < plan->n_industries; k++) {
            fputs(k ? ", " : "", f);
            put_str(f, sc->industries[k].id);
            fputs(": ", f);
            put_num(f, plan->gfa_by_industry_m2[k]);
            total += plan->gfa_by_industry_m2[k];
        }
        fputs("},\n  \"gfa_m2\": ", f);
        put_num(f, total);
        /* docs/model.md §9.13: number of chains -> redeveloped parcels. */
        fputs(",\n  \"chains_by_parcel\": {", f);
        int hist_n = 0;
        long long *hist = chains_histogram(sc, plan, &hist_n);
        for (int k = 0, first = 1; hist && k < hist_n; k++) {
            if (!hist[k])
                continue;
            fprintf(f, "%s\"%d\": %lld", first ? "" : ", ", k, hist[k]);
            first = 0;
        }
        free(hist);
        fputs("}", f);
        fputs(",\n  \"conflicts\": [", f);
        for (int k = 0; k < plan->n_conflicts; k++) {
            fputs(k ? ", " : "", f);
            put_str(f, plan->conflicts[k]);
        }
        fputs("]", f);
        if (plan->phasing) {
            fputs(",\n  \"phasing\": ", f);
            sl_phases_write_json(f, plan->phasing);
        }
        if (e)
            put_economics(f, e);
    }
    /* What the run warned about (docs/outputs.md): the zone's reading,
     * then the plan's industries that fit nowhere. */
    fputs(",\n  \"warnings\": [", f);
    int nw = 0;
    for (int k = 0; k < z->n_warnings; k++, nw++) {
        fputs(nw ? ",\n    " : "\n    ", f);
        put_str(f, z->warnings[k]);
    }
    for (int k = 0; plan && plan->industry_unfit && k < plan->n_industries; k++)
        if (plan->industry_unfit[k]) {
            fputs(nw++ ? ",\n    " : "\n    ", f);
            put_str(f, plan->industry_unfit[k]);
        }
    fputs(nw ? "\n  ]" : "]", f);
    fputs("\n}\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    return SL_OK;
}

/* chains_by_parcel as a JSON object text (heap), or NULL. */
static char *chains_by_parcel_json(const sl_scenario *sc, const sl_plan *plan)
{
    int n = 0;
    long long *hist = chains_histogram(sc, plan, &n);
    if (!hist)
        return NULL;
    size_t cap = 4 + (size_t)n * 48, o = 0;
    char *s = malloc(cap);
    if (s) {
        s[o++] = '{';
        for (int k = 0, first = 1; k < n; k++) {
            if (!hist[k])
                continue;
            o += (size_t)snprintf(s + o, cap - o, "%s\"%d\": %lld", first ? "" : ", ", k, hist[k]);
            first = 0;
        }
        snprintf(s + o, cap - o, "}");
    }
    free(hist);
    return s;
}

enum {
    R_COMMAND,
    R_STATUS,
    R_STOP,
    R_OBJECTIVE,
    R_BOUND,
    R_GAP,
    R_SECONDS,
    R_PARCELS,
    R_CANDIDATES,
    R_REDEVELOPED,
    R_GFA,
    R_CHAINS,
    /* docs/model.md §11: null without economics (the after values and
     * totals also without a plan) */
    R_CAPEX,
    R_NOI,
    R_TAX,
    R_NPV,
    R_PAYBACK,
    R_TAX_MU_BEFORE,
    R_TAX_MU_AFTER,
    R_GRADES_BEFORE, /* A, B, C, D */
    R_GRADES_AFTER = R_GRADES_BEFORE + 4,
    /* §12: null without phasing */
    R_PH_STATUS = R_GRADES_AFTER + 4,
    R_PH_STOP,
    R_PH_OBJECTIVE,
    R_PH_BOUND,
    R_PH_GAP,
    R_PH_STARTED,
    R_PH_FIRST,
    R_PH_LAST,
    R_PH_IN_USE,
    R_N
};

/* The economics and phasing cells of the runs row (compare.c has the same
 * columns in comparison.csv). */
static void run_money_and_years(OGRFeatureH f, const sl_plan *plan, const sl_economics *e,
                                bool has_plan)
{
    for (int i = R_CAPEX; i < R_N; i++)
        OGR_F_SetFieldNull(f, i);
    if (e) {
        const double v[] = {
            e->capex_cny,     e->noi_cny_year,          e->tax_cny_year,        e->npv_cny,
            e->payback_years, e->tax_per_mu_before_cny, e->tax_per_mu_after_cny};
        for (int i = 0; i < 7; i++) {
            bool after = i != 5; /* all but today's tax per mu need the plan */
            if (isfinite(v[i]) && (has_plan || !after))
                OGR_F_SetFieldDouble(f, R_CAPEX + i, round(v[i] * 100) / 100 + 0.0);
        }
        for (int g = 0; g < 4; g++) {
            OGR_F_SetFieldInteger64(f, R_GRADES_BEFORE + g, e->grades_before[SL_GRADE_A + g]);
            if (has_plan)
                OGR_F_SetFieldInteger64(f, R_GRADES_AFTER + g, e->grades_after[SL_GRADE_A + g]);
        }
    }
    const sl_phasing *ph = plan->phasing;
    if (!ph)
        return;
    OGR_F_SetFieldString(f, R_PH_STATUS, sl_plan_status_name(ph->status));
    const char *why = sl_stop_reason_name(ph->stop_reason);
    if (why)
        OGR_F_SetFieldString(f, R_PH_STOP, why);
    if (ph->status != SL_PLAN_OPTIMAL && ph->status != SL_PLAN_FEASIBLE)
        return;
    OGR_F_SetFieldDouble(f, R_PH_OBJECTIVE, round(ph->objective * 100) / 100 + 0.0);
    if (ph->has_bound && isfinite(ph->bound) && isfinite(ph->gap)) {
        OGR_F_SetFieldDouble(f, R_PH_BOUND, round(ph->bound * 100) / 100 + 0.0);
        OGR_F_SetFieldDouble(f, R_PH_GAP, ph->gap);
    }
    OGR_F_SetFieldInteger(f, R_PH_STARTED, ph->n_started);
    int first = 0, last = 0, in_use = 0;
    for (int i = 0; i < ph->n; i++) {
        if (!ph->start[i])
            continue;
        if (!first || ph->start[i] < first)
            first = ph->start[i];
        if (ph->start[i] > last)
            last = ph->start[i];
        if (ph->in_use[i] > in_use)
            in_use = ph->in_use[i];
    }
    if (first) {
        OGR_F_SetFieldInteger(f, R_PH_FIRST, first);
        OGR_F_SetFieldInteger(f, R_PH_LAST, last);
        OGR_F_SetFieldInteger(f, R_PH_IN_USE, in_use);
    }
}

sl_status sl_summary_write_run(sl_out_dataset *d, const sl_zone *z, const sl_plan *plan,
                               const sl_economics *e, sl_error *err)
{
    static const struct {
        const char *name;
        OGRFieldType type;
        bool json;
    } cols[R_N] = {
        {"command", OFTString, false},
        {"status", OFTString, false},
        {"stop_reason", OFTString, false},
        {"objective", OFTReal, false},
        {"bound", OFTReal, false},
        {"gap", OFTReal, false},
        {"solve_seconds", OFTReal, false},
        {"parcels", OFTInteger, false},
        {"candidates", OFTInteger, false},
        {"redeveloped", OFTInteger, false},
        {"gfa_m2", OFTReal, false},
        {"chains_by_parcel", OFTString, true},
        {"capex_cny", OFTReal, false},
        {"noi_cny_year", OFTReal, false},
        {"tax_cny_year", OFTReal, false},
        {"npv_cny", OFTReal, false},
        {"payback_years", OFTReal, false},
        {"tax_per_mu_before_cny", OFTReal, false},
        {"tax_per_mu_after_cny", OFTReal, false},
        {"grades_before_a", OFTInteger64, false},
        {"grades_before_b", OFTInteger64, false},
        {"grades_before_c", OFTInteger64, false},
        {"grades_before_d", OFTInteger64, false},
        {"grades_after_a", OFTInteger64, false},
        {"grades_after_b", OFTInteger64, false},
        {"grades_after_c", OFTInteger64, false},
        {"grades_after_d", OFTInteger64, false},
        {"phasing_status", OFTString, false},
        {"phasing_stop_reason", OFTString, false},
        {"phasing_objective", OFTReal, false},
        {"phasing_bound", OFTReal, false},
        {"phasing_gap", OFTReal, false},
        {"parcels_started", OFTInteger, false},
        {"first_start_year", OFTInteger, false},
        {"last_start_year", OFTInteger, false},
        {"last_in_use_year", OFTInteger, false},
    };
    sl_out_layer *l = sl_out_layer_create(d, "runs", NULL, wkbNone, err);
    if (!l)
        return err && err->code ? err->code : SL_ERR_IO;
    for (int i = 0; i < R_N; i++)
        if (sl_out_layer_field(l, cols[i].name, cols[i].type, cols[i].json) != i) {
            sl_error_add(err, SL_ERR_IO, "cannot create the fields of the runs table");
            return SL_ERR_IO;
        }
    bool has_plan = plan->status == SL_PLAN_OPTIMAL || plan->status == SL_PLAN_FEASIBLE;
    int redeveloped = 0;
    double gfa = 0;
    for (int i = 0; i < plan->n; i++)
        if (plan->pp[i].redeveloped) {
            redeveloped++;
            gfa += plan->pp[i].gfa_m2;
        }
    char *chains = chains_by_parcel_json(z->sc, plan);
    if (!chains) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    OGRFeatureH f = sl_out_layer_feature(l);
    OGR_F_SetFieldString(f, R_COMMAND, "plan");
    OGR_F_SetFieldString(f, R_STATUS, sl_plan_status_name(plan->status));
    const char *why = sl_stop_reason_name(plan->stop_reason);
    if (why)
        OGR_F_SetFieldString(f, R_STOP, why);
    else
        OGR_F_SetFieldNull(f, R_STOP);
    bool proven = plan->has_bound && isfinite(plan->bound) && isfinite(plan->gap);
    const double v[] = {has_plan ? plan->objective : NAN, proven ? plan->bound : NAN,
                        proven ? plan->gap : NAN, plan->solve_seconds};
    const double scale[] = {100, 100, 0, 1000}; /* as in summary.json; gap unrounded */
    for (int i = 0; i < 4; i++) {
        if (!isfinite(v[i]))
            OGR_F_SetFieldNull(f, R_OBJECTIVE + i);
        else if (scale[i] > 0)
            OGR_F_SetFieldDouble(f, R_OBJECTIVE + i, round(v[i] * scale[i]) / scale[i] + 0.0);
        else
            OGR_F_SetFieldDouble(f, R_OBJECTIVE + i, v[i]);
    }
    OGR_F_SetFieldInteger(f, R_PARCELS, z->n);
    OGR_F_SetFieldInteger(f, R_CANDIDATES, (int)z->n_by_status[SL_PARCEL_CANDIDATE]);
    OGR_F_SetFieldInteger(f, R_REDEVELOPED, redeveloped);
    if (has_plan)
        OGR_F_SetFieldDouble(f, R_GFA, round(gfa * 100) / 100 + 0.0);
    else
        OGR_F_SetFieldNull(f, R_GFA);
    OGR_F_SetFieldString(f, R_CHAINS, chains);
    free(chains);
    run_money_and_years(f, plan, e, has_plan);
    return sl_out_layer_write(l, f, NULL, "the run's row", err);
}
