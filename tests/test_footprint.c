/* test_footprint.c - lib/footprint.c: on every candidate of the bundled
 * sample zone, the factory and office footprints have their areas (to
 * 0.01 %), lie inside the setback-shrunk parcel and do not overlap. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "eval/footprint.h"
#include "input/scenario.h"
#include "eval/evaluate.h"

typedef struct check {
    int n_checked;
    double worst_rel;
} check;

static sl_status check_parcel(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                              OGRGeometryH g)
{
    (void)f;
    check *c = user;
    if (p->status != SL_PARCEL_CANDIDATE || !sl_footprints_redevelopable(&p->plan_fp))
        return SL_OK;
    sl_error err;
    sl_error_init(&err);
    OGRGeometryH fac = NULL, off = NULL;
    const sl_footprints *fp = &p->plan_fp;
    sl_status st = sl_footprint_polygons(z->src, g, p->id, p->plan_rules->setback_m, fp->factory_m2,
                                         fp->office_m2, &fac, &off, &err);
    cr_assert_eq(st, SL_OK, "%s: %s", p->id, err.n ? err.msgs[0] : "");
    char why[256];
    double af = sl_source_area_m2(z->src, fac, NULL, why, sizeof why);
    cr_assert(fabs(af - fp->factory_m2) <= 1e-4 * fp->factory_m2, "%s factory %f vs %f", p->id, af,
              fp->factory_m2);
    c->worst_rel = fmax(c->worst_rel, fabs(af - fp->factory_m2) / fp->factory_m2);
    if (fp->office_m2 > 0) {
        cr_assert(off, "%s: office footprint", p->id);
        double ao = sl_source_area_m2(z->src, off, NULL, why, sizeof why);
        cr_assert(fabs(ao - fp->office_m2) <= 1e-4 * fp->office_m2, "%s office %f vs %f", p->id, ao,
                  fp->office_m2);
        OGRGeometryH both = OGR_G_Intersection(fac, off);
        double overlap = both ? OGR_G_Area(both) : 0;
        cr_assert(overlap < 1e-6, "%s: blocks overlap by %g", p->id, overlap);
        if (both)
            OGR_G_DestroyGeometry(both);
    } else {
        cr_assert_null(off);
    }
    /* Inside the parcel shrunk by the setback (planar test, source CRS;
     * a hair of tolerance for GEOS's buffer arcs). */
    OGRGeometryH inner = OGR_G_Buffer(g, -(p->plan_rules->setback_m - 0.01), 8);
    OGRGeometryH outside = OGR_G_Difference(fac, inner);
    cr_assert(!outside || OGR_G_Area(outside) < 1e-3, "%s: factory outside the setback", p->id);
    if (outside)
        OGR_G_DestroyGeometry(outside);
    OGR_G_DestroyGeometry(inner);
    OGR_G_DestroyGeometry(fac);
    if (off)
        OGR_G_DestroyGeometry(off);
    sl_error_clear(&err);
    c->n_checked++;
    return SL_OK;
}

Test(footprint, sample_zone_candidates)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_load(SL_SRC "/scenarios/gonggai.yaml", &err);
    cr_assert(s, "%s", err.n ? err.msgs[0] : "");
    sl_zone *z = sl_zone_open(s, &err);
    cr_assert(z);
    check c = {0, 0};
    cr_assert_eq(sl_zone_read(z, check_parcel, &c, &err), SL_OK);
    cr_assert_gt(c.n_checked, 40, "checked %d candidates", c.n_checked);
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
}

/* With an office floor-plate minimum above every office footprint, no
 * candidate has an office block: no office polygon, and the factory
 * polygon takes the whole total footprint. */
Test(footprint, office_below_its_floor_plate_has_no_polygon)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *s = sl_scenario_load(SL_SRC "/scenarios/gonggai.yaml", &err);
    cr_assert(s, "%s", err.n ? err.msgs[0] : "");
    for (int r = 0; r < s->n_rules; r++)
        s->rules[r].office_floor_plate_min_m2 = 1e9;
    sl_zone *z = sl_zone_open(s, &err);
    cr_assert(z);
    check c = {0, 0};
    cr_assert_eq(sl_zone_read(z, check_parcel, &c, &err), SL_OK);
    cr_assert_gt(c.n_checked, 40, "checked %d candidates", c.n_checked);
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        if (p->status != SL_PARCEL_CANDIDATE)
            continue;
        cr_assert_eq(p->plan_fp.office_m2, 0, "%s", p->id);
        cr_assert_eq(p->plan_fp.factory_m2, p->plan_fp.total_m2, "%s", p->id);
        cr_assert_eq(p->env[s->plan_rules].office_floors, 0, "%s", p->id);
    }
    sl_zone_destroy(z);
    sl_scenario_destroy(s);
    sl_error_clear(&err);
}
