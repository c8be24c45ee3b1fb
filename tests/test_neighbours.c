/*
 * test_neighbours.c - the neighbour chain bonus (产业集聚, docs/model.md §6):
 * which candidates are neighbours (polygon distance in the layer's metric
 * CRS at most plan.neighbour_distance_m), and the optimizer's use of it:
 * two neighbours themed with the same chain earn the bonus, split half and
 * half, at 29 m apart but not at 31 m; a row of neighbours is themed in two
 * blocks, not alternately.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/evaluate.h"
#include "input/scenario.h"
#include "plan/plan.h"
#include "support.h"

static char *dir;

static void setup(void)
{
    dir = t_tmpdir();
}
static void teardown(void)
{
    t_rmtree(dir);
    free(dir);
}
TestSuite(neighbours, .init = setup, .fini = teardown);

/* A GeoJSON layer in EPSG:4547 and its 100 m squares (parcel id, x from,
 * x to; y 2,860,000-2,860,100), M1 at FAR 0.5. */
#define FC_4547                                                                            \
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":" \
    "\"urn:ogc:def:crs:EPSG::4547\"}},\"features\":["
#define SQUARE(id, x0, x1)                                                                \
    "{\"type\":\"Feature\",\"properties\":{\"ID\":\"" id "\",\"LU\":\"M1\",\"FAR\":0.5}," \
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[" #x0 ",2860000],[" #x1        \
    ",2860000],[" #x1 ",2860100],[" #x0 ",2860100],[" #x0 ",2860000]]]}}"

/* Three 100 m squares in EPSG:4547 on one row: A at x 0, B 29 m east of A,
 * C 31 m east of B. */
static const char *GEO = FC_4547 SQUARE("A", 590000, 590100) "," SQUARE(
    "B", 590129, 590229) "," SQUARE("C", 590260, 590360) "]}";

/* One chain, one production industry: every redeveloped parcel is themed
 * c1; no demand limit, so all three are redeveloped. */
static const char *SCEN = "name: nb\n"
                          "parcels:\n"
                          "  source: zone.geojson\n"
                          "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
                          "  industrial_land_uses: [M1]\n"
                          "rules:\n"
                          "  after: {far_max: 3.0}\n"
                          "industries:\n"
                          "  - {id: prod, chain: c1, kind: production, floor_height_m: 5.4,\n"
                          "     floor_load_kN_m2: 8, lift_t: 2}\n";

static sl_zone *load(sl_scenario **sc, sl_error *err)
{
    free(t_write(dir, "zone.geojson", GEO));
    char *path = t_write(dir, "s.yaml", SCEN);
    *sc = sl_scenario_load(path, err);
    free(path);
    cr_assert_not_null(*sc, "%s", err->n ? err->msgs[0] : "");
    sl_zone *z = sl_zone_open(*sc, err);
    cr_assert_not_null(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, err), SL_OK);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(z->p[i].status, SL_PARCEL_CANDIDATE);
    return z;
}

Test(neighbours, at_29_m_yes_at_31_m_no)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc;
    sl_zone *z = load(&sc, &err);
    cr_assert_eq(sl_zone_neighbours(z, 30, &err), SL_OK);
    cr_assert(sl_zone_are_neighbours(z, 0, 1), "A and B are 29 m apart");
    cr_assert(sl_zone_are_neighbours(z, 1, 0));
    cr_assert(!sl_zone_are_neighbours(z, 1, 2), "B and C are 31 m apart");
    cr_assert(!sl_zone_are_neighbours(z, 0, 2));
    /* a wider distance takes in B-C too */
    cr_assert_eq(sl_zone_neighbours(z, 31.5, &err), SL_OK);
    cr_assert(sl_zone_are_neighbours(z, 1, 2));
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

static sl_plan *plan(sl_zone *z, sl_error *err)
{
    sl_plan_options o;
    sl_plan_options_init(&o, z->sc);
    o.time_limit_s = 30;
    sl_plan *p = NULL;
    cr_assert_eq(sl_plan_solve(z, &o, &p, err), SL_OK);
    cr_assert_eq(p->status, SL_PLAN_OPTIMAL);
    cr_assert_eq(sl_plan_check(z, p, err), SL_OK, "%s", err->n ? err->msgs[0] : "");
    return p;
}

/* The bonus: A and B (29 m) share chain c1: 3000 m²-eq, 1500 each; C
 * (31 m from B) earns nothing.  The objective is exactly 3000 more than
 * without the bonus, and the checker agrees with every share. */
