/* cli_util.h - helpers shared by the CLI's commands (cli_util.c). */
#ifndef CLI_UTIL_H
#define CLI_UTIL_H

#include <stdbool.h>
#include "shanglou.h"

int cli_exit_code(sl_status st);
/* Print every message, one per line, to stderr; returns the exit code. */
int cli_print_errors(const sl_error *err);
/* The exit code of a command that ended with status st: 0 when SL_OK;
 * otherwise err's messages are printed and the code is never 0, even when
 * nothing was added to err. */
int cli_finish(const sl_error *err, sl_status st);
/* Print "shanglou: " fmt and the command's usage on stderr; returns 2. */
int cli_usage_error(const char *cmd_usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool cli_parse_double(const char *s, double *out);
/* --gap's value: a share ("0.05") or a percentage ("5%").  0 with *out set;
 * 1 when it is neither (or a percentage above 100); 2 when a share is
 * above 1 (*out holds it: "--gap 5" means 500 %, not 5 %). */
int cli_parse_gap(const char *s, double *out);

struct sl_scenario;
struct sl_zone;

/* Arguments of the commands that run a scenario (plan, export-model). */
typedef struct cli_run_args {
    const char *path, *out;
    double time_limit_s, gap;
    bool has_time, has_gap, quiet, verbose;
    int lang; /* --lang as an sl_lang, or -1: the scenario's report.lang */
} cli_run_args;

struct pg_target;
/* Parse SCENARIO -o OUT [--time-limit S] [--gap G] [-q] [-v] [--lang L] (the
 * last five only when plan is true) and, when pg is not NULL, --to PG:... with its
 * options (then -o may be left out).  Returns -1 when parsed, else the
 * exit code (0 after --help). */
int cli_parse_run(int argc, char **argv, const char *usage, bool plan, cli_run_args *a,
                  struct pg_target *pg);

struct cli_progress;
/* Load the scenario, set its language (lang >= 0: --lang wins over
 * report.lang), open and read its zone (reporting to prog, which may be
 * NULL); on failure print every message, set *rc and return NULL. */
struct sl_zone *cli_load_zone(const char *path, int lang, struct sl_scenario **sc,
                              struct cli_progress *prog, int *rc);

/* Parse the value of --lang into *lang (an sl_lang); otherwise print the
 * usage error naming the languages and return 2 (0 when parsed). */
int cli_parse_lang(const char *usage, const char *cmd, const char *value, int *lang);
/* Warn on stderr when parcels.crs overrides the zone's source's own CRS
 * (docs/scenario.md). */
void cli_crs_warning(const struct sl_zone *z);
/* The number of features of the zone's source when the driver knows it
 * without reading them all (a Shapefile, a GeoPackage), else 0 (unknown),
 * for progress: a count(*) on a database table may be slow or blocked. */
double cli_feature_count(const struct sl_zone *z);

/* Load a scenario file; on failure print every message and set *rc to 2
 * (a scenario that cannot be read is a usage error too). */
struct sl_scenario *cli_load_scenario(const char *path, int *rc);

/* No output may be an input (docs/robustness.md): refuse, before anything
 * is written, a run of `cmd` that would write over a file it reads (the
 * scenario file paths[i], the parcel source of sc[i] and its sidecars) or
 * the source's table.  It writes the files `names` (NULL-terminated; "sub/"
 * a subdirectory) into dir when dir is not NULL, the file `file` when not
 * NULL, and the tables pg_prefix + pg_layers[i] into pg_conn when not
 * NULL.  sc[i] may be NULL (a scenario that did not load: its file is
 * still guarded).  Returns 0 when nothing collides, else prints every
 * collision and returns the exit code (2). */
int cli_guard_outputs(const char *cmd, const char *const *paths, struct sl_scenario *const *sc,
                      int n, const char *dir, const char *const *names, const char *file,
                      const char *pg_conn, const char *pg_prefix, const char *const *pg_layers);

/* An sl_log_fn that prints each message on stderr (warnings prefixed). */
void cli_log_stderr(void *user_data, sl_log_level level, const char *message);
/* The zone's warnings (sl_zone.warnings) on stderr, "warning: " first. */
void cli_print_zone_warnings(const struct sl_zone *z);
/* one when n is 1, else many: "1 pin", "2 pins". */
const char *cli_plural(long long n, const char *one, const char *many);

#endif
