/* test_zone.c - lib/zone.c and lib/parcels.c: reading parcels from real OGR
 * sources (made here with ogr2ogr), CRS, encoding, geometry checks and
 * repairs, duplicate ids, geodesic areas and setbacks. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/scenario.h"
#include "support.h"
#include "eval/evaluate.h"

/* EPSG:4547 coordinates near 114.9°E 25.85°N (沙河组团). */
#define X0 590000.0
#define Y0 2860000.0

static char *dir;

static const char *after_rules;
static void setup(void)
{
    dir = t_tmpdir();
    after_rules = "{far_max: 3.0}";
}
static void teardown(void)
{
    t_rmtree(dir);
    free(dir);
}

#define SCEN                                                                        \
    "name: t\n"                                                                     \
    "parcels:\n"                                                                    \
    "  source: %s\n"                                                                \
    "%s"                                                                            \
    "  fields: {id: ID, land_use: LU, current_far: FAR, tax: TAX}\n"                \
    "  industrial_land_uses: [M1]\n"                                                \
    "rules:\n"                                                                      \
    "  before: {far_max: 1.0, factory_height_max_m: 24, office_height_max_m: 24}\n" \
    "  after: %s\n"

/* The after rule set of the next scenario(); coverage_max 1 makes the
 * total footprint the setback-shrunk area itself, so the buffer is
 * measured exactly rather than bounded. */

/* A square of side s metres with lower-left corner (x, y), as GeoJSON. */
static void square(char *buf, size_t n, double x, double y, double s)
{
    snprintf(buf, n,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f],[%.1f,%.1f]]]}",
             x, y, x + s, y, x + s, y + s, x, y + s, x, y);
}

static char *feature(const char *id, const char *lu, double far, const char *geom)
{
    char *b = malloc(strlen(geom) + 256);
    sprintf(b,
            "{\"type\":\"Feature\",\"properties\":{\"ID\":\"%s\",\"LU\":\"%s\",\"FAR\":%g,"
            "\"TAX\":null},\"geometry\":%s}",
            id, lu, far, geom);
    return b;
}

/* Write a GeoJSON FeatureCollection in EPSG:4547 (epsg 0: no crs member). */
static char *write_geojson(const char *name, int epsg, char **feats, int n)
{
    size_t len = 256;
    for (int i = 0; i < n; i++)
        len += strlen(feats[i]) + 2;
    char *t = malloc(len);
    int o = sprintf(t, "{\"type\":\"FeatureCollection\",");
    if (epsg)
        o += sprintf(t + o,
                     "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                     "\"urn:ogc:def:crs:EPSG::%d\"}},",
                     epsg);
    o += sprintf(t + o, "\"features\":[");
    for (int i = 0; i < n; i++) {
        o += sprintf(t + o, "%s%s", i ? "," : "", feats[i]);
        free(feats[i]);
    }
    sprintf(t + o, "]}");
    char *p = t_write(dir, name, t);
    free(t);
    return p;
}

static sl_scenario *scenario(const char *source, const char *extra, sl_error *err)
{
    char text[4096];
    snprintf(text, sizeof text, SCEN, source, extra ? extra : "", after_rules);
    char *path = t_write(dir, "s.yaml", text);
    sl_scenario *s = sl_scenario_load(path, err);
    free(path);
    return s;
}

/* Load a zone; returns NULL with err filled on failure. */
static sl_zone *load(sl_scenario *s, sl_error *err)
{
    sl_zone *z = sl_zone_open(s, err);
    if (z && sl_zone_read(z, NULL, NULL, err) != SL_OK) {
        sl_zone_destroy(z);
        return NULL;
    }
    return z;
}

static char *errtext(const sl_error *e)
{
    static char buf[4096];
    buf[0] = '\0';
    for (int i = 0; i < e->n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "\n" : "", e->msgs[i]);
    return buf;
}

TestSuite(zone, .init = setup, .fini = teardown);

