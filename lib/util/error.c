/* error.c - status codes and the error collector. */
#include "shanglou.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    sl_status code;
    const char *text;
} status_texts[] = {
    {SL_OK, "ok"},
    {SL_ERR_USAGE, "usage error"},
    {SL_ERR_SCENARIO, "invalid scenario"},
    {SL_ERR_SOURCE, "cannot read the parcel source"},
    {SL_ERR_IO, "cannot write output"},
    {SL_ERR_NOMEM, "out of memory"},
    {SL_ERR_SOLVER, "solver failure"},
    {SL_ERR_INFEASIBLE, "the rules cannot all hold"},
};

const char *sl_strerror(sl_status code)
{
    for (size_t i = 0; i < sizeof status_texts / sizeof status_texts[0]; i++)
        if (status_texts[i].code == code)
            return status_texts[i].text;
    return "unknown error";
}

void sl_error_init(sl_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

void sl_error_clear(sl_error *err)
{
    if (!err)
        return;
    for (int i = 0; i < err->n; i++)
        free(err->msgs[i]);
    free(err->msgs);
    memset(err, 0, sizeof *err);
}

static void add_text(sl_error *err, sl_status code, char *text)
{
    /* Out of memory for the message itself: the code is still kept, so
     * the caller fails with it (and sl_strerror names it). */
    if (err->code == SL_OK)
        err->code = code;
    if (!text)
        return;
    /* One line per message: fold any newline a library handed us. */
    for (char *c = text; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    if (err->n == err->cap) {
        int cap = err->cap ? err->cap * 2 : 8;
        char **m = realloc(err->msgs, (size_t)cap * sizeof *m);
        if (!m) {
            free(text);
            return;
        }
        err->msgs = m;
        err->cap = cap;
    }
    err->msgs[err->n++] = text;
}

static char *vformat(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static char *vformat(const char *prefix, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    size_t plen = prefix ? strlen(prefix) : 0;
    char *s = malloc(plen + (size_t)(n < 0 ? 0 : n) + 1);
    if (!s)
        return NULL;
    if (plen)
        memcpy(s, prefix, plen);
    vsnprintf(s + plen, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    return s;
}

void sl_error_add(sl_error *err, sl_status code, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_text(err, code, vformat(NULL, fmt, ap));
    va_end(ap);
}

void sl_error_at(sl_error *err, sl_status code, const char *file, int line, int col,
                 const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", file ? file : "-", line, col);
    va_list ap;
    va_start(ap, fmt);
    add_text(err, code, vformat(prefix, fmt, ap));
    va_end(ap);
}
