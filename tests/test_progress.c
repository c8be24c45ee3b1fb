/* test_progress.c - lib/progress.c: plain lines off a terminal, the bar on
 * one, nothing when quiet; and what the CLI prints. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "progress.h"
#include "support.h"

static char *run_with(cli_progress_mode mode, double interval)
{
    FILE *f = tmpfile();
    cr_assert(f);
    cli_progress_options o;
    cli_progress_options_init(&o);
    o.mode = mode;
    o.interval_s = interval;
    o.width = 100;
    cli_progress *p = cli_progress_create(f, &o);
    cr_assert(p);
    cli_progress_begin(p, "reading parcels", 4);
    for (int i = 1; i <= 4; i++)
        cli_progress_step(p, i);
    cli_progress_end(p);
    cli_progress_begin(p, "solving", 0);
    cli_progress_set_limit(p, 60);
    cli_progress_plan_fn(p, 1.0, NAN, 1000);
    cli_progress_plan_fn(p, 2.0, 900, 1000);
    cli_progress_end(p);
    cli_progress_destroy(p);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

Test(progress, lines)
{
    char *s = run_with(CLI_PROGRESS_LINES, 0);
    cr_assert(strstr(s, "reading parcels: 2 of 4 (50 %), "), "%s", s);
    cr_assert(strstr(s, "left\n"), "time left: %s", s);
    cr_assert(strstr(s, "reading parcels: 4 of 4, done in "), "%s", s);
    cr_assert(strstr(s, "solving: no plan yet, bound 1000, 1.0 s of at most 60 s\n"), "%s", s);
    cr_assert(strstr(s, "solving: best 900, bound 1000, gap 11.11 %, 2.0 s of at most 60 s\n"),
              "%s", s);
    cr_assert(strstr(s, "solving: best 900, bound 1000, gap 11.11 %, 2.0 s\n"), "final: %s", s);
    cr_assert_null(strchr(s, '\r'), "no carriage returns in a log");
    free(s);
}

Test(progress, lines_are_throttled)
{
    char *s = run_with(CLI_PROGRESS_LINES, 1000);
    int lines = 0;
    for (char *c = s; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 0, "tasks shorter than the interval leave no line: %s", s);
    free(s);
}

/* A task longer than the interval: periodic lines, then its end. */
Test(progress, lines_of_a_long_task)
{
    FILE *f = tmpfile();
    cli_progress_options o;
    cli_progress_options_init(&o);
    o.mode = CLI_PROGRESS_LINES;
    o.interval_s = 0.01;
    cli_progress *p = cli_progress_create(f, &o);
    cli_progress_begin(p, "reading parcels", 3);
    for (int i = 1; i <= 3; i++) {
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        cli_progress_step(p, i);
    }
    cli_progress_end(p);
    cli_progress_destroy(p);
    long n = ftell(f);
    rewind(f);
    char s[4096] = {0};
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    cr_assert(strstr(s, "reading parcels: 1 of 3 (33 %), "), "%s", s);
    cr_assert(strstr(s, "reading parcels: 3 of 3, done in "), "%s", s);
}

/* The library may be silent for long (one GLPK call, the neighbour
 * search): the log still gets a line every interval, with the task's time
 * and the solver's last figures, and the bar still moves. */
