/* cmd_plan.c - `shanglou plan` and `shanglou export-model` (pending the
 * optimizer module). */
#include <stdio.h>

#include "commands.h"

int sl_cmd_plan(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("shanglou: plan: not available in this build\n", stderr);
    return 1;
}
