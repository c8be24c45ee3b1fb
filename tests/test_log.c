/*
 * test_log.c - the library never talks to the terminal: a whole plan of
 * the bundled scenario, run through the library with verbose tracing on,
 * writes nothing to stdout or stderr, and what it has to say (its trace,
 * GLPK's output) reaches the caller's log callback instead.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eval/evaluate.h"
#include "input/scenario.h"
#include "plan/plan.h"
#include "support.h"

typedef struct log_seen {
    int trace, solver, other;
    char first_trace[200];
} log_seen;

static void collect(void *user_data, sl_log_level level, const char *message)
{
    log_seen *s = user_data;
    if (level == SL_LOG_TRACE) {
        if (s->trace++ == 0)
            snprintf(s->first_trace, sizeof s->first_trace, "%s", message);
    } else if (level == SL_LOG_SOLVER) {
        s->solver++;
    } else {
        s->other++;
    }
}

/* Run fn with fds 1 and 2 sent to a file; returns how many bytes were
 * written there. */
static long long captured_bytes(void (*fn)(void *), void *arg)
{
    char *dir = t_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/stdio", dir);
    fflush(stdout);
    fflush(stderr);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    int save1 = dup(1), save2 = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);
    fn(arg);
    fflush(stdout);
    fflush(stderr);
    dup2(save1, 1);
    dup2(save2, 2);
    close(save1);
    close(save2);
    close(fd);
    struct stat st;
    cr_assert(stat(path, &st) == 0);
    t_rmtree(dir);
    free(dir);
    return (long long)st.st_size;
}

typedef struct run {
    log_seen seen;
    sl_status load, solve;
    int n_parcels;
    sl_plan_status status;
} run;

static void plan_sample(void *arg)
{
    run *r = arg;
    sl_error err;
    sl_error_init(&err);
    char *path = t_src("scenarios/gonggai.yaml");
    sl_scenario *sc = sl_scenario_load(path, &err);
    free(path);
    r->load = sc ? SL_OK : err.code;
    sl_zone *z = sc ? sl_zone_open(sc, &err) : NULL;
    if (z && sl_zone_read(z, NULL, NULL, &err) == SL_OK) {
        sl_plan_options o;
        sl_plan_options_init(&o, sc);
        o.time_limit_s = 5;
        o.verbose = true;
        o.log = collect;
        o.log_user_data = &r->seen;
        sl_plan *p = NULL;
        r->solve = sl_plan_solve(z, &o, &p, &err);
        if (p) {
            r->n_parcels = p->n;
            r->status = p->status;
        }
        sl_plan_destroy(p);
    } else {
        r->load = SL_ERR_SOURCE;
    }
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

Test(log, a_verbose_plan_writes_nothing_to_the_terminal, .timeout = 120)
{
    run r;
    memset(&r, 0, sizeof r);
    long long bytes = captured_bytes(plan_sample, &r);
    cr_assert_eq(r.load, SL_OK);
    cr_assert_eq(r.solve, SL_OK);
    cr_assert_gt(r.n_parcels, 100, "the sample zone has 188 parcels");
    cr_assert_neq(r.status, SL_PLAN_INFEASIBLE);
    cr_assert_eq(bytes, 0, "the library wrote %lld bytes to stdout/stderr", bytes);
    /* what it had to say went to the callback */
    cr_assert_gt(r.seen.trace, 0, "verbose: the optimizer's trace reaches the log");
    cr_assert(strncmp(r.seen.first_trace, "plan: ", 6) == 0, "trace line: %s", r.seen.first_trace);
}

/* GLPK's own terminal output goes to the log too: a one-parcel plan runs
 * GLPK's integer optimizer (which prints with verbose) within any time. */
Test(log, glpk_output_reaches_the_log, .timeout = 120)
{
    sl_error err;
    sl_error_init(&err);
    char *path = t_src("tests/plan/one-parcel.yaml");
    sl_scenario *sc = sl_scenario_load(path, &err);
    free(path);
    cr_assert_not_null(sc);
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert_not_null(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    log_seen seen;
    memset(&seen, 0, sizeof seen);
    sl_plan_options o;
    sl_plan_options_init(&o, sc);
    o.verbose = true;
    o.log = collect;
    o.log_user_data = &seen;
    sl_plan *p = NULL;
    cr_assert_eq(sl_plan_solve(z, &o, &p, &err), SL_OK);
    cr_assert_gt(seen.trace, 0);
    cr_assert_gt(seen.solver, 0, "verbose: GLPK's output reaches the log");
    sl_plan_destroy(p);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
}

Test(log, without_a_callback_nothing_is_said_anywhere, .timeout = 120)
{
    /* verbose with no callback: still silent (GLPK's output swallowed) */
    sl_error err;
    sl_error_init(&err);
    char *path = t_src("tests/plan/one-parcel.yaml");
    sl_scenario *sc = sl_scenario_load(path, &err);
    free(path);
    cr_assert_not_null(sc);
    sl_zone *z = sl_zone_open(sc, &err);
    cr_assert_not_null(z);
    cr_assert_eq(sl_zone_read(z, NULL, NULL, &err), SL_OK);
    char *dir = t_tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/stdio", dir);
    fflush(stderr);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int save2 = dup(2);
    dup2(fd, 2);
    sl_plan_options o;
    sl_plan_options_init(&o, sc);
    o.verbose = true;
    sl_plan *p = NULL;
    sl_status st = sl_plan_solve(z, &o, &p, &err);
    fflush(stderr);
    dup2(save2, 2);
    close(save2);
    close(fd);
    struct stat sb;
    cr_assert(stat(out, &sb) == 0);
    cr_assert_eq(st, SL_OK);
    cr_assert_eq(sb.st_size, 0, "stderr got %lld bytes", (long long)sb.st_size);
    sl_plan_destroy(p);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    t_rmtree(dir);
    free(dir);
}