Test(zone, areas_holes_multipolygons)
{
    char g[3][1024];
    square(g[0], sizeof g[0], X0, Y0, 100);
    snprintf(g[1], sizeof g[1],
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f],[%.1f,%.1f]],[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f]]]}",
             X0 + 200, Y0, X0 + 300, Y0, X0 + 300, Y0 + 100, X0 + 200, Y0 + 100, X0 + 200, Y0,
             X0 + 240, Y0 + 40, X0 + 240, Y0 + 60, X0 + 260, Y0 + 60, X0 + 260, Y0 + 40, X0 + 240,
             Y0 + 40);
    snprintf(g[2], sizeof g[2],
             "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f]]],[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f],[%.1f,%.1f]]]]}",
             X0 + 400, Y0, X0 + 450, Y0, X0 + 450, Y0 + 100, X0 + 400, Y0 + 100, X0 + 400, Y0,
             X0 + 460, Y0, X0 + 510, Y0, X0 + 510, Y0 + 100, X0 + 460, Y0 + 100, X0 + 460, Y0);
    char *f[3] = {feature("A", "M1", 0.5, g[0]), feature("B", "M1", 0.5, g[1]),
                  feature("C", "R2", 0.5, g[2])};
    char *src = write_geojson("p.geojson", 4547, f, 3);
    after_rules = "{far_max: 3.0, coverage_max: 1.0}";
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, NULL, &err);
    cr_assert(s, "%s", errtext(&err));
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 3);
    cr_assert_str_eq(z->crs_name, "EPSG:4547");
    /* Planar area in the Gauss-Krüger plane, 0.8° from the central
     * meridian: geodesic area is smaller by about 2e-4 (scale k ≈ 1.0001). */
    double planar[3] = {10000, 10000 - 400, 10000};
    for (int i = 0; i < 3; i++) {
        double rel = (z->p[i].area_m2 - planar[i]) / planar[i];
        cr_assert(rel < 0 && rel > -5e-4, "parcel %d area %f", i, z->p[i].area_m2);
    }
    cr_assert_eq(z->p[0].status, SL_PARCEL_CANDIDATE);
    cr_assert_str_eq(z->p[0].reason, "FAR 0.50 below 1.00");
    cr_assert_float_eq(z->p[0].current_gfa_m2, 0.5 * z->p[0].area_m2, 1e-6);
    cr_assert_eq(z->p[2].status, SL_PARCEL_NOT_CANDIDATE);
    cr_assert_null(z->p[2].env, "no envelope for a non-industrial parcel");
    /* Setback 5 m on a 100 m square leaves 90 x 90 = 8100 m² (planar);
     * with coverage_max 1 that is T itself. */
    cr_assert(fabs(z->p[0].plan_fp.shrunk_area_m2 - 8100) < 3);
    cr_assert_float_eq(z->p[0].plan_fp.total_m2, z->p[0].plan_fp.shrunk_area_m2, 1e-9);
    /* The holed square: the buffer also grows the 20 m hole to 30 m with
     * rounded corners: 90 x 90 - (30 x 30 - (4 - pi) x 25) ≈ 7221 m². */
    double holed = z->p[1].plan_fp.shrunk_area_m2;
    cr_assert(holed > 7200 - 3 && holed < 7200 + 25, "holed shrunk %f", holed);
    cr_assert_eq(z->p[0].env[0].factory_floors, 5);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

/* With the default coverage_max 0.6, a convex parcel's buffer is not
 * needed: area - 1.01 * perimeter * setback = 10000 - 2020 ≥ 0.6 * area,
 * so T = 0.6 * area either way and shrunk_area_m2 holds that bound. */
Test(zone, convex_bound_gives_same_footprint)
{
    char g[512];
    square(g, sizeof g, X0, Y0, 100);
    char *f[1] = {feature("A", "M1", 0.5, g)};
    char *src = write_geojson("c.geojson", 4547, f, 1);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, NULL, &err);
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    const sl_parcel *p = &z->p[0];
    cr_assert_float_eq(p->plan_fp.total_m2, 0.6 * p->area_m2, 1e-6);
    cr_assert(p->plan_fp.shrunk_area_m2 <= 8100 && p->plan_fp.shrunk_area_m2 >= 0.6 * p->area_m2,
              "bound %f", p->plan_fp.shrunk_area_m2);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

