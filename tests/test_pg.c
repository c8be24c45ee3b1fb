/* test_pg.c - PostGIS in and out (lib/parcels.c reading PG: sources,
 * lib/layer_out.c writing runs into PostgreSQL, cli/pg_target.c), against
 * the real PostgreSQL 15 + PostGIS 3 server that tests/pg/server.sh
 * starts on 127.0.0.1 for the duration of the suite (ctest fixture "pg").
 *
 * Each test works on tables of its own prefix.  The zone is loaded into
 * table zone_parcels with ogr2ogr, as a planner would. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>

#include "out/floors_layer.h"
#include "out/layer_writer.h"
#include "out/parcels_layer.h"
#include "input/scenario.h"
#include "support.h"
#include "eval/evaluate.h"

#define GONGGAI "../scenarios/gonggai.yaml"

/* The server, from the state file server.sh wrote. */
typedef struct pg_server {
    char data[512], bin[512], host[64], port[16], db[64], user[64], password[128];
} pg_server;
static pg_server pg;
static char conn[1024];  /* PG:host=... password=SECRET */
static char shown[1024]; /* the same as shanglou prints it: password=*** */
static char *dir;

static void read_state(void)
{
    char *env = t_slurp(SL_PG_STATE "/env", NULL);
    cr_assert(env,
              "no %s/env: the ctest fixture pg_server_start did not run "
              "(run the suite with ctest, or tests/pg/server.sh start %s first)",
              SL_PG_STATE, SL_PG_STATE);
    static const struct {
        const char *key;
        size_t off, size;
    } keys[] = {
        {"SL_PG_DATA", offsetof(pg_server, data), sizeof pg.data},
        {"SL_PG_BIN", offsetof(pg_server, bin), sizeof pg.bin},
        {"PGHOST", offsetof(pg_server, host), sizeof pg.host},
        {"PGPORT", offsetof(pg_server, port), sizeof pg.port},
        {"PGDATABASE", offsetof(pg_server, db), sizeof pg.db},
        {"PGUSER", offsetof(pg_server, user), sizeof pg.user},
        {"PGPASSWORD", offsetof(pg_server, password), sizeof pg.password},
    };
    for (char *line = strtok(env, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char *v = eq + 1;
        size_t n = strlen(v);
        if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
            v[n - 1] = '\0';
            v++;
        }
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (strcmp(line, keys[i].key) == 0)
                snprintf((char *)&pg + keys[i].off, keys[i].size, "%s", v);
    }
    free(env);
    cr_assert(pg.port[0] && pg.password[0], "incomplete %s/env", SL_PG_STATE);
    snprintf(conn, sizeof conn, "PG:host=%s port=%s dbname=%s user=%s password=%s", pg.host,
             pg.port, pg.db, pg.user, pg.password);
    snprintf(shown, sizeof shown, "PG:host=%s port=%s dbname=%s user=%s password=***", pg.host,
             pg.port, pg.db, pg.user);
}

static void setup(void)
{
    read_state();
    /* Only the connection strings given count, and libpq speaks English. */
    const char *vars[] = {"PGHOST",     "PGPORT",    "PGDATABASE", "PGUSER",
                          "PGPASSWORD", "PGSERVICE", "PGPASSFILE", "PGOPTIONS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("PGPASSFILE", "/dev/null", 1);
    setenv("LC_ALL", "C", 1);
    GDALAllRegister();
    dir = t_tmpdir();
}

static void teardown(void)
{
    t_rmtree(dir);
    free(dir);
}

TestSuite(pg, .init = setup, .fini = teardown, .timeout = 60);

/* Run SQL as the test role; returns psql's unaligned output (heap), with
 * the trailing newline removed.  Fails the test when psql fails. */
static char *sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql(const char *fmt, ...)
{
    char q[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    t_run r = t_sh("PGPASSWORD='%s' '%s/psql' -X -q -A -t -v ON_ERROR_STOP=1 -h %s -p %s "
                   "-U %s -d %s <<'SQL_END'\n%s\nSQL_END",
                   pg.password, pg.bin, pg.host, pg.port, pg.user, pg.db, q);
    cr_assert_eq(r.status, 0, "psql failed on: %s\n%s", q, r.err);
    char *out = r.out;
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '\n')
        out[--n] = '\0';
    free(r.err);
    return out;
}

/* Run SQL as the superuser, through the server's private Unix socket. */
static void su_sql(const char *q)
{
    t_run r =
        t_sh("%s '%s/psql' -X -q -v ON_ERROR_STOP=1 -h '%s' -p %s -U postgres -d %s "
             "<<'SQL_END'\n%s\nSQL_END",
             geteuid() == 0 ? "runuser -u postgres --" : "", pg.bin, pg.data, pg.port, pg.db, q);
    cr_assert_eq(r.status, 0, "psql (superuser) failed on: %s\n%s", q, r.err);
    t_run_free(&r);
}

/* A clean slate for a test's table prefix (the server may be reused). */
static void drop_tables(const char *prefix)
{
    free(sql("DROP TABLE IF EXISTS %sparcels, %sfloors, %sbuildings, %sruns CASCADE", prefix,
             prefix, prefix, prefix));
}

/* The sample zone in table zone_parcels, loaded with ogr2ogr as the
 * README tells planners to. */
static void load_zone(void)
{
    char *have = sql("SELECT to_regclass('zone_parcels') IS NOT NULL");
    bool loaded = strcmp(have, "t") == 0;
    free(have);
    if (loaded)
        return;
    t_run r = t_sh("ogr2ogr -f PostgreSQL \"%s\" ../geodata/shahe/parcels.shp -nln "
                   "zone_parcels -nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom",
                   conn);
    cr_assert_eq(r.status, 0, "ogr2ogr: %s", r.err);
    t_run_free(&r);
}

/* gonggai.yaml with its parcels read from PostGIS: layer is a table name
 * or an SQL query; password replaces the real one when not NULL. */
static char *pg_scenario(const char *name, const char *layer, const char *password)
{
    char *src = t_slurp(SL_SRC "/scenarios/gonggai.yaml", NULL);
    cr_assert(src);
    size_t cap = strlen(src) + 4096, o = 0;
    char *out = malloc(cap);
    for (char *line = src; *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
        if (strncmp(line, "  source: ", 10) == 0)
            o += (size_t)snprintf(out + o, cap - o,
                                  "  source: 'PG:host=%s port=%s dbname=%s user=%s "
                                  "password=%s'\n",
                                  pg.host, pg.port, pg.db, pg.user,
                                  password ? password : pg.password);
        else if (strncmp(line, "  layer: ", 9) == 0)
            o += (size_t)snprintf(out + o, cap - o, "  layer: \"%s\"\n", layer);
        else {
            memcpy(out + o, line, n);
            o += n;
        }
        line += n;
    }
    out[o] = '\0';
    char *path = t_write(dir, name, out);
    free(out);
    free(src);
    return path;
}

/* The sample zone under the rules before 工改工 alone: one rule set,
 * `before` (old-rules.yaml extends gonggai.yaml and so has `after` too).
 * Heap path in dir. */
static char *only_before_scenario(void)
{
    return t_write(dir, "only-before.yaml",
                   "name: shahe-old-rules\n"
                   "parcels:\n"
                   "  source: " SL_SRC "/geodata/shahe/parcels.shp\n"
                   "  layer: parcels\n"
                   "  fields: {id: DKBH, land_use: YDDM, current_far: RJL, current_gfa: JZMJ,\n"
                   "           current_height: JZGD, tax: NSE}\n"
                   "  industrial_land_uses: [M1, M2, \"100101\", \"100102\"]\n"
                   "candidacy: {far_below: 1.0, tax_per_mu_below_cny: 150000, min_area_m2: 3000}\n"
                   "rules:\n"
                   "  before: {far_max: 1.0, factory_height_max_m: 24, office_height_max_m: 24}\n");
}

/* The run id in "...(run_id X, mode M)" of evaluate's output (heap). */
static char *run_id_of(const char *out)
{
    const char *p = strstr(out, "(run_id ");
    cr_assert(p, "no run id in: %s", out);
    p += 8;
    size_t n = strcspn(p, ",");
    char *id = malloc(n + 1);
    memcpy(id, p, n);
    id[n] = '\0';
    return id;
}

/* Neither stream of r mentions a password. */
static void assert_no_password(const t_run *r, const char *other)
{
    cr_assert_null(strstr(r->out, pg.password), "password on stdout: %s", r->out);
    cr_assert_null(strstr(r->err, pg.password), "password on stderr: %s", r->err);
    if (other) {
        cr_assert_null(strstr(r->out, other), "password on stdout: %s", r->out);
        cr_assert_null(strstr(r->err, other), "password on stderr: %s", r->err);
    }
}

/* summary.json without its "source" and "layer" lines. */
static char *summary_body(const char *path)
{
    char *s = t_slurp(path, NULL);
    cr_assert(s, "no %s", path);
    char *o = s;
    for (char *line = s; *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
        if (strncmp(line, "  \"source\":", 11) != 0 && strncmp(line, "  \"layer\":", 10) != 0) {
            memmove(o, line, n);
            o += n;
        }
        line += n;
    }
    *o = '\0';
    return s;
}

/* Compare features of two layers in order: every field of a (by name,
 * any case) has the same text in b.  Returns the number of features. */
/* Two JSON texts alike but for white space and the digits a number is
 * printed with (PostgreSQL's json column and GDAL print differently). */
static bool json_same(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\n')
            a++;
        while (*b == ' ' || *b == '\n')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        bool num_a = (*a >= '0' && *a <= '9') || *a == '-',
             num_b = (*b >= '0' && *b <= '9') || *b == '-';
        if (num_a && num_b) {
            char *ea, *eb;
            double x = strtod(a, &ea), y = strtod(b, &eb);
            if (ea > a && eb > b) { /* both numbers ("-" alone is text) */
                if (fabs(x - y) > 1e-9 * fmax(fabs(x), fabs(y)) + 1e-9)
                    return false;
                a = ea;
                b = eb;
                continue;
            }
        }
        if (*a++ != *b++)
            return false;
    }
}

