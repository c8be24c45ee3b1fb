/* test_cli.c - the shanglou command on the bundled sample zone and
 * scenarios: golden outputs, exit codes, messages, atomic output. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define GONGGAI "../scenarios/gonggai.yaml"

Test(cli, version_and_help)
{
    t_run r = t_cli("--version", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out, "shanglou ", 9) == 0, "%s", r.out);
    t_run_free(&r);
    const char *cmds[] = {"check", "inspect", "evaluate", "plan", "export-model", "compare"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        r = t_cli(cmds[i], "--help", NULL);
        cr_assert_eq(r.status, 0, "%s --help", cmds[i]);
        cr_assert(strstr(r.out, "usage: shanglou "), "%s --help: %s", cmds[i], r.out);
        t_run_free(&r);
    }
    r = t_cli("frobnicate", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: unknown command 'frobnicate'"), "%s", r.err);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: evaluate: missing -o DIR"), "%s", r.err);
    t_run_free(&r);
}

/* --gap is a share of the objective (0.05) or a percentage (5%); a share
 * above 1 is almost always a percentage without its sign: refused with the
 * two ways to write it (issue 11 item 9). */
Test(cli, gap_share_or_percentage)
{
    t_run r = t_cli("plan", GONGGAI, "-o", "/nonexistent/out", "--gap", "5", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strncmp(r.err,
                      "shanglou: --gap 5 means 500 %; write 0.05 or 5% (a share of the objective, "
                      "0 to 1, or a percentage)\n",
                      strlen("shanglou: --gap 5 means 500 %; write 0.05 or 5% (a share of the "
                             "objective, 0 to 1, or a percentage)\n")) == 0,
              "%s", r.err);
    t_run_free(&r);
    const char *bad[] = {"abc", "-1", "101%", "%", "5%%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = t_cli("plan", GONGGAI, "-o", "/nonexistent/out", "--gap", bad[i], NULL);
        cr_assert_eq(r.status, 2, "--gap %s", bad[i]);
        char want[200];
        snprintf(want, sizeof want, "shanglou: --gap: '%s' is not a number >= 0 (0.05 or 5%%)\n",
                 bad[i]);
        cr_assert(strncmp(r.err, want, strlen(want)) == 0, "--gap %s: %s", bad[i], r.err);
        t_run_free(&r);
    }
    /* Accepted: the run goes on to read the scenario (which is missing). */
    const char *good[] = {"0.5%", "0.005", "100%", "1", "0"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        r = t_cli("plan", "no-such-scenario.yaml", "-o", "/nonexistent/out", "--gap", good[i],
                  NULL);
        cr_assert_eq(r.status, 2, "--gap %s", good[i]);
        cr_assert_null(strstr(r.err, "--gap"), "--gap %s: %s", good[i], r.err);
        cr_assert(strstr(r.err, "no-such-scenario.yaml"), "--gap %s: %s", good[i], r.err);
        t_run_free(&r);
    }
}

Test(cli, check_bundled_scenarios)
{
    const char *files[] = {"../scenarios/gonggai.yaml", "../scenarios/old-rules.yaml",
                           "../scenarios/cap40.yaml", "../scenarios/no-office.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        t_run r = t_cli("check", files[i], NULL);
        cr_assert_eq(r.status, 0, "%s: %s", files[i], r.err);
        cr_assert(strstr(r.out, ": ok: "), "%s", r.out);
        t_run_free(&r);
    }
}