Test(zone, geographic_source_buffers_in_metres)
{
    /* 0.001° squares near 114.9°E 25.85°N in CGCS2000 geographic: the
     * setback must be 5 m, not 5 degrees. */
    char g[512];
    snprintf(g, sizeof g,
             "{\"type\":\"Polygon\",\"coordinates\":[[[114.9,25.85],[114.902,25.85],"
             "[114.902,25.852],[114.9,25.852],[114.9,25.85]]]}");
    char *f[1] = {feature("G", "M1", 0.2, g)};
    char *src = write_geojson("g.geojson", 4490, f, 1);
    after_rules = "{far_max: 3.0, coverage_max: 1.0}";
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, NULL, &err);
    cr_assert(s, "%s", errtext(&err));
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    /* 0.002° lon ≈ 200.6 m, 0.002° lat ≈ 221.5 m: area ≈ 44,400 m²; shrunk
     * by 5 m: (w - 10)(h - 10) ≈ 40,200 m². */
    const sl_parcel *p = &z->p[0];
    cr_assert(p->area_m2 > 44000 && p->area_m2 < 44900, "area %f", p->area_m2);
    double expect = p->area_m2 - 10 * (200.6 + 221.5) + 100;
    cr_assert(fabs(p->plan_fp.shrunk_area_m2 - expect) < 60, "shrunk %f, expected about %f",
              p->plan_fp.shrunk_area_m2, expect);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

/* A shapefile made from GeoJSON with ogr2ogr; extra: more ogr2ogr options. */
static char *make_shp(const char *geojson, const char *extra)
{
    char *shp = malloc(strlen(dir) + 32);
    sprintf(shp, "%s/parcels.shp", dir);
    t_run r =
        t_sh("ogr2ogr -f 'ESRI Shapefile' %s '%s' '%s' 2>&1", extra ? extra : "", shp, geojson);
    cr_assert_eq(r.status, 0, "ogr2ogr: %s", r.out);
    t_run_free(&r);
    return shp;
}

static char *simple_geojson(void)
{
    char g[2][512];
    square(g[0], sizeof g[0], X0, Y0, 100);
    square(g[1], sizeof g[1], X0 + 200, Y0, 100);
    char *f[2] = {feature("B7-2", "M1", 0.4, g[0]), feature("B7-3", "M1", 1.5, g[1])};
    return write_geojson("in.geojson", 4547, f, 2);
}

Test(zone, shapefile_without_prj)
{
    char *gj = simple_geojson();
    char *shp = make_shp(gj, NULL);
    t_sh("rm -f %s/parcels.prj", dir);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario("parcels.shp", NULL, &err);
    cr_assert(s, "%s", errtext(&err));
    sl_zone *z = sl_zone_open(s, &err);
    cr_assert_null(z);
    cr_assert_eq(err.code, SL_ERR_SCENARIO);
    char expect[1024];
    snprintf(expect, sizeof expect,
             "%s: the layer has no coordinate reference system (no .prj file); set parcels.crs "
             "in the scenario (e.g. crs: EPSG:4547 for CGCS2000 Gauss-Krüger CM 114E)",
             shp);
    cr_assert_str_eq(errtext(&err), expect);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    /* parcels.crs supplies it. */
    s = scenario("parcels.shp", "  crs: EPSG:4547\n", &err);
    z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 2);
    cr_assert_str_eq(z->crs_name, "EPSG:4547");
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(gj);
    free(shp);
}

Test(zone, shapefile_without_shx)
{
    char *gj = simple_geojson();
    char *shp = make_shp(gj, NULL);
    t_sh("rm -f %s/parcels.shx", dir);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario("parcels.shp", NULL, &err);
    sl_zone *z = sl_zone_open(s, &err);
    cr_assert_null(z);
    cr_assert_eq(err.code, SL_ERR_SOURCE);
    char expect[2048];
    snprintf(expect, sizeof expect,
             "%s: the index file (.shx) is missing; rebuild it with 'ogrinfo --config "
             "SHAPE_RESTORE_SHX YES %s' or export the layer again",
             shp, shp);
    cr_assert_str_eq(errtext(&err), expect);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(gj);
    free(shp);
}

/* GBK text in a DBF without .cpg: refused with advice, then read correctly
 * once parcels.encoding says GBK. */
