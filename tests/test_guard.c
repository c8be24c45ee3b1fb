/* test_guard.c - no output may be an input (lib/out/guard.c and the
 * commands that write): a run whose outputs would overwrite the parcel
 * source, one of its sidecars or the scenario file stops with exit 2
 * before anything is written, naming both paths, however the output is
 * reached (relative path, "..", a symlinked directory, a hard link); the
 * input stays byte for byte as it was. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/scenario.h"
#include "out/guard.h"
#include "support.h"

static char *dir;  /* the test's directory, as made */
static char *real; /* its real path (as the messages name inputs) */

/* One 100 m square in EPSG:4547, an industrial parcel of FAR 0.4. */
static const char *parcels_geojson =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
    "{\"name\":\"urn:ogc:def:crs:EPSG::4547\"}},\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"ID\":\"a\",\"LU\":\"M1\",\"FAR\":0.4,"
    "\"TAX\":null},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[590000,2860000],"
    "[590100,2860000],[590100,2860100],[590000,2860100],[590000,2860000]]]}}\n]}\n";

/* A scenario reading `source` (relative to the scenario's directory). */
static char *scenario_text(const char *source)
{
    char *t = malloc(512);
    snprintf(t, 512,
             "name: guard\n"
             "parcels:\n"
             "  source: %s\n"
             "  fields: {id: ID, land_use: LU, current_far: FAR, tax: TAX}\n"
             "  industrial_land_uses: [M1]\n"
             "rules:\n"
             "  after: {far_max: 3.0}\n",
             source);
    return t;
}

/* dir/data/parcels.geojson and dir/data/s.yaml reading it by a relative
 * path. */
static void setup(void)
{
    dir = t_tmpdir();
    t_run r = t_sh("mkdir '%s/data' && cd '%s' && pwd -P", dir, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    r.out[strcspn(r.out, "\n")] = '\0';
    real = strdup(r.out);
    t_run_free(&r);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/data", dir);
    free(t_write(sub, "parcels.geojson", parcels_geojson));
    char *s = scenario_text("parcels.geojson");
    free(t_write(sub, "s.yaml", s));
    free(s);
}

static void teardown(void)
{
    t_rmtree(dir);
    free(dir);
    free(real);
}

TestSuite(guard, .init = setup, .fini = teardown, .timeout = 120);

/* Run `shanglou ARGS` in dir (a shell command line after the program). */
static t_run run_in_dir(const char *args)
{
    return t_sh("cd '%s' && '%s' %s", dir, SL_CLI, args);
}

/* The text of dir/rel (heap; NULL when missing). */
static char *slurp_in(const char *rel, size_t *len)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return t_slurp(p, len);
}

/* want with every "{R}" replaced by the real path of dir, into buf. */
static void expand(const char *want, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = want; *p && n + 1 < size;) {
        if (strncmp(p, "{R}", 3) == 0) {
            n += (size_t)snprintf(buf + n, size - n, "%s", real);
            p += 3;
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n < size ? n : size - 1] = '\0';
}

/* The command line refused: exit 2, nothing on stdout, exactly the
 * message want (with {R} for the real path of dir); then data/ holds its
 * two files unchanged and nothing else, nor does dir hold any staging
 * directory. */
static void assert_refused(const char *args, const char *want_fmt, const char *extra_ls)
{
    t_run r = run_in_dir(args);
    char want[8192];
    expand(want_fmt, want, sizeof want);
    cr_assert_eq(r.status, 2, "%s: status %d: %s", args, r.status, r.err);
    cr_assert_str_eq(r.err, want, "%s", args);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    size_t n;
    char *now = slurp_in("data/parcels.geojson", &n);
    cr_assert(now, "the source is gone");
    cr_assert_eq(n, strlen(parcels_geojson));
    cr_assert(memcmp(now, parcels_geojson, n) == 0, "the source changed");
    free(now);
    char *s = scenario_text("parcels.geojson");
    now = slurp_in("data/s.yaml", NULL);
    cr_assert_str_eq(now, s, "the scenario changed");
    free(now);
    free(s);
    r = t_sh("cd '%s' && ls -A data && ls -A", dir);
    char ls[1024];
    snprintf(ls, sizeof ls, "parcels.geojson\ns.yaml\ndata\n%s", extra_ls ? extra_ls : "");
    cr_assert_str_eq(r.out, ls, "nothing written: %s", r.out);
    t_run_free(&r);
}

