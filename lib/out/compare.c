/* compare.c - scenarios side by side. */
#include "out/compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phase/phasing.h"
#include "util/textbuf.h"

void sl_compare_options_init(sl_compare_options *o)
{
    memset(o, 0, sizeof *o);
    o->time_limit_s = -1;
    o->gap = -1;
    o->lang = -1;
}

/* Is industry k on level `level` of block b in pp? */
static bool at(const sl_parcel_plan *pp, sl_block b, int level, int k)
{
    for (int i = 0; i < pp->n_storeys; i++)
        if (pp->storeys[i].block == b && pp->storeys[i].level == level &&
            pp->storeys[i].industry == k)
            return true;
    return false;
}

double sl_compare_clustering(const sl_scenario *sc, const sl_parcel_plan *pp)
{
    if (!pp->redeveloped)
        return 0;
    double score = 0;
    for (int l = 0; l < sc->n_links; l++) {
        const sl_chain_link *lk = &sc->links[l];
        bool has_i = false, has_j = false, adjacent = false;
        for (int s = 0; s < pp->n_storeys; s++) {
            const sl_storey *st = &pp->storeys[s];
            has_i |= st->industry == lk->from;
            has_j |= st->industry == lk->to;
            /* i here and j one level up, or j here and i one level up */
            if ((st->industry == lk->from && at(pp, st->block, st->level + 1, lk->to)) ||
                (st->industry == lk->to && at(pp, st->block, st->level + 1, lk->from)))
                adjacent = true;
        }
        if (has_i && has_j)
            score += lk->weight * sc->same_building_bonus_m2;
        if (adjacent)
            score += lk->weight * sc->adjacent_floor_bonus_m2;
    }
    return score;
}

static int industry_column(sl_compare *c, const sl_industry *ind)
{
    for (int k = 0; k < c->n_industries; k++)
        if (strcmp(c->industries[k], ind->id) == 0)
            return k;
    char **a = realloc(c->industries, ((size_t)c->n_industries + 1) * sizeof *a);
    if (!a)
        return -1;
    c->industries = a;
    char **b = realloc(c->industry_names, ((size_t)c->n_industries + 1) * sizeof *b);
    if (!b)
        return -1;
    c->industry_names = b;
    char *id = strdup(ind->id), *name = strdup(ind->name ? ind->name : ind->id);
    if (!id || !name) {
        free(id);
        free(name);
        return -1;
    }
    c->industries[c->n_industries] = id;
    c->industry_names[c->n_industries] = name;
    return c->n_industries++;
}

/* docs/model.md §11 and §12 of one scenario's plan, as `plan` computes
 * them, into its row: NAN, -1 and 0 where the scenario has no such
 * section or there is no plan. */
