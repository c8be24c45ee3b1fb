/*
 * export_model.c - the compact mixed-integer program of the plan
 * (docs/model.md §6, rules 1-15 and the objective), for other solvers: one
 * binary per parcel, block, level and industry, with every rule written as
 * linear constraints and the link bonuses linearised.  Written with GLPK
 * (glp_write_lp / glp_write_mps).  It shares no code with the optimizer, so
 * that solving it (glpsol, cbc) independently checks the optimizer's plans
 * on small zones.
 *
 * The LP file maximises value_m2eq; the MPS file, which has no objective
 * sense, minimises its negative (minus_value_m2eq).
 *
 * Names: y_pP (parcel P redeveloped), x_pP_fK_iI / x_pP_oK_iI (industry I
 * on level K of the factory / office block of parcel P), where P is the
 * parcel's 0-based position in the source and I the industry's in the
 * scenario; u_pP_cC (parcel P holds chain C, numbered by the chain's first
 * non-shared industry: rule 14), start_pP_fK_iI / start_pP_oK_iI (a run of
 * contiguous industry I starts at level K: rule 15); rows are named after
 * the rule they state (height_pP_f, farmax_pP, chains_pP, contiguous_pP_f_iI,
 * demand_iI ...).  The neighbour chain bonus (when the zone's neighbours
 * were found: sl_zone_neighbours) uses h_pP_cC (parcel P holds chain C)
 * and nb_pP_qQ_cC (neighbours P and Q both hold chain C).
 *
 * Parcels in plan.exclude are kept as they are: they have no columns.
 */
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "util/glpk_util.h"

/* Column/row building with a growable sparse row.  An allocation that
 * fails sets *oom and every later call does nothing: the caller checks
 * *oom before writing the model. */
typedef struct row_buf {
    int n, cap;
    int *ind; /* 1-based as GLPK wants */
    double *val;
    bool *oom;
} row_buf;

static void row_reset(row_buf *r)
{
    r->n = 0;
}

static void row_free(row_buf *r)
{
    free(r->ind);
    free(r->val);
    r->ind = NULL;
    r->val = NULL;
    r->n = r->cap = 0;
}

static void row_add(row_buf *r, int col, double v)
{
    if (*r->oom)
        return;
    if (r->n + 2 > r->cap) {
        int cap = r->cap ? 2 * r->cap : 64;
        int *ind = realloc(r->ind, (size_t)cap * sizeof *ind);
        if (!ind) {
            *r->oom = true;
            return;
        }
        r->ind = ind;
        double *val = realloc(r->val, (size_t)cap * sizeof *val);
        if (!val) {
            *r->oom = true;
            return;
        }
        r->val = val;
        r->cap = cap;
    }
    r->n++;
    r->ind[r->n] = col;
    r->val[r->n] = v;
}

/* Add the row; type GLP_UP/GLP_LO/GLP_FX/GLP_DB with bounds lo, up. */
static void row_put(glp_prob *P, row_buf *r, const char *name, int type, double lo, double up)
{
    if (r->n == 0 || *r->oom) {
        row_reset(r);
        return;
    }
    int i = glp_add_rows(P, 1);
    glp_set_row_name(P, i, name);
    glp_set_row_bnds(P, i, type, lo, up);
    glp_set_mat_row(P, i, r->n, r->ind, r->val);
    row_reset(r);
}

static int add_col(glp_prob *P, const char *name, int kind, double lo, double up, double obj)
{
    int j = glp_add_cols(P, 1);
    glp_set_col_name(P, j, name);
    glp_set_col_kind(P, j, kind);
    if (kind == GLP_BV)
        glp_set_col_bnds(P, j, GLP_DB, 0, 1);
    else
        glp_set_col_bnds(P, j, up > lo ? GLP_DB : GLP_FX, lo, up);
    glp_set_obj_coef(P, j, obj);
    return j;
}

