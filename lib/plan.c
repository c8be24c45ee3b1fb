/*
 * plan.c - the vertical-layout optimizer (MODEL §6): column generation
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
 * which the exact per-parcel search (plan_price.c) provides.  See
 * docs/optimizer.md.
 */
#include "planInt.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sl_block_name(sl_block b)
{
    return b == SL_BLOCK_OFFICE ? "office" : "factory";
}

const char *sl_plan_status_name(sl_plan_status s)
{
    switch (s) {
    case SL_PLAN_OPTIMAL: return "optimal";
    case SL_PLAN_FEASIBLE: return "feasible";
    case SL_PLAN_INFEASIBLE: return "infeasible";
    }
    return "?";
}

void sl_plan_options_init(sl_plan_options *o, const sl_scenario *s)
{
    memset(o, 0, sizeof *o);
    o->time_limit_s = s && s->time_limit_s > 0 ? s->time_limit_s : 60;
    o->gap = s && s->gap >= 0 ? s->gap : 0.001;
}

void sl_plan_destroy(sl_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        free(p->pp[i].storeys);
    free(p->pp);
    free(p->gfa_by_industry_m2);
    for (int i = 0; i < p->n_conflicts; i++)
        free(p->conflicts[i]);
    free(p->conflicts);
    free(p);
}

/* ---- solver state ------------------------------------------------------ */

typedef struct stk {
    pl_stack st;
    double cval;                /* objective value (priorities, bonuses) */
    int ng;
    int *gi;                    /* industries with GFA */
    double *gv;                 /* their GFA, m² */
    uint64_t sig;               /* signature for de-duplication */
    uint64_t seqh;              /* hash of the storey sequence */
} stk;

typedef struct pclass {
    pl_ctx ctx;
    int nparc, capparc;
    int *parc;                  /* indices into solver par[] */
    int nstk, capstk;
    stk *stk;
    double best_y;              /* exact best value under the last weights */
    bool best_exact;
    double best_b;              /* best value under the multipliers of the bound */
    size_t hcap, hused;
    int *htab;                  /* stack index + 1 by sequence hash; 0 free */
} pclass;

typedef struct col {
    int parcel;                 /* index into S->par */
    int cls, s;                 /* stack */
} col;

typedef struct parinfo {
    int zi;                     /* zone index */
    int cls;
    int row;                    /* convexity row */
    bool pinned;
} parinfo;