Test(zone, gbk_without_cpg)
{
    char g[512];
    square(g, sizeof g, X0, Y0, 100);
    char *f[1] = {feature("甲-1", "M1", 0.4, g)};
    char *gj = write_geojson("in.geojson", 4547, f, 1);
    char *shp = make_shp(gj, "-lco ENCODING=GBK");
    t_sh("rm -f %s/parcels.cpg", dir);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario("parcels.shp", NULL, &err);
    sl_zone *z = load(s, &err);
    cr_assert_null(z);
    cr_assert_eq(err.code, SL_ERR_SCENARIO);
    char expect[1024];
    snprintf(expect, sizeof expect,
             "%s: field ID of feature 1 is not UTF-8 text and the DBF has no .cpg file; set "
             "parcels.encoding in the scenario (GBK is usual for Chinese survey data)",
             shp);
    cr_assert_str_eq(errtext(&err), expect);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    s = scenario("parcels.shp", "  encoding: GBK\n", &err);
    z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_str_eq(z->p[0].id, "甲-1");
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(gj);
    free(shp);
}

Test(zone, bad_geometries_and_duplicate_ids)
{
    char g[6][512];
    square(g[0], sizeof g[0], X0, Y0, 100);
    /* bow-tie: self-intersecting, repairable */
    snprintf(g[1], sizeof g[1],
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f],[%.1f,%.1f]]]}",
             X0 + 200, Y0, X0 + 300, Y0 + 100, X0 + 300, Y0, X0 + 200, Y0 + 100, X0 + 200, Y0);
    /* GeoJSON cannot say "empty polygon" (GDAL reads [] as no geometry);
     * empty geometries are tested with a CSV source below. */
    snprintf(g[2], sizeof g[2], "{\"type\":\"Polygon\",\"coordinates\":[]}");
    snprintf(g[3], sizeof g[3], "null");
    snprintf(g[4], sizeof g[4], "{\"type\":\"Point\",\"coordinates\":[%.1f,%.1f]}", X0, Y0);
    square(g[5], sizeof g[5], X0 + 400, Y0, 100);
    char *f[6] = {feature("P1", "M1", 0.4, g[0]), feature("P2", "M1", 0.4, g[1]),
                  feature("P3", "M1", 0.4, g[2]), feature("P4", "M1", 0.4, g[3]),
                  feature("P5", "M1", 0.4, g[4]), feature("P1", "M1", 0.4, g[5])};
    char *src = write_geojson("bad.geojson", 4547, f, 6);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, NULL, &err);
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 6, "every feature is kept");
    cr_assert_eq(z->p[0].status, SL_PARCEL_CANDIDATE);
    cr_assert_eq(z->p[1].status, SL_PARCEL_CANDIDATE);
    cr_assert_str_eq(z->p[1].reason,
                     "invalid geometry repaired with MakeValid; FAR 0.40 below 1.00");
    /* The bow-tie's two triangles: 2 x 2500 m² (planar). */
    cr_assert(fabs(z->p[1].area_m2 - 5000) < 5, "bow-tie area %f", z->p[1].area_m2);
    cr_assert_eq(z->p[2].status, SL_PARCEL_REJECTED);
    cr_assert_str_eq(z->p[2].reason, "no geometry");
    cr_assert_eq(z->p[3].status, SL_PARCEL_REJECTED);
    cr_assert_str_eq(z->p[3].reason, "no geometry");
    cr_assert_eq(z->p[4].status, SL_PARCEL_REJECTED);
    cr_assert_str_eq(z->p[4].reason, "geometry is a Point, not a polygon");
    cr_assert_eq(z->p[5].status, SL_PARCEL_REJECTED);
    cr_assert_str_eq(z->p[5].reason, "duplicate id");
    cr_assert_eq(z->n_by_status[SL_PARCEL_REJECTED], 4);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