Test(guard, source_in_the_output_directory)
{
    assert_refused("evaluate data/s.yaml -o data",
                   "evaluate: output data/parcels.geojson would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o directory\n",
                   NULL);
    assert_refused("plan data/s.yaml -o data -q",
                   "plan: output data/parcels.geojson would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o directory\n",
                   NULL);
    /* The directory given as an absolute path, from elsewhere. */
    char args[4300], want[8192];
    snprintf(args, sizeof args, "evaluate %s/data/s.yaml -o %s/data/ -q", dir, dir);
    snprintf(want, sizeof want,
             "evaluate: output %s/data/parcels.geojson would overwrite the parcel source "
             "{R}/data/parcels.geojson; choose another -o directory\n",
             dir);
    assert_refused(args, want, NULL);
}

Test(guard, reached_through_dotdot)
{
    assert_refused("evaluate data/s.yaml -o data/../data/",
                   "evaluate: output data/../data/parcels.geojson would overwrite the parcel "
                   "source {R}/data/parcels.geojson; choose another -o directory\n",
                   NULL);
    t_run r = t_sh("mkdir '%s/x'", dir);
    t_run_free(&r);
    assert_refused("evaluate data/s.yaml -o x/../data",
                   "evaluate: output x/../data/parcels.geojson would overwrite the parcel "
                   "source {R}/data/parcels.geojson; choose another -o directory\n",
                   "x\n");
}

Test(guard, reached_through_a_symlinked_directory)
{
    t_run r = t_sh("cd '%s' && ln -s data link", dir);
    cr_assert_eq(r.status, 0);
    t_run_free(&r);
    assert_refused("evaluate data/s.yaml -o link",
                   "evaluate: output link/parcels.geojson would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o directory\n",
                   "link\n");
}

Test(guard, reached_through_a_hard_link)
{
    t_run r = t_sh("cd '%s' && mkdir h && ln data/parcels.geojson h/parcels.geojson", dir);
    cr_assert_eq(r.status, 0);
    t_run_free(&r);
    assert_refused("evaluate data/s.yaml -o h",
                   "evaluate: output h/parcels.geojson would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o directory\n",
                   "h\n");
    r = t_sh("cd '%s' && ls -A h", dir);
    cr_assert_str_eq(r.out, "parcels.geojson\n");
    t_run_free(&r);
}

/* An output named like nothing the source is called, but the scenario
 * file itself under another name. */
Test(guard, scenario_file_named_like_an_output)
{
    t_run r = t_sh("cd '%s' && mkdir h && ln data/s.yaml h/summary.json", dir);
    cr_assert_eq(r.status, 0);
    t_run_free(&r);
    assert_refused("evaluate data/s.yaml -o h --formats geojson",
                   "evaluate: output h/summary.json would overwrite the scenario file "
                   "{R}/data/s.yaml; choose another -o directory\n",
                   "h\n");
    assert_refused("plan data/s.yaml -o h -q",
                   "plan: output h/summary.json would overwrite the scenario file "
                   "{R}/data/s.yaml; choose another -o directory\n",
                   "h\n");
    r = t_sh("cd '%s' && ln data/s.yaml h/comparison.html", dir);
    t_run_free(&r);
    assert_refused("compare data/s.yaml data/s.yaml -o h -q",
                   "compare: output h/comparison.html would overwrite the scenario file "
                   "{R}/data/s.yaml; choose another -o directory\n",
                   "h\n");
}

/* A base of the scenario (extends) is an input too: v.yaml extends
 * data/s.yaml, and an output that is the base is refused (docs/model.md
 * §8, §10). */
