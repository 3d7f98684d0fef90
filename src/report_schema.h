/* The XML report schema (docs/lineage-report.xsd), embedded in the library
 * at build time by cmake/embed_file.cmake so validation needs no installed
 * file. */
#ifndef LINEAGE_REPORT_SCHEMA_H
#define LINEAGE_REPORT_SCHEMA_H

#include <stddef.h>

/* The schema's bytes, followed by a NUL not counted in the size. */
extern const unsigned char report_schema_xsd[];
extern const size_t report_schema_xsd_size;

#endif
