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

/* Writes `text` to `path` through a temporary file in the same directory
 * and a rename, refusing to replace any of `inputs`. Returns an exit code
 * after printing any problem. */
int cli_write_atomic(const char *path, const char *text, char **inputs, int ninputs);

#endif