Test(cli, check_lists_every_error)
{
    char *dir = t_tmpdir();
    char *p = t_write(dir, "bad.yaml",
                      "parcels:\n"
                      "  source: x.shp\n"
                      "  fields: {id: DKBH, land_use: YDDM}\n"
                      "rules:\n"
                      "  after: {far_max: 0.5, far_min: 1.2, flor_height_m: 4}\n"
                      "plan: {rules: aftr}\n");
    t_run r = t_cli("check", p, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    int lines = 0;
    for (const char *c = r.err; *c; c++)
        lines += *c == '\n';
    cr_assert_geq(lines, 3, "every error listed: %s", r.err);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:6:15: plan.rules: no rule set named 'aftr'; did you mean 'after'?", p);
    cr_assert(strstr(r.err, want), "%s", r.err);
    t_run_free(&r);
    free(p);
    t_rmtree(dir);
    free(dir);
}

/* plan.exclude through the command: an unknown id fails evaluate with exit
 * 2 at its place in the scenario and writes nothing; a known one keeps the
 * parcel a candidate with the reason saying it is excluded. */
Test(cli, evaluate_plan_exclude, .timeout = 300)
{
    char *dir = t_tmpdir();
#define EXCLUDE_SCENARIO(more)                                                    \
    "parcels:\n"                                                                  \
    "  source: " SL_SRC "/geodata/shahe/parcels.shp\n"                            \
    "  fields: {id: DKBH, land_use: YDDM, current_far: RJL, current_gfa: JZMJ}\n" \
    "  industrial_land_uses: [M1, M2, \"100101\", \"100102\"]\n"                  \
    "plan:\n"                                                                     \
    "  exclude: [B7-2" more "]\n"
    char out[2048], want[4096];
    char *p = t_write(dir, "x.yaml", EXCLUDE_SCENARIO(", NO-SUCH-1"));
    snprintf(out, sizeof out, "%s/out", dir);
    t_run r = t_cli("evaluate", p, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    snprintf(want, sizeof want, "%s:6:19: plan.exclude[1]: no parcel 'NO-SUCH-1' in layer", p);
    cr_assert(strstr(r.err, want), "%s", r.err);
    t_run_free(&r);
    snprintf(want, sizeof want, "%s/summary.json", out);
    cr_assert_null(t_slurp(want, NULL), "a failed run writes nothing");
    free(p);

    p = t_write(dir, "x.yaml", EXCLUDE_SCENARIO(""));
    r = t_cli("evaluate", p, "-o", out, "-q", "--formats", "geojson", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    snprintf(want, sizeof want, "%s/parcels.geojson", out);
    char *gj = t_slurp(want, NULL);
    cr_assert(gj);
    char *b72 = strstr(gj, "\"id\": \"B7-2\"");
    cr_assert(b72, "B7-2 present");
    char *eol = strchr(b72, '\n');
    cr_assert(eol);
    *eol = '\0';
    cr_assert(strstr(b72, "\"status\": \"candidate\""), "%s", b72);
    cr_assert(strstr(b72, "; excluded from the plan by plan.exclude\""), "%s", b72);
    free(gj);
    free(p);
    t_rmtree(dir);
    free(dir);
}

Test(cli, inspect_suggests_mapping)
{
    t_run r = t_cli("inspect", "../geodata/shahe/parcels.shp", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "crs: EPSG:4547"), "%s", r.out);
    cr_assert(strstr(r.out, "fields: {id: DKBH, land_use: YDDM, current_far: RJL, current_gfa: "
                            "JZMJ, current_height: JZGD, tax: NSE, name: QYMC, ready_year: ZBNF}"),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"M1\""), "%s", r.out);
    cr_assert(strstr(r.out, "B7-2") || strstr(r.out, "B1-"), "%s", r.out);
    t_run_free(&r);
    r = t_cli("inspect", "no/such/file.shp", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "cannot open parcel source 'no/such/file.shp'"), "%s", r.err);
    t_run_free(&r);
}

/* The bundled 工改工 scenario: summary equals the golden file, every input
 * feature is in parcels.geojson, areas agree with an independent geodesic
 * computation (pyproj) to 0.01 %, and geojsonhint accepts the file. */
Test(cli, evaluate_gonggai_golden, .timeout = 300)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "evaluate: "), "%s", r.out);
    t_run_free(&r);
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *got = t_slurp(path, NULL);
    char *want = t_slurp(SL_SRC "/tests/golden/gonggai-evaluate-summary.json", NULL);
    cr_assert(got && want);
    cr_assert_str_eq(got, want, "summary.json differs from tests/golden/");
    free(got);
    free(want);
    r = t_sh("/usr/bin/python3 golden/check_geojson.py ../geodata/shahe/parcels.shp "
             "%s/parcels.geojson",
             dir);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    t_run_free(&r);
    r = t_sh("npx --yes @mapbox/geojsonhint@2.2.0 %s/parcels.geojson", dir);
    cr_assert_eq(r.status, 0, "geojsonhint: %s%s", r.out, r.err);
    cr_assert_str_eq(r.out, "", "geojsonhint: %s", r.out);
    t_run_free(&r);
    /* B7-2, worked by hand in tests/golden/README.md. */
    snprintf(path, sizeof path, "%s/parcels.geojson", dir);
    char *gj = t_slurp(path, NULL);
    char *b72 = strstr(gj, "\"id\": \"B7-2\"");
    cr_assert(b72, "B7-2 present");
    char *eol = strchr(b72, '\n');
    cr_assert(eol);
    *eol = '\0';
    const char *expect[] = {"\"status\": \"candidate\"",
                            "\"reason\": \"FAR 0.46 below 1.00; tax 30006 CNY/mu below 150000\"",
                            "\"area_m2\": 23245.52",
                            "\"current_gfa_m2\": 10641.53",
                            "\"tax_per_mu_cny\": 30005.78",
                            "\"before_max_gfa_m2\": 23245.52",
                            "\"before_binding\": \"far\"",
                            "\"before_factory_floors\": 5",
                            "\"before_office_floors\": 5",
                            "\"after_max_gfa_m2\": 69736.57",
                            "\"after_binding\": \"far\"",
                            "\"after_factory_floors\": 10",
                            "\"after_office_floors\": 14",
                            "\"gain_m2\": 59095.04",
                            "\"QYMC\": \"赣州康泓医用敷料有限公司\""};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert(strstr(b72, expect[i]), "B7-2 lacks %s: %s", expect[i], b72);
    free(gj);
    t_rmtree(dir);
    free(dir);
}

Test(cli, evaluate_is_deterministic, .timeout = 300)
{
    char *a = t_tmpdir(), *b = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", a, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "", "--quiet prints nothing");
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "-o", b, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("cmp %s/parcels.geojson %s/parcels.geojson && cmp %s/summary.json "
             "%s/summary.json",
             a, b, a, b);
    cr_assert_eq(r.status, 0, "%s", r.out);
    t_run_free(&r);
    t_rmtree(a);
    t_rmtree(b);
    free(a);
    free(b);
}

