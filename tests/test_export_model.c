/* test_export_model.c - lib/plan/export_model.c: the compact MIP, solved
 * by Debian's glpsol, gives a plan that the independent layout checker
 * accepts, with the objective the checker recomputes from the storeys; its
 * optimum is worked out by hand on tiny zones (rules 14 and 15: chains per
 * building, shared services, contiguous tenants) and equals the brute
 * force's (tests/plan/brute.c) and the optimizer's on small random zones. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "input/scenario.h"
#include "support.h"
#include "eval/evaluate.h"
#include "plan/brute.h"
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
    /* a directory that does not exist: named as asked, with the reason,
     * and nothing left behind */
    snprintf(bad, sizeof bad, "%s/no-such-dir/m.mps", dir);
    r = t_cli("export-model", "plan/one-parcel.yaml", "-o", bad, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, bad) && strstr(r.err, "cannot write: No such file or directory") &&
                  !strstr(r.err, ".tmp-"),
              "%s", r.err);
    t_run_free(&r);
    r = t_sh("glpsol --lp %s | grep -c 'INTEGER OPTIMAL'; ls -A %s", lp, dir);
    cr_assert_str_eq(r.out, "1\nm.lp\nm.mps\n", "%s", r.out);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* The disk fills up while the model is written: exit 1, a message naming
 * the file asked for (not the temporary one beside it), nothing left. */
Test(export, disk_full, .timeout = 120)
{
    char *dir = t_tmpfs_dir("64k");
    if (!dir)
        cr_skip_test("cannot mount a tmpfs here");
    char out[4200];
    snprintf(out, sizeof out, "%s/mnt/m.mps", dir);
    t_run r = t_cli("export-model", "../scenarios/gonggai.yaml", "-o", out, NULL);
    t_run m = t_sh("ls -A %s/mnt; umount %s/mnt", dir, dir);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[4400];
    snprintf(want, sizeof want, "%s: cannot write the model (is the disk full?)", out);
    cr_assert(strstr(r.err, want) && !strstr(r.err, ".tmp-"), "%s", r.err);
    cr_assert_str_eq(m.out, "", "nothing left: %s", m.out);
    t_run_free(&m);
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

/* The zone's exported LP model solved by glpsol: its optimum, NAN when
 * glpsol finds no integer optimum (infeasible). */
static double exported_optimum(const sl_zone *z)
{
    char *dir = t_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/m.lp", dir);
    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_plan_export_model(z, path, &err), SL_OK, "%s", errtext(&err));
    sl_error_clear(&err);
    double v = glpsol_lp_optimum(dir);
    t_rmtree(dir);
    free(dir);
    return v;
}

/* The industries of the factory block of parcel 0 in the solution read
 * back by solve_exported, bottom up, as their ids joined by spaces. */
static const char *factory_stack(const sl_zone *z, const solved *s)
{
    static char buf[512];
    buf[0] = '\0';
    const sl_parcel_plan *pp = &s->pp[0];
    for (int k = 0; k < pp->n_storeys; k++)
        if (pp->storeys[k].block == SL_BLOCK_FACTORY)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? " " : "",
                     z->sc->industries[pp->storeys[k].industry].id);
    return buf;
}

/* The hand-checked zone: one 1 ha candidate parcel with nothing built
 * today and 8000 m² inside the setback, so T = 0.6 A = 6000 m²,
 * F_o = 0.07 A = 700 m² and F_f = 5300 m²; the FAR cap 3 A = 30000 m²
 * holds 5 factory storeys (26500 m²; a sixth would make 31800), and so
 * does a 24 m factory block (6 + 4 × 4.5 m).  The office block is capped
 * at 4 m: no storey fits there (which keeps the brute force quick).
 * Version 2 defaults: one chain per building, contiguous tenants. */
