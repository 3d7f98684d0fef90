/* Reading a list listing together with a scan listing of the same memory
 * image (--scan), for subcommands that take one. */
#ifndef LINEAGE_CLI_SCAN_INPUT_H
#define LINEAGE_CLI_SCAN_INPUT_H

#include "inputs.h"

/* Reads the one dump of `list_path` and the one dump of `scan_path`,
 * merges the scan into the list (lineage_dump_merge_scan), prints the
 * diagnostics and calls fn with the merged dump. Either file holding no
 * dump or more than one is a usage error: which dump the scan belongs to
 * would be a guess. Returns an exit code. */
/* The same reading and merging, for callers that keep the merged dump:
 * when each file gave its one dump, *out is the merged list dump, which the
 * caller frees, even if the exit code is EXIT_INPUT (an error inside
 * either dump, or a failed merge: the dump is still valid, as a dump with
 * errors is without --scan); else *out is NULL. The diagnostics of both
 * files and of the merge are printed and the number of warnings and
 * errors among them is added to *problems. Returns an exit code. */
int cli_read_scan_pair(lineage_session *session, const char *list_path, const char *scan_path,
                       const cli_input_options *options, size_t *problems, lineage_dump **out);

int cli_read_with_scan(lineage_session *session, const char *list_path, const char *scan_path,
                       const cli_input_options *options, cli_dump_fn fn, void *ctx);

#endif
