/* The line loop shared by every line-oriented input format. */
#include "format.h"
#include "listing.h"

lineage_status format_next_by_lines(format_parser *parser, listing *ls, format_line_fn line,
                                    format_finish_fn finish, lineage_dump **out)
{
    *out = NULL;
    while (!ls->at_end) {
        source_line ln;
        int r = source_next_line(ls->src, &ln, ls->reader_diags);
        if (r <= 0) {
            ls->at_end = 1;
            *out = finish(parser);
            return r < 0 ? LINEAGE_E_IO : LINEAGE_OK;
        }
        lineage_dump *done = line(parser, &ln);
        if (done) {
            *out = done;
            return LINEAGE_OK;
        }
    }
    *out = finish(parser);
    return LINEAGE_OK;
}
