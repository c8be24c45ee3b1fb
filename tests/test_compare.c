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
         .gfa_by_industry_m2 = g1,
         .has_economics = true,
         .capex_cny = 2e7,
         .noi_cny_year = 5e5,
         .tax_cny_year = 1.5e6,
         .npv_cny = 3e6,
         .payback_years = 10,
         .tax_per_mu_before_cny = 5e4,
         .tax_per_mu_after_cny = 2.1e5,
         .grades_before = {0, 1, 2, 1, 0},
         .grades_after = {0, 3, 1, 0, 0},
         .has_phasing = true,
         .phasing_status = SL_PLAN_OPTIMAL,
         .phasing_stop_reason = SL_STOP_GAP,
         .phasing_objective = 2.5e6,
         .phasing_bound = 2500100,
         .phasing_gap = 4e-5,
         .parcels_started = 2,
         .first_start_year = 2027,
         .last_start_year = 2029,
         .last_in_use_year = 2031},
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
         .gfa_by_industry_m2 = g2,
         .capex_cny = NAN,
         .noi_cny_year = NAN,
         .tax_cny_year = NAN,
         .npv_cny = NAN,
         .payback_years = NAN,
         .tax_per_mu_before_cny = NAN,
         .tax_per_mu_after_cny = NAN,
         .grades_before = {-1, -1, -1, -1, -1},
         .grades_after = {-1, -1, -1, -1, -1},
         .phasing_objective = NAN,
         .phasing_bound = NAN,
         .phasing_gap = NAN},
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
         .gfa_by_industry_m2 = g3,
         .has_economics = true,
         .capex_cny = NAN,
         .noi_cny_year = NAN,
         .tax_cny_year = NAN,
         .npv_cny = NAN,
         .payback_years = NAN,
         .tax_per_mu_before_cny = 9e4,
         .tax_per_mu_after_cny = NAN,
         .grades_before = {0, 2, 1, 1, 0},
         .grades_after = {-1, -1, -1, -1, -1},
         .phasing_objective = NAN,
         .phasing_bound = NAN,
         .phasing_gap = NAN},
    };
    sl_compare c = {3, rows, 3, ids, names};
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
                          "objective,bound,gap,capex_cny,noi_cny_year,tax_cny_year,npv_cny,"
                          "payback_years,tax_per_mu_before_cny,tax_per_mu_after_cny,"
                          "grades_before_A,grades_before_B,grades_before_C,grades_before_D,"
                          "grades_after_A,grades_after_B,grades_after_C,grades_after_D,"
                          "phasing_status,phasing_stop_reason,phasing_objective,phasing_bound,"
                          "phasing_gap,parcels_started,first_start_year,last_start_year,"
                          "last_in_use_year,gfa_a_m2,\"gfa_b,c_m2\",gfa_d_m2\r\n"
                          "x,x.yaml,after,optimal,gap,10,4,2,1000.00,5000.00,4000.00,2500.00,"
                          "6000.00,6001.00,0.0002,"
                          "20000000.00,500000.00,1500000.00,3000000.00,10.00,50000.00,"
                          "210000.00,1,2,1,0,3,1,0,0,"
                          "optimal,gap,2500000.00,2500100.00,4e-05,2,2027,2029,2031,"
                          "100.00,200.00,\r\n"
                          "\"y \"\"new\"\"\",y.yaml,cap40,feasible,time_limit,10,4,1,0.00,0.00,"
                          "0.00,0.00,10.00,,,"
                          /* no economics, no phasing: empty, never 0 */
                          ",,,,,,,,,,,,,,,,,,,,,,,,"
                          "150.00,0.00,50.00\r\n"
                          "z,z.yaml,after,no_plan,interrupted,10,4,,,,,,,,,"
                          /* economics without a plan: today's values only */
                          ",,,,,90000.00,,2,1,1,0,,,,,"
                          ",,,,,,,,,,,\r\n");
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
    /* economics and phasing side by side, a dash where a scenario has none */
    const char *money = strstr(html, "<h2>经济测算 Economics</h2>");
    cr_assert(money, "economics table");
    const char *capex = strstr(money, "<th>capex 投资 万元</th>");
    cr_assert(capex);
    cr_assert(strstr(capex, "<td class=\"n\">2,000<div class=\"bar\">"), "%.300s", capex);
    const char *ga = strstr(money, "<th>grade A before → after</th>");
    cr_assert(ga);
    cr_assert(strstr(ga, "<th>grade A before → after</th><td class=\"n\">1 → 3</td><td "
                         "class=\"n\">—</td><td class=\"n\">2 → —</td></tr>"),
              "%.300s", ga);
    const char *ph = strstr(html, "<h2>分期 Phasing");
    cr_assert(ph, "phasing table");
    cr_assert(strstr(ph, "<th>status</th><td>optimal</td><td>—</td><td>—</td></tr>"), "%.300s", ph);
    cr_assert(strstr(ph, "<th>last in use 全部投用年</th><td class=\"n\">2031</td><td "
                         "class=\"n\">—</td><td class=\"n\">—</td></tr>"),
              "%.500s", ph);
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

