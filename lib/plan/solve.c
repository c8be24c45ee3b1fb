/*
 * solve.c - the vertical-layout optimizer (docs/model.md §6): column generation
 * over parcel stacks with a proven Lagrangian bound, then an integer
 * master over the generated stacks (GLPK), then, when the gap is still
 * open, enumeration of every stack that could still improve the plan.
 *
 * Master LP, over the stacks s generated so far for each parcel p:
 *   max  Σ c_s λ_s
 *   s.t. Σ_{s of p} λ_s ≤ 1          (= 1 for pinned parcels)   dual u_p
 *        dmin_i ≤ Σ_s g_{s,i} λ_s ≤ dmax_i   (zone demand)      dual y_i
 * For any y, L(y) = Σ_i y_i·(dmax_i if y_i > 0, dmin_i if y_i < 0)
 *                 + Σ_p max_s (c_s − Σ_i y_i g_{s,i})   (0 = keep, unpinned)
 * bounds every plan from above when the inner max runs over *all* stacks,
 * which the exact per-parcel search (pricing.c) provides.  See
 * docs/optimizer.md.
 */
#include "plan/solver.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval/fit.h"
#include "eval/precheck.h"
#include "util/log.h"

/* Work limits (counts, not seconds, so that a run that finishes within
 * its time limit gives the same plan on any machine). */
#define MIP_PCH_COLS_MAX  2000   /* larger masters branch without pseudocosts */
#define MIP_NODES_FIRST   4000   /* first integer master: branch-and-bound nodes */
#define PRICE_NODES_FAST  4000   /* fast pricing rounds: search nodes per class */
#define ENUM_STACKS_MAX   200000 /* enumeration: stacks in all */
#define ENUM_STACKS_CLASS 3000   /* enumeration: stacks per class */
#define ENUM_ROUND_STACKS 4000   /* a widening round: best stacks in all, times its scale */
#define BP_CG_ROUNDS      40     /* branch and price: pricing rounds per node at most */
#define BP_STRONG         12     /* branch and price: branchings tried per node */
#define BP_DIVE_EVERY     64     /* branch and price: a dive after this many nodes */
#define MIP_FIRST_SHARE   0.25   /* the first integer master: its share of the time left */
#define SEARCH_SHARE      0.3    /* the searches before branch and price: their share of it */
#define DIVE_SEARCH_SHARE 0.3    /* the local search after a dive: its share of it */

static bool rules_equal(const sl_ruleset *a, const sl_ruleset *b)
{
    if (a == b)
        return true;
    return a->far_max == b->far_max && a->far_min == b->far_min &&
           a->factory_height_max_m == b->factory_height_max_m &&
           a->office_height_max_m == b->office_height_max_m && a->coverage_min == b->coverage_min &&
           a->coverage_max == b->coverage_max && a->setback_m == b->setback_m &&
           a->office_footprint_share == b->office_footprint_share &&
           a->office_land_share_max == b->office_land_share_max &&
           a->office_gfa_share_max == b->office_gfa_share_max &&
           a->ground_floor_height_min_m == b->ground_floor_height_min_m &&
           a->standard_floor_height_m == b->standard_floor_height_m &&
           a->office_floor_height_m == b->office_floor_height_m &&
           a->tall_storey_m == b->tall_storey_m && a->n_floor_loads == b->n_floor_loads &&
           memcmp(a->floor_load_max_kN_m2, b->floor_load_max_kN_m2,
                  sizeof(double) *
                      (size_t)(a->n_floor_loads > 0 && a->n_floor_loads <= SL_MAX_FLOOR_LOADS
                                   ? a->n_floor_loads
                                   : 0)) == 0 &&
           a->freight_lift_t == b->freight_lift_t && a->ramp_floor == b->ramp_floor &&
           a->freight_trips_per_day_max == b->freight_trips_per_day_max &&
           a->vibration_source_max_floor == b->vibration_source_max_floor;
}

static bool ctx_equal(const pl_ctx *a, const pl_ctx *b)
{
    if (a->t != b->t || a->A != b->A || a->F[0] != b->F[0] || a->F[1] != b->F[1] ||
        a->cur != b->cur || a->floors != b->floors || a->npin != b->npin || a->pinned != b->pinned)
        return false;
    for (int j = 0; j < a->npin; j++)
        if (a->pin_ind[j] != b->pin_ind[j] || a->pin_min_m2[j] != b->pin_min_m2[j] ||
            a->pin_max_m2[j] != b->pin_max_m2[j])
            return false;
    return true;
}

/* Is parcel p one the plan may redevelop (docs/model.md §6: candidates whose
 * footprint survives the setback)? */
static bool considered(const sl_parcel *p)
{
    return p->status == SL_PARCEL_CANDIDATE && !p->excluded && p->plan_rules &&
           sl_footprints_redevelopable(&p->plan_fp) && p->area_m2 > 0 && p->plan_fp.factory_m2 > 0;
}

static int find_parcel(const sl_zone *z, const char *id)
{
    if (!id)
        return -1;
    for (int i = 0; i < z->n; i++)
        if (z->p[i].id && strcmp(z->p[i].id, id) == 0)
            return i;
    return -1;
}

/* Value of stack k under the current weights (r = prio - y). */
static double stack_val_y(const solver *S, const stk *k)
{
    double v = k->cval;
    for (int g = 0; g < k->ng; g++)
        v -= S->y[k->gi[g]] * k->gv[g];
    return v;
}

/* The bonus duals a stack of class c earns (0 without neighbours). */
static double stack_pi(const solver *S, int c, const stk *k)
{
    const double *pi = S->cls[c].ctx.chain_bonus;
    double v = 0;
    for (int x = 0; pi && x < k->nch; x++)
        v += pi[k->ch[x]];
    return v;
}

/* Phase 1: minimise the artificials alone (certifies infeasibility).
 * Phase 2: the real objective, artificials fixed at 0.
 * Phase 3 (composite): the real objective with the artificials at a large
 * penalty, which usually reaches a feasible master without phase 1's
 * flat pricing problems. */
static void set_phase_costs(solver *S, int phase)
{
    S->phase = phase;
    for (int a = 0; a < S->nart; a++)
        glp_set_obj_coef(S->lp, S->art_cols[a],
                         phase == 1   ? -1.0
                         : phase == 3 ? -S->art_pen[a]
                                      : 0.0);
    for (int c = 0; c < S->ncol; c++) {
        const col *cl = &S->cols[c];
        glp_set_obj_coef(S->lp, S->col0 + c, phase == 1 ? 0.0 : S->cls[cl->cls].stk[cl->s].cval);
    }
    for (int x = 0; x < S->nnb * S->nch; x++)
        glp_set_obj_coef(S->lp, S->nbcol0 + x, phase == 1 ? 0.0 : S->nb_bonus);
    if (phase == 2)
        for (int a = 0; a < S->nart; a++)
            glp_set_col_bnds(S->lp, S->art_cols[a], GLP_FX, 0, 0);
}

static int master_init(solver *S)
{
    glp_prob *lp = S->lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    if (S->npar > 0)
        glp_add_rows(lp, S->npar);
    for (int p = 0; p < S->npar; p++) {
        S->par[p].row = p + 1;
        if (S->par[p].pinned)
            glp_set_row_bnds(lp, p + 1, GLP_FX, 1, 1);
        else
            glp_set_row_bnds(lp, p + 1, GLP_UP, 0, 1);
    }
    bool any_pinned = false;
    for (int p = 0; p < S->npar; p++)
        any_pinned |= S->par[p].pinned;
    int nrow = S->npar;
    for (int i = 0; i < S->nind; i++) {
        double lo = S->dmin[i], hi = S->dmax[i];
        bool has_lo = lo > 0, has_hi = isfinite(hi);
        if (!has_lo && !has_hi)
            continue;
        int r = glp_add_rows(lp, 1);
        nrow = r;
        S->drow[i] = r;
        if (has_lo && has_hi && hi - lo <= 1e-9 * fmax(1, hi))
            glp_set_row_bnds(lp, r, GLP_FX, lo, lo);
        else if (has_lo && has_hi)
            glp_set_row_bnds(lp, r, GLP_DB, lo, hi);
        else if (has_lo)
            glp_set_row_bnds(lp, r, GLP_LO, lo, 0);
        else
            glp_set_row_bnds(lp, r, GLP_UP, 0, hi);
    }
    (void)nrow;
    /* Artificial columns (phase 1): pinned convexity rows, demand minimums,
     * and demand maximums when pins force building. */
    int cap = S->npar + 2 * S->nind + 1;
    /* well above any value one m² can bring (priority, bonuses) */
    double pmax = 0;
    for (int i = 0; i < S->nind; i++)
        pmax = fmax(pmax, fabs(S->s.prio[i]));
    S->pen_m2 = 10 * (1 + pmax);
    S->art_cols = malloc(sizeof(int) * (size_t)cap);
    S->art_pen = malloc(sizeof(double) * (size_t)cap);
    S->art_ub = malloc(sizeof(double) * (size_t)cap);
    if (!S->art_cols || !S->art_pen || !S->art_ub)
        return -1;
    for (int p = 0; p < S->npar; p++)
        if (S->par[p].pinned) {
            int j = glp_add_cols(lp, 1);
            int ind[2] = {0, S->par[p].row};
            double v[2] = {0, 1};
            glp_set_col_bnds(lp, j, GLP_DB, 0, 1);
            glp_set_mat_col(lp, j, 1, ind, v);
            S->art_pen[S->nart] =
                S->pen_m2 * 2 *
                fmax(1, S->z->p[S->par[p].zi].area_m2 * S->z->p[S->par[p].zi].plan_rules->far_max);
            S->art_ub[S->nart] = 1;
            S->art_cols[S->nart++] = j;
        }
    for (int i = 0; i < S->nind; i++) {
        if (!S->drow[i])
            continue;
        if (S->dmin[i] > 0) {
            int j = glp_add_cols(lp, 1);
            int ind[2] = {0, S->drow[i]};
            double v[2] = {0, 1};
            glp_set_col_bnds(lp, j, GLP_DB, 0, S->dmin[i]);
            glp_set_mat_col(lp, j, 1, ind, v);
            S->art_pen[S->nart] = S->pen_m2;
            S->art_ub[S->nart] = S->dmin[i];
            S->art_cols[S->nart++] = j;
        }
        if (isfinite(S->dmax[i]) && any_pinned) {
            int j = glp_add_cols(lp, 1);
            int ind[2] = {0, S->drow[i]};
            double v[2] = {0, -1};
            glp_set_col_bnds(lp, j, GLP_LO, 0, 0);
            glp_set_mat_col(lp, j, 1, ind, v);
            S->art_pen[S->nart] = S->pen_m2;
            S->art_ub[S->nart] = INFINITY;
            S->art_cols[S->nart++] = j;
        }
    }
    /* Neighbour chain bonus: per pair and chain, w <= each side's stacks
     * with the chain (the stacks' coefficients come with their columns). */
    if (S->nnb > 0 && S->nch > 0) {
        int nw = S->nnb * S->nch;
        S->nbrow0 = glp_add_rows(lp, 2 * nw);
        S->nbcol0 = glp_add_cols(lp, nw);
        for (int x = 0; x < nw; x++) {
            glp_set_row_bnds(lp, S->nbrow0 + 2 * x, GLP_UP, 0, 0);
            glp_set_row_bnds(lp, S->nbrow0 + 2 * x + 1, GLP_UP, 0, 0);
            int ind[3] = {0, S->nbrow0 + 2 * x, S->nbrow0 + 2 * x + 1};
            double v[3] = {0, 1, 1};
            glp_set_col_bnds(lp, S->nbcol0 + x, GLP_DB, 0, 1);
            glp_set_mat_col(lp, S->nbcol0 + x, 2, ind, v);
            glp_set_obj_coef(lp, S->nbcol0 + x, S->nb_bonus);
        }
    }
    /* Per parcel a column on its convexity row, fixed at 0 until branch
     * and price uses it (a row held at 1 without a stack); added here so
     * that the stacks' columns stay contiguous from col0. */
    if (S->npar > 0)
        S->part0 = glp_add_cols(lp, S->npar);
    for (int p = 0; p < S->npar; p++) {
        int ind[2] = {0, S->par[p].row};
        double v[2] = {0, 1};
        glp_set_mat_col(lp, S->part0 + p, 1, ind, v);
        glp_set_col_bnds(lp, S->part0 + p, GLP_FX, 0, 0);
    }
    S->col0 = glp_get_num_cols(lp) + 1;
    return 0;
}

/* Solve the master LP (warm start).  Returns 0 when optimal, 1 when the
 * time limit stopped it first (the basis and values are GLPK's last, not
 * optimal; S->timed_out is set), -1 on numerical failure. */
static int master_lp(solver *S)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = S->o->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    parm.meth = GLP_PRIMAL;
    double left = S->deadline - sv_now();
    /* a little grace, so that the last LP of a run is not cut at once */
    parm.tm_lim = left > 1e6 ? 1000000000 : (int)(fmax(left, 0.2) * 1000);
    int rc = glp_simplex(S->lp, &parm);
    if (rc == GLP_ETMLIM) {
        S->timed_out = true;
        return 1;
    }
    if (rc != 0 || glp_get_status(S->lp) != GLP_OPT) {
        /* retry from scratch once: a fresh basis cures most numeric trouble */
        glp_std_basis(S->lp);
        rc = glp_simplex(S->lp, &parm);
        if (rc == GLP_ETMLIM) {
            S->timed_out = true;
            return 1;
        }
        if (rc != 0 || glp_get_status(S->lp) != GLP_OPT)
            return -1;
    }
    S->lp_val = glp_get_obj_val(S->lp);
    return 0;
}

/* Duals of the demand rows, clamped so that L(y) stays valid. */
static void read_duals(solver *S)
{
    for (int i = 0; i < S->nind; i++) {
        double y = S->drow[i] ? glp_get_row_dual(S->lp, S->drow[i]) : 0;
        if (y > 0 && !isfinite(S->dmax[i]))
            y = 0;
        if (y < 0 && !(S->dmin[i] > 0))
            y = 0;
        if (fabs(y) < 1e-12)
            y = 0;
        S->y[i] = y;
    }
    /* Pair rows w - Σλ <= 0: duals ρ >= 0 (clamped: any ρ >= 0 keeps the
     * bound valid).  A parcel's stacks with chain c earn Σ ρ of its rows
     * of c; the pair terms of L are Σ max(0, bonus - ρ_a - ρ_b). */
    if (S->nnb > 0 && S->cls_pi) {
        memset(S->cls_pi, 0, sizeof(double) * (size_t)S->ncls * (size_t)S->nch);
        S->nb_lag = 0;
        for (int e = 0; e < S->nnb; e++)
            for (int c = 0; c < S->nch; c++) {
                int r = S->nbrow0 + 2 * (e * S->nch + c);
                double ra = fmax(0, glp_get_row_dual(S->lp, r));
                double rb = fmax(0, glp_get_row_dual(S->lp, r + 1));
                S->cls_pi[S->par[S->nba[e]].cls * S->nch + c] += ra;
                S->cls_pi[S->par[S->nbb[e]].cls * S->nch + c] += rb;
                S->nb_lag += fmax(0, S->nb_bonus - ra - rb);
            }
    }
}

