/* lineage rules: list, show and lint rules; also the rule-set loading that
 * `lineage check` shares. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inputs.h"
#include "rules_cli.h"

void cli_rules_init(cli_rules_options *o, int argc)
{
    memset(o, 0, sizeof *o);
    size_t n = argc > 0 ? (size_t)argc : 1;
    o->paths = calloc(n, sizeof *o->paths);
    o->disable = calloc(n, sizeof *o->disable);
    o->levels = calloc(n, sizeof *o->levels);
    if (!o->paths || !o->disable || !o->levels) {
        cli_error("out of memory");
        abort();
    }
}

void cli_rules_release(cli_rules_options *o)
{
    free(o->paths);
    free(o->disable);
    free(o->levels);
}

/* Checks an ID=LEVEL argument; 0 (after printing why) when malformed. */
static int valid_level_arg(const char *cmd, const char *arg)
{
    const char *eq = strchr(arg, '=');
    lineage_level level;
    if (!eq || eq == arg || !lineage_level_parse(eq + 1, strlen(eq + 1), &level)) {
        cli_bad_value(cmd, "severity", "ID=LEVEL (info, low, medium, high, critical)", arg);
        return 0;
    }
    return 1;
}

int cli_rules_option(const char *cmd, cli_rules_options *o, int id, const char *value)
{
    switch (id) {
    case CLI_OPT_RULES:
        o->paths[o->npaths++] = value;
        return 1;
    case CLI_OPT_NO_DEFAULTS:
        o->no_defaults = 1;
        return 1;
    case CLI_OPT_DISABLE:
        if (!*value) {
            cli_bad_value(cmd, "disable", "a rule id", value);
            return 0;
        }
        o->disable[o->ndisable++] = value;
        return 1;
    case CLI_OPT_SEVERITY:
        if (!valid_level_arg(cmd, value))
            return 0;
        o->levels[o->nlevels++] = value;
        return 1;
    case CLI_OPT_ASSUME_OS:
        o->assumed_build = lineage_os_build_from_name(value);
        if (!o->assumed_build) {
            cli_bad_value(cmd, "assume-os",
                          "2000, xp, 2003, vista, 7, 8, 8.1, 10, 11 or a build number from 2195 to 99999",
                          value);
            return 0;
        }
        return 1;
    default:
        return -1;
    }
}

int cli_rules_load(lineage_session *session, const cli_rules_options *o,
                   const char *const *extra, int nextra, lineage_ruleset **out)
{
    lineage_ruleset *set = lineage_ruleset_new(session);
    lineage_diag_list *diags = lineage_diag_list_new();
    int failed = 0;
    if (!o->no_defaults && lineage_ruleset_load_defaults(set, diags) != LINEAGE_OK)
        failed = 1;
    for (int i = 0; i < o->npaths; i++)
        if (lineage_ruleset_load_file(set, o->paths[i], diags) != LINEAGE_OK)
            failed = 1;
    for (int i = 0; i < nextra; i++)
        if (lineage_ruleset_load_file(set, extra[i], diags) != LINEAGE_OK)
            failed = 1;
    for (int i = 0; i < o->ndisable; i++)
        lineage_ruleset_disable(set, o->disable[i]);
    for (int i = 0; i < o->nlevels; i++) {
        const char *eq = strchr(o->levels[i], '=');
        lineage_level level = LINEAGE_LEVEL_INFO;
        lineage_level_parse(eq + 1, strlen(eq + 1), &level);
        char *id = malloc((size_t)(eq - o->levels[i]) + 1);
        if (!id)
            abort();
        memcpy(id, o->levels[i], (size_t)(eq - o->levels[i]));
        id[eq - o->levels[i]] = 0;
        lineage_ruleset_set_level(set, id, level);
        free(id);
    }
    if (lineage_ruleset_compile(set, diags) != LINEAGE_OK)
        failed = 1;
    cli_print_diags(diags);
    size_t errors = lineage_diag_list_count_at_least(diags, LINEAGE_ERROR);
    lineage_diag_list_free(diags);
    if (failed || errors) {
        if (errors)
            fprintf(stderr, "lineage: %zu error%s in the rules\n", errors,
                    errors == 1 ? "" : "s");
        lineage_ruleset_free(set);
        *out = NULL;
        return EXIT_RULES;
    }
    *out = set;
    return EXIT_CLEAN;
}

