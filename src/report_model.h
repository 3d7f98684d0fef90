/* The report model, for the renderers inside the library.
 *
 * lineage_report_finish builds ONE tree of template values
 * (src/tvalue.h) whose shape docs/report-model.md documents field by
 * field; every renderer (Markdown, HTML, XML, JSON, SARIF) reads that
 * tree and nothing else, except the pictures of the trees, which need the
 * dumps themselves (report_model_dump, report_model_deviating). */
#ifndef LINEAGE_REPORT_MODEL_H
#define LINEAGE_REPORT_MODEL_H

#include <stddef.h>

#include <lineage/report.h>
#include <lineage/template.h>

/* The model's root map, or NULL before lineage_report_finish. Lives as
 * long as the report. */
const lineage_tvalue *report_model_tree(const lineage_report *report);

/* The dumps in input order (borrowed from the report); the i-th matches
 * the i-th item of the model's "dumps" list. */
size_t report_model_dump_count(const lineage_report *report);
const lineage_dump *report_model_dump(const lineage_report *report, size_t i);

/* The processes of dump i that deviate (a finding, suppressed or not, or
 * a difference points at them), each once, in listing order; *n receives
 * their number. Valid after lineage_report_finish; NULL when none. */
const lineage_process *const *report_model_deviating(const lineage_report *report, size_t i,
                                                     size_t *n);

#endif
