/* test_styles.c - lib/styles.c: industry colours by chain, the QML styles,
 * QGIS's layer_styles table in shanglou.gpkg, and (headless PyQGIS) that
 * QGIS opens every layer already styled. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "input/scenario.h"
#include "out/styles.h"
#include "support.h"

#define GONGGAI "../scenarios/gonggai.yaml"

static sl_scenario *load(const char *path)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(path, &err);
    cr_assert(sc, "%s: %s", path, err.n ? err.msgs[0] : "?");
    sl_error_clear(&err);
    return sc;
}

static int find(const sl_scenario *sc, const char *id)
{
    int k = sl_scenario_industry(sc, id);
    cr_assert_geq(k, 0, "%s", id);
    return k;
}

Test(styles, chain_families_on_gonggai)
{
    sl_scenario *sc = load(GONGGAI);
    sl_rgb c[64];
    cr_assert_leq(sc->n_industries, 64);
    sl_style_industry_colours(sc, c);
    /* 医药健康 greens, 数字信息 blues, 精工智造 oranges, 纺织服装 purples */
    const char *greens[] = {"med-rnd", "med-device", "pharma-form", "biopharma", "med-cold"};
    for (int i = 0; i < 5; i++) {
        sl_rgb x = c[find(sc, greens[i])];
        cr_assert(x.g > x.r && x.g > x.b, "%s is green: %d,%d,%d", greens[i], x.r, x.g, x.b);
    }
    const char *blues[] = {"ic-design", "electronics", "data-center"};
    for (int i = 0; i < 3; i++) {
        sl_rgb x = c[find(sc, blues[i])];
        cr_assert(x.b > x.r && x.b > x.g, "%s is blue: %d,%d,%d", blues[i], x.r, x.g, x.b);
    }
    const char *oranges[] = {"machining", "assembly"};
    for (int i = 0; i < 2; i++) {
        sl_rgb x = c[find(sc, oranges[i])];
        cr_assert(x.r > x.g && x.g > x.b, "%s is orange: %d,%d,%d", oranges[i], x.r, x.g, x.b);
    }
    const char *purples[] = {"garment", "garment-design"};
    for (int i = 0; i < 2; i++) {
        sl_rgb x = c[find(sc, purples[i])];
        cr_assert(x.b > x.g && x.r > x.g, "%s is purple: %d,%d,%d", purples[i], x.r, x.g, x.b);
    }
    /* every industry its own colour */
    for (int i = 0; i < sc->n_industries; i++)
        for (int j = i + 1; j < sc->n_industries; j++)
            cr_assert(c[i].r != c[j].r || c[i].g != c[j].g || c[i].b != c[j].b, "%d %d", i, j);
    cr_assert_eq(sl_style_chain_count(sc), 5);
    sl_scenario_destroy(sc);
}

Test(styles, families_follow_catalogue_order_not_names)
{
    char *dir = t_tmpdir();
    /* two chains with made-up names, the second listed first */
    char *p = t_write(dir, "s.yaml",
                      "parcels: {source: x.shp, fields: {id: A, land_use: B}}\n"
                      "industries:\n"
                      "  - {id: a1, name: A1, chain: zeta, kind: production, floor_height_m: 5,"
                      " floor_load_kN_m2: 5, lift_t: 1, vibration: none, fire_class: C,"
                      " trips_per_1000m2_day: 1}\n"
                      "  - {id: b1, name: B1, chain: alpha, kind: production, floor_height_m: 5,"
                      " floor_load_kN_m2: 5, lift_t: 1, vibration: none, fire_class: C,"
                      " trips_per_1000m2_day: 1}\n"
                      "  - {id: a2, name: A2, chain: zeta, kind: production, floor_height_m: 5,"
                      " floor_load_kN_m2: 5, lift_t: 1, vibration: none, fire_class: C,"
                      " trips_per_1000m2_day: 1}\n");
    sl_scenario *sc = load(p);
    sl_rgb c[3], d[3];
    sl_style_industry_colours(sc, c);
    sl_style_industry_colours(sc, d);
    cr_assert_eq(memcmp(c, d, sizeof c), 0, "deterministic");
    cr_assert_eq(sl_style_chain_index(sc, 0), 0);
    cr_assert_eq(sl_style_chain_index(sc, 1), 1);
    cr_assert_eq(sl_style_chain_index(sc, 2), 0);
    cr_assert(c[0].g > c[0].r && c[2].g > c[2].r, "zeta (first seen) gets the greens");
    cr_assert(c[1].b > c[1].r, "alpha gets the blues");
    cr_assert(c[0].g < c[2].g, "dark to light within a chain");
    sl_scenario_destroy(sc);
    free(p);
    t_rmtree(dir);
    free(dir);
}

