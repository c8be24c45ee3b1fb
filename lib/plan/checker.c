/*
 * checker.c - the layout checker: re-verifies any plan against every rule
 * of docs/model.md §6, from the plan's storeys alone.  It shares
 * no code with the optimizer on purpose: a bug there shows up here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

/* Relative and absolute slack for comparisons of sums of m² and metres. */
#define CHECK_REL 1e-6
#define CHECK_ABS 1e-6

static bool le(double a, double b)
{
    return a <= b + CHECK_REL * fmax(fabs(a), fabs(b)) + CHECK_ABS;
}

static bool near(double a, double b)
{
    return fabs(a - b) <= CHECK_REL * fmax(fabs(a), fabs(b)) + 1e-4;
}

typedef struct checker {
    const sl_zone *z;
    const sl_scenario *sc;
    sl_error *err;
    int n; /* violations */
} checker;

#define VIOLATION(c, ...)                                       \
    do {                                                        \
        sl_error_add((c)->err, SL_ERR_INFEASIBLE, __VA_ARGS__); \
        (c)->n++;                                               \
    } while (0)

static const char *pid(const sl_parcel *p)
{
    return p->id ? p->id : "(null id)";
}

static const char *block_word(sl_block b)
{
    return b == SL_BLOCK_OFFICE ? "office" : "factory";
}