typedef struct solver {
    const sl_zone *z;
    const sl_scenario *sc;
    const sl_plan_options *o;
    pl_sc s;
    int nrt;
    pl_rtab *rt;
    int ncls;
    pclass *cls;
    int npar;
    parinfo *par;
    int *cls_of_zone;           /* zone index -> class, -1 */
    /* master */
    glp_prob *lp;
    int ncol, capcol;
    col *cols;                  /* GLPK column j = cols[j - 1] (real columns) */
    size_t hcap, hused;
    uint64_t *hkeys;            /* (parcel, class stack) + 1 of every column; 0 free */
    int *hvals;                 /* its index into cols */
    int *glp_of_col;
    int nind;
    int *drow;                  /* demand row of industry i, 0 none */
    double *dmin, *dmax;
    int nart;
    int *art_cols;
    double *art_pen;            /* composite-phase penalty per unit */
    double pen_m2;              /* the penalty per m² of demand shortfall */
    /* weights */
    double *r;
    double *y, *ybest;
    unsigned long long stamp;
    double bound;               /* best proven upper bound */
    double lp_val;
    double t0;
    double deadline;
    double mip_slice;           /* time cap of one integer master, 0 none */
    bool timed_out;
    /* incumbent */
    double inc_val;
    int *inc_choice;            /* per par: column index into cols, -1 kept */
    bool have_inc;
    char **msgs;
    int nmsgs;
} solver;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int term_quiet(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

static int term_stderr(void *info, const char *s)
{
    (void)info;
    fputs(s, stderr);
    return 1;
}

static void progress(solver *S)
{

    if (S->o->progress)
        S->o->progress(S->o->user_data, now_s() - S->t0, S->have_inc ? S->inc_val : NAN,
                       isfinite(S->bound) ? S->bound : NAN);
}

static bool rules_equal(const sl_ruleset *a, const sl_ruleset *b)
{
    if (a == b)
        return true;
    return a->far_max == b->far_max && a->far_min == b->far_min &&
           a->factory_height_max_m == b->factory_height_max_m &&
           a->office_height_max_m == b->office_height_max_m &&
           a->coverage_min == b->coverage_min && a->coverage_max == b->coverage_max &&
           a->setback_m == b->setback_m && a->office_footprint_share == b->office_footprint_share &&
           a->office_land_share_max == b->office_land_share_max &&
           a->office_gfa_share_max == b->office_gfa_share_max &&
           a->ground_floor_height_min_m == b->ground_floor_height_min_m &&
           a->standard_floor_height_m == b->standard_floor_height_m &&
           a->office_floor_height_m == b->office_floor_height_m &&
           a->tall_storey_m == b->tall_storey_m && a->n_floor_loads == b->n_floor_loads &&
           memcmp(a->floor_load_max_kN_m2, b->floor_load_max_kN_m2,
                  sizeof(double) * (size_t)(a->n_floor_loads > 0 && a->n_floor_loads <= SL_MAX_FLOOR_LOADS
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
        if (a->pin_ind[j] != b->pin_ind[j] || a->pin_min_m2[j] != b->pin_min_m2[j])
            return false;
    return true;
}

/* Is parcel p one the plan may redevelop (MODEL §6: candidates whose
 * footprint survives the setback)? */
static bool considered(const sl_parcel *p)
{
    return p->status == SL_PARCEL_CANDIDATE && p->plan_rules && p->plan_fp.setback_ok &&
           p->area_m2 > 0 && p->plan_fp.factory_m2 > 0;
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

/* ---- stacks ------------------------------------------------------------ */

static uint64_t stack_sig(const solver *S, const pl_stack *st, double cval)
{
    uint64_t h = 1469598103934665603ull;
    int n = S->s.nind;
    /* counts per industry and block, and the value */
    for (int b = 0, x = 0; b < 2; b++) {
        h ^= (uint64_t)(b + 7) * 0x9e37;
        h *= 1099511628211ull;
        for (int k = 0; k < st->n[b]; k++, x++) {
            h += (uint64_t)(st->ind[x] + 1) * 0x9e3779b97f4a7c15ull + (uint64_t)b * (uint64_t)n;
        }
    }
    long long v = llround(cval * 1e4);
    h ^= (uint64_t)v;
    h *= 1099511628211ull;
    return h;
}

static uint64_t seq_hash(const pl_stack *st)
{
    uint64_t h = 0x84222325cbf29ce4ull ^ (uint64_t)st->n[0] * 0x100000001b3ull;
    h = (h ^ (uint64_t)st->n[1]) * 0x100000001b3ull;
    for (int x = 0; x < st->n[0] + st->n[1]; x++)
        h = (h ^ (uint64_t)(uint16_t)st->ind[x]) * 0x100000001b3ull;
    h ^= h >> 29;
    return h;
}

static bool seq_equal(const pl_stack *a, const pl_stack *b)
{
    return a->n[0] == b->n[0] && a->n[1] == b->n[1] &&
           memcmp(a->ind, b->ind, sizeof(short) * (size_t)(a->n[0] + a->n[1])) == 0;
}

/* Index of the class's stack with exactly this storey sequence, or -1. */
static int seq_find(const pclass *C, const pl_stack *st, uint64_t h)
{
    if (!C->hcap)
        return -1;
    for (size_t x = (size_t)h & (C->hcap - 1);; x = (x + 1) & (C->hcap - 1)) {
        int k = C->htab[x] - 1;
        if (k < 0)
            return -1;
        if (C->stk[k].seqh == h && seq_equal(&C->stk[k].st, st))
            return k;
    }
}

static int seq_insert(pclass *C, int k)
{
    if ((C->hused + 1) * 2 > C->hcap) {
        size_t cap = C->hcap ? 2 * C->hcap : 64;
        int *n = calloc(cap, sizeof *n);
        if (!n)
            return -1;
        for (size_t x = 0; x < C->hcap; x++)
            if (C->htab[x]) {
                size_t y = (size_t)C->stk[C->htab[x] - 1].seqh & (cap - 1);
                while (n[y])
                    y = (y + 1) & (cap - 1);
                n[y] = C->htab[x];
            }
        free(C->htab);
        C->htab = n;
        C->hcap = cap;
    }
    size_t y = (size_t)C->stk[k].seqh & (C->hcap - 1);
    while (C->htab[y])
        y = (y + 1) & (C->hcap - 1);
    C->htab[y] = k + 1;
    C->hused++;
    return 0;
}

/* Add a stack to class C.  Returns its index; -(index + 3) when the class
 * already has it (same storey sequence, or with by_signature the same
 * storeys per industry and value); -1 when out of memory. */
static int stack_add(solver *S, pclass *C, const pl_stack *st, bool by_signature)
{
    uint64_t seqh = seq_hash(st);
    int same = seq_find(C, st, seqh);
    if (same >= 0)
        return -(same + 3);
    pl_weights wf = {S->s.prio, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                     S->sc->existing_value, 1};
    double cval = pl_stack_value(&C->ctx, &wf, st);
    uint64_t sig = stack_sig(S, st, cval);
    int tot = st->n[0] + st->n[1];
    if (by_signature)
        for (int k = 0; k < C->nstk; k++) {
            stk *o = &C->stk[k];
            if (o->sig == sig && fabs(o->cval - cval) < 1e-6)
                return -(k + 3);
        }
    if (C->nstk == C->capstk) {
        int cap = C->capstk ? 2 * C->capstk : 8;
        stk *n = realloc(C->stk, sizeof *n * (size_t)cap);
        if (!n)
            return -1;
        C->stk = n;
        C->capstk = cap;
    }
    stk *k = &C->stk[C->nstk];
    memset(k, 0, sizeof *k);
    k->st.n[0] = st->n[0];
    k->st.n[1] = st->n[1];
    k->st.ind = malloc(sizeof(short) * (size_t)(tot + 1));
    k->gi = malloc(sizeof(int) * (size_t)(tot + 1));
    k->gv = malloc(sizeof(double) * (size_t)(tot + 1));
    if (!k->st.ind || !k->gi || !k->gv) {
        free(k->st.ind);
        free(k->gi);
        free(k->gv);
        return -1;
    }
    memcpy(k->st.ind, st->ind, sizeof(short) * (size_t)tot);
    k->cval = cval;
    k->sig = sig;
    k->seqh = seqh;
    for (int b = 0, x = 0; b < 2; b++)
        for (int j = 0; j < st->n[b]; j++, x++) {
            int i = st->ind[x], g;
            for (g = 0; g < k->ng; g++)
                if (k->gi[g] == i)
                    break;
            if (g == k->ng) {
                k->gi[k->ng] = i;
                k->gv[k->ng++] = 0;
            }
            k->gv[g] += C->ctx.F[b];
        }
    if (seq_insert(C, C->nstk) != 0) {
        free(k->st.ind);
        free(k->gi);
        free(k->gv);
        return -1;
    }
    return C->nstk++;
}

/* Value of stack k under the current weights (r = prio - y). */
static double stack_val_y(const solver *S, const stk *k)
{
    double v = k->cval;
    for (int g = 0; g < k->ng; g++)
        v -= S->y[k->gi[g]] * k->gv[g];
    return v;
}

/* ---- master ------------------------------------------------------------ */

static uint64_t colkey(int par, int s)
{
    return ((uint64_t)(uint32_t)par << 32 | (uint32_t)s) + 1;
}

static size_t colhash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

/* Column index of stack s of parcel par's class for parcel par, or -1. */
static int col_find(const solver *S, int par, int s)
{
    if (!S->hcap)
        return -1;
    uint64_t k = colkey(par, s);
    for (size_t x = colhash(k, S->hcap);; x = (x + 1) & (S->hcap - 1)) {
        if (S->hkeys[x] == 0)
            return -1;
        if (S->hkeys[x] == k)
            return S->hvals[x];
    }
}

static int col_remember(solver *S, int par, int s, int c)
{
    if ((S->hused + 1) * 2 > S->hcap) {
        size_t cap = S->hcap ? 2 * S->hcap : 1024;
        uint64_t *n = calloc(cap, sizeof *n);
        int *nv = malloc(cap * sizeof *nv);
        if (!n || !nv) {
            free(n);
            free(nv);
            return -1;
        }
        for (size_t x = 0; x < S->hcap; x++)
            if (S->hkeys[x]) {
                size_t y = colhash(S->hkeys[x], cap);
                while (n[y])
                    y = (y + 1) & (cap - 1);
                n[y] = S->hkeys[x];
                nv[y] = S->hvals[x];
            }
        free(S->hkeys);
        free(S->hvals);
        S->hkeys = n;
        S->hvals = nv;
        S->hcap = cap;
    }
    uint64_t k = colkey(par, s);
    size_t x = colhash(k, S->hcap);
    while (S->hkeys[x] && S->hkeys[x] != k)
        x = (x + 1) & (S->hcap - 1);
    if (!S->hkeys[x]) {
        S->hkeys[x] = k;
        S->hvals[x] = c;
        S->hused++;
    }
    return 0;
}

static int add_column(solver *S, int par, int cls, int s)
{
    if (col_remember(S, par, s, S->ncol) != 0)
        return -1;
    if (S->ncol == S->capcol) {
        int cap = S->capcol ? 2 * S->capcol : 256;
        col *n = realloc(S->cols, sizeof *n * (size_t)cap);
        if (!n)
            return -1;
        S->cols = n;
        S->capcol = cap;
    }
    const stk *k = &S->cls[cls].stk[s];
    int ind[1 + 1 + 512], *pi = ind;
    double val[1 + 1 + 512], *pv = val;
    int need = 2 + k->ng;
    if (need > 513) {
        pi = malloc(sizeof(int) * (size_t)need);
        pv = malloc(sizeof(double) * (size_t)need);
        if (!pi || !pv) {
            free(pi);
            free(pv);
            return -1;
        }
    }
    int nz = 0;
    pi[++nz] = S->par[par].row;
    pv[nz] = 1;
    for (int g = 0; g < k->ng; g++)
        if (S->drow[k->gi[g]] > 0) {
            pi[++nz] = S->drow[k->gi[g]];
            pv[nz] = k->gv[g];
        }
    int j = glp_add_cols(S->lp, 1);
    glp_set_col_bnds(S->lp, j, GLP_DB, 0, 1);
    glp_set_mat_col(S->lp, j, nz, pi, pv);
    glp_set_obj_coef(S->lp, j, 0);
    if (pi != ind) {
        free(pi);
        free(pv);
    }
    S->cols[S->ncol] = (col){par, cls, s};
    S->ncol++;
    return j;
}

/* Phase 1: minimise the artificials alone (certifies infeasibility).
 * Phase 2: the real objective, artificials fixed at 0.
 * Phase 3 (composite): the real objective with the artificials at a large
 * penalty, which usually reaches a feasible master without phase 1's
 * flat pricing problems. */
static void set_phase_costs(solver *S, int phase)
{
    for (int a = 0; a < S->nart; a++)
        glp_set_obj_coef(S->lp, S->art_cols[a],
                         phase == 1 ? -1.0 : phase == 3 ? -S->art_pen[a] : 0.0);
    for (int c = 0; c < S->ncol; c++) {
        const col *cl = &S->cols[c];
        glp_set_obj_coef(S->lp, S->nart + 1 + c,
                         phase == 1 ? 0.0 : S->cls[cl->cls].stk[cl->s].cval);
    }
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
    if (!S->art_cols || !S->art_pen)
        return -1;
    for (int p = 0; p < S->npar; p++)
        if (S->par[p].pinned) {
            int j = glp_add_cols(lp, 1);
            int ind[2] = {0, S->par[p].row};
            double v[2] = {0, 1};
            glp_set_col_bnds(lp, j, GLP_DB, 0, 1);
            glp_set_mat_col(lp, j, 1, ind, v);
            S->art_pen[S->nart] = S->pen_m2 * 2 * fmax(1, S->z->p[S->par[p].zi].area_m2 *
                                                              S->z->p[S->par[p].zi].plan_rules->far_max);
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
            S->art_cols[S->nart++] = j;
        }
        if (isfinite(S->dmax[i]) && any_pinned) {
            int j = glp_add_cols(lp, 1);
            int ind[2] = {0, S->drow[i]};
            double v[2] = {0, -1};
            glp_set_col_bnds(lp, j, GLP_LO, 0, 0);
            glp_set_mat_col(lp, j, 1, ind, v);
            S->art_pen[S->nart] = S->pen_m2;
            S->art_cols[S->nart++] = j;
        }
    }
    return 0;
}

static int master_lp(solver *S)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = S->o->verbose ? GLP_MSG_ERR : GLP_MSG_OFF;
    parm.meth = GLP_PRIMAL;
    int rc = glp_simplex(S->lp, &parm);
    if (rc != 0 || glp_get_status(S->lp) != GLP_OPT) {
        /* retry from scratch once: a fresh basis cures most numeric trouble */
        glp_std_basis(S->lp);
        rc = glp_simplex(S->lp, &parm);
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
                                  : stack_val_y(S, &C->stk[k]);
            if (v > thr)
                thr = v;
        }
        pl_search q;
        memset(&q, 0, sizeof q);
        q.threshold = isfinite(thr) ? thr : -1e300;
        q.max_found = 3;
        q.deadline = S->deadline;
        q.node_limit = node_limit;
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
            int s = stack_add(S, C, &q.found[f], false);
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
                    if (add_column(S, pp, c, s) < 0) {
                        pl_search_free(&q);
                        free(u);
                        return -1;
                    }
                    if (phase != 1)
                        glp_set_obj_coef(S->lp, glp_get_num_cols(S->lp), C->stk[s].cval);
                    added++;
                }
            }
        }
        pl_search_free(&q);
        if (now_s() > S->deadline) {
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

static const stk *col_stk(const solver *S, int c)
{
    return &S->cls[S->cols[c].cls].stk[S->cols[c].s];
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
    const stk *ka = a >= 0 ? col_stk(S, a) : NULL, *kb = b >= 0 ? col_stk(S, b) : NULL;
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
        const stk *k = col_stk(S, a);
        for (int g = 0; g < k->ng; g++)
            G[k->gi[g]] -= k->gv[g];
    }
    if (b >= 0) {
        const stk *k = col_stk(S, b);
        for (int g = 0; g < k->ng; g++)
            G[k->gi[g]] += k->gv[g];
    }
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
            double v = lam ? lam[c] : col_stk(S, c)->cval;
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
        int bp = -1, bc = -2;
        double bdv = 0, bdo = -INFINITY;
        for (int p = 0; p < S->npar; p++) {
            for (int x = st[p] - 1; x < st[p + 1]; x++) {
                int c = x < st[p] ? -1 : ls[x];
                if (c == choice[p] || (c < 0 && S->par[p].pinned))
                    continue;
                double dv, d_o;
                move_delta(S, G, choice[p], c, &dv, &d_o);
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
                if (dv <= 1e-9 && d_o > bdo) {
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
    double v = 0;
    for (int p = 0; p < S->npar; p++)
        if (choice[p] >= 0)
            v += col_stk(S, choice[p])->cval;
    *value = v;
done:
    free(G);
    free(st);
    free(ls);
    return ok;
}

static void take_incumbent(solver *S, const int *choice, double value)
{
    if (S->have_inc && value <= S->inc_val + 1e-9)
        return;
    memcpy(S->inc_choice, choice, sizeof(int) * (size_t)S->npar);
    S->inc_val = value;
    S->have_inc = true;
    progress(S);
}

typedef struct mip_cb {
    solver *S;
    double *x;                  /* heuristic solution, 1-based, or NULL */
    bool given;
    double stop_gap;            /* stop once within this of S->bound; <0 never */
} mip_cb;

static void mip_callback(glp_tree *T, void *info)
{
    mip_cb *cb = info;
    switch (glp_ios_reason(T)) {
    case GLP_IHEUR:
        if (cb->x && !cb->given) {
            cb->given = true;
            glp_ios_heur_sol(T, cb->x);
        }
        break;
    case GLP_IBINGO: {
        glp_prob *P = glp_ios_get_prob(T);
        double v = glp_mip_obj_val(P);
        if (cb->S->o->progress)
            cb->S->o->progress(cb->S->o->user_data, now_s() - cb->S->t0,
                               cb->S->have_inc && cb->S->inc_val > v ? cb->S->inc_val : v,
                               cb->S->bound);
        /* good enough against the proven bound of the whole problem */
        if (cb->stop_gap >= 0 && cb->S->bound - v <= cb->stop_gap * fmax(1, fabs(v)))
            glp_ios_terminate(T);
        break;
    }
    default:
        break;
    }
}

/* Solve the master with binary λ over the columns generated so far.
 * Returns 0 (incumbent updated when better), -1 on failure; *proved is set
 * when GLPK proved its solution optimal over these columns (mip_gap 0). */
static int integer_master(solver *S, double mip_gap, double stop_gap, bool *proved)
{
    *proved = false;
    int ncols = glp_get_num_cols(S->lp);
    if (S->npar == 0 || S->ncol == 0)
        return 0;
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->nart + 1 + c, GLP_CV);
    if (master_lp(S) != 0)
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
        lam[c] = glp_get_col_prim(S->lp, S->nart + 1 + c);
    double hv;
    bool have_h = heuristic(S, lam, choice, &hv);
    if (have_h)
        take_incumbent(S, choice, hv);
    if (S->have_inc)
        for (int p = 0; p < S->npar; p++)
            if (S->inc_choice[p] >= 0)
                x[S->nart + 1 + S->inc_choice[p]] = 1;
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->nart + 1 + c, GLP_BV);
    double left = S->deadline - now_s();
    if (S->mip_slice > 0 && left > S->mip_slice)
        left = S->mip_slice;
    int rc = 0;
    if (left > 0.05 && (stop_gap < 0 || !S->have_inc ||
                        S->bound - S->inc_val > stop_gap * fmax(1, fabs(S->inc_val)))) {
        glp_iocp parm;
        glp_init_iocp(&parm);
        parm.msg_lev = S->o->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
        parm.presolve = GLP_OFF;
        parm.tm_lim = left > 2e6 ? 2000000000 : (int)(left * 1000);
        parm.mip_gap = mip_gap;
        parm.br_tech = GLP_BR_PCH;
        parm.bt_tech = GLP_BT_BLB;
        parm.fp_heur = GLP_OFF;
        if (getenv("SL_PS")) {
            parm.ps_heur = GLP_ON;
            parm.ps_tm_lim = atoi(getenv("SL_PS"));
        }
        mip_cb cb = {S, S->have_inc ? x : NULL, false, stop_gap};
        parm.cb_func = mip_callback;
        parm.cb_info = &cb;
        int r = glp_intopt(S->lp, &parm);
        int ms = glp_mip_status(S->lp);
        if (r == GLP_ETMLIM)
            S->timed_out = true;
        if (ms == GLP_OPT || ms == GLP_FEAS) {
            for (int p = 0; p < S->npar; p++)
                choice[p] = -1;
            double v = 0;
            for (int c = 0; c < S->ncol; c++)
                if (glp_mip_col_val(S->lp, S->nart + 1 + c) > 0.5) {
                    choice[S->cols[c].parcel] = c;
                    v += col_stk(S, c)->cval;
                }
            take_incumbent(S, choice, v);
            *proved = r == 0 && ms == GLP_OPT && mip_gap == 0;
        } else if (r == 0 && ms == GLP_NOFEAS) {
            *proved = mip_gap == 0;
        } else if (r != 0 && r != GLP_ETMLIM && r != GLP_EMIPGAP) {
            rc = -1;
        }
    }
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->nart + 1 + c, GLP_CV);
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_bnds(S->lp, S->nart + 1 + c, GLP_DB, 0, 1);
    free(lam);
    free(choice);
    free(x);
    return rc;
}

