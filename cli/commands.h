/* commands.h - the CLI's commands and shared helpers. */
#ifndef SL_COMMANDS_H
#define SL_COMMANDS_H

#include <stdbool.h>
#include "shanglou.h"

/* Each takes argv starting at the command name; returns the exit code. */
int sl_cmd_check(int argc, char **argv);
int sl_cmd_inspect(int argc, char **argv);
int sl_cmd_evaluate(int argc, char **argv);
int sl_cmd_plan(int argc, char **argv);
int sl_cmd_export_model(int argc, char **argv);
int sl_cmd_compare(int argc, char **argv);

int sl_exit_code(sl_status st);
/* Print every message, one per line, to stderr; returns the exit code. */
int sl_print_errors(const sl_error *err);
/* The exit code of a command that ended with status st: 0 when SL_OK;
 * otherwise err's messages are printed and the code is never 0, even when
 * nothing was added to err. */
int sl_finish(const sl_error *err, sl_status st);
/* Print "shanglou: " fmt (with one %s) and the command's usage; returns 2. */
int sl_usage_error(const char *cmd_usage, const char *fmt, const char *arg);
bool sl_parse_double(const char *s, double *out);

struct sl_scenario;
struct sl_zone;

/* Arguments of the commands that run a scenario (plan, export-model). */
typedef struct sl_run_args {
    const char *path, *out;
    double time_limit_s, gap;
    bool has_time, has_gap, quiet, verbose;
} sl_run_args;

struct sl_pg_target;
/* Parse SCENARIO -o OUT [--time-limit S] [--gap G] [-q] [-v] (the last four
 * only when plan is true) and, when pg is not NULL, --to PG:... with its
 * options (then -o may be left out).  Returns -1 when parsed, else the
 * exit code (0 after --help). */
int sl_cli_parse_run(int argc, char **argv, const char *usage, bool plan, sl_run_args *a,
                     struct sl_pg_target *pg);

struct sl_progress;
/* Load the scenario, open and read its zone (reporting to prog, which may
 * be NULL); on failure print every message, set *rc and return NULL. */
struct sl_zone *sl_cli_load_zone(const char *path, struct sl_scenario **sc,
                                 struct sl_progress *prog, int *rc);
/* The number of features of the zone's source when the driver knows it
 * without reading them all (a Shapefile, a GeoPackage), else 0 (unknown),
 * for progress: a count(*) on a database table may be slow or blocked. */
double sl_cli_feature_count(const struct sl_zone *z);

/* Load a scenario file; on failure print every message and set *rc to 2
 * (a scenario that cannot be read is a usage error too). */
struct sl_scenario *sl_cli_load_scenario(const char *path, int *rc);

#endif
