/* brute.c - see brute.h.  Plain enumeration, no cleverness: every rule,
 * 14 (chains per building, shared industries) and 15 (contiguous
 * industries) included, is checked on the complete stack; the neighbour
 * chain bonus is added to each complete combination of stacks. */
#include "brute.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BF_MAXL 24

typedef struct bf {
    const sl_zone *z;
    const sl_scenario *sc;
    const sl_parcel *p;
    const sl_ruleset *R;
    const double *r;
    double sb, ab, ev;
    int st[2][BF_MAXL];
    int n[2];
    double best;
    int beststack[2 * BF_MAXL], bn[2];
    /* zone mode: collect every feasible stack */
    bool collect;
    int ncol, capcol;
    double *colval;
    double *colgfa;                /* ncol × n_industries */
    unsigned long long *colchains; /* per column, the chains it holds */
} bf;

static double loadmax(const sl_ruleset *R, int k)
{
    int n = R->n_floor_loads;
    return k <= n ? R->floor_load_max_kN_m2[k - 1] : R->floor_load_max_kN_m2[n - 1];
}

static double storey_h(const bf *b, int blk, int k, int i)
{
    double h = b->sc->industries[i].floor_height_m;
    if (blk == 0 && k == 1 && h < b->R->ground_floor_height_min_m)
        h = b->R->ground_floor_height_min_m;
    return h;
}

/* All rules of one parcel, checked on the complete stack. */
static bool feasible(const bf *b)
{
    const sl_scenario *sc = b->sc;
    const sl_ruleset *R = b->R;
    const sl_parcel *p = b->p;
    double F[2] = {p->plan_fp.factory_m2, p->plan_fp.office_m2};
    if (b->n[0] < 1)
        return false;
    if (b->n[1] > 0 && !(F[1] > 0))
        return false;
    double gfa = 0, counted = 0, off = 0, trips = 0;
    for (int blk = 0; blk < 2; blk++) {
        double h = 0;
        for (int k = 1; k <= b->n[blk]; k++) {
            int i = b->st[blk][k - 1];
            const sl_industry *d = &sc->industries[i];
            double hh = storey_h(b, blk, k, i);
            h += hh;
            gfa += F[blk];
            counted += hh > R->tall_storey_m ? 2 * F[blk] : F[blk];
            if (d->kind == SL_KIND_OFFICE)
                off += F[blk];
            if (blk == 0 && k > R->ramp_floor)
                trips += d->trips_per_1000m2_day * F[blk] / 1000;
            if (d->floor_load_kN_m2 > loadmax(R, k))
                return false;
            if (d->lift_t > R->freight_lift_t && k > R->ramp_floor)
                return false;
            if (d->vibration == SL_VIB_SOURCE && k > R->vibration_source_max_floor)
                return false;
            if (k > 1) {
                sl_vibration a = sc->industries[b->st[blk][k - 2]].vibration;
                if ((a == SL_VIB_SOURCE && d->vibration == SL_VIB_SENSITIVE) ||
                    (a == SL_VIB_SENSITIVE && d->vibration == SL_VIB_SOURCE))
                    return false;
            }
            if ((d->fire_class == 'A' || d->fire_class == 'B') && b->n[blk] != 1)
                return false;
            if (blk == 1 && d->kind != SL_KIND_OFFICE && d->kind != SL_KIND_RND)
                return false;
        }
        if (h > (blk ? R->office_height_max_m : R->factory_height_max_m) + 1e-9)
            return false;
    }
    /* 14. at most chains_per_building_max (0: no limit) distinct chains
     * among the non-shared industries of the parcel; an industry without
     * a chain is a chain of its own, labelled by its id. */
    if (sc->chains_per_building_max > 0) {
        const char *seen[2 * BF_MAXL];
        int nseen = 0;
        for (int blk = 0; blk < 2; blk++)
            for (int x = 0; x < b->n[blk]; x++) {
                const sl_industry *d = &sc->industries[b->st[blk][x]];
                if (d->shared)
                    continue;
                const char *c = d->chain && d->chain[0] ? d->chain : d->id;
                bool dup = false;
                for (int q = 0; q < nseen; q++)
                    dup |= strcmp(seen[q], c) == 0;
                if (!dup)
                    seen[nseen++] = c;
            }
        if (nseen > sc->chains_per_building_max)
            return false;
    }
    /* 15. a contiguous industry's storeys in one block are consecutive:
     * between its lowest and its highest storey there is nothing else. */
    for (int blk = 0; blk < 2; blk++)
        for (int x = 0; x < b->n[blk]; x++) {
            int i = b->st[blk][x];
            if (!sc->industries[i].contiguous)
                continue;
            int last = x;
            for (int y = x + 1; y < b->n[blk]; y++)
                if (b->st[blk][y] == i)
                    last = y;
            for (int y = x + 1; y < last; y++)
                if (b->st[blk][y] != i)
                    return false;
        }
    double A = p->area_m2;
    if (counted > R->far_max * A + 1e-6 || counted < R->far_min * A - 1e-6)
        return false;
    if (F[0] + (b->n[1] > 0 ? F[1] : 0) < R->coverage_min * A - 1e-6)
        return false;
    if (off > R->office_gfa_share_max * gfa + 1e-6)
        return false;
    if (trips > R->freight_trips_per_day_max + 1e-6)
        return false;
    if (!isnan(p->current_gfa_m2) && gfa < p->current_gfa_m2 - 1e-6) /* unknown: 0 */
        return false;
    for (int k = 0; k < sc->n_pins; k++) {
        const sl_pin *pin = &sc->pins[k];
        if (!p->id || strcmp(pin->parcel, p->id) != 0)
            continue;
        double g = 0;
        for (int blk = 0; blk < 2; blk++)
            for (int x = 0; x < b->n[blk]; x++)
                if (b->st[blk][x] == pin->industry)
                    g += F[blk];
        if (g < pin->min_gfa_m2 - 1e-6)
            return false;
        if (pin->floors > 0 && b->n[0] != pin->floors)
            return false;
    }
    return true;
}