/* The 0-based index of column `col` in the CSV's header (no quoted
 * names before it). */
static int csv_column(const char *csv, const char *col)
{
    const char *eol = strstr(csv, "\r\n");
    size_t n = strlen(col);
    int k = 0;
    for (const char *p = csv + 3; p < eol; k++) { /* after the BOM */
        const char *e = strpbrk(p, ",\r");
        if ((size_t)(e - p) == n && strncmp(p, col, n) == 0)
            return k;
        p = e + 1;
    }
    cr_assert_fail("no column %s in %.*s", col, (int)(eol - csv), csv);
    return -1;
}

/* The text of column `col` of the row that starts with `name,` (heap). */
static char *csv_text(const char *csv, const char *name, const char *col)
{
    int field = csv_column(csv, col);
    char pat[128];
    snprintf(pat, sizeof pat, "\n%s,", name);
    const char *p = strstr(csv, pat);
    cr_assert(p, "%s row", name);
    p++;
    for (int i = 0; i < field; i++)
        p = strchr(p, ',') + 1;
    size_t len = strcspn(p, ",\r");
    char *t = malloc(len + 1);
    cr_assert(t);
    memcpy(t, p, len);
    t[len] = '\0';
    return t;
}

/* The number in column `col` of the row of `name`. */
static double csv_field(const char *csv, const char *name, const char *col)
{
    char *t = csv_text(csv, name, col);
    cr_assert(*t, "%s: %s is empty", name, col);
    double v = strtod(t, NULL);
    free(t);
    return v;
}

/* The number after "key": inside the JSON object "block": {...}. */
static double json_num_in(const char *json, const char *block, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": {", block);
    const char *p = strstr(json, pat);
    cr_assert(p, "%s in %s", block, json);
    return json_num(p + strlen(pat) - 1, key);
}

