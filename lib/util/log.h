/*
 * log.h - the library's one way to say something outside an error: a
 * message handed to the caller's sl_log_fn (shanglou.h).  The library
 * never writes to stdout or stderr itself.
 */
#ifndef SL_UTIL_LOG_H
#define SL_UTIL_LOG_H

#include <stdarg.h>

#include "shanglou.h"

/* Format a message (no trailing newline needed) and pass it to fn; nothing
 * happens when fn is NULL. */
void sl_log(sl_log_fn fn, void *user_data, sl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sl_vlog(sl_log_fn fn, void *user_data, sl_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
