/* test_xlsx.c - lib/out/xlsx.c: shanglou.xlsx of evaluate and plan, read
 * back with openpyxl (Debian's /usr/bin/python3, python3-openpyxl) and
 * compared value by value with parcels.geojson, floors.geojson,
 * phases.csv and summary.json by tests/xlsx/check_xlsx.py. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "econ/economics.h"
#include "eval/evaluate.h"
#include "input/scenario.h"
#include "out/xlsx.h"
#include "support.h"

#define GONGGAI "../scenarios/gonggai.yaml"
#define CHECKER SL_SRC "/tests/xlsx/check_xlsx.py"

/* Run the checker on DIR; it must pass. */
static void check_dir(const char *mode, const char *dir, const char *extra)
{
    t_run r = t_sh("/usr/bin/python3 %s %s %s %s", CHECKER, mode, dir, extra ? extra : "");
    cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
    cr_assert(strstr(r.out, " checks passed, 0 failed"), "%s", r.out);
    cr_log_info("%s: %s", mode, r.out);
    t_run_free(&r);
}

Test(xlsx, evaluate_matches_geojson, .timeout = 120)
{
    char *dir = t_tmpdir();
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    t_run r = t_cli("evaluate", GONGGAI, "-o", a, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    check_dir("evaluate", a, "--id B7-2");
    /* the same run gives the same bytes (fixed creation date) */
    r = t_cli("evaluate", GONGGAI, "-o", b, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("cmp %s/shanglou.xlsx %s/shanglou.xlsx", a, b);
    cr_assert_eq(r.status, 0, "two runs, two workbooks: %s", r.out);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

Test(xlsx, plan_matches_geojson, .timeout = 300)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("plan", GONGGAI, "-o", dir, "--time-limit", "5", "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    check_dir("plan", dir, "--id B7-2");
    t_rmtree(dir);
    free(dir);
}

/* Parcel ids that a spreadsheet would turn into a date, a number, a
 * boolean or a formula stay the text they were; the source's dates,
 * date-times and booleans become Excel's; with phasing the workbook has its
 * phases sheet. */
Test(xlsx, odd_ids_dates_and_phases, .timeout = 300)
{
    char *dir = t_tmpdir();
    t_run r = t_sh("cd %s && ogr2ogr -f GPKG zone.gpkg %s/geodata/shahe/parcels.shp -nln parcels"
                   " -nlt PROMOTE_TO_MULTI && /usr/bin/python3 - <<'EOF'\n"
                   "from osgeo import ogr\n"
                   "ids = {'B3-2': '3-12', 'B3-6': '007', 'B1-1': '1E3', 'B1-2': '2024-01-05',\n"
                   "       'B1-3': 'TRUE', 'B1-4': '=1+1'}\n"
                   "ds = ogr.Open('zone.gpkg', 1)\n"
                   "l = ds.GetLayer('parcels')\n"
                   "l.CreateField(ogr.FieldDefn('PZRQ', ogr.OFTDate))\n"
                   "l.CreateField(ogr.FieldDefn('GXSJ', ogr.OFTDateTime))\n"
                   "b = ogr.FieldDefn('FLAG', ogr.OFTInteger)\n"
                   "b.SetSubType(ogr.OFSTBoolean)\n"
                   "l.CreateField(b)\n"
                   "l.StartTransaction()\n"
                   "for k, f in enumerate(l):\n"
                   "    f.SetField('DKBH', ids.get(f.GetField('DKBH'), f.GetField('DKBH')))\n"
                   "    if k %% 3:\n"
                   "        f.SetField('PZRQ', '2021/05/%%02d' %% (1 + k %% 28))\n"
                   "        f.SetField('GXSJ', '2021/05/04 10:11:%%02d' %% (k %% 60))\n"
                   "        f.SetField('FLAG', k %% 2)\n"
                   "    l.SetFeature(f)\n"
                   "l.CommitTransaction()\n"
                   "EOF",
                   dir, SL_SRC);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    t_run_free(&r);
    char text[1024];
    snprintf(text, sizeof text,
             "extends: %s/scenarios/gonggai.yaml\n"
             "name: odd-ids\n"
             "parcels:\n"
             "  source: zone.gpkg\n"
             "phasing: {start_year: 2027, years: 6, max_starts_per_year: 8, time_limit_s: 5}\n",
             SL_SRC);
    char *scen = t_write(dir, "odd.yaml", text);
    char out[4200];
    snprintf(out, sizeof out, "%s/out", dir);
    r = t_cli("plan", scen, "-o", out, "--time-limit", "5", "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    check_dir("plan", out,
              "--id 3-12 --id 007 --id 1E3 --id 2024-01-05 --id TRUE --id '=1+1' --id B7-2");
    /* the checker saw the date columns */
    r = t_sh("/usr/bin/python3 %s plan %s | grep -c 'date columns: PZRQ, GXSJ'", CHECKER, out);
    cr_assert_str_eq(r.out, "1\n", "%s", r.err);
    t_run_free(&r);
    free(scen);
    t_rmtree(dir);
    free(dir);
}

/* The checker is not vacuous: an id that became a date or a number, or a
 * number that became text, fails it. */
Test(xlsx, checker_catches_retyped_cells, .timeout = 120)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    static const struct {
        const char *cell, *value, *says;
    } cases[] = {
        {"A2", "datetime.datetime(2024, 3, 12)", "(id): text 'B1-1', got d"},
        {"A3", "7", "(id): text 'B1-2', got n 7"},
        {"E2", "'16023.39'", "a number, got s"},
        {"H2", "0", "empty cell for null"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/m%zu", dir, k);
        r = t_sh("mkdir %s && cp %s/parcels.geojson %s/summary.json %s/shanglou.gpkg %s/ && "
                 "/usr/bin/python3 -c "
                 "\"import openpyxl, datetime; wb = openpyxl.load_workbook('%s/shanglou.xlsx'); "
                 "wb['parcels']['%s'] = %s; wb.save('%s/shanglou.xlsx')\"",
                 sub, dir, dir, dir, sub, dir, cases[k].cell, cases[k].value, sub);
        cr_assert_eq(r.status, 0, "%s", r.err);
        t_run_free(&r);
        r = t_sh("/usr/bin/python3 %s evaluate %s", CHECKER, sub);
        cr_assert_neq(r.status, 0, "%s retyped: %s", cases[k].cell, r.out);
        cr_assert(strstr(r.err, cases[k].says), "%s: %s", cases[k].cell, r.err);
        t_run_free(&r);
    }
    t_rmtree(dir);
    free(dir);
}

/* Failures name the file: a workbook that cannot be written, a
 * GeoPackage that cannot be read. */
Test(xlsx, errors_name_the_path, .timeout = 120)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "--formats", "gpkg", "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(GONGGAI, &err);
    cr_assert(sc, "%s", err.n ? err.msgs[0] : "");
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    char gpkg[4200], bad[4200];
    snprintf(gpkg, sizeof gpkg, "%s/shanglou.gpkg", dir);
    snprintf(bad, sizeof bad, "%s/no/such/dir/shanglou.xlsx", dir);
    cr_assert_eq(sl_xlsx_write(bad, gpkg, z, NULL, NULL, &err), SL_ERR_IO);
    cr_assert_eq(err.n, 1);
    cr_assert(strstr(err.msgs[0], bad) && strstr(err.msgs[0], "cannot write"), "%s", err.msgs[0]);
    sl_error_clear(&err);
    sl_error_init(&err);
    char missing[4200], ok[4200];
    snprintf(missing, sizeof missing, "%s/missing.gpkg", dir);
    snprintf(ok, sizeof ok, "%s/x.xlsx", dir);
    cr_assert_eq(sl_xlsx_write(ok, missing, z, NULL, NULL, &err), SL_ERR_IO);
    cr_assert(err.n >= 1 && strstr(err.msgs[0], missing) && strstr(err.msgs[0], "cannot read"),
              "%s", err.n ? err.msgs[0] : "");
    sl_error_clear(&err);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    t_rmtree(dir);
    free(dir);
}

/* The disk fills up while the workbook is zipped (its temporary sheets
 * take more room than the GeoPackage before it): exit 1, a message naming
 * DIR/shanglou.xlsx, nothing left behind. */
Test(xlsx, disk_full, .timeout = 120)
{
    char *dir = t_tmpfs_dir("296k");
    if (!dir)
        cr_skip_test("cannot mount a tmpfs here");
    char out[4200];
    snprintf(out, sizeof out, "%s/mnt/out", dir);
    t_run r = t_cli("evaluate", GONGGAI, "-o", out, "--formats", "xlsx", "-q", NULL);
    t_run m = t_sh("ls -A %s/mnt; ls -A %s; umount %s/mnt", dir, out, dir);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[4400];
    snprintf(want, sizeof want, "%s/shanglou.xlsx: cannot write: No space left on device", out);
    cr_assert(strstr(r.err, want), "%s", r.err);
    cr_assert_str_eq(m.out, "out\n", "nothing left in DIR: %s", m.out);
    t_run_free(&m);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}