static double value(const bf *b)
{
    const sl_scenario *sc = b->sc;
    double F[2] = {b->p->plan_fp.factory_m2, b->p->plan_fp.office_m2};
    double v = isnan(b->p->current_gfa_m2) ? 0 : -b->ev * b->p->current_gfa_m2;
    for (int blk = 0; blk < 2; blk++)
        for (int x = 0; x < b->n[blk]; x++)
            v += F[blk] * b->r[b->st[blk][x]];
    for (int l = 0; l < sc->n_links; l++) {
        int i = sc->links[l].from, j = sc->links[l].to;
        bool hi = false, hj = false, adj = false;
        for (int blk = 0; blk < 2; blk++)
            for (int x = 0; x < b->n[blk]; x++) {
                hi |= b->st[blk][x] == i;
                hj |= b->st[blk][x] == j;
                if (x > 0) {
                    int a = b->st[blk][x - 1], c = b->st[blk][x];
                    if ((a == i && c == j) || (a == j && c == i))
                        adj = true;
                }
            }
        if (hi && hj)
            v += sc->links[l].weight * b->sb;
        if (adj)
            v += sc->links[l].weight * b->ab;
    }
    return v;
}

/* The chains of the stack's non-shared industries, as a bit set: bit c
 * for the chain labelled like industry c, c being the first non-shared
 * industry with that label (an industry without a chain is labelled by its
 * id).  Tiny zones only: at most 64 industries. */
static const char *label(const sl_industry *d)
{
    return d->chain && d->chain[0] ? d->chain : d->id;
}

static unsigned long long chains_of(const bf *b)
{
    const sl_scenario *sc = b->sc;
    unsigned long long m = 0;
    for (int blk = 0; blk < 2; blk++)
        for (int x = 0; x < b->n[blk]; x++) {
            const sl_industry *d = &sc->industries[b->st[blk][x]];
            if (d->shared)
                continue;
            for (int c = 0; c < sc->n_industries && c < 64; c++)
                if (!sc->industries[c].shared && strcmp(label(&sc->industries[c]), label(d)) == 0) {
                    m |= 1ull << c;
                    break;
                }
        }
    return m;
}

