/*
 * bench_phasing.c - time sl_phasing_solve (docs/model.md §12) on a
 * synthetic programme of redeveloped parcels, or write its phasing MIP
 * (the model `shanglou export-model --phasing` writes) for other solvers.
 *   bench_phasing [-p PARCELS] [-y YEARS] [-s SEED] [-t TIME_LIMIT_S]
 *                 [-g GAP] [-x MODEL.lp|.mps] [-v]
 * Prints the programme's shape, then objective, bound, gap, status,
 * seconds and peak RSS, and whether the schedule passes the independent
 * feasibility check (sl_phasing_feasible).
 *
 * The parcels are drawn to look like the bundled scenario's plan
 * (scenarios/gonggai.yaml on geodata/shahe, README step 6), scaled up:
 * lot areas log-normal around 12,000 m², today's FAR 0.2-1.0 (5 % vacant),
 * new GFA 2.0-3.0 × the area, capex 3,300-4,000 CNY per m² of new GFA plus
 * 250 CNY per m² of today's floor space (demolition and relocation), NPV a
 * normal share of capex (mean 0.10, sd 0.09: about one parcel in seven is
 * worth less than nothing, as B7-3 or B11-10 are), ready years as slgen
 * draws ZBNF (45 % year 1, 35 % year 2, 20 % year 3, and 15 % on long
 * leases in years 4-5), and 1 % of the parcels pinned to start in their
 * ready year.  The rules bind as they do on the sample: a budget of 9 % of
 * the total capex a year (the sample's 4 亿 a year against 34.9 亿 of
 * capex is 11 %), swing space of 11 % of today's floor space (30,000 of
 * about 280,000 m²) growing by a fifth of each new building, and at most
 * 15 % of the parcels starting in one year (8 of 39).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "phase/phasing.h"

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64, as geodata/gen/slgen.c */
static uint64_t rng_u64(rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double unit(rng *r)
{
    return (double)(rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double range(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * unit(r);
}

/* Irwin-Hall: the same draws on every platform */
static double normal(rng *r)
{
    double s = 0;
    for (int i = 0; i < 12; i++)
        s += unit(r);
    return s - 6.0;
}

#define START_YEAR 2027

static int ready_year(rng *r, bool vacant)
{
    if (vacant)
        return START_YEAR;
    if (unit(r) < 0.15)
        return START_YEAR + 3 + (unit(r) < 0.5 ? 0 : 1);
    double u = unit(r);
    return START_YEAR + (u < 0.45 ? 0 : u < 0.80 ? 1 : 2);
}

static void on_log(void *ud, sl_log_level level, const char *msg)
{
    (void)ud;
    (void)level;
    fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
    int n = 1000, years = 10;
    unsigned long long seed = 1;
    double tl = 60, gap = 0.01;
    const char *xpath = NULL;
    bool verbose = false;
    for (int a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!strcmp(argv[a], "-p") && v)
            n = atoi(v), a++;
        else if (!strcmp(argv[a], "-y") && v)
            years = atoi(v), a++;
        else if (!strcmp(argv[a], "-s") && v)
            seed = strtoull(v, NULL, 10), a++;
        else if (!strcmp(argv[a], "-t") && v)
            tl = atof(v), a++;
        else if (!strcmp(argv[a], "-g") && v)
            gap = atof(v), a++;
        else if (!strcmp(argv[a], "-x") && v)
            xpath = v, a++;
        else if (!strcmp(argv[a], "-v"))
            verbose = true;
        else {
            fprintf(stderr, "usage: bench_phasing [-p N] [-y YEARS] [-s SEED] [-t S] [-g GAP] "
                            "[-x FILE.lp|.mps] [-v]\n");
            return 2;
        }
    }
    if (n < 1 || years < 1) {
        fprintf(stderr, "bench_phasing: -p and -y must be at least 1\n");
        return 2;
    }
    sl_phase_parcel *ps = calloc((size_t)n, sizeof *ps);
    char(*ids)[16] = calloc((size_t)n, sizeof *ids);
    double *budget = calloc((size_t)years, sizeof *budget);
    if (!ps || !ids || !budget) {
        fprintf(stderr, "bench_phasing: out of memory\n");
        return 1;
    }
    rng r = {seed * UINT64_C(0x2545F4914F6CDD1D) + 12};
    double capex_total = 0, g0_total = 0;
    int pins = 0, negative = 0;
    for (int p = 0; p < n; p++) {
        sl_phase_parcel *q = &ps[p];
        snprintf(ids[p], sizeof ids[p], "P%d", p + 1);
        q->id = ids[p];
        double area = fmin(fmax(12000 * exp(0.5 * normal(&r)), 3000), 60000);
        bool vacant = unit(&r) < 0.05;
        q->current_gfa_m2 = vacant ? 0 : round(area * range(&r, 0.2, 1.0));
        q->gfa_m2 = round(area * range(&r, 2.0, 3.0));
        q->capex_cny = round(q->gfa_m2 * range(&r, 3300, 4000) + 250 * q->current_gfa_m2);
        q->value = round(q->capex_cny * (0.10 + 0.09 * normal(&r)));
        q->ready_year = ready_year(&r, vacant);
        /* 1 % pinned in their ready year, if the value is positive (a pin
         * on a loss-maker is a planner's choice the benchmark need not make) */
        if (unit(&r) < 0.01 && q->value > 0 && q->ready_year < START_YEAR + years) {
            q->pinned_start = q->ready_year;
            pins++;
        }
        negative += q->value < 0;
        capex_total += q->capex_cny;
        g0_total += q->current_gfa_m2;
    }
    for (int t = 0; t < years; t++)
        budget[t] = round(0.09 * capex_total * 10 / years);
    sl_phase_input in;
    memset(&in, 0, sizeof in);
    in.start_year = START_YEAR;
    in.years = years;
    in.build_years = 2;
    in.n_budget = years;
    in.budget_cny = budget;
    in.swing_space_m2 = round(0.11 * g0_total);
    in.swing_from_new_share = 0.2;
    in.max_starts_per_year = (int)ceil(0.15 * n);
    in.discount_rate = 0.06;
    in.time_limit_s = tl;
    in.gap = gap;
    in.n = n;
    in.parcels = ps;
    in.verbose = verbose;
    in.log = verbose ? on_log : NULL;
    printf("parcels %d years %d seed %llu pins %d negative_value %d capex_total_cny %.0f "
           "budget_cny_year %.0f swing_space_m2 %.0f current_gfa_total_m2 %.0f "
           "max_starts_per_year %d\n",
           n, years, seed, pins, negative, capex_total, budget[0], in.swing_space_m2, g0_total,
           in.max_starts_per_year);
    sl_error err;
    sl_error_init(&err);
    if (xpath) {
        sl_status st = sl_phasing_export_model(&in, xpath, &err);
        for (int i = 0; i < err.n; i++)
            fprintf(stderr, "%s\n", err.msgs[i]);
        sl_error_clear(&err);
        return st == SL_OK ? 0 : 1;
    }
    sl_phasing *ph = NULL;
    sl_status st = sl_phasing_solve(&in, &ph, &err);
    if (st != SL_OK) {
        for (int i = 0; i < err.n; i++)
            fprintf(stderr, "%s\n", err.msgs[i]);
        sl_error_clear(&err);
        return 1;
    }
    char why[512] = "";
    bool have = ph->status == SL_PLAN_OPTIMAL || ph->status == SL_PLAN_FEASIBLE;
    bool ok = have && sl_phasing_feasible(&in, ph->start, why, sizeof why);
    /* which rules bind: the years where spending or swing space is within
     * 1 % of what is available, or the starts at the cap */
    int money_tight = 0, swing_tight = 0, starts_tight = 0;
    for (int t = 0; have && t < years; t++) {
        money_tight += ph->cum_spending_cny[t] >= 0.99 * ph->cum_budget_cny[t];
        swing_tight += ph->swing_used_m2[t] >= 0.99 * ph->swing_available_m2[t];
        starts_tight += ph->starts[t] == in.max_starts_per_year;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("status %s stop_reason %s objective %.2f bound %.2f gap %.5f%% seconds %.2f "
           "peak_rss_mb %.1f started %d check %s\n",
           sl_plan_status_name(ph->status),
           sl_stop_reason_name(ph->stop_reason) ? sl_stop_reason_name(ph->stop_reason) : "null",
           ph->objective, ph->has_bound ? ph->bound : NAN, ph->has_bound ? 100 * ph->gap : NAN,
           ph->solve_seconds, ru.ru_maxrss / 1024.0, ph->n_started,
           !have ? "none"
           : ok  ? "ok"
                 : "FAILED");
    printf("binding years: budget %d swing_space %d starts_cap %d (of %d)\n", money_tight,
           swing_tight, starts_tight, years);
    if (have && !ok)
        printf("check: %s\n", why);
    for (int i = 0; i < ph->n_conflicts; i++)
        printf("conflict: %s\n", ph->conflicts[i]);
    sl_phasing_destroy(ph);
    sl_error_clear(&err);
    free(ps);
    free(ids);
    free(budget);
    return 0;
}
