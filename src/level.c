/* Names of the severity levels of findings and differences. */
#include <lineage/level.h>

#include "session.h"

static const char *const names[LINEAGE_LEVEL_COUNT] = {"info", "low", "medium", "high",
                                                       "critical"};

const char *lineage_level_name(lineage_level level)
{
    return (unsigned)level < LINEAGE_LEVEL_COUNT ? names[level] : "unknown";
}

int lineage_level_parse(const char *text, size_t len, lineage_level *out)
{
    for (int i = 0; i < LINEAGE_LEVEL_COUNT; i++) {
        size_t n = 0;
        while (names[i][n])
            n++;
        if (ascii_equal_fold(text, len, names[i], n)) {
            *out = (lineage_level)i;
            return 1;
        }
    }
    return 0;
}
