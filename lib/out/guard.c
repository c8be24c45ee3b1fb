/* guard.c - refuse an output that is an input (guard.h).
 *
 * Each input is kept as its device and inode when it exists, and as its
 * resolved path (real path of the deepest existing directory plus the
 * rest) always; an output collides with an input when both exist and are
 * the same file, or neither exists and both resolve to the same path (a
 * file that does not exist cannot be the same as one that does). */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "out/guard.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "out/layer_writer.h"
#include "util/ogr_util.h"

typedef struct input {
    char *shown; /* absolute path for messages (real path when it exists) */
    char *role;  /* "the parcel source", "the scenario file" ... */
    char *owner; /* NULL, or the input this file belongs to (a sidecar's) */
    bool exists;
    dev_t dev;
    ino_t ino;
} input;

/* Invariant: in[0..n) are the files; pg_conn is the parcel source when it
 * is a PG: connection (pg_layer its table, NULL when not named). */
struct sl_guard {
    int n, cap;
    input *in;
    char *pg_conn;
    char *pg_layer;
};

sl_guard *sl_guard_create(sl_error *err)
{
    sl_guard *g = calloc(1, sizeof *g);
    if (!g)
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
    return g;
}

void sl_guard_destroy(sl_guard *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n; i++) {
        free(g->in[i].shown);
        free(g->in[i].role);
        free(g->in[i].owner);
    }
    free(g->in);
    free(g->pg_conn);
    free(g->pg_layer);
    free(g);
}

/* ---- paths ------------------------------------------------------------ */

/* p made absolute (against the working directory) with ".", ".." and
 * repeated or trailing slashes removed, lexically (heap; NULL: no memory
 * or no working directory). */
static char *normalise(const char *p)
{
    char cwd[PATH_MAX];
    if (p[0] != '/' && !getcwd(cwd, sizeof cwd))
        return NULL;
    size_t n = (p[0] == '/' ? 0 : strlen(cwd) + 1) + strlen(p) + 2;
    char *in = malloc(n), *out = malloc(n);
    if (!in || !out) {
        free(in);
        free(out);
        return NULL;
    }
    if (p[0] == '/')
        snprintf(in, n, "%s", p);
    else
        snprintf(in, n, "%s/%s", cwd, p);
    size_t len = 0;
    out[0] = '\0';
    char *save = NULL;
    for (char *c = strtok_r(in, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the slash */
            out[len] = '\0';
            continue;
        }
        len += (size_t)snprintf(out + len, n - len, "/%s", c);
    }
    if (len == 0)
        snprintf(out, n, "/");
    free(in);
    return out;
}

/* The path p resolved: the real path of its deepest existing ancestor
 * (symlinks and ".." undone) followed by the rest of p (heap). */
static char *resolve_lexically(const char *p)
{
    char *abs = normalise(p);
    if (!abs)
        return NULL;
    char real[PATH_MAX];
    size_t cut = strlen(abs);
    for (;;) {
        char saved = abs[cut];
        abs[cut] = '\0';
        bool ok = realpath(cut ? abs : "/", real) != NULL;
        abs[cut] = saved;
        if (ok) {
            const char *rest = abs + cut;
            size_t n = strlen(real) + strlen(rest) + 1;
            char *r = malloc(n);
            if (r)
                snprintf(r, n, "%s%s", strcmp(real, "/") == 0 && *rest ? "" : real, rest);
            free(abs);
            return r;
        }
        if (cut == 0)
            break;
        while (cut > 0 && abs[cut - 1] != '/')
            cut--;
        if (cut > 0)
            cut--;
    }
    return abs;
}

/* The path p resolved (heap): its real path when it exists; else the real
 * path of its directory plus its name; else (the directory does not exist
 * either) the real path of its deepest existing ancestor followed by the
 * rest of p, "." and ".." taken lexically. */