static void hand_zone(tz *t)
{
    tz_init(t);
    t->rules.factory_height_max_m = 24;
    t->rules.office_height_max_m = 4;
    t->sc.chains_per_building_max = 1;
    tz_parcel(t, "P", 10000, 0, 8000);
    cr_assert_float_eq(t->par[0].plan_fp.factory_m2, 5300, 1e-6);
    cr_assert_float_eq(t->par[0].plan_fp.office_m2, 700, 1e-6);
}

static int hand_ind(tz *t, const char *id, const char *chain, double priority)
{
    int i = tz_ind(t, id, SL_KIND_PRODUCTION, 4.5, priority);
    t->ind[i].chain = (char *)chain;
    t->ind[i].contiguous = true;
    return i;
}

/* The optimizer's objective on the zone (its plan accepted by the
 * checker), NAN when it proves the zone infeasible. */
static double plan_optimum(const sl_zone *z, const char *what)
{
    sl_error err;
    sl_error_init(&err);
    sl_plan_options o;
    sl_plan_options_init(&o, z->sc);
    sl_plan *p = NULL;
    cr_assert_eq(sl_plan_solve(z, &o, &p, &err), SL_OK, "%s: %s", what, errtext(&err));
    double v = NAN;
    if (p->status != SL_PLAN_INFEASIBLE) {
        cr_assert_eq(p->status, SL_PLAN_OPTIMAL, "%s: status %s", what,
                     sl_plan_status_name(p->status));
        cr_assert_eq(sl_plan_check(z, p, &err), SL_OK, "%s: %s", what, errtext(&err));
        v = p->objective;
    }
    sl_plan_destroy(p);
    sl_error_clear(&err);
    return v;
}

/* The exported model (glpsol), the brute force and the optimizer all
 * reach `want`. */
static void expect_optimum(tz *t, double want, const char *what)
{
    double g = exported_optimum(&t->z);
    double b = bf_zone(&t->z);
    double o = plan_optimum(&t->z, what);
    cr_assert_float_eq(g, want, 1e-6, "%s: glpsol %.4f, want %.4f", what, g, want);
    cr_assert_float_eq(b, want, 1e-6, "%s: brute force %.4f, want %.4f", what, b, want);
    cr_assert(fabs(o - want) <= 1e-6 * fmax(1, want), "%s: sl_plan_solve %.4f, want %.4f", what, o,
              want);
}

/* Rule 14.  med (chain 医药健康, priority 1.2) and dig (chain 数字信息, 1.0),
 * linked.  One chain per building: five med storeys, 5 × 5300 × 1.2 =
 * 31800 (all dig would be 26500).  Two chains, or no limit: four med
 * storeys and one dig with the link's bonuses, 4 × 6360 + 5300 + 2000 +
 * 1000 = 33740. */
Test(export, two_chains_in_one_building_only_when_allowed, .timeout = 60)
{
    tz t;
    hand_zone(&t);
    int med = hand_ind(&t, "med", "医药健康", 1.2);
    int dig = hand_ind(&t, "dig", "数字信息", 1.0);
    tz_link(&t, med, dig, 1.0);
    expect_optimum(&t, 31800, "K = 1");
    solved s;
    solve_exported(&t.z, "mps", &s);
    cr_assert_float_eq(s.objective, 31800, 1e-6);
    cr_assert_str_eq(factory_stack(&t.z, &s), "med med med med med");
    solved_free(&s, t.z.n);
    t.sc.chains_per_building_max = 2;
    expect_optimum(&t, 33740, "K = 2");
    t.sc.chains_per_building_max = 0;
    expect_optimum(&t, 33740, "K = 0 (no limit)");
    /* Without a chain, each industry is a chain of its own: still two. */
    t.sc.chains_per_building_max = 1;
    t.ind[med].chain = NULL;
    t.ind[dig].chain = NULL;
    expect_optimum(&t, 31800, "K = 1, no chain labels");
    /* One chain label for both: one park, the bonus allowed. */
    t.ind[med].chain = (char *)"医药健康";
    t.ind[dig].chain = (char *)"医药健康";
    expect_optimum(&t, 33740, "K = 1, one chain");
}

