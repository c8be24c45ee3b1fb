/* test_report.c - lib/out/report.c and report_map.c: report.html is
 * self-contained and loads in headless Chromium without a console message;
 * its map draws every parcel with a geometry, to scale, and its panel shows
 * a parcel's stack; the stacking plan draws storeys and blocks to scale. */
#include <criterion/criterion.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_string.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "out/report.h"
#include "out/summary.h"
#include "input/scenario.h"
#include "out/styles.h"
#include "out/buildings_layer.h"
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
    cr_assert(strstr(html, "Content-Security-Policy\" content=\"default-src 'none';"));
    /* the map's script and its data are inline */
    const char *json = "<script type=\"application/json\" id=\"map-data\">";
    for (const char *s = html; (s = strstr(s, "<script")); s++)
        cr_assert(strncmp(s, "<script>", 8) == 0 || strncmp(s, json, strlen(json)) == 0,
                  "an inline script: %.80s", s);
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
    /* the map: every parcel of the sample (none is rejected), by status */
    cr_assert(strstr(html, "<h2 id=\"map\">片区地图 Map</h2>"));
    int paths = 0, candidates = 0;
    for (const char *s = html; (s = strstr(s, "<path data-i=\"")); s++) {
        paths++;
        const char *e = strchr(s, '>');
        const char *st = strstr(s, "data-status=\"candidate\"");
        candidates += st && st < e;
    }
    cr_assert_eq(paths, 188);
    cr_assert_eq(candidates, 63, "the candidates, as the zone summary counts them");
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

/* Run in the page after the map's script: click parcel ID (a redeveloped
 * one), then write what the page shows into <pre id="t-out">, one fact a
 * line: the number of parcel paths, the panel's heading, its storeys and
 * whether its link leads to an element of the page,
 * the parcels' bounding box in SVG units, the scale bar's length in SVG
 * units, its data-m and its label. */
static const char *probe =
    "<script>(function(){var o=[],q=function(s){return document.querySelector(s);};\n"
    "o.push('paths '+document.querySelectorAll('#zone-map path[data-id]').length);\n"
    "var p=document.querySelector('#zone-map path[data-id=\"'+ID+'\"]');\n"
    "o.push('found '+(p?1:0));\n"
    "if(p)p.dispatchEvent(new MouseEvent('click',{bubbles:true}));\n"
    "var h=q('#map-panel h3');o.push('panel '+(h?h.textContent:'-'));\n"
    "document.querySelectorAll('#map-panel tr.storey').forEach(function(r){o.push('storey '+"
    "r.getAttribute('data-block')+' '+r.getAttribute('data-level')+' '+"
    "r.getAttribute('data-industry'));});\n"
    "var a=q('#map-panel a');o.push('link '+(a&&document.getElementById("
    "a.getAttribute('href').slice(1))?1:0));\n"
    "var b=document.getElementById('map-parcels').getBBox();\n"
    "o.push('bbox '+b.width+' '+b.height);\n"
    "o.push('bar '+q('#map-scalebar .sb-len').getAttribute('width')+' '+"
    "q('#map-scalebar').getAttribute('data-m'));\n"
    "o.push('label '+q('#map-scalebar .sb-label').textContent);\n"
    "var e=document.createElement('pre');e.id='t-out';e.textContent=o.join('\\n')+'\\n';"
    "document.body.appendChild(e);})();</script>\n";

typedef struct t_storey {
    int block, level;
    char industry[64];
} t_storey;

static int storey_cmp(const void *a, const void *b)
{
    const t_storey *x = a, *y = b;
    if (x->block != y->block)
        return x->block - y->block;
    if (x->level != y->level)
        return x->level - y->level;
    return strcmp(x->industry, y->industry);
}

/* The plan report's map in Chromium: one path per parcel with a geometry
 * in parcels.geojson; clicking a redeveloped parcel shows its storeys as
 * floors.geojson has them; the map is to scale (the parcels' bounding box
 * against the source's metric extent) and so is the scale bar. */
