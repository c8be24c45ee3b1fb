/*
 * export.c - the compact MIP of MODEL §6 for other solvers (CPLEX LP or
 * free MPS through GLPK's writers).
 *
 * Variables, per candidate parcel p that survives the setback:
 *   z_p        binary   p is redeveloped
 *   x_p_bk_i   binary   storey k of block b (f factory, o office) hosts i
 *                       (only where rules 4-8 allow i at that level)
 *   s_p_l      [0,1]    link l's industries both stand in p (same building)
 *   q_p_bk_l   [0,1]    link l's industries on levels k and k+1 of block b
 *   a_p_l      [0,1]    link l adjacent somewhere in p
 * The bonus variables are continuous: the objective pushes them to their
 * upper bounds, which the x make 0 or 1.  Its optimum is the optimum of
 * sl_plan_solve (docs/optimizer.md).
 */
#include "plan.h"

#include <glpk.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ex {
    glp_prob *P;
    const sl_scenario *sc;
    int *ind;
    double *val;
    int cap;
    int nz;
} ex;

static int ex_quiet(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

static int add_col(ex *e, const char *name, int kind, double lo, double hi, double obj)
{
    int j = glp_add_cols(e->P, 1);
    glp_set_col_name(e->P, j, name);
    if (kind == GLP_BV) {
        glp_set_col_kind(e->P, j, GLP_BV);
    } else {
        glp_set_col_kind(e->P, j, kind);
        if (lo == hi)
            glp_set_col_bnds(e->P, j, GLP_FX, lo, lo);
        else
            glp_set_col_bnds(e->P, j, GLP_DB, lo, hi);
    }
    if (kind == GLP_BV && lo == hi)
        glp_set_col_bnds(e->P, j, GLP_FX, lo, lo);
    glp_set_obj_coef(e->P, j, obj);
    return j;
}

static bool row_begin(ex *e)
{
    e->nz = 0;
    return true;
}

static bool term(ex *e, int j, double a)
{
    if (j <= 0 || a == 0)
        return true;
    for (int k = 1; k <= e->nz; k++)
        if (e->ind[k] == j) {
            e->val[k] += a;
            return true;
        }
    if (e->nz + 2 >= e->cap) {
        int cap = e->cap ? 2 * e->cap : 256;
        int *ni = realloc(e->ind, sizeof(int) * (size_t)cap);
        if (!ni)
            return false;
        e->ind = ni;
        double *nv = realloc(e->val, sizeof(double) * (size_t)cap);
        if (!nv)
            return false;
        e->val = nv;
        e->cap = cap;
    }
    e->nz++;
    e->ind[e->nz] = j;
    e->val[e->nz] = a;
    return true;
}

/* type: GLP_UP (<= hi), GLP_LO (>= lo), GLP_FX, GLP_DB. */
static void row_end(ex *e, const char *name, int type, double lo, double hi)
{
    int r = glp_add_rows(e->P, 1);
    glp_set_row_name(e->P, r, name);
    if (type == GLP_DB && !(hi > lo))
        type = GLP_FX;
    glp_set_row_bnds(e->P, r, type, lo, hi);
    if (e->nz > 0)
        glp_set_mat_row(e->P, r, e->nz, e->ind, e->val);
}

static double load_cap(const sl_ruleset *r, int level)
{
    int n = r->n_floor_loads;
    if (n < 1)
        return INFINITY;
    if (n > SL_MAX_FLOOR_LOADS)
        n = SL_MAX_FLOOR_LOADS;
    return r->floor_load_max_kN_m2[(level <= n ? level : n) - 1];
}

static bool fire_ab(char c)
{
    return c == 'A' || c == 'B' || c == 'a' || c == 'b';
}

/* Height of industry i on level k of block b. */
static double storey_height(const sl_ruleset *r, const sl_industry *d, int b, int k)
{
    double h = d->floor_height_m;
    if (b == 0 && k == 1 && r->ground_floor_height_min_m > h)
        h = r->ground_floor_height_min_m;
    return h;
}

/* Rules 4-8 for one storey (height checked by the height row). */
static bool allowed(const sl_ruleset *r, const sl_industry *d, int b, int k)
{
    if (b == 1 && d->kind != SL_KIND_OFFICE && d->kind != SL_KIND_RND)
        return false;
    if (d->floor_load_kN_m2 > load_cap(r, k) + 1e-9)
        return false;
    if (d->lift_t > r->freight_lift_t + 1e-9 && k > r->ramp_floor)
        return false;
    if (d->vibration == SL_VIB_SOURCE && k > r->vibration_source_max_floor)
        return false;
    if (fire_ab(d->fire_class) && k > 1)
        return false;
    return storey_height(r, d, b, k) <= (b ? r->office_height_max_m : r->factory_height_max_m) + 1e-9;
}

/* Levels a block can ever have: height with the lowest storeys, FAR. */
static int block_levels(const sl_scenario *sc, const sl_ruleset *r, double A, double F, int b)
{
    if (!(F > 0))
        return 0;
    double cap = b ? r->office_height_max_m : r->factory_height_max_m;
    double h1 = INFINITY, hup = INFINITY;
    for (int i = 0; i < sc->n_industries; i++) {
        const sl_industry *d = &sc->industries[i];
        if (allowed(r, d, b, 1))
            h1 = fmin(h1, storey_height(r, d, b, 1));
        if (b == 0 || d->kind == SL_KIND_OFFICE || d->kind == SL_KIND_RND)
            hup = fmin(hup, d->floor_height_m);
    }
    if (!isfinite(h1))
        return 0;
    int n = 1 + (isfinite(hup) && hup > 0 ? (int)floor((cap - h1) / hup + 1e-9) : 0);
    int nfar = (int)floor(r->far_max * A / F + 1e-9);
    if (nfar < n)
        n = nfar;
    return n > 200 ? 200 : n;
}

typedef struct pvars {
    int z;
    int K[2];
    int *x;          /* [(b * (Kmax + 1) + k) * n + i], 0 when not allowed */
    int Kmax;
} pvars;

#define XV(pv, n, b, k, i) ((pv)->x[((size_t)(b) * (size_t)((pv)->Kmax + 1) + (size_t)(k)) * (size_t)(n) + (size_t)(i)])

static int build(ex *e, const sl_zone *z)
{
    const sl_scenario *sc = z->sc;
    int n = sc->n_industries;
    glp_prob *P = e->P;
    glp_set_prob_name(P, "shanglou_plan");
    glp_set_obj_name(P, "value_m2eq");
    glp_set_obj_dir(P, GLP_MAX);
    char name[256];
    pvars *pv = calloc((size_t)z->n + 1, sizeof *pv);
    if (!pv)
        return -1;
    int dummy = 0;
    for (int pi = 0; pi < z->n; pi++) {
        const sl_parcel *p = &z->p[pi];
        pv[pi].z = 0;
        bool pinned = false;
        for (int k = 0; k < sc->n_pins; k++)
            if (p->id && sc->pins[k].parcel && strcmp(sc->pins[k].parcel, p->id) == 0)
                pinned = true;
        bool ok = p->status == SL_PARCEL_CANDIDATE && p->plan_rules && p->plan_fp.setback_ok &&
                  p->plan_fp.factory_m2 > 0;
        if (!ok) {
            if (pinned) {
                /* a pin on a parcel that cannot be redeveloped: infeasible */
                if (!dummy)
                    dummy = add_col(e, "never", GLP_CV, 0, 0, 0);
                row_begin(e);
                term(e, dummy, 1);
                snprintf(name, sizeof name, "pin_p%d_not_redevelopable", pi);
                row_end(e, name, GLP_LO, 1, 0);
            }
            continue;
        }
        const sl_ruleset *r = p->plan_rules;
        double A = p->area_m2, F[2] = {p->plan_fp.factory_m2, p->plan_fp.office_m2};
        double cur = p->current_gfa_m2 > 0 ? p->current_gfa_m2 : 0;
        pvars *v = &pv[pi];
        snprintf(name, sizeof name, "z_p%d", pi);
        v->z = add_col(e, name, GLP_BV, pinned ? 1 : 0, 1, -sc->existing_value * cur);
        int floors = 0;
        for (int k = 0; k < sc->n_pins; k++)
            if (p->id && strcmp(sc->pins[k].parcel, p->id) == 0 && sc->pins[k].floors > 0)
                floors = sc->pins[k].floors;
        for (int b = 0; b < 2; b++)
            v->K[b] = block_levels(sc, r, A, F[b], b);
        if (floors > 0 && floors < v->K[0])
            v->K[0] = floors;
        v->Kmax = v->K[0] > v->K[1] ? v->K[0] : v->K[1];
        if (v->K[0] == 0) {
            /* no factory storey fits: the parcel stays as it is */
            row_begin(e);
            term(e, v->z, 1);
            snprintf(name, sizeof name, "no_factory_storey_p%d", pi);
            row_end(e, name, GLP_UP, 0, 0);
        }
        v->x = calloc((size_t)2 * (size_t)(v->Kmax + 1) * (size_t)(n > 0 ? n : 1), sizeof(int));
        if (!v->x)
            goto fail;
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= v->K[b]; k++)
                for (int i = 0; i < n; i++) {
                    const sl_industry *d = &sc->industries[i];
                    if (!allowed(r, d, b, k))
                        continue;
                    snprintf(name, sizeof name, "x_p%d_%c%d_i%d", pi, b ? 'o' : 'f', k, i);
                    XV(v, n, b, k, i) = add_col(e, name, GLP_BV, 0, 1, F[b] * d->priority);
                }
        /* one industry per storey; stacks without gaps */
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= v->K[b]; k++) {
                row_begin(e);
                for (int i = 0; i < n; i++)
                    term(e, XV(v, n, b, k, i), 1);
                if (k == 1) {
                    term(e, v->z, -1);
                    snprintf(name, sizeof name, "first_p%d_%c", pi, b ? 'o' : 'f');
                    row_end(e, name, b ? GLP_UP : GLP_FX, 0, 0);
                } else {
                    for (int i = 0; i < n; i++)
                        term(e, XV(v, n, b, k - 1, i), -1);
                    snprintf(name, sizeof name, "stack_p%d_%c%d", pi, b ? 'o' : 'f', k);
                    row_end(e, name, GLP_UP, 0, 0);
                }
            }
        if (floors > 0) {
            row_begin(e);
            for (int i = 0; i < n; i++)
                term(e, XV(v, n, 0, floors, i), 1);
            snprintf(name, sizeof name, "pin_floors_p%d", pi);
            row_end(e, name, GLP_FX, 1, 1);
            if (floors > v->K[0]) {
                if (!dummy)
                    dummy = add_col(e, "never", GLP_CV, 0, 0, 0);
                row_begin(e);
                term(e, dummy, 1);
                snprintf(name, sizeof name, "pin_floors_p%d_too_many", pi);
                row_end(e, name, GLP_LO, 1, 0);
            }
        }
        /* rule 1: heights */
        for (int b = 0; b < 2; b++) {
            if (!v->K[b])
                continue;
            row_begin(e);
            for (int k = 1; k <= v->K[b]; k++)
                for (int i = 0; i < n; i++)
                    term(e, XV(v, n, b, k, i), storey_height(r, &sc->industries[i], b, k));
            snprintf(name, sizeof name, "height_p%d_%c", pi, b ? 'o' : 'f');
            row_end(e, name, GLP_UP, 0, b ? r->office_height_max_m : r->factory_height_max_m);
        }
        /* rule 2: counted GFA; rule 11: current GFA; rule 9: office share */
        row_begin(e);
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= v->K[b]; k++)
                for (int i = 0; i < n; i++) {
                    double h = storey_height(r, &sc->industries[i], b, k);
                    term(e, XV(v, n, b, k, i), F[b] * (h > r->tall_storey_m + 1e-9 ? 2 : 1));
                }
        term(e, v->z, -r->far_max * A);
        snprintf(name, sizeof name, "far_max_p%d", pi);
        row_end(e, name, GLP_UP, 0, 0);
        if (r->far_min > 0) {
            row_begin(e);
            for (int b = 0; b < 2; b++)
                for (int k = 1; k <= v->K[b]; k++)
                    for (int i = 0; i < n; i++) {
                        double h = storey_height(r, &sc->industries[i], b, k);
                        term(e, XV(v, n, b, k, i), F[b] * (h > r->tall_storey_m + 1e-9 ? 2 : 1));
                    }
            term(e, v->z, -r->far_min * A);
            snprintf(name, sizeof name, "far_min_p%d", pi);
            row_end(e, name, GLP_LO, 0, 0);
        }
        row_begin(e);
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= v->K[b]; k++)
                for (int i = 0; i < n; i++)
                    term(e, XV(v, n, b, k, i), F[b]);
        term(e, v->z, -cur);
        snprintf(name, sizeof name, "current_gfa_p%d", pi);
        row_end(e, name, GLP_LO, 0, 0);
        row_begin(e);
        for (int b = 0; b < 2; b++)
            for (int k = 1; k <= v->K[b]; k++)
                for (int i = 0; i < n; i++)
                    term(e, XV(v, n, b, k, i),
                         F[b] * ((sc->industries[i].kind == SL_KIND_OFFICE ? 1 : 0) -
                                 r->office_gfa_share_max));
        snprintf(name, sizeof name, "office_share_p%d", pi);
        row_end(e, name, GLP_UP, 0, 0);
        /* rule 3: coverage, the office footprint only with office storeys */
        row_begin(e);
        term(e, v->z, F[0] - r->coverage_min * A);
        for (int i = 0; i < n && v->K[1] > 0; i++)
            term(e, XV(v, n, 1, 1, i), F[1]);
        snprintf(name, sizeof name, "coverage_p%d", pi);
        row_end(e, name, GLP_LO, 0, 0);
        /* rule 6: sources and sensitive industries never adjacent */
        for (int b = 0; b < 2; b++)
            for (int k = 1; k < v->K[b]; k++)
                for (int dir = 0; dir < 2; dir++) {
                    row_begin(e);
                    for (int i = 0; i < n; i++) {
                        sl_vibration vb = sc->industries[i].vibration;
                        if (vb == (dir ? SL_VIB_SENSITIVE : SL_VIB_SOURCE))
                            term(e, XV(v, n, b, k, i), 1);
                        if (vb == (dir ? SL_VIB_SOURCE : SL_VIB_SENSITIVE))
                            term(e, XV(v, n, b, k + 1, i), 1);
                    }
                    snprintf(name, sizeof name, "vibration_p%d_%c%d_%d", pi, b ? 'o' : 'f', k, dir);
                    if (e->nz > 1)
                        row_end(e, name, GLP_UP, 0, 1);
                }
        /* rule 7: fire class A/B alone in its block */
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < n && v->K[b] >= 2; i++) {
                if (!fire_ab(sc->industries[i].fire_class) || !XV(v, n, b, 1, i))
                    continue;
                row_begin(e);
                term(e, XV(v, n, b, 1, i), 1);
                for (int j = 0; j < n; j++)
                    term(e, XV(v, n, b, 2, j), 1);
                snprintf(name, sizeof name, "fire_p%d_%c_i%d", pi, b ? 'o' : 'f', i);
                row_end(e, name, GLP_UP, 0, 1);
            }
        /* rule 10: freight trips above the ramp */
        row_begin(e);
        for (int k = r->ramp_floor + 1; k <= v->K[0]; k++)
            for (int i = 0; i < n; i++)
                term(e, XV(v, n, 0, k, i), sc->industries[i].trips_per_1000m2_day * F[0] / 1000);
        snprintf(name, sizeof name, "trips_p%d", pi);
        if (e->nz > 0)
            row_end(e, name, GLP_UP, 0, r->freight_trips_per_day_max);
        /* rule 13: pinned GFA */
        for (int k = 0; k < sc->n_pins; k++) {
            const sl_pin *pin = &sc->pins[k];
            if (!p->id || strcmp(pin->parcel, p->id) != 0 || pin->industry < 0 || pin->industry >= n)
                continue;
            row_begin(e);
            for (int b = 0; b < 2; b++)
                for (int kk = 1; kk <= v->K[b]; kk++)
                    term(e, XV(v, n, b, kk, pin->industry), F[b]);
            snprintf(name, sizeof name, "pin_p%d_%d", pi, k);
            if (e->nz == 0) {
                if (!dummy)
                    dummy = add_col(e, "never", GLP_CV, 0, 0, 0);
                term(e, dummy, 1);
            }
            row_end(e, name, GLP_LO, pin->min_gfa_m2, 0);
        }
        /* link bonuses */
        for (int l = 0; l < sc->n_links; l++) {
            const sl_chain_link *lk = &sc->links[l];
            int fi = lk->from, ti = lk->to;
            if (fi < 0 || fi >= n || ti < 0 || ti >= n)
                continue;
            snprintf(name, sizeof name, "s_p%d_l%d", pi, l);
            int s = add_col(e, name, GLP_CV, 0, 1, lk->weight * sc->same_building_bonus_m2);
            for (int end = 0; end < (fi == ti ? 1 : 2); end++) {
                row_begin(e);
                term(e, s, 1);
                for (int b = 0; b < 2; b++)
                    for (int k = 1; k <= v->K[b]; k++)
                        term(e, XV(v, n, b, k, end ? ti : fi), -1);
                snprintf(name, sizeof name, "same_p%d_l%d_%d", pi, l, end);
                row_end(e, name, GLP_UP, 0, 0);
            }
            snprintf(name, sizeof name, "a_p%d_l%d", pi, l);
            int a = add_col(e, name, GLP_CV, 0, 1, lk->weight * sc->adjacent_floor_bonus_m2);
            int arow_n = 0;
            int *qs = malloc(sizeof(int) * (size_t)(2 * (v->Kmax + 1)));
            if (!qs)
                goto fail;
            for (int b = 0; b < 2; b++)
                for (int k = 1; k < v->K[b]; k++) {
                    snprintf(name, sizeof name, "q_p%d_%c%d_l%d", pi, b ? 'o' : 'f', k, l);
                    int q = add_col(e, name, GLP_CV, 0, 1, 0);
                    qs[arow_n++] = q;
                    /* q <= 1 only when {ind(k), ind(k+1)} = {from, to} */
                    int pairs[4][2][2] = {
                        {{k, fi}, {k + 1, fi}}, {{k, ti}, {k + 1, ti}},
                        {{k, fi}, {k, ti}},     {{k + 1, fi}, {k + 1, ti}}};
                    int nrows = fi == ti ? 2 : 4;
                    for (int c = 0; c < nrows; c++) {
                        row_begin(e);
                        term(e, q, 1);
                        if (fi == ti) {
                            term(e, XV(v, n, b, c == 0 ? k : k + 1, fi), -1);
                        } else {
                            term(e, XV(v, n, b, pairs[c][0][0], pairs[c][0][1]), -1);
                            term(e, XV(v, n, b, pairs[c][1][0], pairs[c][1][1]), -1);
                        }
                        snprintf(name, sizeof name, "adj_p%d_%c%d_l%d_%d", pi, b ? 'o' : 'f', k, l, c);
                        row_end(e, name, GLP_UP, 0, 0);
                    }
                }
            row_begin(e);
            term(e, a, 1);
            for (int x = 0; x < arow_n; x++)
                term(e, qs[x], -1);
            snprintf(name, sizeof name, "adjacent_p%d_l%d", pi, l);
            row_end(e, name, GLP_UP, 0, 0);
            free(qs);
        }
    }
    /* rule 12: zone demand */
    for (int i = 0; i < n; i++) {
        const sl_industry *d = &sc->industries[i];
        bool lo = d->demand_min_m2 > 0, hi = isfinite(d->demand_max_m2);
        if (!lo && !hi)
            continue;
        row_begin(e);
        for (int pi = 0; pi < z->n; pi++) {
            const pvars *v = &pv[pi];
            if (!v->x)
                continue;
            const sl_parcel *p = &z->p[pi];
            double F[2] = {p->plan_fp.factory_m2, p->plan_fp.office_m2};
            for (int b = 0; b < 2; b++)
                for (int k = 1; k <= v->K[b]; k++)
                    term(e, XV(v, n, b, k, i), F[b]);
        }
        if (e->nz == 0) {
            if (!lo)
                continue;
            if (!dummy)
                dummy = add_col(e, "never", GLP_CV, 0, 0, 0);
            term(e, dummy, 1);
        }
        snprintf(name, sizeof name, "demand_i%d", i);
        row_end(e, name, lo && hi ? GLP_DB : lo ? GLP_LO : GLP_UP, d->demand_min_m2, d->demand_max_m2);
    }
    for (int pi = 0; pi < z->n; pi++)
        free(pv[pi].x);
    free(pv);
    return 0;