/* Rules 14 and 15 with a shared service.  med (chain 医药健康) and dig
 * (chain 数字信息), and a canteen (priority 1 like the others), all three
 * linked pairwise with weight 1.  One chain per building:
 * - canteen shared: med (or dig) with the canteen, 26500 + 2000 + 1000 =
 *   29500;
 * - canteen not shared: it is a third chain, so one industry alone, 26500.
 * Two chains per building: all three, 26500 + 3 × 2000 plus the adjacency
 * bonuses: contiguous tenants are three runs, two adjacencies (34500);
 * tenants that may split take all three (med canteen dig med med: 35500). */
Test(export, shared_canteen_in_a_themed_building, .timeout = 60)
{
    tz t;
    hand_zone(&t);
    int med = hand_ind(&t, "med", "医药健康", 1.0);
    int dig = hand_ind(&t, "dig", "数字信息", 1.0);
    int can = hand_ind(&t, "canteen", "配套", 1.0);
    t.ind[can].shared = true;
    tz_link(&t, med, can, 1.0);
    tz_link(&t, dig, can, 1.0);
    tz_link(&t, med, dig, 1.0);
    expect_optimum(&t, 29500, "K = 1, canteen shared");
    solved s;
    solve_exported(&t.z, "lp", &s);
    const char *st = factory_stack(&t.z, &s);
    cr_assert(strstr(st, "canteen") && (strstr(st, "med") != NULL) != (strstr(st, "dig") != NULL),
              "%s", st);
    solved_free(&s, t.z.n);
    t.ind[can].shared = false;
    expect_optimum(&t, 26500, "K = 1, canteen not shared");
    t.ind[can].shared = true;
    t.sc.chains_per_building_max = 2;
    expect_optimum(&t, 34500, "K = 2, contiguous");
    for (int i = 0; i < 3; i++)
        t.ind[i].contiguous = false;
    expect_optimum(&t, 35500, "K = 2, not contiguous");
}

/* Rule 15.  A 17 m factory block; a (6 m storeys, floor load 5) and b
 * (4.5 m, floor load 14: levels 1 and 2 only, the caps being 25, 15, 12),
 * with exactly one storey of b zone-wide (demand 5300 m², min = max).
 * Three storeys fit only as a b a (6 + 4.5 + 6 = 16.5 m; b a a is 18 m,
 * a a b puts b on level 3, b b a has two storeys of b): value 3 × 5300 =
 * 15900.  When a is contiguous that is refused
 * and the best is two storeys (a b or b a): 10600. */
Test(export, contiguous_tenant_not_split, .timeout = 60)
{
    tz t;
    hand_zone(&t);
    t.rules.factory_height_max_m = 17;
    int a = hand_ind(&t, "a", "chain", 1.0);
    int b = hand_ind(&t, "b", "chain", 1.0);
    t.ind[a].floor_height_m = 6.0;
    t.ind[b].floor_load_kN_m2 = 14;
    t.ind[b].demand_min_m2 = 5300;
    t.ind[b].demand_max_m2 = 5300;
    t.ind[a].contiguous = false;
    expect_optimum(&t, 15900, "a may split");
    solved s;
    solve_exported(&t.z, "lp", &s);
    cr_assert_str_eq(factory_stack(&t.z, &s), "a b a");
    solved_free(&s, t.z.n);
    t.ind[a].contiguous = true;
    expect_optimum(&t, 10600, "a contiguous");
    solve_exported(&t.z, "mps", &s);
    cr_assert_float_eq(s.objective, 10600, 1e-6);
    const char *st = factory_stack(&t.z, &s);
    cr_assert(strcmp(st, "a b") == 0 || strcmp(st, "b a") == 0, "%s", st);
    solved_free(&s, t.z.n);
}

