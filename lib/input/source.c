/* source.c - open any OGR vector source and measure its parcels. */
#include "input/source.h"

#include <ctype.h>
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <geodesic.h>
#include <ogr_srs_api.h>

#include "util/ogr_util.h"

#define SL_MAX_LOCAL_ZONES 8

/* A metric CRS for buffering parcels of a geographic layer, with both
 * transformations. */
typedef struct local_zone {
    int epsg;
    OGRCoordinateTransformationH to_metric, to_geog;
} local_zone;

struct sl_source {
    char *label; /* source name, passwords hidden */
    GDALDatasetH ds;
    OGRLayerH layer;                 /* owned by ds */
    bool sql_layer;                  /* layer is a result set: release it */
    char *layer_name;                /* the table name, or the SQL query */
    OGRSpatialReferenceH srs;        /* own clone, NULL when none */
    OGRSpatialReferenceH geog;       /* base geographic CRS, lon/lat order */
    OGRCoordinateTransformationH ct; /* srs -> geog; NULL when srs is geographic */
    bool projected;
    double units_m; /* metres per linear unit (projected) */
    char crs_name[128];
    char overridden[128]; /* the source's own CRS that parcels.crs replaced, or "" */
    int map_epsg;         /* sl_source_map_epsg: 0 unknown yet, -1 the source's own */
    char driver[64];
    bool check_utf8;
    char encoding[64];       /* GDAL recodes text from this ("" = none) */
    const char *encoding_by; /* who declared it, for messages; NULL: nobody */
    bool single_byte;        /* encoding is a single-byte code page */
    struct geod_geodesic geod;
    bool have_aou; /* area of use known */
    double aou_w, aou_s, aou_e, aou_n;
    local_zone zones[SL_MAX_LOCAL_ZONES];
    int n_zones;
    double *x, *y; /* scratch point buffers */
    int cap;
};

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* path with its extension replaced by ext, lower or upper case, into buf
 * when that file exists. */
static bool sibling_path(const char *path, const char *ext, char *buf, size_t size)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return false;
    size_t base = (size_t)(dot - path);
    if (base + strlen(ext) + 2 > size)
        return false;
    memcpy(buf, path, base);
    snprintf(buf + base, size - base, ".%s", ext);
    if (file_exists(buf))
        return true;
    for (char *c = buf + base + 1; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    return file_exists(buf);
}

static bool sibling_exists(const char *path, const char *ext)
{
    char buf[4096];
    return sibling_path(path, ext, buf, sizeof buf);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* A shapefile's three files must agree before GDAL reads them: GDAL
 * iterates over the .dbf's records, so a .dbf shorter than the .shp
 * would silently drop parcels.  Checks the .shx and .dbf headers and
 * sizes; adds a message and returns false when they disagree. */
static bool check_shapefile(const sl_source *s, const char *shp, sl_error *err)
{
    char shx[4096], dbf[4096];
    if (!sibling_path(shp, "dbf", dbf, sizeof dbf)) {
        sl_error_add(err, SL_ERR_SOURCE,
                     "%s: the attribute file (.dbf) is missing; it holds the parcels' ids and "
                     "land uses: copy it beside the .shp",
                     s->label);
        return false;
    }
    if (!sibling_path(shp, "shx", shx, sizeof shx))
        return true; /* reported by the caller */
    long long shx_size = file_size(shx), dbf_size = file_size(dbf);
    unsigned char h[32];
    FILE *f = fopen(dbf, "rb");
    size_t k = f ? fread(h, 1, sizeof h, f) : 0;
    if (f)
        fclose(f);
    if (k < sizeof h) {
        sl_error_add(err, SL_ERR_SOURCE, "%s: the .dbf file is damaged (no complete header)",
                     s->label);
        return false;
    }
    long long n_dbf =
        (long long)h[4] | (long long)h[5] << 8 | (long long)h[6] << 16 | (long long)h[7] << 24;
    long long hdr = h[8] | h[9] << 8, rec = h[10] | h[11] << 8;
    if (dbf_size < hdr + n_dbf * rec) {
        sl_error_add(err, SL_ERR_SOURCE,
                     "%s: the .dbf file is cut short: its header announces %lld records but "
                     "the file holds %lld; export the layer again",
                     s->label, n_dbf, rec > 0 && dbf_size > hdr ? (dbf_size - hdr) / rec : 0);
        return false;
    }
    if (shx_size < 100 || (shx_size - 100) % 8 != 0) {
        sl_error_add(err, SL_ERR_SOURCE,
                     "%s: the index file (.shx) is damaged; rebuild it with 'ogrinfo --config "
                     "SHAPE_RESTORE_SHX YES %s' or export the layer again",
                     s->label, s->label);
        return false;
    }
    long long n_shx = (shx_size - 100) / 8;
    if (n_shx != n_dbf) {
        sl_error_add(err, SL_ERR_SOURCE,
                     "%s: the .shp has %lld shapes but the .dbf has %lld records; the files do "
                     "not belong together or one was cut short: export the layer again",
                     s->label, n_shx, n_dbf);
        return false;
    }
    return true;
}

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && path[n - e - 1] == '.' && strcasecmp(path + n - e, ext) == 0;
}