static void leaf(bf *b)
{
    if (!feasible(b))
        return;
    double v = value(b);
    if (b->collect) {
        if (b->ncol == b->capcol) {
            b->capcol = b->capcol ? 2 * b->capcol : 64;
            b->colval = realloc(b->colval, sizeof(double) * (size_t)b->capcol);
            b->colgfa = realloc(b->colgfa,
                                sizeof(double) * (size_t)b->capcol * (size_t)b->sc->n_industries);
            b->colchains = realloc(b->colchains, sizeof(unsigned long long) * (size_t)b->capcol);
        }
        double *g = b->colgfa + (size_t)b->ncol * (size_t)b->sc->n_industries;
        memset(g, 0, sizeof(double) * (size_t)b->sc->n_industries);
        double F[2] = {b->p->plan_fp.factory_m2, b->p->plan_fp.office_m2};
        for (int blk = 0; blk < 2; blk++)
            for (int x = 0; x < b->n[blk]; x++)
                g[b->st[blk][x]] += F[blk];
        b->colchains[b->ncol] = chains_of(b);
        b->colval[b->ncol++] = v;
        return;
    }
    if (v > b->best) {
        b->best = v;
        b->bn[0] = b->n[0];
        b->bn[1] = b->n[1];
        memcpy(b->beststack, b->st[0], sizeof(int) * (size_t)b->n[0]);
        memcpy(b->beststack + b->n[0], b->st[1], sizeof(int) * (size_t)b->n[1]);
    }
}

/* Grow block blk one storey at a time; prune only on height. */
static void grow(bf *b, int blk, double h)
{
    double cap = blk ? b->R->office_height_max_m : b->R->factory_height_max_m;
    if (blk == 0) {
        if (b->n[0] >= 1) {
            b->n[1] = 0;
            grow(b, 1, 0);
        }
    } else {
        leaf(b);
    }
    if (b->n[blk] >= BF_MAXL)
        return;
    if (blk == 1 && !(b->p->plan_fp.office_m2 > 0))
        return;
    for (int i = 0; i < b->sc->n_industries; i++) {
        double hh = storey_h(b, blk, b->n[blk] + 1, i);
        if (h + hh > cap + 1e-9)
            continue;
        b->st[blk][b->n[blk]++] = i;
        grow(b, blk, h + hh);
        b->n[blk]--;
    }
}

double bf_parcel(const sl_zone *z, int pi, const double *r, double sb, double ab, double ev,
                 int *best, int *nf, int *no)
{
    bf b;
    memset(&b, 0, sizeof b);
    b.z = z;
    b.sc = z->sc;
    b.p = &z->p[pi];
    b.R = b.p->plan_rules;
    b.r = r;
    b.sb = sb;
    b.ab = ab;
    b.ev = ev;
    b.best = -INFINITY;
    grow(&b, 0, 0);
    if (best && b.best > -INFINITY) {
        memcpy(best, b.beststack, sizeof(int) * (size_t)(b.bn[0] + b.bn[1]));
        *nf = b.bn[0];
        *no = b.bn[1];
    }
    return b.best;
}

typedef struct zone_bf {
    const sl_zone *z;
    const sl_scenario *sc;
    int np;
    int *ncol;
    double **val, **gfa;
    unsigned long long **chains;
    bool *pinned;
    int *zi;     /* the zone index of each enumerated parcel */
    int *choice; /* the column chosen for it, -1 kept */
    double *G;
    double best;
} zone_bf;

/* The neighbour chain bonus of the choices: for every pair of neighbours
 * both redeveloped, neighbour_chain_bonus_m2 per chain they share. */
static double neighbour_bonus(const zone_bf *Z)
{
    double v = 0;
    for (int p = 0; p < Z->np; p++)
        for (int q = p + 1; q < Z->np; q++) {
            if (Z->choice[p] < 0 || Z->choice[q] < 0 ||
                !sl_zone_are_neighbours(Z->z, Z->zi[p], Z->zi[q]))
                continue;
            unsigned long long m = Z->chains[p][Z->choice[p]] & Z->chains[q][Z->choice[q]];
            for (; m; m &= m - 1)
                v += Z->sc->neighbour_chain_bonus_m2;
        }
    return v;
}

