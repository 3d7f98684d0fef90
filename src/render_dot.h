/* The DOT writer shared by the DOT and SVG renderers. */
#ifndef LINEAGE_RENDER_DOT_H
#define LINEAGE_RENDER_DOT_H

#include <stddef.h>
#include <lineage/graph.h>

#include "strbuf.h"

/* Appends the dump's picture to sb; returns LINEAGE_OK (aborts on OOM). */
lineage_status dot_render(const lineage_dump *d, const lineage_process *const *deviating,
                          size_t ndeviating, strbuf *sb);
/* Nodes the picture draws: processes plus absent parents. */
size_t dot_node_count(const lineage_dump *d);
/* Frees the process-wide Graphviz context (render_svg.c); only at exit. */
void graph_cleanup(void);

#endif
