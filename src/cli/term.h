/* Terminal-facing settings shared by every subcommand: --color, -q, -v,
 * and the width help text is wrapped to. */
#ifndef LINEAGE_CLI_TERM_H
#define LINEAGE_CLI_TERM_H

#include <stddef.h>
#include <stdio.h>

typedef enum cli_color_mode {
    CLI_COLOR_AUTO = 0, /* colour when stdout is a terminal and NO_COLOR is unset */
    CLI_COLOR_ALWAYS,
    CLI_COLOR_NEVER
} cli_color_mode;

/* Recognizes an option every command takes (--color[=WHEN], -q/--quiet,
 * -v/--verbose). `name` is the option without its dashes, `len` its
 * length, `is_short` set for the one-letter form, `value` what followed
 * "=" or NULL. A bare --color means always, as in GNU tools, so a file
 * named "never" is never taken for its value. Returns 0 when the option
 * is not a common one, 1 when it was taken, -1 after printing why its
 * value is wrong. */
int cli_term_option(const char *name, size_t len, int is_short, const char *value);

/* Decides --color=auto once, when the command line is parsed (cli_parse
 * calls it), before any output or worker thread, so that asking for every
 * dump costs no system call. */
void cli_term_settle(void);
/* Whether to colour what goes to stdout: --color=always, or auto with
 * stdout a terminal, NO_COLOR unset or empty and TERM not "dumb", as
 * cli_term_settle decided it (no colour before then). */
int cli_color_stdout(void);
/* -1 with -q (errors only), 0 by default (warnings and errors), 1 with -v
 * (notes too). */
int cli_verbosity(void);
/* Columns to wrap text for `out` to: COLUMNS when it is a number, else the
 * terminal's width when `out` is a terminal, else 80; never below 40. */
size_t cli_terminal_width(FILE *out);

/* The common options, for help text and suggestions. */
extern const char *const cli_common_option_names[];
extern const size_t cli_common_option_count;

#endif