static char *resolve(const char *p)
{
    char real[PATH_MAX];
    if (realpath(p, real))
        return strdup(real);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && p[b - 1] != '/')
        b--;
    const char *base = p + b;
    size_t bl = n - b;
    bool plain =
        bl > 0 && !(bl == 1 && base[0] == '.') && !(bl == 2 && base[0] == '.' && base[1] == '.');
    char *parent = plain ? strndup(p, b) : NULL;
    if (parent && realpath(*parent ? parent : ".", real)) {
        size_t m = strlen(real) + bl + 2;
        char *r = malloc(m);
        if (r)
            snprintf(r, m, "%s/%.*s", strcmp(real, "/") == 0 ? "" : real, (int)bl, base);
        free(parent);
        return r;
    }
    free(parent);
    return resolve_lexically(p);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

sl_status sl_guard_add_file(sl_guard *g, const char *path, const char *role, const char *owner,
                            sl_error *err)
{
    if (g->n == g->cap) {
        int cap = g->cap ? 2 * g->cap : 16;
        input *a = realloc(g->in, (size_t)cap * sizeof *a);
        if (!a)
            goto nomem;
        g->in = a;
        g->cap = cap;
    }
    input *in = &g->in[g->n];
    memset(in, 0, sizeof *in);
    struct stat st;
    in->exists = stat(path, &st) == 0;
    if (in->exists) {
        in->dev = st.st_dev;
        in->ino = st.st_ino;
    }
    in->shown = resolve(path);
    /* Once each: a file named twice (compare A A) collides once. */
    for (int i = 0; in->shown && i < g->n; i++) {
        const input *o = &g->in[i];
        if (in->exists ? o->exists && o->dev == in->dev && o->ino == in->ino
                       : !o->exists && strcmp(o->shown, in->shown) == 0) {
            free(in->shown);
            return SL_OK;
        }
    }
    in->role = strdup(role);
    in->owner = dup_or_null(owner);
    if (!in->shown || !in->role || (owner && !in->owner)) {
        free(in->shown);
        free(in->role);
        free(in->owner);
        goto nomem;
    }
    g->n++;
    return SL_OK;
nomem:
    sl_error_add(err, SL_ERR_NOMEM, "out of memory");
    return SL_ERR_NOMEM;
}

/* ---- the scenario's inputs ------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The files a reader of `source` may open besides it: a Shapefile's
 * sidecars (both cases), an SQLite database's journal files. */
static sl_status add_sidecars(sl_guard *g, const char *source, const char *owner, sl_error *err)
{
    static const char *const shp[] = {".shp", ".shx", ".dbf", ".prj",     ".cpg", ".qix",
                                      ".sbn", ".sbx", ".qpj", ".shp.xml", NULL};
    static const char *const sqlite[] = {"-wal", "-shm", "-journal", NULL};
    size_t n = strlen(source);
    char *p = malloc(n + 16);
    if (!p) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    sl_status st = SL_OK;
    if (ends_with(source, ".shp") || ends_with(source, ".dbf")) {
        for (int i = 0; shp[i] && st == SL_OK; i++) {
            for (int upper = 0; upper < 2 && st == SL_OK; upper++) {
                memcpy(p, source, n - 4);
                size_t k = strlen(shp[i]);
                for (size_t j = 0; j <= k; j++)
                    p[n - 4 + j] = upper ? (char)toupper((unsigned char)shp[i][j]) : shp[i][j];
                if (strcmp(p, source) != 0)
                    st = sl_guard_add_file(g, p, "the parcel source", owner, err);
            }
        }
    } else if (ends_with(source, ".gpkg") || ends_with(source, ".sqlite") ||
               ends_with(source, ".db")) {
        for (int i = 0; sqlite[i] && st == SL_OK; i++) {
            snprintf(p, n + 16, "%s%s", source, sqlite[i]);
            st = sl_guard_add_file(g, p, "the parcel source", owner, err);
        }
    }
    free(p);
    return st;
}

/* A /vsizip/, /vsitar/, /vsigzip/ ... path: the archive it reads, the
 * longest leading part of the path that is a regular file (heap), or
 * NULL. */
