/* pg_target.h - the --to PG:... output of evaluate and plan: option
 * parsing, the run id, and one transaction per run (docs/postgis.md). */
#ifndef CLI_PG_TARGET_H
#define CLI_PG_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "out/layer_writer.h"
#include "input/scenario.h"

/* The options' lines of a command's usage text. */
#define PG_TARGET_USAGE                                                                        \
    "      --to PG:CONN   also (or instead of -o) write the tables into PostgreSQL/PostGIS,\n" \
    "                     in one transaction: a failed run leaves the database as it was\n"    \
    "      --table-prefix NAME  tables NAME + parcels, ... (default shanglou_; SCHEMA.NAME\n"  \
    "                     writes into a schema)\n"                                             \
    "      --mode MODE    when the tables exist: create (default) fails, overwrite\n"          \
    "                     replaces them, append adds this run's rows (column run_id)\n"

/* Invariant: d is open only between pg_target_open() and
 * pg_target_finish(). */
typedef struct pg_target {
    const char *to;     /* the connection string; NULL: no --to */
    const char *prefix; /* NULL: SL_PG_DEFAULT_PREFIX */
    sl_pg_mode mode;
    bool prefix_given, mode_given;
    char run_id[64];
    sl_out_dataset *d;
} pg_target;

/* No --to; a fresh run id. */
void pg_target_init(pg_target *t);

/* If argv[*i] is --to, --table-prefix or --mode, take it and its value
 * (advancing *i) and return 1; return 0 when it is none of them; return 2
 * with the message (prefixed "CMD: ") in msg when its value is missing or
 * wrong.  Nothing is printed. */
int pg_target_arg(pg_target *t, int argc, char **argv, int *i, const char *cmd, char *msg,
                  size_t size);

/* After parsing: --table-prefix and --mode need --to.  Returns 0, or 2
 * with the message in msg. */
int pg_target_check(const pg_target *t, const char *cmd, char *msg, size_t size);

/* Connect and begin the run's transaction (nothing to do without --to).
 * The scenario column gets the scenario's name, else its file name
 * without extension.  Returns SL_OK or the failure's code, with a message
 * in err (password hidden). */
sl_status pg_target_open(pg_target *t, const sl_scenario *sc, const char *scenario_path,
                         sl_error *err);

/* End the run: commit when st is SL_OK (returning the commit's status),
 * else roll back and return st.  Safe to call when nothing is open. */
sl_status pg_target_finish(pg_target *t, sl_status st, sl_error *err);

/* "CMD: wrote tables P+a, P+b to CONN (run_id ..., mode ...)" on stdout;
 * layers is NULL-terminated. */
void pg_target_report(const pg_target *t, const char *cmd, const char *const *layers);

#endif