Test(zone, empty_geometry_from_csv)
{
    char *src = t_write(dir, "p.csv",
                        "WKT,ID,LU,FAR,TAX\n"
                        "\"POLYGON EMPTY\",E1,M1,0.5,\n"
                        "\"POLYGON ((590000 2860000,590100 2860000,590100 2860100,590000 "
                        "2860000))\",E2,M1,0.5,\n");
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, "  crs: EPSG:4547\n", &err);
    cr_assert(s, "%s", errtext(&err));
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 2);
    cr_assert_eq(z->p[0].status, SL_PARCEL_REJECTED);
    cr_assert_str_eq(z->p[0].reason, "empty geometry");
    cr_assert_eq(z->p[1].status, SL_PARCEL_CANDIDATE, "%s", z->p[1].reason);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

Test(zone, empty_layer_and_missing_field)
{
    /* An empty shapefile layer with the fields but no features. */
    char *gj = simple_geojson();
    char *shp = make_shp(gj, "-where \"ID = 'none'\"");
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario("parcels.shp", NULL, &err);
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 0);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(gj);
    free(shp);

    char g[512];
    square(g, sizeof g, X0, Y0, 100);
    char *f[1] = {feature("A", "M1", 0.4, g)};
    char *src = write_geojson("one.geojson", 4547, f, 1);
    char text[2048];
    snprintf(text, sizeof text,
             "parcels:\n  source: %s\n  fields: {id: ID, land_use: LU, current_far: RJL}\n", src);
    char *sp = t_write(dir, "m.yaml", text);
    s = sl_scenario_load(sp, &err);
    cr_assert(s, "%s", errtext(&err));
    z = sl_zone_open(s, &err);
    cr_assert_null(z);
    char expect[1024];
    snprintf(expect, sizeof expect,
             "parcels.fields.current_far: field 'RJL' is not in layer 'one' of %s "
             "(fields: ID, LU, FAR, TAX)",
             src);
    cr_assert_str_eq(errtext(&err), expect);
    cr_assert_eq(err.code, SL_ERR_SCENARIO);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(sp);
    free(src);
}

Test(zone, prefixed_eastings_outside_area_of_use)
{
    /* A zone-prefixed easting (38 590 000) declared as EPSG:4547. */
    char g[512];
    square(g, sizeof g, 38000000 + X0, Y0, 100);
    char *f[1] = {feature("Z", "M1", 0.4, g)};
    char *src = write_geojson("z.geojson", 4547, f, 1);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, NULL, &err);
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->p[0].status, SL_PARCEL_REJECTED);
    cr_assert(strstr(z->p[0].reason, "zone-prefixed CRS"), "%s", z->p[0].reason);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

/* The same parcels through GeoPackage and FlatGeobuf give the same
 * records as the shapefile. */
Test(zone, gpkg_and_flatgeobuf_sources)
{
    char *gj = simple_geojson();
    const char *drivers[][2] = {
        {"GPKG", "p.gpkg"}, {"FlatGeobuf", "p.fgb"}, {"ESRI Shapefile", "p.shp"}};
    double area[3];
    for (int d = 0; d < 3; d++) {
        t_run r = t_sh("ogr2ogr -f '%s' %s/%s '%s' 2>&1", drivers[d][0], dir, drivers[d][1], gj);
        cr_assert_eq(r.status, 0, "%s", r.out);
        t_run_free(&r);
        sl_error err;
        sl_error_init(&err);
        sl_scenario *s = scenario(drivers[d][1], NULL, &err);
        sl_zone *z = load(s, &err);
        cr_assert(z, "%s: %s", drivers[d][0], errtext(&err));
        cr_assert_eq(z->n, 2);
        /* FlatGeobuf's spatial index may reorder features: find by id. */
        int i = sl_zone_find(z, "B7-2");
        cr_assert_geq(i, 0);
        cr_assert_str_eq(z->crs_name, "EPSG:4547", "%s: %s", drivers[d][0], z->crs_name);
        area[d] = z->p[i].area_m2;
        sl_zone_destroy(z);
        sl_scenario_destroy(s);
        sl_error_clear(&err);
    }
    cr_assert_float_eq(area[0], area[2], 1e-6);
    cr_assert_float_eq(area[1], area[2], 1e-6);
    free(gj);
}

