/* cmd_check.c - `shanglou check`. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "eval/evaluate.h"
#include "eval/fit.h"
#include "eval/precheck.h"
#include "input/scenario.h"
#include "input/source.h"

static const char *check_usage =
    "usage: shanglou check SCENARIO\n"
    "\n"
    "Validate a scenario file: every key, type, range and cross-reference, all\n"
    "errors listed as FILE:LINE:COL: message.  Then read its parcel source: the CRS,\n"
    "the field mapping, the text encoding, text in fields mapped as numbers,\n"
    "repeated ids, pins on parcels that cannot take them, demand minimums above\n"
    "what the candidates can hold; no solving.  Warnings (on stderr) name unknown\n"
    "or implausible values and industries that fit no storey of any candidate.\n";

int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(check_usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(check_usage, "check: unknown option '%s'", argv[i]);
        if (path)
            return cli_usage_error(check_usage, "check: unexpected argument '%s'", argv[i]);
        path = argv[i];
    }
    if (!path)
        return cli_usage_error(check_usage, "check: missing %s", "SCENARIO");
    int rc = 0;
    sl_scenario *sc = cli_load_scenario(path, &rc);
    if (!sc)
        return rc;
    sl_error err;
    sl_error_init(&err);
    sl_zone *z = sl_zone_open(sc, &err);
    if (!z) {
        rc = cli_print_errors(&err);
        sl_error_clear(&err);
        sl_scenario_destroy(sc);
        return rc;
    }
    cli_crs_warning(z);
    /* What evaluate and plan would reject, without solving: the layer is
     * read (text, ids, candidacy, envelopes, plan.exclude), then ids, pins
     * and demand are checked, each listing every problem it finds. */
    sl_status st = sl_zone_read(z, NULL, NULL, &err);
    if (st == SL_OK) { /* a reading cut short would make ids look missing */
        /* Warnings first: an industry that fits nowhere explains the
         * demand errors that may follow. */
        cli_print_zone_warnings(z);
        for (int i = 0; i < sc->n_industries; i++) {
            char why[1200];
            if (!sl_zone_industry_fits(z, i, why, sizeof why))
                fprintf(stderr, "warning: %s\n", why);
        }
        sl_status s1 = sl_zone_check_ids(z, cli_log_stderr, NULL, &err);
        sl_status s2 = sl_zone_check_pins(z, &err);
        sl_status s3 = sl_zone_check_demand(z, &err);
        st = s1 != SL_OK ? s1 : s2 != SL_OK ? s2 : s3;
    }
    if (st != SL_OK) {
        rc = cli_finish(&err, st);
        sl_zone_destroy(z);
        sl_error_clear(&err);
        sl_scenario_destroy(sc);
        return rc;
    }
    long long n = z->n;
    printf("%s: ok: scenario '%s', %d %s, %d %s, %d %s, %d %s; parcels: %s layer '%s' (%s), "
           "%lld %s, CRS %s\n",
           path, sc->name ? sc->name : "", sc->n_rules,
           cli_plural(sc->n_rules, "rule set", "rule sets"), sc->n_industries,
           cli_plural(sc->n_industries, "industry", "industries"), sc->n_links,
           cli_plural(sc->n_links, "chain link", "chain links"), sc->n_pins,
           cli_plural(sc->n_pins, "pin", "pins"), sl_source_label(z->src), z->layer_name, z->driver,
           n, cli_plural(n, "feature", "features"), z->crs_name);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    return 0;
}