static char *silent_task(cli_progress_mode mode, double interval_s, double silent_s, int solver)
{
    FILE *f = tmpfile();
    cr_assert(f);
    cli_progress_options o;
    cli_progress_options_init(&o);
    o.mode = mode;
    o.interval_s = interval_s;
    o.width = 100;
    cli_progress *p = cli_progress_create(f, &o);
    cli_progress_begin(p, solver ? "solving" : "finding neighbours", 0);
    if (solver) {
        cli_progress_set_limit(p, 60);
        cli_progress_plan_fn(p, 0.0, 900, 1000);
    }
    struct timespec ts = {(time_t)silent_s, (long)((silent_s - (int)silent_s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
    cli_progress_end(p);
    cli_progress_destroy(p);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

Test(progress, a_silent_task_still_prints_lines)
{
    char *s = silent_task(CLI_PROGRESS_LINES, 0.2, 1.1, 0);
    int lines = 0;
    for (char *c = s; *c; c++)
        lines += *c == '\n';
    /* 5 ticks in 1.1 s and the end; a loaded machine may lose one. */
    cr_assert_geq(lines, 4, "a line every 0.2 s: %s", s);
    cr_assert(strstr(s, "finding neighbours: 0.2 s\n") || strstr(s, "finding neighbours: 0.3 s\n"),
              "the task's time: %s", s);
    cr_assert(strstr(s, "finding neighbours: done in 1."), "%s", s);
    free(s);

    s = silent_task(CLI_PROGRESS_LINES, 0.2, 1.1, 1);
    cr_assert(strstr(s, "solving: best 900, bound 1000, gap 11.11 %, 0.4 s of at most 60 s\n"),
              "the solver's last figures with the running clock: %s", s);
    free(s);
}

Test(progress, the_bar_moves_every_half_second)
{
    char *s = silent_task(CLI_PROGRESS_BAR, 0.1, 1.2, 1);
    int draws = 0;
    for (char *c = s; *c; c++)
        draws += *c == '\r';
    /* the first draw at 0 s, ticks at 0.5 and 1.0 s, the end */
    cr_assert_geq(draws, 3, "%s", s);
    cr_assert(strstr(s, "gap 11.11 %, 0.5 s of at most 60 s") ||
                  strstr(s, "gap 11.11 %, 0.6 s of at most 60 s"),
              "%s", s);
    free(s);
}

Test(progress, bar)
{
    char *s = run_with(CLI_PROGRESS_BAR, 0);
    cr_assert(strstr(s, "\rreading parcels [============>           ]  50 % 2/4 ETA "), "%s", s);
    cr_assert(strstr(s, "\rreading parcels [========================] 4 of 4, done in "), "%s", s);
    cr_assert(strstr(s, "\033[K"), "clears the rest of the line");
    cr_assert(strstr(s, "\rsolving [>"), "%s", s);
    free(s);
}

Test(progress, off)
{
    char *s = run_with(CLI_PROGRESS_OFF, 0);
    cr_assert_str_eq(s, "");
    free(s);
    cli_progress_begin(NULL, "x", 1); /* NULL is harmless */
    cli_progress_step(NULL, 1);
    cli_progress_end(NULL);
    cli_progress_destroy(NULL);
}

Test(progress, cli_quiet_and_not_a_terminal)
{
    char *dir = t_tmpdir();
    t_run r = t_cli("evaluate", "../scenarios/gonggai.yaml", "-o", dir, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, "", "--quiet: nothing on stderr");
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    r = t_cli("evaluate", "../scenarios/gonggai.yaml", "-o", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, "", "stderr is a file and the run quick: no line");
    t_run_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* The solver's line shows best, bound and gap; without a proven bound
 * both read "—", never 0 (docs/model.md §6). */
Test(progress, no_bound_is_a_dash_not_zero)
{
    FILE *f = tmpfile();
    cr_assert(f);
    cli_progress_options o;
    cli_progress_options_init(&o);
    o.mode = CLI_PROGRESS_LINES;
    o.interval_s = 0;
    cli_progress *p = cli_progress_create(f, &o);
    cli_progress_begin(p, "solving", 0);
    cli_progress_set_limit(p, 10);
    cli_progress_plan_fn(p, 0.5, NAN, NAN);
    cli_progress_plan_fn(p, 1.0, 900, NAN);
    cli_progress_plan_fn(p, 1.5, 900, 1000);
    cli_progress_end(p);
    cli_progress_destroy(p);
    long n = ftell(f);
    rewind(f);
    char s[4096] = {0};
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    cr_assert(strstr(s, "solving: no plan yet, bound —, 0.5 s of at most 10 s\n"), "%s", s);
    cr_assert(strstr(s, "solving: best 900, bound —, gap —, 1.0 s of at most 10 s\n"), "%s", s);
    cr_assert(strstr(s, "solving: best 900, bound 1000, gap 11.11 %, 1.5 s of at most 10 s\n"),
              "%s", s);
    cr_assert_null(strstr(s, "gap 0.00"), "no gap without a bound: %s", s);
}