/* The DBF's language driver id byte (offset 29), or -1. */
static int dbf_ldid(const char *shp_path)
{
    char buf[4096];
    size_t n = strlen(shp_path);
    if (n < 4 || n + 1 > sizeof buf)
        return -1;
    memcpy(buf, shp_path, n + 1);
    const char *exts[] = {"dbf", "DBF"};
    for (int i = 0; i < 2; i++) {
        memcpy(buf + n - 3, exts[i], 3);
        FILE *f = fopen(buf, "rb");
        if (!f)
            continue;
        unsigned char hdr[32];
        size_t k = fread(hdr, 1, sizeof hdr, f);
        fclose(f);
        return k == sizeof hdr ? hdr[29] : -1;
    }
    return -1;
}

bool sl_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int n;
        unsigned int cp;
        if ((*p & 0xE0) == 0xC0) {
            n = 1;
            cp = *p & 0x1F;
        } else if ((*p & 0xF0) == 0xE0) {
            n = 2;
            cp = *p & 0x0F;
        } else if ((*p & 0xF8) == 0xF0) {
            n = 3;
            cp = *p & 0x07;
        } else
            return false;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

bool sl_is_sql_query(const char *layer)
{
    while (isspace((unsigned char)*layer))
        layer++;
    static const char *const verbs[] = {"select", "with"};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t n = strlen(verbs[i]);
        if (strncasecmp(layer, verbs[i], n) == 0 &&
            (isspace((unsigned char)layer[n]) || layer[n] == '('))
            return true;
    }
    return false;
}

static void set_crs_name(sl_source *s)
{
    const char *auth = OSRGetAuthorityName(s->srs, NULL);
    const char *code = OSRGetAuthorityCode(s->srs, NULL);
    if (!auth || !code) {
        /* A .prj from ESRI rarely carries an authority: ask PROJ which EPSG
         * CRS it is when the match is certain. */
        OGRSpatialReferenceH c = OSRClone(s->srs);
        if (c && OSRAutoIdentifyEPSG(c) == OGRERR_NONE) {
            auth = OSRGetAuthorityName(c, NULL);
            code = OSRGetAuthorityCode(c, NULL);
            if (auth && code) {
                snprintf(s->crs_name, sizeof s->crs_name, "%s:%s", auth, code);
                OSRDestroySpatialReference(c);
                return;
            }
        }
        OSRDestroySpatialReference(c);
        const char *name = OSRGetName(s->srs);
        snprintf(s->crs_name, sizeof s->crs_name, "%s", name ? name : "unnamed CRS");
        return;
    }
    snprintf(s->crs_name, sizeof s->crs_name, "%s:%s", auth, code);
}

/* The first field of each row of an SQL query, as text, into v[max][64];
 * returns how many rows, or -1 when the query fails. */
static int sql_rows(GDALDatasetH ds, const char *sql, char (*v)[64], int max)
{
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    int n = 0;
    if (r) {
        OGRFeatureH f;
        while (n < max && (f = OGR_L_GetNextFeature(r)) != NULL) {
            snprintf(v[n++], 64, "%s", OGR_F_GetFieldAsString(f, 0));
            OGR_F_Destroy(f);
        }
        GDALDatasetReleaseResultSet(ds, r);
    }
    sl_gdal_capture_pop();
    return r ? n : -1;
}

/* GDAL finds no CRS for the result of a PostgreSQL query whose geometry
 * column passes through a subquery, a CTE or a function: take the SRID of
 * the geometries themselves, through a temporary view of the query (which
 * also names the geometry column when GDAL could not).  Returns the CRS
 * (caller destroys), or NULL when there is none to take; srid[] gets the
 * SRIDs found, *n_srid how many (2 when they disagree). */
static OGRSpatialReferenceH pg_query_srs(sl_source *s, const char *query, char srid[2][64],
                                         int *n_srid)
{
    *n_srid = 0;
    if (strcmp(s->driver, "PostgreSQL") != 0)
        return NULL;
    size_t qn = strlen(query);
    while (qn > 0 && (isspace((unsigned char)query[qn - 1]) || query[qn - 1] == ';'))
        qn--;
    size_t cap = qn + 128;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    snprintf(sql, cap, "CREATE OR REPLACE TEMPORARY VIEW shanglou_query AS %.*s", (int)qn, query);
    char col[1][64];
    sql_rows(s->ds, sql, col, 0);
    free(sql);
    /* A name without quotes in it, so that it can be quoted below. */
    if (sql_rows(s->ds,
                 "SELECT attname FROM pg_attribute WHERE attrelid = "
                 "'pg_temp.shanglou_query'::regclass AND atttypid = 'geometry'::regtype AND "
                 "attnum > 0 AND position('\"' in attname) = 0 ORDER BY attnum LIMIT 1",
                 col, 1) != 1)
        return NULL;
    char q[256];
    snprintf(q, sizeof q,
             "SELECT DISTINCT ST_SRID(\"%s\") FROM pg_temp.shanglou_query WHERE \"%s\" IS NOT "
             "NULL ORDER BY 1 LIMIT 2",
             col[0], col[0]);
    int n = sql_rows(s->ds, q, srid, 2);
    if (n <= 0)
        return NULL;
    *n_srid = n;
    if (n != 1 || atoll(srid[0]) <= 0)
        return NULL;
    /* The SRID's authority code, as PostGIS records it. */
    char code[1][64];
    snprintf(q, sizeof q,
             "SELECT auth_srid FROM spatial_ref_sys WHERE srid = %lld AND upper(auth_name) = "
             "'EPSG'",
             atoll(srid[0]));
    if (sql_rows(s->ds, q, code, 1) != 1 || atoi(code[0]) <= 0)
        return NULL;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(srs, atoi(code[0])) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    return srs;
}

