/* test_hostile.c - the hostile-input corpus (tests/hostile/ and fixtures
 * made here with ogr2ogr and the shell), run through the shanglou command
 * as a planner would.  Every case states its exact outcome: the message of
 * a run that must fail (which then writes nothing), or the status and
 * reason of every parcel of a run that must succeed (docs/model.md §2: every input
 * feature is in parcels.geojson).  docs/robustness.md is the table of these
 * outcomes for planners. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* EPSG:4547 coordinates near 114.9°E 25.85°N (沙河组团). */
#define X0 590000.0
#define Y0 2860000.0

static char *dir; /* fixtures, scenario and outputs of one test */

static void setup(void)
{
    dir = t_tmpdir();
}
static void teardown(void)
{
    t_rmtree(dir);
    free(dir);
}
TestSuite(scenario_input, .timeout = 120);
TestSuite(data_input, .init = setup, .fini = teardown, .timeout = 300);
TestSuite(secrets, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ------------------------------------------------------- */

static char *path_in(const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* A scenario in dir/s.yaml reading `source`; extra: more parcels keys. */
static char *scenario(const char *source, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text,
             "name: hostile\n"
             "parcels:\n"
             "  source: %s\n"
             "%s"
             "  fields: {id: ID, land_use: LU, current_far: FAR, tax: TAX}\n"
             "  industrial_land_uses: [M1]\n"
             "rules:\n"
             "  after: {far_max: 3.0}\n",
             source, extra ? extra : "");
    return t_write(dir, "s.yaml", text);
}

static void square(char *buf, size_t n, double x, double y, double s)
{
    snprintf(buf, n,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
             "[%.6f,%.6f],[%.6f,%.6f]]]}",
             x, y, x + s, y, x + s, y + s, x, y + s, x, y);
}

/* One GeoJSON feature with ID, LU = M1, FAR 0.4, TAX null (heap). */
static char *feature(const char *id, const char *geom)
{
    char *b = malloc(strlen(geom) + strlen(id) + 160);
    sprintf(b,
            "{\"type\":\"Feature\",\"properties\":{\"ID\":\"%s\",\"LU\":\"M1\",\"FAR\":0.4,"
            "\"TAX\":null},\"geometry\":%s}",
            id, geom);
    return b;
}

/* dir/name: a FeatureCollection of the n features (freed) in EPSG:epsg. */
static char *write_geojson(const char *name, int epsg, char **feats, int n)
{
    char *p = path_in(name);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fprintf(f,
            "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
            "{\"name\":\"urn:ogc:def:crs:EPSG::%d\"}},\"features\":[",
            epsg);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s%s\n", i ? "," : "", feats[i]);
        free(feats[i]);
    }
    fprintf(f, "]}\n");
    fclose(f);
    return p;
}

/* Five 100 m squares with ids 甲-0 .. 甲-4 as a shapefile dir/shp/parcels.*
 * (UTF-8, .cpg) or, with lco, whatever layer creation options say. */
static char *five_parcels_shp(const char *lco)
{
    char *f[5];
    for (int i = 0; i < 5; i++) {
        char g[512], id[32];
        square(g, sizeof g, X0 + 150 * i, Y0, 100);
        snprintf(id, sizeof id, "甲-%d", i);
        f[i] = feature(id, g);
    }
    char *gj = write_geojson("five.geojson", 4547, f, 5);
    t_run r = t_sh("ogr2ogr -f 'ESRI Shapefile' -nln parcels %s '%s/shp' '%s' 2>&1",
                   lco ? lco : "-lco ENCODING=UTF-8", dir, gj);
    cr_assert_eq(r.status, 0, "ogr2ogr: %s", r.out);
    t_run_free(&r);
    free(gj);
    return path_in("shp/parcels.shp");
}

/* parcels.geojson of an evaluate run, one feature per line. */
typedef struct parcel_out {
    char id[128], status[32], reason[1024];
} parcel_out;
typedef struct run_out {
    int n;
    parcel_out *p;
} run_out;

/* The JSON string value of "key" in line into buf ("null" for null). */
static void json_field(const char *line, const char *key, char *buf, size_t size)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *at = strstr(line, k);
    cr_assert(at, "no %s in %.200s", key, line);
    at += strlen(k);
    size_t o = 0;
    if (*at != '"') {
        snprintf(buf, size, "null");
        return;
    }
    for (at++; *at && *at != '"' && o + 1 < size; at++) {
        if (*at == '\\' && at[1])
            at++;
        buf[o++] = *at;
    }
    buf[o] = '\0';
}

static run_out read_parcels(const char *out_dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/parcels.geojson", out_dir);
    char *text = t_slurp(p, NULL);
    cr_assert(text, "%s missing", p);
    run_out r = {0};
    int cap = 16;
    r.p = calloc((size_t)cap, sizeof *r.p);
    for (char *line = text; line && *line;) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        if (strncmp(line, "{ \"type\": \"Feature\"", 19) == 0) {
            if (r.n == cap) {
                /* doubling: one realloc per feature copies the whole array
                 * each time under ASan (10,000 parcels took minutes) */
                cap *= 2;
                r.p = realloc(r.p, (size_t)cap * sizeof *r.p);
                cr_assert(r.p);
            }
            parcel_out *q = &r.p[r.n++];
            json_field(line, "id", q->id, sizeof q->id);
            json_field(line, "status", q->status, sizeof q->status);
            json_field(line, "reason", q->reason, sizeof q->reason);
        }
        line = eol ? eol + 1 : NULL;
    }
    free(text);
    return r;
}

static int count_status(const run_out *r, const char *status)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        n += strcmp(r->p[i].status, status) == 0;
    return n;
}

static void expect_parcel(const run_out *r, int i, const char *id, const char *status,
                          const char *reason)
{
    cr_assert_lt(i, r->n);
    cr_assert_str_eq(r->p[i].id, id, "parcel %d", i);
    cr_assert_str_eq(r->p[i].status, status, "parcel %s: %s", id, r->p[i].reason);
    cr_assert_str_eq(r->p[i].reason, reason, "parcel %s", id);
}

/* evaluate dir/s.yaml into dir/out; must succeed. */
static run_out evaluate_ok(const char *scen)
{
    char *out = path_in("out");
    t_run r = t_cli("evaluate", scen, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "evaluate: %s", r.err);
    cr_assert_str_eq(r.err, "");
    t_run_free(&r);
    run_out o = read_parcels(out);
    free(out);
    return o;
}

/* evaluate into an output directory holding a previous file: must exit
 * with `status` and print exactly `message` (plus a newline), and leave
 * the directory as it was, with no staging directory beside it. */
/* check fails with exactly this message on stderr. */
static void check_fails_with(const char *scen, int status, const char *message)
{
    t_run r = t_cli("check", scen, NULL);
    cr_assert_eq(r.status, status, "exit %d: %s", r.status, r.err);
    char want[4200];
    snprintf(want, sizeof want, "%.4096s\n", message);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
}

static void evaluate_fails(const char *scen, int status, const char *message)
{
    char *out = path_in("out");
    t_run r = t_sh("mkdir -p %s && echo previous > %s/previous.txt", out, out);
    t_run_free(&r);
    r = t_cli("evaluate", scen, "-o", out, NULL);
    cr_assert_eq(r.status, status, "exit %d: %s", r.status, r.err);
    char want[4096];
    snprintf(want, sizeof want, "%s\n", message);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    r = t_sh("ls -A %s; ls -A %s | grep shanglou", out, dir);
    cr_assert_str_eq(r.out, "previous.txt\n", "left behind: %s", r.out);
    t_run_free(&r);
    free(out);
}

