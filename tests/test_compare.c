/* test_compare.c - lib/compare.c: the clustering score, comparison.csv and
 * comparison.html, and `shanglou compare` agreeing with the individual
 * `shanglou plan` runs' summary.json. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/compare.h"
#include "input/scenario.h"
#include "support.h"

#define GONGGAI "../scenarios/gonggai.yaml"

static sl_scenario *load(const char *path)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(path, &err);
    cr_assert(sc);
    sl_error_clear(&err);
    return sc;
}

/* gonggai's links: med-rnd–med-device 1.0, med-rnd–pharma-form 1.0,
 * med-device–med-cold 0.5 …; bonuses 2000 (same building), 1000 (adjacent). */
Test(compare, clustering_score)
{
    sl_scenario *sc = load(GONGGAI);
    int rnd = sl_scenario_industry(sc, "med-rnd"), dev = sl_scenario_industry(sc, "med-device");
    int cold = sl_scenario_industry(sc, "med-cold"), gar = sl_scenario_industry(sc, "garment");
    sl_storey st[4] = {
        {SL_BLOCK_FACTORY, 1, dev, 6.0, 1000},
        {SL_BLOCK_FACTORY, 2, dev, 5.4, 1000},
        {SL_BLOCK_FACTORY, 3, cold, 7.0, 1000},
        {SL_BLOCK_OFFICE, 1, rnd, 4.5, 200},
    };
    sl_parcel_plan pp = {.redeveloped = true, .n_storeys = 4, .storeys = st};
    /* med-rnd & med-device in one building: 1.0 × 2000 (not adjacent: other
     * blocks); med-device & med-cold: 0.5 × (2000 + 1000), levels 2 and 3 */
    cr_assert_float_eq(sl_compare_clustering(sc, &pp), 2000 + 1500, 1e-9);
    st[2].industry = gar; /* garment has no link here */
    cr_assert_float_eq(sl_compare_clustering(sc, &pp), 2000, 1e-9);
    /* adjacency within the office block, either order, counted once */
    sl_storey so[3] = {{SL_BLOCK_FACTORY, 1, dev, 6.0, 1000},
                       {SL_BLOCK_FACTORY, 2, rnd, 4.5, 1000},
                       {SL_BLOCK_FACTORY, 3, dev, 5.4, 1000}};
    sl_parcel_plan p2 = {.redeveloped = true, .n_storeys = 3, .storeys = so};
    cr_assert_float_eq(sl_compare_clustering(sc, &p2), 3000, 1e-9);
    p2.redeveloped = false;
    cr_assert_float_eq(sl_compare_clustering(sc, &p2), 0, 1e-9, "kept parcels score 0");
    sl_scenario_destroy(sc);
}

