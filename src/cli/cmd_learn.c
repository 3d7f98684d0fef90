/* lineage learn: learn a profile of known-good lineage from dumps, merge
 * profiles, or write a profile as rules. */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cli.h"

enum { OPT_OUTPUT = 1, OPT_MERGE, OPT_EMIT_RULES };

static const cli_option learn_options[] = {
    {"output", 'o', "FILE", "write to FILE (atomically) instead of standard output", OPT_OUTPUT},
    {"merge", 0, NULL, "every input must be a profile (a dump among them is an error)", OPT_MERGE},
    {"emit-rules", 0, NULL, "write the result as a rule file instead of a profile", OPT_EMIT_RULES},
    {"strict", 0, NULL, "treat warnings about the input as errors (exit 3)", CLI_OPT_STRICT},
    {"input-format", 0, "NAME", "read dumps as NAME instead of detecting it", CLI_OPT_INPUT_FORMAT},
    {0},
};

static const cli_command learn_command = {
    "learn", "[options] DUMP|PROFILE... [-o FILE]",
    "Learn a profile of known-good lineage from dumps (and merge profiles given as inputs); "
    "with --emit-rules write it as rules.",
    learn_options,
};

typedef struct learn_ctx {
    const char *output;
    int merge, emit_rules;
    cli_input_options input;
} learn_ctx;

static int on_option(void *p, int id, const char *value)
{
    learn_ctx *c = p;
    int taken = cli_input_option("learn", &c->input, id, value);
    if (taken >= 0)
        return taken;
    switch (id) {
    case OPT_OUTPUT:
        c->output = value;
        break;
    case OPT_MERGE:
        c->merge = 1;
        break;
    case OPT_EMIT_RULES:
        c->emit_rules = 1;
        break;
    }
    return 1;
}

int cmd_learn(int argc, char **argv)
{
    learn_ctx c = {0};
    char **files;
    int nfiles, help;
    int rc = cli_parse(&learn_command, argc, argv, on_option, &c, &files, &nfiles, &help);
    if (rc != EXIT_CLEAN)
        return rc;
    if (help) {
        cli_print_help(&learn_command, stdout);
        free(files);
        return EXIT_CLEAN;
    }
    if ((rc = cli_take_files("learn", files, &nfiles, &c.input)) != EXIT_CLEAN) {
        free(files);
        return rc;
    }
    if (c.merge) {
        for (int i = 0; i < nfiles; i++)
            if (!cli_is_profile(files[i])) {
                cli_error("learn --merge: %s is not a lineage profile", files[i]);
                free(files);
                return EXIT_INPUT;
            }
    }
    lineage_session *session = lineage_session_new();
    lineage_profile *profile = lineage_profile_new(session);
    rc = cli_learn_inputs(session, profile, files, nfiles, &c.input);
    if (rc == EXIT_CLEAN) {
        char *text = c.emit_rules ? lineage_profile_emit_rules(profile)
                                  : lineage_profile_write_text(profile);
        if (c.output) {
            rc = cli_write_atomic(c.output, text, files, nfiles);
        } else if (!cli_write(text) || fflush(stdout) != 0) {
            cli_error("cannot write to standard output");
            rc = EXIT_INPUT;
        }
        free(text);
    }
    lineage_profile_free(profile);
    lineage_session_free(session);
    free(files);
    return rc;
}
