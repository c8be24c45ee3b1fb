/* cmd_evaluate.c - `shanglou evaluate`. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "out/csv.h"
#include "out/xlsx.h"
#include "out/geopackage.h"
#include "out/outdir.h"
#include "input/source.h"
#include "out/parcels_layer.h"
#include "pg_target.h"
#include "progress.h"
#include "out/report.h"
#include "input/scenario.h"
#include "out/summary.h"
#include "eval/evaluate.h"
#include "econ/economics.h"

static const char *evaluate_usage =
    "usage: shanglou evaluate SCENARIO -o DIR [--quiet]\n"
    "       shanglou evaluate SCENARIO [-o DIR] --to PG:CONN [--table-prefix NAME]\n"
    "                         [--mode create|overwrite|append] [--quiet]\n"
    "\n"
    "For every parcel: candidacy (low FAR, low tax per mu) and what it could hold\n"
    "under each rule set.  Writes into DIR: parcels.geojson, shanglou.gpkg (the\n"
    "parcels layer in the source CRS, styled for QGIS), parcels.csv (UTF-8 with\n"
    "BOM, for Excel), shanglou.xlsx (the Excel workbook), report.html and\n"
    "summary.json, atomically: a failed run leaves DIR's previous files intact.\n"
    "With --to, the parcels table goes into PostGIS too (or only there, without\n"
    "-o).  Progress goes to stderr.\n"
    "\n"
    "  -o, --output DIR   output directory (created if missing)\n"
    "      --formats LIST which files to write besides summary.json, from geojson,\n"
    "                     gpkg, csv, xlsx, report (default: all five; csv and xlsx\n"
    "                     come from the GeoPackage, so they bring shanglou.gpkg\n"
    "                     along); files of earlier runs that this run does not\n"
    "                     write stay in DIR\n" PG_TARGET_USAGE
    "  --lang en|zh       language of status values, reasons, CSV headers, report.html\n"
    "                     and the QGIS legends (default: report.lang, else en)\n"
    "  -q, --quiet        print nothing but errors and warnings (no progress)\n";

/* Output formats of evaluate (bit set). */
enum { F_GEOJSON = 1, F_GPKG = 2, F_CSV = 4, F_REPORT = 8, F_XLSX = 16, F_ALL = 31 };

/* Parse "geojson,gpkg,csv,xlsx,report" into a bit set; 0 on an unknown name. */
static int parse_formats(const char *list)
{
    static const struct {
        const char *name;
        int bit;
    } names[] = {{"geojson", F_GEOJSON},
                 {"gpkg", F_GPKG},
                 {"csv", F_CSV | F_GPKG},
                 {"xlsx", F_XLSX | F_GPKG},
                 {"report", F_REPORT}};
    int set = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        int bit = 0;
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k].name) == n && strncmp(p, names[k].name, n) == 0)
                bit = names[k].bit;
        if (!bit)
            return 0;
        set |= bit;
        p += n;
        if (*p == ',')
            p++;
    }
    return set;
}

/* What evaluate's parcel callback writes to (any may be NULL). */
typedef struct eval_ctx {
    sl_parcels_writer *geojson;
    sl_gpkg_writer *gpkg;
    sl_parcels_writer *pg;
    cli_progress *progress;
    long long n;
    sl_error *err;
} eval_ctx;

static sl_status write_parcel(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                              OGRGeometryH geom)
{
    (void)z;
    eval_ctx *c = user;
    cli_progress_step(c->progress, (double)++c->n);
    if (c->gpkg) {
        /* The GeoJSON writer takes the source's geometry over: the
         * GeoPackage copies it first. */
        sl_status st = sl_gpkg_writer_add(c->gpkg, p, f, geom, NULL, NULL, NULL, c->err);
        if (st != SL_OK)
            return st;
    }
    if (c->pg) {
        /* The GeoJSON writer takes the source's geometry over: the
         * database gets a copy first. */
        OGRGeometryH g = c->geojson && geom ? OGR_G_Clone(geom) : geom;
        sl_status st = sl_parcels_writer_add(c->pg, p, f, g, NULL, c->err);
        if (g != geom)
            OGR_G_DestroyGeometry(g);
        if (st != SL_OK || !c->geojson)
            return st;
    }
    return c->geojson ? sl_parcels_writer_add(c->geojson, p, f, geom, NULL, c->err) : SL_OK;
}

