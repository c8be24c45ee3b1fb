/*
 * test_api.c - the library's promises about releasing things
 * (docs/architecture.md, "Ownership"): every function that destroys,
 * frees, closes or clears accepts NULL and does nothing, so that callers
 * may release on every path without checking; sl_error_clear on an
 * initialised, empty collector leaves it empty; and a text buffer that
 * ran out of memory reports SL_ERR_NOMEM rather than an I/O error.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shanglou.h"
#include "econ/economics.h"
#include "eval/evaluate.h"
#include "input/scenario.h"
#include "input/source.h"
#include "out/buildings_layer.h"
#include "out/compare.h"
#include "out/floors_layer.h"
#include "out/geopackage.h"
#include "out/layer_writer.h"
#include "out/outdir.h"
#include "out/parcels_layer.h"
#include "plan/plan.h"
#include "util/textbuf.h"
#include "support.h"

Test(api, destroy_functions_accept_null)
{
    sl_scenario_destroy(NULL);
    sl_source_destroy(NULL);
    sl_zone_destroy(NULL);
    sl_plan_destroy(NULL);
    sl_compare_destroy(NULL);
    sl_economics_destroy(NULL);
    sl_textbuf_clear(NULL);
    sl_error_clear(NULL);
    sl_outdir_abort(NULL);
    sl_out_dataset_abort(NULL, NULL);
    sl_floors_writer_close(NULL);
    sl_buildings_writer_close(NULL);

    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_out_dataset_close(NULL, &err), SL_OK);
    cr_assert_eq(sl_parcels_writer_close(NULL, &err), SL_OK);
    cr_assert_eq(sl_gpkg_writer_close(NULL, &err), SL_OK);
    sl_out_dataset_abort(NULL, &err);
    cr_assert_eq(err.code, SL_OK);
    cr_assert_eq(err.n, 0);
    sl_error_clear(&err);
}

Test(api, error_clear_on_empty_and_twice)
{
    sl_error err;
    sl_error_init(&err);
    sl_error_clear(&err);
    cr_assert_eq(err.code, SL_OK);
    cr_assert_eq(err.n, 0);
    cr_assert_null(err.msgs);
    sl_error_clear(&err); /* cleared twice: still fine */

    sl_error_add(&err, SL_ERR_IO, "%s: cannot write", "x");
    sl_error_add(&err, SL_ERR_NOMEM, "second");
    cr_assert_eq(err.code, SL_ERR_IO, "the first code is kept");
    cr_assert_eq(err.n, 2);
    sl_error_clear(&err);
    cr_assert_eq(err.n, 0);
    cr_assert_eq(err.code, SL_OK);

    /* The functions that take an error accept NULL for it. */
    sl_error_add(NULL, SL_ERR_IO, "ignored");
    sl_error_at(NULL, SL_ERR_SCENARIO, "f.yaml", 1, 1, "ignored");
}

Test(api, textbuf_clear_and_take)
{
    sl_textbuf b = {0};
    sl_textbuf_clear(&b); /* never used */
    sl_textbuf_puts(&b, "abc");
    sl_textbuf_clear(&b);
    cr_assert_null(b.s);
    cr_assert_eq(b.len, 0);
    char *s = sl_textbuf_take(&b); /* empty buffer: an empty string */
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "");
    free(s);
    cr_assert_null(sl_textbuf_take(NULL));
}

Test(api, textbuf_out_of_memory_is_nomem)
{
    char *dir = t_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    sl_textbuf b = {0};
    sl_textbuf_puts(&b, "partial");
    b.failed = true; /* as after a failed allocation */
    sl_textbuf_puts(&b, "more");
    sl_error err;
    sl_error_init(&err);
    cr_assert_eq(sl_textbuf_write(&b, path, &err), SL_ERR_NOMEM);
    cr_assert_eq(err.code, SL_ERR_NOMEM);
    cr_assert_eq(err.n, 1);
    cr_assert(strstr(err.msgs[0], "out of memory"), "%s", err.msgs[0]);
    sl_error_clear(&err);
    cr_assert_null(sl_textbuf_take(&b), "a failed buffer gives no text");

    sl_textbuf_puts(&b, "whole");
    cr_assert_eq(sl_textbuf_write(&b, path, &err), SL_OK);
    cr_assert_eq(err.n, 0);
    sl_textbuf_clear(&b);
}

/* JSON string literals (summary.json, the GeoJSON stack arrays): quotes,
 * backslashes and control characters escaped, UTF-8 passed through, the
 * same bytes to a file and to a text buffer. */
Test(api, json_string_escapes_the_same_to_file_and_buffer)
{
    const char *in = "a\"b\\c\nd\x01 医药";
    const char *want = "\"a\\\"b\\\\c\\u000ad\\u0001 医药\"";
    sl_textbuf b = {0};
    sl_textbuf_json(&b, in);
    char *got = sl_textbuf_take(&b);
    cr_assert_str_eq(got, want);
    free(got);
    char file[256] = {0};
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    sl_json_string(f, in);
    rewind(f);
    size_t n = fread(file, 1, sizeof file - 1, f);
    fclose(f);
    file[n] = '\0';
    cr_assert_str_eq(file, want);
}
