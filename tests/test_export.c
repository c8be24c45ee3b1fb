/*
 * test_export.c - sl_plan_export_model: the compact MIP, solved by glpsol,
 * reaches the same optimum as sl_plan_solve on small zones; LP and MPS
 * files are written; bad paths are refused in words.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "plan/smallzone.h"
#include "support.h"

/* Optimum glpsol reports for a model file, NAN when none. */
static double glpsol_optimum(const char *dir, const char *model, const char *fmt)
{
    sl_run r = sl_sh("glpsol --%s '%s/%s' --tmlim 60 -o '%s/sol.txt' >/dev/null 2>&1; "
                     "grep -E '^(Objective|Status):' '%s/sol.txt'",
                     fmt, dir, model, dir, dir);
    double v = NAN;
    const char *o = strstr(r.out, "Objective:");
    const char *st = strstr(r.out, "Status:");
    if (o && st && strstr(st, "INTEGER OPTIMAL")) {
        const char *eq = strchr(o, '=');
        if (eq)
            v = strtod(eq + 1, NULL);
    }
    sl_run_free(&r);
    return v;
}

static sl_plan *plan_of(tz *t)
{
    sl_plan_options o;
    sl_plan_options_init(&o, &t->sc);
    sl_plan *p = NULL;
    cr_assert_eq(sl_plan_solve(&t->z, &o, &p, NULL), SL_OK);
    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_plan_check(&t->z, p, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
    sl_error_clear(&err);
    return p;
}

Test(export, glpsol_agrees_with_the_optimizer, .timeout = 300)
{
    char *dir = sl_tmpdir();
    for (unsigned seed = 1; seed <= 8; seed++) {
        tz t;
        small_zone(&t, seed);
        char path[4200];
        snprintf(path, sizeof path, "%s/m.lp", dir);
        sl_error err;
        sl_error_init(&err);
        cr_assert_eq(sl_plan_export_model(&t.z, path, &err), SL_OK, "%s", err.n ? err.msgs[0] : "");
        sl_plan *p = plan_of(&t);
        double g = glpsol_optimum(dir, "m.lp", "lp");
        if (p->status == SL_PLAN_INFEASIBLE) {
            cr_assert(isnan(g), "seed %u: glpsol finds %.3f, the optimizer nothing", seed, g);
        } else {
            cr_assert(fabs(g - p->objective) <= 1e-4 * fmax(1, fabs(g)),
                      "seed %u: glpsol %.4f, sl_plan_solve %.4f", seed, g, p->objective);
        }
        sl_plan_destroy(p);
    }
    sl_rmtree(dir);
    free(dir);
}

Test(export, mps_file_reads_back)
{
    /* The hand case of test_plan (fire class A alone): optimum 36000. */
    tz t;
    tz_init(&t);
    t.rules.office_footprint_share = 0;
    int chem = tz_ind(&t, "chem", SL_KIND_PRODUCTION, 4.5, 6.0);
    tz_ind(&t, "gen", SL_KIND_PRODUCTION, 4.5, 1.0);
    t.ind[chem].fire_class = 'A';
    tz_parcel(&t, "P1", 10000, 0, 8000);
    char *dir = sl_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/m.mps", dir);
    cr_assert_eq(sl_plan_export_model(&t.z, path, NULL), SL_OK);
    /* MPS carries no objective sense: glpsol is told to maximise */
    double g = glpsol_optimum(dir, "m.mps", "max --freemps");
    cr_assert_float_eq(g, 36000, 1e-6);
    sl_rmtree(dir);
    free(dir);
}

Test(export, refuses_unknown_suffix)
{
    tz t;
    tz_init(&t);
    tz_ind(&t, "gen", SL_KIND_PRODUCTION, 4.5, 1.0);
    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_plan_export_model(&t.z, "model.txt", &err), SL_ERR_USAGE);
    cr_assert_str_eq(err.msgs[0], "model.txt: the model file must end in .lp or .mps");
    sl_error_clear(&err);
}
