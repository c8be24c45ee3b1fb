/*
 * ogr_util.h - glue shared by the modules that call GDAL/OGR: routing
 * GDAL's error messages into our error object, and hiding passwords of
 * connection strings in anything we print.
 */
#ifndef SL_UTIL_OGR_UTIL_H
#define SL_UTIL_OGR_UTIL_H

#include <stddef.h>
#include <gdal.h>

/* While installed, GDAL messages are not printed; the last failure text is
 * kept in the capture (truncated to its buffer). */
typedef struct sl_gdal_capture {
    char last[1024];
    char first[1024]; /* the first failure: the cause when one leads to others */
    int n_errors;
} sl_gdal_capture;

/* Register GDAL drivers once (thread-unsafe; called by every entry point). */
void sl_gdal_init(void);
void sl_gdal_capture_push(sl_gdal_capture *c);
void sl_gdal_capture_pop(void);

/* Copy src to dst with any "password=..." / "PASSWORD=..." value and any
 * "user:pass@" URI credentials replaced by "***".  Always NUL-terminates. */
void sl_redact(const char *src, char *dst, size_t size);

/* GDAL's message msg made one line of ours, into dst: runs of blanks and
 * line breaks become one space (a line ending without punctuation before
 * one starting with a capital gets a full stop), the PostgreSQL driver's "PQconnectdb failed." becomes
 * "cannot connect:", and the server's LINE, CONTEXT and "Failing row
 * contains" details (SQL of GDAL's making, the row's data) are left out.
 * Always NUL-terminates. */
void sl_gdal_message(const char *msg, char *dst, size_t size);

/* A PostgreSQL connection waits at most this long for a lock (unless the
 * server, role or PGOPTIONS set lock_timeout already): a run blocked by
 * another session fails with the server's message rather than hang. */
#define SL_PG_LOCK_TIMEOUT "30s"

/* Apply SL_PG_LOCK_TIMEOUT to the open PostgreSQL dataset ds when its
 * session has no lock_timeout. */
void sl_pg_set_lock_timeout(GDALDatasetH ds);

#endif
