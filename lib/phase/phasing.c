/*
 * phasing.c - start years for the redeveloped parcels (docs/model.md §12):
 * the rules' arithmetic on a schedule (the per-year table, feasibility),
 * the pins' conflicts in words, a greedy first schedule, and the
 * time-indexed MIP with "started by year t" binaries solved with GLPK
 * (docs/optimizer.md, "Phasing").
 */
#include "phase/phasing.h"

#include <glpk.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gdal.h>
#include <ogr_api.h>

#include "eval/evaluate.h"
#include "util/glpk_util.h"
#include "util/ogr_util.h"

#include "util/log.h"

#define TOL 1e-6

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void sl_phase_input_init(sl_phase_input *in, const sl_scenario *sc)
{
    memset(in, 0, sizeof *in);
    const sl_phasing_spec *ph = &sc->phasing;
    in->start_year = ph->start_year;
    in->years = ph->years;
    in->build_years = ph->build_years;
    in->n_budget = ph->n_budget;
    in->budget_cny = ph->budget_cny;
    in->swing_space_m2 = ph->swing_space_m2;
    in->swing_from_new_share = ph->swing_from_new_share;
    in->max_starts_per_year = ph->max_starts_per_year;
    /* §12: economics' rate when there is economics */
    in->discount_rate = sc->has_economics ? sc->economics.discount_rate : ph->discount_rate;
    in->time_limit_s = ph->time_limit_s;
    in->gap = sc->gap;
}

static double capex_of(const sl_phase_parcel *p)
{
    return isfinite(p->capex_cny) ? p->capex_cny : 0;
}

static bool swing_on(const sl_phase_input *in)
{
    return !isnan(in->swing_space_m2);
}

/* Money spent by parcel p in year index t (0-based) when it starts at
 * index s (or -1 none). */
static double spend_at(const sl_phase_input *in, const sl_phase_parcel *p, int s, int t)
{
    if (s < 0 || t < s || t >= s + in->build_years)
        return 0;
    return capex_of(p) / in->build_years;
}

/* The per-year table of a schedule (start years, 0 = none) into the
 * arrays of ph (each `years` long). */
typedef struct table {
    int *starts;
    double *spend, *cum_budget, *cum_spend, *swing_used, *swing_avail, *into_use;
} table;

static void fill_table(const sl_phase_input *in, const int *start, const table *tb)
{
    int T = in->years, B = in->build_years;
    double cb = 0, cs = 0, in_use_gfa = 0;
    bool money_known = false; /* some capex known: else spending is unknown */
    for (int p = 0; p < in->n; p++)
        money_known |= isfinite(in->parcels[p].capex_cny);
    for (int t = 0; t < T; t++) {
        int n = 0;
        double sp = 0, used = 0, into = 0;
        for (int p = 0; p < in->n; p++) {
            const sl_phase_parcel *q = &in->parcels[p];
            int s = start[p] ? start[p] - in->start_year : -1;
            if (s < 0)
                continue;
            n += s == t;
            sp += spend_at(in, q, s, t);
            if (t >= s && t < s + B)
                used += q->current_gfa_m2;
            if (s + B == t)
                into += q->gfa_m2;
        }
        in_use_gfa += into;
        cs += sp;
        if (in->n_budget)
            cb += in->budget_cny[t];
        tb->starts[t] = n;
        tb->spend[t] = money_known ? sp : NAN;
        tb->cum_budget[t] = in->n_budget ? cb : NAN;
        tb->cum_spend[t] = money_known ? cs : NAN;
        tb->swing_used[t] = used;
        tb->swing_avail[t] =
            swing_on(in) ? in->swing_space_m2 + in->swing_from_new_share * in_use_gfa : NAN;
        tb->into_use[t] = into;
    }
}

static bool table_alloc(table *tb, int T)
{
    memset(tb, 0, sizeof *tb);
    tb->starts = calloc((size_t)T, sizeof *tb->starts);
    double **d[] = {&tb->spend,      &tb->cum_budget,  &tb->cum_spend,
                    &tb->swing_used, &tb->swing_avail, &tb->into_use};
    bool ok = tb->starts != NULL;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        ok &= (*d[i] = calloc((size_t)T, sizeof **d[i])) != NULL;
    return ok;
}

static void table_free(table *tb)
{
    free(tb->starts);
    free(tb->spend);
    free(tb->cum_budget);
    free(tb->cum_spend);
    free(tb->swing_used);
    free(tb->swing_avail);
    free(tb->into_use);
}

