/* test_cli.c - the shanglou command on the bundled sample zone and
 * scenarios: golden outputs, exit codes, messages, atomic output. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define GONGGAI "../scenarios/gonggai.yaml"

Test(cli, version_and_help)
{
    t_run r = t_cli("--version", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out, "shanglou ", 9) == 0, "%s", r.out);
    t_run_free(&r);
    const char *cmds[] = {"check", "inspect", "evaluate", "plan", "export-model", "compare"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        r = t_cli(cmds[i], "--help", NULL);
        cr_assert_eq(r.status, 0, "%s --help", cmds[i]);
        cr_assert(strstr(r.out, "usage: shanglou "), "%s --help: %s", cmds[i], r.out);
        t_run_free(&r);
    }
    r = t_cli("frobnicate", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: unknown command 'frobnicate'"), "%s", r.err);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: evaluate: missing -o DIR"), "%s", r.err);
    t_run_free(&r);
}

Test(cli, check_bundled_scenarios)
{
    const char *files[] = {"../scenarios/gonggai.yaml", "../scenarios/old-rules.yaml",
                           "../scenarios/cap40.yaml", "../scenarios/no-office.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        t_run r = t_cli("check", files[i], NULL);
        cr_assert_eq(r.status, 0, "%s: %s", files[i], r.err);
        cr_assert(strstr(r.out, ": ok: "), "%s", r.out);
        t_run_free(&r);
    }
}

Test(cli, check_lists_every_error)
{
    char *dir = t_tmpdir();
    char *p = t_write(dir, "bad.yaml",
                      "parcels:\n"
                      "  source: x.shp\n"
                      "  fields: {id: DKBH, land_use: YDDM}\n"
                      "rules:\n"
                      "  after: {far_max: 0.5, far_min: 1.2, flor_height_m: 4}\n"
                      "plan: {rules: aftr}\n");
    t_run r = t_cli("check", p, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    int lines = 0;
    for (const char *c = r.err; *c; c++)
        lines += *c == '\n';
    cr_assert_geq(lines, 3, "every error listed: %s", r.err);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:6:15: plan.rules: no rule set named 'aftr'; did you mean 'after'?", p);
    cr_assert(strstr(r.err, want), "%s", r.err);
    t_run_free(&r);
    free(p);
    t_rmtree(dir);
    free(dir);
}

Test(cli, inspect_suggests_mapping)
{
    t_run r = t_cli("inspect", "../geodata/shahe/parcels.shp", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "crs: EPSG:4547"), "%s", r.out);
    cr_assert(strstr(r.out, "fields: {id: DKBH, land_use: YDDM, current_far: RJL, current_gfa: "
                            "JZMJ, current_height: JZGD, tax: NSE}"),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"M1\""), "%s", r.out);
    cr_assert(strstr(r.out, "B7-2") || strstr(r.out, "B1-"), "%s", r.out);
    t_run_free(&r);
    r = t_cli("inspect", "no/such/file.shp", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "cannot open parcel source 'no/such/file.shp'"), "%s", r.err);
    t_run_free(&r);
}

/* The bundled 工改工 scenario: summary equals the golden file, every input
 * feature is in parcels.geojson, areas agree with an independent geodesic
 * computation (pyproj) to 0.01 %, and geojsonhint accepts the file. */