static void run_out_free(run_out *r)
{
    free(r->p);
    r->p = NULL;
    r->n = 0;
}

/* ---- scenario files -------------------------------------------------- */

/* `check` must exit 2 and print exactly these lines. */
static void check_fails(const char *path, const char *expected)
{
    t_run r = t_cli("check", path, NULL);
    cr_assert_eq(r.status, 2, "exit %d: %s", r.status, r.err);
    cr_assert_str_eq(r.err, expected);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
}

Test(scenario_input, alias_bomb)
{
    check_fails("hostile/alias-bomb.yaml",
                "hostile/alias-bomb.yaml:7:37: too many alias expansions (more than 100000 "
                "nodes)\n");
}

Test(scenario_input, deep_nesting)
{
    dir = t_tmpdir();
    char *p = path_in("deep.yaml");
    FILE *f = fopen(p, "w");
    fputs("name: ", f);
    for (int i = 0; i < 100000; i++)
        fputc('[', f);
    for (int i = 0; i < 100000; i++)
        fputc(']', f);
    fputc('\n', f);
    fclose(f);
    char want[4200];
    snprintf(want, sizeof want, "%s:1:70: nesting deeper than 64 levels\n", p);
    check_fails(p, want);
    free(p);
    teardown();
}

Test(scenario_input, ten_megabyte_scalar)
{
    dir = t_tmpdir();
    char *p = path_in("big.yaml");
    FILE *f = fopen(p, "w");
    fputs("parcels: {source: x.shp, fields: {id: A, land_use: B}}\nname: ", f);
    for (int i = 0; i < 10 << 20; i++)
        fputc('x', f);
    fputc('\n', f);
    fclose(f);
    char want[4200];
    snprintf(want, sizeof want, "%s:2:7: value longer than 1 MiB\n", p);
    check_fails(p, want);
    free(p);
    teardown();
}

Test(scenario_input, nan_infinite_negative_huge_numbers)
{
    check_fails("hostile/numbers.yaml",
                "hostile/numbers.yaml:7:24: candidacy.far_below: expected a finite number, got "
                "'.nan'\n"
                "hostile/numbers.yaml:7:52: candidacy.tax_per_mu_below_cny: expected a finite "
                "number, got '-.inf'\n"
                "hostile/numbers.yaml:7:72: candidacy.min_area_m2 must be >= 0 (got -3000)\n"
                "hostile/numbers.yaml:10:14: rules.after.far_max: expected a finite number, got "
                "'1e309'\n"
                "hostile/numbers.yaml:11:27: rules.after.factory_height_max_m: expected a finite "
                "number, got '.inf'\n"
                "hostile/numbers.yaml:12:26: rules.after.office_height_max_m must be > 0 (got "
                "-60)\n"
                "hostile/numbers.yaml:13:19: rules.after.coverage_max must be between 0 and 1 "
                "(got 1.5)\n"
                "hostile/numbers.yaml:15:32: rules.after.floor_load_max_kN_m2[1]: expected a "
                "finite number, got '.NaN'\n"
                "hostile/numbers.yaml:15:38: rules.after.floor_load_max_kN_m2[2] must be > 0 (got "
                "-8)\n"
                "hostile/numbers.yaml:16:17: rules.after.ramp_floor: expected an integer, got "
                "'99999999999999999999'\n"
                "hostile/numbers.yaml:17:13: plan.gap must be between 0 and 1 (got -0.1)\n"
                "hostile/numbers.yaml:17:33: plan.time_limit_s: expected a finite number, got "
                "'1e400'\n");
}

/* Valid but absurd values (a 1e-300 m storey, 1e300 m caps and setbacks)
 * evaluate without overflow: floor counts saturate at 1,000 (SL_MAX_FLOORS). */
Test(scenario_input, huge_valid_numbers_evaluate)
{
    dir = t_tmpdir();
    char text[2048];
    snprintf(text, sizeof text,
             "name: huge\n"
             "parcels:\n"
             "  source: %s/geodata/shahe/parcels.shp\n"
             "  fields: {id: DKBH, land_use: YDDM, current_gfa: JZMJ, current_far: RJL, tax: NSE}\n"
             "  industrial_land_uses: [M1, M2, \"100101\"]\n"
             "candidacy: {far_below: 1e300, tax_per_mu_below_cny: 1e300}\n"
             "rules:\n"
             "  a: {far_max: 1e300, factory_height_max_m: 1e300, office_height_max_m: 1e300,\n"
             "      standard_floor_height_m: 1e-300, office_floor_height_m: 1e-300}\n"
             "  b: {setback_m: 1e300, ground_floor_height_min_m: 1e300}\n",
             SL_SRC);
    char *p = t_write(dir, "s.yaml", text);
    run_out o = evaluate_ok(p);
    cr_assert_eq(o.n, 188);
    char *gj = path_in("out/parcels.geojson");
    char *t = t_slurp(gj, NULL);
    cr_assert(strstr(t, "\"a_factory_floors\": 1001,"), "saturated floor count");
    cr_assert_null(strstr(t, "\"a_factory_floors\": -"), "no overflow");
    cr_assert(strstr(t, "\"b_binding\": \"setback\""));
    free(t);
    free(gj);
    run_out_free(&o);
    free(p);
    teardown();
}

/* evaluate succeeds (it places no industry); check reports the demand
 * minimums that no plan can meet, as plan would, with the numbers, and
 * first warns which industry fits no storey anywhere, and why. */
