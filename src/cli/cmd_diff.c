/* lineage diff: compare suspect dumps with a baseline (dumps or learned
 * profiles) by lineage, or print the N-way lineage matrix of dumps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cli.h"
#include "scan_input.h"
#include "term.h"

enum {
    OPT_BASELINE = 1,
    OPT_MIN_SUPPORT,
    OPT_MATRIX,
    OPT_FORMAT,
    OPT_FAIL_ON,
    OPT_THREADS
};

static const cli_option diff_options[] = {
    {"baseline", 'b', "FILE", "a baseline dump file or profile (repeatable)", OPT_BASELINE},
    {"min-support", 0, "K", "baseline keys must be seen in at least K baseline dumps", OPT_MIN_SUPPORT},
    {"matrix", 0, NULL, "print the lineage matrix of every input dump instead", OPT_MATRIX},
    {"format", 0, "FMT", "output format: text (default) or json (with --matrix too)", OPT_FORMAT},
    {"fail-on", 0, "LEVEL", "exit 1 on differences at or above LEVEL (default high)", OPT_FAIL_ON},
    {"threads", 0, NULL, "also report thread counts outside the baseline's range", OPT_THREADS},
    {"strict", 0, NULL, "treat warnings about the input as errors (exit 3)", CLI_OPT_STRICT},
    {"input-format", 0, "NAME", "read dumps as NAME instead of detecting it", CLI_OPT_INPUT_FORMAT},
    {"scan", 0, "FILE", "a scan listing (psscan) of the same image as the one SUSPECT: processes "
                        "only the scan saw are added, marked hidden or exited, and compared too",
     CLI_OPT_SCAN},
    {"jobs", 'j', "N", "compare on N worker threads: suspect files, and pieces of a large kd listing (0: one per CPU)",
     CLI_OPT_JOBS},
    {0},
};

static const cli_command diff_command = {
    "diff", "[options] BASELINE... -- SUSPECT...  |  --baseline FILE... SUSPECT...  |  --matrix DUMP...",
    "Compare suspect dumps with a baseline by lineage (the chain of names from the top), "
    "or print the parent -> child matrix of several dumps.",
    diff_options,
};

#define MAX_BASELINES 256

typedef struct diff_ctx {
    const char *baselines[MAX_BASELINES];
    int nbaselines;
    lineage_diff_options opts;
    int matrix, json, printed;
    lineage_level fail_on;
    cli_input_options input;
    lineage_differ *differ; /* over the baseline profile; workers: their own */
    lineage_matrix *m;
    int failed;
    char **base_files; /* for workers, which learn the baseline again */
    int nbase;
    lineage_profile *own_profile; /* workers: their copy */
    FILE *out, *err;              /* stdout and stderr, or a worker's buffers */
} diff_ctx;

static int on_option(void *p, int id, const char *value)
{
    diff_ctx *c = p;
    int taken = cli_input_option("diff", &c->input, id, value);
    if (taken >= 0)
        return taken;
    switch (id) {
    case OPT_BASELINE:
        if (c->nbaselines == MAX_BASELINES) {
            cli_error("diff: more than %d --baseline options", MAX_BASELINES);
            return 0;
        }
        c->baselines[c->nbaselines++] = value;
        break;
    case OPT_MIN_SUPPORT: {
        char *end;
        errno = 0;
        unsigned long long k = strtoull(value, &end, 10);
        /* strtoull clamps a number too big for it to the largest one. */
        if (*value < '0' || *value > '9' || *end || k == 0 || errno == ERANGE) {
            cli_error("diff: --min-support needs a positive number, not '%s'", value);
            return 0;
        }
        c->opts.min_support = k;
        break;
    }
    case OPT_MATRIX:
        c->matrix = 1;
        break;
    case OPT_FORMAT:
        if (strcmp(value, "json") != 0 && strcmp(value, "text") != 0) {
            cli_bad_value("diff", "format", "text or json", value);
            return 0;
        }
        c->json = value[0] == 'j';
        break;
    case OPT_FAIL_ON:
        return cli_parse_fail_on("diff", value, &c->fail_on);
    case OPT_THREADS:
        c->opts.threads = 1;
        break;
    }
    return 1;
}

static int put(diff_ctx *c, const char *s) { return fputs(s, c->out) != EOF; }