Test(cli, evaluate_gonggai_golden, .timeout = 300)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "evaluate: "), "%s", r.out);
    t_run_free(&r);
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *got = t_slurp(path, NULL);
    char *want = t_slurp(SL_SRC "/tests/golden/gonggai-evaluate-summary.json", NULL);
    cr_assert(got && want);
    cr_assert_str_eq(got, want, "summary.json differs from tests/golden/");
    free(got);
    free(want);
    r = t_sh("/usr/bin/python3 golden/check_geojson.py ../geodata/shahe/parcels.shp "
             "%s/parcels.geojson",
             dir);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    t_run_free(&r);
    r = t_sh("npx --yes @mapbox/geojsonhint@2.2.0 %s/parcels.geojson", dir);
    cr_assert_eq(r.status, 0, "geojsonhint: %s%s", r.out, r.err);
    cr_assert_str_eq(r.out, "", "geojsonhint: %s", r.out);
    t_run_free(&r);
    /* B7-2, worked by hand in tests/golden/README.md. */
    snprintf(path, sizeof path, "%s/parcels.geojson", dir);
    char *gj = t_slurp(path, NULL);
    char *b72 = strstr(gj, "\"id\": \"B7-2\"");
    cr_assert(b72, "B7-2 present");
    char *eol = strchr(b72, '\n');
    cr_assert(eol);
    *eol = '\0';
    const char *expect[] = {"\"status\": \"candidate\"",
                            "\"reason\": \"FAR 0.46 below 1.00; tax 30006 CNY/mu below 150000\"",
                            "\"area_m2\": 23245.52",
                            "\"current_gfa_m2\": 10641.53",
                            "\"tax_per_mu_cny\": 30005.78",
                            "\"before_max_gfa_m2\": 23245.52",
                            "\"before_binding\": \"far\"",
                            "\"before_factory_floors\": 5",
                            "\"before_office_floors\": 5",
                            "\"after_max_gfa_m2\": 69736.57",
                            "\"after_binding\": \"far\"",
                            "\"after_factory_floors\": 10",
                            "\"after_office_floors\": 14",
                            "\"gain_m2\": 59095.04",
                            "\"QYMC\": \"赣州康泓医用敷料有限公司\""};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert(strstr(b72, expect[i]), "B7-2 lacks %s: %s", expect[i], b72);
    free(gj);
    t_rmtree(dir);
    free(dir);
}

Test(cli, evaluate_is_deterministic, .timeout = 300)
{
    char *a = t_tmpdir(), *b = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", a, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "", "--quiet prints nothing");
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "-o", b, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("cmp %s/parcels.geojson %s/parcels.geojson && cmp %s/summary.json "
             "%s/summary.json",
             a, b, a, b);
    cr_assert_eq(r.status, 0, "%s", r.out);
    t_run_free(&r);
    t_rmtree(a);
    t_rmtree(b);
    free(a);
    free(b);
}

/* A run that fails leaves the previous files intact and no temporaries. */
Test(cli, failed_run_keeps_previous_output, .timeout = 300)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("md5sum %s/parcels.geojson %s/summary.json", dir, dir);
    char *before = strdup(r.out);
    t_run_free(&r);
    /* The same zone as GBK text without .cpg: fails after writing began. */
    char *tmp = t_tmpdir();
    r = t_sh("cp ../geodata/shahe/parcels.shp ../geodata/shahe/parcels.shx "
             "../geodata/shahe/parcels.dbf ../geodata/shahe/parcels.prj %s/ && "
             "sed 's|source: .*|source: %s/parcels.shp|' " GONGGAI " > %s/s.yaml",
             tmp, tmp, tmp);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char sp[4096];
    snprintf(sp, sizeof sp, "%s/s.yaml", tmp);
    r = t_cli("evaluate", sp, "-o", dir, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "is not UTF-8 text and the DBF has no .cpg file"), "%s", r.err);
    t_run_free(&r);
    r = t_sh("md5sum %s/parcels.geojson %s/summary.json", dir, dir);
    cr_assert_str_eq(r.out, before);
    t_run_free(&r);
    r = t_sh("ls -A %s", dir);
    cr_assert_str_eq(r.out,
                     "parcels.csv\nparcels.geojson\nreport.html\nshanglou.gpkg\nsummary.json\n",
                     "no temporaries left: %s", r.out);
    t_run_free(&r);
    free(before);
    t_rmtree(tmp);
    free(tmp);
    t_rmtree(dir);
    free(dir);
}

Test(cli, unwritable_output_dir)
{
    t_run r = t_cli("evaluate", GONGGAI, "-o", "/proc/shanglou-out", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "/proc/shanglou-out: cannot create output directory"), "%s", r.err);
    t_run_free(&r);
}

/* --formats picks the files besides summary.json; csv brings the
 * GeoPackage it is made from. */
Test(cli, evaluate_formats)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "--formats", "geojson", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("ls %s", dir);
    cr_assert_str_eq(r.out, "parcels.geojson\nsummary.json\n");
    t_run_free(&r);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/b", dir);
    r = t_cli("evaluate", GONGGAI, "-o", sub, "--formats", "csv,report", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("ls %s", sub);
    cr_assert_str_eq(r.out, "parcels.csv\nreport.html\nshanglou.gpkg\nsummary.json\n", "%s", r.out);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "-o", dir, "--formats", "geojson,shp", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: evaluate: --formats: 'geojson,shp' is not a list of "
                            "geojson, gpkg, csv, report"),
              "%s", r.err);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}
