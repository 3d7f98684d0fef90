/* The report templates embedded in the library at build time
 * (cmake/embed_templates.cmake over templates/): "en/report.md",
 * "ja/findings.md", "report.html", ... */
#ifndef LINEAGE_REPORT_TEMPLATES_H
#define LINEAGE_REPORT_TEMPLATES_H

#include <stddef.h>

typedef struct embedded_template_file {
    const char *path; /* relative to templates/ */
    const unsigned char *data;
    size_t size;
} embedded_template_file;

extern const embedded_template_file embedded_template_files[];
extern const size_t embedded_template_file_count;

#endif
