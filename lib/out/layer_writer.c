/* layer_writer.c - OGR output datasets and layers, RFC 7946 for GeoJSON. */
#include "out/layer_writer.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_srs_api.h>

#include "util/ogr_util.h"

#define SL_MAX_OUT_LAYERS 8
#define SL_QUEUE_LEN      1024
#define SL_WRITE_BATCH    64

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

/* In a PostgreSQL dataset the writers fill features of a definition of
 * their own ("logical"), numbered as they added the fields, and the
 * writer thread copies each into a feature of the table through col[]:
 * a table that is appended to has its columns in its own order, and
 * the run_id and scenario columns are ours.  Invariant: col has
 * OGR_FD_GetFieldCount(logical) entries, each a column of the table or -1
 * (not written). */
typedef struct pg_layer {
    OGRFeatureDefnH logical;
    int *col;
    int n_col, cap_col;
    int run_col, scenario_col; /* the table's run_id and scenario columns */
    bool multi;                /* promote polygons to the column's MultiPolygon */
    bool existing;             /* appending to a table that exists: columns are
                                        looked up, not made, and no index is added */
    char *table;
    char *missing; /* append: "a, b (integer, not real)", or NULL */
    bool nomem;    /* a column could not be recorded: the run fails */
} pg_layer;

struct sl_out_layer {
    sl_out_dataset *d;
    OGRLayerH layer;
    OGRSpatialReferenceH srs;        /* GeoJSON: the geometries' CRS (clone) */
    OGRCoordinateTransformationH ct; /* GeoJSON: srs -> WGS 84, used by the caller's thread */
    bool ct_ready;
    pg_layer *pg; /* PostgreSQL only */
};

struct sl_out_dataset {
    char *path; /* PostgreSQL: the connection, password hidden */
    GDALDatasetH ds;
    bool geojson;
    bool pg; /* a PostgreSQL run: one transaction */
    bool in_txn;
    sl_pg_mode mode;
    char *prefix, *run_id, *scenario;
    OGRSpatialReferenceH wgs84;
    OGRSpatialReferenceH target; /* not GeoJSON: the layers' CRS when set (a clone) */
    int n;
    sl_out_layer layers[SL_MAX_OUT_LAYERS];
    /* writer thread and its queue (ring buffer), guarded by mu */
    bool started, stopping;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    out_item q[SL_QUEUE_LEN];
    int head, count;
    bool producer_waiting, consumer_waiting;
    bool busy;           /* the writer thread is writing an item */
    pthread_cond_t idle; /* signalled when the queue is empty and !busy */
    bool aborted;        /* drain the queue without writing */
    bool transactions;   /* GPKG: all features in one transaction */
    sl_status failed;    /* first failure of the writer thread */
    char *failure;       /* its message */
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

sl_status sl_out_dataset_set_crs(sl_out_dataset *d, int epsg, sl_error *err)
{
    if (d->geojson || d->pg || epsg <= 0)
        return SL_OK;
    OGRSpatialReferenceH t = OSRNewSpatialReference(NULL);
    if (!t || OSRImportFromEPSG(t, epsg) != OGRERR_NONE) {
        OSRDestroySpatialReference(t);
        sl_error_add(err, SL_ERR_IO, "%s: cannot set up EPSG:%d for the map", d->path, epsg);
        return SL_ERR_IO;
    }
    OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
    if (d->target)
        OSRDestroySpatialReference(d->target);
    d->target = t;
    return SL_OK;
}

const char *sl_pg_mode_name(sl_pg_mode m)
{
    static const char *const names[] = {"create", "overwrite", "append"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

bool sl_pg_mode_parse(const char *s, sl_pg_mode *m)
{
    for (int i = SL_PG_CREATE; i <= SL_PG_APPEND; i++) {
        if (strcmp(s, sl_pg_mode_name((sl_pg_mode)i)) == 0) {
            *m = (sl_pg_mode)i;
            return true;
        }
    }
    return false;
}

void sl_out_run_id(char *buf, size_t size)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static char last[32];
    static int count;
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)t);
    pthread_mutex_lock(&mu);
    count = strcmp(stamp, last) == 0 ? count + 1 : 1;
    snprintf(last, sizeof last, "%s", stamp);
    int n = count;
    pthread_mutex_unlock(&mu);
    if (n == 1)
        snprintf(buf, size, "%s-%ld", stamp, (long)getpid());
    else
        snprintf(buf, size, "%s-%ld-%d", stamp, (long)getpid(), n);
}

/* n bytes of s: lower-case ASCII letters, digits and '_', not starting
 * with a digit.  PostgreSQL takes such a name unquoted and GDAL's
 * laundering leaves it as it is, so the tables are named as asked. */
