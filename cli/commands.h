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

int sl_exit_code(sl_status st);
/* Print every message, one per line, to stderr; returns the exit code. */
int sl_print_errors(const sl_error *err);
/* Print "shanglou: " fmt (with one %s) and the command's usage; returns 2. */
int sl_usage_error(const char *cmd_usage, const char *fmt, const char *arg);
bool sl_parse_double(const char *s, double *out);

struct sl_scenario;
/* Load a scenario file; on failure print every message and set *rc to 2
 * (a scenario that cannot be read is a usage error too). */
struct sl_scenario *sl_cli_load_scenario(const char *path, int *rc);

#endif