static char *vsi_archive(const char *source)
{
    const char *p = source + 4;
    while (*p && *p != '/')
        p++;
    if (!*p)
        return NULL;
    char *s = strdup(p);
    if (!s)
        return NULL;
    for (size_t cut = strlen(s); cut > 0; cut--) {
        if (s[cut] != '/' && s[cut] != '\0')
            continue;
        char saved = s[cut];
        s[cut] = '\0';
        struct stat st;
        if (stat(s, &st) == 0 && S_ISREG(st.st_mode))
            return s;
        s[cut] = saved;
    }
    free(s);
    return NULL;
}

sl_status sl_guard_add_scenario(sl_guard *g, const sl_scenario *sc, sl_error *err)
{
    /* Every file the scenario is made of: the file itself and each base
     * of its `extends` chain (files[1..]). */
    if (sc->path && sl_guard_add_file(g, sc->path, "the scenario file", NULL, err) != SL_OK)
        return err->code;
    for (int i = 1; i < sc->n_files; i++)
        if (sl_guard_add_file(g, sc->files[i], "a base of the scenario", NULL, err) != SL_OK)
            return err->code;

    const char *src = sc->source;
    if (!src)
        return SL_OK;
    if (strncasecmp(src, "PG:", 3) == 0) {
        free(g->pg_conn);
        free(g->pg_layer);
        g->pg_conn = strdup(src);
        g->pg_layer = dup_or_null(sc->layer);
        if (!g->pg_conn || (sc->layer && !g->pg_layer)) {
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            return SL_ERR_NOMEM;
        }
        return SL_OK;
    }
    if (strncmp(src, "/vsi", 4) == 0) {
        char *archive = vsi_archive(src);
        sl_status st = SL_OK;
        if (archive)
            st = sl_guard_add_file(g, archive, "the parcel source", src, err);
        free(archive);
        return st;
    }
    struct stat st;
    if (stat(src, &st) != 0 && strchr(src, ':'))
        return SL_OK; /* another driver's connection string: no file */
    if (sl_guard_add_file(g, src, "the parcel source", NULL, err) != SL_OK)
        return err->code;
    /* Sidecars are named after the source's resolved path. */
    char *shown = resolve(src);
    if (!shown) {
        sl_error_add(err, SL_ERR_NOMEM, "out of memory");
        return SL_ERR_NOMEM;
    }
    sl_status st2 = add_sidecars(g, src, shown, err);
    free(shown);
    return st2;
}

/* ---- files ------------------------------------------------------------ */

/* Does the existing directory (dev, ino) hold the path `real` (an
 * absolute real path) at any depth, or is it that path? */
