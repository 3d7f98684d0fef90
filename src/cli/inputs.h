/* Reading every dump of every input file, for all subcommands. */
#ifndef LINEAGE_CLI_INPUTS_H
#define LINEAGE_CLI_INPUTS_H

#include "cli.h"

typedef struct cli_input_options {
    const char *format; /* --input-format, or NULL to detect */
    int strict;         /* warnings make the run fail with EXIT_INPUT */
} cli_input_options;

/* Called with each dump (borrowed; freed after the call). Returns an exit
 * code; the worst one wins. */
typedef int (*cli_dump_fn)(void *ctx, const lineage_dump *dump);

/* Reads every dump of every file ("--" entries are skipped), printing
 * diagnostics to stderr as it goes. Returns the worst exit code. */
int cli_read_inputs(lineage_session *session, char **files, int nfiles,
                    const cli_input_options *options, cli_dump_fn fn, void *ctx);

#endif
