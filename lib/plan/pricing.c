/*
 * pricing.c - the per-parcel pricing problem: the best stack of one
 * parcel under given values per m² of each industry (priority minus the
 * zone's demand duals), bonuses included, subject to every per-parcel rule
 * of docs/model.md §6 (1-11 and 13).
 *
 * Exact depth-first branch and bound over storeys, factory block bottom-up
 * then office block.  Three things keep it small:
 *  - a bound per node: the best storey values that still fit (a knapsack
 *    over the remaining height, tabulated once per rule set and pricing
 *    round since storey value = footprint × value per m²) plus the most
 *    link bonus the remaining storeys could still collect;
 *  - a transposition table: two partial stacks that reach the same state
 *    (same level, storey below, height, counts, trips, industries present,
 *    adjacencies collected) have the same futures, so only the better one
 *    is expanded — this removes the permutations of interchangeable upper
 *    storeys;
 *  - a good first incumbent (the caller's best known stack value).
 * Because the search is exhaustive, the value it returns is exact, which
 * the Lagrangian bound of solve.c relies on.
 */
#include "plan/pricing.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- scenario-level data ---------------------------------------------- */

int pl_sc_init(pl_sc *s, const sl_scenario *sc)
{
    memset(s, 0, sizeof *s);
    s->sc = sc;
    int n = s->nind = sc->n_industries;
    int L = s->nlink = sc->n_links;
    size_t nn = (size_t)(n > 0 ? n : 1);
    s->prio = calloc(nn, sizeof *s->prio);
    s->office_kind = calloc(nn, sizeof *s->office_kind);
    s->office_ok = calloc(nn, sizeof *s->office_ok);
    s->fire_single = calloc(nn, sizeof *s->fire_single);
    s->vib = calloc(nn, sizeof *s->vib);
    s->trips_u = calloc(nn, sizeof *s->trips_u);
    s->lfrom = calloc((size_t)L + 1, sizeof *s->lfrom);
    s->lto = calloc((size_t)L + 1, sizeof *s->lto);
    s->lw = calloc((size_t)L + 1, sizeof *s->lw);
    s->inc_start = calloc(nn + 1, sizeof *s->inc_start);
    s->inc = calloc(2 * (size_t)L + 1, sizeof *s->inc);
    s->pair_start = calloc(nn * nn + 1, sizeof *s->pair_start);
    s->pair = calloc(2 * (size_t)L + 1, sizeof *s->pair);
    s->linked_bit = calloc(nn, sizeof *s->linked_bit);
    s->chain_of = calloc(nn, sizeof *s->chain_of);
    s->contig = calloc(nn, sizeof *s->contig);
    if (!s->chain_of || !s->contig || !s->prio || !s->office_kind || !s->office_ok ||
        !s->fire_single || !s->vib || !s->trips_u || !s->lfrom || !s->lto || !s->lw ||
        !s->inc_start || !s->inc || !s->pair_start || !s->pair || !s->linked_bit) {
        pl_sc_free(s);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const sl_industry *d = &sc->industries[i];
        s->prio[i] = d->priority;
        s->office_kind[i] = d->kind == SL_KIND_OFFICE;
        s->office_ok[i] = d->kind == SL_KIND_OFFICE || d->kind == SL_KIND_RND;
        s->fire_single[i] = d->fire_class == 'A' || d->fire_class == 'B' || d->fire_class == 'a' ||
                            d->fire_class == 'b';
        s->vib[i] = d->vibration == SL_VIB_SOURCE ? 1 : d->vibration == SL_VIB_SENSITIVE ? 2 : 0;
        s->trips_u[i] = llround(d->trips_per_1000m2_day * 1e6);
        s->linked_bit[i] = -1;
        s->contig[i] = d->contiguous;
        s->any_contig |= d->contiguous;
        /* chains by label, in order of first appearance */
        s->chain_of[i] = -1;
        if (!d->shared) {
            const char *label = sl_industry_chain(d);
            for (int j = 0; j < i && s->chain_of[i] < 0; j++)
                if (s->chain_of[j] >= 0 &&
                    strcmp(sl_industry_chain(&sc->industries[j]), label) == 0)
                    s->chain_of[i] = s->chain_of[j];
            if (s->chain_of[i] < 0)
                s->chain_of[i] = s->nchains++;
        }
    }
    s->chains_max = sc->chains_per_building_max > 0 ? sc->chains_per_building_max : 0;
    /* Links with an endpoint out of range are ignored (the scenario parser
     * rejects them; an in-memory scenario may not). */
    int m = 0;
    for (int l = 0; l < L; l++) {
        const sl_chain_link *k = &sc->links[l];
        if (k->from < 0 || k->from >= n || k->to < 0 || k->to >= n || !(k->weight > 0))
            continue;
        s->lfrom[m] = k->from;
        s->lto[m] = k->to;
        s->lw[m] = k->weight;
        m++;
    }
    s->nlink = L = m;
    for (int l = 0; l < L; l++) {
        s->inc_start[s->lfrom[l] + 1]++;
        if (s->lto[l] != s->lfrom[l])
            s->inc_start[s->lto[l] + 1]++;
        int a = s->lfrom[l], b = s->lto[l];
        s->pair_start[a * n + b + 1]++;
        if (a != b)
            s->pair_start[b * n + a + 1]++;
    }
    for (int i = 0; i < n; i++)
        s->inc_start[i + 1] += s->inc_start[i];
    for (int i = 0; i < n * n; i++)
        s->pair_start[i + 1] += s->pair_start[i];
    int *fill = calloc(nn * nn + 1, sizeof *fill);
    if (!fill) {
        pl_sc_free(s);
        return -1;
    }
    for (int i = 0; i < n; i++)
        fill[i] = s->inc_start[i];
    for (int l = 0; l < L; l++) {
        s->inc[fill[s->lfrom[l]]++] = l;
        if (s->lto[l] != s->lfrom[l])
            s->inc[fill[s->lto[l]]++] = l;
    }
    for (int i = 0; i < n * n; i++)
        fill[i] = s->pair_start[i];
    for (int l = 0; l < L; l++) {
        int a = s->lfrom[l], b = s->lto[l];
        s->pair[fill[a * n + b]++] = l;
        if (a != b)
            s->pair[fill[b * n + a]++] = l;
    }
    free(fill);
    for (int i = 0; i < n; i++)
        if (s->inc_start[i + 1] > s->inc_start[i])
            s->linked_bit[i] = s->nlinked++;
    s->words_pres = (s->nlinked + 63) / 64;
    s->words_ab = (L + 63) / 64;
    return 0;
}

void pl_sc_free(pl_sc *s)
{
    if (!s)
        return;
    free(s->prio);
    free(s->office_kind);
    free(s->office_ok);
    free(s->fire_single);
    free(s->vib);
    free(s->trips_u);
    free(s->lfrom);
    free(s->lto);
    free(s->lw);
    free(s->inc_start);
    free(s->inc);
    free(s->pair_start);
    free(s->pair);
    free(s->linked_bit);
    free(s->chain_of);
    free(s->contig);
    memset(s, 0, sizeof *s);
}

/* ---- rule-set tables --------------------------------------------------- */

static double load_at(const sl_ruleset *r, int level)
{
    int n = r->n_floor_loads;
    if (n <= 0)
        return INFINITY;
    if (n > SL_MAX_FLOOR_LOADS)
        n = SL_MAX_FLOOR_LOADS;
    return r->floor_load_max_kN_m2[level <= n ? level - 1 : n - 1];
}

/* May industry i stand at level k of block b (rules 4-8, level part)?
 * Height and adjacency are checked by the search. */
static bool eligible(const pl_sc *s, const sl_ruleset *r, int b, int k, int i)
{
    const sl_industry *d = &s->sc->industries[i];
    if (b == SL_BLOCK_OFFICE && !s->office_ok[i])
        return false;
    if (d->floor_load_kN_m2 > load_at(r, k) + 1e-9)
        return false;
    if (d->lift_t > r->freight_lift_t + 1e-9 && k > r->ramp_floor)
        return false;
    if (s->vib[i] == 1 && k > r->vibration_source_max_floor)
        return false;
    if (s->fire_single[i] && k != 1)
        return false;
    return true;
}

