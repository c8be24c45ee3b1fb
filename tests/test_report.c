/* test_report.c - lib/report.c: report.html is self-contained and loads in
 * headless Chromium without a console message; the stacking plan draws
 * storeys to scale. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "out/report.h"
#include "out/summary.h"
#include "input/scenario.h"
#include "out/styles.h"
#include "support.h"
#include "eval/evaluate.h"

#define GONGGAI "../scenarios/gonggai.yaml"

/* Load html in headless Chromium (fresh profile, no network services) and
 * return its stderr; the DOM goes to *dom.  Console messages (script
 * errors, Content-Security-Policy violations, i.e. attempted fetches) are
 * logged as "CONSOLE" lines. */
static char *chromium(const char *html, char **dom)
{
    char *prof = t_tmpdir();
    t_run r = t_sh("timeout 120 chromium --headless --no-sandbox --disable-gpu "
                   "--disable-background-networking --disable-component-update --disable-sync "
                   "--no-first-run --user-data-dir='%s' --enable-logging=stderr --v=0 "
                   "--dump-dom 'file://%s'",
                   prof, html);
    cr_assert_eq(r.status, 0, "chromium: %s", r.err);
    t_rmtree(prof);
    free(prof);
    *dom = r.out;
    return r.err;
}

static void assert_self_contained(const char *html_path)
{
    char *html = t_slurp(html_path, NULL);
    cr_assert(html, "%s", html_path);
    cr_assert(strstr(html, "Content-Security-Policy"));
    cr_assert_null(strstr(html, "<script"), "no script");
    cr_assert_null(strstr(html, "<link"), "no linked stylesheet");
    cr_assert_null(strstr(html, " src="), "nothing loaded from elsewhere");
    cr_assert_null(strstr(html, "url("), "no CSS fetches");
    free(html);
    char *dom = NULL;
    char *err = chromium(html_path, &dom);
    cr_assert_null(strstr(err, "CONSOLE"), "console messages: %s", err);
    cr_assert(strstr(dom, "<h2>"), "rendered: %.300s", dom);
    free(err);
    free(dom);
}

Test(report, evaluate_report_in_chromium, .timeout = 200)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char p[4200];
    snprintf(p, sizeof p, "%s/report.html", dir);
    char *html = t_slurp(p, NULL);
    cr_assert(strstr(html, "片区概况 Zone summary"));
    cr_assert(strstr(html, "<tr><th>all 全部</th><td class=\"n\">188</td>"), "188 parcels");
    cr_assert(strstr(html, "低效工业用地 Candidates, by gain"));
    cr_assert(strstr(html, "<td>B7-2</td>"));
    free(html);
    assert_self_contained(p);
    t_rmtree(dir);
    free(dir);
}