static bool plain_name(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max || isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

bool sl_pg_prefix_valid(const char *p)
{
    const char *dot = strchr(p, '.');
    const char *table = dot ? dot + 1 : p;
    if (dot && !plain_name(p, (size_t)(dot - p), 63))
        return false;
    return *table == '\0' || plain_name(table, strlen(table), 48);
}

sl_out_dataset *sl_out_dataset_open_pg(const char *conn, const char *prefix, sl_pg_mode mode,
                                       const char *run_id, const char *scenario, sl_error *err)
{
    sl_gdal_init();
    if (!prefix)
        prefix = SL_PG_DEFAULT_PREFIX;
    size_t lsz = strlen(conn) + 64;
    sl_out_dataset *d = calloc(1, sizeof *d);
    char *label = malloc(lsz);
    if (!d || !label || !(d->prefix = strdup(prefix)) || !(d->run_id = strdup(run_id)) ||
        !(d->scenario = strdup(scenario ? scenario : ""))) {
        if (d) {
            free(d->prefix);
            free(d->run_id);
        }
        free(d);
        free(label);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    sl_redact(conn, label, lsz);
    d->path = label;
    d->pg = true;
    d->mode = mode;
    if (strncasecmp(conn, "PG:", 3) != 0) {
        sl_error_add(err, SL_ERR_USAGE,
                     "%s: not a PostgreSQL connection string (PG:dbname=NAME host=HOST "
                     "user=USER ...)",
                     d->path);
        sl_out_dataset_abort(d, NULL);
        return NULL;
    }
    if (!sl_pg_prefix_valid(prefix)) {
        sl_error_add(err, SL_ERR_USAGE, "table prefix '%s': %s", prefix, SL_PG_PREFIX_RULE);
        sl_out_dataset_abort(d, NULL);
        return NULL;
    }
    static const char *const drivers[] = {"PostgreSQL", NULL};
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    d->ds = GDALOpenEx(conn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
    sl_gdal_capture_pop();
    char why[sizeof cap.last];
    if (!d->ds) {
        sl_gdal_message(cap.first[0] ? cap.first : "cannot connect: no reason given", why,
                        sizeof why);
        sl_error_add(err, SL_ERR_IO, "%s: %s%s", d->path,
                     strncmp(why, "cannot connect", 14) == 0 ? "" : "cannot connect: ", why);
        sl_out_dataset_abort(d, NULL);
        return NULL;
    }
    /* Without PostGIS the driver would write geometries as bytea: say so
     * rather than write tables QGIS cannot show. */
    sl_gdal_capture_push(&cap);
    OGRLayerH v = GDALDatasetExecuteSQL(d->ds, "SELECT postgis_lib_version()", NULL, NULL);
    sl_gdal_capture_pop();
    if (!v) {
        sl_error_add(err, SL_ERR_IO,
                     "%s: the database has no PostGIS; a superuser adds it with "
                     "CREATE EXTENSION postgis",
                     d->path);
        sl_out_dataset_abort(d, NULL);
        return NULL;
    }
    GDALDatasetReleaseResultSet(d->ds, v);
    /* A table another session keeps locked (QGIS editing it, say) fails
     * the run after a while instead of hanging it. */
    sl_pg_set_lock_timeout(d->ds);
    sl_gdal_capture_push(&cap);
    OGRErr e = GDALDatasetStartTransaction(d->ds, FALSE);
    sl_gdal_capture_pop();
    if (e != OGRERR_NONE) {
        sl_gdal_message(cap.first[0] ? cap.first : "driver failure", why, sizeof why);
        sl_error_add(err, SL_ERR_IO, "%s: cannot start a transaction: %s", d->path, why);
        sl_out_dataset_abort(d, NULL);
        return NULL;
    }
    d->in_txn = true;
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
    pthread_cond_destroy(&d->idle);
}

/* Wait until the writer thread has written everything queued, so that
 * the caller may use GDAL on the dataset (a layer created after writing
 * began). */
static void wait_idle(sl_out_dataset *d)
{
    if (!d->started)
        return;
    pthread_mutex_lock(&d->mu);
    while (d->count > 0 || d->busy)
        pthread_cond_wait(&d->idle, &d->mu);
    pthread_mutex_unlock(&d->mu);
}

static void pg_layer_free(pg_layer *pl)
{
    if (!pl)
        return;
    if (pl->logical)
        OGR_FD_Release(pl->logical);
    free(pl->col);
    free(pl->table);
    free(pl->missing);
    free(pl);
}

static void dataset_free(sl_out_dataset *d)
{
    for (int i = 0; i < d->n; i++) {
        if (d->layers[i].ct)
            OCTDestroyCoordinateTransformation(d->layers[i].ct);
        if (d->layers[i].srs)
            OSRDestroySpatialReference(d->layers[i].srs);
        pg_layer_free(d->layers[i].pg);
    }
    free(d->failure);
    if (d->wgs84)
        OSRDestroySpatialReference(d->wgs84);
    if (d->target)
        OSRDestroySpatialReference(d->target);
    free(d->prefix);
    free(d->run_id);
    free(d->scenario);
    free(d->path);
    free(d);
}

/* Appending into a table that lacks columns of ours: the message. */
static sl_status pg_schema_error(const sl_out_dataset *d, const pg_layer *pl, sl_error *err)
{
    sl_error_add(err, SL_ERR_IO,
                 "%s: cannot append to table %s: it has no column %s; it was written by "
                 "another command or a scenario with other rule sets (choose another "
                 "--table-prefix, or --mode overwrite)",
                 d->path, pl->table, pl->missing);
    return SL_ERR_IO;
}

/* End a PostgreSQL run: commit when asked and nothing failed, else roll
 * back.  GDAL's PostgreSQL driver streams rows with COPY, so the server
 * reports a bad row only when the copy ends: the flush before the commit
 * is where most failures show. */
static sl_status pg_finish(sl_out_dataset *d, bool commit, sl_error *err)
{
    sl_status st = d->failed;
    if (st != SL_OK)
        sl_error_add(err, st, "%s", d->failure ? d->failure : "write failure");
    for (int i = 0; commit && st == SL_OK && i < d->n; i++) {
        if (d->layers[i].pg->nomem) {
            sl_error_add(err, SL_ERR_NOMEM, "%s: out of memory", d->path);
            st = SL_ERR_NOMEM;
        } else if (d->layers[i].pg->missing) {
            st = pg_schema_error(d, d->layers[i].pg, err);
        }
    }
    sl_gdal_capture cap;
    char why[sizeof cap.last];
    if (d->ds && d->in_txn && commit && st == SL_OK) {
        sl_gdal_capture_push(&cap);
        GDALFlushCache(d->ds);
        sl_gdal_capture_pop();
        if (cap.n_errors) {
            sl_gdal_message(cap.first, why, sizeof why);
            sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", d->path, why);
            st = SL_ERR_IO;
        }
        /* Runs appended side by side are picked by run_id. */
        for (int i = 0; st == SL_OK && i < d->n; i++) {
            const pg_layer *pl = d->layers[i].pg;
            if (pl->existing) /* not ours to index */
                continue;
            char sql[300];
            const char *dot = strchr(pl->table, '.');
            snprintf(sql, sizeof sql, "CREATE INDEX IF NOT EXISTS %s_run_id_idx ON %s (run_id)",
                     dot ? dot + 1 : pl->table, pl->table);
            sl_gdal_capture_push(&cap);
            OGRLayerH r = GDALDatasetExecuteSQL(d->ds, sql, NULL, NULL);
            sl_gdal_capture_pop();
            if (r)
                GDALDatasetReleaseResultSet(d->ds, r);
            if (cap.n_errors) {
                sl_gdal_message(cap.first, why, sizeof why);
                sl_error_add(err, SL_ERR_IO, "%s: cannot index table %s: %s", d->path, pl->table,
                             why);
                st = SL_ERR_IO;
            }
        }
        if (st == SL_OK) {
            sl_gdal_capture_push(&cap);
            OGRErr e = GDALDatasetCommitTransaction(d->ds);
            sl_gdal_capture_pop();
            if (e != OGRERR_NONE || cap.n_errors) {
                sl_gdal_message(cap.first[0] ? cap.first : "driver failure", why, sizeof why);
                sl_error_add(err, SL_ERR_IO, "%s: cannot commit: %s", d->path, why);
                st = SL_ERR_IO;
            }
            d->in_txn = false;
        }
    }
    if (d->ds) {
        /* Closing with a transaction open would let the driver commit it. */
        sl_gdal_capture_push(&cap);
        if (d->in_txn)
            GDALDatasetRollbackTransaction(d->ds);
        GDALClose(d->ds);
        sl_gdal_capture_pop();
    }
    dataset_free(d);
    return st;
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
    if (d->pg)
        return pg_finish(d, true, err);
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
            sl_error_add(err, SL_ERR_IO, "%s: cannot write: the file was cut short (%s)", d->path,
                         full ? "no space left on device" : "is the disk full?");
            st = SL_ERR_IO;
        }
    }
    dataset_free(d);
    return st;
}

void sl_out_dataset_abort(sl_out_dataset *d, sl_error *err)
{
    if (!d)
        return;
    if (d->started) {
        /* Drain the queue without writing. */
        pthread_mutex_lock(&d->mu);
        if (d->failed == SL_OK)
            d->aborted = true;
        pthread_mutex_unlock(&d->mu);
    }
    stop_writer(d);
    if (d->pg) {
        pg_finish(d, false, err);
        return;
    }
    if (d->failed != SL_OK)
        sl_error_add(err, d->failed, "%s", d->failure ? d->failure : "write failure");
    if (d->ds) {
        sl_gdal_capture cap;
        sl_gdal_capture_push(&cap);
        GDALClose(d->ds);
        sl_gdal_capture_pop();
    }
    dataset_free(d);
}

static const char *crs_label(OGRSpatialReferenceH srs, char *buf, size_t size)
{
    const char *auth = srs ? OSRGetAuthorityName(srs, NULL) : NULL;
    const char *code = srs ? OSRGetAuthorityCode(srs, NULL) : NULL;
    if (auth && code)
        snprintf(buf, size, "%s:%s", auth, code);
    else
        snprintf(buf, size, "%s", !srs ? "no CRS" : OSRGetName(srs) ? OSRGetName(srs) : "a CRS");
    return buf;
}

/* A physical column of the table, made by us (create/overwrite) or found
 * (append); -1 when it cannot be. */
static int pg_column(sl_out_layer *l, OGRFieldDefnH fd)
{
    OGRFeatureDefnH pd = OGR_L_GetLayerDefn(l->layer);
    if (l->pg->existing) { /* find the column */
        int c = OGR_FD_GetFieldIndex(pd, OGR_Fld_GetNameRef(fd));
        if (c < 0) {
            /* The name as GDAL's laundering made it (LAUNDER=YES). */
            char lname[256];
            snprintf(lname, sizeof lname, "%s", OGR_Fld_GetNameRef(fd));
            for (char *q = lname; *q; q++) {
                *q = (char)tolower((unsigned char)*q);
                if (*q == '\'' || *q == '-' || *q == '#')
                    *q = '_';
            }
            c = OGR_FD_GetFieldIndex(pd, lname);
        }
        return c;
    }
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRErr e = OGR_L_CreateField(l->layer, fd, TRUE);
    sl_gdal_capture_pop();
    return e == OGRERR_NONE ? OGR_FD_GetFieldCount(pd) - 1 : -1;
}

static sl_out_layer *pg_layer_create(sl_out_dataset *d, sl_out_layer *l, const char *name,
                                     OGRSpatialReferenceH srs, OGRwkbGeometryType type,
                                     sl_error *err)
{
    pg_layer *pl = calloc(1, sizeof *pl);
    size_t n = strlen(d->prefix) + strlen(name) + 1;
    if (!pl || !(pl->table = malloc(n))) {
        free(pl);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    snprintf(pl->table, n, "%s%s", d->prefix, name);
    pl->run_col = pl->scenario_col = -1;
    pl->logical = OGR_FD_Create(name);
    OGR_FD_Reference(pl->logical);
    l->pg = pl;
    /* Every layer we write holds polygon footprints: a typed column lets
     * QGIS list each table once, as one layer. */
    if (type == wkbUnknown)
        type = wkbMultiPolygon;
    pl->multi = wkbFlatten(type) == wkbMultiPolygon;

    sl_gdal_capture cap;
    char why[sizeof cap.last];
    sl_gdal_capture_push(&cap);
    OGRLayerH existing = GDALDatasetGetLayerByName(d->ds, pl->table);
    sl_gdal_capture_pop();
    if (existing && d->mode == SL_PG_CREATE) {
        sl_error_add(err, SL_ERR_IO,
                     "%s: table %s already exists; --mode append adds this run's rows to it, "
                     "--mode overwrite replaces it, or choose another --table-prefix",
                     d->path, pl->table);
        goto fail;
    }
    if (existing && d->mode == SL_PG_OVERWRITE) {
        /* GDAL drops the table with CASCADE, which would take the views
         * a planner built on it along: refuse instead. */
        char q[512], views[512] = "";
        snprintf(q, sizeof q,
                 "SELECT string_agg(DISTINCT v.oid::regclass::text, ', ') FROM pg_depend d "
                 "JOIN pg_rewrite w ON w.oid = d.objid JOIN pg_class v ON v.oid = w.ev_class "
                 "WHERE d.refobjid = to_regclass('%s') AND v.oid <> d.refobjid",
                 pl->table);
        sl_gdal_capture_push(&cap);
        OGRLayerH r = GDALDatasetExecuteSQL(d->ds, q, NULL, NULL);
        sl_gdal_capture_pop();
        if (r) {
            OGRFeatureH f = OGR_L_GetNextFeature(r);
            if (f && OGR_F_IsFieldSetAndNotNull(f, 0))
                snprintf(views, sizeof views, "%s", OGR_F_GetFieldAsString(f, 0));
            OGR_F_Destroy(f);
            GDALDatasetReleaseResultSet(d->ds, r);
        }
        if (views[0]) {
            sl_error_add(err, SL_ERR_IO,
                         "%s: cannot overwrite table %s: views depend on it (%s); drop them "
                         "first, or use --mode append",
                         d->path, pl->table, views);
            goto fail;
        }
    }
    if (existing && d->mode == SL_PG_APPEND) {
        OGRSpatialReferenceH es = OGR_L_GetSpatialRef(existing);
        if ((srs != NULL) != (es != NULL) || (srs && !OSRIsSame(es, srs))) {
            char a[128], b[128];
            sl_error_add(err, SL_ERR_IO,
                         "%s: cannot append to table %s: its geometries are in %s, this run's "
                         "in %s",
                         d->path, pl->table, crs_label(es, a, sizeof a),
                         crs_label(srs, b, sizeof b));
            goto fail;
        }
        l->layer = existing;
        pl->existing = true;
        OGRFeatureDefnH pd = OGR_L_GetLayerDefn(existing);
        pl->run_col = OGR_FD_GetFieldIndex(pd, "run_id");
        pl->scenario_col = OGR_FD_GetFieldIndex(pd, "scenario");
        if (pl->run_col < 0 || pl->scenario_col < 0) {
            pl->missing = strdup(pl->run_col < 0 && pl->scenario_col < 0 ? "run_id, scenario"
                                 : pl->run_col < 0                       ? "run_id"
                                                                         : "scenario");
            if (!pl->missing) {
                sl_error_add(err, SL_ERR_NOMEM, "out of memory");
                goto fail;
            }
            pl->run_col = pl->scenario_col = -1;
        }
        return l;
    }
    char **lco = NULL;
    lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
    lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "GIST");
    lco = CSLSetNameValue(lco, "LAUNDER", "YES");
    if (existing)
        lco = CSLSetNameValue(lco, "OVERWRITE", "YES");
    sl_gdal_capture_push(&cap);
    l->layer = GDALDatasetCreateLayer(d->ds, pl->table, srs, type, lco);
    sl_gdal_capture_pop();
    CSLDestroy(lco);
    /* The driver goes on when dropping the old table fails (a lock
     * timeout): the transaction is lost all the same. */
    if (!l->layer || cap.n_errors) {
        sl_gdal_message(cap.first[0] ? cap.first : "driver failure", why, sizeof why);
        sl_error_add(err, SL_ERR_IO, "%s: cannot %s table %s: %s", d->path,
                     existing ? "replace" : "create", pl->table, why);
        l->layer = NULL;
        goto fail;
    }
    /* The run's columns come first, for whoever reads the table in SQL. */
    OGRFieldDefnH fd = OGR_Fld_Create("run_id", OFTString);
    pl->run_col = pg_column(l, fd);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("scenario", OFTString);
    pl->scenario_col = pg_column(l, fd);
    OGR_Fld_Destroy(fd);
    if (pl->run_col < 0 || pl->scenario_col < 0) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot create the run columns of table %s", d->path,
                     pl->table);
        goto fail;
    }
    return l;