static sl_status money_and_years(const sl_zone *z, sl_plan *plan, const sl_plan_options *po,
                                 sl_compare_row *row, sl_error *err)
{
    row->capex_cny = row->noi_cny_year = row->tax_cny_year = row->npv_cny = row->payback_years =
        NAN;
    row->tax_per_mu_before_cny = row->tax_per_mu_after_cny = NAN;
    for (int g = 0; g < SL_N_GRADES; g++)
        row->grades_before[g] = row->grades_after[g] = -1;
    row->phasing_objective = row->phasing_bound = row->phasing_gap = NAN;
    const sl_scenario *sc = z->sc;
    sl_economics *e = NULL;
    sl_phasing *ph = NULL;
    sl_status st = SL_OK;
    row->has_economics = sc->has_economics;
    if (sc->has_economics) {
        /* without a plan: today's grades and tax per mu only */
        if ((st = sl_economics_compute(z, row->has_plan ? plan : NULL, &e, err)) != SL_OK)
            return st;
        row->tax_per_mu_before_cny = e->tax_per_mu_before_cny;
        for (int g = 0; g < SL_N_GRADES; g++)
            row->grades_before[g] = e->grades_before[g];
        if (row->has_plan) {
            row->capex_cny = e->capex_cny;
            row->noi_cny_year = e->noi_cny_year;
            row->tax_cny_year = e->tax_cny_year;
            row->npv_cny = e->npv_cny;
            row->payback_years = e->payback_years;
            row->tax_per_mu_after_cny = e->tax_per_mu_after_cny;
            for (int g = 0; g < SL_N_GRADES; g++)
                row->grades_after[g] = e->grades_after[g];
        }
    }
    if (sc->phasing.present && row->has_plan) {
        st = sl_phasing_plan_economics(z, plan, e, po, &ph, err);
        if (st == SL_OK) {
            row->has_phasing = true;
            row->phasing_status = ph->status;
            row->phasing_stop_reason = ph->stop_reason;
            if (ph->status == SL_PLAN_OPTIMAL || ph->status == SL_PLAN_FEASIBLE) {
                row->phasing_objective = ph->objective;
                row->parcels_started = ph->n_started;
                for (int i = 0; i < ph->n; i++) {
                    int y = ph->start[i];
                    if (!y)
                        continue;
                    if (!row->first_start_year || y < row->first_start_year)
                        row->first_start_year = y;
                    if (y > row->last_start_year)
                        row->last_start_year = y;
                    if (ph->in_use[i] > row->last_in_use_year)
                        row->last_in_use_year = ph->in_use[i];
                }
            }
            if (ph->has_bound && isfinite(ph->bound) && isfinite(ph->gap)) {
                row->phasing_bound = ph->bound;
                row->phasing_gap = ph->gap;
            }
        }
        plan->phasing = NULL; /* borrowed; freed here */
    }
    sl_phasing_destroy(ph);
    sl_economics_destroy(e);
    return st;
}

/* One scenario: load, read, solve, measure. */
static sl_status run_one(sl_compare *c, const char *path, const sl_compare_options *o,
                         sl_compare_row *row, sl_error *err)
{
    sl_scenario *sc = sl_scenario_load(path, err);
    if (!sc)
        return err->code ? err->code : SL_ERR_SCENARIO;
    if (o->lang >= 0)
        sc->lang = (sl_lang)o->lang;
    if (c->n == 1)
        c->lang = sc->lang;
    sl_zone *z = NULL;
    sl_plan *plan = NULL;
    int *col = NULL;
    sl_status st = SL_OK;
    row->path = strdup(path);
    row->name = strdup(sc->name ? sc->name : path);
    row->plan_rules = strdup(sc->rules[sc->plan_rules].name);
    if (!row->path || !row->name || !row->plan_rules)
        goto nomem;
    if (!(z = sl_zone_open(sc, err))) {
        st = err->code;
        goto done;
    }
    if ((st = sl_zone_read(z, NULL, NULL, err)) != SL_OK)
        goto done;
    if (sc->neighbour_chain_bonus_m2 > 0 &&
        (st = sl_zone_neighbours(z, sc->neighbour_distance_m, err)) != SL_OK)
        goto done;
    sl_plan_options po;
    sl_plan_options_init(&po, sc);
    if (o->time_limit_s >= 0)
        po.time_limit_s = o->time_limit_s;
    if (o->gap >= 0)
        po.gap = o->gap;
    po.progress = o->progress;
    po.user_data = o->user_data;
    po.interrupt = o->interrupt;
    if ((st = sl_plan_solve(z, &po, &plan, err)) != SL_OK)
        goto done;
    col = malloc(((size_t)sc->n_industries + 1) * sizeof *col);
    if (!col)
        goto nomem;
    for (int k = 0; k < sc->n_industries; k++)
        if ((col[k] = industry_column(c, &sc->industries[k])) < 0)
            goto nomem;
    row->status = plan->status;
    row->stop_reason = plan->stop_reason;
    row->has_plan = plan->status == SL_PLAN_OPTIMAL || plan->status == SL_PLAN_FEASIBLE;
    row->has_bound = plan->has_bound && isfinite(plan->bound) && isfinite(plan->gap);
    row->parcels = z->n;
    row->candidates = z->n_by_status[SL_PARCEL_CANDIDATE];
    for (int i = 0; row->has_plan && i < z->n; i++) {
        const sl_parcel_plan *pp = &plan->pp[i];
        if (!pp->redeveloped)
            continue;
        row->redeveloped++;
        row->current_gfa_m2 += sl_parcel_current_gfa_used(&z->p[i]); /* unknown: 0 (§2) */
        row->gfa_m2 += pp->gfa_m2;
        /* the link bonuses and the parcel's half of the neighbour chain
         * bonuses: every clustering term of the objective */
        row->clustering_m2eq += sl_compare_clustering(sc, pp) + pp->neighbour_bonus_m2;
    }
    row->gfa_gain_m2 = row->gfa_m2 - row->current_gfa_m2;
    row->objective = plan->objective;
    row->bound = plan->bound;
    row->gap = plan->gap;
    if (!row->has_plan) /* nothing to measure: empty, never 0 */
        row->current_gfa_m2 = row->gfa_m2 = row->gfa_gain_m2 = row->clustering_m2eq =
            row->objective = NAN;
    if (!row->has_bound)
        row->bound = row->gap = NAN;
    row->solve_seconds = plan->solve_seconds;
    /* Columns may grow with later scenarios: sized when writing; here the
     * industries known so far. */
    row->gfa_by_industry_m2 = malloc(((size_t)c->n_industries + 1) * sizeof(double));
    if (!row->gfa_by_industry_m2)
        goto nomem;
    for (int k = 0; k < c->n_industries; k++)
        row->gfa_by_industry_m2[k] = NAN;
    for (int k = 0; k < sc->n_industries; k++)
        row->gfa_by_industry_m2[col[k]] = row->has_plan ? plan->gfa_by_industry_m2[k] : NAN;
    st = money_and_years(z, plan, &po, row, err);
    goto done;
nomem:
    sl_error_add(err, SL_ERR_NOMEM, "out of memory");
    st = SL_ERR_NOMEM;
done:
    free(col);
    sl_plan_destroy(plan);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    return st;
}