Test(report, map_in_chromium, .timeout = 200)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("plan", GONGGAI, "-o", dir, "--time-limit", "5", "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char p[4200];
    /* parcels.geojson: how many have a geometry, and a redeveloped one */
    snprintf(p, sizeof p, "%s/parcels.geojson", dir);
    OGRRegisterAll();
    OGRDataSourceH ds = OGROpen(p, FALSE, NULL);
    cr_assert(ds, "%s", p);
    OGRLayerH l = OGR_DS_GetLayer(ds, 0);
    int n_geom = 0;
    char id[64] = "", theme[128] = "";
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        n_geom += OGR_F_GetGeometryRef(f) != NULL;
        if (!id[0] && strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "status")),
                             "redeveloped") == 0) {
            snprintf(id, sizeof id, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id")));
            /* the building's theme, as the buildings layer names it */
            char **chains = OGR_F_GetFieldAsStringList(f, OGR_F_GetFieldIndex(f, "chains"));
            int n = chains ? CSLCount(chains) : 0;
            snprintf(theme, sizeof theme, "%s",
                     n == 1   ? chains[0]
                     : n == 0 ? SL_THEME_SHARED
                              : SL_THEME_SEVERAL);
        }
        OGR_F_Destroy(f);
    }
    OGR_DS_Destroy(ds);
    cr_assert_gt(n_geom, 0);
    cr_assert(id[0], "a redeveloped parcel");
    /* its storeys in floors.geojson */
    snprintf(p, sizeof p, "%s/floors.geojson", dir);
    ds = OGROpen(p, FALSE, NULL);
    cr_assert(ds, "%s", p);
    l = OGR_DS_GetLayer(ds, 0);
    t_storey want[64], got[64];
    int n_want = 0, n_got = 0;
    while ((f = OGR_L_GetNextFeature(l))) {
        if (strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "parcel_id")), id) == 0) {
            cr_assert_lt(n_want, 64);
            t_storey *s = &want[n_want++];
            const char *blk = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "block"));
            s->block = strcmp(blk, sl_block_name(SL_BLOCK_OFFICE)) == 0 ? SL_BLOCK_OFFICE
                                                                        : SL_BLOCK_FACTORY;
            s->level = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "level"));
            snprintf(s->industry, sizeof s->industry, "%s",
                     OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "industry")));
        }
        OGR_F_Destroy(f);
    }
    OGR_DS_Destroy(ds);
    cr_assert_gt(n_want, 0, "%s has storeys", id);
    /* the source's extent: metres (EPSG:4547) */
    char *shp = t_src("geodata/shahe/parcels.shp");
    ds = OGROpen(shp, FALSE, NULL);
    cr_assert(ds, "%s", shp);
    OGREnvelope ext;
    cr_assert_eq(OGR_L_GetExtent(OGR_DS_GetLayer(ds, 0), &ext, TRUE), OGRERR_NONE);
    cr_assert_eq(OGR_L_GetFeatureCount(OGR_DS_GetLayer(ds, 0), TRUE), n_geom,
                 "every parcel of the sample has a geometry: the extent is the drawn one's");
    OGR_DS_Destroy(ds);
    free(shp);
    /* the report with the probe, in Chromium */
    snprintf(p, sizeof p, "%s/report.html", dir);
    char *html = t_slurp(p, NULL);
    cr_assert(html);
    char *body_end = strstr(html, "</body>");
    cr_assert(body_end);
    *body_end = '\0';
    size_t size = strlen(html) + strlen(probe) + 256;
    char *page = malloc(size);
    cr_assert(page);
    snprintf(page, size, "%s<script>var ID=\"%s\";</script>\n%s</body>\n</html>\n", html, id,
             probe);
    free(html);
    char *probed = t_write(dir, "probed.html", page);
    free(page);
    char *dom = NULL;
    char *err = chromium(probed, &dom);
    cr_assert_null(strstr(err, "CONSOLE"), "console messages: %s", err);
    const char *out = strstr(dom, "<pre id=\"t-out\">");
    cr_assert(out, "the probe ran: %s", err);
    int paths = -1, found = 0, link = 0;
    char panel[64] = "", label[64] = "";
    double bbox_w = 0, bbox_h = 0, bar_px = 0, bar_m = 0;
    for (const char *line = strchr(out, '>') + 1; line && *line && *line != '<';
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char blk[16];
        t_storey s;
        if (sscanf(line, "paths %d", &paths) == 1 || sscanf(line, "found %d", &found) == 1 ||
            sscanf(line, "link %d", &link) == 1 || sscanf(line, "panel %63s", panel) == 1 ||
            sscanf(line, "bbox %lf %lf", &bbox_w, &bbox_h) == 2 ||
            sscanf(line, "bar %lf %lf", &bar_px, &bar_m) == 2 ||
            sscanf(line, "label %63[^\n]", label) == 1)
            continue;
        if (sscanf(line, "storey %15s %d %63s", blk, &s.level, s.industry) == 3) {
            cr_assert_lt(n_got, 64);
            s.block = atoi(blk);
            got[n_got++] = s;
        }
    }
    cr_assert_eq(paths, n_geom, "one path per parcel with a geometry");
    cr_assert_eq(found, 1, "a path with data-id %s", id);
    cr_assert_str_eq(panel, id, "the panel shows the clicked parcel");
    cr_assert_eq(link, 1, "the panel links to %s's 技术经济指标表", id);
    cr_assert_eq(n_got, n_want, "%s: %d storeys in the panel, %d in floors.geojson", id, n_got,
                 n_want);
    qsort(want, (size_t)n_want, sizeof *want, storey_cmp);
    qsort(got, (size_t)n_got, sizeof *got, storey_cmp);
    for (int i = 0; i < n_want; i++) {
        cr_assert_eq(got[i].block, want[i].block);
        cr_assert_eq(got[i].level, want[i].level);
        cr_assert_str_eq(got[i].industry, want[i].industry, "%s level %d", id, want[i].level);
    }
    /* to scale, not distorted: the same pixels per metre across and up
     * (a quarter pixel of simplification at most on each side) */
    double w_m = ext.MaxX - ext.MinX, h_m = ext.MaxY - ext.MinY;
    double px_per_m = bbox_w / w_m;
    cr_assert_gt(px_per_m, 0, "bbox %g", bbox_w);
    cr_assert_lt(fabs(bbox_h / h_m - px_per_m), 1.0 / w_m, "across %g, up %g px/m", px_per_m,
                 bbox_h / h_m);
    /* the scale bar: a round length, drawn at the map's scale */
    double mag = pow(10, floor(log10(bar_m))), lead = bar_m / mag;
    cr_assert(fabs(lead - 1) < 1e-9 || fabs(lead - 2) < 1e-9 || fabs(lead - 5) < 1e-9,
              "a round length: %g m", bar_m);
    cr_assert(bar_m > w_m / 20 && bar_m < w_m / 2, "%g m on a %g m wide zone", bar_m, w_m);
    cr_assert_lt(fabs(bar_px / px_per_m - bar_m), 0.5, "the bar: %g px = %g m, says %g m", bar_px,
                 bar_px / px_per_m, bar_m);
    char want_label[64];
    snprintf(want_label, sizeof want_label, "%g m", bar_m);
    cr_assert_str_eq(label, want_label);
    /* the parcel's fill is its building's colour in the buildings layer's
     * QGIS style */
    sl_error e2;
    sl_error_init(&e2);
    sl_scenario *sc = sl_scenario_load(GONGGAI, &e2);
    cr_assert(sc);
    char *qml = sl_style_qml(SL_STYLE_BUILDINGS, sc, true);
    cr_assert(qml);
    char cat[300], sym[64];
    snprintf(cat, sizeof cat, "<category value=\"%s\" label=\"%s\" symbol=\"", theme, theme);
    const char *c = strstr(qml, cat);
    cr_assert(c, "the style has a category %s", theme);
    int symbol = atoi(c + strlen(cat));
    snprintf(sym, sizeof sym, "<symbol type=\"fill\" name=\"%d\"", symbol);
    c = strstr(qml, sym);
    cr_assert(c);
    c = strstr(c, "name=\"color\" value=\"");
    int cr, cg, cb;
    cr_assert(c && sscanf(c, "name=\"color\" value=\"%d,%d,%d", &cr, &cg, &cb) == 3);
    char want_path[200];
    snprintf(want_path, sizeof want_path, "data-id=\"%s\" data-status=\"redeveloped\"", id);
    snprintf(p, sizeof p, "%s/report.html", dir);
    html = t_slurp(p, NULL);
    const char *path = strstr(html, want_path);
    cr_assert(path, "%s", want_path);
    char fill[32];
    snprintf(fill, sizeof fill, "fill=\"#%02x%02x%02x\"", cr, cg, cb);
    const char *end = strchr(path, '>');
    const char *at = strstr(path, fill);
    cr_assert(at && at < end, "%s: %s, as the buildings style colours %s", id, fill, theme);
    free(html);
    free(qml);
    sl_scenario_destroy(sc);
    sl_error_clear(&e2);
    free(err);
    free(dom);
    free(probed);
    t_rmtree(dir);
    free(dir);
}