fail:
    for (int pi = 0; pi < z->n; pi++)
        free(pv[pi].x);
    free(pv);
    return -1;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

sl_status sl_plan_export_model(const sl_zone *z, const char *path, sl_error *err)
{
    if (!z || !z->sc || !path) {
        sl_error_add(err, SL_ERR_USAGE, "sl_plan_export_model: zone, scenario and path are required");
        return SL_ERR_USAGE;
    }
    bool lp = ends_with(path, ".lp") || ends_with(path, ".LP");
    bool mps = ends_with(path, ".mps") || ends_with(path, ".MPS");
    if (!lp && !mps) {
        sl_error_add(err, SL_ERR_USAGE, "%s: the model file must end in .lp or .mps", path);
        return SL_ERR_USAGE;
    }
    ex e;
    memset(&e, 0, sizeof e);
    e.sc = z->sc;
    glp_term_hook(ex_quiet, NULL);
    e.P = glp_create_prob();
    if (build(&e, z) != 0) {
        glp_delete_prob(e.P);
        free(e.ind);
        free(e.val);
        glp_term_hook(NULL, NULL);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory while building the model");
        return SL_ERR_NOMEM;
    }
    if (glp_get_num_cols(e.P) == 0)
        add_col(&e, "nothing", GLP_CV, 0, 0, 0);   /* an empty LP file is not readable */
    int rc = lp ? glp_write_lp(e.P, NULL, path) : glp_write_mps(e.P, GLP_MPS_FILE, NULL, path);
    glp_delete_prob(e.P);
    free(e.ind);
    free(e.val);
    glp_term_hook(NULL, NULL);
    if (rc != 0) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write the model", path);
        return SL_ERR_IO;
    }
    return SL_OK;
}