/* ---- pricing ----------------------------------------------------------- */

/* Price every class under the current y (phase 1: values from y alone;
 * phase 2: priority − y with bonuses).  Adds improving columns; returns the
 * number added, or -1 on failure.  *lag gets L(y) when every search was
 * exhaustive (phase 2), else INFINITY. */
static int price_all(solver *S, int phase, bool seed, long long node_limit, double *lag,
                     bool *all_exact)
{
    for (int i = 0; i < S->nind; i++)
        S->r[i] = (phase == 1 ? 0 : S->s.prio[i]) - S->y[i];
    S->stamp++;
    pl_weights w = {S->r, phase == 1 ? 0 : S->sc->same_building_bonus_m2,
                    phase == 1 ? 0 : S->sc->adjacent_floor_bonus_m2,
                    phase == 1 ? 0 : S->sc->existing_value, S->stamp};
    double L = 0;
    bool exact = true;
    for (int i = 0; i < S->nind; i++)
        L += S->y[i] > 0 ? S->y[i] * S->dmax[i] : S->y[i] < 0 ? S->y[i] * S->dmin[i] : 0;
    if (S->nnb > 0 && S->cls_pi) {
        if (phase == 1 || seed) {
            /* no bonus duals yet (seed) or none in the objective (phase 1);
             * at zero duals every pair may earn its bonus */
            memset(S->cls_pi, 0, sizeof(double) * (size_t)S->ncls * (size_t)S->nch);
            S->nb_lag = S->nb_bonus * S->nnb * (S->s.chains_max > 0 ? S->s.chains_max : S->nch);
        }
        L += S->nb_lag;
    }
    int added = 0;
    double *u = malloc(sizeof(double) * (size_t)(S->npar + 1));
    if (!u)
        return -1;
    for (int p = 0; p < S->npar; p++)
        u[p] = S->lp && glp_get_num_cols(S->lp) > 0 ? glp_get_row_dual(S->lp, S->par[p].row) : 0;
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        double thr = C->ctx.pinned ? -INFINITY : 0;
        for (int k = 0; k < C->nstk; k++) {
            double v = phase == 1 ? stack_val_y(S, &C->stk[k]) - C->stk[k].cval
                                  : stack_val_y(S, &C->stk[k]) + stack_pi(S, c, &C->stk[k]);
            if (v > thr)
                thr = v;
        }
        pl_search q;
        memset(&q, 0, sizeof q);
        q.threshold = isfinite(thr) ? thr : -1e300;
        q.max_found = 3;
        q.deadline = S->deadline;
        q.interrupt = S->o->interrupt;
        /* pinned classes exactly: an empty capped search must not read as
         * "no stack meets the pin" */
        q.node_limit = C->ctx.pinned && seed ? 0 : node_limit;
        if (pl_price(&C->ctx, &w, &q) != 0) {
            free(u);
            return -1;
        }
        C->best_y = q.best;
        C->best_exact = q.complete;
        if (!q.complete)
            exact = false;
        L += (double)C->nparc * ((C->ctx.pinned || q.best > 0) ? q.best : 0);
        for (int f = 0; f < q.nfound; f++) {
            int s = sv_stack_add(S, C, &q.found[f], false);
            if (s == -1) {
                pl_search_free(&q);
                free(u);
                return -1;
            }
            if (s < 0)
                continue;
            double v = q.found[f].value;
            for (int x = 0; x < C->nparc; x++) {
                int pp = C->parc[x];
                if (seed || v > u[pp] + PL_EPS_VALUE) {
                    if (sv_add_column(S, pp, c, s) < 0) {
                        pl_search_free(&q);
                        free(u);
                        return -1;
                    }
                    added++;
                }
            }
        }
        pl_search_free(&q);
        if (sv_stop(S)) {
            exact = false;
            S->timed_out = true;
            break;
        }
    }
    free(u);
    *lag = exact && phase != 1 ? L : INFINITY;
    *all_exact = exact;
    return added;
}

/* ---- the integer master ------------------------------------------------ */

/* Columns of each parcel, CSR over par. */
static int par_columns(const solver *S, int **start, int **list)
{
    int *st = calloc((size_t)S->npar + 1, sizeof *st);
    int *ls = malloc(sizeof(int) * (size_t)(S->ncol + 1));
    if (!st || !ls) {
        free(st);
        free(ls);
        return -1;
    }
    for (int c = 0; c < S->ncol; c++)
        st[S->cols[c].parcel + 1]++;
    for (int p = 0; p < S->npar; p++)
        st[p + 1] += st[p];
    int *fill = malloc(sizeof(int) * (size_t)(S->npar + 1));
    if (!fill) {
        free(st);
        free(ls);
        return -1;
    }
    memcpy(fill, st, sizeof(int) * (size_t)(S->npar + 1));
    for (int c = 0; c < S->ncol; c++)
        ls[fill[S->cols[c].parcel]++] = c;
    free(fill);
    *start = st;
    *list = ls;
    return 0;
}

static double viol1(const solver *S, int i, double g)
{
    double tol = 1e-6 + 1e-9 * fabs(g);
    double v = 0;
    if (g > S->dmax[i] + tol)
        v += g - S->dmax[i];
    if (g < S->dmin[i] - tol)
        v += S->dmin[i] - g;
    return v;
}

/* Change of the total demand violation and objective when parcel p moves
 * from column a to column b (-1 = kept). */
static void move_delta(const solver *S, const double *G, int a, int b, double *dviol, double *dobj)
{
    double dv = 0, d_o = 0;
    const stk *ka = a >= 0 ? sv_col_stk(S, a) : NULL, *kb = b >= 0 ? sv_col_stk(S, b) : NULL;
    if (ka)
        d_o -= ka->cval;
    if (kb)
        d_o += kb->cval;
    /* touched industries: those of a and b */
    for (int pass = 0; pass < 2; pass++) {
        const stk *k = pass == 0 ? ka : kb;
        if (!k)
            continue;
        for (int g = 0; g < k->ng; g++) {
            int i = k->gi[g];
            if (!S->drow[i])
                continue;
            /* skip industries of b already handled with a */
            if (pass == 1 && ka) {
                bool dup = false;
                for (int h = 0; h < ka->ng; h++)
                    if (ka->gi[h] == i)
                        dup = true;
                if (dup)
                    continue;
            }
            double d = 0;
            if (ka)
                for (int h = 0; h < ka->ng; h++)
                    if (ka->gi[h] == i)
                        d -= ka->gv[h];
            if (kb)
                for (int h = 0; h < kb->ng; h++)
                    if (kb->gi[h] == i)
                        d += kb->gv[h];
            dv += viol1(S, i, G[i] + d) - viol1(S, i, G[i]);
        }
    }
    *dviol = dv;
    *dobj = d_o;
}

static void apply_move(const solver *S, double *G, int a, int b)
{
    if (a >= 0) {
        const stk *k = sv_col_stk(S, a);
        for (int g = 0; g < k->ng; g++)
            G[k->gi[g]] -= k->gv[g];
    }
    if (b >= 0) {
        const stk *k = sv_col_stk(S, b);
        for (int g = 0; g < k->ng; g++)
            G[k->gi[g]] += k->gv[g];
    }
}

/* The change of the neighbour chain bonus when parcel p moves to column b
 * (-1 = kept), its neighbours as choice says. */
static double nb_move(const solver *S, int *choice, int p, int b)
{
    if (S->nnb == 0 || S->nb_first[p] == S->nb_first[p + 1])
        return 0;
    int a = choice[p];
    double before = sv_neighbour_share(S, choice, p);
    choice[p] = b;
    double after = sv_neighbour_share(S, choice, p);
    choice[p] = a;
    return 2 * (after - before);
}

/* Rounding and repair: start from the largest λ of each parcel (or the
 * best column when lam is NULL), move parcels between their columns until
 * the demand ranges hold, then improve one parcel at a time.  Returns true
 * with choice[] (column or -1 per parcel) when it found a feasible plan. */
static bool heuristic(solver *S, const double *lam, int *choice, double *value)
{
    int *st, *ls;
    if (par_columns(S, &st, &ls) != 0)
        return false;
    double *G = calloc((size_t)S->nind + 1, sizeof *G);
    if (!G) {
        free(st);
        free(ls);
        return false;
    }
    bool ok = true;
    for (int p = 0; p < S->npar; p++) {
        int best = -1;
        double bv = lam ? 0 : 0, sum = 0;
        for (int x = st[p]; x < st[p + 1]; x++) {
            int c = ls[x];
            double v = lam ? lam[c] : sv_col_stk(S, c)->cval;
            sum += lam ? lam[c] : 0;
            if (best < 0 || v > bv + 1e-12) {
                best = c;
                bv = v;
            }
        }
        if (!S->par[p].pinned) {
            if (lam ? sum < 0.5 : (best >= 0 && bv <= 0))
                best = -1;
        } else if (best < 0) {
            ok = false;
        }
        choice[p] = best;
        if (best >= 0)
            apply_move(S, G, -1, best);
    }
    if (!ok)
        goto done;
    double V = 0;
    for (int i = 0; i < S->nind; i++)
        if (S->drow[i])
            V += viol1(S, i, G[i]);
    for (int it = 0; V > 0 && it < 20 * (S->npar + 10); it++) {
        if ((it & 15) == 15 && sv_stop(S))
            break;
        int bp = -1, bc = -2;
        double bdv = 0, bdo = -INFINITY;
        for (int p = 0; p < S->npar; p++) {
            for (int x = st[p] - 1; x < st[p + 1]; x++) {
                int c = x < st[p] ? -1 : ls[x];
                if (c == choice[p] || (c < 0 && S->par[p].pinned))
                    continue;
                double dv, d_o;
                move_delta(S, G, choice[p], c, &dv, &d_o);
                if (dv > -1e-9 && dv > bdv - 1e-9)
                    continue; /* repairs nothing */
                d_o += nb_move(S, choice, p, c);
                if (dv < bdv - 1e-9 || (dv < -1e-9 && fabs(dv - bdv) <= 1e-9 && d_o > bdo)) {
                    bdv = dv;
                    bdo = d_o;
                    bp = p;
                    bc = c;
                }
            }
        }
        if (bp < 0)
            break;
        apply_move(S, G, choice[bp], bc);
        choice[bp] = bc;
        V = 0;
        for (int i = 0; i < S->nind; i++)
            if (S->drow[i])
                V += viol1(S, i, G[i]);
    }
    if (V > 0) {
        ok = false;
        goto done;
    }
    /* one-parcel improvements that keep every range */
    for (int pass = 0; pass < 50; pass++) {
        bool improved = false;
        for (int p = 0; p < S->npar; p++) {
            int bc = -2;
            double bdo = PL_EPS_VALUE;
            for (int x = st[p] - 1; x < st[p + 1]; x++) {
                int c = x < st[p] ? -1 : ls[x];
                if (c == choice[p] || (c < 0 && S->par[p].pinned))
                    continue;
                double dv, d_o;
                move_delta(S, G, choice[p], c, &dv, &d_o);
                if (dv > 1e-9)
                    continue;
                d_o += nb_move(S, choice, p, c);
                if (d_o > bdo) {
                    bdo = d_o;
                    bc = c;
                }
            }
            if (bc != -2) {
                apply_move(S, G, choice[p], bc);
                choice[p] = bc;
                improved = true;
            }
        }
        if (!improved)
            break;
    }
    *value = sv_plan_value(S, choice);
done:
    free(G);
    free(st);
    free(ls);
    return ok;
}

/* Round the master's current LP values (optimal or not) with the
 * heuristic; the result becomes the incumbent when it is a plan. */
/* A plan from the master's current LP values (optimal or not), rounded
 * and repaired by the heuristic: 1 with choice[] and *value, 0 when the
 * heuristic found none, -1 when out of memory. */
static int lp_plan(solver *S, int *choice, double *value)
{
    double *lam = malloc(sizeof(double) * (size_t)(S->ncol + 1));
    if (!lam)
        return -1;
    for (int c = 0; c < S->ncol; c++)
        lam[c] = glp_get_col_prim(S->lp, S->col0 + c);
    int r = heuristic(S, lam, choice, value) ? 1 : 0;
    free(lam);
    return r;
}

/* Round the master's LP; the result becomes the incumbent when it is a
 * better plan. */
static int round_lp(solver *S)
{
    int *choice = malloc(sizeof(int) * (size_t)(S->npar + 1));
    double hv;
    int r = choice ? lp_plan(S, choice, &hv) : -1;
    if (r > 0)
        sv_take_incumbent(S, choice, hv);
    free(choice);
    return r < 0 ? -1 : 0;
}

typedef struct mip_cb {
    solver *S;
    double *x; /* heuristic solution, 1-based, or NULL */
    bool given;
    double stop_gap;      /* stop once within this of S->bound; <0 never */
    long long node_limit; /* stop after this many nodes; 0 none */
    bool node_stop;       /* stopped by node_limit */
} mip_cb;

static void mip_callback(glp_tree *T, void *info)
{
    mip_cb *cb = info;
    if (sv_stop(cb->S) || (cb->S->mip_deadline > 0 && sv_now() >= cb->S->mip_deadline)) {
        /* interrupt, or a deadline: GLPK's own tm_lim is not checked
         * everywhere */
        glp_ios_terminate(T);
        return;
    }
    switch (glp_ios_reason(T)) {
    case GLP_ISELECT:
        if (cb->node_limit > 0) {
            int a, n, t;
            glp_ios_tree_size(T, &a, &n, &t);
            if (t >= cb->node_limit) {
                cb->node_stop = true;
                glp_ios_terminate(T);
            }
        }
        break;
    case GLP_IHEUR:
        if (cb->x && !cb->given) {
            cb->given = true;
            glp_ios_heur_sol(T, cb->x);
        }
        break;
    case GLP_IBINGO: {
        glp_prob *P = glp_ios_get_prob(T);
        double v = glp_mip_obj_val(P);
        /* GLPK's solution is not reported as the best plan yet: it becomes
         * one only if it meets every demand range exactly (integrality
         * tolerances can round past a maximum; sv_take_incumbent) */
        /* good enough against the proven bound of the whole problem */
        if (cb->stop_gap >= 0 && cb->S->bound - v <= cb->stop_gap * fmax(1, fabs(v)))
            glp_ios_terminate(T);
        break;
    }
    default: break;
    }
}

/* Solve the master with binary λ over the columns generated so far.
 * Returns 0 (incumbent updated when better), -1 on failure; *proved is set
 * when GLPK proved its solution optimal over these columns (mip_gap 0). */