/* A run that fails leaves the previous files intact and no temporaries. */
Test(cli, failed_run_keeps_previous_output, .timeout = 300)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("md5sum %s/parcels.geojson %s/summary.json", dir, dir);
    char *before = strdup(r.out);
    t_run_free(&r);
    /* The same zone as GBK text without .cpg: fails after writing began. */
    char *tmp = t_tmpdir();
    r = t_sh("cp ../geodata/shahe/parcels.shp ../geodata/shahe/parcels.shx "
             "../geodata/shahe/parcels.dbf ../geodata/shahe/parcels.prj %s/ && "
             "sed 's|source: .*|source: %s/parcels.shp|' " GONGGAI " > %s/s.yaml",
             tmp, tmp, tmp);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char sp[4096];
    snprintf(sp, sizeof sp, "%s/s.yaml", tmp);
    r = t_cli("evaluate", sp, "-o", dir, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "is not UTF-8 text and the DBF has no .cpg file"), "%s", r.err);
    t_run_free(&r);
    r = t_sh("md5sum %s/parcels.geojson %s/summary.json", dir, dir);
    cr_assert_str_eq(r.out, before);
    t_run_free(&r);
    r = t_sh("ls -A %s", dir);
    cr_assert_str_eq(r.out,
                     "parcels.csv\nparcels.geojson\nreport.html\nshanglou.gpkg\nshanglou.xlsx\n"
                     "summary.json\n",
                     "no temporaries left: %s", r.out);
    t_run_free(&r);
    free(before);
    t_rmtree(tmp);
    free(tmp);
    t_rmtree(dir);
    free(dir);
}

Test(cli, unwritable_output_dir)
{
    t_run r = t_cli("evaluate", GONGGAI, "-o", "/proc/shanglou-out", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "/proc/shanglou-out: cannot create output directory"), "%s", r.err);
    t_run_free(&r);
}

/* --formats picks the files besides summary.json; csv and xlsx bring
 * the GeoPackage they are made from. */
Test(cli, evaluate_formats)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", GONGGAI, "-o", dir, "--formats", "geojson", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("ls %s", dir);
    cr_assert_str_eq(r.out, "parcels.geojson\nsummary.json\n");
    t_run_free(&r);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/b", dir);
    r = t_cli("evaluate", GONGGAI, "-o", sub, "--formats", "csv,report", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("ls %s", sub);
    cr_assert_str_eq(r.out, "parcels.csv\nreport.html\nshanglou.gpkg\nsummary.json\n", "%s", r.out);
    t_run_free(&r);
    snprintf(sub, sizeof sub, "%s/c", dir);
    r = t_cli("evaluate", GONGGAI, "-o", sub, "--formats", "xlsx", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    r = t_sh("ls %s", sub);
    cr_assert_str_eq(r.out, "shanglou.gpkg\nshanglou.xlsx\nsummary.json\n", "%s", r.out);
    t_run_free(&r);
    r = t_cli("evaluate", GONGGAI, "-o", dir, "--formats", "geojson,shp", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "shanglou: evaluate: --formats: 'geojson,shp' is not a list of "
                            "geojson, gpkg, csv, xlsx, report"),
              "%s", r.err);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* ---- plan: honest status (docs/model.md §6, docs/outputs.md) ---------- */

#define SHAHE "../geodata/shahe/parcels.shp"

/* The independent check of a plan's outputs: every parcel in
 * parcels.geojson, summary.json's status, stop_reason, bound and gap
 * honest, chains and chains_by_parcel agreeing. */
static void check_plan_dir(const char *dir)
{
    t_run r = t_sh("/usr/bin/python3 golden/check_geojson.py --plan " SHAHE " %s", dir);
    cr_assert_eq(r.status, 0, "check_geojson.py --plan %s:\n%s%s", dir, r.out, r.err);
    t_run_free(&r);
}

/* The value of "key": in summary.json, as text up to the next , or }. */
static char *summary_value(const char *dir, const char *key)
{
    char p[4300], pat[128];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    char *s = t_slurp(p, NULL);
    cr_assert(s, "no %s", p);
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    char *at = strstr(s, pat);
    cr_assert(at, "no %s in %s", key, s);
    at += strlen(pat);
    size_t n = strcspn(at, ",}\n");
    char *v = strndup(at, n);
    free(s);
    return v;
}

/* DIR holds only the file old.txt that the test put there. */
static void assert_untouched(const char *dir)
{
    t_run r = t_sh("ls -A %s && cat %s/old.txt", dir, dir);
    cr_assert_str_eq(r.out, "old.txt\nbefore\n", "%s left changed: %s", dir, r.out);
    t_run_free(&r);
}

/* However short the time limit, the outcome is honest: no plan (exit 1,
 * "no plan was found within the time limit", DIR unchanged), or a plan
 * whose summary has a stop_reason and a bound and gap that are null
 * together or proven -- never gap 0 without a bound. */
Test(cli, plan_short_time_limits_are_honest, .timeout = 300)
{
    const char *limits[] = {"0.1", "0.7", "1.5", "4"};
    int plans = 0;
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        char *dir = t_tmpdir();
        free(t_write(dir, "old.txt", "before\n"));
        t_run r = t_cli("plan", GONGGAI, "-o", dir, "--time-limit", limits[i], NULL);
        if (r.status == 1 && strstr(r.err, "no plan was found within the time limit")) {
            cr_assert(strstr(r.err, "is left unchanged"), "%s", r.err);
            assert_untouched(dir);
        } else {
            cr_assert_eq(r.status, 0, "--time-limit %s: %s", limits[i], r.err);
            plans++;
            check_plan_dir(dir);
            char *why = summary_value(dir, "stop_reason");
            cr_assert(strcmp(why, "\"time_limit\"") == 0 || strcmp(why, "\"gap\"") == 0,
                      "--time-limit %s: stop_reason %s", limits[i], why);
            char *bound = summary_value(dir, "bound"), *gap = summary_value(dir, "gap");
            if (strcmp(bound, "null") == 0)
                cr_assert_str_eq(gap, "null", "no bound, so no gap");
            else
                cr_assert(strtod(gap, NULL) >= 0, "gap %s", gap);
            /* the line on stdout says the same */
            if (strcmp(bound, "null") == 0)
                cr_assert(strstr(r.out, "bound — (not proven), gap —"), "%s", r.out);
            else
                cr_assert(strstr(r.out, ", gap "), "%s", r.out);
            cr_assert(strstr(r.out, "(stop_reason "), "%s", r.out);
            /* parcels.csv: chains as JSON text, as in the GeoPackage */
            char p[4300];
            snprintf(p, sizeof p, "%s/parcels.csv", dir);
            char *csv = t_slurp(p, NULL);
            cr_assert(csv);
            cr_assert(strstr(csv, ",stack,chains,neighbour_bonus_m2,"), "%.600s", csv);
            cr_assert(strstr(csv, "\"[\"\""), "a quoted JSON array of chains");
            free(csv);
            /* report.html: never a 0 for what is not proven */
            snprintf(p, sizeof p, "%s/report.html", dir);
            char *html = t_slurp(p, NULL);
            cr_assert(html);
            cr_assert(strstr(html, "stop reason 停止原因"));
            if (strcmp(bound, "null") == 0)
                cr_assert(strstr(html, "— (not proven)"));
            free(html);
            free(why);
            free(bound);
            free(gap);
        }
        t_run_free(&r);
        t_rmtree(dir);
        free(dir);
    }
    cr_assert_gt(plans, 0, "no plan within 4 s on the sample zone");
}