Test(report, plan_report_and_stacks_in_chromium, .timeout = 200)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("plan", GONGGAI, "-o", dir, "--time-limit", "5", "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char p[4200];
    snprintf(p, sizeof p, "%s/report.html", dir);
    char *html = t_slurp(p, NULL);
    cr_assert(strstr(html, "优化结果 Optimizer"));
    cr_assert(strstr(html, "产业需求 Industries against demand"));
    cr_assert(strstr(html, "技术经济指标"));
    cr_assert(strstr(html, "<h3 id=\"p-B7-2\">B7-2</h3>"), "the pinned parcel is redeveloped");
    cr_assert(strstr(html, "B7-2 竖向布局 stacking plan"));
    /* the kept candidates, each with what kept it */
    const char *k = strstr(html, "保留的候选地块 Kept candidates");
    cr_assert(k);
    cr_assert(strstr(k, "</td><td>kept: "), "a plan's reason: %.600s", k);
    /* gonggai.yaml has phasing: the table and its timeline chart */
    const char *ph = strstr(html, "<h2>分期 Phasing");
    cr_assert(ph, "the phasing section");
    cr_assert(strstr(ph, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"phases-chart\""),
              "the timeline");
    cr_assert(strstr(ph, "<polyline class=\"cap\""), "budget and swing-space lines");
    free(html);
    assert_self_contained(p);
    /* one SVG per redeveloped parcel, as many as the report's tables */
    r = t_sh("ls %s/stacks | wc -l; grep -o '<h3 id=' %s/report.html | wc -l; "
             "head -c 38 %s/stacks/B7-2.svg",
             dir, dir, dir);
    int n_svg = 0, n_h3 = 0;
    char head[64] = "";
    cr_assert_eq(sscanf(r.out, "%d %d %63[^\n]", &n_svg, &n_h3, head), 3, "%s", r.out);
    cr_assert_gt(n_svg, 10);
    cr_assert_eq(n_svg, n_h3);
    cr_assert_str_eq(head, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* The phasing timeline (docs/model.md §12): bars to scale against the
 * stepped capacity lines, the starts under each year; a rule that is off
 * has bars only and says so; no schedule, no chart. */
Test(report, phasing_timeline_to_scale)
{
    int starts[3] = {2, 0, 1};
    double spend[3] = {1e8, 1e8, 3e8}, cum_budget[3] = {2e8, 4e8, 6e8};
    double used[3] = {5000, 5000, 20000}, avail[3] = {10000, 10000, 25000};
    double none[3] = {NAN, NAN, NAN};
    sl_phasing ph = {.start_year = 2027,
                     .years = 3,
                     .build_years = 2,
                     .starts = starts,
                     .cum_spending_cny = spend,
                     .cum_budget_cny = cum_budget,
                     .swing_used_m2 = used,
                     .swing_available_m2 = avail,
                     .status = SL_PLAN_OPTIMAL};
    char *svg = sl_report_phases_svg(&ph);
    cr_assert(svg && strstr(svg, "class=\"phases-chart\""));
    /* money: the largest value 6 亿 fills the 130 px panel; 1 亿 is 21.7 px,
     * 3 亿 65 px; columns of 80 px from x 64, bars 0.6 of a column */
    cr_assert(strstr(svg, "<rect class=\"bar\" x=\"80.0\" y=\"142.3\" width=\"48.0\" "
                          "height=\"21.7\" fill=\"#2171b5\"><title>2027: 1.00 / 2.00</title>"),
              "%s", svg);
    cr_assert(strstr(svg, "<rect class=\"bar\" x=\"240.0\" y=\"99.0\" width=\"48.0\" "
                          "height=\"65.0\" fill=\"#2171b5\">"),
              "%s", svg);
    /* the budget steps: 2 亿 at y 34 + 130 - 43.3 = 120.7 over 2027's column */
    cr_assert(strstr(svg, "points=\"64.0,120.7 144.0,120.7 144.0,77.3 224.0,77.3 224.0,34.0 "
                          "304.0,34.0 \""),
              "%s", svg);
    /* swing space: 2.5 万 m² at the top of the lower panel (y 216) */
    cr_assert(strstr(svg, "<title>2029: 2.00 / 2.50</title>"), "%s", svg);
    cr_assert(strstr(svg, "points=\"64.0,294.0 144.0,294.0 144.0,294.0 224.0,294.0 224.0,216.0 "),
              "%s", svg);
    cr_assert(strstr(svg, ">+2</text>") && strstr(svg, ">+0</text>") && strstr(svg, ">+1</text>"));
    cr_assert_null(strstr(svg, "no budget rule"));
    free(svg);
    /* rules off: bars, no line, a note */
    ph.cum_budget_cny = none;
    ph.swing_available_m2 = none;
    svg = sl_report_phases_svg(&ph);
    cr_assert(svg);
    cr_assert(strstr(svg, "(no budget rule)") && strstr(svg, "(no swing-space rule)"), "%s", svg);
    cr_assert_null(strstr(svg, "<polyline"));
    cr_assert(strstr(svg, "<title>2029: 3.00</title>"), "%s", svg);
    free(svg);
    ph.status = SL_PLAN_INFEASIBLE;
    cr_assert_null(sl_report_phases_svg(&ph));
}

/* A hand-made plan for B7-2: 7 factory storeys, 2 office storeys. */
Test(report, stacking_plan_to_scale)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(GONGGAI, &err);
    cr_assert(sc);
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    int i = sl_zone_find(z, "B7-2");
    cr_assert_geq(i, 0);
    const sl_parcel *p = &z->p[i];
    int dev = sl_scenario_industry(sc, "med-device"), rnd = sl_scenario_industry(sc, "med-rnd");
    sl_storey st[9];
    sl_parcel_plan pp = {.redeveloped = true,
                         .n_storeys = 9,
                         .storeys = st,
                         .factory_floors = 7,
                         .office_floors = 2};
    for (int k = 0; k < 7; k++) {
        st[k] = (sl_storey){SL_BLOCK_FACTORY, k + 1, k < 3 ? dev : rnd, k ? 5.4 : 6.0,
                            p->plan_fp.factory_m2};
        if (k >= 3)
            st[k].height_m = 4.5;
        pp.factory_height_m += st[k].height_m;
        pp.gfa_m2 += st[k].gfa_m2;
    }
    for (int k = 0; k < 2; k++) {
        st[7 + k] = (sl_storey){SL_BLOCK_OFFICE, k + 1, rnd, 4.5, p->plan_fp.office_m2};
        pp.office_height_m += 4.5;
        pp.gfa_m2 += st[7 + k].gfa_m2;
    }
    pp.counted_gfa_m2 = pp.gfa_m2;
    sl_rgb colours[64];
    sl_style_industry_colours(sc, colours);
    char *svg = sl_report_stack_svg(z, p, &pp, colours);
    cr_assert(svg);
    cr_assert(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    /* 7 px per metre: a 6.0 m ground floor is 42 px, a 4.5 m storey 31.5 px */
    cr_assert(strstr(svg, "height=\"42.0\""), "%s", svg);
    cr_assert(strstr(svg, "height=\"31.5\""));
    cr_assert(strstr(svg, "医疗器械生产"), "industry names");
    cr_assert(strstr(svg, "6.0 m · 8/25<"), "ground floor: 6 m, load 8 of a 25 kN/m² slab");
    cr_assert(strstr(svg, "限高 cap 50 m") && strstr(svg, "限高 cap 60 m"), "height caps");
    char hex[8];
    cr_assert(strstr(svg, sl_rgb_hex(colours[dev], hex)), "industry colour");
    /* the office block's storeys sit on the ground too */
    int rects = 0;
    for (const char *c = svg; (c = strstr(c, "<rect x=")); c++)
        rects++;
    cr_assert_eq(rects, 9, "one rectangle per storey");
    free(svg);
    char name[64];
    cr_assert_str_eq(sl_report_svg_name("B7-2", name, sizeof name), "B7-2.svg");
    cr_assert_str_eq(sl_report_svg_name("../a b/c", name, sizeof name), "_._a_b_c.svg");
    cr_assert_str_eq(sl_report_svg_name("地块 1", name, sizeof name), "地块_1.svg");
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

/* The optimizer table and summary.json say what is proven: with no bound,
 * bound and gap read "— (not proven)" (null in summary.json), never 0;
 * the stop reason is named; without a plan the objective is absent. */
Test(report, optimizer_without_a_bound, .timeout = 120)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(GONGGAI, &err);
    cr_assert(sc);
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    sl_plan *plan = t_plan(z);
    plan->status = SL_PLAN_FEASIBLE;
    plan->stop_reason = SL_STOP_TIME_LIMIT;
    plan->has_bound = false;
    plan->bound = plan->gap = NAN;
    char *dir = t_tmpdir();
    char p[4200], s[4200];
    snprintf(p, sizeof p, "%s/report.html", dir);
    snprintf(s, sizeof s, "%s/summary.json", dir);
    cr_assert_eq(sl_report_write(p, z, plan, &err), SL_OK);
    char *html = t_slurp(p, NULL);
    cr_assert(strstr(html, "<tr><th>bound 上界 (m²-eq)</th><td class=\"n\">— (not proven)</td>"),
              "%s", strstr(html, "Optimizer"));
    cr_assert(strstr(html, "<tr><th>gap %</th><td class=\"n\">— (not proven)</td>"));
    cr_assert(strstr(html, "<tr><th>stop reason 停止原因</th><td>time_limit"));
    free(html);
    cr_assert_eq(sl_summary_write(s, z, plan, &err), SL_OK);
    char *js = t_slurp(s, NULL);
    cr_assert(strstr(js, "\"status\": \"feasible\",\n  \"stop_reason\": \"time_limit\""), "%s", js);
    cr_assert(strstr(js, "\"bound\": null,\n  \"gap\": null"), "%s", js);
    cr_assert(strstr(js, "\"chains_by_parcel\": {"), "%s", js);
    free(js);
    /* a proven bound: numbers */
    plan->status = SL_PLAN_OPTIMAL;
    plan->stop_reason = SL_STOP_GAP;
    plan->has_bound = true;
    plan->bound = plan->objective + 100;
    plan->gap = 100 / fmax(fabs(plan->objective), 1);
    cr_assert_eq(sl_report_write(p, z, plan, &err), SL_OK);
    html = t_slurp(p, NULL);
    cr_assert_null(strstr(html, "not proven</td>"));
    cr_assert(strstr(html, "<tr><th>stop reason 停止原因</th><td>gap"));
    free(html);
    /* infeasible: no objective, no bound, stop_reason null */
    plan->status = SL_PLAN_INFEASIBLE;
    plan->stop_reason = SL_STOP_NONE;
    plan->has_bound = false;
    plan->objective = plan->bound = plan->gap = NAN;
    cr_assert_eq(sl_summary_write(s, z, plan, &err), SL_OK);
    js = t_slurp(s, NULL);
    cr_assert(strstr(js, "\"stop_reason\": null,\n  \"objective\": null,\n  \"bound\": null,\n  "
                         "\"gap\": null"),
              "%s", js);
    free(js);
    t_plan_free(plan);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    t_rmtree(dir);
    free(dir);
}
