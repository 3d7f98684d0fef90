/* Written reports: one format-neutral report model built from dumps,
 * their findings and their differences against a baseline, then rendered
 * as Markdown (from templates, English or Japanese), HTML and the machine
 * formats.
 *
 *   lineage_report *r = lineage_report_new(session);
 *   lineage_report_set_baseline(r, profile, "baseline.txt");  (optional)
 *   lineage_report_add_rules(r, set);
 *   for each dump: lineage_report_add_dump(r, dump, findings);  (takes both)
 *   lineage_report_set_date(r, time);   or lineage_report_set_date_from_env(r)
 *   lineage_report_finish(r);
 *   lineage_report_render_markdown(r, &options, &text, &len, diags);
 *   lineage_report_free(r);
 *
 * The model is built once, by lineage_report_finish; every renderer reads
 * only the model, so all formats tell the same story. Its shape is
 * documented field by field in docs/report-model.md. */
#ifndef LINEAGE_REPORT_H
#define LINEAGE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/export.h>
#include <lineage/status.h>
#include <lineage/diag.h>
#include <lineage/level.h>
#include <lineage/session.h>
#include <lineage/dump.h>
#include <lineage/rules.h>
#include <lineage/profile.h>
#include <lineage/diff.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_report lineage_report;

/** A new, empty report over `session` (borrowed; it must outlive the
 * report). Free with lineage_report_free. Aborts on OOM. */
LINEAGE_API lineage_report *lineage_report_new(lineage_session *session);

/** Frees the report, the model, and the dumps and findings it took;
 * NULL is a no-op. */
LINEAGE_API void lineage_report_free(lineage_report *report);

/** Adds one dump, in input order, with its findings (NULL for none). The
 * report TAKES OWNERSHIP of both, even on failure, and frees them in
 * lineage_report_free (the findings first). The findings must belong to
 * this dump. Returns LINEAGE_E_ARG when report or dump is NULL or the
 * report is finished (the dump and findings are freed then). */
LINEAGE_API lineage_status lineage_report_add_dump(lineage_report *report, lineage_dump *dump,
                                                   lineage_findings *findings);

/** Compares every dump with `baseline` when the report is finished.
 * `baseline` is borrowed until lineage_report_finish returns; `label`
 * (copied; may be NULL) names it in the report, e.g. the files it was
 * learned from. `options` (copied; NULL for the defaults) as for
 * lineage_diff_new. Returns LINEAGE_E_ARG when report or baseline is NULL
 * or the report is finished. */
LINEAGE_API lineage_status lineage_report_set_baseline(lineage_report *report,
                                                       const lineage_profile *baseline,
                                                       const char *label,
                                                       const lineage_diff_options *options);

/** Lists the rules of `set` in the report's appendix. The set is
 * borrowed, and must outlive lineage_report_finish (findings also borrow
 * their rules until then). Returns LINEAGE_E_ARG when an argument is NULL
 * or the report is finished. */
LINEAGE_API lineage_status lineage_report_add_rules(lineage_report *report,
                                                    const lineage_ruleset *set);

/** Says that the findings were found with `build` assumed for dumps whose
 * listing gives no build (lineage_checker_assume_build): the facts of
 * each such dump then show it as `os.assumed`. 0, the default, assumes
 * nothing. Returns LINEAGE_E_ARG when `report` is NULL or finished. */
LINEAGE_API lineage_status lineage_report_assume_build(lineage_report *report, unsigned build);

/** The report's date: `seconds` since 1970-01-01 UTC. Without a call the
 * report has no date line. */
LINEAGE_API void lineage_report_set_date(lineage_report *report, int64_t seconds);

/** Sets the date from the SOURCE_DATE_EPOCH environment variable when it
 * holds a decimal number of seconds, else from the current time, so
 * reproducible builds give byte-identical reports. */
LINEAGE_API void lineage_report_set_date_from_env(lineage_report *report);

/** Builds the model: runs the differences against the baseline, sorts,
 * counts and lays out everything. After it nothing can be added, and the
 * rule set and baseline are no longer needed. Returns LINEAGE_OK, or
 * LINEAGE_E_ARG when report is NULL or already finished. */
LINEAGE_API lineage_status lineage_report_finish(lineage_report *report);

/** Unsuppressed findings plus differences at or above `level` (0 before
 * lineage_report_finish); for exit codes like `lineage check --fail-on`. */
LINEAGE_API size_t lineage_report_count_at_least(const lineage_report *report,
                                                 lineage_level level);

/** Options for the Markdown and HTML renderers; zero-initialize for the
 * defaults. */
typedef struct lineage_report_options {
    /** "en" (default) or "ja": which embedded template set to use. */
    const char *lang;
    /** A directory of the user's own templates (report.md and its
     * partials, *.md; report.html for HTML), used instead of the
     * embedded set; NULL for none. */
    const char *template_dir;
    /** Non-zero: the HTML shows the text trees only, without SVG pictures
     * (a smaller page, the same with or without Graphviz). */
    int no_pictures;
} lineage_report_options;

