/* cmd_plan.c - `shanglou plan`. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/buildings_layer.h"
#include "cli_util.h"
#include "commands.h"
#include "out/csv.h"
#include "out/xlsx.h"
#include "out/floors_layer.h"
#include "eval/footprint.h"
#include "out/geopackage.h"
#include "out/outdir.h"
#include "pg_target.h"
#include "input/source.h"
#include "out/parcels_layer.h"
#include "plan/plan.h"
#include "progress.h"
#include "out/report.h"
#include "input/scenario.h"
#include "out/summary.h"
#include "out/phases.h"
#include "phase/phasing.h"
#include "eval/evaluate.h"
#include "econ/economics.h"

static const char *plan_usage =
    "usage: shanglou plan SCENARIO -o DIR [--time-limit S] [--gap G] [--quiet] [--verbose]\n"
    "\n"
    "Choose which candidate parcels to redevelop and which industry goes on each\n"
    "storey, maximising weighted floor area and industry-chain clustering under\n"
    "every rule (GLPK).  Writes into DIR, atomically: parcels.geojson,\n"
    "floors.geojson, shanglou.gpkg (parcels, buildings and floors in the source\n"
    "CRS, styled for QGIS, 3-D included), parcels.csv (UTF-8 with BOM, for\n"
    "Excel), shanglou.xlsx (the Excel workbook), report.html, stacks/<parcel>.svg\n"
    "(stacking plans) and summary.json; reports objective, bound and gap.\n"
    "Progress goes to stderr.\n"
    "\n"
    "  -o, --output DIR    output directory (created if missing)\n"
    "  --time-limit S      stop after S seconds with the best plan (default: plan.time_limit_s)\n"
    "  --gap G             stop when the relative gap is at most G (default: plan.gap)\n"
    "  -q, --quiet         print nothing but errors and warnings\n"
    "  -v, --verbose       trace the solve (and GLPK's own messages) on stderr\n"
    "  --lang en|zh        language of status values, reasons, CSV headers, report.html\n"
    "                      and the QGIS legends (default: report.lang, else en)\n" PG_TARGET_USAGE
    "\n"
    "Ctrl-C (SIGINT) during the solve stops it: the best plan found so far is\n"
    "written as usual, with stop_reason \"interrupted\" (exit 0); before any plan\n"
    "was found nothing is written (exit 1).  A second Ctrl-C ends the run at once,\n"
    "leaving DIR as it was.\n";

/* Raised by the SIGINT handler during the solve (options.interrupt). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    if (interrupted) {
        /* The second Ctrl-C: stop now (DIR is left as it was). */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    interrupted = 1;
}

/* "— (not proven)" or the bound; "gap 0.1234 %" or nothing proven. */
static void print_bound_gap(FILE *out, const sl_plan *plan)
{
    if (plan->has_bound && isfinite(plan->gap))
        fprintf(out, "bound %.0f, gap %.4f %%", plan->bound, 100 * plan->gap);
    else
        fputs("bound — (not proven), gap —", out);
}

/* What the plan's parcel callback writes to: the files (parcels, floors,
 * the GeoPackage with parcels, buildings and floors) and the database
 * (pg_parcels, pg_buildings, pg_floors); any may be NULL. */
typedef struct write_ctx {
    const sl_plan *plan;
    sl_parcels_writer *parcels, *pg_parcels;
    sl_floors_writer *floors, *pg_floors;
    sl_buildings_writer *pg_buildings;
    sl_gpkg_writer *gpkg;
    cli_progress *progress;
    long long n;
    sl_error *err;
} write_ctx;

static sl_status write_parcel(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                              OGRGeometryH geom)
{
    write_ctx *c = user;
    const sl_parcel_plan *pp = &c->plan->pp[p - z->p];
    cli_progress_step(c->progress, (double)++c->n);
    if (pp->redeveloped && geom) {
        OGRGeometryH fac = NULL, off = NULL;
        sl_status st = sl_footprint_polygons(
            z->src, geom, p->id, p->plan_rules->setback_m, p->plan_fp.factory_m2,
            pp->office_floors > 0 ? p->plan_fp.office_m2 : 0, &fac, &off, c->err);
        if (st == SL_OK && c->floors)
            st = sl_floors_writer_add(c->floors, p, pp, fac, off, c->err);
        if (st == SL_OK && c->pg_floors)
            st = sl_floors_writer_add(c->pg_floors, p, pp, fac, off, c->err);
        if (st == SL_OK && c->pg_buildings)
            st = sl_buildings_writer_add(c->pg_buildings, p, pp, fac, off, c->err);
        /* The GeoPackage copies the parcel's geometry: the file writer
         * below takes it over. */
        if (st == SL_OK && c->gpkg)
            st = sl_gpkg_writer_add(c->gpkg, p, f, geom, pp, fac, off, c->err);
        if (fac)
            OGR_G_DestroyGeometry(fac);
        if (off)
            OGR_G_DestroyGeometry(off);
        if (st != SL_OK)
            return st;
    }
    if (c->gpkg && !(pp->redeveloped && geom)) {
        sl_status st = sl_gpkg_writer_add(c->gpkg, p, f, geom, pp, NULL, NULL, c->err);
        if (st != SL_OK)
            return st;
    }
    if (c->pg_parcels) {
        /* The file writer takes the source's geometry over: the database
         * gets a copy first. */
        OGRGeometryH g = c->parcels && geom ? OGR_G_Clone(geom) : geom;
        sl_status st = sl_parcels_writer_add(c->pg_parcels, p, f, g, pp, c->err);
        if (g != geom)
            OGR_G_DestroyGeometry(g);
        if (st != SL_OK || !c->parcels)
            return st;
    }
    return sl_parcels_writer_add(c->parcels, p, f, geom, pp, c->err);
}