static int integer_master(solver *S, double mip_gap, double stop_gap, long long node_limit,
                          bool *proved)
{
    *proved = false;
    int ncols = glp_get_num_cols(S->lp);
    if (S->npar == 0 || S->ncol == 0)
        return 0;
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->col0 + c, GLP_CV);
    int lr = master_lp(S);
    if (lr < 0)
        return -1;
    double *lam = malloc(sizeof(double) * (size_t)(S->ncol + 1));
    int *choice = malloc(sizeof(int) * (size_t)(S->npar + 1));
    double *x = calloc((size_t)ncols + 1, sizeof *x);
    if (!lam || !choice || !x) {
        free(lam);
        free(choice);
        free(x);
        return -1;
    }
    for (int c = 0; c < S->ncol; c++)
        lam[c] = glp_get_col_prim(S->lp, S->col0 + c);
    double hv;
    bool have_h = heuristic(S, lam, choice, &hv);
    if (have_h)
        sv_take_incumbent(S, choice, hv);
    if (S->have_inc) {
        for (int p = 0; p < S->npar; p++)
            if (S->inc_choice[p] >= 0)
                x[S->col0 + S->inc_choice[p]] = 1;
        /* w = 1 where both parcels of a pair host the chain */
        for (int e = 0; e < S->nnb; e++) {
            int ca = S->inc_choice[S->nba[e]], cb = S->inc_choice[S->nbb[e]];
            if (ca < 0 || cb < 0)
                continue;
            const stk *a = sv_col_stk(S, ca), *b = sv_col_stk(S, cb);
            for (int u = 0; u < a->nch; u++)
                for (int v = 0; v < b->nch; v++)
                    if (a->ch[u] == b->ch[v])
                        x[S->nbcol0 + e * S->nch + a->ch[u]] = 1;
        }
    }
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->col0 + c, GLP_BV);
    double left =
        (S->mip_deadline > 0 && S->mip_deadline < S->deadline ? S->mip_deadline : S->deadline) -
        sv_now();
    int rc = 0;
    if (lr == 0 && left > 0.05 &&
        (stop_gap < 0 || !S->have_inc ||
         S->bound - S->inc_val > stop_gap * fmax(1, fabs(S->inc_val)))) {
        glp_iocp parm;
        glp_init_iocp(&parm);
        parm.msg_lev = S->o->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
        parm.presolve = GLP_OFF;
        parm.tm_lim = left > 2e6 ? 2000000000 : (int)(left * 1000);
        parm.mip_gap = mip_gap;
        /* Pseudocost branching initialises its costs with simplex runs
         * that do not look at the time limit: on a large master (a
         * 1,000-parcel zone) they ran for minutes past it.  Driebeck-
         * Tomlin's heuristic needs no such start. */
        parm.br_tech = S->ncol <= MIP_PCH_COLS_MAX ? GLP_BR_PCH : GLP_BR_DTH;
        parm.bt_tech = GLP_BT_BLB;
        parm.fp_heur = GLP_OFF;
        mip_cb cb = {S, S->have_inc ? x : NULL, false, stop_gap, node_limit, false};
        parm.cb_func = mip_callback;
        parm.cb_info = &cb;
        int r = glp_intopt(S->lp, &parm);
        int ms = glp_mip_status(S->lp);
        if (r == GLP_ETMLIM && sv_now() >= S->deadline)
            S->timed_out = true;
        if (ms == GLP_OPT || ms == GLP_FEAS) {
            for (int p = 0; p < S->npar; p++)
                choice[p] = -1;
            double v = 0;
            for (int c = 0; c < S->ncol; c++)
                if (glp_mip_col_val(S->lp, S->col0 + c) > 0.5) {
                    choice[S->cols[c].parcel] = c;
                    v += sv_col_stk(S, c)->cval;
                }
            sv_take_incumbent(S, choice, v);
            *proved = r == 0 && ms == GLP_OPT && mip_gap == 0;
        } else if (r == 0 && ms == GLP_NOFEAS) {
            *proved = mip_gap == 0;
        } else if (r != 0 && r != GLP_ETMLIM && r != GLP_EMIPGAP && r != GLP_ESTOP) {
            rc = -1;
        }
    }
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->col0 + c, GLP_CV);
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_bnds(S->lp, S->col0 + c, GLP_DB, 0, 1);
    free(lam);
    free(choice);
    free(x);
    return rc;
}

/* Add every stack whose regret under the bound's multipliers is below the
 * gap (they are the only ones a better plan could use).  *exhaustive says
 * whether all were found.  With all_or_nothing, the stacks are only added
 * when every class's list is complete (and the search stops at the first
 * class whose list is not): a partial list cannot prove anything, and on a
 * zone with a wide gap it would only bloat the master. */
static int enumerate_columns(solver *S, bool all_or_nothing, int scale, bool *exhaustive)
{
    *exhaustive = true;
    /* the regret argument needs the bound of the multipliers ybest, not
     * one that branching may have lowered */
    double delta = S->lag_bound - S->inc_val + PL_EPS_VALUE;
    if (!(delta > 0))
        return 0;
    for (int i = 0; i < S->nind; i++)
        S->r[i] = S->s.prio[i] - S->ybest[i];
    memcpy(S->y, S->ybest, sizeof(double) * (size_t)S->nind);
    if (S->cls_pi)
        memcpy(S->cls_pi, S->cls_pibest, sizeof(double) * (size_t)S->ncls * (size_t)S->nch);
    S->stamp++;
    pl_weights w = {S->r, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                    S->sc->existing_value, S->stamp};
    /* scale 0: every stack within the gap, or nothing (a proof); scale
     * k > 0: the best ENUM_ROUND_STACKS × k stacks in all, shared by the
     * classes, so that the master stays small enough to solve. */
    int per_class = ENUM_STACKS_MAX / (S->ncls > 0 ? S->ncls : 1);
    if (per_class > ENUM_STACKS_CLASS)
        per_class = ENUM_STACKS_CLASS;
    if (scale > 0)
        per_class = ENUM_ROUND_STACKS * scale / (S->ncls > 0 ? S->ncls : 1);
    if (per_class < 20)
        per_class = 20;
    pl_search *qs = calloc((size_t)S->ncls + 1, sizeof *qs);
    if (!qs)
        return -1;
    int rc = 0, done = 0;
    for (int c = 0; c < S->ncls; c++, done++) {
        pclass *C = &S->cls[c];
        pl_search *q = &qs[c];
        q->enumerate = true;
        q->threshold = C->best_b - delta;
        q->max_found = per_class;
        q->top_k = scale > 0;
        q->node_limit = (4000000LL / (S->ncls > 0 ? S->ncls : 1) + 20000) * (scale > 0 ? scale : 1);
        q->deadline = S->deadline;
        q->interrupt = S->o->interrupt;
        if (pl_price(&C->ctx, &w, q) != 0) {
            rc = -1;
            done++;
            break;
        }
        if (!q->complete || (q->top_k && q->nfound >= q->max_found))
            *exhaustive = false; /* cut short, or kept only the best */
        if (sv_stop(S)) {
            *exhaustive = false;
            S->timed_out = true;
        }
        if (!*exhaustive && all_or_nothing) {
            done++;
            break;
        }
        if (sv_stop(S)) {
            done++;
            break;
        }
    }
    for (int c = 0; c < done && rc == 0 && (*exhaustive || !all_or_nothing); c++) {
        pclass *C = &S->cls[c];
        pl_search *q = &qs[c];
        for (int f = 0; f < q->nfound && rc == 0; f++) {
            int s = sv_stack_add(S, C, &q->found[f], true);
            if (s == -1)
                rc = -1;
            if (s < 0)
                continue;
            for (int x = 0; x < C->nparc && rc == 0; x++)
                if (sv_add_column(S, C->parc[x], c, s) < 0)
                    rc = -1;
        }
    }
    for (int c = 0; c < done; c++)
        pl_search_free(&qs[c]);
    free(qs);
    return rc;
}

/* ---- column generation -------------------------------------------------- */

static double art_sum(const solver *S)
{
    double s = 0;
    for (int a = 0; a < S->nart; a++)
        s += glp_get_col_prim(S->lp, S->art_cols[a]);
    return s;
}

static void note_bound(solver *S, double lag)
{
    if (lag < S->lag_bound) {
        S->lag_bound = lag;
        if (lag < S->bound)
            S->bound = lag;
        memcpy(S->ybest, S->y, sizeof(double) * (size_t)S->nind);
        if (S->cls_pi)
            memcpy(S->cls_pibest, S->cls_pi, sizeof(double) * (size_t)S->ncls * (size_t)S->nch);
        for (int c = 0; c < S->ncls; c++)
            S->cls[c].best_b = S->cls[c].best_y;
    }
}

/* Returns 0 converged, 1 stopped by time, -1 failure. */
static int cg_loop(solver *S, int phase)
{
    /* Fast rounds cap each search (most finish within the cap and are
     * exact anyway); when a fast round adds nothing, an exact round
     * either proves convergence or finds the missing columns. */
    const long long fast = PRICE_NODES_FAST;
    long long limit = fast;
    double want = phase == 1 ? 0 : fmax(1e-9, S->o->gap / 4);
    for (int round = 1;; round++) {
        double t1 = sv_now();
        int lr = master_lp(S);
        if (lr != 0)
            return lr;
        read_duals(S);
        if (phase == 1 && art_sum(S) <= 1e-6)
            return 0;
        int pw = phase == 1 ? 1 : 2; /* pricing weights */
        double lag;
        bool exact;
        double t2 = sv_now();
        int added = price_all(S, pw, false, limit, &lag, &exact);
        if (added < 0)
            return -1;
        if (S->o->verbose)
            sv_log(S, SL_LOG_TRACE,
                   "plan: phase %d round %d: LP %.1f (%.2f s), pricing %s%s (%.2f s), %d stacks "
                   "added, L(y) %.1f",
                   phase, round, S->lp_val, t2 - t1, limit ? "capped" : "exact",
                   exact ? "" : ", incomplete", sv_now() - t2, added, lag);
        if (pw == 2)
            note_bound(S, lag);
        sv_progress(S);
        if (S->timed_out)
            return 1;
        if (added == 0) {
            if (exact)
                return 0;
            limit = 0;
            continue;
        }
        limit = fast;
        /* close enough: the LP is within a quarter of the requested gap */
        if (phase != 1 && (phase == 2 || art_sum(S) <= 1e-6) &&
            S->bound - S->lp_val <= want * fmax(1, fabs(S->lp_val)))
            return 0;
    }
}

/* ---- branch and price --------------------------------------------------
 *
 * With one chain per building (plan.chains_per_building_max 1), the root
 * LP mixes, on many parcels, stacks of different chains (or a stack and
 * "keep"): 0.6 of a 医药健康 building and 0.4 of a 数字信息 one.  A node
 * of the tree restricts, per parcel, the options left: keep (bit 0) and
 * chain c (bit c + 1; a stack of shared industries only goes with any
 * chain).  Branching on the parcel and option whose LP mass is nearest
 * to one half makes two children: only that option, or every option but
 * it.  Each node is solved by column generation with the pricing
 * restricted to its options (pl_search.chain_mask), and L(y) restricted
 * the same way bounds the node's plans; the tree's bound is the largest
 * bound of the nodes not yet resolved.  Nodes are taken best bound first.
 * A node whose LP is fractional only inside one option per parcel cannot
 * be split by this rule: it stays open (its bound counts) and its LP is
 * rounded for plans.  At the nodes the master runs with every artificial
 * column at its penalty (a parcel that must be rebuilt has one too), so
 * its LP is always feasible; the bound does not depend on it. */

typedef struct bp_range {
    int p, i;      /* parcel (index into par), industry */
    double lo, hi; /* its GFA on the parcel within [lo, hi], m² */
} bp_range;

typedef struct bp_node {
    uint64_t *mask; /* per par: options left */
    bp_range *rg;   /* GFA ranges, one per (parcel, industry) */
    int nrg;
    double bound; /* proven for the node's plans (the parent's until solved) */
} bp_node;

/* A child being weighed: parcel p with options m and, when rg is not
 * NULL, one more range (intersected with the node's). */
typedef struct bp_child {
    int p;
    uint64_t m;
    const bp_range *rg;
} bp_child;

static bool bp_stack_ok(uint64_t m, const stk *k)
{
    return k->nch == 0 ? (m >> 1) != 0 : (m >> (k->ch[0] + 1) & 1) != 0;
}

static double stk_gfa(const stk *k, int i)
{
    for (int x = 0; x < k->ng; x++)
        if (k->gi[x] == i)
            return k->gv[x];
    return 0;
}

static bool bp_range_ok(const bp_range *r, const stk *k)
{
    double g = stk_gfa(k, r->i);
    return g >= r->lo && g <= r->hi;
}

/* May stack k stand on parcel p at node nd (with child ch applied)? */
static bool bp_col_ok(const bp_node *nd, const bp_child *ch, int p, const stk *k)
{
    uint64_t m = ch && ch->p == p ? ch->m : nd->mask[p];
    if (!bp_stack_ok(m, k))
        return false;
    for (int x = 0; x < nd->nrg; x++)
        if (nd->rg[x].p == p && !bp_range_ok(&nd->rg[x], k))
            return false;
    return !(ch && ch->p == p && ch->rg && !bp_range_ok(ch->rg, k));
}

static bool bp_ranged(const bp_node *nd, int p)
{
    for (int x = 0; x < nd->nrg; x++)
        if (nd->rg[x].p == p)
            return true;
    return false;
}

/* Parcel p's row and artificial column for options m: a parcel that may
 * not be kept has its row at 1 (with its artificial column), one that
 * must be kept at 0. */
static void bp_apply_row(solver *S, int p, uint64_t m, int part0)
{
    int row = S->par[p].row;
    if (!(m & 1)) {
        glp_set_row_bnds(S->lp, row, GLP_FX, 1, 1);
        glp_set_col_bnds(S->lp, part0 + p, GLP_DB, 0, 1);
    } else {
        if (m == 1)
            glp_set_row_bnds(S->lp, row, GLP_FX, 0, 0);
        else
            glp_set_row_bnds(S->lp, row, GLP_UP, 0, 1);
        glp_set_col_bnds(S->lp, part0 + p, GLP_FX, 0, 0);
    }
}

static void bp_apply_col(solver *S, int c, const bp_node *nd, const bp_child *ch)
{
    const col *cl = &S->cols[c];
    if (bp_col_ok(nd, ch, cl->parcel, &S->cls[cl->cls].stk[cl->s]))
        glp_set_col_bnds(S->lp, S->col0 + c, GLP_DB, 0, 1);
    else
        glp_set_col_bnds(S->lp, S->col0 + c, GLP_FX, 0, 0);
}

/* Set the master's bounds for a node: columns its options and ranges
 * allow free, others at 0, rows as bp_apply_row says. */