fail:
    pg_layer_free(pl);
    l->pg = NULL;
    return NULL;
}

sl_out_layer *sl_out_layer_create(sl_out_dataset *d, const char *name, OGRSpatialReferenceH srs,
                                  OGRwkbGeometryType type, sl_error *err)
{
    if (d->n == SL_MAX_OUT_LAYERS) {
        sl_error_add(err, SL_ERR_IO, "%s: too many layers", d->path);
        return NULL;
    }
    wait_idle(d);
    sl_out_layer *l = &d->layers[d->n];
    memset(l, 0, sizeof *l);
    l->d = d;
    if (d->pg) {
        if (!pg_layer_create(d, l, name, srs, type, err))
            return NULL;
        d->n++;
        return l;
    }
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
            /* Used by the thread that writes features (the caller's), never
             * by the writer thread: PROJ objects belong to one thread. */
            l->ct = OCTNewCoordinateTransformation(srs, d->wgs84);
            l->ct_ready = true;
            if (!l->ct) {
                sl_error_add(err, SL_ERR_IO, "%s: cannot transform the parcels' CRS to WGS 84",
                             d->path);
                CSLDestroy(lco);
                return NULL;
            }
            l->srs = OSRClone(srs);
        }
        layer_srs = NULL;
    } else if (d->target && srs && !OSRIsSame(srs, d->target)) {
        /* Reprojected on the calling thread, as for GeoJSON. */
        l->ct = OCTNewCoordinateTransformation(srs, d->target);
        l->ct_ready = true;
        if (!l->ct) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot transform the parcels' CRS to the map's",
                         d->path);
            return NULL;
        }
        l->srs = OSRClone(srs);
        layer_srs = d->target;
    }
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    l->layer = GDALDatasetCreateLayer(d->ds, name, layer_srs, type, lco);
    sl_gdal_capture_pop();
    CSLDestroy(lco);
    if (!l->layer) {
        if (l->srs)
            OSRDestroySpatialReference(l->srs);
        if (l->ct)
            OCTDestroyCoordinateTransformation(l->ct);
        l->srs = NULL;
        l->ct = NULL;
        sl_error_add(err, SL_ERR_IO, "%s: cannot create layer %s: %s", d->path, name,
                     cap.last[0] ? cap.last : "driver failure");
        return NULL;
    }
    d->n++;
    return l;
}

