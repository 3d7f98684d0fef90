/* The normalized process tree of a dump.
 *
 * Every dump read through a lineage_reader has a tree: one root node whose
 * children are the tops of the listing. Nodes link to parent, first and
 * last child and both siblings, so walks need no stack; the iterator
 * yields ENTER and EXIT events in depth-first order.
 *
 * Linking policy (see docs/tree.md):
 *  - a process whose PPID is 0 hangs under the root (so do Idle, PID 0,
 *    and System beside it);
 *  - a process whose PPID is listed hangs under that process; when the PID
 *    is listed more than once (PID reuse) the parent is the latest one
 *    created before the child where create times are known, else the last
 *    live one listed before the child, else the first listed;
 *  - a listed parent created after its child is rejected (PID reuse): the
 *    child is treated as an orphan and a diagnostic says so. Without
 *    create times, in a listing in creation order (kd, WinDbg `!process
 *    0 0`; not after a scan is merged) a parent listed after the child
 *    is taken as created after it;
 *  - a process whose PPID is not listed is an orphan: all orphans sharing
 *    one absent PPID hang under one ABSENT node for that PPID;
 *  - a self-parent (PID == PPID) hangs under the root, with a diagnostic;
 *  - a cycle of parent links is cut at the member listed first, which then
 *    hangs under the root, with a diagnostic.
 * Children keep listing order; top-level entries are ordered by the first
 * listed process they hold. */
#ifndef LINEAGE_TREE_H
#define LINEAGE_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/export.h>
#include <lineage/dump.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_node lineage_node;
typedef struct lineage_iter lineage_iter;

typedef enum lineage_node_kind {
    LINEAGE_NODE_ROOT = 0, /**< the one root of a dump's tree */
    LINEAGE_NODE_PROCESS,  /**< a listed process */
    LINEAGE_NODE_ABSENT    /**< a parent PID that is not in the listing */
} lineage_node_kind;

/** How a process got its place in the tree. */
typedef enum lineage_link {
    LINEAGE_LINK_PARENT = 0, /**< under its listed parent */
    LINEAGE_LINK_TOP,        /**< PPID 0: under the root */
    LINEAGE_LINK_ORPHAN,     /**< parent not listed: under an ABSENT node */
    LINEAGE_LINK_REJECTED,   /**< listed parent is younger: under an ABSENT node */
    LINEAGE_LINK_SELF,       /**< PID == PPID: under the root */
    LINEAGE_LINK_CYCLE       /**< its link closed a cycle and was cut */
} lineage_link;

typedef enum lineage_event {
    LINEAGE_EVENT_DONE = 0,
    LINEAGE_EVENT_ENTER,
    LINEAGE_EVENT_EXIT
} lineage_event;

/** The tree's root (kind ROOT). Borrowed from the dump. */
LINEAGE_API const lineage_node *lineage_dump_get_root(const lineage_dump *dump);
/** Number of ABSENT nodes in the tree. */
LINEAGE_API size_t lineage_dump_absent_count(const lineage_dump *dump);

LINEAGE_API lineage_node_kind lineage_node_get_kind(const lineage_node *node);
/** The process of a PROCESS node; NULL for other kinds. */
LINEAGE_API const lineage_process *lineage_node_get_process(const lineage_node *node);
/** The missing PID of an ABSENT node; 0 for other kinds. */
LINEAGE_API uint64_t lineage_node_get_absent_pid(const lineage_node *node);
LINEAGE_API const lineage_node *lineage_node_get_parent(const lineage_node *node);
LINEAGE_API const lineage_node *lineage_node_get_first_child(const lineage_node *node);
LINEAGE_API const lineage_node *lineage_node_get_last_child(const lineage_node *node);
LINEAGE_API const lineage_node *lineage_node_get_next(const lineage_node *node);
LINEAGE_API const lineage_node *lineage_node_get_prev(const lineage_node *node);
/** Depth below the root: tops of the listing are at depth 1. */
LINEAGE_API size_t lineage_node_get_depth(const lineage_node *node);
LINEAGE_API size_t lineage_node_get_child_count(const lineage_node *node);

/** The node of a process. */
LINEAGE_API const lineage_node *lineage_process_get_node(const lineage_process *proc);
LINEAGE_API lineage_link lineage_process_get_link(const lineage_process *proc);
/** The listed parent process, or NULL (top, orphan, self, cycle). */
LINEAGE_API const lineage_process *lineage_process_get_parent(const lineage_process *proc);

/** A depth-first walk of the subtree under `node` (inclusive). Aborts on
 * OOM; free with lineage_iter_free. */
LINEAGE_API lineage_iter *lineage_iter_new(const lineage_node *node);
/** The next event; LINEAGE_EVENT_DONE after the EXIT of the start node. */
LINEAGE_API lineage_event lineage_iter_next(lineage_iter *iter);
/** The node of the last event. */
LINEAGE_API const lineage_node *lineage_iter_get_node(const lineage_iter *iter);
LINEAGE_API void lineage_iter_free(lineage_iter *iter);

/** Checks every structural invariant of the tree (links agree, every
 * process appears once, depths are right). 1 when sound. For tests and
 * fuzzers. */
LINEAGE_API int lineage_dump_check_tree(const lineage_dump *dump);

#ifdef __cplusplus
}
#endif

#endif