static void bp_apply(solver *S, const bp_node *nd, int part0)
{
    for (int c = 0; c < S->ncol; c++)
        bp_apply_col(S, c, nd, NULL);
    for (int p = 0; p < S->npar; p++)
        bp_apply_row(S, p, nd->mask[p], part0);
}

/* Parcel ch->p alone as the child says (the rest of the node unchanged;
 * ch NULL: as the node says). */
static void bp_apply_parcel(solver *S, const bp_node *nd, int p, const bp_child *ch, int part0)
{
    for (int c = 0; c < S->ncol; c++)
        if (S->cols[c].parcel == p)
            bp_apply_col(S, c, nd, ch);
    bp_apply_row(S, p, ch ? ch->m : nd->mask[p], part0);
}

/* Pricing at a node: per class, once per distinct set of options among
 * its parcels without ranges, and once for each parcel with ranges (its
 * search honours them as GFA limits, pl_ctx_add_range).  Adds improving
 * columns; *lag gets the node's L(y) when every search was exhaustive.
 * Returns the columns added or -1. */
static int bp_price(solver *S, const bp_node *nd, long long node_limit, double *lag,
                    bool *all_exact)
{
    const uint64_t *mask = nd->mask;
    for (int i = 0; i < S->nind; i++)
        S->r[i] = S->s.prio[i] - S->y[i];
    S->stamp++;
    pl_weights w = {S->r, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                    S->sc->existing_value, S->stamp};
    double L = 0;
    bool exact = true;
    for (int i = 0; i < S->nind; i++)
        L += S->y[i] > 0 ? S->y[i] * S->dmax[i] : S->y[i] < 0 ? S->y[i] * S->dmin[i] : 0;
    if (S->nnb > 0 && S->cls_pi)
        L += S->nb_lag;
    int added = 0;
    for (int c = 0; c < S->ncls && added >= 0; c++) {
        pclass *C = &S->cls[c];
        for (int x = 0; x < C->nparc; x++) {
            int p0 = C->parc[x];
            uint64_t m = mask[p0];
            bool ranged = nd->nrg > 0 && bp_ranged(nd, p0);
            bool seen = false; /* priced already for an earlier parcel */
            for (int x2 = 0; x2 < x && !seen && !ranged; x2++)
                seen = mask[C->parc[x2]] == m && !bp_ranged(nd, C->parc[x2]);
            if (seen)
                continue;
            double best = -INFINITY;
            pl_search q;
            memset(&q, 0, sizeof q);
            if (m >> 1) {
                double thr = -INFINITY;
                for (int k = 0; k < C->nstk; k++)
                    if (bp_col_ok(nd, NULL, p0, &C->stk[k])) {
                        double v = stack_val_y(S, &C->stk[k]) + stack_pi(S, c, &C->stk[k]);
                        if (v > thr)
                            thr = v;
                    }
                pl_ctx cc = C->ctx;
                for (int r = 0; r < nd->nrg && ranged; r++)
                    if (nd->rg[r].p == p0 &&
                        pl_ctx_add_range(&cc, nd->rg[r].i, nd->rg[r].lo, nd->rg[r].hi) != 0)
                        return -1; /* bp_choose leaves room: not reached */
                q.threshold = isfinite(thr) ? thr : -1e300;
                q.max_found = 3;
                q.deadline = S->deadline;
                q.interrupt = S->o->interrupt;
                q.node_limit = node_limit;
                q.chain_mask = m >> 1;
                if (pl_price(&cc, &w, &q) != 0)
                    return -1;
                if (!q.complete)
                    exact = false;
                best = q.best > -1e299 ? q.best : -INFINITY;
            }
            for (int x2 = x; x2 < C->nparc; x2++) {
                int pp = C->parc[x2];
                if (ranged ? pp != p0 : mask[pp] != m || bp_ranged(nd, pp))
                    continue;
                double u = glp_get_row_dual(S->lp, S->par[pp].row);
                L += (m & 1) ? fmax(0, best) : best;
                int got = 0;
                for (int f = 0; f < q.nfound; f++) {
                    int s = sv_stack_add(S, C, &q.found[f], false);
                    if (s == -1) {
                        pl_search_free(&q);
                        return -1;
                    }
                    if (s < -1)
                        s = -(s + 3); /* the class has it: maybe not this parcel */
                    if (q.found[f].value > u + PL_EPS_VALUE && sv_col_find(S, pp, s) < 0) {
                        if (sv_add_column(S, pp, c, s) < 0) {
                            pl_search_free(&q);
                            return -1;
                        }
                        added++;
                        got++;
                    }
                }
                if (!got && best > u + PL_EPS_VALUE) {
                    /* the best is a stack the class has (the threshold)
                     * but this parcel has no column of: add it */
                    int ks = -1;
                    double kv = -INFINITY;
                    for (int k = 0; k < C->nstk; k++) {
                        double v = stack_val_y(S, &C->stk[k]) + stack_pi(S, c, &C->stk[k]);
                        if (v > kv && v > u + PL_EPS_VALUE && bp_col_ok(nd, NULL, pp, &C->stk[k]) &&
                            sv_col_find(S, pp, k) < 0) {
                            kv = v;
                            ks = k;
                        }
                    }
                    if (ks >= 0) {
                        if (sv_add_column(S, pp, c, ks) < 0) {
                            pl_search_free(&q);
                            return -1;
                        }
                        added++;
                    }
                }
            }
            pl_search_free(&q);
            if (sv_stop(S)) {
                S->timed_out = true;
                *lag = INFINITY;
                *all_exact = false;
                return added;
            }
        }
    }
    *lag = exact ? L : INFINITY;
    *all_exact = exact;
    return added;
}

/* Column generation at a node.  Returns 0 (solved; *bound its L), 1 the
 * time is up, -1 failure. */
static int bp_solve_node(solver *S, const bp_node *nd, int part0, double *bound)
{
    long long limit = PRICE_NODES_FAST;
    *bound = INFINITY;
    for (int round = 0; round < BP_CG_ROUNDS; round++) {
        bp_apply(S, nd, part0); /* new columns start free */
        int lr = master_lp(S);
        if (lr != 0)
            return lr;
        read_duals(S);
        double lag;
        bool exact;
        int added = bp_price(S, nd, limit, &lag, &exact);
        if (added < 0)
            return -1;
        if (lag < *bound)
            *bound = lag;
        if (S->timed_out || sv_stop(S))
            return 1;
        if (added == 0) {
            if (exact)
                break;
            limit = 0;
            continue;
        }
        limit = PRICE_NODES_FAST;
        if (*bound - S->lp_val <= 1e-6 * fmax(1, fabs(S->lp_val)))
            break;
    }
    bp_apply(S, nd, part0);
    return master_lp(S) == 0 ? 0 : -1;
}

/* A branching: parcel p and option o (o >= 0: that option only, or every
 * other), or industry i with threshold t (o < 0: its GFA on p at most t,
 * or at least t). */
typedef struct bp_cand {
    int p, o, i;
    double t, f; /* f: the LP mass on the smaller side */
} bp_cand;

/* Keep the BP_STRONG candidates with the largest f, in order. */
static void bp_cand_keep(bp_cand *cd, int *nc, bp_cand x)
{
    int at = *nc;
    while (at > 0 && x.f > cd[at - 1].f + 1e-9)
        at--;
    if (at >= BP_STRONG)
        return;
    if (*nc < BP_STRONG)
        (*nc)++;
    for (int k = *nc - 1; k > at; k--)
        cd[k] = cd[k - 1];
    cd[at] = x;
}

/* The two children of candidate x at node nd. */
static void bp_children(const bp_node *nd, const bp_cand *x, bp_child ch[2], bp_range rg[2])
{
    uint64_t m = nd->mask[x->p];
    if (x->o >= 0) {
        uint64_t only = 1ULL << x->o;
        ch[0] = (bp_child){x->p, only, NULL};
        ch[1] = (bp_child){x->p, m & ~only, NULL};
        return;
    }
    rg[0] = (bp_range){x->p, x->i, -INFINITY, x->t};
    rg[1] = (bp_range){x->p, x->i, x->t, INFINITY};
    ch[0] = (bp_child){x->p, m, &rg[0]};
    ch[1] = (bp_child){x->p, m & ~1ULL, &rg[1]}; /* some GFA: not kept */
}

/* Rule 2 candidates: where every parcel's LP mass sits in one option,
 * a parcel whose stacks in the LP hold different GFAs of an industry i:
 * the threshold t between two of those GFAs that splits the mass nearest
 * to one half (t a little above the lower GFA: areas match within 1e-6
 * relative).  A parcel only gets another range while its search has room
 * for it (PL_MAX_PINS). */
static void bp_gfa_cands(solver *S, const bp_node *nd, bp_cand *cd, int *nc)
{
    double *g = malloc(sizeof(double) * (size_t)(S->ncol + 1));
    double *l = malloc(sizeof(double) * (size_t)(S->ncol + 1));
    int *sup = malloc(sizeof(int) * (size_t)(S->ncol + 1));
    if (!g || !l || !sup) {
        free(g);
        free(l);
        free(sup);
        return;
    }
    int *first = NULL, *list = NULL;
    if (par_columns(S, &first, &list) != 0) {
        free(g);
        free(l);
        free(sup);
        return;
    }
    for (int p = 0; p < S->npar; p++) {
        int ns = 0, nr = 0;
        for (int x = first[p]; x < first[p + 1]; x++) {
            int c = list[x];
            double v = glp_get_col_prim(S->lp, S->col0 + c);
            if (v > 1e-9)
                sup[ns++] = c;
        }
        if (ns < 2)
            continue;
        for (int r = 0; r < nd->nrg; r++)
            nr += nd->rg[r].p == p;
        bool room = S->cls[S->par[p].cls].ctx.npin + nr < PL_MAX_PINS;
        for (int i = 0; i < S->nind; i++) {
            bool ranged = false; /* a range on (p, i) already: intersected */
            for (int r = 0; r < nd->nrg && !ranged; r++)
                ranged = nd->rg[r].p == p && nd->rg[r].i == i;
            if (!room && !ranged)
                continue;
            double tot = 0;
            for (int x = 0; x < ns; x++) {
                g[x] = stk_gfa(sv_col_stk(S, sup[x]), i);
                l[x] = glp_get_col_prim(S->lp, S->col0 + sup[x]);
                tot += l[x];
            }
            /* sort by GFA (few entries) */
            for (int a = 1; a < ns; a++)
                for (int b = a; b > 0 && g[b] < g[b - 1]; b--) {
                    double t = g[b];
                    g[b] = g[b - 1];
                    g[b - 1] = t;
                    t = l[b];
                    l[b] = l[b - 1];
                    l[b - 1] = t;
                }
            double below = 0;
            for (int x = 0; x + 1 < ns; x++) {
                below += l[x];
                double eps = 1e-6 * (1 + g[x]);
                if (g[x + 1] - g[x] <= 2 * eps)
                    continue;
                double f = fmin(below, tot - below);
                if (f > 1e-6)
                    bp_cand_keep(cd, nc, (bp_cand){p, -1, i, g[x] + eps, f});
            }
        }
    }
    free(first);
    free(list);
    free(g);
    free(l);
    free(sup);
}

/* LP mass per option of parcel p (mass[0] keep, mass[c + 1] chain c;
 * shared-only stacks count for no chain) over its columns first[p] ..;
 * returns the mass on stacks. */
static double bp_masses(const solver *S, const int *first, const int *list, int p, double *mass)
{
    for (int o = 0; o <= S->nch; o++)
        mass[o] = 0;
    double tot = 0;
    for (int x = first[p]; x < first[p + 1]; x++) {
        int c = list[x];
        double l = glp_get_col_prim(S->lp, S->col0 + c);
        if (l <= 1e-9)
            continue;
        const stk *k = sv_col_stk(S, c);
        tot += l;
        if (k->nch > 0)
            mass[k->ch[0] + 1] += l;
    }
    mass[0] = 1 - tot;
    return tot;
}

/* The branching: among the BP_STRONG candidates of the node's LP nearest
 * to one half (options first: rule 1; GFA ranges when no option is
 * fractional: rule 2), the one whose two children lose the most LP value
 * (the product of the losses, each at least a small epsilon; the
 * children's LPs over the columns so far, without pricing).  Returns
 * false when nothing is fractional.  The node's bounds and LP are as
 * before on return. */
static bool bp_choose(solver *S, const bp_node *nd, int part0, bp_cand *out, double *mass)
{
    bp_cand cd[BP_STRONG];
    int nc = 0;
    const uint64_t *mask = nd->mask;
    int *first = NULL, *list = NULL;
    if (par_columns(S, &first, &list) != 0)
        return false;
    for (int p = 0; p < S->npar; p++) {
        if (!(mask[p] & (mask[p] - 1)))
            continue; /* one option left: nothing to split */
        bp_masses(S, first, list, p, mass);
        if (!(mask[p] & 1))
            mass[0] = 0;
        for (int o = 0; o <= S->nch; o++) {
            double f = fmin(mass[o], 1 - mass[o]);
            if ((mask[p] >> o & 1) && f > 1e-6)
                bp_cand_keep(cd, &nc, (bp_cand){p, o, -1, 0, f});
        }
    }
    free(first);
    free(list);
    if (nc == 0)
        bp_gfa_cands(S, nd, cd, &nc);
    if (nc == 0)
        return false;
    if (nc == 1) {
        *out = cd[0];
        return true;
    }
    double base = S->lp_val, best = -1;
    int pick = 0;
    for (int x = 0; x < nc && !sv_stop(S); x++) {
        bp_child ch[2];
        bp_range rg[2];
        bp_children(nd, &cd[x], ch, rg);
        double loss[2];
        for (int k = 0; k < 2; k++) {
            if (!ch[k].m) {
                loss[k] = INFINITY;
                continue;
            }
            bp_apply_parcel(S, nd, cd[x].p, &ch[k], part0);
            loss[k] = master_lp(S) == 0 ? fmax(base - S->lp_val, 0) : INFINITY;
        }
        bp_apply_parcel(S, nd, cd[x].p, NULL, part0);
        double score = fmax(loss[0], 1e-3) * fmax(loss[1], 1e-3);
        if (score > best) {
            best = score;
            pick = x;
        }
    }
    master_lp(S);         /* the node's LP again (its values serve the caller) */
    S->timed_out = false; /* a cut-short child LP is not the end */
    *out = cd[pick];
    return true;
}

static bool bp_integral(const solver *S, int part0, int *choice)
{
    for (int p = 0; p < S->npar; p++)
        if (glp_get_col_prim(S->lp, part0 + p) > 1e-6)
            return false; /* a row held by its artificial is no plan */
    for (int p = 0; p < S->npar; p++)
        choice[p] = -1;
    for (int c = 0; c < S->ncol; c++) {
        double l = glp_get_col_prim(S->lp, S->col0 + c);
        if (l > 1e-6 && l < 1 - 1e-6)
            return false;
        if (l >= 1 - 1e-6)
            choice[S->cols[c].parcel] = c;
    }
    return art_sum(S) <= 1e-6;
}

