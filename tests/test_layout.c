/*
 * test_layout.c - sl_plan_check, the independent checker: plans built by
 * hand that break one rule each, and the exact sentence a planner reads.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "plan/tzone.h"

/* A plan giving parcel 0 the factory stack fac[] and office stack off[];
 * heights, GFA, value and totals computed as MODEL §6 says. */
static sl_plan *mk(tz *t, const int *fac, int nf, const int *off, int no)
{
    sl_plan *p = calloc(1, sizeof *p);
    p->n = t->z.n;
    p->pp = calloc((size_t)p->n, sizeof *p->pp);
    p->n_industries = t->sc.n_industries;
    p->gfa_by_industry_m2 = calloc((size_t)p->n_industries, sizeof(double));
    sl_parcel_plan *pp = &p->pp[0];
    const sl_parcel *par = &t->par[0];
    pp->redeveloped = true;
    pp->n_storeys = nf + no;
    pp->storeys = calloc((size_t)(nf + no), sizeof *pp->storeys);
    pp->factory_floors = nf;
    pp->office_floors = no;
    double v = -t->sc.existing_value * par->current_gfa_m2;
    for (int s = 0; s < nf + no; s++) {
        sl_storey *st = &pp->storeys[s];
        st->block = s < nf ? SL_BLOCK_FACTORY : SL_BLOCK_OFFICE;
        st->level = s < nf ? s + 1 : s - nf + 1;
        st->industry = s < nf ? fac[s] : off[s - nf];
        double h = t->ind[st->industry].floor_height_m;
        if (s == 0 && h < t->rules.ground_floor_height_min_m)
            h = t->rules.ground_floor_height_min_m;
        st->height_m = h;
        st->gfa_m2 = s < nf ? par->plan_fp.factory_m2 : par->plan_fp.office_m2;
        *(s < nf ? &pp->factory_height_m : &pp->office_height_m) += h;
        pp->gfa_m2 += st->gfa_m2;
        pp->counted_gfa_m2 += st->gfa_m2 * (h > t->rules.tall_storey_m ? 2 : 1);
        p->gfa_by_industry_m2[st->industry] += st->gfa_m2;
        v += st->gfa_m2 * t->ind[st->industry].priority;
    }
    pp->value_m2eq = v;
    p->objective = v;
    p->bound = v;
    p->status = SL_PLAN_OPTIMAL;
    return p;
}

static void expect(tz *t, sl_plan *p, const char *msg)
{
    sl_error err;
    sl_error_init(&err);
    sl_status st = sl_plan_check(&t->z, p, &err);
    if (!msg) {
        cr_assert_eq(st, SL_OK, "%s", err.n ? err.msgs[0] : "");
    } else {
        cr_assert_eq(st, SL_ERR_INFEASIBLE);
        cr_assert_eq(err.n, 1, "%d messages, first: %s", err.n, err.n ? err.msgs[0] : "");
        cr_assert_str_eq(err.msgs[0], msg);
    }
    sl_error_clear(&err);
    sl_plan_destroy(p);
}

/* Parcel P1: 10000 m², F_f 5300, F_o 700. */
static void base(tz *t)
{
    tz_init(t);
    tz_ind(t, "mfg", SL_KIND_PRODUCTION, 4.5, 1.0);      /* 0 */
    tz_ind(t, "press", SL_KIND_PRODUCTION, 4.5, 1.0);    /* 1: source */
    tz_ind(t, "lab", SL_KIND_RND, 4.2, 1.0);             /* 2: sensitive */
    tz_ind(t, "store", SL_KIND_WAREHOUSE, 5.4, 1.0);     /* 3: 14 kN/m² */
    tz_ind(t, "chem", SL_KIND_PRODUCTION, 4.5, 1.0);     /* 4: fire A */
    tz_ind(t, "hq", SL_KIND_OFFICE, 4.2, 1.0);           /* 5 */
    t->ind[1].vibration = SL_VIB_SOURCE;
    t->ind[2].vibration = SL_VIB_SENSITIVE;
    t->ind[3].floor_load_kN_m2 = 14;
    t->ind[4].fire_class = 'A';
    tz_parcel(t, "P1", 10000, 0, 8000);
}

