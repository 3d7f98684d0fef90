/* Status strings and the library version. */
#include <lineage/lineage.h>

const char *lineage_status_string(lineage_status status)
{
    switch (status) {
    case LINEAGE_OK:
        return "success";
    case LINEAGE_E_NOMEM:
        return "out of memory";
    case LINEAGE_E_IO:
        return "input/output error";
    case LINEAGE_E_PARSE:
        return "parse error";
    case LINEAGE_E_RULE:
        return "rule error";
    case LINEAGE_E_TEMPLATE:
        return "template error";
    case LINEAGE_E_LIMIT:
        return "limit exceeded";
    case LINEAGE_E_ARG:
        return "invalid argument";
    case LINEAGE_E_INTERNAL:
        return "internal error";
    }
    return "unknown status";
}

const char *lineage_version(void)
{
    return LINEAGE_VERSION_STRING;
}