/* Is a column of type dst fit to hold values of type src without loss? */
static bool type_fits(OGRFieldType src, OGRFieldType dst)
{
    return src == dst || dst == OFTString ||
           (src == OFTInteger && (dst == OFTInteger64 || dst == OFTReal));
}

static void add_missing(pg_layer *pl, const char *what)
{
    size_t old = pl->missing ? strlen(pl->missing) : 0;
    char *m = realloc(pl->missing, old + strlen(what) + 3);
    if (!m) {
        pl->nomem = true;
        return;
    }
    snprintf(m + old, strlen(what) + 3, "%s%s", old ? ", " : "", what);
    pl->missing = m;
}

static int pg_field(sl_out_layer *l, OGRFieldDefnH fd, bool own)
{
    pg_layer *pl = l->pg;
    const char *name = OGR_Fld_GetNameRef(fd);
    /* The run's columns, the geometry and the key are ours. */
    static const char *const reserved[] = {"run_id", "scenario", "geom", "ogc_fid"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcasecmp(name, reserved[i]) == 0)
            return -1;
    if (OGR_FD_GetFieldIndex(pl->logical, name) >= 0)
        return -1;
    if (pl->n_col == pl->cap_col) {
        int cap = pl->cap_col ? 2 * pl->cap_col : 32;
        int *c = realloc(pl->col, (size_t)cap * sizeof *c);
        if (!c) {
            pl->nomem = true;
            return -1;
        }
        pl->col = c;
        pl->cap_col = cap;
    }
    int c = pg_column(l, fd);
    if (pl->existing) {
        OGRFeatureDefnH pd = OGR_L_GetLayerDefn(l->layer);
        if (c >= 0 &&
            !type_fits(OGR_Fld_GetType(fd), OGR_Fld_GetType(OGR_FD_GetFieldDefn(pd, c)))) {
            if (!own)
                return -1;
            char what[300];
            snprintf(what, sizeof what, "%s of type %s (it has %s)", name,
                     OGR_GetFieldTypeName(OGR_Fld_GetType(fd)),
                     OGR_GetFieldTypeName(OGR_Fld_GetType(OGR_FD_GetFieldDefn(pd, c))));
            add_missing(pl, what);
            c = -1;
        } else if (c < 0) {
            if (!own)
                return -1;
            add_missing(pl, name);
        }
    } else if (c < 0) {
        return -1;
    }
    OGR_FD_AddFieldDefn(pl->logical, fd);
    pl->col[pl->n_col++] = c;
    return pl->n_col - 1;
}

