/*
 * neighbours.c - which candidate parcels are neighbours for the neighbour
 * chain bonus (产业集聚, docs/model.md §6): the polygons' distance in one
 * metric frame for the whole zone (§9.15) at most plan.neighbour_distance_m.
 *
 * The source is read once more; every candidate's geometry is taken into
 * the metric frame, and a sweep over the x-extents (sorted) tests only
 * pairs whose extents come within the distance, so the work grows with the
 * number of close pairs, not with the square of the candidates.
 */
#include "eval/evaluate.h"

#include <math.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

#include "input/source.h"

typedef struct nb_geom {
    int zi;
    OGRGeometryH g; /* in the metric frame's units */
    OGREnvelope e;
} nb_geom;

typedef struct nb_ctx {
    OGRCoordinateTransformationH ct;
    nb_geom *v;
    int n, cap;
    sl_error *err;
} nb_ctx;

static sl_status take(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                      OGRGeometryH geom)
{
    (void)f;
    nb_ctx *c = user;
    if (p->status != SL_PARCEL_CANDIDATE || !geom)
        return SL_OK;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 256;
        nb_geom *v = realloc(c->v, sizeof *v * (size_t)cap);
        if (!v) {
            sl_error_add(c->err, SL_ERR_NOMEM, "out of memory while finding neighbours");
            return SL_ERR_NOMEM;
        }
        c->v = v;
        c->cap = cap;
    }
    OGRGeometryH g = OGR_G_Clone(geom);
    if (!g) {
        sl_error_add(c->err, SL_ERR_NOMEM, "out of memory while finding neighbours");
        return SL_ERR_NOMEM;
    }
    if (c->ct && OGR_G_Transform(g, c->ct) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(g);
        return SL_OK; /* cannot be measured: no neighbours (its area was checked) */
    }
    nb_geom *x = &c->v[c->n++];
    x->zi = (int)(p - z->p);
    x->g = g;
    OGR_G_GetEnvelope(g, &x->e);
    return SL_OK;
}

static int by_minx(const void *a, const void *b)
{
    const nb_geom *x = a, *y = b;
    if (x->e.MinX != y->e.MinX)
        return x->e.MinX < y->e.MinX ? -1 : 1;
    return x->zi - y->zi;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

sl_status sl_zone_neighbours(sl_zone *z, double distance_m, sl_error *err)
{
    free(z->nb_start);
    free(z->nb);
    z->nb_start = NULL;
    z->nb = NULL;
    z->nb_distance_m = distance_m;
    nb_ctx c = {NULL, NULL, 0, 0, err};
    double mpu = 1;
    OGREnvelope ext;
    OGRLayerH l = sl_source_layer(z->src);
    if (OGR_L_GetExtent(l, &ext, TRUE) != OGRERR_NONE)
        memset(&ext, 0, sizeof ext);
    sl_status st = sl_source_metric_frame(z->src, (ext.MinX + ext.MaxX) / 2,
                                          (ext.MinY + ext.MaxY) / 2, &c.ct, &mpu, err);
    if (st == SL_OK)
        st = sl_zone_rescan(z, take, &c, err);
    int *cnt = NULL, *pa = NULL, *pb = NULL;
    size_t np = 0, capp = 0;
    if (st == SL_OK) {
        qsort(c.v, (size_t)c.n, sizeof *c.v, by_minx);
        double d = distance_m / mpu; /* in the frame's units */
        for (int i = 0; i < c.n && st == SL_OK; i++)
            for (int j = i + 1; j < c.n && c.v[j].e.MinX <= c.v[i].e.MaxX + d; j++) {
                const OGREnvelope *a = &c.v[i].e, *b = &c.v[j].e;
                if (b->MinY > a->MaxY + d || a->MinY > b->MaxY + d)
                    continue;
                if (OGR_G_Distance(c.v[i].g, c.v[j].g) * mpu > distance_m)
                    continue;
                if (np == capp) {
                    size_t cap = capp ? 2 * capp : 256;
                    int *na = realloc(pa, sizeof *na * cap);
                    if (na)
                        pa = na;
                    int *nbb = na ? realloc(pb, sizeof *nbb * cap) : NULL;
                    if (!na || !nbb) {
                        sl_error_add(err, SL_ERR_NOMEM, "out of memory while finding neighbours");
                        st = SL_ERR_NOMEM;
                        break;
                    }
                    pb = nbb;
                    capp = cap;
                }
                pa[np] = c.v[i].zi;
                pb[np++] = c.v[j].zi;
            }
    }
    if (st == SL_OK) {
        z->nb_start = calloc((size_t)z->n + 2, sizeof *z->nb_start);
        z->nb = malloc(sizeof *z->nb * (2 * np + 1));
        cnt = calloc((size_t)z->n + 1, sizeof *cnt);
        if (!z->nb_start || !z->nb || !cnt) {
            sl_error_add(err, SL_ERR_NOMEM, "out of memory while finding neighbours");
            st = SL_ERR_NOMEM;
        }
    }
    if (st == SL_OK) {
        for (size_t k = 0; k < np; k++) {
            z->nb_start[pa[k] + 1]++;
            z->nb_start[pb[k] + 1]++;
        }
        for (int i = 0; i < z->n; i++)
            z->nb_start[i + 1] += z->nb_start[i];
        for (size_t k = 0; k < np; k++) {
            z->nb[z->nb_start[pa[k]] + cnt[pa[k]]++] = pb[k];
            z->nb[z->nb_start[pb[k]] + cnt[pb[k]]++] = pa[k];
        }
        for (int i = 0; i < z->n; i++)
            qsort(z->nb + z->nb_start[i], (size_t)(z->nb_start[i + 1] - z->nb_start[i]),
                  sizeof(int), cmp_int);
    } else {
        free(z->nb_start);
        free(z->nb);
        z->nb_start = NULL;
        z->nb = NULL;
    }
    for (int i = 0; i < c.n; i++)
        OGR_G_DestroyGeometry(c.v[i].g);
    free(c.v);
    free(cnt);
    free(pa);
    free(pb);
    if (c.ct)
        OCTDestroyCoordinateTransformation(c.ct);
    return st;
}

bool sl_zone_are_neighbours(const sl_zone *z, int a, int b)
{
    if (!z->nb_start || a < 0 || b < 0 || a >= z->n || b >= z->n)
        return false;
    const int *lo = z->nb + z->nb_start[a], *hi = z->nb + z->nb_start[a + 1];
    while (lo < hi) {
        const int *mid = lo + (hi - lo) / 2;
        if (*mid < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < z->nb + z->nb_start[a + 1] && *lo == b;
}