Test(scenario_input, industries_that_fit_no_parcel)
{
    t_run r = t_cli("check", "hostile/cannot-fit.yaml", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert(strncmp(r.err,
                      "warning: industry giant-press fits no storey of any candidate parcel: "
                      "floor load 200 kN/m² above every storey's limit "
                      "(rules.after.floor_load_max_kN_m2 [25, 15, 12, 8]: at most 25 kN/m²); its "
                      "demand_m2 min 100000000 m² cannot be met\n",
                      strlen("warning: industry giant-press fits no storey of any candidate "
                             "parcel: floor load 200 kN/m² above every storey's limit "
                             "(rules.after.floor_load_max_kN_m2 [25, 15, 12, 8]: at most 25 "
                             "kN/m²); its demand_m2 min 100000000 m² cannot be met\n")) == 0,
              "%s", r.err);
    cr_assert(strstr(r.err, "hostile/cannot-fit.yaml:14:5: industries[0].demand_m2: industry "
                            "giant-press needs at least 100000000 m² (min) but the "),
              "%s", r.err);
    cr_assert(strstr(r.err, "hostile/cannot-fit.yaml:17:5: industries[1].demand_m2: industry "
                            "tall-office needs at least 50000000 m² (min) but the "),
              "%s", r.err);
    t_run_free(&r);
    dir = t_tmpdir();
    run_out o = evaluate_ok("hostile/cannot-fit.yaml");
    cr_assert_eq(o.n, 188);
    run_out_free(&o);
    teardown();
}

/* ---- parcel data ------------------------------------------------------ */

/* A circular parcel of radius 100 m with 1,000,000 vertices, beside an
 * ordinary one: read, measured, repaired-or-not and written in bounded
 * time and memory. */
Test(data_input, million_vertex_parcel, .timeout = 600)
{
    char *p = path_in("big.geojson");
    FILE *f = fopen(p, "w");
    fprintf(f, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
               "{\"name\":\"urn:ogc:def:crs:EPSG::4547\"}},\"features\":[");
    fprintf(f, "{\"type\":\"Feature\",\"properties\":{\"ID\":\"BIG\",\"LU\":\"M1\",\"FAR\":0.4,"
               "\"TAX\":null},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[");
    const int n = 1000000;
    for (int i = 0; i <= n; i++) {
        double a = 2 * 3.14159265358979323846 * (i % n) / n;
        fprintf(f, "%s[%.4f,%.4f]", i ? "," : "", X0 + 100 * cos(a), Y0 + 100 * sin(a));
    }
    char g[512];
    square(g, sizeof g, X0 + 300, Y0, 100);
    char *small = feature("SMALL", g);
    fprintf(f, "]]}},%s]}\n", small);
    free(small);
    fclose(f);
    char *s = scenario(p, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 2);
    expect_parcel(&o, 0, "BIG", "candidate", "FAR 0.40 below 1.00");
    expect_parcel(&o, 1, "SMALL", "candidate", "FAR 0.40 below 1.00");
    /* π·100² = 31,415.93 m² in the plane; geodesic about 2e-4 smaller. */
    char *gj = path_in("out/parcels.geojson");
    char *t = t_slurp(gj, NULL);
    cr_assert(strstr(t, "\"area_m2\": 31409.66,"), "area of the circle");
    free(t);
    free(gj);
    run_out_free(&o);
    free(s);
    free(p);
}

Test(data_input, bow_tie_is_repaired)
{
    char g[512];
    snprintf(g, sizeof g,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f],[%.1f,%.1f]]]}",
             X0, Y0, X0 + 100, Y0 + 100, X0 + 100, Y0, X0, Y0 + 100, X0, Y0);
    char *f[1] = {feature("BOWTIE", g)};
    char *src = write_geojson("bowtie.geojson", 4547, f, 1);
    char *s = scenario(src, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 1);
    expect_parcel(&o, 0, "BOWTIE", "candidate",
                  "invalid geometry repaired with MakeValid; FAR 0.40 below 1.00");
    run_out_free(&o);
    free(s);
    free(src);
}

Test(data_input, unclosed_ring_in_geojson)
{
    char g[2][512];
    snprintf(g[0], sizeof g[0],
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
             "[%.1f,%.1f]]]}",
             X0, Y0, X0 + 100, Y0, X0 + 100, Y0 + 100, X0, Y0 + 100);
    snprintf(g[1], sizeof g[1],
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f]]]}", X0, Y0, X0 + 100,
             Y0);
    char *f[2] = {feature("OPEN", g[0]), feature("TWO-POINTS", g[1])};
    char *src = write_geojson("open.geojson", 4547, f, 2);
    char *s = scenario(src, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 2);
    expect_parcel(&o, 0, "OPEN", "candidate", "unclosed ring closed; FAR 0.40 below 1.00");
    expect_parcel(&o, 1, "TWO-POINTS", "rejected", "a polygon ring has fewer than 3 points");
    run_out_free(&o);
    free(s);
    free(src);
}

/* The .shp cut inside the third shape: the first two parcels are read,
 * the other three rejected with GDAL's reason. */
Test(data_input, truncated_shp)
{
    char *shp = five_parcels_shp(NULL);
    t_run r = t_sh("truncate -s 400 %s", shp);
    t_run_free(&r);
    char *s = scenario("shp/parcels.shp", NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 5);
    expect_parcel(&o, 0, "甲-0", "candidate", "FAR 0.40 below 1.00");
    expect_parcel(&o, 1, "甲-1", "candidate", "FAR 0.40 below 1.00");
    const int offsets[] = {372, 508, 644};
    for (int i = 2; i < 5; i++) {
        char reason[256], id[32];
        snprintf(reason, sizeof reason,
                 "geometry cannot be read: Error in fread() reading object of size 136 at "
                 "offset %d from .shp file",
                 offsets[i - 2]);
        snprintf(id, sizeof id, "甲-%d", i);
        expect_parcel(&o, i, id, "rejected", reason);
    }
    run_out_free(&o);
    free(s);
    free(shp);
}

/* A FlatGeobuf cut short: inside the features (GDAL says so) or before
 * them (GDAL just stops: the header's count gives it away). */
Test(data_input, flatgeobuf_cut_short)
{
    char *shp = five_parcels_shp(NULL);
    char *fgb = path_in("p.fgb");
    t_run r = t_sh("ogr2ogr -f FlatGeobuf %s %s && stat -c %%s %s", fgb, shp, fgb);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "2560\n", "layout as measured: %s", r.out);
    t_run_free(&r);
    char *s = scenario(fgb, NULL);
    r = t_sh("truncate -s 2000 %s", fgb);
    t_run_free(&r);
    char want[4096];
    snprintf(want, sizeof want, "%s: reading stopped at feature 2: Fatal error parsing feature",
             fgb);
    evaluate_fails(s, 1, want);
    r = t_sh("truncate -s 1500 %s", fgb);
    t_run_free(&r);
    snprintf(want, sizeof want,
             "%s: the layer announces 5 features but 0 could be read; the file is damaged or "
             "cut short",
             fgb);
    evaluate_fails(s, 1, want);
    free(s);
    free(fgb);
    free(shp);
}

Test(data_input, dbf_with_fewer_records_than_shp)
{
    char *shp = five_parcels_shp(NULL);
    t_run r = t_sh("cd %s && ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=UTF-8 -nln parcels "
                   "three five.geojson -where \"ID <> '甲-3' AND ID <> '甲-4'\" && "
                   "cp three/parcels.dbf shp/parcels.dbf",
                   dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char *s = scenario(shp, NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "%s: the .shp has 5 shapes but the .dbf has 3 records; the files do not belong "
             "together or one was cut short: export the layer again",
             shp);
    evaluate_fails(s, 1, want);
    free(s);
    free(shp);
}

Test(data_input, dbf_cut_short)
{
    char *shp = five_parcels_shp(NULL);
    t_run r = t_sh("truncate -s 300 %s/shp/parcels.dbf", dir);
    t_run_free(&r);
    char *s = scenario(shp, NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "%s: the .dbf file is cut short: its header announces 5 records but the file "
             "holds 0; export the layer again",
             shp);
    evaluate_fails(s, 1, want);
    free(s);
    free(shp);
}

Test(data_input, missing_shx_and_dbf)
{
    char *shp = five_parcels_shp(NULL);
    t_run r = t_sh("mv %s/shp/parcels.shx %s/parcels.shx", dir, dir);
    t_run_free(&r);
    char *s = scenario(shp, NULL);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: the index file (.shx) is missing; rebuild it with 'ogrinfo --config "
             "SHAPE_RESTORE_SHX YES %s' or export the layer again",
             shp, shp);
    evaluate_fails(s, 1, want);
    r = t_sh("mv %s/parcels.shx %s/shp/ && rm %s/shp/parcels.dbf", dir, dir, dir);
    t_run_free(&r);
    snprintf(want, sizeof want,
             "%s: the attribute file (.dbf) is missing; it holds the parcels' ids and land "
             "uses: copy it beside the .shp",
             shp);
    evaluate_fails(s, 1, want);
    free(s);
    free(shp);
}