static int add_field(sl_out_layer *l, OGRFieldDefnH fd, bool own)
{
    wait_idle(l->d);
    if (l->pg)
        return pg_field(l, fd, own);
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRErr e = OGR_L_CreateField(l->layer, fd, TRUE);
    sl_gdal_capture_pop();
    return e == OGRERR_NONE ? OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(l->layer)) - 1 : -1;
}

int sl_out_layer_field(sl_out_layer *l, const char *name, OGRFieldType type, bool json)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (json)
        OGR_Fld_SetSubType(fd, OFSTJSON);
    int i = add_field(l, fd, true);
    OGR_Fld_Destroy(fd);
    return i;
}

int sl_out_layer_field_like(sl_out_layer *l, OGRFieldDefnH fd)
{
    return add_field(l, fd, false);
}

int sl_out_layer_field_index(const sl_out_layer *l, const char *name)
{
    return OGR_FD_GetFieldIndex(l->pg ? l->pg->logical : OGR_L_GetLayerDefn(l->layer), name);
}

int sl_out_layer_field_count(const sl_out_layer *l)
{
    return OGR_FD_GetFieldCount(l->pg ? l->pg->logical : OGR_L_GetLayerDefn(l->layer));
}

OGRFeatureH sl_out_layer_feature(sl_out_layer *l)
{
    return OGR_F_Create(l->pg ? l->pg->logical : OGR_L_GetLayerDefn(l->layer));
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
/* GeoJSON: reproject to WGS 84 and orient the rings.  Runs on the calling
 * thread, which also owns the transformation: that thread has time to
 * spare while the writer thread formats. */
static OGRGeometryH rfc7946_geometry(sl_out_layer *l, OGRGeometryH g)
{
    if (l->srs && !l->ct_ready) {
        l->ct = OCTNewCoordinateTransformation(l->srs, l->d->geojson ? l->d->wgs84 : l->d->target);
        l->ct_ready = true;
    }
    if (g && l->ct && OGR_G_Transform(g, l->ct) != OGRERR_NONE) {
        /* Unreachable for parcels that passed the loader's checks. */
        OGR_G_DestroyGeometry(g);
        g = NULL;
    }
    if (g && l->d->geojson)
        rfc7946_orient(g);
    return g;
}

static sl_status do_write(sl_out_layer *l, OGRFeatureH f, OGRGeometryH g, const char *what,
                          char **failure)
{
    if (l->pg) {
        /* The writer's feature into one of the table, with the run's
         * columns. */
        pg_layer *pl = l->pg;
        OGRFeatureH t = OGR_F_Create(OGR_L_GetLayerDefn(l->layer));
        OGR_F_SetFromWithMap(t, f, TRUE, pl->col);
        OGR_F_Destroy(f);
        f = t;
        OGR_F_SetFieldString(f, pl->run_col, l->d->run_id);
        OGR_F_SetFieldString(f, pl->scenario_col, l->d->scenario);
        if (g && pl->multi && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon)
            g = OGR_G_ForceToMultiPolygon(g);
    }
    if (g)
        OGR_F_SetGeometryDirectly(f, g);
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    OGRErr e = OGR_L_CreateFeature(l->layer, f);
    sl_gdal_capture_pop();
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE) {
        /* In PostgreSQL the first error aborts the transaction and the
         * driver's later ones only follow from it. */
        const char *cause = l->pg ? cap.first : cap.last;
        char why[sizeof cap.last];
        sl_gdal_message(cause[0] ? cause : "driver failure", why, sizeof why);
        size_t n = strlen(l->d->path) + strlen(what) + strlen(why) + 32;
        *failure = malloc(n);
        /* Rows go to PostgreSQL with COPY, whose failures the server
         * reports at a later row, maybe of another table: its message
         * names the table, this feature would mislead. */
        if (*failure && l->pg)
            snprintf(*failure, n, "%s: cannot write: %s", l->d->path, why);
        else if (*failure)
            snprintf(*failure, n, "%s: cannot write %s: %s", l->d->path, what, why);
        return SL_ERR_IO;
    }
    return SL_OK;
}

