/*
 * test_phasing.c - the phasing MIP (docs/model.md §12) on in-memory
 * inputs: a budget that delays a start, swing space that orders two
 * parcels, a parcel not ready at once, pins, pins that cannot hold, and
 * the optimum against brute force over every start-year assignment.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "phase/phasing.h"
#include "support.h"
#include "eval/evaluate.h"
#include "input/scenario.h"

static sl_phase_parcel parcel(const char *id, double value, double capex, double g0, double gfa)
{
    sl_phase_parcel p = {id, value, capex, g0, gfa, 0, 0};
    return p;
}

static void input(sl_phase_input *in, int years, int build, int n, const sl_phase_parcel *ps)
{
    memset(in, 0, sizeof *in);
    in->start_year = 2027;
    in->years = years;
    in->build_years = build;
    in->swing_space_m2 = NAN;
    in->swing_from_new_share = 0.2;
    in->discount_rate = 0.06;
    in->time_limit_s = 20;
    in->gap = 0;
    in->n = n;
    in->parcels = ps;
}

static sl_phasing *solve(const sl_phase_input *in)
{
    sl_error err;
    sl_error_init(&err);
    sl_phasing *ph = NULL;
    sl_status st = sl_phasing_solve(in, &ph, &err);
    cr_assert_eq(st, SL_OK, "%s", err.n ? err.msgs[0] : "?");
    sl_error_clear(&err);
    cr_assert_not_null(ph);
    return ph;
}

Test(phasing, budget_delays_one_start_by_a_year)
{
    sl_phase_parcel ps[] = {parcel("A", 10, 200, 0, 1000), parcel("B", 5, 200, 0, 1000)};
    double budget[] = {150, 150, 150, 150};
    sl_phase_input in;
    input(&in, 4, 2, 2, ps);
    in.n_budget = 4;
    in.budget_cny = budget;
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(ph->start[0], 2027);
    cr_assert_eq(ph->start[1], 2028, "B starts in %d", ph->start[1]);
    cr_assert_eq(ph->in_use[1], 2030);
    cr_assert_float_eq(ph->spending_cny[0], 100, 1e-9);
    cr_assert_float_eq(ph->spending_cny[1], 200, 1e-9);
    cr_assert_float_eq(ph->cum_spending_cny[1], 300, 1e-9);
    cr_assert_float_eq(ph->cum_budget_cny[1], 300, 1e-9);
    cr_assert_eq(ph->starts[0], 1);
    cr_assert_eq(ph->starts[1], 1);
    double d = 1 / 1.06;
    cr_assert_float_eq(ph->objective, 10 * pow(d, 2) + 5 * pow(d, 3), 1e-9);
    cr_assert(ph->has_bound);
    cr_assert_float_eq(ph->gap, 0, 1e-9);
    sl_phasing_destroy(ph);
}

Test(phasing, swing_space_orders_the_parcels)
{
    /* P2 is worth more, but its enterprises (1500 m2) fit only once P1's
     * building is in use: 1000 + 0.5 x 3000 */
    sl_phase_parcel ps[] = {parcel("P1", 10, NAN, 800, 3000), parcel("P2", 100, NAN, 1500, 3000)};
    sl_phase_input in;
    input(&in, 6, 2, 2, ps);
    in.swing_space_m2 = 1000;
    in.swing_from_new_share = 0.5;
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(ph->start[0], 2027);
    cr_assert_eq(ph->start[1], 2029, "P2 starts in %d", ph->start[1]);
    cr_assert_float_eq(ph->swing_used_m2[0], 800, 1e-9);
    cr_assert_float_eq(ph->swing_available_m2[0], 1000, 1e-9);
    cr_assert_float_eq(ph->swing_available_m2[2], 2500, 1e-9);
    cr_assert_float_eq(ph->swing_used_m2[2], 1500, 1e-9);
    cr_assert_float_eq(ph->gfa_into_use_m2[2], 3000, 1e-9);
    sl_phasing_destroy(ph);
}

