/* Status codes returned by every fallible lineage function.
 *
 * The code says what kind of failure it was; the detail (file, line,
 * message) is in the diagnostics the call recorded. */
#ifndef LINEAGE_STATUS_H
#define LINEAGE_STATUS_H

#include <lineage/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lineage_status {
    LINEAGE_OK = 0,
    LINEAGE_E_NOMEM,    /**< an allocation failed */
    LINEAGE_E_IO,       /**< a file could not be opened, read or written */
    LINEAGE_E_PARSE,    /**< input could not be parsed (see diagnostics) */
    LINEAGE_E_RULE,     /**< a rule file is invalid (see diagnostics) */
    LINEAGE_E_TEMPLATE, /**< a report template is invalid */
    LINEAGE_E_LIMIT,    /**< a limit from limits.h was exceeded */
    LINEAGE_E_ARG,      /**< a caller passed an invalid argument */
    LINEAGE_E_INTERNAL  /**< a bug in lineage */
} lineage_status;

/** A short English description of a status code; static storage. */
LINEAGE_API const char *lineage_status_string(lineage_status status);

#ifdef __cplusplus
}
#endif

#endif