/* Add every stack whose regret under the bound's multipliers is below the
 * gap (they are the only ones a better plan could use).  *exhaustive says
 * whether all were found. */
static int enumerate_columns(solver *S, bool *exhaustive)
{
    *exhaustive = true;
    double delta = S->bound - S->inc_val + PL_EPS_VALUE;
    if (!(delta > 0))
        return 0;
    for (int i = 0; i < S->nind; i++)
        S->r[i] = S->s.prio[i] - S->ybest[i];
    memcpy(S->y, S->ybest, sizeof(double) * (size_t)S->nind);
    S->stamp++;
    pl_weights w = {S->r, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                    S->sc->existing_value, S->stamp};
    int per_class = 200000 / (S->ncls > 0 ? S->ncls : 1);
    if (per_class > 3000)
        per_class = 3000;
    if (per_class < 20)
        per_class = 20;
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        pl_search q;
        memset(&q, 0, sizeof q);
        q.enumerate = true;
        q.threshold = C->best_b - delta;
        q.max_found = per_class;
        q.node_limit = 4000000 / (S->ncls > 0 ? S->ncls : 1) + 20000;
        q.deadline = S->deadline;
        if (pl_price(&C->ctx, &w, &q) != 0)
            return -1;
        if (!q.complete)
            *exhaustive = false;
        for (int f = 0; f < q.nfound; f++) {
            int s = stack_add(S, C, &q.found[f], true);
            if (s == -1) {
                pl_search_free(&q);
                return -1;
            }
            if (s < 0)
                continue;
            for (int x = 0; x < C->nparc; x++) {
                int j = add_column(S, C->parc[x], c, s);
                if (j < 0) {
                    pl_search_free(&q);
                    return -1;
                }
                glp_set_obj_coef(S->lp, j, C->stk[s].cval);
            }
        }
        pl_search_free(&q);
        if (now_s() > S->deadline) {
            *exhaustive = false;
            S->timed_out = true;
            break;
        }
    }
    return 0;
}

/* Add stack st (if feasible) as a column of parcel p.  Returns 1 when a
 * column was added, 0 when not, -1 on failure. */
static int offer_stack(solver *S, int p, const pl_stack *st)
{
    int c = S->par[p].cls;
    pclass *C = &S->cls[c];
    if (!pl_stack_feasible(&C->ctx, st))
        return 0;
    int s = stack_add(S, C, st, false);
    if (s == -1)
        return -1;
    if (s < 0)
        s = -s - 3;
    if (col_find(S, p, s) >= 0)
        return 0;
    int j = add_column(S, p, c, s);
    if (j < 0)
        return -1;
    glp_set_obj_coef(S->lp, j, C->stk[s].cval);
    return 1;
}

/* Columns one storey away from parcel p's stack base: one storey's
 * industry changed, one storey removed, one storey inserted. */
static int neighbours_of(solver *S, int p, const stk *base, int *added)
{
    int n = S->nind;
    int tot = base->st.n[0] + base->st.n[1];
    short buf[2 * PL_MAX_LEVELS + 2];
    pl_stack st;
    st.ind = buf;
    if (tot + 1 > 2 * PL_MAX_LEVELS)
        return 0;
    for (int b = 0; b < 2; b++) {
        int off = b ? base->st.n[0] : 0, nb = base->st.n[b];
        /* replace */
        for (int k = 0; k < nb; k++)
            for (int j = 0; j < n; j++) {
                if (j == base->st.ind[off + k])
                    continue;
                memcpy(buf, base->st.ind, sizeof(short) * (size_t)tot);
                buf[off + k] = (short)j;
                st.n[0] = base->st.n[0];
                st.n[1] = base->st.n[1];
                int r = offer_stack(S, p, &st);
                if (r < 0)
                    return -1;
                *added += r;
            }
        /* remove */
        for (int k = 0; k < nb; k++) {
            memcpy(buf, base->st.ind, sizeof(short) * (size_t)(off + k));
            memcpy(buf + off + k, base->st.ind + off + k + 1, sizeof(short) * (size_t)(tot - off - k - 1));
            st.n[0] = base->st.n[0] - (b == 0);
            st.n[1] = base->st.n[1] - (b == 1);
            int r = offer_stack(S, p, &st);
            if (r < 0)
                return -1;
            *added += r;
        }
        /* insert */
        for (int k = 0; k <= nb; k++)
            for (int j = 0; j < n; j++) {
                memcpy(buf, base->st.ind, sizeof(short) * (size_t)(off + k));
                buf[off + k] = (short)j;
                memcpy(buf + off + k + 1, base->st.ind + off + k, sizeof(short) * (size_t)(tot - off - k));
                st.n[0] = base->st.n[0] + (b == 0);
                st.n[1] = base->st.n[1] + (b == 1);
                int r = offer_stack(S, p, &st);
                if (r < 0)
                    return -1;
                *added += r;
            }
    }
    return 0;
}

/* Neighbourhood of the incumbent: for every parcel, the stacks one storey
 * away from its chosen stack (or, for a kept parcel, from its best
 * column). */
static int neighbour_columns(solver *S, int *added)
{
    *added = 0;
    int *choice = malloc(sizeof(int) * (size_t)(S->npar + 1));
    if (!choice)
        return -1;
    memcpy(choice, S->inc_choice, sizeof(int) * (size_t)S->npar);
    int ncol0 = S->ncol;
    for (int p = 0; p < S->npar; p++) {
        int c = choice[p];
        if (c < 0) {
            double bv = -INFINITY;
            for (int x = 0; x < ncol0; x++)
                if (S->cols[x].parcel == p && col_stk(S, x)->cval > bv) {
                    bv = col_stk(S, x)->cval;
                    c = x;
                }
        }
        if (c < 0)
            continue;
        stk base = *col_stk(S, c);   /* the class array may move: copy */
        short ind[2 * PL_MAX_LEVELS + 2];
        memcpy(ind, base.st.ind, sizeof(short) * (size_t)(base.st.n[0] + base.st.n[1]));
        base.st.ind = ind;
        if (neighbours_of(S, p, &base, added) != 0) {
            free(choice);
            return -1;
        }
    }
    free(choice);
    return 0;
}


/* ---- local search on the integer plan ----------------------------------
 *
 * The demand ranges bind on big floor plates: the LP fills each industry to
 * its max with fractions of stacks, an integer plan cannot, and the
 * rounded plans lose most of the gap to unfilled demand.  Filling it needs
 * many parcels to change by a storey each, which branching over the
 * generated stacks does not find.  This search moves between plans one or
 * two parcels at a time: a parcel may take any stack of its class or stay
 * as it is, and every stack it is on brings its one-storey edits (one
 * storey's industry changed, one storey removed, one inserted) into its
 * class.  A pair move lets one parcel's gain break a demand range that the
 * other parcel's change restores, e.g. a storey of med-device upgraded on a
 * big plate and one moved off it on a slightly smaller one. */

typedef struct lsmv {
    int p, s;                   /* parcel, class stack (-1 kept) */
    double dv;                  /* value change */
    int d0, nd;                 /* GFA changes in the arena */
    int viol_i;                 /* first industry out of range alone, -1 none */
    int viol_dir;               /* +1 above its max, -1 below its min */
} lsmv;

typedef struct lsearch {
    solver *S;
    int *cur;                   /* per parcel: class stack, -1 kept */
    bool *dirty;                /* current stack changed: add its edits */
    double *G;
    double *dG;                 /* scratch, per industry */
    int *touch, ntouch;
    lsmv *mv;
    int nmv, capmv;
    int *di;
    double *dd;
    int nd, capd;
    int *ord;                   /* moves by dv, best first */
    int *lst_start, *lst;       /* per (industry, sign): moves, by dv */
    long long evals;
} lsearch;

static double ls_value(const lsearch *L, int p, int s)
{
    (void)p;
    return s < 0 ? 0 : L->S->cls[L->S->par[p].cls].stk[s].cval;
}

static const stk *ls_stk(const lsearch *L, int p, int s)
{
    return s < 0 ? NULL : &L->S->cls[L->S->par[p].cls].stk[s];
}

static bool in_range(const solver *S, int i, double g)
{
    double tol = 1e-6 + 1e-9 * fabs(g);
    return g <= S->dmax[i] + tol && g >= S->dmin[i] - tol;
}

/* Class stacks one storey away from stack k (feasible ones only). */
static int ls_edits(solver *S, pclass *C, int k)
{
    int n = S->nind;
    const stk *bk = &C->stk[k];
    int n0 = bk->st.n[0], n1 = bk->st.n[1], tot = n0 + n1;
    if (tot + 1 > 2 * PL_MAX_LEVELS)
        return 0;
    short base[2 * PL_MAX_LEVELS + 2], buf[2 * PL_MAX_LEVELS + 2];
    memcpy(base, bk->st.ind, sizeof(short) * (size_t)tot);
    pl_stack st;
    st.ind = buf;
    for (int b = 0; b < 2; b++) {
        int off = b ? n0 : 0, nb = b ? n1 : n0;
        for (int op = 0; op < 3; op++)
            for (int k2 = 0; k2 <= nb; k2++)
                for (int j = 0; j < (op == 1 ? 1 : n); j++) {
                    if (op != 2 && k2 == nb)
                        continue;
                    if (op == 0) {          /* replace */
                        if (j == base[off + k2])
                            continue;
                        memcpy(buf, base, sizeof(short) * (size_t)tot);
                        buf[off + k2] = (short)j;
                        st.n[0] = n0;
                        st.n[1] = n1;
                    } else if (op == 1) {   /* remove */
                        memcpy(buf, base, sizeof(short) * (size_t)(off + k2));
                        memcpy(buf + off + k2, base + off + k2 + 1,
                               sizeof(short) * (size_t)(tot - off - k2 - 1));
                        st.n[0] = n0 - (b == 0);
                        st.n[1] = n1 - (b == 1);
                    } else {                /* insert */
                        memcpy(buf, base, sizeof(short) * (size_t)(off + k2));
                        buf[off + k2] = (short)j;
                        memcpy(buf + off + k2 + 1, base + off + k2,
                               sizeof(short) * (size_t)(tot - off - k2));
                        st.n[0] = n0 + (b == 0);
                        st.n[1] = n1 + (b == 1);
                    }
                    if (seq_find(C, &st, seq_hash(&st)) >= 0 || !pl_stack_feasible(&C->ctx, &st))
                        continue;
                    if (stack_add(S, C, &st, false) == -1)
                        return -1;
                }
    }
    return 0;
}

static int ls_push_d(lsearch *L, int i, double d)
{
    if (L->nd == L->capd) {
        int cap = L->capd ? 2 * L->capd : 4096;
        int *ni = realloc(L->di, sizeof(int) * (size_t)cap);
        if (!ni)
            return -1;
        L->di = ni;
        double *nd = realloc(L->dd, sizeof(double) * (size_t)cap);
        if (!nd)
            return -1;
        L->dd = nd;
        L->capd = cap;
    }
    L->di[L->nd] = i;
    L->dd[L->nd++] = d;
    return 0;
}

/* The move of parcel p to stack s: value change, GFA changes, and whether
 * it keeps the demand ranges alone. */
