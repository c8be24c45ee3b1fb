/* outdir.c - write a run's files in a staging directory, then rename.
 *
 * The staging directory is a hidden sibling of DIR (DIR/../.NAME.shanglou-PID)
 * so that a run killed with SIGKILL, which cannot clean up, leaves DIR
 * itself exactly as it was.  When the parent is on another filesystem or
 * not writable, the staging directory goes inside DIR (DIR/.shanglou-PID)
 * instead.  Either way the next run removes the leftovers of dead runs. */
#include "out/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Invariant: name[i] is "file" or "sub/file" (one level down; the
 * subdirectory DIR/sub is replaced whole on commit), tmp[i] is
 * stage/name[i]; sub[] lists the subdirectories, each made in the stage. */
struct sl_outdir {
    char *dir;   /* DIR as given, without trailing '/' */
    char *stage; /* staging directory (exists until commit/abort) */
    int n, cap;
    char **name; /* final name below DIR */
    char **tmp;  /* stage/name */
    int n_subs;
    char **sub; /* subdirectory names */
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

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Remove every file in a staging directory and in its subdirectories
 * (one level: stacks/), then the directory. */
static void remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = join(dir, e->d_name);
            if (p && unlink(p) != 0 && depth > 0)
                remove_tree(p, depth - 1);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void remove_stage(const char *stage)
{
    remove_tree(stage, 2);
}

/* Remove staging directories named prefix + PID in `where` whose run is
 * gone (or that carry our own pid: a leftover of an earlier run). */
static void remove_stale(const char *where, const char *prefix)
{
    DIR *d = opendir(where);
    if (!d)
        return;
    size_t pl = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, pl) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + pl, &end, 10);
        if (*end || pid <= 0)
            continue;
        if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char *p = join(where, e->d_name);
        if (p)
            remove_stage(p);
        free(p);
    }
    closedir(d);
}

/* Choose and create the staging directory of o->dir: 0, -1 with errno
 * when it cannot be made, -2 when out of memory. */
static int make_stage(sl_outdir *o)
{
    char *parent = strdup(o->dir);
    if (!parent)
        return -2;
    char *slash = strrchr(parent, '/');
    const char *base;
    if (!slash) {
        base = o->dir;
        free(parent);
        parent = strdup(".");
        if (!parent)
            return -2;
    } else {
        base = o->dir + (slash - parent) + 1;
        if (slash == parent)
            slash[1] = '\0'; /* "/out": parent "/" */
        else
            *slash = '\0';
    }
    struct stat sd, sp;
    bool sibling = *base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0 &&
                   stat(o->dir, &sd) == 0 && stat(parent, &sp) == 0 && sd.st_dev == sp.st_dev &&
                   access(parent, W_OK | X_OK) == 0;
    char prefix[300], name[340];
    if (sibling)
        snprintf(prefix, sizeof prefix, ".%.200s.shanglou-", base);
    else
        snprintf(prefix, sizeof prefix, ".shanglou-");
    snprintf(name, sizeof name, "%s%ld", prefix, (long)getpid());
    const char *where = sibling ? parent : o->dir;
    remove_stale(where, prefix);
    o->stage = join(where, name);
    free(parent);
    if (!o->stage)
        return -2;
    return mkdir(o->stage, 0700);
}

sl_outdir *sl_outdir_begin(const char *dir, sl_error *err)
{
    struct stat st;
    errno = 0;
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
    size_t n = strlen(o->dir);
    while (n > 1 && o->dir[n - 1] == '/')
        o->dir[--n] = '\0';
    int rc = make_stage(o);
    if (rc == -2)
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
    else if (rc != 0)
        sl_error_add(err, SL_ERR_IO, "%s: cannot create a staging directory for the output: %s",
                     dir, strerror(errno));
    if (rc != 0) {
        free(o->stage);
        free(o->dir);
        free(o);
        return NULL;
    }
    return o;
}

