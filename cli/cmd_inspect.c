/* cmd_inspect.c - `shanglou inspect SOURCE`: what a parcel source holds and
 * a suggested parcels.fields mapping for the scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ogr_srs_api.h>

#include "cli_util.h"
#include "commands.h"
#include "input/source.h"

static const char *inspect_usage =
    "usage: shanglou inspect SOURCE [--layer NAME] [--encoding ENC]\n"
    "\n"
    "Show a parcel source's layers, CRS, feature count and fields with sample\n"
    "values, and suggest the scenario's parcels section (field mapping and\n"
    "industrial land-use codes).  SOURCE is any OGR dataset: a .shp, .gpkg,\n"
    "GeoJSON or FlatGeobuf file, or a PG: connection string.\n";

/* Names planners' layers use for each mapped field, most likely first
 * (地块编号 DKBH, 用地代码 YDDM, 容积率 RJL, 建筑面积 JZMJ, 建筑高度 JZGD, 纳税额 NSE,
 * 企业名称 QYMC, 准备年份 ZBNF). */
static const struct {
    const char *key;
    const char *names[10];
} guesses[] = {
    {"id", {"DKBH", "DKID", "PARCEL_ID", "PARCEL", "ID", "BH", "FID_", "CODE", NULL}},
    {"land_use", {"YDDM", "DLBM", "LAND_USE", "LANDUSE", "YDXZ", "USE_CODE", NULL}},
    {"current_far", {"RJL", "FAR", "CURRENT_FAR", NULL}},
    {"current_gfa", {"JZMJ", "GFA", "CURRENT_GFA", "ZJZMJ", NULL}},
    {"current_height", {"JZGD", "HEIGHT", "CURRENT_HEIGHT", "GD", NULL}},
    {"tax", {"NSE", "TAX", "SSZE", "NSZE", NULL}},
    {"name", {"QYMC", "COMPANY", "ENTERPRISE", "NAME", NULL}},
    {"ready_year", {"ZBNF", "READY_YEAR", NULL}},
};

#define MAX_VALUES 40

