/* support.h - helpers shared by the Criterion tests. */
#ifndef SL_TEST_SUPPORT_H
#define SL_TEST_SUPPORT_H

#include <stddef.h>

/* Exit status reported for a child whose stderr holds an ASan, LSan or
 * UBSan report, so that no expected status can hide it. */
#define SL_SANITIZER_STATUS 86

/* Result of running a command: exit status and captured streams. */
typedef struct sl_run {
    int status;      /* exit code, or 128+signal */
    char *out;       /* stdout, NUL-terminated, heap */
    char *err;       /* stderr, NUL-terminated, heap */
} sl_run;

/* Run the shanglou CLI with args (NULL-terminated argv after argv[0]),
 * from the directory SL_SRC/tests.  Free with sl_run_free(). */
sl_run sl_cli(const char *arg, ...);
/* Run a shell command line with /bin/sh -c. */
sl_run sl_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sl_run_free(sl_run *r);

/* A fresh empty temporary directory (heap string); removed by sl_rmtree. */
char *sl_tmpdir(void);
void sl_rmtree(const char *dir);
/* Whole file, NUL-terminated (heap), or NULL; *len gets the size. */
char *sl_slurp(const char *path, size_t *len);
/* Write text to dir/name; returns the heap path. */
char *sl_write(const char *dir, const char *name, const char *text);
/* Path below the source tree (heap): SL_SRC "/" rel. */
char *sl_src(const char *rel);

#endif