int cmd_plan(int argc, char **argv)
{
    cli_run_args a;
    pg_target pg;
    pg_target_init(&pg);
    int rc = cli_parse_run(argc, argv, plan_usage, true, &a, &pg);
    if (rc >= 0)
        return rc;
    cli_progress_options po;
    cli_progress_options_init(&po);
    if (a.quiet)
        po.mode = CLI_PROGRESS_OFF;
    cli_progress *prog = cli_progress_create(stderr, &po);
    sl_scenario *sc = NULL;
    sl_zone *z = cli_load_zone(a.path, a.lang, &sc, prog, &rc);
    /* Before the solve, and so before anything is written: no output may
     * be an input. */
    static const char *const names[] = {
        "parcels.geojson", "floors.geojson", "shanglou.gpkg", "parcels.csv",   "report.html",
        "stacks/",         "summary.json",   "phases.csv",    "shanglou.xlsx", NULL};
    static const char *const pg_layers[] = {"parcels", "buildings", "floors", NULL};
    if (z && (rc = cli_guard_outputs("plan", &a.path, &sc, 1, a.out, names, NULL, pg.to, pg.prefix,
                                     pg_layers)) != 0) {
        sl_zone_destroy(z);
        sl_scenario_destroy(sc);
        z = NULL;
    }
    if (!z) {
        cli_progress_destroy(prog);
        return rc;
    }
    sl_error err;
    sl_error_init(&err);
    /* Neighbouring candidates, for the neighbour chain bonus (产业集聚). */
    if (sc->neighbour_chain_bonus_m2 > 0) {
        cli_progress_begin(prog, "finding neighbours", 0);
        sl_status nst = sl_zone_neighbours(z, sc->neighbour_distance_m, &err);
        cli_progress_end(prog);
        if (nst != SL_OK) {
            rc = cli_finish(&err, nst);
            sl_error_clear(&err);
            sl_zone_destroy(z);
            sl_scenario_destroy(sc);
            cli_progress_destroy(prog);
            return rc;
        }
    }
    sl_plan_options o;
    sl_plan_options_init(&o, sc);
    if (a.has_time)
        o.time_limit_s = a.time_limit_s;
    if (a.has_gap)
        o.gap = a.gap;
    o.verbose = a.verbose;
    o.log = cli_log_stderr;
    /* The solver's best plan, bound and gap as they improve. */
    o.progress = cli_progress_plan_fn;
    o.user_data = prog;
    sl_plan *plan = NULL;
    sl_phasing *phasing = NULL;
    sl_economics *econ = NULL;
    sl_outdir *od = NULL;
    sl_out_dataset *fd = NULL;
    write_ctx ctx = {0};
    /* Ctrl-C stops the solve, which returns its best plan; the default
     * action is back for the writing (docs/outputs.md). */
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    interrupted = 0;
    bool handler = sigaction(SIGINT, &sa, &old_sa) == 0;
    o.interrupt = &interrupted;
    cli_progress_begin(prog, "solving", 0);
    cli_progress_set_limit(prog, o.time_limit_s);
    sl_status st = sl_plan_solve(z, &o, &plan, &err);
    if (handler)
        sigaction(SIGINT, &old_sa, NULL);
    if (st != SL_OK)
        goto done;
    cli_progress_solver(prog, plan->solve_seconds, plan->objective,
                        plan->has_bound ? plan->bound : NAN, o.time_limit_s);
    cli_progress_end(prog);
    if (plan->status == SL_PLAN_INFEASIBLE) {
        fprintf(stderr, "plan: no plan meets every rule of %s:\n", a.path);
        for (int i = 0; i < plan->n_conflicts; i++)
            fprintf(stderr, "  %s\n", plan->conflicts[i]);
        st = SL_ERR_INFEASIBLE;
        sl_error_add(&err, SL_ERR_INFEASIBLE, "plan: infeasible; %s left unchanged",
                     a.out ? a.out : pg.to);
        goto done;
    }
    if (plan->status == SL_PLAN_NO_PLAN) {
        /* Not infeasible: nothing is proven, the search needs more time. */
        st = SL_ERR_SOLVER;
        if (plan->stop_reason == SL_STOP_INTERRUPTED)
            sl_error_add(&err, st,
                         "plan: interrupted after %.1f s, before any plan was found; nothing is "
                         "proven and %s is left unchanged",
                         plan->solve_seconds, a.out ? a.out : pg.to);
        else
            sl_error_add(&err, st,
                         "plan: no plan was found within the time limit of %g s (this is not "
                         "infeasibility: nothing is proven); give the search more time, e.g. "
                         "--time-limit %g; %s is left unchanged",
                         o.time_limit_s, fmax(10, 10 * o.time_limit_s), a.out ? a.out : pg.to);
        goto done;
    }
    /* The layout checker re-verifies every rule independently of the
     * optimizer: a violation here is a bug, never written out. */
    st = sl_plan_check(z, plan, &err);
    if (st != SL_OK) {
        sl_error_add(&err, SL_ERR_SOLVER,
                     "plan: internal error: the plan breaks the rules above; please report it");
        st = SL_ERR_SOLVER;
        goto done;
    }
    /* docs/model.md §11, when the scenario asks for it. */
    if (sc->has_economics && (st = sl_economics_compute(z, plan, &econ, &err)) != SL_OK)
        goto done;
    /* docs/model.md §12: start years for the redeveloped parcels. */
    if (sc->phasing.present) {
        /* Ctrl-C stops the phasing too, with its best schedule so far. */
        handler = sigaction(SIGINT, &sa, &old_sa) == 0;
        st = sl_phasing_plan_economics(z, plan, econ, &o, &phasing, &err);
        if (handler)
            sigaction(SIGINT, &old_sa, NULL);
        if (st != SL_OK)
            goto done;
        if (phasing->status == SL_PLAN_INFEASIBLE || phasing->status == SL_PLAN_NO_PLAN) {
            if (phasing->status == SL_PLAN_INFEASIBLE) {
                fprintf(stderr, "plan: the layout has no phasing that meets every rule of %s:\n",
                        a.path);
                for (int i = 0; i < phasing->n_conflicts; i++)
                    fprintf(stderr, "  %s\n", phasing->conflicts[i]);
            }
            st = phasing->status == SL_PLAN_INFEASIBLE ? SL_ERR_INFEASIBLE : SL_ERR_SOLVER;
            sl_error_add(&err, st, "plan: phasing %s; %s left unchanged",
                         phasing->status == SL_PLAN_INFEASIBLE
                             ? "infeasible"
                             : "found no schedule within phasing.time_limit_s",
                         a.out ? a.out : pg.to);
            goto done;
        }
    }
    if ((a.out && !(od = sl_outdir_begin(a.out, &err))) ||
        pg_target_open(&pg, sc, a.path, &err) != SL_OK) {
        st = err.code;
        goto done;
    }
    ctx.plan = plan;
    ctx.err = &err;
    if ((od &&
         (!(ctx.parcels = sl_parcels_writer_open(sl_outdir_file(od, "parcels.geojson"), "GeoJSON",
                                                 z, true, &err)) ||
          !(fd = sl_out_dataset_create(sl_outdir_file(od, "floors.geojson"), "GeoJSON", &err)) ||
          !(ctx.floors = sl_floors_writer_open_in(fd, z, &err)) ||
          !(ctx.gpkg = sl_gpkg_writer_open(sl_outdir_file(od, "shanglou.gpkg"), z, true, &err)))) ||
        (pg.d && (!(ctx.pg_parcels = sl_parcels_writer_open_in(pg.d, z, true, &err)) ||
                  !(ctx.pg_buildings = sl_buildings_writer_open_in(pg.d, z, &err)) ||
                  !(ctx.pg_floors = sl_floors_writer_open_in(pg.d, z, &err))))) {
        st = err.code;
        goto done;
    }
    sl_parcels_writer_set_economics(ctx.parcels, econ);
    sl_parcels_writer_set_economics(ctx.pg_parcels, econ);
    sl_gpkg_writer_set_economics(ctx.gpkg, econ);
    ctx.progress = prog;
    cli_progress_begin(prog, "writing parcels", z->n);
    st = sl_zone_rescan(z, write_parcel, &ctx, &err);
    if (st == SL_OK)
        cli_progress_end(prog);
    sl_status c1 = sl_parcels_writer_close(ctx.parcels, &err);
    ctx.parcels = NULL;
    sl_floors_writer_close(ctx.floors);
    ctx.floors = NULL;
    sl_status c2 = sl_out_dataset_close(fd, &err);
    fd = NULL;
    /* With err even after a failure: a failed write is reported here. */
    sl_status c3 = sl_gpkg_writer_close(ctx.gpkg, &err);
    ctx.gpkg = NULL;
    sl_parcels_writer_close(ctx.pg_parcels, NULL); /* the layers stay in pg.d */
    ctx.pg_parcels = NULL;
    sl_floors_writer_close(ctx.pg_floors);
    ctx.pg_floors = NULL;
    sl_buildings_writer_close(ctx.pg_buildings);
    ctx.pg_buildings = NULL;
    if (st == SL_OK)
        st = c1 != SL_OK ? c1 : c2 != SL_OK ? c2 : c3;
    if (st == SL_OK && pg.d)
        st = sl_summary_write_run(pg.d, z, plan, econ, &err);
    if (st == SL_OK && od)
        st = sl_csv_write_layer_for(sl_outdir_file(od, "shanglou.gpkg"), "parcels",
                                    sl_outdir_file(od, "parcels.csv"), sc, &err);
    if (st == SL_OK && od)
        st = sl_xlsx_write(sl_outdir_file(od, "shanglou.xlsx"), sl_outdir_file(od, "shanglou.gpkg"),
                           z, plan, econ, &err);
    if (st == SL_OK && od)
        st = sl_report_write_econ(sl_outdir_file(od, "report.html"), z, plan, econ, &err);
    if (st == SL_OK && od)
        st = sl_report_write_stacks(od, z, plan, &err);
    if (st == SL_OK && od)
        st = sl_summary_write_econ(sl_outdir_file(od, "summary.json"), z, plan, econ, &err);
    if (st == SL_OK && od && phasing)
        st = sl_phases_write_csv(sl_outdir_file(od, "phases.csv"), phasing, &err);
    /* The database commits first, as in evaluate. */
    st = pg_target_finish(&pg, st, &err);
    if (st == SL_OK && od) {
        st = sl_outdir_commit(od, &err);
        od = NULL;
        if (st != SL_OK && pg.to)
            sl_error_add(&err, st, "plan: run %s was written to the database all the same",
                         pg.run_id);
    }
    if (st == SL_OK && plan->stop_reason == SL_STOP_INTERRUPTED)
        fprintf(stderr,
                "plan: interrupted after %.1f s: wrote the best plan found so far (%s, "
                "stop_reason interrupted)\n",
                plan->solve_seconds, sl_plan_status_name(plan->status));
    if (st == SL_OK && !a.quiet) {
        int n = 0;
        for (int i = 0; i < plan->n; i++)
            n += plan->pp[i].redeveloped;
        printf("plan: %s (stop_reason %s): %d of %lld %s redeveloped; objective %.0f m2eq, ",
               sl_plan_status_name(plan->status),
               sl_stop_reason_name(plan->stop_reason) ? sl_stop_reason_name(plan->stop_reason)
                                                      : "-",
               n, z->n_by_status[SL_PARCEL_CANDIDATE],
               cli_plural(z->n_by_status[SL_PARCEL_CANDIDATE], "candidate", "candidates"),
               plan->objective);
        print_bound_gap(stdout, plan);
        printf(", %.1f s", plan->solve_seconds);
        if (phasing)
            printf("; phasing %s (stop_reason %s): %d of %d started, discounted value %.0f",
                   sl_plan_status_name(phasing->status),
                   sl_stop_reason_name(phasing->stop_reason)
                       ? sl_stop_reason_name(phasing->stop_reason)
                       : "-",
                   phasing->n_started, n, phasing->objective);
        if (a.out)
            printf("; wrote parcels.geojson, floors.geojson, shanglou.gpkg, parcels.csv, "
                   "shanglou.xlsx, report.html, stacks/%s and summary.json in %s",
                   phasing ? ", phases.csv" : "", a.out);
        printf("\n");
        static const char *const layers[] = {"parcels", "buildings", "floors", "runs", NULL};
        pg_target_report(&pg, "plan", layers);
    }
done:
    if (ctx.parcels)
        sl_parcels_writer_close(ctx.parcels, NULL);
    sl_floors_writer_close(ctx.floors);
    sl_out_dataset_close(fd, NULL);
    sl_gpkg_writer_close(ctx.gpkg, NULL);
    sl_parcels_writer_close(ctx.pg_parcels, NULL);
    sl_floors_writer_close(ctx.pg_floors);
    sl_buildings_writer_close(ctx.pg_buildings);
    pg_target_finish(&pg, st == SL_OK ? SL_ERR_IO : st, &err);
    sl_outdir_final_names(od, &err);
    sl_outdir_abort(od);
    rc = cli_finish(&err, st);
    cli_progress_destroy(prog);
    sl_economics_destroy(econ);
    sl_plan_destroy(plan);
    sl_phasing_destroy(phasing);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    return rc;
}