/* Runs on the writer thread: end the transaction begun by writer_main. */
static void commit(sl_out_dataset *d)
{
    if (!d->transactions)
        return;
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    bool ok = GDALDatasetCommitTransaction(d->ds) == OGRERR_NONE;
    sl_gdal_capture_pop();
    pthread_mutex_lock(&d->mu);
    if (!ok && d->failed == SL_OK) {
        const char *why = cap.last[0] ? cap.last : "driver failure";
        size_t n = strlen(d->path) + strlen(why) + 32;
        d->failure = malloc(n);
        if (d->failure)
            snprintf(d->failure, n, "%s: cannot write: %s", d->path, why);
        d->failed = SL_ERR_IO;
    }
    pthread_mutex_unlock(&d->mu);
}

static void *writer_main(void *arg)
{
    sl_out_dataset *d = arg;
    /* Rows go to PostgreSQL with COPY, also into tables that exist
     * (GDAL's default there is one INSERT per row). */
    if (d->pg)
        CPLSetThreadLocalConfigOption("PG_USE_COPY", "YES");
    /* SQLite-based files (GPKG) commit every feature on its own unless
     * told otherwise: a dozen page writes per parcel.  One transaction for
     * the whole file, as ogr2ogr does (PostgreSQL has its own, above). */
    d->transactions = !d->pg && GDALDatasetTestCapability(d->ds, ODsCTransactions) &&
                      GDALDatasetStartTransaction(d->ds, FALSE) == OGRERR_NONE;
    for (;;) {
        /* Take the queued items in batches and wake the producer only when
         * it waits for room: one wake-up per feature made the threads
         * spend more time switching than writing. */
        out_item batch[SL_WRITE_BATCH];
        pthread_mutex_lock(&d->mu);
        while (d->count == 0 && !d->stopping) {
            d->consumer_waiting = true;
            pthread_cond_wait(&d->not_empty, &d->mu);
            d->consumer_waiting = false;
        }
        if (d->count == 0) {
            pthread_mutex_unlock(&d->mu);
            commit(d);
            return NULL;
        }
        int n = d->count < SL_WRITE_BATCH ? d->count : SL_WRITE_BATCH;
        for (int k = 0; k < n; k++) {
            batch[k] = d->q[d->head];
            d->head = (d->head + 1) % SL_QUEUE_LEN;
        }
        d->count -= n;
        d->busy = true;
        if (d->producer_waiting) {
            d->producer_waiting = false;
            pthread_cond_signal(&d->not_full);
        }
        pthread_mutex_unlock(&d->mu);
        for (int k = 0; k < n; k++) {
            out_item *it = &batch[k];
            pthread_mutex_lock(&d->mu);
            bool failed = d->failed != SL_OK || d->aborted;
            pthread_mutex_unlock(&d->mu);
            if (failed) { /* drain: after a failure nothing more is written */
                OGR_F_Destroy(it->f);
                if (it->g)
                    OGR_G_DestroyGeometry(it->g);
            } else {
                char *failure = NULL;
                sl_status st = do_write(it->layer, it->f, it->g, it->what, &failure);
                if (st != SL_OK) {
                    pthread_mutex_lock(&d->mu);
                    d->failed = st;
                    d->failure = failure;
                    pthread_mutex_unlock(&d->mu);
                }
            }
            free(it->what);
        }
        pthread_mutex_lock(&d->mu);
        d->busy = false;
        if (d->count == 0)
            pthread_cond_broadcast(&d->idle);
        pthread_mutex_unlock(&d->mu);
    }
}