int cmd_evaluate(int argc, char **argv)
{
    const char *path = NULL, *dir = NULL;
    bool quiet = false;
    int formats = F_ALL, lang = -1;
    pg_target pg;
    pg_target_init(&pg);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char msg[600];
        int k = pg_target_arg(&pg, argc, argv, &i, "evaluate", msg, sizeof msg);
        if (k == 2)
            return cli_usage_error(evaluate_usage, "%s", msg);
        if (k == 1)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(evaluate_usage, stdout);
            return 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (++i == argc)
                return cli_usage_error(evaluate_usage, "evaluate: %s needs a directory", a);
            dir = argv[i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--lang") == 0) {
            if (++i == argc)
                return cli_usage_error(evaluate_usage, "evaluate: %s needs a value (one of %s)", a,
                                       sl_lang_list());
            if (cli_parse_lang(evaluate_usage, "evaluate", argv[i], &lang) != 0)
                return 2;
        } else if (strcmp(a, "--formats") == 0) {
            if (++i == argc)
                return cli_usage_error(evaluate_usage, "evaluate: %s needs a list", a);
            if (!(formats = parse_formats(argv[i])))
                return cli_usage_error(evaluate_usage,
                                       "evaluate: --formats: '%s' is not a list of geojson, gpkg, "
                                       "csv, xlsx, report",
                                       argv[i]);
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(evaluate_usage, "evaluate: unknown option '%s'", a);
        } else if (path) {
            return cli_usage_error(evaluate_usage, "evaluate: unexpected argument '%s'", a);
        } else {
            path = a;
        }
    }
    if (!path)
        return cli_usage_error(evaluate_usage, "evaluate: missing %s", "SCENARIO");
    if (!dir && !pg.to)
        return cli_usage_error(evaluate_usage, "evaluate: missing %s", "-o DIR (or --to PG:...)");
    char msg[200];
    if (pg_target_check(&pg, "evaluate", msg, sizeof msg))
        return cli_usage_error(evaluate_usage, "%s", msg);

    int rc = 0;
    sl_scenario *sc = cli_load_scenario(path, &rc);
    if (!sc)
        return rc;
    if (lang >= 0)
        sc->lang = (sl_lang)lang; /* --lang wins over report.lang */
    /* Before anything is written: no output may be an input. */
    const char *names[8];
    int nn = 0;
    if (formats & F_GEOJSON)
        names[nn++] = "parcels.geojson";
    if (formats & F_GPKG)
        names[nn++] = "shanglou.gpkg";
    if (formats & F_CSV)
        names[nn++] = "parcels.csv";
    if (formats & F_XLSX)
        names[nn++] = "shanglou.xlsx";
    if (formats & F_REPORT)
        names[nn++] = "report.html";
    names[nn++] = "summary.json";
    names[nn] = NULL;
    static const char *const pg_layers[] = {"parcels", NULL};
    if ((rc = cli_guard_outputs("evaluate", &path, &sc, 1, dir, names, NULL, pg.to, pg.prefix,
                                pg_layers)) != 0) {
        sl_scenario_destroy(sc);
        return rc;
    }
    sl_error err;
    sl_error_init(&err);
    sl_zone *z = NULL;
    sl_outdir *od = NULL;
    sl_parcels_writer *w = NULL, *pw = NULL;
    sl_gpkg_writer *gw = NULL;
    sl_economics *econ = NULL;
    cli_progress *prog = NULL;
    sl_status st = SL_OK;

    if (!(z = sl_zone_open(sc, &err)) || (dir && !(od = sl_outdir_begin(dir, &err))) ||
        pg_target_open(&pg, sc, path, &err) != SL_OK) {
        st = err.code;
        goto done;
    }
    cli_crs_warning(z);
    const char *sj = od ? sl_outdir_file(od, "summary.json") : NULL;
    const char *gj = od && (formats & F_GEOJSON) ? sl_outdir_file(od, "parcels.geojson") : NULL;
    const char *gp = od && (formats & F_GPKG) ? sl_outdir_file(od, "shanglou.gpkg") : NULL;
    const char *cv = od && (formats & F_CSV) ? sl_outdir_file(od, "parcels.csv") : NULL;
    const char *rp = od && (formats & F_REPORT) ? sl_outdir_file(od, "report.html") : NULL;
    const char *xl = od && (formats & F_XLSX) ? sl_outdir_file(od, "shanglou.xlsx") : NULL;
    if (od && (!sj || (!gj && (formats & F_GEOJSON)) || (!gp && (formats & F_GPKG)) ||
               (!cv && (formats & F_CSV)) || (!rp && (formats & F_REPORT)) ||
               (!xl && (formats & F_XLSX)))) {
        sl_error_add(&err, SL_ERR_NOMEM, "out of memory");
        st = err.code;
        goto done;
    }
    if ((gj && !(w = sl_parcels_writer_open(gj, "GeoJSON", z, false, &err))) ||
        (gp && !(gw = sl_gpkg_writer_open(gp, z, false, &err))) ||
        (pg.d && !(pw = sl_parcels_writer_open_in(pg.d, z, false, &err)))) {
        st = err.code;
        goto done;
    }
    cli_progress_options po;
    cli_progress_options_init(&po);
    if (quiet)
        po.mode = CLI_PROGRESS_OFF;
    prog = cli_progress_create(stderr, &po);
    cli_progress_begin(prog, "evaluating parcels", cli_feature_count(z));
    eval_ctx ctx = {w, gw, pw, prog, 0, &err};
    if (sc->has_economics) {
        /* Grades need the zone's percentiles (docs/model.md §11): read
         * every parcel first, then write them on a second pass. */
        eval_ctx count = {NULL, NULL, NULL, prog, 0, &err};
        st = sl_zone_read(z, write_parcel, &count, &err);
        if (st == SL_OK)
            st = sl_economics_compute(z, NULL, &econ, &err);
        if (st == SL_OK) {
            cli_progress_end(prog);
            sl_parcels_writer_set_economics(w, econ);
            sl_parcels_writer_set_economics(pw, econ);
            sl_gpkg_writer_set_economics(gw, econ);
            cli_progress_begin(prog, "writing parcels", z->n);
            st = sl_zone_rescan(z, write_parcel, &ctx, &err);
        }
    } else {
        st = sl_zone_read(z, write_parcel, &ctx, &err);
    }
    if (st == SL_OK) { /* after a failure its message is enough */
        cli_progress_end(prog);
        cli_print_zone_warnings(z);
    }
    sl_status cst = sl_parcels_writer_close(w, &err);
    w = NULL;
    if (st == SL_OK)
        st = cst;
    /* With err even after a failure: a write that failed on the writer
     * thread is reported by the close. */
    cst = sl_gpkg_writer_close(gw, &err);
    gw = NULL;
    if (st == SL_OK)
        st = cst;
    sl_parcels_writer_close(pw, NULL); /* the layer stays in pg.d */
    pw = NULL;
    if (st == SL_OK && cv)
        st = sl_csv_write_layer_for(gp, "parcels", cv, sc, &err);
    if (st == SL_OK && xl)
        st = sl_xlsx_write(xl, gp, z, NULL, econ, &err);
    if (st == SL_OK && rp)
        st = sl_report_write(rp, z, NULL, &err);
    if (st == SL_OK && od)
        st = sl_summary_write(sj, z, NULL, &err);
    /* The database commits first: files that fail to move into place
     * after it are the lesser harm (the run is then in the database only,
     * as the message says). */
    st = pg_target_finish(&pg, st, &err);
    if (st == SL_OK && od) {
        st = sl_outdir_commit(od, &err);
        od = NULL;
        if (st != SL_OK && pg.to)
            sl_error_add(&err, st, "evaluate: run %s was written to the database all the same",
                         pg.run_id);
    }
    if (st == SL_OK && !quiet) {
        const long long *nb = z->n_by_status;
        printf("evaluate: %d %s: %lld %s, %lld %s, %lld rejected", z->n,
               cli_plural(z->n, "parcel", "parcels"), nb[SL_PARCEL_CANDIDATE],
               cli_plural(nb[SL_PARCEL_CANDIDATE], "candidate", "candidates"),
               nb[SL_PARCEL_NOT_CANDIDATE],
               cli_plural(nb[SL_PARCEL_NOT_CANDIDATE], "not candidate", "not candidates"),
               nb[SL_PARCEL_REJECTED]);
        if (dir)
            printf("; wrote %s%s%s%s%ssummary.json in %s", gj ? "parcels.geojson, " : "",
                   gp ? "shanglou.gpkg, " : "", cv ? "parcels.csv, " : "",
                   xl ? "shanglou.xlsx, " : "", rp ? "report.html and " : "", dir);
        printf("\n");
        static const char *const layers[] = {"parcels", NULL};
        pg_target_report(&pg, "evaluate", layers);
    }
done:
    if (w)
        sl_parcels_writer_close(w, NULL);
    sl_gpkg_writer_close(gw, NULL);
    sl_parcels_writer_close(pw, NULL);
    cli_progress_destroy(prog);
    pg_target_finish(&pg, st == SL_OK ? SL_ERR_IO : st, &err);
    sl_outdir_final_names(od, &err);
    sl_outdir_abort(od);
    rc = cli_finish(&err, st);
    sl_economics_destroy(econ);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    return rc;
}
