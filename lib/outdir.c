/* outdir.c - write a run's files under temporary names, then rename. */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Invariant: name[i] is "file" or "sub/file" (one level: the subdirectory
 * `sub` is replaced as a whole on commit); tmp[i] is DIR/.file.tmp-PID or
 * DIR/.sub.tmp-PID/file; subs lists every subdirectory in use. */
struct sl_outdir {
    char *dir;
    int n, cap;
    char **name;     /* final name below DIR */
    char **tmp;      /* where it is written until commit */
    int n_subs;
    char **sub;      /* subdirectory names */
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

/* DIR/.sub.tmp-PID or DIR/.sub.old-PID (heap). */
static char *side_path(const sl_outdir *o, const char *sub, const char *what)
{
    size_t n = strlen(o->dir) + strlen(sub) + 40;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.%s.%s-%ld", o->dir, sub, what, (long)getpid());
    return p;
}

/* Remove a directory of plain files (our temporaries and our old
 * subdirectories hold nothing else). */
static void remove_flat_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *f = malloc(n);
            if (f) {
                snprintf(f, n, "%s/%s", path, e->d_name);
                unlink(f);
                free(f);
            }
        }
        closedir(d);
    }
    rmdir(path);
}

const char *sl_outdir_subdir(sl_outdir *o, const char *sub)
{
    if (!*sub || strchr(sub, '/') || sub[0] == '.')
        return NULL;
    for (int i = 0; i < o->n_subs; i++)
        if (strcmp(o->sub[i], sub) == 0)
            return o->sub[i];
    char **ns = realloc(o->sub, ((size_t)o->n_subs + 1) * sizeof *ns);
    if (!ns)
        return NULL;
    o->sub = ns;
    char *t = side_path(o, sub, "tmp");
    char *nm = strdup(sub);
    if (!t || !nm) {
        free(t);
        free(nm);
        return NULL;
    }
    remove_flat_dir(t); /* a leftover of an earlier killed run with the same pid */
    int ok = mkdir(t, 0777) == 0;
    free(t);
    if (!ok) {
        free(nm);
        return NULL;
    }
    o->sub[o->n_subs++] = nm;
    return nm;
}

const char *sl_outdir_file(sl_outdir *o, const char *name)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->name[i], name) == 0)
            return o->tmp[i];
    const char *slash = strchr(name, '/');
    char *t = NULL;
    if (slash) {
        char sub[256];
        size_t k = (size_t)(slash - name);
        if (k >= sizeof sub || !slash[1] || strchr(slash + 1, '/'))
            return NULL;
        memcpy(sub, name, k);
        sub[k] = '\0';
        if (!sl_outdir_subdir(o, sub))
            return NULL;
        char *d = side_path(o, sub, "tmp");
        if (d) {
            size_t n = strlen(d) + strlen(slash) + 1;
            if ((t = malloc(n)))
                snprintf(t, n, "%s%s", d, slash);
            free(d);
        }
    } else {
        size_t n = strlen(o->dir) + strlen(name) + 40;
        if ((t = malloc(n)))
            snprintf(t, n, "%s/.%s.tmp-%ld", o->dir, name, (long)getpid());
    }
    char *nm = strdup(name);
    if (o->n == o->cap && t && nm) {
        int cap = o->cap ? 2 * o->cap : 16;
        char **a = realloc(o->name, (size_t)cap * sizeof *a);
        if (a)
            o->name = a;
        char **b = a ? realloc(o->tmp, (size_t)cap * sizeof *b) : NULL;
        if (b) {
            o->tmp = b;
            o->cap = cap;
        }
    }
    if (!t || !nm || o->n == o->cap) {
        free(t);
        free(nm);
        return NULL;
    }
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
    for (int i = 0; i < o->n_subs; i++) {
        if (unlink_tmp) {
            char *t = side_path(o, o->sub[i], "tmp");
            if (t)
                remove_flat_dir(t);
            free(t);
        }
        free(o->sub[i]);
    }
    free(o->name);
    free(o->tmp);
    free(o->sub);
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
        if (strchr(o->name[i], '/'))
            continue; /* renamed with its subdirectory below */
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
    /* A subdirectory is replaced whole: the old one is moved aside, the
     * new one renamed into place, the old one removed, so that files of an
     * earlier run (a parcel no longer redeveloped) do not linger. */
    for (int i = 0; i < o->n_subs; i++) {
        char *final = sl_outdir_path(o, o->sub[i]);
        char *tmp = side_path(o, o->sub[i], "tmp"), *old = side_path(o, o->sub[i], "old");
        bool moved = false;
        int rc = final && tmp && old ? 0 : -1;
        if (rc == 0) {
            remove_flat_dir(old);
            moved = rename(final, old) == 0;
            rc = rename(tmp, final);
            if (rc != 0 && moved)
                rename(old, final);
        }
        if (rc != 0) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot rename into place: %s",
                         final ? final : o->sub[i], strerror(errno));
            free(final);
            free(tmp);
            free(old);
            release(o, 1);
            return SL_ERR_IO;
        }
        if (moved)
            remove_flat_dir(old);
        free(final);
        free(tmp);
        free(old);
    }
    sync_path(o->dir, O_RDONLY | O_DIRECTORY);
    release(o, 0);
    return SL_OK;
}
