/* --scan: one list dump plus the scan dump of the same image. */
#include "scan_input.h"
#include "term.h"

#include <stdlib.h>

/* Raises the exit code *rc to `status`: a usage error wins (the run
 * stops), then the higher code. */
static void raise_exit(int *rc, int status)
{
    if (*rc != EXIT_USAGE && (status == EXIT_USAGE || status > *rc))
        *rc = status;
}

/* The one dump of a file, its diagnostics printed as cli_read_inputs
 * prints a file's. An error inside the dump (a malformed document) keeps
 * the dump but raises *rc to EXIT_INPUT, as for any input. NULL when the
 * file holds no dump or more than one, with *rc raised to the exit code. */
static lineage_dump *read_single(lineage_session *session, const char *path, const char *role,
                                 const cli_input_options *o, size_t *problems, int *rc)
{
    lineage_reader *r = NULL;
    lineage_dump *first = NULL, *d = NULL;
    unsigned count = 0;
    int status = EXIT_CLEAN;
    lineage_status st = lineage_reader_open(session, path, o->format, &r);
    if (st != LINEAGE_OK) {
        cli_print_diags(lineage_reader_get_diags(r));
        lineage_reader_free(r);
        raise_exit(rc, st == LINEAGE_E_ARG ? EXIT_USAGE : EXIT_INPUT);
        return NULL;
    }
    while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
        *problems += cli_print_diags(lineage_dump_get_diags(d));
        if (lineage_diag_list_count_at_least(lineage_dump_get_diags(d), LINEAGE_ERROR))
            status = EXIT_INPUT;
        if (++count == 1)
            first = d;
        else
            lineage_dump_free(d);
        d = NULL;
    }
    lineage_dump_free(d);
    *problems += cli_print_diags(lineage_reader_get_diags(r));
    lineage_reader_free(r);
    if (st != LINEAGE_OK)
        status = EXIT_INPUT;
    if (count != 1) {
        if (count == 0)
            cli_error("%s: no dump found; --scan needs one %s dump", path, role);
        else
            cli_error("%s holds %u dumps; --scan needs exactly one %s dump", path, count, role);
        status = count == 0 ? EXIT_INPUT : EXIT_USAGE;
        lineage_dump_free(first);
        first = NULL;
    }
    raise_exit(rc, status);
    return first;
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
    /* The merge adds its notes to the list dump's records, which were
     * printed when the list was read. */
    const lineage_diag_list *diags = lineage_dump_get_diags(list);
    cli_diag_mark mark = {lineage_diag_list_count(diags), lineage_diag_list_dropped(diags),
                          lineage_diag_list_count_at_least(diags, LINEAGE_WARNING)};
    lineage_status st = lineage_dump_merge_scan(list, scan);
    lineage_dump_free(scan);
    *problems += cli_print_diags_since(stderr, diags, &mark);
    if (st != LINEAGE_OK) {
        cli_error("--scan: %s", lineage_status_string(st));
        raise_exit(&rc, EXIT_INPUT);
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