/* A tiny random zone for version 2 (seeded): two parcels, four industries
 * (assy, lab, canteen, store), factory blocks of at most 4 storeys
 * (20.5 m: 6 + 5.4 + 4.5 + 4.5), office blocks of at most 2 (lab only),
 * so that the brute force enumerates every pair of stacks.  The seed
 * chooses chains (the canteen and the store shared or not, lab in assy's
 * chain or another, the store without a chain), contiguous tenants or not,
 * 0, 1 or 2 chains per building, the FAR cap, a large adjacency bonus on a
 * triangle of links (a split tenant, assy lab canteen assy, then collects
 * all three; a fourth link, store - assy, sometimes makes a contiguous
 * path as good), a vibration source, today's floor space, a pin, and demand
 * ranges: assy may have at most about one and a half factory storeys of
 * the first parcel, far below what the parcels could hold; sometimes the
 * canteen must have one storey; sometimes the parcels are neighbours with
 * a neighbour chain bonus of 3000, 6000 or 9000. */
static void v2_zone(tz *t, unsigned seed)
{
    unsigned long long s = seed * 0x9E3779B97F4A7C15ull + 7;
#define RND(n) ((s = s * 6364136223846793005ull + 1442695040888963407ull), (int)((s >> 33) % (n)))
    tz_init(t);
    t->rules.factory_height_max_m = 20.5;
    t->rules.office_height_max_m = 8.4;
    t->rules.far_max = RND(2) ? 3.0 : 2.0;
    t->rules.office_gfa_share_max = 0.2;
    t->sc.chains_per_building_max = RND(3);
    t->sc.adjacent_floor_bonus_m2 = RND(2) ? 6000 : 1000;
    static const char *ids[] = {"assy", "lab", "canteen", "store"};
    static const sl_kind kinds[] = {SL_KIND_PRODUCTION, SL_KIND_RND, SL_KIND_PRODUCTION,
                                    SL_KIND_WAREHOUSE};
    static const double fh[] = {4.5, 4.2, 4.5, 5.4};
    for (int i = 0; i < 4; i++) {
        int k = tz_ind(t, ids[i], kinds[i], fh[i], 1.0 + RND(6) / 10.0);
        t->ind[k].contiguous = RND(3) != 0;
    }
    t->ind[0].chain = (char *)"医药健康";
    t->ind[1].chain = (char *)(RND(2) ? "医药健康" : "数字信息");
    t->ind[2].chain = (char *)"配套";
    t->ind[2].shared = RND(3) != 0;
    t->ind[3].chain = RND(2) ? (char *)"物流" : NULL;
    t->ind[3].shared = RND(4) == 0;
    t->ind[3].floor_load_kN_m2 = 14; /* levels 1 and 2 only */
    if (RND(3) == 0) {
        t->ind[3].vibration = SL_VIB_SOURCE;
        t->ind[1].vibration = SL_VIB_SENSITIVE;
    }
    tz_link(t, 0, 1, 1.0);
    tz_link(t, 1, 2, 0.5 + RND(3) / 2.0);
    tz_link(t, 2, 0, 1.0);
    if (RND(2))
        tz_link(t, 3, 0, 1.5);
    static const char *pids[] = {"A", "B"};
    for (int k = 0; k < 2; k++) {
        double area = 5000 + 1000 * RND(6);
        tz_parcel(t, pids[k], area, area * RND(9) / 10.0, area * 0.8);
    }
    if (RND(4) != 0)
        t->ind[0].demand_max_m2 = 1.5 * t->par[0].plan_fp.factory_m2;
    if (RND(3) == 0)
        t->ind[2].demand_min_m2 = t->par[1].plan_fp.factory_m2;
    if (RND(5) == 0)
        tz_pin(t, "B", 3, 1000, 0);
    if (RND(2)) {
        /* neighbours across a street: the neighbour chain bonus */
        static int nb_start[] = {0, 1, 2}, nb[] = {1, 0};
        t->z.nb_start = nb_start;
        t->z.nb = nb;
        t->sc.neighbour_chain_bonus_m2 = 3000 * (1 + RND(3));
    }
#undef RND
}