static bool setup_crs(sl_source *s, const sl_source_options *o, sl_error *err)
{
    /* The Shapefile driver reads the .prj only now. */
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(s->layer);
    sl_gdal_capture_pop();
    OGRSpatialReferenceH qsrs = NULL;
    if (s->sql_layer) {
        /* GDAL takes a computed geometry column's CRS from its first row:
         * make sure the others agree. */
        char srid[2][64];
        int n_srid = 0;
        qsrs = pg_query_srs(s, o->layer, srid, &n_srid);
        if (n_srid > 1) {
            sl_error_add(err, SL_ERR_SCENARIO,
                         "%s: the geometries of the parcels.layer query have several SRIDs "
                         "(%s, %s); bring them to one with ST_Transform",
                         s->label, srid[0], srid[1]);
            return false;
        }
    }
    if (o->crs) {
        /* An explicit parcels.crs wins over the source's own: wrong .prj
         * files are common in survey data (docs/scenario.md). */
        s->srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(s->srs, o->crs) != OGRERR_NONE) {
            sl_error_add(err, SL_ERR_SCENARIO,
                         "parcels.crs: '%s' is not a coordinate reference system PROJ knows "
                         "(write it as EPSG:4547, a WKT or a PROJ string)",
                         o->crs);
            if (qsrs)
                OSRDestroySpatialReference(qsrs);
            return false;
        }
        OGRSpatialReferenceH own = lsrs ? lsrs : qsrs;
        static const char *const same_opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                                "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                                                NULL};
        if (own && !OSRIsSameEx(own, s->srs, same_opts)) {
            OGRSpatialReferenceH given = s->srs;
            s->srs = OSRClone(own);
            set_crs_name(s);
            snprintf(s->overridden, sizeof s->overridden, "%s", s->crs_name);
            OSRDestroySpatialReference(s->srs);
            s->srs = given;
        }
        if (qsrs)
            OSRDestroySpatialReference(qsrs);
    } else if (lsrs) {
        s->srs = OSRClone(lsrs);
        if (qsrs)
            OSRDestroySpatialReference(qsrs);
    } else if (qsrs) {
        s->srs = qsrs; /* the SRID of the query's geometries */
    } else {
        if (!o->need_crs)
            return true;
        bool prj = has_ext(s->label, "shp") && sibling_exists(s->label, "prj");
        if (prj)
            sl_error_add(
                err, SL_ERR_SCENARIO,
                "%s: the .prj file could not be read as a coordinate reference system%s%s%s; "
                "fix it or set parcels.crs in the scenario (e.g. crs: EPSG:4547)",
                s->label, cap.last[0] ? " (" : "", cap.last, cap.last[0] ? ")" : "");
        else
            sl_error_add(err, SL_ERR_SCENARIO,
                         "%s: the layer has no coordinate reference system%s; set parcels.crs in "
                         "the scenario (e.g. crs: EPSG:4547 for CGCS2000 Gauss-Krüger CM 114E)",
                         s->label, has_ext(s->label, "shp") ? " (no .prj file)" : "");
        return false;
    }
    OSRSetAxisMappingStrategy(s->srs, OAMS_TRADITIONAL_GIS_ORDER);
    set_crs_name(s);
    s->projected = OSRIsProjected(s->srs);
    if (!s->projected && !OSRIsGeographic(s->srs)) {
        sl_error_add(err, SL_ERR_SCENARIO,
                     "%s: CRS %s is neither geographic nor projected; parcels need a map CRS",
                     s->label, s->crs_name);
        return false;
    }
    s->geog = OSRCloneGeogCS(s->srs);
    if (!s->geog) {
        sl_error_add(err, SL_ERR_SCENARIO, "%s: CRS %s has no geographic base CRS", s->label,
                     s->crs_name);
        return false;
    }
    OSRSetAxisMappingStrategy(s->geog, OAMS_TRADITIONAL_GIS_ORDER);
    if (s->projected) {
        s->units_m = OSRGetLinearUnits(s->srs, NULL);
        s->ct = OCTNewCoordinateTransformation(s->srs, s->geog);
        if (!s->ct) {
            sl_error_add(err, SL_ERR_SCENARIO, "%s: cannot transform CRS %s to its geographic CRS",
                         s->label, s->crs_name);
            return false;
        }
    }
    OGRErr e1 = OGRERR_NONE, e2 = OGRERR_NONE;
    double a = OSRGetSemiMajor(s->geog, &e1);
    double invf = OSRGetInvFlattening(s->geog, &e2);
    if (e1 != OGRERR_NONE || !(a > 0)) {
        sl_error_add(err, SL_ERR_SCENARIO, "%s: CRS %s has no usable ellipsoid", s->label,
                     s->crs_name);
        return false;
    }
    geod_init(&s->geod, a, invf > 0 ? 1.0 / invf : 0.0);
    const char *aou_name = NULL;
    s->have_aou = OSRGetAreaOfUse(s->srs, &s->aou_w, &s->aou_s, &s->aou_e, &s->aou_n, &aou_name) &&
                  s->aou_w > -1000;
    if (!s->have_aou && strncmp(s->crs_name, "EPSG:", 5) == 0) {
        /* A CRS rebuilt by a driver (GeoJSON's "crs" member) may have lost
         * its area of use: take it from the EPSG definition. */
        OGRSpatialReferenceH e = OSRNewSpatialReference(NULL);
        if (OSRImportFromEPSG(e, atoi(s->crs_name + 5)) == OGRERR_NONE)
            s->have_aou =
                OSRGetAreaOfUse(e, &s->aou_w, &s->aou_s, &s->aou_e, &s->aou_n, &aou_name) &&
                s->aou_w > -1000;
        OSRDestroySpatialReference(e);
    }
    return true;
}

