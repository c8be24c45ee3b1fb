/*
 * layout.c - the independent plan checker: re-verifies every rule of MODEL
 * §6 (and the readings of §9) on a finished plan, from the zone and the
 * scenario alone.  It shares no code with the optimizer on purpose: a
 * mistake in the optimizer's feasibility logic must not be repeated here.
 * One message per violation, naming parcel, block, level and rule.
 */
#include "plan.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CK_TOL_M2(x) (1e-4 + 1e-7 * fabs(x))
#define CK_TOL_M 1e-6

typedef struct ck {
    const sl_zone *z;
    const sl_scenario *sc;
    sl_error *err;
    int bad;
} ck;

#define VIOL(c, ...)                                                    \
    do {                                                                \
        sl_error_add((c)->err, SL_ERR_INFEASIBLE, __VA_ARGS__);         \
        (c)->bad++;                                                     \
    } while (0)

static const char *pid(const sl_parcel *p, char *buf, size_t n)
{
    if (p->id)
        return p->id;
    snprintf(buf, n, "#%lld", p->seq);
    return buf;
}

static double max_load(const sl_ruleset *r, int level)
{
    int n = r->n_floor_loads < 1 ? 1 : r->n_floor_loads > SL_MAX_FLOOR_LOADS ? SL_MAX_FLOOR_LOADS
                                                                             : r->n_floor_loads;
    if (r->n_floor_loads < 1)
        return INFINITY;
    return level <= n ? r->floor_load_max_kN_m2[level - 1] : r->floor_load_max_kN_m2[n - 1];
}

/* Local names: the checker depends on nothing but the data. */
static const char *kind_word(sl_kind k)
{
    static const char *w[] = {"production", "rnd", "office", "warehouse"};
    return (unsigned)k < 4 ? w[k] : "?";
}

static const char *status_word(sl_parcel_status s)
{
    static const char *w[] = {"candidate", "not_candidate", "rejected"};
    return (unsigned)s < 3 ? w[s] : "?";
}

static bool fire_single(char fc)
{
    return fc == 'A' || fc == 'B' || fc == 'a' || fc == 'b';
}

/* Value of one parcel's plan (its share of the objective). */
static double parcel_value(const sl_scenario *sc, const sl_parcel *par, const sl_parcel_plan *pp)
{
    double v = -sc->existing_value * (par->current_gfa_m2 > 0 ? par->current_gfa_m2 : 0);
    for (int s = 0; s < pp->n_storeys; s++) {
        int i = pp->storeys[s].industry;
        if (i >= 0 && i < sc->n_industries)
            v += pp->storeys[s].gfa_m2 * sc->industries[i].priority;
    }
    for (int l = 0; l < sc->n_links; l++) {
        const sl_chain_link *k = &sc->links[l];
        bool has_from = false, has_to = false, adjacent = false;
        for (int s = 0; s < pp->n_storeys; s++) {
            has_from |= pp->storeys[s].industry == k->from;
            has_to |= pp->storeys[s].industry == k->to;
        }
        for (int s = 0; s + 1 < pp->n_storeys; s++) {
            const sl_storey *a = &pp->storeys[s], *b = &pp->storeys[s + 1];
            if (a->block != b->block || b->level != a->level + 1)
                continue;
            if ((a->industry == k->from && b->industry == k->to) ||
                (a->industry == k->to && b->industry == k->from))
                adjacent = true;
        }
        if (has_from && has_to)
            v += k->weight * sc->same_building_bonus_m2;
        if (adjacent)
            v += k->weight * sc->adjacent_floor_bonus_m2;
    }
    return v;
}

