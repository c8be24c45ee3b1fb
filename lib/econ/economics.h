/*
 * economics.h - the economics of a plan (docs/model.md §11), when the
 * scenario has an `economics` section: 亩均 grades of today's parcels and,
 * per redeveloped parcel, construction cost, rent, tax, payback and NPV;
 * zone totals and grade counts before and after the plan.
 */
#ifndef SL_ECON_ECONOMICS_H
#define SL_ECON_ECONOMICS_H

#include "plan/plan.h"

/* 亩均 grade by tax per mu (亩均效益评价). */
typedef enum sl_grade {
    SL_GRADE_NONE = 0, /* not graded: tax unknown, not industrial, rejected */
    SL_GRADE_A,
    SL_GRADE_B,
    SL_GRADE_C,
    SL_GRADE_D
} sl_grade;
#define SL_N_GRADES 5
/* "A".."D"; NULL for SL_GRADE_NONE. */
const char *sl_grade_name(sl_grade g);

/* One zone parcel.  The money fields are NAN unless the plan redevelops the
 * parcel (and always NAN for evaluate, plan == NULL); payback_years is NAN
 * also when the yearly cash is <= 0. */
typedef struct sl_parcel_econ {
    sl_grade grade;              /* today, from tax_per_mu_cny */
    double capex_cny;            /* construction, soft costs, demolition,
                                    relocation, land premium */
    double noi_cny_year;         /* net operating income from rent */
    double tax_cny_year;         /* the new building's yearly tax */
    double payback_years;        /* capex / (noi + tax_share x tax) */
    double npv_cny;              /* over horizon_years at discount_rate */
    double tax_per_mu_after_cny; /* tax_cny_year per mu of the parcel */
    sl_grade grade_after;        /* grade of tax_per_mu_after_cny; NONE
                                    when not redeveloped */
} sl_parcel_econ;

/* Invariant: parcels has one entry per zone parcel, in zone order.  Totals
 * are sums over redeveloped parcels (0 when none). */
typedef struct sl_economics {
    int n;
    sl_parcel_econ *parcels;
    bool cutoffs_given;   /* from economics.grades_tax_per_mu_cny, else
                             the zone's percentiles */
    double cutoff_cny[3]; /* tax per mu for A, B, C; NAN when the zone
                             has no industrial parcel with known tax */
    int n_redeveloped;
    double capex_cny, noi_cny_year, tax_cny_year, npv_cny;
    double payback_years; /* capex / cash of the totals; NAN if cash <= 0 */
    /* Zone tax per mu: Σ tax / Σ mu over industrial parcels with a known
     * tax (today), and with the redeveloped parcels' new tax (plan); NAN
     * when there is none. */
    double tax_per_mu_before_cny, tax_per_mu_after_cny;
    /* Industrial parcels by grade (index sl_grade; [0] = not graded),
     * today and after the plan (redeveloped parcels with grade_after, the
     * others with their grade of today). */
    long long grades_before[SL_N_GRADES], grades_after[SL_N_GRADES];
} sl_economics;

/* Compute the economics of zone z under plan (NULL for evaluate: grades
 * only).  The scenario (z->sc) must have an economics section.  Returns
 * SL_OK with *out set, or SL_ERR_NOMEM.  Free with sl_economics_destroy. */
sl_status sl_economics_compute(const sl_zone *z, const sl_plan *plan, sl_economics **out,
                               sl_error *err);
void sl_economics_destroy(sl_economics *e);

/* The grade of a tax per mu under cut-offs {A, B, C}; NONE when v or the
 * cut-offs are NAN. */
sl_grade sl_grade_of(double tax_per_mu_cny, const double cutoff_cny[3]);

#endif
