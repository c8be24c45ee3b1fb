/* support.c - helpers shared by the Criterion tests. */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

static sl_run run_argv(char *const argv[])
{
    sl_run r = {0};
    char *dir = sl_tmpdir();
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
        r.status = SL_SANITIZER_STATUS;
    }
    sl_rmtree(dir);
    free(dir);
    return r;
}

sl_run sl_cli(const char *arg, ...)
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

sl_run sl_sh(const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    return run_argv(argv);
}

void sl_run_free(sl_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *sl_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/sltest-XXXXXX", base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

void sl_rmtree(const char *dir)
{
    if (!dir || !*dir || strcmp(dir, "/") == 0)
        return;
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

char *sl_slurp(const char *path, size_t *len)
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

char *sl_write(const char *dir, const char *name, const char *text)
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

char *sl_src(const char *rel)
{
    size_t n = strlen(SL_SRC) + strlen(rel) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", SL_SRC, rel);
    return p;
}
