/* --scan: one list dump plus the scan dump of the same image. */
#include "scan_input.h"

#include <stdlib.h>

/* The one dump of a file, or NULL with an exit code in *rc (diagnostics
 * printed). */
static lineage_dump *read_single(lineage_session *session, const char *path, const char *role,
                                 const cli_input_options *o, size_t *problems, int *rc)
{
    lineage_reader *r = NULL;
    lineage_dump *first = NULL, *d = NULL;
    unsigned count = 0;
    lineage_status st = lineage_reader_open(session, path, o->format, &r);
    if (st != LINEAGE_OK) {
        cli_print_diags(lineage_reader_get_diags(r));
        lineage_reader_free(r);
        *rc = st == LINEAGE_E_ARG ? EXIT_USAGE : EXIT_INPUT;
        return NULL;
    }
    while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
        if (++count == 1)
            first = d;
        else
            lineage_dump_free(d);
        d = NULL;
    }
    lineage_dump_free(d);
    *problems += cli_print_diags(lineage_reader_get_diags(r));
    lineage_reader_free(r);
    if (st != LINEAGE_OK) {
        *rc = EXIT_INPUT;
    } else if (count != 1) {
        if (count == 0)
            cli_error("%s: no dump found; --scan needs one %s dump", path, role);
        else
            cli_error("%s holds %u dumps; --scan needs exactly one %s dump", path, count, role);
        *rc = count == 0 ? EXIT_INPUT : EXIT_USAGE;
    } else {
        return first;
    }
    lineage_dump_free(first);
    return NULL;
}

int cli_read_scan_pair(lineage_session *session, const char *list_path, const char *scan_path,
                       const cli_input_options *o, size_t *problems, lineage_dump **out)
{
    int rc = EXIT_CLEAN;
    *out = NULL;
    lineage_dump *list = read_single(session, list_path, "list", o, problems, &rc);
    lineage_dump *scan = list ? read_single(session, scan_path, "scan", o, problems, &rc) : NULL;
    if (!list || !scan) {
        lineage_dump_free(list);
        return rc;
    }
    lineage_status st = lineage_dump_merge_scan(list, scan);
    lineage_dump_free(scan);
    *problems += cli_print_diags(lineage_dump_get_diags(list));
    if (st != LINEAGE_OK) {
        cli_error("--scan: %s", lineage_status_string(st));
        rc = EXIT_INPUT;
    }
    *out = list;
    return rc;
}

int cli_read_with_scan(lineage_session *session, const char *list_path, const char *scan_path,
                       const cli_input_options *o, cli_dump_fn fn, void *ctx)
{
    size_t problems = 0;
    lineage_dump *list = NULL;
    int rc = cli_read_scan_pair(session, list_path, scan_path, o, &problems, &list);
    if (!list)
        return rc;
    int out = fn(ctx, list);
    lineage_dump_free(list);
    if (out > rc)
        rc = out;
    if (o->strict && problems && rc == EXIT_CLEAN) {
        cli_error("--strict: %zu warning%s in the input", problems, problems == 1 ? "" : "s");
        rc = EXIT_INPUT;
    }
    return rc;
}