static int ls_add_move(lsearch *L, int p, int s)
{
    solver *S = L->S;
    const stk *a = ls_stk(L, p, L->cur[p]), *b = ls_stk(L, p, s);
    L->ntouch = 0;
    for (int pass = 0; pass < 2; pass++) {
        const stk *k = pass ? b : a;
        if (!k)
            continue;
        for (int g = 0; g < k->ng; g++) {
            int i = k->gi[g];
            if (!S->drow[i])
                continue;
            if (L->dG[i] == 0) {
                bool seen = false;
                for (int t = 0; t < L->ntouch; t++)
                    seen |= L->touch[t] == i;
                if (!seen)
                    L->touch[L->ntouch++] = i;
            }
            L->dG[i] += pass ? k->gv[g] : -k->gv[g];
        }
    }
    if (L->nmv == L->capmv) {
        int cap = L->capmv ? 2 * L->capmv : 1024;
        lsmv *n = realloc(L->mv, sizeof *n * (size_t)cap);
        if (!n)
            return -1;
        L->mv = n;
        L->capmv = cap;
    }
    lsmv *m = &L->mv[L->nmv];
    m->p = p;
    m->s = s;
    m->dv = ls_value(L, p, s) - ls_value(L, p, L->cur[p]);
    m->d0 = L->nd;
    m->viol_i = -1;
    m->viol_dir = 0;
    /* industries in a fixed order, so that the search is deterministic */
    for (int t = 1; t < L->ntouch; t++)
        for (int u = t; u > 0 && L->touch[u - 1] > L->touch[u]; u--) {
            int x = L->touch[u];
            L->touch[u] = L->touch[u - 1];
            L->touch[u - 1] = x;
        }
    for (int t = 0; t < L->ntouch; t++) {
        int i = L->touch[t];
        double d = L->dG[i];
        L->dG[i] = 0;
        if (fabs(d) < 1e-9)
            continue;
        if (ls_push_d(L, i, d) != 0)
            return -1;
        if (m->viol_i < 0 && !in_range(S, i, L->G[i] + d)) {
            m->viol_i = i;
            m->viol_dir = L->G[i] + d > S->dmax[i] ? 1 : -1;
        }
    }
    m->nd = L->nd - m->d0;
    L->nmv++;
    return 0;
}

static int ls_cmp_ctx_dv(const lsearch *L, int a, int b)
{
    double x = L->mv[a].dv, y = L->mv[b].dv;
    if (x != y)
        return x > y ? -1 : 1;
    return a < b ? -1 : a > b;
}

static const lsearch *ls_sort_ctx;
static int ls_cmp(const void *a, const void *b)
{
    return ls_cmp_ctx_dv(ls_sort_ctx, *(const int *)a, *(const int *)b);
}

/* Moves m[0..k-1] (different parcels) together: -1 when every range
 * holds, else the first industry (lowest index) out of range with *dir +1
 * above its max, -1 below its min. */
static int ls_check(lsearch *L, const lsmv *const *m, int k, int *dir)
{
    solver *S = L->S;
    L->ntouch = 0;
    for (int t = 0; t < k; t++)
        for (int x = 0; x < m[t]->nd; x++) {
            int i = L->di[m[t]->d0 + x];
            if (L->dG[i] == 0) {
                bool seen = false;
                for (int u = 0; u < L->ntouch; u++)
                    seen |= L->touch[u] == i;
                if (!seen)
                    L->touch[L->ntouch++] = i;
            }
            L->dG[i] += L->dd[m[t]->d0 + x];
        }
    int bad = -1;
    for (int u = 0; u < L->ntouch; u++) {
        int i = L->touch[u];
        if ((bad < 0 || i < bad) && !in_range(S, i, L->G[i] + L->dG[i])) {
            bad = i;
            *dir = L->G[i] + L->dG[i] > S->dmax[i] ? 1 : -1;
        }
    }
    for (int u = 0; u < L->ntouch; u++)
        L->dG[L->touch[u]] = 0;
    L->evals++;
    return bad;
}

static void ls_apply(lsearch *L, const lsmv *m)
{
    for (int x = 0; x < m->nd; x++)
        L->G[L->di[m->d0 + x]] += L->dd[m->d0 + x];
    L->cur[m->p] = m->s;
    L->dirty[m->p] = true;
}

/* Improve the incumbent with one- and two-parcel moves until none helps
 * or the deadline.  Returns 0, or -1 when out of memory. */
static int local_search(solver *S, double deadline)
{
    if (!S->have_inc || S->npar == 0)
        return 0;
    int n = S->nind;
    lsearch L;
    memset(&L, 0, sizeof L);
    L.S = S;
    L.cur = malloc(sizeof(int) * (size_t)S->npar);
    L.dirty = malloc(sizeof(bool) * (size_t)S->npar);
    L.G = calloc((size_t)n + 1, sizeof(double));
    L.dG = calloc((size_t)n + 1, sizeof(double));
    L.touch = malloc(sizeof(int) * (size_t)(2 * n + 2));
    L.lst_start = malloc(sizeof(int) * (size_t)(2 * n + 2));
    int rc = -1;
    if (!L.cur || !L.dirty || !L.G || !L.dG || !L.touch || !L.lst_start)
        goto out;
    for (int p = 0; p < S->npar; p++) {
        int c = S->inc_choice[p];
        L.cur[p] = c < 0 ? -1 : S->cols[c].s;
        L.dirty[p] = true;
        const stk *k = ls_stk(&L, p, L.cur[p]);
        if (k)
            for (int g = 0; g < k->ng; g++)
                L.G[k->gi[g]] += k->gv[g];
    }
    if (getenv("SL_TOPK")) {
        int K = atoi(getenv("SL_TOPK"));
        for (int i = 0; i < S->nind; i++)
            S->r[i] = S->s.prio[i] - S->ybest[i];
        S->stamp++;
        pl_weights w = {S->r, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                        S->sc->existing_value, S->stamp};
        double delta = S->bound - S->inc_val;
        double t1 = now_s();
        long long tot = 0;
        for (int c = 0; c < S->ncls; c++) {
            pclass *C = &S->cls[c];
            pl_search q;
            memset(&q, 0, sizeof q);
            q.enumerate = true;
            q.top_k = true;
            q.threshold = (C->ctx.pinned || C->best_b > 0 ? C->best_b : 0) - delta;
            q.max_found = K;
            q.node_limit = 2000000;
            q.deadline = deadline;
            if (pl_price(&C->ctx, &w, &q) != 0)
                goto out;
            for (int f = 0; f < q.nfound; f++)
                if (stack_add(S, C, &q.found[f], false) == -1) {
                    pl_search_free(&q);
                    goto out;
                }
            tot += q.nfound;
            pl_search_free(&q);
        }
        if (getenv("SL_PLAN_TRACE"))
            fprintf(stderr, "[topk] %lld stacks in %.2f s\n", tot, now_s() - t1);
    }
    double val = 0;
    for (int p = 0; p < S->npar; p++)
        val += ls_value(&L, p, L.cur[p]);
    int iter;
    for (iter = 0; now_s() < deadline; iter++) {
        /* new stacks: the edits of every stack a parcel moved to, and its
         * storey sequence on every other parcel (pattern swaps) */
        for (int p = 0; p < S->npar; p++)
            if (L.dirty[p]) {
                L.dirty[p] = false;
                if (L.cur[p] < 0)
                    continue;
                pclass *C = &S->cls[S->par[p].cls];
                if (!getenv("SL_NOEDIT") && ls_edits(S, C, L.cur[p]) != 0)
                    goto out;
                if (!getenv("SL_NOXP"))
                for (int c = 0; c < S->ncls; c++) {
                    pclass *D = &S->cls[c];
                    const pl_stack *st = &C->stk[L.cur[p]].st;
                    if (D == C || seq_find(D, st, C->stk[L.cur[p]].seqh) >= 0 ||
                        !pl_stack_feasible(&D->ctx, st))
                        continue;
                    if (stack_add(S, D, st, false) == -1)
                        goto out;
                }
            }
        /* every move */
        L.nmv = 0;
        L.nd = 0;
        for (int p = 0; p < S->npar; p++) {
            const pclass *C = &S->cls[S->par[p].cls];
            for (int s = S->par[p].pinned ? 0 : -1; s < C->nstk; s++)
                if (s != L.cur[p] && ls_add_move(&L, p, s) != 0)
                    goto out;
        }
        free(L.ord);
        free(L.lst);
        L.ord = malloc(sizeof(int) * (size_t)(L.nmv + 1));
        L.lst = malloc(sizeof(int) * (size_t)(L.nd + 1));
        if (!L.ord || !L.lst)
            goto out;
        for (int m = 0; m < L.nmv; m++)
            L.ord[m] = m;
        ls_sort_ctx = &L;
        qsort(L.ord, (size_t)L.nmv, sizeof(int), ls_cmp);
        /* lists per (industry, direction of change), best moves first */
        memset(L.lst_start, 0, sizeof(int) * (size_t)(2 * n + 2));
        for (int m = 0; m < L.nmv; m++)
            for (int x = 0; x < L.mv[m].nd; x++) {
                int i = L.di[L.mv[m].d0 + x];
                L.lst_start[2 * i + (L.dd[L.mv[m].d0 + x] > 0) + 1]++;
            }
        for (int x = 0; x < 2 * n; x++)
            L.lst_start[x + 1] += L.lst_start[x];
        {
            int *fill = malloc(sizeof(int) * (size_t)(2 * n + 1));
            if (!fill)
                goto out;
            memcpy(fill, L.lst_start, sizeof(int) * (size_t)(2 * n + 1));
            for (int r = 0; r < L.nmv; r++) {
                int m = L.ord[r];
                for (int x = 0; x < L.mv[m].nd; x++) {
                    int i = L.di[L.mv[m].d0 + x];
                    L.lst[fill[2 * i + (L.dd[L.mv[m].d0 + x] > 0)]++] = m;
                }
            }
            free(fill);
        }
        /* the best single move, then the best pair */
        double best = PL_EPS_VALUE;
        int ba = -1, bb = -1;
        for (int r = 0; r < L.nmv; r++) {
            const lsmv *a = &L.mv[L.ord[r]];
            if (a->dv <= best)
                break;
            if (a->viol_i < 0) {
                best = a->dv;
                ba = L.ord[r];
                break;
            }
        }
        int bc = -1;
        long long ev0 = L.evals;
        for (int depth = 2; depth <= 3 && (depth == 2 || ba < 0); depth++)
            for (int r = 0; r < L.nmv; r++) {
                int ia = L.ord[r];
                const lsmv *a = &L.mv[ia];
                /* a is the best move of the chain */
                if (a->dv <= best / depth)
                    break;
                if (a->viol_i < 0)
                    continue;
                if (((L.evals & 0xffff) == 0 && now_s() > deadline) || L.evals - ev0 > 20000000)
                    break;
                int i = a->viol_i, dir = a->viol_dir > 0 ? 0 : 1;
                for (int x = L.lst_start[2 * i + dir]; x < L.lst_start[2 * i + dir + 1]; x++) {
                    int ib = L.lst[x];
                    const lsmv *b = &L.mv[ib];
                    if (a->dv + b->dv + (depth == 3 ? a->dv : 0) <= best)
                        break;
                    if (b->p == a->p)
                        continue;
                    const lsmv *ab[3] = {a, b, NULL};
                    int d2;
                    int j = ls_check(&L, ab, 2, &d2);
                    if (j < 0) {
                        if (a->dv + b->dv > best) {
                            best = a->dv + b->dv;
                            ba = ia;
                            bb = ib;
                            bc = -1;
                        }
                        if (depth == 2)
                            break;
                        continue;
                    }
                    if (depth == 2)
                        continue;
                    int dj = d2 > 0 ? 0 : 1;
                    for (int y = L.lst_start[2 * j + dj]; y < L.lst_start[2 * j + dj + 1]; y++) {
                        int ic = L.lst[y];
                        const lsmv *c = &L.mv[ic];
                        if (a->dv + b->dv + c->dv <= best)
                            break;
                        if (c->p == a->p || c->p == b->p)
                            continue;
                        ab[2] = c;
                        int d3;
                        if (ls_check(&L, ab, 3, &d3) < 0) {
                            best = a->dv + b->dv + c->dv;
                            ba = ia;
                            bb = ib;
                            bc = ic;
                            break;
                        }
                    }
                }
            }
        if (ba < 0)
            break;
        ls_apply(&L, &L.mv[ba]);
        if (bb >= 0)
            ls_apply(&L, &L.mv[bb]);
        if (bc >= 0)
            ls_apply(&L, &L.mv[bc]);
        val += best;
        if (getenv("SL_PLAN_TRACE") && iter % 20 == 0)
            fprintf(stderr, "  ls %d: %.1f (%s) moves %d evals %lld\n", iter, val, bc >= 0 ? "triple" : bb >= 0 ? "pair" : "one",
                    L.nmv, L.evals);
    }
    if (getenv("SL_PLAN_TRACE"))
        fprintf(stderr, "[ls] t=%.2f iter %d value %.1f evals %lld\n", now_s() - S->t0, iter, val, L.evals);
    /* back to columns */
    {
        int *choice = malloc(sizeof(int) * (size_t)S->npar);
        if (!choice)
            goto out;
        double v = 0;
        for (int p = 0; p < S->npar; p++) {
            choice[p] = -1;
            if (L.cur[p] < 0)
                continue;
            int c = col_find(S, p, L.cur[p]);
            if (c < 0) {
                int j = add_column(S, p, S->par[p].cls, L.cur[p]);
                if (j < 0) {
                    free(choice);
                    goto out;
                }
                glp_set_obj_coef(S->lp, j, ls_value(&L, p, L.cur[p]));
                c = S->ncol - 1;
            }
            choice[p] = c;
            v += col_stk(S, c)->cval;
        }
        take_incumbent(S, choice, v);
        free(choice);
    }
    rc = 0;
out:
    free(L.cur);
    free(L.dirty);
    free(L.G);
    free(L.dG);
    free(L.touch);
    free(L.mv);
    free(L.di);
    free(L.dd);
    free(L.ord);
    free(L.lst);
    free(L.lst_start);
    return rc;
}


