/* Differential comparison: a suspect dump against a baseline profile, and
 * the N-way lineage matrix of several dumps.
 *
 * Dumps are matched by lineage keys (the chain of case-folded image names
 * from the top of the tree, absent parents as "?"), never by PIDs, so two
 * boots of one host compare equal. Keys are multisets: three lsass.exe
 * where the baseline had one is a difference. See docs/diff.md. */
#ifndef LINEAGE_DIFF_H
#define LINEAGE_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/export.h>
#include <lineage/status.h>
#include <lineage/level.h>
#include <lineage/dump.h>
#include <lineage/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_diff lineage_diff;
typedef struct lineage_differ lineage_differ;
typedef struct lineage_difference lineage_difference;
typedef struct lineage_matrix lineage_matrix;

typedef enum lineage_diff_kind {
    LINEAGE_DIFF_NEW = 0,      /**< a key (and name) the baseline never had */
    LINEAGE_DIFF_REPARENTED,   /**< a name the baseline had, under a new chain */
    LINEAGE_DIFF_ORPHANED,     /**< re-parented from a listed parent to an absent one */
    LINEAGE_DIFF_PARENTED,     /**< re-parented from an absent parent to a listed one */
    LINEAGE_DIFF_COUNT,        /**< instance count outside the baseline's range */
    LINEAGE_DIFF_MISSING,      /**< a baseline key not in a complete listing */
    LINEAGE_DIFF_NOT_OBSERVED, /**< a baseline key not in a partial listing */
    LINEAGE_DIFF_EXITED,       /**< exited where the baseline's were alive */
    LINEAGE_DIFF_ALIVE,        /**< alive where the baseline's had exited */
    LINEAGE_DIFF_THREADS       /**< thread count outside the baseline's range */
} lineage_diff_kind;

/** Options for lineage_diff_new; zero-initialize for the defaults. */
typedef struct lineage_diff_options {
    /** A baseline key counts when seen in at least this many baseline
     * dumps (consensus); 0 or 1 = the union. */
    uint64_t min_support;
    /** Report thread counts outside the baseline's range. */
    int threads;
} lineage_diff_options;

/** Compares `suspect` with `baseline` (both of one session). On success
 * *out holds the differences, most severe first then by key; free with
 * lineage_diff_free. The profile and dump are borrowed during the call
 * only, except that differences point at the suspect's processes, which
 * stay valid while the dump does. Returns LINEAGE_E_ARG on NULL
 * arguments (then *out is NULL). */
LINEAGE_API lineage_status lineage_diff_new(const lineage_profile *baseline,
                                            const lineage_dump *suspect,
                                            const lineage_diff_options *options,
                                            lineage_diff **out);
LINEAGE_API void lineage_diff_free(lineage_diff *diff);

/** A differ compares many suspects with one baseline: what the baseline
 * knows per image name is worked out once, when the differ is made, not
 * once per suspect. lineage_differ_diff gives exactly the differences
 * lineage_diff_new would. The profile must outlive the differ and not
 * change while it lives; a differ interns names in the profile's session,
 * so it is not thread-safe. NULL when `baseline` is NULL. Aborts on OOM. */
LINEAGE_API lineage_differ *lineage_differ_new(const lineage_profile *baseline,
                                               const lineage_diff_options *options);
/** Compares `suspect` (of the baseline's session) as lineage_diff_new does.
 * Returns LINEAGE_E_ARG on NULL arguments (then *out is NULL). */
LINEAGE_API lineage_status lineage_differ_diff(lineage_differ *differ,
                                               const lineage_dump *suspect, lineage_diff **out);
/** Frees the differ (not the diffs it made); NULL is a no-op. */
LINEAGE_API void lineage_differ_free(lineage_differ *differ);

LINEAGE_API size_t lineage_diff_count(const lineage_diff *diff);
/** Difference i (borrowed from the diff), or NULL when out of range. */
LINEAGE_API const lineage_difference *lineage_diff_get(const lineage_diff *diff, size_t i);
/** Differences at or above a level. */
LINEAGE_API size_t lineage_diff_count_at_least(const lineage_diff *diff, lineage_level level);
/** The suspect dump compared (borrowed). */
LINEAGE_API const lineage_dump *lineage_diff_get_suspect(const lineage_diff *diff);