sl_status sl_compare_run(const char *const *paths, int n, const sl_compare_options *o,
                         sl_compare **out, sl_error *err)
{
    sl_compare_options d;
    if (!o) {
        sl_compare_options_init(&d);
        o = &d;
    }
    *out = NULL;
    sl_compare *c = calloc(1, sizeof *c);
    if (!c || !(c->rows = calloc((size_t)n + 1, sizeof *c->rows))) {
        free(c);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    int *known = calloc((size_t)n + 1, sizeof *known); /* columns when row i was made */
    if (!known) {
        sl_compare_destroy(c);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    for (int i = 0; i < n; i++) {
        if (o->on_scenario)
            o->on_scenario(o->user_data, i, n, paths[i]);
        c->n = i + 1;
        sl_status st = run_one(c, paths[i], o, &c->rows[i], err);
        if (st != SL_OK) {
            free(known);
            sl_compare_destroy(c);
            return st;
        }
        known[i] = c->n_industries;
        if (o->interrupt && *o->interrupt)
            break; /* Ctrl-C: the rows so far */
    }
    /* Widen the earlier rows to every industry column: the industries
     * first seen in later scenarios are not in theirs. */
    for (int i = 0; i < c->n; i++) {
        double *g =
            realloc(c->rows[i].gfa_by_industry_m2, ((size_t)c->n_industries + 1) * sizeof *g);
        if (!g) {
            free(known);
            sl_compare_destroy(c);
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            return SL_ERR_NOMEM;
        }
        for (int k = known[i]; k < c->n_industries; k++)
            g[k] = NAN;
        c->rows[i].gfa_by_industry_m2 = g;
    }
    free(known);
    *out = c;
    return SL_OK;
}

void sl_compare_destroy(sl_compare *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++) {
        free(c->rows[i].path);
        free(c->rows[i].name);
        free(c->rows[i].plan_rules);
        free(c->rows[i].gfa_by_industry_m2);
    }
    for (int k = 0; k < c->n_industries; k++) {
        free(c->industries[k]);
        free(c->industry_names[k]);
    }
    free(c->industries);
    free(c->industry_names);
    free(c->rows);
    free(c);
}

static const char *status_name(sl_lang L, sl_plan_status s)
{
    return sl_tr_ctx(L, "plan", sl_plan_status_name(s));
}

static void csv_num(sl_textbuf *b, double v)
{
    if (isfinite(v))
        sl_textbuf_printf(b, ",%.2f", round(v * 100) / 100 + 0.0);
    else
        sl_textbuf_puts(b, ",");
}

static void csv_count(sl_textbuf *b, long long v)
{
    if (v >= 0)
        sl_textbuf_printf(b, ",%lld", v);
    else
        sl_textbuf_puts(b, ",");
}

static void csv_year(sl_textbuf *b, int y)
{
    if (y > 0)
        sl_textbuf_printf(b, ",%d", y);
    else
        sl_textbuf_puts(b, ",");
}

/* The economics and phasing cells of a row: empty where the scenario has
 * no such section (or nothing to show). */
static void csv_money_and_years(sl_textbuf *b, sl_lang L, const sl_compare_row *r)
{
    csv_num(b, r->capex_cny);
    csv_num(b, r->noi_cny_year);
    csv_num(b, r->tax_cny_year);
    csv_num(b, r->npv_cny);
    csv_num(b, r->payback_years);
    csv_num(b, r->tax_per_mu_before_cny);
    csv_num(b, r->tax_per_mu_after_cny);
    for (int g = SL_GRADE_A; g <= SL_GRADE_D; g++)
        csv_count(b, r->grades_before[g]);
    for (int g = SL_GRADE_A; g <= SL_GRADE_D; g++)
        csv_count(b, r->grades_after[g]);
    if (r->has_phasing) {
        const char *why = sl_stop_reason_name(r->phasing_stop_reason);
        sl_textbuf_printf(b, ",%s,%s", status_name(L, r->phasing_status),
                          why ? sl_tr_ctx(L, "stop", why) : "");
    } else {
        sl_textbuf_puts(b, ",,");
    }
    csv_num(b, r->phasing_objective);
    csv_num(b, r->phasing_bound);
    if (isfinite(r->phasing_gap))
        sl_textbuf_printf(b, ",%.6g", r->phasing_gap);
    else
        sl_textbuf_puts(b, ",");
    csv_count(b, r->has_phasing && isfinite(r->phasing_objective) ? r->parcels_started : -1);
    csv_year(b, r->first_start_year);
    csv_year(b, r->last_start_year);
    csv_year(b, r->last_in_use_year);
}

sl_status sl_compare_write_csv(const sl_compare *c, const char *path, sl_error *err)
{
    sl_lang L = c->lang;
    sl_textbuf b = {0};
    static const char *const cols[] = {SL_N("scenario"),
                                       SL_N("file"),
                                       SL_N("plan_rules"),
                                       SL_N("status"),
                                       SL_N("stop_reason"),
                                       SL_N("parcels"),
                                       SL_N("candidates"),
                                       SL_N("redeveloped"),
                                       SL_N("current_gfa_m2"),
                                       SL_N("gfa_m2"),
                                       SL_N("gfa_gain_m2"),
                                       SL_N("clustering_m2eq"),
                                       SL_N("objective"),
                                       SL_N("bound"),
                                       SL_N("gap"),
                                       SL_N("capex_cny"),
                                       SL_N("noi_cny_year"),
                                       SL_N("tax_cny_year"),
                                       SL_N("npv_cny"),
                                       SL_N("payback_years"),
                                       SL_N("tax_per_mu_before_cny"),
                                       SL_N("tax_per_mu_after_cny"),
                                       SL_N("grades_before_A"),
                                       SL_N("grades_before_B"),
                                       SL_N("grades_before_C"),
                                       SL_N("grades_before_D"),
                                       SL_N("grades_after_A"),
                                       SL_N("grades_after_B"),
                                       SL_N("grades_after_C"),
                                       SL_N("grades_after_D"),
                                       SL_N("phasing_status"),
                                       SL_N("phasing_stop_reason"),
                                       SL_N("phasing_objective"),
                                       SL_N("phasing_bound"),
                                       SL_N("phasing_gap"),
                                       SL_N("parcels_started"),
                                       SL_N("first_start_year"),
                                       SL_N("last_start_year"),
                                       SL_N("last_in_use_year")};
    sl_textbuf_puts(&b, "\xEF\xBB\xBF");
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        sl_textbuf_puts(&b, k ? "," : "");
        sl_textbuf_csv(&b, sl_tr(L, cols[k]));
    }
    for (int k = 0; k < c->n_industries; k++) {
        sl_textbuf_puts(&b, ",");
        char col[400];
        snprintf(col, sizeof col, sl_tr(L, "gfa_%s_m2"), c->industries[k]);
        sl_textbuf_csv(&b, col);
    }
    sl_textbuf_puts(&b, "\r\n");
    for (int i = 0; i < c->n; i++) {
        const sl_compare_row *r = &c->rows[i];
        sl_textbuf_csv(&b, r->name);
        sl_textbuf_puts(&b, ",");
        sl_textbuf_csv(&b, r->path);
        sl_textbuf_puts(&b, ",");
        sl_textbuf_csv(&b, r->plan_rules);
        const char *why = sl_stop_reason_name(r->stop_reason);
        sl_textbuf_printf(&b, ",%s,%s,%lld,%lld", status_name(L, r->status),
                          why ? sl_tr_ctx(L, "stop", why) : "", r->parcels, r->candidates);
        if (r->has_plan)
            sl_textbuf_printf(&b, ",%lld", r->redeveloped);
        else
            sl_textbuf_puts(&b, ",");
        csv_num(&b, r->current_gfa_m2);
        csv_num(&b, r->gfa_m2);
        csv_num(&b, r->gfa_gain_m2);
        csv_num(&b, r->clustering_m2eq);
        csv_num(&b, r->objective);
        csv_num(&b, r->bound);
        if (r->has_bound && isfinite(r->gap))
            sl_textbuf_printf(&b, ",%.6g", r->gap);
        else
            sl_textbuf_puts(&b, ","); /* no bound proven: empty, never 0 */
        csv_money_and_years(&b, L, r);
        for (int k = 0; k < c->n_industries; k++)
            csv_num(&b, r->gfa_by_industry_m2[k]);
        sl_textbuf_puts(&b, "\r\n");
    }
    sl_status st = sl_textbuf_write(&b, path, err);
    sl_textbuf_clear(&b);
    return st;
}