static int diff_one(void *p, const lineage_dump *suspect)
{
    diff_ctx *c = p;
    lineage_diff *d = NULL;
    if (lineage_differ_diff(c->differ, suspect, &d) != LINEAGE_OK)
        return EXIT_INPUT;
    char *text = c->json ? lineage_diff_render_json(d)
                         : lineage_diff_render_text_flags(
                               d, cli_color_stdout() ? LINEAGE_RENDER_COLOR : 0);
    int ok = (c->json || !c->printed++ || put(c, "\n")) && put(c, text);
    free(text);
    if (lineage_diff_count_at_least(d, c->fail_on))
        c->failed = 1;
    lineage_diff_free(d);
    if (!ok) {
        fputs("lineage: cannot write to standard output\n", c->err);
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

/* ---- -j: worker contexts ---------------------------------------------- */

/* A worker learns the baseline again into a session of its own (lineage
 * keys are interned per session and compared by pointer; see inputs.c),
 * quietly: the main thread learnt it first and printed its messages. */
static void *worker_new(void *p, lineage_session **session)
{
    const diff_ctx *shared = p;
    diff_ctx *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    *w = *shared;
    *session = lineage_session_new();
    w->own_profile = lineage_profile_new(*session);
    cli_input_options quiet = shared->input;
    quiet.err = fopen("/dev/null", "w");
    int rc = quiet.err ? cli_learn_inputs(*session, w->own_profile, shared->base_files,
                                          shared->nbase, &quiet)
                       : EXIT_INPUT;
    if (quiet.err)
        fclose(quiet.err);
    if (rc != EXIT_CLEAN) {
        lineage_profile_free(w->own_profile);
        free(w);
        return NULL;
    }
    w->differ = lineage_differ_new(w->own_profile, &shared->opts);
    w->failed = 0;
    w->printed = 1; /* every dump's text starts with its separator */
    return w;
}

static void worker_free(void *p, void *wp)
{
    diff_ctx *shared = p, *w = wp;
    shared->failed |= w->failed; /* main thread, workers stopped */
    lineage_differ_free(w->differ);
    lineage_profile_free(w->own_profile);
    free(w);
}

static void worker_output(void *wp, FILE *out, FILE *err)
{
    diff_ctx *w = wp;
    w->out = out;
    w->err = err;
}

static int add_column(void *p, const lineage_dump *dump)
{
    lineage_matrix_add_dump(((diff_ctx *)p)->m, dump);
    return EXIT_CLEAN;
}

static int run_matrix(diff_ctx *c, lineage_session *session, char **files, int nfiles)
{
    c->m = lineage_matrix_new(session);
    int rc = cli_read_inputs(session, files, nfiles, &c->input, add_column, c);
    if (rc == EXIT_CLEAN) {
        char *text = c->json ? lineage_matrix_render_json(c->m) : lineage_matrix_render_text(c->m);
        if (!cli_write(text))
            rc = EXIT_INPUT;
        free(text);
    }
    lineage_matrix_free(c->m);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    diff_ctx c = {0};
    c.fail_on = LINEAGE_LEVEL_HIGH;
    c.out = stdout;
    c.err = stderr;
    char **files;
    int nfiles, help;
    int rc = cli_parse(&diff_command, argc, argv, on_option, &c, &files, &nfiles, &help);
    if (rc != EXIT_CLEAN)
        return rc;
    if (help) {
        cli_print_help(&diff_command, stdout);
        free(files);
        return EXIT_CLEAN;
    }
    lineage_session *session = lineage_session_new();
    char **base_files = NULL, **suspects = files;
    int nbase = 0, nsuspects = nfiles;
    if (c.matrix) {
        if (c.nbaselines || nfiles == 0 || c.input.scan) {
            cli_error("diff --matrix: give the dumps only; see 'lineage diff --help'");
            rc = EXIT_USAGE;
        } else if ((rc = cli_stdin_once("diff", files, nfiles, NULL, 0, &c.input)) ==
                   EXIT_CLEAN) {
            rc = run_matrix(&c, session, files, nfiles);
        }
        goto done;
    }
    if (c.nbaselines) {
        base_files = (char **)(void *)c.baselines;
        nbase = c.nbaselines;
    } else {
        int sep = -1;
        for (int i = 0; i < nfiles && sep < 0; i++)
            if (strcmp(files[i], "--") == 0)
                sep = i;
        if (sep < 0) {
            cli_error("diff: separate the baseline from the suspects with '--' "
                      "or use --baseline; see 'lineage diff --help'");
            rc = EXIT_USAGE;
            goto done;
        }
        base_files = files;
        nbase = sep;
        suspects = files + sep + 1;
        nsuspects = nfiles - sep - 1;
    }
    if (nbase == 0 || nsuspects == 0) {
        cli_error("diff: need at least one baseline and one suspect");
        rc = EXIT_USAGE;
        goto done;
    }
    if (c.input.scan && nsuspects != 1) {
        cli_error("diff: --scan needs exactly one SUSPECT file (got %d); see 'lineage diff --help'",
                  nsuspects);
        rc = EXIT_USAGE;
        goto done;
    }
    if ((rc = cli_stdin_once("diff", suspects, nsuspects, (const char *const *)base_files, nbase,
                             &c.input)) != EXIT_CLEAN)
        goto done;
    lineage_profile *profile = lineage_profile_new(session);
    rc = cli_learn_inputs(session, profile, base_files, nbase, &c.input);
    if (rc == EXIT_CLEAN && lineage_profile_get_dump_count(profile) == 0) {
        cli_error("diff: the baseline holds no dump");
        rc = EXIT_INPUT;
    }
    if (rc == EXIT_CLEAN) {
        c.differ = lineage_differ_new(profile, &c.opts);
        if (c.input.scan) {
            rc = cli_read_with_scan(session, suspects[0], c.input.scan, &c.input, diff_one, &c);
        } else if (c.input.jobs > 1) {
            c.base_files = base_files;
            c.nbase = nbase;
            cli_jobs jobs = {&c, worker_new, worker_free, worker_output, diff_one, c.json ? 0 : 1,
                             NULL, NULL};
            rc = cli_read_inputs_jobs(suspects, nsuspects, &c.input, &jobs, &c.printed);
        } else {
            rc = cli_read_inputs(session, suspects, nsuspects, &c.input, diff_one, &c);
        }
        if (rc == EXIT_CLEAN && c.failed)
            rc = EXIT_FINDINGS;
        lineage_differ_free(c.differ);
    }
    lineage_profile_free(profile);
done:
    lineage_session_free(session);
    free(files);
    if (fflush(stdout) != 0 && rc != EXIT_INPUT) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
    }
    return rc;
}
