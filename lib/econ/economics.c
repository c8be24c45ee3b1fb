/*
 * economics.c - docs/model.md §11: per redeveloped parcel the capital cost
 * of its new building (hard cost by block height band, heavy floor loads,
 * soft costs, demolition, relocation, land premium), its yearly rent and
 * tax, payback and NPV; 亩均 grades by tax per mu before and after the
 * plan, with cut-offs from the scenario or the zone's own percentiles.
 * Pure arithmetic on the zone's records and the plan's storeys.
 */
#include "econ/economics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SL_M2_PER_MU (10000.0 / 15.0)
/* Loads up to this need no stronger structure than a standard floor. */
#define SL_STANDARD_LOAD_KN_M2 5.0

const char *sl_grade_name(sl_grade g)
{
    static const char *const names[] = {NULL, "A", "B", "C", "D"};
    return g >= SL_GRADE_A && g <= SL_GRADE_D ? names[g] : NULL;
}

sl_grade sl_grade_of(double v, const double cutoff_cny[3])
{
    if (isnan(v) || isnan(cutoff_cny[0]) || isnan(cutoff_cny[1]) || isnan(cutoff_cny[2]))
        return SL_GRADE_NONE;
    if (v >= cutoff_cny[0])
        return SL_GRADE_A;
    if (v >= cutoff_cny[1])
        return SL_GRADE_B;
    if (v >= cutoff_cny[2])
        return SL_GRADE_C;
    return SL_GRADE_D;
}

/* cost(H): the value of the first break with H <= break, else the last. */
static double cost_at(const sl_econ_params *e, double height_m)
{
    for (int j = 0; j < e->n_breaks; j++)
        if (height_m <= e->cost_breaks_m[j])
            return e->cost_values_cny_m2[j];
    return e->cost_values_cny_m2[e->n_breaks];
}

