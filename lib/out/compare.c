/* compare.c - scenarios side by side. */
#include "out/compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/textbuf.h"

void sl_compare_options_init(sl_compare_options *o)
{
    memset(o, 0, sizeof *o);
    o->time_limit_s = -1;
    o->gap = -1;
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

/* One scenario: load, read, solve, measure. */
static sl_status run_one(sl_compare *c, const char *path, const sl_compare_options *o,
                         sl_compare_row *row, sl_error *err)
{
    sl_scenario *sc = sl_scenario_load(path, err);
    if (!sc)
        return err->code ? err->code : SL_ERR_SCENARIO;
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

static const char *status_name(sl_plan_status s)
{
    return sl_plan_status_name(s);
}

static void csv_num(sl_textbuf *b, double v)
{
    if (isfinite(v))
        sl_textbuf_printf(b, ",%.2f", round(v * 100) / 100 + 0.0);
    else
        sl_textbuf_puts(b, ",");
}

sl_status sl_compare_write_csv(const sl_compare *c, const char *path, sl_error *err)
{
    sl_textbuf b = {0};
    sl_textbuf_puts(&b,
                    "\xEF\xBB\xBFscenario,file,plan_rules,status,stop_reason,parcels,candidates,"
                    "redeveloped,current_gfa_m2,gfa_m2,gfa_gain_m2,clustering_m2eq,"
                    "objective,bound,gap");
    for (int k = 0; k < c->n_industries; k++) {
        sl_textbuf_puts(&b, ",");
        char col[400];
        snprintf(col, sizeof col, "gfa_%s_m2", c->industries[k]);
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
        sl_textbuf_printf(&b, ",%s,%s,%lld,%lld", status_name(r->status), why ? why : "",
                          r->parcels, r->candidates);
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

sl_status sl_compare_write_html(const sl_compare *c, const char *path, sl_error *err)
{
    sl_textbuf b = {0};
    double *v = malloc(((size_t)c->n + 1) * sizeof *v);
    if (!v) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    sl_textbuf_puts(
        &b,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">\n"
        "<title>shanglou — scenario comparison 方案比选</title>\n<style>"
        "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
        "sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1a1a1a}"
        "h2{border-bottom:2px solid #d7301f;padding-bottom:.2em;margin-top:2em}"
        "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .6em;"
        "vertical-align:top}th{background:#f3f3f3;text-align:left}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums;min-width:9em}"
        ".bar{background:#eee;height:.5em;margin-top:.2em;position:relative}"
        ".bar span{position:absolute;left:0;top:0;bottom:0}.meta{color:#555}"
        "</style>\n</head>\n<body>\n<h1>方案比选 Scenario comparison</h1>\n"
        "<p class=\"meta\">Each scenario's plan solved on its own parcels "
        "(<code>shanglou compare</code>); the numbers are those of its "
        "<code>shanglou plan</code> summary.json.</p>\n<h2>Summary 概要</h2>\n<table>\n"
        "<tr><th></th>");
    for (int i = 0; i < c->n; i++) {
        sl_textbuf_puts(&b, "<th>");
        sl_textbuf_xml(&b, c->rows[i].name);
        sl_textbuf_puts(&b, "<br><small>");
        sl_textbuf_xml(&b, c->rows[i].path);
        sl_textbuf_puts(&b, " · rules ");
        sl_textbuf_xml(&b, c->rows[i].plan_rules);
        sl_textbuf_puts(&b, "</small></th>");
    }
    sl_textbuf_puts(&b, "</tr>\n<tr><th>status</th>");
    for (int i = 0; i < c->n; i++)
        sl_textbuf_printf(&b, "<td>%s</td>", status_name(c->rows[i].status));
    sl_textbuf_puts(&b, "</tr>\n<tr><th>stop reason 停止原因</th>");
    for (int i = 0; i < c->n; i++) {
        const char *why = sl_stop_reason_name(c->rows[i].stop_reason);
        sl_textbuf_printf(&b, "<td>%s</td>", why ? why : "— (infeasibility proven)");
    }
    sl_textbuf_puts(&b, "</tr>\n");
    static const struct {
        const char *label;
        size_t off;
        int dec;
        const char *colour;
    } rows[] = {
        {"candidates 低效工业用地", 0, 0, "#fc8d59"},
        {"redeveloped 改造地块", 1, 0, "#d7301f"},
        {"GFA before 改造前建面 m²", 2, 0, "#969696"},
        {"GFA after 改造后建面 m²", 3, 0, "#2171b5"},
        {"GFA gain 新增建面 m²", 4, 0, "#238b45"},
        {"clustering 产业链集聚 m²-eq", 5, 0, "#6a51a3"},
        {"objective 目标值 m²-eq", 6, 0, "#525252"},
        {"bound 上界 m²-eq", 7, 0, "#bdbdbd"},
        {"gap %", 8, 3, "#bdbdbd"},
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
        bar_row(&b, c, rows[r].label, v, rows[r].dec, rows[r].colour);
    }
    sl_textbuf_puts(
        &b, "</table>\n<p class=\"meta\">—: nothing to show — no plan (status "
            "no_plan or infeasible), or no bound proven yet (bound and gap); "
            "never read it as 0.</p>\n<p class=\"meta\">Clustering: the chain-link bonuses of the "
            "objective — for every chain link and parcel, the link's weight × the "
            "same-building bonus when both industries are in the building, plus × "
            "the adjacent-floor bonus when they are on neighbouring floors of one "
            "block (docs/outputs.md).</p>\n<h2>GFA per industry 各产业建筑面积 "
            "m²</h2>\n<table>\n<tr><th></th>");
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