/* ---- tabu search over near-optimal stacks ------------------------------
 *
 * A multiple-choice knapsack: every parcel takes one option (a stack, or
 * kept), the demand ranges are the knapsack rows.  Options: the K best
 * stacks of the parcel's class under the bound's multipliers (distinct in
 * storeys per industry), the generated columns, the incumbent's stack.
 * Single-parcel moves; the demand ranges are relaxed with a penalty per m²
 * of violation that rises while the plan stays infeasible and falls while
 * it is feasible (strategic oscillation), so that the search can cross
 * infeasible plans to reach better-filled ones.  A parcel just moved is
 * tabu for a few iterations.  Deterministic: ties go to the lowest index. */

typedef struct tsopt {
    int s;                      /* class stack, -1 kept */
    double v;                   /* value */
    int d0, nd;                 /* GFA by industry (demand rows only) in the arena */
} tsopt;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* Hash of the storeys per industry and block (order-free). */
static uint64_t count_key(const stk *k)
{
    uint64_t h = 0;
    for (int b = 0, x = 0; b < 2; b++)
        for (int j = 0; j < k->st.n[b]; j++, x++)
            h += mix64((uint64_t)(k->st.ind[x] + 1) * 2 + (uint64_t)b);
    return mix64(h + (uint64_t)k->st.n[0] * 0x9e3779b97f4a7c15ull + (uint64_t)k->st.n[1]);
}

static double tviol(const solver *S, int i, double g)
{
    double tol = 1e-6 + 1e-9 * fabs(g);
    if (g > S->dmax[i] + tol)
        return g - S->dmax[i];
    if (g < S->dmin[i] - tol)
        return S->dmin[i] - g;
    return 0;
}

static int tabu_search(solver *S, int K, long long max_iter, double deadline)
{
    int ts_ten0 = getenv("SL_T0") ? atoi(getenv("SL_T0")) : 3;
    int ts_ten1 = getenv("SL_T1") ? atoi(getenv("SL_T1")) : 8;
    double ts_up = getenv("SL_UP") ? atof(getenv("SL_UP")) : 1.1;
    double ts_down = getenv("SL_DOWN") ? atof(getenv("SL_DOWN")) : 0.98;
    double ts_wmin = getenv("SL_WMIN") ? atof(getenv("SL_WMIN")) : 0.05;
    long long ts_restart = getenv("SL_RST") ? atoll(getenv("SL_RST")) : 0;
    if (!S->have_inc || S->npar == 0)
        return 0;
    int n = S->nind;
    int rc = -1;
    int *ostart = calloc((size_t)S->npar + 1, sizeof(int));
    tsopt *opt = NULL;
    int nopt = 0, capopt = 0;
    int *di = NULL;
    double *dd = NULL;
    int nd = 0, capd = 0;
    int *cur = malloc(sizeof(int) * (size_t)S->npar);      /* option index */
    int *best_cur = malloc(sizeof(int) * (size_t)S->npar);
    long long *tabu = calloc((size_t)S->npar, sizeof(long long));
    double *G = calloc((size_t)n + 1, sizeof(double));
    double *W = malloc(sizeof(double) * (size_t)(n + 1));  /* penalty weights */
    double *basei = calloc((size_t)n + 1, sizeof(double));
    uint64_t *keys = NULL;
    if (!ostart || !cur || !best_cur || !tabu || !G || !W || !basei)
        goto out;
    /* options */
    for (int i = 0; i < n; i++)
        S->r[i] = S->s.prio[i] - S->ybest[i];
    S->stamp++;
    pl_weights w = {S->r, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                    S->sc->existing_value, S->stamp};
    double delta = S->bound - S->inc_val;
    int *cls_done = calloc((size_t)S->ncls + 1, sizeof(int));
    if (!cls_done)
        goto out;
    for (int c = 0; c < S->ncls && K > 0; c++) {
        pclass *C = &S->cls[c];
        pl_search q;
        memset(&q, 0, sizeof q);
        q.enumerate = true;
        q.top_k = true;
        q.threshold = (C->ctx.pinned || C->best_b > 0 ? C->best_b : 0) - delta;
        q.max_found = K;
        q.node_limit = 200000;
        q.deadline = deadline;
        if (pl_price(&C->ctx, &w, &q) != 0) {
            free(cls_done);
            goto out;
        }
        for (int f = 0; f < q.nfound; f++)
            if (stack_add(S, C, &q.found[f], false) == -1) {
                pl_search_free(&q);
                free(cls_done);
                goto out;
            }
        pl_search_free(&q);
    }
    free(cls_done);
    for (int p = 0; p < S->npar; p++) {
        const pclass *C = &S->cls[S->par[p].cls];
        ostart[p] = nopt;
        int need = C->nstk + 1;
        if (nopt + need > capopt) {
            int cap = capopt ? 2 * capopt : 1024;
            while (cap < nopt + need)
                cap *= 2;
            tsopt *no = realloc(opt, sizeof *no * (size_t)cap);
            uint64_t *nk = realloc(keys, sizeof *nk * (size_t)cap);
            if (!no || !nk) {
                if (no)
                    opt = no;
                if (nk)
                    keys = nk;
                goto out;
            }
            opt = no;
            keys = nk;
            capopt = cap;
        }
        int inc_s = S->inc_choice[p] >= 0 ? S->cols[S->inc_choice[p]].s : -1;
        cur[p] = -1;
        if (!S->par[p].pinned) {
            opt[nopt] = (tsopt){-1, 0, nd, 0};
            keys[nopt] = 0;
            if (inc_s < 0)
                cur[p] = nopt;
            nopt++;
        }
        for (int k = 0; k < C->nstk; k++) {
            const stk *sk = &C->stk[k];
            uint64_t key = count_key(sk);
            int same = -1;
            for (int o = ostart[p]; o < nopt; o++)
                if (keys[o] == key && opt[o].s >= 0) {
                    same = o;
                    break;
                }
            if (same >= 0 && k != inc_s) {
                if (sk->cval > opt[same].v + 1e-9 && cur[p] != same)
                    opt[same].s = k, opt[same].v = sk->cval;
                continue;
            }
            int o = nopt++;
            opt[o] = (tsopt){k, sk->cval, nd, 0};
            keys[o] = key;
            if (k == inc_s)
                cur[p] = o;
            for (int g = 0; g < sk->ng; g++) {
                if (!S->drow[sk->gi[g]])
                    continue;
                if (nd == capd) {
                    int cap = capd ? 2 * capd : 4096;
                    int *ni = realloc(di, sizeof(int) * (size_t)cap);
                    if (!ni)
                        goto out;
                    di = ni;
                    double *nv = realloc(dd, sizeof(double) * (size_t)cap);
                    if (!nv)
                        goto out;
                    dd = nv;
                    capd = cap;
                }
                di[nd] = sk->gi[g];
                dd[nd++] = sk->gv[g];
            }
            opt[o].nd = nd - opt[o].d0;
        }
    }
    ostart[S->npar] = nopt;
    if (getenv("SL_ALLCOLS"))
        for (int p = 0; p < S->npar; p++)
            for (int o = ostart[p]; o < ostart[p + 1]; o++)
                if (opt[o].s >= 0 && col_find(S, p, opt[o].s) < 0) {
                    int j = add_column(S, p, S->par[p].cls, opt[o].s);
                    if (j < 0)
                        goto out;
                    glp_set_obj_coef(S->lp, j, opt[o].v);
                }
    for (int p = 0; p < S->npar; p++) {
        if (cur[p] < 0)
            goto out;   /* cannot happen: the incumbent's stack is an option */
        const tsopt *o = &opt[cur[p]];
        for (int x = 0; x < o->nd; x++)
            G[di[o->d0 + x]] += dd[o->d0 + x];
    }
    double val = 0, viol = 0;
    for (int p = 0; p < S->npar; p++)
        val += opt[cur[p]].v;
    double best_val = val;
    if (getenv("SL_PLAN_TRACE"))
        fprintf(stderr, "[tabu] start %.1f (incumbent %.1f)\n", val, S->inc_val);
    memcpy(best_cur, cur, sizeof(int) * (size_t)S->npar);
    double pmax = 0;
    for (int i = 0; i < n; i++)
        pmax = fmax(pmax, S->s.prio[i]);
    for (int i = 0; i < n; i++)
        W[i] = 2 * pmax;
    uint64_t rng = 0x2545f4914f6cdd1dull;
    long long it;
    long long last_best = 0;
    for (it = 1; it <= max_iter; it++) {
        if ((it & 63) == 0 && now_s() > deadline)
            break;
        double bestd = -INFINITY;
        int bp = -1, bo = -1;
        for (int p = 0; p < S->npar; p++) {
            const tsopt *co = &opt[cur[p]];
            double base = 0;
            for (int x = 0; x < co->nd; x++) {
                int i = di[co->d0 + x];
                double g0 = G[i], g1 = G[i] - dd[co->d0 + x];
                basei[i] = W[i] * (tviol(S, i, g1) - tviol(S, i, g0));
                base += basei[i];
            }
            bool is_tabu = tabu[p] > it;
            for (int oi = ostart[p]; oi < ostart[p + 1]; oi++) {
                if (oi == cur[p])
                    continue;
                const tsopt *o = &opt[oi];
                double dv = o->v - co->v;
                double dpen = base;
                double dviol_raw = 0;
                for (int x = 0; x < o->nd; x++) {
                    int i = di[o->d0 + x];
                    double gc = G[i];
                    double sub = 0;
                    for (int y = 0; y < co->nd; y++)
                        if (di[co->d0 + y] == i)
                            sub = dd[co->d0 + y];
                    double g1 = gc - sub + dd[o->d0 + x];
                    dpen += W[i] * (tviol(S, i, g1) - tviol(S, i, gc)) - (sub != 0 ? basei[i] : 0);
                }
                (void)dviol_raw;
                double d = dv - dpen;
                bool aspire = false;
                if (is_tabu) {
                    /* aspiration: a feasible plan better than the best */
                    if (viol == 0 && dpen <= 1e-9 && val + dv > best_val + PL_EPS_VALUE)
                        aspire = true;
                    if (!aspire)
                        continue;
                }
                if (d > bestd + 1e-9) {
                    bestd = d;
                    bp = p;
                    bo = oi;
                }
            }
            for (int x = 0; x < co->nd; x++)
                basei[di[co->d0 + x]] = 0;
        }
        if (bp < 0)
            break;
        /* apply */
        const tsopt *co = &opt[cur[bp]], *no = &opt[bo];
        for (int x = 0; x < co->nd; x++)
            G[di[co->d0 + x]] -= dd[co->d0 + x];
        for (int x = 0; x < no->nd; x++)
            G[di[no->d0 + x]] += dd[no->d0 + x];
        val += no->v - co->v;
        cur[bp] = bo;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        tabu[bp] = it + ts_ten0 + (long long)(rng % (unsigned long long)ts_ten1);
        viol = 0;
        for (int i = 0; i < n; i++)
            if (S->drow[i]) {
                double v1 = tviol(S, i, G[i]);
                viol += v1;
                /* oscillation: weights rise on violated rows, decay otherwise */
                if (v1 > 0)
                    W[i] *= ts_up;
                else if (W[i] > ts_wmin)
                    W[i] *= ts_down;
            }
        if (getenv("SL_TSV") && it % atoi(getenv("SL_TSV")) == 0) {
            double wa = 0;
            for (int i = 0; i < n; i++)
                wa += W[i] / n;
            fprintf(stderr, "  ts %lld val %.1f viol %.1f W %.3f best %.1f\n", it, val, viol, wa, best_val);
        }
        if (viol == 0 && val > best_val + PL_EPS_VALUE) {
            best_val = val;
            memcpy(best_cur, cur, sizeof(int) * (size_t)S->npar);
            last_best = it;
        }
        if (ts_restart > 0 && it - last_best > ts_restart && (it - last_best) % ts_restart == 0) {
            /* back to the best plan */
            memcpy(cur, best_cur, sizeof(int) * (size_t)S->npar);
            memset(G, 0, sizeof(double) * (size_t)n);
            val = 0;
            for (int p = 0; p < S->npar; p++) {
                const tsopt *o = &opt[cur[p]];
                val += o->v;
                for (int x = 0; x < o->nd; x++)
                    G[di[o->d0 + x]] += dd[o->d0 + x];
            }
            for (int i = 0; i < n; i++)
                W[i] = 2 * pmax;
            for (int p = 0; p < S->npar; p++) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                tabu[p] = it + (long long)(rng % (unsigned long long)(ts_ten0 + ts_ten1));
            }
        }
    }
    if (getenv("SL_PLAN_TRACE"))
        fprintf(stderr, "[tabu] t=%.2f options %d iter %lld best %.1f (at %lld)\n", now_s() - S->t0, nopt, it,
                best_val, last_best);
    if (best_val > S->inc_val + PL_EPS_VALUE) {
        int *choice = malloc(sizeof(int) * (size_t)S->npar);
        if (!choice)
            goto out;
        double v = 0;
        for (int p = 0; p < S->npar; p++) {
            int sidx = opt[best_cur[p]].s;
            choice[p] = -1;
            if (sidx < 0)
                continue;
            int c = col_find(S, p, sidx);
            if (c < 0) {
                int j = add_column(S, p, S->par[p].cls, sidx);
                if (j < 0) {
                    free(choice);
                    goto out;
                }
                glp_set_obj_coef(S->lp, j, S->cls[S->par[p].cls].stk[sidx].cval);
                c = S->ncol - 1;
            }
            choice[p] = c;
            v += col_stk(S, c)->cval;
        }
        take_incumbent(S, choice, v);
        free(choice);
    }
    rc = 0;