Test(phasing, a_parcel_not_ready_until_year_3)
{
    sl_phase_parcel ps[] = {parcel("A", 10, NAN, 0, 1000), parcel("B", 10, NAN, 0, 1000)};
    ps[1].ready_year = 2029;
    sl_phase_input in;
    input(&in, 5, 2, 2, ps);
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(ph->start[0], 2027);
    cr_assert_eq(ph->start[1], 2029);
    cr_assert_eq(ph->in_use[1], 2031);
    sl_phasing_destroy(ph);
}

Test(phasing, a_pinned_start_holds)
{
    sl_phase_parcel ps[] = {parcel("A", 10, NAN, 0, 1000), parcel("B", 10, NAN, 0, 1000)};
    ps[0].pinned_start = 2030;
    sl_phase_input in;
    input(&in, 5, 2, 2, ps);
    in.max_starts_per_year = 1;
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(ph->start[0], 2030);
    cr_assert_eq(ph->start[1], 2027);
    sl_phasing_destroy(ph);
}

Test(phasing, a_negative_value_is_not_started)
{
    sl_phase_parcel ps[] = {parcel("A", -10, NAN, 0, 1000)};
    sl_phase_input in;
    input(&in, 3, 1, 1, ps);
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(ph->start[0], 0);
    cr_assert_eq(ph->in_use[0], 0);
    sl_phasing_destroy(ph);
}

Test(phasing, a_pin_before_its_parcel_is_ready_is_infeasible)
{
    sl_phase_parcel ps[] = {parcel("B7-2", 10, NAN, 0, 1000)};
    ps[0].ready_year = 2029;
    ps[0].pinned_start = 2027;
    sl_phase_input in;
    input(&in, 5, 2, 1, ps);
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_INFEASIBLE);
    cr_assert_eq(ph->stop_reason, SL_STOP_NONE);
    cr_assert_eq(ph->n_conflicts, 1);
    cr_assert_str_eq(ph->conflicts[0], "phasing: parcel B7-2 is pinned to start in 2027 but is "
                                       "not ready before 2029 (its ready_year)");
    cr_assert(isnan(ph->objective));
    cr_assert_eq(ph->start[0], 0);
    sl_phasing_destroy(ph);
}

/* A (capex 300) pinned to 2027 and B7-2 (capex 400) to 2028, a budget of
 * 200 then 100 a year, building over build years. */
static sl_phasing *pins_over_budget(sl_phase_parcel *ps, int build)
{
    ps[0] = parcel("A", 10, 300, 0, 1000);
    ps[1] = parcel("B7-2", 10, 400, 0, 1000);
    ps[0].pinned_start = 2027;
    ps[1].pinned_start = 2028;
    static double budget[] = {200, 100, 100, 100};
    sl_phase_input in;
    input(&in, 4, build, 2, ps);
    in.n_budget = 4;
    in.budget_cny = budget;
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_INFEASIBLE);
    cr_assert_geq(ph->n_conflicts, 1);
    return ph;
}

Test(phasing, a_pin_the_budget_cannot_pay_is_infeasible)
{
    sl_phase_parcel ps[2];
    sl_phasing *ph = pins_over_budget(ps, 2);
    cr_assert_eq(ph->n_conflicts, 1);
    /* by 2028: A 150 + 150, B 200 = 500 against 300 */
    cr_assert_str_eq(ph->conflicts[0],
                     "phasing: the budget cannot pay the pinned start of parcel B7-2 in 2028 "
                     "(capex 400 CNY over 2 years): by 2028 the pinned parcels spend 500 CNY but "
                     "the budget up to 2028 is 300 CNY");
    sl_phasing_destroy(ph);
}

/* The same with one building year: A alone spends 300 in 2027, against
 * 200, and the message says "1 year". */