/* Code pages in which one character may take several bytes: text read
 * through them cannot be GBK misread byte by byte. */
static bool multibyte_encoding(const char *enc)
{
    static const char *const mb[] = {"UTF", "936",  "GBK", "GB2312", "GB18030",
                                     "950", "BIG5", "932", "SHIFT",  "SJIS",
                                     "949", "EUC",  "KSC", "UHC",    "1361"};
    char up[64];
    size_t n = 0;
    for (; enc[n] && n + 1 < sizeof up; n++)
        up[n] = (char)toupper((unsigned char)enc[n]);
    up[n] = '\0';
    for (size_t i = 0; i < sizeof mb / sizeof mb[0]; i++)
        if (strstr(up, mb[i]))
            return true;
    return false;
}

/* The encoding the Shapefile driver recodes text from, and from where. */
static void find_encoding(sl_source *s)
{
    const char *enc =
        GDALGetMetadataItem((GDALMajorObjectH)s->layer, "SOURCE_ENCODING", "SHAPEFILE");
    if (!enc || !*enc)
        return;
    snprintf(s->encoding, sizeof s->encoding, "%s", enc);
    if (!s->encoding_by) {
        if (GDALGetMetadataItem((GDALMajorObjectH)s->layer, "ENCODING_FROM_CPG", "SHAPEFILE"))
            s->encoding_by = "the .cpg file";
        else if (GDALGetMetadataItem((GDALMajorObjectH)s->layer, "ENCODING_FROM_LDID", "SHAPEFILE"))
            s->encoding_by = "the DBF's language driver id";
    }
    s->single_byte = !multibyte_encoding(s->encoding);
}

const char *sl_source_encoding(const sl_source *s, const char **declared_by)
{
    if (declared_by)
        *declared_by = s->encoding_by;
    return s->encoding[0] && s->encoding_by ? s->encoding : NULL;
}

/* GBK lead and trail bytes. */
static bool gbk_lead(unsigned char c)
{
    return c >= 0x81 && c <= 0xFE;
}
static bool gbk_trail(unsigned char c)
{
    return c >= 0x40 && c <= 0xFE && c != 0x7F;
}

bool sl_source_text_misdecoded(const sl_source *s, const char *text, char **gbk)
{
    *gbk = NULL;
    if (!s->single_byte || !s->encoding[0])
        return false;
    bool high = false;
    for (const unsigned char *p = (const unsigned char *)text; *p && !high; p++)
        high = *p >= 0x80;
    if (!high)
        return false;
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    char *raw = CPLRecode(text, CPL_ENC_UTF8, s->encoding);
    /* Misread GBK: every non-ASCII byte pairs up as GBK, and most pairs
     * lie in the GB2312 area (both bytes 0xA1-0xFE) where common Chinese
     * characters are.  Latin text in a single-byte code page seldom has two
     * accented letters in a row ("Müller" pairs FC 6C: not GB2312). */
    bool gb = raw != NULL;
    int pairs = 0, gb2312 = 0;
    for (const unsigned char *p = (const unsigned char *)raw; gb && *p;) {
        if (*p < 0x80) {
            p++;
        } else if (gbk_lead(p[0]) && gbk_trail(p[1])) {
            pairs++;
            gb2312 += p[0] >= 0xA1 && p[1] >= 0xA1;
            p += 2;
        } else {
            gb = false;
        }
    }
    bool run4 = gb && gb2312 > 0 && 2 * gb2312 >= pairs;
    if (gb && run4)
        *gbk = CPLRecode(raw, "GBK", CPL_ENC_UTF8);
    sl_gdal_capture_pop();
    CPLFree(raw);
    if (*gbk && !sl_utf8_valid(*gbk)) {
        CPLFree(*gbk);
        *gbk = NULL;
    }
    return *gbk != NULL;
}

