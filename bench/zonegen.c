/* zonegen.c - deterministic synthetic zones (see zonegen.h). */
#include "zonegen.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rnd_next(unsigned long long *s)
{
    unsigned long long x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

static double rnd_u(unsigned long long *s)
{
    return (rnd_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

void zg_rules_default(sl_ruleset *r)
{
    memset(r, 0, sizeof *r);
    sl_ruleset_init(r); /* the after-reform defaults of the rule-key table */
}

/* ------------------------------------------------------------------ */
/* Version 2 (zg_params.v2, see zonegen.h)                             */

/* How much GFA of industry d the parcel could hold with d alone on every
 * storey it may take (rules 1, 2, 4-10 of docs/model.md §6, with the
 * storeys from level 1 up): the yardstick of the demand ranges. */
static double alone_capacity(const sl_parcel *q, const sl_industry *d)
{
    const sl_ruleset *r = q->plan_rules;
    const sl_footprints *fp = &q->plan_fp;
    if (!sl_footprints_redevelopable(fp) || !(fp->factory_m2 > 0))
        return 0;
    double far_left = r->far_max * q->area_m2, h = 0, trips = 0, gfa = 0;
    int n = 0;
    for (int level = 1; level <= 120; level++) {
        double sh =
            level == 1 ? fmax(d->floor_height_m, r->ground_floor_height_min_m) : d->floor_height_m;
        double counted = fp->factory_m2 * (sh > r->tall_storey_m ? 2 : 1);
        double t = level > r->ramp_floor ? d->trips_per_1000m2_day * fp->factory_m2 / 1000 : 0;
        if (h + sh > r->factory_height_max_m || counted > far_left ||
            d->floor_load_kN_m2 > sl_ruleset_load_at(r, level) ||
            (d->lift_t > r->freight_lift_t && level > r->ramp_floor) ||
            (d->vibration == SL_VIB_SOURCE && level > r->vibration_source_max_floor) ||
            ((d->fire_class == 'A' || d->fire_class == 'B') && level > 1) ||
            trips + t > r->freight_trips_per_day_max)
            break;
        h += sh, far_left -= counted, trips += t, gfa += fp->factory_m2, n++;
    }
    if (n == 0)
        return 0;
    if ((d->kind == SL_KIND_OFFICE || d->kind == SL_KIND_RND) && fp->office_m2 > 0 &&
        !(d->fire_class == 'A' || d->fire_class == 'B')) {
        h = 0;
        for (int level = 1; level <= 120; level++) {
            double counted = fp->office_m2 * (d->floor_height_m > r->tall_storey_m ? 2 : 1);
            if (h + d->floor_height_m > r->office_height_max_m || counted > far_left ||
                d->floor_load_kN_m2 > sl_ruleset_load_at(r, level))
                break;
            h += d->floor_height_m, far_left -= counted, gfa += fp->office_m2;
        }
    }
    if (d->kind == SL_KIND_OFFICE) /* rule 9: the rest of the building is someone else's */
        gfa = fmin(gfa, r->office_gfa_share_max * r->far_max * q->area_m2);
    return gfa;
}

/* Turn industry i into a shared service (docs/model.md §5 `shared`). */
static bool make_shared(sl_industry *d, bool canteen)
{
    free(d->id);
    free(d->name);
    free(d->chain);
    d->id = strdup(canteen ? "canteen" : "shared-office");
    d->name = strdup(canteen ? "canteen" : "shared-office");
    d->chain = strdup("services");
    d->shared = true;
    d->kind = canteen ? SL_KIND_PRODUCTION : SL_KIND_OFFICE;
    d->floor_height_m = canteen ? 4.5 : 4.2;
    d->floor_load_kN_m2 = canteen ? 5 : 3;
    d->lift_t = 0.5;
    d->vibration = SL_VIB_NONE;
    d->fire_class = 'C';
    d->trips_per_1000m2_day = canteen ? 3 : 0.5;
    d->priority = canteen ? 0.9 : 0.8;
    return d->id && d->name && d->chain;
}

static bool reshape_v2(zg_zone *g, const zg_params *p)
{
    sl_scenario *sc = &g->sc;
    sl_zone *z = &g->z;
    int ni = sc->n_industries, nch = p->chains > 0 ? p->chains : 1;
    unsigned long long s = p->seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    sc->chains_per_building_max = 1;
    sc->neighbour_chain_bonus_m2 = 3000;
    sc->neighbour_distance_m = 30;

    /* Industries: contiguous tenants; the last one (two for odd seeds, when
     * each chain keeps two members) become shared services, and their
     * chain links go. */
    for (int i = 0; i < ni; i++)
        sc->industries[i].contiguous = true;
    int nshared = ni >= 2 * nch + 2 && (p->seed & 1) ? 2 : ni >= nch + 2 ? 1 : 0;
    for (int k = 0; k < nshared; k++)
        if (!make_shared(&sc->industries[ni - 1 - k], k == 1))
            return false;
    int nl = 0;
    for (int l = 0; l < sc->n_links; l++)
        if (!sc->industries[sc->links[l].from].shared && !sc->industries[sc->links[l].to].shared)
            sc->links[nl++] = sc->links[l];
    sc->n_links = nl;

    /* Pins: 1 % of candidates (at least one), spread over the zone, each a
     * multi-storey production industry of the chains in turn, at least 1.5
     * factory footprints of it. */
    for (int i = 0; i < sc->n_pins; i++)
        free(sc->pins[i].parcel);
    sc->n_pins = 0;
    int ncand = 0;
    for (int k = 0; k < z->n; k++) {
        z->p[k].pin = -1;
        ncand += z->p[k].status == SL_PARCEL_CANDIDATE;
    }
    int npins = (int)(0.01 * ncand + 0.5);
    if (npins < 1 && ncand > 0)
        npins = 1;
    sl_pin *pins = realloc(sc->pins, sizeof *pins * ((size_t)npins + 1));
    if (!pins)
        return false;
    sc->pins = pins;
    int stride = z->n / (npins + 1) > 0 ? z->n / (npins + 1) : 1;
    for (int placed = 0, k = (int)(rnd_next(&s) % (unsigned)stride), tries = 0;
         placed < npins && tries < z->n; k = (k + 1) % z->n, tries++) {
        sl_parcel *q = &z->p[k];
        if (q->status != SL_PARCEL_CANDIDATE || q->pin >= 0 ||
            !sl_footprints_redevelopable(&q->plan_fp) || !(q->plan_fp.factory_m2 > 0))
            continue;
        const sl_ruleset *r = q->plan_rules;
        int ind = -1;
        for (int j = 0; j < ni && ind < 0; j++) {
            int i = (placed % nch + j * nch + (placed / nch) * nch) % ni;
            const sl_industry *d = &sc->industries[i];
            if (!d->shared && d->kind == SL_KIND_PRODUCTION && d->fire_class >= 'C' &&
                d->vibration != SL_VIB_SOURCE && d->lift_t <= r->freight_lift_t &&
                d->floor_load_kN_m2 <= sl_ruleset_load_at(r, 2) &&
                alone_capacity(q, d) >= 2 * q->plan_fp.factory_m2)
                ind = i;
        }
        if (ind < 0)
            continue;
        sl_pin *pin = &sc->pins[placed];
        memset(pin, 0, sizeof *pin);
        pin->parcel = strdup(q->id);
        if (!pin->parcel)
            return false;
        pin->industry = ind;
        pin->min_gfa_m2 = floor(q->plan_fp.factory_m2 * 1.5);
        q->pin = placed;
        sc->n_pins = ++placed;
        k += stride - 1;
    }

    /* Demand: every industry's maximum 40-60 % of what the candidates
     * could hold of it alone (never below its pins' minimums); a minimum of
     * a quarter of the maximum on every third chain industry. */
    for (int i = 0; i < ni; i++) {
        sl_industry *d = &sc->industries[i];
        double cap = 0, pinned = 0;
        for (int k = 0; k < z->n; k++)
            if (z->p[k].status == SL_PARCEL_CANDIDATE)
                cap += alone_capacity(&z->p[k], d);
        for (int j = 0; j < sc->n_pins; j++)
            if (sc->pins[j].industry == i)
                pinned += sc->pins[j].min_gfa_m2;
        double mx = round(cap * (0.4 + 0.2 * rnd_u(&s)) / 100) * 100;
        d->demand_max_m2 = fmax(mx, ceil(pinned * 1.2 / 100) * 100);
        d->demand_min_m2 = !d->shared && i % 3 == 1 ? round(mx * 0.25 / 100) * 100 : 0;
    }

    /* Neighbours: the parcels in rows of w along streets 24 m wide, so a
     * candidate's neighbours are the candidates beside it and across the
     * street (docs/model.md §9.15). */
    int w = (int)ceil(sqrt((double)z->n));
    z->nb_distance_m = sc->neighbour_distance_m;
    int *deg = calloc((size_t)z->n + 1, sizeof *deg);
    z->nb_start = calloc((size_t)z->n + 2, sizeof *z->nb_start);
    z->nb = malloc(sizeof *z->nb * (4 * (size_t)z->n + 1));
    if (!deg || !z->nb_start || !z->nb) {
        free(deg);
        return false;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < z->n; k++) {
            if (z->p[k].status != SL_PARCEL_CANDIDATE)
                continue;
            /* ascending: across the street behind, beside, across in front */
            int nbs[4] = {k - w, k % w > 0 ? k - 1 : -1, k % w < w - 1 ? k + 1 : -1, k + w};
            for (int e = 0; e < 4; e++) {
                int q = nbs[e];
                if (q < 0 || q >= z->n || z->p[q].status != SL_PARCEL_CANDIDATE)
                    continue;
                if (pass == 0)
                    z->nb_start[k + 1]++;
                else
                    z->nb[z->nb_start[k] + deg[k]++] = q;
            }
        }
        if (pass == 0)
            for (int k = 0; k < z->n; k++)
                z->nb_start[k + 1] += z->nb_start[k];
    }
    free(deg);
    return true;
}

zg_zone *zg_make(const zg_params *p)
{
    zg_zone *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    unsigned long long s = p->seed * 2654435761ull + 88172645463325252ull;
    sl_scenario *sc = &g->sc;
    sl_scenario_init(sc); /* the parser's candidacy and plan defaults */
    sc->name = strdup("bench");
    sc->n_rules = 1;
    sc->rules = calloc(1, sizeof *sc->rules);
    zg_rules_default(&sc->rules[0]);
    sc->rules[0].name = strdup("after");
    sc->plan_rules = 0;
    /* The zones of the benchmark series keep their version-1 shape: no
     * chain limit per building, no neighbour chain bonus, tenants may split
     * (contiguous is set below). */
    sc->chains_per_building_max = 0;
    sc->neighbour_chain_bonus_m2 = 0;

    /* Industries: chains of production / rnd / office / warehouse with the
     * spread of heights, loads, lifts and trips of real catalogues. */
    int ni = sc->n_industries = p->industries;
    sc->industries = calloc((size_t)ni, sizeof *sc->industries);
    static const double fh[] = {4.5, 5.4, 6.0, 4.2, 4.8, 5.1, 9.0};
    static const double load[] = {8, 12, 15, 6, 10, 20, 25};
    static const double lift[] = {1, 2, 3, 0.5, 2, 5, 1};
    static const double trips[] = {6, 10, 4, 2, 8, 14, 20};
    int nch = p->chains > 0 ? p->chains : 1;
    for (int i = 0; i < ni; i++) {
        sl_industry *d = &sc->industries[i];
        sl_industry_init(d);
        int c = i % nch, k = i / nch;
        d->id = dupf("c%d-i%d", c, k);
        d->name = strdup(d->id);
        d->chain = dupf("chain%d", c);
        int kindsel = k % 5;
        d->kind = kindsel == 1   ? SL_KIND_RND
                  : kindsel == 3 ? SL_KIND_OFFICE
                  : kindsel == 4 ? SL_KIND_WAREHOUSE
                                 : SL_KIND_PRODUCTION;
        int v = (int)(rnd_next(&s) % 7);
        d->floor_height_m = d->kind == SL_KIND_OFFICE ? 4.2 : d->kind == SL_KIND_RND ? 4.5 : fh[v];
        d->floor_load_kN_m2 = d->kind == SL_KIND_OFFICE ? 3 : d->kind == SL_KIND_RND ? 5 : load[v];
        d->lift_t = d->kind == SL_KIND_OFFICE ? 0.5 : lift[v];
        d->vibration = (d->kind == SL_KIND_PRODUCTION && load[v] >= 20) ? SL_VIB_SOURCE
                       : (d->kind == SL_KIND_RND && (i % 3) == 0)       ? SL_VIB_SENSITIVE
                                                                        : SL_VIB_NONE;
        d->fire_class = (i % 11 == 7) ? 'B' : (d->kind == SL_KIND_WAREHOUSE ? 'D' : 'C');
        d->trips_per_1000m2_day = d->kind == SL_KIND_OFFICE ? 0.5
                                  : d->kind == SL_KIND_RND  ? 1
                                                            : trips[v];
        d->priority = 1.0 + 0.05 * (double)(rnd_next(&s) % 10);
        d->contiguous = false; /* see chains_per_building_max above */
    }
    /* Chain links along each chain. */
    int nl = 0;
    sc->links = calloc((size_t)ni + 1, sizeof *sc->links);
    for (int i = 0; i + nch < ni; i++) {
        sc->links[nl].from = i;
        sc->links[nl].to = i + nch;
        sc->links[nl].weight = 1.0;
        nl++;
    }
    sc->n_links = nl;

    /* Parcels. */
    sl_zone *z = &g->z;
    z->sc = sc;
    z->n = z->cap = p->parcels;
    z->p = calloc((size_t)z->n + 1, sizeof *z->p);
    double total_area = 0;
    for (int k = 0; k < z->n; k++) {
        sl_parcel *q = &z->p[k];
        q->fid = k;
        q->seq = k;
        q->id = dupf("P%04d", k);
        q->land_use = strdup("M1");
        /* log-uniform 3000..60000 m², rounded to 10 m² */
        double a = 3000 * exp(rnd_u(&s) * log(20.0));
        a = round(a / 10) * 10;
        q->area_m2 = a;
        double far = 0.2 + 0.9 * rnd_u(&s);
        q->current_gfa_m2 = round(far * a);
        q->current_far = q->current_gfa_m2 / a;
        q->tax_per_mu_cny = NAN;
        q->current_height_m = NAN;
        q->pin = -1;
        bool cand = q->current_far < 1.0;
        q->status = cand ? SL_PARCEL_CANDIDATE : SL_PARCEL_NOT_CANDIDATE;
        q->reason = strdup(cand ? "candidate: current FAR below 1"
                                : "not a candidate: current FAR at or above 1");
        q->plan_rules = &sc->rules[0];
        /* a rectangle 1:1.6 shrunk by the setback */
        double w = sqrt(a / 1.6), l = 1.6 * w;
        double shr = (w - 10) * (l - 10);
        sl_footprints_compute(q->plan_rules, a, shr > 0 ? shr : 0, &q->plan_fp);
        if (cand)
            total_area += a;
    }
    /* Pins on a few candidates. */
    int npins = (int)(p->pin_share * z->n + 0.5);
    sc->pins = calloc((size_t)npins + 1, sizeof *sc->pins);
    for (int k = 0, placed = 0; k < z->n && placed < npins; k += 37) {
        sl_parcel *q = &z->p[k];
        if (q->status != SL_PARCEL_CANDIDATE || !sl_footprints_redevelopable(&q->plan_fp))
            continue;
        sl_pin *pin = &sc->pins[placed];
        sl_pin_init(pin);
        pin->parcel = strdup(q->id);
        /* a production industry of chain placed % nch */
        int ind = (placed * 5) % ni;
        if (sc->industries[ind].kind == SL_KIND_OFFICE)
            ind = (ind + nch) % ni;
        pin->industry = ind;
        pin->min_gfa_m2 = floor(q->plan_fp.factory_m2 * 1.5);
        pin->floors = 0;
        q->pin = placed;
        placed++;
        sc->n_pins = placed;
    }
    /* Demand ranges that bind: the zone could hold about 2 × total area of
     * new GFA; cap the favourite industries, ask a minimum of others. */
    if (p->demand) {
        double share = 2.0 * total_area / ni;
        for (int i = 0; i < ni; i++) {
            sl_industry *d = &sc->industries[i];
            if (d->priority >= 1.25)
                d->demand_max_m2 = round(share * 0.6 / 100) * 100;
            else if (i % 4 == 2)
                d->demand_min_m2 = round(share * 0.3 / 100) * 100;
        }
    }
    if (p->v2 && !reshape_v2(g, p)) {
        zg_free(g);
        return NULL;
    }
    return g;
}

void zg_free(zg_zone *g)
{
    if (!g)
        return;
    sl_scenario *sc = &g->sc;
    for (int i = 0; i < sc->n_industries; i++) {
        free(sc->industries[i].id);
        free(sc->industries[i].name);
        free(sc->industries[i].chain);
    }
    free(sc->industries);
    free(sc->links);
    for (int i = 0; i < sc->n_pins; i++)
        free(sc->pins[i].parcel);
    free(sc->pins);
    free(sc->rules[0].name);
    free(sc->rules);
    free(sc->name);
    for (int k = 0; k < g->z.n; k++) {
        free(g->z.p[k].id);
        free(g->z.p[k].land_use);
        free(g->z.p[k].reason);
    }
    free(g->z.p);
    free(g->z.nb_start);
    free(g->z.nb);
    free(g);
}
