/* lineage: the command-line tool. Dispatches to one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subcommand;

static const subcommand commands[] = {
    {"tree", cmd_tree, "print each dump's facts and normalized process tree"},
    {"check", cmd_check, "check each dump's ancestry against the rules and report findings"},
    {"rules", cmd_rules, "list, show or lint rules"},
    {"diff", cmd_diff, "compare dumps with a baseline by lineage, or print their matrix"},
    {"learn", cmd_learn, "learn, merge or emit as rules a profile of known-good lineage"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("usage: lineage COMMAND [options] FILE...\n\n"
          "Checks the process ancestry in Windows memory-dump listings.\n\ncommands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nformats read:\n", out);
    for (size_t i = 0; lineage_format_name(i); i++)
        fprintf(out, "  %-10s %s\n", lineage_format_name(i), lineage_format_description(i));
    fputs("\n'lineage COMMAND --help' describes a command's options.\n"
          "exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage, 3 input error, "
          "4 rule error\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(name, "--version") == 0) {
        printf("lineage %s\n", lineage_version());
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    const char *s = cli_suggest(name, names, NCOMMANDS);
    if (s)
        cli_error("unknown command '%s' (did you mean '%s'?)", name, s);
    else
        cli_error("unknown command '%s'; see 'lineage --help'", name);
    return EXIT_USAGE;
}