/* Floor plates and plan.exclude on four squares (after-reform defaults):
 * B3-1, 100 m: a plain candidate, excluded by the scenario;
 * B7-2, 28 m (784 m²): T = min(0.6 × 784, 18²) = 324 ≥ 0.3 × 784 = 235,
 *   no office (min(48.6, 54.9) < 300), F_f = 324 < 500: floor_plate;
 * C10, 60 m (3600 m²): T = min(2160, 50²) = 2160, F_o = min(324, 252) =
 *   252 < 300: no office block, n_o = 0, F_f = 2160;
 * D4, 20 m (400 m²): T = 10² = 100 < 120 and F_f < 500: setback (§9.14).
 * Areas are geodesic (about 2e-4 below the planar ones): the reasons
 * round them to whole m². */
Test(zone, floor_plates_and_exclude)
{
    char g[4][512];
    square(g[0], sizeof g[0], X0, Y0, 100);
    square(g[1], sizeof g[1], X0 + 200, Y0, 28);
    square(g[2], sizeof g[2], X0 + 300, Y0, 60);
    square(g[3], sizeof g[3], X0 + 400, Y0, 20);
    char *f[4] = {feature("B3-1", "M1", 0.5, g[0]), feature("B7-2", "M1", 0.5, g[1]),
                  feature("C10", "M1", 0.5, g[2]), feature("D4", "M1", 0.5, g[3])};
    char *src = write_geojson("fp.geojson", 4547, f, 4);
    after_rules = "{far_max: 3.0}\nplan: {exclude: [B3-1]}";
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(src, NULL, &err);
    cr_assert(s, "%s", errtext(&err));
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 4);
    const int after = 1;

    const sl_parcel *a = &z->p[0];
    cr_assert_eq(a->status, SL_PARCEL_CANDIDATE, "an excluded candidate stays a candidate");
    cr_assert(a->excluded);
    cr_assert_str_eq(a->reason, "FAR 0.50 below 1.00; excluded from the plan by plan.exclude");
    cr_assert_eq(a->env[after].binding, SL_BIND_FAR);

    const sl_parcel *b = &z->p[1];
    cr_assert_not(b->excluded);
    cr_assert_eq(b->status, SL_PARCEL_CANDIDATE);
    cr_assert(b->plan_fp.setback_ok);
    cr_assert_not(b->plan_fp.floor_plate_ok);
    cr_assert_not(sl_footprints_redevelopable(&b->plan_fp));
    cr_assert_eq(b->plan_fp.office_m2, 0);
    cr_assert_eq(b->plan_fp.factory_m2, 0, "no factory block");
    cr_assert_eq(b->env[after].binding, SL_BIND_FLOOR_PLATE);
    cr_assert_eq(b->env[after].max_gfa_m2, 0);
    cr_assert_str_eq(b->reason, "FAR 0.50 below 1.00; cannot be redeveloped under rule set 'after' "
                                "(floor_plate): factory footprint 324 m2 is below "
                                "factory_floor_plate_min_m2 500 m2");

    const sl_parcel *c = &z->p[2];
    cr_assert_eq(c->plan_fp.office_m2, 0, "a 252 m2 office plate is no office block");
    cr_assert_float_eq(c->plan_fp.factory_m2, c->plan_fp.total_m2, 1e-9);
    cr_assert(sl_footprints_redevelopable(&c->plan_fp));
    cr_assert_eq(c->env[after].office_floors, 0);
    cr_assert_eq(c->env[after].binding, SL_BIND_FAR);
    cr_assert_str_eq(c->reason, "FAR 0.50 below 1.00");

    const sl_parcel *d = &z->p[3];
    cr_assert_not(d->plan_fp.setback_ok);
    cr_assert_not(d->plan_fp.floor_plate_ok);
    cr_assert_eq(d->env[after].binding, SL_BIND_SETBACK);
    cr_assert_str_eq(d->reason, "FAR 0.50 below 1.00; cannot be redeveloped under rule set 'after' "
                                "(setback): footprint 100 m2 inside the 5 m setback is below "
                                "coverage_min 0.3 x area 400 m2 = 120 m2");

    double max_gfa;
    long long bind[SL_N_BINDINGS];
    sl_zone_rule_totals(z, after, &max_gfa, bind);
    cr_assert_eq(bind[SL_BIND_FAR], 2);
    cr_assert_eq(bind[SL_BIND_HEIGHT], 0);
    cr_assert_eq(bind[SL_BIND_SETBACK], 1);
    cr_assert_eq(bind[SL_BIND_FLOOR_PLATE], 1);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);

    /* An id that no parcel has is an error at its place in the scenario,
     * with a suggestion when a parcel id is close. */
    after_rules = "{far_max: 3.0}\nplan:\n  exclude: [B3-1, B3-l, ZZZZZZ]";
    s = scenario(src, NULL, &err);
    cr_assert(s, "%s", errtext(&err));
    z = load(s, &err);
    cr_assert_null(z);
    cr_assert_eq(err.code, SL_ERR_SCENARIO);
    cr_assert_eq(err.n, 2, "%s", errtext(&err));
    char want[2][2048];
    snprintf(want[0], sizeof want[0],
             "%s/s.yaml:10:19: plan.exclude[1]: no parcel 'B3-l' in layer 'fp' of %s; did you "
             "mean 'B3-1'?",
             dir, src);
    snprintf(want[1], sizeof want[1],
             "%s/s.yaml:10:25: plan.exclude[2]: no parcel 'ZZZZZZ' in layer 'fp' of %s", dir, src);
    cr_assert_str_eq(err.msgs[0], want[0]);
    cr_assert_str_eq(err.msgs[1], want[1]);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(src);
}