static void check_parcel(ck *c, int pi, const sl_parcel_plan *pp, double *gfa_ind)
{
    const sl_scenario *sc = c->sc;
    const sl_parcel *par = &c->z->p[pi];
    char buf[32];
    const char *id = pid(par, buf, sizeof buf);
    if (!pp->redeveloped) {
        if (pp->n_storeys != 0 || pp->gfa_m2 != 0 || pp->value_m2eq != 0)
            VIOL(c, "parcel %s: kept as is but the plan gives it storeys, GFA or value", id);
        return;
    }
    if (par->status != SL_PARCEL_CANDIDATE || !par->plan_rules) {
        VIOL(c, "parcel %s: redeveloped although it is not a candidate (%s)", id,
             status_word(par->status));
        return;
    }
    const sl_ruleset *r = par->plan_rules;
    const sl_footprints *fp = &par->plan_fp;
    double A = par->area_m2;
    if (!fp->setback_ok)
        VIOL(c, "parcel %s: redeveloped although its footprint inside the setback is below coverage_min (setback)", id);
    /* the stack's shape: factory levels 1..nf, then office levels 1..no */
    int nf = 0, no = 0;
    bool order_ok = true;
    for (int s = 0; s < pp->n_storeys; s++) {
        const sl_storey *st = &pp->storeys[s];
        if (st->block == SL_BLOCK_FACTORY) {
            if (no > 0 || st->level != nf + 1)
                order_ok = false;
            nf++;
        } else if (st->block == SL_BLOCK_OFFICE) {
            if (st->level != no + 1)
                order_ok = false;
            no++;
        } else {
            order_ok = false;
        }
    }
    if (!order_ok)
        VIOL(c, "parcel %s: storeys are not listed as the factory block from level 1 up, then the office block from level 1 up without gaps", id);
    if (nf != pp->factory_floors || no != pp->office_floors)
        VIOL(c, "parcel %s: factory_floors %d / office_floors %d do not match its %d factory and %d office storeys",
             id, pp->factory_floors, pp->office_floors, nf, no);
    if (nf < 1)
        VIOL(c, "parcel %s: redeveloped without a factory storey (a redeveloped parcel has at least one)", id);
    if (no > 0 && !(fp->office_m2 > 0))
        VIOL(c, "parcel %s: office storeys although the parcel has no office footprint", id);

    double hf = 0, ho = 0, gfa = 0, counted = 0, office_gfa = 0, trips = 0;
    for (int s = 0; s < pp->n_storeys; s++) {
        const sl_storey *st = &pp->storeys[s];
        const char *blk = st->block == SL_BLOCK_OFFICE ? "office" : "factory";
        int k = st->level;
        int i = st->industry;
        if (i < 0 || i >= sc->n_industries) {
            VIOL(c, "parcel %s, %s level %d: no such industry (index %d)", id, blk, k, i);
            continue;
        }
        const sl_industry *d = &sc->industries[i];
        double F = st->block == SL_BLOCK_OFFICE ? fp->office_m2 : fp->factory_m2;
        double h = d->floor_height_m;
        if (st->block == SL_BLOCK_FACTORY && k == 1 && r->ground_floor_height_min_m > h)
            h = r->ground_floor_height_min_m;
        if (fabs(st->height_m - h) > CK_TOL_M)
            VIOL(c, "parcel %s, %s level %d: storey height %.2f m, but %s needs %.2f m", id, blk, k,
                 st->height_m, d->id, h);
        if (fabs(st->gfa_m2 - F) > CK_TOL_M2(F))
            VIOL(c, "parcel %s, %s level %d: storey GFA %.2f m² differs from the block footprint %.2f m²",
                 id, blk, k, st->gfa_m2, F);
        if (st->block == SL_BLOCK_OFFICE)
            ho += h;
        else
            hf += h;
        gfa += F;
        counted += h > r->tall_storey_m + 1e-9 ? 2 * F : F;
        gfa_ind[i] += F;
        if (d->kind == SL_KIND_OFFICE)
            office_gfa += F;
        if (st->block == SL_BLOCK_FACTORY && k > r->ramp_floor)
            trips += d->trips_per_1000m2_day * F / 1000;
        /* rule 4 */
        if (d->floor_load_kN_m2 > max_load(r, k) + 1e-9)
            VIOL(c, "parcel %s, %s level %d: floor load %g kN/m² of %s exceeds floor_load_max_kN_m2 %g (rule 4)",
                 id, blk, k, d->floor_load_kN_m2, d->id, max_load(r, k));
        /* rule 5 */
        if (d->lift_t > r->freight_lift_t + 1e-9 && k > r->ramp_floor)
            VIOL(c, "parcel %s, %s level %d: %s hoists %g t, above freight_lift_t %g t, above ramp_floor %d (rule 5)",
                 id, blk, k, d->id, d->lift_t, r->freight_lift_t, r->ramp_floor);
        /* rule 6 */
        if (d->vibration == SL_VIB_SOURCE && k > r->vibration_source_max_floor)
            VIOL(c, "parcel %s, %s level %d: vibration source %s above vibration_source_max_floor %d (rule 6)",
                 id, blk, k, d->id, r->vibration_source_max_floor);
        if (s + 1 < pp->n_storeys) {
            const sl_storey *up = &pp->storeys[s + 1];
            if (up->block == st->block && up->level == k + 1 && up->industry >= 0 &&
                up->industry < sc->n_industries) {
                sl_vibration a = d->vibration, b = sc->industries[up->industry].vibration;
                if ((a == SL_VIB_SOURCE && b == SL_VIB_SENSITIVE) ||
                    (a == SL_VIB_SENSITIVE && b == SL_VIB_SOURCE))
                    VIOL(c, "parcel %s, %s levels %d and %d: vibration source next to a sensitive industry (%s, %s) (rule 6)",
                         id, blk, k, k + 1, d->id, sc->industries[up->industry].id);
            }
        }
        /* rule 7 */
        if (fire_single(d->fire_class) && (st->block == SL_BLOCK_OFFICE ? no : nf) != 1)
            VIOL(c, "parcel %s, %s level %d: fire class %c (%s) needs a single-storey block, this one has %d storeys (rule 7)",
                 id, blk, k, d->fire_class, d->id, st->block == SL_BLOCK_OFFICE ? no : nf);
        /* rule 8 */
        if (st->block == SL_BLOCK_OFFICE && d->kind != SL_KIND_OFFICE && d->kind != SL_KIND_RND)
            VIOL(c, "parcel %s, office level %d: %s is %s, but office storeys host only office or rnd industries (rule 8)",
                 id, k, d->id, kind_word(d->kind));
    }
    /* rule 1 */
    if (hf > r->factory_height_max_m + CK_TOL_M)
        VIOL(c, "parcel %s, factory block: height %.2f m exceeds factory_height_max_m %g m (rule 1)", id, hf,
             r->factory_height_max_m);
    if (ho > r->office_height_max_m + CK_TOL_M)
        VIOL(c, "parcel %s, office block: height %.2f m exceeds office_height_max_m %g m (rule 1)", id, ho,
             r->office_height_max_m);
    if (fabs(pp->factory_height_m - hf) > CK_TOL_M || fabs(pp->office_height_m - ho) > CK_TOL_M)
        VIOL(c, "parcel %s: block heights %.2f / %.2f m differ from the storeys' %.2f / %.2f m", id,
             pp->factory_height_m, pp->office_height_m, hf, ho);
    /* rule 2 */
    if (counted > r->far_max * A + CK_TOL_M2(A))
        VIOL(c, "parcel %s: counted GFA %.1f m² exceeds far_max %g × area %.1f m² = %.1f m² (rule 2)", id,
             counted, r->far_max, A, r->far_max * A);
    if (counted < r->far_min * A - CK_TOL_M2(A))
        VIOL(c, "parcel %s: counted GFA %.1f m² is below far_min %g × area %.1f m² = %.1f m² (rule 2)", id,
             counted, r->far_min, A, r->far_min * A);
    if (fabs(pp->counted_gfa_m2 - counted) > CK_TOL_M2(counted) ||
        fabs(pp->gfa_m2 - gfa) > CK_TOL_M2(gfa))
        VIOL(c, "parcel %s: reported GFA %.1f / counted %.1f m² differ from the storeys' %.1f / %.1f m²", id,
             pp->gfa_m2, pp->counted_gfa_m2, gfa, counted);
    /* rule 3 */
    double cover = fp->factory_m2 + (no > 0 ? fp->office_m2 : 0);
    if (cover < r->coverage_min * A - CK_TOL_M2(A))
        VIOL(c, "parcel %s: built footprint %.1f m² is below coverage_min %g × area = %.1f m² (rule 3)", id,
             cover, r->coverage_min, r->coverage_min * A);
    /* rule 9 */
    if (office_gfa > r->office_gfa_share_max * gfa + CK_TOL_M2(gfa))
        VIOL(c, "parcel %s: office GFA %.1f m² exceeds office_gfa_share_max %g × GFA %.1f m² (rule 9)", id,
             office_gfa, r->office_gfa_share_max, gfa);
    /* rule 10 */
    if (trips > r->freight_trips_per_day_max + 1e-6)
        VIOL(c, "parcel %s, factory block: %.1f freight trips per day above ramp_floor %d exceed freight_trips_per_day_max %g (rule 10)",
             id, trips, r->ramp_floor, r->freight_trips_per_day_max);
    /* rule 11 */
    if (gfa < par->current_gfa_m2 - CK_TOL_M2(par->current_gfa_m2))
        VIOL(c, "parcel %s: new GFA %.1f m² is below its current GFA %.1f m² (rule 11)", id, gfa,
             par->current_gfa_m2);
    /* objective share */
    double v = parcel_value(sc, par, pp);
    if (fabs(v - pp->value_m2eq) > 1e-6 * fmax(1, fabs(v)))
        VIOL(c, "parcel %s: value_m2eq %.3f differs from the %.3f its storeys and links give", id,
             pp->value_m2eq, v);
}

