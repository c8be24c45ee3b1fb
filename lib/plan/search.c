/*
 * search.c - better plans where the demand ranges bind (docs/optimizer.md,
 * "Filling the demand ranges").
 *
 * Column generation proves a bound whose LP solution fills every binding
 * demand range exactly with fractions of stacks.  An integer plan cannot:
 * storeys come in whole floor plates of 2,000-10,000 m², so rounding the LP
 * leaves a few thousand m² of each range unfilled, and on the bundled
 * scenario that, not a weak bound, was nearly all of the 2 % gap (gap =
 * stacks' regret under the multipliers + the multipliers × unfilled demand;
 * see sv_trace).  Branching over the generated stacks does not find the
 * fills: they need many parcels to change a storey or two at once.
 *
 * Two searches over whole plans, both deterministic (fixed move order and
 * a fixed pseudo-random sequence, work counted in moves, not seconds):
 *  - local_search: one-, two- and three-parcel moves between the stacks of
 *    each parcel's class, the one-storey edits of the stacks it is on, and
 *    the stacks other parcels are on (pattern swaps between plates of
 *    similar size);
 *  - tabu_search: single-parcel moves between the K best stacks of each
 *    class under the bound's multipliers (there are hundreds within a few
 *    m² of regret, differing in storeys per industry), crossing infeasible
 *    plans under a penalty per m² of demand violation that rises while the
 *    plan stays infeasible and falls while it is feasible.
 */
#include "plan/solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Work limits. */
#define HEUR_MAX_PARCELS 1500        /* larger zones skip both searches */
#define LS_EDIT_PARCELS  300         /* edits and pattern swaps up to this many parcels */
#define LS_MOVES_BUILT   40000000LL  /* local search: moves built, in all */
#define LS_CHAIN_EVALS   20000000LL  /* local search: chain checks per iteration */
#define TABU_K           100         /* options per class */
#define TABU_EVALS       300000000LL /* tabu search: option evaluations, in all */
#define TABU_ITER_MAX    40000LL
#define TABU_RESTART     500   /* back to the best after this many idle iterations */
#define TABU_UP          1.03  /* penalty factor while a range is violated */
#define TABU_DOWN        0.995 /* ... and while it holds */
#define TABU_WMIN        0.05  /* penalty floor, per m² */

/* Time to stop searching: sv_stop, or the searches' share of the time
 * (S->search_deadline) is spent. */
static bool search_stop(solver *S)
{
    return sv_stop(S) || (S->search_deadline > 0 && sv_now() >= S->search_deadline);
}

/* ---- the neighbour chain bonus in the searches ------------------------
 *
 * Both searches weigh a move by its stacks' values and the neighbour chain
 * bonus it makes or breaks (docs/model.md §6): without the bonus a move
 * to a stack of another chain looked like a gain while it cost every
 * same-chain neighbour pair its bonus.  cnt[p × nch + c] counts parcel p's
 * neighbours whose current stack has chain c. */

typedef struct nbcount {
    const solver *S;
    int *cnt; /* NULL: no bonus in this zone */
} nbcount;

/* The counts for the plan cur (cur[p]: parcel p's stack, NULL kept); 0, or -1
 * when out of memory. */
static int nb_init(nbcount *N, const solver *S, const stk *const *cur)
{
    N->S = S;
    N->cnt = NULL;
    if (S->nnb == 0 || S->nch == 0 || !(S->nb_bonus > 0))
        return 0;
    N->cnt = calloc((size_t)S->npar * (size_t)S->nch + 1, sizeof(int));
    if (!N->cnt)
        return -1;
    for (int p = 0; p < S->npar; p++)
        for (int x = S->nb_first[p]; x < S->nb_first[p + 1]; x++) {
            const stk *k = cur[sv_nb_other(S, x, p)];
            for (int j = 0; k && j < k->nch; j++)
                N->cnt[(size_t)p * S->nch + k->ch[j]]++;
        }
    return 0;
}

/* Bonus of parcel p's pairs with stack k against its neighbours' stacks. */
static double nb_of(const nbcount *N, int p, const stk *k)
{
    if (!N->cnt || !k)
        return 0;
    int n = 0;
    for (int j = 0; j < k->nch; j++)
        n += N->cnt[(size_t)p * N->S->nch + k->ch[j]];
    return N->S->nb_bonus * n;
}

/* Parcel p moves from stack a to stack b (NULL: kept): its neighbours'
 * counts follow. */