Test(styles, status_colours_and_labels)
{
    const char *names[] = {"candidate", "redeveloped", "kept", "not_candidate", "rejected"};
    for (int i = 0; i < 5; i++) {
        sl_rgb c;
        const char *label = NULL;
        cr_assert(sl_style_status(names[i], &c, &label), "%s", names[i]);
        cr_assert(label && strstr(label, i == 3 ? "not candidate" : names[i]), "%s", label);
    }
    cr_assert_not(sl_style_status("demolished", NULL, NULL));
    char hex[8];
    sl_rgb x = {0x0a, 0xb0, 0xff};
    cr_assert_str_eq(sl_rgb_hex(x, hex), "#0ab0ff");
}

Test(styles, qml_documents)
{
    sl_scenario *sc = load(GONGGAI);
    char *q = sl_style_qml(SL_STYLE_PARCELS, sc, false);
    cr_assert(q && strstr(q, "type=\"categorizedSymbol\" attr=\"status\""), "%s", q);
    cr_assert(strstr(q, "value=\"candidate\"") && !strstr(q, "value=\"redeveloped\""));
    cr_assert(strstr(q, "current_far"), "evaluate labels show the current FAR");
    free(q);
    q = sl_style_qml(SL_STYLE_PARCELS, sc, true);
    cr_assert(strstr(q, "value=\"redeveloped\"") && strstr(q, "value=\"kept\""));
    cr_assert(strstr(q, "coalesce(&quot;far&quot;, &quot;current_far&quot;)"), "%s", q);
    free(q);
    q = sl_style_qml(SL_STYLE_FLOORS, sc, true);
    cr_assert(strstr(q, "<renderer-3d type=\"rulebased\""));
    cr_assert(strstr(q, "attr=\"industry\""));
    cr_assert(strstr(q, "label=\"医疗器械生产\""), "legend in names");
    cr_assert(strstr(q, "filter=\"&quot;industry&quot; = &apos;med-device&apos;\""), "%s", q);
    cr_assert(strstr(q, "value=\"&quot;base_m&quot;\""));
    /* legend order: chain by chain (the 医药健康 five first) */
    const char *a = strstr(q, "<categories>");
    cr_assert(strstr(a, "value=\"med-cold\"") < strstr(a, "value=\"ic-design\""));
    free(q);
    sl_scenario_destroy(sc);
}

/* Parcels graduated by start year (docs/model.md §12): one class per year
 * of the horizon, early dark blue to late pale yellow; a long horizon in
 * at most 12 classes of whole years that cover it. */