static void bp_node_free(bp_node *nd)
{
    free(nd->mask);
    free(nd->rg);
    nd->mask = NULL;
    nd->rg = NULL;
}

/* The children of nd for candidate x: nd itself becomes the second.
 * Returns 0, or -1 when out of memory (nd unchanged). */
static int bp_split(const solver *S, bp_node *nd, const bp_cand *x, bp_node *kid)
{
    int np = S->npar;
    bp_child ch[2];
    bp_range rg[2];
    bp_children(nd, x, ch, rg);
    int extra = x->o < 0 ? 1 : 0;
    kid->mask = malloc(sizeof(uint64_t) * (size_t)(np + 1));
    kid->rg = malloc(sizeof(bp_range) * (size_t)(nd->nrg + extra + 1));
    bp_range *rg1 = extra ? realloc(nd->rg, sizeof(bp_range) * (size_t)(nd->nrg + 2)) : nd->rg;
    if (!kid->mask || !kid->rg || (extra && !rg1)) {
        free(kid->mask);
        free(kid->rg);
        if (rg1)
            nd->rg = rg1;
        return -1;
    }
    nd->rg = rg1;
    memcpy(kid->mask, nd->mask, sizeof(uint64_t) * (size_t)np);
    if (nd->nrg > 0) /* the root has no ranges (rg NULL) */
        memcpy(kid->rg, nd->rg, sizeof(bp_range) * (size_t)nd->nrg);
    kid->nrg = nd->nrg;
    kid->bound = nd->bound;
    kid->mask[x->p] = ch[0].m;
    nd->mask[x->p] = ch[1].m;
    if (extra) {
        /* intersect with a range on the same (parcel, industry) */
        bp_node *both[2] = {kid, nd};
        for (int k = 0; k < 2; k++) {
            bp_node *n = both[k];
            int r = 0;
            while (r < n->nrg && !(n->rg[r].p == x->p && n->rg[r].i == x->i))
                r++;
            if (r == n->nrg)
                n->rg[n->nrg++] = rg[k];
            else {
                n->rg[r].lo = fmax(n->rg[r].lo, rg[k].lo);
                n->rg[r].hi = fmin(n->rg[r].hi, rg[k].hi);
            }
        }
    }
    return 0;
}

static int cand_by_mass(const void *a, const void *b)
{
    const bp_cand *x = a, *y = b;
    if (x->o != y->o)
        return x->o < y->o ? -1 : 1;
    if (x->f != y->f)
        return x->f > y->f ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

/* The chains of a dive: the LP's area per chain (Σ over parcels of its
 * mass on the chain × the parcel's area) is its quota; in turn, the chain
 * with the most quota left takes, of the parcels still free, the one with
 * the most mass on it.  Parcels left over keep their best chain.  Taking
 * each parcel's own best chain instead left the chains that the LP spread
 * thinly over many parcels (those with demand minimums to meet) without
 * parcels.  d->mask gets one chain per parcel (and keeping, where nd
 * allows it).  Returns 0 or -1 (out of memory). */
/* A parcel's floor space as the LP sees it: the largest GFA of its
 * columns (1 when it has none). */
static double dive_cap(const solver *S, const int *first, const int *list, int p)
{
    double m = 0;
    for (int x = first[p]; x < first[p + 1]; x++) {
        const stk *k = sv_col_stk(S, list[x]);
        double g = 0;
        for (int y = 0; y < k->ng; y++)
            g += k->gv[y];
        m = fmax(m, g);
    }
    return m > 0 ? m : 1;
}

/* Same-chain neighbours of parcel p under the labels lab (chain or -1),
 * by chain: nbc[c] for every chain c. */
static void polish_counts(const solver *S, const int *lab, int p, int *nbc)
{
    for (int c = 0; c < S->nch; c++)
        nbc[c] = 0;
    for (int x = S->nb_first[p]; x < S->nb_first[p + 1]; x++) {
        int q = sv_nb_other(S, x, p);
        if (lab[q] >= 0)
            nbc[lab[q]]++;
    }
}

static int polish_same(const solver *S, const int *lab)
{
    int n = 0;
    for (int e = 0; e < S->nnb; e++)
        n += lab[S->nba[e]] >= 0 && lab[S->nba[e]] == lab[S->nbb[e]];
    return n;
}

/* The dive's chains, polished for the neighbour chain bonus.  The LP
 * earns the whole bonus of a group of neighbours by giving every one of
 * them the same mixture of chains; the quota assignment then cuts such a
 * group into scattered pieces of each chain, and every neighbour pair
 * across two chains loses its bonus.  Here parcels move between chains
 * (alone, or two swapping theirs) when their value under the node's
 * demand duals (the best of their columns with the chain: c_s − Σ y_i
 * g_{s,i}) plus the bonus of their same-chain neighbours rises, and each
 * chain's floor space stays within half a parcel of its quota (or no
 * further from it than before).  Deterministic: parcels in index order,
 * passes until nothing improves. */
static void dive_polish(const solver *S, const bp_node *nd, const int *first, const int *list,
                        const double *cap, const double *quota, uint64_t *mask)
{
    int np = S->npar, nc = S->nch;
    if (S->nnb == 0 || nc < 2 || !(S->nb_bonus > 0))
        return;
    double *u = malloc(sizeof(double) * (size_t)np * (size_t)nc + 1);
    double *y = malloc(sizeof(double) * (size_t)(S->nind + 1));
    int *lab = malloc(sizeof(int) * (size_t)(np + 1));
    int *nbp = malloc(sizeof(int) * (size_t)(nc + 1)),
        *nbq = malloc(sizeof(int) * (size_t)(nc + 1));
    double *load = calloc((size_t)nc + 1, sizeof(double));
    if (!u || !y || !lab || !nbp || !nbq || !load)
        goto out;
    for (int i = 0; i < S->nind; i++)
        y[i] = S->drow[i] ? glp_get_row_dual(S->lp, S->drow[i]) : 0;
    for (int p = 0; p < np; p++) {
        lab[p] = -1;
        for (int c = 0; c < nc; c++) {
            u[(size_t)p * nc + c] = -INFINITY;
            if ((mask[p] >> (c + 1)) & 1)
                lab[p] = c;
        }
        for (int x = first[p]; x < first[p + 1]; x++) {
            const stk *k = sv_col_stk(S, list[x]);
            if (k->nch != 1 || !((nd->mask[p] >> (k->ch[0] + 1)) & 1))
                continue;
            double v = k->cval;
            for (int j = 0; j < k->ng; j++)
                v -= y[k->gi[j]] * k->gv[j];
            double *t = &u[(size_t)p * nc + k->ch[0]];
            *t = fmax(*t, v);
        }
        if (lab[p] >= 0 && !isfinite(u[(size_t)p * nc + lab[p]]))
            lab[p] = -1; /* not a chain this parcel has columns of: leave it */
        if (lab[p] >= 0)
            load[lab[p]] += cap[p];
    }
    double B = S->nb_bonus;
    int e0 = polish_same(S, lab), nmoves = 0, pass;
    for (pass = 0; pass < 100; pass++) {
        bool moved = false;
        for (int p = 0; p < np; p++) {
            int a = lab[p];
            if (a < 0)
                continue;
            polish_counts(S, lab, p, nbp);
            double best = 1e-6 * fmax(1, B);
            int bb = -1, bq = -1;
            for (int b = 0; b < nc; b++) {
                if (b == a || !isfinite(u[(size_t)p * nc + b]))
                    continue;
                double g1 = u[(size_t)p * nc + b] - u[(size_t)p * nc + a] + B * (nbp[b] - nbp[a]);
                /* alone: the loads must stay near their quotas */
                double da0 = fabs(load[a] - quota[a]), db0 = fabs(load[b] - quota[b]);
                double da1 = fabs(load[a] - cap[p] - quota[a]),
                       db1 = fabs(load[b] + cap[p] - quota[b]);
                if (g1 > best && da1 <= fmax(da0, 0.5 * cap[p]) && db1 <= fmax(db0, 0.5 * cap[p])) {
                    best = g1;
                    bb = b;
                    bq = -1;
                }
                /* with a parcel of chain b taking chain a */
                for (int q = 0; q < np; q++) {
                    if (lab[q] != b || !isfinite(u[(size_t)q * nc + a]))
                        continue;
                    double ub = u[(size_t)q * nc + a] - u[(size_t)q * nc + b];
                    /* its neighbours bound what it can gain: skip the counts */
                    if (g1 + ub + B * (S->nb_first[q + 1] - S->nb_first[q]) <= best)
                        continue;
                    polish_counts(S, lab, q, nbq);
                    double g = g1 + ub + B * (nbq[a] - nbq[b]);
                    if (sv_neighbours(S, p, q))
                        g -= 2 * B;
                    double d = cap[q] - cap[p];
                    double da = fabs(load[a] + d - quota[a]), db = fabs(load[b] - d - quota[b]);
                    double tol = 0.5 * fmin(cap[p], cap[q]);
                    if (g > best && da <= fmax(da0, tol) && db <= fmax(db0, tol)) {
                        best = g;
                        bb = b;
                        bq = q;
                    }
                }
            }
            if (bb < 0)
                continue;
            lab[p] = bb;
            load[a] -= cap[p];
            load[bb] += cap[p];
            if (bq >= 0) {
                lab[bq] = a;
                load[bb] -= cap[bq];
                load[a] += cap[bq];
            }
            moved = true;
            nmoves++;
        }
        if (!moved)
            break;
    }
    if (S->o->verbose)
        sv_log(S, SL_LOG_TRACE,
               "plan: dive: %d of %d neighbour pairs share a chain, %d after %d moves in %d passes",
               e0, S->nnb, polish_same(S, lab), nmoves, pass);
    for (int p = 0; p < np; p++)
        if (lab[p] >= 0)
            mask[p] = (mask[p] & 1) | 1ULL << (lab[p] + 1);
out:
    free(u);
    free(y);
    free(lab);
    free(nbp);
    free(nbq);
    free(load);
}

static int dive_chains(solver *S, const bp_node *nd, bp_node *d, double *mass)
{
    int np = S->npar, nc = S->nch, npair = 0, rc = -1, *first = NULL, *list = NULL;
    double *quota = calloc((size_t)nc + 1, sizeof(double));
    double *q0 = malloc(sizeof(double) * (size_t)(nc + 1));
    int *at = calloc((size_t)nc + 2, sizeof(int)), *next = malloc(sizeof(int) * (size_t)(nc + 1));
    bp_cand *pairs = malloc(sizeof(bp_cand) * ((size_t)np * (size_t)nc + 1));
    int *best = malloc(sizeof(int) * (size_t)(np + 1));
    double *cap = malloc(sizeof(double) * (size_t)(np + 1));
    if (!quota || !q0 || !at || !next || !pairs || !best || !cap ||
        par_columns(S, &first, &list) != 0)
        goto out;
    for (int p = 0; p < np; p++) {
        bp_masses(S, first, list, p, mass);
        cap[p] = dive_cap(S, first, list, p);
        d->mask[p] = nd->mask[p] & 1;
        best[p] = -1;
        for (int c = 0; c < nc; c++) {
            if (!(nd->mask[p] >> (c + 1) & 1) || mass[c + 1] <= 1e-6)
                continue;
            quota[c] += mass[c + 1] * cap[p];
            pairs[npair++] = (bp_cand){p, c, -1, 0, mass[c + 1]};
            if (best[p] < 0 || mass[c + 1] > mass[best[p] + 1] + 1e-9)
                best[p] = c;
        }
    }
    /* per chain its parcels by mass: pairs sorted by (chain, mass) */
    qsort(pairs, (size_t)npair, sizeof *pairs, cand_by_mass);
    for (int x = 0; x < npair; x++)
        at[pairs[x].o + 1]++;
    for (int c = 0; c < nc; c++) {
        at[c + 1] += at[c];
        next[c] = at[c];
        q0[c] = quota[c];
    }
    for (;;) {
        /* the chain with the largest share of its quota left */
        int c = -1;
        for (int k = 0; k < nc; k++)
            if (next[k] < at[k + 1] && quota[k] > 0 &&
                (c < 0 || quota[k] * q0[c] > quota[c] * q0[k]))
                c = k;
        if (c < 0)
            break;
        int p = pairs[next[c]++].p;
        if (d->mask[p] >> 1)
            continue; /* taken by another chain */
        if (quota[c] < 0.5 * cap[p])
            continue; /* too big for what is left: a smaller one may fit */
        d->mask[p] |= 1ULL << (c + 1);
        quota[c] -= cap[p];
    }
    for (int p = 0; p < np; p++)
        if (!(d->mask[p] >> 1))
            d->mask[p] = best[p] >= 0 ? d->mask[p] | 1ULL << (best[p] + 1) : nd->mask[p];
    if (S->ndives++ % 2 == 0)
        dive_polish(S, nd, first, list, cap, q0, d->mask);
    rc = 0;
out:
    free(first);
    free(list);
    free(quota);
    free(q0);
    free(at);
    free(next);
    free(pairs);
    free(best);
    free(cap);
    return rc;
}

/* A dive from node nd (its LP just solved): every parcel gets one chain
 * (dive_chains), the node so made is solved by column generation and its
 * LP rounded into a plan, which the local search then improves.  Where
 * the neighbour chain bonus leaves the LP fractional on most parcels (822
 * of 886 on the 1,000-parcel benchmark zone), fixing the chains leaves the
 * demand rows alone to tie the parcels together.  The bound is not
 * touched; the master is left as node nd.  Returns 0, or -1 when out of
 * memory or the solver failed. */
static int bp_dive(solver *S, const bp_node *nd, int part0, double *mass)
{
    int np = S->npar, rc = 0;
    bp_node d = {malloc(sizeof(uint64_t) * (size_t)(np + 1)),
                 malloc(sizeof(bp_range) * (size_t)(nd->nrg + 1)), nd->nrg, nd->bound};
    int *choice = malloc(sizeof(int) * (size_t)(np + 1));
    uint64_t *m1 = malloc(sizeof(uint64_t) * (size_t)(np + 1));
    if (!d.mask || !d.rg || !choice || !m1 || dive_chains(S, nd, &d, mass) != 0) {
        bp_node_free(&d);
        free(choice);
        free(m1);
        return -1;
    }
    if (nd->nrg > 0) /* the root has no ranges (rg NULL) */
        memcpy(d.rg, nd->rg, sizeof(bp_range) * (size_t)nd->nrg);
    double before = S->have_inc ? S->inc_val : -INFINITY, b;
    int r = bp_solve_node(S, &d, part0, &b);
    free(m1);
    bool have = false;
    if (r < 0) {
        rc = -1;
    } else if (r == 0) {
        double v;
        if (bp_integral(S, part0, choice)) {
            have = true;
        } else {
            int h = lp_plan(S, choice, &v);
            rc = h < 0 ? -1 : 0;
            have = h > 0;
        }
        if (have)
            sv_take_incumbent(S, choice, sv_plan_value(S, choice));
    }
    sv_trace(S,
             S->have_inc && S->inc_val > before ? "dive: a better plan" : "dive: nothing better");
    /* The local search from the dive's plan, better than the incumbent or
     * not: another start (on the bundled scenario the dives' rounded plans
     * are a little below the incumbent, and the search lifts some above
     * it).  Only from plans no further below the incumbent than the bound
     * is above it, and with a tenth of the time left, so that the tree
     * keeps most of the time. */
    if (rc == 0 && have && sv_gap_open(S) && !sv_stop(S) &&
        sv_plan_value(S, choice) >= 2 * S->inc_val - S->bound) {
        S->search_deadline = sv_now() + DIVE_SEARCH_SHARE * (S->deadline - sv_now());
        if (sv_local_search(S, choice) != 0)
            rc = -1;
        S->search_deadline = 0;
    }
    free(choice);
    bp_node_free(&d);
    bp_apply(S, nd, part0);
    if (rc == 0 && master_lp(S) < 0)
        rc = -1;
    S->timed_out = false; /* a dive cut short is not the end */
    return rc;
}

/* Branch and price until the gap closes, the tree is resolved or the time
 * is up.  Returns 0, or -1 when out of memory or the solver failed. */
static int branch_and_price(solver *S)
{
    int np = S->npar, rc = 0, nopen = 0, cap = 64, nodes = 0, stuck = 0, ranged = 0;
    double stuck_bound = -INFINITY;
    bp_node *open = malloc(sizeof *open * (size_t)cap);
    double *mass = malloc(sizeof(double) * (size_t)(S->nch + 2));
    int *choice = malloc(sizeof(int) * (size_t)(np + 1));
    double *lam = malloc(sizeof(double) * (size_t)(S->ncol + 1));
    if (!open || !mass || !choice || !lam) {
        free(open);
        free(mass);
        free(choice);
        free(lam);
        return -1;
    }
    free(lam);
    lam = NULL;
    /* per parcel an artificial column: its row at 1 without a stack */
    int part0 = S->part0;
    for (int p = 0; p < np; p++) {
        const sl_parcel *pc = &S->z->p[S->par[p].zi];
        glp_set_obj_coef(S->lp, part0 + p,
                         -S->pen_m2 * 2 * fmax(1, pc->area_m2 * pc->plan_rules->far_max));
        glp_set_col_bnds(S->lp, part0 + p, GLP_FX, 0, 0);
    }
    /* the composite objective: artificials at their penalty */
    set_phase_costs(S, 3);
    for (int a = 0; a < S->nart; a++) {
        if (isfinite(S->art_ub[a]))
            glp_set_col_bnds(S->lp, S->art_cols[a], GLP_DB, 0, S->art_ub[a]);
        else
            glp_set_col_bnds(S->lp, S->art_cols[a], GLP_LO, 0, 0);
    }
    uint64_t all = (S->nch >= 63 ? ~0ULL : (2ULL << S->nch) - 1);
    open[0].mask = malloc(sizeof(uint64_t) * (size_t)(np + 1));
    open[0].rg = NULL;
    open[0].nrg = 0;
    if (!open[0].mask) {
        rc = -1;
        goto out;
    }
    for (int p = 0; p < np; p++)
        open[0].mask[p] = S->par[p].pinned ? all & ~1ULL : all;
    open[0].bound = S->bound;
    nopen = 1;
    while (nopen > 0 && !sv_stop(S)) {
        /* the tree's bound: its best open node, the stuck ones, the plan */
        double tree = stuck_bound;
        int pick = 0;
        for (int k = 0; k < nopen; k++) {
            if (open[k].bound > open[pick].bound)
                pick = k;
            tree = fmax(tree, open[k].bound);
        }
        if (S->have_inc)
            tree = fmax(tree, S->inc_val);
        if (tree < S->bound) {
            S->bound = tree;
            sv_progress(S);
        }
        if (!sv_gap_open(S))
            break;
        bp_node nd = open[pick];
        open[pick] = open[--nopen];
        if (S->have_inc && nd.bound <= S->inc_val + PL_EPS_VALUE) {
            bp_node_free(&nd);
            continue;
        }
        double b;
        int r = bp_solve_node(S, &nd, part0, &b);
        nodes++;
        if (r != 0) {
            /* unfinished: the node stays open with its parent's bound */
            open[nopen++] = nd;
            if (r < 0)
                rc = -1;
            break;
        }
        nd.bound = fmin(nd.bound, b);
        if (S->have_inc && nd.bound <= S->inc_val + PL_EPS_VALUE) {
            bp_node_free(&nd);
            continue;
        }
        if (bp_integral(S, part0, choice)) {
            /* a plan; with the node solved to its bound, nothing better
             * lies below it (pruned next), else it is not splittable */
            sv_take_incumbent(S, choice, sv_plan_value(S, choice));
            if (S->have_inc && nd.bound <= S->inc_val + PL_EPS_VALUE) {
                bp_node_free(&nd);
                continue;
            }
        } else if (round_lp(S) != 0 ||
                   ((nodes == 1 || nodes % BP_DIVE_EVERY == 0) && sv_gap_open(S) && !sv_stop(S) &&
                    bp_dive(S, &nd, part0, mass) != 0)) {
            bp_node_free(&nd);
            rc = -1;
            break;
        }
        if (sv_stop(S)) {
            open[nopen++] = nd; /* the time ran out in the dive */
            break;
        }
        bp_cand x;
        if (!bp_choose(S, &nd, part0, &x, mass)) {
            /* nothing either rule can split (an artificial in the LP,
             * or no room for another range) */
            stuck++;
            stuck_bound = fmax(stuck_bound, nd.bound);
            bp_node_free(&nd);
            continue;
        }
        ranged += x.o < 0;
        if (nopen + 2 > cap) {
            cap *= 2;
            bp_node *n = realloc(open, sizeof *n * (size_t)cap);
            if (!n) {
                bp_node_free(&nd);
                rc = -1;
                break;
            }
            open = n;
        }
        bp_node kid;
        if (bp_split(S, &nd, &x, &kid) != 0) {
            bp_node_free(&nd);
            rc = -1;
            break;
        }
        open[nopen++] = kid;
        if (nd.mask[x.p])
            open[nopen++] = nd;
        else
            bp_node_free(&nd);
    }
    if (nopen == 0 && rc == 0 && !sv_stop(S)) {
        /* the tree is resolved: its bound is the stuck nodes' or the plan */
        double tree = S->have_inc ? fmax(S->inc_val, stuck_bound) : stuck_bound;
        if (tree < S->bound)
            S->bound = tree;
    }
    if (S->o->verbose)
        sv_log(S, SL_LOG_TRACE,
               "plan: branch and price: %d nodes solved (%d split by a GFA range), %d open, %d "
               "not splittable (bound %.1f)",
               nodes, ranged, nopen, stuck, stuck_bound);
out:
    for (int k = 0; k < nopen; k++)
        bp_node_free(&open[k]);
    free(open);
    free(mass);
    free(choice);
    /* the master as before: every column free, rows as the rules say,
     * artificials out of the objective */
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_bnds(S->lp, S->col0 + c, GLP_DB, 0, 1);
    for (int p = 0; p < np; p++) {
        glp_set_col_bnds(S->lp, part0 + p, GLP_FX, 0, 0);
        glp_set_obj_coef(S->lp, part0 + p, 0);
        if (S->par[p].pinned)
            glp_set_row_bnds(S->lp, S->par[p].row, GLP_FX, 1, 1);
        else
            glp_set_row_bnds(S->lp, S->par[p].row, GLP_UP, 0, 1);
    }
    set_phase_costs(S, 2);
    sv_progress(S);
    return rc;
}

/* ---- infeasibility in words ------------------------------------------- */

/* Max (sign +1) or min (sign -1) GFA of industry i each parcel of the zone
 * can hold, summed (kept parcels hold 0; pinned ones keep their pins). */
static double zone_extreme_gfa(solver *S, int i, int sign, bool pinned_only, bool *exact)
{
    for (int k = 0; k < S->nind; k++)
        S->r[k] = k == i ? sign : 0;
    S->stamp++;
    pl_weights w = {S->r, 0, 0, 0, S->stamp};
    double tot = 0;
    *exact = true;
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        if (pinned_only && !C->ctx.pinned)
            continue;
        pl_search q;
        memset(&q, 0, sizeof q);
        q.threshold = C->ctx.pinned ? -1e300 : 0;
        q.max_found = 1;
        q.deadline = S->deadline + 10;
        if (pl_price(&C->ctx, &w, &q) != 0) {
            *exact = false;
            continue;
        }
        if (!q.complete)
            *exact = false;
        if (q.best > -1e299)
            tot += C->nparc * q.best * sign;
        pl_search_free(&q);
    }
    return tot;
}