/* A row of the table with a bar per scenario, scaled to the row's largest. */
static void bar_row(sl_textbuf *b, const sl_compare *c, const char *label, const double *v, int dec,
                    const char *colour)
{
    double mx = 0;
    for (int i = 0; i < c->n; i++)
        if (isfinite(v[i]))
            mx = fmax(mx, fabs(v[i]));
    sl_textbuf_puts(b, "<tr><th>");
    sl_textbuf_puts(b, label);
    sl_textbuf_puts(b, "</th>");
    for (int i = 0; i < c->n; i++) {
        sl_textbuf_puts(b, "<td class=\"n\">");
        sl_textbuf_num(b, v[i], dec);
        if (mx > 0 && isfinite(v[i]))
            sl_textbuf_printf(b,
                              "<div class=\"bar\"><span style=\"width:%.1f%%;background:%s\">"
                              "</span></div>",
                              100 * fabs(v[i]) / mx, colour);
        sl_textbuf_puts(b, "</td>");
    }
    sl_textbuf_puts(b, "</tr>\n");
}

/* A row of text cells. */
static void text_row(sl_textbuf *b, const sl_compare *c, const char *label,
                     const char *(*cell)(const sl_compare_row *r))
{
    sl_textbuf_puts(b, "<tr><th>");
    sl_textbuf_puts(b, label);
    sl_textbuf_puts(b, "</th>");
    for (int i = 0; i < c->n; i++) {
        sl_textbuf_puts(b, "<td>");
        sl_textbuf_xml(b, cell(&c->rows[i]));
        sl_textbuf_puts(b, "</td>");
    }
    sl_textbuf_puts(b, "</tr>\n");
}

