/* test_csv_out.c - lib/csv_out.c: parcels.csv is UTF-8 with a BOM, has
 * the properties of parcels.geojson, one row per parcel, RFC 4180 quoting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char *dir;
static char *csv;

static void setup(void)
{
    dir = t_tmpdir();
    t_run r = t_cli("evaluate", "../scenarios/gonggai.yaml", "-o", dir, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char p[4200];
    snprintf(p, sizeof p, "%s/parcels.csv", dir);
    csv = t_slurp(p, NULL);
    cr_assert(csv, "parcels.csv written");
}

static void teardown(void)
{
    free(csv);
    t_rmtree(dir);
    free(dir);
}

TestSuite(csv_out, .init = setup, .fini = teardown);

Test(csv_out, bom_header_and_rows)
{
    cr_assert_eq(strncmp(csv, "\xEF\xBB\xBF", 3), 0, "starts with the UTF-8 BOM");
    const char *head = "id,status,reason,land_use,area_m2,current_gfa_m2,current_far,"
                       "tax_per_mu_cny,before_max_gfa_m2,before_binding,before_factory_floors,"
                       "before_office_floors,after_max_gfa_m2,after_binding,after_factory_floors,"
                       "after_office_floors,gain_m2,grade,DKBH,YDDM,YDXZ,QYMC,HYLB,RJL,JZGD,"
                       "JZMJ,NSE,DKMJ,ZBNF\r\n";
    cr_assert_eq(strncmp(csv + 3, head, strlen(head)), 0, "header: %.400s", csv + 3);
    int rows = 0;
    for (const char *c = csv; *c; c++)
        rows += *c == '\n';
    cr_assert_eq(rows, 1 + 188, "header and one row per parcel");
    /* Chinese text survives as UTF-8 (the DBF is GBK) */
    cr_assert(strstr(csv, "一类工业用地"), "YDXZ in UTF-8");
}

Test(csv_out, same_values_as_geojson)
{
    /* B7-2, checked by hand in tests/golden: area 23245.5 m² geodesic */
    const char *row = strstr(csv, "\r\nB7-2,candidate,");
    cr_assert(row, "B7-2 row");
    char line[2048];
    const char *end = strstr(row + 2, "\r\n");
    snprintf(line, sizeof line, "%.*s", (int)(end - row - 2), row + 2);
    cr_assert(strstr(line, ",23245.5") || strstr(line, ",23245.4"), "%s", line);
    /* a reason with a comma or quote is one quoted field */
    char p[4200];
    snprintf(p, sizeof p, "%s/parcels.geojson", dir);
    char *gj = t_slurp(p, NULL);
    cr_assert(gj);
    t_run r =
        t_sh("/usr/bin/python3 - '%s/parcels.csv' '%s/parcels.geojson' <<'EOF'\n"
             "import csv, json, sys\n"
             "rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))\n"
             "feats = json.load(open(sys.argv[2], encoding='utf-8'))['features']\n"
             "assert len(rows) == len(feats), (len(rows), len(feats))\n"
             "for r, f in zip(rows, feats):\n"
             "    for k, v in f['properties'].items():\n"
             "        s = r[k]\n"
             "        if v is None: assert s == '', (k, s)\n"
             "        elif isinstance(v, float): assert abs(float(s) - v) < 1e-6, (k, s, v)\n"
             "        else: assert s == str(v), (k, s, v)\n"
             "print('same', len(rows))\n"
             "EOF",
             dir, dir);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "same 188"), "%s", r.out);
    t_run_free(&r);
    free(gj);
}