Test(layout, valid_plan_passes)
{
    tz t;
    base(&t);
    int f[] = {1, 0, 2}, o[] = {2, 2};
    expect(&t, mk(&t, f, 3, o, 2), NULL);
}

Test(layout, vibration_neighbours)
{
    tz t;
    base(&t);
    int f[] = {1, 2, 0};
    expect(&t, mk(&t, f, 3, NULL, 0),
           "parcel P1, factory levels 1 and 2: vibration source next to a sensitive industry "
           "(press, lab) (rule 6)");
}

Test(layout, floor_load)
{
    tz t;
    base(&t);
    int f[] = {0, 0, 3};
    expect(&t, mk(&t, f, 3, NULL, 0),
           "parcel P1, factory level 3: floor load 14 kN/m² of store exceeds floor_load_max_kN_m2 "
           "12 (rule 4)");
}

Test(layout, fire_class_alone)
{
    tz t;
    base(&t);
    int f[] = {4, 0};
    expect(&t, mk(&t, f, 2, NULL, 0),
           "parcel P1, factory level 1: fire class A (chem) needs a single-storey block, this one "
           "has 2 storeys (rule 7)");
}

Test(layout, office_block_kinds)
{
    tz t;
    base(&t);
    int f[] = {0}, o[] = {0};
    expect(&t, mk(&t, f, 1, o, 1),
           "parcel P1, office level 1: mfg is production, but office storeys host only office or "
           "rnd industries (rule 8)");
}

Test(layout, factory_height)
{
    /* 6.0 + 10 × 4.5 = 51 m > 50 m; FAR raised so only height breaks */
    tz t;
    base(&t);
    t.rules.far_max = 10;
    int f[11];
    for (int k = 0; k < 11; k++)
        f[k] = 0;
    expect(&t, mk(&t, f, 11, NULL, 0),
           "parcel P1, factory block: height 51.00 m exceeds factory_height_max_m 50 m (rule 1)");
}

Test(layout, office_share)
{
    /* 1 factory storey (5300) + 2 office storeys of hq (1400): 1400 >
     * 0.15 × 6700 = 1005 */
    tz t;
    base(&t);
    int f[] = {0}, o[] = {5, 5};
    expect(&t, mk(&t, f, 1, o, 2),
           "parcel P1: office GFA 1400.0 m² exceeds office_gfa_share_max 0.15 × GFA 6700.0 m² (rule 9)");
}

Test(layout, demand_and_pin)
{
    tz t;
    base(&t);
    t.ind[0].demand_max_m2 = 5000;
    int f[] = {0};
    expect(&t, mk(&t, f, 1, NULL, 0),
           "industry mfg: 5300.0 m² in the zone, above its demand_m2 max 5000.0 m² (rule 12)");
    tz u;
    base(&u);
    tz_pin(&u, "P1", 3, 10000, 0);
    int g[] = {3};
    expect(&u, mk(&u, g, 1, NULL, 0), "parcel P1: pinned to 10000.0 m² of store, holds 5300.0 m² (rule 13)");
}

Test(layout, kept_pinned_parcel)
{
    tz t;
    base(&t);
    tz_pin(&t, "P1", 0, 1000, 0);
    sl_plan *p = calloc(1, sizeof *p);
    p->n = 1;
    p->pp = calloc(1, sizeof *p->pp);
    p->n_industries = t.sc.n_industries;
    p->gfa_by_industry_m2 = calloc((size_t)p->n_industries, sizeof(double));
    expect(&t, p, "parcel P1: pinned but not redeveloped (rule 13)");
}