static bool dir_holds(dev_t dev, ino_t ino, const char *real)
{
    char *p = strdup(real);
    if (!p)
        return false;
    bool found = false;
    for (;;) {
        struct stat st;
        if (stat(*p ? p : "/", &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
            found = true;
            break;
        }
        char *slash = strrchr(p, '/');
        if (!slash || !*p)
            break;
        *slash = '\0';
    }
    free(p);
    return found;
}

static void collision(const char *cmd, const char *out, const char *verb, const input *in,
                      const char *choose, sl_error *err)
{
    if (in->owner)
        sl_error_add(err, SL_ERR_USAGE,
                     "%s: output %s would %s %s, a file of %s %s; choose another %s", cmd, out,
                     verb, in->shown, in->role, in->owner, choose);
    else
        sl_error_add(err, SL_ERR_USAGE, "%s: output %s would %s %s %s; choose another %s", cmd, out,
                     verb, in->role, in->shown, choose);
}

/* Check the output `path` (shown as `out`); subdir: a directory replaced
 * whole.  Returns the number of collisions reported. */
static int check_path(const sl_guard *g, const char *cmd, const char *path, const char *out,
                      bool subdir, const char *choose, sl_error *err)
{
    struct stat st;
    bool exists = stat(path, &st) == 0;
    char *key = exists ? NULL : resolve(path);
    int hits = 0;
    for (int i = 0; i < g->n; i++) {
        const input *in = &g->in[i];
        bool same = false, inside = false;
        if (exists && in->exists)
            same = st.st_dev == in->dev && st.st_ino == in->ino;
        else if (!exists && !in->exists)
            same = key && strcmp(key, in->shown) == 0;
        if (!same && subdir && exists && in->exists && S_ISDIR(st.st_mode))
            inside = dir_holds(st.st_dev, st.st_ino, in->shown);
        if (same || inside) {
            collision(cmd, out, same ? "overwrite" : "replace the directory holding", in, choose,
                      err);
            hits++;
        }
    }
    free(key);
    return hits;
}

sl_status sl_guard_check_dir(const sl_guard *g, const char *cmd, const char *dir,
                             const char *const *names, sl_error *err)
{
    size_t dn = strlen(dir);
    if (dn == 0)
        return SL_OK; /* no directory: nothing is written there */
    while (dn > 1 && dir[dn - 1] == '/')
        dn--;
    int hits = 0;
    /* DIR itself an input (a file given as -o): say so rather than fail
     * to make a directory there. */
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        for (int i = 0; i < g->n; i++) {
            const input *in = &g->in[i];
            if (in->exists && in->dev == st.st_dev && in->ino == st.st_ino) {
                collision(cmd, dir, "overwrite", in, "-o directory", err);
                hits++;
            }
        }
    }
    for (int k = 0; names && names[k]; k++) {
        size_t nn = strlen(names[k]);
        bool subdir = nn > 0 && names[k][nn - 1] == '/';
        size_t n = dn + nn + 2;
        char *path = malloc(n), *shown = malloc(n);
        if (!path || !shown) {
            free(path);
            free(shown);
            sl_error_add(err, SL_ERR_NOMEM, "out of memory");
            return SL_ERR_NOMEM;
        }
        snprintf(shown, n, "%.*s%s%s", (int)dn, dir, dir[dn - 1] == '/' ? "" : "/", names[k]);
        snprintf(path, n, "%s", shown);
        if (subdir)
            path[strlen(path) - 1] = '\0';
        hits += check_path(g, cmd, path, shown, subdir, "-o directory", err);
        free(path);
        free(shown);
    }
    return hits ? SL_ERR_USAGE : SL_OK;
}

sl_status sl_guard_check_file(const sl_guard *g, const char *cmd, const char *file, sl_error *err)
{
    return check_path(g, cmd, file, file, false, "-o file", err) ? SL_ERR_USAGE : SL_OK;
}

/* ---- PostgreSQL ------------------------------------------------------- */

typedef struct pg_conn {
    char dbname[256], host[256], port[256], schema[256], tables[256];
} pg_conn;

/* Copy the value starting at *p (plain, or 'quoted' with \' and \\) into
 * dst; advance *p past it. */
static void conn_value(const char **p, char *dst, size_t size)
{
    const char *s = *p;
    size_t n = 0;
    if (*s == '\'') {
        s++;
        while (*s && *s != '\'') {
            if (*s == '\\' && s[1])
                s++;
            if (n + 1 < size)
                dst[n++] = *s;
            s++;
        }
        if (*s)
            s++;
    } else {
        while (*s && !isspace((unsigned char)*s)) {
            if (n + 1 < size)
                dst[n++] = *s;
            s++;
        }
    }
    dst[n] = '\0';
    *p = s;
}

/* The identity keys of a "PG:..." connection string (key=value pairs or
 * a postgresql:// URI); a key not given is left empty. */