static void diag_demand(solver *S)
{
    int before = S->nmsgs;
    for (int i = 0; i < S->nind; i++) {
        const sl_industry *d = &S->sc->industries[i];
        if (S->dmin[i] > 0) {
            bool exact;
            double cap = zone_extreme_gfa(S, i, +1, false, &exact);
            if (cap < S->dmin[i] - 1e-6) {
                char why[600] = "";
                if (cap <= 0)
                    pl_diag_industry(&S->s, S->rt, S->nrt, i, why, sizeof why);
                pl_msg(&S->msgs, &S->nmsgs,
                       "industry %s needs at least %.0f m² but the candidate parcels can hold "
                       "at most %.0f m² of it%s%s",
                       d->id, S->dmin[i], cap, why[0] ? ": " : "", why);
            }
        }
        if (isfinite(S->dmax[i])) {
            bool exact;
            double low = zone_extreme_gfa(S, i, -1, true, &exact);
            if (low > S->dmax[i] + 1e-6)
                pl_msg(&S->msgs, &S->nmsgs,
                       "the pinned parcels must hold at least %.0f m² of industry %s but its "
                       "demand_m2 max is %.0f m²",
                       low, d->id, S->dmax[i]);
        }
    }
    if (S->nmsgs > before)
        return;
    /* No single industry explains it: name those the phase-1 LP left short. */
    char list[2000] = "";
    size_t len = 0;
    for (int a = 0, i = 0; i < S->nind; i++) {
        if (!S->drow[i])
            continue;
        (void)a;
        double y = glp_get_row_dual(S->lp, S->drow[i]);
        if (fabs(y) < 1e-9)
            continue;
        int w = snprintf(list + len, sizeof list - len, "%s%s (%s %.0f m²)", len ? ", " : "",
                         S->sc->industries[i].id, y < 0 ? "min" : "max",
                         y < 0 ? S->dmin[i] : S->dmax[i]);
        if (w > 0 && (size_t)w < sizeof list - len)
            len += (size_t)w;
    }
    if (len)
        pl_msg(&S->msgs, &S->nmsgs,
               "the demand ranges of industries %s cannot all be met together on the "
               "candidate parcels",
               list);
    else
        pl_msg(&S->msgs, &S->nmsgs,
               "the demand ranges and pins cannot all be met together on the candidate parcels");
}

/* Pins that cannot hold before any search: parcel missing, not a
 * candidate, lost to the setback. */
static void diag_pins_static(solver *S)
{
    const sl_zone *z = S->z;
    for (int k = 0; k < S->sc->n_pins; k++) {
        const sl_pin *pin = &S->sc->pins[k];
        int pi = find_parcel(z, pin->parcel);
        if (pi < 0) {
            const char *near = NULL;
            const char **ids = pin->parcel ? calloc((size_t)z->n + 1, sizeof *ids) : NULL;
            if (ids) {
                long budget = SL_DID_YOU_MEAN_BUDGET;
                for (int j = 0; j < z->n; j++)
                    ids[j] = z->p[j].id;
                near = sl_did_you_mean(pin->parcel, ids, z->n, &budget);
            }
            pl_msg(&S->msgs, &S->nmsgs,
                   "pin on parcel %s: the zone has no parcel with this id%s%s%s",
                   pin->parcel ? pin->parcel : "(null)", near ? "; did you mean " : "",
                   near ? near : "", near ? "?" : "");
            free(ids);
            continue;
        }
        const sl_parcel *p = &z->p[pi];
        if (p->status == SL_PARCEL_REJECTED) {
            pl_msg(&S->msgs, &S->nmsgs, "pin on parcel %s: the parcel is rejected (%s)",
                   pin->parcel, p->reason ? p->reason : "no reason given");
        } else if (p->status != SL_PARCEL_CANDIDATE) {
            pl_msg(&S->msgs, &S->nmsgs, "pin on parcel %s: the parcel is not a candidate (%s)",
                   pin->parcel, p->reason ? p->reason : "no reason given");
        } else if (!considered(p)) {
            const sl_ruleset *r = p->plan_rules;
            if (r)
                pl_msg(
                    &S->msgs, &S->nmsgs,
                    "pin on parcel %s: the parcel cannot be redeveloped (setback): its footprint "
                    "inside the %g m setback is %.0f m², below coverage_min %g × area %.0f m² = "
                    "%.0f m²",
                    pin->parcel, r->setback_m, p->plan_fp.total_m2, r->coverage_min, p->area_m2,
                    r->coverage_min * p->area_m2);
            else
                pl_msg(&S->msgs, &S->nmsgs, "pin on parcel %s: the parcel cannot be redeveloped",
                       pin->parcel);
        }
    }
    /* Pins together asking for more than an industry's demand max. */
    for (int i = 0; i < S->nind; i++) {
        if (!isfinite(S->dmax[i]))
            continue;
        double need = 0;
        for (int k = 0; k < S->sc->n_pins; k++)
            if (S->sc->pins[k].industry == i)
                need += S->sc->pins[k].min_gfa_m2;
        if (need > S->dmax[i] + 1e-6)
            pl_msg(&S->msgs, &S->nmsgs,
                   "pins ask for at least %.0f m² of industry %s but its demand_m2 max is %.0f m²",
                   need, S->sc->industries[i].id, S->dmax[i]);
    }
    for (int i = 0; i < S->nind; i++)
        if (S->dmin[i] > S->dmax[i] + 1e-9)
            pl_msg(&S->msgs, &S->nmsgs,
                   "industry %s: demand_m2 min %.0f m² is above its max %.0f m²",
                   S->sc->industries[i].id, S->dmin[i], S->dmax[i]);
}

/* Demand minimums above what the redevelopable candidates can hold at
 * all (sl_zone_check_demand).  -1 when out of memory. */