/* Too little time for any plan: a clear message, exit 1, DIR as it was. */
Test(cli, plan_no_plan_leaves_dir_unchanged, .timeout = 120)
{
    char *dir = t_tmpdir();
    free(t_write(dir, "old.txt", "before\n"));
    t_run r = t_cli("plan", GONGGAI, "-o", dir, "--time-limit", "0.01", NULL);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert(strstr(r.err, "no plan was found within the time limit of 0.01 s (this is not "
                            "infeasibility: nothing is proven)"),
              "%s", r.err);
    cr_assert_str_eq(r.out, "");
    assert_untouched(dir);
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* shanglou plan in the background, its streams into files of logs;
 * returns its pid. */
static pid_t spawn_plan(const char *logs, const char *dir, const char *time_limit)
{
    char outp[4300], errp[4300];
    snprintf(outp, sizeof outp, "%s/out", logs);
    snprintf(errp, sizeof errp, "%s/err", logs);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        if (chdir(SL_SRC "/tests") != 0)
            _exit(126);
        execl(SL_CLI, SL_CLI, "plan", GONGGAI, "-o", dir, "--gap", "0", "--time-limit", time_limit,
              (char *)NULL);
        _exit(127);
    }
    return pid;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Send SIGINT after delay_s; the exit status (128 + signal when killed)
 * and, in *err (heap), what it said on stderr.  *stop_s: how long it took
 * to end after the signal. */
static int interrupt_plan(const char *logs, const char *dir, double delay_s, char **out, char **err,
                          double *stop_s)
{
    pid_t pid = spawn_plan(logs, dir, "60");
    nanosleep(&(struct timespec){(time_t)delay_s, (long)((delay_s - (time_t)delay_s) * 1e9)}, NULL);
    kill(pid, SIGINT);
    double t0 = now_s();
    int st = 0;
    waitpid(pid, &st, 0);
    *stop_s = now_s() - t0;
    char p[4300];
    snprintf(p, sizeof p, "%s/out", logs);
    *out = t_slurp(p, NULL);
    snprintf(p, sizeof p, "%s/err", logs);
    *err = t_slurp(p, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Ctrl-C during a long solve: the best plan so far is written as usual,
 * with stop_reason "interrupted", exit 0 (docs/outputs.md). */
Test(cli, plan_sigint_writes_the_best_plan, .timeout = 300)
{
    char *logs = t_tmpdir();
    int status = -1;
    /* After 3 s the sample zone has a plan; on a busy machine maybe not
     * yet: then nothing may be written, and we try again later. */
    for (double delay = 3; delay <= 12; delay *= 2) {
        char *dir = t_tmpdir();
        free(t_write(dir, "old.txt", "before\n"));
        char *out = NULL, *err = NULL;
        double stop_s;
        status = interrupt_plan(logs, dir, delay, &out, &err, &stop_s);
        if (status == 1) {
            cr_assert(strstr(err, "before any plan was found"), "%s", err);
            assert_untouched(dir);
        } else {
            cr_assert_eq(status, 0, "exit %d after SIGINT at %.0f s: %s", status, delay, err);
            cr_assert_lt(stop_s, 30, "took %.1f s to stop and write", stop_s);
            cr_assert(strstr(err, "plan: interrupted after "), "%s", err);
            cr_assert(strstr(out, "(stop_reason interrupted)"), "%s", out);
            char *why = summary_value(dir, "stop_reason");
            cr_assert_str_eq(why, "\"interrupted\"");
            free(why);
            char *st = summary_value(dir, "status");
            cr_assert(strcmp(st, "\"feasible\"") == 0 || strcmp(st, "\"optimal\"") == 0, "%s", st);
            free(st);
            check_plan_dir(dir); /* every parcel, honest bound and gap */
            t_run r = t_sh("ls %s", dir);
            /* gonggai.yaml has a phasing section: phases.csv too */
            cr_assert(strstr(r.out, "floors.geojson\nold.txt\nparcels.csv\nparcels.geojson\n"
                                    "phases.csv\nreport.html\nshanglou.gpkg\nshanglou.xlsx\n"
                                    "stacks\n"
                                    "summary.json\n"),
                      "%s", r.out);
            t_run_free(&r);
        }
        free(out);
        free(err);
        t_rmtree(dir);
        free(dir);
        if (status == 0)
            break;
    }
    cr_assert_eq(status, 0, "no plan within 12 s");
    t_rmtree(logs);
    free(logs);
}

/* Ctrl-C before any plan: nothing written, exit 1 with a clear message.
 * The signal must come during the solve: earlier (still reading the zone)
 * SIGINT kills as usual, later a plan exists; both leave the case
 * unexercised and are tried again. */
Test(cli, plan_sigint_before_any_plan, .timeout = 300)
{
    char *logs = t_tmpdir();
    bool seen = false;
    for (double delay = 0.4; delay < 1.6 && !seen; delay += 0.3) {
        char *dir = t_tmpdir();
        free(t_write(dir, "old.txt", "before\n"));
        char *out = NULL, *err = NULL;
        double stop_s;
        int status = interrupt_plan(logs, dir, delay, &out, &err, &stop_s);
        if (status == 1) {
            cr_assert(strstr(err, "plan: interrupted after ") &&
                          strstr(err, "before any plan was found; nothing is proven and"),
                      "%s", err);
            assert_untouched(dir);
            seen = true;
        } else if (status == 128 + SIGINT) {
            assert_untouched(dir); /* killed while reading */
        } else {
            cr_assert_eq(status, 0, "exit %d: %s", status, err);
            check_plan_dir(dir);
        }
        free(out);
        free(err);
        t_rmtree(dir);
        free(dir);
    }
    if (!seen)
        /* a note, not cr_log_warn: Criterion exits 1 after any warning */
        fprintf(stderr, "note: SIGINT never came between reading and the first plan\n");
    t_rmtree(logs);
    free(logs);
}

/* A generated zone of n parcels (slgen bench) in work/zone, planned with
 * the bundled scenario's industries and rules (its pin is on a sample
 * parcel: left out; so is its phasing, which would phase thousands of
 * parcels after every plan); returns the scenario's path (heap). */
/* The bundled scenario's plan section on n generated parcels, without pins
 * and without the neighbour chain bonus: with it (its default, 3000 m²) the
 * optimizer finds no plan for 20000 parcels within 30 s today, and these
 * tests are about what happens around a plan, not about that search. */
static char *generated_zone(const char *work, int n)
{
    t_run r = t_sh("%s/slgen bench %d %s/zone >/dev/null && "
                   "awk '/^(pins|phasing):/{skip=1; next} /^[a-z]/{skip=0} !skip' " GONGGAI
                   " | sed -e 's|source: .*|source: %s/zone/parcels.shp|' "
                   "-e '/^  objective:/a\\    neighbour_chain_bonus_m2: 0' > %s/s.yaml",
                   SL_BUILD, n, work, work, work);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    size_t len = strlen(work) + 16;
    char *p = malloc(len);
    snprintf(p, len, "%s/s.yaml", work);
    return p;
}

/* A tiny time limit on a generated zone of 3,000 parcels: no plan, said
 * plainly, exit 1, DIR as it was. */
Test(cli, plan_no_plan_on_a_generated_zone, .timeout = 300)
{
    char *work = t_tmpdir();
    char *scen = generated_zone(work, 3000);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/out", work);
    mkdir(dir, 0755);
    free(t_write(dir, "old.txt", "before\n"));
    t_run r = t_cli("plan", scen, "-o", dir, "--time-limit", "0.05", NULL);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert(strstr(r.err, "plan: no plan was found within the time limit of 0.05 s"), "%s",
              r.err);
    cr_assert_str_eq(r.out, "");
    assert_untouched(dir);
    t_run_free(&r);
    r = t_sh("ls -A %s", work);
    cr_assert_str_eq(r.out, "out\ns.yaml\nzone\n", "no staging left: %s", r.out);
    t_run_free(&r);
    free(scen);
    t_rmtree(work);
    free(work);
}

/* Ctrl-C once the solve is over and the files are being written: the
 * default action is back, the run ends at once (killed by SIGINT) and
 * DIR keeps its previous contents. */
Test(cli, plan_sigint_while_writing_ends_the_run, .timeout = 300)
{
    char *work = t_tmpdir();
    char *scen = generated_zone(work, 20000);
    char dir[4200], errp[4300];
    snprintf(dir, sizeof dir, "%s/out", work);
    snprintf(errp, sizeof errp, "%s/err", work);
    mkdir(dir, 0755);
    free(t_write(dir, "old.txt", "before\n"));
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int o = open("/dev/null", O_WRONLY);
        dup2(o, 1);
        dup2(e, 2);
        /* any plan with a bound will do (--gap 1): under a sanitizer on a
         * busy machine the first plan may take longer than a few seconds */
        execl(SL_CLI, SL_CLI, "plan", scen, "-o", dir, "--time-limit", "150", "--gap", "1",
              (char *)NULL);
        _exit(127);
    }
    /* Wait until the new parcels.geojson is being written. */
    char staged[4400];
    snprintf(staged, sizeof staged, "%s/.out.shanglou-%ld/parcels.geojson", work, (long)pid);
    double t0 = now_s();
    struct stat sb;
    int exited = 0, st = 0;
    while (stat(staged, &sb) != 0 && now_s() - t0 < 200 && !exited) {
        nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
        exited = waitpid(pid, &st, WNOHANG) == pid;
    }
    char *err = t_slurp(errp, NULL);
    cr_assert(!exited, "plan ended before writing: %s", err);
    free(err);
    cr_assert_eq(stat(staged, &sb), 0, "plan did not start writing %s", staged);
    kill(pid, SIGINT);
    waitpid(pid, &st, 0);
    err = t_slurp(errp, NULL);
    /* (a zone written faster than the signal arrives ends normally) */
    if (WIFEXITED(st)) {
        cr_assert_eq(WEXITSTATUS(st), 0, "%s", err);
        fprintf(stderr, "note: the files were written before SIGINT arrived\n");
    } else {
        cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "status %d: %s", st, err);
        assert_untouched(dir);
    }
    free(err);
    free(scen);
    t_rmtree(work);
    free(work);
}

/* ---- CRS: parcels.crs wins; the map of a geographic source in metres
 * (issue 11, item 5) ---------------------------------------------------- */

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/* Two 0.001° squares at (lon, lat) as a GeoJSON without a crs member (WGS
 * 84 by the standard), a scenario reading it, and an evaluate run into
 * DIR/out.  Returns the scenario path (heap). */
static char *geographic_zone(const char *dir, double lon, double lat, const char *more)
{
    char gj[2048], yaml[1024];
    snprintf(gj, sizeof gj,
             "{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":{\"ID\":\"A1\",\"LU\":\"M1\",\"FAR\":0.5},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],"
             "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"ID\":\"A2\",\"LU\":\"M1\",\"FAR\":2.5},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],"
             "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}]}\n",
             lon, lat, lon + .001, lat, lon + .001, lat + .001, lon, lat + .001, lon, lat,
             lon + .002, lat, lon + .003, lat, lon + .003, lat + .001, lon + .002, lat + .001,
             lon + .002, lat);
    free(t_write(dir, "zone.geojson", gj));
    snprintf(yaml, sizeof yaml,
             "parcels:\n  source: zone.geojson\n%s"
             "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
             "  industrial_land_uses: [M1]\n",
             more);
    return t_write(dir, "s.yaml", yaml);
}

/* The EPSG code of the parcels layer of a GeoPackage, and its extent. */
static int gpkg_epsg(const char *path, OGREnvelope *ext)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    cr_assert(ds, "%s opens", path);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "parcels");
    cr_assert(l);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    cr_assert(srs, "the parcels layer has a CRS");
    cr_assert(OSRIsProjected(srs), "a projected CRS (metres)");
    cr_assert_float_eq(OSRGetLinearUnits(srs, NULL), 1.0, 1e-12);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    cr_assert(code);
    int epsg = atoi(code);
    cr_assert_eq(OGR_L_GetExtent(l, ext, TRUE), OGRERR_NONE);
    GDALClose(ds);
    return epsg;
}