/** The report as GitHub-flavoured Markdown, from the templates. On
 * success stores a malloc'd NUL-terminated text in *out (the caller frees
 * it with free()) and its length in *len (may be NULL). On failure *out is
 * NULL and returns LINEAGE_E_ARG (NULL arguments, unfinished report,
 * unknown language), LINEAGE_E_IO (a template file cannot be read),
 * LINEAGE_E_TEMPLATE or LINEAGE_E_LIMIT, with the details in `diags`. */
LINEAGE_API lineage_status lineage_report_render_markdown(const lineage_report *report,
                                                          const lineage_report_options *options,
                                                          char **out, size_t *len,
                                                          lineage_diag_list *diags);

/** The report as one self-contained HTML page: the Markdown rendered by
 * cmark-gfm (tables), never passing raw HTML from inputs through, inside
 * the page template with inline CSS; each tree also as an inline SVG
 * picture when the library was built with Graphviz (else the text tree
 * stands alone). Ownership and failures as for
 * lineage_report_render_markdown. */
LINEAGE_API lineage_status lineage_report_render_html(const lineage_report *report,
                                                      const lineage_report_options *options,
                                                      char **out, size_t *len,
                                                      lineage_diag_list *diags);

/* ---- machine formats (no templates) ---------------------------------------- */

/** The report as XML in the namespace urn:lineage:report:1, valid against
 * the schema docs/lineage-report.xsd (lineage_report_xml_schema): the
 * whole model except the markdown_* fields, numbers, booleans, levels and
 * PIDs as typed attributes, text from the inputs as element content.
 * Characters XML 1.0 cannot carry (control characters other than tab and
 * line feed, bytes that are not UTF-8) become U+FFFD, and the element gets
 * an attribute `raw` with the original escaped (`\\`, `\xNN`), so the
 * output is always well-formed. On success stores a malloc'd
 * NUL-terminated text in *out (the caller frees it with free()) and its
 * length in *len (may be NULL). On failure *out is NULL and returns
 * LINEAGE_E_ARG (NULL arguments, unfinished report) or LINEAGE_E_NOMEM,
 * with the details in `diags`. */
LINEAGE_API lineage_status lineage_report_render_xml(const lineage_report *report, char **out,
                                                     size_t *len, lineage_diag_list *diags);

/** The report model as JSON (docs/report-model.md is its reference),
 * without the markdown_* fields; strings escaped, invalid UTF-8 as U+FFFD.
 * Ownership and failures as for lineage_report_render_xml. */
LINEAGE_API lineage_status lineage_report_render_json(const lineage_report *report, char **out,
                                                      size_t *len, lineage_diag_list *diags);

/** The report as SARIF 2.1.0: one run, the rules as tool.driver.rules
 * (then one rule "diff-<kind>" per kind of difference present), one
 * result per finding, per difference and per suppressed finding (with
 * `suppressions`), located at the dump's file and the process's line
 * (the dump's first line for what it lacks); a difference with a place in
 * the baseline has it as a relatedLocation ("first seen here in the
 * baseline").
 * A finding's properties hold its lineage level, dump, process, chain,
 * expectation and references, and `assumed_os` and `assumed_build` when
 * its dump gave no build and one was assumed (lineage_report_assume_build).
 * Texts a viewer shows (message.text, the rules' shortDescription and
 * fullDescription, suppression justifications) are escaped as terminal
 * output is: control characters as \xNN, \t, \n, \r, invisible and
 * bidirectional characters as \uNNNN; names and chains with backslashes
 * doubled, rule texts as written, and a description's line breaks and
 * tabs kept. Properties keep every value exact.
 * Ownership and failures as for lineage_report_render_xml. */
LINEAGE_API lineage_status lineage_report_render_sarif(const lineage_report *report, char **out,
                                                       size_t *len, lineage_diag_list *diags);

/** The XML schema of the report (the text of docs/lineage-report.xsd,
 * embedded in the library): static, NUL-terminated, never freed; its
 * length in *len (may be NULL). */
LINEAGE_API const char *lineage_report_xml_schema(size_t *len);

/** Validates `len` bytes of XML against the embedded report schema.
 * `source` (may be NULL: "report.xml") names the text in the diagnostics.
 * Returns LINEAGE_OK when the document is well-formed and valid;
 * LINEAGE_E_PARSE when it is not, with every schema error (or the parse
 * error) in `diags` as file:line records; LINEAGE_E_ARG for NULL
 * arguments; LINEAGE_E_NOMEM or LINEAGE_E_INTERNAL otherwise. Never
 * reads the network or external entities. */
LINEAGE_API lineage_status lineage_report_validate_xml(const char *xml, size_t len,
                                                       const char *source,
                                                       lineage_diag_list *diags);

/** Frees the process-wide state of the libraries the renderers use:
 * cmark-gfm's registry of Markdown extensions (set up by the first HTML
 * rendering) and libxml2's globals (xmlCleanupParser). Call it at most
 * once, at exit, when no thread renders or otherwise uses libxml2, so a
 * leak checker sees no reachable block; rendering HTML or SVG
 * (lineage_dump_render_svg) after it fails with LINEAGE_E_INTERNAL. */
LINEAGE_API void lineage_report_global_cleanup(void);

#ifdef __cplusplus
}
#endif

#endif