Test(phasing, a_pin_the_budget_cannot_pay_in_one_building_year)
{
    sl_phase_parcel ps[2];
    sl_phasing *ph = pins_over_budget(ps, 1);
    cr_assert_str_eq(ph->conflicts[0],
                     "phasing: the budget cannot pay the pinned start of parcel A in 2027 "
                     "(capex 300 CNY over 1 year): by 2027 the pinned parcels spend 300 CNY but "
                     "the budget up to 2027 is 200 CNY");
    sl_phasing_destroy(ph);
}

Test(phasing, no_parcels)
{
    sl_phase_input in;
    input(&in, 3, 2, 0, NULL);
    sl_phasing *ph = solve(&in);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_float_eq(ph->objective, 0, 1e-12);
    sl_phasing_destroy(ph);
}

Test(phasing, destroy_accepts_null)
{
    sl_phasing_destroy(NULL);
}

/* ---- brute force, written from docs/model.md §12 ------------------------ */

static bool brute_ok(const sl_phase_input *in, const int *s)
{
    int Y0 = in->start_year, T = in->years, B = in->build_years;
    double cum_b = 0, cum_s = 0;
    for (int p = 0; p < in->n; p++) {
        const sl_phase_parcel *q = &in->parcels[p];
        if (q->pinned_start && s[p] != q->pinned_start)
            return false;
        if (s[p] && q->ready_year && s[p] < q->ready_year)
            return false;
    }
    for (int y = Y0; y < Y0 + T; y++) {
        double spend = 0, under = 0, inuse = 0;
        int starts = 0;
        for (int p = 0; p < in->n; p++) {
            const sl_phase_parcel *q = &in->parcels[p];
            if (!s[p])
                continue;
            if (y >= s[p] && y < s[p] + B) {
                spend += (isnan(q->capex_cny) ? 0 : q->capex_cny) / B;
                under += q->current_gfa_m2;
            }
            if (y >= s[p] + B)
                inuse += q->gfa_m2;
            starts += y == s[p];
        }
        cum_s += spend;
        if (in->n_budget) {
            cum_b += in->budget_cny[y - Y0];
            if (cum_s > cum_b + 1e-7)
                return false;
        }
        if (!isnan(in->swing_space_m2) &&
            under > in->swing_space_m2 + in->swing_from_new_share * inuse + 1e-7)
            return false;
        if (in->max_starts_per_year > 0 && starts > in->max_starts_per_year)
            return false;
    }
    return true;
}

/* The best value over every assignment; -INFINITY when none is feasible. */
static double brute(const sl_phase_input *in)
{
    int n = in->n, T = in->years;
    int s[8];
    double best = -INFINITY;
    long total = 1;
    for (int p = 0; p < n; p++)
        total *= T + 1;
    for (long code = 0; code < total; code++) {
        long c = code;
        for (int p = 0; p < n; p++) {
            int k = (int)(c % (T + 1));
            c /= T + 1;
            s[p] = k == T ? 0 : in->start_year + k;
        }
        if (!brute_ok(in, s))
            continue;
        double v = 0;
        for (int p = 0; p < n; p++)
            if (s[p])
                v += in->parcels[p].value *
                     pow(1 + in->discount_rate, -(s[p] + in->build_years - in->start_year));
        if (v > best)
            best = v;
    }
    return best;
}

static void dbg_log(void *u, sl_log_level l, const char *m)
{
    (void)u;
    (void)l;
    fprintf(stderr, "%s", m);
}

static double uniform(unsigned *seed, double lo, double hi)
{
    *seed = *seed * 1103515245u + 12345u;
    return lo + (hi - lo) * ((*seed >> 8) & 0xffff) / 65535.0;
}