#define T_IDX(t, b, k, h) ((size_t)(k) * (size_t)((t)->hq_max[b] + 1) + (size_t)(h))
/* (k, h, n, a) cell of G[b]; n, a = 0..maxlev */
#define G_IDX(t, b, k, h, n, a)                                         \
    ((T_IDX(t, b, k, h) * (size_t)((t)->maxlev[b] + 1) + (size_t)(n)) * \
         (size_t)((t)->maxlev[b] + 1) +                                 \
     (size_t)(a))
#define TT_IDX(t, k, q, n)                                                                    \
    (((size_t)(k) * (size_t)((t)->tq_max + 1) + (size_t)(q)) * (size_t)((t)->maxlev[0] + 1) + \
     (size_t)(n))

static long long gcd_ll(long long a, long long b)
{
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Height quantum: the common divisor of every storey height when it is
 * coarse enough (then the tables are exact in height), else a fine grid. */
static long long height_quantum_u(const pl_sc *s, const sl_ruleset *r)
{
    double hmax = fmax(r->factory_height_max_m, r->office_height_max_m);
    long long fine = llround(fmax(hmax / 1000.0, 0.001) * 1e6);
    long long g = 0;
    double vals[2] = {r->ground_floor_height_min_m, 0};
    for (int i = -1; i < s->nind; i++) {
        double h = i < 0 ? vals[0] : s->sc->industries[i].floor_height_m;
        long long mm = llround(h * 1000);
        if (fabs(h * 1000 - mm) > 1e-6)
            return fine;
        if (mm > 0)
            g = gcd_ll(g, mm);
    }
    if (g <= 0)
        return fine;
    long long gu = g * 1000;
    return hmax * 1e6 / gu <= 3000 ? gu : fine;
}

int pl_rtab_init(pl_rtab *t, const pl_sc *s, const sl_ruleset *r)
{
    memset(t, 0, sizeof *t);
    t->r = r;
    int n = s->nind;
    size_t nn = (size_t)(n > 0 ? n : 1);
    t->hcap_u[0] = llround(r->factory_height_max_m * 1e6);
    t->hcap_u[1] = llround(r->office_height_max_m * 1e6);
    long long q_u = height_quantum_u(s, r);
    t->q_m = q_u / 1e6;
    for (int b = 0; b < 2; b++) {
        t->hu[b] = calloc(2 * nn, sizeof *t->hu[b]);
        t->tall[b] = calloc(2 * nn, sizeof *t->tall[b]);
        t->hq[b] = calloc(2 * nn, sizeof *t->hq[b]);
        if (!t->hu[b] || !t->tall[b] || !t->hq[b])
            goto fail;
        for (int l1 = 0; l1 < 2; l1++)
            for (int i = 0; i < n; i++) {
                double h = s->sc->industries[i].floor_height_m;
                if (b == SL_BLOCK_FACTORY && l1 == 0)
                    h = fmax(h, r->ground_floor_height_min_m);
                t->hu[b][l1 * n + i] = llround(h * 1e6);
                t->tall[b][l1 * n + i] = h > r->tall_storey_m + 1e-9;
                t->hq[b][l1 * n + i] = (int)(llround(h * 1e6) / q_u);
            }
        t->hq_max[b] = t->hcap_u[b] > 0 ? (int)(t->hcap_u[b] / q_u) : 0;
        /* Levels by height: the lowest first storey, then the lowest upper
         * storey repeated. */
        long long h1 = -1, hup = -1;
        for (int i = 0; i < n; i++) {
            if (t->hu[b][i] > 0 && t->hu[b][i] <= t->hcap_u[b] && eligible(s, r, b, 1, i) &&
                (h1 < 0 || t->hu[b][i] < h1))
                h1 = t->hu[b][i];
            long long hh = t->hu[b][n + i];
            if (hh > 0 && (b == SL_BLOCK_FACTORY || s->office_ok[i]) && !s->fire_single[i] &&
                (hup < 0 || hh < hup))
                hup = hh;
        }
        int ml = 0;
        if (h1 > 0) {
            ml = 1;
            if (hup > 0) {
                long long extra = (t->hcap_u[b] - h1) / hup;
                ml = extra + 1 > PL_MAX_LEVELS ? PL_MAX_LEVELS : (int)extra + 1;
            }
        }
        t->maxlev[b] = ml;
        t->elig[b] = calloc((size_t)(ml + 2) * nn, 1);
        size_t cells = (size_t)(ml + 2) * (size_t)(t->hq_max[b] + 1);
        t->M[b] = calloc(cells, sizeof *t->M[b]);
        t->G[b] = calloc(cells * (size_t)(ml + 1) * (size_t)(ml + 1), sizeof *t->G[b]);
        if (!t->elig[b] || !t->M[b] || !t->G[b])
            goto fail;
        for (int k = 1; k <= ml; k++)
            for (int i = 0; i < n; i++)
                t->elig[b][(size_t)k * nn + (size_t)i] =
                    t->hu[b][(k == 1 ? 0 : n) + i] <= t->hcap_u[b] && eligible(s, r, b, k, i);
        for (int k = ml; k >= 1; k--)
            for (int h = 0; h <= t->hq_max[b]; h++) {
                int best = 0;
                for (int i = 0; i < n; i++) {
                    if (!t->elig[b][(size_t)k * nn + (size_t)i])
                        continue;
                    int hq = t->hq[b][(k == 1 ? 0 : n) + i];
                    if (hq > h)
                        continue;
                    int v = 1 + t->M[b][T_IDX(t, b, k + 1, h - hq)];
                    if (v > best)
                        best = v;
                }
                t->M[b][T_IDX(t, b, k, h)] = best;
            }
    }
    /* Trips: quantum so that a full block spans at most ~600 steps. */
    double tmax = 0;
    for (int i = 0; i < n; i++)
        tmax = fmax(tmax, s->sc->industries[i].trips_per_1000m2_day);
    int ml0 = t->maxlev[0];
    t->qt = fmax(tmax * (ml0 > 0 ? ml0 : 1) / 600.0, 1e-3);
    t->tq = calloc(nn, sizeof *t->tq);
    if (!t->tq)
        goto fail;
    int tsum = 0;
    for (int i = 0; i < n; i++) {
        double v = s->sc->industries[i].trips_per_1000m2_day;
        t->tq[i] = v > 0 ? (int)floor(v / t->qt + 1e-9) : 0;
        if (t->tq[i] > tsum)
            tsum = t->tq[i];
    }
    t->tq_max = tsum * (ml0 > 0 ? ml0 : 1);
    t->Tt = calloc((size_t)(ml0 + 2) * (size_t)(t->tq_max + 1) * (size_t)(ml0 + 1), sizeof *t->Tt);
    if (!t->Tt)
        goto fail;
    return 0;
fail:
    pl_rtab_free(t);
    return -1;
}

void pl_rtab_free(pl_rtab *t)
{
    if (!t)
        return;
    for (int b = 0; b < 2; b++) {
        free(t->elig[b]);
        free(t->hu[b]);
        free(t->tall[b]);
        free(t->hq[b]);
        free(t->M[b]);
        free(t->G[b]);
    }
    free(t->tq);
    free(t->Tt);
    memset(t, 0, sizeof *t);
}

/* Tabulate G and Tt for weights w (once per rule set and pricing round):
 * best Σ r over the storeys from level k on, at most n of them, within
 * quantized height h (G) or quantized trips t (Tt, factory). */
static void rtab_weigh(pl_rtab *t, const pl_sc *s, const pl_weights *w)
{
    if (w->stamp != 0 && t->G_for == w->r && t->G_stamp == w->stamp)
        return;
    int n = s->nind;
    for (int b = 0; b < 2; b++) {
        int m1 = t->maxlev[b];
        int H1 = t->hq_max[b];
        size_t A1 = (size_t)(m1 + 1);
        for (int h = 0; h <= H1; h++)
            for (size_t x = 0; x < A1 * A1; x++)
                t->G[b][G_IDX(t, b, m1 + 1, h, 0, 0) + x] = 0;
        for (int k = m1; k >= 1; k--)
            for (int h = 0; h <= H1; h++) {
                double *cell = &t->G[b][G_IDX(t, b, k, h, 0, 0)];
                for (size_t x = 0; x < A1 * A1; x++)
                    cell[x] = 0;
                for (int i = 0; i < n; i++) {
                    if (!t->elig[b][(size_t)k * (size_t)n + (size_t)i])
                        continue;
                    int hq = t->hq[b][(k == 1 ? 0 : n) + i];
                    if (hq > h)
                        continue;
                    int ok = s->office_kind[i] ? 1 : 0;
                    const double *nx = &t->G[b][G_IDX(t, b, k + 1, h - hq, 0, 0)];
                    for (int c = 1; c <= m1; c++)
                        for (int a2 = ok; a2 <= m1; a2++) {
                            double v = w->r[i] + nx[(size_t)(c - 1) * A1 + (size_t)(a2 - ok)];
                            double *d = &cell[(size_t)c * A1 + (size_t)a2];
                            if (v > *d)
                                *d = v;
                        }
                }
                for (int c = 0; c <= m1; c++)
                    for (int a2 = 0; a2 <= m1; a2++) {
                        double *d = &cell[(size_t)c * A1 + (size_t)a2];
                        if (c > 0 && cell[(size_t)(c - 1) * A1 + (size_t)a2] > *d)
                            *d = cell[(size_t)(c - 1) * A1 + (size_t)a2];
                        if (a2 > 0 && cell[(size_t)c * A1 + (size_t)(a2 - 1)] > *d)
                            *d = cell[(size_t)c * A1 + (size_t)(a2 - 1)];
                    }
            }
    }
    int ml = t->maxlev[0];
    int TQ = t->tq_max;
    int ramp = t->r->ramp_floor;
    for (int q = 0; q <= TQ; q++)
        for (int c = 0; c <= ml; c++)
            t->Tt[TT_IDX(t, ml + 1, q, c)] = 0;
    for (int k = ml; k >= 1; k--)
        for (int q = 0; q <= TQ; q++) {
            double *cell = &t->Tt[TT_IDX(t, k, q, 0)];
            for (int c = 0; c <= ml; c++)
                cell[c] = 0;
            for (int i = 0; i < n; i++) {
                if (!t->elig[0][(size_t)k * (size_t)n + (size_t)i])
                    continue;
                int tq = k > ramp ? t->tq[i] : 0;
                if (tq > q)
                    continue;
                const double *nx = &t->Tt[TT_IDX(t, k + 1, q - tq, 0)];
                for (int c = 1; c <= ml; c++) {
                    double v = w->r[i] + nx[c - 1];
                    if (v > cell[c])
                        cell[c] = v;
                }
            }
            for (int c = 1; c <= ml; c++)
                if (cell[c - 1] > cell[c])
                    cell[c] = cell[c - 1];
        }
    t->G_for = w->r;
    t->G_stamp = w->stamp;
}

/* ---- a parcel's problem ---------------------------------------------- */

void pl_ctx_init(pl_ctx *c, const pl_sc *s, pl_rtab *t, const sl_parcel *p, const sl_scenario *sc)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->t = t;
    const sl_ruleset *r = c->r = t->r;
    c->A = p->area_m2;
    c->F[0] = p->plan_fp.factory_m2;
    c->F[1] = p->plan_fp.office_m2 > 1e-9 ? p->plan_fp.office_m2 : 0;
    c->cur = p->current_gfa_m2 > 0 ? p->current_gfa_m2 : 0;
    double tol = PL_TOL_M2 + PL_TOL_REL * c->A;
    c->far_cap_m2 = r->far_max * c->A + tol;
    c->far_min_m2 = r->far_min * c->A - tol;
    c->cov_need_m2 = r->coverage_min * c->A - tol;
    c->off_share = r->office_gfa_share_max;
    c->trips_cap_u = c->F[0] > 0 ? (r->freight_trips_per_day_max + 1e-6) * 1e9 / c->F[0] : 0;
    for (int b = 0; b < 2; b++) {
        int ml = t->maxlev[b];
        if (c->F[b] <= 0)
            ml = 0;
        else if (c->far_cap_m2 / c->F[b] < ml)
            ml = (int)floor(c->far_cap_m2 / c->F[b]);
        c->maxlev[b] = ml;
    }
    for (int i = 0; p->id && i < sc->n_pins; i++) {
        const sl_pin *pin = &sc->pins[i];
        if (!pin->parcel || strcmp(pin->parcel, p->id) != 0)
            continue;
        c->pinned = true;
        if (pin->floors > 0) {
            if (c->floors > 0 && c->floors != pin->floors)
                c->floors = -1; /* two pins disagree: nothing fits */
            else if (c->floors == 0)
                c->floors = pin->floors;
        }
        if (c->npin < PL_MAX_PINS && pin->industry >= 0 && pin->industry < s->nind) {
            c->pin_ind[c->npin] = pin->industry;
            c->pin_min_m2[c->npin] = pin->min_gfa_m2 - tol;
            c->pin_max_m2[c->npin] = INFINITY;
            c->npin++;
        }
    }
    for (int j = 0; j < c->npin; j++) {
        int ch = s->chain_of[c->pin_ind[j]];
        bool seen = ch < 0;
        for (int x = 0; x < c->npchain && !seen; x++)
            seen = c->pchain[x] == ch;
        if (!seen)
            c->pchain[c->npchain++] = ch;
    }
    if (c->floors > 0 && c->floors < c->maxlev[0])
        c->maxlev[0] = c->floors;
    if (c->floors < 0)
        c->maxlev[0] = 0;
}

