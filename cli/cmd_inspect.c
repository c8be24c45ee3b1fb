/* cmd_inspect.c - `shanglou inspect SOURCE`: what a parcel source holds and
 * a suggested parcels.fields mapping for the scenario. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ogr_srs_api.h>

#include "cli_util.h"
#include "commands.h"
#include "input/source.h"

static const char *inspect_usage =
    "usage: shanglou inspect SOURCE [--layer NAME] [--encoding ENC] [--for SCENARIO]\n"
    "\n"
    "Show a parcel source's layers, CRS, feature count and fields with sample\n"
    "values, and suggest the scenario's parcels section (field mapping and\n"
    "industrial land-use codes).  SOURCE is any OGR dataset: a .shp, .gpkg,\n"
    "GeoJSON or FlatGeobuf file, or a PG: connection string.\n"
    "\n"
    "      --for SCENARIO  the scenario file the section is for (it need not exist\n"
    "                      yet): source is given relative to its directory, as\n"
    "                      paths in a scenario are; without it, an absolute path\n";

/* Names layers use for each mapped field, most likely first: the Chinese
 * survey's pinyin initials (地块编号 DKBH, 用地代码 YDDM, 容积率 RJL, 建筑面积
 * JZMJ, 建筑高度 JZGD, 纳税额 NSE, 企业名称 QYMC, 准备年份 ZBNF), the Chinese names themselves and common
 * English ones (MapPLUTO's BuiltFAR, LandUse ...).  Compared ignoring the
 * case of ASCII letters.  Numeric keys take only numeric fields. */
#define N_KEYS 8
static const struct {
    const char *key;
    bool numeric;
    const char *names[20];
} guesses[N_KEYS] = {
    {"id",
     false,
     {"DKBH", "地块编号", "宗地编号", "DKID", "ZDBH", "PARCEL_ID", "PARCELID", "PARCEL", "APN",
      "BBL", "PIN", "ID", "BH", "CODE", NULL}},
    {"land_use",
     false,
     {"YDDM", "用地代码", "DLBM", "LAND_USE", "LANDUSE", "USE_CODE", "YDXZ", "用地性质", "地类编码",
      "ZONING", "LU", NULL}},
    {"current_far", true, {"RJL", "容积率", "FAR", "BuiltFAR", "CURRENT_FAR", "PLOT_RATIO", NULL}},
    {"current_gfa",
     true,
     {"JZMJ", "建筑面积", "总建筑面积", "ZJZMJ", "GFA", "GFA_M2", "FLOOR_AREA", "CURRENT_GFA",
      "BldgArea", NULL}},
    {"current_height",
     true,
     {"JZGD", "建筑高度", "HEIGHT", "HEIGHT_M", "BLDG_HEIGHT", "HeightRoof", "CURRENT_HEIGHT", "GD",
      NULL}},
    {"tax", true, {"NSE", "纳税额", "税收", "TAX", "TAX_CNY", "SSZE", "NSZE", NULL}},
    {"name", false, {"QYMC", "企业名称", "COMPANY", "ENTERPRISE", "NAME", NULL}},
    {"ready_year", true, {"ZBNF", "准备年份", "READY_YEAR", NULL}},
};

/* Fields recognised but not mapped as they are, and why. */
static const struct {
    const char *name, *why;
} unusable[] = {
    {"BldgArea", "BldgArea is floor area in square feet (MapPLUTO): shanglou needs m²; map "
                 "BuiltFAR as current_far, or add a field BldgArea × 0.0929"},
};

static const char *unusable_why(const char *name)
{
    for (size_t i = 0; i < sizeof unusable / sizeof unusable[0]; i++)
        if (strcasecmp(name, unusable[i].name) == 0)
            return unusable[i].why;
    return NULL;
}

static bool numeric_type(OGRFieldType t)
{
    return t == OFTInteger || t == OFTInteger64 || t == OFTReal;
}

static bool has_prj(const char *src)
{
    size_t n = strlen(src);
    if (n < 4 || strcasecmp(src + n - 4, ".shp") != 0)
        return false;
    char *prj = strdup(src);
    if (!prj)
        return false;
    strcpy(prj + n - 4, ".prj");
    bool ok = access(prj, F_OK) == 0;
    free(prj);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A value that occurs twice in v[0..n) (sorted in place), or NULL. */
static const char *repeated(char **v, long long n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_str);
    for (long long i = 1; i < n; i++)
        if (strcmp(v[i - 1], v[i]) == 0)
            return v[i];
    return NULL;
}

/* The path `to` written relative to the directory `from` (both absolute
 * and without "." or ".." parts, as realpath gives them), into buf. */
