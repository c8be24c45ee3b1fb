/*
 * solver.c - the optimizer's shared services, used one way by the solve
 * driver (solve.c) and the searches (search.c): the clock, the log, the
 * store of stacks per parcel class, the columns of the master, the
 * incumbent plan and the progress report.  Nothing here calls back into
 * solve.c or search.c.
 */
#include "plan/solver.h"

#include <glpk.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

/* ---- solver state ------------------------------------------------------ */

double sv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

bool sv_stop(solver *S)
{
    if (S->o->interrupt && *S->o->interrupt) {
        S->interrupted = true;
        return true;
    }
    return sv_now() > S->deadline;
}

bool sv_gap_open(const solver *S)
{
    return S->have_inc && S->bound - S->inc_val > S->o->gap * fmax(1, fabs(S->inc_val));
}

void sv_trace(const solver *S, const char *what)
{
    if (!S->o->verbose || !S->o->log)
        return;
    sv_log(S, SL_LOG_TRACE, "plan: %-26s %7.2f s  LP %.1f  bound %.1f  plan %.1f  stacks %d", what,
           sv_now() - S->t0, S->lp_val, S->bound, S->have_inc ? S->inc_val : NAN, S->ncol);
    if (!S->have_inc || !isfinite(S->bound))
        return;
    /* plan = L(ybest) − Σ regret − Σ |y_i| × unfilled demand on the
     * side y pushes; L(ybest) is the bound when it came from ybest */
    double L = 0, reg = 0, unf = 0;
    for (int i = 0; i < S->nind; i++)
        L += S->ybest[i] > 0   ? S->ybest[i] * S->dmax[i]
             : S->ybest[i] < 0 ? S->ybest[i] * S->dmin[i]
                               : 0;
    double *G = calloc((size_t)S->nind + 1, sizeof *G);
    if (!G)
        return;
    for (int p = 0; p < S->npar; p++) {
        const pclass *C = &S->cls[S->par[p].cls];
        double best = (C->ctx.pinned || C->best_b > 0) ? C->best_b : 0;
        L += best;
        double v = 0;
        int c = S->inc_choice[p];
        if (c >= 0) {
            const stk *k = sv_col_stk(S, c);
            v = k->cval;
            for (int g = 0; g < k->ng; g++) {
                v -= S->ybest[k->gi[g]] * k->gv[g];
                G[k->gi[g]] += k->gv[g];
            }
        }
        reg += best - v;
    }
    for (int i = 0; i < S->nind; i++) {
        double y = S->ybest[i];
        unf += y > 0 ? y * (S->dmax[i] - G[i]) : y < 0 ? -y * (G[i] - S->dmin[i]) : 0;
    }
    free(G);
    sv_log(S, SL_LOG_TRACE,
           "plan: %-26s L(y) %.1f = plan + stacks' regret %.1f + unfilled demand %.1f", "", L, reg,
           unf);
}

/* GLPK's terminal output: to the log with options.verbose, else nowhere.
 * Returning nonzero tells GLPK not to print it itself. */
static int term_hook(void *info, const char *s)
{
    const solver *S = info;
    if (S->o->verbose && S->o->log)
        S->o->log(S->o->log_user_data, SL_LOG_SOLVER, s);
    return 1;
}

void sv_glpk_output_begin(const solver *S)
{
    glp_term_hook(term_hook, (void *)S);
}

void sv_glpk_output_end(void)
{
    glp_term_hook(NULL, NULL);
}

void sv_log(const solver *S, sl_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_vlog(S->o->log, S->o->log_user_data, level, fmt, ap);
    va_end(ap);
}

void sv_progress(const solver *S)
{
    if (S->o->progress)
        S->o->progress(S->o->user_data, sv_now() - S->t0, S->have_inc ? S->inc_val : NAN,
                       isfinite(S->bound) ? S->bound : NAN);
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

uint64_t sv_seq_hash(const pl_stack *st)
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
int sv_seq_find(const pclass *C, const pl_stack *st, uint64_t h)
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
int sv_stack_add(solver *S, pclass *C, const pl_stack *st, bool by_signature)
{
    uint64_t seqh = sv_seq_hash(st);
    int same = sv_seq_find(C, st, seqh);
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
    k->ch = malloc(sizeof(int) * (size_t)(tot + 1));
    if (!k->ch) {
        free(k->st.ind);
        free(k->gi);
        free(k->gv);
        return -1;
    }
    for (int x = 0; x < tot; x++) {
        int c = S->s.chain_of[st->ind[x]];
        bool seen = c < 0;
        for (int y = 0; y < k->nch && !seen; y++)
            seen = k->ch[y] == c;
        if (!seen)
            k->ch[k->nch++] = c;
    }
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
        free(k->ch);
        free(k->st.ind);
        free(k->gi);
        free(k->gv);
        return -1;
    }
    return C->nstk++;
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
int sv_col_find(const solver *S, int par, int s)
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

int sv_add_column(solver *S, int par, int cls, int s)
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
    int npair = S->nb_first ? S->nb_first[par + 1] - S->nb_first[par] : 0;
    int need = 2 + k->ng + npair * k->nch;
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
    for (int x = 0; x < npair; x++) {
        int e = S->nb_list[S->nb_first[par] + x];
        int side = S->nba[e] == par ? 0 : 1;
        for (int y = 0; y < k->nch; y++) {
            pi[++nz] = S->nbrow0 + 2 * (e * S->nch + k->ch[y]) + side;
            pv[nz] = -1;
        }
    }
    for (int g = 0; g < k->ng; g++)
        if (S->drow[k->gi[g]] > 0) {
            pi[++nz] = S->drow[k->gi[g]];
            pv[nz] = k->gv[g];
        }
    int j = glp_add_cols(S->lp, 1);
    /* every reader maps column c to GLPK column col0 + c: nothing else may
     * add GLPK columns once stacks have (solve.c adds its own first) */
    if (j != S->col0 + S->ncol) {
        if (pi != ind) {
            free(pi);
            free(pv);
        }
        return -1; /* a programming error: the solve fails rather than misread */
    }
    glp_set_col_bnds(S->lp, j, GLP_DB, 0, 1);
    glp_set_mat_col(S->lp, j, nz, pi, pv);
    glp_set_obj_coef(S->lp, j, S->phase == 1 ? 0 : k->cval);
    if (pi != ind) {
        free(pi);
        free(pv);
    }
    S->cols[S->ncol] = (col){par, cls, s};
    S->ncol++;
    return j;
}

