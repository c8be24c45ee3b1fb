/* geopackage.c - shanglou.gpkg: parcels, buildings, floors and their styles. */
#include "out/geopackage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/statvfs.h>

#include <cpl_conv.h>

#include "out/buildings_layer.h"
#include "out/floors_layer.h"
#include "out/layer_writer.h"
#include "out/parcels_layer.h"
#include "out/styles.h"
#include "input/source.h"

struct sl_gpkg_writer {
    char *path;
    const sl_zone *z;
    bool plan_mode;
    sl_out_dataset *d;
    sl_parcels_writer *parcels;
    sl_buildings_writer *buildings;
    sl_floors_writer *floors;
};

/* Is the filesystem of path (nearly) full?  A GeoPackage is written in
 * SQLite pages of up to 64 KiB. */
static bool disk_full(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    struct statvfs sv;
    return statvfs(slash ? dir : ".", &sv) == 0 &&
           (double)sv.f_bavail * (double)sv.f_frsize < 65536.0;
}

static void release(sl_gpkg_writer *w)
{
    sl_buildings_writer_close(w->buildings);
    sl_floors_writer_close(w->floors);
    free(w->path);
    free(w);
}

sl_gpkg_writer *sl_gpkg_writer_open(const char *path, const sl_zone *z, bool plan_mode,
                                    sl_error *err)
{
    sl_gpkg_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->z = z;
    w->plan_mode = plan_mode;
    /* The same input gives the same bytes: GDAL stamps gpkg_contents with
     * the current time unless told otherwise (reset on close). */
    CPLSetConfigOption("OGR_CURRENT_DATE", SL_GPKG_DATE);
    bool ok = (w->d = sl_out_dataset_create(path, "GPKG", err)) &&
              sl_out_dataset_set_crs(w->d, sl_source_map_epsg(z->src), err) == SL_OK &&
              (w->parcels = sl_parcels_writer_open_in(w->d, z, plan_mode, err));
    if (ok && plan_mode)
        ok = (w->buildings = sl_buildings_writer_open_in(w->d, z, err)) &&
             (w->floors = sl_floors_writer_open_in(w->d, z, err));
    if (!ok) {
        sl_gpkg_writer_close(w, NULL);
        return NULL;
    }
    return w;
}

sl_status sl_gpkg_writer_add(sl_gpkg_writer *w, const sl_parcel *p, OGRFeatureH src,
                             OGRGeometryH geom, const sl_parcel_plan *pp, OGRGeometryH factory,
                             OGRGeometryH office, sl_error *err)
{
    /* A copy: the parcels writer would take src's own geometry over. */
    OGRGeometryH copy = geom ? OGR_G_Clone(geom) : NULL;
    sl_status st = sl_parcels_writer_add(w->parcels, p, src, copy, w->plan_mode ? pp : NULL, err);
    if (copy)
        OGR_G_DestroyGeometry(copy);
    if (st != SL_OK || !w->plan_mode || !pp || !pp->redeveloped)
        return st;
    st = sl_buildings_writer_add(w->buildings, p, pp, factory, office, err);
    if (st == SL_OK)
        st = sl_floors_writer_add(w->floors, p, pp, factory, office, err);
    return st;
}

void sl_gpkg_writer_set_economics(sl_gpkg_writer *w, const sl_economics *e)
{
    if (w)
        sl_parcels_writer_set_economics(w->parcels, e);
}

sl_status sl_gpkg_writer_close(sl_gpkg_writer *w, sl_error *err)
{
    if (!w)
        return SL_OK;
    sl_status st = SL_OK;
    if (w->parcels)
        st = sl_parcels_writer_close(w->parcels, err);
    sl_status cst = sl_out_dataset_close(w->d, err);
    if (st == SL_OK)
        st = cst;
    /* Styles go in once the layers are complete and the file closed: the
     * dataset's writer thread owns its handles until then. */
    if (st == SL_OK && err && w->d)
        st = sl_styles_write_gpkg(w->path, w->z->sc, w->plan_mode, err);
    CPLSetConfigOption("OGR_CURRENT_DATE", NULL);
    /* SQLite on a full disk fails with messages about missing tables or
     * I/O: say what happened. */
    if (st != SL_OK && err && disk_full(w->path))
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: no space left on device", w->path);
    release(w);
    return st;
}
