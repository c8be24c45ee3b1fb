/*
 * shanglou.h - public API of libshanglou, the 工业上楼 (vertical factory)
 * industrial land-use planning simulator.
 *
 * Handles are opaque.  Every *_destroy() accepts NULL.  Functions that can
 * fail take an sl_error * and return a status (or NULL); the error object
 * collects one line per problem, already phrased for a planner.
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
    SL_ERR_USAGE = 10,      /* bad command line                          */
    SL_ERR_SCENARIO = 11,   /* scenario file invalid (incl. field mapping, CRS) */
    SL_ERR_SOURCE = 20,     /* parcel source cannot be opened or read    */
    SL_ERR_IO = 21,         /* output could not be written               */
    SL_ERR_NOMEM = 22,      /* out of memory                             */
    SL_ERR_SOLVER = 30,     /* the LP/MIP solver failed                  */
    SL_ERR_INFEASIBLE = 31  /* the plan's rules cannot all hold          */
} sl_status;

/* A short English description of a status code (static storage). */
const char *sl_strerror(sl_status code);

/* Error collector: holds every message of a failed call, in order.  The
 * first non-OK code added is kept in `code`.  Initialise with
 * sl_error_init(), release with sl_error_clear(). */
typedef struct sl_error {
    sl_status code;
    int n;          /* number of messages                       */
    int cap;
    char **msgs;    /* n heap strings, one line each, no newline */
} sl_error;

void sl_error_init(sl_error *err);
void sl_error_clear(sl_error *err);
/* Append "message" (printf-style). */
void sl_error_add(sl_error *err, sl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append "FILE:LINE:COL: message"; line and col are 1-based. */
void sl_error_at(sl_error *err, sl_status code, const char *file, int line,
                 int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#ifdef __cplusplus
}
#endif
#endif
