/* Rule-set options shared by `lineage check` and `lineage rules`. */
#ifndef LINEAGE_CLI_RULES_H
#define LINEAGE_CLI_RULES_H

#include <lineage/rules.h>

#include "cli.h"

typedef struct cli_rules_options {
    const char **paths; /* --rules, in order */
    int npaths;
    const char **disable; /* --disable ID */
    int ndisable;
    const char **levels; /* --severity ID=LEVEL */
    int nlevels;
    int no_defaults;
    unsigned assumed_build; /* --assume-os (check and report), or 0 */
} cli_rules_options;

/* Ids of the rule-set options in the option tables of the commands that
 * take them (below 100 are the command's own, 100 the input options). */
enum {
    CLI_OPT_RULES = 200,
    CLI_OPT_NO_DEFAULTS,
    CLI_OPT_DISABLE,
    CLI_OPT_SEVERITY,
    CLI_OPT_ASSUME_OS
};

/* Takes a rule-set option (CLI_OPT_RULES...) of command `cmd` into `o`: 1
 * when `id` is one, 0 after printing why its value is wrong, -1 when `id`
 * is another. */
int cli_rules_option(const char *cmd, cli_rules_options *o, int id, const char *value);

/* Room for every option of argc arguments; free with cli_rules_release. */
void cli_rules_init(cli_rules_options *o, int argc);
void cli_rules_release(cli_rules_options *o);
/* Loads and compiles the rule set the options describe, printing every
 * diagnostic. Returns EXIT_CLEAN with *out set, or EXIT_RULES. */
int cli_rules_load(lineage_session *session, const cli_rules_options *o,
                   const char *const *extra, int nextra, lineage_ruleset **out);
#endif