sl_source *sl_source_open(const sl_source_options *o, sl_error *err)
{
    sl_gdal_init();
    sl_source *s = calloc(1, sizeof *s);
    if (!s) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    size_t lsz = strlen(o->source) + 64;
    s->label = malloc(lsz);
    sl_redact(o->source, s->label, lsz);

    char **opts = NULL;
    bool shp = has_ext(o->source, "shp") || has_ext(o->source, "dbf");
    if (shp && file_exists(o->source)) {
        if (has_ext(o->source, "shp") && !sibling_exists(o->source, "shx")) {
            sl_error_add(err, SL_ERR_SOURCE,
                         "%s: the index file (.shx) is missing; rebuild it with "
                         "'ogrinfo --config SHAPE_RESTORE_SHX YES %s' or export the layer again",
                         s->label, s->label);
            sl_source_destroy(s);
            return NULL;
        }
        if (has_ext(o->source, "shp") && !check_shapefile(s, o->source, err)) {
            sl_source_destroy(s);
            return NULL;
        }
        if (!sibling_exists(o->source, "cpg")) {
            if (o->encoding) {
                opts = CSLSetNameValue(opts, "ENCODING", o->encoding);
                s->encoding_by = "parcels.encoding";
            } else if (dbf_ldid(o->source) <= 0) {
                /* No .cpg, no language driver id, no scenario encoding: read
                 * the bytes as they are and insist they are UTF-8. */
                opts = CSLSetNameValue(opts, "ENCODING", "");
                s->check_utf8 = true;
            }
        }
    }

    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    s->ds = GDALOpenEx(o->source, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                       (const char *const *)opts, NULL);
    sl_gdal_capture_pop();
    CSLDestroy(opts);
    if (!s->ds) {
        char why[sizeof cap.last];
        sl_gdal_message(cap.last, why, sizeof why);
        if (cap.last[0])
            sl_error_add(err, SL_ERR_SOURCE, "cannot open parcel source '%s': %s", s->label, why);
        else if (!file_exists(o->source) && !strchr(o->source, ':'))
            sl_error_add(err, SL_ERR_SOURCE, "cannot open parcel source '%s': no such file",
                         s->label);
        else
            sl_error_add(err, SL_ERR_SOURCE,
                         "cannot open parcel source '%s': no vector driver recognises it",
                         s->label);
        sl_source_destroy(s);
        return NULL;
    }
    GDALDriverH drv = GDALGetDatasetDriver(s->ds);
    snprintf(s->driver, sizeof s->driver, "%s", drv ? GDALGetDriverShortName(drv) : "?");
    /* Reading a table that a run is overwriting (--to into the source's
     * own table) would wait for that run's transaction, which waits for
     * the reading: a lock timeout ends it with a message. */
    if (strcmp(s->driver, "PostgreSQL") == 0)
        sl_pg_set_lock_timeout(s->ds);

    int nl = GDALDatasetGetLayerCount(s->ds);
    if (o->layer && sl_is_sql_query(o->layer)) {
        /* A query is run by the source's own SQL engine (PostgreSQL's for
         * PG: sources); its result set is read like a layer. */
        sl_gdal_capture_push(&cap);
        s->layer = GDALDatasetExecuteSQL(s->ds, o->layer, NULL, NULL);
        sl_gdal_capture_pop();
        if (!s->layer) {
            char why[sizeof cap.last];
            sl_gdal_message(cap.last[0] ? cap.last : "the query returned no result set", why,
                            sizeof why);
            sl_error_add(err, SL_ERR_SCENARIO, "%s: the SQL query of parcels.layer failed: %s",
                         s->label, why);
            sl_source_destroy(s);
            return NULL;
        }
        s->sql_layer = true;
    } else if (o->layer) {
        s->layer = GDALDatasetGetLayerByName(s->ds, o->layer);
        if (!s->layer) {
            char names[1024] = "";
            for (int i = 0; i < nl && strlen(names) < 900; i++) {
                OGRLayerH l = GDALDatasetGetLayer(s->ds, i);
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", OGR_L_GetName(l));
            }
            sl_error_add(err, SL_ERR_SCENARIO, "%s: no layer named '%s' (layers: %s)", s->label,
                         o->layer, nl ? names : "none");
            sl_source_destroy(s);
            return NULL;
        }
    } else {
        if (nl < 1) {
            sl_error_add(err, SL_ERR_SOURCE, "%s: the source has no layers", s->label);
            sl_source_destroy(s);
            return NULL;
        }
        s->layer = GDALDatasetGetLayer(s->ds, 0);
    }
    s->layer_name = strdup(o->layer && s->sql_layer ? o->layer : OGR_L_GetName(s->layer));
    if (!s->layer_name) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        sl_source_destroy(s);
        return NULL;
    }
    if (!setup_crs(s, o, err)) {
        sl_source_destroy(s);
        return NULL;
    }
    find_encoding(s);
    return s;
}

void sl_source_destroy(sl_source *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_zones; i++) {
        OCTDestroyCoordinateTransformation(s->zones[i].to_metric);
        OCTDestroyCoordinateTransformation(s->zones[i].to_geog);
    }
    if (s->ct)
        OCTDestroyCoordinateTransformation(s->ct);
    if (s->geog)
        OSRDestroySpatialReference(s->geog);
    if (s->srs)
        OSRDestroySpatialReference(s->srs);
    if (s->sql_layer && s->layer)
        GDALDatasetReleaseResultSet(s->ds, s->layer);
    if (s->ds)
        GDALClose(s->ds);
    free(s->layer_name);
    free(s->x);
    free(s->y);
    free(s->label);
    free(s);
}

OGRLayerH sl_source_layer(const sl_source *s)
{
    return s->layer;
}
const char *sl_source_layer_name(const sl_source *s)
{
    return s->layer_name;
}
GDALDatasetH sl_source_dataset(const sl_source *s)
{
    return s->ds;
}
const char *sl_source_label(const sl_source *s)
{
    return s->label;
}
OGRSpatialReferenceH sl_source_srs(const sl_source *s)
{
    return s->srs;
}
const char *sl_source_crs_name(const sl_source *s)
{
    return s->srs ? s->crs_name : "none";
}

const char *sl_source_crs_overridden(const sl_source *s)
{
    return s->overridden[0] ? s->overridden : NULL;
}
const char *sl_source_driver(const sl_source *s)
{
    return s->driver;
}
bool sl_source_check_utf8(const sl_source *s)
{
    return s->check_utf8;
}
void sl_source_rewind(sl_source *s)
{
    OGR_L_ResetReading(s->layer);
}

static const char *geom_type_name(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbPoint: return "a Point";
    case wkbLineString: return "a LineString";
    case wkbMultiPoint: return "a MultiPoint";
    case wkbMultiLineString: return "a MultiLineString";
    case wkbGeometryCollection: return "a GeometryCollection";
    default: return OGRGeometryTypeToName(t);
    }
}

static bool is_polygonal(OGRwkbGeometryType t)
{
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon;
}

