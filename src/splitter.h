/* What the reader needs of a splitter to open a reader over one piece. */
#ifndef LINEAGE_SPLITTER_INTERNAL_H
#define LINEAGE_SPLITTER_INTERNAL_H

#include <lineage/splitter.h>

#include "format.h"

const char *splitter_path(const lineage_splitter *splitter);
const input_format *splitter_format(const lineage_splitter *splitter);
/* Length of the byte-order mark at the start of the file (0 if none). */
size_t splitter_bom(const lineage_splitter *splitter);
/* The open file, for readers of streamed pieces (read with pread only). */
int splitter_fd(const lineage_splitter *splitter);

#endif
