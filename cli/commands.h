/* commands.h - the CLI's commands (one cmd_*.c file each; helpers in cli_util.h). */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

/* Each takes argv starting at the command name; returns the exit code. */
int cmd_check(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_export_model(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