/* A geographic layer (RFC 7946 GeoJSON, longitude and latitude) is drawn
 * in the metric frame: a 200 m x 100 m rectangle (in EPSG:4547) keeps its
 * 2:1 shape on the map, where longitude and latitude at 26°N would make it
 * 2.2:1, and the scale bar measures metres; the enterprise's name is
 * written inside it. */
Test(report, map_of_a_geographic_layer)
{
    char *dir = t_tmpdir();
    OGRSpatialReferenceH gk = OSRNewSpatialReference(NULL), ll = OSRNewSpatialReference(NULL);
    cr_assert_eq(OSRImportFromEPSG(gk, 4547), OGRERR_NONE);
    cr_assert_eq(OSRImportFromEPSG(ll, 4326), OGRERR_NONE);
    OSRSetAxisMappingStrategy(gk, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(gk, ll);
    cr_assert(ct);
    double x[5] = {590000, 590200, 590200, 590000, 590000};
    double y[5] = {2860000, 2860000, 2860100, 2860100, 2860000};
    cr_assert(OCTTransform(ct, 5, x, y, NULL));
    char ring[600];
    int o = 0;
    for (int i = 0; i < 5; i++)
        o += snprintf(ring + o, sizeof ring - (size_t)o, "%s[%.9f,%.9f]", i ? "," : "", x[i], y[i]);
    char gj[1200];
    snprintf(gj, sizeof gj,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"ID\":\"R1\",\"LU\":\"M1\",\"NAME\":\"赣州测试实业有限公司\"},\"geometry\":"
             "{\"type\":\"Polygon\",\"coordinates\":[[%s]]}}]}",
             ring);
    free(t_write(dir, "geo.geojson", gj));
    char *yaml = t_write(dir, "geo.yaml",
                         "parcels:\n  source: geo.geojson\n"
                         "  fields: {id: ID, land_use: LU, name: NAME}\n");
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(yaml, &err);
    cr_assert(sc, "%s", err.n ? err.msgs[0] : "");
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    char p[4200];
    snprintf(p, sizeof p, "%s/report.html", dir);
    cr_assert_eq(sl_report_write(p, z, NULL, &err), SL_OK);
    char *html = t_slurp(p, NULL);
    const char *d = strstr(html, "<path data-i=\"0\" data-id=\"R1\"");
    cr_assert(d, "%s", html);
    d = strstr(d, " d=\"M");
    cr_assert(d);
    d += 5;
    double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
    int n = 0;
    double px, py;
    int used;
    while (sscanf(d, "%lf,%lf%n", &px, &py, &used) == 2) {
        min_x = fmin(min_x, px), max_x = fmax(max_x, px);
        min_y = fmin(min_y, py), max_y = fmax(max_y, py);
        n++;
        d += used;
        if (*d == ' ')
            d++;
    }
    cr_assert_eq(n, 4, "the rectangle's corners");
    double px_per_m = (max_x - min_x) / 200;
    cr_assert_float_eq((max_y - min_y) / 100, px_per_m, 0.002 * px_per_m, "%g x %g px",
                       max_x - min_x, max_y - min_y);
    double bar_m = 0, bar_px = 0;
    const char *sb = strstr(html, "<g id=\"map-scalebar\" data-m=\"");
    cr_assert(sb);
    cr_assert_eq(sscanf(sb, "<g id=\"map-scalebar\" data-m=\"%lf\"", &bar_m), 1);
    const char *len = strstr(sb, "class=\"sb-len\"");
    cr_assert(len);
    cr_assert(strstr(len, "width=\""));
    cr_assert_eq(sscanf(strstr(len, "width=\"") + 7, "%lf", &bar_px), 1);
    cr_assert_float_eq(bar_px / px_per_m, bar_m, 0.005 * bar_m, "%g px for %g m", bar_px, bar_m);
    cr_assert(strstr(html, "<text class=\"lbl name\""), "the name fits in a 200 m parcel");
    cr_assert(strstr(html, ">赣州测试实业有限公司</text>"));
    free(html);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(gk);
    OSRDestroySpatialReference(ll);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    free(yaml);
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
    /* both blocks to scale: widths as the sides of their floor plates, the
     * wider 330 px (the factory's rectangles first, then the office's) */
    double widths[9];
    int k = 0;
    for (const char *c = svg; k < 9 && (c = strstr(c, "<rect x=")); c++)
        cr_assert_eq(sscanf(c, "<rect x=\"%*f\" y=\"%*f\" width=\"%lf\"", &widths[k++]), 1);
    cr_assert_float_eq(widths[0], 330.0, 0.051, "%s", svg);
    cr_assert_float_eq(widths[6], 330.0, 0.051);
    double office_px = 330.0 * sqrt(p->plan_fp.office_m2 / p->plan_fp.factory_m2);
    cr_assert_lt(p->plan_fp.office_m2, p->plan_fp.factory_m2);
    cr_assert_float_eq(widths[7], office_px, 0.051, "office %g m², factory %g m²: %g px",
                       p->plan_fp.office_m2, p->plan_fp.factory_m2, widths[7]);
    cr_assert_float_eq(widths[8], office_px, 0.051);
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