static void parse_conn(const char *conn, pg_conn *c)
{
    memset(c, 0, sizeof *c);
    const char *p = conn + 3;
    while (isspace((unsigned char)*p))
        p++;
    if (strncmp(p, "postgresql://", 13) == 0 || strncmp(p, "postgres://", 11) == 0) {
        p = strstr(p, "//") + 2;
        const char *at = strchr(p, '@'), *end = p + strcspn(p, "/?");
        if (at && at < end)
            p = at + 1;
        size_t hl = strcspn(p, ":/?");
        snprintf(c->host, sizeof c->host, "%.*s", (int)hl, p);
        p += hl;
        if (*p == ':') {
            size_t pl = strcspn(++p, "/?");
            snprintf(c->port, sizeof c->port, "%.*s", (int)pl, p);
            p += pl;
        }
        if (*p == '/') {
            size_t dl = strcspn(++p, "?");
            snprintf(c->dbname, sizeof c->dbname, "%.*s", (int)dl, p);
        }
        return;
    }
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        size_t kl = strcspn(p, "= \t");
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)kl, p);
        p += kl;
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '=') {
            if (*p)
                p++;
            continue;
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
        char value[256];
        conn_value(&p, value, sizeof value);
        if (strcasecmp(key, "dbname") == 0)
            snprintf(c->dbname, sizeof c->dbname, "%s", value);
        else if (strcasecmp(key, "host") == 0 || strcasecmp(key, "hostaddr") == 0)
            snprintf(c->host, sizeof c->host, "%s", value);
        else if (strcasecmp(key, "port") == 0)
            snprintf(c->port, sizeof c->port, "%s", value);
        else if (strcasecmp(key, "active_schema") == 0)
            snprintf(c->schema, sizeof c->schema, "%s", value);
        else if (strcasecmp(key, "tables") == 0)
            snprintf(c->tables, sizeof c->tables, "%s", value);
    }
}

/* This machine's server, however it is reached, is one host. */
static const char *host_key(const char *h)
{
    if (!*h || h[0] == '/' || strcasecmp(h, "localhost") == 0 || strcmp(h, "127.0.0.1") == 0 ||
        strcmp(h, "::1") == 0)
        return "local";
    return h;
}

/* Equal, or either not given. */
static bool key_match(const char *a, const char *b)
{
    return !*a || !*b || strcasecmp(a, b) == 0;
}

/* Split "schema.table" (schema default def, else "public"). */
static void split_table(const char *name, const char *def, char *schema, size_t ss, char *table,
                        size_t ts)
{
    const char *dot = strchr(name, '.');
    if (dot) {
        snprintf(schema, ss, "%.*s", (int)(dot - name), name);
        snprintf(table, ts, "%s", dot + 1);
    } else {
        snprintf(schema, ss, "%s", *def ? def : "public");
        snprintf(table, ts, "%s", name);
    }
}

sl_status sl_guard_check_pg(const sl_guard *g, const char *cmd, const char *conn,
                            const char *prefix, const char *const *layers, sl_error *err)
{
    if (!g->pg_conn || !conn || strncasecmp(conn, "PG:", 3) != 0)
        return SL_OK;
    pg_conn s, t;
    parse_conn(g->pg_conn, &s);
    parse_conn(conn, &t);
    if (!key_match(s.dbname, t.dbname) ||
        (*s.host && *t.host && strcasecmp(host_key(s.host), host_key(t.host)) != 0) ||
        !key_match(s.port, t.port))
        return SL_OK;
    /* The source's table: the scenario's layer, else the first of the
     * connection's tables= list (without its geometry column). */
    char src_name[256];
    if (g->pg_layer)
        snprintf(src_name, sizeof src_name, "%s", g->pg_layer);
    else if (*s.tables)
        snprintf(src_name, sizeof src_name, "%.*s", (int)strcspn(s.tables, ",("), s.tables);
    else
        return SL_OK; /* the first layer, whichever it is: not known here */
    char ss[256], st[256];
    split_table(src_name, s.schema, ss, sizeof ss, st, sizeof st);
    if (!prefix)
        prefix = SL_PG_DEFAULT_PREFIX;
    int hits = 0;
    for (int i = 0; layers && layers[i]; i++) {
        char full[512], os[256], ot[256];
        snprintf(full, sizeof full, "%s%s", prefix, layers[i]);
        split_table(full, t.schema, os, sizeof os, ot, sizeof ot);
        if (strcasecmp(os, ss) != 0 || strcasecmp(ot, st) != 0)
            continue;
        char shown_t[512], shown_s[512];
        sl_redact(conn, shown_t, sizeof shown_t);
        sl_redact(g->pg_conn, shown_s, sizeof shown_s);
        sl_error_add(err, SL_ERR_USAGE,
                     "%s: output table %s.%s in %s would overwrite the parcel source, table "
                     "%s.%s of %s; choose another --table-prefix",
                     cmd, os, ot, shown_t, ss, st, shown_s);
        hits++;
    }
    return hits ? SL_ERR_USAGE : SL_OK;
}
