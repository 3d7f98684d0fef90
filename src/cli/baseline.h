/* Inputs that may be dumps or learned profiles (diff baselines, learn
 * --merge), and writing output files atomically. */
#ifndef LINEAGE_CLI_BASELINE_H
#define LINEAGE_CLI_BASELINE_H

#include "cli.h"
#include "inputs.h"

/* Adds every input to `profile`: a profile file is merged, anything else
 * is read as dumps and learned. Returns the worst exit code. */
int cli_learn_inputs(lineage_session *session, lineage_profile *profile, char **files, int nfiles,
                     const cli_input_options *options);

/* True when the file starts like a profile. */
int cli_is_profile(const char *path);

/* What an output file must never replace: the files the run read. */
typedef struct cli_output_guard {
    char **inputs; /* input files ("--" entries are skipped) */
    int ninputs;
    const char *template_dir;     /* NULL, or every file directly in it */
    const lineage_ruleset *rules; /* NULL, or the files its rules came from */
} cli_output_guard;

/* Writes `text` to `path`, refusing (EXIT_USAGE) to replace a file the
 * guard names, also through a symbolic link. A regular file, or a new
 * one, is written through a temporary file in its directory and a rename,
 * so a failed run leaves it as it was; a symbolic link is followed and
 * stays in place; a FIFO or device is opened and written through.
 * Returns an exit code after printing any problem. */
int cli_write_output(const char *path, const char *text, const cli_output_guard *guard);
/* cli_write_output guarding `inputs` only. */
int cli_write_atomic(const char *path, const char *text, char **inputs, int ninputs);

#endif
