/* lineage tree: print each dump's summary line and process tree. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inputs.h"
#include "scan_input.h"
#include "term.h"

enum { OPT_ASCII = 1, OPT_FORMAT };

static const cli_option tree_options[] = {
    {"ascii", 0, NULL, "draw the tree with ASCII instead of box-drawing characters", OPT_ASCII},
    {"format", 0, "FMT", "text (default) or dot: Graphviz DOT, one digraph per dump", OPT_FORMAT},
    {"strict", 0, NULL, "treat warnings about the input as errors (exit 3)", CLI_OPT_STRICT},
    {"input-format", 0, "NAME", "read the input as NAME instead of detecting it",
     CLI_OPT_INPUT_FORMAT},
    {"scan", 0, "FILE", "a scan listing (psscan) of the same image as the one list FILE: processes "
                        "only the scan saw are added, marked [hidden] or [exited]", CLI_OPT_SCAN},
    {"jobs", 'j', "N", "read on N worker threads: files, and pieces of a large kd listing (0: one per CPU; default 1)",
     CLI_OPT_JOBS},
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
    int dot;
    int printed;
    FILE *out, *err; /* stdout and stderr, or a worker's buffers (-j) */
} tree_ctx;

static int on_option(void *p, int id, const char *value)
{
    tree_ctx *c = p;
    int taken = cli_input_option("tree", &c->input, id, value);
    if (taken >= 0)
        return taken;
    if (id == OPT_ASCII) {
        c->flags |= LINEAGE_RENDER_ASCII;
        return 1;
    }
    if (strcmp(value, "dot") != 0 && strcmp(value, "text") != 0) { /* OPT_FORMAT */
        cli_bad_value("tree", "format", "text or dot", value);
        return 0;
    }
    c->dot = value[0] == 'd';
    return 1;
}

static int put(tree_ctx *c, const char *s) { return fputs(s, c->out) != EOF; }

static int print_dump(void *p, const lineage_dump *d)
{
    tree_ctx *c = p;
    if (c->dot) {
        char *dot = NULL;
        if (lineage_dump_render_dot(d, NULL, 0, &dot, NULL) != LINEAGE_OK || !put(c, dot)) {
            free(dot);
            fputs("lineage: cannot write to standard output\n", c->err);
            return EXIT_INPUT;
        }
        free(dot);
        return EXIT_CLEAN;
    }
    char *summary = lineage_dump_describe(d);
    unsigned flags = c->flags | (cli_color_stdout() ? LINEAGE_RENDER_COLOR : 0);
    char *tree = lineage_render_tree_text(d, flags);
    int ok = (!c->printed++ || put(c, "\n")) && put(c, summary) && put(c, "\n") && put(c, tree);
    free(summary);
    free(tree);
    if (!ok) {
        fputs("lineage: cannot write to standard output\n", c->err);
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

/* -j: a worker is a copy of the options with a session of its own (see
 * inputs.c); every dump's text starts with its separator. */
static void *worker_new(void *p, lineage_session **session)
{
    tree_ctx *w = malloc(sizeof *w);
    if (!w)
        return NULL;
    *w = *(const tree_ctx *)p;
    w->printed = 1;
    *session = lineage_session_new();
    return w;
}

static void worker_free(void *p, void *w)
{
    (void)p;
    free(w);
}

static void worker_output(void *wp, FILE *out, FILE *err)
{
    tree_ctx *w = wp;
    w->out = out;
    w->err = err;
}

int cmd_tree(int argc, char **argv)
{
    tree_ctx c = {0};
    c.out = stdout;
    c.err = stderr;
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
    if ((rc = cli_take_files("tree", files, &nfiles, &c.input)) != EXIT_CLEAN) {
        free(files);
        return rc;
    }
    lineage_session *session = lineage_session_new();
    if (c.input.scan) {
        rc = cli_read_with_scan(session, files[0], c.input.scan, &c.input, print_dump, &c);
    } else if (c.input.jobs > 1) {
        cli_jobs jobs = {&c, worker_new, worker_free, worker_output, print_dump, c.dot ? 0 : 1,
                         NULL, NULL};
        rc = cli_read_inputs_jobs(files, nfiles, &c.input, &jobs, &c.printed);
    } else
        rc = cli_read_inputs(session, files, nfiles, &c.input, print_dump, &c);
    lineage_session_free(session);
    free(files);
    if (fflush(stdout) != 0 && rc == EXIT_CLEAN) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
    }
    return rc;
}