Test(guard, base_of_the_scenario_named_like_an_output)
{
    t_run r = t_sh("cd '%s' && mkdir h && ln data/s.yaml h/summary.json && "
                   "printf 'extends: data/s.yaml\\nname: v\\n' > v.yaml",
                   dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    assert_refused("evaluate v.yaml -o h --formats geojson",
                   "evaluate: output h/summary.json would overwrite a base of the scenario "
                   "{R}/data/s.yaml; choose another -o directory\n",
                   "h\nv.yaml\n");
    /* the base's relative source is read relative to the base: the
     * parcel source is guarded too */
    assert_refused("plan v.yaml -o data -q",
                   "plan: output data/parcels.geojson would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o directory\n",
                   "h\nv.yaml\n");
}

Test(guard, export_model_onto_the_source)
{
    t_run r = t_sh("cd '%s' && ln -s data/parcels.geojson model.lp && "
                   "ln data/parcels.geojson model.mps",
                   dir);
    cr_assert_eq(r.status, 0);
    t_run_free(&r);
    assert_refused("export-model data/s.yaml -o model.lp",
                   "export-model: output model.lp would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o file\n",
                   "model.lp\nmodel.mps\n");
    assert_refused("export-model data/s.yaml -o ./data/../model.mps",
                   "export-model: output ./data/../model.mps would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o file\n",
                   "model.lp\nmodel.mps\n");
}

/* -o naming the source file itself, not a directory. */
Test(guard, output_directory_is_the_source)
{
    assert_refused("evaluate data/s.yaml -o data/parcels.geojson",
                   "evaluate: output data/parcels.geojson would overwrite the parcel source "
                   "{R}/data/parcels.geojson; choose another -o directory\n",
                   NULL);
}

/* stacks/ is replaced whole: a source inside it would go with it. */
Test(guard, source_inside_a_replaced_subdirectory)
{
    t_run r = t_sh("cd '%s' && mkdir -p p/stacks && cp data/parcels.geojson p/stacks/ && "
                   "sed 's|source: .*|source: stacks/parcels.geojson|' data/s.yaml > p/s.yaml",
                   dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    assert_refused("plan p/s.yaml -o p -q",
                   "plan: output p/stacks/ would replace the directory holding the parcel source "
                   "{R}/p/stacks/parcels.geojson; choose another -o directory\n",
                   "p\n");
    char *now = slurp_in("p/stacks/parcels.geojson", NULL);
    cr_assert_str_eq(now, parcels_geojson);
    free(now);
}

/* A GeoPackage source called like an output. */
Test(guard, geopackage_source_named_like_an_output)
{
    t_run r = t_sh("cd '%s' && mkdir g && ogr2ogr -f GPKG g/shanglou.gpkg data/parcels.geojson "
                   "-nln parcels && sed 's|source: .*|source: shanglou.gpkg|' data/s.yaml > "
                   "g/s.yaml && md5sum g/shanglou.gpkg",
                   dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *before = strdup(r.out);
    t_run_free(&r);
    assert_refused("evaluate g/s.yaml -o g",
                   "evaluate: output g/shanglou.gpkg would overwrite the parcel source "
                   "{R}/g/shanglou.gpkg; choose another -o directory\n",
                   "g\n");
    r = t_sh("cd '%s' && md5sum g/shanglou.gpkg && ls -A g", dir);
    char want[1024];
    snprintf(want, sizeof want, "%ss.yaml\nshanglou.gpkg\n", before);
    cr_assert_str_eq(r.out, want);
    t_run_free(&r);
    free(before);
}

/* Names, not directories: a source in DIR that no output is called like
 * is left alone, and the run goes ahead. */
Test(guard, other_names_in_the_directory_are_fine)
{
    t_run r = run_in_dir("evaluate data/s.yaml -o data --formats report -q");
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char *now = slurp_in("data/parcels.geojson", NULL);
    cr_assert_str_eq(now, parcels_geojson);
    free(now);
    r = t_sh("cd '%s' && ls -A data", dir);
    cr_assert_str_eq(r.out, "parcels.geojson\nreport.html\ns.yaml\nsummary.json\n");
    t_run_free(&r);
}

/* ---- the library ----------------------------------------------------- */

static sl_scenario *load(const char *name, const char *text)
{
    char *p = t_write(dir, name, text);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(p, &err);
    cr_assert(sc, "%s", err.n ? err.msgs[0] : "?");
    sl_error_clear(&err);
    free(p);
    return sc;
}

/* A Shapefile's sidecars are the source too. */
Test(guard, shapefile_sidecars)
{
    char *text = scenario_text("zone/parcels.shp");
    sl_scenario *sc = load("shp.yaml", text);
    free(text);
    t_run r = t_sh("cd '%s' && mkdir zone && touch zone/parcels.shp zone/parcels.shx "
                   "zone/parcels.dbf zone/parcels.cpg",
                   dir);
    t_run_free(&r);
    sl_error err;
    sl_error_init(&err);
    sl_guard *g = sl_guard_create(&err);
    cr_assert_eq(sl_guard_add_scenario(g, sc, &err), SL_OK);
    char p[4300], want[8192];
    snprintf(p, sizeof p, "%s/zone/parcels.dbf", dir);
    cr_assert_eq(sl_guard_check_file(g, "export-model", p, &err), SL_ERR_USAGE);
    snprintf(want, sizeof want,
             "export-model: output %s would overwrite %s/zone/parcels.dbf, a file of the parcel "
             "source %s/zone/parcels.shp; choose another -o file",
             p, real, real);
    cr_assert_eq(err.n, 1);
    cr_assert_str_eq(err.msgs[0], want);
    sl_error_clear(&err);
    /* .qix does not exist yet: the same path all the same. */
    snprintf(p, sizeof p, "%s/zone/../zone/parcels.qix", dir);
    cr_assert_eq(sl_guard_check_file(g, "x", p, &err), SL_ERR_USAGE);
    sl_error_clear(&err);
    snprintf(p, sizeof p, "%s/zone/parcels.csv", dir);
    cr_assert_eq(sl_guard_check_file(g, "x", p, &err), SL_OK);
    cr_assert_eq(err.n, 0);
    static const char *const names[] = {"parcels.csv", "parcels.SHX", "parcels.shx", NULL};
    snprintf(p, sizeof p, "%s/zone", dir);
    /* parcels.SHX does not exist, but a reader would take it if it did. */
    cr_assert_eq(sl_guard_check_dir(g, "x", p, names, &err), SL_ERR_USAGE);
    cr_assert_eq(err.n, 2, "the two .shx: %s", err.msgs[0]);
    sl_error_clear(&err);
    sl_guard_destroy(g);
    sl_scenario_destroy(sc);
}

/* The source's table as an output table: same database and table, by
 * every spelling; another database, port or prefix is fine. */
Test(guard, postgis_table)
{
    sl_scenario *sc = load("pg.yaml", "parcels:\n"
                                      "  source: 'PG:host=127.0.0.1 port=5433 dbname=zone "
                                      "user=u password=SECRET'\n"
                                      "  layer: zone_parcels\n"
                                      "  fields: {id: ID, land_use: LU}\n");
    sl_error err;
    sl_error_init(&err);
    sl_guard *g = sl_guard_create(&err);
    cr_assert_eq(sl_guard_add_scenario(g, sc, &err), SL_OK);
    static const char *const layers[] = {"parcels", "buildings", "floors", NULL};
    static const struct {
        const char *conn, *prefix;
        sl_status want;
    } cases[] = {
        {"PG:host=127.0.0.1 port=5433 dbname=zone user=other", "zone_", SL_ERR_USAGE},
        {"PG:dbname=zone host=localhost port=5433", "public.zone_", SL_ERR_USAGE},
        {"PG:dbname='zone'", "zone_", SL_ERR_USAGE},
        {"PG:postgresql://u@localhost:5433/zone", "zone_", SL_ERR_USAGE},
        {"PG:host=127.0.0.1 port=5433 dbname=zone", "shanglou_", SL_OK},
        {"PG:host=127.0.0.1 port=5433 dbname=zone", NULL, SL_OK},
        {"PG:host=127.0.0.1 port=5433 dbname=zone", "plans.zone_", SL_OK},
        {"PG:host=127.0.0.1 port=5433 dbname=zone active_schema=plans", "zone_", SL_OK},
        {"PG:host=127.0.0.1 port=5434 dbname=zone", "zone_", SL_OK},
        {"PG:host=127.0.0.1 port=5433 dbname=other", "zone_", SL_OK},
        {"PG:host=db.example port=5433 dbname=zone", "zone_", SL_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_status st = sl_guard_check_pg(g, "plan", cases[i].conn, cases[i].prefix, layers, &err);
        cr_assert_eq(st, cases[i].want, "%s %s: %d", cases[i].conn,
                     cases[i].prefix ? cases[i].prefix : "(default)", st);
        cr_assert_eq(err.n, st == SL_OK ? 0 : 1, "%s", err.n ? err.msgs[0] : "");
        if (i == 0)
            cr_assert_str_eq(err.msgs[0],
                             "plan: output table public.zone_parcels in PG:host=127.0.0.1 "
                             "port=5433 dbname=zone user=other would overwrite the parcel "
                             "source, table public.zone_parcels of PG:host=127.0.0.1 port=5433 "
                             "dbname=zone user=u password=***; choose another --table-prefix");
        sl_error_clear(&err);
    }
    sl_guard_destroy(g);
    sl_scenario_destroy(sc);
}
