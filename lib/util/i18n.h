/*
 * i18n.h - the language of what a planner reads: one translation table
 * (i18n.c) from the English text, which is the key, to Chinese.
 *
 * English is the default and is the key itself: sl_tr(SL_LANG_EN, s)
 * returns s, so an English run writes exactly the bytes it always wrote.
 * A key that has numbers is an English printf format and its Chinese text
 * a format with the same conversions in the same order (tests/test_i18n.c
 * checks every row); sl_tr carries format_arg, so the compiler checks the
 * arguments against the English key.  How to add a string:
 * docs/architecture.md ("A new string a planner reads").
 */
#ifndef SL_UTIL_I18N_H
#define SL_UTIL_I18N_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sl_lang { SL_LANG_EN, SL_LANG_ZH, SL_N_LANGS } sl_lang;

/* Marks a key that is translated later, through a variable (a table of
 * column headers, say): the text is unchanged, and tests/test_i18n.c finds
 * it in lib/ like a key written in sl_tr(). */
#define SL_N(en) (en)

/* "en", "zh" (NULL for a value out of range). */
const char *sl_lang_name(sl_lang lang);

/* The language named `name` ("en", "zh") into *out; false for any other. */
bool sl_lang_parse(const char *name, sl_lang *out);

/* The names of every language, for messages: "en, zh". */
const char *sl_lang_list(void);

/* `en` in language lang: en itself for English, and for Chinese the
 * table's text, or en when the table has no row for it (the test
 * tests/test_i18n.c finds every literal key of lib/ in the table).  A key
 * may start with a context and "\004" (as gettext's msgctxt) when one
 * English word needs two Chinese ones: "status\004redeveloped" is 改造,
 * "redeveloped" as a column header 改造地块数; English is the text after
 * the "\004". */
const char *sl_tr(sl_lang lang, const char *en) __attribute__((format_arg(2)));

/* A value named by a variable in its context: the row "ctx\004word"
 * (sl_tr_ctx(lang, "status", "kept") is 保留), or word itself in English
 * or when there is no such row.  Contexts: "status" (parcel status
 * values), "plan" (plan status names), "stop" (stop reasons), "grade". */
const char *sl_tr_ctx(sl_lang lang, const char *ctx, const char *word);

/* Whether the table has a row for en. */
bool sl_tr_has(const char *en);

/* The table's rows, for tests: the number of rows, and row i's English
 * key and Chinese text (false when i is out of range). */
int sl_tr_count(void);
bool sl_tr_row(int i, const char **en, const char **zh);

#endif