Test(compare, csv_and_html)
{
    double g1[] = {100, 200, NAN}, g2[] = {150, 0, 50}, g3[] = {NAN, NAN, NAN};
    char *ids[] = {"a", "b,c", "d"}, *names[] = {"甲", "乙", "丙"};
    sl_compare_row rows[3] = {
        {.path = "x.yaml",
         .name = "x",
         .plan_rules = "after",
         .status = SL_PLAN_OPTIMAL,
         .stop_reason = SL_STOP_GAP,
         .has_plan = true,
         .has_bound = true,
         .parcels = 10,
         .candidates = 4,
         .redeveloped = 2,
         .current_gfa_m2 = 1000,
         .gfa_m2 = 5000,
         .gfa_gain_m2 = 4000,
         .clustering_m2eq = 2500,
         .objective = 6000.004,
         .bound = 6001,
         .gap = 0.0002,
         .gfa_by_industry_m2 = g1},
        /* a plan, but no bound proven: bound and gap empty, never 0 */
        {.path = "y.yaml",
         .name = "y \"new\"",
         .plan_rules = "cap40",
         .status = SL_PLAN_FEASIBLE,
         .stop_reason = SL_STOP_TIME_LIMIT,
         .has_plan = true,
         .parcels = 10,
         .candidates = 4,
         .redeveloped = 1,
         .objective = 10,
         .bound = NAN,
         .gap = NAN,
         .gfa_by_industry_m2 = g2},
        /* stopped before any plan: nothing measured */
        {.path = "z.yaml",
         .name = "z",
         .plan_rules = "after",
         .status = SL_PLAN_NO_PLAN,
         .stop_reason = SL_STOP_INTERRUPTED,
         .parcels = 10,
         .candidates = 4,
         .current_gfa_m2 = NAN,
         .gfa_m2 = NAN,
         .gfa_gain_m2 = NAN,
         .clustering_m2eq = NAN,
         .objective = NAN,
         .bound = NAN,
         .gap = NAN,
         .gfa_by_industry_m2 = g3},
    };
    sl_compare c = {3, rows, 3, ids, names, SL_LANG_EN};
    char *dir = t_tmpdir();
    char p[4200];
    snprintf(p, sizeof p, "%s/c.csv", dir);
    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_compare_write_csv(&c, p, &err), SL_OK);
    char *csv = t_slurp(p, NULL);
    cr_assert_str_eq(csv, "\xEF\xBB\xBF"
                          "scenario,file,plan_rules,status,stop_reason,parcels,candidates,"
                          "redeveloped,current_gfa_m2,gfa_m2,gfa_gain_m2,clustering_m2eq,"
                          "objective,bound,gap,gfa_a_m2,\"gfa_b,c_m2\",gfa_d_m2\r\n"
                          "x,x.yaml,after,optimal,gap,10,4,2,1000.00,5000.00,4000.00,2500.00,"
                          "6000.00,6001.00,0.0002,100.00,200.00,\r\n"
                          "\"y \"\"new\"\"\",y.yaml,cap40,feasible,time_limit,10,4,1,0.00,0.00,"
                          "0.00,0.00,10.00,,,150.00,0.00,50.00\r\n"
                          "z,z.yaml,after,no_plan,interrupted,10,4,,,,,,,,,,,\r\n");
    free(csv);
    snprintf(p, sizeof p, "%s/c.html", dir);
    cr_assert_eq(sl_compare_write_html(&c, p, &err), SL_OK);
    char *html = t_slurp(p, NULL);
    cr_assert(strstr(html, "Content-Security-Policy"));
    cr_assert(strstr(html, "y &quot;new&quot;"), "escaped");
    cr_assert(strstr(html, "丙 <small>d</small>"));
    cr_assert(strstr(html, "6,000"), "thousands separators");
    cr_assert(strstr(html, "<td>time_limit</td>"), "stop reason row");
    cr_assert(strstr(html, "<td>interrupted</td>"), "stop reason row");
    /* y's bound and gap, z's numbers: a dash, no bar, never 0 */
    const char *gap = strstr(html, "<th>gap %</th>");
    cr_assert(gap);
    cr_assert(strstr(gap, "<td class=\"n\">—</td><td class=\"n\">—</td></tr>"), "%.400s", gap);
    free(html);
    sl_error_clear(&err);
    t_rmtree(dir);
    free(dir);
}

/* The number after "key": in a JSON text (first occurrence). */
static double json_num(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    cr_assert(p, "%s in %s", key, json);
    return strtod(p + strlen(pat), NULL);
}

/* One CSV field (0-based) of the line that starts with `name,`. */
static double csv_field(const char *csv, const char *name, int field)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\n%s,", name);
    const char *p = strstr(csv, pat);
    cr_assert(p, "%s row", name);
    p++;
    for (int i = 0; i < field; i++)
        p = strchr(p, ',') + 1;
    return strtod(p, NULL);
}

/* compare agrees with the individual plan runs (same time limit): the
 * redeveloped count, GFA, objective and GFA per industry of each scenario's
 * summary.json, and clustering = objective − the GFA part. */