int cmd_inspect(int argc, char **argv)
{
    const char *src = NULL, *layer = NULL, *enc = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(inspect_usage, stdout);
            return 0;
        } else if (strcmp(a, "--layer") == 0 || strcmp(a, "--encoding") == 0) {
            if (++i == argc)
                return cli_usage_error(inspect_usage, "inspect: %s needs a value", a);
            *(strcmp(a, "--layer") == 0 ? &layer : &enc) = argv[i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(inspect_usage, "inspect: unknown option '%s'", a);
        } else if (src) {
            return cli_usage_error(inspect_usage, "inspect: unexpected argument '%s'", a);
        } else {
            src = a;
        }
    }
    if (!src)
        return cli_usage_error(inspect_usage, "inspect: missing %s", "SOURCE");
    sl_error err;
    sl_error_init(&err);
    sl_source_options o = {.source = src, .layer = layer, .encoding = enc};
    sl_source *s = sl_source_open(&o, &err);
    if (!s) {
        int rc = cli_print_errors(&err);
        sl_error_clear(&err);
        return rc;
    }
    GDALDatasetH ds = sl_source_dataset(s);
    printf("source: %s (%s)\n", sl_source_label(s), sl_source_driver(s));
    printf("layers:");
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++)
        printf("%s %s", i ? "," : "", OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    printf("\n");
    OGRLayerH l = sl_source_layer(s);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    OGRSpatialReferenceH srs = sl_source_srs(s);
    printf("layer: %s\n", OGR_L_GetName(l));
    printf("  geometry: %s\n", OGRGeometryTypeToName(OGR_L_GetGeomType(l)));
    printf("  features: %lld\n", (long long)OGR_L_GetFeatureCount(l, TRUE));
    printf("  crs: %s%s%s%s\n", srs ? sl_source_crs_name(s) : "none",
           srs && OSRGetName(srs) ? " (" : "", srs && OSRGetName(srs) ? OSRGetName(srs) : "",
           srs && OSRGetName(srs) ? ")" : "");
    if (!srs)
        printf("  (no CRS: the scenario must give parcels.crs, e.g. EPSG:4547)\n");
    if (sl_source_check_utf8(s))
        printf("  encoding: unknown (DBF without .cpg); set parcels.encoding if the text is "
               "not UTF-8 (GBK is usual)\n");

    /* Sample values: first 3 non-null per field, and distinct values of
     * the likely land-use field. */
    int nf = OGR_FD_GetFieldCount(d);
    char(*samples)[3][64] = calloc((size_t)(nf ? nf : 1), sizeof *samples);
    int *ns = calloc((size_t)(nf ? nf : 1), sizeof *ns);
    const char *map[sizeof guesses / sizeof guesses[0]] = {0};
    for (size_t g = 0; g < sizeof guesses / sizeof guesses[0]; g++)
        for (int k = 0; !map[g] && guesses[g].names[k]; k++)
            for (int i = 0; i < nf; i++) {
                const char *fn = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i));
                if (strcasecmp(fn, guesses[g].names[k]) == 0) {
                    map[g] = fn;
                    break;
                }
            }
    int lu = map[1] ? OGR_FD_GetFieldIndex(d, map[1]) : -1;
    char *values[MAX_VALUES];
    int nv = 0;
    bool more_values = false;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    long long scanned = 0;
    while ((f = OGR_L_GetNextFeature(l)) != NULL && scanned < 100000) {
        scanned++;
        for (int i = 0; i < nf; i++) {
            if (ns[i] < 3 && OGR_F_IsFieldSetAndNotNull(f, i)) {
                const char *v = OGR_F_GetFieldAsString(f, i);
                if (*v)
                    snprintf(samples[i][ns[i]++], 64, "%s", v);
            }
        }
        if (lu >= 0 && OGR_F_IsFieldSetAndNotNull(f, lu)) {
            const char *v = OGR_F_GetFieldAsString(f, lu);
            bool seen = false;
            for (int k = 0; k < nv && !seen; k++)
                seen = strcmp(values[k], v) == 0;
            if (!seen && nv < MAX_VALUES)
                values[nv++] = strdup(v);
            else if (!seen)
                more_values = true;
        }
        OGR_F_Destroy(f);
    }
    if (f)
        OGR_F_Destroy(f);
    printf("  fields:\n");
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(d, i);
        printf("    %-12s %-10s", OGR_Fld_GetNameRef(fd),
               OGR_GetFieldTypeName(OGR_Fld_GetType(fd)));
        for (int k = 0; k < ns[i]; k++)
            printf("%s%s", k ? ", " : "  e.g. ", samples[i][k]);
        printf("\n");
    }
    if (lu >= 0) {
        printf("  values of %s:", map[1]);
        for (int k = 0; k < nv; k++)
            printf("%s %s", k ? "," : "", values[k]);
        printf("%s\n", more_values ? ", ..." : "");
    }

    printf("\nsuggested scenario section:\n\nparcels:\n  source: %s\n  layer: %s\n",
           sl_source_label(s), OGR_L_GetName(l));
    if (!srs)
        printf("  crs: EPSG:4547            # CHECK: the source has none\n");
    if (sl_source_check_utf8(s))
        printf("  encoding: GBK             # CHECK: the DBF has no .cpg\n");
    printf("  fields: {");
    int nm = 0;
    for (size_t g = 0; g < sizeof guesses / sizeof guesses[0]; g++)
        if (map[g])
            printf("%s%s: %s", nm++ ? ", " : "", guesses[g].key, map[g]);
    printf("}\n");
    if (!map[0] || !map[1])
        printf("  # CHECK: no field looks like the %s; map it by hand\n",
               !map[0] ? "parcel id" : "land-use code");
    printf("  industrial_land_uses: [");
    int ni = 0;
    for (int k = 0; k < nv; k++) {
        /* GB 50137 M-codes and the national 1001xx 工业用地 codes. */
        const char *v = values[k];
        if ((v[0] == 'M' && v[1] >= '0' && v[1] <= '9') || strncmp(v, "1001", 4) == 0)
            printf("%s\"%s\"", ni++ ? ", " : "", v);
    }
    printf("]\n");
    for (int k = 0; k < nv; k++)
        free(values[k]);
    free(samples);
    free(ns);
    sl_source_destroy(s);
    sl_error_clear(&err);
    return 0;
}
