/* Shared by the Markdown and HTML renderers: compiling a report template. */
#ifndef LINEAGE_REPORT_MD_H
#define LINEAGE_REPORT_MD_H

#include <lineage/report.h>
#include <lineage/template.h>

/* Compiles template `name` + `suffix` ("report", ".md"): from
 * options->template_dir when set (and, for a template that is not
 * per-language, when the directory has it), else from the embedded set,
 * under the language's folder when `per_language`. Partials come from the
 * same place. Returns as lineage_template_compile, or LINEAGE_E_ARG for an
 * unknown language, LINEAGE_E_IO for a missing file in the directory. */
lineage_status report_template_compile(const lineage_report_options *options, const char *name,
                                       const char *suffix, int per_language,
                                       lineage_diag_list *diags, lineage_template **out);

#endif