/* docs/model.md §2 in the record: a null FAR is NAN (unknown), never 0;
 * the gain is unknown too; constraint 11 and the objective read 0 through
 * sl_parcel_current_gfa_used.  A rejected duplicate keeps its geometry
 * (geometry_kept, its area measured) for the map. */
Test(zone, unknown_floor_space_and_duplicate_geometry)
{
    char g[3][512];
    square(g[0], sizeof g[0], X0, Y0, 100);
    square(g[1], sizeof g[1], X0 + 200, Y0, 100);
    square(g[2], sizeof g[2], X0 + 400, Y0, 100);
    char *f[3];
    for (int i = 0; i < 3; i++) {
        f[i] = malloc(strlen(g[i]) + 200);
        sprintf(f[i],
                "{\"type\":\"Feature\",\"properties\":{\"ID\":\"%s\",\"LU\":\"M1\",\"FAR\":%s,"
                "\"TAX\":null},\"geometry\":%s}",
                i == 0   ? "U"
                : i == 1 ? "K"
                         : "U",
                i == 1 ? "0.5" : "null", g[i]);
    }
    char *gj = write_geojson("in.geojson", 4547, f, 3);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = scenario(gj, NULL, &err);
    cr_assert(s, "%s", errtext(&err));
    sl_zone *z = load(s, &err);
    cr_assert(z, "%s", errtext(&err));
    cr_assert_eq(z->n, 3);
    const sl_parcel *u = &z->p[0], *k = &z->p[1], *d = &z->p[2];
    cr_assert_eq(u->status, SL_PARCEL_NOT_CANDIDATE);
    cr_assert(isnan(u->current_gfa_m2) && isnan(u->current_far) && isnan(u->gain_m2));
    cr_assert_float_eq(sl_parcel_current_gfa_used(u), 0, 0);
    cr_assert_str_eq(u->reason, "FAR unknown: current_far (field FAR) is null");
    cr_assert_eq(k->status, SL_PARCEL_CANDIDATE);
    cr_assert_float_eq(sl_parcel_current_gfa_used(k), k->current_gfa_m2, 0);
    cr_assert_float_eq(k->current_far, 0.5, 1e-12);
    cr_assert_eq(d->status, SL_PARCEL_REJECTED);
    cr_assert_str_eq(d->reason, "duplicate id");
    cr_assert(d->geometry_kept, "the duplicate keeps its geometry");
    cr_assert(fabs(d->area_m2 - 10000) < 10, "area %f", d->area_m2);
    cr_assert_not(u->geometry_kept || k->geometry_kept);
    /* one warning: the unknown floor space (the duplicate is not counted) */
    cr_assert_eq(z->n_warnings, 1);
    cr_assert_str_eq(z->warnings[0],
                     "current floor space unknown (current_far null) on 1 of 2 industrial "
                     "parcels: U; they fail the FAR test of candidacy (record 0 for vacant land)");
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
    free(gj);
}
