/* lineage tree: print each dump's summary line and process tree. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inputs.h"
#include "scan_input.h"

enum { OPT_ASCII = 1, OPT_STRICT, OPT_INPUT_FORMAT, OPT_SCAN };

static const cli_option tree_options[] = {
    {"ascii", 0, NULL, "draw the tree with ASCII instead of box-drawing characters", OPT_ASCII},
    {"strict", 0, NULL, "treat warnings about the input as errors (exit 3)", OPT_STRICT},
    {"input-format", 0, "NAME", "read the input as NAME instead of detecting it", OPT_INPUT_FORMAT},
    {"scan", 0, "FILE", "a scan listing (psscan) of the same image as the one list FILE: processes "
                        "only the scan saw are added, marked [hidden] or [exited]", OPT_SCAN},
    {0},
};

static const cli_command tree_command = {
    "tree", "[options] FILE...",
    "Print each dump's facts and its normalized process tree. FILE may be - for standard input.",
    tree_options,
};

typedef struct tree_ctx {
    unsigned flags;
    cli_input_options input;
    const char *scan;
    int printed;
} tree_ctx;

static int on_option(void *p, int id, const char *value)
{
    tree_ctx *c = p;
    switch (id) {
    case OPT_ASCII:
        c->flags |= LINEAGE_RENDER_ASCII;
        break;
    case OPT_STRICT:
        c->input.strict = 1;
        break;
    case OPT_INPUT_FORMAT:
        c->input.format = value;
        break;
    case OPT_SCAN:
        c->scan = value;
        break;
    }
    return 1;
}

static int print_dump(void *p, const lineage_dump *d)
{
    tree_ctx *c = p;
    char *summary = lineage_dump_describe(d);
    char *tree = lineage_render_tree_text(d, c->flags);
    int ok = (!c->printed++ || cli_write("\n")) && cli_write(summary) && cli_write("\n") &&
             cli_write(tree);
    free(summary);
    free(tree);
    if (!ok) {
        cli_error("cannot write to standard output");
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

int cmd_tree(int argc, char **argv)
{
    tree_ctx c = {0};
    char **files;
    int nfiles, help;
    int rc = cli_parse(&tree_command, argc, argv, on_option, &c, &files, &nfiles, &help);
    if (rc != EXIT_CLEAN)
        return rc;
    if (help) {
        cli_print_help(&tree_command, stdout);
        free(files);
        return EXIT_CLEAN;
    }
    if (nfiles == 0) {
        cli_error("tree: no input file; see 'lineage tree --help'");
        free(files);
        return EXIT_USAGE;
    }
    if (c.scan && (nfiles != 1 || strcmp(files[0], "--") == 0)) {
        cli_error("tree: --scan needs exactly one list FILE (got %d); see 'lineage tree --help'",
                  nfiles);
        free(files);
        return EXIT_USAGE;
    }
    lineage_session *session = lineage_session_new();
    if (c.scan)
        rc = cli_read_with_scan(session, files[0], c.scan, &c.input, print_dump, &c);
    else
        rc = cli_read_inputs(session, files, nfiles, &c.input, print_dump, &c);
    lineage_session_free(session);
    free(files);
    if (fflush(stdout) != 0 && rc == EXIT_CLEAN) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
    }
    return rc;
}