Test(phasing, optimum_equals_brute_force_on_small_random_cases)
{
    unsigned seed = 12345;
    static const char *ids[] = {"a", "b", "c", "d", "e"};
    int n_opt = 0, n_inf = 0;
    for (int round = 0; round < 120; round++) {
        int n = 2 + round % 4; /* 2..5 */
        int T = 2 + (round / 4) % 3;
        int B = 1 + round % 2;
        sl_phase_parcel ps[5];
        double budget[8];
        for (int p = 0; p < n; p++) {
            ps[p] = parcel(ids[p], uniform(&seed, -2, 20), uniform(&seed, 50, 300),
                           uniform(&seed, 0, 2000), uniform(&seed, 500, 5000));
            if (uniform(&seed, 0, 1) < 0.25)
                ps[p].ready_year = 2027 + (int)uniform(&seed, 0, T);
            if (uniform(&seed, 0, 1) < 0.12)
                ps[p].pinned_start = 2027 + (int)uniform(&seed, 0, T - 0.01);
            if (uniform(&seed, 0, 1) < 0.1)
                ps[p].capex_cny = NAN;
        }
        sl_phase_input in;
        input(&in, T, B, n, ps);
        in.discount_rate = uniform(&seed, 0, 0.15);
        if (round % 3 != 2) {
            in.n_budget = T;
            in.budget_cny = budget;
            for (int t = 0; t < T; t++)
                budget[t] = uniform(&seed, 20, 250);
        }
        if (round % 5 != 4) {
            in.swing_space_m2 = uniform(&seed, 0, 2500);
            in.swing_from_new_share = uniform(&seed, 0, 0.6);
        }
        if (round % 4 == 1)
            in.max_starts_per_year = 1 + round % 2;
        double best = brute(&in);
        if (getenv("DBG") && round == atoi(getenv("DBG"))) {
            in.verbose = true;
            in.log = dbg_log;
            for (int p = 0; p < n; p++)
                fprintf(stderr, "%s v %g capex %g g0 %g gfa %g ready %d pin %d\n", ps[p].id,
                        ps[p].value, ps[p].capex_cny, ps[p].current_gfa_m2, ps[p].gfa_m2,
                        ps[p].ready_year, ps[p].pinned_start);
            fprintf(stderr, "T %d B %d budget %d swing %g share %g max %d best %g\n", T, B,
                    in.n_budget, in.swing_space_m2, in.swing_from_new_share, in.max_starts_per_year,
                    best);
        }
        sl_phasing *ph = solve(&in);
        if (best == -INFINITY) {
            cr_assert_eq(ph->status, SL_PLAN_INFEASIBLE, "round %d: status %s", round,
                         sl_plan_status_name(ph->status));
            cr_assert_gt(ph->n_conflicts, 0);
            n_inf++;
        } else {
            cr_assert_eq(ph->status, SL_PLAN_OPTIMAL, "round %d: status %s", round,
                         sl_plan_status_name(ph->status));
            cr_assert_float_eq(ph->objective, best, 1e-7 * fmax(1, fabs(best)),
                               "round %d: MIP %.9f, brute force %.9f", round, ph->objective, best);
            cr_assert(brute_ok(&in, ph->start), "round %d: the schedule breaks a rule", round);
            cr_assert_geq(ph->bound, ph->objective - 1e-9);
            n_opt++;
        }
        sl_phasing_destroy(ph);
    }
    cr_assert_gt(n_opt, 60);
    cr_assert_gt(n_inf, 0, "no infeasible case was drawn");
}

/* ---- the command line ---------------------------------------------------- */

/* plan with a phasing section writes phases.csv, the parcels' start years
 * and summary.json's block; export-model --phasing gives the same optimum
 * through glpsol. */
