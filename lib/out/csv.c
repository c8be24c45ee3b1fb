/* csv.c - layer attributes as UTF-8 CSV with a BOM. */
#include "out/csv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "out/parcels_layer.h"
#include "util/ogr_util.h"

static void put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

sl_status sl_csv_write_layer(const char *src_path, const char *layer, const char *csv_path,
                             sl_error *err)
{
    return sl_csv_write_layer_for(src_path, layer, csv_path, NULL, err);
}

sl_status sl_csv_write_layer_for(const char *src_path, const char *layer, const char *csv_path,
                                 const sl_scenario *sc, sl_error *err)
{
    sl_gdal_init();
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    GDALDatasetH ds = GDALOpenEx(src_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, layer) : NULL;
    sl_gdal_capture_pop();
    if (!l) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot read layer %s: %s", src_path, layer,
                     cap.last[0] ? cap.last : "not found");
        if (ds)
            GDALClose(ds);
        return SL_ERR_IO;
    }
    FILE *f = fopen(csv_path, "wb");
    if (!f) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", csv_path, strerror(errno));
        GDALClose(ds);
        return SL_ERR_IO;
    }
    fputs("\xEF\xBB\xBF", f);
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    int n = OGR_FD_GetFieldCount(fd);
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        char buf[400];
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
        put_field(f, sc ? sl_parcels_field_header(sc, name, buf, sizeof buf) : name);
    }
    fputs("\r\n", f);
    OGR_L_ResetReading(l);
    OGRFeatureH feat;
    while ((feat = OGR_L_GetNextFeature(l)) != NULL) {
        for (int i = 0; i < n; i++) {
            if (i)
                fputc(',', f);
            if (OGR_F_IsFieldSetAndNotNull(feat, i))
                put_field(f, OGR_F_GetFieldAsString(feat, i));
        }
        fputs("\r\n", f);
        OGR_F_Destroy(feat);
    }
    GDALClose(ds);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", csv_path, strerror(errno));
        return SL_ERR_IO;
    }
    return SL_OK;
}
