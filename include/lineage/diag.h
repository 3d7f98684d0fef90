/* Diagnostics: the one record every parser (listings, rules, templates)
 * uses to say what was wrong with its input and where.
 *
 * A diagnostic list is an append-only collection owned by whoever created
 * it (a reader, a dump, a rule set). Parsers recover and keep going, so one
 * run reports every problem. */
#ifndef LINEAGE_DIAG_H
#define LINEAGE_DIAG_H

#include <stddef.h>
#include <lineage/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lineage_severity {
    LINEAGE_NOTE = 0,
    LINEAGE_WARNING,
    LINEAGE_ERROR
} lineage_severity;

typedef struct lineage_diag lineage_diag;
typedef struct lineage_diag_list lineage_diag_list;

/** A new, empty list. Aborts on OOM (like every lineage allocation). */
LINEAGE_API lineage_diag_list *lineage_diag_list_new(void);
/** Frees the list and its records; NULL is a no-op. */
LINEAGE_API void lineage_diag_list_free(lineage_diag_list *list);

/** Number of records kept (see lineage_diag_list_dropped for the rest). */
LINEAGE_API size_t lineage_diag_list_count(const lineage_diag_list *list);
/** Record i (0-based), borrowed from the list; NULL when out of range. */
LINEAGE_API const lineage_diag *lineage_diag_list_get(const lineage_diag_list *list, size_t i);
/** Records not kept because the list reached LINEAGE_MAX_DIAGS_PER_LIST. */
LINEAGE_API size_t lineage_diag_list_dropped(const lineage_diag_list *list);
/** Number of records (kept or dropped) at or above a severity. */
LINEAGE_API size_t lineage_diag_list_count_at_least(const lineage_diag_list *list,
                                                   lineage_severity severity);

/** Appends a record with a printf-style message. `source` and
 * `source_line` (the text of the offending line, may be NULL) are copied;
 * a long source line is kept as an excerpt around `column`. Line and
 * column are 1-based; 0 means unknown. A severity outside the enum is
 * recorded as LINEAGE_ERROR. */
LINEAGE_API void lineage_diag_add(lineage_diag_list *list, lineage_severity severity,
                                  const char *source, unsigned long line, unsigned column,
                                  const char *source_line, size_t source_line_len,
                                  const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

/** Moves every record of `from` to the end of `to`; `from` is left empty. */
LINEAGE_API void lineage_diag_list_take(lineage_diag_list *to, lineage_diag_list *from);

LINEAGE_API lineage_severity lineage_diag_get_severity(const lineage_diag *diag);
/** The file the record is about ("-" for standard input); may be "". */
LINEAGE_API const char *lineage_diag_get_source(const lineage_diag *diag);
LINEAGE_API unsigned long lineage_diag_get_line(const lineage_diag *diag);
LINEAGE_API unsigned lineage_diag_get_column(const lineage_diag *diag);
LINEAGE_API const char *lineage_diag_get_message(const lineage_diag *diag);
/** The offending source line (or an excerpt of it); "" when unknown. */
LINEAGE_API const char *lineage_diag_get_source_line(const lineage_diag *diag);
/** Column of the caret within lineage_diag_get_source_line (1-based; 0 = none). */
LINEAGE_API unsigned lineage_diag_get_excerpt_column(const lineage_diag *diag);

/** "warning", "error" or "note"; static storage. */
LINEAGE_API const char *lineage_severity_name(lineage_severity severity);

/** Formats a record the way compilers do:
 *   file:line:col: error: message
 *    source line
 *        ^
 * Control bytes in the source line are shown escaped. Returns a string
 * the caller frees with free(). */
LINEAGE_API char *lineage_diag_format(const lineage_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
