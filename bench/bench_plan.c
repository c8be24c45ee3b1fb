/*
 * bench_plan.c - time sl_plan_solve on a synthetic zone.
 *   bench_plan [-p PARCELS] [-i INDUSTRIES] [-c CHAINS] [-s SEED]
 *              [-t TIME_LIMIT_S] [-g GAP] [-x MODEL.lp|.mps] [-v] [-V] [-2]
 * Prints objective, bound, gap, status, seconds and peak RSS; -v the
 * progress reports, -V the optimizer's trace.  -2: the
 * version-2 zone (zonegen.h: one chain per building, contiguous tenants,
 * shared services, demand ranges that bind, pins, neighbour bonus).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "zonegen.h"

static void on_progress(void *ud, double sec, double obj, double bound)
{
    if (*(int *)ud)
        fprintf(stderr, "  %7.2f s  objective %.1f  bound %.1f\n", sec, obj, bound);
}

/* -V: the optimizer's trace (its phases and bounds), GLPK's output left out */
static void on_log(void *ud, sl_log_level level, const char *message)
{
    (void)ud;
    if (level == SL_LOG_TRACE || level == SL_LOG_WARNING)
        fprintf(stderr, "%s\n", message);
}

int main(int argc, char **argv)
{
    zg_params p = {200, 12, 3, 1, 0.01, true, false};
    double tl = 60, gap = 0.001;
    const char *xpath = NULL;
    int verbose = 0, trace = 0;
    for (int a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!strcmp(argv[a], "-p") && v)
            p.parcels = atoi(v), a++;
        else if (!strcmp(argv[a], "-i") && v)
            p.industries = atoi(v), a++;
        else if (!strcmp(argv[a], "-c") && v)
            p.chains = atoi(v), a++;
        else if (!strcmp(argv[a], "-s") && v)
            p.seed = strtoull(v, NULL, 10), a++;
        else if (!strcmp(argv[a], "-t") && v)
            tl = atof(v), a++;
        else if (!strcmp(argv[a], "-g") && v)
            gap = atof(v), a++;
        else if (!strcmp(argv[a], "-x") && v)
            xpath = v, a++;
        else if (!strcmp(argv[a], "-v"))
            verbose = 1;
        else if (!strcmp(argv[a], "-V"))
            trace = 1;
        else if (!strcmp(argv[a], "-2"))
            p.v2 = true;
        else if (!strcmp(argv[a], "--no-demand"))
            p.demand = false;
        else {
            fprintf(stderr, "usage: bench_plan [-p N] [-i N] [-c N] [-s SEED] [-t S] [-g GAP] [-x "
                            "FILE] [-v] [-2] [--no-demand]\n");
            return 2;
        }
    }
    zg_zone *g = zg_make(&p);
    if (!g) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    sl_error err;
    sl_error_init(&err);
    if (xpath) {
        sl_status st = sl_plan_export_model(&g->z, xpath, &err);
        for (int i = 0; i < err.n; i++)
            fprintf(stderr, "%s\n", err.msgs[i]);
        zg_free(g);
        sl_error_clear(&err);
        return st == SL_OK ? 0 : 1;
    }
    sl_plan_options o;
    sl_plan_options_init(&o, &g->sc);
    o.time_limit_s = tl;
    o.gap = gap;
    o.progress = on_progress;
    o.user_data = &verbose;
    if (trace) {
        o.verbose = true;
        o.log = on_log;
    }
    sl_plan *plan = NULL;
    sl_status st = sl_plan_solve(&g->z, &o, &plan, &err);
    if (st != SL_OK) {
        for (int i = 0; i < err.n; i++)
            fprintf(stderr, "%s\n", err.msgs[i]);
        zg_free(g);
        sl_error_clear(&err);
        return 1;
    }
    int redeveloped = 0;
    for (int i = 0; i < plan->n; i++)
        redeveloped += plan->pp[i].redeveloped;
    sl_error cerr;
    sl_error_init(&cerr);
    sl_status cs = sl_plan_check(&g->z, plan, &cerr);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    int nshared = 0, ncand = 0;
    for (int i = 0; i < g->sc.n_industries; i++)
        nshared += g->sc.industries[i].shared;
    for (int k = 0; k < g->z.n; k++)
        ncand += g->z.p[k].status == SL_PARCEL_CANDIDATE;
    printf("parcels %d industries %d chains %d seed %llu model %s candidates %d shared %d pins "
           "%d neighbour_pairs %d\n",
           p.parcels, p.industries, p.chains, p.seed, p.v2 ? "v2" : "v1", ncand, nshared,
           g->sc.n_pins, g->z.nb_start ? g->z.nb_start[g->z.n] / 2 : 0);
    printf("status %s objective %.2f bound %.2f gap %.5f%% seconds %.2f peak_rss_mb %.1f "
           "redeveloped %d check %s\n",
           sl_plan_status_name(plan->status), plan->objective, plan->bound, plan->gap * 100,
           plan->solve_seconds, ru.ru_maxrss / 1024.0, redeveloped, cs == SL_OK ? "ok" : "FAILED");
    for (int i = 0; i < plan->n_conflicts; i++)
        printf("conflict: %s\n", plan->conflicts[i]);
    for (int i = 0; i < cerr.n && i < 20; i++)
        printf("check: %s\n", cerr.msgs[i]);
    sl_error_clear(&cerr);
    sl_plan_destroy(plan);
    zg_free(g);
    sl_error_clear(&err);
    return 0;
}
