/* layer_out.c - OGR output datasets and layers, RFC 7946 for GeoJSON. */
#include "layer_out.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include <cpl_string.h>
#include <ogr_srs_api.h>

#include "ogrutil.h"

#define SL_MAX_OUT_LAYERS 8
#define SL_QUEUE_LEN 512

/* Features are serialised by a writer thread of the dataset, so that
 * GDAL's formatting (most of the time of a large run) overlaps with
 * reading and measuring the next parcels.  Everything GDAL does with the
 * dataset after the layers are created happens on that thread; the
 * queue keeps the input order, so output files are deterministic. */
typedef struct out_item {
    sl_out_layer *layer;
    OGRFeatureH f;
    OGRGeometryH g;
    char *what;
} out_item;

struct sl_out_layer {
    sl_out_dataset *d;
    OGRLayerH layer;
    OGRSpatialReferenceH srs;        /* GeoJSON: the geometries' CRS (clone) */
    OGRCoordinateTransformationH ct; /* GeoJSON: srs -> WGS 84, made by the writer thread */
    bool ct_ready;
};

struct sl_out_dataset {
    char *path;
    GDALDatasetH ds;
    bool geojson;
    OGRSpatialReferenceH wgs84;
    int n;
    sl_out_layer layers[SL_MAX_OUT_LAYERS];
    /* writer thread and its queue (ring buffer), guarded by mu */
    bool started, stopping;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    out_item q[SL_QUEUE_LEN];
    int head, count;
    sl_status failed;                /* first failure of the writer thread */
    char *failure;                   /* its message */
};

sl_out_dataset *sl_out_dataset_create(const char *path, const char *driver, sl_error *err)
{
    sl_gdal_init();
    sl_out_dataset *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        free(d);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    GDALDriverH drv = GDALGetDriverByName(driver);
    if (!drv) {
        sl_error_add(err, SL_ERR_IO, "%s: GDAL has no %s driver", path, driver);
        sl_out_dataset_close(d, NULL);
        return NULL;
    }
    d->geojson = strcmp(driver, "GeoJSON") == 0;
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    d->ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    sl_gdal_capture_pop();
    if (!d->ds) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot create: %s", path,
                     cap.last[0] ? cap.last : "driver failure");
        sl_out_dataset_close(d, NULL);
        return NULL;
    }
    if (d->geojson) {
        d->wgs84 = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(d->wgs84, 4326);
        OSRSetAxisMappingStrategy(d->wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    }
    return d;
}

static void stop_writer(sl_out_dataset *d)
{
    if (!d->started)
        return;
    pthread_mutex_lock(&d->mu);
    d->stopping = true;
    pthread_cond_signal(&d->not_empty);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    d->started = false;
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->not_empty);
    pthread_cond_destroy(&d->not_full);
}

/* Does the GeoJSON file end as a FeatureCollection does ("]" then "}")?
 * GDAL's GeoJSON writer ignores failed writes, so a file cut short by a
 * full disk is found here. */
static bool geojson_complete(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tail[64];
    if (fseek(f, -(long)sizeof tail, SEEK_END) != 0)
        rewind(f);
    size_t n = fread(tail, 1, sizeof tail, f);
    fclose(f);
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' ' || tail[n - 1] == '\r'))
        n--;
    if (n == 0 || tail[--n] != '}')
        return false;
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' ' || tail[n - 1] == '\r'))
        n--;
    return n > 0 && tail[n - 1] == ']';
}

sl_status sl_out_dataset_close(sl_out_dataset *d, sl_error *err)
{
    if (!d)
        return SL_OK;
    stop_writer(d);
    sl_status st = d->failed;
    if (st != SL_OK)
        sl_error_add(err, st, "%s", d->failure ? d->failure : "write failure");
    if (d->ds) {
        sl_gdal_capture cap;
        sl_gdal_capture_push(&cap);
        GDALClose(d->ds);
        sl_gdal_capture_pop();
        if (cap.n_errors && st == SL_OK) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", d->path, cap.last);
            st = SL_ERR_IO;
        } else if (st == SL_OK && d->geojson && !geojson_complete(d->path)) {
            struct statvfs fs;
            bool full = statvfs(d->path, &fs) == 0 && fs.f_bavail * fs.f_frsize < 65536;
            sl_error_add(err, SL_ERR_IO, "%s: cannot write: the file was cut short (%s)",
                         d->path, full ? "no space left on device" : "is the disk full?");
            st = SL_ERR_IO;
        }
    }
    for (int i = 0; i < d->n; i++) {
        if (d->layers[i].ct)
            OCTDestroyCoordinateTransformation(d->layers[i].ct);
        if (d->layers[i].srs)
            OSRDestroySpatialReference(d->layers[i].srs);
    }
    free(d->failure);
    if (d->wgs84)
        OSRDestroySpatialReference(d->wgs84);
    free(d->path);
    free(d);
    return st;
}