Test(data_input, prj_that_proj_cannot_parse)
{
    char *shp = five_parcels_shp(NULL);
    t_run r = t_sh("printf 'PROJCS[\"CGCS2000 / broken\",GEOGCS[' > %s/shp/parcels.prj", dir);
    t_run_free(&r);
    char *s = scenario(shp, NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "%s: the .prj file could not be read as a coordinate reference system (missing ]); "
             "fix it or set parcels.crs in the scenario (e.g. crs: EPSG:4547)",
             shp);
    evaluate_fails(s, 2, want);
    free(s);
    /* As the message says, parcels.crs then supplies the CRS. */
    s = scenario(shp, "  crs: EPSG:4547\n");
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 5);
    cr_assert_eq(count_status(&o, "candidate"), 5);
    run_out_free(&o);
    free(s);
    free(shp);
}

/* GBK text: without .cpg, with a .cpg that says UTF-8, with one that
 * says 1252; then read right once the .cpg says GBK. */
Test(data_input, gbk_dbf_and_wrong_cpg)
{
    char *shp = five_parcels_shp("-lco ENCODING=GBK");
    t_run r = t_sh("rm %s/shp/parcels.cpg", dir);
    t_run_free(&r);
    char *s = scenario(shp, NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "%s: field ID of feature 1 is not UTF-8 text and the DBF has no .cpg file; set "
             "parcels.encoding in the scenario (GBK is usual for Chinese survey data)",
             shp);
    evaluate_fails(s, 2, want);
    check_fails_with(s, 2, want); /* check reads the layer too */

    r = t_sh("echo UTF-8 > %s/shp/parcels.cpg", dir);
    t_run_free(&r);
    snprintf(want, sizeof want,
             "%s: field ID of feature 1 is not UTF-8 text although the .cpg file says so; "
             "correct it (GBK is usual for Chinese survey data)",
             shp);
    evaluate_fails(s, 1, want);

    r = t_sh("echo 1252 > %s/shp/parcels.cpg", dir);
    t_run_free(&r);
    snprintf(want, sizeof want,
             "%s: field ID of feature 1 reads '¼×-0' in CP1252, as the .cpg file says, but "
             "looks like GBK text ('甲-0'); write GBK in the .cpg file",
             shp);
    evaluate_fails(s, 1, want);

    r = t_sh("echo GBK > %s/shp/parcels.cpg", dir);
    t_run_free(&r);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 5);
    expect_parcel(&o, 0, "甲-0", "candidate", "FAR 0.40 below 1.00");
    run_out_free(&o);
    free(s);
    free(shp);
}

/* What check catches without solving (issue 11, item 6). */

/* Five 100 m squares in EPSG:4547, FAR 0.4 (candidates), ids as given,
 * and a scenario with `more` (industries, pins) after the rules. */
static char *five_zone(const char *const ids[5], const char *more)
{
    char *f[5];
    for (int i = 0; i < 5; i++) {
        char g[512];
        square(g, sizeof g, X0 + 150 * i, Y0, 100);
        f[i] = feature(ids[i], g);
    }
    free(write_geojson("z.geojson", 4547, f, 5));
    char text[4096];
    snprintf(text, sizeof text,
             "parcels:\n"
             "  source: z.geojson\n"
             "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
             "  industrial_land_uses: [M1]\n"
             "rules:\n"
             "  after: {far_max: 3.0}\n"
             "%s",
             more);
    return t_write(dir, "s.yaml", text);
}

#define IND_A "  - {id: a, kind: production, floor_height_m: 5, floor_load_kN_m2: 8"

Test(data_input, check_pins_on_parcels_that_cannot_take_them)
{
    const char *ids[5] = {"B7-1", "B7-2", "B7-3", "B7-4", "B7-5"};
    char *s = five_zone(ids, "industries:\n" IND_A "}\n"
                             "pins:\n"
                             "  - {parcel: B7-2, industry: a}\n"
                             "  - {parcel: B7-02, industry: a}\n"
                             "  - {parcel: Q-1, industry: a}\n");
    char want[4096];
    snprintf(want, sizeof want,
             "%s:11:14: pins[1].parcel: no parcel 'B7-02' in layer 'z' of %s/z.geojson; did you "
             "mean 'B7-2'?\n"
             "%s:12:14: pins[2].parcel: no parcel 'Q-1' in layer 'z' of %s/z.geojson\n",
             s, dir, s, dir);
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    free(s);
}

/* An id field whose values are all equal: an error suggesting a field
 * with one value per feature; a few repeats: a warning with examples. */
Test(data_input, check_repeated_ids)
{
    char *gj = path_in("z.geojson");
    FILE *f = fopen(gj, "w");
    cr_assert(f);
    fputs("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
          "{\"name\":\"urn:ogc:def:crs:EPSG::4547\"}},\"features\":[",
          f);
    for (int i = 0; i < 4; i++) {
        char g[512];
        square(g, sizeof g, X0 + 150 * i, Y0, 100);
        fprintf(f,
                "%s{\"type\":\"Feature\",\"properties\":{\"OBJECTID\":0,\"LU\":\"M1\","
                "\"DKBH\":\"D-%d\",\"FAR\":0.4},\"geometry\":%s}\n",
                i ? "," : "", i, g);
    }
    fputs("]}\n", f);
    fclose(f);
    char *s = t_write(dir, "s.yaml",
                      "parcels:\n  source: z.geojson\n"
                      "  fields: {id: OBJECTID, land_use: LU, current_far: FAR}\n"
                      "  industrial_land_uses: [M1]\n");
    char want[4096];
    snprintf(want, sizeof want,
             "parcels.fields.id: field 'OBJECTID' of %s has the same value '0' in all 4 "
             "features, so evaluate would reject all but the first as duplicates; map a field "
             "with one value per parcel as id (field 'DKBH' has one)\n",
             gj);
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    free(s);

    const char *ids[5] = {"甲-0", "甲-1", "甲-0", "甲-1", "甲-1"};
    s = five_zone(ids, "");
    snprintf(want, sizeof want,
             "warning: %s/z.geojson: 3 features repeat an id seen before (2 ids, e.g. '甲-0' 2 "
             "times, '甲-1' 3 times); evaluate rejects every repeat as 'duplicate id': fix the "
             "ids or map another field as parcels.fields.id\n",
             dir);
    r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, want);
    cr_assert(strstr(r.out, ": ok: "), "%s", r.out);
    t_run_free(&r);
    free(s);
    free(gj);
}

/* Demand minimums above far_max × area of the candidates: check names
 * the numbers; plan reports them with the pins' conflicts in one run. */
