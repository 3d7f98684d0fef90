/* What the reader needs of a splitter to open a reader over one piece. */
#ifndef LINEAGE_SPLITTER_INTERNAL_H
#define LINEAGE_SPLITTER_INTERNAL_H

#include <lineage/diag.h>
#include <lineage/splitter.h>

#include "format.h"

/* A new descriptor of the splitter's file (the caller closes it), or -1
 * with an error added to diags. */
int splitter_dup_fd(const lineage_splitter *splitter, lineage_diag_list *diags);
const char *splitter_path(const lineage_splitter *splitter);
/* Bytes of byte-order mark at the start of the file, which the first
 * piece's reader skips. */
size_t splitter_bom(const lineage_splitter *splitter);
const input_format *splitter_format(const lineage_splitter *splitter);

#endif
