/* The state every line-oriented parser shares (see listing.h). */
#include "listing.h"

#include <string.h>

void listing_init(listing *l, lineage_session *session, source *src, lineage_diag_list *diags)
{
    *l = (listing){0};
    l->session = session;
    l->src = src;
    l->reader_diags = diags;
}

void listing_release(listing *l)
{
    lineage_dump_free(l->cur);
    l->cur = NULL;
}

void listing_warn(listing *l, const source_line *ln, size_t col, const char *msg)
{
    lineage_diag_list *diags = l->cur ? l->cur->diags : l->reader_diags;
    lineage_diag_add(diags, LINEAGE_WARNING, source_name(l->src), ln->number, (unsigned)col + 1,
                     ln->text, ln->len, "%s", msg);
}

/* kd's .dumpdebug listing and WinDbg's `!process 0 0` walk the kernel's
 * list of active processes, which a new process joins at its end. */
static int lists_in_creation_order(const char *format)
{
    return strcmp(format, "kd") == 0 || strcmp(format, "windbg") == 0;
}

lineage_dump *listing_open_dump(listing *l, unsigned long line, const char *format, int pid_base)
{
    l->cur = dump_new(l->session, source_name(l->src), ++l->ndumps, format, pid_base);
    l->cur->creation_order = lists_in_creation_order(format);
    l->cur->first_line = l->cur->last_line = line;
    l->prose += l->pending_prose;
    l->pending_prose = 0;
    return l->cur;
}

lineage_dump *listing_finish_dump(listing *l)
{
    lineage_dump *d = l->cur;
    l->cur = NULL;
    l->prose += l->pending_prose;
    l->pending_prose = 0;
    if (d)
        dump_finish(d);
    return d;
}

unsigned long listing_prose_lines(const listing *l)
{
    return l->prose + l->pending_prose;
}