Test(data_input, check_demand_above_capacity)
{
    const char *ids[5] = {"B7-1", "B7-2", "B7-3", "B7-4", "B7-5"};
    char *s = five_zone(ids, "industries:\n" IND_A ", demand_m2: {min: 900000}}\n"
                             "  - {id: b, kind: production, floor_height_m: 5, "
                             "floor_load_kN_m2: 8, demand_m2: {min: 100000}}\n"
                             "  - {id: c, kind: production, floor_height_m: 5, "
                             "floor_load_kN_m2: 8, demand_m2: {min: 100000}}\n");
    /* the capacity: 3.0 × the five areas as evaluate measures them
     * (evaluate does not look at demand) */
    char *out = path_in("out");
    t_run r = t_cli("evaluate", s, "-o", out, "-q", "--formats", "geojson", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char *sj_path = path_in("out/summary.json");
    char *sj = t_slurp(sj_path, NULL);
    static const char key[] = "\"area_m2\": {\"total\": ";
    const char *at = sj ? strstr(sj, key) : NULL;
    cr_assert(at, "%s", sj);
    double cap = 3.0 * strtod(at + strlen(key), NULL);
    free(sj);
    free(sj_path);
    free(s);

    s = five_zone(ids, "industries:\n" IND_A ", demand_m2: {min: 900000}}\n"
                       "  - {id: b, kind: production, floor_height_m: 5, "
                       "floor_load_kN_m2: 8, demand_m2: {min: 100000}}\n"
                       "  - {id: c, kind: production, floor_height_m: 5, "
                       "floor_load_kN_m2: 8, demand_m2: {min: 100000}}\n"
                       "pins:\n  - {parcel: B7-02, industry: b}\n");
    char want[4096];
    snprintf(want, sizeof want,
             "%s:8:5: industries[0].demand_m2: industry a needs at least 900000 m² (min) but the "
             "5 candidate parcels that can be redeveloped hold at most %.0f m² (far_max × "
             "area_m2 under rule set 'after')",
             s, cap);
    r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, want), "%s\nwant %s", r.err, want);
    cr_assert(strstr(r.err, "pins[0].parcel: no parcel 'B7-02'"), "%s", r.err);
    t_run_free(&r);
    /* plan: every conflict class at once, not one per run */
    r = t_cli("plan", s, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "pin on parcel B7-02: the zone has no parcel with this id; did you "
                            "mean B7-2?"),
              "%s", r.err);
    cr_assert(strstr(r.err, want), "%s", r.err);
    t_run_free(&r);
    free(s);

    /* b and c fit alone but not with a's minimum lowered: the sum */
    s = five_zone(ids, "industries:\n" IND_A ", demand_m2: {min: 80000}}\n"
                       "  - {id: b, kind: production, floor_height_m: 5, "
                       "floor_load_kN_m2: 8, demand_m2: {min: 80000}}\n");
    snprintf(want, sizeof want,
             "%s: the demand_m2 minimums of 2 industries add up to 160000 m² but the 5 candidate "
             "parcels that can be redeveloped hold at most %.0f m² (far_max × area_m2 under "
             "rule set 'after')\n",
             s, cap);
    r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    free(s);
    free(out);
}

Test(data_input, coordinates_outside_the_crs_area)
{
    char g[5][512];
    square(g[0], sizeof g[0], X0, Y0, 100);
    square(g[1], sizeof g[1], 5000000, Y0, 100);
    square(g[2], sizeof g[2], X0, 9000000, 100);
    square(g[3], sizeof g[3], 38000000 + X0, Y0, 100);
    square(g[4], sizeof g[4], 1e15, 1e15, 100);
    char *f[5] = {feature("IN", g[0]), feature("EAST", g[1]), feature("NORTH", g[2]),
                  feature("PREFIXED", g[3]), feature("HUGE", g[4])};
    char *src = write_geojson("outside.geojson", 4547, f, 5);
    char *s = scenario(src, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 5);
    const char *aou = "coordinates lie outside the area of use of EPSG:4547 (112.5–115.5°E, "
                      "21.5–45.5°N)";
    char pref[512];
    snprintf(pref, sizeof pref,
             "%s; an easting of 13,000,000 or more carries a zone prefix: use the "
             "zone-prefixed CRS (e.g. EPSG:4526 instead of EPSG:4547)",
             aou);
    expect_parcel(&o, 0, "IN", "candidate", "FAR 0.40 below 1.00");
    expect_parcel(&o, 1, "EAST", "rejected", aou);
    expect_parcel(&o, 2, "NORTH", "rejected", aou);
    cr_assert_eq(strncmp(o.p[3].reason, "coordinates ", 12), 0, "%s", o.p[3].reason);
    cr_assert(strstr(o.p[3].reason, "zone-prefixed CRS (e.g. EPSG:4526 instead of EPSG:4547)"),
              "%s", o.p[3].reason);
    expect_parcel(&o, 4, "HUGE", "rejected",
                  "coordinates cannot be transformed from EPSG:4547 to geographic coordinates "
                  "(outside the CRS's valid area)");
    (void)pref;
    run_out_free(&o);
    free(s);
    free(src);

    /* Geographic coordinates: latitude 95, longitude 400. */
    char h[3][512];
    square(h[0], sizeof h[0], 114.9, 95, 0.001);
    square(h[1], sizeof h[1], 400, 25.8, 0.001);
    square(h[2], sizeof h[2], 114.9, 25.85, 0.001);
    char *f2[3] = {feature("LAT95", h[0]), feature("LON400", h[1]), feature("OK", h[2])};
    src = write_geojson("geog.geojson", 4490, f2, 3);
    s = scenario(src, NULL);
    o = evaluate_ok(s);
    cr_assert_eq(o.n, 3);
    expect_parcel(&o, 0, "LAT95", "rejected", "coordinates outside the valid range of EPSG:4490");
    expect_parcel(&o, 1, "LON400", "rejected", "coordinates outside the valid range of EPSG:4490");
    expect_parcel(&o, 2, "OK", "candidate", "FAR 0.40 below 1.00");
    run_out_free(&o);
    free(s);
    free(src);
}

Test(data_input, point_layer)
{
    char *f[3];
    for (int i = 0; i < 3; i++) {
        char g[128], id[16];
        snprintf(g, sizeof g, "{\"type\":\"Point\",\"coordinates\":[%.1f,%.1f]}", X0 + i, Y0);
        snprintf(id, sizeof id, "PT%d", i);
        f[i] = feature(id, g);
    }
    char *src = write_geojson("points.geojson", 4547, f, 3);
    char *s = scenario(src, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 3);
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "PT%d", i);
        expect_parcel(&o, i, id, "rejected", "geometry is a Point, not a polygon");
    }
    run_out_free(&o);
    free(s);
    free(src);
}

Test(data_input, empty_layer)
{
    char *shp = five_parcels_shp("-lco ENCODING=UTF-8 -where \"ID = 'none'\"");
    char *s = scenario(shp, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, 0);
    char *sum = path_in("out/summary.json");
    char *t = t_slurp(sum, NULL);
    cr_assert(strstr(t, "\"parcels\": {\"total\": 0, \"candidate\": 0, \"not_candidate\": 0, "
                        "\"rejected\": 0}"),
              "%s", t);
    free(t);
    free(sum);
    run_out_free(&o);
    free(s);
    free(shp);
}