static int compare_layers(OGRLayerH a, OGRLayerH b, const char *what)
{
    OGRFeatureDefnH da = OGR_L_GetLayerDefn(a), db = OGR_L_GetLayerDefn(b);
    OGR_L_ResetReading(a);
    OGR_L_ResetReading(b);
    int n = 0, bad = 0;
    OGRFeatureH fa, fb;
    while ((fa = OGR_L_GetNextFeature(a)) != NULL) {
        fb = OGR_L_GetNextFeature(b);
        cr_assert(fb, "%s: fewer features in the second layer (%d)", what, n);
        for (int i = 0; i < OGR_FD_GetFieldCount(da); i++) {
            const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(da, i));
            int j = OGR_FD_GetFieldIndex(db, name);
            cr_assert_geq(j, 0, "%s: no column %s", what, name);
            bool na = !OGR_F_IsFieldSetAndNotNull(fa, i), nb = !OGR_F_IsFieldSetAndNotNull(fb, j);
            OGRFieldType ta = OGR_Fld_GetType(OGR_FD_GetFieldDefn(da, i));
            char *keep = NULL;
            if (!na && ta == OFTStringList) {
                /* GeoJSON's arrays of strings (the plan's chains) come as
                 * string lists: compare their JSON text */
                char **list = OGR_F_GetFieldAsStringList(fa, i);
                size_t len = 3;
                for (int k = 0; list && list[k]; k++)
                    len += strlen(list[k]) + 3;
                keep = malloc(len);
                size_t o = 0;
                keep[o++] = '[';
                for (int k = 0; list && list[k]; k++)
                    o += (size_t)snprintf(keep + o, len - o, "%s\"%s\"", k ? "," : "", list[k]);
                snprintf(keep + o, len - o, "]");
            } else {
                keep = strdup(na ? "(null)" : OGR_F_GetFieldAsString(fa, i));
            }
            const char *vb = nb ? "(null)" : OGR_F_GetFieldAsString(fb, j);
            /* Numbers by value: a numeric(8,1) column prints 38 as 38.0;
             * JSON (the plan's stack) by content. */
            bool json = OGR_Fld_GetSubType(OGR_FD_GetFieldDefn(da, i)) == OFSTJSON ||
                        strcmp(name, "stack") == 0 || ta == OFTStringList;
            bool same = na == nb &&
                        (na || ((ta == OFTReal || ta == OFTInteger)
                                    ? OGR_F_GetFieldAsDouble(fa, i) == OGR_F_GetFieldAsDouble(fb, j)
                                : json ? json_same(keep, vb)
                                       : strcmp(keep, vb) == 0));
            if (!same && bad++ < 5)
                cr_log_error("%s: feature %d, %s: '%s' vs '%s'", what, n, name, keep, vb);
            free(keep);
        }
        OGR_F_Destroy(fa);
        OGR_F_Destroy(fb);
        n++;
    }
    fb = OGR_L_GetNextFeature(b);
    cr_assert_null(fb, "%s: more features in the second layer", what);
    cr_assert_eq(bad, 0, "%s: %d values differ", what, bad);
    return n;
}

Test(pg, server_is_postgresql_15_with_postgis_3)
{
    char *v = sql("SELECT current_setting('server_version_num')::int / 10000 || ' ' || "
                  "split_part(postgis_lib_version(), '.', 1)");
    cr_assert_str_eq(v, "15 3");
    free(v);
}

/* Reading: a table and an SQL query as parcels.layer, with the field
 * mapping, CRS and results of the file-based run. */