LINEAGE_API lineage_diff_kind lineage_difference_get_kind(const lineage_difference *d);
/** "new", "re-parented", "orphaned", "parented", "count", "missing",
 * "not-observed", "exited", "alive" or "threads"; static storage. */
LINEAGE_API const char *lineage_diff_kind_name(lineage_diff_kind kind);
LINEAGE_API lineage_level lineage_difference_get_level(const lineage_difference *d);
/** The lineage key concerned ("?/wininit.exe/lsass.exe"). */
LINEAGE_API const char *lineage_difference_get_key(const lineage_difference *d);
/** One English sentence saying what differs. NUL-terminated, but the
 * names in it may hold a NUL byte: lineage_difference_get_message_length
 * gives the whole length. */
LINEAGE_API const char *lineage_difference_get_message(const lineage_difference *d);
LINEAGE_API size_t lineage_difference_get_message_length(const lineage_difference *d);
/** The first suspect process concerned (for linking with rule findings),
 * or NULL for missing / not-observed keys. */
LINEAGE_API const lineage_process *lineage_difference_get_process(const lineage_difference *d);
/** Instances of the key in the suspect. */
LINEAGE_API uint64_t lineage_difference_get_count(const lineage_difference *d);
/** Baseline evidence: the file and line where the baseline first saw the
 * key (or, for a re-parented name, the name under its usual chain); ""
 * and 0 when the baseline has none. */
LINEAGE_API const char *lineage_difference_get_baseline_source(const lineage_difference *d);
LINEAGE_API unsigned long lineage_difference_get_baseline_line(const lineage_difference *d);
/** The baseline key of that evidence, or "" when none. */
LINEAGE_API const char *lineage_difference_get_baseline_key(const lineage_difference *d);

/** Text report: one header line for the suspect, then one block per
 * difference with its evidence. The caller frees the result with free(). */
LINEAGE_API char *lineage_diff_render_text(const lineage_diff *diff);
/** The same with render flags (lineage/render.h): LINEAGE_RENDER_COLOR
 * colours each level word. */
LINEAGE_API char *lineage_diff_render_text_flags(const lineage_diff *diff, unsigned flags);
/** One JSON object (with a trailing newline) describing the diff. The
 * caller frees the result with free(). */
LINEAGE_API char *lineage_diff_render_json(const lineage_diff *diff);

/* ---- the N-way matrix ---------------------------------------------------- */

/** An empty matrix over `session`. Free with lineage_matrix_free. */
LINEAGE_API lineage_matrix *lineage_matrix_new(lineage_session *session);
LINEAGE_API void lineage_matrix_free(lineage_matrix *matrix);
/** Adds one column: the dump's parent -> child name edge counts, labelled
 * by OS and build ("XP 2600", "7 SP1 7601"). The dump is borrowed during
 * the call only, and must have been read through the matrix's session:
 * LINEAGE_E_ARG, adding nothing, when it was not or an argument is NULL. */
LINEAGE_API lineage_status lineage_matrix_add_dump(lineage_matrix *matrix,
                                                   const lineage_dump *dump);
/** Text table: rows are edges, columns dumps, cells counts ("." for
 * none); rows whose counts differ across columns first, each group sorted
 * by parent then child. The caller frees the result with free(). */
LINEAGE_API char *lineage_matrix_render_text(const lineage_matrix *matrix);
/** The same as one JSON object (with a trailing newline): "columns", one
 * {"source", "index", "label"} a dump, and "rows" in the text's order, one
 * {"parent", "child", "differs", "counts"} an edge, with a count a column.
 * The caller frees the result with free(). */
LINEAGE_API char *lineage_matrix_render_json(const lineage_matrix *matrix);

#ifdef __cplusplus
}
#endif

#endif
