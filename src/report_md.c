/* The Markdown report: the report model rendered through the templates,
 * either the set embedded for a language (templates/en, templates/ja) or
 * a user's own directory. */
#include <lineage/report.h>
#include <lineage/template.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report_md.h"
#include "report_model.h"
#include "report_templates.h"

typedef struct embedded_ctx {
    const char *prefix; /* "en/", "ja/" or "" */
    const char *suffix; /* ".md", ".html" */
} embedded_ctx;

static lineage_status embedded_loader(void *p, const char *name, char **text, size_t *len,
                                      char **source)
{
    const embedded_ctx *c = p;
    size_t need = strlen(c->prefix) + strlen(name) + strlen(c->suffix) + 1;
    char *path = xmalloc(need);
    snprintf(path, need, "%s%s%s", c->prefix, name, c->suffix);
    for (size_t i = 0; i < embedded_template_file_count; i++) {
        const embedded_template_file *f = &embedded_template_files[i];
        if (strcmp(f->path, path) == 0) {
            *text = xmalloc(f->size + 1);
            memcpy(*text, f->data, f->size);
            (*text)[f->size] = '\0';
            *len = f->size;
            size_t sn = strlen("templates/") + strlen(path) + 1;
            *source = xmalloc(sn);
            snprintf(*source, sn, "templates/%s", path);
            free(path);
            return LINEAGE_OK;
        }
    }
    free(path);
    return LINEAGE_E_IO;
}

lineage_status report_template_compile(const lineage_report_options *options, const char *name,
                                       const char *suffix, int per_language,
                                       lineage_diag_list *diags, lineage_template **out)
{
    *out = NULL;
    const char *lang = options && options->lang ? options->lang : "en";
    if (strcmp(lang, "en") != 0 && strcmp(lang, "ja") != 0) {
        lineage_diag_add(diags, LINEAGE_ERROR, "report", 0, 0, NULL, 0,
                         "unknown report language '%s' (en or ja)", lang);
        return LINEAGE_E_ARG;
    }
    char prefix[8];
    snprintf(prefix, sizeof prefix, "%s/", lang);
    embedded_ctx ectx = {per_language ? prefix : "", suffix};
    lineage_template_dir dctx = {options ? options->template_dir : NULL, suffix};
    lineage_template_loader loader = embedded_loader;
    void *ctx = &ectx;
    char *text = NULL, *source = NULL;
    size_t len = 0;
    lineage_status st;
    if (dctx.dir) {
        st = lineage_template_dir_loader(&dctx, name, &text, &len, &source);
        if (st == LINEAGE_OK) {
            loader = lineage_template_dir_loader;
            ctx = &dctx;
        } else if (per_language) {
            lineage_diag_add(diags, LINEAGE_ERROR, dctx.dir, 0, 0, NULL, 0,
                             "cannot read the template %s%s in this directory", name, suffix);
            return st;
        }
    }
    if (!text) {
        st = embedded_loader(&ectx, name, &text, &len, &source);
        if (st != LINEAGE_OK) {
            lineage_diag_add(diags, LINEAGE_ERROR, "report", 0, 0, NULL, 0,
                             "no embedded template %s%s%s", ectx.prefix, name, suffix);
            return LINEAGE_E_INTERNAL;
        }
    }
    st = lineage_template_compile(text, len, source ? source : name, loader, ctx, diags, out);
    free(text);
    free(source);
    return st;
}

lineage_status lineage_report_render_markdown(const lineage_report *report,
                                              const lineage_report_options *options, char **out,
                                              size_t *len, lineage_diag_list *diags)
{
    if (out)
        *out = NULL;
    if (!report || !out || !diags || !report_model_tree(report))
        return LINEAGE_E_ARG;
    lineage_template *tpl = NULL;
    lineage_status st = report_template_compile(options, "report", ".md", 1, diags, &tpl);
    if (st != LINEAGE_OK)
        return st;
    /* The embedded templates are checked strictly (a typo in a name is an
     * error); a user's templates may name fields that are optional. */
    unsigned flags = options && options->template_dir ? 0 : LINEAGE_TEMPLATE_STRICT;
    st = lineage_template_render(tpl, report_model_tree(report), flags, diags, out, len);
    lineage_template_free(tpl);
    return st;
}
