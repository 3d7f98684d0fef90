/* Reading every dump of every input file, for all subcommands. */
#include "inputs.h"

#include <string.h>

int cli_read_inputs(lineage_session *session, char **files, int nfiles, const cli_input_options *o,
                    cli_dump_fn fn, void *ctx)
{
    int status = EXIT_CLEAN;
    size_t problems = 0;
    for (int f = 0; f < nfiles; f++) {
        if (strcmp(files[f], "--") == 0)
            continue;
        lineage_reader *r = NULL;
        lineage_status st = lineage_reader_open(session, files[f], o->format, &r);
        if (st != LINEAGE_OK) {
            cli_print_diags(lineage_reader_get_diags(r));
            lineage_reader_free(r);
            if (st == LINEAGE_E_ARG)
                return EXIT_USAGE;
            status = EXIT_INPUT;
            continue;
        }
        lineage_dump *d = NULL;
        while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
            problems += cli_print_diags(lineage_dump_get_diags(d));
            int rc = fn(ctx, d);
            lineage_dump_free(d);
            if (rc != EXIT_CLEAN && rc > status)
                status = rc;
        }
        lineage_dump_free(d);
        problems += cli_print_diags(lineage_reader_get_diags(r));
        if (st != LINEAGE_OK)
            status = EXIT_INPUT;
        else if (lineage_reader_get_dump_count(r) == 0) {
            cli_error("%s: no dump found (format %s)", files[f], lineage_reader_get_format(r));
            status = EXIT_INPUT;
        }
        lineage_reader_free(r);
    }
    if (o->strict && problems && status == EXIT_CLEAN) {
        cli_error("--strict: %zu warning%s in the input", problems, problems == 1 ? "" : "s");
        status = EXIT_INPUT;
    }
    return status;
}