int pl_ctx_add_range(pl_ctx *c, int i, double lo_m2, double hi_m2)
{
    if (c->npin >= PL_MAX_PINS)
        return -1;
    c->pin_ind[c->npin] = i;
    c->pin_min_m2[c->npin] = lo_m2;
    c->pin_max_m2[c->npin] = hi_m2;
    c->npin++;
    int ch = c->s->chain_of[i];
    if (lo_m2 > 0 && ch >= 0) {
        bool seen = false;
        for (int x = 0; x < c->npchain && !seen; x++)
            seen = c->pchain[x] == ch;
        if (!seen && c->npchain < PL_MAX_PINS)
            c->pchain[c->npchain++] = ch;
    }
    return 0;
}

/* ---- the search ------------------------------------------------------- */

typedef struct pl_state {
    int b, k, prev;
    long long h;              /* height of the current block, µm */
    int n[2], cnt[2], off[2]; /* storeys, counted units, office-kind storeys */
    unsigned char pinc[PL_MAX_PINS][2];
    long long trips; /* Σ trips_u of factory storeys above the ramp */
    double val;
} pl_state;

typedef struct memo_ent {
    uint32_t stamp;
    double val;
} memo_ent;

typedef struct srch {
    const pl_ctx *c;
    const pl_sc *s;
    const pl_weights *w;
    pl_search *q;
    int W;          /* bit-set words per state */
    uint64_t *bits; /* per depth: presence then adjacency words */
    short ind[2][PL_MAX_LEVELS + 1];
    bool bonus;
    bool aborted;
    /* transposition table */
    int KW;
    size_t cap, used;
    uint64_t *keys;
    memo_ent *ents;
    uint32_t stamp;
    uint64_t *key;                /* scratch */
    unsigned char *placeable;     /* [(b*(MAX+2)+k)*nind + i]: i may still stand
                                   on a level >= k of block b (or the office
                                   block after the factory) */
    unsigned char *placeable_blk; /* same, within block b only */
    double *delta;                /* [b*nind + i]: least value per m² given up
                                   by hosting i instead of an industry that
                                   fits wherever i fits (0 when none) */
    double *delta_open;           /* the same over replacements that are not
                                   contiguous tenants (valid whatever tenant
                                   of the current block is closed) */
    int off_chains;               /* word offset of the chains present (with
                                   chain_bonus); -1 none */
    int words_chains;
    int off_closed; /* word offset in bits of the tenants that
                                   left the current block (constraint 15);
                                   -1 when no industry is contiguous */
    int words_closed;
    long long q_u;
} srch;