Test(cli, plan_with_phasing_and_export_model, .timeout = 300)
{
    char *dir = t_tmpdir();
    /* gonggai.yaml's own phasing section (its last) replaced by a smaller one */
    t_run r =
        t_sh("sed 's|source: ../geodata|source: %s/geodata|; s|time_limit_s: 60 "
             "|time_limit_s: 5 |; /^phasing:/,$d' %s/scenarios/gonggai.yaml > %s/s.yaml && printf "
             "'phasing: {start_year: 2027, years: 6, build_years: 2, swing_space_m2: "
             "20000, max_starts_per_year: 3}\\n' >> %s/s.yaml",
             SL_SRC, SL_SRC, dir, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char scen[512], out[512], lp[512];
    snprintf(scen, sizeof scen, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(lp, sizeof lp, "%s/phase.lp", dir);
    r = t_cli("plan", scen, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("wc -l < %s/phases.csv; head -1 %s/parcels.csv | tr ',' '\\n' | grep -cx "
             "'start_year\\|in_use_year'; "
             "grep -c '\"phasing\": {\"status\": \"optimal\"' %s/summary.json",
             out, out, out);
    cr_assert_str_eq(r.out, "7\n2\n1\n");
    t_run_free(&r);
    r = t_cli("export-model", scen, "--phasing", "--plan", out, "-o", lp, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh(
        "command -v glpsol >/dev/null || exit 77; glpsol --lp %s --mipgap 0 -o %s/sol.txt "
        ">/dev/null && sed -n 's/^Objective: *discounted_value = \\([-0-9.e+]*\\).*/\\1/p' "
        "%s/sol.txt; sed -n 's/.*\"phasing\": {[^}]*\"objective\": \\([-0-9.e+]*\\),.*/\\1/p' "
        "%s/summary.json; sed -n 's/.*\"phasing\": {[^}]*\"bound\": \\([-0-9.e+]*\\),.*/\\1/p' "
        "%s/summary.json",
        lp, dir, dir, out, out);
    if (r.status != 77) {
        cr_assert_eq(r.status, 0, "%s", r.err);
        double a = NAN, b = NAN, bound = NAN;
        cr_assert_eq(sscanf(r.out, "%lf %lf %lf", &a, &b, &bound), 3, "%s", r.out);
        /* "optimal" is within plan.gap (0.1 %) of a proven bound: the
         * schedule is at most that below glpsol's optimum, never above it,
         * and the bound is not below it */
        double tol = 1e-6 * fmax(1, fabs(a));
        cr_assert_leq(b, a + tol, "plan %f above glpsol's optimum %f", b, a);
        cr_assert_geq(b, a - 1e-3 * fabs(a) - tol, "plan %f more than 0.1 %% below glpsol %f", b,
                      a);
        cr_assert_geq(bound, a - tol, "bound %f below glpsol's optimum %f", bound, a);
    }
    t_run_free(&r);
    r = t_cli("export-model", scen, "--phasing", "-o", lp, NULL);
    cr_assert_eq(r.status, 2);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* parcels.fields.ready_year read from the source (null: at once), a pin's
 * start_year, and sl_phasing_plan on a solved plan: the start years land
 * in the plan. */
Test(plan, ready_year_from_the_source_and_phasing_a_plan, .timeout = 120)
{
    char *dir = t_tmpdir();
    char *gj = t_write(
        dir, "p.geojson",
        "{\"type\": \"FeatureCollection\",\n"
        " \"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
        "\"urn:ogc:def:crs:EPSG::4547\"}},\n"
        " \"features\": [\n"
        "  {\"type\": \"Feature\", \"properties\": {\"ID\": \"P1\", \"LU\": \"M1\", \"FAR\": 0.5, "
        "\"RY\": null},\n"
        "   \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[590000, 2860000], [590100, "
        "2860000], [590100, 2860100], [590000, 2860100], [590000, 2860000]]]}},\n"
        "  {\"type\": \"Feature\", \"properties\": {\"ID\": \"P2\", \"LU\": \"M1\", \"FAR\": 0.5, "
        "\"RY\": 2029},\n"
        "   \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[590500, 2860000], [590600, "
        "2860000], [590600, 2860100], [590500, 2860100], [590500, 2860000]]]}}\n"
        " ]}\n");
    char *yaml = t_write(dir, "s.yaml",
                         "parcels:\n"
                         "  source: p.geojson\n"
                         "  fields: {id: ID, land_use: LU, current_far: FAR, ready_year: RY}\n"
                         "  industrial_land_uses: [M1]\n"
                         "rules:\n"
                         "  after: {far_max: 2.0, factory_height_max_m: 30, "
                         "office_height_max_m: 30}\n"
                         "industries:\n"
                         "  - {id: prod, kind: production, floor_height_m: 5.4, "
                         "floor_load_kN_m2: 8}\n"
                         "pins: [{parcel: P1, industry: prod, start_year: 2028}]\n"
                         "plan: {time_limit_s: 20}\n"
                         "phasing: {start_year: 2027, years: 5, build_years: 2}\n");
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(yaml, &err);
    cr_assert_not_null(sc, "%s", err.n ? err.msgs[0] : "?");
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert_not_null(z, "%s", err.n ? err.msgs[0] : "?");
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK, "%s", err.n ? err.msgs[0] : "?");
    cr_assert_eq(z->n, 2);
    cr_assert_eq(z->p[0].ready_year, 0);
    cr_assert_eq(z->p[1].ready_year, 2029);
    sl_plan_options o;
    sl_plan_options_init(&o, sc);
    sl_plan *plan = NULL;
    cr_assert_eq(sl_plan_solve(z, &o, &plan, &err), SL_OK, "%s", err.n ? err.msgs[0] : "?");
    cr_assert(plan->pp[0].redeveloped && plan->pp[1].redeveloped);
    sl_phasing *ph = NULL;
    cr_assert_eq(sl_phasing_plan(z, plan, NULL, NULL, -1, &o, &ph, &err), SL_OK);
    cr_assert_eq(ph->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(plan->phasing, ph);
    cr_assert_eq(plan->pp[0].start_year, 2028); /* its pin */
    cr_assert_eq(plan->pp[0].in_use_year, 2030);
    cr_assert_eq(plan->pp[1].start_year, 2029);
    cr_assert_eq(plan->pp[1].in_use_year, 2031);
    cr_assert_eq(ph->start[1], 2029);
    double d = 1 / 1.06;
    cr_assert_float_eq(ph->objective,
                       plan->pp[0].value_m2eq * pow(d, 3) + plan->pp[1].value_m2eq * pow(d, 4),
                       1e-6 * ph->objective);
    sl_plan_destroy(plan);
    sl_phasing_destroy(ph);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);

    /* The command: a pin before its parcel is ready, in words, exit 1,
     * nothing written. */
    char *bad = t_write(dir, "bad.yaml",
                        "parcels:\n"
                        "  source: p.geojson\n"
                        "  fields: {id: ID, land_use: LU, current_far: FAR, ready_year: RY}\n"
                        "  industrial_land_uses: [M1]\n"
                        "industries:\n"
                        "  - {id: prod, kind: production, floor_height_m: 5.4, "
                        "floor_load_kN_m2: 8}\n"
                        "pins: [{parcel: P2, industry: prod, start_year: 2027}]\n"
                        "plan: {time_limit_s: 20}\n"
                        "phasing: {start_year: 2027, years: 5, build_years: 2}\n");
    char out[600];
    snprintf(out, sizeof out, "%s/out", dir);
    t_run r = t_cli("plan", bad, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "phasing: parcel P2 is pinned to start in 2027 but is not ready "
                            "before 2029 (its ready_year)"),
              "%s", r.err);
    t_run_free(&r);
    r = t_sh("test -e %s", out);
    cr_assert_neq(r.status, 0, "the output directory was written");
    t_run_free(&r);
    free(bad);
    free(gj);
    free(yaml);
    t_rmtree(dir);
    free(dir);
}