static int diag_demand_static(solver *S)
{
    sl_error e;
    sl_error_init(&e);
    sl_status st = sl_zone_check_demand(S->z, &e);
    for (int i = 0; i < e.n; i++)
        pl_msg(&S->msgs, &S->nmsgs, "%s", e.msgs[i]);
    sl_error_clear(&e);
    return st == SL_ERR_NOMEM ? -1 : 0;
}

/* ---- the plan ------------------------------------------------------------ */

static int assemble(solver *S, sl_plan *P)
{
    const sl_scenario *sc = S->sc;
    for (int p = 0; p < S->npar; p++) {
        int c = S->have_inc ? S->inc_choice[p] : -1;
        if (c < 0)
            continue;
        const stk *k = sv_col_stk(S, c);
        const pl_ctx *x = &S->cls[S->cols[c].cls].ctx;
        sl_parcel_plan *pp = &P->pp[S->par[p].zi];
        int tot = k->st.n[0] + k->st.n[1];
        pp->storeys = calloc((size_t)tot, sizeof *pp->storeys);
        if (!pp->storeys)
            return -1;
        pp->redeveloped = true;
        pp->n_storeys = tot;
        pp->factory_floors = k->st.n[0];
        pp->office_floors = k->st.n[1];
        for (int b = 0, j = 0; b < 2; b++)
            for (int l = 0; l < k->st.n[b]; l++, j++) {
                int i = k->st.ind[j];
                sl_storey *s = &pp->storeys[j];
                s->block = b ? SL_BLOCK_OFFICE : SL_BLOCK_FACTORY;
                s->level = l + 1;
                s->industry = i;
                double h = sc->industries[i].floor_height_m;
                if (b == 0 && l == 0 && x->r->ground_floor_height_min_m > h)
                    h = x->r->ground_floor_height_min_m;
                s->height_m = h;
                s->gfa_m2 = x->F[b];
                if (b == 0)
                    pp->factory_height_m += h;
                else
                    pp->office_height_m += h;
                pp->gfa_m2 += x->F[b];
                pp->counted_gfa_m2 += x->F[b] * (h > x->r->tall_storey_m + 1e-9 ? 2 : 1);
                P->gfa_by_industry_m2[i] += x->F[b];
            }
        pp->neighbour_bonus_m2 = sv_neighbour_share(S, S->inc_choice, p);
        pp->value_m2eq = k->cval + pp->neighbour_bonus_m2;
    }
    double obj = 0;
    for (int i = 0; i < P->n; i++)
        obj += P->pp[i].value_m2eq;
    P->objective = obj;
    return 0;
}

static bool kept_reason(const solver *S, const sl_plan *P, int zi, char *buf, size_t size);

/* Reasons for every kept candidate, once the plan's totals are known.
 * 0, or -1 when out of memory. */
static int explain_kept(solver *S, sl_plan *P)
{
    char buf[600];
    for (int zi = 0; zi < S->z->n; zi++) {
        const sl_parcel *p = &S->z->p[zi];
        if (p->status != SL_PARCEL_CANDIDATE || P->pp[zi].redeveloped ||
            !kept_reason(S, P, zi, buf, sizeof buf))
            continue;
        /* docs/model.md §9.17: plan's reason too says that 0 was used. */
        if (isnan(p->current_gfa_m2)) {
            size_t o = strlen(buf);
            snprintf(buf + o, sizeof buf - o, "%s%s", sl_tr(S->sc->lang, "; "),
                     sl_reason_unknown_gfa_used(S->sc->lang));
        }
        if (!(P->pp[zi].reason = strdup(buf)))
            return -1;
    }
    return 0;
}

/* A kept candidate's reason, in words with numbers (docs/model.md §8). */
static bool kept_reason(const solver *S, const sl_plan *P, int zi, char *buf, size_t size)
{
    const sl_parcel *p = &S->z->p[zi];
    const sl_scenario *sc = S->sc;
    sl_lang L = sc->lang;
    const sl_ruleset *r = p->plan_rules;
    if (!r)
        return false;
    const sl_footprints *fp = &p->plan_fp;
    if (p->excluded) {
        snprintf(buf, size, "%s", sl_tr(L, "kept: excluded from the plan by plan.exclude"));
        return true;
    }
    if (!fp->setback_ok) {
        snprintf(
            buf, size,
            sl_tr(L, "kept: the setback of %g m leaves a footprint of %.0f m², below coverage_min "
                     "%.2f × %.0f m² = %.0f m²"),
            r->setback_m, fp->total_m2, r->coverage_min, p->area_m2, r->coverage_min * p->area_m2);
        return true;
    }
    if (!(fp->factory_m2 > 0)) {
        snprintf(buf, size,
                 sl_tr(L, "kept: its factory floor plate would be %.0f m², below "
                          "factory_floor_plate_min_m2 %.0f m²"),
                 fp->total_m2 - fp->office_m2, r->factory_floor_plate_min_m2);
        return true;
    }
    int cls = S->cls_of_zone ? S->cls_of_zone[zi] : -1;
    const pclass *C = cls >= 0 ? &S->cls[cls] : NULL;
    double cur = p->current_gfa_m2 > 0 ? p->current_gfa_m2 : 0;
    double cap = p->env ? p->env[sc->plan_rules].max_gfa_m2 : NAN;
    if (C && C->seeded && C->nstk == 0 && C->best_exact) {
        if (isfinite(cap) && cur > cap + 1e-6)
            snprintf(
                buf, size,
                sl_tr(L, "kept: it would lose floor space (current %.0f m² > at most %.0f m² under "
                         "the rules)"),
                cur, cap);
        else
            snprintf(
                buf, size,
                sl_tr(L,
                      "kept: no stack of storeys meets every rule on this parcel (heights, loads, "
                      "FAR %.2f-%.2f, coverage, current floor space %.0f m²)"),
                r->far_min, r->far_max, cur);
        return true;
    }
    if (C && C->seeded && !(C->best_0 > PL_EPS_VALUE)) {
        snprintf(
            buf, size,
            sl_tr(L, "kept: worth less rebuilt than as it is (its best stack adds %.0f m²-eq after "
                     "today's %.0f m² × existing_value %g)"),
            C->best_0 > -1e300 ? C->best_0 : 0, cur, sc->existing_value);
        return true;
    }
    /* Worth rebuilding on its own: the zone's demand ranges are what kept
     * it; name the industries whose maximum the plan reaches, or comes so
     * close to that one storey of this parcel's smallest floor plate would
     * pass it. */
    double plate = fp->factory_m2;
    if (fp->office_m2 > 1e-9 && fp->office_m2 < plate)
        plate = fp->office_m2;
    size_t o = (size_t)snprintf(buf, size,
                                sl_tr(L, "kept: demand for the industries it could hold is met by "
                                         "parcels worth more (at demand_m2.max, or less than one "
                                         "of its floor plates below it:"));
    int named = 0;
    for (int i = 0; i < S->nind && o < size - 80; i++) {
        double g = P->gfa_by_industry_m2[i];
        if (!isfinite(S->dmax[i]) || g < S->dmax[i] - fmax(1, plate))
            continue;
        if (g >= S->dmax[i] - 1)
            o += (size_t)snprintf(buf + o, size - o, sl_tr(L, "%s %s %.0f m²"),
                                  named++ ? sl_tr(L, ",") : "", sc->industries[i].id, S->dmax[i]);
        else
            o +=
                (size_t)snprintf(buf + o, size - o, sl_tr(L, "%s %s %.0f of %.0f m²"),
                                 named++ ? sl_tr(L, ",") : "", sc->industries[i].id, g, S->dmax[i]);
    }
    if (!named) {
        if (!S->have_inc || sv_gap_open(S))
            snprintf(
                buf, size,
                sl_tr(L, "kept: not in the best plan found (the search stopped with the gap open; "
                         "a longer time limit may redevelop it)"));
        else
            snprintf(
                buf, size,
                sl_tr(L, "kept: the optimal plan does better without it (demand minimums, pins and "
                         "the one-chain-per-building rule shape the rest of the zone)"));
    } else if (o < size - 4) {
        snprintf(buf + o, size - o, "%s", sl_tr(L, ")"));
    }
    return true;
}

/* Pairs of considered neighbour parcels for the neighbour chain bonus,
 * and the chain-bonus duals of their classes.  0, or -1 out of memory. */
static int build_pairs(solver *S)
{
    const sl_zone *z = S->z;
    if (!(S->nb_bonus > 0) || S->nch == 0 || !z->nb_start || S->npar == 0)
        return 0;
    int *par_of = malloc(sizeof(int) * (size_t)(z->n + 1));
    if (!par_of)
        return -1;
    for (int zi = 0; zi < z->n; zi++)
        par_of[zi] = -1;
    for (int p = 0; p < S->npar; p++)
        par_of[S->par[p].zi] = p;
    int cap = 0;
    for (int p = 0; p < S->npar; p++) {
        int zi = S->par[p].zi;
        for (int x = z->nb_start[zi]; x < z->nb_start[zi + 1]; x++) {
            int q = par_of[z->nb[x]];
            if (q < 0 || z->nb[x] < zi)
                continue;
            if (S->nnb == cap) {
                cap = cap ? 2 * cap : 64;
                int *na = realloc(S->nba, sizeof(int) * (size_t)cap);
                if (na)
                    S->nba = na;
                int *nb = na ? realloc(S->nbb, sizeof(int) * (size_t)cap) : NULL;
                if (!na || !nb) {
                    free(par_of);
                    return -1;
                }
                S->nbb = nb;
            }
            S->nba[S->nnb] = p < q ? p : q;
            S->nbb[S->nnb++] = p < q ? q : p;
        }
    }
    free(par_of);
    if (S->nnb == 0)
        return 0;
    S->nb_first = calloc((size_t)S->npar + 2, sizeof(int));
    S->nb_list = malloc(sizeof(int) * (size_t)(2 * S->nnb));
    S->cls_pi = calloc((size_t)S->ncls * (size_t)S->nch + 1, sizeof(double));
    S->cls_pibest = calloc((size_t)S->ncls * (size_t)S->nch + 1, sizeof(double));
    int *fill = calloc((size_t)S->npar + 1, sizeof(int));
    if (!S->nb_first || !S->nb_list || !S->cls_pi || !S->cls_pibest || !fill) {
        free(fill);
        return -1;
    }
    for (int e = 0; e < S->nnb; e++) {
        S->nb_first[S->nba[e] + 1]++;
        S->nb_first[S->nbb[e] + 1]++;
    }
    for (int p = 0; p < S->npar; p++)
        S->nb_first[p + 1] += S->nb_first[p];
    for (int e = 0; e < S->nnb; e++) {
        S->nb_list[S->nb_first[S->nba[e]] + fill[S->nba[e]]++] = e;
        S->nb_list[S->nb_first[S->nbb[e]] + fill[S->nbb[e]]++] = e;
    }
    free(fill);
    for (int p = 0; p < S->npar; p++) {
        pclass *C = &S->cls[S->par[p].cls];
        if (C->alone && S->nb_first[p + 1] > S->nb_first[p])
            C->ctx.chain_bonus = S->cls_pi + (size_t)S->par[p].cls * (size_t)S->nch;
    }
    return 0;
}

/* Classes of parcels sharing one pricing problem. */
static int build_classes(solver *S)
{
    const sl_zone *z = S->z;
    S->cls_of_zone = malloc(sizeof(int) * (size_t)(z->n + 1));
    S->par = calloc((size_t)z->n + 1, sizeof *S->par);
    S->rt = calloc((size_t)z->n + 1, sizeof *S->rt);
    S->cls = calloc((size_t)z->n + 1, sizeof *S->cls);
    if (!S->cls_of_zone || !S->par || !S->rt || !S->cls)
        return -1;
    for (int zi = 0; zi < z->n; zi++) {
        S->cls_of_zone[zi] = -1;
        const sl_parcel *p = &z->p[zi];
        if (!considered(p))
            continue;
        int t;
        for (t = 0; t < S->nrt; t++)
            if (rules_equal(S->rt[t].r, p->plan_rules))
                break;
        if (t == S->nrt) {
            if (pl_rtab_init(&S->rt[t], &S->s, p->plan_rules) != 0)
                return -1;
            S->nrt++;
        }
        pl_ctx cx;
        pl_ctx_init(&cx, &S->s, &S->rt[t], p, S->sc);
        if (cx.maxlev[0] < 1 && !cx.pinned)
            continue; /* nothing fits: never redeveloped */
        /* A parcel with neighbours prices its own chain bonuses: a class
         * of its own. */
        bool alone = S->nb_bonus > 0 && z->nb_start && z->nb_start[zi + 1] > z->nb_start[zi];
        int c = S->ncls;
        for (int d = 0; d < S->ncls && !alone; d++)
            if (!S->cls[d].alone && ctx_equal(&S->cls[d].ctx, &cx)) {
                c = d;
                break;
            }
        if (c == S->ncls) {
            S->cls[c].ctx = cx;
            S->cls[c].alone = alone;
            S->ncls++;
        }
        pclass *C = &S->cls[c];
        if (C->nparc == C->capparc) {
            int cap = C->capparc ? 2 * C->capparc : 4;
            int *n = realloc(C->parc, sizeof(int) * (size_t)cap);
            if (!n)
                return -1;
            C->parc = n;
            C->capparc = cap;
        }
        C->parc[C->nparc++] = S->npar;
        S->par[S->npar] = (parinfo){zi, c, 0, cx.pinned};
        S->cls_of_zone[zi] = c;
        S->npar++;
    }
    return 0;
}

static void finish_infeasible(solver *S, sl_plan *P)
{
    P->status = SL_PLAN_INFEASIBLE;
    P->stop_reason = SL_STOP_NONE;
    P->has_bound = false;
    P->objective = NAN;
    P->bound = NAN;
    P->gap = NAN;
    P->conflicts = S->msgs;
    P->n_conflicts = S->nmsgs;
    S->msgs = NULL;
    S->nmsgs = 0;
}

/* How a phase of the solve ended. */
typedef enum step {
    STEP_OK,         /* go on */
    STEP_DONE,       /* a plan to assemble (the bound may be open) */
    STEP_INFEASIBLE, /* proven: S->msgs says why */
    STEP_NO_PLAN,    /* stopped before any plan was found; nothing proven */
    STEP_NOMEM,
    STEP_SOLVER /* GLPK failed */
} step;