Test(pg, read_zone_from_table_and_query)
{
    load_zone();
    char *scen = pg_scenario("table.yaml", "zone_parcels", NULL);
    char out_pg[1024], out_file[1024];
    snprintf(out_pg, sizeof out_pg, "%s/pg", dir);
    snprintf(out_file, sizeof out_file, "%s/file", dir);
    t_run r = t_cli("check", scen, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "parcels: %s layer 'zone_parcels' (PostgreSQL), 188 features, CRS EPSG:4547\n", shown);
    cr_assert(strstr(r.out, want), "%s", r.out);
    assert_no_password(&r, NULL);
    t_run_free(&r);

    r = t_cli("evaluate", scen, "-o", out_pg, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "-o", out_file, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char pa[1100], pb[1100];
    snprintf(pa, sizeof pa, "%s/summary.json", out_pg);
    snprintf(pb, sizeof pb, "%s/summary.json", out_file);
    char *sa = summary_body(pa), *sb = summary_body(pb);
    cr_assert_str_eq(sa, sb, "a zone read from PostGIS gives the file's summary");
    free(sa);
    free(sb);
    snprintf(pa, sizeof pa, "%s/parcels.geojson", out_pg);
    snprintf(pb, sizeof pb, "%s/parcels.geojson", out_file);
    GDALDatasetH a = GDALOpenEx(pa, GDAL_OF_VECTOR, NULL, NULL, NULL);
    GDALDatasetH b = GDALOpenEx(pb, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(a && b);
    cr_assert_eq(compare_layers(GDALDatasetGetLayer(b, 0), GDALDatasetGetLayer(a, 0),
                                "parcels from PostGIS"),
                 188);
    GDALClose(a);
    GDALClose(b);

    /* An SQL query as the layer: run by PostgreSQL. */
    char *q = pg_scenario(
        "query.yaml", "SELECT * FROM zone_parcels WHERE yddm IN ('M1', 'M2') ORDER BY dkbh", NULL);
    char *n = sql("SELECT count(*) FROM zone_parcels WHERE yddm IN ('M1', 'M2')");
    r = t_cli("evaluate", q, "-o", out_pg, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(want, sizeof want, "evaluate: %s parcels: ", n);
    cr_assert(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
    t_run_free(&r);
    snprintf(pa, sizeof pa, "%s/summary.json", out_pg);
    char *s = t_slurp(pa, NULL);
    cr_assert(strstr(s, "\"layer\": \"SELECT * FROM zone_parcels WHERE yddm IN ('M1', 'M2') "
                        "ORDER BY dkbh\""),
              "%s", s);
    cr_assert_null(strstr(s, pg.password));
    free(s);
    free(n);
    free(q);

    /* Computed geometries: the CRS is their SRID's. */
    q = pg_scenario(
        "computed.yaml",
        "SELECT dkbh, yddm, rjl, jzmj, jzgd, nse, qymc, zbnf, ST_Transform(geom, 4326) AS g "
        "FROM zone_parcels",
        NULL);
    r = t_cli("check", q, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "188 features, CRS EPSG:4326\n"), "%s", r.out);
    t_run_free(&r);
    free(q);
    q = pg_scenario("mixed.yaml",
                    "SELECT dkbh, yddm, CASE WHEN yddm = 'M1' THEN ST_Transform(geom, 4326) "
                    "ELSE geom END AS g FROM zone_parcels",
                    NULL);
    r = t_cli("check", q, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    snprintf(want, sizeof want,
             "%s: the geometries of the parcels.layer query have several SRIDs (4326, 4547); "
             "bring them to one with ST_Transform\n",
             shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    free(q);

    /* A query PostgreSQL refuses: a scenario error naming the query's
     * problem, not GDAL's cursor around it. */
    q = pg_scenario("bad.yaml", "SELECT * FROM no_such_table", NULL);
    r = t_cli("check", q, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    snprintf(want, sizeof want,
             "%s: the SQL query of parcels.layer failed: ERROR: relation \"no_such_table\" "
             "does not exist\n",
             shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    free(q);
    free(scen);
}

static sl_status count_parcel(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                              OGRGeometryH geom)
{
    (void)z;
    (void)f;
    long long *n = user;
    n[0]++;
    n[1] += geom != NULL && p->status != SL_PARCEL_REJECTED;
    return SL_OK;
}

/* plan reads its source twice (sl_zone_rescan): a query's result set
 * too. */
Test(pg, zone_from_query_reads_twice)
{
    load_zone();
    char *scen = pg_scenario("twice.yaml",
                             "WITH m AS (SELECT * FROM zone_parcels WHERE yddm "
                             "LIKE 'M%') SELECT * FROM m ORDER BY dkbh",
                             NULL);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(scen, &err);
    cr_assert(sc, "%s", err.n ? err.msgs[0] : "");
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z, "%s", err.n ? err.msgs[0] : "");
    long long first[2] = {0, 0}, second[2] = {0, 0};
    cr_assert_eq(sl_zone_read(z, count_parcel, first, &err), SL_OK);
    cr_assert_eq(sl_zone_rescan(z, count_parcel, second, &err), SL_OK, "%s",
                 err.n ? err.msgs[0] : "");
    char *n = sql("SELECT count(*) FROM zone_parcels WHERE yddm LIKE 'M%%'");
    cr_assert_eq(first[0], atoll(n));
    cr_assert_eq(second[0], first[0]);
    cr_assert_eq(second[1], first[1]);
    cr_assert_str_eq(z->layer_name, "WITH m AS (SELECT * FROM zone_parcels WHERE yddm LIKE "
                                    "'M%') SELECT * FROM m ORDER BY dkbh");
    free(n);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    free(scen);
}

/* Plan from PostGIS into PostGIS and back with SQL: the same rows as the
 * file-based run, geometries under SRID 4547 with a spatial index. */
Test(pg, evaluate_round_trip)
{
    drop_tables("rt_");
    load_zone();
    char *scen = pg_scenario("rt.yaml", "zone_parcels", NULL);
    char out_pg[1024], out_file[1024];
    snprintf(out_pg, sizeof out_pg, "%s/pg", dir);
    snprintf(out_file, sizeof out_file, "%s/file", dir);
    t_run r = t_cli("evaluate", scen, "-o", out_pg, "--to", conn, "--table-prefix", "rt_", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_no_password(&r, NULL);
    char *run = run_id_of(r.out);
    char want[8192];
    snprintf(want, sizeof want,
             "evaluate: 188 parcels: 63 candidates, 125 not candidates, 0 rejected; wrote "
             "parcels.geojson, shanglou.gpkg, parcels.csv, shanglou.xlsx, report.html and "
             "summary.json in %s\n"
             "evaluate: wrote table rt_parcels to %s (run_id %s, mode create)\n",
             out_pg, shown, run);
    cr_assert_str_eq(r.out, want);
    t_run_free(&r);
    /* ISO 8601 basic UTC time and process id. */
    cr_assert(strlen(run) > 17 && run[8] == 'T' && run[15] == 'Z' && run[16] == '-', "%s", run);

    r = t_cli("evaluate", GONGGAI, "-o", out_file, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);

    /* Every column of the file-based run, row by row, read back with SQL. */
    GDALDatasetH db = GDALOpenEx(conn, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(db);
    char q[512];
    snprintf(q, sizeof q, "SELECT * FROM rt_parcels WHERE run_id = '%s' ORDER BY ogc_fid", run);
    OGRLayerH rows = GDALDatasetExecuteSQL(db, q, NULL, NULL);
    cr_assert(rows);
    char path[1100];
    snprintf(path, sizeof path, "%s/parcels.geojson", out_file);
    GDALDatasetH gj = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(gj);
    cr_assert_eq(compare_layers(GDALDatasetGetLayer(gj, 0), rows, "rt_parcels vs file run"), 188);
    GDALClose(gj);
    GDALDatasetReleaseResultSet(db, rows);
    GDALClose(db);

    char *v = sql("SELECT scenario || ' ' || count(*) FROM rt_parcels GROUP BY scenario");
    cr_assert_str_eq(v, "shahe-gonggai 188");
    free(v);
    v = sql("SELECT type || ' ' || srid FROM geometry_columns WHERE f_table_name = "
            "'rt_parcels'");
    cr_assert_str_eq(v, "MULTIPOLYGON 4547");
    free(v);
    v = sql("SELECT DISTINCT ST_SRID(geom) FROM rt_parcels");
    cr_assert_str_eq(v, "4547");
    free(v);
    v = sql("SELECT count(*) FROM pg_indexes WHERE tablename = 'rt_parcels' AND indexdef LIKE "
            "'%%USING gist (geom)%%'");
    cr_assert_str_eq(v, "1", "a GiST index on geom");
    free(v);
    /* The geometries are the zone's own. */
    v = sql("SELECT count(*) FILTER (WHERE ST_Equals(p.geom, z.geom)) || ' of ' || count(*) "
            "FROM rt_parcels p JOIN zone_parcels z ON z.dkbh = p.id");
    cr_assert_str_eq(v, "188 of 188");
    free(v);
    /* Counts a planner would ask SQL for, as the summary has them. */
    v = sql("SELECT count(*) FROM rt_parcels WHERE status = 'candidate'");
    snprintf(path, sizeof path, "%s/summary.json", out_file);
    char *summary = t_slurp(path, NULL);
    snprintf(want, sizeof want, "\"parcels\": {\"total\": 188, \"candidate\": %s,", v);
    cr_assert(strstr(summary, want), "%s not in %s", want, summary);
    free(summary);
    free(v);
    free(run);
    free(scen);
}

/* The same round trip for plan: parcels and floors tables against the
 * file-based plan.  Runs once `shanglou plan` takes --to (the optimizer
 * lands on main after this branch). */
Test(pg, plan_round_trip, .timeout = 300)
{
    t_run r = t_cli("plan", "--help", NULL);
    bool ready = r.status == 0 && strstr(r.out, "--to PG:");
    t_run_free(&r);
    if (!ready)
        cr_skip_test("shanglou plan does not take --to PG:... in this build");
    drop_tables("pl_");
    load_zone();
    char *scen = pg_scenario("plan.yaml", "zone_parcels", NULL);
    char out_pg[1024], out_file[1024];
    snprintf(out_pg, sizeof out_pg, "%s/pg", dir);
    snprintf(out_file, sizeof out_file, "%s/file", dir);
    /* Both runs stop on the gap, not on the clock, so they are the same
     * plan (the optimizer is deterministic until a time limit cuts it). */
    r = t_cli("plan", scen, "-o", out_pg, "--to", conn, "--table-prefix", "pl_", "--gap", "0.05",
              NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    assert_no_password(&r, NULL);
    char *run = run_id_of(r.out);
    cr_assert(strstr(r.out, "plan: wrote tables pl_parcels, pl_buildings, pl_floors and pl_runs"),
              "%s", r.out);
    t_run_free(&r);
    r = t_cli("plan", GONGGAI, "-o", out_file, "--gap", "0.05", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    /* The run's row says what summary.json says: status, stop_reason, and
     * bound and gap null exactly when summary.json has them null. */
    char sp[1100];
    snprintf(sp, sizeof sp, "%s/summary.json", out_pg);
    char *sum = t_slurp(sp, NULL);
    cr_assert(sum);
    char *row = sql("SELECT command || '|' || status || '|' || coalesce(stop_reason, 'null') || "
                    "'|' || coalesce(round(bound::numeric, 2)::text, 'null') || '|' || "
                    "coalesce(gap::text, 'null') || '|' || redeveloped || '|' || "
                    "chains_by_parcel::text FROM pl_runs WHERE run_id = '%s'",
                    run);
    char want_status[64], want_why[64], want_bound[64], want_gap[64], want_chains[256];
    cr_assert(sscanf(strstr(sum, "\"status\": "), "\"status\": \"%63[^\"]", want_status) == 1);
    cr_assert(sscanf(strstr(sum, "\"stop_reason\": "), "\"stop_reason\": \"%63[^\"]", want_why) ==
              1);
    cr_assert(sscanf(strstr(sum, "\"bound\": "), "\"bound\": %63[^,]", want_bound) == 1);
    cr_assert(sscanf(strstr(sum, "\"gap\": "), "\"gap\": %63[^,]", want_gap) == 1);
    cr_assert(sscanf(strstr(sum, "\"chains_by_parcel\": "), "\"chains_by_parcel\": %255[^}]}",
                     want_chains) == 1);
    char want[1024];
    snprintf(want, sizeof want, "plan|%s|%s|%s|", want_status, want_why, want_bound);
    cr_assert(strncmp(row, want, strlen(want)) == 0, "pl_runs: %s, summary.json: %s", row, want);
    char *g = row + strlen(want);
    if (strcmp(want_gap, "null") == 0)
        cr_assert(strncmp(g, "null|", 5) == 0, "%s", row);
    else
        cr_assert_float_eq(strtod(g, NULL), strtod(want_gap, NULL), 1e-6, "%s", row);
    cr_assert(strstr(row, want_chains + 1), "chains_by_parcel: %s vs %s}", row, want_chains);
    free(row);
    /* economics and phasing (gonggai.yaml has both): the run's row says
     * what summary.json's blocks say */
    row = sql("SELECT round(capex_cny::numeric, 2) || '|' || round(npv_cny::numeric, 2) || '|' || "
              "round(tax_per_mu_after_cny::numeric, 2) || '|' || grades_before_a || '|' || "
              "grades_after_a || '|' || grades_after_d || '|' || phasing_status || '|' || "
              "parcels_started || '|' || last_in_use_year || '|' || "
              "(first_start_year <= last_start_year) FROM pl_runs WHERE run_id = '%s'",
              run);
    double capex = NAN, npv = NAN, tpm = NAN;
    long long ga = -1, gaa = -1, gad = -1, started = -1, in_use = -1;
    char phst[32] = "", order[8] = "";
    cr_assert_eq(sscanf(row, "%lf|%lf|%lf|%lld|%lld|%lld|%31[^|]|%lld|%lld|%7s", &capex, &npv, &tpm,
                        &ga, &gaa, &gad, phst, &started, &in_use, order),
                 10, "pl_runs: %s", row);
    const char *econ = strstr(sum, "\"economics\": {");
    const char *phasing = strstr(sum, "\"phasing\": {");
    cr_assert(econ && phasing, "summary.json's blocks");
    cr_assert_float_eq(capex, strtod(strstr(econ, "\"capex_cny\": ") + 13, NULL), 0.006, "%s", row);
    cr_assert_float_eq(npv, strtod(strstr(econ, "\"npv_cny\": ") + 11, NULL), 0.006, "%s", row);
    cr_assert_float_eq(tpm, strtod(strstr(econ, "\"tax_per_mu_after_cny\": ") + 24, NULL), 0.006,
                       "%s", row);
    const char *gb = strstr(econ, "\"grades_before\": {"),
               *gaf = strstr(econ, "\"grades_after\": {");
    cr_assert(gb && gaf);
    cr_assert_eq(ga, strtoll(strstr(gb, "\"A\": ") + 5, NULL, 10), "%s", row);
    cr_assert_eq(gaa, strtoll(strstr(gaf, "\"A\": ") + 5, NULL, 10), "%s", row);
    cr_assert_eq(gad, strtoll(strstr(gaf, "\"D\": ") + 5, NULL, 10), "%s", row);
    char want_ph[40];
    snprintf(want_ph, sizeof want_ph, "\"phasing\": {\"status\": \"%s\"", phst);
    cr_assert(strstr(sum, want_ph), "%s vs summary.json", row);
    cr_assert_eq(started, strtoll(strstr(phasing, "\"parcels_started\": ") + 19, NULL, 10), "%s",
                 row);
    cr_assert_eq(in_use, strtoll(strstr(phasing, "\"last_in_use_year\": ") + 20, NULL, 10), "%s",
                 row);
    cr_assert_str_eq(order, "true");
    free(row);
    free(sum);
    /* a scenario without economics and phasing: those columns null */
    r = t_sh("sed -i '/^economics:/,$d' %s", scen);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_cli("plan", scen, "-o", out_pg, "--to", conn, "--table-prefix", "pl_", "--mode", "append",
              "--gap", "0.05", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *bare_run = run_id_of(r.out);
    t_run_free(&r);
    row = sql("SELECT redeveloped || '|' || num_nulls(capex_cny, npv_cny, tax_per_mu_before_cny, "
              "grades_before_a, grades_after_d, phasing_status, phasing_gap, parcels_started, "
              "last_start_year, last_in_use_year) FROM pl_runs WHERE run_id = '%s'",
              bare_run);
    cr_assert(strstr(row, "|10"), "every economics and phasing column null: %s", row);
    free(row);
    free(bare_run);

    GDALDatasetH db = GDALOpenEx(conn, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert(db);
    /* parcels and floors against the GeoJSON files; buildings (in files
     * only in the GeoPackage) against shanglou.gpkg. */
    static const char *const layers[] = {"parcels", "floors", "buildings"};
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        char q[512], path[1100], what[64];
        snprintf(q, sizeof q, "SELECT * FROM pl_%s WHERE run_id = '%s' ORDER BY ogc_fid", layers[i],
                 run);
        OGRLayerH rows = GDALDatasetExecuteSQL(db, q, NULL, NULL);
        cr_assert(rows, "%s", q);
        bool gpkg = strcmp(layers[i], "buildings") == 0;
        if (gpkg)
            snprintf(path, sizeof path, "%s/shanglou.gpkg", out_file);
        else
            snprintf(path, sizeof path, "%s/%s.geojson", out_file, layers[i]);
        GDALDatasetH gj = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
        cr_assert(gj, "no %s", path);
        snprintf(what, sizeof what, "pl_%s vs file run", layers[i]);
        OGRLayerH file_layer =
            gpkg ? GDALDatasetGetLayerByName(gj, layers[i]) : GDALDatasetGetLayer(gj, 0);
        cr_assert(file_layer, "%s: no layer %s", path, layers[i]);
        cr_assert_gt(compare_layers(file_layer, rows, what), 0);
        GDALClose(gj);
        GDALDatasetReleaseResultSet(db, rows);
    }
    GDALClose(db);
    char *v = sql("SELECT string_agg(f_table_name || ' ' || type || ' ' || srid, ', ' ORDER BY "
                  "f_table_name) FROM geometry_columns WHERE f_table_name IN ('pl_parcels', "
                  "'pl_buildings', 'pl_floors')");
    cr_assert_str_eq(v, "pl_buildings MULTIPOLYGON 4547, pl_floors MULTIPOLYGON 4547, "
                        "pl_parcels MULTIPOLYGON 4547");
    free(v);
    free(run);
    free(scen);
}

/* create refuses a table in the way, append puts runs side by side,
 * overwrite replaces; an append whose columns do not match is refused. */
Test(pg, modes)
{
    drop_tables("md_");
    drop_tables("old_");
    t_run r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "md_", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    char *first = sql("SELECT DISTINCT run_id FROM md_parcels");

    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "md_", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: table md_parcels already exists; --mode append adds this run's rows to it, "
             "--mode overwrite replaces it, or choose another --table-prefix\n",
             shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);

    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "md_", "--mode", "append", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *second = run_id_of(r.out);
    cr_assert_str_neq(first, second);
    t_run_free(&r);
    char *v = sql("SELECT count(DISTINCT run_id) || ' ' || count(*) FROM md_parcels");
    cr_assert_str_eq(v, "2 376");
    free(v);
    /* Two runs compared in SQL: the same parcels, the same envelopes. */
    v = sql("SELECT count(*) FROM md_parcels a JOIN md_parcels b ON a.id = b.id "
            "WHERE a.run_id = '%s' AND b.run_id = '%s' "
            "AND a.after_max_gfa_m2 IS NOT DISTINCT FROM b.after_max_gfa_m2",
            first, second);
    cr_assert_str_eq(v, "188");
    free(v);

    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "md_", "--mode", "overwrite",
              NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *third = run_id_of(r.out);
    t_run_free(&r);
    v = sql("SELECT run_id || ' ' || count(*) FROM md_parcels GROUP BY run_id");
    snprintf(want, sizeof want, "%s 188", third);
    cr_assert_str_eq(v, want);
    free(v);

    /* Overwriting never takes a planner's views along. */
    free(sql("CREATE VIEW md_by_status AS SELECT status, count(*) FROM md_parcels GROUP BY "
             "status"));
    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "md_", "--mode", "overwrite",
              NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    snprintf(want, sizeof want,
             "%s: cannot overwrite table md_parcels: views depend on it (md_by_status); drop "
             "them first, or use --mode append\n",
             shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    v = sql("SELECT count(*) FROM md_by_status");
    cr_assert_str_eq(v, "2", "candidate and not_candidate");
    free(v);

    /* A table of the old rules alone lacks the after_* columns (and,
     * without economics, the grade). */
    char *only_before = only_before_scenario();
    r = t_cli("evaluate", only_before, "--to", conn, "--table-prefix", "old_", NULL);
    free(only_before);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "old_", "--mode", "append",
              NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    snprintf(want, sizeof want,
             "%s: cannot append to table old_parcels: it has no column after_max_gfa_m2, "
             "after_binding, after_factory_floors, after_office_floors, grade; it was written by "
             "another command or a scenario with other rule sets (choose another "
             "--table-prefix, or --mode overwrite)\n",
             shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    v = sql("SELECT count(*) FROM old_parcels");
    cr_assert_str_eq(v, "188");
    free(v);

    /* A schema given in the prefix. */
    free(sql("DROP SCHEMA IF EXISTS plans CASCADE; CREATE SCHEMA plans"));
    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "plans.run_", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "evaluate: wrote table plans.run_parcels to "), "%s", r.out);
    t_run_free(&r);
    v = sql("SELECT count(*) FROM plans.run_parcels");
    cr_assert_str_eq(v, "188");
    free(v);
    free(first);
    free(second);
    free(third);
}

/* A row the server refuses half-way through an append: nothing of the
 * run stays, in the database or in -o DIR. */
Test(pg, rollback_when_the_server_refuses_a_row)
{
    drop_tables("rb_");
    t_run r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "rb_", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    /* B7-2 is the 43rd of 188 parcels: rows before it have gone out. */
    free(sql("ALTER TABLE rb_parcels ADD CONSTRAINT no_b7_2 CHECK (id <> 'B7-2') NOT VALID"));
    const char *digest = "SELECT count(*) || ' ' || md5(string_agg(rb_parcels::text, '|' "
                         "ORDER BY ogc_fid)) FROM rb_parcels";
    char *before = sql("%s", digest);
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    r = t_cli("evaluate", GONGGAI, "-o", out, "--to", conn, "--table-prefix", "rb_", "--mode",
              "append", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: cannot write: COPY statement failed. ERROR: new row for relation "
             "\"rb_parcels\" violates check constraint \"no_b7_2\"\n",
             shown);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    char *after = sql("%s", digest);
    cr_assert_str_eq(after, before, "the table is as it was");
    cr_assert(strncmp(after, "188 ", 4) == 0, "%s", after);
    char path[1100];
    snprintf(path, sizeof path, "%s/parcels.geojson", out);
    cr_assert(access(path, F_OK) != 0, "no parcels.geojson from a failed run");
    free(before);
    free(after);
}

/* The connection killed in the middle of an overwrite: the old table,
 * dropped and recreated inside the transaction, is back as it was. */
Test(pg, rollback_when_the_connection_dies_during_overwrite)
{
    drop_tables("ow_");
    char *only_before = only_before_scenario();
    t_run r = t_cli("evaluate", only_before, "--to", conn, "--table-prefix", "ow_", NULL);
    free(only_before);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *old_run = run_id_of(r.out);
    t_run_free(&r);
    const char *digest = "SELECT count(*) || ' ' || md5(string_agg(ow_parcels::text, '|' "
                         "ORDER BY ogc_fid)) FROM ow_parcels";
    char *before = sql("%s", digest);
    /* Any new table ow_parcels gets a trigger that ends its own session
     * at parcel B7-2, after 42 rows. */
    su_sql("CREATE OR REPLACE FUNCTION public.sl_cut() RETURNS trigger LANGUAGE plpgsql AS $$\n"
           "BEGIN\n"
           "  IF NEW.id = 'B7-2' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;\n"
           "  RETURN NEW;\n"
           "END $$;\n"
           "CREATE OR REPLACE FUNCTION public.sl_arm() RETURNS event_trigger LANGUAGE plpgsql "
           "AS $$\n"
           "DECLARE r record;\n"
           "BEGIN\n"
           "  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP\n"
           "    IF r.command_tag = 'CREATE TABLE' AND r.object_identity = 'public.ow_parcels' "
           "THEN\n"
           "      EXECUTE 'CREATE TRIGGER sl_cut BEFORE INSERT ON public.ow_parcels FOR EACH "
           "ROW EXECUTE FUNCTION public.sl_cut()';\n"
           "    END IF;\n"
           "  END LOOP;\n"
           "END $$;\n"
           "DROP EVENT TRIGGER IF EXISTS sl_arm;\n"
           "CREATE EVENT TRIGGER sl_arm ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
           "EXECUTE FUNCTION public.sl_arm();\n");
    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "ow_", "--mode", "overwrite",
              NULL);
    su_sql("DROP EVENT TRIGGER sl_arm;");
    cr_assert_eq(r.status, 1, "%s", r.err);
    /* What libpq reports depends on whether it reads the server's goodbye
     * before it finds the socket closed. */
    char want[8192], also[8192];
    snprintf(want, sizeof want,
             "%s: cannot write: COPY statement failed. FATAL: terminating connection due to "
             "administrator command\n",
             shown);
    snprintf(also, sizeof also,
             "%s: cannot write: server closed the connection unexpectedly. This probably means "
             "the server terminated abnormally before or while processing the request.\n",
             shown);
    cr_assert(strcmp(r.err, want) == 0 || strcmp(r.err, also) == 0, "%s", r.err);
    t_run_free(&r);
    char *after = sql("%s", digest);
    cr_assert_str_eq(after, before, "the old table is back as it was");
    char *v = sql("SELECT DISTINCT run_id FROM ow_parcels");
    cr_assert_str_eq(v, old_run);
    free(v);
    v = sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ow_parcels' "
            "AND column_name = 'after_max_gfa_m2'");
    cr_assert_str_eq(v, "0", "the old rules' columns, not the new run's");
    free(v);
    free(before);
    free(after);
    free(old_run);
}

/* Wait (10 s at most) until another session holds a lock on table, or
 * until none does. */
static void wait_lock(const char *table, bool held)
{
    for (int i = 0; i < 100; i++) {
        char *n = sql("SELECT count(*) FROM pg_locks WHERE relation = '%s'::regclass AND pid "
                      "<> pg_backend_pid()",
                      table);
        bool now = strcmp(n, "0") != 0;
        free(n);
        if (now == held)
            return;
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    cr_assert_fail("the lock on %s was never %s", table, held ? "taken" : "released");
}

/* A table locked by another session (QGIS editing it): the run fails
 * after lock_timeout (PGOPTIONS here, 30 s by default) instead of
 * hanging; the table the parcels are read from is never overwritten. */
Test(pg, locks_end_in_a_message_not_a_hang)
{
    drop_tables("lk_");
    load_zone();
    t_run r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "lk_", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    setenv("PGOPTIONS", "-c lock_timeout=1s", 1);

    /* Another session holds the table for 3 s. */
    r = t_sh("PGPASSWORD='%s' nohup '%s/psql' -X -q -h %s -p %s -U %s -d %s -c \"BEGIN; LOCK "
             "TABLE lk_parcels IN ACCESS SHARE MODE; SELECT pg_sleep(3); COMMIT;\" "
             ">/dev/null 2>&1 &",
             pg.password, pg.bin, pg.host, pg.port, pg.user, pg.db);
    t_run_free(&r);
    wait_lock("lk_parcels", true);
    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "lk_", "--mode", "overwrite",
              NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: cannot replace table lk_parcels: ERROR: canceling statement due to lock "
             "timeout\n",
             shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);

    wait_lock("lk_parcels", false);

    /* Overwriting the table the parcels are read from: refused before it
     * could wait for its own lock (output_table_is_the_source). */
    char *scen = pg_scenario("self.yaml", "lk_parcels", NULL); /* it has dkbh, yddm ... */
    r = t_cli("evaluate", scen, "--to", conn, "--table-prefix", "lk_", "--mode", "overwrite", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    snprintf(want, sizeof want,
             "evaluate: output table public.lk_parcels in %s would overwrite the parcel source, "
             "table public.lk_parcels of %s; choose another --table-prefix\n",
             shown, shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    char *v = sql("SELECT count(DISTINCT run_id) || ' ' || count(*) FROM lk_parcels");
    cr_assert_str_eq(v, "1 188");
    free(v);
    free(scen);
    unsetenv("PGOPTIONS");
}

Test(pg, wrong_password)
{
    const char *bad = "Wr0ng-pw-7731";
    char c[1024];
    snprintf(c, sizeof c, "PG:host=%s port=%s dbname=%s user=%s password=%s", pg.host, pg.port,
             pg.db, pg.user, bad);
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    t_run r = t_cli("evaluate", GONGGAI, "-o", out, "--to", c, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: cannot connect: connection to server at \"%s\", port %s failed: FATAL: "
             "password authentication failed for user \"%s\"\n",
             shown, pg.host, pg.port, pg.user);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    assert_no_password(&r, bad);
    t_run_free(&r);

    /* Reading: the scenario's source with a wrong password. */
    char *scen = pg_scenario("badpw.yaml", "zone_parcels", bad);
    r = t_cli("check", scen, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    snprintf(want, sizeof want,
             "cannot open parcel source '%s': cannot connect: connection to server at \"%s\", "
             "port %s failed: FATAL: password authentication failed for user \"%s\"\n",
             shown, pg.host, pg.port, pg.user);
    cr_assert_str_eq(r.err, want);
    assert_no_password(&r, bad);
    t_run_free(&r);
    free(scen);

    /* A connection string of the wrong kind is not echoed with its secret. */
    snprintf(c, sizeof c, "postgresql://%s:%s@%s:%s/%s", pg.user, bad, pg.host, pg.port, pg.db);
    r = t_cli("evaluate", GONGGAI, "--to", c, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    snprintf(want, sizeof want,
             "shanglou: evaluate: --to takes a PostgreSQL connection string, PG:dbname=NAME "
             "host=HOST user=USER ...; not 'postgresql://%s:***@%s:%s/%s'\n",
             pg.user, pg.host, pg.port, pg.db);
    cr_assert(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
    assert_no_password(&r, bad);
    t_run_free(&r);
}

Test(pg, unreachable_server)
{
    char c[1024];
    snprintf(c, sizeof c, "PG:host=127.0.0.1 port=1 dbname=%s user=%s password=%s", pg.db, pg.user,
             pg.password);
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    t_run r = t_cli("evaluate", GONGGAI, "-o", out, "--to", c, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "PG:host=127.0.0.1 port=1 dbname=%s user=%s password=***: cannot connect: "
             "connection to server at \"127.0.0.1\", port 1 failed: Connection refused. Is "
             "the server running on that host and accepting TCP/IP connections?\n",
             pg.db, pg.user);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    assert_no_password(&r, NULL);
    t_run_free(&r);
    char path[1100];
    snprintf(path, sizeof path, "%s/summary.json", out);
    cr_assert(access(path, F_OK) != 0, "no output from a run that could not connect");
}

Test(pg, database_without_postgis)
{
    su_sql("DROP DATABASE IF EXISTS plain_pg; CREATE DATABASE plain_pg OWNER shanglou;");
    char c[1024];
    snprintf(c, sizeof c, "PG:host=%s port=%s dbname=plain_pg user=%s password=%s", pg.host,
             pg.port, pg.user, pg.password);
    t_run r = t_cli("evaluate", GONGGAI, "--to", c, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "PG:host=%s port=%s dbname=plain_pg user=%s password=***: the database has no "
             "PostGIS; a superuser adds it with CREATE EXTENSION postgis\n",
             pg.host, pg.port, pg.user);
    cr_assert_str_eq(r.err, want);
    assert_no_password(&r, NULL);
    t_run_free(&r);
    su_sql("DROP DATABASE plain_pg;");
}

Test(pg, usage_errors)
{
    t_run r = t_cli("evaluate", GONGGAI, "--to", conn, "--mode", "replace", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strncmp(r.err,
                      "shanglou: evaluate: --mode is create, overwrite or append, not "
                      "'replace'\n",
                      60) == 0,
              "%s", r.err);
    assert_no_password(&r, NULL);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "--to", conn, "--table-prefix", "Zone-A", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: evaluate: --table-prefix 'Zone-A': use lower-case "
                            "letters, digits and '_' (at most 48), optionally after a schema "
                            "name and a dot, e.g. shanglou_ or plans.run_\n"),
              "%s", r.err);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "-o", dir, "--mode", "append", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: evaluate: --mode needs --to PG:...\n"), "%s", r.err);
    t_run_free(&r);
}

/* The source's own table as an output (docs/robustness.md): refused with
 * exit 2 before anything is written, in every mode and however the prefix
 * names it; the table stays as it was. */
Test(pg, output_table_is_the_source, .timeout = 110)
{
    load_zone();
    char *scen = pg_scenario("self.yaml", "zone_parcels", NULL);
    char *before = sql("SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY t::text)) "
                       "FROM zone_parcels t");
    char want[8192];
    static const char *const modes[] = {"create", "overwrite", "append"};
    for (int i = 0; i < 3; i++) {
        t_run r = t_cli("evaluate", scen, "--to", conn, "--table-prefix", "zone_", "--mode",
                        modes[i], NULL);
        cr_assert_eq(r.status, 2, "%s: %s", modes[i], r.err);
        snprintf(want, sizeof want,
                 "evaluate: output table public.zone_parcels in %s would overwrite the parcel "
                 "source, table public.zone_parcels of %s; choose another --table-prefix\n",
                 shown, shown);
        cr_assert_str_eq(r.err, want);
        assert_no_password(&r, NULL);
        t_run_free(&r);
    }
    char out[1100];
    snprintf(out, sizeof out, "%s/out", dir);
    t_run r = t_cli("plan", scen, "-o", out, "--to", conn, "--table-prefix", "public.zone_",
                    "--mode", "overwrite", "-q", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    snprintf(want, sizeof want,
             "plan: output table public.zone_parcels in %s would overwrite the parcel source, "
             "table public.zone_parcels of %s; choose another --table-prefix\n",
             shown, shown);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    r = t_sh("ls -A '%s'", dir);
    cr_assert_str_eq(r.out, "self.yaml\n", "nothing written: %s", r.out);
    t_run_free(&r);
    char *after = sql("SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY t::text)) "
                      "FROM zone_parcels t");
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
    free(scen);
}

/* Library level: a plan's parcels and floors layers in one transaction
 * (the floors layer has no command yet on this branch's main), rolled
 * back together when a row of the second layer is refused, or when the
 * caller gives up. */
/* The floors writer names blocks with the optimizer's sl_block_name(),
 * which is not on this branch yet: a stand-in the library's own
 * definition overrides once it is there. */
__attribute__((weak)) const char *sl_block_name(sl_block b)
{
    return b == SL_BLOCK_OFFICE ? "office" : "factory";
}

typedef struct lib_ctx {
    sl_parcels_writer *parcels;
    sl_floors_writer *floors;
    sl_error *err;
} lib_ctx;

static sl_status write_fake_plan(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                                 OGRGeometryH geom)
{
    (void)z;
    lib_ctx *c = user;
    /* Every candidate: two factory storeys of industry 0 on the whole
     * parcel (a made-up plan: what is tested is where rows go). */
    sl_storey st[2] = {{SL_BLOCK_FACTORY, 1, 0, 6.0, 1000.0},
                       {SL_BLOCK_FACTORY, 2, 0, 4.5, 1000.0}};
    sl_parcel_plan pp = {.redeveloped = true,
                         .n_storeys = 2,
                         .storeys = st,
                         .factory_floors = 2,
                         .factory_height_m = 10.5,
                         .gfa_m2 = 2000,
                         .counted_gfa_m2 = 2000,
                         .value_m2eq = 1};
    bool cand = p->status == SL_PARCEL_CANDIDATE;
    if (cand) {
        sl_status s = sl_floors_writer_add(c->floors, p, &pp, geom, NULL, c->err);
        if (s != SL_OK)
            return s;
    }
    return sl_parcels_writer_add(c->parcels, p, f, geom, cand ? &pp : NULL, c->err);
}

static sl_status lib_run(const sl_scenario *sc, sl_pg_mode mode, const char *run_id, bool commit,
                         sl_error *err)
{
    sl_zone *z = sl_zone_open(sc, err);
    cr_assert(z, "%s", err->n ? err->msgs[0] : "");
    sl_out_dataset *d = sl_out_dataset_open_pg(conn, "lib_", mode, run_id, "lib-test", err);
    cr_assert(d, "%s", err->n ? err->msgs[0] : "");
    lib_ctx c = {sl_parcels_writer_open_in(d, z, true, err), sl_floors_writer_open_in(d, z, err),
                 err};
    cr_assert(c.parcels && c.floors, "%s", err->n ? err->msgs[0] : "");
    sl_status st = sl_zone_read(z, write_fake_plan, &c, err);
    sl_parcels_writer_close(c.parcels, NULL);
    sl_floors_writer_close(c.floors);
    if (st == SL_OK && commit)
        st = sl_out_dataset_close(d, err);
    else
        sl_out_dataset_abort(d, err);
    sl_zone_destroy(z);
    return commit ? st : SL_ERR_IO;
}

Test(pg, library_parcels_and_floors_in_one_transaction)
{
    drop_tables("lib_");
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(SL_SRC "/scenarios/gonggai.yaml", &err);
    cr_assert(sc);
    cr_assert_eq(lib_run(sc, SL_PG_CREATE, "lib-run-1", true, &err), SL_OK, "%s",
                 err.n ? err.msgs[0] : "");
    char *v = sql("SELECT (SELECT count(*) FROM lib_parcels) || ' ' || "
                  "(SELECT count(*) FROM lib_floors) || ' ' || "
                  "(SELECT string_agg(DISTINCT run_id || '/' || scenario, ',') FROM lib_floors)");
    cr_assert_str_eq(v, "188 126 lib-run-1/lib-test");
    free(v);
    v = sql("SELECT string_agg(f_table_name || ' ' || type || ' ' || srid, ', ' ORDER BY "
            "f_table_name) FROM geometry_columns WHERE f_table_name LIKE 'lib\\_%%'");
    cr_assert_str_eq(v, "lib_floors MULTIPOLYGON 4547, lib_parcels MULTIPOLYGON 4547");
    free(v);
    v = sql("SELECT stack->1->>'level' FROM lib_parcels WHERE id = 'B7-2'");
    cr_assert_str_eq(v, "2", "the stack is a json column");
    free(v);
    const char *digest =
        "SELECT md5((SELECT string_agg(lib_parcels::text, '|' ORDER BY ogc_fid) FROM "
        "lib_parcels) || (SELECT string_agg(lib_floors::text, '|' ORDER BY ogc_fid) FROM "
        "lib_floors))";
    char *before = sql("%s", digest);

    /* The caller gives up after writing everything (say the optimizer
     * failed): an overwrite that never happened. */
    lib_run(sc, SL_PG_OVERWRITE, "lib-run-2", false, &err);
    char *after = sql("%s", digest);
    cr_assert_str_eq(after, before);
    free(after);

    /* The floors refuse a row after the parcels took theirs. */
    free(sql("ALTER TABLE lib_floors ADD CONSTRAINT low CHECK (level < 2) NOT VALID"));
    sl_error_clear(&err);
    sl_error_init(&err);
    cr_assert_eq(lib_run(sc, SL_PG_APPEND, "lib-run-3", true, &err), SL_ERR_IO);
    cr_assert_eq(err.n, 1);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: cannot write: COPY statement failed. ERROR: new row for relation "
             "\"lib_floors\" violates check constraint \"low\"",
             shown);
    cr_assert_str_eq(err.msgs[0], want);
    after = sql("%s", digest);
    cr_assert_str_eq(after, before, "neither table changed");
    free(after);
    free(before);
    sl_error_clear(&err);
    sl_scenario_destroy(sc);
}