static int silent(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

/* The storey height of industry i at level k of block b. */
static double storey_h(const sl_ruleset *r, const sl_industry *in, int b, int k)
{
    return (b == 0 && k == 1) ? fmax(in->floor_height_m, r->ground_floor_height_min_m)
                              : in->floor_height_m;
}

/* Can industry i stand at level k of block b by the rules of one storey
 * (load, hoisting, vibration source, office block, fire class)? */
static bool allowed(const sl_ruleset *r, const sl_industry *in, int b, int k)
{
    if (in->floor_load_kN_m2 > sl_ruleset_load_at(r, k) + 1e-9)
        return false;
    if (in->lift_t > r->freight_lift_t && k > r->ramp_floor)
        return false;
    if (in->vibration == SL_VIB_SOURCE && k > r->vibration_source_max_floor)
        return false;
    if (b == 1 && in->kind != SL_KIND_OFFICE && in->kind != SL_KIND_RND)
        return false;
    if ((in->fire_class == 'A' || in->fire_class == 'B') && k > 1)
        return false;
    return true;
}

/* Is parcel p in the model: a candidate that can be redeveloped and that
 * plan.exclude does not keep as it is? */
static bool modelled(const sl_scenario *sc, const sl_parcel *p)
{
    if (p->status != SL_PARCEL_CANDIDATE || !sl_footprints_redevelopable(&p->plan_fp) ||
        !p->plan_rules || p->excluded)
        return false;
    for (int k = 0; k < sc->n_exclude && p->id; k++)
        if (strcmp(sc->exclude[k], p->id) == 0)
            return false;
    return true;
}

sl_status sl_plan_export_model(const sl_zone *z, const char *path, sl_error *err)
{
    const sl_scenario *sc = z->sc;
    int ni = sc->n_industries;
    if (ni == 0) {
        sl_error_add(err, SL_ERR_SCENARIO, "export-model: the scenario has no industries");
        return SL_ERR_SCENARIO;
    }
    bool oom = false;
    row_buf row = {.oom = &oom};
    char name[256];
    /* Per industry, the columns holding it (for demand rows). */
    row_buf *demand = calloc((size_t)ni, sizeof *demand);
    /* Rule 14: chain[i] = the first industry of i's chain (chains are
     * numbered by it), -1 for shared industries, which count as no chain;
     * present[c] marks the chains a parcel may hold. */
    int *chain = malloc((size_t)ni * sizeof *chain);
    bool *present = malloc((size_t)ni * sizeof *present);
    int *x = NULL; /* x[(b * K + (k-1)) * ni + i], 0 = no column */
    /* The neighbour chain bonus: hc[pi * ni + c] = the column h_pP_cC of a
     * parcel with neighbours, at most 1 and at most its storeys of chain
     * c, so 1 only when the chain is there; 0 = none. */
    bool nbonus = sc->neighbour_chain_bonus_m2 > 0 && z->nb_start;
    int *hc = nbonus ? calloc((size_t)z->n * (size_t)ni, sizeof *hc) : NULL;
    if (!demand || !chain || !present || (nbonus && !hc)) {
        free(demand);
        free(chain);
        free(present);
        free(hc);
        sl_error_add(err, SL_ERR_NOMEM, "export-model: out of memory building the model");
        return SL_ERR_NOMEM;
    }
    for (int i = 0; i < ni; i++) {
        demand[i].oom = &oom;
        chain[i] = -1;
        if (sc->industries[i].shared)
            continue;
        const char *c = sl_industry_chain(&sc->industries[i]);
        for (int j = 0; j <= i && chain[i] < 0; j++)
            if (!sc->industries[j].shared && strcmp(c, sl_industry_chain(&sc->industries[j])) == 0)
                chain[i] = j;
    }
    glp_term_hook(silent, NULL);
    glp_prob *P = glp_create_prob();
    glp_set_prob_name(P, sc->name ? sc->name : "shanglou");
    glp_set_obj_dir(P, GLP_MAX);
    glp_set_obj_name(P, "value_m2eq");
    for (int pi = 0; pi < z->n && !oom; pi++) {
        const sl_parcel *p = &z->p[pi];
        if (!modelled(sc, p))
            continue;
        const sl_ruleset *r = p->plan_rules;
        const sl_footprints *fp = &p->plan_fp;
        double A = p->area_m2;
        double F[2] = {fp->factory_m2, fp->office_m2};
        double H[2] = {r->factory_height_max_m, r->office_height_max_m};
        /* Levels: as many as the lowest storeys allow. */
        int K[2] = {0, 0};
        for (int b = 0; b < 2; b++) {
            if (F[b] <= 0)
                continue;
            double hmin = INFINITY;
            for (int i = 0; i < ni; i++)
                if (b == 0 || sc->industries[i].kind == SL_KIND_OFFICE ||
                    sc->industries[i].kind == SL_KIND_RND)
                    hmin = fmin(hmin, sc->industries[i].floor_height_m);
            if (!isfinite(hmin) || hmin <= 0)
                continue;
            double first = b == 0 ? fmax(hmin, r->ground_floor_height_min_m) : hmin;
            if (first > H[b] + 1e-9)
                continue;
            K[b] = 1 + (int)floor((H[b] - first) / hmin + 1e-9);
            if (K[b] > SL_MAX_FLOORS)
                K[b] = SL_MAX_FLOORS;
        }
        int Kmax = K[0] > K[1] ? K[0] : K[1];
        size_t nx = (size_t)(2 * (Kmax ? Kmax : 1)) * (size_t)ni;
        int *grown = realloc(x, nx * sizeof *x);
        if (!grown) {
            oom = true;
            break;
        }
        x = grown;
        memset(x, 0, nx * sizeof *x);
#define X(b, k, i) x[((b)*Kmax + (k)-1) * ni + (i)]
        snprintf(name, sizeof name, "y_p%d", pi);
        int y = add_col(P, name, GLP_BV, 0, 1, -sc->existing_value * sl_parcel_current_gfa_used(p));
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= K[b]; k++)
                for (int i = 0; i < ni; i++) {
                    const sl_industry *in = &sc->industries[i];
                    if (!allowed(r, in, b, k))
                        continue;
                    snprintf(name, sizeof name, "x_p%d_%c%d_i%d", pi, b ? 'o' : 'f', k, i);
                    X(b, k, i) = add_col(P, name, GLP_BV, 0, 1, F[b] * in->priority);
                    row_add(&demand[i], X(b, k, i), F[b]);
                }
        /* One industry per storey; storeys from level 1 up without gaps;
         * a redeveloped parcel has factory level 1; offices need y. */
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= K[b]; k++) {
                for (int i = 0; i < ni; i++)
                    if (X(b, k, i))
                        row_add(&row, X(b, k, i), 1);
                if (k == 1) {
                    row_add(&row, y, -1);
                    snprintf(name, sizeof name, "level1_p%d_%c", pi, b ? 'o' : 'f');
                    row_put(P, &row, name, b == 0 ? GLP_FX : GLP_UP, 0, 0);
                } else {
                    for (int i = 0; i < ni; i++)
                        if (X(b, k - 1, i))
                            row_add(&row, X(b, k - 1, i), -1);
                    snprintf(name, sizeof name, "nogap_p%d_%c%d", pi, b ? 'o' : 'f', k);
                    row_put(P, &row, name, GLP_UP, 0, 0);
                }
            }
        if (K[0] == 0) {
            /* Not even one factory storey fits: never redeveloped. */
            row_add(&row, y, 1);
            snprintf(name, sizeof name, "nofactory_p%d", pi);
            row_put(P, &row, name, GLP_UP, 0, 0);
        }
        /* 1. heights */
        for (int b = 0; b < 2; b++) {
            for (int k = 1; k <= K[b]; k++)
                for (int i = 0; i < ni; i++)
                    if (X(b, k, i))
                        row_add(&row, X(b, k, i), storey_h(r, &sc->industries[i], b, k));
            snprintf(name, sizeof name, "height_p%d_%c", pi, b ? 'o' : 'f');
            row_put(P, &row, name, GLP_UP, 0, H[b]);
        }
        /* 2. FAR on counted GFA (tall storeys double), both bounds */
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= K[b]; k++)
                for (int i = 0; i < ni; i++)
                    if (X(b, k, i)) {
                        double h = storey_h(r, &sc->industries[i], b, k);
                        row_add(&row, X(b, k, i), (h > r->tall_storey_m ? 2 : 1) * F[b]);
                    }
        int nfar = row.n;
        row_add(&row, y, -r->far_max * A);
        snprintf(name, sizeof name, "farmax_p%d", pi);
        if (r->far_min > 0 && nfar > 0) {
            /* The same terms bounded from below, with y's coefficient
             * changed: put a copy first, since row_put consumes the row. */
            row_buf lo = {.oom = &oom};
            for (int t = 1; t <= row.n; t++)
                row_add(&lo, row.ind[t], t == row.n ? -r->far_min * A : row.val[t]);
            char lo_name[64];
            snprintf(lo_name, sizeof lo_name, "farmin_p%d", pi);
            row_put(P, &lo, lo_name, GLP_LO, 0, 0);
            row_free(&lo);
        }
        row_put(P, &row, name, GLP_UP, 0, 0);
        /* 3. coverage: F_f + F_o (when the office block has storeys) */
        row_add(&row, y, F[0] - r->coverage_min * A);
        for (int i = 0; i < ni && K[1] > 0; i++)
            if (X(1, 1, i))
                row_add(&row, X(1, 1, i), F[1]);
        snprintf(name, sizeof name, "coverage_p%d", pi);
        row_put(P, &row, name, GLP_LO, 0, 0);
        /* 6. vibration: no source next to a sensitive industry */
        for (int b = 0; b < 2; b++)
            for (int k = 1; k < K[b]; k++)
                for (int dir = 0; dir < 2; dir++) {
                    for (int i = 0; i < ni; i++) {
                        sl_vibration v = sc->industries[i].vibration;
                        if (X(b, k, i) && v == (dir ? SL_VIB_SENSITIVE : SL_VIB_SOURCE))
                            row_add(&row, X(b, k, i), 1);
                        if (X(b, k + 1, i) && v == (dir ? SL_VIB_SOURCE : SL_VIB_SENSITIVE))
                            row_add(&row, X(b, k + 1, i), 1);
                    }
                    snprintf(name, sizeof name, "vib_p%d_%c%d_%d", pi, b ? 'o' : 'f', k, dir);
                    row_put(P, &row, name, GLP_UP, 0, 1);
                }
        /* 7. fire class A/B: alone in its block */
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < ni && K[b] >= 2; i++) {
                char fc = sc->industries[i].fire_class;
                if (!X(b, 1, i) || (fc != 'A' && fc != 'B'))
                    continue;
                row_add(&row, X(b, 1, i), 1);
                for (int j = 0; j < ni; j++)
                    if (X(b, 2, j))
                        row_add(&row, X(b, 2, j), 1);
                snprintf(name, sizeof name, "fire_p%d_%c_i%d", pi, b ? 'o' : 'f', i);
                row_put(P, &row, name, GLP_UP, 0, 1);
            }
        /* 9. office industries' share of the parcel's GFA;
         * 11. GFA never below today's */
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= K[b]; k++)
                for (int i = 0; i < ni; i++)
                    if (X(b, k, i))
                        row_add(&row, X(b, k, i),
                                F[b] * ((sc->industries[i].kind == SL_KIND_OFFICE ? 1 : 0) -
                                        r->office_gfa_share_max));
        snprintf(name, sizeof name, "officeshare_p%d", pi);
        row_put(P, &row, name, GLP_UP, 0, 0);
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= K[b]; k++)
                for (int i = 0; i < ni; i++)
                    if (X(b, k, i))
                        row_add(&row, X(b, k, i), F[b]);
        row_add(&row, y, -sl_parcel_current_gfa_used(p));
        snprintf(name, sizeof name, "keepgfa_p%d", pi);
        row_put(P, &row, name, GLP_LO, 0, 0);
        /* 10. lift trips of factory storeys above the ramp floor */
        for (int k = r->ramp_floor + 1; k <= K[0]; k++)
            for (int i = 0; i < ni; i++)
                if (X(0, k, i) && sc->industries[i].trips_per_1000m2_day > 0)
                    row_add(&row, X(0, k, i), sc->industries[i].trips_per_1000m2_day * F[0] / 1000);
        snprintf(name, sizeof name, "freight_p%d", pi);
        row_put(P, &row, name, GLP_UP, 0, r->freight_trips_per_day_max);
        /* 13. pins */
        for (int q = 0; q < sc->n_pins; q++) {
            const sl_pin *pin = &sc->pins[q];
            if (!p->id || strcmp(pin->parcel, p->id) != 0)
                continue;
            glp_set_col_bnds(P, y, GLP_FX, 1, 1);
            for (int b = 0; b < 2; b++)
                for (int k = 1; k <= K[b]; k++)
                    if (X(b, k, pin->industry))
                        row_add(&row, X(b, k, pin->industry), F[b]);
            snprintf(name, sizeof name, "pin_p%d_i%d", pi, pin->industry);
            if (row.n == 0) {
                /* The industry fits no storey: an infeasible row. */
                row_add(&row, y, 0);
            }
            row_put(P, &row, name, GLP_LO, pin->min_gfa_m2, 0);
            if (pin->floors > 0) {
                for (int i = 0; i < ni && pin->floors <= K[0]; i++)
                    if (X(0, pin->floors, i))
                        row_add(&row, X(0, pin->floors, i), 1);
                row_add(&row, y, -1);
                snprintf(name, sizeof name, "pinfloors_p%d", pi);
                row_put(P, &row, name, GLP_FX, 0, 0);
                for (int i = 0; i < ni && pin->floors + 1 <= K[0]; i++)
                    if (X(0, pin->floors + 1, i))
                        row_add(&row, X(0, pin->floors + 1, i), 1);
                snprintf(name, sizeof name, "pintop_p%d", pi);
                row_put(P, &row, name, GLP_UP, 0, 0);
            }
        }
        /* 14. one building, one park: at most chains_per_building_max
         * chains among the parcel's non-shared industries.  u_pP_cC (C: the
         * chain's first industry) is at least every storey holding an
         * industry of chain C (at most one per storey, so one row per
         * storey), and the u add up to at most the limit.  u may stay
         * continuous: the x being binary forces u to 1 for every chain
         * present.  Written only when the parcel could hold more chains
         * than the limit. */
        int cmax = sc->chains_per_building_max;
        int nchains = 0;
        for (int c = 0; c < ni; c++)
            present[c] = false;
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= K[b]; k++)
                for (int i = 0; i < ni; i++)
                    if (X(b, k, i) && chain[i] >= 0 && !present[chain[i]]) {
                        present[chain[i]] = true;
                        nchains++;
                    }
        if (cmax > 0 && nchains > cmax) {
            row_buf sum = {.oom = &oom};
            for (int c = 0; c < ni; c++) {
                if (!present[c])
                    continue;
                snprintf(name, sizeof name, "u_p%d_c%d", pi, c);
                int u = add_col(P, name, GLP_CV, 0, 1, 0);
                row_add(&sum, u, 1);
                for (int b = 0; b < 2; b++)
                    for (int k = 1; k <= K[b]; k++) {
                        for (int i = 0; i < ni; i++)
                            if (X(b, k, i) && chain[i] == c)
                                row_add(&row, X(b, k, i), 1);
                        if (row.n == 0)
                            continue;
                        row_add(&row, u, -1);
                        snprintf(name, sizeof name, "chain_p%d_c%d_%c%d", pi, c, b ? 'o' : 'f', k);
                        row_put(P, &row, name, GLP_UP, 0, 0);
                    }
            }
            snprintf(name, sizeof name, "chains_p%d", pi);
            row_put(P, &sum, name, GLP_UP, 0, cmax);
            row_free(&sum);
        }
        /* Chain indicators of a parcel with neighbours (see hc above). */
        if (nbonus && z->nb_start[pi + 1] > z->nb_start[pi])
            for (int c = 0; c < ni; c++) {
                if (!present[c])
                    continue;
                snprintf(name, sizeof name, "h_p%d_c%d", pi, c);
                hc[(size_t)pi * (size_t)ni + (size_t)c] = add_col(P, name, GLP_CV, 0, 1, 0);
                row_add(&row, hc[(size_t)pi * (size_t)ni + (size_t)c], 1);
                for (int b = 0; b < 2; b++)
                    for (int k = 1; k <= K[b]; k++)
                        for (int i = 0; i < ni; i++)
                            if (X(b, k, i) && chain[i] == c)
                                row_add(&row, X(b, k, i), -1);
                snprintf(name, sizeof name, "inchain_p%d_c%d", pi, c);
                row_put(P, &row, name, GLP_UP, 0, 0);
            }
        /* 15. a contiguous industry occupies consecutive levels of each
         * block: start_pP_bK_iI >= x(k) - x(k-1) marks where a run of its
         * storeys begins, and a block has at most one start.  Written only
         * when the industry may stand on two levels of the block. */
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < ni; i++) {
                if (!sc->industries[i].contiguous)
                    continue;
                int ncols = 0;
                for (int k = 1; k <= K[b]; k++)
                    ncols += X(b, k, i) != 0;
                if (ncols < 2)
                    continue;
                row_buf sum = {.oom = &oom};
                for (int k = 1; k <= K[b]; k++) {
                    if (!X(b, k, i))
                        continue;
                    snprintf(name, sizeof name, "start_p%d_%c%d_i%d", pi, b ? 'o' : 'f', k, i);
                    int st = add_col(P, name, GLP_CV, 0, 1, 0);
                    row_add(&sum, st, 1);
                    row_add(&row, X(b, k, i), 1);
                    if (k > 1 && X(b, k - 1, i))
                        row_add(&row, X(b, k - 1, i), -1);
                    row_add(&row, st, -1);
                    snprintf(name, sizeof name, "run_p%d_%c%d_i%d", pi, b ? 'o' : 'f', k, i);
                    row_put(P, &row, name, GLP_UP, 0, 0);
                }
                snprintf(name, sizeof name, "contiguous_p%d_%c_i%d", pi, b ? 'o' : 'f', i);
                row_put(P, &sum, name, GLP_UP, 0, 1);
                row_free(&sum);
            }
        /* Link bonuses, linearised: s <= [i in p], s <= [j in p];
         * a <= sum of adjacency indicators, each <= both storeys. */
        for (int l = 0; l < sc->n_links; l++) {
            const sl_chain_link *lk = &sc->links[l];
            if (lk->from == lk->to)
                continue;
            int li = lk->from, lj = lk->to;
            snprintf(name, sizeof name, "same_p%d_l%d", pi, l);
            int s = add_col(P, name, GLP_CV, 0, 1, lk->weight * sc->same_building_bonus_m2);
            for (int side = 0; side < 2; side++) {
                int ii = side ? lj : li;
                row_add(&row, s, 1);
                for (int b = 0; b < 2; b++)
                    for (int k = 1; k <= K[b]; k++)
                        if (X(b, k, ii))
                            row_add(&row, X(b, k, ii), -1);
                snprintf(name, sizeof name, "same_p%d_l%d_%d", pi, l, side);
                row_put(P, &row, name, GLP_UP, 0, 0);
            }
            if (sc->adjacent_floor_bonus_m2 == 0)
                continue;
            snprintf(name, sizeof name, "adj_p%d_l%d", pi, l);
            int a = add_col(P, name, GLP_CV, 0, 1, lk->weight * sc->adjacent_floor_bonus_m2);
            row_buf sum = {.oom = &oom};
            row_add(&sum, a, 1);
            for (int b = 0; b < 2; b++)
                for (int k = 1; k < K[b]; k++)
                    for (int order = 0; order < 2; order++) {
                        int lo_i = order ? lj : li, hi_i = order ? li : lj;
                        if (!X(b, k, lo_i) || !X(b, k + 1, hi_i))
                            continue;
                        snprintf(name, sizeof name, "pair_p%d_l%d_%c%d_%d", pi, l, b ? 'o' : 'f', k,
                                 order);
                        int w = add_col(P, name, GLP_CV, 0, 1, 0);
                        row_add(&sum, w, -1);
                        row_add(&row, w, 1);
                        row_add(&row, X(b, k, lo_i), -1);
                        snprintf(name, sizeof name, "pairlo_p%d_l%d_%c%d_%d", pi, l, b ? 'o' : 'f',
                                 k, order);
                        row_put(P, &row, name, GLP_UP, 0, 0);
                        row_add(&row, w, 1);
                        row_add(&row, X(b, k + 1, hi_i), -1);
                        snprintf(name, sizeof name, "pairhi_p%d_l%d_%c%d_%d", pi, l, b ? 'o' : 'f',
                                 k, order);
                        row_put(P, &row, name, GLP_UP, 0, 0);
                    }
            snprintf(name, sizeof name, "adj_p%d_l%d", pi, l);
            row_put(P, &sum, name, GLP_UP, 0, 0);
            row_free(&sum);
        }