sl_out_layer *sl_out_layer_create(sl_out_dataset *d, const char *name, OGRSpatialReferenceH srs,
                                  OGRwkbGeometryType type, sl_error *err)
{
    if (d->n == SL_MAX_OUT_LAYERS) {
        sl_error_add(err, SL_ERR_IO, "%s: too many layers", d->path);
        return NULL;
    }
    sl_out_layer *l = &d->layers[d->n];
    memset(l, 0, sizeof *l);
    l->d = d;
    char **lco = NULL;
    OGRSpatialReferenceH layer_srs = srs;
    if (d->geojson) {
        /* RFC 7946: WGS 84 lon/lat, right-hand rule, no "crs" member.  We
         * reproject with one cached transformation and orient the rings
         * ourselves: the driver's RFC7946 mode copies every feature and
         * rebuilds CRS objects for it, which doubles the writing time of
         * a large zone. */
        lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", "7");
        lco = CSLSetNameValue(lco, "WRITE_NAME", "NO");
        if (srs && !OSRIsSame(srs, d->wgs84)) {
            /* The transformation itself is made on the writer thread:
             * PROJ objects belong to the thread that uses them. */
            OGRCoordinateTransformationH probe = OCTNewCoordinateTransformation(srs, d->wgs84);
            if (!probe) {
                sl_error_add(err, SL_ERR_IO, "%s: cannot transform the parcels' CRS to WGS 84",
                             d->path);
                CSLDestroy(lco);
                return NULL;
            }
            OCTDestroyCoordinateTransformation(probe);
            l->srs = OSRClone(srs);
        }
        layer_srs = NULL;
    }
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    l->layer = GDALDatasetCreateLayer(d->ds, name, layer_srs, type, lco);
    sl_gdal_capture_pop();
    CSLDestroy(lco);
    if (!l->layer) {
        if (l->srs)
            OSRDestroySpatialReference(l->srs);
        sl_error_add(err, SL_ERR_IO, "%s: cannot create layer %s: %s", d->path, name,
                     cap.last[0] ? cap.last : "driver failure");
        return NULL;
    }
    d->n++;
    return l;
}

int sl_out_layer_field(sl_out_layer *l, const char *name, OGRFieldType type, bool json)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (json)
        OGR_Fld_SetSubType(fd, OFSTJSON);
    int i = sl_out_layer_field_like(l, fd);
    OGR_Fld_Destroy(fd);
    return i;
}

int sl_out_layer_field_like(sl_out_layer *l, OGRFieldDefnH fd)
{
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRErr e = OGR_L_CreateField(l->layer, fd, TRUE);
    sl_gdal_capture_pop();
    return e == OGRERR_NONE ? OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(l->layer)) - 1 : -1;
}

int sl_out_layer_field_index(const sl_out_layer *l, const char *name)
{
    return OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l->layer), name);
}

OGRFeatureH sl_out_layer_feature(sl_out_layer *l)
{
    return OGR_F_Create(OGR_L_GetLayerDefn(l->layer));
}

/* Reverse ring r when its orientation is not the wanted one (ccw > 0:
 * counter-clockwise).  The shoelace sign on lon/lat tells the orientation
 * of a valid ring. */
static void orient_ring(OGRGeometryH r, int ccw)
{
    int n = OGR_G_GetPointCount(r);
    if (n < 4)
        return;
    double a = 0, x0, y0, x1, y1;
    OGR_G_GetPoint(r, 0, &x0, &y0, NULL);
    for (int i = 1; i < n; i++) {
        OGR_G_GetPoint(r, i, &x1, &y1, NULL);
        a += x0 * y1 - x1 * y0;
        x0 = x1;
        y0 = y1;
    }
    if ((a > 0) == (ccw > 0) || a == 0)
        return;
    bool z = OGR_G_Is3D(r);
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        double xi, yi, zi, xj, yj, zj;
        OGR_G_GetPoint(r, i, &xi, &yi, &zi);
        OGR_G_GetPoint(r, j, &xj, &yj, &zj);
        if (z) {
            OGR_G_SetPoint(r, i, xj, yj, zj);
            OGR_G_SetPoint(r, j, xi, yi, zi);
        } else {
            OGR_G_SetPoint_2D(r, i, xj, yj);
            OGR_G_SetPoint_2D(r, j, xi, yi);
        }
    }
}

/* RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. */
static void rfc7946_orient(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            rfc7946_orient(OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            orient_ring(OGR_G_GetGeometryRef(g, i), i == 0 ? 1 : -1);
    }
}

/* Runs on the writer thread. */
static sl_status do_write(sl_out_layer *l, OGRFeatureH f, OGRGeometryH g, const char *what,
                          char **failure)
{
    if (l->srs && !l->ct_ready) {
        l->ct = OCTNewCoordinateTransformation(l->srs, l->d->wgs84);
        l->ct_ready = true;
    }
    if (g && l->ct && OGR_G_Transform(g, l->ct) != OGRERR_NONE) {
        /* Unreachable for parcels that passed the loader's checks. */
        OGR_G_DestroyGeometry(g);
        g = NULL;
    }
    if (g && l->d->geojson)
        rfc7946_orient(g);
    if (g)
        OGR_F_SetGeometryDirectly(f, g);
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRErr e = OGR_L_CreateFeature(l->layer, f);
    sl_gdal_capture_pop();
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE) {
        const char *why = cap.last[0] ? cap.last : "driver failure";
        size_t n = strlen(l->d->path) + strlen(what) + strlen(why) + 32;
        *failure = malloc(n);
        if (*failure)
            snprintf(*failure, n, "%s: cannot write %s: %s", l->d->path, what, why);
        return SL_ERR_IO;
    }
    return SL_OK;
}

static void *writer_main(void *arg)
{
    sl_out_dataset *d = arg;
    for (;;) {
        pthread_mutex_lock(&d->mu);
        while (d->count == 0 && !d->stopping)
            pthread_cond_wait(&d->not_empty, &d->mu);
        if (d->count == 0) {
            pthread_mutex_unlock(&d->mu);
            return NULL;
        }
        out_item it = d->q[d->head];
        d->head = (d->head + 1) % SL_QUEUE_LEN;
        d->count--;
        bool failed = d->failed != SL_OK;
        pthread_cond_signal(&d->not_full);
        pthread_mutex_unlock(&d->mu);
        if (failed) { /* drain: after a failure nothing more is written */
            OGR_F_Destroy(it.f);
            if (it.g)
                OGR_G_DestroyGeometry(it.g);
        } else {
            char *failure = NULL;
            sl_status st = do_write(it.layer, it.f, it.g, it.what, &failure);
            if (st != SL_OK) {
                pthread_mutex_lock(&d->mu);
                d->failed = st;
                d->failure = failure;
                pthread_mutex_unlock(&d->mu);
            }
        }
        free(it.what);
    }
}

sl_status sl_out_layer_write(sl_out_layer *l, OGRFeatureH f, OGRGeometryH g, const char *what,
                             sl_error *err)
{
    sl_out_dataset *d = l->d;
    if (!d->started) {
        pthread_mutex_init(&d->mu, NULL);
        pthread_cond_init(&d->not_empty, NULL);
        pthread_cond_init(&d->not_full, NULL);
        if (pthread_create(&d->thread, NULL, writer_main, d) != 0) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot start the writer thread", d->path);
            OGR_F_Destroy(f);
            if (g)
                OGR_G_DestroyGeometry(g);
            return SL_ERR_IO;
        }
        d->started = true;
    }
    out_item it = {l, f, g, strdup(what)};
    pthread_mutex_lock(&d->mu);
    while (d->count == SL_QUEUE_LEN)
        pthread_cond_wait(&d->not_full, &d->mu);
    sl_status failed = d->failed;
    d->q[(d->head + d->count) % SL_QUEUE_LEN] = it;
    d->count++;
    pthread_cond_signal(&d->not_empty);
    pthread_mutex_unlock(&d->mu);
    /* A failure is reported once, by sl_out_dataset_close(); callers stop
     * feeding as soon as they see it. */
    return failed == SL_OK ? SL_OK : SL_ERR_IO;
}
