/* outdir.c - write a run's files under temporary names, then rename. */
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SL_MAX_OUT_FILES 32

struct sl_outdir {
    char *dir;
    int n;
    char *name[SL_MAX_OUT_FILES];   /* final base name */
    char *tmp[SL_MAX_OUT_FILES];    /* DIR/.name.tmp-PID */
};

static int mkdir_p(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, dir, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

sl_outdir *sl_outdir_begin(const char *dir, sl_error *err)
{
    struct stat st;
    if (mkdir_p(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        sl_error_add(err, SL_ERR_IO, "%s: cannot create output directory: %s", dir,
                     errno ? strerror(errno) : "not a directory");
        return NULL;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        sl_error_add(err, SL_ERR_IO, "%s: output directory is not writable: %s", dir,
                     strerror(errno));
        return NULL;
    }
    sl_outdir *o = calloc(1, sizeof *o);
    if (!o || !(o->dir = strdup(dir))) {
        free(o);
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return o;
}

char *sl_outdir_path(const sl_outdir *o, const char *name)
{
    size_t n = strlen(o->dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", o->dir, name);
    return p;
}

const char *sl_outdir_file(sl_outdir *o, const char *name)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->name[i], name) == 0)
            return o->tmp[i];
    if (o->n == SL_MAX_OUT_FILES)
        return NULL;
    size_t n = strlen(o->dir) + strlen(name) + 40;
    char *t = malloc(n);
    char *nm = strdup(name);
    if (!t || !nm) {
        free(t);
        free(nm);
        return NULL;
    }
    snprintf(t, n, "%s/.%s.tmp-%ld", o->dir, name, (long)getpid());
    unlink(t); /* a leftover of an earlier killed run with the same pid */
    o->name[o->n] = nm;
    o->tmp[o->n] = t;
    return o->tmp[o->n++];
}

static void release(sl_outdir *o, int unlink_tmp)
{
    for (int i = 0; i < o->n; i++) {
        if (unlink_tmp)
            unlink(o->tmp[i]);
        free(o->tmp[i]);
        free(o->name[i]);
    }
    free(o->dir);
    free(o);
}

void sl_outdir_abort(sl_outdir *o)
{
    if (o)
        release(o, 1);
}

static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

sl_status sl_outdir_commit(sl_outdir *o, sl_error *err)
{
    for (int i = 0; i < o->n; i++) {
        if (sync_path(o->tmp[i], O_RDONLY) != 0) {
            char *final = sl_outdir_path(o, o->name[i]);
            sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", final ? final : o->name[i],
                         strerror(errno));
            free(final);
            release(o, 1);
            return SL_ERR_IO;
        }
    }
    for (int i = 0; i < o->n; i++) {
        char *final = sl_outdir_path(o, o->name[i]);
        if (!final || rename(o->tmp[i], final) != 0) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot rename into place: %s",
                         final ? final : o->name[i], strerror(errno));
            free(final);
            release(o, 1);
            return SL_ERR_IO;
        }
        free(final);
    }
    sync_path(o->dir, O_RDONLY | O_DIRECTORY);
    release(o, 0);
    return SL_OK;
}