/* The brute force's optimum of v2_zone(seed) with one rule switched off:
 * 14 (what = 0), 15 (1), the demand maxima (2) or the neighbour chain
 * bonus (3). */
static double bf_without(unsigned seed, int what)
{
    tz u;
    v2_zone(&u, seed);
    if (what == 0)
        u.sc.chains_per_building_max = 0;
    if (what == 3)
        u.sc.neighbour_chain_bonus_m2 = 0;
    for (int i = 0; i < u.sc.n_industries; i++) {
        if (what == 1)
            u.ind[i].contiguous = false;
        if (what == 2)
            u.ind[i].demand_max_m2 = INFINITY;
    }
    return bf_zone(&u.z);
}

/* glpsol on the exported model, the brute force and the optimizer agree
 * on tiny random zones with every rule of version 2 switched on; each of
 * rules 14, 15, the demand maxima and the neighbour chain bonus changes
 * the optimum of several of them (else the zones would not test it). */
Test(export, glpsol_brute_force_and_optimizer_agree_v2, .timeout = 60)
{
    int binds[4] = {0, 0, 0, 0};
    for (unsigned seed = 1; seed <= 24; seed++) {
        tz t;
        v2_zone(&t, seed);
        double b = bf_zone(&t.z);
        double g = exported_optimum(&t.z);
        char what[32];
        snprintf(what, sizeof what, "seed %u", seed);
        double o = plan_optimum(&t.z, what);
        if (isinf(b)) {
            cr_assert(isnan(g), "seed %u: glpsol finds %.4f, the brute force nothing", seed, g);
            cr_assert(isnan(o), "seed %u: sl_plan_solve finds %.4f, the brute force nothing", seed,
                      o);
            continue;
        }
        cr_assert(fabs(g - b) <= 1e-6 * fmax(1, fabs(b)), "seed %u: glpsol %.4f, brute force %.4f",
                  seed, g, b);
        cr_assert(fabs(o - b) <= 1e-6 * fmax(1, fabs(b)),
                  "seed %u: sl_plan_solve %.4f, brute force %.4f", seed, o, b);
        for (int w = 0; w < 4; w++)
            binds[w] += w < 3 ? bf_without(seed, w) > b + 1e-6 : bf_without(seed, w) < b - 1e-6;
    }
    cr_assert(binds[0] >= 3 && binds[1] >= 3 && binds[2] >= 3 && binds[3] >= 3,
              "rule 14 binds in %d zones, rule 15 in %d, demand maxima in %d, the neighbour "
              "bonus counts in %d",
              binds[0], binds[1], binds[2], binds[3]);
}

/* Nodes branch and price reported solving, and how many of them it split
 * by a GFA range (its trace line, options.verbose). */
typedef struct bp_count {
    int nodes, ranged;
} bp_count;

static void count_bp(void *user, sl_log_level level, const char *msg)
{
    (void)level;
    bp_count *c = user;
    int n, r;
    if (sscanf(msg, "plan: branch and price: %d nodes solved (%d split by a GFA range)", &n, &r) ==
        2) {
        c->nodes += n;
        c->ranged += r;
    }
}

/* Branch and price alone (options.tree_only: no integer master, no
 * enumeration) reaches the brute force's optimum with gap 0 on the tiny
 * version-2 zones made one chain per building, and proves it (status
 * optimal: the tree resolved).  Across the zones it splits nodes by both
 * rules, so both are tested. */