sl_status sl_out_layer_write(sl_out_layer *l, OGRFeatureH f, OGRGeometryH g, const char *what,
                             sl_error *err)
{
    sl_out_dataset *d = l->d;
    if (l->pg && (l->pg->missing || l->pg->nomem)) {
        /* An append schema mismatch fails the run before any row. */
        OGR_F_Destroy(f);
        if (g)
            OGR_G_DestroyGeometry(g);
        if (d->started)
            pthread_mutex_lock(&d->mu);
        if (d->failed == SL_OK) {
            sl_error e;
            sl_error_init(&e);
            if (l->pg->nomem)
                sl_error_add(&e, SL_ERR_NOMEM, "%s: out of memory", d->path);
            else
                pg_schema_error(d, l->pg, &e);
            d->failed = e.code;
            d->failure = e.n ? strdup(e.msgs[0]) : NULL;
            sl_error_clear(&e);
        }
        if (d->started)
            pthread_mutex_unlock(&d->mu);
        return l->pg->nomem ? SL_ERR_NOMEM : SL_ERR_IO;
    }
    if (!d->started) {
        pthread_mutex_init(&d->mu, NULL);
        pthread_cond_init(&d->not_empty, NULL);
        pthread_cond_init(&d->not_full, NULL);
        pthread_cond_init(&d->idle, NULL);
        if (pthread_create(&d->thread, NULL, writer_main, d) != 0) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot start the writer thread", d->path);
            OGR_F_Destroy(f);
            if (g)
                OGR_G_DestroyGeometry(g);
            return SL_ERR_IO;
        }
        d->started = true;
    }
    char *what_copy = strdup(what ? what : "a feature");
    if (!what_copy) {
        OGR_F_Destroy(f);
        if (g)
            OGR_G_DestroyGeometry(g);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    if (d->geojson || l->srs)
        g = rfc7946_geometry(l, g);
    out_item it = {l, f, g, what_copy};
    pthread_mutex_lock(&d->mu);
    while (d->count == SL_QUEUE_LEN) {
        d->producer_waiting = true;
        pthread_cond_wait(&d->not_full, &d->mu);
    }
    sl_status failed = d->failed;
    d->q[(d->head + d->count) % SL_QUEUE_LEN] = it;
    d->count++;
    if (d->consumer_waiting)
        pthread_cond_signal(&d->not_empty);
    pthread_mutex_unlock(&d->mu);
    /* A failure is reported once, by sl_out_dataset_close(); callers stop
     * feeding as soon as they see it. */
    return failed;
}
