/*
 * textbuf.h - a growing text buffer for the writers that assemble whole
 * documents in memory (QGIS styles, report.html, stacking-plan SVGs,
 * comparison tables).  Out of memory is sticky: once an append fails the
 * buffer is marked failed, later appends do nothing, and sl_textbuf_take()
 * returns NULL, so callers check once at the end.
 */
#ifndef SL_UTIL_TEXTBUF_H
#define SL_UTIL_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "shanglou.h"

/* Invariant: s is NULL or NUL-terminated at s[len], len < cap. */
typedef struct sl_textbuf {
    char *s;
    size_t len, cap;
    bool failed;
} sl_textbuf;

/* Append text verbatim. */
void sl_textbuf_puts(sl_textbuf *b, const char *text);
/* Append printf-style. */
void sl_textbuf_printf(sl_textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text escaped for XML/HTML attribute values and content
 * (& < > " '); NULL appends nothing. */
void sl_textbuf_xml(sl_textbuf *b, const char *text);
/* Append text as one CSV field (RFC 4180: quoted when it holds a comma,
 * quote, CR or LF; quotes doubled); NULL appends nothing. */
void sl_textbuf_csv(sl_textbuf *b, const char *text);
/* Append v with `dec` decimals and thousands separators ("12,345.6"), for
 * people to read; "—" for NAN or infinity. */
void sl_textbuf_num(sl_textbuf *b, double v, int dec);
/* The text (heap, caller frees), or NULL when an append failed; the
 * buffer is left empty either way. */
char *sl_textbuf_take(sl_textbuf *b);
/* Release without taking; NULL is accepted. */
void sl_textbuf_clear(sl_textbuf *b);
/* Write the text to path (created or truncated); false on failure, with
 * errno set.  Does not clear the buffer. */
bool sl_textbuf_save(const sl_textbuf *b, const char *path);
/* sl_textbuf_save with the failure in err: SL_ERR_NOMEM when an append
 * failed, SL_ERR_IO ("PATH: cannot write: why") when the file could not be
 * written.  Does not clear the buffer. */
sl_status sl_textbuf_write(const sl_textbuf *b, const char *path, sl_error *err);

/* Write s (NULL: "") to f as a JSON string: quotes, backslashes and
 * control characters escaped; UTF-8 passes through. */
void sl_json_string(FILE *f, const char *s);
/* The same string literal appended to b. */
void sl_textbuf_json(sl_textbuf *b, const char *s);

/* Append printf-style to a fixed buffer of `size` bytes holding a
 * NUL-terminated list, with `sep` ("; ", ", ", "；") before the new part
 * when the list is not empty; nothing when not even the separator fits
 * (the text is cut at the end of the buffer otherwise).  For reasons and
 * messages that read as one line. */
void sl_str_appendf(char *buf, size_t size, const char *sep, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
