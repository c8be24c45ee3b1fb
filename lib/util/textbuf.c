/* textbuf.c - growing text buffer. */
#include "util/textbuf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(sl_textbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra < b->cap)
        return true;
    if (extra >= SIZE_MAX / 2 - b->len) { /* the size would overflow */
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + extra)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->failed = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

static void put(sl_textbuf *b, const char *text, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sl_textbuf_puts(sl_textbuf *b, const char *text)
{
    if (text)
        put(b, text, strlen(text));
}

void sl_textbuf_printf(sl_textbuf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n >= 0 && reserve(b, (size_t)n + 1)) {
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

void sl_textbuf_xml(sl_textbuf *b, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '&': sl_textbuf_puts(b, "&amp;"); break;
        case '<': sl_textbuf_puts(b, "&lt;"); break;
        case '>': sl_textbuf_puts(b, "&gt;"); break;
        case '"': sl_textbuf_puts(b, "&quot;"); break;
        case '\'': sl_textbuf_puts(b, "&apos;"); break;
        case '\n': sl_textbuf_puts(b, "&#10;"); break;
        default: put(b, p, 1);
        }
    }
}

void sl_textbuf_csv(sl_textbuf *b, const char *text)
{
    if (!text)
        return;
    if (!strpbrk(text, ",\"\r\n")) {
        sl_textbuf_puts(b, text);
        return;
    }
    put(b, "\"", 1);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            put(b, "\"", 1);
        put(b, p, 1);
    }
    put(b, "\"", 1);
}

void sl_textbuf_num(sl_textbuf *b, double v, int dec)
{
    if (!isfinite(v)) {
        sl_textbuf_puts(b, "—");
        return;
    }
    char raw[400];
    /* no "-0" for values that round to zero */
    snprintf(raw, sizeof raw, "%.*f", dec, fabs(v) < 0.5 * pow(10, -dec) ? 0.0 : v);
    const char *p = raw;
    if (*p == '-')
        put(b, p++, 1);
    size_t int_len = strcspn(p, ".");
    for (size_t i = 0; i < int_len; i++) {
        put(b, p + i, 1);
        size_t rest = int_len - i - 1;
        if (rest && rest % 3 == 0)
            put(b, ",", 1);
    }
    sl_textbuf_puts(b, p + int_len);
}

char *sl_textbuf_take(sl_textbuf *b)
{
    if (!b)
        return NULL;
    char *s = b->failed ? NULL : b->s;
    if (!s && !b->failed)
        s = calloc(1, 1);
    if (b->failed)
        free(b->s);
    memset(b, 0, sizeof *b);
    return s;
}

void sl_textbuf_clear(sl_textbuf *b)
{
    if (!b)
        return;
    free(b->s);
    memset(b, 0, sizeof *b);
}

bool sl_textbuf_save(const sl_textbuf *b, const char *path)
{
    if (b->failed) {
        errno = ENOMEM;
        return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(b->s ? b->s : "", 1, b->len, f) == b->len;
    int e = errno;
    if (fclose(f) != 0)
        ok = false;
    else
        errno = e;
    return ok;
}

sl_status sl_textbuf_write(const sl_textbuf *b, const char *path, sl_error *err)
{
    if (b->failed) {
        sl_error_add(err, SL_ERR_NOMEM, "%s: cannot write: out of memory", path);
        return SL_ERR_NOMEM;
    }
    if (!sl_textbuf_save(b, path)) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return SL_ERR_IO;
    }
    return SL_OK;
}

void sl_str_appendf(char *buf, size_t size, const char *sep, const char *fmt, ...)
{
    size_t len = strlen(buf), n = strlen(sep);
    if (len + 1 >= size || (len > 0 && len + n + 1 >= size))
        return;
    if (len > 0) {
        memcpy(buf + len, sep, n + 1);
        len += n;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* One byte of a JSON string literal as written: escaped when it is a
 * quote, a backslash or a control character (UTF-8 passes through). */
static const char *json_byte(unsigned char c, char out[8])
{
    if (c == '"' || c == '\\')
        snprintf(out, 8, "\\%c", c);
    else if (c < 0x20)
        snprintf(out, 8, "\\u%04x", c);
    else
        snprintf(out, 8, "%c", c);
    return out;
}

void sl_json_string(FILE *f, const char *s)
{
    char e[8];
    fputc('"', f);
    for (; s && *s; s++)
        fputs(json_byte((unsigned char)*s, e), f);
    fputc('"', f);
}

void sl_textbuf_json(sl_textbuf *b, const char *s)
{
    char e[8];
    sl_textbuf_puts(b, "\"");
    for (; s && *s; s++)
        sl_textbuf_puts(b, json_byte((unsigned char)*s, e));
    sl_textbuf_puts(b, "\"");
}