/* Allocate the solver's and the plan's arrays; read the demand ranges. */
static step setup(solver *S, sl_plan *P)
{
    const sl_scenario *sc = S->sc;
    if (pl_sc_init(&S->s, sc) != 0)
        return STEP_NOMEM;
    P->n = S->z->n;
    P->n_industries = S->nind = sc->n_industries;
    P->pp = calloc((size_t)S->z->n + 1, sizeof *P->pp);
    P->gfa_by_industry_m2 = calloc((size_t)S->nind + 1, sizeof(double));
    S->drow = calloc((size_t)S->nind + 1, sizeof(int));
    S->dmin = calloc((size_t)S->nind + 1, sizeof(double));
    S->dmax = calloc((size_t)S->nind + 1, sizeof(double));
    S->r = calloc((size_t)S->nind + 1, sizeof(double));
    S->y = calloc((size_t)S->nind + 1, sizeof(double));
    S->ybest = calloc((size_t)S->nind + 1, sizeof(double));
    if (!P->pp || !P->gfa_by_industry_m2 || !S->drow || !S->dmin || !S->dmax || !S->r || !S->y ||
        !S->ybest)
        return STEP_NOMEM;
    for (int i = 0; i < S->nind; i++) {
        double lo = sc->industries[i].demand_min_m2, hi = sc->industries[i].demand_max_m2;
        S->dmin[i] = lo > 0 ? lo : 0;
        S->dmax[i] = isnan(hi) ? INFINITY : hi;
    }
    S->nch = S->s.nchains;
    S->nb_bonus = sc->neighbour_chain_bonus_m2 > 0 ? sc->neighbour_chain_bonus_m2 : 0;
    return STEP_OK;
}

/* Pins that cannot hold whatever the search does; the classes of parcels
 * sharing one pricing problem; an empty incumbent. */
static step prepare(solver *S)
{
    /* Every conflict that can be found before the column generation is
     * collected (here, nothing_to_plan and seed) before the plan is
     * declared infeasible: a planner sees them all in one run. */
    diag_pins_static(S);
    if (build_classes(S) != 0 || build_pairs(S) != 0)
        return STEP_NOMEM;
    S->inc_choice = malloc(sizeof(int) * (size_t)(S->npar + 1));
    if (!S->inc_choice)
        return STEP_NOMEM;
    for (int p = 0; p < S->npar; p++)
        S->inc_choice[p] = -1;
    return STEP_OK;
}

/* No parcel can be redeveloped: keeping everything is the plan, unless a
 * demand minimum asks for floor space. */
static step nothing_to_plan(solver *S)
{
    for (int i = 0; i < S->nind; i++)
        if (S->dmin[i] > 0)
            pl_msg(&S->msgs, &S->nmsgs,
                   "industry %s needs at least %.0f m² but no parcel can be redeveloped",
                   S->sc->industries[i].id, S->dmin[i]);
    if (S->nmsgs)
        return STEP_INFEASIBLE;
    S->have_inc = true;
    S->inc_val = 0;
    S->bound = 0;
    return STEP_DONE;
}

/* Pins cannot hold, so the column generation, which diagnoses demand
 * ranges exactly, will not run: add the demand minimums that no plan can
 * meet at all, so that one run names every conflict it can. */
static step seed_infeasible(solver *S)
{
    return diag_demand_static(S) != 0 ? STEP_NOMEM : STEP_INFEASIBLE;
}

/* The master and its first columns: every class priced at y = 0 (also a
 * first bound).  A pinned class without any stack cannot hold its pin. */
static step seed(solver *S)
{
    if (master_init(S) != 0)
        return STEP_NOMEM;
    double lag;
    bool exact0;
    if (price_all(S, 2, true, PRICE_NODES_FAST, &lag, &exact0) < 0)
        return STEP_NOMEM;
    note_bound(S, lag);
    for (int c = 0; c < S->ncls; c++) {
        S->cls[c].best_0 = S->cls[c].best_y;
        S->cls[c].seeded = true;
    }
    if (!exact0 && sv_stop(S)) /* cut short: an empty class proves nothing */
        return S->nmsgs ? seed_infeasible(S) : STEP_NO_PLAN;
    const sl_scenario *sc = S->sc;
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        if (C->ctx.pinned && C->nstk == 0) {
            int before = S->nmsgs;
            const sl_parcel *p = &S->z->p[S->par[C->parc[0]].zi];
            for (int k = 0; k < sc->n_pins; k++)
                if (sc->pins[k].parcel && p->id && strcmp(sc->pins[k].parcel, p->id) == 0)
                    pl_diag_pin(&C->ctx, p, &sc->pins[k], &S->msgs, &S->nmsgs);
            if (S->nmsgs == before)
                pl_msg(&S->msgs, &S->nmsgs,
                       "pin on parcel %s: no stack meets the parcel's rules together with the pin",
                       p->id ? p->id : "?");
        }
    }
    return S->nmsgs ? seed_infeasible(S) : STEP_OK;
}

/* Column generation: first to a master that meets every demand range
 * (composite phase 3, else phase 1), then on the real objective
 * (phase 2).  A time limit reached here leaves S->timed_out set; the
 * integer phase still makes a plan of the stacks found. */
static step column_generation(solver *S)
{
    int rc = 0;
    if (S->nart > 0) {
        set_phase_costs(S, 3);
        rc = cg_loop(S, 3);
        if (rc < 0)
            return STEP_SOLVER;
        if (rc == 0 && master_lp(S) < 0)
            return STEP_SOLVER;
        if (art_sum(S) > 1e-6 && rc == 0) {
            /* the penalty did not suffice: settle it with phase 1 */
            set_phase_costs(S, 1);
            rc = cg_loop(S, 1);
            if (rc < 0)
                return STEP_SOLVER;
            if (rc == 0 && master_lp(S) < 0)
                return STEP_SOLVER;
        }
        if (art_sum(S) > 1e-6 && rc == 0) {
            diag_demand(S);
            return STEP_INFEASIBLE;
        }
        if (art_sum(S) > 1e-6) {
            /* Out of time before the master met every range: round
             * what there is; the bound stands whatever the plan. */
            if (round_lp(S) != 0)
                return STEP_NOMEM;
            return S->have_inc ? STEP_DONE : STEP_NO_PLAN;
        }
    }
    set_phase_costs(S, 2);
    if (rc == 0)
        rc = cg_loop(S, 2);
    if (rc < 0)
        return STEP_SOLVER;
    sv_trace(S, "column generation");
    return STEP_OK;
}

/* Plans from the generated stacks: GLPK's branch and bound over them (it
 * settles small zones; a node cap keeps it from spending the whole time
 * limit where the demand ranges bind on big floor plates), the searches
 * of search.c, then, when few enough stacks could still improve the plan,
 * all of them and a proof. */
static step integer_plans(solver *S)
{
    const sl_plan_options *o = S->o;
    bool proved;
    /* A first plan from the LP, improved by the searches before GLPK's
     * branch and bound: where the demand ranges bind on big floor plates
     * the searches find in seconds what branching does not find in its
     * node budget, and the integer master then starts from their plan. */
    if (round_lp(S) != 0)
        return STEP_NOMEM;
    if (S->have_inc && sv_gap_open(S) && !sv_stop(S)) {
        S->search_deadline = sv_now() + SEARCH_SHARE * (S->deadline - sv_now());
        int r = sv_improve(S);
        S->search_deadline = 0;
        if (r != 0)
            return STEP_NOMEM;
        sv_trace(S, "searches from the rounded LP");
    }
    if (o->tree_only) {
        if (S->s.chains_max == 1 && S->nch >= 1 && S->nch <= 62 && sv_gap_open(S) && !sv_stop(S) &&
            branch_and_price(S) != 0)
            return STEP_SOLVER;
        sv_trace(S, "branch and price alone");
        return S->have_inc ? STEP_DONE : STEP_NO_PLAN;
    }
    /* The first integer master gets a share of the time left: on large
     * zones GLPK's branching over thousands of stacks finds little, and
     * branch and price's dives find more (the 1,000-parcel benchmark). */
    if (S->have_inc)
        S->mip_deadline = sv_now() + MIP_FIRST_SHARE * (S->deadline - sv_now());
    int mr = integer_master(S, 0, o->gap, MIP_NODES_FIRST, &proved);
    S->mip_deadline = 0;
    if (mr != 0)
        return STEP_SOLVER;
    sv_trace(S, "integer master");
    if (!S->have_inc) {
        /* the columns so far admit no plan: widen them and retry */
        bool ex;
        if (isfinite(S->bound) && enumerate_columns(S, false, 0, &ex) != 0)
            return STEP_NOMEM;
        if (integer_master(S, 0, o->gap, MIP_NODES_FIRST, &proved) != 0)
            return STEP_SOLVER;
    }
    if (sv_gap_open(S) && !sv_stop(S)) {
        S->search_deadline = sv_now() + SEARCH_SHARE * (S->deadline - sv_now());
        int r = sv_improve(S);
        S->search_deadline = 0;
        if (r != 0)
            return STEP_NOMEM;
    }
    if (sv_gap_open(S) && !sv_stop(S)) {
        bool exhaustive;
        if (enumerate_columns(S, true, 0, &exhaustive) != 0)
            return STEP_NOMEM;
        if (exhaustive) {
            if (integer_master(S, 0, -1, 0, &proved) != 0)
                return STEP_SOLVER;
            if (proved)
                S->bound = S->inc_val;
        }
        sv_trace(S, exhaustive ? "enumeration" : "enumeration (too many stacks: skipped)");
    }
    /* The gap is still open and time is left: never stop here.  Each
     * round widens the enumeration of the stacks a better plan could use
     * (twice the stacks and search nodes per class), adds what it finds to
     * the master, runs the integer master with a larger node budget and
     * the searches again.  A round whose enumeration is exhaustive and
     * whose integer master is proven optimal closes the gap. */
    if (S->s.chains_max == 1 && S->nch >= 1 && S->nch <= 62 && sv_gap_open(S) && !sv_stop(S)) {
        if (branch_and_price(S) != 0)
            return STEP_SOLVER;
        sv_trace(S, "branch and price");
    }
    for (int round = 1; sv_gap_open(S) && !sv_stop(S); round++) {
        int scale = 1 << (round < 8 ? round : 8);
        bool exhaustive;
        if (enumerate_columns(S, false, scale, &exhaustive) != 0)
            return STEP_NOMEM;
        if (sv_stop(S))
            break;
        long long nodes = exhaustive ? 0 : (long long)MIP_NODES_FIRST * scale;
        if (integer_master(S, 0, exhaustive ? -1 : o->gap, nodes, &proved) != 0)
            return STEP_SOLVER;
        if (exhaustive && proved)
            S->bound = S->inc_val;
        sv_trace(S, exhaustive ? "round: enumeration complete" : "round: enumeration widened");
        if (sv_gap_open(S) && !sv_stop(S) && sv_improve(S) != 0)
            return STEP_NOMEM;
    }
    /* Not finding a plan among the stacks generated proves nothing. */
    return S->have_inc ? STEP_DONE : STEP_NO_PLAN;
}

/* The plan record from the incumbent, with its bound, gap and status. */
static step finish(solver *S, sl_plan *P)
{
    sv_trace(S, "done");
    if (assemble(S, P) != 0 || explain_kept(S, P) != 0)
        return STEP_NOMEM;
    P->has_bound = isfinite(S->bound);
    if (P->has_bound) {
        P->bound = fmax(S->bound, P->objective);
        P->gap = (P->bound - P->objective) / fmax(fabs(P->objective), 1);
    } else {
        P->bound = NAN; /* nothing proven: never a gap of 0 */
        P->gap = NAN;
    }
    P->status = P->has_bound && P->gap <= S->o->gap + 1e-12 ? SL_PLAN_OPTIMAL : SL_PLAN_FEASIBLE;
    P->stop_reason = P->status == SL_PLAN_OPTIMAL ? SL_STOP_GAP
                     : S->interrupted             ? SL_STOP_INTERRUPTED
                                                  : SL_STOP_TIME_LIMIT;
    S->bound = P->has_bound ? P->bound : INFINITY;
    sv_progress(S);
    return STEP_DONE;
}

/* Stopped before any plan: every parcel kept, nothing proven. */
static void finish_no_plan(solver *S, sl_plan *P)
{
    P->status = SL_PLAN_NO_PLAN;
    P->stop_reason = S->interrupted ? SL_STOP_INTERRUPTED : SL_STOP_TIME_LIMIT;
    P->has_bound = false;
    P->objective = NAN;
    P->bound = NAN;
    P->gap = NAN;
}

/* The industries that fit no storey of any candidate (docs/model.md §5):
 * said as warnings and kept in the plan for its outputs.  False when out
 * of memory. */
static bool note_unfit(const sl_zone *z, const sl_plan_options *o, sl_plan *P)
{
    int n = P->n_industries = z->sc->n_industries;
    P->industry_unfit = calloc((size_t)n + 1, sizeof *P->industry_unfit);
    if (!P->industry_unfit)
        return false;
    for (int i = 0; i < n; i++) {
        char why[1200];
        if (sl_zone_industry_fits(z, i, why, sizeof why))
            continue;
        sl_log(o->log, o->log_user_data, SL_LOG_WARNING, "%s", why);
        if (!(P->industry_unfit[i] = strdup(why)))
            return false;
    }
    return true;
}

sl_status sl_plan_solve(const sl_zone *z, const sl_plan_options *o, sl_plan **out, sl_error *err)
{
    if (out)
        *out = NULL;
    if (!z || !z->sc || !o || !out) {
        sl_error_add(err, SL_ERR_USAGE,
                     "sl_plan_solve: zone, scenario, options and output are required");
        return SL_ERR_USAGE;
    }
    solver S;
    memset(&S, 0, sizeof S);
    S.z = z;
    S.sc = z->sc;
    S.o = o;
    S.t0 = sv_now();
    S.deadline = S.t0 + (o->time_limit_s > 0 ? o->time_limit_s : 60);
    S.bound = INFINITY;
    S.lag_bound = INFINITY;
    sl_plan *P = calloc(1, sizeof *P);
    if (!P) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory while planning");
        return SL_ERR_NOMEM;
    }
    sv_glpk_output_begin(&S);

    /* Before the solve, so that the planner reads it at once. */
    step st = note_unfit(z, o, P) ? setup(&S, P) : STEP_NOMEM;
    if (st == STEP_OK)
        st = prepare(&S);
    if (st == STEP_OK && S.npar == 0)
        st = nothing_to_plan(&S);
    if (st == STEP_OK)
        st = seed(&S);
    if (st == STEP_OK)
        st = column_generation(&S);
    if (st == STEP_OK)
        st = integer_plans(&S);
    if (st == STEP_DONE)
        st = finish(&S, P);
    else if (st == STEP_INFEASIBLE)
        finish_infeasible(&S, P);
    else if (st == STEP_NO_PLAN)
        finish_no_plan(&S, P);
    P->solve_seconds = sv_now() - S.t0;

    sl_status rc = SL_OK;
    if (st == STEP_NOMEM) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory while planning");
        rc = SL_ERR_NOMEM;
    } else if (st == STEP_SOLVER) {
        sl_error_add(err, SL_ERR_SOLVER,
                     "the LP solver failed on the master problem (numerical trouble)");
        rc = SL_ERR_SOLVER;
    }
    sv_free(&S);
    sv_glpk_output_end();
    if (rc != SL_OK) {
        sl_plan_destroy(P);
        return rc;
    }
    *out = P;
    return SL_OK;
}
