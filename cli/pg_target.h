/* pg_target.h - the --to PG:... output of evaluate and plan: option
 * parsing, the run id, and one transaction per run (docs/postgis.md). */
#ifndef SL_PG_TARGET_H
#define SL_PG_TARGET_H

#include <stdbool.h>

#include "layer_out.h"
#include "scenario.h"

/* The options' lines of a command's usage text. */
#define SL_PG_TARGET_USAGE                                                                   \
    "      --to PG:CONN   also (or instead of -o) write the tables into PostgreSQL/PostGIS,\n" \
    "                     in one transaction: a failed run leaves the database as it was\n"  \
    "      --table-prefix NAME  tables NAME + parcels, ... (default shanglou_; SCHEMA.NAME\n" \
    "                     writes into a schema)\n"                                              \
    "      --mode MODE    when the tables exist: create (default) fails, overwrite\n"         \
    "                     replaces them, append adds this run's rows (column run_id)\n"

/* Invariant: d is open only between sl_pg_target_open() and
 * sl_pg_target_finish(). */
typedef struct sl_pg_target {
    const char *to;          /* the connection string; NULL: no --to */
    const char *prefix;      /* NULL: SL_PG_DEFAULT_PREFIX */
    sl_pg_mode mode;
    bool prefix_given, mode_given;
    char run_id[64];
    sl_out_dataset *d;
} sl_pg_target;

/* No --to; a fresh run id. */
void sl_pg_target_init(sl_pg_target *t);

/* If argv[*i] is --to, --table-prefix or --mode, take it and its value
 * (advancing *i) and return 1; return 0 when it is none of them; print a
 * usage error and return 2 when its value is missing or wrong. */
int sl_pg_target_arg(sl_pg_target *t, int argc, char **argv, int *i, const char *cmd,
                     const char *usage);

/* After parsing: --table-prefix and --mode need --to.  Returns 0, or 2
 * after printing a usage error. */
int sl_pg_target_check(const sl_pg_target *t, const char *cmd, const char *usage);

/* Connect and begin the run's transaction (nothing to do without --to).
 * The scenario column gets the scenario's name, else its file name
 * without extension.  Returns SL_OK or the failure's code, with a message
 * in err (password hidden). */
sl_status sl_pg_target_open(sl_pg_target *t, const sl_scenario *sc, const char *scenario_path,
                            sl_error *err);

/* End the run: commit when st is SL_OK (returning the commit's status),
 * else roll back and return st.  Safe to call when nothing is open. */
sl_status sl_pg_target_finish(sl_pg_target *t, sl_status st, sl_error *err);

/* "CMD: wrote tables P+a, P+b to CONN (run_id ..., mode ...)" on stdout;
 * layers is NULL-terminated. */
void sl_pg_target_report(const sl_pg_target *t, const char *cmd, const char *const *layers);

#endif
