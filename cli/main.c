/*
 * shanglou - command-line front end.  Parses arguments, calls libshanglou,
 * prints, and chooses the exit code: 0 ok, 1 failure at run time, 2 usage
 * or scenario error.  Only this file exits the process.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "ogrutil.h"
#include "parcels.h"
#include "pg_target.h"
#include "progress.h"
#include "scenario.h"
#include "zone.h"
#include "shanglou.h"

static const char *usage_text =
    "usage: shanglou COMMAND [OPTIONS]\n"
    "\n"
    "Industrial land-use planning for 工改工 / 工业上楼 (vertical factories).\n"
    "\n"
    "commands:\n"
    "  check SCENARIO                 validate a scenario file and its parcel source\n"
    "  inspect SOURCE [--layer NAME]  layers, CRS, fields; suggests parcels.fields\n"
    "  evaluate SCENARIO -o DIR       candidacy and envelopes for every parcel\n"
    "  plan SCENARIO -o DIR           choose parcels and stack industries (GLPK)\n"
    "  export-model SCENARIO -o FILE  write the plan's MIP as .lp or .mps\n"
    "  compare SCENARIO... -o DIR     plan several scenarios and put them side by side\n"
    "\n"
    "  shanglou COMMAND --help        help for one command\n"
    "  shanglou --version\n"
    "\n"
    "exit status: 0 ok, 1 failure at run time, 2 usage or scenario error\n";

int sl_exit_code(sl_status st)
{
    switch (st) {
    case SL_OK: return 0;
    case SL_ERR_USAGE:
    case SL_ERR_SCENARIO: return 2;
    default: return 1;
    }
}

int sl_print_errors(const sl_error *err)
{
    for (int i = 0; i < err->n; i++)
        fprintf(stderr, "%s\n", err->msgs[i]);
    if (err->n == 0 && err->code != SL_OK)
        fprintf(stderr, "shanglou: %s\n", sl_strerror(err->code));
    return sl_exit_code(err->code);
}

int sl_finish(const sl_error *err, sl_status st)
{
    if (st == SL_OK)
        return 0;
    if (err->n == 0 || err->code == SL_OK) {
        /* A failure nobody described: still say so, and never exit 0. */
        sl_print_errors(err);
        fprintf(stderr, "shanglou: %s\n", sl_strerror(st));
        return sl_exit_code(st);
    }
    return sl_print_errors(err);
}

int sl_usage_error(const char *cmd_usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "shanglou: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", cmd_usage);
    return 2;
}

bool sl_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

sl_scenario *sl_cli_load_scenario(const char *path, int *rc)
{
    sl_error err;
    sl_error_init(&err);
    sl_scenario *sc = sl_scenario_load(path, &err);
    if (!sc) {
        sl_print_errors(&err);
        *rc = 2;
    }
    sl_error_clear(&err);
    return sc;
}

int sl_cli_parse_run(int argc, char **argv, const char *usage, bool plan, sl_run_args *a,
                     sl_pg_target *pg)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (pg) {
            int k = sl_pg_target_arg(pg, argc, argv, &i, argv[0], usage);
            if (k == 2)
                return 2;
            if (k == 1)
                continue;
        }
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (++i == argc)
                return sl_usage_error(usage, "%s needs a value", s);
            a->out = argv[i];
        } else if (plan && (strcmp(s, "--time-limit") == 0 || strcmp(s, "--gap") == 0)) {
            if (++i == argc)
                return sl_usage_error(usage, "%s needs a value", s);
            double v;
            bool gap = strcmp(s, "--gap") == 0;
            if (!sl_parse_double(argv[i], &v) || v < 0 || (!gap && v == 0))
                return sl_usage_error(usage, gap ? "--gap: '%s' is not a number >= 0"
                                                 : "--time-limit: '%s' is not a number of seconds > 0",
                                      argv[i]);
            if (gap) {
                a->gap = v;
                a->has_gap = true;
            } else {
                a->time_limit_s = v;
                a->has_time = true;
            }
        } else if (plan && (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0)) {
            a->quiet = true;
        } else if (plan && (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0)) {
            a->verbose = true;
        } else if (s[0] == '-' && s[1]) {
            return sl_usage_error(usage, "unknown option '%s'", s);
        } else if (a->path) {
            return sl_usage_error(usage, "unexpected argument '%s'", s);
        } else {
            a->path = s;
        }
    }
    if (!a->path)
        return sl_usage_error(usage, "missing %s", "SCENARIO");
    if (!a->out && !(pg && pg->to))
        return sl_usage_error(usage, "missing %s",
                              pg ? "-o DIR (or --to PG:...)" : plan ? "-o DIR" : "-o FILE");
    if (pg && sl_pg_target_check(pg, argv[0], usage))
        return 2;
    return -1;
}

/* Load the scenario and read the zone; returns NULL after printing. */
double sl_cli_feature_count(const sl_zone *z)
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
    sl_progress *p;
    long long n;
} read_progress;

static sl_status count_read(void *user, const sl_zone *z, const sl_parcel *p, OGRFeatureH f,
                            OGRGeometryH g)
{
    (void)z, (void)p, (void)f, (void)g;
    read_progress *rp = user;
    sl_progress_step(rp->p, (double)++rp->n);
    return SL_OK;
}

sl_zone *sl_cli_load_zone(const char *path, sl_scenario **sc, struct sl_progress *prog, int *rc)
{
    *sc = sl_cli_load_scenario(path, rc);
    if (!*sc)
        return NULL;
    sl_error err;
    sl_error_init(&err);
    sl_zone *z = sl_zone_open(*sc, &err);
    if (z) {
        read_progress rp = {prog, 0};
        sl_progress_begin(prog, "reading parcels", sl_cli_feature_count(z));
        if (sl_zone_read(z, prog ? count_read : NULL, &rp, &err) != SL_OK) {
            sl_zone_destroy(z);
            z = NULL;
        } else {
            sl_progress_end(prog);
        }
    }
    if (!z) {
        *rc = sl_print_errors(&err);
        sl_scenario_destroy(*sc);
        *sc = NULL;
    }
    sl_error_clear(&err);
    return z;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"check", sl_cmd_check},       {"inspect", sl_cmd_inspect},
    {"evaluate", sl_cmd_evaluate}, {"plan", sl_cmd_plan},
    {"export-model", sl_cmd_export_model}, {"compare", sl_cmd_compare},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("shanglou %s\n", SHANGLOU_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "shanglou: unknown command '%s'\n%s", argv[1], usage_text);
    return 2;
}