Test(export, branch_and_price_alone_reaches_the_optimum, .timeout = 120)
{
    bp_count cnt = {0, 0};
    int with_plan = 0;
    for (unsigned seed = 1; seed <= 24; seed++) {
        tz t;
        v2_zone(&t, seed);
        t.sc.chains_per_building_max = 1;
        double b = bf_zone(&t.z);
        if (isinf(b))
            continue;
        sl_error err;
        sl_error_init(&err);
        sl_plan_options o;
        sl_plan_options_init(&o, &t.sc);
        o.tree_only = true;
        o.gap = 0;
        o.time_limit_s = 60;
        o.verbose = true;
        o.log = count_bp;
        o.log_user_data = &cnt;
        sl_plan *p = NULL;
        cr_assert_eq(sl_plan_solve(&t.z, &o, &p, &err), SL_OK, "seed %u: %s", seed, errtext(&err));
        cr_assert_eq(p->status, SL_PLAN_OPTIMAL, "seed %u: status %s", seed,
                     sl_plan_status_name(p->status));
        cr_assert(fabs(p->objective - b) <= 1e-6 * fmax(1, fabs(b)),
                  "seed %u: branch and price %.4f, brute force %.4f", seed, p->objective, b);
        cr_assert_eq(sl_plan_check(&t.z, p, &err), SL_OK, "seed %u: %s", seed, errtext(&err));
        sl_plan_destroy(p);
        sl_error_clear(&err);
        with_plan++;
    }
    cr_assert(with_plan >= 12, "only %d zones have a plan", with_plan);
    cr_assert(cnt.nodes > cnt.ranged && cnt.ranged > 0,
              "%d nodes solved, %d split by a GFA range: both rules should be used", cnt.nodes,
              cnt.ranged);
}

/* The neighbour chain bonus.  Two parcels like the one above (5300 m²
 * factory floors, 5 storeys each), neighbours; med (chain 医药健康,
 * priority 1.0) and dig (chain 数字信息, 1.1) with at most one building's
 * worth of dig (26500 m²), one chain per building.  Without the bonus: one
 * building of dig and one of med, 29150 + 26500 = 55650.  With 3000 for
 * neighbours of one chain: both med, 53000 + 3000 = 56000.  A shared
 * canteen (priority 1.2, med and dig now unwanted) earns no bonus: both
 * buildings full of it, 2 × 26500 × 1.2 = 63600; were it not shared, it
 * would be a chain on both sides: 66600. */
Test(export, neighbour_chain_bonus_by_hand, .timeout = 60)
{
    tz t;
    hand_zone(&t);
    tz_parcel(&t, "Q", 10000, 0, 8000);
    int med = hand_ind(&t, "med", "医药健康", 1.0);
    int dig = hand_ind(&t, "dig", "数字信息", 1.1);
    t.ind[dig].demand_max_m2 = 26500;
    static int nb_start[] = {0, 1, 2}, nb[] = {1, 0};
    t.z.nb_start = nb_start;
    t.z.nb = nb;
    expect_optimum(&t, 55650, "no bonus");
    t.sc.neighbour_chain_bonus_m2 = 3000;
    expect_optimum(&t, 56000, "bonus 3000");
    solved s;
    solve_exported(&t.z, "lp", &s);
    cr_assert_str_eq(factory_stack(&t.z, &s), "med med med med med");
    solved_free(&s, t.z.n);
    t.z.nb_start = NULL;
    t.z.nb = NULL;
    expect_optimum(&t, 55650, "bonus 3000, not neighbours");
    t.z.nb_start = nb_start;
    t.z.nb = nb;
    int can = hand_ind(&t, "canteen", "配套", 1.2);
    t.ind[can].shared = true;
    t.ind[med].demand_max_m2 = 0;
    t.ind[dig].demand_max_m2 = 0;
    expect_optimum(&t, 63600, "shared canteen");
    t.ind[can].shared = false;
    expect_optimum(&t, 66600, "canteen not shared");
}

/* plan.exclude keeps a parcel as it is: of two parcels like the one above
 * (one industry, priority 1), only P is rebuilt: 26500.  A pin on the
 * excluded parcel, or on one that is not a candidate, cannot hold: the
 * model is infeasible (as the brute force says). */
