/* test_outdir.c - lib/outdir.c: files appear only on commit; abort and
 * failures leave the directory as it was; and through `shanglou evaluate`,
 * atomic output under SIGKILL, a full disk and a read-only directory
 * (docs/model.md §8: a run that fails leaves DIR's previous files intact). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out/outdir.h"
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
    char *dir = t_tmpdir();
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/a/b", dir); /* created with parents */
    sl_error err;
    sl_error_init(&err);
    sl_outdir *o = sl_outdir_begin(sub, &err);
    cr_assert(o);
    put(sl_outdir_file(o, "x.txt"), "new");
    cr_assert_str_eq(sl_outdir_file(o, "x.txt"), sl_outdir_file(o, "x.txt"));
    char *final = sl_outdir_path(o, "x.txt");
    cr_assert_null(t_slurp(final, NULL), "nothing visible before commit");
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    char *got = t_slurp(final, NULL);
    cr_assert_str_eq(got, "new");
    free(got);

    o = sl_outdir_begin(sub, &err);
    put(sl_outdir_file(o, "x.txt"), "half");
    sl_outdir_abort(o);
    got = t_slurp(final, NULL);
    cr_assert_str_eq(got, "new", "abort keeps the previous file");
    free(got);
    t_run r = t_sh("ls -A %s", sub);
    cr_assert_str_eq(r.out, "x.txt\n", "no temporaries: %s", r.out);
    t_run_free(&r);
    free(final);
    sl_error_clear(&err);
    t_rmtree(dir);
    free(dir);
}

Test(outdir, unwritable_directory_is_named)
{
    char *dir = t_tmpdir();
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
    t_rmtree(dir);
    free(dir);
}

/* A subdirectory (stacks/) is replaced whole on commit and left alone on
 * abort; many files are fine. */
Test(outdir, subdirectory_replaced_whole)
{
    char *dir = t_tmpdir();
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
    t_run r = t_sh("cd %s && ls -A stacks && ls | wc -l", dir);
    cr_assert_str_eq(r.out, "a.svg\nb.svg\n101\n", "%s", r.out);
    t_run_free(&r);

    o = sl_outdir_begin(dir, &err);
    put(sl_outdir_file(o, "stacks/b.svg"), "b2");
    sl_outdir_abort(o);
    r = t_sh("cd %s && ls -A stacks && cat stacks/b.svg && ls -A | grep -c '^\\.' ", dir);
    cr_assert_str_eq(r.out,
                     "a.svg\nb.svg\nb1"
                     "0\n",
                     "abort: as before, no temporaries: %s", r.out);
    t_run_free(&r);

    o = sl_outdir_begin(dir, &err);
    put(sl_outdir_file(o, "stacks/b.svg"), "b3");
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    r = t_sh("cd %s && ls -A stacks && cat stacks/b.svg && ls -A | grep -c '^\\.'", dir);
    cr_assert_str_eq(r.out,
                     "b.svg\nb3"
                     "0\n",
                     "a.svg of the earlier run is gone: %s", r.out);
    t_run_free(&r);

    o = sl_outdir_begin(dir, &err);
    cr_assert(sl_outdir_subdir(o, "stacks"));
    cr_assert_null(sl_outdir_subdir(o, "../x"));
    cr_assert_eq(sl_outdir_commit(o, &err), SL_OK);
    r = t_sh("ls -A %s/stacks | wc -l", dir);
    cr_assert_str_eq(r.out, "0\n", "declared and empty: emptied");
    t_run_free(&r);
    sl_error_clear(&err);
    t_rmtree(dir);
    free(dir);
}

/* ---- atomic output through the CLI ---------------------------------- */

#define GONGGAI "../scenarios/gonggai.yaml"

static char *work; /* parent of the output directories of one test */

static void setup(void)
{
    work = t_tmpdir();
}
static void teardown(void)
{
    t_run r = t_sh("umount -l %s/mnt 2>/dev/null; true", work);
    t_run_free(&r);
    t_rmtree(work);
    free(work);
}
TestSuite(atomic, .init = setup, .fini = teardown, .timeout = 600);

/* md5sum of every file in d, and the list of its entries. */
static char *snapshot(const char *d)
{
    t_run r = t_sh("cd %s && ls -A && md5sum *", d);
    cr_assert_eq(r.status, 0, "%s", r.err);
    free(r.err);
    return r.out;
}

/* Entries of work (the parent of every output directory here) that are
 * staging directories. */