/* One redeveloped parcel: every per-parcel rule. */
static void check_parcel(checker *c, const sl_parcel *p, const sl_parcel_plan *pp)
{
    const sl_scenario *sc = c->sc;
    const sl_ruleset *r = p->plan_rules;
    if (p->status != SL_PARCEL_CANDIDATE || !r) {
        VIOLATION(c, "parcel %s is redeveloped but is not a candidate (%s)", pid(p), p->reason);
        return;
    }
    const sl_footprints *fp = &p->plan_fp;
    if (!fp->setback_ok) {
        VIOLATION(c, "parcel %s is redeveloped but its setback leaves too little footprint",
                  pid(p));
        return;
    }
    if (!sl_footprints_redevelopable(fp)) {
        VIOLATION(c,
                  "parcel %s is redeveloped but its factory floor plate %.0f m2 is below "
                  "factory_floor_plate_min_m2 %.0f",
                  pid(p), fp->total_m2 - fp->office_m2, r->factory_floor_plate_min_m2);
        return;
    }
    if (p->excluded) {
        VIOLATION(c, "parcel %s is redeveloped but plan.exclude keeps it as it is", pid(p));
        return;
    }
    int nblock[2] = {0, 0};
    double height[2] = {0, 0}, gfa = 0, counted = 0, office_kind_gfa = 0, trips = 0;
    int prev_block = SL_BLOCK_FACTORY;
    for (int s = 0; s < pp->n_storeys; s++) {
        const sl_storey *st = &pp->storeys[s];
        if (st->industry < 0 || st->industry >= sc->n_industries) {
            VIOLATION(c, "parcel %s: storey %d names no industry of the scenario", pid(p), s + 1);
            return;
        }
        if (st->block != SL_BLOCK_FACTORY && st->block != SL_BLOCK_OFFICE) {
            VIOLATION(c, "parcel %s: storey %d is in no block", pid(p), s + 1);
            return;
        }
        const sl_industry *ind = &sc->industries[st->industry];
        const char *bw = block_word(st->block);
        if ((int)st->block < prev_block) {
            VIOLATION(c, "parcel %s: factory storeys must come before office storeys", pid(p));
            return;
        }
        prev_block = st->block;
        int level = ++nblock[st->block];
        if (st->level != level)
            VIOLATION(c, "parcel %s, %s block: storey %d is listed as level %d (no gaps)", pid(p),
                      bw, level, st->level);
        /* Storey height: the industry's; factory level 1 at least the
         * ground-floor minimum. */
        double h = ind->floor_height_m;
        if (st->block == SL_BLOCK_FACTORY && level == 1)
            h = fmax(h, r->ground_floor_height_min_m);
        if (!near(st->height_m, h))
            VIOLATION(c, "parcel %s, %s level %d: height %.2f m, %s needs %.2f m", pid(p), bw,
                      level, st->height_m, ind->id, h);
        double area = st->block == SL_BLOCK_OFFICE ? fp->office_m2 : fp->factory_m2;
        if (!near(st->gfa_m2, area))
            VIOLATION(c,
                      "parcel %s, %s level %d: floor area %.2f m2 is not the block footprint "
                      "%.2f m2",
                      pid(p), bw, level, st->gfa_m2, area);
        height[st->block] += h;
        gfa += area;
        counted += h > r->tall_storey_m ? 2 * area : area;
        if (ind->kind == SL_KIND_OFFICE)
            office_kind_gfa += area;
        /* 4. floor load */
        double load_max = sl_ruleset_load_at(r, level);
        if (!le(ind->floor_load_kN_m2, load_max))
            VIOLATION(c,
                      "parcel %s, %s level %d: %s needs %.1f kN/m2, floor_load_max_kN_m2 "
                      "allows %.1f at level %d",
                      pid(p), bw, level, ind->id, ind->floor_load_kN_m2, load_max, level);
        /* 5. hoisting */
        if (ind->lift_t > r->freight_lift_t && level > r->ramp_floor)
            VIOLATION(c,
                      "parcel %s, %s level %d: %s hoists %.1f t, above freight_lift_t %.1f, "
                      "above ramp_floor %d",
                      pid(p), bw, level, ind->id, ind->lift_t, r->freight_lift_t, r->ramp_floor);
        /* 6. vibration sources low */
        if (ind->vibration == SL_VIB_SOURCE && level > r->vibration_source_max_floor)
            VIOLATION(c,
                      "parcel %s, %s level %d: vibration source %s above "
                      "vibration_source_max_floor %d",
                      pid(p), bw, level, ind->id, r->vibration_source_max_floor);
        /* 8. office block */
        if (st->block == SL_BLOCK_OFFICE && ind->kind != SL_KIND_OFFICE && ind->kind != SL_KIND_RND)
            VIOLATION(c,
                      "parcel %s, office level %d: %s is %s, only office or rnd industries go "
                      "in the office block",
                      pid(p), level, ind->id, sl_kind_name(ind->kind));
        /* 10. freight lifts */
        if (st->block == SL_BLOCK_FACTORY && level > r->ramp_floor)
            trips += ind->trips_per_1000m2_day * area / 1000;
    }
    /* 6. vibration adjacency, 7. fire class: per block */
    for (int s = 0; s < pp->n_storeys; s++) {
        const sl_storey *st = &pp->storeys[s];
        const sl_industry *ind = &sc->industries[st->industry];
        if ((ind->fire_class == 'A' || ind->fire_class == 'B') && nblock[st->block] != 1)
            VIOLATION(c,
                      "parcel %s, %s block: %s is fire class %c and needs a single-storey "
                      "block, the block has %d storeys",
                      pid(p), block_word(st->block), ind->id, ind->fire_class, nblock[st->block]);
        if (s + 1 < pp->n_storeys && pp->storeys[s + 1].block == st->block) {
            const sl_industry *up = &sc->industries[pp->storeys[s + 1].industry];
            if ((ind->vibration == SL_VIB_SOURCE && up->vibration == SL_VIB_SENSITIVE) ||
                (ind->vibration == SL_VIB_SENSITIVE && up->vibration == SL_VIB_SOURCE))
                VIOLATION(c,
                          "parcel %s, %s levels %d-%d: vibration source and sensitive "
                          "industry on adjacent levels (%s, %s)",
                          pid(p), block_word(st->block), st->level, st->level + 1, ind->id, up->id);
        }
    }
    if (nblock[SL_BLOCK_FACTORY] < 1)
        VIOLATION(c, "parcel %s is redeveloped without a factory storey", pid(p));
    /* 1. heights */
    if (!le(height[0], r->factory_height_max_m))
        VIOLATION(c, "parcel %s: factory block %.2f m tall, factory_height_max_m is %.2f", pid(p),
                  height[0], r->factory_height_max_m);
    if (!le(height[1], r->office_height_max_m))
        VIOLATION(c, "parcel %s: office block %.2f m tall, office_height_max_m is %.2f", pid(p),
                  height[1], r->office_height_max_m);
    /* 2. FAR on counted GFA */
    if (!le(counted, r->far_max * p->area_m2))
        VIOLATION(c, "parcel %s: counted GFA %.2f m2 is FAR %.3f, above far_max %.3f", pid(p),
                  counted, counted / p->area_m2, r->far_max);
    if (!le(r->far_min * p->area_m2, counted))
        VIOLATION(c, "parcel %s: counted GFA %.2f m2 is FAR %.3f, below far_min %.3f", pid(p),
                  counted, counted / p->area_m2, r->far_min);
    /* 3. coverage */
    double built = fp->factory_m2 + (nblock[1] > 0 ? fp->office_m2 : 0);
    if (!le(r->coverage_min * p->area_m2, built))
        VIOLATION(c, "parcel %s: built footprint %.2f m2 is coverage %.3f, below coverage_min %.3f",
                  pid(p), built, built / p->area_m2, r->coverage_min);
    /* 9. office share */
    if (!le(office_kind_gfa, r->office_gfa_share_max * gfa))
        VIOLATION(c,
                  "parcel %s: office industries hold %.2f m2, above office_gfa_share_max %.2f "
                  "of %.2f m2",
                  pid(p), office_kind_gfa, r->office_gfa_share_max, gfa);
    /* 10. freight */
    if (!le(trips, r->freight_trips_per_day_max))
        VIOLATION(c,
                  "parcel %s: %.1f lift trips a day above ramp_floor, "
                  "freight_trips_per_day_max is %.1f",
                  pid(p), trips, r->freight_trips_per_day_max);
    /* 11. never lose floor space */
    if (!le(sl_parcel_current_gfa_used(p), gfa))
        VIOLATION(c, "parcel %s: new GFA %.2f m2 is less than the current %.2f m2", pid(p), gfa,
                  sl_parcel_current_gfa_used(p));
    /* 14. one building, one park: chains of the non-shared industries */
    if (sc->chains_per_building_max > 0) {
        const char *chains[64];
        int nch = sl_parcel_plan_chains(sc, pp, chains, 64);
        if (nch > sc->chains_per_building_max)
            VIOLATION(c,
                      "parcel %s: its building holds %d chains (%s, %s%s), "
                      "chains_per_building_max is %d",
                      pid(p), nch, chains[0], chains[1], nch > 2 ? ", ..." : "",
                      sc->chains_per_building_max);
    }
    /* 15. contiguous tenants: one run of levels per block */
    for (int x = 0; x < pp->n_storeys; x++) {
        const sl_storey *st = &pp->storeys[x];
        const sl_industry *ind = &sc->industries[st->industry];
        if (!ind->contiguous)
            continue;
        for (int y = x + 2; y < pp->n_storeys; y++) {
            const sl_storey *o = &pp->storeys[y];
            if (o->block != st->block || o->industry != st->industry)
                continue;
            bool gap = false;
            for (int m = x + 1; m < y && !gap; m++)
                gap = pp->storeys[m].industry != st->industry;
            if (gap) {
                VIOLATION(c,
                          "parcel %s, %s levels %d and %d: %s is a contiguous tenant split by "
                          "other industries",
                          pid(p), block_word(st->block), st->level, o->level, ind->id);
                break;
            }
        }
    }
    /* The plan's own totals must match its storeys. */
    if (pp->factory_floors != nblock[0] || pp->office_floors != nblock[1] ||
        !near(pp->gfa_m2, gfa) || !near(pp->counted_gfa_m2, counted) ||
        !near(pp->factory_height_m, height[0]) || !near(pp->office_height_m, height[1]))
        VIOLATION(c, "parcel %s: the plan's totals (floors, heights, GFA) do not match its storeys",
                  pid(p));
}