static void check_map_crs(double lon, double lat, int want_epsg, double easting)
{
    char *dir = t_tmpdir();
    char *s = geographic_zone(dir, lon, lat, "");
    char out[1024], path[1200], want[64];
    snprintf(out, sizeof out, "%s/out", dir);
    t_run r = t_cli("evaluate", s, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.err, "warning"), "no override: %s", r.err);
    t_run_free(&r);
    snprintf(path, sizeof path, "%s/shanglou.gpkg", out);
    OGREnvelope ext;
    cr_assert_eq(gpkg_epsg(path, &ext), want_epsg);
    /* metres: the two squares side by side span about 300 m east-west */
    cr_assert(ext.MaxX - ext.MinX > 200 && ext.MaxX - ext.MinX < 400, "%f", ext.MaxX - ext.MinX);
    cr_assert(fabs(ext.MinX - easting) < 100000, "easting %f", ext.MinX);
    snprintf(path, sizeof path, "%s/summary.json", out);
    char *sj = t_slurp(path, NULL);
    cr_assert(sj);
    cr_assert(strstr(sj, "\"crs\": \"EPSG:4326\""), "%s", sj);
    snprintf(want, sizeof want, "\"gpkg_crs\": \"EPSG:%d\"", want_epsg);
    cr_assert(strstr(sj, want), "%s", sj);
    free(sj);
    /* GeoJSON stays RFC 7946: lon/lat */
    snprintf(path, sizeof path, "%s/parcels.geojson", out);
    char *gj = t_slurp(path, NULL);
    char lonlat[64];
    snprintf(lonlat, sizeof lonlat, "[ [ [ %.2f, %.2f ]", lon, lat);
    cr_assert(gj && strstr(gj, lonlat), "%s in %s", lonlat, gj);
    free(gj);
    free(s);
    t_rmtree(dir);
    free(dir);
}

