/* support.h - helpers shared by the Criterion tests. */
#ifndef T_SUPPORT_H
#define T_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Exit status reported for a child whose stderr holds an ASan, LSan or
 * UBSan report, so that no expected status can hide it. */
#define T_SANITIZER_STATUS 86

/* Result of running a command: exit status and captured streams. */
typedef struct t_run {
    int status; /* exit code, or 128+signal */
    char *out;  /* stdout, NUL-terminated, heap */
    char *err;  /* stderr, NUL-terminated, heap */
} t_run;

/* Run the shanglou CLI with args (NULL-terminated argv after argv[0]),
 * from the directory SL_SRC/tests.  Free with t_run_free(). */
t_run t_cli(const char *arg, ...);
/* Run a shell command line with /bin/sh -c. */
t_run t_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void t_run_free(t_run *r);

/* A fresh empty temporary directory (heap string); removed by t_rmtree. */
char *t_tmpdir(void);
void t_rmtree(const char *dir);
/* A tmpfs of `size` (e.g. "64k") mounted at dir/mnt, for tests of a full
 * or read-only disk; false when mounting is not permitted here (not root,
 * or a container without CAP_SYS_ADMIN).  Unmount it before t_rmtree. */
bool t_mount_tmpfs(const char *dir, const char *size);
/* A fresh temporary directory with a tmpfs of `size` mounted at its mnt/
 * (heap string), or NULL, with nothing left behind, when mounting is not
 * permitted.  Unmount dir/mnt before t_rmtree. */
char *t_tmpfs_dir(const char *size);
/* Whole file, NUL-terminated (heap), or NULL; *len gets the size. */
char *t_slurp(const char *path, size_t *len);
/* Write text to dir/name; returns the heap path. */
char *t_write(const char *dir, const char *name, const char *text);
/* Path below the source tree (heap): SL_SRC "/" rel. */
char *t_src(const char *rel);

struct sl_zone;
struct sl_plan;
/* A plan made by hand for output tests while the optimizer is not needed:
 * every candidate whose gain under the plan rules exceeds 30,000 m² is
 * redeveloped with 6 factory storeys (two industries of one chain, level 1
 * at the ground-floor minimum) and, when it has an office footprint, 3
 * office storeys of the first office or rnd industry.  The zone must have
 * been read.  Free with t_plan_free(). */
struct sl_plan *t_plan(const struct sl_zone *z);
void t_plan_free(struct sl_plan *p);

#endif