/* The polygonal parts of g (for MakeValid's collections), or NULL. */
static OGRGeometryH polygonal_part(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (is_polygonal(t))
        return OGR_G_Clone(g);
    if (t != wkbGeometryCollection)
        return NULL;
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
        OGRGeometryH sub = OGR_G_GetGeometryRef(g, i);
        OGRwkbGeometryType st = wkbFlatten(OGR_G_GetGeometryType(sub));
        if (st == wkbPolygon) {
            OGR_G_AddGeometry(mp, sub);
        } else if (st == wkbMultiPolygon) {
            for (int j = 0; j < OGR_G_GetGeometryCount(sub); j++)
                OGR_G_AddGeometry(mp, OGR_G_GetGeometryRef(sub, j));
        }
    }
    if (OGR_G_GetGeometryCount(mp) == 0) {
        OGR_G_DestroyGeometry(mp);
        return NULL;
    }
    if (OGR_G_GetGeometryCount(mp) == 1) {
        OGRGeometryH p = OGR_G_Clone(OGR_G_GetGeometryRef(mp, 0));
        OGR_G_DestroyGeometry(mp);
        return p;
    }
    return mp;
}

/* Does any ring of a (multi)polygon end elsewhere than it starts?  Sets
 * *short_ring when a ring has fewer than 3 points. */
static bool has_unclosed_ring(OGRGeometryH g, bool *short_ring)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    bool open = false;
    if (t == wkbMultiPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            open |= has_unclosed_ring(OGR_G_GetGeometryRef(g, i), short_ring);
        return open;
    }
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
        OGRGeometryH r = OGR_G_GetGeometryRef(g, i);
        int n = OGR_G_GetPointCount(r);
        if (n < 3)
            *short_ring = true;
        if (n < 2)
            continue;
        open |=
            OGR_G_GetX(r, 0) != OGR_G_GetX(r, n - 1) || OGR_G_GetY(r, 0) != OGR_G_GetY(r, n - 1);
    }
    return open;
}

static void add_note(char *note, size_t size, const char *text)
{
    size_t n = strlen(note);
    snprintf(note + n, size - n, "%s%s", n ? "; " : "", text);
}

sl_geom_verdict sl_source_geometry(sl_source *s, OGRFeatureH f, OGRGeometryH *out, char *why,
                                   size_t why_size)
{
    (void)s;
    *out = NULL;
    why[0] = '\0';
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g) {
        snprintf(why, why_size, "no geometry");
        return SL_GEOM_REJECTED;
    }
    /* own: a changed copy of the feature's geometry; note: what changed. */
    OGRGeometryH own = NULL;
    char note[256] = "";
    OGRwkbGeometryType t = OGR_G_GetGeometryType(g);
    if (OGR_GT_IsCurve(t) || OGR_GT_IsSurface(t) || wkbFlatten(t) == wkbMultiSurface) {
        if (!is_polygonal(t) && OGR_G_HasCurveGeometry(g, 0)) {
            own = OGR_G_GetLinearGeometry(g, 0, NULL);
            if (own) {
                g = own;
                t = OGR_G_GetGeometryType(g);
                add_note(note, sizeof note, "curved geometry linearised");
            }
        }
    }
    sl_geom_verdict v = SL_GEOM_REJECTED;
    bool short_ring = false;
    if (!is_polygonal(t)) {
        snprintf(why, why_size, "geometry is %s, not a polygon", geom_type_name(t));
        goto reject;
    }
    if (OGR_G_IsEmpty(g)) {
        snprintf(why, why_size, "empty geometry");
        goto reject;
    }
    /* GeoJSON may leave a ring open (GDAL only warns); the ring the
     * surveyor meant is the closed one. */
    if (has_unclosed_ring(g, &short_ring) && !short_ring) {
        if (!own) {
            own = OGR_G_Clone(g);
            g = own;
        }
        OGR_G_CloseRings(own);
        add_note(note, sizeof note, "unclosed ring closed");
    }
    if (short_ring) {
        snprintf(why, why_size, "a polygon ring has fewer than 3 points");
        goto reject;
    }
    /* A strictly convex simple ring is valid: skip GEOS for the common
     * rectangular lot. */
    sl_gdal_capture cap;
    int valid = sl_geom_convex(g);
    if (!valid) {
        sl_gdal_capture_push(&cap);
        valid = OGR_G_IsValid(g);
        sl_gdal_capture_pop();
    }
    if (valid) {
        if (own) {
            *out = own;
            snprintf(why, why_size, "%s", note);
            return SL_GEOM_REPAIRED;
        }
        *out = g;
        return SL_GEOM_OK;
    }
    sl_gdal_capture_push(&cap);
    OGRGeometryH mv = OGR_G_MakeValid(g);
    sl_gdal_capture_pop();
    OGRGeometryH poly = mv ? polygonal_part(mv) : NULL;
    if (mv)
        OGR_G_DestroyGeometry(mv);
    if (!poly || OGR_G_IsEmpty(poly) || !OGR_G_IsValid(poly)) {
        if (poly)
            OGR_G_DestroyGeometry(poly);
        snprintf(why, why_size, "invalid geometry that MakeValid cannot repair into a polygon");
        goto reject;
    }
    if (own)
        OGR_G_DestroyGeometry(own);
    add_note(note, sizeof note, "invalid geometry repaired with MakeValid");
    *out = poly;
    snprintf(why, why_size, "%s", note);
    return SL_GEOM_REPAIRED;
reject:
    if (own)
        OGR_G_DestroyGeometry(own);
    return v;
}