#include <math.h>

/* Inside China: the CGCS2000 3° Gauss-Krüger zone of CM 114°E (EPSG:4547),
 * false easting 500 km without a zone prefix. */
Test(cli, gpkg_of_wgs84_in_china_is_gauss_krueger, .timeout = 120)
{
    check_map_crs(114.05, 22.55, 4547, 505000);
}

/* Elsewhere (Lake Tahoe): WGS 84 / UTM zone 10N (EPSG:32610). */
Test(cli, gpkg_of_wgs84_elsewhere_is_utm, .timeout = 120)
{
    check_map_crs(-120.05, 39.05, 32610, 755000);
}

/* A GeoJSON whose coordinates are Gauss-Krüger metres (GDAL calls any
 * GeoJSON without a crs member EPSG:4326): parcels.crs wins, with a
 * warning from check and evaluate; without it the coordinates are no
 * longitudes. */
Test(cli, parcels_crs_overrides_the_source, .timeout = 120)
{
    char *dir = t_tmpdir();
    free(t_write(dir, "zone.geojson",
                 "{\"type\":\"FeatureCollection\",\"features\":["
                 "{\"type\":\"Feature\",\"properties\":{\"ID\":\"A1\",\"LU\":\"M1\",\"FAR\":0.5},"
                 "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[505000,2494000],"
                 "[505100,2494000],[505100,2494100],[505000,2494100],[505000,2494000]]]}}]}\n"));
    char *s = t_write(dir, "s.yaml",
                      "parcels:\n  source: zone.geojson\n  crs: EPSG:4547\n"
                      "  fields: {id: ID, land_use: LU, current_far: FAR}\n"
                      "  industrial_land_uses: [M1]\n");
    char want[2048], out[1024], path[1200];
    snprintf(want, sizeof want,
             "warning: %s/zone.geojson: overriding the source's EPSG:4326 with EPSG:4547 "
             "(parcels.crs)\n",
             dir);
    t_run r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, want);
    cr_assert(strstr(r.out, "CRS EPSG:4547"), "%s", r.out);
    t_run_free(&r);
    snprintf(out, sizeof out, "%s/out", dir);
    r = t_cli("evaluate", s, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, want), "%s", r.err);
    t_run_free(&r);
    snprintf(path, sizeof path, "%s/summary.json", out);
    char *sj = t_slurp(path, NULL);
    cr_assert(sj && strstr(sj, "\"crs\": \"EPSG:4547\"") &&
                  strstr(sj, "\"gpkg_crs\": \"EPSG:4547\""),
              "%s", sj);
    free(sj);
    snprintf(path, sizeof path, "%s/parcels.geojson", out);
    char *gj = t_slurp(path, NULL);
    const char *a = gj ? strstr(gj, "\"area_m2\": ") : NULL;
    cr_assert(a, "%s", gj);
    cr_assert_float_eq(strtod(a + 11, NULL), 10000, 1, "a 100 m square: %s", gj);
    free(gj);
    /* the same CRS given again: no warning */
    free(s);
    s = geographic_zone(dir, 114.05, 22.55, "  crs: EPSG:4326\n");
    r = t_cli("check", s, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, "");
    t_run_free(&r);
    free(s);
    t_rmtree(dir);
    free(dir);
}

