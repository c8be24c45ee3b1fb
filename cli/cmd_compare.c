/* cmd_compare.c - `shanglou compare`. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "input/scenario.h"
#include "commands.h"
#include "out/compare.h"
#include "out/outdir.h"
#include "progress.h"

static const char *compare_usage =
    "usage: shanglou compare SCENARIO... -o DIR [--time-limit S] [--gap G] [--quiet]\n"
    "\n"
    "Solve the plan of every scenario on its own parcels and put them side by side:\n"
    "candidates, redeveloped parcels, GFA gained, the clustering score (the chain-link\n"
    "bonuses of the objective), GFA per industry, objective, bound and gap.  Writes\n"
    "DIR/comparison.csv (UTF-8 with BOM) and DIR/comparison.html, atomically.\n"
    "\n"
    "  -o, --output DIR   output directory (created if missing)\n"
    "  --time-limit S     solver time limit per scenario, seconds (default: each\n"
    "                     scenario's plan.time_limit_s)\n"
    "  --gap G            relative gap to stop at (default: each scenario's plan.gap)\n"
    "  --lang en|zh       language of comparison.csv's headers and comparison.html\n"
    "                     (default: the first scenario's report.lang, else en)\n"
    "  -q, --quiet        print nothing but errors (no progress)\n"
    "\n"
    "Ctrl-C (SIGINT) stops the scenario being solved with its best plan and runs\n"
    "no further scenario: the comparison of the scenarios so far is written\n"
    "(stop_reason \"interrupted\"; exit 0).  A second Ctrl-C ends the run at once.\n";

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    if (interrupted) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    interrupted = 1;
}

typedef struct progress_ctx {
    cli_progress *p;
    double limit_s;
} progress_ctx;

static void on_scenario(void *user, int index, int n, const char *path)
{
    progress_ctx *c = user;
    const char *base = strrchr(path, '/');
    char task[64];
    snprintf(task, sizeof task, "plan %d/%d %s", index + 1, n, base ? base + 1 : path);
    cli_progress_end(c->p);
    cli_progress_begin(c->p, task, 0);
    cli_progress_set_limit(c->p, c->limit_s);
}

static void on_solver(void *user, double seconds, double objective, double bound)
{
    progress_ctx *c = user;
    cli_progress_plan_fn(c->p, seconds, objective, bound);
}

int cmd_compare(int argc, char **argv)
{
    const char *dir = NULL;
    const char *paths[256];
    int n = 0;
    bool quiet = false;
    sl_compare_options o;
    sl_compare_options_init(&o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(compare_usage, stdout);
            return 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (++i == argc)
                return cli_usage_error(compare_usage, "compare: %s needs a directory", a);
            dir = argv[i];
        } else if (strcmp(a, "--time-limit") == 0 || strcmp(a, "--gap") == 0) {
            double v;
            if (++i == argc || !cli_parse_double(argv[i], &v) || v < 0)
                return cli_usage_error(compare_usage, "compare: %s needs a number >= 0", a);
            if (a[2] == 't')
                o.time_limit_s = v;
            else
                o.gap = v;
        } else if (strcmp(a, "--lang") == 0) {
            if (++i == argc)
                return cli_usage_error(compare_usage, "compare: %s needs a value (one of %s)", a,
                                       sl_lang_list());
            if (cli_parse_lang(compare_usage, "compare", argv[i], &o.lang) != 0)
                return 2;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(compare_usage, "compare: unknown option '%s'", a);
        } else if (n == (int)(sizeof paths / sizeof paths[0])) {
            return cli_usage_error(compare_usage, "compare: too many scenarios at '%s'", a);
        } else {
            paths[n++] = a;
        }
    }
    if (n == 0)
        return cli_usage_error(compare_usage, "compare: missing %s", "SCENARIO");
    if (!dir)
        return cli_usage_error(compare_usage, "compare: missing %s", "-o DIR");

    /* Before anything is written: no output may be an input of any of
     * the scenarios (one that does not load fails in the run below). */
    sl_scenario *scs[256];
    for (int i = 0; i < n; i++) {
        sl_error e;
        sl_error_init(&e);
        scs[i] = sl_scenario_load(paths[i], &e);
        sl_error_clear(&e);
    }
    static const char *const names[] = {"comparison.csv", "comparison.html", NULL};
    int grc = cli_guard_outputs("compare", paths, scs, n, dir, names, NULL, NULL, NULL, NULL);
    for (int i = 0; i < n; i++)
        sl_scenario_destroy(scs[i]);
    if (grc != 0)
        return grc;

    sl_error err;
    sl_error_init(&err);
    cli_progress_options po;
    cli_progress_options_init(&po);
    if (quiet)
        po.mode = CLI_PROGRESS_OFF;
    progress_ctx pc = {cli_progress_create(stderr, &po), o.time_limit_s};
    o.on_scenario = on_scenario;
    o.progress = on_solver;
    o.user_data = &pc;
    sl_compare *c = NULL;
    sl_outdir *od = sl_outdir_begin(dir, &err);
    /* Ctrl-C ends the solves; the default action is back for the writing. */
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    interrupted = 0;
    bool handler = sigaction(SIGINT, &sa, &old_sa) == 0;
    o.interrupt = &interrupted;
    sl_status st = od ? sl_compare_run(paths, n, &o, &c, &err) : err.code;
    if (handler)
        sigaction(SIGINT, &old_sa, NULL);
    cli_progress_end(pc.p);
    if (st == SL_OK && interrupted)
        fprintf(stderr,
                "compare: interrupted: the comparison holds the %d of %d %s solved "
                "so far%s\n",
                c->n, n, cli_plural(n, "scenario", "scenarios"),
                c->n > 0 ? " (the last one stopped with its best plan)" : "");
    if (st == SL_OK) {
        const char *csv = sl_outdir_file(od, "comparison.csv");
        const char *html = sl_outdir_file(od, "comparison.html");
        st = sl_compare_write_csv(c, csv, &err);
        if (st == SL_OK)
            st = sl_compare_write_html(c, html, &err);
    }
    if (st == SL_OK) {
        st = sl_outdir_commit(od, &err);
        od = NULL;
    }
    if (st == SL_OK && !quiet) {
        for (int i = 0; i < c->n; i++) {
            const sl_compare_row *r = &c->rows[i];
            if (r->status == SL_PLAN_INFEASIBLE) {
                printf("%s: infeasible (run `shanglou plan %s` for the conflicting rules)\n",
                       r->name, r->path);
                continue;
            }
            if (!r->has_plan) {
                printf("%s: no plan was found (stop_reason %s; nothing is proven)\n", r->name,
                       sl_stop_reason_name(r->stop_reason));
                continue;
            }
            printf("%s: %s (stop_reason %s), %lld of %lld %s redeveloped, GFA gain "
                   "%.0f m², clustering %.0f, objective %.0f, ",
                   r->name, sl_plan_status_name(r->status), sl_stop_reason_name(r->stop_reason),
                   r->redeveloped, r->candidates,
                   cli_plural(r->candidates, "candidate", "candidates"), r->gfa_gain_m2,
                   r->clustering_m2eq, r->objective);
            if (r->has_bound)
                printf("gap %.3g %%", 100 * r->gap);
            else
                printf("gap — (no bound proven)");
            if (r->has_economics)
                printf("; capex %.0f CNY, NPV %.0f CNY", r->capex_cny, r->npv_cny);
            if (r->has_phasing && isfinite(r->phasing_objective))
                printf("; phasing %s: %d started%s", sl_plan_status_name(r->phasing_status),
                       r->parcels_started, r->last_start_year ? ", the last in " : "");
            else if (r->has_phasing)
                printf("; phasing %s", sl_plan_status_name(r->phasing_status));
            if (r->has_phasing && isfinite(r->phasing_objective) && r->last_start_year)
                printf("%d", r->last_start_year);
            printf("\n");
        }
        printf("compare: wrote comparison.csv and comparison.html in %s\n", dir);
    }
    sl_outdir_abort(od);
    sl_compare_destroy(c);
    cli_progress_destroy(pc.p);
    int rc = cli_finish(&err, st);
    sl_error_clear(&err);
    return rc;
}
