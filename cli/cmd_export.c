/* cmd_export.c - `shanglou export-model`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "commands.h"
#include "plan/plan.h"
#include "phase/phasing.h"
#include "input/scenario.h"
#include "eval/evaluate.h"

static const char *export_usage =
    "usage: shanglou export-model SCENARIO -o FILE.lp|FILE.mps\n"
    "       shanglou export-model SCENARIO --phasing --plan DIR -o FILE.lp|FILE.mps\n"
    "\n"
    "Write the plan's compact mixed-integer program (every rule of the model) in\n"
    "CPLEX LP format (maximising value_m2eq) or free MPS format (minimising its\n"
    "negative, since MPS has no objective sense), for other solvers: glpsol,\n"
    "cbc, HiGHS ...  Column y_pP says parcel P (0-based, source order) is\n"
    "redeveloped; x_pP_fK_iI / x_pP_oK_iI put industry I (0-based, scenario\n"
    "order) on level K of its factory / office block; u_pP_cC, start_pP_*,\n"
    "h_pP_cC and nb_pP_qQ_cC state one chain per building, contiguous tenants\n"
    "and the neighbour chain bonus.\n"
    "\n"
    "With --phasing, the phasing MIP of the scenario's `phasing` section for the\n"
    "plan written in DIR (by `shanglou plan SCENARIO -o DIR`): z_P_Y says the\n"
    "P-th redeveloped parcel of DIR/parcels.geojson (1-based) has started by\n"
    "year Y; rows order_, money_, swing_ and starts_ are the rules.\n";

int cmd_export_model(int argc, char **argv)
{
    /* --phasing and --plan DIR are taken out before the common options. */
    bool phasing = false;
    const char *plan_dir = NULL;
    char **args = malloc(sizeof *args * ((size_t)argc + 1));
    if (!args) {
        fprintf(stderr, "export-model: out of memory\n");
        return 1;
    }
    int nargs = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--phasing") == 0) {
            phasing = true;
        } else if (i > 0 && strcmp(argv[i], "--plan") == 0 && i + 1 < argc) {
            plan_dir = argv[++i];
        } else if (i > 0 && strncmp(argv[i], "--plan=", 7) == 0) {
            plan_dir = argv[i] + 7;
        } else if (i > 0 && strcmp(argv[i], "--plan") == 0) {
            free(args);
            return cli_usage_error(export_usage, "export-model: --plan needs a directory");
        } else {
            args[nargs++] = argv[i];
        }
    }
    args[nargs] = NULL;
    if (phasing != (plan_dir != NULL)) {
        free(args);
        return cli_usage_error(export_usage, "export-model: --phasing and --plan DIR go together");
    }
    cli_run_args a;
    int rc = cli_parse_run(nargs, args, export_usage, false, &a, NULL);
    free(args);
    if (rc >= 0)
        return rc;
    size_t n = strlen(a.out);
    bool lp = n > 3 && strcmp(a.out + n - 3, ".lp") == 0;
    bool mps = n > 4 && strcmp(a.out + n - 4, ".mps") == 0;
    if (!lp && !mps)
        return cli_usage_error(export_usage, "export-model: '%s' must end in .lp or .mps", a.out);
    sl_scenario *sc = NULL;
    sl_zone *z = cli_load_zone(a.path, -1, &sc, NULL, &rc);
    if (!z)
        return rc;
    /* Before anything is written: the model file may not be an input. */
    if ((rc = cli_guard_outputs("export-model", &a.path, &sc, 1, NULL, NULL, a.out, NULL, NULL,
                                NULL)) != 0) {
        sl_zone_destroy(z);
        sl_scenario_destroy(sc);
        return rc;
    }
    sl_error err;
    sl_error_init(&err);
    if (phasing && !sc->phasing.present) {
        sl_error_add(&err, SL_ERR_USAGE,
                     "export-model: %s has no `phasing` section to export (docs/scenario.md)",
                     a.path);
        rc = cli_finish(&err, SL_ERR_USAGE);
        sl_error_clear(&err);
        sl_zone_destroy(z);
        sl_scenario_destroy(sc);
        return rc;
    }
    /* Neighbouring candidates, for the neighbour chain bonus (产业集聚). */
    if (!phasing && sc->neighbour_chain_bonus_m2 > 0) {
        sl_status nst = sl_zone_neighbours(z, sc->neighbour_distance_m, &err);
        if (nst != SL_OK) {
            rc = cli_finish(&err, nst);
            sl_error_clear(&err);
            sl_zone_destroy(z);
            sl_scenario_destroy(sc);
            return rc;
        }
    }
    /* Written beside the target and renamed: never a half-written model. */
    char *tmp = malloc(n + 32);
    snprintf(tmp, n + 32, "%s.tmp-%ld%s", a.out, (long)getpid(), lp ? ".lp" : ".mps");
    sl_status st = phasing ? sl_phasing_export_plan(z, plan_dir, tmp, &err)
                           : sl_plan_export_model(z, tmp, &err);
    if (st == SL_OK && rename(tmp, a.out) != 0) {
        sl_error_add(&err, SL_ERR_IO, "%s: cannot write: %s", a.out, strerror(errno));
        st = SL_ERR_IO;
    } else if (st == SL_ERR_IO) {
        /* GLPK says only that it failed, and of the temporary file: say it
         * of the file asked for, with the system's reason where one shows
         * (a directory that does not exist or cannot be written; a disk
         * that filled up during the write shows none) */
        FILE *f = fopen(tmp, "w");
        int e = f ? 0 : errno;
        if (f)
            fclose(f);
        sl_error_clear(&err);
        sl_error_add(&err, SL_ERR_IO, "%s: cannot write%s%s", a.out, e ? ": " : " the model",
                     e ? strerror(e) : " (is the disk full?)");
    }
    if (st != SL_OK)
        unlink(tmp);
    free(tmp);
    rc = cli_finish(&err, st);
    sl_zone_destroy(z);
    sl_scenario_destroy(sc);
    sl_error_clear(&err);
    return rc;
}