/* ---- inspect (issue 11, item 8) --------------------------------------- */

/* source: relative to the scenario of --for, else absolute with a note */
Test(cli, inspect_source_path_for_the_scenario)
{
    char *abs = realpath("../geodata/shahe/parcels.shp", NULL);
    cr_assert(abs);
    t_run r =
        t_cli("inspect", "../geodata/shahe/parcels.shp", "--for", "../scenarios/new.yaml", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\n  source: ../geodata/shahe/parcels.shp   # relative to the "
                            "scenario file, as paths in a scenario are\n"),
              "%s", r.out);
    /* the .prj's CRS is stated, with where it comes from, not suggested */
    cr_assert(strstr(r.out, "\n  # crs: EPSG:4547, as the source says (.prj file); give "
                            "parcels.crs only to override a wrong one\n"),
              "%s", r.out);
    t_run_free(&r);
    r = t_cli("inspect", "../geodata/shahe/parcels.shp", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[4096];
    snprintf(want, sizeof want,
             "\n  source: %s   # absolute; paths in a scenario are relative to the scenario file "
             "(inspect --for SCENARIO writes it so)\n",
             abs);
    cr_assert(strstr(r.out, want), "%s", r.out);
    t_run_free(&r);
    free(abs);
}

/* Field names beyond the Chinese survey's; an id field with repeated
 * values is never suggested; square feet are not taken for m². */
