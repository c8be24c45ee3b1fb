/* support.c - helpers shared by the Criterion tests. */
#include "support.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/plan.h"

static char *read_fd_all(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    return buf;
}

static t_run run_argv(char *const argv[])
{
    t_run r = {0};
    char *dir = t_tmpdir();
    char outp[4096], errp[4096];
    snprintf(outp, sizeof outp, "%s/out", dir);
    snprintf(errp, sizeof errp, "%s/err", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int n = open("/dev/null", O_RDONLY);
        dup2(o, 1);
        dup2(e, 2);
        dup2(n, 0);
        if (chdir(SL_SRC "/tests") != 0)
            _exit(126);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    int fd = open(outp, O_RDONLY);
    r.out = read_fd_all(fd);
    close(fd);
    fd = open(errp, O_RDONLY);
    r.err = read_fd_all(fd);
    close(fd);
    /* Under SL_SANITIZE the CLI is instrumented too: a report from a child
     * fails the test whatever exit status it expected. */
    if (strstr(r.err, "ERROR: AddressSanitizer") || strstr(r.err, "ERROR: LeakSanitizer") ||
        strstr(r.err, "runtime error: ")) {
        fprintf(stderr, "sanitizer report from %s:\n%s\n", argv[0], r.err);
        r.status = T_SANITIZER_STATUS;
    }
    t_rmtree(dir);
    free(dir);
    return r;
}

t_run t_cli(const char *arg, ...)
{
    char *argv[64];
    int n = 0;
    argv[n++] = (char *)SL_CLI;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && n < 63; a = va_arg(ap, const char *))
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    return run_argv(argv);
}

t_run t_sh(const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    return run_argv(argv);
}

void t_run_free(t_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *t_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/sltest-XXXXXX", base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

bool t_mount_tmpfs(const char *dir, const char *size)
{
    t_run r = t_sh("mkdir -p '%s/mnt' && mount -t tmpfs -o size=%s tmpfs '%s/mnt'", dir, size, dir);
    bool ok = r.status == 0;
    t_run_free(&r);
    return ok;
}

char *t_tmpfs_dir(const char *size)
{
    char *dir = t_tmpdir();
    if (dir && !t_mount_tmpfs(dir, size)) {
        t_rmtree(dir);
        free(dir);
        dir = NULL;
    }
    return dir;
}

void t_rmtree(const char *dir)
{
    if (!dir || !*dir || strcmp(dir, "/") == 0)
        return;
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

char *t_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = read_fd_all(fileno(f));
    fclose(f);
    if (len)
        *len = strlen(buf);
    return buf;
}

char *t_write(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

char *t_src(const char *rel)
{
    size_t n = strlen(SL_SRC) + strlen(rel) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", SL_SRC, rel);
    return p;
}

/* ---- a hand-made plan --------------------------------------------------- */

sl_plan *t_plan(const sl_zone *z)
{
    const sl_scenario *sc = z->sc;
    sl_plan *pl = calloc(1, sizeof *pl);
    pl->n = z->n;
    pl->pp = calloc((size_t)z->n + 1, sizeof *pl->pp);
    pl->n_industries = sc->n_industries;
    pl->gfa_by_industry_m2 = calloc((size_t)sc->n_industries + 1, sizeof(double));
    pl->status = SL_PLAN_OPTIMAL;
    int office_ind = -1;
    for (int k = 0; k < sc->n_industries && office_ind < 0; k++)
        if (sc->industries[k].kind == SL_KIND_OFFICE || sc->industries[k].kind == SL_KIND_RND)
            office_ind = k;
    int turn = 0;
    for (int i = 0; i < z->n; i++) {
        const sl_parcel *p = &z->p[i];
        sl_parcel_plan *pp = &pl->pp[i];
        if (p->status != SL_PARCEL_CANDIDATE || !p->env ||
            !sl_footprints_redevelopable(&p->plan_fp) || p->excluded || p->gain_m2 <= 30000)
            continue;
        const sl_ruleset *r = p->plan_rules;
        bool office = p->plan_fp.office_m2 > 0 && office_ind >= 0;
        pp->redeveloped = true;
        pp->storeys = calloc(9, sizeof *pp->storeys);
        int a = turn % sc->n_industries, b = (turn + 1) % sc->n_industries;
        turn += 2;
        for (int k = 0; k < 6; k++) {
            sl_storey *st = &pp->storeys[pp->n_storeys++];
            st->block = SL_BLOCK_FACTORY;
            st->level = k + 1;
            st->industry = k < 3 ? a : b;
            st->height_m = sc->industries[st->industry].floor_height_m;
            if (k == 0)
                st->height_m = fmax(st->height_m, r->ground_floor_height_min_m);
            st->gfa_m2 = p->plan_fp.factory_m2;
            pp->factory_height_m += st->height_m;
            pp->factory_floors++;
        }
        for (int k = 0; office && k < 3; k++) {
            sl_storey *st = &pp->storeys[pp->n_storeys++];
            st->block = SL_BLOCK_OFFICE;
            st->level = k + 1;
            st->industry = office_ind;
            st->height_m = sc->industries[office_ind].floor_height_m;
            st->gfa_m2 = p->plan_fp.office_m2;
            pp->office_height_m += st->height_m;
            pp->office_floors++;
        }
        for (int k = 0; k < pp->n_storeys; k++) {
            const sl_storey *st = &pp->storeys[k];
            pp->gfa_m2 += st->gfa_m2;
            pp->counted_gfa_m2 += st->gfa_m2 * (st->height_m > r->tall_storey_m ? 2 : 1);
            pp->value_m2eq += st->gfa_m2 * sc->industries[st->industry].priority;
            pl->gfa_by_industry_m2[st->industry] += st->gfa_m2;
        }
        pp->value_m2eq -= sc->existing_value * p->current_gfa_m2;
        pl->objective += pp->value_m2eq;
    }
    pl->bound = pl->objective * 1.01;
    pl->has_bound = true;
    pl->gap = 0.01;
    return pl;
}

void t_plan_free(sl_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        free(p->pp[i].storeys);
    free(p->pp);
    free(p->gfa_by_industry_m2);
    free(p);
}