Test(styles, parcels_by_start_year)
{
    sl_scenario *sc = load(GONGGAI); /* phasing: 2027, 10 years */
    cr_assert(sc->phasing.present);
    char *q = sl_style_qml(SL_STYLE_PARCELS_BY_START, sc, true);
    cr_assert(q && strstr(q, "type=\"graduatedSymbol\" attr=\"start_year\""), "%s", q);
    int n = 0;
    for (const char *p = q; (p = strstr(p, "<range ")); p++)
        n++;
    cr_assert_eq(n, 10, "one class per year");
    cr_assert(strstr(q, "<range lower=\"2026.5\" upper=\"2027.5\" symbol=\"0\" label=\"2027\""),
              "%s", q);
    cr_assert(strstr(q, "<range lower=\"2035.5\" upper=\"2036.5\" symbol=\"9\" label=\"2036\""),
              "%s", q);
    /* symbol 0 dark blue (37,52,148), symbol 9 pale yellow (237,248,177) */
    const char *s0 = strstr(q, "<symbol type=\"fill\" name=\"0\"");
    const char *s9 = strstr(q, "<symbol type=\"fill\" name=\"9\"");
    cr_assert(s0 && s9);
    cr_assert(strstr(s0, "value=\"37,52,148,255\"") < strstr(s0, "</symbol>"), "%.300s", s0);
    cr_assert(strstr(s9, "value=\"237,248,177,255\"") < strstr(s9, "</symbol>"), "%.300s", s9);
    cr_assert(strstr(q, "&quot;start_year&quot;"), "labels show the start year");
    free(q);
    /* 30 years from 2030: 12 classes covering 2030..2059 without a gap */
    sc->phasing.start_year = 2030;
    sc->phasing.years = 30;
    q = sl_style_qml(SL_STYLE_PARCELS_BY_START, sc, true);
    n = 0;
    double prev_upper = 2029.5;
    for (const char *p = q; (p = strstr(p, "<range lower=\"")); p++) {
        double lo = strtod(p + strlen("<range lower=\""), NULL);
        const char *u = strstr(p, "upper=\"");
        double hi = strtod(u + strlen("upper=\""), NULL);
        cr_assert_float_eq(lo, prev_upper, 1e-9, "class %d starts where the last ended", n);
        cr_assert_gt(hi, lo);
        prev_upper = hi;
        n++;
    }
    cr_assert_eq(n, 12);
    cr_assert_float_eq(prev_upper, 2059.5, 1e-9);
    cr_assert(strstr(q, "label=\"2030–2031\""), "%s", q);
    free(q);
    sl_scenario_destroy(sc);
}

/* layer_styles as QGIS creates it (schema copied from a GeoPackage QGIS
 * 3.22 saved a style into). */
Test(styles, layer_styles_table)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char path[4200];
    snprintf(path, sizeof path, "%s/shanglou.gpkg", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "layer_styles");
    cr_assert(l, "layer_styles");
    cr_assert_str_eq(OGR_L_GetFIDColumn(l), "id");
    const char *cols[] = {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column",
                          "styleName",       "styleQML",       "styleSLD",     "useAsDefault",
                          "description",     "owner",          "ui",           "update_time"};
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    cr_assert_eq(OGR_FD_GetFieldCount(fd), 12);
    for (int i = 0; i < 12; i++)
        cr_assert_str_eq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)), cols[i]);
    cr_assert_eq(OGR_Fld_GetSubType(OGR_FD_GetFieldDefn(fd, 7)), OFSTBoolean);
    cr_assert_eq(OGR_L_GetFeatureCount(l, TRUE), 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    cr_assert_str_eq(OGR_F_GetFieldAsString(f, 2), "parcels");
    cr_assert_str_eq(OGR_F_GetFieldAsString(f, 3), "geom");
    cr_assert_eq(OGR_F_GetFieldAsInteger(f, 7), 1);
    cr_assert(OGR_F_IsFieldSetAndNotNull(f, 11), "update_time defaults to now");
    cr_assert(strstr(OGR_F_GetFieldAsString(f, 5), "<renderer-v2"));
    OGR_F_Destroy(f);
    /* the parcels layer is in the source CRS, not reprojected */
    OGRLayerH pl = GDALDatasetGetLayerByName(ds, "parcels");
    cr_assert(pl);
    cr_assert_str_eq(OSRGetAuthorityCode(OGR_L_GetSpatialRef(pl), NULL), "4547");
    cr_assert_eq(OGR_L_GetFeatureCount(pl, TRUE), 188);
    GDALClose(ds);
    t_rmtree(dir);
    free(dir);
}
