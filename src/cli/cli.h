/* Shared pieces of the command-line tool: exit codes, messages, option
 * tables. The CLI only parses arguments, calls the library, prints and
 * picks the exit code. */
#ifndef LINEAGE_CLI_H
#define LINEAGE_CLI_H

#include <stdio.h>
#include <lineage/lineage.h>

enum {
    EXIT_CLEAN = 0,    /* nothing at or above the failure threshold */
    EXIT_FINDINGS = 1, /* findings at or above --fail-on */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_INPUT = 3,    /* unreadable input, no dump found, --strict warnings */
    EXIT_RULES = 4     /* invalid rule file */
};

typedef struct cli_option {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 for none */
    const char *arg;  /* metavariable, or NULL for a flag */
    const char *help;
    int id;
} cli_option;

typedef struct cli_command {
    const char *name;
    const char *usage;   /* after "lineage NAME " */
    const char *summary; /* one line */
    const cli_option *options; /* terminated by a zero entry */
} cli_command;

/* Called for each option found; returns 0 to stop with a usage error
 * (after printing why). */
typedef int (*cli_option_fn)(void *ctx, int id, const char *value);

/* Parses argv[1..] against the command's options, collecting the other
 * arguments into positional (argv entries, not copies). Returns
 * EXIT_CLEAN, or EXIT_USAGE after printing the problem; sets *help when
 * --help was given. */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_option_fn fn, void *ctx,
              char ***positional, int *npositional, int *help);
void cli_print_help(const cli_command *cmd, FILE *out);
/* "  LEFT" padded to `field` columns, then `text` wrapped to the terminal
 * width with continuation lines indented to `field`. */
void cli_print_item(FILE *out, const char *left, const char *text, int field);
/* `text` as one paragraph wrapped to the terminal width. */
void cli_print_paragraph(FILE *out, const char *text);

/* "lineage: message" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* "lineage: CMD: --OPTION wants CHOICES, not 'VALUE'": the one message for
 * an option value that is not one of its choices. */
void cli_bad_value(const char *cmd, const char *option, const char *choices, const char *value);
/* --fail-on LEVEL: 1 with *out set, or 0 after printing why. */
int cli_parse_fail_on(const char *cmd, const char *value, lineage_level *out);
/* Prints every record; returns the number of warnings and errors. */
size_t cli_print_diags(const lineage_diag_list *diags);
/* The same on `err` (a worker's buffer under -j). */
size_t cli_print_diags_to(FILE *err, const lineage_diag_list *diags);
/* How much of a diagnostic list was printed: its records, dropped records
 * and warnings and errors at the time. */
typedef struct cli_diag_mark {
    size_t printed, dropped, problems;
} cli_diag_mark;
/* Like cli_print_diags_to for what the list gained since *mark (zeroed:
 * all of it), which then moves to the list's end. */
size_t cli_print_diags_since(FILE *err, const lineage_diag_list *diags, cli_diag_mark *mark);
/* Writes a string to stdout; 0 on a write error. */
int cli_write(const char *s);
/* The closest candidate to `word` within edit distance 2, or NULL. */
const char *cli_suggest(const char *word, const char *const *candidates, size_t n);

/* Subcommands. */
int cmd_tree(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