/* compare agrees with the individual plan runs (same time limit): the
 * redeveloped count, GFA, objective and GFA per industry of each scenario's
 * summary.json, its economics and its phasing, and clustering = objective −
 * the GFA part.  A third scenario without economics and phasing has those
 * cells empty. */
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
    /* gonggai.yaml without its last two sections, economics and phasing */
    r = t_sh("sed '/^economics:/,$d; s|^name: .*|name: bare|; s|source: ../geodata|source: "
             "%s/geodata|' %s/scenarios/gonggai.yaml > %s/bare.yaml",
             SL_SRC, SL_SRC, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char bare[4300];
    snprintf(bare, sizeof bare, "%s/bare.yaml", dir);
    r = t_cli("compare", scen[0], scen[1], bare, "-o", cmp, "--gap", "0.05", "--time-limit", "120",
              NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* the lines on stdout: money and phasing where the scenario has them */
    const char *line = strstr(r.out, "shahe-gonggai: ");
    cr_assert(line, "%s", r.out);
    cr_assert(strstr(line, "; capex ") && strstr(line, " CNY, NPV ") && strstr(line, "; phasing "),
              "%s", r.out);
    line = strstr(r.out, "\nbare: ");
    cr_assert(line, "%s", r.out);
    char bare_line[1024];
    snprintf(bare_line, sizeof bare_line, "%.*s", (int)strcspn(line + 1, "\n"), line + 1);
    cr_assert(!strstr(bare_line, "capex") && !strstr(bare_line, "phasing"), "%s", bare_line);
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
        cr_assert_float_eq(csv_field(csv, names[s], "redeveloped"), json_num(sum, "redeveloped"),
                           0.5, "%s redeveloped", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "gfa_m2"), json_num(sum, "gfa_m2"), 0.011,
                           "%s gfa", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "objective"), json_num(sum, "objective"), 0.011,
                           "%s objective", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "bound"), json_num(sum, "bound"),
                           fmax(1, 1e-3 * fabs(json_num(sum, "bound"))), "%s bound", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "gfa_med-rnd_m2"), json_num(sum, "med-rnd"),
                           0.011, "%s med-rnd", names[s]);
        /* economics (both extend gonggai.yaml's section): the summary's block */
        static const char *const money[] = {
            "capex_cny", "noi_cny_year",          "tax_cny_year",
            "npv_cny",   "tax_per_mu_before_cny", "tax_per_mu_after_cny"};
        for (int k = 0; k < 6; k++) {
            double want = json_num_in(sum, "economics", money[k]);
            cr_assert_float_eq(csv_field(csv, names[s], money[k]), want,
                               fmax(0.011, 1e-9 * fabs(want)), "%s %s", names[s], money[k]);
        }
        cr_assert_float_eq(csv_field(csv, names[s], "grades_after_A"),
                           json_num_in(sum, "grades_after", "A"), 0.5, "%s grade A", names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "grades_before_D"),
                           json_num_in(sum, "grades_before", "D"), 0.5, "%s grade D", names[s]);
        /* phasing: the same status, starts and years as the plan run's */
        char *pst = csv_text(csv, names[s], "phasing_status");
        const char *sp = strstr(sum, "\"phasing\": {\"status\": \"");
        cr_assert(sp, "%s phasing block", names[s]);
        sp += strlen("\"phasing\": {\"status\": \"");
        cr_assert_eq(strncmp(sp, pst, strlen(pst)), 0, "%s: %s vs %.20s", names[s], pst, sp);
        cr_assert(strcmp(pst, "optimal") == 0 || strcmp(pst, "feasible") == 0, "%s", pst);
        free(pst);
        cr_assert_float_eq(csv_field(csv, names[s], "parcels_started"),
                           json_num_in(sum, "phasing", "parcels_started"), 0.5, "%s started",
                           names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "last_in_use_year"),
                           json_num_in(sum, "phasing", "last_in_use_year"), 0.5, "%s in use",
                           names[s]);
        cr_assert_float_eq(csv_field(csv, names[s], "phasing_objective"),
                           json_num_in(sum, "phasing", "objective"),
                           fmax(0.011, 1e-9 * json_num_in(sum, "phasing", "objective")),
                           "%s discounted value", names[s]);
        double first = csv_field(csv, names[s], "first_start_year"),
               last = csv_field(csv, names[s], "last_start_year");
        cr_assert(2027 <= first && first <= last && last < 2037, "%s: %g..%g", names[s], first,
                  last);
        /* clustering is exactly the chain-link part of the objective:
         * objective = Σ GFA × priority − existing_value × GFA before + it */
        sl_scenario *sc = load(scen[s]);
        double value = -sc->existing_value * csv_field(csv, names[s], "current_gfa_m2");
        for (int k = 0; k < sc->n_industries; k++) {
            char col[300];
            snprintf(col, sizeof col, "gfa_%s_m2", sc->industries[k].id);
            value += sc->industries[k].priority * csv_field(csv, names[s], col);
        }
        double clustering = csv_field(csv, names[s], "clustering_m2eq");
        cr_assert_float_eq(value + clustering, json_num(sum, "objective"), 1,
                           "%s: GFA part %.2f + clustering %.2f", names[s], value, clustering);
        sl_scenario_destroy(sc);
        free(sum);
    }
    /* the bare scenario: the same plan columns, no economics or phasing */
    cr_assert_float_eq(csv_field(csv, "bare", "gfa_m2"), csv_field(csv, names[0], "gfa_m2"), 0.011);
    static const char *const none[] = {"capex_cny",       "npv_cny",         "grades_before_A",
                                       "grades_after_D",  "phasing_status",  "phasing_gap",
                                       "parcels_started", "last_start_year", "last_in_use_year"};
    for (int k = 0; k < 9; k++) {
        char *t = csv_text(csv, "bare", none[k]);
        cr_assert_str_empty(t, "bare: %s is '%s', not empty", none[k], t);
        free(t);
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
