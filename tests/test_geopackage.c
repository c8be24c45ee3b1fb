/* test_gpkg_out.c - lib/gpkg_out.c and lib/buildings_out.c: shanglou.gpkg
 * of evaluate and of a plan (a hand-made one, tests/support.c), its layers
 * and fields, and what headless QGIS makes of it. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "eval/footprint.h"
#include "out/geopackage.h"
#include "plan/plan.h"
#include "out/report.h"
#include "input/scenario.h"
#include "support.h"
#include "eval/evaluate.h"

#define GONGGAI "../scenarios/gonggai.yaml"

typedef struct ctx {
    sl_gpkg_writer *w;
    const sl_plan *plan;
    sl_error *err;
} ctx;

static sl_status add(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                     OGRGeometryH geom)
{
    ctx *c = user;
    const sl_parcel_plan *pp = &c->plan->pp[p - z->p];
    OGRGeometryH fac = NULL, off = NULL;
    if (pp->redeveloped) {
        sl_status st = sl_footprint_polygons(
            z->src, geom, p->id, p->plan_rules->setback_m, p->plan_fp.factory_m2,
            pp->office_floors ? p->plan_fp.office_m2 : 0, &fac, &off, c->err);
        if (st != SL_OK)
            return st;
    }
    sl_status st = sl_gpkg_writer_add(c->w, p, f, geom, pp, fac, off, c->err);
    if (fac)
        OGR_G_DestroyGeometry(fac);
    if (off)
        OGR_G_DestroyGeometry(off);
    return st;
}

/* Write DIR/shanglou.gpkg and DIR/report.html of the hand-made plan;
 * returns the plan's storey and block counts. */