/* ---- the subcommand ----------------------------------------------------- */

static const cli_option rules_options[] = {
    {"rules", 'r', "PATH", "also load the rule file PATH (repeatable; - is standard input)", CLI_OPT_RULES},
    {"no-default-rules", 0, NULL, "do not load the rules built into lineage", CLI_OPT_NO_DEFAULTS},
    {0},
};

static const cli_command rules_command = {
    "rules", "[options] list | show ID | lint FILE...",
    "Inspect rules: 'list' prints every rule, 'show ID' one rule's source, 'lint FILE...' "
    "checks rule files (with the default rules loaded, as 'check' would) and exits 4 on errors.",
    rules_options,
};

static int on_option(void *p, int id, const char *value)
{
    return cli_rules_option("rules", p, id, value);
}

/* Prints a string the library rendered (and frees it); main checks the
 * write. */
static int print_rendered(char *text)
{
    fputs(text, stdout);
    free(text);
    return EXIT_CLEAN;
}

static int list_rules(const lineage_ruleset *set)
{
    return print_rendered(lineage_ruleset_render_list(set));
}

static int show_rule(const lineage_ruleset *set, const char *id)
{
    const lineage_rule *r = lineage_ruleset_find(set, id);
    if (!r) {
        size_t n = lineage_ruleset_rule_count(set);
        const char **ids = calloc(n ? n : 1, sizeof *ids);
        if (!ids)
            abort();
        for (size_t i = 0; i < n; i++)
            ids[i] = lineage_rule_get_id(lineage_ruleset_rule(set, i));
        const char *s = cli_suggest(id, ids, n);
        if (s)
            cli_error("rules show: no rule '%s' (did you mean '%s'?)", id, s);
        else
            cli_error("rules show: no rule '%s'", id);
        free(ids);
        return EXIT_USAGE;
    }
    return print_rendered(lineage_rule_render_text(r));
}

int cmd_rules(int argc, char **argv)
{
    cli_rules_options o;
    cli_rules_init(&o, argc);
    char **args;
    int nargs, help;
    int rc = cli_parse(&rules_command, argc, argv, on_option, &o, &args, &nargs, &help);
    if (rc != EXIT_CLEAN) {
        cli_rules_release(&o);
        return rc;
    }
    lineage_session *session = NULL;
    lineage_ruleset *set = NULL;
    if (help) {
        cli_print_help(&rules_command, stdout);
        goto done;
    }
    if (nargs == 0 || (strcmp(args[0], "list") != 0 && strcmp(args[0], "show") != 0 &&
                       strcmp(args[0], "lint") != 0)) {
        static const char *const actions[] = {"list", "show", "lint"};
        const char *s = nargs ? cli_suggest(args[0], actions, 3) : NULL;
        if (s)
            cli_error("rules: unknown action '%s' (did you mean '%s'?)", args[0], s);
        else
            cli_error("rules: expected 'list', 'show ID' or 'lint FILE...'; see 'lineage rules "
                      "--help'");
        rc = EXIT_USAGE;
        goto done;
    }
    int is_lint = strcmp(args[0], "lint") == 0, is_show = strcmp(args[0], "show") == 0;
    if ((is_show && nargs != 2) || (is_lint && nargs < 2) ||
        (!is_show && !is_lint && nargs != 1)) {
        cli_error("rules %s: wrong number of arguments; see 'lineage rules --help'", args[0]);
        rc = EXIT_USAGE;
        goto done;
    }
    if (is_lint && (rc = cli_stdin_once("rules lint", args + 1, nargs - 1, o.paths, o.npaths,
                                         NULL)) != EXIT_CLEAN)
        goto done;
    session = lineage_session_new();
    rc = cli_rules_load(session, &o, is_lint ? (const char *const *)args + 1 : NULL,
                        is_lint ? nargs - 1 : 0, &set);
    if (rc != EXIT_CLEAN)
        goto done;
    if (is_lint)
        printf("%d file%s OK, %zu rules loaded\n", nargs - 1, nargs == 2 ? "" : "s",
               lineage_ruleset_rule_count(set));
    else if (is_show)
        rc = show_rule(set, args[1]);
    else
        rc = list_rules(set);
    if (fflush(stdout) != 0 && rc == EXIT_CLEAN) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
    }
done:
    lineage_ruleset_free(set);
    lineage_session_free(session);
    free(args);
    cli_rules_release(&o);
    return rc;
}