static void say(char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *msg, size_t size, const char *fmt, ...)
{
    if (!msg || !size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
}

/* Feasibility against a table already filled. */
static bool table_ok(const sl_phase_input *in, const int *start, const table *tb, char *msg,
                     size_t size)
{
    int Y0 = in->start_year, T = in->years;
    for (int p = 0; p < in->n; p++) {
        const sl_phase_parcel *q = &in->parcels[p];
        int s = start[p];
        if (!s) {
            if (q->pinned_start) {
                say(msg, size, "parcel %s is pinned to start in %d but is not started", q->id,
                    q->pinned_start);
                return false;
            }
            continue;
        }
        if (s < Y0 || s >= Y0 + T) {
            say(msg, size, "parcel %s starts in %d, outside the phasing horizon %d-%d", q->id, s,
                Y0, Y0 + T - 1);
            return false;
        }
        if (q->ready_year && s < q->ready_year) {
            say(msg, size, "parcel %s starts in %d before it is ready (%d)", q->id, s,
                q->ready_year);
            return false;
        }
        if (q->pinned_start && s != q->pinned_start) {
            say(msg, size, "parcel %s starts in %d, not in its pinned year %d", q->id, s,
                q->pinned_start);
            return false;
        }
    }
    for (int t = 0; t < T; t++) {
        if (in->n_budget && tb->cum_spend[t] > tb->cum_budget[t] + TOL * (1 + tb->cum_budget[t])) {
            say(msg, size, "by %d the spending is %.0f CNY against a budget of %.0f CNY", Y0 + t,
                tb->cum_spend[t], tb->cum_budget[t]);
            return false;
        }
        if (swing_on(in) &&
            tb->swing_used[t] > tb->swing_avail[t] + TOL * (1 + tb->swing_avail[t])) {
            say(msg, size,
                "in %d the enterprises of the parcels under construction need %.0f m2 of swing "
                "space but %.0f m2 is available",
                Y0 + t, tb->swing_used[t], tb->swing_avail[t]);
            return false;
        }
        if (in->max_starts_per_year > 0 && tb->starts[t] > in->max_starts_per_year) {
            say(msg, size, "%d parcels start in %d, more than max_starts_per_year %d",
                tb->starts[t], Y0 + t, in->max_starts_per_year);
            return false;
        }
    }
    return true;
}

bool sl_phasing_feasible(const sl_phase_input *in, const int *start, char *msg, size_t size)
{
    table tb;
    if (!table_alloc(&tb, in->years)) {
        table_free(&tb);
        say(msg, size, "out of memory");
        return false;
    }
    fill_table(in, start, &tb);
    bool ok = table_ok(in, start, &tb, msg, size);
    table_free(&tb);
    return ok;
}

/* Σ value_p (1 + r)^-(s_p + B - start_year) over the started parcels. */
static double schedule_value(const sl_phase_input *in, const int *start)
{
    double v = 0;
    for (int p = 0; p < in->n; p++)
        if (start[p])
            v += in->parcels[p].value *
                 pow(1 + in->discount_rate, -(double)(start[p] + in->build_years - in->start_year));
    return v;
}

/* ---- the pins' conflicts ---------------------------------------------- */

typedef struct conflicts {
    int n;
    char **v;
    bool oom;
} conflicts;

static void conflict(conflicts *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conflict(conflicts *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **v = realloc(c->v, sizeof *v * (size_t)(c->n + 1));
    char *s = strdup(buf);
    if (!v || !s) {
        free(s);
        if (v)
            c->v = v;
        c->oom = true;
        return;
    }
    c->v = v;
    c->v[c->n++] = s;
}

/* What the pins alone break: a start outside the horizon or before the
 * parcel is ready, a budget that cannot pay them, too many starts in a
 * year.  More starts only spend more, so these are conflicts of the whole
 * problem.  Fills pins[] with the pinned schedule. */
static void pin_conflicts(const sl_phase_input *in, int *pins, const table *tb, conflicts *c)
{
    int Y0 = in->start_year, T = in->years, B = in->build_years;
    bool bad = false;
    for (int p = 0; p < in->n; p++) {
        const sl_phase_parcel *q = &in->parcels[p];
        int s = pins[p] = q->pinned_start;
        if (!s)
            continue;
        if (s < Y0 || s >= Y0 + T) {
            conflict(c,
                     "phasing: parcel %s is pinned to start in %d, outside the phasing horizon "
                     "%d-%d",
                     q->id, s, Y0, Y0 + T - 1);
            bad = true;
        } else if (q->ready_year && s < q->ready_year) {
            conflict(c,
                     "phasing: parcel %s is pinned to start in %d but is not ready before %d "
                     "(its ready_year)",
                     q->id, s, q->ready_year);
            bad = true;
        }
    }
    if (bad)
        return;
    fill_table(in, pins, tb);
    for (int t = 0; t < T; t++) {
        if (in->n_budget && tb->cum_spend[t] > tb->cum_budget[t] + TOL * (1 + tb->cum_budget[t])) {
            /* the pinned parcel whose spending tips it: the latest start */
            int who = -1;
            for (int p = 0; p < in->n; p++)
                if (pins[p] && pins[p] - Y0 <= t && (who < 0 || pins[p] > pins[who]))
                    who = p;
            const sl_phase_parcel *q = &in->parcels[who];
            conflict(c,
                     "phasing: the budget cannot pay the pinned start of parcel %s in %d "
                     "(capex %.0f CNY over %d year%s): by %d the pinned parcels spend %.0f CNY "
                     "but the budget up to %d is %.0f CNY",
                     q->id, pins[who], capex_of(q), B, B == 1 ? "" : "s", Y0 + t, tb->cum_spend[t],
                     Y0 + t, tb->cum_budget[t]);
            break;
        }
    }
    for (int t = 0; t < T; t++)
        if (in->max_starts_per_year > 0 && tb->starts[t] > in->max_starts_per_year)
            conflict(c,
                     "phasing: %d parcels are pinned to start in %d but max_starts_per_year is %d",
                     tb->starts[t], Y0 + t, in->max_starts_per_year);
}

/* ---- greedy first schedule --------------------------------------------- */

typedef struct order_item {
    double v;
    int p;
} order_item;

static int cmp_order(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    return x->v > y->v ? -1 : x->v < y->v ? 1 : x->p - y->p;
}

/* The greedy's running sums per year index: spending, G0 under
 * construction, GFA in use, starts. */
typedef struct running {
    double *spend, *used, *inuse;
    int *starts;
} running;

static void run_add(const sl_phase_input *in, running *r, int p, int s, int sign)
{
    const sl_phase_parcel *q = &in->parcels[p];
    int T = in->years, B = in->build_years;
    for (int t = s; t < s + B && t < T; t++) {
        r->spend[t] += sign * capex_of(q) / B;
        r->used[t] += sign * q->current_gfa_m2;
    }
    for (int t = s + B; t < T; t++)
        r->inuse[t] += sign * q->gfa_m2;
    r->starts[s] += sign;
}

/* Every rule in every year, from the running sums: O(years). */
static bool run_ok(const sl_phase_input *in, const running *r)
{
    double cb = 0, cs = 0;
    for (int t = 0; t < in->years; t++) {
        cs += r->spend[t];
        if (in->n_budget) {
            cb += in->budget_cny[t];
            if (cs > cb + TOL * (1 + cb))
                return false;
        }
        if (swing_on(in)) {
            double avail = in->swing_space_m2 + in->swing_from_new_share * r->inuse[t];
            if (r->used[t] > avail + TOL * (1 + avail))
                return false;
        }
        if (in->max_starts_per_year > 0 && r->starts[t] > in->max_starts_per_year)
            return false;
    }
    return true;
}

/* How much of the scarce rules a parcel takes: its capex against an
 * average year's budget plus its enterprises against the swing space. */
static double use_of(const sl_phase_input *in, int p)
{
    const sl_phase_parcel *q = &in->parcels[p];
    double u = 1e-9;
    if (in->n_budget) {
        double b = 0;
        for (int t = 0; t < in->years; t++)
            b += in->budget_cny[t];
        u += capex_of(q) / fmax(b / in->years, 1);
    }
    if (swing_on(in))
        u += q->current_gfa_m2 / fmax(in->swing_space_m2, 1);
    return u;
}

/* Pins first, then the parcels of ord[k] in that order, each at its
 * earliest feasible year from its ready year (and from from[p] when from
 * is given): O(parcels x years^2) with running sums.  False when even the
 * pins alone break a rule. */
static bool place(const sl_phase_input *in, int *start, table *tb, order_item *ord, int k,
                  const int *from, bool *oom)
{
    for (int p = 0; p < in->n; p++)
        start[p] = in->parcels[p].pinned_start;
    fill_table(in, start, tb);
    if (!table_ok(in, start, tb, NULL, 0))
        return false;
    size_t T = (size_t)in->years;
    running r = {calloc(T, sizeof(double)), calloc(T, sizeof(double)), calloc(T, sizeof(double)),
                 calloc(T, sizeof(int))};
    bool ok = r.spend && r.used && r.inuse && r.starts;
    if (ok) {
        for (int p = 0; p < in->n; p++)
            if (start[p])
                run_add(in, &r, p, start[p] - in->start_year, 1);
        qsort(ord, (size_t)k, sizeof *ord, cmp_order);
        for (int i = 0; i < k; i++) {
            int p = ord[i].p;
            int first = in->parcels[p].ready_year > in->start_year
                            ? in->parcels[p].ready_year - in->start_year
                            : 0;
            if (from && from[p] > first)
                first = from[p];
            for (int t = first; t < in->years; t++) {
                run_add(in, &r, p, t, 1);
                if (run_ok(in, &r)) {
                    start[p] = in->start_year + t;
                    break;
                }
                run_add(in, &r, p, t, -1);
            }
        }
    }
    free(r.spend);
    free(r.used);
    free(r.inuse);
    free(r.starts);
    if (!ok)
        *oom = true;
    return ok;
}

/* Pins first, then the parcels by value (or by value per use of the scarce
 * rules, density), each at its earliest feasible year. */
static bool greedy_order(const sl_phase_input *in, int *start, table *tb, bool density, bool *oom)
{
    order_item *ord = malloc(sizeof *ord * (size_t)(in->n ? in->n : 1));
    if (!ord) {
        *oom = true;
        return false;
    }
    int k = 0;
    for (int p = 0; p < in->n; p++)
        if (!in->parcels[p].pinned_start && in->parcels[p].value > 0)
            ord[k++] = (order_item){
                density ? in->parcels[p].value / use_of(in, p) : in->parcels[p].value, p};
    bool ok = place(in, start, tb, ord, k, NULL, oom);
    free(ord);
    return ok;
}

/* Column of z[p][t] ("parcel p started by year index t"), 1-based. */
static int zcol(const sl_phase_input *in, int p, int t)
{
    return 1 + p * in->years + t;
}

/* The LP relaxation rounded (x: the LP's column values, 1-based): each
 * parcel from the first year its "started by" reaches one half, in the
 * order of those years (the more valuable first within a year); parcels
 * the LP leaves unstarted last, from their ready year, into what is left.
 * The LP bound of the phasing is tight (the ordering rows are totally
 * unimodular; only the money, swing and starts rows cut it), so this
 * schedule is often within a fraction of a percent of the bound, where the
 * greedy orders are not. */
static bool lp_rounded(const sl_phase_input *in, const double *x, int *start, table *tb, bool *oom)
{
    order_item *ord = malloc(sizeof *ord * (size_t)(in->n ? in->n : 1));
    int *from = malloc(sizeof *from * (size_t)(in->n ? in->n : 1));
    if (!ord || !from) {
        free(ord);
        free(from);
        *oom = true;
        return false;
    }
    double vmax = 0;
    for (int p = 0; p < in->n; p++)
        vmax = fmax(vmax, in->parcels[p].value);
    int k = 0;
    for (int p = 0; p < in->n; p++) {
        from[p] = 0;
        if (in->parcels[p].pinned_start || in->parcels[p].value <= 0)
            continue;
        int t = 0;
        while (t < in->years && x[zcol(in, p, t)] < 0.5)
            t++;
        /* earlier LP years first; within a year by value (< 1 apart) */
        ord[k++] = (order_item){-(double)t + 0.5 * in->parcels[p].value / fmax(vmax, 1), p};
        from[p] = t < in->years ? t : 0;
    }
    bool ok = place(in, start, tb, ord, k, from, oom);
    free(ord);
    free(from);
    return ok;
}

/* The better of two greedy orders: by value, and by value per use of the
 * budget and swing space (a knapsack's density). */
static bool greedy(const sl_phase_input *in, int *start, table *tb, bool *oom)
{
    if (!greedy_order(in, start, tb, false, oom))
        return false;
    if (!in->n_budget && !swing_on(in))
        return true;
    int *other = malloc(sizeof *other * (size_t)(in->n ? in->n : 1));
    if (!other) {
        *oom = true;
        return false;
    }
    if (greedy_order(in, other, tb, true, oom) &&
        schedule_value(in, other) > schedule_value(in, start))
        memcpy(start, other, sizeof *other * (size_t)in->n);
    free(other);
    return !*oom;
}

/* ---- the MIP ----------------------------------------------------------- */

typedef struct rowbuf {
    int n, cap;
    int *ind;
    double *val;
} rowbuf;

static bool row_add(rowbuf *r, int j, double v)
{
    for (int k = 1; k <= r->n; k++)
        if (r->ind[k] == j) {
            r->val[k] += v;
            return true;
        }
    if (r->n + 2 > r->cap) {
        int cap = r->cap ? r->cap * 2 : 64;
        int *ind = realloc(r->ind, sizeof *ind * (size_t)cap);
        if (!ind)
            return false;
        r->ind = ind;
        double *val = realloc(r->val, sizeof *val * (size_t)cap);
        if (!val)
            return false;
        r->val = val;
        r->cap = cap;
    }
    r->n++;
    r->ind[r->n] = j;
    r->val[r->n] = v;
    return true;
}

static void row_put(glp_prob *P, rowbuf *r, const char *name, double ub)
{
    int i = glp_add_rows(P, 1);
    glp_set_row_name(P, i, name);
    glp_set_row_bnds(P, i, GLP_UP, 0, ub);
    glp_set_mat_row(P, i, r->n, r->ind, r->val);
    r->n = 0;
}

/* The time-indexed MIP (docs/optimizer.md, "Phasing").  NULL: out of
 * memory. */
static glp_prob *build_mip(const sl_phase_input *in)
{
    int T = in->years, B = in->build_years, Y0 = in->start_year;
    double d = 1 / (1 + in->discount_rate);
    glp_prob *P = glp_create_prob();
    glp_set_prob_name(P, "shanglou_phasing");
    glp_set_obj_name(P, "discounted_value");
    glp_set_obj_dir(P, GLP_MAX);
    if (in->n > 0)
        glp_add_cols(P, in->n * T);
    char name[64];
    for (int p = 0; p < in->n; p++) {
        const sl_phase_parcel *q = &in->parcels[p];
        for (int t = 0; t < T; t++) {
            int j = zcol(in, p, t);
            snprintf(name, sizeof name, "z_%d_%d", p + 1, Y0 + t);
            glp_set_col_name(P, j, name);
            glp_set_col_kind(P, j, GLP_BV);
            /* started by t, minus started by t-1, telescoped */
            double c = q->value * pow(d, t + B) * (t + 1 < T ? 1 - d : 1);
            glp_set_obj_coef(P, j, c);
            int y = Y0 + t;
            if ((q->ready_year && y < q->ready_year) || (q->pinned_start && y < q->pinned_start))
                glp_set_col_bnds(P, j, GLP_FX, 0, 0);
            else if (q->pinned_start && y >= q->pinned_start)
                glp_set_col_bnds(P, j, GLP_FX, 1, 1);
        }
    }
    rowbuf r = {0};
    bool ok = true;
    /* z nondecreasing in t */
    for (int p = 0; p < in->n && ok; p++)
        for (int t = 1; t < T && ok; t++) {
            ok = row_add(&r, zcol(in, p, t - 1), 1) && row_add(&r, zcol(in, p, t), -1);
            snprintf(name, sizeof name, "order_%d_%d", p + 1, Y0 + t);
            if (ok)
                row_put(P, &r, name, 0);
        }
    /* cumulative money: spending of years <= t within the budget so far */
    double cb = 0;
    for (int t = 0; t < T && ok && in->n_budget; t++) {
        cb += in->budget_cny[t];
        for (int p = 0; p < in->n && ok; p++) {
            double a = capex_of(&in->parcels[p]) / B;
            for (int k = 0; k < B && k <= t && ok; k++)
                if (a != 0)
                    ok = row_add(&r, zcol(in, p, t - k), a);
        }
        snprintf(name, sizeof name, "money_%d", Y0 + t);
        if (ok)
            row_put(P, &r, name, cb);
    }
    /* swing space: G0 under construction <= swing + share x GFA in use */
    for (int t = 0; t < T && ok && swing_on(in); t++) {
        for (int p = 0; p < in->n && ok; p++) {
            const sl_phase_parcel *q = &in->parcels[p];
            if (q->current_gfa_m2 != 0)
                ok = row_add(&r, zcol(in, p, t), q->current_gfa_m2);
            if (ok && t >= B)
                ok = row_add(&r, zcol(in, p, t - B),
                             -q->current_gfa_m2 - in->swing_from_new_share * q->gfa_m2);
        }
        snprintf(name, sizeof name, "swing_%d", Y0 + t);
        if (ok)
            row_put(P, &r, name, in->swing_space_m2);
    }
    /* starts per year */
    for (int t = 0; t < T && ok && in->max_starts_per_year > 0; t++) {
        for (int p = 0; p < in->n && ok; p++) {
            ok = row_add(&r, zcol(in, p, t), 1);
            if (ok && t > 0)
                ok = row_add(&r, zcol(in, p, t - 1), -1);
        }
        snprintf(name, sizeof name, "starts_%d", Y0 + t);
        if (ok)
            row_put(P, &r, name, in->max_starts_per_year);
    }
    free(r.ind);
    free(r.val);
    if (!ok) {
        glp_delete_prob(P);
        return NULL;
    }
    return P;
}

typedef struct mip_cb {
    const sl_phase_input *in;
    double *x; /* the greedy schedule as columns, 1-based, or NULL */
    bool given, interrupted;
    double bound; /* best bound seen, INFINITY none */
} mip_cb;

static void mip_callback(glp_tree *T, void *info)
{
    mip_cb *cb = info;
    if (cb->in->interrupt && *cb->in->interrupt) {
        cb->interrupted = true;
        glp_ios_terminate(T);
        return;
    }
    int best = glp_ios_best_node(T);
    if (best) {
        double b = glp_ios_node_bound(T, best);
        if (b < cb->bound)
            cb->bound = b;
    }
    if (glp_ios_reason(T) == GLP_IHEUR && cb->x && !cb->given) {
        cb->given = true;
        glp_ios_heur_sol(T, cb->x);
    }
}

static int term_hook(void *info, const char *s)
{
    const sl_phase_input *in = info;
    if (in->verbose && in->log)
        in->log(in->log_user_data, SL_LOG_SOLVER, s);
    return 1;
}

/* ---- the result -------------------------------------------------------- */

static sl_phasing *result_new(const sl_phase_input *in)
{
    sl_phasing *ph = calloc(1, sizeof *ph);
    if (!ph)
        return NULL;
    ph->n = in->n;
    ph->start_year = in->start_year;
    ph->years = in->years;
    ph->build_years = in->build_years;
    ph->objective = ph->bound = ph->gap = NAN;
    size_t n = (size_t)(in->n ? in->n : 1), T = (size_t)in->years;
    ph->start = calloc(n, sizeof *ph->start);
    ph->in_use = calloc(n, sizeof *ph->in_use);
    ph->starts = calloc(T, sizeof *ph->starts);
    double **d[] = {&ph->spending_cny,  &ph->cum_budget_cny,     &ph->cum_spending_cny,
                    &ph->swing_used_m2, &ph->swing_available_m2, &ph->gfa_into_use_m2};
    bool ok = ph->start && ph->in_use && ph->starts;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        ok &= (*d[i] = calloc(T, sizeof **d[i])) != NULL;
    if (!ok) {
        sl_phasing_destroy(ph);
        return NULL;
    }
    return ph;
}

void sl_phasing_destroy(sl_phasing *ph)
{
    if (!ph)
        return;
    free(ph->start);
    free(ph->in_use);
    free(ph->starts);
    free(ph->spending_cny);
    free(ph->cum_budget_cny);
    free(ph->cum_spending_cny);
    free(ph->swing_used_m2);
    free(ph->swing_available_m2);
    free(ph->gfa_into_use_m2);
    for (int i = 0; i < ph->n_conflicts; i++)
        free(ph->conflicts[i]);
    free(ph->conflicts);
    free(ph);
}

/* The schedule into the result, with its table. */
static void result_schedule(const sl_phase_input *in, const int *start, sl_phasing *ph)
{
    table tb = {ph->starts,        ph->spending_cny,       ph->cum_budget_cny, ph->cum_spending_cny,
                ph->swing_used_m2, ph->swing_available_m2, ph->gfa_into_use_m2};
    fill_table(in, start, &tb);
    ph->n_started = 0;
    for (int p = 0; p < in->n; p++) {
        ph->start[p] = start[p];
        ph->in_use[p] = start[p] ? start[p] + in->build_years : 0;
        ph->n_started += start[p] != 0;
    }
    ph->objective = schedule_value(in, start);
}

static sl_status check_input(const sl_phase_input *in, sl_error *err)
{
    if (in->years < 1 || in->build_years < 1 || in->n < 0 || (in->n > 0 && !in->parcels) ||
        (in->n_budget && (in->n_budget != in->years || !in->budget_cny)) ||
        in->discount_rate <= -1) {
        sl_error_add(err, SL_ERR_USAGE, "phasing: invalid input (horizon, budget or rate)");
        return SL_ERR_USAGE;
    }
    if ((double)in->n * in->years > 2e7) {
        sl_error_add(err, SL_ERR_SOLVER,
                     "phasing: %d parcels over %d years is too large a model (%.0f variables)",
                     in->n, in->years, (double)in->n * in->years);
        return SL_ERR_SOLVER;
    }
    return SL_OK;
}

static void set_gap(sl_phasing *ph)
{
    ph->has_bound = true;
    if (ph->bound < ph->objective)
        ph->bound = ph->objective;
    ph->gap = (ph->bound - ph->objective) / fmax(fabs(ph->objective), 1);
}

sl_status sl_phasing_solve(const sl_phase_input *in, sl_phasing **out, sl_error *err)
{
    *out = NULL;
    sl_status st = check_input(in, err);
    if (st != SL_OK)
        return st;
    double t0 = now_s();
    sl_phasing *ph = result_new(in);
    int *start = calloc((size_t)(in->n ? in->n : 1), sizeof *start);
    int *pins = calloc((size_t)(in->n ? in->n : 1), sizeof *pins);
    double *x = calloc((size_t)in->n * (size_t)in->years + 1, sizeof *x);
    table tb;
    bool tb_ok = table_alloc(&tb, in->years);
    conflicts cf = {0};
    glp_prob *P = NULL;
    bool oom = !ph || !start || !pins || !x || !tb_ok;
    if (oom)
        goto done;

    pin_conflicts(in, pins, &tb, &cf);
    if (cf.oom) {
        oom = true;
        goto done;
    }
    if (cf.n) {
        ph->status = SL_PLAN_INFEASIBLE;
        ph->stop_reason = SL_STOP_NONE;
        ph->n_conflicts = cf.n;
        ph->conflicts = cf.v;
        cf.v = NULL;
        cf.n = 0;
        goto done;
    }
    bool have_greedy = greedy(in, start, &tb, &oom);
    if (oom)
        goto done;
    if (have_greedy)
        for (int p = 0; p < in->n; p++)
            for (int t = 0; t < in->years; t++)
                x[zcol(in, p, t)] = start[p] && start[p] - in->start_year <= t;
    double greedy_val = have_greedy ? schedule_value(in, start) : NAN;

    if (!(P = build_mip(in))) {
        oom = true;
        goto done;
    }
    glp_term_hook(term_hook, (void *)in);
    double limit = in->time_limit_s > 0 ? in->time_limit_s : 30;
    glp_smcp sp;
    glp_init_smcp(&sp);
    sp.msg_lev = in->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    sp.presolve = GLP_OFF;
    sp.tm_lim = (int)fmin(fmax(limit, 0.2) * 1000, 2e9);
    /* CNY rows next to m² rows and 0/1 rows: GLPK's own scaling (the
     * model as written stays unscaled) */
    if (in->n > 0)
        glp_scale_prob(P, GLP_SF_AUTO);
    int rc = in->n > 0 ? glp_simplex(P, &sp) : 0;
    if (rc != 0 && rc != GLP_ETMLIM && in->n > 0) {
        /* numerical trouble: once more from an advanced basis */
        glp_adv_basis(P, 0);
        rc = glp_simplex(P, &sp);
    }
    int lps = in->n > 0 ? glp_get_status(P) : GLP_OPT;
    double lp_bound = in->n > 0 ? glp_get_obj_val(P) : 0;
    bool solved = false, proven = false, interrupted = false, timed_out = false;
    bool nofeas = rc == 0 && lps == GLP_NOFEAS;
    double bound = INFINITY;
    if (rc == 0 && lps == GLP_OPT && in->n > 0) {
        /* the LP rounded: a better first schedule when it beats the greedy */
        double *lp = malloc(sizeof *lp * ((size_t)in->n * (size_t)in->years + 1));
        int *rounded = malloc(sizeof *rounded * (size_t)in->n);
        bool have_rounded = false;
        if (lp && rounded) {
            for (int j = 1; j <= in->n * in->years; j++)
                lp[j] = glp_get_col_prim(P, j);
            have_rounded = lp_rounded(in, lp, rounded, &tb, &oom);
        } else {
            oom = true;
        }
        if (have_rounded && (!have_greedy || schedule_value(in, rounded) > greedy_val)) {
            memcpy(start, rounded, sizeof *start * (size_t)in->n);
            have_greedy = true;
            greedy_val = schedule_value(in, start);
            for (int p = 0; p < in->n; p++)
                for (int t = 0; t < in->years; t++)
                    x[zcol(in, p, t)] = start[p] && start[p] - in->start_year <= t;
        }
        free(lp);
        free(rounded);
        if (oom)
            goto done;
        bound = lp_bound;
    }
    if (rc == 0 && lps == GLP_OPT && in->n > 0 && have_greedy &&
        (lp_bound - greedy_val) / fmax(fabs(greedy_val), 1) <= in->gap) {
        /* already within the gap of the LP bound: no tree to search */
        solved = proven = true;
    } else if (rc == 0 && lps == GLP_OPT && in->n > 0) {
        glp_iocp ip;
        glp_init_iocp(&ip);
        ip.msg_lev = in->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
        ip.presolve = GLP_OFF;
        double left = limit - (now_s() - t0);
        ip.tm_lim = (int)fmin(fmax(left, 0.05) * 1000, 2e9);
        /* GLPK measures its gap against its own tree bound, the status
         * against the bound the callback last saw: a schedule GLPK called
         * within plan.gap 0.1 % was 0.100095 % from that one.  Asking GLPK
         * for nine tenths of the gap keeps "stopped on the gap" optimal. */
        ip.mip_gap = in->gap > 0 ? 0.9 * in->gap : 0;
        ip.br_tech = GLP_BR_DTH;
        ip.bt_tech = GLP_BT_BLB;
        ip.gmi_cuts = GLP_OFF;
        ip.mir_cuts = GLP_ON;
        ip.cov_cuts = GLP_ON;
        mip_cb cb = {in, have_greedy ? x : NULL, false, false, INFINITY};
        ip.cb_func = mip_callback;
        ip.cb_info = &cb;
        int r = glp_intopt(P, &ip);
        int ms = glp_mip_status(P);
        interrupted = cb.interrupted;
        timed_out = r == GLP_ETMLIM;
        if (cb.bound < bound)
            bound = cb.bound;
        if (ms == GLP_OPT || ms == GLP_FEAS) {
            double v = glp_mip_obj_val(P);
            if (!have_greedy || v >= greedy_val - TOL * fmax(1, fabs(v))) {
                for (int p = 0; p < in->n; p++) {
                    start[p] = 0;
                    for (int t = in->years - 1; t >= 0; t--)
                        if (glp_mip_col_val(P, zcol(in, p, t)) > 0.5)
                            start[p] = in->start_year + t;
                }
            }
            solved = true;
            if (r == 0 && ms == GLP_OPT) {
                proven = true; /* the tree was searched to the end */
                bound = glp_mip_obj_val(P);
            } else if (r == GLP_EMIPGAP) {
                proven = true; /* within mip_gap: bound tracked by the callback */
            }
        } else if (r == 0 && ms == GLP_NOFEAS) {
            nofeas = true;
        } else if (r != 0 && r != GLP_ETMLIM && r != GLP_ESTOP && r != GLP_EMIPGAP) {
            /* numerical failure: the greedy schedule, with the LP bound */
            sl_log(in->log, in->log_user_data, SL_LOG_WARNING,
                   "phasing: GLPK's branch and bound failed (glp_intopt code %d); keeping the "
                   "first schedule found",
                   r);
        }
    } else if (in->n == 0) {
        solved = proven = true;
        bound = 0;
    } else if (rc == GLP_ETMLIM) {
        timed_out = true;
    } else if (rc != 0) {
        /* numerical failure: the greedy schedule, with no bound */
        sl_log(in->log, in->log_user_data, SL_LOG_WARNING,
               "phasing: GLPK's simplex failed (code %d); keeping the first schedule found, "
               "with no bound",
               rc);
    }
    glp_term_hook(NULL, NULL);
    if (nofeas) {
        /* only pins make the problem infeasible (starting nothing else is
         * always allowed): the swing-space rule, as the pins' table says */
        char msg[400];
        fill_table(in, pins, &tb);
        if (!table_ok(in, pins, &tb, msg, sizeof msg))
            conflict(&cf, "phasing: the pinned starts cannot all be made: %s", msg);
        else
            conflict(&cf, "phasing: the pinned starts cannot all be made under the rules");
        if (cf.oom) {
            oom = true;
            goto done;
        }
        ph->status = SL_PLAN_INFEASIBLE;
        ph->stop_reason = SL_STOP_NONE;
        ph->n_conflicts = cf.n;
        ph->conflicts = cf.v;
        cf.v = NULL;
        cf.n = 0;
        goto done;
    }
    if (!solved && have_greedy)
        solved = true; /* the greedy schedule, unproven */
    if (!solved) {
        ph->status = SL_PLAN_NO_PLAN;
        ph->stop_reason = interrupted ? SL_STOP_INTERRUPTED : SL_STOP_TIME_LIMIT;
        if (isfinite(bound)) {
            ph->has_bound = true;
            ph->bound = bound;
        }
        goto done;
    }
    {
        char msg[400];
        fill_table(in, start, &tb);
        if (!table_ok(in, start, &tb, msg, sizeof msg)) {
            sl_error_add(err, SL_ERR_SOLVER, "phasing: the solver's schedule breaks a rule: %s",
                         msg);
            st = SL_ERR_SOLVER;
            goto done;
        }
    }
    result_schedule(in, start, ph);
    if (isfinite(bound)) {
        ph->bound = bound;
        set_gap(ph);
    }
    if (proven && ph->has_bound && ph->gap <= in->gap + 1e-9) {
        ph->status = SL_PLAN_OPTIMAL;
        ph->stop_reason = SL_STOP_GAP;
    } else {
        ph->status = SL_PLAN_FEASIBLE;
        ph->stop_reason = interrupted ? SL_STOP_INTERRUPTED
                          : timed_out ? SL_STOP_TIME_LIMIT
                          : proven    ? SL_STOP_GAP
                                      : SL_STOP_TIME_LIMIT;
    }
    if (in->verbose)
        sl_log(in->log, in->log_user_data, SL_LOG_TRACE,
               "phasing: %s, %d of %d parcels started, objective %.1f, bound %.1f",
               sl_plan_status_name(ph->status), ph->n_started, in->n, ph->objective, ph->bound);
done:
    glp_term_hook(NULL, NULL);
    if (P)
        glp_delete_prob(P);
    for (int i = 0; i < cf.n; i++)
        free(cf.v[i]);
    free(cf.v);
    free(start);
    free(pins);
    free(x);
    table_free(&tb);
    if (oom && st == SL_OK) {
        sl_error_add(err, SL_ERR_NOMEM, "phasing: out of memory");
        st = SL_ERR_NOMEM;
    }
    if (st != SL_OK) {
        sl_phasing_destroy(ph);
        return st;
    }
    ph->solve_seconds = now_s() - t0;
    *out = ph;
    return SL_OK;
}

sl_status sl_phasing_export_model(const sl_phase_input *in, const char *path, sl_error *err)
{
    sl_status st = check_input(in, err);
    if (st != SL_OK)
        return st;
    glp_term_hook(term_hook, (void *)in);
    glp_prob *P = build_mip(in);
    if (!P) {
        glp_term_hook(NULL, NULL);
        sl_error_add(err, SL_ERR_NOMEM, "export-model: out of memory building the phasing model");
        return SL_ERR_NOMEM;
    }
    st = sl_glpk_write_model(P, path, "minus_discounted_value", err);
    glp_delete_prob(P);
    glp_term_hook(NULL, NULL);
    return st;
}

/* ---- a plan's phasing -------------------------------------------------- */

/* The pinned start year of parcel p (0: none). */
static int pinned_start(const sl_scenario *sc, const sl_parcel *p)
{
    for (int k = 0; p->id && k < sc->n_pins; k++)
        if (sc->pins[k].start_year && sc->pins[k].parcel && strcmp(sc->pins[k].parcel, p->id) == 0)
            return sc->pins[k].start_year;
    return 0;
}

sl_status sl_phasing_plan(const sl_zone *z, sl_plan *plan, const double *value,
                          const double *capex_cny, double discount_rate, const sl_plan_options *o,
                          sl_phasing **out, sl_error *err)
{
    *out = NULL;
    const sl_scenario *sc = z->sc;
    int m = 0;
    for (int i = 0; i < plan->n; i++)
        m += plan->pp[i].redeveloped;
    sl_phase_parcel *ps = calloc((size_t)(m ? m : 1), sizeof *ps);
    int *zi = calloc((size_t)(m ? m : 1), sizeof *zi);
    sl_phasing *ph = NULL;
    if (!ps || !zi) {
        free(ps);
        free(zi);
        sl_error_add(err, SL_ERR_NOMEM, "phasing: out of memory");
        return SL_ERR_NOMEM;
    }
    m = 0;
    for (int i = 0; i < plan->n; i++) {
        const sl_parcel_plan *pp = &plan->pp[i];
        if (!pp->redeveloped)
            continue;
        const sl_parcel *p = &z->p[i];
        zi[m] = i;
        ps[m].id = p->id ? p->id : "(null id)";
        ps[m].value = value ? value[i] : pp->value_m2eq;
        ps[m].capex_cny = capex_cny ? capex_cny[i] : NAN;
        ps[m].current_gfa_m2 = isfinite(p->current_gfa_m2) ? p->current_gfa_m2 : 0;
        ps[m].gfa_m2 = pp->gfa_m2;
        ps[m].ready_year = p->ready_year;
        ps[m].pinned_start = pinned_start(sc, p);
        m++;
    }
    sl_phase_input in;
    sl_phase_input_init(&in, sc);
    if (discount_rate >= 0)
        in.discount_rate = discount_rate;
    in.n = m;
    in.parcels = ps;
    if (o) {
        in.verbose = o->verbose;
        in.log = o->log;
        in.log_user_data = o->log_user_data;
        in.interrupt = o->interrupt;
        in.gap = o->gap;
    }
    sl_status st = sl_phasing_solve(&in, &ph, err);
    if (st == SL_OK) {
        /* per zone parcel from here on */
        int *start = calloc((size_t)(plan->n ? plan->n : 1), sizeof *start);
        int *in_use = calloc((size_t)(plan->n ? plan->n : 1), sizeof *in_use);
        if (!start || !in_use) {
            free(start);
            free(in_use);
            sl_phasing_destroy(ph);
            ph = NULL;
            sl_error_add(err, SL_ERR_NOMEM, "phasing: out of memory");
            st = SL_ERR_NOMEM;
        } else {
            for (int k = 0; k < m; k++) {
                start[zi[k]] = ph->start[k];
                in_use[zi[k]] = ph->in_use[k];
            }
            free(ph->start);
            free(ph->in_use);
            ph->start = start;
            ph->in_use = in_use;
            ph->n = plan->n;
            for (int i = 0; i < plan->n; i++) {
                plan->pp[i].start_year = start[i];
                plan->pp[i].in_use_year = in_use[i];
            }
            plan->phasing = ph;
        }
    }
    free(ps);
    free(zi);
    *out = ph;
    return st;
}

sl_status sl_phasing_plan_economics(const sl_zone *z, sl_plan *plan, const sl_economics *econ,
                                    const sl_plan_options *o, sl_phasing **out, sl_error *err)
{
    if (!econ)
        return sl_phasing_plan(z, plan, NULL, NULL, -1, o, out, err);
    *out = NULL;
    double *value = malloc(sizeof *value * ((size_t)z->n + 1));
    double *capex = malloc(sizeof *capex * ((size_t)z->n + 1));
    if (!value || !capex) {
        free(value);
        free(capex);
        sl_error_add(err, SL_ERR_NOMEM, "phasing: out of memory");
        return SL_ERR_NOMEM;
    }
    for (int i = 0; i < z->n; i++) {
        value[i] = econ->parcels[i].npv_cny;
        capex[i] = econ->parcels[i].capex_cny;
    }
    sl_status st =
        sl_phasing_plan(z, plan, value, capex, z->sc->economics.discount_rate, o, out, err);
    free(value);
    free(capex);
    return st;
}

/* ---- the phasing MIP of a written plan --------------------------------- */

sl_status sl_phasing_export_plan(const sl_zone *z, const char *plan_dir, const char *path,
                                 sl_error *err)
{
    size_t nd = strlen(plan_dir);
    char *file = malloc(nd + 32);
    if (!file) {
        sl_error_add(err, SL_ERR_NOMEM, "export-model: out of memory");
        return SL_ERR_NOMEM;
    }
    snprintf(file, nd + 32, "%s/parcels.geojson", plan_dir);
    sl_gdal_init();
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    sl_gdal_capture_pop();
    if (!l) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot read the plan's parcels: %s", file,
                     cap.last[0] ? cap.last : "no layer");
        if (ds)
            GDALClose(ds);
        free(file);
        return SL_ERR_IO;
    }
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    int f_id = OGR_FD_GetFieldIndex(fd, "id"), f_gfa = OGR_FD_GetFieldIndex(fd, "gfa_m2");
    int f_val = OGR_FD_GetFieldIndex(fd, "value_m2eq"), f_npv = OGR_FD_GetFieldIndex(fd, "npv_cny");
    int f_capex = OGR_FD_GetFieldIndex(fd, "capex_cny");
    if (f_id < 0 || f_gfa < 0 || f_val < 0) {
        sl_error_add(err, SL_ERR_IO,
                     "%s: not the parcels of a plan (no id, gfa_m2 or value_m2eq field); run "
                     "`shanglou plan SCENARIO -o DIR` first",
                     file);
        GDALClose(ds);
        free(file);
        return SL_ERR_IO;
    }
    long long cnt = OGR_L_GetFeatureCount(l, TRUE);
    sl_phase_parcel *ps = calloc((size_t)(cnt > 0 ? cnt : 1), sizeof *ps);
    char **ids = calloc((size_t)(cnt > 0 ? cnt : 1), sizeof *ids);
    sl_status st = ps && ids ? SL_OK : SL_ERR_NOMEM;
    int m = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (st == SL_OK && m < cnt && (f = OGR_L_GetNextFeature(l)) != NULL) {
        if (OGR_F_IsFieldSetAndNotNull(f, f_gfa) && OGR_F_IsFieldSetAndNotNull(f, f_id)) {
            const char *id = OGR_F_GetFieldAsString(f, f_id);
            int i = sl_zone_find(z, id);
            if (i < 0) {
                sl_error_add(err, SL_ERR_IO,
                             "%s: parcel %s is not in the scenario's parcel source: the plan is "
                             "of another zone",
                             file, id);
                st = SL_ERR_IO;
            } else if (!(ids[m] = strdup(id))) {
                st = SL_ERR_NOMEM;
            } else {
                const sl_parcel *p = &z->p[i];
                bool npv = f_npv >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_npv);
                ps[m].id = ids[m];
                ps[m].value = OGR_F_GetFieldAsDouble(f, npv ? f_npv : f_val);
                ps[m].capex_cny = f_capex >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_capex)
                                      ? OGR_F_GetFieldAsDouble(f, f_capex)
                                      : NAN;
                ps[m].current_gfa_m2 = isfinite(p->current_gfa_m2) ? p->current_gfa_m2 : 0;
                ps[m].gfa_m2 = OGR_F_GetFieldAsDouble(f, f_gfa);
                ps[m].ready_year = p->ready_year;
                ps[m].pinned_start = pinned_start(z->sc, p);
                m++;
            }
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (st == SL_ERR_NOMEM)
        sl_error_add(err, SL_ERR_NOMEM, "export-model: out of memory");
    if (st == SL_OK) {
        sl_phase_input in;
        sl_phase_input_init(&in, z->sc);
        in.n = m;
        in.parcels = ps;
        st = sl_phasing_export_model(&in, path, err);
    }
    for (int k = 0; ids && k < m; k++)
        free(ids[k]);
    free(ids);
    free(ps);
    free(file);
    return st;
}