static const char *phasing_status_cell(const sl_compare_row *r)
{
    return r->has_phasing ? sl_plan_status_name(r->phasing_status) : "—";
}

static const char *phasing_stop_cell(const sl_compare_row *r)
{
    const char *why = r->has_phasing ? sl_stop_reason_name(r->phasing_stop_reason) : NULL;
    return why ? why : "—";
}

/* The economics (§11) and phasing (§12) tables, when some scenario has
 * the section; "—" for the others.  Money in 万元 (10,000 CNY). */
static void html_money_and_years(sl_textbuf *b, const sl_compare *c, double *v)
{
    bool econ = false, phasing = false;
    for (int i = 0; i < c->n; i++) {
        econ |= c->rows[i].has_economics;
        phasing |= c->rows[i].has_phasing;
    }
    static const struct {
        const char *label;
        int dec;
        const char *colour;
    } er[] = {
        {"capex 投资 万元", 0, "#d7301f"},
        {"NOI 净租金 万元/年", 0, "#2171b5"},
        {"tax 税收 万元/年", 0, "#238b45"},
        {"NPV 净现值 万元", 0, "#6a51a3"},
        {"payback 回收期 年", 1, "#969696"},
        {"tax per mu before 改造前亩均税收 万元/亩", 2, "#969696"},
        {"tax per mu after 改造后亩均税收 万元/亩", 2, "#238b45"},
        {"grade A before → after", 0, "#238b45"},
        {"grade B before → after", 0, "#74c476"},
        {"grade C before → after", 0, "#fdae6b"},
        {"grade D before → after", 0, "#d7301f"},
    };
    if (econ) {
        sl_textbuf_puts(b, "<h2>经济测算 Economics</h2>\n<table>\n<tr><th></th>");
        for (int i = 0; i < c->n; i++) {
            sl_textbuf_puts(b, "<th>");
            sl_textbuf_xml(b, c->rows[i].name);
            sl_textbuf_puts(b, "</th>");
        }
        sl_textbuf_puts(b, "</tr>\n");
        for (size_t k = 0; k < sizeof er / sizeof er[0]; k++) {
            if (k < 7) {
                for (int i = 0; i < c->n; i++) {
                    const sl_compare_row *x = &c->rows[i];
                    const double vals[] = {x->capex_cny / 1e4,
                                           x->noi_cny_year / 1e4,
                                           x->tax_cny_year / 1e4,
                                           x->npv_cny / 1e4,
                                           x->payback_years,
                                           x->tax_per_mu_before_cny / 1e4,
                                           x->tax_per_mu_after_cny / 1e4};
                    v[i] = vals[k];
                }
                bar_row(b, c, er[k].label, v, er[k].dec, er[k].colour);
                continue;
            }
            int g = SL_GRADE_A + (int)(k - 7);
            sl_textbuf_printf(b, "<tr><th>%s</th>", er[k].label);
            for (int i = 0; i < c->n; i++) {
                const sl_compare_row *x = &c->rows[i];
                sl_textbuf_puts(b, "<td class=\"n\">");
                if (x->grades_before[g] < 0)
                    sl_textbuf_puts(b, "—");
                else if (x->grades_after[g] < 0)
                    sl_textbuf_printf(b, "%lld → —", x->grades_before[g]);
                else
                    sl_textbuf_printf(b, "%lld → %lld", x->grades_before[g], x->grades_after[g]);
                sl_textbuf_puts(b, "</td>");
            }
            sl_textbuf_puts(b, "</tr>\n");
        }
        sl_textbuf_puts(b, "</table>\n<p class=\"meta\">—: the scenario has no "
                           "<code>economics</code> section (or, after, no plan). Totals over "
                           "the redeveloped parcels; grades are counts of industrial "
                           "parcels (docs/model.md §11).</p>\n");
    }
    if (phasing) {
        sl_textbuf_puts(b, "<h2>分期 Phasing (成熟一块、启动一块)</h2>\n<table>\n<tr><th></th>");
        for (int i = 0; i < c->n; i++) {
            sl_textbuf_puts(b, "<th>");
            sl_textbuf_xml(b, c->rows[i].name);
            sl_textbuf_puts(b, "</th>");
        }
        sl_textbuf_puts(b, "</tr>\n");
        text_row(b, c, "status", phasing_status_cell);
        text_row(b, c, "stop reason 停止原因", phasing_stop_cell);
        for (int k = 0; k < 7; k++) {
            for (int i = 0; i < c->n; i++) {
                const sl_compare_row *x = &c->rows[i];
                bool have = isfinite(x->phasing_objective);
                const double vals[] = {x->phasing_objective,
                                       x->phasing_bound,
                                       100 * x->phasing_gap,
                                       have ? x->parcels_started : NAN,
                                       x->first_start_year ? x->first_start_year : NAN,
                                       x->last_start_year ? x->last_start_year : NAN,
                                       x->last_in_use_year ? x->last_in_use_year : NAN};
                v[i] = vals[k];
            }
            static const char *const labels[] = {"discounted value 折现价值",
                                                 "bound 上界",
                                                 "gap %",
                                                 "parcels started 启动地块",
                                                 "first start 首个启动年",
                                                 "last start 最后启动年",
                                                 "last in use 全部投用年"};
            if (k >= 4) { /* years: no bars */
                sl_textbuf_printf(b, "<tr><th>%s</th>", labels[k]);
                for (int i = 0; i < c->n; i++) {
                    if (isfinite(v[i]))
                        sl_textbuf_printf(b, "<td class=\"n\">%d</td>", (int)v[i]);
                    else
                        sl_textbuf_puts(b, "<td class=\"n\">—</td>");
                }
                sl_textbuf_puts(b, "</tr>\n");
            } else {
                bar_row(b, c, labels[k], v, k == 2 ? 3 : 0, "#fd8d3c");
            }
        }
        sl_textbuf_puts(b, "</table>\n<p class=\"meta\">—: the scenario has no "
                           "<code>phasing</code> section, no plan, no schedule or no bound "
                           "proven. The discounted value is in CNY with economics, else in "
                           "m²-eq (docs/model.md §12).</p>\n");
    }
}