out:
    free(ostart);
    free(opt);
    free(keys);
    free(di);
    free(dd);
    free(cur);
    free(best_cur);
    free(tabu);
    free(G);
    free(W);
    free(basei);
    return rc;
}


/* ---- option pool and diving ------------------------------------------- */

/* Add, for every class, its K best stacks under the bound's multipliers
 * (distinct in storeys per industry) as columns of its parcels. */
static int option_pool(solver *S, int K, double deadline, int *added)
{
    *added = 0;
    for (int i = 0; i < S->nind; i++)
        S->r[i] = S->s.prio[i] - S->ybest[i];
    S->stamp++;
    pl_weights w = {S->r, S->sc->same_building_bonus_m2, S->sc->adjacent_floor_bonus_m2,
                    S->sc->existing_value, S->stamp};
    double delta = S->have_inc ? S->bound - S->inc_val : INFINITY;
    uint64_t *keys = malloc(sizeof(uint64_t) * (size_t)(3 * K + 1));
    int *idx = malloc(sizeof(int) * (size_t)(3 * K + 1));
    if (!keys || !idx) {
        free(keys);
        free(idx);
        return -1;
    }
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        pl_search q;
        memset(&q, 0, sizeof q);
        q.enumerate = true;
        q.top_k = true;
        q.threshold = (C->ctx.pinned || C->best_b > 0 ? C->best_b : 0) - (isfinite(delta) ? delta : 1e300);
        q.max_found = 3 * K;
        q.node_limit = 200000;
        q.deadline = deadline;
        if (pl_price(&C->ctx, &w, &q) != 0)
            goto fail;
        int nk = 0;
        /* best first, so that the first of each count vector is its best */
        for (int a = 1; a < q.nfound; a++)
            for (int b = a; b > 0 && (q.found[b].value > q.found[b - 1].value); b--) {
                pl_stack t = q.found[b];
                q.found[b] = q.found[b - 1];
                q.found[b - 1] = t;
            }
        for (int f = 0; f < q.nfound && nk < K; f++) {
            int sidx = stack_add(S, C, &q.found[f], false);
            if (sidx == -1) {
                pl_search_free(&q);
                goto fail;
            }
            if (sidx < 0)
                sidx = -sidx - 3;
            uint64_t key = count_key(&C->stk[sidx]);
            bool seen = false;
            for (int g = 0; g < nk && !seen; g++)
                seen = keys[g] == key;
            if (seen)
                continue;
            keys[nk] = key;
            idx[nk++] = sidx;
        }
        pl_search_free(&q);
        for (int x = 0; x < C->nparc; x++)
            for (int g = 0; g < nk; g++) {
                int p = C->parc[x];
                if (col_find(S, p, idx[g]) >= 0)
                    continue;
                int j = add_column(S, p, c, idx[g]);
                if (j < 0)
                    goto fail;
                glp_set_obj_coef(S->lp, j, C->stk[idx[g]].cval);
                (*added)++;
            }
        if (now_s() > deadline)
            break;
    }
    free(keys);
    free(idx);
    return 0;
fail:
    free(keys);
    free(idx);
    return -1;
}

/* Dive: fix one parcel at a time to its largest LP column (or to kept),
 * biggest factory plates first so that the small ones are left to fill the
 * demand ranges, re-solving the master LP after each fixing.  When the LP
 * turns infeasible, the last fixing moves to the parcel's next choice
 * (depth-first backtracking, at most max_lp LP solves).  The master's
 * bounds are restored afterwards. */
typedef struct dvstep {
    int p;
    int nc, at;                 /* candidates (columns, -1 kept) by λ, tried up to at */
    int *c;
} dvstep;

static void dive_fix(solver *S, int p, int c)
{
    if (c < 0)
        glp_set_row_bnds(S->lp, S->par[p].row, GLP_UP, 0, 0);
    else
        glp_set_col_bnds(S->lp, S->nart + 1 + c, GLP_FX, 1, 1);
}

static void dive_unfix(solver *S, int p, int c)
{
    if (c < 0)
        glp_set_row_bnds(S->lp, S->par[p].row, S->par[p].pinned ? GLP_FX : GLP_UP,
                         S->par[p].pinned ? 1 : 0, 1);
    else
        glp_set_col_bnds(S->lp, S->nart + 1 + c, GLP_DB, 0, 1);
}

