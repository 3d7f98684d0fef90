/* The HTML report: the Markdown report rendered by cmark-gfm (with the
 * table extension) inside the page template templates/report.html.
 *
 * Raw HTML is never passed through: cmark-gfm runs without
 * CMARK_OPT_UNSAFE, so any HTML in the Markdown (none can come from
 * inputs: the templates escape every value) is dropped. The only markup
 * lineage adds itself is the SVG picture of each tree, drawn by Graphviz
 * from escaped labels: it takes the place of the tree's Mermaid block
 * (which needs JavaScript a self-contained page does not load). Without
 * Graphviz, or for a tree too large to draw, the Mermaid block is dropped
 * and the fenced text tree beside it stands alone. */
#include <lineage/graph.h>
#include <lineage/lineage.h>
#include <lineage/report.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "report_md.h"
#include "render_dot.h"
#include "report_model.h"
#include "strbuf.h"
#include "tvalue.h"

static void html_escape(strbuf *sb, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': strbuf_puts(sb, "&amp;"); break;
        case '<': strbuf_puts(sb, "&lt;"); break;
        case '>': strbuf_puts(sb, "&gt;"); break;
        case '"': strbuf_puts(sb, "&quot;"); break;
        case '\'': strbuf_puts(sb, "&#39;"); break;
        default: strbuf_putc(sb, s[i]);
        }
    }
}

/* The dump number a Mermaid block from the model names on its first line
 * ("%% lineage dump-N"), or 0. */
static size_t mermaid_dump(const char *literal)
{
    static const char tag[] = "%% lineage dump-";
    if (!literal || strncmp(literal, tag, sizeof tag - 1) != 0)
        return 0;
    char *end;
    unsigned long long n = strtoull(literal + sizeof tag - 1, &end, 10);
    return *end == '\n' ? (size_t)n : 0;
}

/* The SVG picture of dump `number` (1-based) in a figure, or NULL. */
static char *picture(const lineage_report *r, size_t number)
{
    if (!lineage_graph_has_svg() || number == 0 || number > report_model_dump_count(r))
        return NULL;
    size_t ndev;
    const lineage_process *const *dev = report_model_deviating(r, number - 1, &ndev);
    char *svg = NULL;
    if (lineage_dump_render_svg(report_model_dump(r, number - 1), dev, ndev, &svg, NULL) !=
        LINEAGE_OK)
        return NULL;
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "<figure class=\"tree-picture\" id=\"picture-dump-%zu\">\n", number);
    /* Graphviz numbers its ids ("node1", "edge1") per picture; prefix them
     * so the pictures of several dumps keep the page's ids unique. Labels
     * cannot hold ' id="': Graphviz writes their quotes as &quot;. */
    char prefix[48];
    snprintf(prefix, sizeof prefix, " id=\"dump-%zu-", number);
    for (const char *p = svg, *hit; *p; p = hit + 5) {
        hit = strstr(p, " id=\"");
        if (!hit) {
            strbuf_puts(&sb, p);
            break;
        }
        strbuf_add(&sb, p, (size_t)(hit - p));
        strbuf_puts(&sb, prefix);
    }
    strbuf_puts(&sb, "</figure>");
    free(svg);
    return strbuf_detach(&sb);
}

/* Swaps each Mermaid block for its picture, or drops it. */
static void replace_mermaid(const lineage_report *r, cmark_node *doc, int pictures)
{
    cmark_node **found = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_CODE_BLOCK)
            continue;
        const char *info = cmark_node_get_fence_info(node);
        if (info && strcmp(info, "mermaid") == 0) {
            found = xgrow(found, &cap, n + 1, sizeof *found);
            found[n++] = node;
        }
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        char *fig = pictures ? picture(r, mermaid_dump(cmark_node_get_literal(found[i]))) : NULL;
        if (fig) {
            cmark_node *custom = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
            cmark_node_set_on_enter(custom, fig);
            cmark_node_set_on_exit(custom, "");
            cmark_node_insert_before(found[i], custom);
            free(fig);
        }
        cmark_node_free(found[i]);
    }
    free(found);
}

/* The text of the first heading, escaped for HTML. */
static void first_heading(strbuf *out, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    cmark_node *heading = NULL;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);
        if (t == CMARK_NODE_HEADING) {
            if (ev == CMARK_EVENT_ENTER && !heading)
                heading = node;
            else if (ev == CMARK_EVENT_EXIT && node == heading)
                break;
        } else if (heading && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
            const char *lit = cmark_node_get_literal(node);
            html_escape(out, lit, strlen(lit));
        }
    }
    cmark_iter_free(it);
    if (!out->len)
        strbuf_puts(out, "lineage report");
}

lineage_status lineage_report_render_html(const lineage_report *report,
                                          const lineage_report_options *options, char **out,
                                          size_t *len, lineage_diag_list *diags)
{
    if (out)
        *out = NULL;
    if (!report || !out || !diags || !report_model_tree(report))
        return LINEAGE_E_ARG;
    lineage_template *page = NULL;
    lineage_status st = report_template_compile(options, "report", ".html", 0, diags, &page);
    if (st != LINEAGE_OK)
        return st;
    char *md = NULL;
    size_t mdlen = 0;
    st = lineage_report_render_markdown(report, options, &md, &mdlen, diags);
    if (st != LINEAGE_OK) {
        lineage_template_free(page);
        return st;
    }

    cmark_gfm_core_extensions_ensure_registered();
    cmark_syntax_extension *table = cmark_find_syntax_extension("table");
    if (!table) {
        /* Only after lineage_report_global_cleanup. */
        lineage_diag_add(diags, LINEAGE_ERROR, "report", 0, 0, NULL, 0,
                         "the Markdown table extension is not available");
        free(md);
        lineage_template_free(page);
        return LINEAGE_E_INTERNAL;
    }
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    cmark_parser_attach_syntax_extension(parser, table);
    cmark_parser_feed(parser, md, mdlen);
    cmark_node *doc = cmark_parser_finish(parser);
    free(md);
    replace_mermaid(report, doc, !(options && options->no_pictures));
    char *body = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
    strbuf title = STRBUF_INIT;
    first_heading(&title, doc);
    cmark_node_free(doc);
    cmark_parser_free(parser);

    arena *a = arena_new();
    lineage_tvalue *data = tvalue_map(a);
    const char *lang = options && options->lang ? options->lang : "en";
    tvalue_map_set_cstr(a, data, "lang", strcmp(lang, "ja") == 0 ? "ja" : "en");
    tvalue_map_set_string(a, data, "title", title.data, title.len);
    tvalue_map_set_cstr(a, data, "body", body);
    tvalue_map_set_cstr(a, data, "version", lineage_version());
    free(body);
    strbuf_release(&title);
    st = lineage_template_render(page, data, 0, diags, out, len);
    arena_free(a);
    lineage_template_free(page);
    return st;
}

/* Exported by libcmark-gfm (CMARK_GFM_EXPORT in its registry.h), but that
 * header is not installed. */
void cmark_release_plugins(void);

void lineage_report_global_cleanup(void)
{
    graph_cleanup();
    cmark_release_plugins();
    /* The XML writer sets up some of libxml2's globals without
     * initializing the parser, and xmlCleanupParser frees nothing for an
     * uninitialized parser: initialize first (a no-op when done), so the
     * cleanup covers every global. */
    xmlInitParser();
    xmlCleanupParser();
}