/* The parcel's share of the objective, from its storeys. */
static double parcel_value(const checker *c, const sl_parcel *p, const sl_parcel_plan *pp)
{
    const sl_scenario *sc = c->sc;
    double v = -sc->existing_value * sl_parcel_current_gfa_used(p);
    for (int s = 0; s < pp->n_storeys; s++)
        v += pp->storeys[s].gfa_m2 * sc->industries[pp->storeys[s].industry].priority;
    for (int k = 0; k < sc->n_links; k++) {
        const sl_chain_link *l = &sc->links[k];
        bool has_i = false, has_j = false, adjacent = false;
        for (int s = 0; s < pp->n_storeys; s++) {
            int ind = pp->storeys[s].industry;
            has_i |= ind == l->from;
            has_j |= ind == l->to;
            if (s + 1 < pp->n_storeys && pp->storeys[s + 1].block == pp->storeys[s].block) {
                int up = pp->storeys[s + 1].industry;
                adjacent |= (ind == l->from && up == l->to) || (ind == l->to && up == l->from);
            }
        }
        if (has_i && has_j)
            v += l->weight * sc->same_building_bonus_m2;
        if (adjacent)
            v += l->weight * sc->adjacent_floor_bonus_m2;
    }
    return v;
}

/* Parcel i's half share of the neighbour chain bonus: for every
 * neighbour redeveloped too, half the bonus per chain both buildings hold
 * (docs/model.md §6, §9.11). */
