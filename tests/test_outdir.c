/* test_outdir.c - lib/outdir.c: files appear only on commit; abort and
 * failures leave the directory as it was. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outdir.h"
#include "support.h"

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

Test(outdir, commit_renames_abort_removes)
{
    char *dir = sl_tmpdir();
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/a/b", dir); /* created with parents */
    sl_error err;
    sl_error_init(&err);
    sl_outdir *o = sl_outdir_begin(sub, &err);
    cr_assert(o);
    put(sl_outdir_file(o, "x.txt"), "new");
    cr_assert_str_eq(sl_outdir_file(o, "x.txt"), sl_outdir_file(o, "x.txt"));
    char *final = sl_outdir_path(o, "x.txt");
    cr_assert_null(sl_slurp(final, NULL), "nothing visible before commit");
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    char *got = sl_slurp(final, NULL);
    cr_assert_str_eq(got, "new");
    free(got);

    o = sl_outdir_begin(sub, &err);
    put(sl_outdir_file(o, "x.txt"), "half");
    sl_outdir_abort(o);
    got = sl_slurp(final, NULL);
    cr_assert_str_eq(got, "new", "abort keeps the previous file");
    free(got);
    sl_run r = sl_sh("ls -A %s", sub);
    cr_assert_str_eq(r.out, "x.txt\n", "no temporaries: %s", r.out);
    sl_run_free(&r);
    free(final);
    sl_error_clear(&err);
    sl_rmtree(dir);
    free(dir);
}

Test(outdir, unwritable_directory_is_named)
{
    char *dir = sl_tmpdir();
    char file[4096];
    snprintf(file, sizeof file, "%s/plain", dir);
    put(file, "not a directory");
    sl_error err;
    sl_error_init(&err);
    cr_assert_null(sl_outdir_begin(file, &err));
    cr_assert_eq(err.code, SL_ERR_IO);
    char want[4200];
    snprintf(want, sizeof want, "%s: cannot create output directory: File exists", file);
    cr_assert_str_eq(err.msgs[0], want);
    sl_error_clear(&err);
    sl_rmtree(dir);
    free(dir);
}

/* A subdirectory (stacks/) is replaced whole on commit and left alone on
 * abort; many files are fine. */
Test(outdir, subdirectory_replaced_whole)
{
    char *dir = sl_tmpdir();
    sl_error err;
    sl_error_init(&err);
    sl_outdir *o = sl_outdir_begin(dir, &err);
    put(sl_outdir_file(o, "stacks/a.svg"), "a1");
    put(sl_outdir_file(o, "stacks/b.svg"), "b1");
    for (int i = 0; i < 100; i++) {
        char name[64];
        snprintf(name, sizeof name, "f%03d.txt", i);
        put(sl_outdir_file(o, name), "x");
    }
    cr_assert_null(sl_outdir_file(o, "a/b/c.txt"), "one level only");
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    sl_run r = sl_sh("cd %s && ls -A stacks && ls | wc -l", dir);
    cr_assert_str_eq(r.out, "a.svg\nb.svg\n101\n", "%s", r.out);
    sl_run_free(&r);

    o = sl_outdir_begin(dir, &err);
    put(sl_outdir_file(o, "stacks/b.svg"), "b2");
    sl_outdir_abort(o);
    r = sl_sh("cd %s && ls -A stacks && cat stacks/b.svg && ls -A | grep -c '^\\.' ", dir);
    cr_assert_str_eq(r.out, "a.svg\nb.svg\nb1" "0\n", "abort: as before, no temporaries: %s",
                     r.out);
    sl_run_free(&r);

    o = sl_outdir_begin(dir, &err);
    put(sl_outdir_file(o, "stacks/b.svg"), "b3");
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    r = sl_sh("cd %s && ls -A stacks && cat stacks/b.svg && ls -A | grep -c '^\\.'", dir);
    cr_assert_str_eq(r.out, "b.svg\nb3" "0\n", "a.svg of the earlier run is gone: %s", r.out);
    sl_run_free(&r);

    o = sl_outdir_begin(dir, &err);
    cr_assert(sl_outdir_subdir(o, "stacks"));
    cr_assert_null(sl_outdir_subdir(o, "../x"));
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    r = sl_sh("ls -A %s/stacks | wc -l", dir);
    cr_assert_str_eq(r.out, "0\n", "declared and empty: emptied");
    sl_run_free(&r);
    sl_error_clear(&err);
    sl_rmtree(dir);
    free(dir);
}