static bool bit_get(const uint64_t *w, int i)
{
    return (w[i >> 6] >> (i & 63)) & 1u;
}
static void bit_set(uint64_t *w, int i)
{
    w[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void record(srch *S, const pl_state *t)
{
    pl_search *q = S->q;
    if (q->nfound >= q->max_found) {
        if (q->enumerate && q->top_k) {
            /* replace the worst kept; the threshold rises to the new worst */
            int w = 0;
            for (int x = 1; x < q->nfound; x++)
                if (q->found[x].value < q->found[w].value)
                    w = x;
            if (t->val <= q->found[w].value + PL_EPS_VALUE)
                return;
            short *ind = malloc(sizeof(short) * (size_t)(t->n[0] + t->n[1] + 1));
            if (!ind) {
                S->aborted = true;
                q->complete = false;
                return;
            }
            free(q->found[w].ind);
            pl_stack *st = &q->found[w];
            st->ind = ind;
            st->n[0] = t->n[0];
            st->n[1] = t->n[1];
            memcpy(st->ind, S->ind[0], sizeof(short) * (size_t)t->n[0]);
            memcpy(st->ind + t->n[0], S->ind[1], sizeof(short) * (size_t)t->n[1]);
            st->value = t->val;
            double lo = q->found[0].value;
            for (int x = 1; x < q->nfound; x++)
                if (q->found[x].value < lo)
                    lo = q->found[x].value;
            q->threshold = lo;
            return;
        }
        if (q->enumerate) {
            q->complete = false;
            S->aborted = true;
            return;
        }
        /* keep the most recent (best) ones */
        free(q->found[0].ind);
        memmove(q->found, q->found + 1, (size_t)(q->nfound - 1) * sizeof *q->found);
        q->nfound--;
    }
    pl_stack *st = &q->found[q->nfound];
    st->n[0] = t->n[0];
    st->n[1] = t->n[1];
    st->ind = malloc(sizeof(short) * (size_t)(t->n[0] + t->n[1] + 1));
    if (!st->ind) {
        S->aborted = true;
        q->complete = false;
        return;
    }
    memcpy(st->ind, S->ind[0], sizeof(short) * (size_t)t->n[0]);
    memcpy(st->ind + t->n[0], S->ind[1], sizeof(short) * (size_t)t->n[1]);
    st->value = t->val;
    q->nfound++;
    q->found_any = true;
}

/* Rules checked once the stack is complete (2, 3, 9, 11, 13). */
static bool leaf_ok(const pl_ctx *c, const pl_state *t)
{
    const double *F = c->F;
    if (t->n[0] < 1)
        return false;
    if (c->floors > 0 && t->n[0] != c->floors)
        return false;
    double counted = F[0] * t->cnt[0] + F[1] * t->cnt[1];
    if (counted > c->far_cap_m2 || counted < c->far_min_m2)
        return false;
    double cover = F[0] + (t->n[1] > 0 ? F[1] : 0);
    if (cover < c->cov_need_m2)
        return false;
    double gfa = F[0] * t->n[0] + F[1] * t->n[1];
    double off = F[0] * t->off[0] + F[1] * t->off[1];
    if (off > c->off_share * gfa + PL_TOL_M2 + PL_TOL_REL * gfa)
        return false;
    if (gfa < c->cur - PL_TOL_M2 - PL_TOL_REL * c->cur)
        return false;
    for (int j = 0; j < c->npin; j++)
        if (F[0] * t->pinc[j][0] + F[1] * t->pinc[j][1] < c->pin_min_m2[j])
            return false;
    return true;
}

/* Can industry i go on level t->k of block t->b (rules 1, 2 cap, 4-8, 10,
 * 13 floors)? */
static bool can_place(const pl_ctx *c, const pl_state *t, int i)
{
    const pl_sc *s = c->s;
    const pl_rtab *T = c->t;
    int b = t->b, k = t->k, n = s->nind;
    if (k > c->maxlev[b] || k > T->maxlev[b])
        return false;
    if (!T->elig[b][(size_t)k * (size_t)n + (size_t)i] || (c->allow && !c->allow[i]))
        return false;
    int l1 = k == 1 ? 0 : n;
    if (t->h + T->hu[b][l1 + i] > T->hcap_u[b] + 1)
        return false;
    if (k >= 2 && s->fire_single[t->prev])
        return false;
    if (k >= 2 &&
        ((s->vib[t->prev] == 1 && s->vib[i] == 2) || (s->vib[t->prev] == 2 && s->vib[i] == 1)))
        return false;
    double add = c->F[b] * (T->tall[b][l1 + i] ? 2 : 1);
    if (c->F[0] * t->cnt[0] + c->F[1] * t->cnt[1] + add > c->far_cap_m2)
        return false;
    if (b == 0 && k > c->r->ramp_floor && (double)(t->trips + s->trips_u[i]) > c->trips_cap_u)
        return false;
    for (int j = 0; j < c->npin; j++)
        if (c->pin_ind[j] == i && isfinite(c->pin_max_m2[j]) &&
            c->F[0] * t->pinc[j][0] + c->F[1] * t->pinc[j][1] + c->F[b] > c->pin_max_m2[j])
            return false; /* a branch's GFA range (solve.c) */
    return true;
}

/* Child state: t with industry i placed; bonus gains added. */
static void place(srch *S, const pl_state *t, const uint64_t *bits, int i, pl_state *u,
                  uint64_t *ubits)
{
    const pl_ctx *c = S->c;
    const pl_sc *s = S->s;
    const pl_rtab *T = c->t;
    int n = s->nind, b = t->b, k = t->k;
    *u = *t;
    memcpy(ubits, bits, sizeof(uint64_t) * (size_t)S->W);
    int l1 = k == 1 ? 0 : n;
    u->h += T->hu[b][l1 + i];
    u->n[b]++;
    u->cnt[b] += T->tall[b][l1 + i] ? 2 : 1;
    if (s->office_kind[i])
        u->off[b]++;
    for (int j = 0; j < c->npin; j++)
        if (c->pin_ind[j] == i)
            u->pinc[j][b]++;
    if (b == 0 && k > c->r->ramp_floor)
        u->trips += s->trips_u[i];
    u->val += c->F[b] * S->w->r[i];
    if (S->off_chains >= 0) {
        int ch = s->chain_of[i];
        if (ch >= 0 && !bit_get(ubits + S->off_chains, ch)) {
            bit_set(ubits + S->off_chains, ch);
            u->val += c->chain_bonus[ch]; /* a chain's first storey here */
        }
    }
    if (S->off_closed >= 0 && k >= 2 && t->prev != i && s->contig[t->prev])
        bit_set(ubits + S->off_closed, t->prev); /* its storeys end here */
    u->prev = i;
    u->k = k + 1;
    S->ind[b][k - 1] = (short)i;
    if (S->q->enumerate) {
        unsigned char *cnt = (unsigned char *)(ubits + s->words_pres + s->words_ab);
        cnt[b * n + i]++;
    }
    if (!S->bonus)
        return;
    int lb = s->linked_bit[i];
    uint64_t *pres = ubits, *ab = ubits + s->words_pres;
    if (lb >= 0 && !bit_get(pres, lb)) {
        bit_set(pres, lb);
        for (int x = s->inc_start[i]; x < s->inc_start[i + 1]; x++) {
            int l = s->inc[x];
            int o = s->lfrom[l] == i ? s->lto[l] : s->lfrom[l];
            if (o == i || bit_get(pres, s->linked_bit[o]))
                u->val += s->lw[l] * S->w->sb;
        }
    }
    if (k >= 2) {
        int p = t->prev;
        for (int x = s->pair_start[p * n + i]; x < s->pair_start[p * n + i + 1]; x++) {
            int l = s->pair[x];
            if (!bit_get(ab, l)) {
                bit_set(ab, l);
                u->val += s->lw[l] * S->w->ab;
            }
        }
    }
}

static double sum_top(double *v, int nv, int m)
{
    if (m >= nv) {
        double s = 0;
        for (int i = 0; i < nv; i++)
            s += v[i];
        return s;
    }
    double s = 0;
    for (int r = 0; r < m; r++) {
        int bi = r;
        for (int i = r + 1; i < nv; i++)
            if (v[i] > v[bi])
                bi = i;
        double x = v[bi];
        v[bi] = v[r];
        v[r] = x;
        s += x;
    }
    return s;
}

/* Upper bound on the value of any completion of state t.  The factory's
 * remaining storeys and the office block share the FAR budget: try every
 * split. */
/* The most the chain bonuses still to come can add: the positive bonuses
 * of allowed chains not present yet, at most as many as the building may
 * still take (constraint 14). */
static double chain_potential(const srch *S, const uint64_t *bits)
{
    const pl_ctx *c = S->c;
    const pl_sc *s = S->s;
    const uint64_t *pres = bits + S->off_chains;
    int present = 0;
    double top[8];
    int ntop = 0, room = 8;
    for (int w = 0; w < S->words_chains; w++)
        present += __builtin_popcountll(pres[w]);
    if (s->chains_max > 0)
        room = s->chains_max - present < 8 ? s->chains_max - present : 8;
    double sum_all = 0;
    for (int ch = 0; ch < s->nchains; ch++) {
        double v = c->chain_bonus[ch];
        if (!(v > 0) || bit_get(pres, ch))
            continue;
        sum_all += v;
        /* keep the room largest */
        if (ntop < room) {
            top[ntop++] = v;
        } else if (room > 0) {
            int m = 0;
            for (int x = 1; x < ntop; x++)
                if (top[x] < top[m])
                    m = x;
            if (v > top[m])
                top[m] = v;
        }
    }
    if (s->chains_max <= 0 || s->chains_max - present >= 8)
        return sum_all;
    double sum = 0;
    for (int x = 0; x < ntop; x++)
        sum += top[x];
    return sum;
}

static double bound(srch *S, const pl_state *t, const uint64_t *bits)
{
    const pl_ctx *c = S->c;
    const pl_sc *s = S->s;
    const pl_rtab *T = c->t;
    double ub = t->val;
    double far_rem = c->far_cap_m2 - (c->F[0] * t->cnt[0] + c->F[1] * t->cnt[1]);
    int b = t->b, k = t->k;
    bool single = k >= 2 && s->fire_single[t->prev];
    /* the current block: at most nb more storeys, value per count n */
    int nb = 0, hq = -1, tq = -1;
    if (!single && k <= c->maxlev[b] && c->F[b] > 0) {
        long long hrem = T->hcap_u[b] - t->h + 1;
        hq = hrem < 0 ? -1 : (int)(hrem / S->q_u);
        if (hq > T->hq_max[b])
            hq = T->hq_max[b];
        int nlev = c->maxlev[b] - (k - 1);
        int nf = (int)floor(far_rem / c->F[b] + 1e-9);
        nb = nlev < nf ? nlev : nf;
        if (hq < 0)
            nb = 0;
        else if (T->M[b][T_IDX(T, b, k, hq)] < nb)
            nb = T->M[b][T_IDX(T, b, k, hq)];
        if (b == 0) {
            double trem = (c->trips_cap_u - (double)t->trips) * 1e-6 / T->qt;
            tq = trem < 0 ? 0 : trem >= T->tq_max ? T->tq_max : (int)floor(trem + 1e-9);
        }
    }
    int nmin = 0;
    if (b == 0 && c->floors > 0) {
        nmin = c->floors - (k - 1);
        if (nmin > nb)
            return -INFINITY; /* cannot reach the fixed floor count */
        nb = nmin;
    }
    bool office_next = b == 0 && c->maxlev[1] > 0;
    int ho = T->hq_max[1];
    double best = -INFINITY;
    int mrem = 0;
    /* storeys still open to each pinned industry: current block, office */
    int pin_cur[PL_MAX_PINS], pin_off[PL_MAX_PINS];
    for (int j = 0; j < c->npin; j++) {
        int i = c->pin_ind[j];
        pin_cur[j] = 0;
        pin_off[j] = 0;
        if (!single)
            for (int kk = k; kk <= c->maxlev[b]; kk++)
                pin_cur[j] += T->elig[b][(size_t)kk * (size_t)s->nind + (size_t)i];
        if (office_next)
            for (int kk = 1; kk <= c->maxlev[1]; kk++)
                pin_off[j] += T->elig[1][(size_t)kk * (size_t)s->nind + (size_t)i];
    }
    double gfa_now = c->F[0] * t->n[0] + c->F[1] * t->n[1];
    double cnt_now = c->F[0] * t->cnt[0] + c->F[1] * t->cnt[1];
    double tall2 = 2; /* a storey counts at most twice */
    for (int n = nmin; n <= nb; n++) {
        int no = 0;
        if (office_next) {
            double rem = far_rem - n * c->F[0];
            no = (int)floor(rem / c->F[1] + 1e-9);
            if (no > c->maxlev[1])
                no = c->maxlev[1];
            if (no < 0)
                no = 0;
        }
        /* can this split still reach current GFA, far_min and the pins? */
        double gfa_max = gfa_now + c->F[b] * n + (office_next ? c->F[1] * no : 0);
        if (gfa_max < c->cur - PL_TOL_M2 - PL_TOL_REL * c->cur)
            continue;
        if (cnt_now + tall2 * (c->F[b] * n + (office_next ? c->F[1] * no : 0)) < c->far_min_m2)
            continue;
        bool pins_ok = true;
        for (int j = 0; j < c->npin && pins_ok; j++) {
            int pc = pin_cur[j] < n ? pin_cur[j] : n;
            int po = pin_off[j] < no ? pin_off[j] : no;
            double g =
                c->F[0] * t->pinc[j][0] + c->F[1] * t->pinc[j][1] + c->F[b] * pc + c->F[1] * po;
            pins_ok = g >= c->pin_min_m2[j];
        }
        if (!pins_ok)
            continue;
        /* office-kind storeys (rule 9): a in the current block, the rest
         * of the budget in the office block to come */
        double budget0 = c->off_share * (gfa_now + c->F[b] * n + (office_next ? c->F[1] * no : 0)) -
                         c->F[0] * t->off[0] - c->F[1] * t->off[1] + PL_TOL_M2 +
                         PL_TOL_REL * gfa_now;
        if (budget0 < 0)
            continue;
        double v = -INFINITY;
        double gt = INFINITY;
        if (n > 0 && b == 0)
            gt = T->Tt[TT_IDX(T, k, tq, n)];
        for (int a = 0; a <= n; a++) {
            double budget = budget0 - c->F[b] * a;
            if (budget < 0 && a > 0)
                break;
            double vv = 0;
            if (n > 0) {
                double g = T->G[b][G_IDX(T, b, k, hq, n, a)];
                vv = c->F[b] * (g < gt ? g : gt);
            }
            if (no > 0) {
                int ao = budget > 0 ? (int)floor(budget / c->F[1] + 1e-9) : 0;
                if (ao > no)
                    ao = no;
                vv += c->F[1] * T->G[1][G_IDX(T, 1, 1, ho, no, ao)];
            }
            if (vv > v)
                v = vv;
        }
        if (v > best)
            best = v;
        if (n + no > mrem)
            mrem = n + no;
    }
    if (!(best > -INFINITY))
        return -INFINITY;
    ub += best;
    if (S->off_chains >= 0 && mrem > 0)
        ub += chain_potential(S, bits);
    if (!S->bonus || mrem == 0)
        return ub;
    /* Link bonuses still to collect: each new industry brings the links to
     * industries present (in full) and to absent ones (half each, since
     * both ends must come); each new storey adds at most one adjacency.
     * Only industries that may still stand on a remaining level count. */
    const uint64_t *pres = bits, *ab = bits + s->words_pres;
    bool any_closed = false;
    for (int x = 0; S->off_closed >= 0 && x < S->words_closed && !any_closed; x++)
        any_closed = bits[S->off_closed + x] != 0;
    double pot[256], abv[512];
    double *potv = s->nind <= 256 ? pot : malloc(sizeof(double) * (size_t)s->nind);
    double *abvv = s->nlink <= 512 ? abv : malloc(sizeof(double) * (size_t)s->nlink);
    if (!potv || !abvv) {
        if (potv != pot)
            free(potv);
        if (abvv != abv)
            free(abvv);
        return INFINITY;
    }
    const unsigned char *pl =
        S->placeable + (size_t)(b * (PL_MAX_LEVELS + 2) + k) * (size_t)s->nind;
    /* industries that may still stand in the current block, and in the
     * office block still to come */
    const unsigned char *pcur =
        S->placeable_blk + (size_t)(b * (PL_MAX_LEVELS + 2) + k) * (size_t)s->nind;
    const unsigned char *poff =
        b == 0 && c->maxlev[1] > 0
            ? S->placeable_blk + (size_t)(PL_MAX_LEVELS + 2 + 1) * (size_t)s->nind
            : NULL;
    int np = 0, na = 0;
    for (int i = 0; i < s->nind; i++) {
        int lb = s->linked_bit[i];
        if (lb < 0 || bit_get(pres, lb) || !pl[i])
            continue;
        double v = 0;
        for (int x = s->inc_start[i]; x < s->inc_start[i + 1]; x++) {
            int l = s->inc[x];
            int o = s->lfrom[l] == i ? s->lto[l] : s->lfrom[l];
            if (o == i || bit_get(pres, s->linked_bit[o]))
                v += s->lw[l] * S->w->sb;
            else if (pl[o])
                v += 0.5 * s->lw[l] * S->w->sb;
        }
        /* hosting i costs at least the value given up on one storey */
        double loss = INFINITY;
        if (pcur[i])
            loss = c->F[b] * (any_closed ? S->delta_open : S->delta)[b * s->nind + i];
        if (poff && poff[i] && c->F[1] * S->delta[s->nind + i] < loss)
            loss = c->F[1] * S->delta[s->nind + i];
        if (v - loss > 0)
            potv[np++] = v - loss;
    }
    for (int l = 0; l < s->nlink; l++) {
        if (bit_get(ab, l))
            continue;
        int f = s->lfrom[l], o = s->lto[l];
        /* an adjacency needs both ends in one block: the current one (the
         * storey below counts) or the office block to come */
        bool cur_ok =
            (pcur[f] || f == t->prev) && (pcur[o] || o == t->prev) && (pcur[f] || pcur[o]);
        bool off_ok = poff && poff[f] && poff[o];
        if (cur_ok || off_ok)
            abvv[na++] = s->lw[l] * S->w->ab;
    }
    ub += sum_top(potv, np, mrem) + sum_top(abvv, na, mrem);
    if (potv != pot)
        free(potv);
    if (abvv != abv)
        free(abvv);
    return ub;
}

static uint64_t hash_words(const uint64_t *k, int n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < n; i++) {
        h ^= k[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
    }
    return h;
}

#define MEMO_HEAD (4 + (PL_MAX_PINS + 3) / 4) /* key words before the bit sets */

static void make_key(srch *S, const pl_state *t, const uint64_t *bits)
{
    uint64_t *k = S->key;
    k[0] = (uint64_t)t->b | (uint64_t)t->k << 8 | (uint64_t)(t->prev + 1) << 16 |
           (uint64_t)t->n[0] << 40;
    k[1] = (uint64_t)t->h;
    k[2] = (uint64_t)t->cnt[0] | (uint64_t)t->cnt[1] << 16 | (uint64_t)t->off[0] << 32 |
           (uint64_t)t->off[1] << 48;
    k[3] = (uint64_t)t->trips;
    for (int w = 4; w < MEMO_HEAD; w++)
        k[w] = 0;
    for (int j = 0; j < S->c->npin; j++) {
        uint64_t v = (uint64_t)t->pinc[j][0] | (uint64_t)t->pinc[j][1] << 8;
        k[4 + j / 4] |= v << (16 * (j % 4));
    }
    memcpy(k + MEMO_HEAD, bits, sizeof(uint64_t) * (size_t)S->W);
}

#define MEMO_MAX ((size_t)1 << 20)

static int memo_grow(srch *S)
{
    size_t ncap = S->cap ? S->cap * 2 : 4096;
    uint64_t *nk = malloc(sizeof(uint64_t) * ncap * (size_t)S->KW);
    memo_ent *ne = calloc(ncap, sizeof *ne);
    if (!nk || !ne) {
        free(nk);
        free(ne);
        return -1;
    }
    for (size_t e = 0; e < S->cap; e++) {
        if (S->ents[e].stamp != S->stamp)
            continue;
        const uint64_t *k = S->keys + e * (size_t)S->KW;
        size_t x = hash_words(k, S->KW) & (ncap - 1);
        while (ne[x].stamp == S->stamp)
            x = (x + 1) & (ncap - 1);
        ne[x] = S->ents[e];
        memcpy(nk + x * (size_t)S->KW, k, sizeof(uint64_t) * (size_t)S->KW);
    }
    free(S->keys);
    free(S->ents);
    S->keys = nk;
    S->ents = ne;
    S->cap = ncap;
    return 0;
}

/* True when an equal-or-better prefix reached this state before. */
static bool memo_seen(srch *S, const pl_state *t, const uint64_t *bits)
{
    if (S->used * 2 >= S->cap && S->cap < MEMO_MAX && memo_grow(S) != 0)
        return false;
    if (S->used * 10 >= S->cap * 9)
        return false; /* full: stop remembering */
    make_key(S, t, bits);
    size_t x = hash_words(S->key, S->KW) & (S->cap - 1);
    for (;;) {
        memo_ent *e = &S->ents[x];
        uint64_t *k = S->keys + x * (size_t)S->KW;
        if (e->stamp != S->stamp) {
            e->stamp = S->stamp;
            e->val = t->val;
            memcpy(k, S->key, sizeof(uint64_t) * (size_t)S->KW);
            S->used++;
            return false;
        }
        if (memcmp(k, S->key, sizeof(uint64_t) * (size_t)S->KW) == 0) {
            if (e->val >= t->val - 1e-9)
                return true;
            e->val = t->val;
            return false;
        }
        x = (x + 1) & (S->cap - 1);
    }
}

static void leaf(srch *S, const pl_state *t)
{
    if (!leaf_ok(S->c, t))
        return;
    pl_search *q = S->q;
    if (q->enumerate) {
        if (t->val >= q->threshold - PL_EPS_VALUE)
            record(S, t);
    } else if (t->val > q->best + PL_EPS_VALUE + 1e-9 * fabs(q->best)) {
        q->best = t->val;
        record(S, t);
    }
}

/* One state per depth of the search. */
typedef struct {
    pl_state st[2 * PL_MAX_LEVELS + 4];
} state_stack;

static void expand(srch *S, pl_state *st, int depth)
{
    pl_state *t = &st[depth];
    uint64_t *bits = S->bits + (size_t)depth * (size_t)S->W;
    pl_search *q = S->q;
    if (S->aborted)
        return;
    q->nodes++;
    if ((q->node_limit > 0 && q->nodes > q->node_limit) ||
        ((q->nodes & 1023) == 0 &&
         ((q->interrupt && *q->interrupt) || (q->deadline > 0 && mono_s() > q->deadline)))) {
        S->aborted = true;
        q->complete = false;
        return;
    }
    double ub = bound(S, t, bits);
    if (q->enumerate ? ub < q->threshold - PL_EPS_VALUE - 1e-9 * fabs(q->threshold)
                     : ub <= q->best + PL_EPS_VALUE + 1e-9 * fabs(q->best))
        return;
    /* In enumerate mode the key holds the storeys per industry too: a
     * prefix reaching the same key with no more value can only produce
     * stacks with the same GFA and less value than one already found. */
    if (memo_seen(S, t, bits))
        return;
    const pl_sc *s = S->s;
    int n = s->nind;
    /* Children in order of immediate gain (index breaks ties). */
    int order[512];
    double gain[512];
    int no = 0;
    int *ord = n <= 512 ? order : malloc(sizeof(int) * (size_t)n);
    double *gn = n <= 512 ? gain : malloc(sizeof(double) * (size_t)n);
    if (!ord || !gn) {
        S->aborted = true;
        q->complete = false;
        if (ord != order)
            free(ord);
        if (gn != gain)
            free(gn);
        return;
    }
    pl_state *u = &st[depth + 1];
    uint64_t *ubits = S->bits + (size_t)(depth + 1) * (size_t)S->W;
    const uint64_t *closed = S->off_closed >= 0 ? bits + S->off_closed : NULL;
    for (int i = 0; i < n; i++) {
        if (closed && s->contig[i] && bit_get(closed, i) && i != t->prev)
            continue; /* constraint 15: a tenant that left this block */
        if (!can_place(S->c, t, i))
            continue;
        place(S, t, bits, i, u, ubits);
        double g = u->val - t->val;
        int x = no++;
        while (x > 0 && gn[x - 1] < g) {
            ord[x] = ord[x - 1];
            gn[x] = gn[x - 1];
            x--;
        }
        ord[x] = i;
        gn[x] = g;
    }
    bool can_stop = t->b == 1 || (t->k >= 2 && (S->c->floors <= 0 || t->k - 1 == S->c->floors));
    bool stop_first = no == 0 || gn[0] <= 0;
    for (int pass = 0; pass < 2 && !S->aborted; pass++) {
        bool do_stop = (pass == 0) == stop_first;
        if (do_stop) {
            if (!can_stop)
                continue;
            if (t->b == 1) {
                leaf(S, t);
            } else if (S->c->maxlev[1] > 0) {
                *u = *t;
                memcpy(ubits, bits, sizeof(uint64_t) * (size_t)S->W);
                u->b = 1;
                u->k = 1;
                u->prev = -1;
                u->h = 0;
                if (S->off_closed >= 0) /* a new block: no tenant closed */
                    memset(ubits + S->off_closed, 0, sizeof(uint64_t) * (size_t)S->words_closed);
                expand(S, st, depth + 1);
            } else {
                leaf(S, t);
            }
        } else {
            for (int x = 0; x < no && !S->aborted; x++) {
                place(S, t, bits, ord[x], u, ubits);
                expand(S, st, depth + 1);
            }
        }
    }
    if (ord != order)
        free(ord);
    if (gn != gain)
        free(gn);
}

/* delta[b*n+i]: for industry i in block b, the least r[i'] − r[i] over
 * industries i' that could replace one storey of i anywhere without
 * breaking a rule: eligible on every level where i is, no taller, not
 * tall when i is not, no more trips, not office-kind unless i is, same
 * vibration class, not single-storey, not pinned.  0 when no such i'
 * exists or i is pinned (swapping it would lose pinned GFA). */
static void pl_deltas(const pl_ctx *c, const pl_weights *w, bool open_only, double *delta)
{
    const pl_sc *s = c->s;
    const pl_rtab *T = c->t;
    int n = s->nind;
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < n; i++) {
            double best = w->r[i];
            bool pinned = false;
            for (int j = 0; j < c->npin; j++)
                pinned |= c->pin_ind[j] == i;
            for (int j = 0; j < n && !pinned; j++) {
                bool capped = false; /* more of j could break its GFA range */
                for (int x = 0; x < c->npin; x++)
                    capped |= c->pin_ind[x] == j && isfinite(c->pin_max_m2[x]);
                if (capped || j == i || (c->allow && !c->allow[j]) || (open_only && s->contig[j]) ||
                    w->r[j] <= best || s->fire_single[j] || s->vib[j] != s->vib[i] ||
                    (s->office_kind[j] && !s->office_kind[i]) || s->trips_u[j] > s->trips_u[i])
                    continue;
                bool ok = true;
                for (int l1 = 0; l1 < 2 && ok; l1++)
                    ok = T->hu[b][l1 * n + j] <= T->hu[b][l1 * n + i] &&
                         (!T->tall[b][l1 * n + j] || T->tall[b][l1 * n + i]);
                for (int k = 1; k <= c->maxlev[b] && ok; k++)
                    if (T->elig[b][(size_t)k * (size_t)n + (size_t)i] &&
                        !T->elig[b][(size_t)k * (size_t)n + (size_t)j])
                        ok = false;
                if (ok)
                    best = w->r[j];
            }
            delta[b * n + i] = best - w->r[i];
        }
}

/* One search over the industries c->allow lets in; q's outputs
 * accumulate over runs (pl_price). */
static int price_run(const pl_ctx *c, const pl_weights *w, pl_search *q)
{
    srch S;
    memset(&S, 0, sizeof S);
    S.c = c;
    S.s = c->s;
    S.w = w;
    S.q = q;
    S.W = c->s->words_pres + c->s->words_ab + (q->enumerate ? (2 * c->s->nind + 7) / 8 : 0);
    S.off_chains = -1;
    if (c->chain_bonus && c->s->nchains > 0) {
        S.off_chains = S.W;
        S.words_chains = (c->s->nchains + 63) / 64;
        S.W += S.words_chains;
    }
    S.off_closed = -1;
    if (c->s->any_contig) {
        S.off_closed = S.W;
        S.words_closed = (c->s->nind + 63) / 64;
        S.W += S.words_closed;
    }
    S.bonus = (w->sb != 0 || w->ab != 0) && c->s->nlink > 0;
    S.KW = MEMO_HEAD + S.W;
    S.stamp = 1;
    S.q_u = llround(c->t->q_m * 1e6);
    int n = c->s->nind;
    S.placeable = calloc((size_t)2 * (PL_MAX_LEVELS + 2) * (size_t)(n > 0 ? n : 1), 1);
    S.placeable_blk = calloc((size_t)2 * (PL_MAX_LEVELS + 2) * (size_t)(n > 0 ? n : 1), 1);
    S.delta = calloc((size_t)2 * (size_t)(n > 0 ? n : 1), sizeof(double));
    S.delta_open = calloc((size_t)2 * (size_t)(n > 0 ? n : 1), sizeof(double));
    if (S.placeable_blk)
        for (int b = 1; b >= 0; b--)
            for (int k = c->maxlev[b]; k >= 1; k--)
                for (int i = 0; i < n; i++) {
                    unsigned char *cell =
                        S.placeable_blk + (size_t)(b * (PL_MAX_LEVELS + 2) + k) * (size_t)n;
                    cell[i] = (c->t->elig[b][(size_t)k * (size_t)n + (size_t)i] &&
                               (!c->allow || c->allow[i])) ||
                              cell[n + i];
                }
    if (S.delta && S.delta_open) {
        pl_deltas(c, w, false, S.delta);
        pl_deltas(c, w, true, S.delta_open);
    }
    if (S.placeable) {
        /* from the level above the factory's top too: the office is
         * still to come there */
        for (int b = 1; b >= 0; b--)
            for (int k = c->maxlev[b] + 1; k >= 1; k--)
                for (int i = 0; i < n; i++) {
                    unsigned char *cell =
                        S.placeable + (size_t)(b * (PL_MAX_LEVELS + 2) + k) * (size_t)n;
                    bool here = k <= c->maxlev[b] &&
                                c->t->elig[b][(size_t)k * (size_t)n + (size_t)i] &&
                                (!c->allow || c->allow[i]);
                    bool above = k <= c->maxlev[b] && cell[n + i];
                    cell[i] =
                        here || above ||
                        (b == 0 &&
                         S.placeable[(size_t)(PL_MAX_LEVELS + 2 + 1) * (size_t)n + (size_t)i]);
                }
    }
    int depth = c->maxlev[0] + c->maxlev[1] + 4;
    state_stack *st = malloc(sizeof *st);
    S.bits = calloc((size_t)(depth + 1) * (size_t)(S.W > 0 ? S.W : 1), sizeof(uint64_t));
    S.key = calloc((size_t)S.KW, sizeof(uint64_t));
    if (!st || !S.bits || !S.key || !S.placeable || !S.placeable_blk || !S.delta || !S.delta_open ||
        memo_grow(&S) != 0) {
        free(S.placeable);
        free(S.placeable_blk);
        free(S.delta);
        free(S.delta_open);
        free(st);
        free(S.bits);
        free(S.key);
        free(S.keys);
        free(S.ents);
        return -1;
    }
    pl_state *t0 = &st->st[0];
    memset(t0, 0, sizeof *t0);
    t0->b = 0;
    t0->k = 1;
    t0->prev = -1;
    t0->val = -w->ev * c->cur;
    expand(&S, st->st, 0);
    free(S.placeable);
    free(S.placeable_blk);
    free(S.delta);
    free(S.delta_open);
    free(st);
    free(S.bits);
    free(S.key);
    free(S.keys);
    free(S.ents);
    return 0;
}

/* Next k-subset of 0..n-1 in lexicographic order (idx ascending); false
 * after the last. */
static bool next_subset(int *idx, int k, int n)
{
    int j = k - 1;
    while (j >= 0 && idx[j] == n - k + j)
        j--;
    if (j < 0)
        return false;
    idx[j]++;
    for (int x = j + 1; x < k; x++)
        idx[x] = idx[x - 1] + 1;
    return true;
}

/* The pricing problem with constraint 14: when a building may hold at most
 * K < (number of chains) chains, one exact search per set of K chains that
 * contains the pinned ones, each over the industries of those chains and
 * the shared ones; the best stack (or every stack above the threshold) over
 * all of them is the best under constraint 14.  The search object is
 * rebuilt per run but q's outputs accumulate (q->found is the only owned
 * output). */
int pl_price(const pl_ctx *c, const pl_weights *w, pl_search *q)
{
    q->complete = true;
    q->found_any = false;
    q->best = q->threshold;
    q->nfound = 0;
    q->nodes = 0;
    if (q->max_found <= 0)
        q->max_found = 1;
    q->found = calloc((size_t)q->max_found, sizeof *q->found);
    if (!q->found)
        return -1;
    if (c->maxlev[0] < 1)
        return 0;
    rtab_weigh(c->t, c->s, w);
    const pl_sc *s = c->s;
    int K = s->chains_max, nc = s->nchains;
    if (q->chain_mask && K == 1 && nc <= K) {
        /* one chain in all: the mask keeps it or leaves the shared
         * industries alone */
        int n = s->nind;
        unsigned char *allow = malloc((size_t)(n > 0 ? n : 1));
        if (!allow)
            return -1;
        for (int i = 0; i < n; i++)
            allow[i] = s->chain_of[i] < 0 || (q->chain_mask >> s->chain_of[i] & 1);
        pl_ctx cc = *c;
        cc.allow = allow;
        int rc = price_run(&cc, w, q);
        free(allow);
        return rc;
    }
    if (K == 0 || nc <= K)
        return price_run(c, w, q); /* no chain can be left out */
    if (c->npchain > K)
        return 0; /* the pins alone ask for more chains than allowed */
    int n = s->nind;
    int *idx = malloc(sizeof(int) * (size_t)K);
    unsigned char *allow = malloc((size_t)(n > 0 ? n : 1));
    if (!idx || !allow) {
        free(idx);
        free(allow);
        return -1;
    }
    pl_ctx cc = *c;
    cc.allow = allow;
    long long limit = q->node_limit;
    int rc = 0;
    for (int x = 0; x < K; x++)
        idx[x] = x;
    do {
        bool has_pins = true;
        for (int j = 0; j < c->npchain && has_pins; j++) {
            bool in = false;
            for (int x = 0; x < K && !in; x++)
                in = idx[x] == c->pchain[j];
            has_pins = in;
        }
        if (!has_pins)
            continue;
        if (q->chain_mask && K == 1 && !(q->chain_mask >> idx[0] & 1))
            continue; /* a branch has ruled this chain out */
        for (int i = 0; i < n; i++) {
            int ch = s->chain_of[i];
            bool in = ch < 0;
            for (int x = 0; x < K && !in; x++)
                in = idx[x] == ch;
            allow[i] = in;
        }
        /* each run its own node budget, so that capped rounds still see
         * every chain */
        long long start = q->nodes;
        if (limit > 0)
            q->node_limit = start + limit;
        bool was_complete = q->complete;
        q->complete = true;
        rc = price_run(&cc, w, q);
        bool cut = !q->complete;
        q->complete = was_complete && q->complete;
        if (rc != 0)
            break;
        if (cut && (limit <= 0 || q->nodes <= start + limit))
            break; /* deadline or interrupt: stop the other runs too */
    } while (next_subset(idx, K, nc));
    q->node_limit = limit;
    free(idx);
    free(allow);
    return rc;
}

void pl_search_free(pl_search *q)
{
    if (!q || !q->found)
        return;
    for (int i = 0; i < q->nfound; i++)
        free(q->found[i].ind);
    free(q->found);
    q->found = NULL;
    q->nfound = 0;
}

/* ---- stacks from scratch --------------------------------------------- */

double pl_stack_value(const pl_ctx *c, const pl_weights *w, const pl_stack *st)
{
    const pl_sc *s = c->s;
    int n = s->nind;
    double v = -w->ev * c->cur;
    for (int b = 0, x = 0; b < 2; b++)
        for (int k = 0; k < st->n[b]; k++, x++)
            v += c->F[b] * w->r[st->ind[x]];
    if ((w->sb == 0 && w->ab == 0) || s->nlink == 0)
        return v;
    bool *pres = calloc((size_t)n, 1);
    bool *adj = calloc((size_t)s->nlink + 1, 1);
    if (!pres || !adj) {
        free(pres);
        free(adj);
        return NAN;
    }
    for (int x = 0; x < st->n[0] + st->n[1]; x++)
        pres[st->ind[x]] = true;
    for (int b = 0, base = 0; b < 2; base += st->n[b], b++)
        for (int k = 1; k < st->n[b]; k++) {
            int a = st->ind[base + k - 1], d = st->ind[base + k];
            for (int x = s->pair_start[a * n + d]; x < s->pair_start[a * n + d + 1]; x++)
                adj[s->pair[x]] = true;
        }
    for (int l = 0; l < s->nlink; l++) {
        if (pres[s->lfrom[l]] && pres[s->lto[l]])
            v += s->lw[l] * w->sb;
        if (adj[l])
            v += s->lw[l] * w->ab;
    }
    free(pres);
    free(adj);
    return v;
}

/* Constraints 14 and 15 on a whole stack. */
static bool chains_and_tenants_ok(const pl_ctx *c, const pl_stack *st)
{
    const pl_sc *s = c->s;
    int tot = st->n[0] + st->n[1];
    if (s->chains_max > 0) {
        int seen[64], ns = 0;
        for (int x = 0; x < tot; x++) {
            int ch = s->chain_of[st->ind[x]];
            bool dup = ch < 0;
            for (int y = 0; y < ns && !dup; y++)
                dup = seen[y] == ch;
            if (dup)
                continue;
            if (ns == s->chains_max || ns == 64)
                return false;
            seen[ns++] = ch;
        }
    }
    for (int b = 0, base = 0; b < 2; base += st->n[b], b++)
        for (int k = 0; k < st->n[b]; k++) {
            int i = st->ind[base + k];
            if (!s->contig[i] || k == 0 || st->ind[base + k - 1] == i)
                continue;
            for (int j = 0; j < k - 1; j++) /* i below, with others between */
                if (st->ind[base + j] == i)
                    return false;
        }
    return true;
}

bool pl_stack_feasible(const pl_ctx *c, const pl_stack *st)
{
    if (!chains_and_tenants_ok(c, st))
        return false;
    pl_state t;
    memset(&t, 0, sizeof t);
    t.prev = -1;
    if (c->maxlev[0] < 1)
        return false;
    for (int b = 0, x = 0; b < 2; b++) {
        t.b = b;
        t.k = 1;
        t.h = 0;
        t.prev = -1;
        if (b == 1 && st->n[1] > 0 && c->maxlev[1] < 1)
            return false;
        for (int k = 0; k < st->n[b]; k++, x++) {
            int i = st->ind[x];
            if (i < 0 || i >= c->s->nind || !can_place(c, &t, i))
                return false;
            const pl_rtab *T = c->t;
            int l1 = t.k == 1 ? 0 : c->s->nind;
            t.h += T->hu[b][l1 + i];
            t.n[b]++;
            t.cnt[b] += T->tall[b][l1 + i] ? 2 : 1;
            if (c->s->office_kind[i])
                t.off[b]++;
            for (int j = 0; j < c->npin; j++)
                if (c->pin_ind[j] == i)
                    t.pinc[j][b]++;
            if (b == 0 && t.k > c->r->ramp_floor)
                t.trips += c->s->trips_u[i];
            t.prev = i;
            t.k++;
        }
    }
    return leaf_ok(c, &t);
}

void pl_msg(char ***msgs, int *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    s = malloc((size_t)len + 1);
    if (!s)
        return;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    char **m = realloc(*msgs, sizeof(char *) * (size_t)(*n + 1));
    if (!m) {
        free(s);
        return;
    }
    *msgs = m;
    m[(*n)++] = s;
}