Test(neighbours, two_neighbours_of_one_chain_earn_the_bonus)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc;
    sl_zone *z = load(&sc, &err);
    sc->neighbour_chain_bonus_m2 = 0;
    sl_plan *p0 = plan(z, &err);
    sc->neighbour_chain_bonus_m2 = 3000;
    sc->neighbour_distance_m = 30;
    cr_assert_eq(sl_zone_neighbours(z, sc->neighbour_distance_m, &err), SL_OK);
    sl_plan *p = plan(z, &err);
    for (int i = 0; i < 3; i++)
        cr_assert(p->pp[i].redeveloped);
    cr_assert_float_eq(p->pp[0].neighbour_bonus_m2, 1500, 1e-6);
    cr_assert_float_eq(p->pp[1].neighbour_bonus_m2, 1500, 1e-6);
    cr_assert_float_eq(p->pp[2].neighbour_bonus_m2, 0, 1e-6);
    cr_assert_float_eq(p->objective, p0->objective + 3000, 1e-3, "%.3f vs %.3f", p->objective,
                       p0->objective);
    cr_assert(p->has_bound && p->bound >= p->objective - 1e-6);
    sl_plan_destroy(p0);
    sl_plan_destroy(p);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

/* Four 100 m squares in a row, 20 m apart: A-B, B-C and C-D are
 * neighbours, nothing else is (120 m and more).  Two chains of one
 * industry each, alike but for the chain. */
static const char *ROW = FC_4547 SQUARE("A", 590000, 590100) "," SQUARE(
    "B", 590120, 590220) "," SQUARE("C", 590240, 590340) "," SQUARE("D", 590360, 590460) "]}";

static const char *ROW_SCEN = "name: row\n"
                              "parcels:\n"
                              "  source: row.geojson\n"
                              "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
                              "  industrial_land_uses: [M1]\n"
                              "rules:\n"
                              "  after: {far_max: 3.0}\n"
                              "industries:\n"
                              "  - {id: p1, chain: c1, kind: production, floor_height_m: 5.4,\n"
                              "     floor_load_kN_m2: 8, lift_t: 2}\n"
                              "  - {id: p2, chain: c2, kind: production, floor_height_m: 5.4,\n"
                              "     floor_load_kN_m2: 8, lift_t: 2}\n";

/* Each chain's demand is two full buildings (G m² each: the plan without
 * limits, where every parcel holds one full building, and 1 m² more).  The LP can give
 * every parcel half of each chain and earn the bonus of all three pairs;
 * a plan can earn it on two pairs at most (A-B and C-D themed alike, B-C
 * across), with the same floor space: the optimum is 4 full buildings and
 * 2 × 3000 m²-eq, every parcel earning 1500. */
Test(neighbours, a_row_of_neighbours_keeps_its_chains_together, .timeout = 120)
{
    sl_error err;
    sl_error_init(&err);
    free(t_write(dir, "row.geojson", ROW));
    char *path = t_write(dir, "row.yaml", ROW_SCEN);
    sl_scenario *sc = sl_scenario_load(path, &err);
    free(path);
    cr_assert_not_null(sc, "%s", err.n ? err.msgs[0] : "");
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert_not_null(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    sc->neighbour_chain_bonus_m2 = 0;
    sl_plan *p0 = plan(z, &err);
    /* alike to a few hundredths of a m² (the areas are geodesic) */
    double g = 0;
    for (int i = 0; i < 4; i++) {
        cr_assert(p0->pp[i].redeveloped);
        cr_assert_float_eq(p0->pp[i].gfa_m2, p0->pp[0].gfa_m2, 0.1, "%d: %.6f", i,
                           p0->pp[i].gfa_m2);
        g = fmax(g, p0->pp[i].gfa_m2);
    }
    /* two buildings' worth, a third would exceed it by far */
    sc->industries[0].demand_max_m2 = 2 * g + 1;
    sc->industries[1].demand_max_m2 = 2 * g + 1;
    sc->neighbour_chain_bonus_m2 = 3000;
    sc->neighbour_distance_m = 30;
    cr_assert_eq(sl_zone_neighbours(z, sc->neighbour_distance_m, &err), SL_OK);
    cr_assert(sl_zone_are_neighbours(z, 1, 2) && !sl_zone_are_neighbours(z, 0, 2));
    sl_plan *p = plan(z, &err);
    const char *ch[4];
    for (int i = 0; i < 4; i++) {
        cr_assert(p->pp[i].redeveloped);
        cr_assert_float_eq(p->pp[i].gfa_m2, p0->pp[i].gfa_m2, 1e-6);
        cr_assert_eq(sl_parcel_plan_chains(sc, &p->pp[i], &ch[i], 1), 1);
        cr_assert_float_eq(p->pp[i].neighbour_bonus_m2, 1500, 1e-6, "parcel %d: %g", i,
                           p->pp[i].neighbour_bonus_m2);
    }
    cr_assert_str_eq(ch[0], ch[1]);
    cr_assert_str_eq(ch[2], ch[3]);
    cr_assert_str_neq(ch[1], ch[2]);
    cr_assert_float_eq(p->objective, p0->objective + 6000, 1e-3, "%.3f vs %.3f", p->objective,
                       p0->objective);
    sl_plan_destroy(p0);
    sl_plan_destroy(p);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}
