/* What the reader needs of a splitter to open a reader over one piece. */
#ifndef LINEAGE_SPLITTER_INTERNAL_H
#define LINEAGE_SPLITTER_INTERNAL_H

#include <lineage/splitter.h>

#include "format.h"

const char *splitter_path(const lineage_splitter *splitter);
const input_format *splitter_format(const lineage_splitter *splitter);

#endif
