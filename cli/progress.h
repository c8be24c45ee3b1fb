/*
 * progress.h - telling the person at the terminal how far a run has got:
 * features read, parcels evaluated, the solver's best plan and bound.  The
 * library reports through callbacks (sl_parcel_fn, sl_plan_progress_fn);
 * the CLI forwards them here.  On a terminal: one bar redrawn in place, with
 * the time left; otherwise (a log file, CI): a plain line every interval
 * and one at the end of a task that took longer than that (a quick run
 * leaves the log alone); or nothing at all.  A ticker thread redraws the
 * current task when the library has been silent for an interval (half a
 * second for the bar), so both keep moving during one long library call;
 * every function takes the reporter's lock.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdio.h>

typedef enum cli_progress_mode {
    CLI_PROGRESS_AUTO,  /* BAR when out is a terminal, else LINES */
    CLI_PROGRESS_BAR,   /* redrawn in place with \r */
    CLI_PROGRESS_LINES, /* one line per interval_s */
    CLI_PROGRESS_OFF    /* nothing (--quiet) */
} cli_progress_mode;

typedef struct cli_progress_options {
    cli_progress_mode mode; /* default AUTO */
    double interval_s;      /* LINES: at most one line per interval (default 5);
                             * BAR: redraw at most every interval (default 0.1) */
    int width;              /* BAR: columns (default: the terminal's, else 80) */
} cli_progress_options;

/* Defaults as documented above. */
void cli_progress_options_init(cli_progress_options *o);

typedef struct cli_progress cli_progress;

/* A reporter writing to out (usually stderr).  o may be NULL (defaults).
 * Returns NULL when out of memory; every function accepts NULL and then
 * does nothing, so a failed create only loses the display.
 * Free with cli_progress_destroy(). */
cli_progress *cli_progress_create(FILE *out, const cli_progress_options *o);
void cli_progress_destroy(cli_progress *p);

/* Start a task ("reading parcels"); total is the expected count (<= 0:
 * unknown, no percentage or time left). */
void cli_progress_begin(cli_progress *p, const char *task, double total);
/* done units of the current task are finished. */
void cli_progress_step(cli_progress *p, double done);
/* The solver's state: best objective and proven bound so far (NAN: none
 * yet), after seconds of a time limit of limit_s (<= 0: none). */
void cli_progress_solver(cli_progress *p, double seconds, double objective, double bound,
                         double limit_s);
/* Finish the current task: its final state on one line (LINES: only when
 * the task printed a line before). */
void cli_progress_end(cli_progress *p);

/* Adapter with the signature of sl_plan_progress_fn (plan.h): user_data is
 * the cli_progress; the time limit is the one last set with
 * cli_progress_set_limit(). */
void cli_progress_plan_fn(void *user_data, double seconds, double objective, double bound);
void cli_progress_set_limit(cli_progress *p, double limit_s);

#endif
