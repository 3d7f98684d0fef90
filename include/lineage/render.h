/* Text renderings of a dump for terminals and plain-text reports. */
#ifndef LINEAGE_RENDER_H
#define LINEAGE_RENDER_H

#include <lineage/export.h>
#include <lineage/dump.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags for lineage_render_tree_text. */
enum {
    LINEAGE_RENDER_ASCII = 1 << 0 /**< plain ASCII instead of box drawing */
};

/** One line (no newline) describing a dump: source and index, lines, OS
 * and build, architecture, CPUs, bugcheck, process count, complete or
 * partial. Control bytes from the input are shown escaped. The caller
 * frees the result with free(). */
LINEAGE_API char *lineage_dump_describe(const lineage_dump *dump);

/** A pstree-style text tree of the dump, one node per line, each ending in
 * a newline: `name (pid) N threads [marks]`, absent parents as
 * `[absent parent PID]`. Levels deeper than the indentation limit print
 * their depth instead, so output is linear in the number of processes.
 * The caller frees the result with free(). */
LINEAGE_API char *lineage_render_tree_text(const lineage_dump *dump, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