static void nb_move_to(nbcount *N, int p, const stk *a, const stk *b)
{
    const solver *S = N->S;
    if (!N->cnt)
        return;
    for (int x = S->nb_first[p]; x < S->nb_first[p + 1]; x++) {
        int *c = &N->cnt[(size_t)sv_nb_other(S, x, p) * S->nch];
        for (int j = 0; a && j < a->nch; j++)
            c[a->ch[j]]--;
        for (int j = 0; b && j < b->nch; j++)
            c[b->ch[j]]++;
    }
}

/* Two neighbours moving together: what the sum of their single-move
 * bonus changes miscounts on their own pair (p from a0 to a1, q from b0
 * to b1). */
static double nb_pair_fix(const nbcount *N, int p, const stk *a0, const stk *a1, int q,
                          const stk *b0, const stk *b1)
{
    if (!N->cnt || !sv_neighbours(N->S, p, q))
        return 0;
    return N->S->nb_bonus * (sv_common_chains(a1, b1) - sv_common_chains(a1, b0) -
                             sv_common_chains(a0, b1) + sv_common_chains(a0, b0));
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
    int p, s;     /* parcel, class stack (-1 kept) */
    double dv;    /* value change */
    int d0, nd;   /* GFA changes in the arena */
    int viol_i;   /* first industry out of range alone, -1 none */
    int viol_dir; /* +1 above its max, -1 below its min */
} lsmv;

