/* Report templates: a logic-less template language in the mustache
 * family, compiled once and rendered against a tree of values.
 *
 * Tags: {{name}} (the value, escaped for GitHub-flavoured Markdown),
 * {{{name}}} and {{& name}} (the value as is, for text the report built
 * itself), dotted names ({{dump.os}}), {{.}} (the current item),
 * sections {{#name}}...{{/name}} (repeated per list item, or shown once
 * for any other truthy value), inverted sections {{^name}}...{{/name}}
 * (shown when the value is absent or falsy), partials {{> name}} and
 * comments {{! text}}. A section, inverted, closing, partial or comment
 * tag alone on its line removes the whole line. docs/templates.md is the
 * full reference. */
#ifndef LINEAGE_TEMPLATE_H
#define LINEAGE_TEMPLATE_H

#include <stddef.h>
#include <lineage/export.h>
#include <lineage/status.h>
#include <lineage/diag.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A compiled template with every partial it uses; immutable, so one
 * template may be rendered any number of times, from several threads. */
typedef struct lineage_template lineage_template;

/** A value handed to a template: a tree of strings, numbers, booleans,
 * lists and maps. The report model builds these inside the library. */
typedef struct lineage_tvalue lineage_tvalue;

/** Loads the text of partial `name` for lineage_template_compile.
 * On success returns LINEAGE_OK and stores in *text a malloc'd buffer of
 * *len bytes (the template takes it and frees it with free()) and in
 * *source a malloc'd name for diagnostics, such as the file's path (also
 * taken; may be left NULL to use `name`). Any other status means the
 * partial could not be loaded (LINEAGE_E_IO when it does not exist) and
 * nothing is stored. */
typedef lineage_status (*lineage_template_loader)(void *ctx, const char *name, char **text,
                                                  size_t *len, char **source);

/** A loader reading partial NAME from `<dir>/<NAME><suffix>`; pass a
 * lineage_template_dir (borrowed for the duration of the compile) as
 * the loader's ctx. Partial names cannot leave the directory: they are
 * letters, digits, '_', '-', '.' and '/' with no empty segment and no
 * segment starting with '.'. Only a regular file is read: a FIFO, a
 * device or a directory gives LINEAGE_E_IO, as a missing file does. */
typedef struct lineage_template_dir {
    const char *dir;    /**< directory holding the templates */
    const char *suffix; /**< appended to the partial name, e.g. ".md" */
} lineage_template_dir;
LINEAGE_API lineage_status lineage_template_dir_loader(void *ctx, const char *name, char **text,
                                                       size_t *len, char **source);

/** Compiles `len` bytes of template text. `source` names it in
 * diagnostics (copied). Partials are loaded through `loader` (may be NULL
 * when the template uses none) and compiled with it, each name once.
 * Every problem found is added to `diags` as `source:line:col` records
 * (columns count bytes). Returns LINEAGE_OK and stores a template in
 * *out, which the caller frees with lineage_template_free; on failure
 * returns LINEAGE_E_TEMPLATE (invalid text), LINEAGE_E_LIMIT (a template
 * limit from limits.h was exceeded) or LINEAGE_E_ARG (`out` or `diags`
 * NULL, or `text` NULL with a non-zero `len`), and *out is NULL. */
LINEAGE_API lineage_status lineage_template_compile(const char *text, size_t len,
                                                    const char *source,
                                                    lineage_template_loader loader,
                                                    void *loader_ctx, lineage_diag_list *diags,
                                                    lineage_template **out);

/** Frees a template; NULL is a no-op. */
LINEAGE_API void lineage_template_free(lineage_template *tpl);

/** Flags for lineage_template_render. */
enum {
    /** A name that resolves to nothing is an error instead of empty text. */
    LINEAGE_TEMPLATE_STRICT = 1 << 0
};

/** Renders the template against `data` (the root context; may be NULL).
 * On success returns LINEAGE_OK and stores the NUL-terminated output in
 * *out (the caller frees it with free()) and its length in *out_len
 * (may be NULL). On failure adds a diagnostic at the offending tag and
 * returns LINEAGE_E_LIMIT (partial depth or output size limit),
 * LINEAGE_E_TEMPLATE (a list or map used as a variable, or a missing
 * name in strict mode) or LINEAGE_E_ARG (`tpl`, `diags` or `out` NULL);
 * *out is NULL then. */
LINEAGE_API lineage_status lineage_template_render(const lineage_template *tpl,
                                                   const lineage_tvalue *data, unsigned flags,
                                                   lineage_diag_list *diags, char **out,
                                                   size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
