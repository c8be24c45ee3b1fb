/*
 * shanglou.h - public API of libshanglou, the 工业上楼 (vertical factory)
 * industrial land-use planning simulator.
 *
 * Two kinds of types: handles (sl_source, sl_outdir, the writers, the
 * progress-free sl_out_dataset ...) are opaque, declared here and in the
 * module headers as incomplete structs and used only through functions;
 * results (sl_scenario, sl_zone, sl_plan) are plain records that callers
 * read field by field, documented with their invariants where they are
 * declared.  Every *_destroy() accepts NULL.  Functions that can fail take
 * an sl_error * and return a status (or NULL); the error object collects
 * one line per problem, already phrased for a planner.  See
 * docs/architecture.md.
 */
#ifndef SHANGLOU_H
#define SHANGLOU_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHANGLOU_VERSION "0.1.0"

/* Result codes.  The CLI maps SL_ERR_USAGE and SL_ERR_SCENARIO to exit
 * status 2 and every other error to exit status 1. */
typedef enum sl_status {
    SL_OK = 0,
    SL_ERR_USAGE = 10,     /* bad command line                          */
    SL_ERR_SCENARIO = 11,  /* scenario file invalid (incl. field mapping, CRS) */
    SL_ERR_SOURCE = 20,    /* parcel source cannot be opened or read    */
    SL_ERR_IO = 21,        /* output could not be written               */
    SL_ERR_NOMEM = 22,     /* out of memory                             */
    SL_ERR_SOLVER = 30,    /* the LP/MIP solver failed                  */
    SL_ERR_INFEASIBLE = 31 /* the plan's rules cannot all hold          */
} sl_status;

/* A short English description of a status code (static storage). */
const char *sl_strerror(sl_status code);

/* Error collector: holds every message of a failed call, in order.  The
 * first non-OK code added is kept in `code`.  Initialise with
 * sl_error_init(), release with sl_error_clear(). */
typedef struct sl_error {
    sl_status code;
    int n; /* number of messages                       */
    int cap;
    char **msgs; /* n heap strings, one line each, no newline */
} sl_error;

void sl_error_init(sl_error *err);
void sl_error_clear(sl_error *err);
/* Append "message" (printf-style). */
void sl_error_add(sl_error *err, sl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append "FILE:LINE:COL: message"; line and col are 1-based. */
void sl_error_at(sl_error *err, sl_status code, const char *file, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Messages that are not errors: what the optimizer is doing (with
 * sl_plan_options.verbose), GLPK's own output, warnings.  The library
 * never writes to stdout or stderr, never exits and never reads the
 * environment: whatever it has to say goes to the caller's sl_log_fn,
 * which decides where it goes (the CLI prints it on stderr).  message is
 * one line without its newline, except for GLPK's output, which comes in
 * the pieces GLPK prints (newlines included). */
typedef enum sl_log_level {
    SL_LOG_WARNING, /* something the planner should know               */
    SL_LOG_INFO,    /* a step done                                     */
    SL_LOG_TRACE,   /* the optimizer's trace (verbose)                 */
    SL_LOG_SOLVER   /* GLPK's terminal output (verbose)                */
} sl_log_level;
typedef void (*sl_log_fn)(void *user_data, sl_log_level level, const char *message);

#ifdef __cplusplus
}
#endif
#endif
