/* Text renderings of a dump for terminals and plain-text reports. */
#ifndef LINEAGE_RENDER_H
#define LINEAGE_RENDER_H

#include <lineage/export.h>
#include <lineage/dump.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Flags for lineage_render_tree_text, lineage_findings_render_text_flags
 * and lineage_diff_render_text_flags. */
enum {
    LINEAGE_RENDER_ASCII = 1 << 0, /**< plain ASCII instead of box drawing */
    /** ANSI colours for a terminal: severities by level, and in trees
     * hidden processes red, exited ones and absent parents dim, broken
     * parent links yellow. Input text is escaped before colour codes are
     * put around it, so the only escape sequences are lineage's own. */
    LINEAGE_RENDER_COLOR = 1 << 1
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
