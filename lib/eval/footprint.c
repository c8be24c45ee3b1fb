/* footprint.c - factory and office footprint polygons by area bisection. */
#include "eval/footprint.h"

#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <stdio.h>

#include <ogr_srs_api.h>

/* A cut of the shrunk parcel: the points p with (p - o) · u <= t
 * (from_low) or >= t (!from_low). */
typedef struct strip_frame {
    double ox, oy, ux, uy; /* origin and unit direction (source units) */
    double lo, hi;         /* range of (p - o) · u over the shape */
    double reach;          /* half-length of the cutting rectangle */
} strip_frame;

static OGRGeometryH half_plane(const strip_frame *f, double t, bool from_low)
{
    /* A rectangle covering the shape on one side of the line at t. */
    double vx = -f->uy, vy = f->ux; /* along the cut line */
    double a = from_low ? f->lo - f->reach : t, b = from_low ? t : f->hi + f->reach;
    double r = f->reach;
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    double pts[5][2] = {{a, -r}, {b, -r}, {b, r}, {a, r}, {a, -r}};
    for (int i = 0; i < 5; i++)
        OGR_G_AddPoint_2D(ring, f->ox + pts[i][0] * f->ux + pts[i][1] * vx,
                          f->oy + pts[i][0] * f->uy + pts[i][1] * vy);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

static double cut_area(sl_source *src, OGRGeometryH shape, const strip_frame *f, double t,
                       bool from_low, OGRGeometryH *out)
{
    OGRGeometryH hp = half_plane(f, t, from_low);
    OGRGeometryH cut = OGR_G_Intersection(shape, hp);
    OGR_G_DestroyGeometry(hp);
    double a = 0;
    if (cut && !OGR_G_IsEmpty(cut)) {
        char why[256];
        a = sl_source_area_m2(src, cut, NULL, why, sizeof why);
        if (isnan(a))
            a = 0;
    }
    if (out)
        *out = cut;
    else if (cut)
        OGR_G_DestroyGeometry(cut);
    return a;
}

/* The t in [lo, hi] where the cut's area reaches target_m2 (bisection;
 * the area grows with t from the low end, shrinks from the high end). */
static double cut_to_area(sl_source *src, OGRGeometryH shape, const strip_frame *f,
                          double target_m2, bool from_low)
{
    double lo = f->lo, hi = f->hi;
    for (int it = 0; it < 60 && hi - lo > 1e-9 * (fabs(f->hi) + fabs(f->lo) + 1); it++) {
        double mid = 0.5 * (lo + hi);
        double a = cut_area(src, shape, f, mid, from_low, NULL);
        if (fabs(a - target_m2) <= 1e-6 * target_m2)
            lo = hi = mid;
        else if ((a < target_m2) == from_low)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The direction of the longest edge of the shape's first exterior ring
 * (x scaled by cos(latitude) for geographic coordinates). */
static void frame_for(OGRGeometryH shape, bool geographic, strip_frame *f)
{
    OGRGeometryH poly = shape;
    while (OGR_G_GetGeometryCount(poly) > 0 &&
           wkbFlatten(OGR_G_GetGeometryType(poly)) != wkbPolygon)
        poly = OGR_G_GetGeometryRef(poly, 0);
    OGRGeometryH ring = OGR_G_GetGeometryRef(poly, 0);
    OGREnvelope env;
    OGR_G_GetEnvelope(shape, &env);
    double kx = geographic ? cos((env.MinY + env.MaxY) / 2 * M_PI / 180) : 1;
    double best = -1, ux = 1, uy = 0;
    int n = ring ? OGR_G_GetPointCount(ring) : 0;
    for (int i = 0; i + 1 < n; i++) {
        double x0, y0, x1, y1;
        OGR_G_GetPoint(ring, i, &x0, &y0, NULL);
        OGR_G_GetPoint(ring, i + 1, &x1, &y1, NULL);
        double dx = (x1 - x0) * kx, dy = y1 - y0, len = hypot(dx, dy);
        if (len > best) {
            best = len;
            ux = dx / len;
            uy = dy / len;
        }
    }
    /* Back to source units: a direction in the scaled plane. */
    double sx = ux / kx, sy = uy, norm = hypot(sx, sy);
    f->ux = sx / norm;
    f->uy = sy / norm;
    /* Deterministic orientation: point east-ish (or north). */
    if (f->ux < 0 || (f->ux == 0 && f->uy < 0)) {
        f->ux = -f->ux;
        f->uy = -f->uy;
    }
    f->ox = env.MinX;
    f->oy = env.MinY;
    f->lo = INFINITY;
    f->hi = -INFINITY;
    double cx[4] = {env.MinX, env.MaxX, env.MaxX, env.MinX};
    double cy[4] = {env.MinY, env.MinY, env.MaxY, env.MaxY};
    for (int i = 0; i < 4; i++) {
        double d = (cx[i] - f->ox) * f->ux + (cy[i] - f->oy) * f->uy;
        f->lo = fmin(f->lo, d);
        f->hi = fmax(f->hi, d);
    }
    f->reach = 2 * hypot(env.MaxX - env.MinX, env.MaxY - env.MinY) + 1;
}

sl_status sl_footprint_polygons(sl_source *src, OGRGeometryH g, const char *parcel_id,
                                double setback_m, double factory_m2, double office_m2,
                                OGRGeometryH *factory, OGRGeometryH *office, sl_error *err)
{
    *factory = *office = NULL;
    OGRGeometryH shape = NULL;
    double shrunk = sl_source_shrunk_area_m2(src, g, setback_m, &shape);
    if (!shape || isnan(shrunk) || shrunk < (factory_m2 + office_m2) * (1 - 1e-6)) {
        sl_error_add(err, SL_ERR_SOURCE,
                     "parcel %s: the parcel shrunk by %.1f m (%.0f m2) cannot hold footprints of "
                     "%.0f + %.0f m2",
                     parcel_id ? parcel_id : "(null id)", setback_m, isnan(shrunk) ? 0 : shrunk,
                     factory_m2, office_m2);
        if (shape)
            OGR_G_DestroyGeometry(shape);
        return SL_ERR_SOURCE;
    }
    OGRSpatialReferenceH srs = sl_source_srs(src);
    strip_frame f;
    frame_for(shape, srs && OSRIsGeographic(srs), &f);
    double t_factory = cut_to_area(src, shape, &f, factory_m2, true);
    if (office_m2 > 0) {
        double t_office = cut_to_area(src, shape, &f, office_m2, false);
        /* When the two fill the shrunk parcel the bisections may cross by
         * their tolerance: the factory gives way, so the blocks never
         * overlap. */
        if (t_factory > t_office)
            t_factory = t_office;
        cut_area(src, shape, &f, t_office, false, office);
    }
    cut_area(src, shape, &f, t_factory, true, factory);
    OGR_G_DestroyGeometry(shape);
    return SL_OK;
}