static int dive(solver *S, int order, int max_lp, double deadline)
{
    int np = S->npar;
    dvstep *stp = calloc((size_t)np + 1, sizeof *stp);
    bool *fixed = calloc((size_t)np + 1, 1);
    int *choice = malloc(sizeof(int) * (size_t)(np + 1));
    double *lam = malloc(sizeof(double) * (size_t)(S->ncol + 1));
    int *st = NULL, *ls = NULL;
    if (!stp || !fixed || !choice || !lam || par_columns(S, &st, &ls) != 0) {
        free(stp);
        free(fixed);
        free(choice);
        free(lam);
        return -1;
    }
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_kind(S->lp, S->nart + 1 + c, GLP_CV);
    int rc = 0, depth = 0, nlp = 0;
    bool ok = false;
    for (;;) {
        if (nlp++ >= max_lp || now_s() > deadline)
            break;
        bool feas = master_lp(S) == 0 && glp_get_status(S->lp) == GLP_OPT;
        if (feas && depth == np) {
            ok = true;
            break;
        }
        if (!feas) {
            /* next choice of the deepest step that has one */
            while (depth > 0) {
                dvstep *d = &stp[depth - 1];
                dive_unfix(S, d->p, d->c[d->at]);
                if (++d->at < d->nc) {
                    choice[d->p] = d->c[d->at];
                    dive_fix(S, d->p, d->c[d->at]);
                    break;
                }
                fixed[d->p] = false;
                free(d->c);
                d->c = NULL;
                depth--;
            }
            if (depth == 0)
                break;
            continue;
        }
        if (getenv("SL_DIVER") && np - depth <= atoi(getenv("SL_DIVER"))) {
            /* complete with GLPK's branch and bound over the free parcels */
            for (int c = 0; c < S->ncol; c++)
                glp_set_col_kind(S->lp, S->nart + 1 + c, GLP_BV);
            glp_iocp parm;
            glp_init_iocp(&parm);
            parm.msg_lev = GLP_MSG_OFF;
            parm.presolve = GLP_ON;
            parm.tm_lim = getenv("SL_DIVET") ? atoi(getenv("SL_DIVET")) : 5000;
            parm.br_tech = GLP_BR_PCH;
            parm.bt_tech = GLP_BT_BLB;
            if (getenv("SL_DIVEDUMP")) {
                static int nd;
                char fn[256];
                snprintf(fn, sizeof fn, "%s.%d.lp", getenv("SL_DIVEDUMP"), nd++);
                glp_write_lp(S->lp, NULL, fn);
            }
            int r = glp_intopt(S->lp, &parm);
            int ms = glp_mip_status(S->lp);
            if (getenv("SL_PLAN_TRACE"))
                fprintf(stderr, "  dive completion: rc %d status %d value %.1f (lp %.1f)\n", r, ms,
                        glp_mip_obj_val(S->lp), glp_get_obj_val(S->lp));
            for (int c = 0; c < S->ncol; c++)
                glp_set_col_kind(S->lp, S->nart + 1 + c, GLP_CV);
            if (ms == GLP_OPT || ms == GLP_FEAS) {
                for (int p = 0; p < np; p++)
                    choice[p] = -1;
                for (int c = 0; c < S->ncol; c++)
                    if (glp_mip_col_val(S->lp, S->nart + 1 + c) > 0.5)
                        choice[S->cols[c].parcel] = c;
                ok = true;
            }
            break;
        }
        for (int c = 0; c < S->ncol; c++)
            lam[c] = glp_get_col_prim(S->lp, S->nart + 1 + c);
        /* the next parcel */
        int bp = -1;
        double bkey = -INFINITY;
        for (int p = 0; p < np; p++) {
            if (fixed[p])
                continue;
            const pl_ctx *x = &S->cls[S->par[p].cls].ctx;
            double maxl = 0, sum = 0;
            for (int k = st[p]; k < st[p + 1]; k++) {
                sum += lam[ls[k]];
                maxl = fmax(maxl, lam[ls[k]]);
            }
            maxl = fmax(maxl, 1 - sum);
            double key = order == 0 ? x->F[0] : order == 1 ? maxl : maxl * x->F[0];
            if (key > bkey) {
                bkey = key;
                bp = p;
            }
        }
        /* its choices by λ (kept counts 1 − Σλ), ties by value */
        dvstep *d = &stp[depth];
        d->p = bp;
        d->nc = 0;
        d->at = 0;
        d->c = malloc(sizeof(int) * (size_t)(st[bp + 1] - st[bp] + 1));
        if (!d->c) {
            rc = -1;
            break;
        }
        double sum = 0;
        for (int k = st[bp]; k < st[bp + 1]; k++)
            sum += lam[ls[k]];
        for (int k = st[bp]; k < st[bp + 1] + 1; k++) {
            int c = k < st[bp + 1] ? ls[k] : -1;
            if (c < 0 && S->par[bp].pinned)
                continue;
            double l = c >= 0 ? lam[c] : 1 - sum;
            if (l < 1e-6 && d->nc >= 1)
                continue;   /* only what the LP uses, plus at least one */
            double v = c >= 0 ? col_stk(S, c)->cval : 0;
            int x = d->nc++;
            while (x > 0) {
                int o = d->c[x - 1];
                double lo = o >= 0 ? lam[o] : 1 - sum, vo = o >= 0 ? col_stk(S, o)->cval : 0;
                if (lo > l + 1e-9 || (fabs(lo - l) <= 1e-9 && vo >= v))
                    break;
                d->c[x] = o;
                x--;
            }
            d->c[x] = c;
        }
        fixed[bp] = true;
        choice[bp] = d->c[0];
        dive_fix(S, bp, d->c[0]);
        depth++;
    }
    if (ok) {
        double v = 0;
        for (int p = 0; p < np; p++)
            if (choice[p] >= 0)
                v += col_stk(S, choice[p])->cval;
        if (getenv("SL_PLAN_TRACE"))
            fprintf(stderr, "[dive %d] t=%.2f value %.1f lps %d\n", order, now_s() - S->t0, v, nlp);
        take_incumbent(S, choice, v);
    } else if (getenv("SL_PLAN_TRACE"))
        fprintf(stderr, "[dive %d] failed after %d LPs\n", order, nlp);
    /* restore */
    for (int p = 0; p < np; p++)
        dive_unfix(S, p, -1);
    for (int c = 0; c < S->ncol; c++)
        glp_set_col_bnds(S->lp, S->nart + 1 + c, GLP_DB, 0, 1);
    for (int k = 0; k < np; k++)
        free(stp[k].c);
    free(stp);
    free(fixed);
    free(choice);
    free(lam);
    free(st);
    free(ls);
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
    if (lag < S->bound) {
        S->bound = lag;
        memcpy(S->ybest, S->y, sizeof(double) * (size_t)S->nind);
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
    const long long fast = 4000;
    long long limit = fast;
    double want = phase == 1 ? 0 : fmax(1e-9, S->o->gap / 4);
    for (;;) {
        if (master_lp(S) != 0)
            return -1;
        read_duals(S);
        if (phase == 1 && art_sum(S) <= 1e-6)
            return 0;
        int pw = phase == 1 ? 1 : 2;   /* pricing weights */
        double lag;
        bool exact;
        int added = price_all(S, pw, false, limit, &lag, &exact);
        if (added < 0)
            return -1;
        if (pw == 2)
            note_bound(S, lag);
        progress(S);
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

static void trace_lp(solver *S, const char *what)
{
    if (!getenv("SL_PLAN_TRACE"))
        return;
    fprintf(stderr, "[%s] t=%.2f lp=%.1f bound=%.1f inc=%.1f ncol=%d\n", what, now_s() - S->t0,
            S->lp_val, S->bound, S->have_inc ? S->inc_val : NAN, S->ncol);
    for (int i = 0; i < S->nind; i++) {
        if (!S->drow[i])
            continue;
        fprintf(stderr, "  ind %-15s y=%8.4f act=%10.1f [%g, %g]\n", S->sc->industries[i].id,
                glp_get_row_dual(S->lp, S->drow[i]), glp_get_row_prim(S->lp, S->drow[i]),
                S->dmin[i], S->dmax[i]);
    }
    int nfrac = 0;
    for (int p = 0; p < S->npar; p++) {
        int cnt = 0;
        double sum = 0;
        char buf[512] = "";
        size_t len = 0;
        for (int c = 0; c < S->ncol; c++) {
            if (S->cols[c].parcel != p)
                continue;
            double l = glp_get_col_prim(S->lp, S->nart + 1 + c);
            if (l > 1e-6) {
                cnt++;
                sum += l;
                if (len < 400)
                    len += (size_t)snprintf(buf + len, sizeof buf - len, " %.3f", l);
            }
        }
        bool frac = cnt > 1 || (cnt == 1 && sum < 1 - 1e-6);
        nfrac += frac;
        if (frac)
            fprintf(stderr, "  par %d (%s) F=%.0f/%.0f A=%.0f u=%.1f:%s\n", p,
                    S->z->p[S->par[p].zi].id, S->cls[S->par[p].cls].ctx.F[0],
                    S->cls[S->par[p].cls].ctx.F[1], S->cls[S->par[p].cls].ctx.A,
                    glp_get_row_dual(S->lp, S->par[p].row), buf);
    }
    fprintf(stderr, "  fractional parcels: %d of %d, classes %d\n", nfrac, S->npar, S->ncls);
}

static void trace_inc(solver *S, const char *what)
{
    if (!getenv("SL_PLAN_TRACE") || !S->have_inc)
        return;
    double *G = calloc((size_t)S->nind + 1, sizeof *G);
    double L = 0, reg = 0, sl = 0;
    for (int i = 0; i < S->nind; i++)
        L += S->ybest[i] > 0 ? S->ybest[i] * S->dmax[i] : S->ybest[i] < 0 ? S->ybest[i] * S->dmin[i] : 0;
    for (int p = 0; p < S->npar; p++) {
        pclass *C = &S->cls[S->par[p].cls];
        double best = (C->ctx.pinned || C->best_b > 0) ? C->best_b : 0;
        L += best;
        int c = S->inc_choice[p];
        double v = 0;
        if (c >= 0) {
            const stk *k = col_stk(S, c);
            v = k->cval;
            for (int g = 0; g < k->ng; g++) {
                v -= S->ybest[k->gi[g]] * k->gv[g];
                G[k->gi[g]] += k->gv[g];
            }
        }
        if (best - v > 1)
            fprintf(stderr, "  regret par %d (%s): %.1f\n", p, S->z->p[S->par[p].zi].id, best - v);
        reg += best - v;
    }
    for (int i = 0; i < S->nind; i++) {
        double y = S->ybest[i];
        double x = y > 0 ? y * (S->dmax[i] - G[i]) : y < 0 ? -y * (G[i] - S->dmin[i]) : 0;
        fprintf(stderr, "  ind %-15s y=%8.4f gfa=%10.1f slack-cost=%.1f\n", S->sc->industries[i].id, y,
                G[i], x);
        sl += x;
    }
    fprintf(stderr, "[%s] inc=%.1f L(ybest)=%.1f bound=%.1f regret=%.1f slackcost=%.1f sum=%.1f\n", what,
            S->inc_val, L, S->bound, reg, sl, L - reg - sl);
    free(G);
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
            pl_msg(&S->msgs, &S->nmsgs, "pin on parcel %s: the zone has no parcel with this id",
                   pin->parcel ? pin->parcel : "(null)");
            continue;
        }
        const sl_parcel *p = &z->p[pi];
        if (p->status == SL_PARCEL_REJECTED) {
            pl_msg(&S->msgs, &S->nmsgs, "pin on parcel %s: the parcel is rejected (%s)", pin->parcel,
                   p->reason ? p->reason : "no reason given");
        } else if (p->status != SL_PARCEL_CANDIDATE) {
            pl_msg(&S->msgs, &S->nmsgs, "pin on parcel %s: the parcel is not a candidate (%s)",
                   pin->parcel, p->reason ? p->reason : "no reason given");
        } else if (!considered(p)) {
            const sl_ruleset *r = p->plan_rules;
            if (r)
                pl_msg(&S->msgs, &S->nmsgs,
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

/* ---- the plan ------------------------------------------------------------ */

static int assemble(solver *S, sl_plan *P)
{
    const sl_scenario *sc = S->sc;
    for (int p = 0; p < S->npar; p++) {
        int c = S->have_inc ? S->inc_choice[p] : -1;
        if (c < 0)
            continue;
        const stk *k = col_stk(S, c);
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
        pp->value_m2eq = k->cval;
    }
    double obj = 0;
    for (int i = 0; i < P->n; i++)
        obj += P->pp[i].value_m2eq;
    P->objective = obj;
    return 0;
}

static void solver_free(solver *S)
{
    if (S->lp)
        glp_delete_prob(S->lp);
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        for (int k = 0; k < C->nstk; k++) {
            free(C->stk[k].st.ind);
            free(C->stk[k].gi);
            free(C->stk[k].gv);
        }
        free(C->stk);
        free(C->htab);
        free(C->parc);
    }
    free(S->cls);
    for (int t = 0; t < S->nrt; t++)
        pl_rtab_free(&S->rt[t]);
    free(S->rt);
    free(S->par);
    free(S->cls_of_zone);
    free(S->cols);
    free(S->hkeys);
    free(S->hvals);
    free(S->glp_of_col);
    free(S->drow);
    free(S->dmin);
    free(S->dmax);
    free(S->art_cols);
    free(S->art_pen);
    free(S->r);
    free(S->y);
    free(S->ybest);
    free(S->inc_choice);
    for (int i = 0; i < S->nmsgs; i++)
        free(S->msgs[i]);
    free(S->msgs);
    pl_sc_free(&S->s);
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
            continue;   /* nothing fits: never redeveloped */
        int c;
        for (c = 0; c < S->ncls; c++)
            if (ctx_equal(&S->cls[c].ctx, &cx))
                break;
        if (c == S->ncls) {
            S->cls[c].ctx = cx;
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
    P->objective = 0;
    P->bound = NAN;
    P->gap = NAN;
    P->conflicts = S->msgs;
    P->n_conflicts = S->nmsgs;
    S->msgs = NULL;
    S->nmsgs = 0;
}

sl_status sl_plan_solve(const sl_zone *z, const sl_plan_options *o, sl_plan **out,
                        sl_error *err)
{
    if (out)
        *out = NULL;
    if (!z || !z->sc || !o || !out) {
        sl_error_add(err, SL_ERR_USAGE, "sl_plan_solve: zone, scenario, options and output are required");
        return SL_ERR_USAGE;
    }
    const sl_scenario *sc = z->sc;
    solver S;
    memset(&S, 0, sizeof S);
    S.z = z;
    S.sc = sc;
    S.o = o;
    S.t0 = now_s();
    S.deadline = S.t0 + (o->time_limit_s > 0 ? o->time_limit_s : 60);
    S.bound = INFINITY;
    sl_plan *P = calloc(1, sizeof *P);
    if (!P || pl_sc_init(&S.s, sc) != 0)
        goto nomem;
    P->n = z->n;
    P->n_industries = S.nind = sc->n_industries;
    P->pp = calloc((size_t)z->n + 1, sizeof *P->pp);
    P->gfa_by_industry_m2 = calloc((size_t)S.nind + 1, sizeof(double));
    S.drow = calloc((size_t)S.nind + 1, sizeof(int));
    S.dmin = calloc((size_t)S.nind + 1, sizeof(double));
    S.dmax = calloc((size_t)S.nind + 1, sizeof(double));
    S.r = calloc((size_t)S.nind + 1, sizeof(double));
    S.y = calloc((size_t)S.nind + 1, sizeof(double));
    S.ybest = calloc((size_t)S.nind + 1, sizeof(double));
    if (!P->pp || !P->gfa_by_industry_m2 || !S.drow || !S.dmin || !S.dmax || !S.r || !S.y ||
        !S.ybest)
        goto nomem;
    for (int i = 0; i < S.nind; i++) {
        double lo = sc->industries[i].demand_min_m2, hi = sc->industries[i].demand_max_m2;
        S.dmin[i] = lo > 0 ? lo : 0;
        S.dmax[i] = isnan(hi) ? INFINITY : hi;
    }
    glp_term_hook(o->verbose ? term_stderr : term_quiet, NULL);

    diag_pins_static(&S);
    if (S.nmsgs > 0)
        goto infeasible;
    if (build_classes(&S) != 0)
        goto nomem;
    S.inc_choice = malloc(sizeof(int) * (size_t)(S.npar + 1));
    if (!S.inc_choice)
        goto nomem;
    for (int p = 0; p < S.npar; p++)
        S.inc_choice[p] = -1;

    if (S.npar == 0) {
        for (int i = 0; i < S.nind; i++)
            if (S.dmin[i] > 0)
                pl_msg(&S.msgs, &S.nmsgs,
                       "industry %s needs at least %.0f m² but no parcel can be redeveloped",
                       sc->industries[i].id, S.dmin[i]);
        if (S.nmsgs)
            goto infeasible;
        S.have_inc = true;
        S.inc_val = 0;
        S.bound = 0;
    } else {
        if (master_init(&S) != 0)
            goto nomem;
        /* Seed: every class priced at y = 0 (also a first bound). */
        double lag;
        bool exact0;
        if (price_all(&S, 2, true, 0, &lag, &exact0) < 0)
            goto nomem;
        note_bound(&S, lag);
        for (int c = 0; c < S.ncls; c++) {
            pclass *C = &S.cls[c];
            if (C->ctx.pinned && C->nstk == 0) {
                const sl_parcel *p = &z->p[S.par[C->parc[0]].zi];
                for (int k = 0; k < sc->n_pins; k++)
                    if (sc->pins[k].parcel && p->id && strcmp(sc->pins[k].parcel, p->id) == 0)
                        pl_diag_pin(&C->ctx, p, &sc->pins[k], &S.msgs, &S.nmsgs);
                if (S.nmsgs == 0)
                    pl_msg(&S.msgs, &S.nmsgs,
                           "pin on parcel %s: no stack meets the parcel's rules together with the pin",
                           p->id ? p->id : "?");
            }
        }
        if (S.nmsgs)
            goto infeasible;
        int rc = 0;
        if (S.nart > 0) {
            set_phase_costs(&S, 3);
            rc = cg_loop(&S, 3);
            if (rc < 0)
                goto solver_fail;
            if (master_lp(&S) != 0)
                goto solver_fail;
            if (art_sum(&S) > 1e-6 && rc == 0) {
                /* the penalty did not suffice: settle it with phase 1 */
                set_phase_costs(&S, 1);
                rc = cg_loop(&S, 1);
                if (rc < 0)
                    goto solver_fail;
                if (master_lp(&S) != 0)
                    goto solver_fail;
            }
            if (art_sum(&S) > 1e-6) {
                if (rc == 1)
                    pl_msg(&S.msgs, &S.nmsgs,
                           "no plan meeting the demand ranges and pins was found within the time "
                           "limit of %g s",
                           o->time_limit_s);
                else
                    diag_demand(&S);
                goto infeasible;
            }
        }
        set_phase_costs(&S, 2);
        if (rc == 0)
            rc = cg_loop(&S, 2);
        if (rc < 0)
            goto solver_fail;
        trace_lp(&S, "cg");
        bool proved;
        if (getenv("SL_NB"))
            S.mip_slice = atof(getenv("SL_NB"));
        if (integer_master(&S, 0, o->gap, &proved) != 0)
            goto solver_fail;
        trace_inc(&S, "first");
        if (getenv("SL_POOL")) {
            int added;
            if (option_pool(&S, atoi(getenv("SL_POOL")), S.deadline, &added) != 0)
                goto nomem;
            if (getenv("SL_PLAN_TRACE"))
                fprintf(stderr, "[pool] t=%.2f added %d cols %d\n", now_s() - S.t0, added, S.ncol);
            for (int ord = 0; ord < 3; ord++) {
                if (dive(&S, ord, 2000, S.deadline) != 0)
                    goto nomem;
            }
            trace_inc(&S, "dive");
        }
        if (getenv("SL_LS")) {
            if (local_search(&S, S.deadline) != 0)
                goto nomem;
            trace_inc(&S, "ls");
        }
        if (getenv("SL_TS")) {
            if (tabu_search(&S, atoi(getenv("SL_TS")), getenv("SL_TSIT") ? atoll(getenv("SL_TSIT")) : 1000000000LL, S.deadline) != 0)
                goto nomem;
            trace_inc(&S, "tabu");
        }
        if (!S.have_inc) {
            /* the columns so far admit no plan: widen them and retry */
            bool ex;
            if (isfinite(S.bound) && enumerate_columns(&S, &ex) != 0)
                goto nomem;
            if (integer_master(&S, 0, o->gap, &proved) != 0)
                goto solver_fail;
        }
        for (int round = 0; getenv("SL_NB") && S.have_inc && S.bound - S.inc_val > o->gap * fmax(1, fabs(S.inc_val)) &&
            now_s() < S.deadline; round++) {
            int added;
            double before = S.inc_val;
            if (neighbour_columns(&S, &added) != 0)
                goto nomem;
            if (integer_master(&S, 0, o->gap, &proved) != 0)
                goto solver_fail;
            if (getenv("SL_PLAN_TRACE"))
                fprintf(stderr, "[nb %d] t=%.2f added %d cols %d inc %.1f\n", round, now_s() - S.t0, added,
                        S.ncol, S.inc_val);
            if (S.inc_val <= before + 1e-6)
                break;
        }
        trace_inc(&S, "after-nb");
        if (getenv("SL_ENUMX")) {
            double delta = atof(getenv("SL_ENUMX"));
            for (int i = 0; i < S.nind; i++)
                S.r[i] = S.s.prio[i] - S.ybest[i];
            S.stamp++;
            pl_weights w = {S.r, S.sc->same_building_bonus_m2, S.sc->adjacent_floor_bonus_m2,
                            S.sc->existing_value, S.stamp};
            long long tot = 0;
            double t1 = now_s();
            for (int c = 0; c < S.ncls; c++) {
                pclass *C = &S.cls[c];
                pl_search q;
                memset(&q, 0, sizeof q);
                q.enumerate = true;
                q.threshold = (C->ctx.pinned || C->best_b > 0 ? C->best_b : 0) - delta;
                q.max_found = 100000;
                q.node_limit = 0;
                pl_price(&C->ctx, &w, &q);
                {
                    /* distinct count vectors */
                    int nd = 0;
                    uint64_t *ks = malloc(sizeof(uint64_t) * (size_t)(q.nfound + 1));
                    for (int f = 0; f < q.nfound; f++) {
                        stk tmp;
                        memset(&tmp, 0, sizeof tmp);
                        tmp.st = q.found[f].ind ? q.found[f] : q.found[f];
                        uint64_t k = count_key(&tmp);
                        bool seen = false;
                        for (int g = 0; g < nd && !seen; g++)
                            seen = ks[g] == k;
                        if (!seen)
                            ks[nd++] = k;
                    }
                    free(ks);
                    fprintf(stderr, " %d/%d%s", nd, q.nfound, q.complete ? "" : "+");
                }
                tot += q.nfound;
                pl_search_free(&q);
            }
            fprintf(stderr, "\n[enumx] delta %.0f total %lld in %.2f s\n", delta, tot, now_s() - t1);
        }
        if (getenv("SL_ZEXP")) {
            glp_prob *q = glp_create_prob();
            glp_copy_prob(q, S.lp, GLP_OFF);
            for (int a = 0; a < S.nart; a++)
                glp_set_col_bnds(q, S.art_cols[a], GLP_FX, 0, 0);
            int z0 = glp_add_cols(q, S.npar);
            for (int p = 0; p < S.npar; p++) {
                int ind[2] = {0, S.par[p].row};
                double v[2] = {0, -1};
                glp_set_mat_col(q, z0 + p, 1, ind, v);
                glp_set_col_kind(q, z0 + p, GLP_BV);
                if (S.par[p].pinned)
                    glp_set_col_bnds(q, z0 + p, GLP_FX, 1, 1);
                glp_set_row_bnds(q, S.par[p].row, GLP_FX, 0, 0);
            }
            glp_iocp parm;
            glp_init_iocp(&parm);
            parm.presolve = GLP_ON;
            parm.tm_lim = 120000;
            parm.msg_lev = GLP_MSG_ON;
            glp_term_hook(NULL, NULL);
            int r = glp_intopt(q, &parm);
            fprintf(stderr, "[zexp] rc %d status %d value %.1f\n", r, glp_mip_status(q), glp_mip_obj_val(q));
            glp_delete_prob(q);
            glp_term_hook(term_quiet, NULL);
        }
        if (getenv("SL_DUMP")) {
            for (int c = 0; c < S.ncol; c++)
                glp_set_col_kind(S.lp, S.nart + 1 + c, GLP_BV);
            for (int a = 0; a < S.nart; a++)
                glp_set_col_bnds(S.lp, S.art_cols[a], GLP_FX, 0, 0);
            glp_write_lp(S.lp, NULL, getenv("SL_DUMP"));
            for (int c = 0; c < S.ncol; c++)
                glp_set_col_kind(S.lp, S.nart + 1 + c, GLP_CV);
        }
        if (S.have_inc && S.bound - S.inc_val > o->gap * fmax(1, fabs(S.inc_val)) &&
            now_s() < S.deadline) {
            bool exhaustive;
            if (enumerate_columns(&S, &exhaustive) != 0)
                goto nomem;
            if (integer_master(&S, 0, -1, &proved) != 0)
                goto solver_fail;
            if (exhaustive && proved)
                S.bound = S.inc_val;
        }
        if (!S.have_inc) {
            pl_msg(&S.msgs, &S.nmsgs,
                   S.timed_out ? "no plan meeting the demand ranges and pins was found within the "
                                 "time limit"
                               : "no plan meeting the demand ranges and pins was found among the "
                                 "stacks generated");
            goto infeasible;
        }
    }
    trace_inc(&S, "final");
    if (assemble(&S, P) != 0)
        goto nomem;
    P->bound = fmax(S.bound, P->objective);
    P->gap = (P->bound - P->objective) / fmax(fabs(P->objective), 1);
    P->status = P->gap <= o->gap + 1e-12 ? SL_PLAN_OPTIMAL : SL_PLAN_FEASIBLE;
    P->solve_seconds = now_s() - S.t0;
    S.bound = P->bound;
    progress(&S);
    solver_free(&S);
    glp_term_hook(NULL, NULL);
    *out = P;
    return SL_OK;

infeasible:
    finish_infeasible(&S, P);
    P->solve_seconds = now_s() - S.t0;
    solver_free(&S);
    glp_term_hook(NULL, NULL);
    *out = P;
    return SL_OK;
solver_fail:
    sl_error_add(err, SL_ERR_SOLVER, "the LP solver failed on the master problem (numerical trouble)");
    solver_free(&S);
    sl_plan_destroy(P);
    glp_term_hook(NULL, NULL);
    return SL_ERR_SOLVER;
nomem:
    sl_error_add(err, SL_ERR_NOMEM, "out of memory while planning");
    solver_free(&S);
    sl_plan_destroy(P);
    glp_term_hook(NULL, NULL);
    return SL_ERR_NOMEM;
}