static bool grow(sl_source *s, int n)
{
    if (n <= s->cap)
        return true;
    int cap = s->cap ? s->cap : 64;
    while (cap < n)
        cap *= 2;
    double *x = realloc(s->x, (size_t)cap * sizeof *x);
    if (!x)
        return false;
    s->x = x;
    double *y = realloc(s->y, (size_t)cap * sizeof *y);
    if (!y)
        return false;
    s->y = y;
    s->cap = cap;
    return true;
}

/* |geodesic area| of one ring; ct NULL when coordinates are lon/lat. */
static double ring_area(sl_source *s, OGRGeometryH ring, OGRCoordinateTransformationH ct,
                        double *perimeter_m, char *why, size_t why_size)
{
    int n = OGR_G_GetPointCount(ring);
    if (n < 3)
        return 0;
    if (!grow(s, n)) {
        snprintf(why, why_size, "out of memory");
        return NAN;
    }
    OGR_G_GetPoints(ring, s->x, sizeof(double), s->y, sizeof(double), NULL, 0);
    /* An easting of 13,000,000 to 45,999,999 m in a Gauss-Krüger CRS
     * carries a zone prefix (38 500 000 rather than 500 000): zones 13-23
     * of 6° and 25-45 of 3°. */
    double e0 = fabs(s->x[0] * s->units_m);
    const char *hint = s->projected && e0 >= 13e6 && e0 < 46e6
                           ? "; an easting of 13,000,000 or more carries a zone prefix: use the "
                             "zone-prefixed CRS (e.g. EPSG:4526 instead of EPSG:4547)"
                           : "";
    if (ct) {
        sl_gdal_capture cap;
        sl_gdal_capture_push(&cap);
        int ok = OCTTransform(ct, n, s->x, s->y, NULL);
        sl_gdal_capture_pop();
        if (!ok) {
            snprintf(why, why_size,
                     "coordinates cannot be transformed from %s to geographic coordinates "
                     "(outside the CRS's valid area)%s",
                     s->crs_name, hint);
            return NAN;
        }
    }
    for (int i = 0; i < n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(s->y[i]) || fabs(s->y[i]) > 90 || fabs(s->x[i]) > 360) {
            snprintf(why, why_size, "coordinates outside the valid range of %s%s", s->crs_name,
                     hint);
            return NAN;
        }
    }
    if (s->have_aou) {
        const double margin = 1.0; /* degrees */
        double lon = s->x[0], lat = s->y[0];
        bool lon_ok =
            s->aou_w <= s->aou_e ? lon >= s->aou_w - margin && lon <= s->aou_e + margin : true;
        if (!lon_ok || lat < s->aou_s - margin || lat > s->aou_n + margin) {
            snprintf(why, why_size,
                     "coordinates lie outside the area of use of %s (%.1f–%.1f°E, "
                     "%.1f–%.1f°N)%s",
                     s->crs_name, s->aou_w, s->aou_e, s->aou_s, s->aou_n, hint);
            return NAN;
        }
    }
    double area = 0, perim = 0;
    geod_polygonarea(&s->geod, s->y, s->x, n, &area, &perim);
    *perimeter_m += perim;
    return fabs(area);
}

static double area_ct(sl_source *s, OGRGeometryH g, OGRCoordinateTransformationH ct,
                      double *perimeter_m, char *why, size_t why_size)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        double sum = 0;
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
            double a = area_ct(s, OGR_G_GetGeometryRef(g, i), ct, perimeter_m, why, why_size);
            if (isnan(a))
                return NAN;
            sum += a;
        }
        return sum;
    }
    if (t != wkbPolygon)
        return 0;
    double a = 0;
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
        double r = ring_area(s, OGR_G_GetGeometryRef(g, i), ct, perimeter_m, why, why_size);
        if (isnan(r))
            return NAN;
        a += i == 0 ? r : -r;
    }
    return a;
}

double sl_source_area_m2(sl_source *s, OGRGeometryH g, double *perimeter_m, char *why,
                         size_t why_size)
{
    double perim = 0;
    why[0] = '\0';
    double a = area_ct(s, g, s->ct, &perim, why, why_size);
    if (perimeter_m)
        *perimeter_m = perim;
    return a;
}

bool sl_geom_convex(OGRGeometryH g)
{
    if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPolygon || OGR_G_GetGeometryCount(g) != 1)
        return false;
    OGRGeometryH ring = OGR_G_GetGeometryRef(g, 0);
    int n = OGR_G_GetPointCount(ring);
    if (n < 4 || n > 64)
        return false;
    double x[64], y[64];
    OGR_G_GetPoints(ring, x, sizeof(double), y, sizeof(double), NULL, 0);
    if (x[0] != x[n - 1] || y[0] != y[n - 1])
        return false;
    int m = n - 1, sign = 0;
    double turning = 0;
    for (int i = 0; i < m; i++) {
        int j = (i + 1) % m, k = (i + 2) % m;
        double ax = x[j] - x[i], ay = y[j] - y[i], bx = x[k] - x[j], by = y[k] - y[j];
        double cross = ax * by - ay * bx;
        if (!isfinite(cross) || cross == 0)
            return false; /* collinear or repeated points: let GEOS judge */
        int sg = cross > 0 ? 1 : -1;
        if (sign == 0)
            sign = sg;
        else if (sg != sign)
            return false;
        turning += atan2(fabs(cross), ax * bx + ay * by);
    }
    /* Turns of one sign adding up to one full turn: a simple convex ring
     * (a pentagram turns twice). */
    return fabs(turning - 2 * M_PI) < 1e-6;
}