Test(export, excluded_parcels_and_pins_that_cannot_hold, .timeout = 60)
{
    tz t;
    hand_zone(&t);
    tz_parcel(&t, "Q", 10000, 0, 8000);
    int med = hand_ind(&t, "med", "医药健康", 1.0);
    char *excl[] = {(char *)"Q"};
    t.sc.exclude = excl;
    t.sc.n_exclude = 1;
    cr_assert_float_eq(exported_optimum(&t.z), 26500, 1e-6);
    cr_assert_float_eq(bf_zone(&t.z), 26500, 1e-6);
    tz_pin(&t, "Q", med, 1000, 0);
    cr_assert(isnan(exported_optimum(&t.z)));
    cr_assert(isinf(bf_zone(&t.z)));
    t.sc.n_exclude = 0;
    expect_optimum(&t, 53000, "pinned, not excluded");
    t.par[1].status = SL_PARCEL_NOT_CANDIDATE;
    cr_assert(isnan(exported_optimum(&t.z)));
    cr_assert(isinf(bf_zone(&t.z)));
    cr_assert(isnan(plan_optimum(&t.z, "pin on a parcel that is not a candidate")));
}

/* Neighbours found in a parcel source: three 100 m squares in EPSG:4547 on
 * one row, A and B 29 m apart, B and C 31 m, all themed c1; the model has
 * the bonus of A and B only (3000), and glpsol's optimum equals the
 * optimizer's. */
Test(export, neighbours_of_a_parcel_source, .timeout = 60)
{
    static const char *geo =
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
        "\"urn:ogc:def:crs:EPSG::4547\"}},\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"ID\":\"A\",\"LU\":\"M1\",\"FAR\":0.5},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[590000,2860000],[590100,2860000],"
        "[590100,2860100],[590000,2860100],[590000,2860000]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"ID\":\"B\",\"LU\":\"M1\",\"FAR\":0.5},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[590129,2860000],[590229,2860000],"
        "[590229,2860100],[590129,2860100],[590129,2860000]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"ID\":\"C\",\"LU\":\"M1\",\"FAR\":0.5},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[590260,2860000],[590360,2860000],"
        "[590360,2860100],[590260,2860100],[590260,2860000]]]}}]}";
    static const char *scen = "name: nb\n"
                              "parcels:\n"
                              "  source: zone.geojson\n"
                              "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
                              "  industrial_land_uses: [M1]\n"
                              "rules:\n"
                              "  after: {far_max: 3.0}\n"
                              "industries:\n"
                              "  - {id: prod, chain: c1, kind: production, floor_height_m: 5.4,\n"
                              "     floor_load_kN_m2: 8, lift_t: 2}\n";
    char *dir = t_tmpdir();
    free(t_write(dir, "zone.geojson", geo));
    char *path = t_write(dir, "s.yaml", scen);
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(path, &err);
    cr_assert(sc, "%s", errtext(&err));
    sc->neighbour_chain_bonus_m2 = 3000;
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    cr_assert_eq(sl_zone_neighbours(z, 30, &err), SL_OK);
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/m.lp", dir);
    cr_assert_eq(sl_plan_export_model(z, lp, &err), SL_OK, "%s", errtext(&err));
    t_run r = t_sh("grep -c '^ *nb_p0_q1_c0_p:' '%s'; grep -c 'nb_p1_q2' '%s'", lp, lp);
    cr_assert_str_eq(r.out, "1\n0\n");
    t_run_free(&r);
    double g = exported_optimum(z);
    double o = plan_optimum(z, "three squares");
    cr_assert(fabs(g - o) <= 1e-6 * fmax(1, fabs(o)), "glpsol %.4f, sl_plan_solve %.4f", g, o);
    /* the bonus counts: without neighbours, 3000 less */
    free(z->nb_start);
    free(z->nb);
    z->nb_start = z->nb = NULL;
    cr_assert_float_eq(exported_optimum(z), g - 3000, 1e-6);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    free(path);
    t_rmtree(dir);
    free(dir);
}