static char *staging(void)
{
    t_run r = t_sh("ls -A %s | grep shanglou; true", work);
    free(r.err);
    return r.out;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Kill evaluate with SIGKILL while it writes parcels.geojson of a 200,000
 * parcel zone: DIR keeps the previous run's files, byte for byte, and
 * nothing else; the next run removes the killed run's staging directory. */
Test(atomic, sigkill_while_writing)
{
    char zone[4096], scen[4096], out[4096];
    snprintf(zone, sizeof zone, "%s/zone", work);
    snprintf(out, sizeof out, "%s/out", work);
    t_run r = t_sh("%s/slgen bench 200000 %s", SL_BUILD, zone);
    cr_assert_eq(r.status, 0, "slgen: %s", r.err);
    t_run_free(&r);
    char *text = malloc(8192);
    snprintf(text, 8192,
             "name: bench\n"
             "parcels:\n"
             "  source: %s/parcels.shp\n"
             "  fields: {id: DKBH, land_use: YDDM, current_far: RJL, current_gfa: JZMJ, tax: NSE}\n"
             "  industrial_land_uses: [M1, M2, \"100101\", \"100102\"]\n"
             "rules:\n"
             "  before: {far_max: 1.0, factory_height_max_m: 24, office_height_max_m: 24}\n"
             "  after:  {far_max: 3.0}\n",
             zone);
    char *sp = t_write(work, "bench.yaml", text);
    snprintf(scen, sizeof scen, "%s", sp);
    free(sp);
    free(text);

    /* The previous run. */
    r = t_cli("evaluate", GONGGAI, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char *before = snapshot(out);

    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(SL_CLI, SL_CLI, "evaluate", scen, "-o", out, "-q", (char *)NULL);
        _exit(127);
    }
    cr_assert_gt(pid, 0);
    char staged[4096];
    snprintf(staged, sizeof staged, "%s/.out.shanglou-%ld/parcels.geojson", work, (long)pid);
    /* Wait until it has written 1 MB of the new parcels.geojson. */
    double t0 = now_s();
    long long sz = -1;
    while ((sz = size_of(staged)) < (1 << 20) && now_s() - t0 < 300)
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    cr_assert_geq(sz, 1 << 20, "evaluate did not start writing %s", staged);
    cr_assert_eq(kill(pid, SIGKILL), 0);
    int st = 0;
    waitpid(pid, &st, 0);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed while writing");

    char *after = snapshot(out);
    cr_assert_str_eq(after, before, "DIR changed by the killed run");
    free(after);
    char *left = staging();
    cr_assert(strstr(left, ".out.shanglou-"), "the killed run's staging directory: %s", left);
    free(left);

    /* The next run removes it. */
    r = t_cli("evaluate", GONGGAI, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    left = staging();
    cr_assert_str_eq(left, "", "stale staging directory removed");
    free(left);
    after = snapshot(out);
    cr_assert_str_eq(after, before, "the same run gives the same files");
    free(after);
    free(before);
}

/* stderr of a run that found the disk full: every line names a file of
 * DIR (the GeoJSON and the GeoPackage are written side by side, so either
 * may meet the full disk first), and one says so. */
static void assert_disk_full(const char *err, const char *out)
{
    cr_assert(strstr(err, "no space left on device"), "%s", err);
    for (const char *l = err; *l; l = strchr(l, '\n') + 1) {
        cr_assert(strncmp(l, out, strlen(out)) == 0 && l[strlen(out)] == '/',
                  "names a file of DIR: %s", err);
        cr_assert(strchr(l, '\n'), "%s", err);
    }
}

/* The disk fills up while the outputs are written: exit 1, a message
 * naming the file, the previous run's files intact, nothing else left. */
Test(atomic, disk_full)
{
    if (!t_mount_tmpfs(work, "640k"))
        cr_skip_test("cannot mount a tmpfs here");
    char out[4096];
    snprintf(out, sizeof out, "%s/mnt/out", work);
    /* The previous run takes 420 kB of the 640 kB; the next needs as much
     * again before it can replace it. */
    t_run r = t_cli("evaluate", GONGGAI, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char *before = snapshot(out);
    r = t_cli("evaluate", GONGGAI, "-o", out, "-q", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    assert_disk_full(r.err, out);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
    char *after = snapshot(out);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
    r = t_sh("ls -A %s/mnt", work);
    cr_assert_str_eq(r.out, "out\n", "no staging directory left: %s", r.out);
    t_run_free(&r);

    /* Too small for anything: the summary cannot be written either. */
    r = t_sh("umount %s/mnt", work);
    t_run_free(&r);
    cr_assert(t_mount_tmpfs(work, "64k"));
    for (int i = 0; i < 5; i++) { /* the writer threads race: every time */
        r = t_cli("evaluate", GONGGAI, "-o", out, "-q", NULL);
        cr_assert_eq(r.status, 1, "%s", r.err);
        assert_disk_full(r.err, out);
        t_run_free(&r);
    }
    r = t_sh("ls -A %s/mnt/out; ls -A %s/mnt", work, work);
    cr_assert_str_eq(r.out, "out\n", "nothing but the empty directory: %s", r.out);
    t_run_free(&r);
}

/* A read-only output directory: exit 1, the path named, nothing written. */
Test(atomic, read_only_output)
{
    if (!t_mount_tmpfs(work, "1m"))
        cr_skip_test("cannot mount a tmpfs here");
    t_run r = t_sh("mkdir %s/mnt/out && mount -o remount,ro %s/mnt", work, work);
    cr_assert_eq(r.status, 0, "%s", r.err);
    t_run_free(&r);
    char out[4096];
    snprintf(out, sizeof out, "%s/mnt/out", work);
    r = t_cli("evaluate", GONGGAI, "-o", out, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want, "%s: output directory is not writable: Read-only file system\n",
             out);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    /* A directory that cannot be created. */
    snprintf(out, sizeof out, "%s/mnt/new/out", work);
    r = t_cli("evaluate", GONGGAI, "-o", out, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    snprintf(want, sizeof want, "%s: cannot create output directory: Read-only file system\n", out);
    cr_assert_str_eq(r.err, want);
    t_run_free(&r);
    r = t_sh("ls -A %s/mnt/out", work);
    cr_assert_str_eq(r.out, "");
    t_run_free(&r);
}
