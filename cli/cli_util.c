/*
 * cli_util.c - helpers shared by the commands: exit codes, error and
 * usage messages, the arguments of the commands that run a scenario, and
 * loading a scenario and its zone with progress.
 */
#include "cli_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/evaluate.h"
#include "input/scenario.h"
#include "input/source.h"
#include "out/guard.h"
#include "pg_target.h"
#include "progress.h"
#include "util/ogr_util.h"

int cli_exit_code(sl_status st)
{
    switch (st) {
    case SL_OK: return 0;
    case SL_ERR_USAGE:
    case SL_ERR_SCENARIO: return 2;
    default: return 1;
    }
}

int cli_print_errors(const sl_error *err)
{
    for (int i = 0; i < err->n; i++)
        fprintf(stderr, "%s\n", err->msgs[i]);
    if (err->n == 0 && err->code != SL_OK)
        fprintf(stderr, "shanglou: %s\n", sl_strerror(err->code));
    return cli_exit_code(err->code);
}

int cli_finish(const sl_error *err, sl_status st)
{
    if (st == SL_OK)
        return 0;
    if (err->n == 0 || err->code == SL_OK) {
        /* A failure nobody described: still say so, and never exit 0. */
        cli_print_errors(err);
        fprintf(stderr, "shanglou: %s\n", sl_strerror(st));
        return cli_exit_code(st);
    }
    return cli_print_errors(err);
}

int cli_usage_error(const char *cmd_usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("shanglou: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", cmd_usage);
    return 2;
}

bool cli_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int cli_parse_gap(const char *s, double *out)
{
    size_t n = strlen(s);
    bool percent = n > 1 && s[n - 1] == '%';
    char buf[64];
    if (n >= sizeof buf)
        return 1;
    memcpy(buf, s, n + 1);
    if (percent)
        buf[n - 1] = '\0';
    double v;
    if (!cli_parse_double(buf, &v) || v < 0)
        return 1;
    if (percent) {
        if (v > 100)
            return 1;
        *out = v / 100;
        return 0;
    }
    *out = v;
    return v > 1 ? 2 : 0;
}

sl_scenario *cli_load_scenario(const char *path, int *rc)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(path, &err);
    if (!sc) {
        cli_print_errors(&err);
        *rc = 2;
    }
    sl_error_clear(&err);
    return sc;
}

int cli_guard_outputs(const char *cmd, const char *const *paths, sl_scenario *const *sc, int n,
                      const char *dir, const char *const *names, const char *file,
                      const char *pg_conn, const char *pg_prefix, const char *const *pg_layers)
{
    sl_error err;
    sl_error_init(&err);
    sl_guard *g = sl_guard_create(&err);
    sl_status st = g ? SL_OK : err.code;
    for (int i = 0; i < n && st == SL_OK; i++)
        st = sc[i] ? sl_guard_add_scenario(g, sc[i], &err)
                   : sl_guard_add_file(g, paths[i], "the scenario file", NULL, &err);
    /* Every check, so that every collision is named at once. */
    if (st == SL_OK && dir)
        sl_guard_check_dir(g, cmd, dir, names, &err);
    if (st == SL_OK && file && err.code != SL_ERR_NOMEM)
        sl_guard_check_file(g, cmd, file, &err);
    if (st == SL_OK && pg_conn && err.code != SL_ERR_NOMEM)
        sl_guard_check_pg(g, cmd, pg_conn, pg_prefix, pg_layers, &err);
    sl_guard_destroy(g);
    int rc = err.code == SL_OK ? 0 : cli_finish(&err, err.code);
    sl_error_clear(&err);
    return rc;
}