sl_status sl_plan_check(const sl_zone *z, const sl_plan *p, sl_error *err)
{
    ck c = {z, z ? z->sc : NULL, err, 0};
    if (!z || !z->sc || !p) {
        sl_error_add(err, SL_ERR_USAGE, "sl_plan_check: zone, scenario and plan are required");
        return SL_ERR_USAGE;
    }
    const sl_scenario *sc = z->sc;
    if (p->n != z->n) {
        VIOL(&c, "the plan has %d parcel entries but the zone has %d parcels", p->n, z->n);
        return SL_ERR_INFEASIBLE;
    }
    if (p->status == SL_PLAN_INFEASIBLE) {
        if (p->n_conflicts < 1)
            VIOL(&c, "an infeasible plan must say which rules conflict");
        for (int i = 0; i < p->n; i++)
            if (p->pp[i].redeveloped)
                VIOL(&c, "parcel %s: an infeasible plan redevelops nothing", z->p[i].id ? z->p[i].id : "?");
        return c.bad ? SL_ERR_INFEASIBLE : SL_OK;
    }
    double *gfa_ind = calloc((size_t)sc->n_industries + 1, sizeof *gfa_ind);
    if (!gfa_ind) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    double obj = 0;
    for (int i = 0; i < p->n; i++) {
        check_parcel(&c, i, &p->pp[i], gfa_ind);
        obj += p->pp[i].value_m2eq;
    }
    /* rule 12 */
    for (int i = 0; i < sc->n_industries; i++) {
        const sl_industry *d = &sc->industries[i];
        if (gfa_ind[i] < d->demand_min_m2 - CK_TOL_M2(d->demand_min_m2))
            VIOL(&c, "industry %s: %.1f m² in the zone, below its demand_m2 min %.1f m² (rule 12)", d->id,
                 gfa_ind[i], d->demand_min_m2);
        if (gfa_ind[i] > d->demand_max_m2 + CK_TOL_M2(d->demand_max_m2))
            VIOL(&c, "industry %s: %.1f m² in the zone, above its demand_m2 max %.1f m² (rule 12)", d->id,
                 gfa_ind[i], d->demand_max_m2);
        if (p->gfa_by_industry_m2 && p->n_industries == sc->n_industries &&
            fabs(p->gfa_by_industry_m2[i] - gfa_ind[i]) > CK_TOL_M2(gfa_ind[i]))
            VIOL(&c, "industry %s: gfa_by_industry_m2 says %.1f m², the storeys give %.1f m²", d->id,
                 p->gfa_by_industry_m2[i], gfa_ind[i]);
    }
    /* rule 13 */
    for (int k = 0; k < sc->n_pins; k++) {
        const sl_pin *pin = &sc->pins[k];
        int pi = -1;
        for (int i = 0; i < z->n && pi < 0; i++)
            if (z->p[i].id && pin->parcel && strcmp(z->p[i].id, pin->parcel) == 0)
                pi = i;
        if (pi < 0) {
            VIOL(&c, "pin on parcel %s: no such parcel (rule 13)", pin->parcel ? pin->parcel : "?");
            continue;
        }
        const sl_parcel_plan *pp = &p->pp[pi];
        if (!pp->redeveloped) {
            VIOL(&c, "parcel %s: pinned but not redeveloped (rule 13)", pin->parcel);
            continue;
        }
        double g = 0;
        for (int s = 0; s < pp->n_storeys; s++)
            if (pp->storeys[s].industry == pin->industry)
                g += pp->storeys[s].gfa_m2;
        if (g < pin->min_gfa_m2 - CK_TOL_M2(pin->min_gfa_m2))
            VIOL(&c, "parcel %s: pinned to %.1f m² of %s, holds %.1f m² (rule 13)", pin->parcel,
                 pin->min_gfa_m2,
                 pin->industry >= 0 && pin->industry < sc->n_industries ? sc->industries[pin->industry].id : "?",
                 g);
        if (pin->floors > 0 && pp->factory_floors != pin->floors)
            VIOL(&c, "parcel %s: pinned to %d factory storeys, has %d (rule 13)", pin->parcel, pin->floors,
                 pp->factory_floors);
    }
    if (fabs(obj - p->objective) > 1e-6 * fmax(1, fabs(obj)))
        VIOL(&c, "objective %.3f differs from the sum of the parcels' value_m2eq %.3f", p->objective, obj);
    if (p->bound < p->objective - 1e-6 * fmax(1, fabs(p->objective)))
        VIOL(&c, "bound %.3f is below the objective %.3f", p->bound, p->objective);
    double gap = (p->bound - p->objective) / fmax(fabs(p->objective), 1);
    if (fabs(gap - p->gap) > 1e-9)
        VIOL(&c, "gap %.9f differs from (bound - objective) / max(|objective|, 1) = %.9f", p->gap, gap);
    free(gfa_ind);
    return c.bad ? SL_ERR_INFEASIBLE : SL_OK;
}