Test(data_input, ten_thousand_duplicate_ids)
{
    const int n = 10000;
    char **f = malloc((size_t)n * sizeof *f);
    for (int i = 0; i < n; i++) {
        char g[512];
        square(g, sizeof g, X0 + 60.0 * (i % 100), Y0 + 60.0 * (i / 100), 50);
        f[i] = feature("DUP", g);
    }
    char *src = write_geojson("dups.geojson", 4547, f, n);
    free(f);
    char *s = scenario(src, NULL);
    run_out o = evaluate_ok(s);
    cr_assert_eq(o.n, n);
    expect_parcel(&o, 0, "DUP", "candidate", "FAR 0.40 below 1.00");
    cr_assert_eq(count_status(&o, "rejected"), n - 1);
    int first_bad = -1; /* one assertion, not 10,000 (each is a message to the runner) */
    for (int i = 1; i < n && first_bad < 0; i++)
        if (strcmp(o.p[i].reason, "duplicate id") != 0)
            first_bad = i;
    cr_assert_eq(first_bad, -1, "parcel %d: %s", first_bad,
                 first_bad >= 0 ? o.p[first_bad].reason : "");
    /* Rejected duplicates keep their geometry: the map shows them. */
    char *gj = path_in("out/parcels.geojson");
    t_run r = t_sh("grep -c '\"reason\": \"duplicate id\".*\"geometry\": { \"type\": "
                   "\"Polygon\"' %s",
                   gj);
    cr_assert_str_eq(r.out, "9999\n", "duplicates with a polygon: %s", r.out);
    t_run_free(&r);
    free(gj);
    run_out_free(&o);
    free(s);
    free(src);
}

/* Invalid UTF-8 inside a GeoJSON source (RFC 8259 says UTF-8): GDAL hands
 * the bytes over; they must not reach parcels.geojson. */
Test(data_input, geojson_with_invalid_utf8)
{
    char g[512];
    square(g, sizeof g, X0, Y0, 100);
    char *f[1] = {feature("\xbc\xd7-0", g)};
    char *src = write_geojson("latin.geojson", 4547, f, 1);
    char *s = scenario(src, NULL);
    char want[4096];
    snprintf(want, sizeof want, "%s: field ID of feature 1 is not UTF-8 text", src);
    evaluate_fails(s, 1, want);
    free(s);
    free(src);
}

/* ---- secrets -------------------------------------------------------- */

/* ---- unknown, text and implausible values (issue 11 items 2, 3) ------ */

/* One feature with the properties given as JSON members (heap). */
static char *feature_props(const char *id, const char *props, const char *geom)
{
    char *b = malloc(strlen(geom) + strlen(id) + strlen(props) + 120);
    sprintf(b,
            "{\"type\":\"Feature\",\"properties\":{\"ID\":\"%s\",\"LU\":\"M1\",%s},"
            "\"geometry\":%s}",
            id, props, geom);
    return b;
}

/* dir/zone.geojson: one 100 m square per entry of props, ids from ids. */
static char *zone_geojson(const char *const *ids, const char *const *props, int n)
{
    char **f = malloc((size_t)n * sizeof *f);
    for (int i = 0; i < n; i++) {
        char g[512];
        square(g, sizeof g, X0 + 150 * i, Y0, 100);
        f[i] = feature_props(ids[i], props[i], g);
    }
    char *p = write_geojson("zone.geojson", 4547, f, n);
    free(f);
    return p;
}

/* The JSON text of "key": value in the line of parcel id of a GeoJSON. */
static void geojson_value(const char *path, const char *id, const char *key, char *buf, size_t size)
{
    char *t = t_slurp(path, NULL);
    cr_assert(t, "%s", path);
    char pat[160];
    snprintf(pat, sizeof pat, "\"id\": \"%s\"", id);
    char *line = strstr(t, pat);
    cr_assert(line, "no %s in %s", id, path);
    char k[80];
    snprintf(k, sizeof k, "\"%s\": ", key);
    char *at = strstr(line, k);
    cr_assert(at, "no %s for %s", key, id);
    at += strlen(k);
    size_t n = strcspn(at, ",}");
    if (*at == '"') /* a string, quotes included */
        for (n = 1; at[n] && at[n] != '"'; n++)
            if (at[n] == '\\' && at[n + 1])
                n++;
    if (*at == '"' && at[n])
        n++;
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), at);
    free(t);
}

/* docs/model.md §2: a null FAR is unknown, never 0.  U1 fails the FAR test
 * (not a candidate, not "FAR 0.00"); U2 is a candidate on its tax alone and
 * says that 0 is used; 0.9999 is not printed as 1.00. */
Test(data_input, unknown_floor_space_is_not_zero)
{
    const char *ids[] = {"U1", "U2", "K1", "K2"};
    const char *props[] = {"\"FAR\":null,\"TAX\":null", "\"FAR\":null,\"TAX\":1000",
                           "\"FAR\":0.9999,\"TAX\":null", "\"FAR\":1.2,\"TAX\":null"};
    char *src = zone_geojson(ids, props, 4);
    char text[2048];
    snprintf(text, sizeof text,
             "name: unknown\n"
             "parcels:\n"
             "  source: %s\n"
             "  fields: {id: ID, land_use: LU, current_far: FAR, tax: TAX}\n"
             "  industrial_land_uses: [M1]\n"
             "candidacy: {tax_per_mu_below_cny: 150000}\n"
             "rules:\n"
             "  after: {far_max: 3.0}\n"
             "industries:\n"
             "  - {id: pcb, name: 电路板, chain: 数字信息, kind: production, floor_height_m: 5.4,\n"
             "     floor_load_kN_m2: 8, lift_t: 2, vibration: none, fire_class: C,\n"
             "     trips_per_1000m2_day: 2}\n",
             src);
    char *s = t_write(dir, "s.yaml", text);
    const char *warning =
        "warning: current floor space unknown (current_far null) on 2 of 4 industrial "
        "parcels: U1, U2; they fail the FAR test of candidacy (record 0 for vacant land)\n";
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warning);
    t_run_free(&r);
    char *out = path_in("out");
    r = t_cli("evaluate", s, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warning);
    t_run_free(&r);
    run_out o = read_parcels(out);
    cr_assert_eq(o.n, 4);
    expect_parcel(&o, 0, "U1", "not_candidate",
                  "FAR unknown: current_far (field FAR) is null; tax per mu unknown");
    expect_parcel(&o, 1, "U2", "candidate",
                  "FAR unknown: current_far (field FAR) is null; tax 67 CNY/mu below 150000; "
                  "current floor space unknown, taken as 0");
    expect_parcel(&o, 2, "K1", "candidate", "FAR 0.9999 below 1.00");
    expect_parcel(&o, 3, "K2", "not_candidate", "FAR 1.20 not below 1.00; tax per mu unknown");
    run_out_free(&o);
    char *gj = path_in("out/parcels.geojson"), v[64];
    const char *nulls[] = {"current_gfa_m2", "current_far", "gain_m2"};
    for (int k = 0; k < 3; k++) {
        geojson_value(gj, "U1", nulls[k], v, sizeof v);
        cr_assert_str_eq(v, "null", "U1 %s", nulls[k]);
        geojson_value(gj, "U2", nulls[k], v, sizeof v);
        cr_assert_str_eq(v, "null", "U2 %s", nulls[k]);
    }
    geojson_value(gj, "K1", "current_far", v, sizeof v);
    cr_assert_str_eq(v, "0.9999");
    /* parcels.csv: empty cells, not 0 (id, status, reason, land use, area,
     * current GFA, current FAR ...). */
    r = t_sh("grep '^U1,' %s/out/parcels.csv | cut -d, -f6,7", dir);
    cr_assert_str_eq(r.out, ",\n", "csv: %s", r.out);
    t_run_free(&r);
    r = t_sh("grep -o '\"unknown\": [0-9]*' %s/out/summary.json; grep -c 'unknown 未知' "
             "%s/out/report.html",
             dir, dir);
    cr_assert_str_eq(r.out, "\"unknown\": 2\n1\n", "%s", r.out);
    t_run_free(&r);
    /* The plan uses 0 for U2 and says so, redeveloped or kept. */
    r = t_cli("plan", s, "-o", out, "-q", "--time-limit", "30", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    geojson_value(gj, "U2", "status", v, sizeof v);
    char reason[1024];
    geojson_value(gj, "U2", "reason", reason, sizeof reason);
    cr_assert(strstr(reason, "current floor space unknown, taken as 0"), "U2 %s: %s", v, reason);
    geojson_value(gj, "U1", "status", v, sizeof v);
    cr_assert_str_eq(v, "\"not_candidate\"");
    /* In Chinese (docs/outputs.md "Languages"): the reasons and the
     * report's words from the table, the warning on stderr in English. */
    r = t_cli("evaluate", s, "-o", out, "-q", "--lang", "zh", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warning);
    t_run_free(&r);
    o = read_parcels(out);
    cr_assert_eq(o.n, 4);
    expect_parcel(&o, 0, "U1", "非候选", "容积率未知：现状容积率（字段 FAR）为空；亩均税收未知");
    expect_parcel(&o, 1, "U2", "候选",
                  "容积率未知：现状容积率（字段 FAR）为空；亩均税收 67 元/亩 低于 150000 元/亩；"
                  "现状建筑面积未知，按 0 计");
    expect_parcel(&o, 2, "K1", "候选", "容积率 0.9999 低于 1.00");
    run_out_free(&o);
    r = t_sh(
        "grep -c '>未知<' %s/out/report.html; grep -c '2 个地块的现状建筑面积未知，未计入上表合计' "
        "%s/out/report.html; grep -c 'unknown 未知\\|is unknown' %s/out/report.html",
        dir, dir, dir);
    cr_assert_str_eq(r.out, "1\n1\n0\n", "%s", r.out);
    t_run_free(&r);
    free(gj);
    free(out);
    free(s);
    free(src);
}