char *sl_outdir_path(const sl_outdir *o, const char *name)
{
    if (!o || !name)
        return NULL;
    return join(o->dir, name);
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
    char *nm = strdup(sub), *p = join(o->stage, sub);
    bool ok = nm && p && mkdir(p, 0777) == 0;
    free(p);
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
    if (slash) {
        char sub[256];
        size_t k = (size_t)(slash - name);
        if (k >= sizeof sub || !slash[1] || strchr(slash + 1, '/') || slash[1] == '.')
            return NULL;
        memcpy(sub, name, k);
        sub[k] = '\0';
        if (!sl_outdir_subdir(o, sub))
            return NULL;
    }
    if (o->n == o->cap) {
        int cap = o->cap ? 2 * o->cap : 16;
        char **a = realloc(o->name, (size_t)cap * sizeof *a);
        if (!a)
            return NULL;
        o->name = a;
        char **b = realloc(o->tmp, (size_t)cap * sizeof *b);
        if (!b)
            return NULL;
        o->tmp = b;
        o->cap = cap;
    }
    char *t = join(o->stage, name);
    char *nm = strdup(name);
    if (!t || !nm) {
        free(t);
        free(nm);
        return NULL;
    }
    o->name[o->n] = nm;
    o->tmp[o->n] = t;
    return o->tmp[o->n++];
}

void sl_outdir_final_names(const sl_outdir *o, sl_error *err)
{
    if (!o || !err)
        return;
    for (int m = 0; m < err->n; m++) {
        for (int i = 0; i < o->n; i++) {
            char *at = strstr(err->msgs[m], o->tmp[i]);
            if (!at)
                continue;
            char *final = sl_outdir_path(o, o->name[i]);
            size_t tl = strlen(o->tmp[i]), fl = final ? strlen(final) : 0;
            size_t len = strlen(err->msgs[m]) - tl + fl + 1;
            char *s = final ? malloc(len) : NULL;
            if (s) {
                size_t pre = (size_t)(at - err->msgs[m]);
                memcpy(s, err->msgs[m], pre);
                memcpy(s + pre, final, fl);
                strcpy(s + pre + fl, at + tl);
                free(err->msgs[m]);
                err->msgs[m] = s;
            }
            free(final);
        }
    }
}

static void release(sl_outdir *o)
{
    remove_stage(o->stage);
    for (int i = 0; i < o->n; i++) {
        free(o->tmp[i]);
        free(o->name[i]);
    }
    for (int i = 0; i < o->n_subs; i++)
        free(o->sub[i]);
    free(o->tmp);
    free(o->name);
    free(o->sub);
    free(o->stage);
    free(o->dir);
    free(o);
}

void sl_outdir_abort(sl_outdir *o)
{
    if (o)
        release(o);
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
    if (!o) {
        sl_error_add(err, SL_ERR_IO, "no output directory to commit");
        return SL_ERR_IO;
    }
    for (int i = 0; i < o->n; i++) {
        if (sync_path(o->tmp[i], O_RDONLY) != 0) {
            char *final = sl_outdir_path(o, o->name[i]);
            sl_error_add(err, SL_ERR_IO, "%s: cannot write: %s", final ? final : o->name[i],
                         strerror(errno));
            free(final);
            release(o);
            return SL_ERR_IO;
        }
    }
    for (int i = 0; i < o->n; i++) {
        if (strchr(o->name[i], '/'))
            continue; /* moved with its subdirectory below */
        char *final = sl_outdir_path(o, o->name[i]);
        if (!final) {
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            release(o);
            return SL_ERR_NOMEM;
        }
        if (rename(o->tmp[i], final) != 0) {
            sl_error_add(err, SL_ERR_IO, "%s: cannot rename into place: %s", final,
                         strerror(errno));
            free(final);
            release(o);
            return SL_ERR_IO;
        }
        free(final);
    }
    /* A subdirectory is replaced whole, so that the files of an earlier
     * run (a parcel no longer redeveloped) do not linger: the old one is
     * moved into the stage (removed with it), the new one into place. */
    for (int i = 0; i < o->n_subs; i++) {
        char *final = sl_outdir_path(o, o->sub[i]), *staged = join(o->stage, o->sub[i]);
        char old_name[300];
        snprintf(old_name, sizeof old_name, ".old-%.250s", o->sub[i]);
        char *old = join(o->stage, old_name);
        if (!final || !staged || !old) {
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            free(final);
            free(staged);
            free(old);
            release(o);
            return SL_ERR_NOMEM;
        }
        int rc = 0;
        {
            bool moved = rename(final, old) == 0;
            rc = rename(staged, final);
            if (rc != 0 && moved)
                rename(old, final);
        }
        if (rc != 0)
            sl_error_add(err, SL_ERR_IO, "%s: cannot rename into place: %s", final,
                         strerror(errno));
        free(final);
        free(staged);
        free(old);
        if (rc != 0) {
            release(o);
            return SL_ERR_IO;
        }
    }
    sync_path(o->dir, O_RDONLY | O_DIRECTORY);
    release(o);
    return SL_OK;
}