sl_status sl_compare_write_html(const sl_compare *c, const char *path, sl_error *err)
{
    sl_lang L = c->lang;
    sl_textbuf b = {0};
    double *v = malloc(((size_t)c->n + 1) * sizeof *v);
    if (!v) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    sl_textbuf_puts(&b,
                    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; img-src data:\">\n"
                    "<title>");
    sl_textbuf_puts(&b, sl_tr(L, "shanglou — scenario comparison 方案比选"));
    sl_textbuf_puts(
        &b,
        "</title>\n<style>"
        "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
        "sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1a1a1a}"
        "h2{border-bottom:2px solid #d7301f;padding-bottom:.2em;margin-top:2em}"
        "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .6em;"
        "vertical-align:top}th{background:#f3f3f3;text-align:left}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums;min-width:9em}"
        ".bar{background:#eee;height:.5em;margin-top:.2em;position:relative}"
        ".bar span{position:absolute;left:0;top:0;bottom:0}.meta{color:#555}"
        "</style>\n</head>\n<body>\n");
    sl_textbuf_printf(&b,
                      "<h1>%s</h1>\n<p class=\"meta\">%s</p>\n<h2>%s</h2>\n<table>\n<tr><th></th>",
                      sl_tr(L, "方案比选 Scenario comparison"),
                      sl_tr(L, "Each scenario's plan solved on its own parcels "
                               "(<code>shanglou compare</code>); the numbers are those of its "
                               "<code>shanglou plan</code> summary.json."),
                      sl_tr(L, "Summary 概要"));
    for (int i = 0; i < c->n; i++) {
        sl_textbuf_puts(&b, "<th>");
        sl_textbuf_xml(&b, c->rows[i].name);
        sl_textbuf_puts(&b, "<br><small>");
        sl_textbuf_xml(&b, c->rows[i].path);
        sl_textbuf_puts(&b, sl_tr(L, " · rules "));
        sl_textbuf_xml(&b, c->rows[i].plan_rules);
        sl_textbuf_puts(&b, "</small></th>");
    }
    sl_textbuf_printf(&b, "</tr>\n<tr><th>%s</th>", sl_tr(L, "status"));
    for (int i = 0; i < c->n; i++)
        sl_textbuf_printf(&b, "<td>%s</td>", status_name(L, c->rows[i].status));
    sl_textbuf_printf(&b, "</tr>\n<tr><th>%s</th>", sl_tr(L, "stop reason 停止原因"));
    for (int i = 0; i < c->n; i++) {
        const char *why = sl_stop_reason_name(c->rows[i].stop_reason);
        sl_textbuf_printf(&b, "<td>%s</td>",
                          why ? sl_tr_ctx(L, "stop", why) : sl_tr(L, "— (infeasibility proven)"));
    }
    sl_textbuf_puts(&b, "</tr>\n");
    static const struct {
        const char *label;
        size_t off;
        int dec;
        const char *colour;
    } rows[] = {
        {SL_N("candidates 低效工业用地"), 0, 0, "#fc8d59"},
        {SL_N("redeveloped 改造地块"), 1, 0, "#d7301f"},
        {SL_N("GFA before 改造前建面 m²"), 2, 0, "#969696"},
        {SL_N("GFA after 改造后建面 m²"), 3, 0, "#2171b5"},
        {SL_N("GFA gain 新增建面 m²"), 4, 0, "#238b45"},
        {SL_N("clustering 产业链集聚 m²-eq"), 5, 0, "#6a51a3"},
        {SL_N("objective 目标值 m²-eq"), 6, 0, "#525252"},
        {SL_N("bound 上界 m²-eq"), 7, 0, "#bdbdbd"},
        {SL_N("gap %"), 8, 3, "#bdbdbd"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (int i = 0; i < c->n; i++) {
            const sl_compare_row *x = &c->rows[i];
            const double vals[] = {
                (double)x->candidates, x->has_plan ? (double)x->redeveloped : NAN,
                x->current_gfa_m2,     x->gfa_m2,
                x->gfa_gain_m2,        x->clustering_m2eq,
                x->objective,          x->bound,
                100 * x->gap};
            v[i] = vals[rows[r].off];
        }
        bar_row(&b, c, sl_tr(L, rows[r].label), v, rows[r].dec, rows[r].colour);
    }
    sl_textbuf_printf(&b, "</table>\n<p class=\"meta\">%s</p>\n<p class=\"meta\">%s</p>\n",
                      sl_tr(L, "—: nothing to show — no plan (status "
                               "no_plan or infeasible), or no bound proven yet (bound and gap); "
                               "never read it as 0."),
                      sl_tr(L,
                            "Clustering: the chain-link bonuses of the "
                            "objective — for every chain link and parcel, the link's weight × the "
                            "same-building bonus when both industries are in the building, plus × "
                            "the adjacent-floor bonus when they are on neighbouring floors of one "
                            "block (docs/outputs.md)."));
    html_money_and_years(&b, c, v);
    sl_textbuf_printf(&b, "<h2>%s</h2>\n<table>\n<tr><th></th>",
                      sl_tr(L, "GFA per industry 各产业建筑面积 m²"));
    for (int i = 0; i < c->n; i++) {
        sl_textbuf_puts(&b, "<th>");
        sl_textbuf_xml(&b, c->rows[i].name);
        sl_textbuf_puts(&b, "</th>");
    }
    sl_textbuf_puts(&b, "</tr>\n");
    for (int k = 0; k < c->n_industries; k++) {
        sl_textbuf t = {0};
        sl_textbuf_xml(&t, c->industry_names[k]);
        sl_textbuf_puts(&t, " <small>");
        sl_textbuf_xml(&t, c->industries[k]);
        sl_textbuf_puts(&t, "</small>");
        char *label = sl_textbuf_take(&t);
        if (!label)
            b.failed = true; /* reported by sl_textbuf_write below */
        for (int i = 0; i < c->n; i++)
            v[i] = c->rows[i].gfa_by_industry_m2[k];
        bar_row(&b, c, label ? label : "", v, 0, "#4292c6");
        free(label);
    }
    sl_textbuf_puts(&b, "</table>\n</body>\n</html>\n");
    free(v);
    sl_status st = sl_textbuf_write(&b, path, err);
    sl_textbuf_clear(&b);
    return st;
}