Test(compare, agrees_with_plan_summaries, .timeout = 600)
{
    t_run r = t_cli("plan", "--help", NULL);
    int have_plan = r.status == 0;
    t_run_free(&r);
    if (!have_plan)
        cr_skip_test("shanglou plan is not in this build");
    char *dir = t_tmpdir();
    const char *scen[] = {"../scenarios/gonggai.yaml", "../scenarios/old-rules.yaml"};
    const char *names[] = {"shahe-gonggai", "shahe-old-rules"};
    char cmp[4200];
    snprintf(cmp, sizeof cmp, "%s/cmp", dir);
    /* Every run stops on the gap, never on the clock, so compare and the
     * separate runs find the same plans (the search is deterministic until
     * a time limit cuts it). */
    r = t_cli("compare", scen[0], scen[1], "-o", cmp, "--gap", "0.05", "--time-limit", "120", "-q",
              NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char p[8800];
    snprintf(p, sizeof p, "%s/comparison.csv", cmp);
    char *csv = t_slurp(p, NULL);
    cr_assert(csv);
    for (int s = 0; s < 2; s++) {
        char out[4300];
        snprintf(out, sizeof out, "%s/plan%d", dir, s);
        r = t_cli("plan", scen[s], "-o", out, "--gap", "0.05", "--time-limit", "120", "-q", NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        t_run_free(&r);
        snprintf(p, sizeof p, "%s/summary.json", out);
        char *sum = t_slurp(p, NULL);
        cr_assert(sum);
        cr_assert_float_eq(csv_field(csv, names[s], 7), json_num(sum, "redeveloped"), 0.5,
                           "%s redeveloped", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], 9), json_num(sum, "gfa_m2"), 0.011, "%s gfa",
                           names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], 12), json_num(sum, "objective"), 0.011,
                           "%s objective", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], 13), json_num(sum, "bound"),
                           fmax(1, 1e-3 * fabs(json_num(sum, "bound"))), "%s bound", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], 15), json_num(sum, "med-rnd"), 0.011,
                           "%s med-rnd", names[s]);
        /* clustering is exactly the chain-link part of the objective:
         * objective = Σ GFA × priority − existing_value × GFA before + it */
        sl_scenario *sc = load(scen[s]);
        double value = -sc->existing_value * csv_field(csv, names[s], 8);
        for (int k = 0; k < sc->n_industries; k++)
            value += sc->industries[k].priority * csv_field(csv, names[s], 15 + k);
        cr_assert_float_eq(value + csv_field(csv, names[s], 11), json_num(sum, "objective"), 1,
                           "%s: GFA part %.2f + clustering %.2f", names[s], value,
                           csv_field(csv, names[s], 11));
        sl_scenario_destroy(sc);
        free(sum);
    }
    free(csv);
    t_rmtree(dir);
    free(dir);
}

/* Ctrl-C during compare: the scenario being solved keeps its best plan
 * (stop_reason interrupted), no further scenario runs, the comparison of
 * those solved so far is written, exit 0 (docs/outputs.md). */
Test(compare, sigint_writes_the_scenarios_so_far, .timeout = 300)
{
    char *dir = t_tmpdir();
    char cmp[4200], outp[4300], errp[4300];
    snprintf(cmp, sizeof cmp, "%s/cmp", dir);
    snprintf(outp, sizeof outp, "%s/out", dir);
    snprintf(errp, sizeof errp, "%s/err", dir);
    int status = -1;
    char *err = NULL, *csv = NULL;
    /* after 3 s the first scenario has a plan; on a busy machine maybe
     * not yet: then its row is no_plan, which is honest too */
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        if (chdir(SL_SRC "/tests") != 0)
            _exit(126);
        execl(SL_CLI, SL_CLI, "compare", GONGGAI, "../scenarios/old-rules.yaml", "-o", cmp, "--gap",
              "0", "--time-limit", "60", (char *)NULL);
        _exit(127);
    }
    nanosleep(&(struct timespec){3, 0}, NULL);
    kill(pid, SIGINT);
    int st = 0;
    waitpid(pid, &st, 0);
    status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    err = t_slurp(errp, NULL);
    cr_assert_eq(status, 0, "exit %d: %s", status, err);
    cr_assert(strstr(err, "compare: interrupted: the comparison holds the 1 of 2 scenarios"), "%s",
              err);
    char p[4300];
    snprintf(p, sizeof p, "%s/comparison.csv", cmp);
    csv = t_slurp(p, NULL);
    cr_assert(csv, "no %s", p);
    int lines = 0;
    for (const char *c = csv; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 2, "the header and one scenario: %s", csv);
    cr_assert(strstr(csv, "\nshahe-gonggai,"), "%s", csv);
    cr_assert(strstr(csv, ",interrupted,"), "%s", csv);
    cr_assert_null(strstr(csv, "shahe-old-rules"), "%s", csv);
    free(csv);
    free(err);
    t_rmtree(dir);
    free(dir);
}
