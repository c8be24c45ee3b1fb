/* test_export.c - lib/export.c: the compact MIP, solved by Debian's
 * glpsol, gives a plan that the independent layout checker accepts, with
 * the objective the checker recomputes from the storeys. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "input/scenario.h"
#include "support.h"
#include "eval/evaluate.h"
#include "plan/smallzone.h"

typedef struct solved {
    double objective;
    sl_plan plan;
    sl_parcel_plan *pp;
} solved;

static int cmp_storey(const void *a, const void *b)
{
    const sl_storey *x = a, *y = b;
    if (x->block != y->block)
        return (int)x->block - (int)y->block;
    return x->level - y->level;
}

/* Export the zone's model, solve it with glpsol and read the storeys of
 * its solution back into a plan (heights and areas as the model says). */
static void solve_exported(const sl_zone *z, const char *fmt, solved *out)
{
    const sl_scenario *sc = z->sc;
    char *dir = t_tmpdir();
    char model[4096], sol[4096];
    snprintf(model, sizeof model, "%s/m.%s", dir, fmt);
    snprintf(sol, sizeof sol, "%s/m.sol", dir);
    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_plan_export_model(z, model, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
    t_run r = t_sh("glpsol --%s %s -o %s", strcmp(fmt, "lp") == 0 ? "lp" : "freemps", model, sol);
    cr_assert_eq(r.status, 0, "glpsol: %s", r.out);
    cr_assert(strstr(r.out, "INTEGER OPTIMAL SOLUTION FOUND"), "%s", r.out);
    t_run_free(&r);
    FILE *f = fopen(sol, "r");
    cr_assert(f);
    memset(out, 0, sizeof *out);
    out->pp = calloc((size_t)z->n, sizeof *out->pp);
    for (int i = 0; i < z->n; i++)
        out->pp[i].storeys = calloc(64, sizeof(sl_storey));
    char line[512];
    while (fgets(line, sizeof line, f)) {
        double v;
        if (sscanf(line, "Objective: %*s = %lf", &v) == 1)
            out->objective = strcmp(fmt, "mps") == 0 ? -v : v; /* MPS: min -value */
        int no, pi, k, ii;
        char b, name[128], star[8];
        double act;
        if (sscanf(line, "%d %127s %7s %lf", &no, name, star, &act) == 4 && act > 0.5 &&
            sscanf(name, "x_p%d_%c%d_i%d", &pi, &b, &k, &ii) == 4) {
            sl_parcel_plan *pp = &out->pp[pi];
            const sl_parcel *p = &z->p[pi];
            const sl_industry *in = &sc->industries[ii];
            sl_storey *st = &pp->storeys[pp->n_storeys++];
            st->block = b == 'o' ? SL_BLOCK_OFFICE : SL_BLOCK_FACTORY;
            st->level = k;
            st->industry = ii;
            st->height_m = (b == 'f' && k == 1)
                               ? fmax(in->floor_height_m, p->plan_rules->ground_floor_height_min_m)
                               : in->floor_height_m;
            st->gfa_m2 = b == 'o' ? p->plan_fp.office_m2 : p->plan_fp.factory_m2;
        }
    }
    fclose(f);
    out->plan.n = z->n;
    out->plan.pp = out->pp;
    out->plan.n_industries = sc->n_industries;
    out->plan.gfa_by_industry_m2 = calloc((size_t)sc->n_industries, sizeof(double));
    for (int i = 0; i < z->n; i++) {
        sl_parcel_plan *pp = &out->pp[i];
        if (!pp->n_storeys)
            continue;
        qsort(pp->storeys, (size_t)pp->n_storeys, sizeof *pp->storeys, cmp_storey);
        pp->redeveloped = true;
        for (int s = 0; s < pp->n_storeys; s++) {
            const sl_storey *st = &pp->storeys[s];
            pp->gfa_m2 += st->gfa_m2;
            pp->counted_gfa_m2 +=
                st->height_m > z->p[i].plan_rules->tall_storey_m ? 2 * st->gfa_m2 : st->gfa_m2;
            if (st->block == SL_BLOCK_OFFICE) {
                pp->office_floors++;
                pp->office_height_m += st->height_m;
            } else {
                pp->factory_floors++;
                pp->factory_height_m += st->height_m;
            }
            out->plan.gfa_by_industry_m2[st->industry] += st->gfa_m2;
        }
    }
    out->plan.objective = out->objective;
    out->plan.bound = out->objective;
    out->plan.status = SL_PLAN_OPTIMAL;
    sl_error_clear(&err);
    t_rmtree(dir);
    free(dir);
}

static void solved_free(solved *s, int n)
{
    for (int i = 0; i < n; i++)
        free(s->pp[i].storeys);
    free(s->pp);
    free(s->plan.gfa_by_industry_m2);
}

static char *errtext(const sl_error *e)
{
    static char buf[4096];
    buf[0] = '\0';
    for (int i = 0; i < e->n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s\n", e->msgs[i]);
    return buf;
}

/* One 1 ha parcel (tests/plan/one-parcel.yaml).  By hand: T = 0.6 A,
 * F_o = 0.07 A, F_f = 0.53 A; the FAR cap 3 A is reached by 5 factory +
 * 5 office storeys (5 x 0.53 A + 5 x 0.07 A = 3 A); all priorities 1, so
 * the value is 3 A - 0.5 A (today's floor space) + 2000 (sens and prod in
 * one building) + 1000 (on adjacent levels) = 2.5 A + 3000. */
Test(export, one_parcel_optimum_by_hand, .timeout = 120)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(SL_SRC "/tests/plan/one-parcel.yaml", &err);
    cr_assert(sc, "%s", errtext(&err));
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    const char *fmts[] = {"lp", "mps"};
    for (int f = 0; f < 2; f++) {
        solved s;
        solve_exported(z, fmts[f], &s);
        double A = z->p[0].area_m2;
        cr_assert_float_eq(s.objective, 2.5 * A + 3000, 0.01, "%s: objective %f, A %f", fmts[f],
                           s.objective, A);
        s.pp[0].value_m2eq = s.objective;
        sl_error_clear(&err);
        sl_error_init(&err);
        cr_assert_eq(sl_plan_check(z, &s.plan, &err), SL_OK, "%s", errtext(&err));
        solved_free(&s, z->n);
    }
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

Test(export, cli_writes_lp_and_mps)
{
    char *dir = t_tmpdir();
    char lp[4096], mps[4096], bad[4096];
    snprintf(lp, sizeof lp, "%s/m.lp", dir);
    snprintf(mps, sizeof mps, "%s/m.mps", dir);
    snprintf(bad, sizeof bad, "%s/m.txt", dir);
    t_run r = t_cli("export-model", "plan/one-parcel.yaml", "-o", lp, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_cli("export-model", "plan/one-parcel.yaml", "-o", mps, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_cli("export-model", "plan/one-parcel.yaml", "-o", bad, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "must end in .lp or .mps"), "%s", r.err);
    t_run_free(&r);
    r = t_sh("glpsol --lp %s | grep -c 'INTEGER OPTIMAL'; ls -A %s", lp, dir);
    cr_assert_str_eq(r.out, "1\nm.lp\nm.mps\n", "%s", r.out);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* The optimum glpsol reports for an LP model file, NAN when none. */
static double glpsol_lp_optimum(const char *dir)
{
    t_run r = t_sh("glpsol --lp '%s/m.lp' --tmlim 60 -o '%s/sol.txt' >/dev/null 2>&1; "
                   "grep -E '^(Objective|Status):' '%s/sol.txt'",
                   dir, dir, dir);
    double v = NAN;
    const char *o = strstr(r.out, "Objective:");
    const char *st = strstr(r.out, "Status:");
    if (o && st && strstr(st, "INTEGER OPTIMAL")) {
        const char *eq = strchr(o, '=');
        if (eq)
            v = strtod(eq + 1, NULL);
    }
    t_run_free(&r);
    return v;
}

/* The optimizer (column generation over stacks) and glpsol on the compact
 * MIP reach the same optimum on small zones with every rule switched on
 * (tests/plan/smallzone.h: links, vibration, lifts, loads, trips, office
 * share, demand ranges, a pin). */
Test(export, glpsol_agrees_with_the_optimizer, .timeout = 300)
{
    char *dir = t_tmpdir();
    for (unsigned seed = 1; seed <= 8; seed++) {
        tz t;
        small_zone(&t, seed);
        char path[4200];
        snprintf(path, sizeof path, "%s/m.lp", dir);
        sl_error err;
        sl_error_init(&err);
        cr_assert_eq(sl_plan_export_model(&t.z, path, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
        sl_plan_options o;
        sl_plan_options_init(&o, &t.sc);
        sl_plan *p = NULL;
        cr_assert_eq(sl_plan_solve(&t.z, &o, &p, &err), SL_OK);
        cr_assert_eq(sl_plan_check(&t.z, p, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
        sl_error_clear(&err);
        double g = glpsol_lp_optimum(dir);
        if (p->status == SL_PLAN_INFEASIBLE)
            cr_assert(isnan(g), "seed %u: glpsol finds %.3f, the optimizer nothing", seed, g);
        else
            cr_assert(fabs(g - p->objective) <= 1e-4 * fmax(1, fabs(g)),
                      "seed %u: glpsol %.4f, sl_plan_solve %.4f", seed, g, p->objective);
        sl_plan_destroy(p);
    }
    t_rmtree(dir);
    free(dir);
}
