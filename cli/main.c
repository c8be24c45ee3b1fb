/*
 * shanglou - command-line front end.  Parses arguments, calls libshanglou,
 * prints, and chooses the exit code (cli_util.c): 0 ok, 1 failure at run time, 2 usage
 * or scenario error.  Only this file exits the process.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
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

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"check", cmd_check}, {"inspect", cmd_inspect},           {"evaluate", cmd_evaluate},
    {"plan", cmd_plan},   {"export-model", cmd_export_model}, {"compare", cmd_compare},
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