static bool is_industrial(const sl_scenario *sc, const sl_parcel *p)
{
    if (p->status == SL_PARCEL_REJECTED || !p->land_use)
        return false;
    for (int i = 0; i < sc->n_land_uses; i++)
        if (strcmp(p->land_use, sc->industrial_land_uses[i]) == 0)
            return true;
    return false;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of sorted x[0..n) by linear interpolation between order
 * statistics (numpy's default, docs/model.md §9.12). */
static double percentile(const double *x, int n, double q)
{
    double pos = q * (n - 1);
    int lo = (int)floor(pos);
    if (lo >= n - 1)
        return x[n - 1];
    double frac = pos - lo;
    return x[lo] + frac * (x[lo + 1] - x[lo]);
}

/* The grade cut-offs: the scenario's, else the zone's 75th, 30th and 5th
 * percentiles of today's tax per mu over industrial parcels that have one. */
static sl_status cutoffs(const sl_zone *z, sl_economics *e, sl_error *err)
{
    const sl_econ_params *ep = &z->sc->economics;
    if (!isnan(ep->grades_tax_per_mu_cny[0])) {
        e->cutoffs_given = true;
        memcpy(e->cutoff_cny, ep->grades_tax_per_mu_cny, sizeof e->cutoff_cny);
        return SL_OK;
    }
    e->cutoff_cny[0] = e->cutoff_cny[1] = e->cutoff_cny[2] = NAN;
    double *x = malloc((size_t)(z->n > 0 ? z->n : 1) * sizeof *x);
    if (!x) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    int n = 0;
    for (int i = 0; i < z->n; i++)
        if (is_industrial(z->sc, &z->p[i]) && !isnan(z->p[i].tax_per_mu_cny))
            x[n++] = z->p[i].tax_per_mu_cny;
    if (n > 0) {
        qsort(x, (size_t)n, sizeof *x, cmp_double);
        e->cutoff_cny[0] = percentile(x, n, 0.75);
        e->cutoff_cny[1] = percentile(x, n, 0.30);
        e->cutoff_cny[2] = percentile(x, n, 0.05);
    }
    free(x);
    return SL_OK;
}

/* The §11 formulas for one redeveloped parcel. */
static void parcel_money(const sl_scenario *sc, const sl_parcel *p, const sl_parcel_plan *pp,
                         sl_parcel_econ *pe)
{
    const sl_econ_params *ep = &sc->economics;
    double block_gfa[2] = {0, 0}, load_cost = 0, noi = 0, tax = 0;
    for (int k = 0; k < pp->n_storeys; k++) {
        const sl_storey *st = &pp->storeys[k];
        const sl_industry *d = &sc->industries[st->industry];
        block_gfa[st->block] += st->gfa_m2;
        load_cost += st->gfa_m2 * ep->load_cost_cny_m2_per_kN_m2 *
                     fmax(0, d->floor_load_kN_m2 - SL_STANDARD_LOAD_KN_M2);
        double rent = isnan(d->rent_cny_m2_month) ? ep->rent_cny_m2_month : d->rent_cny_m2_month;
        if (st->block == SL_BLOCK_FACTORY && st->level > 1)
            rent *= ep->upper_floor_rent_factor;
        noi += 12 * rent * st->gfa_m2 * ep->occupancy * (1 - ep->opex_share);
        tax += st->gfa_m2 * (isnan(d->tax_cny_m2_year) ? 0 : d->tax_cny_m2_year);
    }
    double hard = block_gfa[SL_BLOCK_FACTORY] * cost_at(ep, pp->factory_height_m) +
                  block_gfa[SL_BLOCK_OFFICE] * cost_at(ep, pp->office_height_m) + load_cost;
    double g0 = isnan(p->current_gfa_m2) ? 0 : p->current_gfa_m2;
    double gfa = block_gfa[0] + block_gfa[1];
    double capex = hard * (1 + ep->soft_cost_share) + ep->demolition_cny_m2 * g0 +
                   ep->relocation_cny_m2 * g0 + ep->land_premium_cny_m2 * fmax(0, gfa - g0);
    double cash = noi + ep->tax_share * tax;
    double r = ep->discount_rate, h = ep->horizon_years;
    double annuity = r == 0 ? h : (1 - pow(1 + r, -h)) / r;
    pe->capex_cny = capex;
    pe->noi_cny_year = noi;
    pe->tax_cny_year = tax;
    pe->payback_years = cash > 0 ? capex / cash : NAN;
    pe->npv_cny = -capex + cash * annuity;
    pe->tax_per_mu_after_cny = p->area_m2 > 0 ? tax / (p->area_m2 / SL_M2_PER_MU) : NAN;
}

sl_status sl_economics_compute(const sl_zone *z, const sl_plan *plan, sl_economics **out,
                               sl_error *err)
{
    *out = NULL;
    const sl_scenario *sc = z->sc;
    sl_economics *e = calloc(1, sizeof *e);
    if (e)
        e->parcels = calloc((size_t)(z->n > 0 ? z->n : 1), sizeof *e->parcels);
    if (!e || !e->parcels) {
        sl_economics_destroy(e);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    e->n = z->n;
    sl_status st = cutoffs(z, e, err);
    if (st != SL_OK) {
        sl_economics_destroy(e);
        return st;
    }
    double tax_before = 0, mu_before = 0, tax_after = 0, mu_after = 0, cash = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        sl_parcel_econ *pe = &e->parcels[i];
        pe->capex_cny = pe->noi_cny_year = pe->tax_cny_year = NAN;
        pe->payback_years = pe->npv_cny = pe->tax_per_mu_after_cny = NAN;
        bool industrial = is_industrial(sc, p);
        bool known = !isnan(p->tax_per_mu_cny) && p->area_m2 > 0;
        pe->grade = industrial ? sl_grade_of(p->tax_per_mu_cny, e->cutoff_cny) : SL_GRADE_NONE;
        pe->grade_after = SL_GRADE_NONE;
        const sl_parcel_plan *pp = plan && i < plan->n ? &plan->pp[i] : NULL;
        bool redeveloped = pp && pp->redeveloped;
        double mu = p->area_m2 / SL_M2_PER_MU;
        if (industrial && known) {
            tax_before += p->tax_per_mu_cny * mu;
            mu_before += mu;
        }
        if (redeveloped) {
            parcel_money(sc, p, pp, pe);
            pe->grade_after = sl_grade_of(pe->tax_per_mu_after_cny, e->cutoff_cny);
            e->n_redeveloped++;
            e->capex_cny += pe->capex_cny;
            e->noi_cny_year += pe->noi_cny_year;
            e->tax_cny_year += pe->tax_cny_year;
            e->npv_cny += pe->npv_cny;
            cash += pe->noi_cny_year + sc->economics.tax_share * pe->tax_cny_year;
            if (p->area_m2 > 0) {
                tax_after += pe->tax_cny_year;
                mu_after += mu;
            }
        } else if (industrial && known) {
            tax_after += p->tax_per_mu_cny * mu;
            mu_after += mu;
        }
        if (industrial) {
            e->grades_before[pe->grade]++;
            e->grades_after[redeveloped ? pe->grade_after : pe->grade]++;
        }
    }
    e->payback_years = cash > 0 ? e->capex_cny / cash : NAN;
    e->tax_per_mu_before_cny = mu_before > 0 ? tax_before / mu_before : NAN;
    e->tax_per_mu_after_cny = mu_after > 0 ? tax_after / mu_after : NAN;
    *out = e;
    return SL_OK;
}

void sl_economics_destroy(sl_economics *e)
{
    if (!e)
        return;
    free(e->parcels);
    free(e);
}