static void write_plan(const char *dir, int *n_storeys, int *n_blocks)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(GONGGAI, &err);
    cr_assert(sc);
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    sl_plan *plan = t_plan(z);
    *n_storeys = *n_blocks = 0;
    for (int i = 0; i < plan->n; i++) {
        *n_storeys += plan->pp[i].n_storeys;
        *n_blocks += (plan->pp[i].factory_floors > 0) + (plan->pp[i].office_floors > 0);
    }
    cr_assert_gt(*n_blocks, 5, "the hand-made plan builds something");
    char path[4200];
    snprintf(path, sizeof path, "%s/shanglou.gpkg", dir);
    ctx c = {sl_gpkg_writer_open(path, z, true, &err), plan, &err};
    cr_assert(c.w, "%s", err.n ? err.msgs[0] : "");
    cr_assert_eq(sl_zone_rescan(z, add, &c, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
    cr_assert_eq(sl_gpkg_writer_close(c.w, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
    snprintf(path, sizeof path, "%s/report.html", dir);
    cr_assert_eq(sl_report_write(path, z, plan, &err), SL_OK);
    t_plan_free(plan);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

Test(gpkg_out, plan_layers, .timeout = 120)
{
    char *dir = t_tmpdir();
    int n_storeys, n_blocks;
    write_plan(dir, &n_storeys, &n_blocks);
    char path[4200];
    snprintf(path, sizeof path, "%s/shanglou.gpkg", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(ds);
    const char *names[] = {"parcels", "buildings", "floors"};
    long long counts[] = {188, n_blocks, n_storeys};
    for (int i = 0; i < 3; i++) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, names[i]);
        cr_assert(l, "%s", names[i]);
        cr_assert_eq(OGR_L_GetFeatureCount(l, TRUE), counts[i], "%s", names[i]);
        cr_assert_str_eq(OSRGetAuthorityCode(OGR_L_GetSpatialRef(l), NULL), "4547", "%s", names[i]);
    }
    /* the parcels' chains: a JSON array text (as stack), null unless
     * redeveloped; neighbour_bonus_m2 beside it */
    OGRLayerH pl = GDALDatasetGetLayerByName(ds, "parcels");
    int ci = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(pl), "chains");
    int ni = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(pl), "neighbour_bonus_m2");
    int si = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(pl), "status");
    cr_assert_geq(ci, 0, "chains");
    cr_assert_geq(ni, 0, "neighbour_bonus_m2");
    int with_chains = 0;
    OGRFeatureH pf;
    while ((pf = OGR_L_GetNextFeature(pl))) {
        bool red = strcmp(OGR_F_GetFieldAsString(pf, si), "redeveloped") == 0;
        cr_assert_eq(OGR_F_IsFieldSetAndNotNull(pf, ci), red, "chains null unless redeveloped");
        cr_assert_eq(OGR_F_IsFieldSetAndNotNull(pf, ni), red, "bonus null unless redeveloped");
        if (red) {
            const char *c = OGR_F_GetFieldAsString(pf, ci);
            cr_assert(c[0] == '[' && c[strlen(c) - 1] == ']' && strchr(c, '"'), "%s", c);
            with_chains++;
        }
        OGR_F_Destroy(pf);
    }
    cr_assert_gt(with_chains, 0);
    OGRLayerH b = GDALDatasetGetLayerByName(ds, "buildings");
    const char *bf[] = {"parcel_id", "block", "floors", "height_m", "footprint_m2", "gfa_m2"};
    for (int i = 0; i < 6; i++)
        cr_assert_geq(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(b), bf[i]), 0, "%s", bf[i]);
    OGRLayerH fl = GDALDatasetGetLayerByName(ds, "floors");
    const char *ff[] = {"parcel_id", "block",  "level",    "industry", "chain",
                        "kind",      "base_m", "height_m", "top_m",    "gfa_m2"};
    for (int i = 0; i < 10; i++)
        cr_assert_geq(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(fl), ff[i]), 0, "%s", ff[i]);
    /* each building's top is its last storey's top_m */
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(b))) {
        char q[512];
        snprintf(q, sizeof q, "parcel_id = '%s' AND block = '%s'", OGR_F_GetFieldAsString(f, 0),
                 OGR_F_GetFieldAsString(f, 1));
        OGR_L_SetAttributeFilter(fl, q);
        double top = 0;
        int n = 0;
        OGRFeatureH g;
        while ((g = OGR_L_GetNextFeature(fl))) {
            top = fmax(top, OGR_F_GetFieldAsDouble(g, OGR_F_GetFieldIndex(g, "top_m")));
            n++;
            OGR_F_Destroy(g);
        }
        cr_assert_eq(n, OGR_F_GetFieldAsInteger(f, 2), "%s", q);
        cr_assert_float_eq(top, OGR_F_GetFieldAsDouble(f, 3), 0.011, "%s", q);
        OGR_F_Destroy(f);
    }
    OGRLayerH st = GDALDatasetGetLayerByName(ds, "layer_styles");
    /* a default style per layer and, gonggai.yaml having phasing, a second
     * parcels style by start year that is not the default */
    cr_assert_eq(OGR_L_GetFeatureCount(st, TRUE), 4,
                 "a default style per layer, and by start year");
    OGR_L_SetAttributeFilter(st, "styleName = 'parcels by start year'");
    OGRFeatureH sf = OGR_L_GetNextFeature(st);
    cr_assert(sf, "the style by start year");
    cr_assert_str_eq(OGR_F_GetFieldAsString(sf, OGR_F_GetFieldIndex(sf, "f_table_name")),
                     "parcels");
    cr_assert_eq(OGR_F_GetFieldAsInteger(sf, OGR_F_GetFieldIndex(sf, "useAsDefault")), 0);
    cr_assert(strstr(OGR_F_GetFieldAsString(sf, OGR_F_GetFieldIndex(sf, "styleQML")),
                     "attr=\"start_year\""));
    OGR_F_Destroy(sf);
    GDALClose(ds);
    t_rmtree(dir);
    free(dir);
}

/* Headless QGIS (python3-qgis) opens the GeoPackages of evaluate, of
 * `shanglou plan` (5 s of solving) and of the hand-made plan: every layer
 * with its CRS, stored default style and expected renderer, 3-D included
 * (tests/qgis/check_gpkg.py).  One Python process: QGIS is slow to start. */
Test(gpkg_out, qgis_opens_layers_styled, .timeout = 300)
{
    char *dir = t_tmpdir();
    char ev[4200], pl[4200], hand[4200];
    snprintf(ev, sizeof ev, "%s/evaluate", dir);
    snprintf(pl, sizeof pl, "%s/plan", dir);
    snprintf(hand, sizeof hand, "%s/hand", dir);
    t_run r = t_cli("evaluate", GONGGAI, "-o", ev, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_cli("plan", GONGGAI, "-o", pl, "--time-limit", "5", "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("mkdir -p %s", hand);
    t_run_free(&r);
    int n_storeys, n_blocks;
    write_plan(hand, &n_storeys, &n_blocks);
    r = t_sh("QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=%s /usr/bin/python3 "
             "%s/tests/qgis/check_gpkg.py evaluate %s/shanglou.gpkg plan %s/shanglou.gpkg "
             "plan %s/shanglou.gpkg geojson %s/parcels.geojson geojson %s/parcels.geojson",
             dir, SL_SRC, ev, pl, hand, ev, pl);
    cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
    cr_assert(strstr(r.out, " passed, 0 failed"), "%s", r.out);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}
