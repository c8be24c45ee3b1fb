/* pg_target.c - the --to PG:... output of evaluate and plan. */
#include "pg_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ogr_util.h"

void pg_target_init(pg_target *t)
{
    memset(t, 0, sizeof *t);
    t->mode = SL_PG_CREATE;
    sl_out_run_id(t->run_id, sizeof t->run_id);
}

int pg_target_arg(pg_target *t, int argc, char **argv, int *i, const char *cmd, char *msg,
                  size_t size)
{
    const char *a = argv[*i];
    bool to = strcmp(a, "--to") == 0, prefix = strcmp(a, "--table-prefix") == 0,
         mode = strcmp(a, "--mode") == 0;
    if (!to && !prefix && !mode)
        return 0;
    if (++*i == argc) {
        snprintf(msg, size, "%s: %s needs a value", cmd, a);
        return 2;
    }
    const char *v = argv[*i];
    if (to) {
        if (strncasecmp(v, "PG:", 3) != 0) {
            /* Whatever it is, it may hold a password. */
            char shown[512];
            sl_redact(v, shown, sizeof shown);
            snprintf(msg, size,
                     "%s: --to takes a PostgreSQL connection string, "
                     "PG:dbname=NAME host=HOST user=USER ...; not '%s'",
                     cmd, shown);
            return 2;
        }
        t->to = v;
    } else if (prefix) {
        if (!sl_pg_prefix_valid(v)) {
            snprintf(msg, size, "%s: --table-prefix '%s': %s", cmd, v, SL_PG_PREFIX_RULE);
            return 2;
        }
        t->prefix = v;
        t->prefix_given = true;
    } else {
        if (!sl_pg_mode_parse(v, &t->mode)) {
            snprintf(msg, size, "%s: --mode is create, overwrite or append, not '%s'", cmd, v);
            return 2;
        }
        t->mode_given = true;
    }
    return 1;
}

int pg_target_check(const pg_target *t, const char *cmd, char *msg, size_t size)
{
    if (!t->to && (t->prefix_given || t->mode_given)) {
        snprintf(msg, size, "%s: %s needs --to PG:...", cmd,
                 t->prefix_given ? "--table-prefix" : "--mode");
        return 2;
    }
    return 0;
}

sl_status pg_target_open(pg_target *t, const sl_scenario *sc, const char *scenario_path,
                         sl_error *err)
{
    if (!t->to)
        return SL_OK;
    char name[256];
    if (sc->name && sc->name[0]) {
        snprintf(name, sizeof name, "%s", sc->name);
    } else {
        const char *base = strrchr(scenario_path, '/');
        snprintf(name, sizeof name, "%s", base ? base + 1 : scenario_path);
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
            *dot = '\0';
    }
    t->d = sl_out_dataset_open_pg(t->to, t->prefix, t->mode, t->run_id, name, err);
    return t->d ? SL_OK : err->code;
}

sl_status pg_target_finish(pg_target *t, sl_status st, sl_error *err)
{
    if (!t->d)
        return st;
    if (st == SL_OK)
        st = sl_out_dataset_close(t->d, err);
    else
        sl_out_dataset_abort(t->d, err);
    t->d = NULL;
    return st;
}

void pg_target_report(const pg_target *t, const char *cmd, const char *const *layers)
{
    if (!t->to)
        return;
    char shown[1024];
    sl_redact(t->to, shown, sizeof shown);
    const char *prefix = t->prefix ? t->prefix : SL_PG_DEFAULT_PREFIX;
    int n = 0;
    while (layers[n])
        n++;
    printf("%s: wrote table%s ", cmd, n > 1 ? "s" : "");
    for (int i = 0; i < n; i++)
        printf("%s%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ", prefix, layers[i]);
    printf(" to %s (run_id %s, mode %s)\n", shown, t->run_id, sl_pg_mode_name(t->mode));
}