static double neighbour_share(const checker *c, const sl_plan *p, int i)
{
    const sl_zone *z = c->z;
    const sl_scenario *sc = c->sc;
    if (!z->nb_start || !(sc->neighbour_chain_bonus_m2 > 0))
        return 0;
    const char *mine[64], *theirs[64];
    int nm = sl_parcel_plan_chains(sc, &p->pp[i], mine, 64);
    if (nm > 64)
        nm = 64;
    double v = 0;
    for (int x = z->nb_start[i]; x < z->nb_start[i + 1]; x++) {
        const sl_parcel_plan *q = &p->pp[z->nb[x]];
        if (!q->redeveloped)
            continue;
        int nt = sl_parcel_plan_chains(sc, q, theirs, 64);
        if (nt > 64)
            nt = 64;
        for (int a = 0; a < nm; a++)
            for (int b = 0; b < nt; b++)
                if (strcmp(mine[a], theirs[b]) == 0)
                    v += 0.5 * sc->neighbour_chain_bonus_m2;
    }
    return v;
}

sl_status sl_plan_check(const sl_zone *z, const sl_plan *p, sl_error *err)
{
    checker c = {z, z->sc, err, 0};
    const sl_scenario *sc = z->sc;
    if (p->n != z->n) {
        VIOLATION(&c, "the plan has %d parcels, the zone %d", p->n, z->n);
        return SL_ERR_INFEASIBLE;
    }
    if (p->status == SL_PLAN_INFEASIBLE || p->status == SL_PLAN_NO_PLAN)
        return SL_OK; /* nothing is planned */
    double *by_ind = calloc((size_t)sc->n_industries + 1, sizeof *by_ind);
    if (!by_ind) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    double objective = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *q = &z->p[i];
        const sl_parcel_plan *pp = &p->pp[i];
        if (!pp->redeveloped) {
            if (pp->n_storeys != 0)
                VIOLATION(&c, "parcel %s is kept but has storeys", pid(q));
            if (q->pin >= 0)
                VIOLATION(&c, "parcel %s is pinned but not redeveloped", pid(q));
            if (pp->value_m2eq != 0)
                VIOLATION(&c, "parcel %s is kept but has a value", pid(q));
            continue;
        }
        check_parcel(&c, q, pp);
        for (int s = 0; s < pp->n_storeys; s++)
            if (pp->storeys[s].industry >= 0 && pp->storeys[s].industry < sc->n_industries)
                by_ind[pp->storeys[s].industry] += pp->storeys[s].gfa_m2;
        double nbv = neighbour_share(&c, p, i);
        if (!near(nbv, pp->neighbour_bonus_m2))
            VIOLATION(&c, "parcel %s: neighbour_bonus_m2 %.2f, its themed neighbours earn %.2f",
                      pid(q), pp->neighbour_bonus_m2, nbv);
        double v = parcel_value(&c, q, pp) + nbv;
        if (!near(v, pp->value_m2eq))
            VIOLATION(&c, "parcel %s: value_m2eq %.2f, its storeys are worth %.2f", pid(q),
                      pp->value_m2eq, v);
        objective += v;
    }
    /* 13. pins */
    for (int k = 0; k < sc->n_pins; k++) {
        const sl_pin *pin = &sc->pins[k];
        int i = sl_zone_find(z, pin->parcel);
        /* zones built in memory (tests, benchmarks) have no id index */
        for (int j = 0; i < 0 && !z->ids && pin->parcel && j < z->n; j++)
            if (z->p[j].id && strcmp(z->p[j].id, pin->parcel) == 0)
                i = j;
        if (i < 0) {
            VIOLATION(&c, "pin on parcel %s: no such parcel", pin->parcel);
            continue;
        }
        const sl_parcel_plan *pp = &p->pp[i];
        if (!pp->redeveloped)
            continue; /* reported above */
        double g = 0;
        for (int s = 0; s < pp->n_storeys; s++)
            if (pp->storeys[s].industry == pin->industry)
                g += pp->storeys[s].gfa_m2;
        if (!le(pin->min_gfa_m2, g))
            VIOLATION(&c, "pin on parcel %s: %.2f m2 of %s, the pin asks at least %.2f m2",
                      pin->parcel, g, sc->industries[pin->industry].id, pin->min_gfa_m2);
        if (pin->floors > 0 && pp->factory_floors != pin->floors)
            VIOLATION(&c, "pin on parcel %s: %d factory storeys, the pin fixes %d", pin->parcel,
                      pp->factory_floors, pin->floors);
    }
    /* 12. demand */
    for (int k = 0; k < sc->n_industries; k++) {
        const sl_industry *ind = &sc->industries[k];
        if (!le(ind->demand_min_m2, by_ind[k]))
            VIOLATION(&c, "industry %s: %.2f m2 planned, demand_m2.min is %.2f", ind->id, by_ind[k],
                      ind->demand_min_m2);
        if (!le(by_ind[k], ind->demand_max_m2))
            VIOLATION(&c, "industry %s: %.2f m2 planned, demand_m2.max is %.2f", ind->id, by_ind[k],
                      ind->demand_max_m2);
        if (p->gfa_by_industry_m2 && k < p->n_industries &&
            !near(p->gfa_by_industry_m2[k], by_ind[k]))
            VIOLATION(&c, "industry %s: gfa_by_industry_m2 says %.2f, the storeys hold %.2f",
                      ind->id, p->gfa_by_industry_m2[k], by_ind[k]);
    }
    free(by_ind);
    if (!near(objective, p->objective))
        VIOLATION(&c, "objective %.2f, the parcels' values add up to %.2f", p->objective,
                  objective);
    if (p->has_bound && !le(p->objective, p->bound))
        VIOLATION(&c, "bound %.2f is below the objective %.2f", p->bound, p->objective);
    return c.n ? SL_ERR_INFEASIBLE : SL_OK;
}
