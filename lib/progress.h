/*
 * progress.h - telling the person at the terminal how far a run has got:
 * features read, parcels evaluated, the solver's best plan and bound.  The
 * library reports through callbacks (sl_parcel_fn, sl_plan_progress_fn);
 * the CLI forwards them here.  On a terminal: one bar redrawn in place, with
 * the time left; otherwise (a log file, CI): a plain line every interval
 * and one at the end of a task that took longer than that (a quick run
 * leaves the log alone); or nothing at all.
 */
#ifndef SL_PROGRESS_H
#define SL_PROGRESS_H

#include <stdio.h>

typedef enum sl_progress_mode {
    SL_PROGRESS_AUTO,   /* BAR when out is a terminal, else LINES */
    SL_PROGRESS_BAR,    /* redrawn in place with \r */
    SL_PROGRESS_LINES,  /* one line per interval_s */
    SL_PROGRESS_OFF     /* nothing (--quiet) */
} sl_progress_mode;

typedef struct sl_progress_options {
    sl_progress_mode mode;  /* default AUTO */
    double interval_s;      /* LINES: at most one line per interval (default 5);
                             * BAR: redraw at most every interval (default 0.1) */
    int width;              /* BAR: columns (default: the terminal's, else 80) */
} sl_progress_options;

/* Defaults as documented above. */
void sl_progress_options_init(sl_progress_options *o);

typedef struct sl_progress sl_progress;

/* A reporter writing to out (usually stderr).  o may be NULL (defaults).
 * Returns NULL when out of memory; every function accepts NULL and then
 * does nothing, so a failed create only loses the display.
 * Free with sl_progress_destroy(). */
sl_progress *sl_progress_create(FILE *out, const sl_progress_options *o);
void sl_progress_destroy(sl_progress *p);

/* Start a task ("reading parcels"); total is the expected count (<= 0:
 * unknown, no percentage or time left). */
void sl_progress_begin(sl_progress *p, const char *task, double total);
/* done units of the current task are finished. */
void sl_progress_step(sl_progress *p, double done);
/* The solver's state: best objective and proven bound so far (NAN: none
 * yet), after seconds of a time limit of limit_s (<= 0: none). */
void sl_progress_solver(sl_progress *p, double seconds, double objective, double bound,
                        double limit_s);
/* Finish the current task: its final state on one line (LINES: only when
 * the task printed a line before). */
void sl_progress_end(sl_progress *p);

/* Adapter with the signature of sl_plan_progress_fn (plan.h): user_data is
 * the sl_progress; the time limit is the one last set with
 * sl_progress_set_limit(). */
void sl_progress_plan_fn(void *user_data, double seconds, double objective, double bound);
void sl_progress_set_limit(sl_progress *p, double limit_s);

#endif
