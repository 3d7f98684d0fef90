/* Pictures of process trees: Graphviz DOT text, and SVG drawn from it.
 *
 * One picture is one dump's tree: a `digraph` whose nodes are the listed
 * processes and the absent parents, with an edge from each parent to each
 * child (the tree's invisible root is not drawn). Styles:
 *  - an absent parent is a dashed box, and so are the edges from it;
 *  - a process that has exited is grey;
 *  - a process the caller marks as deviating (for instance one with
 *    findings) is red, whatever else holds.
 * Labels show the image name, the resolved full name when the kernel cut
 * it, the PID (in the dump's base), the threads and the marks of the text
 * tree ([exited], [hidden], ...). Names are shown literally: control
 * characters, backslashes and invalid UTF-8 appear as \xNN escapes, and
 * DOT's and Graphviz's own metacharacters (quotes, backslash sequences
 * such as \N, entities such as &amp;) are escaped, so no byte of a name
 * can change the picture's structure.
 *
 * SVG needs Graphviz's library at build time (lineage_graph_has_svg).
 * Layout is superlinear in the number of nodes, so trees over
 * LINEAGE_MAX_SVG_NODES (limits.h) are refused with LINEAGE_E_LIMIT; a
 * caller then shows the text tree (render.h) instead. */
#ifndef LINEAGE_GRAPH_H
#define LINEAGE_GRAPH_H

#include <stddef.h>
#include <lineage/export.h>
#include <lineage/dump.h>
#include <lineage/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Appends to `*out` (a malloc'd NUL-terminated string the caller frees
 * with free(); *out is NULL on failure) the DOT text of the dump's tree,
 * ending in a newline. `deviating` lists `ndeviating` processes of this
 * dump to draw in red (NULL when none; duplicates are fine; processes of
 * other dumps are ignored). `*len` (when not NULL) receives the length.
 * Returns LINEAGE_OK, or LINEAGE_E_ARG when dump or out is NULL. Output is
 * linear in the number of processes and deterministic. */
LINEAGE_API lineage_status lineage_dump_render_dot(const lineage_dump *dump,
                                                   const lineage_process *const *deviating,
                                                   size_t ndeviating, char **out, size_t *len);

/** 1 when this build of the library can draw SVG (it was built with
 * Graphviz's libgvc), else 0. */
LINEAGE_API int lineage_graph_has_svg(void);

/** The dump's tree as an SVG element drawn by Graphviz from the DOT of
 * lineage_dump_render_dot, without the XML declaration and DOCTYPE, so it
 * can be placed inline in an HTML page. `*out` is malloc'd and
 * NUL-terminated; the caller frees it with free(); it is NULL on failure.
 * `*len` (when not NULL) receives the length.
 * Returns LINEAGE_OK; LINEAGE_E_ARG when dump or out is NULL or when the
 * library was built without Graphviz; LINEAGE_E_LIMIT when the tree has
 * more than LINEAGE_MAX_SVG_NODES nodes; LINEAGE_E_INTERNAL when Graphviz
 * failed to lay out or render the graph, and after
 * lineage_report_global_cleanup. Graphviz itself is not thread-safe, so
 * calls from several threads take turns under one lock. */
LINEAGE_API lineage_status lineage_dump_render_svg(const lineage_dump *dump,
                                                   const lineage_process *const *deviating,
                                                   size_t ndeviating, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