typedef struct lsearch {
    solver *S;
    int *cur;    /* per parcel: class stack, -1 kept */
    bool *dirty; /* current stack changed: add its edits */
    double *G;
    double *dG; /* scratch, per industry */
    int *touch, ntouch;
    lsmv *mv;
    int nmv, capmv;
    int *di;
    double *dd;
    int nd, capd;
    int *ord;             /* moves by dv, best first */
    int *lst_start, *lst; /* per (industry, sign): moves, by dv */
    long long evals;
    long long next_check; /* evals at which to look at the clock again */
    bool edits;           /* add edits and pattern swaps */
    nbcount nb;
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
                    if (op == 0) { /* replace */
                        if (j == base[off + k2])
                            continue;
                        memcpy(buf, base, sizeof(short) * (size_t)tot);
                        buf[off + k2] = (short)j;
                        st.n[0] = n0;
                        st.n[1] = n1;
                    } else if (op == 1) { /* remove */
                        memcpy(buf, base, sizeof(short) * (size_t)(off + k2));
                        memcpy(buf + off + k2, base + off + k2 + 1,
                               sizeof(short) * (size_t)(tot - off - k2 - 1));
                        st.n[0] = n0 - (b == 0);
                        st.n[1] = n1 - (b == 1);
                    } else { /* insert */
                        memcpy(buf, base, sizeof(short) * (size_t)(off + k2));
                        buf[off + k2] = (short)j;
                        memcpy(buf + off + k2 + 1, base + off + k2,
                               sizeof(short) * (size_t)(tot - off - k2));
                        st.n[0] = n0 + (b == 0);
                        st.n[1] = n1 + (b == 1);
                    }
                    if (sv_seq_find(C, &st, sv_seq_hash(&st)) >= 0 ||
                        !pl_stack_feasible(&C->ctx, &st))
                        continue;
                    if (sv_stack_add(S, C, &st, false) == -1)
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
    m->dv =
        ls_value(L, p, s) - ls_value(L, p, L->cur[p]) + nb_of(&L->nb, p, b) - nb_of(&L->nb, p, a);
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

typedef struct dvidx {
    double dv;
    int m;
} dvidx;

/* Best value first, then the lower index (a total order: deterministic). */
static int dvidx_cmp(const void *a, const void *b)
{
    const dvidx *x = a, *y = b;
    if (x->dv != y->dv)
        return x->dv > y->dv ? -1 : 1;
    return x->m < y->m ? -1 : x->m > y->m;
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
    nb_move_to(&L->nb, m->p, ls_stk(L, m->p, L->cur[m->p]), ls_stk(L, m->p, m->s));
    for (int x = 0; x < m->nd; x++)
        L->G[L->di[m->d0 + x]] += L->dd[m->d0 + x];
    L->cur[m->p] = m->s;
    L->dirty[m->p] = true;
}

/* The deadline or an interrupt, looked at every 4096 evaluations (the
 * chains of moves evaluate millions on a large zone). */
/* The bonus the single moves' dv miscount when moves m[0..k-1] are made
 * together (neighbours among them). */
static double ls_fix(const lsearch *L, const lsmv *const *m, int k)
{
    double f = 0;
    for (int x = 0; x < k; x++)
        for (int y = x + 1; y < k; y++)
            f += nb_pair_fix(&L->nb, m[x]->p, ls_stk(L, m[x]->p, L->cur[m[x]->p]),
                             ls_stk(L, m[x]->p, m[x]->s), m[y]->p,
                             ls_stk(L, m[y]->p, L->cur[m[y]->p]), ls_stk(L, m[y]->p, m[y]->s));
    return f;
}

static bool ls_time_up(solver *S, lsearch *L)
{
    if (L->evals < L->next_check)
        return false;
    L->next_check = L->evals + 4096;
    return search_stop(S);
}

/* Improve the plan start (a column per parcel, -1 kept; NULL: the
 * incumbent) with one-, two- and three-parcel moves until none helps, the
 * work limit or the deadline; the result becomes the incumbent when it is
 * better.  Returns 0, or -1 when out of memory. */
static int local_search(solver *S, bool edits, const int *start)
{
    if (!start && !S->have_inc)
        return 0;
    if (!start)
        start = S->inc_choice;
    if (S->npar == 0)
        return 0;
    int n = S->nind;
    lsearch L;
    memset(&L, 0, sizeof L);
    dvidx *srt = NULL;
    L.S = S;
    L.edits = edits;
    L.cur = malloc(sizeof(int) * (size_t)S->npar);
    L.dirty = malloc(sizeof(bool) * (size_t)S->npar);
    L.G = calloc((size_t)n + 1, sizeof(double));
    L.dG = calloc((size_t)n + 1, sizeof(double));
    L.touch = malloc(sizeof(int) * (size_t)(2 * n + 2));
    L.lst_start = malloc(sizeof(int) * (size_t)(2 * n + 2));
    int rc = -1;
    if (!L.cur || !L.dirty || !L.G || !L.dG || !L.touch || !L.lst_start)
        goto out;
    const stk **cur0 = malloc(sizeof *cur0 * (size_t)(S->npar + 1));
    if (!cur0)
        goto out;
    for (int p = 0; p < S->npar; p++) {
        int c = start[p];
        L.cur[p] = c < 0 ? -1 : S->cols[c].s;
        L.dirty[p] = true;
        const stk *k = cur0[p] = ls_stk(&L, p, L.cur[p]);
        if (k)
            for (int g = 0; g < k->ng; g++)
                L.G[k->gi[g]] += k->gv[g];
    }
    int nr = nb_init(&L.nb, S, cur0);
    free(cur0);
    if (nr != 0)
        goto out;
    long long built = 0;
    bool stopped = false;
    for (int iter = 0; !search_stop(S) && built < LS_MOVES_BUILT; iter++) {
        /* new stacks: the edits of every stack a parcel moved to, and its
         * storey sequence on every other parcel (pattern swaps) */
        for (int p = 0; p < S->npar; p++)
            if (L.dirty[p]) {
                if (search_stop(S)) { /* the edits of a large zone take a while */
                    stopped = true;
                    break;
                }
                L.dirty[p] = false;
                if (L.cur[p] < 0)
                    continue;
                pclass *C = &S->cls[S->par[p].cls];
                if (!L.edits)
                    continue;
                if (ls_edits(S, C, L.cur[p]) != 0)
                    goto out;
                for (int c = 0; c < S->ncls; c++) {
                    pclass *D = &S->cls[c];
                    const pl_stack *st = &C->stk[L.cur[p]].st;
                    if (D == C || sv_seq_find(D, st, C->stk[L.cur[p]].seqh) >= 0 ||
                        !pl_stack_feasible(&D->ctx, st))
                        continue;
                    if (sv_stack_add(S, D, st, false) == -1)
                        goto out;
                }
            }
        if (stopped)
            break; /* keep the moves made so far */
        /* every move */
        L.nmv = 0;
        L.nd = 0;
        for (int p = 0; p < S->npar; p++) {
            const pclass *C = &S->cls[S->par[p].cls];
            for (int s = S->par[p].pinned ? 0 : -1; s < C->nstk; s++)
                if (s != L.cur[p] && ls_add_move(&L, p, s) != 0)
                    goto out;
        }
        built += L.nmv;
        free(L.ord);
        free(L.lst);
        free(srt);
        L.ord = malloc(sizeof(int) * (size_t)(L.nmv + 1));
        L.lst = malloc(sizeof(int) * (size_t)(L.nd + 1));
        srt = malloc(sizeof *srt * (size_t)(L.nmv + 1));
        if (!L.ord || !L.lst || !srt)
            goto out;
        for (int m = 0; m < L.nmv; m++)
            srt[m] = (dvidx){L.mv[m].dv, m};
        qsort(srt, (size_t)L.nmv, sizeof *srt, dvidx_cmp);
        for (int m = 0; m < L.nmv; m++)
            L.ord[m] = srt[m].m;
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
                if (L.evals - ev0 > LS_CHAIN_EVALS || ls_time_up(S, &L))
                    break;
                int i = a->viol_i, dir = a->viol_dir > 0 ? 0 : 1;
                for (int x = L.lst_start[2 * i + dir]; x < L.lst_start[2 * i + dir + 1]; x++) {
                    if (ls_time_up(S, &L))
                        break;
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
                        double v2 = a->dv + b->dv + ls_fix(&L, ab, 2);
                        if (v2 > best) {
                            best = v2;
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
                        double v3;
                        if (ls_check(&L, ab, 3, &d3) < 0 &&
                            (v3 = a->dv + b->dv + c->dv + ls_fix(&L, ab, 3)) > best) {
                            best = v3;
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
    }
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
            int c = sv_col_find(S, p, L.cur[p]);
            if (c < 0) {
                if (sv_add_column(S, p, S->par[p].cls, L.cur[p]) < 0) {
                    free(choice);
                    goto out;
                }
                c = S->ncol - 1;
            }
            choice[p] = c;
            v += sv_col_stk(S, c)->cval;
        }
        sv_take_incumbent(S, choice, v);
        free(choice);
    }
    rc = 0;
out:
    free(L.nb.cnt);
    free(srt);
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
    int s;      /* class stack, -1 kept */
    double v;   /* value */
    int d0, nd; /* GFA by industry (demand rows only) in the arena */
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

static const stk *ts_stk(const solver *S, int p, const tsopt *o)
{
    return o->s < 0 ? NULL : &S->cls[S->par[p].cls].stk[o->s];
}

/* The plan's value (stacks and neighbour bonus) and the counts, afresh. */
static int ts_value(const solver *S, const tsopt *opt, const int *cur, nbcount *nb, double *val)
{
    const stk **k = malloc(sizeof *k * (size_t)(S->npar + 1));
    if (!k)
        return -1;
    double v = 0;
    for (int p = 0; p < S->npar; p++) {
        k[p] = ts_stk(S, p, &opt[cur[p]]);
        v += opt[cur[p]].v;
    }
    free(nb->cnt);
    int r = nb_init(nb, S, k);
    for (int p = 0; r == 0 && p < S->npar; p++)
        v += 0.5 * nb_of(nb, p, k[p]);
    free(k);
    *val = v;
    return r;
}

static int tabu_search(solver *S, int K, long long max_evals, double deadline)
{
    nbcount nb = {S, NULL};
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
    int *cur = malloc(sizeof(int) * (size_t)S->npar); /* option index */
    int *best_cur = malloc(sizeof(int) * (size_t)S->npar);
    long long *tabu = calloc((size_t)S->npar, sizeof(long long));
    double *G = calloc((size_t)n + 1, sizeof(double));
    double *W = malloc(sizeof(double) * (size_t)(n + 1)); /* penalty weights */
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
        q.interrupt = S->o->interrupt;
        if (pl_price(&C->ctx, &w, &q) != 0)
            goto out;
        for (int f = 0; f < q.nfound; f++)
            if (sv_stack_add(S, C, &q.found[f], false) == -1) {
                pl_search_free(&q);
                goto out;
            }
        pl_search_free(&q);
        if (search_stop(S))
            goto out_ok;
    }
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
    for (int p = 0; p < S->npar; p++) {
        if (cur[p] < 0)
            goto out; /* cannot happen: the incumbent's stack is an option */
        const tsopt *o = &opt[cur[p]];
        for (int x = 0; x < o->nd; x++)
            G[di[o->d0 + x]] += dd[o->d0 + x];
    }
    double val = 0, viol = 0;
    if (ts_value(S, opt, cur, &nb, &val) != 0)
        goto out;
    double best_val = val;
    if (S->o->verbose)
        sv_log(S, SL_LOG_TRACE, "plan: tabu search starts at %.1f (incumbent %.1f)", val,
               S->inc_val);
    memcpy(best_cur, cur, sizeof(int) * (size_t)S->npar);
    long long max_iter = max_evals / (nopt > 0 ? nopt : 1);
    if (max_iter > TABU_ITER_MAX)
        max_iter = TABU_ITER_MAX;
    double pmax = 0;
    for (int i = 0; i < n; i++)
        pmax = fmax(pmax, S->s.prio[i]);
    for (int i = 0; i < n; i++)
        W[i] = 2 * pmax;
    uint64_t rng = 0x2545f4914f6cdd1dull;
    long long it;
    long long last_best = 0;
    for (it = 1; it <= max_iter; it++) {
        if ((it & 63) == 0 && search_stop(S))
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
            double nb0 = nb_of(&nb, p, ts_stk(S, p, co));
            for (int oi = ostart[p]; oi < ostart[p + 1]; oi++) {
                if (oi == cur[p])
                    continue;
                const tsopt *o = &opt[oi];
                double dv = o->v - co->v + nb_of(&nb, p, ts_stk(S, p, o)) - nb0;
                double dpen = base;
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
        val +=
            no->v - co->v + nb_of(&nb, bp, ts_stk(S, bp, no)) - nb_of(&nb, bp, ts_stk(S, bp, co));
        nb_move_to(&nb, bp, ts_stk(S, bp, co), ts_stk(S, bp, no));
        cur[bp] = bo;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        tabu[bp] = it + 3 + (long long)(rng % 8);
        viol = 0;
        for (int i = 0; i < n; i++)
            if (S->drow[i]) {
                double v1 = tviol(S, i, G[i]);
                viol += v1;
                /* oscillation: weights rise on violated rows, decay otherwise */
                if (v1 > 0)
                    W[i] *= TABU_UP;
                else if (W[i] > TABU_WMIN)
                    W[i] *= TABU_DOWN;
            }
        if (viol == 0 && val > best_val + PL_EPS_VALUE) {
            best_val = val;
            memcpy(best_cur, cur, sizeof(int) * (size_t)S->npar);
            last_best = it;
            if (S->bound - best_val <= S->o->gap * fmax(1, fabs(best_val)))
                break; /* within the requested gap */
        }
        if (it - last_best >= TABU_RESTART && (it - last_best) % TABU_RESTART == 0) {
            /* back to the best plan */
            memcpy(cur, best_cur, sizeof(int) * (size_t)S->npar);
            memset(G, 0, sizeof(double) * (size_t)n);
            for (int p = 0; p < S->npar; p++) {
                const tsopt *o = &opt[cur[p]];
                for (int x = 0; x < o->nd; x++)
                    G[di[o->d0 + x]] += dd[o->d0 + x];
            }
            if (ts_value(S, opt, cur, &nb, &val) != 0)
                goto out;
            for (int i = 0; i < n; i++)
                W[i] = 2 * pmax;
            for (int p = 0; p < S->npar; p++) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                tabu[p] = it + (long long)(rng % 11);
            }
        }
    }
    if (S->o->verbose)
        sv_log(S, SL_LOG_TRACE, "plan: tabu search: %d options, %lld iterations, best at %lld",
               nopt, it - 1, last_best);
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
            int c = sv_col_find(S, p, sidx);
            if (c < 0) {
                if (sv_add_column(S, p, S->par[p].cls, sidx) < 0) {
                    free(choice);
                    goto out;
                }
                c = S->ncol - 1;
            }
            choice[p] = c;
            v += sv_col_stk(S, c)->cval;
        }
        sv_take_incumbent(S, choice, v);
        free(choice);
    }
out_ok:
    rc = 0;
out:
    free(nb.cnt);
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

int sv_local_search(solver *S, const int *start)
{
    if (S->npar > HEUR_MAX_PARCELS || !(start || S->have_inc) || !sv_gap_open(S))
        return 0;
    if (local_search(S, S->npar <= LS_EDIT_PARCELS, start) != 0)
        return -1;
    sv_trace(S, "local search");
    return 0;
}

int sv_improve(solver *S)
{
    if (S->npar > HEUR_MAX_PARCELS || !sv_gap_open(S))
        return 0;
    if (local_search(S, S->npar <= LS_EDIT_PARCELS, NULL) != 0)
        return -1;
    sv_trace(S, "local search");
    if (!sv_gap_open(S) || search_stop(S))
        return 0;
    double before = S->inc_val;
    if (tabu_search(S, TABU_K, TABU_EVALS,
                    S->search_deadline > 0 ? fmin(S->search_deadline, S->deadline) : S->deadline) !=
        0)
        return -1;
    sv_trace(S, "tabu search");
    if (S->inc_val > before && sv_gap_open(S) && !search_stop(S)) {
        if (local_search(S, S->npar <= LS_EDIT_PARCELS, NULL) != 0)
            return -1;
        sv_trace(S, "local search");
    }
    return 0;
}