int cli_parse_run(int argc, char **argv, const char *usage, bool plan, cli_run_args *a,
                  pg_target *pg)
{
    memset(a, 0, sizeof *a);
    a->lang = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (pg) {
            char msg[600];
            int k = pg_target_arg(pg, argc, argv, &i, argv[0], msg, sizeof msg);
            if (k == 2)
                return cli_usage_error(usage, "%s", msg);
            if (k == 1)
                continue;
        }
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (++i == argc)
                return cli_usage_error(usage, "%s needs a value", s);
            a->out = argv[i];
        } else if (plan && (strcmp(s, "--time-limit") == 0 || strcmp(s, "--gap") == 0)) {
            if (++i == argc)
                return cli_usage_error(usage, "%s needs a value", s);
            double v;
            bool gap = strcmp(s, "--gap") == 0;
            if (gap) {
                int k = cli_parse_gap(argv[i], &v);
                if (k == 1)
                    return cli_usage_error(usage, "--gap: '%s' is not a number >= 0 (0.05 or 5%%)",
                                           argv[i]);
                if (k == 2)
                    return cli_usage_error(usage,
                                           "--gap %s means %g %%; write %g or %g%% (a share of the "
                                           "objective, 0 to 1, or a percentage)",
                                           argv[i], 100 * v, v / 100, v);
            } else if (!cli_parse_double(argv[i], &v) || !(v > 0)) {
                return cli_usage_error(usage, "--time-limit: '%s' is not a number of seconds > 0",
                                       argv[i]);
            }
            if (gap) {
                a->gap = v;
                a->has_gap = true;
            } else {
                a->time_limit_s = v;
                a->has_time = true;
            }
        } else if (plan && strcmp(s, "--lang") == 0) {
            if (++i == argc)
                return cli_usage_error(usage, "%s needs a value (one of %s)", s, sl_lang_list());
            if (cli_parse_lang(usage, NULL, argv[i], &a->lang) != 0)
                return 2;
        } else if (plan && (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0)) {
            a->quiet = true;
        } else if (plan && (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0)) {
            a->verbose = true;
        } else if (s[0] == '-' && s[1]) {
            return cli_usage_error(usage, "unknown option '%s'", s);
        } else if (a->path) {
            return cli_usage_error(usage, "unexpected argument '%s'", s);
        } else {
            a->path = s;
        }
    }
    if (!a->path)
        return cli_usage_error(usage, "missing %s", "SCENARIO");
    if (!a->out && !(pg && pg->to))
        return cli_usage_error(usage, "missing %s",
                               pg     ? "-o DIR (or --to PG:...)"
                               : plan ? "-o DIR"
                                      : "-o FILE");
    char msg[200];
    if (pg && pg_target_check(pg, argv[0], msg, sizeof msg))
        return cli_usage_error(usage, "%s", msg);
    return -1;
}

double cli_feature_count(const sl_zone *z)
{
    /* A database "fast" count is still a count(*), which a lock can hold
     * up; the reading reports such trouble itself. */
    OGRLayerH l = sl_source_layer(z->src);
    if (strcmp(z->driver, "PostgreSQL") == 0 || !OGR_L_TestCapability(l, OLCFastFeatureCount))
        return 0;
    sl_gdal_capture cap;
    sl_gdal_capture_push(&cap);
    long long n = OGR_L_GetFeatureCount(l, FALSE);
    sl_gdal_capture_pop();
    return n > 0 ? (double)n : 0;
}

/* Counts the features read, for the progress display. */
typedef struct read_progress {
    cli_progress *p;
    long long n;
} read_progress;

static sl_status count_read(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                            OGRGeometryH g)
{
    (void)z, (void)p, (void)f, (void)g;
    read_progress *rp = user;
    cli_progress_step(rp->p, (double)++rp->n);
    return SL_OK;
}

void cli_crs_warning(const sl_zone *z)
{
    const char *own = sl_source_crs_overridden(z->src);
    if (own)
        fprintf(stderr, "warning: %s: overriding the source's %s with %s (parcels.crs)\n",
                sl_source_label(z->src), own, z->crs_name);
}

int cli_parse_lang(const char *usage, const char *cmd, const char *value, int *lang)
{
    sl_lang l;
    if (!sl_lang_parse(value, &l))
        return cli_usage_error(usage,
                               "%s%s--lang: '%s' is not a language shanglou writes; use one of %s",
                               cmd ? cmd : "", cmd ? ": " : "", value, sl_lang_list());
    *lang = (int)l;
    return 0;
}

sl_zone *cli_load_zone(const char *path, int lang, sl_scenario **sc, struct cli_progress *prog,
                       int *rc)
{
    *sc = cli_load_scenario(path, rc);
    if (!*sc)
        return NULL;
    if (lang >= 0)
        (*sc)->lang = (sl_lang)lang;
    sl_error err;
    sl_error_init(&err);
    sl_zone *z = sl_zone_open(*sc, &err);
    if (z) {
        cli_crs_warning(z);
        read_progress rp = {prog, 0};
        cli_progress_begin(prog, "reading parcels", cli_feature_count(z));
        if (sl_zone_read(z, prog ? count_read : NULL, &rp, &err) != SL_OK) {
            sl_zone_destroy(z);
            z = NULL;
        } else {
            cli_progress_end(prog);
            cli_print_zone_warnings(z);
        }
    }
    if (!z) {
        *rc = cli_print_errors(&err);
        sl_scenario_destroy(*sc);
        *sc = NULL;
    }
    sl_error_clear(&err);
    return z;
}

void cli_print_zone_warnings(const sl_zone *z)
{
    for (int i = 0; z && i < z->n_warnings; i++)
        fprintf(stderr, "warning: %s\n", z->warnings[i]);
}

const char *cli_plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void cli_log_stderr(void *user_data, sl_log_level level, const char *message)
{
    (void)user_data;
    if (level == SL_LOG_SOLVER) {
        fputs(message, stderr); /* GLPK's pieces carry their own newlines */
        return;
    }
    fprintf(stderr, "%s%s\n", level == SL_LOG_WARNING ? "warning: " : "", message);
}