static void relative_path(const char *from, const char *to, char *buf, size_t size)
{
    const char *f = from, *t = to;
    /* skip the common leading directories */
    for (;;) {
        while (*f == '/')
            f++;
        while (*t == '/')
            t++;
        size_t lf = strcspn(f, "/"), lt = strcspn(t, "/");
        if (lf == 0 || lf != lt || strncmp(f, t, lf) != 0 || t[lt] != '/')
            break;
        f += lf;
        t += lt;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (; *f; f += strcspn(f, "/")) {
        while (*f == '/')
            f++;
        if (!*f)
            break;
        int w = snprintf(buf + used, size - used, "../");
        if (w > 0 && (size_t)w < size - used)
            used += (size_t)w;
    }
    snprintf(buf + used, size - used, "%s", t);
}

/* What the coordinates of a layer without a CRS look like, as a CRS
 * suggestion with its reason; false when they say nothing certain
 * (metres without a zone prefix could be any zone). */
static bool crs_from_coordinates(OGRLayerH l, char *crs, size_t crs_size, char *why,
                                 size_t why_size)
{
    OGREnvelope e;
    if (OGR_L_GetExtent(l, &e, TRUE) != OGRERR_NONE)
        return false;
    if (e.MinX >= -180 && e.MaxX <= 180 && e.MinY >= -90 && e.MaxY <= 90) {
        bool china = e.MinX >= 73 && e.MaxX <= 136 && e.MinY >= 3 && e.MaxY <= 54;
        snprintf(crs, crs_size, "EPSG:%d", china ? 4490 : 4326);
        snprintf(why, why_size,
                 "the coordinates look like longitude and latitude (x %.4f to %.4f, y %.4f to "
                 "%.4f)%s",
                 e.MinX, e.MaxX, e.MinY, e.MaxY,
                 china ? ": CGCS2000; EPSG:4326 if the survey used WGS 84" : "");
        return true;
    }
    int zone = (int)(e.MinX / 1e6);
    if (zone == (int)(e.MaxX / 1e6) && e.MinY > 0 && e.MaxY < 1e7 &&
        ((zone >= 25 && zone <= 45) || (zone >= 13 && zone <= 23))) {
        bool three = zone >= 25;
        int epsg = three ? 4513 + zone - 25 : 4491 + zone - 13;
        snprintf(crs, crs_size, "EPSG:%d", epsg);
        snprintf(why, why_size,
                 "the eastings (%.0f to %.0f) carry the zone prefix %d: CGCS2000 %s-degree "
                 "Gauss-Krüger zone %d; the Xian 80 or Beijing 54 CRS of that zone if the "
                 "survey says so",
                 e.MinX, e.MaxX, zone, three ? "3" : "6", zone);
        return true;
    }
    return false;
}

#define MAX_VALUES 40

int cmd_inspect(int argc, char **argv)
{
    const char *src = NULL, *layer = NULL, *enc = NULL, *for_scenario = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(inspect_usage, stdout);
            return 0;
        } else if (strcmp(a, "--layer") == 0 || strcmp(a, "--encoding") == 0 ||
                   strcmp(a, "--for") == 0) {
            if (++i == argc)
                return cli_usage_error(inspect_usage, "inspect: %s needs a value", a);
            *(strcmp(a, "--layer") == 0      ? &layer
              : strcmp(a, "--encoding") == 0 ? &enc
                                             : &for_scenario) = argv[i];
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
    const char *map[N_KEYS] = {0};
    const char *notes[N_KEYS] = {0};
    /* id candidates: every field named like an id, checked for repeats */
    int id_cand[20], n_id_cand = 0;
    for (int g = 0; g < N_KEYS; g++)
        for (int k = 0; guesses[g].names[k]; k++)
            for (int i = 0; i < nf; i++) {
                OGRFieldDefnH fd = OGR_FD_GetFieldDefn(d, i);
                const char *fn = OGR_Fld_GetNameRef(fd);
                if (strcasecmp(fn, guesses[g].names[k]) != 0)
                    continue;
                if (guesses[g].numeric && !numeric_type(OGR_Fld_GetType(fd)))
                    continue;
                if (g == 0) {
                    if (n_id_cand < 20)
                        id_cand[n_id_cand++] = i;
                } else if (unusable_why(fn)) {
                    if (!map[g] && !notes[g])
                        notes[g] = unusable_why(fn);
                } else if (!map[g]) {
                    map[g] = fn;
                }
            }
    long long feature_count = OGR_L_GetFeatureCount(l, TRUE);
    long long id_cap = feature_count > 0 && feature_count <= 100000 ? feature_count : 100000;
    char **id_vals = calloc((size_t)(n_id_cand ? n_id_cand : 1) * (size_t)id_cap, sizeof *id_vals);
    long long *n_id_vals = calloc((size_t)(n_id_cand ? n_id_cand : 1), sizeof *n_id_vals);
    bool *id_null = calloc((size_t)(n_id_cand ? n_id_cand : 1), sizeof *id_null);
    if (!id_vals || !n_id_vals || !id_null)
        n_id_cand = 0;
    int lu = map[1] ? OGR_FD_GetFieldIndex(d, map[1]) : -1;
    /* sampled below while the features are read */
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
        for (int c = 0; c < n_id_cand; c++) {
            int i = id_cand[c];
            if (!OGR_F_IsFieldSetAndNotNull(f, i) || !*OGR_F_GetFieldAsString(f, i))
                id_null[c] = true;
            else if (n_id_vals[c] < id_cap)
                id_vals[(size_t)c * (size_t)id_cap + (size_t)n_id_vals[c]++] =
                    strdup(OGR_F_GetFieldAsString(f, i));
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
    /* The id: the first candidate whose values are all present and
     * distinct; the others are named with a repeated value. */
    char id_notes[1024] = "";
    size_t id_notes_len = 0;
    for (int c = 0; c < n_id_cand; c++) {
        char **v = &id_vals[(size_t)c * (size_t)id_cap];
        const char *fn = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, id_cand[c]));
        const char *rep = repeated(v, n_id_vals[c]);
        if (!rep && !id_null[c] && n_id_vals[c] > 0) {
            if (!map[0])
                map[0] = fn;
            continue;
        }
        if (map[0] && strcmp(map[0], fn) == 0)
            continue;
        int w = snprintf(id_notes + id_notes_len, sizeof id_notes - id_notes_len,
                         "  # not id: %s %s%s%s\n", fn, rep ? "repeats the value '" : "is empty",
                         rep ? rep : " in some features", rep ? "'" : "");
        if (w > 0 && (size_t)w < sizeof id_notes - id_notes_len)
            id_notes_len += (size_t)w;
    }
    for (int c = 0; c < n_id_cand; c++)
        for (long long k = 0; k < n_id_vals[c]; k++)
            free(id_vals[(size_t)c * (size_t)id_cap + (size_t)k]);
    free(id_vals);
    free(n_id_vals);
    free(id_null);
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

    /* The source as the scenario will read it: paths in a scenario are
     * relative to the scenario file. */
    char where[8192];
    const char *note = NULL;
    snprintf(where, sizeof where, "%s", sl_source_label(s));
    char *abs_src = strncmp(src, "PG:", 3) == 0 ? NULL : realpath(src, NULL);
    if (abs_src) {
        char *abs_dir = NULL;
        if (for_scenario) {
            char *copy = strdup(for_scenario);
            char *slash = copy ? strrchr(copy, '/') : NULL;
            if (slash == copy)
                slash[1] = '\0';
            else if (slash)
                *slash = '\0';
            abs_dir = copy ? realpath(slash ? copy : ".", NULL) : NULL;
            free(copy);
        }
        if (abs_dir) {
            relative_path(abs_dir, abs_src, where, sizeof where);
            note = "relative to the scenario file, as paths in a scenario are";
        } else {
            snprintf(where, sizeof where, "%s", abs_src);
            note = for_scenario ? "absolute: the directory of --for does not exist"
                                : "absolute; paths in a scenario are relative to the scenario "
                                  "file (inspect --for SCENARIO writes it so)";
        }
        free(abs_dir);
        free(abs_src);
    }
    printf("\nsuggested scenario section:\n\nparcels:\n  source: %s%s%s\n  layer: %s\n", where,
           note ? "   # " : "", note ? note : "", OGR_L_GetName(l));
    if (srs) {
        printf("  # crs: %s, as the source says%s; give parcels.crs only to override a wrong "
               "one\n",
               sl_source_crs_name(s), has_prj(src) ? " (.prj file)" : "");
    } else {
        char crs[32], why[512];
        if (crs_from_coordinates(l, crs, sizeof crs, why, sizeof why))
            printf("  crs: %s   # CHECK: the source has no CRS; %s\n", crs, why);
        else
            printf("  # crs: CHECK: the source has no CRS and its coordinates do not tell which; "
                   "ask the data's owner (e.g. EPSG:4547 for CGCS2000 Gauss-Krüger CM 114E)\n");
    }
    if (sl_source_check_utf8(s))
        printf("  encoding: GBK             # CHECK: the DBF has no .cpg\n");
    printf("  fields: {");
    int nm = 0;
    for (int g = 0; g < N_KEYS; g++)
        if (map[g])
            printf("%s%s: %s", nm++ ? ", " : "", guesses[g].key, map[g]);
    printf("}\n");
    fputs(id_notes, stdout);
    if (!map[0])
        printf("  # CHECK: no field looks like the parcel id (one distinct value per feature); "
               "map it by hand\n");
    if (!map[1])
        printf("  # CHECK: no field looks like the land-use code; map it by hand\n");
    for (int g = 2; g < N_KEYS; g++)
        if (!map[g] && notes[g])
            printf("  # %s: %s\n", guesses[g].key, notes[g]);
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