const stk *sv_col_stk(const solver *S, int c)
{
    return &S->cls[S->cols[c].cls].stk[S->cols[c].s];
}

int sv_common_chains(const stk *a, const stk *b)
{
    int n = 0;
    for (int x = 0; a && b && x < a->nch; x++)
        for (int y = 0; y < b->nch; y++)
            n += a->ch[x] == b->ch[y];
    return n;
}

int sv_nb_other(const solver *S, int x, int p)
{
    int e = S->nb_list[x];
    return S->nba[e] == p ? S->nbb[e] : S->nba[e];
}

bool sv_neighbours(const solver *S, int p, int q)
{
    if (!S->nb_first) /* no pairs in this zone */
        return false;
    for (int x = S->nb_first[p]; x < S->nb_first[p + 1]; x++)
        if (sv_nb_other(S, x, p) == q)
            return true;
    return false;
}

/* Common chains of the stacks of pair e's parcels under choice. */
static int pair_common(const solver *S, const int *choice, int e)
{
    int ca = choice[S->nba[e]], cb = choice[S->nbb[e]];
    if (ca < 0 || cb < 0)
        return 0;
    return sv_common_chains(sv_col_stk(S, ca), sv_col_stk(S, cb));
}

double sv_neighbour_share(const solver *S, const int *choice, int par)
{
    double v = 0;
    for (int x = S->nb_first ? S->nb_first[par] : 0; S->nb_first && x < S->nb_first[par + 1]; x++)
        v += 0.5 * S->nb_bonus * pair_common(S, choice, S->nb_list[x]);
    return v;
}

double sv_plan_value(const solver *S, const int *choice)
{
    double v = 0;
    for (int p = 0; p < S->npar; p++)
        if (choice[p] >= 0)
            v += sv_col_stk(S, choice[p])->cval;
    for (int e = 0; e < S->nnb; e++)
        v += S->nb_bonus * pair_common(S, choice, e);
    return v;
}

/* Does choice meet every demand range (the same tolerance as the
 * checker's)?  A GLPK solution may count λ = 1 - 1e-5 as integral; rounded
 * to 1 it can overshoot a maximum by a fraction of a square metre. */
static bool demand_ok(const solver *S, const int *choice)
{
    double *G = calloc((size_t)S->nind + 1, sizeof *G);
    if (!G)
        return false;
    for (int p = 0; p < S->npar; p++)
        if (choice[p] >= 0) {
            const stk *k = sv_col_stk(S, choice[p]);
            for (int g = 0; g < k->ng; g++)
                G[k->gi[g]] += k->gv[g];
        }
    bool ok = true;
    for (int p = 0; p < S->npar && ok; p++)
        ok = choice[p] < 0 ? !S->par[p].pinned : S->cols[choice[p]].parcel == p;
    for (int i = 0; i < S->nind && ok; i++) {
        double tol = 1e-6 + 1e-9 * fabs(G[i]);
        ok = G[i] <= S->dmax[i] + tol && G[i] >= S->dmin[i] - tol;
    }
    free(G);
    return ok;
}

void sv_take_incumbent(solver *S, const int *choice, double value)
{
    if (!demand_ok(S, choice))
        return; /* never an incumbent that breaks a demand range or a pin */
    if (S->nnb > 0)
        value = sv_plan_value(S, choice);
    if (S->have_inc && value <= S->inc_val + 1e-9)
        return;
    memcpy(S->inc_choice, choice, sizeof(int) * (size_t)S->npar);
    S->inc_val = value;
    S->have_inc = true;
    sv_progress(S);
}

void sv_free(solver *S)
{
    if (S->lp)
        glp_delete_prob(S->lp);
    for (int c = 0; c < S->ncls; c++) {
        pclass *C = &S->cls[c];
        for (int k = 0; k < C->nstk; k++) {
            free(C->stk[k].st.ind);
            free(C->stk[k].gi);
            free(C->stk[k].gv);
            free(C->stk[k].ch);
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
    free(S->drow);
    free(S->dmin);
    free(S->dmax);
    free(S->art_cols);
    free(S->art_pen);
    free(S->r);
    free(S->y);
    free(S->ybest);
    free(S->art_ub);
    free(S->nba);
    free(S->nbb);
    free(S->nb_first);
    free(S->nb_list);
    free(S->cls_pi);
    free(S->cls_pibest);
    free(S->inc_choice);
    for (int i = 0; i < S->nmsgs; i++)
        free(S->msgs[i]);
    free(S->msgs);
    pl_sc_free(&S->s);
}
