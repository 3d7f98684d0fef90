/* lineage: the command-line tool. Dispatches to one file per subcommand. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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
    {"report", cmd_report, "write the analysis report of the dumps (Markdown, HTML, XML, JSON or SARIF)"},
    {"learn", cmd_learn, "learn, merge or emit as rules a profile of known-good lineage"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("usage: lineage COMMAND [options] FILE...\n\n", out);
    cli_print_paragraph(out, "Checks the process ancestry in Windows memory-dump listings.");
    fputs("\ncommands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        cli_print_item(out, commands[i].name, commands[i].summary, 13);
    fputs("\nformats read:\n", out);
    for (size_t i = 0; lineage_format_name(i); i++)
        cli_print_item(out, lineage_format_name(i), lineage_format_description(i), 13);
    fputc('\n', out);
    cli_print_paragraph(out, "'lineage COMMAND --help' describes a command's options; every "
                             "command also takes --color[=auto|always|never], -q (errors only) "
                             "and -v (notes too).");
    cli_print_paragraph(out, "'lineage --version' prints the versions of lineage and the "
                             "libraries in use.");
    cli_print_paragraph(out, "exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage, "
                             "3 input error, 4 rule error");
}

/* Each dump's memory is freed when the dump is done and the next dump
 * needs about as much again. glibc hands large blocks back to the kernel
 * and trims worker threads' heaps as soon as they are free, so every dump
 * paid for faulting its pages in anew (a fifth of the CPU time of `check
 * -j 2` on a large file). Keeping up to a few dumps' worth of freed
 * memory for reuse costs no more at the peak. */
static void tune_malloc(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

/* Runs the command line; returns the exit code. */
static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 && argc == 3) {
        /* "lineage help CMD" is "lineage CMD --help". */
        char help_flag[] = "--help";
        char *sub[] = {argv[2], help_flag, NULL};
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (strcmp(commands[i].name, argv[2]) == 0)
                return commands[i].run(2, sub);
        name = argv[2];
    } else if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
               strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(name, "--version") == 0) {
        char *deps = lineage_dependency_versions();
        printf("lineage %s\n%s", lineage_version(), deps);
        free(deps);
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

int main(int argc, char **argv)
{
    tune_malloc();
    /* Past a file-size limit (ulimit -f) a write would raise SIGXFSZ and
     * end the run on the spot, leaving -o's temporary file behind. Ignored,
     * the write fails with EFBIG instead, and the usual cleanup removes
     * the temporary file and says why. */
    signal(SIGXFSZ, SIG_IGN);
    int rc = run(argc, argv);
    /* Help, --version, and any output a command did not check: a command
     * that saw its write fail said so and exits 3 or 4. */
    if ((rc == EXIT_CLEAN || rc == EXIT_FINDINGS) && (fflush(stdout) != 0 || ferror(stdout))) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
    }
    return rc;
}