/* A mapping without current_gfa and current_far: check says so, and no
 * parcel is a candidate by FAR. */
Test(data_input, no_floor_space_field_mapped)
{
    const char *ids[] = {"A"};
    const char *props[] = {"\"FAR\":0.4"};
    char *src = zone_geojson(ids, props, 1);
    char text[1024];
    snprintf(text, sizeof text,
             "name: nofar\nparcels:\n  source: %s\n  fields: {id: ID, land_use: LU}\n"
             "  industrial_land_uses: [M1]\nrules:\n  after: {far_max: 3.0}\n",
             src);
    char *s = t_write(dir, "s.yaml", text);
    const char *warning =
        "warning: parcels.fields maps neither current_gfa nor current_far: the current floor "
        "space of every parcel is unknown, so none passes the FAR test of candidacy (only a tax "
        "per mu below candidacy.tax_per_mu_below_cny can make a parcel a candidate)\n";
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warning);
    t_run_free(&r);
    char *out = path_in("out");
    r = t_cli("evaluate", s, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warning);
    t_run_free(&r);
    run_out o = read_parcels(out);
    expect_parcel(&o, 0, "A", "not_candidate",
                  "FAR unknown: parcels.fields maps neither current_gfa nor current_far");
    run_out_free(&o);
    free(out);
    free(s);
    free(src);
}

/* current_far mapped to a text field (a zoning district such as "C4-5"):
 * an error of check and of evaluate naming the field and a value, exit 2,
 * nothing written; numbers written as text ("0.5") are read. */
Test(data_input, text_field_mapped_as_number)
{
    const char *ids[] = {"A", "B", "C"};
    const char *props[] = {"\"FAR\":\"0.5\",\"TAX\":null", "\"FAR\":\"C4-5\",\"TAX\":null",
                           "\"FAR\":\"M1-1\",\"TAX\":null"};
    char *src = zone_geojson(ids, props, 3);
    char *s = scenario(src, NULL);
    char want[2048];
    snprintf(want, sizeof want,
             "parcels.fields.current_far: field FAR of layer 'zone' of %s holds text, not "
             "numbers: 'C4-5' (feature 2) and 1 more; map a field of numbers, or empty the "
             "values that are not numbers (an empty value is unknown)",
             src);
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 2, "exit %d: %s", r.status, r.err);
    char line[2100];
    snprintf(line, sizeof line, "%s\n", want);
    cr_assert_str_eq(r.err, line);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    evaluate_fails(s, 2, want);
    free(s);
    free(src);
}

/* Implausible values: a warning with counts and examples, from check and
 * evaluate; the values are still used. */
Test(data_input, implausible_values_warned)
{
    const char *ids[] = {"SQFT", "NEG", "TALL", "OK"};
    const char *props[] = {"\"FAR\":35,\"TAX\":null,\"H\":20", "\"FAR\":0.5,\"TAX\":-5,\"H\":20",
                           "\"FAR\":0.5,\"TAX\":null,\"H\":400",
                           "\"FAR\":0.5,\"TAX\":null,\"H\":20"};
    char *src = zone_geojson(ids, props, 4);
    char text[1024];
    snprintf(text, sizeof text,
             "name: odd\nparcels:\n  source: %s\n"
             "  fields: {id: ID, land_use: LU, current_far: FAR, tax: TAX, current_height: H}\n"
             "  industrial_land_uses: [M1]\nrules:\n  after: {far_max: 3.0}\n",
             src);
    char *s = t_write(dir, "s.yaml", text);
    const char *warnings =
        "warning: parcels.fields.current_far (field FAR): current FAR above 20 on 1 of 4 "
        "parcels: SQFT FAR 35.00; check that the field holds the floor area ratio\n"
        "warning: parcels.fields.tax (field TAX): negative values on 1 parcel: NEG -5\n"
        "warning: parcels.fields.current_height (field H): heights above 300 m on 1 parcel: "
        "TALL 400 m\n";
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warnings);
    t_run_free(&r);
    char *out = path_in("out");
    r = t_cli("evaluate", s, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, warnings);
    t_run_free(&r);
    run_out o = read_parcels(out);
    expect_parcel(&o, 0, "SQFT", "not_candidate", "FAR 35.00 not below 1.00");
    run_out_free(&o);
    r = t_sh("grep -c 'negative values on 1 parcel' %s/out/summary.json", dir);
    cr_assert_str_eq(r.out, "1\n");
    t_run_free(&r);
    free(out);
    free(s);
    free(src);
}

/* Industries that fit no storey of any candidate (issue 11 item 4): a
 * 40 kN/m² forge, a load of 800 typed for 8, a 70 m storey, a 10 t unit
 * whose load keeps it off the ramp level (no rule alone: level by level).  check and plan name the rule with its numbers; the plan's
 * summary.json and report say so instead of a green tick. */