/* CGCS2000 3-degree Gauss-Krüger zone (EPSG:4534-4554, CM 75°E-135°E)
 * inside China's extent, else the WGS 84 UTM zone. */
static int local_epsg(double lon, double lat)
{
    if (lon >= 73.5 && lon <= 136.5 && lat >= 3 && lat <= 54) {
        int cm = (int)floor(lon / 3.0 + 0.5) * 3;
        if (cm < 75)
            cm = 75;
        if (cm > 135)
            cm = 135;
        return 4534 + (cm - 75) / 3;
    }
    int zone = (int)floor((lon + 180) / 6) + 1;
    if (zone < 1)
        zone = 1;
    if (zone > 60)
        zone = 60;
    return (lat >= 0 ? 32600 : 32700) + zone;
}

int sl_source_map_epsg(sl_source *s)
{
    if (s->map_epsg == 0) {
        s->map_epsg = -1;
        if (s->srs && !s->projected) {
            OGREnvelope ext;
            sl_gdal_capture cap;
            sl_gdal_capture_push(&cap);
            bool have = OGR_L_GetExtent(s->layer, &ext, TRUE) == OGRERR_NONE;
            sl_gdal_capture_pop();
            if (!have)
                memset(&ext, 0, sizeof ext);
            s->map_epsg = local_epsg((ext.MinX + ext.MaxX) / 2, (ext.MinY + ext.MaxY) / 2);
        }
    }
    return s->map_epsg > 0 ? s->map_epsg : 0;
}

sl_status sl_source_metric_frame(sl_source *s, double lon0, double lat0,
                                 OGRCoordinateTransformationH *ct, double *metres_per_unit,
                                 sl_error *err)
{
    *ct = NULL;
    *metres_per_unit = 1;
    if (s->projected) {
        *metres_per_unit = s->units_m > 0 ? s->units_m : 1;
        return SL_OK;
    }
    int epsg = local_epsg(lon0, lat0);
    OGRSpatialReferenceH m = OSRNewSpatialReference(NULL);
    if (!m || OSRImportFromEPSG(m, epsg) != OGRERR_NONE) {
        OSRDestroySpatialReference(m);
        sl_error_add(err, SL_ERR_SOURCE, "%s: cannot set up EPSG:%d to measure distances", s->label,
                     epsg);
        return SL_ERR_SOURCE;
    }
    OSRSetAxisMappingStrategy(m, OAMS_TRADITIONAL_GIS_ORDER);
    *ct = OCTNewCoordinateTransformation(s->srs, m);
    OSRDestroySpatialReference(m);
    if (!*ct) {
        sl_error_add(err, SL_ERR_SOURCE, "%s: cannot transform to EPSG:%d to measure distances",
                     s->label, epsg);
        return SL_ERR_SOURCE;
    }
    return SL_OK;
}

static local_zone *get_zone(sl_source *s, int epsg)
{
    for (int i = 0; i < s->n_zones; i++)
        if (s->zones[i].epsg == epsg)
            return &s->zones[i];
    if (s->n_zones == SL_MAX_LOCAL_ZONES) {
        /* Rare: parcels spread over many zones; recycle the oldest slot. */
        OCTDestroyCoordinateTransformation(s->zones[0].to_metric);
        OCTDestroyCoordinateTransformation(s->zones[0].to_geog);
        memmove(&s->zones[0], &s->zones[1], (SL_MAX_LOCAL_ZONES - 1) * sizeof s->zones[0]);
        s->n_zones--;
    }
    OGRSpatialReferenceH m = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(m, epsg) != OGRERR_NONE) {
        OSRDestroySpatialReference(m);
        return NULL;
    }
    OSRSetAxisMappingStrategy(m, OAMS_TRADITIONAL_GIS_ORDER);
    local_zone *z = &s->zones[s->n_zones];
    z->epsg = epsg;
    z->to_metric = OCTNewCoordinateTransformation(s->geog, m);
    z->to_geog = OCTNewCoordinateTransformation(m, s->geog);
    OSRDestroySpatialReference(m);
    if (!z->to_metric || !z->to_geog)
        return NULL;
    s->n_zones++;
    return z;
}

double sl_source_shrunk_area_m2(sl_source *s, OGRGeometryH g, double setback_m,
                                OGRGeometryH *shrunk)
{
    char why[256];
    if (shrunk)
        *shrunk = NULL;
    OGRGeometryH res = NULL;
    if (s->projected) {
        res = setback_m > 0 ? OGR_G_Buffer(g, -setback_m / s->units_m, 8) : OGR_G_Clone(g);
    } else {
        OGREnvelope env;
        OGR_G_GetEnvelope(g, &env);
        local_zone *z =
            get_zone(s, local_epsg((env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2));
        if (!z)
            return NAN;
        OGRGeometryH m = OGR_G_Clone(g);
        if (OGR_G_Transform(m, z->to_metric) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(m);
            return NAN;
        }
        res = setback_m > 0 ? OGR_G_Buffer(m, -setback_m, 8) : OGR_G_Clone(m);
        OGR_G_DestroyGeometry(m);
        if (res && !OGR_G_IsEmpty(res) && OGR_G_Transform(res, z->to_geog) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(res);
            return NAN;
        }
    }
    if (!res)
        return NAN;
    double perim = 0;
    double a = OGR_G_IsEmpty(res) ? 0 : area_ct(s, res, s->ct, &perim, why, sizeof why);
    if (shrunk && !OGR_G_IsEmpty(res))
        *shrunk = res;
    else
        OGR_G_DestroyGeometry(res);
    return a;
}