static void zrec(zone_bf *Z, int p, double v)
{
    int ni = Z->sc->n_industries;
    if (p == Z->np) {
        for (int i = 0; i < ni; i++) {
            const sl_industry *d = &Z->sc->industries[i];
            if (Z->G[i] < d->demand_min_m2 - 1e-6 || Z->G[i] > d->demand_max_m2 + 1e-6)
                return;
        }
        if (Z->z->nb_start && Z->sc->neighbour_chain_bonus_m2 > 0)
            v += neighbour_bonus(Z);
        if (v > Z->best)
            Z->best = v;
        return;
    }
    Z->choice[p] = -1;
    if (!Z->pinned[p])
        zrec(Z, p + 1, v);
    for (int c = 0; c < Z->ncol[p]; c++) {
        const double *g = Z->gfa[p] + (size_t)c * (size_t)ni;
        for (int i = 0; i < ni; i++)
            Z->G[i] += g[i];
        Z->choice[p] = c;
        zrec(Z, p + 1, v + Z->val[p][c]);
        for (int i = 0; i < ni; i++)
            Z->G[i] -= g[i];
    }
}

double bf_zone(const sl_zone *z)
{
    const sl_scenario *sc = z->sc;
    int ni = sc->n_industries;
    double *prio = malloc(sizeof(double) * (size_t)ni);
    for (int i = 0; i < ni; i++)
        prio[i] = sc->industries[i].priority;
    zone_bf Z;
    memset(&Z, 0, sizeof Z);
    Z.z = z;
    Z.sc = sc;
    Z.chains = calloc((size_t)z->n + 1, sizeof(unsigned long long *));
    Z.zi = calloc((size_t)z->n + 1, sizeof(int));
    Z.choice = calloc((size_t)z->n + 1, sizeof(int));
    Z.ncol = calloc((size_t)z->n + 1, sizeof(int));
    Z.val = calloc((size_t)z->n + 1, sizeof(double *));
    Z.gfa = calloc((size_t)z->n + 1, sizeof(double *));
    Z.pinned = calloc((size_t)z->n + 1, sizeof(bool));
    Z.G = calloc((size_t)ni + 1, sizeof(double));
    Z.best = -INFINITY;
    bool infeasible = false;
    for (int pi = 0; pi < z->n; pi++) {
        const sl_parcel *p = &z->p[pi];
        bool pinned = false;
        for (int k = 0; k < sc->n_pins; k++)
            if (p->id && strcmp(sc->pins[k].parcel, p->id) == 0)
                pinned = true;
        /* docs/model.md §4-§5: setback and floor plates hold, not excluded */
        bool cand = p->status == SL_PARCEL_CANDIDATE && sl_footprints_redevelopable(&p->plan_fp);
        for (int k = 0; k < sc->n_exclude; k++)
            if (p->id && strcmp(sc->exclude[k], p->id) == 0)
                cand = false; /* plan.exclude: kept as it is */
        if (!cand) {
            if (pinned)
                infeasible = true;
            continue;
        }
        bf b;
        memset(&b, 0, sizeof b);
        b.z = z;
        b.sc = sc;
        b.p = p;
        b.R = p->plan_rules;
        b.r = prio;
        b.sb = sc->same_building_bonus_m2;
        b.ab = sc->adjacent_floor_bonus_m2;
        b.ev = sc->existing_value;
        b.collect = true;
        grow(&b, 0, 0);
        Z.ncol[Z.np] = b.ncol;
        Z.val[Z.np] = b.colval;
        Z.gfa[Z.np] = b.colgfa;
        Z.chains[Z.np] = b.colchains;
        Z.zi[Z.np] = pi;
        Z.pinned[Z.np] = pinned;
        Z.np++;
    }
    if (!infeasible)
        zrec(&Z, 0, 0);
    for (int p = 0; p < Z.np; p++) {
        free(Z.val[p]);
        free(Z.gfa[p]);
        free(Z.chains[p]);
    }
    free(Z.chains);
    free(Z.zi);
    free(Z.choice);
    free(Z.ncol);
    free(Z.val);
    free(Z.gfa);
    free(Z.pinned);
    free(Z.G);
    free(prio);
    return infeasible ? -INFINITY : Z.best;
}