Test(data_input, industries_that_fit_nowhere)
{
    const char *ids[] = {"A", "B"};
    const char *props[] = {"\"FAR\":0.4,\"TAX\":null", "\"FAR\":0.4,\"TAX\":null"};
    char *src = zone_geojson(ids, props, 2);
    char text[4096];
    snprintf(
        text, sizeof text,
        "name: nowhere\nparcels:\n  source: %s\n"
        "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
        "  industrial_land_uses: [M1]\n"
        "rules:\n  after: {far_max: 3.0, floor_load_max_kN_m2: [5, 25, 12, 8]}\n"
        "industries:\n"
        "  - {id: pcb, name: 电路板, chain: 数字信息, kind: production, floor_height_m: 5.4,\n"
        "     floor_load_kN_m2: 4, lift_t: 2, vibration: none, fire_class: C,\n"
        "     trips_per_1000m2_day: 2}\n"
        "  - {id: forge, name: 锻造, chain: 装备, kind: production, floor_height_m: 9,\n"
        "     floor_load_kN_m2: 40, lift_t: 2, vibration: none, fire_class: D,\n"
        "     trips_per_1000m2_day: 2}\n"
        "  - {id: typo, name: 打字错误, chain: 数字信息, kind: production, floor_height_m: 5,\n"
        "     floor_load_kN_m2: 800, lift_t: 1, vibration: none, fire_class: C,\n"
        "     trips_per_1000m2_day: 2}\n"
        "  - {id: hall, name: 高大厂房, chain: 装备, kind: production, floor_height_m: 70,\n"
        "     floor_load_kN_m2: 5, lift_t: 1, vibration: none, fire_class: C,\n"
        "     trips_per_1000m2_day: 2}\n"
        "  - {id: crane, name: 重型设备, chain: 装备, kind: production, floor_height_m: 6,\n"
        "     floor_load_kN_m2: 20, lift_t: 10, vibration: none, fire_class: C,\n"
        "     trips_per_1000m2_day: 2}\n",
        src);
    char *s = t_write(dir, "s.yaml", text);
    const char *warnings[] = {
        "warning: industry forge fits no storey of any candidate parcel: floor load 40 kN/m² "
        "above every storey's limit (rules.after.floor_load_max_kN_m2 [5, 25, 12, 8]: at most "
        "25 kN/m²)\n",
        "warning: industry typo fits no storey of any candidate parcel: floor load 800 kN/m² "
        "above every storey's limit (rules.after.floor_load_max_kN_m2 [5, 25, 12, 8]: at most "
        "25 kN/m²)\n",
        "warning: industry hall fits no storey of any candidate parcel: storey height 70 m above "
        "rules.after.factory_height_max_m 50 m\n",
        "warning: industry crane fits no storey of any candidate parcel: no level of a factory "
        "block meets every rule of rules.after: level 1: floor load 20 kN/m² above "
        "floor_load_max_kN_m2 5; level 2: unit of 10 t above freight_lift_t 3 t above "
        "ramp_floor 1; level 3: floor load 20 kN/m² above floor_load_max_kN_m2 12, unit of 10 t "
        "above freight_lift_t 3 t above ramp_floor 1; level 4 and up: floor load 20 kN/m² above "
        "floor_load_max_kN_m2 8, unit of 10 t above freight_lift_t 3 t above ramp_floor 1\n"};
    char all[4096] = "";
    for (int k = 0; k < 4; k++)
        strcat(all, warnings[k]);
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, all);
    t_run_free(&r);
    char *out = path_in("out");
    r = t_cli("plan", s, "-o", out, "-q", "--time-limit", "30", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, all);
    t_run_free(&r);
    char *sum = path_in("out/summary.json");
    char *t = t_slurp(sum, NULL);
    cr_assert(strstr(t, "\"warnings\": [\n    \"industry forge fits no storey of any candidate "
                        "parcel: floor load 40 kN/m² above every storey's limit"),
              "%s", t);
    free(t);
    free(sum);
    r = t_sh("grep -c 'fits no storey 无处可放' %s/out/report.html; grep -c '>✓<' "
             "%s/out/report.html",
             dir, dir);
    cr_assert_str_eq(r.out, "4\n1\n", "report: %s", r.out);
    t_run_free(&r);
    /* In Chinese: the report's row and heading from the table; the
     * warnings, as on stderr and in summary.json, stay English. */
    r = t_cli("plan", s, "-o", out, "-q", "--time-limit", "30", "--lang", "zh", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, all);
    t_run_free(&r);
    r = t_sh(
        "grep -c '\">无处可放<' %s/out/report.html; grep -c '<h2>注意</h2>' %s/out/report.html; "
        "grep -c 'fits no storey 无处可放\\|注意 Warnings' %s/out/report.html; "
        "grep -c '<li>industry forge fits no storey' %s/out/report.html",
        dir, dir, dir, dir);
    cr_assert_str_eq(r.out, "4\n1\n0\n1\n", "report: %s", r.out);
    t_run_free(&r);
    free(out);
    free(s);
    free(src);
}

/* A PostGIS password never appears in a message, an output or a log. */
Test(secrets, password_in_pg_source)
{
    const char *sources[] = {
        "'PG:dbname=x host=127.0.0.1 port=1 user=u password=s3cret'",
        "\"PG:dbname=x host=127.0.0.1 port=1 user=u password='s3cret'\"",
        "postgresql://u:s3cret@127.0.0.1:1/x",
    };
    const char *shown[] = {
        "cannot open parcel source 'PG:dbname=x host=127.0.0.1 port=1 user=u password=***': ",
        "cannot open parcel source 'PG:dbname=x host=127.0.0.1 port=1 user=u password=***': ",
        "cannot open parcel source 'postgresql://u:***@127.0.0.1:1/x': ",
    };
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        char *s = scenario(sources[i], NULL);
        char *out = path_in("out");
        const char *cmds[2] = {"check", "evaluate"};
        for (int c = 0; c < 2; c++) {
            t_run r = c == 0 ? t_cli("check", s, NULL) : t_cli("evaluate", s, "-o", out, NULL);
            cr_assert_eq(r.status, 1, "%s %s: %s", cmds[c], sources[i], r.err);
            cr_assert_eq(strncmp(r.err, shown[i], strlen(shown[i])), 0, "%s", r.err);
            cr_assert_null(strstr(r.err, "s3cret"), "%s", r.err);
            cr_assert_null(strstr(r.out, "s3cret"), "%s", r.out);
            t_run_free(&r);
        }
        /* Nothing written that could hold it. */
        t_run r = t_sh("grep -rl s3cret %s --exclude=s.yaml; ls -A %s", dir, dir);
        cr_assert_str_eq(r.out, "s.yaml\n", "%s", r.out);
        t_run_free(&r);
        free(out);
        free(s);
    }
    /* inspect, and a scenario error beside the source. */
    t_run r = t_cli("inspect", "PG:dbname=x host=127.0.0.1 port=1 user=u password=s3cret", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_null(strstr(r.err, "s3cret"), "%s", r.err);
    t_run_free(&r);
    char *s = t_write(dir, "bad.yaml",
                      "parcels:\n  source: 'PG:dbname=x password=s3cret'\n"
                      "  fields: {id: ID, land_use: LU}\n  bogus: 1\n"
                      "rules: {after: {far_max: x}}\n");
    r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_null(strstr(r.err, "password=s3cret"), "%s", r.err);
    t_run_free(&r);
    free(s);
}
