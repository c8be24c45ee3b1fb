/*
 * tzone.h - tiny zones built directly in C for the optimizer tests (no
 * scenario file, no parcel source): one rule set, a few industries,
 * parcels with their footprints computed by the rules engine.
 */
#ifndef SL_TEST_TZONE_H
#define SL_TEST_TZONE_H

#include <math.h>
#include <string.h>

#include "plan/plan.h"

#define TZ_MAX 24

typedef struct tz {
    sl_scenario sc;
    sl_zone z;
    sl_ruleset rules;
    sl_industry ind[TZ_MAX];
    sl_chain_link links[TZ_MAX];
    sl_pin pins[TZ_MAX];
    sl_parcel par[TZ_MAX];
    double shrunk[TZ_MAX];
} tz;

/* After-reform defaults (docs/model.md §4) and the plan defaults, from the
 * scenario parser's own tables (sl_ruleset_init, sl_scenario_init). */
static inline void tz_init(tz *t)
{
    memset(t, 0, sizeof *t);
    sl_ruleset *r = &t->rules;
    sl_ruleset_init(r); /* the after-reform defaults of the rule-key table */
    r->name = (char *)"after";
    sl_scenario *s = &t->sc;
    sl_scenario_init(s); /* candidacy and plan defaults */
    s->name = (char *)"test";
    s->n_rules = 1;
    s->rules = &t->rules;
    s->plan_rules = 0;
    s->industries = t->ind;
    s->links = t->links;
    s->pins = t->pins;
    s->time_limit_s = 30; /* tests' own limit; the default is 60 */
    /* The fixtures keep the version-1 shape the hand-checked plans were
     * worked for: no chain limit, no neighbour chain bonus, and (tz_ind)
     * tenants that may split; a test that wants constraints 14-15 or the
     * bonus sets them. */
    s->chains_per_building_max = 0;
    s->neighbour_chain_bonus_m2 = 0;
    t->z.sc = s;
    t->z.p = t->par;
}

/* A production industry with light, harmless defaults; returns its index. */
static inline int tz_ind(tz *t, const char *id, sl_kind kind, double floor_height_m,
                         double priority)
{
    int i = t->sc.n_industries++;
    sl_industry *d = &t->ind[i];
    sl_industry_init(d); /* the parser's defaults: demand unbounded, ... */
    d->id = (char *)id;
    d->name = (char *)id;
    d->chain = (char *)"chain";
    d->kind = kind;
    d->floor_height_m = floor_height_m;
    d->floor_load_kN_m2 = 5;
    d->lift_t = 1;
    d->vibration = SL_VIB_NONE;
    d->fire_class = 'C';
    d->trips_per_1000m2_day = 0;
    d->priority = priority;
    d->contiguous = false; /* see tz_init */
    return i;
}

static inline void tz_link(tz *t, int from, int to, double weight)
{
    sl_chain_link *l = &t->links[t->sc.n_links++];
    l->from = from;
    l->to = to;
    l->weight = weight;
}

/* Recompute every parcel's footprints (after changing the rules). */
static inline void tz_footprints(tz *t)
{
    for (int k = 0; k < t->z.n; k++)
        sl_footprints_compute(t->par[k].plan_rules, t->par[k].area_m2, t->shrunk[k],
                              &t->par[k].plan_fp);
}

/* A candidate parcel; shrunk_area_m2 is the area inside the setback. */
static inline int tz_parcel(tz *t, const char *id, double area_m2, double current_gfa_m2,
                            double shrunk_area_m2)
{
    int k = t->z.n++;
    t->z.cap = t->z.n;
    sl_parcel *p = &t->par[k];
    p->fid = k;
    p->seq = k;
    p->id = (char *)id;
    p->land_use = (char *)"M1";
    p->status = SL_PARCEL_CANDIDATE;
    p->reason = (char *)"current FAR below 1.0";
    p->area_m2 = area_m2;
    p->current_gfa_m2 = current_gfa_m2;
    p->current_far = current_gfa_m2 / area_m2;
    p->tax_per_mu_cny = NAN;
    p->current_height_m = NAN;
    p->pin = -1;
    p->plan_rules = &t->rules;
    t->shrunk[k] = shrunk_area_m2;
    sl_footprints_compute(p->plan_rules, area_m2, shrunk_area_m2, &p->plan_fp);
    return k;
}

static inline void tz_pin(tz *t, const char *parcel, int industry, double min_gfa_m2, int floors)
{
    int k = t->sc.n_pins++;
    sl_pin *p = &t->pins[k];
    sl_pin_init(p);
    p->parcel = (char *)parcel;
    p->industry = industry;
    p->min_gfa_m2 = min_gfa_m2;
    p->floors = floors;
    for (int i = 0; i < t->z.n; i++)
        if (strcmp(t->par[i].id, parcel) == 0)
            t->par[i].pin = k;
}

#endif