#undef X
    }
    /* The neighbour chain bonus: for every pair of neighbours p < q and
     * chain c both may hold, nb_pP_qQ_cC <= h_pP_cC and <= h_qQ_cC earns
     * neighbour_chain_bonus_m2 (a chain there means the parcel is
     * redeveloped). */
    for (int pi = 0; nbonus && pi < z->n && !oom; pi++)
        for (int e = z->nb_start[pi]; e < z->nb_start[pi + 1]; e++) {
            int q = z->nb[e];
            if (q <= pi || q >= z->n)
                continue;
            for (int c = 0; c < ni; c++) {
                int hp = hc[(size_t)pi * (size_t)ni + (size_t)c];
                int hq = hc[(size_t)q * (size_t)ni + (size_t)c];
                if (!hp || !hq)
                    continue;
                snprintf(name, sizeof name, "nb_p%d_q%d_c%d", pi, q, c);
                int w = add_col(P, name, GLP_CV, 0, 1, sc->neighbour_chain_bonus_m2);
                for (int side = 0; side < 2; side++) {
                    row_add(&row, w, 1);
                    row_add(&row, side ? hq : hp, -1);
                    snprintf(name, sizeof name, "nb_p%d_q%d_c%d_%c", pi, q, c, side ? 'q' : 'p');
                    row_put(P, &row, name, GLP_UP, 0, 0);
                }
            }
        }
    /* 13. a pin on a parcel that is not in the model (not a candidate,
     * cannot be redeveloped, excluded, unknown id): an empty row that
     * cannot hold, so that the model is infeasible as the plan is. */
    for (int q = 0; q < sc->n_pins && !oom; q++) {
        bool in = false;
        for (int pi = 0; pi < z->n && !in; pi++)
            in = z->p[pi].id && strcmp(z->p[pi].id, sc->pins[q].parcel) == 0 &&
                 modelled(sc, &z->p[pi]);
        if (in)
            continue;
        snprintf(name, sizeof name, "pin_kept_q%d", q);
        int rr = glp_add_rows(P, 1);
        glp_set_row_name(P, rr, name);
        glp_set_row_bnds(P, rr, GLP_FX, 1, 1);
    }
    /* 12. demand ranges, zone-wide */
    for (int i = 0; i < ni && !oom; i++) {
        const sl_industry *in = &sc->industries[i];
        bool lo = in->demand_min_m2 > 0, up = isfinite(in->demand_max_m2);
        if (!lo && !up) {
            row_reset(&demand[i]);
            continue;
        }
        int type = lo && up ? (in->demand_min_m2 == in->demand_max_m2 ? GLP_FX : GLP_DB)
                   : lo     ? GLP_LO
                            : GLP_UP;
        snprintf(name, sizeof name, "demand_i%d", i);
        if (demand[i].n == 0) {
            /* No column can hold the industry: keep an empty row with
             * its bounds so that the model says so. */
            int rr = glp_add_rows(P, 1);
            glp_set_row_name(P, rr, name);
            glp_set_row_bnds(P, rr, type, in->demand_min_m2, up ? in->demand_max_m2 : 0);
        } else {
            row_put(P, &demand[i], name, type, in->demand_min_m2, up ? in->demand_max_m2 : 0);
        }
    }
    for (int i = 0; i < ni; i++)
        row_free(&demand[i]);
    free(demand);
    free(chain);
    free(present);
    free(hc);
    free(x);
    row_free(&row);
    if (oom) {
        glp_delete_prob(P);
        glp_term_hook(NULL, NULL);
        sl_error_add(err, SL_ERR_NOMEM, "export-model: out of memory building the model");
        return SL_ERR_NOMEM;
    }
    sl_status st = sl_glpk_write_model(P, path, "minus_value_m2eq", err);
    glp_delete_prob(P);
    glp_term_hook(NULL, NULL);
    return st;
}
