/* How much a finding or a difference matters: the severity scale shared by
 * rule findings, lineage differences and reports. (Diagnostics about input
 * text use lineage_severity in diag.h instead.) */
#ifndef LINEAGE_LEVEL_H
#define LINEAGE_LEVEL_H

#include <stddef.h>
#include <lineage/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lineage_level {
    LINEAGE_LEVEL_INFO = 0,
    LINEAGE_LEVEL_LOW,
    LINEAGE_LEVEL_MEDIUM,
    LINEAGE_LEVEL_HIGH,
    LINEAGE_LEVEL_CRITICAL
} lineage_level;

#define LINEAGE_LEVEL_COUNT 5

/** "info", "low", "medium", "high" or "critical"; static storage. */
LINEAGE_API const char *lineage_level_name(lineage_level level);
/** Parses a level name (case-insensitive, `len` bytes); 1 on success. */
LINEAGE_API int lineage_level_parse(const char *text, size_t len, lineage_level *out);

#ifdef __cplusplus
}
#endif

#endif
