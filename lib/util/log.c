/* log.c - formatting log messages for the caller's callback. */
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>

void sl_vlog(sl_log_fn fn, void *user_data, sl_log_level level, const char *fmt, va_list ap)
{
    if (!fn)
        return;
    char buf[1024];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, aq);
    va_end(aq);
    if (n < 0)
        return;
    if ((size_t)n < sizeof buf) {
        fn(user_data, level, buf);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        fn(user_data, level, buf); /* truncated rather than lost */
        return;
    }
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    fn(user_data, level, big);
    free(big);
}

void sl_log(sl_log_fn fn, void *user_data, sl_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_vlog(fn, user_data, level, fmt, ap);
    va_end(ap);
}