Test(cli, inspect_recognises_common_field_names)
{
    char *dir = t_tmpdir();
    char *gj = t_write(
        dir, "pluto.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"BBL\":\"1000010001\",\"LandUse\":\"06\","
        "\"BuiltFAR\":0.5,\"BldgArea\":12000,\"HeightRoof\":20.5,\"Tax\":100},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[-74.0,40.7],[-73.999,40.7],[-73.999,40.701],"
        "[-74.0,40.701],[-74.0,40.7]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"BBL\":\"1000010001\",\"LandUse\":\"06\","
        "\"BuiltFAR\":1.5,\"BldgArea\":24000,\"HeightRoof\":30.0,\"Tax\":200},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[-73.998,40.7],[-73.997,40.7],[-73.997,40.701],"
        "[-73.998,40.701],[-73.998,40.7]]]}}]}\n");
    t_run r = t_cli("inspect", gj, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\n  fields: {land_use: LandUse, current_far: BuiltFAR, "
                            "current_height: HeightRoof, tax: Tax}\n"),
              "%s", r.out);
    cr_assert(strstr(r.out, "\n  # not id: BBL repeats the value '1000010001'\n"), "%s", r.out);
    cr_assert(strstr(r.out, "\n  # CHECK: no field looks like the parcel id"), "%s", r.out);
    cr_assert(strstr(r.out, "\n  # current_gfa: BldgArea is floor area in square feet"), "%s",
              r.out);
    t_run_free(&r);
    free(gj);

    gj = t_write(dir, "cn.geojson",
                 "{\"type\":\"FeatureCollection\",\"features\":["
                 "{\"type\":\"Feature\",\"properties\":{\"地块编号\":\"A-1\",\"用地性质\":\"M1\","
                 "\"容积率\":0.5,\"建筑面积\":500.0,\"建筑高度\":12.0,\"纳税额\":1000.0},"
                 "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[114.0,22.5],[114.001,"
                 "22.5],[114.001,22.501],[114.0,22.501],[114.0,22.5]]]}}]}\n");
    r = t_cli("inspect", gj, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\n  fields: {id: 地块编号, land_use: 用地性质, current_far: 容积率, "
                            "current_gfa: 建筑面积, current_height: 建筑高度, tax: 纳税额}\n"),
              "%s", r.out);
    t_run_free(&r);
    free(gj);
    t_rmtree(dir);
    free(dir);
}

/* No CRS: one is suggested only with the reason read from the coordinates
 * (a Gauss-Krüger zone prefix), never guessed. */
Test(cli, inspect_crs_only_with_a_reason)
{
    char *dir = t_tmpdir();
    char *gj = t_write(dir, "z.geojson",
                       "{\"type\":\"FeatureCollection\",\"features\":["
                       "{\"type\":\"Feature\",\"properties\":{\"DKBH\":\"A-1\",\"YDDM\":\"M1\"},"
                       "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[38590000,"
                       "2850000],[38590100,2850000],[38590100,2850100],[38590000,2850100],"
                       "[38590000,2850000]]]}}]}\n");
    t_run r =
        t_sh("cd %s && ogr2ogr -f 'ESRI Shapefile' shp z.geojson 2>&1 && rm -f shp/z.prj", dir);
    cr_assert_eq(r.status, 0, "%s", r.out);
    t_run_free(&r);
    char shp[1024];
    snprintf(shp, sizeof shp, "%s/shp/z.shp", dir);
    r = t_cli("inspect", shp, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\n  crs: EPSG:4526   # CHECK: the source has no CRS; the eastings "
                            "(38590000 to 38590100) carry the zone prefix 38: CGCS2000 3-degree "
                            "Gauss-Krüger zone 38;"),
              "%s", r.out);
    t_run_free(&r);
    /* metres without a prefix: no code is made up */
    free(gj);
    gj = t_write(dir, "z.geojson",
                 "{\"type\":\"FeatureCollection\",\"features\":["
                 "{\"type\":\"Feature\",\"properties\":{\"DKBH\":\"A-1\",\"YDDM\":\"M1\"},"
                 "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[590000,2850000],"
                 "[590100,2850000],[590100,2850100],[590000,2850100],[590000,2850000]]]}}]}\n");
    r = t_sh("cd %s && rm -rf shp && ogr2ogr -f 'ESRI Shapefile' shp z.geojson 2>&1 && "
             "rm -f shp/z.prj",
             dir);
    cr_assert_eq(r.status, 0, "%s", r.out);
    t_run_free(&r);
    r = t_cli("inspect", shp, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\n  # crs: CHECK: the source has no CRS and its coordinates do not "
                            "tell which;"),
              "%s", r.out);
    cr_assert_null(strstr(r.out, "\n  crs: EPSG"), "%s", r.out);
    t_run_free(&r);
    free(gj);
    t_rmtree(dir);
    free(dir);
}
